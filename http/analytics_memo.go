package kamhttp

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"

	"kam"
	"kam/analytics"
)

// Portfolio-wide analytics (every customer's figures over a period, as directors, admins and
// finance see them) cost a pass over the whole portfolio; dashboards and the API ask for the same
// few periods again and again while the figures stay the same. analyticsMemo keeps each result
// computed at one generation of its inputs (kam.LedgerService.AnalyticsGeneration: the rollups,
// the customer files, the settings) and answers it while that generation holds. Any write to
// those inputs, by this process or another, changes the generation, so a stale result is never
// answered. Results of narrower scopes (a rep's, a supervisor's team) depend on ownership and
// grants that change without a write to these inputs: they are computed every time, over far
// fewer customers.
type analyticsMemo struct {
	mu      sync.Mutex
	entries map[string]*memoEntry
	order   []string // keys, least recently used first
}

type memoEntry struct {
	done chan struct{}
	val  any
	err  error
}

// memoEntries bounds the memo: a result of 100,000 customers takes a few megabytes. A period
// seen on every page and route holds about 40 entries (its figures, details, models, and the
// sorted lists and summaries of the routes).
const memoEntries = 96

// memoized returns compute's result for name (which must name every input of compute but the
// generation: the model, the period, the page does not belong in it) from the memo when the
// caller sees the whole portfolio; concurrent callers of the same key wait for one computation.
// That computation runs on its own, with the caller's context but not its cancellation: at
// 100,000 customers some models take seconds the first time, and a client that gives up (a
// browser's reload, a client's timeout) must not abandon the work every other caller waits for.
func memoized[T any](s *Server, ctx context.Context, name string, compute func(context.Context) (T, error)) (T, error) {
	if !kam.SeesWholeLedger(kam.ActorFrom(ctx)) {
		if rq, _ := ctx.Value(requestKey{}).(*requestMemo); rq != nil {
			return requestOnce(rq, ctx, name, compute)
		}
		return compute(ctx)
	}
	var zero T
	gen, err := s.generation(ctx)
	if err != nil {
		return zero, err
	}
	key := name + "\x00" + gen
	m := &s.memo
	m.mu.Lock()
	if m.entries == nil {
		m.entries = map[string]*memoEntry{}
	}
	e, ok := m.entries[key]
	if ok {
		// The least recently used entry goes first: a portfolio's figures, read by every page,
		// must not give way to the many results computed from them.
		if i := slices.Index(m.order, key); i >= 0 {
			m.order = append(slices.Delete(m.order, i, i+1), key)
		}
	} else {
		e = &memoEntry{done: make(chan struct{})}
		m.entries[key] = e
		m.order = append(m.order, key)
		if len(m.order) > memoEntries {
			delete(m.entries, m.order[0])
			m.order = m.order[1:]
		}
	}
	m.mu.Unlock()
	if !ok {
		detached := context.WithoutCancel(ctx)
		go func() {
			defer close(e.done)
			defer func() {
				if r := recover(); r != nil {
					e.err = fmt.Errorf("computing %s: panic: %v", name, r)
				}
				if e.err != nil {
					// A failure is not kept: the next caller computes again.
					m.mu.Lock()
					if m.entries[key] == e {
						delete(m.entries, key)
					}
					m.mu.Unlock()
				}
			}()
			e.val, e.err = compute(detached)
		}()
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if e.err != nil {
		return zero, e.err
	}
	return e.val.(T), nil
}

// requestMemo is what one reading request (GET, HEAD) keeps of the memo: the generation it
// reads every memoized result at, and the results of its narrower scope (a rep's, a team's),
// computed once for the request.
type requestMemo struct {
	mu    sync.Mutex
	gen   string
	ok    bool
	local map[string]*requestEntry
}

type requestEntry struct {
	once sync.Once
	val  any
	err  error
}

type requestKey struct{}

// withRequestMemo gives each reading request (GET, HEAD) a requestMemo. Every memoized result
// the request asks for is then of one generation, the one read first: the parts of an answer (a
// page's figures and the lists sorted from them) agree, a result derived from inputs read at one
// generation is never kept under a later one, and the generation is read once. Results of a
// narrower scope, computed for every request, are computed once per request (a rep's page reads
// the rep's details once, not once per part). Requests that write read the generation at each
// result, after their writes.
func withRequestMemo(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			r = r.WithContext(context.WithValue(r.Context(), requestKey{}, &requestMemo{}))
		}
		h.ServeHTTP(w, r)
	})
}

