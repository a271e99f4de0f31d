package kamhttp

import (
	"context"
	"encoding/json"
	"math/big"
	"net/url"
	"slices"
	"strconv"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// The dashboard's behaviour page (/dashboard/behaviour): LAMP groups, loyalty types, growth,
// lifetime value and the portfolio by segment, over the period and the saved filter of the
// request, within the user's scope; every table drills down to its customers
// (/dashboard/behaviour/customers) and exports (/dashboard/export?table=behaviour|segments).

// behaviourOf is the behaviour of the portfolio's customers.
func (u *ui) behaviourOf(ctx context.Context, pf *portfolio) ([]analytics.Behaviour, error) {
	return u.s.behavioursOf(ctx, &view{from: pf.from, to: pf.to, set: pf.set, figures: pf.figures})
}

// behaviourSet reads a drill-down's selection: lamp=…, loyalty=…, or segment_by=…&segment=….
type behaviourSet struct {
	lamp, loyalty, by, segment string
}

func behaviourSetParams(v url.Values) (behaviourSet, error) {
	b := behaviourSet{lamp: v.Get("lamp"), loyalty: v.Get("loyalty"), by: v.Get("segment_by"), segment: v.Get("segment")}
	switch {
	case b.lamp != "" && !slices.Contains(kam.LAMPGroups, b.lamp):
		return b, kam.Errorf(kam.EInvalid, "unknown LAMP group %q", b.lamp)
	case b.loyalty != "" && b.loyalty != "none" && !slices.Contains(kam.LoyaltyTypes, b.loyalty):
		return b, kam.Errorf(kam.EInvalid, "unknown loyalty type %q", b.loyalty)
	case b.by != "" && !slices.Contains(kam.SegmentFields, b.by):
		return b, kam.Errorf(kam.EInvalid, "unknown segment field %q", b.by)
	}
	return b, nil
}

func (b behaviourSet) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"lamp": b.lamp, "loyalty": b.loyalty, "segment_by": b.by} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if b.by != "" {
		v.Set("segment", b.segment)
	}
	return v
}

// keep reports whether a customer is in the selection.
func (b behaviourSet) keep(x *analytics.Behaviour, d *kam.CustomerDetail, categories map[int64]kam.Money) bool {
	if b.lamp != "" && x.LAMP != b.lamp || b.loyalty != "" && loyaltyKey(x) != b.loyalty {
		return false
	}
	if b.by == "" {
		return true
	}
	if d == nil {
		return false
	}
	switch b.by {
	case "category":
		id, _ := strconv.ParseInt(b.segment, 10, 64)
		_, ok := categories[id]
		return ok
	case "industry":
		return d.Industry == b.segment
	case "nature":
		return d.Nature == b.segment
	case "region":
		return d.Province == b.segment
	}
	return d.ChannelRole == b.segment
}

// segmentBy reads by= (industry when empty).
func segmentBy(v url.Values) (string, error) {
	by := v.Get("by")
	if by == "" {
		return "industry", nil
	}
	if !slices.Contains(kam.SegmentFields, by) {
		return "", kam.Errorf(kam.EInvalid, "unknown segment field %q", by)
	}
	return by, nil
}

