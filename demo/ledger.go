package demo

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"kam"
)

// The ledger: two years of the money side of the customer files, ending on the portfolio's
// today (Portfolio.Today).
//
//   - A catalogue of 15 product categories and 300 products (P0001 …) with list prices and a
//     standard unit cost per product (Portfolio.ProductCosts).
//   - Sales orders (SO+yyyymm+seq) of 1–8 lines, about 25 per customer on average, skewed like a
//     real customer base: group companies, their subsidiaries and large customers buy most (the
//     top fifth of the buyers makes well over 60% of the revenue), many small ones buy a little.
//     Active customers buy over the whole two years (new ones since they were won), dormant ones
//     stopped some months ago, lost ones longer ago, a few prospects placed a trial order.
//     Orders follow the season: a peak in the fourth quarter, a trough around the Spring
//     Festival and the National Day holidays, few orders at weekends. The whole ledger holds at
//     most maxLedgerLines order lines, however many customers: a large portfolio gets fewer
//     orders per customer.
//   - Returns (~2% of the orders, RT+yyyymm+seq): a return document pointing to its order, with
//     negative quantities, a few days after the order.
//   - A few customers buy a lot at a loss: deep discounts and a heavy cost to serve (rebates,
//     logistics, service), so that profitability analysis finds them.
//   - An invoice per order (INV+yyyymm+seq) net of its return, due 30, 60 or 90 days after the
//     order depending on the customer's terms; invoices of the last days may still be open.
//   - Payments (PAY+yyyymm+seq) allocated to invoices: most customers pay on time, some pay a
//     month's invoices at once, some pay in two parts, some pay 30–120 days late and a few
//     stopped paying, leaving invoices open and overdue on Today. Every invoice's Paid is the
//     sum of its allocations.
//   - Cost-to-serve entries (CS+yyyymm+seq) from the seeded expense codes: monthly logistics and
//     visits, occasional service, quarterly rebates and promotion support, financing cost of
//     late payments.
//   - Annual financial statements of the large customers that buy from us for the two years
//     before Today's, and estimates of their total purchases per category (wallet) for last year
//     and this year, never below what they bought from us.
//
// Every line's amount is kam.LineAmount(quantity, unit price, discount) and its cost the
// product's standard unit cost times the quantity, so every figure is exact.

// Shape of the ledger.
const (
	ledgerDays        = 730 // two years, Today included
	ordersPerCustomer = 25  // sales orders per customer over the two years, on average
	// maxLedgerLines bounds the order lines (sales and returns) of a ledger of any size;
	// plannedLines is what the order counts are planned for, leaving room for chance.
	maxLedgerLines    = 300_000
	plannedLines      = 270_000
	maxCustomerOrders = 240
	returnPerMille    = 20
	lossPercent       = 5   // of the customers with at least lossMinOrders orders
	lossMinOrders     = 12  // buy a lot
	dateSlack         = 120 // days after Today that a due date may fall on
	// lineBudget is the usual most a small customer spends on one order line; a customer of
	// quantity scale s spends up to s² times it.
	lineBudget = 15_000 * kam.MoneyUnit
)

// chinaTime is China Standard Time (UTC+8, no daylight saving): the business time zone of the
// demo company, fixed so that generation needs no time zone database.
var chinaTime = time.FixedZone("CST", 8*3600)

// Payment behaviours.
const (
	payOnTime    = iota
	payPrepaid   // 款到发货: pays when invoiced
	paySlow      // days to a month late
	payLate      // 30–120 days late
	payDefaulter // late, and stopped paying some months ago
)

// buyer is how a customer buys and pays.
type buyer struct {
	from, to int32 // buying window, as day offsets; to < from: never bought
	weight   int64 // share of the orders
	orders   int32
	cap      int32
	maxLines int8
	scale    int8  // quantity multiplier
	off      int16 // basis points off the list price
	loss     bool
	pay      int8
	batch    bool  // pays a month's invoices at once
	terms    int16 // days from the order to the due date
	stop     int32 // defaulter: the day from which it paid nothing
}

// draft is a document of the ledger before it gets its id and number.
type draft[T any] struct {
	day      int32
	doc      *T
	order    *kam.Order     // a return's order; an invoice's order
	invoices []*kam.Invoice // a payment's invoices, one per allocation
	named    bool           // a payment names its invoice
}

// byDate returns the indexes of drafts in date order, in the order they were made within a day
// (customer by customer), each in the low 40 bits of a sort key.
func byDate[T any](drafts []draft[T]) []uint64 {
	keys := make([]uint64, len(drafts))
	for i := range drafts {
		keys[i] = uint64(drafts[i].day)<<40 | uint64(i)
	}
	slices.Sort(keys)
	return keys
}

const draftIndex = 1<<40 - 1

// monthSpan is a calendar month of the ledger's window.
type monthSpan struct {
	first, last int32 // day offsets, within the window
	month       int   // 1..12
	full        bool  // the month has ended by Today
}

