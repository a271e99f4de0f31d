package kamhttp_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kam"
	"kam/analytics"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// storeDashRuns stores two classification runs over the dashboard fixture: an earlier one written
// by hand (mine1 A, big B, mid B, low A; no other customer) and the classification of dashYear
// (big A, mine1 A, mid B, mine2 B, low C, the rest C). Between them big moved B → A, mine1
// stayed A, mid stayed B, low fell A → C, mine2 is new in B and every other customer new in C.
func storeDashRuns(t *testing.T, e *uiEnv, fx *dashFixture) (int64, int64) {
	t.Helper()
	ledger := sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))
	before := &kam.ClassificationRun{From: "2014-01", To: "2014-12", Source: "manual", Settings: map[string]string{}, Summary: map[string]int{},
		Results: []kam.CustomerClass{
			{CustomerID: fx.mine1.ID, ABC: "A", ABCRank: 1, Tier: analytics.TierGold, NetRevenue: 900 * kam.MoneyUnit},
			{CustomerID: fx.big.ID, ABC: "B", ABCRank: 2, Tier: analytics.TierIron, NetRevenue: 500 * kam.MoneyUnit},
			{CustomerID: fx.mid.ID, ABC: "B", ABCRank: 3, Tier: analytics.TierIron, NetRevenue: 100 * kam.MoneyUnit},
			{CustomerID: fx.low.ID, ABC: "A", ABCRank: 4, Tier: analytics.TierPlatinum, NetRevenue: 50 * kam.MoneyUnit},
		}}
	if err := ledger.SaveClassification(sys(), before); err != nil {
		t.Fatal(err)
	}
	figures, err := ledger.PeriodFigures(sys(), dashYear+"-01", dashYear+"-12")
	if err != nil {
		t.Fatal(err)
	}
	after := analytics.Classify(figures, dashYear+"-01", dashYear+"-12", "manual", kam.DefaultAnalyticsSettings())
	if err := ledger.SaveClassification(sys(), after); err != nil {
		t.Fatal(err)
	}
	return before.ID, after.ID
}

// chartData decodes the data-chart attribute of the chart container id.
func chartData(t *testing.T, page, id string, into any) {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"[^>]*data-chart="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no chart %s on the page", id)
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), into); err != nil {
		t.Fatalf("chart %s: %v", id, err)
	}
}

// rowCells reads a table's rows as cell texts, runs of white space as one space.
func rowCells(t *testing.T, page, id string) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range tableBody(t, page, id) {
		c := cells(r)
		for i := range c {
			c[i] = strings.Join(strings.Fields(c[i]), " ")
		}
		out = append(out, c)
	}
	return out
}

