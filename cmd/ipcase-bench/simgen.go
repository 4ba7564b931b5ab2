package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The generator of decided matters for the similar-case measurements
// (ipcase-bench similar-quality and similar-bench): realistic Chinese facts
// of fines and judgments built from a scenario — a family of right, the
// goods or work, the conduct, the channel and one circumstance — each part
// written in several ways (synonyms, sentence templates, boilerplate,
// brands, places, quantities and amounts), from a fixed seed.
//
// A labelled query names a scenario; the matters planted for it are its
// relevant set. Background matters draw every part at random but never
// the exact scenario of a labelled query, so relevance is decided by how
// a matter was generated, never by a scorer. Background matters sharing
// three of the four parts with a query are common: the hard negatives.

// simFamily is one family of rights with its vocabulary.
type simFamily struct {
	key string
	// fine is the offence (similar_matters.ip_type of a fine) and fineLaw
	// its law; damages/damagesLaw the same for awards ("" if none).
	fine, fineLaw, damages, damagesLaw string
	// older laws for a share of the matters (decided before the revision).
	fineOld, damagesOld string
	// items: the goods or works, each written several ways.
	items [][]string
	// conducts: what was done; %s is the item.
	conducts [][]string
	details  [][]string
	units    []string
}

var simFamilies = []simFamily{
	{key: "trademark", fine: "trademark", fineLaw: "Trademark Law 2019", damages: "trademark", damagesLaw: "Trademark Law 2019",
		fineOld: "Trademark Law 2013", damagesOld: "Trademark Law 2013",
		items: [][]string{
			{"运动鞋", "运动休闲鞋", "球鞋"}, {"白酒", "酱香型白酒", "瓶装白酒"}, {"女士手提包", "手提包", "皮包"},
			{"化妆品", "护肤品", "美妆产品"}, {"手机充电器", "充电器", "电源适配器"}, {"汽车刹车片", "刹车片", "制动片"},
			{"婴幼儿奶粉", "奶粉", "婴儿配方奶粉"}, {"轴承", "滚动轴承", "工业轴承"}, {"羽绒服", "羽绒外套", "羽绒上衣"},
			{"卷烟", "香烟", "烟草制品"}, {"电动工具", "电钻", "手持电动工具"}, {"润滑油", "机油", "发动机润滑油"},
			{"机械手表", "手表", "腕表"}, {"太阳镜", "墨镜", "眼镜"}, {"蓄电池", "电瓶", "铅酸蓄电池"},
			{"瓷砖", "地砖", "墙地砖"}, {"电线电缆", "电线", "电缆"}, {"农药", "杀虫剂", "除草剂"},
			{"茶叶", "绿茶", "龙井茶"}, {"儿童玩具", "玩具", "益智玩具"},
		},
		conducts: [][]string{
			{"销售假冒注册商标的%s", "售卖假冒他人注册商标的%s", "对外销售侵犯注册商标专用权的%s"},
			{"生产假冒注册商标的%s", "组织工人加工制造假冒注册商标的%s", "在其加工作坊内生产侵权%s"},
			{"在同一种商品上使用与他人注册商标近似的标识销售%s", "在%s上使用近似商标", "使用与注册商标近似的标志生产%s"},
			{"擅自制造他人注册商标标识用于%s", "伪造他人%s的注册商标标识", "印制并销售%s商标标签"},
			{"故意为侵犯注册商标专用权的%s提供仓储便利", "为假冒%s提供仓储、运输便利", "明知是侵权%s仍提供仓库存放"},
		},
		details: [][]string{
			{"商品包装标注的生产厂家地址不存在", "外包装所示厂址查无此厂", "包装上的厂家信息系虚构"},
			{"经商标权利人鉴定为假冒产品", "商标注册人出具鉴定意见确认非其生产", "经权利人辨认均非正品"},
			{"进货时未索取发票及进货凭证", "不能提供合法来源证明", "无法说明商品的合法来源"},
			{"以明显低于市场的价格出售", "售价不足正品三成", "以远低于正品的价格低价销售"},
			{"曾因同类违法行为受过行政处罚", "两年内曾被查处过同类侵权行为", "系再次实施侵权"},
			{"系出口转内销的尾货", "声称为外贸原单货", "以外贸尾单名义销售"},
		},
		units: []string{"件", "双", "瓶", "箱", "个"},
	},
	{key: "copyright", fine: "copyright", fineLaw: "Copyright Law 2020", damages: "copyright", damagesLaw: "Copyright Law 2020",
		fineOld: "Copyright Regulations 2013", damagesOld: "Copyright Law 2010",
		items: [][]string{
			{"网络小说", "网络文学作品", "连载小说"}, {"电影作品", "院线电影", "影视剧"}, {"音乐作品", "流行歌曲", "歌曲"},
			{"教辅图书", "中小学教辅", "教材教辅"}, {"计算机软件", "工业设计软件", "办公软件"}, {"摄影作品", "风光摄影图片", "摄影图片"},
			{"动漫形象玩偶", "卡通形象毛绒玩具", "动漫周边玩偶"}, {"网络游戏", "手机游戏", "网游"}, {"字库字体", "中文字体", "计算机字体"},
			{"美术作品", "插画作品", "绘画作品"},
		},
		conducts: [][]string{
			{"未经著作权人许可通过信息网络向公众传播%s", "在其网站上擅自提供%s在线浏览和下载", "通过网络平台传播他人%s"},
			{"复制发行盗版%s", "大量复制并发行侵权%s", "擅自复制、发行他人%s"},
			{"架设私服运营%s", "搭建私人服务器运营%s", "未经许可经营%s私服"},
			{"在经营场所擅自放映、播放%s", "未经授权公开放映%s", "在门店公开播放%s"},
			{"破解技术保护措施提供%s", "提供规避技术措施的工具用于%s", "故意避开%s的技术保护措施"},
		},
		details: [][]string{
			{"点击量累计超过十万次", "浏览次数达十余万次", "累计下载逾十万次"},
			{"以收取会员费方式牟利", "向用户收取充值费用", "通过付费会员获取收益"},
			{"通过投放广告获取收益", "页面内嵌广告牟利", "以广告分成盈利"},
			{"侵权复制品系从他人处低价购入", "盗版制品来源于网上批发", "侵权复制品购自不明渠道"},
			{"权利人多次发函要求删除未果", "经权利人通知后仍未删除", "收到侵权通知后继续传播"},
			{"涉案服务器设在境外", "网站服务器位于境外", "利用境外服务器规避监管"},
		},
		units: []string{"部", "册", "套", "份", "张"},
	},
	{key: "patent", fine: "patent-passing-off", fineLaw: "Patent Law 2020", damages: "patent-invention", damagesLaw: "Patent Law 2020",
		fineOld: "Patent Law 2008", damagesOld: "Patent Law 2008",
		items: [][]string{
			{"变频空调压缩机", "空调压缩机", "变频压缩机"}, {"电动牙刷", "声波电动牙刷", "充电式牙刷"}, {"LED灯具", "LED照明灯", "LED吸顶灯"},
			{"锂电池隔膜", "电池隔膜", "锂离子电池隔膜"}, {"折叠婴儿车", "婴儿推车", "儿童推车"}, {"净水器滤芯", "滤芯", "净水滤芯"},
			{"保温杯", "不锈钢保温杯", "真空保温杯"}, {"扫地机器人", "智能扫地机", "扫拖机器人"}, {"光伏逆变器", "逆变器", "太阳能逆变器"},
			{"医用口罩机", "口罩生产设备", "口罩机"},
		},
		conducts: [][]string{
			{"在%s及其包装上标注他人专利号", "在%s上标注不存在的专利号", "于%s包装上冒用他人专利标识"},
			{"未经许可制造%s", "擅自生产落入专利保护范围的%s", "制造侵犯他人专利权的%s"},
			{"许诺销售并销售侵权%s", "在展会上展示并许诺销售%s", "对外报价销售侵权%s"},
			{"进口侵犯专利权的%s", "从境外进口侵权%s", "擅自进口落入专利保护范围的%s"},
			{"专利权终止后继续在%s上标注专利标识", "在专利失效后仍于%s标注专利号", "专利权被宣告无效后继续在%s标注专利"},
		},
		details: [][]string{
			{"经比对技术特征全部相同", "被诉产品具备权利要求的全部技术特征", "技术方案落入权利要求保护范围"},
			{"权利人此前已发送警告函", "收到律师函后仍继续", "经警告后未停止"},
			{"产品宣传册中宣称为专利产品", "广告中宣称拥有专利", "说明书中标明专利产品"},
			{"涉案产品出口至东南亚", "产品大量销往海外", "主要通过外贸渠道出口"},
			{"曾因同类行为被行政处理", "此前已被认定侵权", "系重复侵权"},
			{"系为他人代工生产", "受他人委托加工", "声称是贴牌代工"},
		},
		units: []string{"台", "件", "套", "个", "批"},
	},
	{key: "trade-secret", fine: "trade-secret", fineLaw: "Anti-Unfair Competition Law 2019", damages: "trade-secret", damagesLaw: "Anti-Unfair Competition Law 2019",
		fineOld: "Anti-Unfair Competition Law 2017", damagesOld: "Anti-Unfair Competition Law 2017",
		items: [][]string{
			{"客户名单", "客户信息", "客户资料"}, {"产品配方", "配方", "工艺配方"}, {"生产工艺", "制造工艺", "工艺流程"},
			{"软件源代码", "源代码", "程序代码"}, {"设计图纸", "技术图纸", "产品图纸"}, {"经营数据", "销售数据", "报价数据"},
		},
		conducts: [][]string{
			{"离职前拷贝原单位%s后用于新公司经营", "离职员工带走原公司%s", "员工违反保密义务带走%s"},
			{"以不正当手段获取他人%s", "通过盗取方式获得竞争对手的%s", "采用窃取手段取得权利人%s"},
			{"向第三方披露其掌握的%s", "将%s泄露给竞争对手", "违反约定披露%s"},
			{"使用他人%s生产同类产品", "利用获取的%s开展竞争业务", "擅自使用权利人的%s"},
		},
		details: [][]string{
			{"权利人已采取签订保密协议等保密措施", "双方签有保密协议", "权利人对相关信息采取了加密措施"},
			{"涉案人员系原单位技术骨干", "当事人原任研发部门负责人", "行为人曾为核心技术人员"},
			{"新公司成立后迅速抢占原单位客户", "短期内取得原单位多家客户订单", "导致权利人大量客户流失"},
			{"通过电子邮件发送至私人邮箱", "利用移动硬盘拷贝", "将资料上传至个人网盘"},
			{"与境外企业合作使用", "将技术信息提供给境外公司", "向境外企业转让"},
		},
		units: []string{"份", "项", "套", "条", "个"},
	},
	{key: "plant-variety", fine: "plant-variety", fineLaw: "Seed Law 2021", damages: "plant-variety", damagesLaw: "Seed Law 2021",
		fineOld: "Seed Law 2015", damagesOld: "Seed Law 2015",
		items: [][]string{
			{"玉米种子", "玉米杂交种", "杂交玉米种子"}, {"水稻种子", "杂交水稻种子", "稻种"}, {"小麦种子", "小麦良种", "冬小麦种子"},
			{"大豆种子", "高油大豆种子", "大豆良种"}, {"西瓜种子", "无籽西瓜种子", "瓜种"}, {"辣椒种子", "辣椒杂交种", "椒种"},
		},
		conducts: [][]string{
			{"套牌销售授权品种%s", "以其他品种名称销售授权品种%s", "假冒他人品种名称销售%s"},
			{"未经品种权人许可生产繁殖%s", "擅自繁殖授权品种的%s", "未经许可制种生产%s"},
			{"以白皮袋包装销售%s", "以无标识包装袋销售%s", "散装无标签销售%s"},
			{"为侵权%s提供收购、仓储服务", "收购并囤积侵权%s", "为他人侵权%s提供仓储"},
		},
		details: [][]string{
			{"经DNA指纹检测与授权品种无差异", "经分子检测与授权品种为同一品种", "经鉴定与授权品种极近似"},
			{"种植面积达数百亩", "在多个乡镇组织农户种植", "制种面积较大"},
			{"向农户赊销", "通过农资店向农户销售", "在集市上向农户出售"},
			{"未取得种子生产经营许可证", "无种子经营许可证", "不具备种子经营资质"},
			{"包装标签标注内容与实际不符", "标签信息不真实", "标签未标注品种权号"},
		},
		units: []string{"公斤", "袋", "吨", "包", "斤"},
	},
	{key: "confusion", fine: "confusion", fineLaw: "Anti-Unfair Competition Law 2019",
		fineOld: "Anti-Unfair Competition Law 2017",
		items: [][]string{
			{"饮料", "植物蛋白饮料", "凉茶饮料"}, {"调味品", "酱油", "调味酱"}, {"休闲食品", "饼干", "膨化食品"},
			{"洗护用品", "洗发水", "沐浴露"}, {"餐饮服务", "连锁餐饮", "火锅店"}, {"小家电", "电饭煲", "电热水壶"},
		},
		conducts: [][]string{
			{"擅自使用与他人有一定影响的%s包装装潢相近似的标识", "仿冒知名%s的包装装潢", "使用与有一定影响的%s近似的包装"},
			{"擅自使用他人有一定影响的企业名称经营%s", "在%s上突出使用他人字号", "以他人企业字号经营%s"},
			{"擅自使用他人有一定影响的商品名称销售%s", "将他人知名%s名称作为自己商品名称", "使用近似商品名称销售%s"},
			{"擅自使用他人有一定影响的域名主体部分推广%s", "注册近似域名宣传%s", "以近似网站名称推广%s"},
		},
		details: [][]string{
			{"足以引人误认为是他人商品", "消费者容易产生混淆", "使公众误认为与他人存在特定联系"},
			{"包装主色调及图案布局高度近似", "包装配色与整体设计基本一致", "装潢图案与他人包装相同"},
			{"在展销会上大量推广", "在多地招募经销商", "通过加盟方式扩张"},
			{"曾被权利人起诉并败诉", "此前已被法院判决停止侵权", "系再次实施混淆行为"},
			{"在短视频平台投放广告", "通过网络广告推广", "利用搜索引擎竞价推广"},
		},
		units: []string{"件", "箱", "瓶", "袋", "台"},
	},
}

