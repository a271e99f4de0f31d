package kamhttp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestUIDashboardBrowser opens the dashboard in a browser: both charts render (ECharts draws a
// canvas inside each container) without a CSP violation, and the class A link leads through
// the class's ranked customers to a customer's card.
func TestUIDashboardBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	fx := loadDashFixture(t, e)
	ctx, problems := newBrowser(t, 90*time.Second)
	admin := e.p.Users[0].User

	step(t, ctx, "log in",
		chromedp.Navigate(e.srv.URL+"/dashboard?period="+dashYear),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), admin.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("abc-table")),
	)
	waitFor(t, ctx, "Pareto chart drawn", `!!document.querySelector("#pareto-chart canvas") && document.getElementById("pareto-chart").dataset.rendered === "true"`)
	waitFor(t, ctx, "whale curve drawn", `!!document.querySelector("#whale-chart canvas") && document.getElementById("whale-chart").dataset.rendered === "true"`)
	// The canvases have a size: the containers are laid out by the stylesheet, not inline styles.
	waitFor(t, ctx, "charts sized", `[...document.querySelectorAll(".chart canvas")].every(c => c.width > 100 && c.height > 100)`)

	step(t, ctx, "open class A",
		chromedp.Click(chromedp.CSS(`#abc-table a[href*="class=A"]`)),
		chromedp.WaitVisible(chromedp.ID("class-table")),
	)
	waitFor(t, ctx, "class A lists two customers", `document.querySelectorAll("#class-table tbody tr").length === 2`)
	step(t, ctx, "open the first customer's card",
		chromedp.Click(chromedp.CSS(`#class-table tbody tr:first-child a`)),
	)
	waitFor(t, ctx, "the card", fmt.Sprintf(`location.pathname === "/customers/%d" && document.body.innerText.includes(%s)`, fx.big.ID, jsString(fx.big.Name)))

	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}

// clickChart clicks the chart in container id at the point the expression xy (a [x, y] array,
// relative to the container, computed in the page with the chart's instance `c`) names, the way
// a user clicks a bar, a point or a cell.
func clickChart(t *testing.T, ctx context.Context, id, xy string) {
	t.Helper()
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
		const el = document.getElementById(%q);
		el.scrollIntoView({block: "center"});
		const c = echarts.getInstanceByDom(el);
		const p = %s;
		const r = el.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]];
	})()`, id, xy)))
	if err != nil || len(pos) != 2 {
		t.Fatalf("locating a point of %s: %v %v", id, pos, err)
	}
	step(t, ctx, "click "+id, chromedp.MouseClickXY(pos[0], pos[1]))
}

// TestUIDashboardChartsBrowser opens the tier pyramid, the profit-vs-revenue scatter and the
// migration heat map in a browser: each renders a canvas holding the page's data without a CSP
// violation, and a click on the pyramid's top, on the cost customer's point and on a cell of the
// heat map opens the customers behind it.
func TestUIDashboardChartsBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	fx := loadDashFixture(t, e)
	first, second := storeDashRuns(t, e, fx)
	ctx, problems := newBrowser(t, 120*time.Second)
	admin := e.p.Users[0].User
	dash := e.srv.URL + "/dashboard?period=" + dashYear

	step(t, ctx, "log in",
		chromedp.Navigate(dash),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), admin.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("tier-table")),
	)
	drawn := func(id string) string {
		return fmt.Sprintf(`!!document.querySelector("#%s canvas") && document.getElementById(%q).dataset.rendered === "true"`, id, id)
	}
	series := func(id string, i int) string {
		return fmt.Sprintf(`echarts.getInstanceByDom(document.getElementById(%q)).getOption().series[%d].data.length`, id, i)
	}
	waitFor(t, ctx, "pyramid drawn", drawn("pyramid-chart")+` && `+series("pyramid-chart", 0)+` === 4`)
	waitFor(t, ctx, "scatter drawn", drawn("scatter-chart")+fmt.Sprintf(` && %s === 1 && %s === %d`,
		series("scatter-chart", 1), series("scatter-chart", 0), fx.all-1))
	waitFor(t, ctx, "charts sized", `["pyramid-chart", "scatter-chart"].every(id => { const c = document.querySelector("#" + id + " canvas"); return c.width > 100 && c.height > 100; })`)

	// The pyramid's top layer is platinum: its customers are big alone.
	clickChart(t, ctx, "pyramid-chart", `[el.clientWidth / 2, 20 + (el.clientHeight - 40) / 8]`)
	waitFor(t, ctx, "the platinum customers", fmt.Sprintf(`location.pathname === "/dashboard/customers" && location.search.includes("tier=platinum") && `+
		`document.querySelectorAll("#customers-table tbody tr").length === 1 && !!document.querySelector('#customers-table a[href="/customers/%d"]')`, fx.big.ID))

	// The cost customer's point opens its card.
	step(t, ctx, "back to the dashboard", chromedp.Navigate(dash), chromedp.WaitVisible(chromedp.ID("scatter-chart")))
	waitFor(t, ctx, "scatter drawn again", drawn("scatter-chart"))
	clickChart(t, ctx, "scatter-chart", `c.convertToPixel({seriesIndex: 1}, [600, -200])`)
	waitFor(t, ctx, "the cost customer's card", fmt.Sprintf(`location.pathname === "/customers/%d"`, fx.mine2.ID))

	// The heat map's cell B → A lists big.
	step(t, ctx, "open the migration matrix",
		chromedp.Navigate(fmt.Sprintf("%s/dashboard/migration?from_run=%d&to_run=%d", e.srv.URL, first, second)),
		chromedp.WaitVisible(chromedp.ID("migration-table")))
	waitFor(t, ctx, "heat map drawn", drawn("migration-chart")+` && `+series("migration-chart", 0)+` === 15`)
	clickChart(t, ctx, "migration-chart", `c.convertToPixel({seriesIndex: 0}, [0, 1])`)
	waitFor(t, ctx, "the customers from B to A", fmt.Sprintf(`location.pathname === "/dashboard/migration/customers" && `+
		`document.querySelectorAll("#moves-table tbody tr").length === 1 && !!document.querySelector('#moves-table a[href="/customers/%d"]')`, fx.big.ID))

	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}