func TestUIDashboardAnalytics(t *testing.T) {
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
		period := "period=" + dashYear
		card := func(c *kam.Customer) string { return `href="/customers/` + strconv.FormatInt(c.ID, 10) + `"` }

		t.Run("tier pyramid", func(t *testing.T) {
			r := ab.get("/dashboard?" + period)
			if r.status != 200 {
				t.Fatalf("dashboard: %d", r.status)
			}
			// Portfolio margin 2,700 / 10,000 = 27%: big (33%, A) is platinum; mine1 (25%, A),
			// mid and low are iron (one month of orders in twelve is not loyal); mine2 (a loss)
			// and every customer without revenue are lead.
			rows := rowCells(t, r.body, "tier-table")
			want := [][]string{{"铂金", "1", "¥6,000.00"}, {"黄金", "0", "¥0.00"}, {"铁质", "3", "¥3,400.00"},
				{"铅质", strconv.Itoa(fx.all - 4), "¥600.00"}}
			for i, w := range want {
				if got := rows[i][:3]; fmt.Sprint(got) != fmt.Sprint(w) {
					t.Errorf("tier row %d = %v, want %v", i, got, w)
				}
			}
			mustContain(t, "tier links", r.body, `href="/dashboard/customers?period=2015&amp;tier=platinum"`,
				`href="/dashboard/export?period=2015&amp;table=customers"`, `href="/dashboard/export?format=xlsx&amp;period=2015&amp;table=abc"`)
			var pyr struct {
				Tiers []struct {
					Key       string
					Customers int
					URL       string
				}
			}
			chartData(t, r.body, "pyramid-chart", &pyr)
			if len(pyr.Tiers) != 4 || pyr.Tiers[0].Key != "platinum" || pyr.Tiers[0].Customers != 1 || pyr.Tiers[3].Customers != fx.all-4 ||
				pyr.Tiers[0].URL != "/dashboard/customers?period=2015&tier=platinum" {
				t.Errorf("pyramid data %+v", pyr)
			}

			p := ab.get("/dashboard/customers?tier=platinum&" + period)
			if p.status != 200 {
				t.Fatalf("platinum: %d", p.status)
			}
			prow := rowCells(t, p.body, "customers-table")
			if len(prow) != 1 || prow[0][2] != "A" || prow[0][4] != "¥6,000.00" || prow[0][6] != "33.3%" {
				t.Errorf("platinum customers %v", prow)
			}
			mustContain(t, "platinum", p.body, card(fx.big), `id="set-note"`)
			lead := ab.get("/dashboard/customers?tier=lead&" + period)
			mustContain(t, "lead paged", lead.body, "1–50")
			if n := len(tableBody(t, ab.get("/dashboard/customers?tier=lead&page=2&"+period).body, "customers-table")); n != fx.all-4-50 {
				t.Errorf("lead page 2 has %d rows, want %d", n, fx.all-4-50)
			}
		})

		t.Run("scatter and cost customers", func(t *testing.T) {
			r := ab.get("/dashboard?" + period)
			var sc struct{ Profit, Cost [][]any }
			chartData(t, r.body, "scatter-chart", &sc)
			if len(sc.Profit)+len(sc.Cost) != fx.all || len(sc.Cost) != 1 {
				t.Fatalf("scatter: %d profit points, %d cost points", len(sc.Profit), len(sc.Cost))
			}
			// [revenue, profit, id, code]
			if c := sc.Cost[0]; c[0] != 600.0 || c[1] != -200.0 || c[2] != float64(fx.mine2.ID) || c[3] != fx.mine2.Code {
				t.Errorf("cost point %v", c)
			}
			mustContain(t, "cost list", r.body, `href="/dashboard/customers?loss=1&amp;period=2015"`)
			l := ab.get("/dashboard/customers?loss=1&" + period)
			rows := rowCells(t, l.body, "customers-table")
			if len(rows) != 1 || rows[0][5] != "-¥200.00" {
				t.Errorf("cost customers %v", rows)
			}
			mustContain(t, "cost customers", l.body, card(fx.mine2), `class="loss"`)
		})

		t.Run("exports", func(t *testing.T) {
			r := ab.get("/dashboard/export?table=customers&tier=iron&" + period)
			rows := readCSV(t, strings.TrimPrefix(r.body, "\uFEFF"))
			if len(rows) != 4 || strings.Join(rows[0], ",") != "rank,customer_code,class,tier,net_revenue,gross_profit,cost_to_serve,profit,margin" {
				t.Fatalf("iron export %v", rows)
			}
			if got := strings.Join(rows[1], ","); got != "2,"+fx.mine1.Code+",A,iron,2000.00,500.00,0.00,500.00,0.250000" {
				t.Errorf("iron export row 1 = %s", got)
			}
			x := ab.get("/dashboard/export?table=customers&loss=1&format=xlsx&" + period)
			if x.status != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("xlsx: %d %s", x.status, x.header.Get("Content-Type"))
			}
			f, err := excelize.OpenReader(strings.NewReader(x.body))
			if err != nil {
				t.Fatal(err)
			}
			sheet, _ := f.GetRows(f.GetSheetName(0))
			if len(sheet) != 2 || sheet[1][1] != fx.mine2.Code || sheet[1][7] != "-200" {
				t.Errorf("xlsx rows %v", sheet)
			}
			for _, q := range []string{"table=customers&tier=copper", "table=customers&loss=yes", "table=abc&format=pdf"} {
				if r := ab.get("/dashboard/export?" + q + "&" + period); r.status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", q, r.status)
				}
			}
		})

		t.Run("rep sees only the rep's customers", func(t *testing.T) {
			r := rb.get("/dashboard?" + period)
			// The rep's portfolio: mine1 (2,000, margin 25% above the rep's 11.5%) is platinum;
			// mine2 and the rep's customers without revenue are lead.
			rows := rowCells(t, r.body, "tier-table")
			if rows[0][1] != "1" || rows[2][1] != "0" || rows[3][1] != strconv.Itoa(fx.repVisible-1) || rows[3][2] != "¥600.00" {
				t.Errorf("rep tiers %v", rows)
			}
			var sc struct{ Profit, Cost [][]any }
			chartData(t, r.body, "scatter-chart", &sc)
			if len(sc.Profit)+len(sc.Cost) != fx.repVisible {
				t.Errorf("rep scatter has %d points, want %d", len(sc.Profit)+len(sc.Cost), fx.repVisible)
			}
			mustNotContain(t, "rep dashboard", r.body, fx.big.Code, fx.mid.Code, fx.low.Code)
			p := rb.get("/dashboard/customers?tier=platinum&" + period)
			mustContain(t, "rep platinum", p.body, card(fx.mine1))
			mustNotContain(t, "rep platinum", p.body, card(fx.big))
			for _, q := range []string{"table=customers", "table=profit", "table=customers&format=xlsx"} {
				x := rb.get("/dashboard/export?" + q + "&" + period)
				if x.status != 200 || strings.Contains(x.body, fx.big.Code) {
					t.Errorf("rep export %s: %d, holds big: %v", q, x.status, strings.Contains(x.body, fx.big.Code))
				}
			}
			csv := readCSV(t, strings.TrimPrefix(rb.get("/dashboard/export?table=customers&"+period).body, "\uFEFF"))
			if len(csv) != 1+fx.repVisible {
				t.Errorf("rep customers export has %d rows, want %d", len(csv), 1+fx.repVisible)
			}
		})

		t.Run("migration matrix", func(t *testing.T) {
			none := ab.get("/dashboard/migration")
			if none.status != 200 {
				t.Fatalf("migration without runs: %d", none.status)
			}
			mustContain(t, "no runs", none.body, `id="migration-message"`)
			first, second := storeDashRuns(t, e, fx)
			runs := url.Values{"from_run": {strconv.FormatInt(first, 10)}, "to_run": {strconv.FormatInt(second, 10)}}.Encode()

			// Without runs named, the newest run is compared with the newest one of another period.
			for _, path := range []string{"/dashboard/migration", "/dashboard/migration?" + runs} {
				r := ab.get(path)
				if r.status != 200 {
					t.Fatalf("%s: %d\n%s", path, r.status, truncate(r.body, 2000))
				}
				rows := rowCells(t, r.body, "migration-table")
				// Rows A, B, C, new; columns A, B, C, gone, total. A cell is "count revenue".
				want := [][]string{
					{"A 类", "1 ¥2,000.00", "0 ¥0.00", "1 ¥400.00", "0 ¥0.00", "2"},
					{"B 类", "1 ¥6,000.00", "1 ¥1,000.00", "0 ¥0.00", "0 ¥0.00", "2"},
					{"C 类", "0 ¥0.00", "0 ¥0.00", "0 ¥0.00", "0 ¥0.00", "0"},
					{"新增", "0 ¥0.00", "1 ¥600.00", strconv.Itoa(fx.all-5) + " ¥0.00", "", strconv.Itoa(fx.all - 4)},
				}
				for i, w := range want {
					if fmt.Sprintf("%q", rows[i]) != fmt.Sprintf("%q", w) {
						t.Errorf("%s row %d = %q, want %q", path, i, rows[i], w)
					}
				}
				mustContain(t, "migration", r.body, `id="migration-chart"`, `data-kind="heatmap"`,
					`href="/dashboard/migration/customers?from_run=`+strconv.FormatInt(first, 10)+`&amp;now=A&amp;to_run=`+strconv.FormatInt(second, 10)+`&amp;was=B"`)
			}
			var hc struct {
				X, Y  []string
				Cells [][]any
				Max   int
			}
			chartData(t, ab.get("/dashboard/migration?"+runs).body, "migration-chart", &hc)
			if len(hc.X) != 4 || len(hc.Cells) != 15 || hc.Max != fx.all-5 {
				t.Errorf("heat map: %d columns, %d cells, max %d", len(hc.X), len(hc.Cells), hc.Max)
			}

			c := ab.get("/dashboard/migration/customers?was=B&now=A&" + runs)
			rows := rowCells(t, c.body, "moves-table")
			if len(rows) != 1 || rows[0][3] != "2" || rows[0][4] != "1" || rows[0][6] != "¥6,000.00" {
				t.Errorf("B → A: %v", rows)
			}
			mustContain(t, "B → A", c.body, card(fx.big), "从 B 类 到 A 类 的客户")

			tiers := ab.get("/dashboard/migration?by=tier&" + runs)
			trows := rowCells(t, tiers.body, "migration-table")
			// big iron → platinum; low platinum → iron; mine1 gold → iron; mid iron → iron.
			if trows[0][3] != "1 ¥400.00" || trows[2][1] != "1 ¥6,000.00" || trows[1][3] != "1 ¥2,000.00" || trows[2][3] != "1 ¥1,000.00" {
				t.Errorf("tier matrix %v", trows)
			}

			x := readCSV(t, strings.TrimPrefix(ab.get("/dashboard/export?table=migration&was=A&now=C&"+runs).body, "\uFEFF"))
			if len(x) != 2 || strings.Join(x[1], ",") != fx.low.Code+",A,C,platinum,iron,4,5,50.00,400.00" {
				t.Errorf("migration export %v", x)
			}

			// The rep sees the moves of the rep's customers only.
			rr := rb.get("/dashboard/migration?" + runs)
			rrows := rowCells(t, rr.body, "migration-table")
			if rrows[0][1] != "1 ¥2,000.00" || rrows[1][1] != "0 ¥0.00" || rrows[3][2] != "1 ¥600.00" {
				t.Errorf("rep matrix %v", rrows)
			}
			rc := rb.get("/dashboard/migration/customers?was=B&now=A&" + runs)
			if rc.status != 200 || !strings.Contains(rc.body, "0 个客户") || strings.Contains(rc.body, card(fx.big)) {
				t.Errorf("rep B → A: %d, shows big: %v", rc.status, strings.Contains(rc.body, card(fx.big)))
			}
			rx := rb.get("/dashboard/export?table=migration&" + runs)
			if xs := readCSV(t, strings.TrimPrefix(rx.body, "\uFEFF")); len(xs) != 1+fx.repVisible || strings.Contains(rx.body, fx.big.Code) {
				t.Errorf("rep migration export: %d rows", len(xs))
			}

			for _, q := range []string{"by=revenue", "from_run=x", "to_run=-1"} {
				if r := ab.get("/dashboard/migration?" + q); r.status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", q, r.status)
				}
			}
			if r := ab.get("/dashboard/migration?from_run=999999&to_run=" + strconv.FormatInt(second, 10)); r.status != http.StatusNotFound {
				t.Errorf("unknown run: %d, want 404", r.status)
			}
			if r := ab.get("/dashboard/migration/customers?was=D&now=A&" + runs); r.status != http.StatusBadRequest {
				t.Errorf("unknown cell: %d, want 400", r.status)
			}
			if r := sb.get("/dashboard/migration"); r.status != http.StatusForbidden {
				t.Errorf("service migration: %d, want 403", r.status)
			}

			// The card's class history.
			h := ab.get("/customers/" + strconv.FormatInt(fx.big.ID, 10) + "?tab=analysis")
			hrows := rowCells(t, h.body, "card-classes")
			if len(hrows) != 2 || hrows[0][3] != "A 类" || hrows[0][4] != "1" || hrows[0][5] != "铂金" || hrows[1][3] != "B 类" || hrows[1][1] != "2014-01 – 2014-12" {
				t.Errorf("big's class history %v", hrows)
			}
			hx := readCSV(t, strings.TrimPrefix(ab.get("/customers/"+strconv.FormatInt(fx.big.ID, 10)+"/analysis/export?table=classes").body, "\uFEFF"))
			if len(hx) != 3 || hx[1][4] != "A" || hx[1][7] != "6000.00" {
				t.Errorf("class history export %v", hx)
			}
		})

		t.Run("share of wallet on the card", func(t *testing.T) {
			ledger := sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))
			importCSV(t, ledger, "wallet", "customer_code,category,year,amount\r\n"+
				fmt.Sprintf("%s,测试类,%s,24000.00\r\n%s,其他类,%s,5000.00\r\n", fx.big.Code, dashYear, fx.big.Code, dashYear))
			path := "/customers/" + strconv.FormatInt(fx.big.ID, 10)
			r := ab.get(path + "?tab=analysis&wyear=" + dashYear)
			if r.status != 200 {
				t.Fatalf("analysis tab: %d", r.status)
			}
			rows := rowCells(t, r.body, "card-wallet")
			// 6,000 of an estimated 24,000 of 测试类: 25%; nothing sold of 其他类.
			want := map[string]string{"测试类": "¥6,000.00 ¥24,000.00 25.0%", "其他类": "¥0.00 ¥5,000.00 0.0%"}
			for _, row := range rows {
				if w, ok := want[row[0]]; !ok || strings.Join(row[1:], " ") != w {
					t.Errorf("wallet row %v, want %q", row, w)
				}
			}
			if len(rows) != 2 {
				t.Errorf("wallet has %d rows", len(rows))
			}
			mustContain(t, "analysis tab", r.body, `aria-current="page">客户分析</a>`, `id="wallet-years"`,
				`href="/customers/`+strconv.FormatInt(fx.big.ID, 10)+`/analysis/export?format=xlsx&amp;table=wallet&amp;wyear=2015"`)
			x := readCSV(t, strings.TrimPrefix(ab.get(path+"/analysis/export?table=wallet&wyear="+dashYear).body, "\uFEFF"))
			if len(x) != 3 || strings.Join(x[0], ",") != "year,category,our_sales,estimate,share" {
				t.Errorf("wallet export %v", x)
			}
			// Outside the rep's scope the card and its exports do not exist; service staff have no tab.
			if r := rb.get(path + "?tab=analysis"); r.status != http.StatusNotFound {
				t.Errorf("rep, big's analysis: %d, want 404", r.status)
			}
			if r := rb.get(path + "/analysis/export?table=wallet"); r.status != http.StatusNotFound {
				t.Errorf("rep, big's wallet export: %d, want 404", r.status)
			}
			mine := "/customers/" + strconv.FormatInt(fx.mine1.ID, 10)
			if r := rb.get(mine + "?tab=analysis"); r.status != 200 || !strings.Contains(r.body, `id="card-wallet"`) {
				t.Errorf("rep, own analysis tab: %d", r.status)
			}
			if r := ab.get(path + "/analysis/export?table=orders"); r.status != http.StatusBadRequest {
				t.Errorf("unknown card table: %d, want 400", r.status)
			}
			mustNotContain(t, "service card", sb.get(path).body, "?tab=analysis")
		})

		t.Run("English", func(t *testing.T) {
			ab.get("/lang/en")
			defer ab.get("/lang/zh-CN")
			r := ab.get("/dashboard?" + period)
			mustContain(t, "English", r.body, "Customer value pyramid", "Profit vs. revenue", "Platinum", "Migration matrix")
			m := ab.get("/dashboard/migration")
			mustContain(t, "English migration", m.body, "Customer migration matrix", "By value tier")
		})
	})
}

