package kamhttp

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kam"
	"kam/locale"
	"kam/web"
)

// The references of the customer form: the account team (rows of user and team role) and the
// parent account (a customer chosen by name).

// ---- account team ----

// teamRow is one row of the team editor as posted: the user's id and the team role, as typed.
type teamRow struct{ user, role string }

// spareTeamRows are the empty rows the team editor offers beyond the members, so that members
// can be added without script (script removes them and adds rows on demand).
const spareTeamRows = 3

// teamRowsFromForm reads the team editor's rows: team_user and team_role, in order. Rows without
// a user are dropped: they are the spare rows, and emptying a row is how a member is removed
// without script.
func teamRowsFromForm(form url.Values) []teamRow {
	users, roles := form["team_user"], form["team_role"]
	rows := []teamRow{}
	for i, us := range users {
		us = strings.TrimSpace(us)
		if us == "" {
			continue
		}
		role := ""
		if i < len(roles) {
			role = strings.TrimSpace(roles[i])
		}
		rows = append(rows, teamRow{user: us, role: role})
	}
	return rows
}

func teamRowsOf(team []kam.TeamMember) []teamRow {
	rows := make([]teamRow, 0, len(team))
	for _, m := range team {
		rows = append(rows, teamRow{user: strconv.FormatInt(m.UserID, 10), role: m.Role})
	}
	return rows
}

// encodeTeam writes team rows as one form value, so that the form state (the values as typed,
// the stored values after a conflict) carries the team like any other field.
func encodeTeam(rows []teamRow) string {
	v := url.Values{}
	for _, r := range rows {
		v.Add("u", r.user)
		v.Add("r", r.role)
	}
	return v.Encode()
}

func decodeTeam(s string) []teamRow {
	v, _ := url.ParseQuery(s)
	rows := []teamRow{}
	for i, us := range v["u"] {
		role := ""
		if i < len(v["r"]) {
			role = v["r"][i]
		}
		rows = append(rows, teamRow{user: us, role: role})
	}
	return rows
}

// parseTeam turns the rows into members. A user that is not an id is a field error; whether the
// user exists, and the roles and duplicates, the service checks.
func parseTeam(rows []teamRow) ([]kam.TeamMember, []kam.FieldError) {
	team := []kam.TeamMember{}
	for _, r := range rows {
		id, err := strconv.ParseInt(r.user, 10, 64)
		if err != nil || id <= 0 {
			return team, []kam.FieldError{{Field: "team", Code: "invalid_member", Message: "each member needs a distinct user_id"}}
		}
		team = append(team, kam.TeamMember{UserID: id, Role: r.role})
	}
	return team, nil
}

// teamEditor builds the rows of the team editor: the members, then the spare rows. Users are
// chosen among the active ones; a member who is not (no longer active, or an id that names no
// user) stays selectable in their own row, so that saving never drops them unseen.
func teamEditor(ctx context.Context, L *locale.Printer, users *userDirectory, rows []teamRow, invalid bool) *web.TeamEditor {
	var active []web.Option
	for _, us := range users.list {
		if us.Active {
			active = append(active, web.Option{Value: strconv.FormatInt(us.ID, 10), Label: us.Name + " · " + L.Enum("role", string(us.Role))})
		}
	}
	row := func(r teamRow, spare bool) web.TeamEditRow {
		out := web.TeamEditRow{Spare: spare, Invalid: invalid && !spare}
		out.Users = make([]web.Option, 0, len(active)+2)
		out.Users = append(out.Users, web.Option{Value: "", Label: L.T("team.choose"), Selected: r.user == ""})
		found := r.user == ""
		for _, o := range active {
			o.Selected = o.Value == r.user
			found = found || o.Selected
			out.Users = append(out.Users, o)
		}
		if !found {
			label := "#" + r.user
			if id, err := strconv.ParseInt(r.user, 10, 64); err == nil {
				label = users.name(ctx, L, id)
				if _, known := users.byID[id]; known {
					label = L.T("team.inactive", label)
				}
			}
			out.Users = slices.Insert(out.Users, 1, web.Option{Value: r.user, Label: label, Selected: true})
		}
		out.Roles = enumOptions(L, "team_role", kam.TeamRoles, r.role, L.T("option.none"))
		if r.role != "" && !slices.Contains(kam.TeamRoles, r.role) {
			out.Roles = append(out.Roles, web.Option{Value: r.role, Label: r.role, Selected: true})
		}
		return out
	}
	ed := &web.TeamEditor{Blank: row(teamRow{}, true)}
	for _, r := range rows {
		ed.Rows = append(ed.Rows, row(r, false))
	}
	for range spareTeamRows {
		ed.Rows = append(ed.Rows, row(teamRow{}, true))
	}
	return ed
}

