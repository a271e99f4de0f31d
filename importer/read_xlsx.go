package importer

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

const (
	// maxUnpacked bounds what a workbook may expand to; a real export of a million order lines
	// stays well below it.
	maxUnpacked = 1 << 30
	// maxRatio is the compression ratio above which a large entry is taken for a ZIP bomb. Sheet
	// XML compresses 10–30 times; repeated empty styled rows reach about 100.
	maxRatio = 200
	// ratioExempt: entries smaller than this cannot hurt whatever their ratio.
	ratioExempt = 1 << 20
	// xmlInMemory is the largest sheet or shared-strings part excelize keeps in memory; larger
	// ones are unpacked to a temporary file and streamed from there.
	xmlInMemory = 16 << 20
)

const errDamaged = "the file is damaged or incomplete"

type xlsxTable struct {
	f      *excelize.File
	rows   *excelize.Rows
	max    int
	header []string
	fields []string
	n      int // the sheet row the iterator stands on
	err    error
}

// checkZip inspects the archive before excelize does, because excelize reads every part except
// sheets and shared strings fully into memory and trusts what it finds.
func checkZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return &FileError{Reason: errDamaged + " (not a readable ZIP archive)"}
	}
	defer zr.Close()
	var total uint64
	var workbook, xlsb, ods bool
	for _, e := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(e.Name, `\`, "/"))
		switch name {
		case "xl/workbook.xml":
			workbook = true
		case "xl/workbook.bin":
			xlsb = true
		case "content.xml":
			ods = true
		}
		if e.Flags&0x1 != 0 {
			return &FileError{Reason: "the file is password-protected; save it without a password"}
		}
		size := e.UncompressedSize64
		if size > maxUnpacked || total+size > maxUnpacked {
			return &FileError{Reason: "the spreadsheet unpacks to more than " + sizeText(maxUnpacked) + "; split it into smaller files"}
		}
		total += size
		if size >= ratioExempt && size/maxRatio > e.CompressedSize64 {
			return &FileError{Reason: fmt.Sprintf("refused as a possible ZIP bomb: %s is compressed more than %d times", e.Name, maxRatio)}
		}
	}
	switch {
	case workbook:
		return nil
	case xlsb:
		return &FileError{Reason: "not an XLSX spreadsheet (binary .xlsb workbook); save it as .xlsx or CSV"}
	case ods:
		return &FileError{Reason: "not an XLSX spreadsheet (OpenDocument); save it as .xlsx or CSV"}
	}
	return &FileError{Reason: "not an XLSX spreadsheet"}
}

func openXLSX(path string, opt Options) (tb Table, err error) {
	if err := checkZip(path); err != nil {
		return nil, err
	}
	var f *excelize.File
	defer func() {
		// excelize parses untrusted XML; whatever it trips on must become a report line.
		if p := recover(); p != nil {
			if f != nil {
				_ = f.Close()
			}
			tb, err = nil, &FileError{Reason: fmt.Sprintf("%s (%v)", errDamaged, p)}
		}
	}()
	f, err = excelize.OpenFile(path, excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    maxUnpacked,
		UnzipXMLSizeLimit: xmlInMemory,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, &FileError{Reason: "the workbook is password-protected or not in XLSX format; save it as .xlsx without a password"}
		}
		return nil, &FileError{Reason: fmt.Sprintf("%s (%v)", errDamaged, err)}
	}
	sheet, err := pickSheet(f.GetSheetList(), opt.Sheet)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, &FileError{Reason: fmt.Sprintf("cannot read sheet %s (%v)", sheet, err)}
	}
	t := &xlsxTable{f: f, rows: rows, max: opt.MaxRecordBytes}
	if err := t.readHeader(); err != nil {
		_ = t.Close()
		return nil, err
	}
	return t, nil
}

func pickSheet(sheets []string, want string) (string, error) {
	if len(sheets) == 0 {
		return "", &FileError{Reason: "the workbook has no sheets"}
	}
	if want == "" {
		return sheets[0], nil
	}
	for _, s := range sheets {
		if s == want {
			return s, nil
		}
	}
	// Sheet names are case-insensitive in Excel, and users type them from memory.
	w := strings.TrimSpace(want)
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), w) {
			return s, nil
		}
	}
	quoted := make([]string, len(sheets))
	for i, s := range sheets {
		quoted[i] = strconv.Quote(s)
	}
	return "", &FileError{Reason: fmt.Sprintf("no sheet named %q; the workbook has %s", want, strings.Join(quoted, ", "))}
}

func (t *xlsxTable) Header() []string { return t.header }
func (t *xlsxTable) Format() string   { return "xlsx" }
func (t *xlsxTable) Encoding() string { return "" }

func (t *xlsxTable) Close() error {
	err := t.rows.Close()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (t *xlsxTable) readHeader() error {
	for {
		cells, err := t.next()
		if err == io.EOF {
			return &FileError{Reason: "the file is empty"}
		}
		if err != nil {
			return err
		}
		if allBlank(cells) {
			continue
		}
		h, err := makeHeader(cells, t.n)
		if err != nil {
			return err
		}
		t.header = h
		t.fields = make([]string, len(h))
		return nil
	}
}

func (t *xlsxTable) Next() (Row, error) {
	for {
		cells, err := t.next()
		if err != nil {
			return Row{}, err
		}
		if allBlank(cells) {
			continue
		}
		if err := alignFields(t.fields, cells, t.n); err != nil {
			return Row{}, err
		}
		return Row{Number: t.n, Fields: t.fields}, nil
	}
}

// next returns the cells of the next sheet row. The iterator visits every row number from 1,
// handing out nil for rows missing from the XML, so counting calls gives the sheet's row number.
func (t *xlsxTable) next() (cells []string, err error) {
	if t.err != nil {
		return nil, t.err
	}
	defer func() {
		if p := recover(); p != nil {
			t.err = &FileError{Row: t.n, Reason: fmt.Sprintf("the sheet is damaged (%v)", p)}
			cells, err = nil, t.err
		}
	}()
	if !t.rows.Next() {
		if rerr := t.rows.Error(); rerr != nil {
			t.err = &FileError{Row: t.n + 1, Reason: fmt.Sprintf("the sheet is damaged (%v)", rerr)}
		} else {
			t.err = io.EOF
		}
		return nil, t.err
	}
	t.n++
	cells, err = t.rows.Columns()
	if err != nil {
		t.err = &FileError{Row: t.n, Reason: fmt.Sprintf("the sheet is damaged (%v)", err)}
		return nil, t.err
	}
	size := 0
	for _, c := range cells {
		size += len(c) + 1
	}
	if size > t.max {
		return nil, tooLongError(t.n, t.max)
	}
	return cells, nil
}
