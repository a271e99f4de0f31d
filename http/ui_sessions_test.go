package kamhttp_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kam"
	"kam/demo"
	kamhttp "kam/http"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// newUIEnvClock serves the demo portfolio with the server's and the store's clock at *now.
func newUIEnvClock(t *testing.T, db *sqldb.DB, now *time.Time, opts ...func(*kamhttp.Server)) *uiEnv {
	t.Helper()
	p := demo.Generate(demo.Options{Customers: 30, Seed: 1})
	if err := db.LoadDemo(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return *now }
	return newUIEnvLoaded(t, db, p, append(opts, func(s *kamhttp.Server) { s.Now = func() time.Time { return *now } })...)
}

func sessionCookieOf(t *testing.T, r resp) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "kam_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", r.header["Set-Cookie"])
	return nil
}

func (b *browser) loginAs(email, password string) resp {
	b.env.t.Helper()
	page := b.get("/login")
	return b.post("/login", url.Values{"csrf": {csrfOf(b.env.t, page.body)}, "email": {email}, "password": {password}})
}

func TestUISessions(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		now := time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)
		e := newUIEnvClock(t, db, &now, func(s *kamhttp.Server) { s.SecureCookies = true })
		rep, sup := e.user(kam.RoleRep, 0), e.user(kam.RoleSupervisor, 0)

		t.Run("cookie attributes and a new session at every login", func(t *testing.T) {
			b := e.browser()
			r := b.loginAs(rep.Email, demo.Password)
			c1 := sessionCookieOf(t, r)
			if !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || !c1.Secure || c1.Path != "/" || c1.MaxAge != 0 {
				t.Errorf("session cookie %+v", c1)
			}
			// A login that arrives with a session id (planted by someone, or a previous
			// session): that id ends, a new one starts.
			b = e.browser()
			page := b.get("/login")
			b.header.Set("Cookie", "kam_session="+c1.Value)
			r = b.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {sup.Email}, "password": {demo.Password}})
			c2 := sessionCookieOf(t, r)
			b.header.Del("Cookie")
			if c2.Value == c1.Value {
				t.Fatal("the login kept the session id it was sent")
			}
			old := e.browser()
			old.header.Set("Cookie", "kam_session="+c1.Value)
			if r := old.get("/customers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
				t.Errorf("the replaced session still works: %d %q", r.status, r.location)
			}
			// Logout ends the session on the server: replaying its cookie is refused.
			csrf := csrfOf(t, b.get("/customers").body)
			if r := b.post("/logout", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
				t.Fatalf("logout %d", r.status)
			}
			replay := e.browser()
			replay.header.Set("Cookie", "kam_session="+c2.Value)
			if r := replay.get("/customers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
				t.Errorf("session works after logout: %d", r.status)
			}
		})

		t.Run("tampered cookies", func(t *testing.T) {
			for _, v := range []string{"x", strings.Repeat("A", 43), strings.Repeat("A", 42) + "=", "%00%00", strings.Repeat("é", 30)} {
				b := e.browser()
				b.header.Set("Cookie", "kam_session="+v+"; kam_lang="+strings.Repeat("x", 500)+"; kam_flash=flash.<script>")
				if r := b.get("/customers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
					t.Errorf("cookie %q: %d %q", v, r.status, r.location)
				}
			}
		})

		t.Run("idle and absolute expiry", func(t *testing.T) {
			b := e.browser()
			b.loginAs(rep.Email, demo.Password)
			now = now.Add(sqldb.DefaultSessionIdle - time.Minute)
			if r := b.get("/customers"); r.status != http.StatusOK {
				t.Fatalf("within the idle limit: %d", r.status)
			}
			now = now.Add(sqldb.DefaultSessionIdle)
			if r := b.get("/customers"); r.status != http.StatusSeeOther {
				t.Errorf("idle session: %d", r.status)
			}
		})

		t.Run("throttle per account, with when to retry", func(t *testing.T) {
			b := e.browser()
			page := b.get("/login")
			csrf := csrfOf(t, page.body)
			for i := 0; i < 5; i++ {
				r := b.post("/login", url.Values{"csrf": {csrf}, "email": {sup.Email}, "password": {"wrong password " + strconv.Itoa(i)}})
				if r.status != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", i, r.status)
				}
			}
			r := b.post("/login", url.Values{"csrf": {csrf}, "email": {sup.Email}, "password": {demo.Password}})
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "900" {
				t.Errorf("throttled: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
			}
			retryAt := now.Add(15 * time.Minute).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
			mustContain(t, "throttled (zh)", r.body, "请在 15 分钟后（"+retryAt+" 之后）再试")
			en := e.browser()
			en.header.Set("Cookie", "kam_lang=en")
			page = en.get("/login")
			r = en.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {strings.ToUpper(sup.Email)}, "password": {demo.Password}})
			mustContain(t, "throttled (en)", r.body, "try again in 15 minutes (after "+retryAt+")")
			now = now.Add(10 * time.Minute)
			r = en.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {sup.Email}, "password": {demo.Password}})
			mustContain(t, "throttled later (en)", r.body, "try again in 5 minutes")
			now = now.Add(5 * time.Minute)
			if r := b.loginAs(sup.Email, demo.Password); r.status != http.StatusSeeOther {
				t.Errorf("login after the window: %d", r.status)
			}
		})
	})
}

