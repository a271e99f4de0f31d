package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"kam"
)

// LedgerService implements kam.LedgerService and kam.ImportStore.
type LedgerService struct {
	db        *DB
	customers *CustomerService
}

// NewLedgerService returns the service of the money side of customer files.
func NewLedgerService(db *DB, customers *CustomerService) *LedgerService {
	return &LedgerService{db: db, customers: customers}
}

// portfolioScope is the WHERE fragment over customers c of the files the context's actor may see
// the figures of as part of its portfolio (the analytics: own scope, not borrowed files).
func (s *LedgerService) portfolioScope(ctx context.Context) (string, []any, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return "", nil, err
	}
	return s.db.ledgerScope(a, kam.ActView, portfolio)
}

// ledgerScope is which customers' documents a may see (act kam.ActView) or export
// (kam.ActExport), as kam.Permissions says: finance keeps the books of every customer
// (receivables are company-wide); service staff see none; everyone else sees the documents of
// the customer files in their scope, and of those they hold a borrowing grant for whose scope
// includes use (see withGrants; the portfolio counts none).
func (db *DB) ledgerScope(a *kam.Actor, act kam.Action, use kam.BorrowRight) (string, []any, error) {
	s, ok := kam.Allowed(a, act, kam.ResLedger)
	if !ok {
		return "", nil, kam.Errorf(kam.EForbidden, "your role may not see orders, invoices and payments")
	}
	w, args := db.withGrants(a, s, use)
	return w, args, nil
}

// listQuery assembles the WHERE clause of a document list over a table aliased d joined to
// customers c.
type listQuery struct {
	where []string
	args  []any
}

func (q *listQuery) add(cond string, args ...any) {
	q.where = append(q.where, cond)
	q.args = append(q.args, args...)
}

func (q *listQuery) sql() string { return strings.Join(q.where, " AND ") }

// docFilter builds the common filters: scope, customer, date range, and q as a prefix of the
// document number or the customer's code, or a part of the customer's name.
func (db *DB) docFilter(a *kam.Actor, act kam.Action, use kam.BorrowRight, f kam.LedgerFilter, numberCol, dateCol string) (*listQuery, error) {
	scope, sargs, err := db.ledgerScope(a, act, use)
	if err != nil {
		return nil, err
	}
	q := &listQuery{}
	q.add(scope, sargs...)
	if f.CustomerID != 0 {
		q.add("d.customer_id = ?", f.CustomerID)
	}
	if f.From != "" {
		q.add(dateCol+" >= ?", f.From)
	}
	if f.To != "" {
		q.add(dateCol+" <= ?", f.To)
	}
	if s := strings.TrimSpace(f.Q); s != "" {
		like := escapeLike(s)
		q.add("("+numberCol+" LIKE ? ESCAPE '\\' OR c.code LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')", like+"%", like+"%", "%"+like+"%")
	}
	return q, nil
}

