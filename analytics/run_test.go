package analytics

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"kam"
)

// runPortfolio makes a period's reading of n customers as PortfolioPeriod returns it, with every
// case the models tell apart: losses, customers without revenue or orders, equal revenues, the
// previous period's figures, wallet estimates of the year and the year before, first months
// before, in and after the period, and key-account states (manual scores, decisions, overrides).
func runPortfolio(n int, from, to string) (*kam.PortfolioPeriod, map[int64]*kam.KeyAccountState) {
	r := rand.New(rand.NewPCG(7, 11))
	months := PeriodMonths(from, to)
	pf, pt := PreviousPeriod(from, to)
	p := &kam.PortfolioPeriod{From: from, To: to, PrevFrom: pf, PrevTo: pt}
	states := map[int64]*kam.KeyAccountState{}
	for i := range n {
		id := int64(i + 1)
		code := fmt.Sprintf("K%05d", (i*7919)%n) // codes not in the order of the ids
		d := kam.CustomerDetail{CustomerID: id, Code: code, Monthly: make([]kam.Money, months)}
		f := kam.CustomerPeriod{CustomerID: id, Code: code}
		if r.IntN(10) > 0 {
			scale := 1 + r.Int64N(1e9)/int64(1+i%37)
			for m := range d.Monthly {
				if r.IntN(4) == 0 {
					continue
				}
				v := kam.Money(r.Int64N(scale) - scale/10)
				if i%50 == 0 {
					v = kam.Money(12345) // equal revenues
				}
				d.Monthly[m] = v
				f.NetRevenue += v
				f.Orders += 1 + int64(r.IntN(3))
				f.ActiveMonths++
				f.LastMonth = AddMonths(from, m)
			}
			f.GrossProfit = f.NetRevenue / kam.Money(2+r.IntN(6))
			if r.IntN(8) == 0 {
				f.GrossProfit = -f.GrossProfit
			}
		}
		f.CostToServe = kam.Money(r.Int64N(5e7))
		switch r.IntN(4) {
		case 0:
		case 1:
			d.Prior = kam.Money(r.Int64N(1e9))
		default:
			d.Prior = f.NetRevenue * kam.Money(3+r.IntN(5)) / 5
		}
		if r.IntN(3) == 0 {
			d.WalletEstimate = kam.Money(r.Int64N(3e10))
			d.WalletOurs = min(d.WalletEstimate, max(f.NetRevenue, 0))
		}
		if r.IntN(3) == 0 {
			d.PriorWalletEstimate = kam.Money(r.Int64N(3e10))
			d.PriorWalletOurs = kam.Money(r.Int64N(int64(d.PriorWalletEstimate) + 1))
		}
		switch r.IntN(5) {
		case 0:
		case 1:
			d.FirstMonth = AddMonths(to, 2)
		default:
			d.FirstMonth = AddMonths(from, -r.IntN(60))
		}
		prev := kam.CustomerPeriod{CustomerID: id, Code: code}
		if r.IntN(3) > 0 {
			prev.NetRevenue = f.NetRevenue * kam.Money(r.IntN(20)) / 10
			prev.Orders, prev.ActiveMonths = 1, 1
		}
		if r.IntN(6) == 0 {
			st := &kam.KeyAccountState{Scores: map[string]kam.KeyAccountEvent{}}
			for _, c := range kam.ManualCriteria {
				if r.IntN(2) == 0 {
					st.Scores[c] = kam.KeyAccountEvent{Kind: kam.EventScore, Criterion: c, Score: 1 + r.IntN(5)}
				}
			}
			switch r.IntN(4) {
			case 0:
				st.Decision = &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: kam.KeyAccountConfirmed}
			case 1:
				st.Decision = &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: kam.KeyAccountRejected}
			}
			if r.IntN(4) == 0 {
				st.Importance = &kam.KeyAccountEvent{Kind: kam.EventImportance, Value: kam.Grades[r.IntN(len(kam.Grades))]}
			}
			states[id] = st
		}
		p.Details = append(p.Details, d)
		p.Figures = append(p.Figures, f)
		p.Previous = append(p.Previous, prev)
	}
	return p, states
}

