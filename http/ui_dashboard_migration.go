package kamhttp

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"

	"kam"
	"kam/analytics"
	"kam/locale"
	"kam/web"
)

// The migration matrix: how the customers the user may see moved between the ABC classes (or the
// value tiers) of two stored classification runs, with the customers of each cell.

// migrationRunsListed bounds the runs offered to choose from (the nightly run adds one a day).
const migrationRunsListed = 400

// migration is the comparison of two runs.
type migration struct {
	runs     []*kam.ClassificationRun
	from, to *kam.ClassificationRun
	by       string // class or tier
	moves    []analytics.Move
}

// keys are the matrix's rows and columns: the classes or tiers, then Absent (new, gone).
func (m *migration) keys() []string {
	if m.by == "tier" {
		return append(slices.Clone(tierOrder), analytics.Absent)
	}
	return []string{"A", "B", "C", analytics.Absent}
}

// cell returns where a move starts and ends on the matrix.
func (m *migration) cell(mv analytics.Move) (string, string) {
	if m.by == "tier" {
		return mv.FromTier, mv.ToTier
	}
	return mv.FromClass, mv.ToClass
}

// values are the URL parameters that select this comparison.
func (m *migration) values() url.Values {
	v := url.Values{"from_run": {strconv.FormatInt(m.from.ID, 10)}, "to_run": {strconv.FormatInt(m.to.ID, 10)}}
	if m.by == "tier" {
		v.Set("by", "tier")
	}
	return v
}

// errNeedRuns: fewer than two stored runs, nothing to compare.
var errNeedRuns = kam.Errorf(kam.ENotFound, "fewer than two classification runs are stored")

// migrationOf reads from_run, to_run and by=class|tier. Without runs named, it compares the
// newest run with the newest one of another period (or, when every run has the same period, the
// one before it).
func (u *ui) migrationOf(ctx context.Context, rq *uiReq, v url.Values) (*migration, error) {
	m := &migration{by: v.Get("by")}
	switch m.by {
	case "":
		m.by = "class"
	case "class", "tier":
	default:
		return nil, kam.Errorf(kam.EInvalid, "by must be class or tier")
	}
	ids := [2]int64{}
	for i, name := range []string{"from_run", "to_run"} {
		if s := v.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 1 {
				return nil, kam.Errorf(kam.EInvalid, "%s must be a run's id", name)
			}
			ids[i] = n
		}
	}
	runs, err := u.s.Ledger.ClassificationRuns(ctx, migrationRunsListed)
	if err != nil {
		return nil, err
	}
	m.runs = runs
	if ids[1] == 0 && len(runs) > 0 {
		ids[1] = runs[0].ID
	}
	if ids[0] == 0 {
		ids[0] = previousRun(runs, ids[1])
	}
	if ids[0] == 0 || ids[1] == 0 {
		return m, errNeedRuns
	}
	rm, err := u.s.movesOf(ctx, ids[0], ids[1], [2]string{}, [2]string{})
	if err != nil {
		return m, err
	}
	m.from, m.to, m.moves = rm.from, rm.to, rm.moves
	return m, nil
}

// previousRun is the run to compare with the run id: the newest older one of another period,
// else the newest older one.
func previousRun(runs []*kam.ClassificationRun, id int64) int64 {
	var to *kam.ClassificationRun
	var older []*kam.ClassificationRun
	for _, r := range runs {
		switch {
		case r.ID == id:
			to = r
		case r.ID < id:
			older = append(older, r)
		}
	}
	if to == nil || len(older) == 0 {
		return 0
	}
	for _, r := range older {
		if r.From != to.From || r.To != to.To {
			return r.ID
		}
	}
	return older[0].ID
}

// runLabel names a run: its number, period, source and time.
func runLabel(L *locale.Printer, r *kam.ClassificationRun) string {
	return L.T("migration.run", strconv.FormatInt(r.ID, 10), r.From, r.To, L.Enum("run_source", r.Source), L.DateTime(r.At))
}

// keyLabel names a row or column of the matrix.
func (m *migration) keyLabel(L *locale.Printer, k string, later bool) string {
	switch {
	case k == analytics.Absent && later:
		return L.T("migration.gone")
	case k == analytics.Absent:
		return L.T("migration.new")
	case m.by == "tier":
		return L.Enum("tier", k)
	}
	return L.T("dashboard.class", k)
}

