package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"kam"
)

// portfolios caches generated portfolios: generation is deterministic, and under -race the
// larger ones take a while. Tests must not modify them.
var portfolios sync.Map // Options → func() *Portfolio

func generated(t testing.TB, o Options) *Portfolio {
	t.Helper()
	f, _ := portfolios.LoadOrStore(o, sync.OnceValue(func() *Portfolio { return Generate(o) }))
	return f.(func() *Portfolio)()
}

// sizes are the portfolio sizes most tests run on: tiny, default, and large enough for the
// distributions to settle.
var sizes = []Options{
	{Customers: 1, Seed: 7},
	{Customers: 25, Seed: 3},
	{Customers: 0, Seed: 1}, // the default 300
	{Customers: 1000, Seed: 42},
}

func TestGenerateDeterministic(t *testing.T) {
	// A fixed today: the ledger ends on it, and two calls on either side of midnight would differ.
	today := time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		a, b Options
		same bool
	}{
		{Options{Seed: 1, Today: today}, Options{Seed: 1, Today: today}, true},
		{Options{Customers: 300, Seed: 1, Today: today}, Options{Seed: 1, Today: today}, true},
		{Options{Customers: 1500, Seed: -9, Today: today}, Options{Customers: 1500, Seed: -9, Today: today}, true},
		{Options{Seed: 1, Today: today}, Options{Seed: 2, Today: today}, false},
		{Options{Customers: 50, Seed: 0, Today: today}, Options{Customers: 50, Seed: 1, Today: today}, false},
		{Options{Customers: 50, Seed: 5, Today: today}, Options{Customers: 51, Seed: 5, Today: today}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d,%d/%d,%d", tt.a.Customers, tt.a.Seed, tt.b.Customers, tt.b.Seed), func(t *testing.T) {
			a, b := Generate(tt.a), Generate(tt.b)
			ja, jb := mustJSON(t, a), mustJSON(t, b)
			if tt.same {
				// The JSON holds every field of the customer files; cmp explains a difference.
				if !bytes.Equal(ja, jb) {
					t.Fatalf("same options, different portfolios (-first +second):\n%s", cmp.Diff(a.Customers, b.Customers))
				}
				if !sameLedger(a, b) {
					t.Fatal("same options, different ledgers")
				}
				return
			}
			if bytes.Equal(ja, jb) {
				t.Fatal("different options, identical portfolios")
			}
			if tt.a.Customers == tt.b.Customers && cmp.Equal(names(a), names(b)) {
				t.Fatal("different seeds, same customer names")
			}
		})
	}
}

