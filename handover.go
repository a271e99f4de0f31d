package kam

import "context"

// Handover (SPEC §N5, 交接): when a user leaves, every customer file they own or serve on moves
// to one or several colleagues in one action, recorded in each file's history and in the audit
// log. The files are spread round-robin over the receivers in the order given, files taken by
// code, so each receiver gets an equal share (±1); a file the leaving user only serves on (on
// its account team) goes to the next receiver in the same rotation and only its membership
// moves. Booked orders keep the rep who sold them (they are the sales history a scorecard counts);
// open invoices and payments belong to the customer and follow it without a change.

// MaxHandoverReceivers bounds the receivers of one handover.
const MaxHandoverReceivers = 50

// Handover asks to reassign everything of the user FromID to the users To.
type Handover struct {
	FromID int64
	To     []int64
	// Deactivate also deactivates the leaving user (ending their sessions and tokens).
	Deactivate bool
}

// HandoverShare is what one receiver got.
type HandoverShare struct {
	UserID    int64 `json:"user_id"`
	Customers int   `json:"customers"` // files whose owner they became
	Teams     int   `json:"teams"`     // account-team memberships they took over
}

// HandoverResult counts what a handover moved.
type HandoverResult struct {
	FromID int64 `json:"from_id"`
	// Customers is the number of files whose owner changed; Teams the account-team
	// memberships that moved; Grants the borrowing grants that moved.
	Customers   int             `json:"customers"`
	Teams       int             `json:"teams"`
	Grants      int             `json:"grants"`
	Shares      []HandoverShare `json:"shares"`
	Deactivated bool            `json:"deactivated"`
}

// HandoverService reassigns a leaving user's customers.
type HandoverService interface {
	HandOver(ctx context.Context, h Handover) (*HandoverResult, error)
}

// CanHandOver: supervisors hand over within their team (checked by storage: the leaving user and
// every receiver must be theirs), directors and admins anyone's.
func CanHandOver(a *Actor) bool { return CanAssignOwner(a) }
