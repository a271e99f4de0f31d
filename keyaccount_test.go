package kam

import (
	"errors"
	"testing"
)

func TestKeyAccountSettingsValidate(t *testing.T) {
	if err := DefaultKeyAccountSettings().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*KeyAccountSettings)
		field string
	}{
		{"weights sum to zero", func(s *KeyAccountSettings) { s.ScorecardWeights = map[string]string{CritProfitShare: "0"} }, "scorecard_weights"},
		{"no weights at all", func(s *KeyAccountSettings) { s.StrengthWeights = nil }, "strength_weights"},
		{"unknown criterion", func(s *KeyAccountSettings) { s.ScorecardWeights["charm"] = "1" }, "scorecard_weights.charm"},
		{"a strength measure among attractiveness", func(s *KeyAccountSettings) { s.AttractivenessWeights[MeasWalletShare] = "1" }, "attractiveness_weights.wallet_share"},
		{"negative", func(s *KeyAccountSettings) { s.ScorecardWeights[CritResources] = "-0.1" }, "scorecard_weights.resources"},
		{"not a number", func(s *KeyAccountSettings) { s.StrengthWeights[MeasCompetitive] = "a lot" }, "strength_weights.competitive"},
		{"threshold above 5", func(s *KeyAccountSettings) { s.ScorecardThreshold = "5.5" }, "scorecard_threshold"},
		{"threshold below 1", func(s *KeyAccountSettings) { s.ScorecardThreshold = "0.9" }, "scorecard_threshold"},
		{"cut not a number", func(s *KeyAccountSettings) { s.PortfolioCut = "" }, "portfolio_cut"},
	} {
		s := DefaultKeyAccountSettings()
		c.edit(&s)
		var e *Error
		if err := s.Validate(); !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want one error naming %s", c.name, err, c.field)
		}
	}
	// Bounds are inclusive: 1 and 5.
	s := DefaultKeyAccountSettings()
	s.ScorecardThreshold, s.PortfolioCut = "5", "1"
	if err := s.Validate(); err != nil {
		t.Errorf("bounds: %v", err)
	}
}

func TestKeyAccountEventValidateAndState(t *testing.T) {
	events := []KeyAccountEvent{
		{Kind: EventScore, Criterion: CritGoalImpact, Score: 2},
		{Kind: EventDecision, Value: KeyAccountConfirmed},
		{Kind: EventScore, Criterion: CritGoalImpact, Score: 4},
		{Kind: EventImportance, Value: GradeSpecial, Reason: "政府项目"},
		{Kind: EventScore, Criterion: CritLossDamage, Score: 3},
		{Kind: EventScore, Criterion: CritLossDamage, Score: 0},
		{Kind: EventDecision, Value: KeyAccountRejected},
	}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			t.Errorf("%+v: %v", e, err)
		}
	}
	st := StateOf(events)
	if st.Scores[CritGoalImpact].Score != 4 || len(st.Scores) != 1 || st.Decision.Value != KeyAccountRejected || st.Importance.Value != GradeSpecial {
		t.Errorf("state %+v", st)
	}
	if st := StateOf(append(events, KeyAccountEvent{Kind: EventImportance})); st.Importance != nil {
		t.Errorf("cleared override stands: %+v", st.Importance)
	}
	if err := (&KeyAccountEvent{Kind: "vote"}).Validate(); err == nil {
		t.Error("unknown kind accepted")
	}
}