// simChannels are where the conduct took place, each written several ways.
var simChannels = [][]string{
	{"在其经营的实体门店", "在其开设的门店内", "在其店铺中"},
	{"通过其在电商平台开设的网店", "在某电商平台经营的网络店铺", "通过淘宝网店"},
	{"通过直播带货", "利用网络直播间", "在短视频平台直播"},
	{"通过微信朋友圈", "利用微信群", "在社交软件上"},
	{"在小商品批发市场", "在其批发市场摊位", "在商贸城档口"},
	{"在行业展会上", "于展销会期间", "在博览会展位"},
	{"在其租用的仓库", "在城郊租赁的仓库内", "在其隐蔽仓库中"},
	{"通过跨境电商出口", "以一般贸易方式出口", "通过海关报关出口"},
}

// simPlace is a city with its province, agency and court.
type simPlace struct{ province, city, district string }

var simPlaces = []simPlace{
	{"浙江", "杭州", "余杭区"}, {"浙江", "宁波", "鄞州区"}, {"浙江", "义乌", "稠城街道"}, {"广东", "广州", "白云区"},
	{"广东", "深圳", "宝安区"}, {"广东", "东莞", "长安镇"}, {"江苏", "苏州", "吴中区"}, {"江苏", "南京", "江宁区"},
	{"上海", "上海", "浦东新区"}, {"北京", "北京", "朝阳区"}, {"福建", "泉州", "晋江市"}, {"山东", "临沂", "兰山区"},
	{"河南", "郑州", "金水区"}, {"四川", "成都", "武侯区"}, {"湖北", "武汉", "洪山区"}, {"河北", "石家庄", "裕华区"},
	{"安徽", "合肥", "蜀山区"}, {"湖南", "长沙", "岳麓区"}, {"重庆", "重庆", "渝北区"}, {"陕西", "西安", "雁塔区"},
}

