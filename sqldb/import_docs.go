package sqldb

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kam"
)

// Imports of everything but order lines. These files are small next to order lines (thousands of
// rows, not millions), so rows are written one by one, each compared with what is stored: an
// unchanged row writes nothing, a changed one updates the record and records the change.

// customerCodes resolves the customer codes of a batch, creating unknown customers named by the
// rows when the import may.
func customerCodes[T any](is *importSession, rows []T, code func(*T) (string, string)) error {
	reqs := make([]customerReq, len(rows))
	for i := range rows {
		c, n := code(&rows[i])
		reqs[i] = customerReq{code: c, name: n, codeField: "customer_code", nameField: "customer_name"}
	}
	return is.ensureCustomers(reqs)
}

// docChange compares a stored document (as a JSON-able map) with the new one and writes it.
// table names the table, keyCols and keys the natural key; cols are the columns in the order of
// vals. It returns the outcome and, for a new row, its id.
func (is *importSession) upsertDoc(table, entity string, customer int64, keyCols []string, keys []any, cols []string, vals []any) (kam.Outcome, int64, []string, error) {
	tx := is.tx
	var id, version int64
	old := make([]any, len(cols))
	ptrs := []any{&id, &version}
	for i := range old {
		ptrs = append(ptrs, &old[i])
	}
	err := tx.QueryRow("SELECT id, version, "+strings.Join(cols, ", ")+" FROM "+table+" WHERE "+strings.Join(keyCols, " = ? AND ")+" = ?", keys...).Scan(ptrs...)
	now := tx.db.timeArg(tx.now)
	if errors.Is(err, sql.ErrNoRows) {
		allCols := append(append(append([]string{}, keyCols...), cols...), "import_id", "created_at", "updated_at")
		args := append(append(append([]any{}, keys...), vals...), is.importID, now, now)
		err := tx.QueryRow(insertSQL(table, allCols, 1)+" RETURNING id", args...).Scan(&id)
		if err != nil {
			return 0, 0, nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		return kam.Created, id, nil, nil
	}
	if err != nil {
		return 0, 0, nil, err
	}
	var fields []kam.FieldChange
	sets := make([]string, 0, len(cols))
	stored := make([]string, len(cols))
	for i, c := range cols {
		ov, nv := normalizeStored(old[i]), normalizeStored(vals[i])
		stored[i] = ov
		if ov != nv {
			ob, _ := json.Marshal(ov)
			nb, _ := json.Marshal(nv)
			fields = append(fields, kam.FieldChange{Field: c, Old: json.RawMessage(ob), New: json.RawMessage(nb)})
		}
		sets = append(sets, c+" = ?")
	}
	if len(fields) == 0 {
		return kam.Unchanged, id, stored, nil
	}
	args := append(append([]any{}, vals...), version+1, now, id)
	if _, err := tx.Exec("UPDATE "+table+" SET "+strings.Join(sets, ", ")+", version = ?, updated_at = ? WHERE id = ?", args...); err != nil {
		return 0, 0, nil, err
	}
	if err := tx.recordChange(customer, entity, id, "update", version+1, fields, nil); err != nil {
		return 0, 0, nil, err
	}
	return kam.Updated, id, stored, nil
}

// normalizeStored makes a stored value and a value about to be stored comparable.
func normalizeStored(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case kam.Money:
		return strconv.FormatInt(int64(x), 10)
	case kam.Quantity:
		return strconv.FormatInt(int64(x), 10)
	}
	return fmt.Sprint(v)
}

