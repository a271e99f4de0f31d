package kamhttp

import (
	"cmp"
	"context"
	"maps"
	"math/big"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/analytics"
)

// Key accounts in the API: the scorecard on the six criteria of reference 002, the portfolio
// matrix, the importance grade, their settings, and the records directors and account managers
// add (manual scores, confirmations and rejections, grade overrides).

// keyAccountsOf runs the key-account models over the period's figures (the user's scope).
func (s *Server) keyAccountsOf(ctx context.Context, from, to string, figures []kam.CustomerPeriod) ([]analytics.KeyAccount, error) {
	return memoized(s, ctx, "keyaccounts "+from+" "+to, func(ctx context.Context) ([]analytics.KeyAccount, error) {
		prev, in, err := s.keyAccountInputsOf(ctx, from, to)
		if err != nil {
			return nil, err
		}
		set, err := s.Ledger.KeyAccountSettings(ctx)
		if err != nil {
			return nil, err
		}
		abc := s.abcOf(ctx, from, to, "", figures)
		tiers := s.tiersOf(ctx, &view{from: from, to: to, figures: figures}, abc)
		return analytics.KeyAccounts(analytics.KeyAccountData{From: from, To: to, Figures: figures, Previous: prev, Inputs: in, ABC: abc, Tiers: tiers},
			analytics.KeyAccountRulesOf(set)), nil
	})
}

// keyAccountInputsOf reads the figures of the period before from–to and the key-account models'
// inputs: from the period's one-pass read for a caller who sees the whole ledger.
func (s *Server) keyAccountInputsOf(ctx context.Context, from, to string) ([]kam.CustomerPeriod, *kam.KeyAccountInputs, error) {
	p, err := s.portfolioPeriodOf(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	if p != nil {
		states, err := s.Ledger.KeyAccountStates(ctx)
		if err != nil {
			return nil, nil, err
		}
		return p.Previous, kam.KeyAccountInputsOf(p.Details, states), nil
	}
	pf, pt := analytics.PreviousPeriod(from, to)
	prev, err := s.figuresOf(ctx, pf, pt)
	if err != nil {
		return nil, nil, err
	}
	in, err := s.Ledger.KeyAccountInputs(ctx, from, to)
	return prev, in, err
}

// keyAccountsOfRequest runs the key-account models over an analytics request's period and reads
// their settings.
func (s *Server) keyAccountsOfRequest(ctx context.Context, in *periodInput) (string, string, []analytics.KeyAccount, kam.KeyAccountSettings, error) {
	var set kam.KeyAccountSettings
	from, to, figures, err := s.periodFigures(ctx, in)
	if err != nil {
		return "", "", nil, set, err
	}
	ks, err := s.keyAccountsOf(ctx, from, to, figures)
	if err == nil {
		set, err = s.Ledger.KeyAccountSettings(ctx)
	}
	if err != nil {
		return "", "", nil, set, s.apiError(ctx, err)
	}
	return from, to, ks, set, nil
}

// ratText is an exact score as a decimal with 4 places ("" when there is none).
func ratText(r *big.Rat) string {
	if r == nil {
		return ""
	}
	return r.FloatString(4)
}

// ScorecardRowOut is one customer's scorecard.
type ScorecardRowOut struct {
	CustomerID int64                 `json:"customer_id"`
	Code       string                `json:"code"`
	NetRevenue kam.Money             `json:"net_revenue"`
	Profit     kam.Money             `json:"profit"`
	Criteria   []analytics.Criterion `json:"criteria"`
	Total      string                `json:"total" doc:"Weighted total on the 1–5 scale, 4 decimals; empty when nothing is scored."`
	Proposed   bool                  `json:"proposed" doc:"The total is at or over the threshold."`
	State      string                `json:"state" doc:"proposed, confirmed, rejected, or empty."`
	Grade      string                `json:"grade" doc:"Importance grade in force: important, special, general."`
}

// ScorecardOut is the scorecard of a period.
type ScorecardOut struct {
	From      string                `json:"from"`
	To        string                `json:"to"`
	Threshold string                `json:"threshold"`
	Weights   map[string]string     `json:"weights"`
	States    map[string]int        `json:"states" doc:"Customers per state."`
	Customers Page[ScorecardRowOut] `json:"customers"`
}

type scorecardInput struct {
	Period string `query:"period" pattern:"^\\d{4}$" doc:"A calendar year; or give from and to."`
	From   string `query:"from" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"First month, YYYY-MM."`
	To     string `query:"to" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"Last month, YYYY-MM."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Customers per page."`
	Offset int    `query:"offset" minimum:"0" default:"0"`
	State  string `query:"state" enum:"proposed,confirmed,rejected," doc:"Only customers in this state."`
}

// PortfolioRowOut is one customer in the portfolio matrix.
type PortfolioRowOut struct {
	CustomerID     int64                 `json:"customer_id"`
	Code           string                `json:"code"`
	NetRevenue     kam.Money             `json:"net_revenue"`
	Attractiveness string                `json:"attractiveness" doc:"Weighted score, 1–5."`
	Strength       string                `json:"strength" doc:"Weighted score, 1–5."`
	Quadrant       string                `json:"quadrant" enum:"invest,selective,maintain,minimise"`
	Measures       []analytics.Criterion `json:"measures"`
	Grade          string                `json:"grade"`
}

// QuadrantOut sums one quadrant.
type QuadrantOut struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"`
	Strategy  string    `json:"strategy" doc:"The quadrant's resource strategy."`
}

