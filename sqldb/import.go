package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kam"
)

// An import is one session in one write transaction: it commits whole or not at all, so a killed
// import leaves nothing of its file (and the next import of the file does it all). Codes are
// resolved through caches that live as long as the session; rollup deltas are summed in memory
// and flushed before commit.

// importSession implements kam.ImportSession.
type importSession struct {
	s        *LedgerService
	tx       *Tx
	ctx      context.Context
	a        *kam.Actor
	start    kam.ImportStart
	importID int64
	owner    int64 // owner of customers the import creates when no rep is named
	delta    *rollupDelta

	customers  map[string]*customerRef
	products   map[string]*productRef
	categories map[string]int64 // by code and by name
	users      map[string]int64 // by lower-case e-mail and by name
	orders     map[string]*orderAcc
	orderQueue []string // the orders in the order the session met them
	// evicted holds the numbers of orders this import wrote and let go, when the orders table
	// was empty at the start (nil otherwise): then no other order needs looking up. A set of
	// Bloom filters, not a map: a file of tens of millions of orders must not fill the memory.
	evicted *keySet
	// positions records what the file said about stored orders the session let go.
	positions positioned
	units     map[unitKey]int64
	expense   map[string]string // expense codes by code and by name
	// written counts the records the import wrote (for statistics after large imports).
	written int
	// occurrences counts rows without a reference by content, for their derived keys.
	occurrences map[string]int
	// customerRejects holds why a customer code could not be created.
	customerRejects map[string]kam.RowResult
	nextID          map[string]int64
	idPool          map[string][]int64
	sequences       map[string]string // PostgreSQL: each table's id sequence
	lastUser        *userAnswer       // see user
	// newProducts are the rows of products created and not written yet (see writeProducts).
	newProducts [][]any
	// noStoredCustomers and noStoredProducts: the table was empty when the import began.
	noStoredCustomers, noStoredProducts bool
}

type customerRef struct {
	id   int64
	name string
}

type productRef struct {
	id       int64
	category int64
}

type unitKey struct {
	customer int64
	name     string
}

// maxDelta bounds the rollup deltas held in memory before they are added to the tables (a
// variable for tests).
var maxDelta = 200_000

// BeginImport starts an import session.
func (s *LedgerService) BeginImport(ctx context.Context, st kam.ImportStart) (kam.ImportSession, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !kam.CanImport(a, st.Kind) {
		return nil, kam.Errorf(kam.EForbidden, "your role may not import %s", st.Kind)
	}
	tx, err := s.db.beginConn(ctx)
	if err != nil {
		return nil, err
	}
	is := &importSession{s: s, tx: tx, ctx: ctx, a: a, start: st, delta: newRollupDelta(),
		customers: map[string]*customerRef{}, products: map[string]*productRef{}, categories: map[string]int64{},
		users: map[string]int64{}, orders: map[string]*orderAcc{}, units: map[unitKey]int64{}, expense: map[string]string{},
		customerRejects: map[string]kam.RowResult{}, nextID: map[string]int64{}, idPool: map[string][]int64{}, sequences: map[string]string{}}
	if err := is.init(); err != nil {
		tx.Rollback()
		return nil, err
	}
	if st.Kind == "orders" {
		// The one kind of millions of rows; the others read through the customer and contact
		// services, which do not wait for queued writes.
		tx.startWriteBehind()
	}
	return is, nil
}

