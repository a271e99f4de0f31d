package kamhttp

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kam"
	"kam/locale"
	"kam/web"
)

// The money side of the files in the UI: the lists of orders, invoices, payments, costs and
// products, the order page, and (ui_ledger_card.go) the card's ledger tabs. Every list reads
// through kam.LedgerService, which applies the user's scope: finance sees every customer's
// documents, service staff none (the service answers forbidden).

// registerLedger declares the routes of the ledger, the exports and the imports.
func (u *ui) registerLedger(rt *router) {
	for _, l := range ledgerLists {
		u.handle(rt, "GET "+l.path, need(kam.ActView, kam.ResLedger), u.ledgerList(l))
	}
	u.handle(rt, "GET /orders/{id}", need(kam.ActView, kam.ResLedger), u.orderPage)
	u.handle(rt, "GET /export/{kind}", needKind(kam.ActExport, "kind"), u.export)
	// The kind of an import is chosen in the form: the routes need the right to import some
	// kind, and the import checks the kind (kam.CanImport).
	importAny := need(kam.ActImport, kam.ResCustomer, kam.ResLedger)
	u.handle(rt, "GET /import", importAny, u.importForm)
	u.handleUpload(rt, "POST /import", importAny, u.importUpload)
	u.handle(rt, "GET /import/{id}", importAny, u.importPage)
	u.handle(rt, "POST /import/{id}", importAny, u.importAction)
	u.handle(rt, "GET /import/{id}/report", importAny, u.importReport)
}

// ledgerKind describes one list: its path, the sort keys the store allows (the first is the
// default, newest first for documents), and its status filter.
type ledgerKind struct {
	kind   string // also the export kind and the nav item
	path   string
	sorts  []string
	def    string // default sort, with "-" for descending
	dates  bool
	status string // "invoice", "expense" or ""
}

var (
	ledgerOrders   = &ledgerKind{kind: "orders", path: "/orders", sorts: []string{"order_date", "order_no", "customer"}, def: "-order_date", dates: true}
	ledgerInvoices = &ledgerKind{kind: "invoices", path: "/invoices", sorts: []string{"invoice_date", "due_date", "invoice_no", "amount", "open", "customer"}, def: "-invoice_date", dates: true, status: "invoice"}
	ledgerPayments = &ledgerKind{kind: "payments", path: "/payments", sorts: []string{"payment_date", "reference", "amount", "customer"}, def: "-payment_date", dates: true}
	ledgerCosts    = &ledgerKind{kind: "costs", path: "/costs", sorts: []string{"entry_date", "amount", "expense_code", "customer"}, def: "-entry_date", dates: true, status: "expense"}
	ledgerProducts = &ledgerKind{kind: "products", path: "/products", sorts: []string{"code", "name", "category", "list_price"}, def: "code"}

	ledgerLists = map[string]*ledgerKind{"orders": ledgerOrders, "invoices": ledgerInvoices, "payments": ledgerPayments,
		"costs": ledgerCosts, "products": ledgerProducts}
)

// invoiceStatuses are the states the invoice list filters by.
var invoiceStatuses = []string{"open", "overdue", "paid"}

// ledgerQuery is the state of a ledger list, all of it in the URL like the customer list's.
type ledgerQuery struct {
	k                         *ledgerKind
	Q, From, To, Status, Sort string
	Customer                  int64
	Per, Page                 int
}

