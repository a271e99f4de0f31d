package analytics

import (
	"cmp"
	"math/big"
	"slices"

	"kam"
)

// Key accounts: the scorecard on the six criteria of reference 002, the portfolio matrix and the
// importance grade.
//
// Every measure the figures can give is scored 1–5 by quintiles of the customers of the period,
// with RFM's rule (see RFM): sorted worst first, position i of n scores 1 + floor(5i/n), and
// equal values share the score of the first of them — so equal customers never score apart, an
// all-equal portfolio (or one customer) scores 1 everywhere, and a score is earned only by being
// ahead of others. The measures:
//
//   - profit_share: profit after cost-to-serve (its share of the total of positive profits is
//     shown); a loss ranks below any profit.
//   - relationship: long and stable — the lower of the scores of its length (months from its first
//     order ever to the period's end) and its stability (months of the period with an order).
//   - potential: growth (net revenue minus that of the period of the same length before), or,
//     where wallet estimates exist, the higher of that and the score of the uncaptured wallet
//     (estimated purchases minus our sales in the year of the period's end).
//   - resources: cost-to-serve (the reference's "most of our time, people and means").
//   - revenue, growth, margin (profit ÷ net revenue; none ranks lowest), wallet_share (our sales ÷
//     the estimate; unscored without an estimate) for the portfolio matrix.
//
// goal_impact, loss_damage, strategic_fit and competitive are scored by hand (1–5). A criterion
// without a score (a manual one nobody scored, a wallet share without estimate) is left out and
// the weights of the others are taken alone: the weighted total is Σ wᵢsᵢ ÷ Σ wᵢ over the scored
// criteria, exact; without any scored criterion of positive weight there is no total.

// KeyAccountRules are the settings as exact numbers.
type KeyAccountRules struct {
	Scorecard, Attractiveness, Strength map[string]*big.Rat
	Threshold, Cut                      *big.Rat
}

// KeyAccountRulesOf reads the settings (validated when saved; a value that does not parse
// weighs 0).
func KeyAccountRulesOf(s kam.KeyAccountSettings) KeyAccountRules {
	rat := func(v string) *big.Rat {
		n, err := kam.ParseFixed(v, 4)
		if err != nil {
			return new(big.Rat)
		}
		return big.NewRat(n, 10000)
	}
	ws := func(m map[string]string) map[string]*big.Rat {
		out := map[string]*big.Rat{}
		for k, v := range m {
			out[k] = rat(v)
		}
		return out
	}
	return KeyAccountRules{Scorecard: ws(s.ScorecardWeights), Attractiveness: ws(s.AttractivenessWeights), Strength: ws(s.StrengthWeights),
		Threshold: rat(s.ScorecardThreshold), Cut: rat(s.PortfolioCut)}
}

// Quadrants of the portfolio matrix and their resource strategy.
const (
	QuadrantInvest    = "invest"    // attractive, we are strong: invest, develop the partnership
	QuadrantSelective = "selective" // attractive, we are weak: invest selectively to build our position
	QuadrantMaintain  = "maintain"  // less attractive, we are strong: maintain efficiently
	QuadrantMinimise  = "minimise"  // less attractive, we are weak: minimise the resources spent
)

// Quadrants lists the quadrants, top right first.
var Quadrants = []string{QuadrantInvest, QuadrantSelective, QuadrantMaintain, QuadrantMinimise}

// Criterion is one customer's score on one criterion or measure.
type Criterion struct {
	Key    string `json:"criterion"`
	Score  int    `json:"score" doc:"1–5; 0 when not scored."`
	Manual bool   `json:"manual"`
	// Value is the measure behind a data score (money as a decimal, a share, months …).
	Value string `json:"value,omitempty"`
}