// dashboardBehaviour is GET /dashboard/behaviour.
func (u *ui) dashboardBehaviour(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	q := rq.r.URL.Query()
	by, err := segmentBy(q)
	if err != nil {
		rq.fail(err)
		return
	}
	p, pf, ok := u.periodPortfolio(rq, q, true)
	if !ok {
		return
	}
	bs, err := u.behaviourOf(ctx, pf)
	if err != nil {
		rq.fail(err)
		return
	}
	v := &view{from: pf.from, to: pf.to, set: pf.set, figures: pf.figures}
	heading := L.T("behaviour.title")
	page := &web.BehaviourPage{Base: rq.base(heading, "dashboard"), Heading: heading, HasData: true, Sections: dashSections(L, "behaviour", p), SegmentBy: by}
	page.Period = u.selector(L, p, "/dashboard/behaviour")
	u.offerFilters(ctx, L, &page.Period)
	keepInPeriodLinks(&page.Period, "/dashboard/behaviour", url.Values{"by": {by}})
	drill := func(set behaviourSet) string { return p.url("/dashboard/behaviour/customers", set.values()) }

	// The LAMP groups and the loyalty types.
	groups, err := u.s.behaviourGroupsOf(ctx, v, bs)
	if err != nil {
		rq.fail(err)
		return
	}
	lamp, loyalty := groups.lamp, groups.loyalty
	page.LAMP, page.LAMPJSON = groupTable(L, "lamp-table", "lamp", kam.LAMPGroups, lamp, func(k string) string { return drill(behaviourSet{lamp: k}) })
	page.Loyalty, page.LoyaltyJSON = groupTable(L, "loyalty-table", "loyalty", loyaltyKeys(), loyalty, func(k string) string { return drill(behaviourSet{loyalty: k}) })
	settings, err := u.s.Ledger.AnalyticsSettings(ctx)
	if err != nil {
		rq.fail(err)
		return
	}
	b := settings.BehaviourSettings
	b.Fill()
	page.LAMPRule = L.T("behaviour.lamp_rule", percentText(b.LAMPCore), percentText(b.LAMPNext), percentText(b.LAMPGrowth))
	page.LoyaltyRule = L.T("behaviour.loyalty_rule", percentText(b.SwitchShift), percentText(b.LoyalRegularity), percentText(b.LoyalShare))

	// Growth: the portfolio's months and trend, the customers rising and falling the most.
	gs, err := u.s.growthOf(ctx, v, bs)
	if err != nil {
		rq.fail(err)
		return
	}
	g := gs.growth
	page.GrowthJSON = monthsChart(L, pf.from, gs.monthly, g)
	page.GrowthNote = L.T("behaviour.growth_note", L.Total(int64(g.Revenue)), L.Total(int64(g.Prior)), ratioText(g.YoY), slopeText(L, g.Slope))
	mv, err := u.s.moversOf(ctx, v, bs)
	if err != nil {
		rq.fail(err)
		return
	}
	page.Rising = u.behaviourTable(ctx, L, "rising-table", v, mv.rising)
	page.Falling = u.behaviourTable(ctx, L, "falling-table", v, mv.falling)

	// Lifetime value: the model's inputs and the most valuable customers.
	c, err := u.s.clvOf(ctx, v, bs)
	if err != nil {
		rq.fail(err)
		return
	}
	source := L.T("behaviour.retention_setting")
	if c.observed {
		source = L.T("behaviour.retention_observed")
	}
	total := c.total
	page.CLVNote = L.T("behaviour.clv_note", percent(c.retention), source, percent(c.rules.CLVDiscount), L.Int(c.rules.CLVYears),
		c.factor.FloatString(4), L.Total(int64(total)))
	page.CLV = u.behaviourTable(ctx, L, "clv-table", v, c.sorted[:min(dashboardTop, len(c.sorted))])

	// Segments.
	for _, f := range kam.SegmentFields {
		page.SegmentLinks = append(page.SegmentLinks, web.Link{Label: L.T("segment." + f), URL: p.url("/dashboard/behaviour", url.Values{"by": {f}}) + "#segments", Active: f == by})
	}
	segs, err := u.s.segments(ctx, v, bs, by)
	if err != nil {
		rq.fail(err)
		return
	}
	page.Segments, page.SegmentsJSON = segmentTable(L, by, segs, func(sg SegmentOut) string {
		val := sg.Value
		if by == "category" {
			val = strconv.FormatInt(sg.CategoryID, 10)
		}
		return drill(behaviourSet{by: by, segment: val})
	})

	core, promising := lamp[kam.LAMPCore], lamp[kam.LAMPPromising]
	page.Figures = []web.Figure{
		{Label: L.T("dashboard.customers"), Value: L.Int(len(pf.figures))},
		{Label: L.T("behaviour.fig.core"), Value: L.T("behaviour.fig.core_value", L.Int(core.Customers), percentText(core.Share.Text))},
		{Label: L.T("behaviour.fig.promising"), Value: L.Int(promising.Customers)},
		{Label: L.T("behaviour.fig.loyal"), Value: L.Int(loyalty[kam.LoyaltyLoyal].Customers)},
		{Label: L.T("behaviour.fig.yoy"), Value: ratioText(g.YoY)},
		{Label: L.T("behaviour.fig.clv"), Value: L.Total(int64(total))},
	}
	page.BehaviourExports = dashExports(L, p, "behaviour", nil)
	page.SegmentExports = dashExports(L, p, "segments", url.Values{"by": {by}})
	rq.render(200, "dashboard_behaviour", page)
}

// percentText shows a decimal fraction setting as a percentage.
func percentText(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	return percent(r)
}

