package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// RollupDiff is one figure of a stored rollup that differs from the figure recomputed from the
// lines and cost entries.
type RollupDiff struct {
	Table    string `json:"table"`
	Key      string `json:"key"`
	Column   string `json:"column"`
	Stored   int64  `json:"stored"`
	Computed int64  `json:"computed"`
}

func (d RollupDiff) String() string {
	return fmt.Sprintf("%s %s %s: stored %d, computed %d", d.Table, d.Key, d.Column, d.Stored, d.Computed)
}

// ledger converts an amount column to the ledger currency, rounding halves away from zero as the
// write path does (integer division truncates toward zero on both databases).
func ledgerSQL(col string) string {
	return fmt.Sprintf("(CASE WHEN o.fx_rate = 1000000 THEN %[1]s ELSE (%[1]s * o.fx_rate + CASE WHEN %[1]s < 0 THEN -500000 ELSE 500000 END) / 1000000 END)", col)
}

// CheckRollups reports order lines that lost their order or product, then recomputes every rollup from the order lines and cost entries with plain SQL
// aggregates (independently of the write path's delta arithmetic) and lists each difference;
// rows that are all zero count as absent. Both sides are read in key order and merged, so memory
// stays flat however large the ledger.
func (db *DB) CheckRollups(ctx context.Context) ([]RollupDiff, error) {
	if db.dialect == Postgres {
		// Fresh statistics keep the recount on hash joins (a plan made on stale estimates can
		// turn it into hours of nested loops).
		if _, err := db.write.ExecContext(ctx, "ANALYZE orders, order_lines, products, costs"); err != nil {
			return nil, err
		}
	}
	var orphans int
	err := db.reader().queryRow(ctx, `SELECT (SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)
		OR NOT EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id))
		+ (SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id))`).Scan(&orphans)
	if err != nil {
		return nil, err
	}
	var diffs []RollupDiff
	if orphans > 0 {
		// Lines carry no foreign keys (see the schema); this is the check that they hold.
		diffs = append(diffs, RollupDiff{Table: "order_lines", Key: "without their order, product or customer", Column: "records", Stored: int64(orphans)})
	}
	checks := rollupQueries()
	for _, c := range checks {
		d, err := db.mergeCompare(ctx, c.table, c.keys, c.cols, c.computed, c.stored)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", c.table, err)
		}
		diffs = append(diffs, d...)
	}
	return diffs, nil
}

// rollupQuery is one rollup table: the SQL that recomputes it and the SQL that reads it.
type rollupQuery struct {
	table    string
	keys     int
	computed string
	stored   string
	cols     []string
}

func rollupQueries() []rollupQuery {
	sales := []string{"net_revenue", "returns", "cost", "gross_profit", "orders", "lines", "quantity"}
	sums := `SUM(` + ledgerSQL("l.amount") + `), SUM(CASE WHEN l.amount < 0 THEN -` + ledgerSQL("l.amount") + ` ELSE 0 END), SUM(` + ledgerSQL("l.cost") + `),
		SUM(` + ledgerSQL("l.amount") + ` - ` + ledgerSQL("l.cost") + `), COUNT(DISTINCT CASE WHEN o.kind = 'order' THEN o.id END), COUNT(*), SUM(l.quantity)`
	return []rollupQuery{
		{"sales_monthly", 2,
			`SELECT o.customer_id, substr(o.order_date, 1, 7), ` + sums + ` FROM order_lines l JOIN orders o ON o.id = l.order_id
			GROUP BY o.customer_id, substr(o.order_date, 1, 7) ORDER BY 1, 2`,
			`SELECT customer_id, month, ` + strings.Join(sales, ", ") + ` FROM sales_monthly ORDER BY 1, 2`, sales},
		{"sales_category_monthly", 3,
			`SELECT o.customer_id, COALESCE(p.category_id, 0), substr(o.order_date, 1, 7), ` + sums + `
			FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
			GROUP BY o.customer_id, COALESCE(p.category_id, 0), substr(o.order_date, 1, 7) ORDER BY 1, 2, 3`,
			`SELECT customer_id, category_id, month, ` + strings.Join(sales, ", ") + ` FROM sales_category_monthly ORDER BY 1, 2, 3`, sales},
		{"cost_monthly", 3,
			`SELECT customer_id, substr(entry_date, 1, 7), expense_code, SUM(amount), COUNT(*) FROM costs
			GROUP BY customer_id, substr(entry_date, 1, 7), expense_code ORDER BY 1, 2, 3`,
			`SELECT customer_id, month, expense_code, amount, entries FROM cost_monthly ORDER BY 1, 2, 3`, []string{"amount", "entries"}},
	}
}

