package demo

import (
	"strconv"

	"kam"
)

// Sizes of the sales organisation.
const (
	customersPerSeller   = 150
	minSellers           = 6
	maxSellers           = 700
	sellersPerTeam       = 8
	sellersPerBackOffice = 100 // one more finance and one more service user per this many sellers
)

// salesForce returns how many sellers (reps and KAMs), supervisors, and finance and service
// users each, a portfolio of n customers gets.
func salesForce(n int) (sellers, supervisors, backOffice int) {
	sellers = min(max((n+customersPerSeller/2)/customersPerSeller, minSellers), maxSellers)
	supervisors = (sellers + sellersPerTeam - 1) / sellersPerTeam
	backOffice = 1 + sellers/sellersPerBackOffice
	return sellers, supervisors, backOffice
}

// users creates the sales organisation for a portfolio of n customers.
func (g *generator) users(n int) {
	sellers, supervisors, backOffice := salesForce(n)
	g.p.Users = make([]Person, 0, 2+2*backOffice+supervisors+sellers)

	g.addUser("admin@kam.example", "系统管理员", kam.RoleAdmin, 0)
	g.directorID = g.addPerson(kam.RoleDirector, 0)
	for range backOffice {
		g.finance = append(g.finance, g.addPerson(kam.RoleFinance, 0))
	}
	for range backOffice {
		g.service = append(g.service, g.addPerson(kam.RoleService, 0))
	}

	g.teams = make([]team, supervisors)
	for i := range g.teams {
		t := &g.teams[i]
		t.supervisor = g.addPerson(kam.RoleSupervisor, g.directorID)
		size := sellers / supervisors
		if i < sellers%supervisors {
			size++
		}
		// A third of a team are key account managers; the order of roles in the team is random
		// so that the busiest owners (the first ones, see skewed) are of both kinds.
		kams := max(1, (size+1)/3)
		roles := make([]kam.Role, size)
		for j := range roles {
			roles[j] = kam.RoleRep
			if j < kams {
				roles[j] = kam.RoleKAM
			}
		}
		g.r.Shuffle(len(roles), func(a, b int) { roles[a], roles[b] = roles[b], roles[a] })
		for _, role := range roles {
			id := g.addPerson(role, t.supervisor)
			t.members = append(t.members, id)
			if role == kam.RoleKAM {
				t.kams = append(t.kams, id)
			} else {
				t.reps = append(t.reps, id)
			}
		}
	}

	g.teamOf = make([]int32, len(g.p.Users)+1)
	for i := range g.teamOf {
		g.teamOf[i] = -1
	}
	for i, t := range g.teams {
		for _, id := range t.members {
			g.teamOf[id] = int32(i)
		}
	}
	g.regionTeams = assignRegions(supervisors)
}

// assignRegions gives every sales region at least one team when there are enough, and the rest
// in proportion to the regions' share of customers; with fewer teams than regions, a team covers
// several regions, balanced by their share.
func assignRegions(teams int) [][]int {
	weights := make([]int, len(salesRegions))
	for _, p := range provinces {
		weights[p.region] += p.weight
	}
	out := make([][]int, len(salesRegions))
	if teams >= len(salesRegions) {
		count := make([]int, len(salesRegions))
		for r := range count {
			count[r] = 1
		}
		// D'Hondt: each further team goes to the region with the most customers per team.
		for range teams - len(salesRegions) {
			best := 0
			for r := range count {
				if weights[r]*(count[best]+1) > weights[best]*(count[r]+1) {
					best = r
				}
			}
			count[best]++
		}
		next := 0
		for r, c := range count {
			for range c {
				out[r] = append(out[r], next)
				next++
			}
		}
		return out
	}
	// Largest regions first, each to the team with the least load so far.
	order := make([]int, len(salesRegions))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ { // insertion sort: stable and tiny
		for j := i; j > 0 && weights[order[j]] > weights[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	load := make([]int, teams)
	for _, r := range order {
		t := 0
		for k := range load {
			if load[k] < load[t] {
				t = k
			}
		}
		load[t] += weights[r]
		out[r] = []int{t}
	}
	return out
}

// addPerson adds a user with a generated name and a unique e-mail address.
func (g *generator) addPerson(role kam.Role, supervisor int64) int64 {
	surname, given := g.personName()
	local := surname.ascii + "." + given.ascii
	n := g.userEmails[local] + 1
	g.userEmails[local] = n
	email := local
	if n > 1 {
		email += strconv.Itoa(n) // zhang.wei, zhang.wei2, zhang.wei3 …
	}
	return g.addUser(email+"@kam.example", surname.text+given.text, role, supervisor)
}

func (g *generator) addUser(email, name string, role kam.Role, supervisor int64) int64 {
	id := int64(len(g.p.Users) + 1)
	u := kam.User{ID: id, Email: email, Name: name, Role: role, Active: true}
	if supervisor != 0 {
		u.SupervisorID = g.id(supervisor)
	}
	g.p.Users = append(g.p.Users, Person{User: u, Password: Password})
	return id
}

// personName returns a Chinese surname and given name.
func (g *generator) personName() (surname, given hanzi) {
	surname = surnames[g.surnamePick.pick(g.r)].hanzi
	if g.chance(30) {
		return surname, givenNames1[g.r.IntN(len(givenNames1))]
	}
	return surname, givenNames2[g.r.IntN(len(givenNames2))]
}
