package sqldb

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"kam"
)

// orderAcc is an order an import has touched: its stored header, the header its first row in the
// file gave, and which line numbers the file has used (to catch duplicates).
type orderAcc struct {
	no       string
	id       int64
	isNew    bool
	firstRow int
	version  int64
	head     orderHead
	currency string
	rep      int64
	unit     int64
	returnOf int64
	note     string
	tally    orderTally
	filePos  int
	seen     []seenLine
	headDone bool // the file's header has been compared with (and written over) the stored one
	// ours marks a stored order this import created, met again after the session let it go.
	ours bool
	// lastWrite numbers the last queued write of the order or its lines (see Tx.later).
	lastWrite uint64
}

// maxOpenOrders bounds the orders a session keeps in memory. Files list an order's rows together,
// so an order is rarely met again after a few thousand others; one that is comes back from the
// database (the transaction's own writes included), so memory stays flat however large the file.
const maxOpenOrders = 20000

// forgetOrders lets the oldest orders go once the session holds too many.
func (is *importSession) forgetOrders() error {
	if len(is.orderQueue) <= maxOpenOrders {
		return nil
	}
	drop := len(is.orderQueue) - maxOpenOrders/2
	// An order let go is read back from the database, between queued writes (loadOrders): its
	// own must have run. They have, but for an order whose rows are far apart in the file.
	var lastWrite uint64
	for _, no := range is.orderQueue[:drop] {
		if o := is.orders[no]; o != nil {
			lastWrite = max(lastWrite, o.lastWrite)
		}
	}
	if err := is.tx.settleUpTo(lastWrite); err != nil {
		return err
	}
	gone := make([]*orderAcc, 0, drop)
	for _, no := range is.orderQueue[:drop] {
		if o := is.orders[no]; o != nil {
			gone = append(gone, o)
		}
		delete(is.orders, no)
		if is.evicted != nil {
			is.evicted.Add(no)
		}
	}
	is.orderQueue = append(is.orderQueue[:0], is.orderQueue[drop:]...)
	return is.savePositions(gone)
}

// remember keeps an order in the session.
func (is *importSession) remember(o *orderAcc) {
	is.orders[o.no] = o
	is.orderQueue = append(is.orderQueue, o.no)
}

type seenLine struct{ lineNo, row int }

// storedLine is a line as stored, with its product's category.
type storedLine struct {
	productID                         int64
	category                          int64
	quantity                          kam.Quantity
	unitPrice, discount, amount, cost kam.Money
}

func (l storedLine) figures() lineFigures {
	return lineFigures{category: l.category, quantity: l.quantity, amount: l.amount, cost: l.cost}
}

// lineJSON is a line as history shows it.
func (l storedLine) lineJSON() json.RawMessage {
	b, _ := json.Marshal(map[string]any{"product_id": l.productID, "quantity": l.quantity, "unit_price": l.unitPrice,
		"discount": l.discount, "amount": l.amount, "cost": l.cost})
	return b
}

