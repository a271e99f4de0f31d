package kamhttp_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestUIBehaviourDashboard: the behaviour page of the dashboard fixture's year, its drill-downs,
// exports and bad parameters, the rep's view, and the card's behaviour figures.
//
// 2015: big 6000, mine1 2000, mid 1000, mine2 600, low 400; five customers with revenue: core
// ⌈5% × 5⌉ = 1 (big), next up to ⌈25% × 5⌉ = 2 (mine1); none has a wallet estimate, so none is
// promising; each ordered in 1 of 12 months: no brand loyalty.
func TestUIBehaviourDashboard(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		fx := loadDashFixture(t, e)
		ab := e.browser()
		ab.login(e.p.Users[0].User.Email)
		rb := e.browser()
		rb.login(fx.rep.Email)
		sb := e.browser()
		sb.login(e.user(kam.RoleService, 0).Email)
		period := "period=" + dashYear
		card := func(c *kam.Customer) string { return `href="/customers/` + strconv.FormatInt(c.ID, 10) + `"` }

		r := ab.get("/dashboard/behaviour?" + period)
		if r.status != 200 {
			t.Fatalf("behaviour page: %d\n%s", r.status, truncate(r.body, 2000))
		}
		lamp := map[string][]string{}
		for _, row := range tableBody(t, r.body, "lamp-table") {
			c := cells(row)
			lamp[c[0]] = c
		}
		if lamp["核心"][1] != "1" || lamp["次级"][1] != "1" || lamp["有潜力"][1] != "0" || lamp["其他"][1] != strconv.Itoa(fx.all-2) {
			t.Errorf("LAMP groups %v", lamp)
		}
		loyalty := map[string]string{}
		for _, row := range tableBody(t, r.body, "loyalty-table") {
			c := cells(row)
			loyalty[c[0]] = c[1]
		}
		if loyalty["无品牌忠诚"] != "5" || loyalty["忠诚"] != "0" || loyalty["本期无订单"] != strconv.Itoa(fx.all-5) {
			t.Errorf("loyalty types %v", loyalty)
		}
		mustContain(t, "behaviour page", r.body, `id="lamp-chart"`, `id="growth-chart"`, `id="segment-chart"`, `data-kind="bars"`,
			`href="/dashboard/behaviour/customers?lamp=core&amp;period=2015"`, `href="/dashboard/export?period=2015&amp;table=behaviour"`,
			`href="/dashboard/export?by=industry&amp;period=2015&amp;table=segments"`, "¥10,000.00", "前 5.0% 的客户为核心客户")
		if rows := tableBody(t, r.body, "clv-table"); len(rows) != 10 || !strings.Contains(rows[0], card(fx.big)) {
			t.Errorf("the most valuable customer is not big: %v", rows)
		}

		d := ab.get("/dashboard/behaviour/customers?lamp=core&" + period)
		if rows := tableBody(t, d.body, "customers-table"); d.status != 200 || len(rows) != 1 || !strings.Contains(rows[0], card(fx.big)) {
			t.Errorf("the core customers: %d %v", d.status, rows)
		}
		seg := ab.get("/dashboard/behaviour/customers?segment_by=industry&segment=" + fx.big.Industry + "&" + period)
		if seg.status != 200 || !strings.Contains(seg.body, card(fx.big)) {
			t.Errorf("the customers of big's industry: %d", seg.status)
		}
		csv := ab.get("/dashboard/export?table=behaviour&" + period)
		if csv.status != 200 || !strings.HasPrefix(csv.body, "\ufeffrank,customer_code,net_revenue,profit,lamp,loyalty") ||
			!strings.Contains(csv.body, "\r\n1,"+fx.big.Code+",6000.00,2000.00,core,no_brand,") {
			t.Errorf("behaviour export: %d %s", csv.status, truncate(csv.body, 600))
		}
		segs := ab.get("/dashboard/export?table=segments&by=region&format=xlsx&" + period)
		if segs.status != 200 || !strings.HasPrefix(segs.body, "PK") {
			t.Errorf("segments export: %d", segs.status)
		}
		for _, bad := range []string{"/dashboard/behaviour?by=colour", "/dashboard/export?table=segments&by=colour", "/dashboard/behaviour/customers?lamp=whale",
			"/dashboard/behaviour?filter=abc", "/dashboard/behaviour/customers?segment_by=colour"} {
			if r := ab.get(bad); r.status < 400 || r.status >= 500 {
				t.Errorf("%s: %d, want a 4xx", bad, r.status)
			}
		}
		if r := ab.get("/dashboard/behaviour?filter=999"); r.status != http.StatusNotFound {
			t.Errorf("an unknown filter: %d", r.status)
		}

		rep := rb.get("/dashboard/behaviour?" + period)
		if rep.status != 200 || strings.Contains(rep.body, fx.big.Code) || !strings.Contains(rep.body, card(fx.mine1)) {
			t.Errorf("the rep's behaviour page: %d, holds big %v", rep.status, strings.Contains(rep.body, fx.big.Code))
		}
		if r := sb.get("/dashboard/behaviour"); r.status != http.StatusForbidden {
			t.Errorf("service staff: %d", r.status)
		}

		c := ab.get(customerPath(fx.big) + "?tab=analysis")
		mustContain(t, "card", c.body, `id="behaviour-figures"`, "LAMP 分组", "终身价值", "合作时长", "钱包份额")
	})
}

func customerPath(c *kam.Customer) string { return "/customers/" + strconv.FormatInt(c.ID, 10) }
