package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"kam"
)

const contactColumns = `ct.id, ct.customer_id, ct.unit_id, ct.name, ct.title, ct.purchase_role, ct.reports_to_id, ct.phones,
	ct.email, ct.wechat, ct.birthday, ct.preferences, ct.relationship, ct.note, ct.version, ct.created_at, ct.updated_at`

func scanContact(row interface{ Scan(...any) error }) (*kam.Contact, error) {
	var c kam.Contact
	var phones, birthday string
	err := row.Scan(&c.ID, &c.CustomerID, nullID{&c.UnitID}, &c.Name, &c.Title, &c.PurchaseRole, nullID{&c.ReportsToID}, &phones,
		&c.Email, &c.WeChat, &birthday, &c.Preferences, &c.Relationship, &c.Note, &c.Version, timeScan{&c.CreatedAt}, timeScan{&c.UpdatedAt})
	if err != nil {
		return nil, err
	}
	c.Phones = []string{}
	if phones != "[]" {
		if err := json.Unmarshal([]byte(phones), &c.Phones); err != nil {
			return nil, err
		}
	}
	if birthday != "" {
		b, err := kam.ReadBirthday(birthday)
		if err != nil {
			return nil, err
		}
		c.Birthday = &b
	}
	return &c, nil
}

func birthdayArg(b *kam.Birthday) string {
	if b == nil {
		return ""
	}
	return b.String()
}

