package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// writeOrderLines writes a CSV of n order lines, three lines an order.
func writeOrderLines(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,cost")
	for i := 0; i < n; i++ {
		o := i / 3
		fmt.Fprintf(w, "SO%07d,2025-%02d-%02d,C%04d,客户%d有限公司,P%03d,产品%d,类别%d,%d,%d.25,%d\n",
			o, o%12+1, o%28+1, o%2000, o%2000, i%200, i%200, i%20, i%7+1, i%900+10, (i%7+1)*(i%900+5))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestImportKilled kills `kam import` with SIGKILL in the middle of a file and checks that the
// database holds nothing of it, that the rollups agree, and that the next import of the same file
// completes it.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kam")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	const rows = 300000
	csvPath := filepath.Join(dir, "lines.csv")
	writeOrderLines(t, csvPath, rows)
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			kam := func(stdin string, args ...string) (string, error) {
				cmd := exec.Command(bin, append(args, "--db", dsn)...)
				cmd.Stdin = strings.NewReader(stdin)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			if out, err := kam("", "migrate"); err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			if out, err := kam("an admin password\n", "user", "add", "admin@kam.example", "--role", "admin", "--name", "Admin"); err != nil {
				t.Fatalf("user add: %v\n%s", err, out)
			}
			db, err := sqldb.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()

			importDSN := dsn
			if d == sqldb.Postgres {
				importDSN += "&application_name=kam_import_killed" // to find its transaction
			}
			cmd := exec.Command(bin, "import", "orders", csvPath, "--db", importDSN)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			if !waitWriting(t, d, dsn, exited) {
				t.Fatal("the import ended before it could be killed; the file is too small for this machine")
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("kill: %v (the import ended before it could be killed)", err)
			}
			err = <-exited
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("import was not killed mid-file: %v", err)
			}
			if d == sqldb.Postgres {
				waitGone(t, dsn)
			}
			for _, table := range []string{"orders", "order_lines", "customers", "products", "sales_monthly", "imports"} {
				if n := countRows(t, db, table); n != 0 {
					t.Errorf("after the kill, %s holds %d rows", table, n)
				}
			}
			out, err := kam("", "import", "orders", csvPath, "--json")
			if err != nil {
				t.Fatalf("import after the kill: %v\n%s", err, out)
			}
			var s struct{ Created, Unchanged, Rejected int }
			if err := json.Unmarshal([]byte(out), &s); err != nil || s.Created != rows || s.Rejected != 0 {
				t.Fatalf("import after the kill: %v %+v\n%s", err, s, out)
			}
			if out, err := kam("", "check"); err != nil {
				t.Fatalf("check: %v\n%s", err, out)
			}
			if n, _ := db.CountRows(context.Background(), "order_lines"); n != rows {
				t.Errorf("%d lines, want %d", n, rows)
			}
		})
	}
}

