package gateway

import (
	"regexp"
	"strings"
)

// A deadline's rule comes from ipcased in English, as internal/deadline
// writes it: "90 calendar days (Administrative Penalty Law Art. 60; SAMR
// Administrative Penalty Procedure Rules Art. 64 ¶1)". The Chinese page
// reads it as 90 日（《行政处罚法》第60条；《市场监督管理行政处罚程序规定》第64条第1款）.

var (
	rulePattern    = regexp.MustCompile(`^(\d+) (calendar days?|working days?|months?|years?)(?: \((.+)\))?$`)
	articlePattern = regexp.MustCompile(`^(\d+)(?:\((\d+)\))?(?: ¶(\d+))?$`)
)

// zhUnits are the units of a period in Chinese.
var zhUnits = map[string]string{"calendar day": "日", "working day": "个工作日", "month": "个月", "year": "年"}

// zhStatutes are the statutes the deadline rules cite, by the names
// internal/deadline uses, longest first where one name starts another.
var zhStatutes = []struct{ en, zh string }{
	{"SPC Interpretation on the Application of the CPL (2022)", "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》（2022年）"},
	{"SAMR Administrative Penalty Procedure Rules", "《市场监督管理行政处罚程序规定》"},
	{"SAMR Hearing Measures", "《市场监督管理行政处罚听证办法》"},
	{"Regulations on Customs Protection of IPR", "《知识产权海关保护条例》"},
	{"GAC Implementing Measures", "《海关关于〈中华人民共和国知识产权海关保护条例〉的实施办法》"},
	{"State Council Provisions on Transferring Suspected Crimes", "《行政执法机关移送涉嫌犯罪案件的规定》"},
	{"Administrative Penalty Law", "《行政处罚法》"},
	{"Administrative Litigation Law", "《行政诉讼法》"},
	{"Criminal Procedure Law", "《刑事诉讼法》"},
	{"Civil Procedure Law", "《民事诉讼法》"},
	{"People's Mediation Law", "《人民调解法》"},
	{"Civil Code", "《民法典》"},
	{"Trademark Law", "《商标法》"},
	{"Patent Law", "《专利法》"},
	{"Copyright Law", "《著作权法》"},
	{"CPL", "《民事诉讼法》"},
}

// zhNotes are the remarks a citation may end with.
var zhNotes = map[string]string{
	"length set by the court":    "期间由法院确定",
	"length set by the mediator": "期间由调解员确定",
	"time not counted":           "期间不计入",
}

// zhItems are item numbers, （一） to （十）.
var zhItems = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// ruleText is a deadline's rule in lang: as written in English; in
// Chinese, translated, or "" when it cites what this file does not know
// (the page then shows the deadline without its rule, never in English).
func ruleText(lang, rule string) string {
	if lang != langZH {
		return rule
	}
	zh, ok := zhRule(rule)
	if !ok {
		return ""
	}
	return zh
}

// zhRule translates rule into Chinese.
func zhRule(rule string) (string, bool) {
	m := rulePattern.FindStringSubmatch(strings.TrimSpace(rule))
	if m == nil {
		return "", false
	}
	unit := zhUnits[strings.TrimSuffix(m[2], "s")]
	out := m[1] + " " + unit
	if m[3] == "" {
		return out, true
	}
	var cites []string
	for _, part := range strings.Split(m[3], "; ") {
		c, ok := zhCitation(part)
		if !ok {
			return "", false
		}
		cites = append(cites, c)
	}
	return out + "（" + strings.Join(cites, "；") + "）", true
}

// zhCitation translates one citation: "CPL Art. 171 ¶2" → 《民事诉讼法》第171条第2款;
// "Administrative Penalty Law Arts. 62, 64(1)" → 《行政处罚法》第62条、第64条第（一）项.
func zhCitation(c string) (string, bool) {
	note := ""
	if i := strings.LastIndex(c, " ("); i >= 0 && strings.HasSuffix(c, ")") {
		n, known := zhNotes[c[i+2:len(c)-1]]
		if !known {
			return "", false
		}
		c, note = c[:i], "（"+n+"）"
	}
	for _, s := range zhStatutes {
		rest, ok := strings.CutPrefix(c, s.en+" ")
		if !ok {
			continue
		}
		rest, ok = strings.CutPrefix(rest, "Arts. ")
		if !ok {
			if rest, ok = strings.CutPrefix(rest, "Art. "); !ok {
				return "", false
			}
		}
		var arts []string
		for _, a := range strings.Split(rest, ", ") {
			m := articlePattern.FindStringSubmatch(a)
			if m == nil {
				return "", false
			}
			t := "第" + m[1] + "条"
			if m[3] != "" {
				t += "第" + m[3] + "款"
			}
			if m[2] != "" {
				i := int(m[2][0] - '0')
				if len(m[2]) > 1 || i < 1 || i >= len(zhItems) {
					return "", false
				}
				t += "第（" + zhItems[i] + "）项"
			}
			arts = append(arts, t)
		}
		return s.zh + strings.Join(arts, "、") + note, true
	}
	return "", false
}
