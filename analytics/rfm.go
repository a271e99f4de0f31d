package analytics

import (
	"kam"
)

// RFM scores customers 1–5 on recency, frequency and monetary value over a period, by quintiles.
//
// Measures, from the monthly rollups: recency is the number of months from the customer's last
// month with a sales order to the period's last month (0 = ordered in the last month); frequency
// is the number of sales orders in the period; monetary is the net revenue. Only customers with at
// least one order in the period are scored; the others are listed with zero scores.
//
// Binning: the scored customers are sorted from worst to best on each measure (most months since,
// fewest orders, least revenue first); the customer at position i (0-based) of n gets score
// 1 + floor(5 × i / n). Ties: customers with equal values all get the score of the first of them
// in that order, so equal customers never get different scores and a score may be skipped.
type RFM struct {
	CustomerID int64     `json:"customer_id"`
	Code       string    `json:"code"`
	Recency    int       `json:"recency_months"`
	Frequency  int64     `json:"frequency"`
	Monetary   kam.Money `json:"monetary"`
	R, F, M    int       `json:"-"`
	Score      string    `json:"score"` // e.g. "545"; "" for a customer without orders
}

// ScoreRFM scores figures over a period ending in month to (YYYY-MM).
func ScoreRFM(figures []CustomerFigures, to string) []RFM {
	out := make([]RFM, len(figures))
	var scored []int
	for i, f := range figures {
		out[i] = RFM{CustomerID: f.CustomerID, Code: f.Code, Frequency: f.Orders, Monetary: f.NetRevenue, Recency: -1}
		if f.Orders > 0 && f.LastMonth != "" {
			out[i].Recency = monthsBetween(f.LastMonth, to)
			scored = append(scored, i)
		}
	}
	rank := codeRanks(len(out), func(i int) string { return out[i].Code })
	// Worse first: more months since the last order, fewer orders, less revenue.
	quintilesBy(scored, func(i int) int64 { return int64(-out[i].Recency) }, rank, func(i, s int) { out[i].R = s })
	quintilesBy(scored, func(i int) int64 { return out[i].Frequency }, rank, func(i, s int) { out[i].F = s })
	quintilesBy(scored, func(i int) int64 { return int64(out[i].Monetary) }, rank, func(i, s int) { out[i].M = s })
	for _, i := range scored {
		out[i].Score = string(rune('0'+out[i].R)) + string(rune('0'+out[i].F)) + string(rune('0'+out[i].M))
	}
	return out
}

// monthsBetween counts months from a to b (YYYY-MM).
func monthsBetween(a, b string) int {
	return int(monthOf(b)/100-monthOf(a)/100)*12 + int(monthOf(b)%100-monthOf(a)%100)
}

func monthOf(m string) int32 {
	if len(m) < 7 {
		return 0
	}
	y := int32(m[0]-'0')*1000 + int32(m[1]-'0')*100 + int32(m[2]-'0')*10 + int32(m[3]-'0')
	return y*100 + int32(m[5]-'0')*10 + int32(m[6]-'0')
}
