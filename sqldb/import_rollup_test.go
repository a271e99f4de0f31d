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
// importFixture runs import sessions as the system on a store with an administrator.
type importFixture struct {
	t      *testing.T
	db     *sqldb.DB
	ctx    context.Context
	ledger *sqldb.LedgerService
}

func newImportFixture(t *testing.T, db *sqldb.DB) *importFixture {
	ctx := kam.WithActor(context.Background(), kam.System)
	admin := &kam.User{Email: "admin@example.com", Name: "管理员", Role: kam.RoleAdmin}
	if err := sqldb.NewUserService(db).CreateUser(ctx, admin, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return &importFixture{t: t, db: db, ctx: ctx, ledger: sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))}
}

// run imports the batches in one session (each a func writing one batch) and commits; it counts
// the rows' outcomes and fails the test on a rejected row.
func (f *importFixture) run(batches ...func(kam.ImportSession) ([]kam.RowResult, error)) map[kam.Outcome]int {
	t := f.t
	t.Helper()
	is, err := f.ledger.BeginImport(f.ctx, kam.ImportStart{Kind: "orders", FileName: "lines.csv"})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[kam.Outcome]int{}
	for _, b := range batches {
		res, err := b(is)
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

// lines is a batch of order lines.
func lines(rows ...kam.OrderLineRow) func(kam.ImportSession) ([]kam.RowResult, error) {
	return func(is kam.ImportSession) ([]kam.RowResult, error) { return is.OrderLines(rows) }
}

// checkRollups fails the test on every rollup figure that differs from the lines.
func (f *importFixture) checkRollups() {
	f.t.Helper()
	diffs, err := f.db.CheckRollups(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, d := range diffs {
		f.t.Error(d)
	}
}

// sales is the monthly rollup of 2025 of the customer with code.
func (f *importFixture) sales(code string) []kam.SalesMonth {
	f.t.Helper()
	cs, _, err := sqldb.NewCustomerService(f.db).FindCustomers(f.ctx, kam.CustomerFilter{Q: code, Limit: 10})
	if err != nil || len(cs) == 0 {
		f.t.Fatalf("customer %s: %v", code, err)
	}
	m, err := f.ledger.SalesByMonth(f.ctx, cs[0].ID, "2025-01", "2025-12")
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// orderLine is a line of qty at 10 (cost 6) of a CNY order.
func orderLine(row int, no, date, customer, product, category string, qty int64) kam.OrderLineRow {
	return kam.OrderLineRow{Row: row, OrderNo: no, OrderDate: date, CustomerCode: customer, CustomerName: "客户 " + customer,
		ProductCode: product, ProductName: "产品 " + product, Category: category, Quantity: kam.Quantity(qty * 1000),
		UnitPrice: 10 * kam.MoneyUnit, Amount: kam.Money(qty) * 10 * kam.MoneyUnit, Cost: kam.Money(qty) * 6 * kam.MoneyUnit,
		Currency: "CNY", FXRate: kam.OneRate}
}

func TestImportRollupFlushes(t *testing.T) {
	defer sqldb.FlushRollupsAt(3)()
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newImportFixture(t, db)
		// A customer stored before the import, with rollups.
		f.run(lines(orderLine(2, "OLD-1", "2025-01-05", "OLD", "P1", "电机", 1)))
		f.checkRollups()
		var batches []func(kam.ImportSession) ([]kam.RowResult, error)
		for b := range 4 {
			var rows []kam.OrderLineRow
			for i := range 5 {
				n := b*5 + i
				// New customers N0 and N1 come back in every batch, in January and in a month of
				// their own; OLD gets more lines; two categories.
				rows = append(rows,
					orderLine(2+2*n, fmt.Sprintf("SO-%d", n), "2025-01-10", fmt.Sprintf("N%d", n%2), "P1", "电机", int64(n+1)),
					orderLine(3+2*n, fmt.Sprintf("SO-%d", n), "2025-01-10", fmt.Sprintf("N%d", n%2), "P2", "阀门", 2))
				if i == 0 {
					rows = append(rows, orderLine(100+n, fmt.Sprintf("SO-M%d", b), fmt.Sprintf("2025-%02d-01", b+2), "N0", "P2", "阀门", 1),
						orderLine(200+n, fmt.Sprintf("OLD-%d", b+2), "2025-01-20", "OLD", "P2", "阀门", 3))
				}
			}
			batches = append(batches, lines(rows...))
		}
		if got := f.run(batches...); got[kam.Created] != 48 || len(got) != 1 {
			t.Fatalf("outcomes %v, want 48 created", got)
		}
		f.checkRollups()
		sales := f.sales
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
		if got := f.run(batches...); got[kam.Unchanged] != 48 || len(got) != 1 {
			t.Errorf("the same rows again: %v, want 48 unchanged", got)
		}
		f.checkRollups()
	})
}

// The products an import creates are written in bulk at the end of each batch: lines of later
// batches and rows of the same batch find them (into an empty ledger without looking them up), a products import updates one it created in the
// same batch, and the category rollups follow their categories.
func TestImportCreatesProducts(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newImportFixture(t, db)
		products := func(rows ...kam.ProductRow) func(kam.ImportSession) ([]kam.RowResult, error) {
			return func(is kam.ImportSession) ([]kam.RowResult, error) { return is.Products(rows) }
		}
		batches := []func(kam.ImportSession) ([]kam.RowResult, error){
			products(kam.ProductRow{Row: 2, Code: "A1", Name: "球阀 A1", Category: "阀门", UOM: "件", ListPrice: 10 * kam.MoneyUnit, HasPrice: true},
				kam.ProductRow{Row: 3, Code: "A1", Name: "球阀 A1", Category: "阀门", UOM: "台", ListPrice: 10 * kam.MoneyUnit, HasPrice: true}),
			lines(orderLine(2, "SO-1", "2025-03-01", "K1", "B1", "电机", 1), orderLine(3, "SO-1", "2025-03-01", "K1", "B2", "阀门", 2),
				orderLine(4, "SO-2", "2025-03-02", "K1", "B1", "电机", 3)),
			lines(orderLine(5, "SO-3", "2025-04-01", "K1", "B1", "电机", 4), orderLine(6, "SO-3", "2025-04-01", "K1", "B3", "轴承", 5),
				orderLine(7, "SO-3", "2025-04-01", "K1", "A1", "阀门", 6)),
		}
		if got := f.run(batches...); got[kam.Created] != 7 || got[kam.Updated] != 1 || len(got) != 2 {
			t.Fatalf("outcomes %v, want 7 created and 1 updated", got)
		}
		ps, _, err := f.ledger.FindProducts(f.ctx, kam.LedgerFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]*kam.Product{}
		for _, p := range ps {
			byCode[p.Code] = p
		}
		want := map[string][2]string{"A1": {"球阀 A1", "阀门"}, "B1": {"产品 B1", "电机"}, "B2": {"产品 B2", "阀门"}, "B3": {"产品 B3", "轴承"}}
		if len(ps) != len(want) {
			t.Errorf("%d products, want %d", len(ps), len(want))
		}
		for code, w := range want {
			if p := byCode[code]; p == nil || p.Name != w[0] || p.Category != w[1] {
				t.Errorf("product %s: %+v, want %s in %s", code, p, w[0], w[1])
			}
		}
		if p := byCode["A1"]; p == nil || p.UOM != "台" || p.ListPrice != 10*kam.MoneyUnit {
			t.Errorf("A1 after its second row: %+v", p)
		}
		os, _, err := f.ledger.FindOrders(f.ctx, kam.LedgerFilter{Limit: 10})
		if err != nil || len(os) != 3 {
			t.Fatalf("%d orders (%v)", len(os), err)
		}
		for _, o := range os {
			full, err := f.ledger.FindOrder(f.ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range full.Lines {
				if p := byCode[l.ProductCode]; p == nil || p.ID != l.ProductID {
					t.Errorf("order %s line %d names product %d (%s)", o.OrderNo, l.LineNo, l.ProductID, l.ProductCode)
				}
			}
		}
		// The ledger was empty: the customer of both batches was created once.
		if n, err := db.CountRows(f.ctx, "customers"); err != nil || n != 1 {
			t.Errorf("%d customers (%v), want 1", n, err)
		}
		f.checkRollups()
		if got := f.run(batches[1:]...); got[kam.Unchanged] != 6 || len(got) != 1 {
			t.Errorf("the same lines again: %v, want 6 unchanged", got)
		}
		f.checkRollups()
	})
}

// A file in date order has its rollup deltas flushed a month at a time, once a batch starts after
// the month; a row of a month already flushed (a late line of a new customer's key, a new key of
// that month) adds to or inserts the stored row, and the rollups agree with the lines.
func TestImportRollupFlushesByMonth(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newImportFixture(t, db)
		batches := []func(kam.ImportSession) ([]kam.RowResult, error){
			lines(orderLine(2, "SO-1", "2025-01-05", "N1", "P1", "电机", 1), orderLine(3, "SO-2", "2025-01-20", "N2", "P2", "阀门", 2)),
			lines(orderLine(4, "SO-3", "2025-02-03", "N1", "P1", "电机", 3)), // January is flushed after this batch
			// Late January rows: N1's January key was written, N2's 电机 key was not.
			lines(orderLine(5, "SO-4", "2025-01-28", "N1", "P1", "电机", 4), orderLine(6, "SO-5", "2025-01-29", "N2", "P1", "电机", 5),
				orderLine(7, "SO-6", "2025-03-01", "N2", "P2", "阀门", 6)),
			lines(orderLine(8, "SO-7", "2025-04-01", "N1", "P2", "阀门", 7)), // January again, February and March
		}
		if got := f.run(batches...); got[kam.Created] != 7 || len(got) != 1 {
			t.Fatalf("outcomes %v, want 7 created", got)
		}
		f.checkRollups()
		if m := f.sales("N1"); len(m) != 3 || m[0].Month != "2025-01" || m[0].NetRevenue != 50*kam.MoneyUnit || m[0].Orders != 2 || m[1].Orders != 1 {
			t.Errorf("N1 by month %+v, want January 50 in 2 orders, February, April", m)
		}
		if got := f.run(batches...); got[kam.Unchanged] != 7 || len(got) != 1 {
			t.Errorf("the same rows again: %v, want 7 unchanged", got)
		}
		f.checkRollups()
	})
}

