package sqldb

import (
	"context"
	"encoding/json"

	"kam"
)

// SaveClassification stores a classification run with every customer's result. Runs classify the
// whole portfolio, so only roles that see every file may store one.
func (s *LedgerService) SaveClassification(ctx context.Context, run *kam.ClassificationRun) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if kam.CustomerScope(a) != kam.ScopeAll {
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
	tx, err := s.db.Begin(ctx)
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
	rows := make([][]any, len(run.Results))
	for i, r := range run.Results {
		rows[i] = []any{run.ID, r.CustomerID, r.ABC, int64(r.ABCRank), int64(r.NetRevenue), int64(r.Profit)}
	}
	if err := tx.insertRows("customer_classes", "run_id, customer_id, abc, abc_rank, net_revenue, profit", rows); err != nil {
		return err
	}
	return tx.Commit()
}

// CustomerClasses returns a customer's results in every run, newest first.
func (s *LedgerService) CustomerClasses(ctx context.Context, customerID int64) ([]kam.CustomerClassAt, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	if _, err := s.customers.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	if !kam.CanViewLedger(a) {
		return nil, kam.Errorf(kam.EForbidden, "your role may not see sales figures")
	}
	rows, err := c.query(ctx, `SELECT r.id, r.period_from, r.period_to, r.at, k.customer_id, k.abc, k.abc_rank, k.net_revenue, k.profit
		FROM customer_classes k JOIN classification_runs r ON r.id = k.run_id WHERE k.customer_id = ? ORDER BY r.id DESC LIMIT 500`, customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.CustomerClassAt{}
	for rows.Next() {
		var h kam.CustomerClassAt
		if err := rows.Scan(&h.RunID, &h.From, &h.To, timeScan{&h.At}, &h.CustomerID, &h.ABC, &h.ABCRank, &h.NetRevenue, &h.Profit); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
