// Command orderlines writes a deterministic CSV of sales order lines for the import benchmark
// (bench/import.sh): orders of Chinese B2B customers for industrial products over 2024–2025, with
// the columns KAM imports:
//
//	order_no,line_no,order_date,customer_code,customer_name,product_code,product_name,category,
//	quantity,unit_price,discount,cost,currency,rep
//
// The same flags give byte-identical output. Shape of the data:
//   - orders of 1–12 lines (mostly few), numbered SO<year><sequence> in date order;
//   - order dates weighted by season: more in Q4, few on weekends, a trough around Chinese New
//     Year and National Day, some growth from 2024 to 2025;
//   - customers with a Pareto skew (the biggest fifth places about 70% of the orders), each with
//     a fixed name, account rep and a few favourite product categories;
//   - products in 20 categories, each with a fixed list price and cost ratio (some sell at a loss);
//   - quantities mostly whole numbers 1–500, a few with three decimals, about 1% negative (returns);
//     discounts usually 0, otherwise an amount; cost is the line's cost of goods.
//
// Some customer and product names contain a comma or a double quote, so that the CSV quoting
// (RFC 4180) is exercised. The file is UTF-8 without BOM, with LF line endings.
//
// Usage:
//
//	go run ./bench/orderlines --rows 1000000 --customers 20000 --products 2000 --seed 1 --out FILE
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

const header = "order_no,line_no,order_date,customer_code,customer_name,product_code,product_name,category,quantity,unit_price,discount,cost,currency,rep\n"

// Shape of the data.
const (
	firstDay = "2024-01-01"
	lastDay  = "2025-12-31"
	reps     = 40
	// customerSkew: the customer of an order is rank ⌊n·u^customerSkew⌋ for a uniform u, so the
	// top share s of customers places s^(1/customerSkew) of the orders (20% → 72%, 1% → 40%).
	customerSkew   = 5
	productSkew    = 2.5 // the same for the popularity of products
	favouriteShare = 70  // percent of lines from the customer's favourite categories
	returnShare    = 10  // per mille of lines that are returns (negative quantity)
	otherRepShare  = 5   // percent of orders entered by another rep than the account's
)

// linesWeights[k] is the weight of an order having k+1 lines.
var linesWeights = []float64{30, 18, 13, 10, 7, 5, 4, 3, 3, 2.5, 2, 2}

func main() {
	var (
		rows      = flag.Int("rows", 1000000, "number of order lines")
		customers = flag.Int("customers", 20000, "number of customers (C000001…)")
		products  = flag.Int("products", 2000, "number of products (P00001…)")
		seed      = flag.Uint64("seed", 1, "random seed: the same seed and flags give the same file")
		out       = flag.String("out", "-", "output file, - for standard output")
	)
	flag.Parse()
	if err := run(*rows, *customers, *products, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "orderlines:", err)
		os.Exit(1)
	}
}

func run(rows, customers, products int, seed uint64, out string) error {
	switch {
	case flag.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", flag.Arg(0))
	case rows < 0:
		return errors.New("--rows must be >= 0")
	case customers < 1 || customers > 999999:
		return errors.New("--customers must be 1–999999")
	case products < 1 || products > 99999:
		return errors.New("--products must be 1–99999")
	}
	f := os.Stdout
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close() // after an error; the good path closes it below
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	g := newGenerator(rows, customers, products, seed)
	if err := g.write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if out != "-" {
		return f.Close()
	}
	return nil
}

type customer struct {
	code       string // C000001
	name       string // CSV field, quoted when needed
	rep        int    // account rep, 1..reps
	favourites [3]int // categories
	priceBP    int64  // price level in basis points of list price (e.g. 9200 = 8% off list)
}

type product struct {
	code      string
	name      string // CSV field, quoted when needed
	category  int
	listCents int64
	costBP    int64 // cost of goods in basis points of the line amount
	maxQty    int   // typical largest quantity of a line
	fraction  int   // percent of lines with a fractional quantity (cable by the metre, …)
}

