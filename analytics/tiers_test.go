package analytics

import "testing"

func TestTiers(t *testing.T) {
	fs := []CustomerFigures{
		{CustomerID: 1, Code: "P", NetRevenue: yuan(500), GrossProfit: yuan(200), ActiveMonths: 3},                        // A, margin 40% ≥ portfolio's: platinum
		{CustomerID: 2, Code: "G", NetRevenue: yuan(300), GrossProfit: yuan(30), ActiveMonths: 10},                        // A, margin 10% < portfolio's, loyal: gold
		{CustomerID: 3, Code: "I", NetRevenue: yuan(150), GrossProfit: yuan(15), ActiveMonths: 2},                         // B, not loyal: iron
		{CustomerID: 4, Code: "L", NetRevenue: yuan(40), GrossProfit: yuan(10), CostToServe: yuan(9)},                     // margin 2.5% > 2%, class C: iron
		{CustomerID: 5, Code: "X", NetRevenue: yuan(10), GrossProfit: yuan(1), CostToServe: yuan(1)},                      // no profit: lead
		{CustomerID: 6, Code: "R", NetRevenue: yuan(-5)},                                                                  // net returns: lead
		{CustomerID: 7, Code: "B", NetRevenue: yuan(600), GrossProfit: yuan(50), CostToServe: yuan(60), ActiveMonths: 12}, // a big loss: lead
	}
	abc := ClassifyABC(fs, DefaultABC())
	got := Tiers(fs, abc, 12, DefaultTiers())
	want := map[int64]string{1: TierPlatinum, 2: TierGold, 3: TierIron, 4: TierIron, 5: TierLead, 6: TierLead, 7: TierLead}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("customer %d: %s, want %s", id, got[id], w)
		}
	}
}
