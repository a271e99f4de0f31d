package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kam"
	"kam/importer"
	"kam/sqldb"
	"kam/sqldb/sqldbtest"
)

// env is a database with an admin and a rep, and the ledger service importing into it.
type env struct {
	t      *testing.T
	db     *sqldb.DB
	ledger *sqldb.LedgerService
	cs     *sqldb.CustomerService
	ctx    context.Context
	rep    *kam.User
}

func newEnv(t *testing.T, db *sqldb.DB) *env {
	t.Helper()
	ctx := kam.WithActor(context.Background(), kam.System)
	users := sqldb.NewUserService(db)
	admin := &kam.User{Email: "admin@kam.example", Name: "管理员", Role: kam.RoleAdmin}
	if err := users.CreateUser(ctx, admin, "a long admin password"); err != nil {
		t.Fatal(err)
	}
	rep := &kam.User{Email: "rep01@kam.example", Name: "王强", Role: kam.RoleRep}
	if err := users.CreateUser(ctx, rep, "a long rep password"); err != nil {
		t.Fatal(err)
	}
	cs := sqldb.NewCustomerService(db)
	return &env{t: t, db: db, ledger: sqldb.NewLedgerService(db, cs), cs: cs, ctx: ctx, rep: rep}
}

// file writes content to a temp file named name.
func (e *env) file(name string, content []byte) string {
	e.t.Helper()
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) run(path string, opt importer.RunOptions) (*importer.Summary, error) {
	e.t.Helper()
	return importer.Run(e.ctx, e.ledger, path, opt)
}

func (e *env) mustRun(path string, opt importer.RunOptions) *importer.Summary {
	e.t.Helper()
	s, err := e.run(path, opt)
	if err != nil {
		e.t.Fatalf("import %s: %v", opt.Kind, err)
	}
	return s
}

