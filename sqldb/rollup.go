package sqldb

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"kam"
)

// Rollups (sales per customer × month, per customer × category × month, cost-to-serve per
// customer × month × expense code) are kept current by the write path in the same transaction:
// every write of lines turns into deltas, summed in memory and added to the stored rows before
// commit (and whenever the deltas grow large). Sums are additive per line. The order counts are
// not (an order counts once per key however many lines it has there), so each order being
// written carries how many of its lines fall in each category; a count moves only when that
// number moves between zero and non-zero.

// Months are held as yyyymm numbers: a key never keeps the text of an imported row alive.
type monthKey struct {
	customer int64
	month    int32
}

type categoryKey struct {
	customer int64
	category int64
	month    int32
}

type costKey struct {
	customer int64
	month    int32
	code     string
}

// monthOf returns the yyyymm of a YYYY-MM-DD date.
func monthOf(date string) int32 {
	if len(date) < 7 {
		return 0
	}
	y, m := 0, 0
	for _, c := range date[:4] {
		y = y*10 + int(c-'0')
	}
	m = int(date[5]-'0')*10 + int(date[6]-'0')
	return int32(y*100 + m)
}

// monthText returns the YYYY-MM of a yyyymm.
func monthText(m int32) string { return fmt.Sprintf("%04d-%02d", m/100, m%100) }

// salesAgg are the additive figures of a rollup row; profit is net − cost.
type salesAgg struct {
	net, returns, cost, orders, lines, quantity int64
}

type costAgg struct{ amount, entries int64 }

// rollupDelta collects changes to the rollups of one transaction.
type rollupDelta struct {
	months     map[monthKey]*salesAgg
	categories map[categoryKey]*salesAgg
	costs      map[costKey]*costAgg
	// newCustomers are the customers the transaction created (see newCustomer), flushed the
	// keys of their rows that flushes wrote: a key of a new customer not written yet has no
	// stored row to add to.
	newCustomers map[int64]struct{}
	flushed      *keySet
	// perMonth counts the keys of each month (yyyymm) held (see takeBefore).
	perMonth map[int32]int
}

func newRollupDelta() *rollupDelta {
	return &rollupDelta{
		months:     map[monthKey]*salesAgg{},
		categories: map[categoryKey]*salesAgg{},
		costs:      map[costKey]*costAgg{},
		perMonth:   map[int32]int{},
	}
}

// oldestMonth is the earliest month of a key held; 0 when none is.
func (d *rollupDelta) oldestMonth() int32 {
	var oldest int32
	for m := range d.perMonth {
		if oldest == 0 || m < oldest {
			oldest = m
		}
	}
	return oldest
}

// takeBefore moves the keys of the months before cutoff into a delta of their own, which knows
// the same new customers and written keys.
func (d *rollupDelta) takeBefore(cutoff int32) *rollupDelta {
	out := newRollupDelta()
	out.newCustomers, out.flushed = d.newCustomers, d.flushed
	moveBefore(d.months, out.months, cutoff, func(k monthKey) int32 { return k.month })
	moveBefore(d.categories, out.categories, cutoff, func(k categoryKey) int32 { return k.month })
	moveBefore(d.costs, out.costs, cutoff, func(k costKey) int32 { return k.month })
	for m := range d.perMonth {
		if m < cutoff {
			delete(d.perMonth, m)
		}
	}
	return out
}

func moveBefore[K comparable, V any](from, to map[K]*V, cutoff int32, month func(K) int32) {
	for k, v := range from {
		if month(k) < cutoff {
			to[k] = v
			delete(from, k)
		}
	}
}

func (d *rollupDelta) size() int { return len(d.months) + len(d.categories) + len(d.costs) }

func (d *rollupDelta) month(k monthKey) *salesAgg {
	a := d.months[k]
	if a == nil {
		a = &salesAgg{}
		d.months[k] = a
		d.perMonth[k.month]++
	}
	return a
}

func (d *rollupDelta) category(k categoryKey) *salesAgg {
	a := d.categories[k]
	if a == nil {
		a = &salesAgg{}
		d.categories[k] = a
		d.perMonth[k.month]++
	}
	return a
}

// orderHead is what of an order decides where its lines are rolled up.
type orderHead struct {
	customer int64
	date     string // YYYY-MM-DD
	kind     string
	fx       kam.Rate
}