type generator struct {
	rows      int
	r         *rand.Rand
	customers []customer
	products  []product
	custRank  []int   // customer index by rank of size
	prodRank  []int   // product index by rank of popularity
	byCat     [][]int // product indexes of each category, by popularity
	days      []string
	dayEnd    []int // dayEnd[d]: rows emitted by the end of day d
	seqWidth  int
	lineCum   []float64
}

func newGenerator(rows, nc, np int, seed uint64) *generator {
	g := &generator{rows: rows, r: rand.New(rand.NewPCG(seed, 0x6f72646572))}
	g.makeCustomers(nc, rand.New(rand.NewPCG(seed, 0x637573746f6d)))
	g.makeProducts(np, rand.New(rand.NewPCG(seed, 0x70726f64)))
	g.makeCalendar()
	// The sequence of an order within its year never reaches the number of rows.
	g.seqWidth = max(6, len(strconv.Itoa(max(rows-1, 0))))
	sum := 0.0
	for _, w := range linesWeights {
		sum += w
		g.lineCum = append(g.lineCum, sum)
	}
	return g
}

// Customer names: city + brand + trade + suffix, e.g. 苏州恒达机械有限公司; some foreign-invested
// companies carry an English name ("…, Ltd."), some a brand in double quotes.
type city struct{ zh, en string }

var cities = []city{
	{"上海", "Shanghai"}, {"北京", "Beijing"}, {"深圳", "Shenzhen"}, {"广州", "Guangzhou"},
	{"苏州", "Suzhou"}, {"杭州", "Hangzhou"}, {"宁波", "Ningbo"}, {"无锡", "Wuxi"},
	{"南京", "Nanjing"}, {"天津", "Tianjin"}, {"重庆", "Chongqing"}, {"成都", "Chengdu"},
	{"武汉", "Wuhan"}, {"西安", "Xi'an"}, {"青岛", "Qingdao"}, {"厦门", "Xiamen"},
	{"东莞", "Dongguan"}, {"佛山", "Foshan"}, {"常州", "Changzhou"}, {"温州", "Wenzhou"},
	{"合肥", "Hefei"}, {"长沙", "Changsha"}, {"郑州", "Zhengzhou"}, {"济南", "Jinan"},
	{"沈阳", "Shenyang"}, {"大连", "Dalian"}, {"昆山", "Kunshan"}, {"嘉兴", "Jiaxing"},
	{"绍兴", "Shaoxing"}, {"台州", "Taizhou"}, {"泉州", "Quanzhou"}, {"福州", "Fuzhou"},
	{"南通", "Nantong"}, {"扬州", "Yangzhou"}, {"烟台", "Yantai"}, {"潍坊", "Weifang"},
	{"珠海", "Zhuhai"}, {"中山", "Zhongshan"}, {"惠州", "Huizhou"}, {"石家庄", "Shijiazhuang"},
}

var brands = []string{
	"华泰", "恒达", "宏远", "鑫源", "金鼎", "瑞丰", "永盛", "东方", "中联", "天成",
	"汇通", "博远", "精诚", "新纪元", "创维达", "万通", "海川", "联合", "嘉禾", "德力",
	"力拓", "晨光", "蓝天", "远航", "明阳", "信达", "昌盛", "富源", "兴业", "祥和",
	"大成", "顺达", "普华", "同力", "凯瑞", "安泰", "百川", "华信", "振华", "恒通",
	"宝隆", "金桥", "卓越", "启明", "天润", "鼎盛", "荣达", "泰和", "亿丰", "中科",
	"盛世", "通宇", "华宇", "九洲", "新源", "长风", "银河", "沃德", "赛恩", "佳能达",
}

var trades = []string{
	"机械", "电子", "科技", "自动化", "电气", "精密制造", "智能装备", "五金", "机电", "工业设备",
	"新能源", "汽车零部件", "环保设备", "包装", "模具", "仪器仪表", "液压", "材料", "贸易", "工程",
}

