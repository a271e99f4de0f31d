package kamhttp

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// The portfolio dashboard: the ABC classification by net revenue with its Pareto chart, the
// whale curve of profit after cost-to-serve, the most and least profitable customers, and the
// drill-down into one class. The figures come from kam.LedgerService.PeriodFigures, which
// applies the user's scope (a rep sees their own customers, finance all, service staff none), and
// the calculations from package analytics, as in the API (api_analytics.go).

// registerDashboard declares the dashboard's routes.
func (u *ui) registerDashboard(rt *router) {
	viewLedger := need(kam.ActView, kam.ResLedger)
	u.handle(rt, "GET /dashboard", viewLedger, u.dashboard)
	u.handle(rt, "GET /dashboard/abc", viewLedger, u.dashboardClass)
	u.handle(rt, "GET /dashboard/export", need(kam.ActExport, kam.ResLedger), u.dashboardExport)
	u.handle(rt, "GET /dashboard/customers", viewLedger, u.dashboardCustomers)
	u.handle(rt, "GET /dashboard/behaviour", viewLedger, u.dashboardBehaviour)
	u.handle(rt, "GET /dashboard/behaviour/customers", viewLedger, u.behaviourCustomers)
	u.handle(rt, "GET /filters", anyUser, u.filtersPage)
	u.handle(rt, "POST /filters", anyUser, u.filtersSave)
	u.handle(rt, "POST /filters/{id}/delete", anyUser, u.filtersDelete)
	u.handle(rt, "GET /dashboard/migration", viewLedger, u.dashboardMigration)
	u.handle(rt, "GET /dashboard/migration/customers", viewLedger, u.migrationCustomers)
	u.handle(rt, "GET /settings/analytics", need(kam.ActView, kam.ResSettings), u.settingsPage)
	u.handle(rt, "POST /settings/analytics", need(kam.ActEdit, kam.ResSettings), u.settingsSave)
	u.handle(rt, "GET /customers/{id}/analysis/export", need(kam.ActExport, kam.ResLedger), u.cardAnalysisExport)
	u.registerKeyAccounts(rt)
}

const (
	// chartMaxPoints bounds a chart's series: a larger portfolio shows every Nth rank (plus the
	// peak and the last rank), so the page stays light.
	chartMaxPoints = 2000
	// dashboardTop is the length of the top and bottom lists.
	dashboardTop = 10
	// classPer is the page size of a class's customer list.
	classPer = 50
)

var (
	yearText  = regexp.MustCompile(`^(19|20|21)\d{2}$`)
	monthOnly = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
)

// dashPeriod is the period of the dashboard: a year, from–to months, or (all empty) the last 12
// complete months.
type dashPeriod struct {
	Year, From, To string
	// Filter is the id of the saved filter applied ("" for every customer); links keep it.
	Filter string
}

var filterID = regexp.MustCompile(`^[1-9][0-9]{0,17}$`)

// parseDashPeriod reads period=YYYY or from=YYYY-MM&to=YYYY-MM. Unlike the lists' filters, a
// malformed period is an error the page explains: silently showing another period would be
// misleading.
func parseDashPeriod(v url.Values) (dashPeriod, error) {
	p := dashPeriod{Year: v.Get("period"), From: v.Get("from"), To: v.Get("to"), Filter: v.Get("filter")}
	if p.Filter != "" && !filterID.MatchString(p.Filter) {
		return p, kam.Errorf(kam.EInvalid, "bad filter %q", p.Filter)
	}
	switch {
	case p.Year != "" && (p.From != "" || p.To != ""):
		return p, kam.Errorf(kam.EInvalid, "give a year or a range of months, not both")
	case p.Year != "":
		if !yearText.MatchString(p.Year) {
			return p, kam.Errorf(kam.EInvalid, "bad year %q", p.Year)
		}
	case p.From == "" && p.To == "":
	case !monthOnly.MatchString(p.From) || !monthOnly.MatchString(p.To) || p.From > p.To:
		return p, kam.Errorf(kam.EInvalid, "bad months %q–%q", p.From, p.To)
	}
	return p, nil
}