// KeyAccount is one customer's results.
type KeyAccount struct {
	CustomerID int64
	Code       string
	NetRevenue kam.Money
	Profit     kam.Money
	// ProfitShare is the profit's share of the total of positive profits (nil when none).
	ProfitShare *big.Rat
	// RelationshipMonths from the first order ever to the period's end; ActiveMonths of the period.
	RelationshipMonths, ActiveMonths, PeriodMonths int
	Growth                                         kam.Money
	Scorecard                                      []Criterion
	// Total is the scorecard's weighted total (nil without any scored criterion).
	Total    *big.Rat
	Proposed bool   // Total at or over the threshold
	State    string // proposed, confirmed, rejected, or "" (neither proposed nor decided)
	// The portfolio matrix.
	Attractiveness, Strength         []Criterion
	AttractivenessTotal, StrengthTot *big.Rat
	Quadrant                         string
	// Grade is the importance grade in force, ComputedGrade the models', GradeReason the rule
	// that gave it (a key of the rule's explanation).
	Grade, ComputedGrade, GradeReason string
	Overridden                        bool
}

// KeyAccountData are the models' inputs.
type KeyAccountData struct {
	From, To string
	Figures  []CustomerFigures
	// Previous are the figures of the period of the same length before (for growth).
	Previous []CustomerFigures
	Inputs   *kam.KeyAccountInputs
	ABC      ABC
	Tiers    map[int64]string
}

// quintiles scores n items 1–5 by RFM's rule: worse(i, j) < 0 when i is worse; ties are broken
// by the items' codes, ranked by codeRanks, so that the order is total, and equal items share the
// first one's score.
func quintiles(idx []int, worse func(i, j int) int, rank []int32, set func(i, score int)) {
	sorted := slices.Clone(idx)
	slices.SortFunc(sorted, func(x, y int) int {
		if c := worse(x, y); c != 0 {
			return c
		}
		return cmp.Compare(rank[x], rank[y])
	})
	scoreSorted(sorted, func(a, b int) bool { return worse(a, b) == 0 }, set)
}

// quintilesBy is quintiles of the items by key, larger is better: the keys sit beside their
// ranks in one slice, so that the sort compares integers instead of calling functions.
func quintilesBy(idx []int, key func(i int) int64, rank []int32, set func(i, score int)) {
	type item struct {
		key  int64
		rank int32
		i    int32
	}
	items := make([]item, len(idx))
	for j, i := range idx {
		items[j] = item{key(i), rank[i], int32(i)}
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.rank, b.rank)
	})
	sorted := make([]int, len(items))
	for j, it := range items {
		sorted[j] = int(it.i)
	}
	scoreSorted(sorted, func(a, b int) bool { return key(a) == key(b) }, set)
}

// scoreSorted gives the items sorted worst first their scores: position i of n scores
// 1 + floor(5i/n), and an item equal to the one before it shares its score.
func scoreSorted(sorted []int, equal func(a, b int) bool, set func(i, score int)) {
	n, first := len(sorted), 0
	for pos, i := range sorted {
		if pos == 0 || !equal(sorted[pos-1], i) {
			first = pos
		}
		set(i, 1+5*first/n)
	}
}

// codeRanks numbers the items by code, ascending (the tie rule of quintiles).
func codeRanks(n int, code func(i int) string) []int32 {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(code(a), code(b)) })
	rank := make([]int32, n)
	for r, i := range idx {
		rank[i] = int32(r)
	}
	return rank
}

