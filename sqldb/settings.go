package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"kam"
)

// Settings are stored one JSON value per key in the settings table (analytics thresholds, the
// rules of borrowing …).

// readSetting decodes the value stored under key into dst, which keeps its defaults when nothing
// is stored.
func readSetting(ctx context.Context, c conn, key string, dst any) error {
	var v string
	err := c.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(v), dst)
}

// saveRules stores rules that directors and admins set (the models' settings) once they are
// valid; refusal says who may, for everyone else.
func (s *LedgerService) saveRules(ctx context.Context, key string, rules interface{ Validate() error }, refusal string) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanEditSettings(a) {
		return kam.Errorf(kam.EForbidden, "%s", refusal)
	}
	if err := rules.Validate(); err != nil {
		return err
	}
	return s.db.writeSetting(ctx, key, rules, a.UserID)
}

// writeSetting stores value under key in its own transaction, naming who set it.
func (db *DB) writeSetting(ctx context.Context, key string, value any, userID int64) error {
	v, err := json.Marshal(value)
	if err != nil {
		return err
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO settings (key, value, user_id, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, user_id = excluded.user_id, updated_at = excluded.updated_at`,
		key, string(v), userID, db.timeArg(tx.now)); err != nil {
		return err
	}
	return tx.Commit()
}
