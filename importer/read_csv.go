package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

const (
	// sniffSize is how much of a CSV file decides its encoding and delimiter; it is also the
	// read buffer, so one ReadSlice never returns more than this.
	sniffSize = 64 << 10
	// A sample with more control bytes than 1/controlShare of its length is not text.
	controlShare = 10
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parser states of the record reader.
const (
	stStart  = iota // at the beginning of a field
	stPlain         // inside an unquoted field
	stQuoted        // inside a quoted field
	stQuote         // just after a quote inside a quoted field: closing or the first of ""
)

// csvTable is a streaming RFC 4180 reader. It does not use encoding/csv because that reader has
// no size limit (it holds a 50 MB line whole), numbers physical lines rather than records, and
// is either strict about every stray quote or lenient about an unclosed one. Each record is
// copied once into rec and every field is sliced from a single string.
type csvTable struct {
	closer    io.Closer
	br        *bufio.Reader
	enc       string
	delim     byte
	max       int
	checkUTF8 bool

	header []string
	fields []string // handed out in Row, reused

	rec     []byte   // unescaped bytes of the current record, fields separated by delim
	ends    []int    // end of each field in rec; field i starts at ends[i-1]+1
	cells   []string // the current record's fields, before alignment
	state   int
	discard bool // the record passed max: keep parsing to its end but store nothing

	recNum int   // records started so far, blank ones included: the spreadsheet row number
	offset int64 // bytes of decoded text consumed, for binary-content positions
	base   int64 // bytes skipped before the decoded text (a BOM)
	err    error // a file-level error: every later Next returns it
}

// newCSVTable reads the header of r. bufSize is the record reader's buffer: sniffSize in
// production, tiny in tests so that every chunk boundary gets exercised.
func newCSVTable(r io.Reader, closer io.Closer, enc string, maxRecord, bufSize int) (*csvTable, error) {
	raw := bufio.NewReaderSize(r, sniffSize)
	sample, err := raw.Peek(sniffSize)
	if err != nil && err != io.EOF {
		return nil, &FileError{Reason: "cannot read the file: " + err.Error()}
	}
	atEOF := err == io.EOF
	if len(sample) >= 2 && (sample[0] == 0xFF && sample[1] == 0xFE || sample[0] == 0xFE && sample[1] == 0xFF) {
		return nil, &FileError{Reason: "the file is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" instead"}
	}
	t := &csvTable{closer: closer, max: maxRecord}
	if bytes.HasPrefix(sample, utf8BOM) {
		// A BOM is stronger evidence than any option: decoding it as GB18030 would only
		// turn the first header name into mojibake.
		enc = encUTF8
		sample = sample[len(utf8BOM):]
		t.base = int64(len(utf8BOM))
		if _, err := raw.Discard(len(utf8BOM)); err != nil {
			return nil, &FileError{Reason: "cannot read the file: " + err.Error()}
		}
	}
	if d, n := sepDirective(sample); n > 0 {
		// Excel's "sep=;" line names the delimiter and is not shown as a row, so it is not
		// counted either.
		t.delim = d
		sample = sample[n:]
		t.base += int64(n)
		if _, err := raw.Discard(n); err != nil {
			return nil, &FileError{Reason: "cannot read the file: " + err.Error()}
		}
	}
	if pos, bad := binaryAt(sample); bad {
		return nil, binaryError(0, t.base+int64(pos))
	}
	if enc == "" {
		enc = encGB18030
		if utf8.Valid(completeRunes(sample, atEOF)) {
			enc = encUTF8
		}
	}
	t.enc = enc
	if t.delim == 0 {
		t.delim = sniffDelimiter(sample)
	}
	switch {
	case enc == encGB18030:
		t.br = bufio.NewReaderSize(transform.NewReader(raw, simplifiedchinese.GB18030.NewDecoder()), bufSize)
	case bufSize != sniffSize:
		t.br = bufio.NewReaderSize(raw, bufSize)
	default:
		t.br = raw
	}
	t.checkUTF8 = enc == encUTF8
	if err := t.readHeader(); err != nil {
		return nil, err
	}
	return t, nil
}

// sepDirective recognises a first line "sep=X" and returns X and the line's length.
func sepDirective(b []byte) (byte, int) {
	if len(b) < 5 || !bytes.EqualFold(b[:4], []byte("sep=")) {
		return 0, 0
	}
	d := b[4]
	if d == '"' || d == '\r' || d == '\n' || d >= utf8.RuneSelf {
		return 0, 0
	}
	switch rest := b[5:]; {
	case len(rest) == 0:
		return d, 5
	case rest[0] == '\n':
		return d, 6
	case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
		return d, 7
	}
	return 0, 0
}

// completeRunes drops a rune cut in two by the end of the sample, so that a valid UTF-8 file is
// not taken for GB18030 because of where the sample happened to end.
func completeRunes(b []byte, atEOF bool) []byte {
	if atEOF {
		return b
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// binaryAt finds content no spreadsheet exports as text: a NUL byte, or a sample where control
// characters other than tab and line breaks are common.
func binaryAt(b []byte) (int, bool) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return i, true
	}
	first, n := -1, 0
	for i, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if n > 0 && n*controlShare > len(b) {
		return first, true
	}
	return 0, false
}

func binaryError(row int, pos int64) error {
	return &FileError{Row: row, Reason: fmt.Sprintf("not a text file (binary content at byte %d)", pos)}
}

// sniffDelimiter picks the separator from the header line (the first line with text): comma
// unless that line has none but has tabs (Excel's "Text" export) or semicolons (Excel in locales
// with a decimal comma). GB18030 multi-byte characters never contain these ASCII bytes, so raw
// bytes are enough.
func sniffDelimiter(sample []byte) byte {
	var commas, tabs, semis int
	quoted, text := false, false
	for _, c := range sample {
		if quoted && c != '"' {
			continue
		}
		switch c {
		case '"':
			quoted = !quoted
			text = true
		case ',':
			commas++
		case '\t':
			tabs++
		case ';':
			semis++
		case '\n':
			if text {
				return pickDelimiter(commas, tabs, semis)
			}
			commas, tabs, semis = 0, 0, 0
		case ' ', '\r':
		default:
			text = true
		}
	}
	return pickDelimiter(commas, tabs, semis)
}

func pickDelimiter(commas, tabs, semis int) byte {
	switch {
	case commas > 0:
		return ','
	case tabs > 0 && tabs >= semis:
		return '\t'
	case semis > 0:
		return ';'
	}
	return ','
}

func (t *csvTable) readHeader() error {
	for {
		if err := t.readRecord(); err != nil {
			if err == io.EOF {
				return &FileError{Reason: "the file is empty"}
			}
			return err
		}
		cells := t.split()
		if allBlank(cells) {
			continue
		}
		h, err := makeHeader(cells, t.recNum)
		if err != nil {
			return err
		}
		t.header = h
		t.fields = make([]string, len(h))
		return nil
	}
}

func (t *csvTable) Header() []string { return t.header }
func (t *csvTable) Format() string   { return "csv" }
func (t *csvTable) Encoding() string { return t.enc }
func (t *csvTable) Close() error {
	if t.closer == nil {
		return nil
	}
	return t.closer.Close()
}

func (t *csvTable) Next() (Row, error) {
	for {
		if err := t.readRecord(); err != nil {
			return Row{}, err
		}
		cells := t.split()
		if allBlank(cells) {
			continue
		}
		if err := alignFields(t.fields, cells, t.recNum); err != nil {
			return Row{}, err
		}
		return Row{Number: t.recNum, Fields: t.fields}, nil
	}
}

// split turns rec into strings with one allocation for the whole record.
func (t *csvTable) split() []string {
	s := string(t.rec)
	t.cells = t.cells[:0]
	start := 0
	for _, end := range t.ends {
		t.cells = append(t.cells, s[start:end])
		start = end + 1
	}
	return t.cells
}

func (t *csvTable) stop(err error) error {
	t.err = err
	return err
}

// readRecord reads the next record into rec and ends. It returns io.EOF when no record is left,
// and a *FileError for a bad record; a record-level error leaves the reader at the next record.
func (t *csvTable) readRecord() error {
	if t.err != nil {
		return t.err
	}
	t.rec = t.rec[:0]
	t.ends = t.ends[:0]
	t.state = stStart
	t.discard = false
	started := false
	for {
		chunk, err := t.br.ReadSlice('\n')
		if len(chunk) > 0 {
			if i := bytes.IndexByte(chunk, 0); i >= 0 {
				row := t.recNum
				if !started {
					row++
				}
				return t.stop(binaryError(row, t.base+t.offset+int64(i)))
			}
			t.offset += int64(len(chunk))
			if !started {
				started = true
				t.recNum++
				// Most lines hold a whole record without quotes: copy once, cut at delimiters.
				if chunk[len(chunk)-1] == '\n' && len(chunk) <= t.max && bytes.IndexByte(chunk, '"') < 0 {
					t.splitLine(chunk)
					return t.finish()
				}
			}
			done, serr := t.scan(chunk)
			if serr != nil {
				return t.stop(serr)
			}
			if done {
				return t.finish()
			}
		}
		switch err {
		case nil, bufio.ErrBufferFull:
			continue
		case io.EOF:
			if !started {
				return io.EOF
			}
			if t.state == stQuoted {
				return t.stop(&FileError{Row: t.recNum, Reason: `a quoted cell is never closed (a " is missing)`})
			}
			t.endField()
			return t.finish()
		default:
			return t.stop(&FileError{Row: t.recNum, Reason: "cannot read the file: " + err.Error()})
		}
	}
}

// finish checks a complete record.
func (t *csvTable) finish() error {
	if t.discard {
		t.rec = t.rec[:0]
		t.ends = append(t.ends[:0], 0)
		return tooLongError(t.recNum, t.max)
	}
	if t.checkUTF8 && !utf8.Valid(t.rec) {
		t.rec = t.rec[:0]
		t.ends = append(t.ends[:0], 0)
		return &FileError{Row: t.recNum, Reason: "invalid UTF-8; if the file was saved by Excel in China, use --encoding gb18030"}
	}
	return nil
}

// splitLine is the fast path for a line without quotes.
func (t *csvTable) splitLine(line []byte) {
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	t.rec = append(t.rec, line...)
	// A plain loop beats bytes.IndexByte here: fields are short, and the call overhead per
	// field outweighs its vector speed.
	d := t.delim
	for i, c := range line {
		if c == d {
			t.ends = append(t.ends, i)
		}
	}
	t.ends = append(t.ends, len(line))
}

func (t *csvTable) add(b []byte) {
	if t.discard {
		return
	}
	t.rec = append(t.rec, b...)
	t.checkSize()
}

func (t *csvTable) addByte(c byte) {
	if t.discard {
		return
	}
	t.rec = append(t.rec, c)
	t.checkSize()
}

// endField closes a field. The separator stored after it counts towards the record size only
// once the next field starts, so a record's size is its content plus its separators, the same
// as the line the fast path measures.
func (t *csvTable) endField() {
	if t.discard {
		return
	}
	t.ends = append(t.ends, len(t.rec))
	t.rec = append(t.rec, t.delim)
}

// checkSize counts separators too, so that a line of a million commas is bounded like a line
// of a million letters.
func (t *csvTable) checkSize() {
	if len(t.rec) > t.max {
		t.discard = true
		t.rec = t.rec[:0]
		t.ends = t.ends[:0]
	}
}

// scan feeds one chunk of input to the state machine and reports whether the record ended in it.
func (t *csvTable) scan(chunk []byte) (bool, error) {
	n := len(chunk)
	i := 0
	for i < n {
		switch t.state {
		case stStart:
			if chunk[i] == '"' {
				t.state = stQuoted
				i++
				continue
			}
			t.state = stPlain
		case stPlain:
			j := i
			for j < n {
				c := chunk[j]
				if c == t.delim || c == '\n' || c == '\r' {
					break
				}
				j++
			}
			t.add(chunk[i:j])
			if j == n {
				return false, nil
			}
			c := chunk[j]
			i = j + 1
			switch c {
			case t.delim:
				t.endField()
				t.state = stStart
			case '\n':
				t.endField()
				return true, nil
			case '\r':
				end, err := t.crEndsLine(chunk, i)
				if err != nil {
					return false, err
				}
				if end {
					t.endField()
					return true, nil
				}
				t.addByte('\r')
			}
		case stQuoted:
			j := bytes.IndexByte(chunk[i:], '"')
			if j < 0 {
				t.add(chunk[i:])
				return false, nil
			}
			t.add(chunk[i : i+j])
			i += j + 1
			t.state = stQuote
		case stQuote:
			switch c := chunk[i]; c {
			case '"':
				t.addByte('"')
				t.state = stQuoted
				i++
			case t.delim:
				t.endField()
				t.state = stStart
				i++
			case '\n':
				t.endField()
				return true, nil
			case '\r':
				i++
				end, err := t.crEndsLine(chunk, i)
				if err != nil {
					return false, err
				}
				if end {
					t.endField()
					return true, nil
				}
				t.addByte('\r')
				t.state = stPlain
			default:
				// "abc"def: Excel never writes it; keep the text after the quote rather than
				// refusing the file.
				t.state = stPlain
			}
		}
	}
	return false, nil
}

// crEndsLine reports whether the CR just before chunk[i] ends the line: it does when LF follows
// or when the file ends there. A CR at the very end of the chunk needs a look at the next byte;
// the chunk is not used after that look, because Peek may move the buffer.
func (t *csvTable) crEndsLine(chunk []byte, i int) (bool, error) {
	if i < len(chunk) {
		return chunk[i] == '\n', nil
	}
	next, err := t.br.Peek(1)
	if err == io.EOF {
		return true, nil
	}
	if err != nil {
		return false, &FileError{Row: t.recNum, Reason: "cannot read the file: " + err.Error()}
	}
	if next[0] == '\n' {
		_, _ = t.br.ReadByte()
		t.offset++
		return true, nil
	}
	return false, nil
}