func (e *env) count(table string) int {
	e.t.Helper()
	n, err := e.db.CountRows(e.ctx, table)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// checkRollups fails the test when a rollup differs from its lines.
func (e *env) checkRollups() {
	e.t.Helper()
	diffs, err := e.db.CheckRollups(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range diffs {
		e.t.Errorf("rollup differs: %s", d)
	}
}

func (e *env) order(no string) *kam.Order {
	e.t.Helper()
	os, _, err := e.ledger.FindOrders(e.ctx, kam.LedgerFilter{Q: no, Limit: 10})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range os {
		if o.OrderNo == no {
			full, err := e.ledger.FindOrder(e.ctx, o.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return full
		}
	}
	e.t.Fatalf("order %s not found", no)
	return nil
}

func (e *env) sales(code string) []kam.SalesMonth {
	e.t.Helper()
	cs, _, err := e.cs.FindCustomers(e.ctx, kam.CustomerFilter{Q: code, Limit: 5})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Code == code {
			m, err := e.ledger.SalesByMonth(e.ctx, c.ID, "1900-01", "2200-12")
			if err != nil {
				e.t.Fatal(err)
			}
			return m
		}
	}
	e.t.Fatalf("customer %s not found", code)
	return nil
}

const ordersCSV = "order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,discount,cost,rep\n" +
	"SO1,2025-01-05,C1,\"华为,技术有限公司\",P1,电机A,电机,10,12.5,0,80,rep01@kam.example\n" +
	"SO1,2025-01-05,C1,\"华为,技术有限公司\",P2,轴承B,轴承,3,100,5,200,rep01@kam.example\n" +
	"SO2,2025-02-07,C2,小米科技,P1,电机A,电机,2.5,12.3456,,20,\n"

func TestImportOrders(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		s := e.mustRun(e.file("o.csv", []byte(ordersCSV)), importer.RunOptions{Kind: "orders"})
		if s.RowsRead != 3 || s.Created != 3 || s.Rejected != 0 || !s.Written {
			t.Fatalf("summary %+v", s)
		}
		o := e.order("SO1")
		if len(o.Lines) != 2 || o.Lines[0].Amount != 125*kam.MoneyUnit || o.Lines[1].Amount != 295*kam.MoneyUnit {
			t.Fatalf("lines %+v", o.Lines)
		}
		if o.CustomerName != "华为,技术有限公司" || o.RepEmail != "rep01@kam.example" {
			t.Errorf("order %+v", o)
		}
		// 2.5 × 12.3456 = 30.864 exactly, no float on the way.
		if got := e.order("SO2").Lines[0].Amount; got != 308640 {
			t.Errorf("amount %s, want 30.8640", got)
		}
		m := e.sales("C1")
		if len(m) != 1 || m[0].NetRevenue != 420*kam.MoneyUnit || m[0].Cost != 280*kam.MoneyUnit || m[0].Orders != 1 || m[0].Lines != 2 {
			t.Errorf("rollup %+v", m)
		}
		e.checkRollups()

		// The same file again changes nothing, and says so.
		again := e.mustRun(e.file("o.csv", []byte(ordersCSV)), importer.RunOptions{Kind: "orders"})
		if again.Unchanged != 3 || again.Created+again.Updated != 0 {
			t.Errorf("second import %+v", again)
		}
		// A changed row updates the line, and the change shows in the customer's history.
		changed := strings.Replace(ordersCSV, "P2,轴承B,轴承,3,100", "P2,轴承B,轴承,4,100", 1)
		up := e.mustRun(e.file("o.csv", []byte(changed)), importer.RunOptions{Kind: "orders"})
		if up.Updated != 1 || up.Unchanged != 2 {
			t.Errorf("changed import %+v", up)
		}
		if got := e.order("SO1").Lines[1].Amount; got != 395*kam.MoneyUnit {
			t.Errorf("updated amount %s", got)
		}
		hist, _, err := e.cs.History(e.ctx, e.order("SO1").CustomerID, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hist {
			if h.Entity == "order" && h.Action == "update" && h.EntityName == "SO1" && len(h.Fields) == 1 && h.Fields[0].Field == "lines[2]" {
				found = true
			}
		}
		if !found {
			t.Errorf("history has no update of SO1 line 2: %+v", hist)
		}
		e.checkRollups()
		if m := e.sales("C1"); m[0].NetRevenue != 520*kam.MoneyUnit {
			t.Errorf("rollup after update %+v", m)
		}

		// Deleting an order takes it out of the rollups in the same transaction.
		o = e.order("SO2")
		if err := e.ledger.DeleteOrder(e.ctx, o.ID, o.Version); err != nil {
			t.Fatal(err)
		}
		e.checkRollups()
		if m := e.sales("C2"); len(m) != 0 && m[0].Lines != 0 {
			t.Errorf("rollup after delete %+v", m)
		}
		// A customer with booked documents cannot be deleted.
		c1 := e.order("SO1")
		cust, err := e.cs.FindCustomerByID(e.ctx, c1.CustomerID)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.cs.DeleteCustomer(e.ctx, cust.ID, cust.Version); kam.ErrorCodeOf(err) != kam.EConflict {
			t.Errorf("delete customer with orders: %v", err)
		}
	})
}

// TestImportQuirks feeds the files real users produce; each must import to the same orders.
func TestImportQuirks(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	header := "订单号,日期,客户编码,客户名称,产品编码,产品名称,数量,单价\r\n"
	cases := []struct {
		name    string
		content []byte
		opt     importer.RunOptions
		check   func(t *testing.T, e *env, s *importer.Summary)
	}{
		{"BOM, CRLF and Chinese headers", []byte("\ufeff" + header + "A1,2025-03-01,K1,甲公司,P1,电机,2,10\r\n"), importer.RunOptions{},
			func(t *testing.T, e *env, s *importer.Summary) {
				if e.order("A1").Amount != 20*kam.MoneyUnit {
					t.Errorf("amount %s", e.order("A1").Amount)
				}
			}},
		{"GBK as Excel in China saves it", gbk(header + "A1,2025/3/1,K1,深圳市华拓电子科技有限公司,P1,电机,2,10\r\n"), importer.RunOptions{},
			func(t *testing.T, e *env, s *importer.Summary) {
				if s.Encoding != "gb18030" || e.order("A1").CustomerName != "深圳市华拓电子科技有限公司" || e.order("A1").OrderDate != "2025-03-01" {
					t.Errorf("encoding %s, order %+v", s.Encoding, e.order("A1"))
				}
			}},
		{"quoted newline and comma", []byte(header + "A1,2025年3月1日,K1,\"甲公司\n(华东), 分部\",P1,电机,2,10\n"), importer.RunOptions{},
			func(t *testing.T, e *env, s *importer.Summary) {
				if e.order("A1").CustomerName != "甲公司\n(华东), 分部" {
					t.Errorf("name %q", e.order("A1").CustomerName)
				}
			}},
		{"US dates with a layout", []byte(header + "A1,3/1/2025,K1,甲公司,P1,电机,2,10\n"), importer.RunOptions{DateLayout: "1/2/2006"},
			func(t *testing.T, e *env, s *importer.Summary) {
				if e.order("A1").OrderDate != "2025-03-01" {
					t.Errorf("date %s", e.order("A1").OrderDate)
				}
			}},
		{"full-width digits, separators, currency, parentheses", []byte(header + "A1,2025-03-01,K1,甲公司,P1,电机,\"１,０００\",\"¥1,234.50\"\nA2,2025-03-01,K1,甲公司,P1,电机,(2),￥10\n"), importer.RunOptions{},
			func(t *testing.T, e *env, s *importer.Summary) {
				if got := e.order("A1").Amount; got != 1234500*kam.MoneyUnit {
					t.Errorf("amount %s", got)
				}
				if got := e.order("A2").Lines[0].Quantity; got != -2000 {
					t.Errorf("negative quantity %s", got)
				}
			}},
		{"codes kept exactly", []byte(header + "17850.0,2025-03-01,00123,甲公司,0042,电机,1,1\n"), importer.RunOptions{},
			func(t *testing.T, e *env, s *importer.Summary) {
				o := e.order("17850.0")
				if o.CustomerCode != "00123" || o.Lines[0].ProductCode != "0042" {
					t.Errorf("codes %+v", o)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
				e := newEnv(t, db)
				c.opt.Kind = "orders"
				s := e.mustRun(e.file("q.csv", c.content), c.opt)
				if s.Rejected != 0 || !s.Written {
					t.Fatalf("summary %+v", s)
				}
				c.check(t, e, s)
				e.checkRollups()
			})
		})
	}
}