var simBrands = strings.Fields(`飞跃 恒源 金鹿 华光 天成 瑞丰 九州 鸿运 锦程 宏达 新星 东方 长城 龙腾 海韵 凯旋 博雅 盛世
	嘉禾 永泰 青峰 云帆 润泽 星河 安泰 佳美 汇丰 德隆 卓越 兴华`)

// simSources are how a case came to light.
var simSources = []string{"根据权利人投诉", "根据群众举报", "在日常检查中", "根据上级机关转办线索", "根据电商平台移送线索", "在专项整治行动中"}

func (p simPlace) prov() string {
	switch p.province {
	case "北京", "上海", "重庆", "天津":
		return p.province + "市"
	}
	return p.province + "省"
}

func (p simPlace) agency() string {
	if p.province == p.city {
		return p.prov() + "市场监督管理局"
	}
	return p.prov() + p.city + "市市场监督管理局"
}

func (p simPlace) court() string {
	if p.province == p.city {
		return p.prov() + "第一中级人民法院"
	}
	return p.prov() + p.city + "市中级人民法院"
}

// simScenario is a fact pattern: indices into a family's vocabulary.
type simScenario struct {
	Family, Item, Conduct, Channel, Detail int
}

func (s simScenario) String() string {
	f := simFamilies[s.Family]
	return fmt.Sprintf("%s/%s/%s/%s/%s", f.key, f.items[s.Item][0], fmt.Sprintf(f.conducts[s.Conduct][0], f.items[s.Item][0]),
		simChannels[s.Channel][0], f.details[s.Detail][0])
}

