package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"kam"
)

// PeriodDetails returns, for every customer the actor's portfolio holds (as PeriodFigures), what
// the behaviour models and segments need beyond the period's sums: the segment fields, the
// monthly net revenue of the months from–to, the same months a year earlier, the wallet of the
// year the period ends and of the year before, and the first month with an order. Everything
// comes from the rollups and the wallet estimates, ordered by id. The categories bought are
// PeriodCategories: at 100,000 customers their sums read millions of rollup rows (seconds),
// which only segments by category and category filters need.
func (s *LedgerService) PeriodDetails(ctx context.Context, from, to string) ([]kam.CustomerDetail, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	out, index, err := customerDetails(ctx, c, scope, sargs, from, to)
	if err != nil {
		return nil, err
	}
	first := monthIndex(from)
	rollup, in, rargs := scopedRollup("sales_monthly", scope, sargs)
	err = eachRow(c.query(ctx, "SELECT m.customer_id, m.month, m.net_revenue FROM "+rollup+" WHERE "+in+"m.month >= ? AND m.month <= ?",
		append(rargs, from, to)...))(func(scan scanFunc) error {
		var id int64
		var m string
		var v kam.Money
		if err := scan(&id, &m, &v); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			if k := monthIndex(m) - first; k >= 0 && k < len(out[i].Monthly) {
				out[i].Monthly[k] = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(c.query(ctx, "SELECT m.customer_id, SUM(m.net_revenue) FROM "+rollup+" WHERE "+in+"m.month >= ? AND m.month <= ? GROUP BY m.customer_id",
		append(rargs, yearBefore(from), yearBefore(to))...))(func(scan scanFunc) error {
		var id int64
		var v kam.Money
		if err := scan(&id, &v); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].Prior = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := addWalletsAndFirstMonths(ctx, c, scope, sargs, to, out, index); err != nil {
		return nil, err
	}
	return out, nil
}

// scanFunc scans the current row.
type scanFunc func(dest ...any) error

// eachRow takes a query's result and calls fn with each row, closing the rows at the end; the
// first error (of the query, of fn, of the rows) is returned.
func eachRow(rows *sql.Rows, err error) func(fn func(scanFunc) error) error {
	return func(fn func(scanFunc) error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// customerDetails reads the segment fields of the customers in scope, ordered by id, each with
// a zero monthly revenue per month of from–to, and the index of each id. The segment fields take
// a few values each: every customer's share one text per value (100,000 customers' four fields
// would be 400,000 small allocations).
func customerDetails(ctx context.Context, c conn, scope string, sargs []any, from, to string) ([]kam.CustomerDetail, map[int64]int, error) {
	// Counted first, so that the details and their months are each one allocation of the right
	// size (appended, 100,000 details would end in room for 131,072 and copies on the way).
	var n int
	if err := c.queryRow(ctx, "SELECT COUNT(*) FROM customers c WHERE "+scope, sargs...).Scan(&n); err != nil {
		return nil, nil, err
	}
	out := make([]kam.CustomerDetail, 0, n)
	index := make(map[int64]int, n)
	span := max(monthIndex(to)-monthIndex(from)+1, 0)
	months := make([]kam.Money, n*span)
	values := texts{}
	var industry, nature, role, province sql.RawBytes
	err := eachRow(c.query(ctx, `SELECT c.id, c.code, c.industry, c.nature, c.channel_role, c.province, c.owner_id FROM customers c
		WHERE `+scope+` ORDER BY c.id`, sargs...))(func(scan scanFunc) error {
		var d kam.CustomerDetail
		if err := scan(&d.CustomerID, &d.Code, &industry, &nature, &role, &province, &d.OwnerID); err != nil {
			return err
		}
		d.Industry, d.Nature, d.ChannelRole, d.Province = values.of(industry), values.of(nature), values.of(role), values.of(province)
		if len(months) >= span {
			d.Monthly, months = months[:span:span], months[span:]
		} else { // a customer added since the count
			d.Monthly = make([]kam.Money, span)
		}
		index[d.CustomerID] = len(out)
		out = append(out, d)
		return nil
	})
	return out, index, err
}

// texts holds one copy of each text read.
type texts map[string]string

func (t texts) of(b []byte) string {
	if s, ok := t[string(b)]; ok {
		return s
	}
	s := string(b)
	t[s] = s
	return s
}

// addWalletsAndFirstMonths fills in the details of the customers of index the wallet of the year
// the period (ending in month to) ends and of the year before, and the first month with an order.
func addWalletsAndFirstMonths(ctx context.Context, c conn, scope string, sargs []any, to string, out []kam.CustomerDetail, index map[int64]int) error {
	year, _ := strconv.Atoi(to[:4])
	for _, y := range []int{year, year - 1} {
		err := eachRow(c.query(ctx, walletQuery, fmt.Sprintf("%04d-01", y), fmt.Sprintf("%04d-12", y), y))(func(scan scanFunc) error {
			var id int64
			var est, ours kam.Money
			if err := scan(&id, &est, &ours); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				if y == year {
					out[i].WalletEstimate, out[i].WalletOurs = est, ours
				} else {
					out[i].PriorWalletEstimate, out[i].PriorWalletOurs = est, ours
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	rollup, in, rargs := scopedRollup("sales_monthly", scope, sargs)
	return eachRow(c.query(ctx, "SELECT m.customer_id, MIN(m.month) FROM "+rollup+" WHERE "+in+"m.orders > 0 GROUP BY m.customer_id", rargs...))(func(scan scanFunc) error {
		var id int64
		var m string
		if err := scan(&id, &m); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].FirstMonth = m
		}
		return nil
	})
}

// unindexed is a column in a condition that SQLite must not take an index for (a unary +): a
// rollup read over many months is read faster in the order of its key than through its month
// index, which costs a lookup of the table per row. PostgreSQL plans with statistics.
func (db *DB) unindexed(col string) string {
	if db.dialect == Postgres {
		return col
	}
	return "+" + col
}

// scopedRollup is a rollup table as m, read for the customers c of a scope: the FROM clause, the
// start of the WHERE clause (with its AND) and its arguments. For every customer it is the table
// alone; for a narrower scope the customers come first (CROSS JOIN fixes SQLite's order), each
// reading its own range of the rollup's key, instead of every customer's rows of the months
// through the month index, each looked up and most dropped.
func scopedRollup(table, scope string, sargs []any) (from, where string, args []any) {
	if scope == everyCustomer {
		return table + " m", "", nil
	}
	return "customers c CROSS JOIN " + table + " m", "m.customer_id = c.id AND (" + scope + ") AND ", slices.Clone(sargs)
}

// walletQuery sums, per customer with wallet estimates of a year (the third argument), the
// estimates and our net revenue in those categories over the months of the first two arguments.
// It is driven by the estimates, which few customers have, each sum a range of the category
// rollup's key.
const walletQuery = `SELECT w.customer_id, SUM(w.amount), COALESCE(SUM((SELECT SUM(m.net_revenue) FROM sales_category_monthly m
	WHERE m.customer_id = w.customer_id AND m.category_id = w.category_id AND m.month >= ? AND m.month <= ?)), 0)
	FROM wallet_estimates w WHERE w.year = ? GROUP BY w.customer_id`

// PeriodCategories returns, for every customer the actor's portfolio holds, its net revenue in
// each product category with sales or returns in the months from–to.
func (s *LedgerService) PeriodCategories(ctx context.Context, from, to string) (map[int64]map[int64]kam.Money, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	// SQLite would pick the month index and sort for the grouping; the key's order (customer,
	// category, month) reads the table straight through and groups as it goes, in a seventh of
	// the time.
	month := s.db.unindexed("m.month")
	rollup, in, rargs := scopedRollup("sales_category_monthly", scope, sargs)
	out := map[int64]map[int64]kam.Money{}
	err = eachRow(s.db.reader().query(ctx, `SELECT m.customer_id, m.category_id, SUM(m.net_revenue) FROM `+rollup+`
		WHERE `+in+month+` >= ? AND `+month+` <= ? GROUP BY m.customer_id, m.category_id`, append(rargs, from, to)...))(func(scan scanFunc) error {
		var id, cat int64
		var v kam.Money
		if err := scan(&id, &cat, &v); err != nil {
			return err
		}
		if out[id] == nil {
			out[id] = map[int64]kam.Money{}
		}
		out[id][cat] = v
		return nil
	})
	return out, err
}

// yearBefore is the month (YYYY-MM) a year before m.
func yearBefore(m string) string {
	y, _ := strconv.Atoi(m[:4])
	return fmt.Sprintf("%04d%s", y-1, m[4:])
}

// monthIndex numbers a month (YYYY-MM) so that consecutive months differ by one.
func monthIndex(m string) int {
	ym := monthOf(m + "-01")
	return int(ym/100)*12 + int(ym%100)
}

// Categories lists the product categories by name (they hold no customer's data).
func (s *LedgerService) Categories(ctx context.Context) ([]kam.Category, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.reader().query(ctx, "SELECT id, code, name FROM product_categories ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.Category{}
	for rows.Next() {
		var k kam.Category
		if err := rows.Scan(&k.ID, &k.Code, &k.Name); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
