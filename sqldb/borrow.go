package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"kam"
)

// BorrowService implements kam.BorrowService: borrow requests (借阅) and the grants they become.
// What a grant lets its holder see and do is decided by scopeSQL, where every read and write of
// customer files looks; this service only keeps the requests and their decisions.
type BorrowService struct {
	db        *DB
	customers *CustomerService
}

// NewBorrowService returns the borrowing service over db.
func NewBorrowService(db *DB, customers *CustomerService) *BorrowService {
	return &BorrowService{db: db, customers: customers}
}

var _ kam.BorrowService = (*BorrowService)(nil)

const borrowSettingsKey = "borrow"

const borrowColumns = `b.id, b.customer_id, COALESCE(c.code, ''), COALESCE(c.name, ''), b.borrower_id, COALESCE(bu.name, ''), b.reason, b.days,
	b.can_export, b.can_edit, b.state, b.requested_at, b.decider_id, COALESCE(du.name, ''), b.decided_at, b.decision_note, b.expires_at, b.returned_at`

// borrowFrom joins a request to its customer (its code and name are all a borrower learns before
// approval) and the people involved. A deleted customer leaves the request on record.
const borrowFrom = ` FROM borrow_requests b LEFT JOIN customers c ON c.id = b.customer_id
	LEFT JOIN users bu ON bu.id = b.borrower_id LEFT JOIN users du ON du.id = b.decider_id`

// nullTime reads a nullable stored time into a pointer.
type nullTime struct{ p **time.Time }

func (s nullTime) Scan(src any) error {
	if src == nil {
		*s.p = nil
		return nil
	}
	var t time.Time
	if err := (timeScan{&t}).Scan(src); err != nil {
		return err
	}
	*s.p = &t
	return nil
}

func scanBorrow(row interface{ Scan(...any) error }, now time.Time) (*kam.BorrowRequest, error) {
	var b kam.BorrowRequest
	var export, edit int64
	var state string
	if err := row.Scan(&b.ID, &b.CustomerID, &b.CustomerCode, &b.CustomerName, &b.BorrowerID, &b.BorrowerName, &b.Reason, &b.Days,
		&export, &edit, &state, timeScan{&b.RequestedAt}, nullID{&b.DeciderID}, &b.DeciderName, nullTime{&b.DecidedAt}, &b.DecisionNote,
		nullTime{&b.ExpiresAt}, nullTime{&b.ReturnedAt}); err != nil {
		return nil, err
	}
	b.Scope = []kam.BorrowRight{kam.RightView}
	if export == 1 {
		b.Scope = append(b.Scope, kam.RightExport)
	}
	if edit == 1 {
		b.Scope = append(b.Scope, kam.RightEdit)
	}
	b.State = kam.BorrowState(state)
	if b.State == kam.BorrowApproved && b.ExpiresAt != nil && !now.Before(*b.ExpiresAt) {
		b.State = kam.BorrowExpired
	}
	return &b, nil
}

// BorrowSettings returns the rules of borrowing, the defaults until an admin saves them.
func (s *BorrowService) BorrowSettings(ctx context.Context) (kam.BorrowSettings, error) {
	if _, err := actorOf(ctx); err != nil {
		return kam.DefaultBorrowSettings(), err
	}
	return s.settings(ctx, s.db.reader())
}

func (s *BorrowService) settings(ctx context.Context, c conn) (kam.BorrowSettings, error) {
	out := kam.DefaultBorrowSettings()
	if err := readSetting(ctx, c, borrowSettingsKey, &out); err != nil {
		return kam.DefaultBorrowSettings(), err
	}
	return out, nil
}

// SaveBorrowSettings stores the rules of borrowing (admins).
func (s *BorrowService) SaveBorrowSettings(ctx context.Context, set kam.BorrowSettings) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanEditBorrowSettings(a) {
		return kam.Errorf(kam.EForbidden, "the rules of borrowing are set by admins")
	}
	if err := set.Validate(); err != nil {
		return err
	}
	return s.db.writeSetting(ctx, borrowSettingsKey, set, a.UserID)
}

