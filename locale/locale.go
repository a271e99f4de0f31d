// Package locale holds the zh-CN and en message catalogs of the UI and formats numbers, money
// and dates the way KAM's users read them (SPEC §N1, DESIGN "HTTP and UI").
//
// Catalog keys are flat, dotted strings: "status.active", "field.customer.name", "error.required",
// "nav.customers". Enumerations of package kam use the key "<kind>.<value>"; see Enum.
package locale

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The languages of the UI. zh-CN is the default: KAM's users are Chinese sales teams.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{ZH, EN}

// catalogParts lists each language's catalog in parts, one per area of the product (the
// customer file, security, analytics …), so that each area keeps its words in a file of its own.
// A key may appear in one part only (a test checks it).
var catalogParts = map[string][]map[string]string{
	ZH: {zh, zhAudit, zhDashboards, zhBorrow, zhSessions, zhKeyAccounts, zhBehaviour},
	EN: {en, enAudit, enDashboards, enBorrow, enSessions, enKeyAccounts, enBehaviour},
}

// Catalogs maps each language to its messages. Both hold the same keys (a test checks it).
var Catalogs = map[string]map[string]string{ZH: mergeParts(catalogParts[ZH]), EN: mergeParts(catalogParts[EN])}

func mergeParts(parts []map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// Match returns the supported language for a cookie or query value, or the default.
func Match(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return EN
	}
	return ZH
}

// Shanghai is the business time zone (DESIGN "Storage": default Asia/Shanghai). It falls back to
// a fixed +08:00 zone when the system has no tz database: China has kept UTC+8 without daylight
// saving since 1991, so the fallback is exact for every date KAM stores.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Printer translates and formats for one language. It is cheap; make one per request.
type Printer struct {
	Lang string
	cat  map[string]string
	Loc  *time.Location
}

// New returns a printer for lang (unknown languages get the default).
func New(lang string) *Printer {
	lang = Match(lang)
	return &Printer{Lang: lang, cat: Catalogs[lang], Loc: Shanghai}
}

// Has reports whether the catalog holds key.
func (p *Printer) Has(key string) bool {
	_, ok := p.cat[key]
	return ok
}

// T returns the message for key, formatted with args (fmt verbs) when there are any. A missing
// key shows as itself so that a gap is visible on the page rather than a blank; tests keep the
// catalogs complete.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := p.cat[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Enum translates an enumeration value of package kam: kind is the catalog prefix ("status",
// "stage", "nature", "channel_role", "size", "unit_kind", "purchase_role", "team_role", "role").
// The empty value shows as a dash; an unknown value as itself.
func (p *Printer) Enum(kind, value string) string {
	if value == "" {
		return "—"
	}
	if msg, ok := p.cat[kind+"."+value]; ok {
		return msg
	}
	return value
}

// Field names a field of an entity (customer, unit, contact, user). An entity-specific label
// ("field.contact.name" = 姓名) wins over the shared one ("field.name" = 名称).
func (p *Printer) Field(entity, field string) string {
	if entity != "" {
		if msg, ok := p.cat["field."+entity+"."+field]; ok {
			return msg
		}
	}
	if msg, ok := p.cat["field."+field]; ok {
		return msg
	}
	return field
}

var numberPattern = regexp.MustCompile(`\d+`)

// FieldError translates a field error by its stable code. The English catalog prefers the
// service's own message, which is already English and more specific (it names the expected
// check character, the bad phone number …). For other languages the catalog message may take
// the numbers of the English message in order (the limits of too_long and too_many), so the
// translation states the same limit without the service knowing about languages.
func (p *Printer) FieldError(code, message string) string {
	if p.Lang == EN && message != "" {
		return message
	}
	msg, ok := p.cat["error."+code]
	if !ok {
		if message != "" {
			return message
		}
		return code
	}
	n := strings.Count(msg, "%s")
	if n == 0 {
		return msg
	}
	nums := numberPattern.FindAllString(message, -1)
	if len(nums) < n {
		// The message does not carry the numbers the translation expects: use the plain
		// variant without them.
		if plain, ok := p.cat["error."+code+".plain"]; ok {
			return plain
		}
		return message
	}
	args := make([]any, n)
	for i := range args {
		args[i] = nums[i]
	}
	return fmt.Sprintf(msg, args...)
}

// Date formats the calendar day of t in the business time zone: 2026-11-22.
func (p *Printer) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Loc).Format("2006-01-02")
}

// DateTime formats t in the business time zone to the minute: 2026-11-22 14:05.
func (p *Printer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Loc).Format("2006-01-02 15:04")
}

// DateTimeSeconds formats t in the business time zone to the second.
func (p *Printer) DateTimeSeconds(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Loc).Format("2006-01-02 15:04:05")
}

// Money formats an amount held as int64 ten-thousandths of a yuan (DESIGN "Types"), rounded half
// away from zero to the fen: 12345600 → ¥1,234.56. The arithmetic is integer only, so no amount
// is ever changed by floating point.
func Money(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-(v + 1)) + 1 // safe for math.MinInt64
	}
	fen := (u + 50) / 100
	s := "¥" + group(fen/100) + "." + pad2(fen%100)
	if neg && fen != 0 {
		return "-" + s
	}
	return s
}

// Wan formats a large total in 万元 (ten thousand yuan), two decimals, rounded half away from
// zero: 123456780000 → 1,234.57万元. Integer arithmetic only.
func Wan(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-(v + 1)) + 1
	}
	// One 万元 is 10,000 yuan = 100,000,000 units; hundredths of 万元 are 1,000,000 units.
	h := (u + 500_000) / 1_000_000
	s := group(h/100) + "." + pad2(h%100) + "万元"
	if neg && h != 0 {
		return "-" + s
	}
	return s
}

// Money formats an amount for the page; see the function Money.
func (p *Printer) Money(v int64) string { return Money(v) }

// Total formats a total: in 万元 from one million yuan up, where full yuan would be too long to
// compare at a glance; below that as money. English pages spell the unit "10k CNY".
func (p *Printer) Total(v int64) string {
	const million = 1_000_000 * 10_000
	if v >= million || v <= -million {
		s := Wan(v)
		if p.Lang == EN {
			return strings.TrimSuffix(s, "万元") + " × 10k CNY"
		}
		return s
	}
	return Money(v)
}

// Int groups the digits of n: 12345 → 12,345.
func Int(n int64) string {
	if n < 0 {
		if n == -n { // math.MinInt64
			return "-9,223,372,036,854,775,808"
		}
		return "-" + group(uint64(-n))
	}
	return group(uint64(n))
}

// Int groups the digits of an int for the page.
func (p *Printer) Int(n int) string { return Int(int64(n)) }

func group(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	first := len(s) % 3
	if first > 0 {
		b.WriteString(s[:first])
	}
	for i := first; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func pad2(n uint64) string {
	if n < 10 {
		return "0" + strconv.FormatUint(n, 10)
	}
	return strconv.FormatUint(n, 10)
}
