package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"kam/demo"
	"kam/sqldb"
)

// demoPast is how far back the demo portfolio's history reaches.
const demoPast = 540 * 24 * time.Hour

// loadDemo generates a portfolio, loads it as it was demoPast ago, then replays a year and a half
// of edits through the customer service so that timelines and "as of" views have a past.
func loadDemo(ctx context.Context, db *sqldb.DB, customers int, seed int64) (*demo.Portfolio, int, error) {
	now := time.Now()
	p := demo.Generate(demo.Options{Customers: customers, Seed: seed, Today: now})
	defer func() { db.Now = time.Now }()
	db.Now = func() time.Time { return now.Add(-demoPast) }
	if err := db.LoadDemo(ctx, p); err != nil {
		return nil, 0, err
	}
	edits, err := demo.History(ctx, sqldb.NewCustomerService(db), p, seed, now.Add(-demoPast+time.Hour), now.Add(-time.Hour),
		func(t time.Time) { db.Now = func() time.Time { return t } })
	return p, edits, err
}

func (a *app) demoCmd() *cobra.Command {
	var customers int
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo [--customers N] [--seed S]",
		Short: "Load a generated demo portfolio into an empty database",
		Long: `Migrates the database and loads a realistic, generated Chinese B2B portfolio: a sales team with
supervisors, customers (group companies with subsidiaries), their units and contacts. The same seed
gives the same data. Every demo user's password is ` + demo.Password + `.`,
		Example: "  kam demo --customers 100000 --seed 7",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if customers < 1 || customers > 10_000_000 {
				return fmt.Errorf("--customers must be between 1 and 10000000")
			}
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				return err
			}
			start := time.Now()
			p, edits, err := loadDemo(ctx, db, customers, seed)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "loaded %d customers, %d units, %d contacts, %d users and %d past edits in %s\n",
				len(p.Customers), len(p.Units), len(p.Contacts), len(p.Users), edits, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(a.stdout, "log in as %s with password %s\n", p.Users[0].User.Email, demo.Password)
			return nil
		},
	}
	cmd.Flags().IntVar(&customers, "customers", demo.DefaultCustomers, "number of customers")
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same data")
	return cmd
}
