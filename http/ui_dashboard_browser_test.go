package kamhttp_test

import (
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