// OrderLines imports a batch of order lines.
func (is *importSession) OrderLines(rows []kam.OrderLineRow) ([]kam.RowResult, error) {
	res := make([]kam.RowResult, len(rows))
	var pcodes, onos []string
	// Each order number once: an order's rows repeat it, and a number in two chunks of the lookup
	// would load the order twice.
	asked := map[string]bool{}
	for _, r := range rows {
		pcodes = append(pcodes, r.ProductCode)
		for _, no := range []string{r.OrderNo, r.ReturnOf} {
			if _, ok := is.orders[no]; !ok && no != "" && !asked[no] {
				asked[no] = true
				onos = append(onos, no)
			}
		}
	}
	reqs := make([]customerReq, 0, len(rows))
	for _, r := range rows {
		owner, _ := is.user(r.Rep)
		reqs = append(reqs, customerReq{code: r.CustomerCode, name: r.CustomerName, owner: owner, codeField: "customer_code", nameField: "customer_name"})
	}
	if err := is.ensureCustomers(reqs); err != nil {
		return nil, err
	}
	if err := is.resolveProducts(pcodes); err != nil {
		return nil, err
	}
	if is.evicted != nil {
		// The orders table was empty when the import began: an order not in memory is stored
		// only if this import wrote it and let it go (or, rarely, the set answers maybe for
		// one it did not: the lookup then finds nothing).
		known := onos[:0]
		for _, no := range onos {
			if is.evicted.MayHold(no) {
				known = append(known, no)
			}
		}
		onos = known
	}
	// The stored lines of the existing orders of this batch, as they are now in the transaction:
	// those of the orders just loaded come with them (no write of theirs is queued), the others'
	// are read after their queued writes.
	stored, err := is.loadOrders(onos)
	if err != nil {
		return nil, err
	}
	var existing []int64
	var lastWrite uint64
	seen := map[int64]bool{}
	for _, r := range rows {
		if o := is.orders[r.OrderNo]; o != nil && !o.isNew && !seen[o.id] {
			seen[o.id] = true
			if _, loaded := stored[o.id]; !loaded {
				existing = append(existing, o.id)
				lastWrite = max(lastWrite, o.lastWrite)
			}
		}
	}
	if err := is.tx.settleUpTo(lastWrite); err != nil {
		return nil, err
	}
	more, err := is.loadLines(existing)
	if err != nil {
		return nil, err
	}
	maps.Copy(stored, more)
	type newLine struct {
		o   *orderAcc
		no  int
		l   storedLine
		row int
	}
	var newOrders []*orderAcc
	var newLines []newLine
	changed := map[*orderAcc][]kam.FieldChange{}
	for i := range rows {
		r := &rows[i]
		rep, ok := is.user(r.Rep)
		if !ok {
			res[i] = kam.Reject("rep", r.Rep, "unknown user")
			continue
		}
		cust, rej := is.customer(r.CustomerCode, "customer_code")
		if rej != nil {
			res[i] = *rej
			continue
		}
		prod, rej, err := is.product(r.ProductCode, r.ProductName, r.Category, "product_code")
		if err != nil {
			return nil, err
		}
		if rej != nil {
			res[i] = *rej
			continue
		}
		unit, ok, err := is.unit(cust, r.Unit)
		if err != nil {
			return nil, err
		}
		if !ok {
			res[i] = kam.Reject("unit", r.Unit, "the customer has no unit of this name")
			continue
		}
		var returnOf int64
		if r.ReturnOf != "" {
			ro := is.orders[r.ReturnOf]
			if ro == nil {
				res[i] = kam.Reject("return_of", r.ReturnOf, "unknown order number")
				continue
			}
			if ro.head.customer != cust {
				res[i] = kam.Reject("return_of", r.ReturnOf, "that order is another customer's")
				continue
			}
			returnOf = ro.id
		}
		if msg := checkDocText(r.OrderNo, 64); msg != "" {
			res[i] = kam.Reject("order_no", r.OrderNo, msg)
			continue
		}
		kind := kam.OrderKindSale
		if returnOf != 0 {
			kind = kam.OrderKindReturn
		}
		head := orderHead{customer: cust, date: r.OrderDate, kind: kind, fx: r.FXRate}
		o := is.orders[r.OrderNo]
		if o == nil {
			head.date = strings.Clone(head.date)
			o = &orderAcc{no: strings.Clone(r.OrderNo), isNew: true, firstRow: r.Row, head: head, currency: strings.Clone(r.Currency), rep: rep,
				unit: unit, returnOf: returnOf, note: strings.Clone(r.Note), version: 1, headDone: true}
			o.tally.head = head
			if o.id, err = is.takeID("orders"); err != nil {
				return nil, err
			}
			is.remember(o)
			newOrders = append(newOrders, o)
		}
		if !o.headDone {
			// The first row of a stored order in this file: its header wins over the stored one.
			o.headDone = true
			o.firstRow = r.Row
			fields := is.headChanges(o, head, r.Currency, rep, unit, returnOf, r.Note)
			if len(fields) > 0 {
				if err := is.moveOrder(o, stored[o.id], head); err != nil {
					return nil, err
				}
				o.currency, o.rep, o.unit, o.returnOf, o.note = r.Currency, rep, unit, returnOf, r.Note
				changed[o] = append(changed[o], fields...)
			}
		} else if f, v := headMismatch(o, head, r.Currency, rep, unit, returnOf); f != "" {
			where := fmt.Sprintf("row %d", o.firstRow)
			if o.firstRow == 0 {
				where = "an earlier row"
			}
			res[i] = kam.Reject(f, v, "differs from "+where+" of the same order")
			continue
		}
		o.filePos++
		lineNo := r.LineNo
		if lineNo == 0 {
			lineNo = o.filePos
		}
		if dup := o.seenRow(lineNo); dup != 0 {
			res[i] = kam.Reject("line_no", strconv.Itoa(lineNo), fmt.Sprintf("duplicate: order %s line %d is also on row %d", r.OrderNo, lineNo, dup))
			continue
		}
		o.seen = append(o.seen, seenLine{lineNo, r.Row})
		line := storedLine{productID: prod.id, category: prod.category, quantity: r.Quantity, unitPrice: r.UnitPrice,
			discount: r.Discount, amount: r.Amount, cost: r.Cost}
		if err := is.delta.line(&o.tally, line.figures(), 1); err != nil {
			res[i] = kam.Reject("amount", r.Amount.String(), err.Error())
			continue
		}
		old, had := stored[o.id][lineNo]
		if had && o.ours {
			res[i] = kam.Reject("line_no", strconv.Itoa(lineNo), fmt.Sprintf("duplicate: order %s line %d is also on an earlier row", r.OrderNo, lineNo))
			if err := is.delta.line(&o.tally, line.figures(), -1); err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case o.isNew || !had:
			newLines = append(newLines, newLine{o, lineNo, line, r.Row})
			res[i] = kam.RowResult{Outcome: kam.Created}
		case old == line:
			if err := is.delta.line(&o.tally, old.figures(), -1); err != nil {
				return nil, err
			}
			res[i] = kam.RowResult{Outcome: kam.Unchanged}
		default:
			if err := is.delta.line(&o.tally, old.figures(), -1); err != nil {
				return nil, err
			}
			_, err := is.tx.execPrepared(`UPDATE order_lines SET product_id = ?, quantity = ?, unit_price = ?, discount = ?, amount = ?, cost = ?
				WHERE order_id = ? AND line_no = ?`, line.productID, line.quantity, line.unitPrice, line.discount, line.amount, line.cost, o.id, lineNo)
			if err != nil {
				return nil, err
			}
			changed[o] = append(changed[o], kam.FieldChange{Field: fmt.Sprintf("lines[%d]", lineNo), Old: old.lineJSON(), New: line.lineJSON()})
			res[i] = kam.RowResult{Outcome: kam.Updated}
		}
		if len(changed[o]) > 0 && res[i].Outcome == kam.Unchanged {
			res[i].Outcome = kam.Updated
		}
	}
	if err := is.writeProducts(); err != nil {
		return nil, err
	}
	if err := is.insertOrders(newOrders); err != nil {
		return nil, err
	}
	is.written += len(newLines) + len(newOrders)
	// Plain int64s: database/sql converts named types (kam.Money) by reflection.
	lineCols := []string{"order_id", "line_no", "product_id", "quantity", "unit_price", "discount", "amount", "cost"}
	values := make([]any, 0, len(newLines)*len(lineCols))
	for _, nl := range newLines {
		values = append(values, nl.o.id, int64(nl.no), nl.l.productID, int64(nl.l.quantity), int64(nl.l.unitPrice),
			int64(nl.l.discount), int64(nl.l.amount), int64(nl.l.cost))
	}
	write := func(tx *Tx) error { return tx.insertValues("order_lines", lineCols, values, 500) }
	if is.tx.sqlConn != nil {
		// COPY on PostgreSQL takes rows.
		rows := make([][]any, 0, len(newLines))
		for i := 0; i < len(values); i += len(lineCols) {
			rows = append(rows, values[i:i+len(lineCols):i+len(lineCols)])
		}
		write = func(tx *Tx) error { return tx.copyRows("order_lines", lineCols, rows) }
	}
	if err := is.tx.later(write); err != nil {
		return nil, err
	}
	for _, nl := range newLines {
		nl.o.lastWrite = is.tx.lastQueued()
	}
	for _, o := range newOrders {
		o.lastWrite = is.tx.lastQueued()
	}
	for o, fields := range changed {
		o.version++
		if _, err := is.tx.Exec(`UPDATE orders SET order_date = ?, customer_id = ?, kind = ?, return_of = ?, unit_id = ?, rep_id = ?, currency = ?,
			fx_rate = ?, note = ?, version = ?, updated_at = ? WHERE id = ?`, o.head.date, o.head.customer, o.head.kind, nullIfZero(o.returnOf),
			nullIfZero(o.unit), nullIfZero(o.rep),
			o.currency, o.head.fx, o.note, o.version, is.tx.db.timeArg(is.tx.now), o.id); err != nil {
			return nil, err
		}
		if err := is.tx.recordChange(o.head.customer, "order", o.id, "update", o.version, fields, nil); err != nil {
			return nil, err
		}
	}
	if err := is.forgetOrders(); err != nil {
		return nil, err
	}
	var first int32
	for i := range rows {
		if m := monthOf(rows[i].OrderDate); m > 0 && (first == 0 || m < first) {
			first = m
		}
	}
	if err := is.flushBefore(first); err != nil {
		return nil, err
	}
	return res, is.maybeFlush()
}

