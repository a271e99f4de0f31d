// Package demo generates a realistic, deterministic portfolio of Chinese B2B customers for demos,
// tests and benchmarks: a sales organisation, customers with their units and contacts, and two
// years of their ledger (products, orders and returns, invoices, payments, cost to serve,
// financial statements, wallet estimates) ending on the portfolio's today; see ledger.go.
//
// Every person gets the same demo password, [Password] ("kam-demo-2026"). The users come in this
// order (ids 1, 2, …):
//
//   - admin@kam.example, the administrator (系统管理员);
//   - the KAM director;
//   - finance users, then service users (one of each, plus one per 100 sales people);
//   - for each regional supervisor (区域主管): the supervisor, then the team's key account
//     managers and sales reps in random order, who report to them.
//
// The sales force grows with the portfolio: one rep or KAM per 150 customers (at least 6, at
// most 700), one supervisor per 8 of them. Each supervisor covers a sales region (华东, 华南 …);
// a customer's owner is a member of a team covering the customer's province, chosen with a
// Pareto-like skew so that a few people own many customers.
//
// Each customer has 1–5 units and 2–6 contacts (about 2.9 and 3.8 on average); about 5% are
// group companies (集团) with 2–6 subsidiaries among the other customers.
//
// Every reference points to an element earlier in its slice (supervisors before their teams,
// group companies before their subsidiaries, parent units and superiors before the units and
// contacts under them), so loading the slices in order never breaks a foreign key. Every
// customer, unit and contact passes its Validate method unchanged. Version and timestamps are
// left zero for the store to set.
//
// Generated strings share large backing blocks to keep generation fast; a caller that keeps a
// few strings of a discarded portfolio for long should copy them (strings.Clone).
//
// The same Options give byte-identical output: the generator draws only from its own PCG sources
// seeded with Options.Seed, never from the global source or map iteration order, and reads the
// clock only for the date of today when Options.Today is zero. The customers, units and contacts
// do not depend on Today.
package demo

import (
	"math/rand/v2"
	"time"
	"unsafe"

	"kam"
)

// Password is the demo password of every generated user.
const Password = "kam-demo-2026"

// DefaultCustomers is the portfolio size when Options.Customers is zero.
const DefaultCustomers = 300

// Options configure Generate.
type Options struct {
	Customers int   // number of customers (default 300 when 0)
	Seed      int64 // same seed + same Customers + same Today → byte-identical output
	// Today is the demo's today: the ledger ends on its date in China (UTC+8). Zero means the
	// current date, so that the demo looks current; set it for output that does not depend on
	// the day it is generated.
	Today time.Time
	// NoLedger leaves the ledger out: for tests and benchmarks of the customer file alone.
	NoLedger bool
}

// Person is a generated user with their demo password.
type Person struct {
	User     kam.User // ID set (1..n, in slice order), Email, Name, Role, SupervisorID, Active=true
	Password string   // demo password, at least 10 chars, not the e-mail
}

// Portfolio is a generated data set. Ids are positions in the slices plus one.
type Portfolio struct {
	Users     []Person        // Users[i].User.ID == int64(i+1)
	Customers []*kam.Customer // ID == index+1; OwnerID, ParentID, Team refer to ids above
	Units     []*kam.Unit     // ID == index+1; CustomerID, ParentUnitID refer to ids above
	Contacts  []*kam.Contact  // ID == index+1; CustomerID, UnitID, ReportsToID refer to ids above

	// The ledger, see ledger.go. Read-only fields of the kam types (names and codes of what a
	// record refers to) are left empty, except the numbers of the documents referred to
	// (Order.ReturnOfNo, Invoice.OrderNo, Allocation.InvoiceNo), Product.Category, and the sums
	// Order.Amount, Order.Cost, Order.LineCount and Invoice.Paid. All amounts are in CNY.
	Today        string                // YYYY-MM-DD, the ledger's last day
	Categories   []*kam.Category       // ID == index+1
	Products     []*kam.Product        // ID == index+1; CategoryID refers to Categories
	ProductCosts []kam.Money           // standard unit cost of Products[i]; a line's cost is it × quantity
	Orders       []*kam.Order          // ID == index+1, by date; sales and returns, with their lines
	Invoices     []*kam.Invoice        // ID == index+1, by date; one per sales order
	Payments     []*kam.Payment        // ID == index+1, by date; Allocations refer to Invoices
	Costs        []*kam.Cost           // ID == index+1, by date; cost-to-serve entries
	Financials   []*kam.Financials     // ID == index+1; annual statements of large customers
	Wallet       []*kam.WalletEstimate // large customer × category × year
}

