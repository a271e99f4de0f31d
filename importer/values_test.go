package importer

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in    string
		scale int
		want  int64
		err   string
	}{
		{"1,234.5", 4, 12345000, ""},
		{"0", 4, 0, ""},
		{"-0", 4, 0, ""},
		{"0.000", 2, 0, ""},
		{" 12 ", 4, 120000, ""},
		{".5", 4, 5000, ""},
		{"5.", 4, 50000, ""},
		{"007", 0, 7, ""},
		{"\u3000１２３．４５\u3000", 4, 1234500, ""},
		{"１，２３４", 0, 1234, ""},
		{"-1.5", 4, -15000, ""},
		{"+1.5", 4, 15000, ""},
		{"\u22121.5", 4, -15000, ""},
		{"－1.5", 4, -15000, ""},
		{"(1,234.00)", 4, -12340000, ""},
		{"( 5 )", 0, -5, ""},
		{"¥1,234.56", 4, 12345600, ""},
		{"￥-5", 0, -5, ""},
		{"-¥5", 0, -5, ""},
		{"$ 5", 0, 5, ""},
		{"€5", 0, 5, ""},
		{"£5", 0, 5, ""},
		{"5元", 0, 5, ""},
		{"¥ 1,234.50 元", 2, 123450, ""},
		{"1,234.00-", 2, -123400, ""},
		{"1.5E+3", 4, 15000000, ""},
		{"2.5e-2", 4, 250, ""},
		{"1.23456E2", 4, 1234560, ""},
		{"1E-4", 4, 1, ""},
		{"1.00000", 4, 10000, ""},
		{"12.0", 0, 12, ""},
		{"0e999999999", 4, 0, ""},
		{"9223372036854775807", 0, math.MaxInt64, ""},
		{"-9223372036854775808", 0, math.MinInt64, ""},
		{"922337203685477.5807", 4, math.MaxInt64, ""},
		{"-922337203685477.5808", 4, math.MinInt64, ""},
		{"1e18", 0, 1e18, ""},
		{"0.000000000000000000000000000001e30", 0, 1, ""},

		{"", 4, 0, "empty"},
		{" \u3000 ", 4, 0, "empty"},
		{"1,23", 2, 0, "misplaced thousands separator"},
		{"1234,567", 0, 0, "misplaced thousands separator"},
		{",123", 0, 0, "misplaced thousands separator"},
		{"1,234,", 0, 0, "misplaced thousands separator"},
		{"1,,234", 0, 0, "misplaced thousands separator"},
		{"1.00001", 4, 0, "more than 4 decimal places"},
		{"1e-5", 4, 0, "more than 4 decimal places"},
		{"1e-999999999", 4, 0, "more than 4 decimal places"},
		{"12.3", 0, 0, "not a whole number"},
		{"9223372036854775808", 0, 0, "number too large"},
		{"-9223372036854775809", 0, 0, "number too large"},
		{"922337203685477.5808", 4, 0, "number too large"},
		{"1e19", 0, 0, "number too large"},
		{"1e999999999", 0, 0, "number too large"},
		{"99999999999999999999999", 0, 0, "number too large"},
		{"abc", 4, 0, "not a number"},
		{"1.2.3", 4, 0, "not a number"},
		{"--5", 4, 0, "not a number"},
		{"+-5", 4, 0, "not a number"},
		{"(-5)", 4, 0, "not a number"},
		{"-", 4, 0, "not a number"},
		{".", 4, 0, "not a number"},
		{"e5", 4, 0, "not a number"},
		{"1e", 4, 0, "not a number"},
		{"1e+", 4, 0, "not a number"},
		{"#N/A", 4, 0, "not a number"},
		{"NaN", 4, 0, "not a number"},
		{"Inf", 4, 0, "not a number"},
		{"0x10", 4, 0, "not a number"},
		{"1 234", 4, 0, "not a number"},
		{"¥¥5", 4, 0, "not a number"},
		{"5-5", 4, 0, "not a number"},
		{"12%", 4, 0, "not a number"},
		{"1", 19, 0, "scale 19 out of range"},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in, tt.scale)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseDecimal(%q, %d) = %d, %v; want error %q", tt.in, tt.scale, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDecimal(%q, %d) = %d, %v; want %d", tt.in, tt.scale, got, err, tt.want)
		}
	}
}

