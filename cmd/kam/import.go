package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"kam"
	"kam/analytics"
	"kam/importer"
	"kam/locale"
	"kam/sqldb"
)

// actAs returns the context the command line works in: as the user named by email, or as the
// administrator of the machine when email is empty.
func actAs(ctx context.Context, db *sqldb.DB, email string) (context.Context, error) {
	if email == "" {
		return system(ctx), nil
	}
	u, err := sqldb.NewUserService(db).FindUserByEmail(system(ctx), email)
	if err != nil {
		return nil, fmt.Errorf("--as %s: %w", email, err)
	}
	return kam.WithActor(ctx, kam.ActorOf(u)), nil
}

// openAs connects to the current database and returns the context of the user named by email
// (the administrator when empty).
func (a *app) openAs(ctx context.Context, email string, opts ...sqldb.Option) (context.Context, *sqldb.DB, error) {
	db, err := a.openCurrent(ctx, opts...)
	if err != nil {
		return nil, nil, err
	}
	if ctx, err = actAs(ctx, db, email); err != nil {
		db.Close()
		return nil, nil, err
	}
	return ctx, db, nil
}

func (a *app) importCmd() *cobra.Command {
	var (
		mapping, savedMapping, saveMapping, encoding, sheet, dateFormat, reportPath, as string
		noCreate, skipInvalid, dryRun, asJSON                                           bool
	)
	cmd := &cobra.Command{
		Use:   "import KIND FILE",
		Short: "Import customers, contacts, products, orders, invoices, payments, costs, financials or wallet estimates",
		Long: `Imports a CSV (UTF-8 with or without BOM, or GB18030/GBK as Excel in China saves it) or XLSX file.

The whole file is one transaction: by default one bad row rejects the file and nothing is written;
--skip-invalid writes the good rows and reports the rest; --dry-run writes nothing. Importing the
same file again changes nothing; a changed row updates its record, and the change shows in history.

Columns are matched to fields by name (the export's headers, or common Chinese headers such as
订单号 and 数量); --map field=Column,… maps the others. Every bad row is reported with its row,
column, value and reason; --report FILE writes them all as CSV.

Kinds: ` + strings.Join(importer.KindNames(), ", ") + `. See the fields of a kind with: kam import KIND --help`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if _, ok := importer.KindNamed(args[0]); !ok {
					return fmt.Errorf("unknown kind %q (kinds: %s)", args[0], strings.Join(importer.KindNames(), ", "))
				}
				return fmt.Errorf("give the file to import: kam import %s FILE", args[0])
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, path := args[0], args[1]
			tuneGC()
			k, ok := importer.KindNamed(kind)
			if !ok {
				return fmt.Errorf("unknown kind %q (kinds: %s)", kind, strings.Join(importer.KindNames(), ", "))
			}
			explicit, err := importer.ParseMapping(mapping)
			if err != nil {
				return err
			}
			// The import writes through its own connection; what reads after it (the classification
			// of orders and costs) reads each page once: no map of the file.
			ctx, db, err := a.openAs(cmd.Context(), as, sqldb.ReadOnce())
			if err != nil {
				return err
			}
			defer db.Close()
			ledger := sqldb.NewLedgerService(db, sqldb.NewCustomerService(db))
			if savedMapping != "" {
				mk, m, err := ledger.Mapping(ctx, savedMapping)
				if err != nil {
					return err
				}
				if mk != k.Name {
					return fmt.Errorf("the saved mapping %q is for %s, not %s", savedMapping, mk, k.Name)
				}
				for f, c := range explicit {
					m[f] = c
				}
				explicit = m
			}
			opt := importer.RunOptions{Kind: k.Name, Read: importer.Options{Encoding: encoding, Sheet: sheet}, Mapping: explicit,
				DateLayout: dateFormat, NoCreate: noCreate, SkipInvalid: skipInvalid, DryRun: dryRun}
			if reportPath != "" {
				f, err := os.Create(reportPath)
				if err != nil {
					return err
				}
				defer f.Close()
				opt.Report = f
			}
			if f, ok := a.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) && !asJSON {
				bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription("importing "+k.Name),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
				last := 0
				opt.Progress = func(rows int) {
					bar.Add(rows - last)
					last = rows
				}
				defer bar.Finish()
			}
			s, err := importer.Run(ctx, ledger, path, opt)
			if err != nil {
				return err
			}
			if !dryRun {
				if err := recordCLI(ctx, db, "import", s.AuditEntry()); err != nil {
					return err
				}
			}
			if s.Written && s.Created+s.Updated > 0 && (k.Name == "orders" || k.Name == "costs") {
				// New sales or costs move customers between classes: classify again.
				if _, err := analytics.Reclassify(system(ctx), ledger, time.Now(), locale.Shanghai, "import"); err != nil {
					return fmt.Errorf("the import is stored; classifying the portfolio again failed: %w", err)
				}
			}
			if saveMapping != "" && len(explicit) > 0 {
				if err := ledger.SaveMapping(ctx, saveMapping, k.Name, explicit); err != nil {
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(s); err != nil {
					return err
				}
			} else {
				printSummary(a.stdout, s, reportPath)
			}
			if s.Rejected > 0 && !skipInvalid {
				return &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("%d row(s) rejected: nothing was written", s.Rejected)}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&mapping, "map", "", "field=Column pairs separated by commas, for columns not named after their field")
	fl.StringVar(&savedMapping, "mapping", "", "use a saved mapping by name (--map entries override it)")
	fl.StringVar(&saveMapping, "save-mapping", "", "save the --map/--mapping in effect under this name for later imports")
	fl.StringVar(&encoding, "encoding", "", "CSV encoding: utf-8 or gb18030/gbk (default: detected)")
	fl.StringVar(&sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fl.StringVar(&dateFormat, "date-format", "", "Go layout for ambiguous dates, e.g. 1/2/2006 for M/D/YYYY")
	fl.BoolVar(&noCreate, "no-create", false, "reject rows with unknown customer or product codes instead of creating them")
	fl.BoolVar(&skipInvalid, "skip-invalid", false, "write the good rows and report the bad ones")
	fl.BoolVar(&dryRun, "dry-run", false, "check everything, write nothing")
	fl.StringVar(&reportPath, "report", "", "write every rejected row to this CSV file")
	fl.BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
	fl.StringVar(&as, "as", "", "import as this user (e-mail); default: as the administrator")
	// `kam import KIND --help` documents that kind's fields.
	defHelp := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		defHelp(c, args)
		for _, arg := range append(append([]string{}, args...), os.Args[1:]...) {
			if k, ok := importer.KindNamed(arg); ok {
				fmt.Fprintf(c.OutOrStdout(), "\nFields of %s:\n%s", k.Name, k.Describe())
				return
			}
		}
	})
	return cmd
}

