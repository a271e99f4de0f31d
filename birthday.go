package kam

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// Birthday is a contact's birthday on the solar (Gregorian) or the Chinese lunar calendar.
// Many people in China celebrate their lunar birthday, which falls on a different solar date
// each year. Year 0 means the year is not known.
type Birthday struct {
	Calendar string `json:"calendar"` // "solar" or "lunar"
	Year     int    `json:"year"`
	Month    int    `json:"month"`
	Day      int    `json:"day"`
	Leap     bool   `json:"leap"` // lunar only: the leap (闰) month
}

// The years the lunar calendar conversion supports.
const (
	MinBirthdayYear = 1900
	MaxBirthdayYear = 2100
)

// Validate checks that the date exists on its calendar.
func (b *Birthday) Validate() error {
	if b.Calendar != "solar" && b.Calendar != "lunar" {
		return fmt.Errorf("calendar must be solar or lunar (got %q)", truncate(b.Calendar, 20))
	}
	if b.Year != 0 && (b.Year < MinBirthdayYear || b.Year > MaxBirthdayYear) {
		return fmt.Errorf("year must be between %d and %d, or 0 when unknown", MinBirthdayYear, MaxBirthdayYear)
	}
	if b.Month < 1 || b.Month > 12 {
		return errors.New("month must be 1 to 12")
	}
	if b.Calendar == "solar" {
		if b.Leap {
			return errors.New("only a lunar month can be a leap month")
		}
		y := b.Year
		if y == 0 {
			y = 2000 // a leap year, so 02-29 is allowed when the year is unknown
		}
		t := time.Date(y, time.Month(b.Month), b.Day, 0, 0, 0, 0, time.UTC)
		if b.Day < 1 || t.Day() != b.Day {
			return fmt.Errorf("%d-%02d has no day %d", y, b.Month, b.Day)
		}
		return nil
	}
	if b.Day < 1 || b.Day > 30 {
		return errors.New("a lunar day must be 1 to 30")
	}
	if b.Year == 0 {
		if b.Leap {
			return errors.New("a leap month needs the year")
		}
		return nil
	}
	n, err := lunarMonthDays(b.Year, b.Month, b.Leap)
	if err != nil {
		return err
	}
	if b.Day > n {
		return fmt.Errorf("lunar month %s of %d has only %d days", b.monthLabel(), b.Year, n)
	}
	return nil
}

func (b *Birthday) monthLabel() string {
	if b.Leap {
		return "leap " + strconv.Itoa(b.Month)
	}
	return strconv.Itoa(b.Month)
}

// lunarYearInfo is one lunar year of the generated table (lunar_table.go).
type lunarYearInfo struct {
	leap uint8   // the month that is repeated as a leap month, 0 when none
	days []uint8 // days of each month in calendar order, the leap month after its namesake
}

// lunarMonthDays returns the days in a lunar month from the generated table. The calendar
// library computes a year from astronomical series, about a millisecond each: far too slow for
// checking every stored birthday, so its results for 1900–2100 are tabulated (a test checks the
// table against the library).
func lunarMonthDays(year, month int, leap bool) (int, error) {
	if year < MinBirthdayYear || year > MaxBirthdayYear {
		return 0, fmt.Errorf("lunar year %d is outside %d–%d", year, MinBirthdayYear, MaxBirthdayYear)
	}
	y := lunarYears[year-MinBirthdayYear]
	if leap && int(y.leap) != month {
		return 0, fmt.Errorf("lunar year %d has no leap month %d", year, month)
	}
	i := month - 1
	if y.leap != 0 && (month > int(y.leap) || (leap && month == int(y.leap))) {
		i++
	}
	if i < 0 || i >= len(y.days) {
		return 0, fmt.Errorf("lunar year %d has no month %d", year, month)
	}
	return int(y.days[i]), nil
}

// String writes the birthday in its canonical text form, which ParseBirthday reads back:
// "1975-08-15", "--08-15" (year unknown), "农历1975-08-15", "农历1984-闰10-01", "农历--08-15".
func (b Birthday) String() string {
	var s strings.Builder
	if b.Calendar == "lunar" {
		s.WriteString("农历")
	}
	if b.Year != 0 {
		fmt.Fprintf(&s, "%04d-", b.Year)
	} else {
		s.WriteString("--")
	}
	if b.Leap {
		s.WriteString("闰")
	}
	fmt.Fprintf(&s, "%02d-%02d", b.Month, b.Day)
	return s.String()
}

// ReadBirthday reads a birthday in its canonical form (as String writes it and the store keeps
// it) without regular expressions, falling back to ParseBirthday for anything else. Reading the
// contacts of a card is on the hot path of every card view.
func ReadBirthday(s string) (Birthday, error) {
	b := Birthday{Calendar: "solar"}
	rest := s
	if r, ok := strings.CutPrefix(rest, "农历"); ok {
		b.Calendar, rest = "lunar", r
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, len(t) > 0
	}
	ok := true
	if r, isDash := strings.CutPrefix(rest, "--"); isDash {
		rest = r
	} else if len(rest) > 5 && rest[4] == '-' {
		b.Year, ok = num(rest[:4])
		rest = rest[5:]
	} else {
		ok = false
	}
	if r, leap := strings.CutPrefix(rest, "闰"); leap {
		b.Leap, rest = true, r
	}
	if ok && len(rest) == 5 && rest[2] == '-' {
		var okM, okD bool
		b.Month, okM = num(rest[:2])
		b.Day, okD = num(rest[3:])
		if okM && okD && b.Validate() == nil {
			return b, nil
		}
	}
	return ParseBirthday(s)
}

