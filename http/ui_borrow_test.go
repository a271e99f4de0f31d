package kamhttp_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// testClock is a clock tests move while the server reads it from its own goroutines.
type testClock struct{ nanos atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.set(t)
	return c
}

func (c *testClock) set(t time.Time)     { c.nanos.Store(t.UnixNano()) }
func (c *testClock) Now() time.Time      { return time.Unix(0, c.nanos.Load()).UTC() }
func (c *testClock) add(d time.Duration) { c.nanos.Add(int64(d)) }

// useClock puts the store and the server on clock c.
func (e *uiEnv) useClock(c *testClock) {
	e.db.Now = c.Now
	e.s.Now = c.Now
}

// borrowCase picks, from the demo, a seller, a customer outside their scope whose owner has a
// supervisor, and that supervisor.
func (e *uiEnv) borrowCase() (borrower kam.User, target *kam.Customer, sup kam.User) {
	e.t.Helper()
	for _, pu := range e.p.Users {
		b := pu.User
		if b.Role != kam.RoleRep && b.Role != kam.RoleKAM {
			continue
		}
		for _, c := range e.p.Customers {
			owner := e.userByID(c.OwnerID)
			if visibleTo(c, b.ID) || owner.SupervisorID == nil {
				continue
			}
			supervisor := e.userByID(*owner.SupervisorID)
			if supervisor.Role != kam.RoleSupervisor {
				continue
			}
			return b, c, supervisor
		}
	}
	e.t.Fatal("no demo customer to borrow")
	return
}

var borrowRowPattern = regexp.MustCompile(`id="borrow-(\d+)" data-state="pending"`)