func (s *CustomerService) contacts(ctx context.Context, c conn, customerID int64) ([]*kam.Contact, error) {
	rows, err := c.query(ctx, "SELECT "+contactColumns+" FROM contacts ct WHERE ct.customer_id = ? ORDER BY ct.id", customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.Contact{}
	for rows.Next() {
		ct, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	return out, rows.Err()
}

// FindContacts lists the contacts of a customer the actor may see.
func (s *CustomerService) FindContacts(ctx context.Context, customerID int64) ([]*kam.Contact, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	if _, err := s.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	return s.contacts(ctx, c, customerID)
}

func (s *CustomerService) findContact(ctx context.Context, c conn, a *kam.Actor, id int64) (*kam.Contact, error) {
	ct, err := scanContact(c.queryRow(ctx, "SELECT "+contactColumns+" FROM contacts ct WHERE ct.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("contact")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.findCustomer(ctx, c, a, ct.CustomerID); err != nil {
		return nil, notFound("contact")
	}
	return ct, nil
}

// FindContactByID returns a contact of a customer the actor may see.
func (s *CustomerService) FindContactByID(ctx context.Context, id int64) (*kam.Contact, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findContact(ctx, s.db.reader(), a, id)
}

func (tx *Tx) checkContact(c *kam.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var v kam.Validation
	if err := sameCustomer(tx, "units", c.UnitID, c.CustomerID, "unit_id", &v); err != nil {
		return err
	}
	if err := sameCustomer(tx, "contacts", c.ReportsToID, c.CustomerID, "reports_to_id", &v); err != nil {
		return err
	}
	if err := noCycle(tx, "contacts", "reports_to_id", c.ID, c.ReportsToID, "reports_to_id", &v); err != nil {
		return err
	}
	return v.Err()
}

// CreateContact adds a contact to a customer file.
func (s *CustomerService) CreateContact(ctx context.Context, c *kam.Contact) error {
	tx, _, err := s.editable(ctx, c.CustomerID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	c.ID = 0
	if err := s.insertContact(tx, c); err != nil {
		return err
	}
	return tx.Commit()
}

// insertContact writes a new contact with its history.
func (s *CustomerService) insertContact(tx *Tx, c *kam.Contact) error {
	if err := tx.checkContact(c); err != nil {
		return err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = 1, tx.now, tx.now
	if err := tx.QueryRow(`INSERT INTO contacts (customer_id, unit_id, name, title, purchase_role, reports_to_id, phones, email,
		wechat, birthday, preferences, relationship, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		c.CustomerID, idArg(c.UnitID), c.Name, c.Title, c.PurchaseRole, idArg(c.ReportsToID), mustJSON(c.Phones), c.Email,
		c.WeChat, birthdayArg(c.Birthday), c.Preferences, c.Relationship, c.Note, s.db.timeArg(tx.now), s.db.timeArg(tx.now)).Scan(&c.ID); err != nil {
		return err
	}
	if err := tx.reindexCustomer(c.CustomerID); err != nil {
		return err
	}
	if err := tx.recordChange(c.CustomerID, "contact", c.ID, "create", 1, diffFields(nil, c), nil); err != nil {
		return err
	}
	return nil
}

func cloneContact(c *kam.Contact) *kam.Contact {
	n := *c
	n.Phones = append([]string(nil), c.Phones...)
	for _, p := range []**int64{&n.UnitID, &n.ReportsToID} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	if c.Birthday != nil {
		b := *c.Birthday
		n.Birthday = &b
	}
	return &n
}

// UpdateContact changes a contact if version is current.
func (s *CustomerService) UpdateContact(ctx context.Context, id, version int64, apply func(*kam.Contact) error) (*kam.Contact, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.findContact(ctx, s.db.reader(), a, id)
	if err != nil {
		return nil, err
	}
	tx, _, err := s.editable(ctx, cur.CustomerID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if cur, err = s.findContact(ctx, tx.conn, a, id); err != nil {
		return nil, err
	}
	if cur.Version != version {
		return nil, staleError(tx, "contact", cur.CustomerID, "contact", id, version, cur.Version)
	}
	next := cloneContact(cur)
	if err := apply(next); err != nil {
		return nil, err
	}
	next.ID, next.CustomerID, next.Version, next.CreatedAt, next.UpdatedAt = cur.ID, cur.CustomerID, cur.Version, cur.CreatedAt, cur.UpdatedAt
	if err := s.updateContactTx(tx, cur, next); err != nil {
		return nil, err
	}
	if next.Version == cur.Version {
		return cur, nil
	}
	return next, tx.Commit()
}

// updateContactTx writes next over cur when they differ, with its history.
func (s *CustomerService) updateContactTx(tx *Tx, cur, next *kam.Contact) error {
	if err := tx.checkContact(next); err != nil {
		return err
	}
	fields := diffFields(cur, next)
	if len(fields) == 0 {
		return nil
	}
	res, err := tx.Exec(`UPDATE contacts SET unit_id = ?, name = ?, title = ?, purchase_role = ?, reports_to_id = ?, phones = ?,
		email = ?, wechat = ?, birthday = ?, preferences = ?, relationship = ?, note = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		idArg(next.UnitID), next.Name, next.Title, next.PurchaseRole, idArg(next.ReportsToID), mustJSON(next.Phones), next.Email,
		next.WeChat, birthdayArg(next.Birthday), next.Preferences, next.Relationship, next.Note, s.db.timeArg(tx.now), cur.ID, cur.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return staleError(tx, "contact", cur.CustomerID, "contact", cur.ID, cur.Version, cur.Version+1)
	}
	next.Version++
	next.UpdatedAt = tx.now
	if next.Name != cur.Name {
		if err := tx.reindexCustomer(cur.CustomerID); err != nil {
			return err
		}
	}
	if err := tx.recordChange(cur.CustomerID, "contact", cur.ID, "update", next.Version, fields, nil); err != nil {
		return err
	}
	return nil
}

// DeleteContact removes a contact; the people reporting to them stay, reporting to nobody.
func (s *CustomerService) DeleteContact(ctx context.Context, id, version int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	cur, err := s.findContact(ctx, s.db.reader(), a, id)
	if err != nil {
		return err
	}
	tx, _, err := s.editable(ctx, cur.CustomerID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if cur, err = s.findContact(ctx, tx.conn, a, id); err != nil {
		return err
	}
	if cur.Version != version {
		return staleError(tx, "contact", cur.CustomerID, "contact", id, version, cur.Version)
	}
	if err := s.detach(tx, "contacts", "contact", "reports_to_id", id, cur.CustomerID); err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM contacts WHERE id = ?", id); err != nil {
		return err
	}
	if err := tx.reindexCustomer(cur.CustomerID); err != nil {
		return err
	}
	if err := tx.recordChange(cur.CustomerID, "contact", id, "delete", cur.Version, nil, cur); err != nil {
		return err
	}
	return tx.Commit()
}