// simMatter is one generated row of similar_matters.
type simMatter struct {
	ID                           uuid.UUID
	Kind, IPType, Law            string
	Number, Decider, Region      string
	DecidedOn                    time.Time
	Base, Amount                 int64 // fen
	Multiple                     int   // thousandths
	Share                        int   // thousandths; -1 none
	Intentional, Repeat, Serious bool
	Facts                        string
	Scenario                     simScenario
}

// simGen generates matters from a seed.
type simGen struct {
	r *rand.Rand
	// avoid: scenarios background matters must not have.
	avoid map[simScenario]bool
}

func newSimGen(seed uint64, avoid map[simScenario]bool) *simGen {
	return &simGen{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), avoid: avoid} //nolint:gosec // G404: benchmark data, not secrets
}

func (g *simGen) one(xs []string) string { return xs[g.r.IntN(len(xs))] }

// familyWeights: how often each family decides (trademark most).
var familyWeights = []int{55, 20, 10, 5, 5, 5}

// randomScenario draws a background scenario.
func (g *simGen) randomScenario() simScenario {
	for {
		n, f := g.r.IntN(100), 0
		for ; f < len(familyWeights)-1 && n >= familyWeights[f]; f++ {
			n -= familyWeights[f]
		}
		fam := simFamilies[f]
		s := simScenario{Family: f, Item: g.r.IntN(len(fam.items)), Conduct: g.r.IntN(len(fam.conducts)),
			Channel: g.r.IntN(len(simChannels)), Detail: g.r.IntN(len(fam.details))}
		if !g.avoid[s] {
			return s
		}
	}
}

