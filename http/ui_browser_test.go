package kamhttp_test

import (
	"bytes"
	"context"
	"fmt"
	pngpkg "image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

const chromiumPath = "/usr/bin/chromium"

// needBrowser skips a browser test when Chromium is not installed, except in CI
// (KAM_REQUIRE_BROWSER=1), where a missing browser must fail rather than pass silently.
func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("KAM_REQUIRE_BROWSER") == "1" {
			t.Fatalf("KAM_REQUIRE_BROWSER=1 but %s is missing: apt-get install chromium fonts-wqy-microhei", chromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (apt-get install chromium fonts-wqy-microhei; set KAM_REQUIRE_BROWSER=1 to make this a failure)", chromiumPath)
	}
}

// browserProblems collects what the page reports as broken: uncaught exceptions and console or
// log errors, which is where Chromium reports a CSP violation (an inline script or style).
type browserProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *browserProblems) add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, s)
}

func (p *browserProblems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

// newBrowser starts a headless Chromium with a fresh profile at 1280×800 and returns a tab
// context bounded by timeout.
func newBrowser(t *testing.T, timeout time.Duration) (context.Context, *browserProblems) {
	t.Helper()
	needBrowser(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(func(string, ...any) {}))
	t.Cleanup(cancelTab)
	problems := &browserProblems{}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems.add("exception: " + ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, a.Description+string(a.Value))
				}
				problems.add("console error: " + strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				problems.add("log: " + ev.Entry.Text)
			}
		}
	}); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
			return err
		}),
		chromedp.EmulateViewport(1280, 800),
	); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	// The first Run started the browser; only now may the context get a deadline (a deadline
	// on the first call would bound the whole browser's life).
	tctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return tctx, problems
}

// step runs browser actions and fails the test with the step's name.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(t *testing.T, ctx context.Context, name, expr string) {
	t.Helper()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond)))
		// A navigation or history push while polling destroys the page's JavaScript context the
		// poll runs in; poll again in the new one.
		if err == nil || !(strings.Contains(err.Error(), "Cannot find context with specified id") ||
			strings.Contains(err.Error(), "Inspected target navigated or closed")) {
			break
		}
	}
	if err != nil {
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%s: waiting for %s: %v\npage:\n%s", name, expr, err, truncate(body, 2000))
	}
}

func jsString(s string) string { return strconv.Quote(s) }

