package sqldb_test

import (
	"context"
	"github.com/google/go-cmp/cmp"
	"testing"
	"time"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func TestLoadDemo(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := demo.Generate(demo.Options{Customers: 400, Seed: 3, NoLedger: true})
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadDemo(ctx, p); kam.ErrorCodeOf(err) != kam.EConflict {
			t.Fatalf("second load: %v", err)
		}
		users := sqldb.NewUserService(db)
		customers := sqldb.NewCustomerService(db)
		admin, err := users.Authenticate(ctx, p.Users[0].User.Email, demo.Password)
		if err != nil {
			t.Fatalf("demo admin login: %v", err)
		}
		_, total, err := customers.FindCustomers(as(admin), kam.CustomerFilter{})
		if err != nil || total != 400 {
			t.Fatalf("admin sees %d customers: %v", total, err)
		}
		// A rep sees exactly the customers they own or are on the team of.
		var rep *kam.User
		for _, pu := range p.Users {
			if pu.User.Role == kam.RoleRep {
				rep = &pu.User
				break
			}
		}
		want := 0
		for _, c := range p.Customers {
			on := c.OwnerID == rep.ID
			for _, m := range c.Team {
				on = on || m.UserID == rep.ID
			}
			if on {
				want++
			}
		}
		if _, got, err := customers.FindCustomers(as(rep), kam.CustomerFilter{}); err != nil || got != want {
			t.Fatalf("rep sees %d, want %d (%v)", got, want, err)
		}
		// Search finds a customer by a two-character substring of its name, and by a contact.
		c := p.Customers[17]
		sub := string([]rune(c.Name)[2:4])
		items, _, err := customers.FindCustomers(as(admin), kam.CustomerFilter{Q: sub, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			found = found || it.ID == c.ID
		}
		if !found {
			t.Errorf("searching %q did not find %s", sub, c.Name)
		}
		// New records continue after the loaded ids.
		nc := &kam.Customer{Name: "新客户有限公司"}
		if err := customers.CreateCustomer(as(admin), nc); err != nil {
			t.Fatal(err)
		}
		if nc.ID != int64(len(p.Customers)+1) {
			t.Errorf("new customer id %d", nc.ID)
		}
		// A loaded card did not exist before it was loaded.
		if _, err := customers.Card(as(admin), c.ID, ptr(time.Now().Add(-time.Hour))); kam.ErrorCodeOf(err) != kam.ENotFound {
			t.Errorf("as of before load: %v", err)
		}
	})
}

// TestCardPipelined checks that PostgreSQL's pipelined card read equals the plain one, and that
// scope still hides a card.
func TestCardPipelined(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		if d != sqldb.Postgres {
			continue // pipelining is PostgreSQL's
		}
		db := sqldbtest.Open(t, d)
		p := demo.Generate(demo.Options{Customers: 150, Seed: 5, NoLedger: true})
		if err := db.LoadDemo(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		cs := sqldb.NewCustomerService(db)
		ctx := as(&p.Users[0].User)
		for _, c := range p.Customers {
			one, three, err := cs.CardBothWays(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(three, one); diff != "" {
				t.Fatalf("customer %d: pipelined card differs (-plain +pipelined):\n%s", c.ID, diff)
			}
		}
		var rep *kam.User
		for i := range p.Users {
			if p.Users[i].User.Role == kam.RoleRep {
				rep = &p.Users[i].User
				break
			}
		}
		for _, c := range p.Customers {
			if c.OwnerID == rep.ID || len(c.Team) > 0 {
				continue
			}
			if _, err := cs.Card(as(rep), c.ID, nil); kam.ErrorCodeOf(err) != kam.ENotFound {
				t.Fatalf("rep reads customer %d of another: %v", c.ID, err)
			}
			break
		}
	}
}
