package kamhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// API tokens: every user lists, creates and revokes their own (admins revoke anyone's). The
// secret is answered once, at creation; only its hash is stored.

// NewTokenBody is the body of a token creation.
type NewTokenBody struct {
	Name        string `json:"name" doc:"A label: what uses the token (at most 100 characters)."`
	Scope       string `json:"scope" enum:"read,read-write" doc:"read: GET and HEAD only; read-write (default): everything the user may do."`
	ExpiresDays int    `json:"expires_days" doc:"Lifetime in days, 1 to 365; default 90."`
}

// CreatedToken answers a creation: the record and, this once, the secret.
type CreatedToken struct {
	Token  *kam.Token `json:"token"`
	Secret string     `json:"secret" doc:"The bearer token. It is shown only now."`
}

type tokenListOutput struct {
	Body struct {
		Items []*kam.Token `json:"items"`
	}
}

func (s *Server) registerTokenAPI(api huma.API) {
	tags := []string{"tokens"}
	register(api, anyUser, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: apiPrefix + "/tokens",
		Summary: "Your API tokens", Tags: tags,
		Description: "The caller's tokens, newest first, revoked and expired ones included: never the secret or its hash."},
		func(ctx context.Context, _ *struct{}) (*tokenListOutput, error) {
			items, err := s.Users.FindTokens(ctx, kam.ActorFrom(ctx).UserID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := &tokenListOutput{}
			out.Body.Items = items
			return out, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: apiPrefix + "/tokens",
		Summary: "Create an API token for yourself", Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Answers the secret once. `scope` is `read` or `read-write` (default); `expires_days` 1 to 365 (default 90)."},
		func(ctx context.Context, in *bodyInput) (*recordOutput[*CreatedToken], error) {
			var b NewTokenBody
			if err := decodeObject(in.ContentType, in.RawBody, &b, jsonFields(NewTokenBody{})); err != nil {
				return nil, err
			}
			if b.ExpiresDays < 0 || b.ExpiresDays > int(kam.MaxTokenTTL/(24*time.Hour)) {
				return nil, problem(http.StatusUnprocessableEntity, "validation failed",
					&huma.ErrorDetail{Location: "body.expires_days", Message: "must be between 1 and 365", Value: b.ExpiresDays})
			}
			a := kam.ActorFrom(ctx)
			rec, secret, err := s.Users.CreateToken(ctx, kam.NewToken{UserID: a.UserID, Name: b.Name, Scope: kam.TokenScope(b.Scope),
				TTL: time.Duration(b.ExpiresDays) * 24 * time.Hour})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			// The user service records the creation (auditedUsers).
			return &recordOutput[*CreatedToken]{Location: apiPrefix + "/tokens/" + itoa(rec.ID), Body: &CreatedToken{Token: rec, Secret: secret}}, nil
		})
	register(api, anyUser, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: apiPrefix + "/tokens/{id}",
		Summary: "Revoke an API token", Tags: tags,
		Description: "Ends one of your tokens at once (admins: anyone's). Answers the revoked record; 409 when it was revoked before."},
		func(ctx context.Context, in *idInput) (*recordOutput[*kam.Token], error) {
			rec, err := s.Users.RevokeToken(ctx, in.ID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			if err := s.auditToken(ctx, kam.AuditTokenRevoke, rec); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.Token]{Body: rec}, nil
		})
}

// auditToken records the creation or revocation of a token (never its secret).
func (s *Server) auditToken(ctx context.Context, action kam.AuditAction, t *kam.Token) error {
	return s.audit(ctx, &kam.AuditEntry{Action: action, ObjectType: "token", ObjectID: t.ID,
		Detail: map[string]any{"user_id": t.UserID, "name": t.Name, "scope": string(t.Scope), "expires_at": t.ExpiresAt.Format(time.RFC3339)}})
}
