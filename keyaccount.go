package kam

import (
	"context"
	"slices"
	"sort"
	"time"
)

// Key accounts (SPEC §C3, reference 002): the scorecard on the six criteria of a key account, the
// portfolio matrix (customer attractiveness × our relative strength) and the importance grade.
// The figures come from the rollups; what the figures cannot say (a customer's impact on the
// company's goals, the damage its loss would do …) is scored by hand, 1–5, and each such score,
// each director's decision on a proposal and each override of the importance grade is kept, with
// who and when, in the customer's key-account history.

// The scorecard's criteria, in the order of reference 002.
const (
	CritProfitShare  = "profit_share"  // 1. a large part of the company's profit
	CritGoalImpact   = "goal_impact"   // 2. decisive for the company's goals (by hand)
	CritLossDamage   = "loss_damage"   // 3. losing it would badly hurt results (by hand)
	CritRelationship = "relationship"  // 4. a long and stable relationship
	CritPotential    = "potential"     // 5. large potential for future business
	CritResources    = "resources"     // 6. most of the time, people and means are spent on it
	MeasRevenue      = "revenue"       // attractiveness: its size
	MeasGrowth       = "growth"        // attractiveness: its growth
	MeasMargin       = "margin"        // attractiveness: what it leaves us
	MeasStrategicFit = "strategic_fit" // attractiveness: fit with our strategy (by hand)
	MeasWalletShare  = "wallet_share"  // strength: our share of its purchases
	MeasCompetitive  = "competitive"   // strength: our position against competitors (by hand)
)

// ScorecardCriteria are the six criteria in order; ManualCriteria those scored by hand (the
// scorecard's and the portfolio matrix's).
var (
	ScorecardCriteria      = []string{CritProfitShare, CritGoalImpact, CritLossDamage, CritRelationship, CritPotential, CritResources}
	AttractivenessMeasures = []string{MeasRevenue, MeasGrowth, MeasMargin, MeasStrategicFit}
	StrengthMeasures       = []string{MeasWalletShare, CritRelationship, MeasCompetitive}
	ManualCriteria         = []string{CritGoalImpact, CritLossDamage, MeasStrategicFit, MeasCompetitive}
)

// Key-account states of a customer in the scorecard.
const (
	KeyAccountProposed  = "proposed"  // at or over the threshold, no decision yet
	KeyAccountConfirmed = "confirmed" // a director confirmed it
	KeyAccountRejected  = "rejected"  // a director rejected it
)

// Importance grades (重要/特殊/一般).
const (
	GradeImportant = "important"
	GradeSpecial   = "special"
	GradeGeneral   = "general"
)

// Grades lists the importance grades.
var Grades = []string{GradeImportant, GradeSpecial, GradeGeneral}

// KeyAccountSettings are the rules of the scorecard and the portfolio matrix: weights (decimals ≥ 0
// with up to 4 places; a criterion left out weighs 0) and the thresholds on the 1–5 scale.
type KeyAccountSettings struct {
	ScorecardWeights      map[string]string `json:"scorecard_weights" doc:"Weight of each criterion: profit_share, goal_impact, loss_damage, relationship, potential, resources."`
	ScorecardThreshold    string            `json:"scorecard_threshold" doc:"Weighted total (1–5) at or above which a customer is proposed as a key account (default 3.5)."`
	AttractivenessWeights map[string]string `json:"attractiveness_weights" doc:"Weights of customer attractiveness: revenue, growth, margin, strategic_fit."`
	StrengthWeights       map[string]string `json:"strength_weights" doc:"Weights of our relative strength: wallet_share, relationship, competitive."`
	PortfolioCut          string            `json:"portfolio_cut" doc:"Axis score (1–5) at or above which an axis is high (default 3)."`
}

