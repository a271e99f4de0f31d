package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"kam"
	"kam/sqldb"
)

func kamFilterOne() kam.UserFilter { return kam.UserFilter{Limit: 1} }

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users"}
	var role, name, supervisor string
	add := &cobra.Command{
		Use:   "add EMAIL --role ROLE --name NAME [--supervisor EMAIL]",
		Short: "Add a user; the password is read from standard input",
		Long: `Adds a user. The password is the first line of standard input (at least 10 characters, not
the e-mail address). Roles: admin, director, supervisor, kam, rep, finance, service. A rep or kam
usually has a supervisor.`,
		Example: "  printf '%s\\n' 'a long passphrase' | kam user add li.na@example.com --role rep --name 李娜 --supervisor wang@example.com",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := system(cmd.Context())
			db, err := a.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			users := sqldb.NewUserService(db)
			u := &kam.User{Email: args[0], Name: name, Role: kam.Role(role)}
			if supervisor != "" {
				sup, err := users.FindUserByEmail(ctx, supervisor)
				if err != nil {
					return fmt.Errorf("supervisor %s: %w", supervisor, err)
				}
				u.SupervisorID = &sup.ID
			}
			if err := u.Validate(); err != nil {
				return err
			}
			fmt.Fprint(a.stderr, "Password: ")
			line, err := bufio.NewReader(a.stdin).ReadString('\n')
			fmt.Fprintln(a.stderr)
			if err != nil && line == "" {
				return fmt.Errorf("no password on standard input")
			}
			password := strings.TrimRight(line, "\r\n")
			if err := users.CreateUser(ctx, u, password); err != nil {
				return err
			}
			d := map[string]any{"email": u.Email, "role": string(u.Role)}
			if u.SupervisorID != nil {
				d["supervisor_id"] = *u.SupervisorID
			}
			if err := recordCLI(ctx, db, "user add", &kam.AuditEntry{Action: kam.AuditUserCreate, ObjectType: "user", ObjectID: u.ID, Detail: d}); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "user %d %s (%s) added\n", u.ID, u.Email, u.Role)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "role: "+strings.Join(kam.RoleNames(), ", "))
	add.Flags().StringVar(&name, "name", "", "the person's name")
	add.Flags().StringVar(&supervisor, "supervisor", "", "e-mail of the user's supervisor")
	add.MarkFlagRequired("role")
	add.MarkFlagRequired("name")
	cmd.AddCommand(add, a.handoverCmd())
	return cmd
}

func (a *app) handoverCmd() *cobra.Command {
	var to []string
	var deactivate bool
	var as string
	cmd := &cobra.Command{
		Use:   "handover EMAIL --to EMAIL[,EMAIL…] [--deactivate] [--as EMAIL]",
		Short: "Hand over a leaving user's customers to one or several colleagues",
		Long: `Moves every customer file the user owns or serves on (account team) to the users of --to, in
one transaction: the files are spread round-robin over them in the order given (files by code),
each change is recorded in the file's history. Booked orders keep the rep who sold them.
--deactivate also deactivates the leaving user. With --as the handover is done as that user
(a supervisor hands over within their team), else as the administrator.`,
		Example: "  kam user handover li.na@example.com --to wang@example.com,zhou@example.com --deactivate",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, db, err := a.openAs(cmd.Context(), as)
			if err != nil {
				return err
			}
			defer db.Close()
			users := sqldb.NewUserService(db)
			from, err := users.FindUserByEmail(ctx, args[0])
			if err != nil {
				return fmt.Errorf("user %s: %w", args[0], err)
			}
			h := kam.Handover{FromID: from.ID, Deactivate: deactivate}
			for _, e := range to {
				u, err := users.FindUserByEmail(ctx, e)
				if err != nil {
					return &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("--to %s: no such user", e)}
				}
				h.To = append(h.To, u.ID)
			}
			res, err := sqldb.NewHandoverService(db, sqldb.NewCustomerService(db), users).HandOver(ctx, h)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s handed over: %d customers, %d account-team memberships\n", from.Email, res.Customers, res.Teams)
			for i, sh := range res.Shares {
				fmt.Fprintf(a.stdout, "  %s: %d customers, %d memberships\n", to[i], sh.Customers, sh.Teams)
			}
			if res.Deactivated {
				fmt.Fprintf(a.stdout, "%s deactivated\n", from.Email)
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&to, "to", nil, "e-mails of the users who take over, comma-separated")
	cmd.Flags().BoolVar(&deactivate, "deactivate", false, "also deactivate the leaving user")
	cmd.Flags().StringVar(&as, "as", "", "act as this user (default: the administrator)")
	cmd.MarkFlagRequired("to")
	return cmd
}