// TestImportRejects: every bad row is reported by row, column, value and reason, and by default
// nothing of the file is written.
func TestImportRejects(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		content := "order_no,order_date,customer_code,customer_name,product_code,product_name,quantity,unit_price\n" +
			"B1,2025-01-01,K1,甲,P1,电机,1,10\n" + // good
			"B2,1/2/2025,K1,甲,P1,电机,1,10\n" + // ambiguous date
			"B3,2025-01-01,,甲,P1,电机,1,10\n" + // empty customer code
			"B1,2025-01-01,K1,甲,P1,电机,1,10\n" + // a second B1 line 2: fine
			"B4,2025-01-01,K1,甲,P1,电机,abc,10\n" + // not a number
			"B5,2025-01-01,K9,,P1,电机,1,10\n" // unknown customer without a name
		path := e.file("bad.csv", []byte(content))
		var report bytes.Buffer
		s, err := e.run(path, importer.RunOptions{Kind: "orders", Report: &report})
		if err != nil {
			t.Fatal(err)
		}
		if s.Rejected != 4 || s.Written || e.count("orders") != 0 || e.count("customers") != 0 {
			t.Fatalf("summary %+v, %d orders", s, e.count("orders"))
		}
		want := map[int]string{3: "order_date", 4: "customer_code", 6: "quantity", 7: "customer_code"}
		for _, er := range s.Errors {
			if want[er.Row] != er.Field {
				t.Errorf("row %d: field %s (%s)", er.Row, er.Field, er.Reason)
			}
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(report.String(), "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 5 || recs[0][0] != "row" || recs[3][3] != "abc" || recs[3][4] != "not a number" {
			t.Errorf("report %q (%v)", report.String(), err)
		}
		if s.RejectedByReason["required"] != 1 {
			t.Errorf("by reason %+v", s.RejectedByReason)
		}
		// --dry-run writes nothing either; --skip-invalid writes the good rows.
		if d := e.mustRun(path, importer.RunOptions{Kind: "orders", DryRun: true, SkipInvalid: true}); d.Written || d.Created != 2 || e.count("orders") != 0 {
			t.Errorf("dry run %+v", d)
		}
		k := e.mustRun(path, importer.RunOptions{Kind: "orders", SkipInvalid: true})
		if !k.Written || k.Created != 2 || k.Rejected != 4 || e.count("order_lines") != 2 {
			t.Errorf("skip invalid %+v", k)
		}
		e.checkRollups()

		// Duplicate rows of one line, and rows of one order that disagree.
		dup := "order_no,line_no,order_date,customer_code,customer_name,product_code,product_name,quantity,unit_price\n" +
			"D1,1,2025-01-01,K1,甲,P1,电机,1,10\nD1,1,2025-01-01,K1,甲,P1,电机,1,10\nD1,2,2025-01-02,K1,甲,P1,电机,1,10\n"
		ds := e.mustRun(e.file("dup.csv", []byte(dup)), importer.RunOptions{Kind: "orders", SkipInvalid: true})
		if ds.Rejected != 2 || ds.Errors[0].Field != "line_no" || !strings.Contains(ds.Errors[0].Reason, "row 2") || ds.Errors[1].Field != "order_date" {
			t.Errorf("duplicates %+v", ds)
		}
		// --no-create refuses unknown codes.
		nc := e.mustRun(e.file("nc.csv", []byte("order_no,order_date,customer_code,customer_name,product_code,quantity,unit_price\nN1,2025-01-01,NEW,新公司,P1,1,1\n")),
			importer.RunOptions{Kind: "orders", NoCreate: true, SkipInvalid: true})
		if nc.Rejected != 1 || !strings.Contains(nc.Errors[0].Reason, "--no-create") {
			t.Errorf("no-create %+v", nc)
		}
	})
}

