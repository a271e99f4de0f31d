package kamhttp

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"kam"
	"kam/locale"
)

// The JSON API under /api/v1, declared with huma so that the OpenAPI document
// (/api/v1/openapi.json) and the validation of parameters come from the Go types. Requests
// authenticate with a bearer token (kam token create). Errors are RFC 9457 problem details whose
// "errors" name each bad field as its location (body.credit_code, query.limit, header.If-Match).

const apiPrefix = "/api/v1"

// maxBodyBytes bounds request bodies: a customer file is a few kilobytes.
const maxBodyBytes = 256 << 10

func (s *Server) registerAPI(rt *router) {
	cfg := huma.DefaultConfig("KAM — key account management API", s.Version)
	cfg.OpenAPIPath = apiPrefix + "/openapi"
	cfg.DocsPath = "" // the interactive docs page loads scripts from a CDN; the document is enough
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // no $schema links in every response
	cfg.Info.Description = "The customer file (客户资料卡) of KAM: customers, their units and contacts, history, users. " +
		"Authenticate with `Authorization: Bearer <token>` (create one with `kam token create`). " +
		"Updates need `If-Match` with the ETag of the record read before (412 when stale, 428 when missing)."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token from `kam token create`."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	api := humago.New(rt, cfg)
	api.UseMiddleware(s.apiAuth(api))
	s.registerCustomerAPI(api)
	s.registerUnitContactAPI(api)
	s.registerUserAPI(api)
	s.registerTokenAPI(api)
	s.registerHandoverAPI(api)
	s.registerLedgerAPI(api)
	s.registerAnalyticsAPI(api)
	s.registerKeyAccountAPI(api)
	s.registerBehaviourAPI(api)
	s.registerSavedFilterAPI(api)
	s.registerAuditAPI(api)
	if s.Borrow != nil {
		s.registerBorrowAPI(api)
	}
	documentBodies(api)
	rt.describeAPI(api, cfg.OpenAPIPath)
}

// documentBodies replaces the "binary" request schema that huma derives from RawBody with the
// schema of the record the body is decoded into, so the OpenAPI document shows the fields.
func documentBodies(api huma.API) {
	oapi := api.OpenAPI()
	bodies := map[string]reflect.Type{
		"create-customer": reflect.TypeOf(kam.Customer{}), "update-customer": reflect.TypeOf(kam.Customer{}),
		"create-unit": reflect.TypeOf(kam.Unit{}), "update-unit": reflect.TypeOf(kam.Unit{}),
		"create-contact": reflect.TypeOf(kam.Contact{}), "update-contact": reflect.TypeOf(kam.Contact{}),
		"create-user": reflect.TypeOf(NewUser{}), "update-user": reflect.TypeOf(kam.User{}),
		"create-token": reflect.TypeOf(NewTokenBody{}), "handover": reflect.TypeOf(HandoverBody{}),
		"customer-key-account-score": reflect.TypeOf(ScoreBody{}), "customer-key-account-decision": reflect.TypeOf(DecisionBody{}),
		"customer-importance": reflect.TypeOf(GradeBody{}),
		"create-saved-filter": reflect.TypeOf(SavedFilterBody{}), "update-saved-filter": reflect.TypeOf(SavedFilterBody{}),
	}
	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Post, item.Patch, item.Put} {
			if op == nil || op.RequestBody == nil {
				continue
			}
			t, ok := bodies[op.OperationID]
			if !ok {
				continue
			}
			schema := oapi.Components.Schemas.Schema(t, true, "")
			for _, mt := range op.RequestBody.Content {
				mt.Schema = schema
			}
		}
	}
}

// maxAuthorizationLen bounds the Authorization header that is parsed: a KAM token is 47
// characters, so anything much longer is refused without further work.
const maxAuthorizationLen = 256

// bearerToken reads the token of an "Authorization: Bearer <token>" header (the scheme is
// case-insensitive, RFC 7235). It refuses other schemes, empty or over-long values and tokens
// with spaces or control characters; the token's own form is checked by the user service.
func bearerToken(h string) (string, bool) {
	if len(h) > maxAuthorizationLen {
		return "", false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", false
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c >= 0x7f {
			return "", false
		}
	}
	return token, true
}

