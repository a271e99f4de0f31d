package sqldb

import "context"

// A large write transaction on SQLite (an import) leaves in the write-ahead log every page it
// changed, and its commit, by SQLite's automatic checkpoint, copied them all into the database
// file before returning (a million lines: 0.3 of the commit's 0.5 s). The import's own
// classification, which comes next and mostly reads, does not need them copied: the session turns
// the automatic checkpoint off for its commit (deferCheckpoint) and the copy runs on a goroutine
// of its own after it (checkpointBehind), which turns the automatic checkpoint on again. Readers
// read the log meanwhile; the next write waits for the write connection.

// deferCheckpoint keeps the commit of tx from checkpointing (SQLite; a no-op elsewhere).
func (tx *Tx) deferCheckpoint() error {
	if tx.db.dialect != SQLite {
		return nil
	}
	_, err := tx.Exec("PRAGMA wal_autocheckpoint = 0")
	return err
}

// checkpointBehind checkpoints on a goroutine of its own and turns the automatic checkpoint on
// again (on the one write connection, which deferCheckpoint set). Close waits for it.
func (db *DB) checkpointBehind() {
	if db.dialect != SQLite {
		return
	}
	db.checkpoints.Add(1)
	go func() {
		defer db.checkpoints.Done()
		ctx := context.Background()
		// A failed checkpoint loses nothing: the log stays, and the next one copies it.
		db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		db.write.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 1000")
	}()
}
