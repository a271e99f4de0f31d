package kam

// The permission model (SPEC §N5), in one place: what each role may do with each kind of
// resource, and how far (its scope). Every interface asks it: the HTTP routes through their
// declared permission (http/routes.go), the stores through the scope of the actor's view
// (sqldb/scope.go), the pages when they decide what to offer. The README's "Who sees what"
// states the same table in words.

// Scope says how far a permission reaches over customer files.
type Scope int

// The scopes, narrowest first. A wider scope includes the narrower ones.
const (
	// ScopeOwn: files the user owns (a rep creating a file owns it).
	ScopeOwn Scope = iota + 1
	// ScopeAccount: files the user owns or whose account team they are on.
	ScopeAccount
	// ScopeTeam: files owned by the supervisor or their team (the users whose supervisor they
	// are), or with one of them on the account team.
	ScopeTeam
	// ScopeAll: every file.
	ScopeAll
)

var scopeNames = map[Scope]string{ScopeOwn: "own", ScopeAccount: "account team", ScopeTeam: "supervisor's team", ScopeAll: "all"}

func (s Scope) String() string { return scopeNames[s] }

// Action is what a user does with a resource.
type Action string

// The actions.
const (
	ActView       Action = "view"
	ActCreate     Action = "create"
	ActEdit       Action = "edit"
	ActDelete     Action = "delete"
	ActExport     Action = "export"
	ActImport     Action = "import"
	ActAssign     Action = "assign" // give a file to another owner
	ActApprove    Action = "approve"
	ActAdminister Action = "administer"
)

// Resource is a kind of thing the rules speak of.
type Resource string

// The resources.
const (
	// ResCustomer is a customer file: its profile, units, contacts, account team and history.
	ResCustomer Resource = "customer"
	// ResLedger is the money side: orders, invoices, payments, costs, products and their prices,
	// sales figures, and the portfolio analytics and dashboards computed from them.
	ResLedger Resource = "ledger"
	// ResSettings are the rules of the portfolio models (thresholds of ABC, tiers …).
	ResSettings Resource = "settings"
	// ResUser is the users of KAM, their roles and supervisors.
	ResUser Resource = "user"
	// ResAudit is the audit log.
	ResAudit Resource = "audit"
	// ResBorrow is borrowing (借阅): a request to see a file outside one's scope, and its grant.
	ResBorrow Resource = "borrow"
)

// Resources lists every resource, in the order of the README's table.
var Resources = []Resource{ResCustomer, ResLedger, ResSettings, ResUser, ResAudit, ResBorrow}

// Actions lists every action.
var Actions = []Action{ActView, ActCreate, ActEdit, ActDelete, ActExport, ActImport, ActAssign, ActApprove, ActAdminister}

// grants is what a role may do: per resource, per action, the scope. Anything absent is refused.
type grants map[Resource]map[Action]Scope

// Permissions is the model: role × resource × action → scope. It reads like the README's "Who
// sees what"; keep the two the same.
var Permissions = map[Role]grants{
	RoleAdmin: {
		ResCustomer: {ActView: ScopeAll, ActCreate: ScopeAll, ActEdit: ScopeAll, ActDelete: ScopeAll, ActExport: ScopeAll, ActImport: ScopeAll, ActAssign: ScopeAll},
		ResLedger:   {ActView: ScopeAll, ActDelete: ScopeAll, ActExport: ScopeAll, ActImport: ScopeAll},
		ResSettings: {ActView: ScopeAll, ActEdit: ScopeAll},
		ResUser:     {ActAdminister: ScopeAll},
		ResAudit:    {ActView: ScopeAll, ActExport: ScopeAll},
		ResBorrow:   {ActView: ScopeAll, ActCreate: ScopeOwn, ActApprove: ScopeAll, ActAdminister: ScopeAll},
	},
	RoleDirector: {
		ResCustomer: {ActView: ScopeAll, ActCreate: ScopeAll, ActEdit: ScopeAll, ActDelete: ScopeAll, ActExport: ScopeAll, ActImport: ScopeAll, ActAssign: ScopeAll},
		ResLedger:   {ActView: ScopeAll, ActDelete: ScopeAll, ActExport: ScopeAll, ActImport: ScopeAll},
		ResSettings: {ActView: ScopeAll, ActEdit: ScopeAll},
		ResAudit:    {ActView: ScopeAll, ActExport: ScopeAll},
		ResBorrow:   {ActView: ScopeAll, ActCreate: ScopeOwn, ActApprove: ScopeAll},
	},
	RoleSupervisor: {
		ResCustomer: {ActView: ScopeTeam, ActCreate: ScopeTeam, ActEdit: ScopeTeam, ActDelete: ScopeTeam, ActExport: ScopeTeam, ActImport: ScopeTeam, ActAssign: ScopeTeam},
		ResLedger:   {ActView: ScopeTeam, ActExport: ScopeTeam},
		ResSettings: {ActView: ScopeAll},
		ResBorrow:   {ActView: ScopeTeam, ActCreate: ScopeOwn, ActApprove: ScopeTeam},
	},
	RoleKAM: {
		ResCustomer: {ActView: ScopeAccount, ActCreate: ScopeOwn, ActEdit: ScopeAccount, ActExport: ScopeAccount, ActImport: ScopeOwn},
		ResLedger:   {ActView: ScopeAccount, ActExport: ScopeAccount},
		ResSettings: {ActView: ScopeAll},
		ResBorrow:   {ActView: ScopeOwn, ActCreate: ScopeOwn},
	},
	RoleRep: {
		ResCustomer: {ActView: ScopeAccount, ActCreate: ScopeOwn, ActEdit: ScopeAccount, ActExport: ScopeAccount},
		ResLedger:   {ActView: ScopeAccount, ActExport: ScopeAccount},
		ResSettings: {ActView: ScopeAll},
		ResBorrow:   {ActView: ScopeOwn, ActCreate: ScopeOwn},
	},
	// Finance keeps the books of every customer: documents and their imports reach all files,
	// while the files themselves are seen only on the account team.
	RoleFinance: {
		ResCustomer: {ActView: ScopeAccount, ActExport: ScopeAccount},
		ResLedger:   {ActView: ScopeAll, ActDelete: ScopeAll, ActExport: ScopeAll, ActImport: ScopeAll},
		ResSettings: {ActView: ScopeAll},
		ResBorrow:   {ActView: ScopeOwn, ActCreate: ScopeOwn},
	},
	// Service staff look after customers but see no prices, margins or receivables.
	RoleService: {
		ResCustomer: {ActView: ScopeAccount, ActExport: ScopeAccount},
		ResSettings: {ActView: ScopeAll},
		ResBorrow:   {ActView: ScopeOwn, ActCreate: ScopeOwn},
	},
}