func (h orderHead) month() int32 { return monthOf(h.date) }

// lineFigures is what of a line goes into the rollups.
type lineFigures struct {
	category int64
	quantity kam.Quantity
	amount   kam.Money
	cost     kam.Money
}

// orderTally tracks an order's lines per category while it is being written.
type orderTally struct {
	head  orderHead
	lines int
	cats  []catCount // few per order: a slice beats a map
}

type catCount struct {
	category int64
	lines    int
}

func (t *orderTally) catIndex(c int64) int {
	for i := range t.cats {
		if t.cats[i].category == c {
			return i
		}
	}
	t.cats = append(t.cats, catCount{category: c})
	return len(t.cats) - 1
}

// ledgerAmounts converts a line's amount and cost to the ledger currency.
func ledgerAmounts(h orderHead, l lineFigures) (amount, cost int64, err error) {
	a, err := l.amount.Convert(h.fx)
	if err != nil {
		return 0, 0, err
	}
	c, err := l.cost.Convert(h.fx)
	if err != nil {
		return 0, 0, err
	}
	return int64(a), int64(c), nil
}

// addLine records a line added to the order (sign +1) or removed from it (sign −1).
func (d *rollupDelta) line(t *orderTally, l lineFigures, sign int64) error {
	amount, cost, err := ledgerAmounts(t.head, l)
	if err != nil {
		return err
	}
	var returns int64
	if amount < 0 {
		returns = -amount
	}
	mk := monthKey{t.head.customer, t.head.month()}
	ck := categoryKey{t.head.customer, l.category, t.head.month()}
	month, category := d.month(mk), d.category(ck)
	for _, a := range []*salesAgg{month, category} {
		a.net += sign * amount
		a.returns += sign * returns
		a.cost += sign * cost
		a.lines += sign
		a.quantity += sign * int64(l.quantity)
	}
	counted := t.head.kind == kam.OrderKindSale
	i := t.catIndex(l.category)
	before, beforeCat := t.lines, t.cats[i].lines
	t.lines += int(sign)
	t.cats[i].lines += int(sign)
	if counted {
		month.orders += orderStep(before, t.lines)
		category.orders += orderStep(beforeCat, t.cats[i].lines)
	}
	return nil
}

// orderStep is +1 when a count of lines becomes non-zero, −1 when it drops to zero.
func orderStep(before, after int) int64 {
	switch {
	case before == 0 && after > 0:
		return 1
	case before > 0 && after == 0:
		return -1
	}
	return 0
}

// cost records a cost-to-serve entry added (+1) or removed (−1).
func (d *rollupDelta) cost(customer int64, date, code string, amount kam.Money, sign int64) {
	k := costKey{customer, monthOf(date), strings.Clone(code)}
	a := d.costs[k]
	if a == nil {
		a = &costAgg{}
		d.costs[k] = a
		d.perMonth[k.month]++
	}
	a.amount += sign * int64(amount)
	a.entries += sign
}

// flushRows is how many rollup rows one statement adds.
const flushRows = 200

