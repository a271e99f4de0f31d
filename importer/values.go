package importer

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

var (
	errEmpty       = errors.New("empty")
	errNotNumber   = errors.New("not a number")
	errTooLarge    = errors.New("number too large")
	errGrouping    = errors.New("misplaced thousands separator")
	errNotDate     = errors.New("not a date")
	errNotTime     = errors.New("not a time of day")
	errAmbiguous   = errors.New("ambiguous date: give --date-format (e.g. 1/2/2006)")
	errExcel1900   = errors.New("not a real date (1900-02-29)")
	errYearOutside = errors.New("year out of range (1900–2200)")
)

const (
	minYear = 1900
	maxYear = 2200
)

// fold maps the full-width forms a Chinese input method produces (０-９, －, ．, ，, ／, ：, the
// ideographic space) and the Unicode minus to ASCII, so the parsers below see one alphabet.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == '\u3000' || r == '\u00A0' || r == '\u2007' || r == '\u202F' || r == '\uFEFF':
			r = ' '
		case r == '\u2212' || r == '\u2013' || r == '\uFE63':
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func trimSpaces(s string) string {
	return strings.Trim(s, " \t\r\n")
}

var currencySigns = []string{"$", "¥", "￥", "£", "￡", "€"}

func cutCurrency(s string) (string, bool) {
	for _, c := range currencySigns {
		if strings.HasPrefix(s, c) {
			return trimSpaces(s[len(c):]), true
		}
	}
	return s, false
}

// ParseDecimal parses a number as exported by Excel, WPS or an ERP into an exact fixed-point
// integer with scale decimal places: ParseDecimal("1,234.5", 4) is 12345000. It never goes
// through float64, so 0.1 stays 1000 ten-thousandths and large amounts keep every digit.
func ParseDecimal(s string, scale int) (int64, error) {
	if scale < 0 || scale > 18 {
		return 0, fmt.Errorf("scale %d out of range", scale)
	}
	s = trimSpaces(fold(s))
	if s == "" {
		return 0, errEmpty
	}
	neg, parens := false, false
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		neg, parens = true, true
		s = trimSpaces(s[1 : len(s)-1])
	}
	if t, ok := strings.CutSuffix(s, "元"); ok {
		s = trimSpaces(t)
	}
	var cur, sign bool
	for s != "" {
		if !cur {
			if t, ok := cutCurrency(s); ok {
				s, cur = t, true
				continue
			}
		}
		if !sign && !parens && (s[0] == '-' || s[0] == '+') {
			neg, sign = s[0] == '-', true
			s = trimSpaces(s[1:])
			continue
		}
		break
	}
	// SAP and other ERPs print negatives with a trailing minus: "1,234.00-".
	if !sign && !parens && len(s) > 1 && s[len(s)-1] == '-' {
		neg = true
		s = trimSpaces(s[:len(s)-1])
	}
	if s == "" {
		return 0, errNotNumber
	}

	// Split into integer digits (with separators), fraction digits and exponent.
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == ',') {
		i++
	}
	intPart := s[:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		fracPart = s[i+1 : j]
		i = j
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		expNeg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			expNeg = s[j] == '-'
			j++
		}
		if j == len(s) {
			return 0, errNotNumber
		}
		for ; j < len(s); j++ {
			if !isDigit(s[j]) {
				return 0, errNotNumber
			}
			// Clamp: beyond this any non-zero mantissa overflows or underflows anyway.
			if exp < 100000 {
				exp = exp*10 + int(s[j]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
		i = j
	}
	if i != len(s) {
		return 0, errNotNumber
	}
	intDigits := len(intPart)
	if strings.IndexByte(intPart, ',') >= 0 {
		n, err := checkGroups(intPart)
		if err != nil {
			return 0, err
		}
		intDigits = n
	}
	if intDigits+len(fracPart) == 0 {
		return 0, errNotNumber
	}

	// The digits D = int ++ frac carry the decimal point after intDigits+exp; digits before
	// point+scale form the result, the ones after it must be zeros.
	keep := intDigits + exp + scale
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var acc uint64
	k := 0
	push := func(d byte) error {
		if k < keep {
			if acc > (limit-uint64(d))/10 {
				return errTooLarge
			}
			acc = acc*10 + uint64(d)
		} else if d != 0 {
			return decimalPlacesError(scale)
		}
		k++
		return nil
	}
	for j := 0; j < len(intPart); j++ {
		if c := intPart[j]; c != ',' {
			if err := push(c - '0'); err != nil {
				return 0, err
			}
		}
	}
	for j := 0; j < len(fracPart); j++ {
		if err := push(fracPart[j] - '0'); err != nil {
			return 0, err
		}
	}
	for ; k < keep && acc != 0; k++ {
		if acc > limit/10 {
			return 0, errTooLarge
		}
		acc *= 10
	}
	if neg {
		return int64(-acc), nil
	}
	return int64(acc), nil
}

func decimalPlacesError(scale int) error {
	if scale == 0 {
		return errors.New("not a whole number")
	}
	return fmt.Errorf("more than %d decimal places", scale)
}

// checkGroups validates thousands separators, which must cut the integer part into groups of
// three: "1,23" is a European decimal comma, and guessing would change the amount a thousandfold.
func checkGroups(s string) (int, error) {
	digits, group := 0, 0
	first := true
	for j := 0; j < len(s); j++ {
		if s[j] == ',' {
			if group == 0 || (first && group > 3) || (!first && group != 3) {
				return 0, errGrouping
			}
			first, group = false, 0
			continue
		}
		digits++
		group++
	}
	if group != 3 {
		return 0, errGrouping
	}
	return digits, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// DateOptions tell the date parsers how to read ambiguous or zone-less values.
type DateOptions struct {
	// Layout is a Go layout given by the user (--date-format), tried first; "" means none.
	Layout string
	// ExcelSerial is true when the value came from an XLSX cell, where a plain number is an
	// Excel serial date (1900 date system).
	ExcelSerial bool
	// Location is the business time zone for date-times without an offset and for turning an
	// offset time into a date; nil means Asia/Shanghai.
	Location *time.Location
}

var shanghai = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// Without tzdata on the host: China has kept UTC+8 without daylight saving since 1991.
	return time.FixedZone("CST", 8*60*60)
})

