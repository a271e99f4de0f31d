package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"kam"
)

func TestCatalogsHaveSameKeys(t *testing.T) {
	for _, lang := range Langs {
		for _, other := range Langs {
			for k := range Catalogs[lang] {
				if _, ok := Catalogs[other][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, lang, other)
				}
			}
		}
	}
}

// Each key lives in one part of a catalog: a second definition would silently win or lose.
func TestCatalogPartsDoNotOverlap(t *testing.T) {
	for lang, parts := range catalogParts {
		seen := map[string]int{}
		for i, p := range parts {
			for k := range p {
				if j, ok := seen[k]; ok {
					t.Errorf("%s: key %q is in part %d and part %d", lang, k, j, i)
				}
				seen[k] = i
			}
		}
	}
}

var verbPattern = regexp.MustCompile(`%[-+# 0]*[0-9]*[vsdqfx]`)

// A translation must take the same arguments as the other one, or fmt writes %!d(MISSING).
func TestCatalogsHaveSameVerbs(t *testing.T) {
	for k, zhMsg := range Catalogs[ZH] {
		a := verbPattern.FindAllString(zhMsg, -1)
		b := verbPattern.FindAllString(Catalogs[EN][k], -1)
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: zh-CN has verbs %v, en has %v", k, a, b)
		}
	}
}

func TestEveryEnumValueHasALabel(t *testing.T) {
	enums := map[string][]string{
		"status":        kam.CustomerStatuses,
		"stage":         kam.LifecycleStages,
		"nature":        kam.CustomerNatures,
		"channel_role":  kam.ChannelRoles,
		"size":          kam.CompanySizes,
		"unit_kind":     kam.UnitKinds,
		"purchase_role": kam.PurchaseRoles,
		"team_role":     kam.TeamRoles,
		"role":          kam.RoleNames(),
	}
	for _, lang := range Langs {
		p := New(lang)
		for kind, values := range enums {
			for _, v := range values {
				if !p.Has(kind + "." + v) {
					t.Errorf("%s: no label for %s %q", lang, kind, v)
				}
			}
		}
		for _, entity := range []string{"customer", "unit", "contact"} {
			if !p.Has("entity." + entity) {
				t.Errorf("%s: no label for entity %s", lang, entity)
			}
		}
		for _, action := range []string{"create", "update", "delete"} {
			if !p.Has("action." + action) {
				t.Errorf("%s: no label for action %s", lang, action)
			}
		}
		for i := 0; i <= 5; i++ {
			if !p.Has("relationship." + strconv.Itoa(i)) {
				t.Errorf("%s: no label for relationship %d", lang, i)
			}
		}
	}
}

// jsonFields returns the JSON names of a struct's fields, which are the field names the
// history records.
func jsonFields(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func TestEveryFieldHasAName(t *testing.T) {
	var fields []string
	fields = append(fields, jsonFields(kam.Customer{})...)
	fields = append(fields, jsonFields(kam.Unit{})...)
	fields = append(fields, jsonFields(kam.Contact{})...)
	fields = append(fields, "email", "name", "role", "password", "supervisor_id", "active")
	// The completeness score names these pseudo-fields too.
	empty := kam.CardCompleteness(&kam.Card{Customer: &kam.Customer{}})
	fields = append(fields, empty.Missing...)
	for _, lang := range Langs {
		p := New(lang)
		for _, f := range fields {
			if !p.Has("field." + f) {
				t.Errorf("%s: no name for field %q", lang, f)
			}
		}
	}
}

// fieldErrorCodes finds every field error code written in the Go files of dir: the second
// argument of a Validation.Add call and the Code of a FieldError literal. Reading the source
// keeps the catalog complete as validations are added, without a list to maintain by hand.
func fieldErrorCodes(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "Add" && len(n.Args) >= 3 {
					if lit, ok := n.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						seen[s] = true
					}
				}
			case *ast.CompositeLit:
				if !isFieldErrorType(n.Type) {
					return true
				}
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Code" {
						if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							seen[s] = true
						}
					}
				}
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func isFieldErrorType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "FieldError"
	case *ast.SelectorExpr:
		return e.Sel.Name == "FieldError"
	}
	return false
}

func TestEveryFieldErrorCodeIsTranslated(t *testing.T) {
	var codes []string
	for _, dir := range []string{"..", "../sqldb", "../http", "../importer"} {
		codes = append(codes, fieldErrorCodes(t, dir)...)
	}
	if len(codes) < 10 {
		t.Fatalf("found only %d field error codes in the source: %v; is the scan broken?", len(codes), codes)
	}
	for _, lang := range Langs {
		p := New(lang)
		for _, c := range codes {
			if !p.Has("error." + c) {
				t.Errorf("%s: field error code %q has no message", lang, c)
			}
		}
	}
}

