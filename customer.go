package kam

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Enumerations of the customer file (SPEC §C1, §C8). The UI translates each value (locale/).
var (
	CustomerStatuses = []string{"prospect", "active", "dormant", "lost"}
	LifecycleStages  = []string{"identify", "establish", "deepen", "maintain", "warning", "lost"}
	CustomerNatures  = []string{"state_owned", "private", "foreign", "joint_venture", "government", "collective", "public_institution", "other"}
	ChannelRoles     = []string{"end_user", "distributor", "retailer", "wholesaler"}
	CompanySizes     = []string{"micro", "small", "medium", "large"}
	UnitKinds        = []string{"headquarters", "department", "plant", "subsidiary", "branch", "warehouse", "store", "other"}
	PurchaseRoles    = []string{"decision_maker", "influencer", "user", "gatekeeper", "champion", "frontline"}
	TeamRoles        = []string{"kam", "executive_sponsor", "sales", "logistics", "finance", "rnd", "service", "other"}
)

// Field limits, in characters. They are documented in the README and enforced by Validate.
const (
	MaxCodeLen      = 32
	MaxNameLen      = 200
	MaxShortNameLen = 50
	MaxTextLen      = 200 // industry, province, city, titles, e-mail, WeChat …
	MaxAddressLen   = 500
	MaxNoteLen      = 4000 // notes and preferences
	MaxTags         = 30
	MaxTagLen       = 30
	MaxCustomFields = 50
	MaxPhones       = 10
	MaxPhoneLen     = 40
	MaxTeam         = 50
)

