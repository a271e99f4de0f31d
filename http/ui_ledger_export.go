package kamhttp

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"kam"
	"kam/importer"
	"kam/locale"
	"kam/web"
)

// Exports: every list offers its current filter as a download in the import's own format (the
// header row holds the import field names, amounts are plain decimals), so an export imports
// back unchanged. The Exporter applies the user's scope; the handler only chooses the file.

// exportFormats are the downloads each list offers.
var exportFormats = []struct{ format, encoding, label string }{
	{"csv", "", "export.csv"},
	{"csv", "gb18030", "export.csv_gb18030"},
	{"xlsx", "", "export.xlsx"},
}

// exportLinks are the download links of a list's filter.
func exportLinks(L *locale.Printer, kind string, filter url.Values) []web.Link {
	out := make([]web.Link, 0, len(exportFormats))
	for _, f := range exportFormats {
		v := url.Values{}
		for k, vals := range filter {
			v[k] = vals
		}
		v.Set("format", f.format)
		if f.encoding != "" {
			v.Set("encoding", f.encoding)
		}
		out = append(out, web.Link{Label: L.T(f.label), URL: "/export/" + kind + "?" + v.Encode()})
	}
	return out
}

// customerExportValues are the customer list's filter parameters.
func customerExportValues(q listQuery) url.Values {
	q.Sort, q.Per, q.Page = defaultSort, defaultPer, 1
	u, _ := url.Parse(q.url())
	return u.Query()
}

// export is GET /export/{kind}?format=csv|xlsx&encoding=gb18030&… with the list's filter.
func (u *ui) export(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	kind := rq.r.PathValue("kind")
	if !slices.Contains(importer.ExportKinds, kind) {
		rq.fail(kam.Errorf(kam.ENotFound, "no export %q", kind))
		return
	}
	v := rq.r.URL.Query()
	opt := importer.ExportOptions{Format: v.Get("format"), Encoding: v.Get("encoding")}
	switch opt.Format {
	case "":
		opt.Format = "csv"
	case "csv", "xlsx":
	default:
		rq.fail(kam.Errorf(kam.EInvalid, "unknown format %q", opt.Format))
		return
	}
	switch opt.Encoding {
	case "", "utf-8", "gb18030":
	default:
		rq.fail(kam.Errorf(kam.EInvalid, "unknown encoding %q", opt.Encoding))
		return
	}
	if opt.Format == "xlsx" {
		opt.Encoding = ""
	}
	today := u.today(L)
	var src kam.Exporter = u.s.Exporter
	var f kam.LedgerFilter
	switch kind {
	case "customers":
		q := parseListQuery(v)
		if q.filtered() {
			// The list's search reaches further than the Exporter's (contacts, pinyin …): export
			// exactly the files the list shows, by their codes.
			lf, err := u.listFilter(ctx, q)
			if err != nil {
				rq.fail(err)
				return
			}
			codes, err := u.customerCodes(ctx, lf)
			if err != nil {
				rq.fail(err)
				return
			}
			src = keepRows{src, func(m map[string]string) bool { return codes[m["code"]] }}
		}
	case "contacts":
		if id, err := strconv.ParseInt(v.Get("customer"), 10, 64); err == nil && id > 0 {
			f.CustomerID = id
		}
	default:
		k := ledgerLists[kind]
		var statuses []string
		switch k.status {
		case "invoice":
			statuses = invoiceStatuses
		case "expense":
			codes, err := u.s.Ledger.ExpenseCodes(ctx)
			if err != nil {
				rq.fail(err)
				return
			}
			for _, c := range codes {
				statuses = append(statuses, c.Code)
			}
		}
		q := parseLedgerQuery(k, v, statuses)
		f = q.filter(today)
		f.Sort, f.Desc, f.Limit, f.Offset = "", false, 0, 0
		if kind == "costs" && q.Status != "" {
			// The Exporter filters costs by customer, dates and q only; the list's expense code
			// filter is applied here.
			code := q.Status
			src = keepRows{src, func(m map[string]string) bool { return m["expense_code"] == code }}
		}
	}
	ext, ctype := "csv", "text/csv; charset=utf-8"
	switch {
	case opt.Format == "xlsx":
		ext, ctype = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case opt.Encoding == "gb18030":
		ctype = "text/csv; charset=gb18030"
	}
	name := kind + "-" + today + "." + ext
	w := &lazyWriter{w: rq.w, start: func(h http.Header) {
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
	}}
	if err := u.s.exportScope(ctx, kind, f.CustomerID); err != nil {
		rq.fail(err)
		return
	}
	n, err := importer.Export(ctx, w, src, kind, f, opt)
	if err == nil {
		// Recorded before the file's last bytes leave; when it cannot be, the file is not sent
		// (or, once begun, cut off).
		err = u.s.auditExport(ctx, kind, opt.Format, queryDetail(v, "format", "encoding"), n)
	}
	if err != nil {
		if !w.started {
			rq.fail(err)
			return
		}
		// The download has begun: a truncated file must not look complete, so the connection
		// is cut and the browser reports a failed download.
		if ctx.Err() == nil {
			u.s.Logger.Error("ui: export failed midway", "kind", kind, "rows", n, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	if err := w.begin(); err != nil {
		u.s.Logger.Warn("ui: export not delivered", "kind", kind, "err", err)
	}
}

// customerCodes collects the codes of the customers a customer-list filter selects, page by page.
func (u *ui) customerCodes(ctx context.Context, f kam.CustomerFilter) (map[string]bool, error) {
	const page = 1000
	codes := map[string]bool{}
	f.Sort, f.Limit = "code", page
	for f.Offset = 0; ; f.Offset += page {
		list, total, err := u.s.Customers.FindCustomers(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			codes[c.Code] = true
		}
		if len(list) < page || f.Offset+page >= total {
			return codes, nil
		}
	}
}

// keepRows is an Exporter that passes on only the rows keep accepts.
type keepRows struct {
	src  kam.Exporter
	keep func(map[string]string) bool
}

func (k keepRows) Export(ctx context.Context, kind string, f kam.LedgerFilter, fn func(map[string]string) error) error {
	return k.src.Export(ctx, kind, f, func(m map[string]string) error {
		if !k.keep(m) {
			return nil
		}
		return fn(m)
	})
}

// lazyWriter holds back the first bytes of a download and sets its headers only when they are
// sent, so that an error of the store at the start (a refused filter, a failed query) still
// answers with an error page rather than a cut-off file.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func(http.Header)
	started bool
	buf     []byte
}

// lazyHold is how much of a download is held back before it starts.
const lazyHold = 64 << 10

func (l *lazyWriter) begin() error {
	if l.started {
		return nil
	}
	l.started = true
	l.start(l.w.Header())
	l.w.WriteHeader(http.StatusOK)
	_, err := l.w.Write(l.buf)
	l.buf = nil
	return err
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.buf = append(l.buf, p...)
		if len(l.buf) < lazyHold {
			return len(p), nil
		}
		return len(p), l.begin()
	}
	return l.w.Write(p)
}
