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
	var revenue, profit kam.Money
	for _, f := range figures {
		if f.NetRevenue > 0 {
			revenue += f.NetRevenue
			profit += f.Profit()
		}
	}
	out := make(map[int64]string, len(figures))
	for _, f := range figures {
		c := class[f.CustomerID]
		switch {
		case f.NetRevenue <= 0 || (Fraction{int64(f.Profit()), int64(f.NetRevenue)}).Cmp(r.LeadMargin) <= 0:
			out[f.CustomerID] = TierLead
		case c == "A" && revenue > 0 && cmpFrac(int64(f.Profit()), int64(f.NetRevenue), int64(profit), int64(revenue)) >= 0:
			out[f.CustomerID] = TierPlatinum
		case (c == "A" || c == "B") && months > 0 && (Fraction{int64(f.ActiveMonths), int64(months)}).Cmp(r.GoldLoyalty) >= 0:
			out[f.CustomerID] = TierGold
		default:
			out[f.CustomerID] = TierIron
		}
	}
	return out
}
