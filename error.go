package kam

import (
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an error so that every interface (HTTP status, CLI exit code, UI message)
// can react to it without inspecting message text.
type ErrorCode string

// The error codes used across KAM. http/ maps each to one status.
const (
	EInvalid            ErrorCode = "invalid"
	ENotFound           ErrorCode = "not_found"
	EConflict           ErrorCode = "conflict"
	EForbidden          ErrorCode = "forbidden"
	EUnauthorized       ErrorCode = "unauthorized"
	EPreconditionFailed ErrorCode = "precondition_failed"
	EPreconditionNeeded ErrorCode = "precondition_required"
	EInternal           ErrorCode = "internal"
)

// FieldError names one bad field. Code is a stable key the UI translates (see locale/);
// Message is the English text the API returns.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is KAM's application error.
type Error struct {
	Code    ErrorCode
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, or EInternal.
func ErrorCodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of the first *Error in err's chain, or a generic text
// (internal details are never shown to users).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// FieldErrors returns the field errors of the first *Error in err's chain.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors; Err returns nil when there are none.
type Validation struct{ fields []FieldError }

// Add records a bad field.
func (v *Validation) Add(field, code, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an EInvalid *Error naming every bad field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "validation failed", Fields: v.fields}
}

// MaxLen checks a text field's length in characters (not bytes: limits are for people).
func (v *Validation) MaxLen(field, value string, max int) {
	if n := len([]rune(value)); n > max {
		v.Add(field, "too_long", "must be at most %d characters (got %d)", max, n)
	}
}

// Required checks that a text field is not blank.
func (v *Validation) Required(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "required", "is required")
	}
}

// OneOf checks an enum field; the empty value is allowed unless required is set.
func (v *Validation) OneOf(field, value string, allowed []string, required bool) {
	if value == "" {
		if required {
			v.Add(field, "required", "is required")
		}
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.Add(field, "unknown_value", "must be one of %s (got %q)", strings.Join(allowed, ", "), value)
}