// KeyAccounts runs the scorecard, the portfolio matrix and the importance grade over d.
func KeyAccounts(d KeyAccountData, r KeyAccountRules) []KeyAccount {
	figs := d.Figures
	n := len(figs)
	out := make([]KeyAccount, n)
	in := d.Inputs
	if in == nil {
		in = &kam.KeyAccountInputs{}
	}
	prev := map[int64]kam.Money{}
	for _, p := range d.Previous {
		prev[p.CustomerID] = p.NetRevenue
	}
	months := PeriodMonths(d.From, d.To)
	var positive kam.Money
	for _, f := range figs {
		if p := f.Profit(); p > 0 {
			positive += p
		}
	}
	class := map[int64]string{}
	for _, rk := range d.ABC.Ranks {
		class[rk.CustomerID] = rk.Class
	}
	all := make([]int, n)
	length := make([]int, n)
	headroom := make([]kam.Money, n)
	scores := make([]map[string]int, n)
	values := make([]map[string]string, n)
	haveWallet := len(in.Wallet) > 0
	var walletIdx []int
	for i, f := range figs {
		all[i] = i
		scores[i], values[i] = map[string]int{}, map[string]string{}
		k := &out[i]
		k.CustomerID, k.Code, k.NetRevenue, k.Profit = f.CustomerID, f.Code, f.NetRevenue, f.Profit()
		k.ActiveMonths, k.PeriodMonths = f.ActiveMonths, months
		if positive > 0 {
			k.ProfitShare = big.NewRat(int64(k.Profit), int64(positive))
		}
		if first := in.FirstMonth[f.CustomerID]; first != "" && first <= d.To {
			length[i] = monthsBetween(first, d.To) + 1
		}
		k.RelationshipMonths = length[i]
		k.Growth = f.NetRevenue - prev[f.CustomerID]
		if est, ok := in.Wallet[f.CustomerID]; ok && est > 0 {
			headroom[i] = max(est-in.WalletOurs[f.CustomerID], 0)
			walletIdx = append(walletIdx, i)
			values[i][kam.MeasWalletShare] = Fraction{int64(in.WalletOurs[f.CustomerID]), int64(est)}.FloatString(4)
		}
		values[i][kam.CritProfitShare] = k.Profit.String()
		values[i][kam.CritResources] = f.CostToServe.String()
		values[i][kam.MeasRevenue] = f.NetRevenue.String()
		values[i][kam.MeasGrowth] = k.Growth.String()
		if f.NetRevenue > 0 {
			values[i][kam.MeasMargin] = Fraction{int64(k.Profit), int64(f.NetRevenue)}.FloatString(4)
		}
	}
	rank := codeRanks(n, func(i int) string { return figs[i].Code })
	setter := func(key string) func(i, s int) { return func(i, s int) { scores[i][key] = s } }
	quintilesBy(all, func(i int) int64 { return int64(figs[i].Profit()) }, rank, setter(kam.CritProfitShare))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].CostToServe) }, rank, setter(kam.CritResources))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].NetRevenue) }, rank, setter(kam.MeasRevenue))
	quintilesBy(all, func(i int) int64 { return int64(out[i].Growth) }, rank, setter(kam.MeasGrowth))
	quintilesBy(all, func(i int) int64 { return int64(length[i]) }, rank, setter("length"))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].ActiveMonths) }, rank, setter("stability"))
	quintiles(all, func(i, j int) int {
		a, b := figs[i], figs[j]
		switch {
		case a.NetRevenue <= 0 && b.NetRevenue <= 0:
			return 0
		case a.NetRevenue <= 0:
			return -1
		case b.NetRevenue <= 0:
			return 1
		}
		return cmpFrac(int64(a.Profit()), int64(a.NetRevenue), int64(b.Profit()), int64(b.NetRevenue))
	}, rank, setter(kam.MeasMargin))
	if haveWallet {
		quintilesBy(all, func(i int) int64 { return int64(headroom[i]) }, rank, setter("headroom"))
		quintiles(walletIdx, func(i, j int) int {
			a, b := figs[i].CustomerID, figs[j].CustomerID
			return cmpFrac(int64(in.WalletOurs[a]), int64(in.Wallet[a]), int64(in.WalletOurs[b]), int64(in.Wallet[b]))
		}, rank, setter(kam.MeasWalletShare))
	}
	scorecardWeights, attractivenessWeights, strengthWeights := weightsOf(r.Scorecard), weightsOf(r.Attractiveness), weightsOf(r.Strength)
	for i := range out {
		k := &out[i]
		s := scores[i]
		s[kam.CritRelationship] = min(s["length"], s["stability"])
		values[i][kam.CritRelationship] = itoa(length[i]) + "/" + itoa(figs[i].ActiveMonths)
		s[kam.CritPotential] = s[kam.MeasGrowth]
		values[i][kam.CritPotential] = k.Growth.String()
		if haveWallet && s["headroom"] > s[kam.CritPotential] {
			s[kam.CritPotential] = s["headroom"]
			values[i][kam.CritPotential] = headroom[i].String()
		}
		st := in.States[k.CustomerID]
		if st == nil {
			st = &kam.KeyAccountState{}
		}
		for _, m := range kam.ManualCriteria {
			if e, ok := st.Scores[m]; ok {
				s[m] = e.Score
			}
		}
		crit := func(keys []string) []Criterion {
			out := make([]Criterion, len(keys))
			for j, key := range keys {
				out[j] = Criterion{Key: key, Score: s[key], Manual: slices.Contains(kam.ManualCriteria, key), Value: values[i][key]}
			}
			return out
		}
		k.Scorecard = crit(kam.ScorecardCriteria)
		k.Total = scorecardWeights.total(k.Scorecard)
		k.Proposed = k.Total != nil && k.Total.Cmp(r.Threshold) >= 0
		switch {
		case st.Decision != nil:
			k.State = st.Decision.Value
		case k.Proposed:
			k.State = kam.KeyAccountProposed
		}
		k.Attractiveness = crit(kam.AttractivenessMeasures)
		k.Strength = crit(kam.StrengthMeasures)
		k.AttractivenessTotal = attractivenessWeights.total(k.Attractiveness)
		k.StrengthTot = strengthWeights.total(k.Strength)
		high := func(t *big.Rat) bool { return t != nil && t.Cmp(r.Cut) >= 0 }
		switch a, b := high(k.AttractivenessTotal), high(k.StrengthTot); {
		case a && b:
			k.Quadrant = QuadrantInvest
		case a:
			k.Quadrant = QuadrantSelective
		case b:
			k.Quadrant = QuadrantMaintain
		default:
			k.Quadrant = QuadrantMinimise
		}
		k.ComputedGrade, k.GradeReason = grade(k, class[k.CustomerID], d.Tiers[k.CustomerID])
		k.Grade = k.ComputedGrade
		if st.Importance != nil {
			k.Grade, k.Overridden = st.Importance.Value, true
		}
	}
	return out
}

