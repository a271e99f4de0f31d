package web

import (
	"time"

	"kam"
	"kam/locale"
)

// Base is what every page carries: the printer for the user's language, the user, the CSRF token
// and the links of the header.
type Base struct {
	L     *locale.Printer
	Title string
	// Nav is the active item of the header's navigation.
	Nav string
	// User is nil on the login and error pages of a visitor without a session.
	User *kam.User
	// CSRF is the token every state-changing form sends back (hidden field csrf, or the
	// X-CSRF-Token header for htmx).
	CSRF string
	// LangURLs switch the language and come back to this page.
	LangURLs map[string]string
	// Flash is a translated one-line notice after a redirect ("saved").
	Flash   string
	Version string
	// NavLedger and NavImport show the ledger lists and the import page in the header, for the
	// users who may see and use them.
	NavLedger bool
	NavImport bool
	// NavAudit shows the audit log (admins and directors).
	NavAudit bool
	// NavBorrow shows the borrowing page (借阅), which every user may use.
	NavBorrow bool
	// NavTeam shows the handover page to those who hand over customers.
	NavTeam bool
}

// Option is one choice of a select.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Link is a labelled URL.
type Link struct {
	Label  string
	URL    string
	Active bool
}

// LoginPage is the sign-in form.
type LoginPage struct {
	Base
	Email string
	Next  string
	// LoginCSRF is the double-submit token of the login form (there is no session yet).
	LoginCSRF string
	Error     string
}

// ErrorPage is a friendly 4xx/5xx page.
type ErrorPage struct {
	Base
	Status  int
	Heading string
	Message string
}

// CustomerListPage is /customers: search, filters, sortable columns and paging, all in the URL.
type CustomerListPage struct {
	Base
	Q, OwnerID, Status, Stage, Industry, Province, Tag, Sort string
	Per                                                      int
	Owners, Statuses, Stages, PerOptions                     []Option
	// ShowOwnerFilter is false for a user who only sees their own files.
	ShowOwnerFilter bool
	Columns         []Column
	Rows            []CustomerRow
	Total           int
	From, To        int
	Pager           Pager
	// Filtered is set when any filter or search is active (the empty state then offers to clear).
	Filtered  bool
	ClearURL  string
	CanCreate bool
	Provinces []string
	// Exports download the current filter (CSV UTF-8 with BOM, CSV GB18030, XLSX).
	Exports []Link
	// Filters offers the saved filters (for those who see sales figures, through which they select).
	Filters []Option
}

// Column is a header of a sortable table. URL sorts by it (toggling the direction when it is
// the current sort); Dir is "asc", "desc" or "".
type Column struct {
	Label string
	URL   string
	Dir   string
	Class string
}

// CustomerRow is one line of the customer list.
type CustomerRow struct {
	C            *kam.Customer
	URL          string
	OwnerName    string
	StatusLabel  string
	StageLabel   string
	UpdatedLabel string
}

// Pager is the paging bar: numbered links with gaps, previous and next.
type Pager struct {
	Prev, Next string
	Pages      []PageLink
	Page       int
	PageCount  int
}

// PageLink is one page number (or a gap, when URL and Number are empty).
type PageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// CardPage is /customers/{id}: the customer file with its tabs.
type CardPage struct {
	Base
	// Analysis is the analysis tab: class history and share of wallet.
	Analysis *CardAnalysis
	Card     *kam.Card
	C        *kam.Customer
	Tab      string
	Tabs     []Link
	EditURL  string
	// DeleteURL is set for users who may delete a file.
	DeleteURL string
	CanEdit   bool
	// Borrowed is set when the file is seen through a borrowing grant: it says until when and
	// with which rights.
	Borrowed  string
	Profile   []FieldRow
	Owner     string
	Parent    *Link
	Subs      []Link
	SubsTotal int
	Team      []TeamRow
	Tags      []string
	Custom    []FieldRow
	Score     kam.Completeness
	// Missing names the missing fields of the completeness score in the user's language.
	Missing []string
	// ScoreClass colours the score: good, fair or poor.
	ScoreClass string

	// AsOf is set when the card shows a past state; AsOfInput is the value typed.
	AsOf       *time.Time
	AsOfInput  string
	AsOfError  string
	AsOfLabel  string
	CurrentURL string
	AsOfAction string

	Units      []*UnitNode
	Unassigned []*ContactNode
	UnitCount  int
	NewUnitURL string
	NewContURL string

	History      []HistoryRow
	HistoryTotal int
	HistoryPager Pager

	// Ledger is set on the ledger tabs (orders, invoices, costs, sales).
	Ledger *CardLedger
}

