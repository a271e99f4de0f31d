package sqldb_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kam"
	"kam/importer"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestPeriodDetails reads the details of a period across a year's end: each month in its place,
// the same months a year earlier, the categories, the wallet of the year the period ends and of
// the year before, the first order; within the actor's portfolio.
func TestPeriodDetails(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		mine := f.create(t, f.rep1, "上海星辰科技有限公司")
		theirs := f.create(t, f.other, "北京远航贸易有限公司")
		ledger := sqldb.NewLedgerService(db, f.customers)
		sys := kam.WithActor(t.Context(), kam.System)
		load := func(kind, content string) {
			path := filepath.Join(t.TempDir(), kind+".csv")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if s, err := importer.Run(sys, ledger, path, importer.RunOptions{Kind: kind}); err != nil || !s.Written {
				t.Fatalf("import %s: %+v %v", kind, s, err)
			}
		}
		row := func(no, date, code string, price int) string {
			return no + "," + date + "," + code + ",P1,电机,电机,1," + strconv.Itoa(price) + "\n"
		}
		load("orders", "order_no,order_date,customer_code,product_code,product_name,category,quantity,unit_price\n"+
			row("D-1", "2024-10-03", mine.Code, 999)+row("D-2", "2024-12-03", mine.Code, 50)+row("D-3", "2025-11-03", mine.Code, 100)+
			row("D-4", "2026-02-03", mine.Code, 300)+row("D-5", "2026-01-03", theirs.Code, 70))
		load("wallet", "customer_code,category,year,amount\n"+mine.Code+",电机,2026,1000\n"+mine.Code+",电机,2025,400\n")

		all, err := ledger.PeriodDetails(sys, "2025-11", "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		var d *kam.CustomerDetail
		for i := range all {
			if all[i].CustomerID == mine.ID {
				d = &all[i]
			}
		}
		if len(all) != 2 || d == nil {
			t.Fatalf("details %+v", all)
		}
		y := func(v int64) kam.Money { return kam.Money(v) * kam.MoneyUnit }
		if got := d.Monthly; len(got) != 4 || got[0] != y(100) || got[1] != 0 || got[2] != 0 || got[3] != y(300) {
			t.Errorf("months %v", got)
		}
		if d.Prior != y(50) || d.FirstMonth != "2024-10" {
			t.Errorf("prior %s, first %s", d.Prior, d.FirstMonth)
		}
		if d.WalletEstimate != y(1000) || d.WalletOurs != y(300) || d.PriorWalletEstimate != y(400) || d.PriorWalletOurs != y(100) {
			t.Errorf("wallet %+v", d)
		}
		mineOnly, err := ledger.PeriodDetails(as(f.rep1), "2025-11", "2026-02")
		if err != nil || len(mineOnly) != 1 || mineOnly[0].CustomerID != mine.ID || mineOnly[0].OwnerID != f.rep1.ID {
			t.Errorf("rep1's details %+v (%v)", mineOnly, err)
		}
		byCategory, err := ledger.PeriodCategories(sys, "2025-11", "2026-02")
		if err != nil || len(byCategory) != 2 || len(byCategory[mine.ID]) != 1 || len(byCategory[theirs.ID]) != 1 {
			t.Fatalf("categories bought %v (%v)", byCategory, err)
		}
		for _, rev := range byCategory[mine.ID] {
			if rev != y(400) {
				t.Errorf("%s's revenue in its category: %s, want 400", mine.Code, rev)
			}
		}
		if mineOnly, err := ledger.PeriodCategories(as(f.rep1), "2025-11", "2026-02"); err != nil || len(mineOnly) != 1 || mineOnly[theirs.ID] != nil {
			t.Errorf("rep1's categories bought %v (%v)", mineOnly, err)
		}
		cats, err := ledger.Categories(as(f.rep1))
		if err != nil || len(cats) != 1 || cats[0].Name != "电机" {
			t.Errorf("categories %+v %v", cats, err)
		}
	})
}

// TestSavedFilters: each user's own filters, shared ones offered to everyone, only the owner
// changes or deletes them, names unique per user, versions checked.
func TestSavedFilters(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		ledger := sqldb.NewLedgerService(db, f.customers)
		private := &kam.SavedFilter{Name: "我的 A 类", Criteria: kam.FilterCriteria{Class: []string{"A"}}}
		shared := &kam.SavedFilter{Name: "华东", Shared: true, Criteria: kam.FilterCriteria{Region: []string{"上海市", "江苏省"}}}
		for _, sf := range []*kam.SavedFilter{private, shared} {
			if err := ledger.CreateSavedFilter(as(f.rep1), sf); err != nil {
				t.Fatal(err)
			}
		}
		if err := ledger.CreateSavedFilter(as(f.rep1), &kam.SavedFilter{Name: "我的 A 类"}); kam.ErrorCodeOf(err) != kam.EConflict {
			t.Errorf("the same name twice: %v", err)
		}
		if err := ledger.CreateSavedFilter(as(f.rep2), &kam.SavedFilter{Name: "我的 A 类"}); err != nil {
			t.Errorf("another user's name: %v", err)
		}
		if err := ledger.CreateSavedFilter(as(f.rep2), &kam.SavedFilter{Name: "坏", Criteria: kam.FilterCriteria{Tier: []string{"diamond"}}}); err == nil ||
			!strings.Contains(err.Error(), "criteria.tier") {
			t.Errorf("an unknown tier: %v", err)
		}
		list, err := ledger.SavedFilters(as(f.rep2))
		if err != nil || len(list) != 2 || list[0].Name != "华东" || !list[0].Shared || list[0].Criteria.Region[1] != "江苏省" {
			t.Errorf("rep2's list %+v (%v)", list, err)
		}
		if _, err := ledger.SavedFilter(as(f.rep2), private.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("another's private filter: %v", err)
		}
		if err := ledger.UpdateSavedFilter(as(f.rep2), shared.ID, 0, &kam.SavedFilter{Name: "改"}); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("another's shared filter changed: %v", err)
		}
		if err := ledger.DeleteSavedFilter(as(f.rep2), shared.ID, 0); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("another's shared filter deleted: %v", err)
		}
		up := &kam.SavedFilter{Name: "华东三省", Shared: true, Criteria: kam.FilterCriteria{Region: []string{"上海市", "江苏省", "浙江省"}}}
		if err := ledger.UpdateSavedFilter(as(f.rep1), shared.ID, 2, up); kam.ErrorCodeOf(err) != kam.EPreconditionFailed {
			t.Errorf("a stale update: %v", err)
		}
		if err := ledger.UpdateSavedFilter(as(f.rep1), shared.ID, 1, up); err != nil || up.Version != 2 {
			t.Errorf("update: %v %+v", err, up)
		}
		got, err := ledger.SavedFilter(as(f.rep2), shared.ID)
		if err != nil || got.Name != "华东三省" || len(got.Criteria.Region) != 3 || got.Version != 2 {
			t.Errorf("after the update %+v (%v)", got, err)
		}
		if err := ledger.DeleteSavedFilter(as(f.rep1), shared.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.SavedFilter(as(f.rep1), shared.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("a deleted filter: %v", err)
		}
	})
}
