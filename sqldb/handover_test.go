package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// handoverOrg is a small sales organisation: two supervisors with their reps, and files.
type handoverOrg struct {
	users     *sqldb.UserService
	customers *sqldb.CustomerService
	handover  *sqldb.HandoverService
	ids       map[string]int64
	actors    map[string]*kam.Actor
}

func newHandoverOrg(t *testing.T, db *sqldb.DB) *handoverOrg {
	t.Helper()
	o := &handoverOrg{users: sqldb.NewUserService(db), customers: sqldb.NewCustomerService(db), ids: map[string]int64{}, actors: map[string]*kam.Actor{}}
	o.handover = sqldb.NewHandoverService(db, o.customers, o.users)
	ctx := kam.WithActor(context.Background(), kam.System)
	for _, u := range []struct {
		key  string
		role kam.Role
		sup  string
	}{{"admin", kam.RoleAdmin, ""}, {"director", kam.RoleDirector, ""}, {"sup", kam.RoleSupervisor, ""}, {"sup2", kam.RoleSupervisor, ""},
		{"rep1", kam.RoleRep, "sup"}, {"rep2", kam.RoleRep, "sup"}, {"rep3", kam.RoleKAM, "sup"}, {"rep4", kam.RoleRep, "sup2"},
		{"gone", kam.RoleRep, "sup"}, {"finance", kam.RoleFinance, "sup"}} {
		nu := &kam.User{Email: u.key + "@example.com", Name: u.key, Role: u.role}
		if u.sup != "" {
			id := o.ids[u.sup]
			nu.SupervisorID = &id
		}
		if err := o.users.CreateUser(ctx, nu, "a long passphrase"); err != nil {
			t.Fatal(err)
		}
		o.ids[u.key], o.actors[u.key] = nu.ID, kam.ActorOf(nu)
	}
	gone, _ := o.users.FindUserByID(ctx, o.ids["gone"])
	if _, err := o.users.UpdateUser(ctx, gone.ID, gone.Version, func(u *kam.User) error { u.Active = false; return nil }); err != nil {
		t.Fatal(err)
	}
	// rep1 owns c1 … c5, serves on c6 (owned by rep2) and on c7 (owned by rep2, with rep2 and
	// rep3 on its team too); c8 is rep4's and stays.
	for i, c := range []struct {
		owner string
		team  []kam.TeamMember
	}{{"rep1", nil}, {"rep1", []kam.TeamMember{{UserID: o.ids["finance"], Role: "finance"}}}, {"rep1", nil}, {"rep1", nil}, {"rep1", nil},
		{"rep2", []kam.TeamMember{{UserID: o.ids["rep1"], Role: "sales"}}},
		{"rep2", []kam.TeamMember{{UserID: o.ids["rep1"], Role: "kam"}, {UserID: o.ids["rep2"], Role: "sales"}, {UserID: o.ids["rep3"], Role: "service"}}},
		{"rep4", nil}} {
		cu := &kam.Customer{Name: fmt.Sprintf("客户%d有限公司", i+1), Status: "active", Stage: "deepen", Team: c.team}
		if err := o.customers.CreateCustomer(kam.WithActor(ctx, o.actors[c.owner]), cu); err != nil {
			t.Fatal(err)
		}
		o.ids[fmt.Sprintf("c%d", i+1)] = cu.ID
	}
	return o
}

func (o *handoverOrg) as(key string) context.Context {
	return kam.WithActor(context.Background(), o.actors[key])
}

