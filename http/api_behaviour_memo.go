package kamhttp

import (
	"context"
	"math/big"
	"slices"
	"sort"

	"kam"
	"kam/analytics"
)

// What the behaviour routes and pages answer of a view but its page: the groups' sums and
// lists, the growth of the selection, the lifetime value's model and order. At 100,000 customers
// each is a pass (or a sort) over every customer; through the memo it is computed once per
// generation of the inputs and view (for those who see the whole ledger), and a request only
// takes its page. Everything here is shared: read it, never change it.

// figureIndexOf maps the view's customers to their figures.
func (s *Server) figureIndexOf(ctx context.Context, v *view) map[int64]*kam.CustomerPeriod {
	figs, _ := memoized(s, ctx, "figure index "+v.key(), func(context.Context) (map[int64]*kam.CustomerPeriod, error) {
		return figureIndex(v), nil
	})
	return figs
}

// figureIndex maps the view's customers to their figures.
func figureIndex(v *view) map[int64]*kam.CustomerPeriod {
	m := make(map[int64]*kam.CustomerPeriod, len(v.figures))
	for i := range v.figures {
		m[v.figures[i].CustomerID] = &v.figures[i]
	}
	return m
}

// behaviourGroups are the view's LAMP groups and loyalty types: their sums, and their customers
// in the behaviours' order (by net revenue).
type behaviourGroups struct {
	lamp, loyalty     map[string]GroupOut
	core, next        int
	entry             kam.Money // revenue of the smallest next (else core) customer
	all               []*analytics.Behaviour
	byLAMP, byLoyalty map[string][]*analytics.Behaviour
}

// ofLAMP lists a LAMP group's customers (every customer for "").
func (g *behaviourGroups) ofLAMP(group string) []*analytics.Behaviour {
	if group == "" {
		return g.all
	}
	return g.byLAMP[group]
}

// ofLoyalty lists a loyalty type's customers ("none": without an order; every customer for "").
func (g *behaviourGroups) ofLoyalty(group string) []*analytics.Behaviour {
	if group == "" {
		return g.all
	}
	return g.byLoyalty[group]
}

// loyaltyKeys are the loyalty types and "none".
func loyaltyKeys() []string { return append(slices.Clone(kam.LoyaltyTypes), "none") }

// behaviourGroupsOf sums and lists the groups of bs, the behaviours of the view.
func (s *Server) behaviourGroupsOf(ctx context.Context, v *view, bs []analytics.Behaviour) (*behaviourGroups, error) {
	return memoized(s, ctx, "behaviour groups "+v.key(), func(ctx context.Context) (*behaviourGroups, error) {
		figs := s.figureIndexOf(ctx, v)
		g := &behaviourGroups{lamp: groupSums(figs, bs, kam.LAMPGroups, func(b *analytics.Behaviour) string { return b.LAMP }),
			loyalty: groupSums(figs, bs, loyaltyKeys(), loyaltyKey), all: pointers(bs),
			byLAMP: map[string][]*analytics.Behaviour{}, byLoyalty: map[string][]*analytics.Behaviour{}}
		for _, b := range g.all {
			switch b.LAMP {
			case kam.LAMPCore:
				g.core++
				g.entry = b.Growth.Revenue
			case kam.LAMPNext:
				g.next++
				g.entry = b.Growth.Revenue
			}
			g.byLAMP[b.LAMP] = append(g.byLAMP[b.LAMP], b)
			g.byLoyalty[loyaltyKey(b)] = append(g.byLoyalty[loyaltyKey(b)], b)
		}
		return g, nil
	})
}

// growthSummary is the growth of the view's customers together, and how many grow, decline and
// are new.
type growthSummary struct {
	monthly                 []kam.Money
	growth                  analytics.Growth
	portfolio               GrowthOut
	months                  []MonthOut
	growing, declining, new int
}

// growthOf sums the growth of bs, the behaviours of the view.
func (s *Server) growthOf(ctx context.Context, v *view, bs []analytics.Behaviour) (*growthSummary, error) {
	return memoized(s, ctx, "growth "+v.key(), func(ctx context.Context) (*growthSummary, error) {
		details, err := s.detailsOf(ctx, v.from, v.to)
		if err != nil {
			return nil, err
		}
		monthly, prior := portfolioMonths(v, s.figureIndexOf(ctx, v), details)
		g := &growthSummary{monthly: monthly, growth: analytics.GrowthOf(monthly, prior), months: []MonthOut{}}
		g.portfolio = growthOut(g.growth)
		for i, m := range monthly {
			g.months = append(g.months, MonthOut{Month: analytics.AddMonths(v.from, i), Revenue: m})
		}
		for _, b := range bs {
			switch {
			case b.Growth.New:
				g.new++
			case b.Growth.YoY != nil && b.Growth.YoY.Sign() > 0:
				g.growing++
			case b.Growth.YoY != nil && b.Growth.YoY.Sign() < 0:
				g.declining++
			}
		}
		return g, nil
	})
}

// clvSummary is the lifetime value's model over the view and its customers by value.
type clvSummary struct {
	rules     analytics.BehaviourRules
	retention *big.Rat
	observed  bool // the retention is the view's own, not the setting
	factor    *big.Rat
	total     kam.Money
	sorted    []*analytics.Behaviour // largest lifetime value first, else in the behaviours' order
}

// clvOf is the lifetime value of bs, the behaviours of the view.
func (s *Server) clvOf(ctx context.Context, v *view, bs []analytics.Behaviour) (*clvSummary, error) {
	return memoized(s, ctx, "clv "+v.key(), func(ctx context.Context) (*clvSummary, error) {
		settings, err := s.Ledger.AnalyticsSettings(ctx)
		if err != nil {
			return nil, err
		}
		details, err := s.detailsOf(ctx, v.from, v.to)
		if err != nil {
			return nil, err
		}
		c := &clvSummary{sorted: pointers(bs)}
		c.rules, c.retention, c.observed = clvModel(settings.BehaviourSettings, v, s.figureIndexOf(ctx, v), details)
		c.factor = analytics.CLVFactor(c.retention, c.rules.CLVDiscount, c.rules.CLVYears)
		for _, b := range bs {
			c.total += b.CLV.Value
		}
		sort.SliceStable(c.sorted, func(i, j int) bool { return c.sorted[i].CLV.Value > c.sorted[j].CLV.Value })
		return c, nil
	})
}

// movers are the customers of the view growing and falling the most year over year.
type movers struct {
	rising, falling []*analytics.Behaviour
}

// moversOf picks the dashboardTop customers of bs (the view's behaviours) with the highest
// positive and the lowest negative growth.
func (s *Server) moversOf(ctx context.Context, v *view, bs []analytics.Behaviour) (*movers, error) {
	return memoized(s, ctx, "movers "+v.key(), func(context.Context) (*movers, error) {
		withYoY := slices.DeleteFunc(pointers(bs), func(b *analytics.Behaviour) bool { return b.Growth.YoY == nil })
		sort.SliceStable(withYoY, func(i, j int) bool { return withYoY[i].Growth.YoY.Cmp(withYoY[j].Growth.YoY) > 0 })
		m := &movers{}
		for _, b := range withYoY {
			if b.Growth.YoY.Sign() > 0 && len(m.rising) < dashboardTop {
				m.rising = append(m.rising, b)
			}
		}
		for i := len(withYoY) - 1; i >= 0 && len(m.falling) < dashboardTop; i-- {
			if withYoY[i].Growth.YoY.Sign() < 0 {
				m.falling = append(m.falling, withYoY[i])
			}
		}
		return m, nil
	})
}