func TestImportMappingAndBadFiles(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		odd := "单据,日,客户,品,件数,价\nM1,2025-01-01,K1,P1,1,10\n"
		path := e.file("odd.csv", []byte(odd))
		_, err := e.run(path, importer.RunOptions{Kind: "orders"})
		var fe *importer.FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "order_no") || !strings.Contains(fe.Reason, "--map") {
			t.Fatalf("unmapped required fields: %v", err)
		}
		mapping, err := importer.ParseMapping("order_no=单据,order_date=日,customer_code=客户,product_code=品,quantity=件数,unit_price=价,customer_name=客户,product_name=品")
		if err != nil {
			t.Fatal(err)
		}
		if s := e.mustRun(path, importer.RunOptions{Kind: "orders", Mapping: mapping}); s.Created != 1 {
			t.Errorf("mapped import %+v", s)
		}
		// field= leaves a field out although a column bears its name.
		skip := e.file("skip.csv", []byte("code,name,province\nK7,七号公司,广东\n"))
		e.mustRun(skip, importer.RunOptions{Kind: "customers"})
		e.mustRun(e.file("skip2.csv", []byte("code,name,province\nK7,七号公司,\n")), importer.RunOptions{Kind: "customers", Mapping: map[string]string{"province": ""}})
		if cs, _, _ := e.cs.FindCustomers(e.ctx, kam.CustomerFilter{Q: "K7", Limit: 1}); len(cs) != 1 || cs[0].Province != "广东" {
			t.Errorf("an unmapped field was written: %+v", cs)
		}
		if _, err := e.run(path, importer.RunOptions{Kind: "orders", Mapping: map[string]string{"order_no": "没有"}}); err == nil || !strings.Contains(err.Error(), "没有") {
			t.Errorf("missing mapped column: %v", err)
		}
		if err := e.ledger.SaveMapping(e.ctx, "erp", "orders", mapping); err != nil {
			t.Fatal(err)
		}
		if kind, m, err := e.ledger.Mapping(e.ctx, "erp"); err != nil || kind != "orders" || m["order_no"] != "单据" {
			t.Errorf("saved mapping %s %v %v", kind, m, err)
		}
		before := e.count("orders")
		for name, content := range map[string][]byte{
			"binary":      {0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x00, 0x10},
			"header only": []byte("order_no,order_date,customer_code,product_code,quantity,unit_price\n"),
			"duplicate":   []byte("order_no,order_no,order_date,customer_code,product_code,quantity,unit_price\n1,1,2025-01-01,K,P,1,1\n"),
			"broken zip":  []byte("PK\x03\x04garbage that is not a zip"),
		} {
			_, err := e.run(e.file("bad", content), importer.RunOptions{Kind: "orders"})
			if !errors.As(err, &fe) {
				t.Errorf("%s: %v, want a FileError", name, err)
			}
		}
		if e.count("orders") != before {
			t.Errorf("a bad file wrote orders")
		}
	})
}

