package sqldb_test

import (
	"errors"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestKeyAccountRecords: manual scores, decisions and grade overrides are kept with who and when,
// newest first in the history; the newest of each kind stands in the inputs of the models; who
// may record what follows the permission model; the generation of the analytics moves with
// every record; bad settings are refused naming the field and the stored ones stay.
func TestKeyAccountRecords(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		mine := f.create(t, f.rep1, "上海星辰科技有限公司")
		theirs := f.create(t, f.other, "北京远航贸易有限公司")
		ledger := sqldb.NewLedgerService(db, f.customers)
		gen := func() string {
			g, err := ledger.AnalyticsGeneration(as(f.director))
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		before := gen()
		rec := func(u *kam.User, e kam.KeyAccountEvent) (*kam.KeyAccountEvent, error) {
			err := ledger.RecordKeyAccountEvent(as(u), &e)
			f.clock = f.clock.Add(time.Minute)
			return &e, err
		}
		if _, err := rec(f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritGoalImpact, Score: 4, Reason: "战略"}); err != nil {
			t.Fatal(err)
		}
		if gen() == before {
			t.Error("a manual score leaves the analytics generation unchanged")
		}
		if _, err := rec(f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritGoalImpact, Score: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritLossDamage, Score: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritLossDamage}); err != nil {
			t.Fatal(err) // 0 clears it
		}
		for _, c := range []struct {
			name string
			u    *kam.User
			e    kam.KeyAccountEvent
			code kam.ErrorCode
		}{
			{"another rep's customer", f.rep1, kam.KeyAccountEvent{CustomerID: theirs.ID, Kind: kam.EventScore, Criterion: kam.CritGoalImpact, Score: 3}, kam.ENotFound},
			{"a rep decides", f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventDecision, Value: kam.KeyAccountConfirmed}, kam.EForbidden},
			{"a rep overrides", f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventImportance, Value: kam.GradeSpecial, Reason: "理由"}, kam.EForbidden},
			{"finance scores", f.finance, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritGoalImpact, Score: 3}, kam.EForbidden},
			{"a data criterion", f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritProfitShare, Score: 3}, kam.EInvalid},
			{"a score of 6", f.rep1, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventScore, Criterion: kam.CritGoalImpact, Score: 6}, kam.EInvalid},
			{"an override without a reason", f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventImportance, Value: kam.GradeSpecial}, kam.EInvalid},
			{"an unknown decision", f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventDecision, Value: "maybe"}, kam.EInvalid},
		} {
			if _, err := rec(c.u, c.e); kam.ErrorCodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if _, err := rec(f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventDecision, Value: kam.KeyAccountRejected, From: "2025-01", To: "2025-12", Total: "3.2000"}); err != nil {
			t.Fatal(err)
		}
		if _, err := rec(f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventDecision, Value: kam.KeyAccountConfirmed, Reason: "复核"}); err != nil {
			t.Fatal(err)
		}
		grade, err := rec(f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventImportance, Value: kam.GradeSpecial, Reason: "政府项目"})
		if err != nil || grade.ID == 0 || grade.UserID != f.director.ID || grade.UserName != f.director.Name || grade.At.IsZero() {
			t.Fatalf("override %+v (%v)", grade, err)
		}

		history, err := ledger.KeyAccountHistory(as(f.rep1), mine.ID)
		if err != nil || len(history) != 7 || history[0].Kind != kam.EventImportance || history[6].Score != 4 || history[6].Reason != "战略" ||
			history[6].UserName != f.rep1.Name || !history[0].At.After(history[6].At) {
			t.Fatalf("history %+v (%v)", history, err)
		}
		if d := history[2]; d.Value != kam.KeyAccountRejected || d.From != "2025-01" || d.Total != "3.2000" {
			t.Errorf("the rejection %+v", d)
		}
		if _, err := ledger.KeyAccountHistory(as(f.rep1), theirs.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("another rep's history: %v", err)
		}
		in, err := ledger.KeyAccountInputs(as(f.director), "2025-01", "2025-12")
		if err != nil {
			t.Fatal(err)
		}
		st := in.States[mine.ID]
		if st == nil || st.Scores[kam.CritGoalImpact].Score != 5 || len(st.Scores) != 1 || st.Decision.Value != kam.KeyAccountConfirmed ||
			st.Importance.Value != kam.GradeSpecial {
			t.Errorf("state %+v", st)
		}
		// Back to the computed grade.
		if _, err := rec(f.director, kam.KeyAccountEvent{CustomerID: mine.ID, Kind: kam.EventImportance}); err != nil {
			t.Fatal(err)
		}
		if in, _ := ledger.KeyAccountInputs(as(f.rep1), "2025-01", "2025-12"); in.States[mine.ID].Importance != nil || in.States[theirs.ID] != nil {
			t.Errorf("rep1's states after the override is cleared: %+v", in.States)
		}

		// Settings: defaults, refusals naming the field, the stored ones untouched.
		set, err := ledger.KeyAccountSettings(as(f.rep1))
		if err != nil || set.ScorecardThreshold != "3.5" {
			t.Fatalf("defaults %+v (%v)", set, err)
		}
		bad := kam.DefaultKeyAccountSettings()
		bad.AttractivenessWeights = map[string]string{kam.MeasRevenue: "0", kam.MeasGrowth: "0.0000"}
		if err := ledger.SaveKeyAccountSettings(as(f.director), bad); !hasField(err, "attractiveness_weights") {
			t.Errorf("zero weights: %v", err)
		}
		if err := ledger.SaveKeyAccountSettings(as(f.rep1), kam.DefaultKeyAccountSettings()); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("a rep saves the rules: %v", err)
		}
		good := kam.DefaultKeyAccountSettings()
		good.ScorecardThreshold = "4"
		if err := ledger.SaveKeyAccountSettings(as(f.director), good); err != nil {
			t.Fatal(err)
		}
		if err := ledger.SaveKeyAccountSettings(as(f.director), bad); err == nil {
			t.Fatal("bad rules saved")
		}
		if got, _ := ledger.KeyAccountSettings(as(f.rep1)); got.ScorecardThreshold != "4" || got.AttractivenessWeights[kam.MeasRevenue] != "0.35" {
			t.Errorf("stored rules after a refusal: %+v", got)
		}
	})
}

func hasField(err error, field string) bool {
	var e *kam.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
