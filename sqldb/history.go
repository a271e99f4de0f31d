package sqldb

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"

	"kam"
)

// History (动态管理): every create, update and delete of a customer, unit or contact is a row in
// changes with the fields that changed (old and new JSON values). A delete also keeps the record
// as it was. A card as of a moment is the current card with every later change undone, newest
// first: updates restore the old values, creates remove the record, deletes bring it back.

// recordFields are the fields never listed as changed: they change with every write.
var unrecordedFields = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true, "customer_id": true}

// toMap turns a record into its JSON object.
func toMap(v any) map[string]json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // records are plain structs; failing to marshal one is a programming error
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}

// emptyJSON reports whether a JSON value is the zero value of its field, so that a create lists
// only the fields that were filled in.
func emptyJSON(v json.RawMessage) bool {
	switch string(v) {
	case "null", `""`, "0", "false", "[]", "{}":
		return true
	}
	return false
}

// diffFields lists the fields whose JSON differs between two records, in name order. With old nil
// (a create) it lists every filled-in field of new.
func diffFields(old, new any) []kam.FieldChange {
	nm := toMap(new)
	var om map[string]json.RawMessage
	if old != nil {
		om = toMap(old)
	}
	keys := make([]string, 0, len(nm))
	for k := range nm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []kam.FieldChange
	for _, k := range keys {
		if unrecordedFields[k] {
			continue
		}
		nv := nm[k]
		if om == nil {
			if !emptyJSON(nv) {
				out = append(out, kam.FieldChange{Field: k, Old: nil, New: nv})
			}
			continue
		}
		if ov := om[k]; !bytes.Equal(compactJSON(ov), compactJSON(nv)) {
			out = append(out, kam.FieldChange{Field: k, Old: ov, New: nv})
		}
	}
	return out
}

func compactJSON(v json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return v
	}
	return b.Bytes()
}

// recordChange writes one change row. snapshot is the record before a delete, else nil.
func (tx *Tx) recordChange(customerID int64, entity string, entityID int64, action string, version int64, fields []kam.FieldChange, snapshot any) error {
	a := kam.ActorFrom(tx.ctx)
	uid := int64(0)
	if a != nil {
		uid = a.UserID
	}
	if fields == nil {
		fields = []kam.FieldChange{}
	}
	fj, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	sj := []byte("{}")
	if snapshot != nil {
		if sj, err = json.Marshal(snapshot); err != nil {
			return err
		}
	}
	_, err = tx.Exec(`INSERT INTO changes (customer_id, entity, entity_id, action, version, user_id, at, fields, snapshot)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		customerID, entity, entityID, action, version, uid, tx.db.timeArg(tx.now), string(fj), string(sj))
	return err
}

type storedChange struct {
	kam.Change
	snapshot json.RawMessage
}

// entityKey names one record in a card.
type entityKey struct {
	entity string
	id     int64
}

// rewind undoes, on the card's records (as JSON objects), every change made after t. changes must
// be newest first and all after t.
func rewind(records map[entityKey]map[string]json.RawMessage, changes []storedChange) {
	for _, ch := range changes {
		k := entityKey{ch.Entity, ch.EntityID}
		switch ch.Action {
		case "create":
			delete(records, k)
		case "delete":
			var m map[string]json.RawMessage
			if json.Unmarshal(ch.snapshot, &m) == nil {
				records[k] = m
			}
		case "update":
			m := records[k]
			if m == nil {
				continue
			}
			for _, f := range ch.Fields {
				if raw, ok := f.Old.(json.RawMessage); ok {
					m[f.Field] = raw
				}
			}
			if v, err := json.Marshal(ch.Version - 1); err == nil {
				m["version"] = v
			}
		}
	}
}

// existedAt reports whether a rewound record had been created by t (records loaded in bulk have
// no create change, so their creation time decides).
func existedAt(m map[string]json.RawMessage, t time.Time) bool {
	var created time.Time
	if err := json.Unmarshal(m["created_at"], &created); err != nil {
		return true
	}
	return !created.After(t)
}
