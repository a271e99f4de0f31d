package kamhttp_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"kam"
	"kam/demo"
	kamhttp "kam/http"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// uiEnv is a UI server over a real store holding a small demo portfolio.
type uiEnv struct {
	t   *testing.T
	srv *httptest.Server
	db  *sqldb.DB
	p   *demo.Portfolio
	cs  kam.CustomerService
	// audit is the server's audit log.
	audit *sqldb.AuditLog
	// s is the server, whose clock (Now) tests may set with the store's (db.Now).
	s *kamhttp.Server
}

const uiDemoCustomers = 60

func newUIEnv(t *testing.T, db *sqldb.DB) *uiEnv {
	t.Helper()
	ctx := context.Background()
	p := demo.Generate(demo.Options{Customers: uiDemoCustomers, Seed: 1})
	if err := db.LoadDemo(ctx, p); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return newUIEnvLoaded(t, db, p)
}

// newUIEnvLoaded serves the UI over db, which already holds portfolio p; opts adjust the
// server (its clock, Secure cookies) before it starts.
func newUIEnvLoaded(t *testing.T, db *sqldb.DB, p *demo.Portfolio, opts ...func(*kamhttp.Server)) *uiEnv {
	t.Helper()
	customers := sqldb.NewCustomerService(db)
	ledger := sqldb.NewLedgerService(db, customers)
	audit := sqldb.NewAuditLog(db)
	t.Cleanup(func() { audit.Close() })
	users := sqldb.NewUserService(db)
	s := &kamhttp.Server{
		Audit:     audit,
		Customers: customers,
		Ledger:    ledger,
		Exporter:  ledger,
		Imports:   ledger,
		Users:     users,
		Borrow:    sqldb.NewBorrowService(db, customers),
		Handover:  sqldb.NewHandoverService(db, customers, users),
		Ping:      db.Ping,
		Version:   "test",
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(s)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &uiEnv{t: t, srv: srv, db: db, p: p, cs: s.Customers, audit: audit, s: s}
}

// browser is an HTTP client with cookies that does not follow redirects, so tests see them.
type browser struct {
	env    *uiEnv
	c      *http.Client
	header http.Header
}

func (e *uiEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{env: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, header: http.Header{}}
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (b *browser) do(method, path string, form url.Values, hdr http.Header) resp {
	b.env.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.env.srv.URL+path, body)
	if err != nil {
		b.env.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.env.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(raw), location: res.Header.Get("Location"), header: res.Header}
}

func (b *browser) get(path string) resp { b.env.t.Helper(); return b.do("GET", path, nil, nil) }

func (b *browser) post(path string, form url.Values) resp {
	b.env.t.Helper()
	return b.do("POST", path, form, nil)
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", truncate(page, 2000))
	}
	return html.UnescapeString(m[1])
}

func (b *browser) login(email string) string {
	t := b.env.t
	t.Helper()
	page := b.get("/login")
	r := b.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {email}, "password": {demo.Password}})
	if r.status != http.StatusSeeOther || r.location != "/customers" {
		t.Fatalf("login %s: %d → %q\n%s", email, r.status, r.location, truncate(r.body, 2000))
	}
	return csrfOf(t, b.get("/customers").body)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q in\n%s", what, w, truncate(body, 3000))
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bads ...string) {
	t.Helper()
	for _, w := range bads {
		if strings.Contains(body, w) {
			t.Errorf("%s: unexpected %q", what, w)
		}
	}
}

func (e *uiEnv) user(role kam.Role, nth int) kam.User {
	for _, p := range e.p.Users {
		if p.User.Role == role {
			if nth == 0 {
				return p.User
			}
			nth--
		}
	}
	e.t.Fatalf("no %s user #%d in the demo", role, nth)
	return kam.User{}
}

func (e *uiEnv) userByID(id int64) kam.User { return e.p.Users[id-1].User }

// visibleTo reports whether the demo gives u customer c (owned or on the team).
func visibleTo(c *kam.Customer, id int64) bool {
	if c.OwnerID == id {
		return true
	}
	for _, m := range c.Team {
		if m.UserID == id {
			return true
		}
	}
	return false
}

// cjkRun returns n Han characters from the middle of s, a search term that is a true substring.
func cjkRun(s string, n int) string {
	r := []rune(s)
	for i := 1; i+n <= len(r); i++ {
		ok := true
		for _, c := range r[i : i+n] {
			ok = ok && unicode.Is(unicode.Han, c)
		}
		if ok {
			return string(r[i : i+n])
		}
	}
	return ""
}