// formatDecimal writes v with scale decimals the way the parser must read it back.
func formatDecimal(v int64, scale int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{
		"1,234.5", "(1,234.00)", "¥-1,234.56元", "１，２３４．５", "1.5E+3", "2.5e-2", "1,23", "1.00000",
		"9223372036854775807", "-9223372036854775808", "1,234.00-", "−5", "－5", "$ 5", "0e99999", "",
	} {
		f.Add(s, 4)
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, s string, scale int) {
		scale = ((scale % 19) + 19) % 19
		if e := ExcelNumber(s); ExcelNumber(e) != e {
			t.Fatalf("ExcelNumber not idempotent: %q -> %q -> %q", s, e, ExcelNumber(e))
		}
		v, err := ParseDecimal(s, scale)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
		} else {
			back := formatDecimal(v, scale)
			v2, err := ParseDecimal(back, scale)
			if err != nil || v2 != v {
				t.Fatalf("%q -> %d -> %q -> %d, %v", s, v, back, v2, err)
			}
		}
		// Plain numbers have an exact oracle in math/big.
		if s == "" || strings.Trim(s, "0123456789.+-eE") != "" || strings.Count(s, "e")+strings.Count(s, "E") > 0 && len(s) > 10 {
			return
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok || strings.ContainsAny(s[1:], "+-") && !strings.ContainsAny(s, "eE") {
			return
		}
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
		fits := r.IsInt() && r.Num().IsInt64()
		switch {
		case err == nil && (!fits || r.Num().Int64() != v):
			t.Fatalf("ParseDecimal(%q, %d) = %d, big.Rat says %s", s, scale, v, r.RatString())
		case err != nil && fits:
			t.Fatalf("ParseDecimal(%q, %d) failed (%v), big.Rat says %s", s, scale, err, r.RatString())
		}
	})
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		o    DateOptions
		want string
		err  string
	}{
		{in: "2025-01-31", want: "2025-01-31"},
		{in: "2025/1/31", want: "2025-01-31"},
		{in: "2025.1.31", want: "2025-01-31"},
		{in: "2025年1月31日", want: "2025-01-31"},
		{in: "2025年1月31", want: "2025-01-31"},
		{in: "2025 年 1 月 31 日", want: "2025-01-31"},
		{in: "2025年01月31号", want: "2025-01-31"},
		{in: "20250131", want: "2025-01-31"},
		{in: "２０２５－０１－３１", want: "2025-01-31"},
		{in: " 2025-01-31 ", want: "2025-01-31"},
		{in: "2025-01-31 14:05", want: "2025-01-31"},
		{in: "2025-01-31T14:05:06", want: "2025-01-31"},
		{in: "2025/1/31 14:05:06", want: "2025-01-31"},
		{in: "2025年1月31日 9:30", want: "2025-01-31"},
		{in: "2025-01-31T20:00:00Z", want: "2025-02-01"},
		{in: "2025-01-31T23:30:00+08:00", want: "2025-01-31"},
		{in: "2025-01-31T12:00:00-05:00", want: "2025-02-01"},
		{in: "2025-01-31T20:00:00Z", o: DateOptions{Location: time.UTC}, want: "2025-01-31"},
		{in: "31-Jan-2025", want: "2025-01-31"},
		{in: "31-Jan-25", want: "2025-01-31"},
		{in: "Jan 31, 2025", want: "2025-01-31"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "1900-01-01", want: "1900-01-01"},
		{in: "2200-12-31", want: "2200-12-31"},

		{in: "1/2/2025", err: "ambiguous date: give --date-format (e.g. 1/2/2006)"},
		{in: "31/01/2025", err: "ambiguous date: give --date-format (e.g. 1/2/2006)"},
		{in: "01.02.2025", err: "ambiguous date: give --date-format (e.g. 1/2/2006)"},
		{in: "1/2/25", err: "ambiguous date: give --date-format (e.g. 1/2/2006)"},
		{in: "1/2/2025", o: DateOptions{Layout: "2/1/2006"}, want: "2025-02-01"},
		{in: "1/2/2025", o: DateOptions{Layout: "1/2/2006"}, want: "2025-01-02"},
		{in: "01/02/2025", o: DateOptions{Layout: "1/2/2006"}, want: "2025-01-02"},
		{in: "2025-01-31", o: DateOptions{Layout: "1/2/2006"}, want: "2025-01-31"},
		{in: "1/2/2025", o: DateOptions{Layout: "2006-01-02"}, err: "does not match --date-format 2006-01-02"},
		{in: "31/2/2025", o: DateOptions{Layout: "2/1/2006"}, err: "does not match --date-format 2/1/2006"},

		{in: "2025-02-30", err: "not a real date (2025-02-30)"},
		{in: "2025-02-29", err: "not a real date (2025-02-29)"},
		{in: "2025-13-01", err: "not a real date (2025-13-01)"},
		{in: "2025-00-10", err: "not a real date (2025-00-10)"},
		{in: "20250230", err: "not a real date (2025-02-30)"},
		{in: "2025年2月30日", err: "not a real date (2025-02-30)"},
		{in: "1899-12-31", err: "year out of range (1900–2200)"},
		{in: "2201-01-01", err: "year out of range (1900–2200)"},
		{in: "", err: "empty"},
		{in: "abc", err: "not a date"},
		{in: "45678", err: "not a date"},
		{in: "2025-01-31x", err: "not a date"},
		{in: "2025-1-31-5", err: "not a date"},
		{in: "2025-01/31", err: "not a date"},
		{in: "2025-01-31 25:00", err: "not a time of day"},
		{in: "2025-01-31 14:5", err: "not a time of day"},
		{in: "2025-01-31T", err: "not a time of day"},

		{in: "45678", o: DateOptions{ExcelSerial: true}, want: "2025-01-21"},
		{in: "45678.5", o: DateOptions{ExcelSerial: true}, want: "2025-01-21"},
		{in: "45678.99999999999", o: DateOptions{ExcelSerial: true}, want: "2025-01-22"},
		{in: "1", o: DateOptions{ExcelSerial: true}, want: "1900-01-01"},
		{in: "59", o: DateOptions{ExcelSerial: true}, want: "1900-02-28"},
		{in: "60", o: DateOptions{ExcelSerial: true}, err: "not a real date (1900-02-29)"},
		{in: "61", o: DateOptions{ExcelSerial: true}, want: "1900-03-01"},
		{in: "0", o: DateOptions{ExcelSerial: true}, err: "not a date"},
		{in: "999999", o: DateOptions{ExcelSerial: true}, err: "year out of range (1900–2200)"},
		{in: "20250131", o: DateOptions{ExcelSerial: true}, want: "2025-01-31"},
		{in: "2025-01-31", o: DateOptions{ExcelSerial: true}, want: "2025-01-31"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, tt.o)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseDate(%q, %+v) = %q, %v; want error %q", tt.in, tt.o, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q, %+v) = %q, %v; want %q", tt.in, tt.o, got, err, tt.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	sh := shanghai()
	tests := []struct {
		in   string
		o    DateOptions
		want time.Time
		err  string
	}{
		{in: "2025-01-31 14:05", want: time.Date(2025, 1, 31, 14, 5, 0, 0, sh)},
		{in: "2025-01-31 14:05:06", want: time.Date(2025, 1, 31, 14, 5, 6, 0, sh)},
		{in: "2025-01-31T14:05:06Z", want: time.Date(2025, 1, 31, 14, 5, 6, 0, time.UTC)},
		{in: "2025-01-31T14:05:06.123+08:00", want: time.Date(2025, 1, 31, 14, 5, 6, 123e6, sh)},
		{in: "2025-01-31 14:05:06 +0800", want: time.Date(2025, 1, 31, 14, 5, 6, 0, sh)},
		{in: "2025-01-31T14:05:06-05", want: time.Date(2025, 1, 31, 19, 5, 6, 0, time.UTC)},
		{in: "2025/1/31 14:05", want: time.Date(2025, 1, 31, 14, 5, 0, 0, sh)},
		{in: "2025/1/31 2:05 PM", want: time.Date(2025, 1, 31, 14, 5, 0, 0, sh)},
		{in: "2025/1/31 12:05 am", want: time.Date(2025, 1, 31, 0, 5, 0, 0, sh)},
		{in: "2025-01-31", want: time.Date(2025, 1, 31, 0, 0, 0, 0, sh)},
		{in: "2025-01-31 14:05", o: DateOptions{Location: time.UTC}, want: time.Date(2025, 1, 31, 14, 5, 0, 0, time.UTC)},
		{in: "45688.586805555555", o: DateOptions{ExcelSerial: true}, want: time.Date(2025, 1, 31, 14, 5, 0, 0, sh)},
		{in: "45688.5", o: DateOptions{ExcelSerial: true}, want: time.Date(2025, 1, 31, 12, 0, 0, 0, sh)},
		{in: "31/01/2025 14:05", o: DateOptions{Layout: "02/01/2006 15:04"}, want: time.Date(2025, 1, 31, 14, 5, 0, 0, sh)},
		{in: "2025-01-31 24:00", err: "not a time of day"},
		{in: "2025-01-31 13:05 PM", err: "not a time of day"},
		{in: "2025-01-31 14:05 CST", err: "not a time of day"},
		{in: "1/31/2025 14:05", err: "ambiguous date: give --date-format (e.g. 1/2/2006)"},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in, tt.o)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseDateTime(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if err == nil && got.Location() != tt.o.loc() {
			t.Errorf("ParseDateTime(%q) is in %v, want %v", tt.in, got.Location(), tt.o.loc())
		}
	}
}

