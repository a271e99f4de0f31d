package sqldb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// fixture is a small sales organisation: a director, a supervisor with two reps, a rep of
// another team, and finance.
type fixture struct {
	db                               *sqldb.DB
	users                            *sqldb.UserService
	customers                        *sqldb.CustomerService
	director, sup, rep1, rep2, other *kam.User
	finance                          *kam.User
	clock                            time.Time
}

func as(u *kam.User) context.Context { return kam.WithActor(context.Background(), kam.ActorOf(u)) }

func newFixture(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, users: sqldb.NewUserService(db), customers: sqldb.NewCustomerService(db)}
	f.clock = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return f.clock }
	ctx := kam.WithActor(context.Background(), kam.System)
	mk := func(email, name string, role kam.Role, sup *kam.User) *kam.User {
		u := &kam.User{Email: email, Name: name, Role: role}
		if sup != nil {
			u.SupervisorID = &sup.ID
		}
		if err := f.users.CreateUser(ctx, u, "correct horse battery"); err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	f.director = mk("director@example.com", "总监", kam.RoleDirector, nil)
	f.sup = mk("sup@example.com", "主管", kam.RoleSupervisor, nil)
	f.rep1 = mk("rep1@example.com", "张伟", kam.RoleRep, f.sup)
	f.rep2 = mk("rep2@example.com", "李娜", kam.RoleKAM, f.sup)
	f.other = mk("other@example.com", "王强", kam.RoleRep, nil)
	f.finance = mk("finance@example.com", "财务", kam.RoleFinance, nil)
	return f
}

func (f *fixture) tick(d time.Duration) { f.clock = f.clock.Add(d) }

// forEachListMode runs a test of lists on every dialect twice, each with a fresh database: with
// lists answered in SQL, and with the in-memory directory built first (as kam serve does).
func forEachListMode(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, d := range sqldbtest.Dialects(t) {
		for _, mode := range []string{"sql", "directory"} {
			t.Run(string(d)+"/"+mode, func(t *testing.T) {
				f := newFixture(t, sqldbtest.Open(t, d))
				if mode == "directory" {
					if err := f.customers.Warm(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				fn(t, f)
			})
		}
	}
}

func (f *fixture) create(t *testing.T, owner *kam.User, name string) *kam.Customer {
	t.Helper()
	c := &kam.Customer{Name: name, Status: "active", Stage: "deepen"}
	if err := f.customers.CreateCustomer(as(owner), c); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return c
}

func TestMigrationFoldersAgree(t *testing.T) {
	a, err := sqldb.MigrationNames(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sqldb.MigrationNames(sqldb.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("sqlite has %v, postgres %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, a[i], b[i])
		}
	}
}

func TestCreateCustomer(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.create(t, f.rep1, "深圳华拓电子科技有限公司")
		if c.ID == 0 || c.Code == "" || c.Version != 1 || c.OwnerID != f.rep1.ID {
			t.Fatalf("created %+v", c)
		}
		got, err := f.customers.FindCustomerByID(as(f.rep1), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != c.Name || got.Code != c.Code || !got.CreatedAt.Equal(f.clock) {
			t.Errorf("read back %+v", got)
		}

		cases := []struct {
			name  string
			c     kam.Customer
			actor *kam.User
			code  kam.ErrorCode
			field string
		}{
			{"bad credit code", kam.Customer{Name: "甲", CreditCode: "91350100M000100Y44"}, f.rep1, kam.EInvalid, "credit_code"},
			{"unknown status", kam.Customer{Name: "甲", Status: "vip"}, f.rep1, kam.EInvalid, "status"},
			{"missing name", kam.Customer{}, f.rep1, kam.EInvalid, "name"},
			{"over-long name", kam.Customer{Name: string(make([]rune, 201))}, f.rep1, kam.EInvalid, "name"},
			{"duplicate code", kam.Customer{Name: "乙", Code: c.Code}, f.rep1, kam.EConflict, "code"},
			{"rep assigns another owner", kam.Customer{Name: "丙", OwnerID: f.rep2.ID}, f.rep1, kam.EInvalid, "owner_id"},
			{"supervisor assigns outside team", kam.Customer{Name: "丁", OwnerID: f.other.ID}, f.sup, kam.EInvalid, "owner_id"},
			{"invisible parent", kam.Customer{Name: "戊", ParentID: &c.ID}, f.other, kam.EInvalid, "parent_id"},
			{"finance may not create", kam.Customer{Name: "己"}, f.finance, kam.EForbidden, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := tc.c
				err := f.customers.CreateCustomer(as(tc.actor), &c)
				if kam.ErrorCodeOf(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				if tc.field != "" {
					fe := kam.FieldErrors(err)
					if len(fe) == 0 || fe[0].Field != tc.field {
						t.Fatalf("field errors %+v, want %s", fe, tc.field)
					}
				}
			})
		}
		_, total, err := f.customers.FindCustomers(as(f.director), kam.CustomerFilter{})
		if err != nil || total != 1 {
			t.Fatalf("after rejected creates: total %d, %v", total, err)
		}
		ok := &kam.Customer{Name: "子公司", OwnerID: f.rep2.ID, ParentID: &c.ID, CreditCode: "91350100M000100Y43", Tags: []string{"集团客户"}}
		if err := f.customers.CreateCustomer(as(f.sup), ok); err != nil {
			t.Fatalf("supervisor assigns in team: %v", err)
		}
	})
}

func TestScope(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		c1 := f.create(t, f.rep1, "甲公司")
		c2 := f.create(t, f.rep2, "乙公司")
		c3 := f.create(t, f.other, "丙公司")
		// rep1 joins the account team of c3.
		if _, err := f.customers.UpdateCustomer(as(f.director), c3.ID, c3.Version, func(c *kam.Customer) error {
			c.Team = []kam.TeamMember{{UserID: f.rep1.ID, Role: "sales"}}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			user *kam.User
			sees []int64
		}{
			{f.director, []int64{c1.ID, c2.ID, c3.ID}},
			{f.sup, []int64{c1.ID, c2.ID, c3.ID}}, // c3 through rep1 on its team
			{f.rep1, []int64{c1.ID, c3.ID}},
			{f.rep2, []int64{c2.ID}},
			{f.other, []int64{c3.ID}},
			{f.finance, nil},
		}
		for _, tc := range cases {
			t.Run(tc.user.Email, func(t *testing.T) {
				items, total, err := f.customers.FindCustomers(as(tc.user), kam.CustomerFilter{Sort: "code"})
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, c := range items {
					ids = append(ids, c.ID)
				}
				if total != len(tc.sees) || len(ids) != len(tc.sees) {
					t.Fatalf("sees %v (total %d), want %v", ids, total, tc.sees)
				}
				for i := range ids {
					if ids[i] != tc.sees[i] {
						t.Fatalf("sees %v, want %v", ids, tc.sees)
					}
				}
				for _, c := range []*kam.Customer{c1, c2, c3} {
					_, err := f.customers.FindCustomerByID(as(tc.user), c.ID)
					want := false
					for _, id := range tc.sees {
						want = want || id == c.ID
					}
					if want != (err == nil) || (err != nil && kam.ErrorCodeOf(err) != kam.ENotFound) {
						t.Errorf("customer %d: err %v, visible want %v", c.ID, err, want)
					}
				}
			})
		}
		// Out of scope, a write is a not-found too, and changes nothing.
		if _, err := f.customers.UpdateCustomer(as(f.rep2), c1.ID, 1, func(c *kam.Customer) error { c.Name = "x"; return nil }); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("update out of scope: %v", err)
		}
		if err := f.customers.DeleteCustomer(as(f.rep1), c1.ID, 1); kam.ErrorCodeOf(err) != kam.EForbidden {
			t.Errorf("rep deletes: %v", err)
		}
	})
}

