package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// got is everything a Table yields, errors included, in a comparable form.
type got struct {
	Header   []string
	Encoding string
	Rows     []string // "N: a|b|c" or "err: message"
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// drain reads a table to its end. Row-level errors are recorded and reading goes on; a repeated
// error (a file-level one) ends it.
func drain(t testing.TB, tb Table) got {
	t.Helper()
	g := got{Header: tb.Header(), Encoding: tb.Encoding()}
	var last error
	for i := 0; i < 10_000_000; i++ {
		r, err := tb.Next()
		if err == io.EOF {
			return g
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Next error %T %v, want *FileError", err, err)
			}
			if err == last {
				return g
			}
			last = err
			g.Rows = append(g.Rows, "err: "+err.Error())
			continue
		}
		g.Rows = append(g.Rows, fmt.Sprintf("%d: %s", r.Number, strings.Join(r.Fields, "|")))
	}
	t.Fatal("table does not end")
	return g
}

func openBytes(t testing.TB, data []byte, opt Options) (got, error) {
	t.Helper()
	tb, err := Open(writeTemp(t, "in.csv", data), opt)
	if err != nil {
		return got{}, err
	}
	defer tb.Close()
	if tb.Format() != "csv" {
		t.Errorf("Format() = %q, want csv", tb.Format())
	}
	return drain(t, tb), nil
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		opt     Options
		want    got
		openErr string
	}{
		{
			name: "utf-8",
			data: []byte("客户名称,数量\n华为,1\n小米,2\n"),
			want: got{Header: []string{"客户名称", "数量"}, Encoding: "utf-8", Rows: []string{"2: 华为|1", "3: 小米|2"}},
		},
		{
			name: "utf-8 BOM and CRLF, last line without newline",
			data: []byte("\xEF\xBB\xBF客户名称 , 数量\r\n华为,1\r\n小米,2"),
			want: got{Header: []string{"客户名称", "数量"}, Encoding: "utf-8", Rows: []string{"2: 华为|1", "3: 小米|2"}},
		},
		{
			name: "BOM wins over a gb18030 option",
			data: []byte("\xEF\xBB\xBF名称\n甲\n"),
			opt:  Options{Encoding: "gbk"},
			want: got{Header: []string{"名称"}, Encoding: "utf-8", Rows: []string{"2: 甲"}},
		},
		{
			name: "gbk detected",
			data: gbk(t, "客户名称,金额\r\n上海某某贸易有限公司,\"1,234.50\"\r\n"),
			want: got{Header: []string{"客户名称", "金额"}, Encoding: "gb18030", Rows: []string{"2: 上海某某贸易有限公司|1,234.50"}},
		},
		{
			name: "gbk given",
			data: gbk(t, "名称\n甲\n"),
			opt:  Options{Encoding: "GBK"},
			want: got{Header: []string{"名称"}, Encoding: "gb18030", Rows: []string{"2: 甲"}},
		},
		{
			name: "quotes, commas and newlines inside quotes keep row numbers",
			data: []byte("a,b\n\"x,1\",\"line1\nline2\r\nline3\"\n\"say \"\"hi\"\"\",z\nlast,1\n"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{
				"2: x,1|line1\nline2\r\nline3", "3: say \"hi\"|z", "4: last|1"}},
		},
		{
			name: "quoted empty and quoted last field at EOF",
			data: []byte("a,b,c\n\"\",\"\",\"q\""),
			want: got{Header: []string{"a", "b", "c"}, Encoding: "utf-8", Rows: []string{"2: ||q"}},
		},
		{
			name: "bare quote kept, text after a closing quote kept",
			data: []byte("a,b\n5\"3,x\n\"ab\"cd,y\n"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{"2: 5\"3|x", "3: abcd|y"}},
		},
		{
			name: "blank lines skipped but counted",
			data: []byte("\na,b\n\n1,2\n,\n  ,\t\n3,4\n\n"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{"4: 1|2", "7: 3|4"}},
		},
		{
			name: "short rows padded, extra empty cells ignored, extra values refused",
			data: []byte("a,b,c\n1\n1,2,3,,\n1,2,3,4,,\n5,6,7\n"),
			want: got{Header: []string{"a", "b", "c"}, Encoding: "utf-8", Rows: []string{
				"2: 1||", "3: 1|2|3", "err: row 4: 4 cells but the header has 3 columns", "5: 5|6|7"}},
		},
		{
			name: "empty header cell named",
			data: []byte("a,,c\n1,2,3\n"),
			want: got{Header: []string{"a", "column 2", "c"}, Encoding: "utf-8", Rows: []string{"2: 1|2|3"}},
		},
		{
			name: "header only",
			data: []byte("a,b\r\n"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8"},
		},
		{
			name: "header only without newline",
			data: []byte("a,b"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8"},
		},
		{
			name: "tab delimited",
			data: []byte("名称\t金额\n甲\t1,234\n"),
			want: got{Header: []string{"名称", "金额"}, Encoding: "utf-8", Rows: []string{"2: 甲|1,234"}},
		},
		{
			name: "semicolon delimited",
			data: []byte("name;amount\nACME;1,5\n"),
			want: got{Header: []string{"name", "amount"}, Encoding: "utf-8", Rows: []string{"2: ACME|1,5"}},
		},
		{
			name: "Excel sep= line",
			data: []byte("sep=;\r\na;b,c\r\n1;2,3\r\n"),
			want: got{Header: []string{"a", "b,c"}, Encoding: "utf-8", Rows: []string{"2: 1|2,3"}},
		},
		{
			name: "comma wins when the header has one",
			data: []byte("a;b,c\n1;2,3\n"),
			want: got{Header: []string{"a;b", "c"}, Encoding: "utf-8", Rows: []string{"2: 1;2|3"}},
		},
		{
			name: "lone CR inside a field is data, CR before EOF ends the line",
			data: []byte("a,b\nx\ry,z\r"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{"2: x\ry|z"}},
		},
		{
			name: "unterminated quote names the row where it starts",
			data: []byte("a,b\n1,2\n3,\"open\n4,5\n6,7\n"),
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{
				"2: 1|2", `err: row 3: a quoted cell is never closed (a " is missing)`}},
		},
		{
			name: "invalid UTF-8 in a row",
			data: []byte("a,b\n1,2\n3,\xff\xfe\n5,6\n"),
			opt:  Options{Encoding: "utf-8"},
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{
				"2: 1|2", "err: row 3: invalid UTF-8; if the file was saved by Excel in China, use --encoding gb18030", "4: 5|6"}},
		},
		{
			name: "small record limit",
			data: []byte("a,b\n1,2\n" + strings.Repeat("x", 40) + ",y\n\"" + strings.Repeat("q\n", 30) + "\",z\n3,4\n"),
			opt:  Options{MaxRecordBytes: 32},
			want: got{Header: []string{"a", "b"}, Encoding: "utf-8", Rows: []string{
				"2: 1|2", "err: row 3: the row is longer than 32 bytes", "err: row 4: the row is longer than 32 bytes", "5: 3|4"}},
		},
		{name: "empty file", data: nil, openErr: "the file is empty"},
		{name: "blank lines only", data: []byte("\r\n , \r\n\n"), openErr: "the file is empty"},
		{name: "duplicate columns", data: []byte("名称,数量,单价,数量\n"), openErr: "row 1: duplicate column 数量 (columns 2 and 4)"},
		{name: "duplicate columns ignore case and spaces", data: []byte("Name, name \n"), openErr: "row 1: duplicate column name (columns 1 and 2)"},
		{name: "binary", data: []byte("PNG\x00\x01\x02\x03"), openErr: "not a text file (binary content at byte 3)"},
		{name: "control bytes", data: []byte("ab\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"), openErr: "not a text file (binary content at byte 2)"},
		{name: "utf-16", data: []byte("\xFF\xFEa\x00,\x00b\x00"), openErr: "UTF-16"},
		{name: "unknown encoding", data: []byte("a\n"), opt: Options{Encoding: "latin1"}, openErr: `unknown encoding "latin1"`},
		{name: "legacy xls", data: []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), openErr: "password-protected or in the old .xls format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := openBytes(t, tt.data, tt.opt)
			if tt.openErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.openErr) {
					t.Fatalf("Open error = %v, want %q", err, tt.openErr)
				}
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("Open error is %T, want *FileError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestCSVBufferBoundaries reads each case through a 16-byte buffer, so that quotes, CRLF and
// multi-byte characters fall across chunk edges, and expects what the normal buffer gives.
func TestCSVBufferBoundaries(t *testing.T) {
	long := strings.Repeat("长文本", 50)
	inputs := []string{
		"a,b\r\n\"" + long + "\"\"x\",\"y\r\n\"\r\n" + long + "," + long + "\r\n",
		"a,b\n" + strings.Repeat("12345678901234\r,5\r\n", 20),
		"h1,h2,h3\n" + strings.Repeat(`"q""q","",x`+"\n", 30),
		"x\n" + strings.Repeat("a", 15) + "\r\n" + strings.Repeat("b", 14) + "\r\n",
	}
	for i, in := range inputs {
		want := readerResult(t, []byte(in), "", 1<<20, sniffSize)
		got := readerResult(t, []byte(in), "", 1<<20, 16)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("input %d: (-64KiB buffer +16B buffer)\n%s", i, diff)
		}
		if len(want.Rows) == 0 {
			t.Errorf("input %d: no rows", i)
		}
	}
}