// browserLogin logs the browser tab in as the demo user with this e-mail and waits for the
// customer list.
func browserLogin(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	step(t, ctx, "log in as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
}

// TestUIBrowser is the browser test: log in, search a customer by a Chinese substring,
// open it, edit a field, save, and find the change (old and new value) in the history tab.
func TestUIBrowser(t *testing.T) {
	needBrowser(t)
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	ctx, problems := newBrowser(t, 90*time.Second)

	// A rep and one of their customers whose name has a Chinese run to search for.
	var rep kam.User
	var target *kam.Customer
	var term string
	for _, c := range e.p.Customers {
		owner := e.userByID(c.OwnerID)
		if owner.Role != kam.RoleRep {
			continue
		}
		if term = cjkRun(c.Name, 3); term != "" {
			rep, target = owner, c
			break
		}
	}
	if target == nil {
		t.Fatal("no demo customer owned by a rep")
	}
	oldCity := target.City
	newCity := "浏览器测试市"
	if oldCity == newCity {
		newCity += "二"
	}

	step(t, ctx, "open the list (redirects to login)",
		chromedp.Navigate(e.srv.URL+"/customers"),
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	step(t, ctx, "log in",
		chromedp.SendKeys(chromedp.ID("email"), rep.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
	// Type the search term: htmx replaces the table after the 300 ms pause and pushes the URL.
	step(t, ctx, "search", chromedp.SendKeys(chromedp.ID("q"), term))
	link := fmt.Sprintf(`#results a[href="/customers/%d"]`, target.ID)
	waitFor(t, ctx, "search result", fmt.Sprintf(`!!document.querySelector(%s) && location.search.includes("q=")`, jsString(link)))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#results tbody tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("search %q: %d rows", term, rows)
	// The pushed URL is the clean one, and sorting swaps the table without losing the search.
	waitFor(t, ctx, "clean URL", fmt.Sprintf(`location.pathname + location.search === %s`, jsString("/customers?q="+url.QueryEscape(term))))
	step(t, ctx, "sort by code", chromedp.Click(chromedp.CSS(`#results th a[href*="sort=code"]`)))
	waitFor(t, ctx, "sorted", fmt.Sprintf(`location.search.includes("sort=code") && document.querySelector("#q").value === %s && !!document.querySelector(%s)`,
		jsString(term), jsString(link)))

	step(t, ctx, "open the customer",
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.ID("edit-customer")),
		chromedp.Click(chromedp.ID("edit-customer")),
		chromedp.WaitVisible(chromedp.ID("f-city")),
	)
	step(t, ctx, "edit the city",
		chromedp.Clear(chromedp.ID("f-city")),
		chromedp.SendKeys(chromedp.ID("f-city"), newCity),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	waitFor(t, ctx, "saved card", fmt.Sprintf(`document.body.innerText.includes(%s)`, jsString(newCity)))

	step(t, ctx, "open the history tab",
		chromedp.Click(chromedp.CSS(`.tabs a[href$="tab=history"]`)),
		chromedp.WaitVisible(chromedp.CSS(".timeline")),
	)
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".timeline li")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{rep.Name, "修改", "城市", newCity} {
		if !strings.Contains(first, want) {
			t.Errorf("newest history entry lacks %q:\n%s", want, first)
		}
	}
	if oldCity != "" && !strings.Contains(first, oldCity+" → "+newCity) && !strings.Contains(first, oldCity) {
		t.Errorf("newest history entry lacks the old city %q:\n%s", oldCity, first)
	}

	// The account team and the parent account with script: the spare rows go, buttons add and
	// remove rows, and the parent is picked from the suggestions htmx loads as the user types.
	sys := kam.WithActor(context.Background(), kam.System)
	cur, err := e.cs.FindCustomerByID(sys, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	var member kam.User
	for _, pu := range e.p.Users {
		if u := pu.User; u.Active && u.ID != cur.OwnerID && teamRole(cur, u.ID) == "" {
			member = u
			break
		}
	}
	names := map[string]int{}
	for _, c := range e.p.Customers {
		names[c.Name]++
	}
	var parent *kam.Customer
	for _, c := range e.p.Customers {
		if c.ID != target.ID && c.OwnerID == rep.ID && names[c.Name] == 1 && c.ParentID == nil && len([]rune(c.Name)) > 4 {
			parent = c
			break
		}
	}
	if member.ID == 0 || parent == nil {
		t.Fatal("no demo user to add or customer to be the parent")
	}
	pid := strconv.FormatInt(parent.ID, 10)
	teamRows := `document.querySelectorAll("#f-team tbody tr").length`
	step(t, ctx, "open the form again",
		chromedp.Navigate(fmt.Sprintf("%s/customers/%d/edit", e.srv.URL, target.ID)),
		chromedp.WaitVisible(chromedp.CSS("[data-team-add]")),
	)
	waitFor(t, ctx, "spare rows removed", fmt.Sprintf(`%s === %d`, teamRows, len(cur.Team)))
	step(t, ctx, "add a team row", chromedp.Click(chromedp.CSS("[data-team-add]")))
	waitFor(t, ctx, "row added", fmt.Sprintf(`%s === %d`, teamRows, len(cur.Team)+1))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const s = document.querySelectorAll("#f-team tbody tr:last-child select");
		s[0].value = %s; s[1].value = "logistics";
		return s[0].value === %s && s[1].value === "logistics";
	})()`, jsString(strconv.FormatInt(member.ID, 10)), jsString(strconv.FormatInt(member.ID, 10))))); err != nil {
		t.Fatal(err)
	}
	var removed int64
	if len(cur.Team) > 0 {
		removed = cur.Team[0].UserID
		step(t, ctx, "remove the first member", chromedp.Click(chromedp.CSS("#f-team tbody tr:first-child [data-team-remove]")))
		waitFor(t, ctx, "row removed", fmt.Sprintf(`%s === %d`, teamRows, len(cur.Team)))
	}
	prefix := string([]rune(parent.Name)[:4])
	step(t, ctx, "type the parent's name",
		chromedp.Clear(chromedp.ID("f-parent_id")),
		chromedp.SendKeys(chromedp.ID("f-parent_id"), prefix),
	)
	option := fmt.Sprintf(`#f-parent_id-list option[data-id="%s"]`, pid)
	waitFor(t, ctx, "suggestion", fmt.Sprintf(`!!document.querySelector(%s)`, jsString(option)))
	// Picking a suggestion puts its value into the input, as the browser does.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const input = document.getElementById("f-parent_id");
		input.value = document.querySelector(%s).value;
		input.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertReplacementText"}));
		return true;
	})()`, jsString(option)))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "picked id", fmt.Sprintf(`document.getElementById("f-parent_id-id").value === %s`, jsString(pid)))
	step(t, ctx, "save team and parent",
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	saved, err := e.cs.FindCustomerByID(sys, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.ParentID == nil || *saved.ParentID != parent.ID {
		t.Errorf("parent = %v, want %d", saved.ParentID, parent.ID)
	}
	if teamRole(saved, member.ID) != "logistics" || (removed != 0 && teamRole(saved, removed) != "") || len(saved.Team) != len(cur.Team) {
		t.Errorf("team = %+v, want %d added as logistics and %d removed from %+v", saved.Team, member.ID, removed, cur.Team)
	}
	waitFor(t, ctx, "card shows team and parent", fmt.Sprintf(`document.body.innerText.includes(%s) && !!document.querySelector('a[href="/customers/%s"]')`,
		jsString(member.Name), pid))

	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}

// TestUIScreenshot saves a 1280×800 screenshot of the customer list with demo data to the path
// in KAM_SCREENSHOT (the README shows docs/screenshot.png, made this way).
func TestUIScreenshot(t *testing.T) {
	path := os.Getenv("KAM_SCREENSHOT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "screenshot.png") // still rendered and checked
	}
	needBrowser(t)
	db := sqldbtest.Open(t, sqldb.SQLite)
	page := os.Getenv("KAM_SCREENSHOT_PAGE")
	if page == "" {
		page = "/customers?sort=name"
	}
	// The ledger only for pages that show it; its "today" is fixed so that the picture is too.
	ledger := !strings.HasPrefix(page, "/customers")
	p := demo.Generate(demo.Options{Customers: 200, Seed: 1, NoLedger: !ledger, Today: time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)})
	if err := db.LoadDemo(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	e := newUIEnvLoaded(t, db, p)
	ctx, problems := newBrowser(t, 60*time.Second)
	browserLogin(t, ctx, e.srv.URL, p.Users[0].User.Email)
	step(t, ctx, "open "+page, chromedp.Navigate(e.srv.URL+page), chromedp.WaitVisible(chromedp.CSS("main")))
	if strings.HasPrefix(page, "/dashboard") {
		step(t, ctx, "charts drawn", chromedp.WaitVisible(chromedp.CSS("canvas")), chromedp.Sleep(1500*time.Millisecond))
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(png))
	cfg, err := pngpkg.DecodeConfig(bytes.NewReader(png))
	if err != nil || cfg.Width != 1280 || cfg.Height != 800 {
		t.Errorf("screenshot is not a 1280×800 PNG: %+v %v", cfg, err)
	}
	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
