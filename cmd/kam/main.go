// Command kam is KAM, the key account management system: one binary for the web UI and API
// (serve), the schema (migrate), demo data (demo), users and API tokens.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	_ "time/tzdata" // the business time zone (Asia/Shanghai) must resolve on machines without tzdata

	"github.com/spf13/cobra"

	"kam"
	"kam/sqldb"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module's.
var version = ""

func programVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// app is the state shared by the subcommands: configuration and the streams they write to.
type app struct {
	db     string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	// KAM_CPUPROFILE names a file for a Go CPU profile of the whole command: how the import and
	// classification benchmarks find where their time goes.
	if path := os.Getenv("KAM_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
		}
	}
	// KAM_MEMPROFILE names a file for a Go heap profile taken at the command's largest heap: what
	// holds the memory of a large import.
	stopMem := func() {}
	if path := os.Getenv("KAM_MEMPROFILE"); path != "" {
		stopMem = startMemProfile(path)
	}
	err := a.root().ExecuteContext(ctx)
	pprof.StopCPUProfile() // before os.Exit, which runs no deferred call
	stopMem()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kam:", err)
		var e *kam.Error
		if errors.As(err, &e) && e.Code == kam.EInvalid {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "kam",
		Short: "KAM — key account management (大客户管理系统)",
		Long: `KAM keeps the customer file (客户资料卡) of every key account: the company, its units and
contacts, with the full history of every change, visible only to the people the rules allow.

Configuration (flags override the environment):
  KAM_DB     database: sqlite:PATH (default sqlite:kam.db) or postgres://user@host/db
  KAM_ADDR   address to serve on (default 127.0.0.1:8080)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			a.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		},
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.PersistentFlags().StringVar(&a.db, "db", envOr("KAM_DB", "sqlite:kam.db"), "database: sqlite:PATH or postgres://… (env KAM_DB)")
	root.AddCommand(a.serveCmd(), a.migrateCmd(), a.demoCmd(), a.userCmd(), a.tokenCmd(), a.importCmd(), a.exportCmd(), a.checkCmd(), a.auditCmd(), a.classifyCmd(), a.versionCmd())
	return root
}

// open connects to the configured database.
func (a *app) open(ctx context.Context, opts ...sqldb.Option) (*sqldb.DB, error) {
	return sqldb.Open(ctx, a.db, opts...)
}

// system is the context for work the command line does as the administrator of the machine.
func system(ctx context.Context) context.Context { return kam.WithActor(ctx, kam.System) }

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(a.stdout, "kam", programVersion())
			return nil
		},
	}
}

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date",
		Long:  "Creates or upgrades the schema of the database named by --db / KAM_DB. Each migration runs in a transaction.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			before, _, err := db.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			if err := db.Migrate(ctx); err != nil {
				return err
			}
			after, _, err := db.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			if before == after {
				fmt.Fprintf(a.stdout, "schema is up to date (version %d)\n", after)
			} else {
				fmt.Fprintf(a.stdout, "schema migrated from version %d to %d\n", before, after)
			}
			return nil
		},
	}
}
