package kamhttp

import (
	"context"
	"math/big"
	"net/url"
	"strconv"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// The card's analysis tab: the customer's class, tier and rank in every stored classification
// run (what put it where it is, and how it moved), and its share of wallet per product category
// in a year. Both follow the ledger's rules: service staff see neither.

const classHistoryPer = 20

// walletYear reads the wallet's year (wyear), by default the last complete year.
func (u *ui) walletYear(L *locale.Printer, q url.Values) int {
	last := u.s.Now().In(L.Loc).Year() - 1
	if y, err := strconv.Atoi(q.Get("wyear")); err == nil && y >= 1900 && y <= 2200 {
		return y
	}
	return last
}

func (u *ui) fillAnalysis(rq *uiReq, p *web.CardPage) error {
	ctx := rq.r.Context()
	L := rq.L
	id := p.C.ID
	q := rq.r.URL.Query()
	a := &web.CardAnalysis{}
	p.Analysis = a
	tabURL := customerURL(id, "analysis")

	history, err := u.s.Ledger.CustomerClasses(ctx, id)
	if err != nil {
		return err
	}
	page := pageParam(q, "cpage")
	year := u.walletYear(L, q)
	t := classesTable(L, pageOf(history, (page-1)*classHistoryPer, classHistoryPer))
	t.Pager = pager(page, (len(history)+classHistoryPer-1)/classHistoryPer, func(n int) string {
		s := addQuery(tabURL, "wyear", strconv.Itoa(year))
		if n > 1 {
			s = addQuery(s, "cpage", strconv.Itoa(n))
		}
		return s
	})
	a.Classes = t
	a.ClassesExports = cardAnalysisExports(L, id, "classes", 0)

	wallet, err := u.s.Ledger.WalletShares(ctx, id, year)
	if err != nil {
		return err
	}
	a.Wallet = walletTable(L, wallet)
	a.WalletYear = strconv.Itoa(year)
	a.WalletExports = cardAnalysisExports(L, id, "wallet", year)
	now := u.s.Now().In(L.Loc).Year()
	for y := now; y > now-5; y-- {
		a.WalletYears = append(a.WalletYears, web.Link{Label: strconv.Itoa(y), URL: addQuery(tabURL, "wyear", strconv.Itoa(y)), Active: y == year})
	}
	if err := u.fillKeyAccount(rq, p, a); err != nil {
		return err
	}
	return u.fillBehaviour(ctx, L, id, a)
}

// fillBehaviour puts the customer's behaviour over the last 12 complete months on the tab: its
// LAMP group, loyalty type, growth, share of wallet, relationship length and lifetime value with
// the inputs of each, computed within the user's portfolio as the dashboard does.
func (u *ui) fillBehaviour(ctx context.Context, L *locale.Printer, id int64, a *web.CardAnalysis) error {
	from, to := analytics.LastTwelveMonths(u.s.Now(), locale.Shanghai)
	a.BehaviourPeriod = from + " – " + to
	v, err := u.s.viewOf(ctx, from, to, kam.FilterCriteria{})
	if err != nil {
		return err
	}
	bs, err := u.s.behavioursOf(ctx, v)
	if err != nil {
		return err
	}
	var b *analytics.Behaviour
	for i := range bs {
		if bs[i].CustomerID == id {
			b = &bs[i]
		}
	}
	if b == nil {
		a.BehaviourNote = L.T("card.behaviour_outside")
		return nil
	}
	f := figureOf(u.s.figureIndexOf(ctx, v), id)
	row := func(label, value string) {
		a.Behaviour = append(a.Behaviour, web.FieldRow{Label: label, Value: value, Mono: true})
	}
	yoy := ratioText(b.Growth.YoY)
	if b.Growth.New {
		yoy = L.T("behaviour.new")
	}
	share := "—"
	if b.Share != nil {
		share = percent(b.Share)
	}
	prior := "—"
	if b.PriorShare != nil {
		prior = percent(b.PriorShare)
	}
	row(L.T("behaviour.col.lamp"), L.T("card.behaviour.lamp_value", L.Enum("lamp", b.LAMP), L.Int(b.LAMPRank), L.Int(len(bs))))
	row(L.T("behaviour.col.loyalty"), L.T("card.behaviour.loyalty_value", L.Enum("loyalty", b.Loyalty), percent(b.Regularity.Rat()), share, prior))
	row(L.T("behaviour.col.yoy"), L.T("card.behaviour.yoy_value", yoy, L.Money(int64(f.NetRevenue)), L.Money(int64(b.Growth.Prior))))
	row(L.T("behaviour.col.slope"), L.T("card.behaviour.trend_value", slopeText(L, b.Growth.Slope), ratioText(b.Growth.Trend)))
	row(L.T("behaviour.col.wallet"), L.T("card.behaviour.wallet_value", share, L.Money(int64(b.Headroom))))
	row(L.T("behaviour.col.relationship"), L.T("behaviour.months", L.Int(b.RelationshipMonths)))
	c := b.CLV
	row(L.T("behaviour.col.clv"), L.T("card.behaviour.clv_value", L.Money(int64(c.Value)), L.Money(int64(c.Margin)), percent(c.Retention),
		percent(c.Discount), L.Int(c.Years), c.Factor.FloatString(4)))
	return nil
}

func classesTable(L *locale.Printer, rows []kam.CustomerClassAt) web.LedgerTable {
	t := web.LedgerTable{ID: "card-classes", Empty: L.T("card.no_classes")}
	for _, c := range []ledgerColumn{{"", L.T("card.col.run"), "num"}, {"", L.T("dashboard.period"), ""}, {"", L.T("card.col.run_at"), ""},
		{"", L.T("dashboard.col.class"), ""}, {"", L.T("dashboard.col.rank"), "num"}, {"", L.T("dashboard.col.tier"), ""},
		{"", L.T("dashboard.col.revenue"), "num"}, {"", L.T("dashboard.col.profit"), "num"}, {"", L.T("portfolio.quadrant"), ""},
		{"", L.T("keyaccount.grade"), ""}, {"", L.T("behaviour.col.lamp"), ""}, {"", L.T("behaviour.col.loyalty"), ""}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	for _, h := range rows {
		r := web.LedgerRow{Class: "abc-" + h.ABC, Cells: []web.Cell{{Text: "#" + strconv.FormatInt(h.RunID, 10), Class: "num"},
			{Text: h.From + " – " + h.To, Class: "mono"}, {Text: L.DateTime(h.At)}, {Text: L.T("dashboard.class", h.ABC), Class: "cls"},
			{Text: L.Int(h.ABCRank), Class: "num"}, {Text: L.Enum("tier", h.Tier)},
			{Text: L.Money(int64(h.NetRevenue)), Class: "num"}, {Text: L.Money(int64(h.Profit)), Class: "num"},
			{Text: L.Enum("quadrant", h.Quadrant)}, {Text: L.Enum("grade", h.Grade)}, {Text: L.Enum("lamp", h.LAMP)}, {Text: L.Enum("loyalty", h.Loyalty)}}}
		if h.Profit < 0 {
			r.Class += " loss"
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func walletTable(L *locale.Printer, rows []kam.WalletShare) web.LedgerTable {
	t := web.LedgerTable{ID: "card-wallet", Empty: L.T("card.no_wallet")}
	for _, c := range []ledgerColumn{{"", L.T("card.col.category"), ""}, {"", L.T("card.col.our_sales"), "num"},
		{"", L.T("card.col.estimate"), "num"}, {"", L.T("card.col.wallet_share"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	var ours, est kam.Money
	for _, w := range rows {
		ours += w.OurSales
		est += w.Estimate
		estimate := "—"
		if w.Estimate != 0 {
			estimate = L.Money(int64(w.Estimate))
		}
		t.Rows = append(t.Rows, web.LedgerRow{Cells: []web.Cell{{Text: w.Category}, {Text: L.Money(int64(w.OurSales)), Class: "num"},
			{Text: estimate, Class: "num"}, {Text: shareText(w.Share), Class: "num"}}})
	}
	if len(rows) > 0 {
		total := "—"
		if est > 0 {
			total = percent(big.NewRat(int64(ours), int64(est)))
		}
		estimate := "—"
		if est != 0 {
			estimate = L.Money(int64(est))
		}
		t.Foot = []web.Cell{{Text: L.T("sales.total")}, {Text: L.Money(int64(ours)), Class: "num"}, {Text: estimate, Class: "num"},
			{Text: total, Class: "num"}}
	}
	return t
}

// shareText shows a stored share (a decimal fraction) as a percentage; "—" without an estimate.
func shareText(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if s == "" || !ok {
		return "—"
	}
	return percent(r)
}

func cardAnalysisExports(L *locale.Printer, id int64, table string, year int) []web.Link {
	v := url.Values{"table": {table}}
	if year != 0 {
		v.Set("wyear", strconv.Itoa(year))
	}
	path := "/customers/" + strconv.FormatInt(id, 10) + "/analysis/export?"
	csvURL := path + v.Encode()
	v.Set("format", "xlsx")
	return []web.Link{{Label: L.T("export.csv"), URL: csvURL}, {Label: L.T("export.xlsx"), URL: path + v.Encode()}}
}

// cardAnalysisExport is GET /customers/{id}/analysis/export?table=classes|wallet&wyear=&format=.
func (u *ui) cardAnalysisExport(rq *uiReq) {
	ctx := rq.r.Context()
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	v := rq.r.URL.Query()
	format, err := exportFormat(v)
	if err != nil {
		rq.fail(err)
		return
	}
	c, err := u.s.Customers.FindCustomerByID(ctx, id)
	if err != nil {
		rq.fail(err)
		return
	}
	d, err := u.cardAnalysisDownload(ctx, rq.L, c, v)
	if err != nil {
		rq.fail(err)
		return
	}
	rq.send(d, format)
}

func (u *ui) cardAnalysisDownload(ctx context.Context, L *locale.Printer, c *kam.Customer, v url.Values) (download, error) {
	d := download{numeric: dashNumeric}
	switch v.Get("table") {
	case "classes":
		history, err := u.s.Ledger.CustomerClasses(ctx, c.ID)
		if err != nil {
			return d, err
		}
		d.name = "classes-" + c.Code
		d.header = []string{"run_id", "period_from", "period_to", "at", "class", "abc_rank", "tier", "net_revenue", "profit", "key_total", "key_state", "quadrant", "grade",
			"lamp", "loyalty"}
		for _, h := range history {
			d.rows = append(d.rows, []string{strconv.FormatInt(h.RunID, 10), h.From, h.To, h.At.UTC().Format("2006-01-02T15:04:05Z"), h.ABC,
				strconv.Itoa(h.ABCRank), h.Tier, h.NetRevenue.String(), h.Profit.String(), h.KeyTotal, h.KeyState, h.Quadrant, h.Grade, h.LAMP, h.Loyalty})
		}
	case "wallet":
		year := u.walletYear(L, v)
		wallet, err := u.s.Ledger.WalletShares(ctx, c.ID, year)
		if err != nil {
			return d, err
		}
		d.name = "wallet-" + c.Code + "-" + strconv.Itoa(year)
		d.header = []string{"year", "category", "our_sales", "estimate", "share"}
		for _, w := range wallet {
			d.rows = append(d.rows, []string{strconv.Itoa(year), w.Category, w.OurSales.String(), w.Estimate.String(), w.Share})
		}
	default:
		return d, kam.Errorf(kam.EInvalid, "unknown table %q", v.Get("table"))
	}
	return d, nil
}