func TestUI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		admin := e.p.Users[0].User

		t.Run("login required", func(t *testing.T) {
			b := e.browser()
			for _, path := range []string{"/customers", "/customers/1", "/customers/1/edit", "/"} {
				r := b.get(path)
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/login") {
					t.Errorf("GET %s without session: %d → %q", path, r.status, r.location)
				}
			}
			r := b.get("/customers?q=%E5%8D%8E")
			if want := "/login?next=" + url.QueryEscape("/customers?q=%E5%8D%8E"); r.location != want {
				t.Errorf("next = %q, want %q", r.location, want)
			}
			r = b.do("GET", "/customers", nil, http.Header{"Hx-Request": {"true"}})
			if r.header.Get("HX-Redirect") == "" {
				t.Errorf("htmx request without session: no HX-Redirect (%d)", r.status)
			}
		})

		t.Run("login", func(t *testing.T) {
			b := e.browser()
			page := b.get("/login")
			mustContain(t, "login page", page.body, "登录", `name="email"`)
			token := csrfOf(t, page.body)
			tests := []struct {
				name     string
				form     url.Values
				status   int
				location string
				body     string
			}{
				{"wrong password", url.Values{"csrf": {token}, "email": {admin.Email}, "password": {"wrong-password"}}, 401, "", "电子邮件或密码不正确"},
				{"no token", url.Values{"email": {admin.Email}, "password": {demo.Password}}, 403, "", "登录页面已过期"},
				{"unknown user", url.Values{"csrf": {token}, "email": {"nobody@kam.example"}, "password": {demo.Password}}, 401, "", "电子邮件或密码不正确"},
				{"open redirect refused", url.Values{"csrf": {token}, "email": {admin.Email}, "password": {demo.Password}, "next": {"//evil.example/x"}}, 303, "/customers", ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if tt.form.Has("csrf") {
						tt.form.Set("csrf", token)
					}
					r := b.post("/login", tt.form)
					if r.status != tt.status || r.location != tt.location {
						t.Fatalf("%d → %q, want %d → %q", r.status, r.location, tt.status, tt.location)
					}
					mustContain(t, tt.name, r.body, tt.body)
					if r.status != 303 {
						token = csrfOf(t, r.body) // each login page issues a fresh token
					}
				})
			}
			// The session cookie's attributes.
			b2 := e.browser()
			page = b2.get("/login?next=/customers/3")
			r := b2.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {admin.Email}, "password": {demo.Password}, "next": {"/customers/3"}})
			if r.location != "/customers/3" {
				t.Errorf("next: → %q", r.location)
			}
			var sc string
			for _, c := range r.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "kam_session=") {
					sc = c
				}
			}
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(sc, attr) {
					t.Errorf("session cookie %q lacks %s", sc, attr)
				}
			}
		})

		b := e.browser()
		csrf := b.login(admin.Email)

		t.Run("list", func(t *testing.T) {
			r := b.get("/customers")
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			mustContain(t, "list", r.body, "客户档案", "共 "+strconv.Itoa(uiDemoCustomers)+" 家客户", "第 1–20 条", `hx-trigger="input changed delay:300ms`, `hx-push-url="true"`)
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
		})

		t.Run("search by a Chinese substring", func(t *testing.T) {
			var target *kam.Customer
			var term string
			for _, c := range e.p.Customers {
				if term = cjkRun(c.Name, 2); term != "" {
					target = c
					break
				}
			}
			r := b.get("/customers?q=" + url.QueryEscape(term))
			mustContain(t, "search "+term, r.body, html.EscapeString(target.Name), `value="`+term+`"`)
			// htmx gets the table only.
			p := b.do("GET", "/customers?q="+url.QueryEscape(term), nil, http.Header{"Hx-Request": {"true"}, "Hx-Target": {"results"}})
			mustContain(t, "htmx search", p.body, "<table", html.EscapeString(target.Name))
			mustNotContain(t, "htmx search", p.body, "<html", "<header")
			// Nothing matches a nonsense term.
			r = b.get("/customers?q=" + url.QueryEscape("鑫鑫鑫鑫不存在"))
			mustContain(t, "no match", r.body, "没有符合条件的客户", "共 0 家客户")
		})

		t.Run("filters", func(t *testing.T) {
			r := b.get("/customers?status=active&per=100")
			all := strings.Count(r.body, `class="badge st-`)
			active := strings.Count(r.body, `class="badge st-active"`)
			if all == 0 || all != active {
				t.Errorf("status=active shows %d rows, %d active", all, active)
			}
			want := 0
			for _, c := range e.p.Customers {
				if c.Status == "active" {
					want++
				}
			}
			mustContain(t, "status filter", r.body, "共 "+strconv.Itoa(want)+" 家客户")
			province := e.p.Customers[0].Province
			r = b.get("/customers?province=" + url.QueryEscape(province) + "&per=100")
			n := 0
			for _, c := range e.p.Customers {
				if c.Province == province {
					n++
				}
			}
			mustContain(t, "province filter", r.body, "共 "+strconv.Itoa(n)+" 家客户")
			owner := e.p.Customers[0].OwnerID
			r = b.get("/customers?owner=" + strconv.FormatInt(owner, 10) + "&per=100")
			n = 0
			for _, c := range e.p.Customers {
				if c.OwnerID == owner {
					n++
				}
			}
			mustContain(t, "owner filter", r.body, "共 "+strconv.Itoa(n)+" 家客户")
			// Bad values are ignored rather than failing.
			r = b.get("/customers?status=bogus&sort=nope&per=7&page=x&owner=abc")
			if r.status != 200 {
				t.Errorf("bad filter values: %d", r.status)
			}
		})

		codeRe := regexp.MustCompile(`<td class="mono">([^<]+)</td>`)
		t.Run("sort", func(t *testing.T) {
			for _, tt := range []struct {
				sort string
				asc  bool
			}{{"code", true}, {"-code", false}} {
				r := b.get("/customers?sort=" + tt.sort)
				var codes []string
				for _, m := range codeRe.FindAllStringSubmatch(r.body, -1) {
					codes = append(codes, m[1])
				}
				if len(codes) != 20 {
					t.Fatalf("sort=%s: %d rows", tt.sort, len(codes))
				}
				for i := 1; i < len(codes); i++ {
					if (codes[i-1] < codes[i]) != tt.asc {
						t.Errorf("sort=%s: %s before %s", tt.sort, codes[i-1], codes[i])
					}
				}
			}
			// The header of the current sort column links to the other direction.
			r := b.get("/customers?sort=name")
			mustContain(t, "sort header", r.body, `href="/customers?sort=-name"`, "▲")
		})

		t.Run("paging", func(t *testing.T) {
			r := b.get("/customers?sort=code&page=2")
			mustContain(t, "page 2", r.body, "第 21–40 条", `aria-current="page">2<`)
			r2 := b.get("/customers?sort=code&page=3&per=50")
			mustContain(t, "past the end", r2.body, "第 51–60 条")
			r3 := b.get("/customers?per=50")
			mustContain(t, "per page", r3.body, "第 1–50 条")
		})

		// A customer with contacts, for the card tests.
		var card *kam.Card
		for _, c := range e.p.Customers {
			cd, err := e.cs.Card(kam.WithActor(context.Background(), kam.System), c.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(cd.Contacts) >= 2 && len(cd.Units) >= 1 {
				card = cd
				break
			}
		}
		if card == nil {
			t.Fatal("no demo customer with units and contacts")
		}
		cust := card.Customer
		cardURL := "/customers/" + strconv.FormatInt(cust.ID, 10)

		t.Run("card tabs", func(t *testing.T) {
			r := b.get(cardURL)
			mustContain(t, "profile", r.body, html.EscapeString(cust.Name), "资料完整度", "统一社会信用代码", `id="score"`)
			r = b.get(cardURL + "?tab=org")
			mustContain(t, "org", r.body, html.EscapeString(card.Contacts[0].Name), html.EscapeString(card.Units[0].Name), "orgtree")
			r = b.get(cardURL + "?tab=history")
			mustContain(t, "history", r.body, "变更历史", "timeline")
			r = b.get(cardURL + "?tab=nonsense")
			if r.status != 200 {
				t.Errorf("unknown tab: %d", r.status)
			}
		})

		t.Run("bad ids and unknown pages", func(t *testing.T) {
			for _, path := range []string{"/customers/abc", "/customers/99999999", "/customers/-1", "/customers/99999999/edit", "/no/such/page",
				cardURL + "/units/999999/edit", cardURL + "/contacts/abc/edit"} {
				r := b.get(path)
				if r.status != 404 {
					t.Errorf("GET %s: %d, want 404", path, r.status)
				}
				mustContain(t, path, r.body, "未找到")
			}
		})

		t.Run("edit with field errors", func(t *testing.T) {
			page := b.get(cardURL + "/edit")
			mustContain(t, "edit form", page.body, `name="version" value="`+strconv.FormatInt(cust.Version, 10)+`"`)
			form := url.Values{"csrf": {csrf}, "version": {strconv.FormatInt(cust.Version, 10)}, "name": {""},
				"credit_code": {"91350100M000100Y4X"}, "status": {cust.Status}, "stage": {cust.Stage}, "city": {"保留的城市"},
				"founded_on": {"2020-02-30"}, "parent_id": {"x"}}
			r := b.post(cardURL+"/edit", form)
			if r.status != 422 {
				t.Fatalf("status %d", r.status)
			}
			mustContain(t, "field errors", r.body, "必填项", "统一社会信用代码无效", "须为真实日期", "请输入整数", `value="保留的城市"`, `aria-invalid="true"`)
			// English pages show the service's English messages.
			b.get("/lang/en?next=/customers")
			r = b.post(cardURL+"/edit", form)
			mustContain(t, "en field errors", r.body, "is required", "Edit customer")
			b.get("/lang/zh-CN")
		})

		t.Run("edit, history and as-of", func(t *testing.T) {
			before := time.Now()
			cur, err := e.cs.FindCustomerByID(kam.WithActor(context.Background(), kam.System), cust.ID)
			if err != nil {
				t.Fatal(err)
			}
			page := b.get(cardURL + "/edit")
			form := formFromPage(t, page.body)
			oldCity := cur.City
			form.Set("city", "测试新城")
			r := b.post(cardURL+"/edit", form)
			if r.status != 303 || r.location != cardURL {
				t.Fatalf("save: %d → %q\n%s", r.status, r.location, truncate(r.body, 3000))
			}
			r = b.get(cardURL)
			mustContain(t, "after save", r.body, "测试新城", "已保存")
			r = b.get(cardURL + "?tab=history")
			mustContain(t, "history", r.body, "城市", "测试新城", html.EscapeString(admin.Name))
			if oldCity != "" {
				mustContain(t, "history old value", r.body, html.EscapeString(oldCity))
			}
			// As of just before the save, the card shows the old city.
			r = b.get(cardURL + "?as_of=" + url.QueryEscape(before.Format(time.RFC3339Nano)))
			mustContain(t, "as of", r.body, "历史视图", `id="asof-note"`)
			mustNotContain(t, "as of", r.body, "测试新城", `id="edit-customer"`)
			r = b.get(cardURL + "?as_of=yesterday-ish")
			mustContain(t, "bad as_of", r.body, "无法识别的时间")
			r = b.get(cardURL + "?as_of=1990-01-01")
			mustContain(t, "as_of before creation", r.body, "尚未建立")
		})

		t.Run("stale edit shows the conflict and keeps the input", func(t *testing.T) {
			// The owner and the admin open the same form; the owner saves first.
			owner := e.userByID(cust.OwnerID)
			ob := e.browser()
			ob.login(owner.Email)
			adminForm := formFromPage(t, b.get(cardURL+"/edit").body)
			ownerForm := formFromPage(t, ob.get(cardURL+"/edit").body)
			ownerForm.Set("short_name", "业主改的")
			if r := ob.post(cardURL+"/edit", ownerForm); r.status != 303 {
				t.Fatalf("owner save: %d\n%s", r.status, truncate(r.body, 3000))
			}
			adminForm.Set("address", "管理员输入的地址")
			r := b.post(cardURL+"/edit", adminForm)
			if r.status != http.StatusConflict {
				t.Fatalf("stale save: %d, want 409", r.status)
			}
			mustContain(t, "conflict", r.body, "保存冲突", html.EscapeString(owner.Name), "简称", "管理员输入的地址", "业主改的", `class="current"`)
			v, _ := strconv.Atoi(adminForm.Get("version"))
			mustContain(t, "conflict", r.body, `name="version" value="`+strconv.Itoa(v+1)+`"`)
			// Re-submitting the kept input against the new version saves it.
			again := formFromPage(t, r.body)
			if again.Get("address") != "管理员输入的地址" {
				t.Fatalf("typed address lost: %q", again.Get("address"))
			}
			if r := b.post(cardURL+"/edit", again); r.status != 303 {
				t.Fatalf("re-submit: %d\n%s", r.status, truncate(r.body, 3000))
			}
		})

		sys := kam.WithActor(context.Background(), kam.System)
		stored := func(t *testing.T, id int64) *kam.Customer {
			t.Helper()
			c, err := e.cs.FindCustomerByID(sys, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// freeUsers returns n active users who are neither on c's team nor its owner.
		freeUsers := func(t *testing.T, c *kam.Customer, n int) []kam.User {
			t.Helper()
			var out []kam.User
			for _, pu := range e.p.Users {
				if u := pu.User; u.Active && u.ID != c.OwnerID && teamRole(c, u.ID) == "" && len(out) < n {
					out = append(out, u)
				}
			}
			if len(out) < n {
				t.Fatalf("the demo has fewer than %d users off the team of %s", n, c.Name)
			}
			return out
		}

		t.Run("account team: add and remove a member through the form", func(t *testing.T) {
			before := stored(t, cust.ID)
			member := freeUsers(t, before, 1)[0]
			page := b.get(cardURL + "/edit")
			mustContain(t, "team editor", page.body, `name="team_rows"`, `name="team_user"`, `name="team_role"`, "添加成员", "团队角色",
				`<option value="logistics">物流</option>`, html.EscapeString(member.Name)+" · ")
			form := formFromPage(t, page.body)
			// Without script the editor shows the members and three empty rows.
			if got, want := len(form["team_user"]), len(before.Team)+3; got != want || len(form["team_role"]) != got {
				t.Fatalf("team rows: %d users, %d roles, want %d", got, len(form["team_role"]), want)
			}
			setTeamRow(t, form, strconv.FormatInt(member.ID, 10), "logistics")
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("add member: %d\n%s", r.status, truncate(r.body, 3000))
			}
			after := stored(t, cust.ID)
			if teamRole(after, member.ID) != "logistics" || len(after.Team) != len(before.Team)+1 {
				t.Fatalf("team after adding %d: %+v (before %+v)", member.ID, after.Team, before.Team)
			}
			for _, m := range before.Team {
				if teamRole(after, m.UserID) != m.Role {
					t.Errorf("member %d lost or changed: %+v", m.UserID, after.Team)
				}
			}
			r := b.get(cardURL)
			mustContain(t, "card team", r.body, "客户团队", "<td>"+html.EscapeString(member.Name)+`</td><td class="muted">物流</td>`)
			if ch := newestChange(t, e.cs, cust.ID); !changesField(ch, "team") {
				t.Errorf("newest change does not record the team: %+v", ch)
			}
			r = b.get(cardURL + "?tab=history")
			mustContain(t, "history of the team", r.body, "客户团队", html.EscapeString(member.Name)+"（物流）")

			// Removing: the member's row is emptied (what a browser without script does).
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			users := form["team_user"]
			i := slices.Index(users, strconv.FormatInt(member.ID, 10))
			if i < 0 || form["team_role"][i] != "logistics" {
				t.Fatalf("the new member is not in the form: %v %v", users, form["team_role"])
			}
			users[i] = ""
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("remove member: %d\n%s", r.status, truncate(r.body, 3000))
			}
			after = stored(t, cust.ID)
			if teamRole(after, member.ID) != "" || len(after.Team) != len(before.Team) {
				t.Fatalf("team after removing %d: %+v", member.ID, after.Team)
			}
			ch := newestChange(t, e.cs, cust.ID)
			if !changesField(ch, "team") {
				t.Errorf("newest change does not record the team: %+v", ch)
			}
			r = b.get(cardURL)
			mustNotContain(t, "card after removal", r.body, "<td>"+html.EscapeString(member.Name)+"</td>")
		})

		t.Run("account team: an unknown user is refused next to the field", func(t *testing.T) {
			before := stored(t, cust.ID)
			form := formFromPage(t, b.get(cardURL+"/edit").body)
			setTeamRow(t, form, "999999", "sales")
			form.Set("city", "不应保存的城市")
			r := b.post(cardURL+"/edit", form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("unknown team member: %d, want 422\n%s", r.status, truncate(r.body, 3000))
			}
			team := fieldHTML(t, r.body, `aria-labelledby="l-team"`)
			mustContain(t, "team field", team, `class="ferr"`, "用户 #999999 不存在", `<option value="999999" selected>`, `aria-invalid="true"`)
			mustNotContain(t, "error box", r.body, "alert-error")
			// What the user typed is kept, and nothing is stored.
			again := formFromPage(t, r.body)
			if !slices.Contains(again["team_user"], "999999") || again.Get("city") != "不应保存的城市" {
				t.Errorf("typed input lost: team %v, city %q", again["team_user"], again.Get("city"))
			}
			after := stored(t, cust.ID)
			if after.Version != before.Version || after.City == "不应保存的城市" || teamRole(after, 999999) != "" {
				t.Errorf("a refused form changed the file: %+v", after)
			}
			// English pages show the service's message at the field.
			b.get("/lang/en?next=/customers")
			r = b.post(cardURL+"/edit", form)
			mustContain(t, "en team field", fieldHTML(t, r.body, `aria-labelledby="l-team"`), "no user with id 999999")
			b.get("/lang/zh-CN")
			// A user that is not an id is caught before the service.
			setTeamRow(t, form, "abc", "")
			r = b.post(cardURL+"/edit", form)
			mustContain(t, "malformed team member", fieldHTML(t, r.body, `aria-labelledby="l-team"`), "团队成员无效或重复")
		})

		t.Run("account team: a stale edit keeps the typed team", func(t *testing.T) {
			owner := e.userByID(cust.OwnerID)
			ob := e.browser()
			ob.login(owner.Email)
			two := freeUsers(t, stored(t, cust.ID), 2)
			theirs, mine := strconv.FormatInt(two[0].ID, 10), strconv.FormatInt(two[1].ID, 10)
			adminForm := formFromPage(t, b.get(cardURL+"/edit").body)
			ownerForm := formFromPage(t, ob.get(cardURL+"/edit").body)
			setTeamRow(t, ownerForm, theirs, "sales")
			if r := ob.post(cardURL+"/edit", ownerForm); r.status != http.StatusSeeOther {
				t.Fatalf("owner save: %d\n%s", r.status, truncate(r.body, 3000))
			}
			setTeamRow(t, adminForm, mine, "finance")
			r := b.post(cardURL+"/edit", adminForm)
			if r.status != http.StatusConflict {
				t.Fatalf("stale save: %d, want 409", r.status)
			}
			mustContain(t, "conflict box", r.body, "保存冲突", "客户团队")
			mustContain(t, "current team", fieldHTML(t, r.body, `aria-labelledby="l-team"`), `class="current"`, html.EscapeString(two[0].Name)+"（销售）")
			again := formFromPage(t, r.body)
			if i := slices.Index(again["team_user"], mine); i < 0 || again["team_role"][i] != "finance" || slices.Contains(again["team_user"], theirs) {
				t.Fatalf("the typed team is not kept: %v %v", again["team_user"], again["team_role"])
			}
			if r := b.post(cardURL+"/edit", again); r.status != http.StatusSeeOther {
				t.Fatalf("re-submit: %d\n%s", r.status, truncate(r.body, 3000))
			}
			after := stored(t, cust.ID)
			if teamRole(after, two[1].ID) != "finance" || teamRole(after, two[0].ID) != "" {
				t.Errorf("team after re-submit: %+v", after.Team)
			}
		})

		t.Run("parent account: set by name or id, and cleared", func(t *testing.T) {
			names := map[string]int{}
			for _, c := range e.p.Customers {
				names[c.Name]++
			}
			// Two candidate parents with names no other customer has, outside cust's own group.
			var parents []*kam.Customer
			for _, c := range e.p.Customers {
				if c.ID != cust.ID && names[c.Name] == 1 && c.ParentID == nil && len([]rune(c.Name)) > 4 && len(parents) < 2 {
					parents = append(parents, c)
				}
			}
			if len(parents) < 2 {
				t.Fatal("no demo customers to be parents")
			}
			parent, other := parents[0], parents[1]
			pid := strconv.FormatInt(parent.ID, 10)

			// By name, as typed without script: the hidden id still holds the old parent.
			page := b.get(cardURL + "/edit")
			mustContain(t, "parent control", page.body, `name="parent" type="text"`, `name="parent_id" type="hidden"`,
				`hx-get="/customers/lookup?self=`+strconv.FormatInt(cust.ID, 10)+`"`, "客户 ID")
			form := formFromPage(t, page.body)
			form.Set("parent", parent.Name)
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("set parent by name: %d\n%s", r.status, truncate(r.body, 3000))
			}
			if p := stored(t, cust.ID).ParentID; p == nil || *p != parent.ID {
				t.Fatalf("parent = %v, want %d", p, parent.ID)
			}
			mustContain(t, "card parent", b.get(cardURL).body, `<a href="/customers/`+pid+`">`+html.EscapeString(parent.Name)+"</a>")
			if ch := newestChange(t, e.cs, cust.ID); !changesField(ch, "parent_id") {
				t.Errorf("newest change does not record the parent: %+v", ch)
			}
			mustContain(t, "history names the parent", b.get(cardURL+"?tab=history").body, "上级客户", html.EscapeString(parent.Name))
			// The form names the current parent.
			page = b.get(cardURL + "/edit")
			mustContain(t, "current parent", page.body, `name="parent" type="text" value="`+html.EscapeString(parent.Name)+`"`,
				`name="parent_id" type="hidden" value="`+pid+`"`)
			form = formFromPage(t, page.body)
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther || *stored(t, cust.ID).ParentID != parent.ID {
				t.Fatalf("unchanged parent: %d", r.status)
			}

			// By id, the no-script way: "123" or "#123".
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			form.Set("parent", "#"+strconv.FormatInt(other.ID, 10))
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("set parent by id: %d\n%s", r.status, truncate(r.body, 3000))
			}
			if p := stored(t, cust.ID).ParentID; p == nil || *p != other.ID {
				t.Fatalf("parent = %v, want %d", p, other.ID)
			}

			// Picked from the suggestions, as the script sends it: the hidden id with its name.
			r := b.get("/customers/lookup?self=" + strconv.FormatInt(cust.ID, 10) + "&parent=" + url.QueryEscape(parent.Name))
			mustContain(t, "lookup", r.body, `<option value="`+html.EscapeString(parent.Name)+`" data-id="`+pid+`">`+html.EscapeString(parent.Code))
			mustNotContain(t, "lookup", r.body, "<html", `data-id="`+strconv.FormatInt(cust.ID, 10)+`"`)
			r = b.get("/customers/lookup?self=" + strconv.FormatInt(cust.ID, 10) + "&parent=" + url.QueryEscape(cust.Name))
			mustNotContain(t, "lookup leaves out the customer itself", r.body, `data-id="`+strconv.FormatInt(cust.ID, 10)+`"`)
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			form.Set("parent", parent.Name)
			form.Set("parent_id", pid)
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther || *stored(t, cust.ID).ParentID != parent.ID {
				t.Fatalf("set parent as picked: %d\n%s", r.status, truncate(r.body, 3000))
			}

			// A part of a name is no choice: the form says so and offers the candidates.
			partial := string([]rune(parent.Name)[:len([]rune(parent.Name))-1])
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			form.Set("parent", partial)
			form.Set("parent_id", "")
			r = b.post(cardURL+"/edit", form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("partial name: %d, want 422", r.status)
			}
			mustContain(t, "partial name", fieldHTML(t, r.body, `id="f-parent_id"`), "没有名称完全相符的客户", `value="`+html.EscapeString(partial)+`"`,
				`data-id="`+pid+`"`)

			// Two customers of the same name: the name alone is ambiguous, the suggestions add the
			// code, and a suggestion names one.
			var twins []*kam.Customer
			for _, code := range []string{"TWIN-A", "TWIN-B"} {
				c := &kam.Customer{Name: "同名测试集团有限公司", Code: code, OwnerID: admin.ID}
				if err := e.cs.CreateCustomer(sys, c); err != nil {
					t.Fatal(err)
				}
				twins = append(twins, c)
			}
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			form.Set("parent", "同名测试集团有限公司")
			r = b.post(cardURL+"/edit", form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("ambiguous name: %d, want 422", r.status)
			}
			mustContain(t, "ambiguous name", fieldHTML(t, r.body, `id="f-parent_id"`), "有多家客户名称相符",
				`<option value="同名测试集团有限公司 · TWIN-B" data-id="`+strconv.FormatInt(twins[1].ID, 10)+`">`)
			form.Set("parent", "同名测试集团有限公司 · TWIN-B")
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("name and code: %d\n%s", r.status, truncate(r.body, 3000))
			}
			if p := stored(t, cust.ID).ParentID; p == nil || *p != twins[1].ID {
				t.Fatalf("parent = %v, want %d", p, twins[1].ID)
			}

			// Empty clears it.
			form = formFromPage(t, b.get(cardURL+"/edit").body)
			form.Set("parent", "")
			if r := b.post(cardURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("clear parent: %d\n%s", r.status, truncate(r.body, 3000))
			}
			if p := stored(t, cust.ID).ParentID; p != nil {
				t.Fatalf("parent = %d after clearing", *p)
			}
			mustNotContain(t, "card without parent", b.get(cardURL).body, `<a href="/customers/`+pid+`">`)
			if ch := newestChange(t, e.cs, cust.ID); !changesField(ch, "parent_id") {
				t.Errorf("newest change does not record clearing the parent: %+v", ch)
			}
		})

		t.Run("parent account: outside the user's scope it stays hidden", func(t *testing.T) {
			rep := e.user(kam.RoleRep, 0)
			repCtx := kam.WithActor(context.Background(), kam.ActorOf(&rep))
			var mine *kam.Customer
			var hidden []*kam.Customer
			for _, c := range e.p.Customers {
				_, err := e.cs.FindCustomerByID(repCtx, c.ID)
				switch {
				case err == nil && mine == nil && c.OwnerID == rep.ID:
					mine = c
				case isNotFound(err) && len(hidden) < 2:
					hidden = append(hidden, c)
				}
			}
			if mine == nil || len(hidden) < 2 {
				t.Fatal("demo has no customer of the rep and two they may not see")
			}
			cur := stored(t, mine.ID)
			if _, err := e.cs.UpdateCustomer(sys, mine.ID, cur.Version, func(c *kam.Customer) error {
				c.ParentID = &hidden[0].ID
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			mineURL := "/customers/" + strconv.FormatInt(mine.ID, 10)
			hid := strconv.FormatInt(hidden[0].ID, 10)
			rb := e.browser()
			rb.login(rep.Email)
			page := rb.get(mineURL + "/edit")
			mustContain(t, "rep's form", page.body, `name="parent" type="text" value="#`+hid+`"`)
			mustNotContain(t, "rep's form", page.body, html.EscapeString(hidden[0].Name))
			// Saving the form unchanged keeps the parent the rep may not see.
			form := formFromPage(t, page.body)
			form.Set("note", "业务员保存")
			if r := rb.post(mineURL+"/edit", form); r.status != http.StatusSeeOther {
				t.Fatalf("rep save: %d\n%s", r.status, truncate(r.body, 3000))
			}
			if p := stored(t, mine.ID).ParentID; p == nil || *p != hidden[0].ID {
				t.Fatalf("parent = %v after the rep's save, want %d", p, hidden[0].ID)
			}
			for _, path := range []string{mineURL, mineURL + "?tab=history"} {
				r := rb.get(path)
				mustContain(t, path, r.body, "#"+hid)
				mustNotContain(t, path, r.body, html.EscapeString(hidden[0].Name))
			}
			// Names outside the scope are neither suggested nor accepted.
			r := rb.get("/customers/lookup?parent=" + url.QueryEscape(hidden[1].Name))
			mustNotContain(t, "rep lookup", r.body, `data-id="`+strconv.FormatInt(hidden[1].ID, 10)+`"`)
			form = formFromPage(t, rb.get(mineURL+"/edit").body)
			form.Set("parent", hidden[1].Name)
			r = rb.post(mineURL+"/edit", form)
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("invisible parent by name: %d, want 422", r.status)
			}
			mustNotContain(t, "invisible parent by name", r.body, `data-id="`+strconv.FormatInt(hidden[1].ID, 10)+`"`)
			// An id outside the scope reads exactly like one that does not exist.
			errorOf := func(parent string) string {
				form.Set("parent", parent)
				r := rb.post(mineURL+"/edit", form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("parent %s: %d, want 422", parent, r.status)
				}
				return ferrPattern.FindString(fieldHTML(t, r.body, `id="f-parent_id"`))
			}
			if a, b := errorOf(strconv.FormatInt(hidden[1].ID, 10)), errorOf("99999999"); a == "" || a != b {
				t.Errorf("an invisible parent reads %q, a missing one %q", a, b)
			}
		})

		t.Run("rep sees only their own files", func(t *testing.T) {
			rep := e.user(kam.RoleRep, 0)
			var mine, other *kam.Customer
			for _, c := range e.p.Customers {
				if mine == nil && c.OwnerID == rep.ID {
					mine = c
				}
				if other == nil && !visibleTo(c, rep.ID) {
					other = c
				}
			}
			if mine == nil || other == nil {
				t.Fatal("the demo data (fixed seed) has no suitable pair of customers; pick another seed")
			}
			rb := e.browser()
			rb.login(rep.Email)
			otherURL := "/customers/" + strconv.FormatInt(other.ID, 10)
			for _, path := range []string{otherURL, otherURL + "/edit", otherURL + "?tab=history", otherURL + "/contacts/new"} {
				r := rb.get(path)
				if r.status != 404 {
					t.Errorf("rep GET %s: %d, want 404", path, r.status)
				}
				mustNotContain(t, path, r.body, html.EscapeString(other.Name))
			}
			r := rb.get("/customers/" + strconv.FormatInt(mine.ID, 10))
			if r.status != 200 {
				t.Errorf("rep's own customer: %d", r.status)
			}
			r = rb.get("/customers?per=100")
			mustNotContain(t, "rep list", r.body, html.EscapeString(other.Name))
			mustNotContain(t, "rep list", r.body, `name="owner"`)
		})

		t.Run("CSRF", func(t *testing.T) {
			form := formFromPage(t, b.get(cardURL+"/edit").body)
			for _, tt := range []struct {
				name  string
				token string
				hdr   http.Header
			}{
				{"missing", "", nil},
				{"wrong", strings.Repeat("0", 64), nil},
				{"cross-site origin", csrf, http.Header{"Origin": {"https://evil.example"}}},
			} {
				f := url.Values{}
				for k, v := range form {
					f[k] = v
				}
				f.Set("csrf", tt.token)
				f.Set("city", "CSRF改的")
				r := b.do("POST", cardURL+"/edit", f, tt.hdr)
				if r.status != 403 {
					t.Errorf("%s token: %d, want 403", tt.name, r.status)
				}
			}
			if r := b.post("/logout", url.Values{}); r.status != 403 {
				t.Errorf("logout without token: %d", r.status)
			}
			// The htmx header works as well as the field.
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Del("csrf")
			r := b.do("POST", cardURL+"/edit", f, http.Header{"X-Csrf-Token": {csrf}})
			if r.status != 303 {
				t.Errorf("X-CSRF-Token header: %d\n%s", r.status, truncate(r.body, 2000))
			}
		})

		t.Run("language switch is remembered", func(t *testing.T) {
			lb := e.browser()
			lb.login(admin.Email)
			mustContain(t, "default", lb.get("/customers").body, `<html lang="zh-CN">`, "客户档案")
			r := lb.get("/lang/en?next=" + url.QueryEscape("/customers?status=active"))
			if r.status != 303 || r.location != "/customers?status=active" {
				t.Fatalf("switch: %d → %q", r.status, r.location)
			}
			if sc := r.header.Get("Set-Cookie"); !strings.Contains(sc, "kam_lang=en") || !strings.Contains(sc, "Max-Age=31536000") {
				t.Errorf("lang cookie %q", sc)
			}
			for _, path := range []string{"/customers", cardURL, cardURL + "?tab=org"} {
				r := lb.get(path)
				mustContain(t, "en "+path, r.body, `<html lang="en">`, "Sign out")
				mustNotContain(t, "en "+path, r.body, "退出")
			}
			mustContain(t, "en list", lb.get("/customers").body, "Customer files", "customers")
			if r := lb.get("/lang/xx?next=//evil.example"); r.location != "/customers" {
				t.Errorf("lang next → %q", r.location)
			}
		})

		t.Run("units and contacts", func(t *testing.T) {
			r := b.post(cardURL+"/units/new", url.Values{"csrf": {csrf}, "name": {"华南仓储中心"}, "kind": {"warehouse"}})
			if r.status != 303 {
				t.Fatalf("create unit: %d\n%s", r.status, truncate(r.body, 3000))
			}
			r = b.post(cardURL+"/contacts/new", url.Values{"csrf": {csrf}, "name": {"欧阳明月"}, "title": {"仓库主管"},
				"purchase_role": {"frontline"}, "birthday": {"农历八月十五"}, "phones": {"138 0013 8000，021-55551234"}, "relationship": {"4"}})
			if r.status != 303 {
				t.Fatalf("create contact: %d\n%s", r.status, truncate(r.body, 3000))
			}
			r = b.get(cardURL + "?tab=org")
			mustContain(t, "org after create", r.body, "华南仓储中心", "欧阳明月", "农历八月十五", "021-55551234", "★★★★☆")
			r = b.post(cardURL+"/contacts/new", url.Values{"csrf": {csrf}, "name": {""}, "birthday": {"农历十三月"}, "email": {"nope"}})
			if r.status != 422 {
				t.Fatalf("bad contact: %d", r.status)
			}
			mustContain(t, "bad contact", r.body, "必填项", "生日无效", "电子邮件地址格式不正确", `value="农历十三月"`)

			// Edit and delete from the card, each checked against the record's version.
			sys := kam.WithActor(context.Background(), kam.System)
			fresh, err := e.cs.Card(sys, cust.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			var unit *kam.Unit
			var contact *kam.Contact
			for _, u := range fresh.Units {
				if u.Name == "华南仓储中心" {
					unit = u
				}
			}
			for _, c := range fresh.Contacts {
				if c.Name == "欧阳明月" {
					contact = c
				}
			}
			if unit == nil || contact == nil {
				t.Fatal("created unit or contact not found")
			}
			unitURL := cardURL + "/units/" + strconv.FormatInt(unit.ID, 10)
			contactURL := cardURL + "/contacts/" + strconv.FormatInt(contact.ID, 10)
			uf := formFromPage(t, b.get(unitURL+"/edit").body)
			uf.Set("name", "华南物流中心")
			if r := b.post(unitURL+"/edit", uf); r.status != 303 {
				t.Fatalf("edit unit: %d\n%s", r.status, truncate(r.body, 3000))
			}
			uf.Set("name", "过期的名字")
			r = b.post(unitURL+"/edit", uf)
			if r.status != http.StatusConflict {
				t.Fatalf("stale unit edit: %d", r.status)
			}
			mustContain(t, "stale unit", r.body, "保存冲突", "过期的名字", "华南物流中心", "单位名称")
			cf := formFromPage(t, b.get(contactURL+"/edit").body)
			if cf.Get("birthday") != "农历--08-15" {
				t.Errorf("birthday in the form = %q", cf.Get("birthday"))
			}
			cf.Set("unit_id", strconv.FormatInt(unit.ID, 10))
			cf.Set("title", "物流总监")
			if r := b.post(contactURL+"/edit", cf); r.status != 303 {
				t.Fatalf("edit contact: %d\n%s", r.status, truncate(r.body, 3000))
			}
			r = b.get(cardURL + "?tab=history")
			mustContain(t, "history of units and contacts", r.body, "华南仓储中心", "华南物流中心", "仓库主管", "物流总监", "所属单位")
			if r := b.post(contactURL+"/delete", url.Values{"csrf": {csrf}, "version": {cf.Get("version")}}); r.status != http.StatusConflict {
				t.Errorf("stale delete: %d, want 409", r.status)
			}
			v, _ := strconv.Atoi(cf.Get("version"))
			if r := b.post(contactURL+"/delete", url.Values{"csrf": {csrf}, "version": {strconv.Itoa(v + 1)}}); r.status != 303 {
				t.Errorf("delete contact: %d", r.status)
			}
			if r := b.get(contactURL + "/edit"); r.status != 404 {
				t.Errorf("deleted contact's form: %d", r.status)
			}
			// A unit of one customer is not reachable under another customer's URL.
			otherURL := "/customers/" + strconv.FormatInt(e.p.Customers[0].ID, 10)
			if e.p.Customers[0].ID == cust.ID {
				otherURL = "/customers/" + strconv.FormatInt(e.p.Customers[1].ID, 10)
			}
			if r := b.get(otherURL + "/units/" + strconv.FormatInt(unit.ID, 10) + "/edit"); r.status != 404 {
				t.Errorf("unit under another customer: %d", r.status)
			}
		})

		t.Run("create customer", func(t *testing.T) {
			page := b.get("/customers/new")
			mustContain(t, "new form", page.body, "新建客户", `name="owner_id"`)
			r := b.post("/customers/new", url.Values{"csrf": {csrf}, "name": {"苏州新测试精密机械有限公司"}, "status": {"prospect"},
				"stage": {"identify"}, "owner_id": {strconv.FormatInt(admin.ID, 10)}, "tags": {"重点，华东"}, "custom_fields": {"ERP编号=E-001"}})
			if r.status != 303 || !strings.HasPrefix(r.location, "/customers/") {
				t.Fatalf("create: %d → %q\n%s", r.status, r.location, truncate(r.body, 3000))
			}
			r = b.get(r.location)
			mustContain(t, "created", r.body, "苏州新测试精密机械有限公司", "已创建", "重点", "华东", "ERP编号", "E-001")
			r = b.post("/customers/new", url.Values{"csrf": {csrf}, "name": {""}, "status": {"prospect"}, "stage": {"identify"}, "custom_fields": {"没有等号"}})
			if r.status != 422 {
				t.Fatalf("invalid create: %d", r.status)
			}
			mustContain(t, "invalid create", r.body, "必填项", "名称=值")
		})

		t.Run("logout", func(t *testing.T) {
			lb := e.browser()
			token := lb.login(admin.Email)
			r := lb.post("/logout", url.Values{"csrf": {token}})
			if r.status != 303 || r.location != "/login" {
				t.Fatalf("logout: %d → %q", r.status, r.location)
			}
			if r := lb.get("/customers"); r.status != 303 {
				t.Errorf("after logout: %d", r.status)
			}
		})
	})
}

