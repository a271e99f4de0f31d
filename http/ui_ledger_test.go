package kamhttp_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kam"
	"kam/importer"
	"kam/locale"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// ledgerFixture is ledger data imported for the tests, on top of whatever ledger the demo has.
// Every document number starts with UIT-, so the tests select their own documents with q.
type ledgerFixture struct {
	rep    kam.User
	mine   *kam.Customer // owned by rep
	other  *kam.Customer // not visible to rep
	ledger *sqldb.LedgerService
	day    func(offset int) string
	today  string
}

// sys is the context of work no person started.
func sys() context.Context { return kam.WithActor(context.Background(), kam.System) }

// importCSV runs the importer on a small CSV file as the system, the way `kam import` does.
func importCSV(t *testing.T, store kam.ImportStore, kind, content string) *importer.Summary {
	t.Helper()
	path := filepath.Join(t.TempDir(), kind+".csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	s, err := importer.Run(sys(), store, path, importer.RunOptions{Kind: kind, Report: &report})
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	if !s.Written || s.Rejected > 0 {
		t.Fatalf("import %s: %d rejected, written %v:\n%s", kind, s.Rejected, s.Written, report.String())
	}
	return s
}

func loadLedgerFixture(t *testing.T, e *uiEnv) *ledgerFixture {
	t.Helper()
	fx := &ledgerFixture{rep: e.user(kam.RoleRep, 0), ledger: sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))}
	for _, c := range e.p.Customers {
		if fx.mine == nil && c.OwnerID == fx.rep.ID {
			fx.mine = c
		}
		if fx.other == nil && !visibleTo(c, fx.rep.ID) {
			fx.other = c
		}
	}
	if fx.mine == nil || fx.other == nil {
		t.Fatal("the demo data (fixed seed) has no customer of the rep and none outside the rep's scope")
	}
	now := time.Now().In(locale.Shanghai)
	fx.day = func(offset int) string { return now.AddDate(0, 0, offset).Format("2006-01-02") }
	fx.today = fx.day(0)
	a, b := fx.mine.Code, fx.other.Code

	var orders strings.Builder
	orders.WriteString("order_no,order_date,customer_code,product_code,product_name,category,quantity,unit_price,unit_cost,return_of\r\n")
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&orders, "UIT-SO-A-%02d,%s,%s,UIT-P-100,测试产品甲,测试类,2,150.25,100,\r\n", i, fx.day(-3*i), a)
		if i == 1 {
			fmt.Fprintf(&orders, "UIT-SO-A-01,%s,%s,UIT-P-200,测试产品乙,测试类,1,99.50,60,\r\n", fx.day(-3), a)
		}
	}
	fmt.Fprintf(&orders, "UIT-SO-B-01,%s,%s,UIT-P-100,测试产品甲,测试类,5,150.25,100,\r\n", fx.day(-40), b)
	fmt.Fprintf(&orders, "UIT-RT-A-01,%s,%s,UIT-P-100,测试产品甲,测试类,-1,150.25,100,UIT-SO-A-01\r\n", fx.day(-2), a)
	importCSV(t, fx.ledger, "orders", orders.String())

	importCSV(t, fx.ledger, "invoices", "invoice_no,customer_code,order_no,invoice_date,due_date,amount\r\n"+
		fmt.Sprintf("UIT-INV-A-1,%s,UIT-SO-A-01,%s,%s,1000.00\r\n", a, fx.day(-60), fx.day(-30))+
		fmt.Sprintf("UIT-INV-A-2,%s,UIT-SO-A-02,%s,%s,250.00\r\n", a, fx.day(-5), fx.day(25))+
		fmt.Sprintf("UIT-INV-A-3,%s,,%s,%s,500.00\r\n", a, fx.day(-50), fx.day(-20))+
		fmt.Sprintf("UIT-INV-B-1,%s,UIT-SO-B-01,%s,%s,751.25\r\n", b, fx.day(-40), fx.day(-10)))
	importCSV(t, fx.ledger, "payments", "reference,customer_code,payment_date,amount,method,invoice_no\r\n"+
		fmt.Sprintf("UIT-PAY-A-1,%s,%s,500.00,银行转账,UIT-INV-A-3\r\n", a, fx.day(-15))+
		fmt.Sprintf("UIT-PAY-B-1,%s,%s,900.00,承兑汇票,UIT-INV-B-1\r\n", b, fx.day(-5)))
	importCSV(t, fx.ledger, "costs", "reference,customer_code,entry_date,expense_code,amount,note\r\n"+
		fmt.Sprintf("UIT-C-A-1,%s,%s,logistics,120.50,运费\r\n", a, fx.day(-20))+
		fmt.Sprintf("UIT-C-A-2,%s,%s,visits,80.00,拜访\r\n", a, fx.day(-10))+
		fmt.Sprintf("UIT-C-A-3,%s,%s,logistics,30.00,\r\n", a, fx.day(-9))+
		fmt.Sprintf("UIT-C-B-1,%s,%s,rebate,45.00,\r\n", b, fx.day(-10)))
	return fx
}

// orderID finds an order by its number.
func (fx *ledgerFixture) orderID(t *testing.T, no string) int64 {
	t.Helper()
	list, _, err := fx.ledger.FindOrders(sys(), kam.LedgerFilter{Q: no, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		if o.OrderNo == no {
			return o.ID
		}
	}
	t.Fatalf("no order %s", no)
	return 0
}

var trPattern = regexp.MustCompile(`(?s)<tr\b[^>]*>.*?</tr>`)

// tableBody returns the rows of the tbody of the table with id.
func tableBody(t *testing.T, page, id string) []string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no table #%s in\n%s", id, truncate(page, 3000))
	}
	rest := page[i:]
	rest = rest[:strings.Index(rest, "</table>")]
	body := rest[strings.Index(rest, "<tbody>"):]
	if j := strings.Index(body, "</tbody>"); j >= 0 {
		body = body[:j]
	}
	rows := trPattern.FindAllString(body, -1)
	if len(rows) == 1 && strings.Contains(rows[0], `class="empty"`) {
		return nil
	}
	return rows
}

