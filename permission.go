package kam

// Permission predicates live here, in one place, so that every interface applies the same rules.
//
// Visibility of customer files (SPEC §N5): admin and director see every file; a supervisor sees
// the files owned by themselves or their team, or whose account team includes one of them; every
// other role (kam, rep, finance, service) sees the files they own or whose account team they are
// on. Outside that scope a file does not exist for the user. Borrowing grants will widen the scope
// per file and time window; the storage layer's scope predicate is the single place to add them.

// ScopeKind says how far a user's view of customer files reaches.
type ScopeKind int

// The scopes.
const (
	ScopeOwn  ScopeKind = iota // owned or on the account team
	ScopeTeam                  // the supervisor's team's files
	ScopeAll                   // every file
)

// CustomerScope returns how far a's view of customer files reaches.
func CustomerScope(a *Actor) ScopeKind {
	if a == nil {
		return ScopeOwn
	}
	switch a.Role {
	case RoleAdmin, RoleDirector:
		return ScopeAll
	case RoleSupervisor:
		return ScopeTeam
	}
	return ScopeOwn
}

// CanCreateCustomer: people who sell may open files; finance and service only read them.
func CanCreateCustomer(a *Actor) bool {
	if a == nil {
		return false
	}
	switch a.Role {
	case RoleAdmin, RoleDirector, RoleSupervisor, RoleKAM, RoleRep:
		return true
	}
	return false
}

// CanEditCustomer: within their scope, the selling roles edit files (and their units and
// contacts); finance and service read them.
func CanEditCustomer(a *Actor) bool { return CanCreateCustomer(a) }

// CanDeleteCustomer: deleting a file is for managers; a rep marks a customer lost instead.
func CanDeleteCustomer(a *Actor) bool {
	if a == nil {
		return false
	}
	switch a.Role {
	case RoleAdmin, RoleDirector, RoleSupervisor:
		return true
	}
	return false
}

// CanAssignOwner: who may give a file to another owner. Reps and KAMs may only own files
// themselves; supervisors assign within their team (checked by storage), directors and admins
// anywhere.
func CanAssignOwner(a *Actor) bool { return CanDeleteCustomer(a) }

// CanAdministerUsers: user management is for admins.
func CanAdministerUsers(a *Actor) bool { return a != nil && a.Role == RoleAdmin }