// TestImportKinds imports one file of every kind and checks what each wrote.
func TestImportKinds(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		steps := []struct {
			kind, content string
			check         func(t *testing.T, s *importer.Summary)
		}{
			{"customers", "code,name,province,status,stage,owner,tags,credit_code\nK1,深圳华拓电子科技有限公司,广东,active,deepen,rep01@kam.example,重点;华南,\nK2,江苏恒瑞精密机械有限公司,江苏,active,establish,,,\n",
				func(t *testing.T, s *importer.Summary) {
					cs, _, _ := e.cs.FindCustomers(e.ctx, kam.CustomerFilter{Q: "K1", Limit: 5})
					if s.Created != 2 || len(cs) == 0 || cs[0].OwnerID != e.rep.ID || len(cs[0].Tags) != 2 {
						t.Errorf("customers %+v %+v", s, cs)
					}
				}},
			{"customers", "code,credit_code\nK2,91350100M000100Y4X\n", func(t *testing.T, s *importer.Summary) {
				if s.Rejected != 1 || s.Errors[0].Field != "credit_code" {
					t.Errorf("bad credit code %+v", s)
				}
			}},
			{"contacts", "customer_code,name,title,phones,birthday,relationship\nK1,李娜,采购经理,13800000000;0755-1234567,农历八月十五,4\n",
				func(t *testing.T, s *importer.Summary) {
					if s.Created != 1 {
						t.Errorf("contacts %+v", s)
					}
				}},
			{"products", "code,name,category,uom,list_price\nP1,电机A,电机,台,1200\nP2,轴承B,轴承,套,35.5\n", func(t *testing.T, s *importer.Summary) {
				if s.Created != 2 {
					t.Errorf("products %+v", s)
				}
			}},
			{"orders", "order_no,order_date,customer_code,product_code,quantity,unit_price,unit_cost\nS1,2025-01-10,K1,P1,2,1200,900\nS1,2025-01-10,K1,P2,10,35.5,20\nS2,2025-02-10,K2,P1,1,1100,\n",
				func(t *testing.T, s *importer.Summary) {
					if s.Created != 3 || e.order("S1").Cost != 2000*kam.MoneyUnit {
						t.Errorf("orders %+v cost %s", s, e.order("S1").Cost)
					}
				}},
			{"orders", "order_no,order_date,customer_code,product_code,quantity,unit_price,return_of,profit\nR1,2025-01-20,K1,P1,1,1200,S1,300\n",
				func(t *testing.T, s *importer.Summary) {
					r := e.order("R1")
					if s.Created != 1 || r.Kind != kam.OrderKindReturn || r.Lines[0].Quantity != -1000 || r.Amount != -1200*kam.MoneyUnit || r.Cost != -900*kam.MoneyUnit {
						t.Errorf("return %+v", r)
					}
					m := e.sales("K1")
					if m[0].Returns != 1200*kam.MoneyUnit || m[0].NetRevenue != (2755-1200)*kam.MoneyUnit || m[0].Orders != 1 {
						t.Errorf("rollup with return %+v", m)
					}
				}},
			{"invoices", "invoice_no,customer_code,order_no,invoice_date,due_date,amount\nI1,K1,S1,2025-01-10,2025-02-09,2755\nI2,K1,,2025-01-20,2025-03-20,100\n",
				func(t *testing.T, s *importer.Summary) {
					if s.Created != 2 {
						t.Errorf("invoices %+v", s)
					}
				}},
			{"payments", "reference,customer_code,payment_date,amount,method\nBK1,K1,2025-02-01,2800,电汇\n", func(t *testing.T, s *importer.Summary) {
				ps, _, err := e.ledger.FindPayments(e.ctx, kam.LedgerFilter{Limit: 10})
				if err != nil || s.Created != 1 || len(ps) != 1 || len(ps[0].Allocations) != 2 || ps[0].Allocations[0].InvoiceNo != "I1" ||
					ps[0].Allocations[0].Amount != 2755*kam.MoneyUnit || ps[0].Allocations[1].Amount != 45*kam.MoneyUnit || ps[0].Unallocated != 0 {
					t.Errorf("payments %+v %+v %v", s, ps, err)
				}
				open, _, _ := e.ledger.FindInvoices(e.ctx, kam.LedgerFilter{Status: "overdue", Today: "2025-04-01", Limit: 10})
				if len(open) != 1 || open[0].InvoiceNo != "I2" || open[0].Open() != 55*kam.MoneyUnit {
					t.Errorf("overdue %+v", open)
				}
			}},
			{"costs", "customer_code,entry_date,expense_code,amount,note\nK1,2025-01-15,rebate,500,年度返利\nK1,2025-01-15,物流费用,80,\nK1,2025-01-15,rebate,500,年度返利\n",
				func(t *testing.T, s *importer.Summary) {
					if s.Created != 3 {
						t.Errorf("costs %+v", s)
					}
				}},
			{"costs", "reference,customer_code,entry_date,expense_code,amount\nX1,K1,2025-02-10,visits,300\n", func(t *testing.T, s *importer.Summary) {
				if s.Created != 1 {
					t.Errorf("cost with a reference %+v", s)
				}
			}},
			{"costs", "reference,customer_code,entry_date,expense_code,amount\nX1,K2,2025-03-10,service,120\n", func(t *testing.T, s *importer.Summary) {
				if s.Updated != 1 { // moved to another customer, month and code: the rollups follow (checked after each step)
					t.Errorf("changed cost %+v", s)
				}
			}},
			{"financials", "customer_code,period,current_assets,current_liabilities,revenue,net_profit\nK1,2024,5000000,2500000,12000000,800000\n",
				func(t *testing.T, s *importer.Summary) {
					if s.Created != 1 {
						t.Errorf("financials %+v", s)
					}
				}},
			{"wallet", "customer_code,category,year,amount\nK1,电机,2025,500000\n", func(t *testing.T, s *importer.Summary) {
				if s.Created != 1 {
					t.Errorf("wallet %+v", s)
				}
			}},
			{"products", "code,name,category\nP2,轴承B,电机\n", func(t *testing.T, s *importer.Summary) {
				if s.Updated != 1 {
					t.Errorf("recategorised product %+v", s)
				}
			}},
		}
		for i, st := range steps {
			s := e.mustRun(e.file(st.kind+".csv", []byte(st.content)), importer.RunOptions{Kind: st.kind, SkipInvalid: true})
			t.Run(st.kind+"-"+string(rune('a'+i)), func(t *testing.T) { st.check(t, s) })
			e.checkRollups()
			// Every file imports again without a change.
			if again := e.mustRun(e.file(st.kind+".csv", []byte(st.content)), importer.RunOptions{Kind: st.kind, SkipInvalid: true}); again.Created+again.Updated != 0 {
				t.Errorf("%s again: %+v", st.kind, again)
			}
		}
		if n := e.count("cost_monthly"); n != 4 { // K1 2025-01 rebate and logistics, K1 2025-02 visits (now zero), K2 2025-03 service
			t.Errorf("cost rollup rows %d", n)
		}
	})
}

