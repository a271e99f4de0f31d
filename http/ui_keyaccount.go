package kamhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"math/big"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// Key accounts in the UI: the portfolio matrix (/dashboard/portfolio) with its bubbles, quadrants
// and drill-down, the scorecard (/dashboard/scorecard) where directors confirm or reject the
// proposals, the card's "why this class" on the analysis tab with the forms that record manual
// scores, decisions and grade overrides, and the rules on the settings page. Everything is
// computed from the period's figures within the user's scope, as in the API.

func (u *ui) registerKeyAccounts(rt *router) {
	viewLedger := need(kam.ActView, kam.ResLedger)
	u.handle(rt, "GET /dashboard/portfolio", viewLedger, u.dashboardPortfolio)
	u.handle(rt, "GET /dashboard/scorecard", viewLedger, u.dashboardScorecard)
	u.handle(rt, "POST /customers/{id}/key-account/scores", need(kam.ActEdit, kam.ResCustomer), u.keyAccountScore)
	u.handle(rt, "POST /customers/{id}/key-account/decision", need(kam.ActEdit, kam.ResSettings), u.keyAccountDecision)
	u.handle(rt, "POST /customers/{id}/importance", need(kam.ActEdit, kam.ResSettings), u.importanceOverride)
	u.handle(rt, "POST /settings/key-accounts", need(kam.ActEdit, kam.ResSettings), u.keyAccountSettingsSave)
}

// keyAccountsOfPeriod reads the period's figures and runs the key-account models over them.
func (u *ui) keyAccountsOfPeriod(ctx context.Context, rq *uiReq, p dashPeriod) (string, string, []analytics.KeyAccount, error) {
	// The key-account models score the whole portfolio the user sees: a saved filter does not
	// apply to them.
	from, to := p.months(u.s.Now())
	figures, err := u.s.figuresOf(ctx, from, to)
	if err != nil {
		return "", "", nil, err
	}
	ks, err := u.s.keyAccountsOf(ctx, from, to, figures)
	return from, to, ks, err
}

// score shows an exact score with two places, "—" for none.
func score(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	return r.FloatString(2)
}

func scoreInt(n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.Itoa(n)
}

// quadrantSet reads quadrant=invest|selective|maintain|minimise (or none).
func quadrantSet(v url.Values) (string, error) {
	q := v.Get("quadrant")
	if q != "" && !slices.Contains(analytics.Quadrants, q) {
		return "", kam.Errorf(kam.EInvalid, "unknown quadrant %q", q)
	}
	return q, nil
}

// bubbleChart is the portfolio matrix's data for dashboard.js.
type bubbleChart struct {
	Points [][]any  `json:"points"`
	Max    float64  `json:"max"`
	Cut    float64  `json:"cut"`
	Names  []string `json:"names"`
	Labels labels   `json:"labels"`
}

func ratFloat(r *big.Rat) float64 {
	if r == nil {
		return 0
	}
	f, _ := r.Float64()
	return f
}

// keyAccountPage is what a key-account page shows: its period, the filter of its list, the
// models' results over the period and their settings.
type keyAccountPage struct {
	p        dashPeriod
	from, to string
	filter   string
	ks       []analytics.KeyAccount
	set      kam.KeyAccountSettings
}

// keyAccountPageOf reads a key-account page's filter (with filter), its period, the models'
// results over it and their settings; ok is false when the answer (a bad filter, the period's
// error, a failure) is written.
func (u *ui) keyAccountPageOf(rq *uiReq, v url.Values, filter func(url.Values) (string, error)) (keyAccountPage, bool) {
	var kp keyAccountPage
	f, err := filter(v)
	if err != nil {
		rq.fail(err)
		return kp, false
	}
	kp.filter = f
	kp.p, err = parseDashPeriod(v)
	if err != nil {
		u.periodError(rq, kp.p)
		return kp, false
	}
	kp.from, kp.to, kp.ks, err = u.keyAccountsOfPeriod(rq.r.Context(), rq, kp.p)
	if err == nil {
		kp.set, err = u.s.Ledger.KeyAccountSettings(rq.r.Context())
	}
	if err != nil {
		rq.fail(err)
		return kp, false
	}
	return kp, true
}

