package kamhttp

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// HandoverBody is the body of a handover.
type HandoverBody struct {
	To         []int64 `json:"to" doc:"The users who take over, in order: the files are spread round-robin over them."`
	Deactivate bool    `json:"deactivate" doc:"Also deactivate the leaving user (their sessions and tokens end)."`
}

type handoverInput struct {
	ID          int64  `path:"id" minimum:"1"`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/json"`
}

func (s *Server) registerHandoverAPI(api huma.API) {
	register(api, need(kam.ActAssign, kam.ResCustomer), huma.Operation{OperationID: "handover", Method: http.MethodPost, Path: apiPrefix + "/users/{id}/handover",
		Summary: "Hand over a leaving user's customers", Tags: []string{"users"}, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Moves every file the user owns or serves on (account team) to the users in `to`, round-robin in code order, " +
			"in one transaction; each change is in the file's history. Supervisors hand over within their team; directors and admins anyone's."},
		func(ctx context.Context, in *handoverInput) (*struct{ Body *kam.HandoverResult }, error) {
			var b HandoverBody
			if err := decodeObject(in.ContentType, in.RawBody, &b, jsonFields(HandoverBody{})); err != nil {
				return nil, err
			}
			res, err := s.handOver(ctx, kam.Handover{FromID: in.ID, To: b.To, Deactivate: b.Deactivate})
			if err != nil {
				// The leaving user is the path's id, the receivers the body's to[i].
				apiErr := s.apiError(ctx, err)
				if m, ok := apiErr.(*huma.ErrorModel); ok {
					for _, d := range m.Errors {
						if d.Location == "body.id" {
							d.Location = "path.id"
						}
					}
				}
				return nil, apiErr
			}
			return &struct{ Body *kam.HandoverResult }{Body: res}, nil
		})
}

// handOver runs a handover and records it in the audit log with its counts.
func (s *Server) handOver(ctx context.Context, h kam.Handover) (*kam.HandoverResult, error) {
	if s.Handover == nil {
		return nil, kam.Errorf(kam.EInternal, "handover is not configured")
	}
	res, err := s.Handover.HandOver(ctx, h)
	if err != nil {
		return nil, err
	}
	err = s.audit(ctx, &kam.AuditEntry{Action: kam.AuditHandover, ObjectType: "user", ObjectID: h.FromID,
		Detail: map[string]any{"to": h.To, "customers": res.Customers, "teams": res.Teams, "grants": res.Grants,
			"shares": res.Shares, "deactivated": res.Deactivated}})
	return res, err
}
