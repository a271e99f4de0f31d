package demo

import "kam"

// maxUnits is the most units a customer gets.
const maxUnits = 5

// unitCountWeights[k] is the weight of a customer having k+1 units.
var unitCountWeights = [maxUnits]int{20, 25, 25, 18, 12}

// units creates 1–5 units of customer c: sometimes a headquarters, then mostly the units where
// the planned contacts work, since a sales rep records the departments they deal with, then
// random ones.
func (g *generator) units(c *kam.Customer, co *company, plan *contactPlan) {
	s := unitState{first: len(g.p.Units)}
	g.custUnits = g.custUnits[:0]
	want := 1 + g.weightedIndex(unitCountWeights[:])
	if c.Size == "large" && want < maxUnits && g.chance(50) {
		want++
	}
	// Larger customers are organised under a headquarters (总部).
	if want >= 3 && g.chance(45) {
		s.hq = g.addUnit(c, "总部", "headquarters", c.Address, nil, deptManagement)
	}
	for _, t := range plan.titles[:plan.n] {
		if len(g.p.Units)-s.first >= want {
			break
		}
		if t.dept != deptManagement && g.chance(75) {
			if tmpl := g.deptTemplate(t.dept); tmpl != nil {
				g.addUnitFrom(c, co, tmpl, &s)
			}
		}
	}
	pick := &g.unitPick
	if co.retail {
		pick = &g.retailUnitPick
	}
	for tries := 0; len(g.p.Units)-s.first < want && tries < 4*maxUnits; tries++ {
		g.addUnitFrom(c, co, &unitTemplates[pick.pick(g.r)], &s)
	}
}

// customerUnit is a unit of the current customer and the function of the people in it.
type customerUnit struct {
	unit *kam.Unit
	dept int
}

// unitState is what the units of one customer so far imply for the next one.
type unitState struct {
	first    int // index in Portfolio.Units of the customer's first unit
	hq       *kam.Unit
	plant    *kam.Unit // the first plant
	plants   int
	branches uint8 // bit set of the sales regions with a branch
}

// deptTemplate picks a unit template of a function, or nil when there is none.
func (g *generator) deptTemplate(dept int) *unitTemplate {
	total := 0
	for i := range unitTemplates {
		if unitTemplates[i].dept == dept {
			total += unitTemplates[i].weight
		}
	}
	if total == 0 {
		return nil
	}
	x := g.r.IntN(total)
	for i := range unitTemplates {
		t := &unitTemplates[i]
		if t.dept != dept {
			continue
		}
		if x < t.weight {
			return t
		}
		x -= t.weight
	}
	return nil
}

// addUnitFrom adds a unit made from template t unless the customer has one of that name.
func (g *generator) addUnitFrom(c *kam.Customer, co *company, t *unitTemplate, s *unitState) {
	var parent *kam.Unit
	if s.hq != nil && g.chance(65) {
		parent = s.hq
	}
	name := g.nameBuf[:0]
	address := ""
	switch t.kind {
	case "plant":
		if s.plants == len(ordinals) {
			return
		}
		name = append(name, ordinals[s.plants]...)
		name = append(name, t.name...)
		s.plants++
		address = g.address(co.city)
	case "branch":
		r := g.r.IntN(len(salesRegions))
		if s.branches&(1<<r) != 0 {
			return
		}
		s.branches |= 1 << r
		name = append(name, salesRegions[r]...)
		name = append(name, t.name...)
		address = g.fullAddress(g.cityIn(r))
	case "subsidiary":
		ct := g.cityIn(co.prov.region)
		name = append(name, ct.short...)
		name = append(name, t.name...)
		address = g.fullAddress(ct)
	case "store":
		// Chain stores are named after their street: 人民路店.
		name = append(name, streets[g.r.IntN(len(streets))]...)
		name = append(name, "店"...)
		address = g.address(co.city)
	case "warehouse":
		name = append(name, t.name...)
		address = g.address(co.city)
	default:
		// Quality, production and warehouse departments often belong to a plant: 一分厂质量部.
		if s.plant != nil && t.kind == "department" && (t.dept == deptQuality || t.dept == deptProduction || t.dept == deptWarehouse) && g.chance(50) {
			name = append(name, s.plant.Name...)
			parent = s.plant
		}
		name = append(name, t.name...)
	}
	g.nameBuf = name
	if g.hasUnitNamed(s.first, name) {
		return
	}
	u := g.addUnit(c, g.strings.string(name), t.kind, address, parent, t.dept)
	if t.kind == "plant" && s.plant == nil {
		s.plant = u
	}
}

// addUnit adds a unit of customer c that people of function dept work in, and keeps it in
// g.custUnits for the customer's contacts.
func (g *generator) addUnit(c *kam.Customer, name, kind, address string, parent *kam.Unit, dept int) *kam.Unit {
	u := g.unitSlab.new()
	u.ID = int64(len(g.p.Units) + 1)
	u.CustomerID = c.ID
	u.Name = name
	u.Kind = kind
	u.Address = address
	if parent != nil {
		u.ParentUnitID = g.id(parent.ID)
	}
	g.custUnits = append(g.custUnits, customerUnit{u, dept})
	g.p.Units = append(g.p.Units, u)
	return u
}

func (g *generator) hasUnitNamed(first int, name []byte) bool {
	for _, u := range g.p.Units[first:] {
		if u.Name == string(name) {
			return true
		}
	}
	return false
}

// cityIn returns a random city of a sales region.
func (g *generator) cityIn(region int) *city {
	for {
		p := &provinces[g.provincePick.pick(g.r)]
		if p.region == region {
			return &p.cities[g.r.IntN(len(p.cities))]
		}
	}
}

// fullAddress writes an address in another city: province, city, district and street.
func (g *generator) fullAddress(ct *city) string {
	g.buf = g.buf[:0]
	for i := range provinces {
		p := &provinces[i]
		if ct.code[:2] != p.code[:2] {
			continue
		}
		if p.name != ct.name { // a municipality is its own city
			g.buf = append(g.buf, p.name...)
		}
		break
	}
	g.buf = append(g.buf, ct.name...)
	g.buf = g.appendStreet(g.buf, ct)
	return g.str()
}

// weightedIndex draws an index of a short weight table.
func (g *generator) weightedIndex(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := g.r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