// DefaultKeyAccountSettings weigh the six criteria alike but for profit (double), propose at 3.5.
func DefaultKeyAccountSettings() KeyAccountSettings {
	return KeyAccountSettings{
		ScorecardWeights: map[string]string{CritProfitShare: "0.25", CritGoalImpact: "0.15", CritLossDamage: "0.15",
			CritRelationship: "0.15", CritPotential: "0.15", CritResources: "0.15"},
		ScorecardThreshold:    "3.5",
		AttractivenessWeights: map[string]string{MeasRevenue: "0.35", MeasGrowth: "0.25", MeasMargin: "0.2", MeasStrategicFit: "0.2"},
		StrengthWeights:       map[string]string{MeasWalletShare: "0.4", CritRelationship: "0.4", MeasCompetitive: "0.2"},
		PortfolioCut:          "3",
	}
}

// Validate checks the settings: known criteria, weights ≥ 0 summing above zero per set,
// thresholds between 1 and 5. Each error names its field (scorecard_weights.profit_share …).
func (s KeyAccountSettings) Validate() error {
	var v Validation
	weights := func(field string, w map[string]string, known []string) {
		var sum int64
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !slices.Contains(known, k) {
				v.Add(field+"."+k, "unknown", "is not a criterion here (known: %v)", known)
				continue
			}
			n, err := ParseFixed(w[k], 4)
			switch {
			case err != nil:
				v.Add(field+"."+k, "invalid", "must be a decimal such as 0.25 (%s)", err.Error())
			case n < 0:
				v.Add(field+"."+k, "out_of_range", "must not be negative")
			default:
				sum += n
			}
		}
		if sum == 0 && !v.Has(field) {
			v.Add(field, "zero_sum", "the weights must not sum to zero")
		}
	}
	scale := func(field, val string) {
		n, err := ParseFixed(val, 4)
		if err != nil {
			v.Add(field, "invalid", "must be a decimal such as 3.5 (%s)", err.Error())
		} else if n < 10000 || n > 50000 {
			v.Add(field, "out_of_range", "must be between 1 and 5")
		}
	}
	weights("scorecard_weights", s.ScorecardWeights, ScorecardCriteria)
	scale("scorecard_threshold", s.ScorecardThreshold)
	weights("attractiveness_weights", s.AttractivenessWeights, AttractivenessMeasures)
	weights("strength_weights", s.StrengthWeights, StrengthMeasures)
	scale("portfolio_cut", s.PortfolioCut)
	return v.Err()
}

// Kinds of key-account events.
const (
	EventScore      = "score"      // a manual score of a criterion
	EventDecision   = "decision"   // a director's confirmation or rejection of key-account status
	EventImportance = "importance" // a manual override of the importance grade ("" clears it)
)

// KeyAccountEvent is one entry of a customer's key-account history.
type KeyAccountEvent struct {
	ID         int64     `json:"id"`
	CustomerID int64     `json:"customer_id"`
	Kind       string    `json:"kind" enum:"score,decision,importance"`
	Criterion  string    `json:"criterion,omitempty" doc:"The criterion of a score."`
	Score      int       `json:"score,omitempty" doc:"A score, 1–5; 0 clears it."`
	Value      string    `json:"value,omitempty" doc:"A decision (confirmed, rejected) or a grade (important, special, general; empty clears the override)."`
	From       string    `json:"from,omitempty" doc:"The period the decision was taken on."`
	To         string    `json:"to,omitempty"`
	Total      string    `json:"total,omitempty" doc:"The weighted total when the decision was taken."`
	Reason     string    `json:"reason"`
	UserID     int64     `json:"user_id"`
	UserName   string    `json:"user_name"`
	At         time.Time `json:"at"`
}

// Validate checks an event before it is stored.
func (e *KeyAccountEvent) Validate() error {
	var v Validation
	switch e.Kind {
	case EventScore:
		if !slices.Contains(ManualCriteria, e.Criterion) {
			v.Add("criterion", "unknown", "must be one of %v", ManualCriteria)
		}
		if e.Score < 0 || e.Score > 5 {
			v.Add("score", "out_of_range", "must be 1–5 (0 clears the score)")
		}
	case EventDecision:
		if e.Value != KeyAccountConfirmed && e.Value != KeyAccountRejected {
			v.Add("decision", "invalid", "must be confirmed or rejected")
		}
	case EventImportance:
		if e.Value != "" && !slices.Contains(Grades, e.Value) {
			v.Add("grade", "invalid", "must be important, special, general or empty (back to the computed grade)")
		}
		if e.Value != "" && len([]rune(e.Reason)) < 2 {
			v.Add("reason", "required", "say why the grade is overridden")
		}
	default:
		v.Add("kind", "invalid", "unknown kind")
	}
	v.MaxLen("reason", e.Reason, 500)
	return v.Err()
}