// parseLedgerQuery reads a list's URL. statuses are the allowed values of the status filter.
// Anything malformed falls back to the default instead of failing.
func parseLedgerQuery(k *ledgerKind, v url.Values, statuses []string) ledgerQuery {
	q := ledgerQuery{k: k, Q: strings.TrimSpace(v.Get("q")), Sort: k.def, Per: defaultPer, Page: 1}
	if utf8.RuneCountInString(q.Q) > maxQLen {
		q.Q = string([]rune(q.Q)[:maxQLen])
	}
	if k.dates {
		q.From, q.To = businessDate(v.Get("from")), businessDate(v.Get("to"))
	}
	if s := v.Get("status"); s != "" && slices.Contains(statuses, s) {
		q.Status = s
	}
	if id, err := strconv.ParseInt(v.Get("customer"), 10, 64); err == nil && id > 0 && k.dates {
		q.Customer = id // documents belong to a customer; products do not
	}
	if s := v.Get("sort"); slices.Contains(k.sorts, strings.TrimPrefix(s, "-")) {
		q.Sort = s
	}
	if n, err := strconv.Atoi(v.Get("per")); err == nil && slices.Contains(perPageChoices, n) {
		q.Per = n
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		q.Page = n
	}
	return q
}

// businessDate returns s when it is a real YYYY-MM-DD date, else "".
func businessDate(s string) string {
	s = strings.TrimSpace(s)
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return ""
	}
	return s
}

// filterValues are the parameters that select the documents (not their order or page): the
// export downloads exactly these.
func (q ledgerQuery) filterValues() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q.Q)
	set("from", q.From)
	set("to", q.To)
	set("status", q.Status)
	if q.Customer != 0 {
		v.Set("customer", strconv.FormatInt(q.Customer, 10))
	}
	return v
}

