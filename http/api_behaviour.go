package kamhttp

import (
	"context"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/analytics"
)

// The behaviour API: LAMP groups, loyalty types, growth, lifetime value, a customer's behaviour
// figures, and the portfolio broken down by segment. Every answer counts only the customers the
// caller's portfolio holds, selected by the filter parameters (analytics_filter.go).

// GrowthOut is a customer's (or the portfolio's) growth.
type GrowthOut struct {
	Revenue kam.Money  `json:"revenue" doc:"Net revenue of the period."`
	Prior   kam.Money  `json:"prior" doc:"Net revenue of the same months a year earlier."`
	YoY     *Share     `json:"yoy" doc:"(revenue − prior) / |prior|; null when prior is zero."`
	New     bool       `json:"new" doc:"Revenue in the period and none a year earlier."`
	Slope   *kam.Money `json:"slope" doc:"Least-squares slope of the monthly net revenue (x = 0 … n−1), money per month, rounded to the ten-thousandth; null for a one-month period."`
	Trend   *Share     `json:"trend" doc:"The slope over the mean monthly revenue; null when the mean is not positive."`
}

// CLVOut is a lifetime value with its inputs.
type CLVOut struct {
	YearlyMargin kam.Money `json:"yearly_margin" doc:"Profit after cost-to-serve over the period, × 12 / months."`
	Retention    Share     `json:"retention"`
	Discount     Share     `json:"discount"`
	Years        int       `json:"years"`
	Factor       Share     `json:"factor" doc:"Σ_{t=1..years} (retention / (1 + discount))^t."`
	Value        kam.Money `json:"value" doc:"yearly_margin × factor, rounded half away from zero."`
}

// BehaviourOut is one customer's behaviour over a period.
type BehaviourOut struct {
	CustomerID         int64     `json:"customer_id"`
	Code               string    `json:"code"`
	Rank               int       `json:"rank" doc:"By net revenue, ties by code."`
	Revenue            kam.Money `json:"revenue"`
	Profit             kam.Money `json:"profit" doc:"Gross profit − cost-to-serve."`
	LAMP               string    `json:"lamp" enum:"core,next,promising,other"`
	Loyalty            string    `json:"loyalty" doc:"loyal, switching, no_brand; empty without an order in the period."`
	Regularity         Share     `json:"regularity" doc:"Share of the period's months with a sales order."`
	WalletShare        *Share    `json:"wallet_share" doc:"Our net revenue over the customer's estimated purchases, in the categories with an estimate, in the year the period ends; null without an estimate."`
	PriorWalletShare   *Share    `json:"prior_wallet_share" doc:"The same a year before."`
	WalletHeadroom     kam.Money `json:"wallet_headroom" doc:"Estimate − our sales: the purchases we do not have."`
	RelationshipMonths int       `json:"relationship_months" doc:"Months from the first month with an order to the period's end, both included."`
	Growth             GrowthOut `json:"growth"`
	CLV                CLVOut    `json:"clv"`
}

func optShare(r *big.Rat) *Share {
	if r == nil {
		return nil
	}
	s := shareOf(r)
	return &s
}

func growthOut(g analytics.Growth) GrowthOut {
	out := GrowthOut{Revenue: g.Revenue, Prior: g.Prior, YoY: optShare(g.YoY), New: g.New, Trend: optShare(g.Trend)}
	if g.Slope != nil {
		m := analytics.RoundMoney(g.Slope)
		out.Slope = &m
	}
	return out
}

func behaviourOut(b analytics.Behaviour, f kam.CustomerPeriod) BehaviourOut {
	return BehaviourOut{CustomerID: b.CustomerID, Code: b.Code, Rank: b.LAMPRank, Revenue: f.NetRevenue, Profit: f.Profit(), LAMP: b.LAMP,
		Loyalty: b.Loyalty, Regularity: shareOf(b.Regularity.Rat()), WalletShare: optShare(b.Share), PriorWalletShare: optShare(b.PriorShare),
		WalletHeadroom: b.Headroom, RelationshipMonths: b.RelationshipMonths, Growth: growthOut(b.Growth),
		CLV: CLVOut{YearlyMargin: b.CLV.Margin, Retention: shareOf(b.CLV.Retention), Discount: shareOf(b.CLV.Discount), Years: b.CLV.Years,
			Factor: shareOf(b.CLV.Factor), Value: b.CLV.Value}}
}

