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
	m := newKeyModel(d.Figures, keyInputsOf(d), d.From, d.To, r)
	out := make([]KeyAccount, len(d.Figures))
	for i := range out {
		out[i] = m.account(i, true)
	}
	return out
}

// The criteria by number: the scorecard's, the portfolio matrix's and the two parts of the
// relationship and of the potential.
const (
	iProfitShare = iota
	iGoalImpact
	iLossDamage
	iRelationship
	iPotential
	iResources
	iRevenue
	iGrowth
	iMargin
	iStrategicFit
	iWalletShare
	iCompetitive
	iLength
	iStability
	iHeadroom
	nCriteria
)

// criterionKeys names the criteria by number.
var criterionKeys = [nCriteria]string{kam.CritProfitShare, kam.CritGoalImpact, kam.CritLossDamage, kam.CritRelationship, kam.CritPotential,
	kam.CritResources, kam.MeasRevenue, kam.MeasGrowth, kam.MeasMargin, kam.MeasStrategicFit, kam.MeasWalletShare, kam.MeasCompetitive,
	"length", "stability", "headroom"}

// criteriaOf numbers criteria named by their keys (the lists of kam, every one known).
func criteriaOf(keys []string) []int {
	out := make([]int, len(keys))
	for j, k := range keys {
		out[j] = slices.Index(criterionKeys[:], k)
	}
	return out
}

// keyInputs are the key-account models' inputs beyond the figures, each by the customer's index
// in the figures.
type keyInputs struct {
	prev       []kam.Money // net revenue in the period of the same length before
	first      []string    // first month with an order ever, "" without any
	wallet     []kam.Money // estimated purchases in the year of the period's end; none unless positive
	walletOurs []kam.Money // our net revenue in that year
	haveWallet bool        // some customer has an estimate: the potential weighs the headroom
	states     []*kam.KeyAccountState
	class      []string // ABC class
	tier       []string
}

// keyInputsOf puts d's inputs, found by customer, beside its figures.
func keyInputsOf(d KeyAccountData) keyInputs {
	in := d.Inputs
	if in == nil {
		in = &kam.KeyAccountInputs{}
	}
	prev := make(map[int64]kam.Money, len(d.Previous))
	for _, p := range d.Previous {
		prev[p.CustomerID] = p.NetRevenue
	}
	class := make(map[int64]string, len(d.ABC.Ranks))
	for _, rk := range d.ABC.Ranks {
		class[rk.CustomerID] = rk.Class
	}
	out := newKeyInputs(len(d.Figures))
	out.haveWallet = len(in.Wallet) > 0
	for i, f := range d.Figures {
		id := f.CustomerID
		out.prev[i], out.first[i], out.states[i], out.class[i], out.tier[i] = prev[id], in.FirstMonth[id], in.States[id], class[id], d.Tiers[id]
		if est := in.Wallet[id]; est > 0 {
			out.wallet[i], out.walletOurs[i] = est, in.WalletOurs[id]
		}
	}
	return out
}

func newKeyInputs(n int) keyInputs {
	return keyInputs{prev: make([]kam.Money, n), first: make([]string, n), wallet: make([]kam.Money, n), walletOurs: make([]kam.Money, n),
		states: make([]*kam.KeyAccountState, n), class: make([]string, n), tier: make([]string, n)}
}

// keyModel is the key-account models' work over a portfolio: every customer's data scores, a
// few bytes each, from which account makes one customer's results at a time.
type keyModel struct {
	figs     []CustomerFigures
	in       keyInputs
	months   int
	positive kam.Money // the sum of the positive profits
	length   []int32   // months of the relationship
	scores   [][nCriteria]int8
	rules    KeyAccountRules
	// The weights and the criteria of the scorecard and of the matrix's two axes.
	scorecard, attractiveness, strength             weights
	scorecardList, attractivenessList, strengthList []int
	manual                                          []int
}