// Allowed says whether a may do act on res, and how far: the scope of the files it reaches.
// Without an actor nothing is allowed.
func Allowed(a *Actor, act Action, res Resource) (Scope, bool) {
	if a == nil {
		return 0, false
	}
	s, ok := Permissions[a.Role][res][act]
	return s, ok
}

// Can says whether a may do act on res at all (in some scope).
func Can(a *Actor, act Action, res Resource) bool {
	_, ok := Allowed(a, act, res)
	return ok
}

// CustomerScope returns how far a's view of customer files reaches. Everyone who logs in sees
// at least the files they own or are on the account team of; outside that scope a file does not
// exist for them.
func CustomerScope(a *Actor) Scope {
	if s, ok := Allowed(a, ActView, ResCustomer); ok {
		return s
	}
	return ScopeAccount
}

// The predicates the stores and pages ask, each one line of the model.

// CanCreateCustomer: people who sell may open files; finance and service only read them.
func CanCreateCustomer(a *Actor) bool { return Can(a, ActCreate, ResCustomer) }

// CanEditCustomer: within their scope, the selling roles edit files (and their units and
// contacts).
func CanEditCustomer(a *Actor) bool { return Can(a, ActEdit, ResCustomer) }

// CanDeleteCustomer: deleting a file is for managers; a rep marks a customer lost instead.
func CanDeleteCustomer(a *Actor) bool { return Can(a, ActDelete, ResCustomer) }

// CanAssignOwner: who may give a file to another owner. Reps and KAMs may only own files
// themselves; supervisors assign within their team (ScopeTeam, checked by storage), directors
// and admins anywhere.
func CanAssignOwner(a *Actor) bool { return Can(a, ActAssign, ResCustomer) }

// CanAdministerUsers: user management is for admins.
func CanAdministerUsers(a *Actor) bool { return Can(a, ActAdminister, ResUser) }

// CanViewLedger says whether a may see the money side of the files in their scope.
func CanViewLedger(a *Actor) bool { return Can(a, ActView, ResLedger) }

// LedgerScope returns how far a's view of orders, invoices, payments and costs reaches, and
// false when they see none.
func LedgerScope(a *Actor) (Scope, bool) { return Allowed(a, ActView, ResLedger) }

// SeesWholeLedger says whether a's view of the money side reaches every customer (directors,
// admins, finance): portfolio-wide results are the same for all of them.
func SeesWholeLedger(a *Actor) bool {
	s, ok := LedgerScope(a)
	return ok && s == ScopeAll
}

// CanDeleteOrder: correcting booked documents is for finance and managers.
func CanDeleteOrder(a *Actor) bool { return Can(a, ActDelete, ResLedger) }

// CanEditSettings: directors and admins set the rules of the portfolio models.
func CanEditSettings(a *Actor) bool { return Can(a, ActEdit, ResSettings) }

// ImportResource is the resource a kind of import or export writes or reads: files of customers
// and contacts are the customer file's, every other kind (products, orders, invoices, payments,
// costs, financials, wallet estimates) the ledger's.
func ImportResource(kind string) Resource {
	if kind == "customers" || kind == "contacts" {
		return ResCustomer
	}
	return ResLedger
}

// CanImport says whether a may import a kind of record. Files of customers and contacts are the
// selling roles' work (reps hand theirs to their KAM or supervisor); money documents are
// finance's; managers may do both.
func CanImport(a *Actor, kind string) bool { return Can(a, ActImport, ImportResource(kind)) }

// CanExport says whether a may export a kind of record (within their scope of it).
func CanExport(a *Actor, kind string) bool { return Can(a, ActExport, ImportResource(kind)) }

// RoleOwnsFiles says whether users of role r may own customer files: the roles that open them.
// Finance and service staff read files on the account team but own none.
func RoleOwnsFiles(r Role) bool {
	_, ok := Permissions[r][ResCustomer][ActCreate]
	return ok
}
