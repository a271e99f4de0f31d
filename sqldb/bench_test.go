package sqldb_test

import (
	"context"
	"testing"

	"kam"
	"kam/demo"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// BenchmarkCard reads customer cards (customer, team, units, contacts) of a 2,000-customer
// portfolio; the API's GET /customers/{id} is this plus HTTP.
func BenchmarkCard(b *testing.B) {
	for _, d := range sqldbtest.Dialects(b) {
		b.Run(string(d), func(b *testing.B) { benchmarkCard(b, d) })
	}
}

func benchmarkCard(b *testing.B, d sqldb.Dialect) {
	db := sqldbtest.Open(b, d)
	p := demo.Generate(demo.Options{Customers: 2000, Seed: 1, NoLedger: true})
	if err := db.LoadDemo(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	cs := sqldb.NewCustomerService(db)
	ctx := kam.WithActor(context.Background(), kam.ActorOf(&p.Users[0].User))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := cs.Card(ctx, int64(i%2000)+1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListByName pages a director through a 20,000-customer portfolio sorted by name, with
// the total: the directory counts, the database reads the page's rows.
func BenchmarkListByName(b *testing.B) {
	db := sqldbtest.Open(b, sqldb.SQLite)
	p := demo.Generate(demo.Options{Customers: 20000, Seed: 1, NoLedger: true})
	if err := db.LoadDemo(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	cs := sqldb.NewCustomerService(db)
	ctx := kam.WithActor(context.Background(), kam.ActorOf(&p.Users[0].User))
	if err := cs.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := cs.FindCustomers(ctx, kam.CustomerFilter{Sort: "name", Limit: 20, Offset: 20 * (i % 100)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDirectoryBuild builds the customer directory of a 20,000-customer portfolio.
func BenchmarkDirectoryBuild(b *testing.B) {
	db := sqldbtest.Open(b, sqldb.SQLite)
	p := demo.Generate(demo.Options{Customers: 20000, Seed: 1, NoLedger: true})
	if err := db.LoadDemo(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	ctx := kam.WithActor(context.Background(), kam.ActorOf(&p.Users[0].User))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sqldb.NewCustomerService(db).Warm(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