// url writes the query back, leaving out defaults.
func (q ledgerQuery) url() string {
	v := q.filterValues()
	if q.Sort != q.k.def {
		v.Set("sort", q.Sort)
	}
	if q.Per != defaultPer {
		v.Set("per", strconv.Itoa(q.Per))
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if len(v) == 0 {
		return q.k.path
	}
	return q.k.path + "?" + v.Encode()
}

func (q ledgerQuery) filtered() bool {
	return q.Q != "" || q.From != "" || q.To != "" || q.Status != ""
}

// filter is the store's filter; today is the business date that makes an invoice overdue.
func (q ledgerQuery) filter(today string) kam.LedgerFilter {
	return kam.LedgerFilter{CustomerID: q.Customer, Q: q.Q, From: q.From, To: q.To, Status: q.Status,
		Sort: strings.TrimPrefix(q.Sort, "-"), Desc: strings.HasPrefix(q.Sort, "-"),
		Limit: q.Per, Offset: (q.Page - 1) * q.Per, Today: today}
}

// today is the business date now.
func (u *ui) today(L *locale.Printer) string { return u.s.Now().In(L.Loc).Format("2006-01-02") }

// ledgerColumn is a column of a list; key is its sort key, or "" when it does not sort.
type ledgerColumn struct {
	key, label, class string
}

// ledgerList serves one of the list pages. An htmx request aimed at #results gets only the
// table, as on the customer list.
func (u *ui) ledgerList(k *ledgerKind) func(rq *uiReq) {
	return func(rq *uiReq) {
		ctx := rq.r.Context()
		L := rq.L
		var statuses []web.Option
		var allowed []string
		switch k.status {
		case "invoice":
			allowed = invoiceStatuses
			statuses = enumOptions(L, "invoice_state", invoiceStatuses, "", L.T("option.any"))
		case "expense":
			codes, err := u.s.Ledger.ExpenseCodes(ctx)
			if err != nil {
				rq.fail(err)
				return
			}
			statuses = []web.Option{{Value: "", Label: L.T("option.any")}}
			for _, c := range codes {
				allowed = append(allowed, c.Code)
				statuses = append(statuses, web.Option{Value: c.Code, Label: expenseName(L, c)})
			}
		}
		q := parseLedgerQuery(k, rq.r.URL.Query(), allowed)
		for i := range statuses {
			statuses[i].Selected = statuses[i].Value == q.Status
		}
		today := u.today(L)
		cols, rows, total, err := u.ledgerRows(ctx, L, k, q, today)
		if err == nil && len(rows) == 0 && total > 0 && q.Page > 1 {
			q.Page = (total + q.Per - 1) / q.Per
			cols, rows, total, err = u.ledgerRows(ctx, L, k, q, today)
		}
		if err != nil {
			rq.fail(err)
			return
		}
		heading := L.T("nav." + k.kind)
		p := &web.LedgerListPage{
			Base: rq.base(heading, k.kind), Kind: k.kind, Heading: heading, Action: k.path,
			Q: q.Q, From: q.From, To: q.To, Status: q.Status, Sort: q.Sort, Per: q.Per,
			SearchPlaceholder: L.T("ledger.search." + k.kind), Dates: k.dates, Statuses: statuses,
			Total: total, Filtered: q.filtered(),
		}
		if q.Sort == k.def {
			p.Sort = ""
		}
		if k.status != "" {
			p.StatusLabel = L.T("ledger.status." + k.status)
		}
		if q.Customer != 0 {
			p.CustomerID = strconv.FormatInt(q.Customer, 10)
			p.Customer = "#" + p.CustomerID
			if c, err := u.s.Customers.FindCustomerByID(ctx, q.Customer); err == nil {
				p.Customer, p.CustomerURL = c.Name, customerURL(c.ID, "")
			} else if name := firstCustomerName(rows); name != "" {
				// Finance keeps the books of customers whose files it does not see.
				p.Customer = name
			}
			rm := q
			rm.Customer, rm.Page = 0, 1
			p.RemoveCust = rm.url()
		}
		clear := ledgerQuery{k: k, Customer: q.Customer, Sort: q.Sort, Per: q.Per, Page: 1}
		p.ClearURL = clear.url()
		for _, n := range perPageChoices {
			pq := q
			pq.Per, pq.Page = n, 1
			p.PerOptions = append(p.PerOptions, web.Option{Value: pq.url(), Label: strconv.Itoa(n), Selected: n == q.Per})
		}
		p.Table = web.LedgerTable{ID: k.kind + "-table", Rows: rows, Empty: L.T("ledger.empty")}
		if q.filtered() {
			p.Table.Empty = L.T("ledger.empty_filtered")
		}
		for _, c := range cols {
			col := web.Column{Label: c.label, Class: c.class}
			if c.key != "" {
				sq := q
				sq.Page = 1
				switch q.Sort {
				case c.key:
					col.Dir, sq.Sort = "asc", "-"+c.key
				case "-" + c.key:
					col.Dir, sq.Sort = "desc", c.key
				default:
					sq.Sort = c.key
					if c.class == "num" || strings.HasSuffix(c.key, "_date") {
						sq.Sort = "-" + c.key // amounts and dates: largest and newest first
					}
				}
				col.URL = sq.url()
			}
			p.Table.Columns = append(p.Table.Columns, col)
		}
		if total > 0 {
			p.First = (q.Page-1)*q.Per + 1
			p.Last = p.First + len(rows) - 1
		}
		p.Table.Pager = pager(q.Page, (total+q.Per-1)/q.Per, func(n int) string { pq := q; pq.Page = n; return pq.url() })
		p.Exports = exportLinks(L, k.kind, q.filterValues())

		h := rq.r.Header
		if h.Get("HX-Request") == "true" && h.Get("HX-Target") == "results" && h.Get("HX-History-Restore-Request") != "true" {
			rq.w.Header().Set("HX-Push-Url", q.url())
			u.renderBlock(rq.w, rq.r, 200, "ledger_list", "results", p)
			return
		}
		rq.render(200, "ledger_list", p)
	}
}

// firstCustomerName is the customer named in a list's first row (the list of one customer).
func firstCustomerName(rows []web.LedgerRow) string {
	for _, r := range rows {
		for _, c := range r.Cells {
			if c.Class == "cust" {
				return c.Text
			}
		}
	}
	return ""
}

// ledgerRows reads one page of a list and turns it into table rows.
func (u *ui) ledgerRows(ctx context.Context, L *locale.Printer, k *ledgerKind, q ledgerQuery, today string) ([]ledgerColumn, []web.LedgerRow, int, error) {
	f := q.filter(today)
	custCell := func(id int64, code, name string) web.Cell {
		c := web.Cell{Text: name, Class: "cust", Lines: []string{code}}
		if q.Customer == 0 {
			fq := q
			fq.Customer, fq.Page = id, 1
			c.URL = fq.url()
		}
		return c
	}
	var rows []web.LedgerRow
	switch k {
	case ledgerOrders:
		list, total, err := u.s.Ledger.FindOrders(ctx, f)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, o := range list {
			r := orderRow(L, o)
			r.Cells = slices.Insert(r.Cells, 2, custCell(o.CustomerID, o.CustomerCode, o.CustomerName))
			rows = append(rows, r)
		}
		cols := slices.Insert(orderColumns(L), 2, ledgerColumn{"customer", L.T("ledger.col.customer"), ""})
		return cols, rows, total, nil
	case ledgerInvoices:
		list, total, err := u.s.Ledger.FindInvoices(ctx, f)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, in := range list {
			r := invoiceRow(L, in, today)
			r.Cells = slices.Insert(r.Cells, 1, custCell(in.CustomerID, in.CustomerCode, in.CustomerName))
			rows = append(rows, r)
		}
		cols := slices.Insert(invoiceColumns(L), 1, ledgerColumn{"customer", L.T("ledger.col.customer"), ""})
		return cols, rows, total, nil
	case ledgerPayments:
		list, total, err := u.s.Ledger.FindPayments(ctx, f)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, p := range list {
			r := paymentRow(L, p)
			r.Cells = slices.Insert(r.Cells, 1, custCell(p.CustomerID, p.CustomerCode, p.CustomerName))
			rows = append(rows, r)
		}
		cols := slices.Insert(paymentColumns(L), 1, ledgerColumn{"customer", L.T("ledger.col.customer"), ""})
		return cols, rows, total, nil
	case ledgerCosts:
		names := u.expenseNames(ctx, L)
		list, total, err := u.s.Ledger.FindCosts(ctx, f)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, c := range list {
			r := costRow(L, c, names)
			r.Cells = slices.Insert(r.Cells, 1, custCell(c.CustomerID, c.CustomerCode, c.CustomerName))
			rows = append(rows, r)
		}
		cols := slices.Insert(costColumns(L), 1, ledgerColumn{"customer", L.T("ledger.col.customer"), ""})
		return cols, rows, total, nil
	case ledgerProducts:
		list, total, err := u.s.Ledger.FindProducts(ctx, f)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, p := range list {
			state := L.T("product.active")
			if !p.Active {
				state = L.T("product.inactive")
			}
			rows = append(rows, web.LedgerRow{Cells: []web.Cell{
				{Text: p.Code, Class: "mono"}, {Text: p.Name}, {Text: p.Category}, {Text: p.UOM},
				{Text: L.Money(int64(p.ListPrice)), Class: "num"}, {Text: state},
			}})
		}
		cols := []ledgerColumn{{"code", L.T("ledger.col.product_code"), ""}, {"name", L.T("ledger.col.product_name"), ""},
			{"category", L.T("ledger.col.category"), ""}, {"", L.T("ledger.col.uom"), ""},
			{"list_price", L.T("ledger.col.list_price"), "num"}, {"", L.T("ledger.col.state"), ""}}
		return cols, rows, total, nil
	}
	return nil, nil, 0, kam.Errorf(kam.ENotFound, "no such list")
}

// The columns and rows of each kind of document, shared by the lists and the card's tabs (which
// leave out the customer column).

func orderColumns(L *locale.Printer) []ledgerColumn {
	return []ledgerColumn{{"order_no", L.T("ledger.col.order_no"), ""}, {"order_date", L.T("ledger.col.order_date"), ""},
		{"", L.T("ledger.col.kind"), ""}, {"", L.T("ledger.col.lines"), "num"}, {"", L.T("ledger.col.amount"), "num"},
		{"", L.T("ledger.col.cost"), "num"}, {"", L.T("ledger.col.profit"), "num"}, {"", L.T("ledger.col.margin"), "num"}}
}

func orderRow(L *locale.Printer, o *kam.Order) web.LedgerRow {
	r := web.LedgerRow{Cells: []web.Cell{
		{Text: o.OrderNo, URL: orderURL(o.ID), Class: "mono"},
		{Text: o.OrderDate, Class: "mono"},
		{Text: L.T("order.kind." + o.Kind)},
		{Text: L.Int(o.LineCount), Class: "num"},
		{Text: moneyIn(L, o.Amount, o.Currency), Class: "num"},
		{Text: moneyIn(L, o.Cost, o.Currency), Class: "num"},
		{Text: moneyIn(L, o.Amount-o.Cost, o.Currency), Class: "num"},
		{Text: margin(o.Amount-o.Cost, o.Amount), Class: "num"},
	}}
	if o.Kind == kam.OrderKindReturn {
		r.Class = "return"
		r.Cells[2].Badge, r.Cells[2].BadgeClass, r.Cells[2].Text = L.T("order.kind.return"), "b-return", ""
		if o.ReturnOfNo != "" {
			r.Cells[2].Lines = []string{L.T("order.return_of", o.ReturnOfNo)}
		}
	}
	return r
}

func invoiceColumns(L *locale.Printer) []ledgerColumn {
	return []ledgerColumn{{"invoice_no", L.T("ledger.col.invoice_no"), ""}, {"", L.T("ledger.col.order_no"), ""},
		{"invoice_date", L.T("ledger.col.invoice_date"), ""}, {"due_date", L.T("ledger.col.due_date"), ""},
		{"amount", L.T("ledger.col.amount"), "num"}, {"", L.T("ledger.col.paid"), "num"}, {"open", L.T("ledger.col.open"), "num"},
		{"", L.T("ledger.col.state"), ""}}
}

func invoiceRow(L *locale.Printer, in *kam.Invoice, today string) web.LedgerRow {
	state := web.Cell{}
	r := web.LedgerRow{}
	switch {
	case in.Overdue(today):
		r.Class = "overdue"
		state.Badge, state.BadgeClass = L.T("invoice_state.overdue_days", daysBetween(in.DueDate, today)), "b-overdue"
	case in.Open() > 0:
		r.Class = "open"
		state.Badge, state.BadgeClass = L.T("invoice_state.open"), "b-open"
	default:
		state.Badge, state.BadgeClass = L.T("invoice_state.paid"), "b-paid"
	}
	r.Cells = []web.Cell{
		{Text: in.InvoiceNo, Class: "mono"},
		{Text: in.OrderNo, Class: "mono"},
		{Text: in.InvoiceDate, Class: "mono"},
		{Text: in.DueDate, Class: "mono"},
		{Text: moneyIn(L, in.Amount, in.Currency), Class: "num"},
		{Text: moneyIn(L, in.Paid, in.Currency), Class: "num"},
		{Text: moneyIn(L, in.Open(), in.Currency), Class: "num"},
		state,
	}
	if in.OrderID != nil {
		r.Cells[1].URL = orderURL(*in.OrderID)
	}
	return r
}

func paymentColumns(L *locale.Printer) []ledgerColumn {
	return []ledgerColumn{{"reference", L.T("ledger.col.reference"), ""}, {"payment_date", L.T("ledger.col.payment_date"), ""},
		{"amount", L.T("ledger.col.amount"), "num"}, {"", L.T("ledger.col.method"), ""},
		{"", L.T("ledger.col.allocations"), ""}, {"", L.T("ledger.col.unallocated"), "num"}}
}

func paymentRow(L *locale.Printer, p *kam.Payment) web.LedgerRow {
	alloc := web.Cell{}
	for _, a := range p.Allocations {
		alloc.Lines = append(alloc.Lines, a.InvoiceNo+" "+moneyIn(L, a.Amount, p.Currency))
	}
	if len(alloc.Lines) == 0 {
		alloc.Text = "—"
	}
	un := web.Cell{Text: moneyIn(L, p.Unallocated, p.Currency), Class: "num"}
	if p.Unallocated == 0 {
		un.Text = "—"
	}
	return web.LedgerRow{Cells: []web.Cell{
		{Text: p.Reference, Class: "mono"},
		{Text: p.PaymentDate, Class: "mono"},
		{Text: moneyIn(L, p.Amount, p.Currency), Class: "num"},
		{Text: p.Method},
		alloc,
		un,
	}}
}

func costColumns(L *locale.Printer) []ledgerColumn {
	return []ledgerColumn{{"", L.T("ledger.col.reference"), ""}, {"entry_date", L.T("ledger.col.entry_date"), ""},
		{"expense_code", L.T("ledger.col.expense_code"), ""}, {"amount", L.T("ledger.col.amount"), "num"}, {"", L.T("ledger.col.note"), ""}}
}

func costRow(L *locale.Printer, c *kam.Cost, names map[string]string) web.LedgerRow {
	name := names[c.ExpenseCode]
	if name == "" {
		name = c.ExpenseCode
	}
	return web.LedgerRow{Cells: []web.Cell{
		{Text: c.Reference, Class: "mono"},
		{Text: c.EntryDate, Class: "mono"},
		{Text: name},
		{Text: L.Money(int64(c.Amount)), Class: "num"},
		{Text: truncateRunes(c.Note, 60), Title: c.Note},
	}}
}

// expenseName names an expense code in the user's language.
func expenseName(L *locale.Printer, c *kam.ExpenseCode) string {
	if L.Lang == locale.EN && c.NameEN != "" {
		return c.NameEN
	}
	if c.NameZH != "" {
		return c.NameZH
	}
	return c.Code
}

func (u *ui) expenseNames(ctx context.Context, L *locale.Printer) map[string]string {
	out := map[string]string{}
	codes, err := u.s.Ledger.ExpenseCodes(ctx)
	if err != nil {
		u.s.Logger.Warn("ui: expense codes", "err", err)
		return out
	}
	for _, c := range codes {
		out[c.Code] = expenseName(L, c)
	}
	return out
}

func orderURL(id int64) string { return "/orders/" + strconv.FormatInt(id, 10) }

// moneyIn formats an amount of a document in its currency: ¥1,234.56 for yuan, USD 1,234.56
// for others.
func moneyIn(L *locale.Printer, v kam.Money, currency string) string {
	s := L.Money(int64(v))
	if currency == "" || currency == kam.LedgerCurrency {
		return s
	}
	return strings.Replace(s, "¥", currency+" ", 1)
}

// margin is profit as a share of revenue, one decimal: 23.4%. Display only, so a float is fine.
func margin(profit, revenue kam.Money) string {
	if revenue == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(profit)/float64(revenue)*100)
}

