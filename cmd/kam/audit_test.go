package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// TestAuditCommands checks that the commands record what they do (user add, token create,
// import, export) and that kam audit list and verify read the log.
func TestAuditCommands(t *testing.T) {
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			dsn := sqldbtest.DSN(t, d)
			dir := t.TempDir()
			lines := filepath.Join(dir, "lines.csv")
			writeOrderLines(t, lines, 40)
			exported := filepath.Join(dir, "orders.csv")
			for _, s := range [][]string{
				{"migrate"},
				{"user", "add", "admin@kam.example", "--role", "admin", "--name", "Admin"},
				{"token", "create", "--user", "admin@kam.example", "--name", "ci"},
				{"import", "orders", lines, "--dry-run"},
				{"import", "orders", lines, "--as", "admin@kam.example"},
				{"export", "orders", "--output", exported, "--q", "SO"},
			} {
				if out, errOut, err := run(t, dsn, "an admin password\n", s...); err != nil {
					t.Fatalf("%v: %v (%s %s)", s, err, out, errOut)
				}
			}
			entries := auditList(t, dsn)
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
			}
			// Newest first; the dry run is not in it.
			if strings.Join(actions, " ") != "export import token.create user.create" {
				t.Fatalf("actions %v", actions)
			}
			exp, imp := entries[0], entries[1]
			if exp.Detail["kind"] != "orders" || exp.Detail["rows"] != float64(40) || exp.Detail["via"] != "kam export" {
				t.Errorf("export entry: %+v", exp)
			}
			if f, _ := exp.Detail["filters"].(map[string]any); f["q"] != "SO" {
				t.Errorf("export entry's filters: %+v", exp.Detail)
			}
			if imp.ActorEmail != "admin@kam.example" || imp.Detail["file"] != "lines.csv" || imp.Detail["created"] != float64(40) || imp.Detail["written"] != true {
				t.Errorf("import entry: %+v", imp)
			}
			if strings.Contains(string(mustJSON(entries[2])), sqldb.TokenPrefix) {
				t.Error("the token is in the audit log")
			}
			out, _, err := run(t, dsn, "", "audit", "verify")
			if err != nil || !strings.Contains(out, "4 entries") || !strings.Contains(out, "intact") {
				t.Errorf("verify: %v %q", err, out)
			}
			if out, _, err := run(t, dsn, "", "audit", "list", "--action", "steal"); err == nil {
				t.Errorf("unknown action listed: %q", out)
			}
			if out, _, err := run(t, dsn, "", "audit", "list", "--from", "yesterday"); err == nil {
				t.Errorf("bad date listed: %q", out)
			}
			out, _, err = run(t, dsn, "", "audit", "list", "--user", "admin@kam.example")
			if err != nil || !strings.Contains(out, "import") || strings.Contains(out, "user.create") {
				t.Errorf("list by user: %v\n%s", err, out)
			}
		})
	}
}

type listedEntry struct {
	ID         int64          `json:"id"`
	Action     string         `json:"action"`
	ActorEmail string         `json:"actor_email"`
	Detail     map[string]any `json:"detail"`
}

func auditList(t *testing.T, dsn string, args ...string) []listedEntry {
	t.Helper()
	out, errOut, err := run(t, dsn, "", append([]string{"audit", "list", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("audit list: %v %s", err, errOut)
	}
	var page struct {
		Items []listedEntry `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("audit list: %v %q", err, out)
	}
	return page.Items
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// TestAuditVerifyCommand tampers with the log in SQL and checks that kam audit verify exits
// with an error naming the entry and what is wrong.
func TestAuditVerifyCommand(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string
		want   []string
	}{
		{"edited", []string{"UPDATE audit_log SET detail = '{}' WHERE id = 2"}, []string{"entry 2: edited"}},
		{"removed", []string{"DELETE FROM audit_log WHERE id = 3"}, []string{"entry 3: missing", "entry 4: broken_link"}},
		{"swapped", []string{"UPDATE audit_log SET id = -1 WHERE id = 2", "UPDATE audit_log SET id = 2 WHERE id = 4", "UPDATE audit_log SET id = 4 WHERE id = -1"},
			[]string{"entry 2: moved: holds the content of entry 4", "entry 4: moved: holds the content of entry 2"}},
		{"tail removed", []string{"DELETE FROM audit_log WHERE id = 5"}, []string{"entry 5: truncated"}},
	}
	for _, d := range sqldbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					dsn := sqldbtest.DSN(t, d)
					steps := [][]string{{"migrate"}, {"user", "add", "admin@kam.example", "--role", "admin", "--name", "Admin"}}
					for i := 0; i < 4; i++ {
						steps = append(steps, []string{"token", "create", "--user", "admin@kam.example"})
					}
					for _, s := range steps {
						if _, errOut, err := run(t, dsn, "an admin password\n", s...); err != nil {
							t.Fatalf("%v: %v %s", s, err, errOut)
						}
					}
					raw := sqldbtest.RawAudit(t, dsn)
					sqldbtest.DropAuditGuards(t, raw, d)
					for _, q := range c.tamper {
						if _, err := raw.Exec(q); err != nil {
							t.Fatalf("%s: %v", q, err)
						}
					}
					out, _, err := run(t, dsn, "", "audit", "verify")
					if err == nil || !strings.Contains(err.Error(), "broken") {
						t.Fatalf("verify of a tampered log: %v\n%s", err, out)
					}
					for _, w := range c.want {
						if !strings.Contains(out, w) {
							t.Errorf("verify output lacks %q:\n%s", w, out)
						}
					}
				})
			}
		})
	}
}
