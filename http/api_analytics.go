package kamhttp

import (
	"context"
	"maps"
	"math/big"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/analytics"
	"kam/locale"
)

type periodInput struct {
	Period string `query:"period" pattern:"^\\d{4}$" doc:"A calendar year; or give from and to."`
	From   string `query:"from" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"First month, YYYY-MM."`
	To     string `query:"to" pattern:"^\\d{4}-(0[1-9]|1[0-2])$" doc:"Last month, YYYY-MM."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Ranked customers per page."`
	Offset int    `query:"offset" minimum:"0" default:"0"`
	FilterParams
}

var monthText = regexp.MustCompile(`^\d{4}-\d{2}$`)

// months resolves the period of an analytics request: a year, from–to, or the last 12 complete
// months.
func (in *periodInput) months(now time.Time) (string, string, error) {
	switch {
	case in.Period != "" && (in.From != "" || in.To != ""):
		return "", "", problem(http.StatusUnprocessableEntity, "give period or from and to, not both", &huma.ErrorDetail{Location: "query.period", Value: in.Period})
	case in.Period != "":
		return in.Period + "-01", in.Period + "-12", nil
	case in.From == "" && in.To == "":
		from, to := analytics.LastTwelveMonths(now, locale.Shanghai)
		return from, to, nil
	case !monthText.MatchString(in.From) || !monthText.MatchString(in.To) || in.From > in.To:
		return "", "", problem(http.StatusUnprocessableEntity, "from and to must both be months, from not after to", &huma.ErrorDetail{Location: "query.from", Value: in.From})
	}
	return in.From, in.To, nil
}

// Share is a fraction as a decimal string with 6 places and as a number.
type Share struct {
	Text  string  `json:"text"`
	Value float64 `json:"value"`
}

func shareOf(r *big.Rat) Share {
	if r == nil {
		return Share{Text: "0.000000"}
	}
	t := r.FloatString(6)
	v, _ := strconv.ParseFloat(t, 64)
	return Share{Text: t, Value: v}
}

// ABCClassOut sums one class.
type ABCClassOut struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"`
	Share     Share     `json:"share"`
}

// ABCRankOut is one ranked customer.
type ABCRankOut struct {
	CustomerID int64     `json:"customer_id"`
	Code       string    `json:"code"`
	Rank       int       `json:"rank"`
	Class      string    `json:"class"`
	Revenue    kam.Money `json:"revenue"`
	Share      Share     `json:"share"`
	Cumulative Share     `json:"cumulative"`
}

// ABCOut is an ABC classification.
type ABCOut struct {
	From      string                 `json:"from"`
	To        string                 `json:"to"`
	Total     kam.Money              `json:"total" doc:"The sum of the positive net revenues: the base of every share."`
	Classes   map[string]ABCClassOut `json:"classes"`
	Customers Page[ABCRankOut]       `json:"customers"`
}

// WhalePointOut is one customer on the whale curve.
type WhalePointOut struct {
	CustomerID int64     `json:"customer_id"`
	Code       string    `json:"code"`
	Rank       int       `json:"rank"`
	Profit     kam.Money `json:"profit"`
	Cumulative kam.Money `json:"cumulative"`
}

// ProfitabilityOut is the profitability of a portfolio after cost-to-serve.
type ProfitabilityOut struct {
	From            string              `json:"from"`
	To              string              `json:"to"`
	TotalProfit     kam.Money           `json:"total_profit"`
	CostCustomers   int                 `json:"cost_customers"`
	ProfitCustomers int                 `json:"profit_customers"`
	WhalePeakShare  Share               `json:"whale_peak_share"`
	WhalePeakRank   int                 `json:"whale_peak_rank"`
	Curve           Page[WhalePointOut] `json:"curve"`
}

type migrationInput struct {
	FromRun int64  `query:"from_run" minimum:"0" doc:"The earlier run's id; or give from (a year) for the newest run of that calendar year."`
	ToRun   int64  `query:"to_run" minimum:"0" doc:"The later run's id; or give to (a year)."`
	From    string `query:"from" pattern:"^\\d{4}$"`
	To      string `query:"to" pattern:"^\\d{4}$"`
}

// MigrationOut is the migration matrix between two stored runs.
type MigrationOut struct {
	From *kam.ClassificationRun `json:"from"`
	To   *kam.ClassificationRun `json:"to"`
	analytics.Migration
}

