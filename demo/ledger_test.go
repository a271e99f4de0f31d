package demo

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"kam"
)

// ledgerToday is the today of the ledger tests: late evening in China, already the next day.
var ledgerToday = time.Date(2026, 6, 29, 17, 30, 0, 0, time.UTC) // 2026-06-30 01:30 in China

// ledgerSizes are the portfolios the ledger's shape is checked on.
var ledgerSizes = []Options{
	{Customers: 25, Seed: 3, Today: ledgerToday},
	{Customers: 0, Seed: 1, Today: ledgerToday}, // the default 300
	{Customers: 1000, Seed: 42, Today: ledgerToday.AddDate(0, 5, 0)},
	{Customers: 300, Seed: 2026, Today: time.Date(2027, 2, 1, 0, 0, 0, 0, chinaTime)},
}

// sameLedger reports whether two portfolios have equal ledgers, much faster than comparing
// their JSON or cmp.Diff on a large ledger.
func sameLedger(a, b *Portfolio) bool {
	return reflect.DeepEqual([]any{a.Today, a.Categories, a.Products, a.ProductCosts, a.Orders, a.Invoices, a.Payments, a.Costs,
		a.Financials, a.Wallet}, []any{b.Today, b.Categories, b.Products, b.ProductCosts, b.Orders, b.Invoices, b.Payments, b.Costs,
		b.Financials, b.Wallet})
}

func TestLedgerDeterministic(t *testing.T) {
	o := Options{Customers: 400, Seed: 9, Today: ledgerToday}
	a, b := Generate(o), Generate(o)
	if !sameLedger(a, b) {
		t.Fatalf("same options, different ledgers:\n%s", cmp.Diff(a.Orders, b.Orders))
	}
	// The comparison sees a difference.
	b.Orders[len(b.Orders)/2].Lines[0].Discount++
	if sameLedger(a, b) {
		t.Fatal("sameLedger misses a changed discount")
	}
	// Another seed gives another ledger.
	if c := Generate(Options{Customers: 400, Seed: 10, Today: ledgerToday}); sameLedger(a, c) {
		t.Fatal("different seeds, same ledger")
	}
	// Another today moves the ledger and leaves the customer files as they were.
	o.Today = ledgerToday.AddDate(0, 0, 40)
	d := Generate(o)
	if !bytes.Equal(mustJSON(t, a), mustJSON(t, d)) {
		t.Fatalf("today changed the customers:\n%s", cmp.Diff(a.Customers, d.Customers))
	}
	if d.Today != "2026-08-09" || d.Orders[len(d.Orders)-1].OrderDate > d.Today || a.Orders[len(a.Orders)-1].OrderDate > a.Today {
		t.Errorf("today %s, last order %s", d.Today, d.Orders[len(d.Orders)-1].OrderDate)
	}
	// Today is taken in China: 17:30 UTC is already the next day there.
	if a.Today != "2026-06-30" {
		t.Errorf("Today = %s", a.Today)
	}
}

func TestLedgerShape(t *testing.T) {
	for _, o := range ledgerSizes {
		t.Run(fmt.Sprintf("%d,%d", o.Customers, o.Seed), func(t *testing.T) {
			checkLedger(t, generated(t, o), o)
		})
	}
}

var (
	orderNoPattern   = regexp.MustCompile(`^(SO|RT)(\d{4})(\d{2})\d{5}$`)
	invoiceNoPattern = regexp.MustCompile(`^INV(\d{4})(\d{2})\d{5}$`)
	paymentPattern   = regexp.MustCompile(`^PAY(\d{4})(\d{2})\d{5}$`)
	costPattern      = regexp.MustCompile(`^CS(\d{4})(\d{2})\d{5}$`)
	productPattern   = regexp.MustCompile(`^P\d{4}$`)
)

// numberMatches checks a document number against its pattern and the month of its date.
func numberMatches(re *regexp.Regexp, no, date string) bool {
	m := re.FindStringSubmatch(no)
	return m != nil && m[len(m)-2]+"-"+m[len(m)-1] == date[:7]
}