// runDigest is the SHA-256 of everything a run stores: each result, the summary and the settings.
func runDigest(t *testing.T, run *kam.ClassificationRun) string {
	h := sha256.New()
	for _, r := range run.Results {
		fmt.Fprintf(h, "%+v\n", r)
	}
	for _, v := range []any{run.Summary, run.Settings} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestClassifyPortfolioUnchanged holds what a run stores to what the models gave before their
// memory was made compact (the digests were taken from the code before that change), and checks
// that the portfolio reaches every state, quadrant, grade, group and type.
func TestClassifyPortfolioUnchanged(t *testing.T) {
	custom := kam.DefaultAnalyticsSettings()
	custom.ABCA, custom.ABCB, custom.LeadMargin, custom.GoldLoyalty = "0.7", "0.9", "0.05", "0.5"
	custom.BehaviourSettings = kam.BehaviourSettings{LAMPCore: "0.1", LAMPNext: "0.3", LAMPGrowth: "0.1", LoyalRegularity: "0.5",
		LoyalShare: "0.3", SwitchShift: "0.1", CLVRetention: "0.8", CLVYears: "3"}
	keys := kam.DefaultKeyAccountSettings()
	keys.ScorecardWeights[kam.CritGoalImpact] = "0"
	keys.ScorecardThreshold, keys.PortfolioCut = "3.1", "2.5"
	cases := []struct {
		name, from, to string
		n              int
		in             RunInputs
		want           string
		// shuffled: the details and the previous figures in another order than the figures.
		shuffled bool
	}{
		{"defaults", "2025-01", "2025-12", 3000, RunInputs{Settings: kam.DefaultAnalyticsSettings(), KeyAccounts: kam.DefaultKeyAccountSettings()}, "4dde5cd84eb05b8dfdf9cf769dea46fa7cd17526a54994bc132a482d5252785d", false},
		{"settings", "2025-01", "2025-12", 3000, RunInputs{Settings: custom, KeyAccounts: keys}, "0f8713c02044b6c9a1e2b5b586e3021a93783216f34177ff1f140f4832a95aba", false},
		{"half year", "2025-07", "2025-12", 1000, RunInputs{Settings: kam.DefaultAnalyticsSettings(), KeyAccounts: kam.DefaultKeyAccountSettings()}, "3e9fd214c5dbe8cb48f90b598aefb2fe476411060114a580ef1f549b0f2a949f", false},
		{"details in another order", "2025-01", "2025-12", 3000, RunInputs{Settings: kam.DefaultAnalyticsSettings(), KeyAccounts: kam.DefaultKeyAccountSettings()},
			"4dde5cd84eb05b8dfdf9cf769dea46fa7cd17526a54994bc132a482d5252785d", true},
		{"one customer", "2025-01", "2025-12", 1, RunInputs{Settings: kam.DefaultAnalyticsSettings(), KeyAccounts: kam.DefaultKeyAccountSettings()}, "a8832132f6294e4cb87eba1da37228ce11910325cb02958a853fdd9e6fef2b78", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, states := runPortfolio(c.n, c.from, c.to)
			c.in.States = states
			if c.shuffled {
				r := rand.New(rand.NewPCG(3, 5))
				r.Shuffle(len(p.Details), func(i, j int) { p.Details[i], p.Details[j] = p.Details[j], p.Details[i] })
				r.Shuffle(len(p.Previous), func(i, j int) { p.Previous[i], p.Previous[j] = p.Previous[j], p.Previous[i] })
			}
			run := ClassifyPortfolio(p, "manual", c.in)
			if len(run.Results) != c.n {
				t.Fatalf("%d results of %d customers", len(run.Results), c.n)
			}
			if got := runDigest(t, run); got != c.want {
				t.Errorf("digest %s, want %s", got, c.want)
			}
			if c.n < 1000 {
				return
			}
			seen := map[string]bool{}
			for _, r := range run.Results {
				for _, v := range []string{"abc " + r.ABC, "tier " + r.Tier, "state " + r.KeyState, "quadrant " + r.Quadrant, "grade " + r.Grade,
					"lamp " + r.LAMP, "loyalty " + r.Loyalty} {
					seen[v] = true
				}
				seen["total "+fmt.Sprint(r.KeyTotal != "")] = true
			}
			for _, v := range []string{"abc A", "abc B", "abc C", "tier platinum", "tier gold", "tier iron", "tier lead", "state ", "state proposed",
				"state confirmed", "state rejected", "quadrant invest", "quadrant selective", "quadrant maintain", "quadrant minimise",
				"grade important", "grade special", "grade general", "lamp core", "lamp next", "lamp promising", "lamp other",
				"loyalty ", "loyalty loyal", "loyalty switching", "loyalty no_brand", "total true"} {
				if !seen[v] {
					t.Errorf("no result with %s", v)
				}
			}
		})
	}
}
