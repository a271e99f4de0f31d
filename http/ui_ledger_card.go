package kamhttp

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"kam"
	"kam/locale"
	"kam/web"
)

// The card's ledger tabs: the customer's orders, invoices and payments, costs to serve, and the
// monthly sales of the last two years. Only users who may see the ledger get them.

// cardTabsFor lists the card's tabs a user sees: service staff do not see prices and margins.
func cardTabsFor(a *kam.Actor) []string {
	if !kam.CanViewLedger(a) {
		return cardTabs
	}
	return []string{"profile", "org", "orders", "invoices", "costs", "sales", "analysis", "history"}
}

// asOfTab reports whether a tab can show the file as it was at a past moment (the documents of
// the ledger tabs are not versioned with the file).
func asOfTab(tab string) bool { return tab == "profile" || tab == "org" }

const (
	cardLedgerPer   = 20
	cardPaymentsPer = 10
	salesMonths     = 24
)

// fillLedgerTab fills one ledger tab of the card.
func (u *ui) fillLedgerTab(rq *uiReq, p *web.CardPage, tab string) error {
	if tab == "analysis" {
		return u.fillAnalysis(rq, p)
	}
	ctx := rq.r.Context()
	L := rq.L
	id := p.C.ID
	q := rq.r.URL.Query()
	page := pageParam(q, "page")
	today := u.today(L)
	custQuery := func(k *ledgerKind, status string) ledgerQuery {
		return ledgerQuery{k: k, Customer: id, Status: status, Sort: k.def, Per: defaultPer, Page: 1}
	}
	tabURL := func(params ...string) string {
		s := customerURL(id, tab)
		for i := 0; i+1 < len(params); i += 2 {
			if params[i+1] != "" {
				s = addQuery(s, params[i], params[i+1])
			}
		}
		return s
	}
	lg := &web.CardLedger{Title: L.T("tab." + tab)}
	p.Ledger = lg
	switch tab {
	case "orders":
		f := kam.LedgerFilter{CustomerID: id, Sort: "order_date", Desc: true, Limit: cardLedgerPer, Offset: (page - 1) * cardLedgerPer}
		list, total, err := u.s.Ledger.FindOrders(ctx, f)
		if err != nil {
			return err
		}
		t := cardTable(L, "card-orders", orderColumns(L), L.T("card.no_orders"))
		for _, o := range list {
			t.Rows = append(t.Rows, orderRow(L, o))
		}
		t.Pager = pager(page, (total+cardLedgerPer-1)/cardLedgerPer, func(n int) string { return tabURL("page", pageValue(n)) })
		lg.Table = t
		cq := custQuery(ledgerOrders, "")
		lg.AllURL, lg.Exports = cq.url(), exportLinks(L, "orders", cq.filterValues())
	case "invoices":
		status := q.Get("status")
		if !slices.Contains(invoiceStatuses, status) {
			status = ""
		}
		f := kam.LedgerFilter{CustomerID: id, Status: status, Sort: "invoice_date", Desc: true, Limit: cardLedgerPer,
			Offset: (page - 1) * cardLedgerPer, Today: today}
		list, total, err := u.s.Ledger.FindInvoices(ctx, f)
		if err != nil {
			return err
		}
		t := cardTable(L, "card-invoices", invoiceColumns(L), L.T("card.no_invoices"))
		for _, in := range list {
			t.Rows = append(t.Rows, invoiceRow(L, in, today))
		}
		t.Pager = pager(page, (total+cardLedgerPer-1)/cardLedgerPer, func(n int) string { return tabURL("status", status, "page", pageValue(n)) })
		lg.Table = t
		for _, s := range append([]string{""}, invoiceStatuses...) {
			label := L.T("option.any")
			if s != "" {
				label = L.Enum("invoice_state", s)
			}
			lg.Filters = append(lg.Filters, web.Link{Label: label, URL: tabURL("status", s), Active: s == status})
		}
		cq := custQuery(ledgerInvoices, status)
		lg.AllURL, lg.Exports = cq.url(), exportLinks(L, "invoices", cq.filterValues())
		if lg.Totals, err = u.receivables(ctx, L, id, today); err != nil {
			return err
		}
		// The payments, with what each settled and what is left unallocated.
		ppage := pageParam(q, "ppage")
		pays, ptotal, err := u.s.Ledger.FindPayments(ctx, kam.LedgerFilter{CustomerID: id, Sort: "payment_date", Desc: true,
			Limit: cardPaymentsPer, Offset: (ppage - 1) * cardPaymentsPer})
		if err != nil {
			return err
		}
		pt := cardTable(L, "card-payments", paymentColumns(L), L.T("card.no_payments"))
		for _, pay := range pays {
			pt.Rows = append(pt.Rows, paymentRow(L, pay))
		}
		pt.Pager = pager(ppage, (ptotal+cardPaymentsPer-1)/cardPaymentsPer, func(n int) string {
			return tabURL("status", status, "page", pageValue(page), "ppage", pageValue(n))
		})
		lg.Payments, lg.PaymentsTitle = pt, L.T("card.payments")
		pq := custQuery(ledgerPayments, "")
		lg.PaymentsURL, lg.PaymentsExports = pq.url(), exportLinks(L, "payments", pq.filterValues())
		lg.Title = L.T("card.invoices")
	case "costs":
		names := u.expenseNames(ctx, L)
		list, total, err := u.s.Ledger.FindCosts(ctx, kam.LedgerFilter{CustomerID: id, Sort: "entry_date", Desc: true,
			Limit: cardLedgerPer, Offset: (page - 1) * cardLedgerPer})
		if err != nil {
			return err
		}
		t := cardTable(L, "card-costs", costColumns(L), L.T("card.no_costs"))
		for _, c := range list {
			t.Rows = append(t.Rows, costRow(L, c, names))
		}
		t.Pager = pager(page, (total+cardLedgerPer-1)/cardLedgerPer, func(n int) string { return tabURL("page", pageValue(n)) })
		lg.Table = t
		cq := custQuery(ledgerCosts, "")
		lg.AllURL, lg.Exports = cq.url(), exportLinks(L, "costs", cq.filterValues())
		if lg.Totals, err = u.costTotals(ctx, L, id, names); err != nil {
			return err
		}
	case "sales":
		if err := u.fillSales(ctx, L, lg, id); err != nil {
			return err
		}
		cq := custQuery(ledgerOrders, "")
		lg.AllURL = cq.url()
	}
	return nil
}