func (o DateOptions) loc() *time.Location {
	if o.Location != nil {
		return o.Location
	}
	return shanghai()
}

// ParseDate parses a business date and returns it as "YYYY-MM-DD". A date-time gives its date,
// in Location when the value carries an offset.
func ParseDate(s string, o DateOptions) (string, error) {
	p, err := parseMoment(s, o)
	if err != nil {
		return "", err
	}
	y, m, d := p.y, p.m, p.d
	if p.zoned {
		t := p.time(o.loc())
		y, m, d = t.Year(), int(t.Month()), t.Day()
		if y < minYear || y > maxYear {
			return "", errYearOutside
		}
	}
	return isoDate(y, m, d), nil
}

func isoDate(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// ParseDateTime parses a date-time; a value without an offset is local time in Location, and a
// date alone is midnight.
func ParseDateTime(s string, o DateOptions) (time.Time, error) {
	p, err := parseMoment(s, o)
	if err != nil {
		return time.Time{}, err
	}
	return p.time(o.loc()), nil
}

// moment is a parsed date-time before it is placed in a time zone.
type moment struct {
	y, m, d    int
	hh, mm, ss int
	nsec       int
	zoned      bool
	offset     int // seconds east of UTC, when zoned
	t          time.Time
	hasT       bool // from a user layout: t is final
}

func (p moment) time(loc *time.Location) time.Time {
	if p.hasT {
		return p.t.In(loc)
	}
	if p.zoned {
		return time.Date(p.y, time.Month(p.m), p.d, p.hh, p.mm, p.ss, p.nsec, time.FixedZone("", p.offset)).In(loc)
	}
	return time.Date(p.y, time.Month(p.m), p.d, p.hh, p.mm, p.ss, p.nsec, loc)
}

func parseMoment(raw string, o DateOptions) (moment, error) {
	s := trimSpaces(fold(raw))
	if s == "" {
		return moment{}, errEmpty
	}
	if o.Layout != "" {
		if t, err := time.ParseInLocation(o.Layout, s, o.loc()); err == nil {
			t = t.In(o.loc())
			if t.Year() < minYear || t.Year() > maxYear {
				return moment{}, errYearOutside
			}
			return moment{y: t.Year(), m: int(t.Month()), d: t.Day(), zoned: true, t: t, hasT: true}, nil
		}
	}
	if o.ExcelSerial {
		if p, ok, err := parseSerial(s); ok {
			return p, err
		}
	}
	p, err := parseText(s)
	if err == errAmbiguous && o.Layout != "" {
		return moment{}, fmt.Errorf("does not match --date-format %s", o.Layout)
	}
	if err != nil {
		return moment{}, err
	}
	if p.y < minYear || p.y > maxYear {
		return moment{}, errYearOutside
	}
	if p.m < 1 || p.m > 12 || p.d < 1 || p.d > daysIn(p.y, p.m) {
		return moment{}, fmt.Errorf("not a real date (%04d-%02d-%02d)", p.y, p.m, p.d)
	}
	return p, nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Serial fractions are read to 11 digits (under a microsecond) so that the day fraction times
// the milliseconds of a day stays inside int64.
const (
	serialFracDigits = 11
	serialFracScale  = 100_000_000_000
	msPerDay         = 86_400_000
)

// parseSerial reads an Excel serial date-time. ok is false when s is not a plain number in the
// serial range, so that 20250131 typed into a cell still reads as a compact date.
func parseSerial(s string) (moment, bool, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i > 6 {
		return moment{}, false, nil
	}
	days := 0
	for j := 0; j < i; j++ {
		days = days*10 + int(s[j]-'0')
	}
	frac := int64(0)
	if i < len(s) {
		if s[i] != '.' {
			return moment{}, false, nil
		}
		n := 0
		for j := i + 1; j < len(s); j++ {
			if !isDigit(s[j]) {
				return moment{}, false, nil
			}
			if n < serialFracDigits {
				frac = frac*10 + int64(s[j]-'0')
				n++
			}
		}
		for ; n < serialFracDigits; n++ {
			frac *= 10
		}
	}
	ms := (frac*msPerDay + serialFracScale/2) / serialFracScale
	if ms >= msPerDay {
		days++
		ms -= msPerDay
	}
	// Excel counts the 29th of February 1900, which never existed (a Lotus 1-2-3 bug it kept),
	// so serials after it are one day ahead of a plain count from 1899-12-31.
	switch {
	case days < 1:
		return moment{}, true, errNotDate
	case days == 60:
		return moment{}, true, errExcel1900
	}
	base := 31
	if days > 60 {
		base = 30
	}
	t := time.Date(1899, 12, base+days, 0, 0, 0, 0, time.UTC)
	if t.Year() > maxYear {
		return moment{}, true, errYearOutside
	}
	sec := int(ms / 1000)
	return moment{
		y: t.Year(), m: int(t.Month()), d: t.Day(),
		hh: sec / 3600, mm: sec / 60 % 60, ss: sec % 60, nsec: int(ms%1000) * 1e6,
	}, true, nil
}

// digits reads a run of ASCII digits at the start of s.
func digits(s string) (n, width int) {
	for width < len(s) && isDigit(s[width]) && width < 9 {
		n = n*10 + int(s[width]-'0')
		width++
	}
	return n, width
}

// monthLayouts are the unambiguous English forms Excel shows for dates (d-mmm-yy and friends).
var monthLayouts = []string{
	"2-Jan-2006", "2-Jan-06", "2 Jan 2006", "Jan 2, 2006", "Jan 2 2006", "January 2, 2006",
	"2 January 2006", "Mon, 2 Jan 2006", "Monday, January 2, 2006",
}

func parseText(s string) (moment, error) {
	var p moment
	var rest string
	switch {
	case strings.Contains(s, "年"):
		var ok bool
		if p, rest, ok = parseChinese(s); !ok {
			return moment{}, errNotDate
		}
	case isDigit(s[0]):
		a, w := digits(s)
		switch {
		case w == 8 && (w == len(s) || s[w] == ' ' || s[w] == 'T'):
			p.y, p.m, p.d = a/10000, a/100%100, a%100
			rest = s[w:]
		case w == 4 && w < len(s) && isDateSep(s[w]):
			sep := s[w]
			m, mw := digits(s[w+1:])
			if mw < 1 || mw > 2 || w+1+mw >= len(s) || s[w+1+mw] != sep {
				return moment{}, errNotDate
			}
			off := w + 2 + mw
			d, dw := digits(s[off:])
			if dw < 1 || dw > 2 {
				return moment{}, errNotDate
			}
			p.y, p.m, p.d = a, m, d
			rest = s[off+dw:]
		case (w == 1 || w == 2) && w < len(s) && isDateSep(s[w]):
			sep := s[w]
			_, mw := digits(s[w+1:])
			if mw >= 1 && mw <= 2 && w+1+mw < len(s) && s[w+1+mw] == sep {
				if _, yw := digits(s[w+2+mw:]); yw == 2 || yw == 4 {
					return moment{}, errAmbiguous
				}
			}
			return parseMonthName(s)
		default:
			return moment{}, errNotDate
		}
	default:
		return parseMonthName(s)
	}
	if err := parseClock(rest, &p); err != nil {
		return moment{}, err
	}
	return p, nil
}

func isDateSep(c byte) bool { return c == '-' || c == '/' || c == '.' }

func parseMonthName(s string) (moment, error) {
	for _, l := range monthLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return moment{y: t.Year(), m: int(t.Month()), d: t.Day()}, nil
		}
	}
	return moment{}, errNotDate
}