// KeyAccountState is what stands of a customer's key-account history now: the latest manual
// score of each criterion, the latest decision and the latest importance override.
type KeyAccountState struct {
	Scores     map[string]KeyAccountEvent // by criterion; a cleared score is absent
	Decision   *KeyAccountEvent
	Importance *KeyAccountEvent // nil when the grade is the computed one
}

// KeyAccountInputs are what the key-account models need beyond the period's figures, for the
// customers the actor may see.
type KeyAccountInputs struct {
	// FirstMonth is each customer's first month with a sales order, ever (YYYY-MM).
	FirstMonth map[int64]string
	// Wallet is each customer's estimated total purchases in the year of the period's end, and
	// WalletOurs our net revenue in that year, for customers with an estimate.
	Wallet, WalletOurs map[int64]Money
	// States are the customers' key-account states.
	States map[int64]*KeyAccountState
}

// KeyAccountInputsOf takes the inputs of the key-account models from the details of a
// PortfolioPeriod (which hold the same first months and wallets) and the states.
func KeyAccountInputsOf(details []CustomerDetail, states map[int64]*KeyAccountState) *KeyAccountInputs {
	in := &KeyAccountInputs{FirstMonth: make(map[int64]string, len(details)), Wallet: map[int64]Money{}, WalletOurs: map[int64]Money{}, States: states}
	for i := range details {
		d := &details[i]
		if d.FirstMonth != "" {
			in.FirstMonth[d.CustomerID] = d.FirstMonth
		}
		// An estimate of 0 scores nothing (KeyAccounts scores wallets of positive estimates).
		if d.WalletEstimate > 0 {
			in.Wallet[d.CustomerID], in.WalletOurs[d.CustomerID] = d.WalletEstimate, d.WalletOurs
		}
	}
	return in
}

// KeyAccountService keeps manual scores, decisions and importance overrides.
type KeyAccountService interface {
	KeyAccountSettings(ctx context.Context) (KeyAccountSettings, error)
	SaveKeyAccountSettings(ctx context.Context, s KeyAccountSettings) error
	// KeyAccountInputs reads the inputs of the key-account models of the period from–to.
	KeyAccountInputs(ctx context.Context, from, to string) (*KeyAccountInputs, error)
	// KeyAccountStates reads the key-account states alone (the rest of the inputs is in a
	// PortfolioPeriod's details: KeyAccountInputsOf).
	KeyAccountStates(ctx context.Context) (map[int64]*KeyAccountState, error)
	// RecordKeyAccountEvent validates and stores an event of a customer the actor may see:
	// scores by those who may edit the file, decisions and overrides by directors and admins.
	RecordKeyAccountEvent(ctx context.Context, e *KeyAccountEvent) error
	// KeyAccountHistory is a customer's key-account history, newest first.
	KeyAccountHistory(ctx context.Context, customerID int64) ([]KeyAccountEvent, error)
}

// CanDecideKeyAccounts: directors and admins confirm or reject key accounts and override grades.
func CanDecideKeyAccounts(a *Actor) bool { return CanEditSettings(a) && CustomerScope(a) == ScopeAll }

// StateOf folds a customer's events, oldest first, into its state.
func StateOf(events []KeyAccountEvent) *KeyAccountState {
	st := &KeyAccountState{Scores: map[string]KeyAccountEvent{}}
	for i := range events {
		e := events[i]
		switch e.Kind {
		case EventScore:
			if e.Score == 0 {
				delete(st.Scores, e.Criterion)
			} else {
				st.Scores[e.Criterion] = e
			}
		case EventDecision:
			st.Decision = &e
		case EventImportance:
			if e.Value == "" {
				st.Importance = nil
			} else {
				st.Importance = &e
			}
		}
	}
	return st
}
