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
	"deadline.mediation.term":               {"Time set for the mediation", "调解期限"},
	"deadline.trial.appeal":                 {"Time to appeal the judgment", "上诉期限"},
	"deadline.trial.time_limit":             {"The court's time limit for deciding the case", "法院审理期限"},
	"deadline.customs.reply":                {"Time to apply to customs and give the guarantee", "向海关提出扣留申请并提供担保的期限"},
	"deadline.customs.court_notice":         {"Time to bring customs a court's notice of assistance", "向海关提交人民法院协助执行通知的期限"},
	"deadline.customs.investigation":        {"Customs' time to investigate the detained goods", "海关调查认定期限"},
	"decided.title":                         {"What was decided", "处理结果"},
	"decided.published":                     {"The published, redacted documents of this matter", "本案已公开（经隐名处理）的文书"},
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
	"kind.PROCEEDING_KIND_CUSTOMS":       {"Customs protection at the border", "知识产权海关保护"},
	"kind.PROCEEDING_KIND_CONFIRMATION":  {"Judicial confirmation", "司法确认"},

	"state.PROCEEDING_STATE_SUBMITTED":                        {"submitted, awaiting review", "已提交，待审查"},
	"state.PROCEEDING_STATE_ACCEPTED":                         {"accepted", "已受理"},
	"state.PROCEEDING_STATE_REJECTED":                         {"not accepted", "不予受理"},
	"state.PROCEEDING_STATE_WITHDRAWN":                        {"withdrawn", "已撤回"},
	"state.PROCEEDING_STATE_OPENED":                           {"case opened", "已立案"},
	"state.PROCEEDING_STATE_REQUESTED":                        {"requested, waiting for every party to agree", "已申请，等待各方同意"},
	"state.PROCEEDING_STATE_AWAITING_DOCKETING":               {"sent to the court, awaiting docketing", "已移送法院，等待立案"},
	"state.PROCEEDING_STATE_CLOSED":                           {"closed", "已结束"},
	"state.PROCEEDING_STATE_INVESTIGATING":                    {"under investigation", "调查中"},
	"state.PROCEEDING_STATE_PENALTY_NOTIFIED":                 {"intended penalty notified", "已告知拟作出的处罚"},
	"state.PROCEEDING_STATE_HEARING":                          {"hearing", "听证程序中"},
	"state.PROCEEDING_STATE_DECIDED":                          {"penalty decided", "已作出处罚决定"},
	"state.PROCEEDING_STATE_DISMISSED":                        {"dismissed", "已撤销立案"},
	"state.PROCEEDING_STATE_TRANSFERRED_TO_COURT":             {"transferred to a court", "已移送法院"},
	"state.PROCEEDING_STATE_TRANSFERRED_TO_POLICE":            {"transferred to the police", "已移送公安机关"},
	"state.PROCEEDING_STATE_IN_PROGRESS":                      {"mediation under way", "调解中"},
	"state.PROCEEDING_STATE_AGREED":                           {"agreement reached", "已达成调解协议"},
	"state.PROCEEDING_STATE_FAILED":                           {"no agreement", "调解未成"},
	"state.PROCEEDING_STATE_CONFIRMATION_REQUESTED":           {"court confirmation requested", "已申请司法确认"},
	"state.PROCEEDING_STATE_DOCKETED":                         {"docketed", "已立案"},
	"state.PROCEEDING_STATE_PRE_TRIAL":                        {"preparing for trial", "庭前准备"},
	"state.PROCEEDING_STATE_HEARING_SCHEDULED":                {"hearing scheduled", "已确定开庭日期"},
	"state.PROCEEDING_STATE_HEARD":                            {"heard, awaiting judgment", "已开庭，等待判决"},
	"state.PROCEEDING_STATE_JUDGED":                           {"judged", "已判决"},
	"state.PROCEEDING_STATE_EFFECTIVE":                        {"judgment in effect", "判决已生效"},
	"state.PROCEEDING_STATE_APPEALED":                         {"appealed", "已上诉"},
	"state.PROCEEDING_STATE_SETTLED":                          {"settled", "已和解结案"},
	"state.PROCEEDING_STATE_DECLINED":                         {"not docketed", "不予受理"},
	"state.PROCEEDING_STATE_CONFIRMED":                        {"agreement confirmed", "调解协议已确认有效"},
	"state.PROCEEDING_STATE_CONFIRMATION_REFUSED":             {"confirmation refused", "驳回确认申请"},
	"state.PROCEEDING_STATE_APPLIED":                          {"detention applied for", "已申请扣留"},
	"state.PROCEEDING_STATE_HOLDER_NOTIFIED":                  {"customs notified the right holder", "海关已通知权利人"},
	"state.PROCEEDING_STATE_DETAINED":                         {"goods detained", "货物已扣留"},
	"state.PROCEEDING_STATE_UNDETERMINED":                     {"customs could not determine infringement", "海关不能认定侵权"},
	"state.PROCEEDING_STATE_COURT_ORDERED":                    {"goods held for the court", "货物依法院协助执行通知扣留"},
	"state.PROCEEDING_STATE_RELEASED":                         {"goods released", "货物已放行"},
	"state.PROCEEDING_STATE_CONFISCATED":                      {"infringing goods confiscated", "侵权货物已没收"},
	"state.PROCEEDING_STATE_HANDED_OVER":                      {"goods handed over as the judgment orders", "货物已按生效判决处理"},
	"state.PROCEEDING_KIND_CUSTOMS.PROCEEDING_STATE_REJECTED": {"application for detention refused", "扣留申请已驳回"},

	"state.PROCEEDING_KIND_CONFIRMATION.PROCEEDING_STATE_REQUESTED": {"before the court", "法院审查中"},

	"next.PROCEEDING_STATE_SUBMITTED":                              {"The agency reviews your complaint and decides whether to accept it.", "受理机关正在审查您的投诉，并将决定是否受理。"},
	"next.PROCEEDING_STATE_OPENED":                                 {"Officers will be assigned to investigate.", "执法机关将指派执法人员开展调查。"},
	"next.PROCEEDING_STATE_INVESTIGATING":                          {"The officers investigate; they may inspect premises and seize goods.", "执法人员正在调查，可能进行现场检查并查封、扣押物品。"},
	"next.PROCEEDING_STATE_PENALTY_NOTIFIED":                       {"The other party may state a defence or ask for a hearing; then the agency decides.", "当事人可以陈述、申辩或要求听证，之后执法机关作出决定。"},
	"next.PROCEEDING_STATE_HEARING":                                {"A hearing is held; then the agency decides.", "将举行听证，之后执法机关作出决定。"},
	"next.PROCEEDING_STATE_DECIDED":                                {"The decision is served; the other party may apply for reconsideration or sue.", "处罚决定送达后，当事人可以申请行政复议或提起行政诉讼。"},
	"next.PROCEEDING_STATE_AWAITING_DOCKETING":                     {"The court decides whether to docket the case.", "法院将决定是否立案。"},
	"next.PROCEEDING_STATE_TRANSFERRED_TO_COURT":                   {"The court decides whether to docket the case.", "法院将决定是否立案。"},
	"next.PROCEEDING_STATE_TRANSFERRED_TO_POLICE":                  {"The police decide whether to open a criminal case.", "公安机关将决定是否立案侦查。"},
	"next.PROCEEDING_STATE_REQUESTED":                              {"Mediation starts once every party agrees to it.", "各方同意后开始调解。"},
	"next.PROCEEDING_STATE_IN_PROGRESS":                            {"The mediator works with the parties towards an agreement.", "调解员正在组织各方协商。"},
	"next.PROCEEDING_STATE_AGREED":                                 {"The parties may ask a court to confirm the agreement within 30 days.", "双方可以在 30 日内向法院申请司法确认。"},
	"next.PROCEEDING_STATE_CONFIRMATION_REQUESTED":                 {"The court examines the agreement.", "法院正在审查调解协议。"},
	"next.PROCEEDING_STATE_DOCKETED":                               {"The court forms a panel and prepares the trial (evidence exchange, preservation).", "法院将组成合议庭并进行庭前准备（证据交换、保全等）。"},
	"next.PROCEEDING_STATE_PRE_TRIAL":                              {"The court sets a date for the hearing.", "法院将确定开庭日期。"},
	"next.PROCEEDING_STATE_HEARING_SCHEDULED":                      {"The court hears the case on the day set.", "法院将按期开庭审理。"},
	"next.PROCEEDING_STATE_HEARD":                                  {"The court pronounces its judgment.", "法院将作出判决。"},
	"next.PROCEEDING_STATE_JUDGED":                                 {"The judgment is served on the parties; unless a party appeals in time, it takes effect.", "判决书将送达各方当事人；上诉期内无人上诉的，判决生效。"},
	"next.PROCEEDING_KIND_CONFIRMATION.PROCEEDING_STATE_REQUESTED": {"The court examines the agreement and rules whether it is valid.", "法院正在审查调解协议，将裁定是否确认其效力。"},
	"next.PROCEEDING_STATE_APPLIED":                                {"Customs decides whether to detain the goods; it does so only against a guarantee of their value.", "海关审查扣留申请；权利人提供相当于货物价值的担保后，海关扣留货物。"},
	"next.PROCEEDING_STATE_HOLDER_NOTIFIED":                        {"The right holder has 3 working days from the notice to apply for detention and give the guarantee, or the goods are released.", "权利人应自通知送达之日起3个工作日内提出扣留申请并提供担保，逾期海关不得扣留货物。"},
	"next.PROCEEDING_STATE_DETAINED":                               {"The right holder brings customs a court's notice of assistance within the set working days, or the goods are released; goods detained ex officio are investigated by customs.", "权利人应在规定的工作日内向海关提交人民法院协助执行通知，否则货物放行；依职权扣留的货物由海关调查认定。"},
	"next.PROCEEDING_STATE_UNDETERMINED":                           {"Unless a court's notice of assistance reaches customs within 50 working days of the detention, the goods are released.", "自扣留之日起50个工作日内海关未收到人民法院协助执行通知的，货物放行。"},
	"next.PROCEEDING_STATE_COURT_ORDERED":                          {"Customs holds the goods for the court; the court's effective judgment decides them.", "海关协助法院扣留货物，由法院生效判决确定货物的处理。"},

	"matter.ended":                                {"Closed", "已结案"},
	"ended.PROCEEDING_STATE_CONFIRMED":            {"Settled: a court confirmed the parties' mediation agreement; if it is not honoured, it can be enforced through the court (CPL Art. 206).", "以调解结案：法院已裁定调解协议有效；一方不履行的，对方可以向法院申请强制执行（《民事诉讼法》第206条）。"},
	"ended.PROCEEDING_STATE_EFFECTIVE":            {"The court's judgment has taken effect.", "法院判决已发生法律效力。"},
	"ended.PROCEEDING_STATE_SETTLED":              {"The court case ended in a settlement.", "诉讼以和解结案。"},
	"ended.PROCEEDING_STATE_DISMISSED":            {"The agency dismissed the case.", "执法机关已撤销立案。"},
	"ended.PROCEEDING_STATE_DECLINED":             {"The court declined to docket the case.", "法院不予受理。"},
	"ended.PROCEEDING_STATE_CONFIRMATION_REFUSED": {"The court refused to confirm the mediation agreement.", "法院裁定驳回司法确认申请。"},
	"ended.PROCEEDING_STATE_FAILED":               {"Mediation ended without an agreement.", "调解未达成协议。"},
	"ended.PROCEEDING_STATE_WITHDRAWN":            {"The complaint or case was withdrawn.", "投诉或案件已撤回。"},
	"ended.PROCEEDING_STATE_REJECTED":             {"The complaint was not accepted.", "投诉不予受理。"},
	"ended.PROCEEDING_STATE_RELEASED":             {"Customs released the goods.", "海关已放行货物。"},
	"ended.PROCEEDING_STATE_CONFISCATED":          {"Customs found the goods infringing and confiscated them.", "海关认定货物侵权并予以没收。"},
	"ended.PROCEEDING_STATE_HANDED_OVER":          {"Customs handed the goods over as the court's effective judgment orders.", "海关已按法院生效判决处理货物。"},
	"ended.decided":                               {"The agency decided a penalty, and the case is closed.", "执法机关已作出行政处罚决定，案件已办结。"},
	"ended.settled":                               {"The dispute was settled, and the case is closed.", "纠纷已和解，案件已办结。"},
	"ended.PROCEEDING_KIND_ENFORCEMENT":           {"The agency closed the case.", "执法机关已结案。"},
	"ended.PROCEEDING_KIND_MEDIATION":             {"The mediation is over.", "调解程序已结束。"},
	"ended.other":                                 {"Every proceeding in this matter has ended.", "本案各程序均已结束。"},
	"next.done":                                   {"Nothing more is due in this matter.", "本案件目前没有待办事项。"},
	"next.unknown":                                {"The office in charge will take the next step.", "承办机关将进行下一步处理。"},

	"event.complaint.submitted":                    {"Complaint filed", "提交投诉"},
	"event.complaint.accepted":                     {"Complaint accepted", "投诉已受理"},
	"event.complaint.rejected":                     {"Complaint not accepted", "投诉不予受理"},
	"event.complaint.withdrawn":                    {"Complaint withdrawn", "投诉已撤回"},
	"event.proceeding.opened":                      {"Proceeding opened", "程序启动"},
	"event.customs.detention_applied":              {"Detention of goods applied for at customs", "向海关申请扣留侵权嫌疑货物"},
	"event.customs.holder_notified":                {"Customs notified the right holder of suspected goods", "海关通知权利人发现侵权嫌疑货物"},
	"event.customs.goods_detained":                 {"Goods detained by customs", "海关扣留侵权嫌疑货物"},
	"event.customs.detention_refused":              {"Customs refused the application for detention", "海关驳回扣留申请"},
	"event.customs.court_action_filed":             {"Right holder's action filed at a court", "权利人向人民法院起诉"},
	"event.customs.court_notice_received":          {"Court's notice of assistance received by customs", "海关收到人民法院协助执行通知"},
	"event.customs.infringement_decided":           {"Customs' finding on the goods", "海关调查认定"},
	"event.customs.goods_released":                 {"Goods released by customs", "海关放行货物"},
	"event.customs.goods_handed_over":              {"Goods handed over as the judgment orders", "海关按生效判决处理货物"},
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
	"event.enforcement.appraisal_requested":        {"Samples sent for inspection, testing, appraisal or identification", "送检样品（检验、检测、鉴定或权利人辨认鉴别）"},
	"event.enforcement.appraisal_reported":         {"Inspection or appraisal report received", "收到检验检测鉴定报告"},
	"event.enforcement.identification_recorded":    {"The right holder's identification received", "收到权利人辨认鉴别意见"},
	"event.enforcement.resumed_after_mediation":    {"Enforcement resumed after mediation failed", "调解不成，恢复行政执法"},
	"event.deadline.approaching":                   {"A deadline is approaching", "期限即将届满"},
	"event.deadline.missed":                        {"A deadline was missed", "期限已届满"},
	"event.deadline.recomputed":                    {"A deadline was recomputed", "期限已重新计算"},
	"event.mediation.requested":                    {"Mediation requested", "申请调解"},
	"event.mediation.agreed":                       {"Mediation agreement reached", "达成调解协议"},
	"event.mediation.failed":                       {"Mediation failed", "调解未成"},
	"event.mediation.confirmation_requested":       {"Court confirmation requested", "申请司法确认"},
	"event.mediation.consent_recorded":             {"Consent to mediation recorded", "记录当事人调解意愿"},
	"event.mediation.mediator_assigned":            {"Mediator assigned", "指定调解员"},
	"event.mediation.started":                      {"Mediation started", "开始调解"},
	"event.mediation.session_recorded":             {"Mediation session held", "调解会谈"},
	"event.mediation.withdrawn":                    {"A party withdrew from mediation", "当事人退出调解"},
	"event.mediation.confirmed":                    {"Agreement confirmed by the court", "调解协议经法院确认有效"},
	"event.mediation.confirmation_refused":         {"Court refused to confirm the agreement", "法院驳回司法确认申请"},
	"event.mediation.route_chosen":                 {"After mediation failed, the right holder chose a route", "调解不成，权利人选择后续程序"},
	"event.mediation.suit_filed":                   {"After mediation failed, the right holder sued; the court received the mediation's record", "调解不成，权利人起诉，调解记录移送法院"},
	"event.trial.received":                         {"Case received by the court", "法院收到案件"},
	"event.trial.docketed":                         {"Case docketed", "法院立案"},
	"event.trial.declined":                         {"Court declined to docket the case", "法院不予受理"},
	"event.trial.time_limit_extended":              {"Trial time limit extended", "延长审理期限"},
	"event.trial.time_limit_paused":                {"Period left out of the trial time limit", "审理期限扣除期间"},
	"event.trial.panel_assigned":                   {"Panel formed", "组成合议庭"},
	"event.trial.preservation_ordered":             {"Preservation ordered", "裁定保全"},
	"event.trial.evidence_exchanged":               {"Evidence exchanged", "证据交换"},
	"event.trial.hearing_scheduled":                {"Hearing scheduled", "确定开庭日期"},
	"event.trial.heard":                            {"Hearing held", "开庭审理"},
	"event.trial.judged":                           {"Judgment pronounced", "宣判"},
	"event.trial.judgment_served":                  {"Judgment served", "判决书送达"},
	"event.trial.appealed":                         {"Appeal filed", "提起上诉"},
	"event.trial.judgment_effective":               {"Judgment took effect", "判决生效"},
	"event.trial.withdrawn":                        {"Case withdrawn", "撤诉"},
	"event.trial.settled":                          {"Case settled", "和解结案"},
	"event.trial.confirmation_received":            {"Confirmation application received by the court", "法院收到司法确认申请"},
	"event.trial.agreement_confirmed":              {"Agreement confirmed by the court", "法院裁定调解协议有效"},
	"event.trial.confirmation_refused":             {"Court refused to confirm the agreement", "法院裁定驳回确认申请"},

	"role.officer":       {"officer", "执法人员"},
	"role.mediator":      {"mediator", "调解员"},
	"role.court":         {"court", "法院"},
	"role.rights_holder": {"rights holder", "权利人"},
	"role.admin":         {"administrator", "管理员"},
	"role.system":        {"system", "系统"},

	"colon":         {": ", "："},
	"bool.true":     {"yes", "是"},
	"bool.false":    {"no", "否"},
	"target.COURT":  {"a court", "法院"},
	"target.POLICE": {"the police", "公安机关"},

	"field.number":                 {"Number", "编号"},
	"field.agency":                 {"Agency", "受理机关"},
	"field.forum":                  {"Before", "承办机关"},
	"field.court":                  {"Court", "法院"},
	"field.courtNumber":            {"Court case number", "法院案号"},
	"field.recipient":              {"Sent to", "接收机关"},
	"field.route":                  {"Route", "转入程序"},
	"field.kind":                   {"Proceeding", "程序"},
	"field.deadline":               {"Deadline", "期限"},
	"field.state":                  {"State", "状态"},
	"field.target":                 {"Transferred to", "移送至"},
	"field.reason":                 {"Reason", "理由"},
	"field.injunction":             {"Injunction", "责令停止侵权"},
	"field.confiscation":           {"Confiscation", "没收"},
	"field.openedOn":               {"Opened on", "立案日期"},
	"field.office":                 {"Customs office", "海关"},
	"field.notifiedOn":             {"Notified on", "通知日期"},
	"field.replyDue":               {"Apply and give the guarantee by", "申请扣留并提供担保截止日期"},
	"field.detainedOn":             {"Detained on", "扣留日期"},
	"field.courtNoticeDue":         {"Court's notice of assistance due by", "提交法院协助执行通知截止日期"},
	"field.investigationDue":       {"Customs' finding due by", "海关调查认定截止日期"},
	"field.receivedOn":             {"Received on", "收到日期"},
	"field.guarantee":              {"Guarantee given", "担保金额"},
	"field.decisionDue":            {"Decision due", "决定期限"},
	"field.decidedOn":              {"Decided on", "决定日期"},
	"field.transferredOn":          {"Transferred on", "移送日期"},
	"field.effectiveOn":            {"Effective on", "生效日期"},
	"field.confirmationDue":        {"Apply for court confirmation by", "申请司法确认截止日期"},
	"field.appliedOn":              {"Applied on", "申请日期"},
	"field.docketedOn":             {"Docketed on", "立案日期"},
	"field.declinedOn":             {"Declined on", "裁定日期"},
	"field.judgedOn":               {"Judged on", "宣判日期"},
	"field.confirmedOn":            {"Confirmed on", "确认日期"},
	"field.refusedOn":              {"Refused on", "裁定日期"},
	"field.on":                     {"Date", "日期"},
	"field.due":                    {"Last day", "截止日期"},
	"field.fine":                   {"Fine", "罚款"},
	"field.payment":                {"Payment agreed", "约定支付金额"},
	"field.damages":                {"Damages and reasonable expenses awarded", "判赔金额（含合理开支）"},
	"field.costs":                  {"Court costs", "诉讼费"},
	"field.decisionDueProvisional": {"Decision due date provisional (the year's holiday notice is not out yet)", "决定期限为暂定（当年节假日安排尚未公布）"},
	"field.ruling":                 {"A ruling rather than a judgment", "裁定（非判决）"},
	"field.infringementFound":      {"Infringement found", "认定侵权"},
	"field.settled":                {"Settled", "和解结案"},
	"field.institution":            {"Examined by", "检验鉴定机构或辨认人"},
	"field.question":               {"Question put", "送检事项"},
	"field.sentOn":                 {"Sent on", "送检日期"},
	"field.reportNumber":           {"Report number", "报告编号"},
	"field.qualification":          {"Qualification", "机构资质"},
	"field.conclusion":             {"Conclusion", "结论"},
	"field.daysNotCounted":         {"Days not counted in the case period", "不计入办案期限的天数"},
	"field.signedBy":               {"Signed by", "签署人"},
	"field.signedOn":               {"Signed on", "签署日期"},
	"field.counterfeitItems":       {"Items identified as counterfeit", "辨认为侵权产品的件数"},
}