// rebuildRollups recomputes every rollup from the lines and cost entries, for bulk loads that
// write lines without the delta path (demo data) and for repairs.
func (tx *Tx) rebuildRollups() error {
	tx.rollupsChanged = true
	keyCols := map[string]string{"sales_monthly": "customer_id, month", "sales_category_monthly": "customer_id, category_id, month",
		"cost_monthly": "customer_id, month, expense_code"}
	for _, q := range rollupQueries() {
		if _, err := tx.Exec("DELETE FROM " + q.table); err != nil {
			return err
		}
		computed := q.computed[:strings.LastIndex(q.computed, "ORDER BY")]
		if _, err := tx.Exec("INSERT INTO " + q.table + " (" + keyCols[q.table] + ", " + strings.Join(q.cols, ", ") + ") " + computed); err != nil {
			return fmt.Errorf("rebuild %s: %w", q.table, err)
		}
	}
	return nil
}

// RebuildRollups recomputes every rollup from the lines and cost entries in one transaction.
func (db *DB) RebuildRollups(ctx context.Context) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.rebuildRollups(); err != nil {
		return err
	}
	return tx.Commit()
}

// rollupRow is a row of either side: its key as text parts (ids compare as numbers) and values.
type rollupRow struct {
	id   int64
	rest []string
	vals []int64
}

func (r *rollupRow) key() string { return fmt.Sprintf("%d/%s", r.id, strings.Join(r.rest, "/")) }

func compareKeys(a, b *rollupRow) int {
	if a.id != b.id {
		if a.id < b.id {
			return -1
		}
		return 1
	}
	for i := range a.rest {
		// Category ids are numbers and sort as numbers; months and codes as bytes.
		x, errx := strconv.ParseInt(a.rest[i], 10, 64)
		y, erry := strconv.ParseInt(b.rest[i], 10, 64)
		if errx == nil && erry == nil {
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
			continue
		}
		if c := strings.Compare(a.rest[i], b.rest[i]); c != 0 {
			return c
		}
	}
	return 0
}

// rowReader reads ordered rollup rows from a query.
type rowReader struct {
	next func() (*rollupRow, error)
	done func()
}

func (db *DB) readRollupRows(ctx context.Context, q string, keys, vals int) (*rowReader, error) {
	rows, err := db.reader().query(ctx, q)
	if err != nil {
		return nil, err
	}
	return &rowReader{
		next: func() (*rollupRow, error) {
			if !rows.Next() {
				return nil, rows.Err()
			}
			r := &rollupRow{rest: make([]string, keys-1), vals: make([]int64, vals)}
			ptrs := []any{&r.id}
			for i := range r.rest {
				ptrs = append(ptrs, &r.rest[i])
			}
			for i := range r.vals {
				ptrs = append(ptrs, &r.vals[i])
			}
			return r, rows.Scan(ptrs...)
		},
		done: func() { rows.Close() },
	}, nil
}

func (db *DB) mergeCompare(ctx context.Context, table string, keys int, cols []string, computedQ, storedQ string) ([]RollupDiff, error) {
	comp, err := db.readRollupRows(ctx, computedQ, keys, len(cols))
	if err != nil {
		return nil, err
	}
	defer comp.done()
	stor, err := db.readRollupRows(ctx, storedQ, keys, len(cols))
	if err != nil {
		return nil, err
	}
	defer stor.done()
	var diffs []RollupDiff
	report := func(key string, stored, computed []int64) {
		for i, col := range cols {
			var s, c int64
			if stored != nil {
				s = stored[i]
			}
			if computed != nil {
				c = computed[i]
			}
			if s != c {
				diffs = append(diffs, RollupDiff{Table: table, Key: key, Column: col, Stored: s, Computed: c})
			}
		}
	}
	a, err := comp.next()
	if err != nil {
		return nil, err
	}
	b, err := stor.next()
	if err != nil {
		return nil, err
	}
	for a != nil || b != nil {
		switch {
		case b == nil || (a != nil && compareKeys(a, b) < 0):
			report(a.key(), nil, a.vals)
			if a, err = comp.next(); err != nil {
				return nil, err
			}
		case a == nil || compareKeys(a, b) > 0:
			report(b.key(), b.vals, nil)
			if b, err = stor.next(); err != nil {
				return nil, err
			}
		default:
			report(a.key(), b.vals, a.vals)
			if a, err = comp.next(); err != nil {
				return nil, err
			}
			if b, err = stor.next(); err != nil {
				return nil, err
			}
		}
	}
	return diffs, nil
}

// CountRows counts the rows of a table, for checks and tests.
func (db *DB) CountRows(ctx context.Context, table string) (int, error) {
	for _, r := range table {
		if (r < 'a' || r > 'z') && r != '_' {
			return 0, fmt.Errorf("not a table name: %q", table)
		}
	}
	var n int
	err := db.reader().queryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}