// RFMOut scores the customers of a period.
type RFMOut struct {
	From      string              `json:"from"`
	To        string              `json:"to"`
	Customers Page[analytics.RFM] `json:"customers"`
	Scores    map[string]int      `json:"scores" doc:"How many customers have each score (\"545\" …)."`
}

// TierOut sums one value tier.
type TierOut struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"`
	Profit    kam.Money `json:"profit"`
}

// TiersOut is the value tiers of a period.
type TiersOut struct {
	From      string                  `json:"from"`
	To        string                  `json:"to"`
	Tiers     map[string]TierOut      `json:"tiers"`
	Customers Page[kam.CustomerClass] `json:"customers"`
}

type walletInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Year int   `query:"year" minimum:"1900" maximum:"2200" doc:"The year; default the last complete one."`
}

type settingsInput struct {
	Body kam.AnalyticsSettings
}

func (s *Server) registerAnalyticsAPI(api huma.API) {
	tags := []string{"analytics"}
	register(api, need(kam.ActView, kam.ResSettings), huma.Operation{OperationID: "get-analytics-settings", Method: http.MethodGet, Path: apiPrefix + "/analytics/settings",
		Summary: "The rules of the portfolio models", Tags: tags},
		func(ctx context.Context, in *struct{}) (*struct{ Body kam.AnalyticsSettings }, error) {
			set, err := s.Ledger.AnalyticsSettings(ctx)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.AnalyticsSettings }{set}, nil
		})
	register(api, need(kam.ActEdit, kam.ResSettings), huma.Operation{OperationID: "put-analytics-settings", Method: http.MethodPut, Path: apiPrefix + "/analytics/settings",
		Summary: "Set the rules of the portfolio models", Tags: tags, MaxBodyBytes: maxBodyBytes,
		Description: "Directors and admins. Every field is a decimal fraction; the next classification uses them."},
		func(ctx context.Context, in *settingsInput) (*struct{ Body kam.AnalyticsSettings }, error) {
			in.Body.BehaviourSettings.Fill()
			if err := s.Ledger.SaveAnalyticsSettings(ctx, in.Body); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.AnalyticsSettings }{in.Body}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "customer-wallet", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/wallet",
		Summary: "A customer's share of wallet", Tags: tags,
		Description: "Per product category, our net revenue in the year beside the customer's estimated total purchases of it (imported as `wallet`), and the share."},
		func(ctx context.Context, in *walletInput) (*struct{ Body []kam.WalletShare }, error) {
			year := in.Year
			if year == 0 {
				year = s.Now().In(locale.Shanghai).Year() - 1
			}
			w, err := s.Ledger.WalletShares(ctx, in.ID, year)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, "wallet")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body []kam.WalletShare }{w}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-tiers", Method: http.MethodGet, Path: apiPrefix + "/analytics/tiers",
		Summary: "Value tiers", Tags: tags,
		Description: "platinum 铂金, gold 黄金, iron 铁质, lead 铅质, checked in this order: lead when the profit after cost-to-serve is at most 2% of net revenue (or there is no revenue); platinum when class A with a margin at least the portfolio's; gold when class A or B and ordering in at least 75% of the period's months; iron otherwise. Customers ranked by net revenue."},
		func(ctx context.Context, in *periodInput) (*struct{ Body TiersOut }, error) {
			v, err := s.periodView(ctx, in)
			if err != nil {
				return nil, err
			}
			from, to, figures := v.from, v.to, v.figures
			run, err := s.runOf(ctx, from, to, v.set, figures)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := TiersOut{From: from, To: to, Tiers: map[string]TierOut{},
				Customers: Page[kam.CustomerClass]{Items: page(run.Results, in.Offset, in.Limit), Total: len(run.Results), Limit: in.Limit, Offset: in.Offset}}
			if out.Customers.Items == nil {
				out.Customers.Items = []kam.CustomerClass{}
			}
			sums, err := memoized(s, ctx, "tier sums "+v.key(), func(context.Context) (map[string]TierOut, error) {
				sums := map[string]TierOut{}
				for _, t := range []string{analytics.TierPlatinum, analytics.TierGold, analytics.TierIron, analytics.TierLead} {
					sums[t] = TierOut{}
				}
				for _, r := range run.Results {
					t := sums[r.Tier]
					t.Customers++
					t.Revenue += r.NetRevenue
					t.Profit += r.Profit
					sums[r.Tier] = t
				}
				return sums, nil
			})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out.Tiers = maps.Clone(sums)
			return &struct{ Body TiersOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-rfm", Method: http.MethodGet, Path: apiPrefix + "/analytics/rfm",
		Summary: "RFM scores", Tags: tags,
		Description: "Recency (months from the last month with an order to the period's end), frequency (sales orders) and monetary value (net revenue), each scored 1–5 by quintiles of the customers with orders in the period: sorted worst first, position i of n scores 1 + floor(5i/n), and equal values share the score of the first of them. Sorted by score, best first."},
		func(ctx context.Context, in *periodInput) (*struct{ Body RFMOut }, error) {
			v, err := s.periodView(ctx, in)
			if err != nil {
				return nil, err
			}
			from, to, figures := v.from, v.to, v.figures
			scores := s.rfmOf(ctx, from, to, v.set, figures)
			out := RFMOut{From: from, To: to, Scores: map[string]int{},
				Customers: Page[analytics.RFM]{Items: page(scores, in.Offset, in.Limit), Total: len(scores), Limit: in.Limit, Offset: in.Offset}}
			if out.Customers.Items == nil {
				out.Customers.Items = []analytics.RFM{}
			}
			counts, err := memoized(s, ctx, "rfm counts "+v.key(), func(context.Context) (map[string]int, error) {
				counts := map[string]int{}
				for _, r := range scores {
					if r.Score != "" {
						counts[r.Score]++
					}
				}
				return counts, nil
			})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out.Scores = maps.Clone(counts)
			return &struct{ Body RFMOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-migration", Method: http.MethodGet, Path: apiPrefix + "/analytics/migration",
		Summary: "Migration between ABC classes", Tags: tags,
		Description: "How many customers (and how much of their later revenue) moved from each ABC class to each other between two stored classification runs; `-` stands for a customer absent from a run. Only the customers the caller may see."},
		func(ctx context.Context, in *migrationInput) (*struct{ Body MigrationOut }, error) {
			months := func(id int64, year, name string) ([2]string, error) {
				if id == 0 && year == "" {
					return [2]string{}, problem(http.StatusUnprocessableEntity, "name the "+name+" run", &huma.ErrorDetail{Location: "query." + name + "_run", Message: "give " + name + "_run or " + name})
				}
				if id != 0 {
					return [2]string{}, nil
				}
				return [2]string{year + "-01", year + "-12"}, nil
			}
			fm, err := months(in.FromRun, in.From, "from")
			if err != nil {
				return nil, err
			}
			tm, err := months(in.ToRun, in.To, "to")
			if err != nil {
				return nil, err
			}
			rm, mig, err := s.migrationOf(ctx, in.FromRun, in.ToRun, fm, tm)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body MigrationOut }{MigrationOut{From: rm.from, To: rm.to, Migration: mig}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "customer-classes", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/classes",
		Summary: "A customer's class history", Tags: tags,
		Description: "The customer's result in every stored classification run, newest first: the period, its ABC class and rank, net revenue and profit after cost-to-serve. Runs are stored by `kam classify` and after each import of orders or costs."},
		func(ctx context.Context, in *idInput) (*struct{ Body []kam.CustomerClassAt }, error) {
			h, err := s.Ledger.CustomerClasses(ctx, in.ID)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, "classes")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body []kam.CustomerClassAt }{h}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-abc", Method: http.MethodGet, Path: apiPrefix + "/analytics/abc",
		Summary: "ABC classification by net revenue", Tags: tags,
		Description: "Customers ranked by net revenue (sales minus returns) over the period, ties by code. A while the running total before a customer is below 80% of the total of positive revenues, B below 95%, C the rest and every customer without positive revenue. Only the customers the caller may see."},
		func(ctx context.Context, in *periodInput) (*struct{ Body ABCOut }, error) {
			v, err := s.periodView(ctx, in)
			if err != nil {
				return nil, err
			}
			from, to, figures := v.from, v.to, v.figures
			abc := s.abcOf(ctx, from, to, v.set, figures)
			out := ABCOut{From: from, To: to, Total: abc.Total, Classes: map[string]ABCClassOut{},
				Customers: Page[ABCRankOut]{Items: []ABCRankOut{}, Total: len(abc.Ranks), Limit: in.Limit, Offset: in.Offset}}
			for k, c := range abc.Classes {
				out.Classes[k] = ABCClassOut{Customers: c.Customers, Revenue: c.Revenue, Share: shareOf(c.Share)}
			}
			for _, r := range page(abc.Ranks, in.Offset, in.Limit) {
				out.Customers.Items = append(out.Customers.Items, ABCRankOut{CustomerID: r.CustomerID, Code: r.Code, Rank: r.Rank, Class: r.Class,
					Revenue: r.Revenue, Share: shareOf(r.Share.Rat()), Cumulative: shareOf(r.Cumulative.Rat())})
			}
			return &struct{ Body ABCOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-profitability", Method: http.MethodGet, Path: apiPrefix + "/analytics/profitability",
		Summary: "Profitability and the whale curve", Tags: tags,
		Description: "Profit per customer is gross profit minus cost-to-serve. Cost customers make a loss. The whale curve is the running profit over customers ranked by profit; its peak is given as a fraction of the total profit and the rank where it peaks."},
		func(ctx context.Context, in *periodInput) (*struct{ Body ProfitabilityOut }, error) {
			v, err := s.periodView(ctx, in)
			if err != nil {
				return nil, err
			}
			from, to, figures := v.from, v.to, v.figures
			w := s.whaleOf(ctx, from, to, v.set, figures)
			out := ProfitabilityOut{From: from, To: to, TotalProfit: w.Total, CostCustomers: w.CostCustomers, ProfitCustomers: w.ProfitCustomers,
				WhalePeakShare: shareOf(w.PeakShare), WhalePeakRank: w.PeakRank,
				Curve: Page[WhalePointOut]{Items: []WhalePointOut{}, Total: len(w.Points), Limit: in.Limit, Offset: in.Offset}}
			for _, p := range page(w.Points, in.Offset, in.Limit) {
				out.Curve.Items = append(out.Curve.Items, WhalePointOut{CustomerID: p.CustomerID, Code: p.Code, Rank: p.Rank, Profit: p.Profit, Cumulative: p.Cumulative})
			}
			return &struct{ Body ProfitabilityOut }{out}, nil
		})
}

