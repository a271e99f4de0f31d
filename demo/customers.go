package demo

import (
	"slices"
	"strconv"

	"kam"
)

// Shape of the portfolio.
const (
	groupShare      = 20 // one customer in this many is a group company (集团)
	minSubsidiaries = 2
	maxSubsidiaries = 6
	firstFounded    = 1985
	lastFounded     = 2022
	// maCodeSince is the year from which new companies' credit codes carry an organisation code
	// starting with MA instead of an old-style numeric one.
	maCodeSince = 2016
)

// company is what a customer's subsidiaries, units and contacts take from it.
type company struct {
	brand    hanzi
	foreign  bool
	nature   string
	industry int
	founded  int // year
	ownerID  int64
	domain   string
	prov     *province
	city     *city
	retail   bool // sells in stores: has stores and shop staff
}

// customers creates n customers with their units and contacts.
func (g *generator) customers(n int) {
	parent, isHead := g.planGroups(n)
	g.p.Customers = make([]*kam.Customer, n)
	g.companies = make([]company, n)
	// About 3 units and 4 contacts per customer.
	g.p.Units = make([]*kam.Unit, 0, n*3+n/8)
	g.p.Contacts = make([]*kam.Contact, 0, n*4+n/8)
	for i := range n {
		var head *company
		if parent[i] >= 0 {
			head = &g.companies[parent[i]]
		}
		c := g.customer(i, head, parent[i], isHead[i])
		g.p.Customers[i] = c
		plan := g.planContacts(c, &g.companies[i])
		g.units(c, &g.companies[i], plan)
		g.contacts(c, &g.companies[i], plan)
	}
}

// planGroups picks which customers are group companies and which of the others are their
// subsidiaries. parent[i] is the index of i's group or -1. A group always comes before its
// subsidiaries, so parents are created first and the hierarchy cannot have a cycle.
func (g *generator) planGroups(n int) (parent []int32, isHead []bool) {
	parent = make([]int32, n)
	for i := range parent {
		parent[i] = -1
	}
	isHead = make([]bool, n)
	perm := g.r.Perm(n)
	next := 0
	for range n / groupShare {
		size := 1 + g.between(minSubsidiaries, maxSubsidiaries)
		if next+size > n {
			break
		}
		members := perm[next : next+size]
		next += size
		slices.Sort(members)
		isHead[members[0]] = true
		for _, m := range members[1:] {
			parent[m] = int32(members[0])
		}
	}
	return parent, isHead
}

