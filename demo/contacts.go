package demo

import (
	"slices"
	"strconv"

	"kam"
)

// maxContacts is the most contacts a customer gets.
const maxContacts = 6

// contactCountWeights[k] is the weight of a customer having k+2 contacts.
var contactCountWeights = [maxContacts - 1]int{20, 28, 25, 15, 12}

// Shares of contacts, in percent.
const (
	birthdayShare    = 70 // contacts with a known birthday
	lunarShare       = 30 // of those, celebrated on the lunar calendar
	birthYearShare   = 80 // of those, with the year known
	championShare    = 12 // non-top contacts who favour us (内线)
	preferencesShare = 60
	wechatShare      = 80
)

// contactPlan is the titles of a customer's contacts, chosen before its units so that the units
// can follow them.
type contactPlan struct {
	titles  [maxContacts]*title
	n       int
	topIsDM bool // the first contact is the decision maker
}

// planContacts chooses 2–6 titles: first the top of the customer's org chart, usually the
// decision maker, then heads of functions, then staff.
func (g *generator) planContacts(c *kam.Customer, co *company) *contactPlan {
	p := &g.plan
	*p = contactPlan{}
	n := 2 + g.weightedIndex(contactCountWeights[:])
	switch {
	case c.Size == "large" && n < maxContacts && g.chance(50):
		n++
	case c.Size == "micro" && n > 2:
		n--
	}
	p.n = n
	dmShare := 95
	if c.Status == "prospect" {
		dmShare = 70 // we may not know who decides yet
	}
	p.topIsDM = g.chance(dmShare)
	if p.topIsDM {
		p.titles[0] = &topTitles[g.topTitlePick.pick(g.r)]
	} else {
		for p.titles[0] == nil || p.titles[0].level != 2 {
			p.titles[0] = g.title(co)
		}
	}
	for i := 1; i < n; i++ {
		for tries := 0; ; tries++ {
			t := g.title(co)
			if tries < 5 && t.level == 2 && containsTitle(p.titles[:i], t) {
				continue // one head per function
			}
			p.titles[i] = t
			break
		}
	}
	for i := 2; i < n; i++ { // stable insertion sort by level, keeping the top first
		for j := i; j > 1 && p.titles[j].level < p.titles[j-1].level; j-- {
			p.titles[j], p.titles[j-1] = p.titles[j-1], p.titles[j]
		}
	}
	return p
}

// contacts creates the planned contacts of customer c in the units just created for it.
// Every contact but the first reports to an earlier one.
func (g *generator) contacts(c *kam.Customer, co *company, plan *contactPlan) {
	units := g.custUnits
	n, titles, topIsDM := plan.n, plan.titles, plan.topIsDM
	first := len(g.p.Contacts)
	for i := range n {
		t := titles[i]
		ct := g.contactSlab.new()
		ct.ID = int64(len(g.p.Contacts) + 1)
		ct.CustomerID = c.ID
		ct.Title = t.name
		switch {
		case i == 0 && topIsDM:
			ct.PurchaseRole = "decision_maker"
		default:
			ct.PurchaseRole = g.role(t)
			if i > 0 && ct.PurchaseRole != "frontline" && g.chance(championShare) {
				ct.PurchaseRole = "champion"
			}
		}
		if i > 0 {
			ct.ReportsToID = g.id(g.superior(g.p.Contacts[first:], titles[:i], t))
		}
		if u := g.unitFor(units, t); u != nil {
			ct.UnitID = g.id(u.ID)
		}
		surname, given := g.personName()
		ct.Name = g.concat(surname.text, given.text)
		mobile := ""
		if g.chance(95) {
			mobile = g.mobile()
		}
		ct.Phones = g.phones(mobile, co.city, t.level)
		emailShare := 75
		if t.level == 3 {
			emailShare = 40
		}
		if g.chance(emailShare) {
			ct.Email = g.contactEmail(g.p.Contacts[first:], surname, given, co.domain)
		}
		if g.chance(wechatShare) {
			ct.WeChat = g.wechat(surname, given, mobile)
		}
		if g.chance(birthdayShare) {
			ct.Birthday = g.birthday(t.level)
		}
		if g.chance(preferencesShare) {
			ct.Preferences = g.preferences()
		}
		ct.Relationship = g.relationship(ct.PurchaseRole)
		if g.chance(8) {
			ct.Note = contactNotes[g.r.IntN(len(contactNotes))]
		}
		g.p.Contacts = append(g.p.Contacts, ct)
	}
}

// title draws a title below the top; shop titles only at retailers.
func (g *generator) title(co *company) *title {
	if co.retail {
		return &otherTitles[g.retailTitlePick.pick(g.r)]
	}
	return &otherTitles[g.titlePick.pick(g.r)]
}

func containsTitle(ts []*title, t *title) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func (g *generator) role(t *title) string {
	total := 0
	for _, r := range t.roles {
		total += r.weight
	}
	x := g.r.IntN(total)
	for _, r := range t.roles {
		if x < r.weight {
			return r.role
		}
		x -= r.weight
	}
	return t.roles[len(t.roles)-1].role
}

// superior returns the id of the contact t reports to: the head of the same function when there
// is one above t, otherwise the top of the chart.
func (g *generator) superior(earlier []*kam.Contact, titles []*title, t *title) int64 {
	for i := 1; i < len(titles); i++ {
		if titles[i].level < t.level && titles[i].dept == t.dept {
			return earlier[i].ID
		}
	}
	return earlier[0].ID
}

