package kamhttp

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kam"
	"kam/locale"
	"kam/web"
)

// ui serves the server-rendered web UI. It keeps its own state (parsed templates, the login
// throttle) so that the Server struct stays the API's and the UI's common ground.
type ui struct {
	s        *Server
	web      *web.Renderer
	throttle *loginThrottle
	// uploads keeps import files between the steps of an import.
	uploads *uploads
}

// registerUI declares the UI's routes, each with the permission it needs (routes.go). Every
// route but /login, /lang and /static needs a session; every state-changing one also checks the
// CSRF token (see authed).
func (s *Server) registerUI(rt *router) {
	r, err := web.New()
	if err != nil {
		// The templates are embedded in the binary: failing to parse them is a programming
		// error that the web package's tests catch, never a condition of the running system.
		panic(err)
	}
	u := &ui{s: s, web: r, throttle: newLoginThrottle(s.Now), uploads: newUploads(s.Now)}

	rt.handle("GET /static/", public, r.Assets())
	rt.handle("GET /login", public, http.HandlerFunc(u.loginForm))
	rt.handle("POST /login", public, http.HandlerFunc(u.login))
	rt.handle("GET /lang/{lang}", public, http.HandlerFunc(u.setLang))
	u.handle(rt, "POST /logout", anyUser, u.logout)

	u.handle(rt, "GET /{$}", anyUser, func(rq *uiReq) { rq.redirect("/customers") })
	viewFile, editFile := need(kam.ActView, kam.ResCustomer), need(kam.ActEdit, kam.ResCustomer)
	u.handle(rt, "GET /customers", viewFile, u.customerList)
	u.handle(rt, "GET /customers/new", need(kam.ActCreate, kam.ResCustomer), u.customerNew)
	u.handle(rt, "GET /customers/lookup", viewFile, u.customerLookup)
	u.handle(rt, "POST /customers/new", need(kam.ActCreate, kam.ResCustomer), u.customerCreate)
	u.handle(rt, "GET /customers/{id}", viewFile, u.customerCard)
	u.handle(rt, "GET /customers/{id}/edit", editFile, u.customerEdit)
	u.handle(rt, "POST /customers/{id}/edit", editFile, u.customerUpdate)
	u.handle(rt, "POST /customers/{id}/delete", need(kam.ActDelete, kam.ResCustomer), u.customerDelete)

	// Units and contacts are part of the file: changing them is editing it.
	u.handle(rt, "GET /customers/{id}/units/new", editFile, u.unitNew)
	u.handle(rt, "POST /customers/{id}/units/new", editFile, u.unitCreate)
	u.handle(rt, "GET /customers/{id}/units/{uid}/edit", editFile, u.unitEdit)
	u.handle(rt, "POST /customers/{id}/units/{uid}/edit", editFile, u.unitUpdate)
	u.handle(rt, "POST /customers/{id}/units/{uid}/delete", editFile, u.unitDelete)

	u.handle(rt, "GET /customers/{id}/contacts/new", editFile, u.contactNew)
	u.handle(rt, "POST /customers/{id}/contacts/new", editFile, u.contactCreate)
	u.handle(rt, "GET /customers/{id}/contacts/{cid}/edit", editFile, u.contactEdit)
	u.handle(rt, "POST /customers/{id}/contacts/{cid}/edit", editFile, u.contactUpdate)
	u.handle(rt, "POST /customers/{id}/contacts/{cid}/delete", editFile, u.contactDelete)

	u.registerLedger(rt)
	u.registerDashboard(rt)
	u.handle(rt, "GET /audit", need(kam.ActView, kam.ResAudit), u.auditPage)
	u.handle(rt, "GET /audit/export", need(kam.ActExport, kam.ResAudit), u.auditExport)
	if s.Borrow != nil {
		u.registerBorrow(rt)
	}
	u.registerAccount(rt)

	// Anything else is a friendly 404 page, except under /api/, whose clients read JSON.
	rt.handle("/", public, http.HandlerFunc(u.notFound))
}

// uiReq is one authenticated UI request.
type uiReq struct {
	u    *ui
	w    http.ResponseWriter
	r    *http.Request
	user *kam.User
	// actor is the user as the services see it (also in r's context).
	actor *kam.Actor
	L     *locale.Printer
	// csrf is the token derived from the session secret.
	csrf string
}

// base fills what every page shows. It also consumes the flash notice of a redirect.
func (rq *uiReq) base(title, nav string) web.Base {
	b := rq.u.base(rq.w, rq.r, rq.L, title)
	b.Nav = nav
	b.User = rq.user
	b.CSRF = rq.csrf
	b.NavLedger = kam.CanViewLedger(rq.actor)
	b.NavImport = len(importKinds(rq.actor)) > 0
	b.NavAudit = kam.CanViewAudit(rq.actor)
	b.NavBorrow = rq.u.s.Borrow != nil
	b.NavTeam = kam.CanHandOver(rq.actor)
	return b
}