// customer creates customer i; head is its group's data when it is a subsidiary.
func (g *generator) customer(i int, head *company, parentIndex int32, isHead bool) *kam.Customer {
	co := &g.companies[i]
	c := g.customerSlab.new()
	c.ID = int64(i + 1)
	g.buf = append(g.buf[:0], 'C')
	g.buf = appendInt(g.buf, i+1, 6)
	c.Code = g.str()

	// What kind of company it is.
	switch {
	case isHead:
		co.nature = "private"
		if g.chance(40) {
			co.nature = "state_owned"
		}
		c.Size = "large"
		co.founded = g.between(firstFounded, 2008)
	case head != nil:
		co.nature = head.nature
		if g.chance(20) {
			co.nature = "joint_venture"
		}
		c.Size = "large"
		if g.chance(60) {
			c.Size = "medium"
		}
		co.founded = g.between(max(head.founded+1, 1992), lastFounded)
	default:
		co.nature = natureWeights[g.naturePick.pick(g.r)].nature
		c.Size = sizeWeights[g.sizePick.pick(g.r)].size
		co.founded = g.between(firstFounded, lastFounded)
	}
	co.foreign = co.nature == "foreign"
	c.Nature = co.nature
	co.industry = g.industryPick.pick(g.r)
	if head != nil && g.chance(60) {
		co.industry = head.industry
	}
	ind := &industries[co.industry]
	c.Industry = ind.name
	c.ChannelRole = g.channelRole(ind)
	co.retail = c.ChannelRole == "retailer"
	month := g.between(1, 12)
	g.buf = appendInt(g.buf[:0], co.founded, 4)
	g.buf = append(g.buf, '-')
	g.buf = appendInt(g.buf, month, 2)
	g.buf = append(g.buf, '-')
	g.buf = appendInt(g.buf, g.between(1, daysIn(co.founded, month)), 2)
	c.FoundedOn = g.str()

	// Location and name, drawn again until the name is unique.
	word := ind.words[g.r.IntN(len(ind.words))]
	if ind.trade.word != "" && (c.ChannelRole == "distributor" || c.ChannelRole == "wholesaler") && g.chance(70) {
		word = ind.trade
	}
	for {
		g.locate(co, head)
		switch {
		case head != nil:
			co.brand = head.brand
		case co.foreign:
			co.brand = foreignBrands[g.r.IntN(len(foreignBrands))]
		default:
			co.brand = g.brand()
		}
		if isHead {
			c.Name = g.groupName(co)
		} else {
			c.Name = g.companyName(co, word.word)
		}
		if _, dup := g.names[c.Name]; !dup {
			break
		}
		// A subsidiary keeps its group's brand: try another place or line of business.
		word = ind.words[g.r.IntN(len(ind.words))]
	}
	g.names[c.Name] = struct{}{}
	c.LegalName = c.Name
	if isHead {
		c.ShortName = g.concat(co.brand.text, "集团")
		co.domain = g.domain(co.brand.ascii, "group")
	} else {
		c.ShortName = g.concat(co.brand.text, word.abbr)
		co.domain = g.domain(co.brand.ascii, word.tag)
	}
	c.Province = co.prov.name
	c.City = co.city.name
	c.Address = g.address(co.city)
	c.CreditCode = g.creditCode(co)

	// Where the customer stands with us.
	status := g.statusPick.pick(g.r)
	c.Status = statusWeights[status].status
	c.Stage = statusWeights[status].stages[g.stagePick[status].pick(g.r)].stage
	if head != nil && g.chance(50) {
		co.ownerID = head.ownerID
	} else {
		co.ownerID = g.owner(co, c.Size == "large")
	}
	c.OwnerID = co.ownerID
	if parentIndex >= 0 {
		c.ParentID = g.id(int64(parentIndex) + 1)
	}
	c.Tags = g.tags(c, co, isHead || head != nil)
	c.Team = g.accountTeam(co.ownerID, slices.Contains(c.Tags, tagStrategic))
	c.CustomFields = map[string]string{}
	if g.chance(40) {
		c.CustomFields["结算方式"] = settlementTerms[g.r.IntN(len(settlementTerms))]
		c.CustomFields["开票类型"] = invoiceTypes[g.r.IntN(len(invoiceTypes))]
	}
	if g.chance(10) {
		c.Note = customerNotes[g.r.IntN(len(customerNotes))]
	}
	return c
}

// channelRole follows the industry: chain stores sell to consumers, logistics, IT and
// construction firms buy for their own use, the rest are mostly end users with some traders.
func (g *generator) channelRole(ind *industry) string {
	switch {
	case ind.name == "零售连锁":
		if g.chance(85) {
			return "retailer"
		}
		return "wholesaler"
	case ind.trade.word == "":
		return "end_user"
	}
	switch x := g.r.IntN(100); {
	case x < 65:
		return "end_user"
	case x < 87:
		return "distributor"
	case x < 95:
		return "wholesaler"
	default:
		return "retailer"
	}
}

// locate picks the province and city; half of a group's subsidiaries are in its province.
func (g *generator) locate(co, head *company) {
	if head != nil && g.chance(50) {
		co.prov = head.prov
	} else {
		co.prov = &provinces[g.provincePick.pick(g.r)]
	}
	co.city = &co.prov.cities[g.r.IntN(len(co.prov.cities))]
}

// brand returns a two-character brand word (字号) such as 恒瑞.
func (g *generator) brand() hanzi {
	return g.brands[g.r.IntN(len(g.brands))]
}

// allBrands combines the brand characters, never the same one twice.
func allBrands() []hanzi {
	out := make([]hanzi, 0, len(brandFirst)*len(brandSecond))
	for _, a := range brandFirst {
		for _, b := range brandSecond {
			if a.text != b.text {
				out = append(out, hanzi{a.text + b.text, a.ascii + b.ascii})
			}
		}
	}
	return out
}

// region returns the place name a company registers under: mostly its city, sometimes its
// province (江苏恒瑞…, 苏州恒瑞…).
func (g *generator) region(co *company) string {
	if g.chance(35) {
		return co.prov.short
	}
	return co.city.short
}