// teamLabel names the members of a team with their roles, as the history does.
func teamLabel(ctx context.Context, L *locale.Printer, users *userDirectory, rows []teamRow) string {
	parts := make([]string, 0, len(rows))
	for _, r := range rows {
		name := "#" + r.user
		if id, err := strconv.ParseInt(r.user, 10, 64); err == nil {
			name = users.name(ctx, L, id)
		}
		parts = append(parts, memberLabel(L, name, r.role))
	}
	if L.Lang == locale.ZH {
		return strings.Join(parts, "、")
	}
	return strings.Join(parts, ", ")
}

// memberLabel is a team member's name with their team role.
func memberLabel(L *locale.Printer, name, role string) string {
	if role == "" {
		return name
	}
	if L.Lang == locale.ZH {
		return name + "（" + L.Enum("team_role", role) + "）"
	}
	return name + " (" + L.Enum("team_role", role) + ")"
}

// ---- parent account ----

// lookupLimit is how many customers a lookup suggests.
const lookupLimit = 20

// parentText is how the parent control names a parent: by name, or as "#id" when the parent is
// outside the user's scope (the card names such a reference the same way), so that the form
// never reveals a file the user may not see.
func (u *ui) parentText(ctx context.Context, id *int64) string {
	if id == nil {
		return ""
	}
	c, err := u.s.Customers.FindCustomerByID(ctx, *id)
	if err != nil {
		if !isCode(err, kam.ENotFound) {
			u.s.Logger.Warn("ui: parent customer", "id", *id, "err", err)
		}
		return "#" + strconv.FormatInt(*id, 10)
	}
	return c.Name
}

// namesCustomer reports whether text names c: its name, short name, or the name and code that a
// suggestion shows when two customers share a name.
func namesCustomer(c *kam.Customer, text string) bool {
	return strings.EqualFold(text, c.Name) || (c.ShortName != "" && strings.EqualFold(text, c.ShortName)) ||
		strings.EqualFold(text, c.Name+suggestionSep+c.Code)
}

const suggestionSep = " · "