// TestExportRoundTrip: an export imports back with no mapping and changes nothing.
func TestExportRoundTrip(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		e.mustRun(e.file("o.csv", []byte(ordersCSV)), importer.RunOptions{Kind: "orders"})
		e.mustRun(e.file("i.csv", []byte("invoice_no,customer_code,invoice_date,due_date,amount\nI1,C1,2025-01-05,2025-02-04,420\n")), importer.RunOptions{Kind: "invoices"})
		e.mustRun(e.file("p.csv", []byte("reference,customer_code,payment_date,amount\nBK1,C1,2025-01-30,400\n")), importer.RunOptions{Kind: "payments"})
		e.mustRun(e.file("c.csv", []byte("customer_code,entry_date,expense_code,amount\nC1,2025-01-30,ap,12.3456\n")), importer.RunOptions{Kind: "costs"})
		e.mustRun(e.file("k.csv", []byte("customer_code,name,phones,birthday\nC1,李娜,138 0000 0000;0755-1234567,农历1984年闰十月初一\nC2,赵伟,,1975-08-15\n")), importer.RunOptions{Kind: "contacts"})
		// A name a spreadsheet would run as a formula, and one that starts with an apostrophe.
		e.mustRun(e.file("f.csv", []byte("customer_code,name,title\nC1,\"=HYPERLINK(\"\"http://x\"\")\",'经理\n")), importer.RunOptions{Kind: "contacts"})
		for _, kind := range importer.ExportKinds {
			for _, format := range []string{"csv", "xlsx", "gb18030"} {
				opt := importer.ExportOptions{Format: format}
				if format == "gb18030" {
					opt = importer.ExportOptions{Format: "csv", Encoding: "gb18030"}
				}
				var buf bytes.Buffer
				n, err := importer.Export(e.ctx, &buf, e.ledger, kind, kam.LedgerFilter{}, opt)
				if err != nil {
					t.Fatalf("export %s %s: %v", kind, format, err)
				}
				if n == 0 {
					t.Fatalf("export %s: no rows", kind)
				}
				ext := ".csv"
				if format == "xlsx" {
					ext = ".xlsx"
				}
				s := e.mustRun(e.file(kind+ext, buf.Bytes()), importer.RunOptions{Kind: kind})
				if s.RowsRead != n || s.Unchanged != n {
					t.Errorf("%s as %s imported back: %+v", kind, format, s)
				}
				if kind == "orders" && format == "csv" && !strings.HasPrefix(buf.String(), "\ufefforder_no,line_no,order_date,customer_code") {
					t.Errorf("orders export header %q", buf.String()[:60])
				}
				if kind == "contacts" && format == "csv" && (!strings.Contains(buf.String(), `"'=HYPERLINK(""http://x"")"`) || !strings.Contains(buf.String(), ",''经理,")) {
					t.Errorf("formula not guarded in the contacts export:\n%s", buf.String())
				}
				if kind == "costs" && format == "csv" && !strings.Contains(buf.String(), ",12.3456,") {
					t.Errorf("costs export %q", buf.String())
				}
			}
		}
		// A rep's export holds only the rep's customers.
		repCtx := kam.WithActor(context.Background(), kam.ActorOf(e.rep))
		var buf bytes.Buffer
		n, err := importer.Export(repCtx, &buf, e.ledger, "orders", kam.LedgerFilter{}, importer.ExportOptions{})
		if err != nil || n != 2 || strings.Contains(buf.String(), "小米") {
			t.Errorf("rep export: %d rows, %v\n%s", n, err, buf.String())
		}
	})
}

