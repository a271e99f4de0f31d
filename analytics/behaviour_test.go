package analytics

import (
	"errors"
	"math/big"
	"testing"

	"kam"
)

func rat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func ratEq(t *testing.T, what string, got, want *big.Rat) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil || got.Cmp(want) != 0:
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func months(vs ...int64) []kam.Money {
	out := make([]kam.Money, len(vs))
	for i, v := range vs {
		out[i] = yuan(v)
	}
	return out
}

func TestGrowth(t *testing.T) {
	for _, c := range []struct {
		name              string
		monthly           []kam.Money
		prior             kam.Money
		yoy, slope, trend *big.Rat
		isNew             bool
	}{
		// Σx = 3, Σx² = 5, Σy = 600, Σxy = 800: slope = (3·800 − 3·600) / (3·5 − 9) = 100 a month;
		// the mean month is 200, so the trend is +50% of a month a month.
		{"rising", months(100, 200, 300), yuan(400), rat(1, 2), rat(int64(yuan(100)), 1), rat(1, 2), false},
		// A year earlier the customer returned more than it bought: growth on |prior|.
		{"negative prior", months(50), yuan(-100), rat(3, 2), nil, nil, false},
		{"empty period", months(0, 0, 0), 0, nil, rat(0, 1), nil, false},
		{"all equal", months(10, 10, 10, 10), yuan(40), rat(0, 1), rat(0, 1), rat(0, 1), false},
		{"new customer", months(0, 5), 0, nil, rat(int64(yuan(5)), 1), rat(2, 1), true},
		{"falling into returns", months(10, -30), yuan(20), rat(-2, 1), rat(int64(yuan(-40)), 1), nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := GrowthOf(c.monthly, c.prior)
			ratEq(t, "yoy", g.YoY, c.yoy)
			ratEq(t, "slope", g.Slope, c.slope)
			ratEq(t, "trend", g.Trend, c.trend)
			if g.New != c.isNew {
				t.Errorf("new: %v", g.New)
			}
		})
	}
}

func lampOf(bs []Behaviour) map[string]string {
	out := map[string]string{}
	for _, b := range bs {
		out[b.Code] = b.LAMP
	}
	return out
}

func TestLAMP(t *testing.T) {
	// Twenty customers with 20, 19, … 1 yuan: core ⌈5% × 20⌉ = 1, next up to ⌈25% × 20⌉ = 5
	// (ranks 2–5), the smallest of next has 16.
	var fs []CustomerFigures
	var ds []kam.CustomerDetail
	for i := int64(1); i <= 20; i++ {
		code := string(rune('a' + 20 - i)) // the largest has the code "a"
		f := CustomerFigures{CustomerID: i, Code: code, NetRevenue: yuan(i), Orders: 1, ActiveMonths: 1}
		fs = append(fs, f)
		ds = append(ds, kam.CustomerDetail{CustomerID: i, Code: code, Monthly: months(i)})
	}
	// Rank 10 (11 yuan): grew 120% and has 29 of room: promising. Rank 11 (10 yuan): room, but
	// grew 11%: other. Rank 12 (9 yuan): grew, but 5 of room is less than 16: other.
	ds[10].Prior, ds[10].WalletEstimate, ds[10].WalletOurs = yuan(5), yuan(40), yuan(11)
	ds[9].Prior, ds[9].WalletEstimate, ds[9].WalletOurs = yuan(9), yuan(40), yuan(10)
	ds[8].Prior, ds[8].WalletEstimate, ds[8].WalletOurs = yuan(1), yuan(14), yuan(9)
	// A new customer with net returns is not promising; one with none a year earlier and room is.
	fs = append(fs, CustomerFigures{CustomerID: 21, Code: "z1", NetRevenue: yuan(-5)},
		CustomerFigures{CustomerID: 22, Code: "z2", NetRevenue: 0})
	ds = append(ds, kam.CustomerDetail{CustomerID: 21, Monthly: months(-5), WalletEstimate: yuan(100)},
		kam.CustomerDetail{CustomerID: 22, Monthly: months(0), WalletEstimate: yuan(100)})
	got := lampOf(Behaviours(fs, ds, "2025-01", "2025-01", DefaultBehaviourRules()))
	want := map[string]string{"a": kam.LAMPCore, "b": kam.LAMPNext, "e": kam.LAMPNext, "f": kam.LAMPOther,
		"j": kam.LAMPPromising, "k": kam.LAMPOther, "l": kam.LAMPOther, "z1": kam.LAMPOther, "z2": kam.LAMPOther}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("%s: %s, want %s", code, got[code], w)
		}
	}

	t.Run("ties by code, one customer, all equal, empty", func(t *testing.T) {
		tie := []CustomerFigures{{CustomerID: 1, Code: "B", NetRevenue: yuan(50)}, {CustomerID: 2, Code: "A", NetRevenue: yuan(50)}}
		// n = 2: core ⌈0.1⌉ = 1 (A, first by code), next ⌈0.5⌉ = 1 = the core: B is other.
		if g := lampOf(Behaviours(tie, nil, "2025-01", "2025-12", DefaultBehaviourRules())); g["A"] != kam.LAMPCore || g["B"] != kam.LAMPOther {
			t.Errorf("tie: %v", g)
		}
		if g := lampOf(Behaviours(tie[:1], nil, "2025-01", "2025-12", DefaultBehaviourRules())); g["B"] != kam.LAMPCore {
			t.Errorf("one customer: %v", g)
		}
		var eq []CustomerFigures
		for i := int64(0); i < 10; i++ {
			eq = append(eq, CustomerFigures{CustomerID: i + 1, Code: string(rune('a' + i)), NetRevenue: yuan(10)})
		}
		// core ⌈0.5⌉ = 1, next up to ⌈2.5⌉ = 3.
		g := lampOf(Behaviours(eq, nil, "2025-01", "2025-12", DefaultBehaviourRules()))
		if g["a"] != kam.LAMPCore || g["b"] != kam.LAMPNext || g["c"] != kam.LAMPNext || g["d"] != kam.LAMPOther {
			t.Errorf("all equal: %v", g)
		}
		if len(Behaviours(nil, nil, "2025-01", "2025-12", DefaultBehaviourRules())) != 0 {
			t.Error("an empty portfolio has customers")
		}
	})
}

