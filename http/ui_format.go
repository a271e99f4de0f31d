package kamhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"kam"
	"kam/locale"
	"kam/web"
)

// names of the units and contacts of a card, to show references (unit_id, reports_to_id …) and
// the subject of a history entry by name rather than by number; customers holds the parent
// accounts of a history that the user may see (the others stay "#id").
type refNames struct {
	units     map[int64]string
	contacts  map[int64]string
	customers map[int64]string
}

func cardNames(card *kam.Card) refNames {
	n := refNames{units: map[int64]string{}, contacts: map[int64]string{}, customers: map[int64]string{}}
	for _, u := range card.Units {
		n.units[u.ID] = u.Name
	}
	for _, c := range card.Contacts {
		n.contacts[c.ID] = c.Name
	}
	return n
}

// buildOrg draws the org chart: units as a tree by parent_unit_id, each with its contacts as a
// tree by reports_to_id. A reference to a record that is gone, or one that would close a loop
// (the store prevents loops, but a past state or an import may still hold one), makes the node
// a root instead of hiding it: every unit and contact of the card is shown exactly once.
func buildOrg(L *locale.Printer, card *kam.Card, now time.Time, names refNames) ([]*web.UnitNode, []*web.ContactNode) {
	custID := strconv.FormatInt(card.Customer.ID, 10)
	unitNodes := map[int64]*web.UnitNode{}
	unitParent := map[int64]int64{}
	for _, u := range card.Units {
		unitNodes[u.ID] = &web.UnitNode{U: u, Kind: L.Enum("unit_kind", u.Kind),
			EditURL: "/customers/" + custID + "/units/" + strconv.FormatInt(u.ID, 10) + "/edit"}
		if u.ParentUnitID != nil {
			unitParent[u.ID] = *u.ParentUnitID
		}
	}
	var roots []*web.UnitNode
	for _, u := range card.Units {
		n := unitNodes[u.ID]
		if pid, ok := unitParent[u.ID]; ok && unitNodes[pid] != nil && !loops(u.ID, unitParent) {
			unitNodes[pid].Children = append(unitNodes[pid].Children, n)
			continue
		}
		roots = append(roots, n)
	}

	contactNodes := map[int64]*web.ContactNode{}
	manager := map[int64]int64{}
	unitOf := map[int64]int64{} // 0 = no (known) unit
	for _, c := range card.Contacts {
		contactNodes[c.ID] = contactNode(L, c, now, custID)
		if c.ReportsToID != nil {
			manager[c.ID] = *c.ReportsToID
		}
		if c.UnitID != nil && unitNodes[*c.UnitID] != nil {
			unitOf[c.ID] = *c.UnitID
		}
	}
	var unassigned []*web.ContactNode
	for _, c := range card.Contacts {
		n := contactNodes[c.ID]
		mid, hasManager := manager[c.ID]
		if hasManager && contactNodes[mid] != nil && unitOf[mid] == unitOf[c.ID] && !loops(c.ID, manager) {
			contactNodes[mid].Children = append(contactNodes[mid].Children, n)
			continue
		}
		if hasManager {
			if name, ok := names.contacts[mid]; ok {
				n.ReportsTo = name
			}
		}
		if uid := unitOf[c.ID]; uid != 0 {
			unitNodes[uid].Contacts = append(unitNodes[uid].Contacts, n)
		} else {
			unassigned = append(unassigned, n)
		}
	}
	return roots, unassigned
}

// loops reports whether following parent links from id comes back to id.
func loops(id int64, parent map[int64]int64) bool {
	seen := map[int64]bool{}
	cur := id
	for {
		p, ok := parent[cur]
		if !ok {
			return false
		}
		if p == id {
			return true
		}
		if seen[p] {
			return false // a loop further up, not through id; the nodes in it are handled there
		}
		seen[p] = true
		cur = p
	}
}

func contactNode(L *locale.Printer, c *kam.Contact, now time.Time, custID string) *web.ContactNode {
	n := &web.ContactNode{C: c, Relationship: c.Relationship,
		EditURL: "/customers/" + custID + "/contacts/" + strconv.FormatInt(c.ID, 10) + "/edit"}
	if c.PurchaseRole != "" {
		n.Role = L.Enum("purchase_role", c.PurchaseRole)
		if c.PurchaseRole == "decision_maker" || c.PurchaseRole == "champion" {
			n.RoleClass = "key"
		}
	}
	n.RelLabel = relationshipLabel(L, c.Relationship)
	if c.Birthday != nil {
		n.Birthday = birthdayLabel(L, *c.Birthday)
		if next, err := c.Birthday.NextSolarDate(now.In(L.Loc)); err == nil {
			n.NextBirthday = next.Format("2006-01-02")
		}
	}
	return n
}

