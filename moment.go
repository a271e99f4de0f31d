package kam

import (
	"errors"
	"strings"
	"time"
)

// ParseMoment reads a moment as people and programs write it: RFC 3339 ("2026-03-01T09:00:00+08:00"),
// a local date and time in loc ("2026-03-01 09:00", "2026-03-01T09:00:00"), or a date alone, which
// means the end of that day in loc — "as of 2026-03-01" includes everything done that day.
func ParseMoment(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return time.Time{}, errors.New("is too long for a date or time")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
	}
	return time.Time{}, errors.New("is not a date such as 2026-03-01 or a time such as 2026-03-01T09:00:00+08:00")
}