var suffixes = []string{"有限公司", "有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司"}

var foreignBrands = []string{
	"Nordtek", "Alpenmatic", "Kestrel", "Meridian", "Vantec", "Lindqvist", "Hollmann", "Brightway",
	"Orion", "Sakura Seiki", "Tecnoval", "Fairmont", "Hansa", "Kaizen", "Rheinwerk", "Sterling",
}

var foreignTrades = []string{
	"Automation", "Precision Machinery", "Electronics", "Industrial Systems", "Motion Control",
	"Packaging", "Auto Parts", "Fluid Technology",
}

func (g *generator) makeCustomers(n int, r *rand.Rand) {
	g.customers = make([]customer, n)
	seen := make(map[string]bool, n)
	for i := range g.customers {
		c := &g.customers[i]
		c.code = fmt.Sprintf("C%06d", i+1)
		var name string
		for tries := 0; ; tries++ {
			ct := cities[r.IntN(len(cities))]
			switch p := r.IntN(1000); {
			case p < 30: // foreign-invested, English name: Nordtek Automation (Suzhou) Co., Ltd.
				name = foreignBrands[r.IntN(len(foreignBrands))] + " " +
					foreignTrades[r.IntN(len(foreignTrades))] + " (" + ct.en + ") Co., Ltd."
			case p < 45: // a brand in quotes: 宁波"海川"模具有限公司
				name = ct.zh + `"` + brands[r.IntN(len(brands))] + `"` +
					trades[r.IntN(len(trades))] + suffixes[r.IntN(len(suffixes))]
			case p < 145: // the city in brackets: 恒达机械（苏州）有限公司
				name = brands[r.IntN(len(brands))] + trades[r.IntN(len(trades))] + "（" + ct.zh + "）" +
					suffixes[r.IntN(len(suffixes))]
			default:
				name = ct.zh + brands[r.IntN(len(brands))] + trades[r.IntN(len(trades))] +
					suffixes[r.IntN(len(suffixes))]
			}
			if tries >= 20 { // more customers than names: a branch makes it unique
				name += "第" + strconv.Itoa(i+1) + "分公司"
			}
			if !seen[name] {
				break
			}
		}
		seen[name] = true
		c.name = csvField(name)
		c.rep = 1 + r.IntN(reps)
		for k := range c.favourites {
			c.favourites[k] = r.IntN(len(categories))
		}
		c.priceBP = []int64{10000, 10000, 9800, 9500, 9200, 9000, 8800, 8500}[r.IntN(8)]
	}
	g.custRank = r.Perm(n)
	// The biggest accounts get the best prices.
	for rank := 0; rank < n/100; rank++ {
		g.customers[g.custRank[rank]].priceBP = 8500 + int64(r.IntN(4))*100
	}
}

// Products: a category's stem, e.g. 深沟球轴承, and a model number; list prices log-uniform within
// the category's range.
type category struct {
	name       string
	stems      []string
	minY, maxY float64 // list price range in yuan
	fraction   int     // percent of lines with a fractional quantity
}