// generation is the analytics generation of ctx's request (withRequestMemo), or the current one.
func (s *Server) generation(ctx context.Context) (string, error) {
	rq, _ := ctx.Value(requestKey{}).(*requestMemo)
	if rq == nil {
		return s.Ledger.AnalyticsGeneration(ctx)
	}
	rq.mu.Lock()
	defer rq.mu.Unlock()
	if !rq.ok {
		gen, err := s.Ledger.AnalyticsGeneration(ctx)
		if err != nil {
			return "", err
		}
		rq.gen, rq.ok = gen, true
	}
	return rq.gen, nil
}

// requestOnce is compute's result for name, computed once for rq's request.
func requestOnce[T any](rq *requestMemo, ctx context.Context, name string, compute func(context.Context) (T, error)) (T, error) {
	rq.mu.Lock()
	if rq.local == nil {
		rq.local = map[string]*requestEntry{}
	}
	e := rq.local[name]
	if e == nil {
		e = &requestEntry{}
		rq.local[name] = e
	}
	rq.mu.Unlock()
	e.once.Do(func() { e.val, e.err = compute(ctx) })
	v, _ := e.val.(T)
	return v, e.err
}

// The portfolio's figures and models over a period, through the memo. Their results are shared
// by every caller: read them, never change them.

// figuresOf reads every visible customer's figures over the months from–to.
func (s *Server) figuresOf(ctx context.Context, from, to string) ([]kam.CustomerPeriod, error) {
	if p, err := s.portfolioPeriodOf(ctx, from, to); err != nil || p != nil {
		return figuresIn(p), err
	}
	return memoized(s, ctx, "figures "+from+" "+to, func(ctx context.Context) ([]kam.CustomerPeriod, error) {
		return s.Ledger.PeriodFigures(ctx, from, to)
	})
}

// portfolioPeriodOf reads, for a caller who sees the whole ledger, everything the models of the
// months from–to need in one pass over the rollups (kam.LedgerService.PortfolioPeriod: the
// figures, those of the previous period, the details); nil for other callers, whose narrower
// portfolios PeriodFigures and PeriodDetails read faster than a pass over every customer's.
func (s *Server) portfolioPeriodOf(ctx context.Context, from, to string) (*kam.PortfolioPeriod, error) {
	if !kam.SeesWholeLedger(kam.ActorFrom(ctx)) {
		return nil, nil
	}
	return memoized(s, ctx, "period "+from+" "+to, func(ctx context.Context) (*kam.PortfolioPeriod, error) {
		return s.Ledger.PortfolioPeriod(ctx, from, to)
	})
}

func figuresIn(p *kam.PortfolioPeriod) []kam.CustomerPeriod {
	if p == nil {
		return nil
	}
	return p.Figures
}

// abcOf is the ABC classification of figures, the figures of from–to selected by set (a
// criteriaKey, "" for all).
func (s *Server) abcOf(ctx context.Context, from, to, set string, figures []kam.CustomerPeriod) analytics.ABC {
	abc, _ := memoized(s, ctx, "abc "+from+" "+to+" "+set, func(ctx context.Context) (analytics.ABC, error) {
		return analytics.ClassifyABC(figures, s.abcRules(ctx)), nil
	})
	return abc
}

// whaleOf is the whale curve of figures, the figures of from–to.
func (s *Server) whaleOf(ctx context.Context, from, to, set string, figures []kam.CustomerPeriod) analytics.Whale {
	w, _ := memoized(s, ctx, "whale "+from+" "+to+" "+set, func(ctx context.Context) (analytics.Whale, error) {
		return analytics.WhaleCurve(figures), nil
	})
	return w
}

