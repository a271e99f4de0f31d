package analytics

import "kam"

// PeriodMonths is the number of months of the period from–to (YYYY-MM, both included).
func PeriodMonths(from, to string) int { return monthsBetween(from, to) + 1 }

// Absent stands for a customer missing from one of two runs: new in the later one, or gone.
const Absent = "-"

// Move is one customer's place in two runs, for the drill-down of a migration matrix: its class
// and tier before and after (Absent when it is not in that run) and its figures in each.
type Move struct {
	CustomerID             int64
	Code                   string
	FromClass, ToClass     string
	FromTier, ToTier       string
	FromRank, ToRank       int
	FromRevenue, ToRevenue kam.Money
}

// Moves pairs the results of two runs by customer: every customer of the later run in its order
// (by rank), then those of the earlier run that are gone, in theirs.
func Moves(before, after []kam.CustomerClass) []Move {
	was := make(map[int64]kam.CustomerClass, len(before))
	for _, r := range before {
		was[r.CustomerID] = r
	}
	out := make([]Move, 0, len(after))
	seen := make(map[int64]bool, len(after))
	for _, r := range after {
		m := Move{CustomerID: r.CustomerID, Code: r.Code, FromClass: Absent, FromTier: Absent, ToClass: r.ABC, ToTier: r.Tier, ToRank: r.ABCRank, ToRevenue: r.NetRevenue}
		if b, ok := was[r.CustomerID]; ok {
			m.FromClass, m.FromTier, m.FromRank, m.FromRevenue = b.ABC, b.Tier, b.ABCRank, b.NetRevenue
		}
		seen[r.CustomerID] = true
		out = append(out, m)
	}
	for _, b := range before {
		if !seen[b.CustomerID] {
			out = append(out, Move{CustomerID: b.CustomerID, Code: b.Code, FromClass: b.ABC, FromTier: b.Tier, FromRank: b.ABCRank, FromRevenue: b.NetRevenue,
				ToClass: Absent, ToTier: Absent})
		}
	}
	return out
}