func (o *orderAcc) seenRow(lineNo int) int {
	for _, s := range o.seen {
		if s.lineNo == lineNo {
			return s.row
		}
	}
	return 0
}

// headMismatch names the first header field of a row that differs from its order's first row.
func headMismatch(o *orderAcc, h orderHead, currency string, rep, unit, returnOf int64) (string, string) {
	switch {
	case h.date != o.head.date:
		return "order_date", h.date
	case h.customer != o.head.customer:
		return "customer_code", ""
	case currency != o.currency:
		return "currency", currency
	case h.fx != o.head.fx:
		return "fx_rate", h.fx.String()
	case rep != o.rep:
		return "rep", ""
	case unit != o.unit:
		return "unit", ""
	case returnOf != o.returnOf:
		return "return_of", ""
	}
	return "", ""
}

// headChanges lists how a file's header differs from the stored order.
func (is *importSession) headChanges(o *orderAcc, h orderHead, currency string, rep, unit, returnOf int64, note string) []kam.FieldChange {
	var out []kam.FieldChange
	add := func(field string, old, new any) {
		ob, _ := json.Marshal(old)
		nb, _ := json.Marshal(new)
		if string(ob) != string(nb) {
			out = append(out, kam.FieldChange{Field: field, Old: json.RawMessage(ob), New: json.RawMessage(nb)})
		}
	}
	add("order_date", o.head.date, h.date)
	add("customer_id", o.head.customer, h.customer)
	add("kind", o.head.kind, h.kind)
	add("currency", o.currency, currency)
	add("fx_rate", o.head.fx, h.fx)
	add("rep_id", o.rep, rep)
	add("unit_id", o.unit, unit)
	add("return_of", o.returnOf, returnOf)
	add("note", o.note, note)
	return out
}

