package kamhttp

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/analytics"
	"kam/locale"
)

// Filters of the analytics: a saved filter (filter=<id>) and/or the criteria given one by one
// (industry=…&class=A,B …) select the customers a model is computed over. Class, tier, LAMP group
// and loyalty type are the customer's within the whole portfolio the user sees in that period;
// the models are then computed over the selected customers as a portfolio of their own (the way a
// rep's figures are computed over the rep's customers). Results are memoized per selection: its
// canonical criteria are part of the memo key.

// FilterParams are the filter parameters of an analytics request.
type FilterParams struct {
	Filter      int64    `query:"filter" minimum:"0" doc:"A saved filter's id (/api/v1/saved-filters): its criteria apply; a criterion given here replaces the filter's."`
	Category    []int64  `query:"category" doc:"Product category ids: customers with sales of one of them in the period."`
	Industry    []string `query:"industry"`
	Nature      []string `query:"nature"`
	Region      []string `query:"region" doc:"Provinces."`
	ChannelRole []string `query:"channel_role"`
	Class       []string `query:"class" doc:"ABC classes A, B, C."`
	Tier        []string `query:"tier" doc:"platinum, gold, iron, lead."`
	LAMP        []string `query:"lamp" doc:"core, next, promising, other."`
	Loyalty     []string `query:"loyalty" doc:"loyal, switching, no_brand."`
	Rep         []int64  `query:"rep" doc:"Owners' user ids."`
}

// criteria merges the saved filter (if any) with the criteria given; errors name the parameter.
func (s *Server) criteria(ctx context.Context, p FilterParams) (kam.FilterCriteria, error) {
	var c kam.FilterCriteria
	if p.Filter != 0 {
		f, err := s.Ledger.SavedFilter(ctx, p.Filter)
		if err != nil {
			if kam.ErrorCodeOf(err) == kam.ENotFound {
				return c, problem(http.StatusNotFound, "no saved filter "+strconv.FormatInt(p.Filter, 10),
					&huma.ErrorDetail{Location: "query.filter", Message: "no such saved filter", Value: p.Filter})
			}
			return c, s.apiError(ctx, err)
		}
		c = f.Criteria
	}
	given := kam.FilterCriteria{Category: p.Category, Industry: p.Industry, Nature: p.Nature, Region: p.Region, ChannelRole: p.ChannelRole,
		Class: p.Class, Tier: p.Tier, LAMP: p.LAMP, Loyalty: p.Loyalty, Rep: p.Rep}
	c = mergeCriteria(c, given)
	if err := c.Validate(""); err != nil {
		model := problem(http.StatusUnprocessableEntity, "bad filter")
		for _, f := range kam.FieldErrors(err) {
			model.Errors = append(model.Errors, &huma.ErrorDetail{Location: "query." + f.Field, Message: f.Message})
		}
		return c, model
	}
	return c, nil
}

// mergeCriteria is base with every non-empty list of over in place of base's.
func mergeCriteria(base, over kam.FilterCriteria) kam.FilterCriteria {
	pick := func(a, b []string) []string {
		if len(b) > 0 {
			return b
		}
		return a
	}
	ids := func(a, b []int64) []int64 {
		if len(b) > 0 {
			return b
		}
		return a
	}
	return kam.FilterCriteria{Category: ids(base.Category, over.Category), Industry: pick(base.Industry, over.Industry),
		Nature: pick(base.Nature, over.Nature), Region: pick(base.Region, over.Region), ChannelRole: pick(base.ChannelRole, over.ChannelRole),
		Class: pick(base.Class, over.Class), Tier: pick(base.Tier, over.Tier), LAMP: pick(base.LAMP, over.LAMP),
		Loyalty: pick(base.Loyalty, over.Loyalty), Rep: ids(base.Rep, over.Rep)}
}

