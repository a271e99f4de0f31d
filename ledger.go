package kam

import (
	"context"
	"time"
)

// The money side of the customer file (SPEC §C2): products, orders and their lines, returns,
// invoices, payments and their allocation, cost-to-serve, the customer's own financial
// statements and estimates of its total purchases. Amounts are Money in the document's currency;
// rollups and analytics are in the ledger currency (LedgerCurrency), converted at the order's rate.

// LedgerCurrency is the currency rollups, analytics and the card's totals are kept in.
const LedgerCurrency = "CNY"

// Category is a product category.
type Category struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// Product is something we sell.
type Product struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	CategoryID *int64    `json:"category_id"`
	Category   string    `json:"category"` // the category's name, read-only
	UOM        string    `json:"uom"`      // unit of measure (件, 台, kg …)
	ListPrice  Money     `json:"list_price"`
	Active     bool      `json:"active"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Order kinds: a sale, or a return document pointing to the order it returns goods of.
const (
	OrderKindSale   = "order"
	OrderKindReturn = "return"
)

// Order is a sales order or a return document with its lines.
type Order struct {
	ID           int64       `json:"id"`
	OrderNo      string      `json:"order_no"`
	Kind         string      `json:"kind"`
	ReturnOfID   *int64      `json:"return_of_id"`
	ReturnOfNo   string      `json:"return_of"` // read-only
	OrderDate    string      `json:"order_date"`
	CustomerID   int64       `json:"customer_id"`
	CustomerCode string      `json:"customer_code"` // read-only
	CustomerName string      `json:"customer_name"` // read-only
	UnitID       *int64      `json:"unit_id"`
	RepID        *int64      `json:"rep_id"`
	RepEmail     string      `json:"rep"` // read-only
	Currency     string      `json:"currency"`
	FXRate       Rate        `json:"fx_rate"`
	Note         string      `json:"note"`
	Amount       Money       `json:"amount"` // sum of the lines, read-only
	Cost         Money       `json:"cost"`   // read-only
	LineCount    int         `json:"line_count"`
	Lines        []OrderLine `json:"lines,omitempty"`
	Version      int64       `json:"version"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// OrderLine is one line of an order. A return's lines have negative quantities and amounts.
type OrderLine struct {
	LineNo      int      `json:"line_no"`
	ProductID   int64    `json:"product_id"`
	ProductCode string   `json:"product_code"` // read-only
	ProductName string   `json:"product_name"` // read-only
	Quantity    Quantity `json:"quantity"`
	UnitPrice   Money    `json:"unit_price"`
	Discount    Money    `json:"discount"`
	Amount      Money    `json:"amount"`
	Cost        Money    `json:"cost"`
}

// Profit is the line's gross profit.
func (l OrderLine) Profit() Money { return l.Amount - l.Cost }

