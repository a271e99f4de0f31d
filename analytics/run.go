package analytics

import (
	"context"
	"math/big"
	"time"

	"kam"
)

// LastTwelveMonths is the default period of a classification: the 12 complete months before now,
// in the business time zone.
func LastTwelveMonths(now time.Time, loc *time.Location) (from, to string) {
	n := now.In(loc)
	first := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc)
	return first.AddDate(0, -12, 0).Format("2006-01"), first.AddDate(0, -1, 0).Format("2006-01")
}

// Summary is what a run stores about the whole portfolio.
type Summary struct {
	Customers       int                     `json:"customers"`
	Revenue         kam.Money               `json:"revenue"`
	Classes         map[string]ClassSummary `json:"classes"`
	TotalProfit     kam.Money               `json:"total_profit"`
	CostCustomers   int                     `json:"cost_customers"`
	WhalePeakRank   int                     `json:"whale_peak_rank"`
	WhalePeakShare  string                  `json:"whale_peak_share"`
	ProfitCustomers int                     `json:"profit_customers"`
	Tiers           map[string]int          `json:"tiers"`
	// KeyAccounts counts the customers in each key-account state, Quadrants and Grades those of
	// the portfolio matrix and the importance grades (AddKeyAccounts).
	KeyAccounts map[string]int `json:"key_accounts,omitempty"`
	Quadrants   map[string]int `json:"quadrants,omitempty"`
	Grades      map[string]int `json:"grades,omitempty"`
	// LAMP and Loyalty count the customers of each LAMP group and loyalty type.
	LAMP    map[string]int `json:"lamp,omitempty"`
	Loyalty map[string]int `json:"loyalty,omitempty"`
}

// ClassSummary sums one class of a run.
type ClassSummary struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"`
	Share     string    `json:"share"`
}

// Rules turns stored settings into the models' rules; a setting that does not parse keeps its
// default (settings are validated when saved).
func Rules(s kam.AnalyticsSettings) (ABCThresholds, TierRules) {
	t, tr := DefaultABC(), DefaultTiers()
	set := func(dst **big.Rat, v string) {
		if n, err := kam.ParseFixed(v, 4); err == nil {
			*dst = big.NewRat(n, 10000)
		}
	}
	set(&t.A, s.ABCA)
	set(&t.B, s.ABCB)
	set(&tr.LeadMargin, s.LeadMargin)
	set(&tr.GoldLoyalty, s.GoldLoyalty)
	return t, tr
}

// Classify runs every model over figures with the settings' rules and returns the run to store.
func Classify(figures []CustomerFigures, from, to, source string, settings kam.AnalyticsSettings) *kam.ClassificationRun {
	t, tr := Rules(settings)
	abc := ClassifyABC(figures, t)
	whale := WhaleCurve(figures)
	tiers := Tiers(figures, abc, monthsBetween(from, to)+1, tr)
	profit := map[int64]kam.Money{}
	for _, f := range figures {
		profit[f.CustomerID] = f.Profit()
	}
	run := &kam.ClassificationRun{From: from, To: to, Source: source,
		Settings: map[string]string{"abc_a": t.A.FloatString(4), "abc_b": t.B.FloatString(4),
			"lead_margin": tr.LeadMargin.FloatString(4), "gold_loyalty": tr.GoldLoyalty.FloatString(4)}}
	for _, r := range abc.Ranks {
		run.Results = append(run.Results, kam.CustomerClass{CustomerID: r.CustomerID, Code: r.Code, ABC: r.Class, Tier: tiers[r.CustomerID], ABCRank: r.Rank,
			NetRevenue: r.Revenue, Profit: profit[r.CustomerID]})
	}
	s := Summary{Customers: len(figures), Revenue: abc.Total, Classes: map[string]ClassSummary{}, TotalProfit: whale.Total,
		CostCustomers: whale.CostCustomers, ProfitCustomers: whale.ProfitCustomers, WhalePeakRank: whale.PeakRank}
	for k, c := range abc.Classes {
		s.Classes[k] = ClassSummary{Customers: c.Customers, Revenue: c.Revenue, Share: c.Share.FloatString(4)}
	}
	s.Tiers = map[string]int{}
	for _, t := range tiers {
		s.Tiers[t]++
	}
	if whale.PeakShare != nil {
		s.WhalePeakShare = whale.PeakShare.FloatString(4)
	}
	run.Summary = s
	return run
}