// ratioText shows a ratio as a signed percentage; "—" when there is none.
func ratioText(r *big.Rat) string {
	if r == nil {
		return "—"
	}
	t := percent(r)
	if r.Sign() > 0 {
		t = "+" + t
	}
	return t
}

// slopeText shows a slope of money per month.
func slopeText(L *locale.Printer, r *big.Rat) string {
	if r == nil {
		return "—"
	}
	return L.T("behaviour.per_month", L.Money(int64(analytics.RoundMoney(r))))
}

// barsChart is the data of dashboard.js's bars.
type barsChart struct {
	Names  []string  `json:"names"`
	Values []float64 `json:"values"`
	Counts []int     `json:"counts"`
	URLs   []string  `json:"urls"`
	Labels labels    `json:"labels"`
}

// groupTable is the table and the bars of groups (kind: lamp, loyalty), each row linking to its
// customers.
func groupTable(L *locale.Printer, id, kind string, keys []string, sums map[string]GroupOut, link func(string) string) (web.LedgerTable, string) {
	t := web.LedgerTable{ID: id, Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("behaviour.col." + kind), ""}, {"", L.T("dashboard.col.customers"), "num"},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.share"), "num"}, {"", L.T("dashboard.col.profit"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	chart := barsChart{Names: []string{}, Values: []float64{}, Counts: []int{}, URLs: []string{},
		Labels: labels{Y: L.T("dashboard.chart.revenue"), Series: L.T("dashboard.col.customers")}}
	for _, k := range keys {
		g := sums[k]
		name := L.Enum(kind, k)
		t.Rows = append(t.Rows, web.LedgerRow{Class: kind + "-" + k, Cells: []web.Cell{{Text: name, URL: link(k), Class: "cls"},
			{Text: L.Int(g.Customers), Class: "num"}, {Text: L.Total(int64(g.Revenue)), Class: "num"},
			{Text: percentText(g.Share.Text), Class: "num"}, {Text: L.Total(int64(g.Profit)), Class: "num"}}})
		chart.Names = append(chart.Names, name)
		chart.Values = append(chart.Values, yuan(g.Revenue))
		chart.Counts = append(chart.Counts, g.Customers)
		chart.URLs = append(chart.URLs, link(k))
	}
	b, _ := json.Marshal(chart)
	return t, string(b)
}

