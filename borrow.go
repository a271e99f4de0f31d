package kam

import (
	"context"
	"strings"
	"time"
)

// Borrowing (借阅, SPEC §N5): a user asks to see a customer file outside their scope, with a
// reason and a number of days. The owner's supervisor, a director or an admin approves or
// refuses; nobody decides their own request. An approved request is a grant: for its days the
// borrower sees the file (and its documents) as if it were in their scope, and exports or edits
// it only when the grant says so. The grant ends at its expiry, to the second on the store's
// clock, or when the borrower returns it early. Expiry is computed, not done by a job: a grant
// whose expiry has passed is "expired" from that second on.

// BorrowState is where a borrow request stands.
type BorrowState string

// The states of a borrow request. Expired is never stored: it is an approved grant whose expiry
// has passed.
const (
	BorrowPending  BorrowState = "pending"
	BorrowApproved BorrowState = "approved"
	BorrowRefused  BorrowState = "refused"
	BorrowReturned BorrowState = "returned"
	BorrowExpired  BorrowState = "expired"
)

// BorrowStates lists the states, for validation and filters.
var BorrowStates = []string{string(BorrowPending), string(BorrowApproved), string(BorrowRefused), string(BorrowReturned), string(BorrowExpired)}

// BorrowRight is what a grant allows on the borrowed file.
type BorrowRight string

// The rights a grant can give. View is in every grant; export and edit only when asked for and
// approved.
const (
	RightView   BorrowRight = "view"
	RightExport BorrowRight = "export"
	RightEdit   BorrowRight = "edit"
)

// BorrowRights lists the rights in their canonical order.
var BorrowRights = []string{string(RightView), string(RightExport), string(RightEdit)}

// Borrowing limits.
const (
	DefaultBorrowDays    = 3
	DefaultBorrowMaxDays = 30
	// MaxBorrowDaysLimit bounds the admin setting itself (a grant of years is not a loan).
	MaxBorrowDaysLimit = 365
	MaxBorrowReasonLen = 500
	MaxBorrowNoteLen   = 500
)

// BorrowRequest is one request to borrow a customer file, and, once approved, the grant.
type BorrowRequest struct {
	ID         int64 `json:"id"`
	CustomerID int64 `json:"customer_id"`
	// CustomerCode and CustomerName are all a borrower learns of the file before approval.
	CustomerCode string        `json:"customer_code"`
	CustomerName string        `json:"customer_name"`
	BorrowerID   int64         `json:"borrower_id"`
	BorrowerName string        `json:"borrower_name"`
	Reason       string        `json:"reason"`
	Days         int           `json:"days"`
	Scope        []BorrowRight `json:"scope" doc:"What the grant allows: view always, export and edit when asked for."`
	State        BorrowState   `json:"state"`
	RequestedAt  time.Time     `json:"requested_at"`
	DeciderID    *int64        `json:"decider_id"`
	DeciderName  string        `json:"decider_name,omitempty"`
	DecidedAt    *time.Time    `json:"decided_at"`
	DecisionNote string        `json:"decision_note,omitempty"`
	// ExpiresAt is set at approval: the moment of approval plus Days × 24 hours.
	ExpiresAt  *time.Time `json:"expires_at"`
	ReturnedAt *time.Time `json:"returned_at"`
}

// Allows reports whether the request's scope includes right.
func (b *BorrowRequest) Allows(right BorrowRight) bool {
	for _, r := range b.Scope {
		if r == right {
			return true
		}
	}
	return false
}

// Live reports whether the request is a grant in force at now.
func (b *BorrowRequest) Live(now time.Time) bool {
	return b.State == BorrowApproved && b.ReturnedAt == nil && b.ExpiresAt != nil && now.Before(*b.ExpiresAt)
}

// BorrowInput is what a borrower asks for.
type BorrowInput struct {
	Reason string   `json:"reason"`
	Days   int      `json:"days,omitempty"`
	Scope  []string `json:"scope,omitempty"`
}

// Normalize validates the input against the maximum number of days and returns the rights asked
// for, view always first. Days 0 means the default.
func (in *BorrowInput) Normalize(maxDays int) ([]BorrowRight, error) {
	var v Validation
	in.Reason = strings.TrimSpace(in.Reason)
	v.Required("reason", in.Reason)
	v.MaxLen("reason", in.Reason, MaxBorrowReasonLen)
	if in.Days == 0 {
		in.Days = min(DefaultBorrowDays, maxDays) // an admin may set the maximum below the default
	}
	if in.Days < 1 || in.Days > maxDays {
		v.Add("days", "out_of_range", "must be between 1 and %d (the maximum an admin set)", maxDays)
	}
	rights, ok := ParseBorrowScope(in.Scope)
	if !ok {
		v.Add("scope", "unknown_value", "must list only %s", strings.Join(BorrowRights, ", "))
	}
	return rights, v.Err()
}

