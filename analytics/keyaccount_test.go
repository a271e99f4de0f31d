package analytics

import (
	"math/big"
	"testing"

	"kam"
)

func money(v int64) kam.Money { return kam.Money(v) * kam.MoneyUnit }

// keyPortfolio is a hand-computed portfolio of three customers over 2025 (see the comments).
func keyPortfolio() KeyAccountData {
	figs := []CustomerFigures{
		{CustomerID: 1, Code: "A", NetRevenue: money(1000), GrossProfit: money(300), CostToServe: money(100), Orders: 3, ActiveMonths: 3, LastMonth: "2025-11"},
		{CustomerID: 2, Code: "B", NetRevenue: money(500), GrossProfit: money(200), Orders: 1, ActiveMonths: 1, LastMonth: "2025-12"},
		// Net returns and a cost of service: a loss of 70, no order.
		{CustomerID: 3, Code: "C", NetRevenue: money(-100), GrossProfit: money(-20), CostToServe: money(50)},
	}
	in := &kam.KeyAccountInputs{FirstMonth: map[int64]string{1: "2024-01", 2: "2025-12"}, States: map[int64]*kam.KeyAccountState{}}
	abc := ClassifyABC(figs, DefaultABC())
	return KeyAccountData{From: "2025-01", To: "2025-12", Figures: figs, Inputs: in, ABC: abc,
		Previous: []CustomerFigures{{CustomerID: 1, Code: "A", NetRevenue: money(500)}},
		Tiers:    Tiers(figs, abc, 12, DefaultTiers())}
}

func manual(scores map[string]int) *kam.KeyAccountState {
	st := &kam.KeyAccountState{Scores: map[string]kam.KeyAccountEvent{}}
	for k, v := range scores {
		st.Scores[k] = kam.KeyAccountEvent{Kind: kam.EventScore, Criterion: k, Score: v}
	}
	return st
}

func scoresOf(cs []Criterion) map[string]int {
	out := map[string]int{}
	for _, c := range cs {
		out[c.Key] = c.Score
	}
	return out
}

func TestKeyAccountsHandComputed(t *testing.T) {
	d := keyPortfolio()
	d.Inputs.States[1] = manual(map[string]int{kam.CritGoalImpact: 5, kam.CritLossDamage: 4})
	rules := KeyAccountRulesOf(kam.DefaultKeyAccountSettings())
	ks := KeyAccounts(d, rules)
	// Quintiles of 3: positions 0, 1, 2 score 1, 2, 4; ties share the first one's score.
	// profit: C -70 (1), A = B = 200 (2, 2). resources: B 0 (1), C 50 (2), A 100 (4).
	// relationship = min(length, stability): length C 0, B 1, A 24 months → 1, 2, 4; stability
	// C 0, B 1, A 3 → 1, 2, 4. potential = growth: C −100 (1), A = B = +500 (2, 2).
	want := []map[string]int{
		{kam.CritProfitShare: 2, kam.CritGoalImpact: 5, kam.CritLossDamage: 4, kam.CritRelationship: 4, kam.CritPotential: 2, kam.CritResources: 4},
		{kam.CritProfitShare: 2, kam.CritGoalImpact: 0, kam.CritLossDamage: 0, kam.CritRelationship: 2, kam.CritPotential: 2, kam.CritResources: 1},
		{kam.CritProfitShare: 1, kam.CritGoalImpact: 0, kam.CritLossDamage: 0, kam.CritRelationship: 1, kam.CritPotential: 1, kam.CritResources: 2},
	}
	// Totals: A (0.25·2 + 0.15·(5+4+4+2+4)) / 1 = 3.35; B (0.5 + 0.15·5) / 0.7 = 1.7857…;
	// C (0.25 + 0.15·4) / 0.7 = 1.2142….
	totals := []string{"3.3500", "1.7857", "1.2143"}
	for i, k := range ks {
		if got := scoresOf(k.Scorecard); !equalScores(got, want[i]) {
			t.Errorf("%s: scores %v, want %v", k.Code, got, want[i])
		}
		if got := ratText(k.Total); got != totals[i] {
			t.Errorf("%s: total %s, want %s", k.Code, got, totals[i])
		}
		if k.Proposed || k.State != "" {
			t.Errorf("%s: proposed below the threshold 3.5", k.Code)
		}
	}
	if ks[0].ProfitShare.FloatString(4) != "0.5000" || ks[0].RelationshipMonths != 24 {
		t.Errorf("A: profit share %s, relationship %d months", ks[0].ProfitShare.FloatString(4), ks[0].RelationshipMonths)
	}
	// Portfolio: attractiveness A (0.35·4 + 0.25·2 + 0.2·2)/0.8 = 2.875, B (0.7+0.5+0.8)/0.8 = 2.5,
	// C 1; strength is the relationship alone (no wallet estimate, no manual score): A 4, B 2, C 1.
	for i, w := range []struct{ attr, str, quad string }{{"2.8750", "4.0000", QuadrantMaintain}, {"2.5000", "2.0000", QuadrantMinimise}, {"1.0000", "1.0000", QuadrantMinimise}} {
		k := ks[i]
		if ratText(k.AttractivenessTotal) != w.attr || ratText(k.StrengthTot) != w.str || k.Quadrant != w.quad {
			t.Errorf("%s: attractiveness %s strength %s quadrant %s, want %+v", k.Code, ratText(k.AttractivenessTotal), ratText(k.StrengthTot), k.Quadrant, w)
		}
		if k.Grade != kam.GradeGeneral {
			t.Errorf("%s: grade %s, want general", k.Code, k.Grade)
		}
	}

	// A fifth point of loss damage lifts A to exactly the threshold: proposed, hence important.
	d.Inputs.States[1] = manual(map[string]int{kam.CritGoalImpact: 5, kam.CritLossDamage: 5})
	ks = KeyAccounts(d, rules)
	if a := ks[0]; ratText(a.Total) != "3.5000" || !a.Proposed || a.State != kam.KeyAccountProposed || a.Grade != kam.GradeImportant || a.GradeReason != "proposed" {
		t.Errorf("A at the threshold: %s %v %s %s %s", ratText(a.Total), a.Proposed, a.State, a.Grade, a.GradeReason)
	}
	// A director rejects it: no longer important; B's grade is overridden to special.
	d.Inputs.States[1].Decision = &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: kam.KeyAccountRejected}
	d.Inputs.States[2] = &kam.KeyAccountState{Importance: &kam.KeyAccountEvent{Kind: kam.EventImportance, Value: kam.GradeSpecial}}
	ks = KeyAccounts(d, rules)
	if a := ks[0]; a.State != kam.KeyAccountRejected || !a.Proposed || a.Grade != kam.GradeGeneral {
		t.Errorf("A rejected: %s %v %s", a.State, a.Proposed, a.Grade)
	}
	if b := ks[1]; b.Grade != kam.GradeSpecial || b.ComputedGrade != kam.GradeGeneral || !b.Overridden {
		t.Errorf("B overridden: %s (computed %s) %v", b.Grade, b.ComputedGrade, b.Overridden)
	}
	// Confirmed: important whatever the total.
	d.Inputs.States[3] = &kam.KeyAccountState{Decision: &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: kam.KeyAccountConfirmed}}
	if c := KeyAccounts(d, rules)[2]; c.State != kam.KeyAccountConfirmed || c.Grade != kam.GradeImportant || c.GradeReason != "confirmed" {
		t.Errorf("C confirmed: %s %s", c.State, c.Grade)
	}
}

