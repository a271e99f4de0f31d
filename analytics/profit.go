package analytics

import (
	"cmp"
	"math/big"
	"slices"

	"kam"
)

// Whale is the whale curve of a portfolio: customers ranked by profit (after cost-to-serve),
// descending, with the cumulative profit. Its peak is where the cost customers start to eat the
// profit the others make (Kaplan's whale curve).
type Whale struct {
	Points []WhalePoint
	Total  kam.Money // the portfolio's profit
	// PeakShare is the peak of the cumulative profit as a fraction of the total profit (e.g.
	// 1.2487: the best customers make 124.87% of what the portfolio keeps); nil when the total
	// is not positive.
	PeakShare *big.Rat
	PeakRank  int
	// CostCustomers counts customers with negative profit; ProfitCustomers the others with profit > 0.
	CostCustomers, ProfitCustomers int
}

// WhalePoint is one customer on the curve.
type WhalePoint struct {
	CustomerID int64
	Code       string
	Rank       int
	Profit     kam.Money
	Cumulative kam.Money
}

// WhaleCurve ranks customers by profit, descending, ties by code ascending.
func WhaleCurve(cs []CustomerFigures) Whale {
	sorted := make([]*CustomerFigures, len(cs))
	for i := range cs {
		sorted[i] = &cs[i]
	}
	slices.SortFunc(sorted, func(a, b *CustomerFigures) int {
		if c := cmp.Compare(b.Profit(), a.Profit()); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	w := Whale{Points: make([]WhalePoint, 0, len(sorted))}
	var cum kam.Money
	for i, c := range sorted {
		cum += c.Profit()
		w.Points = append(w.Points, WhalePoint{CustomerID: c.CustomerID, Code: c.Code, Rank: i + 1, Profit: c.Profit(), Cumulative: cum})
	}
	w.sum(len(sorted), func(i int) kam.Money { return sorted[i].Profit() })
	return w
}

// whaleTotals is WhaleCurve without its points: the totals, the peak and the counts, which do not
// depend on the order of equal profits, so that the profits alone are sorted.
func whaleTotals(cs []CustomerFigures) Whale {
	profits := make([]kam.Money, len(cs))
	for i := range cs {
		profits[i] = cs[i].Profit()
	}
	slices.SortFunc(profits, func(a, b kam.Money) int { return cmp.Compare(b, a) })
	var w Whale
	w.sum(len(profits), func(i int) kam.Money { return profits[i] })
	return w
}

// sum fills in the totals of a whale curve from its n profits, largest first.
func (w *Whale) sum(n int, profit func(i int) kam.Money) {
	var cum, peak kam.Money
	for i := range n {
		p := profit(i)
		cum += p
		if i == 0 || cum > peak {
			peak, w.PeakRank = cum, i+1
		}
		switch {
		case p < 0:
			w.CostCustomers++
		case p > 0:
			w.ProfitCustomers++
		}
	}
	w.Total = cum
	if cum > 0 {
		w.PeakShare = big.NewRat(int64(peak), int64(cum))
	}
}
