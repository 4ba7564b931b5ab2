package similar

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
)

// The report follows the SPC's 《关于统一法律适用加强类案检索的指导意见
// （试行）》 (2020-07-27, in trial use from 2020-07-31), "the guidance":
//   - item 2: the four situations in which a court must search (Reason);
//   - items 3 and 5: the platform and the methods (keyword search, search
//     by the article applied, search by related case);
//   - item 4: the scope (guiding cases, SPC typical cases, the provincial
//     high court's reference cases, the superior and the same court's
//     effective cases), the last three years first except guiding cases;
//   - item 8: the report states who searched, when, on what platform, by
//     which method, the results, the rulings' key points and the points in
//     dispute, and analyses whether each case was followed or referred to;
//   - item 9: a guiding case is to be followed (应当参照), any other case
//     may be referred to (可以作为参考);
//   - item 11: cases that apply the law differently go to the mechanism for
//     resolving divergent applications of law.

// Retrieval is what the report says beyond the matches: why the search was
// made (item 2), who made it and when (item 8), the points in dispute
// (item 8) and how the decider used the cases (items 8, 9).
type Retrieval struct {
	Reason     ipcasev1.SimilarCasesReason
	ReasonNote string
	Issues     string
	Uses       []*ipcasev1.SimilarCaseUse
	By         string
	At         time.Time
}

// reasons are item 2's four situations, as the report names them.
var reasons = map[ipcasev1.SimilarCasesReason]string{
	ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_COMMITTEE:         "拟提交专业（主审）法官会议或者审判委员会讨论（第二条第（一）项）",
	ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_NO_UNIFORM_RULE:   "缺乏明确裁判规则或者尚未形成统一裁判规则（第二条第（二）项）",
	ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_PRESIDENT_ORDERED: "院长、庭长根据审判监督管理权限要求进行类案检索（第二条第（三）项）",
	ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_OTHER:             "其他需要进行类案检索的情形（第二条第（四）项）",
}

// usages name the decider's stated use of a case in the report.
var usages = map[ipcasev1.SimilarCaseUsage]string{
	ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_FOLLOWED: "参照",
	ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED: "参考",
	ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_NOT_USED: "未采用",
}

const (
	maxReasonNote = 500
	maxIssues     = 1000
	maxUseNote    = 500
)

// retrieval reads the report's part of the query p: a bad field is an
// errs.InvalidArgument naming it under "similar.". The searcher is the
// caller of ctx; at is when the search is made.
func retrieval(ctx context.Context, p *ipcasev1.SimilarCasesQuery, at time.Time) (Retrieval, error) {
	r := Retrieval{Reason: p.GetReason(), ReasonNote: strings.TrimSpace(p.GetReasonNote()), Issues: strings.TrimSpace(p.GetIssues()),
		Uses: p.GetUses(), By: searcher(ctx), At: at}
	var fe errs.FieldErrors
	if _, ok := reasons[r.Reason]; !ok && r.Reason != ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_UNSPECIFIED {
		fe.Add("similar.reason", "is %d, not a situation of item 2 of the SPC guidance on similar-case retrieval (2020)", int32(r.Reason))
	}
	switch {
	case utf8.RuneCountInString(r.ReasonNote) > maxReasonNote:
		fe.Add("similar.reason_note", "is longer than %d characters", maxReasonNote)
	case r.Reason == ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_OTHER && r.ReasonNote == "":
		fe.Add("similar.reason_note", "is empty: with SIMILAR_CASES_REASON_OTHER (item 2(4)) say what makes the search needed")
	}
	if utf8.RuneCountInString(r.Issues) > maxIssues {
		fe.Add("similar.issues", "is longer than %d characters", maxIssues)
	}
	seen := map[string]bool{}
	for i, u := range r.Uses {
		f := fmt.Sprintf("similar.uses[%d]", i)
		switch m := u.GetMatter(); {
		case !strings.HasPrefix(m, "matters/") || len(m) == len("matters/"):
			fe.Add(f+".matter", "is %q: name a matter the search returns, matters/{id}", m)
		case seen[m]:
			fe.Add(f+".matter", "%s is named twice", m)
		default:
			seen[m] = true
		}
		switch u.GetUsage() {
		case ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED:
		case ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_NOT_USED:
			if strings.TrimSpace(u.GetNote()) == "" {
				fe.Add(f+".note", "is empty: say why the case was not used (how it differs; item 8 asks for the analysis)")
			}
		case ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_FOLLOWED:
			fe.Add(f+".usage", "is FOLLOWED, which the SPC guidance (2020) item 9 keeps for guiding cases; the matters ipcase keeps are "+
				"other decided cases, which may be REFERRED to")
		case ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_UNSPECIFIED:
			fe.Add(f+".usage", "is not set: REFERRED or NOT_USED")
		default:
			fe.Add(f+".usage", "is %d, not a usage", int32(u.GetUsage()))
		}
		if utf8.RuneCountInString(u.GetNote()) > maxUseNote {
			fe.Add(f+".note", "is longer than %d characters", maxUseNote)
		}
	}
	return r, fe.Err()
}

