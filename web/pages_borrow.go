package web

import "kam"

// BorrowPage is /borrowing: the request form, the user's own requests and loans, the requests
// waiting for their decision, all loans for directors and admins, and the settings for admins.
type BorrowPage struct {
	Base
	// The request form, as typed, with each field's errors.
	Code, Reason, Days string
	Export, Edit       bool
	MaxDays            int
	Errors             map[string][]string
	// Error is why the last action was refused.
	Error string

	Mine     []BorrowRow
	ToDecide []BorrowRow
	// ShowAll is set for directors and admins, who see every loan.
	ShowAll  bool
	All      []BorrowRow
	AllTotal int
	AllPager Pager
	States   []Option

	// CanSettings is set for admins; SettingsError names a bad maximum.
	CanSettings   bool
	SettingsDays  string
	SettingsError string
}

// BorrowRow is one request in a table of the borrowing page.
type BorrowRow struct {
	R *kam.BorrowRequest
	// CustomerURL links the card when the viewer may open it now.
	CustomerURL string
	StateLabel  string
	ScopeLabel  string
	DaysLabel   string
	Requested   string
	Expires     string
	// The actions the viewer may take on it (form targets).
	ReturnURL  string
	ApproveURL string
	RefuseURL  string
}