// relationshipLabel shows the strength as stars with its word: ★★★★☆ 密切.
func relationshipLabel(L *locale.Printer, r int) string {
	if r < 1 || r > 5 {
		return L.T("relationship.0")
	}
	return strings.Repeat("★", r) + strings.Repeat("☆", 5-r) + " " + L.T("relationship."+strconv.Itoa(r))
}

// birthdayLabel writes a birthday for people: lunar ones the Chinese way (农历八月十五).
func birthdayLabel(L *locale.Printer, b kam.Birthday) string {
	if b.Calendar == "lunar" {
		return L.LunarDate(b.Year, b.Month, b.Day, b.Leap)
	}
	return L.SolarMonthDay(b.Year, b.Month, b.Day)
}

// enumFields maps a field of the history to the catalog kind of its values.
var enumFields = map[string]string{
	"status": "status", "stage": "stage", "nature": "nature", "channel_role": "channel_role", "size": "size",
	"kind": "unit_kind", "purchase_role": "purchase_role", "role": "role",
}

// hiddenHistoryFields are bookkeeping, not something a user changed.
var hiddenHistoryFields = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true, "customer_id": true}

func historyRow(ctx context.Context, L *locale.Printer, ch *kam.Change, users *userDirectory, names refNames) web.HistoryRow {
	row := web.HistoryRow{
		At:        L.DateTime(ch.At),
		Entity:    L.T("entity." + ch.Entity),
		Action:    L.T("action." + ch.Action),
		ActionKey: ch.Action,
		Version:   ch.Version,
	}
	switch {
	case ch.UserName != "":
		row.User = ch.UserName
	default:
		row.User = users.name(ctx, L, ch.UserID)
	}
	switch ch.Entity {
	case "unit":
		row.EntityName = names.units[ch.EntityID]
	case "contact":
		row.EntityName = names.contacts[ch.EntityID]
	}
	if row.EntityName == "" && ch.Entity != "customer" {
		row.EntityName = ch.EntityName
	}
	for _, f := range ch.Fields {
		if hiddenHistoryFields[f.Field] {
			continue
		}
		old := formatValue(ctx, L, f.Field, f.Old, users, names)
		nw := formatValue(ctx, L, f.Field, f.New, users, names)
		if ch.Action == "create" && nw == "" {
			continue // a new record's empty fields say nothing
		}
		if old == "" {
			old = "—"
		}
		if nw == "" {
			nw = "—"
		}
		row.Fields = append(row.Fields, web.ChangeRow{Field: L.Field(ch.Entity, f.Field), Old: old, New: nw})
	}
	return row
}

// decodeValue turns a recorded value (JSON text from the store, or a Go value) into plain Go
// values; numbers stay exact as json.Number.
func decodeValue(v any) any {
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	default:
		return v
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return string(raw)
	}
	return out
}

// formatValue writes a history value for people: enum values translated, references named,
// lists joined, birthdays in their calendar. Empty values are "".
func formatValue(ctx context.Context, L *locale.Printer, field string, v any, users *userDirectory, names refNames) string {
	v = decodeValue(v)
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if kind, ok := enumFields[field]; ok && x != "" {
			return L.Enum(kind, x)
		}
		return x
	case bool:
		if x {
			return L.T("value.true")
		}
		return L.T("value.false")
	case json.Number, float64, int, int64:
		n, err := strconv.ParseInt(fmt.Sprint(x), 10, 64)
		if err != nil {
			return fmt.Sprint(x)
		}
		switch field {
		case "owner_id", "user_id", "supervisor_id":
			return users.name(ctx, L, n)
		case "unit_id", "parent_unit_id":
			if name, ok := names.units[n]; ok {
				return name
			}
		case "reports_to_id":
			if name, ok := names.contacts[n]; ok {
				return name
			}
		case "parent_id":
			if name, ok := names.customers[n]; ok {
				return name
			}
		case "relationship":
			return relationshipLabel(L, int(n))
		}
		if strings.HasSuffix(field, "_id") {
			return "#" + strconv.FormatInt(n, 10)
		}
		return strconv.FormatInt(n, 10)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok && field == "team" {
				parts = append(parts, teamMemberLabel(ctx, L, m, users))
				continue
			}
			if s := formatValue(ctx, L, field, e, users, names); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if field == "birthday" {
			b, err := json.Marshal(x)
			if err == nil {
				var bd kam.Birthday
				if json.Unmarshal(b, &bd) == nil && bd.Month != 0 {
					return birthdayLabel(L, bd)
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+"="+formatValue(ctx, L, "", x[k], users, names))
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

func teamMemberLabel(ctx context.Context, L *locale.Printer, m map[string]any, users *userDirectory) string {
	name := ""
	if id, err := strconv.ParseInt(fmt.Sprint(m["user_id"]), 10, 64); err == nil {
		name = users.name(ctx, L, id)
	}
	role, _ := m["role"].(string)
	return memberLabel(L, name, role)
}