// parseChinese reads 2025年1月31日, with or without 日 (or 号) and spaces between the parts.
func parseChinese(s string) (moment, string, bool) {
	var p moment
	vals := [3]*int{&p.y, &p.m, &p.d}
	units := [3]string{"年", "月", "日"}
	for i, u := range units {
		s = strings.TrimLeft(s, " ")
		n, w := digits(s)
		if w == 0 || (i == 0 && w != 4) || (i > 0 && w > 2) {
			return p, "", false
		}
		*vals[i] = n
		s = strings.TrimLeft(s[w:], " ")
		if t, ok := strings.CutPrefix(s, u); ok {
			s = t
		} else if i == 2 {
			if t, ok := strings.CutPrefix(s, "号"); ok {
				s = t
			}
		} else {
			return p, "", false
		}
	}
	return p, s, true
}

// parseClock reads the time after a date: "14:05", "14:05:06.123", "2:05 PM", with an
// optional offset ("Z", "+08:00", "+0800", "+08"). An empty rest means midnight.
func parseClock(rest string, p *moment) error {
	if rest == "" {
		return nil
	}
	s := strings.TrimLeft(rest, " ")
	switch {
	case len(s) < len(rest):
	case s[0] == 'T' || s[0] == 't':
		s = s[1:]
	default:
		return errNotDate
	}
	if s == "" {
		return errNotTime
	}
	hh, w := digits(s)
	if w < 1 || w > 2 || w == len(s) || s[w] != ':' {
		return errNotTime
	}
	s = s[w+1:]
	mm, w := digits(s)
	if w != 2 {
		return errNotTime
	}
	s = s[w:]
	ss := 0
	if s != "" && s[0] == ':' {
		if ss, w = digits(s[1:]); w != 2 {
			return errNotTime
		}
		s = s[1+w:]
		if s != "" && (s[0] == '.' || s[0] == ',') {
			j := 1
			scale := 100_000_000
			for ; j < len(s) && isDigit(s[j]); j++ {
				p.nsec += int(s[j]-'0') * scale
				scale /= 10
			}
			if j == 1 {
				return errNotTime
			}
			s = s[j:]
		}
	}
	s = strings.TrimLeft(s, " ")
	if len(s) >= 2 {
		switch strings.ToUpper(s[:2]) {
		case "AM", "PM":
			if hh < 1 || hh > 12 {
				return errNotTime
			}
			hh %= 12
			if strings.ToUpper(s[:2]) == "PM" {
				hh += 12
			}
			s = strings.TrimLeft(s[2:], " ")
		}
	}
	if hh > 23 || mm > 59 || ss > 59 {
		return errNotTime
	}
	p.hh, p.mm, p.ss = hh, mm, ss
	if s == "" {
		return nil
	}
	off, ok := parseOffset(s)
	if !ok {
		return errNotTime
	}
	p.zoned, p.offset = true, off
	return nil
}

