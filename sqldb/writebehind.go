package sqldb

import (
	"database/sql"
	"runtime"
	"sync"
	"sync/atomic"
)

// A bulk write (an import) spends about as long preparing its rows (parsing, checking, resolving
// codes, summing rollups) as the database spends storing them. Write-behind overlaps the two: the
// session queues its pure writes — rows it does not read back before the commit — and goes on
// with the next batch while a goroutine of the transaction's own runs them, one after another in
// the order queued. Everything else the transaction does first waits until the queue is empty
// (settle): a query, a statement run at once, the commit. So the transaction sees, at every
// statement of the session, exactly what it would have seen had each write run when queued, and
// two statements never run on the connection at the same time.
//
// One exception, for the reads an import makes in every batch: between runs a read between two
// queued writes, without waiting for the rest, for a caller that knows that no write still queued
// touches what it reads (settleUpTo waits for the writes up to one).
//
// A queued write that fails fails the transaction: its error is returned by the next statement,
// write or commit of the session, and Commit rolls back instead.

// behindQueue bounds the writes waiting: a queued write holds its rows, so memory stays bounded
// by a few batches however far the session could run ahead.
const behindQueue = 8

type writeBehind struct {
	jobs chan func(*Tx) error
	own  *Tx        // the transaction as the goroutine uses it: no write-behind of its own
	run  sync.Mutex // held while a statement of a queued write runs (or a read between them)
	// readers counts the reads waiting for run: the goroutine yields to them after a statement.
	readers atomic.Int32
	exited  chan struct{}
	queued  uint64 // writes queued so far (the session's goroutine only)

	mu   sync.Mutex
	cond *sync.Cond
	done uint64 // writes finished
	err  error  // the first failed write's
}

// startWriteBehind gives tx a write-behind goroutine. The goroutine writes through a copy of tx
// that has none, sharing its connection and prepared statements: they are never used by both at
// once.
func (tx *Tx) startWriteBehind() {
	if tx.behind != nil {
		return
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	own := *tx
	w := &writeBehind{jobs: make(chan func(*Tx) error, behindQueue), own: &own, exited: make(chan struct{})}
	own.running = w
	w.cond = sync.NewCond(&w.mu)
	tx.behind = w
	go func() {
		defer close(w.exited)
		for job := range w.jobs {
			var err error
			if w.failed() == nil {
				err = job(w.own)
			}
			w.mu.Lock()
			if err != nil && w.err == nil {
				w.err = err
			}
			w.done++
			w.cond.Broadcast()
			w.mu.Unlock()
		}
	}()
}

func (w *writeBehind) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// later runs fn with the transaction: queued behind the session's earlier writes when the
// transaction writes behind, at once otherwise. fn must own what it writes: the session may
// change anything else as soon as later returns. fn only writes, through the statements that
// hold the connection one at a time (execPrepared, copyRows, Exec): a read between writes may run
// between any two of them, and a query of fn's own would not wait for it.
func (tx *Tx) later(fn func(*Tx) error) error {
	w := tx.behind
	if w == nil {
		return fn(tx)
	}
	if err := w.failed(); err != nil {
		return err
	}
	w.queued++
	w.jobs <- fn
	return nil
}

// lastQueued numbers the write queued last (for settleUpTo); 0 when none was.
func (tx *Tx) lastQueued() uint64 {
	if tx.behind == nil {
		return 0
	}
	return tx.behind.queued
}

// settleUpTo waits until the writes up to the n-th queued have run; it returns the first error
// among the writes finished.
func (tx *Tx) settleUpTo(n uint64) error {
	w := tx.behind
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.done < n && w.err == nil {
		w.cond.Wait()
	}
	return w.err
}

// settle waits until every queued write has run, and returns the first error among them.
func (tx *Tx) settle() error {
	if tx.behind == nil {
		return nil
	}
	return tx.settleUpTo(tx.behind.queued)
}

// between runs read at once, between two statements of the queued writes, with the rest still to
// run after it. The caller must know that none of them touches what read reads (see settleUpTo).
// read may only query.
func (tx *Tx) between(read func(*Tx) error) error {
	w := tx.behind
	if w == nil {
		return read(tx)
	}
	if err := w.failed(); err != nil {
		return err
	}
	w.readers.Add(1)
	w.run.Lock()
	w.readers.Add(-1)
	defer w.run.Unlock()
	return read(w.own)
}

// stopWriteBehind waits for the queued writes and ends the goroutine; the transaction then writes
// at once again.
func (tx *Tx) stopWriteBehind() error {
	w := tx.behind
	if w == nil {
		return nil
	}
	err := tx.settle()
	close(w.jobs)
	<-w.exited
	tx.behind = nil
	return err
}

// statement holds the connection for one statement of a queued write, and returns its release.
func (tx *Tx) statement() func() {
	w := tx.running
	if w == nil {
		return func() {}
	}
	w.run.Lock()
	return func() {
		w.run.Unlock()
		if w.readers.Load() > 0 {
			// The session's goroutine waits to read: let it run now rather than when the
			// scheduler next preempts this one (the import keeps every core busy).
			runtime.Gosched()
		}
	}
}