// Reclassify classifies the portfolio over the last twelve complete months and stores the run.
func Reclassify(ctx context.Context, ledger kam.LedgerService, now time.Time, loc *time.Location, source string) (*kam.ClassificationRun, error) {
	from, to := LastTwelveMonths(now, loc)
	run, err := ClassifyPeriod(ctx, ledger, from, to, source)
	if err != nil {
		return nil, err
	}
	return run, ledger.SaveClassification(ctx, run)
}

// ClassifyPeriod runs every model over the actor's portfolio in the months from–to and returns
// the run, not stored.
func ClassifyPeriod(ctx context.Context, ledger kam.LedgerService, from, to, source string) (*kam.ClassificationRun, error) {
	p, err := ledger.PortfolioPeriod(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var in RunInputs
	if in.Settings, err = ledger.AnalyticsSettings(ctx); err != nil {
		return nil, err
	}
	if in.States, err = ledger.KeyAccountStates(ctx); err != nil {
		return nil, err
	}
	if in.KeyAccounts, err = ledger.KeyAccountSettings(ctx); err != nil {
		return nil, err
	}
	return ClassifyPortfolio(p, source, in), nil
}

// RunInputs are what a run takes besides the period's figures: the models' settings and the
// customers' key-account states.
type RunInputs struct {
	Settings    kam.AnalyticsSettings
	KeyAccounts kam.KeyAccountSettings
	States      map[int64]*kam.KeyAccountState
}

// ClassifyPortfolio runs every model over what was read of a period and returns the run, not
// stored.
func ClassifyPortfolio(p *kam.PortfolioPeriod, source string, in RunInputs) *kam.ClassificationRun {
	run := Classify(p.Figures, p.From, p.To, source, in.Settings)
	addKeyAccounts(run, p, in.States, in.KeyAccounts)
	addBehaviour(run, p.Figures, p.Details, in.Settings)
	return run
}

// addBehaviour puts each customer's LAMP group and loyalty type in a run of figures (with their
// details), its counts in the run's summary and the rules in its settings.
func addBehaviour(run *kam.ClassificationRun, figures []CustomerFigures, details []kam.CustomerDetail, settings kam.AnalyticsSettings) {
	bs := Behaviours(figures, details, run.From, run.To, BehaviourRulesOf(settings.BehaviourSettings))
	byID := make(map[int64]*Behaviour, len(bs))
	for i := range bs {
		byID[bs[i].CustomerID] = &bs[i]
	}
	lamp, loyalty := map[string]int{}, map[string]int{}
	for i := range run.Results {
		if b := byID[run.Results[i].CustomerID]; b != nil {
			run.Results[i].LAMP, run.Results[i].Loyalty = b.LAMP, b.Loyalty
			lamp[b.LAMP]++
			if b.Loyalty != "" {
				loyalty[b.Loyalty]++
			}
		}
	}
	if s, ok := run.Summary.(Summary); ok {
		s.LAMP, s.Loyalty = lamp, loyalty
		run.Summary = s
	}
	if m, ok := run.Settings.(map[string]string); ok {
		b := settings.BehaviourSettings
		b.Fill()
		for k, v := range map[string]string{"lamp_core": b.LAMPCore, "lamp_next": b.LAMPNext, "lamp_growth": b.LAMPGrowth,
			"loyal_regularity": b.LoyalRegularity, "loyal_share": b.LoyalShare, "switch_shift": b.SwitchShift} {
			m[k] = v
		}
	}
}