// ledger holds the state of the ledger's generation.
type ledger struct {
	g *generator
	r *rand.Rand
	p *Portfolio

	// The calendar: day offset 0 is the first day, ledgerDays-1 is Today.
	dates     []string // day offset → YYYY-MM-DD, up to Today + dateSlack
	cum       []int64  // cumulative order weight of days 0..d
	monthOf   []int8   // day offset → index of months
	yearOf    []int8   // day offset → calendar year - firstYear
	months    []monthSpan
	firstYear int // Today's year - 2
	dayOfYear int // Today's day of the year

	catProducts [][]int     // category → product indexes
	unitCost    []kam.Money // product index → standard unit cost
	unitsOf     []int32     // customer index → index of its first unit in Portfolio.Units

	orders   []draft[kam.Order]
	invoices []draft[kam.Invoice]
	payments []draft[kam.Payment]
	costs    []draft[kam.Cost]
	lines    int
	full     bool // maxLedgerLines reached

	// The current customer.
	rev       []kam.Money // by month
	ordersIn  []int32     // by month
	yearSales [3]kam.Money
	catSales  [][3]kam.Money // category → by year
	days      []int32
	invs      []openInvoice
	inOrder   []bool // scratch: products already on the order

	orderSlab   slab[kam.Order]
	lineSlab    slab[kam.OrderLine]
	invoiceSlab slab[kam.Invoice]
	paymentSlab slab[kam.Payment]
	allocSlab   slab[kam.Allocation]
	invRefSlab  slab[*kam.Invoice]
	costSlab    slab[kam.Cost]
	finSlab     slab[kam.Financials]
	walletSlab  slab[kam.WalletEstimate]
}

// openInvoice is an invoice of the current customer with its days.
type openInvoice struct {
	inv      *kam.Invoice
	day, due int32
	pay      int32 // planned payment day, or -1
}

// ledger generates the money side of the portfolio's customer files, ending on today.
func (g *generator) ledger(seed int64, today time.Time) {
	l := &ledger{g: g, p: g.p, r: rand.New(rand.NewPCG(uint64(seed), pcgStream+2))}
	l.calendar(today)
	l.catalogue()
	// Units come customer by customer: customer i's are Units[unitsOf[i]:unitsOf[i+1]].
	l.unitsOf = make([]int32, len(l.p.Customers)+1)
	for _, u := range l.p.Units {
		l.unitsOf[u.CustomerID]++
	}
	for i := 1; i < len(l.unitsOf); i++ {
		l.unitsOf[i] += l.unitsOf[i-1]
	}
	buyers := l.plan()
	l.rev = make([]kam.Money, len(l.months))
	l.ordersIn = make([]int32, len(l.months))
	l.catSales = make([][3]kam.Money, len(catalog))
	l.inOrder = make([]bool, len(l.p.Products))
	var orders int
	for i := range buyers {
		orders += int(buyers[i].orders)
	}
	l.orders = make([]draft[kam.Order], 0, orders+orders/32)
	l.invoices = make([]draft[kam.Invoice], 0, orders)
	l.payments = make([]draft[kam.Payment], 0, orders)
	l.costs = make([]draft[kam.Cost], 0, orders*3/2)
	for i := range buyers {
		l.customer(i, &buyers[i])
	}
	l.number()
}

// calendar lays out the window's days with their order weights.
func (l *ledger) calendar(today time.Time) {
	t := today.In(chinaTime)
	end := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -(ledgerDays - 1))
	l.p.Today = end.Format(time.DateOnly)
	l.firstYear = end.Year() - 2
	l.dayOfYear = end.YearDay()
	// The Spring Festival (正月初一) of each year of the window.
	festival := map[int]time.Time{}
	for y := start.Year(); y <= end.Year(); y++ {
		d, err := kam.Birthday{Calendar: "lunar", Month: 1, Day: 1}.NextSolarDate(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || d.Year() != y {
			d = time.Date(y, 2, 1, 0, 0, 0, 0, time.UTC) // outside lunar-go's calendar: near enough
		}
		festival[y] = d
	}
	// Relative order volume by calendar month: budgets are spent before the year ends.
	monthWeight := [13]int64{0, 90, 80, 100, 100, 100, 105, 95, 95, 110, 115, 130, 140}
	n := ledgerDays + dateSlack
	l.dates = make([]string, n)
	l.cum = make([]int64, ledgerDays)
	l.monthOf = make([]int8, ledgerDays)
	l.yearOf = make([]int8, ledgerDays)
	var sum int64
	for i := range n {
		d := start.AddDate(0, 0, i)
		l.dates[i] = d.Format(time.DateOnly)
		if i >= ledgerDays {
			continue
		}
		if len(l.months) == 0 || int(d.Month()) != l.months[len(l.months)-1].month {
			l.months = append(l.months, monthSpan{first: int32(i), month: int(d.Month())})
		}
		m := &l.months[len(l.months)-1]
		m.last = int32(i)
		m.full = d.AddDate(0, 0, 1).Month() != d.Month()
		l.monthOf[i] = int8(len(l.months) - 1)
		l.yearOf[i] = int8(d.Year() - l.firstYear)
		w := monthWeight[d.Month()] * 10
		switch d.Weekday() {
		case time.Saturday:
			w = w * 3 / 10
		case time.Sunday:
			w /= 10
		}
		// Factories close for the Spring Festival and slowly restart; golden weeks are quiet.
		switch since := d.Sub(festival[d.Year()]) / (24 * time.Hour); {
		case since >= -7 && since <= 7:
			w /= 10
		case since > 7 && since <= 15:
			w /= 2
		case d.Month() == time.October && d.Day() <= 7, d.Month() == time.May && d.Day() <= 5:
			w = w * 2 / 10
		}
		sum += w
		l.cum[i] = sum
	}
}