func TestUILedger(t *testing.T) {
	// Uploads are kept under the system's temporary directory: the test's own is removed after it.
	t.Setenv("TMPDIR", t.TempDir())
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		fx := loadLedgerFixture(t, e)
		admin := e.p.Users[0].User
		service := e.user(kam.RoleService, 0)
		finance := e.user(kam.RoleFinance, 0)
		var served *kam.Customer // a file the service user sees
		for _, c := range e.p.Customers {
			if visibleTo(c, service.ID) {
				served = c
				break
			}
		}
		if served == nil {
			t.Fatal("the demo gives the service user no customer")
		}
		ab := e.browser()
		ab.login(admin.Email)
		rb := e.browser()
		rb.login(fx.rep.Email)
		sb := e.browser()
		sb.login(service.Email)
		fb := e.browser()
		fb.login(finance.Email)
		mineURL := "/customers/" + strconv.FormatInt(fx.mine.ID, 10)

		t.Run("card tabs by role", func(t *testing.T) {
			servedURL := "/customers/" + strconv.FormatInt(served.ID, 10)
			tests := []struct {
				name string
				b    *browser
				card string
				see  bool
			}{
				{"admin", ab, mineURL, true},
				{"rep on own file", rb, mineURL, true},
				{"service", sb, servedURL, false},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.b.get(tt.card)
					if r.status != 200 {
						t.Fatalf("card: %d", r.status)
					}
					tabs := []string{`?tab=orders"`, `?tab=invoices"`, `?tab=costs"`, `?tab=sales"`, ">发票与收款<", ">月度销售<"}
					if tt.see {
						mustContain(t, "card", r.body, tabs...)
						mustContain(t, "nav", r.body, `href="/orders"`, `href="/invoices"`)
					} else {
						mustNotContain(t, "card", r.body, tabs...)
						mustNotContain(t, "nav", r.body, `href="/orders"`, `href="/payments"`)
					}
					for _, tab := range []string{"orders", "invoices", "costs", "sales"} {
						r := tt.b.get(tt.card + "?tab=" + tab)
						if r.status != 200 {
							t.Errorf("tab %s: %d", tab, r.status)
						}
						if tt.see {
							mustContain(t, tab, r.body, `aria-current="page">`+map[string]string{"orders": "订单", "invoices": "发票与收款", "costs": "费用", "sales": "月度销售"}[tab]+"<")
						} else {
							// The tab falls back to the profile; nothing of the ledger shows.
							mustContain(t, tab, r.body, `id="score"`)
							mustNotContain(t, tab, r.body, "card-orders", "card-invoices", `id="sales"`, "¥")
						}
					}
				})
			}
			for _, path := range []string{"/orders", "/invoices", "/payments", "/costs", "/products", "/export/orders?format=csv"} {
				if r := sb.get(path); r.status != 403 {
					t.Errorf("service GET %s: %d, want 403", path, r.status)
				}
			}
		})

		t.Run("orders tab and order page", func(t *testing.T) {
			r := rb.get(mineURL + "?tab=orders")
			rows := tableBody(t, r.body, "card-orders")
			if len(rows) != 20 {
				t.Errorf("orders tab: %d rows, want a full page of 20", len(rows))
			}
			mustContain(t, "orders tab", r.body, "UIT-RT-A-01", "退货单", "原订单 UIT-SO-A-01", `href="`+mineURL+`?tab=orders&amp;page=2"`,
				"/export/orders?customer="+strconv.FormatInt(fx.mine.ID, 10)+"&amp;format=csv")
			if r2 := rb.get(mineURL + "?tab=orders&page=2"); !strings.Contains(r2.body, "card-orders") || len(tableBody(t, r2.body, "card-orders")) == 0 {
				t.Errorf("orders tab page 2 is empty")
			}
			id := fx.orderID(t, "UIT-SO-A-01")
			mustContain(t, "orders tab", r.body, fmt.Sprintf(`href="/orders/%d"`, id))
			page := rb.get(fmt.Sprintf("/orders/%d", id))
			if page.status != 200 {
				t.Fatalf("order page: %d", page.status)
			}
			// Two lines: 2 × 150.25 and 1 × 99.50; costs 200 and 60.
			mustContain(t, "order page", page.body, "订单 UIT-SO-A-01", "测试产品甲", "测试产品乙", "UIT-P-200", "¥150.25", "¥300.50",
				"¥99.50", "¥400.00", "¥260.00", "¥140.00", "35.0%", html.EscapeString(fx.mine.Name))
			if n := len(tableBody(t, page.body, "lines")); n != 2 {
				t.Errorf("order page: %d lines, want 2", n)
			}
			// The rep may not see an order of a customer outside their scope.
			if r := rb.get(fmt.Sprintf("/orders/%d", fx.orderID(t, "UIT-SO-B-01"))); r.status != 404 {
				t.Errorf("rep opens another's order: %d, want 404", r.status)
			}
			for _, p := range []string{"/orders/abc", "/orders/0", "/orders/99999999"} {
				if r := ab.get(p); r.status != 404 {
					t.Errorf("GET %s: %d, want 404", p, r.status)
				}
			}
		})

		t.Run("invoices tab", func(t *testing.T) {
			r := rb.get(mineURL + "?tab=invoices")
			rows := tableBody(t, r.body, "card-invoices")
			var overdue, open string
			for _, row := range rows {
				if strings.Contains(row, "UIT-INV-A-1<") {
					overdue = row
				}
				if strings.Contains(row, "UIT-INV-A-2<") {
					open = row
				}
			}
			if !strings.Contains(overdue, `class="overdue"`) || !strings.Contains(overdue, "逾期 30 天") || !strings.Contains(overdue, "¥1,000.00") {
				t.Errorf("overdue invoice row: %s", overdue)
			}
			if !strings.Contains(open, `class="open"`) || !strings.Contains(open, "未结清") {
				t.Errorf("open invoice row: %s", open)
			}
			// The totals are those of every open invoice of the customer (the demo's too).
			all, _, err := fx.ledger.FindInvoices(sys(), kam.LedgerFilter{CustomerID: fx.mine.ID, Status: "open", Today: fx.today})
			if err != nil {
				t.Fatal(err)
			}
			var openSum, overdueSum kam.Money
			for _, in := range all {
				openSum += in.Open()
				if in.Overdue(fx.today) {
					overdueSum += in.Open()
				}
			}
			L := locale.New(locale.ZH)
			mustContain(t, "totals", r.body, "未收金额", "逾期金额", `id="ledger-totals"`, L.Total(int64(openSum)), L.Total(int64(overdueSum)))
			prow := ""
			for _, row := range tableBody(t, r.body, "card-payments") {
				if strings.Contains(row, "UIT-PAY-A-1") {
					prow = row
				}
			}
			if !strings.Contains(prow, "UIT-INV-A-3 ¥500.00") {
				t.Errorf("payment row lacks its allocation: %s", prow)
			}
			// The status filter of the tab.
			r = rb.get(mineURL + "?tab=invoices&status=overdue")
			for _, row := range tableBody(t, r.body, "card-invoices") {
				if !strings.Contains(row, `class="overdue"`) {
					t.Errorf("overdue filter shows %s", row)
				}
			}
			// A payment with more than its invoices shows what is left unallocated.
			r = ab.get("/payments?q=UIT-PAY-B")
			mustContain(t, "payments list", r.body, "UIT-INV-B-1 ¥751.25", "¥148.75", "¥900.00", "承兑汇票")
		})

		t.Run("costs and sales tabs", func(t *testing.T) {
			r := rb.get(mineURL + "?tab=costs")
			mustContain(t, "costs tab", r.body, "UIT-C-A-1", "物流费用", "销售拜访", "服务费用合计", "¥120.50")
			all, _, err := fx.ledger.FindCosts(sys(), kam.LedgerFilter{CustomerID: fx.mine.ID})
			if err != nil {
				t.Fatal(err)
			}
			var logistics kam.Money
			for _, c := range all {
				if c.ExpenseCode == "logistics" {
					logistics += c.Amount
				}
			}
			mustContain(t, "logistics total", r.body, `<span class="flabel">物流费用</span><span class="fvalue">`+locale.New(locale.ZH).Total(int64(logistics))+`</span>`)

			r = rb.get(mineURL + "?tab=sales")
			rows := tableBody(t, r.body, "sales")
			if len(rows) != 24 {
				t.Fatalf("sales tab: %d months, want 24", len(rows))
			}
			month := time.Now().In(locale.Shanghai).Format("2006-01")
			if !strings.Contains(rows[0], month) {
				t.Errorf("first month is not the current one (%s): %s", month, rows[0])
			}
			// The months of the fixture's orders have sales.
			from := time.Now().In(locale.Shanghai).AddDate(0, -23, 0).Format("2006-01")
			months, err := fx.ledger.SalesByMonth(sys(), fx.mine.ID, from, month)
			if err != nil {
				t.Fatal(err)
			}
			var sum kam.Money
			for _, m := range months {
				sum += m.NetRevenue
			}
			if sum == 0 {
				t.Fatal("the rollup has no sales for the customer")
			}
			mustContain(t, "sales total", r.body, locale.New(locale.ZH).Total(int64(sum)), "合计")
		})

		t.Run("lists: paging, filters, sorting", func(t *testing.T) {
			tests := []struct {
				name  string
				b     *browser
				path  string
				table string
				rows  int
				want  []string
				bad   []string
			}{
				{"orders page 1", ab, "/orders?q=UIT-SO-A", "orders-table", 20, []string{"共 25 条", "第 1–20 条", "page=2"}, []string{"UIT-SO-B"}},
				{"orders page 2", ab, "/orders?q=UIT-SO-A&page=2", "orders-table", 5, []string{"第 21–25 条"}, nil},
				{"orders per 50", ab, "/orders?q=UIT-SO-A&per=50", "orders-table", 25, nil, nil},
				{"orders past the end", ab, "/orders?q=UIT-SO-A&page=9", "orders-table", 5, []string{"第 21–25 条"}, nil},
				{"orders sorted by number", ab, "/orders?q=UIT-SO-A&sort=order_no", "orders-table", 20, []string{` sorted"`}, []string{"UIT-SO-A-25"}},
				{"orders sorted by number, descending", ab, "/orders?q=UIT-SO-A&sort=-order_no", "orders-table", 20, []string{"UIT-SO-A-25"}, []string{"UIT-SO-A-01<"}},
				{"orders of a customer", ab, "/orders?q=UIT&customer=" + strconv.FormatInt(fx.other.ID, 10), "orders-table", 1,
					[]string{"UIT-SO-B-01", `id="customer-filter"`, html.EscapeString(fx.other.Name)}, []string{"UIT-SO-A"}},
				{"orders by date", ab, "/orders?q=UIT-SO&from=" + fx.day(-10) + "&to=" + fx.day(-4), "orders-table", 2, []string{"UIT-SO-A-02", "UIT-SO-A-03"}, []string{"UIT-SO-A-01<", "UIT-SO-A-04"}},
				{"rep's orders", rb, "/orders?q=UIT-SO", "orders-table", 20, []string{"共 25 条"}, []string{"UIT-SO-B"}},
				{"finance sees every customer", fb, "/orders?q=UIT-SO&per=50", "orders-table", 26, []string{"UIT-SO-B-01"}, nil},
				{"overdue invoices", ab, "/invoices?q=UIT-INV&status=overdue", "invoices-table", 1, []string{"UIT-INV-A-1", "逾期 30 天"}, []string{"UIT-INV-A-2", "UIT-INV-A-3", "UIT-INV-B-1"}},
				{"open invoices", ab, "/invoices?q=UIT-INV&status=open", "invoices-table", 2, []string{"UIT-INV-A-1", "UIT-INV-A-2"}, []string{"UIT-INV-A-3", "UIT-INV-B-1"}},
				{"paid invoices", ab, "/invoices?q=UIT-INV&status=paid", "invoices-table", 2, []string{"UIT-INV-A-3", "UIT-INV-B-1", "已结清"}, nil},
				{"invoices by date", ab, "/invoices?q=UIT-INV&from=" + fx.day(-45) + "&to=" + fx.today, "invoices-table", 2, []string{"UIT-INV-A-2", "UIT-INV-B-1"}, []string{"UIT-INV-A-1<", "UIT-INV-A-3"}},
				{"invoices by open amount", ab, "/invoices?q=UIT-INV&sort=-open", "invoices-table", 4, nil, nil},
				{"costs by expense code", ab, "/costs?q=UIT-C&status=logistics", "costs-table", 2, []string{"UIT-C-A-1", "UIT-C-A-3", "物流费用"}, []string{"UIT-C-A-2", "UIT-C-B-1"}},
				{"products", ab, "/products?q=UIT-P", "products-table", 2, []string{"测试产品甲", "测试产品乙", "测试类"}, nil},
				{"bad parameters fall back", ab, "/orders?q=UIT-SO-A&sort=secret&per=7&from=2026-13-45&status=x", "orders-table", 20, []string{"共 25 条"}, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.b.get(tt.path)
					if r.status != 200 {
						t.Fatalf("GET %s: %d\n%s", tt.path, r.status, truncate(r.body, 2000))
					}
					if rows := tableBody(t, r.body, tt.table); len(rows) != tt.rows {
						t.Errorf("GET %s: %d rows, want %d", tt.path, len(rows), tt.rows)
					}
					mustContain(t, tt.path, r.body, tt.want...)
					mustNotContain(t, tt.path, r.body, tt.bad...)
				})
			}
			// Sorting: the first row follows the sort.
			first := tableBody(t, ab.get("/orders?q=UIT-SO-A&sort=order_no").body, "orders-table")[0]
			if !strings.Contains(first, "UIT-SO-A-01") {
				t.Errorf("sort=order_no: first row %s", first)
			}
			// htmx asks for the table only, and gets the canonical URL to push.
			r := ab.do("GET", "/orders?q=UIT-SO-A&from=&to=&sort=&per=20", nil, http.Header{"Hx-Request": {"true"}, "Hx-Target": {"results"}})
			if strings.Contains(r.body, "<html") || !strings.Contains(r.body, "orders-table") {
				t.Errorf("htmx request got the whole page")
			}
			if got := r.header.Get("HX-Push-Url"); got != "/orders?q=UIT-SO-A" {
				t.Errorf("HX-Push-Url = %q", got)
			}
		})

		t.Run("export links follow the filter", func(t *testing.T) {
			r := ab.get("/invoices?q=UIT-INV&status=overdue&from=" + fx.day(-90))
			for _, want := range []string{
				"/export/invoices?format=csv&amp;from=" + fx.day(-90) + "&amp;q=UIT-INV&amp;status=overdue",
				"/export/invoices?encoding=gb18030&amp;format=csv&amp;from=" + fx.day(-90) + "&amp;q=UIT-INV&amp;status=overdue",
				"/export/invoices?format=xlsx&amp;from=" + fx.day(-90) + "&amp;q=UIT-INV&amp;status=overdue",
			} {
				mustContain(t, "export links", r.body, want)
			}
			r = ab.get("/customers?status=active&q=" + url.QueryEscape(cjkRun(fx.mine.Name, 2)))
			mustContain(t, "customer export link", r.body, "/export/customers?format=csv&amp;q=", "status=active")
		})

		t.Run("export content", func(t *testing.T) {
			orderFields := exportHeader(t, "orders")
			r := ab.get("/export/orders?format=csv&q=UIT-SO-B")
			if r.status != 200 {
				t.Fatalf("export: %d\n%s", r.status, truncate(r.body, 2000))
			}
			if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="orders-`+fx.today+`.csv"` {
				t.Errorf("Content-Disposition = %q", cd)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type = %q", ct)
			}
			if !strings.HasPrefix(r.body, "\ufeff") {
				t.Errorf("no BOM: %q", truncate(r.body, 20))
			}
			recs := readCSV(t, strings.TrimPrefix(r.body, "\ufeff"))
			if strings.Join(recs[0], ",") != strings.Join(orderFields, ",") {
				t.Errorf("header = %v, want the import fields %v", recs[0], orderFields)
			}
			if len(recs) != 2 {
				t.Fatalf("%d records, want header + 1 line", len(recs))
			}
			line := rowMap(recs[0], recs[1])
			for k, want := range map[string]string{"order_no": "UIT-SO-B-01", "customer_code": fx.other.Code, "quantity": "5",
				"unit_price": "150.25", "amount": "751.25", "cost": "500.00", "product_code": "UIT-P-100"} {
				if line[k] != want {
					t.Errorf("%s = %q, want %q", k, line[k], want)
				}
			}

			// GB18030: the same file as Excel in China saves it.
			r = ab.get("/export/orders?format=csv&encoding=gb18030&q=UIT-SO-B")
			if r.status != 200 || strings.HasPrefix(r.body, "\ufeff") {
				t.Fatalf("gb18030 export: %d, BOM %v", r.status, strings.HasPrefix(r.body, "\ufeff"))
			}
			if utf8.ValidString(r.body) {
				t.Errorf("the GB18030 export is valid UTF-8: not encoded?")
			}
			dec, err := simplifiedchinese.GB18030.NewDecoder().String(r.body)
			if err != nil {
				t.Fatal(err)
			}
			recs = readCSV(t, dec)
			if len(recs) != 2 || rowMap(recs[0], recs[1])["customer_name"] != fx.other.Name || rowMap(recs[0], recs[1])["product_name"] != "测试产品甲" {
				t.Errorf("decoded GB18030 export: %v", recs)
			}

			// XLSX opens with excelize; amounts are numbers, codes text.
			r = ab.get("/export/invoices?format=xlsx&q=UIT-INV&status=overdue")
			if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="invoices-`+fx.today+`.xlsx"` {
				t.Errorf("Content-Disposition = %q", cd)
			}
			x, err := excelize.OpenReader(strings.NewReader(r.body))
			if err != nil {
				t.Fatalf("open xlsx: %v", err)
			}
			defer x.Close()
			rows, err := x.GetRows(x.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(exportHeader(t, "invoices"), ",") {
				t.Fatalf("xlsx rows: %v", rows)
			}
			if m := rowMap(rows[0], rows[1]); m["invoice_no"] != "UIT-INV-A-1" || m["amount"] != "1000" || m["customer_code"] != fx.mine.Code {
				t.Errorf("overdue invoice exported: %v", m)
			}

			// The expense code filter of the cost list applies to its export.
			r = ab.get("/export/costs?format=csv&q=UIT-C&status=logistics")
			recs = readCSV(t, strings.TrimPrefix(r.body, "\ufeff"))
			if len(recs) != 3 {
				t.Errorf("costs export: %v", recs)
			}
			for _, rec := range recs[1:] {
				if m := rowMap(recs[0], rec); m["expense_code"] != "logistics" || m["amount"] == "" {
					t.Errorf("costs export row %v", m)
				}
			}
			// The customer list's export holds exactly the list's files.
			r = ab.get("/export/customers?format=csv&status=active")
			recs = readCSV(t, strings.TrimPrefix(r.body, "\ufeff"))
			_, total, err := e.cs.FindCustomers(kam.WithActor(context.Background(), kam.ActorOf(&admin)), kam.CustomerFilter{Status: "active", Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs)-1 != total || recs[0][0] != "code" {
				t.Errorf("customers export: %d rows, the list has %d; header %v", len(recs)-1, total, recs[0])
			}
			for _, rec := range recs[1:] {
				if m := rowMap(recs[0], rec); m["status"] != "active" {
					t.Errorf("customers export holds a %s customer", m["status"])
				}
			}

			for _, tt := range []struct {
				path   string
				status int
			}{
				{"/export/orders?format=pdf", 400},
				{"/export/orders?format=csv&encoding=latin1", 400},
				{"/export/secrets?format=csv", 404},
			} {
				if r := ab.get(tt.path); r.status != tt.status {
					t.Errorf("GET %s: %d, want %d", tt.path, r.status, tt.status)
				}
			}
		})

		t.Run("a rep's export holds only the rep's customers", func(t *testing.T) {
			visible := map[string]bool{}
			for _, c := range e.p.Customers {
				if visibleTo(c, fx.rep.ID) {
					visible[c.Code] = true
				}
			}
			for _, kind := range []string{"orders", "invoices", "payments", "costs"} {
				r := rb.get("/export/" + kind + "?format=csv")
				if r.status != 200 {
					t.Fatalf("rep export %s: %d", kind, r.status)
				}
				recs := readCSV(t, strings.TrimPrefix(r.body, "\ufeff"))
				seenMine := false
				for _, rec := range recs[1:] {
					code := rowMap(recs[0], rec)["customer_code"]
					if !visible[code] {
						t.Errorf("rep's %s export holds customer %s", kind, code)
					}
					seenMine = seenMine || code == fx.mine.Code
				}
				if !seenMine {
					t.Errorf("rep's %s export lacks the rep's own customer %s", kind, fx.mine.Code)
				}
			}
			r := rb.get("/export/customers?format=xlsx")
			x, err := excelize.OpenReader(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows(x.GetSheetName(0))
			x.Close()
			if len(rows)-1 != len(visible) {
				t.Errorf("rep's customer export: %d files, the rep sees %d", len(rows)-1, len(visible))
			}
			for _, row := range rows[1:] {
				if !visible[row[0]] {
					t.Errorf("rep's customer export holds %s", row[0])
				}
			}
		})

		t.Run("import: upload, mapping, dry run, import", func(t *testing.T) {
			csrf := csrfOf(t, fb.get("/import").body)
			// 单号 is a known alias of order_no; Kunde must be mapped by hand. Row 3 is bad.
			file := "单号,order_date,Kunde,product_code,quantity,unit_price\r\n" +
				fmt.Sprintf("UIT-IMP-1,%s,%s,UIT-P-100,3,10.00\r\n", fx.day(-1), fx.mine.Code) +
				fmt.Sprintf("UIT-IMP-2,%s,%s,UIT-P-100,abc,10.00\r\n", fx.day(-1), fx.mine.Code)
			r := fb.upload("/import", csrf, "orders", "订单.csv", []byte(file), nil)
			if r.status != 303 || !strings.HasPrefix(r.location, "/import/") {
				t.Fatalf("upload: %d → %q\n%s", r.status, r.location, truncate(r.body, 2000))
			}
			imp := r.location
			page := fb.get(imp)
			mustContain(t, "mapping", page.body, "订单.csv", `<option value="单号" selected>`, `<tr class="missing">`, `name="map.customer_code"`,
				"UIT-IMP-1", "abc", `id="preview"`)
			if n := len(tableBody(t, page.body, "preview")); n != 2 {
				t.Errorf("preview: %d rows, want 2", n)
			}
			// Another user cannot open the upload.
			if r := ab.get(imp); r.status != 404 {
				t.Errorf("another user opens the import: %d", r.status)
			}

			// A dry run without the required column names the problem.
			form := importForm(t, page.body)
			form.Set("action", "dryrun")
			r = fb.post(imp, form)
			if r.status != 303 {
				t.Fatalf("dry run: %d\n%s", r.status, truncate(r.body, 2000))
			}
			page = fb.get(imp)
			mustContain(t, "unmapped", page.body, `id="import-error"`, "customer_code")

			form = importForm(t, page.body)
			form.Set("map.customer_code", "Kunde")
			form.Set("action", "dryrun")
			fb.post(imp, form)
			page = fb.get(imp)
			mustContain(t, "dry run", page.body, `id="summary"`, "试运行发现 1 行无效行", `<dd id="sum-read">2</dd>`,
				`<dd id="sum-rejected">1</dd>`, `<dd id="sum-created">1</dd>`, `<option value="Kunde" selected>`, imp+"/report")
			errs := tableBody(t, page.body, "errors")
			if len(errs) != 1 || !strings.Contains(errs[0], ">3<") || !strings.Contains(errs[0], "quantity") || !strings.Contains(errs[0], "abc") {
				t.Errorf("error report: %v", errs)
			}
			rep := fb.get(imp + "/report")
			if rep.status != 200 || !strings.Contains(rep.header.Get("Content-Disposition"), "attachment") || !strings.Contains(rep.body, "abc") {
				t.Errorf("report download: %d %q\n%s", rep.status, rep.header.Get("Content-Disposition"), rep.body)
			}
			if n := countOrders(t, fx, "UIT-IMP"); n != 0 {
				t.Fatalf("the dry run wrote %d orders", n)
			}

			// The real run of a file with a bad row writes nothing …
			form = importForm(t, page.body)
			form.Set("action", "import")
			fb.post(imp, form)
			page = fb.get(imp)
			mustContain(t, "rejected import", page.body, "有 1 行无效，未写入任何数据")
			if n := countOrders(t, fx, "UIT-IMP"); n != 0 {
				t.Fatalf("a rejected import wrote %d orders", n)
			}
			// … unless the bad rows are skipped.
			form = importForm(t, page.body)
			form.Set("skip_invalid", "1")
			form.Set("action", "import")
			fb.post(imp, form)
			page = fb.get(imp)
			mustContain(t, "import", page.body, "导入完成，已跳过 1 行无效行", `<dd id="sum-created">1</dd>`, `href="/orders"`)
			mustNotContain(t, "import", page.body, `id="mapping-form"`)
			if n := countOrders(t, fx, "UIT-IMP"); n != 1 {
				t.Fatalf("import wrote %d orders, want 1", n)
			}
			// A second submit (a reload, a double click) does not import again.
			if r := fb.post(imp, form); r.status != 303 {
				t.Errorf("submit after the import: %d", r.status)
			}
			mustContain(t, "rep's card", rb.get(mineURL+"?tab=orders").body, "UIT-IMP-1")
		})

		t.Run("import: an export imports back unchanged", func(t *testing.T) {
			for _, tt := range []struct {
				name, export, kind, file string
				rows                     int
			}{
				{"XLSX", "/export/invoices?format=xlsx&q=UIT-INV", "invoices", "invoices.xlsx", 4},
				{"CSV in GB18030", "/export/orders?format=csv&encoding=gb18030&q=UIT-SO-B", "orders", "orders.csv", 1},
				{"CSV in UTF-8", "/export/payments?format=csv&q=UIT-PAY", "payments", "payments.csv", 2},
			} {
				t.Run(tt.name, func(t *testing.T) {
					x := fb.get(tt.export)
					csrf := csrfOf(t, fb.get("/import").body)
					r := fb.upload("/import", csrf, tt.kind, tt.file, []byte(x.body), nil)
					if r.status != 303 {
						t.Fatalf("upload: %d\n%s", r.status, truncate(r.body, 2000))
					}
					imp := r.location
					form := importForm(t, fb.get(imp).body)
					form.Set("action", "dryrun")
					fb.post(imp, form)
					page := fb.get(imp)
					mustContain(t, tt.name, page.body, "试运行通过", fmt.Sprintf(`<dd id="sum-unchanged">%d</dd>`, tt.rows), `<dd id="sum-rejected">0</dd>`)
					if tt.kind == "invoices" {
						// A sheet the workbook does not have is the file's problem, shown on the page.
						mustContain(t, "xlsx options", page.body, `id="sheet"`)
						form = importForm(t, page.body)
						form.Set("sheet", "没有这个表")
						form.Set("action", "preview")
						fb.post(imp, form)
						page = fb.get(imp)
						mustContain(t, "unknown sheet", page.body, `id="preview-error"`, "no sheet named")
						form = importForm(t, page.body)
						form.Set("action", "dryrun")
						if r := fb.post(imp, form); r.status != 303 {
							t.Errorf("dry run on an unknown sheet: %d", r.status)
						}
						mustContain(t, "unknown sheet", fb.get(imp).body, `id="import-error"`, "no sheet named")
					}
				})
			}
		})

		t.Run("English pages show no raw catalog keys", func(t *testing.T) {
			eb := e.browser()
			eb.login(admin.Email)
			eb.get("/lang/en")
			rawKey := regexp.MustCompile(`>\s*(ledger|import|card|order|sales|export|invoice_state|tab|nav|product)\.[a-z_.]+\s*<`)
			for _, path := range []string{"/orders", "/invoices?status=overdue", "/payments", "/costs", "/products", "/import",
				mineURL + "?tab=orders", mineURL + "?tab=invoices", mineURL + "?tab=costs", mineURL + "?tab=sales",
				fmt.Sprintf("/orders/%d", fx.orderID(t, "UIT-RT-A-01"))} {
				r := eb.get(path)
				if r.status != 200 {
					t.Errorf("GET %s: %d", path, r.status)
					continue
				}
				mustContain(t, path, r.body, `<html lang="en">`)
				if m := rawKey.FindString(r.body); m != "" {
					t.Errorf("GET %s shows a raw key: %s", path, m)
				}
			}
			mustContain(t, "en invoices", eb.get("/invoices?q=UIT-INV&status=overdue").body, "30 days overdue")
		})

		t.Run("import: CSRF", func(t *testing.T) {
			csrf := csrfOf(t, fb.get("/import").body)
			file := []byte("reference,customer_code,entry_date,expense_code,amount\r\nUIT-X-1," + fx.mine.Code + "," + fx.today + ",visits,1\r\n")
			tests := []struct {
				name  string
				parts []formPart
				hdr   http.Header
				want  int
			}{
				{"no token", []formPart{{name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}}, nil, 403},
				{"wrong token", []formPart{{name: "csrf", value: strings.Repeat("0", 64)}, {name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}}, nil, 403},
				{"token after the file", []formPart{{name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}, {name: "csrf", value: csrf}}, nil, 403},
				{"cross-site origin", []formPart{{name: "csrf", value: csrf}, {name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}}, http.Header{"Origin": {"https://evil.example"}}, 403},
				{"header token", []formPart{{name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}}, http.Header{"X-Csrf-Token": {csrf}}, 303},
				{"form token", []formPart{{name: "csrf", value: csrf}, {name: "kind", value: "costs"}, {name: "file", file: "x.csv", data: file}}, nil, 303},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := fb.multipart("/import", tt.parts, tt.hdr)
					if r.status != tt.want {
						t.Errorf("%d, want %d\n%s", r.status, tt.want, truncate(r.body, 1500))
					}
				})
			}
			// The mapping step's POST checks the token as every form does.
			r := fb.upload("/import", csrf, "costs", "x.csv", file, nil)
			imp := r.location
			form := importForm(t, fb.get(imp).body)
			form.Set("action", "import")
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Del("csrf")
			if r := fb.post(imp, bad); r.status != 403 {
				t.Errorf("mapping POST without token: %d", r.status)
			}
			bad.Set("csrf", strings.Repeat("a", 64))
			if r := fb.post(imp, bad); r.status != 403 {
				t.Errorf("mapping POST with a wrong token: %d", r.status)
			}
			if r := fb.do("POST", imp, form, http.Header{"Origin": {"https://evil.example"}}); r.status != 403 {
				t.Errorf("mapping POST from another site: %d", r.status)
			}
			if n := countCosts(t, fx, "UIT-X"); n != 0 {
				t.Errorf("a rejected request imported %d costs", n)
			}
		})

		t.Run("import: roles", func(t *testing.T) {
			kamUser := e.user(kam.RoleKAM, 0)
			kb := e.browser()
			kb.login(kamUser.Email)
			file := []byte("code,name\r\nUIT-K-1,测试客户\r\n")
			for _, tt := range []struct {
				name string
				b    *browser
				kind string
				get  int
				post int
			}{
				{"rep may not import", rb, "orders", 403, 403},
				{"service may not import", sb, "costs", 403, 403},
				{"finance may not import customers", fb, "customers", 200, 403},
				{"a KAM may not import orders", kb, "orders", 200, 403},
				{"a KAM imports customers", kb, "customers", 200, 303},
			} {
				t.Run(tt.name, func(t *testing.T) {
					r := tt.b.get("/import")
					if r.status != tt.get {
						t.Errorf("GET /import: %d, want %d", r.status, tt.get)
					}
					csrf := csrfOf(t, tt.b.get("/customers").body)
					r = tt.b.upload("/import", csrf, tt.kind, "x.csv", file, nil)
					if r.status != tt.post {
						t.Errorf("POST /import %s: %d, want %d\n%s", tt.kind, r.status, tt.post, truncate(r.body, 1000))
					}
				})
			}
			mustNotContain(t, "rep nav", rb.get("/customers").body, `href="/import"`)
			mustContain(t, "finance nav", fb.get("/customers").body, `href="/import"`)
			// A role that imports nothing is refused the import pages; for one that imports,
			// an unknown import does not exist.
			if r := rb.get("/import/" + strings.Repeat("A", 43)); r.status != 403 {
				t.Errorf("unknown import as a rep: %d", r.status)
			}
			if r := kb.get("/import/" + strings.Repeat("A", 43)); r.status != 404 {
				t.Errorf("unknown import: %d", r.status)
			}
		})

		t.Run("import: hostile files", func(t *testing.T) {
			csrf := csrfOf(t, fb.get("/import").body)
			var zipBuf bytes.Buffer
			zw := zip.NewWriter(&zipBuf)
			w, _ := zw.Create("hello.txt")
			w.Write([]byte("hello"))
			zw.Close()
			garbage := make([]byte, 4096)
			for i := range garbage {
				garbage[i] = byte(i*7919 + i/3)
			}
			tests := []struct {
				name   string
				kind   string
				file   string
				data   []byte
				status int
				want   string
			}{
				{"binary garbage", "orders", "x.csv", garbage, 422, "not a text file"},
				{"a ZIP that is not XLSX", "orders", "x.xlsx", zipBuf.Bytes(), 422, "not an XLSX spreadsheet"},
				{"an old .xls or encrypted workbook", "orders", "x.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), 422, "password-protected or in the old .xls format"},
				{"header only", "orders", "x.csv", []byte("order_no,order_date,customer_code,product_code,quantity\r\n"), 422, "没有数据行"},
				{"empty", "orders", "x.csv", nil, 422, "the file is empty"},
				{"a huge header line", "orders", "x.csv", []byte(strings.Repeat("A", 3<<20) + "\r\n1\r\n"), 422, "longer than 1 MiB"},
				{"no file", "orders", "", nil, 422, "请选择要上传的文件"},
				{"no kind", "", "x.csv", []byte("a\r\n1\r\n"), 422, "请选择要导入的数据类型"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := fb.upload("/import", csrf, tt.kind, tt.file, tt.data, nil)
					if r.status != tt.status {
						t.Fatalf("%d, want %d\n%s", r.status, tt.status, truncate(r.body, 2000))
					}
					mustContain(t, tt.name, r.body, html.EscapeString(tt.want), `id="import-error"`, `enctype="multipart/form-data"`)
				})
			}
			// A huge line among the data is that row's problem: the rest of the file reads.
			file := "order_no,order_date,customer_code,product_code,quantity,unit_price\r\n" + strings.Repeat("B", 2<<20) + "\r\n" +
				"UIT-HUGE-1," + fx.today + "," + fx.mine.Code + ",UIT-P-100,1,10\r\n"
			r := fb.upload("/import", csrf, "orders", "huge.csv", []byte(file), nil)
			if r.status != 303 {
				t.Fatalf("huge line: %d", r.status)
			}
			page := fb.get(r.location)
			mustContain(t, "huge line preview", page.body, "row 2: the row is longer than 1 MiB", "UIT-HUGE-1")
			form := importForm(t, page.body)
			form.Set("action", "dryrun")
			fb.post(r.location, form)
			page = fb.get(r.location)
			mustContain(t, "huge line dry run", page.body, "the row is longer than 1 MiB", `<dd id="sum-rejected">1</dd>`)
			// A sheet name that the file does not have (for a CSV the option does not apply) and a
			// wrong encoding are the file's problem, never a server error.
			form = importForm(t, page.body)
			form.Set("encoding", "utf-8")
			form.Set("action", "dryrun")
			if r := fb.post(r.location, form); r.status != 303 {
				t.Errorf("dry run with an encoding: %d", r.status)
			}
		})
	})
}

