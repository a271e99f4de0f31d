package sqldb_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"kam"
	"kam/analytics"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestPortfolioPeriod: the one-pass read of a classification's inputs gives exactly what
// PeriodFigures of the period, PeriodFigures of the previous period and PeriodDetails give, for
// periods of different lengths (shorter and longer than a year, partly and wholly without data)
// and for actors of different scopes.
func TestPortfolioPeriod(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := demo.Generate(demo.Options{Customers: 80, Seed: 21, Today: time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC)})
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		ledger := sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))
		actors := map[string]context.Context{"system": kam.WithActor(ctx, kam.System)}
		for _, u := range p.Users {
			if u.User.Role == kam.RoleRep {
				actors["rep "+u.User.Email] = as(&u.User)
				break
			}
		}
		if len(actors) != 2 {
			t.Fatal("the demo has no rep")
		}
		periods := [][2]string{{"2025-01", "2025-12"}, {"2025-06", "2026-04"}, {"2026-02", "2026-04"}, {"2024-07", "2025-12"}, {"2026-05", "2026-05"}, {"2030-01", "2030-12"}}
		for name, ctx := range actors {
			for _, pr := range periods {
				from, to := pr[0], pr[1]
				got, err := ledger.PortfolioPeriod(ctx, from, to)
				if err != nil {
					t.Fatal(err)
				}
				figures, err := ledger.PeriodFigures(ctx, from, to)
				if err != nil {
					t.Fatal(err)
				}
				previous, err := ledger.PeriodFigures(ctx, got.PrevFrom, got.PrevTo)
				if err != nil {
					t.Fatal(err)
				}
				details, err := ledger.PeriodDetails(ctx, from, to)
				if err != nil {
					t.Fatal(err)
				}
				if len(figures) == 0 {
					t.Fatalf("%s %s–%s: no customers", name, from, to)
				}
				if !reflect.DeepEqual(got.Figures, figures) {
					t.Errorf("%s %s–%s: figures differ from PeriodFigures", name, from, to)
				}
				if pf, pt := analytics.PreviousPeriod(from, to); got.PrevFrom != pf || got.PrevTo != pt {
					t.Errorf("%s–%s: previous period %s–%s, the models' is %s–%s", from, to, got.PrevFrom, got.PrevTo, pf, pt)
				}
				if !reflect.DeepEqual(got.Previous, previous) {
					t.Errorf("%s %s–%s: previous period %s–%s differs from PeriodFigures", name, from, to, got.PrevFrom, got.PrevTo)
				}
				if !reflect.DeepEqual(got.Details, details) {
					t.Errorf("%s %s–%s: details differ from PeriodDetails", name, from, to)
				}
				// The key-account models give the same results from the details as from their
				// own inputs.
				inputs, err := ledger.KeyAccountInputs(ctx, from, to)
				if err != nil {
					t.Fatal(err)
				}
				states, err := ledger.KeyAccountStates(ctx)
				if err != nil {
					t.Fatal(err)
				}
				settings, err := ledger.KeyAccountSettings(ctx)
				if err != nil {
					t.Fatal(err)
				}
				data := analytics.KeyAccountData{From: from, To: to, Figures: figures, Previous: previous, Inputs: inputs}
				want := analytics.KeyAccounts(data, analytics.KeyAccountRulesOf(settings))
				data.Inputs = kam.KeyAccountInputsOf(got.Details, states)
				if ks := analytics.KeyAccounts(data, analytics.KeyAccountRulesOf(settings)); !reflect.DeepEqual(ks, want) {
					t.Errorf("%s %s–%s: the key-account models differ on the details' inputs", name, from, to)
				}
			}
		}
		// The previous period is as long as the period, just before it.
		got, err := ledger.PortfolioPeriod(actors["system"], "2025-11", "2026-02")
		if err != nil || got.PrevFrom != "2025-07" || got.PrevTo != "2025-10" {
			t.Errorf("previous period of 2025-11…2026-02: %s…%s (%v)", got.PrevFrom, got.PrevTo, err)
		}
		var revenue kam.Money
		for _, f := range got.Figures {
			revenue += f.NetRevenue
		}
		if revenue == 0 {
			t.Error("the demo has no revenue in 2025-11…2026-02: the comparison above proves little")
		}
	})
}
