package analytics

import (
	"math/big"

	"kam"
)

// Customer behaviour over a period (SPEC §C3): growth (year over year and the trend of the
// monthly revenue), share of wallet and relationship length, the loyalty type, the LAMP group and
// the customer lifetime value. Every figure is exact (big.Rat) until it is shown.

// BehaviourRules are the settings of the behaviour models as exact values.
type BehaviourRules struct {
	LAMPCore, LAMPNext, LAMPGrowth     *big.Rat
	LoyalRegularity, LoyalShare, Shift *big.Rat
	CLVDiscount                        *big.Rat
	CLVRetention                       *big.Rat // nil: observed
	CLVYears                           int
}

// BehaviourRulesOf reads the settings (validated when saved); a value that does not parse keeps
// its default.
func BehaviourRulesOf(s kam.BehaviourSettings) BehaviourRules {
	s.Fill()
	d := kam.DefaultBehaviourSettings()
	rat := func(v, def string) *big.Rat {
		if n, err := kam.ParseFixed(v, 4); err == nil {
			return big.NewRat(n, 10000)
		}
		n, _ := kam.ParseFixed(def, 4)
		return big.NewRat(n, 10000)
	}
	r := BehaviourRules{LAMPCore: rat(s.LAMPCore, d.LAMPCore), LAMPNext: rat(s.LAMPNext, d.LAMPNext), LAMPGrowth: rat(s.LAMPGrowth, d.LAMPGrowth),
		LoyalRegularity: rat(s.LoyalRegularity, d.LoyalRegularity), LoyalShare: rat(s.LoyalShare, d.LoyalShare),
		Shift: rat(s.SwitchShift, d.SwitchShift), CLVDiscount: rat(s.CLVDiscount, d.CLVDiscount), CLVYears: 5}
	if s.CLVRetention != "observed" {
		if n, err := kam.ParseFixed(s.CLVRetention, 4); err == nil {
			r.CLVRetention = big.NewRat(n, 10000)
		}
	}
	if n, err := kam.ParseFixed(s.CLVYears, 0); err == nil && n >= 1 && n <= 30 {
		r.CLVYears = int(n)
	}
	return r
}

// DefaultBehaviourRules are the rules of the default settings.
func DefaultBehaviourRules() BehaviourRules { return BehaviourRulesOf(kam.DefaultBehaviourSettings()) }

// Growth is a customer's growth over a period.
type Growth struct {
	Revenue kam.Money // net revenue of the period
	Prior   kam.Money // net revenue of the same months a year earlier
	// YoY is (Revenue − Prior) / |Prior|; nil when Prior is zero (New tells whether the customer
	// started buying: revenue now, none a year earlier).
	YoY *big.Rat
	New bool
	// Slope is the least-squares slope of the monthly net revenue over the period's months
	// (x = 0, 1, …, n−1): Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², in money per month; nil for a one-month period.
	Slope *big.Rat
	// Trend is Slope over the mean monthly revenue (the monthly change as a share of an average
	// month); nil when the mean is not positive or there is no slope.
	Trend *big.Rat
}

// GrowthOf computes a customer's growth from its monthly revenue and the prior year's revenue.
func GrowthOf(monthly []kam.Money, prior kam.Money) Growth { return growthOf(monthly, prior, true) }

// growthOf is GrowthOf, without the slope and the trend unless withTrend.
func growthOf(monthly []kam.Money, prior kam.Money, withTrend bool) Growth {
	g := Growth{Prior: prior}
	for _, m := range monthly {
		g.Revenue += m
	}
	if prior != 0 {
		abs := prior
		if abs < 0 {
			abs = -abs
		}
		g.YoY = big.NewRat(int64(g.Revenue-prior), int64(abs))
	} else {
		g.New = g.Revenue > 0
	}
	if len(monthly) < 2 || !withTrend {
		return g
	}
	g.Slope, g.Trend = slopeOf(monthly)
	return g
}

