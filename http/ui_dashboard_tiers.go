package kamhttp

import (
	"context"
	"encoding/json"
	"math/big"
	"net/url"
	"slices"
	"sort"
	"strconv"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// The dashboard's value tiers (the pyramid and its table), the profit-vs-revenue scatter with the
// cost customers marked, and the drill-down into the customers behind them. Like the rest of the
// dashboard, everything is computed from the period's figures within the user's scope.

// portfolio is one period's analysis: the figures the user may see, their ABC classes and value
// tiers, under the stored settings.
type portfolio struct {
	from, to string
	set      string // the saved filter's criteriaKey, "" for every customer
	figures  []kam.CustomerPeriod
	abc      analytics.ABC
	tiers    map[int64]string
}

// portfolioOf reads and classifies the period's figures.
func (u *ui) portfolioOf(ctx context.Context, rq *uiReq, p dashPeriod) (*portfolio, error) {
	from, to := p.months(u.s.Now())
	var c kam.FilterCriteria
	if p.Filter != "" {
		id, _ := strconv.ParseInt(p.Filter, 10, 64)
		f, err := u.s.Ledger.SavedFilter(ctx, id)
		if err != nil {
			return nil, err
		}
		c = f.Criteria
	}
	v, err := u.s.viewOf(ctx, from, to, c)
	if err != nil {
		return nil, err
	}
	figures := v.figures
	abc := u.s.abcOf(ctx, from, to, v.set, figures)
	tiers := u.s.tiersOf(ctx, v, abc)
	return &portfolio{from: from, to: to, set: v.set, figures: figures, abc: abc, tiers: tiers}, nil
}

// periodPortfolio reads the period of a dashboard request and its portfolio. A bad period shows
// the page with the period's error (page) or fails (a download); ok is false when the answer is
// written.
func (u *ui) periodPortfolio(rq *uiReq, v url.Values, page bool) (dashPeriod, *portfolio, bool) {
	p, err := parseDashPeriod(v)
	if err != nil {
		if page {
			u.periodError(rq, p)
		} else {
			rq.fail(err)
		}
		return p, nil, false
	}
	pf, err := u.portfolioOf(rq.r.Context(), rq, p)
	if err != nil {
		rq.fail(err)
		return p, nil, false
	}
	return p, pf, true
}

// tierOrder lists the tiers from the top of the pyramid down.
var tierOrder = []string{analytics.TierPlatinum, analytics.TierGold, analytics.TierIron, analytics.TierLead}

type tierSum struct {
	customers       int
	revenue, profit kam.Money
}

func (pf *portfolio) tierSums() map[string]*tierSum {
	out := map[string]*tierSum{}
	for _, t := range tierOrder {
		out[t] = &tierSum{}
	}
	for _, f := range pf.figures {
		s := out[pf.tiers[f.CustomerID]]
		if s == nil {
			continue
		}
		s.customers++
		s.revenue += f.NetRevenue
		s.profit += f.Profit()
	}
	return out
}

// rankedCustomer is one customer of a drill-down: its ABC rank and class, tier and figures.
type rankedCustomer struct {
	analytics.ABCRank
	tier string
	fig  kam.CustomerPeriod
}

// customerSet lists the customers of a tier (all when tier is empty), or only the cost
// customers (loss), ranked by net revenue; cost customers are listed worst loss first.
func (pf *portfolio) customerSet(tier string, loss bool) []rankedCustomer {
	byID := make(map[int64]kam.CustomerPeriod, len(pf.figures))
	for _, f := range pf.figures {
		byID[f.CustomerID] = f
	}
	var out []rankedCustomer
	for _, r := range pf.abc.Ranks {
		f := byID[r.CustomerID]
		t := pf.tiers[r.CustomerID]
		if (tier != "" && t != tier) || (loss && f.Profit() >= 0) {
			continue
		}
		out = append(out, rankedCustomer{ABCRank: r, tier: t, fig: f})
	}
	if loss {
		sort.SliceStable(out, func(i, j int) bool { return out[i].fig.Profit() < out[j].fig.Profit() })
	}
	return out
}

// tiersTable sums the tiers, each linking to its customers.
func tiersTable(L *locale.Printer, p dashPeriod, pf *portfolio) web.LedgerTable {
	sums := pf.tierSums()
	var all kam.Money
	for _, s := range sums {
		all += s.revenue
	}
	t := web.LedgerTable{ID: "tier-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.tier"), ""}, {"", L.T("dashboard.col.customers"), "num"},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.share"), "num"}, {"", L.T("dashboard.col.profit"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	var customers int
	var revenue, profit kam.Money
	for _, k := range tierOrder {
		s := sums[k]
		customers, revenue, profit = customers+s.customers, revenue+s.revenue, profit+s.profit
		t.Rows = append(t.Rows, web.LedgerRow{Class: "tier-" + k, Cells: []web.Cell{
			{Text: L.Enum("tier", k), URL: p.url("/dashboard/customers", url.Values{"tier": {k}}), Class: "cls"},
			{Text: L.Int(s.customers), Class: "num"},
			{Text: L.Total(int64(s.revenue)), Class: "num"},
			{Text: percent(shareOfTotal(s.revenue, all)), Class: "num"},
			{Text: L.Total(int64(s.profit)), Class: "num"},
		}})
	}
	t.Foot = []web.Cell{{Text: L.T("sales.total")}, {Text: L.Int(customers), Class: "num"}, {Text: L.Total(int64(revenue)), Class: "num"},
		{Text: ""}, {Text: L.Total(int64(profit)), Class: "num"}}
	return t
}

