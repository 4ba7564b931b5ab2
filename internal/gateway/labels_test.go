package gateway

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/trial"
)

// enumNames are the values of an enum as its proto descriptor declares
// them, UNSPECIFIED left out: a value added to the proto is in here.
func enumNames(d protoreflect.EnumDescriptor) []string {
	var out []string
	for i := 0; i < d.Values().Len(); i++ {
		if n := string(d.Values().Get(i).Name()); !strings.HasSuffix(n, "_UNSPECIFIED") {
			out = append(out, n)
		}
	}
	return out
}

var (
	matterStates = enumNames(ipcasev1.MatterState(0).Descriptor())
	procKinds    = enumNames(ipcasev1.ProceedingKind(0).Descriptor())
	procStates   = enumNames(ipcasev1.ProceedingState(0).Descriptor())
	// clockKinds are the kinds of every clock a proceeding runs.
	clockKinds = []string{enforcement.KindDecision, enforcement.KindStatement, mediation.KindConfirmation, mediation.KindTerm, trial.KindTimeLimit, trial.KindAppeal,
		customs.KindReply, customs.KindCourtNotice, customs.KindInvestigation}
	actorRoles = []string{string(auth.Officer), string(auth.Mediator), string(auth.Court), string(auth.RightsHolder), string(auth.Admin), "system"}
)

// labelled fails unless key has an English and a Chinese text.
func labelled(t *testing.T, key string) {
	t.Helper()
	if pair, ok := messages[key]; !ok || pair[0] == "" || pair[1] == "" {
		t.Errorf("%s has no English and Chinese label in messages (i18n.go)", key)
	}
}

// TestEveryValueLabelled: every matter state, proceeding kind and state
// (from the proto descriptors), every event type of the catalog and every
// payload field a holder may see, every clock kind and role has a label in
// both languages; every open state says what happens next; every declared
// statutory period's rule reads in Chinese.
func TestEveryValueLabelled(t *testing.T) {
	for _, s := range matterStates {
		labelled(t, "matter."+s)
	}
	for _, k := range procKinds {
		labelled(t, "kind."+k)
	}
	for _, s := range procStates {
		labelled(t, "state."+s)
		st := ipcasev1.ProceedingState(ipcasev1.ProceedingState_value[s])
		if !open(st) {
			continue
		}
		for _, k := range procKinds {
			if got := nextLabel(langEN, ipcasev1.ProceedingKind(ipcasev1.ProceedingKind_value[k]), st); got == messages["next.unknown"][0] {
				t.Errorf("%s %s is open but the page cannot say what happens next (next.%s)", k, s, s)
			}
		}
	}
	for _, typ := range events.Types() {
		labelled(t, "event."+string(typ))
		for _, f := range events.PublicFields(typ) {
			format, shown := fieldFormat(string(typ), f)
			if !shown {
				t.Errorf("%s: public field %q is in no allow-list (shownFields): say how it reads, or keep it out of the projection", typ, f)
				continue
			}
			if format == asDeadline {
				labelled(t, "field.deadline")
			} else {
				labelled(t, "field."+f)
			}
		}
	}
	for key := range decisions {
		if !events.Declared(events.Type(strings.TrimPrefix(key, "event."))) {
			t.Errorf("decisions names %s, which the events catalog does not declare", key)
		}
	}
	for _, key := range []string{eventDecided, eventClosed} {
		if !events.Declared(events.Type(strings.TrimPrefix(key, "event."))) {
			t.Errorf("%s is not a declared event type", key)
		}
	}
	for _, k := range clockKinds {
		labelled(t, "deadline."+k)
	}
	for _, r := range actorRoles {
		labelled(t, "role."+r)
	}
	for _, p := range deadline.Periods() {
		zh, ok := zhRule(p.String())
		if !ok || latin.MatchString(zh) {
			t.Errorf("rule %q of %q reads %q in Chinese: add its statute or note to rule.go", p.String(), p.Name, zh)
		}
	}
}

