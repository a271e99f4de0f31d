package sqldb

import "kam"

// scopeSQL is the single storage-side statement of which customer files an actor sees (the rules
// are kam.Permissions, read through kam.CustomerScope): a WHERE fragment over the customers table
// aliased c. Borrowing grants will be one more OR EXISTS here.
func scopeSQL(a *kam.Actor) (string, []any) {
	return scopeWhere(a, kam.CustomerScope(a))
}

// scopeWhere is the WHERE fragment over customers c of the files within scope s of a.
func scopeWhere(a *kam.Actor, s kam.Scope) (string, []any) {
	switch s {
	case kam.ScopeAll:
		return "1=1", nil
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
