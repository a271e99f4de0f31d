package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/spf13/cobra"

	"kam"
	"kam/analytics"
	"kam/demo"
	kamhttp "kam/http"
	"kam/jobs"
	"kam/locale"
	"kam/sqldb"
)

func (a *app) serveCmd() *cobra.Command {
	var addr, pprofAddr string
	var withDemo, migrate, secure bool
	var customers int
	var sessionIdle, sessionMax time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI and the JSON API",
		Long: `Serves the web UI and the JSON API (/api/v1, OpenAPI document at /api/v1/openapi.json).

With --demo on an empty database it migrates, loads the demo data set and prints the URL and the
administrator's login. Without it, serve refuses a schema that is behind; run kam migrate first
or pass --migrate.`,
		Example: "  kam serve --demo\n  KAM_DB=postgres://kam@localhost/kam kam serve --addr :8080 --migrate",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			start := time.Now()
			if sessionIdle <= 0 || sessionMax <= 0 || sessionIdle > sessionMax {
				return &kam.Error{Code: kam.EInvalid, Message: "--session-idle and --session-max must be positive, the idle limit at most the absolute one"}
			}
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if withDemo || migrate {
				if err := db.Migrate(ctx); err != nil {
					return err
				}
			}
			if err := checkSchema(ctx, db); err != nil {
				return err
			}
			login := ""
			if withDemo {
				if login, err = a.loadDemoIfEmpty(ctx, db, customers); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			if pprofAddr != "" {
				// Profiles on a separate listener, never on the public address.
				mux := http.NewServeMux()
				mux.HandleFunc("/debug/pprof/", pprof.Index)
				mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
				go func() {
					if err := http.ListenAndServe(pprofAddr, mux); err != nil {
						a.logger.Error("pprof listener", "err", err)
					}
				}()
			}
			customers := sqldb.NewCustomerService(db)
			// The customer directory (lists, search, totals) builds in the background; until it
			// is ready, lists are answered in SQL.
			go func() {
				t := time.Now()
				if err := customers.Warm(ctx); err != nil {
					a.logger.Error("building the customer directory", "err", err)
					return
				}
				a.logger.Info("customer directory ready", "took", time.Since(t).Round(time.Millisecond))
			}()
			ledger := sqldb.NewLedgerService(db, customers)
			// Every night at 02:00 (Shanghai) the portfolio is classified again over the last 12
			// complete months, so that class histories have a point per day the server ran.
			go (&jobs.Scheduler{Logger: a.logger}).RunDaily(ctx, jobs.Daily{Name: "classify", Hour: 2, Location: locale.Shanghai,
				Run: func(ctx context.Context, now time.Time) error {
					_, err := analytics.Reclassify(kam.WithActor(ctx, kam.System), ledger, now, locale.Shanghai, "nightly")
					return err
				}})
			audit := sqldb.NewAuditLog(db)
			defer audit.Close()
			users := sqldb.NewUserService(db)
			users.SessionIdle, users.SessionMax = sessionIdle, sessionMax
			srv := &kamhttp.Server{
				Audit:         audit,
				Customers:     customers,
				Ledger:        ledger,
				Exporter:      ledger,
				Imports:       ledger,
				Users:         users,
				Borrow:        sqldb.NewBorrowService(db, customers),
				Handover:      sqldb.NewHandoverService(db, customers, users),
				Ping:          db.Ping,
				Version:       programVersion(),
				Logger:        a.logger,
				SecureCookies: secure,
			}
			if os.Getenv("KAM_BENCH_UNAUDITED_VIEWS") == "1" {
				// bench/audit.sh measures what recording views costs; nothing else may set this.
				srv.UnauditedViewsForBenchmark = true
				a.logger.Warn("KAM_BENCH_UNAUDITED_VIEWS=1: views of customer files are NOT recorded in the audit log (benchmark only)")
			}
			srv.Handler()
			url := "http://" + ln.Addr().String()
			fmt.Fprintf(a.stdout, "KAM %s serving on %s (database %s, ready in %s)\n", programVersion(), url, db.Dialect(), time.Since(start).Round(time.Millisecond))
			if login != "" {
				fmt.Fprintln(a.stdout, login)
			}
			return srv.ListenAndServe(ctx, ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", envOr("KAM_ADDR", "127.0.0.1:8080"), "address to listen on (env KAM_ADDR)")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "on an empty database: migrate and load the demo data set")
	cmd.Flags().IntVar(&customers, "customers", 500, "with --demo: number of demo customers")
	cmd.Flags().BoolVar(&migrate, "migrate", false, "migrate the schema before serving")
	cmd.Flags().BoolVar(&secure, "secure-cookies", false, "mark cookies Secure (when served behind TLS)")
	cmd.Flags().DurationVar(&sessionIdle, "session-idle", sqldb.DefaultSessionIdle, "a UI session ends after this long without a request")
	cmd.Flags().DurationVar(&sessionMax, "session-max", sqldb.DefaultSessionMax, "a UI session ends this long after login, however active")
	cmd.Flags().StringVar(&pprofAddr, "pprof", "", "serve Go profiles (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060")
	return cmd
}

// loadDemoIfEmpty loads the demo data set into an empty database and returns the login line to
// print; on a database that already has users it loads nothing and says how to log in.
func (a *app) loadDemoIfEmpty(ctx context.Context, db *sqldb.DB, customers int) (string, error) {
	users, _, err := sqldb.NewUserService(db).FindUsers(system(ctx), kamFilterOne())
	if err != nil {
		return "", err
	}
	if len(users) > 0 {
		return "The database already holds data; demo data was not loaded. Log in with your own account (demo users: password " + demo.Password + ").", nil
	}
	start := time.Now()
	p, edits, err := loadDemo(ctx, db, customers, 1)
	if err != nil {
		return "", err
	}
	a.logger.Info("demo data loaded", "customers", len(p.Customers), "units", len(p.Units), "contacts", len(p.Contacts),
		"users", len(p.Users), "past_edits", edits, "took", time.Since(start).Round(time.Millisecond))
	admin := p.Users[0].User
	return fmt.Sprintf("Demo data loaded: %d customers. Log in as %s with password %s (every demo user has this password).",
		len(p.Customers), admin.Email, demo.Password), nil
}
