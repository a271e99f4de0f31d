package demo

// The read-only tables the generator draws from. Weights are relative frequencies; they only
// need to be right in order of magnitude to make a portfolio look familiar to Chinese users.

// hanzi is a Chinese syllable or word with the ASCII spelling used for e-mail addresses and
// web domains (pinyin without tones; ü is written v, as Chinese mail systems do).
type hanzi struct {
	text, ascii string
}

// surname is a family name with its share of the population in ten-thousandths (rounded from the
// 2020 census ranking; compound surnames are rare but appear).
type surname struct {
	hanzi
	weight int
}

var surnames = []surname{
	{hanzi{"王", "wang"}, 710}, {hanzi{"李", "li"}, 710}, {hanzi{"张", "zhang"}, 690},
	{hanzi{"刘", "liu"}, 540}, {hanzi{"陈", "chen"}, 450}, {hanzi{"杨", "yang"}, 320},
	{hanzi{"赵", "zhao"}, 220}, {hanzi{"黄", "huang"}, 220}, {hanzi{"周", "zhou"}, 210},
	{hanzi{"吴", "wu"}, 200}, {hanzi{"徐", "xu"}, 170}, {hanzi{"孙", "sun"}, 150},
	{hanzi{"胡", "hu"}, 130}, {hanzi{"朱", "zhu"}, 130}, {hanzi{"高", "gao"}, 120},
	{hanzi{"林", "lin"}, 120}, {hanzi{"何", "he"}, 120}, {hanzi{"郭", "guo"}, 115},
	{hanzi{"马", "ma"}, 110}, {hanzi{"罗", "luo"}, 90}, {hanzi{"梁", "liang"}, 85},
	{hanzi{"宋", "song"}, 80}, {hanzi{"郑", "zheng"}, 80}, {hanzi{"谢", "xie"}, 70},
	{hanzi{"韩", "han"}, 70}, {hanzi{"唐", "tang"}, 70}, {hanzi{"冯", "feng"}, 65},
	{hanzi{"于", "yu"}, 60}, {hanzi{"董", "dong"}, 60}, {hanzi{"肖", "xiao"}, 60},
	{hanzi{"程", "cheng"}, 55}, {hanzi{"曹", "cao"}, 55}, {hanzi{"袁", "yuan"}, 50},
	{hanzi{"邓", "deng"}, 50}, {hanzi{"许", "xu"}, 50}, {hanzi{"傅", "fu"}, 45},
	{hanzi{"沈", "shen"}, 45}, {hanzi{"曾", "zeng"}, 45}, {hanzi{"彭", "peng"}, 45},
	{hanzi{"吕", "lv"}, 45}, {hanzi{"苏", "su"}, 42}, {hanzi{"卢", "lu"}, 42},
	{hanzi{"蒋", "jiang"}, 42}, {hanzi{"蔡", "cai"}, 40}, {hanzi{"贾", "jia"}, 38},
	{hanzi{"丁", "ding"}, 38}, {hanzi{"魏", "wei"}, 38}, {hanzi{"薛", "xue"}, 35},
	{hanzi{"叶", "ye"}, 35}, {hanzi{"闫", "yan"}, 33}, {hanzi{"余", "yu"}, 33},
	{hanzi{"潘", "pan"}, 33}, {hanzi{"杜", "du"}, 32}, {hanzi{"戴", "dai"}, 30},
	{hanzi{"夏", "xia"}, 30}, {hanzi{"钟", "zhong"}, 30}, {hanzi{"汪", "wang"}, 30},
	{hanzi{"田", "tian"}, 30}, {hanzi{"任", "ren"}, 30}, {hanzi{"姜", "jiang"}, 30},
	{hanzi{"范", "fan"}, 28}, {hanzi{"方", "fang"}, 28}, {hanzi{"石", "shi"}, 28},
	{hanzi{"姚", "yao"}, 27}, {hanzi{"谭", "tan"}, 26}, {hanzi{"廖", "liao"}, 25},
	{hanzi{"邹", "zou"}, 25}, {hanzi{"熊", "xiong"}, 25}, {hanzi{"金", "jin"}, 24},
	{hanzi{"陆", "lu"}, 24}, {hanzi{"郝", "hao"}, 23}, {hanzi{"孔", "kong"}, 22},
	{hanzi{"白", "bai"}, 22}, {hanzi{"崔", "cui"}, 22}, {hanzi{"康", "kang"}, 21},
	{hanzi{"毛", "mao"}, 21}, {hanzi{"邱", "qiu"}, 21}, {hanzi{"秦", "qin"}, 20},
	{hanzi{"江", "jiang"}, 20}, {hanzi{"史", "shi"}, 20}, {hanzi{"顾", "gu"}, 20},
	{hanzi{"侯", "hou"}, 20}, {hanzi{"邵", "shao"}, 19}, {hanzi{"孟", "meng"}, 19},
	{hanzi{"龙", "long"}, 18}, {hanzi{"万", "wan"}, 18}, {hanzi{"段", "duan"}, 18},
	{hanzi{"雷", "lei"}, 17}, {hanzi{"钱", "qian"}, 17}, {hanzi{"汤", "tang"}, 17},
	{hanzi{"尹", "yin"}, 16}, {hanzi{"黎", "li"}, 16}, {hanzi{"易", "yi"}, 16},
	{hanzi{"常", "chang"}, 16}, {hanzi{"武", "wu"}, 16}, {hanzi{"乔", "qiao"}, 15},
	{hanzi{"贺", "he"}, 15}, {hanzi{"赖", "lai"}, 15}, {hanzi{"龚", "gong"}, 15},
	{hanzi{"文", "wen"}, 14}, {hanzi{"欧阳", "ouyang"}, 4}, {hanzi{"司马", "sima"}, 1},
	{hanzi{"上官", "shangguan"}, 1}, {hanzi{"诸葛", "zhuge"}, 1},
}