// PortfolioOut is the portfolio matrix of a period.
type PortfolioOut struct {
	From      string                 `json:"from"`
	To        string                 `json:"to"`
	Cut       string                 `json:"cut"`
	Quadrants map[string]QuadrantOut `json:"quadrants"`
	Customers Page[PortfolioRowOut]  `json:"customers"`
}

type portfolioInput struct {
	Period   string `query:"period" pattern:"^\\d{4}$" doc:"A calendar year; or give from and to."`
	From     string `query:"from" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"First month, YYYY-MM."`
	To       string `query:"to" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"Last month, YYYY-MM."`
	Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Customers per page."`
	Offset   int    `query:"offset" minimum:"0" default:"0"`
	Quadrant string `query:"quadrant" enum:"invest,selective,maintain,minimise," doc:"Only the customers of one quadrant."`
}

// quadrantStrategy names each quadrant's resource strategy (the API's words; the UI translates).
var quadrantStrategy = map[string]string{
	analytics.QuadrantInvest:    "invest: develop the partnership, first call on resources",
	analytics.QuadrantSelective: "invest selectively: build our position where it pays",
	analytics.QuadrantMaintain:  "maintain: keep the relationship at the lowest cost of service",
	analytics.QuadrantMinimise:  "minimise: standard service, resources elsewhere",
}

// The bodies of the key-account records. They are read after the customer is found, so that a
// customer outside the caller's scope is not found (404) whatever the body says.
type ScoreBody struct {
	Criterion string `json:"criterion" enum:"goal_impact,loss_damage,strategic_fit,competitive"`
	Score     int    `json:"score" minimum:"0" maximum:"5" doc:"1–5; 0 clears the score."`
	Reason    string `json:"reason" maxLength:"500"`
}

type DecisionBody struct {
	Decision string `json:"decision" enum:"confirmed,rejected"`
	Reason   string `json:"reason" maxLength:"500"`
	Period   string `json:"period" pattern:"^\\d{4}$" doc:"The year the decision is taken on; default the last 12 complete months."`
}

type GradeBody struct {
	Grade  string `json:"grade" enum:"important,special,general," doc:"Empty goes back to the computed grade."`
	Reason string `json:"reason" maxLength:"500"`
}

type recordInput struct {
	ID          int64  `path:"id" minimum:"1"`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/json"`
}

type customerKeyAccountInput struct {
	ID     int64  `path:"id" minimum:"1"`
	Period string `query:"period" pattern:"^\\d{4}$" doc:"A calendar year; or give from and to."`
	From   string `query:"from" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"First month, YYYY-MM."`
	To     string `query:"to" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"Last month, YYYY-MM."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Customers per page."`
	Offset int    `query:"offset" minimum:"0" default:"0"`
}

// periodOf is a key-account request's period as an analytics request's (huma reads no embedded
// parameters, so each input lists them).
func periodOf(period, from, to string, limit, offset int) *periodInput {
	return &periodInput{Period: period, From: from, To: to, Limit: limit, Offset: offset}
}

// KeyAccountOut is one customer's key-account results and history.
type KeyAccountOut struct {
	From    string                `json:"from"`
	To      string                `json:"to"`
	Result  *KeyAccountResultOut  `json:"result" doc:"Absent when the customer is not in the period's figures."`
	History []kam.KeyAccountEvent `json:"history"`
}

