package kamhttp_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kam"
	"kam/demo"
	"kam/locale"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestUIImportBrowser imports orders through the import page in a browser: upload a file with one
// bad row, see the mapping and the preview, run a dry run that reports the bad row, import with
// "skip invalid rows", and find the imported order on the customer's Orders tab.
func TestUIImportBrowser(t *testing.T) {
	needBrowser(t)
	t.Setenv("TMPDIR", t.TempDir()) // where the uploads are kept
	e := newUIEnv(t, sqldbtest.Open(t, sqldb.SQLite))
	ctx, problems := newBrowser(t, 90*time.Second)
	director := e.user(kam.RoleDirector, 0)
	cust := e.p.Customers[0]
	day := time.Now().In(locale.Shanghai).AddDate(0, 0, -1).Format("2006-01-02")
	file := filepath.Join(t.TempDir(), "订单导入.csv")
	content := "订单号,订单日期,客户编码,产品编码,产品名称,数量,单价\r\n" +
		fmt.Sprintf("UIB-0001,%s,%s,UIB-P-1,浏览器测试产品,4,25.50\r\n", day, cust.Code) +
		fmt.Sprintf("UIB-0002,%s,%s,UIB-P-1,浏览器测试产品,四,25.50\r\n", day, cust.Code)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	step(t, ctx, "log in",
		chromedp.Navigate(e.srv.URL+"/import"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), director.Email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("file")),
	)
	waitFor(t, ctx, "orders preselected", `document.getElementById("kind").value === "orders"`)
	step(t, ctx, "upload",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.ID("upload")),
		chromedp.WaitVisible(chromedp.ID("mapping")),
	)
	// The Chinese headers are matched to the fields; the preview shows both rows.
	for field, col := range map[string]string{"order_no": "订单号", "order_date": "订单日期", "customer_code": "客户编码", "quantity": "数量", "unit_price": "单价"} {
		waitFor(t, ctx, "mapping of "+field, fmt.Sprintf(`document.getElementById(%s).value === %s`, jsString("map-"+field), jsString(col)))
	}
	waitFor(t, ctx, "preview", `document.querySelectorAll("#preview tbody tr").length === 2`)

	step(t, ctx, "dry run",
		chromedp.Click(chromedp.ID("dryrun")),
		chromedp.WaitVisible(chromedp.ID("summary")),
	)
	waitFor(t, ctx, "error report", `document.querySelectorAll("#errors tbody tr").length === 1`)
	report, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#errors tbody tr")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3", "数量", "四"} {
		if !strings.Contains(report, want) {
			t.Errorf("error report row lacks %q: %s", want, report)
		}
	}
	waitFor(t, ctx, "dry run counts", `document.getElementById("sum-read").innerText === "2" && document.getElementById("sum-rejected").innerText === "1"`)
	waitFor(t, ctx, "report download", `!!document.getElementById("report-download")`)

	// Fix: skip the bad row and import the rest.
	step(t, ctx, "import, skipping the bad row",
		chromedp.Click(chromedp.ID("skip_invalid")),
		chromedp.Click(chromedp.ID("run-import")),
		chromedp.WaitVisible(chromedp.ID("imported-list")),
	)
	state, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("summary-state")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state, "导入完成") {
		t.Errorf("summary after the import: %s", state)
	}
	waitFor(t, ctx, "created", `document.getElementById("sum-created").innerText === "1"`)

	step(t, ctx, "open the customer's Orders tab",
		chromedp.Navigate(fmt.Sprintf("%s/customers/%d", e.srv.URL, cust.ID)),
		chromedp.WaitVisible(chromedp.CSS(`.tabs a[href$="tab=orders"]`)),
		chromedp.Click(chromedp.CSS(`.tabs a[href$="tab=orders"]`)),
		chromedp.WaitVisible(chromedp.ID("card-orders")),
	)
	waitFor(t, ctx, "imported order on the tab", `[...document.querySelectorAll("#card-orders a")].some(a => a.innerText === "UIB-0001")`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		[...document.querySelectorAll("#card-orders a")].find(a => a.innerText === "UIB-0001").click();
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "open the order", chromedp.WaitVisible(chromedp.ID("lines")))
	waitFor(t, ctx, "order lines", `document.getElementById("lines").innerText.includes("浏览器测试产品") && document.body.innerText.includes("¥102.00")`)

	if p := problems.all(); len(p) > 0 {
		t.Errorf("the browser reported problems (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}