// An import's commit leaves the checkpoint of its log to a goroutine, which turns SQLite's
// automatic checkpoint on again: after the import, and after a rolled back one, the write
// connection checkpoints as before, and a second import sees the first one's rows.
func TestImportCheckpointsBehind(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newImportFixture(t, db)
		want := 1000
		if db.Dialect() != sqldb.SQLite {
			want = 0
		}
		check := func(when string) {
			t.Helper()
			if n, err := db.AutoCheckpoint(f.ctx); err != nil || n != want {
				t.Errorf("%s: automatic checkpoint %d (%v), want %d", when, n, err, want)
			}
		}
		f.run(lines(orderLine(2, "SO-1", "2025-01-05", "K1", "P1", "电机", 1)))
		check("after an import")
		is, err := f.ledger.BeginImport(f.ctx, kam.ImportStart{Kind: "orders", FileName: "lines.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := is.OrderLines([]kam.OrderLineRow{orderLine(2, "SO-2", "2025-01-06", "K1", "P1", "电机", 2)}); err != nil {
			t.Fatal(err)
		}
		if err := is.Finish(false, "", nil); err != nil {
			t.Fatal(err)
		}
		check("after a rolled back import")
		if got := f.run(lines(orderLine(2, "SO-1", "2025-01-05", "K1", "P1", "电机", 1))); got[kam.Unchanged] != 1 {
			t.Errorf("the first import's row again: %v, want unchanged", got)
		}
		check("after the second import")
		f.checkRollups()
	})
}
