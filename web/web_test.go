package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"kam/locale"
)

func TestNewParsesEveryPage(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"audit", "borrow", "customer", "customers", "dashboard", "dashboard_abc", "dashboard_behaviour", "dashboard_customers", "dashboard_migration",
		"dashboard_migration_customers", "dashboard_portfolio", "dashboard_scorecard", "error", "filters", "form", "handover", "import", "import_map", "ledger_list", "ledger_order", "login", "settings",
		"team", "tokens"}
	if got := strings.Join(r.Pages(), ","); got != strings.Join(want, ",") {
		t.Errorf("pages = %s, want %s", got, strings.Join(want, ","))
	}
}

var keyPattern = regexp.MustCompile(`\.T "([^"]+)"`)

// Every literal catalog key in the templates exists in every language, so no page shows a raw key.
func TestTemplateKeysAreInTheCatalogs(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range keyPattern.FindAllStringSubmatch(string(b), -1) {
			n++
			for _, lang := range locale.Langs {
				if !locale.New(lang).Has(m[1]) {
					t.Errorf("%s uses key %q, missing in %s", f, m[1], lang)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d keys; is the pattern broken?", n)
	}
}

// The CSP forbids inline script and style: no template may hold any.
func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	bad := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script element with a body
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle\s*=`),
		regexp.MustCompile(`\son[a-z]+\s*=`), // onclick= …
		regexp.MustCompile(`hx-on`),
		regexp.MustCompile(`javascript:`),
	}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, re := range bad {
			if loc := re.FindIndex(b); loc != nil {
				t.Errorf("%s: forbidden inline code %q", f, b[loc[0]:min(loc[1]+20, len(b))])
			}
		}
	}
}

func TestAssetsAreServedUnderHashedNames(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	a := r.Assets()
	for _, name := range []string{"app.css", "app.js", "vendor/htmx.min.js", "vendor/echarts.min.js", "dashboard.js", "favicon.svg"} {
		u := a.URL(name)
		if !regexp.MustCompile(`^/static/[a-z/.]+\.[0-9a-f]{10}\.[a-z]+$`).MatchString(u) {
			t.Errorf("URL(%s) = %s, want a hashed name", name, u)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s: %d", u, rec.Code)
			continue
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q", u, cc)
		}
		if rec.Body.Len() == 0 {
			t.Errorf("GET %s: empty body", u)
		}
	}
	for _, p := range []string{"/static/app.css", "/static/app.0000000000.css", "/static/vendor/README.md"} {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
	if ct := func() string {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, a.URL("app.css"), nil))
		return rec.Header().Get("Content-Type")
	}(); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("app.css Content-Type = %q", ct)
	}
}

func TestRenderUnknownPage(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := r.RenderBlock(&sb, "nope", "layout", nil); err == nil {
		t.Error("rendering an unknown page succeeded")
	}
}