// daysBetween counts the days from one business date to a later one.
func daysBetween(from, to string) int {
	a, err1 := time.Parse("2006-01-02", from)
	b, err2 := time.Parse("2006-01-02", to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(b.Sub(a).Hours() / 24)
}

// orderPage is /orders/{id}: the order (or return document) with its lines.
func (u *ui) orderPage(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	o, err := u.s.Ledger.FindOrder(ctx, id)
	if err != nil {
		rq.fail(err)
		return
	}
	heading := L.T("order.heading."+o.Kind, o.OrderNo)
	p := &web.OrderPage{Base: rq.base(heading, "orders"), O: o, Heading: heading, ListURL: "/orders"}
	if c, err := u.s.Customers.FindCustomerByID(ctx, o.CustomerID); err == nil {
		p.CustomerURL = customerURL(c.ID, "orders")
	}
	cur := o.Currency
	p.Facts = []web.FieldRow{
		{Label: L.T("ledger.col.order_no"), Value: o.OrderNo, Mono: true},
		{Label: L.T("ledger.col.kind"), Value: L.T("order.kind." + o.Kind)},
		{Label: L.T("ledger.col.order_date"), Value: o.OrderDate, Mono: true},
		{Label: L.T("ledger.col.customer"), Value: o.CustomerName + " (" + o.CustomerCode + ")"},
		{Label: L.T("ledger.col.rep"), Value: o.RepEmail},
		{Label: L.T("ledger.col.currency"), Value: o.Currency},
		{Label: L.T("ledger.col.amount"), Value: moneyIn(L, o.Amount, cur), Mono: true},
		{Label: L.T("ledger.col.cost"), Value: moneyIn(L, o.Cost, cur), Mono: true},
		{Label: L.T("ledger.col.profit"), Value: moneyIn(L, o.Amount-o.Cost, cur), Mono: true},
		{Label: L.T("ledger.col.margin"), Value: margin(o.Amount-o.Cost, o.Amount), Mono: true},
	}
	if o.Currency != kam.LedgerCurrency {
		p.Facts = append(p.Facts, web.FieldRow{Label: L.T("ledger.col.fx_rate"), Value: o.FXRate.String(), Mono: true})
	}
	if o.ReturnOfNo != "" {
		p.Facts = append(p.Facts, web.FieldRow{Label: L.T("ledger.col.return_of"), Value: o.ReturnOfNo, Mono: true})
	}
	p.Facts = append(p.Facts, web.FieldRow{Label: L.T("ledger.col.note"), Value: o.Note},
		web.FieldRow{Label: L.Field("", "updated_at"), Value: dateTimeOrEmpty(L, o.UpdatedAt)})
	t := web.LedgerTable{ID: "lines", Empty: L.T("order.no_lines")}
	for _, c := range []ledgerColumn{{"", L.T("ledger.col.line_no"), "num"}, {"", L.T("ledger.col.product_code"), ""},
		{"", L.T("ledger.col.product_name"), ""}, {"", L.T("ledger.col.quantity"), "num"}, {"", L.T("ledger.col.unit_price"), "num"},
		{"", L.T("ledger.col.discount"), "num"}, {"", L.T("ledger.col.amount"), "num"}, {"", L.T("ledger.col.cost"), "num"},
		{"", L.T("ledger.col.profit"), "num"}, {"", L.T("ledger.col.margin"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	var qty kam.Quantity
	for _, l := range o.Lines {
		qty += l.Quantity
		t.Rows = append(t.Rows, web.LedgerRow{Cells: []web.Cell{
			{Text: strconv.Itoa(l.LineNo), Class: "num"},
			{Text: l.ProductCode, Class: "mono"},
			{Text: l.ProductName},
			{Text: l.Quantity.String(), Class: "num"},
			{Text: moneyIn(L, l.UnitPrice, cur), Class: "num"},
			{Text: moneyIn(L, l.Discount, cur), Class: "num"},
			{Text: moneyIn(L, l.Amount, cur), Class: "num"},
			{Text: moneyIn(L, l.Cost, cur), Class: "num"},
			{Text: moneyIn(L, l.Profit(), cur), Class: "num"},
			{Text: margin(l.Profit(), l.Amount), Class: "num"},
		}})
	}
	if len(o.Lines) > 0 {
		t.Foot = []web.Cell{{Text: L.T("sales.total")}, {}, {}, {Text: qty.String(), Class: "num"}, {}, {},
			{Text: moneyIn(L, o.Amount, cur), Class: "num"}, {Text: moneyIn(L, o.Cost, cur), Class: "num"},
			{Text: moneyIn(L, o.Amount-o.Cost, cur), Class: "num"}, {Text: margin(o.Amount-o.Cost, o.Amount), Class: "num"}}
	}
	p.Lines = t
	rq.render(200, "ledger_order", p)
}