// TestImportXLSX reads Excel's own cells: serial dates, numbers, codes typed as text.
func TestImportXLSX(t *testing.T) {
	sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		x := excelize.NewFile()
		sh := x.GetSheetName(0)
		rows := [][]any{
			{"order_no", "order_date", "customer_code", "customer_name", "product_code", "product_name", "quantity", "unit_price"},
			{"17850.0", 45678, "C1", "甲公司", "P1", "电机", 3, 0.1 + 0.2},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sh, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := x.Write(&b); err != nil {
			t.Fatal(err)
		}
		s := e.mustRun(e.file("o.xlsx", b.Bytes()), importer.RunOptions{Kind: "orders"})
		o := e.order("17850.0")
		if s.Format != "xlsx" || o.OrderDate != "2025-01-21" || o.Lines[0].UnitPrice != 3000 || o.Amount != 9000 {
			t.Errorf("xlsx %+v %+v", s, o)
		}
	})
}

// TestImportOrderMetAgain: an order whose rows are far apart in a file (more orders in between
// than the import keeps in memory) is still one order, both when the ledger was empty at the start
// (the import remembers the orders it let go in a compact set) and when it was not (it looks them
// up); a second run of the file changes nothing.
func TestImportOrderMetAgain(t *testing.T) {
	const between = 25000 // more than the orders an import session keeps open
	var b strings.Builder
	b.WriteString("order_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,cost\n")
	b.WriteString("FAR1,2025-01-02,K1,甲公司,P1,电机,电机,1,10,6\n")
	for i := 0; i < between; i++ { // two lines an order: a batch names most orders twice
		for range 2 {
			fmt.Fprintf(&b, "N%06d,2025-01-03,K%d,客户%d,P1,电机,电机,1,1,0.5\n", i, i%50+2, i%50+2)
		}
	}
	b.WriteString("FAR1,2025-01-02,K1,甲公司,P1,电机,电机,2,10,12\n")
	for _, prior := range []bool{false, true} {
		t.Run(fmt.Sprintf("ledger empty %v", !prior), func(t *testing.T) {
			sqldbtest.ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
				e := newEnv(t, db)
				if prior {
					e.mustRun(e.file("first.csv", []byte(ordersCSV)), importer.RunOptions{Kind: "orders"})
				}
				path := e.file("far.csv", []byte(b.String()))
				s := e.mustRun(path, importer.RunOptions{Kind: "orders"})
				if s.Created != 2*between+2 || s.Rejected != 0 {
					t.Fatalf("summary %+v", s)
				}
				o := e.order("FAR1")
				if len(o.Lines) != 2 || o.Lines[0].LineNo != 1 || o.Lines[1].LineNo != 2 || o.Lines[1].Amount != 20*kam.MoneyUnit {
					t.Fatalf("FAR1 lines %+v", o.Lines)
				}
				e.checkRollups()
				if m := e.sales("K1"); len(m) != 1 || m[0].Orders != 1 || m[0].Lines != 2 || m[0].NetRevenue != 30*kam.MoneyUnit {
					t.Errorf("K1 rollup %+v", m)
				}
				again := e.mustRun(path, importer.RunOptions{Kind: "orders"})
				if again.Unchanged != 2*between+2 || again.Created+again.Updated+again.Rejected != 0 {
					t.Errorf("second import %+v", again)
				}
				// A change to the far row updates that line, not the order's first.
				edited := strings.Replace(b.String(), "FAR1,2025-01-02,K1,甲公司,P1,电机,电机,2,10,12", "FAR1,2025-01-02,K1,甲公司,P1,电机,电机,3,10,18", 1)
				up := e.mustRun(e.file("far2.csv", []byte(edited)), importer.RunOptions{Kind: "orders"})
				if up.Updated != 1 || up.Unchanged != 2*between+1 {
					t.Errorf("edited import %+v", up)
				}
				if o := e.order("FAR1"); len(o.Lines) != 2 || o.Lines[0].Amount != 10*kam.MoneyUnit || o.Lines[1].Amount != 30*kam.MoneyUnit {
					t.Errorf("FAR1 lines after the edit %+v", o.Lines)
				}
				e.checkRollups()
			})
		})
	}
}
