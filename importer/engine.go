package importer

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kam"
)

// RunOptions control an import.
type RunOptions struct {
	Kind        string
	Read        Options
	Mapping     map[string]string // field → column; fields not named are matched by header
	DateLayout  string            // --date-format, a Go layout
	Location    *time.Location    // business time zone; nil = Asia/Shanghai
	NoCreate    bool
	SkipInvalid bool
	DryRun      bool
	// FileName is the name recorded for the import (the upload's name in the UI); default the path's base.
	FileName string
	// Report receives every rejected row as CSV (row, column, field, value, reason).
	Report io.Writer
	// Progress is called after each batch with the rows read so far.
	Progress func(rows int)
	// BatchSize is the number of rows written at once (default 10,000: each batch costs the
	// store a few round trips, which dominated large imports on PostgreSQL at 2,000).
	BatchSize int
}

// RowError is one problem with one row.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"` // the file's column header
	Field  string `json:"field"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// Summary is what an import did.
type Summary struct {
	Kind             string         `json:"kind"`
	File             string         `json:"file"`
	Format           string         `json:"format"`
	Encoding         string         `json:"encoding,omitempty"`
	RowsRead         int            `json:"rows_read"`
	Created          int            `json:"created"`
	Updated          int            `json:"updated"`
	Unchanged        int            `json:"unchanged"`
	Rejected         int            `json:"rejected"`
	RejectedByReason map[string]int `json:"rejected_by_reason"`
	// Written says whether the import's changes were committed; false for a dry run and for a
	// file rejected because of bad rows.
	Written bool       `json:"written"`
	DryRun  bool       `json:"dry_run"`
	Errors  []RowError `json:"errors"` // the first MaxListedErrors problems
	Seconds float64    `json:"seconds"`
}

// MaxListedErrors bounds the problems a summary lists; the report file has them all.
const MaxListedErrors = 100

// Run imports the file at path through store.
func Run(ctx context.Context, store kam.ImportStore, path string, opt RunOptions) (*Summary, error) {
	started := time.Now()
	k, ok := KindNamed(opt.Kind)
	if !ok {
		return nil, fmt.Errorf("unknown kind %q (kinds: %s)", opt.Kind, strings.Join(KindNames(), ", "))
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 10000
	}
	if opt.Location == nil {
		opt.Location = shanghai()
	}
	t, err := Open(path, opt.Read)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	cols, err := resolveMapping(k, t.Header(), opt.Mapping)
	if err != nil {
		return nil, err
	}
	// The file's hash is recorded with the import; it is computed beside the import, not before.
	hashed := make(chan hashResult, 1)
	go func() {
		sum, err := fileSHA256(path)
		hashed <- hashResult{sum, err}
	}()
	name := opt.FileName
	if name == "" {
		name = filepath.Base(path)
	}
	s := &Summary{Kind: k.Name, File: name, Format: t.Format(), Encoding: t.Encoding(), RejectedByReason: map[string]int{}, DryRun: opt.DryRun, Errors: []RowError{}}
	var report *csv.Writer
	if opt.Report != nil {
		if _, err := io.WriteString(opt.Report, "\ufeff"); err != nil {
			return nil, err
		}
		report = csv.NewWriter(opt.Report)
		if err := report.Write([]string{"row", "column", "field", "value", "reason"}); err != nil {
			return nil, err
		}
	}
	rc := &rowCtx{header: t.Header(), cols: cols, requiredSet: map[string]bool{},
		dates: DateOptions{Layout: opt.DateLayout, ExcelSerial: t.Format() == "xlsx", Location: opt.Location}}
	for _, fl := range k.Fields {
		rc.requiredSet[fl.Name] = fl.Required
	}
	reject := func(e RowError, first bool) error {
		if first {
			s.Rejected++
			s.RejectedByReason[reasonKey(e.Reason)]++
		}
		if len(s.Errors) < MaxListedErrors {
			s.Errors = append(s.Errors, e)
		}
		if report != nil {
			return report.Write([]string{strconv.Itoa(e.Row), e.Column, e.Field, e.Value, e.Reason})
		}
		return nil
	}
	session, err := store.BeginImport(ctx, kam.ImportStart{Kind: k.Name, FileName: name, NoCreate: opt.NoCreate})
	if err != nil {
		return nil, err
	}
	finished := false
	defer func() {
		if !finished {
			session.Finish(false, "", nil)
		}
	}()
	err = pipeline(ctx, t, k, rc, opt.BatchSize, func(b *readBatch) error {
		for _, e := range b.problems {
			if err := reject(e.RowError, e.first); err != nil {
				return err
			}
		}
		s.RowsRead += b.rowsRead
		if b.b.len() > 0 {
			res, err := b.b.write(session)
			if err != nil {
				return err
			}
			for i, r := range res {
				switch r.Outcome {
				case kam.Created:
					s.Created++
				case kam.Updated:
					s.Updated++
				case kam.Unchanged:
					s.Unchanged++
				case kam.Rejected:
					e := RowError{Row: b.b.rows()[i], Field: r.Column, Value: r.Value, Reason: r.Reason}
					if c, ok := cols[r.Column]; ok {
						e.Column = rc.header[c]
					}
					if err := reject(e, true); err != nil {
						return err
					}
				}
			}
		}
		if opt.Progress != nil {
			opt.Progress(s.RowsRead)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.RowsRead == 0 {
		return nil, &FileError{Reason: "the file has a header but no data rows"}
	}
	if report != nil {
		report.Flush()
		if err := report.Error(); err != nil {
			return nil, err
		}
	}
	commit := !opt.DryRun && (s.Rejected == 0 || opt.SkipInvalid)
	s.Written = commit
	// The time recorded with the import stops before the commit; the caller's copy includes it.
	s.Seconds = time.Since(started).Seconds()
	h := <-hashed
	if h.err != nil {
		return nil, h.err
	}
	finished = true
	if err := session.Finish(commit, h.sum, s); err != nil {
		return nil, err
	}
	s.Seconds = time.Since(started).Seconds()
	return s, nil
}

// numberRun finds numbers in reasons, so that reasons differing only in a row or line number group.
var numberRun = regexp.MustCompile(`[0-9]+`)

// reasonKey groups rejections for the summary: the reason up to a colon, numbers generalised.
func reasonKey(reason string) string {
	if i := strings.Index(reason, ":"); i > 0 {
		reason = reason[:i]
	}
	return numberRun.ReplaceAllString(reason, "N")
}

type hashResult struct {
	sum string
	err error
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readBatch is a batch of converted rows and the problems found while converting them.
type readBatch struct {
	b        batch
	problems []problem
	rowsRead int
}

type problem struct {
	RowError
	first bool // the row's first problem: it counts the row as rejected
}

// pipeline reads and converts rows on one goroutine while write handles the previous batch on
// this one: on two cores, parsing overlaps the database's work. A file error stops both.
func pipeline(ctx context.Context, t Table, k *Kind, rc *rowCtx, size int, write func(*readBatch) error) error {
	batches := make(chan *readBatch, 2)
	free := make(chan *readBatch, 3)
	for i := 0; i < 3; i++ {
		free <- &readBatch{b: k.newBatch()}
	}
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	lastBadRow := 0
	go func() {
		defer close(batches)
		readErr <- func() error {
			for {
				var rb *readBatch
				select {
				case rb = <-free:
				case <-stop:
					return nil
				}
				rb.b.reset()
				rb.problems, rb.rowsRead = rb.problems[:0], 0
				eof := false
				for rb.rowsRead < size {
					row, err := t.Next()
					if err == io.EOF {
						eof = true
						break
					}
					var fe *FileError
					if errors.As(err, &fe) && fe.Row > 0 && fe.Row != lastBadRow {
						// A bad row (too long, badly encoded) is rejected like a bad value; a
						// file-level error repeats on the next call and stops the import.
						lastBadRow = fe.Row
						rb.rowsRead++
						rb.problems = append(rb.problems, problem{RowError{Row: fe.Row, Column: fe.Column, Reason: fe.Reason}, true})
						continue
					}
					if err != nil {
						return err
					}
					rb.rowsRead++
					rc.reset(row)
					if !rb.b.add(rc) {
						for i, p := range rc.problems {
							rb.problems = append(rb.problems, problem{p, i == 0})
						}
					}
				}
				select {
				case batches <- rb:
				case <-stop:
					return nil
				}
				if eof {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}()
	}()
	var werr error
	for rb := range batches {
		if werr == nil {
			werr = write(rb)
			if werr != nil {
				close(stop)
			}
		}
		free <- rb
	}
	if err := <-readErr; err != nil {
		return err
	}
	return werr
}

// rowCtx converts the cells of one row into typed values, collecting problems.
type rowCtx struct {
	header []string
	cols   map[string]int
	dates  DateOptions
	// requiredSet holds the kind's required fields.
	requiredSet map[string]bool
	row         int
	fields      []string
	problems    []RowError
}

func (c *rowCtx) reset(r Row) {
	c.row, c.fields, c.problems = r.Number, r.Fields, c.problems[:0]
}

func (c *rowCtx) mapped(field string) bool { _, ok := c.cols[field]; return ok }

// get returns the trimmed cell of a field, "" when unmapped.
func (c *rowCtx) get(field string) string {
	i, ok := c.cols[field]
	if !ok || i >= len(c.fields) {
		return ""
	}
	return strings.TrimSpace(c.fields[i])
}

func (c *rowCtx) has(field string) bool { return c.get(field) != "" }

func (c *rowCtx) problem(field, value, reason string) {
	col := ""
	if i, ok := c.cols[field]; ok {
		col = c.header[i]
	}
	c.problems = append(c.problems, RowError{Row: c.row, Column: col, Field: field, Value: clip(value), Reason: reason})
}

// clip keeps reports readable when a cell is huge.
func clip(v string) string {
	if len(v) <= 200 {
		return v
	}
	r := []rune(v)
	if len(r) <= 200 {
		return v
	}
	return string(r[:200]) + "…"
}

// required notes a missing required value.
func (c *rowCtx) required(field, v string) {
	if v == "" && c.requiredSet[field] {
		c.problem(field, "", "required")
	}
}

// text is a free-text value, checked for characters no business text holds.
func (c *rowCtx) text(field string) string {
	v := UnguardFormula(c.get(field))
	if strings.ContainsRune(v, 0) {
		c.problem(field, v, "contains a NUL character")
		return ""
	}
	c.required(field, v)
	return v
}

// code is an identifier kept exactly as written (17850.0 stays 17850.0).
func (c *rowCtx) code(field string) string { return c.text(field) }

func (c *rowCtx) decimal(field string, scale int) int64 {
	v := c.get(field)
	if v == "" {
		c.required(field, v)
		return 0
	}
	if c.dates.ExcelSerial {
		v = ExcelNumber(v) // a formula's result such as 0.30000000000000004 is the 0.3 Excel shows
	}
	n, err := ParseDecimal(v, scale)
	if err != nil {
		c.problem(field, v, err.Error())
	}
	return n
}

func (c *rowCtx) date(field string) string {
	v := c.get(field)
	if v == "" {
		c.required(field, v)
		return ""
	}
	d, err := ParseDate(v, c.dates)
	if err != nil {
		c.problem(field, v, err.Error())
	}
	return d
}

func (c *rowCtx) positiveInt(field string) int {
	v := c.get(field)
	if v == "" {
		c.required(field, v)
		return 0
	}
	n, err := ParseDecimal(v, 0)
	if err != nil || n <= 0 || n > 1_000_000_000 {
		c.problem(field, v, "must be a whole number above 0")
		return 0
	}
	return int(n)
}

func (c *rowCtx) currencyCode() string {
	v := strings.ToUpper(c.text("currency"))
	if v == "" {
		return kam.LedgerCurrency
	}
	if len(v) != 3 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		c.problem("currency", v, "not a currency code (CNY, USD …)")
	}
	return v
}

// currency settles an order's currency and its rate to the ledger currency.
func (c *rowCtx) currency(cur *string, rate *kam.Rate) {
	*cur = c.currencyCode()
	if c.has("fx_rate") {
		*rate = kam.Rate(c.decimal("fx_rate", kam.RateScale))
		if *rate <= 0 {
			c.problem("fx_rate", c.get("fx_rate"), "must be above 0")
		}
		return
	}
	if *cur != kam.LedgerCurrency {
		c.problem("fx_rate", "", "required for currency "+*cur)
	}
	*rate = kam.OneRate
}

// AuditEntry is the audit log's entry of the import: kind, file and counts. The API, the UI and
// kam import record the same.
func (s *Summary) AuditEntry() *kam.AuditEntry {
	return &kam.AuditEntry{Action: kam.AuditImport, ObjectType: "import", Detail: map[string]any{
		"kind": s.Kind, "file": s.File, "rows_read": s.RowsRead, "created": s.Created, "updated": s.Updated,
		"unchanged": s.Unchanged, "rejected": s.Rejected, "written": s.Written}}
}