// FieldRow is a label and a display value.
type FieldRow struct {
	Label string
	Value string
	// Mono marks codes and numbers that read better in a fixed-width face.
	Mono bool
}

// TeamRow is one member of the account team.
type TeamRow struct {
	Name string
	Role string
}

// UnitNode is a unit of the org chart with its contacts and sub-units.
type UnitNode struct {
	U        *kam.Unit
	Kind     string
	EditURL  string
	Contacts []*ContactNode
	Children []*UnitNode
}

// ContactNode is a contact of the org chart with the people reporting to them.
type ContactNode struct {
	C            *kam.Contact
	Role         string
	RoleClass    string
	Birthday     string
	NextBirthday string
	Relationship int
	RelLabel     string
	// ReportsTo names the manager when they sit in another unit (the tree cannot show it).
	ReportsTo string
	EditURL   string
	Children  []*ContactNode
}

// HistoryRow is one change on the timeline.
type HistoryRow struct {
	At         string
	User       string
	Entity     string
	EntityName string
	Action     string
	ActionKey  string
	Version    int64
	Fields     []ChangeRow
}

// ChangeRow is a field's old and new value, formatted.
type ChangeRow struct {
	Field string
	Old   string
	New   string
}

// FormPage is a create or edit form (customer, unit, contact). Its fields are generic, so one
// template renders every form.
type FormPage struct {
	Base
	Heading   string
	Subtitle  string
	Action    string
	CancelURL string
	// DeleteURL, when set, shows a delete button (edit forms of users who may delete).
	DeleteURL string
	Version   int64
	Sections  []Section
	// Errors are messages that belong to no field of the form.
	Errors   []string
	Conflict *Conflict
	Submit   string
	// Provinces feed the datalist of the province field.
	Provinces []string
}

// Section is a titled group of fields.
type Section struct {
	Title  string
	Fields []Field
}

// Field is one input of a form with its value, choices and errors.
type Field struct {
	Name     string
	Label    string
	Type     string // text, date, email, number, select, textarea, datetime-local, lookup, team
	Value    string
	Options  []Option
	Errors   []string
	Required bool
	Hint     string
	Wide     bool
	MaxLen   int
	// List names a datalist of suggestions (the form page carries it).
	List string
	// Current is the stored value after a conflict, when it differs from what the user typed.
	Current    string
	HasCurrent bool
	// Lookup is set for Type "lookup": a record chosen by typing its name.
	Lookup *Lookup
	// Team is set for Type "team": the rows of the account team editor.
	Team *TeamEditor
}

// Lookup is a field that names a record by typing: a text input (TextName, Text) whose
// suggestions come from URL into a datalist, and a hidden input (the field's Name and Value) that
// holds the id of the record picked. app.js keeps the two in step; without script the server
// reads the text.
type Lookup struct {
	TextName string
	Text     string
	URL      string
	// Suggestions prefill the datalist, e.g. the candidates when the text named several records.
	Suggestions []Suggestion
}

// Suggestion is one record a lookup offers: the text that names it, its id and a detail (code).
type Suggestion struct {
	Text   string
	ID     int64
	Detail string
}

// TeamEditor is the account team of a customer form: one row per member (user and team role),
// spare empty rows for browsers without script, and the empty row that script adds.
type TeamEditor struct {
	Rows  []TeamEditRow
	Blank TeamEditRow
}

// TeamEditRow is one row of the team editor.
type TeamEditRow struct {
	Users []Option
	Roles []Option
	// Spare marks an empty row offered for adding a member; script removes those still empty.
	Spare   bool
	Invalid bool
}

// Conflict tells the user who changed the record since they opened the form.
type Conflict struct {
	Changes []ConflictChange
	// Version is the stored version the re-submitted form will be checked against.
	Version int64
}

// ConflictChange is one change made by someone else since the user's version.
type ConflictChange struct {
	User   string
	At     string
	Fields []string
}

