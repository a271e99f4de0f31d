package kam

import (
	"testing"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

func TestParseBirthday(t *testing.T) {
	cases := []struct {
		in   string
		want Birthday
		err  bool
	}{
		{"1975-08-15", Birthday{"solar", 1975, 8, 15, false}, false},
		{"1975/8/5", Birthday{"solar", 1975, 8, 5, false}, false},
		{"8-15", Birthday{"solar", 0, 8, 15, false}, false},
		{"--02-29", Birthday{"solar", 0, 2, 29, false}, false},
		{"1975年8月15日", Birthday{"solar", 1975, 8, 15, false}, false},
		{"农历1975-08-15", Birthday{"lunar", 1975, 8, 15, false}, false},
		{"农历八月十五", Birthday{"lunar", 0, 8, 15, false}, false},
		{"农历腊月廿三", Birthday{"lunar", 0, 12, 23, false}, false},
		{"农历正月初一", Birthday{"lunar", 0, 1, 1, false}, false},
		{"农历1984年闰十月初一", Birthday{"lunar", 1984, 10, 1, true}, false},
		{"农历2020-闰04-08", Birthday{"lunar", 2020, 4, 8, true}, false},
		{"L:1990-02-30", Birthday{"lunar", 1990, 2, 30, false}, false}, // 1990's second lunar month has 30 days
		{"1975-02-30", Birthday{}, true},                               // no such solar day
		{"1975-02-29", Birthday{}, true},                               // 1975 is not a leap year
		{"农历2023-闰03-01", Birthday{}, true},                            // 2023's leap month is the second
		{"农历1984年闰四月初一", Birthday{}, true},
		{"农历2023-02-31", Birthday{}, true},
		{"农历--闰04-08", Birthday{}, true}, // a leap month needs its year
		{"1850-01-01", Birthday{}, true},
		{"13-01", Birthday{}, true},
		{"明天", Birthday{}, true},
		{"", Birthday{}, true},
	}
	for _, tc := range cases {
		got, err := ParseBirthday(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: err %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err == nil && got != tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.in, got, tc.want)
		}
		if err == nil {
			if fast, err := ReadBirthday(got.String()); err != nil || fast != got {
				t.Errorf("%q: ReadBirthday(%q) = %+v, %v", tc.in, got.String(), fast, err)
			}
			back, err := ParseBirthday(got.String())
			if err != nil || back != got {
				t.Errorf("%q: String %q reads back as %+v, %v", tc.in, got.String(), back, err)
			}
		}
	}
}

func TestNextSolarDate(t *testing.T) {
	day := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		b    Birthday
		want string
	}{
		{Birthday{"solar", 1975, 8, 15, false}, "2026-08-15"},
		{Birthday{"solar", 0, 1, 10, false}, "2026-01-10"},
		{Birthday{"solar", 0, 1, 9, false}, "2027-01-09"},
		{Birthday{"lunar", 0, 8, 15, false}, "2026-09-25"}, // Mid-Autumn 2026
		{Birthday{"lunar", 0, 1, 1, false}, "2026-02-17"},  // Spring Festival 2026
		{Birthday{"solar", 0, 2, 29, false}, "2026-02-28"},
	}
	for _, tc := range cases {
		got, err := tc.b.NextSolarDate(day)
		if err != nil {
			t.Fatalf("%v: %v", tc.b, err)
		}
		if got.Format("2006-01-02") != tc.want {
			t.Errorf("%v: got %s, want %s", tc.b, got.Format("2006-01-02"), tc.want)
		}
	}
}

func FuzzParseBirthday(f *testing.F) {
	for _, s := range []string{"1975-08-15", "农历八月十五", "农历1984年闰十月初一", "L:1990-02-30", "--02-29", "农历廿三月卅日", "9999-99-99", "农历2100-12-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBirthday(s) // must never panic, whatever the lunar library thinks of the date
		if err != nil {
			return
		}
		if verr := b.Validate(); verr != nil {
			t.Fatalf("%q parsed to invalid %+v: %v", s, b, verr)
		}
		back, err := ParseBirthday(b.String())
		if err != nil || back != b {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, b, b.String(), back, err)
		}
		if fast, err := ReadBirthday(b.String()); err != nil || fast != b {
			t.Fatalf("ReadBirthday(%q) = %+v, %v; want %+v", b.String(), fast, err, b)
		}
		if _, err := b.NextSolarDate(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatalf("%+v: no next date: %v", b, err)
		}
	})
}

// FuzzReadBirthday: the fast reader agrees with the full parser on every input.
func FuzzReadBirthday(f *testing.F) {
	for _, s := range []string{"1975-08-15", "--08-15", "农历1984-闰10-01", "农历--08-15", "农历2023-02-30", "1975-8-15", "--8-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ferr := ReadBirthday(s)
		full, err := ParseBirthday(s)
		if (ferr == nil) != (err == nil) || fast != full {
			t.Fatalf("%q: ReadBirthday %+v, %v; ParseBirthday %+v, %v", s, fast, ferr, full, err)
		}
	})
}

func FuzzBirthdayValidate(f *testing.F) {
	f.Add("lunar", 2023, 2, 30, true)
	f.Add("solar", 2000, 2, 29, false)
	f.Add("lunar", 1900, 1, 1, false)
	f.Fuzz(func(t *testing.T, cal string, y, m, d int, leap bool) {
		b := Birthday{cal, y, m, d, leap}
		if b.Validate() != nil {
			return
		}
		if _, err := b.NextSolarDate(time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatalf("%+v valid but: %v", b, err)
		}
	})
}

// TestLunarTable checks the generated table against the calendar library for every year.
func TestLunarTable(t *testing.T) {
	for y := MinBirthdayYear; y <= MaxBirthdayYear; y++ {
		ly := calendar.NewLunarYear(y)
		for e := ly.GetMonthsInYear().Front(); e != nil; e = e.Next() {
			m := e.Value.(*calendar.LunarMonth)
			month, leap := m.GetMonth(), m.IsLeap()
			if month < 0 {
				month = -month
			}
			got, err := lunarMonthDays(y, month, leap)
			if err != nil || got != m.GetDayCount() {
				t.Fatalf("%d month %d leap %v: table %d (%v), library %d", y, month, leap, got, err, m.GetDayCount())
			}
		}
	}
}