func equalScores(a, b map[string]int) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestKeyAccountsEdgeCases(t *testing.T) {
	rules := KeyAccountRulesOf(kam.DefaultKeyAccountSettings())
	if ks := KeyAccounts(KeyAccountData{From: "2019-01", To: "2019-12"}, rules); len(ks) != 0 {
		t.Errorf("empty period: %d results", len(ks))
	}
	// One customer, and an all-equal portfolio: nobody is ahead of anyone, every data score is 1.
	one := []CustomerFigures{{CustomerID: 1, Code: "X", NetRevenue: money(100), GrossProfit: money(50), ActiveMonths: 2, Orders: 2}}
	equal := []CustomerFigures{one[0], one[0], one[0]}
	equal[1].CustomerID, equal[1].Code, equal[2].CustomerID, equal[2].Code = 2, "Y", 3, "Z"
	for name, figs := range map[string][]CustomerFigures{"one": one, "equal": equal} {
		abc := ClassifyABC(figs, DefaultABC())
		ks := KeyAccounts(KeyAccountData{From: "2025-01", To: "2025-12", Figures: figs, ABC: abc, Tiers: Tiers(figs, abc, 12, DefaultTiers())}, rules)
		for _, k := range ks {
			if ratText(k.Total) != "1.0000" || k.Proposed || k.Quadrant != QuadrantMinimise || k.Grade != kam.GradeGeneral {
				t.Errorf("%s: %s total %s quadrant %s grade %s", name, k.Code, ratText(k.Total), k.Quadrant, k.Grade)
			}
		}
	}
	// Weights only on unscored manual criteria: no total, never proposed.
	only := kam.DefaultKeyAccountSettings()
	only.ScorecardWeights = map[string]string{kam.CritGoalImpact: "1"}
	abc := ClassifyABC(one, DefaultABC())
	if k := KeyAccounts(KeyAccountData{From: "2025-01", To: "2025-12", Figures: one, ABC: abc}, KeyAccountRulesOf(only))[0]; k.Total != nil || k.Proposed {
		t.Errorf("nothing scored: total %v", k.Total)
	}
}

func TestKeyAccountsWallet(t *testing.T) {
	d := keyPortfolio()
	// B has an estimate of 2000 (we sold 500 of it): share 0.25, uncaptured 1500 — the most.
	d.Inputs.Wallet = map[int64]kam.Money{2: money(2000)}
	d.Inputs.WalletOurs = map[int64]kam.Money{2: money(500)}
	ks := KeyAccounts(d, KeyAccountRulesOf(kam.DefaultKeyAccountSettings()))
	b := scoresOf(ks[1].Scorecard)
	// Uncaptured wallet: A 0, C 0 (tie, 1), B 1500 (4): potential is the higher of growth (2) and that.
	if b[kam.CritPotential] != 4 {
		t.Errorf("B's potential %d, want 4", b[kam.CritPotential])
	}
	// One customer with an estimate: its wallet share scores 1; the others have none.
	if s := scoresOf(ks[1].Strength); s[kam.MeasWalletShare] != 1 {
		t.Errorf("B's wallet share score %d", s[kam.MeasWalletShare])
	}
	if s := scoresOf(ks[0].Strength); s[kam.MeasWalletShare] != 0 {
		t.Errorf("A has no estimate, scored %d", s[kam.MeasWalletShare])
	}
}

func TestPreviousPeriod(t *testing.T) {
	for _, c := range [][4]string{{"2025-01", "2025-12", "2024-01", "2024-12"}, {"2025-03", "2025-05", "2024-12", "2025-02"}} {
		if f, to := PreviousPeriod(c[0], c[1]); f != c[2] || to != c[3] {
			t.Errorf("before %s–%s: %s–%s", c[0], c[1], f, to)
		}
	}
}

func ratText(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return r.FloatString(4)
}
