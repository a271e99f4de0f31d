package kamhttp

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kam"
	"kam/locale"
	"kam/web"
)

// listQuery is the state of the customer list. All of it lives in the URL, so links, reloads and
// the back button show the same list.
type listQuery struct {
	Q, Owner, Status, Stage, Industry, Province, Tag, Sort string
	Per, Page                                              int
	// Filter is a saved filter's id ("" for none).
	Filter string
}

const (
	defaultSort = "-updated_at"
	defaultPer  = 20
	maxQLen     = 200 // the store's limit on a search
)

var perPageChoices = []int{20, 50, 100}

// parseListQuery reads the list's URL. Anything malformed falls back to the default instead of
// failing: a hand-edited URL is not worth an error page.
func parseListQuery(v url.Values) listQuery {
	q := listQuery{
		Q:        strings.TrimSpace(v.Get("q")),
		Industry: strings.TrimSpace(v.Get("industry")),
		Province: strings.TrimSpace(v.Get("province")),
		Tag:      strings.TrimSpace(v.Get("tag")),
		Sort:     defaultSort,
		Per:      defaultPer,
		Page:     1,
	}
	if utf8.RuneCountInString(q.Q) > maxQLen {
		q.Q = string([]rune(q.Q)[:maxQLen])
	}
	if o := v.Get("owner"); o != "" {
		if id, err := strconv.ParseInt(o, 10, 64); err == nil && id > 0 {
			q.Owner = o
		}
	}
	if s := v.Get("status"); slices.Contains(kam.CustomerStatuses, s) {
		q.Status = s
	}
	if s := v.Get("filter"); filterID.MatchString(s) {
		q.Filter = s
	}
	if s := v.Get("stage"); slices.Contains(kam.LifecycleStages, s) {
		q.Stage = s
	}
	if s := v.Get("sort"); slices.Contains(kam.CustomerSorts, strings.TrimPrefix(s, "-")) {
		q.Sort = s
	}
	if n, err := strconv.Atoi(v.Get("per")); err == nil && slices.Contains(perPageChoices, n) {
		q.Per = n
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		q.Page = n
	}
	return q
}

// url writes the query back, leaving out defaults so URLs stay short and shareable.
func (q listQuery) url() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q.Q)
	set("owner", q.Owner)
	set("status", q.Status)
	set("stage", q.Stage)
	set("industry", q.Industry)
	set("province", q.Province)
	set("tag", q.Tag)
	set("filter", q.Filter)
	if q.Sort != defaultSort {
		set("sort", q.Sort)
	}
	if q.Per != defaultPer {
		set("per", strconv.Itoa(q.Per))
	}
	if q.Page > 1 {
		set("page", strconv.Itoa(q.Page))
	}
	if len(v) == 0 {
		return "/customers"
	}
	return "/customers?" + v.Encode()
}

func (q listQuery) filtered() bool {
	return q.Q != "" || q.Owner != "" || q.Status != "" || q.Stage != "" || q.Industry != "" || q.Province != "" || q.Tag != "" || q.Filter != ""
}

// listFilter is the store's filter of the list, with the saved filter's customers (judged over
// the last 12 complete months) when one is applied.
func (u *ui) listFilter(ctx context.Context, q listQuery) (kam.CustomerFilter, error) {
	f := q.filter()
	if q.Filter == "" {
		return f, nil
	}
	id, _ := strconv.ParseInt(q.Filter, 10, 64)
	sf, err := u.s.Ledger.SavedFilter(ctx, id)
	if err != nil {
		return f, err
	}
	f.Within, err = u.s.filterSelection(ctx, sf.Criteria)
	return f, err
}

func (q listQuery) filter() kam.CustomerFilter {
	owner, _ := strconv.ParseInt(q.Owner, 10, 64)
	return kam.CustomerFilter{Q: q.Q, OwnerID: owner, Status: q.Status, Stage: q.Stage, Industry: q.Industry,
		Province: q.Province, Tag: q.Tag, Sort: q.Sort, Limit: q.Per, Offset: (q.Page - 1) * q.Per}
}

// provinces are China's provincial-level divisions by their official names (as stored on the
// cards), offered as suggestions in the province filter, which matches exactly.
var provinces = []string{"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
	"江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
	"海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
	"新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区", "台湾省"}