// GroupOut sums the customers of a group.
type GroupOut struct {
	Customers int       `json:"customers"`
	Revenue   kam.Money `json:"revenue"`
	Share     Share     `json:"share" doc:"Of the total of positive net revenues."`
	Profit    kam.Money `json:"profit"`
}

// LAMPOut is the LAMP groups of a period.
type LAMPOut struct {
	From          string              `json:"from"`
	To            string              `json:"to"`
	Groups        map[string]GroupOut `json:"groups"`
	CoreCustomers int                 `json:"core_customers" doc:"⌈lamp_core × customers with revenue⌉."`
	NextCustomers int                 `json:"next_customers"`
	EntryRevenue  kam.Money           `json:"entry_revenue" doc:"Revenue of the smallest next customer (of the core when next is empty): the wallet headroom a promising customer needs."`
	Customers     Page[BehaviourOut]  `json:"customers"`
}

// LoyaltyOut is the loyalty types of a period.
type LoyaltyOut struct {
	From      string              `json:"from"`
	To        string              `json:"to"`
	Types     map[string]GroupOut `json:"types" doc:"loyal, switching, no_brand, and none (no order in the period)."`
	Customers Page[BehaviourOut]  `json:"customers"`
}

// MonthOut is one month's net revenue.
type MonthOut struct {
	Month   string    `json:"month"`
	Revenue kam.Money `json:"revenue"`
}

// GrowthPortfolioOut is the growth of a period.
type GrowthPortfolioOut struct {
	From      string             `json:"from"`
	To        string             `json:"to"`
	Portfolio GrowthOut          `json:"portfolio" doc:"The selected customers together."`
	Months    []MonthOut         `json:"months"`
	Growing   int                `json:"growing" doc:"Customers with yoy > 0."`
	Declining int                `json:"declining" doc:"Customers with yoy < 0."`
	New       int                `json:"new"`
	Customers Page[BehaviourOut] `json:"customers"`
}

// CLVPortfolioOut is the lifetime value of a period's customers.
type CLVPortfolioOut struct {
	From            string             `json:"from"`
	To              string             `json:"to"`
	Model           string             `json:"model"`
	Retention       Share              `json:"retention"`
	RetentionSource string             `json:"retention_source" enum:"observed,setting"`
	Discount        Share              `json:"discount"`
	Years           int                `json:"years"`
	Factor          Share              `json:"factor"`
	Total           kam.Money          `json:"total"`
	Customers       Page[BehaviourOut] `json:"customers" doc:"Largest lifetime value first."`
}

// SegmentOut is one segment's figures.
type SegmentOut struct {
	Value         string         `json:"value" doc:"The segment's value (a category's name); empty for customers without one."`
	CategoryID    int64          `json:"category_id,omitempty"`
	Customers     int            `json:"customers"`
	Revenue       kam.Money      `json:"revenue" doc:"Net revenue (for a category: of that category)."`
	Share         Share          `json:"share" doc:"Of the sum of the segments' positive revenues."`
	Profit        kam.Money      `json:"profit" doc:"Profit after cost-to-serve of the segment's customers (all their categories)."`
	CostCustomers int            `json:"cost_customers"`
	Classes       map[string]int `json:"classes" doc:"Customers per ABC class (classes of the whole selection)."`
	Tiers         map[string]int `json:"tiers"`
	LAMP          map[string]int `json:"lamp"`
	Loyalty       map[string]int `json:"loyalty"`
}

// SegmentsOut is the portfolio broken down by one segment field.
type SegmentsOut struct {
	From     string       `json:"from"`
	To       string       `json:"to"`
	By       string       `json:"by"`
	Segments []SegmentOut `json:"segments" doc:"Largest revenue first, ties by value."`
}

