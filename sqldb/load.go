package sqldb

import (
	"context"
	"fmt"
	"strings"

	"kam"
	"kam/demo"
)

// LoadDemo bulk-loads a generated portfolio into an empty database, keeping the generator's ids:
// the sales organisation, the customer files and their ledger, whose rollups it then computes.
// It writes in large multi-row statements inside one transaction: a 100,000-customer portfolio
// loads in seconds, and a failure leaves nothing behind.
func (db *DB) LoadDemo(ctx context.Context, p *demo.Portfolio) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM customers").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kam.Errorf(kam.EConflict, "the database already holds %d customers; demo data loads only into an empty database", n)
	}
	if err := tx.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kam.Errorf(kam.EConflict, "the database already holds %d users; demo data loads only into an empty database", n)
	}
	if err := tx.QueryRow("SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM product_categories)").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kam.Errorf(kam.EConflict, "the database already holds %d products and categories; demo data loads only into an empty database", n)
	}
	now := db.timeArg(tx.now)

	// Every demo user has the same published password; hashing it once per distinct password keeps
	// loading fast (a real user's password is hashed with its own salt by CreateUser).
	hashes := map[string]string{}
	users := make([][]any, 0, len(p.Users))
	for _, pu := range p.Users {
		u := pu.User
		if err := u.Validate(); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		if err := kam.ValidatePassword(u.Email, pu.Password); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		h, ok := hashes[pu.Password]
		if !ok {
			if h, err = hashPassword(pu.Password); err != nil {
				return err
			}
			hashes[pu.Password] = h
		}
		users = append(users, []any{u.ID, u.Email, u.Name, string(u.Role), idArg(u.SupervisorID), h, 1, 1, now, now})
	}
	if err := tx.insertRows("users", "id, email, name, role, supervisor_id, password_hash, active, version, created_at, updated_at", users); err != nil {
		return err
	}

	contactNames := map[int64][]string{}
	for _, c := range p.Contacts {
		contactNames[c.CustomerID] = append(contactNames[c.CustomerID], c.Name)
	}
	var customers, tags, team, search, changes [][]any
	for _, c := range p.Customers {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("demo customer %s: %w", c.Code, err)
		}
		customers = append(customers, []any{c.ID, c.Code, c.Name, nameKey(c.Name), c.ShortName, c.LegalName, c.CreditCode, c.Industry,
			c.Nature, c.ChannelRole, c.Province, c.City, c.Address, c.FoundedOn, c.Size, c.Status, c.Stage, c.OwnerID,
			idArg(c.ParentID), mustJSON(c.Tags), mustJSON(c.Team), mustJSON(c.CustomFields), c.Note, 1, now, now})
		for _, t := range c.Tags {
			tags = append(tags, []any{t, c.ID})
		}
		for _, m := range c.Team {
			team = append(team, []any{c.ID, m.UserID, m.Role})
		}
		search = append(search, []any{c.ID, db.searchDocument(c.Code, c.Name, c.ShortName, contactNames[c.ID])})
		changes = append(changes, []any{c.ID, "customer", c.ID, "create", 1, kam.System.UserID, now, "[]", "{}"})
	}
	if err := tx.insertRows("customers", `id, code, name, name_key, short_name, legal_name, credit_code, industry, nature,
		channel_role, province, city, address, founded_on, size, status, stage, owner_id, parent_id, tags, team, custom_fields, note,
		version, created_at, updated_at`, customers); err != nil {
		return err
	}
	if err := tx.insertRows("customer_tags", "tag, customer_id", tags); err != nil {
		return err
	}
	if err := tx.insertRows("account_team", "customer_id, user_id, role", team); err != nil {
		return err
	}
	if err := tx.insertRows("changes", "customer_id, entity, entity_id, action, version, user_id, at, fields, snapshot", changes); err != nil {
		return err
	}
	var units [][]any
	for _, u := range p.Units {
		if err := u.Validate(); err != nil {
			return fmt.Errorf("demo unit %d: %w", u.ID, err)
		}
		units = append(units, []any{u.ID, u.CustomerID, idArg(u.ParentUnitID), u.Name, u.Kind, u.Address, u.Note, 1, now, now})
	}
	if err := tx.insertRows("units", "id, customer_id, parent_unit_id, name, kind, address, note, version, created_at, updated_at", units); err != nil {
		return err
	}
	var contacts [][]any
	for _, c := range p.Contacts {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("demo contact %d: %w", c.ID, err)
		}
		contacts = append(contacts, []any{c.ID, c.CustomerID, idArg(c.UnitID), c.Name, c.Title, c.PurchaseRole, idArg(c.ReportsToID),
			mustJSON(c.Phones), c.Email, c.WeChat, birthdayArg(c.Birthday), c.Preferences, c.Relationship, c.Note, 1, now, now})
	}
	if err := tx.insertRows("contacts", `id, customer_id, unit_id, name, title, purchase_role, reports_to_id, phones, email, wechat,
		birthday, preferences, relationship, note, version, created_at, updated_at`, contacts); err != nil {
		return err
	}
	if db.dialect == SQLite {
		err = tx.insertRows("customer_search", "rowid, tokens", search)
	} else {
		err = tx.updateSearchBulk(search)
	}
	if err != nil {
		return err
	}
	if err := tx.loadLedger(p, now); err != nil {
		return err
	}
	if db.dialect == Postgres {
		// Rows were written with explicit ids: move the identity sequences past them.
		for _, t := range []string{"users", "customers", "units", "contacts", "product_categories", "products", "orders",
			"invoices", "payments", "costs", "financials"} {
			if _, err := tx.Exec("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), COALESCE((SELECT max(id) FROM " + t + "), 0) + 1, false)"); err != nil {
				return err
			}
		}
		if _, err := tx.Exec("ANALYZE"); err != nil {
			return err
		}
	}
	// SQLite is not ANALYZEd: with its STAT4 statistics every cached statement is re-prepared
	// whenever a bound value changes, which costs more than the plans gain here.
	return tx.Commit()
}