// --- The money side of the files: ledger lists, the order page, the card's ledger tabs ---

// Cell is one cell of a ledger table: a text, optionally a link, with lines below it (a
// payment's allocations) and a badge (an invoice's state).
type Cell struct {
	Text  string
	URL   string
	Class string
	// Badge is a short label next to the text; BadgeClass colours it.
	Badge      string
	BadgeClass string
	Lines      []string
	// Title is a tooltip (the full value of a clipped cell).
	Title string
}

// LedgerRow is one row of a ledger table; Class marks it (open, overdue, return …).
type LedgerRow struct {
	Class string
	Cells []Cell
}

// LedgerTable is a table of ledger documents with its paging; the same block renders the list
// pages and the card's tabs.
type LedgerTable struct {
	ID      string
	Columns []Column
	Rows    []LedgerRow
	// Foot is a totals row, when the table has one.
	Foot  []Cell
	Empty string
	Pager Pager
}

// LedgerListPage is one of /orders, /invoices, /payments, /costs and /products: search, date
// range, status, sortable columns, paging and export, all in the URL like the customer list.
type LedgerListPage struct {
	Base
	Kind    string
	Heading string
	// Action is the list's path, the target of the filter form.
	Action            string
	Q, From, To       string
	Status, Sort      string
	Per               int
	SearchPlaceholder string
	// Dates is false for lists without a document date (products).
	Dates bool
	// StatusLabel names the status filter (invoice state, expense code); no filter when empty.
	StatusLabel string
	Statuses    []Option
	// CustomerID limits the list to one customer (reached from a card); Customer names it and
	// CustomerURL opens the card when the user may see it.
	CustomerID  string
	Customer    string
	CustomerURL string
	RemoveCust  string
	PerOptions  []Option
	Table       LedgerTable
	Total       int
	First, Last int
	Filtered    bool
	ClearURL    string
	// Exports download the current filter: CSV (UTF-8 with BOM), CSV (GB18030), XLSX.
	Exports []Link
}

// OrderPage is /orders/{id}: an order or return document with its lines.
type OrderPage struct {
	Base
	O           *kam.Order
	Heading     string
	Facts       []FieldRow
	CustomerURL string
	ListURL     string
	Lines       LedgerTable
}

// CardLedger is what the card's ledger tabs show (orders, invoices and payments, costs, monthly
// sales).
type CardLedger struct {
	Title string
	Table *LedgerTable
	// Payments is the second table of the invoices tab, with its own link and exports.
	Payments        *LedgerTable
	PaymentsTitle   string
	PaymentsURL     string
	PaymentsExports []Link
	// Totals sum the tab: open and overdue receivables, costs per expense code.
	Totals []Figure
	// Filters are the status links of the invoices tab.
	Filters []Link
	// AllURL opens the full list filtered to this customer; Exports download it.
	AllURL  string
	Exports []Link
	Sales   []SalesRow
	// SalesTotal sums the months shown.
	SalesTotal *SalesRow
	SalesFrom  string
	SalesTo    string
}

// Figure is a labelled total; Class colours it (warn for overdue receivables).
type Figure struct {
	Label string
	Value string
	Class string
}

// SalesRow is one month of the card's sales table.
type SalesRow struct {
	Month      string
	NetRevenue string
	Returns    string
	Profit     string
	Margin     string
	Orders     string
	// Empty marks a month without sales (shown dimmed).
	Empty bool
}

// --- Import ---

// ImportUploadPage is /import: choose the kind and the file.
type ImportUploadPage struct {
	Base
	Kinds   []ImportKind
	Kind    string
	Error   string
	MaxSize string
}

// ImportKind is a kind of import the user may run, with its fields for the help text.
type ImportKind struct {
	Value    string
	Label    string
	Doc      string
	Selected bool
	Required string
}

