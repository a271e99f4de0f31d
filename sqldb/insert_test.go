package sqldb_test

import (
	"context"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// Bulk writes of every size prepare a bounded set of statements: the full one and one per power
// of two below it, however many different sizes the batches have (each of the hundreds of sizes
// of a large import's batches held its own prepared statement until the commit).
func TestInsertManyPreparesBoundedStatements(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var sizes []int
		total := 0
		for n := 1; n <= 300; n++ {
			sizes = append(sizes, n)
			total += n
		}
		prepared, n, err := db.InsertCategoriesInBatches(ctx, sizes, 50)
		if err != nil {
			t.Fatal(err)
		}
		// 50, 32, 16, 8, 4, 2, 1
		if prepared > 7 {
			t.Errorf("%d statements prepared for batches of 1 to 300 rows at 50 a statement, want at most 7", prepared)
		}
		if n != total {
			t.Errorf("%d categories written, want %d", n, total)
		}
	})
}
