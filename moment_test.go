package kam

import (
	"testing"
	"time"
)

func TestParseMoment(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	cases := []struct {
		in   string
		want string // RFC 3339 in UTC, or "" for an error
	}{
		{"2026-03-01T09:00:00+08:00", "2026-03-01T01:00:00Z"},
		{"2026-03-01T01:00:00.5Z", "2026-03-01T01:00:00.5Z"},
		{"2026-03-01 09:00", "2026-03-01T01:00:00Z"},
		{"2026-03-01T09:00:30", "2026-03-01T01:00:30Z"},
		{"2026-03-01", "2026-03-01T15:59:59.999999999Z"}, // the end of the day in Shanghai
		{"2026-02-30", ""},
		{"yesterday", ""},
		{"", ""},
	}
	for _, tc := range cases {
		got, err := ParseMoment(tc.in, sh)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: want an error, got %v", tc.in, got)
			}
			continue
		}
		if err != nil || got.UTC().Format(time.RFC3339Nano) != tc.want {
			t.Errorf("%q: got %v, %v; want %s", tc.in, got.UTC().Format(time.RFC3339Nano), err, tc.want)
		}
	}
}

func FuzzParseMoment(f *testing.F) {
	for _, s := range []string{"2026-03-01", "2026-03-01T09:00:00+08:00", "2026-03-01 09:00", "9999-12-31", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	sh := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoment(s, sh)
		if err != nil {
			return
		}
		// Whatever parses formats back to a moment that parses to the same instant.
		back, err := ParseMoment(m.Format(time.RFC3339Nano), sh)
		if err != nil || !back.Equal(m) {
			t.Fatalf("%q → %v → %v, %v", s, m, back, err)
		}
	})
}
