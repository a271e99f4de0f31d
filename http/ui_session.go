package kamhttp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"kam"
	"kam/locale"
	"kam/web"
)

// Cookies of the UI.
const (
	sessionCookie = "kam_session"
	langCookie    = "kam_lang"
	// loginCookie holds the double-submit token of the login form: before login there is no
	// session to derive a CSRF token from, and a forged login (into the attacker's account)
	// is an attack of its own.
	loginCookie = "kam_login"
)

// maxFormBytes bounds a UI form body; the largest form (a customer with notes) is far smaller.
const maxFormBytes = 1 << 20

// maxUploadBytes bounds the body of an import upload: the file (maxImportFileBytes) and the
// form's few small fields.
const maxUploadBytes = maxImportFileBytes + 64<<10

// isMultipart reports whether a request carries a multipart/form-data body (a file upload).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// The cookie parsers below read what a browser (or an attacker) sends. Each accepts only the
// exact form KAM writes and answers "absent" for anything else, in time bounded by that form.

// langOf returns the language remembered in the kam_lang cookie, or the default zh-CN.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		return parseLang(c.Value)
	}
	return locale.ZH
}

// parseLang reads a kam_lang value: a language tag of at most 35 characters (BCP 47's bound
// for the tags in use), else the default.
func parseLang(v string) string {
	if len(v) > 35 {
		return locale.ZH
	}
	return locale.Match(v)
}

// secretCookie returns the value of a cookie holding a secret KAM generated (the session, the
// login form's double-submit token), or "" when it is absent or not of that form.
func secretCookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil || !kam.ValidSecret(c.Value) {
		return ""
	}
	return c.Value
}

// parseFlash reads a kam_flash value: only catalog keys under "flash." are shown, so a forged
// cookie cannot put text of its own on the page.
func parseFlash(L *locale.Printer, v string) string {
	if len(v) > 100 || !strings.HasPrefix(v, "flash.") || !L.Has(v) {
		return ""
	}
	return L.T(v)
}

// csrfToken derives the CSRF token from the session secret. An attacker's page cannot read the
// HttpOnly session cookie, so it cannot compute the token; the server needs no extra state.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("kam ui csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

func tokensEqual(a, b string) bool {
	return a != "" && len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// sameOrigin rejects a request whose Origin header names another site. Browsers send Origin on
// every cross-site POST; it is a second line behind the token.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// handle registers a UI route that needs a session and permission p (routes.go): authed
// resolves the session (else redirects to /login?next=…), puts the actor in the context for
// the services' visibility scope, refuses a role the model does not allow (the forbidden page),
// and checks the CSRF token of every state-changing request.
func (u *ui) handle(rt *router, pattern string, p Permission, h func(rq *uiReq)) {
	rt.handle(pattern, p, u.authed(p, h, false))
}

// handleUpload is handle for a route that takes a file. Its multipart body may be up to
// maxUploadBytes and is left unread: the handler reads it as a stream and checks the CSRF token
// (the X-CSRF-Token header, or the form's first part) before it reads the file (importUpload).
func (u *ui) handleUpload(rt *router, pattern string, p Permission, h func(rq *uiReq)) {
	rt.handle(pattern, p, u.authed(p, h, true))
}

func (u *ui) authed(p Permission, h func(rq *uiReq), upload bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		L := locale.New(langOf(r))
		secret := secretCookie(r, sessionCookie)
		if secret == "" {
			if _, err := r.Cookie(sessionCookie); err == nil {
				u.clearCookie(w, sessionCookie) // a malformed or tampered cookie
			}
			u.toLogin(w, r)
			return
		}
		user, err := u.s.Users.SessionUser(r.Context(), secret)
		if err != nil {
			if code := kam.ErrorCodeOf(err); code == kam.EUnauthorized || code == kam.ENotFound {
				if err := u.s.auditDenied(r.Context(), "session", 0, nil, map[string]any{"reason": "invalid or expired session", "path": r.URL.Path}); err != nil {
					u.errorPage(w, r, L, nil, err)
					return
				}
				u.clearCookie(w, sessionCookie)
				u.toLogin(w, r)
				return
			}
			u.errorPage(w, r, L, nil, err)
			return
		}
		multipart := upload && isMultipart(r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			limit := int64(maxFormBytes)
			if multipart {
				limit = maxUploadBytes
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		actor := kam.ActorOf(user)
		rq := &uiReq{u: u, w: w, user: user, actor: actor, L: L, csrf: csrfToken(secret)}
		rq.r = r.WithContext(kam.WithActor(r.Context(), actor))
		if !p.allows(actor, r.PathValue) {
			rq.fail(kam.Errorf(kam.EForbidden, "your role may not %s", p.describe(r.PathValue))) // audited as denied
			return
		}
		if multipart && r.Method == http.MethodPost {
			if !sameOrigin(r) {
				u.s.Logger.Warn("ui: CSRF check failed", "path", r.URL.Path, "user", user.ID)
				rq.fail(kam.Errorf(kam.EUnauthorized, "bad CSRF token"))
				return
			}
			h(rq) // the handler checks the token before it reads the file
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := rq.r.ParseForm(); err != nil {
				rq.fail(kam.Errorf(kam.EInvalid, "unreadable form: %v", err))
				return
			}
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = rq.r.PostFormValue("csrf")
			}
			if !sameOrigin(r) || !tokensEqual(sent, rq.csrf) {
				u.s.Logger.Warn("ui: CSRF check failed", "path", r.URL.Path, "user", user.ID)
				if err := u.s.auditDenied(rq.r.Context(), "session", 0, nil, map[string]any{"reason": "bad CSRF token", "path": r.URL.Path}); err != nil {
					rq.fail(err)
					return
				}
				rq.fail(kam.Errorf(kam.EUnauthorized, "bad CSRF token"))
				return
			}
		}
		h(rq)
	})
}

