package kamhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func TestUIAudit(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		ctx := context.Background()
		last := func() *kam.AuditEntry {
			t.Helper()
			got, _, err := e.audit.FindAudit(ctx, kam.AuditFilter{Limit: 1})
			if err != nil || len(got) == 0 {
				t.Fatalf("audit log: %v %d", err, len(got))
			}
			return got[0]
		}
		rep := e.user(kam.RoleRep, 0)
		dir := e.user(kam.RoleDirector, 0)

		// A failed login names the e-mail tried, never the password.
		anon := e.browser()
		page := anon.get("/login")
		anon.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "email": {rep.Email}, "password": {"wrong password 123"}})
		if l := last(); l.Action != kam.AuditLoginFailure || l.ActorEmail != rep.Email || strings.Contains(fmt.Sprint(l.Detail), "wrong password") || l.RemoteAddr != "127.0.0.1" {
			t.Errorf("failed login entry: %+v", l)
		}

		rb := e.browser()
		rb.login(rep.Email)
		if l := last(); l.Action != kam.AuditLoginSuccess || l.ActorID != rep.ID {
			t.Errorf("login entry: %+v", l)
		}
		// The rep's own file: no entry. The rep may not read the log, and sees no link to it.
		var own *kam.Customer
		for _, c := range e.p.Customers {
			if c.OwnerID == rep.ID {
				own = c
				break
			}
		}
		before := last().ID
		if r := rb.get(fmt.Sprintf("/customers/%d?tab=org", own.ID)); r.status != 200 {
			t.Fatalf("rep's own card: %d", r.status)
		}
		if last().ID != before {
			t.Errorf("the owner's view was recorded: %+v", last())
		}
		r := rb.get("/audit")
		if r.status != http.StatusForbidden {
			t.Errorf("rep reads /audit: %d", r.status)
		}
		if r := rb.get("/audit/export"); r.status != http.StatusForbidden || strings.Contains(r.body, "login.success") {
			t.Errorf("rep exports the audit log: %d", r.status)
		}
		mustNotContain(t, "rep's nav", rb.get("/customers").body, `href="/audit"`)

		// The director's view of the rep's file, on a tab: one entry naming the tab.
		db2 := e.browser()
		db2.login(dir.Email)
		if r := db2.get(fmt.Sprintf("/customers/%d?tab=history", own.ID)); r.status != 200 {
			t.Fatalf("director's card: %d", r.status)
		}
		if l := last(); l.Action != kam.AuditCustomerView || l.ActorID != dir.ID || l.CustomerID == nil || *l.CustomerID != own.ID || l.Detail["tab"] != "history" {
			t.Errorf("director's view entry: %+v", l)
		}

		// The director reads the log, filtered; the page links the customer and offers the export.
		r = db2.get(fmt.Sprintf("/audit?customer_id=%d&action=customer.view", own.ID))
		if r.status != 200 {
			t.Fatalf("/audit: %d %s", r.status, truncate(r.body, 2000))
		}
		mustContain(t, "audit page", r.body, `href="/audit"`, "审计日志", dir.Email, own.Name, "查看客户资料", "127.0.0.1", `id="audit-export"`,
			"/audit/export?action=customer.view&amp;customer_id=")
		mustNotContain(t, "audit page", r.body, rep.Email) // the rep's login is not about this customer
		r = db2.get("/audit?from=2026-02-30&action=steal")
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad filters: %d", r.status)
		}
		mustContain(t, "bad filters", r.body, `id="filter-errors"`, "起始日期", "无效")
		mustNotContain(t, "bad filters", r.body, `id="audit-export"`)

		// The export holds what the filter selects and is recorded with its row count.
		r = db2.get(fmt.Sprintf("/audit/export?customer_id=%d", own.ID))
		if r.status != 200 || !strings.HasPrefix(r.body, "\ufeffid,at,") || !strings.Contains(r.body, dir.Email) {
			t.Fatalf("audit export: %d %q", r.status, truncate(r.body, 500))
		}
		if l := last(); l.Action != kam.AuditExport || l.Detail["kind"] != "audit" || fmt.Sprint(l.Detail["rows"]) != "1" || l.CustomerID == nil {
			t.Errorf("audit export entry: %+v", l)
		}
		// A list export records its kind and rows.
		if r := db2.get("/export/customers?format=csv"); r.status != 200 {
			t.Fatalf("customers export: %d", r.status)
		}
		if l := last(); l.Action != kam.AuditExport || l.Detail["kind"] != "customers" || fmt.Sprint(l.Detail["rows"]) != fmt.Sprint(len(e.p.Customers)) {
			t.Errorf("customers export entry: %+v", l)
		}
		// English.
		db2.get("/lang/en")
		mustContain(t, "audit page in English", db2.get("/audit").body, "Audit log", "Export CSV", "Viewed a customer file")
	})
}