func newKeyModel(figs []CustomerFigures, in keyInputs, from, to string, r KeyAccountRules) *keyModel {
	n := len(figs)
	m := &keyModel{figs: figs, in: in, months: PeriodMonths(from, to), length: make([]int32, n), scores: make([][nCriteria]int8, n), rules: r,
		scorecard: weightsOf(r.Scorecard), attractiveness: weightsOf(r.Attractiveness), strength: weightsOf(r.Strength),
		scorecardList: criteriaOf(kam.ScorecardCriteria), attractivenessList: criteriaOf(kam.AttractivenessMeasures),
		strengthList: criteriaOf(kam.StrengthMeasures), manual: criteriaOf(kam.ManualCriteria)}
	all := make([]int, n)
	var walletIdx []int
	for i, f := range figs {
		all[i] = i
		if p := f.Profit(); p > 0 {
			m.positive += p
		}
		if first := in.first[i]; first != "" && first <= to {
			m.length[i] = int32(monthsBetween(first, to) + 1)
		}
		if in.wallet[i] > 0 {
			walletIdx = append(walletIdx, i)
		}
	}
	rank := codeRanks(n, func(i int) string { return figs[i].Code })
	setter := func(c int) func(i, s int) { return func(i, s int) { m.scores[i][c] = int8(s) } }
	quintilesBy(all, func(i int) int64 { return int64(figs[i].Profit()) }, rank, setter(iProfitShare))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].CostToServe) }, rank, setter(iResources))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].NetRevenue) }, rank, setter(iRevenue))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].NetRevenue - in.prev[i]) }, rank, setter(iGrowth))
	quintilesBy(all, func(i int) int64 { return int64(m.length[i]) }, rank, setter(iLength))
	quintilesBy(all, func(i int) int64 { return int64(figs[i].ActiveMonths) }, rank, setter(iStability))
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
	}, rank, setter(iMargin))
	if in.haveWallet {
		quintilesBy(all, func(i int) int64 { return int64(m.headroom(i)) }, rank, setter(iHeadroom))
		quintiles(walletIdx, func(i, j int) int {
			return cmpFrac(int64(in.walletOurs[i]), int64(in.wallet[i]), int64(in.walletOurs[j]), int64(in.wallet[j]))
		}, rank, setter(iWalletShare))
	}
	return m
}

// headroom is the part of customer i's wallet we do not have (0 without an estimate).
func (m *keyModel) headroom(i int) kam.Money {
	if est := m.in.wallet[i]; est > 0 {
		return max(est-m.in.walletOurs[i], 0)
	}
	return 0
}

// account is customer i's results; without full, only its totals, state, quadrant and grade (no
// criteria, no profit share: what a run stores).
func (m *keyModel) account(i int, full bool) KeyAccount {
	f := &m.figs[i]
	k := KeyAccount{CustomerID: f.CustomerID, Code: f.Code, NetRevenue: f.NetRevenue, Profit: f.Profit(), RelationshipMonths: int(m.length[i]),
		ActiveMonths: f.ActiveMonths, PeriodMonths: m.months, Growth: f.NetRevenue - m.in.prev[i]}
	var s [nCriteria]int
	for c, v := range m.scores[i] {
		s[c] = int(v)
	}
	s[iRelationship] = min(s[iLength], s[iStability])
	s[iPotential] = s[iGrowth]
	byHeadroom := m.in.haveWallet && s[iHeadroom] > s[iPotential]
	if byHeadroom {
		s[iPotential] = s[iHeadroom]
	}
	var none kam.KeyAccountState
	st := m.in.states[i]
	if st == nil {
		st = &none
	}
	for _, c := range m.manual {
		if e, ok := st.Scores[criterionKeys[c]]; ok {
			s[c] = e.Score
		}
	}
	k.Total = m.scorecard.total(m.scorecardList, &s)
	k.Proposed = k.Total != nil && k.Total.Cmp(m.rules.Threshold) >= 0
	switch {
	case st.Decision != nil:
		k.State = st.Decision.Value
	case k.Proposed:
		k.State = kam.KeyAccountProposed
	}
	k.AttractivenessTotal = m.attractiveness.total(m.attractivenessList, &s)
	k.StrengthTot = m.strength.total(m.strengthList, &s)
	high := func(t *big.Rat) bool { return t != nil && t.Cmp(m.rules.Cut) >= 0 }
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
	k.ComputedGrade, k.GradeReason = grade(&k, m.in.class[i], m.in.tier[i])
	k.Grade = k.ComputedGrade
	if st.Importance != nil {
		k.Grade, k.Overridden = st.Importance.Value, true
	}
	if full {
		if m.positive > 0 {
			k.ProfitShare = big.NewRat(int64(k.Profit), int64(m.positive))
		}
		crit := func(list []int) []Criterion {
			out := make([]Criterion, len(list))
			for j, c := range list {
				out[j] = Criterion{Key: criterionKeys[c], Score: s[c], Manual: slices.Contains(m.manual, c), Value: m.value(i, c, &k, byHeadroom)}
			}
			return out
		}
		k.Scorecard, k.Attractiveness, k.Strength = crit(m.scorecardList), crit(m.attractivenessList), crit(m.strengthList)
	}
	return k
}

