package kamhttp

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kam"
	"kam/web"
)

// The saved filters page (/filters): the user's filters and the shared ones, each applied to the
// dashboard, the behaviour page and the customer list with one click; a form saves a new one
// (name, shared or private, and the values of each criterion); the owner deletes theirs. The
// dashboard pages and the customer list offer the saved filters in their filter bar.

// filterChoices are the lists offered as checkboxes, with the values of each.
func (u *ui) filterChoices(rq *uiReq, picked kam.FilterCriteria) []web.FilterChoice {
	L := rq.L
	opts := func(kind string, values []string, sel []string) []web.Option {
		var out []web.Option
		for _, v := range values {
			out = append(out, web.Option{Value: v, Label: L.Enum(kind, v), Selected: slices.Contains(sel, v)})
		}
		return out
	}
	abc := make([]web.Option, 0, 3)
	for _, c := range kam.ABCClasses {
		abc = append(abc, web.Option{Value: c, Label: L.T("dashboard.class", c), Selected: slices.Contains(picked.Class, c)})
	}
	out := []web.FilterChoice{
		{Name: "nature", Label: L.Field("customer", "nature"), Options: opts("nature", kam.CustomerNatures, picked.Nature)},
		{Name: "channel_role", Label: L.Field("customer", "channel_role"), Options: opts("channel_role", kam.ChannelRoles, picked.ChannelRole)},
	}
	if kam.CanViewLedger(rq.actor) {
		out = append(out,
			web.FilterChoice{Name: "class", Label: L.T("dashboard.col.class"), Options: abc},
			web.FilterChoice{Name: "tier", Label: L.T("dashboard.col.tier"), Options: opts("tier", kam.ValueTiers, picked.Tier)},
			web.FilterChoice{Name: "lamp", Label: L.T("behaviour.col.lamp"), Options: opts("lamp", kam.LAMPGroups, picked.LAMP)},
			web.FilterChoice{Name: "loyalty", Label: L.T("behaviour.col.loyalty"), Options: opts("loyalty", kam.LoyaltyTypes, picked.Loyalty)})
		if cats, err := u.s.Ledger.Categories(rq.r.Context()); err == nil && len(cats) > 0 {
			var co []web.Option
			for _, c := range cats {
				co = append(co, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Selected: slices.Contains(picked.Category, c.ID)})
			}
			out = append(out, web.FilterChoice{Name: "category", Label: L.T("segment.category"), Options: co})
		}
	}
	users := u.users(rq.r.Context())
	var reps []web.Option
	for _, us := range users.list {
		if us.Role == kam.RoleRep || us.Role == kam.RoleKAM || us.Role == kam.RoleSupervisor {
			reps = append(reps, web.Option{Value: strconv.FormatInt(us.ID, 10), Label: us.Name, Selected: slices.Contains(picked.Rep, us.ID)})
		}
	}
	if len(reps) > 0 {
		out = append(out, web.FilterChoice{Name: "rep", Label: L.T("filters.rep"), Options: reps})
	}
	return out
}

// criteriaText describes criteria in words: "行业：电子、机械；ABC 类别：A".
func (u *ui) criteriaText(rq *uiReq, c kam.FilterCriteria) string {
	L := rq.L
	var parts []string
	add := func(label string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, label+L.T("punct.colon")+strings.Join(vals, "、"))
		}
	}
	enum := func(kind string, vals []string) []string {
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = L.Enum(kind, v)
		}
		return out
	}
	add(L.Field("customer", "industry"), c.Industry)
	add(L.T("segment.region"), c.Region)
	add(L.Field("customer", "nature"), enum("nature", c.Nature))
	add(L.Field("customer", "channel_role"), enum("channel_role", c.ChannelRole))
	add(L.T("dashboard.col.class"), c.Class)
	add(L.T("dashboard.col.tier"), enum("tier", c.Tier))
	add(L.T("behaviour.col.lamp"), enum("lamp", c.LAMP))
	add(L.T("behaviour.col.loyalty"), enum("loyalty", c.Loyalty))
	if len(c.Category) > 0 {
		var names []string
		for _, id := range c.Category {
			names = append(names, u.categoryName(rq.r.Context(), strconv.FormatInt(id, 10)))
		}
		add(L.T("segment.category"), names)
	}
	if len(c.Rep) > 0 {
		users := u.users(rq.r.Context())
		var names []string
		for _, id := range c.Rep {
			names = append(names, users.name(rq.r.Context(), L, id))
		}
		add(L.T("filters.rep"), names)
	}
	if len(parts) == 0 {
		return L.T("filters.all_customers")
	}
	return strings.Join(parts, "；")
}

