package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
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
	cmd.AddCommand(add)
	return cmd
}

// openCurrent connects to the database and checks that its schema is up to date.
func (a *app) openCurrent(ctx context.Context) (*sqldb.DB, error) {
	db, err := a.open(ctx)
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

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var user, name string
	var expires time.Duration
	create := &cobra.Command{
		Use:   "create --user EMAIL [--expires 720h]",
		Short: "Create an API bearer token and print it",
		Long: `Creates an API token acting as the user and prints it once; only its hash is stored.
Send it as "Authorization: Bearer <token>".`,
		Example: "  kam token create --user admin@kam.example --expires 720h",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := system(cmd.Context())
			db, err := a.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			users := sqldb.NewUserService(db)
			u, err := users.FindUserByEmail(ctx, user)
			if err != nil {
				return fmt.Errorf("user %s: %w", user, err)
			}
			token, err := users.CreateToken(ctx, u.ID, name, expires)
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
	create.Flags().DurationVar(&expires, "expires", 720*time.Hour, "lifetime of the token")
	create.Flags().StringVar(&name, "name", "", "a label for the token (what uses it)")
	create.MarkFlagRequired("user")
	cmd.AddCommand(create)
	return cmd
}
