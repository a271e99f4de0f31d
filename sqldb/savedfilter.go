package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"

	"kam"
)

// Saved filters (kam.SavedFilterService): a user's own filters and the shared ones of others.
// Only the owner changes or deletes a filter; another user's private filter is not found.

const savedFilterColumns = "id, user_id, name, shared, criteria, version, created_at, updated_at"

func scanSavedFilter(row interface{ Scan(...any) error }) (*kam.SavedFilter, error) {
	f := &kam.SavedFilter{}
	var shared int64
	var criteria string
	if err := row.Scan(&f.ID, &f.UserID, &f.Name, &shared, &criteria, &f.Version, timeScan{&f.CreatedAt}, timeScan{&f.UpdatedAt}); err != nil {
		return nil, err
	}
	f.Shared = shared != 0
	if err := json.Unmarshal([]byte(criteria), &f.Criteria); err != nil {
		return nil, err
	}
	return f, nil
}

// SavedFilters lists the actor's filters and the shared filters of others, by name.
func (s *LedgerService) SavedFilters(ctx context.Context) ([]*kam.SavedFilter, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.reader().query(ctx, "SELECT "+savedFilterColumns+" FROM saved_filters WHERE user_id = ? OR shared = 1 ORDER BY name, id LIMIT 500", a.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.SavedFilter{}
	for rows.Next() {
		f, err := scanSavedFilter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SavedFilter returns one of the actor's filters, or a shared one.
func (s *LedgerService) SavedFilter(ctx context.Context, id int64) (*kam.SavedFilter, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.savedFilter(ctx, s.db.reader(), a, id)
}

func (s *LedgerService) savedFilter(ctx context.Context, c conn, a *kam.Actor, id int64) (*kam.SavedFilter, error) {
	f, err := scanSavedFilter(c.queryRow(ctx, "SELECT "+savedFilterColumns+" FROM saved_filters WHERE id = ? AND (user_id = ? OR shared = 1)", id, a.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("saved filter")
	}
	return f, err
}

// beginFilterWrite checks a filter to store and begins its transaction: the actor, the criteria as
// JSON, the transaction (the caller rolls it back).
func (s *LedgerService) beginFilterWrite(ctx context.Context, f *kam.SavedFilter) (*kam.Actor, string, *Tx, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, "", nil, err
	}
	criteria, err := json.Marshal(f.Criteria)
	if err != nil {
		return nil, "", nil, err
	}
	tx, err := s.db.Begin(ctx)
	return a, string(criteria), tx, err
}

// nameTaken is the conflict of a filter name the user has already.
func nameTaken(name string) error {
	return &kam.Error{Code: kam.EConflict, Message: "you have a filter of this name already",
		Fields: []kam.FieldError{{Field: "name", Code: "taken", Message: "you have a filter named " + strconv.Quote(name) + " already"}}}
}

// CreateSavedFilter stores a new filter of the actor.
func (s *LedgerService) CreateSavedFilter(ctx context.Context, f *kam.SavedFilter) error {
	a, criteria, tx, err := s.beginFilterWrite(ctx, f)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	f.UserID, f.Version, f.CreatedAt, f.UpdatedAt = a.UserID, 1, tx.now, tx.now
	err = tx.QueryRow("INSERT INTO saved_filters (user_id, name, shared, criteria, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
		a.UserID, f.Name, btoi(f.Shared), criteria, s.db.timeArg(tx.now), s.db.timeArg(tx.now)).Scan(&f.ID)
	if isUniqueViolation(err) {
		return nameTaken(f.Name)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateSavedFilter replaces the name, sharing and criteria of one of the actor's filters at
// version (EPreconditionFailed when someone changed it since).
func (s *LedgerService) UpdateSavedFilter(ctx context.Context, id, version int64, f *kam.SavedFilter) error {
	a, criteria, tx, err := s.beginFilterWrite(ctx, f)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := s.ownFilter(ctx, tx, a, id, version)
	if err != nil {
		return err
	}
	_, err = tx.Exec("UPDATE saved_filters SET name = ?, shared = ?, criteria = ?, version = version + 1, updated_at = ? WHERE id = ?",
		f.Name, btoi(f.Shared), criteria, s.db.timeArg(tx.now), id)
	if isUniqueViolation(err) {
		return nameTaken(f.Name)
	}
	if err != nil {
		return err
	}
	f.ID, f.UserID, f.Version, f.CreatedAt, f.UpdatedAt = id, a.UserID, old.Version+1, old.CreatedAt, tx.now
	return tx.Commit()
}

// DeleteSavedFilter deletes one of the actor's filters.
func (s *LedgerService) DeleteSavedFilter(ctx context.Context, id, version int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := s.ownFilter(ctx, tx, a, id, version); err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM saved_filters WHERE id = ?", id); err != nil {
		return err
	}
	return tx.Commit()
}

// ownFilter reads one of the actor's own filters in tx for a change at version (0: whichever):
// another's private filter is not found, another's shared one forbidden, a stale version refused.
func (s *LedgerService) ownFilter(ctx context.Context, tx *Tx, a *kam.Actor, id, version int64) (*kam.SavedFilter, error) {
	old, err := s.savedFilter(ctx, tx.conn, a, id)
	if err != nil {
		return nil, err
	}
	if old.UserID != a.UserID {
		return nil, kam.Errorf(kam.EForbidden, "only its owner changes or deletes a saved filter")
	}
	if version != 0 && old.Version != version {
		return nil, kam.Errorf(kam.EPreconditionFailed, "the filter was changed since (version %d)", old.Version)
	}
	return old, nil
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