// exportHeader is the header an export of kind has: the kind's import fields, less those that
// restate another (an order line's unit cost and profit).
func exportHeader(t *testing.T, kind string) []string {
	t.Helper()
	k, ok := importer.KindNamed(kind)
	if !ok {
		t.Fatalf("no kind %s", kind)
	}
	var out []string
	for _, f := range k.Fields {
		if kind == "orders" && (f.Name == "unit_cost" || f.Name == "profit") {
			continue
		}
		out = append(out, f.Name)
	}
	return out
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v\n%s", err, truncate(s, 1000))
	}
	if len(recs) == 0 {
		t.Fatal("empty CSV")
	}
	return recs
}

func rowMap(header, row []string) map[string]string {
	m := map[string]string{}
	for i, h := range header {
		if i < len(row) {
			m[h] = row[i]
		}
	}
	return m
}

func countOrders(t *testing.T, fx *ledgerFixture, q string) int {
	t.Helper()
	_, n, err := fx.ledger.FindOrders(sys(), kam.LedgerFilter{Q: q, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func countCosts(t *testing.T, fx *ledgerFixture, q string) int {
	t.Helper()
	_, n, err := fx.ledger.FindCosts(sys(), kam.LedgerFilter{Q: q, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// formPart is one part of a multipart form, in order: a value, or a file when file is set.
type formPart struct {
	name, value string
	file        string
	data        []byte
}

// multipart posts a multipart form with its parts in the order given, as a browser does.
func (b *browser) multipart(path string, parts []formPart, hdr http.Header) resp {
	b.env.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.name == "file" {
			w, err := mw.CreateFormFile(p.name, p.file)
			if err != nil {
				b.env.t.Fatal(err)
			}
			w.Write(p.data)
			continue
		}
		mw.WriteField(p.name, p.value)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.env.srv.URL+path, &body)
	if err != nil {
		b.env.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.env.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(raw), location: res.Header.Get("Location"), header: res.Header}
}

// upload posts the import form: the token first, the kind, then the file (no file when name is "").
func (b *browser) upload(path, csrf, kind, name string, data []byte, hdr http.Header) resp {
	b.env.t.Helper()
	parts := []formPart{{name: "csrf", value: csrf}, {name: "kind", value: kind}, {name: "file", file: name, data: data}}
	return b.multipart(path, parts, hdr)
}

// importForm reads the values of the mapping form as the browser would send them.
func importForm(t *testing.T, page string) url.Values {
	t.Helper()
	start := strings.Index(page, `<form method="post" action="/import/`)
	if start < 0 {
		t.Fatalf("no mapping form in\n%s", truncate(page, 3000))
	}
	form := page[start : start+strings.Index(page[start:], "</form>")]
	v := url.Values{}
	for _, m := range inputPattern.FindAllStringSubmatchIndex(form, -1) {
		tag, name := form[m[2]:m[3]], form[m[4]:m[5]]
		el := form[m[0]:m[1]]
		switch {
		case tag == "input" && strings.Contains(el, `type="checkbox"`):
			if strings.Contains(el, " checked") {
				v.Set(name, "1")
			}
		case tag == "input" && strings.Contains(el, `type="submit"`):
		case tag == "input":
			val := ""
			if vm := valuePattern.FindStringSubmatch(el); vm != nil {
				val = html.UnescapeString(vm[1])
			}
			v.Set(name, val)
		case tag == "select":
			rest := form[m[1]:]
			rest = rest[:strings.Index(rest, "</select>")]
			val := ""
			if sm := selectedPattern.FindStringSubmatch(rest); sm != nil {
				val = html.UnescapeString(sm[1])
			}
			v.Set(name, val)
		}
	}
	return v
}
