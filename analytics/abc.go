// Package analytics holds the portfolio calculations of key account management (SPEC §C3): ABC
// classification, profitability and the whale curve, RFM. Pure functions over plain slices: no
// SQL, no HTTP; the store feeds them rollups.
package analytics

import (
	"cmp"
	"math/big"
	"slices"

	"kam"
)

// CustomerFigures are one customer's figures over a period.
type CustomerFigures = kam.CustomerPeriod

// ABCThresholds are the cumulative shares that close class A and class B (settings).
type ABCThresholds struct {
	A, B *big.Rat
}

// DefaultABC is 80% / 95%.
func DefaultABC() ABCThresholds { return ABCThresholds{A: big.NewRat(80, 100), B: big.NewRat(95, 100)} }

// ABCRank is one customer's place in an ABC classification.
type ABCRank struct {
	CustomerID int64
	Code       string
	Rank       int // 1 = largest revenue
	Revenue    kam.Money
	Class      string   // A, B or C
	Share      Fraction // of the total of positive revenues
	Cumulative Fraction // share of the running total including this customer
}

// ABCClass sums one class.
type ABCClass struct {
	Customers int
	Revenue   kam.Money
	Share     *big.Rat
}

// ABC is a classification of a portfolio by net revenue.
type ABC struct {
	Ranks   []ABCRank
	Classes map[string]*ABCClass
	Total   kam.Money // the sum of the positive revenues: the base of every share
	// Thresholds are the rules the classification used.
	Thresholds ABCThresholds
}

// ClassifyABC ranks customers by net revenue, descending, ties by code ascending. A customer is
// A while the running total before it is below t.A of the total, B while below t.B, else C; so the
// customer whose revenue crosses a threshold still belongs to the class it crosses. Customers with
// zero or negative revenue are C, and shares are of the sum of positive revenues only, so a
// customer with net returns does not shrink the base of the others' shares.
func ClassifyABC(cs []CustomerFigures, t ABCThresholds) ABC {
	abc, _ := classifyABC(cs, t)
	return abc
}

// classifyABC is ClassifyABC and its ranking: the index in cs of each rank's customer.
func classifyABC(cs []CustomerFigures, t ABCThresholds) (ABC, []int32) {
	order := revenueOrder(cs)
	var total kam.Money
	for _, c := range cs {
		if c.NetRevenue > 0 {
			total += c.NetRevenue
		}
	}
	out := ABC{Total: total, Classes: map[string]*ABCClass{}, Thresholds: t}
	for _, k := range []string{"A", "B", "C"} {
		out.Classes[k] = &ABCClass{Share: new(big.Rat)}
	}
	var before kam.Money
	out.Ranks = make([]ABCRank, 0, len(order))
	for i, j := range order {
		c := &cs[j]
		r := ABCRank{CustomerID: c.CustomerID, Code: c.Code, Rank: i + 1, Revenue: c.NetRevenue, Class: "C"}
		if total > 0 {
			r.Share = Fraction{int64(c.NetRevenue), int64(total)}
			r.Cumulative = Fraction{int64(before + max(c.NetRevenue, 0)), int64(total)}
			prior := Fraction{int64(before), int64(total)}
			if c.NetRevenue > 0 {
				switch {
				case prior.Cmp(t.A) < 0:
					r.Class = "A"
				case prior.Cmp(t.B) < 0:
					r.Class = "B"
				}
			}
		}
		if c.NetRevenue > 0 {
			before += c.NetRevenue
		}
		cl := out.Classes[r.Class]
		cl.Customers++
		cl.Revenue += c.NetRevenue
		out.Ranks = append(out.Ranks, r)
	}
	for _, cl := range out.Classes {
		if total > 0 {
			cl.Share = big.NewRat(int64(cl.Revenue), int64(total))
		}
	}
	return out, order
}

// revenueOrder ranks the figures by net revenue, descending, ties by code ascending (codes are
// unique, so the order is total and an unstable sort gives the same ranking every time): the
// index in cs of each rank's customer. Indexes are sorted rather than the records: moving
// 100,000 records around costs more than the comparisons.
func revenueOrder(cs []CustomerFigures) []int32 {
	order := make([]int32, len(cs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &cs[i], &cs[j]
		if c := cmp.Compare(b.NetRevenue, a.NetRevenue); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return order
}
