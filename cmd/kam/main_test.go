package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
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

// run executes the CLI in-process with args and stdin, returning stdout and stderr.
func run(t *testing.T, dsn, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	root := a.root()
	root.SetArgs(append([]string{"--db", dsn}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestCommands(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			steps := []struct {
				name, stdin string
				args        []string
				wantErr     bool
				want        string
			}{
				{"version", "", []string{"version"}, false, "kam "},
				{"token before migrate", "", []string{"token", "create", "--user", "x@example.com"}, true, ""},
				{"serve refuses a schema that is behind", "", []string{"serve", "--addr", "127.0.0.1:0"}, true, ""},
				{"migrate", "", []string{"migrate"}, false, "schema migrated from version 0 to"},
				{"migrate again", "", []string{"migrate"}, false, "up to date"},
				{"add supervisor", "a long passphrase\n", []string{"user", "add", "wang@example.com", "--role", "supervisor", "--name", "王主管"}, false, "added"},
				{"add rep", "another passphrase\n", []string{"user", "add", "li.na@example.com", "--role", "rep", "--name", "李娜", "--supervisor", "wang@example.com"}, false, "(rep) added"},
				{"short password", "short\n", []string{"user", "add", "x@example.com", "--role", "rep", "--name", "X"}, true, ""},
				{"unknown role", "a long passphrase\n", []string{"user", "add", "y@example.com", "--role", "boss", "--name", "Y"}, true, ""},
				{"unknown supervisor", "a long passphrase\n", []string{"user", "add", "z@example.com", "--role", "rep", "--name", "Z", "--supervisor", "nobody@example.com"}, true, ""},
				{"token", "", []string{"token", "create", "--user", "li.na@example.com", "--expires", "24h"}, false, sqldb.TokenPrefix},
				{"token unknown user", "", []string{"token", "create", "--user", "nobody@example.com"}, true, ""},
				{"read token", "", []string{"token", "create", "--user", "li.na@example.com", "--scope", "read", "--name", "report"}, false, sqldb.TokenPrefix},
				{"bad scope", "", []string{"token", "create", "--user", "li.na@example.com", "--scope", "admin"}, true, ""},
				{"too long", "", []string{"token", "create", "--user", "li.na@example.com", "--expires", "9000h"}, true, ""},
				{"token list", "", []string{"token", "list", "--user", "li.na@example.com"}, false, "report  read"},
				{"token revoke", "", []string{"token", "revoke", "1"}, false, "token 1 revoked"},
				{"token revoke again", "", []string{"token", "revoke", "1"}, true, ""},
				{"token revoke not a number", "", []string{"token", "revoke", "x"}, true, ""},
				{"revoked in the list", "", []string{"token", "list", "--user", "li.na@example.com"}, false, "revoked 20"},
				{"common password", "Password123\n", []string{"user", "add", "c@example.com", "--role", "rep", "--name", "C"}, true, ""},
				{"add second rep", "a third passphrase\n", []string{"user", "add", "zhou@example.com", "--role", "rep", "--name", "周", "--supervisor", "wang@example.com"}, false, "(rep) added"},
				{"handover to an unknown user", "", []string{"user", "handover", "li.na@example.com", "--to", "nobody@example.com"}, true, ""},
				{"handover to oneself", "", []string{"user", "handover", "li.na@example.com", "--to", "li.na@example.com"}, true, ""},
				{"handover by a rep", "", []string{"user", "handover", "li.na@example.com", "--to", "zhou@example.com", "--as", "zhou@example.com"}, true, ""},
				{"handover", "", []string{"user", "handover", "li.na@example.com", "--to", "zhou@example.com,wang@example.com", "--deactivate", "--as", "wang@example.com"}, false, "li.na@example.com deactivated"},
				{"no token for the deactivated", "", []string{"token", "create", "--user", "li.na@example.com"}, true, ""},
				{"demo", "", []string{"demo", "--customers", "30", "--seed", "2"}, true, ""}, // users exist: refused
			}
			for _, s := range steps {
				out, _, err := run(t, dsn, s.stdin, s.args...)
				if (err != nil) != s.wantErr {
					t.Fatalf("%s: err %v, want error %v (out %q)", s.name, err, s.wantErr, out)
				}
				if !strings.Contains(out, s.want) {
					t.Errorf("%s: output %q lacks %q", s.name, out, s.want)
				}
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"demo", "--help"}, {"user", "add", "--help"}, {"token", "create", "--help"}, {"token", "list", "--help"}, {"token", "revoke", "--help"}, {"user", "handover", "--help"}, {"version", "--help"}} {
		out, _, err := run(t, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "", args...)
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: %v %q", args, err, out)
		}
	}
}

// TestServeEndToEnd builds the real binary, starts kam serve --demo on a free port with a temporary
// database, uses the API with a token made by kam token create, and stops it with SIGTERM.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kam")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dsn := "sqlite:" + filepath.Join(dir, "kam.db")
	cmd := exec.Command(bin, "serve", "--demo", "--customers", "60", "--addr", "127.0.0.1:0", "--db", dsn)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	url, login := "", ""
	deadline := time.After(60 * time.Second)
	got := make(chan string)
	go func() {
		for lines.Scan() {
			got <- lines.Text()
		}
		close(got)
	}()
	for url == "" || login == "" {
		select {
		case line, ok := <-got:
			if !ok {
				t.Fatalf("kam serve ended early")
			}
			if i := strings.Index(line, "http://"); i >= 0 && url == "" {
				url = strings.Fields(line[i:])[0]
			}
			if strings.Contains(line, "Log in as") {
				login = line
			}
		case <-deadline:
			t.Fatal("kam serve did not become ready")
		}
	}
	go func() {
		for range got {
		}
	}()
	if !strings.Contains(login, "admin@kam.example") {
		t.Errorf("login line %q", login)
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	tok, err := exec.Command(bin, "token", "create", "--user", "admin@kam.example", "--db", dsn).Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	req, _ := http.NewRequest("GET", url+"/api/v1/customers?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"total":60`) {
		t.Fatalf("customers: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(url + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login page: %v %v", resp, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("kam serve exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("kam serve did not stop after SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "kam.db")); err != nil {
		t.Error(err)
	}
}