// months resolves the period to its first and last month.
func (p dashPeriod) months(now time.Time) (string, string) {
	switch {
	case p.Year != "":
		return p.Year + "-01", p.Year + "-12"
	case p.From != "":
		return p.From, p.To
	}
	return analytics.LastTwelveMonths(now, locale.Shanghai)
}

// values are the period's URL parameters (none for the default).
func (p dashPeriod) values() url.Values {
	v := url.Values{}
	if p.Filter != "" {
		v.Set("filter", p.Filter)
	}
	switch {
	case p.Year != "":
		v.Set("period", p.Year)
	case p.From != "":
		v.Set("from", p.From)
		v.Set("to", p.To)
	}
	return v
}

// url is path with the period's parameters and more.
func (p dashPeriod) url(path string, more url.Values) string {
	v := p.values()
	for k, vals := range more {
		v[k] = vals
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// selector fills the period selector: the default, the current year and the three before.
func (u *ui) selector(L *locale.Printer, p dashPeriod, path string) web.DashboardPeriod {
	now := u.s.Now()
	from, to := p.months(now)
	sel := web.DashboardPeriod{Label: from + " – " + to, From: p.From, To: p.To, Filter: p.Filter, Action: path}
	if p.From == "" {
		sel.From, sel.To = from, to
	}
	sel.Links = append(sel.Links, web.Link{Label: L.T("dashboard.last12"), URL: dashPeriod{Filter: p.Filter}.url(path, nil), Active: p == dashPeriod{Filter: p.Filter}})
	y := now.In(locale.Shanghai).Year()
	for i := 0; i < 4; i++ {
		year := strconv.Itoa(y - i)
		sel.Links = append(sel.Links, web.Link{Label: year, URL: dashPeriod{Year: year, Filter: p.Filter}.url(path, nil), Active: p.Year == year})
	}
	return sel
}

// periodError shows the page with the period selector and the explanation, status 400.
func (u *ui) periodError(rq *uiReq, p dashPeriod) {
	page := &web.DashboardPage{Base: rq.base(rq.L.T("dashboard.title"), "dashboard"), Heading: rq.L.T("dashboard.title")}
	page.Period = web.DashboardPeriod{Label: "—", From: p.From, To: p.To, Error: rq.L.T("dashboard.bad_period")}
	page.Period.Links = u.selector(rq.L, dashPeriod{}, "/dashboard").Links
	page.Period.Links[0].Active = false
	rq.render(http.StatusBadRequest, "dashboard", page)
}

// dashboard is GET /dashboard.
func (u *ui) dashboard(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	p, pf, ok := u.periodPortfolio(rq, rq.r.URL.Query(), true)
	if !ok {
		return
	}
	// What the page shows of the portfolio is the same for every director until the figures
	// change: built once per period, selection and language (the memo answers only callers who
	// see the whole portfolio; the others' pages are built for them).
	key := fmt.Sprintf("dashboard page %s %s %s %+v %s", pf.from, pf.to, pf.set, p, L.Lang)
	content, err := memoized(u.s, ctx, key, func(ctx context.Context) (*web.DashboardPage, error) { return u.dashboardContent(ctx, L, p, pf), nil })
	if err != nil {
		rq.fail(err)
		return
	}
	page := *content
	page.Base = rq.base(L.T("dashboard.title"), "dashboard")
	page.Period = u.selector(L, p, "/dashboard")
	u.offerFilters(ctx, L, &page.Period)
	// The most and least profitable customers, with the names this user may see (finance keeps
	// the books of files it may not open): not part of the shared content.
	whale := u.s.whaleOf(ctx, pf.from, pf.to, pf.set, pf.figures)
	n := len(whale.Points)
	top := whale.Points[:min(dashboardTop, n)]
	var bottom []analytics.WhalePoint
	for i := n - 1; i >= max(n-dashboardTop, len(top)); i-- {
		bottom = append(bottom, whale.Points[i])
	}
	page.Top = u.profitTable(ctx, L, "top-table", top)
	page.Bottom = u.profitTable(ctx, L, "bottom-table", bottom)
	rq.render(200, "dashboard", &page)
}

// dashboardContent builds the overview's figures, tables and charts.
func (u *ui) dashboardContent(ctx context.Context, L *locale.Printer, p dashPeriod, pf *portfolio) *web.DashboardPage {
	figures, abc := pf.figures, pf.abc
	whale := u.s.whaleOf(ctx, pf.from, pf.to, pf.set, figures)
	page := &web.DashboardPage{Heading: L.T("dashboard.title"), HasData: true, Sections: dashSections(L, "overview", p)}
	page.Figures = []web.Figure{
		{Label: L.T("dashboard.customers"), Value: L.Int(len(figures))},
		{Label: L.T("dashboard.revenue"), Value: L.Total(int64(abc.Total))},
		{Label: L.T("dashboard.profit"), Value: L.Total(int64(whale.Total))},
		{Label: L.T("dashboard.cost_customers"), Value: L.Int(whale.CostCustomers), Class: warnIf(whale.CostCustomers > 0)},
	}
	if whale.PeakShare != nil && whale.PeakRank > 0 {
		page.Figures = append(page.Figures, web.Figure{Label: L.T("dashboard.peak"),
			Value: L.T("dashboard.peak_value", percent(whale.PeakShare), L.Int(whale.PeakRank))})
	}
	page.CostCustomers = L.T("dashboard.cost_note", L.Int(whale.CostCustomers), L.Int(len(figures)))

	// The ABC summary, each class linking to its customers.
	t := web.LedgerTable{ID: "abc-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.class"), ""}, {"", L.T("dashboard.col.customers"), "num"},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.share"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, k := range []string{"A", "B", "C"} {
		c := abc.Classes[k]
		if c == nil {
			c = &analytics.ABCClass{}
		}
		t.Rows = append(t.Rows, web.LedgerRow{Class: "abc-" + k, Cells: []web.Cell{
			{Text: L.T("dashboard.class", k), URL: p.url("/dashboard/abc", url.Values{"class": {k}}), Class: "cls"},
			{Text: L.Int(c.Customers), Class: "num"},
			{Text: L.Total(int64(c.Revenue)), Class: "num"},
			{Text: percent(c.Share), Class: "num"},
		}})
	}
	t.Foot = []web.Cell{{Text: L.T("sales.total")}, {Text: L.Int(len(abc.Ranks)), Class: "num"},
		{Text: L.Total(int64(abc.Total)), Class: "num"}, {Text: percent(big.NewRat(btoi(abc.Total != 0), 1)), Class: "num"}}
	page.ABC = t
	page.ABCExports = dashExports(L, p, "abc", nil)
	page.ProfitExports = dashExports(L, p, "profit", nil)

	// The value tiers, and the scatter of profit over revenue.
	page.Tiers = tiersTable(L, p, pf)
	page.TierExports = dashExports(L, p, "customers", nil)
	page.TiersJSON = pyramidData(L, p, pf)
	var left int
	page.ScatterJSON, left = scatterData(L, pf)
	if left > 0 {
		page.ScatterNote = L.T("dashboard.scatter_sampled", L.Int(left))
	}
	page.CostListURL = p.url("/dashboard/customers", url.Values{"loss": {"1"}})

	// The charts.
	pareto, whaleChart, step := chartData(L, abc, whale)
	page.ParetoJSON, page.WhaleJSON = pareto, whaleChart
	if step > 1 {
		page.Sampled = L.T("dashboard.sampled", L.Int(step))
	}
	return page
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func warnIf(b bool) string {
	if b {
		return "warn"
	}
	return ""
}

// percent shows a fraction as a percentage with one decimal: 0.8123 → 81.2%.
func percent(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	return new(big.Rat).Mul(r, big.NewRat(100, 1)).FloatString(1) + "%"
}

// customerNames names the customers the user may see; the others (finance keeps the books of
// files it does not see) show by code only.
func (u *ui) customerNames(ctx context.Context, ids []int64) map[int64]*kam.Customer {
	out, err := u.s.Customers.FindCustomersByID(ctx, ids)
	if err != nil {
		u.s.Logger.Error("naming the customers of a ranking", "err", err)
		return map[int64]*kam.Customer{}
	}
	return out
}

// customerCell links a ranked customer to its card.
func customerCell(id int64, code string, names map[int64]*kam.Customer) web.Cell {
	c := web.Cell{Text: code, URL: customerURL(id, ""), Class: "cust"}
	if n := names[id]; n != nil {
		c.Text, c.Lines = n.Name, []string{code}
	}
	return c
}

func (u *ui) profitTable(ctx context.Context, L *locale.Printer, id string, points []analytics.WhalePoint) web.LedgerTable {
	ids := make([]int64, len(points))
	for i, p := range points {
		ids[i] = p.CustomerID
	}
	names := u.customerNames(ctx, ids)
	t := web.LedgerTable{ID: id, Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.rank"), "num"}, {"", L.T("ledger.col.customer"), ""},
		{"", L.T("dashboard.col.profit"), "num"}, {"", L.T("dashboard.col.cumulative_profit"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, p := range points {
		r := web.LedgerRow{Cells: []web.Cell{{Text: L.Int(p.Rank), Class: "num"}, customerCell(p.CustomerID, p.Code, names),
			{Text: L.Money(int64(p.Profit)), Class: "num"}, {Text: L.Money(int64(p.Cumulative)), Class: "num"}}}
		if p.Profit < 0 {
			r.Class = "loss"
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// paretoChart and whaleChart are the data dashboard.js draws, labels in the page's language.
// Amounts are in yuan: a chart needs no fen-exact figure.
type paretoChart struct {
	Ranks      []int     `json:"ranks"`
	Codes      []string  `json:"codes"`
	Revenue    []float64 `json:"revenue"`
	Cumulative []float64 `json:"cumulative"` // percent
	Threshold  float64   `json:"threshold"`  // percent: the A line
	Labels     labels    `json:"labels"`
}

type whaleChart struct {
	Ranks      []int     `json:"ranks"`
	Codes      []string  `json:"codes"`
	Cumulative []float64 `json:"cumulative"`
	PeakRank   int       `json:"peakRank"`
	PeakValue  float64   `json:"peakValue"`
	Labels     labels    `json:"labels"`
}

type labels struct {
	Title, X, Y, Y2, Series, Series2, Mark string
}

func yuan(m kam.Money) float64 { return float64(m) / float64(kam.MoneyUnit) }

func ratPercent(r *big.Rat) float64 {
	if r == nil {
		return 0
	}
	f, _ := new(big.Rat).Mul(r, big.NewRat(100, 1)).Float64()
	return float64(int64(f*100+0.5)) / 100
}

// sampled keeps every step-th index of n, the last and the extra ones (the peak), in order.
func sampled(n, step int, extra ...int) []int {
	keep := make([]int, 0, n/step+2+len(extra))
	for i := 0; i < n; i++ {
		want := i%step == 0 || i == n-1
		for _, e := range extra {
			want = want || i == e
		}
		if want {
			keep = append(keep, i)
		}
	}
	return keep
}

// chartData builds both charts' JSON; a portfolio over chartMaxPoints customers is sampled.
func chartData(L *locale.Printer, abc analytics.ABC, w analytics.Whale) (string, string, int) {
	n := len(abc.Ranks)
	step := 1
	if n > chartMaxPoints {
		step = (n + chartMaxPoints/2 - 1) / (chartMaxPoints / 2) // about 1,000 points
	}
	th, _ := abc.Thresholds.A.Float64()
	pc := paretoChart{Ranks: []int{}, Codes: []string{}, Revenue: []float64{}, Cumulative: []float64{}, Threshold: th * 100,
		Labels: labels{Title: L.T("dashboard.pareto"), X: L.T("dashboard.col.rank"), Y: L.T("dashboard.chart.revenue"),
			Y2: L.T("dashboard.chart.cumulative"), Series: L.T("dashboard.col.revenue"), Series2: L.T("dashboard.chart.cumulative"),
			Mark: L.T("dashboard.chart.line80")}}
	for _, i := range sampled(n, step) {
		r := abc.Ranks[i]
		pc.Ranks = append(pc.Ranks, r.Rank)
		pc.Codes = append(pc.Codes, r.Code)
		pc.Revenue = append(pc.Revenue, yuan(r.Revenue))
		pc.Cumulative = append(pc.Cumulative, ratPercent(r.Cumulative.Rat()))
	}
	wc := whaleChart{Ranks: []int{}, Codes: []string{}, Cumulative: []float64{}, PeakRank: w.PeakRank,
		Labels: labels{Title: L.T("dashboard.whale"), X: L.T("dashboard.col.rank"), Y: L.T("dashboard.chart.cumulative_profit"),
			Series: L.T("dashboard.col.cumulative_profit"), Mark: L.T("dashboard.chart.peak")}}
	for _, i := range sampled(len(w.Points), step, w.PeakRank-1) {
		p := w.Points[i]
		wc.Ranks = append(wc.Ranks, p.Rank)
		wc.Codes = append(wc.Codes, p.Code)
		wc.Cumulative = append(wc.Cumulative, yuan(p.Cumulative))
		if p.Rank == w.PeakRank {
			wc.PeakValue = yuan(p.Cumulative)
		}
	}
	a, _ := json.Marshal(pc)
	b, _ := json.Marshal(wc)
	return string(a), string(b), step
}

// dashboardClass is GET /dashboard/abc?class=A&…period&page=N: one class's ranked customers.
func (u *ui) dashboardClass(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	class := v.Get("class")
	if class != "A" && class != "B" && class != "C" {
		rq.fail(kam.Errorf(kam.EInvalid, "unknown class %q", class))
		return
	}
	p, pf, ok := u.periodPortfolio(rq, v, true)
	if !ok {
		return
	}
	var ranks []analytics.ABCRank
	for _, r := range pf.abc.Ranks {
		if r.Class == class {
			ranks = append(ranks, r)
		}
	}
	pageNo := 1
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		pageNo = n
	}
	heading := L.T("dashboard.class_heading", class)
	page := &web.DashboardClassPage{Base: rq.base(heading, "dashboard"), Heading: heading, Total: len(ranks),
		BackURL: p.url("/dashboard", nil)}
	page.Period = u.selector(L, p, "/dashboard/abc")
	u.offerFilters(ctx, L, &page.Period)
	keepInPeriodLinks(&page.Period, "/dashboard/abc", url.Values{"class": {class}})
	page.Sections = dashSections(L, "", p)
	rows := pageOf(ranks, (pageNo-1)*classPer, classPer)
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CustomerID
	}
	names := u.customerNames(ctx, ids)
	t := web.LedgerTable{ID: "class-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.rank"), "num"}, {"", L.T("ledger.col.customer"), ""},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.share"), "num"}, {"", L.T("dashboard.col.cumulative"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, web.LedgerRow{Cells: []web.Cell{{Text: L.Int(r.Rank), Class: "num"}, customerCell(r.CustomerID, r.Code, names),
			{Text: L.Money(int64(r.Revenue)), Class: "num"}, {Text: percent(r.Share.Rat()), Class: "num"}, {Text: percent(r.Cumulative.Rat()), Class: "num"}}})
	}
	t.Pager = drillPager(pageNo, len(ranks), url.Values{"class": {class}}, func(v url.Values) string { return p.url("/dashboard/abc", v) })
	page.Table = t
	page.First, page.Last = drillBounds(pageNo, len(rows))
	page.Exports = dashExports(L, p, "abc", nil)
	rq.render(200, "dashboard_abc", page)
}

// drillPager pages a drill-down of total customers, classPer a page; link makes the URL of the
// parameters more with the page's number.
func drillPager(pageNo, total int, more url.Values, link func(url.Values) string) web.Pager {
	return pager(pageNo, (total+classPer-1)/classPer, func(n int) string {
		v := url.Values{}
		for k, vals := range more {
			v[k] = vals
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return link(v)
	})
}

// drillBounds are the positions of the first and last of shown rows on page pageNo (0, 0 for none).
func drillBounds(pageNo, shown int) (int, int) {
	if shown == 0 {
		return 0, 0
	}
	first := (pageNo-1)*classPer + 1
	return first, first + shown - 1
}

// pageOf is page (api_analytics.go), callable where a variable is named page.
func pageOf[T any](items []T, offset, limit int) []T { return page(items, offset, limit) }