func (o *handoverOrg) customer(t *testing.T, key string) *kam.Customer {
	t.Helper()
	c, err := o.customers.FindCustomerByID(kam.WithActor(context.Background(), kam.System), o.ids[key])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHandover(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		o := newHandoverOrg(t, db)
		session, err := o.users.CreateSession(o.as("rep1"), o.ids["rep1"])
		if err != nil {
			t.Fatal(err)
		}
		_, token, err := o.users.CreateToken(o.as("rep1"), kam.NewToken{UserID: o.ids["rep1"]})
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		res, err := o.handover.HandOver(o.as("sup"), kam.Handover{FromID: o.ids["rep1"], To: []int64{o.ids["rep2"], o.ids["rep3"]}, Deactivate: true})
		if err != nil {
			t.Fatal(err)
		}
		want := &kam.HandoverResult{FromID: o.ids["rep1"], Customers: 5, Teams: 2, Deactivated: true, Shares: []kam.HandoverShare{
			{UserID: o.ids["rep2"], Customers: 3, Teams: 1}, {UserID: o.ids["rep3"], Customers: 2, Teams: 1}}}
		if fmt.Sprint(res) != fmt.Sprint(want) {
			t.Errorf("result %+v, want %+v", res, want)
		}
		// Round-robin in code order: c1 rep2, c2 rep3, c3 rep2, c4 rep3, c5 rep2; c6 (team only)
		// to rep3, c7 to rep2, who is on its team already.
		for key, owner := range map[string]string{"c1": "rep2", "c2": "rep3", "c3": "rep2", "c4": "rep3", "c5": "rep2", "c6": "rep2", "c7": "rep2", "c8": "rep4"} {
			if c := o.customer(t, key); c.OwnerID != o.ids[owner] {
				t.Errorf("%s owned by %d, want %s", key, c.OwnerID, owner)
			}
		}
		if c := o.customer(t, "c2"); fmt.Sprint(c.Team) != fmt.Sprint([]kam.TeamMember{{UserID: o.ids["finance"], Role: "finance"}}) {
			t.Errorf("c2 team %+v", c.Team)
		}
		if c := o.customer(t, "c6"); fmt.Sprint(c.Team) != fmt.Sprint([]kam.TeamMember{{UserID: o.ids["rep3"], Role: "sales"}}) {
			t.Errorf("c6 team %+v: rep1's membership should be rep3's", c.Team)
		}
		if c := o.customer(t, "c7"); fmt.Sprint(c.Team) != fmt.Sprint([]kam.TeamMember{{UserID: o.ids["rep2"], Role: "sales"}, {UserID: o.ids["rep3"], Role: "service"}}) {
			t.Errorf("c7 team %+v", c.Team)
		}
		// The leaving user owns nothing and serves nowhere; their files are visible to the receiver.
		list, total, err := o.customers.FindCustomers(o.as("rep3"), kam.CustomerFilter{Limit: 100})
		if err != nil || total != 4 {
			t.Errorf("rep3 sees %d files (%v), want c2, c4, c6, c7", total, err)
		}
		_ = list
		// Each file's history names the change, by the supervisor, at the handover's time.
		hist, _, err := o.customers.History(kam.WithActor(context.Background(), kam.System), o.ids["c1"], 10, 0)
		if err != nil || len(hist) != 2 || hist[0].Action != "update" || hist[0].UserID != o.ids["sup"] || !hist[0].At.Equal(clock) ||
			len(hist[0].Fields) != 1 || hist[0].Fields[0].Field != "owner_id" ||
			jsonOf(hist[0].Fields[0].Old) != fmt.Sprint(o.ids["rep1"]) || jsonOf(hist[0].Fields[0].New) != fmt.Sprint(o.ids["rep2"]) {
			b, _ := json.Marshal(hist)
			t.Errorf("c1 history %s %v", b, err)
		}
		if hist, _, _ := o.customers.History(kam.WithActor(context.Background(), kam.System), o.ids["c6"], 10, 0); len(hist) != 2 || hist[0].Fields[0].Field != "team" {
			t.Errorf("c6 history %+v", hist)
		}
		// As of before the handover, c1 was rep1's.
		before := clock.Add(-time.Minute)
		if card, err := o.customers.Card(kam.WithActor(context.Background(), kam.System), o.ids["c1"], &before); err != nil || card.Customer.OwnerID != o.ids["rep1"] {
			t.Errorf("c1 as of before the handover: %v", err)
		}
		// Deactivated: no session, no token, no login.
		if u, _ := o.users.FindUserByID(o.as("sup"), o.ids["rep1"]); u.Active {
			t.Error("rep1 still active")
		}
		if _, err := o.users.SessionUser(context.Background(), session); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("session after deactivation: %v", err)
		}
		if _, _, err := o.users.TokenUser(context.Background(), token); kam.ErrorCodeOf(err) != kam.EUnauthorized {
			t.Errorf("token after deactivation: %v", err)
		}
		// A second handover finds nothing left.
		res, err = o.handover.HandOver(o.as("director"), kam.Handover{FromID: o.ids["rep1"], To: []int64{o.ids["rep2"]}})
		if err != nil || res.Customers != 0 || res.Teams != 0 || res.Deactivated {
			t.Errorf("second handover %+v %v", res, err)
		}
	})
}

