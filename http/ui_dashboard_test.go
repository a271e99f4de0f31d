package kamhttp_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// dashYear is the year of the dashboard fixture: long before the demo's ledger, so the figures of
// that year are exactly the fixture's.
const dashYear = "2015"

// dashFixture is a small portfolio imported for the dashboard tests: five customers with sales in
// dashYear, two of them the rep's.
type dashFixture struct {
	rep kam.User
	// big, mid, low are outside the rep's scope; mine1, mine2 are the rep's.
	big, mine1, mid, mine2, low *kam.Customer
	all, repVisible             int
}

// loadDashFixture imports orders and one cost in dashYear. Net revenue: big 6,000, mine1 2,000,
// mid 1,000, mine2 600, low 400 (total 10,000). For the whole portfolio A = big, mine1 (the
// running share before each is below 80%); B = mid, mine2; C = low and every customer without
// sales. mine2 costs 300 to serve on a gross profit of 100: a cost customer.
func loadDashFixture(t *testing.T, e *uiEnv) *dashFixture {
	t.Helper()
	fx := &dashFixture{rep: e.user(kam.RoleRep, 0), all: len(e.p.Customers)}
	var mine, others []*kam.Customer
	for _, c := range e.p.Customers {
		if visibleTo(c, fx.rep.ID) {
			fx.repVisible++
			mine = append(mine, c)
		} else {
			others = append(others, c)
		}
	}
	if len(mine) < 2 || len(others) < 3 {
		t.Fatalf("the demo gives the rep %d customers and others %d; need 2 and 3", len(mine), len(others))
	}
	fx.mine1, fx.mine2 = mine[0], mine[1]
	fx.big, fx.mid, fx.low = others[0], others[1], others[2]
	ledger := sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))
	var orders strings.Builder
	orders.WriteString("order_no,order_date,customer_code,product_code,product_name,category,quantity,unit_price,unit_cost,return_of\r\n")
	for i, r := range []struct {
		c           *kam.Customer
		price, cost int
	}{{fx.big, 6000, 4000}, {fx.mine1, 2000, 1500}, {fx.mid, 1000, 700}, {fx.mine2, 600, 500}, {fx.low, 400, 300}} {
		fmt.Fprintf(&orders, "DSH-SO-%d,%s-0%d-15,%s,DSH-P-1,看板测试产品,测试类,1,%d.00,%d,\r\n", i, dashYear, i+3, r.c.Code, r.price, r.cost)
	}
	importCSV(t, ledger, "orders", orders.String())
	importCSV(t, ledger, "costs", "reference,customer_code,entry_date,expense_code,amount,note\r\n"+
		fmt.Sprintf("DSH-C-1,%s,%s-06-20,logistics,300.00,运费\r\n", fx.mine2.Code, dashYear))
	return fx
}

var (
	tdPattern  = regexp.MustCompile(`(?s)<td\b[^>]*>(.*?)</td>`)
	tagPattern = regexp.MustCompile(`<[^>]+>`)
)

// cells returns the text of a row's cells.
func cells(row string) []string {
	var out []string
	for _, m := range tdPattern.FindAllStringSubmatch(row, -1) {
		out = append(out, strings.TrimSpace(html.UnescapeString(tagPattern.ReplaceAllString(m[1], " "))))
	}
	return out
}

// classCounts reads the customers column of the ABC table.
func classCounts(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range tableBody(t, page, "abc-table") {
		c := cells(row)
		if len(c) < 4 {
			t.Fatalf("ABC row %q", row)
		}
		out[strings.TrimSpace(strings.TrimSuffix(c[0], "类"))] = c[1]
	}
	return out
}

