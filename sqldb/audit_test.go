package sqldb_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"kam"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

func newAuditLog(t *testing.T, db *sqldb.DB) *sqldb.AuditLog {
	t.Helper()
	l := sqldb.NewAuditLog(db)
	t.Cleanup(func() { l.Close() })
	return l
}

func record(t *testing.T, l *sqldb.AuditLog, e *kam.AuditEntry) {
	t.Helper()
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

func verifyClean(t *testing.T, l *sqldb.AuditLog, entries int64) {
	t.Helper()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.Entries != entries || rep.HeadID != entries || rep.LastID != entries {
		t.Fatalf("verify: %d entries, last %d, head %d, problems %v; want %d entries and none", rep.Entries, rep.LastID, rep.HeadID, rep.Problems, entries)
	}
}

func TestAuditChain(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 5, 1, 2, 0, 0, 123456789, time.UTC)
		db.Now = func() time.Time { return clock }
		l := newAuditLog(t, db)
		verifyClean(t, l, 0)
		cust := int64(42)
		first := &kam.AuditEntry{ActorID: 7, ActorEmail: "li.na@example.com", Action: kam.AuditCustomerView, ObjectType: "customer",
			ObjectID: 42, CustomerID: &cust, Detail: map[string]any{"as_of": "2026-03-01", "rows": 9007199254740993}, RemoteAddr: "10.0.0.9"}
		record(t, l, first)
		if first.ID != 1 || first.PrevHash != "" || len(first.Hash) != 64 || !first.At.Equal(clock.Truncate(time.Microsecond)) {
			t.Fatalf("first entry: %+v", first)
		}
		second := &kam.AuditEntry{Action: kam.AuditLoginFailure, ObjectType: "user", ActorEmail: "nobody@example.com"}
		record(t, l, second)
		if second.ID != 2 || second.PrevHash != first.Hash || second.Hash == first.Hash {
			t.Fatalf("second entry does not chain: %+v", second)
		}
		verifyClean(t, l, 2)

		got, total, err := l.FindAudit(context.Background(), kam.AuditFilter{})
		if err != nil || total != 2 || len(got) != 2 {
			t.Fatalf("find: %v %d %d", err, total, len(got))
		}
		if got[0].ID != 2 || got[1].ID != 1 {
			t.Errorf("not newest first: %d, %d", got[0].ID, got[1].ID)
		}
		e := got[1]
		if e.ActorID != 7 || e.ActorEmail != "li.na@example.com" || e.Action != kam.AuditCustomerView || e.ObjectType != "customer" ||
			e.ObjectID != 42 || e.CustomerID == nil || *e.CustomerID != 42 || e.RemoteAddr != "10.0.0.9" || e.Hash != first.Hash ||
			!e.At.Equal(first.At) {
			t.Errorf("stored entry: %+v", e)
		}
		if fmt.Sprint(e.Detail["rows"]) != "9007199254740993" || e.Detail["as_of"] != "2026-03-01" {
			t.Errorf("detail not kept exactly: %v", e.Detail)
		}
		if got[0].CustomerID != nil || got[0].Detail != nil {
			t.Errorf("entry without customer or detail: %+v", got[0])
		}
		if err := l.Record(context.Background(), &kam.AuditEntry{ObjectType: "user"}); err == nil {
			t.Error("an entry without an action was recorded")
		}
	})
}

func TestAuditAppendOnly(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			db, err := sqldb.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			l := newAuditLog(t, db)
			record(t, l, &kam.AuditEntry{Action: kam.AuditExport, ObjectType: "export"})
			raw := sqldbtest.RawAudit(t, dsn)
			for _, q := range []string{"UPDATE audit_log SET actor_email = 'x' WHERE id = 1", "DELETE FROM audit_log WHERE id = 1"} {
				if _, err := raw.Exec(q); err == nil {
					t.Errorf("%s: the database allowed it", q)
				}
			}
			verifyClean(t, l, 1)
		})
	}
}

// TestAuditGroupCommit records from many goroutines at once: every entry is stored once, the
// chain holds, and entries waiting together share commits.
func TestAuditGroupCommit(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		l := newAuditLog(t, db)
		const workers, each = 32, 25
		var wg sync.WaitGroup
		ids := make(chan int64, workers*each)
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					e := &kam.AuditEntry{ActorID: int64(w + 1), Action: kam.AuditCustomerView, ObjectType: "customer", ObjectID: int64(i)}
					if err := l.Record(context.Background(), e); err != nil {
						errs <- err
						return
					}
					ids <- e.ID
				}
			}(w)
		}
		wg.Wait()
		close(ids)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for id := range ids {
			if seen[id] || id < 1 || id > workers*each {
				t.Fatalf("id %d given twice or out of range", id)
			}
			seen[id] = true
		}
		verifyClean(t, l, workers*each)
		if c := l.Commits(); c >= workers*each {
			t.Errorf("%d entries took %d commits: none shared", workers*each, c)
		} else {
			t.Logf("%d entries in %d commits", workers*each, c)
		}
	})
}

