package kamhttp_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// The analytics routes keep each period's sorted list of customers in the memo and take one page
// of it per request: paging through a list gives the rows of the whole list, in its order; a
// write that changes the inputs (a manual score, a new order) changes the answers, and paging
// over the new lists agrees with them again.
func TestMemoizedListsPageAndFollowWrites(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		csv := map[string]string{"Content-Type": "text/csv"}
		importOrders := func(lines string) {
			t.Helper()
			body := "order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,unit_cost\n" + lines
			if resp, out := f.do(t, call{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: body, header: csv}); resp.StatusCode != 200 {
				t.Fatalf("import: %d %s", resp.StatusCode, out)
			}
		}
		// 23 customers besides the fixture's two: revenue, months, prior year and margin vary, and some revenues tie, so
		// that each list has an order of its own and its groups hold several customers.
		var lines strings.Builder
		for i := 1; i <= 23; i++ {
			code := fmt.Sprintf("M%02d", i)
			for m := 1; m <= 1+i%3; m++ {
				fmt.Fprintf(&lines, "O-%d-%d,2026-%02d-03,%s,客户%02d有限公司,P%d,产品,类%d,%d,%d,%d\n", i, m, m, code, i, i%2, i%4, 1+i%5, 100*(i%7+1), 40*(i%3+1))
			}
			if i%4 != 0 {
				fmt.Fprintf(&lines, "Q-%d,2025-02-03,%s,客户%02d有限公司,P1,产品,类1,%d,100,50\n", i, code, i, 1+i%6)
			}
		}
		importOrders(lines.String())

		// list reads a route's whole list in one page, then page by page, and reports both.
		type list struct {
			Total int               `json:"total"`
			Items []json.RawMessage `json:"items"`
		}
		get := func(path string) (string, list) {
			t.Helper()
			resp, body := f.do(t, call{method: "GET", path: path, user: "director"})
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			var out struct {
				Customers list `json:"customers"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatalf("%s: %v: %s", path, err, body)
			}
			return body, out.Customers
		}
		lists := func(path string) (string, []string) {
			t.Helper()
			body, whole := get(path + "&limit=1000")
			if whole.Total != len(whole.Items) {
				t.Fatalf("%s: total %d, %d items", path, whole.Total, len(whole.Items))
			}
			var paged []string
			for offset := 0; offset < whole.Total+4; offset += 4 {
				_, p := get(fmt.Sprintf("%s&limit=4&offset=%d", path, offset))
				if p.Total != whole.Total {
					t.Fatalf("%s offset %d: total %d, the whole list's %d", path, offset, p.Total, whole.Total)
				}
				for _, it := range p.Items {
					paged = append(paged, string(it))
				}
			}
			var rows []string
			for _, it := range whole.Items {
				rows = append(rows, string(it))
			}
			if strings.Join(paged, "\n") != strings.Join(rows, "\n") {
				t.Errorf("%s: pages\n%s\nthe whole list\n%s", path, strings.Join(paged, "\n"), strings.Join(rows, "\n"))
			}
			return body, rows
		}
		q := "from=2026-01&to=2026-03"
		paths := []string{"/api/v1/analytics/scorecard?" + q, "/api/v1/analytics/scorecard?" + q + "&state=proposed",
			"/api/v1/analytics/portfolio?" + q, "/api/v1/analytics/portfolio?" + q + "&quadrant=minimise",
			"/api/v1/analytics/lamp?" + q, "/api/v1/analytics/lamp?" + q + "&group=other",
			"/api/v1/analytics/loyalty?" + q, "/api/v1/analytics/loyalty?" + q + "&group=no_brand",
			"/api/v1/analytics/growth?" + q, "/api/v1/analytics/clv?" + q, "/api/v1/analytics/tiers?" + q, "/api/v1/analytics/rfm?" + q}
		before := map[string]string{}
		for _, p := range paths {
			body, rows := lists(p)
			before[p] = body
			if !strings.HasSuffix(p, q) && len(rows) == 0 {
				t.Errorf("%s: no customers", p)
			}
			if strings.HasSuffix(p, q) && len(rows) != 25 {
				t.Errorf("%s: %d customers, want 25", p, len(rows))
			}
		}
		// Asked again, the answers are the same.
		for _, p := range paths {
			if body, _ := lists(p); body != before[p] {
				t.Errorf("%s changed without a write:\n%s\n%s", p, before[p], body)
			}
		}

		// Manual scores raise the total of the customer with the lowest one, and move it up.
		sc := "/api/v1/analytics/scorecard?" + q
		type scored struct {
			ID    int64  `json:"customer_id"`
			Total string `json:"total"`
		}
		_, rows := lists(sc)
		var last scored
		if err := json.Unmarshal([]byte(rows[len(rows)-1]), &last); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"goal_impact", "loss_damage"} {
			body := `{"criterion":"` + c + `","score":5,"reason":"战略客户"}`
			path := fmt.Sprintf("/api/v1/customers/%d/key-account/scores", last.ID)
			if resp, out := f.do(t, call{method: "POST", path: path, user: "director", body: body, header: map[string]string{"Content-Type": "application/json"}}); resp.StatusCode != 200 {
				t.Fatalf("score: %d %s", resp.StatusCode, out)
			}
		}
		body, rows := lists(sc)
		if body == before[sc] {
			t.Fatalf("the scorecard did not change after manual scores")
		}
		for i, r := range rows {
			var k scored
			if err := json.Unmarshal([]byte(r), &k); err != nil {
				t.Fatal(err)
			}
			if k.ID == last.ID && (i == len(rows)-1 || k.Total <= last.Total) {
				t.Errorf("after scoring customer %d (total %s) by hand, it is at %d of %d with total %s", last.ID, last.Total, i+1, len(rows), k.Total)
			}
		}

		// A new order of the smallest customer makes it the largest.
		lamp := "/api/v1/analytics/lamp?" + q
		_, rows = lists(lamp)
		var small struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal([]byte(rows[len(rows)-1]), &small); err != nil {
			t.Fatal(err)
		}
		importOrders("BIG-1,2026-03-20," + small.Code + ",,P1,产品,类1,100,1000,100\n")
		for _, p := range paths {
			if body, _ := lists(p); body == before[p] && !strings.Contains(p, "scorecard") {
				t.Errorf("%s did not change after a new order", p)
			}
		}
		_, rows = lists(lamp)
		if !strings.Contains(rows[0], `"code":"`+small.Code+`","rank":1,`) || !strings.Contains(rows[0], `"lamp":"core"`) {
			t.Errorf("after its large order, %s is not the first core customer: %s", small.Code, rows[0])
		}
		if _, rows = lists("/api/v1/analytics/clv?" + q); !strings.Contains(rows[0], `"code":"`+small.Code+`"`) {
			t.Errorf("after its large order, %s has not the largest lifetime value: %s", small.Code, rows[0])
		}
	})
}