// TestRuleInChinese checks rules translated by hand from the articles
// they cite.
func TestRuleInChinese(t *testing.T) {
	for _, tt := range []struct{ rule, want string }{
		// Administrative Penalty Law Art. 60: decided within 90 days of the
		// case being opened; SAMR Administrative Penalty Procedure Rules
		// Art. 64 ¶1 repeats it.
		{"90 calendar days (Administrative Penalty Law Art. 60; SAMR Administrative Penalty Procedure Rules Art. 64 ¶1)",
			"90 日（《行政处罚法》第60条；《市场监督管理行政处罚程序规定》第64条第1款）"},
		// Administrative Penalty Law Arts. 62 and 64 item (1): 5 working
		// days to state a defence or ask for a hearing.
		{"5 working days (Administrative Penalty Law Arts. 62, 64(1); SAMR Administrative Penalty Procedure Rules Art. 57 ¶2)",
			"5 个工作日（《行政处罚法》第62条、第64条第（一）项；《市场监督管理行政处罚程序规定》第57条第2款）"},
		// CPL Art. 171 ¶2: 10 days to appeal a ruling.
		{"10 calendar days (CPL Art. 171 ¶2)", "10 日（《民事诉讼法》第171条第2款）"},
		// CPL Art. 152: 6 months at first instance.
		{"6 months (CPL Art. 152)", "6 个月（《民事诉讼法》第152条）"},
		{"3 years (Civil Code Art. 188)", "3 年（《民法典》第188条）"},
		{"15 calendar days (Criminal Procedure Law Art. 230)", "15 日（《刑事诉讼法》第230条）"},
		{"7 calendar days (CPL Art. 85 ¶4 (length set by the court))", "7 日（《民事诉讼法》第85条第4款（期间由法院确定））"},
		// The time a mediator set for the mediation of the damages.
		{"30 calendar days (Trademark Law Art. 60 ¶3; Patent Law Art. 65 (length set by the mediator))",
			"30 日（《商标法》第60条第3款；《专利法》第65条（期间由调解员确定））"},
	} {
		if got, ok := zhRule(tt.rule); !ok || got != tt.want {
			t.Errorf("zhRule(%q) = %q, %v; want %q", tt.rule, got, ok, tt.want)
		}
	}
	if got := ruleText(langZH, "5 working days (a statute nobody has heard of Art. 1)"); got != "" {
		t.Errorf("an unknown statute reads %q in Chinese; want nothing rather than English", got)
	}
}

// sample is a payload field as an event carries it, and how a person
// reads it in each language (worked out by hand, not by the page's code).
type sample struct {
	value  any
	en, zh string
}

