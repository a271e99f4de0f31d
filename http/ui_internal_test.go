package kamhttp

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kam"
	"kam/locale"
	"kam/web"
)

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                          "/customers",
		"/customers/3?tab=org":      "/customers/3?tab=org",
		"//evil.example/x":          "/customers",
		"/\\evil.example":           "/customers",
		"https://evil.example/":     "/customers",
		"customers":                 "/customers",
		"/login?next=/x":            "/customers",
		"/logout":                   "/customers",
		"/customers\r\nSet-Cookie:": "/customers",
		"/customers?q=%E5%8D%8E":    "/customers?q=%E5%8D%8E",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	if got := safeNextAny("/login?next=%2Fcustomers"); got != "/login?next=%2Fcustomers" {
		t.Errorf("safeNextAny(login) = %q", got)
	}
	if got := safeNextAny("//evil.example/login"); got != "/customers" {
		t.Errorf("safeNextAny(evil) = %q", got)
	}
}

func TestListQueryRoundTrip(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "/customers"},
		{"q=华为&status=active&sort=-name&per=50&page=3", "/customers?page=3&per=50&q=%E5%8D%8E%E4%B8%BA&sort=-name&status=active"},
		{"status=bogus&stage=x&sort=evil&per=7&page=-2&owner=abc", "/customers"},
		{"sort=-updated_at&per=20&page=1", "/customers"}, // defaults are left out
		{"owner=12&tag=重点&province=广东省&industry=医药", "/customers?industry=%E5%8C%BB%E8%8D%AF&owner=12&province=%E5%B9%BF%E4%B8%9C%E7%9C%81&tag=%E9%87%8D%E7%82%B9"},
	}
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.in)
		if got := parseListQuery(v).url(); got != tt.want {
			t.Errorf("%q → %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("华", 300)
	q := parseListQuery(url.Values{"q": {long}})
	if n := len([]rune(q.Q)); n != maxQLen {
		t.Errorf("a long search keeps %d characters, want %d", n, maxQLen)
	}
	f := parseListQuery(url.Values{"page": {"3"}, "per": {"50"}}).filter()
	if f.Offset != 100 || f.Limit != 50 || f.Sort != defaultSort {
		t.Errorf("filter = %+v", f)
	}
}

func TestPager(t *testing.T) {
	render := func(p web.Pager) string {
		var parts []string
		for _, l := range p.Pages {
			switch {
			case l.Gap:
				parts = append(parts, "…")
			case l.Current:
				parts = append(parts, "["+strconv.Itoa(l.Number)+"]")
			default:
				parts = append(parts, strconv.Itoa(l.Number))
			}
		}
		return strings.Join(parts, " ")
	}
	u := func(n int) string { return "/p" + strconv.Itoa(n) }
	tests := []struct {
		page, count int
		want        string
	}{
		{1, 1, ""},
		{1, 3, "[1] 2 3"},
		{5, 10, "1 … 3 4 [5] 6 7 … 10"},
		{1, 10, "[1] 2 3 … 10"},
		{10, 10, "1 … 8 9 [10]"},
		{4, 10, "1 2 3 [4] 5 6 … 10"},
	}
	for _, tt := range tests {
		p := pager(tt.page, tt.count, u)
		if got := render(p); got != tt.want {
			t.Errorf("pager(%d, %d) = %q, want %q", tt.page, tt.count, got, tt.want)
		}
		if tt.count > 1 && (tt.page > 1) != (p.Prev != "") {
			t.Errorf("pager(%d, %d): prev %q", tt.page, tt.count, p.Prev)
		}
	}
}

func TestSplitList(t *testing.T) {
	tests := map[string]string{
		"重点, 华东，战略；VIP、老客户\n新": "重点|华东|战略|VIP|老客户|新",
		"  ":            "",
		"a,,b":          "a|b",
		"138 0013 8000": "138 0013 8000",
	}
	for in, want := range tests {
		if got := strings.Join(splitList(in), "|"); got != want {
			t.Errorf("splitList(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestApplyContactForm(t *testing.T) {
	var c kam.Contact
	errs := applyContactForm(url.Values{"name": {"王凯"}, "birthday": {"农历八月十五"}, "relationship": {"x"}, "unit_id": {"abc"},
		"phones": {"13800138000, 021-5555"}}, &c)
	fields := map[string]string{}
	for _, e := range errs {
		fields[e.Field] = e.Code
	}
	if fields["relationship"] != "invalid_number" || fields["unit_id"] != "invalid_number" || len(errs) != 2 {
		t.Errorf("errors = %+v", errs)
	}
	if c.Birthday == nil || c.Birthday.Calendar != "lunar" || c.Birthday.Month != 8 || c.Birthday.Day != 15 {
		t.Errorf("birthday = %+v", c.Birthday)
	}
	if len(c.Phones) != 2 {
		t.Errorf("phones = %q", c.Phones)
	}
	errs = applyContactForm(url.Values{"name": {"x"}, "birthday": {"农历十三月一"}}, &c)
	if len(errs) != 1 || errs[0].Code != "invalid_birthday" || c.Birthday != nil {
		t.Errorf("bad birthday: %+v, %+v", errs, c.Birthday)
	}
	// The form value of a birthday reads back to the same birthday.
	b, _ := kam.ParseBirthday("农历1984年闰十月初一")
	v := contactValues(&kam.Contact{Birthday: &b})
	if back, err := kam.ParseBirthday(v["birthday"]); err != nil || back != b {
		t.Errorf("birthday round trip: %q → %+v, %v", v["birthday"], back, err)
	}
}

func TestApplyCustomerFormKeepsWhatItDoesNotShow(t *testing.T) {
	c := kam.Customer{OwnerID: 7, Team: []kam.TeamMember{{UserID: 3, Role: "sales"}}}
	form := url.Values{"name": {"甲"}, "owner_id": {"9"}, "parent_id": {""}, "tags": {"a，b"}, "custom_fields": {"ERP=1\n\n付款＝月结"}}
	if errs := applyCustomerForm(form, &c, false); len(errs) != 0 {
		t.Fatal(errs)
	}
	if c.OwnerID != 7 || len(c.Team) != 1 {
		t.Errorf("a rep's form changed the owner or team: %+v", c)
	}
	if c.CustomFields["ERP"] != "1" || c.CustomFields["付款"] != "月结" || strings.Join(c.Tags, "|") != "a|b" {
		t.Errorf("parsed %+v", c)
	}
	if errs := applyCustomerForm(form, &c, true); len(errs) != 0 || c.OwnerID != 9 {
		t.Errorf("assigning owner: %v, %d", errs, c.OwnerID)
	}
}

func TestTeamRows(t *testing.T) {
	form := url.Values{"team_rows": {"1"}, "team_user": {"3", "", " 7 ", "9"}, "team_role": {"kam", "sales", "", "rnd"}}
	rows := teamRowsFromForm(form)
	want := []teamRow{{"3", "kam"}, {"7", ""}, {"9", "rnd"}}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows = %v, want %v", rows, want)
	}
	if back := decodeTeam(encodeTeam(rows)); !slices.Equal(back, rows) {
		t.Errorf("round trip: %v", back)
	}
	if len(decodeTeam("")) != 0 || len(teamRowsFromForm(url.Values{"team_user": {"5"}})) != 1 {
		t.Error("empty or role-less rows")
	}
	c := kam.Customer{Team: []kam.TeamMember{{UserID: 1, Role: "kam"}}}
	if errs := applyCustomerForm(form, &c, false); len(errs) != 0 || len(c.Team) != 3 || c.Team[1] != (kam.TeamMember{UserID: 7}) {
		t.Errorf("team from the form: %+v %v", c.Team, errs)
	}
	form.Set("team_user", "abc")
	if errs := applyCustomerForm(form, &c, false); len(errs) != 1 || errs[0].Field != "team" {
		t.Errorf("malformed user: %v", errs)
	}
	for in, want := range map[string]int64{"12": 12, "#12": 12, " # 12 ": 12, "#": 0, "12a": 0, "华为": 0, "0": 0, "-3": 0} {
		if got, ok := idText(in); got != want || ok != (want != 0) {
			t.Errorf("idText(%q) = %d, %v", in, got, ok)
		}
	}
	twin := &kam.Customer{Name: "海信集团", ShortName: "海信", Code: "C1"}
	for text, want := range map[string]bool{"海信集团": true, "海信": true, "海信集团 · C1": true, "海信集": false, "C1": false} {
		if namesCustomer(twin, text) != want {
			t.Errorf("namesCustomer(%q) = %v", text, !want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	L := locale.New(locale.ZH)
	users := &userDirectory{byID: map[int64]*kam.User{4: {ID: 4, Name: "张伟"}}}
	names := refNames{units: map[int64]string{2: "采购部"}, contacts: map[int64]string{5: "王凯"}}
	raw := func(s string) any { return json.RawMessage(s) }
	tests := []struct {
		field string
		v     any
		want  string
	}{
		{"city", raw(`"西安市"`), "西安市"},
		{"city", raw(`null`), ""},
		{"status", raw(`"active"`), "现有客户"},
		{"kind", raw(`"plant"`), "工厂"},
		{"owner_id", raw(`4`), "张伟"},
		{"unit_id", raw(`2`), "采购部"},
		{"reports_to_id", raw(`5`), "王凯"},
		{"parent_id", raw(`77`), "#77"},
		{"relationship", raw(`3`), "★★★☆☆ 良好"},
		{"tags", raw(`["重点","华东"]`), "重点, 华东"},
		{"birthday", raw(`{"calendar":"lunar","year":0,"month":8,"day":15,"leap":false}`), "农历八月十五"},
		{"birthday", raw(`{"calendar":"solar","year":1975,"month":8,"day":15}`), "1975-08-15"},
		{"custom_fields", raw(`{"b":"2","a":"1"}`), "a=1; b=2"},
		{"team", raw(`[{"user_id":4,"role":"kam"}]`), "张伟（大客户经理）"},
		{"note", "plain Go string", "plain Go string"},
		{"active", raw(`true`), "是"},
	}
	for _, tt := range tests {
		if got := formatValue(context.Background(), L, tt.field, tt.v, users, names); got != tt.want {
			t.Errorf("formatValue(%s, %v) = %q, want %q", tt.field, tt.v, got, tt.want)
		}
	}
}

func TestBuildOrgShowsEveryNodeOnce(t *testing.T) {
	id := func(n int64) *int64 { return &n }
	card := &kam.Card{
		Customer: &kam.Customer{ID: 1},
		Units: []*kam.Unit{
			{ID: 1, Name: "总部"},
			{ID: 2, Name: "采购部", ParentUnitID: id(1)},
			{ID: 3, Name: "环A", ParentUnitID: id(4)}, // a loop: 3 → 4 → 3
			{ID: 4, Name: "环B", ParentUnitID: id(3)},
			{ID: 5, Name: "孤儿", ParentUnitID: id(99)},
		},
		Contacts: []*kam.Contact{
			{ID: 1, Name: "总经理", UnitID: id(1)},
			{ID: 2, Name: "采购经理", UnitID: id(2), ReportsToID: id(1)}, // manager in another unit
			{ID: 3, Name: "采购员", UnitID: id(2), ReportsToID: id(2)},
			{ID: 4, Name: "无单位", ReportsToID: id(4)}, // reports to themselves
		},
	}
	L := locale.New(locale.ZH)
	roots, unassigned := buildOrg(L, card, time.Now(), cardNames(card))
	seenUnits, seenContacts := map[int64]int{}, map[int64]int{}
	var walkC func([]*web.ContactNode)
	walkC = func(ns []*web.ContactNode) {
		for _, n := range ns {
			seenContacts[n.C.ID]++
			walkC(n.Children)
		}
	}
	var walkU func([]*web.UnitNode)
	walkU = func(ns []*web.UnitNode) {
		for _, n := range ns {
			seenUnits[n.U.ID]++
			walkC(n.Contacts)
			walkU(n.Children)
		}
	}
	walkU(roots)
	walkC(unassigned)
	for _, u := range card.Units {
		if seenUnits[u.ID] != 1 {
			t.Errorf("unit %s shown %d times", u.Name, seenUnits[u.ID])
		}
	}
	for _, c := range card.Contacts {
		if seenContacts[c.ID] != 1 {
			t.Errorf("contact %s shown %d times", c.Name, seenContacts[c.ID])
		}
	}
	// 采购经理 reports to someone in another unit: named, and a root of their unit.
	for _, r := range roots {
		if r.U.ID == 1 && (len(r.Children) != 1 || r.Children[0].U.ID != 2) {
			t.Errorf("总部 children = %+v", r.Children)
		}
		if r.U.ID == 1 {
			buy := r.Children[0]
			if len(buy.Contacts) != 1 || buy.Contacts[0].ReportsTo != "总经理" || len(buy.Contacts[0].Children) != 1 {
				t.Errorf("采购部 contacts = %+v", buy.Contacts)
			}
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	th := newLoginThrottle(func() time.Time { return now })
	start := now
	for i := 0; i < maxPerEmail; i++ {
		if w := th.wait("a@x", "1.1.1.1"); w != 0 {
			t.Fatalf("blocked after %d failures (%s)", i, w)
		}
		th.fail("A@x", "1.1.1.1")
		now = now.Add(time.Minute)
	}
	// Blocked from any address until the window since the first failure has passed.
	if w := th.wait("a@x", "2.2.2.2"); w != start.Add(throttleWindow).Sub(now) {
		t.Errorf("after the limit: wait %s, want %s (e-mail counted case-insensitively, from any address)", w, start.Add(throttleWindow).Sub(now))
	}
	if w := th.wait("b@x", "3.3.3.3"); w != 0 {
		t.Error("another user is blocked")
	}
	now = start.Add(throttleWindow - time.Second)
	if w := th.wait("a@x", "1.1.1.1"); w != time.Second {
		t.Errorf("a second before the window ends: wait %s", w)
	}
	now = start.Add(throttleWindow)
	if w := th.wait("a@x", "1.1.1.1"); w != 0 {
		t.Errorf("still blocked after the window: %s", w)
	}
	th.fail("c@x", "1.1.1.1")
	th.succeed("c@x")
	if _, ok := th.entries["e:c@x"]; ok {
		t.Error("a successful login does not reset the e-mail's count")
	}

	// Per address: many e-mails from one address are blocked there, not elsewhere.
	now = now.Add(time.Hour)
	ipStart := now
	for i := 0; i < maxPerIP; i++ {
		email := "user" + strconv.Itoa(i) + "@x"
		if w := th.wait(email, "9.9.9.9"); w != 0 {
			t.Fatalf("address blocked after %d failures", i)
		}
		th.fail(email, "9.9.9.9")
	}
	now = now.Add(5 * time.Minute)
	if w := th.wait("fresh@x", "9.9.9.9"); w != ipStart.Add(throttleWindow).Sub(now) {
		t.Errorf("address over its limit: wait %s", w)
	}
	if w := th.wait("fresh@x", "8.8.8.8"); w != 0 {
		t.Errorf("another address is blocked: %s", w)
	}
}

func TestCSRFToken(t *testing.T) {
	a, b := csrfToken("secret-one"), csrfToken("secret-two")
	if a == b || len(a) != 64 || csrfToken("secret-one") != a {
		t.Errorf("tokens %q %q", a, b)
	}
	if tokensEqual("", "") || tokensEqual(a, b) || !tokensEqual(a, a) {
		t.Error("tokensEqual")
	}
}
