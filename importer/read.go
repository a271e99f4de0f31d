// Package importer reads customer, contact, order and plan data from the CSV and XLSX files that
// key account managers export from Excel, WPS or an ERP, checks every value and reports each
// problem by row and column.
//
// The reading layer (Open, Table) turns a file into header-aligned rows of strings whatever its
// format, encoding and line endings; the value parsers (ParseDecimal, ParseDate, ParseDateTime)
// turn those strings into exact numbers and calendar dates. Files come from outside, so every
// reader is bounded in memory and reports a *FileError instead of panicking on hostile input.
package importer

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Options tell Open how to read a file.
type Options struct {
	// Encoding of a CSV file: "" detects it; "utf-8"/"utf8", "gb18030" and "gbk" are accepted.
	// GBK is read as GB18030, its superset, so a file mislabelled either way still decodes.
	Encoding string
	// Sheet is the XLSX sheet to read; "" means the first sheet.
	Sheet string
	// MaxRecordBytes is the largest record (row) accepted; 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
}

// DefaultMaxRecordBytes bounds one row when Options.MaxRecordBytes is 0. No real row of business
// data comes near it, and it keeps a broken file (one endless line) from exhausting memory.
const DefaultMaxRecordBytes = 1 << 20

// Row is one data record. Number is the record's row number as a spreadsheet shows it: the header
// is row 1, the first data row is row 2, and a CSV record with quoted newlines still counts as one
// row. Fields is aligned with Header(); a short row is padded with "". Fields may be reused by the
// next call to Next, so copy the slice (not the strings) to keep it.
type Row struct {
	Number int
	Fields []string
}

// Table is an opened CSV or XLSX file, read one row at a time.
type Table interface {
	// Header returns the trimmed header cells; an empty cell is named "column N".
	Header() []string
	// Next returns the next non-blank row, io.EOF after the last one; other errors are *FileError.
	// After a row-level *FileError (too long, bad encoding, too many cells) reading may continue;
	// after a file-level one Next keeps returning it.
	Next() (Row, error)
	// Format returns "csv" or "xlsx".
	Format() string
	// Encoding returns "utf-8" or "gb18030" for CSV, "" for XLSX.
	Encoding() string
	Close() error
}

// FileError is a problem with the file itself rather than with one value. Row is 0 when the
// problem is not tied to a row.
type FileError struct {
	Row    int
	Column string
	Reason string
}

func (e *FileError) Error() string {
	switch {
	case e.Row > 0 && e.Column != "":
		return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Reason)
	case e.Row > 0:
		return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
	case e.Column != "":
		return fmt.Sprintf("column %s: %s", e.Column, e.Reason)
	}
	return e.Reason
}

const (
	encUTF8    = "utf-8"
	encGB18030 = "gb18030"
)

var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
	// Compound File Binary: an encrypted XLSX is wrapped in it, and so is the legacy .xls format.
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open opens a CSV or XLSX file. The format comes from the content (a ZIP signature means XLSX)
// because users rename files freely and Excel happily saves CSV text under .xls.
func Open(path string, opt Options) (Table, error) {
	enc, err := normalizeEncoding(opt.Encoding)
	if err != nil {
		return nil, err
	}
	if opt.MaxRecordBytes <= 0 {
		opt.MaxRecordBytes = DefaultMaxRecordBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [8]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		f.Close()
		return nil, &FileError{Reason: "cannot read the file: " + err.Error()}
	}
	head := magic[:n]
	switch {
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, emptyZipMagic):
		f.Close()
		return openXLSX(path, opt)
	case bytes.Equal(head, cfbMagic):
		f.Close()
		return nil, &FileError{Reason: "the workbook is password-protected or in the old .xls format; save it as .xlsx without a password, or as CSV"}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, &FileError{Reason: "cannot read the file: " + err.Error()}
	}
	t, err := newCSVTable(f, f, enc, opt.MaxRecordBytes, sniffSize)
	if err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

func normalizeEncoding(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "utf-8", "utf8":
		return encUTF8, nil
	case "gb18030", "gbk", "gb2312", "cp936":
		return encGB18030, nil
	}
	return "", &FileError{Reason: fmt.Sprintf("unknown encoding %q (use utf-8 or gb18030)", s)}
}

// trimCell removes the spaces and byte-order marks that editors leave around header names.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// isBlankCell reports whether a cell holds nothing but spaces.
func isBlankCell(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' {
			if c < utf8.RuneSelf {
				return false
			}
			return trimCell(s) == ""
		}
	}
	return true
}

func allBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" && !isBlankCell(c) {
			return false
		}
	}
	return true
}

// makeHeader trims the header cells, names empty ones and refuses duplicates: a mapping by
// column name would otherwise silently pick one of two "数量" columns.
func makeHeader(cells []string, row int) ([]string, error) {
	h := make([]string, len(cells))
	seen := make(map[string]int, len(cells))
	for i, c := range cells {
		c = trimCell(c)
		if c == "" {
			c = "column " + strconv.Itoa(i+1)
		}
		h[i] = c
		key := strings.ToLower(c)
		if j, dup := seen[key]; dup {
			return nil, &FileError{Row: row, Reason: fmt.Sprintf("duplicate column %s (columns %d and %d)", c, j+1, i+1)}
		}
		seen[key] = i
	}
	return h, nil
}

// alignFields copies cells into dst (len(header)), padding short rows. Extra cells are tolerated
// only when empty, because Excel writes trailing separators for formatted but empty columns.
func alignFields(dst []string, cells []string, row int) error {
	n := copy(dst, cells)
	for i := n; i < len(dst); i++ {
		dst[i] = ""
	}
	if len(cells) > len(dst) && !allBlank(cells[len(dst):]) {
		last := len(cells)
		for last > len(dst) && isBlankCell(cells[last-1]) {
			last--
		}
		return &FileError{Row: row, Reason: fmt.Sprintf("%d cells but the header has %d columns", last, len(dst))}
	}
	return nil
}

func sizeText(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.Itoa(n>>30) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

func tooLongError(row, limit int) error {
	return &FileError{Row: row, Reason: "the row is longer than " + sizeText(limit)}
}
