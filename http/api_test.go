package kamhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kam"
	kamhttp "kam/http"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// apiFixture serves the API over a real store with a small sales organisation and one token per
// person.
type apiFixture struct {
	srv    *httptest.Server
	db     *sqldb.DB
	tokens map[string]string
	ids    map[string]int64
	clock  time.Time
	audit  *sqldb.AuditLog
}

func newAPIFixture(t testing.TB, db *sqldb.DB) *apiFixture {
	t.Helper()
	f := &apiFixture{db: db, tokens: map[string]string{}, ids: map[string]int64{}, clock: time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.clock }
	users := sqldb.NewUserService(db)
	customers := sqldb.NewCustomerService(db)
	ctx := kam.WithActor(context.Background(), kam.System)
	var supID int64
	for _, u := range []struct {
		key  string
		role kam.Role
	}{{"admin", kam.RoleAdmin}, {"director", kam.RoleDirector}, {"sup", kam.RoleSupervisor}, {"rep1", kam.RoleRep}, {"rep2", kam.RoleRep}, {"finance", kam.RoleFinance}} {
		nu := &kam.User{Email: u.key + "@example.com", Name: u.key, Role: u.role}
		if u.key == "rep1" || u.key == "rep2" {
			nu.SupervisorID = &supID
		}
		if err := users.CreateUser(ctx, nu, "long enough password"); err != nil {
			t.Fatal(err)
		}
		if u.key == "sup" {
			supID = nu.ID
		}
		_, tok, err := users.CreateToken(ctx, kam.NewToken{UserID: nu.ID, Name: "test", TTL: 30 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[u.key], f.ids[u.key] = tok, nu.ID
	}
	for _, c := range []struct{ key, owner, name string }{{"c1", "rep1", "深圳华拓电子科技有限公司"}, {"c2", "rep2", "江苏恒瑞精密机械有限公司"}} {
		cu := &kam.Customer{Name: c.name, Status: "active", Stage: "deepen"}
		if err := customers.CreateCustomer(kam.WithActor(ctx, &kam.Actor{UserID: f.ids[c.owner], Role: kam.RoleRep}), cu); err != nil {
			t.Fatal(err)
		}
		f.ids[c.key] = cu.ID
	}
	ledger := sqldb.NewLedgerService(db, customers)
	f.audit = sqldb.NewAuditLog(db)
	t.Cleanup(func() { f.audit.Close() })
	s := &kamhttp.Server{Customers: customers, Ledger: ledger, Exporter: ledger, Imports: ledger, Users: users, Ping: db.Ping, Version: "test",
		Audit: f.audit, Borrow: sqldb.NewBorrowService(db, customers),
		Handover: sqldb.NewHandoverService(db, customers, users),
		Now:      func() time.Time { return f.clock }}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

type call struct {
	method, path, user, body string
	header                   map[string]string
}

func (f *apiFixture) do(t testing.TB, c call) (*http.Response, string) {
	t.Helper()
	path := c.path
	for k, v := range f.ids {
		path = strings.ReplaceAll(path, "{"+k+"}", itoaTest(v))
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.user != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[c.user])
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func itoaTest(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestAPIScenarios(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		cases := []struct {
			name     string
			call     call
			status   int
			contains []string
		}{
			{"no token", call{method: "GET", path: "/api/v1/customers"}, 401, []string{"bearer"}},
			{"forged token", call{method: "GET", path: "/api/v1/customers", header: map[string]string{"Authorization": "Bearer kam_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, 401, []string{"invalid"}},
			{"openapi is public", call{method: "GET", path: "/api/v1/openapi.json"}, 200, []string{`"openapi":"3.1.0"`, "/api/v1/customers/{id}/history"}},
			{"list as rep1", call{method: "GET", path: "/api/v1/customers", user: "rep1"}, 200, []string{`"total":1`, "华拓"}},
			{"list as director", call{method: "GET", path: "/api/v1/customers?sort=-name", user: "director"}, 200, []string{`"total":2`}},
			{"search chinese substring", call{method: "GET", path: "/api/v1/customers?q=%E7%B2%BE%E5%AF%86", user: "director"}, 200, []string{`"total":1`, "恒瑞"}},
			{"bad sort", call{method: "GET", path: "/api/v1/customers?sort=secret", user: "director"}, 422, []string{"query.sort"}},
			{"limit too large", call{method: "GET", path: "/api/v1/customers?limit=5000", user: "director"}, 422, []string{"query.limit"}},
			{"rep reads another rep's customer", call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1"}, 404, nil},
			{"rep reads own customer", call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"}, 200, []string{`"units":[]`, `"completeness"`}},
			{"finance outside account team", call{method: "GET", path: "/api/v1/customers/{c1}", user: "finance"}, 404, nil},
			{"bad credit code", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"甲公司","credit_code":"91350100M000100Y44"}`}, 422, []string{"body.credit_code", "check character"}},
			{"unknown enum", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"甲公司","status":"vip"}`}, 422, []string{"body.status"}},
			{"unknown field", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"甲公司","colour":"red"}`}, 422, []string{"body.colour"}},
			{"read-only field", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"甲公司","version":7}`}, 422, []string{"body.version"}},
			{"wrong type", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":5}`}, 422, []string{"body.name"}},
			{"malformed json", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"甲`}, 400, []string{"malformed JSON"}},
			{"over-long field", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"` + strings.Repeat("长", 201) + `"}`}, 422, []string{"body.name", "200"}},
			{"wrong content type", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `name=x`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, []string{"header.Content-Type"}},
			{"create", call{method: "POST", path: "/api/v1/customers", user: "rep1", body: `{"name":"福州新客户有限公司","credit_code":"91350100M000100Y43","tags":["新客户"]}`}, 201, []string{`"code":"C`, `"owner_id"`}},
			{"invalid lunar birthday", call{method: "POST", path: "/api/v1/customers/{c1}/contacts", user: "rep1", body: `{"name":"陈明","birthday":{"calendar":"lunar","year":2023,"month":2,"day":30,"leap":true}}`}, 422, []string{"body.birthday"}},
			{"patch without if-match", call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "rep1", body: `{"city":"深圳市"}`}, 428, []string{"header.If-Match"}},
			{"users need admin", call{method: "GET", path: "/api/v1/users", user: "director"}, 403, nil},
			{"users as admin", call{method: "GET", path: "/api/v1/users", user: "admin"}, 200, []string{`"total":6`}},
			{"healthz", call{method: "GET", path: "/healthz"}, 200, []string{"ok"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := f.do(t, tc.call)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
				}
				if tc.status >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") && tc.call.path != "/healthz" {
					t.Errorf("content type %q for an error", resp.Header.Get("Content-Type"))
				}
				for _, s := range tc.contains {
					if !strings.Contains(body, s) {
						t.Errorf("body lacks %q: %s", s, body)
					}
				}
			})
		}
	})
}

func TestAPIIfMatchAndAsOf(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		resp, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"})
		tag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || tag != `"1"` {
			t.Fatalf("get: %d etag %q %s", resp.StatusCode, tag, body)
		}
		before := f.clock
		f.clock = f.clock.Add(time.Hour)
		resp, body = f.do(t, call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "rep1", body: `{"city":"深圳市","tags":["战略客户"]}`, header: map[string]string{"If-Match": tag}})
		if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"2"` || !strings.Contains(body, `"city":"深圳市"`) {
			t.Fatalf("patch: %d %q %s", resp.StatusCode, resp.Header.Get("ETag"), body)
		}
		// The supervisor edits with the stale tag: 412, and nothing changes.
		resp, body = f.do(t, call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "sup", body: `{"city":"广州市"}`, header: map[string]string{"If-Match": tag}})
		if resp.StatusCode != 412 || !strings.Contains(body, "rep1") {
			t.Fatalf("stale patch: %d %s", resp.StatusCode, body)
		}
		// A bad value in a patch is a 422 and changes nothing either.
		resp, body = f.do(t, call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "rep1", body: `{"stage":"heaven"}`, header: map[string]string{"If-Match": `"2"`}})
		if resp.StatusCode != 422 || !strings.Contains(body, "body.stage") {
			t.Fatalf("bad patch: %d %s", resp.StatusCode, body)
		}
		_, body = f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"})
		if !strings.Contains(body, `"city":"深圳市"`) || !strings.Contains(body, `"version":2`) {
			t.Fatalf("after refused patches: %s", body)
		}
		// As of before the edit: the old city; after: the new one.
		_, body = f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}?as_of=" + before.Format(time.RFC3339), user: "rep1"})
		if !strings.Contains(body, `"city":""`) || !strings.Contains(body, `"as_of"`) {
			t.Errorf("as of before: %s", body)
		}
		_, body = f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}?as_of=" + f.clock.Format(time.RFC3339), user: "rep1"})
		if !strings.Contains(body, `"city":"深圳市"`) {
			t.Errorf("as of after: %s", body)
		}
		resp, body = f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}?as_of=yesterday", user: "rep1"})
		if resp.StatusCode != 422 || !strings.Contains(body, "query.as_of") {
			t.Errorf("bad as_of: %d %s", resp.StatusCode, body)
		}
		// The history names who changed which field, newest first.
		_, body = f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}/history", user: "rep1"})
		var h struct {
			Items []kam.Change `json:"items"`
			Total int          `json:"total"`
		}
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatal(err)
		}
		if h.Total != 2 || h.Items[0].Action != "update" || h.Items[0].UserName != "rep1" || len(h.Items[0].Fields) != 2 {
			t.Fatalf("history: %s", body)
		}
		if h.Items[0].Fields[0].Field != "city" || h.Items[0].Fields[0].Old != "" || h.Items[0].Fields[0].New != "深圳市" {
			t.Errorf("city change: %+v", h.Items[0].Fields[0])
		}
		// Units and contacts: create, stale update, delete.
		resp, body = f.do(t, call{method: "POST", path: "/api/v1/customers/{c1}/units", user: "rep1", body: `{"name":"采购部","kind":"department"}`})
		if resp.StatusCode != 201 {
			t.Fatalf("create unit: %d %s", resp.StatusCode, body)
		}
		var unit kam.Unit
		json.Unmarshal([]byte(body), &unit)
		f.ids["unit"] = unit.ID
		resp, body = f.do(t, call{method: "POST", path: "/api/v1/customers/{c1}/contacts", user: "rep1",
			body: `{"name":"陈明","unit_id":` + itoaTest(unit.ID) + `,"purchase_role":"decision_maker","birthday":{"calendar":"lunar","year":1975,"month":8,"day":15,"leap":false},"phones":["13812345678"]}`})
		if resp.StatusCode != 201 {
			t.Fatalf("create contact: %d %s", resp.StatusCode, body)
		}
		resp, _ = f.do(t, call{method: "PATCH", path: "/api/v1/units/{unit}", user: "rep1", body: `{"name":"采购中心"}`, header: map[string]string{"If-Match": `"9"`}})
		if resp.StatusCode != 412 {
			t.Errorf("stale unit patch: %d", resp.StatusCode)
		}
		resp, _ = f.do(t, call{method: "GET", path: "/api/v1/units/{unit}", user: "rep2"})
		if resp.StatusCode != 404 {
			t.Errorf("unit of another rep's customer: %d", resp.StatusCode)
		}
		resp, body = f.do(t, call{method: "DELETE", path: "/api/v1/units/{unit}", user: "rep1", header: map[string]string{"If-Match": `"1"`}})
		if resp.StatusCode != 204 {
			t.Errorf("delete unit: %d %s", resp.StatusCode, body)
		}
		resp, _ = f.do(t, call{method: "DELETE", path: "/api/v1/customers/{c1}", user: "rep1", header: map[string]string{"If-Match": `"2"`}})
		if resp.StatusCode != 403 {
			t.Errorf("rep deletes customer: %d", resp.StatusCode)
		}
	})
}

func TestHealthzWhenDatabaseIsDown(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	audit := sqldb.NewAuditLog(db)
	defer audit.Close()
	s := &kamhttp.Server{Customers: sqldb.NewCustomerService(db), Users: sqldb.NewUserService(db), Ping: db.Ping, Audit: audit}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	db.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 {
		t.Errorf("healthz with a closed database: %d", resp.StatusCode)
	}
}
