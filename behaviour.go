package kam

import (
	"context"
	"strings"
	"time"
)

// Customer behaviour and portfolio groups (SPEC §C3, references 000, 001, 004): LAMP groups,
// loyalty types, growth, customer lifetime value, share of wallet and relationship length, and the
// segments the portfolio is broken down by. The calculations are in package analytics; this file
// holds their inputs, settings and saved filters.

// LAMP groups (reference 000): the core ≈5% of customers, the next ≈20%, the promising small
// customers who may grow into them, and the rest.
const (
	LAMPCore      = "core"
	LAMPNext      = "next"
	LAMPPromising = "promising"
	LAMPOther     = "other"
)

// LAMPGroups lists the groups in their order.
var LAMPGroups = []string{LAMPCore, LAMPNext, LAMPPromising, LAMPOther}

// Loyalty types (reference 001, 按客户对待产品的态度): loyal 忠诚, brand-switching 品牌转移, no brand
// loyalty 无品牌忠诚; customers without an order in the period have none.
const (
	LoyaltyLoyal     = "loyal"
	LoyaltySwitching = "switching"
	LoyaltyNone      = "no_brand"
)

// LoyaltyTypes lists the types in their order.
var LoyaltyTypes = []string{LoyaltyLoyal, LoyaltySwitching, LoyaltyNone}

// ABCClasses and ValueTiers are the values of a run's classes, for filters.
var (
	ABCClasses = []string{"A", "B", "C"}
	ValueTiers = []string{"platinum", "gold", "iron", "lead"}
)

// SegmentFields are the fields the portfolio is broken down by: product category, industry,
// nature, region (the province) and role in the channel.
var SegmentFields = []string{"category", "industry", "nature", "region", "channel_role"}

// CustomerDetail is what the behaviour models and segments need of one customer over a period,
// beside its CustomerPeriod figures: its segment fields, the monthly revenue of the period, the
// same months a year earlier, its wallet and the start of the relationship.
type CustomerDetail struct {
	CustomerID  int64
	Code        string
	Industry    string
	Nature      string
	ChannelRole string
	Province    string
	OwnerID     int64
	// Monthly is the net revenue of each month of the period, first month first.
	Monthly []Money
	// Prior is the net revenue of the same months a year earlier.
	Prior Money
	// Wallet: the customer's estimated total purchases (all suppliers) in the year the period
	// ends, summed over the categories with an estimate, and our net revenue in those categories
	// in that year; PriorWallet the same for the year before.
	WalletEstimate, WalletOurs           Money
	PriorWalletEstimate, PriorWalletOurs Money
	// FirstMonth is the first month with a sales order in the ledger (YYYY-MM), "" without any.
	FirstMonth string
}

// BehaviourSettings are the thresholds of the LAMP groups, the loyalty types and the lifetime
// value, as decimal fractions (clv_years a whole number of years). An empty value takes the
// default, so that settings saved before these existed stay valid.
type BehaviourSettings struct {
	LAMPCore        string `json:"lamp_core,omitempty" doc:"Share of the customers with revenue, largest first, that is the LAMP core group (default 0.05)."`
	LAMPNext        string `json:"lamp_next,omitempty" doc:"Share of the customers with revenue after the core that is the next group (default 0.20); core + next at most 1."`
	LAMPGrowth      string `json:"lamp_growth,omitempty" doc:"Year-over-year growth at or above which a smaller customer with room in its wallet is promising (default 0.20)."`
	LoyalRegularity string `json:"loyal_regularity,omitempty" doc:"Share of the period's months with an order at or above which a customer buys regularly (default 0.75)."`
	LoyalShare      string `json:"loyal_share,omitempty" doc:"Share of wallet at or above which a regular customer is loyal (default 0.50)."`
	SwitchShift     string `json:"switch_shift,omitempty" doc:"A change of the share of wallet from one year to the next of at least this makes a customer brand-switching (default 0.20)."`
	CLVDiscount     string `json:"clv_discount,omitempty" doc:"Yearly discount rate of the lifetime value (default 0.10)."`
	CLVRetention    string `json:"clv_retention,omitempty" doc:"Yearly retention rate of the lifetime value; \"observed\" (the default) takes the portfolio's: the share of the customers with revenue a year earlier that have revenue in the period."`
	CLVYears        string `json:"clv_years,omitempty" doc:"Years of the lifetime value's horizon, 1–30 (default 5)."`
}