// TestUIBorrowing drives the borrowing page over HTTP: bad requests re-render with the reason,
// the request, the supervisor's decision, the borrowed card, the refusals, the return.
func TestUIBorrowing(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newUIEnv(t, db)
		clock := newTestClock(time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC))
		e.useClock(clock)
		borrower, target, sup := e.borrowCase()
		b := e.browser()
		csrf := b.login(borrower.Email)
		page := b.get("/borrowing")
		mustContain(t, "borrowing page", page.body, `id="nav-borrow"`, "客户资料借阅", `id="borrow-request"`, "最长 30 天")

		var own *kam.Customer
		for _, c := range e.p.Customers {
			if c.OwnerID == borrower.ID {
				own = c
				break
			}
		}
		form := func(code, reason, days string, scope ...string) url.Values {
			return url.Values{"csrf": {csrf}, "code": {code}, "reason": {reason}, "days": {days}, "scope": scope}
		}
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			wants  []string
		}{
			{"no CSRF token", url.Values{"code": {target.Code}, "reason": {"看看"}}, http.StatusForbidden, nil},
			{"own customer", form(own.Code, "看看", ""), http.StatusConflict, []string{`id="borrow-error"`, "无需借阅"}},
			{"no reason", form(target.Code, " ", "2"), http.StatusUnprocessableEntity, []string{"必填项", `value="` + target.Code + `"`}},
			{"too many days", form(target.Code, "看看", "99"), http.StatusUnprocessableEntity, []string{"超出允许范围", `value="99"`}},
			{"days not a number", form(target.Code, "看看", "三"), http.StatusUnprocessableEntity, []string{"请输入整数"}},
			{"unknown code", form("NO-SUCH-CODE", "看看", ""), http.StatusNotFound, []string{"没有这个客户编码"}},
		} {
			r := b.post("/borrowing/requests", c.form)
			if r.status != c.status {
				t.Fatalf("%s: status %d, want %d\n%s", c.name, r.status, c.status, truncate(r.body, 1500))
			}
			mustContain(t, c.name, r.body, c.wants...)
		}
		if r := b.get("/borrowing"); borrowRowPattern.MatchString(r.body) {
			t.Fatal("a refused request was stored")
		}

		r := b.post("/borrowing/requests", form(target.Code, "客户投诉跟进", "2", "export"))
		if r.status != http.StatusSeeOther || r.location != "/borrowing" {
			t.Fatalf("request: %d %q\n%s", r.status, r.location, truncate(r.body, 1500))
		}
		page = b.get("/borrowing")
		mustContain(t, "after the request", page.body, "借阅申请已提交", "待审批", target.Code, "查看、导出")
		m := borrowRowPattern.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no pending row:\n%s", truncate(page.body, 3000))
		}
		reqID := m[1]
		if r := b.get("/customers/" + strconv.FormatInt(target.ID, 10)); r.status != http.StatusNotFound {
			t.Fatalf("card while pending: %d", r.status)
		}
		// A seller may not decide at all: the forbidden page.
		if r := b.post("/borrowing/"+reqID+"/approve", url.Values{"csrf": {csrf}}); r.status != http.StatusForbidden {
			t.Fatalf("a seller approves: %d", r.status)
		}

		s := e.browser()
		scsrf := s.login(sup.Email)
		page = s.get("/borrowing")
		mustContain(t, "supervisor's page", page.body, `id="borrow-decide"`, "/borrowing/"+reqID+"/approve", borrower.Name)
		r = s.post("/borrowing/"+reqID+"/approve", url.Values{"csrf": {scsrf}, "note": {"同意，两天"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", r.status, truncate(r.body, 1500))
		}
		mustContain(t, "approved notice", s.get("/borrowing").body, "已批准借阅")
		r = s.post("/borrowing/"+reqID+"/approve", url.Values{"csrf": {scsrf}})
		if r.status != http.StatusConflict {
			t.Fatalf("approve twice: %d", r.status)
		}
		mustContain(t, "approve twice", r.body, "已不是待审批状态")
		r = s.post("/borrowing/"+reqID+"/return", url.Values{"csrf": {scsrf}})
		if r.status != http.StatusForbidden {
			t.Fatalf("supervisor returns: %d", r.status)
		}

		card := b.get("/customers/" + strconv.FormatInt(target.ID, 10))
		if card.status != http.StatusOK {
			t.Fatalf("card through the grant: %d", card.status)
		}
		mustContain(t, "borrowed card", card.body, `id="borrowed-note"`, "查看、导出", target.Name)
		mustNotContain(t, "borrowed card", card.body, `id="edit-customer"`)
		// The grant has no edit right: the forms are refused, not only their submits.
		for _, form := range []string{"/edit", "/units/new", "/contacts/new"} {
			if r := b.get("/customers/" + strconv.FormatInt(target.ID, 10) + form); r.status != http.StatusForbidden {
				t.Errorf("form %s through a view-only grant: %d", form, r.status)
			}
		}
		term := cjkRun(target.Name, 2)
		if term != "" {
			mustContain(t, "search with the grant", b.get("/customers?q="+url.QueryEscape(term)).body, "/customers/"+strconv.FormatInt(target.ID, 10))
		}

		r = b.post("/borrowing/"+reqID+"/return", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("return: %d\n%s", r.status, truncate(r.body, 1500))
		}
		mustContain(t, "returned", b.get("/borrowing").body, "已归还借阅的客户资料", "已归还")
		if r := b.get("/customers/" + strconv.FormatInt(target.ID, 10)); r.status != http.StatusNotFound {
			t.Fatalf("card after return: %d", r.status)
		}

		// Admins see every loan and set the longest one.
		a := e.browser()
		acsrf := a.login(e.user(kam.RoleAdmin, 0).Email)
		page = a.get("/borrowing")
		mustContain(t, "admin's page", page.body, `id="borrow-all"`, `id="borrow-settings"`, target.Code)
		r = a.post("/borrowing/settings", url.Values{"csrf": {acsrf}, "max_days": {"0"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("max 0: %d", r.status)
		}
		r = a.post("/borrowing/settings", url.Values{"csrf": {acsrf}, "max_days": {"10"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save settings: %d\n%s", r.status, truncate(r.body, 1500))
		}
		mustContain(t, "settings saved", b.get("/borrowing").body, "最长 10 天")
		r = b.post("/borrowing/settings", url.Values{"csrf": {csrf}, "max_days": {"20"}})
		if r.status != http.StatusForbidden {
			t.Fatalf("a rep sets the maximum: %d", r.status)
		}
	})
}

// TestUIBorrowingBrowser is the browser test: a rep asks to borrow a file, the owner's
// supervisor approves in another browser context (its own cookies), the rep opens the card, and
// when the server's clock reaches the expiry the card is 404 again.
func TestUIBorrowingBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	clock := newTestClock(time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC))
	e.useClock(clock)
	borrower, target, sup := e.borrowCase()
	ctx, problems := newBrowser(t, 120*time.Second)
	cardURL := fmt.Sprintf("%s/customers/%d", e.srv.URL, target.ID)

	browserLogin(t, ctx, e.srv.URL, borrower.Email)
	step(t, ctx, "the card is not there", chromedp.Navigate(cardURL))
	waitFor(t, ctx, "404 before borrowing", `document.body.innerText.includes("不存在") || document.title.includes("不存在")`)
	step(t, ctx, "ask to borrow",
		chromedp.Click(chromedp.ID("nav-borrow")),
		chromedp.WaitVisible(chromedp.ID("f-code")),
		chromedp.SendKeys(chromedp.ID("f-code"), target.Code),
		chromedp.SendKeys(chromedp.ID("f-reason"), "客户来电，需了解历史"),
		chromedp.Clear(chromedp.ID("f-days")),
		chromedp.SendKeys(chromedp.ID("f-days"), "1"),
		chromedp.Click(chromedp.ID("borrow-submit")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	waitFor(t, ctx, "pending row", `!!document.querySelector('#borrow-mine tr[data-state="pending"]')`)

	// The supervisor, in a browser context of their own (no shared cookies).
	sctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	browserLogin(t, sctx, e.srv.URL, sup.Email)
	step(t, sctx, "approve",
		chromedp.Navigate(e.srv.URL+"/borrowing"),
		chromedp.WaitVisible(chromedp.CSS(`#borrow-decide button[name="approve"]`)),
		chromedp.SendKeys(chromedp.CSS(`#borrow-decide input[name="note"]`), "同意"),
		chromedp.Click(chromedp.CSS(`#borrow-decide button[name="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	flash, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(".flash")))
	if err != nil || !strings.Contains(flash, "已批准") {
		t.Fatalf("approval notice %q: %v", flash, err)
	}

	step(t, ctx, "open the borrowed card",
		chromedp.Navigate(e.srv.URL+"/borrowing"),
		chromedp.WaitVisible(chromedp.CSS(`#borrow-mine tr[data-state="approved"] a`)),
		chromedp.Click(chromedp.CSS(`#borrow-mine tr[data-state="approved"] a`)),
		chromedp.WaitVisible(chromedp.ID("borrowed-note")),
	)
	waitFor(t, ctx, "the card", fmt.Sprintf(`document.querySelector("h1").innerText.includes(%s) && !document.querySelector("#edit-customer")`, jsString(target.Name)))

	// One second before the expiry the card is still there; at the expiry it is gone. The day
	// in between is longer than a session lasts (12 hours at most): the borrower logs in again.
	clock.add(24*time.Hour - time.Second)
	browserLogin(t, ctx, e.srv.URL, borrower.Email)
	step(t, ctx, "one second before the expiry", chromedp.Navigate(cardURL))
	waitFor(t, ctx, "still visible", `!!document.querySelector("#borrowed-note")`)
	clock.add(time.Second)
	step(t, ctx, "at the expiry", chromedp.Navigate(cardURL))
	waitFor(t, ctx, "404 after the expiry", `!document.querySelector("#borrowed-note") && document.body.innerText.includes("不存在")`)
	step(t, ctx, "the loan shows expired", chromedp.Navigate(e.srv.URL+"/borrowing"))
	waitFor(t, ctx, "expired row", `!!document.querySelector('#borrow-mine tr[data-state="expired"]')`)
	// The two 404 answers of the card are the point of the test; anything else is a problem.
	for _, p := range problems.all() {
		if !strings.Contains(p, "status of 404") {
			t.Errorf("the pages reported a problem: %s", p)
		}
	}
}