func cardTable(L *locale.Printer, id string, cols []ledgerColumn, empty string) *web.LedgerTable {
	t := &web.LedgerTable{ID: id, Empty: empty}
	for _, c := range cols {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	return t
}

func pageParam(q url.Values, name string) int {
	if n, err := strconv.Atoi(q.Get(name)); err == nil && n > 1 && n < 1_000_000 {
		return n
	}
	return 1
}

func pageValue(n int) string {
	if n <= 1 {
		return ""
	}
	return strconv.Itoa(n)
}

// moneyTotals sums amounts per currency, for totals that must not add yuan to dollars.
type moneyTotals map[string]kam.Money

func (m moneyTotals) add(currency string, v kam.Money) {
	if currency == "" {
		currency = kam.LedgerCurrency
	}
	m[currency] += v
}

// text writes the totals, yuan first and in 万元 when large; nothing is ¥0.00.
func (m moneyTotals) text(L *locale.Printer) string {
	if len(m) == 0 {
		return L.Money(0)
	}
	curs := make([]string, 0, len(m))
	for c := range m {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool {
		if (curs[i] == kam.LedgerCurrency) != (curs[j] == kam.LedgerCurrency) {
			return curs[i] == kam.LedgerCurrency
		}
		return curs[i] < curs[j]
	})
	parts := make([]string, len(curs))
	for i, c := range curs {
		if c == kam.LedgerCurrency {
			parts[i] = L.Total(int64(m[c]))
		} else {
			parts[i] = moneyIn(L, m[c], c) // 万元 and "10k CNY" are yuan only
		}
	}
	return strings.Join(parts, " · ")
}

// receivables are the customer's open and overdue invoices in total. The open invoices of one
// customer are few, so they are summed here rather than by another query of the store.
func (u *ui) receivables(ctx context.Context, L *locale.Printer, id int64, today string) ([]web.Figure, error) {
	open, _, err := u.s.Ledger.FindInvoices(ctx, kam.LedgerFilter{CustomerID: id, Status: "open", Sort: "due_date", Today: today})
	if err != nil {
		return nil, err
	}
	openSum, overdueSum := moneyTotals{}, moneyTotals{}
	overdue, oldest := 0, 0
	for _, in := range open {
		openSum.add(in.Currency, in.Open())
		if in.Overdue(today) {
			overdue++
			overdueSum.add(in.Currency, in.Open())
			oldest = max(oldest, daysBetween(in.DueDate, today))
		}
	}
	figs := []web.Figure{
		{Label: L.T("card.open_total"), Value: openSum.text(L)},
		{Label: L.T("card.open_count"), Value: L.Int(len(open))},
		{Label: L.T("card.overdue_total"), Value: overdueSum.text(L)},
		{Label: L.T("card.overdue_count"), Value: L.Int(overdue)},
	}
	if overdue > 0 {
		figs[2].Class, figs[3].Class = "warn", "warn"
		figs = append(figs, web.Figure{Label: L.T("card.oldest_overdue"), Value: L.T("invoice_state.overdue_days", oldest), Class: "warn"})
	}
	return figs, nil
}

// costTotals sums the customer's costs to serve per expense code, largest first.
func (u *ui) costTotals(ctx context.Context, L *locale.Printer, id int64, names map[string]string) ([]web.Figure, error) {
	all, _, err := u.s.Ledger.FindCosts(ctx, kam.LedgerFilter{CustomerID: id, Sort: "entry_date"})
	if err != nil {
		return nil, err
	}
	by := map[string]kam.Money{}
	var total kam.Money
	for _, c := range all {
		by[c.ExpenseCode] += c.Amount
		total += c.Amount
	}
	codes := make([]string, 0, len(by))
	for c := range by {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if by[codes[i]] != by[codes[j]] {
			return by[codes[i]] > by[codes[j]]
		}
		return codes[i] < codes[j]
	})
	figs := []web.Figure{{Label: L.T("card.costs_total"), Value: L.Total(int64(total))}}
	for _, c := range codes {
		name := names[c]
		if name == "" {
			name = c
		}
		figs = append(figs, web.Figure{Label: name, Value: L.Total(int64(by[c]))})
	}
	return figs, nil
}

