package kamhttp_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestAPIBorrowing walks a loan through the API in order: bad requests, the request, bad and
// good decisions, the grant's limits, expiry on the server's clock, and the settings.
func TestAPIBorrowing(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		start := f.clock
		long := strings.Repeat("长", 501)
		steps := []struct {
			name     string
			call     call
			status   int
			contains []string
			lacks    []string
		}{
			{"rep1 cannot see rep2's file", call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1"}, 404, nil, nil},
			{"unknown customer", call{method: "POST", path: "/api/v1/customers/99999/borrow-requests", user: "rep1", body: `{"reason":"跟进"}`}, 404, []string{"customer not found"}, nil},
			{"not an id", call{method: "POST", path: "/api/v1/customers/abc/borrow-requests", user: "rep1", body: `{"reason":"跟进"}`}, 404, nil, nil},
			{"unknown code", call{method: "POST", path: "/api/v1/customers/NOPE/borrow-requests?by=code", user: "rep1", body: `{"reason":"跟进"}`}, 404, nil, nil},
			{"own file", call{method: "POST", path: "/api/v1/customers/{c1}/borrow-requests", user: "rep1", body: `{"reason":"跟进"}`}, 409, []string{"already in your scope"}, nil},
			{"director sees all", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "director", body: `{"reason":"跟进"}`}, 409, []string{"already in your scope"}, nil},
			{"no reason", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"days":2}`}, 422, []string{"reason"}, nil},
			{"blank reason", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"   "}`}, 422, []string{"body.reason"}, nil},
			{"long reason", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"` + long + `"}`}, 422, []string{"body.reason"}, nil},
			{"days over the maximum", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟进","days":31}`}, 422, []string{"body.days", "30"}, nil},
			{"days out of range", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟进","days":-2}`}, 422, []string{"body.days"}, nil},
			{"unknown right", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟进","scope":["delete"]}`}, 422, []string{"body.scope"}, nil},
			{"scope not a list", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟进","scope":"view"}`}, 422, []string{"body.scope"}, nil},
			{"unknown field", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟进","colour":"red"}`}, 422, []string{"colour"}, nil},
			{"malformed json", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"跟`}, 400, nil, nil},
			{"nothing was stored", call{method: "GET", path: "/api/v1/borrow-requests", user: "director"}, 200, []string{`"total":0`}, nil},
			{"request by code", call{method: "POST", path: "/api/v1/customers/C000002/borrow-requests?by=code", user: "rep1", body: `{"reason":"客户投诉跟进","days":2,"scope":["view"]}`},
				201, []string{`"state":"pending"`, `"customer_code":"C000002"`, `"customer_name":"江苏恒瑞精密机械有限公司"`, `"scope":["view"]`, `"days":2`},
				[]string{`"owner_id"`, `"stage"`, `"status":"active"`}},
			{"asked twice", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"再来"}`}, 409, []string{"pending"}, nil},
			{"still hidden while pending", call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1"}, 404, nil, nil},
			{"a rep approves", call{method: "POST", path: "/api/v1/borrow-requests/{req}/approve", user: "rep1"}, 403, []string{"may not approve"}, nil},
			{"the owner is no approver", call{method: "POST", path: "/api/v1/borrow-requests/{req}/approve", user: "rep2"}, 403, nil, nil},
			{"finance is no approver", call{method: "POST", path: "/api/v1/borrow-requests/{req}/refuse", user: "finance"}, 403, nil, nil},
			{"the owner does not see the request", call{method: "GET", path: "/api/v1/borrow-requests/{req}", user: "rep2"}, 404, nil, nil},
			// A supervisor borrows a director's file: deciding it themselves is refused by the rules.
			{"a director's file", call{method: "POST", path: "/api/v1/customers", user: "director", body: `{"name":"总监直管客户有限公司"}`}, 201, nil, nil},
			{"the supervisor asks for it", call{method: "POST", path: "/api/v1/customers/C000003/borrow-requests?by=code", user: "sup", body: `{"reason":"交叉销售"}`}, 201, []string{`"state":"pending"`}, nil},
			{"approve own request", call{method: "POST", path: "/api/v1/borrow-requests/{supreq}/approve", user: "sup"}, 403, []string{"own"}, nil},
			{"unknown request", call{method: "POST", path: "/api/v1/borrow-requests/99999/approve", user: "sup"}, 404, nil, nil},
			{"note too long", call{method: "POST", path: "/api/v1/borrow-requests/{req}/approve", user: "sup", body: `{"note":"` + long + `"}`}, 422, []string{"note"}, nil},
			{"supervisor approves", call{method: "POST", path: "/api/v1/borrow-requests/{req}/approve", user: "sup", body: `{"note":"同意"}`}, 200,
				[]string{`"state":"approved"`, `"expires_at":"` + start.Add(48*time.Hour).Format(time.RFC3339) + `"`, `"decider_name":"sup"`}, nil},
			{"approve twice", call{method: "POST", path: "/api/v1/borrow-requests/{req}/approve", user: "director"}, 409, []string{"already approved"}, nil},
			{"refuse an approved one", call{method: "POST", path: "/api/v1/borrow-requests/{req}/refuse", user: "sup"}, 409, nil, nil},
			{"the file through the grant", call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1"}, 200, []string{"恒瑞"}, nil},
			{"listed and searched", call{method: "GET", path: "/api/v1/customers?q=%E6%81%92%E7%91%9E", user: "rep1"}, 200, []string{`"total":1`}, nil},
			{"list total", call{method: "GET", path: "/api/v1/customers", user: "rep1"}, 200, []string{`"total":2`}, nil},
			{"no edit through a view grant", call{method: "PATCH", path: "/api/v1/customers/{c2}", user: "rep1", body: `{"city":"南京市"}`, header: map[string]string{"If-Match": `"1"`}}, 403, []string{"editing"}, nil},
			{"no export through a view grant", call{method: "GET", path: "/api/v1/export/contacts?customer_id={c2}&q=zz&format=csv", user: "rep1"}, 403, []string{"export"}, nil},
			{"own requests", call{method: "GET", path: "/api/v1/borrow-requests?mine=true", user: "rep1"}, 200, []string{`"total":1`}, nil},
			{"nothing left to decide", call{method: "GET", path: "/api/v1/borrow-requests?to_decide=true&state=pending", user: "sup"}, 200, []string{`"total":0`}, nil},
			{"in force", call{method: "GET", path: "/api/v1/borrow-requests?state=approved", user: "director"}, 200, []string{`"total":1`}, nil},
			{"pending", call{method: "GET", path: "/api/v1/borrow-requests?state=pending", user: "director"}, 200, []string{`"total":1`}, nil},
			{"uninvolved rep sees none", call{method: "GET", path: "/api/v1/borrow-requests", user: "rep2"}, 200, []string{`"total":0`}, nil},
			{"bad state", call{method: "GET", path: "/api/v1/borrow-requests?state=lost", user: "director"}, 422, []string{"query.state"}, nil},
			{"return someone else's grant", call{method: "POST", path: "/api/v1/borrow-requests/{req}/return", user: "sup"}, 403, []string{"borrower"}, nil},
			{"at expiry the file is gone", call{method: "GET", path: "/api/v1/customers/{c2}", user: "rep1", header: map[string]string{"X-Clock": "48h"}}, 404, nil, nil},
			{"and gone from the list", call{method: "GET", path: "/api/v1/customers", user: "rep1"}, 200, []string{`"total":1`}, nil},
			{"expired", call{method: "GET", path: "/api/v1/borrow-requests?state=expired", user: "rep1"}, 200, []string{`"total":1`, `"state":"expired"`}, nil},
			{"return an expired grant", call{method: "POST", path: "/api/v1/borrow-requests/{req}/return", user: "rep1"}, 409, []string{"expired"}, nil},
			{"settings", call{method: "GET", path: "/api/v1/borrow-settings", user: "rep1"}, 200, []string{`"max_days":30`}, nil},
			{"settings need an admin", call{method: "PUT", path: "/api/v1/borrow-settings", user: "director", body: `{"max_days":7}`}, 403, nil, nil},
			{"settings out of range", call{method: "PUT", path: "/api/v1/borrow-settings", user: "admin", body: `{"max_days":0}`}, 422, []string{"max_days"}, nil},
			{"settings unknown field", call{method: "PUT", path: "/api/v1/borrow-settings", user: "admin", body: `{"max_days":7,"min_days":1}`}, 422, []string{"min_days"}, nil},
			{"settings saved", call{method: "PUT", path: "/api/v1/borrow-settings", user: "admin", body: `{"max_days":7}`}, 200, []string{`"max_days":7`}, nil},
			{"the new maximum holds", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"再借","days":8}`}, 422, []string{"body.days", "7"}, nil},
			{"a second loan with every right", call{method: "POST", path: "/api/v1/customers/{c2}/borrow-requests", user: "rep1", body: `{"reason":"年度对账","scope":["export","edit"]}`},
				201, []string{`"scope":["view","export","edit"]`, `"days":3`}, nil},
			{"the document", call{method: "GET", path: "/api/v1/openapi.json"}, 200, []string{"/api/v1/borrow-requests/{id}/approve", "/api/v1/customers/{id}/borrow-requests"}, nil},
		}
		for _, st := range steps {
			if d, ok := st.call.header["X-Clock"]; ok {
				dur, _ := time.ParseDuration(d)
				f.clock = start.Add(dur)
			}
			resp, body := f.do(t, st.call)
			if resp.StatusCode != st.status {
				t.Fatalf("%s: status %d, want %d: %s", st.name, resp.StatusCode, st.status, body)
			}
			for _, s := range st.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s: body lacks %q: %s", st.name, s, body)
				}
			}
			for _, s := range st.lacks {
				if strings.Contains(body, s) {
					t.Errorf("%s: body shows %q: %s", st.name, s, body)
				}
			}
			if st.name == "the supervisor asks for it" {
				var b struct{ ID int64 }
				json.Unmarshal([]byte(body), &b)
				f.ids["supreq"] = b.ID
			}
			if st.name == "request by code" {
				var b struct{ ID int64 }
				json.Unmarshal([]byte(body), &b)
				f.ids["req"] = b.ID
				if loc := resp.Header.Get("Location"); loc != "/api/v1/borrow-requests/"+itoaTest(b.ID) {
					t.Errorf("location %q", loc)
				}
			}
		}
	})
}