// toLogin sends a visitor without a session to the login page, remembering where they were
// going. htmx requests get HX-Redirect, or htmx would swap the login page into the table.
func (u *ui) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		to += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeNext returns next when it is a path on this site, else the customer list. Only local
// paths are allowed, so the login page cannot be used to send users to another site.
func safeNext(next string) string {
	const home = "/customers"
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return home
	}
	if strings.ContainsAny(next, "\r\n\t\\") {
		return home
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil {
		return home
	}
	if p.Path == "/login" || p.Path == "/logout" {
		return home
	}
	return next
}

func (u *ui) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.s.SecureCookies}
}

func (u *ui) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, u.cookie(name, "", -1))
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginForm shows the login page; a visitor who is already logged in moves on.
func (u *ui) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if secret := secretCookie(r, sessionCookie); secret != "" {
		if _, err := u.s.Users.SessionUser(r.Context(), secret); err == nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	u.renderLogin(w, r, http.StatusOK, "", "", r.URL.Query().Get("next"))
}

func (u *ui) renderLogin(w http.ResponseWriter, r *http.Request, status int, email, errKey, next string, args ...any) {
	L := locale.New(langOf(r))
	// Reuse the token of an earlier visit, so a second login tab does not invalidate the first.
	token := secretCookie(r, loginCookie)
	if token == "" {
		token = randomToken()
	}
	http.SetCookie(w, u.cookie(loginCookie, token, 3600))
	p := &web.LoginPage{Base: u.base(w, r, L, L.T("login.title")), Email: email, LoginCSRF: token}
	if next != "" {
		p.Next = safeNext(next)
	}
	if errKey != "" {
		p.Error = L.T(errKey, args...)
	}
	u.render(w, r, status, "login", p)
}

// login checks the e-mail and password, starts a session and goes on to next.
func (u *ui) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	email := strings.TrimSpace(r.PostFormValue("email"))
	if len(email) > kam.MaxEmailLen {
		email = email[:kam.MaxEmailLen]
	}
	password := r.PostFormValue("password")
	next := r.PostFormValue("next")
	token := secretCookie(r, loginCookie)
	if token == "" || !sameOrigin(r) || !tokensEqual(r.PostFormValue("csrf"), token) {
		u.renderLogin(w, r, http.StatusForbidden, email, "login.expired", next)
		return
	}
	ip := clientIP(r)
	ctx := r.Context()
	if wait := u.throttle.wait(email, ip); wait > 0 {
		if err := u.s.auditLoginFailure(ctx, email, "throttled"); err != nil {
			u.errorPage(w, r, locale.New(langOf(r)), nil, err)
			return
		}
		retry := int((wait + time.Minute - 1) / time.Minute)
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		L := locale.New(langOf(r))
		u.renderLogin(w, r, http.StatusTooManyRequests, email, "login.throttled", next, retry, L.DateTime(u.s.Now().Add(wait)))
		return
	}
	user, err := u.s.Users.Authenticate(ctx, email, password)
	if err != nil {
		if kam.ErrorCodeOf(err) != kam.EUnauthorized {
			u.errorPage(w, r, locale.New(langOf(r)), nil, err)
			return
		}
		u.throttle.fail(email, ip) // the user service recorded the failure (auditedUsers)
		u.renderLogin(w, r, http.StatusUnauthorized, email, "login.failed", next)
		return
	}
	u.throttle.succeed(email)
	// A session id the browser held before (perhaps planted by someone else) ends here: the
	// login starts a new one (no session fixation).
	if old := secretCookie(r, sessionCookie); old != "" {
		if err := u.s.Users.DeleteSession(ctx, old); err != nil {
			u.errorPage(w, r, locale.New(langOf(r)), nil, err)
			return
		}
	}
	secret, err := u.s.Users.CreateSession(ctx, user.ID)
	if err != nil {
		u.errorPage(w, r, locale.New(langOf(r)), nil, err)
		return
	}
	// A session cookie (no Max-Age): the server enforces the idle and absolute expiry, and
	// a shared computer forgets the login when the browser closes.
	http.SetCookie(w, u.cookie(sessionCookie, secret, 0))
	u.clearCookie(w, loginCookie)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// logout ends the session on the server, not only in the browser.
