package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestDirectoryMatchesSQL checks that lists answered by the in-memory directory equal those of
// the SQL reference implementation — items, order and total — for random filters, searches, sorts,
// pages and users, before and after writes.
func TestDirectoryMatchesSQL(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		p := demo.Generate(demo.Options{Customers: 1500, Seed: 11})
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		cs := sqldb.NewCustomerService(db)
		r := rand.New(rand.NewPCG(1, 2))
		var actors []*kam.User
		for _, pu := range p.Users {
			actors = append(actors, &pu.User)
		}
		pick := func(list []string) string {
			if r.IntN(3) > 0 {
				return ""
			}
			return list[r.IntN(len(list))]
		}
		var words []string
		for _, c := range p.Customers[:200] {
			rs := []rune(c.Name)
			i := r.IntN(len(rs) - 1)
			words = append(words, string(rs[i:i+1+r.IntN(min(3, len(rs)-i-1))+1]))
		}
		for _, c := range p.Contacts[:50] {
			words = append(words, string([]rune(c.Name)[:2]))
		}
		words = append(words, "有限", "科技", "hw", "szh", "公司 北京", "!!")
		sorts := append([]string{""}, kam.CustomerSorts...)
		check := func(round int) {
			nonEmpty, searched := 0, 0
			defer func() {
				// The random requests must exercise real answers, not only empty ones.
				if nonEmpty < 40 || searched < 10 {
					t.Errorf("round %d: only %d non-empty answers, %d searches with hits", round, nonEmpty, searched)
				}
			}()
			for i := 0; i < 150; i++ {
				a := actors[r.IntN(len(actors))]
				f := kam.CustomerFilter{
					Status: pick(kam.CustomerStatuses), Stage: pick(kam.LifecycleStages),
					Sort: sorts[r.IntN(len(sorts))], Limit: []int{1, 20, 100, 1000}[r.IntN(4)], Offset: []int{0, 0, 5, 40, 3000}[r.IntN(5)],
				}
				if r.IntN(2) == 0 {
					f.Sort = "-" + f.Sort
					if f.Sort == "-" {
						f.Sort = ""
					}
				}
				if r.IntN(2) == 0 {
					f.Q = words[r.IntN(len(words))]
				}
				if r.IntN(5) == 0 {
					f.Province = p.Customers[r.IntN(len(p.Customers))].Province
				}
				if r.IntN(6) == 0 {
					f.Tag = "战略客户"
				}
				if r.IntN(8) == 0 {
					f.OwnerID = p.Customers[r.IntN(len(p.Customers))].OwnerID
				}
				ctx := kam.WithActor(ctx, kam.ActorOf(a))
				got, gotTotal, err := cs.FindCustomers(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				want, wantTotal, err := cs.FindCustomersSQL(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) > 0 {
					nonEmpty++
					if f.Q != "" {
						searched++
					}
				}
				if gotTotal != wantTotal || ids(got) != ids(want) {
					t.Fatalf("round %d, %s %+v:\n directory %d %s\n sql       %d %s", round, a.Role, f, gotTotal, ids(got), wantTotal, ids(want))
				}
			}
		}
		check(0)
		// Writes through the service: renames, new contacts, owner changes, deletes, creates.
		admin := kam.WithActor(ctx, kam.ActorOf(&p.Users[0].User))
		for i := 0; i < 40; i++ {
			c := p.Customers[r.IntN(len(p.Customers))]
			cur, err := cs.FindCustomerByID(admin, c.ID)
			if err != nil {
				continue // deleted earlier in this loop
			}
			switch i % 5 {
			case 0:
				_, err = cs.UpdateCustomer(admin, c.ID, cur.Version, func(c *kam.Customer) error { c.Name = "改名科技有限公司" + fmt.Sprint(i); return nil })
			case 1:
				err = cs.CreateContact(admin, &kam.Contact{CustomerID: c.ID, Name: "司马光"})
			case 2:
				_, err = cs.UpdateCustomer(admin, c.ID, cur.Version, func(c *kam.Customer) error {
					c.OwnerID = p.Customers[r.IntN(len(p.Customers))].OwnerID
					c.Status = "dormant"
					c.Tags = []string{"战略客户"}
					return nil
				})
			case 3:
				err = cs.DeleteCustomer(admin, c.ID, cur.Version)
			case 4:
				err = cs.CreateCustomer(admin, &kam.Customer{Name: "新建有限公司" + fmt.Sprint(i), OwnerID: cur.OwnerID})
			}
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		words = append(words, "改名", "司马", "新建")
		check(1)
	})
}

func ids(cs []*kam.Customer) string {
	s := ""
	for _, c := range cs {
		s += fmt.Sprint(c.ID, " ")
	}
	return s
}