// Given names: about a third of people have a one-character given name.
var givenNames1 = []hanzi{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
	{"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
	{"杰", "jie"}, {"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"霞", "xia"},
	{"平", "ping"}, {"刚", "gang"}, {"婷", "ting"}, {"雪", "xue"}, {"浩", "hao"}, {"宇", "yu"},
	{"鹏", "peng"}, {"斌", "bin"}, {"辉", "hui"}, {"玲", "ling"}, {"红", "hong"}, {"俊", "jun"},
	{"凯", "kai"}, {"波", "bo"}, {"华", "hua"}, {"飞", "fei"}, {"鑫", "xin"}, {"琳", "lin"},
	{"颖", "ying"}, {"倩", "qian"}, {"晨", "chen"}, {"帆", "fan"}, {"瑶", "yao"}, {"璐", "lu"},
	{"亮", "liang"}, {"健", "jian"}, {"宁", "ning"}, {"蕾", "lei"}, {"佳", "jia"}, {"毅", "yi"},
	{"丹", "dan"}, {"萍", "ping"}, {"慧", "hui"}, {"琴", "qin"}, {"云", "yun"}, {"晶", "jing"},
	{"雯", "wen"}, {"睿", "rui"}, {"昊", "hao"}, {"峰", "feng"}, {"欣", "xin"}, {"岩", "yan"},
	{"坤", "kun"}, {"薇", "wei"},
}

var givenNames2 = []hanzi{
	{"秀英", "xiuying"}, {"秀兰", "xiulan"}, {"桂英", "guiying"}, {"建华", "jianhua"},
	{"建国", "jianguo"}, {"建军", "jianjun"}, {"志强", "zhiqiang"}, {"志伟", "zhiwei"},
	{"晓东", "xiaodong"}, {"晓燕", "xiaoyan"}, {"晓明", "xiaoming"}, {"海燕", "haiyan"},
	{"海涛", "haitao"}, {"丽娟", "lijuan"}, {"丽华", "lihua"}, {"欣怡", "xinyi"},
	{"子涵", "zihan"}, {"宇轩", "yuxuan"}, {"梓萱", "zixuan"}, {"一鸣", "yiming"},
	{"思远", "siyuan"}, {"嘉怡", "jiayi"}, {"文博", "wenbo"}, {"凤英", "fengying"},
	{"玉兰", "yulan"}, {"春梅", "chunmei"}, {"国强", "guoqiang"}, {"国华", "guohua"},
	{"立新", "lixin"}, {"文静", "wenjing"}, {"振华", "zhenhua"}, {"永刚", "yonggang"},
	{"红梅", "hongmei"}, {"明辉", "minghui"}, {"俊杰", "junjie"}, {"浩然", "haoran"},
	{"子豪", "zihao"}, {"雨欣", "yuxin"}, {"诗涵", "shihan"}, {"晓峰", "xiaofeng"},
	{"志刚", "zhigang"}, {"建平", "jianping"}, {"卫东", "weidong"}, {"秀珍", "xiuzhen"},
	{"淑珍", "shuzhen"}, {"春华", "chunhua"}, {"金凤", "jinfeng"}, {"德华", "dehua"},
	{"少华", "shaohua"}, {"家豪", "jiahao"}, {"天佑", "tianyou"}, {"雅婷", "yating"},
	{"佳琪", "jiaqi"}, {"梦瑶", "mengyao"}, {"博文", "bowen"}, {"宏伟", "hongwei"},
	{"文杰", "wenjie"}, {"鹏飞", "pengfei"}, {"晓丽", "xiaoli"}, {"婷婷", "tingting"},
	{"丹丹", "dandan"}, {"明亮", "mingliang"}, {"学军", "xuejun"}, {"振国", "zhenguo"},
	{"新民", "xinmin"}, {"晓光", "xiaoguang"}, {"雪梅", "xuemei"}, {"丽萍", "liping"},
	{"玉梅", "yumei"}, {"秀梅", "xiumei"}, {"志明", "zhiming"}, {"国庆", "guoqing"},
	{"海波", "haibo"}, {"红霞", "hongxia"}, {"静怡", "jingyi"}, {"思琪", "siqi"},
}

// Brand words (字号) are two characters: one from each list, never the same one twice.
var brandFirst = []hanzi{
	{"恒", "heng"}, {"华", "hua"}, {"瑞", "rui"}, {"鑫", "xin"}, {"德", "de"}, {"金", "jin"},
	{"宏", "hong"}, {"盛", "sheng"}, {"新", "xin"}, {"永", "yong"}, {"海", "hai"}, {"天", "tian"},
	{"中", "zhong"}, {"远", "yuan"}, {"博", "bo"}, {"创", "chuang"}, {"兴", "xing"}, {"隆", "long"},
	{"达", "da"}, {"泰", "tai"}, {"安", "an"}, {"通", "tong"}, {"正", "zheng"}, {"信", "xin"},
	{"嘉", "jia"}, {"立", "li"}, {"凯", "kai"}, {"亚", "ya"}, {"联", "lian"}, {"东", "dong"},
	{"伟", "wei"}, {"利", "li"}, {"富", "fu"}, {"康", "kang"}, {"美", "mei"}, {"科", "ke"},
	{"宇", "yu"}, {"润", "run"}, {"佳", "jia"}, {"晨", "chen"}, {"汇", "hui"}, {"振", "zhen"},
	{"长", "chang"}, {"广", "guang"}, {"世", "shi"}, {"万", "wan"}, {"国", "guo"}, {"光", "guang"},
	{"大", "da"}, {"捷", "jie"},
}

var brandSecond = []hanzi{
	{"瑞", "rui"}, {"拓", "tuo"}, {"达", "da"}, {"源", "yuan"}, {"通", "tong"}, {"泰", "tai"},
	{"丰", "feng"}, {"昌", "chang"}, {"茂", "mao"}, {"美", "mei"}, {"科", "ke"}, {"力", "li"},
	{"宇", "yu"}, {"明", "ming"}, {"晟", "sheng"}, {"辉", "hui"}, {"威", "wei"}, {"诚", "cheng"},
	{"和", "he"}, {"邦", "bang"}, {"信", "xin"}, {"盛", "sheng"}, {"联", "lian"}, {"发", "fa"},
	{"鼎", "ding"}, {"川", "chuan"}, {"峰", "feng"}, {"润", "run"}, {"航", "hang"}, {"迅", "xun"},
	{"腾", "teng"}, {"能", "neng"}, {"实", "shi"}, {"龙", "long"}, {"益", "yi"}, {"洲", "zhou"},
	{"华", "hua"}, {"嘉", "jia"}, {"安", "an"}, {"恒", "heng"}, {"凯", "kai"}, {"思", "si"},
	{"展", "zhan"}, {"锐", "rui"}, {"禾", "he"}, {"元", "yuan"}, {"森", "sen"}, {"合", "he"},
}

// foreignBrands are invented transliterations for foreign-invested companies, chosen so that
// none is a well-known trademark.
var foreignBrands = []hanzi{
	{"艾森", "aisen"}, {"贝卡", "beika"}, {"卡默", "kamo"}, {"施泰", "shitai"}, {"莱恩", "laien"},
	{"霍夫", "huofu"}, {"罗德", "luode"}, {"维斯", "weisi"}, {"欧科", "ouke"}, {"阿尔", "aer"},
	{"诺瓦", "nuowa"}, {"菲尔", "feier"}, {"伯格", "boge"}, {"格林", "gelin"}, {"赫曼", "heman"},
	{"克劳", "kelao"}, {"埃尔", "aier"}, {"费舍", "feishe"}, {"斯坦", "sitan"}, {"奥兰", "aolan"},
	{"卢卡", "luka"}, {"泰格", "taige"}, {"索林", "suolin"}, {"马尔", "maer"},
}

// industryWord is what a company name says it does (精密机械), the abbreviation in its short
// name (恒瑞精机) and a tag for its web domain (hengrui-jx.com).
type industryWord struct {
	word, abbr, tag string
}

// industry is one of the fixed industries of the demo portfolio.
type industry struct {
	name   string
	weight int
	words  []industryWord
	// trade is the word a distributor or wholesaler of the industry uses (机电设备贸易); empty
	// when the industry has no trading companies of its own.
	trade industryWord
}

var industries = []industry{
	{"汽车零部件", 9, []industryWord{{"汽车零部件", "汽配", "auto"}, {"汽车部件", "汽车", "auto"}, {"汽车电子", "汽电", "ae"}}, industryWord{"汽配贸易", "汽配", "auto"}},
	{"电子元器件", 9, []industryWord{{"电子科技", "电子", "tech"}, {"电子元器件", "电子", "dz"}, {"微电子", "微电", "micro"}}, industryWord{"电子贸易", "电子", "dz"}},
	{"机械设备", 9, []industryWord{{"精密机械", "精机", "jx"}, {"机械设备", "机械", "jx"}, {"重工", "重工", "hi"}}, industryWord{"机电设备贸易", "机电", "jd"}},
	{"化工", 6, []industryWord{{"化工", "化工", "chem"}, {"新材料", "新材", "nm"}, {"精细化工", "化工", "chem"}}, industryWord{"化工贸易", "化工", "chem"}},
	{"食品饮料", 6, []industryWord{{"食品", "食品", "food"}, {"饮料", "饮料", "bev"}, {"乳业", "乳业", "dairy"}}, industryWord{"食品贸易", "食品", "food"}},
	{"医药", 5, []industryWord{{"医药", "医药", "pharm"}, {"制药", "药业", "pharm"}, {"生物医药", "生物", "bio"}}, industryWord{"医药贸易", "医药", "pharm"}},
	{"建材", 5, []industryWord{{"建材", "建材", "jc"}, {"水泥", "水泥", "cement"}, {"玻璃", "玻璃", "glass"}}, industryWord{"建材贸易", "建材", "jc"}},
	{"家电", 4, []industryWord{{"电器", "电器", "dq"}, {"家用电器", "家电", "jd"}, {"厨卫电器", "厨电", "kitchen"}}, industryWord{"电器贸易", "电器", "dq"}},
	{"纺织服装", 5, []industryWord{{"纺织", "纺织", "textile"}, {"服饰", "服饰", "fashion"}, {"针织", "针织", "zz"}}, industryWord{"服装贸易", "服装", "fz"}},
	{"物流", 4, []industryWord{{"物流", "物流", "logistics"}, {"供应链管理", "供应链", "scm"}, {"国际货运代理", "货代", "freight"}}, industryWord{}},
	{"零售连锁", 4, []industryWord{{"连锁超市", "超市", "mart"}, {"百货", "百货", "dept"}, {"便利店", "便利", "cvs"}}, industryWord{"商贸", "商贸", "trade"}},
	{"电力设备", 5, []industryWord{{"电气", "电气", "electric"}, {"电力设备", "电力", "power"}, {"电线电缆", "电缆", "cable"}}, industryWord{"电气设备贸易", "电气", "electric"}},
	{"新能源", 4, []industryWord{{"新能源科技", "新能源", "ne"}, {"光伏科技", "光伏", "solar"}, {"储能科技", "储能", "ess"}}, industryWord{"能源贸易", "能源", "energy"}},
	{"钢铁冶金", 4, []industryWord{{"钢铁", "钢铁", "steel"}, {"特钢", "特钢", "steel"}, {"金属制品", "金属", "metal"}}, industryWord{"金属材料贸易", "金属", "metal"}},
	{"塑料橡胶", 4, []industryWord{{"塑胶", "塑胶", "plastic"}, {"橡胶制品", "橡胶", "rubber"}, {"塑料制品", "塑料", "plastic"}}, industryWord{"塑化贸易", "塑化", "plastic"}},
	{"包装印刷", 3, []industryWord{{"包装", "包装", "pack"}, {"印务", "印务", "print"}, {"纸业", "纸业", "paper"}}, industryWord{"包装材料贸易", "包装", "pack"}},
	{"农牧饲料", 3, []industryWord{{"农牧", "农牧", "agri"}, {"饲料", "饲料", "feed"}, {"农业科技", "农科", "agri"}}, industryWord{"农产品贸易", "农贸", "agri"}},
	{"医疗器械", 3, []industryWord{{"医疗器械", "医疗", "med"}, {"医疗科技", "医疗", "med"}, {"医用材料", "医材", "med"}}, industryWord{"医疗器械贸易", "医疗", "med"}},
	{"信息技术", 4, []industryWord{{"信息技术", "信息", "it"}, {"软件", "软件", "soft"}, {"网络科技", "网络", "net"}}, industryWord{}},
	{"建筑工程", 3, []industryWord{{"建设工程", "建工", "cons"}, {"建筑安装工程", "建安", "cons"}, {"路桥工程", "路桥", "road"}}, industryWord{}},
	{"日化", 3, []industryWord{{"日化", "日化", "daily"}, {"日用品", "日用", "daily"}, {"化妆品", "化妆品", "cosme"}}, industryWord{"日化贸易", "日化", "daily"}},
	{"五金工具", 3, []industryWord{{"五金", "五金", "hw"}, {"五金工具", "五金", "tools"}, {"紧固件", "紧固件", "fastener"}}, industryWord{"五金机电贸易", "五金", "hw"}},
}

// salesRegion is a sales region (大区) of the company using KAM; each regional supervisor looks
// after one, and large regions are split between several supervisors.
var salesRegions = []string{"华东", "华南", "华北", "华中", "西南", "西北", "东北"}

// Indexes of salesRegions.
const (
	regionEast = iota
	regionSouth
	regionNorth
	regionCentral
	regionSouthwest
	regionNorthwest
	regionNortheast
)

// province is a province-level division with a few of its real prefecture-level cities.
type province struct {
	name   string // 广东省
	short  string // 广东, as used in company names
	code   string // administrative division code (GB/T 2260)
	region int    // index of salesRegions
	weight int    // share of the portfolio, roughly following industrial output
	cities []city
}

// city is a prefecture-level city with its division code, telephone area code and a few of its
// districts (used in addresses). A municipality has a single city, itself.
type city struct {
	name, short, code, area string
	districts               []string
}

var provinces = []province{
	{"北京市", "北京", "110000", regionNorth, 6, []city{
		{"北京市", "北京", "110000", "010", []string{"朝阳区", "海淀区", "丰台区", "大兴区", "顺义区", "通州区"}}}},
	{"天津市", "天津", "120000", regionNorth, 3, []city{
		{"天津市", "天津", "120000", "022", []string{"滨海新区", "西青区", "武清区", "东丽区"}}}},
	{"上海市", "上海", "310000", regionEast, 7, []city{
		{"上海市", "上海", "310000", "021", []string{"浦东新区", "闵行区", "嘉定区", "松江区", "徐汇区"}}}},
	{"重庆市", "重庆", "500000", regionSouthwest, 3, []city{
		{"重庆市", "重庆", "500000", "023", []string{"渝北区", "九龙坡区", "江北区", "沙坪坝区"}}}},
	{"河北省", "河北", "130000", regionNorth, 3, []city{
		{"石家庄市", "石家庄", "130100", "0311", []string{"长安区", "裕华区"}},
		{"唐山市", "唐山", "130200", "0315", []string{"路南区", "路北区"}},
		{"保定市", "保定", "130600", "0312", []string{"竞秀区", "莲池区"}},
		{"沧州市", "沧州", "130900", "0317", []string{"运河区", "新华区"}},
		{"廊坊市", "廊坊", "131000", "0316", []string{"广阳区", "安次区"}}}},
	{"山西省", "山西", "140000", regionNorth, 1, []city{
		{"太原市", "太原", "140100", "0351", []string{"小店区", "迎泽区"}},
		{"大同市", "大同", "140200", "0352", []string{"平城区", "云冈区"}},
		{"长治市", "长治", "140400", "0355", []string{"潞州区"}}}},
	{"内蒙古自治区", "内蒙古", "150000", regionNorth, 1, []city{
		{"呼和浩特市", "呼和浩特", "150100", "0471", []string{"赛罕区", "新城区"}},
		{"包头市", "包头", "150200", "0472", []string{"昆都仑区", "青山区"}},
		{"鄂尔多斯市", "鄂尔多斯", "150600", "0477", []string{"东胜区", "康巴什区"}}}},
	{"辽宁省", "辽宁", "210000", regionNortheast, 3, []city{
		{"沈阳市", "沈阳", "210100", "024", []string{"浑南区", "铁西区", "和平区"}},
		{"大连市", "大连", "210200", "0411", []string{"甘井子区", "金州区", "中山区"}},
		{"鞍山市", "鞍山", "210300", "0412", []string{"铁东区", "立山区"}}}},
	{"吉林省", "吉林", "220000", regionNortheast, 1, []city{
		{"长春市", "长春", "220100", "0431", []string{"朝阳区", "绿园区", "南关区"}},
		{"吉林市", "吉林", "220200", "0432", []string{"船营区", "丰满区"}}}},
	{"黑龙江省", "黑龙江", "230000", regionNortheast, 1, []city{
		{"哈尔滨市", "哈尔滨", "230100", "0451", []string{"南岗区", "道里区", "香坊区"}},
		{"大庆市", "大庆", "230600", "0459", []string{"萨尔图区", "让胡路区"}}}},
	{"江苏省", "江苏", "320000", regionEast, 11, []city{
		{"南京市", "南京", "320100", "025", []string{"江宁区", "鼓楼区", "建邺区"}},
		{"无锡市", "无锡", "320200", "0510", []string{"新吴区", "滨湖区", "梁溪区"}},
		{"常州市", "常州", "320400", "0519", []string{"武进区", "新北区", "天宁区"}},
		{"苏州市", "苏州", "320500", "0512", []string{"吴中区", "相城区", "虎丘区", "吴江区"}},
		{"南通市", "南通", "320600", "0513", []string{"崇川区", "通州区"}}}},
	{"浙江省", "浙江", "330000", regionEast, 9, []city{
		{"杭州市", "杭州", "330100", "0571", []string{"滨江区", "西湖区", "余杭区", "萧山区"}},
		{"宁波市", "宁波", "330200", "0574", []string{"鄞州区", "北仑区", "海曙区"}},
		{"温州市", "温州", "330300", "0577", []string{"鹿城区", "瓯海区", "龙湾区"}},
		{"嘉兴市", "嘉兴", "330400", "0573", []string{"南湖区", "秀洲区"}},
		{"绍兴市", "绍兴", "330600", "0575", []string{"越城区", "柯桥区"}}}},
	{"安徽省", "安徽", "340000", regionEast, 3, []city{
		{"合肥市", "合肥", "340100", "0551", []string{"蜀山区", "包河区", "庐阳区"}},
		{"芜湖市", "芜湖", "340200", "0553", []string{"镜湖区", "鸠江区"}},
		{"蚌埠市", "蚌埠", "340300", "0552", []string{"蚌山区", "龙子湖区"}}}},
	{"福建省", "福建", "350000", regionEast, 4, []city{
		{"福州市", "福州", "350100", "0591", []string{"鼓楼区", "仓山区", "晋安区"}},
		{"厦门市", "厦门", "350200", "0592", []string{"思明区", "湖里区", "集美区"}},
		{"泉州市", "泉州", "350500", "0595", []string{"丰泽区", "鲤城区"}}}},
	{"江西省", "江西", "360000", regionEast, 2, []city{
		{"南昌市", "南昌", "360100", "0791", []string{"红谷滩区", "东湖区", "青山湖区"}},
		{"九江市", "九江", "360400", "0792", []string{"浔阳区", "濂溪区"}},
		{"赣州市", "赣州", "360700", "0797", []string{"章贡区", "南康区"}}}},
	{"山东省", "山东", "370000", regionEast, 8, []city{
		{"济南市", "济南", "370100", "0531", []string{"历下区", "槐荫区", "历城区"}},
		{"青岛市", "青岛", "370200", "0532", []string{"市南区", "黄岛区", "城阳区", "崂山区"}},
		{"淄博市", "淄博", "370300", "0533", []string{"张店区", "淄川区"}},
		{"烟台市", "烟台", "370600", "0535", []string{"芝罘区", "莱山区", "福山区"}},
		{"潍坊市", "潍坊", "370700", "0536", []string{"奎文区", "潍城区"}}}},
	{"河南省", "河南", "410000", regionCentral, 4, []city{
		{"郑州市", "郑州", "410100", "0371", []string{"金水区", "二七区", "中原区"}},
		{"洛阳市", "洛阳", "410300", "0379", []string{"涧西区", "西工区", "洛龙区"}},
		{"新乡市", "新乡", "410700", "0373", []string{"红旗区", "牧野区"}}}},
	{"湖北省", "湖北", "420000", regionCentral, 4, []city{
		{"武汉市", "武汉", "420100", "027", []string{"江汉区", "洪山区", "武昌区", "江岸区"}},
		{"宜昌市", "宜昌", "420500", "0717", []string{"西陵区", "伍家岗区"}},
		{"襄阳市", "襄阳", "420600", "0710", []string{"襄城区", "樊城区"}}}},
	{"湖南省", "湖南", "430000", regionCentral, 3, []city{
		{"长沙市", "长沙", "430100", "0731", []string{"岳麓区", "天心区", "雨花区", "芙蓉区"}},
		{"株洲市", "株洲", "430200", "0731", []string{"天元区", "芦淞区"}},
		{"岳阳市", "岳阳", "430600", "0730", []string{"岳阳楼区"}}}},
	{"广东省", "广东", "440000", regionSouth, 12, []city{
		{"广州市", "广州", "440100", "020", []string{"天河区", "越秀区", "黄埔区", "番禺区", "白云区"}},
		{"深圳市", "深圳", "440300", "0755", []string{"南山区", "福田区", "宝安区", "龙岗区", "龙华区"}},
		{"珠海市", "珠海", "440400", "0756", []string{"香洲区", "金湾区"}},
		{"佛山市", "佛山", "440600", "0757", []string{"顺德区", "南海区", "禅城区"}},
		{"东莞市", "东莞", "441900", "0769", []string{"长安镇", "虎门镇", "塘厦镇", "松山湖"}}}},
	{"广西壮族自治区", "广西", "450000", regionSouth, 2, []city{
		{"南宁市", "南宁", "450100", "0771", []string{"青秀区", "西乡塘区"}},
		{"柳州市", "柳州", "450200", "0772", []string{"柳南区", "鱼峰区"}},
		{"桂林市", "桂林", "450300", "0773", []string{"七星区", "象山区"}}}},
	{"海南省", "海南", "460000", regionSouth, 1, []city{
		{"海口市", "海口", "460100", "0898", []string{"龙华区", "美兰区"}},
		{"三亚市", "三亚", "460200", "0898", []string{"吉阳区", "天涯区"}}}},
	{"四川省", "四川", "510000", regionSouthwest, 4, []city{
		{"成都市", "成都", "510100", "028", []string{"武侯区", "锦江区", "成华区", "青羊区"}},
		{"德阳市", "德阳", "510600", "0838", []string{"旌阳区"}},
		{"绵阳市", "绵阳", "510700", "0816", []string{"涪城区", "游仙区"}}}},
	{"贵州省", "贵州", "520000", regionSouthwest, 1, []city{
		{"贵阳市", "贵阳", "520100", "0851", []string{"观山湖区", "南明区", "云岩区"}},
		{"遵义市", "遵义", "520300", "0851", []string{"汇川区", "红花岗区"}}}},
	{"云南省", "云南", "530000", regionSouthwest, 2, []city{
		{"昆明市", "昆明", "530100", "0871", []string{"五华区", "盘龙区", "官渡区"}},
		{"曲靖市", "曲靖", "530300", "0874", []string{"麒麟区"}}}},
	{"陕西省", "陕西", "610000", regionNorthwest, 3, []city{
		{"西安市", "西安", "610100", "029", []string{"雁塔区", "未央区", "碑林区", "长安区"}},
		{"宝鸡市", "宝鸡", "610300", "0917", []string{"渭滨区", "金台区"}},
		{"咸阳市", "咸阳", "610400", "029", []string{"秦都区", "渭城区"}}}},
	{"甘肃省", "甘肃", "620000", regionNorthwest, 1, []city{
		{"兰州市", "兰州", "620100", "0931", []string{"城关区", "七里河区"}},
		{"天水市", "天水", "620500", "0938", []string{"秦州区", "麦积区"}}}},
}

var streets = []string{
	"人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "长江路", "黄河路", "工业大道",
	"科技路", "创业路", "高新大道", "发展大道", "振兴路", "文化路", "东风路", "青年路", "滨江路",
	"环城东路", "开发区大道", "兴业路", "光明路", "胜利路", "迎宾大道", "金桥路", "兴华路",
	"园区路", "工业园路", "富民路", "纬一路", "经二路", "学府路", "创新大道", "世纪大道",
	"北京路", "南京路", "上海路", "湖滨路", "永安路", "新城大道", "产业园路", "龙腾路",
}

// addressSuffixes follow the house number; most addresses have none.
var addressSuffixes = []string{"", "", "", "", "", "1号楼", "2号楼", "A座", "B座", "3号厂房", "综合楼", "研发楼"}

// Legal forms of an ordinary company, with weights; groups use groupForms.
var legalForms = []struct {
	name   string
	weight int
}{{"有限公司", 70}, {"股份有限公司", 22}, {"有限责任公司", 8}}

var groupForms = []string{"集团有限公司", "集团有限公司", "集团股份有限公司"}

var natureWeights = []struct {
	nature string
	weight int
}{
	// Government bodies and public institutions are left out: their names do not follow the
	// company pattern, and few sellers' key accounts are among them.
	{"private", 58}, {"state_owned", 14}, {"foreign", 9}, {"joint_venture", 8}, {"collective", 4}, {"other", 7},
}

// statusWeights are the customer statuses with their shares and the lifecycle stages each may
// be in, so that stage and status agree: a lost customer is in the lost stage, a prospect is
// still being identified, a dormant one shows warning signs.
var statusWeights = []struct {
	status string
	weight int
	stages []stageWeight
}{
	{"active", 70, []stageWeight{{"establish", 20}, {"deepen", 30}, {"maintain", 40}, {"warning", 10}}},
	{"prospect", 15, []stageWeight{{"identify", 80}, {"establish", 20}}},
	{"dormant", 10, []stageWeight{{"warning", 70}, {"maintain", 30}}},
	{"lost", 5, []stageWeight{{"lost", 1}}},
}

type stageWeight struct {
	stage  string
	weight int
}

var sizeWeights = []struct {
	size   string
	weight int
}{{"micro", 10}, {"small", 35}, {"medium", 35}, {"large", 20}}

// Customer tags (标签).
const (
	tagStrategic  = "战略客户"
	tagNew        = "新客户"
	tagOld        = "老客户"
	tagDevelop    = "重点培养"
	tagPrice      = "价格敏感"
	tagLongCredit = "账期长"
	tagGroup      = "集团客户"
	tagCompetitor = "竞品在用"
	tagPotential  = "高潜力"
)

// customerNotes are occasional free-text remarks on a customer file.
var customerNotes = []string{
	"年度框架协议客户，每年一季度议价。",
	"需提前一周预约拜访。",
	"付款流程长，需跟进发票签收。",
	"对交期要求高，缺货需提前通知。",
	"招标采购，关注明年招标时间。",
	"正在评估第二供应商。",
	"老板亲自决策，重视关系维护。",
	"有扩产计划，潜在需求大。",
}

var settlementTerms = []string{"款到发货", "月结30天", "月结60天", "月结90天", "票到60天"}

var invoiceTypes = []string{"增值税专用发票", "增值税专用发票", "增值税普通发票"}

// Departments a contact works in; they tie titles to units.
const (
	deptNone = iota
	deptManagement
	deptPurchase
	deptTechnical
	deptQuality
	deptProduction
	deptWarehouse
	deptFinance
	deptStore
	deptAdmin
	deptCount
)

// unitTemplate is a kind of unit a customer may have. Plants, branches and stores are
// numbered or named when generated.
type unitTemplate struct {
	name   string
	kind   string
	dept   int
	weight int
	// retail templates are only used for retailers, and take most of their units.
	retail bool
}

var unitTemplates = []unitTemplate{
	{"采购部", "department", deptPurchase, 30, false},
	{"技术部", "department", deptTechnical, 15, false},
	{"质量部", "department", deptQuality, 15, false},
	{"仓储物流部", "department", deptWarehouse, 12, false},
	{"财务部", "department", deptFinance, 10, false},
	{"生产部", "department", deptProduction, 10, false},
	{"研发中心", "department", deptTechnical, 6, false},
	{"设备部", "department", deptProduction, 4, false},
	{"总经理办公室", "department", deptManagement, 4, false},
	{"分厂", "plant", deptProduction, 8, false},
	{"分公司", "branch", deptNone, 6, false},
	{"中心仓库", "warehouse", deptWarehouse, 5, false},
	{"子公司", "subsidiary", deptNone, 3, false},
	{"项目部", "other", deptNone, 2, false},
	{"门店", "store", deptStore, 40, true},
}

// ordinals number plants: 一分厂, 二分厂 …
var ordinals = []string{"一", "二", "三", "四", "五"}

// title is a contact's job title, the department it belongs to, its level in the hierarchy
// (1 top, 2 head of a function, 3 staff) and its usual roles in a purchase.
type title struct {
	name   string
	dept   int
	level  int
	weight int
	roles  []roleWeight
	// retail titles only appear at retailers and distributors (营业员 sells over a counter).
	retail bool
}

type roleWeight struct {
	role   string
	weight int
}

// topTitles head a customer's contacts; the person is usually the decision maker.
var topTitles = []title{
	{"总经理", deptManagement, 1, 40, nil, false},
	{"董事长", deptManagement, 1, 15, nil, false},
	{"副总经理", deptManagement, 1, 20, nil, false},
	{"采购总监", deptPurchase, 1, 25, nil, false},
}

var otherTitles = []title{
	{"采购经理", deptPurchase, 2, 30, []roleWeight{{"gatekeeper", 40}, {"influencer", 45}, {"user", 15}}, false},
	{"技术部长", deptTechnical, 2, 12, []roleWeight{{"influencer", 80}, {"user", 20}}, false},
	{"技术总监", deptTechnical, 2, 6, []roleWeight{{"influencer", 100}}, false},
	{"研发经理", deptTechnical, 2, 6, []roleWeight{{"influencer", 60}, {"user", 40}}, false},
	{"质量经理", deptQuality, 2, 12, []roleWeight{{"influencer", 60}, {"user", 40}}, false},
	{"生产经理", deptProduction, 2, 8, []roleWeight{{"user", 80}, {"influencer", 20}}, false},
	{"仓库主管", deptWarehouse, 2, 8, []roleWeight{{"user", 100}}, false},
	{"物流经理", deptWarehouse, 2, 4, []roleWeight{{"user", 100}}, false},
	{"财务经理", deptFinance, 2, 10, []roleWeight{{"influencer", 50}, {"gatekeeper", 50}}, false},
	{"总经理助理", deptManagement, 2, 5, []roleWeight{{"gatekeeper", 100}}, false},
	{"行政经理", deptAdmin, 2, 3, []roleWeight{{"gatekeeper", 100}}, false},
	{"店长", deptStore, 2, 8, []roleWeight{{"user", 70}, {"influencer", 30}}, true},
	{"采购专员", deptPurchase, 3, 14, []roleWeight{{"gatekeeper", 60}, {"user", 40}}, false},
	{"采购员", deptPurchase, 3, 8, []roleWeight{{"gatekeeper", 70}, {"user", 30}}, false},
	{"工程师", deptTechnical, 3, 8, []roleWeight{{"user", 80}, {"influencer", 20}}, false},
	{"质检员", deptQuality, 3, 5, []roleWeight{{"user", 100}}, false},
	{"车间主任", deptProduction, 3, 5, []roleWeight{{"user", 100}}, false},
	{"计划员", deptProduction, 3, 4, []roleWeight{{"user", 100}}, false},
	{"仓库保管员", deptWarehouse, 3, 6, []roleWeight{{"frontline", 100}}, false},
	{"会计", deptFinance, 3, 4, []roleWeight{{"user", 50}, {"gatekeeper", 50}}, false},
	{"营业员", deptStore, 3, 10, []roleWeight{{"frontline", 100}}, true},
}

// Mobile prefixes of the three carriers (and virtual operators' 17x).
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
}

var hobbies = []string{
	"茶叶", "高尔夫", "钓鱼", "书法", "红酒", "白酒", "摄影", "羽毛球", "乒乓球", "篮球", "跑步",
	"登山", "旅游", "读书", "围棋", "象棋", "收藏", "美食", "健身", "游泳", "骑行", "足球", "京剧",
	"国画", "自驾游",
}

var contactNotes = []string{
	"不喝酒。", "周末不接工作电话。", "喜欢上午拜访。", "孩子今年高考。", "对价格很敏感。",
	"老乡，关系好。", "喜欢看数据说话。", "习惯用微信沟通。", "之前在竞争对手采购部工作。",
}

var emailDomainsTLD = []string{".com", ".com.cn", ".cn", ".net"}
