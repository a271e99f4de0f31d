package demo

// The product catalogue of the demo company: an industrial distributor (工业品分销商) selling
// components, drives, automation and consumables to the portfolio's industries.

// productLine is a kind of product in a range of specifications, listed from the cheapest to
// the dearest; list prices grow from lo to hi (yuan) along the specifications.
type productLine struct {
	name   string
	specs  []string
	lo, hi int64
}

// categorySpec is a product category of the catalogue.
type categorySpec struct {
	code, name, uom string
	lines           []productLine
	qlo, qhi        int  // units on an order line of a small customer
	fraction        bool // quantities may have a decimal part (metres)
	costLo, costHi  int  // standard cost as a share of the list price, in basis points
}

// Indexes of categories.
const (
	catMotor = iota
	catGear
	catBearing
	catSensor
	catValve
	catHydraulic
	catPneumatic
	catLowVoltage
	catDrive
	catPLC
	catCable
	catFastener
	catSeal
	catLube
	catInstrument
)

// catalog has 15 categories of 20 products each.
var catalog = []categorySpec{
	{"MOTOR", "电机", "台", []productLine{
		{"三相异步电机", []string{"0.75kW", "1.5kW", "4kW", "7.5kW", "15kW", "30kW"}, 600, 16000},
		{"变频调速电机", []string{"2.2kW", "5.5kW", "11kW", "22kW", "45kW"}, 1800, 26000},
		{"交流伺服电机", []string{"0.4kW", "0.75kW", "1kW", "2kW", "3kW"}, 1500, 7800},
		{"隔爆型三相异步电机", []string{"4kW", "11kW", "37kW", "75kW"}, 4500, 52000},
	}, 1, 4, false, 6800, 8000},
	{"GEAR", "减速机", "台", []productLine{
		{"斜齿轮减速机", []string{"机座号63", "机座号80", "机座号100", "机座号125", "机座号160"}, 1800, 12000},
		{"精密行星减速机", []string{"60法兰", "90法兰", "120法兰", "142法兰", "180法兰"}, 1600, 9800},
		{"蜗轮蜗杆减速机", []string{"中心距40", "中心距63", "中心距90", "中心距110", "中心距130"}, 480, 5600},
		{"摆线针轮减速机", []string{"机型2", "机型4", "机型6", "机型8", "机型10"}, 900, 11000},
	}, 1, 3, false, 6500, 7800},
	{"BEARING", "轴承", "套", []productLine{
		{"深沟球轴承", []string{"6204-2RS", "6205-2RS", "6206-2Z", "6208-2Z", "6310", "6315"}, 12, 380},
		{"圆锥滚子轴承", []string{"30205", "30208", "30212", "32216", "32222"}, 35, 900},
		{"调心滚子轴承", []string{"22208", "22214", "22220", "22228"}, 260, 4200},
		{"圆柱滚子轴承", []string{"NU205", "NU210", "NU216", "NU222", "NU230"}, 60, 2600},
	}, 4, 60, false, 5800, 7200},
	{"SENSOR", "传感器", "个", []productLine{
		{"电感式接近开关", []string{"M8", "M12", "M18", "M30"}, 65, 320},
		{"漫反射光电开关", []string{"检测距离100mm", "检测距离300mm", "检测距离1m", "检测距离2m", "对射型10m"}, 120, 560},
		{"压力变送器", []string{"0-1MPa", "0-2.5MPa", "0-10MPa", "0-40MPa"}, 650, 2400},
		{"温度变送器", []string{"PT100 0-150℃", "PT100 0-400℃", "K型 0-1200℃"}, 380, 1600},
		{"拉绳位移传感器", []string{"量程500mm", "量程1000mm", "量程2000mm", "量程5000mm"}, 900, 3800},
	}, 2, 30, false, 5500, 6800},
	{"VALVE", "阀门", "个", []productLine{
		{"不锈钢球阀", []string{"DN15", "DN25", "DN50", "DN80", "DN100"}, 85, 2200},
		{"对夹式蝶阀", []string{"DN50", "DN100", "DN150", "DN200", "DN300"}, 260, 4800},
		{"铸钢闸阀", []string{"DN50", "DN100", "DN150", "DN200"}, 900, 8600},
		{"气动调节阀", []string{"DN25", "DN50", "DN80"}, 4200, 14000},
		{"电磁阀", []string{"DN15", "DN25", "DN50"}, 180, 1900},
	}, 2, 20, false, 6200, 7600},
	{"HYDRAULIC", "液压件", "件", []productLine{
		{"齿轮泵", []string{"排量8mL/r", "排量16mL/r", "排量25mL/r", "排量40mL/r"}, 480, 2600},
		{"轴向柱塞泵", []string{"排量28mL/r", "排量45mL/r", "排量71mL/r", "排量140mL/r"}, 6800, 32000},
		{"电磁换向阀", []string{"通径6", "通径10", "通径16"}, 680, 3900},
		{"液压油缸", []string{"缸径50", "缸径80", "缸径125", "缸径200"}, 1500, 18000},
		{"先导式溢流阀", []string{"通径10", "通径20", "通径32"}, 420, 2800},
		{"囊式蓄能器", []string{"4L", "10L"}, 1600, 4200},
	}, 1, 8, false, 6500, 7800},
	{"PNEUMATIC", "气动元件", "件", []productLine{
		{"标准气缸", []string{"缸径32", "缸径50", "缸径63", "缸径100"}, 260, 1500},
		{"迷你气缸", []string{"缸径10", "缸径16", "缸径25"}, 85, 220},
		{"电磁换向阀", []string{"二位五通 G1/8", "二位五通 G1/4", "三位五通 G1/4"}, 160, 680},
		{"气源处理二联件", []string{"G1/4", "G1/2"}, 180, 520},
		{"快插接头", []string{"管径4mm", "管径6mm", "管径8mm", "管径10mm", "管径12mm"}, 3, 12},
		{"真空吸盘", []string{"直径10mm", "直径30mm", "直径50mm"}, 8, 45},
	}, 4, 40, false, 5600, 7000},
	{"LV", "低压电器", "个", []productLine{
		{"小型断路器", []string{"1P 16A", "2P 32A", "3P 63A"}, 18, 120},
		{"塑壳断路器", []string{"100A", "250A", "400A", "630A"}, 380, 3600},
		{"交流接触器", []string{"9A", "25A", "50A", "95A", "150A"}, 45, 1600},
		{"热过载继电器", []string{"10A", "25A", "80A"}, 60, 380},
		{"中间继电器", []string{"DC24V 8脚", "AC220V 14脚"}, 12, 36},
		{"按钮指示灯", []string{"22mm 平钮", "22mm 指示灯", "22mm 急停"}, 6, 28},
	}, 5, 60, false, 6000, 7400},
	{"DRIVE", "变频器", "台", []productLine{
		{"通用型变频器", []string{"0.75kW", "2.2kW", "5.5kW", "11kW", "22kW", "45kW", "90kW"}, 900, 36000},
		{"矢量型变频器", []string{"3.7kW", "7.5kW", "15kW", "37kW", "75kW", "132kW"}, 2200, 68000},
		{"电机软启动器", []string{"15kW", "37kW", "75kW", "160kW"}, 2600, 16000},
		{"制动电阻", []string{"1kW", "3kW", "10kW"}, 300, 1600},
	}, 1, 6, false, 6800, 8000},
	{"PLC", "PLC与工控", "套", []productLine{
		{"小型PLC主机", []string{"14点", "24点", "40点", "60点"}, 980, 3600},
		{"中型PLC CPU模块", []string{"标准型", "高速型", "冗余型"}, 6800, 42000},
		{"数字量扩展模块", []string{"16点输入", "16点输出", "32入32出"}, 520, 1800},
		{"模拟量扩展模块", []string{"4路输入", "8路输入", "4路输出"}, 1100, 2800},
		{"工业触摸屏", []string{"4.3英寸", "7英寸", "10英寸", "15英寸"}, 900, 8600},
		{"工业以太网交换机", []string{"5口", "8口", "16口"}, 600, 4200},
	}, 1, 5, false, 6500, 7800},
	{"CABLE", "电线电缆", "米", []productLine{
		{"铜芯电力电缆 YJV", []string{"3×4mm²", "3×10mm²", "3×25mm²", "3×70mm²", "3×150mm²"}, 16, 420},
		{"控制电缆 KVVP", []string{"4×1.5mm²", "10×1.5mm²", "19×1.5mm²"}, 6, 24},
		{"柔性拖链电缆", []string{"4×0.75mm²", "7×1mm²", "12×1.5mm²"}, 9, 48},
		{"屏蔽软电缆 RVVP", []string{"2×0.5mm²", "4×0.75mm²"}, 2, 7},
		{"耐火电力电缆 NH-YJV", []string{"3×25mm²", "4×50mm²"}, 160, 390},
		{"橡套软电缆", []string{"3×2.5mm²", "3×6mm²"}, 12, 28},
		{"槽式电缆桥架", []string{"100×50", "200×100", "300×150"}, 48, 165},
	}, 50, 800, true, 7600, 8600},
	{"FASTENER", "紧固件", "盒", []productLine{
		{"内六角圆柱头螺钉 12.9级", []string{"M4×12", "M6×20", "M8×30", "M10×40", "M12×50", "M16×60"}, 18, 160},
		{"六角法兰面螺栓 8.8级", []string{"M6×16", "M8×25", "M10×30", "M12×40"}, 22, 120},
		{"不锈钢六角螺母", []string{"M6", "M8", "M10", "M12", "M16"}, 12, 85},
		{"弹簧垫圈", []string{"M8", "M12"}, 6, 12},
		{"化学锚栓", []string{"M12", "M16", "M20"}, 160, 420},
	}, 5, 100, false, 5200, 6600},
	{"SEAL", "密封件", "件", []productLine{
		{"丁腈橡胶O型圈", []string{"10×2", "20×2.5", "50×3.5", "100×5.3"}, 0, 6},
		{"氟橡胶O型圈", []string{"10×2", "30×3", "80×5"}, 1, 18},
		{"骨架油封", []string{"25×40×7", "45×62×8", "80×100×10", "120×150×12"}, 4, 58},
		{"集装式机械密封", []string{"轴径25", "轴径45", "轴径65", "轴径100"}, 380, 3200},
		{"聚四氟乙烯垫片", []string{"DN25", "DN50", "DN100", "DN200", "DN300"}, 6, 150},
	}, 10, 200, false, 5000, 6500},
	{"LUBE", "润滑油脂", "桶", []productLine{
		{"抗磨液压油", []string{"L-HM32 18L", "L-HM46 18L", "L-HM46 200L", "L-HM68 200L"}, 420, 5200},
		{"重负荷工业齿轮油", []string{"L-CKD220 18L", "L-CKD320 18L", "L-CKD320 200L"}, 560, 7200},
		{"极压锂基润滑脂", []string{"0号 15kg", "2号 15kg", "2号 180kg"}, 380, 4300},
		{"导轨油", []string{"68号 18L", "220号 18L"}, 680, 920},
		{"高温链条油", []string{"4L", "18L"}, 260, 1100},
		{"水溶性切削液", []string{"18L", "200L"}, 380, 3600},
		{"防锈油", []string{"18L", "200L"}, 300, 2900},
		{"螺杆空压机油", []string{"18L", "200L"}, 650, 6200},
	}, 1, 20, false, 6800, 8000},
	{"INSTRUMENT", "仪器仪表", "台", []productLine{
		{"电磁流量计", []string{"DN25", "DN50", "DN100", "DN200"}, 3800, 12000},
		{"涡街流量计", []string{"DN25", "DN50", "DN100"}, 3200, 7800},
		{"雷达物位计", []string{"量程10m", "量程30m", "量程70m"}, 6800, 16000},
		{"数字压力表", []string{"0-1MPa", "0-10MPa", "0-60MPa"}, 280, 980},
		{"智能数显调节仪", []string{"单回路", "双回路", "多回路"}, 260, 1300},
		{"红外测温仪", []string{"-30~550℃", "-50~1200℃"}, 680, 2400},
		{"钳形万用表", []string{"600A", "1000A"}, 320, 880},
	}, 1, 6, false, 6000, 7400},
}