// portfolioChart is the portfolio matrix's bubbles (the largest customers) as dashboard.js
// reads them, in the page's language: the chart container's data-chart attribute.
func (u *ui) portfolioChart(ctx context.Context, L *locale.Printer, kp keyAccountPage, pl *keyAccountList, qURL func(string) string) (template.HTMLAttr, error) {
	key := fmt.Sprintf("portfolio chart %s %s %+v %s", kp.from, kp.to, kp.p, L.Lang)
	return memoized(u.s, ctx, key, func(context.Context) (template.HTMLAttr, error) {
		chart := bubbleChart{Points: [][]any{}, Cut: ratFloat(analytics.KeyAccountRulesOf(kp.set).Cut),
			Labels: labels{Title: L.T("portfolio.chart"), X: L.T("portfolio.attractiveness"), Y: L.T("portfolio.strength")}}
		for _, q := range analytics.Quadrants {
			chart.Names = append(chart.Names, L.Enum("quadrant", q))
		}
		for _, k := range pl.sorted[:min(chartMaxPoints, len(pl.sorted))] {
			rev := yuan(k.NetRevenue)
			chart.Max = max(chart.Max, rev)
			chart.Points = append(chart.Points, []any{ratFloat(k.AttractivenessTotal), ratFloat(k.StrengthTot), rev, k.CustomerID, k.Code, qURL(k.Quadrant)})
		}
		b, err := json.Marshal(chart)
		return web.ChartAttr(string(b)), err
	})
}

