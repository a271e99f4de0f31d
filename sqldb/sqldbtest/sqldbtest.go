// Package sqldbtest gives tests a fresh, migrated database on every dialect: SQLite always (a
// temporary file, so WAL and the connection pools are real), PostgreSQL when
// KAM_TEST_POSTGRES_DSN is set (a fresh schema per test, dropped afterwards). With
// KAM_REQUIRE_POSTGRES=1 (set by CI), a missing PostgreSQL fails the test instead of skipping it.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"kam/sqldb"
)

// Dialects lists the dialects tests run on here.
func Dialects(t testing.TB) []sqldb.Dialect {
	ds := []sqldb.Dialect{sqldb.SQLite}
	if os.Getenv("KAM_TEST_POSTGRES_DSN") != "" {
		ds = append(ds, sqldb.Postgres)
	} else if os.Getenv("KAM_REQUIRE_POSTGRES") == "1" {
		t.Fatal("KAM_REQUIRE_POSTGRES=1 but KAM_TEST_POSTGRES_DSN is not set")
	}
	return ds
}

// ForEachDialect runs fn as a subtest on each dialect, each with its own fresh database.
func ForEachDialect(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// DSN returns the address of a fresh, empty database of dialect d, removed when the test ends.
func DSN(t testing.TB, d sqldb.Dialect) string {
	t.Helper()
	if d == sqldb.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "kam.db")
	}
	base := os.Getenv("KAM_TEST_POSTGRES_DSN")
	if base == "" {
		t.Skip("KAM_TEST_POSTGRES_DSN not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "kamtest_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated, empty database of dialect d, closed when the test ends.
func Open(t testing.TB, d sqldb.Dialect) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), DSN(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Raw opens dsn (from DSN) with database/sql alone, bypassing KAM: for tests that change stored
// rows the way someone with access to the database could.
func Raw(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	d, driverDSN, err := sqldb.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	driver := "pgx"
	if d == sqldb.SQLite {
		driver, driverDSN = "sqlite", "file:"+driverDSN+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, driverDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// RawAudit opens the database that holds the audit log of dsn (on SQLite its own file) as Raw does.
func RawAudit(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	if d, path, err := sqldb.ParseDSN(dsn); err == nil && d == sqldb.SQLite {
		return Raw(t, "sqlite:"+sqldb.AuditPath(path))
	}
	return Raw(t, dsn)
}

// DropAuditGuards removes the triggers that keep the audit log append-only, as someone with
// full access to the database could, so that a test can tamper with entries.
func DropAuditGuards(t testing.TB, raw *sql.DB, d sqldb.Dialect) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if d == sqldb.Postgres {
		stmts = []string{"DROP TRIGGER audit_log_append_only ON audit_log"}
	}
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
