package kamhttp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
	"kam/importer"
	"kam/locale"
)

// The audit log's API: admins and directors read, filter and export it (the routes declare
// view and export of the audit resource; others get 403: the log is no customer file, and that
// it exists is no secret). Nobody edits or deletes an entry: there is no route for it.

type auditListInput struct {
	CustomerID int64  `query:"customer_id" minimum:"0" doc:"Only entries about this customer file."`
	User       string `query:"user" maxLength:"254" doc:"Only entries by this user: an id, or an e-mail (a failed login names the e-mail tried)."`
	Action     string `query:"action" maxLength:"40" doc:"Only this action: customer.view, customer.create, customer.update, customer.delete, export, import, login.success, login.failure, logout, user.create, user.update, token.create, token.revoke, borrow.*, handover, denied, settings.update."`
	From       string `query:"from" maxLength:"40" doc:"From this moment (RFC 3339) or date (from its start, Asia/Shanghai)."`
	To         string `query:"to" maxLength:"40" doc:"Up to this moment (RFC 3339) or date (to its end, Asia/Shanghai)."`
	Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	Offset     int    `query:"offset" minimum:"0" default:"0"`
}

type auditExportInput struct {
	AuditFilterParams
	Encoding string `query:"encoding" enum:"utf-8,gb18030" doc:"Default UTF-8 with a BOM."`
}

// AuditFilterParams are the filters of the export (the list's, without paging). Exported, so
// that huma reads the parameters of the embedded struct.
type AuditFilterParams struct {
	CustomerID int64  `query:"customer_id" minimum:"0"`
	User       string `query:"user" maxLength:"254"`
	Action     string `query:"action" maxLength:"40"`
	From       string `query:"from" maxLength:"40"`
	To         string `query:"to" maxLength:"40"`
}

// parseAuditFilter checks the filters of the audit log's list and export. A bad one is an
// EInvalid error naming the parameter.
func parseAuditFilter(customerID int64, user, action, from, to string) (kam.AuditFilter, error) {
	f := kam.AuditFilter{CustomerID: customerID, User: strings.TrimSpace(user), Action: kam.AuditAction(strings.TrimSpace(action))}
	var v kam.Validation
	if customerID < 0 {
		v.Add("customer_id", "invalid", "must be a customer id")
	}
	if f.Action != "" && !f.Action.Valid() {
		v.Add("action", "invalid", "is not an audited action (customer.view, export, import, login.failure …)")
	}
	var err error
	if f.From, err = kam.ParseAuditTime(from, false, locale.Shanghai); err != nil {
		v.Add("from", "invalid", "%s", err.Error())
	}
	if f.To, err = kam.ParseAuditTime(to, true, locale.Shanghai); err != nil {
		v.Add("to", "invalid", "%s", err.Error())
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		v.Add("to", "before_from", "is before from")
	}
	if err := v.Err(); err != nil {
		return f, err
	}
	return f, nil
}

// auditFilterProblem answers a bad filter with 422 naming each query parameter.
func auditFilterProblem(err error) error {
	var details []*huma.ErrorDetail
	for _, fe := range kam.FieldErrors(err) {
		details = append(details, &huma.ErrorDetail{Location: "query." + fe.Field, Message: fe.Message})
	}
	return problem(http.StatusUnprocessableEntity, "invalid audit filter", details...)
}

