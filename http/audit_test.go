package kamhttp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// entries returns the audit entries f selects, newest first.
func (f *apiFixture) entries(t testing.TB, filter kam.AuditFilter) []*kam.AuditEntry {
	t.Helper()
	filter.Limit = 1000
	got, _, err := f.audit.FindAudit(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (f *apiFixture) lastEntry(t testing.TB) *kam.AuditEntry {
	t.Helper()
	got := f.entries(t, kam.AuditFilter{})
	if len(got) == 0 {
		t.Fatal("the audit log is empty")
	}
	return got[0]
}

func TestAuditRecording(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		c1, c2 := f.ids["c1"], f.ids["c2"]
		count := func() int { return len(f.entries(t, kam.AuditFilter{})) }

		// The director's view of rep1's file is recorded, with who, what and from where.
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "director"}); resp.StatusCode != 200 {
			t.Fatalf("director reads c1: %d %s", resp.StatusCode, body)
		}
		e := f.lastEntry(t)
		if e.Action != kam.AuditCustomerView || e.ActorID != f.ids["director"] || e.ActorEmail != "director@example.com" ||
			e.ObjectType != "customer" || e.ObjectID != c1 || e.CustomerID == nil || *e.CustomerID != c1 || e.RemoteAddr != "127.0.0.1" {
			t.Errorf("view entry: %+v", e)
		}
		// The owner's own view is not.
		before := count()
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"}); resp.StatusCode != 200 {
			t.Fatalf("owner reads c1: %d", resp.StatusCode)
		}
		if count() != before {
			t.Errorf("the owner's view was recorded: %+v", f.lastEntry(t))
		}
		// The card as of a moment is a view too, and says which moment.
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}?as_of=2026-05-01", user: "sup"}); resp.StatusCode != 200 {
			t.Fatalf("as_of: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditCustomerView || e.ActorID != f.ids["sup"] || e.Detail["as_of"] != "2026-05-01T15:59:59.999999999Z" {
			t.Errorf("as_of view entry: %+v", e)
		}
		// A file outside the caller's scope: 404, and the attempt is recorded.
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1"}); resp.StatusCode != 404 {
			t.Fatalf("rep1 reads c2: %d", resp.StatusCode)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditDenied || e.ActorID != f.ids["rep1"] || e.CustomerID == nil || *e.CustomerID != c2 {
			t.Errorf("denied entry: %+v", e)
		}

		// A change names the fields changed, not their values.
		resp, body := f.do(t, call{method: "PATCH", path: "/api/v1/customers/{c1}", user: "rep1", body: `{"industry":"电子"}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}})
		if resp.StatusCode != 200 {
			t.Fatalf("patch: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditCustomerUpdate || e.ObjectID != c1 || fmt.Sprint(e.Detail["fields"]) != "[industry]" {
			t.Errorf("update entry: %+v", e)
		}
		resp, body = f.do(t, call{method: "POST", path: "/api/v1/customers/{c1}/contacts", user: "rep1", body: `{"name":"王经理"}`})
		if resp.StatusCode != 201 {
			t.Fatalf("create contact: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditCustomerCreate || e.ObjectType != "contact" || e.CustomerID == nil || *e.CustomerID != c1 {
			t.Errorf("contact entry: %+v", e)
		}

		// An export names its kind, filters and rows.
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/export/customers?format=csv", user: "director"}); resp.StatusCode != 200 {
			t.Fatalf("export: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditExport || e.Detail["kind"] != "customers" || fmt.Sprint(e.Detail["rows"]) != "2" {
			t.Errorf("export entry: %+v", e)
		}
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/export/contacts?customer_id={c1}", user: "rep1"}); resp.StatusCode != 200 {
			t.Fatalf("export contacts: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditExport || e.CustomerID == nil || *e.CustomerID != c1 || fmt.Sprint(e.Detail["rows"]) != "1" {
			t.Errorf("export of one customer's contacts: %+v", e)
		}
		// A rep exporting another's customer: 404, and the attempt is recorded.
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/export/contacts?customer_id={c2}", user: "rep1"}); resp.StatusCode != 404 {
			t.Errorf("rep exports c2: %d", resp.StatusCode)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditDenied || e.ObjectType != "export" || e.CustomerID == nil || *e.CustomerID != c2 {
			t.Errorf("denied export entry: %+v", e)
		}

		// A forged token: 401, and the attempt is recorded (never the token).
		req := call{method: "GET", path: "/api/v1/customers", header: map[string]string{"Authorization": "Bearer " + sqldb.TokenPrefix + "forged"}}
		if resp, _ := f.do(t, req); resp.StatusCode != 401 {
			t.Errorf("forged token: %d", resp.StatusCode)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditDenied || e.ObjectType != "token" || strings.Contains(fmt.Sprint(e.Detail), "forged") {
			t.Errorf("forged token entry: %+v", e)
		}

		// A user's role change is recorded with the old and new role.
		resp, body = f.do(t, call{method: "PATCH", path: "/api/v1/users/{rep2}", user: "admin", body: `{"role":"kam"}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}})
		if resp.StatusCode != 200 {
			t.Fatalf("role change: %d %s", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditUserUpdate || e.ObjectID != f.ids["rep2"] || fmt.Sprint(e.Detail["role"]) != "map[new:kam old:rep]" {
			t.Errorf("role change entry: %+v", e)
		}

		rep, err := f.audit.Verify(context.Background())
		if err != nil || len(rep.Problems) > 0 {
			t.Fatalf("verify: %v %v", err, rep.Problems)
		}

		// When the log cannot record, a view is not answered; the owner's unrecorded view is.
		f.audit.Close()
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "director"}); resp.StatusCode != 500 || strings.Contains(body, "深圳") {
			t.Errorf("view without an audit log: %d %s", resp.StatusCode, body)
		}
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep1"}); resp.StatusCode != 200 {
			t.Errorf("owner's view without an audit log: %d", resp.StatusCode)
		}
	})
}