var secretPattern = regexp.MustCompile(`kam_[A-Za-z0-9_-]{43}`)

func TestUITokens(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		now := time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)
		e := newUIEnvClock(t, db, &now)
		rep := e.user(kam.RoleRep, 0)
		b := e.browser()
		csrf := b.login(rep.Email)
		page := b.get("/account/tokens")
		mustContain(t, "tokens page", page.body, "我的 API 令牌", "还没有令牌", `id="nav-tokens"`)
		if r := b.post("/account/tokens", url.Values{"name": {"x"}, "scope": {"read"}, "days": {"30"}}); r.status != http.StatusForbidden {
			t.Errorf("create without CSRF token: %d", r.status)
		}
		if r := b.post("/account/tokens", url.Values{"csrf": {csrf}, "name": {"x"}, "scope": {"read"}, "days": {"400"}}); r.status != http.StatusUnprocessableEntity || secretPattern.MatchString(r.body) {
			t.Errorf("400 days: %d", r.status)
		}
		r := b.post("/account/tokens", url.Values{"csrf": {csrf}, "name": {"周报脚本"}, "scope": {"read"}, "days": {"30"}})
		secret := secretPattern.FindString(r.body)
		if r.status != http.StatusCreated || secret == "" || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: %d %q", r.status, truncate(r.body, 500))
		}
		mustContain(t, "created", r.body, "只显示这一次", "周报脚本", "只读")
		// The secret works for reading, not for writing, and is not shown again.
		api := func(method, path string) int {
			req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(`{"name":"x"}`))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if st := api("GET", "/api/v1/me"); st != 200 {
			t.Errorf("read token GET: %d", st)
		}
		if st := api("POST", "/api/v1/tokens"); st != 403 {
			t.Errorf("read token POST: %d", st)
		}
		page = b.get("/account/tokens")
		if secretPattern.MatchString(page.body) {
			t.Error("the secret is shown again")
		}
		id := regexp.MustCompile(`data-token="(\d+)"`).FindStringSubmatch(page.body)
		if id == nil {
			t.Fatal("no token row")
		}
		// Someone else cannot revoke it from their page.
		other := e.browser()
		otherCSRF := other.login(e.user(kam.RoleRep, 1).Email)
		if r := other.post("/account/tokens/"+id[1]+"/revoke", url.Values{"csrf": {otherCSRF}}); r.status != http.StatusNotFound {
			t.Errorf("another rep revokes: %d", r.status)
		}
		if r := b.post("/account/tokens/"+id[1]+"/revoke", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.status)
		}
		if st := api("GET", "/api/v1/me"); st != 401 {
			t.Errorf("revoked token: %d", st)
		}
		mustContain(t, "after revoke", b.get("/account/tokens").body, "令牌已撤销", "已撤销 2026-06-01")
	})
}