// teamRole returns the role of user id on c's team, "" when they are not on it (or have no role;
// the tests always give one).
func teamRole(c *kam.Customer, id int64) string {
	for _, m := range c.Team {
		if m.UserID == id {
			return m.Role
		}
	}
	return ""
}

// setTeamRow fills the first empty row of the team editor in form.
func setTeamRow(t *testing.T, form url.Values, user, role string) {
	t.Helper()
	i := slices.Index(form["team_user"], "")
	if i < 0 {
		t.Fatalf("no empty team row in %v", form["team_user"])
	}
	form["team_user"][i] = user
	form["team_role"][i] = role
}

// fieldHTML returns the markup of the form field that contains marker, up to the next field.
func fieldHTML(t *testing.T, page, marker string) string {
	t.Helper()
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("no %s in\n%s", marker, truncate(page, 3000))
	}
	start := strings.LastIndex(page[:i+len(marker)], `<div class="field`)
	end := strings.Index(page[i:], `<div class="field`)
	if end < 0 {
		end = len(page) - i
	}
	return page[start : i+end]
}

var ferrPattern = regexp.MustCompile(`<div class="ferr" role="alert">[^<]*</div>`)

func newestChange(t *testing.T, cs kam.CustomerService, id int64) *kam.Change {
	t.Helper()
	changes, _, err := cs.History(kam.WithActor(context.Background(), kam.System), id, 1, 0)
	if err != nil || len(changes) == 0 {
		t.Fatalf("history of %d: %v", id, err)
	}
	return changes[0]
}