// DefaultBehaviourSettings are the defaults.
func DefaultBehaviourSettings() BehaviourSettings {
	return BehaviourSettings{LAMPCore: "0.05", LAMPNext: "0.20", LAMPGrowth: "0.20", LoyalRegularity: "0.75", LoyalShare: "0.50",
		SwitchShift: "0.20", CLVDiscount: "0.10", CLVRetention: "observed", CLVYears: "5"}
}

// Fill puts the default in every empty field.
func (s *BehaviourSettings) Fill() {
	d := DefaultBehaviourSettings()
	for _, p := range []struct {
		dst *string
		def string
	}{{&s.LAMPCore, d.LAMPCore}, {&s.LAMPNext, d.LAMPNext}, {&s.LAMPGrowth, d.LAMPGrowth},
		{&s.LoyalRegularity, d.LoyalRegularity}, {&s.LoyalShare, d.LoyalShare}, {&s.SwitchShift, d.SwitchShift},
		{&s.CLVDiscount, d.CLVDiscount}, {&s.CLVRetention, d.CLVRetention}, {&s.CLVYears, d.CLVYears}} {
		if *p.dst = strings.TrimSpace(*p.dst); *p.dst == "" {
			*p.dst = p.def
		}
	}
}

// validate adds the errors of the settings to v: fractions with up to 4 decimals,
// 0 < lamp_core, 0 < lamp_next, lamp_core + lamp_next ≤ 1, 0 ≤ lamp_growth ≤ 10,
// 0 < loyal_regularity ≤ 1, 0 < loyal_share ≤ 1, 0 < switch_shift ≤ 1, 0 ≤ clv_discount ≤ 1,
// clv_retention "observed" or 0 ≤ r < 1, clv_years 1–30.
func (s BehaviourSettings) validate(v *Validation) {
	s.Fill()
	frac := func(field, val string, low, high int64, lowOpen, highOpen bool) int64 {
		n, err := ParseFixed(val, 4)
		if err != nil {
			v.Add(field, "invalid", "must be a decimal fraction such as 0.20 (%s)", err.Error())
			return -1
		}
		if n < low || n > high || (lowOpen && n == low) || (highOpen && n == high) {
			v.Add(field, "out_of_range", "is out of range")
			return -1
		}
		return n
	}
	core := frac("lamp_core", s.LAMPCore, 0, 10000, true, true)
	next := frac("lamp_next", s.LAMPNext, 0, 10000, true, false)
	if core > 0 && next > 0 && core+next > 10000 {
		v.Add("lamp_next", "too_large", "lamp_core + lamp_next must not exceed 1")
	}
	frac("lamp_growth", s.LAMPGrowth, 0, 100000, false, false)
	frac("loyal_regularity", s.LoyalRegularity, 0, 10000, true, false)
	frac("loyal_share", s.LoyalShare, 0, 10000, true, false)
	frac("switch_shift", s.SwitchShift, 0, 10000, true, false)
	frac("clv_discount", s.CLVDiscount, 0, 10000, false, false)
	if s.CLVRetention != "observed" {
		frac("clv_retention", s.CLVRetention, 0, 10000, false, true)
	}
	if n, err := ParseFixed(s.CLVYears, 0); err != nil || n < 1 || n > 30 {
		v.Add("clv_years", "out_of_range", "must be a whole number of years from 1 to 30")
	}
}

// FilterCriteria select customers: each non-empty list keeps the customers matching one of its
// values, and a customer must match every list. Class, tier, LAMP group and loyalty type are the
// customer's in the period analysed, within the whole portfolio the user sees.
type FilterCriteria struct {
	Category    []int64  `json:"category,omitempty" doc:"Product category ids: customers with sales of one of them in the period."`
	Industry    []string `json:"industry,omitempty"`
	Nature      []string `json:"nature,omitempty"`
	Region      []string `json:"region,omitempty" doc:"Provinces."`
	ChannelRole []string `json:"channel_role,omitempty"`
	Class       []string `json:"class,omitempty" doc:"ABC classes A, B, C."`
	Tier        []string `json:"tier,omitempty" doc:"platinum, gold, iron, lead."`
	LAMP        []string `json:"lamp,omitempty" doc:"core, next, promising, other."`
	Loyalty     []string `json:"loyalty,omitempty" doc:"loyal, switching, no_brand."`
	Rep         []int64  `json:"rep,omitempty" doc:"Owners' user ids."`
}

