package web

import (
	"html"
	"html/template"
)

// ChartAttr is a chart's data (JSON) as its container's data-chart attribute, escaped once: a
// chart of thousands of points is escaped where it is built (and kept), not on every page view.
func ChartAttr(json string) template.HTMLAttr {
	return template.HTMLAttr(`data-chart="` + html.EscapeString(json) + `"`)
}

// --- Key accounts: the portfolio matrix, the scorecard, the card's "why this class" ---

// PortfolioPage is /dashboard/portfolio: the portfolio matrix (customer attractiveness × our
// relative strength) as bubbles sized by revenue, its four quadrants with their resource
// strategy, and the customers of one quadrant (the drill-down).
type PortfolioPage struct {
	Base
	Heading   string
	Sections  []Link
	Period    DashboardPeriod
	Note      string
	Quadrants LedgerTable
	// Chart is the bubbles' data-chart attribute (ChartAttr).
	Chart template.HTMLAttr
	// Quadrant is the drill-down's quadrant ("" for every customer), QuadrantLinks choose it.
	Quadrant, QuadrantLabel, Strategy string
	QuadrantLinks                     []Link
	Table                             LedgerTable
	Total, First, Last                int
	Exports                           []Link
}

// ScorecardPage is /dashboard/scorecard: every customer's six criteria, weighted total and
// key-account state; directors confirm or reject the proposals here.
type ScorecardPage struct {
	Base
	Heading            string
	Sections           []Link
	Period             DashboardPeriod
	Note               string
	States             []Link
	Columns            []string
	Rows               []ScorecardRow
	Total, First, Last int
	Pager              Pager
	Exports            []Link
	// CanDecide shows the confirm and reject buttons (directors, admins); Back is this page.
	CanDecide bool
	Back      string
	// DecideYear, DecideFrom and DecideTo are the period a decision is taken on (the page's).
	DecideYear, DecideFrom, DecideTo string
}

// ScorecardRow is one customer of the scorecard.
type ScorecardRow struct {
	ID                       int64
	URL, Code, Name          string
	Scores                   []string
	Total, State, StateLabel string
	Grade                    string
	DecideURL, PeriodYear    string
	Proposed, Decided        bool
}

// KeyAccountPanel is the card's "why this class": the figures that put the customer in its ABC
// class, tier, scorecard result, quadrant and importance grade, the forms that record manual
// scores, decisions and overrides, and the customer's key-account history.
type KeyAccountPanel struct {
	Period    string
	Why       []FieldRow
	Criteria  LedgerTable
	Portfolio LedgerTable
	History   LedgerTable
	// ScoreURL, DecideURL and GradeURL are the forms' actions, empty when the user may not.
	ScoreURL, DecideURL, GradeURL string
	ManualOptions                 []Option
	GradeOptions                  []Option
	Back                          string
	Proposed                      bool
	Year                          string
}

// SettingInput is one field of a settings form written out by hand.
type SettingInput struct {
	Label, Name, Value, Hint, Error string
}

// SettingGroup is a group of settings fields (the weights of one model) with its own error.
type SettingGroup struct {
	Title, Error string
	Inputs       []SettingInput
}

// KeyAccountSettingsForm is the form of the key-account models' rules on /settings/analytics.
type KeyAccountSettingsForm struct {
	Action string
	Groups []SettingGroup
	Errors []string
}