func TestHandoverBadInput(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		o := newHandoverOrg(t, db)
		id := o.ids
		for _, c := range []struct {
			name  string
			actor string
			h     kam.Handover
			code  kam.ErrorCode
			field string
		}{
			{"a rep", "rep2", kam.Handover{FromID: id["rep1"], To: []int64{id["rep2"]}}, kam.EForbidden, ""},
			{"finance", "finance", kam.Handover{FromID: id["rep1"], To: []int64{id["rep2"]}}, kam.EForbidden, ""},
			{"unknown leaving user", "admin", kam.Handover{FromID: 99999, To: []int64{id["rep2"]}}, kam.ENotFound, ""},
			{"no receiver", "sup", kam.Handover{FromID: id["rep1"]}, kam.EInvalid, "to"},
			{"to the leaving user", "sup", kam.Handover{FromID: id["rep1"], To: []int64{id["rep2"], id["rep1"]}}, kam.EInvalid, "to[1]"},
			{"unknown receiver", "sup", kam.Handover{FromID: id["rep1"], To: []int64{99999}}, kam.EInvalid, "to[0]"},
			{"inactive receiver", "sup", kam.Handover{FromID: id["rep1"], To: []int64{id["gone"]}}, kam.EInvalid, "to[0]"},
			{"receiver who cannot own files", "director", kam.Handover{FromID: id["rep1"], To: []int64{id["finance"]}}, kam.EInvalid, "to[0]"},
			{"twice the same receiver", "sup", kam.Handover{FromID: id["rep1"], To: []int64{id["rep2"], id["rep2"]}}, kam.EInvalid, "to[1]"},
			{"leaving user outside the team", "sup2", kam.Handover{FromID: id["rep1"], To: []int64{id["rep4"]}}, kam.EForbidden, "id"},
			{"receiver outside the team", "sup", kam.Handover{FromID: id["rep1"], To: []int64{id["rep2"], id["rep4"]}}, kam.EForbidden, "to[1]"},
			{"a supervisor's own supervisor-less peer", "sup", kam.Handover{FromID: id["sup2"], To: []int64{id["rep2"]}}, kam.EForbidden, "id"},
		} {
			_, err := o.handover.HandOver(o.as(c.actor), c.h)
			fe := kam.FieldErrors(err)
			if kam.ErrorCodeOf(err) != c.code || (c.field != "" && (len(fe) != 1 || fe[0].Field != c.field)) {
				t.Errorf("%s: %v (fields %+v), want %s on %q", c.name, err, fe, c.code, c.field)
			}
		}
		// Nothing changed.
		for _, key := range []string{"c1", "c2", "c3", "c4", "c5"} {
			if c := o.customer(t, key); c.OwnerID != id["rep1"] || c.Version != 1 {
				t.Errorf("%s changed by a refused handover: owner %d version %d", key, c.OwnerID, c.Version)
			}
		}
		if u, _ := o.users.FindUserByID(o.as("admin"), id["rep1"]); !u.Active {
			t.Error("rep1 deactivated by a refused handover")
		}
		// A supervisor may take the files over themselves; a director hands over anyone's.
		if res, err := o.handover.HandOver(o.as("sup"), kam.Handover{FromID: id["rep1"], To: []int64{id["sup"]}}); err != nil || res.Customers != 5 {
			t.Errorf("supervisor takes over: %+v %v", res, err)
		}
		if res, err := o.handover.HandOver(o.as("director"), kam.Handover{FromID: id["rep4"], To: []int64{id["rep2"]}}); err != nil || res.Customers != 1 {
			t.Errorf("director hands over across teams: %+v %v", res, err)
		}
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestHandoverMovesGrants: the leaving user's live grant goes to the first receiver, who then sees
// the borrowed file and the leaver no longer does; a refused request stays with the person it was
// refused to; the moved grant still ends at its expiry.
func TestHandoverMovesGrants(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		o := newHandoverOrg(t, db)
		borrow := sqldb.NewBorrowService(db, o.customers)
		ask := func(who, file string) *kam.BorrowRequest {
			t.Helper()
			r, err := borrow.RequestBorrow(o.as(who), o.ids[file], "", kam.BorrowInput{Reason: "联合拜访", Days: 3})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// c8 is rep4's (supervisor sup2): rep1 borrows it (approved); "gone" asked and was refused.
		live := ask("rep1", "c8")
		if _, err := borrow.ApproveBorrow(o.as("sup2"), live.ID, ""); err != nil {
			t.Fatal(err)
		}
		refused := ask("gone", "c8")
		if _, err := borrow.RefuseBorrow(o.as("sup2"), refused.ID, "不需要"); err != nil {
			t.Fatal(err)
		}
		if _, err := o.customers.FindCustomerByID(o.as("rep2"), o.ids["c8"]); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Fatalf("rep2 sees c8 before the handover: %v", err)
		}
		res, err := o.handover.HandOver(o.as("sup"), kam.Handover{FromID: o.ids["rep1"], To: []int64{o.ids["rep2"], o.ids["rep3"]}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Grants != 1 {
			t.Errorf("%d grants moved, want 1", res.Grants)
		}
		if _, err := o.customers.FindCustomerByID(o.as("rep2"), o.ids["c8"]); err != nil {
			t.Errorf("rep2 does not see c8 through the grant that moved: %v", err)
		}
		if _, err := o.customers.FindCustomerByID(o.as("rep1"), o.ids["c8"]); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("rep1 still sees c8: %v", err)
		}
		res, err = o.handover.HandOver(o.as("sup"), kam.Handover{FromID: o.ids["gone"], To: []int64{o.ids["rep2"]}})
		if err != nil || res.Grants != 0 {
			t.Errorf("the refused request moved: %+v %v", res, err)
		}
		// Expired grants stay too.
		clock = clock.Add(4 * 24 * time.Hour)
		if _, err := o.customers.FindCustomerByID(o.as("rep2"), o.ids["c8"]); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("rep2 sees c8 after the grant expired: %v", err)
		}
	})
}
