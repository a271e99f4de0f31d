package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func categories(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	w, err := db.BeginWriteBehind(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	n, err := w.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A transaction that writes behind sees, at each statement of its own, every write queued before
// it; a read between writes does not wait for them; a failed queued write fails the next statement
// and the commit, and nothing of the transaction is stored.
func TestWriteBehind(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		before := categories(t, db)

		t.Run("statements see the writes queued before them", func(t *testing.T) {
			w, err := db.BeginWriteBehind(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			for i := range 20 {
				if err := w.Later(fmt.Sprintf("wb-order-%02d", i), nil); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := w.Count(); err != nil || n != before+20 {
				t.Fatalf("count = %d, %v; want %d", n, err, before+20)
			}
		})

		t.Run("a read between writes does not wait for them", func(t *testing.T) {
			w, err := db.BeginWriteBehind(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			release := make(chan struct{})
			if err := w.Later("wb-between", release); err != nil {
				t.Fatal(err)
			}
			got := make(chan int, 1)
			go func() {
				n, err := w.CountBetween()
				if err != nil {
					t.Error(err)
				}
				got <- n
			}()
			select {
			case n := <-got:
				if n != before {
					t.Errorf("between a held write: count = %d, want %d", n, before)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the read between writes waited for a queued write")
			}
			close(release)
			if n, err := w.Count(); err != nil || n != before+1 {
				t.Fatalf("after the write: count = %d, %v; want %d", n, err, before+1)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			if n := categories(t, db); n != before+1 {
				t.Fatalf("committed: %d categories, want %d", n, before+1)
			}
			before++
		})

		t.Run("a failed write fails the transaction", func(t *testing.T) {
			w, err := db.BeginWriteBehind(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Rollback()
			// wb-between is stored: writing it again breaks the unique code.
			for _, code := range []string{"wb-fail-1", "wb-between", "wb-fail-2"} {
				if err := w.Later(code, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Exec("UPDATE product_categories SET name = name"); err == nil {
				t.Error("a statement after a failed queued write succeeded")
			}
			if err := w.Later("wb-fail-3", nil); err == nil {
				t.Error("a write queued after a failed one was accepted")
			}
			if err := w.Commit(); err == nil {
				t.Error("the commit of a transaction with a failed queued write succeeded")
			}
			if n := categories(t, db); n != before {
				t.Fatalf("after the failed transaction: %d categories, want %d", n, before)
			}
		})
	})
}
