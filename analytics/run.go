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
	run, _ := classify(figures, from, to, source, settings)
	return run
}

// classify is Classify and the index in figures of each result's customer (results are in the
// order of their ABC ranks).
func classify(figures []CustomerFigures, from, to, source string, settings kam.AnalyticsSettings) (*kam.ClassificationRun, []int32) {
	t, tr := Rules(settings)
	abc, order := classifyABC(figures, t)
	whale := whaleTotals(figures)
	tiering := newTiering(figures, monthsBetween(from, to)+1, tr)
	run := &kam.ClassificationRun{From: from, To: to, Source: source,
		Settings: map[string]string{"abc_a": t.A.FloatString(4), "abc_b": t.B.FloatString(4),
			"lead_margin": tr.LeadMargin.FloatString(4), "gold_loyalty": tr.GoldLoyalty.FloatString(4)}}
	s := Summary{Customers: len(figures), Revenue: abc.Total, Classes: map[string]ClassSummary{}, TotalProfit: whale.Total,
		CostCustomers: whale.CostCustomers, ProfitCustomers: whale.ProfitCustomers, WhalePeakRank: whale.PeakRank, Tiers: map[string]int{}}
	run.Results = make([]kam.CustomerClass, len(abc.Ranks))
	for k, r := range abc.Ranks {
		f := &figures[order[k]]
		tier := tiering.of(f, r.Class)
		s.Tiers[tier]++
		run.Results[k] = kam.CustomerClass{CustomerID: r.CustomerID, Code: r.Code, ABC: r.Class, Tier: tier, ABCRank: r.Rank,
			NetRevenue: r.Revenue, Profit: f.Profit()}
	}
	for k, c := range abc.Classes {
		s.Classes[k] = ClassSummary{Customers: c.Customers, Revenue: c.Revenue, Share: c.Share.FloatString(4)}
	}
	if whale.PeakShare != nil {
		s.WhalePeakShare = whale.PeakShare.FloatString(4)
	}
	run.Summary = s
	return run, order
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
// stored. The models keep a few bytes per customer beside the figures and details: a run of
// 100,000 customers holds no per-customer maps or texts besides those it stores.
func ClassifyPortfolio(p *kam.PortfolioPeriod, source string, in RunInputs) *kam.ClassificationRun {
	run, order := classify(p.Figures, p.From, p.To, source, in.Settings)
	details := periodDetails(p)
	addKeyAccounts(run, p.Figures, order, periodKeyInputs(p, details, run, order, in.States), KeyAccountRulesOf(in.KeyAccounts))
	addBehaviour(run, p.Figures, order, details, p.Details, in.Settings)
	return run
}

// periodDetails finds the details of each of p's figures by its index: p's own details where
// they are in the order of the figures (PortfolioPeriod reads them so), else by customer (nil
// for a customer without).
func periodDetails(p *kam.PortfolioPeriod) func(i int) *kam.CustomerDetail {
	same := len(p.Details) == len(p.Figures)
	for i := 0; same && i < len(p.Figures); i++ {
		same = p.Details[i].CustomerID == p.Figures[i].CustomerID
	}
	if same {
		return func(i int) *kam.CustomerDetail { return &p.Details[i] }
	}
	byID := make(map[int64]*kam.CustomerDetail, len(p.Details))
	for i := range p.Details {
		byID[p.Details[i].CustomerID] = &p.Details[i]
	}
	return func(i int) *kam.CustomerDetail { return byID[p.Figures[i].CustomerID] }
}

// periodKeyInputs are the key-account models' inputs of a run of p: the previous period's
// revenue, the first months and wallets of the details, the states, the results' classes and
// tiers (order as classify returns it).
func periodKeyInputs(p *kam.PortfolioPeriod, details func(i int) *kam.CustomerDetail, run *kam.ClassificationRun, order []int32,
	states map[int64]*kam.KeyAccountState) keyInputs {
	figs := p.Figures
	in := newKeyInputs(len(figs))
	for i := range p.Details {
		if p.Details[i].WalletEstimate > 0 {
			in.haveWallet = true
			break
		}
	}
	same := len(p.Previous) == len(figs)
	for i := 0; same && i < len(figs); i++ {
		same = p.Previous[i].CustomerID == figs[i].CustomerID
	}
	var prev map[int64]kam.Money
	if !same {
		prev = make(map[int64]kam.Money, len(p.Previous))
		for _, f := range p.Previous {
			prev[f.CustomerID] = f.NetRevenue
		}
	}
	for i := range figs {
		if same {
			in.prev[i] = p.Previous[i].NetRevenue
		} else {
			in.prev[i] = prev[figs[i].CustomerID]
		}
		if d := details(i); d != nil {
			in.first[i] = d.FirstMonth
			if d.WalletEstimate > 0 {
				in.wallet[i], in.walletOurs[i] = d.WalletEstimate, d.WalletOurs
			}
		}
		in.states[i] = states[figs[i].CustomerID]
	}
	for k, i := range order {
		in.class[i], in.tier[i] = run.Results[k].ABC, run.Results[k].Tier
	}
	return in
}

// addBehaviour puts each customer's LAMP group and loyalty type in a run of figures (with their
// details, found by the figures' index; all the portfolio's give the observed retention), its
// counts in the run's summary and the rules in its settings.
func addBehaviour(run *kam.ClassificationRun, figures []CustomerFigures, order []int32, details func(i int) *kam.CustomerDetail,
	all []kam.CustomerDetail, settings kam.AnalyticsSettings) {
	m := newBehaviourModel(figures, order, all, run.From, run.To, BehaviourRulesOf(settings.BehaviourSettings))
	lamp, loyalty := map[string]int{}, map[string]int{}
	var none kam.CustomerDetail
	for k, i := range order {
		d := details(int(i))
		if d == nil {
			d = &none
		}
		b := m.of(k, &figures[i], d, false)
		run.Results[k].LAMP, run.Results[k].Loyalty = b.LAMP, b.Loyalty
		lamp[b.LAMP]++
		if b.Loyalty != "" {
			loyalty[b.Loyalty]++
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
