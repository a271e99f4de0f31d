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

// TestUIKeyAccountBrowser walks a director through the key-account flow in a browser: lower the
// scorecard's threshold on the settings page, confirm the biggest customer's proposal on the
// scorecard, reject another from its card, see both in the card's history; then open the
// portfolio matrix, whose bubbles (one per customer) draw without a CSP violation, and click the
// biggest customer's bubble to drill down to its quadrant's customers.
func TestUIKeyAccountBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	fx := loadDashFixture(t, e)
	ctx, problems := newBrowser(t, 120*time.Second)
	admin := e.p.Users[0].User

	step(t, ctx, "log in and open the settings",
		chromedp.Navigate(e.srv.URL+"/settings/analytics"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), admin.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("key-account-form")),
	)
	step(t, ctx, "weights summing to zero are refused",
		chromedp.SetValue(chromedp.CSS(`#key-account-form input[name="scorecard_threshold"]`), "1"),
		chromedp.SetValue(chromedp.CSS(`#key-account-form input[name="strength_weights.wallet_share"]`), "0"),
		chromedp.SetValue(chromedp.CSS(`#key-account-form input[name="strength_weights.relationship"]`), "0"),
		chromedp.SetValue(chromedp.CSS(`#key-account-form input[name="strength_weights.competitive"]`), "0"),
		chromedp.Click(chromedp.ID("save-key-accounts")),
		chromedp.WaitVisible(chromedp.CSS(`#key-account-form .ferr`)),
	)
	step(t, ctx, "a threshold of 1 proposes every customer with a total",
		chromedp.SetValue(chromedp.CSS(`#key-account-form input[name="strength_weights.relationship"]`), "1"),
		chromedp.Click(chromedp.ID("save-key-accounts")),
		chromedp.WaitVisible(chromedp.ID("settings-form")),
	)
	waitFor(t, ctx, "saved", `location.pathname === "/settings/analytics" && document.querySelector('#key-account-form input[name="scorecard_threshold"]').value === "1"`)

	row := fmt.Sprintf(`#scorecard-table tr[data-customer=%q]`, fx.big.Code)
	step(t, ctx, "the proposals",
		chromedp.Navigate(e.srv.URL+"/dashboard/scorecard?state=proposed&period="+dashYear),
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "年度评审确认"),
		chromedp.Click(chromedp.CSS(row+` button.confirm`)),
	)
	waitFor(t, ctx, "confirmed: no longer proposed", fmt.Sprintf(`location.pathname === "/dashboard/scorecard" && location.search.includes("state=proposed") && `+
		`!!document.getElementById("scorecard-table") && !document.querySelector(%q)`, row))
	step(t, ctx, "the confirmed", chromedp.Navigate(e.srv.URL+"/dashboard/scorecard?state=confirmed&period="+dashYear), chromedp.WaitVisible(chromedp.ID("scorecard-table")))
	waitFor(t, ctx, "the biggest customer is confirmed", fmt.Sprintf(`document.querySelectorAll("#scorecard-table tbody tr").length === 1 && `+
		`document.querySelector(%q).classList.contains("state-confirmed")`, row))

	step(t, ctx, "another customer's card",
		chromedp.Navigate(fmt.Sprintf("%s/customers/%d?tab=analysis", e.srv.URL, fx.mine2.ID)),
		chromedp.WaitVisible(chromedp.ID("decision-form")),
		chromedp.SendKeys(chromedp.CSS(`#decision-form input[name="reason"]`), "成本客户"),
		chromedp.Click(chromedp.CSS(`#decision-form button.reject`)),
	)
	waitFor(t, ctx, "rejected, in the card's history", fmt.Sprintf(`location.pathname === "/customers/%d" && location.search.includes("tab=analysis") && `+
		`document.querySelector("#card-key-account-history tr.event-decision") !== null && document.getElementById("card-key-account-history").innerText.includes("成本客户")`, fx.mine2.ID))
	step(t, ctx, "the confirmed customer's card", chromedp.Navigate(fmt.Sprintf("%s/customers/%d?tab=analysis", e.srv.URL, fx.big.ID)), chromedp.WaitVisible(chromedp.ID("why")))
	waitFor(t, ctx, "why: confirmed, important", `document.getElementById("why-facts").innerText.includes("已确认") && document.getElementById("why-facts").innerText.includes("重要") && `+
		`document.getElementById("card-key-account-history").innerText.includes("年度评审确认")`)

	step(t, ctx, "the portfolio matrix", chromedp.Navigate(e.srv.URL+"/dashboard/portfolio?period="+dashYear), chromedp.WaitVisible(chromedp.ID("quadrant-table")))
	waitFor(t, ctx, "bubbles drawn", fmt.Sprintf(`!!document.querySelector("#portfolio-chart canvas") && document.getElementById("portfolio-chart").dataset.rendered === "true" && `+
		`echarts.getInstanceByDom(document.getElementById("portfolio-chart")).getOption().series[0].data.length === %d`, fx.all))
	clickChart(t, ctx, "portfolio-chart", fmt.Sprintf(`(() => { const p = c.getOption().series[0].data.find(d => d[3] === %d); return c.convertToPixel({seriesIndex: 0}, [p[0], p[1]]); })()`, fx.big.ID))
	waitFor(t, ctx, "the quadrant's customers", fmt.Sprintf(`location.pathname === "/dashboard/portfolio" && location.search.includes("quadrant=") && `+
		`!!document.querySelector('#portfolio-customers a[href="/customers/%d"]')`, fx.big.ID))

	// The refused settings come back with status 422, which the browser logs; nothing else may.
	var p []string
	for _, line := range problems.all() {
		if !strings.Contains(line, "status of 422") {
			p = append(p, line)
		}
	}
	if len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}
