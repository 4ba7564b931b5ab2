package publication

// Rule is one redaction or exclusion rule, with the article that makes it.
// Every change Redact makes to a document is counted under one of them.
type Rule struct {
	// ID names the rule in published output, e.g. "NAME".
	ID string
	// Article is the provision the rule applies.
	Article string
	// What says what the rule does to the text.
	What string
}

// SPC is the short form of the SPC provisions on publishing judgments on
// the internet; SAMR that of the SAMR provisions on the publicity of
// administrative penalty information.
const (
	SPC  = "最高人民法院关于人民法院在互联网公布裁判文书的规定（法释〔2016〕19号）"
	SAMR = "市场监督管理行政处罚信息公示规定（国家市场监督管理总局令第45号）"
)

// The redaction rules. The SPC provisions keep a natural-person party's
// name (Art. 11(1)) and reduce only those Art. 8 lists (family and
// inheritance cases, victims and witnesses, minors). ipcase reduces every
// natural person's name in what it publishes, legal representatives and
// lawyers excepted: SAMR Art. 6 requires the processing that personal
// information protection needs, and the reduction is the one Art. 9
// prescribes, so a name published this way is one a court could publish.
var (
	RuleName = Rule{"NAME", SPC + "第八条、第九条；" + SAMR + "第六条",
		"自然人姓名保留姓氏，名字以“某”替代；少数民族及外国人中文译名保留第一个字；英文姓名保留第一个字母；重复者在姓名后加阿拉伯数字区分"}
	RuleKeepOrganisation = Rule{"KEEP_ORGANISATION", SPC + "第十一条第（一）项",
		"法人及其他组织的名称、住所地、统一社会信用代码及法定代表人的姓名、职务予以保留"}
	RuleIDNumber = Rule{"ID_NUMBER", SPC + "第十条第一款第（一）项",
		"删除身份证号码（GB 11643，含 ISO 7064 MOD 11-2 校验码；含15位旧号码）"}
	RulePhone = Rule{"PHONE", SPC + "第十条第一款第（一）项",
		"删除通讯方式：手机号码、固定电话、电子邮箱"}
	RuleBankAccount = Rule{"BANK_ACCOUNT", SPC + "第十条第一款第（一）、（二）项",
		"删除自然人、法人及其他组织的银行账号：15位以上的数字串（银行卡号16至19位，校验位对错均删），及“账号”等字样后的账号"}
	RuleAddress = Rule{"HOME_ADDRESS", SPC + "第十条第一款第（一）项、第十一条第（一）项",
		"删除自然人的家庭住址，保留住所地所属县、区"}
	RulePlate = Rule{"PLATE", SPC + "第十条第一款第（一）、（二）项",
		"删除车牌号码"}
	RuleTradeSecret = Rule{"TRADE_SECRET", SPC + "第十条第一款第（三）项；" + SAMR + "第六条",
		"删除商业秘密的技术内容（秘密点、配方、工艺参数等）"}
	RuleMarker = Rule{"MARKER", SPC + "第十条第二款",
		"删除信息影响理解的，以“×”作部分替代"}
)

// Rules are the redaction rules, in the order Redact applies them.
var Rules = []Rule{RuleTradeSecret, RuleAddress, RuleName, RuleKeepOrganisation, RulePhone, RuleIDNumber, RuleBankAccount, RulePlate}

// Exclusion is a reason a document is not published at all; "" publishes.
type Exclusion string

// The exclusions. A court's document withheld under SPC Art. 4 still has
// its number, court, date and reason published (Art. 6); an agency's is
// not published at all.
const (
	// ExcludeStateSecret: SPC Art. 4(1); SAMR Art. 5.
	ExcludeStateSecret Exclusion = "STATE_SECRET"
	// ExcludeMinorCrime: SPC Art. 4(2), a crime committed by a minor.
	ExcludeMinorCrime Exclusion = "MINOR_CRIME"
	// ExcludeMediation: SPC Art. 4(3), a case concluded by mediation or a
	// ruling confirming a mediation agreement, unless publication is
	// necessary to protect the state's, the public's or others' interests.
	ExcludeMediation Exclusion = "MEDIATION"
	// ExcludeFamily: SPC Art. 4(4), divorce, or a minor child's support or
	// custody.
	ExcludeFamily Exclusion = "FAMILY"
	// ExcludeWarningOnly: SAMR Art. 2 ¶2, a penalty that is only a warning.
	ExcludeWarningOnly Exclusion = "WARNING_ONLY"
)

// exclusionArticles are the articles and the reasons published for a
// withheld court document (SPC Art. 6).
var exclusionArticles = map[Exclusion]string{
	ExcludeStateSecret: SPC + "第四条第（一）项：涉及国家秘密",
	ExcludeMinorCrime:  SPC + "第四条第（二）项：未成年人犯罪",
	ExcludeMediation:   SPC + "第四条第（三）项：以调解方式结案或者确认人民调解协议效力",
	ExcludeFamily:      SPC + "第四条第（四）项：离婚诉讼或者涉及未成年子女抚养、监护",
	ExcludeWarningOnly: SAMR + "第二条第二款：仅受到警告行政处罚的不予公示",
}

// Article is the article and reason of exclusion x.
func (x Exclusion) Article() string { return exclusionArticles[x] }