// tuneGC sets a soft limit on the heap, so that an import of any size stays well under 300 MB
// of memory in all (the database's page cache comes on top). GOMEMLIMIT wins.
func tuneGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}

func printSummary(w io.Writer, s *importer.Summary, reportPath string) {
	state := "written"
	switch {
	case s.DryRun:
		state = "dry run: nothing written"
	case !s.Written:
		state = "rejected: nothing written"
	}
	fmt.Fprintf(w, "%s %s (%s", s.Kind, s.File, s.Format)
	if s.Encoding != "" {
		fmt.Fprintf(w, ", %s", s.Encoding)
	}
	fmt.Fprintf(w, "): %s\n", state)
	fmt.Fprintf(w, "  rows read  %d\n  created    %d\n  updated    %d\n  unchanged  %d\n  rejected   %d\n", s.RowsRead, s.Created, s.Updated, s.Unchanged, s.Rejected)
	if s.Rejected > 0 {
		reasons := make([]string, 0, len(s.RejectedByReason))
		for r := range s.RejectedByReason {
			reasons = append(reasons, r)
		}
		sort.Slice(reasons, func(i, j int) bool { return s.RejectedByReason[reasons[i]] > s.RejectedByReason[reasons[j]] })
		for _, r := range reasons {
			fmt.Fprintf(w, "    %6d  %s\n", s.RejectedByReason[r], r)
		}
		for _, e := range s.Errors {
			fmt.Fprintf(w, "  row %d, column %s (%s) %q: %s\n", e.Row, e.Column, e.Field, e.Value, e.Reason)
		}
		if s.Rejected > len(s.Errors) && reportPath == "" {
			fmt.Fprintf(w, "  … use --report FILE for every rejected row\n")
		}
	}
	if s.Created+s.Updated == 0 && s.Rejected == 0 {
		fmt.Fprintln(w, "  nothing changed: every row is already stored as the file says")
	}
	fmt.Fprintf(w, "  %.1f s, %.0f rows/s\n", s.Seconds, float64(s.RowsRead)/max(s.Seconds, 0.001))
}

func (a *app) checkCmd() *cobra.Command {
	var asJSON, repair bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Recompute the sales and cost rollups from the lines and report any difference",
		Long:  "Recomputes every rollup (customer × month, customer × category × month, cost-to-serve per customer × month × code) from the order lines and cost entries and compares. Exit status 1 when any figure differs.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			start := time.Now()
			diffs, err := db.CheckRollups(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				if diffs == nil {
					diffs = []sqldb.RollupDiff{}
				}
				json.NewEncoder(a.stdout).Encode(map[string]any{"differences": diffs, "seconds": time.Since(start).Seconds()})
			} else {
				for i, d := range diffs {
					if i == 1000 {
						fmt.Fprintf(a.stdout, "… and %d more\n", len(diffs)-i)
						break
					}
					fmt.Fprintln(a.stdout, d)
				}
			}
			if len(diffs) > 0 && repair {
				if err := db.RebuildRollups(ctx); err != nil {
					return err
				}
				after, err := db.CheckRollups(ctx)
				if err != nil {
					return err
				}
				if len(after) == 0 {
					fmt.Fprintf(a.stderr, "%d rollup figure(s) differed; the rollups were rebuilt from the lines and now agree\n", len(diffs))
					return nil
				}
				diffs = after
			}
			if len(diffs) > 0 {
				return fmt.Errorf("%d rollup figure(s) differ from the lines", len(diffs))
			}
			if !asJSON {
				fmt.Fprintf(a.stdout, "rollups agree with the lines (%.1f s)\n", time.Since(start).Seconds())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the differences as JSON")
	cmd.Flags().BoolVar(&repair, "repair", false, "after reporting differences, rebuild the rollups from the lines")
	return cmd
}