// dashboardPortfolio is GET /dashboard/portfolio?quadrant=…&period…&page=N.
func (u *ui) dashboardPortfolio(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	kp, ok := u.keyAccountPageOf(rq, v, quadrantSet)
	if !ok {
		return
	}
	p, quadrant, set := kp.p, kp.filter, kp.set
	pl, err := u.s.portfolioListOf(ctx, kp.from, kp.to, kp.ks)
	if err != nil {
		rq.fail(err)
		return
	}
	heading := L.T("portfolio.title")
	page := &web.PortfolioPage{Base: rq.base(heading, "dashboard"), Heading: heading, Sections: dashSections(L, "portfolio", p),
		Note: L.T("portfolio.note", set.PortfolioCut), Quadrant: quadrant}
	page.Period = u.selector(L, p, "/dashboard/portfolio")
	filter := url.Values{}
	if quadrant != "" {
		filter.Set("quadrant", quadrant)
		page.QuadrantLabel, page.Strategy = L.Enum("quadrant", quadrant), L.T("quadrant.strategy."+quadrant)
	}
	keepInPeriodLinks(&page.Period, "/dashboard/portfolio", filter)
	qURL := func(q string) string {
		if q == "" {
			return p.url("/dashboard/portfolio", nil) + "#quadrant-customers"
		}
		return p.url("/dashboard/portfolio", url.Values{"quadrant": {q}}) + "#quadrant-customers"
	}
	page.QuadrantLinks = append(page.QuadrantLinks, web.Link{Label: L.T("dashboard.all_customers"), URL: qURL(""), Active: quadrant == ""})
	for _, q := range analytics.Quadrants {
		page.QuadrantLinks = append(page.QuadrantLinks, web.Link{Label: L.Enum("quadrant", q), URL: qURL(q), Active: quadrant == q})
	}
	if page.Chart, err = u.portfolioChart(ctx, L, kp, pl, qURL); err != nil {
		rq.fail(err)
		return
	}
	rows := pl.of(quadrant)
	qt := web.LedgerTable{ID: "quadrant-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("portfolio.quadrant"), ""}, {"", L.T("portfolio.strategy"), ""},
		{"", L.T("dashboard.col.customers"), "num"}, {"", L.T("dashboard.col.revenue"), "num"}} {
		qt.Columns = append(qt.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, q := range analytics.Quadrants {
		qt.Rows = append(qt.Rows, web.LedgerRow{Class: "quadrant-" + q, Cells: []web.Cell{{Text: L.Enum("quadrant", q), URL: qURL(q), Class: "cls"},
			{Text: L.T("quadrant.strategy." + q)}, {Text: L.Int(len(pl.by[q])), Class: "num"}, {Text: L.Total(int64(pl.revenue[q])), Class: "num"}}})
	}
	page.Quadrants = qt
	pageNo := pageParam(v, "page")
	shown := pageOf(rows, (pageNo-1)*classPer, classPer)
	ids := make([]int64, len(shown))
	for i, k := range shown {
		ids[i] = k.CustomerID
	}
	names := u.customerNames(ctx, ids)
	t := web.LedgerTable{ID: "portfolio-customers", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("ledger.col.customer"), ""}, {"", L.T("dashboard.col.revenue"), "num"},
		{"", L.T("portfolio.attractiveness"), "num"}, {"", L.T("portfolio.strength"), "num"}, {"", L.T("portfolio.quadrant"), ""},
		{"", L.T("keyaccount.grade"), ""}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, k := range shown {
		t.Rows = append(t.Rows, web.LedgerRow{Class: "quadrant-" + k.Quadrant, Cells: []web.Cell{customerCell(k.CustomerID, k.Code, names),
			{Text: L.Money(int64(k.NetRevenue)), Class: "num"}, {Text: score(k.AttractivenessTotal), Class: "num"},
			{Text: score(k.StrengthTot), Class: "num"}, {Text: L.Enum("quadrant", k.Quadrant)}, {Text: L.Enum("grade", k.Grade)}}})
	}
	t.Pager = drillPager(pageNo, len(rows), filter, func(v url.Values) string { return p.url("/dashboard/portfolio", v) })
	page.Table, page.Total = t, len(rows)
	page.First, page.Last = drillBounds(pageNo, len(shown))
	page.Exports = dashExports(L, p, "portfolio", filter)
	rq.render(200, "dashboard_portfolio", page)
}

// stateSet reads state=proposed|confirmed|rejected (or none).
func stateSet(v url.Values) (string, error) {
	s := v.Get("state")
	if s != "" && s != kam.KeyAccountProposed && s != kam.KeyAccountConfirmed && s != kam.KeyAccountRejected {
		return "", kam.Errorf(kam.EInvalid, "unknown state %q", s)
	}
	return s, nil
}

// dashboardScorecard is GET /dashboard/scorecard?state=…&period…&page=N.
func (u *ui) dashboardScorecard(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	kp, ok := u.keyAccountPageOf(rq, v, stateSet)
	if !ok {
		return
	}
	p, state, set := kp.p, kp.filter, kp.set
	sc, err := u.s.scorecardOf(ctx, kp.from, kp.to, kp.ks)
	if err != nil {
		rq.fail(err)
		return
	}
	heading := L.T("scorecard.title")
	filter := url.Values{}
	if state != "" {
		filter.Set("state", state)
	}
	page := &web.ScorecardPage{Base: rq.base(heading, "dashboard"), Heading: heading, Sections: dashSections(L, "scorecard", p),
		Note: L.T("scorecard.note", set.ScorecardThreshold), CanDecide: kam.CanDecideKeyAccounts(rq.actor), Back: p.url("/dashboard/scorecard", filter),
		DecideYear: p.Year, DecideFrom: p.From, DecideTo: p.To}
	page.Period = u.selector(L, p, "/dashboard/scorecard")
	keepInPeriodLinks(&page.Period, "/dashboard/scorecard", filter)
	rows := sc.of(state)
	page.States = append(page.States, web.Link{Label: L.T("dashboard.all_customers") + " (" + L.Int(len(kp.ks)) + ")", URL: p.url("/dashboard/scorecard", nil), Active: state == ""})
	for _, s := range []string{kam.KeyAccountProposed, kam.KeyAccountConfirmed, kam.KeyAccountRejected} {
		page.States = append(page.States, web.Link{Label: L.Enum("kastate", s) + " (" + L.Int(len(sc.by[s])) + ")", URL: p.url("/dashboard/scorecard", url.Values{"state": {s}}), Active: state == s})
	}
	for _, c := range kam.ScorecardCriteria {
		page.Columns = append(page.Columns, L.Enum("criterion", c))
	}
	pageNo := pageParam(v, "page")
	shown := pageOf(rows, (pageNo-1)*classPer, classPer)
	ids := make([]int64, len(shown))
	for i, k := range shown {
		ids[i] = k.CustomerID
	}
	names := u.customerNames(ctx, ids)
	for _, k := range shown {
		r := web.ScorecardRow{ID: k.CustomerID, URL: customerURL(k.CustomerID, "analysis"), Code: k.Code, Total: score(k.Total), State: k.State,
			StateLabel: L.Enum("kastate", k.State), Grade: L.Enum("grade", k.Grade), Proposed: k.Proposed,
			DecideURL: "/customers/" + strconv.FormatInt(k.CustomerID, 10) + "/key-account/decision"}
		if c := names[k.CustomerID]; c != nil {
			r.Name = c.Name
		}
		for _, c := range k.Scorecard {
			r.Scores = append(r.Scores, scoreInt(c.Score))
		}
		page.Rows = append(page.Rows, r)
	}
	page.Pager = drillPager(pageNo, len(rows), filter, func(v url.Values) string { return p.url("/dashboard/scorecard", v) })
	page.Total = len(rows)
	page.First, page.Last = drillBounds(pageNo, len(shown))
	page.Exports = dashExports(L, p, "scorecard", filter)
	rq.render(200, "dashboard_scorecard", page)
}

// keyAccountDownload is the scorecard or the portfolio matrix as a table to export.
func (u *ui) keyAccountDownload(rq *uiReq, table string, v url.Values) (download, error) {
	d := download{numeric: dashNumeric}
	p, err := parseDashPeriod(v)
	if err != nil {
		return d, err
	}
	from, to, ks, err := u.keyAccountsOfPeriod(rq.r.Context(), rq, p)
	if err != nil {
		return d, err
	}
	switch table {
	case "scorecard":
		state, err := stateSet(v)
		if err != nil {
			return d, err
		}
		sc, err := u.s.scorecardOf(rq.r.Context(), from, to, ks)
		if err != nil {
			return d, err
		}
		d.name = "scorecard-" + from + "-" + to
		d.header = append(append([]string{"customer_code", "net_revenue", "profit"}, kam.ScorecardCriteria...), "total", "proposed", "state", "grade")
		for _, k := range sc.of(state) {
			row := []string{k.Code, k.NetRevenue.String(), k.Profit.String()}
			for _, c := range k.Scorecard {
				row = append(row, strconv.Itoa(c.Score))
			}
			d.rows = append(d.rows, append(row, ratText(k.Total), strconv.FormatBool(k.Proposed), k.State, k.Grade))
		}
	default:
		quadrant, err := quadrantSet(v)
		if err != nil {
			return d, err
		}
		d.name = "portfolio-" + from + "-" + to
		if quadrant != "" {
			d.name = "portfolio-" + quadrant + "-" + from + "-" + to
		}
		pl, err := u.s.portfolioListOf(rq.r.Context(), from, to, ks)
		if err != nil {
			return d, err
		}
		measures := slices.Concat(kam.AttractivenessMeasures, kam.StrengthMeasures)
		d.header = append(append([]string{"customer_code", "net_revenue"}, measures...), "attractiveness", "strength", "quadrant", "grade")
		for _, k := range pl.of(quadrant) {
			row := []string{k.Code, k.NetRevenue.String()}
			for _, c := range slices.Concat(k.Attractiveness, k.Strength) {
				row = append(row, strconv.Itoa(c.Score))
			}
			d.rows = append(d.rows, append(row, ratText(k.AttractivenessTotal), ratText(k.StrengthTot), k.Quadrant, k.Grade))
		}
	}
	return d, nil
}

// fillKeyAccount adds the card's "why this class" to the analysis tab, over the last 12
// complete months.
func (u *ui) fillKeyAccount(rq *uiReq, p *web.CardPage, a *web.CardAnalysis) error {
	ctx := rq.r.Context()
	L := rq.L
	id := p.C.ID
	history, err := u.s.Ledger.KeyAccountHistory(ctx, id)
	if kam.ErrorCodeOf(err) == kam.ENotFound {
		return nil // a borrowed file: it is not in the user's portfolio
	}
	if err != nil {
		return err
	}
	var period dashPeriod
	from, to := period.months(u.s.Now())
	figures, err := u.s.figuresOf(ctx, from, to)
	if err != nil {
		return err
	}
	ks, err := u.s.keyAccountsOf(ctx, from, to, figures)
	if err != nil {
		return err
	}
	set, err := u.s.Ledger.KeyAccountSettings(ctx)
	if err != nil {
		return err
	}
	abc := u.s.abcOf(ctx, from, to, "", figures)
	tiers := u.s.tiersOf(ctx, &view{from: from, to: to, figures: figures}, abc)
	back := customerURL(id, "analysis") + "#why"
	panel := &web.KeyAccountPanel{Period: from + " – " + to, Back: back}
	a.KeyAccount = panel
	idText := strconv.FormatInt(id, 10)
	if kam.CanEditCustomer(rq.actor) {
		panel.ScoreURL = "/customers/" + idText + "/key-account/scores"
		for _, c := range kam.ManualCriteria {
			panel.ManualOptions = append(panel.ManualOptions, web.Option{Value: c, Label: L.Enum("criterion", c)})
		}
	}
	if kam.CanDecideKeyAccounts(rq.actor) {
		panel.DecideURL = "/customers/" + idText + "/key-account/decision"
		panel.GradeURL = "/customers/" + idText + "/importance"
		panel.GradeOptions = append(panel.GradeOptions, web.Option{Value: "", Label: L.T("keyaccount.grade_computed")})
		for _, g := range kam.Grades {
			panel.GradeOptions = append(panel.GradeOptions, web.Option{Value: g, Label: L.Enum("grade", g)})
		}
	}
	var k *analytics.KeyAccount
	for i := range ks {
		if ks[i].CustomerID == id {
			k = &ks[i]
		}
	}
	var rank *analytics.ABCRank
	for i := range abc.Ranks {
		if abc.Ranks[i].CustomerID == id {
			rank = &abc.Ranks[i]
		}
	}
	if rank != nil {
		panel.Why = append(panel.Why, web.FieldRow{Label: L.T("dashboard.col.class"),
			Value: L.T("keyaccount.why_abc", rank.Class, L.Int(rank.Rank), L.Int(len(abc.Ranks)), L.Money(int64(rank.Revenue)),
				percent(rank.Share.Rat()), percent(rank.Cumulative.Rat()), percent(abc.Thresholds.A), percent(abc.Thresholds.B))})
		t := tiers[id]
		panel.Why = append(panel.Why, web.FieldRow{Label: L.T("dashboard.col.tier"), Value: L.Enum("tier", t) + " — " + L.T("dashboard.tier_rule."+t)})
	}
	if k == nil {
		panel.Why = append(panel.Why, web.FieldRow{Label: L.T("keyaccount.scorecard"), Value: L.T("dashboard.empty")})
	} else {
		weights := analytics.KeyAccountRulesOf(set)
		panel.Proposed = k.Proposed
		panel.Why = append(panel.Why,
			web.FieldRow{Label: L.T("keyaccount.scorecard"), Value: L.T("keyaccount.why_total", score(k.Total), set.ScorecardThreshold) + " · " + L.Enum("kastate", k.State)},
			web.FieldRow{Label: L.T("portfolio.quadrant"), Value: L.T("keyaccount.why_quadrant", score(k.AttractivenessTotal), score(k.StrengthTot), set.PortfolioCut,
				L.Enum("quadrant", k.Quadrant)) + " — " + L.T("quadrant.strategy."+k.Quadrant)})
		g := L.Enum("grade", k.Grade)
		if k.Overridden {
			g += " — " + L.T("keyaccount.overridden", L.Enum("grade", k.ComputedGrade), L.T("grade.rule."+k.GradeReason))
		} else {
			g += " — " + L.T("grade.rule."+k.GradeReason)
		}
		panel.Why = append(panel.Why, web.FieldRow{Label: L.T("keyaccount.grade"), Value: g})
		panel.Criteria = criteriaTable(L, "card-scorecard", k.Scorecard, weights.Scorecard)
		panel.Portfolio = criteriaTable(L, "card-portfolio", slices.Concat(k.Attractiveness, k.Strength), mergeWeights(weights.Attractiveness, weights.Strength))
	}
	panel.History = keyAccountHistoryTable(L, history)
	return nil
}

// mergeWeights joins the weights of the two axes (their measures' names differ).
func mergeWeights(a, b map[string]*big.Rat) map[string]*big.Rat {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// criteriaTable lists criteria with their weight, score and the measure behind the score.
func criteriaTable(L *locale.Printer, id string, cs []analytics.Criterion, w map[string]*big.Rat) web.LedgerTable {
	t := web.LedgerTable{ID: id, Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("keyaccount.criterion"), ""}, {"", L.T("keyaccount.weight"), "num"},
		{"", L.T("keyaccount.score"), "num"}, {"", L.T("keyaccount.measure"), ""}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, c := range cs {
		wt := w[c.Key]
		weight := "0"
		if wt != nil {
			weight = strings.TrimRight(strings.TrimRight(wt.FloatString(4), "0"), ".")
		}
		measure := c.Value
		if c.Manual {
			measure = L.T("keyaccount.by_hand")
		}
		t.Rows = append(t.Rows, web.LedgerRow{Cells: []web.Cell{{Text: L.Enum("criterion", c.Key)}, {Text: weight, Class: "num"},
			{Text: scoreInt(c.Score), Class: "num"}, {Text: measure, Class: "mono"}}})
	}
	return t
}

func keyAccountHistoryTable(L *locale.Printer, events []kam.KeyAccountEvent) web.LedgerTable {
	t := web.LedgerTable{ID: "card-key-account-history", Empty: L.T("keyaccount.no_history")}
	for _, c := range []ledgerColumn{{"", L.T("card.col.run_at"), ""}, {"", L.T("keyaccount.who"), ""}, {"", L.T("keyaccount.what"), ""},
		{"", L.T("scorecard.reason"), ""}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, e := range events {
		var what string
		switch e.Kind {
		case kam.EventScore:
			what = L.T("keyaccount.event.score", L.Enum("criterion", e.Criterion), scoreInt(e.Score))
		case kam.EventDecision:
			what = L.T("keyaccount.event.decision", L.Enum("kastate", e.Value), e.From+" – "+e.To, e.Total)
		default:
			g := L.T("keyaccount.grade_computed")
			if e.Value != "" {
				g = L.Enum("grade", e.Value)
			}
			what = L.T("keyaccount.event.importance", g)
		}
		t.Rows = append(t.Rows, web.LedgerRow{Class: "event-" + e.Kind, Cells: []web.Cell{{Text: L.DateTime(e.At)}, {Text: e.UserName}, {Text: what}, {Text: e.Reason}}})
	}
	return t
}

// backTo is the form's local return address (a path of this site), or fallback.
func backTo(form url.Values, fallback string) string {
	b := form.Get("back")
	if strings.HasPrefix(b, "/") && !strings.HasPrefix(b, "//") && !strings.Contains(b, "\\") {
		return b
	}
	return fallback
}

// recordForm stores a key-account event from a card or scorecard form and goes back.
func (u *ui) recordForm(rq *uiReq, build func(id int64, form url.Values) (*kam.KeyAccountEvent, error)) {
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	if _, err := u.s.Customers.FindCustomerByID(rq.r.Context(), id); err != nil {
		rq.fail(err)
		return
	}
	e, err := build(id, rq.r.PostForm)
	if err == nil {
		e.CustomerID = id
		err = u.s.Ledger.RecordKeyAccountEvent(rq.r.Context(), e)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash(backTo(rq.r.PostForm, customerURL(id, "analysis")), "flash.key_account_saved")
}

// keyAccountScore is POST /customers/{id}/key-account/scores (criterion, score, reason).
func (u *ui) keyAccountScore(rq *uiReq) {
	u.recordForm(rq, func(id int64, f url.Values) (*kam.KeyAccountEvent, error) {
		n, err := strconv.Atoi(f.Get("score"))
		if err != nil {
			return nil, kam.Errorf(kam.EInvalid, "the score must be a number from 0 to 5")
		}
		return &kam.KeyAccountEvent{Kind: kam.EventScore, Criterion: f.Get("criterion"), Score: n, Reason: f.Get("reason")}, nil
	})
}

// keyAccountDecision is POST /customers/{id}/key-account/decision (decision, reason, period).
func (u *ui) keyAccountDecision(rq *uiReq) {
	u.recordForm(rq, func(id int64, f url.Values) (*kam.KeyAccountEvent, error) {
		p, err := parseDashPeriod(url.Values{"period": {f.Get("period")}, "from": {f.Get("from")}, "to": {f.Get("to")}})
		if err != nil {
			return nil, err
		}
		from, to, ks, err := u.keyAccountsOfPeriod(rq.r.Context(), rq, p)
		if err != nil {
			return nil, err
		}
		e := &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: f.Get("decision"), Reason: f.Get("reason"), From: from, To: to}
		for _, k := range ks {
			if k.CustomerID == id {
				e.Total = ratText(k.Total)
			}
		}
		return e, nil
	})
}

// importanceOverride is POST /customers/{id}/importance (grade, reason).
func (u *ui) importanceOverride(rq *uiReq) {
	u.recordForm(rq, func(id int64, f url.Values) (*kam.KeyAccountEvent, error) {
		return &kam.KeyAccountEvent{Kind: kam.EventImportance, Value: f.Get("grade"), Reason: f.Get("reason")}, nil
	})
}

// keyAccountSettingsForm builds the rules' form (values as entered, errors by field).
func keyAccountSettingsForm(L *locale.Printer, s kam.KeyAccountSettings, errs []kam.FieldError) *web.KeyAccountSettingsForm {
	msg := map[string]string{}
	for _, e := range errs {
		msg[e.Field] = L.FieldError(e.Code, e.Message)
	}
	f := &web.KeyAccountSettingsForm{Action: "/settings/key-accounts"}
	group := func(title, field string, keys []string, w map[string]string) {
		g := web.SettingGroup{Title: L.T(title), Error: msg[field]}
		for _, k := range keys {
			g.Inputs = append(g.Inputs, web.SettingInput{Label: L.Enum("criterion", k), Name: field + "." + k, Value: w[k], Error: msg[field+"."+k]})
		}
		f.Groups = append(f.Groups, g)
	}
	group("settings.ka.scorecard", "scorecard_weights", kam.ScorecardCriteria, s.ScorecardWeights)
	group("settings.ka.attractiveness", "attractiveness_weights", kam.AttractivenessMeasures, s.AttractivenessWeights)
	group("settings.ka.strength", "strength_weights", kam.StrengthMeasures, s.StrengthWeights)
	f.Groups = append(f.Groups, web.SettingGroup{Title: L.T("settings.ka.thresholds"), Inputs: []web.SettingInput{
		{Label: L.T("settings.ka.scorecard_threshold"), Name: "scorecard_threshold", Value: s.ScorecardThreshold, Error: msg["scorecard_threshold"], Hint: L.T("settings.ka.threshold_hint")},
		{Label: L.T("settings.ka.portfolio_cut"), Name: "portfolio_cut", Value: s.PortfolioCut, Error: msg["portfolio_cut"], Hint: L.T("settings.ka.cut_hint")}}})
	return f
}

// keyAccountRows show the rules to those who may not edit them.
func keyAccountRows(L *locale.Printer, s kam.KeyAccountSettings) []web.FieldRow {
	var rows []web.FieldRow
	for _, g := range []struct {
		title string
		keys  []string
		w     map[string]string
	}{{"settings.ka.scorecard", kam.ScorecardCriteria, s.ScorecardWeights}, {"settings.ka.attractiveness", kam.AttractivenessMeasures, s.AttractivenessWeights},
		{"settings.ka.strength", kam.StrengthMeasures, s.StrengthWeights}} {
		var parts []string
		for _, k := range g.keys {
			if v := g.w[k]; v != "" {
				parts = append(parts, L.Enum("criterion", k)+" "+v)
			}
		}
		rows = append(rows, web.FieldRow{Label: L.T(g.title), Value: strings.Join(parts, " · ")})
	}
	return append(rows, web.FieldRow{Label: L.T("settings.ka.scorecard_threshold"), Value: s.ScorecardThreshold, Mono: true},
		web.FieldRow{Label: L.T("settings.ka.portfolio_cut"), Value: s.PortfolioCut, Mono: true})
}

// keyAccountSettingsFromForm reads the rules' form; empty weights are left out (they weigh 0).
func keyAccountSettingsFromForm(form url.Values) kam.KeyAccountSettings {
	s := kam.KeyAccountSettings{ScorecardWeights: map[string]string{}, AttractivenessWeights: map[string]string{}, StrengthWeights: map[string]string{},
		ScorecardThreshold: strings.TrimSpace(form.Get("scorecard_threshold")), PortfolioCut: strings.TrimSpace(form.Get("portfolio_cut"))}
	read := func(field string, keys []string, dst map[string]string) {
		for _, k := range keys {
			if v := strings.TrimSpace(form.Get(field + "." + k)); v != "" {
				dst[k] = v
			}
		}
	}
	read("scorecard_weights", kam.ScorecardCriteria, s.ScorecardWeights)
	read("attractiveness_weights", kam.AttractivenessMeasures, s.AttractivenessWeights)
	read("strength_weights", kam.StrengthMeasures, s.StrengthWeights)
	return s
}

// keyAccountSettingsSave is POST /settings/key-accounts.
func (u *ui) keyAccountSettingsSave(rq *uiReq) {
	set := keyAccountSettingsFromForm(rq.r.PostForm)
	if err := u.s.Ledger.SaveKeyAccountSettings(rq.r.Context(), set); err != nil {
		if fe := formErrors(err); fe != nil {
			values, err := u.s.Ledger.AnalyticsSettings(rq.r.Context())
			if err != nil {
				rq.fail(err)
				return
			}
			page := u.settingsPageOf(rq, settingsValues(values), nil)
			page.KeyAccounts = keyAccountSettingsForm(rq.L, set, fe)
			rq.render(422, "settings", page)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash("/settings/analytics#key-account-settings", "flash.settings_saved")
}
