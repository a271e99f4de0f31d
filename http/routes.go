package kamhttp

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// The route registry. Every route declares the permission it needs when it is registered: a UI
// route through ui.handle (its router has no other way in), an API operation through register
// (which puts the permission in the operation's metadata). One check before the handler applies
// it against kam.Permissions: a role the model refuses gets 403 (the friendly forbidden page in
// the UI) and the refusal goes to the audit log. Scope checks that need the record stay with the
// services: a file outside a user's scope is 404. An API operation registered without a
// permission refuses everyone (500, logged), and the permission-matrix test names it.

// Permission is what a route requires of the caller.
type Permission struct {
	// Public routes need no login (the login page, static files, the OpenAPI document).
	Public bool
	// AnyUser routes need a logged-in user, whatever the role.
	AnyUser bool
	// Action on one of Resources (any one suffices): the role must hold it in kam.Permissions.
	Action    kam.Action
	Resources []kam.Resource
	// KindParam names the path parameter that holds an import/export kind: the resource is
	// kam.ImportResource of its value (customers and contacts are the file's, the rest the
	// ledger's).
	KindParam string
}

var (
	public  = Permission{Public: true}
	anyUser = Permission{AnyUser: true}
)

// need is the permission to do act on res (or on any of several resources).
func need(act kam.Action, res ...kam.Resource) Permission {
	return Permission{Action: act, Resources: res}
}

// needKind is the permission to do act on the resource of the kind in path parameter param.
func needKind(act kam.Action, param string) Permission {
	return Permission{Action: act, KindParam: param}
}

// String names the permission as the registry and the OpenAPI document show it.
func (p Permission) String() string {
	switch {
	case p.Public:
		return "public"
	case p.AnyUser:
		return "any user"
	case p.KindParam != "":
		return string(p.Action) + " {" + p.KindParam + "}"
	}
	res := make([]string, len(p.Resources))
	for i, r := range p.Resources {
		res[i] = string(r)
	}
	return string(p.Action) + " " + strings.Join(res, "|")
}

func (p Permission) declared() bool {
	return p.Public || p.AnyUser || p.Action != "" && (len(p.Resources) > 0 || p.KindParam != "")
}

// allows applies the permission to an actor; param reads the request's path parameters.
func (p Permission) allows(a *kam.Actor, param func(string) string) bool {
	switch {
	case p.Public:
		return true
	case a == nil:
		return false
	case p.AnyUser:
		return true
	case p.KindParam != "":
		return kam.Can(a, p.Action, kam.ImportResource(param(p.KindParam)))
	}
	for _, r := range p.Resources {
		if kam.Can(a, p.Action, r) {
			return true
		}
	}
	return false
}

// Route is one registered route and what it requires.
type Route struct {
	// Pattern is the ServeMux pattern: "GET /customers/{id}".
	Pattern string
	// OperationID names an API operation (empty for UI routes).
	OperationID string
	Permission  Permission
}

// Declared reports whether the route states its permission.
func (r Route) Declared() bool { return r.Permission.declared() }

// router is the server's ServeMux with the registry beside it. UI routes go in through handle,
// with their permission; huma's adapter goes in through HandleFunc, and its patterns are matched
// to the operations (and their permissions) when the API is built.
type router struct {
	mux    *http.ServeMux
	routes map[string]Route
}

func newRouter() *router { return &router{mux: http.NewServeMux(), routes: map[string]Route{}} }

// handle registers a route with its permission. The handler itself must apply it (ui.handle
// does, through ui.authed); handle only records it.
func (rt *router) handle(pattern string, p Permission, h http.Handler) {
	rt.routes[pattern] = Route{Pattern: pattern, Permission: p}
	rt.mux.Handle(pattern, h)
}

// HandleFunc is huma's way in (humago.Mux). The operation behind the pattern declares its
// permission (register); a pattern no operation explains stays undeclared, and the registry's
// test fails for it.
func (rt *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	if _, ok := rt.routes[pattern]; !ok {
		rt.routes[pattern] = Route{Pattern: pattern}
	}
	rt.mux.HandleFunc(pattern, h)
}

// describeAPI fills the registry's entries of the API from its OpenAPI operations. The OpenAPI
// document's own routes are public.
func (rt *router) describeAPI(api huma.API, docPath string) {
	for path, item := range api.OpenAPI().Paths {
		for method, op := range map[string]*huma.Operation{http.MethodGet: item.Get, http.MethodPost: item.Post,
			http.MethodPut: item.Put, http.MethodPatch: item.Patch, http.MethodDelete: item.Delete} {
			if op == nil {
				continue
			}
			pattern := method + " " + path
			p, _ := op.Metadata[permissionKey].(Permission)
			rt.routes[pattern] = Route{Pattern: pattern, OperationID: op.OperationID, Permission: p}
		}
	}
	for pattern, r := range rt.routes {
		if _, path, _ := strings.Cut(pattern, " "); r.OperationID == "" && strings.HasPrefix(path, docPath) {
			r.Permission = public
			rt.routes[pattern] = r
		}
	}
}

// Routes lists every registered route with its permission, by pattern.
func (s *Server) Routes() []Route {
	s.Handler()
	out := make([]Route, 0, len(s.router.routes))
	for _, r := range s.router.routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// permissionKey keys an operation's Permission in its huma metadata.
const permissionKey = "kam.permission"

// register declares an API operation with the permission it needs. Use it instead of
// huma.Register: an operation without a permission refuses every call.
func register[I, O any](api huma.API, p Permission, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[permissionKey] = p
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions["x-permission"] = p.String()
	huma.Register(api, op, h)
}

// denied records a refusal of the rules in the audit log: the route (its pattern, or the
// request's method and path) and the reason. Both the route check and a service's refusal
// (kam.EForbidden) come here. A failure to record is logged: the refusal stands either way.
func (s *Server) denied(ctx context.Context, route, reason string) {
	detail := map[string]any{"route": route, "reason": reason}
	if err := s.audit(ctx, &kam.AuditEntry{Action: kam.AuditDenied, ObjectType: "route", Detail: detail}); err != nil {
		s.Logger.ErrorContext(ctx, "audit of a refusal", "route", route, "err", err)
	}
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }

// describe names the permission for one request: the kind's resource in place of {kind}.
func (p Permission) describe(param func(string) string) string {
	if p.KindParam != "" {
		return string(p.Action) + " " + string(kam.ImportResource(param(p.KindParam)))
	}
	return p.String()
}
