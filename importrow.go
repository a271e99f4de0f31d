package kam

import "context"

// Import contract between the importer (which reads files and turns rows into records) and the
// storage (which resolves codes, compares with what is stored and writes). One import is one
// session, one transaction: it commits whole or not at all.

// Outcome is what an import did with one row.
type Outcome uint8

// The outcomes.
const (
	Created Outcome = iota + 1
	Updated
	Unchanged
	Rejected
)

// RowResult is the outcome of one row; Column, Value and Reason explain a rejection.
type RowResult struct {
	Outcome Outcome
	Column  string // the import field name; the importer turns it into the file's column
	Value   string
	Reason  string
}

// Reject returns a rejection of a field's value.
func Reject(field, value, reason string) RowResult {
	return RowResult{Outcome: Rejected, Column: field, Value: value, Reason: reason}
}

// ImportStart describes an import to the store.
type ImportStart struct {
	Kind     string
	FileName string
	NoCreate bool // unknown customer and product codes are errors instead of new records
}

// OrderLineRow is one order line as the importer read it. Amount and Cost are final (the importer
// applied quantity × price − discount and the unit cost or profit rules).
type OrderLineRow struct {
	Row          int
	OrderNo      string
	LineNo       int // 0: the row's position within its order in this file
	OrderDate    string
	CustomerCode string
	CustomerName string
	ProductCode  string
	ProductName  string
	Category     string
	Quantity     Quantity
	UnitPrice    Money
	Discount     Money
	Amount       Money
	Cost         Money
	Currency     string
	FXRate       Rate
	Rep          string // e-mail of the rep
	ReturnOf     string // order number this return document returns goods of
	Unit         string // name of the customer's unit the order is for
	Note         string
}

// InvoiceRow is one invoice.
type InvoiceRow struct {
	Row          int
	InvoiceNo    string
	CustomerCode string
	CustomerName string
	OrderNo      string
	InvoiceDate  string
	DueDate      string
	Amount       Money
	Currency     string
	Note         string
}

// PaymentRow is one payment; InvoiceNo names the invoice it pays, else it settles the oldest
// open invoices first.
type PaymentRow struct {
	Row          int
	Reference    string
	CustomerCode string
	CustomerName string
	PaymentDate  string
	Amount       Money
	Currency     string
	Method       string
	InvoiceNo    string
	Note         string
}

// CostRow is one cost-to-serve entry.
type CostRow struct {
	Row          int
	Reference    string
	CustomerCode string
	CustomerName string
	EntryDate    string
	ExpenseCode  string
	Amount       Money
	Note         string
}

// FinancialsRow is one financial statement.
type FinancialsRow struct {
	Row          int
	CustomerCode string
	Financials
}

// ProductRow is one product.
type ProductRow struct {
	Row       int
	Code      string
	Name      string
	Category  string
	UOM       string
	ListPrice Money
	HasPrice  bool
}

// CustomerRow is one customer file; Set names the fields the file gives (others are kept).
type CustomerRow struct {
	Row        int
	Customer   Customer
	OwnerEmail string
	ParentCode string
	Set        map[string]bool
}

// ContactRow is one contact, matched by customer code and name.
type ContactRow struct {
	Row          int
	CustomerCode string
	UnitName     string
	Contact      Contact
	Set          map[string]bool
}

// WalletRow is one estimate of a customer's total purchases of a category in a year.
type WalletRow struct {
	Row          int
	CustomerCode string
	Category     string
	Year         int
	Amount       Money
}

// ImportSession writes one import. Each method takes a batch of rows and returns one result per
// row; an error means the session is broken (the database failed) and must be rolled back.
type ImportSession interface {
	OrderLines(rows []OrderLineRow) ([]RowResult, error)
	Invoices(rows []InvoiceRow) ([]RowResult, error)
	Payments(rows []PaymentRow) ([]RowResult, error)
	Costs(rows []CostRow) ([]RowResult, error)
	Financials(rows []FinancialsRow) ([]RowResult, error)
	Products(rows []ProductRow) ([]RowResult, error)
	Customers(rows []CustomerRow) ([]RowResult, error)
	Contacts(rows []ContactRow) ([]RowResult, error)
	Wallet(rows []WalletRow) ([]RowResult, error)
	// Finish commits, recording the file's SHA-256 and the summary against the import, or rolls
	// back.
	Finish(commit bool, sha256 string, summary any) error
}

// ImportStore starts import sessions and keeps saved column mappings.
type ImportStore interface {
	BeginImport(ctx context.Context, s ImportStart) (ImportSession, error)
	SaveMapping(ctx context.Context, name, kind string, mapping map[string]string) error
	Mapping(ctx context.Context, name string) (kind string, mapping map[string]string, err error)
}