// ParseBorrowScope reads a scope list (each item may itself be comma-separated, "view,export"),
// ignoring case and blanks; the result always holds view and is in canonical order.
func ParseBorrowScope(items []string) ([]BorrowRight, bool) {
	want := map[BorrowRight]bool{RightView: true}
	if len(items) > len(BorrowRights)*4 {
		return nil, false
	}
	for _, item := range items {
		for _, p := range strings.Split(item, ",") {
			p = strings.ToLower(strings.TrimSpace(p))
			if p == "" {
				continue
			}
			known := false
			for _, r := range BorrowRights {
				if p == r {
					known = true
				}
			}
			if !known {
				return nil, false
			}
			want[BorrowRight(p)] = true
		}
	}
	var out []BorrowRight
	for _, r := range BorrowRights {
		if want[BorrowRight(r)] {
			out = append(out, BorrowRight(r))
		}
	}
	return out, true
}

// BorrowSettings are the rules of borrowing that admins set.
type BorrowSettings struct {
	MaxDays int `json:"max_days" minimum:"1" maximum:"365" doc:"The longest grant a borrower may ask for, in days."`
}

// DefaultBorrowSettings are the settings before an admin edits them.
func DefaultBorrowSettings() BorrowSettings { return BorrowSettings{MaxDays: DefaultBorrowMaxDays} }

// Validate checks the settings.
func (s BorrowSettings) Validate() error {
	var v Validation
	if s.MaxDays < 1 || s.MaxDays > MaxBorrowDaysLimit {
		v.Add("max_days", "out_of_range", "must be between 1 and %d", MaxBorrowDaysLimit)
	}
	return v.Err()
}

// CanEditBorrowSettings: the longest loan is set by those who administer borrowing (admins).
func CanEditBorrowSettings(a *Actor) bool { return Can(a, ActAdminister, ResBorrow) }

// CanDecideAnyBorrow: those who approve borrowing in every scope (directors, admins) decide every
// request but their own; a supervisor (team scope) decides those for the files of their team's
// members (checked by storage).
func CanDecideAnyBorrow(a *Actor) bool {
	s, ok := Allowed(a, ActApprove, ResBorrow)
	return ok && s == ScopeAll
}

// BorrowFilter selects borrow requests among those the actor may see: their own, those they may
// decide, and for directors and admins all.
type BorrowFilter struct {
	State BorrowState
	// Mine keeps only the actor's own requests; ToDecide only those the actor may decide.
	Mine     bool
	ToDecide bool
	Limit    int
	Offset   int
}

// FileAccess says what the actor may do with a customer file they see, and through which grant
// when it is borrowed.
type FileAccess struct {
	Edit   bool
	Export bool
	// Grant is the live grant the file is seen through, nil when it is in the actor's own scope.
	Grant *BorrowRequest
}

// BorrowService stores borrow requests and grants.
type BorrowService interface {
	// RequestBorrow asks for the customer with this id (or, when code is not empty, this code).
	RequestBorrow(ctx context.Context, customerID int64, code string, in BorrowInput) (*BorrowRequest, error)
	ApproveBorrow(ctx context.Context, id int64, note string) (*BorrowRequest, error)
	RefuseBorrow(ctx context.Context, id int64, note string) (*BorrowRequest, error)
	ReturnBorrow(ctx context.Context, id int64) (*BorrowRequest, error)
	FindBorrowRequest(ctx context.Context, id int64) (*BorrowRequest, error)
	FindBorrowRequests(ctx context.Context, f BorrowFilter) ([]*BorrowRequest, int, error)
	// FileAccess says what the actor may do with a file they see (ENotFound when they do not).
	FileAccess(ctx context.Context, customerID int64) (*FileAccess, error)
	// LapsedGrant returns the actor's most recent grant of the customer that has expired (and
	// was not returned), or ENotFound: a lookup of a file that is 404 through it is an attempt
	// to use an expired grant, which the audit log records.
	LapsedGrant(ctx context.Context, customerID int64) (*BorrowRequest, error)
	BorrowSettings(ctx context.Context) (BorrowSettings, error)
	SaveBorrowSettings(ctx context.Context, s BorrowSettings) error
}