// apiAuth resolves the bearer token into the request's actor and applies the operation's
// declared permission (routes.go) before the operation reads its input, and the token's scope:
// a read token may only GET and HEAD.
func (s *Server) apiAuth(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		perm, _ := op.Metadata[permissionKey].(Permission)
		if !perm.declared() {
			s.Logger.Error("API operation declares no permission: register it with register(api, need(…), …)", "operation", op.OperationID)
			huma.WriteErr(api, ctx, http.StatusInternalServerError, "internal error")
			return
		}
		if perm.Public {
			next(ctx)
			return
		}
		token, ok := bearerToken(ctx.Header("Authorization"))
		if !ok {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="kam"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token>")
			return
		}
		u, tok, err := s.Users.TokenUser(ctx.Context(), token)
		if err != nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="kam", error="invalid_token"`)
			if kam.ErrorCodeOf(err) == kam.EUnauthorized {
				// A forged, expired or revoked token: the attempt is recorded (never the token).
				if aerr := s.auditDenied(ctx.Context(), "token", 0, nil, map[string]any{"reason": kam.ErrorMessage(err), "path": ctx.URL().Path}); aerr != nil {
					s.Logger.Error("audit", "err", aerr)
					huma.WriteErr(api, ctx, http.StatusInternalServerError, "internal error")
					return
				}
				huma.WriteErr(api, ctx, http.StatusUnauthorized, kam.ErrorMessage(err))
			} else {
				s.Logger.Error("token lookup", "err", err)
				huma.WriteErr(api, ctx, http.StatusInternalServerError, "internal error")
			}
			return
		}
		if m := ctx.Method(); tok.Scope != kam.TokenReadWrite && m != http.MethodGet && m != http.MethodHead {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="kam", error="insufficient_scope", scope="read-write"`)
			huma.WriteErr(api, ctx, http.StatusForbidden, "this token's scope is \""+string(tok.Scope)+"\": it may only read (GET, HEAD); "+m+" needs a read-write token",
				&huma.ErrorDetail{Location: "header.Authorization", Message: "token scope " + string(tok.Scope) + " does not allow " + m, Value: string(tok.Scope)})
			return
		}
		actor := kam.ActorOf(u)
		rctx := kam.WithActor(ctx.Context(), actor)
		if !perm.allows(actor, ctx.Param) {
			reason := "your role may not " + perm.describe(ctx.Param)
			s.denied(rctx, op.Method+" "+op.Path, reason)
			huma.WriteErr(api, ctx, http.StatusForbidden, reason)
			return
		}
		next(huma.WithContext(ctx, rctx))
	}
}

// apiError turns an error from a service into a problem answer; internal errors are logged and
// never shown.
func (s *Server) apiError(ctx context.Context, err error) error {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.Logger.ErrorContext(ctx, "api", "err", err)
		return huma.Error500InternalServerError("internal error")
	}
	if status == http.StatusForbidden {
		s.denied(ctx, "", kam.ErrorMessage(err))
	}
	model := &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: kam.ErrorMessage(err)}
	for _, f := range kam.FieldErrors(err) {
		model.Errors = append(model.Errors, &huma.ErrorDetail{Location: "body." + f.Field, Message: f.Message})
	}
	return model
}

// The inputs and outputs shared by the API's operations.

// Page is a page of a list with the total number of matching items.
type Page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total" doc:"Items matching the filters, over all pages."`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

type listOutput[T any] struct {
	Body Page[T]
}

// recordOutput answers one record with its ETag (and, after a create, its Location).
type recordOutput[T any] struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     T
}

type idInput struct {
	ID int64 `path:"id" minimum:"1"`
}

// bodyInput is a create: the raw JSON body, decoded by decodeObject.
type bodyInput struct {
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/json"`
}

// patchInput is a JSON merge patch of a record, with the version it applies to.
type patchInput struct {
	ID          int64  `path:"id" minimum:"1"`
	IfMatch     string `header:"If-Match" doc:"The ETag of the record as read; required."`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/merge-patch+json"`
}

type deleteInput struct {
	ID      int64  `path:"id" minimum:"1"`
	IfMatch string `header:"If-Match" doc:"The ETag of the record as read; required."`
}

// etag is the entity tag of a record version.
func etag(version int64) string { return `"` + itoa(version) + `"` }

// parseIfMatch reads the version from an If-Match header ("3" or W/"3"); 428 when missing.
func parseIfMatch(h string) (int64, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, &huma.ErrorModel{Status: http.StatusPreconditionRequired, Title: http.StatusText(http.StatusPreconditionRequired),
			Detail: "send If-Match with the ETag of the record you read, so that no one's change is overwritten",
			Errors: []*huma.ErrorDetail{{Location: "header.If-Match", Message: "is required"}}}
	}
	h = strings.TrimPrefix(h, "W/")
	v, ok := parseInt(strings.Trim(h, `"`))
	if !ok || v <= 0 {
		return 0, &huma.ErrorModel{Status: http.StatusPreconditionFailed, Title: http.StatusText(http.StatusPreconditionFailed),
			Detail: "If-Match does not name a version of this record",
			Errors: []*huma.ErrorDetail{{Location: "header.If-Match", Message: "must be an ETag such as \"3\"", Value: truncate(h, 40)}}}
	}
	return v, nil
}

func itoa(v int64) string {
	var b [20]byte
	i := len(b)
	neg := v < 0
	if neg {
		v = -v
	}
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func parseInt(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// apiAsOf reads an as_of parameter: RFC 3339, or a date (the end of that day in the business
// time zone, Asia/Shanghai).
func apiAsOf(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := kam.ParseMoment(s, locale.Shanghai)
	if err == nil {
		return &t, nil
	}
	return nil, &huma.ErrorModel{Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Detail: "as_of must be a time such as 2026-03-01T09:00:00+08:00 or a date such as 2026-03-01",
		Errors: []*huma.ErrorDetail{{Location: "query.as_of", Message: "is not an RFC 3339 time or a date", Value: truncate(s, 40)}}}
}
