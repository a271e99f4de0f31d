package kamhttp

import (
	"net/http"

	"kam"
)

// statusOf is the one table that maps error codes to HTTP statuses.
func statusOf(err error) int {
	switch kam.ErrorCodeOf(err) {
	case kam.EInvalid:
		return http.StatusUnprocessableEntity
	case kam.ENotFound:
		return http.StatusNotFound
	case kam.EConflict:
		return http.StatusConflict
	case kam.EForbidden:
		return http.StatusForbidden
	case kam.EUnauthorized:
		return http.StatusUnauthorized
	case kam.EPreconditionFailed:
		return http.StatusPreconditionFailed
	case kam.EPreconditionNeeded:
		return http.StatusPreconditionRequired
	}
	return http.StatusInternalServerError
}
