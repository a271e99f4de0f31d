package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"kam/demo"
)

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
			p := demo.Generate(demo.Options{Customers: customers, Seed: seed})
			gen := time.Since(start)
			if err := db.LoadDemo(ctx, p); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "loaded %d customers, %d units, %d contacts, %d users in %s (generated in %s)\n",
				len(p.Customers), len(p.Units), len(p.Contacts), len(p.Users), time.Since(start).Round(time.Millisecond), gen.Round(time.Millisecond))
			fmt.Fprintf(a.stdout, "log in as %s with password %s\n", p.Users[0].User.Email, demo.Password)
			return nil
		},
	}
	cmd.Flags().IntVar(&customers, "customers", demo.DefaultCustomers, "number of customers")
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed; the same seed gives the same data")
	return cmd
}