// drawDay picks a day in [from, to] with the days' order weights.
func (l *ledger) drawDay(from, to int32) int32 {
	var lo int64
	if from > 0 {
		lo = l.cum[from-1]
	}
	x := lo + l.r.Int64N(l.cum[to]-lo)
	i, _ := slices.BinarySearchFunc(l.cum[from:to+1], x, func(c, x int64) int {
		if c > x {
			return 1
		}
		return -1
	})
	return from + int32(i)
}

func (l *ledger) chance(percent int) bool { return l.r.IntN(100) < percent }

func (l *ledger) between(lo, hi int) int { return lo + l.r.IntN(hi-lo+1) }

// pareto returns a factor in thousandths between about 940 and 16000 with a Pareto tail
// (density ∝ 1/x²), in integer arithmetic so that every platform draws the same.
func (l *ledger) pareto() int64 {
	u := int64(l.r.Uint64() >> 44) // 20 bits
	return (1 << 20) * 1000 / (u + 1<<16)
}

// catalogue creates the categories and products.
func (l *ledger) catalogue() {
	p := l.p
	p.Categories = make([]*kam.Category, len(catalog))
	l.catProducts = make([][]int, len(catalog))
	for ci := range catalog {
		cs := &catalog[ci]
		p.Categories[ci] = &kam.Category{ID: int64(ci + 1), Code: cs.code, Name: cs.name}
		for _, pl := range cs.lines {
			for k, spec := range pl.specs {
				// Prices grow with the size along the specifications, in fen.
				n := int64(max(len(pl.specs)-1, 1))
				fen := pl.lo*100 + (pl.hi-pl.lo)*100*int64(k*k)/(n*n)
				fen = fen * int64(l.between(92, 108)) / 100
				switch {
				case fen >= 100_000:
					fen = (fen + 500) / 1000 * 1000
				case fen >= 10_000:
					fen = (fen + 50) / 100 * 100
				case fen >= 1000:
					fen = (fen + 5) / 10 * 10
				case fen < 30:
					fen = 30 + int64(5*k)
				}
				price := kam.Money(fen * 100)
				pr := &kam.Product{ID: int64(len(p.Products) + 1), CategoryID: l.g.id(int64(ci + 1)), Category: cs.name, UOM: cs.uom,
					ListPrice: price, Active: true}
				l.g.buf = appendInt(append(l.g.buf[:0], 'P'), len(p.Products)+1, 4)
				pr.Code = l.g.str()
				l.g.buf = append(append(append(l.g.buf[:0], pl.name...), ' '), spec...)
				pr.Name = l.g.str()
				ratio := int64(l.between(cs.costLo, cs.costHi))
				cost := kam.Money((int64(price)*ratio + 5000) / 10000)
				l.catProducts[ci] = append(l.catProducts[ci], len(p.Products))
				p.Products = append(p.Products, pr)
				l.unitCost = append(l.unitCost, cost)
			}
		}
	}
	p.ProductCosts = l.unitCost
}

// plan decides who buys when, how much and how they pay.
func (l *ledger) plan() []buyer {
	p := l.p
	last := int32(ledgerDays - 1)
	bs := make([]buyer, len(p.Customers))
	for i, c := range p.Customers {
		b := &bs[i]
		b.from, b.to = 0, last
		switch c.Status {
		case "active":
			if c.Stage == "establish" || slices.Contains(c.Tags, tagNew) {
				b.from = last - int32(l.between(45, 420))
			}
		case "dormant":
			b.to = last - int32(l.between(100, 300))
		case "lost":
			b.to = last - int32(l.between(280, 620))
		default: // a prospect; some placed a trial order
			if l.chance(12) {
				b.from = last - int32(l.between(20, 90))
			} else {
				b.to = -1
			}
		}
		if b.to < b.from {
			continue
		}
		var base int64
		switch c.Size {
		case "micro":
			base, b.maxLines, b.scale, b.off = 1, 3, 1, int16(l.between(0, 300))
		case "small":
			base, b.maxLines, b.scale, b.off = 3, 4, 1, int16(l.between(150, 600))
		case "medium":
			base, b.maxLines, b.scale, b.off = 8, 6, 1, int16(l.between(400, 1000))
		default:
			base, b.maxLines, b.scale, b.off = 20, 8, 2, int16(l.between(700, 1500))
		}
		w := base * l.pareto()
		head := c.ParentID == nil && slices.Contains(c.Tags, tagGroup)
		switch {
		case head:
			w, b.scale = w*3, 3
		case c.ParentID != nil:
			w *= 2
		}
		if c.ChannelRole == "distributor" || c.ChannelRole == "wholesaler" {
			w = w * 3 / 2
		}
		if slices.Contains(c.Tags, tagStrategic) {
			w = w * 3 / 2
		}
		if slices.Contains(c.Tags, tagPrice) {
			b.off += 300
		}
		span := int64(b.to - b.from + 1)
		b.weight = w * span
		b.cap = int32(min(maxCustomerOrders, span/3+1))

		// Terms and payment.
		settlement := c.CustomFields["结算方式"]
		switch {
		case settlement == "月结30天":
			b.terms = 30
		case settlement == "月结60天" || settlement == "票到60天":
			b.terms = 60
		case settlement == "月结90天" || slices.Contains(c.Tags, tagLongCredit):
			b.terms = 90
		case c.Size == "large":
			b.terms = int16(60 + 30*l.r.IntN(2))
		case c.Size == "medium":
			b.terms = int16(30 + 30*l.r.IntN(2))
		default:
			b.terms = 30
		}
		x := l.r.IntN(100)
		switch {
		case settlement == "款到发货":
			b.pay = payPrepaid
		case slices.Contains(c.Tags, tagLongCredit):
			b.pay = [...]int8{payOnTime, paySlow, payLate, payDefaulter}[min(x/25, 3)]
		case x < 72:
			b.pay = payOnTime
		case x < 86:
			b.pay = paySlow
		case x < 96:
			b.pay = payLate
		default:
			b.pay = payDefaulter
		}
		b.batch = (c.Size == "large" || strings.HasPrefix(settlement, "月结")) && l.chance(60)
		b.stop = last - int32(l.between(60, 240))
	}
	l.planOrders(bs)

	// A few customers that buy a lot do so at a loss; at least one when anybody buys.
	most, losses, defaulters := -1, 0, 0
	for i := range bs {
		b := &bs[i]
		if b.orders == 0 {
			continue
		}
		if most < 0 || b.orders > bs[most].orders {
			most = i
		}
		if b.orders >= lossMinOrders && l.chance(lossPercent) {
			b.loss = true
			losses++
		}
		if b.pay == payDefaulter && b.orders >= 4 {
			defaulters++
		}
	}
	if most >= 0 && losses == 0 {
		bs[most].loss = true
	}
	for i := range bs {
		b := &bs[i]
		if b.loss {
			b.off = int16(l.between(3000, 3800))
		}
		// And at least one stopped paying, so that some invoices are overdue.
		if defaulters == 0 && b.orders >= 4 && !b.loss && b.pay != payPrepaid {
			b.pay = payDefaulter
			defaulters++
		}
	}
	return bs
}

