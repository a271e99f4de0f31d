package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"kam"
)

// Field is one importable field of a kind. Its Name is also the export's column header, so an
// exported file imports back with no mapping.
type Field struct {
	Name     string
	Required bool
	Doc      string
	// Aliases are other column headers matched without a mapping (Chinese headers of common
	// ERP and Excel exports), compared case-insensitively.
	Aliases []string
}

// Kind is one kind of import: its fields, how a row becomes a record and how a batch is written.
type Kind struct {
	Name   string
	Doc    string
	Fields []Field
	// Natural is the field (or fields) that identify a record, for the documentation.
	Natural  string
	newBatch func() batch
}

// Field returns the field named name.
func (k *Kind) Field(name string) (Field, bool) {
	for _, f := range k.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// batch gathers converted rows of one kind and writes them through a session.
type batch interface {
	add(c *rowCtx) bool
	len() int
	rows() []int
	write(s kam.ImportSession) ([]kam.RowResult, error)
	reset()
}

// typedBatch is a batch of records of type T.
type typedBatch[T any] struct {
	recs    []T
	rowNums []int
	conv    func(c *rowCtx) T
	put     func(kam.ImportSession, []T) ([]kam.RowResult, error)
}

func (b *typedBatch[T]) add(c *rowCtx) bool {
	rec := b.conv(c)
	if len(c.problems) > 0 {
		return false
	}
	b.recs = append(b.recs, rec)
	b.rowNums = append(b.rowNums, c.row)
	return true
}

func (b *typedBatch[T]) len() int    { return len(b.recs) }
func (b *typedBatch[T]) rows() []int { return b.rowNums }
func (b *typedBatch[T]) write(s kam.ImportSession) ([]kam.RowResult, error) {
	return b.put(s, b.recs)
}
func (b *typedBatch[T]) reset() {
	b.recs = b.recs[:0]
	b.rowNums = b.rowNums[:0]
}

func batchOf[T any](conv func(*rowCtx) T, put func(kam.ImportSession, []T) ([]kam.RowResult, error)) func() batch {
	return func() batch { return &typedBatch[T]{conv: conv, put: put} }
}

// Kinds lists every kind of import, in the order the documentation shows them.
var Kinds = []*Kind{customersKind, contactsKind, productsKind, ordersKind, invoicesKind, paymentsKind, costsKind, financialsKind, walletKind}

// KindNamed returns the kind called name.
func KindNamed(name string) (*Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return nil, false
}

// KindNames lists the kinds' names.
func KindNames() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Name
	}
	return out
}

func f(name string, required bool, doc string, aliases ...string) Field {
	return Field{Name: name, Required: required, Doc: doc, Aliases: aliases}
}

var ordersKind = &Kind{
	Name:    "orders",
	Doc:     "Order lines, one per row; rows with the same order number form one order.",
	Natural: "order_no + line_no",
	Fields: []Field{
		f("order_no", true, "order number; a return document has its own number", "订单号", "单号", "订单编号", "单据编号"),
		f("line_no", false, "line number within the order; default: the row's position within its order in the file", "行号", "序号"),
		f("order_date", true, "order date (2025-01-31, 2025/1/31, 2025年1月31日; Excel dates in XLSX)", "订单日期", "日期", "单据日期"),
		f("customer_code", true, "customer code; an unknown code creates the customer unless --no-create", "客户编码", "客户代码", "客户编号"),
		f("customer_name", false, "customer name, used when the import creates the customer", "客户名称", "客户"),
		f("product_code", true, "product code; an unknown code creates the product unless --no-create", "产品编码", "物料编码", "商品编码", "存货编码"),
		f("product_name", false, "product name, used when the import creates the product", "产品名称", "物料名称", "商品名称", "存货名称"),
		f("category", false, "product category (name or code), used when the import creates the product", "产品类别", "类别", "品类"),
		f("quantity", true, "quantity, up to 3 decimals; negative for returned goods", "数量"),
		f("unit_price", false, "unit price, up to 4 decimals; required unless amount is given", "单价", "含税单价"),
		f("discount", false, "discount on the line, an amount", "折扣", "折扣额"),
		f("amount", false, "net line amount; kept exactly as given, else quantity × unit price − discount", "金额", "价税合计", "销售额"),
		f("cost", false, "line cost (amount); or give unit_cost or profit", "成本", "成本金额"),
		f("unit_cost", false, "unit cost; line cost = quantity × unit cost", "单位成本", "成本单价"),
		f("profit", false, "gross profit of the line; cost = amount − profit", "毛利", "利润"),
		f("currency", false, "currency code (default CNY)", "币种"),
		f("fx_rate", false, "exchange rate to CNY, required for other currencies", "汇率"),
		f("rep", false, "sales rep, by e-mail or name", "业务员", "销售代表", "销售员"),
		f("return_of", false, "for a return document: the number of the order it returns goods of", "原订单号", "退货原单号"),
		f("unit", false, "the customer's unit (department, plant …) the order is for, by name", "部门", "收货单位"),
		f("note", false, "note", "备注"),
	},
	newBatch: batchOf(convertOrderLine, func(s kam.ImportSession, r []kam.OrderLineRow) ([]kam.RowResult, error) { return s.OrderLines(r) }),
}