// companyName writes region + brand + line of business + legal form, or for a foreign-invested
// company brand + business + (city) + 有限公司, the way such companies register.
func (g *generator) companyName(co *company, word string) string {
	if co.foreign {
		g.buf = append(g.buf[:0], co.brand.text...)
		g.buf = append(g.buf, word...)
		g.buf = append(g.buf, "（"...)
		g.buf = append(g.buf, co.city.short...)
		g.buf = append(g.buf, "）有限公司"...)
		return g.str()
	}
	g.buf = append(g.buf[:0], g.region(co)...)
	g.buf = append(g.buf, co.brand.text...)
	g.buf = append(g.buf, word...)
	g.buf = append(g.buf, legalForms[g.formPick.pick(g.r)].name...)
	return g.str()
}

// groupName writes a group's name; national groups often leave out the region (海信集团有限公司).
func (g *generator) groupName(co *company) string {
	g.buf = g.buf[:0]
	if g.chance(50) {
		g.buf = append(g.buf, g.region(co)...)
	}
	g.buf = append(g.buf, co.brand.text...)
	g.buf = append(g.buf, groupForms[g.r.IntN(len(groupForms))]...)
	return g.str()
}

// domain returns a web domain not used by another customer, such as hengrui-jx.com. When the
// obvious names are taken, it does what companies do and adds a number: hengruijx88.com.
func (g *generator) domain(brand, tag string) string {
	tld := g.r.IntN(len(emailDomainsTLD))
	for attempt := 0; ; attempt++ {
		g.buf = append(g.buf[:0], brand...)
		switch {
		case attempt < len(emailDomainsTLD):
			g.buf = append(g.buf, '-')
			g.buf = append(g.buf, tag...)
		case attempt < 2*len(emailDomainsTLD):
			g.buf = append(g.buf, tag...)
		default:
			g.buf = append(g.buf, tag...)
			g.buf = strconv.AppendInt(g.buf, int64(g.between(2, 999)), 10)
		}
		g.buf = append(g.buf, emailDomainsTLD[(tld+attempt)%len(emailDomainsTLD)]...)
		if _, dup := g.domains[string(g.buf)]; !dup {
			d := g.str()
			g.domains[d] = struct{}{}
			return d
		}
	}
}

// address writes district + street + number, e.g. 南山区科技路88号.
func (g *generator) address(ct *city) string {
	g.buf = g.appendStreet(g.buf[:0], ct)
	return g.str()
}

func (g *generator) appendStreet(b []byte, ct *city) []byte {
	b = append(b, ct.districts[g.r.IntN(len(ct.districts))]...)
	b = append(b, streets[g.r.IntN(len(streets))]...)
	b = strconv.AppendInt(b, int64(1+g.skewed(999)), 10)
	b = append(b, "号"...)
	return append(b, addressSuffixes[g.r.IntN(len(addressSuffixes))]...)
}