// slopeOf is the least-squares slope of monthly (two months or more) and the trend:
// slope = (n Σxy − Σx Σy) / (n Σx² − (Σx)²), exactly. In int64 when no sum can overflow
// (|n Σxy| and |Σx Σy| are at most n³ max|y|): a customer's 12 months are then a few integer
// operations instead of a dozen big-integer allocations; else in big integers.
func slopeOf(monthly []kam.Money) (slope, trend *big.Rat) {
	n := int64(len(monthly))
	var peak int64
	for _, m := range monthly {
		a := int64(m)
		if a < 0 {
			a = -a
		}
		if a < 0 { // the most negative int64
			return slopeBig(monthly)
		}
		peak = max(peak, a)
	}
	if n > 1<<10 || peak >= (1<<62)/(n*n*n) {
		return slopeBig(monthly)
	}
	var sx, sxx, sy, sxy int64
	for i, m := range monthly {
		x := int64(i)
		sx += x
		sxx += x * x
		sy += int64(m)
		sxy += x * int64(m)
	}
	slope = big.NewRat(n*sxy-sx*sy, n*sxx-sx*sx)
	if sy > 0 {
		trend = new(big.Rat).Quo(slope, big.NewRat(sy, n))
	}
	return slope, trend
}

func slopeBig(monthly []kam.Money) (slope, trend *big.Rat) {
	n := int64(len(monthly))
	var sx, sxx int64
	sy, sxy := new(big.Int), new(big.Int)
	for i, m := range monthly {
		x := int64(i)
		sx += x
		sxx += x * x
		y := big.NewInt(int64(m))
		sy.Add(sy, y)
		sxy.Add(sxy, new(big.Int).Mul(y, big.NewInt(x)))
	}
	num := new(big.Int).Sub(new(big.Int).Mul(big.NewInt(n), sxy), new(big.Int).Mul(big.NewInt(sx), sy))
	den := big.NewInt(n*sxx - sx*sx)
	slope = new(big.Rat).SetFrac(num, den)
	if sy.Sign() > 0 {
		trend = new(big.Rat).Quo(slope, new(big.Rat).SetFrac(sy, big.NewInt(n)))
	}
	return slope, trend
}

// Behaviour is one customer's behaviour figures and groups over a period.
type Behaviour struct {
	CustomerID int64
	Code       string
	Growth     Growth
	// Regularity is the share of the period's months with a sales order.
	Regularity Fraction
	// Share is the share of wallet (our net revenue in the categories with an estimate over the
	// estimate) in the year the period ends, PriorShare the year before; nil without an estimate.
	Share, PriorShare *big.Rat
	// Headroom is the part of the wallet we do not have: estimate − our sales (0 without one).
	Headroom kam.Money
	// RelationshipMonths counts the months from the first month with an order to the period's
	// last month, both included; 0 without any order.
	RelationshipMonths int
	Loyalty            string // kam.Loyalty…, "" without an order in the period
	LAMP               string // kam.LAMP…
	LAMPRank           int    // rank by net revenue, 1 = largest (ties by code)
	CLV                CLV
}

// CLV is a customer's lifetime value with its inputs.
//
// Model: the customer's yearly margin m is its profit after cost-to-serve over the period,
// scaled to twelve months (× 12 / months of the period). Each future year t = 1 … H the customer
// is still ours with probability r^t (r the yearly retention rate) and its margin is discounted by
// (1 + d)^t (d the discount rate):
//
//	CLV = m × Σ_{t=1..H} (r / (1 + d))^t
//
// r is the setting clv_retention, or (observed, the default) the portfolio's retention: of the
// customers with positive revenue in the same months a year earlier, the share that has positive
// revenue in the period (1 when none had). A cost customer has a negative lifetime value.
type CLV struct {
	Margin    kam.Money // yearly margin m, rounded to the ten-thousandth
	Retention *big.Rat
	Discount  *big.Rat
	Years     int
	Factor    *big.Rat  // Σ (r/(1+d))^t
	Value     kam.Money // m × factor, rounded half away from zero
}