// customerList is /customers. An htmx request aimed at #results gets only the table, so typing
// in the search box replaces the rows without reloading the page.
func (u *ui) customerList(rq *uiReq) {
	ctx := rq.r.Context()
	q := parseListQuery(rq.r.URL.Query())
	f, err := u.listFilter(ctx, q)
	if err != nil {
		rq.fail(err)
		return
	}
	items, total, err := u.s.Customers.FindCustomers(ctx, f)
	if err == nil && len(items) == 0 && total > 0 && q.Page > 1 {
		// A page past the end (the list shrank, or a hand-edited URL): show the last page.
		q.Page = (total + q.Per - 1) / q.Per
		f.Limit, f.Offset = q.Per, (q.Page-1)*q.Per
		items, total, err = u.s.Customers.FindCustomers(ctx, f)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	users := u.users(ctx)
	L := rq.L
	p := &web.CustomerListPage{
		Base: rq.base(L.T("list.title"), "customers"),
		Q:    q.Q, OwnerID: q.Owner, Status: q.Status, Stage: q.Stage, Industry: q.Industry, Province: q.Province, Tag: q.Tag,
		Sort: q.Sort, Per: q.Per, Total: total, Filtered: q.filtered(),
		ShowOwnerFilter: kam.CustomerScope(rq.actor) > kam.ScopeAccount,
		CanCreate:       kam.CanCreateCustomer(rq.actor),
		Provinces:       provinces,
	}
	if q.Sort == defaultSort {
		p.Sort = ""
	}
	clear := listQuery{Sort: q.Sort, Per: q.Per, Page: 1}
	p.ClearURL = clear.url()
	p.Owners = []web.Option{{Value: "", Label: L.T("option.any")}}
	for _, us := range users.list {
		if !kam.RoleOwnsFiles(us.Role) {
			continue // they read files but do not own them
		}
		p.Owners = append(p.Owners, web.Option{Value: strconv.FormatInt(us.ID, 10), Label: us.Name, Selected: strconv.FormatInt(us.ID, 10) == q.Owner})
	}
	if kam.CanViewLedger(rq.actor) {
		if list, err := u.s.Ledger.SavedFilters(ctx); err == nil && len(list) > 0 {
			p.Filters = []web.Option{{Value: "", Label: L.T("filters.all_customers")}}
			for _, sf := range list {
				id := strconv.FormatInt(sf.ID, 10)
				p.Filters = append(p.Filters, web.Option{Value: id, Label: sf.Name, Selected: id == q.Filter})
			}
		}
	}
	p.Statuses = enumOptions(L, "status", kam.CustomerStatuses, q.Status, L.T("option.any"))
	p.Stages = enumOptions(L, "stage", kam.LifecycleStages, q.Stage, L.T("option.any"))
	for _, n := range perPageChoices {
		pq := q
		pq.Per, pq.Page = n, 1
		p.PerOptions = append(p.PerOptions, web.Option{Value: pq.url(), Label: strconv.Itoa(n), Selected: n == q.Per})
	}
	cols := []struct{ key, label, class string }{
		{"code", L.Field("customer", "code"), "c-code"},
		{"name", L.Field("customer", "name"), "c-name"},
		{"industry", L.Field("customer", "industry"), ""},
		{"province", L.T("list.region"), ""},
		{"status", L.Field("customer", "status"), ""},
		{"stage", L.Field("customer", "stage"), ""},
		{"", L.Field("customer", "owner_id"), ""},
		{"updated_at", L.Field("customer", "updated_at"), "num"},
	}
	for _, c := range cols {
		col := web.Column{Label: c.label, Class: c.class}
		if c.key != "" {
			sq := q
			sq.Page = 1
			switch q.Sort {
			case c.key:
				col.Dir, sq.Sort = "asc", "-"+c.key
			case "-" + c.key:
				col.Dir, sq.Sort = "desc", c.key
			default:
				sq.Sort = c.key
			}
			col.URL = sq.url()
		}
		p.Columns = append(p.Columns, col)
	}
	for _, c := range items {
		p.Rows = append(p.Rows, web.CustomerRow{C: c, URL: customerURL(c.ID, ""), OwnerName: users.name(ctx, L, c.OwnerID),
			StatusLabel: L.Enum("status", c.Status), StageLabel: L.Enum("stage", c.Stage), UpdatedLabel: L.Date(c.UpdatedAt)})
	}
	if total > 0 {
		p.From = (q.Page-1)*q.Per + 1
		p.To = p.From + len(items) - 1
	}
	pageCount := (total + q.Per - 1) / q.Per
	p.Pager = pager(q.Page, pageCount, func(n int) string { pq := q; pq.Page = n; return pq.url() })
	p.Exports = exportLinks(L, "customers", customerExportValues(q))

	h := rq.r.Header
	if h.Get("HX-Request") == "true" && h.Get("HX-Target") == "results" && h.Get("HX-History-Restore-Request") != "true" {
		// htmx would push the raw form query (empty fields included); push the canonical URL.
		rq.w.Header().Set("HX-Push-Url", q.url())
		u.renderBlock(rq.w, rq.r, 200, "customers", "results", p)
		return
	}
	rq.render(200, "customers", p)
}

// pager builds the paging bar: the first and last page, two either side of the current one,
// and gaps between.
func pager(page, count int, urlFor func(int) string) web.Pager {
	p := web.Pager{Page: page, PageCount: count}
	if count <= 1 {
		return p
	}
	if page > 1 {
		p.Prev = urlFor(page - 1)
	}
	if page < count {
		p.Next = urlFor(page + 1)
	}
	last := 0
	for n := 1; n <= count; n++ {
		if n != 1 && n != count && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Pages = append(p.Pages, web.PageLink{Gap: true})
		}
		p.Pages = append(p.Pages, web.PageLink{Number: n, URL: urlFor(n), Current: n == page})
		last = n
	}
	return p
}

