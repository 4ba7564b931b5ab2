package similar

import (
	"fmt"
	"strconv"
	"strings"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
)

// Report is the similar-case retrieval report of q's matches, in the form
// the SPC guidance asks (《关于统一法律适用加强类案检索的指导意见（试行）》
// 2020): the search's platform, method and results (item 8: 检索主体、时间、
// 平台、方法、结果，类案裁判要点以及待决案件争议焦点), the cases with their
// relevance, and how they may be used (item 9: a guiding case is to be
// followed, other cases may be referred to; item 11: cases that disagree go
// to the mechanism for resolving divergent applications of law).
func Report(q Query, ms []Match, candidates int) *ipcasev1.SimilarCases {
	out := &ipcasev1.SimilarCases{Candidates: int32(min(candidates, 1<<30))} //nolint:gosec // G115: bounded by 1<<30
	var amounts, multiples, shares []float64
	for _, m := range ms {
		c := &ipcasev1.SimilarCase{Matter: "matters/" + m.MatterID, Number: m.Number, Decider: m.Decider, Region: m.Region,
			DecidedOn: m.DecidedOn.String(), Law: m.Law, AmountYuan: m.Amount.String(), Intentional: m.Intentional,
			Repeat: m.Repeat, Serious: m.Serious, Relevance: int32(min(max(m.Relevance, 0), 100)), Reason: m.Reason, Facts: m.Facts}
		if m.Base > 0 {
			c.BaseYuan = m.Base.String()
		}
		if m.Multiple > 0 {
			c.Multiple = strconv.FormatFloat(float64(m.Multiple)/1000, 'f', 3, 64)
			multiples = append(multiples, float64(m.Multiple)/1000)
		}
		if m.Share >= 0 {
			c.RangeShare = strconv.FormatFloat(float64(m.Share)/1000, 'f', 2, 64)
			shares = append(shares, float64(m.Share)/1000)
		}
		amounts = append(amounts, float64(m.Amount))
		out.Cases = append(out.Cases, c)
	}
	out.AmountYuan = spread(amounts, func(x float64) string { return damages.Fen(x + 0.5).String() })
	out.Multiple = spread(multiples, func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) })
	out.RangeShare = spread(shares, func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) })
	out.Report = reportText(q, ms, candidates)
	return out
}

func spread(xs []float64, format func(float64) string) *ipcasev1.Spread {
	q1, med, q3, ok := Quartiles(xs)
	if !ok {
		return &ipcasev1.Spread{}
	}
	return &ipcasev1.Spread{Q1: format(q1), Median: format(med), Q3: format(q3)}
}

// reportText is the retrieval report (SPC guidance 2020, item 8).
func reportText(q Query, ms []Match, candidates int) string {
	var b strings.Builder
	b.WriteString("类案检索报告（《最高人民法院关于统一法律适用加强类案检索的指导意见（试行）》第八条）\n")
	fmt.Fprintf(&b, "检索平台：ipcase 已决案件库；检索方法：关键词（案情事实三字组相似度）与法律关联（同一权利类型、同一法律版本")
	if q.Base > 0 {
		fmt.Fprintf(&b, "、计算基数在本案%s元的1/%.4g至%.4g倍之间", q.Base.String(), q.Factor, q.Factor)
	}
	fmt.Fprintf(&b, "）\n检索范围：%s，%s；符合条件%d件，列出%d件\n", q.IPType, q.Law, candidates, len(ms))
	for i, m := range ms {
		fmt.Fprintf(&b, "%d. %s %s（%s）相关度%d：%s\n", i+1, m.Number, m.Decider, m.DecidedOn.String(), m.Relevance, m.Reason)
	}
	b.WriteString("运用：检索到的类案为指导性案例的应当参照，其他类案可以作为参考（第九条）；类案之间法律适用不一致的，通过法律适用分歧解决机制解决（第十一条）。")
	return b.String()
}