func parseOffset(s string) (int, bool) {
	if s == "Z" || s == "z" {
		return 0, true
	}
	if s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	if len(s) < 2 || !isDigit(s[0]) || !isDigit(s[1]) {
		return 0, false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	s = s[2:]
	m := 0
	if s != "" {
		if s[0] == ':' {
			s = s[1:]
		}
		n, w := digits(s)
		if w != 2 || w != len(s) {
			return 0, false
		}
		m = n
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// excelDigits is the precision Excel keeps and shows for a number.
const excelDigits = 15

// ExcelNumber removes the binary floating-point noise Excel leaves in stored numbers (a formula
// summing 0.1 and 0.2 is stored as 0.30000000000000004) by rounding to the 15 significant digits
// Excel itself shows, without going through float64. Anything that is not a plain number with
// more digits than that comes back unchanged. Apply it to XLSX cells of numeric columns before
// ParseDecimal, never to identifiers kept as text.
func ExcelNumber(s string) string {
	i := 0
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracEnd = i
	}
	if intEnd == start && fracEnd == fracStart {
		return s
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := i < len(s) && s[i] == '-'
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		n, w := digits(s[i:])
		if w == 0 || w > 3 {
			return s
		}
		i += w
		exp = n
		if expNeg {
			exp = -n
		}
	}
	if i != len(s) {
		return s
	}
	// All digits in order, and where the decimal point falls among them.
	all := make([]byte, 0, intEnd-start+fracEnd-fracStart+1)
	all = append(all, s[start:intEnd]...)
	all = append(all, s[fracStart:fracEnd]...)
	point := intEnd - start + exp
	for len(all) > 0 && all[0] == '0' {
		all = all[1:]
		point--
	}
	if len(all) <= excelDigits {
		return s
	}
	roundUp := all[excelDigits] >= '5'
	all = all[:excelDigits]
	if roundUp {
		j := len(all) - 1
		for j >= 0 && all[j] == '9' {
			all[j] = '0'
			j--
		}
		if j < 0 {
			all = append([]byte{'1'}, all...)
			point++
		} else {
			all[j]++
		}
	}
	for len(all) > 1 && all[len(all)-1] == '0' {
		all = all[:len(all)-1]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.Write(all)
	case point >= len(all):
		b.Write(all)
		b.WriteString(strings.Repeat("0", point-len(all)))
	default:
		b.Write(all[:point])
		b.WriteByte('.')
		b.Write(all[point:])
	}
	return b.String()
}