// moveOrder moves a stored order's lines to a new header in the rollups.
func (is *importSession) moveOrder(o *orderAcc, lines map[int]storedLine, h orderHead) error {
	for _, l := range lines {
		if err := is.delta.line(&o.tally, l.figures(), -1); err != nil {
			return err
		}
	}
	o.head, o.tally.head = h, h
	for _, l := range lines {
		if err := is.delta.line(&o.tally, l.figures(), 1); err != nil {
			return err
		}
	}
	return nil
}

// loadOrders reads the stored orders with the given numbers into the session.
// It returns the stored lines of the orders it loaded (as loadLines does).
func (is *importSession) loadOrders(nos []string) (map[int64]map[int]storedLine, error) {
	var loaded []*orderAcc
	// Between queued writes: an order not in memory has no write queued (see forgetOrders).
	err := is.tx.between(func(tx *Tx) error {
		return inChunks(nos, func(part []string) error {
			rows, err := tx.Query(`SELECT id, order_no, kind, COALESCE(return_of, 0), order_date, customer_id, COALESCE(unit_id, 0), COALESCE(rep_id, 0),
			currency, fx_rate, note, version, COALESCE(import_id, 0) FROM orders WHERE order_no IN (`+placeholders(len(part))+")", anySlice(part)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				o := &orderAcc{}
				var importID int64
				if err := rows.Scan(&o.id, &o.no, &o.head.kind, &o.returnOf, &o.head.date, &o.head.customer, &o.unit, &o.rep,
					&o.currency, &o.head.fx, &o.note, &o.version, &importID); err != nil {
					return err
				}
				o.tally.head = o.head
				// An order this import wrote earlier: its header is the file's already.
				o.ours = importID == is.importID
				o.headDone = o.ours
				is.remember(o)
				loaded = append(loaded, o)
			}
			return rows.Err()
		})
	})
	if err != nil {
		return nil, err
	}
	if len(loaded) == 0 {
		return map[int64]map[int]storedLine{}, nil
	}
	if err := is.restorePositions(loaded); err != nil {
		return nil, err
	}
	// The tallies of stored orders start from their stored lines.
	ids := make([]int64, len(loaded))
	byID := map[int64]*orderAcc{}
	for i, o := range loaded {
		ids[i] = o.id
		byID[o.id] = o
	}
	lines, err := is.loadLines(ids)
	if err != nil {
		return nil, err
	}
	for id, ls := range lines {
		o := byID[id]
		for no, l := range ls {
			o.tally.lines++
			o.tally.cats[o.tally.catIndex(l.category)].lines++
			if o.ours {
				o.filePos = max(o.filePos, no)
			}
		}
	}
	return lines, nil
}