// planOrders spreads the portfolio's orders over the buyers in proportion to their weights,
// none above its cap, with at most about plannedLines lines in all.
func (l *ledger) planOrders(bs []buyer) {
	var sumW, sumWL uint64
	for i := range bs {
		if bs[i].weight > 0 {
			sumW += uint64(bs[i].weight)
			sumWL += uint64(bs[i].weight) * uint64(1+bs[i].maxLines)
		}
	}
	if sumW == 0 {
		return
	}
	total := int64(ordersPerCustomer) * int64(len(bs))
	// An order of a buyer has (1+maxLines)/2 lines on average.
	if lim := int64(mulDiv(2*plannedLines, sumW, sumWL)); total > lim {
		total = lim
	}
	capped := make([]bool, len(bs))
	for {
		t, e := uint64(total), uint64(0)
		for i := range bs {
			switch {
			case bs[i].weight == 0:
			case capped[i]:
				t -= min(t, uint64(bs[i].cap))
			default:
				e += uint64(bs[i].weight)
			}
		}
		changed := false
		for i := range bs {
			if bs[i].weight > 0 && !capped[i] && (e == 0 || mulDiv(t, uint64(bs[i].weight), e) >= uint64(bs[i].cap)) {
				capped[i], changed = true, true
			}
		}
		if changed {
			continue
		}
		for i := range bs {
			b := &bs[i]
			switch {
			case b.weight == 0:
			case capped[i]:
				b.orders = b.cap
			default:
				hi, lo := bits.Mul64(t, uint64(b.weight))
				q, rem := bits.Div64(hi, lo, e)
				if uint64(l.r.Int64N(int64(e))) < rem {
					q++
				}
				b.orders = int32(q)
			}
		}
		return
	}
}