// TestAuditSeveralProcesses appends from two independent connections pools to one database, as
// two KAM processes would: the chain head lock keeps one chain without gaps or forks.
func TestAuditSeveralProcesses(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			var logs []*sqldb.AuditLog
			for i := 0; i < 2; i++ {
				db, err := sqldb.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if i == 0 {
					if err := db.Migrate(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				logs = append(logs, newAuditLog(t, db))
			}
			const perProcess, workers = 120, 8
			var wg sync.WaitGroup
			var mu sync.Mutex
			var failed error
			for p, l := range logs {
				for w := 0; w < workers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < perProcess/workers; i++ {
							err := l.Record(context.Background(), &kam.AuditEntry{ActorID: int64(p + 1), Action: kam.AuditExport, ObjectType: "export"})
							if err != nil {
								mu.Lock()
								failed = err
								mu.Unlock()
								return
							}
						}
					}()
				}
			}
			wg.Wait()
			if failed != nil {
				t.Fatal(failed)
			}
			verifyClean(t, logs[0], 2*perProcess)
			for p := range logs {
				_, n, err := logs[1].FindAudit(context.Background(), kam.AuditFilter{User: fmt.Sprint(p + 1)})
				if err != nil || n != perProcess {
					t.Errorf("process %d: %d entries, %v", p+1, n, err)
				}
			}
		})
	}
}

func TestAuditFilters(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		l := newAuditLog(t, db)
		c1, c2 := int64(1), int64(2)
		entries := []kam.AuditEntry{
			{ActorID: 5, ActorEmail: "Rep.One@example.com", Action: kam.AuditCustomerView, ObjectType: "customer", ObjectID: 1, CustomerID: &c1},
			{ActorID: 5, ActorEmail: "Rep.One@example.com", Action: kam.AuditCustomerView, ObjectType: "customer", ObjectID: 2, CustomerID: &c2},
			{ActorID: 6, ActorEmail: "dir@example.com", Action: kam.AuditExport, ObjectType: "export"},
			{ActorID: 6, ActorEmail: "dir@example.com", Action: kam.AuditCustomerUpdate, ObjectType: "customer", ObjectID: 1, CustomerID: &c1},
			{ActorEmail: "guess@example.com", Action: kam.AuditLoginFailure, ObjectType: "user"},
		}
		for i := range entries {
			clock = clock.Add(time.Hour)
			record(t, l, &entries[i])
		}
		at := func(h int) *time.Time { t := time.Date(2026, 5, 1, h, 0, 0, 0, time.UTC); return &t }
		cases := []struct {
			name string
			f    kam.AuditFilter
			ids  []int64
		}{
			{"all", kam.AuditFilter{}, []int64{5, 4, 3, 2, 1}},
			{"customer", kam.AuditFilter{CustomerID: 1}, []int64{4, 1}},
			{"user id", kam.AuditFilter{User: "6"}, []int64{4, 3}},
			{"user email, any case", kam.AuditFilter{User: "rep.one@EXAMPLE.com"}, []int64{2, 1}},
			{"email of a failed login", kam.AuditFilter{User: "guess@example.com"}, []int64{5}},
			{"action", kam.AuditFilter{Action: kam.AuditCustomerView}, []int64{2, 1}},
			{"from (inclusive)", kam.AuditFilter{From: at(4)}, []int64{5, 4}},
			{"to (inclusive)", kam.AuditFilter{To: at(2)}, []int64{2, 1}},
			{"from and to", kam.AuditFilter{From: at(2), To: at(3)}, []int64{3, 2}},
			{"combined", kam.AuditFilter{CustomerID: 1, User: "5", Action: kam.AuditCustomerView}, []int64{1}},
			{"nothing", kam.AuditFilter{CustomerID: 99}, nil},
			{"page", kam.AuditFilter{Limit: 2, Offset: 1}, []int64{4, 3}},
			{"past the end", kam.AuditFilter{Limit: 2, Offset: 10}, nil},
		}
		for _, c := range cases {
			got, total, err := l.FindAudit(context.Background(), c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.ids) {
				t.Errorf("%s: ids %v, want %v", c.name, ids, c.ids)
			}
			want := len(c.ids)
			if c.name == "page" || c.name == "past the end" {
				want = 5
			}
			if total != want {
				t.Errorf("%s: total %d, want %d", c.name, total, want)
			}
		}
		if _, _, err := l.FindAudit(context.Background(), kam.AuditFilter{Action: "customer.steal"}); kam.ErrorCodeOf(err) != kam.EInvalid {
			t.Errorf("unknown action: %v", err)
		}
	})
}