// Retention is the observed yearly retention of a portfolio: of the customers with positive
// revenue a year earlier, the share with positive revenue in the period; 1 when none had any.
func Retention(details []kam.CustomerDetail) *big.Rat {
	var before, kept int64
	for _, d := range details {
		if d.Prior > 0 {
			before++
			var now kam.Money
			for _, m := range d.Monthly {
				now += m
			}
			if now > 0 {
				kept++
			}
		}
	}
	if before == 0 {
		return big.NewRat(1, 1)
	}
	return big.NewRat(kept, before)
}

// CLVFactor is Σ_{t=1..years} (r/(1+d))^t.
func CLVFactor(r, d *big.Rat, years int) *big.Rat {
	q := new(big.Rat).Quo(r, new(big.Rat).Add(big.NewRat(1, 1), d))
	sum, pow := new(big.Rat), big.NewRat(1, 1)
	for t := 1; t <= years; t++ {
		pow.Mul(pow, q)
		sum.Add(sum, pow)
	}
	return sum
}

// RoundMoney rounds an exact amount to the ten-thousandth, half away from zero.
func RoundMoney(r *big.Rat) kam.Money {
	num := r.Num() // amounts are already in ten-thousandths
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	if twice.Cmp(r.Denom()) >= 0 {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return kam.Money(q.Int64())
}

// Behaviours computes every customer's behaviour over the period from–to: figures and details are
// the same customers (matched by id; a customer without details has none of their figures).
//
// Loyalty type (reference 001 sorts customers by their attitude to our products), checked in
// this order for a customer with at least one sales order in the period:
//  1. brand-switching 品牌转移 when its share of wallet moved by at least switch_shift between the
//     year before and the year the period ends (it is moving its purchases between brands, to us
//     or away);
//  2. no brand loyalty 无品牌忠诚 when it buys irregularly: orders in fewer than loyal_regularity of
//     the period's months (it buys when and where the offer suits);
//  3. brand-switching 品牌转移 when it buys regularly but gives us less than loyal_share of its
//     wallet (it buys other brands beside ours);
//  4. loyal 忠诚 otherwise: regular, and at least loyal_share of its wallet (or no estimate of its
//     wallet, when regularity alone can be judged).
//
// LAMP groups (reference 000): the customers with positive revenue are ranked by it, descending,
// ties by code; with n of them the first ⌈lamp_core × n⌉ are core, up to ⌈(lamp_core + lamp_next)
// × n⌉ next. Of the rest (any revenue), a customer is promising when it grows (year-over-year
// growth at least lamp_growth, or new: revenue now and none a year earlier) and has potential: the
// headroom in its wallet (estimate − our sales) is at least the revenue of the smallest customer of
// the next group (of the core when next is empty), so that it could join them. Everyone else is
// other.
func Behaviours(figures []CustomerFigures, details []kam.CustomerDetail, from, to string, r BehaviourRules) []Behaviour {
	byID := make(map[int64]*kam.CustomerDetail, len(details))
	for i := range details {
		byID[details[i].CustomerID] = &details[i]
	}
	order := revenueOrder(figures)
	m := newBehaviourModel(figures, order, details, from, to, r)
	out := make([]Behaviour, len(order))
	for k, i := range order {
		f := &figures[i]
		d := byID[f.CustomerID]
		if d == nil {
			d = &kam.CustomerDetail{}
		}
		out[k] = m.of(k, f, d, true)
	}
	return out
}

// behaviourModel holds what the behaviour models measure each customer of a portfolio against:
// the bounds of the LAMP groups and the lifetime value's factor.
type behaviourModel struct {
	r          BehaviourRules
	to         string
	months     int
	core, next int       // the LAMP core and next groups are the ranks below these
	entry      kam.Money // revenue of the smallest customer of the next group (or the core)
	retention  *big.Rat
	clvFactor  *big.Rat
}

// newBehaviourModel ranks a portfolio: order is revenueOrder(figures); the observed retention is
// that of details.
func newBehaviourModel(figures []CustomerFigures, order []int32, details []kam.CustomerDetail, from, to string, r BehaviourRules) *behaviourModel {
	m := &behaviourModel{r: r, to: to, months: PeriodMonths(from, to), retention: r.CLVRetention}
	if m.retention == nil {
		m.retention = Retention(details)
	}
	m.clvFactor = CLVFactor(m.retention, r.CLVDiscount, r.CLVYears)
	var positive int
	for _, f := range figures {
		if f.NetRevenue > 0 {
			positive++
		}
	}
	m.core = ceilShare(r.LAMPCore, positive)
	m.next = min(ceilShare(new(big.Rat).Add(r.LAMPCore, r.LAMPNext), positive), positive)
	switch {
	case m.next > m.core:
		m.entry = figures[order[m.next-1]].NetRevenue
	case m.core > 0:
		m.entry = figures[order[m.core-1]].NetRevenue
	}
	return m
}

// of is the behaviour of the customer ranked k (from 0) by revenue, with its details; without
// full, only what its loyalty type and LAMP group need (no trend, no lifetime value).
func (m *behaviourModel) of(k int, f *CustomerFigures, d *kam.CustomerDetail, full bool) Behaviour {
	r := m.r
	b := Behaviour{CustomerID: f.CustomerID, Code: f.Code, LAMPRank: k + 1}
	b.Growth = growthOf(d.Monthly, d.Prior, full)
	b.Growth.Revenue = f.NetRevenue
	if m.months > 0 {
		b.Regularity = Fraction{int64(f.ActiveMonths), int64(m.months)}
	}
	if d.WalletEstimate > 0 {
		b.Share = big.NewRat(int64(d.WalletOurs), int64(d.WalletEstimate))
		if h := d.WalletEstimate - d.WalletOurs; h > 0 {
			b.Headroom = h
		}
	}
	if d.PriorWalletEstimate > 0 {
		b.PriorShare = big.NewRat(int64(d.PriorWalletOurs), int64(d.PriorWalletEstimate))
	}
	if d.FirstMonth != "" && d.FirstMonth <= m.to {
		b.RelationshipMonths = monthsBetween(d.FirstMonth, m.to) + 1
	}
	b.Loyalty = loyaltyOf(f, b, r)
	switch {
	case f.NetRevenue > 0 && k < m.core:
		b.LAMP = kam.LAMPCore
	case f.NetRevenue > 0 && k < m.next:
		b.LAMP = kam.LAMPNext
	case b.Headroom > 0 && b.Headroom >= m.entry && (b.Growth.New || b.Growth.YoY != nil && b.Growth.YoY.Cmp(r.LAMPGrowth) >= 0):
		b.LAMP = kam.LAMPPromising
	default:
		b.LAMP = kam.LAMPOther
	}
	if !full {
		return b
	}
	b.CLV = CLV{Retention: m.retention, Discount: r.CLVDiscount, Years: r.CLVYears, Factor: m.clvFactor}
	if m.months > 0 {
		margin := big.NewRat(int64(f.Profit())*12, int64(m.months))
		b.CLV.Margin = RoundMoney(margin)
		b.CLV.Value = RoundMoney(new(big.Rat).Mul(margin, m.clvFactor))
	}
	return b
}

func loyaltyOf(f *CustomerFigures, b Behaviour, r BehaviourRules) string {
	if f.Orders == 0 {
		return ""
	}
	if b.Share != nil && b.PriorShare != nil {
		shift := new(big.Rat).Sub(b.Share, b.PriorShare)
		if shift.Abs(shift).Cmp(r.Shift) >= 0 {
			return kam.LoyaltySwitching
		}
	}
	if b.Regularity.Cmp(r.LoyalRegularity) < 0 {
		return kam.LoyaltyNone
	}
	if b.Share != nil && b.Share.Cmp(r.LoyalShare) < 0 {
		return kam.LoyaltySwitching
	}
	return kam.LoyaltyLoyal
}

// ceilShare is ⌈share × n⌉.
func ceilShare(share *big.Rat, n int) int {
	v := new(big.Rat).Mul(share, big.NewRat(int64(n), 1))
	q, m := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return int(q.Int64())
}

// AddMonths is the month (YYYY-MM) n months after m.
func AddMonths(m string, n int) string {
	k := int(monthOf(m)/100)*12 + int(monthOf(m)%100) - 1 + n
	y, mo := k/12, k%12+1
	return string([]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + mo/10), byte('0' + mo%10)})
}
