package analytics

import (
	"math/big"

	"kam"
)

// Value tiers (SPEC §C3, reference 002): platinum 铂金 (largest revenue and value), gold 黄金 (high
// revenue and loyal), iron 铁质 (ordinary), lead 铅质 (little or no profit).
const (
	TierPlatinum = "platinum"
	TierGold     = "gold"
	TierIron     = "iron"
	TierLead     = "lead"
)

// TierRules are the settings of the value tiers.
type TierRules struct {
	// LeadMargin: a customer whose profit after cost-to-serve is at most this share of its net
	// revenue (or who has no positive revenue) is lead, whatever its size.
	LeadMargin *big.Rat
	// GoldLoyalty: the share of the period's months with an order that makes a class A or B
	// customer loyal, hence gold.
	GoldLoyalty *big.Rat
}

// DefaultTiers: lead at a margin of 2% or less, gold when ordering in at least 75% of the months.
func DefaultTiers() TierRules {
	return TierRules{LeadMargin: big.NewRat(2, 100), GoldLoyalty: big.NewRat(75, 100)}
}

// Tiers assigns each customer its tier, checked in this order: lead (little or no profit);
// platinum (class A with a margin after cost-to-serve at least the portfolio's); gold (class A
// or B and loyal); iron (the rest). months is the number of months of the period.
func Tiers(figures []CustomerFigures, abc ABC, months int, r TierRules) map[int64]string {
	class := make(map[int64]string, len(abc.Ranks))
	for _, rk := range abc.Ranks {
		class[rk.CustomerID] = rk.Class
	}
	t := newTiering(figures, months, r)
	out := make(map[int64]string, len(figures))
	for i := range figures {
		out[figures[i].CustomerID] = t.of(&figures[i], class[figures[i].CustomerID])
	}
	return out
}

// tiering holds the portfolio's figures a customer's tier is measured against.
type tiering struct {
	revenue, profit kam.Money // of the customers with positive revenue
	months          int
	r               TierRules
}

func newTiering(figures []CustomerFigures, months int, r TierRules) tiering {
	t := tiering{months: months, r: r}
	for _, f := range figures {
		if f.NetRevenue > 0 {
			t.revenue += f.NetRevenue
			t.profit += f.Profit()
		}
	}
	return t
}

// of is the tier of a customer of ABC class c.
func (t tiering) of(f *CustomerFigures, c string) string {
	switch {
	case f.NetRevenue <= 0 || (Fraction{int64(f.Profit()), int64(f.NetRevenue)}).Cmp(t.r.LeadMargin) <= 0:
		return TierLead
	case c == "A" && t.revenue > 0 && cmpFrac(int64(f.Profit()), int64(f.NetRevenue), int64(t.profit), int64(t.revenue)) >= 0:
		return TierPlatinum
	case (c == "A" || c == "B") && t.months > 0 && (Fraction{int64(f.ActiveMonths), int64(t.months)}).Cmp(t.r.GoldLoyalty) >= 0:
		return TierGold
	}
	return TierIron
}