// orderID finds an order by number; ok is false when there is none.
func (is *importSession) orderID(no string) (int64, bool, error) {
	if no == "" {
		return 0, true, nil
	}
	if o := is.orders[no]; o != nil && o.id != 0 {
		return o.id, true, nil
	}
	var id int64
	err := is.tx.QueryRow("SELECT id FROM orders WHERE order_no = ?", no).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// Invoices imports invoices, keyed by invoice number.
func (is *importSession) Invoices(rows []kam.InvoiceRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.InvoiceRow) (string, string) { return r.CustomerCode, r.CustomerName }); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		if msg := checkDocText(r.InvoiceNo, 64); msg != "" {
			res[i] = kam.Reject("invoice_no", r.InvoiceNo, msg)
			continue
		}
		cust, rej := is.customer(r.CustomerCode, "customer_code")
		if rej != nil {
			res[i] = *rej
			continue
		}
		order, ok, err := is.orderID(r.OrderNo)
		if err != nil {
			return nil, err
		}
		if !ok {
			res[i] = kam.Reject("order_no", r.OrderNo, "unknown order number")
			continue
		}
		out, _, _, err := is.upsertDoc("invoices", "invoice", cust, []string{"invoice_no"}, []any{r.InvoiceNo},
			[]string{"customer_id", "order_id", "invoice_date", "due_date", "amount", "currency", "note"},
			[]any{cust, nullIfZero(order), r.InvoiceDate, r.DueDate, r.Amount, r.Currency, r.Note})
		if err != nil {
			return nil, err
		}
		res[i] = kam.RowResult{Outcome: out}
	}
	return res, nil
}

// Payments imports payments, keyed by reference, and allocates each new or changed payment:
// to the invoice it names first, then to the customer's oldest open invoices.
func (is *importSession) Payments(rows []kam.PaymentRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.PaymentRow) (string, string) { return r.CustomerCode, r.CustomerName }); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		if msg := checkDocText(r.Reference, 64); msg != "" {
			res[i] = kam.Reject("reference", r.Reference, msg)
			continue
		}
		cust, rej := is.customer(r.CustomerCode, "customer_code")
		if rej != nil {
			res[i] = *rej
			continue
		}
		var invoice int64
		if r.InvoiceNo != "" {
			err := is.tx.QueryRow("SELECT id FROM invoices WHERE invoice_no = ? AND customer_id = ?", r.InvoiceNo, cust).Scan(&invoice)
			if errors.Is(err, sql.ErrNoRows) {
				res[i] = kam.Reject("invoice_no", r.InvoiceNo, "no invoice of this customer has this number")
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		out, id, _, err := is.upsertDoc("payments", "payment", cust, []string{"reference"}, []any{r.Reference},
			[]string{"customer_id", "payment_date", "amount", "currency", "method", "invoice_no", "note"},
			[]any{cust, r.PaymentDate, r.Amount, r.Currency, r.Method, r.InvoiceNo, r.Note})
		if err != nil {
			return nil, err
		}
		if out != kam.Unchanged {
			if err := is.tx.allocatePayment(id, cust, invoice, r.Amount); err != nil {
				return nil, err
			}
		}
		res[i] = kam.RowResult{Outcome: out}
	}
	return res, nil
}

// allocatePayment (re)allocates a payment: its old allocations are undone first.
func (tx *Tx) allocatePayment(payment, customer, invoice int64, amount kam.Money) error {
	if _, err := tx.Exec(`UPDATE invoices SET paid = paid - (SELECT a.amount FROM payment_allocations a WHERE a.payment_id = ? AND a.invoice_id = invoices.id)
		WHERE id IN (SELECT invoice_id FROM payment_allocations WHERE payment_id = ?)`, payment, payment); err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM payment_allocations WHERE payment_id = ?", payment); err != nil {
		return err
	}
	left := amount
	if left <= 0 {
		return nil
	}
	type open struct {
		id     int64
		amount kam.Money
	}
	rows, err := tx.Query(`SELECT id, amount - paid FROM invoices WHERE customer_id = ? AND amount > paid
		ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END, due_date, id`, customer, invoice)
	if err != nil {
		return err
	}
	var opens []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.amount); err != nil {
			rows.Close()
			return err
		}
		opens = append(opens, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range opens {
		if left <= 0 {
			break
		}
		part := min(left, o.amount)
		if _, err := tx.Exec("INSERT INTO payment_allocations (payment_id, invoice_id, amount) VALUES (?, ?, ?)", payment, o.id, part); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE invoices SET paid = paid + ? WHERE id = ?", part, o.id); err != nil {
			return err
		}
		left -= part
	}
	return nil
}