// shareOfTotal is part/total, nil when the total is not positive.
func shareOfTotal(part, total kam.Money) *big.Rat {
	if total <= 0 {
		return nil
	}
	return big.NewRat(int64(part), int64(total))
}

// pyramidChart is the tier pyramid's data: the tiers from the top down, each with its label in
// the page's language and the URL of its customers.
type pyramidChart struct {
	Tiers  []pyramidTier `json:"tiers"`
	Labels labels        `json:"labels"`
}

type pyramidTier struct {
	Key       string  `json:"key"`
	Name      string  `json:"name"`
	Label     string  `json:"label"`
	Customers int     `json:"customers"`
	Revenue   float64 `json:"revenue"`
	URL       string  `json:"url"`
}

func pyramidData(L *locale.Printer, p dashPeriod, pf *portfolio) string {
	sums := pf.tierSums()
	c := pyramidChart{Labels: labels{Title: L.T("dashboard.pyramid")}}
	for _, k := range tierOrder {
		s := sums[k]
		c.Tiers = append(c.Tiers, pyramidTier{Key: k, Name: L.Enum("tier", k), Customers: s.customers, Revenue: yuan(s.revenue),
			Label: L.T("dashboard.pyramid_label", L.Enum("tier", k), L.Int(s.customers), L.Total(int64(s.revenue))),
			URL:   p.url("/dashboard/customers", url.Values{"tier": {k}})})
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// scatterChart is the profit-vs-revenue scatter: each point is [net revenue, profit, customer
// id, code], in yuan; cost customers (a loss after cost-to-serve) are a series of their own.
type scatterChart struct {
	Profit [][]any `json:"profit"`
	Cost   [][]any `json:"cost"`
	Labels labels  `json:"labels"`
}

// scatterData draws at most chartMaxPoints customers: every cost customer up to a quarter of
// them (the largest losses first), and an even sample of the others by revenue rank. It returns
// how many customers the chart leaves out.
func scatterData(L *locale.Printer, pf *portfolio) (string, int) {
	c := scatterChart{Profit: [][]any{}, Cost: [][]any{},
		Labels: labels{Title: L.T("dashboard.scatter"), X: L.T("dashboard.chart.revenue"), Y: L.T("dashboard.chart.profit"),
			Series: L.T("dashboard.chart.profit_customers"), Series2: L.T("dashboard.cost_customers")}}
	byID := make(map[int64]kam.CustomerPeriod, len(pf.figures))
	for _, f := range pf.figures {
		byID[f.CustomerID] = f
	}
	var cost, others []kam.CustomerPeriod
	for _, r := range pf.abc.Ranks { // revenue order
		if f := byID[r.CustomerID]; f.Profit() < 0 {
			cost = append(cost, f)
		} else {
			others = append(others, f)
		}
	}
	left := 0
	if n := len(cost) + len(others); n > chartMaxPoints {
		sort.SliceStable(cost, func(i, j int) bool { return cost[i].Profit() < cost[j].Profit() })
		if len(cost) > chartMaxPoints/4 {
			left += len(cost) - chartMaxPoints/4
			cost = cost[:chartMaxPoints/4]
		}
		room := chartMaxPoints - len(cost)
		if len(others) > room {
			step := (len(others) + room - 1) / room
			var keep []kam.CustomerPeriod
			for _, i := range sampled(len(others), step) {
				keep = append(keep, others[i])
			}
			left += len(others) - len(keep)
			others = keep
		}
	}
	point := func(f kam.CustomerPeriod) []any {
		return []any{yuan(f.NetRevenue), yuan(f.Profit()), f.CustomerID, f.Code}
	}
	for _, f := range others {
		c.Profit = append(c.Profit, point(f))
	}
	for _, f := range cost {
		c.Cost = append(c.Cost, point(f))
	}
	b, _ := json.Marshal(c)
	return string(b), left
}

// dashboardCustomers is GET /dashboard/customers?tier=…|loss=1&…period&page=N: the customers
// behind the tier pyramid and the scatter's cost customers, ranked, paged.
func (u *ui) dashboardCustomers(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	tier, loss, err := customerSetParams(v)
	if err != nil {
		rq.fail(err)
		return
	}
	p, pf, ok := u.periodPortfolio(rq, v, true)
	if !ok {
		return
	}
	set := pf.customerSet(tier, loss)
	heading := L.T("dashboard.all_customers")
	switch {
	case loss:
		heading = L.T("dashboard.cost_heading")
	case tier != "":
		heading = L.T("dashboard.tier_heading", L.Enum("tier", tier))
	}
	filter := customerSetValues(tier, loss)
	page := &web.DashboardCustomersPage{Base: rq.base(heading, "dashboard"), Heading: heading, Total: len(set),
		BackURL: p.url("/dashboard", nil), Sections: dashSections(L, "", p)}
	if tier != "" {
		page.Note = L.T("dashboard.tier_rule." + tier)
	}
	page.Period = u.selector(L, p, "/dashboard/customers")
	u.offerFilters(ctx, L, &page.Period)
	keepInPeriodLinks(&page.Period, "/dashboard/customers", filter)
	pageNo := pageParam(v, "page")
	rows := pageOf(set, (pageNo-1)*classPer, classPer)
	names := u.customerNames(ctx, rankedIDs(rows))
	t := web.LedgerTable{ID: "customers-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.rank"), "num"}, {"", L.T("ledger.col.customer"), ""},
		{"", L.T("dashboard.col.class"), ""}, {"", L.T("dashboard.col.tier"), ""}, {"", L.T("dashboard.col.revenue"), "num"},
		{"", L.T("dashboard.col.profit"), "num"}, {"", L.T("dashboard.col.margin"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, r := range rows {
		row := web.LedgerRow{Cells: []web.Cell{{Text: L.Int(r.Rank), Class: "num"}, customerCell(r.CustomerID, r.Code, names),
			{Text: r.Class}, {Text: L.Enum("tier", r.tier)}, {Text: L.Money(int64(r.fig.NetRevenue)), Class: "num"},
			{Text: L.Money(int64(r.fig.Profit())), Class: "num"}, {Text: percent(shareOfTotal(r.fig.Profit(), r.fig.NetRevenue)), Class: "num"}}}
		if r.fig.Profit() < 0 {
			row.Class = "loss"
		}
		t.Rows = append(t.Rows, row)
	}
	t.Pager = drillPager(pageNo, len(set), filter, func(v url.Values) string { return p.url("/dashboard/customers", v) })
	page.Table = t
	page.First, page.Last = drillBounds(pageNo, len(rows))
	page.Exports = dashExports(L, p, "customers", filter)
	rq.render(200, "dashboard_customers", page)
}

// customerSetParams reads a drill-down's set: tier=platinum|gold|iron|lead, or loss=1.
func customerSetParams(v url.Values) (string, bool, error) {
	tier := v.Get("tier")
	if tier != "" && !slices.Contains(tierOrder, tier) {
		return "", false, kam.Errorf(kam.EInvalid, "unknown tier %q", tier)
	}
	switch v.Get("loss") {
	case "":
		return tier, false, nil
	case "1":
		return tier, true, nil
	}
	return "", false, kam.Errorf(kam.EInvalid, "loss must be 1")
}

func customerSetValues(tier string, loss bool) url.Values {
	v := url.Values{}
	if tier != "" {
		v.Set("tier", tier)
	}
	if loss {
		v.Set("loss", "1")
	}
	return v
}

// keepInPeriodLinks makes the period selector's links of a drill-down keep its filter.
func keepInPeriodLinks(sel *web.DashboardPeriod, path string, filter url.Values) {
	for i := range sel.Links {
		lp := dashPeriod{Filter: sel.Filter}
		if i > 0 {
			lp.Year = sel.Links[i].Label
		}
		sel.Links[i].URL = lp.url(path, filter)
	}
}

func rankedIDs(rows []rankedCustomer) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CustomerID
	}
	return ids
}
