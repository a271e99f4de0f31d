package jobs

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

func TestDailyNext(t *testing.T) {
	d := Daily{Hour: 2, Minute: 30, Location: shanghai}
	cases := []struct{ now, want string }{
		{"2026-11-23T01:00:00+08:00", "2026-11-23T02:30:00+08:00"},
		{"2026-11-23T02:30:00+08:00", "2026-11-24T02:30:00+08:00"}, // exactly at the time: tomorrow
		{"2026-11-23T23:59:00+08:00", "2026-11-24T02:30:00+08:00"},
		{"2026-12-31T18:40:00Z", "2027-01-02T02:30:00+08:00"}, // already Jan 1st 02:40 in Shanghai
	}
	for _, c := range cases {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.want)
		if got := d.Next(now); !got.Equal(want) {
			t.Errorf("Next(%s) = %s, want %s", c.now, got, want)
		}
	}
}

// fakeClock moves only when a waiter is released, by the test.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiting chan time.Duration
	release chan time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waiting <- d
	return c.release
}

func TestSchedulerRunsDaily(t *testing.T) {
	start, _ := time.Parse(time.RFC3339, "2026-11-23T10:00:00+08:00")
	clock := &fakeClock{now: start, waiting: make(chan time.Duration), release: make(chan time.Time)}
	runs := make(chan time.Time, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &Scheduler{Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go s.RunDaily(ctx, Daily{Name: "classify", Hour: 2, Location: shanghai, Run: func(ctx context.Context, now time.Time) error {
		runs <- now
		return nil
	}})
	for day := 0; day < 2; day++ {
		wait := <-clock.waiting
		want := time.Date(2026, 11, 24+day, 2, 0, 0, 0, shanghai).Sub(clock.Now())
		if wait != want {
			t.Fatalf("day %d: waits %s, want %s", day, wait, want)
		}
		clock.mu.Lock()
		clock.now = clock.now.Add(wait)
		clock.mu.Unlock()
		clock.release <- clock.now
		if got := <-runs; !got.Equal(time.Date(2026, 11, 24+day, 2, 0, 0, 0, shanghai)) {
			t.Fatalf("ran at %s", got)
		}
	}
}