// Costs imports cost-to-serve entries, keyed by reference. A file without references gets keys
// derived from the entry's content and its occurrence in the file, so that importing it again
// changes nothing.
func (is *importSession) Costs(rows []kam.CostRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.CostRow) (string, string) { return r.CustomerCode, r.CustomerName }); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		cust, rej := is.customer(r.CustomerCode, "customer_code")
		if rej != nil {
			res[i] = *rej
			continue
		}
		code, ok := is.expense[r.ExpenseCode]
		if !ok {
			code, ok = is.expense[strings.ToLower(r.ExpenseCode)]
		}
		if !ok {
			res[i] = kam.Reject("expense_code", r.ExpenseCode, "not in the expense-code catalogue")
			continue
		}
		r.ExpenseCode = code
		ref := r.Reference
		if ref == "" {
			ref = is.derivedKey(r.CustomerCode, r.EntryDate, r.ExpenseCode, r.Amount.String(), r.Note)
		} else if msg := checkDocText(ref, 64); msg != "" {
			res[i] = kam.Reject("reference", ref, msg)
			continue
		}
		out, _, old, err := is.upsertDoc("costs", "cost", cust, []string{"reference"}, []any{ref},
			[]string{"customer_id", "entry_date", "expense_code", "amount", "note"},
			[]any{cust, r.EntryDate, r.ExpenseCode, r.Amount, r.Note})
		if err != nil {
			return nil, err
		}
		if out == kam.Updated {
			// The entry leaves its old customer, month and code in the rollup.
			oldCust, _ := strconv.ParseInt(old[0], 10, 64)
			oldAmount, _ := strconv.ParseInt(old[3], 10, 64)
			is.delta.cost(oldCust, old[1], old[2], kam.Money(oldAmount), -1)
		}
		if out != kam.Unchanged {
			is.delta.cost(cust, r.EntryDate, r.ExpenseCode, r.Amount, 1)
		}
		res[i] = kam.RowResult{Outcome: out}
	}
	return res, is.maybeFlush()
}

// derivedKey keys a row without a reference by its content and its occurrence in the file.
func (is *importSession) derivedKey(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	base := hex.EncodeToString(h[:10])
	if is.occurrences == nil {
		is.occurrences = map[string]int{}
	}
	is.occurrences[base]++
	return fmt.Sprintf("auto-%s-%d", base, is.occurrences[base])
}

// Financials imports customers' financial statements, keyed by customer and period.
func (is *importSession) Financials(rows []kam.FinancialsRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.FinancialsRow) (string, string) { return r.CustomerCode, "" }); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		ref, ok := is.customers[r.CustomerCode]
		if !ok {
			res[i] = kam.Reject("customer_code", r.CustomerCode, "unknown customer code")
			continue
		}
		f := r.Financials
		out, _, _, err := is.upsertDoc("financials", "financials", ref.id, []string{"customer_id", "period"}, []any{ref.id, f.Period},
			[]string{"current_assets", "current_liabilities", "revenue", "net_profit", "total_assets", "inventory", "receivables", "cost_of_sales"},
			[]any{f.CurrentAssets, f.CurrentLiabilities, f.Revenue, f.NetProfit, f.TotalAssets, f.Inventory, f.Receivables, f.CostOfSales})
		if err != nil {
			return nil, err
		}
		res[i] = kam.RowResult{Outcome: out}
	}
	return res, nil
}