func (s *Server) registerAuditAPI(api huma.API) {
	tags := []string{"audit"}
	register(api, need(kam.ActView, kam.ResAudit), huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: apiPrefix + "/audit",
		Summary: "List the audit log", Tags: tags,
		Description: "Views of customer files by others than their owner, exports, imports, changes, logins, user and token changes, refused attempts; newest first. " +
			"Admins and directors only (403 for others). Each entry names the actor (id and e-mail), the action, the object, the time and the request's address, " +
			"and carries its hash and the previous entry's (`kam audit verify` checks the chain)."},
		func(ctx context.Context, in *auditListInput) (*listOutput[*kam.AuditEntry], error) {
			f, err := parseAuditFilter(in.CustomerID, in.User, in.Action, in.From, in.To)
			if err != nil {
				return nil, auditFilterProblem(err)
			}
			f.Limit, f.Offset = in.Limit, in.Offset
			items, total, err := s.Audit.FindAudit(ctx, f)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			if items == nil {
				items = []*kam.AuditEntry{}
			}
			return &listOutput[*kam.AuditEntry]{Body: Page[*kam.AuditEntry]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})

	register(api, need(kam.ActExport, kam.ResAudit), huma.Operation{OperationID: "export-audit", Method: http.MethodGet, Path: apiPrefix + "/audit/export",
		Summary: "Export the audit log as CSV", Tags: tags,
		Description: "Every entry the filters select, newest first, as CSV (UTF-8 with a BOM, or GB18030). Admins and directors only. The export is itself recorded."},
		func(ctx context.Context, in *auditExportInput) (*huma.StreamResponse, error) {
			p := in.AuditFilterParams
			f, err := parseAuditFilter(p.CustomerID, p.User, p.Action, p.From, p.To)
			if err != nil {
				return nil, auditFilterProblem(err)
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				hctx.SetHeader("Content-Type", "text/csv; charset="+csvCharset(in.Encoding))
				hctx.SetHeader("Content-Disposition", `attachment; filename="audit-`+s.Now().In(locale.Shanghai).Format("2006-01-02")+`.csv"`)
				hctx.SetHeader("Cache-Control", "no-store")
				if err := s.exportAudit(ctx, hctx.BodyWriter(), f, in.Encoding, auditFilterDetail(p)); err != nil {
					s.Logger.Error("audit export", "err", err)
					panic(http.ErrAbortHandler) // a cut file must not look complete
				}
			}}, nil
		})
}

func csvCharset(encoding string) string {
	if encoding == "gb18030" {
		return "gb18030"
	}
	return "utf-8"
}

// auditFilterDetail names the filters set, for the export's own entry.
func auditFilterDetail(p AuditFilterParams) map[string]any {
	d := map[string]any{}
	if p.CustomerID > 0 {
		d["customer_id"] = p.CustomerID
	}
	for k, v := range map[string]string{"user": p.User, "action": p.Action, "from": p.From, "to": p.To} {
		if v != "" {
			d[k] = truncate(v, 100)
		}
	}
	return d
}

var auditCSVColumns = []string{"id", "at", "actor_id", "actor_email", "action", "object_type", "object_id", "customer_id",
	"remote_addr", "detail", "prev_hash", "hash"}

// exportAudit writes the entries f selects as CSV, page by page (by id, so entries appended
// meanwhile do not shift the pages), then records the export. An error after the first bytes
// means the caller must cut the download.
func (s *Server) exportAudit(ctx context.Context, w io.Writer, f kam.AuditFilter, encoding string, filters map[string]any) error {
	const page = 1000
	n, err := importer.WriteCSV(w, auditCSVColumns, encoding, func(emit func([]string) error) error {
		f.Limit, f.Offset = page, 0
		for {
			items, _, err := s.Audit.FindAudit(ctx, f)
			if err != nil {
				return err
			}
			for _, e := range items {
				if err := emit(auditCSVRecord(e)); err != nil {
					return err
				}
			}
			if len(items) < page {
				return nil
			}
			f.BeforeID = items[len(items)-1].ID
		}
	})
	if err != nil {
		return err
	}
	return s.auditExport(ctx, "audit", "csv", filters, n)
}

func auditCSVRecord(e *kam.AuditEntry) []string {
	cust := ""
	if e.CustomerID != nil {
		cust = strconv.FormatInt(*e.CustomerID, 10)
	}
	detail := ""
	if len(e.Detail) > 0 {
		b, _ := json.Marshal(e.Detail)
		detail = string(b)
	}
	return []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(e.ActorID, 10), e.ActorEmail,
		string(e.Action), e.ObjectType, strconv.FormatInt(e.ObjectID, 10), cust, e.RemoteAddr, detail, e.PrevHash, e.Hash}
}