func (u *ui) base(w http.ResponseWriter, r *http.Request, L *locale.Printer, title string) web.Base {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = ""
	}
	langs := map[string]string{}
	for _, l := range locale.Langs {
		langs[l] = "/lang/" + l
		if next != "" {
			langs[l] += "?next=" + url.QueryEscape(next)
		}
	}
	b := web.Base{L: L, Title: title, LangURLs: langs, Version: u.s.Version}
	if c, err := r.Cookie(flashCookie); err == nil {
		b.Flash = parseFlash(L, c.Value)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: u.s.SecureCookies})
	}
	return b
}

// render writes a page with a status. UI pages hold confidential customer data: they are never
// stored by the browser or a proxy.
func (u *ui) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	u.renderBlock(w, r, status, page, "layout", data)
}

func (u *ui) renderBlock(w http.ResponseWriter, r *http.Request, status int, page, block string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, HX-Request, HX-Target")
	var buf strings.Builder
	if err := u.web.RenderBlock(&buf, page, block, data); err != nil {
		u.s.Logger.Error("render page", "page", page, "block", block, "err", err)
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("internal error"))
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

func (rq *uiReq) render(status int, page string, data any) {
	rq.u.render(rq.w, rq.r, status, page, data)
}

// redirect answers a POST (or a GET that only moves on) with 303 See Other, so the browser
// follows with a GET and a reload never re-submits the form.
func (rq *uiReq) redirect(to string) { http.Redirect(rq.w, rq.r, to, http.StatusSeeOther) }

// redirectFlash redirects and shows a notice (a catalog key) on the next page.
func (rq *uiReq) redirectFlash(to, key string) {
	http.SetCookie(rq.w, &http.Cookie{Name: flashCookie, Value: key, Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: rq.u.s.SecureCookies})
	rq.redirect(to)
}

const flashCookie = "kam_flash"

// fail shows the error page for err. Not found covers both "does not exist" and "outside your
// scope": the page must not reveal that a file exists (SPEC §N5). Only internal errors are
// logged as errors; their details never reach the page.
func (rq *uiReq) fail(err error) {
	rq.u.errorPage(rq.w, rq.r, rq.L, rq, err)
}

func (u *ui) errorPage(w http.ResponseWriter, r *http.Request, L *locale.Printer, rq *uiReq, err error) {
	status := statusOf(err)
	var heading, msg string
	switch kam.ErrorCodeOf(err) {
	case kam.ENotFound:
		heading, msg = L.T("errpage.not_found"), L.T("errpage.not_found_msg")
	case kam.EForbidden:
		heading, msg = L.T("errpage.forbidden"), L.T("errpage.forbidden_msg")
		u.s.denied(r.Context(), r.Method+" "+r.URL.Path, kam.ErrorMessage(err))
	case kam.EInvalid:
		status = http.StatusBadRequest
		heading, msg = L.T("errpage.bad_request"), L.T("errpage.bad_request_msg")
	case kam.EConflict, kam.EPreconditionFailed:
		// 412 is for HTTP preconditions (If-Match); a stale form is a conflict with the stored record.
		status = http.StatusConflict
		heading, msg = L.T("errpage.conflict"), L.T("errpage.conflict_msg")
	case kam.EUnauthorized:
		status = http.StatusForbidden
		heading, msg = L.T("errpage.forbidden"), L.T("errpage.csrf_msg")
	default:
		status = http.StatusInternalServerError
		heading, msg = L.T("errpage.internal"), L.T("errpage.internal_msg")
		u.s.Logger.Error("ui request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	page := &web.ErrorPage{Status: status, Heading: heading, Message: msg}
	if rq != nil {
		page.Base = rq.base(heading, "")
	} else {
		page.Base = u.base(w, r, L, heading)
	}
	u.render(w, r, status, "error", page)
}

// notFound is the catch-all route.
func (u *ui) notFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"title":"Not Found","status":404,"detail":"no such API route"}`))
		return
	}
	L := locale.New(langOf(r))
	u.errorPage(w, r, L, nil, kam.Errorf(kam.ENotFound, "no such page"))
}

// pathID reads an id from the URL path. A malformed id is the user's typo, not a server
// error: it is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, kam.Errorf(kam.ENotFound, "no such record")
	}
	return id, nil
}

// isCode reports whether err carries code.
func isCode(err error, code kam.ErrorCode) bool {
	var e *kam.Error
	return errors.As(err, &e) && e.Code == code
}

// customerURL is the card's address, optionally on a tab.
func customerURL(id int64, tab string) string {
	s := "/customers/" + strconv.FormatInt(id, 10)
	if tab != "" && tab != "profile" {
		s += "?tab=" + tab
	}
	return s
}