// creditCodeAlphabet is the alphabet of the unified social credit code (no I, O, Z, S, V); kam
// keeps its copy unexported.
const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode returns a unique, valid unified social credit code (GB 32100-2015): 9 (registered
// by market regulation), 1 (enterprise), the division code of the place of registration, the
// organisation code with its GB 11714 check character, and the overall check character.
func (g *generator) creditCode(co *company) string {
	for {
		b := append(g.buf[:0], '9', '1')
		if g.chance(85) {
			b = append(b, co.city.code...)
		} else {
			b = append(b, co.prov.code...)
		}
		org := len(b)
		if co.founded >= maCodeSince {
			b = append(b, 'M', 'A')
			for range 6 {
				b = append(b, creditCodeAlphabet[g.r.IntN(len(creditCodeAlphabet))])
			}
		} else {
			b = append(b, byte('1'+g.r.IntN(9)))
			for range 7 {
				b = append(b, byte('0'+g.r.IntN(10)))
			}
		}
		b = append(b, orgCodeCheck(b[org:org+8]))
		check, err := kam.CreditCodeCheckChar(string(b))
		if err != nil {
			panic("demo: generated an invalid credit code: " + err.Error()) // a bug in this file
		}
		b = append(b, check)
		g.buf = b
		if _, dup := g.creditCodes[string(b)]; !dup {
			code := g.str()
			g.creditCodes[code] = struct{}{}
			return code
		}
	}
}

// orgCodeCheck returns the check character of an organisation code body (GB 11714-1997).
func orgCodeCheck(body []byte) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, ch := range body {
		v := int(ch - '0')
		if ch >= 'A' {
			v = int(ch-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// owner picks the customer's owner from a team covering its region. Key account managers get
// most of the large customers, reps most of the others.
func (g *generator) owner(co *company, large bool) int64 {
	covering := g.regionTeams[co.prov.region]
	t := &g.teams[covering[g.r.IntN(len(covering))]]
	kamShare := 25
	if large {
		kamShare = 75
	}
	pool := t.reps
	if g.chance(kamShare) {
		pool = t.kams
	}
	if len(pool) == 0 {
		pool = t.members
	}
	return pool[g.skewed(len(pool))]
}

// tags describe the customer consistently with its other fields.
func (g *generator) tags(c *kam.Customer, co *company, inGroup bool) []string {
	var tags [8]string
	n := 0
	add := func(tag string, percent int) {
		if g.chance(percent) {
			tags[n] = tag
			n++
		}
	}
	if inGroup {
		add(tagGroup, 100)
	}
	if c.Size == "large" && c.Status == "active" {
		add(tagStrategic, 40)
	}
	if co.founded >= 2019 || c.Status == "prospect" {
		add(tagNew, 50)
	} else if co.founded <= 2005 && c.Status == "active" {
		add(tagOld, 40)
	}
	if c.Stage == "establish" || c.Stage == "deepen" {
		add(tagDevelop, 25)
	}
	if c.Status == "prospect" {
		add(tagPotential, 25)
	}
	add(tagPrice, 15)
	add(tagLongCredit, 12)
	if c.Status == "prospect" || c.Status == "dormant" {
		add(tagCompetitor, 20)
	}
	out := g.stringSlab.slice(n)
	copy(out, tags[:n])
	return out
}

// accountTeam picks up to three colleagues of the owner's team, and sometimes finance, service
// and, for strategic customers, the director as executive sponsor. The owner is never on it.
func (g *generator) accountTeam(ownerID int64, strategic bool) []kam.TeamMember {
	var members [6]kam.TeamMember
	n := 0
	ownerIsKAM := g.p.Users[ownerID-1].User.Role == kam.RoleKAM
	if ti := g.teamOf[ownerID]; ti >= 0 {
		t := &g.teams[ti]
		want := 0
		switch x := g.r.IntN(100); {
		case x < 35:
		case x < 65:
			want = 1
		case x < 90:
			want = 2
		default:
			want = 3
		}
		// Draw distinct colleagues; a few tries suffice as teams have about eight members.
		var pick [3]int64
		got := 0
		for tries := 0; got < want && tries < 4*want; tries++ {
			id := t.members[g.r.IntN(len(t.members))]
			if id == ownerID || slices.Contains(pick[:got], id) {
				continue
			}
			pick[got] = id
			got++
		}
		slices.Sort(pick[:got])
		hasKAM := ownerIsKAM
		for _, id := range pick[:got] {
			// The account team's KAM leads it; other colleagues mostly sell, some support.
			role := "sales"
			if g.p.Users[id-1].User.Role == kam.RoleKAM && !hasKAM {
				role, hasKAM = "kam", true
			} else {
				switch g.r.IntN(10) {
				case 0:
					role = "logistics"
				case 1:
					role = "rnd"
				case 2:
					role = "other"
				}
			}
			members[n] = kam.TeamMember{UserID: id, Role: role}
			n++
		}
	}
	if strategic && g.chance(50) {
		members[n] = kam.TeamMember{UserID: g.directorID, Role: "executive_sponsor"}
		n++
	}
	if g.chance(20) {
		members[n] = kam.TeamMember{UserID: g.finance[g.r.IntN(len(g.finance))], Role: "finance"}
		n++
	}
	if g.chance(15) {
		members[n] = kam.TeamMember{UserID: g.service[g.r.IntN(len(g.service))], Role: "service"}
		n++
	}
	out := g.teamSlab.slice(n)
	copy(out, members[:n])
	return out
}

// daysIn returns the number of days in a month.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
