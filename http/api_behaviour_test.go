package kamhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestBehaviourAPI computes LAMP groups, loyalty types, growth, lifetime value and segments of a
// small portfolio by hand, and saves and applies filters, as each role, on both databases.
//
// 2026-01 – 2026-03 (the same months of 2025 are the prior year), half of every price is cost:
//
//	c1 (rep1, 电子): 1000, 2000, 3000 in January to March (6000); 1000 in March 2025
//	c2 (rep2, 机械, private): 1000 in February (1000); 4000 in February 2025
//	N3 (no owner): 500 in March (500), new; a wallet estimate of 10000 for 电机 in 2026
//
// Growth: c1 +500% (5), slope (3·8000 − 3·6000)/(3·5 − 9) = 1000 a month, mean 2000: trend 0.5;
// c2 −75%, slope 0. LAMP: 3 customers with revenue, core ⌈0.15⌉ = 1 (c1), next ⌈0.75⌉ = 1 = the
// core, so none; N3 is new with 9500 of headroom ≥ 6000 (c1's revenue): promising; c2 other.
// Loyalty: c1 ordered in 3 of 3 months, no estimate: loyal; c2 and N3 in 1 of 3: no brand loyalty.
// CLV: both customers with revenue a year earlier have revenue now: retention 1;
// factor Σ_{t=1..5} 1.1^−t = 3.790787; c1's margin 3000 × 12/3 = 12000 → 45489.4412.
func TestBehaviourAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		code := func(key string) string {
			_, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{" + key + "}", user: "admin"})
			var c struct{ Code string }
			json.Unmarshal([]byte(body), &c)
			return c.Code
		}
		c1, c2 := code("c1"), code("c2")
		csvHeader := map[string]string{"Content-Type": "text/csv"}
		orders := "order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,unit_cost\n" +
			"B-0,2025-03-05," + c1 + ",,P1,电机,电机,1,1000,500\n" +
			"B-1,2026-01-05," + c1 + ",,P1,电机,电机,1,1000,500\n" +
			"B-2,2026-02-05," + c1 + ",,P1,电机,电机,2,1000,500\n" +
			"B-3,2026-03-05," + c1 + ",,P1,电机,电机,3,1000,500\n" +
			"B-4,2025-02-05," + c2 + ",,P1,电机,电机,4,1000,500\n" +
			"B-5,2026-02-06," + c2 + ",,P1,电机,电机,1,1000,500\n" +
			"B-6,2026-03-07,N3,新客户有限公司,P1,电机,电机,1,500,250\n"
		jsonHdr := map[string]string{"Content-Type": "application/json"}
		patch := map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}
		for _, c := range []call{
			{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: orders, header: csvHeader},
			{method: "POST", path: "/api/v1/imports/wallet", user: "finance", body: "customer_code,category,year,amount\nN3,电机,2026,10000\n", header: csvHeader},
			{method: "PATCH", path: "/api/v1/customers/{c1}", user: "admin", body: `{"industry":"电子"}`, header: patch},
			{method: "PATCH", path: "/api/v1/customers/{c2}", user: "admin", body: `{"industry":"机械","nature":"private"}`, header: patch},
		} {
			if resp, body := f.do(t, c); resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
			}
		}
		q := "from=2026-01&to=2026-03"
		filterID := ""
		cases := []struct {
			name     string
			call     call
			status   int
			contains []string
		}{
			{"lamp", call{method: "GET", path: "/api/v1/analytics/lamp?" + q, user: "director"}, 200, []string{`"core_customers":1,"next_customers":0,"entry_revenue":"6000.00"`,
				`"core":{"customers":1,"revenue":"6000.00"`, `"promising":{"customers":1,"revenue":"500.00"`, `"other":{"customers":1,"revenue":"1000.00"`,
				`"code":"N3","rank":3,"revenue":"500.00","profit":"250.00","lamp":"promising"`}},
			{"lamp of one group", call{method: "GET", path: "/api/v1/analytics/lamp?" + q + "&group=promising", user: "director"}, 200, []string{`"total":1`, `"code":"N3"`}},
			{"lamp of an unknown group", call{method: "GET", path: "/api/v1/analytics/lamp?" + q + "&group=whales", user: "director"}, 422, []string{"query.group"}},
			{"lamp as rep1: rep1's customers only", call{method: "GET", path: "/api/v1/analytics/lamp?" + q, user: "rep1"}, 200, []string{`"total":1`, `"core":{"customers":1`}},
			{"loyalty", call{method: "GET", path: "/api/v1/analytics/loyalty?" + q, user: "director"}, 200, []string{`"loyal":{"customers":1,"revenue":"6000.00"`,
				`"no_brand":{"customers":2,"revenue":"1500.00"`, `"switching":{"customers":0`, `"lamp":"core","loyalty":"loyal","regularity":{"text":"1.000000"`}},
			{"growth", call{method: "GET", path: "/api/v1/analytics/growth?" + q, user: "director"}, 200, []string{
				`"portfolio":{"revenue":"7500.00","prior":"5000.00","yoy":{"text":"0.500000"`, `"growing":1,"declining":1,"new":1`,
				`"months":[{"month":"2026-01","revenue":"1000.00"},{"month":"2026-02","revenue":"3000.00"},{"month":"2026-03","revenue":"3500.00"}]`,
				`"growth":{"revenue":"6000.00","prior":"1000.00","yoy":{"text":"5.000000","value":5},"new":false,"slope":"1000.00","trend":{"text":"0.500000"`,
				`"growth":{"revenue":"500.00","prior":"0.00","yoy":null,"new":true`}},
			{"growth over an empty period", call{method: "GET", path: "/api/v1/analytics/growth?period=2019", user: "director"}, 200, []string{`"portfolio":{"revenue":"0.00","prior":"0.00","yoy":null`}},
			{"clv", call{method: "GET", path: "/api/v1/analytics/clv?" + q, user: "director"}, 200, []string{`"retention":{"text":"1.000000"`, `"retention_source":"observed"`,
				`"factor":{"text":"3.790787"`, `"years":5`, `"clv":{"yearly_margin":"12000.00","retention":{"text":"1.000000","value":1},"discount":{"text":"0.100000","value":0.1},"years":5,"factor":{"text":"3.790787","value":3.790787},"value":"45489.4412"}`}},
			{"a customer's behaviour", call{method: "GET", path: "/api/v1/customers/{c1}/behaviour?" + q, user: "rep1"}, 200, []string{`"lamp":"core"`, `"relationship_months":13`, `"wallet_share":null`}},
			{"another rep's customer", call{method: "GET", path: "/api/v1/customers/{c2}/behaviour?" + q, user: "rep1"}, 404, nil},
			{"segments by industry", call{method: "GET", path: "/api/v1/analytics/segments?by=industry&" + q, user: "director"}, 200, []string{
				`{"value":"电子","customers":1,"revenue":"6000.00","share":{"text":"0.800000"`, `{"value":"","customers":1,"revenue":"500.00"`, `"classes":{"A":1}`}},
			{"segments by category", call{method: "GET", path: "/api/v1/analytics/segments?by=category&" + q, user: "director"}, 200, []string{`"value":"电机","category_id":`, `"customers":3,"revenue":"7500.00"`}},
			{"segments by nature", call{method: "GET", path: "/api/v1/analytics/segments?by=nature&" + q, user: "director"}, 200, []string{`"value":"private","customers":1,"revenue":"1000.00"`}},
			{"an unknown segment field", call{method: "GET", path: "/api/v1/analytics/segments?by=colour&" + q, user: "director"}, 422, []string{"query.by", "colour"}},
			{"segments without a field", call{method: "GET", path: "/api/v1/analytics/segments?" + q, user: "director"}, 422, []string{"by"}},
			{"the import's run keeps LAMP and loyalty", call{method: "GET", path: "/api/v1/customers/{c1}/classes", user: "rep1"}, 200, []string{`"lamp":"core","loyalty":"no_brand"`}}, // 3 of its 12 months
			{"inline filter", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&industry=机械", user: "director"}, 200, []string{`"total":"1000.00"`, `"customers":{"items":[{"customer_id":` + itoaTest(f.ids["c2"])}},
			{"filter on two values", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&industry=机械,电子", user: "director"}, 200, []string{`"total":"7000.00"`}},
			{"filter by LAMP group", call{method: "GET", path: "/api/v1/analytics/profitability?" + q + "&lamp=promising", user: "director"}, 200, []string{`"total_profit":"250.00"`}},
			{"filter by an unknown class", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&class=Z", user: "director"}, 422, []string{"query.class"}},
			{"filter by an unknown nature", call{method: "GET", path: "/api/v1/analytics/tiers?" + q + "&nature=alien", user: "director"}, 422, []string{"query.nature"}},
			{"save a filter", call{method: "POST", path: "/api/v1/saved-filters", user: "director", body: `{"name":"电子客户","shared":true,"criteria":{"industry":["电子"]}}`, header: jsonHdr}, 201, []string{`"name":"电子客户"`, `"shared":true`}},
		}
		run := func(cs []struct {
			name     string
			call     call
			status   int
			contains []string
		}) {
			for _, c := range cs {
				c.call.path = strings.ReplaceAll(c.call.path, "{filter}", filterID)
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
		}
		run(cases)
		_, body := f.do(t, call{method: "GET", path: "/api/v1/saved-filters", user: "director"})
		var list []struct{ ID int64 }
		if err := jsonUnmarshal(body, &list); err != nil || len(list) != 1 {
			t.Fatalf("saved filters: %s", body)
		}
		filterID = itoaTest(list[0].ID)
		run([]struct {
			name     string
			call     call
			status   int
			contains []string
		}{
			{"apply the saved filter", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&filter={filter}", user: "director"}, 200, []string{`"total":"6000.00"`}},
			{"a criterion given replaces the filter's", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&filter={filter}&industry=机械", user: "director"}, 200, []string{`"total":"1000.00"`}},
			{"the shared filter within rep2's scope", call{method: "GET", path: "/api/v1/analytics/abc?" + q + "&filter={filter}", user: "rep2"}, 200, []string{`"total":"0.00"`}},
			{"the shared filter is listed for rep1", call{method: "GET", path: "/api/v1/saved-filters", user: "rep1"}, 200, []string{`"name":"电子客户"`}},
			{"rep1 may not change it", call{method: "PUT", path: "/api/v1/saved-filters/{filter}", user: "rep1", body: `{"name":"x"}`, header: jsonHdr}, 403, nil},
			{"rep1 may not delete it", call{method: "DELETE", path: "/api/v1/saved-filters/{filter}", user: "rep1"}, 403, nil},
			{"an unknown criterion", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"name":"颜色","criteria":{"colour":["红"]}}`, header: jsonHdr}, 422, []string{"body.criteria.colour"}},
			{"an unknown field", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"name":"颜色","owner":1}`, header: jsonHdr}, 422, []string{"body.owner"}},
			{"a bad class", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"name":"D 类","criteria":{"class":["D"]}}`, header: jsonHdr}, 422, []string{"criteria.class"}},
			{"no name", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"criteria":{"class":["A"]}}`, header: jsonHdr}, 422, []string{"name"}},
			{"rep1's private filter", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"name":"我的A类","criteria":{"class":["A"]}}`, header: jsonHdr}, 201, []string{`"shared":false`}},
			{"the same name twice", call{method: "POST", path: "/api/v1/saved-filters", user: "rep1", body: `{"name":"我的A类"}`, header: jsonHdr}, 409, []string{"name"}},
			{"a stale update", call{method: "PUT", path: "/api/v1/saved-filters/{filter}", user: "director", body: `{"name":"电子","criteria":{"industry":["电子"]}}`, header: map[string]string{"Content-Type": "application/json", "If-Match": `"5"`}}, 412, nil},
			{"an update", call{method: "PUT", path: "/api/v1/saved-filters/{filter}", user: "director", body: `{"name":"电子","shared":true,"criteria":{"industry":["电子"],"class":["A"]}}`, header: map[string]string{"Content-Type": "application/json", "If-Match": `"1"`}}, 200, []string{`"version":2`, `"class":["A"]`}},
			{"the customer list through the filter", call{method: "GET", path: "/api/v1/customers?filter={filter}", user: "director"}, 200, []string{`"total":1`, `"industry":"电子"`}},
			{"the customer list through an unknown filter", call{method: "GET", path: "/api/v1/customers?filter=999", user: "director"}, 404, []string{"query.filter"}},
			{"delete", call{method: "DELETE", path: "/api/v1/saved-filters/{filter}", user: "director", header: map[string]string{"If-Match": `"2"`}}, 204, nil},
			{"gone", call{method: "GET", path: "/api/v1/saved-filters/{filter}", user: "director"}, 404, nil},
			{"a deleted filter", call{method: "GET", path: "/api/v1/analytics/abc?filter={filter}", user: "director"}, 404, []string{"query.filter"}},
			{"settings of before keep the defaults", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"0.80","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75"}`, header: jsonHdr}, 200, []string{`"lamp_core":"0.05"`, `"clv_retention":"observed"`}},
			{"core and next above 1", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"0.80","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75","lamp_core":"0.6","lamp_next":"0.5"}`, header: jsonHdr}, 422, []string{"body.lamp_next"}},
			{"a setting retention", call{method: "PUT", path: "/api/v1/analytics/settings", user: "director", body: `{"abc_a":"0.80","abc_b":"0.95","lead_margin":"0.02","gold_loyalty":"0.75","clv_retention":"0.5","clv_years":"1"}`, header: jsonHdr}, 200, nil},
			// r = 0.5, d = 0.1, H = 1: factor 0.5/1.1 = 0.454545; 12000 × 5/11 = 5454.5455.
			{"clv follows the settings", call{method: "GET", path: "/api/v1/analytics/clv?" + q, user: "director"}, 200, []string{`"retention_source":"setting"`, `"value":"5454.5455"`}},
		})
	})
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