// TestAuditVerifyTampering changes stored entries directly in SQL, as someone with access to
// the database could after dropping the append-only triggers, and checks that verify names each
// change.
func TestAuditVerifyTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string
		want   []string // "id kind" of every problem, in id order
	}{
		{"field edited", []string{"UPDATE audit_log SET actor_email = 'someone.else@example.com' WHERE id = 4"}, []string{"4 edited"}},
		{"detail edited", []string{"UPDATE audit_log SET detail = '{\"rows\":1}' WHERE id = 6"}, []string{"6 edited"}},
		{"edited with a new hash", []string{"UPDATE audit_log SET object_id = 99, hash = 'beef' WHERE id = 3"}, []string{"3 edited", "4 broken_link"}},
		{"middle entry removed", []string{"DELETE FROM audit_log WHERE id = 5"}, []string{"5 missing", "6 broken_link"}},
		{"two entries removed", []string{"DELETE FROM audit_log WHERE id IN (2, 3)"}, []string{"2 missing", "4 broken_link"}},
		{"two entries swapped", []string{
			"UPDATE audit_log SET id = -1 WHERE id = 3", "UPDATE audit_log SET id = 3 WHERE id = 7", "UPDATE audit_log SET id = 7 WHERE id = -1"},
			[]string{"3 moved", "4 broken_link", "7 moved", "8 broken_link"}},
		{"neighbours swapped", []string{
			"UPDATE audit_log SET id = -1 WHERE id = 3", "UPDATE audit_log SET id = 3 WHERE id = 4", "UPDATE audit_log SET id = 4 WHERE id = -1"},
			[]string{"3 moved", "4 moved", "5 broken_link"}},
		{"tail removed", []string{"DELETE FROM audit_log WHERE id > 8"}, []string{"9 truncated"}},
		{"entry added outside", []string{"INSERT INTO audit_log SELECT 11, at, actor_id, actor_email, action, object_type, object_id, customer_id, detail, remote_addr, hash, hash FROM audit_log WHERE id = 10"},
			[]string{"11 edited", "11 head"}},
	}
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					dsn := sqldbtest.DSN(t, d)
					db, err := sqldb.Open(context.Background(), dsn)
					if err != nil {
						t.Fatal(err)
					}
					defer db.Close()
					if err := db.Migrate(context.Background()); err != nil {
						t.Fatal(err)
					}
					l := newAuditLog(t, db)
					for i := 1; i <= 10; i++ {
						cust := int64(i)
						record(t, l, &kam.AuditEntry{ActorID: 1, ActorEmail: "dir@example.com", Action: kam.AuditCustomerView,
							ObjectType: "customer", ObjectID: int64(i), CustomerID: &cust, Detail: map[string]any{"rows": i}})
					}
					verifyClean(t, l, 10)
					raw := sqldbtest.RawAudit(t, dsn)
					sqldbtest.DropAuditGuards(t, raw, d)
					for _, q := range c.tamper {
						if _, err := raw.Exec(q); err != nil {
							t.Fatalf("%s: %v", q, err)
						}
					}
					rep, err := l.Verify(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, p := range rep.Problems {
						got = append(got, fmt.Sprintf("%d %s", p.ID, p.Kind))
					}
					if fmt.Sprint(got) != fmt.Sprint(c.want) {
						t.Errorf("problems %v, want %v (%v)", got, c.want, rep.Problems)
					}
				})
			}
		})
	}
}

// TestAuditFileMovesOldEntries: a SQLite database whose log was kept in the database file itself
// gets its entries moved into the audit file when it is opened, once, chain and head intact; new
// entries chain on after them; the readers of the database file are not written by the log.
func TestAuditFileMovesOldEntries(t *testing.T) {
	ctx := context.Background()
	dsn := sqldbtest.DSN(t, sqldb.SQLite)
	_, path, _ := sqldb.ParseDSN(dsn)
	open := func() *sqldb.DB {
		db, err := sqldb.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	l := sqldb.NewAuditLog(db)
	for i := 1; i <= 5; i++ {
		record(t, l, &kam.AuditEntry{ActorID: int64(i), ActorEmail: "a@example.com", Action: kam.AuditCustomerView, ObjectType: "customer", ObjectID: int64(i)})
	}
	l.Close()
	db.Close()

	// The log as an older KAM kept it: in the database file, with no audit file beside it.
	raw := sqldbtest.Raw(t, dsn)
	for _, q := range []string{
		"ATTACH DATABASE '" + sqldb.AuditPath(path) + "' AS a",
		"INSERT INTO audit_log SELECT * FROM a.audit_log",
		"UPDATE audit_head SET last_id = (SELECT last_id FROM a.audit_head), last_hash = (SELECT last_hash FROM a.audit_head)",
		"DETACH DATABASE a",
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(sqldb.AuditPath(path) + suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}

	for round := 0; round < 2; round++ { // the second open moves nothing again
		db = open()
		l = sqldb.NewAuditLog(db)
		verifyClean(t, l, int64(5+round))
		e := &kam.AuditEntry{ActorEmail: "b@example.com", Action: kam.AuditLoginFailure, ObjectType: "user"}
		record(t, l, e)
		if e.ID != int64(6+round) {
			t.Fatalf("new entry has id %d, want %d", e.ID, 6+round)
		}
		verifyClean(t, l, int64(6+round))
		l.Close()
		db.Close()
	}
	// The database file's own log has the old entries only: the new ones went to the audit file.
	var n int
	if err := sqldbtest.Raw(t, dsn).QueryRow("SELECT count(*) FROM audit_log").Scan(&n); err != nil || n != 5 {
		t.Fatalf("database file holds %d entries (%v), want the 5 old ones", n, err)
	}
}