// periodFigures resolves the period of a request of the key-account models, which score the
// whole portfolio the caller sees (their proposals and decisions are the portfolio's): filter
// parameters are refused, naming the first one given.
func (s *Server) periodFigures(ctx context.Context, in *periodInput) (string, string, []kam.CustomerPeriod, error) {
	if p := in.FilterParams; p.Filter != 0 || !mergeCriteria(kam.FilterCriteria{}, kam.FilterCriteria{Category: p.Category, Industry: p.Industry,
		Nature: p.Nature, Region: p.Region, ChannelRole: p.ChannelRole, Class: p.Class, Tier: p.Tier, LAMP: p.LAMP, Loyalty: p.Loyalty, Rep: p.Rep}).Empty() {
		return "", "", nil, problem(http.StatusUnprocessableEntity, "the key-account models score the whole portfolio: filters do not apply",
			&huma.ErrorDetail{Location: "query.filter", Message: "not accepted here"})
	}
	v, err := s.periodView(ctx, in)
	if err != nil {
		return "", "", nil, err
	}
	return v.from, v.to, v.figures, nil
}

// periodView resolves an analytics request's period and filter and reads the selected
// customers' figures over it.
func (s *Server) periodView(ctx context.Context, in *periodInput) (*view, error) {
	from, to, err := in.months(s.Now())
	if err != nil {
		return nil, err
	}
	c, err := s.criteria(ctx, in.FilterParams)
	if err != nil {
		return nil, err
	}
	v, err := s.viewOf(ctx, from, to, c)
	if err != nil {
		return nil, s.apiError(ctx, err)
	}
	return v, nil
}

// abcRules are the ABC thresholds in the settings (the defaults if they cannot be read).
func (s *Server) abcRules(ctx context.Context) analytics.ABCThresholds {
	t, _ := s.analyticsRules(ctx)
	return t
}

// analyticsRules are the ABC thresholds and tier rules in the settings (the defaults if they
// cannot be read).
func (s *Server) analyticsRules(ctx context.Context) (analytics.ABCThresholds, analytics.TierRules) {
	settings, err := s.Ledger.AnalyticsSettings(ctx)
	if err != nil {
		s.Logger.Error("reading the analytics settings", "err", err)
	}
	return analytics.Rules(settings)
}

// page returns the items of one page.
func page[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return nil
	}
	return items[offset:min(offset+limit, len(items))]
}