func (is *importSession) init() error {
	tx := is.tx
	err := tx.QueryRow(`INSERT INTO imports (kind, file_name, file_sha256, user_id, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		is.start.Kind, is.start.FileName, "", is.a.UserID, tx.db.timeArg(tx.now)).Scan(&is.importID)
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	rows, err := tx.Query("SELECT id, email, name FROM users")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var email, name string
		if err := rows.Scan(&id, &email, &name); err != nil {
			rows.Close()
			return err
		}
		is.users[strings.ToLower(email)] = id
		if _, dup := is.users[name]; !dup {
			is.users[name] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	is.owner = is.a.UserID
	if is.owner == 0 {
		err := tx.QueryRow("SELECT COALESCE(min(id), 0) FROM users WHERE role = 'admin' AND active = 1").Scan(&is.owner)
		if err != nil {
			return err
		}
	}
	if err := is.loadCategories(); err != nil {
		return err
	}
	var anyOrder, anyCustomer, anyProduct int
	if err := tx.QueryRow(`SELECT (SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1) AS o), (SELECT count(*) FROM (SELECT 1 FROM customers LIMIT 1) AS c),
		(SELECT count(*) FROM (SELECT 1 FROM products LIMIT 1) AS p)`).Scan(&anyOrder, &anyCustomer, &anyProduct); err != nil {
		return err
	}
	// A first import into an empty ledger: every customer and product it meets is one it made
	// (and holds), so codes it does not hold need no lookup.
	is.noStoredCustomers, is.noStoredProducts = anyCustomer == 0, anyProduct == 0
	if anyOrder == 0 {
		is.evicted = newKeySet()
	}
	codes, err := tx.Query("SELECT code, name_zh, name_en FROM expense_codes")
	if err != nil {
		return err
	}
	defer codes.Close()
	for codes.Next() {
		var c, zh, en string
		if err := codes.Scan(&c, &zh, &en); err != nil {
			return err
		}
		for _, k := range []string{c, zh, en, strings.ToLower(en)} {
			is.expense[k] = c
		}
	}
	return codes.Err()
}

func (is *importSession) loadCategories() error {
	rows, err := is.tx.Query("SELECT id, code, name FROM product_categories")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code, name string
		if err := rows.Scan(&id, &code, &name); err != nil {
			return err
		}
		is.categories[code] = id
		is.categories[name] = id
	}
	return rows.Err()
}

// Finish commits or rolls back the import.
func (is *importSession) Finish(commit bool, sha256 string, summary any) error {
	defer is.tx.Rollback()
	if !commit {
		return nil
	}
	if err := is.tx.flushRollups(is.delta); err != nil {
		return err
	}
	if err := is.dropPositions(); err != nil {
		return err
	}
	if err := is.analyze(); err != nil {
		return err
	}
	sj, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	if _, err := is.tx.Exec("UPDATE imports SET file_sha256 = ?, summary = ? WHERE id = ?", sha256, string(sj), is.importID); err != nil {
		return err
	}
	if err := is.tx.deferCheckpoint(); err != nil {
		return err
	}
	// Whether the commit succeeds or not: the goroutine also turns the automatic checkpoint on.
	defer is.tx.db.checkpointBehind()
	return is.tx.Commit()
}

// analyze refreshes PostgreSQL's statistics after a large import: planned on the empty tables'
// estimates, joins over a million fresh lines would pick nested loops and take hours.
func (is *importSession) analyze() error {
	if is.tx.db.dialect != Postgres || is.written < 10000 {
		return nil
	}
	_, err := is.tx.Exec("ANALYZE customers, products, orders, order_lines, invoices, payments, costs, sales_monthly, sales_category_monthly, cost_monthly")
	return err
}

// maybeFlush adds the rollup deltas to the tables once they grow large, bounding memory.
func (is *importSession) maybeFlush() error {
	if is.delta.size() < maxDelta {
		return nil
	}
	return is.tx.flushRollups(is.delta)
}

// flushBefore adds the rollup deltas of the months before cutoff to the tables. A file in the
// order of its dates (as most are) is done with a month once a batch starts after it: its keys
// go out a month at a time, evenly over the import, rather than all at once at large intervals
// and at the end, and the deltas hold a month or two. A key met again after its flush is added
// to the stored row.
func (is *importSession) flushBefore(cutoff int32) error {
	if oldest := is.delta.oldestMonth(); oldest == 0 || oldest >= cutoff {
		return nil
	}
	return is.tx.flushRollups(is.delta.takeBefore(cutoff))
}

// inChunks calls f with slices of at most 500 values, for IN lists.
func inChunks[T any](vals []T, f func([]T) error) error {
	for len(vals) > 0 {
		n := min(500, len(vals))
		if err := f(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anySlice[T any](v []T) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}

// resolveCustomers fills the customer cache for codes not seen yet, within the actor's scope.
func (is *importSession) resolveCustomers(codes []string) error {
	if is.noStoredCustomers {
		return nil
	}
	var missing []string
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		if _, ok := is.customers[c]; !ok {
			missing = append(missing, c)
		}
	}
	// The same view as the actor's document lists: finance keeps every customer's books.
	where, sargs, err := is.tx.db.ledgerScope(is.a, kam.ActView, kam.RightEdit)
	if err != nil {
		return err
	}
	// Between queued writes: the customers the session writes are in its cache, never looked up.
	return is.tx.between(func(tx *Tx) error {
		return inChunks(missing, func(part []string) error {
			rows, err := tx.Query("SELECT c.id, c.code, c.name FROM customers c WHERE c.code IN ("+placeholders(len(part))+") AND "+where,
				append(anySlice(part), sargs...)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var r customerRef
				var code string
				if err := rows.Scan(&r.id, &code, &r.name); err != nil {
					return err
				}
				is.customers[code] = &r
			}
			return rows.Err()
		})
	})
}

// customerReq asks for a customer by code, to be created (named name, owned by owner) when the
// import may create it.
type customerReq struct {
	code, name string
	owner      int64
	codeField  string
	nameField  string
}

// ensureCustomers resolves the codes of a batch and creates, in bulk, the unknown customers the
// import may create. A code that cannot be created is remembered with its rejection, which every
// row naming it gets.
func (is *importSession) ensureCustomers(reqs []customerReq) error {
	codes := make([]string, len(reqs))
	for i, r := range reqs {
		codes[i] = r.code
	}
	if err := is.resolveCustomers(codes); err != nil {
		return err
	}
	var create []*kam.Customer
	seen := map[string]bool{}
	for _, r := range reqs {
		if r.code == "" || seen[r.code] {
			continue
		}
		seen[r.code] = true
		if _, ok := is.customers[r.code]; ok {
			continue
		}
		if _, failed := is.customerRejects[r.code]; failed {
			continue
		}
		fail := func(field, reason string) { is.customerRejects[r.code] = kam.Reject(field, r.code, reason) }
		owner := r.owner
		if owner == 0 {
			owner = is.owner
		}
		switch {
		case is.start.NoCreate:
			fail(r.codeField, "unknown customer code (--no-create is set)")
			continue
		case strings.TrimSpace(r.name) == "":
			fail(r.codeField, "unknown customer code, and no customer name to create it")
			continue
		case owner == 0:
			fail(r.codeField, "unknown customer code, and no user to own a new customer")
			continue
		}
		c := &kam.Customer{Code: r.code, Name: r.name, Status: "active", Stage: "establish", OwnerID: owner}
		if err := c.Validate(); err != nil {
			field, msg := r.codeField, kam.ErrorMessage(err)
			if fs := kam.FieldErrors(err); len(fs) > 0 {
				msg = fs[0].Message
				if fs[0].Field == "name" {
					field = r.nameField
				}
			}
			fail(field, msg)
			continue
		}
		create = append(create, c)
	}
	return is.createCustomers(create)
}

// createCustomers writes new customer files in bulk: the file, its search entry and its creation
// in history (which is also how running servers' customer lists learn of it).
func (is *importSession) createCustomers(cs []*kam.Customer) error {
	if len(cs) == 0 {
		return nil
	}
	tx := is.tx
	ids, err := is.allocIDs("customers", len(cs))
	if err != nil {
		return err
	}
	now := tx.db.timeArg(tx.now)
	var rows, search, changes [][]any
	for i, c := range cs {
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = ids[i], 1, tx.now, tx.now
		doc := tx.db.searchDocument(c.Code, c.Name, c.ShortName, nil)
		row := []any{c.ID, c.Code, c.Name, nameKey(c.Name), c.Status, c.Stage, c.OwnerID, "[]", "[]", "{}", 1, now, now}
		if tx.db.dialect == Postgres {
			row = append(row, doc)
		} else {
			search = append(search, []any{c.ID, doc})
		}
		rows = append(rows, row)
		fields := mustJSON([]kam.FieldChange{
			{Field: "code", New: json.RawMessage(mustJSON(c.Code))}, {Field: "name", New: json.RawMessage(mustJSON(c.Name))},
			{Field: "owner_id", New: json.RawMessage(mustJSON(c.OwnerID))}, {Field: "stage", New: json.RawMessage(mustJSON(c.Stage))},
			{Field: "status", New: json.RawMessage(mustJSON(c.Status))}})
		changes = append(changes, []any{c.ID, "customer", c.ID, "create", 1, is.a.UserID, now, fields, "{}"})
		is.customers[c.Code] = &customerRef{id: c.ID, name: c.Name}
		is.delta.newCustomer(c.ID)
	}
	cols := "id, code, name, name_key, status, stage, owner_id, tags, team, custom_fields, version, created_at, updated_at"
	if tx.db.dialect == Postgres {
		cols += ", search"
	}
	return tx.later(func(tx *Tx) error {
		if err := tx.insertRows("customers", cols, rows); err != nil {
			return uniqueConflict(err)
		}
		if err := tx.insertRows("customer_search", "rowid, tokens", search); err != nil {
			return err
		}
		return tx.insertRows("changes", "customer_id, entity, entity_id, action, version, user_id, at, fields, snapshot", changes)
	})
}

// allocIDs reserves n ids of a table for rows written with explicit ids (multi-row inserts need no
// RETURNING then).
func (is *importSession) allocIDs(table string, n int) ([]int64, error) {
	ids := make([]int64, n)
	for i := range ids {
		id, err := is.takeID(table)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// takeID returns a new id of a table. SQLite's single writer holds the database for the whole
// import, so counting on from the largest id is safe; PostgreSQL hands ids out from the identity's
// sequence, fetched ten thousand at a time.
func (is *importSession) takeID(table string) (int64, error) {
	if is.tx.db.dialect == SQLite {
		next, ok := is.nextID[table]
		if !ok {
			// Before the session's first write of the table, which may wait in the queue.
			if err := is.tx.between(func(tx *Tx) error {
				return tx.QueryRow("SELECT COALESCE(max(id), 0) FROM " + table).Scan(&next)
			}); err != nil {
				return 0, err
			}
		}
		next++
		is.nextID[table] = next
		return next, nil
	}
	pool := is.idPool[table]
	if len(pool) == 0 {
		seq, ok := is.sequences[table]
		if !ok {
			if err := is.tx.QueryRow("SELECT pg_get_serial_sequence(?, 'id')", table).Scan(&seq); err != nil {
				return 0, err
			}
			is.sequences[table] = seq
		}
		// A sequence is no row of the transaction: no queued write needs to run first.
		err := is.tx.between(func(tx *Tx) error {
			rows, err := tx.Query("SELECT nextval(?::regclass) FROM generate_series(1, 10000)", seq)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				pool = append(pool, id)
			}
			return rows.Err()
		})
		if err != nil {
			return 0, err
		}
	}
	id := pool[0]
	is.idPool[table] = pool[1:]
	return id, nil
}

// customer returns the id of the customer with code, which ensureCustomers has resolved or
// created, or the reason it cannot be.
func (is *importSession) customer(code, codeField string) (int64, *kam.RowResult) {
	if code == "" {
		r := kam.Reject(codeField, "", "required")
		return 0, &r
	}
	if ref, ok := is.customers[code]; ok {
		return ref.id, nil
	}
	if r, ok := is.customerRejects[code]; ok {
		return 0, &r
	}
	r := kam.Reject(codeField, code, "unknown customer code")
	return 0, &r
}

// resolveProducts fills the product cache for codes not seen yet.
func (is *importSession) resolveProducts(codes []string) error {
	if is.noStoredProducts {
		return nil
	}
	var missing []string
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		if _, ok := is.products[c]; !ok {
			missing = append(missing, c)
		}
	}
	// Between queued writes, as customers are (resolveCustomers).
	return is.tx.between(func(tx *Tx) error {
		return inChunks(missing, func(part []string) error {
			rows, err := tx.Query("SELECT id, code, COALESCE(category_id, 0) FROM products WHERE code IN ("+placeholders(len(part))+")", anySlice(part)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var r productRef
				var code string
				if err := rows.Scan(&r.id, &code, &r.category); err != nil {
					return err
				}
				is.products[code] = &r
			}
			return rows.Err()
		})
	})
}

// category returns the id of a category named or coded name, creating it; 0 for "".
func (is *importSession) category(name string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, nil
	}
	if id, ok := is.categories[name]; ok {
		return id, nil
	}
	var id int64
	err := is.tx.QueryRow("INSERT INTO product_categories (code, name, created_at) VALUES (?, ?, ?) RETURNING id",
		name, name, is.tx.db.timeArg(is.tx.now)).Scan(&id)
	if err != nil {
		return 0, err
	}
	is.categories[name] = id
	return id, nil
}

// product returns the product with code, creating it when unknown and allowed.
func (is *importSession) product(code, name, category, codeField string) (*productRef, *kam.RowResult, error) {
	if code == "" {
		r := kam.Reject(codeField, "", "required")
		return nil, &r, nil
	}
	if p, ok := is.products[code]; ok {
		return p, nil, nil
	}
	if is.start.NoCreate {
		r := kam.Reject(codeField, code, "unknown product code (--no-create is set)")
		return nil, &r, nil
	}
	if strings.TrimSpace(name) == "" {
		r := kam.Reject(codeField, code, "unknown product code, and no product name to create it")
		return nil, &r, nil
	}
	if msg := checkDocText(code, kam.MaxCodeLen); msg != "" {
		r := kam.Reject(codeField, code, msg)
		return nil, &r, nil
	}
	cat, err := is.category(category)
	if err != nil {
		return nil, nil, err
	}
	p := &productRef{category: cat}
	if p.id, err = is.takeID("products"); err != nil {
		return nil, nil, err
	}
	now := is.tx.db.timeArg(is.tx.now)
	is.newProducts = append(is.newProducts, []any{p.id, code, strings.TrimSpace(name), nullIfZero(cat), now, now})
	is.products[code] = p
	return p, nil, nil
}

// writeProducts writes the products created since the last call, in bulk: an import of order
// lines meets thousands of new products, and one statement each cost as many round trips.
func (is *importSession) writeProducts() error {
	if len(is.newProducts) == 0 {
		return nil
	}
	rows := is.newProducts
	is.newProducts = nil
	return is.tx.later(func(tx *Tx) error {
		return tx.insertRows("products", "id, code, name, category_id, created_at, updated_at", rows)
	})
}

func nullIfZero(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// checkDocText checks a document number or code: kept exactly as written, so only its length and
// characters are checked.
func checkDocText(s string, max int) string {
	if s == "" {
		return "required"
	}
	if n := len([]rune(s)); n > max {
		return fmt.Sprintf("longer than %d characters", max)
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return "contains a control character"
		}
	}
	return ""
}

// user returns the id of the user named by e-mail or name; 0 with ok for "".
func (is *importSession) user(v string) (int64, bool) {
	// Rows of one order name one rep: the last answer is the next one most of the time.
	if last := is.lastUser; last != nil && v == last.name {
		return last.id, last.ok
	}
	id, ok := is.findUser(v)
	is.lastUser = &userAnswer{name: strings.Clone(v), id: id, ok: ok}
	return id, ok
}

type userAnswer struct {
	name string
	id   int64
	ok   bool
}

func (is *importSession) findUser(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	if id, ok := is.users[strings.ToLower(v)]; ok {
		return id, true
	}
	id, ok := is.users[v]
	return id, ok
}

// unit returns the id of the customer's unit with name; ok false when it has none.
func (is *importSession) unit(customer int64, name string) (int64, bool, error) {
	if name == "" {
		return 0, true, nil
	}
	k := unitKey{customer, name}
	if id, ok := is.units[k]; ok {
		return id, true, nil
	}
	var id int64
	err := is.tx.QueryRow("SELECT id FROM units WHERE customer_id = ? AND name = ? ORDER BY id LIMIT 1", customer, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	is.units[k] = id
	return id, true, nil
}