// ImportPage is /import/{id}: the column mapping with a preview, the options, and the result of
// the last dry run or import.
type ImportPage struct {
	Base
	ID        string
	Action    string
	Kind      string
	KindLabel string
	FileName  string
	Format    string
	Encoding  string
	Size      string
	// Fields are the kind's fields, each with the file's columns to choose from.
	Fields []ImportField
	// Header and Preview show the first rows of the file; PreviewError why it cannot be read.
	Header       []string
	Preview      [][]string
	PreviewNotes []string
	PreviewError string
	// Options.
	IsCSV       bool
	Encodings   []Option
	Sheet       string
	DateLayouts []Option
	NoCreate    bool
	SkipInvalid bool
	// Error is a problem of the last run (an unreadable file, a missing required column).
	Error   string
	Summary *ImportSummary
	// Done is set after the import was written: the file is gone, only the summary remains.
	Done bool
	// Running is set while the import runs (a second tab, a reload).
	Running bool
	// ListURL shows what was imported.
	ListURL string
}

// ImportField is one field of the kind with the column that feeds it.
type ImportField struct {
	Name     string
	Label    string
	Doc      string
	Required bool
	Options  []Option
	// Missing marks a required field without a column.
	Missing bool
}

// ImportSummary is what a dry run or an import did.
type ImportSummary struct {
	DryRun    bool
	Written   bool
	State     string
	StateKey  string
	RowsRead  int
	Created   int
	Updated   int
	Unchanged int
	Rejected  int
	Reasons   []ImportReason
	Errors    []ImportError
	// More is how many problems the page does not list (the report has them all).
	More      int
	ReportURL string
	Seconds   string
}

// ImportReason counts the rows rejected for one reason.
type ImportReason struct {
	Reason string
	Count  int
}

// ImportError is one problem of one row.
type ImportError struct {
	Row    int
	Column string
	Field  string
	Value  string
	Reason string
}

// --- Portfolio dashboard ---

// DashboardPeriod is the period selector of the dashboard pages: links for the last 12 complete
// months and recent years, and a from–to form of months.
type DashboardPeriod struct {
	// Label names the period shown (2025-01 – 2025-12).
	Label    string
	Links    []Link
	From, To string
	// Error explains a period that could not be read; the page then shows no figures.
	Error string
	// Filter is the id of the saved filter applied ("" for every customer), FilterName its name;
	// Filters offers the user's saved filters (and the shared ones) to apply.
	Filter, FilterName string
	Filters            []Option
	// Action is the page the period form reloads (/dashboard when empty).
	Action string
}

// DashboardPage is /dashboard: the ABC classification, the Pareto chart, the whale curve and
// the most and least profitable customers over a period.
type DashboardPage struct {
	Base
	Heading string
	Period  DashboardPeriod
	// HasData is false when the period could not be read.
	HasData bool
	Figures []Figure
	ABC     LedgerTable
	// ParetoJSON and WhaleJSON are the charts' data (JSON), read by dashboard.js from a data-
	// attribute: the CSP allows no inline script.
	ParetoJSON    string
	WhaleJSON     string
	CostCustomers string
	// Sampled says the charts show every Nth customer of a large portfolio.
	Sampled       string
	Top, Bottom   LedgerTable
	ABCExports    []Link
	ProfitExports []Link
	// Sections link the dashboard's pages (overview, migration, settings).
	Sections []Link
	// Tiers sums the value tiers (the pyramid's table); TiersJSON and ScatterJSON are the
	// pyramid's and the profit-vs-revenue scatter's data.
	Tiers       LedgerTable
	TierExports []Link
	TiersJSON   string
	ScatterJSON string
	ScatterNote string
	CostListURL string
}

// DashboardClassPage is /dashboard/abc: the ranked customers of one ABC class, paged.
type DashboardClassPage struct {
	Base
	Heading     string
	Period      DashboardPeriod
	BackURL     string
	Table       LedgerTable
	Total       int
	First, Last int
	Exports     []Link
	Sections    []Link
}

// AuditPage is /audit: the audit log with its filters, paging and export (admins, directors).
type AuditPage struct {
	Base
	CustomerID, User, Action, From, To string
	Actions                            []Option
	// Errors holds a message per bad filter (customer_id, user, action, from, to).
	Errors    map[string]string
	Rows      []AuditRow
	Total     int
	First     int
	Last      int
	Pager     Pager
	Filtered  bool
	ClearURL  string
	ExportURL string
}

// AuditRow is one entry of the audit log as the page shows it.
type AuditRow struct {
	ID          int64
	At          string
	Actor       string
	ActorURL    string
	Action      string
	Object      string
	CustomerURL string
	Customer    string
	Address     string
	Detail      string
}
