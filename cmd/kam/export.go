package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"kam"
	"kam/importer"
	"kam/locale"
	"kam/sqldb"
)

func (a *app) exportCmd() *cobra.Command {
	var (
		format, encoding, output, as, customer, q, from, to, status string
	)
	cmd := &cobra.Command{
		Use:   "export KIND",
		Short: "Export customers, contacts, products, orders, invoices, payments or costs as CSV or XLSX",
		Long: `Writes every record of a kind that the filters select, with the import field names as headers,
so that the file imports back with no mapping and changes nothing. Orders export one row per line.

CSV is UTF-8 with a BOM (Excel opens it as such); --encoding gb18030 writes what older Excel in China
expects. Without --output the file goes to standard output. With --as the export holds only what that
user may see.

Kinds: ` + strings.Join(importer.ExportKinds, ", "),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, db, err := a.openAs(cmd.Context(), as)
			if err != nil {
				return err
			}
			defer db.Close()
			cs := sqldb.NewCustomerService(db)
			ledger := sqldb.NewLedgerService(db, cs)
			f := kam.LedgerFilter{Q: q, From: from, To: to, Status: status, Today: time.Now().In(locale.Shanghai).Format("2006-01-02")}
			if customer != "" {
				found, _, err := cs.FindCustomers(ctx, kam.CustomerFilter{Q: customer, Limit: 50})
				if err != nil {
					return err
				}
				for _, c := range found {
					if c.Code == customer {
						f.CustomerID = c.ID
					}
				}
				if f.CustomerID == 0 {
					return fmt.Errorf("--customer %s: no such customer (or not yours to see)", customer)
				}
			}
			var w io.Writer = a.stdout
			var file *os.File
			if output != "" && output != "-" {
				if file, err = os.Create(output); err != nil {
					return err
				}
				w = file
			}
			n, err := importer.Export(ctx, w, ledger, args[0], f, importer.ExportOptions{Format: format, Encoding: encoding})
			if err == nil {
				// A file whose export cannot be recorded is removed (standard output is gone).
				filters := map[string]any{}
				for k, v := range map[string]string{"customer": customer, "q": q, "from": from, "to": to, "status": status} {
					if v != "" {
						filters[k] = v
					}
				}
				e := &kam.AuditEntry{Action: kam.AuditExport, ObjectType: "export", Detail: map[string]any{"kind": args[0], "format": format, "rows": n}}
				if len(filters) > 0 {
					e.Detail["filters"] = filters
				}
				if f.CustomerID != 0 {
					e.CustomerID = &f.CustomerID
				}
				err = recordCLI(ctx, db, "export", e)
			}
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(output)
				}
			}
			if err != nil {
				return err
			}
			if file != nil {
				fmt.Fprintf(a.stderr, "%d %s written to %s\n", n, args[0], output)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "csv", "csv or xlsx")
	fl.StringVar(&encoding, "encoding", "", "CSV encoding: utf-8 (default, with BOM) or gb18030")
	fl.StringVarP(&output, "output", "o", "", "file to write (default: standard output)")
	fl.StringVar(&as, "as", "", "export as this user (e-mail): only what they may see")
	fl.StringVar(&customer, "customer", "", "only this customer (code)")
	fl.StringVar(&q, "q", "", "document number or customer code prefix, or part of the customer's name")
	fl.StringVar(&from, "from", "", "from this date (YYYY-MM-DD)")
	fl.StringVar(&to, "to", "", "up to this date (YYYY-MM-DD)")
	fl.StringVar(&status, "status", "", "invoices: open, overdue or paid")
	return cmd
}
