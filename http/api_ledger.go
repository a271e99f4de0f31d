package kamhttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/analytics"
	"kam/importer"
	"kam/locale"
)

// The money side of the customer file: orders, invoices, payments, costs and products, their
// exports and imports. The http package uses the importer (a pure package: files in, records
// out, no storage) for the file formats of uploads and downloads.

// LedgerListInput is the filter of the ledger's lists and exports. Its type is exported because
// huma reads the parameters of an embedded struct only then: embedded unexported, the invoice,
// cost and export operations silently ignored q, customer_id, from, to, sort and paging.
type LedgerListInput struct {
	Q          string `query:"q" maxLength:"200" doc:"A prefix of the document number or the customer code, or part of the customer's name."`
	CustomerID int64  `query:"customer_id" doc:"Only this customer's documents."`
	From       string `query:"from" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"From this business date (YYYY-MM-DD)."`
	To         string `query:"to" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"Up to this business date (YYYY-MM-DD)."`
	Sort       string `query:"sort" maxLength:"40" doc:"Sort key; a leading - sorts descending. Orders: order_date, order_no, customer; invoices: invoice_date, due_date, invoice_no, amount, open, customer; payments: payment_date, reference, amount, customer; costs: entry_date, amount, expense_code, customer; products: code, name, category, list_price."`
	Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"20"`
	Offset     int    `query:"offset" minimum:"0" default:"0"`
}

func (in *LedgerListInput) filter() kam.LedgerFilter {
	f := kam.LedgerFilter{Q: in.Q, CustomerID: in.CustomerID, From: in.From, To: in.To, Limit: in.Limit, Offset: in.Offset,
		Today: time.Now().In(locale.Shanghai).Format("2006-01-02")}
	f.Sort, f.Desc = strings.TrimPrefix(in.Sort, "-"), strings.HasPrefix(in.Sort, "-")
	return f
}

type invoiceListInput struct {
	LedgerListInput
	Status string `query:"status" enum:"open,overdue,paid" doc:"open: not fully paid; overdue: open after the due date; paid."`
}

type costListInput struct {
	LedgerListInput
	ExpenseCode string `query:"expense_code" maxLength:"40" doc:"Only entries of this expense code."`
}

type orderOutput struct {
	ETag string `header:"ETag"`
	Body *kam.Order
}

type salesInput struct {
	ID   int64  `path:"id" minimum:"1"`
	From string `query:"from" pattern:"^\\d{4}-\\d{2}$" doc:"First month (YYYY-MM); default 23 months before this one."`
	To   string `query:"to" pattern:"^\\d{4}-\\d{2}$" doc:"Last month (YYYY-MM); default this month."`
}

type exportInput struct {
	Kind     string `path:"kind" enum:"customers,contacts,products,orders,invoices,payments,costs"`
	Format   string `query:"format" enum:"csv,xlsx" default:"csv"`
	Encoding string `query:"encoding" enum:"utf-8,gb18030" doc:"CSV only; default UTF-8 with a BOM."`
	LedgerListInput
	Status string `query:"status" enum:"open,overdue,paid" doc:"Invoices only."`
}

type importInput struct {
	Kind        string `path:"kind" enum:"customers,contacts,products,orders,invoices,payments,costs,financials,wallet"`
	DryRun      bool   `query:"dry_run" doc:"Check everything, write nothing."`
	SkipInvalid bool   `query:"skip_invalid" doc:"Write the good rows and report the bad ones (default: one bad row rejects the file)."`
	NoCreate    bool   `query:"no_create" doc:"Unknown customer and product codes are errors instead of new records."`
	Map         string `query:"map" maxLength:"2000" doc:"field=Column pairs separated by commas, for columns not named after their field."`
	Mapping     string `query:"mapping" maxLength:"100" doc:"A saved mapping by name."`
	Encoding    string `query:"encoding" enum:"utf-8,gb18030,gbk" doc:"CSV encoding; default: detected."`
	Sheet       string `query:"sheet" maxLength:"100" doc:"XLSX sheet; default: the first."`
	DateFormat  string `query:"date_format" maxLength:"40" doc:"Go layout for ambiguous dates, e.g. 1/2/2006."`
	FileName    string `query:"file_name" maxLength:"200" doc:"The file's name, recorded with the import."`
	RawBody     []byte `contentType:"application/octet-stream"`
}

type importOutput struct {
	Body *importer.Summary
}

// maxImportBytes bounds an uploaded file.
const maxImportBytes = 200 << 20

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (s *Server) registerLedgerAPI(api huma.API) {
	tags := []string{"ledger"}
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "list-orders", Method: http.MethodGet, Path: apiPrefix + "/orders",
		Summary: "List orders", Tags: tags, Description: "Orders and return documents of the customers the caller may see, with their amounts."},
		func(ctx context.Context, in *LedgerListInput) (*listOutput[*kam.Order], error) {
			items, total, err := s.Ledger.FindOrders(ctx, in.filter())
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Order]{Body: Page[*kam.Order]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "get-order", Method: http.MethodGet, Path: apiPrefix + "/orders/{id}",
		Summary: "Get an order with its lines", Tags: tags},
		func(ctx context.Context, in *idInput) (*orderOutput, error) {
			o, err := s.Ledger.FindOrder(ctx, in.ID)
			if err == nil {
				err = s.auditPartView(ctx, o.CustomerID, "order")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &orderOutput{ETag: etag(o.Version), Body: o}, nil
		})
	register(api, need(kam.ActDelete, kam.ResLedger), huma.Operation{OperationID: "delete-order", Method: http.MethodDelete, Path: apiPrefix + "/orders/{id}",
		Summary: "Delete an order", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Deletes an order with its lines (finance, directors, admins); its sales leave the rollups. Requires `If-Match`."},
		func(ctx context.Context, in *deleteInput) (*struct{}, error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := s.Ledger.DeleteOrder(ctx, in.ID, version); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return nil, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "list-invoices", Method: http.MethodGet, Path: apiPrefix + "/invoices",
		Summary: "List invoices", Tags: tags, Description: "Invoices with what is paid of them; `status` finds the open and the overdue."},
		func(ctx context.Context, in *invoiceListInput) (*listOutput[*kam.Invoice], error) {
			f := in.filter()
			f.Status = in.Status
			items, total, err := s.Ledger.FindInvoices(ctx, f)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Invoice]{Body: Page[*kam.Invoice]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "list-payments", Method: http.MethodGet, Path: apiPrefix + "/payments",
		Summary: "List payments", Tags: tags, Description: "Payments with their allocation to invoices."},
		func(ctx context.Context, in *LedgerListInput) (*listOutput[*kam.Payment], error) {
			items, total, err := s.Ledger.FindPayments(ctx, in.filter())
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Payment]{Body: Page[*kam.Payment]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "list-costs", Method: http.MethodGet, Path: apiPrefix + "/costs",
		Summary: "List cost-to-serve entries", Tags: tags},
		func(ctx context.Context, in *costListInput) (*listOutput[*kam.Cost], error) {
			f := in.filter()
			f.Status = in.ExpenseCode
			items, total, err := s.Ledger.FindCosts(ctx, f)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Cost]{Body: Page[*kam.Cost]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "list-products", Method: http.MethodGet, Path: apiPrefix + "/products",
		Summary: "List products", Tags: tags},
		func(ctx context.Context, in *LedgerListInput) (*listOutput[*kam.Product], error) {
			items, total, err := s.Ledger.FindProducts(ctx, in.filter())
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Product]{Body: Page[*kam.Product]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResLedger), huma.Operation{OperationID: "customer-sales", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/sales",
		Summary: "Monthly sales of a customer", Tags: tags,
		Description: "The customer's monthly rollup in the ledger currency: net revenue, returns, cost, gross profit, orders, lines, quantity."},
		func(ctx context.Context, in *salesInput) (*struct{ Body []kam.SalesMonth }, error) {
			// Counted from the first of this month: AddDate on the 31st would skip a short month.
			now := s.Now().In(locale.Shanghai)
			month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, locale.Shanghai)
			from, to := in.From, in.To
			if to == "" {
				to = month.Format("2006-01")
			}
			if from == "" {
				from = month.AddDate(0, -23, 0).Format("2006-01")
			}
			m, err := s.Ledger.SalesByMonth(ctx, in.ID, from, to)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, "sales")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body []kam.SalesMonth }{Body: m}, nil
		})
	register(api, needKind(kam.ActExport, "kind"), huma.Operation{OperationID: "export", Method: http.MethodGet, Path: apiPrefix + "/export/{kind}",
		Summary: "Export a list as CSV or XLSX", Tags: tags,
		Description: "The records the filters select, within what the caller may see, with the import field names as headers: the file imports back unchanged."},
		func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
			f := in.filter()
			f.Limit, f.Offset, f.Status = 0, 0, in.Status
			if err := s.exportScope(ctx, in.Kind, f.CustomerID); err != nil {
				return nil, s.apiError(ctx, err)
			}
			if err := s.checkBorrowedExport(ctx, in.Kind, f.CustomerID); err != nil {
				return nil, s.apiError(ctx, err)
			}
			ext := in.Format
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				hctx.SetHeader("Content-Type", contentTypeOf(ext))
				hctx.SetHeader("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, in.Kind, time.Now().In(locale.Shanghai).Format("2006-01-02"), ext))
				hctx.SetHeader("Cache-Control", "no-store")
				n, err := importer.Export(ctx, hctx.BodyWriter(), s.Exporter, in.Kind, f, importer.ExportOptions{Format: in.Format, Encoding: in.Encoding})
				if err != nil {
					// The status is sent; an error mid-stream can only cut the file short.
					s.Logger.Error("export", "kind", in.Kind, "err", err)
					panic(http.ErrAbortHandler)
				}
				if err := s.auditExport(ctx, in.Kind, in.Format, ledgerFilterDetail(f), n); err != nil {
					// An export that cannot be recorded must not arrive complete: the connection
					// is cut before the end of the file.
					s.Logger.Error("export not recorded in the audit log", "kind", in.Kind, "err", err)
					panic(http.ErrAbortHandler)
				}
			}}, nil
		})
	register(api, needKind(kam.ActImport, "kind"), huma.Operation{OperationID: "import", Method: http.MethodPost, Path: apiPrefix + "/imports/{kind}",
		Summary: "Import a CSV or XLSX file", Tags: tags, MaxBodyBytes: maxImportBytes,
		Description: "The request body is the file (CSV in UTF-8 or GB18030, or XLSX). One transaction: by default one bad row rejects the file. " +
			"The answer is the summary: rows read, created, updated, unchanged, rejected (by reason), the first problems by row and column. " +
			"A file rejected for bad rows answers 422 with the same summary."},
		func(ctx context.Context, in *importInput) (*importOutput, error) {
			sum, err := s.runImport(ctx, in)
			if err != nil {
				return nil, err
			}
			return &importOutput{Body: sum}, nil
		})
}

func contentTypeOf(ext string) string {
	if ext == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// runImport stores the uploaded file in a temporary file (the readers need to seek in XLSX) and
// imports it.
func (s *Server) runImport(ctx context.Context, in *importInput) (*importer.Summary, error) {
	if len(in.RawBody) == 0 {
		return nil, problem(http.StatusUnprocessableEntity, "the request body must be the file to import",
			&huma.ErrorDetail{Location: "body", Message: "empty"})
	}
	mapping, err := importer.ParseMapping(in.Map)
	if err != nil {
		return nil, problem(http.StatusUnprocessableEntity, err.Error(), &huma.ErrorDetail{Location: "query.map", Message: err.Error(), Value: in.Map})
	}
	if in.Mapping != "" {
		kind, saved, err := s.Imports.Mapping(ctx, in.Mapping)
		if err != nil {
			return nil, s.apiError(ctx, err)
		}
		if kind != in.Kind {
			return nil, problem(http.StatusUnprocessableEntity, "the saved mapping is for "+kind, &huma.ErrorDetail{Location: "query.mapping", Value: in.Mapping})
		}
		for f, c := range mapping {
			saved[f] = c
		}
		mapping = saved
	}
	f, err := os.CreateTemp("", "kam-import-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(in.RawBody)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, werr
	}
	name := in.FileName
	if name == "" {
		name = "upload"
	}
	sum, err := s.importFile(ctx, f.Name(), importer.RunOptions{Kind: in.Kind, Read: importer.Options{Encoding: in.Encoding, Sheet: in.Sheet},
		Mapping: mapping, DateLayout: in.DateFormat, NoCreate: in.NoCreate, SkipInvalid: in.SkipInvalid, DryRun: in.DryRun,
		FileName: filepath.Base(safeName.ReplaceAllString(name, "_"))})
	if err != nil {
		var fe *importer.FileError
		if errors.As(err, &fe) {
			return nil, problem(http.StatusUnprocessableEntity, fe.Error(), &huma.ErrorDetail{Location: "body", Message: fe.Error()})
		}
		return nil, s.apiError(ctx, err)
	}
	if sum.Rejected > 0 && !in.SkipInvalid && !in.DryRun {
		return nil, &importRejected{sum}
	}
	return sum, nil
}

// importFile runs an import; when it wrote sales or costs, the portfolio is classified again (as
// the system: the company's classification, whoever imported).
func (s *Server) importFile(ctx context.Context, path string, opt importer.RunOptions) (*importer.Summary, error) {
	sum, err := importer.Run(ctx, s.Imports, path, opt)
	if err != nil {
		return nil, err
	}
	if !opt.DryRun {
		// Also a file rejected for its bad rows: someone tried to change these records.
		if err := s.audit(ctx, sum.AuditEntry()); err != nil {
			return nil, err
		}
	}
	if sum.Written && sum.Created+sum.Updated > 0 && (opt.Kind == "orders" || opt.Kind == "costs") {
		if _, err := analytics.Reclassify(kam.WithActor(context.WithoutCancel(ctx), kam.System), s.Ledger, s.Now(), locale.Shanghai, "import"); err != nil {
			s.Logger.Error("classifying the portfolio after an import", "err", err)
		}
	}
	return sum, nil
}

// importRejected answers 422 with the summary, so that the client sees every problem.
type importRejected struct{ *importer.Summary }

func (e *importRejected) Error() string {
	return fmt.Sprintf("%d row(s) rejected: nothing was written", e.Rejected)
}
func (e *importRejected) GetStatus() int { return http.StatusUnprocessableEntity }