func enumOptions(L *locale.Printer, kind string, values []string, selected, emptyLabel string) []web.Option {
	var out []web.Option
	if emptyLabel != "" {
		out = append(out, web.Option{Value: "", Label: emptyLabel, Selected: selected == ""})
	}
	for _, v := range values {
		out = append(out, web.Option{Value: v, Label: L.Enum(kind, v), Selected: v == selected})
	}
	return out
}

// userDirectory holds the users of one request, to name owners, team members and authors.
type userDirectory struct {
	u    *ui
	list []*kam.User
	byID map[int64]*kam.User
}

// users loads the user list once per request. Sales organisations have hundreds of users, not
// hundreds of thousands; names beyond the first 1000 are fetched one by one.
func (u *ui) users(ctx context.Context) *userDirectory {
	d := &userDirectory{u: u, byID: map[int64]*kam.User{}}
	list, _, err := u.s.Users.FindUsers(ctx, kam.UserFilter{Limit: 1000})
	if err != nil {
		u.s.Logger.Warn("ui: list users", "err", err)
		return d
	}
	d.list = list
	for _, us := range list {
		d.byID[us.ID] = us
	}
	return d
}

func (d *userDirectory) name(ctx context.Context, L *locale.Printer, id int64) string {
	if id == 0 {
		return L.T("history.system")
	}
	if us, ok := d.byID[id]; ok {
		return us.Name
	}
	us, err := d.u.s.Users.FindUserByID(ctx, id)
	if err != nil {
		return L.T("history.unknown_user", id)
	}
	d.byID[id] = us
	return us.Name
}

var cardTabs = []string{"profile", "org", "history"}

const historyPer = 30

