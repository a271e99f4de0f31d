package kamhttp_test

import (
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestKeyAccountAPI: the scorecard, its settings, manual scores, a director's decision, the
// importance override and the portfolio matrix, on a hand-computed portfolio of two customers.
func TestKeyAccountAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		code := func(key string) string {
			_, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{" + key + "}", user: "admin"})
			_, rest, _ := strings.Cut(body, `"code":"`)
			c, _, _ := strings.Cut(rest, `"`)
			return c
		}
		c1, c2 := code("c1"), code("c2")
		orders := "order_no,order_date,customer_code,product_code,product_name,quantity,unit_price,cost\n" +
			"SO-1,2026-03-02," + c1 + ",P1,电机,2,1500.5,2000\n" +
			"SO-1,2026-03-02," + c1 + ",P2,轴承,10,12.34,80\n" +
			"SO-2,2026-04-10," + c2 + ",P1,电机,1,1499,1000\n"
		if resp, body := f.do(t, call{method: "POST", path: "/api/v1/imports/orders", user: "finance", body: orders, header: map[string]string{"Content-Type": "text/csv"}}); resp.StatusCode != 200 {
			t.Fatalf("import: %d %s", resp.StatusCode, body)
		}
		settings := func(threshold, weights string) string {
			return `{"scorecard_weights":` + weights + `,"scorecard_threshold":"` + threshold + `",` +
				`"attractiveness_weights":{"revenue":"0.35","growth":"0.25","margin":"0.2","strategic_fit":"0.2"},` +
				`"strength_weights":{"wallet_share":"0.4","relationship":"0.4","competitive":"0.2"},"portfolio_cut":"3"}`
		}
		weights := `{"profit_share":"0.25","goal_impact":"0.15","loss_damage":"0.15","relationship":"0.15","potential":"0.15","resources":"0.15"}`
		cases := []struct {
			name     string
			call     call
			status   int
			contains []string
		}{
			// Two customers: positions 0 and 1 score 1 and 3. c1: profit 3, relationship
			// min(length 3, stability 1) = 1, potential (growth) 3, resources (none, tie) 1:
			// (0.75 + 0.15 + 0.45 + 0.15) / 0.7 = 2.1429. c2 scores 1 everywhere.
			{"scorecard", call{method: "GET", path: "/api/v1/analytics/scorecard?period=2026", user: "director"}, 200,
				[]string{`"threshold":"3.5"`, `"code":"` + c1 + `"`, `"total":"2.1429"`, `"total":"1.0000"`, `{"criterion":"profit_share","score":3,"manual":false,"value":"1044.40"}`}},
			// The import's run (the last 12 months, 2025-05 – 2026-04) stores each customer's result
			// too: c1 is attractive (3 on revenue, growth and margin) but its relationship scores 1:
			// selective, hence special.
			{"stored with the run", call{method: "GET", path: "/api/v1/customers/{c1}/classes", user: "rep1"}, 200,
				[]string{`"key_total":"2.1429","quadrant":"selective","grade":"special"`}},
			{"a rep scores their customer", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/scores", user: "rep1", body: `{"criterion":"goal_impact","score":5,"reason":"战略客户"}`}, 200,
				[]string{`"kind":"score"`, `"criterion":"goal_impact"`, `"score":5`}},
			{"and the damage if lost", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/scores", user: "rep1", body: `{"criterion":"loss_damage","score":5}`}, 200, nil},
			{"not another rep's customer", call{method: "POST", path: "/api/v1/customers/{c2}/key-account/scores", user: "rep1", body: `{"criterion":"goal_impact","score":5}`}, 404, nil},
			{"finance does not score", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/scores", user: "finance", body: `{"criterion":"goal_impact","score":5}`}, 403, nil},
			{"a data criterion is not scored by hand", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/scores", user: "rep1", body: `{"criterion":"profit_share","score":5}`}, 422, []string{"criterion"}},
			{"score out of range", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/scores", user: "rep1", body: `{"criterion":"goal_impact","score":7}`}, 422, []string{"score"}},
			// With 5 and 5 by hand: (1.5 + 0.75 + 0.75) / 1 = 3, below 3.5.
			{"manual scores count", call{method: "GET", path: "/api/v1/analytics/scorecard?period=2026", user: "director"}, 200,
				[]string{`"total":"3.0000","proposed":false,"state":""`, `{"criterion":"goal_impact","score":5,"manual":true}`}},
			{"a rep may not set the rules", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "rep1", body: settings("3", weights)}, 403, nil},
			{"weights summing to zero", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "director", body: settings("3", `{"profit_share":"0","goal_impact":"0"}`)}, 422, []string{"scorecard_weights", "zero"}},
			{"an unknown criterion", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "director", body: settings("3", `{"profit_share":"1","charm":"1"}`)}, 422, []string{"scorecard_weights.charm"}},
			{"a negative weight", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "director", body: settings("3", `{"profit_share":"-1","potential":"2"}`)}, 422, []string{"scorecard_weights.profit_share"}},
			{"a threshold off the scale", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "director", body: settings("9", weights)}, 422, []string{"scorecard_threshold"}},
			{"the stored rules stay", call{method: "GET", path: "/api/v1/analytics/key-account-settings", user: "rep1"}, 200, []string{`"scorecard_threshold":"3.5"`, `"profit_share":"0.25"`}},
			{"a director lowers the threshold", call{method: "PUT", path: "/api/v1/analytics/key-account-settings", user: "director", body: settings("3", weights)}, 200, []string{`"scorecard_threshold":"3"`}},
			{"proposed at the threshold", call{method: "GET", path: "/api/v1/analytics/scorecard?period=2026&state=proposed", user: "director"}, 200,
				[]string{`"total":1`, `"total":"3.0000","proposed":true,"state":"proposed","grade":"important"`, `"states":{"confirmed":0,"proposed":1,"rejected":0}`}},
			{"a rep does not decide", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/decision", user: "rep1", body: `{"decision":"confirmed"}`}, 403, nil},
			{"an unknown decision", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/decision", user: "director", body: `{"decision":"maybe"}`}, 422, nil},
			{"the director confirms", call{method: "POST", path: "/api/v1/customers/{c1}/key-account/decision", user: "director", body: `{"decision":"confirmed","reason":"年度评审","period":"2026"}`}, 200,
				[]string{`"value":"confirmed"`, `"from":"2026-01","to":"2026-12","total":"3.0000"`, `"reason":"年度评审"`}},
			{"confirmed", call{method: "GET", path: "/api/v1/analytics/scorecard?period=2026&state=confirmed", user: "director"}, 200,
				[]string{`"state":"confirmed","grade":"important"`}},
			{"an override needs a reason", call{method: "POST", path: "/api/v1/customers/{c2}/importance", user: "director", body: `{"grade":"special"}`}, 422, []string{"reason"}},
			{"a rep does not override", call{method: "POST", path: "/api/v1/customers/{c1}/importance", user: "rep1", body: `{"grade":"special","reason":"x y"}`}, 403, nil},
			{"the director overrides", call{method: "POST", path: "/api/v1/customers/{c2}/importance", user: "director", body: `{"grade":"special","reason":"政府项目"}`}, 200, []string{`"kind":"importance"`, `"value":"special"`}},
			{"the card's figures", call{method: "GET", path: "/api/v1/customers/{c2}/key-account?period=2026", user: "director"}, 200,
				[]string{`"grade":"special"`, `"computed_grade":"general"`, `"grade_rule":"rest"`, `"overridden":true`, `"reason":"政府项目"`, `"quadrant":"minimise"`}},
			{"the card's history", call{method: "GET", path: "/api/v1/customers/{c1}/key-account?period=2026", user: "rep1"}, 200,
				[]string{`"state":"confirmed"`, `"kind":"decision"`, `"kind":"score"`, `"user_name":`}},
			{"another rep's card", call{method: "GET", path: "/api/v1/customers/{c2}/key-account", user: "rep1"}, 404, nil},
			// A rep's scorecard holds only the rep's customers (c1 alone scores 1 on every data criterion).
			{"a rep's scorecard", call{method: "GET", path: "/api/v1/analytics/scorecard?period=2026", user: "rep1"}, 200, []string{`"total":1,`, `"code":"` + c1 + `"`}},
			// c1: attractiveness revenue 3, growth 3, margin 3 (0.3343 over 0.3329) = 3, high; strength
			// is the relationship (1): selective. c2 is low on both.
			{"portfolio", call{method: "GET", path: "/api/v1/analytics/portfolio?period=2026", user: "director"}, 200,
				[]string{`"cut":"3"`, `"attractiveness":"3.0000","strength":"1.0000","quadrant":"selective"`, `"minimise":{"customers":1,"revenue":"1499.00"`, `"selective":{"customers":1,"revenue":"3124.40"`}},
			{"a quadrant's customers", call{method: "GET", path: "/api/v1/analytics/portfolio?period=2026&quadrant=minimise", user: "director"}, 200, []string{`"total":1,`, `"code":"` + c2 + `"`}},
			{"an unknown quadrant", call{method: "GET", path: "/api/v1/analytics/portfolio?quadrant=stars", user: "director"}, 422, []string{"quadrant"}},
			{"an empty period", call{method: "GET", path: "/api/v1/analytics/portfolio?period=2019", user: "director"}, 200, []string{`"invest":{"customers":0`}},
			{"recorded in the audit log", call{method: "GET", path: "/api/v1/audit?action=key_account.record", user: "director"}, 200, []string{`"key_account.record"`, `"value":"confirmed"`}},
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
	})
}