func readerResult(t testing.TB, data []byte, enc string, maxRecord, bufSize int) got {
	t.Helper()
	tb, err := newCSVTable(bytes.NewReader(data), nil, enc, maxRecord, bufSize)
	if err != nil {
		return got{Rows: []string{"open: " + err.Error()}}
	}
	return drain(t, tb)
}

func TestCSVInvalidUTF8AfterSample(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("名称,备注\n")
	row := 1
	for b.Len() < 3*sniffSize {
		row++
		fmt.Fprintf(&b, "客户%d,正常\n", row)
	}
	bad := row + 1
	b.WriteString("客户X," + string(gbk(t, "乱码")) + "\n")
	b.WriteString("客户Y,ok\n")
	tb, err := Open(writeTemp(t, "late.csv", b.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if tb.Encoding() != "utf-8" {
		t.Fatalf("Encoding = %q", tb.Encoding())
	}
	g := drain(t, tb)
	wantErr := fmt.Sprintf("err: row %d: invalid UTF-8; if the file was saved by Excel in China, use --encoding gb18030", bad)
	if n := len(g.Rows); n < 2 || g.Rows[n-2] != wantErr || g.Rows[n-1] != fmt.Sprintf("%d: 客户Y|ok", bad+1) {
		t.Fatalf("last rows = %q, want %q then row %d", g.Rows[max(0, n-2):], wantErr, bad+1)
	}
}

func TestCSVBinaryAfterSample(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("a,b\n")
	for b.Len() < 2*sniffSize {
		b.WriteString("1,2\n")
	}
	pos := b.Len() + 2
	b.WriteString("3,\x00\x00\x00\n4,5\n")
	tb, err := Open(writeTemp(t, "bin.csv", b.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	g := drain(t, tb)
	want := fmt.Sprintf("not a text file (binary content at byte %d)", pos)
	if last := g.Rows[len(g.Rows)-1]; !strings.Contains(last, want) {
		t.Fatalf("last = %q, want %q", last, want)
	}
}

// TestCSVHugeLine feeds a 50 MB line between two good rows: the row is refused, the next one is
// read, and the heap never holds the line.
func TestCSVHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50 MB")
	}
	p := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("a,b\n1,2\nstart,")
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for n := 0; n < 50<<20; n += len(chunk) {
		w.Write(chunk)
	}
	w.WriteString("\n3,4\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	tb, err := Open(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	g := drain(t, tb)
	runtime.ReadMemStats(&after)
	want := []string{"2: 1|2", "err: row 3: the row is longer than 1 MiB", "4: 3|4"}
	if diff := cmp.Diff(want, g.Rows); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	// TotalAlloc, not HeapAlloc: it cannot be shrunk by a GC during the read.
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MiB in total reading the 50 MB line", float64(grew)/(1<<20))
	if grew > 20<<20 {
		t.Errorf("allocated %d MiB reading a 50 MB line", grew>>20)
	}
}

// FuzzCSVReader checks that arbitrary bytes never panic, that rows come in increasing order
// aligned with the header, and that a tiny read buffer gives the same result as the real one.
func FuzzCSVReader(f *testing.F) {
	seeds := []string{
		"a,b\n1,2\n",
		"\xEF\xBB\xBFa,b\r\n\"x,\"\"y\"\"\",\"l1\nl2\"\r\n3,4",
		"a\tb\n1\t2\n",
		"a;b\n1;2\n",
		"a,b\n\"open\n",
		"a,a\n",
		"a,b\n1,2,3\n",
		"a,b\n5\"3,x\n\"ab\"cd,y\n",
		"a,b\nx\ry,z\r",
		"a,b\r\n\r\n\r\n1,2\r\n",
		"\x00\x01\x02",
		"a,b\n\xff\xfe,1\n",
		"\xb5\xa5\xbc\xdb,\xca\xfd\xc1\xbf\n1,2\n",
		"a,b\n\"" + strings.Repeat("x", 70) + "\",y\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []string{"", encGB18030} {
			big := checkedRead(t, data, enc, sniffSize)
			small := checkedRead(t, data, enc, 16)
			if diff := cmp.Diff(big, small); diff != "" {
				t.Fatalf("encoding %q: buffer sizes disagree (-64KiB +16B)\n%s", enc, diff)
			}
		}
	})
}

func checkedRead(t *testing.T, data []byte, enc string, bufSize int) []string {
	const maxRecord = 64
	tb, err := newCSVTable(bytes.NewReader(data), nil, enc, maxRecord, bufSize)
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Fatalf("open error %T %v", err, err)
		}
		return []string{"open: " + err.Error()}
	}
	out := []string{strings.Join(tb.Header(), "|")}
	prev := 0
	var last error
	for i := 0; ; i++ {
		if i > len(data)+2 {
			t.Fatal("more results than input bytes")
		}
		r, err := tb.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Next error %T %v", err, err)
			}
			if err == last {
				return out
			}
			if fe.Row != 0 && fe.Row <= prev {
				t.Fatalf("error row %d after row %d", fe.Row, prev)
			}
			last, prev = err, fe.Row
			out = append(out, "err: "+err.Error())
			continue
		}
		if r.Number <= prev {
			t.Fatalf("row %d after row %d", r.Number, prev)
		}
		prev = r.Number
		if len(r.Fields) != len(tb.Header()) {
			t.Fatalf("row %d has %d fields, header %d", r.Number, len(r.Fields), len(tb.Header()))
		}
		size := 0
		for _, f := range r.Fields {
			size += len(f)
		}
		if size > maxRecord {
			t.Fatalf("row %d holds %d bytes, limit %d", r.Number, size, maxRecord)
		}
		out = append(out, fmt.Sprintf("%d: %q", r.Number, r.Fields))
	}
}