// segmentTable is the segments' table and bars.
func segmentTable(L *locale.Printer, by string, segs SegmentsOut, link func(SegmentOut) string) (web.LedgerTable, string) {
	t := web.LedgerTable{ID: "segment-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("segment." + by), ""}, {"", L.T("dashboard.col.customers"), "num"},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.share"), "num"}, {"", L.T("dashboard.col.profit"), "num"},
		{"", L.T("dashboard.cost_customers"), "num"}, {"", "A / B / C", "num"}, {"", L.T("behaviour.col.core_next"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	chart := barsChart{Names: []string{}, Values: []float64{}, Counts: []int{}, URLs: []string{},
		Labels: labels{Y: L.T("dashboard.chart.revenue"), Series: L.T("dashboard.col.customers")}}
	for i, sg := range segs.Segments {
		name := segmentName(L, by, sg.Value)
		row := web.LedgerRow{Cells: []web.Cell{{Text: name, URL: link(sg), Class: "cls"}, {Text: L.Int(sg.Customers), Class: "num"},
			{Text: L.Total(int64(sg.Revenue)), Class: "num"}, {Text: percentText(sg.Share.Text), Class: "num"}, {Text: L.Total(int64(sg.Profit)), Class: "num"},
			{Text: L.Int(sg.CostCustomers), Class: "num"},
			{Text: L.Int(sg.Classes["A"]) + " / " + L.Int(sg.Classes["B"]) + " / " + L.Int(sg.Classes["C"]), Class: "num"},
			{Text: L.Int(sg.LAMP[kam.LAMPCore]) + " / " + L.Int(sg.LAMP[kam.LAMPNext]), Class: "num"}}}
		if sg.Profit < 0 {
			row.Class = "loss"
		}
		t.Rows = append(t.Rows, row)
		if i < 30 {
			chart.Names = append(chart.Names, name)
			chart.Values = append(chart.Values, yuan(sg.Revenue))
			chart.Counts = append(chart.Counts, sg.Customers)
			chart.URLs = append(chart.URLs, link(sg))
		}
	}
	b, _ := json.Marshal(chart)
	return t, string(b)
}

// segmentName shows a segment's value: the enumerations translated, an empty one as unknown.
func segmentName(L *locale.Printer, by, value string) string {
	switch {
	case value == "":
		return L.T("segment.unknown")
	case by == "nature" || by == "channel_role":
		return L.Enum(by, value)
	}
	return value
}

// monthsChart is the data of dashboard.js's months: the monthly revenue and its trend line.
type monthsChartData struct {
	Months  []string  `json:"months"`
	Revenue []float64 `json:"revenue"`
	Trend   []float64 `json:"trend"`
	Labels  labels    `json:"labels"`
}

func monthsChart(L *locale.Printer, from string, monthly []kam.Money, g analytics.Growth) string {
	c := monthsChartData{Months: []string{}, Revenue: []float64{}, Trend: []float64{},
		Labels: labels{X: L.T("behaviour.month"), Y: L.T("dashboard.chart.revenue"), Series: L.T("dashboard.col.revenue"), Series2: L.T("behaviour.trend_line")}}
	var mean float64
	for _, m := range monthly {
		mean += yuan(m)
	}
	n := float64(len(monthly))
	if n > 0 {
		mean /= n
	}
	slope := 0.0
	if g.Slope != nil {
		slope, _ = g.Slope.Float64()
		slope /= float64(kam.MoneyUnit)
	}
	for i, m := range monthly {
		c.Months = append(c.Months, analytics.AddMonths(from, i))
		c.Revenue = append(c.Revenue, yuan(m))
		// The least-squares line passes through the mean at the middle month.
		c.Trend = append(c.Trend, mean+slope*(float64(i)-(n-1)/2))
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// behaviourTable lists customers with their behaviour figures.
func (u *ui) behaviourTable(ctx context.Context, L *locale.Printer, id string, v *view, rows []*analytics.Behaviour) web.LedgerTable {
	ids := make([]int64, len(rows))
	for i, b := range rows {
		ids[i] = b.CustomerID
	}
	names := u.customerNames(ctx, ids)
	figs := u.s.figureIndexOf(ctx, v)
	t := web.LedgerTable{ID: id, Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("dashboard.col.rank"), "num"}, {"", L.T("ledger.col.customer"), ""},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("behaviour.col.lamp"), ""}, {"", L.T("behaviour.col.loyalty"), ""},
		{"", L.T("behaviour.col.yoy"), "num"}, {"", L.T("behaviour.col.slope"), "num"}, {"", L.T("behaviour.col.wallet"), "num"},
		{"", L.T("behaviour.col.relationship"), "num"}, {"", L.T("behaviour.col.clv"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, b := range rows {
		f := figureOf(figs, b.CustomerID)
		yoy := ratioText(b.Growth.YoY)
		if b.Growth.New {
			yoy = L.T("behaviour.new")
		}
		row := web.LedgerRow{Cells: []web.Cell{{Text: L.Int(b.LAMPRank), Class: "num"}, customerCell(b.CustomerID, b.Code, names),
			{Text: L.Money(int64(f.NetRevenue)), Class: "num"}, {Text: L.Enum("lamp", b.LAMP)}, {Text: L.Enum("loyalty", b.Loyalty)},
			{Text: yoy, Class: "num"}, {Text: slopeText(L, b.Growth.Slope), Class: "num"}, {Text: percent(b.Share), Class: "num"},
			{Text: L.T("behaviour.months", L.Int(b.RelationshipMonths)), Class: "num"}, {Text: L.Money(int64(b.CLV.Value)), Class: "num"}}}
		if b.CLV.Value < 0 {
			row.Class = "loss"
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// behaviourCustomers is GET /dashboard/behaviour/customers?lamp=…|loyalty=…|segment_by=&segment=
// &…period&filter&page=N: the customers behind a group, a type or a segment, ranked, paged.
func (u *ui) behaviourCustomers(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	q := rq.r.URL.Query()
	set, p, _, rows, v, ok := u.behaviourRequest(rq, q, true)
	if !ok {
		return
	}
	heading := L.T("behaviour.customers")
	switch {
	case set.lamp != "":
		heading = L.T("behaviour.heading", L.Enum("lamp", set.lamp))
	case set.loyalty != "":
		heading = L.T("behaviour.heading", L.Enum("loyalty", set.loyalty))
	case set.by != "":
		value := set.segment
		if set.by == "category" {
			value = u.categoryName(ctx, set.segment)
		}
		heading = L.T("behaviour.segment_heading", L.T("segment."+set.by), segmentName(L, set.by, value))
	}
	filter := set.values()
	page := &web.DashboardCustomersPage{Base: rq.base(heading, "dashboard"), Heading: heading, Total: len(rows),
		BackURL: p.url("/dashboard/behaviour", nil), Sections: dashSections(L, "", p)}
	page.Period = u.selector(L, p, "/dashboard/behaviour/customers")
	u.offerFilters(ctx, L, &page.Period)
	keepInPeriodLinks(&page.Period, "/dashboard/behaviour/customers", filter)
	pageNo := pageParam(q, "page")
	shown := pageOf(rows, (pageNo-1)*classPer, classPer)
	t := u.behaviourTable(ctx, L, "customers-table", v, shown)
	t.Pager = drillPager(pageNo, len(rows), filter, func(vals url.Values) string { return p.url("/dashboard/behaviour/customers", vals) })
	page.Table = t
	page.First, page.Last = drillBounds(pageNo, len(shown))
	page.Exports = dashExports(L, p, "behaviour", filter)
	rq.render(200, "dashboard_customers", page)
}

// behaviourRequest reads a drill-down's or a download's selection, period and filter, and the
// behaviours of its customers; ok is false when the answer (an error) is written.
func (u *ui) behaviourRequest(rq *uiReq, q url.Values, page bool) (behaviourSet, dashPeriod, *portfolio, []*analytics.Behaviour, *view, bool) {
	set, err := behaviourSetParams(q)
	if err != nil {
		rq.fail(err)
		return set, dashPeriod{}, nil, nil, nil, false
	}
	p, pf, ok := u.periodPortfolio(rq, q, page)
	if !ok {
		return set, p, nil, nil, nil, false
	}
	rows, v, err := u.behaviourRows(rq.r.Context(), pf, set)
	if err != nil {
		rq.fail(err)
		return set, p, nil, nil, nil, false
	}
	return set, p, pf, rows, v, true
}

// behaviourRows are the behaviours of the portfolio's customers in set, ranked by revenue (a
// list shared through the memo: read it, never change it).
func (u *ui) behaviourRows(ctx context.Context, pf *portfolio, set behaviourSet) ([]*analytics.Behaviour, *view, error) {
	bs, err := u.behaviourOf(ctx, pf)
	if err != nil {
		return nil, nil, err
	}
	v := &view{from: pf.from, to: pf.to, set: pf.set, figures: pf.figures}
	rows, err := memoized(u.s, ctx, "behaviour rows "+set.values().Encode()+" "+v.key(), func(ctx context.Context) ([]*analytics.Behaviour, error) {
		var byID map[int64]*kam.CustomerDetail
		if set.by != "" {
			details, err := u.s.detailsOf(ctx, pf.from, pf.to)
			if err != nil {
				return nil, err
			}
			byID = make(map[int64]*kam.CustomerDetail, len(details))
			for i := range details {
				byID[details[i].CustomerID] = &details[i]
			}
		}
		var categories map[int64]map[int64]kam.Money
		if set.by == "category" {
			var err error
			if categories, err = u.s.categoriesOf(ctx, pf.from, pf.to); err != nil {
				return nil, err
			}
		}
		var out []*analytics.Behaviour
		for i := range bs {
			if set.keep(&bs[i], byID[bs[i].CustomerID], categories[bs[i].CustomerID]) {
				out = append(out, &bs[i])
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, v, nil
}

// categoryName names a category by its id (text); the id when unknown.
func (u *ui) categoryName(ctx context.Context, id string) string {
	cats, err := u.s.Ledger.Categories(ctx)
	if err != nil {
		return id
	}
	for _, c := range cats {
		if strconv.FormatInt(c.ID, 10) == id {
			return c.Name
		}
	}
	return id
}

// offerFilters fills the period bar's choice of saved filters.
func (u *ui) offerFilters(ctx context.Context, L *locale.Printer, sel *web.DashboardPeriod) {
	list, err := u.s.Ledger.SavedFilters(ctx)
	if err != nil {
		u.s.Logger.Error("listing saved filters", "err", err)
		return
	}
	sel.Filters = []web.Option{{Value: "", Label: L.T("filters.all_customers"), Selected: sel.Filter == ""}}
	for _, f := range list {
		id := strconv.FormatInt(f.ID, 10)
		sel.Filters = append(sel.Filters, web.Option{Value: id, Label: f.Name, Selected: id == sel.Filter})
		if id == sel.Filter {
			sel.FilterName = f.Name
		}
	}
}

// behaviourExport is GET /dashboard/export?table=behaviour (with lamp, loyalty or a segment) or
// table=segments&by=…, with the period and the filter.
func (u *ui) behaviourExport(rq *uiReq, format string) {
	ctx := rq.r.Context()
	v := rq.r.URL.Query()
	table := v.Get("table")
	by, err := segmentBy(v)
	if err != nil {
		rq.fail(err)
		return
	}
	_, _, pf, rows, view, ok := u.behaviourRequest(rq, v, false)
	if !ok {
		return
	}
	d := download{name: table + "-" + pf.from + "-" + pf.to, numeric: behaviourNumeric}
	opt := func(r *big.Rat) string {
		if r == nil {
			return ""
		}
		return shareOf(r).Text
	}
	if table == "segments" {
		bs, err := u.behaviourOf(ctx, pf)
		if err != nil {
			rq.fail(err)
			return
		}
		segs, err := u.s.segments(ctx, view, bs, by)
		if err != nil {
			rq.fail(err)
			return
		}
		d.name = "segments-" + by + "-" + pf.from + "-" + pf.to
		d.header = []string{by, "category_id", "customers", "net_revenue", "share", "profit", "cost_customers", "class_a", "class_b", "class_c",
			"lamp_core", "lamp_next", "lamp_promising", "loyal", "switching", "no_brand"}
		for _, sg := range segs.Segments {
			cat := ""
			if by == "category" {
				cat = strconv.FormatInt(sg.CategoryID, 10)
			}
			n := func(m map[string]int, k string) string { return strconv.Itoa(m[k]) }
			d.rows = append(d.rows, []string{sg.Value, cat, strconv.Itoa(sg.Customers), sg.Revenue.String(), sg.Share.Text, sg.Profit.String(),
				strconv.Itoa(sg.CostCustomers), n(sg.Classes, "A"), n(sg.Classes, "B"), n(sg.Classes, "C"), n(sg.LAMP, kam.LAMPCore),
				n(sg.LAMP, kam.LAMPNext), n(sg.LAMP, kam.LAMPPromising), n(sg.Loyalty, kam.LoyaltyLoyal), n(sg.Loyalty, kam.LoyaltySwitching),
				n(sg.Loyalty, kam.LoyaltyNone)})
		}
		rq.send(d, format)
		return
	}
	figs := u.s.figureIndexOf(ctx, view)
	d.header = []string{"rank", "customer_code", "net_revenue", "profit", "lamp", "loyalty", "regularity", "wallet_share", "prior_wallet_share",
		"wallet_headroom", "relationship_months", "prior_revenue", "yoy", "new", "slope", "trend", "yearly_margin", "retention", "discount", "years",
		"clv_factor", "clv"}
	for _, b := range rows {
		f := figureOf(figs, b.CustomerID)
		slope := ""
		if b.Growth.Slope != nil {
			slope = analytics.RoundMoney(b.Growth.Slope).String()
		}
		d.rows = append(d.rows, []string{strconv.Itoa(b.LAMPRank), b.Code, f.NetRevenue.String(), f.Profit().String(), b.LAMP, b.Loyalty,
			shareOf(b.Regularity.Rat()).Text, opt(b.Share), opt(b.PriorShare), b.Headroom.String(), strconv.Itoa(b.RelationshipMonths),
			b.Growth.Prior.String(), opt(b.Growth.YoY), strconv.FormatBool(b.Growth.New), slope, opt(b.Growth.Trend), b.CLV.Margin.String(),
			opt(b.CLV.Retention), opt(b.CLV.Discount), strconv.Itoa(b.CLV.Years), opt(b.CLV.Factor), b.CLV.Value.String()})
	}
	rq.send(d, format)
}

var behaviourNumeric = map[string]bool{"rank": true, "net_revenue": true, "profit": true, "regularity": true, "wallet_share": true,
	"prior_wallet_share": true, "wallet_headroom": true, "relationship_months": true, "prior_revenue": true, "yoy": true, "slope": true,
	"trend": true, "yearly_margin": true, "retention": true, "discount": true, "years": true, "clv_factor": true, "clv": true,
	"customers": true, "share": true, "cost_customers": true, "class_a": true, "class_b": true, "class_c": true, "lamp_core": true,
	"lamp_next": true, "lamp_promising": true, "loyal": true, "switching": true, "no_brand": true, "category_id": true}