// searcher names the caller of ctx as the report's 检索主体: the agency or
// court and the subject.
func searcher(ctx context.Context) string {
	p, ok := auth.FromContext(ctx)
	switch {
	case !ok:
		return "未认证的调用方"
	case p.Org() == "":
		return p.Subject
	case p.Subject == "" || p.Subject == p.Org():
		return p.Org()
	}
	return p.Org() + "（" + p.Subject + "）"
}

// Report is the similar-case retrieval report of q's matches, made as r
// says, in the form of the guidance's item 8 (see the top of this file).
// A use naming a matter that is not among ms is an errs.InvalidArgument
// naming similar.uses[i].matter. candidates is the band's count as Store.Find returns it: above countCap,
// more than countCap matters shared the band.
func Report(q Query, r Retrieval, ms []Match, candidates int) (*ipcasev1.SimilarCases, error) {
	more := candidates > countCap
	candidates = min(candidates, countCap)
	out := &ipcasev1.SimilarCases{Candidates: int32(candidates), MoreCandidates: more, //nolint:gosec // G115: at most countCap
		Reason: r.Reason, SearchedBy: r.By, SearchedAt: r.At.In(civil.China).Format(time.RFC3339), Method: method(q)}
	used := map[string]*ipcasev1.SimilarCaseUse{}
	for _, u := range r.Uses {
		used[u.GetMatter()] = u
	}
	var amounts, multiples, shares []float64
	for _, m := range ms {
		c := &ipcasev1.SimilarCase{Matter: "matters/" + m.MatterID, Number: m.Number, Decider: m.Decider, Region: m.Region,
			DecidedOn: m.DecidedOn.String(), Law: m.Law, AmountYuan: m.Amount.String(), Intentional: m.Intentional,
			Repeat: m.Repeat, Serious: m.Serious, Relevance: int32(min(max(m.Relevance, 0), 100)), Reason: m.Reason, Facts: m.Facts,
			Outcome: outcome(m), Effect: ipcasev1.SimilarCaseEffect_SIMILAR_CASE_EFFECT_REFER}
		if m.Base > 0 {
			c.BaseYuan = m.Base.String()
		}
		// Multiples and shares are kept in thousandths, so that their
		// quartiles (halves and quarters of a thousandth) round half up,
		// not by the binary fraction nearest a decimal one.
		if m.Multiple > 0 {
			c.Multiple = thousandthsText(float64(m.Multiple), 3)
			multiples = append(multiples, float64(m.Multiple))
		}
		if m.Share >= 0 {
			c.RangeShare = thousandthsText(float64(m.Share), 2)
			shares = append(shares, float64(m.Share))
		}
		if u, ok := used[c.Matter]; ok {
			c.Usage, c.UsageNote = u.GetUsage(), strings.TrimSpace(u.GetNote())
			delete(used, c.Matter)
		}
		amounts = append(amounts, float64(m.Amount))
		out.Cases = append(out.Cases, c)
	}
	var fe errs.FieldErrors
	for i, u := range r.Uses {
		if _, ok := used[u.GetMatter()]; ok {
			fe.Add(fmt.Sprintf("similar.uses[%d].matter", i), "%s is not among the %d cases this search returns", u.GetMatter(), len(ms))
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	out.AmountYuan = spread(amounts, func(x float64) string { return damages.Fen(x + 0.5).String() })
	out.Multiple = spread(multiples, func(x float64) string { return thousandthsText(x, 3) })
	out.RangeShare = spread(shares, func(x float64) string { return thousandthsText(x, 2) })
	out.Divergence = divergence(q.Kind, shares, multiples)
	out.Report = reportText(q, r, out, candidates)
	return out, nil
}

// thousandthsText writes x thousandths as a decimal with digits (2 or 3)
// places, rounded half up: 495 → "0.50" (2), 2062.5 → "2.063" (3).
func thousandthsText(x float64, digits int) string {
	scale := 1.0 // thousandths per unit of the last place
	if digits == 2 {
		scale = 10
	}
	return strconv.FormatFloat(math.Floor(x/scale+0.5)*scale/1000, 'f', digits, 64)
}

func spread(xs []float64, format func(float64) string) *ipcasev1.Spread {
	q1, med, q3, ok := Quartiles(xs)
	if !ok {
		return &ipcasev1.Spread{}
	}
	return &ipcasev1.Spread{Q1: format(q1), Median: format(med), Q3: format(q3)}
}

// outcome is a case's result in one line, the report's 类案裁判要点 as far
// as ipcase records it: the amount, where a fine lies in its range, and
// the multiple.
func outcome(m Match) string {
	var b strings.Builder
	if m.Kind == Fine {
		fmt.Fprintf(&b, "罚款%s元", m.Amount.String())
		if m.Share >= 0 {
			fmt.Fprintf(&b, "，位于法定幅度%s%%处", percent(float64(m.Share)))
		}
		if m.Multiple > 0 {
			fmt.Fprintf(&b, "，为基数的%s倍", strconv.FormatFloat(float64(m.Multiple)/1000, 'f', -1, 64))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "判赔%s元", m.Amount.String())
	if m.Multiple > 0 {
		fmt.Fprintf(&b, "，惩罚性赔偿%s倍", strconv.FormatFloat(float64(m.Multiple)/1000, 'f', -1, 64))
	}
	return b.String()
}

// method is the search's platform, method and scope (items 3 to 5).
func method(q Query) string {
	var b strings.Builder
	b.WriteString("平台：ipcase 已决案件库（第三条）；方法：关键词检索（案情事实二字组全文检索相近度）与法条关联检索（同一权利类型、同一法律版本")
	if q.Base > 0 {
		fmt.Fprintf(&b, "、计算基数在本案%s元的1/%s至%s倍之间", q.Base.String(), factor(q.Factor), factor(q.Factor))
	}
	fmt.Fprintf(&b, "）（第五条）；范围：本系统已生效的%s，%s，%s", kindName(q.Kind), q.IPType, q.Law)
	b.WriteString("，不含指导性案例、典型案例和参考性案例（第四条第一款第（一）至（三）项须另行检索）")
	return b.String()
}

// factor prints the base factor as given ("3", "2.5"); 1.0001, the
// stand-in for 1, prints as 1.
func factor(f float64) string {
	if f < 1.001 {
		return "1"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func kindName(k Kind) string {
	if k == Fine {
		return "行政处罚决定"
	}
	return "判决"
}

// Divergence thresholds: fines whose places in their ranges lie half the
// range apart, or multiples one of which is twice another. Outcomes that
// far apart, on comparable facts and the same law, are the kind of
// disagreement item 11 sends to the divergence mechanism; whether the law
// was in fact applied differently is for the decider to judge, so the note
// says what was seen and what item 11 provides.
const (
	divergentShare    = 0.5
	divergentMultiple = 2.0
)

// divergence is the note on the outcomes' disagreement, "" when none is
// seen or fewer than two outcomes can be compared. Shares and multiples
// are in thousandths.
func divergence(k Kind, shares, multiples []float64) string {
	const rule = "如属法律适用不一致，可以综合法院层级、裁判时间、是否经审判委员会讨论等因素，通过法律适用分歧解决机制予以解决（第十一条）"
	if k == Fine && len(shares) >= 2 {
		lo, hi := minMax(shares)
		if hi-lo >= divergentShare*1000 {
			return fmt.Sprintf("类案罚款在法定幅度中的位置自%s%%至%s%%，相差过半；%s", percent(lo), percent(hi), rule)
		}
	}
	if len(multiples) >= 2 {
		lo, hi := minMax(multiples)
		if lo > 0 && hi/lo >= divergentMultiple {
			what := "惩罚性赔偿倍数"
			if k == Fine {
				what = "罚款与基数之比"
			}
			return fmt.Sprintf("类案%s自%s至%s，相差一倍以上；%s", what,
				strconv.FormatFloat(lo/1000, 'f', -1, 64), strconv.FormatFloat(hi/1000, 'f', -1, 64), rule)
		}
	}
	return ""
}

// percent writes x thousandths as a whole percentage, rounded half up.
func percent(x float64) string { return strconv.FormatFloat(math.Floor(x/10+0.5), 'f', 0, 64) }

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = xs[0], xs[0]
	for _, x := range xs[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// reportText is the report itself (item 8), one item a line.
func reportText(q Query, r Retrieval, out *ipcasev1.SimilarCases, candidates int) string {
	var b strings.Builder
	b.WriteString("类案检索报告（《最高人民法院关于统一法律适用加强类案检索的指导意见（试行）》第八条）\n")
	switch why, ok := reasons[r.Reason]; {
	case ok && r.ReasonNote != "":
		fmt.Fprintf(&b, "检索原因：%s：%s\n", why, r.ReasonNote)
	case ok:
		fmt.Fprintf(&b, "检索原因：%s\n", why)
	case q.Kind == Fine:
		b.WriteString("检索原因：未说明（行政处罚裁量的参考检索，不属第二条规定的人民法院应当检索的情形）\n")
	default:
		b.WriteString("检索原因：未说明（第二条）\n")
	}
	fmt.Fprintf(&b, "检索主体：%s\n", r.By)
	fmt.Fprintf(&b, "检索时间：%s（北京时间）\n", r.At.In(civil.China).Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "检索%s\n", out.GetMethod())
	if r.Issues != "" {
		fmt.Fprintf(&b, "待决案件争议焦点：%s\n", r.Issues)
	}
	since := civil.Today(r.At.AddDate(-3, 0, 0))
	recent := 0
	for _, c := range out.GetCases() {
		if c.GetDecidedOn() >= since.String() {
			recent++
		}
	}
	count := fmt.Sprintf("%d件", candidates)
	if out.GetMoreCandidates() {
		count = fmt.Sprintf("超过%d件", candidates)
	}
	fmt.Fprintf(&b, "检索结果：符合条件%s，列出%d件，其中%s以后作出的%d件（第四条第二款：优先近三年）\n", count, len(out.GetCases()), since, recent)
	for i, c := range out.GetCases() {
		fmt.Fprintf(&b, "%d. %s %s（%s）相关度%d：%s；裁判要点：%s；可以作为参考（第九条）", i+1, c.GetNumber(), c.GetDecider(),
			c.GetDecidedOn(), c.GetRelevance(), c.GetReason(), c.GetOutcome())
		if u, ok := usages[c.GetUsage()]; ok {
			fmt.Fprintf(&b, "；运用：%s", u)
			if c.GetUsageNote() != "" {
				fmt.Fprintf(&b, "，%s", c.GetUsageNote())
			}
		}
		b.WriteString("\n")
	}
	if s := out.GetAmountYuan(); s.GetMedian() != "" {
		fmt.Fprintf(&b, "结果分布：金额中位数%s元（四分位%s元至%s元）", s.GetMedian(), s.GetQ1(), s.GetQ3())
		if m := out.GetMultiple(); m.GetMedian() != "" {
			fmt.Fprintf(&b, "，倍数中位数%s（%s至%s）", m.GetMedian(), m.GetQ1(), m.GetQ3())
		}
		if sh := out.GetRangeShare(); sh.GetMedian() != "" {
			fmt.Fprintf(&b, "，法定幅度位置中位数%s（%s至%s）", sh.GetMedian(), sh.GetQ1(), sh.GetQ3())
		}
		b.WriteString("\n")
	}
	switch {
	case out.GetDivergence() != "":
		fmt.Fprintf(&b, "法律适用分歧：%s\n", out.GetDivergence())
	case q.Kind == Damages && out.GetMultiple().GetMedian() == "" && len(out.GetCases()) >= 2:
		b.WriteString("法律适用分歧：类案未记载计算基数与倍数，仅凭判赔金额无法判断（第十一条）\n")
	case len(out.GetCases()) >= 2:
		b.WriteString("法律适用分歧：未见（第十一条）\n")
	}
	b.WriteString("运用：检索到的类案为指导性案例的，应当参照作出裁判；其他类案可以作为参考（第九条）。以上均为本系统已决案件，非指导性案例。")
	return b.String()
}
