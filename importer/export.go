package importer

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kam"
)

// ExportOptions choose the file an export writes.
type ExportOptions struct {
	Format   string // "csv" (default) or "xlsx"
	Encoding string // CSV only: "" or "utf-8" (with a BOM, so Excel opens it as UTF-8), or "gb18030"
}

// ExportKinds lists the kinds that export.
var ExportKinds = []string{"customers", "contacts", "products", "orders", "invoices", "payments", "costs"}

// exportFields are an export's columns: the kind's import fields, less those that only restate
// another (an order line's cost is exported, its unit cost and profit are not).
func exportFields(k *Kind) []string {
	skip := map[string]bool{}
	switch k.Name {
	case "orders":
		skip["unit_cost"], skip["profit"] = true, true
	}
	var out []string
	for _, f := range k.Fields {
		if !skip[f.Name] {
			out = append(out, f.Name)
		}
	}
	return out
}

// Export writes the records of kind that f selects to w and returns how many it wrote. The header
// row holds the import field names, so the file imports back with no mapping.
func Export(ctx context.Context, w io.Writer, src kam.Exporter, kind string, f kam.LedgerFilter, opt ExportOptions) (int, error) {
	k, ok := KindNamed(kind)
	if !ok || !contains(ExportKinds, kind) {
		return 0, &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("unknown export kind %q (kinds: %s)", kind, strings.Join(ExportKinds, ", "))}
	}
	cols := exportFields(k)
	switch strings.ToLower(opt.Format) {
	case "", "csv":
		return exportCSV(ctx, w, src, k, cols, f, opt.Encoding)
	case "xlsx":
		return exportXLSX(ctx, w, src, k, cols, f)
	}
	return 0, &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("unknown format %q: csv or xlsx", opt.Format)}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func exportCSV(ctx context.Context, w io.Writer, src kam.Exporter, k *Kind, cols []string, f kam.LedgerFilter, encoding string) (int, error) {
	rec := make([]string, len(cols))
	return WriteCSV(w, cols, encoding, func(emit func([]string) error) error {
		return src.Export(ctx, k.Name, f, func(m map[string]string) error {
			for i, c := range cols {
				rec[i] = m[c]
			}
			return emit(rec)
		})
	})
}

// WriteCSV writes a table as every export's CSV is written: a BOM for UTF-8 (Excel opens it as
// such) or GB18030, CRLF line ends, and text cells guarded against formulas (numeric fields
// aside). rows calls emit once per record; WriteCSV returns how many were written. The audit
// log's export, which is no import kind, uses it too.
func WriteCSV(w io.Writer, cols []string, encoding string, rows func(emit func([]string) error) error) (int, error) {
	switch strings.ToLower(encoding) {
	case "", "utf-8", "utf8":
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return 0, err
		}
	case "gb18030", "gbk":
		w = simplifiedchinese.GB18030.NewEncoder().Writer(w)
	default:
		return 0, &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("unknown encoding %q: utf-8 or gb18030", encoding)}
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(cols); err != nil {
		return 0, err
	}
	n := 0
	out := make([]string, len(cols))
	err := rows(func(rec []string) error {
		for i, c := range cols {
			out[i] = rec[i]
			if !numericFields[c] {
				out[i] = GuardFormula(out[i])
			}
		}
		n++
		return cw.Write(out)
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// GuardFormula keeps a spreadsheet from running a text cell as a formula (a customer named
// "=HYPERLINK(…)" would otherwise act when the export is opened): text that starts with = + - @
// (or a tab or carriage return) gets a leading apostrophe, which Excel shows as text and the
// importer removes again, so the file still imports back unchanged.
func GuardFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r'", rune(v[0])) {
		return "'" + v
	}
	return v
}

// UnguardFormula undoes GuardFormula on a text cell read from a file.
func UnguardFormula(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r'", rune(v[1])) {
		return v[1:]
	}
	return v
}

// numericFields are written to XLSX as numbers, so that Excel sums them; everything else (codes
// above all: 17850.0, 00123) is text, kept exactly as stored.
var numericFields = map[string]bool{"quantity": true, "unit_price": true, "discount": true, "amount": true, "cost": true,
	"fx_rate": true, "list_price": true, "line_no": true, "relationship": true}

// xlsxCell returns a numeric field as a float when a double holds it exactly (15 significant
// digits), else as text.
func xlsxCell(field, v string) any {
	if !numericFields[field] || v == "" {
		return GuardFormula(v)
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits > 15 {
		return v
	}
	fl, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return fl
}

// maxXLSXRows is a worksheet's row limit, header included.
const maxXLSXRows = 1048576

func exportXLSX(ctx context.Context, w io.Writer, src kam.Exporter, k *Kind, cols []string, f kam.LedgerFilter) (int, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = c
	}
	if err := sw.SetRow("A1", row); err != nil {
		return 0, err
	}
	n := 0
	err = src.Export(ctx, k.Name, f, func(m map[string]string) error {
		if n+2 > maxXLSXRows {
			return &kam.Error{Code: kam.EInvalid, Message: fmt.Sprintf("more than %d rows do not fit in one worksheet: export as CSV or narrow the filter", maxXLSXRows-1)}
		}
		for i, c := range cols {
			row[i] = xlsxCell(c, m[c])
		}
		n++
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, x.Write(w)
}
