package web

import "kam"

// TokensPage lists the user's API tokens and creates new ones. Secret is the token just
// created, shown this once.
type TokensPage struct {
	Base
	Tokens []TokenRow
	Secret string
	// The creation form, with its errors.
	Name, Scope, Days string
	Errors            map[string]string
	Scopes            []Option
}

// TokenRow is one token as the list shows it.
type TokenRow struct {
	ID                            int64
	Name, Scope, Created, Expires string
	LastUsed, State               string
	Live                          bool
}

// TeamPage lists the users whose customers the viewer may hand over.
type TeamPage struct {
	Base
	Members []TeamMemberRow
}

// TeamMemberRow is one user of the team page.
type TeamMemberRow struct {
	User      *kam.User
	Role      string
	Customers int
}

// HandoverPage is the handover form for one leaving user, or its result.
type HandoverPage struct {
	Base
	From      *kam.User
	Customers int
	// Receivers are the users who may take over, each with a checkbox.
	Receivers  []Option
	Deactivate bool
	Error      string
}