// loadLines reads the stored lines of orders, by order id and line number, between queued
// writes: the caller has waited for the writes of the orders' lines (orderAcc.lastWrite).
func (is *importSession) loadLines(ids []int64) (map[int64]map[int]storedLine, error) {
	// An entry for each order asked, nil for one without lines: the caller tells what was read.
	out := make(map[int64]map[int]storedLine, len(ids))
	for _, id := range ids {
		out[id] = nil
	}
	err := is.tx.between(func(tx *Tx) error {
		return inChunks(ids, func(part []int64) error {
			rows, err := tx.Query(`SELECT l.order_id, l.line_no, l.product_id, COALESCE(p.category_id, 0), l.quantity, l.unit_price, l.discount, l.amount, l.cost
			FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id IN (`+placeholders(len(part))+")", anySlice(part)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var no int
				var l storedLine
				if err := rows.Scan(&id, &no, &l.productID, &l.category, &l.quantity, &l.unitPrice, &l.discount, &l.amount, &l.cost); err != nil {
					return err
				}
				if out[id] == nil {
					out[id] = map[int]storedLine{}
				}
				out[id][no] = l
			}
			return rows.Err()
		})
	})
	return out, err
}

// sessionConsts are the columns every record of the session shares, as SQL literals.
func (is *importSession) sessionConsts() []colConst {
	now := is.tx.now.UTC().Format(sqliteTime)
	if is.tx.db.dialect == Postgres {
		now = is.tx.now.UTC().Format(time.RFC3339Nano)
	}
	return []colConst{{"import_id", strconv.FormatInt(is.importID, 10)}, {"created_at", "'" + now + "'"}, {"updated_at", "'" + now + "'"}}
}

// insertOrders writes new orders with ids allocated for them.
func (is *importSession) insertOrders(orders []*orderAcc) error {
	if len(orders) == 0 {
		return nil
	}
	cols := []string{"id", "order_no", "kind", "return_of", "order_date", "customer_id", "unit_id", "rep_id", "currency", "fx_rate", "note"}
	row := func(o *orderAcc) []any {
		return []any{o.id, o.no, o.head.kind, nullIfZero(o.returnOf), o.head.date, o.head.customer, nullIfZero(o.unit), nullIfZero(o.rep),
			o.currency, int64(o.head.fx), o.note}
	}
	if is.tx.sqlConn != nil {
		rows := make([][]any, len(orders))
		for i, o := range orders {
			rows[i] = append(row(o), is.importID, is.tx.now, is.tx.now)
		}
		return is.tx.later(func(tx *Tx) error {
			return tx.copyRows("orders", append(cols, "import_id", "created_at", "updated_at"), rows)
		})
	}
	// What every order of the session shares is written as constants of the statement, which is
	// prepared once: fewer values to bind per row. Most orders are sales in the ledger's currency
	// without a unit or a note: their columns take the table's defaults, and only five values of
	// each are bound (handing values to SQLite is a fifth of the import's writing).
	consts := is.sessionConsts()
	plainCols := []string{"id", "order_no", "order_date", "customer_id", "rep_id"}
	var plain, other [][]any
	for _, o := range orders {
		if o.head.kind == kam.OrderKindSale && o.returnOf == 0 && o.unit == 0 && o.currency == "CNY" && o.head.fx == kam.OneRate && o.note == "" {
			plain = append(plain, []any{o.id, o.no, o.head.date, o.head.customer, nullIfZero(o.rep)})
		} else {
			other = append(other, row(o))
		}
	}
	return is.tx.later(func(tx *Tx) error {
		if err := tx.insertMany("orders", plainCols, plain, "", 200, consts...); err != nil {
			return err
		}
		return tx.insertMany("orders", cols, other, "", 200, consts...)
	})
}