// grade is the importance grade from the models, checked in this order:
//   - important (重要): a confirmed key account, or one proposed by the scorecard and not rejected;
//   - special (特殊): attractive but we are weak (quadrant selective: it needs a particular effort),
//     or large but unprofitable (class A or B in the lead tier: its terms need particular care);
//   - general (一般): the rest.
func grade(k *KeyAccount, class, tier string) (string, string) {
	switch {
	case k.State == kam.KeyAccountConfirmed:
		return kam.GradeImportant, "confirmed"
	case k.State == kam.KeyAccountProposed:
		return kam.GradeImportant, "proposed"
	case k.Quadrant == QuadrantSelective:
		return kam.GradeSpecial, "selective"
	case (class == "A" || class == "B") && tier == TierLead:
		return kam.GradeSpecial, "large_lead"
	}
	return kam.GradeGeneral, "rest"
}

// weights are a set of weights ready for many weighted totals: in ten-thousandths where every
// weight is a whole number of them (the settings' are), so that a total is integer sums and one
// fraction, else as fractions.
type weights struct {
	fixed map[string]int64 // nil when some weight is not a whole number of ten-thousandths
	rat   map[string]*big.Rat
}

func weightsOf(w map[string]*big.Rat) weights {
	out := weights{rat: w, fixed: make(map[string]int64, len(w))}
	scale := big.NewRat(10000, 1)
	for k, v := range w {
		if v == nil || v.Sign() <= 0 {
			continue
		}
		x := new(big.Rat).Mul(v, scale)
		if !x.IsInt() || !x.Num().IsInt64() || x.Num().Int64() > 1<<40 {
			out.fixed = nil
			return out
		}
		out.fixed[k] = x.Num().Int64()
	}
	return out
}

