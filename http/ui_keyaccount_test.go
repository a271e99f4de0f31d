package kamhttp_test

import (
	"strconv"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestUIKeyAccounts: the portfolio matrix and the scorecard pages, their exports, the card's
// "why this class" and its forms, as a director and as a rep (who sees only their customers).
func TestUIKeyAccounts(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		fx := loadDashFixture(t, e)
		ab := e.browser()
		ab.login(e.p.Users[0].User.Email)
		rb := e.browser()
		rb.login(fx.rep.Email)
		period := "period=" + dashYear
		card := func(c *kam.Customer) string { return `href="/customers/` + strconv.FormatInt(c.ID, 10) + `"` }
		type bubbles struct {
			Points [][]any
			Cut    float64
			Names  []string
		}

		r := ab.get("/dashboard/portfolio?" + period)
		if r.status != 200 {
			t.Fatalf("portfolio: %d", r.status)
		}
		var b bubbles
		chartData(t, r.body, "portfolio-chart", &b)
		if len(b.Points) != fx.all || b.Cut != 3 || len(b.Names) != 4 || b.Names[0] != "重点投入" {
			t.Errorf("bubbles: %d points, cut %v, names %v", len(b.Points), b.Cut, b.Names)
		}
		rows := rowCells(t, r.body, "quadrant-table")
		total := 0
		for _, row := range rows {
			n, _ := strconv.Atoi(row[2])
			total += n
		}
		if len(rows) != 4 || total != fx.all || rows[3][0] != "最低投入" {
			t.Errorf("quadrants %v", rows)
		}
		mustContain(t, "portfolio", r.body, card(fx.big), `href="/dashboard/export?period=2015&amp;table=portfolio"`, "选择性投入")
		// The biggest customer: revenue, growth and margin are the best of the period — attractive;
		// five customers of 60 ordered at all, so its relationship ranks among the top fifth too:
		// invest.
		if q := ab.get("/dashboard/portfolio?quadrant=invest&" + period); q.status != 200 || !strings.Contains(q.body, card(fx.big)) || !strings.Contains(q.body, `id="quadrant-strategy"`) {
			t.Errorf("the invest quadrant: %d", q.status)
		}
		if q := ab.get("/dashboard/portfolio?quadrant=stars"); q.status != 400 {
			t.Errorf("an unknown quadrant: %d", q.status)
		}

		// A rep's matrix and scorecard count only the rep's customers.
		rr := rb.get("/dashboard/portfolio?" + period)
		var rbub bubbles
		chartData(t, rr.body, "portfolio-chart", &rbub)
		if len(rbub.Points) != fx.repVisible || strings.Contains(rr.body, card(fx.big)) {
			t.Errorf("rep's bubbles: %d, want %d", len(rbub.Points), fx.repVisible)
		}
		rs := rb.get("/dashboard/scorecard?" + period)
		if rs.status != 200 || strings.Contains(rs.body, fx.big.Code) || !strings.Contains(rs.body, fx.mine1.Code) || strings.Contains(rs.body, "btn-primary confirm") {
			t.Errorf("rep's scorecard: %d", rs.status)
		}
		as := ab.get("/dashboard/scorecard?" + period)
		mustContain(t, "director's scorecard", as.body, fx.big.Code, "btn-primary confirm", `href="/dashboard/export?period=2015&amp;table=scorecard"`)
		if s := ab.get("/dashboard/scorecard?state=maybe"); s.status != 400 {
			t.Errorf("an unknown state: %d", s.status)
		}

		// Exports.
		csv := ab.get("/dashboard/export?table=portfolio&quadrant=invest&" + period)
		if csv.status != 200 || !strings.Contains(csv.body, "customer_code,net_revenue,revenue,growth,margin,strategic_fit,wallet_share,relationship,competitive,attractiveness,strength,quadrant,grade") ||
			!strings.Contains(csv.body, fx.big.Code+",6000.00,") {
			t.Errorf("portfolio export: %d %s", csv.status, truncate(csv.body, 400))
		}
		sc := ab.get("/dashboard/export?table=scorecard&" + period)
		if sc.status != 200 || !strings.Contains(sc.body, "customer_code,net_revenue,profit,profit_share,goal_impact,loss_damage,relationship,potential,resources,total,proposed,state,grade") {
			t.Errorf("scorecard export: %d %s", sc.status, truncate(sc.body, 300))
		}
		if x := ab.get("/dashboard/export?table=scorecard&format=xlsx&" + period); x.status != 200 || !strings.HasPrefix(x.body, "PK") {
			t.Errorf("scorecard xlsx: %d", x.status)
		}
		if rx := rb.get("/dashboard/export?table=scorecard&" + period); strings.Contains(rx.body, fx.big.Code) {
			t.Error("the rep's export shows another customer")
		}

		// The card: the rep scores by hand; the director decides and overrides.
		rc := rb.get("/customers/" + strconv.FormatInt(fx.mine1.ID, 10) + "?tab=analysis")
		mustContain(t, "rep's card", rc.body, `id="why"`, `id="score-form"`, `id="card-scorecard"`, `id="card-portfolio"`, "A 类")
		if strings.Contains(rc.body, `id="decision-form"`) || strings.Contains(rc.body, `id="grade-form"`) {
			t.Error("the rep is offered the director's forms")
		}
		csrf := csrfOf(t, rc.body)
		if p := rb.post("/customers/"+strconv.FormatInt(fx.mine1.ID, 10)+"/key-account/scores", map[string][]string{"csrf": {csrf}, "criterion": {"goal_impact"}, "score": {"5"},
			"reason": {"集团战略客户"}, "back": {"/customers/" + strconv.FormatInt(fx.mine1.ID, 10) + "?tab=analysis#why"}}); p.status != 303 || !strings.Contains(p.location, "tab=analysis") {
			t.Errorf("score: %d %s", p.status, p.location)
		}
		if p := rb.post("/customers/"+strconv.FormatInt(fx.big.ID, 10)+"/key-account/scores", map[string][]string{"csrf": {csrf}, "criterion": {"goal_impact"}, "score": {"5"}}); p.status != 404 {
			t.Errorf("a score of another rep's customer: %d", p.status)
		}
		if p := rb.post("/customers/"+strconv.FormatInt(fx.mine1.ID, 10)+"/key-account/scores", map[string][]string{"csrf": {csrf}, "criterion": {"goal_impact"}, "score": {"9"}}); p.status != 400 {
			t.Errorf("a score of 9: %d", p.status)
		}
		ac := ab.get("/customers/" + strconv.FormatInt(fx.mine1.ID, 10) + "?tab=analysis")
		mustContain(t, "director's card", ac.body, `id="decision-form"`, `id="grade-form"`, "集团战略客户", "对企业目标的影响 = 5")
		acsrf := csrfOf(t, ac.body)
		if p := ab.post("/customers/"+strconv.FormatInt(fx.mine1.ID, 10)+"/importance", map[string][]string{"csrf": {acsrf}, "grade": {"special"}, "reason": {"政府项目"},
			"back": {"//evil.example/"}}); p.status != 303 || p.location != "/customers/"+strconv.FormatInt(fx.mine1.ID, 10)+"?tab=analysis" {
			t.Errorf("override: %d %s", p.status, p.location)
		}
		mustContain(t, "overridden", ab.get("/customers/"+strconv.FormatInt(fx.mine1.ID, 10)+"?tab=analysis").body, "人工修改", "重要程度改为特殊", "政府项目")

		// The rules on the settings page: a rep reads them.
		mustContain(t, "rep's settings", rb.get("/settings/analytics").body, `id="key-account-settings"`, "提议重点客户的总分阈值")
		if p := ab.post("/settings/key-accounts", map[string][]string{"csrf": {acsrf}, "scorecard_threshold": {"7"}, "portfolio_cut": {"3"},
			"scorecard_weights.profit_share": {"1"}, "attractiveness_weights.revenue": {"1"}, "strength_weights.relationship": {"1"}}); p.status != 422 || !strings.Contains(p.body, `aria-invalid="true"`) {
			t.Errorf("a threshold of 7: %d", p.status)
		}
	})
}
