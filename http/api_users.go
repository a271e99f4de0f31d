package kamhttp

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// Users are managed by admins; anyone may read their own record at /me.

var userFields = writable(kam.User{}, "id", "version", "created_at", "updated_at")

// NewUser is the body of a user creation.
type NewUser struct {
	kam.User
	Password string `json:"password"`
}

type userListInput struct {
	Role   string `query:"role" enum:"admin,director,supervisor,kam,rep,finance,service"`
	Q      string `query:"q" maxLength:"100"`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	Offset int    `query:"offset" minimum:"0" default:"0"`
}

func (s *Server) registerUserAPI(api huma.API) {
	tags := []string{"users"}
	register(api, anyUser, huma.Operation{OperationID: "me", Method: http.MethodGet, Path: apiPrefix + "/me",
		Summary: "The calling user", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*recordOutput[*kam.User], error) {
			u, err := s.Users.FindUserByID(ctx, kam.ActorFrom(ctx).UserID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.User]{ETag: etag(u.Version), Body: u}, nil
		})
	register(api, need(kam.ActAdminister, kam.ResUser), huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: apiPrefix + "/users",
		Summary: "List users (admins)", Tags: tags},
		func(ctx context.Context, in *userListInput) (*listOutput[*kam.User], error) {
			items, total, err := s.Users.FindUsers(ctx, kam.UserFilter{Role: kam.Role(in.Role), Q: in.Q, Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.User]{Body: Page[*kam.User]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActAdminister, kam.ResUser), huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: apiPrefix + "/users/{id}",
		Summary: "Get a user (admins)", Tags: tags},
		func(ctx context.Context, in *idInput) (*recordOutput[*kam.User], error) {
			u, err := s.Users.FindUserByID(ctx, in.ID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.User]{ETag: etag(u.Version), Body: u}, nil
		})
	register(api, need(kam.ActAdminister, kam.ResUser), huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: apiPrefix + "/users",
		Summary: "Create a user (admins)", Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "`password` (at least 10 characters, not the e-mail) is optional: without it the user cannot log in until one is set."},
		func(ctx context.Context, in *bodyInput) (*recordOutput[*kam.User], error) {
			fields := writable(NewUser{}, "id", "version", "created_at", "updated_at", "active")
			var nu NewUser
			if err := decodeObject(in.ContentType, in.RawBody, &nu, fields); err != nil {
				return nil, err
			}
			u := nu.User
			if err := s.Users.CreateUser(ctx, &u, nu.Password); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.User]{ETag: etag(u.Version), Location: apiPrefix + "/users/" + itoa(u.ID), Body: &u}, nil
		})
	register(api, need(kam.ActAdminister, kam.ResUser), huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: apiPrefix + "/users/{id}",
		Summary: "Update a user (admins)", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "A JSON merge patch of email, name, role, supervisor_id, active. Requires `If-Match`."},
		func(ctx context.Context, in *patchInput) (*recordOutput[*kam.User], error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			var decodeErr error
			u, err := s.Users.UpdateUser(ctx, in.ID, version, func(u *kam.User) error {
				decodeErr = decodeObject(in.ContentType, in.RawBody, u, userFields)
				return decodeErr
			})
			if decodeErr != nil {
				return nil, decodeErr
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.User]{ETag: etag(u.Version), Body: u}, nil
		})
}