func TestLoyalty(t *testing.T) {
	f := func(id int64, code string, active int) CustomerFigures {
		return CustomerFigures{CustomerID: id, Code: code, NetRevenue: yuan(100), Orders: int64(active), ActiveMonths: active}
	}
	fs := []CustomerFigures{f(1, "L", 12), f(2, "S1", 12), f(3, "S2", 3), f(4, "N", 3), f(5, "U", 9), f(6, "Z", 0), f(7, "E", 12), f(8, "X", 12)}
	ds := []kam.CustomerDetail{
		{CustomerID: 1, WalletEstimate: yuan(100), WalletOurs: yuan(60), PriorWalletEstimate: yuan(100), PriorWalletOurs: yuan(55)}, // regular, 60%: loyal
		{CustomerID: 2, WalletEstimate: yuan(100), WalletOurs: yuan(30)},                                                            // regular, 30%: switching
		{CustomerID: 3, WalletEstimate: yuan(100), WalletOurs: yuan(80), PriorWalletEstimate: yuan(100), PriorWalletOurs: yuan(50)}, // moved 30 points: switching
		{CustomerID: 4, WalletEstimate: yuan(100), WalletOurs: yuan(80)},                                                            // irregular: no brand loyalty
		{CustomerID: 5}, // 9 of 12 months = 75%, no wallet: loyal
		{CustomerID: 6}, // no order: none
		{CustomerID: 7, WalletEstimate: yuan(100), WalletOurs: yuan(50)},                                                            // exactly 50%: loyal
		{CustomerID: 8, WalletEstimate: yuan(100), WalletOurs: yuan(70), PriorWalletEstimate: yuan(100), PriorWalletOurs: yuan(50)}, // exactly 20 points: switching
	}
	want := map[string]string{"L": kam.LoyaltyLoyal, "S1": kam.LoyaltySwitching, "S2": kam.LoyaltySwitching, "N": kam.LoyaltyNone,
		"U": kam.LoyaltyLoyal, "Z": "", "E": kam.LoyaltyLoyal, "X": kam.LoyaltySwitching}
	for _, b := range Behaviours(fs, ds, "2025-01", "2025-12", DefaultBehaviourRules()) {
		if b.Loyalty != want[b.Code] {
			t.Errorf("%s: %q, want %q", b.Code, b.Loyalty, want[b.Code])
		}
	}
}

func TestCLV(t *testing.T) {
	r := DefaultBehaviourRules()
	r.CLVRetention, r.CLVDiscount, r.CLVYears = rat(8, 10), rat(1, 4), 2
	// q = 0.8 / 1.25 = 0.64; factor = 0.64 + 0.4096 = 1.0496. Six months of 50 profit: 100 a year.
	fs := []CustomerFigures{{CustomerID: 1, Code: "P", NetRevenue: yuan(200), GrossProfit: yuan(60), CostToServe: yuan(10)},
		{CustomerID: 2, Code: "C", NetRevenue: yuan(100), GrossProfit: yuan(10), CostToServe: yuan(40)},
		{CustomerID: 3, Code: "R", GrossProfit: 1}}
	bs := Behaviours(fs, nil, "2025-01", "2025-06", r)
	byCode := map[string]Behaviour{}
	for _, b := range bs {
		byCode[b.Code] = b
	}
	ratEq(t, "factor", byCode["P"].CLV.Factor, rat(10496, 10000))
	if c := byCode["P"].CLV; c.Margin != yuan(100) || c.Value != kam.Money(1049600) {
		t.Errorf("profit customer: %+v", c)
	}
	// A cost customer: −30 in six months, −60 a year, −62.976 over its lifetime.
	if c := byCode["C"].CLV; c.Margin != yuan(-60) || c.Value != kam.Money(-629760) {
		t.Errorf("cost customer: %+v", c)
	}
	// 1 ten-thousandth in six months: 2 a year; 2 × 1.0496 = 2.0992 rounds to 2.
	if c := byCode["R"].CLV; c.Margin != 2 || c.Value != 2 {
		t.Errorf("rounding: %+v", c)
	}

	t.Run("observed retention", func(t *testing.T) {
		ds := []kam.CustomerDetail{{Prior: 1, Monthly: months(1)}, {Prior: 1, Monthly: months(2)}, {Prior: 1, Monthly: months(3)},
			{Prior: 1, Monthly: months(0)}, {Prior: 0, Monthly: months(5)}, {Prior: -3, Monthly: months(0)}}
		ratEq(t, "retention", Retention(ds), rat(3, 4))
		ratEq(t, "nobody a year earlier", Retention(nil), rat(1, 1))
		ratEq(t, "zero retention", CLVFactor(rat(0, 1), rat(1, 10), 5), rat(0, 1))
	})
}

