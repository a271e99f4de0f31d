package kamhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestLedgerAPI imports orders through the API and reads them back as each role.
func TestLedgerAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		code := func(key string) string {
			_, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{" + key + "}", user: "admin"})
			var c struct{ Code string }
			json.Unmarshal([]byte(body), &c)
			return c.Code
		}
		c1, c2 := code("c1"), code("c2")
		csvFile := "order_no,order_date,customer_code,product_code,product_name,quantity,unit_price,cost\n" +
			"SO-1,2026-03-02," + c1 + ",P1,电机,2,1500.5,2000\n" +
			"SO-1,2026-03-02," + c1 + ",P2,轴承,10,12.34,80\n" +
			"SO-2,2026-04-10," + c2 + ",P1,电机,1,1499,1000\n"
		csvHeader := map[string]string{"Content-Type": "text/csv"}
		bad := strings.Replace(csvFile, "10,12.34", "ten,12.34", 1)
		orderID := func() string {
			_, body := f.do(t, call{method: "GET", path: "/api/v1/orders?q=SO-2", user: "admin"})
			var p struct{ Items []struct{ ID int64 } }
			json.Unmarshal([]byte(body), &p)
			if len(p.Items) != 1 {
				t.Fatalf("order SO-2: %s", body)
			}
			return itoaTest(p.Items[0].ID)
		}
		cases := []struct {
			name     string
			call     call
			status   int
			contains []string
		}{
			{"rep may not import orders", call{method: "POST", path: "/api/v1/imports/orders", user: "rep1", body: csvFile, header: csvHeader}, 403, nil},
			{"empty body", call{method: "POST", path: "/api/v1/imports/orders", user: "finance", header: csvHeader}, 400, []string{"body"}},
			{"bad row rejects the file", call{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: bad, header: csvHeader}, 422, []string{`"rejected":1`, `"row":3`, `"field":"quantity"`, `"written":false`}},
			{"binary garbage", call{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: "\x00\x01\x02\x03garbage", header: csvHeader}, 422, []string{"binary"}},
			{"dry run", call{method: "POST", path: "/api/v1/imports/orders?dry_run=true", user: "finance", body: csvFile, header: csvHeader}, 200, []string{`"created":3`, `"written":false`}},
			{"import", call{method: "POST", path: "/api/v1/imports/orders?file_name=march.csv", user: "finance", body: csvFile, header: csvHeader}, 200, []string{`"created":3`, `"written":true`}},
			{"import again", call{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: csvFile, header: csvHeader}, 200, []string{`"unchanged":3`}},
			{"rep1 sees own orders", call{method: "GET", path: "/api/v1/orders", user: "rep1"}, 200, []string{`"total":1`, `"order_no":"SO-1"`, `"amount":"3124.40"`}},
			{"director sees all", call{method: "GET", path: "/api/v1/orders?sort=-order_date", user: "director"}, 200, []string{`"total":2`}},
			{"bad sort", call{method: "GET", path: "/api/v1/orders?sort=secret", user: "director"}, 422, []string{"sort"}},
			{"finance sees every ledger", call{method: "GET", path: "/api/v1/invoices", user: "finance"}, 200, []string{`"total":0`}},
			{"monthly sales", call{method: "GET", path: "/api/v1/customers/{c1}/sales?from=2026-01&to=2026-12", user: "rep1"}, 200, []string{`"month":"2026-03"`, `"net_revenue":"3124.40"`, `"gross_profit":"1044.40"`}},
			{"sales of another rep's customer", call{method: "GET", path: "/api/v1/customers/{c2}/sales", user: "rep1"}, 404, nil},
			{"export as rep1", call{method: "GET", path: "/api/v1/export/orders", user: "rep1"}, 200, []string{"\ufefforder_no,line_no,order_date", "SO-1,1,2026-03-02", "3001.00"}},
			{"director's orders of one customer", call{method: "GET", path: "/api/v1/orders?customer_id={c1}", user: "director"}, 200, []string{`"total":1`, `"order_no":"SO-1"`}},
			{"export bad kind", call{method: "GET", path: "/api/v1/export/secrets", user: "rep1"}, 422, nil},
			{"products", call{method: "GET", path: "/api/v1/products?q=P", user: "rep1"}, 200, []string{`"total":2`}},
			{"abc as director", call{method: "GET", path: "/api/v1/analytics/abc?period=2026", user: "director"}, 200,
				[]string{`"total":"4623.40"`, `"A":{"customers":2,"revenue":"4623.40","share":{"text":"1.000000","value":1}}`, `"rank":1,"class":"A","revenue":"3124.40"`}},
			{"abc as rep1 counts only rep1's customers", call{method: "GET", path: "/api/v1/analytics/abc?from=2026-01&to=2026-12", user: "rep1"}, 200,
				[]string{`"total":"3124.40"`, `"customers":{"items":[{"customer_id"`}},
			{"abc of an empty period", call{method: "GET", path: "/api/v1/analytics/abc?period=2019", user: "director"}, 200, []string{`"total":"0.00"`}},
			{"profitability", call{method: "GET", path: "/api/v1/analytics/profitability?period=2026", user: "director"}, 200,
				[]string{`"total_profit":"1543.40"`, `"whale_peak_rank":2`, `"cost_customers":0`}},
			{"bad period", call{method: "GET", path: "/api/v1/analytics/abc?period=26", user: "director"}, 422, []string{"query.period"}},
			{"period and months", call{method: "GET", path: "/api/v1/analytics/abc?period=2026&from=2026-01&to=2026-02", user: "director"}, 422, nil},
			{"class history after the import", call{method: "GET", path: "/api/v1/customers/{c1}/classes", user: "rep1"}, 200,
				[]string{`"from":"2025-05","to":"2026-04"`, `"abc":"A","abc_rank":1,"tier":"platinum","net_revenue":"3124.40","profit":"1044.40"`}},
			{"migration of a run with itself", call{method: "GET", path: "/api/v1/analytics/migration?from_run=1&to_run=1", user: "director"}, 200,
				[]string{`"A":{"customers":2,"revenue":"4623.40"}`, `"from":{"id":1`}},
			{"migration as rep1 counts rep1's customers", call{method: "GET", path: "/api/v1/analytics/migration?from_run=1&to_run=1", user: "rep1"}, 200,
				[]string{`"A":{"customers":1,"revenue":"3124.40"}`}},
			{"rfm", call{method: "GET", path: "/api/v1/analytics/rfm?period=2026", user: "director"}, 200,
				// Two customers: positions 0 and 1 of 2 score 1 and 3; the equal frequencies share 1.
				[]string{`"recency_months":8,"frequency":1,"monetary":"1499.00","score":"311"`, `"scores":{"113":1,"311":1}`}},
			{"tiers", call{method: "GET", path: "/api/v1/analytics/tiers?period=2026", user: "director"}, 200,
				[]string{`"platinum":{"customers":1,"revenue":"3124.40","profit":"1044.40"}`, `"tier":"platinum"`}},
			{"categorise a product", call{method: "POST", path: "/api/v1/imports/products", user: "finance", body: "code,name,category\nP1,电机,电机\n", header: csvHeader}, 200, []string{`"updated":1`}},
			{"a wallet estimate", call{method: "POST", path: "/api/v1/imports/wallet", user: "finance", body: "customer_code,category,year,amount\n" + c1 + ",电机,2026,10000\n", header: csvHeader}, 200, []string{`"created":1`}},
			{"share of wallet", call{method: "GET", path: "/api/v1/customers/{c1}/wallet?year=2026", user: "rep1"}, 200,
				[]string{`"category":"电机","year":2026,"estimate":"10000.00","our_sales":"3001.00","share":"0.3001"`}},
			{"share of wallet of another rep's customer", call{method: "GET", path: "/api/v1/customers/{c2}/wallet?year=2026", user: "rep1"}, 404, nil},
			{"settings are readable", call{method: "GET", path: "/api/v1/analytics/settings", user: "rep1"}, 200, []string{`"abc_a":"0.80"`}},
			{"a rep may not set them", call{method: "PUT", path: "/api/v1/analytics/settings", user: "rep1", body: `{"abc_a":"0.60","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75"}`}, 403, nil},
			{"thresholds out of order", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"0.96","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75"}`}, 422, []string{"abc_b"}},
			{"not a fraction", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"80%","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75"}`}, 422, []string{"abc_a"}},
			{"a director sets A at 60%", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"0.60","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75"}`}, 200, []string{`"abc_a":"0.60"`}},
			{"abc follows the settings", call{method: "GET", path: "/api/v1/analytics/abc?period=2026", user: "director"}, 200,
				[]string{`"A":{"customers":1,"revenue":"3124.40"`, `"B":{"customers":1,"revenue":"1499.00"`}},
			{"migration needs two runs", call{method: "GET", path: "/api/v1/analytics/migration?from_run=1", user: "director"}, 422, []string{"query.to_run"}},
			{"migration of an unknown run", call{method: "GET", path: "/api/v1/analytics/migration?from_run=99&to_run=1", user: "director"}, 404, nil},
			{"class history of another rep's customer", call{method: "GET", path: "/api/v1/customers/{c2}/classes", user: "rep1"}, 404, nil},
			{"finance analyses every customer's ledger", call{method: "GET", path: "/api/v1/analytics/abc?period=2026", user: "finance"}, 200, []string{`"total":"4623.40"`}},
		}
		for _, c := range cases {
			resp, body := f.do(t, c.call)
			if resp.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
				continue
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("%s: body lacks %q: %s", c.name, s, body)
				}
			}
		}
		// rep1's export never holds rep2's customer.
		if _, body := f.do(t, call{method: "GET", path: "/api/v1/export/orders", user: "rep1"}); strings.Contains(body, c2) || strings.Contains(body, "SO-2") {
			t.Errorf("rep1's export leaks: %s", body)
		}
		// The export's filters apply: one customer's orders are only that customer's.
		if _, body := f.do(t, call{method: "GET", path: "/api/v1/export/orders?customer_id={c2}", user: "director"}); strings.Contains(body, "SO-1") || !strings.Contains(body, "SO-2") {
			t.Errorf("export of one customer: %s", body)
		}
		id := orderID()
		f.ids["o2"] = mustParse(id)
		for _, c := range []struct {
			name   string
			call   call
			status int
		}{
			{"rep reads another rep's order", call{method: "GET", path: "/api/v1/orders/{o2}", user: "rep1"}, 404},
			{"delete without If-Match", call{method: "DELETE", path: "/api/v1/orders/{o2}", user: "finance"}, 428},
			{"rep may not delete", call{method: "DELETE", path: "/api/v1/orders/{o2}", user: "rep2", header: map[string]string{"If-Match": `"1"`}}, 403},
			{"stale delete", call{method: "DELETE", path: "/api/v1/orders/{o2}", user: "finance", header: map[string]string{"If-Match": `"7"`}}, 412},
			{"delete", call{method: "DELETE", path: "/api/v1/orders/{o2}", user: "finance", header: map[string]string{"If-Match": `"1"`}}, 204},
			{"gone", call{method: "GET", path: "/api/v1/orders/{o2}", user: "director"}, 404},
		} {
			if resp, body := f.do(t, c.call); resp.StatusCode != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
			}
		}
		if diffs, err := db.CheckRollups(t.Context()); err != nil || len(diffs) != 0 {
			t.Errorf("rollups: %v %v", diffs, err)
		}
	})
}

func mustParse(s string) int64 {
	var v int64
	json.Unmarshal([]byte(s), &v)
	return v
}