// fillSales shows the last 24 months of the customer's sales rollup, newest first; months
// without sales show as dimmed rows, so the gaps are visible.
func (u *ui) fillSales(ctx context.Context, L *locale.Printer, lg *web.CardLedger, id int64) error {
	now := u.s.Now().In(L.Loc)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, L.Loc)
	first := last.AddDate(0, -(salesMonths - 1), 0)
	from, to := first.Format("2006-01"), last.Format("2006-01")
	months, err := u.s.Ledger.SalesByMonth(ctx, id, from, to)
	if err != nil {
		return err
	}
	by := map[string]kam.SalesMonth{}
	var sum kam.SalesFigures
	for _, m := range months {
		by[m.Month] = m
		sum.NetRevenue += m.NetRevenue
		sum.Returns += m.Returns
		sum.Profit += m.Profit
		sum.Orders += m.Orders
	}
	lg.Title, lg.SalesFrom, lg.SalesTo = L.T("card.sales"), from, to
	for m := last; !m.Before(first); m = m.AddDate(0, -1, 0) {
		key := m.Format("2006-01")
		s, ok := by[key]
		if !ok || (s.NetRevenue == 0 && s.Returns == 0 && s.Orders == 0) {
			lg.Sales = append(lg.Sales, web.SalesRow{Month: key, NetRevenue: "—", Returns: "—", Profit: "—", Margin: "—", Orders: "—", Empty: true})
			continue
		}
		lg.Sales = append(lg.Sales, salesRow(L, key, s.SalesFigures, L.Money))
	}
	total := salesRow(L, "", sum, L.Total)
	lg.SalesTotal = &total
	return nil
}

func salesRow(L *locale.Printer, month string, s kam.SalesFigures, money func(int64) string) web.SalesRow {
	r := web.SalesRow{Month: month, NetRevenue: money(int64(s.NetRevenue)), Profit: money(int64(s.Profit)),
		Margin: margin(s.Profit, s.NetRevenue), Orders: locale.Int(s.Orders), Returns: "—"}
	if s.Returns != 0 {
		r.Returns = money(int64(s.Returns))
	}
	return r
}