// tiersOf is the value tiers of the view's figures, abc their ABC classification.
func (s *Server) tiersOf(ctx context.Context, v *view, abc analytics.ABC) map[int64]string {
	tiers, _ := memoized(s, ctx, "tiers "+v.key(), func(ctx context.Context) (map[int64]string, error) {
		_, tr := s.analyticsRules(ctx)
		return analytics.Tiers(v.figures, abc, analytics.PeriodMonths(v.from, v.to), tr), nil
	})
	return tiers
}

// runOf is every model of a stored run over figures, the figures of from–to (not stored).
func (s *Server) runOf(ctx context.Context, from, to, set string, figures []kam.CustomerPeriod) (*kam.ClassificationRun, error) {
	return memoized(s, ctx, "run "+from+" "+to+" "+set, func(ctx context.Context) (*kam.ClassificationRun, error) {
		settings, err := s.Ledger.AnalyticsSettings(ctx)
		if err != nil {
			return nil, err
		}
		return analytics.Classify(figures, from, to, "", settings), nil
	})
}

// rfmOf is the RFM scores of figures, the figures of from–to, best score first, ties by code.
func (s *Server) rfmOf(ctx context.Context, from, to, set string, figures []kam.CustomerPeriod) []analytics.RFM {
	scores, _ := memoized(s, ctx, "rfm "+from+" "+to+" "+set, func(ctx context.Context) ([]analytics.RFM, error) {
		scores := analytics.ScoreRFM(figures, to)
		sort.SliceStable(scores, func(i, j int) bool {
			if scores[i].Score != scores[j].Score {
				return scores[i].Score > scores[j].Score
			}
			return scores[i].Code < scores[j].Code
		})
		return scores, nil
	})
	return scores
}

// runMoves are two stored runs (without their results) and how each customer moved between them.
type runMoves struct {
	from, to *kam.ClassificationRun
	moves    []analytics.Move
}

// movesOf compares the stored runs with ids from and to (0: the newest run of the months fromMonths
// and toMonths, "YYYY-MM YYYY-MM"): reading two runs of every customer costs most of a second at
// 100,000 customers, and the same pair is asked for again and again.
func (s *Server) movesOf(ctx context.Context, from, to int64, fromMonths, toMonths [2]string) (runMoves, error) {
	return memoized(s, ctx, "moves "+runsKey(from, to, fromMonths, toMonths), func(ctx context.Context) (runMoves, error) {
		a, err := s.Ledger.RunResults(ctx, from, fromMonths[0], fromMonths[1])
		if err != nil {
			return runMoves{}, err
		}
		b, err := s.Ledger.RunResults(ctx, to, toMonths[0], toMonths[1])
		if err != nil {
			return runMoves{}, err
		}
		out := runMoves{moves: analytics.Moves(a.Results, b.Results)}
		a.Results, b.Results = nil, nil
		out.from, out.to = a, b
		return out, nil
	})
}

// runsKey names two runs as movesOf reads them.
func runsKey(from, to int64, fromMonths, toMonths [2]string) string {
	return fmt.Sprintf("%d %s %s %d %s %s", from, fromMonths[0], fromMonths[1], to, toMonths[0], toMonths[1])
}

// migrationOf is the migration matrix between two stored runs (as movesOf names them).
func (s *Server) migrationOf(ctx context.Context, from, to int64, fromMonths, toMonths [2]string) (runMoves, analytics.Migration, error) {
	rm, err := s.movesOf(ctx, from, to, fromMonths, toMonths)
	if err != nil {
		return rm, analytics.Migration{}, err
	}
	m, err := memoized(s, ctx, "migration "+runsKey(from, to, fromMonths, toMonths), func(context.Context) (analytics.Migration, error) {
		return analytics.MigrationOfMoves(rm.moves), nil
	})
	return rm, m, err
}
