package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestCustomersByIDAndRuns: a page of a ranking is named in one call within the caller's scope,
// and the stored runs are listed newest first, their results (with each customer's code) read
// within the scope.
func TestCustomersByIDAndRuns(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		mine := f.create(t, f.rep1, "上海星辰科技有限公司")
		theirs := f.create(t, f.other, "北京远航贸易有限公司")
		ids := []int64{mine.ID, theirs.ID, 999999}

		got, err := f.customers.FindCustomersByID(as(f.rep1), ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[mine.ID] == nil || got[mine.ID].Name != mine.Name {
			t.Errorf("rep1 names %v, want only %d", got, mine.ID)
		}
		all, err := f.customers.FindCustomersByID(as(f.director), ids)
		if err != nil || len(all) != 2 || all[theirs.ID].Code != theirs.Code {
			t.Errorf("director names %v (%v)", all, err)
		}
		if none, err := f.customers.FindCustomersByID(as(f.director), nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v %v", none, err)
		}

		ledger := sqldb.NewLedgerService(db, f.customers)
		sys := kam.WithActor(t.Context(), kam.System)
		for i, period := range []string{"2024", "2025"} {
			run := &kam.ClassificationRun{From: period + "-01", To: period + "-12", Source: "manual", Settings: map[string]string{}, Summary: map[string]int{},
				Results: []kam.CustomerClass{{CustomerID: mine.ID, ABC: "A", ABCRank: 1 + i, Tier: "gold"}, {CustomerID: theirs.ID, ABC: "B", ABCRank: 2 - i, Tier: "iron"}}}
			if err := ledger.SaveClassification(sys, run); err != nil {
				t.Fatal(err)
			}
		}
		runs, err := ledger.ClassificationRuns(as(f.rep1), 10)
		if err != nil || len(runs) != 2 || runs[0].From != "2025-01" || runs[1].From != "2024-01" || runs[0].ID <= runs[1].ID {
			t.Fatalf("runs %+v (%v)", runs, err)
		}
		if one, err := ledger.ClassificationRuns(as(f.rep1), 1); err != nil || len(one) != 1 || one[0].ID != runs[0].ID {
			t.Errorf("limit 1: %+v %v", one, err)
		}
		r, err := ledger.RunResults(as(f.rep1), runs[0].ID, "", "")
		if err != nil || len(r.Results) != 1 || r.Results[0].CustomerID != mine.ID || r.Results[0].Code != mine.Code {
			t.Errorf("rep1's results %+v (%v)", r, err)
		}
	})
}

// TestSaveClassificationInParts: a run's results copied a few at a time are stored whole, each
// field as it was, whether the last part is full or not.
func TestSaveClassificationInParts(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		var want []kam.CustomerClass
		for i, name := range []string{"上海星辰科技有限公司", "北京远航贸易有限公司", "广州南方实业有限公司", "深圳前海电子有限公司", "杭州西湖茶业有限公司"} {
			c := f.create(t, f.rep1, name)
			want = append(want, kam.CustomerClass{CustomerID: c.ID, Code: c.Code, ABC: []string{"A", "B", "C"}[i%3], ABCRank: i + 1, Tier: "gold",
				NetRevenue: kam.Money(1000*i - 1500), Profit: kam.Money(-7 * i), KeyTotal: fmt.Sprintf("%d.25", 1+i%4), KeyState: []string{"", "proposed"}[i%2],
				Quadrant: "invest", Grade: "general", LAMP: "next", Loyalty: []string{"loyal", ""}[i%2]})
		}
		ledger := sqldb.NewLedgerService(db, f.customers)
		sys := kam.WithActor(t.Context(), kam.System)
		for _, per := range []int{1, 2, 5, 100} {
			run := &kam.ClassificationRun{From: "2025-01", To: "2025-12", Source: "manual", Settings: map[string]string{}, Summary: map[string]int{},
				Results: want}
			if err := ledger.SaveClassificationBy(sys, run, per); err != nil {
				t.Fatal(err)
			}
			got, err := ledger.RunResults(as(f.director), run.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.Results); diff != "" {
				t.Errorf("%d at a time: stored results differ (-want +got):\n%s", per, diff)
			}
			// The writer's page cache, small while the results are written, is the imports' again.
			if db.Dialect() == sqldb.SQLite {
				if n, err := db.WriteCacheSize(t.Context()); err != nil || n != -32000 {
					t.Errorf("the writer's cache after a run: %d (%v), want -32000", n, err)
				}
			}
		}
	})
}