// Invoice is a bill to a customer with a due date.
type Invoice struct {
	ID           int64     `json:"id"`
	InvoiceNo    string    `json:"invoice_no"`
	CustomerID   int64     `json:"customer_id"`
	CustomerCode string    `json:"customer_code"`
	CustomerName string    `json:"customer_name"`
	OrderID      *int64    `json:"order_id"`
	OrderNo      string    `json:"order_no"`
	InvoiceDate  string    `json:"invoice_date"`
	DueDate      string    `json:"due_date"`
	Amount       Money     `json:"amount"`
	Currency     string    `json:"currency"`
	Paid         Money     `json:"paid"` // allocated payments, read-only
	Note         string    `json:"note"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Open is what is still owed on the invoice.
func (i *Invoice) Open() Money { return i.Amount - i.Paid }

// Overdue reports whether the invoice is open after its due date; today is a business date.
func (i *Invoice) Overdue(today string) bool { return i.Open() > 0 && i.DueDate < today }

// Payment is money received from a customer, allocated to its invoices.
type Payment struct {
	ID           int64        `json:"id"`
	Reference    string       `json:"reference"`
	CustomerID   int64        `json:"customer_id"`
	CustomerCode string       `json:"customer_code"`
	CustomerName string       `json:"customer_name"`
	PaymentDate  string       `json:"payment_date"`
	Amount       Money        `json:"amount"`
	Currency     string       `json:"currency"`
	Method       string       `json:"method"`
	InvoiceNo    string       `json:"invoice_no"` // the invoice the payer named, if any
	Note         string       `json:"note"`
	Allocations  []Allocation `json:"allocations"`
	Unallocated  Money        `json:"unallocated"`
	Version      int64        `json:"version"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Allocation is the part of a payment that settles one invoice.
type Allocation struct {
	InvoiceID int64  `json:"invoice_id"`
	InvoiceNo string `json:"invoice_no"`
	Amount    Money  `json:"amount"`
}

// ExpenseCode is an entry of the cost-to-serve catalogue.
type ExpenseCode struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// Cost is one cost-to-serve entry: what serving a customer cost us beyond the goods.
type Cost struct {
	ID           int64     `json:"id"`
	Reference    string    `json:"reference"`
	CustomerID   int64     `json:"customer_id"`
	CustomerCode string    `json:"customer_code"`
	CustomerName string    `json:"customer_name"`
	EntryDate    string    `json:"entry_date"`
	ExpenseCode  string    `json:"expense_code"`
	Amount       Money     `json:"amount"`
	Note         string    `json:"note"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Financials is a customer's own financial statement for a period (YYYY, YYYY-Qn or YYYY-MM),
// for credit and health analysis.
type Financials struct {
	ID                 int64     `json:"id"`
	CustomerID         int64     `json:"customer_id"`
	CustomerCode       string    `json:"customer_code"`
	Period             string    `json:"period"`
	CurrentAssets      Money     `json:"current_assets"`
	CurrentLiabilities Money     `json:"current_liabilities"`
	Revenue            Money     `json:"revenue"`
	NetProfit          Money     `json:"net_profit"`
	TotalAssets        Money     `json:"total_assets"`
	Inventory          Money     `json:"inventory"`
	Receivables        Money     `json:"receivables"`
	CostOfSales        Money     `json:"cost_of_sales"`
	Version            int64     `json:"version"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// WalletEstimate is our estimate of a customer's total purchases of a product category in a
// year, from every supplier: the base of share of wallet.
type WalletEstimate struct {
	CustomerID   int64  `json:"customer_id"`
	CustomerCode string `json:"customer_code"`
	CategoryID   int64  `json:"category_id"`
	Category     string `json:"category"`
	Year         int    `json:"year"`
	Amount       Money  `json:"amount"`
}

// SalesFigures are the sums of a rollup row, in the ledger currency.
type SalesFigures struct {
	NetRevenue Money    `json:"net_revenue"` // sales minus returns
	Returns    Money    `json:"returns"`     // returned amount, as a positive number
	Cost       Money    `json:"cost"`
	Profit     Money    `json:"gross_profit"`
	Orders     int64    `json:"orders"`
	Lines      int64    `json:"lines"`
	Quantity   Quantity `json:"quantity"`
}

// SalesMonth is the rollup of one customer × month (CategoryID 0), or of one customer ×
// product category × month.
type SalesMonth struct {
	CustomerID int64  `json:"customer_id"`
	CategoryID int64  `json:"category_id,omitempty"`
	Month      string `json:"month"` // YYYY-MM
	SalesFigures
}

// CostMonth is the cost-to-serve rollup of one customer × month × expense code.
type CostMonth struct {
	CustomerID  int64  `json:"customer_id"`
	Month       string `json:"month"`
	ExpenseCode string `json:"expense_code"`
	Amount      Money  `json:"amount"`
	Entries     int64  `json:"entries"`
}

// LedgerFilter selects documents in a list or an export. Every list is limited to the
// customers the actor may see.
type LedgerFilter struct {
	CustomerID int64
	Q          string // document number or customer code/name prefix
	From, To   string // business dates, inclusive
	Status     string // invoices: open, overdue, paid
	Sort       string
	Desc       bool
	Limit      int
	Offset     int
	Today      string // business date for "overdue"; set by the caller
}

// LedgerService reads and writes the money side of customer files.
type LedgerService interface {
	FindOrders(ctx context.Context, f LedgerFilter) ([]*Order, int, error)
	FindOrder(ctx context.Context, id int64) (*Order, error)
	DeleteOrder(ctx context.Context, id, version int64) error
	FindInvoices(ctx context.Context, f LedgerFilter) ([]*Invoice, int, error)
	FindPayments(ctx context.Context, f LedgerFilter) ([]*Payment, int, error)
	FindCosts(ctx context.Context, f LedgerFilter) ([]*Cost, int, error)
	FindProducts(ctx context.Context, f LedgerFilter) ([]*Product, int, error)
	ExpenseCodes(ctx context.Context) ([]*ExpenseCode, error)
	// SalesByMonth returns a customer's monthly rollups between two months (YYYY-MM, inclusive).
	SalesByMonth(ctx context.Context, customerID int64, from, to string) ([]SalesMonth, error)
	// PeriodFigures returns every visible customer's figures over the months from–to.
	PeriodFigures(ctx context.Context, from, to string) ([]CustomerPeriod, error)
	// PeriodDetails returns the same customers' segment fields, monthly revenue, prior year,
	// wallet and first order (behaviour.go).
	PeriodDetails(ctx context.Context, from, to string) ([]CustomerDetail, error)
	// PortfolioPeriod reads what a classification of the months from–to needs: PeriodFigures of
	// the period and of the previous one of the same length, and PeriodDetails, in one pass over
	// the rollups (behaviour.go).
	PortfolioPeriod(ctx context.Context, from, to string) (*PortfolioPeriod, error)
	// PeriodCategories returns the same customers' net revenue per product category bought in
	// the period: customer id → category id → revenue.
	PeriodCategories(ctx context.Context, from, to string) (map[int64]map[int64]Money, error)
	// Categories lists the product categories, by name.
	Categories(ctx context.Context) ([]Category, error)
	// Saved filters of the user (behaviour.go).
	SavedFilterService
	// AnalyticsGeneration names the state of the figures, customer files and settings that
	// portfolio-wide analytics are computed from: equal values, equal inputs.
	AnalyticsGeneration(ctx context.Context) (string, error)
	// SaveClassification stores a classification run; CustomerClasses is a customer's history.
	SaveClassification(ctx context.Context, run *ClassificationRun) error
	CustomerClasses(ctx context.Context, customerID int64) ([]CustomerClassAt, error)
	// RunResults returns a stored run (by id, or the newest of a period when id is 0) with the
	// results of the customers the actor may see.
	RunResults(ctx context.Context, id int64, from, to string) (*ClassificationRun, error)
	// ClassificationRuns lists the stored runs, newest first, without their results.
	ClassificationRuns(ctx context.Context, limit int) ([]*ClassificationRun, error)
	// WalletShares is a customer's share of wallet per category in a year.
	WalletShares(ctx context.Context, customerID int64, year int) ([]WalletShare, error)
	// AnalyticsSettings are the models' thresholds; SaveAnalyticsSettings is for directors and admins.
	AnalyticsSettings(ctx context.Context) (AnalyticsSettings, error)
	SaveAnalyticsSettings(ctx context.Context, s AnalyticsSettings) error
	// KeyAccountService keeps the key-account models' settings and records (keyaccount.go).
	KeyAccountService
}

// Exporter streams the records of a list as import field values (`order_no`, `amount` …, money as
// plain decimals), within the actor's scope, so that an export imports back unchanged. Kinds are
// those of the import: customers, contacts, products, orders (one record per line), invoices,
// payments, costs.
type Exporter interface {
	Export(ctx context.Context, kind string, f LedgerFilter, fn func(map[string]string) error) error
}

// CustomerPeriod are one customer's figures over a period, from the rollups, in the ledger
// currency: what portfolio analytics start from.
type CustomerPeriod struct {
	CustomerID   int64
	Code         string
	NetRevenue   Money // sales minus returns
	GrossProfit  Money // net revenue minus the cost of the goods
	CostToServe  Money
	Orders       int64  // sales orders in the period
	LastMonth    string // YYYY-MM of the last month with an order in the period, "" without any
	ActiveMonths int    // months of the period with a sales order (loyalty)
}

// Profit is the customer's profit after cost-to-serve.
func (c CustomerPeriod) Profit() Money { return c.GrossProfit - c.CostToServe }

// ClassificationRun is one classification of the portfolio over a period, with each customer's
// result. Source says what started it: manual, nightly or import.
type ClassificationRun struct {
	ID       int64           `json:"id"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Source   string          `json:"source"`
	At       time.Time       `json:"at"`
	Settings any             `json:"settings"`
	Summary  any             `json:"summary"`
	Results  []CustomerClass `json:"-"`
}

// CustomerClass is a customer's result in a run.
type CustomerClass struct {
	CustomerID int64  `json:"customer_id"`
	Code       string `json:"code"`
	ABC        string `json:"abc"`
	ABCRank    int    `json:"abc_rank"`
	Tier       string `json:"tier"` // platinum, gold, iron, lead
	NetRevenue Money  `json:"net_revenue"`
	Profit     Money  `json:"profit"`
	// The key-account models' result in the run (keyaccount.go): the scorecard's weighted total,
	// the state, the portfolio matrix's quadrant and the importance grade.
	KeyTotal string `json:"key_total,omitempty"`
	KeyState string `json:"key_state,omitempty"`
	Quadrant string `json:"quadrant,omitempty"`
	Grade    string `json:"grade,omitempty"`
	LAMP     string `json:"lamp"`    // core, next, promising, other ("" in runs stored before LAMP groups)
	Loyalty  string `json:"loyalty"` // loyal, switching, no_brand; "" without an order
}

// CustomerClassAt is a customer's result in one run, for its class history.
type CustomerClassAt struct {
	RunID int64     `json:"run_id"`
	From  string    `json:"from"`
	To    string    `json:"to"`
	At    time.Time `json:"at"`
	CustomerClass
}

// WalletShare is our share of a customer's estimated total purchases of a category in a year.
type WalletShare struct {
	CategoryID int64  `json:"category_id"`
	Category   string `json:"category"`
	Year       int    `json:"year"`
	Estimate   Money  `json:"estimate"`  // the customer's total purchases, estimated
	OurSales   Money  `json:"our_sales"` // our net revenue of the category in the year
	Share      string `json:"share"`     // OurSales / Estimate, 4 decimals; "" without an estimate
}

// AnalyticsSettings are the thresholds of the portfolio models, as decimal fractions. Directors
// and admins edit them.
type AnalyticsSettings struct {
	ABCA        string `json:"abc_a" doc:"Cumulative revenue share that closes class A (default 0.80)."`
	ABCB        string `json:"abc_b" doc:"Cumulative revenue share that closes class B (default 0.95)."`
	LeadMargin  string `json:"lead_margin" doc:"Profit after cost-to-serve over net revenue at or below which a customer is lead (default 0.02)."`
	GoldLoyalty string `json:"gold_loyalty" doc:"Share of the period's months with an order that makes an A or B customer gold (default 0.75)."`
	// BehaviourSettings are the LAMP, loyalty and lifetime value thresholds (behaviour.go).
	BehaviourSettings
}

// DefaultAnalyticsSettings are the settings before anyone edits them.
func DefaultAnalyticsSettings() AnalyticsSettings {
	return AnalyticsSettings{ABCA: "0.80", ABCB: "0.95", LeadMargin: "0.02", GoldLoyalty: "0.75", BehaviourSettings: DefaultBehaviourSettings()}
}

// Validate checks the settings: fractions with up to 4 decimals, 0 < abc_a < abc_b ≤ 1,
// 0 ≤ lead_margin < 1, 0 < gold_loyalty ≤ 1.
func (s AnalyticsSettings) Validate() error {
	var v Validation
	frac := func(field, val string, low, high int64, lowOpen, highOpen bool) int64 {
		n, err := ParseFixed(val, 4)
		if err != nil {
			v.Add(field, "invalid", "must be a decimal fraction such as 0.80 (%s)", err.Error())
			return 0
		}
		if n < low || n > high || (lowOpen && n == low) || (highOpen && n == high) {
			v.Add(field, "out_of_range", "is out of range")
		}
		return n
	}
	a := frac("abc_a", s.ABCA, 0, 10000, true, true)
	b := frac("abc_b", s.ABCB, 0, 10000, true, false)
	if a != 0 && b != 0 && a >= b {
		v.Add("abc_b", "not_above", "must be above abc_a")
	}
	frac("lead_margin", s.LeadMargin, 0, 10000, false, true)
	frac("gold_loyalty", s.GoldLoyalty, 0, 10000, true, false)
	s.BehaviourSettings.validate(&v)
	return v.Err()
}
