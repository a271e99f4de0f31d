package sqldb_test

import (
	"testing"

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