type migrationCell struct {
	customers int
	revenue   kam.Money
}

// key names the comparison in the memo.
func (m *migration) key() string {
	return m.by + " " + runsKey(m.from.ID, m.to.ID, [2]string{}, [2]string{})
}

// matrixOf is m.matrix, once per generation (shared: read it, never change it).
func (u *ui) matrixOf(ctx context.Context, m *migration) (map[string]map[string]*migrationCell, error) {
	return memoized(u.s, ctx, "migration cells "+m.key(), func(context.Context) (map[string]map[string]*migrationCell, error) {
		return m.matrix(), nil
	})
}

// matrix sums the moves per cell. A cell's revenue is the customers' net revenue in the later run;
// for those gone, in the earlier one.
func (m *migration) matrix() map[string]map[string]*migrationCell {
	out := map[string]map[string]*migrationCell{}
	for _, f := range m.keys() {
		out[f] = map[string]*migrationCell{}
		for _, t := range m.keys() {
			out[f][t] = &migrationCell{}
		}
	}
	for _, mv := range m.moves {
		f, t := m.cell(mv)
		c := out[f][t]
		if c == nil {
			continue
		}
		c.customers++
		if t == analytics.Absent {
			c.revenue += mv.FromRevenue
		} else {
			c.revenue += mv.ToRevenue
		}
	}
	return out
}

// heatChart is the heat map's data: x the later run's keys, y the earlier's; each cell [x, y,
// customers, revenue in yuan, the URL of its customers].
type heatChart struct {
	X      []string `json:"x"`
	Y      []string `json:"y"`
	Cells  [][]any  `json:"cells"`
	Max    int      `json:"max"`
	Labels labels   `json:"labels"`
}

// dashboardMigration is GET /dashboard/migration?from_run=&to_run=&by=class|tier.
func (u *ui) dashboardMigration(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	heading := L.T("migration.title")
	page := &web.MigrationPage{Base: rq.base(heading, "dashboard"), Heading: heading, Sections: dashSections(L, "migration", dashPeriod{})}
	m, err := u.migrationOf(ctx, rq, rq.r.URL.Query())
	switch {
	case err == errNeedRuns:
		page.Message = L.T("migration.need_runs")
		page.Runs = runOptions(L, m.runs, 0)
		rq.render(200, "dashboard_migration", page)
		return
	case err != nil && kam.ErrorCodeOf(err) == kam.EInvalid && m == nil:
		page.Error = L.T("migration.bad_request")
		rq.render(400, "dashboard_migration", page)
		return
	case err != nil:
		rq.fail(err)
		return
	}
	page.Runs = runOptions(L, m.runs, 0)
	page.FromRuns, page.ToRuns = runOptions(L, m.runs, m.from.ID), runOptions(L, m.runs, m.to.ID)
	page.FromRun, page.ToRun = strconv.FormatInt(m.from.ID, 10), strconv.FormatInt(m.to.ID, 10)
	page.By = m.by
	for _, by := range []string{"class", "tier"} {
		v := m.values()
		v.Del("by")
		if by == "tier" {
			v.Set("by", by)
		}
		page.ByLinks = append(page.ByLinks, web.Link{Label: L.T("migration.by." + by), URL: "/dashboard/migration?" + v.Encode(), Active: m.by == by})
	}
	page.FromLabel, page.ToLabel = runLabel(L, m.from), runLabel(L, m.to)

	cells, err := u.matrixOf(ctx, m)
	if err != nil {
		rq.fail(err)
		return
	}
	keys := m.keys()
	maxCount := 0
	for _, f := range keys {
		for _, t := range keys {
			maxCount = max(maxCount, cells[f][t].customers)
		}
	}
	t := web.LedgerTable{ID: "migration-table", Empty: L.T("dashboard.empty")}
	t.Columns = append(t.Columns, web.Column{Label: L.T("migration.corner")})
	for _, k := range keys {
		t.Columns = append(t.Columns, web.Column{Label: m.keyLabel(L, k, true), Class: "num"})
	}
	t.Columns = append(t.Columns, web.Column{Label: L.T("sales.total"), Class: "num"})
	hc := heatChart{Max: maxCount, Cells: [][]any{}, Labels: labels{Title: heading, X: L.T("migration.axis_to"), Y: L.T("migration.axis_from"),
		Series: L.T("dashboard.col.customers")}}
	for _, k := range keys {
		hc.X = append(hc.X, m.keyLabel(L, k, true))
		hc.Y = append(hc.Y, m.keyLabel(L, k, false))
	}
	for yi, f := range keys {
		row := web.LedgerRow{Cells: []web.Cell{{Text: m.keyLabel(L, f, false), Class: "cls"}}}
		total := 0
		for xi, to := range keys {
			c := cells[f][to]
			total += c.customers
			if f == analytics.Absent && to == analytics.Absent {
				row.Cells = append(row.Cells, web.Cell{Text: "", Class: "num"})
				continue
			}
			cl := "num heat heat-" + strconv.Itoa(heatLevel(c.customers, maxCount))
			if f == to {
				cl += " same"
			}
			cell := web.Cell{Text: L.Int(c.customers), Class: cl, Lines: []string{L.Total(int64(c.revenue))}}
			link := m.values()
			link.Set("was", f)
			link.Set("now", to)
			if c.customers > 0 {
				cell.URL = "/dashboard/migration/customers?" + link.Encode()
			}
			row.Cells = append(row.Cells, cell)
			hc.Cells = append(hc.Cells, []any{xi, yi, c.customers, yuan(c.revenue), cell.URL})
		}
		row.Cells = append(row.Cells, web.Cell{Text: L.Int(total), Class: "num"})
		t.Rows = append(t.Rows, row)
	}
	page.Matrix = t
	b, _ := json.Marshal(hc)
	page.ChartJSON = string(b)
	page.Exports = migrationExports(L, m.values())
	rq.render(200, "dashboard_migration", page)
}