func convertOrderLine(c *rowCtx) kam.OrderLineRow {
	r := kam.OrderLineRow{
		Row:          c.row,
		OrderNo:      c.code("order_no"),
		LineNo:       c.positiveInt("line_no"),
		OrderDate:    c.date("order_date"),
		CustomerCode: c.code("customer_code"),
		CustomerName: c.text("customer_name"),
		ProductCode:  c.code("product_code"),
		ProductName:  c.text("product_name"),
		Category:     c.text("category"),
		Quantity:     kam.Quantity(c.decimal("quantity", kam.QuantityScale)),
		UnitPrice:    kam.Money(c.decimal("unit_price", kam.MoneyScale)),
		Discount:     kam.Money(c.decimal("discount", kam.MoneyScale)),
		Currency:     strings.ToUpper(c.text("currency")),
		Rep:          c.text("rep"),
		ReturnOf:     c.code("return_of"),
		Unit:         c.text("unit"),
		Note:         c.text("note"),
	}
	c.currency(&r.Currency, &r.FXRate)
	if !c.has("amount") && !c.has("unit_price") {
		c.problem("unit_price", "", "required (or give amount)")
	}
	if len(c.problems) > 0 {
		return r
	}
	if c.has("amount") {
		r.Amount = kam.Money(c.decimal("amount", kam.MoneyScale))
	} else {
		a, err := kam.LineAmount(r.Quantity, r.UnitPrice, r.Discount)
		if err != nil {
			c.problem("unit_price", c.get("unit_price"), "quantity × unit price is too large")
			return r
		}
		r.Amount = a
	}
	switch {
	case c.has("cost"):
		r.Cost = kam.Money(c.decimal("cost", kam.MoneyScale))
	case c.has("unit_cost"):
		uc := kam.Money(c.decimal("unit_cost", kam.MoneyScale))
		cost, err := uc.Times(r.Quantity)
		if err != nil {
			c.problem("unit_cost", c.get("unit_cost"), "quantity × unit cost is too large")
		}
		r.Cost = cost
	case c.has("profit"):
		r.Cost = r.Amount - kam.Money(c.decimal("profit", kam.MoneyScale))
	}
	// A return document's goods come back: its quantities, amounts and costs are negative however
	// the file writes them.
	if r.ReturnOf != "" && r.Quantity > 0 {
		r.Quantity, r.Amount, r.Cost = -r.Quantity, -r.Amount, -r.Cost
	}
	return r
}