func addDays(date string, n int) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func daysBetween(a, b string) int {
	x, _ := time.Parse(time.DateOnly, a)
	y, _ := time.Parse(time.DateOnly, b)
	return int(y.Sub(x).Hours() / 24)
}

func checkLedger(t *testing.T, p *Portfolio, o Options) {
	today := p.Today
	first := addDays(today, -(ledgerDays - 1))
	customer := func(id int64) *kam.Customer {
		if id < 1 || id > int64(len(p.Customers)) {
			t.Fatalf("customer id %d out of range", id)
		}
		return p.Customers[id-1]
	}

	// The catalogue.
	if len(p.Categories) != 15 || len(p.Products) != 300 || len(p.ProductCosts) != len(p.Products) {
		t.Fatalf("%d categories, %d products, %d costs", len(p.Categories), len(p.Products), len(p.ProductCosts))
	}
	seen := map[string]bool{}
	for i, c := range p.Categories {
		if c.ID != int64(i+1) || c.Code == "" || !hasHan(c.Name) || seen[c.Code] || seen[c.Name] {
			t.Errorf("category %+v", c)
		}
		seen[c.Code], seen[c.Name] = true, true
	}
	for i, pr := range p.Products {
		cost := p.ProductCosts[i]
		if pr.ID != int64(i+1) || !productPattern.MatchString(pr.Code) || seen[pr.Code] || seen[pr.Name] || !hasHan(pr.Name) ||
			pr.CategoryID == nil || *pr.CategoryID < 1 || *pr.CategoryID > int64(len(p.Categories)) || pr.UOM == "" || !pr.Active ||
			pr.ListPrice <= 0 || cost <= 0 || cost >= pr.ListPrice || cost*2 < pr.ListPrice {
			t.Errorf("product %+v, cost %s", pr, cost)
		}
		seen[pr.Code], seen[pr.Name] = true, true
	}

	// Orders and returns.
	type custFigures struct {
		revenue, cost, costs kam.Money
		orders               int
	}
	figures := make([]custFigures, len(p.Customers)+1)
	returned := map[int64]kam.Money{} // order id → amount of its returns
	var quarter [5]kam.Money
	sales, returns, lines := 0, 0, 0
	prevDate := ""
	for i, od := range p.Orders {
		c := customer(od.CustomerID)
		if od.ID != int64(i+1) || od.OrderDate < prevDate || od.OrderDate < first || od.OrderDate > today ||
			!numberMatches(orderNoPattern, od.OrderNo, od.OrderDate) || seen[od.OrderNo] {
			t.Fatalf("order %d: %s %s (after %s)", od.ID, od.OrderNo, od.OrderDate, prevDate)
		}
		seen[od.OrderNo] = true
		prevDate = od.OrderDate
		if od.RepID == nil || *od.RepID != c.OwnerID || od.Currency != "CNY" || od.FXRate != kam.OneRate {
			t.Errorf("order %s: rep %v of customer owned by %d, %s at %s", od.OrderNo, od.RepID, c.OwnerID, od.Currency, od.FXRate)
		}
		if od.UnitID != nil && p.Units[*od.UnitID-1].CustomerID != od.CustomerID {
			t.Errorf("order %s: unit %d of another customer", od.OrderNo, *od.UnitID)
		}
		if len(od.Lines) < 1 || len(od.Lines) > 8 || od.LineCount != len(od.Lines) {
			t.Errorf("order %s has %d lines (%d)", od.OrderNo, len(od.Lines), od.LineCount)
		}
		var amount, cost kam.Money
		for j, l := range od.Lines {
			want, err := kam.LineAmount(l.Quantity, l.UnitPrice, l.Discount)
			if err != nil || l.Amount != want {
				t.Fatalf("order %s line %d: amount %s, want %s × %s − %s = %s (%v)", od.OrderNo, l.LineNo, l.Amount, l.Quantity, l.UnitPrice, l.Discount, want, err)
			}
			wantCost, err := p.ProductCosts[l.ProductID-1].Times(l.Quantity)
			if err != nil || l.Cost != wantCost {
				t.Fatalf("order %s line %d: cost %s, want %s", od.OrderNo, l.LineNo, l.Cost, wantCost)
			}
			if l.LineNo != j+1 || l.UnitPrice <= 0 || l.Discount < 0 || l.UnitPrice > p.Products[l.ProductID-1].ListPrice {
				t.Errorf("order %s line %+v", od.OrderNo, l)
			}
			amount += l.Amount
			cost += l.Cost
		}
		if amount != od.Amount || cost != od.Cost {
			t.Errorf("order %s: amount %s cost %s, lines sum to %s and %s", od.OrderNo, od.Amount, od.Cost, amount, cost)
		}
		lines += len(od.Lines)
		switch od.Kind {
		case kam.OrderKindSale:
			sales++
			figures[od.CustomerID].orders++
			if od.ReturnOfID != nil || od.OrderNo[:2] != "SO" || amount <= 0 {
				t.Errorf("order %s: return of %v, amount %s", od.OrderNo, od.ReturnOfID, amount)
			}
		case kam.OrderKindReturn:
			returns++
			if od.ReturnOfID == nil || *od.ReturnOfID >= od.ID || od.OrderNo[:2] != "RT" {
				t.Fatalf("return %s of %v", od.OrderNo, od.ReturnOfID)
			}
			orig := p.Orders[*od.ReturnOfID-1]
			if orig.Kind != kam.OrderKindSale || orig.CustomerID != od.CustomerID || od.ReturnOfNo != orig.OrderNo ||
				od.OrderDate <= orig.OrderDate || daysBetween(orig.OrderDate, od.OrderDate) > 12 {
				t.Errorf("return %s (%s) of %s (%s)", od.OrderNo, od.OrderDate, orig.OrderNo, orig.OrderDate)
			}
			for _, l := range od.Lines {
				// Part of a line of the order comes back, at its price.
				of := slices.ContainsFunc(orig.Lines, func(x kam.OrderLine) bool {
					return x.ProductID == l.ProductID && x.UnitPrice == l.UnitPrice && x.Quantity > -l.Quantity
				})
				if l.Quantity >= 0 || l.Amount >= 0 || l.Cost >= 0 || !of {
					t.Errorf("return %s line %+v", od.OrderNo, l)
				}
			}
			returned[orig.ID] += amount
		default:
			t.Errorf("order %s of kind %q", od.OrderNo, od.Kind)
		}
		f := &figures[od.CustomerID]
		f.revenue += amount
		f.cost += cost
		month, _ := strconv.Atoi(od.OrderDate[5:7])
		quarter[(month+2)/3] += amount
	}
	if lines > maxLedgerLines {
		t.Errorf("%d order lines", lines)
	}

	// One invoice per sales order, net of its returns, due 30, 60 or 90 days after the order.
	invoiced := map[int64]bool{}
	allocated := map[int64]kam.Money{}
	for _, pay := range p.Payments {
		for _, a := range pay.Allocations {
			allocated[a.InvoiceID] += a.Amount
		}
	}
	overdue, open := 0, 0
	prevDate = ""
	for i, inv := range p.Invoices {
		if inv.ID != int64(i+1) || inv.OrderID == nil || invoiced[*inv.OrderID] || inv.InvoiceDate < prevDate ||
			!numberMatches(invoiceNoPattern, inv.InvoiceNo, inv.InvoiceDate) || seen[inv.InvoiceNo] {
			t.Fatalf("invoice %+v", inv)
		}
		seen[inv.InvoiceNo] = true
		prevDate = inv.InvoiceDate
		invoiced[*inv.OrderID] = true
		od := p.Orders[*inv.OrderID-1]
		terms := daysBetween(od.OrderDate, inv.DueDate)
		if od.Kind != kam.OrderKindSale || inv.OrderNo != od.OrderNo || inv.CustomerID != od.CustomerID ||
			inv.Amount != od.Amount+returned[od.ID] || inv.Amount <= 0 || inv.Currency != "CNY" ||
			inv.InvoiceDate < od.OrderDate || inv.InvoiceDate > today || (terms != 30 && terms != 60 && terms != 90) {
			t.Errorf("invoice %s (%s, due %s, %s) of order %s (%s, %s)", inv.InvoiceNo, inv.InvoiceDate, inv.DueDate, inv.Amount,
				od.OrderNo, od.OrderDate, od.Amount)
		}
		if inv.Paid != allocated[inv.ID] || inv.Paid < 0 || inv.Paid > inv.Amount {
			t.Errorf("invoice %s: amount %s, paid %s, allocated %s", inv.InvoiceNo, inv.Amount, inv.Paid, allocated[inv.ID])
		}
		if inv.Open() > 0 {
			open++
		}
		if inv.Overdue(today) {
			overdue++
		}
	}
	if len(invoiced) != sales {
		t.Errorf("%d invoices for %d sales orders", len(invoiced), sales)
	}

	// Payments settle invoices of their customer, after the invoice, by today.
	late := 0
	prevDate = ""
	for i, pay := range p.Payments {
		if pay.ID != int64(i+1) || pay.PaymentDate < prevDate || pay.PaymentDate > today || len(pay.Allocations) == 0 ||
			!numberMatches(paymentPattern, pay.Reference, pay.PaymentDate) || seen[pay.Reference] || pay.Method == "" {
			t.Fatalf("payment %+v", pay)
		}
		seen[pay.Reference] = true
		prevDate = pay.PaymentDate
		var sum kam.Money
		for _, a := range pay.Allocations {
			inv := p.Invoices[a.InvoiceID-1]
			if a.Amount <= 0 || a.InvoiceNo != inv.InvoiceNo || inv.CustomerID != pay.CustomerID || pay.PaymentDate < inv.InvoiceDate {
				t.Errorf("payment %s (%s) allocates %s to %s (%s)", pay.Reference, pay.PaymentDate, a.Amount, inv.InvoiceNo, inv.InvoiceDate)
			}
			if daysBetween(inv.DueDate, pay.PaymentDate) > 30 {
				late++
			}
			sum += a.Amount
		}
		if sum != pay.Amount || pay.Unallocated != 0 {
			t.Errorf("payment %s of %s allocates %s", pay.Reference, pay.Amount, sum)
		}
		if pay.InvoiceNo != "" && (len(pay.Allocations) != 1 || pay.InvoiceNo != pay.Allocations[0].InvoiceNo) {
			t.Errorf("payment %s names %s", pay.Reference, pay.InvoiceNo)
		}
	}

	// Cost to serve.
	codes := map[string]int{}
	prevDate = ""
	for i, e := range p.Costs {
		customer(e.CustomerID)
		if e.ID != int64(i+1) || e.EntryDate < prevDate || e.EntryDate < first || e.EntryDate > today || e.Amount <= 0 ||
			!numberMatches(costPattern, e.Reference, e.EntryDate) || seen[e.Reference] {
			t.Fatalf("cost %+v", e)
		}
		seen[e.Reference] = true
		prevDate = e.EntryDate
		switch e.ExpenseCode {
		case "ap", "rebate", "logistics", "service", "visits", "financing":
		default:
			t.Errorf("cost %s: code %q", e.Reference, e.ExpenseCode)
		}
		codes[e.ExpenseCode]++
		figures[e.CustomerID].costs += e.Amount
	}

	// Sales by customer and year, for statements and wallets.
	year, _ := strconv.Atoi(today[:4])
	type catYear struct {
		customer, category int64
		year               int
	}
	bought := map[catYear]kam.Money{}
	for _, od := range p.Orders {
		y, _ := strconv.Atoi(od.OrderDate[:4])
		for _, l := range od.Lines {
			bought[catYear{od.CustomerID, *p.Products[l.ProductID-1].CategoryID, y}] += l.Amount
			bought[catYear{od.CustomerID, 0, y}] += l.Amount
		}
	}
	for i, f := range p.Financials {
		c := customer(f.CustomerID)
		y, err := strconv.Atoi(f.Period)
		if f.ID != int64(i+1) || err != nil || (y != year-1 && y != year-2) || c.Size != "large" {
			t.Errorf("financials %+v of a %s customer", f, c.Size)
		}
		if f.Revenue <= 0 || f.Revenue < 10*bought[catYear{c.ID, 0, y}] || f.CostOfSales <= 0 || f.CostOfSales >= f.Revenue ||
			f.TotalAssets <= f.CurrentAssets || f.CurrentAssets <= f.Inventory || f.CurrentLiabilities <= 0 || f.Receivables <= 0 ||
			f.Revenue%kam.MoneyUnit != 0 {
			t.Errorf("financials %+v", f)
		}
	}
	wallet := map[catYear]bool{}
	for _, w := range p.Wallet {
		c := customer(w.CustomerID)
		k := catYear{w.CustomerID, w.CategoryID, w.Year}
		if wallet[k] || c.Size != "large" || w.CategoryID < 1 || w.CategoryID > int64(len(p.Categories)) ||
			(w.Year != year && w.Year != year-1) || w.Amount <= 0 || w.Amount < bought[k] {
			t.Errorf("wallet %+v: bought %s", w, bought[k])
		}
		wallet[k] = true
	}

	if o.Customers > 0 && o.Customers < 100 {
		return // too few customers for the distributions
	}
	// About 25 orders per customer, 2% returned.
	if per := float64(sales) / float64(len(p.Customers)); per < 15 || per > 30 {
		t.Errorf("%.1f orders per customer", per)
	}
	if r := percent(returns, sales); r < 1 || r > 4 {
		t.Errorf("%d returns for %d orders (%.1f%%)", returns, sales, r)
	}
	// Seasonality: the fourth quarter sells more than the first.
	if quarter[4] <= quarter[1]*5/4 {
		t.Errorf("Q1 %s, Q4 %s", quarter[1], quarter[4])
	}
	// Pareto: the top fifth of the buyers make most of the revenue.
	var revenues []kam.Money
	var total kam.Money
	for _, f := range figures {
		if f.orders > 0 {
			revenues = append(revenues, f.revenue)
			total += f.revenue
		}
	}
	slices.Sort(revenues)
	slices.Reverse(revenues)
	var top kam.Money
	for _, r := range revenues[:len(revenues)/5] {
		top += r
	}
	if top*100 < total*60 {
		t.Errorf("top 20%% of %d buyers make %.1f%% of the revenue", len(revenues), float64(top)*100/float64(total))
	}
	// Cost customers: some that buy a lot lose money once the cost to serve is counted.
	losers := 0
	for _, f := range figures {
		if f.orders >= lossMinOrders && f.revenue-f.cost-f.costs < 0 {
			losers++
		}
	}
	if losers == 0 {
		t.Error("no customer buying a lot makes a loss")
	}
	// Receivables: open and overdue invoices, late payers.
	if overdue == 0 || open <= overdue || late == 0 {
		t.Errorf("%d open invoices, %d overdue, %d late allocations", open, overdue, late)
	}
	for _, code := range []string{"ap", "rebate", "logistics", "service", "visits", "financing"} {
		if codes[code] == 0 {
			t.Errorf("no %s costs", code)
		}
	}
	if len(p.Financials) == 0 || len(p.Wallet) == 0 {
		t.Errorf("%d financials, %d wallet estimates", len(p.Financials), len(p.Wallet))
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestLedgerBounded checks that a large portfolio's ledger stays within maxLedgerLines, spread
// over many customers.
func TestLedgerBounded(t *testing.T) {
	p := generated(t, Options{Customers: 20000, Seed: 5, Today: ledgerToday})
	lines := 0
	buyers := map[int64]bool{}
	for _, o := range p.Orders {
		lines += len(o.Lines)
		buyers[o.CustomerID] = true
	}
	if lines > maxLedgerLines || lines < maxLedgerLines*3/4 {
		t.Errorf("%d order lines", lines)
	}
	if len(buyers) < 20000/4 {
		t.Errorf("only %d buyers", len(buyers))
	}
}
