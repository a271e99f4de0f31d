package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kam"
)

// HandoverService implements kam.HandoverService over the customer and user services: the
// files change through the customer service's write path (history, search index, directory),
// the leaving user's deactivation through the user service's rules (sessions and tokens end).
type HandoverService struct {
	db        *DB
	customers *CustomerService
	users     *UserService
}

// NewHandoverService returns the handover service.
func NewHandoverService(db *DB, customers *CustomerService, users *UserService) *HandoverService {
	return &HandoverService{db: db, customers: customers, users: users}
}

var _ kam.HandoverService = (*HandoverService)(nil)

type handoverUser struct {
	id         int64
	role       kam.Role
	active     bool
	supervisor sql.NullInt64
}

func (tx *Tx) handoverUser(id int64) (*handoverUser, error) {
	u := &handoverUser{id: id}
	var role string
	var active int64
	err := tx.QueryRow("SELECT role, active, supervisor_id FROM users WHERE id = ?", id).Scan(&role, &active, &u.supervisor)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u.role, u.active = kam.Role(role), active != 0
	return u, nil
}

// inTeamOf reports whether u is on the team of supervisor a (or is a).
func (u *handoverUser) inTeamOf(a *kam.Actor) bool {
	return u.id == a.UserID || u.supervisor.Valid && u.supervisor.Int64 == a.UserID
}

// HandOver reassigns in one transaction every file the leaving user owns or serves on (see
// kam.Handover for the rules), and deactivates them when asked.
func (s *HandoverService) HandOver(ctx context.Context, h kam.Handover) (*kam.HandoverResult, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !kam.CanHandOver(a) {
		return nil, kam.Errorf(kam.EForbidden, "only supervisors, directors and admins hand over customers")
	}
	teamOnly := kam.CustomerScope(a) == kam.ScopeTeam
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	from, err := tx.handoverUser(h.FromID)
	if err != nil {
		return nil, err
	}
	if from == nil {
		return nil, kam.Errorf(kam.ENotFound, "user not found")
	}
	if teamOnly && !(from.supervisor.Valid && from.supervisor.Int64 == a.UserID) {
		return nil, fieldErr(kam.EForbidden, "id", "outside_team", "a supervisor hands over only the users of their own team")
	}
	if err := s.checkReceivers(tx, a, h, teamOnly); err != nil {
		return nil, err
	}

	rows, err := tx.Query(`SELECT c.id FROM customers c WHERE c.owner_id = ?
		OR EXISTS (SELECT 1 FROM account_team t WHERE t.customer_id = c.id AND t.user_id = ?) ORDER BY c.code, c.id`, h.FromID, h.FromID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	res := &kam.HandoverResult{FromID: h.FromID, Shares: make([]kam.HandoverShare, len(h.To))}
	for i, id := range h.To {
		res.Shares[i].UserID = id
	}
	for i, id := range ids {
		share := &res.Shares[i%len(h.To)]
		// The files are read as the actor sees them, but the owner's team is theirs to
		// hand over: scope the read to all, the write's checks stay the actor's.
		cur, err := s.customers.findCustomer(ctx, tx.conn, kam.System, id)
		if err != nil {
			return nil, err
		}
		next := cloneCustomer(cur)
		owned := cur.OwnerID == h.FromID
		if owned {
			next.OwnerID = share.UserID
		}
		team, moved := handoverTeam(cur.Team, h.FromID, share.UserID)
		next.Team = team
		if err := s.customers.updateCustomerTx(tx, a, cur, next); err != nil {
			return nil, fmt.Errorf("customer %s: %w", cur.Code, err)
		}
		if owned {
			share.Customers++
			res.Customers++
		}
		if moved {
			share.Teams++
			res.Teams++
		}
	}
	// The leaving user's pending requests and live borrowing grants go to the first receiver,
	// who takes up the work (the decided history stays with the leaver).
	grants, err := TransferGrants(tx, h.FromID, h.To[0])
	if err != nil {
		return nil, err
	}
	res.Grants = int(grants)
	if h.Deactivate && from.active {
		if _, err := tx.Exec("UPDATE users SET active = 0, version = version + 1, updated_at = ? WHERE id = ?", s.db.timeArg(tx.now), h.FromID); err != nil {
			return nil, err
		}
		if err := endSessionsAndTokens(tx, h.FromID); err != nil {
			return nil, err
		}
		res.Deactivated = true
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if res.Deactivated {
		s.users.tokens.forget(h.FromID)
	}
	return res, nil
}

// handoverTeam replaces the leaving user's account-team membership with the receiver's (same
// role); when the receiver is on the team already, the leaving user's entry only goes.
func handoverTeam(team []kam.TeamMember, from, to int64) ([]kam.TeamMember, bool) {
	has := false
	for _, m := range team {
		if m.UserID == to {
			has = true
		}
	}
	out := make([]kam.TeamMember, 0, len(team))
	moved := false
	for _, m := range team {
		if m.UserID == from {
			moved = true
			if has {
				continue
			}
			m.UserID, has = to, true
		}
		out = append(out, m)
	}
	return out, moved
}

// checkReceivers names the field of a bad receiver: none, too many, repeated, unknown, the
// leaving user, inactive, a role that cannot own files, or outside a supervisor's team.
func (s *HandoverService) checkReceivers(tx *Tx, a *kam.Actor, h kam.Handover, teamOnly bool) error {
	if len(h.To) == 0 {
		return fieldErr(kam.EInvalid, "to", "required", "name at least one user to hand over to")
	}
	if len(h.To) > kam.MaxHandoverReceivers {
		return fieldErr(kam.EInvalid, "to", "too_many", fmt.Sprintf("at most %d receivers", kam.MaxHandoverReceivers))
	}
	seen := map[int64]bool{}
	for i, id := range h.To {
		field := fmt.Sprintf("to[%d]", i)
		if seen[id] {
			return fieldErr(kam.EInvalid, field, "duplicate", "names the same user twice")
		}
		seen[id] = true
		if id == h.FromID {
			return fieldErr(kam.EInvalid, field, "self", "is the leaving user: hand over to someone else")
		}
		u, err := tx.handoverUser(id)
		if err != nil {
			return err
		}
		switch {
		case u == nil:
			return fieldErr(kam.EInvalid, field, "not_found", fmt.Sprintf("no user with id %d", id))
		case !u.active:
			return fieldErr(kam.EInvalid, field, "inactive", "the user is no longer active")
		case !kam.RoleOwnsFiles(u.role):
			return fieldErr(kam.EInvalid, field, "cannot_own", fmt.Sprintf("a %s cannot own customer files", u.role))
		case teamOnly && !u.inTeamOf(a):
			return fieldErr(kam.EForbidden, field, "outside_team", "a supervisor hands over only within their own team")
		}
	}
	return nil
}