var categories = []category{
	{"电机", []string{"三相异步电机", "步进电机", "伺服电机", "直流无刷电机"}, 300, 20000, 0},
	{"轴承", []string{"深沟球轴承", "圆锥滚子轴承", "角接触球轴承", "调心滚子轴承"}, 5, 2000, 0},
	{"传感器", []string{"接近传感器", "光电传感器", "压力传感器", "温度传感器"}, 50, 3000, 0},
	{"减速机", []string{"行星减速机", "蜗轮蜗杆减速机", "齿轮减速机"}, 500, 15000, 0},
	{"变频器", []string{"通用变频器", "矢量变频器"}, 800, 30000, 0},
	{"气缸", []string{"标准气缸", "薄型气缸", "导杆气缸"}, 80, 3000, 0},
	{"阀门", []string{"球阀", "蝶阀", "电磁阀", "截止阀"}, 50, 8000, 0},
	{"水泵", []string{"离心泵", "齿轮泵", "隔膜泵"}, 300, 20000, 0},
	{"继电器", []string{"中间继电器", "固态继电器", "时间继电器"}, 10, 500, 0},
	{"接触器", []string{"交流接触器", "直流接触器"}, 50, 2000, 0},
	{"断路器", []string{"小型断路器", "塑壳断路器", "漏电断路器"}, 20, 5000, 0},
	{"可编程控制器", []string{"PLC主机", "PLC扩展模块", "PLC通讯模块"}, 500, 20000, 0},
	{"伺服驱动器", []string{"交流伺服驱动器", "总线型伺服驱动器"}, 1500, 15000, 0},
	{"编码器", []string{"增量编码器", "绝对值编码器"}, 200, 5000, 0},
	{"联轴器", []string{"梅花联轴器", "膜片联轴器", "波纹管联轴器"}, 30, 1500, 0},
	{"密封件", []string{"O型圈", "骨架油封", "机械密封"}, 0.5, 200, 2},
	{"直线导轨", []string{"滚珠直线导轨", "直线导轨滑块"}, 200, 8000, 0},
	{"滚珠丝杠", []string{"研磨滚珠丝杠", "轧制滚珠丝杠"}, 300, 10000, 0},
	{"电缆", []string{"屏蔽电缆", "拖链电缆", "电源线"}, 2, 100, 30},
	{"工业相机", []string{"面阵相机", "线阵相机"}, 1500, 30000, 0},
}

var pipeSizes = []string{`1/2"`, `3/4"`, `1"`, `1-1/4"`, `1-1/2"`, `2"`, `3"`, `4"`}

var cableSpecs = []string{"2×0.75mm²", "3×1.5mm²", "4×2.5mm²", "5×4mm²", "7×1mm²", "12×0.5mm²"}

func (g *generator) makeProducts(n int, r *rand.Rand) {
	g.products = make([]product, n)
	g.byCat = make([][]int, len(categories))
	for i := range g.products {
		p := &g.products[i]
		p.code = fmt.Sprintf("P%05d", i+1)
		p.category = r.IntN(len(categories))
		cat := &categories[p.category]
		model := string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + "-" + strconv.Itoa(100+r.IntN(9900))
		name := cat.stems[r.IntN(len(cat.stems))] + " " + model
		switch cat.name {
		case "阀门", "水泵": // sizes in inches: 球阀 KX-2040 2"
			if r.IntN(2) == 0 {
				name += " " + pipeSizes[r.IntN(len(pipeSizes))]
			}
		case "电缆": // 拖链电缆 KX-2040 4×2.5mm²,100米/卷
			name += " " + cableSpecs[r.IntN(len(cableSpecs))]
			if r.IntN(3) == 0 {
				name += ",100米/卷"
			}
		}
		if r.IntN(100) == 0 {
			name += ",含安装" // installation included
		}
		p.name = csvField(name)
		y := math.Exp(math.Log(cat.minY) + r.Float64()*(math.Log(cat.maxY)-math.Log(cat.minY)))
		switch { // list prices look like list prices
		case y >= 1000:
			y = math.Round(y/10) * 10
		case y >= 100:
			y = math.Round(y)
		case y >= 10:
			y = math.Round(y*2) / 2
		}
		p.listCents = max(1, int64(math.Round(y*100)))
		if r.IntN(100) < 8 { // sells at a loss, or close to it
			p.costBP = 9500 + int64(r.IntN(1000))
		} else {
			p.costBP = 6000 + int64(r.IntN(3000))
		}
		switch {
		case y < 50:
			p.maxQty = 500
		case y < 500:
			p.maxQty = 200
		case y < 5000:
			p.maxQty = 50
		default:
			p.maxQty = 10
		}
		p.fraction = cat.fraction
	}
	g.prodRank = r.Perm(n)
	for _, i := range g.prodRank {
		c := g.products[i].category
		g.byCat[c] = append(g.byCat[c], i)
	}
}

