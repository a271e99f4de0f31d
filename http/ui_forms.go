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

// Forms: every form is a list of sections of field specs. The handlers turn a record into form
// values (strings, as typed), parse the posted values back into the record, and render the
// same spec with values, translated errors and — after a conflict — the stored values.

type fieldSpec struct {
	name     string
	typ      string // text, number, date, email, select, textarea
	required bool
	hint     string // catalog key
	wide     bool
	max      int
	options  []web.Option // select choices (Selected is set at render time)
	list     string       // id of a datalist of suggestions
	// lookup fields: the name of the text input that names the record (its value is in the
	// form state under that name) and the URL of the suggestions.
	text string
	url  string
	// build fills a composite field (the team editor) from its value and errors.
	build func(fv *web.Field)
	// label shows a stored value after a conflict, when the options do not name it.
	label func(value string) string
}

type sectionSpec struct {
	title  string // catalog key
	fields []fieldSpec
}

// formState is what a rendered form shows besides its spec.
type formState struct {
	entity  string
	values  map[string]string
	errs    []kam.FieldError
	current map[string]string // stored values after a conflict, by field
	changed map[string]bool   // fields others changed since the user's version
	// suggest prefills a lookup's suggestions, by field.
	suggest map[string][]web.Suggestion
}

// sections renders the specs. Errors of fields that are not on the form (a service rule about
// something the form does not show) are returned for the box above the form, so no error is
// ever swallowed.
func sections(L *locale.Printer, specs []sectionSpec, st formState) ([]web.Section, []string) {
	onForm := map[string]bool{}
	var out []web.Section
	for _, sec := range specs {
		s := web.Section{Title: L.T(sec.title)}
		for _, f := range sec.fields {
			onForm[f.name] = true
			fv := web.Field{Name: f.name, Label: L.Field(st.entity, f.name), Type: f.typ, Value: st.values[f.name],
				Required: f.required, Wide: f.wide, MaxLen: f.max, List: f.list}
			if f.hint != "" {
				fv.Hint = L.T(f.hint)
			}
			for _, o := range f.options {
				o.Selected = o.Value == fv.Value
				fv.Options = append(fv.Options, o)
			}
			for _, e := range st.errs {
				if e.Field == f.name {
					fv.Errors = append(fv.Errors, fieldErrorText(L, e))
				}
			}
			if f.typ == "lookup" {
				fv.Lookup = &web.Lookup{TextName: f.text, Text: st.values[f.text], URL: f.url, Suggestions: st.suggest[f.name]}
			}
			if f.build != nil {
				f.build(&fv)
			}
			if st.current != nil && st.changed[f.name] {
				cur := st.current[f.name]
				if cur != fv.Value {
					fv.HasCurrent = true
					fv.Current = cur
					for _, o := range f.options {
						if o.Value == cur {
							fv.Current = o.Label
						}
					}
					switch {
					case f.text != "":
						fv.Current = st.current[f.text]
					case f.label != nil:
						fv.Current = f.label(cur)
					}
				}
			}
			s.Fields = append(s.Fields, fv)
		}
		out = append(out, s)
	}
	var general []string
	for _, e := range st.errs {
		if !onForm[e.Field] {
			label := L.Field(st.entity, e.Field)
			if e.Field == "" {
				general = append(general, L.FieldError(e.Code, e.Message))
				continue
			}
			general = append(general, label+": "+fieldErrorText(L, e))
		}
	}
	return out, general
}

// fieldErrorText translates a field error. A catalog entry for the field and code ("error.team.
// not_found") says it more precisely than the shared one ("error.not_found").
func fieldErrorText(L *locale.Printer, e kam.FieldError) string {
	if e.Field != "" && L.Has("error."+e.Field+"."+e.Code) {
		return L.FieldError(e.Field+"."+e.Code, e.Message)
	}
	return L.FieldError(e.Code, e.Message)
}

// formErrors returns the field errors of a service error, or nil when err is not a validation
// error (those go to the error page).
func formErrors(err error) []kam.FieldError {
	if kam.ErrorCodeOf(err) != kam.EInvalid && kam.ErrorCodeOf(err) != kam.EConflict {
		return nil
	}
	fe := kam.FieldErrors(err)
	if len(fe) == 0 {
		fe = []kam.FieldError{{Code: "invalid", Message: kam.ErrorMessage(err)}}
	}
	return fe
}

// splitList splits tags or phone numbers typed with any of the separators people use, in
// Chinese or Latin punctuation.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', ';', '；', '、', '\n', '\r':
			return true
		}
		return false
	})
	out := []string{}
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parseID reads an optional id field; empty means none.
func parseID(form url.Values, field string, errs *[]kam.FieldError) *int64 {
	s := strings.TrimSpace(form.Get(field))
	if s == "" || s == "0" {
		return nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		*errs = append(*errs, kam.FieldError{Field: field, Code: "invalid_number", Message: "must be a whole number"})
		return nil
	}
	return &id
}

