package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// The status page speaks Chinese and English: the lang query parameter (the
// page's switch) wins and is remembered in a cookie, then the cookie, then
// Accept-Language; Chinese when nothing says otherwise.
const (
	langZH     = "zh"
	langEN     = "en"
	langCookie = "ipcase_lang"
)

var langMatcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// pickLang returns the page language of r, and whether the lang parameter
// chose it (so the choice should be remembered).
func pickLang(r *http.Request) (lang string, chosen bool) {
	switch q := r.URL.Query().Get("lang"); q {
	case langZH, langEN:
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langZH || c.Value == langEN) {
		return c.Value, false
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if len(tags) == 0 {
		return langZH, false
	}
	if _, i, _ := langMatcher.Match(tags...); i == 1 {
		return langEN, false
	}
	return langZH, false
}

// htmlLang is the value of <html lang>.
func htmlLang(lang string) string {
	if lang == langEN {
		return "en"
	}
	return "zh-Hans"
}

// translate returns the text of key in lang, formatted with args; an
// unknown key falls back to humanized words, so a state or event type
// added to the API still reads sensibly before it is translated.
func translate(lang, key string, args ...any) string {
	pair, ok := messages[key]
	if !ok {
		return humanize(key)
	}
	text := pair[0]
	if lang == langZH && pair[1] != "" {
		text = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// humanize turns an enum or event name into words:
// "state.PROCEEDING_STATE_SOMETHING_NEW" → "Something new",
// "event.mediation.agreement_signed" → "Mediation: agreement signed".
func humanize(key string) string {
	for _, p := range []string{"state.", "kind.", "next.", "event.", "matter.", "role.", "field.", "deadline."} {
		key = strings.TrimPrefix(key, p)
	}
	for _, p := range []string{"PROCEEDING_STATE_", "PROCEEDING_KIND_", "MATTER_STATE_"} {
		key = strings.TrimPrefix(key, p)
	}
	head, tail, dotted := strings.Cut(key, ".")
	words := func(s string) string {
		s = strings.ToLower(strings.ReplaceAll(s, "_", " "))
		if s == "" {
			return s
		}
		r := []rune(s)
		r[0] = unicode.ToUpper(r[0])
		return string(r)
	}
	if dotted {
		return words(head) + ": " + strings.ToLower(words(tail))
	}
	return words(key)
}

// messages holds every text of the status page: {English, Chinese}.
var messages = map[string][2]string{
	"site.name":       {"ipcase matter status", "ipcase 案件进度"},
	"skip":            {"Skip to content", "跳到正文"},
	"lang.label":      {"Language", "语言"},
	"signed.in.as":    {"Signed in as %s", "已登录：%s"},
	"signout":         {"Sign out", "退出登录"},
	"signin.title":    {"Sign in", "登录"},
	"signin.intro":    {"Follow your infringement complaints. Sign in with the access token you were given, or open the one-time link an officer sent you.", "查询您的侵权投诉办理进度。请使用您获得的访问令牌登录，或打开执法人员发送给您的一次性链接。"},
	"signin.token":    {"Access token", "访问令牌"},
	"signin.help":     {"Paste the whole token. It is kept in a cookie that scripts on the page cannot read, until it expires or you sign out.", "请粘贴完整的令牌。令牌保存在网页脚本无法读取的 Cookie 中，直到过期或您退出登录。"},
	"signin.submit":   {"Sign in", "登录"},
	"signin.refused":  {"That token was not accepted; it may have expired. Ask for a new one.", "该令牌未被接受，可能已过期。请重新申请。"},
	"signin.empty":    {"Enter your access token.", "请输入访问令牌。"},
	"session.ended":   {"Your session has ended. Sign in again.", "登录已失效，请重新登录。"},
	"link.title":      {"Sign in with your link", "通过链接登录"},
	"link.intro":      {"This link signs you in once. Continue to see your matter.", "此链接只能使用一次。请点击“继续”查看您的案件。"},
	"link.submit":     {"Continue", "继续"},
	"link.refused":    {"This link has been used or has expired. Ask the officer for a new one.", "此链接已使用或已过期，请联系执法人员重新发送。"},
	"matters.title":   {"Your matters", "我的案件"},
	"matters.none":    {"You have no matters yet.", "您目前没有案件。"},
	"col.number":      {"Matter", "案件编号"},
	"col.rights":      {"Rights", "权利"},
	"col.against":     {"Against", "被投诉人"},
	"col.state":       {"Status", "状态"},
	"col.filed":       {"Filed", "提交时间"},
	"col.kind":        {"Proceeding", "程序"},
	"col.forum":       {"Before", "承办机关"},
	"col.proc.number": {"Number", "编号"},
	"col.since":       {"Last change", "最近变化"},
	"matter.back":     {"All your matters", "返回全部案件"},
	"matter.filed":    {"Filed %s with %s", "%s 向 %s 提交"},
	"matter.now":      {"Where it stands", "当前状态"},
	"matter.next":     {"What happens next", "下一步"},
	"matter.deadline": {"Next deadline", "下一个期限"},
	"deadline.by":     {"by %s", "截止 %s"},
	"deadline.left":   {"%d days left", "还剩 %d 天"},
	"deadline.today":  {"due today", "今天到期"},
	"deadline.none":   {"No deadline concerns you at the moment.", "目前没有需要您关注的期限。"},
	"deadline.passed": {"the day has passed", "已过期"},

	"deadline.enforcement.decision":         {"The agency's decision is due", "执法机关作出处理决定的期限"},
	"deadline.enforcement.statement_window": {"Time for the other party to state a defence", "当事人陈述、申辩期限"},
	"deadline.enforcement.hearing_request":  {"Time to ask for a hearing", "申请听证期限"},
	"deadline.mediation.confirmation":       {"Time to ask a court to confirm the agreement", "申请司法确认期限"},
	"deadline.trial.appeal":                 {"Time to appeal the judgment", "上诉期限"},
	"matter.procs":                          {"Proceedings", "办理程序"},
	"matter.timeline":                       {"Timeline", "时间线"},
	"timeline.next":                         {"Next", "下一步"},
	"timeline.by":                           {"By", "经办"},
	"crosssite.title":                       {"Form refused", "表单被拒绝"},
	"crosssite.text":                        {"This form was sent from another website, so it was ignored and nothing changed. Open the status page and try again.", "此表单来自其他网站，已被忽略，未作任何更改。请打开案件进度页面后重试。"},
	"notfound.title":                        {"Not found", "未找到"},
	"notfound.text":                         {"There is no such matter, or it is not one of yours.", "案件不存在，或不属于您。"},
	"error.title":                           {"Something went wrong", "出现错误"},
	"error.text":                            {"Something went wrong (reference %s). Try again later.", "出现错误（参考编号 %s），请稍后再试。"},
	"busy.text":                             {"Too many requests. Wait a moment and try again.", "请求过于频繁，请稍后再试。"},

	"matter.MATTER_STATE_SUBMITTED": {"Filed, awaiting review", "已提交，等待审查"},
	"matter.MATTER_STATE_ACCEPTED":  {"Accepted, in progress", "已受理，正在办理"},
	"matter.MATTER_STATE_REJECTED":  {"Not accepted", "不予受理"},
	"matter.MATTER_STATE_WITHDRAWN": {"Withdrawn", "已撤回"},
	"matter.MATTER_STATE_CLOSED":    {"Closed", "已结案"},

	"kind.PROCEEDING_KIND_FILING_REVIEW": {"Review of the complaint", "投诉审查"},
	"kind.PROCEEDING_KIND_ENFORCEMENT":   {"Administrative enforcement", "行政执法"},
	"kind.PROCEEDING_KIND_MEDIATION":     {"Mediation", "调解"},
	"kind.PROCEEDING_KIND_TRIAL":         {"Court trial", "诉讼"},
	"kind.PROCEEDING_KIND_CONFIRMATION":  {"Judicial confirmation", "司法确认"},

	"state.PROCEEDING_STATE_SUBMITTED":              {"submitted, awaiting review", "已提交，待审查"},
	"state.PROCEEDING_STATE_ACCEPTED":               {"accepted", "已受理"},
	"state.PROCEEDING_STATE_REJECTED":               {"not accepted", "不予受理"},
	"state.PROCEEDING_STATE_WITHDRAWN":              {"withdrawn", "已撤回"},
	"state.PROCEEDING_STATE_OPENED":                 {"case opened", "已立案"},
	"state.PROCEEDING_STATE_REQUESTED":              {"requested, waiting for every party to agree", "已申请，等待各方同意"},
	"state.PROCEEDING_STATE_AWAITING_DOCKETING":     {"sent to the court, awaiting docketing", "已移送法院，等待立案"},
	"state.PROCEEDING_STATE_CLOSED":                 {"closed", "已结束"},
	"state.PROCEEDING_STATE_INVESTIGATING":          {"under investigation", "调查中"},
	"state.PROCEEDING_STATE_PENALTY_NOTIFIED":       {"intended penalty notified", "已告知拟作出的处罚"},
	"state.PROCEEDING_STATE_HEARING":                {"hearing", "听证程序中"},
	"state.PROCEEDING_STATE_DECIDED":                {"penalty decided", "已作出处罚决定"},
	"state.PROCEEDING_STATE_DISMISSED":              {"dismissed", "已撤销立案"},
	"state.PROCEEDING_STATE_TRANSFERRED_TO_COURT":   {"transferred to a court", "已移送法院"},
	"state.PROCEEDING_STATE_TRANSFERRED_TO_POLICE":  {"transferred to the police", "已移送公安机关"},
	"state.PROCEEDING_STATE_IN_PROGRESS":            {"mediation under way", "调解中"},
	"state.PROCEEDING_STATE_AGREED":                 {"agreement reached", "已达成调解协议"},
	"state.PROCEEDING_STATE_FAILED":                 {"no agreement", "调解未成"},
	"state.PROCEEDING_STATE_CONFIRMATION_REQUESTED": {"court confirmation requested", "已申请司法确认"},

	"next.PROCEEDING_STATE_SUBMITTED":              {"The agency reviews your complaint and decides whether to accept it.", "受理机关正在审查您的投诉，并将决定是否受理。"},
	"next.PROCEEDING_STATE_OPENED":                 {"Officers will be assigned to investigate.", "执法机关将指派执法人员开展调查。"},
	"next.PROCEEDING_STATE_INVESTIGATING":          {"The officers investigate; they may inspect premises and seize goods.", "执法人员正在调查，可能进行现场检查并查封、扣押物品。"},
	"next.PROCEEDING_STATE_PENALTY_NOTIFIED":       {"The other party may state a defence or ask for a hearing; then the agency decides.", "当事人可以陈述、申辩或要求听证，之后执法机关作出决定。"},
	"next.PROCEEDING_STATE_HEARING":                {"A hearing is held; then the agency decides.", "将举行听证，之后执法机关作出决定。"},
	"next.PROCEEDING_STATE_DECIDED":                {"The decision is served; the other party may apply for reconsideration or sue.", "处罚决定送达后，当事人可以申请行政复议或提起行政诉讼。"},
	"next.PROCEEDING_STATE_AWAITING_DOCKETING":     {"The court decides whether to docket the case.", "法院将决定是否立案。"},
	"next.PROCEEDING_STATE_TRANSFERRED_TO_COURT":   {"The court decides whether to docket the case.", "法院将决定是否立案。"},
	"next.PROCEEDING_STATE_TRANSFERRED_TO_POLICE":  {"The police decide whether to open a criminal case.", "公安机关将决定是否立案侦查。"},
	"next.PROCEEDING_STATE_REQUESTED":              {"Mediation starts once every party agrees to it.", "各方同意后开始调解。"},
	"next.PROCEEDING_STATE_IN_PROGRESS":            {"The mediator works with the parties towards an agreement.", "调解员正在组织各方协商。"},
	"next.PROCEEDING_STATE_AGREED":                 {"The parties may ask a court to confirm the agreement within 30 days.", "双方可以在 30 日内向法院申请司法确认。"},
	"next.PROCEEDING_STATE_CONFIRMATION_REQUESTED": {"The court examines the agreement.", "法院正在审查调解协议。"},
	"next.done":    {"Nothing more is due in this matter.", "本案件目前没有待办事项。"},
	"next.unknown": {"The office in charge will take the next step.", "承办机关将进行下一步处理。"},

	"event.complaint.submitted":                    {"Complaint filed", "提交投诉"},
	"event.complaint.accepted":                     {"Complaint accepted", "投诉已受理"},
	"event.complaint.rejected":                     {"Complaint not accepted", "投诉不予受理"},
	"event.complaint.withdrawn":                    {"Complaint withdrawn", "投诉已撤回"},
	"event.proceeding.opened":                      {"Proceeding opened", "程序启动"},
	"event.enforcement.opened":                     {"Enforcement case opened", "行政执法立案"},
	"event.enforcement.officers_assigned":          {"Officers assigned", "指派执法人员"},
	"event.enforcement.inspection_recorded":        {"On-site inspection", "现场检查"},
	"event.enforcement.custody_recorded":           {"Custody of seized goods recorded", "查扣物品处置记录"},
	"event.enforcement.findings_recorded":          {"Investigation findings recorded", "调查终结"},
	"event.enforcement.penalty_notified":           {"Intended penalty notified", "告知拟作出的行政处罚"},
	"event.enforcement.hearing_requested":          {"Hearing requested", "申请听证"},
	"event.enforcement.hearing_held":               {"Hearing held", "举行听证"},
	"event.enforcement.hearing_notice_served":      {"Hearing notice served", "送达听证通知书"},
	"event.enforcement.decision_pause_recorded":    {"Time not counted in the case period recorded", "记录不计入办案期限的时间"},
	"event.enforcement.fine_paid":                  {"Fine paid", "缴纳罚款"},
	"event.enforcement.decision_deadline_extended": {"Decision deadline extended", "延长办案期限"},
	"event.enforcement.decided":                    {"Penalty decided", "作出行政处罚决定"},
	"event.enforcement.dismissed":                  {"Case dismissed", "撤销立案"},
	"event.enforcement.transferred_to_court":       {"Transferred to a court", "移送法院"},
	"event.enforcement.transferred_to_police":      {"Transferred to the police", "移送公安机关"},
	"event.enforcement.closed":                     {"Enforcement case closed", "行政执法结案"},
	"event.deadline.approaching":                   {"A deadline is approaching", "期限即将届满"},
	"event.deadline.missed":                        {"A deadline was missed", "期限已届满"},
	"event.deadline.recomputed":                    {"A deadline was recomputed", "期限已重新计算"},
	"event.mediation.requested":                    {"Mediation requested", "申请调解"},
	"event.mediation.agreed":                       {"Mediation agreement reached", "达成调解协议"},
	"event.mediation.failed":                       {"Mediation failed", "调解未成"},
	"event.mediation.confirmation_requested":       {"Court confirmation requested", "申请司法确认"},

	"role.officer":       {"officer", "执法人员"},
	"role.mediator":      {"mediator", "调解员"},
	"role.court":         {"court", "法院"},
	"role.rights_holder": {"rights holder", "权利人"},
	"role.admin":         {"administrator", "管理员"},
	"role.system":        {"system", "系统"},

	"field.number":      {"Number", "编号"},
	"field.agency":      {"Agency", "受理机关"},
	"field.forum":       {"Before", "承办机关"},
	"field.route":       {"Route", "转入程序"},
	"field.reason":      {"Reason", "理由"},
	"field.kind":        {"Proceeding", "程序"},
	"field.state":       {"State", "状态"},
	"field.decisionDue": {"Decision due", "决定期限"},
	"field.openedOn":    {"Opened on", "立案日期"},
}