func TestUIDashboard(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		fx := loadDashFixture(t, e)
		admin := e.p.Users[0].User
		ab := e.browser()
		ab.login(admin.Email)
		rb := e.browser()
		rb.login(fx.rep.Email)
		sb := e.browser()
		sb.login(e.user(kam.RoleService, 0).Email)
		fb := e.browser()
		fb.login(e.user(kam.RoleFinance, 0).Email)
		period := "period=" + dashYear
		card := func(c *kam.Customer) string { return `href="/customers/` + strconv.FormatInt(c.ID, 10) + `"` }

		t.Run("class counts of the portfolio", func(t *testing.T) {
			r := ab.get("/dashboard?" + period)
			if r.status != 200 {
				t.Fatalf("dashboard: %d\n%s", r.status, truncate(r.body, 2000))
			}
			want := map[string]string{"A": "2", "B": "2", "C": strconv.Itoa(fx.all - 4)}
			if got := classCounts(t, r.body); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("class counts = %v, want %v", got, want)
			}
			mustContain(t, "dashboard", r.body,
				`href="/dashboard" class="active"`, // the nav entry
				`id="pareto-chart"`, `id="whale-chart"`, `data-chart="{`, "/static/vendor/echarts.min.",
				`href="/dashboard/abc?class=A&amp;period=2015"`, `href="/dashboard/export?period=2015&amp;table=abc"`,
				`href="/dashboard/export?period=2015&amp;table=profit"`, "¥10,000.00", "2015-01 – 2015-12")
			mustContain(t, "cost customers", r.body, `<p class="muted" id="cost-customers">1 个客户（共 `+strconv.Itoa(fx.all)+` 个）扣除服务成本后亏损。</p>`)
			// Top 10 by profit starts with big (2,000 profit); bottom 10 with mine2 (−200).
			top := tableBody(t, r.body, "top-table")
			bottom := tableBody(t, r.body, "bottom-table")
			if len(top) != 10 || len(bottom) != 10 {
				t.Fatalf("top %d rows, bottom %d rows", len(top), len(bottom))
			}
			mustContain(t, "top", top[0], card(fx.big), "¥2,000.00")
			mustContain(t, "bottom", bottom[0], card(fx.mine2), "-¥200.00")
		})

		t.Run("class drill-down", func(t *testing.T) {
			r := ab.get("/dashboard/abc?class=A&" + period)
			if r.status != 200 {
				t.Fatalf("class A: %d", r.status)
			}
			rows := tableBody(t, r.body, "class-table")
			if len(rows) != 2 {
				t.Fatalf("class A has %d rows, want 2", len(rows))
			}
			mustContain(t, "rank 1", rows[0], card(fx.big), "¥6,000.00", "60.0%")
			mustContain(t, "rank 2", rows[1], card(fx.mine1), "80.0%")
			c := ab.get("/dashboard/abc?class=C&" + period)
			mustContain(t, "class C", c.body, "1–50") // paged: 56 customers, 50 a page
			c2 := ab.get("/dashboard/abc?class=C&page=2&" + period)
			if n := len(tableBody(t, c2.body, "class-table")); n != fx.all-4-50 {
				t.Errorf("class C page 2 has %d rows, want %d", n, fx.all-4-50)
			}
		})

		t.Run("rep sees only the rep's customers", func(t *testing.T) {
			r := rb.get("/dashboard?" + period)
			if r.status != 200 {
				t.Fatalf("rep dashboard: %d", r.status)
			}
			// Among the rep's customers mine1 (2,000) and mine2 (600) are both A.
			want := map[string]string{"A": "2", "B": "0", "C": strconv.Itoa(fx.repVisible - 2)}
			if got := classCounts(t, r.body); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rep class counts = %v, want %v", got, want)
			}
			mustContain(t, "rep dashboard", r.body, "¥2,600.00", card(fx.mine1), card(fx.mine2))
			mustNotContain(t, "rep dashboard", r.body, card(fx.big), card(fx.mid), card(fx.low), fx.big.Code, fx.low.Code)
			a := rb.get("/dashboard/abc?class=A&" + period)
			mustContain(t, "rep class A", a.body, card(fx.mine1), card(fx.mine2))
			mustNotContain(t, "rep class A", a.body, card(fx.big))
			csv := rb.get("/dashboard/export?table=abc&" + period)
			if rows := readCSV(t, strings.TrimPrefix(csv.body, "\uFEFF")); len(rows) != 1+fx.repVisible {
				t.Errorf("rep export has %d rows, want %d", len(rows), 1+fx.repVisible)
			}
			mustNotContain(t, "rep export", csv.body, fx.big.Code)
		})

		t.Run("exports", func(t *testing.T) {
			r := ab.get("/dashboard/export?table=abc&" + period)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("abc export: %d %s", r.status, r.header.Get("Content-Type"))
			}
			if !strings.HasPrefix(r.body, "\uFEFF") {
				t.Error("abc export has no BOM")
			}
			rows := readCSV(t, strings.TrimPrefix(r.body, "\uFEFF"))
			if len(rows) != 1+fx.all {
				t.Fatalf("abc export: %d rows, want %d", len(rows), 1+fx.all)
			}
			if got := strings.Join(rows[0], ","); got != "rank,customer_code,class,net_revenue,share,cumulative_share" {
				t.Errorf("abc header %s", got)
			}
			for i, want := range [][]string{
				{"1", fx.big.Code, "A", "6000.00", "0.600000", "0.600000"},
				{"2", fx.mine1.Code, "A", "2000.00", "0.200000", "0.800000"},
				{"3", fx.mid.Code, "B", "1000.00", "0.100000", "0.900000"},
				{"4", fx.mine2.Code, "B", "600.00", "0.060000", "0.960000"},
				{"5", fx.low.Code, "C", "400.00", "0.040000", "1.000000"},
			} {
				if got := strings.Join(rows[i+1], ","); got != strings.Join(want, ",") {
					t.Errorf("abc row %d = %s, want %s", i+1, got, strings.Join(want, ","))
				}
			}
			p := ab.get("/dashboard/export?table=profit&" + period)
			prow := readCSV(t, strings.TrimPrefix(p.body, "\uFEFF"))
			if len(prow) != 1+fx.all {
				t.Fatalf("profit export: %d rows", len(prow))
			}
			last := prow[len(prow)-1]
			if got := strings.Join(last, ","); got != strconv.Itoa(fx.all)+","+fx.mine2.Code+",600.00,100.00,300.00,-200.00,2700.00" {
				t.Errorf("profit export's last row = %s", got)
			}
			if got := strings.Join(prow[1], ","); got != "1,"+fx.big.Code+",6000.00,2000.00,0.00,2000.00,2000.00" {
				t.Errorf("profit export's first row = %s", got)
			}
		})

		t.Run("finance sees the whole portfolio", func(t *testing.T) {
			r := fb.get("/dashboard?" + period)
			if r.status != 200 {
				t.Fatalf("finance: %d", r.status)
			}
			if got := classCounts(t, r.body); got["A"] != "2" || got["B"] != "2" {
				t.Errorf("finance class counts = %v", got)
			}
		})

		t.Run("service role is refused", func(t *testing.T) {
			for _, path := range []string{"/dashboard", "/dashboard?" + period, "/dashboard/abc?class=A", "/dashboard/export?table=abc"} {
				r := sb.get(path)
				if r.status != http.StatusForbidden {
					t.Errorf("service %s: %d, want 403", path, r.status)
				}
			}
			mustNotContain(t, "service nav", sb.get("/customers").body, `href="/dashboard"`)
		})

		t.Run("bad period", func(t *testing.T) {
			for _, q := range []string{"period=15", "period=2015&from=2015-01&to=2015-03", "from=2015-13&to=2015-12",
				"from=2015-06&to=2015-01", "from=2015-01", "to=2015-01"} {
				r := ab.get("/dashboard?" + q)
				if r.status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", q, r.status)
					continue
				}
				mustContain(t, q, r.body, `id="period-error"`, "期间无效", `name="from"`)
				mustNotContain(t, q, r.body, `id="abc-table"`)
				if r := ab.get("/dashboard/export?table=abc&" + q); r.status != http.StatusBadRequest {
					t.Errorf("export %s: %d, want 400", q, r.status)
				}
				if r := ab.get("/dashboard/abc?class=A&" + q); r.status != http.StatusBadRequest {
					t.Errorf("class page %s: %d, want 400", q, r.status)
				}
			}
			for _, q := range []string{"/dashboard/abc?class=D", "/dashboard/export?table=orders"} {
				if r := ab.get(q); r.status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", q, r.status)
				}
			}
		})

		t.Run("default period and English", func(t *testing.T) {
			r := ab.get("/dashboard")
			if r.status != 200 {
				t.Fatalf("default dashboard: %d", r.status)
			}
			mustContain(t, "default", r.body, "<strong>近12个完整月</strong>", `id="abc-table"`)
			ab.get("/lang/en")
			en := ab.get("/dashboard?from=2015-01&to=2015-12")
			mustContain(t, "English", en.body, "Pareto chart", "Whale curve", "Class A", `value="2015-01"`, "Cumulative share&#34;")
			ab.get("/lang/zh-CN")
		})
	})
}
