package kamhttp

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kam"
	"kam/locale"
	"kam/web"
)

// The audit log's page (/audit) and export (/audit/export), for admins and directors (the routes
// declare it; others get the forbidden page, like the API's 403).

const auditPer = 50

// auditQuery reads the page's filters; bad ones come back as messages per field.
func auditQuery(L *locale.Printer, v url.Values) (kam.AuditFilter, map[string]string) {
	var customerID int64
	errs := map[string]string{}
	if s := strings.TrimSpace(v.Get("customer_id")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			errs["customer_id"] = L.T("error.invalid")
		}
		customerID = id
	}
	f, err := parseAuditFilter(max(customerID, 0), v.Get("user"), v.Get("action"), v.Get("from"), v.Get("to"))
	for _, fe := range kam.FieldErrors(err) {
		errs[fe.Field] = L.T("error." + fe.Code)
	}
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

func (u *ui) auditPage(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	page := 1
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 && n < 1_000_000 {
		page = n
	}
	p := &web.AuditPage{Base: rq.base(L.T("audit.title"), "audit"), CustomerID: v.Get("customer_id"), User: v.Get("user"),
		Action: v.Get("action"), From: v.Get("from"), To: v.Get("to"), ClearURL: "/audit"}
	p.Actions = append(p.Actions, web.Option{Value: "", Label: L.T("audit.any_action"), Selected: p.Action == ""})
	for _, a := range kam.AuditActions() {
		p.Actions = append(p.Actions, web.Option{Value: string(a), Label: L.T("audit.action." + string(a)), Selected: string(a) == p.Action})
	}
	filters := url.Values{}
	for _, k := range []string{"customer_id", "user", "action", "from", "to"} {
		if s := strings.TrimSpace(v.Get(k)); s != "" {
			filters.Set(k, s)
		}
	}
	p.Filtered = len(filters) > 0
	f, errs := auditQuery(L, v)
	if errs != nil {
		p.Errors = errs
		rq.render(http.StatusUnprocessableEntity, "audit", p)
		return
	}
	p.ExportURL = "/audit/export?" + filters.Encode()
	f.Limit, f.Offset = auditPer, (page-1)*auditPer
	entries, total, err := u.s.Audit.FindAudit(ctx, f)
	if err != nil {
		rq.fail(err)
		return
	}
	p.Total = total
	if len(entries) > 0 {
		p.First, p.Last = f.Offset+1, f.Offset+len(entries)
	}
	names := map[int64]string{}
	for _, e := range entries {
		p.Rows = append(p.Rows, u.auditRow(rq, e, names))
	}
	p.Pager = pager(page, (total+auditPer-1)/auditPer, func(n int) string {
		q := url.Values{}
		for k, vals := range filters {
			q[k] = vals
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return "/audit"
		}
		return "/audit?" + q.Encode()
	})
	rq.render(http.StatusOK, "audit", p)
}

// auditRow shows an entry; customers are named (the readers of the log see every file), a file
// deleted since by its id.
func (u *ui) auditRow(rq *uiReq, e *kam.AuditEntry, names map[int64]string) web.AuditRow {
	L := rq.L
	r := web.AuditRow{ID: e.ID, At: L.DateTimeSeconds(e.At), Actor: e.ActorEmail, Action: L.T("audit.action." + string(e.Action)),
		Object: e.ObjectType, Address: e.RemoteAddr}
	if !L.Has("audit.action." + string(e.Action)) {
		r.Action = string(e.Action)
	}
	if r.Actor == "" {
		r.Actor = L.T("audit.system")
	}
	if e.ObjectID != 0 {
		r.Object += " #" + strconv.FormatInt(e.ObjectID, 10)
	}
	if e.CustomerID != nil {
		id := *e.CustomerID
		name, ok := names[id]
		if !ok {
			name = "#" + strconv.FormatInt(id, 10)
			if c, err := u.s.Customers.FindCustomerByID(rq.r.Context(), id); err == nil {
				name = c.Name
			}
			names[id] = name
		}
		r.Customer, r.CustomerURL = name, customerURL(id, "")
	}
	if len(e.Detail) > 0 {
		b, _ := json.Marshal(e.Detail)
		r.Detail = string(b)
	}
	return r
}

// auditExport is GET /audit/export?…the page's filters: the entries as CSV (UTF-8 with a BOM).
func (u *ui) auditExport(rq *uiReq) {
	v := rq.r.URL.Query()
	f, errs := auditQuery(rq.L, v)
	if errs != nil {
		rq.fail(kam.Errorf(kam.EInvalid, "invalid audit filter"))
		return
	}
	w := &lazyWriter{w: rq.w, start: func(h http.Header) {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="audit-`+u.today(rq.L)+`.csv"`)
		h.Set("Cache-Control", "no-store")
	}}
	if err := u.s.exportAudit(rq.r.Context(), w, f, "", queryDetail(v)); err != nil {
		if !w.started {
			rq.fail(err)
			return
		}
		u.s.Logger.Error("ui: audit export failed midway", "err", err)
		panic(http.ErrAbortHandler)
	}
	if err := w.begin(); err != nil {
		u.s.Logger.Warn("ui: audit export not delivered", "err", err)
	}
}