// customerCard is /customers/{id} with its tabs. ?as_of= shows the file as it was then.
func (u *ui) customerCard(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	id, err := pathID(rq.r, "id")
	if err != nil {
		rq.fail(err)
		return
	}
	q := rq.r.URL.Query()
	tab := q.Get("tab")
	tabs := cardTabsFor(rq.actor)
	if !slices.Contains(tabs, tab) {
		tab = "profile"
	}
	card, err := u.s.Customers.Card(ctx, id, nil)
	if err != nil {
		if isCode(err, kam.ENotFound) {
			if aerr := u.s.auditLapsedGrant(ctx, id); aerr != nil {
				err = aerr
			} else if aerr := u.s.auditDenied(ctx, "customer", id, &id, map[string]any{"reason": "not found or outside scope"}); aerr != nil {
				err = aerr
			}
		}
		rq.fail(err)
		return
	}
	c := card.Customer
	owner := c.OwnerID
	p := &web.CardPage{Base: rq.base(c.Name, "customers"), Tab: tab, C: c,
		CanEdit:    kam.CanEditCustomer(rq.actor),
		EditURL:    "/customers/" + strconv.FormatInt(id, 10) + "/edit",
		CurrentURL: customerURL(id, tab),
		AsOfAction: customerURL(id, ""),
		NewUnitURL: "/customers/" + strconv.FormatInt(id, 10) + "/units/new",
		NewContURL: "/customers/" + strconv.FormatInt(id, 10) + "/contacts/new",
	}
	if kam.CanDeleteCustomer(rq.actor) {
		p.DeleteURL = "/customers/" + strconv.FormatInt(id, 10) + "/delete"
	}
	if err := u.borrowedCard(rq, p, id); err != nil {
		rq.fail(err)
		return
	}
	if in := strings.TrimSpace(q.Get("as_of")); in != "" && asOfTab(tab) {
		p.AsOfInput = in
		t, ok := parseAsOf(in, L.Loc)
		switch {
		case !ok:
			p.AsOfError = L.T("card.as_of_invalid", truncateRunes(in, 40))
		case t.After(u.s.Now()):
			p.AsOfError = L.T("card.as_of_future")
			p.AsOfInput = t.In(L.Loc).Format("2006-01-02T15:04:05")
		default:
			// The datetime-local input shows only its own format.
			p.AsOfInput = t.In(L.Loc).Format("2006-01-02T15:04:05")
			past, err := u.s.Customers.Card(ctx, id, &t)
			if isCode(err, kam.ENotFound) {
				p.AsOfError = L.T("card.as_of_before")
				break
			}
			if err != nil {
				rq.fail(err)
				return
			}
			card, c = past, past.Customer
			p.C = c
			p.AsOf = &t
			p.AsOfInput = t.In(L.Loc).Format("2006-01-02T15:04:05")
			p.AsOfLabel = L.T("card.as_of_label", L.DateTimeSeconds(t))
		}
	}
	p.Card = card
	// The view is recorded before anything of the file is sent.
	view := map[string]any{"tab": tab}
	if p.AsOf != nil {
		view["as_of"] = p.AsOf.UTC().Format(time.RFC3339Nano)
	}
	if err := u.s.auditView(ctx, id, owner, view); err != nil {
		rq.fail(err)
		return
	}
	for _, t := range tabs {
		link := customerURL(id, t)
		if p.AsOf != nil && asOfTab(t) {
			link = addQuery(link, "as_of", p.AsOfInput)
		}
		p.Tabs = append(p.Tabs, web.Link{Label: L.T("tab." + t), URL: link, Active: t == tab})
	}
	users := u.users(ctx)
	p.Owner = users.name(ctx, L, c.OwnerID)
	names := cardNames(card)
	switch tab {
	case "profile":
		u.fillProfile(rq, p, users)
	case "org":
		p.Units, p.Unassigned = buildOrg(L, card, u.s.Now(), names)
		p.UnitCount = len(card.Units)
	case "history":
		page := 1
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < 1_000_000 {
			page = n
		}
		changes, total, err := u.s.Customers.History(ctx, id, historyPer, (page-1)*historyPer)
		if err != nil {
			rq.fail(err)
			return
		}
		p.HistoryTotal = total
		u.nameParents(ctx, changes, names)
		for _, ch := range changes {
			p.History = append(p.History, historyRow(ctx, L, ch, users, names))
		}
		p.HistoryPager = pager(page, (total+historyPer-1)/historyPer, func(n int) string {
			s := customerURL(id, "history")
			if n > 1 {
				s += "&page=" + strconv.Itoa(n)
			}
			return s
		})
	default:
		if err := u.fillLedgerTab(rq, p, tab); err != nil {
			rq.fail(err)
			return
		}
	}
	rq.render(200, "customer", p)
}

// nameParents looks up the parent accounts named in changes, so that the history shows them by
// name. The lookups apply the user's scope: a parent they may not see stays "#id".
func (u *ui) nameParents(ctx context.Context, changes []*kam.Change, names refNames) {
	for _, ch := range changes {
		if ch.Entity != "customer" {
			continue
		}
		for _, f := range ch.Fields {
			if f.Field != "parent_id" {
				continue
			}
			for _, v := range []any{f.Old, f.New} {
				id, err := strconv.ParseInt(fmt.Sprint(decodeValue(v)), 10, 64)
				if err != nil || id <= 0 {
					continue
				}
				if _, done := names.customers[id]; done {
					continue
				}
				names.customers[id] = "#" + strconv.FormatInt(id, 10)
				if c, err := u.s.Customers.FindCustomerByID(ctx, id); err == nil {
					names.customers[id] = c.Name
				}
			}
		}
	}
}