// flush adds the deltas to the stored rollups and empties them. Keys are written in a fixed order,
// which keeps concurrent writers from deadlocking on PostgreSQL. Keys that cannot have a stored
// row yet (fresh) are inserted as they are, without looking for one to add to. Which keys are
// fresh is decided now; the rows are written behind (see writeBehind): the delta starts anew and
// the write owns the old sums.
func (tx *Tx) flushRollups(d *rollupDelta) error {
	if d.size() > 0 {
		tx.rollupsChanged = true
	}
	salesCols := []string{"net_revenue", "returns", "cost", "gross_profit", "orders", "lines", "quantity"}
	addSales := func(args []any, a *salesAgg) []any {
		return append(args, a.net, a.returns, a.cost, a.net-a.cost, a.orders, a.lines, a.quantity)
	}
	writes := []func(*Tx) error{
		planRollup(d, "sales_monthly", []string{"customer_id", "month"}, salesCols, d.months,
			func(k monthKey) int64 { return k.customer },
			func(a, b monthKey) int {
				return cmp.Or(cmp.Compare(a.customer, b.customer), cmp.Compare(a.month, b.month))
			},
			func(k monthKey, a *salesAgg, args []any) []any {
				return addSales(append(args, k.customer, monthText(k.month)), a)
			}),
		planRollup(d, "sales_category_monthly", []string{"customer_id", "category_id", "month"}, salesCols, d.categories,
			func(k categoryKey) int64 { return k.customer },
			func(a, b categoryKey) int {
				return cmp.Or(cmp.Compare(a.customer, b.customer), cmp.Compare(a.category, b.category), cmp.Compare(a.month, b.month))
			},
			func(k categoryKey, a *salesAgg, args []any) []any {
				return addSales(append(args, k.customer, k.category, monthText(k.month)), a)
			}),
		planRollup(d, "cost_monthly", []string{"customer_id", "month", "expense_code"}, []string{"amount", "entries"}, d.costs,
			func(k costKey) int64 { return k.customer },
			func(a, b costKey) int {
				return cmp.Or(cmp.Compare(a.customer, b.customer), cmp.Compare(a.month, b.month), strings.Compare(a.code, b.code))
			},
			func(k costKey, a *costAgg, args []any) []any {
				return append(args, k.customer, monthText(k.month), k.code, a.amount, a.entries)
			}),
	}
	d.months, d.categories, d.costs = map[monthKey]*salesAgg{}, map[categoryKey]*salesAgg{}, map[costKey]*costAgg{}
	d.perMonth = map[int32]int{}
	for _, w := range writes {
		if err := tx.later(w); err != nil {
			return err
		}
	}
	return nil
}

// planRollup sorts the non-zero deltas of one rollup table (key columns, then value columns, as
// row appends them) in the order of less, records the fresh keys as written, and returns the
// write of them. m must not change after: the write reads it.
func planRollup[K comparable, V comparable](d *rollupDelta, table string, keyCols, valCols []string, m map[K]*V,
	customer func(K) int64, less func(a, b K) int, row func(K, *V, []any) []any) func(*Tx) error {
	var zero V
	var stored, fresh []K
	for k, a := range m {
		switch {
		case *a == zero:
		case freshKey(d, customer(k), k):
			fresh = append(fresh, k)
		default:
			stored = append(stored, k)
		}
	}
	slices.SortFunc(stored, less)
	slices.SortFunc(fresh, less)
	for _, k := range fresh {
		wroteKey(d, k)
	}
	cols := append(append([]string{}, keyCols...), valCols...)
	return func(tx *Tx) error {
		err := tx.upsertAdd(table, keyCols, valCols, len(stored), func(i int, args []any) []any { return row(stored[i], m[stored[i]], args) })
		if err != nil {
			return err
		}
		return tx.insertNew(table, cols, len(fresh), func(i int, args []any) []any { return row(fresh[i], m[fresh[i]], args) })
	}
}

// newCustomer records a customer the transaction created: it has no rollup rows but those the
// delta writes.
func (d *rollupDelta) newCustomer(id int64) {
	if d.newCustomers == nil {
		d.newCustomers, d.flushed = map[int64]struct{}{}, newKeySet()
	}
	d.newCustomers[id] = struct{}{}
}

// freshKey tells whether the row of key (of customer) cannot be stored: the customer is new, and no
// flush wrote the key yet (the set of keys written may answer maybe for one it did not: the
// key is then added to as if stored, which finds nothing to add to and inserts it).
func freshKey[K comparable](d *rollupDelta, customer int64, key K) bool {
	if _, ok := d.newCustomers[customer]; !ok {
		return false
	}
	return !d.flushed.mayHoldHash(keySetHash(d.flushed, key))
}

// wroteKey records that a flush wrote the row of a fresh key.
func wroteKey[K comparable](d *rollupDelta, key K) { d.flushed.addHash(keySetHash(d.flushed, key)) }

// insertNew writes n rows that no stored row has the key of: COPY on PostgreSQL, multi-row
// INSERTs elsewhere.
func (tx *Tx) insertNew(table string, cols []string, n int, row func(i int, args []any) []any) error {
	if tx.sqlConn != nil {
		return tx.copyEach(table, cols, n, row)
	}
	return tx.insertChunks(table, cols, "", n, row)
}

// upsertAdd writes n rows (key columns, then value columns; row appends row i's values to args),
// adding the values to a row that exists. Rows are built a statement at a time, so a large flush
// needs no second copy of the deltas.
func (tx *Tx) upsertAdd(table string, keys, values []string, n int, row func(i int, args []any) []any) error {
	cols := append(append([]string{}, keys...), values...)
	sets := make([]string, len(values))
	for i, v := range values {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", v, table, v, v)
	}
	suffix := " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ")
	if tx.sqlConn != nil && n > flushRows {
		return tx.upsertAddByCopy(table, cols, suffix, n, row)
	}
	return tx.insertChunks(table, cols, suffix, n, row)
}