// heatLevel is a cell's shade, 0 (empty) to 5 (the largest cell).
func heatLevel(n, most int) int {
	if n <= 0 || most <= 0 {
		return 0
	}
	return (5*n + most - 1) / most
}

func runOptions(L *locale.Printer, runs []*kam.ClassificationRun, selected int64) []web.Option {
	out := make([]web.Option, 0, len(runs))
	for _, r := range runs {
		out = append(out, web.Option{Value: strconv.FormatInt(r.ID, 10), Label: runLabel(L, r), Selected: r.ID == selected})
	}
	return out
}

func migrationExports(L *locale.Printer, v url.Values) []web.Link {
	v.Set("table", "migration")
	csvURL := "/dashboard/export?" + v.Encode()
	v.Set("format", "xlsx")
	return []web.Link{{Label: L.T("export.csv"), URL: csvURL}, {Label: L.T("export.xlsx"), URL: "/dashboard/export?" + v.Encode()}}
}

// cellParams reads was= and now= (a cell of the matrix; both empty for every move).
func (m *migration) cellParams(v url.Values) (string, string, error) {
	was, now := v.Get("was"), v.Get("now")
	if was == "" && now == "" {
		return "", "", nil
	}
	if !slices.Contains(m.keys(), was) || !slices.Contains(m.keys(), now) {
		return "", "", kam.Errorf(kam.EInvalid, "was and now must name a row and a column of the matrix")
	}
	return was, now, nil
}

// migrationCell reads a comparison and a cell of its matrix (was= and now=; every move when
// both are empty) and lists the cell's moves.
func (u *ui) migrationCell(ctx context.Context, rq *uiReq, v url.Values) (m *migration, was, now string, moves []analytics.Move, err error) {
	if m, err = u.migrationOf(ctx, rq, v); err != nil {
		return m, "", "", nil, err
	}
	if was, now, err = m.cellParams(v); err != nil {
		return m, "", "", nil, err
	}
	if was == "" {
		return m, was, now, m.moves, nil
	}
	moves, err = memoized(u.s, ctx, "migration cell "+was+" "+now+" "+m.key(), func(context.Context) ([]analytics.Move, error) {
		var moves []analytics.Move
		for _, mv := range m.moves {
			if f, t := m.cell(mv); f == was && t == now {
				moves = append(moves, mv)
			}
		}
		return moves, nil
	})
	return m, was, now, moves, err
}

