package kamhttp

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"

	"kam"
	"kam/importer"
	"kam/locale"
	"kam/web"
)

// The dashboard's downloads: every table of the dashboard pages as CSV (UTF-8 with a BOM, which
// Excel reads) or XLSX, never beyond the user's scope (the rows come from the same scoped
// figures and runs as the pages). The header row holds field names; amounts are plain decimals
// and shares fractions with six places, like the API.

// dashSections link the dashboard's pages; active names the current one.
func dashSections(L *locale.Printer, active string, p dashPeriod) []web.Link {
	return []web.Link{
		{Label: L.T("dashboard.section.overview"), URL: p.url("/dashboard", nil), Active: active == "overview"},
		{Label: L.T("dashboard.section.behaviour"), URL: p.url("/dashboard/behaviour", nil), Active: active == "behaviour"},
		{Label: L.T("dashboard.section.migration"), URL: "/dashboard/migration", Active: active == "migration"},
		{Label: L.T("dashboard.section.scorecard"), URL: p.url("/dashboard/scorecard", nil), Active: active == "scorecard"},
		{Label: L.T("dashboard.section.portfolio"), URL: p.url("/dashboard/portfolio", nil), Active: active == "portfolio"},
		{Label: L.T("dashboard.section.settings"), URL: "/settings/analytics", Active: active == "settings"},
		{Label: L.T("dashboard.section.filters"), URL: "/filters", Active: active == "filters"},
	}
}

// dashExports are a dashboard table's download links, CSV and XLSX.
func dashExports(L *locale.Printer, p dashPeriod, table string, more url.Values) []web.Link {
	v := url.Values{"table": {table}}
	for k, vals := range more {
		v[k] = vals
	}
	csvURL := p.url("/dashboard/export", v)
	v.Set("format", "xlsx")
	return []web.Link{{Label: L.T("export.csv"), URL: csvURL}, {Label: L.T("export.xlsx"), URL: p.url("/dashboard/export", v)}}
}

// download is a table to send as a file.
type download struct {
	name   string
	header []string
	// numeric marks the columns written to XLSX as numbers (so that Excel sums them).
	numeric map[string]bool
	rows    [][]string
}

var dashNumeric = map[string]bool{"rank": true, "net_revenue": true, "gross_profit": true, "cost_to_serve": true, "profit": true,
	"cumulative_profit": true, "share": true, "cumulative_share": true, "margin": true, "customers": true, "revenue": true,
	"from_rank": true, "to_rank": true, "from_revenue": true, "to_revenue": true, "run_id": true, "abc_rank": true,
	"estimate": true, "our_sales": true, "year": true}

