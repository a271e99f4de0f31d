package sqldb

import (
	"context"
	"fmt"

	"kam"
)

// FindCustomersDirectory answers a list from the directory (built when needed), for tests.
func (s *CustomerService) FindCustomersDirectory(ctx context.Context, f kam.CustomerFilter) ([]*kam.Customer, int, error) {
	return s.findCustomersDirectory(ctx, f)
}

// FindCustomersSQL exposes the SQL implementation of customer lists to tests.
func (s *CustomerService) FindCustomersSQL(ctx context.Context, f kam.CustomerFilter) ([]*kam.Customer, int, error) {
	return s.findCustomersSQL(ctx, f)
}

// CardBothWays reads a card pipelined (PostgreSQL) and with three separate queries.
func (s *CustomerService) CardBothWays(ctx context.Context, id int64) (*kam.Card, *kam.Card, error) {
	a := kam.ActorFrom(ctx)
	one, err := s.readCardPipelined(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	three, err := s.readCard(ctx, s.db.reader(), a, id)
	return one, three, err
}

// InsertCategoriesInBatches writes product categories in insertMany calls of the given sizes
// (per rows a statement at most) in one transaction, and answers how many distinct statements
// the transaction prepared and how many categories it holds then.
func (db *DB) InsertCategoriesInBatches(ctx context.Context, sizes []int, per int) (prepared, stored int, err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	n := 0
	for _, size := range sizes {
		rows := make([][]any, size)
		for i := range rows {
			n++
			rows[i] = []any{fmt.Sprintf("c%06d", n), fmt.Sprintf("category %d", n), db.timeArg(tx.now)}
		}
		if err := tx.insertMany("product_categories", []string{"code", "name", "created_at"}, rows, "", per); err != nil {
			return 0, 0, err
		}
	}
	prepared = len(tx.stmts)
	err = tx.QueryRow("SELECT count(*) FROM product_categories").Scan(&stored)
	return prepared, stored, err
}

// FlushRollupsAt makes import sessions add their rollup deltas to the tables once they hold n
// keys, until restore is called.
func FlushRollupsAt(n int) (restore func()) {
	old := maxDelta
	maxDelta = n
	return func() { maxDelta = old }
}

// WriteBehindTx is a transaction that writes behind (see writeBehind), for tests of its order,
// its reads between writes and its failures. Its writes add product categories.
type WriteBehindTx struct{ tx *Tx }

func (db *DB) BeginWriteBehind(ctx context.Context) (*WriteBehindTx, error) {
	tx, err := db.beginConn(ctx)
	if err != nil {
		return nil, err
	}
	tx.startWriteBehind()
	return &WriteBehindTx{tx}, nil
}

// Later queues the write of a category coded code, which waits for wait to close first (when
// not nil).
func (w *WriteBehindTx) Later(code string, wait <-chan struct{}) error {
	return w.tx.later(func(tx *Tx) error {
		if wait != nil {
			<-wait
		}
		_, err := tx.Exec("INSERT INTO product_categories (code, name, created_at) VALUES (?, ?, ?)", code, code, tx.db.timeArg(tx.now))
		return err
	})
}

// Count counts the categories with a query of the session's: after the queued writes.
func (w *WriteBehindTx) Count() (n int, err error) {
	err = w.tx.QueryRow("SELECT count(*) FROM product_categories").Scan(&n)
	if err == nil {
		err = w.tx.settle()
	}
	return n, err
}

// CountBetween counts the categories between queued writes, without waiting for them.
func (w *WriteBehindTx) CountBetween() (n int, err error) {
	err = w.tx.between(func(tx *Tx) error { return tx.QueryRow("SELECT count(*) FROM product_categories").Scan(&n) })
	return n, err
}

// Exec runs a statement of the session's.
func (w *WriteBehindTx) Exec(q string) error { _, err := w.tx.Exec(q); return err }

func (w *WriteBehindTx) Commit() error   { return w.tx.Commit() }
func (w *WriteBehindTx) Rollback() error { return w.tx.Rollback() }

// AutoCheckpoint waits for the checkpoints running behind and answers the write connection's
// automatic checkpoint setting (SQLite; 0 elsewhere).
func (db *DB) AutoCheckpoint(ctx context.Context) (int, error) {
	db.checkpoints.Wait()
	if db.dialect != SQLite {
		return 0, nil
	}
	var n int
	err := db.write.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&n)
	return n, err
}