// simID is the matter id of the i-th generated matter: stable across runs.
func simID(i int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "ipcase-simmeasure-%d", i))
}

// matter generates matter i of scenario s, a fine or an award (kind ""
// draws one), on a base near base (0 draws one).
func (g *simGen) matter(i int, s simScenario, kind string, base int64, law string) simMatter {
	r := g.r
	fam := simFamilies[s.Family]
	if kind == "" {
		kind = "FINE"
		if fam.damages != "" && r.IntN(10) < 3 {
			kind = "DAMAGES"
		}
	}
	old := law == "" && r.IntN(5) == 0
	m := simMatter{ID: simID(i), Kind: kind, Scenario: s, Share: -1}
	year := 2020 + r.IntN(6)
	if kind == "FINE" {
		m.IPType, m.Law = fam.fine, fam.fineLaw
		if old {
			m.Law, year = fam.fineOld, 2015+r.IntN(4)
		}
	} else {
		m.IPType, m.Law = fam.damages, fam.damagesLaw
		if old {
			m.Law, year = fam.damagesOld, 2015+r.IntN(4)
		}
	}
	if law != "" {
		m.Law = law
	}
	m.DecidedOn = time.Date(year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	if base == 0 {
		// log-uniform from 5,000 to 5,000,000 yuan
		base = int64(math.Exp(math.Log(500_000)+r.Float64()*math.Log(1000))) / 100 * 100
	} else {
		base = int64(float64(base)*math.Exp((r.Float64()*2-1)*math.Log(2))) / 100 * 100 // within a factor of 2
	}
	m.Base = base
	m.Intentional, m.Repeat, m.Serious = r.IntN(3) > 0, r.IntN(5) == 0, r.IntN(4) == 0
	pl := simPlaces[r.IntN(len(simPlaces))]
	m.Region = pl.province
	seq := 1 + r.IntN(9000)
	if kind == "FINE" {
		m.Decider = pl.agency()
		m.Number = fmt.Sprintf("%s市监罚〔%d〕%d号", string([]rune(pl.city)[:1]), year, seq)
		m.Multiple = 1000 + r.IntN(4000)
		m.Amount = m.Base * int64(m.Multiple) / 1000
		m.Share = m.Multiple / 5
	} else {
		m.Decider = pl.court()
		m.Number = fmt.Sprintf("（%d）%s知民初%d号", year, string([]rune(pl.province)[:1]), seq)
		if m.Intentional && m.Serious {
			m.Multiple = 1000 + r.IntN(4000)
		}
		m.Amount = m.Base * int64(1000+max(m.Multiple, 0)) / 1000
	}
	m.Facts = g.facts(s, pl, kind, m.Base, year)
	return m
}

// facts writes scenario s as a decision's statement of facts.
func (g *simGen) facts(s simScenario, pl simPlace, kind string, base int64, year int) string {
	r := g.r
	fam := simFamilies[s.Family]
	item := g.one(fam.items[s.Item])
	conduct := fmt.Sprintf(g.one(fam.conducts[s.Conduct]), item)
	channel := g.one(simChannels[s.Channel])
	detail := g.one(fam.details[s.Detail])
	brand := simBrands[r.IntN(len(simBrands))]
	qty := fmt.Sprintf("%d%s", 10+r.IntN(3000), fam.units[r.IntN(len(fam.units))])
	yuan := fmt.Sprintf("%.2f", float64(base)/100)
	place := pl.city + "市" + pl.district
	if pl.city == pl.province {
		place = pl.city + "市" + pl.district
	}
	month := 1 + r.IntN(12)
	var b strings.Builder
	if kind == "DAMAGES" {
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "原告%s公司诉称，被告%s%s，%s，请求判令停止侵权并赔偿经济损失。经审理查明：被告位于%s，自%d年%d月起%s%s，涉案%s共%s，%s。",
				brand, channel, conduct, detail, place, year-1, month, channel, conduct, item, qty, detail)
		case 1:
			fmt.Fprintf(&b, "本院认定：被告%s%s。%s。原告主张以被告侵权获利%s元为赔偿基数。被告辩称其不知情，本院不予采信。",
				channel, conduct, detail, yuan)
		default:
			fmt.Fprintf(&b, "经审理查明，%s某商贸有限公司%s%s，品牌标注为“%s”，%s，数量%s。原告因此遭受的损失难以确定，被告获利%s元。",
				pl.city, channel, conduct, brand, detail, qty, yuan)
		}
		return b.String()
	}
	switch r.IntN(4) {
	case 0:
		fmt.Fprintf(&b, "经查，当事人%s%s，%s。执法人员现场查获标有“%s”字样的%s%s，违法经营额%s元。",
			channel, conduct, detail, brand, item, qty, yuan)
	case 1:
		fmt.Fprintf(&b, "%d年%d月，本局%s，依法对当事人位于%s的经营场所进行检查。当事人%s%s。%s。涉案%s共计%s，货值%s元。",
			year, month, g.one(simSources), place, channel, conduct, detail, item, qty, yuan)
	case 2:
		fmt.Fprintf(&b, "当事人自%d年%d月起%s%s，%s。至案发，共经营%s%s，违法所得%s元。以上事实有现场笔录、询问笔录、进货单据等证据为证。",
			year-1, month, channel, conduct, detail, item, qty, yuan)
	default:
		fmt.Fprintf(&b, "%s，当事人%s%s（标注“%s”），%s。经营额%s元，本局认定其行为构成侵权。",
			g.one(simSources), channel, conduct, brand, detail, yuan)
	}
	return b.String()
}

// query writes scenario s as an officer or judge would summarise the
// matter at hand: short, in words of its own (templates the matters do
// not use).
func (g *simGen) query(s simScenario) string {
	fam := simFamilies[s.Family]
	item := g.one(fam.items[s.Item])
	conduct := fmt.Sprintf(g.one(fam.conducts[s.Conduct]), item)
	channel := g.one(simChannels[s.Channel])
	detail := g.one(fam.details[s.Detail])
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("涉嫌%s%s，%s", channel, conduct, detail)
	case 1:
		return fmt.Sprintf("%s：%s，%s", item, detail, channel+conduct)
	default:
		return fmt.Sprintf("举报称某经营者%s%s；初步核实%s", channel, conduct, detail)
	}
}
