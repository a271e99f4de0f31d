package sqldb

import (
	"context"
	"strconv"
)

// AnalyticsGeneration names the state of everything a portfolio-wide analytics result is computed
// from: the rollups (the ledger's generation, raised by every transaction that changes them), the
// customer files (their newest change: codes, names, segments, new and deleted files) and the
// settings (how many and the newest update), the key-account records (manual scores,
// decisions, overrides) and the stored classification runs (the newest: "the latest run of a
// period" changes with it). Equal values mean equal inputs, whichever process
// wrote them, so a result computed at one generation may be answered while it holds.
func (s *LedgerService) AnalyticsGeneration(ctx context.Context) (string, error) {
	var gen, change, settings, events, runs int64
	var updated *string
	err := s.db.reader().queryRow(ctx, `SELECT (SELECT generation FROM ledger_generation WHERE id = 1),
		(SELECT COALESCE(MAX(id), 0) FROM changes), (SELECT COUNT(*) FROM settings), (SELECT CAST(MAX(updated_at) AS TEXT) FROM settings),
		(SELECT COALESCE(MAX(id), 0) FROM key_account_events), (SELECT COALESCE(MAX(id), 0) FROM classification_runs)`).
		Scan(&gen, &change, &settings, &updated, &events, &runs)
	if err != nil {
		return "", err
	}
	key := strconv.FormatInt(gen, 10) + "/" + strconv.FormatInt(change, 10) + "/" + strconv.FormatInt(settings, 10) + "/" + strconv.FormatInt(events, 10) +
		"/" + strconv.FormatInt(runs, 10)
	if updated != nil {
		key += "/" + *updated
	}
	return key, nil
}