// idText reads text typed as a customer id: "123" or "#123".
func idText(text string) (int64, bool) {
	s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "#"))
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// findParents searches the customers the user may see by name through the list service (so the
// user's scope applies), leaving out the customer edited. Exact matches come first.
func (u *ui) findParents(ctx context.Context, text string, self int64, limit int) ([]*kam.Customer, error) {
	q := strings.TrimSpace(text)
	if i := strings.LastIndex(q, suggestionSep); i > 0 {
		q = strings.TrimSpace(q[:i]) // "name · code" from a suggestion
	}
	if r := []rune(q); len(r) > maxQLen {
		q = string(r[:maxQLen])
	}
	if q == "" {
		return nil, nil
	}
	list, _, err := u.s.Customers.FindCustomers(ctx, kam.CustomerFilter{Q: q, Sort: "name", Limit: limit + 1})
	if err != nil {
		if kam.ErrorCodeOf(err) == kam.EInvalid {
			return nil, nil
		}
		return nil, err
	}
	out := make([]*kam.Customer, 0, len(list))
	for _, c := range list {
		if c.ID != self {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b *kam.Customer) int {
		ea, eb := namesCustomer(a, text), namesCustomer(b, text)
		switch {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// suggestions names each customer by its name, or by name and code where two share a name, so
// that every suggestion names one customer.
func suggestions(list []*kam.Customer) []web.Suggestion {
	count := map[string]int{}
	for _, c := range list {
		count[c.Name]++
	}
	out := make([]web.Suggestion, 0, len(list))
	for _, c := range list {
		s := web.Suggestion{Text: c.Name, ID: c.ID, Detail: c.Code}
		if count[c.Name] > 1 {
			s.Text = c.Name + suggestionSep + c.Code
		}
		if place := c.City; place != "" || c.Province != "" {
			if place == "" {
				place = c.Province
			}
			s.Detail += suggestionSep + place
		}
		out = append(out, s)
	}
	return out
}

// resolveParent reads the parent control into form's parent_id. The text input (parent) names
// the parent; the hidden parent_id holds the id of the suggestion picked, or the parent the form
// came with. That id counts while the text still names it. Otherwise the text is read as a
// customer id ("123" or "#123", what a browser without script can enter), else as the name of a
// customer the user may see, which must name exactly one. Empty text clears the parent. A post
// without the text input (a script's) sends parent_id alone, which counts as it is.
//
// A name outside the user's scope matches nothing, and an id outside it is refused by the
// service exactly like an id that does not exist, so the control reveals no file.
func (u *ui) resolveParent(ctx context.Context, form url.Values, self int64) ([]kam.FieldError, error) {
	if !form.Has("parent") {
		return nil, nil
	}
	text := strings.TrimSpace(form.Get("parent"))
	picked := strings.TrimSpace(form.Get("parent_id"))
	if text == "" {
		form.Set("parent_id", "")
		return nil, nil
	}
	if id, err := strconv.ParseInt(picked, 10, 64); err == nil && id > 0 {
		if text == "#"+picked {
			return nil, nil
		}
		c, err := u.s.Customers.FindCustomerByID(ctx, id)
		switch {
		case err == nil && namesCustomer(c, text):
			return nil, nil
		case err != nil && !isCode(err, kam.ENotFound):
			return nil, err
		}
	}
	if id, ok := idText(text); ok {
		form.Set("parent_id", strconv.FormatInt(id, 10))
		return nil, nil
	}
	form.Set("parent_id", "")
	list, err := u.findParents(ctx, text, self, lookupLimit)
	if err != nil {
		return nil, err
	}
	var exact []*kam.Customer
	for _, c := range list {
		if namesCustomer(c, text) {
			exact = append(exact, c)
		}
	}
	switch len(exact) {
	case 1:
		form.Set("parent_id", strconv.FormatInt(exact[0].ID, 10))
		return nil, nil
	case 0:
		return []kam.FieldError{{Field: "parent_id", Code: "no_match",
			Message: "no customer you may see has this name: pick one of the suggestions, or enter the customer's id"}}, nil
	}
	return []kam.FieldError{{Field: "parent_id", Code: "ambiguous",
		Message: "several customers have this name: pick one of the suggestions (they add the code), or enter the customer's id"}}, nil
}

// customerLookup is GET /customers/lookup?parent=…&self=…: the parent control's suggestions, the
// customers the user may see whose name matches, as the options of its datalist (htmx swaps
// them in as the user types).
func (u *ui) customerLookup(rq *uiReq) {
	q := rq.r.URL.Query()
	text := strings.TrimSpace(q.Get("parent"))
	self, _ := strconv.ParseInt(q.Get("self"), 10, 64)
	list := []web.Suggestion{}
	if _, isID := idText(text); text != "" && !isID {
		found, err := u.findParents(rq.r.Context(), text, self, lookupLimit)
		if err != nil {
			rq.fail(err)
			return
		}
		list = suggestions(found)
	}
	u.renderBlock(rq.w, rq.r, 200, "form", "suggestions", list)
}
