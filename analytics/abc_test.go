package analytics

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"kam"
)

func yuan(v int64) kam.Money { return kam.Money(v) * kam.MoneyUnit }

func TestClassifyABC(t *testing.T) {
	cases := []struct {
		name    string
		in      []CustomerFigures
		classes map[string]string // code → class
		total   kam.Money
	}{
		{"the customer crossing 80% is still A",
			[]CustomerFigures{{Code: "C1", NetRevenue: yuan(70)}, {Code: "C2", NetRevenue: yuan(20)}, {Code: "C3", NetRevenue: yuan(6)}, {Code: "C4", NetRevenue: yuan(4)}},
			map[string]string{"C1": "A", "C2": "A", "C3": "B", "C4": "C"}, yuan(100)},
		{"ties rank by code",
			[]CustomerFigures{{Code: "Z", NetRevenue: yuan(40)}, {Code: "A", NetRevenue: yuan(40)}, {Code: "M", NetRevenue: yuan(20)}},
			map[string]string{"A": "A", "Z": "A", "M": "B"}, yuan(100)},
		{"exactly 80% before closes A",
			[]CustomerFigures{{Code: "C1", NetRevenue: yuan(80)}, {Code: "C2", NetRevenue: yuan(15)}, {Code: "C3", NetRevenue: yuan(5)}},
			map[string]string{"C1": "A", "C2": "B", "C3": "C"}, yuan(100)},
		{"zero and negative revenue are C and do not shrink the base",
			[]CustomerFigures{{Code: "C1", NetRevenue: yuan(50)}, {Code: "C2", NetRevenue: yuan(50)}, {Code: "C3", NetRevenue: 0}, {Code: "C4", NetRevenue: yuan(-30)}},
			map[string]string{"C1": "A", "C2": "A", "C3": "C", "C4": "C"}, yuan(100)},
		{"empty portfolio", nil, map[string]string{}, 0},
		{"only returns", []CustomerFigures{{Code: "C1", NetRevenue: yuan(-5)}}, map[string]string{"C1": "C"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			abc := ClassifyABC(c.in, DefaultABC())
			if abc.Total != c.total {
				t.Errorf("total %s, want %s", abc.Total, c.total)
			}
			for _, r := range abc.Ranks {
				if r.Class != c.classes[r.Code] {
					t.Errorf("%s: class %s, want %s", r.Code, r.Class, c.classes[r.Code])
				}
			}
			n := 0
			for _, cl := range abc.Classes {
				n += cl.Customers
			}
			if n != len(c.in) {
				t.Errorf("classes hold %d customers of %d", n, len(c.in))
			}
		})
	}
	abc := ClassifyABC([]CustomerFigures{{Code: "C1", NetRevenue: yuan(70)}, {Code: "C2", NetRevenue: yuan(20)}, {Code: "C3", NetRevenue: yuan(10)}}, DefaultABC())
	if abc.Classes["A"].Share.Cmp(big.NewRat(9, 10)) != 0 || abc.Classes["A"].Revenue != yuan(90) || abc.Ranks[1].Cumulative.Cmp(big.NewRat(9, 10)) != 0 {
		t.Errorf("shares %s %s", abc.Classes["A"].Share, abc.Ranks[1].Cumulative.Rat())
	}
}

func TestWhaleCurve(t *testing.T) {
	w := WhaleCurve([]CustomerFigures{
		{Code: "A", GrossProfit: yuan(100), CostToServe: yuan(10)}, // 90
		{Code: "B", GrossProfit: yuan(50)},                         // 50
		{Code: "C", GrossProfit: yuan(5), CostToServe: yuan(25)},   // −20
		{Code: "D", GrossProfit: yuan(0)},                          // 0
		{Code: "E", GrossProfit: yuan(10), CostToServe: yuan(20)},  // −10
	})
	if w.Total != yuan(110) || w.PeakRank != 2 || w.PeakShare.Cmp(big.NewRat(140, 110)) != 0 || w.CostCustomers != 2 || w.ProfitCustomers != 2 {
		t.Errorf("whale %+v peak share %s", w, w.PeakShare)
	}
	if got := w.Points[len(w.Points)-1].Cumulative; got != w.Total {
		t.Errorf("the curve ends at %s, not the total %s", got, w.Total)
	}
	if loss := WhaleCurve([]CustomerFigures{{Code: "A", GrossProfit: yuan(-1)}}); loss.PeakShare != nil || loss.CostCustomers != 1 {
		t.Errorf("a losing portfolio %+v", loss)
	}
}

// TestABCProperties checks random portfolios: every customer is in exactly one class, classes
// follow the ranking, A's share reaches the A threshold, and no customer without positive revenue
// is in A or B.
func TestABCProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		var cs []CustomerFigures
		for i := 0; i < rng.IntN(60); i++ {
			rev := kam.Money(rng.Int64N(2_000_000_0000) - 200_000_0000)
			if rng.IntN(5) == 0 {
				rev = kam.Money(rng.IntN(3)) * 1_000_0000 // ties
			}
			cs = append(cs, CustomerFigures{CustomerID: int64(i + 1), Code: fmt.Sprintf("C%03d", rng.IntN(1000)), NetRevenue: rev})
		}
		abc := ClassifyABC(cs, DefaultABC())
		if len(abc.Ranks) != len(cs) {
			t.Fatalf("%d ranks for %d customers", len(abc.Ranks), len(cs))
		}
		order := map[string]int{"A": 0, "B": 1, "C": 2}
		for i, r := range abc.Ranks {
			if i > 0 && order[r.Class] < order[abc.Ranks[i-1].Class] {
				t.Fatalf("class %s after %s at rank %d", r.Class, abc.Ranks[i-1].Class, r.Rank)
			}
			if r.Revenue <= 0 && r.Class != "C" {
				t.Fatalf("revenue %s in class %s", r.Revenue, r.Class)
			}
		}
		if abc.Total > 0 && abc.Classes["A"].Share.Cmp(DefaultABC().A) < 0 {
			t.Fatalf("A holds %s of the revenue", abc.Classes["A"].Share.FloatString(4))
		}
	}
}
