package kamhttp

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// Saved filters in the API: /api/v1/saved-filters. Everyone keeps their own; a shared filter is
// listed for everyone (read only for others); another user's private filter is 404. Updates and
// deletes take If-Match when given (412 when stale).

// SavedFilterBody is the body of a create or an update.
type SavedFilterBody struct {
	Name     string             `json:"name" doc:"At most 100 characters; unique among the user's filters."`
	Shared   bool               `json:"shared" doc:"Offered to every user (each sees only their own scope through it)."`
	Criteria kam.FilterCriteria `json:"criteria"`
}

var (
	savedFilterFields = map[string]bool{"name": true, "shared": true, "criteria": true}
	criteriaFields    = map[string]bool{"category": true, "industry": true, "nature": true, "region": true, "channel_role": true,
		"class": true, "tier": true, "lamp": true, "loyalty": true, "rep": true}
)

// decodeSavedFilter reads a body, refusing unknown fields at both levels.
func decodeSavedFilter(ct string, raw []byte) (*kam.SavedFilter, error) {
	var b struct {
		Name     string          `json:"name"`
		Shared   bool            `json:"shared"`
		Criteria json.RawMessage `json:"criteria"`
	}
	if err := decodeObject(ct, raw, &b, savedFilterFields); err != nil {
		return nil, err
	}
	f := &kam.SavedFilter{Name: b.Name, Shared: b.Shared}
	if len(b.Criteria) > 0 && string(b.Criteria) != "null" {
		if err := decodeObject("application/json", b.Criteria, &f.Criteria, criteriaFields); err != nil {
			if m, ok := err.(*huma.ErrorModel); ok {
				for _, d := range m.Errors {
					if len(d.Location) >= 4 && d.Location[:4] == "body" {
						d.Location = "body.criteria" + d.Location[4:]
					}
				}
			}
			return nil, err
		}
	}
	return f, nil
}

type savedFilterWriteInput struct {
	ID          int64  `path:"id" minimum:"1"`
	IfMatch     string `header:"If-Match" doc:"The ETag of the filter as read; optional."`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/json"`
}

type savedFilterDeleteInput struct {
	ID      int64  `path:"id" minimum:"1"`
	IfMatch string `header:"If-Match" doc:"The ETag of the filter as read; optional."`
}

// optionalIfMatch reads If-Match when given (0 when not).
func optionalIfMatch(h string) (int64, error) {
	if h == "" {
		return 0, nil
	}
	return parseIfMatch(h)
}

func (s *Server) registerSavedFilterAPI(api huma.API) {
	tags := []string{"saved filters"}
	register(api, anyUser, huma.Operation{OperationID: "list-saved-filters", Method: http.MethodGet, Path: apiPrefix + "/saved-filters",
		Summary: "Saved filters", Tags: tags, Description: "The caller's filters and the shared filters of others, by name."},
		func(ctx context.Context, in *struct{}) (*struct{ Body []*kam.SavedFilter }, error) {
			list, err := s.Ledger.SavedFilters(ctx)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body []*kam.SavedFilter }{list}, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "create-saved-filter", Method: http.MethodPost, Path: apiPrefix + "/saved-filters",
		Summary: "Save a filter", Tags: tags, MaxBodyBytes: maxBodyBytes, DefaultStatus: http.StatusCreated, SkipValidateBody: true,
		Description: "`{\"name\", \"shared\", \"criteria\": {\"industry\": [...], \"class\": [\"A\"], …}}`; apply it with `?filter=<id>` on the analytics API, the dashboards and the customer lists."},
		func(ctx context.Context, in *bodyInput) (*recordOutput[*kam.SavedFilter], error) {
			f, err := decodeSavedFilter(in.ContentType, in.RawBody)
			if err != nil {
				return nil, err
			}
			if err := s.Ledger.CreateSavedFilter(ctx, f); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.SavedFilter]{ETag: etag(f.Version), Location: apiPrefix + "/saved-filters/" + strconv.FormatInt(f.ID, 10), Body: f}, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "get-saved-filter", Method: http.MethodGet, Path: apiPrefix + "/saved-filters/{id}",
		Summary: "A saved filter", Tags: tags},
		func(ctx context.Context, in *idInput) (*recordOutput[*kam.SavedFilter], error) {
			f, err := s.Ledger.SavedFilter(ctx, in.ID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.SavedFilter]{ETag: etag(f.Version), Body: f}, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "update-saved-filter", Method: http.MethodPut, Path: apiPrefix + "/saved-filters/{id}",
		Summary: "Replace a saved filter", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Its owner only (403 for a shared filter of another). With If-Match: 412 when it changed since."},
		func(ctx context.Context, in *savedFilterWriteInput) (*recordOutput[*kam.SavedFilter], error) {
			version, err := optionalIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := s.Ledger.SavedFilter(ctx, in.ID); err != nil {
				return nil, s.apiError(ctx, err)
			}
			f, err := decodeSavedFilter(in.ContentType, in.RawBody)
			if err != nil {
				return nil, err
			}
			if err := s.Ledger.UpdateSavedFilter(ctx, in.ID, version, f); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.SavedFilter]{ETag: etag(f.Version), Body: f}, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "delete-saved-filter", Method: http.MethodDelete, Path: apiPrefix + "/saved-filters/{id}",
		Summary: "Delete a saved filter", Tags: tags, DefaultStatus: http.StatusNoContent, Description: "Its owner only. With If-Match: 412 when it changed since."},
		func(ctx context.Context, in *savedFilterDeleteInput) (*struct{}, error) {
			version, err := optionalIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := s.Ledger.DeleteSavedFilter(ctx, in.ID, version); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return nil, nil
		})
}
