package sqldb

import (
	"context"

	"kam"
)

// Key accounts: the settings of the scorecard and the portfolio matrix, and each customer's
// key-account history (manual scores, decisions, importance overrides) in key_account_events.

const keyAccountSettingsKey = "key_accounts"

// KeyAccountSettings returns the scorecard's and the portfolio matrix's rules, the defaults
// until someone saves them.
func (s *LedgerService) KeyAccountSettings(ctx context.Context) (kam.KeyAccountSettings, error) {
	out := kam.DefaultKeyAccountSettings()
	if _, err := actorOf(ctx); err != nil {
		return out, err
	}
	var stored kam.KeyAccountSettings
	if err := readSetting(ctx, s.db.reader(), keyAccountSettingsKey, &stored); err != nil {
		return out, err
	}
	if stored.ScorecardWeights != nil {
		out = stored
	}
	return out, nil
}

// SaveKeyAccountSettings stores the rules (directors and admins) once they are valid.
func (s *LedgerService) SaveKeyAccountSettings(ctx context.Context, set kam.KeyAccountSettings) error {
	return s.saveRules(ctx, keyAccountSettingsKey, set, "the rules of the key-account models are set by directors and admins")
}

// KeyAccountInputs reads, for the customers the actor may see, their first month with an order,
// their wallet estimates in the year of the period's end beside our sales of those categories,
// and their key-account states: the same reads as the details of PeriodDetails and
// PortfolioPeriod (kam.KeyAccountInputsOf).
func (s *LedgerService) KeyAccountInputs(ctx context.Context, from, to string) (*kam.KeyAccountInputs, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	var in *kam.KeyAccountInputs
	err = s.db.snapshot(ctx, func(c conn) error {
		details, index, err := customerDetails(ctx, c, scope, sargs, from, to)
		if err != nil {
			return err
		}
		if err := addWalletsAndFirstMonths(ctx, c, scope, sargs, to, details, index); err != nil {
			return err
		}
		states, err := s.keyAccountStates(ctx, c, scope, sargs)
		in = kam.KeyAccountInputsOf(details, states)
		return err
	})
	return in, err
}

// KeyAccountStates reads the key-account states of the customers the actor's portfolio holds
// (those with any manual score, decision or override).
func (s *LedgerService) KeyAccountStates(ctx context.Context) (map[int64]*kam.KeyAccountState, error) {
	scope, sargs, err := s.portfolioScope(ctx)
	if err != nil {
		return nil, err
	}
	return s.keyAccountStates(ctx, s.db.reader(), scope, sargs)
}

func (s *LedgerService) keyAccountStates(ctx context.Context, c conn, scope string, sargs []any) (map[int64]*kam.KeyAccountState, error) {
	events, err := s.keyAccountEvents(ctx, c, "JOIN customers c ON c.id = e.customer_id WHERE "+scope, sargs, "e.id")
	if err != nil {
		return nil, err
	}
	byCustomer := map[int64][]kam.KeyAccountEvent{}
	for _, e := range events {
		byCustomer[e.CustomerID] = append(byCustomer[e.CustomerID], e)
	}
	states := make(map[int64]*kam.KeyAccountState, len(byCustomer))
	for id, es := range byCustomer {
		states[id] = kam.StateOf(es)
	}
	return states, nil
}

// keyAccountEvents reads events with their users' names under a join and condition.
func (s *LedgerService) keyAccountEvents(ctx context.Context, c conn, where string, args []any, order string) ([]kam.KeyAccountEvent, error) {
	rows, err := c.query(ctx, `SELECT e.id, e.customer_id, e.kind, e.criterion, e.score, e.value, e.period_from, e.period_to, e.total, e.reason,
		e.user_id, COALESCE(u.name, ''), e.at FROM key_account_events e LEFT JOIN users u ON u.id = e.user_id `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kam.KeyAccountEvent{}
	for rows.Next() {
		var e kam.KeyAccountEvent
		if err := rows.Scan(&e.ID, &e.CustomerID, &e.Kind, &e.Criterion, &e.Score, &e.Value, &e.From, &e.To, &e.Total, &e.Reason,
			&e.UserID, &e.UserName, timeScan{&e.At}); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// inPortfolio checks that the customer is one of the actor's own portfolio (not only borrowed):
// not found otherwise.
func (s *LedgerService) inPortfolio(ctx context.Context, c conn, a *kam.Actor, customerID int64) error {
	scope, sargs, err := s.db.ledgerScope(a, kam.ActView, portfolio)
	if err != nil {
		return err
	}
	var n int
	if err := c.queryRow(ctx, "SELECT COUNT(*) FROM customers c WHERE c.id = ? AND "+scope, append([]any{customerID}, sargs...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound("customer")
	}
	return nil
}

// RecordKeyAccountEvent stores a manual score (who may edit the file), a decision or an importance
// override (directors and admins) of a customer of the actor's portfolio.
func (s *LedgerService) RecordKeyAccountEvent(ctx context.Context, e *kam.KeyAccountEvent) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if err := s.inPortfolio(ctx, s.db.reader(), a, e.CustomerID); err != nil {
		return err
	}
	switch e.Kind {
	case kam.EventScore:
		if !kam.CanEditCustomer(a) {
			return kam.Errorf(kam.EForbidden, "your role may not score customers")
		}
	default:
		if !kam.CanDecideKeyAccounts(a) {
			return kam.Errorf(kam.EForbidden, "key accounts and importance grades are decided by directors and admins")
		}
	}
	if err := e.Validate(); err != nil {
		return err
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	e.UserID, e.At = a.UserID, tx.now
	if err := tx.QueryRow(`INSERT INTO key_account_events (customer_id, kind, criterion, score, value, period_from, period_to, total, reason, user_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.CustomerID, e.Kind, e.Criterion, e.Score, e.Value, e.From, e.To, e.Total, e.Reason,
		a.UserID, s.db.timeArg(tx.now)).Scan(&e.ID); err != nil {
		return err
	}
	if err := tx.QueryRow("SELECT name FROM users WHERE id = ?", a.UserID).Scan(&e.UserName); err != nil {
		e.UserName = ""
	}
	return tx.Commit()
}

// KeyAccountHistory is a customer's key-account history, newest first.
func (s *LedgerService) KeyAccountHistory(ctx context.Context, customerID int64) ([]kam.KeyAccountEvent, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c := s.db.reader()
	// Like the customer's classes, its key-account history follows the file.
	if _, err := s.customers.findCustomer(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	if err := s.inPortfolio(ctx, c, a, customerID); err != nil {
		return nil, err
	}
	return s.keyAccountEvents(ctx, c, "WHERE e.customer_id = ?", []any{customerID}, "e.id DESC")
}