// criteriaKey is the canonical text of criteria ("" for none): sorted lists, JSON.
func criteriaKey(c kam.FilterCriteria) string {
	if c.Empty() {
		return ""
	}
	for _, l := range []*[]string{&c.Industry, &c.Nature, &c.Region, &c.ChannelRole, &c.Class, &c.Tier, &c.LAMP, &c.Loyalty} {
		*l = slices.Compact(slices.Sorted(slices.Values(*l)))
	}
	for _, l := range []*[]int64{&c.Category, &c.Rep} {
		*l = slices.Compact(slices.Sorted(slices.Values(*l)))
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// view is the portfolio of one analytics request: the period and the selected customers.
type view struct {
	from, to string
	set      string // criteriaKey of the selection, "" for every customer
	figures  []kam.CustomerPeriod
}

// key names the view in the memo.
func (v *view) key() string { return v.from + " " + v.to + " " + v.set }

// detailsOf reads the details of every visible customer over the months from–to.
func (s *Server) detailsOf(ctx context.Context, from, to string) ([]kam.CustomerDetail, error) {
	if p, err := s.portfolioPeriodOf(ctx, from, to); err != nil {
		return nil, err
	} else if p != nil {
		return p.Details, nil
	}
	return memoized(s, ctx, "details "+from+" "+to, func(ctx context.Context) ([]kam.CustomerDetail, error) {
		return s.Ledger.PeriodDetails(ctx, from, to)
	})
}

// categoriesOf reads every visible customer's net revenue per category over the months from–to;
// only segments by category and category filters need it.
func (s *Server) categoriesOf(ctx context.Context, from, to string) (map[int64]map[int64]kam.Money, error) {
	return memoized(s, ctx, "categories "+from+" "+to, func(ctx context.Context) (map[int64]map[int64]kam.Money, error) {
		return s.Ledger.PeriodCategories(ctx, from, to)
	})
}

// viewOf selects the customers of criteria among the period's figures.
func (s *Server) viewOf(ctx context.Context, from, to string, c kam.FilterCriteria) (*view, error) {
	figures, err := s.figuresOf(ctx, from, to)
	if err != nil {
		return nil, err
	}
	v := &view{from: from, to: to, set: criteriaKey(c), figures: figures}
	if v.set == "" {
		return v, nil
	}
	sel, err := memoized(s, ctx, "select "+v.key(), func(ctx context.Context) ([]kam.CustomerPeriod, error) {
		keep, err := s.matching(ctx, from, to, figures, c)
		if err != nil {
			return nil, err
		}
		out := make([]kam.CustomerPeriod, 0, len(keep))
		for _, f := range figures {
			if keep[f.CustomerID] {
				out = append(out, f)
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	v.figures = sel
	return v, nil
}

// matching is the set of the customers of figures (the whole visible portfolio of from–to) that
// meet criteria c.
func (s *Server) matching(ctx context.Context, from, to string, figures []kam.CustomerPeriod, c kam.FilterCriteria) (map[int64]bool, error) {
	details, err := s.detailsOf(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var categories map[int64]map[int64]kam.Money
	if len(c.Category) > 0 {
		if categories, err = s.categoriesOf(ctx, from, to); err != nil {
			return nil, err
		}
	}
	var classes map[int64]kam.CustomerClass
	if len(c.Class)+len(c.Tier) > 0 {
		run, err := s.runOf(ctx, from, to, "", figures)
		if err != nil {
			return nil, err
		}
		classes = make(map[int64]kam.CustomerClass, len(run.Results))
		for _, r := range run.Results {
			classes[r.CustomerID] = r
		}
	}
	var behaviour map[int64]*analytics.Behaviour
	if len(c.LAMP)+len(c.Loyalty) > 0 {
		bs, err := s.behavioursOf(ctx, &view{from: from, to: to, figures: figures})
		if err != nil {
			return nil, err
		}
		behaviour = make(map[int64]*analytics.Behaviour, len(bs))
		for i := range bs {
			behaviour[bs[i].CustomerID] = &bs[i]
		}
	}
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	out := map[int64]bool{}
	for i := range details {
		d := &details[i]
		if !in(c.Industry, d.Industry) || !in(c.Nature, d.Nature) || !in(c.Region, d.Province) || !in(c.ChannelRole, d.ChannelRole) ||
			len(c.Rep) > 0 && !slices.Contains(c.Rep, d.OwnerID) {
			continue
		}
		if len(c.Category) > 0 && !slices.ContainsFunc(c.Category, func(id int64) bool { _, ok := categories[d.CustomerID][id]; return ok }) {
			continue
		}
		if classes != nil {
			k := classes[d.CustomerID]
			if !in(c.Class, k.ABC) || !in(c.Tier, k.Tier) {
				continue
			}
		}
		if behaviour != nil {
			b := behaviour[d.CustomerID]
			if b == nil || !in(c.LAMP, b.LAMP) || !in(c.Loyalty, b.Loyalty) {
				continue
			}
		}
		out[d.CustomerID] = true
	}
	return out, nil
}

// behavioursOf is every customer's behaviour in the view, ranked by net revenue.
func (s *Server) behavioursOf(ctx context.Context, v *view) ([]analytics.Behaviour, error) {
	return memoized(s, ctx, "behaviour "+v.key(), func(ctx context.Context) ([]analytics.Behaviour, error) {
		details, err := s.detailsOf(ctx, v.from, v.to)
		if err != nil {
			return nil, err
		}
		if v.set != "" {
			keep := make(map[int64]bool, len(v.figures))
			for _, f := range v.figures {
				keep[f.CustomerID] = true
			}
			sel := make([]kam.CustomerDetail, 0, len(v.figures))
			for _, d := range details {
				if keep[d.CustomerID] {
					sel = append(sel, d)
				}
			}
			details = sel
		}
		settings, err := s.Ledger.AnalyticsSettings(ctx)
		if err != nil {
			return nil, err
		}
		return analytics.Behaviours(v.figures, details, v.from, v.to, analytics.BehaviourRulesOf(settings.BehaviourSettings)), nil
	})
}

// filterSelection is the set of customers that criteria select over the last 12 complete months,
// for the customer lists (nil for empty criteria). It needs the sales figures when a criterion
// is read from them (category, class, tier, LAMP group, loyalty type); the segment fields and
// the owner are read from the details, which need them too.
func (s *Server) filterSelection(ctx context.Context, c kam.FilterCriteria) (map[int64]bool, error) {
	if c.Empty() {
		return nil, nil
	}
	if !kam.CanViewLedger(kam.ActorFrom(ctx)) {
		return nil, kam.Errorf(kam.EForbidden, "saved filters select customers through their sales figures, which your role may not see")
	}
	from, to := analytics.LastTwelveMonths(s.Now(), locale.Shanghai)
	v, err := s.viewOf(ctx, from, to, c)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(v.figures))
	for _, f := range v.figures {
		out[f.CustomerID] = true
	}
	return out, nil
}
