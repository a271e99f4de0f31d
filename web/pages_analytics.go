package web

// --- Portfolio analytics pages beyond the overview: drill-downs, migration, settings ---

// DashboardCustomersPage is /dashboard/customers: the customers behind a chart (a value tier,
// the cost customers), ranked, paged, with their exports.
type DashboardCustomersPage struct {
	Base
	Heading     string
	Note        string
	Sections    []Link
	Period      DashboardPeriod
	BackURL     string
	Table       LedgerTable
	Total       int
	First, Last int
	Exports     []Link
}

// MigrationPage is /dashboard/migration: the matrix of customers moving between the ABC classes
// (or the value tiers) of two stored classification runs.
type MigrationPage struct {
	Base
	Heading  string
	Sections []Link
	// Runs are the stored runs; FromRuns and ToRuns offer them with the chosen one selected.
	Runs             []Option
	FromRuns, ToRuns []Option
	FromRun, ToRun   string
	By               string
	ByLinks          []Link
	// Message explains why there is no matrix (fewer than two runs, an unknown run).
	Message string
	Error   string
	// FromLabel and ToLabel name the two runs.
	FromLabel, ToLabel string
	Matrix             LedgerTable
	// ChartJSON is the heat map's data, read by dashboard.js.
	ChartJSON string
	Exports   []Link
}

// MigrationCellPage is /dashboard/migration/customers: the customers of one cell of the matrix.
type MigrationCellPage struct {
	Base
	Heading            string
	FromLabel, ToLabel string
	Sections           []Link
	BackURL            string
	Table              LedgerTable
	Total              int
	First, Last        int
	Exports            []Link
}

// SettingsPage is /settings/analytics: the rules of the portfolio models. Directors and admins
// edit them (Form); everyone else who may see the figures reads them (Rows).
type SettingsPage struct {
	Base
	Heading  string
	Sections []Link
	Intro    string
	Form     *FormPage
	Rows     []FieldRow
	// KeyAccounts is the form of the scorecard's and the portfolio matrix's rules (directors,
	// admins); KeyAccountRows shows them to everyone else.
	KeyAccounts    *KeyAccountSettingsForm
	KeyAccountRows []FieldRow
}

// CardAnalysis is the card's analysis tab: the customer's class in every stored run and its
// share of wallet in a year.
type CardAnalysis struct {
	Classes        LedgerTable
	ClassesExports []Link
	Wallet         LedgerTable
	WalletExports  []Link
	WalletYear     string
	WalletYears    []Link
	WalletNote     string
	KeyAccount     *KeyAccountPanel
	// Behaviour holds the customer's behaviour figures over the last 12 complete months (LAMP
	// group, loyalty type, growth, share of wallet, relationship length, lifetime value and its
	// inputs); BehaviourNote explains a customer outside the user's portfolio.
	Behaviour       []FieldRow
	BehaviourPeriod string
	BehaviourNote   string
}

// BehaviourPage is /dashboard/behaviour: the LAMP groups, loyalty types, growth, lifetime value
// and the segments of a period, each table with its exports and its customers a click away.
type BehaviourPage struct {
	Base
	Heading  string
	Sections []Link
	Period   DashboardPeriod
	HasData  bool
	Figures  []Figure

	LAMP        LedgerTable
	LAMPJSON    string
	LAMPRule    string
	Loyalty     LedgerTable
	LoyaltyJSON string
	LoyaltyRule string
	// GrowthJSON is the monthly revenue with its trend line; Rising and Falling the customers
	// growing and shrinking the most.
	GrowthJSON      string
	GrowthNote      string
	Rising, Falling LedgerTable
	CLV             LedgerTable
	CLVNote         string
	// SegmentBy is the segment field shown, SegmentLinks the others.
	SegmentBy    string
	SegmentLinks []Link
	Segments     LedgerTable
	SegmentsJSON string

	BehaviourExports []Link
	SegmentExports   []Link
}

// FiltersPage is /filters: the user's saved filters and the shared ones, and the form that saves
// a new one.
type FiltersPage struct {
	Base
	Heading  string
	Sections []Link
	Intro    string
	Rows     []FilterRow
	// The form: its values after a refused save, the errors, and the choices of each list.
	Errors           []string
	Name             string
	Shared           bool
	Industry, Region string
	Choices          []FilterChoice
}

// FilterChoice is one list of a filter offered as checkboxes (Name is the form field).
type FilterChoice struct {
	Name    string
	Label   string
	Options []Option
}

// FilterRow is one saved filter in the list.
type FilterRow struct {
	ID           int64
	Name         string
	Criteria     string
	Owner        string
	Shared       bool
	Mine         bool
	DashboardURL string
	BehaviourURL string
	CustomersURL string
	DeleteURL    string
}