func idList(vals []string) []int64 {
	var out []int64
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, id)
		} else {
			out = append(out, -1) // refused by the validation, naming the field
		}
	}
	return out
}

func filterFromForm(form url.Values) *kam.SavedFilter {
	return &kam.SavedFilter{Name: form.Get("name"), Shared: form.Get("shared") == "1", Criteria: kam.FilterCriteria{
		Industry: nonEmpty(splitList(form.Get("industry"))), Region: nonEmpty(splitList(form.Get("region"))), Nature: form["nature"], ChannelRole: form["channel_role"],
		Class: form["class"], Tier: form["tier"], LAMP: form["lamp"], Loyalty: form["loyalty"], Category: idList(form["category"]), Rep: idList(form["rep"])}}
}

// filtersPage is GET /filters.
func (u *ui) filtersPage(rq *uiReq) { u.showFilters(rq, 200, &kam.SavedFilter{}, nil) }

func (u *ui) showFilters(rq *uiReq, status int, form *kam.SavedFilter, errs []kam.FieldError) {
	ctx := rq.r.Context()
	L := rq.L
	heading := L.T("filters.title")
	page := &web.FiltersPage{Base: rq.base(heading, "dashboard"), Heading: heading, Intro: L.T("filters.intro"),
		Name: form.Name, Shared: form.Shared, Industry: strings.Join(form.Criteria.Industry, ", "), Region: strings.Join(form.Criteria.Region, ", ")}
	if kam.CanViewLedger(rq.actor) {
		page.Sections = dashSections(L, "filters", dashPeriod{})
	}
	page.Choices = u.filterChoices(rq, form.Criteria)
	for _, e := range errs {
		page.Errors = append(page.Errors, L.Field("filter", e.Field)+L.T("punct.colon")+fieldErrorText(L, e))
	}
	list, err := u.s.Ledger.SavedFilters(ctx)
	if err != nil {
		rq.fail(err)
		return
	}
	users := u.users(ctx)
	for _, f := range list {
		id := strconv.FormatInt(f.ID, 10)
		row := web.FilterRow{ID: f.ID, Name: f.Name, Criteria: u.criteriaText(rq, f.Criteria), Owner: users.name(ctx, L, f.UserID),
			Shared: f.Shared, Mine: f.UserID == rq.actor.UserID, CustomersURL: "/customers?filter=" + id}
		if kam.CanViewLedger(rq.actor) {
			row.DashboardURL, row.BehaviourURL = "/dashboard?filter="+id, "/dashboard/behaviour?filter="+id
		}
		if row.Mine {
			row.DeleteURL = "/filters/" + id + "/delete"
		}
		page.Rows = append(page.Rows, row)
	}
	rq.render(status, "filters", page)
}

// filtersSave is POST /filters: a new saved filter of the user.
func (u *ui) filtersSave(rq *uiReq) {
	f := filterFromForm(rq.r.PostForm)
	if err := u.s.Ledger.CreateSavedFilter(rq.r.Context(), f); err != nil {
		if fe := formErrors(err); fe != nil {
			u.showFilters(rq, 422, f, fe)
			return
		}
		rq.fail(err)
		return
	}
	rq.redirectFlash("/filters", "flash.filter_saved")
}

// filtersDelete is POST /filters/{id}/delete.
func (u *ui) filtersDelete(rq *uiReq) {
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	if err := u.s.Ledger.DeleteSavedFilter(rq.r.Context(), id, 0); err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash("/filters", "flash.filter_deleted")
}

// nonEmpty is nil for an empty list (a criterion not given).
func nonEmpty(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	return slices.Compact(l)
}