// total is Σ wᵢsᵢ ÷ Σ wᵢ over the scored criteria of positive weight; nil without any.
func (w weights) total(cs []Criterion) *big.Rat {
	if w.fixed != nil {
		var num, den int64
		for _, c := range cs {
			if wt := w.fixed[c.Key]; c.Score != 0 && wt > 0 {
				num += wt * int64(c.Score)
				den += wt
			}
		}
		if den == 0 {
			return nil
		}
		return big.NewRat(num, den)
	}
	num, den := new(big.Rat), new(big.Rat)
	for _, c := range cs {
		wt := w.rat[c.Key]
		if c.Score == 0 || wt == nil || wt.Sign() <= 0 {
			continue
		}
		num.Add(num, new(big.Rat).Mul(wt, big.NewRat(int64(c.Score), 1)))
		den.Add(den, wt)
	}
	if den.Sign() == 0 {
		return nil
	}
	return num.Quo(num, den)
}

// addKeyAccounts runs the key-account models over a run's period (p is what was read of it) and
// puts each customer's weighted total, state, quadrant and grade in its result, and their counts
// in the run's summary, so that they are stored with the run.
func addKeyAccounts(run *kam.ClassificationRun, p *kam.PortfolioPeriod, stored map[int64]*kam.KeyAccountState, set kam.KeyAccountSettings) {
	in := kam.KeyAccountInputsOf(p.Details, stored)
	figures, prev := p.Figures, p.Previous
	abc := ABC{}
	tiers := map[int64]string{}
	for _, r := range run.Results {
		abc.Ranks = append(abc.Ranks, ABCRank{CustomerID: r.CustomerID, Class: r.ABC})
		tiers[r.CustomerID] = r.Tier
	}
	ks := KeyAccounts(KeyAccountData{From: run.From, To: run.To, Figures: figures, Previous: prev, Inputs: in, ABC: abc, Tiers: tiers}, KeyAccountRulesOf(set))
	byID := make(map[int64]*KeyAccount, len(ks))
	for i := range ks {
		byID[ks[i].CustomerID] = &ks[i]
	}
	states, quadrants, grades := map[string]int{}, map[string]int{}, map[string]int{}
	for i := range run.Results {
		r := &run.Results[i]
		k := byID[r.CustomerID]
		if k == nil {
			continue
		}
		if k.Total != nil {
			r.KeyTotal = k.Total.FloatString(4)
		}
		r.KeyState, r.Quadrant, r.Grade = k.State, k.Quadrant, k.Grade
		if k.State != "" {
			states[k.State]++
		}
		quadrants[k.Quadrant]++
		grades[k.Grade]++
	}
	if s, ok := run.Summary.(Summary); ok {
		s.KeyAccounts, s.Quadrants, s.Grades = states, quadrants, grades
		run.Summary = s
	}
}

// PreviousPeriod is the period of the same length just before from–to.
func PreviousPeriod(from, to string) (string, string) {
	n := PeriodMonths(from, to)
	return addMonths(from, -n), addMonths(from, -1)
}

func addMonths(m string, n int) string {
	v := monthOf(m)
	t := int(v/100)*12 + int(v%100-1) + n
	y, mo := t/12, t%12+1
	return itoa4(y) + "-" + string(rune('0'+mo/10)) + string(rune('0'+mo%10))
}

func itoa4(y int) string {
	return string([]rune{rune('0' + y/1000%10), rune('0' + y/100%10), rune('0' + y/10%10), rune('0' + y%10)})
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }
