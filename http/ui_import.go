package kamhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kam"
	"kam/importer"
	"kam/locale"
	"kam/web"
)

// The import page: upload a file (POST /import, multipart), map its columns to the kind's fields
// with a preview of its first rows (GET /import/{id}), check it with a dry run and import it
// (POST /import/{id}, then back to GET: post-redirect-get). The importer does the work; the
// page shows its summary and the first problems, and the full report downloads as CSV.

// importKinds are the kinds a user may import, in the importer's order.
func importKinds(a *kam.Actor) []*importer.Kind {
	var out []*importer.Kind
	for _, k := range importer.Kinds {
		if kam.CanImport(a, k.Name) {
			out = append(out, k)
		}
	}
	return out
}

// importListURL is the list that shows what an import of kind wrote.
func importListURL(kind string) string {
	switch kind {
	case "orders", "invoices", "payments", "costs", "products":
		return "/" + kind
	case "customers", "contacts":
		return "/customers"
	}
	return ""
}

// dateLayouts are the date formats offered for dates the importer cannot read unaided.
var dateLayouts = []struct{ layout, key string }{
	{"", "import.date_auto"},
	{"1/2/2006", "import.date_mdy"},
	{"2/1/2006", "import.date_dmy"},
	{"2.1.2006", "import.date_dmy_dot"},
}

var readEncodings = []struct{ value, key string }{
	{"", "import.encoding_auto"},
	{"utf-8", "import.encoding_utf8"},
	{"gb18030", "import.encoding_gb18030"},
}

const (
	previewRows    = 10
	previewColumns = 50
	maxMapColumns  = 500
	previewCell    = 60
)

// importForm is GET /import.
func (u *ui) importForm(rq *uiReq) {
	if len(importKinds(rq.actor)) == 0 {
		rq.fail(kam.Errorf(kam.EForbidden, "your role may not import"))
		return
	}
	u.renderUpload(rq, http.StatusOK, rq.r.URL.Query().Get("kind"), "")
}

func (u *ui) renderUpload(rq *uiReq, status int, kind, msg string) {
	L := rq.L
	kinds := importKinds(rq.actor)
	if !slices.ContainsFunc(kinds, func(k *importer.Kind) bool { return k.Name == kind }) {
		kind = kinds[0].Name
		if slices.ContainsFunc(kinds, func(k *importer.Kind) bool { return k.Name == "orders" }) {
			kind = "orders"
		}
	}
	p := &web.ImportUploadPage{Base: rq.base(L.T("import.title"), "import"), Kind: kind, Error: msg, MaxSize: sizeLabel(maxImportFileBytes)}
	for _, k := range kinds {
		var req []string
		for _, f := range k.Fields {
			if f.Required {
				req = append(req, f.Name)
			}
		}
		p.Kinds = append(p.Kinds, web.ImportKind{Value: k.Name, Label: L.T("import.kind." + k.Name), Doc: kindDoc(L, k),
			Selected: k.Name == kind, Required: strings.Join(req, ", ")})
	}
	rq.render(status, "import", p)
}

// importUpload is POST /import: the multipart body is read as a stream. The CSRF token must come
// first (the X-CSRF-Token header, or the form's first part), so that no file is stored for a
// forged request; the kind comes before the file, so that none is stored for a kind the user may
// not import.
func (u *ui) importUpload(rq *uiReq) {
	L := rq.L
	if len(importKinds(rq.actor)) == 0 {
		rq.fail(kam.Errorf(kam.EForbidden, "your role may not import"))
		return
	}
	mr, err := rq.r.MultipartReader()
	if err != nil {
		rq.fail(kam.Errorf(kam.EInvalid, "not a file upload: %v", err))
		return
	}
	tokenOK := tokensEqual(rq.r.Header.Get("X-CSRF-Token"), rq.csrf)
	var kind, id, name string
	var size int64
	fail := func(status int, key string, args ...any) {
		if id != "" {
			u.uploads.remove(id)
		}
		u.renderUpload(rq, status, kind, L.T(key, args...))
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				fail(http.StatusRequestEntityTooLarge, "import.too_large", sizeLabel(maxImportFileBytes))
				return
			}
			fail(http.StatusBadRequest, "import.broken")
			return
		}
		field := part.FormName()
		if !tokenOK && field != "csrf" {
			u.s.Logger.Warn("ui: CSRF check failed", "path", rq.r.URL.Path, "user", rq.user.ID)
			rq.fail(kam.Errorf(kam.EUnauthorized, "bad CSRF token"))
			return
		}
		switch field {
		case "csrf":
			v, _ := readSmall(part, 256)
			if !tokenOK && !tokensEqual(v, rq.csrf) {
				u.s.Logger.Warn("ui: CSRF check failed", "path", rq.r.URL.Path, "user", rq.user.ID)
				rq.fail(kam.Errorf(kam.EUnauthorized, "bad CSRF token"))
				return
			}
			tokenOK = true
		case "kind":
			kind, _ = readSmall(part, 64)
		case "file":
			if id != "" || part.FileName() == "" {
				io.Copy(io.Discard, part) // no file chosen, or a second one
				break
			}
			if _, ok := importer.KindNamed(kind); !ok {
				fail(http.StatusUnprocessableEntity, "import.choose_kind")
				return
			}
			if !kam.CanImport(rq.actor, kind) {
				rq.fail(kam.Errorf(kam.EForbidden, "your role may not import %s", kind))
				return
			}
			name = cleanFileName(part.FileName())
			id, size, err = u.uploads.create(part)
			if err != nil {
				var tooBig *http.MaxBytesError
				switch {
				case errors.Is(err, errTooLarge) || errors.As(err, &tooBig):
					fail(http.StatusRequestEntityTooLarge, "import.too_large", sizeLabel(maxImportFileBytes))
				case errors.Is(err, io.ErrUnexpectedEOF) || rq.r.Context().Err() != nil:
					fail(http.StatusBadRequest, "import.broken")
				default:
					rq.fail(err)
				}
				return
			}
		default:
			io.Copy(io.Discard, part)
		}
		part.Close()
	}
	if !tokenOK {
		rq.fail(kam.Errorf(kam.EUnauthorized, "bad CSRF token"))
		return
	}
	if id == "" {
		if _, ok := importer.KindNamed(kind); !ok {
			fail(http.StatusUnprocessableEntity, "import.choose_kind")
			return
		}
		fail(http.StatusUnprocessableEntity, "import.no_file")
		return
	}
	// A file the importer cannot read is refused at once, with the importer's reason.
	t, err := importer.Open(u.uploads.dataPath(id), importer.Options{})
	if err != nil {
		if msg := importErrorText(err); msg != "" {
			u.uploads.remove(id)
			u.renderUpload(rq, http.StatusUnprocessableEntity, kind, msg)
			return
		}
		u.uploads.remove(id)
		rq.fail(err)
		return
	}
	st := &importState{UserID: rq.user.ID, Kind: kind, FileName: name, Size: size, Created: u.s.Now(),
		Format: t.Format(), Encoding: t.Encoding(), Mapping: map[string]string{}}
	_, nerr := t.Next()
	t.Close()
	if nerr == io.EOF {
		fail(http.StatusUnprocessableEntity, "import.no_rows")
		return
	}
	if err := u.uploads.save(id, st); err != nil {
		u.uploads.remove(id)
		rq.fail(err)
		return
	}
	rq.redirect("/import/" + id)
}

// readSmall reads a small form value, at most n bytes.
func readSmall(r io.Reader, n int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return "", err
	}
	if int64(len(b)) > n {
		io.Copy(io.Discard, r)
		return "", fmt.Errorf("value longer than %d bytes", n)
	}
	return strings.TrimSpace(string(b)), nil
}

// cleanFileName keeps the base name of an upload, without control characters, at most 200
// characters.
func cleanFileName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, `\`, "/"))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if s == "." || s == "/" || s == "" {
		s = "upload"
	}
	return truncateRunes(s, 200)
}

// importErrorText is the message of an error the user can act on (the file, the mapping, a
// value), or "" for an error of the system.
func importErrorText(err error) string {
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return fe.Error()
	}
	switch kam.ErrorCodeOf(err) {
	case kam.EInvalid, kam.EConflict:
		return kam.ErrorMessage(err)
	}
	return ""
}

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// loadImport reads the import of the URL's id for the current user.
func (u *ui) loadImport(rq *uiReq) (string, *importState, *importer.Kind, error) {
	id := rq.r.PathValue("id")
	st, err := u.uploads.load(id, rq.user.ID)
	if err != nil {
		return "", nil, nil, err
	}
	k, ok := importer.KindNamed(st.Kind)
	if !ok {
		return "", nil, nil, kam.Errorf(kam.ENotFound, "no such import")
	}
	if !kam.CanImport(rq.actor, st.Kind) {
		return "", nil, nil, kam.Errorf(kam.EForbidden, "your role may not import %s", st.Kind)
	}
	return id, st, k, nil
}

// readOptions are the options the reader takes from the state.
func (st *importState) readOptions() importer.Options {
	return importer.Options{Encoding: st.ReadEncoding, Sheet: st.Sheet}
}

// preview reads the header and the first rows of the file. Problems of single rows become notes;
// a problem of the whole file is returned.
func preview(path string, opt importer.Options) (header []string, rows [][]string, notes []string, err error) {
	t, err := importer.Open(path, opt)
	if err != nil {
		return nil, nil, nil, err
	}
	defer t.Close()
	header = t.Header()
	lastBad := 0
	for len(rows) < previewRows && len(notes) < previewRows {
		r, err := t.Next()
		if err == io.EOF {
			break
		}
		var fe *importer.FileError
		if errors.As(err, &fe) && fe.Row > 0 && fe.Row != lastBad {
			lastBad = fe.Row
			notes = append(notes, fe.Error())
			continue
		}
		if err != nil {
			return header, rows, notes, err
		}
		cells := make([]string, 0, min(len(r.Fields), previewColumns)+1)
		cells = append(cells, strconv.Itoa(r.Number))
		for i, c := range r.Fields {
			if i >= previewColumns {
				break
			}
			cells = append(cells, truncateRunes(c, previewCell))
		}
		rows = append(rows, cells)
	}
	return header, rows, notes, nil
}

// validMapping keeps the mapped columns that the header has (a different sheet or encoding
// changes the header).
func validMapping(m map[string]string, header []string) map[string]string {
	out := map[string]string{}
	for f, c := range m {
		if c != "" && slices.ContainsFunc(header, func(h string) bool { return strings.EqualFold(h, c) }) {
			out[f] = c
		}
	}
	return out
}

// importPage is GET /import/{id}: the mapping step, with the result of the last run.
func (u *ui) importPage(rq *uiReq) {
	L := rq.L
	id, st, k, err := u.loadImport(rq)
	if err != nil {
		rq.fail(err)
		return
	}
	label := L.T("import.kind." + k.Name)
	p := &web.ImportPage{Base: rq.base(L.T("import.heading", label), "import"), ID: id, Action: "/import/" + id,
		Kind: k.Name, KindLabel: label, FileName: st.FileName, Format: st.Format, Encoding: st.Encoding, Size: sizeLabel(st.Size),
		IsCSV: st.Format == "csv", Sheet: st.Sheet, NoCreate: st.NoCreate, SkipInvalid: st.SkipInvalid, Error: st.Error,
		Done: st.Done, Running: u.uploads.isRunning(id), ListURL: importListURL(k.Name)}
	if st.Summary != nil {
		p.Summary = importSummaryView(L, st, id, fileExists(u.uploads.reportPath(id)))
	}
	if st.Done {
		rq.render(200, "import_map", p)
		return
	}
	for _, e := range readEncodings {
		p.Encodings = append(p.Encodings, web.Option{Value: e.value, Label: L.T(e.key), Selected: e.value == st.ReadEncoding})
	}
	for _, d := range dateLayouts {
		p.DateLayouts = append(p.DateLayouts, web.Option{Value: d.layout, Label: L.T(d.key), Selected: d.layout == st.DateLayout})
	}
	header, rows, notes, err := preview(u.uploads.dataPath(id), st.readOptions())
	if err != nil {
		msg := importErrorText(err)
		if msg == "" {
			rq.fail(err)
			return
		}
		p.PreviewError = msg
	}
	p.Header, p.Preview, p.PreviewNotes = header, rows, notes
	if len(p.Header) > previewColumns {
		p.Header = p.Header[:previewColumns]
	}
	columns := header
	if len(columns) > maxMapColumns {
		columns = columns[:maxMapColumns]
	}
	for _, m := range importer.SuggestMapping(k, header, validMapping(st.Mapping, header)) {
		fl, _ := k.Field(m.Field)
		f := web.ImportField{Name: m.Field, Label: importFieldLabel(L, fl), Doc: m.Doc, Required: m.Required,
			Missing: m.Required && m.Column == "" && header != nil}
		f.Options = append(f.Options, web.Option{Value: "", Label: L.T("import.not_mapped"), Selected: m.Column == ""})
		for _, c := range columns {
			f.Options = append(f.Options, web.Option{Value: c, Label: c, Selected: c == m.Column})
		}
		p.Fields = append(p.Fields, f)
	}
	rq.render(200, "import_map", p)
}

// importFieldLabel names a field: in Chinese by its Chinese column name (订单号), else by name.
func importFieldLabel(L *locale.Printer, f importer.Field) string {
	if L.Lang == locale.ZH {
		for _, a := range f.Aliases {
			if strings.IndexFunc(a, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
				return a
			}
		}
	}
	s := strings.ReplaceAll(f.Name, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// importAction is POST /import/{id}: it saves the options and the mapping, then refreshes the
// preview, runs a dry run or imports, and redirects to the page (post-redirect-get).
func (u *ui) importAction(rq *uiReq) {
	id, st, k, err := u.loadImport(rq)
	if err != nil {
		rq.fail(err)
		return
	}
	back := "/import/" + id
	if st.Done {
		rq.redirect(back)
		return
	}
	form := rq.r.PostForm
	if v := form.Get("encoding"); slices.ContainsFunc(readEncodings, func(e struct{ value, key string }) bool { return e.value == v }) {
		st.ReadEncoding = v
	}
	if _, ok := form["sheet"]; ok {
		st.Sheet = truncateRunes(strings.TrimSpace(form.Get("sheet")), 100)
	}
	if v := form.Get("date_format"); slices.ContainsFunc(dateLayouts, func(d struct{ layout, key string }) bool { return d.layout == v }) {
		st.DateLayout = v
	}
	st.NoCreate = form.Get("no_create") != ""
	st.SkipInvalid = form.Get("skip_invalid") != ""
	if st.Mapping == nil {
		st.Mapping = map[string]string{}
	}
	for _, f := range k.Fields {
		vals, ok := form["map."+f.Name]
		if !ok {
			continue
		}
		// An empty choice ("do not import") is kept as field → "": the importer then leaves the
		// field out even when a column bears its name.
		st.Mapping[f.Name] = strings.TrimSpace(vals[0])
	}
	action := form.Get("action")
	if action != "dryrun" && action != "import" {
		// New options may change the header and what a run would find: the last result is stale.
		st.Summary, st.Error = nil, ""
		if err := u.uploads.save(id, st); err != nil {
			rq.fail(err)
			return
		}
		rq.redirect(back)
		return
	}
	if !u.uploads.begin(id) {
		rq.redirect(back) // the page says it is running
		return
	}
	defer u.uploads.end(id)
	sum, runErr := u.runImport(rq, id, st, action == "dryrun")
	switch {
	case runErr == nil:
		st.Summary, st.Error = sum, ""
		if sum.Written {
			st.Done = true
			os.Remove(u.uploads.dataPath(id))
		}
		if sum.Rejected == 0 {
			os.Remove(u.uploads.reportPath(id))
		}
	case importErrorText(runErr) != "":
		st.Summary, st.Error = nil, importErrorText(runErr)
	default:
		rq.fail(runErr)
		return
	}
	if err := u.uploads.save(id, st); err != nil {
		rq.fail(err)
		return
	}
	rq.redirect(back + "#summary")
}

// runImport runs the importer on the upload with the state's options. A real import does not
// stop when the browser goes away: it is one transaction, and the page shows its result on the
// next visit.
func (u *ui) runImport(rq *uiReq, id string, st *importState, dryRun bool) (*importer.Summary, error) {
	path := u.uploads.dataPath(id)
	header, _, _, err := preview(path, st.readOptions())
	if err != nil {
		return nil, err
	}
	rf, err := os.OpenFile(u.uploads.reportPath(id), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	defer rf.Close()
	ctx := rq.r.Context()
	if !dryRun {
		ctx = context.WithoutCancel(ctx)
	}
	return u.s.importFile(ctx, path, importer.RunOptions{
		Kind: st.Kind, Read: st.readOptions(), Mapping: validMapping(st.Mapping, header), DateLayout: st.DateLayout,
		NoCreate: st.NoCreate, SkipInvalid: st.SkipInvalid, DryRun: dryRun, FileName: st.FileName, Report: rf,
	})
}

// importSummaryView turns the importer's summary into the page's.
func importSummaryView(L *locale.Printer, st *importState, id string, report bool) *web.ImportSummary {
	s := st.Summary
	v := &web.ImportSummary{DryRun: s.DryRun, Written: s.Written, RowsRead: s.RowsRead, Created: s.Created, Updated: s.Updated,
		Unchanged: s.Unchanged, Rejected: s.Rejected, Seconds: strconv.FormatFloat(s.Seconds, 'f', 1, 64)}
	switch {
	case s.Written:
		v.StateKey, v.State = "written", L.T("import.state_written")
		if s.Rejected > 0 {
			v.State = L.T("import.state_written_skipped", s.Rejected)
		}
	case s.DryRun && s.Rejected == 0:
		v.StateKey, v.State = "dryrun", L.T("import.state_dry_ok")
	case s.DryRun && st.SkipInvalid:
		v.StateKey, v.State = "dryrun", L.T("import.state_dry_skip", s.Rejected)
	case s.DryRun:
		v.StateKey, v.State = "rejected", L.T("import.state_dry_bad", s.Rejected)
	default:
		v.StateKey, v.State = "rejected", L.T("import.state_rejected", s.Rejected)
	}
	for r, n := range s.RejectedByReason {
		v.Reasons = append(v.Reasons, web.ImportReason{Reason: r, Count: n})
	}
	sort.Slice(v.Reasons, func(i, j int) bool {
		if v.Reasons[i].Count != v.Reasons[j].Count {
			return v.Reasons[i].Count > v.Reasons[j].Count
		}
		return v.Reasons[i].Reason < v.Reasons[j].Reason
	})
	rows := map[int]bool{}
	for _, e := range s.Errors {
		rows[e.Row] = true
		v.Errors = append(v.Errors, web.ImportError{Row: e.Row, Column: e.Column, Field: e.Field, Value: e.Value, Reason: e.Reason})
	}
	v.More = max(0, s.Rejected-len(rows))
	if report && s.Rejected > 0 {
		v.ReportURL = "/import/" + id + "/report"
	}
	return v
}

// importReport is GET /import/{id}/report: every rejected row of the last run, as CSV.
func (u *ui) importReport(rq *uiReq) {
	id, st, _, err := u.loadImport(rq)
	if err != nil {
		rq.fail(err)
		return
	}
	f, err := os.Open(u.uploads.reportPath(id))
	if errors.Is(err, os.ErrNotExist) {
		rq.fail(kam.Errorf(kam.ENotFound, "no report"))
		return
	}
	if err != nil {
		rq.fail(err)
		return
	}
	defer f.Close()
	h := rq.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="import-`+st.Kind+`-errors-`+u.today(rq.L)+`.csv"`)
	h.Set("Cache-Control", "no-store")
	io.Copy(rq.w, f)
}

// kindDoc describes a kind of import in the user's language; a kind the catalog does not know
// yet shows the importer's own (English) description.
func kindDoc(L *locale.Printer, k *importer.Kind) string {
	if key := "import.doc." + k.Name; L.Has(key) {
		return L.T(key)
	}
	return k.Doc
}