func (u *ui) fillProfile(rq *uiReq, p *web.CardPage, users *userDirectory) {
	ctx := rq.r.Context()
	L := rq.L
	c := p.C
	row := func(field, value string) web.FieldRow {
		return web.FieldRow{Label: L.Field("customer", field), Value: value}
	}
	founded := c.FoundedOn
	p.Profile = []web.FieldRow{
		{Label: L.Field("customer", "code"), Value: c.Code, Mono: true},
		row("name", c.Name),
		row("short_name", c.ShortName),
		row("legal_name", c.LegalName),
		{Label: L.Field("customer", "credit_code"), Value: c.CreditCode, Mono: true},
		row("industry", c.Industry),
		row("nature", enumOrEmpty(L, "nature", c.Nature)),
		row("channel_role", enumOrEmpty(L, "channel_role", c.ChannelRole)),
		row("size", enumOrEmpty(L, "size", c.Size)),
		row("founded_on", founded),
		row("province", c.Province),
		row("city", c.City),
		row("address", c.Address),
		row("status", L.Enum("status", c.Status)),
		row("stage", L.Enum("stage", c.Stage)),
		row("owner_id", p.Owner),
		row("created_at", dateTimeOrEmpty(L, c.CreatedAt)),
		row("updated_at", dateTimeOrEmpty(L, c.UpdatedAt)),
	}
	if c.ParentID != nil {
		parent, err := u.s.Customers.FindCustomerByID(ctx, *c.ParentID)
		switch {
		case err == nil:
			p.Parent = &web.Link{Label: parent.Name, URL: customerURL(parent.ID, "")}
		case isCode(err, kam.ENotFound):
			// Outside the user's scope: name the reference, do not show the file.
			p.Parent = &web.Link{Label: "#" + strconv.FormatInt(*c.ParentID, 10)}
		default:
			u.s.Logger.Warn("ui: parent customer", "id", *c.ParentID, "err", err)
		}
	}
	subs, total, err := u.s.Customers.FindCustomers(ctx, kam.CustomerFilter{ParentID: c.ID, Sort: "name", Limit: 20})
	if err == nil {
		p.SubsTotal = total
		for _, s := range subs {
			p.Subs = append(p.Subs, web.Link{Label: s.Name, URL: customerURL(s.ID, "")})
		}
	}
	for _, m := range c.Team {
		p.Team = append(p.Team, web.TeamRow{Name: users.name(ctx, L, m.UserID), Role: enumOrEmpty(L, "team_role", m.Role)})
	}
	p.Tags = c.Tags
	keys := make([]string, 0, len(c.CustomFields))
	for k := range c.CustomFields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Custom = append(p.Custom, web.FieldRow{Label: k, Value: c.CustomFields[k]})
	}
	p.Score = kam.CardCompleteness(p.Card)
	for _, f := range p.Score.Missing {
		p.Missing = append(p.Missing, L.Field("customer", f))
	}
	switch {
	case p.Score.Score >= 85:
		p.ScoreClass = "good"
	case p.Score.Score >= 60:
		p.ScoreClass = "fair"
	default:
		p.ScoreClass = "poor"
	}
}

func enumOrEmpty(L *locale.Printer, kind, v string) string {
	if v == "" {
		return ""
	}
	return L.Enum(kind, v)
}

func dateTimeOrEmpty(L *locale.Printer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return L.DateTime(t)
}

// parseAsOf reads the "as of" moment as the datetime-local input sends it (2026-11-22T14:30 or
// with seconds) or as people type it into a URL. A bare date means the end of that day: "the
// file as it was on 2026-11-22" includes that day's changes. Times are in the business zone.
func parseAsOf(s string, loc *time.Location) (time.Time, bool) {
	t, err := kam.ParseMoment(s, loc)
	return t, err == nil
}

func addQuery(u, k, v string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.QueryEscape(k) + "=" + url.QueryEscape(v)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