var (
	birthdayNumeric  = regexp.MustCompile(`^(?:(\d{4})|-)[-/.](闰)?(\d{1,2})[-/.](\d{1,2})$`)
	birthdayChinese  = regexp.MustCompile(`^(?:(\d{4})年)?(闰)?([0-9一二三四五六七八九十冬腊正]{1,3})月([0-9初一二三四五六七八九十廿卅]{1,3})日?$`)
	birthdayMonthDay = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})$`)
)

// ParseBirthday reads a birthday as people write it: "1975-08-15", "1975/8/15", "8-15",
// "1975年8月15日", "--08-15", and lunar ones with the prefix 农历 (or "L:"): "农历1975-08-15",
// "农历八月十五", "农历1984年闰十月初一", "农历腊月廿三". The result is validated.
func ParseBirthday(s string) (Birthday, error) {
	s = strings.TrimSpace(s)
	var b Birthday
	b.Calendar = "solar"
	for _, p := range []string{"农历", "阴历", "L:", "l:"} {
		if strings.HasPrefix(s, p) {
			b.Calendar = "lunar"
			s = strings.TrimSpace(strings.TrimPrefix(s, p))
			break
		}
	}
	if strings.HasPrefix(s, "公历") || strings.HasPrefix(s, "阳历") {
		s = strings.TrimSpace(s[len("公历"):])
	}
	var err error
	switch {
	case birthdayNumeric.MatchString(s):
		m := birthdayNumeric.FindStringSubmatch(s)
		b.Year, _ = strconv.Atoi(m[1])
		b.Leap = m[2] != ""
		b.Month, _ = strconv.Atoi(m[3])
		b.Day, _ = strconv.Atoi(m[4])
	case strings.HasPrefix(s, "--") && birthdayMonthDay.MatchString(s[2:]):
		m := birthdayMonthDay.FindStringSubmatch(s[2:])
		b.Month, _ = strconv.Atoi(m[1])
		b.Day, _ = strconv.Atoi(m[2])
	case birthdayMonthDay.MatchString(s):
		m := birthdayMonthDay.FindStringSubmatch(s)
		b.Month, _ = strconv.Atoi(m[1])
		b.Day, _ = strconv.Atoi(m[2])
	case birthdayChinese.MatchString(s):
		m := birthdayChinese.FindStringSubmatch(s)
		if m[1] != "" {
			b.Year, _ = strconv.Atoi(m[1])
		}
		b.Leap = m[2] != ""
		if b.Month, err = chineseNumber(m[3], true); err != nil {
			return Birthday{}, err
		}
		if b.Day, err = chineseNumber(m[4], false); err != nil {
			return Birthday{}, err
		}
	default:
		return Birthday{}, fmt.Errorf("%q is not a date such as 1975-08-15 or 农历八月十五", truncate(s, 40))
	}
	if err := b.Validate(); err != nil {
		return Birthday{}, err
	}
	return b, nil
}

var chineseDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseNumber reads 1–30 written in digits or Chinese numerals as used for lunar months and
// days (正月, 冬月, 腊月, 初八, 十五, 廿三, 三十).
func chineseNumber(s string, month bool) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	bad := fmt.Errorf("%q is not a month or day number", s)
	if month {
		switch s {
		case "正":
			return 1, nil
		case "冬":
			return 11, nil
		case "腊":
			return 12, nil
		}
	}
	r := []rune(s)
	if len(r) == 2 && r[0] == '初' {
		if d, ok := chineseDigits[r[1]]; ok {
			return d, nil
		}
		if r[1] == '十' {
			return 10, nil
		}
		return 0, bad
	}
	tens := 0
	switch {
	case len(r) >= 1 && r[0] == '十':
		tens, r = 10, r[1:]
	case len(r) >= 1 && r[0] == '廿':
		tens, r = 20, r[1:]
	case len(r) >= 1 && r[0] == '卅':
		tens, r = 30, r[1:]
	case len(r) >= 2 && r[1] == '十':
		d, ok := chineseDigits[r[0]]
		if !ok {
			return 0, bad
		}
		tens, r = d*10, r[2:]
	}
	switch len(r) {
	case 0:
		if tens == 0 {
			return 0, bad
		}
		return tens, nil
	case 1:
		d, ok := chineseDigits[r[0]]
		if !ok {
			return 0, bad
		}
		return tens + d, nil
	}
	return 0, bad
}

// NextSolarDate returns the first solar date on or after day (in its location) on which the
// birthday falls. For a lunar birthday it converts the lunar month and day of each coming lunar
// year; a missing day 30 falls back to day 29, a leap month to the ordinary month.
func (b Birthday) NextSolarDate(day time.Time) (time.Time, error) {
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, day.Location())
	for y := day.Year() - 1; y <= day.Year()+1; y++ {
		t, err := b.solarIn(y, day.Location())
		if err != nil {
			return time.Time{}, err
		}
		if !t.Before(start) {
			return t, nil
		}
	}
	return time.Time{}, errors.New("no date found")
}

func (b Birthday) solarIn(year int, loc *time.Location) (t time.Time, err error) {
	if b.Calendar == "solar" {
		d := b.Day
		if b.Month == 2 && d == 29 && time.Date(year, 3, 0, 0, 0, 0, 0, loc).Day() != 29 {
			d = 28
		}
		return time.Date(year, time.Month(b.Month), d, 0, 0, 0, 0, loc), nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lunar year %d is outside the supported calendar", year)
		}
	}()
	n, err := lunarMonthDays(year, b.Month, false)
	if err != nil {
		return time.Time{}, err
	}
	d := b.Day
	if d > n {
		d = n
	}
	s := calendar.NewLunarFromYmd(year, b.Month, d).GetSolar()
	return time.Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay(), 0, 0, 0, 0, loc), nil
}