// Generate builds the portfolio for o. A negative Customers counts as zero (the default).
func Generate(o Options) *Portfolio {
	n := o.Customers
	if n <= 0 {
		n = DefaultCustomers
	}
	g := newGenerator(o.Seed, n)
	g.users(n)
	g.customers(n)
	if o.NoLedger {
		return g.p
	}
	today := o.Today
	if today.IsZero() {
		today = time.Now()
	}
	g.ledger(o.Seed, today)
	return g.p
}

// pcgStream is the second PCG seed word. It is fixed so that a seed means the same portfolio in
// every release that keeps the generation order.
const pcgStream = 0x6b616d2d64656d6f // "kam-demo"

// generator holds the state of one Generate call.
type generator struct {
	r       *rand.Rand
	p       *Portfolio
	buf     []byte // scratch for building strings
	nameBuf []byte // second scratch, for a name built while buf builds an address

	// Pickers for the weighted tables.
	surnamePick, industryPick, provincePick, naturePick, statusPick, sizePick    picker
	formPick, topTitlePick, titlePick, retailTitlePick, unitPick, retailUnitPick picker
	stagePick                                                                    []picker // by statusWeights index

	// The sales organisation.
	directorID       int64
	finance, service []int64
	teams            []team
	regionTeams      [][]int // sales region → indexes of teams covering it
	teamOf           []int32 // user id → index of their team, or -1

	// Uniqueness of what must be unique across the portfolio.
	userEmails  map[string]int // local part → times used
	names       map[string]struct{}
	domains     map[string]struct{}
	creditCodes map[string]struct{}

	// Customers' data needed by their subsidiaries.
	companies []company
	plan      contactPlan    // of the current customer
	custUnits []customerUnit // of the current customer

	// Records and strings are allocated in blocks: a 100,000-customer portfolio holds millions of
	// them, and allocating them one by one made the allocator and the garbage collector the
	// larger part of the generation time.
	customerSlab slab[kam.Customer]
	unitSlab     slab[kam.Unit]
	contactSlab  slab[kam.Contact]
	birthdaySlab slab[kam.Birthday]
	idSlab       slab[int64]
	stringSlab   slab[string]
	teamSlab     slab[kam.TeamMember]
	strings      stringArena
	brands       []hanzi // every brand word (字号), see brand
}

// team is a regional supervisor's team.
type team struct {
	supervisor int64
	kams, reps []int64
	members    []int64 // kams and reps in id order
}

func newGenerator(seed int64, customers int) *generator {
	g := &generator{
		r:           rand.New(rand.NewPCG(uint64(seed), pcgStream)),
		p:           &Portfolio{},
		buf:         make([]byte, 0, 256),
		nameBuf:     make([]byte, 0, 64),
		userEmails:  map[string]int{},
		names:       make(map[string]struct{}, customers),
		domains:     make(map[string]struct{}, customers),
		creditCodes: make(map[string]struct{}, customers),
		brands:      allBrands(),
	}
	g.surnamePick = newPicker(len(surnames), func(i int) int { return surnames[i].weight })
	g.industryPick = newPicker(len(industries), func(i int) int { return industries[i].weight })
	g.provincePick = newPicker(len(provinces), func(i int) int { return provinces[i].weight })
	g.naturePick = newPicker(len(natureWeights), func(i int) int { return natureWeights[i].weight })
	g.statusPick = newPicker(len(statusWeights), func(i int) int { return statusWeights[i].weight })
	g.sizePick = newPicker(len(sizeWeights), func(i int) int { return sizeWeights[i].weight })
	g.formPick = newPicker(len(legalForms), func(i int) int { return legalForms[i].weight })
	g.topTitlePick = newPicker(len(topTitles), func(i int) int { return topTitles[i].weight })
	g.titlePick = newPicker(len(otherTitles), func(i int) int {
		if otherTitles[i].retail {
			return 0
		}
		return otherTitles[i].weight
	})
	g.retailTitlePick = newPicker(len(otherTitles), func(i int) int { return otherTitles[i].weight })
	g.unitPick = newPicker(len(unitTemplates), func(i int) int {
		if unitTemplates[i].retail {
			return 0
		}
		return unitTemplates[i].weight
	})
	g.retailUnitPick = newPicker(len(unitTemplates), func(i int) int { return unitTemplates[i].weight })
	g.stagePick = make([]picker, len(statusWeights))
	for i, s := range statusWeights {
		g.stagePick[i] = newPicker(len(s.stages), func(j int) int { return s.stages[j].weight })
	}
	return g
}

