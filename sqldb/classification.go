package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"kam"
)

// SaveClassification stores a classification run with every customer's result. Runs classify the
// whole portfolio, so only roles that see every file may store one.
func (s *LedgerService) SaveClassification(ctx context.Context, run *kam.ClassificationRun) error {
	return s.saveClassification(ctx, run, resultsPerCopy)
}

// resultsPerCopy is how many results SaveClassification copies at once: the rows of a copy are
// made for it, so that a run of any size holds a few thousand of them at a time instead of all
// (100,000 customers' rows are some 40 MB of boxed values).
const resultsPerCopy = 5000

func (s *LedgerService) saveClassification(ctx context.Context, run *kam.ClassificationRun, per int) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if s, _ := kam.Allowed(a, kam.ActView, kam.ResLedger); s != kam.ScopeAll || kam.CustomerScope(a) != kam.ScopeAll {
		return kam.Errorf(kam.EForbidden, "a classification of the portfolio is stored by directors and admins")
	}
	settings, err := json.Marshal(run.Settings)
	if err != nil {
		return err
	}
	summary, err := json.Marshal(run.Summary)
	if err != nil {
		return err
	}
	if s.db.dialect == SQLite {
		restore, err := s.db.smallWriteCache(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	// On a connection of its own, so that PostgreSQL takes the results by COPY.
	tx, err := s.db.beginConn(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	run.At = tx.now
	err = tx.QueryRow(`INSERT INTO classification_runs (period_from, period_to, source, user_id, at, settings, summary)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, run.From, run.To, run.Source, a.UserID, s.db.timeArg(tx.now), string(settings), string(summary)).Scan(&run.ID)
	if err != nil {
		return err
	}
	cols := []string{"run_id", "customer_id", "abc", "tier", "abc_rank", "net_revenue", "profit", "key_total", "key_state", "quadrant", "grade", "lamp", "loyalty"}
	// In the order of the customers: the indexes of customer_classes take them in their order,
	// each page once, instead of all over them in the order of the ranks.
	order := make([]int32, len(run.Results))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(run.Results[a].CustomerID, run.Results[b].CustomerID) })
	vals := make([]any, 0, min(per, len(order))*len(cols))
	rows := make([][]any, 0, min(per, len(order)))
	for lo := 0; lo < len(order); lo += per {
		vals, rows = vals[:0], rows[:0]
		for _, i := range order[lo:min(lo+per, len(order))] {
			r := &run.Results[i]
			n := len(vals)
			vals = append(vals, run.ID, r.CustomerID, r.ABC, r.Tier, int64(r.ABCRank), int64(r.NetRevenue), int64(r.Profit), r.KeyTotal, r.KeyState, r.Quadrant,
				r.Grade, r.LAMP, r.Loyalty)
			rows = append(rows, vals[n:len(vals):len(vals)])
		}
		if err := tx.copyRows("customer_classes", cols, rows); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// smallWriteCache gives SQLite's writer a small page cache until restore: a run's results write
// each page of customer_classes once, and the writer's cache, kept large for imports, would
// otherwise fill with them (its pages cost the process about twice their size: 32 MB of cache,
// some 60 MB).
func (db *DB) smallWriteCache(ctx context.Context) (restore func(), err error) {
	var size int64
	if err := db.write.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA cache_size = -2000"); err != nil {
		return nil, err
	}
	return func() { db.write.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", size)) }, nil
}

// CustomerClasses returns a customer's results in every run, newest first.
func (s *LedgerService) CustomerClasses(ctx context.Context, customerID int64) ([]kam.CustomerClassAt, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	cu, err := s.customers.findCustomer(ctx, c, a, customerID)
	if err != nil {
		return nil, err
	}
	if !kam.CanViewLedger(a) {
		return nil, kam.Errorf(kam.EForbidden, "your role may not see sales figures")
	}
	rows, err := c.query(ctx, `SELECT r.id, r.period_from, r.period_to, r.at, k.customer_id, k.abc, k.tier, k.abc_rank, k.net_revenue, k.profit,
		k.key_total, k.key_state, k.quadrant, k.grade, k.lamp, k.loyalty
		FROM customer_classes k JOIN classification_runs r ON r.id = k.run_id WHERE k.customer_id = ? ORDER BY r.id DESC LIMIT 500`, customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.CustomerClassAt{}
	for rows.Next() {
		var h kam.CustomerClassAt
		if err := rows.Scan(&h.RunID, &h.From, &h.To, timeScan{&h.At}, &h.CustomerID, &h.ABC, &h.Tier, &h.ABCRank, &h.NetRevenue, &h.Profit,
			&h.KeyTotal, &h.KeyState, &h.Quadrant, &h.Grade, &h.LAMP, &h.Loyalty); err != nil {
			return nil, err
		}
		h.Code = cu.Code
		out = append(out, h)
	}
	return out, rows.Err()
}

// RunResults returns a stored run and the results of the customers the actor may see. With id 0
// it finds the newest run of the period from–to.
func (s *LedgerService) RunResults(ctx context.Context, id int64, from, to string) (*kam.ClassificationRun, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	run := &kam.ClassificationRun{}
	var row interface{ Scan(...any) error }
	if id != 0 {
		row = c.queryRow(ctx, "SELECT id, period_from, period_to, source, at FROM classification_runs WHERE id = ?", id)
	} else {
		row = c.queryRow(ctx, "SELECT id, period_from, period_to, source, at FROM classification_runs WHERE period_from = ? AND period_to = ? ORDER BY id DESC LIMIT 1", from, to)
	}
	if err := row.Scan(&run.ID, &run.From, &run.To, &run.Source, timeScan{&run.At}); errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("classification run")
	} else if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT k.customer_id, c.code, k.abc, k.tier, k.abc_rank, k.net_revenue, k.profit, k.key_total, k.key_state, k.quadrant, k.grade,
		k.lamp, k.loyalty
		FROM customer_classes k
		JOIN customers c ON c.id = k.customer_id WHERE k.run_id = ? AND `+scope+` ORDER BY k.abc_rank`, append([]any{run.ID}, sargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r kam.CustomerClass
		if err := rows.Scan(&r.CustomerID, &r.Code, &r.ABC, &r.Tier, &r.ABCRank, &r.NetRevenue, &r.Profit, &r.KeyTotal, &r.KeyState, &r.Quadrant, &r.Grade,
			&r.LAMP, &r.Loyalty); err != nil {
			return nil, err
		}
		run.Results = append(run.Results, r)
	}
	return run, rows.Err()
}

// ClassificationRuns lists the stored runs, newest first, without their results: the runs are
// the portfolio's (who may see the ledger may choose among them); their results are read through
// RunResults, within the actor's scope.
func (s *LedgerService) ClassificationRuns(ctx context.Context, limit int) ([]*kam.ClassificationRun, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.db.ledgerScope(a, kam.ActView, portfolio); err != nil {
		return nil, err
	}
	rows, err := s.db.reader().query(ctx, "SELECT id, period_from, period_to, source, at FROM classification_runs ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*kam.ClassificationRun{}
	for rows.Next() {
		r := &kam.ClassificationRun{}
		if err := rows.Scan(&r.ID, &r.From, &r.To, &r.Source, timeScan{&r.At}); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const analyticsSettingsKey = "analytics"

// AnalyticsSettings returns the models' thresholds, the defaults until someone saves them.
func (s *LedgerService) AnalyticsSettings(ctx context.Context) (kam.AnalyticsSettings, error) {
	out := kam.DefaultAnalyticsSettings()
	if _, err := actorOf(ctx); err != nil {
		return out, err
	}
	if err := readSetting(ctx, s.db.reader(), analyticsSettingsKey, &out); err != nil {
		return kam.DefaultAnalyticsSettings(), err
	}
	out.BehaviourSettings.Fill()
	return out, nil
}

// SaveAnalyticsSettings stores the models' thresholds (directors and admins).
func (s *LedgerService) SaveAnalyticsSettings(ctx context.Context, set kam.AnalyticsSettings) error {
	set.BehaviourSettings.Fill()
	return s.saveRules(ctx, analyticsSettingsKey, set, "the rules of the portfolio models are set by directors and admins")
}
