package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// makeWorkbook builds a workbook the way Excel users fill one: text that looks like a number,
// a formatted date, plain numbers, rows left out, and a second sheet.
func makeWorkbook(t testing.TB) *excelize.File {
	t.Helper()
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := "客户"
	must(f.SetSheetName("Sheet1", s))
	must(f.SetSheetRow(s, "A1", &[]any{" 客户名称 ", "金额", "签约日期", "编码"}))
	must(f.SetCellStr(s, "A2", "华为"))
	must(f.SetCellFloat(s, "B2", 1234.5, -1, 64))
	must(f.SetCellValue(s, "C2", time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellStr(s, "D2", "17850.0"))
	// Rows 3 and 4 are absent from the sheet XML.
	must(f.SetCellStr(s, "A5", "小米"))
	must(f.SetCellInt(s, "B5", -7))
	must(f.SetCellValue(s, "C5", time.Date(2025, 2, 1, 14, 5, 0, 0, time.UTC)))
	must(f.SetCellStr(s, "A6", "  "))
	must(f.SetCellStr(s, "A7", "阿里"))
	must(f.SetCellStr(s, "F7", "多余"))

	_, err := f.NewSheet("订单")
	must(err)
	must(f.SetSheetRow("订单", "A2", &[]any{"订单号", "数量"}))
	must(f.SetSheetRow("订单", "A3", &[]any{"SO1", 3}))
	return f
}

func saveWorkbook(t testing.TB, f *excelize.File, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestXLSX(t *testing.T) {
	p := saveWorkbook(t, makeWorkbook(t), "客户.xlsx")
	tests := []struct {
		name string
		opt  Options
		want got
	}{
		{
			name: "first sheet, raw values, sheet row numbers",
			want: got{Header: []string{"客户名称", "金额", "签约日期", "编码"}, Rows: []string{
				"2: 华为|1234.5|45688|17850.0",
				"5: 小米|-7|45689.586805555555|",
				"err: row 7: 6 cells but the header has 4 columns",
			}},
		},
		{
			name: "sheet chosen by name, header below a blank row",
			opt:  Options{Sheet: "订单"},
			want: got{Header: []string{"订单号", "数量"}, Rows: []string{"3: SO1|3"}},
		},
		{
			name: "sheet name matched case-insensitively",
			opt:  Options{Sheet: " 订单 "},
			want: got{Header: []string{"订单号", "数量"}, Rows: []string{"3: SO1|3"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := Open(p, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			if tb.Format() != "xlsx" || tb.Encoding() != "" {
				t.Errorf("Format, Encoding = %q, %q", tb.Format(), tb.Encoding())
			}
			g := drain(t, tb)
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestXLSXValuesParse(t *testing.T) {
	tb, err := Open(saveWorkbook(t, makeWorkbook(t), "b.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	o := DateOptions{ExcelSerial: tb.Format() == "xlsx"}
	r, err := tb.Next()
	if err != nil {
		t.Fatal(err)
	}
	if d, err := ParseDate(r.Fields[2], o); d != "2025-01-31" || err != nil {
		t.Errorf("date = %q, %v", d, err)
	}
	if v, err := ParseDecimal(r.Fields[1], 4); v != 12345000 || err != nil {
		t.Errorf("amount = %d, %v", v, err)
	}
	r, err = tb.Next()
	if err != nil {
		t.Fatal(err)
	}
	dt, err := ParseDateTime(r.Fields[2], o)
	if want := time.Date(2025, 2, 1, 14, 5, 0, 0, shanghai()); err != nil || !dt.Equal(want) {
		t.Errorf("date-time = %v, %v; want %v", dt, err, want)
	}
}

func TestXLSXDetectedByContent(t *testing.T) {
	var buf bytes.Buffer
	if err := makeWorkbook(t).Write(&buf); err != nil {
		t.Fatal(err)
	}
	tb, err := Open(writeTemp(t, "export.csv", buf.Bytes()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if tb.Format() != "xlsx" {
		t.Errorf("Format = %q", tb.Format())
	}
	g, err := openBytes(t, []byte("a,b\n1,2\n"), Options{})
	if err != nil || len(g.Rows) != 1 {
		t.Errorf("CSV text: %v %v", g, err)
	}
}

func zipFile(t testing.TB, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXRefused(t *testing.T) {
	var good bytes.Buffer
	if err := makeWorkbook(t).Write(&good); err != nil {
		t.Fatal(err)
	}
	wb := []byte(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`)

	// A forged directory claiming 2 GiB: the check must believe the directory, not unpack.
	var forged bytes.Buffer
	zw := zip.NewWriter(&forged)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write(wb)
	hw, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store,
		CompressedSize64: 4, UncompressedSize64: 2 << 30})
	if err != nil {
		t.Fatal(err)
	}
	hw.Write([]byte("<a/>"))
	zw.Close()

	// Damage the compressed sheet data but keep the directory intact.
	corrupt := bytes.Clone(good.Bytes())
	if i := bytes.Index(corrupt, []byte("xl/worksheets/sheet1.xml")); i > 0 {
		for j := i + 30; j < i+90 && j < len(corrupt); j++ {
			corrupt[j] ^= 0x5A
		}
	}

	encrypted := filepath.Join(t.TempDir(), "secret.xlsx")
	if err := makeWorkbook(t).SaveAs(encrypted, excelize.Options{Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	encBytes, err := os.ReadFile(encrypted)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"zip that is no spreadsheet", zipFile(t, map[string][]byte{"readme.txt": []byte("hello")}), Options{}, "not an XLSX spreadsheet"},
		{"empty zip", zipFile(t, nil), Options{}, "not an XLSX spreadsheet"},
		{"xlsb", zipFile(t, map[string][]byte{"xl/workbook.bin": {1, 2}}), Options{}, "binary .xlsb"},
		{"zip bomb", zipFile(t, map[string][]byte{"xl/workbook.xml": wb, "xl/worksheets/sheet1.xml": make([]byte, 50<<20)}), Options{}, "possible ZIP bomb"},
		{"forged size", forged.Bytes(), Options{}, "unpacks to more than 1 GiB"},
		{"truncated", good.Bytes()[:good.Len()/2], Options{}, "damaged or incomplete"},
		{"corrupt entry", corrupt, Options{}, "damaged"},
		{"encrypted", encBytes, Options{}, "password-protected"},
		{"unknown sheet", good.Bytes(), Options{Sheet: "Sheet9"}, `no sheet named "Sheet9"; the workbook has "客户", "订单"`},
		{"workbook without sheets", zipFile(t, map[string][]byte{"xl/workbook.xml": wb}), Options{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := Open(writeTemp(t, "in.xlsx", tt.data), tt.opt)
			if err == nil {
				tb.Close()
				t.Fatalf("Open succeeded, want %q", tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want *FileError", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestXLSXHeaderRules(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"名称", "数量", "NAME", "名称"})
	if _, err := Open(saveWorkbook(t, f, "dup.xlsx"), Options{}); err == nil || err.Error() != "row 1: duplicate column 名称 (columns 1 and 4)" {
		t.Errorf("duplicate: %v", err)
	}
	f = excelize.NewFile()
	if _, err := Open(saveWorkbook(t, f, "empty.xlsx"), Options{}); err == nil || err.Error() != "the file is empty" {
		t.Errorf("empty: %v", err)
	}
	f = excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"a", nil, "c"})
	tb, err := Open(saveWorkbook(t, f, "gap.xlsx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if diff := cmp.Diff([]string{"a", "column 2", "c"}, tb.Header()); diff != "" {
		t.Errorf("header (-want +got)\n%s", diff)
	}
	if _, err := tb.Next(); err == nil || err.Error() != "EOF" {
		t.Errorf("header-only Next = %v, want EOF", err)
	}
}

// BenchmarkXLSXReader shows what the excelize row iterator costs per row, for planning large
// imports; excelize's own GetRows over the same sheet is the baseline.
func BenchmarkXLSXReader(b *testing.B) {
	const rows = 20_000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := make([]any, 15)
	for i := range header {
		header[i] = "列" + strconv.Itoa(i+1)
	}
	sw.SetRow("A1", header)
	row := make([]any, 15)
	for r := 2; r <= rows+1; r++ {
		for i := range row {
			if i%3 == 0 {
				row[i] = r * i
			} else {
				row[i] = "文本" + strconv.Itoa(r)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		sw.SetRow(cell, row)
	}
	sw.Flush()
	p := saveWorkbook(b, f, "bench.xlsx")

	b.Run("importer", func(b *testing.B) {
		for b.Loop() {
			tb, err := Open(p, Options{})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for {
				if _, err := tb.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
				n++
			}
			tb.Close()
			if n != rows {
				b.Fatalf("read %d rows", n)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("baseline-excelize-GetRows", func(b *testing.B) {
		for b.Loop() {
			f, err := excelize.OpenFile(p, excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			all, err := f.GetRows("Sheet1")
			if err != nil || len(all) != rows+1 {
				b.Fatal(len(all), err)
			}
			f.Close()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
