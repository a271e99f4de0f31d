package kamhttp_test

import (
	"context"
	"encoding/json"
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

func TestAuditAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		// Some history: a director's view, a supervisor's view, an export.
		for _, c := range []call{
			{method: "GET", path: "/api/v1/customers/{c1}", user: "director"},
			{method: "GET", path: "/api/v1/customers/{c2}", user: "sup"},
			{method: "GET", path: "/api/v1/export/customers", user: "director"},
		} {
			if resp, body := f.do(t, c); resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
			}
		}
		cases := []struct {
			name     string
			call     call
			status   int
			contains []string
			lacks    []string
		}{
			{"no token", call{method: "GET", path: "/api/v1/audit"}, 401, nil, nil},
			{"admin", call{method: "GET", path: "/api/v1/audit", user: "admin"}, 200, []string{`"total":3`, `"actor_email":"director@example.com"`, `"action":"export"`, `"remote_addr":"127.0.0.1"`, `"hash":"`}, nil},
			{"director, by customer", call{method: "GET", path: "/api/v1/audit?customer_id={c2}", user: "director"}, 200, []string{`"total":1`, `"actor_email":"sup@example.com"`}, []string{"director@example.com"}},
			{"by user e-mail", call{method: "GET", path: "/api/v1/audit?user=sup@example.com", user: "director"}, 200, []string{`"total":1`}, nil},
			{"by user id", call{method: "GET", path: "/api/v1/audit?user={director}", user: "director"}, 200, []string{`"total":2`}, nil},
			{"by action", call{method: "GET", path: "/api/v1/audit?action=export", user: "director"}, 200, []string{`"total":1`, `"rows":2`}, nil},
			{"by dates", call{method: "GET", path: "/api/v1/audit?from=2026-05-01&to=2026-05-01", user: "director"}, 200, []string{`"total":3`}, nil},
			{"dates before", call{method: "GET", path: "/api/v1/audit?to=2026-04-30", user: "director"}, 200, []string{`"total":0`, `"items":[]`}, nil},
			{"paging", call{method: "GET", path: "/api/v1/audit?limit=1&offset=1", user: "director"}, 200, []string{`"total":3`, `"limit":1`, `"offset":1`, `"action":"customer.view"`, `"actor_email":"sup@example.com"`}, nil},
			// Hostile filters: 422 naming the parameter.
			{"unknown action", call{method: "GET", path: "/api/v1/audit?action=customer.steal", user: "director"}, 422, []string{`"location":"query.action"`}, nil},
			{"bad from", call{method: "GET", path: "/api/v1/audit?from=2026-13-45", user: "director"}, 422, []string{`"location":"query.from"`}, nil},
			{"bad to", call{method: "GET", path: "/api/v1/audit?to=yesterday", user: "director"}, 422, []string{`"location":"query.to"`}, nil},
			{"to before from", call{method: "GET", path: "/api/v1/audit?from=2026-05-02&to=2026-05-01", user: "director"}, 422, []string{`"location":"query.to"`, "before from"}, nil},
			{"huge from", call{method: "GET", path: "/api/v1/audit?from=" + strings.Repeat("9", 500), user: "director"}, 422, []string{"query.from"}, nil},
			{"customer not a number", call{method: "GET", path: "/api/v1/audit?customer_id=abc", user: "director"}, 422, []string{"query.customer_id"}, nil},
			{"negative customer", call{method: "GET", path: "/api/v1/audit?customer_id=-3", user: "director"}, 422, []string{"query.customer_id"}, nil},
			{"limit too big", call{method: "GET", path: "/api/v1/audit?limit=5000", user: "director"}, 422, []string{"query.limit"}, nil},
			{"negative offset", call{method: "GET", path: "/api/v1/audit?offset=-1", user: "director"}, 422, []string{"query.offset"}, nil},
			{"export, bad action", call{method: "GET", path: "/api/v1/audit/export?action=x", user: "director"}, 422, []string{"query.action"}, nil},
			{"export, bad encoding", call{method: "GET", path: "/api/v1/audit/export?encoding=latin1", user: "director"}, 422, []string{"query.encoding"}, nil},
			// No route edits or deletes an entry.
			{"delete the log", call{method: "DELETE", path: "/api/v1/audit", user: "admin"}, 404, nil, nil},
			{"post an entry", call{method: "POST", path: "/api/v1/audit", user: "admin", body: `{"action":"export"}`}, 404, nil, nil},
			{"patch an entry", call{method: "PATCH", path: "/api/v1/audit/1", user: "admin", body: `{}`}, 404, nil, nil},
			{"delete an entry", call{method: "DELETE", path: "/api/v1/audit/1", user: "admin"}, 404, nil, nil},
		}
		for _, c := range cases {
			resp, body := f.do(t, c.call)
			if resp.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
				continue
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s: body lacks %s: %s", c.name, s, body)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(body, s) {
					t.Errorf("%s: body holds %s: %s", c.name, s, body)
				}
			}
		}
		// Nothing above changed the log but the export below: 3 entries, then the export's own.
		before := len(f.entries(t, kam.AuditFilter{}))
		if before != 3 {
			t.Fatalf("the reads changed the log: %d entries", before)
		}
		resp, body := f.do(t, call{method: "GET", path: "/api/v1/audit/export?action=customer.view", user: "admin"})
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeffid,at,actor_id,actor_email,action") || strings.Count(body, "\r\n") != 3 ||
			!strings.Contains(body, "sup@example.com") || strings.Contains(body, ",export,") {
			t.Fatalf("audit export: %d %q", resp.StatusCode, body)
		}
		if e := f.lastEntry(t); e.Action != kam.AuditExport || e.Detail["kind"] != "audit" || fmt.Sprint(e.Detail["rows"]) != "2" ||
			fmt.Sprint(e.Detail["filters"]) != "map[action:customer.view]" || e.ActorEmail != "admin@example.com" {
			t.Errorf("the audit export's entry: %+v", e)
		}
		// Others may not read or export it: 403, and the attempt is recorded.
		for _, c := range []call{
			{method: "GET", path: "/api/v1/audit", user: "rep1"},
			{method: "GET", path: "/api/v1/audit?action=customer.view", user: "sup"},
			{method: "GET", path: "/api/v1/audit/export", user: "finance"},
		} {
			resp, body := f.do(t, c)
			if resp.StatusCode != 403 || strings.Contains(body, "customer.view\"") || strings.Contains(body, "hash") {
				t.Errorf("%s reads %s: %d %s", c.user, c.path, resp.StatusCode, body)
			}
			if e := f.lastEntry(t); e.Action != kam.AuditDenied || e.ActorID != f.ids[c.user] {
				t.Errorf("%s's refused read is not recorded: %+v", c.user, e)
			}
		}
	})
}