// Customer is the customer file (客户资料卡) of one company.
type Customer struct {
	ID           int64             `json:"id"`
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	ShortName    string            `json:"short_name"`
	LegalName    string            `json:"legal_name"`
	CreditCode   string            `json:"credit_code"`
	Industry     string            `json:"industry"`
	Nature       string            `json:"nature"`
	ChannelRole  string            `json:"channel_role"`
	Province     string            `json:"province"`
	City         string            `json:"city"`
	Address      string            `json:"address"`
	FoundedOn    string            `json:"founded_on"` // YYYY-MM-DD or empty
	Size         string            `json:"size"`
	Status       string            `json:"status"`
	Stage        string            `json:"stage"`
	OwnerID      int64             `json:"owner_id"`
	ParentID     *int64            `json:"parent_id"`
	Tags         []string          `json:"tags"`
	Team         []TeamMember      `json:"team"`
	CustomFields map[string]string `json:"custom_fields"`
	Note         string            `json:"note"`
	Version      int64             `json:"version"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// TeamMember is one person of a customer's account team and their role in it.
type TeamMember struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ValidDate reports whether s is a real calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func validText(v *Validation, field, value string, max int) {
	if !utf8.ValidString(value) {
		v.Add(field, "invalid_encoding", "is not valid UTF-8")
		return
	}
	if strings.ContainsRune(value, 0) {
		v.Add(field, "invalid_character", "contains a NUL character")
		return
	}
	v.MaxLen(field, value, max)
}

// Normalize trims spaces and fills defaults; Validate calls it.
func (c *Customer) Normalize() {
	for _, p := range []*string{&c.Code, &c.Name, &c.ShortName, &c.LegalName, &c.Industry, &c.Province, &c.City, &c.Address} {
		*p = strings.TrimSpace(*p)
	}
	c.CreditCode = strings.ToUpper(strings.TrimSpace(c.CreditCode))
	if c.Status == "" {
		c.Status = "prospect"
	}
	if c.Stage == "" {
		c.Stage = "identify"
	}
	tags := make([]string, 0, len(c.Tags))
	seen := map[string]bool{}
	for _, t := range c.Tags {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	c.Tags = tags
	if c.CustomFields == nil {
		c.CustomFields = map[string]string{}
	}
	if c.Team == nil {
		c.Team = []TeamMember{}
	}
}

// Validate checks every field of the customer file and names each bad one.
func (c *Customer) Validate() error {
	c.Normalize()
	var v Validation
	if c.Code != "" {
		validText(&v, "code", c.Code, MaxCodeLen)
		if !v.Has("code") && !codePattern.MatchString(c.Code) {
			v.Add("code", "invalid_code", "may hold only letters, digits, '.', '_' and '-'")
		}
	}
	v.Required("name", c.Name)
	validText(&v, "name", c.Name, MaxNameLen)
	validText(&v, "short_name", c.ShortName, MaxShortNameLen)
	validText(&v, "legal_name", c.LegalName, MaxNameLen)
	if c.CreditCode != "" {
		if err := ValidateCreditCode(c.CreditCode); err != nil {
			v.Add("credit_code", "invalid_credit_code", "%s", err.Error())
		}
	}
	validText(&v, "industry", c.Industry, MaxTextLen)
	v.OneOf("nature", c.Nature, CustomerNatures, false)
	v.OneOf("channel_role", c.ChannelRole, ChannelRoles, false)
	validText(&v, "province", c.Province, MaxTextLen)
	validText(&v, "city", c.City, MaxTextLen)
	validText(&v, "address", c.Address, MaxAddressLen)
	if c.FoundedOn != "" && !ValidDate(c.FoundedOn) {
		v.Add("founded_on", "invalid_date", "must be a date written YYYY-MM-DD")
	}
	v.OneOf("size", c.Size, CompanySizes, false)
	v.OneOf("status", c.Status, CustomerStatuses, true)
	v.OneOf("stage", c.Stage, LifecycleStages, true)
	if c.ParentID != nil && *c.ParentID == c.ID && c.ID != 0 {
		v.Add("parent_id", "self_parent", "a customer cannot be its own parent")
	}
	if len(c.Tags) > MaxTags {
		v.Add("tags", "too_many", "at most %d tags", MaxTags)
	}
	for _, t := range c.Tags {
		if utf8.RuneCountInString(t) > MaxTagLen || !utf8.ValidString(t) {
			v.Add("tags", "too_long", "each tag must be at most %d characters", MaxTagLen)
			break
		}
	}
	if len(c.Team) > MaxTeam {
		v.Add("team", "too_many", "at most %d team members", MaxTeam)
	}
	seen := map[int64]bool{}
	for _, m := range c.Team {
		if m.UserID <= 0 || seen[m.UserID] {
			v.Add("team", "invalid_member", "each member needs a distinct user_id")
			break
		}
		seen[m.UserID] = true
		if m.Role == "" {
			continue
		}
		if !contains(TeamRoles, m.Role) {
			v.Add("team", "unknown_value", "role must be one of %s (got %q)", strings.Join(TeamRoles, ", "), m.Role)
			break
		}
	}
	if len(c.CustomFields) > MaxCustomFields {
		v.Add("custom_fields", "too_many", "at most %d custom fields", MaxCustomFields)
	}
	for k, val := range c.CustomFields {
		if k == "" || utf8.RuneCountInString(k) > MaxTagLen || utf8.RuneCountInString(val) > MaxTextLen || !utf8.ValidString(k+val) {
			v.Add("custom_fields", "invalid_custom_field", "names must be 1–%d characters and values at most %d", MaxTagLen, MaxTextLen)
			break
		}
	}
	validText(&v, "note", c.Note, MaxNoteLen)
	return v.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Unit is a part of a customer we sell to: a department, plant, subsidiary or branch (the arms
// of the "octopus" company).
type Unit struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customer_id"`
	ParentUnitID *int64    `json:"parent_unit_id"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Address      string    `json:"address"`
	Note         string    `json:"note"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Validate checks a unit's fields.
func (u *Unit) Validate() error {
	u.Name = strings.TrimSpace(u.Name)
	if u.Kind == "" {
		u.Kind = "department"
	}
	var v Validation
	v.Required("name", u.Name)
	validText(&v, "name", u.Name, MaxNameLen)
	v.OneOf("kind", u.Kind, UnitKinds, true)
	validText(&v, "address", u.Address, MaxAddressLen)
	validText(&v, "note", u.Note, MaxNoteLen)
	if u.ParentUnitID != nil && *u.ParentUnitID == u.ID && u.ID != 0 {
		v.Add("parent_unit_id", "self_parent", "a unit cannot be its own parent")
	}
	return v.Err()
}

// Contact is a person at a customer.
type Contact struct {
	ID           int64     `json:"id"`
	CustomerID   int64     `json:"customer_id"`
	UnitID       *int64    `json:"unit_id"`
	Name         string    `json:"name"`
	Title        string    `json:"title"`
	PurchaseRole string    `json:"purchase_role"`
	ReportsToID  *int64    `json:"reports_to_id"`
	Phones       []string  `json:"phones"`
	Email        string    `json:"email"`
	WeChat       string    `json:"wechat"`
	Birthday     *Birthday `json:"birthday"`
	Preferences  string    `json:"preferences"`
	// Relationship is the strength of our relationship with the person, 1 (cold) to 5 (close);
	// 0 means not assessed.
	Relationship int       `json:"relationship"`
	Note         string    `json:"note"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

var phonePattern = regexp.MustCompile(`^(?:\+|\()?[0-9][0-9 ()\-]*(?:(?:ext\.?|转|x)\s*[0-9]+)?$`)

// Validate checks a contact's fields.
func (c *Contact) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	c.Email = strings.TrimSpace(c.Email)
	if c.Phones == nil {
		c.Phones = []string{}
	}
	var v Validation
	v.Required("name", c.Name)
	validText(&v, "name", c.Name, MaxUserNameLen)
	validText(&v, "title", c.Title, MaxTextLen)
	v.OneOf("purchase_role", c.PurchaseRole, PurchaseRoles, false)
	if len(c.Phones) > MaxPhones {
		v.Add("phones", "too_many", "at most %d phone numbers", MaxPhones)
	}
	for i, p := range c.Phones {
		p = strings.TrimSpace(p)
		c.Phones[i] = p
		if len(p) > MaxPhoneLen || !phonePattern.MatchString(p) {
			v.Add("phones", "invalid_phone", "%q is not a phone number", truncate(p, MaxPhoneLen))
			break
		}
	}
	validText(&v, "email", c.Email, MaxTextLen)
	if c.Email != "" && !v.Has("email") && !strings.Contains(c.Email, "@") {
		v.Add("email", "invalid_email", "is not an e-mail address")
	}
	validText(&v, "wechat", c.WeChat, MaxTextLen)
	if c.Birthday != nil {
		if err := c.Birthday.Validate(); err != nil {
			v.Add("birthday", "invalid_birthday", "%s", err.Error())
		}
	}
	validText(&v, "preferences", c.Preferences, MaxNoteLen)
	if c.Relationship < 0 || c.Relationship > 5 {
		v.Add("relationship", "out_of_range", "must be 0 (not assessed) to 5")
	}
	validText(&v, "note", c.Note, MaxNoteLen)
	if c.ReportsToID != nil && *c.ReportsToID == c.ID && c.ID != 0 {
		v.Add("reports_to_id", "self_parent", "a contact cannot report to themselves")
	}
	return v.Err()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Card is a customer file with its units and contacts.
type Card struct {
	Customer *Customer  `json:"customer"`
	Units    []*Unit    `json:"units"`
	Contacts []*Contact `json:"contacts"`
	// AsOf is set when the card shows a past state.
	AsOf *time.Time `json:"as_of,omitempty"`
}

// Change is one recorded create, update or delete of a customer, unit or contact (动态管理).
type Change struct {
	ID         int64         `json:"id"`
	CustomerID int64         `json:"customer_id"`
	Entity     string        `json:"entity"` // customer, unit, contact
	EntityID   int64         `json:"entity_id"`
	EntityName string        `json:"entity_name"`
	Action     string        `json:"action"` // create, update, delete
	UserID     int64         `json:"user_id"`
	UserName   string        `json:"user_name"`
	At         time.Time     `json:"at"`
	Version    int64         `json:"version"`
	Fields     []FieldChange `json:"fields"`
}

// FieldChange is the old and new value of one field in a change. Values are JSON values.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// CustomerFilter selects customers. Zero values mean "any".
type CustomerFilter struct {
	Q        string
	OwnerID  int64
	Status   string
	Stage    string
	Industry string
	Province string
	Tag      string
	ParentID int64
	// Within, when not nil, keeps only these customers (a saved filter's selection).
	Within map[int64]bool
	// Sort is a field name, optionally prefixed with "-" for descending:
	// code, name, updated_at, created_at, province, status.
	Sort   string
	Limit  int
	Offset int
}

// CustomerSorts lists the fields a customer list can be sorted by.
var CustomerSorts = []string{"code", "name", "created_at", "updated_at", "province", "industry", "status", "stage"}

// Completeness is how complete a customer file is, with the fields still missing.
type Completeness struct {
	Score   int      `json:"score"` // 0–100
	Missing []string `json:"missing"`
}

// CardCompleteness scores a card on the fields a complete file needs (SPEC §C1).
func CardCompleteness(card *Card) Completeness {
	c := card.Customer
	checks := []struct {
		field string
		ok    bool
	}{
		{"short_name", c.ShortName != ""},
		{"credit_code", c.CreditCode != ""},
		{"industry", c.Industry != ""},
		{"nature", c.Nature != ""},
		{"channel_role", c.ChannelRole != ""},
		{"province", c.Province != ""},
		{"city", c.City != ""},
		{"address", c.Address != ""},
		{"founded_on", c.FoundedOn != ""},
		{"size", c.Size != ""},
		{"units", len(card.Units) > 0},
		{"contacts", len(card.Contacts) > 0},
		{"decision_maker", hasRole(card.Contacts, "decision_maker")},
		{"contact_phone", hasPhone(card.Contacts)},
	}
	var out Completeness
	ok := 0
	for _, ch := range checks {
		if ch.ok {
			ok++
		} else {
			out.Missing = append(out.Missing, ch.field)
		}
	}
	out.Score = ok * 100 / len(checks)
	if out.Missing == nil {
		out.Missing = []string{}
	}
	return out
}

func hasRole(cs []*Contact, role string) bool {
	for _, c := range cs {
		if c.PurchaseRole == role {
			return true
		}
	}
	return false
}

func hasPhone(cs []*Contact) bool {
	for _, c := range cs {
		if len(c.Phones) > 0 {
			return true
		}
	}
	return false
}

// CustomerService stores customer files. Every method applies the actor's scope from ctx: a
// customer outside it is ENotFound.
type CustomerService interface {
	FindCustomerByID(ctx context.Context, id int64) (*Customer, error)
	FindCustomers(ctx context.Context, f CustomerFilter) ([]*Customer, int, error)
	// FindCustomersByID returns those of ids the actor may see (a page of a ranking), by id.
	FindCustomersByID(ctx context.Context, ids []int64) (map[int64]*Customer, error)
	// CreateCustomer stores c, generating its code when empty.
	CreateCustomer(ctx context.Context, c *Customer) error
	// UpdateCustomer loads the customer, checks its version (EPreconditionFailed when stale),
	// lets apply change it, validates and stores it with its history.
	UpdateCustomer(ctx context.Context, id, version int64, apply func(*Customer) error) (*Customer, error)
	DeleteCustomer(ctx context.Context, id, version int64) error
	// Card returns the file with units and contacts; with asOf, as it was at that moment.
	Card(ctx context.Context, id int64, asOf *time.Time) (*Card, error)
	// History lists the changes of a file, newest first.
	History(ctx context.Context, id int64, limit, offset int) ([]*Change, int, error)

	FindUnitByID(ctx context.Context, id int64) (*Unit, error)
	FindUnits(ctx context.Context, customerID int64) ([]*Unit, error)
	CreateUnit(ctx context.Context, u *Unit) error
	UpdateUnit(ctx context.Context, id, version int64, apply func(*Unit) error) (*Unit, error)
	DeleteUnit(ctx context.Context, id, version int64) error

	FindContactByID(ctx context.Context, id int64) (*Contact, error)
	FindContacts(ctx context.Context, customerID int64) ([]*Contact, error)
	CreateContact(ctx context.Context, c *Contact) error
	UpdateContact(ctx context.Context, id, version int64, apply func(*Contact) error) (*Contact, error)
	DeleteContact(ctx context.Context, id, version int64) error
}