func TestBehaviourSettings(t *testing.T) {
	ok := kam.DefaultAnalyticsSettings()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	empty := kam.DefaultAnalyticsSettings()
	empty.BehaviourSettings = kam.BehaviourSettings{}
	if err := empty.Validate(); err != nil {
		t.Fatalf("empty behaviour settings take the defaults: %v", err)
	}
	for _, c := range []struct {
		field string
		set   func(*kam.BehaviourSettings)
	}{
		{"lamp_core", func(s *kam.BehaviourSettings) { s.LAMPCore = "0" }},
		{"lamp_core", func(s *kam.BehaviourSettings) { s.LAMPCore = "5%" }},
		{"lamp_next", func(s *kam.BehaviourSettings) { s.LAMPCore, s.LAMPNext = "0.60", "0.50" }},
		{"lamp_growth", func(s *kam.BehaviourSettings) { s.LAMPGrowth = "-0.1" }},
		{"loyal_regularity", func(s *kam.BehaviourSettings) { s.LoyalRegularity = "1.5" }},
		{"loyal_share", func(s *kam.BehaviourSettings) { s.LoyalShare = "0" }},
		{"switch_shift", func(s *kam.BehaviourSettings) { s.SwitchShift = "0.12345" }},
		{"clv_discount", func(s *kam.BehaviourSettings) { s.CLVDiscount = "2" }},
		{"clv_retention", func(s *kam.BehaviourSettings) { s.CLVRetention = "1" }},
		{"clv_years", func(s *kam.BehaviourSettings) { s.CLVYears = "0" }},
		{"clv_years", func(s *kam.BehaviourSettings) { s.CLVYears = "2.5" }},
	} {
		s := kam.DefaultAnalyticsSettings()
		c.set(&s.BehaviourSettings)
		err := s.Validate()
		var ke *kam.Error
		if !asError(err, &ke) || !hasField(ke, c.field) {
			t.Errorf("%+v: %v, want an error naming %s", s.BehaviourSettings, err, c.field)
		}
	}
	r := BehaviourRulesOf(kam.BehaviourSettings{CLVRetention: "0.9", CLVYears: "7"})
	ratEq(t, "retention", r.CLVRetention, rat(9, 10))
	ratEq(t, "core", r.LAMPCore, rat(5, 100))
	if r.CLVYears != 7 || DefaultBehaviourRules().CLVRetention != nil {
		t.Errorf("rules: %+v", r)
	}
}

func asError(err error, target **kam.Error) bool { return errors.As(err, target) }

func hasField(e *kam.Error, field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// TestSlopeIntegerPath: the integer slope agrees exactly with the big-integer one, on random
// series of every length from 2 to 36 months with signs mixed and values up to the bound where
// the integer path gives way, and a series past the bound is still exact.
func TestSlopeIntegerPath(t *testing.T) {
	seed := uint64(7)
	next := func() uint64 { seed = seed*6364136223846793005 + 1442695040888963407; return seed >> 1 }
	for n := 2; n <= 36; n++ {
		bound := int64(1<<62) / int64(n*n*n)
		for trial := 0; trial < 200; trial++ {
			monthly := make([]kam.Money, n)
			for i := range monthly {
				v := int64(next() % uint64(bound))
				if trial%3 == 0 {
					v %= 1000_0000 // everyday sizes
				}
				if next()%4 == 0 {
					v = -v
				}
				monthly[i] = kam.Money(v)
			}
			s1, t1 := slopeOf(monthly)
			s2, t2 := slopeBig(monthly)
			ratEq(t, "slope", s1, s2)
			ratEq(t, "trend", t1, t2)
		}
	}
	huge := []kam.Money{kam.Money(1 << 61), 0, kam.Money(1 << 61)}
	s, tr := slopeOf(huge)
	ratEq(t, "slope past the bound", s, rat(0, 1))
	ratEq(t, "trend past the bound", tr, rat(0, 1))
}
