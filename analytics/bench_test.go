package analytics

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"kam"
)

// portfolio makes n customers' figures with a Pareto-like skew of revenue, some losses and
// customers without orders, as the benchmarks' portfolios have.
func portfolio(n int) []CustomerFigures {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]CustomerFigures, n)
	for i := range out {
		rev := kam.Money(r.ExpFloat64() * 1e10 / float64(1+i%97))
		out[i] = kam.CustomerPeriod{CustomerID: int64(i + 1), Code: fmt.Sprintf("C%06d", i+1), NetRevenue: rev,
			GrossProfit: rev / kam.Money(3+r.IntN(5)), CostToServe: kam.Money(r.Int64N(1e8)), Orders: int64(r.IntN(40)),
			LastMonth: fmt.Sprintf("2025-%02d", 1+r.IntN(12)), ActiveMonths: r.IntN(13)}
	}
	return out
}

// BenchmarkClassify times every model of a stored run over 100,000 customers; the ABC alone is
// its baseline.
func BenchmarkClassify(b *testing.B) {
	figures := portfolio(100000)
	b.Run("abc", func(b *testing.B) {
		for b.Loop() {
			ClassifyABC(figures, DefaultABC())
		}
	})
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			Classify(figures, "2025-01", "2025-12", "manual", kam.DefaultAnalyticsSettings())
		}
	})
	b.Run("rfm", func(b *testing.B) {
		for b.Loop() {
			ScoreRFM(figures, "2025-12")
		}
	})
}