// PeriodInput is periodInput under an exported name: huma reads the parameters of embedded
// structs only when the embedded field is exported.
type PeriodInput = periodInput

type behaviourListInput struct {
	PeriodInput
	Group string `query:"group" doc:"Only list the customers of this group or type (the figures are of all)."`
}

type segmentsInput struct {
	PeriodInput
	By string `query:"by" required:"true" doc:"category, industry, nature, region or channel_role."`
}

type customerBehaviourInput struct {
	ID int64 `path:"id" minimum:"1"`
	PeriodInput
}

func (s *Server) registerBehaviourAPI(api huma.API) {
	tags := []string{"analytics"}
	filterDoc := " Filter parameters (a saved `filter` and/or `industry`, `class` …) select the customers; the models are computed over them."
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-lamp", Method: http.MethodGet, Path: apiPrefix + "/analytics/lamp",
		Summary: "LAMP groups", Tags: tags,
		Description: "Customers with positive revenue ranked by it (ties by code): the first ⌈lamp_core × n⌉ are core, up to ⌈(lamp_core + lamp_next) × n⌉ next. " +
			"Of the rest, promising are those growing (year over year at least lamp_growth, or new) whose wallet headroom (estimate − our sales) is at least the revenue of the smallest next customer; other the rest." + filterDoc},
		func(ctx context.Context, in *behaviourListInput) (*struct{ Body LAMPOut }, error) {
			v, bs, err := s.behaviourView(ctx, &in.PeriodInput)
			if err != nil {
				return nil, err
			}
			if err := checkGroup("group", in.Group, kam.LAMPGroups); err != nil {
				return nil, err
			}
			g, err := s.behaviourGroupsOf(ctx, v, bs)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := LAMPOut{From: v.from, To: v.to, Groups: g.lamp, CoreCustomers: g.core, NextCustomers: g.next, EntryRevenue: g.entry}
			out.Customers = s.behaviourPage(ctx, v, g.ofLAMP(in.Group), in.Offset, in.Limit)
			return &struct{ Body LAMPOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-loyalty", Method: http.MethodGet, Path: apiPrefix + "/analytics/loyalty",
		Summary: "Loyalty types", Tags: tags,
		Description: "For each customer with an order in the period, in this order: brand-switching (品牌转移) when its share of wallet moved by at least switch_shift from the year before; " +
			"no brand loyalty (无品牌忠诚) when it orders in fewer than loyal_regularity of the months; brand-switching when it orders regularly but gives us less than loyal_share of its wallet; " +
			"loyal (忠诚) otherwise (regular, and at least loyal_share, or no wallet estimate)." + filterDoc},
		func(ctx context.Context, in *behaviourListInput) (*struct{ Body LoyaltyOut }, error) {
			v, bs, err := s.behaviourView(ctx, &in.PeriodInput)
			if err != nil {
				return nil, err
			}
			if err := checkGroup("group", in.Group, append(slices.Clone(kam.LoyaltyTypes), "none")); err != nil {
				return nil, err
			}
			g, err := s.behaviourGroupsOf(ctx, v, bs)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := LoyaltyOut{From: v.from, To: v.to, Types: g.loyalty}
			out.Customers = s.behaviourPage(ctx, v, g.ofLoyalty(in.Group), in.Offset, in.Limit)
			return &struct{ Body LoyaltyOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-growth", Method: http.MethodGet, Path: apiPrefix + "/analytics/growth",
		Summary: "Growth: year over year and trend", Tags: tags,
		Description: "Per customer and for the selection: net revenue of the period against the same months a year earlier ((revenue − prior) / |prior|), and the least-squares slope of the monthly net revenue (money per month) with the slope over the mean month." + filterDoc},
		func(ctx context.Context, in *periodInput) (*struct{ Body GrowthPortfolioOut }, error) {
			v, bs, err := s.behaviourView(ctx, in)
			if err != nil {
				return nil, err
			}
			g, err := s.growthOf(ctx, v, bs)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			groups, err := s.behaviourGroupsOf(ctx, v, bs)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := GrowthPortfolioOut{From: v.from, To: v.to, Portfolio: g.portfolio, Months: g.months, Growing: g.growing, Declining: g.declining, New: g.new}
			out.Customers = s.behaviourPage(ctx, v, groups.all, in.Offset, in.Limit)
			return &struct{ Body GrowthPortfolioOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-clv", Method: http.MethodGet, Path: apiPrefix + "/analytics/clv",
		Summary: "Customer lifetime value", Tags: tags,
		Description: "CLV = m × Σ_{t=1..H} (r / (1 + d))^t: m the yearly margin (profit after cost-to-serve over the period × 12 / months), r the yearly retention (the setting clv_retention, or observed: " +
			"of the customers with positive revenue a year earlier, the share with positive revenue now), d the discount rate (clv_discount), H the years (clv_years)." + filterDoc},
		func(ctx context.Context, in *periodInput) (*struct{ Body CLVPortfolioOut }, error) {
			v, bs, err := s.behaviourView(ctx, in)
			if err != nil {
				return nil, err
			}
			c, err := s.clvOf(ctx, v, bs)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := CLVPortfolioOut{From: v.from, To: v.to, Model: "m × Σ_{t=1..H} (r/(1+d))^t", RetentionSource: "setting", Discount: shareOf(c.rules.CLVDiscount),
				Years: c.rules.CLVYears, Retention: shareOf(c.retention), Factor: shareOf(c.factor), Total: c.total}
			if c.observed {
				out.RetentionSource = "observed"
			}
			out.Customers = s.behaviourPage(ctx, v, c.sorted, in.Offset, in.Limit)
			return &struct{ Body CLVPortfolioOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "analytics-segments", Method: http.MethodGet, Path: apiPrefix + "/analytics/segments",
		Summary: "The portfolio by segment", Tags: tags,
		Description: "The selected customers grouped by `by` (category, industry, nature, region = province, channel_role): per value the customers, revenue, its share, profit, cost customers, and the customers per ABC class, value tier, LAMP group and loyalty type, computed over the whole selection. " +
			"A customer is in every category it bought in the period, with that category's revenue." + filterDoc},
		func(ctx context.Context, in *segmentsInput) (*struct{ Body SegmentsOut }, error) {
			if !slices.Contains(kam.SegmentFields, in.By) {
				return nil, problem(http.StatusUnprocessableEntity, "unknown segment field "+truncate(in.By, 40),
					&huma.ErrorDetail{Location: "query.by", Message: "must be one of " + strings.Join(kam.SegmentFields, ", "), Value: truncate(in.By, 40)})
			}
			v, bs, err := s.behaviourView(ctx, &in.PeriodInput)
			if err != nil {
				return nil, err
			}
			out, err := s.segments(ctx, v, bs, in.By)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body SegmentsOut }{out}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "customer-behaviour", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/behaviour",
		Summary: "A customer's behaviour figures", Tags: tags,
		Description: "The customer's growth, regularity, share of wallet, relationship length, loyalty type, LAMP group and lifetime value with its inputs, over the period, within the caller's portfolio (and filter)."},
		func(ctx context.Context, in *customerBehaviourInput) (*struct{ Body BehaviourOut }, error) {
			if _, err := s.Customers.FindCustomerByID(ctx, in.ID); err != nil {
				return nil, s.apiError(ctx, err)
			}
			v, bs, err := s.behaviourView(ctx, &in.PeriodInput)
			if err != nil {
				return nil, err
			}
			for _, b := range bs {
				if b.CustomerID == in.ID {
					if err := s.auditPartView(ctx, in.ID, "behaviour"); err != nil {
						return nil, s.apiError(ctx, err)
					}
					return &struct{ Body BehaviourOut }{behaviourOut(b, figureOf(s.figureIndexOf(ctx, v), b.CustomerID))}, nil
				}
			}
			return nil, s.apiError(ctx, kam.Errorf(kam.ENotFound, "the customer is not in your portfolio (or not in the filter)"))
		})
}

// behaviourView reads the request's view and its customers' behaviour.
func (s *Server) behaviourView(ctx context.Context, in *periodInput) (*view, []analytics.Behaviour, error) {
	v, err := s.periodView(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	bs, err := s.behavioursOf(ctx, v)
	if err != nil {
		return nil, nil, s.apiError(ctx, err)
	}
	return v, bs, nil
}

func checkGroup(param, value string, allowed []string) error {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return problem(http.StatusUnprocessableEntity, "unknown "+param, &huma.ErrorDetail{Location: "query." + param,
		Message: "must be one of " + strings.Join(allowed, ", "), Value: truncate(value, 40)})
}

func loyaltyKey(b *analytics.Behaviour) string {
	if b.Loyalty == "" {
		return "none"
	}
	return b.Loyalty
}

// figureOf is a customer's figures in figs (none when it has none).
func figureOf(figs map[int64]*kam.CustomerPeriod, id int64) kam.CustomerPeriod {
	if f := figs[id]; f != nil {
		return *f
	}
	return kam.CustomerPeriod{}
}

// groupSums sums the behaviours by key (every key of keys present, zero or not); figs are the
// figures of the view.
func groupSums(figs map[int64]*kam.CustomerPeriod, bs []analytics.Behaviour, keys []string, key func(*analytics.Behaviour) string) map[string]GroupOut {
	var total kam.Money
	sums := map[string]*GroupOut{}
	for _, k := range keys {
		sums[k] = &GroupOut{}
	}
	for i := range bs {
		f := figs[bs[i].CustomerID]
		g := sums[key(&bs[i])]
		if f == nil || g == nil {
			continue
		}
		g.Customers++
		g.Revenue += f.NetRevenue
		g.Profit += f.Profit()
		if f.NetRevenue > 0 {
			total += f.NetRevenue
		}
	}
	out := make(map[string]GroupOut, len(sums))
	for k, g := range sums {
		g.Share = shareOf(shareOfTotal(g.Revenue, total))
		out[k] = *g
	}
	return out
}

// behaviourPage is one page of the behaviours sel, in their order.
func (s *Server) behaviourPage(ctx context.Context, v *view, sel []*analytics.Behaviour, offset, limit int) Page[BehaviourOut] {
	figs := s.figureIndexOf(ctx, v)
	p := Page[BehaviourOut]{Items: []BehaviourOut{}, Total: len(sel), Limit: limit, Offset: offset}
	for _, b := range page(sel, offset, limit) {
		p.Items = append(p.Items, behaviourOut(*b, figureOf(figs, b.CustomerID)))
	}
	return p
}

// clvModel is the lifetime value's rules and the retention it uses: the setting, or (observed)
// the view's customers' own.
func clvModel(set kam.BehaviourSettings, v *view, figs map[int64]*kam.CustomerPeriod, details []kam.CustomerDetail) (analytics.BehaviourRules, *big.Rat, bool) {
	r := analytics.BehaviourRulesOf(set)
	if r.CLVRetention != nil {
		return r, r.CLVRetention, false
	}
	return r, analytics.Retention(selectDetails(v, figs, details)), true
}

// selectDetails keeps the details of the view's customers (figs, the view's figures).
func selectDetails(v *view, figs map[int64]*kam.CustomerPeriod, details []kam.CustomerDetail) []kam.CustomerDetail {
	if v.set == "" {
		return details
	}
	out := make([]kam.CustomerDetail, 0, len(v.figures))
	for _, d := range details {
		if figs[d.CustomerID] != nil {
			out = append(out, d)
		}
	}
	return out
}

// portfolioMonths sums the view's customers' monthly revenue and prior year.
func portfolioMonths(v *view, figs map[int64]*kam.CustomerPeriod, details []kam.CustomerDetail) ([]kam.Money, kam.Money) {
	monthly := make([]kam.Money, analytics.PeriodMonths(v.from, v.to))
	var prior kam.Money
	for _, d := range selectDetails(v, figs, details) {
		for i, m := range d.Monthly {
			if i < len(monthly) {
				monthly[i] += m
			}
		}
		prior += d.Prior
	}
	return monthly, prior
}

// segments breaks the view down by field, once per generation. The answer is shared through the
// memo: read it, never change it.
func (s *Server) segments(ctx context.Context, v *view, bs []analytics.Behaviour, field string) (SegmentsOut, error) {
	return memoized(s, ctx, "segments "+field+" "+v.key(), func(ctx context.Context) (SegmentsOut, error) {
		return s.segmentsOf(ctx, v, bs, field)
	})
}

// segmentsOf computes segments.
func (s *Server) segmentsOf(ctx context.Context, v *view, bs []analytics.Behaviour, field string) (SegmentsOut, error) {
	out := SegmentsOut{From: v.from, To: v.to, By: field, Segments: []SegmentOut{}}
	details, err := s.detailsOf(ctx, v.from, v.to)
	if err != nil {
		return out, err
	}
	run, err := s.runOf(ctx, v.from, v.to, v.set, v.figures)
	if err != nil {
		return out, err
	}
	classes := make(map[int64]kam.CustomerClass, len(run.Results))
	for _, r := range run.Results {
		classes[r.CustomerID] = r
	}
	behaviour := make(map[int64]*analytics.Behaviour, len(bs))
	for i := range bs {
		behaviour[bs[i].CustomerID] = &bs[i]
	}
	figs := s.figureIndexOf(ctx, v)
	names := map[int64]string{}
	var categories map[int64]map[int64]kam.Money
	if field == "category" {
		if categories, err = s.categoriesOf(ctx, v.from, v.to); err != nil {
			return out, err
		}
		cats, err := s.Ledger.Categories(ctx)
		if err != nil {
			return out, err
		}
		for _, c := range cats {
			names[c.ID] = c.Name
		}
	}
	type key struct {
		value string
		cat   int64
	}
	segs := map[key]*SegmentOut{}
	add := func(k key, d *kam.CustomerDetail, f *kam.CustomerPeriod, revenue kam.Money) {
		sg := segs[k]
		if sg == nil {
			sg = &SegmentOut{Value: k.value, CategoryID: k.cat, Classes: map[string]int{}, Tiers: map[string]int{}, LAMP: map[string]int{}, Loyalty: map[string]int{}}
			segs[k] = sg
		}
		sg.Customers++
		sg.Revenue += revenue
		sg.Profit += f.Profit()
		if f.Profit() < 0 {
			sg.CostCustomers++
		}
		if c, ok := classes[d.CustomerID]; ok {
			sg.Classes[c.ABC]++
			sg.Tiers[c.Tier]++
		}
		if b := behaviour[d.CustomerID]; b != nil {
			sg.LAMP[b.LAMP]++
			sg.Loyalty[loyaltyKey(b)]++
		}
	}
	for i := range details {
		d := &details[i]
		f := figs[d.CustomerID]
		if f == nil {
			continue
		}
		switch field {
		case "category":
			for cat, rev := range categories[d.CustomerID] {
				add(key{names[cat], cat}, d, f, rev)
			}
		case "industry":
			add(key{value: d.Industry}, d, f, f.NetRevenue)
		case "nature":
			add(key{value: d.Nature}, d, f, f.NetRevenue)
		case "region":
			add(key{value: d.Province}, d, f, f.NetRevenue)
		case "channel_role":
			add(key{value: d.ChannelRole}, d, f, f.NetRevenue)
		}
	}
	var total kam.Money
	for _, sg := range segs {
		if sg.Revenue > 0 {
			total += sg.Revenue
		}
	}
	for _, sg := range segs {
		sg.Share = shareOf(shareOfTotal(sg.Revenue, total))
		out.Segments = append(out.Segments, *sg)
	}
	sort.Slice(out.Segments, func(i, j int) bool {
		a, b := out.Segments[i], out.Segments[j]
		if a.Revenue != b.Revenue {
			return a.Revenue > b.Revenue
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.CategoryID < b.CategoryID
	})
	return out, nil
}
