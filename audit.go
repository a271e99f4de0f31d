package kam

import (
	"context"
	"strings"
	"time"
)

// The audit log (SPEC §N5): who looked at, exported or changed which customer file, every login,
// role change, grant and token. It is append-only: no route edits or deletes an entry, and each
// entry carries a hash over its content and the previous entry's hash, so that an edited,
// removed or reordered entry is detected (kam audit verify).

// AuditAction names what an audit entry records.
type AuditAction string

// The audited actions. Their names are part of the API (GET /api/v1/audit?action=…).
const (
	AuditCustomerView   AuditAction = "customer.view"   // a customer file seen by someone other than its owner
	AuditCustomerCreate AuditAction = "customer.create" // a change of a file, its units, contacts or documents
	AuditCustomerUpdate AuditAction = "customer.update"
	AuditCustomerDelete AuditAction = "customer.delete"
	AuditExport         AuditAction = "export" // a list exported: Detail names the kind, filters and rows
	AuditImport         AuditAction = "import" // a file imported: Detail names the kind, file and counts
	AuditLoginSuccess   AuditAction = "login.success"
	AuditLoginFailure   AuditAction = "login.failure"
	AuditLogout         AuditAction = "logout"
	AuditUserCreate     AuditAction = "user.create"
	AuditUserUpdate     AuditAction = "user.update" // including role and supervisor changes
	AuditTokenCreate    AuditAction = "token.create"
	AuditTokenRevoke    AuditAction = "token.revoke"
	AuditBorrowRequest  AuditAction = "borrow.request" // borrowing (借阅) of a file outside one's scope
	AuditBorrowApprove  AuditAction = "borrow.approve"
	AuditBorrowRefuse   AuditAction = "borrow.refuse"
	AuditBorrowReturn   AuditAction = "borrow.return"
	AuditHandover       AuditAction = "handover" // a leaving user's customers reassigned
	AuditDenied         AuditAction = "denied"   // an attempt the rules refused (Detail says what)
	AuditSettings       AuditAction = "settings.update"
	AuditKeyAccount     AuditAction = "key_account.record" // a manual score, a key-account decision or a grade override
)

// auditActions lists every action, in the order the UI offers them.
var auditActions = []AuditAction{AuditCustomerView, AuditCustomerCreate, AuditCustomerUpdate, AuditCustomerDelete,
	AuditExport, AuditImport, AuditLoginSuccess, AuditLoginFailure, AuditLogout, AuditUserCreate, AuditUserUpdate,
	AuditTokenCreate, AuditTokenRevoke, AuditBorrowRequest, AuditBorrowApprove, AuditBorrowRefuse, AuditBorrowReturn,
	AuditHandover, AuditDenied, AuditSettings, AuditKeyAccount}

// AuditActions returns every audited action.
func AuditActions() []AuditAction { return append([]AuditAction(nil), auditActions...) }

// Valid reports whether a is one of the audited actions.
func (a AuditAction) Valid() bool {
	for _, x := range auditActions {
		if x == a {
			return true
		}
	}
	return false
}

// CanViewAudit reports whether a may read and export the audit log: admins and directors.
func CanViewAudit(a *Actor) bool { return Can(a, ActView, ResAudit) }

// AuditEntry is one entry of the audit log.
type AuditEntry struct {
	ID         int64       `json:"id"`
	At         time.Time   `json:"at"`
	ActorID    int64       `json:"actor_id"`
	ActorEmail string      `json:"actor_email"`
	Action     AuditAction `json:"action"`
	// ObjectType and ObjectID name what was acted on: "customer" 12, "user" 3, "token" 9,
	// "borrow_request" 4, "export" 0 …
	ObjectType string `json:"object_type"`
	ObjectID   int64  `json:"object_id"`
	// CustomerID is the customer file concerned, when there is one (for the customer filter).
	CustomerID *int64 `json:"customer_id,omitempty"`
	// Detail is a short JSON-able description (export kind and row count, changed fields, the
	// reason of a refusal). Never secrets: no passwords, tokens or session ids.
	Detail map[string]any `json:"detail,omitempty"`
	// RemoteAddr is the address the request came from ("" for commands and jobs).
	RemoteAddr string `json:"remote_addr"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	CustomerID int64
	// User matches the actor's id (digits) or e-mail.
	User   string
	Action AuditAction
	// From and To bound the entry's time, both inclusive.
	From *time.Time
	To   *time.Time
	// BeforeID keeps entries older than this id: an export pages with it, so entries appended
	// meanwhile do not shift its pages.
	BeforeID int64
	Limit    int
	Offset   int
}

// AuditLog stores the audit log.
type AuditLog interface {
	// Record appends e (its ID, At, PrevHash and Hash are set by the log). When Record returns
	// nil the entry is durable: a view's entry is committed before the view is answered.
	Record(ctx context.Context, e *AuditEntry) error
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}

type remoteAddrKey struct{}

// WithRemoteAddr returns a context carrying the address a request came from, for the audit log.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteAddrKey{}, addr)
}

// RemoteAddrFrom returns the request address in ctx, or "".
func RemoteAddrFrom(ctx context.Context) string {
	s, _ := ctx.Value(remoteAddrKey{}).(string)
	return s
}

// ParseAuditTime reads a bound of the audit filter: "" is none; a date alone is the start of
// that day in loc (end false: from) or its end (end true: to), so that from=to=2026-03-01 is that
// whole day; otherwise a moment as ParseMoment reads it.
func ParseAuditTime(s string, end bool, loc *time.Location) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !end {
		if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
			return &t, nil
		}
	}
	t, err := ParseMoment(s, loc)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
