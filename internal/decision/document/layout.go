package document

import (
	"fmt"
	"strings"

	"github.com/ipcase/ipcase/internal/decision/signing"
)

// layout is a document's title, body and seal line.
type layout struct {
	title  string
	blocks []block
	seal   string
}

func layoutOf(d *signing.Document, zero rune) (layout, error) {
	switch d.Kind {
	case signing.PenaltyDecision:
		return penalty(d), nil
	case signing.Judgment:
		return judgment(d), nil
	case signing.EffectiveJudgment:
		return effective(d, zero), nil
	case signing.ConfirmationRuling:
		return confirmation(d), nil
	case signing.TransferToCourt, signing.TransferToPolice:
		return transfer(d), nil
	}
	return layout{}, fmt.Errorf("%w: %q", errKind, d.Kind)
}

// parties returns the parties of role, in the document's order.
func parties(d *signing.Document, role string) []signing.Party {
	var out []signing.Party
	for _, p := range d.Parties {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out
}

func names(ps []signing.Party) string {
	ns := make([]string, len(ps))
	for i, p := range ps {
		ns[i] = p.Name
	}
	return strings.Join(ns, "、")
}

// partyLines are the lines naming each party: 原告：甲公司，统一社会信用代码…。
func partyLines(label string, ps []signing.Party) []block {
	var out []block
	for _, p := range ps {
		s := label + "：" + p.Name
		if p.CreditCode != "" {
			s += "，统一社会信用代码：" + p.CreditCode
		}
		out = append(out, block{text: s + "。"})
	}
	return out
}

func yuan(amount string) string { return "人民币" + amount + "元" }

// none reports whether an amount is absent or nothing.
func none(amount string) bool {
	return strings.Trim(strings.ReplaceAll(amount, ".", ""), "0") == ""
}

var ordinals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func numbered(items []string) []block {
	out := make([]block, len(items))
	for i, it := range items {
		n := fmt.Sprint(i + 1)
		if i < len(ordinals) {
			n = ordinals[i]
		}
		out[i] = block{text: n + "、" + it, indent: true}
	}
	return out
}

// penalty is a 行政处罚决定书 (Administrative Penalty Law Art. 59: the
// party, the facts and evidence, the penalty and its basis, how and by
// when to perform it, the ways and periods of review and litigation, the
// issuing authority and date, under its seal).
func penalty(d *signing.Document) layout {
	respondents := parties(d, "RESPONDENT")
	l := layout{title: "行政处罚决定书", seal: "（印章）"}
	l.blocks = append(l.blocks, partyLines("当事人", respondents)...)
	l.blocks[len(l.blocks)-1].gap = 3
	l.blocks = append(l.blocks,
		block{text: fmt.Sprintf("本机关依法对当事人%s涉嫌侵犯知识产权一案（案卷 %s）立案调查，现已调查终结。"+
			"当事人的违法事实、认定违法事实的证据及当事人陈述、申辩的采纳情况，载于本案案卷。", names(respondents), d.Matter), indent: true},
		block{text: fmt.Sprintf("本机关认为，当事人的行为构成侵犯知识产权的违法行为。依据%s的规定，本机关决定对当事人作出如下行政处罚：",
			nonEmpty(d.Law, "有关法律")), indent: true})
	var items []string
	if !none(d.Fine) {
		items = append(items, "罚款"+yuan(d.Fine)+"；")
	}
	if d.Confiscation != "" && !none(d.Confiscation) {
		items = append(items, "没收违法所得"+yuan(d.Confiscation)+"；")
	}
	if len(d.Destruction) > 0 {
		items = append(items, "没收、销毁侵权商品和主要用于制造侵权商品的工具："+strings.Join(d.Destruction, "、")+"；")
	}
	if len(items) == 0 {
		items = append(items, "责令立即停止侵权行为；")
	}
	last := items[len(items)-1]
	items[len(items)-1] = strings.TrimSuffix(last, "；") + "。"
	l.blocks = append(l.blocks, numbered(items)...)
	if !none(d.Fine) {
		l.blocks = append(l.blocks, block{text: "当事人应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款" +
			"（《中华人民共和国行政处罚法》第六十七条第三款）。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额" +
			"（《中华人民共和国行政处罚法》第七十二条第一款第一项）。", indent: true})
	}
	l.blocks = append(l.blocks, block{text: "当事人对本决定不服的，可以在收到本决定书之日起六十日内依法申请行政复议" +
		"（《中华人民共和国行政复议法》第二十条），也可以在知道或者应当知道本决定之日起六个月内依法向人民法院提起行政诉讼" +
		"（《中华人民共和国行政诉讼法》第四十六条）。申请行政复议或者提起行政诉讼期间，本决定不停止执行" +
		"（《中华人民共和国行政处罚法》第七十三条）。", indent: true})
	return l
}

// judgment is a 民事判决书 or, for a ruling, a 民事裁定书 (CPL Art. 155:
// the claims and the dispute, the facts and reasons found, the result and
// the costs, the period and court of appeal).
func judgment(d *signing.Document) layout {
	plaintiffs, defendants := parties(d, "COMPLAINANT"), parties(d, "RESPONDENT")
	final := strings.Contains(d.Number, "终") // a second-instance case number (民终)
	word, title := "判决", "民事判决书"
	if d.Ruling {
		word, title = "裁定", "民事裁定书"
	}
	l := layout{title: title, seal: "（院印）"}
	pl, dl := "原告", "被告"
	if final {
		pl, dl = "上诉人（原审原告）", "被上诉人（原审被告）"
	}
	l.blocks = append(l.blocks, partyLines(pl, plaintiffs)...)
	l.blocks = append(l.blocks, partyLines(dl, defendants)...)
	l.blocks[len(l.blocks)-1].gap = 3
	l.blocks = append(l.blocks, block{text: fmt.Sprintf("%s与%s侵害知识产权纠纷一案，本院依法审理，现已审理终结。"+
		"当事人的诉讼请求、争议的事实和理由以及本院认定的事实和证据，载于本案案卷（%s）。", names(plaintiffs), names(defendants), d.Matter), indent: true})
	found := d.InfringementFound != nil && *d.InfringementFound
	if found {
		l.blocks = append(l.blocks, block{text: fmt.Sprintf("本院认为，%s的行为侵害了%s的知识产权，应当承担停止侵害、赔偿损失等民事责任。%s如下：",
			names(defendants), names(plaintiffs), word), indent: true})
		var items []string
		if d.Injunction != "" {
			items = append(items, fmt.Sprintf("%s于本%s生效之日起立即停止侵害行为：%s；", names(defendants), word, d.Injunction))
		}
		if !none(d.Damages) {
			items = append(items, fmt.Sprintf("%s于本%s生效之日起十日内赔偿%s经济损失及为制止侵权行为所支付的合理开支共计%s；",
				names(defendants), word, names(plaintiffs), yuan(d.Damages)))
		}
		if len(items) == 0 {
			items = append(items, names(defendants)+"立即停止侵害行为；")
		}
		items[len(items)-1] = strings.TrimSuffix(items[len(items)-1], "；") + "。"
		l.blocks = append(l.blocks, numbered(items)...)
	} else {
		l.blocks = append(l.blocks,
			block{text: fmt.Sprintf("本院认为，现有证据不足以证明%s的行为侵害了%s的知识产权。%s如下：", names(defendants), names(plaintiffs), word), indent: true},
			block{text: "驳回" + names(plaintiffs) + "的全部诉讼请求。", indent: true})
	}
	if !none(d.Costs) {
		// 诉讼费用交纳办法 Art. 29 ¶1: the losing party bears the costs.
		payer := names(defendants)
		if !found {
			payer = names(plaintiffs)
		}
		l.blocks = append(l.blocks, block{text: fmt.Sprintf("案件受理费%s，由%s负担（《诉讼费用交纳办法》第二十九条第一款）。", yuan(d.Costs), payer), indent: true})
	}
	if final {
		// CPL Art. 182: the second-instance judgment or ruling is final.
		l.blocks = append(l.blocks, block{text: "本" + word + "为终审" + word + "（《中华人民共和国民事诉讼法》第一百八十二条）。", indent: true})
	} else {
		days, art := "十五", "第一百七十一条第一款"
		if d.Ruling {
			days, art = "十", "第一百七十一条第二款"
		}
		l.blocks = append(l.blocks, block{text: fmt.Sprintf("如不服本%s，可以在%s书送达之日起%s日内，向本院递交上诉状，并按照对方当事人的人数提出副本，"+
			"上诉于上一级人民法院（《中华人民共和国民事诉讼法》%s）；在中华人民共和国领域内没有住所的当事人，上诉期限为三十日（同法第二百八十六条）。",
			word, word, days, art), indent: true})
	}
	return l
}

// effective is the 生效证明书 that a judgment took effect (CPL Art. 158;
// Art. 182 for a second-instance judgment).
func effective(d *signing.Document, zero rune) layout {
	word := "判决书"
	if d.Ruling {
		word = "裁定书"
	}
	l := layout{title: "生效证明书", seal: "（院印）"}
	l.blocks = append(l.blocks, partyLines("当事人", d.Parties)...)
	l.blocks[len(l.blocks)-1].gap = 3
	on := "已发生法律效力"
	if d.EffectiveOn != nil {
		on = "已于" + chineseDate(d.EffectiveOn.Year, int(d.EffectiveOn.Month), d.EffectiveOn.Day, zero) + "发生法律效力"
	}
	l.blocks = append(l.blocks, block{text: fmt.Sprintf("本院%s作出的%s民事%s，%s（《中华人民共和国民事诉讼法》第一百五十八条）。特此证明。",
		chineseDate(d.DecidedOn.Year, int(d.DecidedOn.Month), d.DecidedOn.Day, zero), d.Number, word, on), indent: true})
	if !none(d.Damages) && d.InfringementFound != nil && *d.InfringementFound {
		l.blocks = append(l.blocks, block{text: fmt.Sprintf("该%s确定的赔偿数额为%s。义务人拒绝履行的，权利人可以向人民法院申请执行。", word, yuan(d.Damages)), indent: true})
	}
	return l
}

// confirmation is the 民事裁定书 confirming a mediation agreement (CPL
// Arts. 205–206).
func confirmation(d *signing.Document) layout {
	l := layout{title: "民事裁定书", seal: "（院印）"}
	l.blocks = append(l.blocks, partyLines("申请人", d.Parties)...)
	l.blocks[len(l.blocks)-1].gap = 3
	l.blocks = append(l.blocks,
		block{text: fmt.Sprintf("申请人%s共同申请司法确认调解协议一案（案卷 %s），本院受理后依法进行了审查（《中华人民共和国民事诉讼法》第二百零五条）。",
			names(d.Parties), d.Matter), indent: true})
	if d.Reason != "" {
		l.blocks = append(l.blocks, block{text: "审查情况：" + d.Reason, indent: true})
	}
	l.blocks = append(l.blocks,
		block{text: "本院认为，申请人达成的调解协议符合司法确认的条件。依照《中华人民共和国民事诉讼法》第二百零六条的规定，裁定如下：", indent: true},
		block{text: "申请人" + names(d.Parties) + "达成的调解协议有效。", indent: true},
		block{text: "当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行" +
			"（《中华人民共和国民事诉讼法》第二百零六条）。本裁定书自即日起发生法律效力。", indent: true})
	return l
}

// transfer is an agency's 案件移送书 (Administrative Penalty Law Art. 27).
func transfer(d *signing.Document) layout {
	l := layout{title: "案件移送书", seal: "（印章）"}
	recipient := nonEmpty(d.Recipient, "有关机关")
	l.blocks = append(l.blocks, block{text: recipient + "：", gap: 2})
	what := "涉嫌犯罪"
	if d.Kind == signing.TransferToCourt {
		what = "依法应由人民法院处理"
	}
	l.blocks = append(l.blocks, block{text: fmt.Sprintf("本机关在查处%s涉嫌侵犯知识产权一案（案卷 %s）中发现，该案%s，"+
		"依照《中华人民共和国行政处罚法》第二十七条第一款的规定，现将该案移送你单位依法处理。", names(parties(d, "RESPONDENT")), d.Matter, what), indent: true})
	if d.Reason != "" {
		l.blocks = append(l.blocks, block{text: "移送理由：" + d.Reason, indent: true})
	}
	l.blocks = append(l.blocks, block{text: "案件材料随附。请在收到本移送书后书面告知处理结果。", indent: true})
	return l
}

func nonEmpty(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
