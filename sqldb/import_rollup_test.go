package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// An import's rollup deltas reach the tables in several flushes: the rows of customers the import
// creates are inserted the first time (nothing stored to add to), added to the next times, and
// the rows of customers stored before are added to; the rollups then agree with the lines, and
// the same rows again change nothing.
func TestImportRollupFlushes(t *testing.T) {
	defer sqldb.FlushRollupsAt(3)()
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := kam.WithActor(context.Background(), kam.System)
		admin := &kam.User{Email: "admin@example.com", Name: "管理员", Role: kam.RoleAdmin}
		if err := sqldb.NewUserService(db).CreateUser(ctx, admin, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		ledger := sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))
		line := func(row int, no, date, customer, product, category string, qty int64) kam.OrderLineRow {
			return kam.OrderLineRow{Row: row, OrderNo: no, OrderDate: date, CustomerCode: customer, CustomerName: "客户 " + customer,
				ProductCode: product, ProductName: "产品 " + product, Category: category, Quantity: kam.Quantity(qty * 1000),
				UnitPrice: 10 * kam.MoneyUnit, Amount: kam.Money(qty) * 10 * kam.MoneyUnit, Cost: kam.Money(qty) * 6 * kam.MoneyUnit,
				Currency: "CNY", FXRate: kam.OneRate}
		}
		run := func(batches ...[]kam.OrderLineRow) map[kam.Outcome]int {
			t.Helper()
			is, err := ledger.BeginImport(ctx, kam.ImportStart{Kind: "orders", FileName: "lines.csv"})
			if err != nil {
				t.Fatal(err)
			}
			outcomes := map[kam.Outcome]int{}
			for _, b := range batches {
				res, err := is.OrderLines(b)
				if err != nil {
					is.Finish(false, "", nil)
					t.Fatal(err)
				}
				for _, r := range res {
					outcomes[r.Outcome]++
					if r.Outcome == kam.Rejected {
						t.Errorf("rejected: %+v", r)
					}
				}
			}
			if err := is.Finish(true, "", nil); err != nil {
				t.Fatal(err)
			}
			return outcomes
		}
		check := func() {
			t.Helper()
			diffs, err := db.CheckRollups(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				t.Error(d)
			}
		}
		// A customer stored before the import, with rollups.
		run([]kam.OrderLineRow{line(2, "OLD-1", "2025-01-05", "OLD", "P1", "电机", 1)})
		check()
		var batches [][]kam.OrderLineRow
		for b := range 4 {
			var rows []kam.OrderLineRow
			for i := range 5 {
				n := b*5 + i
				// New customers N0 and N1 come back in every batch, in January and in a month of
				// their own; OLD gets more lines; two categories.
				rows = append(rows,
					line(2+2*n, fmt.Sprintf("SO-%d", n), "2025-01-10", fmt.Sprintf("N%d", n%2), "P1", "电机", int64(n+1)),
					line(3+2*n, fmt.Sprintf("SO-%d", n), "2025-01-10", fmt.Sprintf("N%d", n%2), "P2", "阀门", 2))
				if i == 0 {
					rows = append(rows, line(100+n, fmt.Sprintf("SO-M%d", b), fmt.Sprintf("2025-%02d-01", b+2), "N0", "P2", "阀门", 1),
						line(200+n, fmt.Sprintf("OLD-%d", b+2), "2025-01-20", "OLD", "P2", "阀门", 3))
				}
			}
			batches = append(batches, rows)
		}
		if got := run(batches...); got[kam.Created] != 48 || len(got) != 1 {
			t.Fatalf("outcomes %v, want 48 created", got)
		}
		check()
		sales := func(code string) []kam.SalesMonth {
			t.Helper()
			cs, _, err := sqldb.NewCustomerService(db).FindCustomers(ctx, kam.CustomerFilter{Q: code, Limit: 10})
			if err != nil || len(cs) == 0 {
				t.Fatalf("customer %s: %v", code, err)
			}
			m, err := ledger.SalesByMonth(ctx, cs[0].ID, "2025-01", "2025-12")
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		// N0: orders 0, 2, …, 18 in January (lines of n+1 and 2 at 10 each) and one order a month
		// from February to May.
		m := sales("N0")
		var jan kam.Money
		for n := 0; n < 20; n += 2 {
			jan += kam.Money(n+1+2) * 10 * kam.MoneyUnit
		}
		if len(m) != 5 || m[0].Month != "2025-01" || m[0].NetRevenue != jan || m[0].Orders != 10 || m[0].Lines != 20 || m[4].Orders != 1 {
			t.Errorf("N0 by month %+v, want January %s in 10 orders of 20 lines, and 4 months more", m, jan)
		}
		if m := sales("OLD"); len(m) != 1 || m[0].Orders != 5 || m[0].NetRevenue != (1+4*3)*10*kam.MoneyUnit {
			t.Errorf("OLD by month %+v", m)
		}
		if got := run(batches...); got[kam.Unchanged] != 48 || len(got) != 1 {
			t.Errorf("the same rows again: %v, want 48 unchanged", got)
		}
		check()
	})
}