func TestUIHandover(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		now := time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)
		e := newUIEnvClock(t, db, &now)
		sys := kam.WithActor(context.Background(), kam.System)
		// A supervisor with two reps of their own, one of whom owns files.
		var sup kam.User
		var team []kam.User
		for _, p := range e.p.Users {
			if p.User.Role != kam.RoleSupervisor {
				continue
			}
			team = team[:0]
			for _, q := range e.p.Users {
				if q.User.SupervisorID != nil && *q.User.SupervisorID == p.User.ID && q.User.Active && kam.CanCreateCustomer(kam.ActorOf(&q.User)) {
					team = append(team, q.User)
				}
			}
			if len(team) >= 2 {
				sup = p.User
				break
			}
		}
		if sup.ID == 0 {
			t.Fatal("no supervisor with two reps in the demo")
		}
		leaving, taker := team[0], team[1]
		_, owned, err := e.cs.FindCustomers(sys, kam.CustomerFilter{OwnerID: leaving.ID, Limit: 1})
		if err != nil || owned == 0 {
			t.Fatalf("%s owns %d files (%v)", leaving.Email, owned, err)
		}
		_, before, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{OwnerID: taker.ID, Limit: 1})

		repB := e.browser()
		repB.login(leaving.Email)
		if r := repB.get("/team"); r.status != http.StatusForbidden {
			t.Errorf("a rep's team page: %d", r.status)
		}
		b := e.browser()
		csrf := b.login(sup.Email)
		page := b.get("/team")
		mustContain(t, "team page", page.body, "团队交接", leaving.Name, `href="/users/`+strconv.FormatInt(leaving.ID, 10)+`/handover"`)
		form := b.get("/users/" + strconv.FormatInt(leaving.ID, 10) + "/handover")
		mustContain(t, "handover form", form.body, "交接 "+leaving.Name+" 的客户", `value="`+strconv.FormatInt(taker.ID, 10)+`"`)
		// Someone outside the team does not exist here.
		for _, p := range e.p.Users {
			if p.User.SupervisorID != nil && *p.User.SupervisorID != sup.ID {
				if r := b.get("/users/" + strconv.FormatInt(p.User.ID, 10) + "/handover"); r.status != http.StatusNotFound {
					t.Errorf("handover form of another team's user: %d", r.status)
				}
				break
			}
		}
		path := "/users/" + strconv.FormatInt(leaving.ID, 10) + "/handover"
		if r := b.post(path, url.Values{"to": {strconv.FormatInt(taker.ID, 10)}}); r.status != http.StatusForbidden {
			t.Errorf("handover without CSRF token: %d", r.status)
		}
		r := b.post(path, url.Values{"csrf": {csrf}})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("handover to nobody: %d", r.status)
		}
		mustContain(t, "handover to nobody", r.body, "无法交接")
		r = b.post(path, url.Values{"csrf": {csrf}, "to": {strconv.FormatInt(leaving.ID, 10)}})
		mustContain(t, "handover to the leaving user", r.body, "不能交接给离职人员本人")
		if _, n, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{OwnerID: leaving.ID, Limit: 1}); n != owned {
			t.Fatalf("a refused handover moved files: %d → %d", owned, n)
		}
		r = b.post(path, url.Values{"csrf": {csrf}, "to": {strconv.FormatInt(taker.ID, 10)}, "deactivate": {"1"}})
		if r.status != http.StatusSeeOther || r.location != "/team" {
			t.Fatalf("handover: %d %q %s", r.status, r.location, truncate(r.body, 500))
		}
		if _, n, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{OwnerID: leaving.ID, Limit: 1}); n != 0 {
			t.Errorf("%d files left with the leaving user", n)
		}
		if _, n, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{OwnerID: taker.ID, Limit: 1}); n != before+owned {
			t.Errorf("taker owns %d, want %d", n, before+owned)
		}
		mustContain(t, "after handover", b.get("/team").body, "交接已完成", "否（已停用）")
		// The deactivated rep's session has ended.
		if r := repB.get("/customers"); r.status != http.StatusSeeOther {
			t.Errorf("deactivated rep's session: %d", r.status)
		}
	})
}

// TestSecurityHeaders checks the headers on every kind of answer: pages, redirects, the API
// (success and problems), the OpenAPI document, static files, error pages and 404s.
func TestSecurityHeaders(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		now := time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)
		e := newUIEnvClock(t, db, &now)
		admin := e.p.Users[0].User
		_, token, err := sqldb.NewUserService(db).CreateToken(kam.WithActor(context.Background(), kam.System), kam.NewToken{UserID: admin.ID})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		csrf := b.login(admin.Email)
		css := regexp.MustCompile(`href="(/static/[^"]+\.css)"`).FindStringSubmatch(b.get("/customers").body)
		if css == nil {
			t.Fatal("no stylesheet link")
		}
		bearer := http.Header{"Authorization": {"Bearer " + token}}
		anon := e.browser()
		for _, c := range []struct {
			name   string
			b      *browser
			method string
			path   string
			form   url.Values
			hdr    http.Header
			status int
		}{
			{"login page", anon, "GET", "/login", nil, nil, 200},
			{"redirect to login", anon, "GET", "/customers", nil, nil, 303},
			{"page", b, "GET", "/customers", nil, nil, 200},
			{"tokens page", b, "GET", "/account/tokens", nil, nil, 200},
			{"static file", anon, "GET", css[1], nil, nil, 200},
			{"static 404", anon, "GET", "/static/nothing.js", nil, nil, 404},
			{"UI 404", b, "GET", "/no/such/page", nil, nil, 404},
			{"file outside scope (404 page)", b, "GET", "/customers/999999", nil, nil, 404},
			{"CSRF refusal", b, "POST", "/account/tokens", url.Values{"csrf": {"wrong"}}, nil, 403},
			{"form error", b, "POST", "/account/tokens", url.Values{"csrf": {csrf}, "days": {"0"}}, nil, 422},
			{"API", anon, "GET", "/api/v1/me", nil, bearer, 200},
			{"API 401", anon, "GET", "/api/v1/me", nil, nil, 401},
			{"API 404", anon, "GET", "/api/v1/customers/999999", nil, bearer, 404},
			{"API unknown path", anon, "GET", "/api/v1/nothing", nil, bearer, 404},
			{"OpenAPI document", anon, "GET", "/api/v1/openapi.json", nil, nil, 200},
			{"health", anon, "GET", "/healthz", nil, nil, 200},
		} {
			r := c.b.do(c.method, c.path, c.form, c.hdr)
			if r.status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
			}
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
				!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("%s: CSP %q", c.name, csp)
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q", c.name, got)
			}
			if got := r.header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
				t.Errorf("%s: Referrer-Policy %q", c.name, got)
			}
			if strings.Contains(r.header.Get("Content-Type"), "text/html") && regexp.MustCompile(`<script(\s[^>]*)?>[^<]`).MatchString(r.body) {
				t.Errorf("%s: an inline script in the page", c.name)
			}
		}
	})
}