// Chinese New Year's Day (春节) of the years covered.
var springFestival = map[int]time.Time{
	2024: time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC),
	2025: time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC),
}

var monthWeight = [13]float64{0, 0.95, 0.85, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95, 1.1, 1.25, 1.4, 1.55}

// makeCalendar weighs each day and splits the rows among the days in proportion.
func (g *generator) makeCalendar() {
	start, _ := time.Parse(time.DateOnly, firstDay)
	end, _ := time.Parse(time.DateOnly, lastDay)
	var weights []float64
	total := 0.0
	n := int(end.Sub(start).Hours()/24) + 1
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		w := monthWeight[d.Month()]
		w *= 1 + 0.2*float64(len(weights))/float64(n) // growth
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.25
		}
		switch k := int(d.Sub(springFestival[d.Year()]).Hours() / 24); {
		case k >= -10 && k <= -4: // customers stock up less before the holiday
			w *= 0.7
		case k >= -3 && k <= 7: // factories closed
			w *= 0.08
		case k >= 8 && k <= 15: // restarting
			w *= 0.5
		}
		if d.Month() == time.October && d.Day() <= 7 { // National Day (国庆)
			w *= 0.15
		}
		g.days = append(g.days, d.Format(time.DateOnly))
		weights = append(weights, w)
		total += w
	}
	g.dayEnd = make([]int, len(weights))
	cum := 0.0
	for d, w := range weights {
		cum += w
		g.dayEnd[d] = int(math.Round(float64(g.rows) * cum / total))
	}
	g.dayEnd[len(g.dayEnd)-1] = g.rows
}