func TestUpdateVersionAndHistory(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.create(t, f.rep1, "华东精密机械有限公司")
		created := f.clock
		f.tick(time.Hour)
		upd, err := f.customers.UpdateCustomer(as(f.rep1), c.ID, 1, func(c *kam.Customer) error {
			c.City = "苏州市"
			c.Tags = []string{"战略客户"}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 2 || upd.City != "苏州市" {
			t.Fatalf("updated %+v", upd)
		}
		// The same edit against the old version is refused and names who changed it.
		_, err = f.customers.UpdateCustomer(as(f.sup), c.ID, 1, func(c *kam.Customer) error { c.City = "无锡市"; return nil })
		if kam.ErrorCodeOf(err) != kam.EPreconditionFailed {
			t.Fatalf("stale update: %v", err)
		}
		if got := kam.ErrorMessage(err); !contains(got, "张伟") {
			t.Errorf("stale message %q does not name the editor", got)
		}
		// An update that changes nothing keeps the version and writes no history.
		same, err := f.customers.UpdateCustomer(as(f.rep1), c.ID, 2, func(c *kam.Customer) error { return nil })
		if err != nil || same.Version != 2 {
			t.Fatalf("no-op update: %v %+v", err, same)
		}
		f.tick(time.Hour)
		unit := &kam.Unit{CustomerID: c.ID, Name: "采购部"}
		if err := f.customers.CreateUnit(as(f.rep1), unit); err != nil {
			t.Fatal(err)
		}
		b, _ := kam.ParseBirthday("农历八月十五")
		contact := &kam.Contact{CustomerID: c.ID, UnitID: &unit.ID, Name: "陈明", Title: "采购经理", PurchaseRole: "decision_maker", Birthday: &b, Phones: []string{"13812345678"}}
		if err := f.customers.CreateContact(as(f.rep1), contact); err != nil {
			t.Fatal(err)
		}
		afterContact := f.clock
		f.tick(time.Hour)
		if _, err := f.customers.UpdateContact(as(f.rep1), contact.ID, 1, func(c *kam.Contact) error { c.Title = "采购总监"; return nil }); err != nil {
			t.Fatal(err)
		}
		f.tick(time.Hour)
		if err := f.customers.DeleteUnit(as(f.rep1), unit.ID, 1); err != nil {
			t.Fatal(err)
		}

		hist, total, err := f.customers.History(as(f.rep1), c.ID, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		// create customer, update customer, create unit, create contact, update contact,
		// detach contact from unit, delete unit.
		if total != 7 || len(hist) != 7 {
			t.Fatalf("history has %d entries (total %d): %+v", len(hist), total, hist)
		}
		if hist[0].Action != "delete" || hist[0].Entity != "unit" || hist[0].EntityName != "采购部" {
			t.Errorf("newest entry %+v", hist[0])
		}
		for _, h := range hist {
			if h.EntityName == "" {
				t.Errorf("change without the name of what changed: %+v", h)
			}
		}
		var cityChange *kam.FieldChange
		for _, h := range hist {
			if h.Entity == "customer" && h.Action == "update" {
				for i := range h.Fields {
					if h.Fields[i].Field == "city" {
						cityChange = &h.Fields[i]
					}
				}
				if h.UserName != "张伟" || !h.At.Equal(created.Add(time.Hour)) {
					t.Errorf("update entry %+v", h)
				}
			}
		}
		if cityChange == nil || string(cityChange.Old.(json.RawMessage)) != `""` || string(cityChange.New.(json.RawMessage)) != `"苏州市"` {
			t.Errorf("city change %+v", cityChange)
		}

		// As of moments: before creation, after creation, after the contact was added.
		if _, err := f.customers.Card(as(f.rep1), c.ID, ptr(created.Add(-time.Second))); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("as of before creation: %v", err)
		}
		card, err := f.customers.Card(as(f.rep1), c.ID, ptr(created))
		if err != nil {
			t.Fatal(err)
		}
		if card.Customer.City != "" || len(card.Customer.Tags) != 0 || card.Customer.Version != 1 || len(card.Units) != 0 || len(card.Contacts) != 0 {
			t.Errorf("as of creation: %+v %+v %+v", card.Customer, card.Units, card.Contacts)
		}
		card, err = f.customers.Card(as(f.rep1), c.ID, ptr(afterContact))
		if err != nil {
			t.Fatal(err)
		}
		if card.Customer.City != "苏州市" || len(card.Units) != 1 || len(card.Contacts) != 1 ||
			card.Contacts[0].Title != "采购经理" || card.Contacts[0].UnitID == nil || *card.Contacts[0].UnitID != unit.ID ||
			card.Contacts[0].Birthday == nil || card.Contacts[0].Birthday.Calendar != "lunar" {
			t.Errorf("as of after contact: %+v units %+v contacts %+v", card.Customer, card.Units, card.Contacts)
		}
		now, err := f.customers.Card(as(f.rep1), c.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(now.Units) != 0 || len(now.Contacts) != 1 || now.Contacts[0].Title != "采购总监" || now.Contacts[0].UnitID != nil {
			t.Errorf("now: units %+v contacts %+v", now.Units, now.Contacts)
		}
	})
}

func TestSearchChinese(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		a := f.create(t, f.rep1, "深圳华拓电子科技有限公司")
		b := f.create(t, f.rep1, "江苏恒瑞精密机械有限公司")
		c := f.create(t, f.rep2, "青岛海信电器股份有限公司")
		if err := f.customers.CreateContact(as(f.rep2), &kam.Contact{CustomerID: c.ID, Name: "欧阳娜娜"}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			q     string
			actor *kam.User
			want  []int64
		}{
			{"科技", f.director, []int64{a.ID}},
			{"有限公司", f.director, []int64{a.ID, b.ID, c.ID}},
			{"精密机械", f.director, []int64{b.ID}},
			{"恒", f.director, []int64{b.ID}},
			{"司", f.director, []int64{a.ID, b.ID, c.ID}},
			{"欧阳", f.director, []int64{c.ID}}, // a contact's name
			{"阳娜", f.director, []int64{c.ID}}, // inside a contact's name
			{"电器 青岛", f.director, []int64{c.ID}},
			{"拓电科", f.director, nil},                          // not a substring
			{"szht", f.director, []int64{a.ID}},               // pinyin initials of the name
			{a.Code, f.director, []int64{a.ID}},               // the code
			{"c00000", f.director, []int64{a.ID, b.ID, c.ID}}, // a code's prefix, any case
			{"有限公司", f.rep2, []int64{c.ID}},                   // scope applies to search and its total
			{"!!", f.director, nil},
		}
		for _, tc := range cases {
			t.Run(tc.q, func(t *testing.T) {
				items, total, err := f.customers.FindCustomers(as(tc.actor), kam.CustomerFilter{Q: tc.q})
				if err != nil {
					t.Fatal(err)
				}
				if total != len(tc.want) || len(items) != len(tc.want) {
					t.Fatalf("found %d (total %d), want %v", len(items), total, tc.want)
				}
				for i, c := range items {
					if c.ID != tc.want[i] {
						t.Fatalf("item %d is %d, want %v", i, c.ID, tc.want)
					}
				}
			})
		}
		// Renaming updates the index.
		if _, err := f.customers.UpdateCustomer(as(f.rep1), a.ID, 1, func(c *kam.Customer) error { c.Name = "深圳华拓半导体有限公司"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := f.customers.FindCustomers(as(f.director), kam.CustomerFilter{Q: "科技"}); total != 0 {
			t.Errorf("old name still found: %d", total)
		}
		if _, total, _ := f.customers.FindCustomers(as(f.director), kam.CustomerFilter{Q: "半导体"}); total != 1 {
			t.Errorf("new name not found: %d", total)
		}
	})
}

func TestListSortFilterPage(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		names := []string{"北京", "阿里", "福州", "Zeta", "成都", "安徽"}
		for i, n := range names {
			c := &kam.Customer{Name: n + "公司", Province: []string{"北京市", "浙江省"}[i%2], Status: []string{"active", "prospect"}[i%2], Tags: []string{"t" + string(rune('a'+i%3))}}
			if err := f.customers.CreateCustomer(as(f.rep1), c); err != nil {
				t.Fatal(err)
			}
			f.tick(time.Minute)
		}
		list := func(fl kam.CustomerFilter) ([]string, int) {
			items, total, err := f.customers.FindCustomers(as(f.director), fl)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range items {
				out = append(out, c.Name)
			}
			return out, total
		}
		// By pinyin: a(li) an(hui) bei(jing) cheng(du) fu(zhou) zeta. (Polyphonic characters such as 长 take their first reading.)
		got, total := list(kam.CustomerFilter{Sort: "name"})
		want := []string{"阿里公司", "安徽公司", "北京公司", "成都公司", "福州公司", "Zeta公司"}
		if total != 6 || !equal(got, want) {
			t.Errorf("by name: %v", got)
		}
		got, _ = list(kam.CustomerFilter{Sort: "-name", Limit: 2, Offset: 1})
		if !equal(got, []string{"福州公司", "成都公司"}) {
			t.Errorf("by name desc, page 2 of 2: %v", got)
		}
		got, total = list(kam.CustomerFilter{Province: "浙江省", Status: "prospect"})
		if total != 3 || len(got) != 3 {
			t.Errorf("filter: %v %d", got, total)
		}
		got, total = list(kam.CustomerFilter{Tag: "ta"})
		if total != 2 {
			t.Errorf("tag: %v %d", got, total)
		}
		if _, _, err := f.customers.FindCustomers(as(f.director), kam.CustomerFilter{Sort: "password"}); kam.ErrorCodeOf(err) != kam.EInvalid {
			t.Errorf("bad sort: %v", err)
		}
	})
}