// waitWriting waits until the import has begun writing: the WAL grows on SQLite; PostgreSQL shows
// its transaction. It returns false when the process ended first.
func waitWriting(t *testing.T, d sqldb.Dialect, dsn string, exited chan error) bool {
	t.Helper()
	var pg *sql.DB
	if d == sqldb.Postgres {
		var err error
		if pg, err = sql.Open("pgx", dsn); err != nil {
			t.Fatal(err)
		}
		defer pg.Close()
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		if d == sqldb.SQLite {
			if fi, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:") + "-wal"); err == nil && fi.Size() > 4<<20 {
				return true
			}
		} else {
			var n int
			err := pg.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kam_import_killed'
				AND xact_start IS NOT NULL AND now() - xact_start > interval '300 milliseconds'`).Scan(&n)
			if err == nil && n > 0 {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the import did not start writing within a minute")
	return false
}

// waitGone waits until PostgreSQL has ended the killed client's session (and rolled back its
// transaction, releasing its locks): it notices the closed connection on its next read.
func waitGone(t *testing.T, dsn string) {
	t.Helper()
	pg, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := pg.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kam_import_killed'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("PostgreSQL still runs the killed import's session after a minute")
}

// countRows counts a table's rows.
func countRows(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	n, err := db.CountRows(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportExportCommands runs the import, export and check commands as a user would.
func TestImportExportCommands(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			dir := t.TempDir()
			lines := filepath.Join(dir, "lines.csv")
			writeOrderLines(t, lines, 300)
			exported := filepath.Join(dir, "export.xlsx")
			steps := []struct {
				name, stdin string
				args        []string
				wantErr     bool
				want        string
			}{
				{"migrate", "", []string{"migrate"}, false, "migrated"},
				{"admin", "an admin password\n", []string{"user", "add", "admin@kam.example", "--role", "admin", "--name", "Admin"}, false, "added"},
				{"fields of a kind", "", []string{"import", "orders", "--help"}, false, "unit_price"},
				{"no file", "", []string{"import", "orders"}, true, ""},
				{"unknown kind", "", []string{"import", "bananas", lines}, true, ""},
				{"dry run", "", []string{"import", "orders", lines, "--dry-run"}, false, "dry run: nothing written"},
				{"import", "", []string{"import", "orders", lines, "--json"}, false, `"created": 300`},
				{"again", "", []string{"import", "orders", lines}, false, "nothing changed"},
				{"check", "", []string{"check"}, false, "rollups agree"},
				{"a corrupted rollup", "", []string{"check"}, true, "sales_monthly"},
				{"repair", "", []string{"check", "--repair"}, false, "sales_monthly"},
				{"repaired", "", []string{"check"}, false, "rollups agree"},
				{"export", "", []string{"export", "orders", "--format", "xlsx", "--output", exported}, false, ""},
				{"export imports back unchanged", "", []string{"import", "orders", exported, "--json"}, false, `"unchanged": 300`},
				{"export to stdout", "", []string{"export", "invoices"}, false, "invoice_no,customer_code"},
				{"mapping saved", "", []string{"import", "orders", lines, "--map", "order_no=order_no", "--save-mapping", "erp", "--json"}, false, `"unchanged": 300`},
				{"saved mapping used", "", []string{"import", "orders", lines, "--mapping", "erp"}, false, "nothing changed"},
				{"saved mapping of another kind", "", []string{"import", "invoices", lines, "--mapping", "erp"}, true, ""},
			}
			for _, s := range steps {
				if s.name == "a corrupted rollup" {
					corrupt(t, dsn)
				}
				out, errOut, err := run(t, dsn, s.stdin, s.args...)
				if (err != nil) != s.wantErr {
					t.Fatalf("%s: err %v, want error %v (out %q, stderr %q)", s.name, err, s.wantErr, out, errOut)
				}
				if !strings.Contains(out, s.want) {
					t.Errorf("%s: output %q lacks %q", s.name, out, s.want)
				}
			}
		})
	}
}

// corrupt changes one stored rollup figure behind KAM's back, through the driver.
func corrupt(t *testing.T, dsn string) {
	t.Helper()
	driver, name := "pgx", dsn
	if strings.HasPrefix(dsn, "sqlite:") {
		driver, name = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE sales_monthly SET net_revenue = net_revenue + 1 WHERE customer_id = (SELECT min(customer_id) FROM sales_monthly)"); err != nil {
		t.Fatal(err)
	}
}

// TestClassifyCommand classifies a small portfolio whose classes are known.
func TestClassifyCommand(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			dir := t.TempDir()
			orders := filepath.Join(dir, "o.csv")
			os.WriteFile(orders, []byte("order_no,order_date,customer_code,customer_name,product_code,product_name,quantity,unit_price,cost\n"+
				"O1,2025-03-01,K1,甲,P1,电机,1,70,40\nO2,2025-04-01,K2,乙,P1,电机,1,20,10\nO3,2025-05-01,K3,丙,P1,电机,1,6,5\n"+
				"O4,2025-06-01,K4,丁,P1,电机,1,4,3\nO5,2024-12-31,K4,丁,P1,电机,1,1000,1\nR1,2025-07-01,K5,戊,P1,电机,-1,3,-2\n"), 0o600)
			costs := filepath.Join(dir, "c.csv")
			os.WriteFile(costs, []byte("customer_code,entry_date,expense_code,amount\nK3,2025-05-02,logistics,11\nK2,2025-05-02,rebate,2\n"), 0o600)
			for _, args := range [][]string{{"migrate"}, {"import", "orders", orders}, {"import", "costs", costs}} {
				stdin := ""
				if _, _, err := run(t, dsn, stdin, args...); err != nil {
					t.Fatalf("%v: %v", args, err)
				}
				if args[0] == "migrate" {
					if _, _, err := run(t, dsn, "an admin password\n", "user", "add", "admin@kam.example", "--role", "admin", "--name", "Admin"); err != nil {
						t.Fatal(err)
					}
				}
			}
			out, _, err := run(t, dsn, "", "classify", "--period", "2025", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Revenue string
				ABC     map[string]struct {
					Customers int
					Revenue   string
					Share     float64
				}
				Profitability struct {
					CostCustomers  int     `json:"cost_customers"`
					WhalePeakShare float64 `json:"whale_peak_share"`
					WhalePeakRank  int     `json:"whale_peak_rank"`
				}
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			// Revenues 70, 20, 6, 4 and −3 (a net return): A = K1 and K2 (K2 crosses 80%),
			// B = K3, C = K4 and K5. Profits after cost-to-serve 30, 8, −10, 1, −1: in profit order
			// the running total is 30, 38, 39, 38, 28: it peaks at 39/28 with the third customer.
			if got.Revenue != "100.00" || got.ABC["A"].Customers != 2 || got.ABC["A"].Revenue != "90.00" || got.ABC["A"].Share != 0.9 ||
				got.ABC["B"].Customers != 1 || got.ABC["C"].Customers != 2 || got.ABC["C"].Revenue != "1.00" {
				t.Errorf("abc %+v (revenue %s)", got.ABC, got.Revenue)
			}
			if got.Profitability.CostCustomers != 2 || got.Profitability.WhalePeakRank != 3 || got.Profitability.WhalePeakShare != 1.3929 {
				t.Errorf("profitability %+v", got.Profitability)
			}
			if !strings.Contains(out, `"run": 3`) {
				t.Errorf("the classification was not stored as the third run (after one per import): %s", out)
			}
			if _, _, err := run(t, dsn, "", "classify", "--period", "25"); err == nil {
				t.Error("a bad period was accepted")
			}
		})
	}
}
