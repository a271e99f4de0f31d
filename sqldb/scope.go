package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"kam"
)

// scopeSQL is the single storage-side statement of which customer files an actor sees (the rules
// are kam.Permissions, read through kam.CustomerScope, and borrow.go): a WHERE fragment over the
// customers table aliased c. A file is in view when it is in the actor's own scope, or when the
// actor holds a live borrowing grant for it (approved, not returned, expiring after now on the
// store's clock).
func (db *DB) scopeSQL(a *kam.Actor) (string, []any) {
	return db.withGrants(a, kam.CustomerScope(a), kam.RightView)
}

// withGrants is the files within scope s of a, and those a holds a live grant for whose scope
// includes use: every grant allows viewing, only some export or editing. The portfolio use
// counts no grants.
func (db *DB) withGrants(a *kam.Actor, s kam.Scope, use kam.BorrowRight) (string, []any) {
	own, args := scopeWhere(a, s)
	if s == kam.ScopeAll || use == portfolio {
		return own, args
	}
	g, gargs := db.grantSQL(a, use)
	return "(" + own + " OR " + g + ")", append(args, gargs...)
}

// portfolio is the use of a user's own portfolio (analytics: classes, tiers, profitability):
// borrowed files are seen, but they are not the borrower's accounts and do not count in them.
const portfolio kam.BorrowRight = ""

// ownScopeSQL is the actor's own view of files, without grants.
func ownScopeSQL(a *kam.Actor) (string, []any) { return scopeWhere(a, kam.CustomerScope(a)) }

// everyCustomer is the scope of an actor who sees every file.
const everyCustomer = "1=1"

// scopeWhere is the WHERE fragment over customers c of the files within scope s of a.
func scopeWhere(a *kam.Actor, s kam.Scope) (string, []any) {
	switch s {
	case kam.ScopeAll:
		return everyCustomer, nil
	case kam.ScopeTeam:
		return `(c.owner_id IN (SELECT id FROM users WHERE id = ? OR supervisor_id = ?)
			OR EXISTS (SELECT 1 FROM account_team t JOIN users tu ON tu.id = t.user_id
				WHERE t.customer_id = c.id AND (tu.id = ? OR tu.supervisor_id = ?)))`,
			[]any{a.UserID, a.UserID, a.UserID, a.UserID}
	case kam.ScopeOwn:
		return "c.owner_id = ?", []any{a.UserID}
	}
	return "(c.owner_id = ? OR EXISTS (SELECT 1 FROM account_team t WHERE t.customer_id = c.id AND t.user_id = ?))",
		[]any{a.UserID, a.UserID}
}

// grantSQL matches the customers c for which a holds a live grant allowing use.
func (db *DB) grantSQL(a *kam.Actor, use kam.BorrowRight) (string, []any) {
	q := `EXISTS (SELECT 1 FROM borrow_requests g WHERE g.borrower_id = ? AND g.customer_id = c.id
		AND g.state = 'approved' AND g.expires_at > ?`
	switch use {
	case kam.RightExport:
		q += " AND g.can_export = 1"
	case kam.RightEdit:
		q += " AND g.can_edit = 1"
	}
	return q + ")", []any{a.UserID, db.timeArg(db.Now())}
}

// requireUse checks, for a file the actor sees, that they may also use it so (act: edit, export
// or delete, within the scope their role has for it): a file seen only through a grant that does
// not allow the use is forbidden (403, not 404: the borrower knows the file). Deleting is never
// borrowed: pass portfolio.
func (s *CustomerService) requireUse(ctx context.Context, c conn, a *kam.Actor, customerID int64, act kam.Action, use kam.BorrowRight) error {
	scope, ok := kam.Allowed(a, act, kam.ResCustomer)
	if !ok {
		return kam.Errorf(kam.EForbidden, "your role may not %s customer files", act)
	}
	if scope == kam.ScopeAll {
		return nil
	}
	where, args := s.db.withGrants(a, scope, use)
	var one int
	err := c.queryRow(ctx, "SELECT 1 FROM customers c WHERE c.id = ? AND "+where, append([]any{customerID}, args...)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		switch use {
		case kam.RightEdit:
			return kam.Errorf(kam.EForbidden, "you may not edit this customer file: it is not in your scope for editing, or it is borrowed without the right to edit")
		case kam.RightExport:
			return kam.Errorf(kam.EForbidden, "you may not export this customer file: it is borrowed without the right to export")
		}
		return kam.Errorf(kam.EForbidden, "you may not %s this customer file", act)
	}
	return err
}
