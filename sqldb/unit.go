package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"kam"
)

// Units and contacts belong to one customer file: the actor may touch them when the file is in
// their scope, and every change goes into the file's history.

const unitColumns = "u.id, u.customer_id, u.parent_unit_id, u.name, u.kind, u.address, u.note, u.version, u.created_at, u.updated_at"

func scanUnit(row interface{ Scan(...any) error }) (*kam.Unit, error) {
	var u kam.Unit
	err := row.Scan(&u.ID, &u.CustomerID, nullID{&u.ParentUnitID}, &u.Name, &u.Kind, &u.Address, &u.Note, &u.Version,
		timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt})
	return &u, err
}

func (s *CustomerService) units(ctx context.Context, c conn, customerID int64) ([]*kam.Unit, error) {
	rows, err := c.query(ctx, "SELECT "+unitColumns+" FROM units u WHERE u.customer_id = ? ORDER BY u.id", customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FindUnits lists the units of a customer the actor may see.
func (s *CustomerService) FindUnits(ctx context.Context, customerID int64) ([]*kam.Unit, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	if _, err := s.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	return s.units(ctx, c, customerID)
}

func (s *CustomerService) findUnit(ctx context.Context, c conn, a *kam.Actor, id int64) (*kam.Unit, error) {
	u, err := scanUnit(c.queryRow(ctx, "SELECT "+unitColumns+" FROM units u WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("unit")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.findCustomer(ctx, c, a, u.CustomerID); err != nil {
		return nil, notFound("unit")
	}
	return u, nil
}

// FindUnitByID returns a unit of a customer the actor may see.
func (s *CustomerService) FindUnitByID(ctx context.Context, id int64) (*kam.Unit, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.findUnit(ctx, s.db.reader(), a, id)
}

// editable opens a write transaction on a customer file the actor may edit.
func (s *CustomerService) editable(ctx context.Context, customerID int64) (*Tx, *kam.Actor, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.findCustomer(ctx, tx.conn, a, customerID); err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	if !kam.CanEditCustomer(a) {
		tx.Rollback()
		return nil, nil, kam.Errorf(kam.EForbidden, "your role may not change customer files")
	}
	if err := s.requireUse(ctx, tx.conn, a, customerID, kam.ActEdit, kam.RightEdit); err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return tx, a, nil
}

// sameCustomer checks that a referenced row (unit or contact) belongs to the customer.
func sameCustomer(tx *Tx, table string, id *int64, customerID int64, field string, v *kam.Validation) error {
	if id == nil {
		return nil
	}
	var cid int64
	err := tx.QueryRow("SELECT customer_id FROM "+table+" WHERE id = ?", *id).Scan(&cid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cid != customerID) {
		v.Add(field, "not_found", "no such record in this customer file")
		return nil
	}
	return err
}

// noCycle walks up a parent column from start and fails if it meets id.
func noCycle(tx *Tx, table, column string, id int64, start *int64, field string, v *kam.Validation) error {
	if start == nil || id == 0 {
		return nil
	}
	cur := *start
	for depth := 0; depth < 1000; depth++ {
		if cur == id {
			v.Add(field, "cycle", "would make a loop")
			return nil
		}
		var p sql.NullInt64
		err := tx.QueryRow("SELECT "+column+" FROM "+table+" WHERE id = ?", cur).Scan(&p)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.Valid) {
			return nil
		}
		if err != nil {
			return err
		}
		cur = p.Int64
	}
	return nil
}

func (tx *Tx) checkUnit(u *kam.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	var v kam.Validation
	if err := sameCustomer(tx, "units", u.ParentUnitID, u.CustomerID, "parent_unit_id", &v); err != nil {
		return err
	}
	if err := noCycle(tx, "units", "parent_unit_id", u.ID, u.ParentUnitID, "parent_unit_id", &v); err != nil {
		return err
	}
	return v.Err()
}

// CreateUnit adds a unit to a customer file.
func (s *CustomerService) CreateUnit(ctx context.Context, u *kam.Unit) error {
	tx, _, err := s.editable(ctx, u.CustomerID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u.ID = 0
	if err := tx.checkUnit(u); err != nil {
		return err
	}
	u.Version, u.CreatedAt, u.UpdatedAt = 1, tx.now, tx.now
	if err := tx.QueryRow(`INSERT INTO units (customer_id, parent_unit_id, name, kind, address, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, u.CustomerID, idArg(u.ParentUnitID), u.Name, u.Kind, u.Address, u.Note,
		s.db.timeArg(tx.now), s.db.timeArg(tx.now)).Scan(&u.ID); err != nil {
		return err
	}
	if err := tx.recordChange(u.CustomerID, "unit", u.ID, "create", 1, diffFields(nil, u), nil); err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateUnit changes a unit if version is current.
func (s *CustomerService) UpdateUnit(ctx context.Context, id, version int64, apply func(*kam.Unit) error) (*kam.Unit, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.findUnit(ctx, s.db.reader(), a, id)
	if err != nil {
		return nil, err
	}
	tx, _, err := s.editable(ctx, cur.CustomerID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if cur, err = s.findUnit(ctx, tx.conn, a, id); err != nil {
		return nil, err
	}
	if cur.Version != version {
		return nil, staleError(tx, "unit", cur.CustomerID, "unit", id, version, cur.Version)
	}
	next := *cur
	if cur.ParentUnitID != nil {
		p := *cur.ParentUnitID
		next.ParentUnitID = &p
	}
	if err := apply(&next); err != nil {
		return nil, err
	}
	next.ID, next.CustomerID, next.Version, next.CreatedAt, next.UpdatedAt = cur.ID, cur.CustomerID, cur.Version, cur.CreatedAt, cur.UpdatedAt
	if err := tx.checkUnit(&next); err != nil {
		return nil, err
	}
	fields := diffFields(cur, &next)
	if len(fields) == 0 {
		return cur, nil
	}
	res, err := tx.Exec(`UPDATE units SET parent_unit_id = ?, name = ?, kind = ?, address = ?, note = ?, version = version + 1,
		updated_at = ? WHERE id = ? AND version = ?`, idArg(next.ParentUnitID), next.Name, next.Kind, next.Address, next.Note,
		s.db.timeArg(tx.now), id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, staleError(tx, "unit", cur.CustomerID, "unit", id, version, cur.Version+1)
	}
	next.Version++
	next.UpdatedAt = tx.now
	if err := tx.recordChange(cur.CustomerID, "unit", id, "update", next.Version, fields, nil); err != nil {
		return nil, err
	}
	return &next, tx.Commit()
}

// DeleteUnit removes a unit; its sub-units and contacts stay, without the unit.
func (s *CustomerService) DeleteUnit(ctx context.Context, id, version int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	cur, err := s.findUnit(ctx, s.db.reader(), a, id)
	if err != nil {
		return err
	}
	tx, _, err := s.editable(ctx, cur.CustomerID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if cur, err = s.findUnit(ctx, tx.conn, a, id); err != nil {
		return err
	}
	if cur.Version != version {
		return staleError(tx, "unit", cur.CustomerID, "unit", id, version, cur.Version)
	}
	// Detaching sub-units and contacts is a change of each, so that the card as of an earlier
	// moment shows them attached again.
	if err := s.detach(tx, "units", "unit", "parent_unit_id", id, cur.CustomerID); err != nil {
		return err
	}
	if err := s.detach(tx, "contacts", "contact", "unit_id", id, cur.CustomerID); err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM units WHERE id = ?", id); err != nil {
		return err
	}
	if err := tx.recordChange(cur.CustomerID, "unit", id, "delete", cur.Version, nil, cur); err != nil {
		return err
	}
	return tx.Commit()
}

// detach clears a reference column pointing at id in table, recording an update of each row.
func (s *CustomerService) detach(tx *Tx, table, entity, column string, id, customerID int64) error {
	rows, err := tx.Query("SELECT id, version FROM "+table+" WHERE "+column+" = ?", id)
	if err != nil {
		return err
	}
	type ref struct{ id, version int64 }
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.version); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	old, _ := json.Marshal(id)
	for _, r := range refs {
		if _, err := tx.Exec("UPDATE "+table+" SET "+column+" = NULL, version = version + 1, updated_at = ? WHERE id = ?",
			s.db.timeArg(tx.now), r.id); err != nil {
			return err
		}
		if err := tx.recordChange(customerID, entity, r.id, "update", r.version+1,
			[]kam.FieldChange{{Field: column, Old: json.RawMessage(old), New: json.RawMessage("null")}}, nil); err != nil {
			return err
		}
	}
	return nil
}