// TestCSRFEveryRoute walks every registered UI route that changes state and checks that a
// request without the CSRF token, with a wrong one, or from another origin is refused and
// changes nothing. A new route is covered as soon as it is registered.
func TestCSRFEveryRoute(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		now := time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)
		var srv *kamhttp.Server
		e := newUIEnvClock(t, db, &now, func(s *kamhttp.Server) { srv = s })
		admin := e.p.Users[0].User
		b := e.browser()
		csrf := b.login(admin.Email)
		sys := kam.WithActor(context.Background(), kam.System)
		before, err := e.cs.FindCustomerByID(sys, 1)
		if err != nil {
			t.Fatal(err)
		}
		_, total, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{Limit: 1})
		param := regexp.MustCompile(`\{(\w+)\}`)
		walked := 0
		for _, route := range srv.Routes() {
			method, path, _ := strings.Cut(route.Pattern, " ")
			if method == "GET" || method == "HEAD" || path == "" || route.OperationID != "" || strings.HasPrefix(path, "/api/") {
				continue // the API authenticates with tokens, not cookies
			}
			walked++
			path = param.ReplaceAllStringFunc(path, func(p string) string {
				if p == "{kind}" {
					return "customers"
				}
				return "1"
			})
			b := b
			if path == "/login" {
				b = e.browser() // a visitor: the login form's own double-submit token
				b.get("/login")
			}
			for _, c := range []struct {
				name string
				form url.Values
				hdr  http.Header
			}{
				{"no token", url.Values{"name": {"x"}}, nil},
				{"wrong token", url.Values{"csrf": {strings.Repeat("0", 64)}, "name": {"x"}}, nil},
				{"wrong header token", url.Values{"name": {"x"}}, http.Header{"X-Csrf-Token": {"forged"}}},
				{"another origin", url.Values{"csrf": {csrf}, "name": {"x"}}, http.Header{"Origin": {"https://evil.example"}}},
			} {
				if r := b.do(method, path, c.form, c.hdr); r.status != http.StatusForbidden {
					t.Errorf("%s %s, %s: %d, want 403", method, path, c.name, r.status)
				}
			}
			// A multipart body (a file upload) without the token.
			body := "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\ncode,name\r\nZ1,Z\r\n--X--\r\n"
			req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "multipart/form-data; boundary=X")
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s, multipart without token: %d, want 403", method, path, res.StatusCode)
			}
		}
		if walked < 10 {
			t.Fatalf("only %d state-changing UI routes found", walked)
		}
		after, err := e.cs.FindCustomerByID(sys, 1)
		if err != nil || after.Version != before.Version {
			t.Errorf("customer 1 changed by refused requests: %v %v", after, err)
		}
		if _, n, _ := e.cs.FindCustomers(sys, kam.CustomerFilter{Limit: 1}); n != total {
			t.Errorf("customers %d → %d", total, n)
		}
		if r := b.get("/customers"); r.status != http.StatusOK {
			t.Errorf("the session ended by a forged logout: %d", r.status)
		}
		if tokens, _ := sqldb.NewUserService(db).FindTokens(sys, admin.ID); len(tokens) != 0 {
			t.Errorf("a forged request created tokens: %d", len(tokens))
		}
	})
}