// openCurrent connects to the database and checks that its schema is up to date.
func (a *app) openCurrent(ctx context.Context, opts ...sqldb.Option) (*sqldb.DB, error) {
	db, err := a.open(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkSchema refuses a schema that is behind this program.
func checkSchema(ctx context.Context, db *sqldb.DB) error {
	cur, target, err := db.SchemaVersion(ctx)
	if err == nil && cur < target {
		err = fmt.Errorf("the database schema is at version %d, this program needs %d: run kam migrate (or serve --migrate)", cur, target)
	}
	return err
}

// openUser connects to the current database and finds the user of an e-mail.
func (a *app) openUser(ctx context.Context, email string) (*sqldb.DB, *sqldb.UserService, *kam.User, error) {
	db, err := a.openCurrent(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	users := sqldb.NewUserService(db)
	u, err := users.FindUserByEmail(ctx, email)
	if err != nil {
		db.Close()
		return nil, nil, nil, fmt.Errorf("user %s: %w", email, err)
	}
	return db, users, u, nil
}

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var user, name, scope string
	var expires time.Duration
	create := &cobra.Command{
		Use:   "create --user EMAIL [--expires 2160h] [--name LABEL] [--scope read|read-write]",
		Short: "Create an API bearer token and print it",
		Long: `Creates an API token acting as the user and prints it once; only its hash is stored.
Send it as "Authorization: Bearer <token>". A read token may only GET and HEAD; a read-write token
(the default) may do everything the user may. Tokens expire after --expires (default 90 days, at
most 365 days) and end at once when revoked, when the user's password changes or when the user is
deactivated.`,
		Example: "  kam token create --user admin@kam.example --expires 720h --name nightly-report --scope read",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := system(cmd.Context())
			db, users, u, err := a.openUser(ctx, user)
			if err != nil {
				return err
			}
			defer db.Close()
			_, token, err := users.CreateToken(ctx, kam.NewToken{UserID: u.ID, Name: name, Scope: kam.TokenScope(scope), TTL: expires})
			if err != nil {
				return err
			}
			if err := recordCLI(ctx, db, "token create", &kam.AuditEntry{Action: kam.AuditTokenCreate, ObjectType: "user", ObjectID: u.ID,
				Detail: map[string]any{"name": name, "expires_in": expires.String()}}); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, token)
			return nil
		},
	}
	create.Flags().StringVar(&user, "user", "", "e-mail of the user the token acts as")
	create.Flags().DurationVar(&expires, "expires", kam.DefaultTokenTTL, "lifetime of the token (at most 8760h)")
	create.Flags().StringVar(&name, "name", "", "a label for the token (what uses it)")
	create.Flags().StringVar(&scope, "scope", string(kam.TokenReadWrite), "read (GET and HEAD only) or read-write")
	create.MarkFlagRequired("user")

	var listUser string
	list := &cobra.Command{
		Use:     "list --user EMAIL",
		Short:   "List a user's API tokens",
		Long:    "Lists the user's tokens, newest first: id, name, scope, created, expires, last used and whether revoked (never the secret).",
		Example: "  kam token list --user admin@kam.example",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := system(cmd.Context())
			db, users, u, err := a.openUser(ctx, listUser)
			if err != nil {
				return err
			}
			defer db.Close()
			tokens, err := users.FindTokens(ctx, u.ID)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tSCOPE\tCREATED\tEXPIRES\tLAST USED\tSTATE")
			now := db.Now()
			for _, t := range tokens {
				used, state := "-", "live"
				if t.LastUsedAt != nil {
					used = t.LastUsedAt.Format(time.RFC3339)
				}
				switch {
				case t.RevokedAt != nil:
					state = "revoked " + t.RevokedAt.Format(time.RFC3339)
				case !t.Live(now):
					state = "expired"
				}
				name := t.Name
				if name == "" {
					name = "-"
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, name, t.Scope, t.CreatedAt.Format(time.RFC3339),
					t.ExpiresAt.Format(time.RFC3339), used, state)
			}
			return w.Flush()
		},
	}
	list.Flags().StringVar(&listUser, "user", "", "e-mail of the tokens' owner")
	list.MarkFlagRequired("user")

	revoke := &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API token",
		Long:    "Ends the token at once (a running server that verified it within the last 5 seconds stops accepting it within 5 seconds).",
		Example: "  kam token revoke 12",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("token id %q is not a number", args[0])}
			}
			ctx := system(cmd.Context())
			db, err := a.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			t, err := sqldb.NewUserService(db).RevokeToken(ctx, id)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "token %d revoked\n", t.ID)
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