// industryCategories are the categories each industry of the portfolio mostly buys.
var industryCategories = map[string][]int{
	"汽车零部件": {catBearing, catPneumatic, catSensor, catFastener, catPLC, catSeal},
	"电子元器件": {catPneumatic, catSensor, catPLC, catLowVoltage, catCable},
	"机械设备":  {catMotor, catGear, catBearing, catHydraulic, catDrive, catFastener},
	"化工":    {catValve, catSeal, catInstrument, catMotor, catLube},
	"食品饮料":  {catValve, catPneumatic, catSensor, catMotor, catSeal, catInstrument},
	"医药":    {catValve, catInstrument, catSensor, catSeal, catPLC},
	"建材":    {catMotor, catGear, catBearing, catLube, catDrive},
	"家电":    {catPneumatic, catSensor, catPLC, catMotor, catFastener},
	"纺织服装":  {catMotor, catDrive, catBearing, catLube, catPLC},
	"物流":    {catMotor, catGear, catSensor, catDrive, catPLC, catBearing},
	"零售连锁":  {catLowVoltage, catCable, catFastener, catLube},
	"电力设备":  {catLowVoltage, catCable, catInstrument, catPLC, catSensor},
	"新能源":   {catCable, catLowVoltage, catPLC, catSensor, catDrive, catPneumatic},
	"钢铁冶金":  {catMotor, catGear, catBearing, catHydraulic, catLube, catDrive},
	"塑料橡胶":  {catHydraulic, catMotor, catDrive, catSensor, catLube},
	"包装印刷":  {catPneumatic, catMotor, catDrive, catSensor, catPLC, catBearing},
	"农牧饲料":  {catMotor, catGear, catBearing, catValve},
	"医疗器械":  {catPneumatic, catSensor, catPLC, catFastener, catSeal},
	"信息技术":  {catCable, catLowVoltage, catPLC},
	"建筑工程":  {catCable, catLowVoltage, catValve, catFastener, catMotor},
	"日化":    {catValve, catPneumatic, catSensor, catSeal, catInstrument},
	"五金工具":  {catMotor, catBearing, catFastener, catLube, catPneumatic},
}
