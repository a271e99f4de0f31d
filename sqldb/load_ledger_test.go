package sqldb_test

import (
	"context"
	"testing"
	"time"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestLoadDemoLedger loads a portfolio with its ledger and checks that every record arrived, that
// the rollups agree with the lines and costs, and that the ledger reads back as generated.
func TestLoadDemoLedger(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := demo.Generate(demo.Options{Customers: 120, Seed: 12, Today: time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)})
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		diffs, err := db.CheckRollups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range diffs {
			if i == 10 {
				t.Fatalf("… %d differences in all", len(diffs))
			}
			t.Error(d)
		}

		lines, allocations := 0, 0
		for _, o := range p.Orders {
			lines += len(o.Lines)
		}
		for _, pay := range p.Payments {
			allocations += len(pay.Allocations)
		}
		if len(p.Orders) == 0 || len(p.Payments) == 0 || len(p.Costs) == 0 || len(p.Financials) == 0 || len(p.Wallet) == 0 {
			t.Fatalf("a thin ledger: %d orders, %d payments, %d costs, %d financials, %d wallet estimates",
				len(p.Orders), len(p.Payments), len(p.Costs), len(p.Financials), len(p.Wallet))
		}
		for table, want := range map[string]int{
			"product_categories": len(p.Categories), "products": len(p.Products), "orders": len(p.Orders), "order_lines": lines,
			"invoices": len(p.Invoices), "payments": len(p.Payments), "payment_allocations": allocations, "costs": len(p.Costs),
			"financials": len(p.Financials), "wallet_estimates": len(p.Wallet),
		} {
			if got, err := db.CountRows(ctx, table); err != nil || got != want {
				t.Errorf("%s: %d rows, want %d (%v)", table, got, want, err)
			}
		}
		if n, err := db.CountRows(ctx, "sales_monthly"); err != nil || n == 0 {
			t.Errorf("sales_monthly: %d rows (%v)", n, err)
		}

		// The ledger reads back as generated, within the readers' scope.
		admin := as(&p.Users[0].User)
		ledger := sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))
		o := p.Orders[len(p.Orders)/2]
		got, err := ledger.FindOrder(admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.OrderNo != o.OrderNo || got.Amount != o.Amount || got.Cost != o.Cost || len(got.Lines) != len(o.Lines) ||
			got.Lines[0].Amount != o.Lines[0].Amount || got.Lines[0].Quantity != o.Lines[0].Quantity {
			t.Errorf("order %s reads back as %+v", o.OrderNo, got)
		}
		var ret *kam.Order
		for _, x := range p.Orders {
			if x.Kind == kam.OrderKindReturn {
				ret = x
				break
			}
		}
		if got, err := ledger.FindOrder(admin, ret.ID); err != nil || got.ReturnOfNo != ret.ReturnOfNo || got.Amount >= 0 {
			t.Errorf("return %s reads back as %+v (%v)", ret.OrderNo, got, err)
		}
		invoices, total, err := ledger.FindInvoices(admin, kam.LedgerFilter{Status: "overdue", Today: p.Today, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, inv := range p.Invoices {
			if inv.Overdue(p.Today) {
				overdue++
			}
		}
		if overdue == 0 || total != overdue || len(invoices) != min(overdue, 1000) {
			t.Errorf("%d overdue invoices listed (%d read), %d generated", total, len(invoices), overdue)
		}
		months, err := ledger.SalesByMonth(admin, o.CustomerID, "2000-01", "2100-12")
		if err != nil {
			t.Fatal(err)
		}
		var revenue, want kam.Money
		for _, m := range months {
			revenue += m.NetRevenue
		}
		for _, x := range p.Orders {
			if x.CustomerID == o.CustomerID {
				want += x.Amount
			}
		}
		if revenue != want {
			t.Errorf("customer %d: rollups hold %s of revenue, the orders %s", o.CustomerID, revenue, want)
		}

		// Documents imported later continue after the loaded ids (PostgreSQL draws them from the
		// identity sequences, which the load moved).
		c := p.Customers[o.CustomerID-1]
		is, err := ledger.BeginImport(admin, kam.ImportStart{Kind: "orders", FileName: "after-demo.csv"})
		if err != nil {
			t.Fatal(err)
		}
		day := p.Today
		results := [][]kam.RowResult{}
		rs, err := is.Products([]kam.ProductRow{{Row: 1, Code: "P9999", Name: "测试产品", Category: p.Categories[0].Name, UOM: "件",
			ListPrice: 100 * kam.MoneyUnit, HasPrice: true}})
		results = append(results, rs)
		if err == nil {
			rs, err = is.OrderLines([]kam.OrderLineRow{{Row: 1, OrderNo: "SO-AFTER-1", OrderDate: day, CustomerCode: c.Code,
				ProductCode: "P9999", Quantity: 2000, UnitPrice: 100 * kam.MoneyUnit, Amount: 200 * kam.MoneyUnit, Cost: 150 * kam.MoneyUnit,
				Currency: "CNY", FXRate: kam.OneRate}})
			results = append(results, rs)
		}
		if err == nil {
			rs, err = is.Invoices([]kam.InvoiceRow{{Row: 1, InvoiceNo: "INV-AFTER-1", CustomerCode: c.Code, OrderNo: "SO-AFTER-1",
				InvoiceDate: day, DueDate: day, Amount: 200 * kam.MoneyUnit, Currency: "CNY"}})
			results = append(results, rs)
		}
		if err == nil {
			rs, err = is.Payments([]kam.PaymentRow{{Row: 1, Reference: "PAY-AFTER-1", CustomerCode: c.Code, PaymentDate: day,
				Amount: 200 * kam.MoneyUnit, Currency: "CNY", InvoiceNo: "INV-AFTER-1"}})
			results = append(results, rs)
		}
		if err == nil {
			rs, err = is.Costs([]kam.CostRow{{Row: 1, Reference: "CS-AFTER-1", CustomerCode: c.Code, EntryDate: day,
				ExpenseCode: "visits", Amount: 300 * kam.MoneyUnit}})
			results = append(results, rs)
		}
		if err != nil {
			is.Finish(false, "", nil)
			t.Fatal(err)
		}
		for _, rs := range results {
			if len(rs) != 1 || rs[0].Outcome != kam.Created {
				t.Fatalf("import after the demo: %+v", results)
			}
		}
		if err := is.Finish(true, "", nil); err != nil {
			t.Fatal(err)
		}
		orders, _, err := ledger.FindOrders(admin, kam.LedgerFilter{Q: "SO-AFTER"})
		if err != nil || len(orders) != 1 || orders[0].ID != int64(len(p.Orders)+1) {
			t.Errorf("imported order: %+v (%v)", orders, err)
		}
		invoices, _, err = ledger.FindInvoices(admin, kam.LedgerFilter{Q: "INV-AFTER"})
		if err != nil || len(invoices) != 1 || invoices[0].ID != int64(len(p.Invoices)+1) || invoices[0].Paid != 200*kam.MoneyUnit {
			t.Errorf("imported invoice: %+v (%v)", invoices, err)
		}
		payments, _, err := ledger.FindPayments(admin, kam.LedgerFilter{Q: "PAY-AFTER"})
		if err != nil || len(payments) != 1 || payments[0].ID != int64(len(p.Payments)+1) {
			t.Errorf("imported payment: %+v (%v)", payments, err)
		}
		costs, _, err := ledger.FindCosts(admin, kam.LedgerFilter{Q: "CS-AFTER"})
		if err != nil || len(costs) != 1 || costs[0].ID != int64(len(p.Costs)+1) {
			t.Errorf("imported cost: %+v (%v)", costs, err)
		}
		products, _, err := ledger.FindProducts(admin, kam.LedgerFilter{Q: "P9999"})
		if err != nil || len(products) != 1 || products[0].ID != int64(len(p.Products)+1) {
			t.Errorf("imported product: %+v (%v)", products, err)
		}
		if diffs, err := db.CheckRollups(ctx); err != nil || len(diffs) != 0 {
			t.Errorf("after the import: %v (%v)", diffs, err)
		}
	})
}