func TestFieldError(t *testing.T) {
	tests := []struct {
		lang, code, message, want string
	}{
		{ZH, "required", "is required", "必填项。"},
		{ZH, "too_long", "must be at most 50 characters (got 61)", "不能超过 50 个字符（当前 61 个）。"},
		{ZH, "too_long", "too long", "内容过长。"},
		{ZH, "too_many", "at most 30 tags", "最多 30 项。"},
		{ZH, "no_such_code", "some English text", "some English text"},
		{EN, "required", "is required", "is required"},
		{EN, "required", "", "is required."},
		{EN, "too_long", "", "is too long."},
	}
	for _, tt := range tests {
		if got := New(tt.lang).FieldError(tt.code, tt.message); got != tt.want {
			t.Errorf("%s FieldError(%q, %q) = %q, want %q", tt.lang, tt.code, tt.message, got, tt.want)
		}
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		v    int64
		want string
	}{
		{0, "¥0.00"},
		{12345600, "¥1,234.56"},
		{10000, "¥1.00"},
		{49, "¥0.00"},
		{50, "¥0.01"}, // half a fen rounds away from zero
		{-50, "-¥0.01"},
		{-49, "¥0.00"}, // no negative zero
		{9999, "¥1.00"},
		{1234567890123, "¥123,456,789.01"},
		{-12345600, "-¥1,234.56"},
		{math.MaxInt64, "¥922,337,203,685,477.58"},
		{math.MinInt64, "-¥922,337,203,685,477.58"},
	}
	for _, tt := range tests {
		if got := Money(tt.v); got != tt.want {
			t.Errorf("Money(%d) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestWan(t *testing.T) {
	tests := []struct {
		v    int64
		want string
	}{
		{0, "0.00万元"},
		{100_000_000, "1.00万元"},           // ¥10,000
		{123_456_780_000, "1,234.57万元"},   // ¥12,345,678
		{123_455_000_000, "1,234.55万元"},   // exactly representable
		{-123_456_780_000, "-1,234.57万元"}, // negative totals (credit notes)
		{499_999, "0.00万元"},
	}
	for _, tt := range tests {
		if got := Wan(tt.v); got != tt.want {
			t.Errorf("Wan(%d) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got := New(ZH).Total(12345600); got != "¥1,234.56" {
		t.Errorf("Total of a small amount = %q", got)
	}
	if got := New(ZH).Total(2_000_000 * 10_000); got != "200.00万元" {
		t.Errorf("Total of ¥2,000,000 = %q", got)
	}
	if got := New(EN).Total(2_000_000 * 10_000); got != "200.00 × 10k CNY" {
		t.Errorf("en Total of ¥2,000,000 = %q", got)
	}
}

func TestInt(t *testing.T) {
	for v, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", math.MinInt64: "-9,223,372,036,854,775,808"} {
		if got := Int(v); got != want {
			t.Errorf("Int(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestDatesInShanghai(t *testing.T) {
	p := New(ZH)
	// 16:30 UTC is half past midnight of the next day in Shanghai.
	tm := time.Date(2026, 11, 21, 16, 30, 0, 0, time.UTC)
	if got := p.Date(tm); got != "2026-11-22" {
		t.Errorf("Date = %q", got)
	}
	if got := p.DateTime(tm); got != "2026-11-22 00:30" {
		t.Errorf("DateTime = %q", got)
	}
	if got := p.Date(time.Time{}); got != "—" {
		t.Errorf("zero Date = %q", got)
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{"": ZH, "zh-CN": ZH, "zh": ZH, "en": EN, "EN-us": EN, "fr": ZH, "en_GB": EN} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnumAndField(t *testing.T) {
	zhP, enP := New(ZH), New(EN)
	if got := zhP.Enum("status", "active"); got != "现有客户" {
		t.Errorf("zh status.active = %q", got)
	}
	if got := enP.Enum("status", ""); got != "—" {
		t.Errorf("empty enum = %q", got)
	}
	if got := enP.Enum("status", "weird"); got != "weird" {
		t.Errorf("unknown enum = %q", got)
	}
	if got := zhP.Field("contact", "name"); got != "姓名" {
		t.Errorf("contact name = %q", got)
	}
	if got := zhP.Field("customer", "name"); got != "客户名称" {
		t.Errorf("customer name = %q", got)
	}
	if got := zhP.Field("customer", "no_such_field"); got != "no_such_field" {
		t.Errorf("unknown field = %q", got)
	}
}

func TestLunarDate(t *testing.T) {
	zhP, enP := New(ZH), New(EN)
	tests := []struct {
		p       *Printer
		y, m, d int
		leap    bool
		want    string
	}{
		{zhP, 1975, 8, 15, false, "农历1975年八月十五"},
		{zhP, 0, 12, 23, false, "农历腊月廿三"},
		{zhP, 1984, 10, 1, true, "农历1984年闰十月初一"},
		{zhP, 0, 13, 1, false, "农历13月1日"},
		{enP, 1975, 8, 15, false, "lunar 1975 8/15"},
	}
	for _, tt := range tests {
		if got := tt.p.LunarDate(tt.y, tt.m, tt.d, tt.leap); got != tt.want {
			t.Errorf("LunarDate(%d,%d,%d,%v) = %q, want %q", tt.y, tt.m, tt.d, tt.leap, got, tt.want)
		}
	}
}
