package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"kam"
)

// Export streams the records of a kind as import field values, within the actor's scope and the
// filter (customer, dates, q). Rows are read in storage order, so memory stays flat however many
// there are.
func (s *LedgerService) Export(ctx context.Context, kind string, f kam.LedgerFilter, fn func(map[string]string) error) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !kam.CanExport(a, kind) {
		return kam.Errorf(kam.EForbidden, "your role may not export %s", kind)
	}
	if err := s.checkExportOf(ctx, a, kind, f.CustomerID); err != nil {
		return err
	}
	switch kind {
	case "customers":
		return s.exportCustomers(ctx, a, f, fn)
	case "contacts":
		return s.exportContacts(ctx, a, f, fn)
	case "products":
		return s.exportProducts(ctx, f, fn)
	}
	spec, ok := exportSpecs[kind]
	if !ok {
		return kam.Errorf(kam.EInvalid, "unknown export kind %q", kind)
	}
	q, err := s.db.docFilter(a, kam.ActExport, kam.RightExport, f, spec.number, spec.date)
	if err != nil {
		return err
	}
	if kind == "costs" && f.Status != "" {
		q.add("d.expense_code = ?", f.Status)
	}
	if kind == "invoices" {
		switch f.Status {
		case "open":
			q.add("d.amount > d.paid")
		case "overdue":
			q.add("d.amount > d.paid AND d.due_date < ?", f.Today)
		case "paid":
			q.add("d.amount <= d.paid")
		}
	}
	rows, err := s.db.reader().query(ctx, spec.query+" WHERE "+q.sql()+" ORDER BY "+spec.order, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		m := make(map[string]string, len(cols))
		for i, c := range cols {
			m[c] = vals[i].String
		}
		for _, c := range spec.money {
			m[c] = moneyText(m[c], kam.MoneyScale)
		}
		if spec.fix != nil {
			spec.fix(m)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// checkExportOf refuses an export of one customer's records that the actor may not export: 404
// when the file is outside their scope, 403 when they see it through a borrowing grant that does
// not allow exports. (Finance keeps every customer's books: its document exports reach all.)
func (s *LedgerService) checkExportOf(ctx context.Context, a *kam.Actor, kind string, customerID int64) error {
	if customerID == 0 || kind == "products" {
		return nil
	}
	if _, doc := exportSpecs[kind]; doc && a.Role == kam.RoleFinance {
		return nil
	}
	c := s.db.reader()
	if _, err := s.customers.findCustomer(ctx, c, a, customerID); err != nil {
		return err
	}
	return s.customers.requireUse(ctx, c, a, customerID, kam.ActExport, kam.RightExport)
}

// moneyText turns a stored fixed-point integer into its decimal text.
func moneyText(v string, scale int) string {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return v
	}
	switch scale {
	case kam.QuantityScale:
		return kam.Quantity(n).String()
	case kam.RateScale:
		return kam.Rate(n).String()
	}
	return kam.Money(n).String()
}

type exportSpec struct {
	query, number, date, order string
	money                      []string
	fix                        func(map[string]string)
}

// exportSpecs are the exports of documents; column aliases are the import field names.
var exportSpecs = map[string]exportSpec{
	"orders": {
		query: `SELECT d.order_no AS order_no, l.line_no AS line_no, d.order_date AS order_date, c.code AS customer_code, c.name AS customer_name,
			p.code AS product_code, p.name AS product_name, COALESCE(k.name, '') AS category, l.quantity AS quantity, l.unit_price AS unit_price,
			l.discount AS discount, l.amount AS amount, l.cost AS cost, d.currency AS currency, d.fx_rate AS fx_rate, COALESCE(u.email, '') AS rep,
			COALESCE(r.order_no, '') AS return_of, COALESCE(un.name, '') AS unit, d.note AS note
			FROM order_lines l JOIN orders d ON d.id = l.order_id JOIN customers c ON c.id = d.customer_id JOIN products p ON p.id = l.product_id
			LEFT JOIN product_categories k ON k.id = p.category_id LEFT JOIN users u ON u.id = d.rep_id LEFT JOIN orders r ON r.id = d.return_of
			LEFT JOIN units un ON un.id = d.unit_id`,
		number: "d.order_no", date: "d.order_date", order: "l.order_id, l.line_no",
		money: []string{"unit_price", "discount", "amount", "cost"},
		fix: func(m map[string]string) {
			m["quantity"] = moneyText(m["quantity"], kam.QuantityScale)
			m["fx_rate"] = moneyText(m["fx_rate"], kam.RateScale)
		},
	},
	"invoices": {
		query: `SELECT d.invoice_no AS invoice_no, c.code AS customer_code, c.name AS customer_name, COALESCE(o.order_no, '') AS order_no,
			d.invoice_date AS invoice_date, d.due_date AS due_date, d.amount AS amount, d.currency AS currency, d.note AS note
			FROM invoices d JOIN customers c ON c.id = d.customer_id LEFT JOIN orders o ON o.id = d.order_id`,
		number: "d.invoice_no", date: "d.invoice_date", order: "d.id", money: []string{"amount"},
	},
	"payments": {
		query: `SELECT d.reference AS reference, c.code AS customer_code, c.name AS customer_name, d.payment_date AS payment_date,
			d.amount AS amount, d.currency AS currency, d.method AS method, d.invoice_no AS invoice_no, d.note AS note
			FROM payments d JOIN customers c ON c.id = d.customer_id`,
		number: "d.reference", date: "d.payment_date", order: "d.id", money: []string{"amount"},
	},
	"costs": {
		query: `SELECT d.reference AS reference, c.code AS customer_code, c.name AS customer_name, d.entry_date AS entry_date,
			d.expense_code AS expense_code, d.amount AS amount, d.note AS note FROM costs d JOIN customers c ON c.id = d.customer_id`,
		number: "d.reference", date: "d.entry_date", order: "d.id", money: []string{"amount"},
	},
}

func (s *LedgerService) exportProducts(ctx context.Context, f kam.LedgerFilter, fn func(map[string]string) error) error {
	f.Limit, f.Offset = 0, 0
	ps, _, err := s.FindProducts(ctx, f)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := fn(map[string]string{"code": p.Code, "name": p.Name, "category": p.Category, "uom": p.UOM, "list_price": p.ListPrice.String()}); err != nil {
			return err
		}
	}
	return nil
}