// KeyAccountResultOut is everything the models say of one customer.
type KeyAccountResultOut struct {
	ScorecardRowOut
	ProfitShare    string                `json:"profit_share"`
	Attractiveness string                `json:"attractiveness"`
	Strength       string                `json:"strength"`
	Quadrant       string                `json:"quadrant"`
	Measures       []analytics.Criterion `json:"measures"`
	ComputedGrade  string                `json:"computed_grade"`
	GradeRule      string                `json:"grade_rule" doc:"What gave the computed grade: confirmed, proposed, selective, large_lead, rest."`
	Overridden     bool                  `json:"overridden"`
}

func scorecardRow(k analytics.KeyAccount) ScorecardRowOut {
	return ScorecardRowOut{CustomerID: k.CustomerID, Code: k.Code, NetRevenue: k.NetRevenue, Profit: k.Profit, Criteria: k.Scorecard,
		Total: ratText(k.Total), Proposed: k.Proposed, State: k.State, Grade: k.Grade}
}

func portfolioRow(k analytics.KeyAccount) PortfolioRowOut {
	return PortfolioRowOut{CustomerID: k.CustomerID, Code: k.Code, NetRevenue: k.NetRevenue, Attractiveness: ratText(k.AttractivenessTotal),
		Strength: ratText(k.StrengthTot), Quadrant: k.Quadrant, Measures: slices.Concat(k.Attractiveness, k.Strength), Grade: k.Grade}
}

// byTotal orders a scorecard: highest total first, then code. The list points into ks. Totals
// are weighted means of 1–5 scores, so a portfolio has few distinct ones: they are ranked once,
// and the customers sorted by rank, instead of comparing fractions 100,000 × log n times.
func byTotal(ks []analytics.KeyAccount) []*analytics.KeyAccount {
	out := pointers(ks)
	names := make([]string, len(out))
	keys := make(map[string]*big.Rat)
	for i, k := range out {
		if k.Total != nil {
			names[i] = k.Total.RatString()
			keys[names[i]] = k.Total
		}
	}
	distinct := slices.Collect(maps.Keys(keys))
	slices.SortFunc(distinct, func(a, b string) int { return keys[b].Cmp(keys[a]) })
	rank := make(map[string]int, len(distinct))
	for i, t := range distinct {
		rank[t] = i
	}
	type ranked struct {
		k    *analytics.KeyAccount
		rank int
	}
	rs := make([]ranked, len(out))
	for i, k := range out {
		rs[i] = ranked{k, len(distinct)} // no total: last
		if k.Total != nil {
			rs[i].rank = rank[names[i]]
		}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		return cmp.Compare(a.k.Code, b.k.Code)
	})
	for i := range rs {
		out[i] = rs[i].k
	}
	return out
}

// byRevenueDesc orders customers by net revenue, largest first, then code. The list points into
// ks.
func byRevenueDesc(ks []analytics.KeyAccount) []*analytics.KeyAccount {
	out := pointers(ks)
	slices.SortStableFunc(out, func(a, b *analytics.KeyAccount) int {
		if a.NetRevenue != b.NetRevenue {
			if a.NetRevenue > b.NetRevenue {
				return -1
			}
			return 1
		}
		if a.Code < b.Code {
			return -1
		}
		return 1
	})
	return out
}

// pointers lists the addresses of xs's items, in order.
func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// keyAccountList is a period's key accounts in the order of a list (the scorecard's, the
// portfolio matrix's), whole and by a key (the state, the quadrant), with each key's net revenue.
// Shared through the memo: read it, never change it.
type keyAccountList struct {
	sorted  []*analytics.KeyAccount
	by      map[string][]*analytics.KeyAccount
	revenue map[string]kam.Money
}

// of is the list of one key (every customer for "").
func (l *keyAccountList) of(key string) []*analytics.KeyAccount {
	if key == "" {
		return l.sorted
	}
	return l.by[key]
}

// keyAccountListOf orders ks, the key accounts of from–to, and groups them by key, once per
// generation (name names the order and the key): 100,000 customers take a second to sort by
// their exact totals.
func (s *Server) keyAccountListOf(ctx context.Context, name, from, to string, ks []analytics.KeyAccount,
	order func([]analytics.KeyAccount) []*analytics.KeyAccount, key func(*analytics.KeyAccount) string) (*keyAccountList, error) {
	return memoized(s, ctx, name+" list "+from+" "+to, func(context.Context) (*keyAccountList, error) {
		l := &keyAccountList{sorted: order(ks), by: map[string][]*analytics.KeyAccount{}, revenue: map[string]kam.Money{}}
		for _, k := range l.sorted {
			l.by[key(k)] = append(l.by[key(k)], k)
			l.revenue[key(k)] += k.NetRevenue
		}
		return l, nil
	})
}