func changesField(ch *kam.Change, field string) bool {
	for _, f := range ch.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func isNotFound(err error) bool { return kam.ErrorCodeOf(err) == kam.ENotFound }

var inputPattern = regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>`)
var valuePattern = regexp.MustCompile(`\bvalue="([^"]*)"`)
var selectedPattern = regexp.MustCompile(`<option value="([^"]*)" selected>`)
var templatePattern = regexp.MustCompile(`(?s)<template\b.*?</template>`)

// formFromPage reads the fields of the (first) edit form of a page as a browser would submit
// them: inputs' values, the selected option of each select, textareas' text; fields of the same
// name (the team editor's rows) in order.
func formFromPage(t *testing.T, page string) url.Values {
	t.Helper()
	start := strings.Index(page, `<form method="post" action="/customers/`)
	if start < 0 {
		t.Fatalf("no edit form in\n%s", truncate(page, 3000))
	}
	end := strings.Index(page[start:], "</form>")
	form := page[start : start+end]
	// A <template>'s content is not part of the form (the team editor's blank row).
	form = templatePattern.ReplaceAllString(form, "")
	v := url.Values{}
	for _, m := range inputPattern.FindAllStringSubmatchIndex(form, -1) {
		tag, name := form[m[2]:m[3]], form[m[4]:m[5]]
		el := form[m[0]:m[1]]
		switch tag {
		case "input":
			val := ""
			if vm := valuePattern.FindStringSubmatch(el); vm != nil {
				val = html.UnescapeString(vm[1])
			}
			v.Add(name, val)
		case "select":
			rest := form[m[1]:]
			rest = rest[:strings.Index(rest, "</select>")]
			val := ""
			if sm := selectedPattern.FindStringSubmatch(rest); sm != nil {
				val = html.UnescapeString(sm[1])
			}
			v.Add(name, val)
		case "textarea":
			rest := form[m[1]:]
			v.Add(name, html.UnescapeString(rest[:strings.Index(rest, "</textarea>")]))
		}
	}
	return v
}
