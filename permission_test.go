package kam

import "testing"

// The model's own consistency: the stores find a record within the user's view before they act
// on it, so no action may reach further than the view of the same resource; and every role sees
// the files of its account team.
func TestPermissionsStayWithinTheView(t *testing.T) {
	for _, role := range Roles {
		g, ok := Permissions[role]
		if !ok {
			t.Errorf("role %s has no row in the permission model", role)
			continue
		}
		if s, ok := g[ResCustomer][ActView]; !ok || s < ScopeAccount {
			t.Errorf("%s: sees customer files in scope %v, want at least the account team", role, s)
		}
		for res, acts := range g {
			view, seen := acts[ActView]
			for act, s := range acts {
				switch {
				case s < ScopeOwn || s > ScopeAll:
					t.Errorf("%s may %s %s in an unknown scope %d", role, act, res, s)
				case act == ActAdminister || act == ActCreate:
					// Not on an existing record of the resource.
				case !seen:
					t.Errorf("%s may %s %s without seeing it", role, act, res)
				case s > view:
					t.Errorf("%s may %s %s in scope %v, beyond its view (%v)", role, act, res, s, view)
				}
			}
		}
	}
	if _, ok := Allowed(nil, ActView, ResCustomer); ok {
		t.Error("no actor, yet allowed")
	}
	if Can(&Actor{Role: "visitor"}, ActView, ResCustomer) {
		t.Error("an unknown role is allowed")
	}
}

// Imports and exports follow the kind's resource: the README's rules of who imports what.
func TestImportAndExportKinds(t *testing.T) {
	for _, c := range []struct {
		role Role
		kind string
		imp  bool
		exp  bool
	}{
		{RoleKAM, "customers", true, true}, {RoleKAM, "contacts", true, true}, {RoleKAM, "orders", false, true},
		{RoleRep, "customers", false, true}, {RoleSupervisor, "contacts", true, true}, {RoleSupervisor, "payments", false, true},
		{RoleFinance, "customers", false, true}, {RoleFinance, "invoices", true, true}, {RoleFinance, "wallet", true, true},
		{RoleService, "customers", false, true}, {RoleService, "products", false, false}, {RoleService, "costs", false, false},
		{RoleDirector, "costs", true, true}, {RoleAdmin, "customers", true, true},
	} {
		a := &Actor{UserID: 1, Role: c.role}
		if got := CanImport(a, c.kind); got != c.imp {
			t.Errorf("%s imports %s: %v, want %v", c.role, c.kind, got, c.imp)
		}
		if got := CanExport(a, c.kind); got != c.exp {
			t.Errorf("%s exports %s: %v, want %v", c.role, c.kind, got, c.exp)
		}
	}
}
