package kamhttp_test

import (
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// FuzzCustomerBodies sends hostile bodies to the create and update endpoints of a real server:
// whatever arrives, the answer is a 2xx or a 4xx problem, never a 5xx, and a refused update leaves
// the customer as it was.
func FuzzCustomerBodies(f *testing.F) {
	for _, s := range []string{
		`{"name":"甲公司"}`, `{"name":"甲","credit_code":"91350100M000100Y43","tags":["a","a"],"team":[{"user_id":1}]}`,
		`{"name":null}`, `[]`, `"x"`, `{"name":"a","parent_id":-1}`, `{"name":"a","owner_id":99999}`,
		`{"name":"a","custom_fields":{"":"x"}}`, `{"name":"\u0000"}`, `{"name":"a","founded_on":"2026-02-30"}`,
		`{"name":"a","team":[{"user_id":1,"role":"boss"}]}`, `{"name":1e400}`, `{"name":"a","tags":[1]}`,
		strings.Repeat(`{"a":`, 10000), `{"name":"a","status":"lost","stage":"lost","size":"giant"}`,
	} {
		f.Add(s)
	}
	db := sqldbtest.Open(f, sqldb.SQLite)
	fx := newAPIFixture(f, db)
	f.Fuzz(func(t *testing.T, body string) {
		resp, out := fx.do(t, call{method: "POST", path: "/api/v1/customers", user: "rep1", body: body})
		if resp.StatusCode >= 500 {
			t.Fatalf("create: %d for %q: %s", resp.StatusCode, body, out)
		}
		cur, before := fx.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"})
		resp, out = fx.do(t, call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "rep1", body: body,
			header: map[string]string{"If-Match": cur.Header.Get("ETag")}})
		if resp.StatusCode >= 500 {
			t.Fatalf("update: %d for %q: %s", resp.StatusCode, body, out)
		}
		if resp.StatusCode >= 400 {
			if _, now := fx.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"}); now != before {
				t.Fatalf("a refused update (%d) changed the customer:\n%s\n%s", resp.StatusCode, before, now)
			}
		}
	})
}
