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