var invoicesKind = &Kind{
	Name:    "invoices",
	Doc:     "Invoices with their due dates.",
	Natural: "invoice_no",
	Fields: []Field{
		f("invoice_no", true, "invoice number", "发票号", "发票号码", "发票编号"),
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("customer_name", false, "customer name, used when the import creates the customer", "客户名称"),
		f("order_no", false, "the order invoiced", "订单号"),
		f("invoice_date", true, "invoice date", "开票日期", "发票日期"),
		f("due_date", true, "due date", "到期日", "应收日期"),
		f("amount", true, "invoice amount", "金额", "发票金额", "价税合计"),
		f("currency", false, "currency code (default CNY)", "币种"),
		f("note", false, "note", "备注"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.InvoiceRow {
		r := kam.InvoiceRow{Row: c.row, InvoiceNo: c.code("invoice_no"), CustomerCode: c.code("customer_code"), CustomerName: c.text("customer_name"),
			OrderNo: c.code("order_no"), InvoiceDate: c.date("invoice_date"), DueDate: c.date("due_date"),
			Amount: kam.Money(c.decimal("amount", kam.MoneyScale)), Currency: c.currencyCode(), Note: c.text("note")}
		if r.DueDate != "" && r.InvoiceDate != "" && r.DueDate < r.InvoiceDate {
			c.problem("due_date", r.DueDate, "before the invoice date")
		}
		return r
	}, func(s kam.ImportSession, r []kam.InvoiceRow) ([]kam.RowResult, error) { return s.Invoices(r) }),
}

var paymentsKind = &Kind{
	Name:    "payments",
	Doc:     "Payments received; each settles the invoice it names, then the customer's oldest open invoices.",
	Natural: "reference",
	Fields: []Field{
		f("reference", true, "payment reference (bank slip or voucher number)", "流水号", "收款单号", "凭证号"),
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("customer_name", false, "customer name, used when the import creates the customer", "客户名称"),
		f("payment_date", true, "payment date", "收款日期", "日期"),
		f("amount", true, "amount received", "金额", "收款金额"),
		f("currency", false, "currency code (default CNY)", "币种"),
		f("method", false, "payment method (bank transfer, acceptance bill …)", "收款方式", "结算方式"),
		f("invoice_no", false, "the invoice the payment is for", "发票号"),
		f("note", false, "note", "备注"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.PaymentRow {
		return kam.PaymentRow{Row: c.row, Reference: c.code("reference"), CustomerCode: c.code("customer_code"), CustomerName: c.text("customer_name"),
			PaymentDate: c.date("payment_date"), Amount: kam.Money(c.decimal("amount", kam.MoneyScale)), Currency: c.currencyCode(),
			Method: c.text("method"), InvoiceNo: c.code("invoice_no"), Note: c.text("note")}
	}, func(s kam.ImportSession, r []kam.PaymentRow) ([]kam.RowResult, error) { return s.Payments(r) }),
}

var costsKind = &Kind{
	Name:    "costs",
	Doc:     "Cost-to-serve entries: what serving a customer cost beyond the goods.",
	Natural: "reference (or, without one, the row's content and its occurrence in the file)",
	Fields: []Field{
		f("reference", false, "entry reference", "单号", "凭证号"),
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("customer_name", false, "customer name, used when the import creates the customer", "客户名称"),
		f("entry_date", true, "date of the cost", "日期", "费用日期"),
		f("expense_code", true, "expense code: ap, rebate, logistics, service, visits, financing (or their names)", "费用类型", "费用代码", "费用项目"),
		f("amount", true, "amount", "金额", "费用金额"),
		f("note", false, "note", "备注", "说明"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.CostRow {
		return kam.CostRow{Row: c.row, Reference: c.code("reference"), CustomerCode: c.code("customer_code"), CustomerName: c.text("customer_name"),
			EntryDate: c.date("entry_date"), ExpenseCode: c.text("expense_code"), Amount: kam.Money(c.decimal("amount", kam.MoneyScale)), Note: c.text("note")}
	}, func(s kam.ImportSession, r []kam.CostRow) ([]kam.RowResult, error) { return s.Costs(r) }),
}

var periodPattern = regexp.MustCompile(`^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$`)

var financialsKind = &Kind{
	Name:    "financials",
	Doc:     "Customers' own financial statements, one period per row.",
	Natural: "customer_code + period",
	Fields: []Field{
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("period", true, "period: 2025, 2025-Q3 or 2025-09", "期间", "会计期间"),
		f("current_assets", false, "current assets", "流动资产"),
		f("current_liabilities", false, "current liabilities", "流动负债"),
		f("revenue", false, "revenue", "营业收入", "销售收入"),
		f("net_profit", false, "net profit", "净利润"),
		f("total_assets", false, "total assets", "总资产", "资产总计"),
		f("inventory", false, "inventory", "存货"),
		f("receivables", false, "receivables", "应收账款"),
		f("cost_of_sales", false, "cost of sales", "营业成本", "销售成本"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.FinancialsRow {
		r := kam.FinancialsRow{Row: c.row, CustomerCode: c.code("customer_code")}
		r.Period = strings.ToUpper(c.text("period"))
		if r.Period != "" && !periodPattern.MatchString(r.Period) {
			c.problem("period", r.Period, "not a period (2025, 2025-Q3 or 2025-09)")
		}
		m := func(name string) kam.Money { return kam.Money(c.decimal(name, kam.MoneyScale)) }
		r.CurrentAssets, r.CurrentLiabilities, r.Revenue, r.NetProfit = m("current_assets"), m("current_liabilities"), m("revenue"), m("net_profit")
		r.TotalAssets, r.Inventory, r.Receivables, r.CostOfSales = m("total_assets"), m("inventory"), m("receivables"), m("cost_of_sales")
		return r
	}, func(s kam.ImportSession, r []kam.FinancialsRow) ([]kam.RowResult, error) { return s.Financials(r) }),
}

var productsKind = &Kind{
	Name:    "products",
	Doc:     "Products and their categories.",
	Natural: "code",
	Fields: []Field{
		f("code", true, "product code", "产品编码", "物料编码", "商品编码", "存货编码"),
		f("name", true, "product name", "产品名称", "物料名称", "商品名称", "存货名称"),
		f("category", false, "category name or code; an unknown one is created", "产品类别", "类别", "品类"),
		f("uom", false, "unit of measure", "单位", "计量单位"),
		f("list_price", false, "list price", "标准价", "单价", "价格"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.ProductRow {
		return kam.ProductRow{Row: c.row, Code: c.code("code"), Name: c.text("name"), Category: c.text("category"), UOM: c.text("uom"),
			ListPrice: kam.Money(c.decimal("list_price", kam.MoneyScale)), HasPrice: c.has("list_price")}
	}, func(s kam.ImportSession, r []kam.ProductRow) ([]kam.RowResult, error) { return s.Products(r) }),
}

var walletKind = &Kind{
	Name:    "wallet",
	Doc:     "Estimates of a customer's total purchases of a product category in a year, from every supplier (share of wallet).",
	Natural: "customer_code + category + year",
	Fields: []Field{
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("category", true, "product category", "产品类别", "类别", "品类"),
		f("year", true, "year", "年度", "年份"),
		f("amount", true, "estimated total purchases", "采购总额", "金额"),
	},
	newBatch: batchOf(func(c *rowCtx) kam.WalletRow {
		r := kam.WalletRow{Row: c.row, CustomerCode: c.code("customer_code"), Category: c.text("category"),
			Amount: kam.Money(c.decimal("amount", kam.MoneyScale))}
		r.Year = c.positiveInt("year")
		if r.Year != 0 && (r.Year < 1900 || r.Year > 2200) {
			c.problem("year", strconv.Itoa(r.Year), "not a year")
		}
		return r
	}, func(s kam.ImportSession, r []kam.WalletRow) ([]kam.RowResult, error) { return s.Wallet(r) }),
}

// customerFields maps import fields to the JSON fields of a customer.
var customersKind = &Kind{
	Name:    "customers",
	Doc:     "Customer files. Only the columns the file has are changed on existing customers.",
	Natural: "code",
	Fields: []Field{
		f("code", true, "customer code", "客户编码", "客户代码", "客户编号"),
		f("name", false, "name; required for a new customer", "客户名称", "名称", "公司名称"),
		f("short_name", false, "short name", "简称", "客户简称"),
		f("legal_name", false, "registered legal name", "工商注册名称"),
		f("credit_code", false, "unified social credit code (checked)", "统一社会信用代码", "信用代码"),
		f("industry", false, "industry", "行业"),
		f("nature", false, "nature: "+strings.Join(kam.CustomerNatures, ", "), "性质", "企业性质"),
		f("channel_role", false, "channel role: "+strings.Join(kam.ChannelRoles, ", "), "渠道角色"),
		f("province", false, "province", "省份", "省"),
		f("city", false, "city", "城市", "市"),
		f("address", false, "address", "地址"),
		f("founded_on", false, "date founded", "成立日期"),
		f("size", false, "size: "+strings.Join(kam.CompanySizes, ", "), "规模"),
		f("status", false, "status: "+strings.Join(kam.CustomerStatuses, ", "), "状态"),
		f("stage", false, "lifecycle stage: "+strings.Join(kam.LifecycleStages, ", "), "阶段", "生命周期"),
		f("owner", false, "owner, by e-mail or name", "负责人", "客户经理"),
		f("parent_code", false, "code of the group company", "上级客户编码", "集团编码"),
		f("tags", false, "tags separated by ; or 、", "标签"),
		f("note", false, "note", "备注"),
	},
	newBatch: batchOf(convertCustomer, func(s kam.ImportSession, r []kam.CustomerRow) ([]kam.RowResult, error) { return s.Customers(r) }),
}

func convertCustomer(c *rowCtx) kam.CustomerRow {
	r := kam.CustomerRow{Row: c.row, Set: map[string]bool{}}
	cu := &r.Customer
	cu.Code = c.code("code")
	for _, p := range []struct {
		name string
		dst  *string
	}{{"name", &cu.Name}, {"short_name", &cu.ShortName}, {"legal_name", &cu.LegalName}, {"credit_code", &cu.CreditCode},
		{"industry", &cu.Industry}, {"nature", &cu.Nature}, {"channel_role", &cu.ChannelRole}, {"province", &cu.Province},
		{"city", &cu.City}, {"address", &cu.Address}, {"size", &cu.Size}, {"status", &cu.Status}, {"stage", &cu.Stage}, {"note", &cu.Note}} {
		if c.mapped(p.name) {
			*p.dst = c.text(p.name)
			r.Set[p.name] = true
		}
	}
	if c.mapped("founded_on") {
		cu.FoundedOn = c.date("founded_on")
		r.Set["founded_on"] = true
	}
	if c.mapped("tags") {
		cu.Tags = splitList(c.text("tags"))
		r.Set["tags"] = true
	}
	if c.mapped("owner") {
		r.OwnerEmail = c.text("owner")
		r.Set["owner"] = r.OwnerEmail != ""
	}
	if c.mapped("parent_code") {
		r.ParentCode = c.code("parent_code")
		r.Set["parent_code"] = true
	}
	return r
}

var contactsKind = &Kind{
	Name:    "contacts",
	Doc:     "Contacts of customers, matched by customer code and name. Only the columns the file has are changed on existing contacts.",
	Natural: "customer_code + name",
	Fields: []Field{
		f("customer_code", true, "customer code", "客户编码", "客户代码"),
		f("name", true, "the person's name", "姓名", "联系人"),
		f("unit", false, "the customer's unit the person works in, by name", "部门", "单位"),
		f("title", false, "job title", "职务", "职位"),
		f("purchase_role", false, "purchase role: "+strings.Join(kam.PurchaseRoles, ", "), "采购角色"),
		f("phones", false, "phone numbers separated by ;", "电话", "手机", "联系电话"),
		f("email", false, "e-mail", "邮箱", "电子邮件"),
		f("wechat", false, "WeChat id", "微信"),
		f("birthday", false, "birthday, solar (1975-08-15) or lunar (农历八月十五)", "生日"),
		f("preferences", false, "preferences and interests", "爱好", "偏好"),
		f("relationship", false, "relationship strength 1–5 (0 = not assessed)", "关系强度"),
		f("note", false, "note", "备注"),
	},
	newBatch: batchOf(convertContact, func(s kam.ImportSession, r []kam.ContactRow) ([]kam.RowResult, error) { return s.Contacts(r) }),
}

func convertContact(c *rowCtx) kam.ContactRow {
	r := kam.ContactRow{Row: c.row, CustomerCode: c.code("customer_code"), UnitName: c.text("unit"), Set: map[string]bool{}}
	ct := &r.Contact
	ct.Name = c.text("name")
	if ct.Name == "" {
		c.problem("name", "", "required")
	}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"title", &ct.Title}, {"purchase_role", &ct.PurchaseRole}, {"email", &ct.Email}, {"wechat", &ct.WeChat},
		{"preferences", &ct.Preferences}, {"note", &ct.Note}} {
		if c.mapped(p.name) {
			*p.dst = c.text(p.name)
			r.Set[p.name] = true
		}
	}
	if c.mapped("phones") {
		ct.Phones = splitList(c.text("phones"))
		r.Set["phones"] = true
	}
	if c.mapped("birthday") {
		r.Set["birthday"] = true
		if v := c.text("birthday"); v != "" {
			b, err := kam.ParseBirthday(v)
			if err != nil {
				c.problem("birthday", v, err.Error())
			} else {
				ct.Birthday = &b
			}
		}
	}
	if c.mapped("relationship") {
		r.Set["relationship"] = true
		if v := c.text("relationship"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 5 {
				c.problem("relationship", v, "must be a whole number from 0 to 5")
			}
			ct.Relationship = n
		}
	}
	return r
}

// splitList splits a cell holding several values (tags, phone numbers).
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == '\n' })
	out := []string{}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Describe documents a kind's fields for `kam import KIND --help`.
func (k *Kind) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nRecords are identified by %s: importing the same file again changes nothing.\n\nFields (the column headers of an export):\n", k.Doc, k.Natural)
	for _, fl := range k.Fields {
		req := ""
		if fl.Required {
			req = " (required)"
		}
		fmt.Fprintf(&b, "  %-20s %s%s\n", fl.Name, fl.Doc, req)
		if len(fl.Aliases) > 0 {
			fmt.Fprintf(&b, "  %-20s also matched: %s\n", "", strings.Join(fl.Aliases, ", "))
		}
	}
	return b.String()
}