func (u *ui) logout(rq *uiReq) {
	if secret := secretCookie(rq.r, sessionCookie); secret != "" {
		if err := u.s.Users.DeleteSession(rq.r.Context(), secret); err != nil {
			rq.fail(err)
			return
		}
	}
	u.clearCookie(rq.w, sessionCookie)
	rq.redirectFlash("/login", "flash.logged_out")
}

// setLang remembers the language for a year and returns to the page the user was on. It only
// sets a preference cookie, so a plain link (no form, no CSRF token) is enough, and it also
// works on the login page.
func (u *ui) setLang(w http.ResponseWriter, r *http.Request) {
	lang := locale.Match(r.PathValue("lang"))
	http.SetCookie(w, u.cookie(langCookie, lang, 365*24*3600))
	http.Redirect(w, r, safeNextAny(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// safeNextAny is safeNext that also allows the login page (the language switch is on it).
func safeNextAny(next string) string {
	if p, err := url.Parse(next); err == nil && p.Path == "/login" && p.Host == "" && p.Scheme == "" && strings.HasPrefix(next, "/login") {
		return next
	}
	return safeNext(next)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginThrottle slows down password guessing (SPEC §N5): after maxPerEmail failures for one
// e-mail, or maxPerIP from one address, within the window, further attempts are refused until
// the window has passed. It lives in memory: several app instances each throttle on their own,
// which still bounds guessing to a small multiple.
type loginThrottle struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	fails int
	first time.Time
}

const (
	throttleWindow = 15 * time.Minute
	maxPerEmail    = 5
	maxPerIP       = 30
	maxEntries     = 100_000
)

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, entries: map[string]*throttleEntry{}}
}

func (t *loginThrottle) clock() time.Time {
	if t.now == nil {
		return time.Now()
	}
	return t.now()
}

// over returns how long key stays blocked, 0 when it is not.
func (t *loginThrottle) over(key string, max int, now time.Time) time.Duration {
	e, ok := t.entries[key]
	if !ok {
		return 0
	}
	if now.Sub(e.first) >= throttleWindow {
		delete(t.entries, key)
		return 0
	}
	if e.fails < max {
		return 0
	}
	return e.first.Add(throttleWindow).Sub(now)
}

// wait returns how long a login for email from ip must wait: 0 when it may go ahead, else the
// longer of the e-mail's and the address's remaining blocks.
func (t *loginThrottle) wait(email, ip string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock()
	return max(t.over("e:"+strings.ToLower(email), maxPerEmail, now), t.over("i:"+ip, maxPerIP, now))
}

func (t *loginThrottle) fail(email, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock()
	if len(t.entries) >= maxEntries {
		// Bound the memory an attacker can make us hold: drop the expired entries, and when
		// that is not enough, start over (a reset only loosens the throttle for a moment).
		for k, e := range t.entries {
			if now.Sub(e.first) >= throttleWindow {
				delete(t.entries, k)
			}
		}
		if len(t.entries) >= maxEntries {
			t.entries = map[string]*throttleEntry{}
		}
	}
	for _, k := range []string{"e:" + strings.ToLower(email), "i:" + ip} {
		e, ok := t.entries[k]
		if !ok || now.Sub(e.first) >= throttleWindow {
			e = &throttleEntry{first: now}
			t.entries[k] = e
		}
		e.fails++
	}
}

func (t *loginThrottle) succeed(email string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, "e:"+strings.ToLower(email))
}