// samples are realistic values of every payload field a holder may see,
// by JSON name.
var samples = map[string]sample{
	"number":                 {"杭市监处罚〔2026〕12号", "杭市监处罚〔2026〕12号", "杭市监处罚〔2026〕12号"},
	"agency":                 {"SAMR-HZ", "SAMR-HZ", "SAMR-HZ"},
	"forum":                  {"SAMR-HZ", "SAMR-HZ", "SAMR-HZ"},
	"court":                  {"京73", "京73", "京73"},
	"courtNumber":            {"(2026)京73知民初1号", "(2026)京73知民初1号", "(2026)京73知民初1号"},
	"recipient":              {"京73", "京73", "京73"},
	"route":                  {"ENFORCEMENT", "Administrative enforcement", "行政执法"},
	"kind":                   {"TRIAL", "Court trial", "诉讼"},
	"state":                  {"OPENED", "case opened", "已立案"},
	"target":                 {"COURT", "a court", "法院"},
	"reason":                 {"当事人已停止侵权", "当事人已停止侵权", "当事人已停止侵权"},
	"injunction":             {"立即停止销售侵权商品", "立即停止销售侵权商品", "立即停止销售侵权商品"},
	"confiscation":           {"没收侵权商品1200件", "没收侵权商品1200件", "没收侵权商品1200件"},
	"openedOn":               {"2026-09-10", "2026-09-10", "2026年9月10日"},
	"office":                 {"GACC-NB", "GACC-NB", "GACC-NB"},
	"notifiedOn":             {"2026-04-29", "2026-04-29", "2026年4月29日"},
	"replyDue":               {"2026-05-07", "2026-05-07", "2026年5月7日"},
	"detainedOn":             {"2026-05-06", "2026-05-06", "2026年5月6日"},
	"courtNoticeDue":         {"2026-07-15", "2026-07-15", "2026年7月15日"},
	"investigationDue":       {"2026-06-16", "2026-06-16", "2026年6月16日"},
	"receivedOn":             {"2026-04-28", "2026-04-28", "2026年4月28日"},
	"guarantee":              {"75000.00", "¥75,000.00", "75,000.00 元"},
	"decisionDue":            {"2026-12-09", "2026-12-09", "2026年12月9日"},
	"decidedOn":              {"2026-11-20", "2026-11-20", "2026年11月20日"},
	"transferredOn":          {"2026-10-08", "2026-10-08", "2026年10月8日"},
	"effectiveOn":            {"2027-01-15", "2027-01-15", "2027年1月15日"},
	"confirmationDue":        {"2027-02-14", "2027-02-14", "2027年2月14日"},
	"appliedOn":              {"2027-01-20", "2027-01-20", "2027年1月20日"},
	"docketedOn":             {"2026-10-15", "2026-10-15", "2026年10月15日"},
	"declinedOn":             {"2026-10-16", "2026-10-16", "2026年10月16日"},
	"judgedOn":               {"2026-12-01", "2026-12-01", "2026年12月1日"},
	"confirmedOn":            {"2027-01-28", "2027-01-28", "2027年1月28日"},
	"refusedOn":              {"2027-01-29", "2027-01-29", "2027年1月29日"},
	"on":                     {"2027-01-27", "2027-01-27", "2027年1月27日"},
	"due":                    {"2026-12-16", "2026-12-16", "2026年12月16日"},
	"fine":                   {"150000.00", "¥150,000.00", "150,000.00 元"},
	"payment":                {"80000.00", "¥80,000.00", "80,000.00 元"},
	"damages":                {"1234567.80", "¥1,234,567.80", "1,234,567.80 元"},
	"costs":                  {"21400.00", "¥21,400.00", "21,400.00 元"},
	"decisionDueProvisional": {true, "yes", "是"},
	"ruling":                 {false, "no", "否"},
	"infringementFound":      {true, "yes", "是"},
	"settled":                {true, "yes", "是"},
	"institution":            {"浙江省产品质量检验研究院", "浙江省产品质量检验研究院", "浙江省产品质量检验研究院"},
	"question":               {"样品上的商标是否为假冒", "样品上的商标是否为假冒", "样品上的商标是否为假冒"},
	"sentOn":                 {"2026-03-16", "2026-03-16", "2026年3月16日"},
	"reportNumber":           {"浙质检〔2026〕鉴字第0316号", "浙质检〔2026〕鉴字第0316号", "浙质检〔2026〕鉴字第0316号"},
	"qualification":          {"资质认定证书 161100000001", "资质认定证书 161100000001", "资质认定证书 161100000001"},
	"conclusion":             {"送检样品系假冒注册商标的商品", "送检样品系假冒注册商标的商品", "送检样品系假冒注册商标的商品"},
	"daysNotCounted":         {10, "10", "10"},
	"signedBy":               {"陈敏", "陈敏", "陈敏"},
	"signedOn":               {"2026-03-28", "2026-03-28", "2026年3月28日"},
	"counterfeitItems":       {2, "2", "2"},
}