func (s *LedgerService) exportCustomers(ctx context.Context, a *kam.Actor, f kam.LedgerFilter, fn func(map[string]string) error) error {
	where, args, err := s.db.exportScope(a)
	if err != nil {
		return err
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := escapeLike(q)
		where += " AND (c.code LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')"
		args = append(args, like+"%", "%"+like+"%")
	}
	rows, err := s.db.reader().query(ctx, `SELECT c.code, c.name, c.short_name, c.legal_name, c.credit_code, c.industry, c.nature, c.channel_role,
		c.province, c.city, c.address, c.founded_on, c.size, c.status, c.stage, COALESCE(u.email, ''), COALESCE(p.code, ''), c.tags, c.note
		FROM customers c LEFT JOIN users u ON u.id = c.owner_id LEFT JOIN customers p ON p.id = c.parent_id WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := []string{"code", "name", "short_name", "legal_name", "credit_code", "industry", "nature", "channel_role", "province", "city",
		"address", "founded_on", "size", "status", "stage", "owner", "parent_code", "tags", "note"}
	vals := make([]string, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		m := make(map[string]string, len(names))
		for i, n := range names {
			m[n] = vals[i]
		}
		var tags []string
		_ = json.Unmarshal([]byte(m["tags"]), &tags)
		m["tags"] = strings.Join(tags, ";")
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *LedgerService) exportContacts(ctx context.Context, a *kam.Actor, f kam.LedgerFilter, fn func(map[string]string) error) error {
	where, args, err := s.db.exportScope(a)
	if err != nil {
		return err
	}
	if f.CustomerID != 0 {
		where += " AND c.id = ?"
		args = append(args, f.CustomerID)
	}
	rows, err := s.db.reader().query(ctx, `SELECT c.code, ct.name, COALESCE(u.name, ''), ct.title, ct.purchase_role, ct.phones, ct.email, ct.wechat,
		ct.birthday, ct.preferences, ct.relationship, ct.note
		FROM contacts ct JOIN customers c ON c.id = ct.customer_id LEFT JOIN units u ON u.id = ct.unit_id WHERE `+where+` ORDER BY ct.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, name, unit, title, role, phones, email, wechat, birthday, prefs, note string
		var rel int
		if err := rows.Scan(&code, &name, &unit, &title, &role, &phones, &email, &wechat, &birthday, &prefs, &rel, &note); err != nil {
			return err
		}
		var ph []string
		_ = json.Unmarshal([]byte(phones), &ph)
		m := map[string]string{"customer_code": code, "name": name, "unit": unit, "title": title, "purchase_role": role,
			"phones": strings.Join(ph, ";"), "email": email, "wechat": wechat, "birthday": birthday, "preferences": prefs,
			"relationship": strconv.Itoa(rel), "note": note}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportScope is which customer files a may export (kam.ActExport): those in the role's export
// scope, and those borrowed with the right to export; a file borrowed to view only is not.
func (db *DB) exportScope(a *kam.Actor) (string, []any, error) {
	s, ok := kam.Allowed(a, kam.ActExport, kam.ResCustomer)
	if !ok {
		return "", nil, kam.Errorf(kam.EForbidden, "your role may not export customer files")
	}
	w, args := db.withGrants(a, s, kam.RightExport)
	return w, args, nil
}
