package main

import (
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// startMemProfile writes a Go heap profile to path at the largest heap the command reaches:
// every half second it reads the live heap (as the last collection marked it: the heap's objects
// also count garbage not yet collected, whose peaks come where the most is allocated, not held)
// and, when that exceeds the largest seen so far by a tenth, writes the profile again over the
// last one (so the file shows what held the memory at the peak, not what is left at the end).
// stop writes a last one if none was written and ends the sampling.
func startMemProfile(path string) (stop func()) {
	runtime.MemProfileRate = 64 << 10
	done := make(chan struct{})
	finished := make(chan struct{})
	write := func() {
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	go func() {
		defer close(finished)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		wrote := false
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if !wrote {
					write()
				}
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak+peak/10 {
				peak = v
				write()
				wrote = true
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