// RequestBorrow asks to borrow a customer file outside the actor's scope. The customer is named
// by id, or by code when code is not empty; an unknown one is 404.
func (s *BorrowService) RequestBorrow(ctx context.Context, customerID int64, code string, in kam.BorrowInput) (*kam.BorrowRequest, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if code = strings.TrimSpace(code); code != "" {
		err = tx.QueryRow("SELECT id FROM customers WHERE code = ?", code).Scan(&customerID)
	} else {
		err = tx.QueryRow("SELECT id FROM customers WHERE id = ?", customerID).Scan(&customerID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("customer")
	}
	if err != nil {
		return nil, err
	}
	set, err := s.settings(ctx, tx.conn)
	if err != nil {
		return nil, err
	}
	rights, err := in.Normalize(set.MaxDays)
	if err != nil {
		return nil, err
	}
	own, args := ownScopeSQL(a)
	var one int
	err = tx.QueryRow("SELECT 1 FROM customers c WHERE c.id = ? AND "+own, append([]any{customerID}, args...)...).Scan(&one)
	if err == nil {
		return nil, kam.Errorf(kam.EConflict, "this customer file is already in your scope: there is nothing to borrow")
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var otherID int64
	var otherState string
	var expires *time.Time
	err = tx.QueryRow(`SELECT id, state, expires_at FROM borrow_requests WHERE borrower_id = ? AND customer_id = ?
		AND (state = 'pending' OR state = 'approved' AND expires_at > ?) ORDER BY id DESC LIMIT 1`,
		a.UserID, customerID, s.db.timeArg(tx.now)).Scan(&otherID, &otherState, nullTime{&expires})
	switch {
	case err == nil && otherState == string(kam.BorrowPending):
		return nil, kam.Errorf(kam.EConflict, "you already asked to borrow this customer file (request %d is pending)", otherID)
	case err == nil:
		return nil, kam.Errorf(kam.EConflict, "you already hold a grant of this customer file (request %d, until %s)", otherID, expires.Format(time.RFC3339))
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	allows := func(r kam.BorrowRight) int {
		for _, x := range rights {
			if x == r {
				return 1
			}
		}
		return 0
	}
	var id int64
	if err := tx.QueryRow(`INSERT INTO borrow_requests (customer_id, borrower_id, reason, days, can_export, can_edit, state, requested_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id`,
		customerID, a.UserID, in.Reason, in.Days, allows(kam.RightExport), allows(kam.RightEdit), s.db.timeArg(tx.now)).Scan(&id); err != nil {
		return nil, err
	}
	b, err := s.load(tx.ctx, tx.conn, id, tx.now)
	if err != nil {
		return nil, err
	}
	return b, tx.Commit()
}

func (s *BorrowService) load(ctx context.Context, c conn, id int64, now time.Time) (*kam.BorrowRequest, error) {
	b, err := scanBorrow(c.queryRow(ctx, "SELECT "+borrowColumns+borrowFrom+" WHERE b.id = ?", id), now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("borrow request")
	}
	return b, err
}

// mayDecide reports whether a may approve or refuse a request for the customer (its own
// requests aside): directors and admins always, a supervisor for the files of their team.
func mayDecide(ctx context.Context, c conn, a *kam.Actor, customerID int64) (bool, error) {
	if kam.CanDecideAnyBorrow(a) {
		return true, nil
	}
	if s, ok := kam.Allowed(a, kam.ActApprove, kam.ResBorrow); !ok || s != kam.ScopeTeam {
		return false, nil
	}
	var one int
	err := c.queryRow(ctx, "SELECT 1 FROM customers c JOIN users o ON o.id = c.owner_id WHERE c.id = ? AND o.supervisor_id = ?",
		customerID, a.UserID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// visibleRequest loads a request the actor may see (their own, or one they may decide); any
// other is 404. decider says whether the actor may decide it.
func (s *BorrowService) visibleRequest(ctx context.Context, c conn, a *kam.Actor, id int64, now time.Time) (b *kam.BorrowRequest, decider bool, err error) {
	b, err = s.load(ctx, c, id, now)
	if err != nil {
		return nil, false, err
	}
	decider, err = mayDecide(ctx, c, a, b.CustomerID)
	if err != nil {
		return nil, false, err
	}
	if b.BorrowerID != a.UserID && !decider {
		return nil, false, notFound("borrow request")
	}
	return b, decider, nil
}

// FindBorrowRequest returns a request the actor may see.
func (s *BorrowService) FindBorrowRequest(ctx context.Context, id int64) (*kam.BorrowRequest, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	b, _, err := s.visibleRequest(ctx, s.db.reader(), a, id, s.db.Now().UTC())
	return b, err
}

// ApproveBorrow turns a pending request into a grant from now for its days.
func (s *BorrowService) ApproveBorrow(ctx context.Context, id int64, note string) (*kam.BorrowRequest, error) {
	return s.decide(ctx, id, note, kam.BorrowApproved)
}

// RefuseBorrow refuses a pending request.
func (s *BorrowService) RefuseBorrow(ctx context.Context, id int64, note string) (*kam.BorrowRequest, error) {
	return s.decide(ctx, id, note, kam.BorrowRefused)
}

func stateConflict(b *kam.BorrowRequest) error {
	switch b.State {
	case kam.BorrowApproved:
		return kam.Errorf(kam.EConflict, "the request was already approved (by %s at %s)", b.DeciderName, b.DecidedAt.Format(time.RFC3339))
	case kam.BorrowRefused:
		return kam.Errorf(kam.EConflict, "the request was refused (by %s at %s)", b.DeciderName, b.DecidedAt.Format(time.RFC3339))
	case kam.BorrowReturned:
		return kam.Errorf(kam.EConflict, "the grant was returned at %s", b.ReturnedAt.Format(time.RFC3339))
	case kam.BorrowExpired:
		return kam.Errorf(kam.EConflict, "the grant expired at %s", b.ExpiresAt.Format(time.RFC3339))
	}
	return kam.Errorf(kam.EConflict, "the request is still pending")
}

func (s *BorrowService) decide(ctx context.Context, id int64, note string, to kam.BorrowState) (*kam.BorrowRequest, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var v kam.Validation
	v.MaxLen("note", note, kam.MaxBorrowNoteLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b, decider, err := s.visibleRequest(tx.ctx, tx.conn, a, id, tx.now)
	if err != nil {
		return nil, err
	}
	switch {
	case b.BorrowerID == a.UserID:
		return nil, kam.Errorf(kam.EForbidden, "nobody decides their own borrow request: the owner's supervisor or a director does")
	case !decider:
		return nil, kam.Errorf(kam.EForbidden, "only the owner's supervisor, a director or an admin decides this request")
	case b.State != kam.BorrowPending:
		return nil, stateConflict(b)
	}
	var expires any
	if to == kam.BorrowApproved {
		expires = s.db.timeArg(tx.now.Add(time.Duration(b.Days) * 24 * time.Hour))
	}
	// The state in the WHERE clause makes two deciders at once safe: one of them changes nothing.
	res, err := tx.Exec(`UPDATE borrow_requests SET state = ?, decider_id = ?, decided_at = ?, decision_note = ?, expires_at = ?
		WHERE id = ? AND state = 'pending'`, string(to), a.UserID, s.db.timeArg(tx.now), note, expires, id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		if b, err = s.load(tx.ctx, tx.conn, id, tx.now); err != nil {
			return nil, err
		}
		return nil, stateConflict(b)
	}
	if b, err = s.load(tx.ctx, tx.conn, id, tx.now); err != nil {
		return nil, err
	}
	return b, tx.Commit()
}

// ReturnBorrow ends the actor's grant before its expiry.
func (s *BorrowService) ReturnBorrow(ctx context.Context, id int64) (*kam.BorrowRequest, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b, _, err := s.visibleRequest(tx.ctx, tx.conn, a, id, tx.now)
	if err != nil {
		return nil, err
	}
	if b.BorrowerID != a.UserID {
		return nil, kam.Errorf(kam.EForbidden, "only the borrower returns a grant")
	}
	if b.State != kam.BorrowApproved {
		return nil, stateConflict(b)
	}
	res, err := tx.Exec(`UPDATE borrow_requests SET state = 'returned', returned_at = ? WHERE id = ? AND state = 'approved' AND expires_at > ?`,
		s.db.timeArg(tx.now), id, s.db.timeArg(tx.now))
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		if b, err = s.load(tx.ctx, tx.conn, id, tx.now); err != nil {
			return nil, err
		}
		return nil, stateConflict(b)
	}
	if b, err = s.load(tx.ctx, tx.conn, id, tx.now); err != nil {
		return nil, err
	}
	return b, tx.Commit()
}

// FindBorrowRequests lists, newest first, the requests the actor may see: their own and those
// they may decide (directors and admins: all), with the total.
func (s *BorrowService) FindBorrowRequests(ctx context.Context, f kam.BorrowFilter) ([]*kam.BorrowRequest, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	var v kam.Validation
	v.OneOf("state", string(f.State), kam.BorrowStates, false)
	if f.Limit < 0 || f.Limit > 1000 {
		v.Add("limit", "out_of_range", "must be between 1 and 1000")
	}
	if f.Offset < 0 {
		v.Add("offset", "out_of_range", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	now := s.db.Now().UTC()
	decides := "1=1"
	var dargs []any
	switch {
	case kam.CanDecideAnyBorrow(a):
	case kam.Can(a, kam.ActApprove, kam.ResBorrow):
		decides = "EXISTS (SELECT 1 FROM customers oc JOIN users o ON o.id = oc.owner_id WHERE oc.id = b.customer_id AND o.supervisor_id = ?)"
		dargs = []any{a.UserID}
	default:
		decides = "1=0"
	}
	q := &listQuery{}
	switch {
	case f.Mine:
		q.add("b.borrower_id = ?", a.UserID)
	case f.ToDecide:
		q.add("b.borrower_id <> ?", a.UserID)
		q.add(decides, dargs...)
	default:
		q.add("(b.borrower_id = ? OR "+decides+")", append([]any{a.UserID}, dargs...)...)
	}
	switch f.State {
	case kam.BorrowApproved:
		q.add("b.state = 'approved' AND b.expires_at > ?", s.db.timeArg(now))
	case kam.BorrowExpired:
		q.add("b.state = 'approved' AND b.expires_at <= ?", s.db.timeArg(now))
	case "":
	default:
		q.add("b.state = ?", string(f.State))
	}
	c := s.db.reader()
	var total int
	if err := c.queryRow(ctx, "SELECT count(*) FROM borrow_requests b WHERE "+q.sql(), q.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit, offset := pageBounds(f.Limit, f.Offset)
	out := []*kam.BorrowRequest{}
	if total == 0 || offset >= total {
		return out, total, nil
	}
	rows, err := c.query(ctx, "SELECT "+borrowColumns+borrowFrom+" WHERE "+q.sql()+" ORDER BY b.id DESC LIMIT ? OFFSET ?",
		append(q.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBorrow(rows, now)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// liveGrant returns the actor's grant in force for the customer with the latest expiry, or nil.
func (s *BorrowService) liveGrant(ctx context.Context, c conn, a *kam.Actor, customerID int64, now time.Time) (*kam.BorrowRequest, error) {
	b, err := scanBorrow(c.queryRow(ctx, "SELECT "+borrowColumns+borrowFrom+` WHERE b.borrower_id = ? AND b.customer_id = ?
		AND b.state = 'approved' AND b.expires_at > ? ORDER BY b.expires_at DESC LIMIT 1`, a.UserID, customerID, s.db.timeArg(now)), now)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return b, err
}

// FileAccess says what the actor may do with a file they see: in their own scope, what their role
// allows; through a grant, what the grant allows as well.
func (s *BorrowService) FileAccess(ctx context.Context, customerID int64) (*kam.FileAccess, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	if _, err := s.customers.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	out := &kam.FileAccess{Edit: kam.CanEditCustomer(a), Export: true}
	own, args := ownScopeSQL(a)
	var one int
	err = c.queryRow(ctx, "SELECT 1 FROM customers c WHERE c.id = ? AND "+own, append([]any{customerID}, args...)...).Scan(&one)
	if err == nil {
		return out, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	g, err := s.liveGrant(ctx, c, a, customerID, s.db.Now().UTC())
	if err != nil || g == nil {
		return nil, err
	}
	out.Grant = g
	out.Edit = out.Edit && g.Allows(kam.RightEdit)
	out.Export = g.Allows(kam.RightExport)
	return out, nil
}

// LapsedGrant returns the actor's latest grant of the customer when it expired unreturned;
// else (a live grant, a returned one, none) ENotFound.
func (s *BorrowService) LapsedGrant(ctx context.Context, customerID int64) (*kam.BorrowRequest, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	b, err := scanBorrow(s.db.reader().queryRow(ctx, "SELECT "+borrowColumns+borrowFrom+` WHERE b.borrower_id = ? AND b.customer_id = ?
		AND b.state IN ('approved', 'returned') ORDER BY b.id DESC LIMIT 1`, a.UserID, customerID), s.db.Now().UTC())
	if errors.Is(err, sql.ErrNoRows) || err == nil && b.State != kam.BorrowExpired {
		return nil, notFound("expired grant")
	}
	return b, err
}

// TransferGrants hands the pending requests and live grants of a leaving user to their successor
// in a handover, inside the handover's transaction, and returns how many moved. Decided history
// (refused, returned, expired) stays with the person it happened to. A grant the successor
// approved themselves stays: nobody holds a grant they decided.
func TransferGrants(tx *Tx, fromUser, toUser int64) (int64, error) {
	res, err := tx.Exec(`UPDATE borrow_requests SET borrower_id = ? WHERE borrower_id = ?
		AND (state = 'pending' OR state = 'approved' AND expires_at > ?)
		AND (decider_id IS NULL OR decider_id <> ?)`, toUser, fromUser, tx.db.timeArg(tx.now), toUser)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
