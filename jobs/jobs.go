// Package jobs runs KAM's scheduled work inside `kam serve`: the nightly classification of the
// portfolio now, reminders and alerts later. A job is a function; the scheduler calls it at a
// time of day in the business time zone, one run at a time.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Clock is the scheduler's view of time; tests replace it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Daily is a job run once a day at Hour:Minute in Location.
type Daily struct {
	Name     string
	Hour     int
	Minute   int
	Location *time.Location
	Run      func(ctx context.Context, now time.Time) error
}

// Next returns the first moment after t at which the job runs.
func (d Daily) Next(t time.Time) time.Time {
	l := t.In(d.Location)
	next := time.Date(l.Year(), l.Month(), l.Day(), d.Hour, d.Minute, 0, 0, d.Location)
	if !next.After(t) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, d.Hour, d.Minute, 0, 0, d.Location)
	}
	return next
}

// Scheduler runs daily jobs until its context ends.
type Scheduler struct {
	Clock  Clock
	Logger *slog.Logger
}

// RunDaily runs job every day until ctx is done. A failed run is logged; the next day runs again.
func (s *Scheduler) RunDaily(ctx context.Context, job Daily) {
	clock := s.Clock
	if clock == nil {
		clock = realClock{}
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	for {
		now := clock.Now()
		next := job.Next(now)
		select {
		case <-ctx.Done():
			return
		case <-clock.After(next.Sub(now)):
		}
		start := clock.Now()
		if err := job.Run(ctx, start); err != nil {
			logger.Error("scheduled job failed", "job", job.Name, "err", err)
			continue
		}
		logger.Info("scheduled job done", "job", job.Name, "took", clock.Now().Sub(start).Round(time.Millisecond))
	}
}
