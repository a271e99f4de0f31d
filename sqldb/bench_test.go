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
	db := sqldbtest.Open(b, sqldb.SQLite)
	p := demo.Generate(demo.Options{Customers: 2000, Seed: 1})
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
