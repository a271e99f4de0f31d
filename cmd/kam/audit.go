package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"kam"
	"kam/locale"
	"kam/sqldb"
)

// recordCLI appends an audit entry for something a command did: the actor is the --as user or
// the system, there is no request address, and the entry names the command and the operating
// system's user who ran it.
func recordCLI(ctx context.Context, db *sqldb.DB, command string, e *kam.AuditEntry) error {
	l := sqldb.NewAuditLog(db)
	defer l.Close()
	if a := kam.ActorFrom(ctx); a != nil && e.ActorID == 0 && e.ActorEmail == "" {
		e.ActorID, e.ActorEmail = a.UserID, a.Email
	}
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	e.Detail["via"] = "kam " + command
	if u, err := user.Current(); err == nil {
		e.Detail["os_user"] = u.Username
	}
	if err := l.Record(ctx, e); err != nil {
		return fmt.Errorf("recording in the audit log: %w", err)
	}
	return nil
}

// openAudit opens the current database's audit log; done closes both.
func (a *app) openAudit(ctx context.Context) (*sqldb.AuditLog, func(), error) {
	db, err := a.openCurrent(ctx)
	if err != nil {
		return nil, nil, err
	}
	l := sqldb.NewAuditLog(db)
	return l, func() { l.Close(); db.Close() }, nil
}

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify and list the audit log"}
	var asJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain; exit status 1 when an entry was edited, removed or moved",
		Long: `Walks the audit log in id order, recomputes each entry's hash over its content and the previous
entry's hash, and names every entry that was edited, removed (a hole in the ids), moved (its content
belongs at another id) or removed from the end (the chain head names a later entry).

It cannot detect a rewrite of the tail (or of the whole log) that also recomputes every hash and the
chain head: keep the head's id and hash it prints somewhere else and compare later.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			l, done, err := a.openAudit(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := l.Verify(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				if rep.Problems == nil {
					rep.Problems = []sqldb.AuditProblem{}
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				enc.Encode(rep)
			} else {
				for _, p := range rep.Problems {
					fmt.Fprintln(a.stdout, p)
				}
				fmt.Fprintf(a.stdout, "%d entries; chain head: entry %d, hash %s\n", rep.Entries, rep.HeadID, rep.HeadHash)
			}
			if len(rep.Problems) > 0 {
				return fmt.Errorf("the audit log is broken: %d problem(s)", len(rep.Problems))
			}
			if !asJSON {
				fmt.Fprintln(a.stdout, "the audit log is intact")
			}
			return nil
		},
	}
	verify.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")

	var customer int64
	var who, action, from, to string
	var limit, offset int
	var listJSON bool
	list := &cobra.Command{
		Use:   "list [--customer ID] [--user ID|EMAIL] [--action A] [--from D] [--to D]",
		Short: "List audit entries, newest first, with the API's filters",
		Long:  "Actions: " + strings.Join(actionNames(), ", ") + ". Dates as 2026-03-01 (from the start, to the end of that day, Asia/Shanghai) or RFC 3339 times.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := kam.AuditFilter{CustomerID: customer, User: who, Action: kam.AuditAction(action), Limit: limit, Offset: offset}
			if action != "" && !f.Action.Valid() {
				return &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("--action %q: not an audited action (%s)", action, strings.Join(actionNames(), ", "))}
			}
			var err error
			if f.From, err = kam.ParseAuditTime(from, false, locale.Shanghai); err != nil {
				return &kam.Error{Code: kam.EInvalid, Message: "--from " + err.Error()}
			}
			if f.To, err = kam.ParseAuditTime(to, true, locale.Shanghai); err != nil {
				return &kam.Error{Code: kam.EInvalid, Message: "--to " + err.Error()}
			}
			ctx := cmd.Context()
			l, done, err := a.openAudit(ctx)
			if err != nil {
				return err
			}
			defer done()
			items, total, err := l.FindAudit(ctx, f)
			if err != nil {
				return err
			}
			if listJSON {
				if items == nil {
					items = []*kam.AuditEntry{}
				}
				return json.NewEncoder(a.stdout).Encode(map[string]any{"items": items, "total": total})
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "id\ttime\tactor\taction\tobject\tcustomer\taddress\tdetail")
			for _, e := range items {
				cust := ""
				if e.CustomerID != nil {
					cust = strconv.FormatInt(*e.CustomerID, 10)
				}
				detail := ""
				if len(e.Detail) > 0 {
					b, _ := json.Marshal(e.Detail)
					detail = string(b)
				}
				fmt.Fprintf(tw, "%d\t%s\t%d %s\t%s\t%s %d\t%s\t%s\t%s\n", e.ID, e.At.In(locale.Shanghai).Format(time.DateTime), e.ActorID, e.ActorEmail,
					e.Action, e.ObjectType, e.ObjectID, cust, e.RemoteAddr, detail)
			}
			tw.Flush()
			fmt.Fprintf(a.stderr, "%d of %d entries\n", len(items), total)
			return nil
		},
	}
	fl := list.Flags()
	fl.Int64Var(&customer, "customer", 0, "only entries about this customer (id)")
	fl.StringVar(&who, "user", "", "only entries by this user (id or e-mail)")
	fl.StringVar(&action, "action", "", "only this action")
	fl.StringVar(&from, "from", "", "from this date or time")
	fl.StringVar(&to, "to", "", "up to this date or time")
	fl.IntVar(&limit, "limit", 50, "entries to show (at most 1000)")
	fl.IntVar(&offset, "offset", 0, "entries to skip")
	fl.BoolVar(&listJSON, "json", false, "print the entries as JSON")
	cmd.AddCommand(verify, list)
	return cmd
}

func actionNames() []string {
	var out []string
	for _, a := range kam.AuditActions() {
		out = append(out, string(a))
	}
	return out
}