func TestDeleteCustomer(t *testing.T) {
	forEachListMode(t, func(t *testing.T, f *fixture) {
		group := f.create(t, f.rep1, "海信集团")
		sub := &kam.Customer{Name: "海信电器", ParentID: &group.ID}
		if err := f.customers.CreateCustomer(as(f.rep1), sub); err != nil {
			t.Fatal(err)
		}
		if err := f.customers.CreateContact(as(f.rep1), &kam.Contact{CustomerID: group.ID, Name: "周杰"}); err != nil {
			t.Fatal(err)
		}
		if err := f.customers.DeleteCustomer(as(f.sup), group.ID, 2); kam.ErrorCodeOf(err) != kam.EPreconditionFailed {
			t.Fatalf("stale delete: %v", err)
		}
		if err := f.customers.DeleteCustomer(as(f.sup), group.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := f.customers.FindCustomerByID(as(f.sup), group.ID); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("deleted customer: %v", err)
		}
		got, err := f.customers.FindCustomerByID(as(f.rep1), sub.ID)
		if err != nil || got.ParentID != nil || got.Version != 2 {
			t.Errorf("subsidiary after delete: %+v %v", got, err)
		}
		if _, total, _ := f.customers.FindCustomers(as(f.director), kam.CustomerFilter{Q: "周杰"}); total != 0 {
			t.Errorf("deleted customer still in search")
		}
	})
}

func ptr[T any](v T) *T { return &v }

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