func (g *generator) write(w *bufio.Writer) error {
	if _, err := w.WriteString(header); err != nil {
		return err
	}
	buf := make([]byte, 0, 1024)
	day, seq, year := 0, 0, ""
	var picked [12]int
	for emitted := 0; emitted < g.rows; {
		for g.dayEnd[day] <= emitted {
			day++
		}
		date := g.days[day]
		if date[:4] != year {
			year, seq = date[:4], 0
		}
		seq++
		c := &g.customers[g.custRank[g.skewed(len(g.customers), customerSkew)]]
		rep := c.rep
		if g.r.IntN(100) < otherRepShare {
			rep = 1 + g.r.IntN(reps)
		}
		lines := min(g.lines(), g.rows-emitted, len(g.products))
		// Fixed part of every line of the order.
		orderNo := "SO" + year + pad(seq, g.seqWidth)
		for ln := 1; ln <= lines; ln++ {
			pi := g.product(c, picked[:ln-1])
			picked[ln-1] = pi
			p := &g.products[pi]
			buf = buf[:0]
			buf = append(buf, orderNo...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(ln), 10)
			buf = append(buf, ',')
			buf = append(buf, date...)
			buf = append(buf, ',')
			buf = append(buf, c.code...)
			buf = append(buf, ',')
			buf = append(buf, c.name...)
			buf = append(buf, ',')
			buf = append(buf, p.code...)
			buf = append(buf, ',')
			buf = append(buf, p.name...)
			buf = append(buf, ',')
			buf = append(buf, categories[p.category].name...)
			buf = append(buf, ',')
			buf = g.appendAmounts(buf, c, p)
			buf = append(buf, ",CNY,rep"...)
			if rep < 10 {
				buf = append(buf, '0')
			}
			buf = strconv.AppendInt(buf, int64(rep), 10)
			buf = append(buf, "@kam.example\n"...)
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		emitted += lines
	}
	return nil
}

// appendAmounts appends quantity,unit_price,discount,cost of one line.
func (g *generator) appendAmounts(buf []byte, c *customer, p *product) []byte {
	r := g.r
	// Quantity in thousandths.
	var q int64
	ret := r.IntN(1000) < returnShare
	if !ret && r.IntN(1000) < 5+10*p.fraction { // by the metre, by weight: 12.5, 3.25, 100.125
		q = int64(1+int(float64(p.maxQty)*math.Pow(r.Float64(), 2.5)))*1000 -
			[]int64{500, 250, 750, 125, 375, 875, 200, 600}[r.IntN(8)]
	} else {
		q = int64(1+int(float64(p.maxQty)*math.Pow(r.Float64(), 2.5))) * 1000
	}
	if ret {
		q = -q / 1000 * 1000
		q = max(q, -50000) // returns are small
	}
	// Unit price: the customer's price level, sometimes negotiated on the line.
	bp := c.priceBP
	if r.IntN(10) == 0 {
		bp += int64(r.IntN(601)) - 300
	}
	price := max(1, (p.listCents*bp+5000)/10000)
	gross := roundDiv(q*price, 1000) // cents
	var disc int64
	if !ret {
		switch k := r.IntN(100); {
		case k < 10: // 抹零: the cents, or the yuan below ten, are waived
			disc = gross % 100
			if disc == 0 && gross > 10000 {
				disc = gross % 1000
			}
		case k < 18: // a discount of 2–8%, in whole yuan
			disc = (gross * int64(2+r.IntN(7)) / 100) / 100 * 100
		}
	}
	costBP := p.costBP + int64(r.IntN(401)) - 200
	costBP = min(max(costBP, 6000), 10500)
	cost := roundDiv(gross*costBP, 10000)

	buf = appendDecimal(buf, q, 3)
	buf = append(buf, ',')
	buf = appendDecimal(buf, price, 2)
	buf = append(buf, ',')
	buf = appendDecimal(buf, disc, 2)
	buf = append(buf, ',')
	// Cost always has its two decimals.
	if cost < 0 {
		buf = append(buf, '-')
		cost = -cost
	}
	buf = strconv.AppendInt(buf, cost/100, 10)
	buf = append(buf, '.', byte('0'+cost%100/10), byte('0'+cost%10))
	return buf
}

// lines draws the number of lines of an order.
func (g *generator) lines() int {
	u := g.r.Float64() * g.lineCum[len(g.lineCum)-1]
	for k, c := range g.lineCum {
		if u < c {
			return k + 1
		}
	}
	return len(g.lineCum)
}

// skewed draws a rank in [0, n): rank 0 is the most likely.
func (g *generator) skewed(n int, skew float64) int {
	return min(n-1, int(float64(n)*math.Pow(g.r.Float64(), skew)))
}

// product draws a product for a line of c's order that is not among the order's earlier lines.
func (g *generator) product(c *customer, earlier []int) int {
	for {
		var pi int
		if g.r.IntN(100) < favouriteShare {
			list := g.byCat[c.favourites[g.r.IntN(len(c.favourites))]]
			if len(list) == 0 {
				continue
			}
			pi = list[g.skewed(len(list), productSkew)]
		} else {
			pi = g.prodRank[g.skewed(len(g.prodRank), productSkew)]
		}
		dup := false
		for _, e := range earlier {
			dup = dup || e == pi
		}
		if !dup {
			return pi
		}
	}
}

// csvField quotes s per RFC 4180 when it holds a comma, a double quote or a line break.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// appendDecimal appends v/10^places without trailing zeros in the fraction: 12500,3 → 12.5.
func appendDecimal(buf []byte, v int64, places int) []byte {
	if v < 0 {
		buf = append(buf, '-')
		v = -v
	}
	unit := int64(math.Pow10(places))
	buf = strconv.AppendInt(buf, v/unit, 10)
	frac := v % unit
	if frac == 0 {
		return buf
	}
	digits := []byte(pad(int(frac), places))
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	buf = append(buf, '.')
	return append(buf, digits...)
}

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// pad formats n with leading zeros to width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}