func TestUIAnalyticsSettings(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		fx := loadDashFixture(t, e)
		ledger := sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))
		db2 := e.browser()
		csrf := db2.login(e.user(kam.RoleDirector, 0).Email)
		rb := e.browser()
		rcsrf := rb.login(fx.rep.Email)
		sb := e.browser()
		sb.login(e.user(kam.RoleService, 0).Email)
		stored := func() kam.AnalyticsSettings {
			s, err := ledger.AnalyticsSettings(sys())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		form := func(a, b, lead, gold string) url.Values {
			return url.Values{"csrf": {csrf}, "abc_a": {a}, "abc_b": {b}, "lead_margin": {lead}, "gold_loyalty": {gold}}
		}

		r := db2.get("/settings/analytics")
		if r.status != 200 {
			t.Fatalf("settings: %d", r.status)
		}
		mustContain(t, "director's form", r.body, `id="settings-form"`, `name="abc_a" type="text" value="0.80"`, `name="abc_b" type="text" value="0.95"`,
			`name="lead_margin" type="text" value="0.02"`, `name="gold_loyalty" type="text" value="0.75"`, "A 类累计占比")

		ro := rb.get("/settings/analytics")
		if ro.status != 200 {
			t.Fatalf("rep settings: %d", ro.status)
		}
		mustContain(t, "read only", ro.body, `id="settings-values"`, "0.80", "只有总监和管理员可以修改")
		mustNotContain(t, "read only", ro.body, `id="settings-form"`)
		// Service staff see no figures, but the rules hold none: they read them too.
		if r := sb.get("/settings/analytics"); r.status != 200 || !strings.Contains(r.body, `id="settings-values"`) {
			t.Errorf("service: %d, want the read-only list", r.status)
		}

		for _, c := range []struct {
			name, field, msg string
			form             url.Values
		}{
			{"B not above A", "abc_b", "须大于 A 类累计占比。", form("0.96", "0.95", "0.02", "0.75")},
			{"not a fraction", "abc_a", "请输入 0 到 1 之间的小数", form("80%", "0.95", "0.02", "0.75")},
			{"too many decimals", "lead_margin", "请输入 0 到 1 之间的小数", form("0.80", "0.95", "0.00001", "0.75")},
			{"out of range", "gold_loyalty", "须大于 0 且不超过 1。", form("0.80", "0.95", "0.02", "1.5")},
			{"empty", "abc_a", "请输入 0 到 1 之间的小数", form("", "0.95", "0.02", "0.75")},
		} {
			r := db2.post("/settings/analytics", c.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", c.name, r.status)
				continue
			}
			f := fieldHTML(t, r.body, `name="`+c.field+`"`)
			mustContain(t, c.name, f, `aria-invalid="true"`, c.msg)
			// What was typed comes back.
			mustContain(t, c.name, r.body, `value="`+html.EscapeString(c.form.Get(c.field))+`"`)
			if got := stored(); got != kam.DefaultAnalyticsSettings() {
				t.Errorf("%s stored %+v", c.name, got)
			}
		}

		if r := db2.post("/settings/analytics", url.Values{"abc_a": {"0.60"}, "abc_b": {"0.95"}, "lead_margin": {"0.02"}, "gold_loyalty": {"0.75"}}); r.status != http.StatusForbidden {
			t.Errorf("without the CSRF token: %d, want 403", r.status)
		}
		bad := form("0.60", "0.95", "0.02", "0.75")
		bad.Set("csrf", rcsrf)
		if r := rb.post("/settings/analytics", bad); r.status != http.StatusForbidden {
			t.Errorf("rep saves: %d, want 403", r.status)
		}
		if got := stored(); got != kam.DefaultAnalyticsSettings() {
			t.Fatalf("refused saves stored %+v", got)
		}

		ok := db2.post("/settings/analytics", form("0.60", "0.95", "0.02", "0.75"))
		if ok.status != http.StatusSeeOther || ok.location != "/settings/analytics" {
			t.Fatalf("save: %d → %q\n%s", ok.status, ok.location, truncate(ok.body, 2000))
		}
		after := db2.get(ok.location)
		mustContain(t, "after the save", after.body, "分析设置已保存", `name="abc_a" type="text" value="0.60"`)
		if got := stored(); got.ABCA != "0.60" {
			t.Errorf("stored %+v", got)
		}
		// The dashboard follows: with A closing at 60%, big alone is A.
		if got := classCounts(t, db2.get("/dashboard?period="+dashYear).body); got["A"] != "1" || got["B"] != "3" {
			t.Errorf("class counts after the save %v", got)
		}

		db2.get("/lang/en")
		en := db2.post("/settings/analytics", form("0.96", "0.95", "0.02", "0.75"))
		mustContain(t, "English error", fieldHTML(t, en.body, `name="abc_b"`), "must be above abc_a")
	})
}