// value is the measure behind customer i's data score on criterion c ("" for a manual one).
func (m *keyModel) value(i, c int, k *KeyAccount, byHeadroom bool) string {
	f := &m.figs[i]
	switch c {
	case iProfitShare:
		return k.Profit.String()
	case iResources:
		return f.CostToServe.String()
	case iRevenue:
		return f.NetRevenue.String()
	case iGrowth:
		return k.Growth.String()
	case iMargin:
		if f.NetRevenue > 0 {
			return Fraction{int64(k.Profit), int64(f.NetRevenue)}.FloatString(4)
		}
	case iWalletShare:
		if est := m.in.wallet[i]; est > 0 {
			return Fraction{int64(m.in.walletOurs[i]), int64(est)}.FloatString(4)
		}
	case iRelationship:
		return itoa(int(m.length[i])) + "/" + itoa(f.ActiveMonths)
	case iPotential:
		if byHeadroom {
			return m.headroom(i).String()
		}
		return k.Growth.String()
	}
	return ""
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

// weights are a set of weights ready for many weighted totals, by criterion: in ten-thousandths
// where every weight is a whole number of them (the settings' are), so that a total is integer
// sums and one fraction, else as fractions.
type weights struct {
	fixed *[nCriteria]int64 // nil when some weight is not a whole number of ten-thousandths
	rat   [nCriteria]*big.Rat
}

func weightsOf(w map[string]*big.Rat) weights {
	var out weights
	for c, k := range criterionKeys {
		out.rat[c] = w[k]
	}
	fixed := new([nCriteria]int64)
	scale := big.NewRat(10000, 1)
	for k, v := range w {
		if v == nil || v.Sign() <= 0 {
			continue
		}
		x := new(big.Rat).Mul(v, scale)
		if !x.IsInt() || !x.Num().IsInt64() || x.Num().Int64() > 1<<40 {
			return out
		}
		if c := slices.Index(criterionKeys[:], k); c >= 0 {
			fixed[c] = x.Num().Int64()
		}
	}
	out.fixed = fixed
	return out
}

// total is Σ wᵢsᵢ ÷ Σ wᵢ over the criteria of list scored in s, of positive weight; nil without
// any.
func (w weights) total(list []int, s *[nCriteria]int) *big.Rat {
	if w.fixed != nil {
		var num, den int64
		for _, c := range list {
			if wt := w.fixed[c]; s[c] != 0 && wt > 0 {
				num += wt * int64(s[c])
				den += wt
			}
		}
		if den == 0 {
			return nil
		}
		return big.NewRat(num, den)
	}
	num, den := new(big.Rat), new(big.Rat)
	for _, c := range list {
		wt := w.rat[c]
		if s[c] == 0 || wt == nil || wt.Sign() <= 0 {
			continue
		}
		num.Add(num, new(big.Rat).Mul(wt, big.NewRat(int64(s[c]), 1)))
		den.Add(den, wt)
	}
	if den.Sign() == 0 {
		return nil
	}
	return num.Quo(num, den)
}

// addKeyAccounts runs the key-account models over a run's figures (order as classify returns
// it) and puts each customer's weighted total, state, quadrant and grade in its result, and their
// counts in the run's summary, so that they are stored with the run.
func addKeyAccounts(run *kam.ClassificationRun, figures []CustomerFigures, order []int32, in keyInputs, r KeyAccountRules) {
	m := newKeyModel(figures, in, run.From, run.To, r)
	states, quadrants, grades := map[string]int{}, map[string]int{}, map[string]int{}
	for k, i := range order {
		a := m.account(int(i), false)
		res := &run.Results[k]
		if a.Total != nil {
			res.KeyTotal = a.Total.FloatString(4)
		}
		res.KeyState, res.Quadrant, res.Grade = a.State, a.Quadrant, a.Grade
		if a.State != "" {
			states[a.State]++
		}
		quadrants[a.Quadrant]++
		grades[a.Grade]++
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