// Products imports products, keyed by code. A product moving to another category moves its
// sales between the category rollups.
func (is *importSession) Products(rows []kam.ProductRow) ([]kam.RowResult, error) {
	codes := make([]string, len(rows))
	for i := range rows {
		codes[i] = rows[i].Code
	}
	if err := is.resolveProducts(codes); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		if msg := checkDocText(r.Code, kam.MaxCodeLen); msg != "" {
			res[i] = kam.Reject("code", r.Code, msg)
			continue
		}
		p, known := is.products[r.Code]
		if !known {
			if is.start.NoCreate {
				res[i] = kam.Reject("code", r.Code, "unknown product code (--no-create is set)")
				continue
			}
			np, rej, err := is.product(r.Code, r.Name, r.Category, "code")
			if err != nil {
				return nil, err
			}
			if rej != nil {
				res[i] = *rej
				continue
			}
			if err := is.writeProducts(); err != nil {
				return nil, err
			}
			if _, err := is.tx.Exec("UPDATE products SET uom = ?, list_price = ? WHERE id = ?", r.UOM, r.ListPrice, np.id); err != nil {
				return nil, err
			}
			res[i] = kam.RowResult{Outcome: kam.Created}
			continue
		}
		cat, err := is.category(r.Category)
		if err != nil {
			return nil, err
		}
		var name, uom string
		var price kam.Money
		var version int64
		if err := is.tx.QueryRow("SELECT name, uom, list_price, version FROM products WHERE id = ?", p.id).Scan(&name, &uom, &price, &version); err != nil {
			return nil, err
		}
		if !r.HasPrice {
			r.ListPrice = price
		}
		if name == r.Name && uom == r.UOM && price == r.ListPrice && cat == p.category {
			res[i] = kam.RowResult{Outcome: kam.Unchanged}
			continue
		}
		if cat != p.category {
			if err := is.recategorize(p.id, cat); err != nil {
				return nil, err
			}
		}
		var fields []kam.FieldChange
		for _, f := range []struct {
			name     string
			old, new any
		}{{"name", name, r.Name}, {"uom", uom, r.UOM}, {"list_price", price, r.ListPrice}, {"category_id", p.category, cat}} {
			ob, _ := json.Marshal(f.old)
			nb, _ := json.Marshal(f.new)
			if string(ob) != string(nb) {
				fields = append(fields, kam.FieldChange{Field: f.name, Old: json.RawMessage(ob), New: json.RawMessage(nb)})
			}
		}
		if _, err := is.tx.Exec("UPDATE products SET name = ?, uom = ?, list_price = ?, category_id = ?, version = version + 1, updated_at = ? WHERE id = ?",
			r.Name, r.UOM, r.ListPrice, nullIfZero(cat), is.tx.db.timeArg(is.tx.now), p.id); err != nil {
			return nil, err
		}
		if err := is.tx.recordChange(0, "product", p.id, "update", version+1, fields, nil); err != nil {
			return nil, err
		}
		p.category = cat
		res[i] = kam.RowResult{Outcome: kam.Updated}
	}
	return res, is.maybeFlush()
}

// recategorize moves the lines of a product from one category's rollups to another's.
func (is *importSession) recategorize(product, to int64) error {
	rows, err := is.tx.Query(`SELECT o.id, o.customer_id, o.order_date, o.kind, o.fx_rate, l.product_id, COALESCE(p.category_id, 0), l.quantity, l.amount, l.cost
		FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
		WHERE l.order_id IN (SELECT order_id FROM order_lines WHERE product_id = ?) ORDER BY o.id`, product)
	if err != nil {
		return err
	}
	defer rows.Close()
	type line struct {
		product int64
		f       lineFigures
	}
	var cur int64
	var tally *orderTally
	var lines []line
	move := func() error {
		for _, l := range lines {
			if l.product != product {
				continue
			}
			if err := is.delta.line(tally, l.f, -1); err != nil {
				return err
			}
			l.f.category = to
			if err := is.delta.line(tally, l.f, 1); err != nil {
				return err
			}
		}
		return nil
	}
	for rows.Next() {
		var id int64
		var h orderHead
		var l line
		if err := rows.Scan(&id, &h.customer, &h.date, &h.kind, &h.fx, &l.product, &l.f.category, &l.f.quantity, &l.f.amount, &l.f.cost); err != nil {
			return err
		}
		if id != cur {
			if tally != nil {
				if err := move(); err != nil {
					return err
				}
			}
			cur, tally, lines = id, &orderTally{head: h}, lines[:0]
		}
		tally.lines++
		tally.cats[tally.catIndex(l.f.category)].lines++
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if tally != nil {
		return move()
	}
	return nil
}

// Wallet imports estimates of customers' total purchases per category and year.
func (is *importSession) Wallet(rows []kam.WalletRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.WalletRow) (string, string) { return r.CustomerCode, "" }); err != nil {
		return nil, err
	}
	res := make([]kam.RowResult, len(rows))
	for i, r := range rows {
		ref, ok := is.customers[r.CustomerCode]
		if !ok {
			res[i] = kam.Reject("customer_code", r.CustomerCode, "unknown customer code")
			continue
		}
		cat, err := is.category(r.Category)
		if err != nil {
			return nil, err
		}
		if cat == 0 {
			res[i] = kam.Reject("category", r.Category, "required")
			continue
		}
		var old kam.Money
		err = is.tx.QueryRow("SELECT amount FROM wallet_estimates WHERE customer_id = ? AND category_id = ? AND year = ?", ref.id, cat, r.Year).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = is.tx.Exec("INSERT INTO wallet_estimates (customer_id, category_id, year, amount, updated_at) VALUES (?, ?, ?, ?, ?)",
				ref.id, cat, r.Year, r.Amount, is.tx.db.timeArg(is.tx.now))
			res[i] = kam.RowResult{Outcome: kam.Created}
		case err != nil:
		case old == r.Amount:
			res[i] = kam.RowResult{Outcome: kam.Unchanged}
		default:
			_, err = is.tx.Exec("UPDATE wallet_estimates SET amount = ?, updated_at = ? WHERE customer_id = ? AND category_id = ? AND year = ?",
				r.Amount, is.tx.db.timeArg(is.tx.now), ref.id, cat, r.Year)
			res[i] = kam.RowResult{Outcome: kam.Updated}
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Customers imports customer files, keyed by code; only the fields the file gives are changed.
func (is *importSession) Customers(rows []kam.CustomerRow) ([]kam.RowResult, error) {
	codes := make([]string, len(rows))
	for i := range rows {
		codes[i] = rows[i].Customer.Code
	}
	if err := is.resolveCustomers(codes); err != nil {
		return nil, err
	}
	cs := is.s.customers
	res := make([]kam.RowResult, len(rows))
	for i := range rows {
		r := &rows[i]
		in := r.Customer
		owner, ok := is.user(r.OwnerEmail)
		if !ok {
			res[i] = kam.Reject("owner", r.OwnerEmail, "unknown user")
			continue
		}
		var parent *int64
		if r.ParentCode != "" {
			if err := is.resolveCustomers([]string{r.ParentCode}); err != nil {
				return nil, err
			}
			p, ok := is.customers[r.ParentCode]
			if !ok {
				res[i] = kam.Reject("parent_code", r.ParentCode, "unknown customer code")
				continue
			}
			parent = &p.id
		}
		ref, known := is.customers[in.Code]
		if !known {
			if in.Code == "" {
				res[i] = kam.Reject("code", "", "required")
				continue
			}
			c := in
			c.OwnerID = owner
			if c.OwnerID == 0 {
				c.OwnerID = is.owner
			}
			c.ParentID = parent
			if err := c.Validate(); err != nil {
				res[i] = customerReject(err, in.Code)
				continue
			}
			if err := cs.checkRefs(is.tx, is.a, &c, nil); err != nil {
				res[i] = customerReject(err, in.Code)
				continue
			}
			if err := cs.insertCustomer(is.tx, &c); err != nil {
				res[i] = customerReject(err, in.Code)
				continue
			}
			if err := is.tx.recordChange(c.ID, "customer", c.ID, "create", c.Version, diffFields(nil, &c), nil); err != nil {
				return nil, err
			}
			is.customers[c.Code] = &customerRef{id: c.ID, name: c.Name}
			res[i] = kam.RowResult{Outcome: kam.Created}
			continue
		}
		cur, err := cs.findCustomer(is.ctx, is.tx.conn, is.a, ref.id)
		if err != nil {
			return nil, err
		}
		next := cloneCustomer(cur)
		mergeCustomer(next, &in, r.Set)
		if r.Set["owner"] && owner != 0 {
			next.OwnerID = owner
		}
		if r.Set["parent_code"] {
			next.ParentID = parent
		}
		if err := cs.updateCustomerTx(is.tx, is.a, cur, next); err != nil {
			if kam.ErrorCodeOf(err) == kam.EInternal {
				return nil, err
			}
			res[i] = customerReject(err, in.Code)
			continue
		}
		if next.Version == cur.Version {
			res[i] = kam.RowResult{Outcome: kam.Unchanged}
		} else {
			res[i] = kam.RowResult{Outcome: kam.Updated}
		}
	}
	return res, nil
}

// customerReject turns a validation error of a customer into a row rejection naming the field.
func customerReject(err error, code string) kam.RowResult {
	if fs := kam.FieldErrors(err); len(fs) > 0 {
		return kam.Reject(fs[0].Field, code, fs[0].Message)
	}
	return kam.Reject("code", code, kam.ErrorMessage(err))
}

// mergeCustomer copies the fields a file gives onto a stored customer.
func mergeCustomer(dst, src *kam.Customer, set map[string]bool) {
	m := toMap(src)
	d := toMap(dst)
	for k := range set {
		if v, ok := m[k]; ok {
			d[k] = v
		}
	}
	b, _ := json.Marshal(d)
	_ = json.Unmarshal(b, dst)
}

// Contacts imports contacts, matched by customer code and name.
func (is *importSession) Contacts(rows []kam.ContactRow) ([]kam.RowResult, error) {
	if err := customerCodes(is, rows, func(r *kam.ContactRow) (string, string) { return r.CustomerCode, "" }); err != nil {
		return nil, err
	}
	cs := is.s.customers
	res := make([]kam.RowResult, len(rows))
	for i := range rows {
		r := &rows[i]
		ref, ok := is.customers[r.CustomerCode]
		if !ok {
			res[i] = kam.Reject("customer_code", r.CustomerCode, "unknown customer code")
			continue
		}
		in := r.Contact
		in.CustomerID = ref.id
		if r.UnitName != "" {
			u, ok, err := is.unit(ref.id, r.UnitName)
			if err != nil {
				return nil, err
			}
			if !ok {
				res[i] = kam.Reject("unit", r.UnitName, "the customer has no unit of this name")
				continue
			}
			in.UnitID = &u
		}
		var id int64
		err := is.tx.QueryRow("SELECT id FROM contacts WHERE customer_id = ? AND name = ? ORDER BY id LIMIT 1", ref.id, strings.TrimSpace(in.Name)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			c := in
			if err := cs.insertContact(is.tx, &c); err != nil {
				if kam.ErrorCodeOf(err) == kam.EInternal {
					return nil, err
				}
				res[i] = contactReject(err, in.Name)
				continue
			}
			res[i] = kam.RowResult{Outcome: kam.Created}
			continue
		}
		if err != nil {
			return nil, err
		}
		cur, err := cs.findContact(is.ctx, is.tx.conn, is.a, id)
		if err != nil {
			return nil, err
		}
		next := cloneContact(cur)
		m, d := toMap(&in), toMap(next)
		for k := range r.Set {
			if v, ok := m[k]; ok {
				d[k] = v
			}
		}
		if r.UnitName != "" {
			next.UnitID = in.UnitID
		}
		b, _ := json.Marshal(d)
		_ = json.Unmarshal(b, next)
		if err := cs.updateContactTx(is.tx, cur, next); err != nil {
			if kam.ErrorCodeOf(err) == kam.EInternal {
				return nil, err
			}
			res[i] = contactReject(err, in.Name)
			continue
		}
		if next.Version == cur.Version {
			res[i] = kam.RowResult{Outcome: kam.Unchanged}
		} else {
			res[i] = kam.RowResult{Outcome: kam.Updated}
		}
	}
	return res, nil
}

func contactReject(err error, name string) kam.RowResult {
	if fs := kam.FieldErrors(err); len(fs) > 0 {
		return kam.Reject(fs[0].Field, name, fs[0].Message)
	}
	return kam.Reject("name", name, kam.ErrorMessage(err))
}