// BenchmarkCSVReader reads 100k rows of 15 fields; encoding/csv over the same bytes, reusing
// its record, is the baseline printed beside it.
func BenchmarkCSVReader(b *testing.B) {
	const rows = 100_000
	var buf bytes.Buffer
	buf.WriteString("客户编码,客户名称,订单号,日期,产品编码,产品名称,数量,单价,金额,币种,销售员,区域,渠道,状态,备注\r\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&buf, "C%05d,客户%d,SO%07d,2025-01-%02d,P%04d,产品%d,%d,%d.50,%d.00,CNY,张三,华东,直销,已完成,无\r\n",
			i%50000, i%50000, i, i%28+1, i%999, i%999, i%100+1, i%500, i%9999)
	}
	utf8Path := writeTemp(b, "bench.csv", buf.Bytes())
	gbPath := writeTemp(b, "bench-gb.csv", gbk(b, buf.String()))

	importer := func(path string) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				tb, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					r, err := tb.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n += len(r.Fields)
				}
				tb.Close()
				if n != rows*15 {
					b.Fatalf("read %d fields", n)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		}
	}
	b.Run("importer", importer(utf8Path))
	b.Run("importer-gb18030", importer(gbPath))
	b.Run("baseline-encoding-csv", func(b *testing.B) {
		b.SetBytes(int64(buf.Len()))
		b.ReportAllocs()
		for b.Loop() {
			f, err := os.Open(utf8Path)
			if err != nil {
				b.Fatal(err)
			}
			cr := csv.NewReader(bufio.NewReaderSize(f, sniffSize))
			cr.ReuseRecord = true
			n := 0
			for {
				rec, err := cr.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				n += len(rec)
			}
			f.Close()
			if n != (rows+1)*15 {
				b.Fatalf("read %d fields", n)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