// TestAuditPartViews: every API read of a part of a customer's file (history, units, contacts,
// one unit or contact, monthly sales, share of wallet, classes) by someone other than the owner
// is recorded as a view naming the part; the owner's own reads are not.
func TestAuditPartViews(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		c1 := f.ids["c1"]
		resp, body := f.do(t, call{method: "POST", path: "/api/v1/customers/{c1}/units", user: "rep1", body: `{"name":"采购部","kind":"department"}`})
		if resp.StatusCode != 201 {
			t.Fatalf("create unit: %d %s", resp.StatusCode, body)
		}
		var unit kam.Unit
		json.Unmarshal([]byte(body), &unit)
		f.ids["unit"] = unit.ID
		resp, body = f.do(t, call{method: "POST", path: "/api/v1/customers/{c1}/contacts", user: "rep1", body: `{"name":"陈明"}`})
		if resp.StatusCode != 201 {
			t.Fatalf("create contact: %d %s", resp.StatusCode, body)
		}
		var contact kam.Contact
		json.Unmarshal([]byte(body), &contact)
		f.ids["contact"] = contact.ID
		for _, c := range []struct{ path, part string }{
			{"/api/v1/customers/{c1}/history", "history"},
			{"/api/v1/customers/{c1}/units", "units"},
			{"/api/v1/customers/{c1}/contacts", "contacts"},
			{"/api/v1/units/{unit}", "unit"},
			{"/api/v1/contacts/{contact}", "contact"},
			{"/api/v1/customers/{c1}/sales", "sales"},
			{"/api/v1/customers/{c1}/wallet", "wallet"},
			{"/api/v1/customers/{c1}/classes", "classes"},
			{"/api/v1/customers/{c1}/key-account", "key_account"},
			{"/api/v1/customers/{c1}/behaviour", "behaviour"},
		} {
			t.Run(c.part, func(t *testing.T) {
				if resp, body := f.do(t, call{method: "GET", path: c.path, user: "director"}); resp.StatusCode != 200 {
					t.Fatalf("director: %d %s", resp.StatusCode, body)
				}
				e := f.lastEntry(t)
				if e.Action != kam.AuditCustomerView || e.ActorID != f.ids["director"] || e.CustomerID == nil || *e.CustomerID != c1 || e.Detail["part"] != c.part {
					t.Errorf("entry after the director's read: %+v", e)
				}
				before := len(f.entries(t, kam.AuditFilter{}))
				if resp, body := f.do(t, call{method: "GET", path: c.path, user: "rep1"}); resp.StatusCode != 200 {
					t.Fatalf("owner: %d %s", resp.StatusCode, body)
				}
				if n := len(f.entries(t, kam.AuditFilter{})); n != before {
					t.Errorf("the owner's read was recorded: %+v", f.lastEntry(t))
				}
			})
		}
	})
}