// mulDiv returns a × b / c in 128-bit arithmetic; the quotient must fit in 64 bits.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// customer generates the documents of customer ci.
func (l *ledger) customer(ci int, b *buyer) {
	if b.orders == 0 || l.full {
		return
	}
	c := l.p.Customers[ci]
	clear(l.rev)
	clear(l.ordersIn)
	clear(l.catSales)
	l.yearSales = [3]kam.Money{}
	l.invs = l.invs[:0]

	// What the customer buys: a few categories its industry needs, sometimes something else.
	prefer := industryCategories[c.Industry]
	var cats [6]int
	ncats := 0
	if len(prefer) == 0 {
		cats[0], ncats = l.r.IntN(len(catalog)), 1
	} else {
		want := min(len(prefer), l.between(2, 4))
		if c.ChannelRole == "distributor" || c.ChannelRole == "wholesaler" {
			want = len(prefer)
		}
		for _, k := range l.r.Perm(len(prefer))[:want] {
			cats[ncats] = prefer[k]
			ncats++
		}
	}
	units := l.p.Units[l.unitsOf[ci]:l.unitsOf[ci+1]]

	l.days = l.days[:0]
	for range b.orders {
		l.days = append(l.days, l.drawDay(b.from, b.to))
	}
	slices.Sort(l.days)
	last := int32(ledgerDays - 1)
	for _, day := range l.days {
		n := 1 + l.r.IntN(int(b.maxLines))
		if l.lines+n+2 > maxLedgerLines {
			l.full = true
			break
		}
		o := l.orderSlab.new()
		o.Kind = kam.OrderKindSale
		o.CustomerID = c.ID
		o.RepID = l.g.id(c.OwnerID)
		if len(units) > 0 && l.chance(70) {
			o.UnitID = l.g.id(units[l.r.IntN(len(units))].ID)
		}
		o.Currency = kam.LedgerCurrency
		o.FXRate = kam.OneRate
		if l.chance(5) {
			o.Note = orderNotes[l.r.IntN(len(orderNotes))]
		}
		o.Lines = l.lineSlab.slice(n)
		for j := range o.Lines {
			pi := l.product(cats[:ncats])
			for tries := 0; l.inOrder[pi] && tries < 4; tries++ {
				pi = l.product(cats[:ncats])
			}
			l.inOrder[pi] = true
			l.line(&o.Lines[j], j+1, pi, b)
			o.Amount += o.Lines[j].Amount
			o.Cost += o.Lines[j].Cost
		}
		for _, ln := range o.Lines {
			l.inOrder[ln.ProductID-1] = false
		}
		o.LineCount = n
		l.lines += n
		l.addSales(day, o)
		l.orders = append(l.orders, draft[kam.Order]{day: day, doc: o})

		// Some goods come back a few days later; the invoice is issued net of them.
		invDay := min(day+int32(l.between(0, 3)), last)
		var ret *kam.Order
		if day+14 <= last && l.r.IntN(1000) < returnPerMille {
			if ret = l.returnOf(o); ret != nil {
				retDay := day + int32(l.between(2, 12))
				l.lines += len(ret.Lines)
				l.addSales(retDay, ret)
				l.orders = append(l.orders, draft[kam.Order]{day: retDay, doc: ret, order: o})
				invDay = max(invDay, retDay)
			}
		}
		inv := l.invoiceSlab.new()
		inv.CustomerID = c.ID
		inv.Amount = o.Amount
		if ret != nil {
			inv.Amount += ret.Amount
			inv.Note = "已扣减退货金额"
		}
		inv.Currency = kam.LedgerCurrency
		due := day + int32(b.terms)
		inv.InvoiceDate, inv.DueDate = l.dates[invDay], l.dates[due]
		l.invoices = append(l.invoices, draft[kam.Invoice]{day: invDay, doc: inv, order: o})
		l.invs = append(l.invs, openInvoice{inv: inv, day: invDay, due: due})
	}
	l.pay(c, b)
	l.serviceCosts(c, b)
	l.statements(c, b)
	l.wallet(c, b, cats[:ncats])
}

var orderNotes = []string{"加急订单，请优先安排发货", "分批发货", "年度框架协议订单", "送货前电话联系仓库", "随货附检验报告"}

var returnNotes = []string{"质量问题退货", "规格型号不符退货", "客户多订退回", "运输破损退货"}

// product picks a product: mostly of the customer's categories, the smaller specifications more
// often, sometimes anything in the catalogue.
func (l *ledger) product(cats []int) int {
	ci := cats[l.r.IntN(len(cats))]
	if l.chance(12) {
		ci = l.r.IntN(len(catalog))
	}
	ps := l.catProducts[ci]
	u := l.r.Uint64() >> 44
	return ps[int(uint64(len(ps))*(u*u>>20)>>20)]
}

// line fills an order line of product pi.
func (l *ledger) line(ln *kam.OrderLine, no, pi int, b *buyer) {
	pr := l.p.Products[pi]
	cs := &catalog[*pr.CategoryID-1]
	units := int64(l.between(cs.qlo, cs.qhi)) * int64(b.scale)
	if b.scale >= 2 && l.chance(30) {
		units *= 2
	}
	// A line is rarely worth more than the customer's usual budget for one item.
	budget := int64(lineBudget) * int64(b.scale) * int64(b.scale) * int64(l.between(50, 150)) / 100
	units = max(1, min(units, budget/int64(pr.ListPrice)))
	q := kam.Quantity(units * 1000)
	if cs.fraction && l.chance(25) {
		q += kam.Quantity(l.r.IntN(10) * 100)
	}
	// The customer's price off the list, give or take a little over time.
	off := int64(b.off) + int64(l.r.IntN(150))
	price := kam.Money(int64(pr.ListPrice) * (10000 - off) / 10000)
	if price >= kam.MoneyUnit {
		price = (price + 50) / 100 * 100 // fen
	}
	gross, err := price.Times(q)
	if err != nil {
		panic("demo: line amount: " + err.Error()) // a bug in this file
	}
	var discount kam.Money
	if !b.loss && gross >= 1000*kam.MoneyUnit && l.chance(8) {
		discount = gross * kam.Money(l.between(1, 5)) / 100 / kam.MoneyUnit * kam.MoneyUnit
	}
	ln.LineNo = no
	ln.ProductID = pr.ID
	ln.Quantity = q
	ln.UnitPrice = price
	ln.Discount = discount
	ln.Amount = mustMoney(kam.LineAmount(q, price, discount))
	ln.Cost = mustMoney(l.unitCost[pi].Times(q))
}

func mustMoney(m kam.Money, err error) kam.Money {
	if err != nil {
		panic("demo: amount: " + err.Error()) // a bug in this file
	}
	return m
}