// orderBy returns the ORDER BY of a list from the filter's sort key, among the allowed ones; ties
// break on the id so that pages never overlap.
func orderBy(f kam.LedgerFilter, allowed map[string]string, def string) (string, error) {
	key := f.Sort
	if key == "" {
		key = def
	}
	col, ok := allowed[key]
	if !ok {
		keys := make([]string, 0, len(allowed))
		for k := range allowed {
			keys = append(keys, k)
		}
		return "", &kam.Error{Code: kam.EInvalid, Message: "invalid sort", Fields: []kam.FieldError{{Field: "sort", Code: "invalid", Message: "must be one of " + strings.Join(sortedStrings(keys), ", ")}}}
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	return " ORDER BY " + col + dir + ", d.id" + dir, nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}

func limitOffset(f kam.LedgerFilter) string {
	if f.Limit <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
}

// count runs the count of a list.
func (s *LedgerService) count(ctx context.Context, from string, q *listQuery) (int, error) {
	var n int
	err := s.db.reader().queryRow(ctx, "SELECT count(*) FROM "+from+" WHERE "+q.sql(), q.args...).Scan(&n)
	return n, err
}

const orderSelect = `SELECT d.id, d.order_no, d.kind, d.return_of, COALESCE(r.order_no, ''), d.order_date, d.customer_id, c.code, c.name,
	d.unit_id, d.rep_id, COALESCE(u.email, ''), d.currency, d.fx_rate, d.note, d.version, d.created_at, d.updated_at,
	(SELECT COALESCE(sum(amount), 0) FROM order_lines l WHERE l.order_id = d.id),
	(SELECT COALESCE(sum(cost), 0) FROM order_lines l WHERE l.order_id = d.id),
	(SELECT count(*) FROM order_lines l WHERE l.order_id = d.id)
	FROM orders d JOIN customers c ON c.id = d.customer_id LEFT JOIN orders r ON r.id = d.return_of LEFT JOIN users u ON u.id = d.rep_id`

func scanOrder(row interface{ Scan(...any) error }) (*kam.Order, error) {
	var o kam.Order
	err := row.Scan(&o.ID, &o.OrderNo, &o.Kind, nullID{&o.ReturnOfID}, &o.ReturnOfNo, &o.OrderDate, &o.CustomerID, &o.CustomerCode,
		&o.CustomerName, nullID{&o.UnitID}, nullID{&o.RepID}, &o.RepEmail, &o.Currency, &o.FXRate, &o.Note, &o.Version,
		timeScan{&o.CreatedAt}, timeScan{&o.UpdatedAt}, &o.Amount, &o.Cost, &o.LineCount)
	return &o, err
}

// FindOrders lists orders and returns documents.
func (s *LedgerService) FindOrders(ctx context.Context, f kam.LedgerFilter) ([]*kam.Order, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, err := s.db.docFilter(a, kam.ActView, kam.RightView, f, "d.order_no", "d.order_date")
	if err != nil {
		return nil, 0, err
	}
	ob, err := orderBy(f, map[string]string{"order_date": "d.order_date", "order_no": "d.order_no", "customer": "c.code"}, "order_date")
	if err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "orders d JOIN customers c ON c.id = d.customer_id", q)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.reader().query(ctx, orderSelect+" WHERE "+q.sql()+ob+limitOffset(f), q.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*kam.Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// FindOrder returns an order with its lines.
func (s *LedgerService) FindOrder(ctx context.Context, id int64) (*kam.Order, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	scope, sargs, err := s.db.ledgerScope(a, kam.ActView, kam.RightView)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	o, err := scanOrder(c.queryRow(ctx, orderSelect+" WHERE d.id = ? AND "+scope, append([]any{id}, sargs...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("order")
	}
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT l.line_no, l.product_id, p.code, p.name, l.quantity, l.unit_price, l.discount, l.amount, l.cost
		FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l kam.OrderLine
		if err := rows.Scan(&l.LineNo, &l.ProductID, &l.ProductCode, &l.ProductName, &l.Quantity, &l.UnitPrice, &l.Discount, &l.Amount, &l.Cost); err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, l)
	}
	return o, rows.Err()
}

// DeleteOrder deletes an order with its lines; its sales leave the rollups in the same
// transaction and the order is kept in the customer's history.
func (s *LedgerService) DeleteOrder(ctx context.Context, id, version int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	o, err := s.FindOrder(ctx, id)
	if err != nil {
		return err
	}
	if !kam.CanDeleteOrder(a) {
		return kam.Errorf(kam.EForbidden, "your role may not delete orders")
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM orders WHERE return_of = ?", id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kam.Errorf(kam.EConflict, "order %s has %d return document(s); delete them first", o.OrderNo, n)
	}
	res, err := tx.Exec("DELETE FROM orders WHERE id = ? AND version = ?", id, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return staleError(tx, "order", o.CustomerID, "order", id, version, o.Version)
	}
	if _, err := tx.Exec("DELETE FROM order_lines WHERE order_id = ?", id); err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE invoices SET order_id = NULL WHERE order_id = ?", id); err != nil {
		return err
	}
	// Take the lines out of the rollups as they were read, under the order's header.
	d := newRollupDelta()
	t := &orderTally{head: orderHead{customer: o.CustomerID, date: o.OrderDate, kind: o.Kind, fx: o.FXRate}}
	cats, err := productCategories(tx, o.Lines)
	if err != nil {
		return err
	}
	for _, l := range o.Lines {
		t.lines++
		t.cats[t.catIndex(cats[l.ProductID])].lines++
	}
	for _, l := range o.Lines {
		if err := d.line(t, lineFigures{category: cats[l.ProductID], quantity: l.Quantity, amount: l.Amount, cost: l.Cost}, -1); err != nil {
			return err
		}
	}
	if err := tx.flushRollups(d); err != nil {
		return err
	}
	if err := tx.recordChange(o.CustomerID, "order", id, "delete", o.Version, nil, o); err != nil {
		return err
	}
	return tx.Commit()
}

// productCategories returns the category of each product of lines, read in the transaction in
// one query.
func productCategories(tx *Tx, lines []kam.OrderLine) (map[int64]int64, error) {
	out := map[int64]int64{}
	var ids []int64
	for _, l := range lines {
		if _, ok := out[l.ProductID]; !ok {
			out[l.ProductID] = 0
			ids = append(ids, l.ProductID)
		}
	}
	err := inChunks(ids, func(part []int64) error {
		rows, err := tx.Query("SELECT id, COALESCE(category_id, 0) FROM products WHERE id IN ("+placeholders(len(part))+")", anySlice(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, c int64
			if err := rows.Scan(&id, &c); err != nil {
				return err
			}
			out[id] = c
		}
		return rows.Err()
	})
	return out, err
}

const invoiceSelect = `SELECT d.id, d.invoice_no, d.customer_id, c.code, c.name, d.order_id, COALESCE(o.order_no, ''), d.invoice_date,
	d.due_date, d.amount, d.currency, d.paid, d.note, d.version, d.created_at, d.updated_at
	FROM invoices d JOIN customers c ON c.id = d.customer_id LEFT JOIN orders o ON o.id = d.order_id`

// FindInvoices lists invoices; Status filters open, overdue (open after the due date) or paid.
func (s *LedgerService) FindInvoices(ctx context.Context, f kam.LedgerFilter) ([]*kam.Invoice, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, err := s.db.docFilter(a, kam.ActView, kam.RightView, f, "d.invoice_no", "d.invoice_date")
	if err != nil {
		return nil, 0, err
	}
	switch f.Status {
	case "":
	case "open":
		q.add("d.amount > d.paid")
	case "overdue":
		q.add("d.amount > d.paid AND d.due_date < ?", f.Today)
	case "paid":
		q.add("d.amount <= d.paid")
	default:
		return nil, 0, &kam.Error{Code: kam.EInvalid, Message: "invalid status", Fields: []kam.FieldError{{Field: "status", Code: "invalid", Message: "must be open, overdue or paid"}}}
	}
	ob, err := orderBy(f, map[string]string{"invoice_date": "d.invoice_date", "due_date": "d.due_date", "invoice_no": "d.invoice_no",
		"amount": "d.amount", "open": "(d.amount - d.paid)", "customer": "c.code"}, "invoice_date")
	if err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "invoices d JOIN customers c ON c.id = d.customer_id", q)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.reader().query(ctx, invoiceSelect+" WHERE "+q.sql()+ob+limitOffset(f), q.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*kam.Invoice{}
	for rows.Next() {
		var i kam.Invoice
		if err := rows.Scan(&i.ID, &i.InvoiceNo, &i.CustomerID, &i.CustomerCode, &i.CustomerName, nullID{&i.OrderID}, &i.OrderNo,
			&i.InvoiceDate, &i.DueDate, &i.Amount, &i.Currency, &i.Paid, &i.Note, &i.Version, timeScan{&i.CreatedAt}, timeScan{&i.UpdatedAt}); err != nil {
			return nil, 0, err
		}
		out = append(out, &i)
	}
	return out, total, rows.Err()
}

// FindPayments lists payments with their allocations.
func (s *LedgerService) FindPayments(ctx context.Context, f kam.LedgerFilter) ([]*kam.Payment, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, err := s.db.docFilter(a, kam.ActView, kam.RightView, f, "d.reference", "d.payment_date")
	if err != nil {
		return nil, 0, err
	}
	ob, err := orderBy(f, map[string]string{"payment_date": "d.payment_date", "reference": "d.reference", "amount": "d.amount", "customer": "c.code"}, "payment_date")
	if err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "payments d JOIN customers c ON c.id = d.customer_id", q)
	if err != nil {
		return nil, 0, err
	}
	c := s.db.reader()
	rows, err := c.query(ctx, `SELECT d.id, d.reference, d.customer_id, c.code, c.name, d.payment_date, d.amount, d.currency, d.method,
		d.invoice_no, d.note, d.version, d.created_at, d.updated_at FROM payments d JOIN customers c ON c.id = d.customer_id
		WHERE `+q.sql()+ob+limitOffset(f), q.args...)
	if err != nil {
		return nil, 0, err
	}
	out := []*kam.Payment{}
	for rows.Next() {
		var p kam.Payment
		if err := rows.Scan(&p.ID, &p.Reference, &p.CustomerID, &p.CustomerCode, &p.CustomerName, &p.PaymentDate, &p.Amount, &p.Currency,
			&p.Method, &p.InvoiceNo, &p.Note, &p.Version, timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt}); err != nil {
			rows.Close()
			return nil, 0, err
		}
		p.Allocations = []kam.Allocation{}
		out = append(out, &p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// The page's allocations in one query, not one per payment.
	byID := make(map[int64]*kam.Payment, len(out))
	ids := make([]int64, len(out))
	for i, p := range out {
		byID[p.ID], ids[i] = p, p.ID
		p.Unallocated = p.Amount
	}
	err = inChunks(ids, func(part []int64) error {
		ar, err := c.query(ctx, `SELECT a.payment_id, a.invoice_id, i.invoice_no, a.amount FROM payment_allocations a
			JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id IN (`+placeholders(len(part))+`) ORDER BY a.payment_id, i.due_date, i.id`,
			anySlice(part)...)
		if err != nil {
			return err
		}
		defer ar.Close()
		for ar.Next() {
			var pid int64
			var al kam.Allocation
			if err := ar.Scan(&pid, &al.InvoiceID, &al.InvoiceNo, &al.Amount); err != nil {
				return err
			}
			p := byID[pid]
			p.Allocations = append(p.Allocations, al)
			p.Unallocated -= al.Amount
		}
		return ar.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// FindCosts lists cost-to-serve entries.
func (s *LedgerService) FindCosts(ctx context.Context, f kam.LedgerFilter) ([]*kam.Cost, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	q, err := s.db.docFilter(a, kam.ActView, kam.RightView, f, "d.reference", "d.entry_date")
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" {
		q.add("d.expense_code = ?", f.Status)
	}
	ob, err := orderBy(f, map[string]string{"entry_date": "d.entry_date", "amount": "d.amount", "expense_code": "d.expense_code", "customer": "c.code"}, "entry_date")
	if err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "costs d JOIN customers c ON c.id = d.customer_id", q)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.reader().query(ctx, `SELECT d.id, d.reference, d.customer_id, c.code, c.name, d.entry_date, d.expense_code, d.amount,
		d.note, d.version, d.created_at, d.updated_at FROM costs d JOIN customers c ON c.id = d.customer_id WHERE `+q.sql()+ob+limitOffset(f), q.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*kam.Cost{}
	for rows.Next() {
		var x kam.Cost
		if err := rows.Scan(&x.ID, &x.Reference, &x.CustomerID, &x.CustomerCode, &x.CustomerName, &x.EntryDate, &x.ExpenseCode, &x.Amount,
			&x.Note, &x.Version, timeScan{&x.CreatedAt}, timeScan{&x.UpdatedAt}); err != nil {
			return nil, 0, err
		}
		out = append(out, &x)
	}
	return out, total, rows.Err()
}

// FindProducts lists products; q matches a code prefix or a part of the name. Products are not
// confidential: every role that sees the ledger sees them.
func (s *LedgerService) FindProducts(ctx context.Context, f kam.LedgerFilter) ([]*kam.Product, int, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !kam.CanViewLedger(a) {
		return nil, 0, kam.Errorf(kam.EForbidden, "your role may not see products and prices")
	}
	q := &listQuery{}
	q.add("1=1")
	if s := strings.TrimSpace(f.Q); s != "" {
		like := escapeLike(s)
		q.add("(d.code LIKE ? ESCAPE '\\' OR d.name LIKE ? ESCAPE '\\')", like+"%", "%"+like+"%")
	}
	ob, err := orderBy(f, map[string]string{"code": "d.code", "name": "d.name", "category": "k.name", "list_price": "d.list_price"}, "code")
	if err != nil {
		return nil, 0, err
	}
	total, err := s.count(ctx, "products d LEFT JOIN product_categories k ON k.id = d.category_id", q)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.reader().query(ctx, `SELECT d.id, d.code, d.name, d.category_id, COALESCE(k.name, ''), d.uom, d.list_price, d.active,
		d.version, d.created_at, d.updated_at FROM products d LEFT JOIN product_categories k ON k.id = d.category_id WHERE `+q.sql()+ob+limitOffset(f), q.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*kam.Product{}
	for rows.Next() {
		var p kam.Product
		var active int64
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, nullID{&p.CategoryID}, &p.Category, &p.UOM, &p.ListPrice, &active, &p.Version,
			timeScan{&p.CreatedAt}, timeScan{&p.UpdatedAt}); err != nil {
			return nil, 0, err
		}
		p.Active = active != 0
		out = append(out, &p)
	}
	return out, total, rows.Err()
}

// ExpenseCodes lists the cost-to-serve catalogue.
func (s *LedgerService) ExpenseCodes(ctx context.Context) ([]*kam.ExpenseCode, error) {
	rows, err := s.db.reader().query(ctx, "SELECT code, name_zh, name_en FROM expense_codes ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.ExpenseCode{}
	for rows.Next() {
		var e kam.ExpenseCode
		if err := rows.Scan(&e.Code, &e.NameZH, &e.NameEN); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// SalesByMonth returns a customer's monthly rollups, for the card.
func (s *LedgerService) SalesByMonth(ctx context.Context, customerID int64, from, to string) ([]kam.SalesMonth, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.customers.findCustomer(ctx, s.db.reader(), a, customerID); err != nil {
		return nil, err
	}
	if !kam.CanViewLedger(a) {
		return nil, kam.Errorf(kam.EForbidden, "your role may not see sales figures")
	}
	rows, err := s.db.reader().query(ctx, `SELECT month, net_revenue, returns, cost, gross_profit, orders, lines, quantity
		FROM sales_monthly WHERE customer_id = ? AND month >= ? AND month <= ? ORDER BY month`, customerID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.SalesMonth{}
	for rows.Next() {
		m := kam.SalesMonth{CustomerID: customerID}
		if err := rows.Scan(&m.Month, &m.NetRevenue, &m.Returns, &m.Cost, &m.Profit, &m.Orders, &m.Lines, &m.Quantity); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SaveMapping stores a named column mapping for a kind of import.
func (s *LedgerService) SaveMapping(ctx context.Context, name, kind string, mapping map[string]string) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanImport(a, kind) {
		return kam.Errorf(kam.EForbidden, "your role may not import %s", kind)
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return &kam.Error{Code: kam.EInvalid, Message: "invalid mapping name", Fields: []kam.FieldError{{Field: "name", Code: "invalid", Message: "must be 1 to 100 characters"}}}
	}
	mj, err := json.Marshal(mapping)
	if err != nil {
		return err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO import_mappings (name, kind, mapping, user_id, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping, user_id = excluded.user_id, updated_at = excluded.updated_at`,
		name, kind, string(mj), a.UserID, s.db.timeArg(tx.now)); err != nil {
		return err
	}
	return tx.Commit()
}

// Mapping returns a saved mapping.
func (s *LedgerService) Mapping(ctx context.Context, name string) (string, map[string]string, error) {
	var kind, mj string
	err := s.db.reader().queryRow(ctx, "SELECT kind, mapping FROM import_mappings WHERE name = ?", name).Scan(&kind, &mj)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, kam.Errorf(kam.ENotFound, "no saved mapping is named %q", name)
	}
	if err != nil {
		return "", nil, err
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(mj), &m); err != nil {
		return "", nil, fmt.Errorf("saved mapping %q: %w", name, err)
	}
	return kind, m, nil
}

// PeriodFigures returns, for every customer the actor may see, its net revenue, gross profit and
// cost-to-serve over the months from–to (YYYY-MM, inclusive), from the rollups. Customers without
// sales are included, with zeros.
func (s *LedgerService) PeriodFigures(ctx context.Context, from, to string) ([]kam.CustomerPeriod, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	rows, err := c.query(ctx, `SELECT c.id, c.code, COALESCE(SUM(m.net_revenue), 0), COALESCE(SUM(m.gross_profit), 0),
		COALESCE(SUM(m.orders), 0), COALESCE(MAX(CASE WHEN m.orders > 0 THEN m.month END), ''),
		COUNT(CASE WHEN m.orders > 0 THEN 1 END)
		FROM customers c LEFT JOIN sales_monthly m ON m.customer_id = c.id AND m.month >= ? AND m.month <= ?
		WHERE `+scope+` GROUP BY c.id, c.code ORDER BY c.id`, append([]any{from, to}, sargs...)...)
	if err != nil {
		return nil, err
	}
	var out []kam.CustomerPeriod
	index := map[int64]int{}
	for rows.Next() {
		var p kam.CustomerPeriod
		if err := rows.Scan(&p.CustomerID, &p.Code, &p.NetRevenue, &p.GrossProfit, &p.Orders, &p.LastMonth, &p.ActiveMonths); err != nil {
			rows.Close()
			return nil, err
		}
		index[p.CustomerID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	costs, err := c.query(ctx, "SELECT customer_id, SUM(amount) FROM cost_monthly WHERE month >= ? AND month <= ? GROUP BY customer_id", from, to)
	if err != nil {
		return nil, err
	}
	defer costs.Close()
	for costs.Next() {
		var id int64
		var amount kam.Money
		if err := costs.Scan(&id, &amount); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].CostToServe = amount
		}
	}
	return out, costs.Err()
}

// WalletShares returns, for a customer and a year, our net revenue per product category beside the
// customer's estimated total purchases of it (share of wallet). Categories with either appear.
func (s *LedgerService) WalletShares(ctx context.Context, customerID int64, year int) ([]kam.WalletShare, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	if _, err := s.customers.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	if !kam.CanViewLedger(a) {
		return nil, kam.Errorf(kam.EForbidden, "your role may not see sales figures")
	}
	from, to := fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)
	rows, err := c.query(ctx, `SELECT k.id, k.name, COALESCE(w.amount, 0), COALESCE(m.revenue, 0)
		FROM product_categories k
		LEFT JOIN wallet_estimates w ON w.category_id = k.id AND w.customer_id = ? AND w.year = ?
		LEFT JOIN (SELECT category_id, SUM(net_revenue) AS revenue FROM sales_category_monthly
			WHERE customer_id = ? AND month >= ? AND month <= ? GROUP BY category_id) m ON m.category_id = k.id
		WHERE w.amount IS NOT NULL OR m.revenue IS NOT NULL ORDER BY k.name, k.id`, customerID, year, customerID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.WalletShare{}
	for rows.Next() {
		w := kam.WalletShare{Year: year}
		if err := rows.Scan(&w.CategoryID, &w.Category, &w.Estimate, &w.OurSales); err != nil {
			return nil, err
		}
		if w.Estimate > 0 {
			w.Share = new(big.Rat).SetFrac64(int64(w.OurSales), int64(w.Estimate)).FloatString(4)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