// deadlineKind is a deadline event's kind field.
var deadlineKind = sample{"enforcement.decision", "The agency's decision is due", "执法机关作出处理决定的期限"}

// names are what the Chinese page may show in Latin letters: the matter's
// number, a right's registered title, agency and court codes, the
// product's name, and the switch to English (in English, lang="en").
var names = []string{"IPC-2026-000001", "星河 (class 43)", "SAMR-HZ", "GACC-NB", "ipcase", "English"}

var (
	latin   = regexp.MustCompile(`[A-Za-z]{2,}`)
	isoTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2}(T[0-9:+]+)?`)
	tags    = regexp.MustCompile(`(?s)<[^>]*>`)
	detail  = regexp.MustCompile(`<ul class="details">(?s:(.*?))</ul>`)
	item    = regexp.MustCompile(`<li>(.*?)</li>`)
)

// visible is the text of page as a reader sees it.
func visible(page string) string { return html.UnescapeString(tags.ReplaceAllString(page, " ")) }

// allEvents is one event of every type of the catalog, with a realistic
// value for each field a holder may see and a field no allow-list knows.
func allEvents(t *testing.T, proc string) []*ipcasev1.Event {
	t.Helper()
	var out []*ipcasev1.Event
	at := time.Date(2026, 9, 10, 2, 0, 0, 0, time.UTC)
	for i, typ := range events.Types() {
		fields := map[string]any{"internalNote": "reviewerNote"}
		for _, f := range events.PublicFields(typ) {
			s, ok := samples[f]
			if f == "kind" && typ.Group() == "deadline" {
				s, ok = deadlineKind, true
			}
			if !ok {
				t.Fatalf("%s: public field %q has no sample in this test: add one, with how it reads", typ, f)
			}
			fields[f] = s.value
		}
		p, err := structpb.NewStruct(fields)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &ipcasev1.Event{Type: string(typ), Proceeding: proc, Payload: p,
			OccurTime: timestamppb.New(at.Add(time.Duration(i) * time.Hour)), Actor: &ipcasev1.Actor{Role: "court", Organization: "京73"}})
	}
	return out
}

func renderMatter(t *testing.T, p *pages, lang string, st *ipcasev1.MatterStatus, evs []*ipcasev1.Event) string {
	t.Helper()
	v := view{Lang: lang, HTMLLang: htmlLang(lang), Here: "/matters/x", Caller: "北京星河茶饮有限公司"}
	v.Matter = matterViewOf(lang, st, evs, time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC))
	v.Title = v.Matter.Number
	var b bytes.Buffer
	if err := p.tmpl["matter"].ExecuteTemplate(&b, "layout", v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func testMatter(state ipcasev1.MatterState, procs ...*ipcasev1.Proceeding) *ipcasev1.MatterStatus {
	return &ipcasev1.MatterStatus{
		Matter: &ipcasev1.Matter{Name: "matters/x", Number: "IPC-2026-000001", State: state, Agency: "SAMR-HZ",
			Complainant: &ipcasev1.Party{Name: "parties/a", DisplayName: "北京星河茶饮有限公司"},
			Respondents: []*ipcasev1.Party{{Name: "parties/b", DisplayName: "杭州仿品贸易有限公司"}},
			Rights:      []*ipcasev1.IpRight{{Title: "星河 (class 43)"}},
			CreateTime:  timestamppb.New(time.Date(2026, 8, 25, 2, 0, 0, 0, time.UTC)), Proceedings: procs},
		// The decision is due 90 days after the case was opened
		// (Administrative Penalty Law Art. 60): 2026-09-10 + 90 = 2026-12-09.
		NextDeadline: &ipcasev1.MatterDeadline{Proceeding: "matters/x/proceedings/p", Kind: enforcement.KindDecision, DueDate: "2026-12-09",
			Rule: deadline.DecisionPeriod.String()},
	}
}

// checkPage fails on a timeline detail whose label is no field label, on
// a raw payload key or a field no allow-list knows, on a field not read as
// a person reads it, and, in Chinese, on Latin words outside the names.
func checkPage(t *testing.T, lang, page string) {
	t.Helper()
	idx := 0
	if lang == langZH {
		idx = 1
	}
	labels := map[string]bool{messages["timeline.by"][idx]: true}
	for k, pair := range messages {
		if strings.HasPrefix(k, "field.") {
			labels[pair[idx]] = true
		}
	}
	sep := messages["colon"][idx]
	for _, ul := range detail.FindAllStringSubmatch(page, -1) {
		for _, li := range item.FindAllStringSubmatch(ul[1], -1) {
			label, _, ok := strings.Cut(html.UnescapeString(li[1]), sep)
			if !ok || !labels[label] {
				t.Errorf("%s: detail %q is not a labelled field", lang, li[1])
			}
		}
	}
	text := visible(page)
	for _, raw := range []string{"internalNote", "reviewerNote", "decisionDueProvisional", "openedOn", "Decisiondueprovisional", "Decidedon", "Target: COURT", "true", "false"} {
		if strings.Contains(text, raw) {
			t.Errorf("%s: the page shows %q", lang, raw)
		}
	}
	if lang != langZH {
		return
	}
	text = visible(regexp.MustCompile(`<a [^>]*lang="en"[^>]*>English</a>`).ReplaceAllString(page, ""))
	for _, n := range names {
		text = strings.ReplaceAll(text, n, " ")
	}
	text = isoTime.ReplaceAllString(text, " ")
	if w := latin.FindAllString(text, -1); len(w) > 0 {
		t.Errorf("the Chinese page has Latin words %q outside codes, numbers and names", w)
	}
}

// TestMatterPageInBothLanguages renders a matter through every proceeding
// kind in every state, and every matter state, with one event of every
// type of the catalog, in English and in Chinese.
func TestMatterPageInBothLanguages(t *testing.T) {
	p, err := newPages(&Gateway{})
	if err != nil {
		t.Fatal(err)
	}
	evs := allEvents(t, "matters/x/proceedings/p")
	review := &ipcasev1.Proceeding{Name: "matters/x/proceedings/r", Kind: ipcasev1.ProceedingKind_PROCEEDING_KIND_FILING_REVIEW,
		State: ipcasev1.ProceedingState_PROCEEDING_STATE_ACCEPTED, Forum: "SAMR-HZ"}
	for _, lang := range []string{langEN, langZH} {
		for _, k := range procKinds {
			for _, s := range procStates {
				proc := &ipcasev1.Proceeding{Name: "matters/x/proceedings/p", Kind: ipcasev1.ProceedingKind(ipcasev1.ProceedingKind_value[k]),
					State: ipcasev1.ProceedingState(ipcasev1.ProceedingState_value[s]), Forum: "京73", Number: "(2026)京73知民初1号"}
				page := renderMatter(t, p, lang, testMatter(ipcasev1.MatterState_MATTER_STATE_ACCEPTED, review, proc), evs)
				t.Run(lang+"/"+k+"/"+s, func(t *testing.T) { checkPage(t, lang, page) })
			}
		}
		for _, s := range matterStates {
			page := renderMatter(t, p, lang, testMatter(ipcasev1.MatterState(ipcasev1.MatterState_value[s]), review), evs)
			t.Run(lang+"/"+s, func(t *testing.T) { checkPage(t, lang, page) })
		}
		// Every field reads as a person reads it.
		text := visible(renderMatter(t, p, lang, testMatter(ipcasev1.MatterState_MATTER_STATE_ACCEPTED, review), evs))
		for f, s := range samples {
			want := map[string]string{langEN: s.en, langZH: s.zh}[lang]
			if !strings.Contains(text, want) {
				t.Errorf("%s: field %s (%v) does not read %q", lang, f, s.value, want)
			}
		}
	}
}