// returnOf makes a return of part of o's goods, or nil when nothing of o can be returned. Only
// lines without a discount come back, never all of a line, so the order keeps a positive net.
func (l *ledger) returnOf(o *kam.Order) *kam.Order {
	var pick [2]int
	n := 0
	for _, j := range l.r.Perm(len(o.Lines)) {
		if n < len(pick) && o.Lines[j].Discount == 0 && o.Lines[j].Quantity >= 2000 {
			pick[n] = j
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if n == 2 && l.chance(70) {
		n = 1
	}
	slices.Sort(pick[:n])
	ret := l.orderSlab.new()
	*ret = kam.Order{Kind: kam.OrderKindReturn, CustomerID: o.CustomerID, RepID: l.g.id(*o.RepID),
		Currency: o.Currency, FXRate: o.FXRate, Note: returnNotes[l.r.IntN(len(returnNotes))]}
	if o.UnitID != nil {
		ret.UnitID = l.g.id(*o.UnitID)
	}
	ret.Lines = l.lineSlab.slice(n)
	for k, j := range pick[:n] {
		src := &o.Lines[j]
		q := int64(src.Quantity) * int64(l.between(10, 60)) / 100 / 1000 * 1000
		q = max(q, 1000)
		ln := &ret.Lines[k]
		ln.LineNo = k + 1
		ln.ProductID = src.ProductID
		ln.Quantity = kam.Quantity(-q)
		ln.UnitPrice = src.UnitPrice
		ln.Amount = mustMoney(kam.LineAmount(ln.Quantity, ln.UnitPrice, 0))
		ln.Cost = mustMoney(l.unitCost[src.ProductID-1].Times(ln.Quantity))
		ret.Amount += ln.Amount
		ret.Cost += ln.Cost
	}
	ret.LineCount = n
	return ret
}

// addSales adds an order's figures to the current customer's monthly and yearly sums.
func (l *ledger) addSales(day int32, o *kam.Order) {
	m := l.monthOf[day]
	l.rev[m] += o.Amount
	if o.Kind == kam.OrderKindSale {
		l.ordersIn[m]++
	}
	y := l.yearOf[day]
	l.yearSales[y] += o.Amount
	for _, ln := range o.Lines {
		l.catSales[*l.p.Products[ln.ProductID-1].CategoryID-1][y] += ln.Amount
	}
}

// pay creates the current customer's payments and allocates them to its invoices.
func (l *ledger) pay(c *kam.Customer, b *buyer) {
	last := int32(ledgerDays - 1)
	for k := range l.invs {
		iv := &l.invs[k]
		pd := int32(-1)
		switch b.pay {
		case payPrepaid:
			pd = iv.day
		case payOnTime:
			if l.chance(80) {
				pd = iv.due - int32(l.between(0, 15))
			} else {
				pd = iv.due + int32(l.between(1, 10))
			}
		case paySlow:
			pd = iv.due + int32(l.between(5, 30))
		case payLate:
			pd = iv.due + int32(l.between(30, 120))
		case payDefaulter:
			pd = iv.due + int32(l.between(20, 90))
			if pd >= b.stop {
				pd = -1
			}
		}
		if pd >= 0 {
			pd = max(pd, iv.day)
		}
		if pd > last {
			pd = -1
		}
		iv.pay = pd
	}
	if b.batch {
		// A month's invoices are paid at once, on the last of their planned days.
		for m := range l.months {
			var day int32 = -1
			n := 0
			for _, iv := range l.invs {
				if iv.pay >= 0 && int(l.monthOf[iv.pay]) == m {
					day = max(day, iv.pay)
					n++
				}
			}
			if n == 0 {
				continue
			}
			invs := l.invRefSlab.slice(n)
			amounts := l.allocSlab.slice(n)
			n = 0
			for _, iv := range l.invs {
				if iv.pay >= 0 && int(l.monthOf[iv.pay]) == m {
					invs[n] = iv.inv
					amounts[n].Amount = iv.inv.Amount
					n++
				}
			}
			l.payment(c, day, invs, amounts, false)
		}
		return
	}
	for _, iv := range l.invs {
		if iv.pay < 0 {
			continue
		}
		amount := iv.inv.Amount
		if amount >= 2000*kam.MoneyUnit && l.chance(8) {
			// Paid in two parts: a round sum first, the rest some weeks later.
			part := amount * kam.Money(l.between(40, 70)) / 100 / (100 * kam.MoneyUnit) * (100 * kam.MoneyUnit)
			invs := l.invRefSlab.slice(1)
			invs[0] = iv.inv
			amounts := l.allocSlab.slice(1)
			amounts[0].Amount = part
			l.payment(c, iv.pay, invs, amounts, true)
			amount -= part
			if iv.pay += int32(l.between(15, 45)); iv.pay > last {
				continue
			}
		}
		invs := l.invRefSlab.slice(1)
		invs[0] = iv.inv
		amounts := l.allocSlab.slice(1)
		amounts[0].Amount = amount
		l.payment(c, iv.pay, invs, amounts, l.chance(70))
	}
}

var paymentMethods = []string{"银行转账", "银行转账", "银行转账", "银行转账", "银行转账", "银行转账", "银行转账",
	"银行承兑汇票", "银行承兑汇票", "商业承兑汇票"}

// payment records a payment on day of the allocated amounts to invs, and the financing cost of
// paying late. named: the payer names the (single) invoice.
func (l *ledger) payment(c *kam.Customer, day int32, invs []*kam.Invoice, allocs []kam.Allocation, named bool) {
	pay := l.paymentSlab.new()
	pay.CustomerID = c.ID
	pay.Currency = kam.LedgerCurrency
	pay.Method = paymentMethods[l.r.IntN(len(paymentMethods))]
	pay.Allocations = allocs
	var financing kam.Money
	for k, inv := range invs {
		pay.Amount += allocs[k].Amount
		inv.Paid += allocs[k].Amount
		due := l.dayOf(inv.DueDate)
		if late := int64(day - due); late > 30 {
			// Money tied up by the customer, at about 4.4% a year.
			financing += kam.Money(int64(allocs[k].Amount) * late * 12 / 100_000)
		}
	}
	l.payments = append(l.payments, draft[kam.Payment]{day: day, doc: pay, invoices: invs, named: named && len(invs) == 1})
	if financing >= kam.MoneyUnit {
		l.cost(c, day, "financing", financing/100*100)
	}
}

// dayOf returns the day offset of a date of the window (or of its slack).
func (l *ledger) dayOf(date string) int32 {
	i, _ := slices.BinarySearch(l.dates, date)
	return int32(i)
}

var costNotes = map[string]string{
	"ap": "联合促销支持", "rebate": "季度返利", "logistics": "运费及仓储", "service": "现场技术服务",
	"visits": "拜访差旅", "financing": "逾期账款资金占用",
}

func (l *ledger) cost(c *kam.Customer, day int32, code string, amount kam.Money) {
	e := l.costSlab.new()
	e.CustomerID = c.ID
	e.ExpenseCode = code
	e.Amount = amount
	e.Note = costNotes[code]
	l.costs = append(l.costs, draft[kam.Cost]{day: day, doc: e})
}

// yuan returns an amount of whole yuan plus random fen.
func (l *ledger) yuan(lo, hi int) kam.Money {
	return kam.Money(l.between(lo, hi))*kam.MoneyUnit + kam.Money(l.r.IntN(100))*100
}

// share returns bp basis points of m, to the fen.
func share(m kam.Money, bp int) kam.Money {
	return m * kam.Money(bp) / 10000 / 100 * 100
}

// serviceCosts books what serving the current customer cost, month by month.
func (l *ledger) serviceCosts(c *kam.Customer, b *buyer) {
	last := int32(ledgerDays - 1)
	rebates := b.loss || c.Size == "large" || c.ChannelRole == "distributor" || c.ChannelRole == "wholesaler"
	promotes := c.ChannelRole == "distributor" || c.ChannelRole == "wholesaler" || c.ChannelRole == "retailer"
	regular := b.orders >= 24
	var visitLo, visitHi int
	switch c.Size {
	case "large":
		visitLo, visitHi = 800, 3000
	case "medium":
		visitLo, visitHi = 400, 1500
	default:
		visitLo, visitHi = 200, 600
	}
	for m, ms := range l.months {
		anyDay := func() int32 { return ms.first + int32(l.r.IntN(int(ms.last-ms.first+1))) }
		if l.ordersIn[m] > 0 {
			bp := l.between(150, 320)
			if b.loss {
				bp = l.between(900, 1400)
			}
			amount := max(share(max(l.rev[m], 0), bp), kam.Money(l.ordersIn[m])*60*kam.MoneyUnit)
			l.cost(c, ms.last, "logistics", amount)
			if l.chance(6) || b.loss && l.chance(35) {
				amount := l.yuan(800, 6000)
				if b.loss {
					amount *= 2
				}
				l.cost(c, anyDay(), "service", amount)
			}
		}
		if l.ordersIn[m] > 0 && (regular || l.chance(50)) || regular && ms.last >= b.from && ms.first <= b.to {
			l.cost(c, anyDay(), "visits", l.yuan(visitLo, visitHi))
		}
		if ms.full && ms.month%3 == 0 {
			var quarter kam.Money
			for k := max(m-2, 0); k <= m; k++ {
				quarter += l.rev[k]
			}
			if quarter <= 0 {
				continue
			}
			if settled := ms.last + 15; rebates && settled <= last {
				bp := l.between(100, 300)
				if b.loss {
					bp = l.between(500, 800)
				}
				l.cost(c, settled, "rebate", share(quarter, bp))
			}
			if promotes && l.chance(50) {
				l.cost(c, max(ms.first, ms.last-int32(l.r.IntN(20))), "ap", l.yuan(2000, 30000)*kam.Money(b.scale))
			}
		}
	}
}

// statements writes the annual financial statements of a large customer for the two years
// before Today's: plausible figures in yuan, well above what it buys from us; customers that pay
// late show it in their balance sheets.
func (l *ledger) statements(c *kam.Customer, b *buyer) {
	if c.Size != "large" || c.Status == "prospect" {
		return
	}
	distressed := b.pay == payLate || b.pay == payDefaulter
	head := c.ParentID == nil && slices.Contains(c.Tags, tagGroup)
	// Revenue in yuan: from 2亿 up, groups several times more.
	revenue := int64(l.between(2, 12)) * 100_000_000 * (1 + l.pareto()/4000)
	if head {
		revenue *= 4
	}
	for y := range 2 {
		ours := int64(l.yearSales[y] / kam.MoneyUnit)
		revenue = max(revenue, 30*ours)
		f := l.finSlab.new()
		f.CustomerID = c.ID
		f.Period = strconv.Itoa(l.firstYear + y)
		pct := func(v int64, lo, hi int) int64 { return v * int64(l.between(lo, hi)) / 100 }
		f.Revenue = kam.Money(revenue) * kam.MoneyUnit
		f.CostOfSales = kam.Money(pct(revenue, 72, 88)) * kam.MoneyUnit
		if distressed {
			f.NetProfit = -kam.Money(pct(revenue, 1, 8)) * kam.MoneyUnit
		} else {
			f.NetProfit = kam.Money(pct(revenue, 2, 10)) * kam.MoneyUnit
		}
		total := pct(revenue, 70, 150)
		current := pct(total, 40, 65)
		f.TotalAssets = kam.Money(total) * kam.MoneyUnit
		f.CurrentAssets = kam.Money(current) * kam.MoneyUnit
		if distressed {
			f.CurrentLiabilities = kam.Money(pct(current, 105, 140)) * kam.MoneyUnit
		} else {
			f.CurrentLiabilities = kam.Money(pct(current, 55, 95)) * kam.MoneyUnit
		}
		f.Inventory = kam.Money(pct(current, 15, 35)) * kam.MoneyUnit
		f.Receivables = kam.Money(pct(current, 25, 45)) * kam.MoneyUnit
		l.p.Financials = append(l.p.Financials, f)
		if distressed {
			revenue = pct(revenue, 75, 95)
		} else {
			revenue = pct(revenue, 90, 125)
		}
	}
}

// wallet estimates what a large customer buys of each category from every supplier, last year
// and this year: what it bought from us over our share of its wallet, and for some categories
// it needs but did not buy from us, a guess.
func (l *ledger) wallet(c *kam.Customer, b *buyer, cats []int) {
	if c.Size != "large" {
		return
	}
	base := l.between(20, 70)
	const round = 10_000 * kam.MoneyUnit // estimates are in 万元
	for y := 1; y <= 2; y++ {
		for ci := range catalog {
			ours := l.catSales[ci][y]
			var est kam.Money
			switch {
			case ours > 0:
				pct := min(max(base+l.between(-10, 10), 10), 90)
				est = ours * 100 / kam.Money(pct)
				if y == 2 { // this year so far: the whole year
					est = est * 365 / kam.Money(l.dayOfYear)
				}
			case slices.Contains(cats, ci) && l.chance(40):
				est = kam.Money(l.between(20, 300)) * round * kam.Money(b.scale) / 2
			default:
				continue
			}
			est = (est + round - 1) / round * round
			w := l.walletSlab.new()
			*w = kam.WalletEstimate{CustomerID: c.ID, CategoryID: int64(ci + 1), Year: l.firstYear + y, Amount: est}
			l.p.Wallet = append(l.p.Wallet, w)
		}
	}
}

// number sorts the documents by date and gives them their ids and numbers.
func (l *ledger) number() {
	p, g := l.p, l.g
	// Numbers run per month and prefix.
	seqs := make([]int, len(l.months))
	docNo := func(prefix string, day int32, seqs []int) string {
		m := l.monthOf[day]
		seqs[m]++
		d := l.dates[day]
		g.buf = append(append(append(g.buf[:0], prefix...), d[:4]...), d[5:7]...)
		g.buf = appendInt(g.buf, seqs[m], 5)
		return g.str()
	}

	p.Orders = make([]*kam.Order, len(l.orders))
	retSeqs := make([]int, len(l.months))
	for i, key := range byDate(l.orders) {
		k := &l.orders[key&draftIndex]
		o := k.doc
		o.ID = int64(i + 1)
		o.OrderDate = l.dates[k.day]
		if o.Kind == kam.OrderKindReturn {
			o.OrderNo = docNo("RT", k.day, retSeqs)
			o.ReturnOfID = g.id(k.order.ID)
			o.ReturnOfNo = k.order.OrderNo
		} else {
			o.OrderNo = docNo("SO", k.day, seqs)
		}
		p.Orders[i] = o
	}

	clear(seqs)
	p.Invoices = make([]*kam.Invoice, len(l.invoices))
	for i, key := range byDate(l.invoices) {
		k := &l.invoices[key&draftIndex]
		inv := k.doc
		inv.ID = int64(i + 1)
		inv.InvoiceNo = docNo("INV", k.day, seqs)
		inv.OrderID = g.id(k.order.ID)
		inv.OrderNo = k.order.OrderNo
		p.Invoices[i] = inv
	}

	clear(seqs)
	p.Payments = make([]*kam.Payment, len(l.payments))
	for i, key := range byDate(l.payments) {
		k := &l.payments[key&draftIndex]
		pay := k.doc
		pay.ID = int64(i + 1)
		pay.Reference = docNo("PAY", k.day, seqs)
		pay.PaymentDate = l.dates[k.day]
		for j, inv := range k.invoices {
			pay.Allocations[j].InvoiceID = inv.ID
			pay.Allocations[j].InvoiceNo = inv.InvoiceNo
		}
		if k.named {
			pay.InvoiceNo = k.invoices[0].InvoiceNo
		}
		p.Payments[i] = pay
	}

	clear(seqs)
	p.Costs = make([]*kam.Cost, len(l.costs))
	for i, key := range byDate(l.costs) {
		k := &l.costs[key&draftIndex]
		e := k.doc
		e.ID = int64(i + 1)
		e.Reference = docNo("CS", k.day, seqs)
		e.EntryDate = l.dates[k.day]
		p.Costs[i] = e
	}

	for i, f := range p.Financials {
		f.ID = int64(i + 1)
	}
}
