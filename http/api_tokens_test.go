package kamhttp_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// createToken makes a token for user through the API and registers it in the fixture as key.
func (f *apiFixture) createToken(t *testing.T, user, key, body string) map[string]any {
	t.Helper()
	resp, b := f.do(t, call{method: "POST", path: "/api/v1/tokens", user: user, body: body})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create token: %d %s", resp.StatusCode, b)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(b), &out); err != nil {
		t.Fatal(err)
	}
	f.tokens[key] = out["secret"].(string)
	return out
}

// TestReadTokenWalk: a read token gets 403, naming its scope, on every operation of the API
// that is not GET or HEAD — every one the OpenAPI document declares, so a new operation is
// covered without being listed here.
func TestReadTokenWalk(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		f.createToken(t, "admin", "admin-read", `{"name":"report","scope":"read"}`)
		_, doc := f.do(t, call{method: "GET", path: "/api/v1/openapi.json"})
		var oapi struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal([]byte(doc), &oapi); err != nil {
			t.Fatal(err)
		}
		param := regexp.MustCompile(`\{[^}]+\}`)
		writes := 0
		for path, ops := range oapi.Paths {
			for method := range ops {
				m := strings.ToUpper(method)
				p := param.ReplaceAllString(path, "1")
				if strings.Contains(path, "{kind}") {
					p = param.ReplaceAllString(path, "customers")
				}
				resp, body := f.do(t, call{method: m, path: p, user: "admin-read", body: `{}`})
				if m == "GET" || m == "HEAD" {
					if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized {
						t.Errorf("read token refused on %s %s: %d %s", m, path, resp.StatusCode, body)
					}
					continue
				}
				writes++
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `scope is \"read\"`) || !strings.Contains(body, "header.Authorization") {
					t.Errorf("read token on %s %s: %d %s", m, path, resp.StatusCode, body)
				}
			}
		}
		if writes < 10 {
			t.Fatalf("only %d write operations found in the OpenAPI document", writes)
		}
		// The same write with a read-write token goes through.
		if resp, body := f.do(t, call{method: "POST", path: "/api/v1/tokens", user: "admin", body: `{"name":"x"}`}); resp.StatusCode != http.StatusCreated {
			t.Errorf("read-write token: %d %s", resp.StatusCode, body)
		}
	})
}

func TestTokenAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		created := f.createToken(t, "rep1", "rep1-ci", `{"name":"ci","scope":"read-write","expires_days":30}`)
		tok := created["token"].(map[string]any)
		if tok["name"] != "ci" || tok["scope"] != "read-write" || !strings.HasPrefix(created["secret"].(string), sqldb.TokenPrefix) {
			t.Errorf("created %v", created)
		}
		if exp, _ := time.Parse(time.RFC3339, tok["expires_at"].(string)); !exp.Equal(f.clock.Add(30 * 24 * time.Hour)) {
			t.Errorf("expires %v", tok["expires_at"])
		}
		id := int64(tok["id"].(float64))
		f.ids["ci"] = id
		// The new token works; listing shows both of rep1's tokens and never a secret or hash.
		resp, body := f.do(t, call{method: "GET", path: "/api/v1/tokens", user: "rep1-ci"})
		if resp.StatusCode != 200 || strings.Count(body, `"id"`) != 2 || strings.Contains(body, "kam_") || strings.Contains(body, "hash") || !strings.Contains(body, `"last_used_at":"2026-05-01T02:00:00Z"`) {
			t.Errorf("list: %d %s", resp.StatusCode, body)
		}
		// Another rep's list is their own; they cannot revoke rep1's token (it does not exist for them).
		if _, body := f.do(t, call{method: "GET", path: "/api/v1/tokens", user: "rep2"}); strings.Contains(body, `"ci"`) {
			t.Errorf("rep2 sees rep1's tokens: %s", body)
		}
		if resp, _ := f.do(t, call{method: "DELETE", path: "/api/v1/tokens/{ci}", user: "rep2"}); resp.StatusCode != 404 {
			t.Errorf("rep2 revokes rep1's token: %d", resp.StatusCode)
		}
		// Revoked: refused at once (the cache forgets it), and listed as revoked.
		if resp, body := f.do(t, call{method: "DELETE", path: "/api/v1/tokens/{ci}", user: "rep1"}); resp.StatusCode != 200 || !strings.Contains(body, `"revoked_at":"2026-05-01T02:00:00Z"`) {
			t.Errorf("revoke: %d %s", resp.StatusCode, body)
		}
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/me", user: "rep1-ci"}); resp.StatusCode != 401 {
			t.Errorf("revoked token: %d", resp.StatusCode)
		}
		if resp, _ := f.do(t, call{method: "DELETE", path: "/api/v1/tokens/{ci}", user: "rep1"}); resp.StatusCode != 409 {
			t.Errorf("revoke twice: %d", resp.StatusCode)
		}
		// Admins revoke anyone's token.
		other := f.createToken(t, "rep2", "rep2-x", `{}`)["token"].(map[string]any)
		f.ids["x"] = int64(other["id"].(float64))
		if other["scope"] != "read-write" {
			t.Errorf("default scope %v", other["scope"])
		}
		if resp, body := f.do(t, call{method: "DELETE", path: "/api/v1/tokens/{x}", user: "admin"}); resp.StatusCode != 200 {
			t.Errorf("admin revokes: %d %s", resp.StatusCode, body)
		}
		// Bad input names the field; nothing is created.
		for _, c := range []struct{ body, want string }{
			{`{"scope":"admin"}`, "body.scope"},
			{`{"expires_days":366}`, "body.expires_days"},
			{`{"expires_days":-1}`, "body.expires_days"},
			{`{"name":"` + strings.Repeat("x", 101) + `"}`, "body.name"},
			{`{"secret":"mine"}`, "body.secret"},
			{`{"name":`, "body"},
			{`{"expires_days":"30"}`, "body.expires_days"},
		} {
			resp, body := f.do(t, call{method: "POST", path: "/api/v1/tokens", user: "rep1", body: c.body})
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d %s", c.body, resp.StatusCode, body)
			}
		}
		if _, body := f.do(t, call{method: "GET", path: "/api/v1/tokens", user: "rep1"}); strings.Count(body, `"id"`) != 2 {
			t.Errorf("a refused creation stored a token: %s", body)
		}
		// The scheme is case-insensitive; malformed headers are refused cleanly.
		for h, want := range map[string]int{"bearer " + f.tokens["rep1"]: 200, "BEARER  " + f.tokens["rep1"]: 200, "Basic " + f.tokens["rep1"]: 401,
			"Bearer": 401, "Bearer " + f.tokens["rep1"] + " x": 401, "Bearer kam_" + strings.Repeat("A", 500): 401} {
			if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": h}}); resp.StatusCode != want {
				t.Errorf("Authorization %.40q: %d, want %d", h, resp.StatusCode, want)
			}
		}
	})
}

func TestHandoverAPI(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		f := newAPIFixture(t, db)
		for _, c := range []struct {
			user, path, body string
			status           int
			want             string
		}{
			{"rep2", "/api/v1/users/{rep1}/handover", `{"to":[{rep2}]}`, 403, ""},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[]}`, 422, "body.to"},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[{rep1}]}`, 422, "body.to[0]"},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[{rep2},99999]}`, 422, "body.to[1]"},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[{admin}]}`, 403, "body.to[0]"},
			{"sup", "/api/v1/users/{admin}/handover", `{"to":[{rep2}]}`, 403, "path.id"},
			{"sup", "/api/v1/users/99999/handover", `{"to":[{rep2}]}`, 404, ""},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[{rep2}],"keep":true}`, 422, "body.keep"},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":"x"}`, 422, "body.to"},
			{"sup", "/api/v1/users/{rep1}/handover", `{"to":[{rep2}],"deactivate":true}`, 200, `"customers":1`},
		} {
			body := c.body
			for k, v := range f.ids {
				body = strings.ReplaceAll(body, "{"+k+"}", itoaTest(v))
			}
			resp, got := f.do(t, call{method: "POST", path: c.path, user: c.user, body: body})
			if resp.StatusCode != c.status || !strings.Contains(got, c.want) {
				t.Errorf("%s %s: %d %s, want %d with %q", c.user, body, resp.StatusCode, got, c.status, c.want)
			}
		}
		// rep2 now owns c1; rep1's token ended with the deactivation.
		if resp, body := f.do(t, call{method: "GET", path: "/api/v1/customers/{c1}", user: "rep2"}); resp.StatusCode != 200 {
			t.Errorf("rep2 reads the handed-over file: %d %s", resp.StatusCode, body)
		}
		if resp, _ := f.do(t, call{method: "GET", path: "/api/v1/me", user: "rep1"}); resp.StatusCode != 401 {
			t.Errorf("deactivated rep's token: %d", resp.StatusCode)
		}
	})
}