// scorecardOf is the scorecard of from–to (ks, its key accounts) by state.
func (s *Server) scorecardOf(ctx context.Context, from, to string, ks []analytics.KeyAccount) (*keyAccountList, error) {
	return s.keyAccountListOf(ctx, "scorecard", from, to, ks, byTotal, func(k *analytics.KeyAccount) string { return k.State })
}

// portfolioListOf is the portfolio matrix of from–to (ks, its key accounts) by quadrant.
func (s *Server) portfolioListOf(ctx context.Context, from, to string, ks []analytics.KeyAccount) (*keyAccountList, error) {
	return s.keyAccountListOf(ctx, "portfolio", from, to, ks, byRevenueDesc, func(k *analytics.KeyAccount) string { return k.Quadrant })
}

func (s *Server) registerKeyAccountAPI(api huma.API) {
	tags := []string{"key accounts"}
	register(api, need(kam.ActView, kam.ResSettings), huma.Operation{OperationID: "get-key-account-settings", Method: http.MethodGet,
		Path: apiPrefix + "/analytics/key-account-settings", Summary: "The rules of the scorecard and the portfolio matrix", Tags: tags},
		func(ctx context.Context, in *struct{}) (*struct{ Body kam.KeyAccountSettings }, error) {
			set, err := s.Ledger.KeyAccountSettings(ctx)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.KeyAccountSettings }{set}, nil
		})
	register(api, need(kam.ActEdit, kam.ResSettings), huma.Operation{OperationID: "put-key-account-settings", Method: http.MethodPut,
		Path: apiPrefix + "/analytics/key-account-settings", Summary: "Set the rules of the scorecard and the portfolio matrix", Tags: tags, MaxBodyBytes: maxBodyBytes,
		Description: "Directors and admins. Weights are decimals ≥ 0 (a criterion left out weighs 0) and must not sum to zero in any set; the threshold and the cut are on the 1–5 scale. A bad value is refused naming its field (e.g. `scorecard_weights.profit_share`), and the stored settings stay."},
		func(ctx context.Context, in *struct{ Body kam.KeyAccountSettings }) (*struct{ Body kam.KeyAccountSettings }, error) {
			if err := s.Ledger.SaveKeyAccountSettings(ctx, in.Body); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.KeyAccountSettings }{in.Body}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-scorecard", Method: http.MethodGet, Path: apiPrefix + "/analytics/scorecard",
		Summary: "Key-account scorecard", Tags: tags,
		Description: "The six criteria of a key account, each scored 1–5: profit_share, relationship (the lower of its length and stability scores), potential (growth, or the uncaptured wallet where estimated), resources (cost-to-serve) by quintiles of the period's customers (sorted worst first, position i of n scores 1 + floor(5i/n), equal values share the first one's score); goal_impact and loss_damage by hand. The total is the weighted mean of the scored criteria; at or over the threshold a customer is proposed, until a director confirms or rejects it. Highest total first; only the caller's customers."},
		func(ctx context.Context, in *scorecardInput) (*struct{ Body ScorecardOut }, error) {
			from, to, ks, set, err := s.keyAccountsOfRequest(ctx, periodOf(in.Period, in.From, in.To, in.Limit, in.Offset))
			if err != nil {
				return nil, err
			}
			sc, err := s.scorecardOf(ctx, from, to, ks)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := ScorecardOut{From: from, To: to, Threshold: set.ScorecardThreshold, Weights: set.ScorecardWeights,
				States: map[string]int{kam.KeyAccountProposed: 0, kam.KeyAccountConfirmed: 0, kam.KeyAccountRejected: 0}}
			for st, l := range sc.by {
				if st != "" {
					out.States[st] = len(l)
				}
			}
			rows := sc.of(in.State)
			shown := page(rows, in.Offset, in.Limit)
			out.Customers = Page[ScorecardRowOut]{Items: make([]ScorecardRowOut, 0, len(shown)), Total: len(rows), Limit: in.Limit, Offset: in.Offset}
			for _, k := range shown {
				out.Customers.Items = append(out.Customers.Items, scorecardRow(*k))
			}
			return &struct{ Body ScorecardOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-portfolio", Method: http.MethodGet, Path: apiPrefix + "/analytics/portfolio",
		Summary: "Portfolio matrix: customer attractiveness × our relative strength", Tags: tags,
		Description: "Attractiveness weighs revenue, growth, margin (quintile scores) and strategic_fit (by hand); strength weighs wallet_share (where estimated), relationship and competitive (by hand), as the settings say. An axis at or over the cut is high. Quadrants: invest (both high), selective (attractive, we are weak), maintain (we are strong, less attractive), minimise (both low). Customers by net revenue, largest first."},
		func(ctx context.Context, in *portfolioInput) (*struct{ Body PortfolioOut }, error) {
			from, to, ks, set, err := s.keyAccountsOfRequest(ctx, periodOf(in.Period, in.From, in.To, in.Limit, in.Offset))
			if err != nil {
				return nil, err
			}
			pl, err := s.portfolioListOf(ctx, from, to, ks)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := PortfolioOut{From: from, To: to, Cut: set.PortfolioCut, Quadrants: map[string]QuadrantOut{}}
			for _, q := range analytics.Quadrants {
				out.Quadrants[q] = QuadrantOut{Strategy: quadrantStrategy[q]}
			}
			for q, l := range pl.by {
				out.Quadrants[q] = QuadrantOut{Customers: len(l), Revenue: pl.revenue[q], Strategy: quadrantStrategy[q]}
			}
			rows := pl.of(in.Quadrant)
			shown := page(rows, in.Offset, in.Limit)
			out.Customers = Page[PortfolioRowOut]{Items: make([]PortfolioRowOut, 0, len(shown)), Total: len(rows), Limit: in.Limit, Offset: in.Offset}
			for _, k := range shown {
				out.Customers.Items = append(out.Customers.Items, portfolioRow(*k))
			}
			return &struct{ Body PortfolioOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "customer-key-account", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/key-account",
		Summary: "A customer's scorecard, quadrant, importance grade and key-account history", Tags: tags},
		func(ctx context.Context, in *customerKeyAccountInput) (*struct{ Body KeyAccountOut }, error) {
			history, err := s.Ledger.KeyAccountHistory(ctx, in.ID)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, "key_account")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			from, to, figures, err := s.periodFigures(ctx, periodOf(in.Period, in.From, in.To, in.Limit, in.Offset))
			if err != nil {
				return nil, err
			}
			ks, err := s.keyAccountsOf(ctx, from, to, figures)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := KeyAccountOut{From: from, To: to, History: history}
			for _, k := range ks {
				if k.CustomerID == in.ID {
					out.Result = &KeyAccountResultOut{ScorecardRowOut: scorecardRow(k), ProfitShare: ratText(k.ProfitShare),
						Attractiveness: ratText(k.AttractivenessTotal), Strength: ratText(k.StrengthTot), Quadrant: k.Quadrant,
						Measures: slices.Concat(k.Attractiveness, k.Strength), ComputedGrade: k.ComputedGrade, GradeRule: k.GradeReason, Overridden: k.Overridden}
				}
			}
			return &struct{ Body KeyAccountOut }{out}, nil
		})
	// record reads a record's body into dst (the fields named in writable) once the customer is
	// found, and stores the event make builds from it.
	record := func(ctx context.Context, in *recordInput, dst any, writable map[string]bool, build func() (*kam.KeyAccountEvent, error)) (*struct{ Body kam.KeyAccountEvent }, error) {
		if _, err := s.Customers.FindCustomerByID(ctx, in.ID); err != nil {
			return nil, s.apiError(ctx, err)
		}
		if err := decodeObject(in.ContentType, in.RawBody, dst, writable); err != nil {
			return nil, err
		}
		e, err := build()
		if err != nil {
			return nil, err
		}
		e.CustomerID = in.ID
		if err := s.Ledger.RecordKeyAccountEvent(ctx, e); err != nil {
			return nil, s.apiError(ctx, err)
		}
		return &struct{ Body kam.KeyAccountEvent }{*e}, nil
	}
	register(api, need(kam.ActEdit, kam.ResCustomer), huma.Operation{OperationID: "customer-key-account-score", Method: http.MethodPost,
		Path: apiPrefix + "/customers/{id}/key-account/scores", Summary: "Score a criterion by hand", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Body `{\"criterion\": \"goal_impact\", \"score\": 4, \"reason\": \"…\"}`: goal_impact and loss_damage (scorecard), strategic_fit and competitive (portfolio matrix), 1–5; 0 clears the score. Who may edit the file scores it; every score is kept with who and when."},
		func(ctx context.Context, in *recordInput) (*struct{ Body kam.KeyAccountEvent }, error) {
			var b ScoreBody
			return record(ctx, in, &b, jsonFields(ScoreBody{}), func() (*kam.KeyAccountEvent, error) {
				return &kam.KeyAccountEvent{Kind: kam.EventScore, Criterion: b.Criterion, Score: b.Score, Reason: b.Reason}, nil
			})
		})
	register(api, need(kam.ActEdit, kam.ResSettings), huma.Operation{OperationID: "customer-key-account-decision", Method: http.MethodPost,
		Path: apiPrefix + "/customers/{id}/key-account/decision", Summary: "Confirm or reject a customer as a key account", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Directors and admins. Body `{\"decision\": \"confirmed\" | \"rejected\", \"reason\": \"…\", \"period\": \"2026\"}` (period: the year the decision is taken on, default the last 12 complete months). The decision stands until the next one; it is kept with the period, the weighted total at the time, who and when."},
		func(ctx context.Context, in *recordInput) (*struct{ Body kam.KeyAccountEvent }, error) {
			var b DecisionBody
			return record(ctx, in, &b, jsonFields(DecisionBody{}), func() (*kam.KeyAccountEvent, error) {
				if b.Period != "" && !yearText.MatchString(b.Period) {
					return nil, problem(http.StatusUnprocessableEntity, "period must be a year", &huma.ErrorDetail{Location: "body.period", Value: b.Period})
				}
				e := &kam.KeyAccountEvent{Kind: kam.EventDecision, Value: b.Decision, Reason: b.Reason}
				from, to, figures, err := s.periodFigures(ctx, &periodInput{Period: b.Period})
				if err != nil {
					return nil, err
				}
				e.From, e.To = from, to
				if ks, err := s.keyAccountsOf(ctx, from, to, figures); err == nil {
					for _, k := range ks {
						if k.CustomerID == in.ID {
							e.Total = ratText(k.Total)
						}
					}
				}
				return e, nil
			})
		})
	register(api, need(kam.ActEdit, kam.ResSettings), huma.Operation{OperationID: "customer-importance", Method: http.MethodPost,
		Path: apiPrefix + "/customers/{id}/importance", Summary: "Override the importance grade", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Directors and admins. Body `{\"grade\": \"important\" | \"special\" | \"general\" | \"\", \"reason\": \"…\"}`: a grade needs a reason; an empty grade goes back to the computed one. Kept with who and when."},
		func(ctx context.Context, in *recordInput) (*struct{ Body kam.KeyAccountEvent }, error) {
			var b GradeBody
			return record(ctx, in, &b, jsonFields(GradeBody{}), func() (*kam.KeyAccountEvent, error) {
				return &kam.KeyAccountEvent{Kind: kam.EventImportance, Value: b.Grade, Reason: b.Reason}, nil
			})
		})
}

// Auditing of the key-account records and settings.

func (l auditedLedger) RecordKeyAccountEvent(ctx context.Context, e *kam.KeyAccountEvent) error {
	if err := l.LedgerService.RecordKeyAccountEvent(ctx, e); err != nil {
		return err
	}
	d := map[string]any{"kind": e.Kind}
	for k, v := range map[string]string{"criterion": e.Criterion, "value": e.Value, "from": e.From, "to": e.To, "total": e.Total, "reason": truncate(e.Reason, 200)} {
		if v != "" {
			d[k] = v
		}
	}
	if e.Kind == kam.EventScore {
		d["score"] = e.Score
	}
	return l.s.auditChange(ctx, kam.AuditKeyAccount, "key_account", e.ID, e.CustomerID, d)
}

func (l auditedLedger) SaveKeyAccountSettings(ctx context.Context, set kam.KeyAccountSettings) error {
	if err := l.LedgerService.SaveKeyAccountSettings(ctx, set); err != nil {
		return err
	}
	return l.s.audit(ctx, &kam.AuditEntry{Action: kam.AuditSettings, ObjectType: "settings", Detail: map[string]any{"key": "key_accounts"}})
}
