package sqldb

import (
	"context"

	"kam"
)

// SaveClassificationBy stores a run copying per results at a time, for tests.
func (s *LedgerService) SaveClassificationBy(ctx context.Context, run *kam.ClassificationRun, per int) error {
	return s.saveClassification(ctx, run, per)
}

// WriteCacheSize is the SQLite writer's page cache setting, for tests.
func (db *DB) WriteCacheSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.write.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&n)
	return n, err
}