// unitFor returns the unit a person with title t works in: one of the customer's units of the
// same function, else sometimes a unit where people of every function work (headquarters,
// plant, branch, subsidiary).
func (g *generator) unitFor(units []customerUnit, t *title) *kam.Unit {
	var match, general [maxUnits]*kam.Unit
	n, m := 0, 0
	for _, cu := range units {
		switch k := cu.unit.Kind; {
		case cu.dept == t.dept:
			match[n] = cu.unit
			n++
		case k != "department" && k != "warehouse" && k != "store":
			general[m] = cu.unit
			m++
		}
	}
	if n > 0 {
		return match[g.r.IntN(n)]
	}
	if m > 0 && g.chance(60) {
		return general[g.r.IntN(m)]
	}
	return nil
}

// mobile returns a mainland mobile number such as 13812345678.
func (g *generator) mobile() string {
	b := append(g.buf[:0], mobilePrefixes[g.r.IntN(len(mobilePrefixes))]...)
	for range 8 {
		b = append(b, byte('0'+g.r.IntN(10)))
	}
	g.buf = b
	return g.str()
}

// phones lists the mobile and, for managers, often an office line with extension:
// 0512-67581234转8021.
func (g *generator) phones(mobile string, ct *city, level int) []string {
	office := level < 3 && g.chance(35)
	n := 0
	if mobile != "" {
		n++
	}
	if office {
		n++
	}
	out := g.stringSlab.slice(n)
	if mobile != "" {
		out[0] = mobile
	}
	if office {
		b := append(g.buf[:0], ct.area...)
		b = append(b, '-')
		b = append(b, byte('2'+g.r.IntN(7)))
		for range 7 {
			b = append(b, byte('0'+g.r.IntN(10)))
		}
		if g.chance(50) {
			b = append(b, "转"...)
			b = strconv.AppendInt(b, int64(g.between(800, 8999)), 10)
		}
		g.buf = b
		out[n-1] = g.str()
	}
	return out
}

// contactEmail returns an address on the customer's domain, unique within the customer.
func (g *generator) contactEmail(earlier []*kam.Contact, surname, given hanzi, domain string) string {
	b := g.nameBuf[:0]
	switch g.r.IntN(3) {
	case 0:
		b = append(b, surname.ascii...)
		b = append(b, given.ascii...)
	default:
		b = append(b, surname.ascii...)
		b = append(b, '.')
		b = append(b, given.ascii...)
	}
	local := len(b)
	for k := 1; ; k++ {
		b = b[:local]
		if k > 1 {
			b = strconv.AppendInt(b, int64(k), 10)
		}
		b = append(b, '@')
		b = append(b, domain...)
		if !hasEmail(earlier, b) {
			break
		}
	}
	g.nameBuf = b
	return g.strings.string(b)
}

func hasEmail(cs []*kam.Contact, email []byte) bool {
	for _, c := range cs {
		if c.Email == string(email) {
			return true
		}
	}
	return false
}

// wechat returns a WeChat id: the mobile number, an automatic wxid_ id or a chosen one.
func (g *generator) wechat(surname, given hanzi, mobile string) string {
	x := g.r.IntN(100)
	switch {
	case x < 35 && mobile != "":
		return mobile
	case x < 70:
		const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
		b := append(g.buf[:0], "wxid_"...)
		for range 14 {
			b = append(b, alnum[g.r.IntN(len(alnum))])
		}
		g.buf = b
	default:
		b := append(g.buf[:0], surname.ascii...)
		b = append(b, given.ascii...)
		if g.chance(50) {
			b = append(b, '_')
		}
		b = strconv.AppendInt(b, int64(g.between(1, 9999)), 10)
		g.buf = b
	}
	return g.str()
}

// birthday returns a solar or lunar birthday. Lunar days stop at 29, the length of every lunar
// month, so that the date exists in any year without consulting the calendar.
func (g *generator) birthday(level int) *kam.Birthday {
	b := g.birthdaySlab.new()
	b.Calendar = "solar"
	if g.chance(lunarShare) {
		b.Calendar = "lunar"
	}
	if g.chance(birthYearShare) {
		// Senior people are older.
		switch level {
		case 1:
			b.Year = g.between(1958, 1985)
		case 2:
			b.Year = g.between(1965, 1992)
		default:
			b.Year = g.between(1972, 2002)
		}
	}
	b.Month = g.between(1, 12)
	if b.Calendar == "lunar" {
		b.Day = g.between(1, 29)
		return b
	}
	year := b.Year
	if year == 0 {
		year = 2000 // a leap year: 02-29 is possible when the year is unknown
	}
	b.Day = g.between(1, daysIn(year, b.Month))
	return b
}

// preferences lists one to three hobbies: 茶叶、钓鱼.
func (g *generator) preferences() string {
	var picked [3]int
	n := g.between(1, 3)
	b := g.buf[:0]
	for i := 0; i < n; {
		h := g.r.IntN(len(hobbies))
		if slices.Contains(picked[:i], h) {
			continue
		}
		picked[i] = h
		if i > 0 {
			b = append(b, "、"...)
		}
		b = append(b, hobbies[h]...)
		i++
	}
	g.buf = b
	return g.str()
}

// relationshipWeights[k] is the weight of an assessed relationship of strength k+1.
var relationshipWeights = [5]int{10, 25, 30, 22, 13}

// relationship rates how close we are: 0 not assessed, champions are close.
func (g *generator) relationship(role string) int {
	if role == "champion" {
		return g.between(4, 5)
	}
	if g.chance(15) {
		return 0
	}
	return 1 + g.weightedIndex(relationshipWeights[:])
}