func idString(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func formVersion(form url.Values) int64 {
	v, _ := strconv.ParseInt(form.Get("version"), 10, 64)
	return v
}

// conflictSince lists the changes of one record that others made after version, newest first,
// and the fields they touched, for the conflict box.
func (u *ui) conflictSince(ctx context.Context, L *locale.Printer, customerID int64, entity string, entityID, version int64) (*web.Conflict, map[string]bool) {
	conflict := &web.Conflict{}
	changed := map[string]bool{}
	changes, _, err := u.s.Customers.History(ctx, customerID, 100, 0)
	if err != nil {
		u.s.Logger.Warn("ui: history for conflict", "err", err)
		return conflict, changed
	}
	users := u.users(ctx)
	for _, ch := range changes {
		if ch.Entity != entity || ch.EntityID != entityID || ch.Version <= version {
			continue
		}
		cc := web.ConflictChange{User: ch.UserName, At: L.DateTimeSeconds(ch.At)}
		if cc.User == "" {
			cc.User = users.name(ctx, L, ch.UserID)
		}
		for _, f := range ch.Fields {
			if hiddenHistoryFields[f.Field] {
				continue
			}
			changed[f.Field] = true
			cc.Fields = append(cc.Fields, L.Field(entity, f.Field))
		}
		conflict.Changes = append(conflict.Changes, cc)
	}
	return conflict, changed
}

// ---- customers ----

// customerSpecs are the fields of the customer form; self is the customer edited (0 when new).
func (u *ui) customerSpecs(ctx context.Context, L *locale.Printer, a *kam.Actor, self int64) []sectionSpec {
	none := L.T("option.none")
	users := u.users(ctx)
	account := []fieldSpec{}
	if kam.CanAssignOwner(a) {
		var owners []web.Option
		for _, us := range users.list {
			if us.Active && kam.RoleOwnsFiles(us.Role) {
				owners = append(owners, web.Option{Value: strconv.FormatInt(us.ID, 10), Label: us.Name + " · " + L.Enum("role", string(us.Role))})
			}
		}
		account = append(account, fieldSpec{name: "owner_id", typ: "select", required: true, options: owners})
	}
	lookupURL := "/customers/lookup"
	if self != 0 {
		lookupURL += "?self=" + strconv.FormatInt(self, 10)
	}
	account = append(account,
		fieldSpec{name: "parent_id", typ: "lookup", text: "parent", url: lookupURL, hint: "hint.parent_id"},
		fieldSpec{name: "tags", typ: "text", hint: "hint.tags", wide: true},
		fieldSpec{name: "team", typ: "team", hint: "hint.team", wide: true,
			build: func(fv *web.Field) {
				fv.Team = teamEditor(ctx, L, users, decodeTeam(fv.Value), len(fv.Errors) > 0)
			},
			label: func(v string) string { return teamLabel(ctx, L, users, decodeTeam(v)) }})
	return []sectionSpec{
		{"section.basic", []fieldSpec{
			{name: "name", typ: "text", required: true, max: kam.MaxNameLen},
			{name: "short_name", typ: "text", max: kam.MaxShortNameLen},
			{name: "code", typ: "text", hint: "hint.code", max: kam.MaxCodeLen},
			{name: "legal_name", typ: "text", max: kam.MaxNameLen},
			{name: "credit_code", typ: "text", max: 18},
		}},
		{"section.business", []fieldSpec{
			{name: "status", typ: "select", required: true, options: enumOptions(L, "status", kam.CustomerStatuses, "", "")},
			{name: "stage", typ: "select", required: true, options: enumOptions(L, "stage", kam.LifecycleStages, "", "")},
			{name: "industry", typ: "text", max: kam.MaxTextLen},
			{name: "nature", typ: "select", options: enumOptions(L, "nature", kam.CustomerNatures, "", none)},
			{name: "channel_role", typ: "select", options: enumOptions(L, "channel_role", kam.ChannelRoles, "", none)},
			{name: "size", typ: "select", options: enumOptions(L, "size", kam.CompanySizes, "", none)},
			{name: "founded_on", typ: "date"},
		}},
		{"section.address", []fieldSpec{
			{name: "province", typ: "text", max: kam.MaxTextLen, list: "provinces"},
			{name: "city", typ: "text", max: kam.MaxTextLen},
			{name: "address", typ: "text", wide: true, max: kam.MaxAddressLen},
		}},
		{"section.account", account},
		{"section.other", []fieldSpec{
			{name: "custom_fields", typ: "textarea", hint: "hint.custom_fields", wide: true},
			{name: "note", typ: "textarea", wide: true, max: kam.MaxNoteLen},
		}},
	}
}

// customerValues are the form values of a stored customer, except the parent's name (see
// u.customerValues).
func customerValues(c *kam.Customer) map[string]string {
	keys := make([]string, 0, len(c.CustomFields))
	for k := range c.CustomFields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var custom []string
	for _, k := range keys {
		custom = append(custom, k+"="+c.CustomFields[k])
	}
	return map[string]string{
		"code": c.Code, "name": c.Name, "short_name": c.ShortName, "legal_name": c.LegalName, "credit_code": c.CreditCode,
		"industry": c.Industry, "nature": c.Nature, "channel_role": c.ChannelRole, "province": c.Province, "city": c.City,
		"address": c.Address, "founded_on": c.FoundedOn, "size": c.Size, "status": c.Status, "stage": c.Stage,
		"owner_id": strconv.FormatInt(c.OwnerID, 10), "parent_id": idString(c.ParentID), "tags": strings.Join(c.Tags, ", "),
		"team": encodeTeam(teamRowsOf(c.Team)), "custom_fields": strings.Join(custom, "\n"), "note": c.Note,
	}
}

// customerValues are the form values of a stored customer with the parent named as the user may
// see it.
func (u *ui) customerValues(ctx context.Context, c *kam.Customer) map[string]string {
	v := customerValues(c)
	v["parent"] = u.parentText(ctx, c.ParentID)
	return v
}

// postedCustomerValues keeps what the user sent, for re-rendering. What a post lacks (a post
// with parent_id alone and no parent text, or none of the team editor) shows as it counts: the
// parent named from its id, the stored team.
func (u *ui) postedCustomerValues(ctx context.Context, form url.Values, specs []sectionSpec, stored *kam.Customer) map[string]string {
	v := formValues(form, specs)
	if !form.Has("parent") {
		v["parent"] = strings.TrimSpace(form.Get("parent_id"))
		if id, err := strconv.ParseInt(v["parent"], 10, 64); err == nil && id > 0 {
			v["parent"] = u.parentText(ctx, &id)
		}
	}
	if !form.Has("team_rows") {
		v["team"] = ""
		if stored != nil {
			v["team"] = encodeTeam(teamRowsOf(stored.Team))
		}
	}
	return v
}

// formValues keeps what the user typed, for re-rendering.
func formValues(form url.Values, specs []sectionSpec) map[string]string {
	v := map[string]string{}
	for _, s := range specs {
		for _, f := range s.fields {
			switch {
			case f.typ == "team":
				v[f.name] = encodeTeam(teamRowsFromForm(form))
			case f.text != "":
				v[f.name] = form.Get(f.name)
				v[f.text] = form.Get(f.text)
			default:
				v[f.name] = form.Get(f.name)
			}
		}
	}
	return v
}

// applyCustomerForm copies the posted fields into c. The owner of users who may not assign one
// is left as it is, and so is the team when the post has no team editor (team_rows). The parent
// is read from parent_id: resolveParent has turned the parent control into it.
func applyCustomerForm(form url.Values, c *kam.Customer, canAssign bool) []kam.FieldError {
	var errs []kam.FieldError
	c.Code = form.Get("code")
	c.Name = form.Get("name")
	c.ShortName = form.Get("short_name")
	c.LegalName = form.Get("legal_name")
	c.CreditCode = form.Get("credit_code")
	c.Industry = form.Get("industry")
	c.Nature = form.Get("nature")
	c.ChannelRole = form.Get("channel_role")
	c.Province = form.Get("province")
	c.City = form.Get("city")
	c.Address = form.Get("address")
	c.FoundedOn = strings.TrimSpace(form.Get("founded_on"))
	c.Size = form.Get("size")
	c.Status = form.Get("status")
	c.Stage = form.Get("stage")
	c.Note = form.Get("note")
	if canAssign {
		if id := parseID(form, "owner_id", &errs); id != nil {
			c.OwnerID = *id
		}
	}
	c.ParentID = parseID(form, "parent_id", &errs)
	c.Tags = splitList(form.Get("tags"))
	if form.Has("team_rows") {
		team, terrs := parseTeam(teamRowsFromForm(form))
		c.Team = team
		errs = append(errs, terrs...)
	}
	c.CustomFields = map[string]string{}
	for _, line := range strings.Split(form.Get("custom_fields"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(strings.Replace(line, "＝", "=", 1), "=")
		if !ok || strings.TrimSpace(k) == "" {
			errs = append(errs, kam.FieldError{Field: "custom_fields", Code: "invalid_line", Message: "write one name=value per line"})
			break
		}
		c.CustomFields[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return errs
}

// validateLocally runs the record's own validation after the UI's parsing, so one submit shows
// every problem at once rather than the parse errors first and the rest next time.
func mergeErrors(parse []kam.FieldError, err error) []kam.FieldError {
	out := append([]kam.FieldError(nil), parse...)
	for _, e := range kam.FieldErrors(err) {
		dup := false
		for _, p := range parse {
			dup = dup || p.Field == e.Field
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

func (u *ui) renderForm(rq *uiReq, status int, p *web.FormPage, specs []sectionSpec, st formState) {
	var general []string
	p.Sections, general = sections(rq.L, specs, st)
	p.Errors = append(p.Errors, general...)
	if p.Submit == "" {
		p.Submit = rq.L.T("form.save")
	}
	rq.render(status, "form", p)
}

func (u *ui) customerNew(rq *uiReq) {
	c := &kam.Customer{OwnerID: rq.user.ID}
	c.Normalize()
	u.showCustomerForm(rq, 200, nil, u.customerValues(rq.r.Context(), c), nil, nil, nil)
}

// showCustomerForm renders the create (current == nil, version 0) or edit form.
func (u *ui) showCustomerForm(rq *uiReq, status int, current *kam.Customer, values map[string]string, errs []kam.FieldError,
	conflict *web.Conflict, changed map[string]bool) {
	ctx := rq.r.Context()
	L := rq.L
	self := int64(0)
	if current != nil {
		self = current.ID
	}
	specs := u.customerSpecs(ctx, L, rq.actor, self)
	p := &web.FormPage{Conflict: conflict, Provinces: provinces}
	st := formState{entity: "customer", values: values, errs: errs}
	if text := strings.TrimSpace(values["parent"]); text != "" && slices.ContainsFunc(errs, func(e kam.FieldError) bool { return e.Field == "parent_id" }) {
		// The text named no single customer: offer the candidates, which a browser lists even
		// without script.
		if list, err := u.findParents(ctx, text, self, lookupLimit); err == nil {
			st.suggest = map[string][]web.Suggestion{"parent_id": suggestions(list)}
		}
	}
	if current == nil {
		p.Base = rq.base(L.T("form.customer_new"), "customers")
		p.Heading = L.T("form.customer_new")
		p.Action = "/customers/new"
		p.CancelURL = "/customers"
		p.Submit = L.T("form.create")
	} else {
		id := strconv.FormatInt(current.ID, 10)
		p.Base = rq.base(L.T("form.customer_edit", current.Name), "customers")
		p.Heading = L.T("form.customer_edit", current.Name)
		p.Subtitle = current.Code + " · " + L.T("card.version", current.Version)
		p.Action = "/customers/" + id + "/edit"
		p.CancelURL = "/customers/" + id
		p.Version = current.Version
		if conflict != nil {
			conflict.Version = current.Version
			st.current = u.customerValues(ctx, current)
			st.changed = changed
		}
	}
	u.renderForm(rq, status, p, specs, st)
}

func (u *ui) customerCreate(rq *uiReq) {
	ctx := rq.r.Context()
	form := cloneForm(rq.r.PostForm)
	errs, err := u.resolveParent(ctx, form, 0)
	if err != nil {
		rq.fail(err)
		return
	}
	c := &kam.Customer{OwnerID: rq.user.ID}
	errs = append(errs, applyCustomerForm(form, c, kam.CanAssignOwner(rq.actor))...)
	values := u.postedCustomerValues(ctx, form, u.customerSpecs(ctx, rq.L, rq.actor, 0), nil)
	if err := c.Validate(); err != nil || len(errs) > 0 {
		u.showCustomerForm(rq, 422, nil, values, mergeErrors(errs, err), nil, nil)
		return
	}
	if err := u.s.Customers.CreateCustomer(ctx, c); err != nil {
		if fe := formErrors(err); fe != nil {
			u.showCustomerForm(rq, 422, nil, values, fe, nil, nil)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash(customerURL(c.ID, ""), "flash.created")
}

func (u *ui) customerEdit(rq *uiReq) {
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	c, err := u.s.Customers.FindCustomerByID(rq.r.Context(), id)
	if err == nil {
		err = u.mayEditFile(rq, id)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	// The edit form shows the file as much as the card does.
	if err := u.s.auditView(rq.r.Context(), id, c.OwnerID, map[string]any{"page": "edit"}); err != nil {
		rq.fail(err)
		return
	}
	u.showCustomerForm(rq, 200, c, u.customerValues(rq.r.Context(), c), nil, nil, nil)
}

// customerUpdate saves the edit form against the version the user loaded. When someone else
// saved in between, nothing is overwritten: the form comes back with what the user typed, who
// changed what since, and the stored values, and the next submit is checked against the new
// version (SPEC §N4: no lost updates).
func (u *ui) customerUpdate(rq *uiReq) {
	ctx := rq.r.Context()
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	form := cloneForm(rq.r.PostForm)
	version := formVersion(form)
	canAssign := kam.CanAssignOwner(rq.actor)
	specs := u.customerSpecs(ctx, rq.L, rq.actor, id)
	errs, err := u.resolveParent(ctx, form, id)
	if err != nil {
		rq.fail(err)
		return
	}
	var scratch kam.Customer
	if errs = append(errs, applyCustomerForm(form, &scratch, canAssign)...); len(errs) > 0 {
		current, err := u.s.Customers.FindCustomerByID(ctx, id)
		if err != nil {
			rq.fail(err)
			return
		}
		values := u.postedCustomerValues(ctx, form, specs, current)
		current.Version = version // the user's version, until they have seen a conflict
		u.showCustomerForm(rq, 422, current, values, mergeErrors(errs, scratch.Validate()), nil, nil)
		return
	}
	saved, err := u.s.Customers.UpdateCustomer(ctx, id, version, func(c *kam.Customer) error {
		applyCustomerForm(form, c, canAssign)
		return nil
	})
	if err == nil {
		rq.redirectFlash(customerURL(saved.ID, ""), "flash.saved")
		return
	}
	if !isCode(err, kam.EPreconditionFailed) && formErrors(err) == nil {
		rq.fail(err)
		return
	}
	current, ferr := u.s.Customers.FindCustomerByID(ctx, id)
	if ferr != nil {
		rq.fail(ferr)
		return
	}
	values := u.postedCustomerValues(ctx, form, specs, current)
	if isCode(err, kam.EPreconditionFailed) {
		conflict, changed := u.conflictSince(ctx, rq.L, id, "customer", id, version)
		u.showCustomerForm(rq, 409, current, values, nil, conflict, changed)
		return
	}
	current.Version = version
	u.showCustomerForm(rq, 422, current, values, formErrors(err), nil, nil)
}

// cloneForm copies posted values, so that resolving a reference can rewrite them.
func cloneForm(form url.Values) url.Values {
	out := make(url.Values, len(form))
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (u *ui) customerDelete(rq *uiReq) {
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	if err := u.s.Customers.DeleteCustomer(rq.r.Context(), id, formVersion(rq.r.PostForm)); err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash("/customers", "flash.deleted")
}

// ---- units ----

// cardFor loads the customer a unit or contact form belongs to (404 outside the user's scope).
func (u *ui) cardFor(rq *uiReq) (*kam.Card, bool) {
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return nil, false
	}
	card, err := u.s.Customers.Card(rq.r.Context(), id, nil)
	if err == nil {
		err = u.mayEditFile(rq, id)
	}
	if err == nil && rq.r.Method == "GET" {
		// A form shows the file as much as the card does.
		err = u.s.auditView(rq.r.Context(), id, card.Customer.OwnerID, map[string]any{"page": "form"})
	}
	if err != nil {
		rq.fail(err)
		return nil, false
	}
	return card, true
}

// mayEditFile refuses the forms of a file the actor sees through a borrowing grant that does not
// include editing (the store refuses the change too; the form is not shown in the first place).
func (u *ui) mayEditFile(rq *uiReq, id int64) error {
	if u.s.Borrow == nil {
		return nil
	}
	access, err := u.s.Borrow.FileAccess(rq.r.Context(), id)
	if err != nil {
		return err
	}
	if access.Grant != nil && !access.Edit {
		return kam.Errorf(kam.EForbidden, "your borrowing grant lets you view this file, not edit it")
	}
	return nil
}

func findUnit(card *kam.Card, id int64) *kam.Unit {
	for _, u := range card.Units {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func findContact(card *kam.Card, id int64) *kam.Contact {
	for _, c := range card.Contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// descendants returns id and every unit below it: a unit cannot move under one of them.
func descendants(units []*kam.Unit, id int64) map[int64]bool {
	out := map[int64]bool{id: true}
	for changed := true; changed; {
		changed = false
		for _, u := range units {
			if u.ParentUnitID != nil && out[*u.ParentUnitID] && !out[u.ID] {
				out[u.ID] = true
				changed = true
			}
		}
	}
	return out
}

func unitSpecs(L *locale.Printer, card *kam.Card, self int64) []sectionSpec {
	parents := []web.Option{{Value: "", Label: L.T("option.none")}}
	exclude := map[int64]bool{}
	if self != 0 {
		exclude = descendants(card.Units, self)
	}
	for _, u := range card.Units {
		if !exclude[u.ID] {
			parents = append(parents, web.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	return []sectionSpec{{"section.basic", []fieldSpec{
		{name: "name", typ: "text", required: true, max: kam.MaxNameLen},
		{name: "kind", typ: "select", required: true, options: enumOptions(L, "unit_kind", kam.UnitKinds, "", "")},
		{name: "parent_unit_id", typ: "select", options: parents},
		{name: "address", typ: "text", wide: true, max: kam.MaxAddressLen},
		{name: "note", typ: "textarea", wide: true, max: kam.MaxNoteLen},
	}}}
}

func unitValues(u *kam.Unit) map[string]string {
	return map[string]string{"name": u.Name, "kind": u.Kind, "parent_unit_id": idString(u.ParentUnitID), "address": u.Address, "note": u.Note}
}

func applyUnitForm(form url.Values, u *kam.Unit) []kam.FieldError {
	var errs []kam.FieldError
	u.Name = form.Get("name")
	u.Kind = form.Get("kind")
	u.ParentUnitID = parseID(form, "parent_unit_id", &errs)
	u.Address = strings.TrimSpace(form.Get("address"))
	u.Note = form.Get("note")
	return errs
}

func (u *ui) showUnitForm(rq *uiReq, status int, card *kam.Card, unit *kam.Unit, values map[string]string, errs []kam.FieldError,
	conflict *web.Conflict, changed map[string]bool) {
	L := rq.L
	cid := strconv.FormatInt(card.Customer.ID, 10)
	self := int64(0)
	if unit != nil {
		self = unit.ID
	}
	specs := unitSpecs(L, card, self)
	p := &web.FormPage{Conflict: conflict, Subtitle: L.T("form.of_customer", card.Customer.Name), CancelURL: customerURL(card.Customer.ID, "org")}
	st := formState{entity: "unit", values: values, errs: errs}
	if unit == nil {
		p.Base = rq.base(L.T("form.unit_new"), "customers")
		p.Heading = L.T("form.unit_new")
		p.Action = "/customers/" + cid + "/units/new"
		p.Submit = L.T("form.create")
	} else {
		uid := strconv.FormatInt(unit.ID, 10)
		p.Base = rq.base(L.T("form.unit_edit", unit.Name), "customers")
		p.Heading = L.T("form.unit_edit", unit.Name)
		p.Action = "/customers/" + cid + "/units/" + uid + "/edit"
		p.DeleteURL = "/customers/" + cid + "/units/" + uid + "/delete"
		p.Version = unit.Version
		if conflict != nil {
			conflict.Version = unit.Version
			st.current = unitValues(unit)
			st.changed = changed
		}
	}
	u.renderForm(rq, status, p, specs, st)
}

func (u *ui) unitNew(rq *uiReq) {
	card, ok := u.cardFor(rq)
	if !ok {
		return
	}
	unit := &kam.Unit{Kind: "department"}
	u.showUnitForm(rq, 200, card, nil, unitValues(unit), nil, nil, nil)
}

func (u *ui) unitCreate(rq *uiReq) {
	card, ok := u.cardFor(rq)
	if !ok {
		return
	}
	form := rq.r.PostForm
	unit := &kam.Unit{CustomerID: card.Customer.ID}
	errs := applyUnitForm(form, unit)
	values := formValues(form, unitSpecs(rq.L, card, 0))
	if err := unit.Validate(); err != nil || len(errs) > 0 {
		u.showUnitForm(rq, 422, card, nil, values, mergeErrors(errs, err), nil, nil)
		return
	}
	if err := u.s.Customers.CreateUnit(rq.r.Context(), unit); err != nil {
		if fe := formErrors(err); fe != nil {
			u.showUnitForm(rq, 422, card, nil, values, fe, nil, nil)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.created")
}

// unitOf loads the unit of the URL, which must belong to the URL's customer.
func (u *ui) unitOf(rq *uiReq) (*kam.Card, *kam.Unit, bool) {
	card, ok := u.cardFor(rq)
	if !ok {
		return nil, nil, false
	}
	uid, err := pathID(rq.r, "uid")
	if err != nil {
		rq.fail(err)
		return nil, nil, false
	}
	unit := findUnit(card, uid)
	if unit == nil {
		rq.fail(kam.Errorf(kam.ENotFound, "no such unit"))
		return nil, nil, false
	}
	return card, unit, true
}

func (u *ui) unitEdit(rq *uiReq) {
	card, unit, ok := u.unitOf(rq)
	if !ok {
		return
	}
	u.showUnitForm(rq, 200, card, unit, unitValues(unit), nil, nil, nil)
}

func (u *ui) unitUpdate(rq *uiReq) {
	ctx := rq.r.Context()
	card, unit, ok := u.unitOf(rq)
	if !ok {
		return
	}
	form := rq.r.PostForm
	version := formVersion(form)
	values := formValues(form, unitSpecs(rq.L, card, unit.ID))
	var scratch kam.Unit
	if errs := applyUnitForm(form, &scratch); len(errs) > 0 {
		unit.Version = version
		u.showUnitForm(rq, 422, card, unit, values, mergeErrors(errs, scratch.Validate()), nil, nil)
		return
	}
	_, err := u.s.Customers.UpdateUnit(ctx, unit.ID, version, func(x *kam.Unit) error {
		applyUnitForm(form, x)
		return nil
	})
	switch {
	case err == nil:
		rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.saved")
	case isCode(err, kam.EPreconditionFailed):
		current, ferr := u.s.Customers.FindUnitByID(ctx, unit.ID)
		if ferr != nil {
			rq.fail(ferr)
			return
		}
		conflict, changed := u.conflictSince(ctx, rq.L, card.Customer.ID, "unit", unit.ID, version)
		u.showUnitForm(rq, 409, card, current, values, nil, conflict, changed)
	case formErrors(err) != nil:
		unit.Version = version
		u.showUnitForm(rq, 422, card, unit, values, formErrors(err), nil, nil)
	default:
		rq.fail(err)
	}
}

func (u *ui) unitDelete(rq *uiReq) {
	card, unit, ok := u.unitOf(rq)
	if !ok {
		return
	}
	if err := u.s.Customers.DeleteUnit(rq.r.Context(), unit.ID, formVersion(rq.r.PostForm)); err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.deleted")
}

// ---- contacts ----

func contactSpecs(L *locale.Printer, card *kam.Card, self int64) []sectionSpec {
	none := L.T("option.none")
	units := []web.Option{{Value: "", Label: none}}
	for _, u := range card.Units {
		units = append(units, web.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	managers := []web.Option{{Value: "", Label: none}}
	for _, c := range card.Contacts {
		if c.ID != self {
			label := c.Name
			if c.Title != "" {
				label += " · " + c.Title
			}
			managers = append(managers, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: label})
		}
	}
	var rel []web.Option
	for i := 0; i <= 5; i++ {
		rel = append(rel, web.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i) + " · " + L.T("relationship."+strconv.Itoa(i))})
	}
	return []sectionSpec{
		{"section.basic", []fieldSpec{
			{name: "name", typ: "text", required: true, max: kam.MaxUserNameLen},
			{name: "title", typ: "text", max: kam.MaxTextLen},
			{name: "unit_id", typ: "select", options: units},
			{name: "purchase_role", typ: "select", options: enumOptions(L, "purchase_role", kam.PurchaseRoles, "", none)},
			{name: "reports_to_id", typ: "select", options: managers},
			{name: "relationship", typ: "select", options: rel},
		}},
		{"section.contact", []fieldSpec{
			{name: "phones", typ: "text", hint: "hint.phones"},
			{name: "email", typ: "email", max: kam.MaxTextLen},
			{name: "wechat", typ: "text", max: kam.MaxTextLen},
		}},
		{"section.personal", []fieldSpec{
			{name: "birthday", typ: "text", hint: "hint.birthday"},
			{name: "preferences", typ: "textarea", wide: true, max: kam.MaxNoteLen},
			{name: "note", typ: "textarea", wide: true, max: kam.MaxNoteLen},
		}},
	}
}

func contactValues(c *kam.Contact) map[string]string {
	b := ""
	if c.Birthday != nil {
		b = c.Birthday.String()
	}
	return map[string]string{
		"name": c.Name, "title": c.Title, "unit_id": idString(c.UnitID), "purchase_role": c.PurchaseRole,
		"reports_to_id": idString(c.ReportsToID), "relationship": strconv.Itoa(c.Relationship),
		"phones": strings.Join(c.Phones, ", "), "email": c.Email, "wechat": c.WeChat, "birthday": b,
		"preferences": c.Preferences, "note": c.Note,
	}
}

func applyContactForm(form url.Values, c *kam.Contact) []kam.FieldError {
	var errs []kam.FieldError
	c.Name = form.Get("name")
	c.Title = strings.TrimSpace(form.Get("title"))
	c.UnitID = parseID(form, "unit_id", &errs)
	c.PurchaseRole = form.Get("purchase_role")
	c.ReportsToID = parseID(form, "reports_to_id", &errs)
	c.Relationship = 0
	if s := strings.TrimSpace(form.Get("relationship")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, kam.FieldError{Field: "relationship", Code: "invalid_number", Message: "must be a whole number"})
		}
		c.Relationship = n
	}
	c.Phones = splitList(form.Get("phones"))
	c.Email = form.Get("email")
	c.WeChat = strings.TrimSpace(form.Get("wechat"))
	c.Birthday = nil
	if s := strings.TrimSpace(form.Get("birthday")); s != "" {
		b, err := kam.ParseBirthday(s)
		if err != nil {
			errs = append(errs, kam.FieldError{Field: "birthday", Code: "invalid_birthday", Message: err.Error()})
		} else {
			c.Birthday = &b
		}
	}
	c.Preferences = form.Get("preferences")
	c.Note = form.Get("note")
	return errs
}

func (u *ui) showContactForm(rq *uiReq, status int, card *kam.Card, contact *kam.Contact, values map[string]string, errs []kam.FieldError,
	conflict *web.Conflict, changed map[string]bool) {
	L := rq.L
	cid := strconv.FormatInt(card.Customer.ID, 10)
	self := int64(0)
	if contact != nil {
		self = contact.ID
	}
	specs := contactSpecs(L, card, self)
	p := &web.FormPage{Conflict: conflict, Subtitle: L.T("form.of_customer", card.Customer.Name), CancelURL: customerURL(card.Customer.ID, "org")}
	st := formState{entity: "contact", values: values, errs: errs}
	if contact == nil {
		p.Base = rq.base(L.T("form.contact_new"), "customers")
		p.Heading = L.T("form.contact_new")
		p.Action = "/customers/" + cid + "/contacts/new"
		p.Submit = L.T("form.create")
	} else {
		id := strconv.FormatInt(contact.ID, 10)
		p.Base = rq.base(L.T("form.contact_edit", contact.Name), "customers")
		p.Heading = L.T("form.contact_edit", contact.Name)
		p.Action = "/customers/" + cid + "/contacts/" + id + "/edit"
		p.DeleteURL = "/customers/" + cid + "/contacts/" + id + "/delete"
		p.Version = contact.Version
		if conflict != nil {
			conflict.Version = contact.Version
			st.current = contactValues(contact)
			st.changed = changed
		}
	}
	u.renderForm(rq, status, p, specs, st)
}

func (u *ui) contactNew(rq *uiReq) {
	card, ok := u.cardFor(rq)
	if !ok {
		return
	}
	c := &kam.Contact{}
	if s := rq.r.URL.Query().Get("unit"); s != "" {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && findUnit(card, id) != nil {
			c.UnitID = &id
		}
	}
	u.showContactForm(rq, 200, card, nil, contactValues(c), nil, nil, nil)
}

func (u *ui) contactCreate(rq *uiReq) {
	card, ok := u.cardFor(rq)
	if !ok {
		return
	}
	form := rq.r.PostForm
	c := &kam.Contact{CustomerID: card.Customer.ID}
	errs := applyContactForm(form, c)
	values := formValues(form, contactSpecs(rq.L, card, 0))
	if err := c.Validate(); err != nil || len(errs) > 0 {
		u.showContactForm(rq, 422, card, nil, values, mergeErrors(errs, err), nil, nil)
		return
	}
	if err := u.s.Customers.CreateContact(rq.r.Context(), c); err != nil {
		if fe := formErrors(err); fe != nil {
			u.showContactForm(rq, 422, card, nil, values, fe, nil, nil)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.created")
}

func (u *ui) contactOf(rq *uiReq) (*kam.Card, *kam.Contact, bool) {
	card, ok := u.cardFor(rq)
	if !ok {
		return nil, nil, false
	}
	id, err := pathID(rq.r, "cid")
	if err != nil {
		rq.fail(err)
		return nil, nil, false
	}
	c := findContact(card, id)
	if c == nil {
		rq.fail(kam.Errorf(kam.ENotFound, "no such contact"))
		return nil, nil, false
	}
	return card, c, true
}

func (u *ui) contactEdit(rq *uiReq) {
	card, c, ok := u.contactOf(rq)
	if !ok {
		return
	}
	u.showContactForm(rq, 200, card, c, contactValues(c), nil, nil, nil)
}

func (u *ui) contactUpdate(rq *uiReq) {
	ctx := rq.r.Context()
	card, c, ok := u.contactOf(rq)
	if !ok {
		return
	}
	form := rq.r.PostForm
	version := formVersion(form)
	values := formValues(form, contactSpecs(rq.L, card, c.ID))
	var scratch kam.Contact
	if errs := applyContactForm(form, &scratch); len(errs) > 0 {
		c.Version = version
		u.showContactForm(rq, 422, card, c, values, mergeErrors(errs, scratch.Validate()), nil, nil)
		return
	}
	_, err := u.s.Customers.UpdateContact(ctx, c.ID, version, func(x *kam.Contact) error {
		applyContactForm(form, x)
		return nil
	})
	switch {
	case err == nil:
		rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.saved")
	case isCode(err, kam.EPreconditionFailed):
		current, ferr := u.s.Customers.FindContactByID(ctx, c.ID)
		if ferr != nil {
			rq.fail(ferr)
			return
		}
		conflict, changed := u.conflictSince(ctx, rq.L, card.Customer.ID, "contact", c.ID, version)
		u.showContactForm(rq, 409, card, current, values, nil, conflict, changed)
	case formErrors(err) != nil:
		c.Version = version
		u.showContactForm(rq, 422, card, c, values, formErrors(err), nil, nil)
	default:
		rq.fail(err)
	}
}

func (u *ui) contactDelete(rq *uiReq) {
	card, c, ok := u.contactOf(rq)
	if !ok {
		return
	}
	if err := u.s.Customers.DeleteContact(rq.r.Context(), c.ID, formVersion(rq.r.PostForm)); err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash(customerURL(card.Customer.ID, "org"), "flash.deleted")
}