// loadLedger writes the portfolio's ledger with its ids, then computes the rollups from it.
func (tx *Tx) loadLedger(p *demo.Portfolio, now any) error {
	err := tx.insertEach("product_categories", "id, code, name, created_at", len(p.Categories), func(i int, a []any) []any {
		c := p.Categories[i]
		return append(a, c.ID, c.Code, c.Name, now)
	})
	if err != nil {
		return err
	}
	err = tx.insertEach("products", "id, code, name, category_id, uom, list_price, active, version, created_at, updated_at", len(p.Products),
		func(i int, a []any) []any {
			r := p.Products[i]
			return append(a, r.ID, r.Code, r.Name, idArg(r.CategoryID), r.UOM, int64(r.ListPrice), boolInt(r.Active), 1, now, now)
		})
	if err != nil {
		return err
	}
	err = tx.insertEach("orders", `id, order_no, kind, return_of, order_date, customer_id, unit_id, rep_id, currency, fx_rate, note,
		version, created_at, updated_at`, len(p.Orders), func(i int, a []any) []any {
		o := p.Orders[i]
		return append(a, o.ID, o.OrderNo, o.Kind, idArg(o.ReturnOfID), o.OrderDate, o.CustomerID, idArg(o.UnitID), idArg(o.RepID),
			o.Currency, int64(o.FXRate), o.Note, 1, now, now)
	})
	if err != nil {
		return err
	}
	type lineRef struct {
		order int64
		line  *kam.OrderLine
	}
	var lines []lineRef
	for _, o := range p.Orders {
		for i := range o.Lines {
			lines = append(lines, lineRef{o.ID, &o.Lines[i]})
		}
	}
	err = tx.insertEach("order_lines", "order_id, line_no, product_id, quantity, unit_price, discount, amount, cost", len(lines),
		func(i int, a []any) []any {
			l := lines[i].line
			return append(a, lines[i].order, l.LineNo, l.ProductID, int64(l.Quantity), int64(l.UnitPrice), int64(l.Discount),
				int64(l.Amount), int64(l.Cost))
		})
	if err != nil {
		return err
	}
	lines = nil
	err = tx.insertEach("invoices", `id, invoice_no, customer_id, order_id, invoice_date, due_date, amount, currency, paid, note,
		version, created_at, updated_at`, len(p.Invoices), func(i int, a []any) []any {
		v := p.Invoices[i]
		return append(a, v.ID, v.InvoiceNo, v.CustomerID, idArg(v.OrderID), v.InvoiceDate, v.DueDate, int64(v.Amount), v.Currency,
			int64(v.Paid), v.Note, 1, now, now)
	})
	if err != nil {
		return err
	}
	err = tx.insertEach("payments", `id, reference, customer_id, payment_date, amount, currency, method, invoice_no, note,
		version, created_at, updated_at`, len(p.Payments), func(i int, a []any) []any {
		v := p.Payments[i]
		return append(a, v.ID, v.Reference, v.CustomerID, v.PaymentDate, int64(v.Amount), v.Currency, v.Method, v.InvoiceNo, v.Note,
			1, now, now)
	})
	if err != nil {
		return err
	}
	type allocRef struct {
		payment int64
		alloc   *kam.Allocation
	}
	var allocs []allocRef
	for _, v := range p.Payments {
		for i := range v.Allocations {
			allocs = append(allocs, allocRef{v.ID, &v.Allocations[i]})
		}
	}
	err = tx.insertEach("payment_allocations", "payment_id, invoice_id, amount", len(allocs), func(i int, a []any) []any {
		return append(a, allocs[i].payment, allocs[i].alloc.InvoiceID, int64(allocs[i].alloc.Amount))
	})
	if err != nil {
		return err
	}
	err = tx.insertEach("costs", "id, reference, customer_id, entry_date, expense_code, amount, note, version, created_at, updated_at",
		len(p.Costs), func(i int, a []any) []any {
			v := p.Costs[i]
			return append(a, v.ID, v.Reference, v.CustomerID, v.EntryDate, v.ExpenseCode, int64(v.Amount), v.Note, 1, now, now)
		})
	if err != nil {
		return err
	}
	err = tx.insertEach("financials", `id, customer_id, period, current_assets, current_liabilities, revenue, net_profit, total_assets,
		inventory, receivables, cost_of_sales, version, created_at, updated_at`, len(p.Financials), func(i int, a []any) []any {
		f := p.Financials[i]
		return append(a, f.ID, f.CustomerID, f.Period, int64(f.CurrentAssets), int64(f.CurrentLiabilities), int64(f.Revenue),
			int64(f.NetProfit), int64(f.TotalAssets), int64(f.Inventory), int64(f.Receivables), int64(f.CostOfSales), 1, now, now)
	})
	if err != nil {
		return err
	}
	err = tx.insertEach("wallet_estimates", "customer_id, category_id, year, amount, updated_at", len(p.Wallet), func(i int, a []any) []any {
		w := p.Wallet[i]
		return append(a, w.CustomerID, w.CategoryID, w.Year, int64(w.Amount), now)
	})
	if err != nil {
		return err
	}
	// Lines and costs were written without the write path's rollup deltas: count them once.
	return tx.rebuildRollups()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertEach writes n rows in multi-row INSERT statements like insertRows, building each
// statement's arguments as it goes (row appends row i's values), so that a large table is never
// held twice in memory.
func (tx *Tx) insertEach(table, columns string, n int, row func(i int, args []any) []any) error {
	cols := strings.Split(columns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	per := max(1, min(500, 30000/len(cols)))
	args := make([]any, 0, per*len(cols))
	for start, end := 0, 0; start < n; start = end {
		end = start + chunkRows(n-start, per)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		if _, err := tx.execPrepared(insertSQL(table, cols, end-start), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// insertRows writes rows in multi-row INSERT statements, staying under both databases' limits on
// bound parameters.
func (tx *Tx) insertRows(table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := strings.Split(columns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return tx.insertMany(table, cols, rows, "", max(1, min(500, 30000/len(cols))))
}

// updateSearchBulk writes PostgreSQL search vectors for many customers at once.
func (tx *Tx) updateSearchBulk(rows [][]any) error {
	const per = 1000
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		b.WriteString("UPDATE customers AS c SET search = v.doc::tsvector FROM (VALUES ")
		args := make([]any, 0, 2*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(?::bigint, ?::text)")
			args = append(args, rows[i]...)
		}
		b.WriteString(") AS v(id, doc) WHERE c.id = v.id")
		if _, err := tx.Exec(b.String(), args...); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return nil
}