// mustJSON returns the JSON of the customer files; sameLedger compares ledgers much faster.
func mustJSON(t *testing.T, p *Portfolio) []byte {
	t.Helper()
	b, err := json.Marshal([]any{p.Users, p.Customers, p.Units, p.Contacts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func names(p *Portfolio) []string {
	out := make([]string, len(p.Customers))
	for i, c := range p.Customers {
		out[i] = c.Name
	}
	return out
}

func TestGenerateDefaultSize(t *testing.T) {
	for _, n := range []int{0, -5} {
		if got := len(Generate(Options{Customers: n}).Customers); got != DefaultCustomers {
			t.Errorf("Customers %d: got %d customers, want %d", n, got, DefaultCustomers)
		}
	}
}

func TestSalesForce(t *testing.T) {
	tests := []struct {
		customers                        int
		sellers, supervisors, backOffice int
	}{
		{1, 6, 1, 1},
		{300, 6, 1, 1},
		{1000, 7, 1, 1},
		{1275, 9, 2, 1},
		{3000, 20, 3, 1},
		{100000, 667, 84, 7},
		{105000, 700, 88, 8},
		{1000000, 700, 88, 8},
	}
	for _, tt := range tests {
		s, sup, bo := salesForce(tt.customers)
		if s != tt.sellers || sup != tt.supervisors || bo != tt.backOffice {
			t.Errorf("salesForce(%d) = %d, %d, %d; want %d, %d, %d", tt.customers, s, sup, bo, tt.sellers, tt.supervisors, tt.backOffice)
		}
	}
}

func TestUsers(t *testing.T) {
	emailPattern := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]*@kam\.example$`)
	for _, o := range append(sizes, Options{Customers: 3000, Seed: 5}) {
		t.Run(fmt.Sprint(o.Customers), func(t *testing.T) {
			p := generated(t, o)
			n := o.Customers
			if n == 0 {
				n = DefaultCustomers
			}
			sellers, supervisors, backOffice := salesForce(n)
			count := map[kam.Role]int{}
			emails := map[string]bool{}
			for i, person := range p.Users {
				u := person.User
				count[u.Role]++
				if u.ID != int64(i+1) {
					t.Fatalf("Users[%d].ID = %d", i, u.ID)
				}
				if !u.Active {
					t.Errorf("user %d inactive", u.ID)
				}
				if emails[u.Email] {
					t.Errorf("duplicate e-mail %s", u.Email)
				}
				emails[u.Email] = true
				before := u
				if err := u.Validate(); err != nil {
					t.Errorf("user %d: %v", u.ID, err)
				}
				if diff := cmp.Diff(before, u); diff != "" {
					t.Errorf("Validate changed user %d:\n%s", u.ID, diff)
				}
				if err := kam.ValidatePassword(u.Email, person.Password); err != nil || person.Password != Password {
					t.Errorf("user %d password %q: %v", u.ID, person.Password, err)
				}
				if i > 0 && !emailPattern.MatchString(u.Email) {
					t.Errorf("user %d e-mail %q", u.ID, u.Email)
				}
				if utf8.RuneCountInString(u.Name) < 2 || !isHan(u.Name) {
					t.Errorf("user %d name %q", u.ID, u.Name)
				}
				// Supervisors come first, and are of the right role.
				var want []kam.Role
				switch u.Role {
				case kam.RoleSupervisor:
					want = []kam.Role{kam.RoleDirector}
				case kam.RoleKAM, kam.RoleRep:
					want = []kam.Role{kam.RoleSupervisor}
				}
				switch {
				case want == nil && u.SupervisorID != nil:
					t.Errorf("user %d (%s) has a supervisor", u.ID, u.Role)
				case want != nil && (u.SupervisorID == nil || *u.SupervisorID >= u.ID):
					t.Errorf("user %d (%s): supervisor %v is not an earlier user", u.ID, u.Role, u.SupervisorID)
				case want != nil && !slices.Contains(want, p.Users[*u.SupervisorID-1].User.Role):
					t.Errorf("user %d (%s): supervisor is a %s", u.ID, u.Role, p.Users[*u.SupervisorID-1].User.Role)
				}
			}
			first := p.Users[0].User
			if first.Email != "admin@kam.example" || first.Name != "系统管理员" || first.Role != kam.RoleAdmin {
				t.Errorf("Users[0] = %+v", first)
			}
			wantCount := map[kam.Role]int{
				kam.RoleAdmin: 1, kam.RoleDirector: 1, kam.RoleSupervisor: supervisors,
				kam.RoleFinance: backOffice, kam.RoleService: backOffice,
			}
			for role, want := range wantCount {
				if count[role] != want {
					t.Errorf("%d %s users, want %d", count[role], role, want)
				}
			}
			if got := count[kam.RoleKAM] + count[kam.RoleRep]; got != sellers {
				t.Errorf("%d reps and KAMs, want %d", got, sellers)
			}
			if count[kam.RoleKAM] == 0 || count[kam.RoleRep] < count[kam.RoleKAM] {
				t.Errorf("%d KAMs and %d reps", count[kam.RoleKAM], count[kam.RoleRep])
			}
		})
	}
}

func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// TestRecordsValidate checks that every record passes Validate and that Validate, which
// normalises, changes nothing.
func TestRecordsValidate(t *testing.T) {
	for _, o := range sizes {
		t.Run(fmt.Sprint(o.Customers), func(t *testing.T) {
			p := generated(t, o)
			for _, c := range p.Customers {
				cp := *c
				cp.Tags = slices.Clone(c.Tags)
				cp.Team = slices.Clone(c.Team)
				cp.CustomFields = maps.Clone(c.CustomFields)
				if err := cp.Validate(); err != nil {
					t.Fatalf("customer %d %s: %v", c.ID, c.Name, err)
				}
				if diff := cmp.Diff(c, &cp); diff != "" {
					t.Fatalf("Validate changed customer %d:\n%s", c.ID, diff)
				}
			}
			for _, u := range p.Units {
				cp := *u
				if err := cp.Validate(); err != nil {
					t.Fatalf("unit %d %s: %v", u.ID, u.Name, err)
				}
				if diff := cmp.Diff(u, &cp); diff != "" {
					t.Fatalf("Validate changed unit %d:\n%s", u.ID, diff)
				}
			}
			for _, c := range p.Contacts {
				cp := *c
				cp.Phones = slices.Clone(c.Phones)
				if err := cp.Validate(); err != nil {
					t.Fatalf("contact %d %s: %v", c.ID, c.Name, err)
				}
				if diff := cmp.Diff(c, &cp); diff != "" {
					t.Fatalf("Validate changed contact %d:\n%s", c.ID, diff)
				}
			}
		})
	}
}

// TestReferences checks ids and that every reference points to an earlier record of the right
// kind, so that loading in slice order satisfies foreign keys and no hierarchy has a cycle.
func TestReferences(t *testing.T) {
	for _, o := range sizes {
		t.Run(fmt.Sprint(o.Customers), func(t *testing.T) {
			p := generated(t, o)
			user := func(id int64) *kam.User {
				if id < 1 || id > int64(len(p.Users)) {
					t.Fatalf("user id %d out of range", id)
				}
				return &p.Users[id-1].User
			}
			for i, c := range p.Customers {
				if c.ID != int64(i+1) {
					t.Fatalf("Customers[%d].ID = %d", i, c.ID)
				}
				owner := user(c.OwnerID)
				if owner.Role != kam.RoleRep && owner.Role != kam.RoleKAM {
					t.Errorf("customer %d owned by a %s", c.ID, owner.Role)
				}
				if c.ParentID != nil {
					if *c.ParentID < 1 || *c.ParentID >= c.ID {
						t.Fatalf("customer %d: parent %d is not an earlier customer", c.ID, *c.ParentID)
					}
					if parent := p.Customers[*c.ParentID-1]; parent.ParentID != nil {
						t.Errorf("customer %d: parent %d has a parent itself", c.ID, parent.ID)
					}
				}
				if len(c.Team) > 6 {
					t.Errorf("customer %d: team of %d", c.ID, len(c.Team))
				}
				for _, m := range c.Team {
					u := user(m.UserID)
					if m.UserID == c.OwnerID {
						t.Errorf("customer %d: owner on the account team", c.ID)
					}
					if !slices.Contains(kam.TeamRoles, m.Role) {
						t.Errorf("customer %d: team role %q", c.ID, m.Role)
					}
					switch u.Role {
					case kam.RoleKAM, kam.RoleRep:
						if *u.SupervisorID != *owner.SupervisorID {
							t.Errorf("customer %d: team member %d is not in the owner's team", c.ID, u.ID)
						}
					case kam.RoleFinance, kam.RoleService, kam.RoleDirector:
					default:
						t.Errorf("customer %d: a %s on the team", c.ID, u.Role)
					}
				}
			}
			unitsOf := make([]int, len(p.Customers)+1)
			for i, u := range p.Units {
				if u.ID != int64(i+1) {
					t.Fatalf("Units[%d].ID = %d", i, u.ID)
				}
				if u.CustomerID < 1 || u.CustomerID > int64(len(p.Customers)) {
					t.Fatalf("unit %d: customer %d", u.ID, u.CustomerID)
				}
				if i > 0 && p.Units[i-1].CustomerID > u.CustomerID {
					t.Errorf("unit %d out of customer order", u.ID)
				}
				unitsOf[u.CustomerID]++
				if u.ParentUnitID != nil {
					if *u.ParentUnitID < 1 || *u.ParentUnitID >= u.ID {
						t.Fatalf("unit %d: parent %d is not an earlier unit", u.ID, *u.ParentUnitID)
					}
					if parent := p.Units[*u.ParentUnitID-1]; parent.CustomerID != u.CustomerID {
						t.Errorf("unit %d: parent of another customer", u.ID)
					}
				}
			}
			contactsOf := make([]int, len(p.Customers)+1)
			roots := make([]int, len(p.Customers)+1)
			for i, c := range p.Contacts {
				if c.ID != int64(i+1) {
					t.Fatalf("Contacts[%d].ID = %d", i, c.ID)
				}
				if c.CustomerID < 1 || c.CustomerID > int64(len(p.Customers)) {
					t.Fatalf("contact %d: customer %d", c.ID, c.CustomerID)
				}
				contactsOf[c.CustomerID]++
				if c.UnitID != nil {
					if *c.UnitID < 1 || *c.UnitID > int64(len(p.Units)) {
						t.Fatalf("contact %d: unit %d", c.ID, *c.UnitID)
					}
					if p.Units[*c.UnitID-1].CustomerID != c.CustomerID {
						t.Errorf("contact %d: unit of another customer", c.ID)
					}
				}
				if c.ReportsToID == nil {
					roots[c.CustomerID]++
					continue
				}
				if *c.ReportsToID < 1 || *c.ReportsToID >= c.ID {
					t.Fatalf("contact %d: reports to %d, not an earlier contact", c.ID, *c.ReportsToID)
				}
				boss := p.Contacts[*c.ReportsToID-1]
				if boss.CustomerID != c.CustomerID {
					t.Errorf("contact %d: reports to a contact of another customer", c.ID)
				}
				if c.PurchaseRole == "decision_maker" && boss.ReportsToID == nil && boss.PurchaseRole != "decision_maker" {
					t.Errorf("contact %d: a decision maker under a top who is not one", c.ID)
				}
			}
			for id := 1; id <= len(p.Customers); id++ {
				if n := unitsOf[id]; n < 1 || n > maxUnits {
					t.Errorf("customer %d has %d units", id, n)
				}
				if n := contactsOf[id]; n < 2 || n > maxContacts {
					t.Errorf("customer %d has %d contacts", id, n)
				}
				if roots[id] != 1 {
					t.Errorf("customer %d: %d contacts at the top of the org chart, want 1", id, roots[id])
				}
			}
		})
	}
}

// TestDecisionMakerOnTop checks that where a customer has a decision maker, the top of its org
// chart is one.
func TestDecisionMakerOnTop(t *testing.T) {
	p := generated(t, Options{Seed: 1})
	top := map[int64]*kam.Contact{}
	hasDM := map[int64]bool{}
	for _, c := range p.Contacts {
		if c.ReportsToID == nil {
			top[c.CustomerID] = c
		}
		if c.PurchaseRole == "decision_maker" {
			hasDM[c.CustomerID] = true
		}
	}
	for id := range hasDM {
		if top[id].PurchaseRole != "decision_maker" {
			t.Errorf("customer %d: top contact %s is a %s", id, top[id].Title, top[id].PurchaseRole)
		}
	}
	if share := percent(len(hasDM), len(p.Customers)); share < 80 {
		t.Errorf("%.0f%% of customers have a decision maker, want most", share)
	}
}

func TestUnique(t *testing.T) {
	codePattern := regexp.MustCompile(`^C[0-9]{6,}$`)
	for _, o := range sizes {
		t.Run(fmt.Sprint(o.Customers), func(t *testing.T) {
			p := generated(t, o)
			seen := map[string]string{}
			unique := func(kind, value, where string) {
				t.Helper()
				key := kind + "\x00" + value
				if prev, dup := seen[key]; dup {
					t.Errorf("%s %q of %s also used by %s", kind, value, where, prev)
				}
				seen[key] = where
			}
			for _, c := range p.Customers {
				where := "customer " + c.Code
				if !codePattern.MatchString(c.Code) || c.Code != fmt.Sprintf("C%06d", c.ID) {
					t.Errorf("customer %d: code %q", c.ID, c.Code)
				}
				unique("code", c.Code, where)
				unique("name", c.Name, where)
				unique("credit code", c.CreditCode, where)
			}
			for _, u := range p.Users {
				unique("e-mail", u.User.Email, u.User.Name)
			}
			for _, c := range p.Contacts {
				if c.Email != "" {
					unique("e-mail", c.Email, "contact "+c.Name)
				}
			}
			for _, u := range p.Units {
				unique("unit name", fmt.Sprint(u.CustomerID, u.Name), "unit")
			}
		})
	}
}

func TestCreditCodes(t *testing.T) {
	p := generated(t, Options{Customers: 1000, Seed: 42})
	for _, c := range p.Customers {
		if err := kam.ValidateCreditCode(c.CreditCode); err != nil {
			t.Fatalf("customer %d: %s: %v", c.ID, c.CreditCode, err)
		}
		if c.CreditCode[:2] != "91" {
			t.Errorf("customer %d: %s does not start with 91", c.ID, c.CreditCode)
		}
		prov := provinceNamed(c.Province)
		if prov == nil {
			t.Fatalf("customer %d: unknown province %q", c.ID, c.Province)
		}
		division := c.CreditCode[2:8]
		if division != prov.code && division != cityNamed(prov, c.City).code {
			t.Errorf("customer %d in %s %s: division code %s", c.ID, c.Province, c.City, division)
		}
		if got := orgCodeCheck([]byte(c.CreditCode[8:16])); got != c.CreditCode[16] {
			t.Errorf("customer %d: %s: organisation code check %c, want %c", c.ID, c.CreditCode, c.CreditCode[16], got)
		}
		if founded := c.FoundedOn[:4]; (founded >= "2016") != (c.CreditCode[8:10] == "MA") {
			t.Errorf("customer %d founded %s has code %s", c.ID, c.FoundedOn, c.CreditCode)
		}
	}
}

func TestOrgCodeCheck(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		{"M000100Y", '4'}, // the example of GB 32100-2015: 91350100M000100Y43
		{"19220382", '1'}, // 914403001922038216
		{"00000000", '0'}, // sum 0: 11 − 0 = 11 → 0
	}
	for _, tt := range tests {
		if got := orgCodeCheck([]byte(tt.body)); got != tt.want {
			t.Errorf("orgCodeCheck(%s) = %c, want %c", tt.body, got, tt.want)
		}
	}
	if err := kam.ValidateCreditCode("91350100M000100Y43"); err != nil {
		t.Errorf("the standard's example: %v", err)
	}
}

func provinceNamed(name string) *province {
	for i := range provinces {
		if provinces[i].name == name {
			return &provinces[i]
		}
	}
	return nil
}

func cityNamed(p *province, name string) *city {
	for i := range p.cities {
		if p.cities[i].name == name {
			return &p.cities[i]
		}
	}
	return &city{}
}

// TestCustomerFields checks that the fields of a customer agree with each other and with the
// tables.
func TestCustomerFields(t *testing.T) {
	p := generated(t, Options{Customers: 1000, Seed: 42})
	forms := []string{"有限公司", "股份有限公司", "有限责任公司"}
	for _, c := range p.Customers {
		prov := provinceNamed(c.Province)
		if prov == nil || cityNamed(prov, c.City).name == "" {
			t.Fatalf("customer %d: %s %s is not in the table", c.ID, c.Province, c.City)
		}
		if !slices.ContainsFunc(forms, func(f string) bool { return strings.HasSuffix(c.Name, f) }) {
			t.Errorf("customer %d: %q has no legal form", c.ID, c.Name)
		}
		if c.LegalName != c.Name {
			t.Errorf("customer %d: legal name %q", c.ID, c.LegalName)
		}
		brand := string([]rune(c.ShortName)[:2])
		if !strings.Contains(c.Name, brand) {
			t.Errorf("customer %d: short name %q does not match %q", c.ID, c.ShortName, c.Name)
		}
		if c.FoundedOn < "1985-01-01" || c.FoundedOn > "2022-12-31" || !kam.ValidDate(c.FoundedOn) {
			t.Errorf("customer %d: founded %q", c.ID, c.FoundedOn)
		}
		if (c.Status == "lost") != (c.Stage == "lost") {
			t.Errorf("customer %d: status %s, stage %s", c.ID, c.Status, c.Stage)
		}
		if c.Status == "prospect" && c.Stage != "identify" && c.Stage != "establish" {
			t.Errorf("customer %d: a prospect in stage %s", c.ID, c.Stage)
		}
		if c.Address == "" || !strings.Contains(c.Address, "号") {
			t.Errorf("customer %d: address %q", c.ID, c.Address)
		}
		if c.ParentID != nil {
			group := p.Customers[*c.ParentID-1]
			groupBrand := string([]rune(group.ShortName)[:2])
			if !strings.Contains(c.Name, groupBrand) {
				t.Errorf("subsidiary %q does not carry the brand of its group %q", c.Name, group.Name)
			}
			if !strings.Contains(group.Name, "集团") || !slices.Contains(c.Tags, tagGroup) {
				t.Errorf("customer %d: group %q, tags %v", c.ID, group.Name, c.Tags)
			}
			if c.FoundedOn <= group.FoundedOn {
				t.Errorf("subsidiary %d founded %s before its group (%s)", c.ID, c.FoundedOn, group.FoundedOn)
			}
		}
	}
}

// TestDistribution checks that the portfolio looks like a real one in the large.
func TestDistribution(t *testing.T) {
	for _, seed := range distributionSeeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			checkDistribution(t, generated(t, Options{Customers: 1000, Seed: seed}))
		})
	}
}

var distributionSeeds = []int64{42, 7, 2026}

func checkDistribution(t *testing.T, p *Portfolio) {
	industryUse := map[string]int{}
	status := map[string]int{}
	owned := map[int64]int{}
	children := map[int64]int{}
	for _, c := range p.Customers {
		industryUse[c.Industry]++
		status[c.Status]++
		owned[c.OwnerID]++
		if c.ParentID != nil {
			children[*c.ParentID]++
		}
	}
	for _, ind := range industries {
		if industryUse[ind.name] == 0 {
			t.Errorf("industry %s unused", ind.name)
		}
	}
	if len(industryUse) != len(industries) {
		t.Errorf("%d industries used, want %d", len(industryUse), len(industries))
	}
	if share := percent(status["active"], len(p.Customers)); share < 60 || share > 80 {
		t.Errorf("%.0f%% active customers", share)
	}
	for _, s := range kam.CustomerStatuses {
		if status[s] == 0 {
			t.Errorf("no %s customers", s)
		}
	}
	if share := percent(len(children), len(p.Customers)); share < 3 || share > 7 {
		t.Errorf("%.1f%% group companies, want about 5%%", share)
	}
	for id, n := range children {
		if n < minSubsidiaries || n > maxSubsidiaries {
			t.Errorf("group %d has %d subsidiaries", id, n)
		}
	}

	// Pareto-like: the busiest fifth of the owners have much more than a fifth of the customers.
	counts := slices.Sorted(maps.Values(owned))
	slices.Reverse(counts)
	top, all := 0, 0
	for i, n := range counts {
		if i < (len(counts)+4)/5 {
			top += n
		}
		all += n
	}
	if share := percent(top, all); share < 35 {
		t.Errorf("the top fifth of owners own %.0f%% of the customers, want a skew", share)
	}

	var birthdays, lunar, noYear, withUnit, withEmail, frontline int
	for _, c := range p.Contacts {
		if c.UnitID != nil {
			withUnit++
		}
		if c.Email != "" {
			withEmail++
		}
		if c.PurchaseRole == "frontline" {
			frontline++
			if c.Title != "营业员" && c.Title != "仓库保管员" {
				t.Errorf("contact %d: frontline %s", c.ID, c.Title)
			}
		}
		if c.Birthday == nil {
			continue
		}
		birthdays++
		if c.Birthday.Calendar == "lunar" {
			lunar++
		}
		if c.Birthday.Year == 0 {
			noYear++
		}
	}
	checks := []struct {
		what     string
		share    float64
		min, max float64
	}{
		{"contacts with a birthday", percent(birthdays, len(p.Contacts)), 60, 80},
		{"lunar birthdays", percent(lunar, birthdays), 15, 45},
		{"birthdays without a year", percent(noYear, birthdays), 5, 35},
		{"contacts in a unit", percent(withUnit, len(p.Contacts)), 50, 100},
		{"contacts with an e-mail", percent(withEmail, len(p.Contacts)), 40, 90},
		{"frontline contacts", percent(frontline, len(p.Contacts)), 0.5, 20},
	}
	for _, c := range checks {
		if c.share < c.min || c.share > c.max {
			t.Errorf("%s: %.1f%%, want %.0f–%.0f%%", c.what, c.share, c.min, c.max)
		}
	}

	kinds := map[string]bool{}
	for _, u := range p.Units {
		kinds[u.Kind] = true
	}
	for _, k := range []string{"headquarters", "department", "plant", "branch", "warehouse", "store", "subsidiary"} {
		if !kinds[k] {
			t.Errorf("no unit of kind %s", k)
		}
	}
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// TestContactFields checks phone numbers, e-mail domains and WeChat ids.
func TestContactFields(t *testing.T) {
	mobile := regexp.MustCompile(`^1(3[0-9]|47|5[0-35-9]|66|7[35-8]|8[0-9]|9[189])[0-9]{8}$`)
	office := regexp.MustCompile(`^0[0-9]{2,3}-[2-8][0-9]{7}(转[0-9]{3,4})?$`)
	email := regexp.MustCompile(`^[a-z]+\.?[a-z]+[0-9]*@[a-z]+-?[a-z]+[0-9]*\.(com|com\.cn|cn|net)$`)
	wechat := regexp.MustCompile(`^(wxid_[a-z0-9]{14}|[a-z]+_?[0-9]{1,4}|1[0-9]{10})$`)
	p := generated(t, Options{Customers: 1000, Seed: 42})
	domain := map[int64]string{}
	for _, c := range p.Contacts {
		if !isHan(c.Name) || utf8.RuneCountInString(c.Name) < 2 {
			t.Errorf("contact %d: name %q", c.ID, c.Name)
		}
		for i, ph := range c.Phones {
			if !mobile.MatchString(ph) && !(i == len(c.Phones)-1 && office.MatchString(ph)) {
				t.Errorf("contact %d: phone %q", c.ID, ph)
			}
		}
		if c.Email != "" {
			if !email.MatchString(c.Email) {
				t.Errorf("contact %d: e-mail %q", c.ID, c.Email)
			}
			d := c.Email[strings.IndexByte(c.Email, '@')+1:]
			if prev, ok := domain[c.CustomerID]; ok && prev != d {
				t.Errorf("customer %d: contacts on %s and %s", c.CustomerID, prev, d)
			}
			domain[c.CustomerID] = d
		}
		if c.WeChat != "" && !wechat.MatchString(c.WeChat) {
			t.Errorf("contact %d: WeChat %q", c.ID, c.WeChat)
		}
		if b := c.Birthday; b != nil && b.Calendar == "lunar" && (b.Leap || b.Day > 29) {
			t.Errorf("contact %d: lunar birthday %v", c.ID, b)
		}
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	var p *Portfolio
	for b.Loop() {
		p = Generate(Options{Customers: 100000, Seed: 1})
	}
	b.ReportMetric(float64(len(p.Units)+len(p.Contacts)+len(p.Customers)), "records/op")
}
