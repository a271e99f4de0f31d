package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
)

// On SQLite the audit log lives in a file of its own beside the database: PATH-audit (with its
// -wal and -shm files), created and brought up to date when the database is opened. The reason is
// speed, and it is large: SQLite has no finer invalidation than "the file changed", so after
// every commit each reader of the file starts its next transaction with an empty page cache and
// maps the file again. Every view of a customer file is recorded; in the database file itself
// those records would make every reader of the busy server start cold again and again. In their
// own file they cost the readers of customer files nothing. Back up both files together.
// PostgreSQL keeps the log in the database (its readers lose nothing by other writes).

// auditPath is the audit file of a SQLite database file; query parameters stay with it.
func auditPath(driverDSN string) string {
	if path, query, found := strings.Cut(driverDSN, "?"); found {
		return path + "-audit?" + query
	}
	return driverDSN + "-audit"
}

// AuditPath is the file that holds the audit log of the SQLite database file path.
func AuditPath(path string) string { return auditPath(path) }

// openAuditFile opens (creating it if need be) and migrates the audit file of a SQLite database.
func (db *DB) openAuditFile(ctx context.Context, driverDSN string) error {
	a, err := openSQLite(ctx, auditPath(driverDSN))
	if err != nil {
		return fmt.Errorf("open the audit log: %w", err)
	}
	a.Now = func() time.Time { return db.Now() } // one clock, even when a test replaces it
	db.audit = a
	sub, err := fs.Sub(migrations, "migrations/sqlite_audit")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, a.write, sub)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("audit log schema: %w", err)
	}
	return db.moveAuditEntries(ctx)
}

// auditStore is the database that holds the audit log.
func (db *DB) auditStore() *DB {
	if db.audit != nil {
		return db.audit
	}
	return db
}

// moveAuditEntries copies, once, the entries of a database whose log was kept in the database
// file itself (as KAM did before it had the audit file) into the audit file: ids, times and
// hashes as they were, and the chain head, so the chain goes on and `kam audit verify` checks the
// old entries too. The old table stays (append-only, it cannot be emptied) and is not written
// again.
func (db *DB) moveAuditEntries(ctx context.Context) error {
	var tables int
	if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_log', 'audit_head')").Scan(&tables); err != nil || tables < 2 {
		return err
	}
	var oldID int64
	var oldHash string
	if err := db.read.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE one = 1").Scan(&oldID, &oldHash); err != nil || oldID == 0 {
		if err == sql.ErrNoRows {
			err = nil
		}
		return err
	}
	tx, err := db.audit.Begin(ctx) // exclusive: a second process opening at once waits, then finds the entries moved
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var lastID int64
	if err := tx.QueryRow("SELECT last_id FROM audit_head WHERE one = 1").Scan(&lastID); err != nil || lastID != 0 {
		return err
	}
	rows, err := db.read.QueryContext(ctx, auditSelect+" ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	var batch [][]any
	flush := func() error {
		err := tx.insertMany("audit_log", auditCols, batch, "", 200)
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(auditCols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if batch = append(batch, vals); len(batch) == 200 {
			if err := flush(); err != nil {
				return fmt.Errorf("move the audit log: %w", err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return fmt.Errorf("move the audit log: %w", err)
	}
	if _, err := tx.Exec("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE one = 1", oldID, oldHash); err != nil {
		return err
	}
	return tx.Commit()
}