// send writes the table as CSV or XLSX. Text cells are guarded against spreadsheet formulas.
func (rq *uiReq) send(d download, format string) {
	// The download is recorded in the audit log with the request's parameters before it leaves.
	filter := map[string]any{}
	for k := range rq.r.URL.Query() {
		filter[k] = rq.r.URL.Query().Get(k)
	}
	if err := rq.u.s.auditExport(rq.r.Context(), "dashboard_"+rq.r.URL.Query().Get("table"), format, filter, len(d.rows)); err != nil {
		rq.fail(err)
		return
	}
	h := rq.w.Header()
	h.Set("Cache-Control", "no-store")
	if format == "xlsx" {
		x := excelize.NewFile()
		defer x.Close()
		sw, err := x.NewStreamWriter(x.GetSheetName(0))
		if err == nil {
			err = writeSheet(sw, d)
		}
		if err != nil {
			rq.fail(err)
			return
		}
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="`+d.name+`.xlsx"`)
		rq.w.WriteHeader(http.StatusOK)
		x.Write(rq.w)
		return
	}
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+d.name+`.csv"`)
	rq.w.WriteHeader(http.StatusOK)
	rq.w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(rq.w)
	cw.UseCRLF = true
	cw.Write(d.header)
	for _, r := range d.rows {
		for i, v := range r {
			if !d.numeric[d.header[i]] {
				r[i] = importer.GuardFormula(v)
			}
		}
		cw.Write(r)
	}
	cw.Flush()
}

func writeSheet(sw *excelize.StreamWriter, d download) error {
	row := make([]any, len(d.header))
	for i, c := range d.header {
		row[i] = c
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for n, r := range d.rows {
		for i, v := range r {
			row[i] = importer.GuardFormula(v)
			if d.numeric[d.header[i]] {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					row[i] = f
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// exportFormat reads format=csv|xlsx (csv when empty).
func exportFormat(v url.Values) (string, error) {
	switch f := v.Get("format"); f {
	case "", "csv":
		return "csv", nil
	case "xlsx":
		return f, nil
	default:
		return "", kam.Errorf(kam.EInvalid, "unknown format %q", f)
	}
}

// dashboardExport is GET /dashboard/export?table=abc|profit|customers|migration|scorecard|portfolio&format=csv|xlsx
// with the table's own parameters (the period; a tier or loss=1; the runs of a migration).
func (u *ui) dashboardExport(rq *uiReq) {
	v := rq.r.URL.Query()
	format, err := exportFormat(v)
	if err != nil {
		rq.fail(err)
		return
	}
	table := v.Get("table")
	if table == "migration" {
		u.migrationExport(rq, format)
		return
	}
	if table == "scorecard" || table == "portfolio" {
		d, err := u.keyAccountDownload(rq, table, v)
		if err != nil {
			rq.fail(err)
			return
		}
		rq.send(d, format)
		return
	}
	if table == "behaviour" || table == "segments" {
		u.behaviourExport(rq, format)
		return
	}
	if table != "abc" && table != "profit" && table != "customers" {
		rq.fail(kam.Errorf(kam.EInvalid, "unknown table %q", table))
		return
	}
	tier, loss, err := customerSetParams(v)
	if err != nil {
		rq.fail(err)
		return
	}
	_, pf, ok := u.periodPortfolio(rq, v, false)
	if !ok {
		return
	}
	d := download{name: table + "-" + pf.from + "-" + pf.to, numeric: dashNumeric}
	switch table {
	case "abc":
		d.header = []string{"rank", "customer_code", "class", "net_revenue", "share", "cumulative_share"}
		for _, r := range pf.abc.Ranks {
			d.rows = append(d.rows, []string{strconv.Itoa(r.Rank), r.Code, r.Class, r.Revenue.String(), shareOf(r.Share.Rat()).Text, shareOf(r.Cumulative.Rat()).Text})
		}
	case "profit":
		w := u.s.whaleOf(rq.r.Context(), pf.from, pf.to, pf.set, pf.figures)
		byID := map[int64]kam.CustomerPeriod{}
		for _, f := range pf.figures {
			byID[f.CustomerID] = f
		}
		d.header = []string{"rank", "customer_code", "net_revenue", "gross_profit", "cost_to_serve", "profit", "cumulative_profit"}
		for _, pt := range w.Points {
			f := byID[pt.CustomerID]
			d.rows = append(d.rows, []string{strconv.Itoa(pt.Rank), pt.Code, f.NetRevenue.String(), f.GrossProfit.String(), f.CostToServe.String(),
				pt.Profit.String(), pt.Cumulative.String()})
		}
	case "customers":
		if tier != "" {
			d.name = tier + "-" + pf.from + "-" + pf.to
		} else if loss {
			d.name = "cost-customers-" + pf.from + "-" + pf.to
		}
		d.header = []string{"rank", "customer_code", "class", "tier", "net_revenue", "gross_profit", "cost_to_serve", "profit", "margin"}
		for _, r := range pf.customerSet(tier, loss) {
			d.rows = append(d.rows, []string{strconv.Itoa(r.Rank), r.Code, r.Class, r.tier, r.fig.NetRevenue.String(), r.fig.GrossProfit.String(),
				r.fig.CostToServe.String(), r.fig.Profit().String(), marginText(r.fig)})
		}
	}
	rq.send(d, format)
}

// marginText is the profit after cost-to-serve over net revenue, six places; empty without revenue.
func marginText(f kam.CustomerPeriod) string {
	if f.NetRevenue <= 0 {
		return ""
	}
	return shareOf(shareOfTotal(f.Profit(), f.NetRevenue)).Text
}
