package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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
		p := demo.Generate(demo.Options{Customers: 1500, Seed: 11, NoLedger: true})
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
				got, gotTotal, err := cs.FindCustomersDirectory(ctx, f)
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

// TestDirectorySeesOtherProcesses checks that a list served by one KAM process reflects writes
// made by another process on the same database (two services over two connections stand in for
// two processes): the directory follows the change log, not only its own writes.
func TestDirectorySeesOtherProcesses(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := sqldbtest.DSN(t, d)
			open := func() *sqldb.DB {
				db, err := sqldb.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}
			one, two := open(), open()
			one.DirectoryPoll = 0 // look at the change log before every list
			if err := one.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			p := demo.Generate(demo.Options{Customers: 50, Seed: 8, NoLedger: true})
			if err := one.LoadDemo(ctx, p); err != nil {
				t.Fatal(err)
			}
			reader, writer := sqldb.NewCustomerService(one), sqldb.NewCustomerService(two)
			if err := reader.Warm(ctx); err != nil {
				t.Fatal(err)
			}
			admin := kam.WithActor(ctx, kam.ActorOf(&p.Users[0].User))
			count := func(q string) int {
				_, n, err := reader.FindCustomers(admin, kam.CustomerFilter{Q: q})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := count(""); n != 50 {
				t.Fatalf("before: %d", n)
			}
			c := &kam.Customer{Name: "远方新材料有限公司"}
			if err := writer.CreateCustomer(admin, c); err != nil {
				t.Fatal(err)
			}
			if n := count("远方新材"); n != 1 {
				t.Errorf("created elsewhere: found %d", n)
			}
			if _, err := writer.UpdateCustomer(admin, c.ID, c.Version, func(c *kam.Customer) error { c.Name = "近邻新材料有限公司"; return nil }); err != nil {
				t.Fatal(err)
			}
			if count("远方") != 0 || count("近邻") != 1 {
				t.Errorf("renamed elsewhere: old %d new %d", count("远方"), count("近邻"))
			}
			if err := writer.DeleteCustomer(admin, c.ID, c.Version+1); err != nil {
				t.Fatal(err)
			}
			if n := count(""); n != 50 {
				t.Errorf("deleted elsewhere: %d", n)
			}
			// With the default poll, another process's write shows within DirectoryPoll.
			one.DirectoryPoll = 50 * time.Millisecond
			count("")
			if err := writer.CreateCustomer(admin, &kam.Customer{Name: "稍后可见有限公司"}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(60 * time.Millisecond)
			if n := count("稍后可见"); n != 1 {
				t.Errorf("a write elsewhere not seen after the poll interval: %d", n)
			}
		})
	}
}

// TestDirectoryLateCommit: on PostgreSQL a transaction may commit a change with a lower id after
// a change with a higher id was already seen; the directory must still pick it up.
func TestDirectoryLateCommit(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		if d != sqldb.Postgres {
			continue // SQLite has one writer: ids commit in order
		}
		ctx := context.Background()
		dsn := sqldbtest.DSN(t, d)
		db, err := sqldb.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		p := demo.Generate(demo.Options{Customers: 20, Seed: 9, NoLedger: true})
		if err := db.LoadDemo(ctx, p); err != nil {
			t.Fatal(err)
		}
		cs := sqldb.NewCustomerService(db)
		if err := cs.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		admin := kam.WithActor(ctx, kam.ActorOf(&p.Users[0].User))
		count := func(q string) int {
			_, n, err := cs.FindCustomers(admin, kam.CustomerFilter{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		count("") // the directory is built
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		// A slow writer draws its change id first …
		slow, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer slow.Rollback()
		if _, err := slow.Exec(`UPDATE customers SET name = '晚到的名字有限公司', version = version + 1 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := slow.Exec(`INSERT INTO changes (customer_id, entity, entity_id, action, version, user_id, at, fields, snapshot)
			VALUES (1, 'customer', 1, 'update', 2, 1, now(), '[]', '{}')`); err != nil {
			t.Fatal(err)
		}
		// … a fast one commits after it with a higher id, and a list sees that …
		c := &kam.Customer{Name: "早到的名字有限公司"}
		if err := cs.CreateCustomer(admin, c); err != nil {
			t.Fatal(err)
		}
		if count("早到") != 1 || count("晚到") != 0 {
			t.Fatalf("before the slow commit: %d %d", count("早到"), count("晚到"))
		}
		// … then the slow one commits: its lower id must not be skipped.
		if err := slow.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := cs.CreateCustomer(admin, &kam.Customer{Name: "第三家公司"}); err != nil { // moves the top id on
			t.Fatal(err)
		}
		if n := count("晚到"); n != 1 {
			t.Errorf("a change committed late was missed: %d", n)
		}
	}
}
