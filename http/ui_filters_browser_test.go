package kamhttp_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kam"
	"kam/analytics"
	"kam/demo"
	"kam/locale"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestUISavedFilterBrowser saves a filter in the browser (the big customer's industry, class A)
// and applies it: from the filters page to the dashboard, through the filter bar of the behaviour
// page, and to the customer list. Each shows only the filter's customers, and the behaviour
// page's charts draw without a CSP violation.
func TestUISavedFilterBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	fx := loadDashFixture(t, e)
	ctx, problems := newBrowser(t, 120*time.Second)
	admin := e.p.Users[0].User
	industry := fx.big.Industry
	if industry == "" {
		t.Fatal("the demo's big customer has no industry")
	}
	// In the dashboard's year the A customers are big and mine1 (6000 and 2000 of 10000).
	want := 0
	for _, c := range []*kam.Customer{fx.big, fx.mine1} {
		if c.Industry == industry {
			want++
		}
	}
	// The customer list judges the class over the last 12 complete months.
	sys := kam.WithActor(context.Background(), kam.System)
	ledger := sqldb.NewLedgerService(e.db, sqldb.NewCustomerService(e.db))
	from, to := analytics.LastTwelveMonths(time.Now(), locale.Shanghai)
	figures, err := ledger.PeriodFigures(sys, from, to)
	if err != nil {
		t.Fatal(err)
	}
	industryOf := map[int64]string{}
	for _, c := range e.p.Customers {
		industryOf[c.ID] = c.Industry
	}
	wantList := 0
	for _, r := range analytics.ClassifyABC(figures, analytics.DefaultABC()).Ranks {
		if r.Class == "A" && industryOf[r.CustomerID] == industry {
			wantList++
		}
	}

	step(t, ctx, "log in",
		chromedp.Navigate(e.srv.URL+"/filters"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), admin.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("filter-form")),
	)
	step(t, ctx, "save a filter",
		chromedp.SendKeys(chromedp.ID("filter-name"), "A类"+industry),
		chromedp.SendKeys(chromedp.ID("filter-industry"), industry),
		chromedp.Click(chromedp.CSS(`#choice-class input[value="A"]`)),
		chromedp.Click(chromedp.ID("filter-shared")),
		chromedp.Click(chromedp.ID("filter-save")),
	)
	waitFor(t, ctx, "the filter is listed", fmt.Sprintf(`location.pathname === "/filters" && [...document.querySelectorAll("#filters-table .filter-name")].some(b => b.innerText === %s)`,
		jsString("A类"+industry)))
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#filters-table tbody tr").id.replace("filter-", "")`))
	if err != nil || id == "" {
		t.Fatalf("the filter's id: %q %v", id, err)
	}

	step(t, ctx, "apply it to the dashboard", chromedp.Navigate(e.srv.URL+"/dashboard?period="+dashYear+"&filter="+id), chromedp.WaitVisible(chromedp.ID("abc-table")))
	waitFor(t, ctx, "the dashboard counts the filter's customers", fmt.Sprintf(`document.querySelector("#dash-figures .fvalue").innerText === %q && `+
		`document.getElementById("filter-applied").innerText.includes(%s)`, strconv.Itoa(want), jsString("A类"+industry)))
	waitFor(t, ctx, "the links keep the filter", `[...document.querySelectorAll("#period .period-links a, #dash-sections a")].filter(a => !a.href.includes("/settings") && !a.href.includes("/migration") && !a.href.includes("/filters")).every(a => a.href.includes("filter=`+id+`"))`)

	step(t, ctx, "the behaviour page without a filter", chromedp.Navigate(e.srv.URL+"/dashboard/behaviour?period="+dashYear), chromedp.WaitVisible(chromedp.ID("lamp-table")))
	waitFor(t, ctx, "every customer counted", fmt.Sprintf(`document.querySelector("#behaviour-figures .fvalue").innerText === %q`, locale.New(locale.ZH).Int(fx.all)))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { document.getElementById("filter-select").value = "`+id+`"; return true; })()`)); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "choose the filter in the bar", chromedp.Click(chromedp.ID("period-apply")))
	waitFor(t, ctx, "the behaviour page counts the filter's customers", fmt.Sprintf(`location.search.includes("filter=%s") && location.search.includes("from=") && `+
		`document.querySelector("#behaviour-figures .fvalue").innerText === %q`, id, strconv.Itoa(want)))
	drawn := func(id string) string {
		return fmt.Sprintf(`!!document.querySelector("#%s canvas") && document.getElementById(%q).dataset.rendered === "true"`, id, id)
	}
	waitFor(t, ctx, "the charts drawn", drawn("lamp-chart")+" && "+drawn("loyalty-chart")+" && "+drawn("growth-chart")+" && "+drawn("segment-chart"))

	step(t, ctx, "apply it to the customer list", chromedp.Navigate(e.srv.URL+"/filters"), chromedp.WaitVisible(chromedp.ID("filters-table")),
		chromedp.Click(chromedp.CSS(`#filter-`+id+` a.apply-customers`)))
	waitFor(t, ctx, "the list holds the filter's customers", fmt.Sprintf(`location.pathname === "/customers" && location.search.includes("filter=%s") && `+
		`document.querySelector("#results .count").innerText.startsWith(%s) && document.getElementById("list-filter").value === %q`,
		id, jsString(strings.TrimSuffix(locale.New(locale.ZH).T("list.total", strconv.Itoa(wantList)), " · ")), id))

	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}
