package demo_test

import (
	"context"
	"testing"
	"time"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestHistory replays the demo past on a real store and checks that the edits land in the
// customers' history at the replayed moments, and that a card as of a moment before an edit shows
// the value before it.
func TestHistory(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := demo.Generate(demo.Options{Customers: 200, Seed: 4, NoLedger: true})
		from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(1, 0, 0)
		db.Now = func() time.Time { return from.Add(-time.Hour) }
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		svc := sqldb.NewCustomerService(db)
		n, err := demo.History(ctx, svc, p, 4, from, to, func(t time.Time) { db.Now = func() time.Time { return t } })
		if err != nil {
			t.Fatal(err)
		}
		if n < 10 {
			t.Fatalf("only %d edits", n)
		}
		admin := kam.WithActor(ctx, kam.ActorOf(&p.Users[0].User))
		updates := 0
		for _, c := range p.Customers {
			hist, _, err := svc.History(admin, c.ID, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hist {
				if h.Action != "update" || h.Entity != "customer" {
					continue
				}
				updates++
				if h.At.Before(from) || h.At.After(to) || h.UserID != c.OwnerID {
					t.Errorf("customer %d: change at %v by %d", c.ID, h.At, h.UserID)
				}
				before, err := svc.Card(admin, c.ID, ptr(h.At.Add(-time.Millisecond)))
				if err != nil {
					t.Fatal(err)
				}
				if before.Customer.Version != h.Version-1 {
					t.Errorf("customer %d as of just before version %d shows version %d", c.ID, h.Version, before.Customer.Version)
				}
			}
		}
		if updates == 0 {
			t.Error("no customer updates replayed")
		}
	})
}

func ptr[T any](v T) *T { return &v }