// Empty reports whether the criteria select every customer.
func (c FilterCriteria) Empty() bool {
	return len(c.Category)+len(c.Industry)+len(c.Nature)+len(c.Region)+len(c.ChannelRole)+len(c.Class)+len(c.Tier)+
		len(c.LAMP)+len(c.Loyalty)+len(c.Rep) == 0
}

// MaxFilterValues bounds each list of a filter.
const MaxFilterValues = 100

// Validate names every bad list: unknown values of the enumerations, ids that are not positive,
// over-long texts, too many values. prefix is put before each field name ("criteria.").
func (c FilterCriteria) Validate(prefix string) error {
	var v Validation
	c.validate(&v, prefix)
	return v.Err()
}

func (c FilterCriteria) validate(v *Validation, prefix string) {
	texts := func(field string, vals []string, allowed []string) {
		if len(vals) > MaxFilterValues {
			v.Add(prefix+field, "too_many", "at most %d values", MaxFilterValues)
			return
		}
		for _, s := range vals {
			if allowed != nil && !contains(allowed, s) {
				v.Add(prefix+field, "unknown_value", "%q is not one of %s", truncate(s, 40), strings.Join(allowed, ", "))
				return
			}
			if s == "" || len([]rune(s)) > MaxTextLen {
				v.Add(prefix+field, "invalid", "values must be 1 to %d characters", MaxTextLen)
				return
			}
		}
	}
	ids := func(field string, vals []int64) {
		if len(vals) > MaxFilterValues {
			v.Add(prefix+field, "too_many", "at most %d values", MaxFilterValues)
			return
		}
		for _, id := range vals {
			if id <= 0 {
				v.Add(prefix+field, "invalid", "ids must be positive")
				return
			}
		}
	}
	ids("category", c.Category)
	texts("industry", c.Industry, nil)
	texts("nature", c.Nature, CustomerNatures)
	texts("region", c.Region, nil)
	texts("channel_role", c.ChannelRole, ChannelRoles)
	texts("class", c.Class, ABCClasses)
	texts("tier", c.Tier, ValueTiers)
	texts("lamp", c.LAMP, LAMPGroups)
	texts("loyalty", c.Loyalty, LoyaltyTypes)
	ids("rep", c.Rep)
}

// SavedFilter is a user's named filter. A private one is its owner's alone; a shared one is
// offered to every user, and selects within what each user may see.
type SavedFilter struct {
	ID        int64          `json:"id"`
	UserID    int64          `json:"user_id" readOnly:"true"`
	Name      string         `json:"name"`
	Shared    bool           `json:"shared"`
	Criteria  FilterCriteria `json:"criteria"`
	Version   int64          `json:"version" readOnly:"true"`
	CreatedAt time.Time      `json:"created_at" readOnly:"true"`
	UpdatedAt time.Time      `json:"updated_at" readOnly:"true"`
}

// MaxFilterNameLen bounds a filter's name.
const MaxFilterNameLen = 100

// Validate checks the name and the criteria.
func (f *SavedFilter) Validate() error {
	f.Name = strings.TrimSpace(f.Name)
	var v Validation
	v.Required("name", f.Name)
	validText(&v, "name", f.Name, MaxFilterNameLen)
	f.Criteria.validate(&v, "criteria.")
	return v.Err()
}

// SavedFilterService stores saved filters. Every user manages their own; shared filters of others
// are read only; another user's private filter does not exist (ENotFound).
type SavedFilterService interface {
	SavedFilters(ctx context.Context) ([]*SavedFilter, error)
	SavedFilter(ctx context.Context, id int64) (*SavedFilter, error)
	CreateSavedFilter(ctx context.Context, f *SavedFilter) error
	UpdateSavedFilter(ctx context.Context, id, version int64, f *SavedFilter) error
	// DeleteSavedFilter deletes the filter at version (0: whichever).
	DeleteSavedFilter(ctx context.Context, id, version int64) error
}

// PortfolioPeriod is what a classification of a period reads of the portfolio, in one
// consistent read: every customer's figures over the period and over the previous period of the
// same length (the scorecard's growth), and its details; all three ordered by customer id, one
// entry per customer each.
type PortfolioPeriod struct {
	From, To         string
	PrevFrom, PrevTo string
	Figures          []CustomerPeriod
	Previous         []CustomerPeriod
	Details          []CustomerDetail
}