// insertChunks writes n rows (row appends row i's values to args) in multi-row INSERT statements
// of flushRows rows at most, each followed by suffix.
func (tx *Tx) insertChunks(table string, cols []string, suffix string, n int, row func(i int, args []any) []any) error {
	args := make([]any, 0, flushRows*len(cols))
	for start, end := 0, 0; start < n; start = end {
		end = start + chunkRows(n-start, flushRows)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if _, err := tx.execPrepared(insertSQL(table, cols, end-start)+suffix, args...); err != nil {
			return fmt.Errorf("write %s: %w", table, err)
		}
	}
	return nil
}

// copyEach copies n rows into table on PostgreSQL, ten thousand at a time.
func (tx *Tx) copyEach(table string, cols []string, n int, row func(i int, args []any) []any) error {
	rows := make([][]any, 0, min(n, 10000))
	for start := 0; start < n; start += 10000 {
		rows = rows[:0]
		for i := start; i < min(start+10000, n); i++ {
			rows = append(rows, row(i, make([]any, 0, len(cols))))
		}
		if err := tx.copyRows(table, cols, rows); err != nil {
			return err
		}
	}
	return nil
}

// upsertAddByCopy is upsertAdd for large flushes on PostgreSQL: the rows are copied into a
// temporary table, then added in one statement, instead of thousands of multi-row statements.
func (tx *Tx) upsertAddByCopy(table string, cols []string, suffix string, n int, row func(i int, args []any) []any) error {
	tmp := "delta_" + table
	if _, err := tx.Exec("CREATE TEMP TABLE IF NOT EXISTS " + tmp + " (LIKE " + table + ") ON COMMIT DROP"); err != nil {
		return err
	}
	if _, err := tx.Exec("TRUNCATE " + tmp); err != nil {
		return err
	}
	if err := tx.copyEach(tmp, cols, n, row); err != nil {
		return err
	}
	list := strings.Join(cols, ", ")
	// ORDER BY the key: rows are locked in one order by every writer, so none deadlock.
	if _, err := tx.Exec("INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM " + tmp + " ORDER BY 1, 2, 3" + suffix); err != nil {
		return fmt.Errorf("update %s: %w", table, err)
	}
	return nil
}

// colConst is a column whose value is the same in every row: a SQL literal.
type colConst struct{ col, literal string }

// chunkRows is how many of n remaining rows the next multi-row statement of at most per rows
// writes: per, or for the rest a power of two. Statements are prepared once per transaction, and
// a rest of any size would prepare one for each size met: hundreds of statements of hundreds of
// rows each, held until the commit, that made the memory of large imports grow with the file.
func chunkRows(n, per int) int {
	if n >= per {
		return per
	}
	return 1 << (bits.Len(uint(n)) - 1)
}

// insertMany inserts rows in multi-row statements of at most per rows; statements of a full
// batch are prepared once per transaction. consts are columns with one value for all rows.
func (tx *Tx) insertMany(table string, cols []string, rows [][]any, suffix string, per int, consts ...colConst) error {
	for len(rows) > 0 {
		n := chunkRows(len(rows), per)
		q := insertSQL(table, cols, n, consts...) + suffix
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.execPrepared(q, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// insertValues inserts rows given as one run of values, len(cols) a row, in multi-row statements
// of at most per rows: a bulk write of millions of rows makes no slice per row.
func (tx *Tx) insertValues(table string, cols []string, values []any, per int) error {
	for len(values) > 0 {
		n := chunkRows(len(values)/len(cols), per)
		if _, err := tx.execPrepared(insertSQL(table, cols, n), values[:n*len(cols)]...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		values = values[n*len(cols):]
	}
	return nil
}

func insertSQL(table string, cols []string, n int, consts ...colConst) string {
	var b strings.Builder
	names, marks := strings.Join(cols, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	for _, c := range consts {
		names += ", " + c.col
		marks += ", " + c.literal
	}
	b.WriteString("INSERT INTO " + table + " (" + names + ") VALUES ")
	row := "(" + marks + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}