// TestExcelSerialMatchesExcelize checks the serial conversion against excelize's own over the
// whole supported range. Before 1900-03-01 excelize is a day early (it counts from 1899-12-31
// as if 1900-02-29 existed there too); Excel shows serial 1 as 1900-01-01, as ParseDate does.
func TestExcelSerialMatchesExcelize(t *testing.T) {
	o := DateOptions{ExcelSerial: true, Location: time.UTC}
	for serial := 61; serial < 110000; serial += 7 {
		for _, frac := range []string{"", ".25", ".586805555555556"} {
			s := strconv.Itoa(serial) + frac
			f, _ := strconv.ParseFloat(s, 64)
			want, err := excelize.ExcelDateToTime(f, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseDateTime(s, o)
			if want.Year() > maxYear {
				if err == nil {
					t.Errorf("%s: %v, want year out of range", s, got)
				}
				continue
			}
			if err != nil || got.Sub(want).Abs() > time.Millisecond {
				t.Errorf("%s: %v, %v; excelize says %v", s, got, err, want)
			}
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2025-01-31", "2025/1/31", "2025.1.31", "2025年1月31日", "20250131", "1/2/2025", "2025-02-30",
		"2025-01-31T20:00:00Z", "2025-01-31 14:05:06.5 +08:00", "45678.5", "60", "31-Jan-25",
		"２０２５－０１－３１", "2025-01-31 2:05 PM", "",
	} {
		f.Add(s, false, "")
		f.Add(s, true, "2/1/2006")
	}
	f.Fuzz(func(t *testing.T, s string, serial bool, layout string) {
		o := DateOptions{ExcelSerial: serial, Layout: layout}
		d, err := ParseDate(s, o)
		dt, dtErr := ParseDateTime(s, o)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		p, perr := time.Parse("2006-01-02", d)
		if perr != nil || p.Year() < minYear || p.Year() > maxYear {
			t.Fatalf("ParseDate(%q) = %q", s, d)
		}
		if again, err := ParseDate(d, DateOptions{}); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, reparsed %q, %v", s, d, again, err)
		}
		if dtErr == nil && dt.Format("2006-01-02") != d {
			t.Fatalf("ParseDate(%q) = %q but ParseDateTime gives %v", s, d, dt)
		}
	})
}

func TestExcelNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0.30000000000000004", "0.3"},
		{"12.340000000000002", "12.34"},
		{"-12.339999999999998", "-12.34"},
		{"45689.586805555555", "45689.5868055556"},
		{"99999999999999999", "100000000000000000"},
		{"0.99999999999999999", "1"},
		{"1.2345678901234567E+20", "123456789012346000000"},
		{"1.2345678901234567E-7", "0.000000123456789012346"},
		{"0.000000000000000012345678901234567", "0.0000000000000000123456789012346"},
		{"1234.56", "1234.56"},
		{"123456789012345", "123456789012345"},
		{"17850.0", "17850.0"},
		{"110101199003074514X", "110101199003074514X"},
		{"1,234.5678901234567", "1,234.5678901234567"},
		{"", ""},
		{"-", "-"},
		{"1e9999", "1e9999"},
	}
	for _, tt := range tests {
		if got := ExcelNumber(tt.in); got != tt.want {
			t.Errorf("ExcelNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if v, err := ParseDecimal(ExcelNumber("0.30000000000000004"), 4); err != nil || v != 3000 {
		t.Errorf("ParseDecimal(ExcelNumber) = %d, %v", v, err)
	}
}

func BenchmarkParseDecimal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDecimal("1,234,567.89", 4); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDate("2025-01-31", DateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