// migrationCustomers is GET /dashboard/migration/customers?from_run=&to_run=&by=&was=&now=&page=:
// the customers of one cell of the matrix, paged.
func (u *ui) migrationCustomers(rq *uiReq) {
	ctx := rq.r.Context()
	L := rq.L
	v := rq.r.URL.Query()
	m, was, now, moves, err := u.migrationCell(ctx, rq, v)
	if err != nil {
		rq.fail(err)
		return
	}
	heading := L.T("migration.all_heading")
	if was != "" {
		heading = L.T("migration.cell_heading", m.keyLabel(L, was, false), m.keyLabel(L, now, true))
	}
	back := "/dashboard/migration?" + m.values().Encode()
	page := &web.MigrationCellPage{Base: rq.base(heading, "dashboard"), Heading: heading, BackURL: back, Total: len(moves),
		Sections: dashSections(L, "migration", dashPeriod{}), FromLabel: runLabel(L, m.from), ToLabel: runLabel(L, m.to)}
	pageNo := pageParam(v, "page")
	rows := pageOf(moves, (pageNo-1)*classPer, classPer)
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.CustomerID
	}
	names := u.customerNames(ctx, ids)
	t := web.LedgerTable{ID: "moves-table", Empty: L.T("dashboard.empty")}
	for _, c := range []ledgerColumn{{"", L.T("ledger.col.customer"), ""}, {"", L.T("migration.col.was"), ""}, {"", L.T("migration.col.now"), ""},
		{"", L.T("migration.col.from_rank"), "num"}, {"", L.T("migration.col.to_rank"), "num"},
		{"", L.T("migration.col.from_revenue"), "num"}, {"", L.T("migration.col.to_revenue"), "num"}} {
		t.Columns = append(t.Columns, web.Column{Label: c.label, Class: c.class})
	}
	rank := func(n int) string {
		if n == 0 {
			return "—"
		}
		return L.Int(n)
	}
	for _, r := range rows {
		f, to := m.cell(r)
		t.Rows = append(t.Rows, web.LedgerRow{Cells: []web.Cell{customerCell(r.CustomerID, r.Code, names),
			{Text: m.keyLabel(L, f, false)}, {Text: m.keyLabel(L, to, true)}, {Text: rank(r.FromRank), Class: "num"}, {Text: rank(r.ToRank), Class: "num"},
			{Text: L.Money(int64(r.FromRevenue)), Class: "num"}, {Text: L.Money(int64(r.ToRevenue)), Class: "num"}}})
	}
	cell := m.values()
	if was != "" {
		cell.Set("was", was)
		cell.Set("now", now)
	}
	t.Pager = drillPager(pageNo, len(moves), cell, func(v url.Values) string { return "/dashboard/migration/customers?" + v.Encode() })
	page.Table = t
	page.First, page.Last = drillBounds(pageNo, len(rows))
	page.Exports = migrationExports(L, cell)
	rq.render(200, "dashboard_migration_customers", page)
}

// migrationExport is the download of a comparison's moves (one cell's with was and now).
func (u *ui) migrationExport(rq *uiReq, format string) {
	ctx := rq.r.Context()
	v := rq.r.URL.Query()
	m, _, _, moves, err := u.migrationCell(ctx, rq, v)
	if err != nil {
		rq.fail(err)
		return
	}
	d := download{name: "migration-" + strconv.FormatInt(m.from.ID, 10) + "-" + strconv.FormatInt(m.to.ID, 10), numeric: dashNumeric,
		header: []string{"customer_code", "from_class", "to_class", "from_tier", "to_tier", "from_rank", "to_rank", "from_revenue", "to_revenue"}}
	for _, mv := range moves {
		d.rows = append(d.rows, []string{mv.Code, mv.FromClass, mv.ToClass, mv.FromTier, mv.ToTier,
			strconv.Itoa(mv.FromRank), strconv.Itoa(mv.ToRank), mv.FromRevenue.String(), mv.ToRevenue.String()})
	}
	rq.send(d, format)
}
