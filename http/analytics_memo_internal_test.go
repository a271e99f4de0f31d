package kamhttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kam"
	"kam/importer"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// The memo answers a result while its inputs stay the same, and computes again after any write to
// the rollups, the customer files or the settings; narrower scopes are never memoized.
func TestAnalyticsMemoFollowsTheInputs(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		customers := sqldb.NewCustomerService(db)
		ledger := sqldb.NewLedgerService(db, customers)
		s := &Server{Ledger: ledger}
		owner := &kam.User{Email: "director@kam.example", Name: "总监", Role: kam.RoleDirector, Active: true}
		if err := sqldb.NewUserService(db).CreateUser(kam.WithActor(context.Background(), kam.System), owner, ""); err != nil {
			t.Fatal(err)
		}
		ctx := kam.WithActor(context.Background(), kam.ActorOf(owner))
		importOrders := func(content string) {
			t.Helper()
			path := filepath.Join(t.TempDir(), "orders.csv")
			if err := os.WriteFile(path, []byte("order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,unit_cost\n"+content), 0o600); err != nil {
				t.Fatal(err)
			}
			sum, err := importer.Run(ctx, ledger, path, importer.RunOptions{Kind: "orders"})
			if err != nil || sum.Rejected > 0 || !sum.Written {
				t.Fatalf("import: %v, %+v", err, sum)
			}
		}
		revenue := func() kam.Money {
			t.Helper()
			figures, err := s.figuresOf(ctx, "2015-01", "2015-12")
			if err != nil {
				t.Fatal(err)
			}
			var total kam.Money
			for _, f := range figures {
				total += f.NetRevenue
			}
			return total
		}
		var calls atomic.Int64
		probe := func(c context.Context) int64 {
			t.Helper()
			v, err := memoized(s, c, "probe", func(ctx context.Context) (int64, error) { return calls.Add(1), nil })
			if err != nil {
				t.Fatal(err)
			}
			return v
		}

		importOrders("M-1,2015-03-01,M001,甲公司,MP-1,产品,类,2,100.00,60\nM-2,2015-04-01,M002,乙公司,MP-1,产品,类,1,50.00,30\n")
		if got := revenue(); got != kam.Money(250_0000) {
			t.Fatalf("revenue %s, want 250", got)
		}
		if a, b := probe(ctx), probe(ctx); a != 1 || b != 1 {
			t.Fatalf("unchanged inputs computed again: %d then %d", a, b)
		}

		steps := []struct {
			name  string
			write func()
		}{
			{"an imported order", func() { importOrders("M-3,2015-05-01,M001,甲公司,MP-1,产品,类,1,1000.00,1\n") }},
			{"saved settings", func() {
				set := kam.DefaultAnalyticsSettings()
				set.ABCA = "0.7000"
				if err := ledger.SaveAnalyticsSettings(ctx, set); err != nil {
					t.Fatal(err)
				}
			}},
			{"a new classification run", func() {
				if err := ledger.SaveClassification(ctx, &kam.ClassificationRun{From: "2015-01", To: "2015-12", Source: "manual"}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a new customer file", func() {
				if err := customers.CreateCustomer(ctx, &kam.Customer{Name: "丙公司", OwnerID: owner.ID}); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for i, st := range steps {
			st.write()
			if got := probe(ctx); got != int64(i+2) {
				t.Fatalf("after %s: result of computation %d, want a new one (%d)", st.name, got, i+2)
			}
		}
		if got := revenue(); got != kam.Money(1250_0000) {
			t.Fatalf("revenue after the third order %s, want 1250", got)
		}

		// Concurrent callers of a new key share one computation.
		var slow atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				memoized(s, ctx, "slow", func(ctx context.Context) (int, error) {
					slow.Add(1)
					time.Sleep(50 * time.Millisecond)
					return 1, nil
				})
			}()
		}
		wg.Wait()
		if n := slow.Load(); n != 1 {
			t.Errorf("8 concurrent callers computed %d times, want once", n)
		}

		// A caller that gives up does not abandon the computation: the next caller gets its result.
		var long atomic.Int64
		gone, cancel := context.WithCancel(ctx)
		started := make(chan struct{})
		release := make(chan struct{})
		go func() {
			<-started
			cancel()
			close(release)
		}()
		_, err := memoized(s, gone, "long", func(c context.Context) (int, error) {
			long.Add(1)
			close(started)
			<-release
			time.Sleep(20 * time.Millisecond)
			return 42, c.Err() // the computation's context is not cancelled with the caller's
		})
		if err == nil {
			t.Error("the cancelled caller got no error")
		}
		if v, err := memoized(s, ctx, "long", func(context.Context) (int, error) { long.Add(1); return 0, nil }); err != nil || v != 42 || long.Load() != 1 {
			t.Errorf("after the first caller gave up: %d, %v, %d computations; want 42 from one", v, err, long.Load())
		}

		// A rep's figures depend on ownership and grants: computed every time.
		rep := kam.WithActor(context.Background(), &kam.Actor{UserID: 99, Role: kam.RoleRep})
		before := calls.Load()
		probe(rep)
		probe(rep)
		if n := calls.Load() - before; n != 2 {
			t.Errorf("a rep's results computed %d times for 2 calls, want 2", n)
		}

		// A reading request sees one generation: a write while it runs does not change the results
		// it gets, the next request gets new ones.
		requestAs := func(base context.Context) context.Context {
			var got context.Context
			withRequestMemo(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Context() })).
				ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil).WithContext(base))
			return got
		}
		request := func() context.Context { return requestAs(ctx) }
		first := request()
		a := probe(first)
		importOrders("M-4,2015-06-01,M002,乙公司,MP-1,产品,类,1,10.00,1\n")
		if b := probe(first); b != a {
			t.Errorf("a write during a request changed its result: %d, then %d", a, b)
		}
		if b := probe(request()); b == a || b != calls.Load() {
			t.Errorf("the next request after a write got result %d, want a new one (%d)", b, calls.Load())
		}

		// Within one request, a rep's result is computed once; the next request computes it again.
		repRequest := requestAs(rep)
		before = calls.Load()
		if a, b := probe(repRequest), probe(repRequest); a != b || calls.Load()-before != 1 {
			t.Errorf("one request of a rep got %d and %d, %d computations; want one", a, b, calls.Load()-before)
		}
		if c := probe(requestAs(rep)); c != calls.Load() || calls.Load()-before != 2 {
			t.Errorf("the rep's next request got %d after %d computations; want a new one", c, calls.Load()-before)
		}

		// The memo is bounded: the least recently used results go first.
		kept := probe(ctx)
		for i := range memoEntries + 1 {
			memoized(s, ctx, "fill "+string(rune('a'+i)), func(ctx context.Context) (int, error) { return i, nil })
			if i%8 == 0 {
				probe(ctx) // used again and again: kept
			}
		}
		if len(s.memo.entries) > memoEntries || len(s.memo.order) > memoEntries {
			t.Errorf("memo holds %d entries, bound %d", len(s.memo.entries), memoEntries)
		}
		if got := probe(ctx); got != kept {
			t.Errorf("a result used all along was dropped: computation %d, then %d", kept, got)
		}
	})
}