// picker draws an index with probability proportional to its weight.
type picker struct {
	cumulative []int
}

func newPicker(n int, weight func(int) int) picker {
	c := make([]int, n)
	sum := 0
	for i := range n {
		sum += weight(i)
		c[i] = sum
	}
	return picker{c}
}

func (p picker) pick(r *rand.Rand) int {
	x := r.IntN(p.cumulative[len(p.cumulative)-1])
	lo, hi := 0, len(p.cumulative)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if p.cumulative[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// slab hands out pointers into chunks of values, so that many small records cost few
// allocations. Full slice expressions keep handed-out slices from growing into each other.
type slab[T any] struct {
	chunk []T
}

const slabChunk = 1024

func (s *slab[T]) new() *T {
	if len(s.chunk) == 0 {
		s.chunk = make([]T, slabChunk)
	}
	p := &s.chunk[0]
	s.chunk = s.chunk[1:]
	return p
}

// slice returns a zeroed slice of length n whose capacity is n.
func (s *slab[T]) slice(n int) []T {
	if n == 0 {
		return []T{} // not nil: an empty list, as Validate leaves it
	}
	if n > slabChunk/4 {
		return make([]T, n)
	}
	if len(s.chunk) < n {
		s.chunk = make([]T, slabChunk)
	}
	out := s.chunk[:n:n]
	s.chunk = s.chunk[n:]
	return out
}

func (g *generator) id(v int64) *int64 {
	p := g.idSlab.new()
	*p = v
	return p
}

// chance reports true with probability percent/100.
func (g *generator) chance(percent int) bool { return g.r.IntN(100) < percent }

// between returns a number in [lo, hi].
func (g *generator) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// skewed returns an index in [0, n) where low indexes are much more likely: the top fifth of
// the indexes gets about 60% of the draws, like the owners in a real sales team. It draws u³ for
// a uniform u in [0, 1) in integer arithmetic, so that every platform gives the same result
// (floating-point operations may be fused differently by architecture). n must be below 2^30.
func (g *generator) skewed(n int) int {
	u := g.r.Uint64() >> 44 // 20 bits
	cube := u * u * u       // < 2^60
	return int(uint64(n) * (cube >> 30) >> 30)
}

// str returns the scratch buffer as a string.
func (g *generator) str() string { return g.strings.string(g.buf) }

// stringArena copies strings into large shared blocks. A portfolio holds millions of short
// strings that live exactly as long as the portfolio; allocating them one by one costs more than
// half of the generation time in the allocator and the garbage collector, while the blocks hold
// no pointers and are never scanned.
type stringArena struct {
	block []byte
}

const arenaBlock = 64 << 10

func (a *stringArena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/8 {
		return string(b)
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	// The bytes are never written again: later appends only write past them, and a new block is
	// allocated when this one is full.
	return unsafe.String(&a.block[start], len(b))
}

// concat returns a + b.
func (g *generator) concat(a, b string) string {
	g.buf = append(append(g.buf[:0], a...), b...)
	return g.str()
}

// appendInt appends v zero-padded to width digits.
func appendInt(b []byte, v, width int) []byte {
	var d [20]byte
	i := len(d)
	for v >= 10 || len(d)-i < width-1 {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	d[i] = byte('0' + v)
	return append(b, d[i:]...)
}
