package main

import (
	"net/http"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestWholeDisputeByCLI drives one dispute from complaint to its end with
// the built binary alone, as the officer, the clerks of two courts and the
// mediator would, each logged in with their own config (the README's
// session in "The CLI for officers, mediators and court clerks"):
// complaint with evidence, acceptance into enforcement, the case, its
// transfer to 京73, docket, hearing, judgment with punitive damages,
// service, an appeal to 京, the second instance, a mediation during the
// appeal and its judicial confirmation by 京, which settles the second
// instance and closes the matter. The rights holder follows it from
// outside all along (holder_test.go): its status over the gateway's HTTP
// API, its consent to the mediation given over HTTP, and the status page
// in a headless browser, in Chinese and English, showing the judgment's
// award and, at the end, the matter closed and how it ended; another
// holder learns nothing of it. ipcased's background tasks (the event
// relay and consumers) are run by the test where the session waits for
// them. Dates on the 2026 calendar.
func TestWholeDisputeByCLI(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-03-02") // a Monday
	officer, jing73, jing := e.officer(), e.clerk("京73"), e.clerk("京")
	mediator := e.user()
	mediator.must("login", "--server", e.addr, "--token", e.auth.Mediator(t, "SAMR-HZ"))

	// The officer files the complaint with a photo, and accepts it.
	photo, photoSum := writeFile(t, t.TempDir(), "cups.jpg", []byte("JPEG: counterfeit 星河 cups on a shelf"))
	var m ipcasev1.Matter
	officer.read(&m, "complaint", "submit", "--agency", "SAMR-HZ",
		"--complainant", "organization:福州星河茶饮有限公司:91350100M000100Y43", "--contact", "legal@xinghe.example",
		"--respondent", "organization:杭州仿品贸易有限公司:91330100MA2AXQ9B12", "--right", "trademark:12345678:星河",
		"--facts", "Counterfeit cups sold at three shops.", "--claims", "damages and expenses of 3,000,000 yuan", "--known-since", "2026-02-20",
		"--evidence", photo+":notarised:the cups on sale")
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	h := e.newHolder(cp)
	if s := h.matterState(m.GetName()); s != "MATTER_STATE_SUBMITTED" {
		t.Errorf("the holder reads its new complaint as %s", s)
	}
	stranger := e.auth.RightsHolder(t, "0b7e4b1c-6a7f-4c8e-9f3a-2d1c5e6f7a8b") // a party of no matter here
	if code, v := h.status(m.GetName(), stranger); code != http.StatusNotFound {
		t.Errorf("another holder reading the matter: %d %v; want 404", code, v)
	}
	next := nextCommand(t, officer.must("complaint", "accept", m.GetName(), "--route", "enforcement", "--forum", "SAMR-HZ"))
	if s := h.matterState(m.GetName()); s != "MATTER_STATE_ACCEPTED" {
		t.Errorf("the holder reads its accepted complaint as %s", s)
	}

	// The enforcement case, worked to its transfer to the Beijing IP Court.
	var k ipcasev1.EnforcementCase
	officer.read(&k, next...) // enforcement open MATTER --agency SAMR-HZ
	c := k.GetName()
	officer.must("enforcement", "assign", c, "--officer", "officer@SAMR-HZ:王伟:33010001", "--officer", "li.na@SAMR-HZ:李娜:33010002")
	officer.must("enforcement", "findings", c, "--text", "Counterfeit cups, civil damages claimed.", "--volume", "400000",
		"--computation", "average sale price × quantity sold")
	officer.read(&k, "enforcement", "transfer", c, "--court", "京73", "--reason", "the right holder sues for damages")
	if k.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_TRANSFERRED_TO_COURT {
		t.Fatalf("transferred case: %v", k.GetState())
	}
	e.pump() // 京73 receives the case

	// 京73 dockets it, tries it and gives judgment.
	list := jing73.must("court", "list")
	var first string
	for line := range strings.SplitSeq(list, "\n") {
		if f := strings.Fields(line); len(f) == 6 && f[2]+" "+f[3] == "awaiting docketing" {
			first = f[0]
		}
	}
	if first == "" {
		t.Fatalf("court list has no case awaiting docketing:\n%s", list)
	}
	var tr ipcasev1.Trial
	jing73.read(&tr, "court", "docket", first, "--kind", "civil")
	// Docketed Mon 2026-03-02: 6 months (CPL Art. 152) end on Wed 2026-09-02.
	if tr.GetCourtNumber() != "(2026)京73知民初1号" || tr.GetTimeLimitDue() != "2026-09-02" || tr.GetSource() != c {
		t.Fatalf("docketed: %q due %s from %s", tr.GetCourtNumber(), tr.GetTimeLimitDue(), tr.GetSource())
	}
	jing73.must("court", "panel", first, "--member", "presiding-judge:张法官", "--member", "judge:李法官", "--member", "peoples-assessor:赵陪审员")
	jing73.must("court", "exchange", first, "--sha256", photoSum, "--notes", "the notarised photo")
	jing73.must("court", "hearing", first, "--date", "2026-04-15", "--place", "第三法庭")
	e.setDay("2026-04-15")
	jing73.must("court", "hearing-held", first, "--attendee", "原告代理人", "--attendee", "被告代理人", "--record", "庭审笔录")
	// Trademark Law 2019 Art. 63 ¶1: profit 1,000,000 × contribution 0.35
	// = base 350,000; additive 2.5× punitive 875,000; damages 1,225,000;
	// expenses 50,000: total 1,275,000, under the 3,000,000 claimed.
	out := jing73.must(append([]string{"court", "judgment", first, "--infringement", "--injunction", "被告立即停止销售侵犯第12345678号注册商标专用权的商品",
		"--costs", "12000", "--costs-borne-by", "被告"}, trademarkArgs[2:]...)...)
	if !strings.Contains(out, "total 1,275,000.00 yuan") {
		t.Errorf("judgment:\n%s", out)
	}
	// Served on the complainant Mon 04-20: 15 days (CPL Art. 171) end on
	// 05-05, in the May Day holiday (05-01..05-05), so on Wed 05-06 (CPL
	// Art. 85); on the respondent Wed 04-22: Thu 05-07.
	e.setDay("2026-04-22")
	jing73.must("court", "serve", first, "--party", cp, "--on", "2026-04-20")
	jing73.read(&tr, "court", "serve", first, "--party", rp)
	for _, s := range tr.GetServices() {
		if want := map[string]string{cp: "2026-05-06", rp: "2026-05-07"}[s.GetParty()]; s.GetAppealDue() != want {
			t.Errorf("served on %s: appeal due %s, want %s", s.GetParty(), s.GetAppealDue(), want)
		}
	}
	// The holder sees the judgment addressed to it, in both languages: the
	// award and the injunction, and no "ruling: no" beside them.
	for lang, lack := range map[string]string{"zh": "裁定（非判决）", "en": "A ruling rather than a judgment"} {
		if _, text, ok := h.page(m.GetName(), lang); ok {
			for _, w := range []string{"1,275,000.00", "被告立即停止销售侵犯第12345678号注册商标专用权的商品", "(2026)京73知民初1号"} {
				if !strings.Contains(text, w) {
					t.Errorf("the %s status page after the judgment lacks %q:\n%s", lang, w, text)
				}
			}
			if strings.Contains(text, lack) {
				t.Errorf("the %s status page shows %q on a judgment", lang, lack)
			}
		}
	}

	// The respondent appeals to the Beijing High Court on its last day.
	e.setDay("2026-05-07")
	jing73.read(&tr, "court", "appeal", first, "--party", rp, "--appellate-court", "京", "--grounds", "damages excessive")
	second := tr.GetSecondInstance()
	jing.read(&tr, "court", "show", second)
	if tr.GetCourtNumber() != "(2026)京知民终1号" || tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DOCKETED {
		t.Fatalf("second instance: %q %v", tr.GetCourtNumber(), tr.GetState())
	}
	jing.must("court", "panel", second, "--member", "presiding-judge:陈法官", "--member", "judge:周法官", "--member", "judge:吴法官")
	jing.must("court", "hearing", second, "--date", "2026-06-10", "--place", "第一法庭")

	// Meanwhile the parties settle before the mediator and ask 京 to
	// confirm the agreement (CPL Art. 205).
	var md ipcasev1.Mediation
	mediator.read(&md, "mediation", "request", m.GetName(), "--forum", "SAMR-HZ", "--note", "both parties asked during the appeal")
	e.setDay("2026-05-11")
	// The complainant consents itself, over HTTP (CPL Art. 96: mediation
	// on the parties' own will); the mediator records the respondent's.
	h.consent(md.GetName(), cp, "2026-05-08")
	mediator.must("mediation", "consent", md.GetName(), "--party", rp, "--on", "2026-05-08")
	mediator.must("mediation", "mediator", md.GetName(), "--subject", "mediator@SAMR-HZ", "--name", "赵敏")
	if r := mediator.run("mediation", "start", md.GetName(), "--term-days", "400"); r.code == exitOK || !strings.Contains(r.stderr, "term_days") {
		t.Errorf("a term of 400 days: exit %d\n%s", r.code, r.stderr)
	}
	// 30 days from Mon 05-11, as set with the parties: Wed 06-10.
	if out := mediator.must("mediation", "start", md.GetName(), "--term-days", "30"); !strings.Contains(out, "term ends 2026-06-10") {
		t.Errorf("mediation start --term-days 30:\n%s", out)
	}
	mediator.must("mediation", "session", md.GetName(), "--attendee", "赵敏", "--attendee", "原告代理人", "--attendee", "被告代理人", "--on", "2026-05-11")
	mediator.must("mediation", "agree", md.GetName(), "--effective-on", "2026-05-11", "--payment", "800000", "--payment-due", "2026-06-30",
		"--cessation", "stop selling cups bearing 星河", "--withdraw-complaints")
	mediator.must("mediation", "confirm", md.GetName(), "--court", "京", "--applicant", cp, "--applicant", rp, "--on", "2026-05-11")
	e.pump() // 京 receives the request

	var confirmation string
	for line := range strings.SplitSeq(jing.must("court", "list"), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == "confirmation" {
			confirmation = f[0]
		}
	}
	if confirmation == "" {
		t.Fatal("court list shows 京 no confirmation request")
	}
	jing.read(&tr, "court", "confirm", confirmation, "--note", "the agreement is voluntary and lawful")
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMED || tr.GetCourtNumber() != "(2026)京民特1号" ||
		len(tr.GetClosedProceedings()) != 1 || tr.GetClosedProceedings()[0] != second {
		t.Fatalf("confirmation: %v %q, ended %v; want CONFIRMED (2026)京民特1号 ending %s", tr.GetState(), tr.GetCourtNumber(), tr.GetClosedProceedings(), second)
	}
	e.pump() // the mediation learns the outcome; the enforcement case is closed as settled

	mediator.read(&md, "mediation", "show", md.GetName())
	if !md.GetOutcome().GetConfirmed() || md.GetOutcome().GetCourtNumber() != "(2026)京民特1号" {
		t.Errorf("mediation outcome: %v", md.GetOutcome())
	}
	jing.read(&tr, "court", "show", second)
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_SETTLED || !strings.Contains(tr.GetEndReason(), "(2026)京民特1号") {
		t.Errorf("second instance after the confirmation: %v %q", tr.GetState(), tr.GetEndReason())
	}
	var got ipcasev1.GetMatterResponse
	officer.read(&got, "matters", "show", m.GetName())
	if got.GetMatter().GetState() != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		for _, p := range got.GetMatter().GetProceedings() {
			t.Logf("%s %v %v %s", p.GetName(), p.GetKind(), p.GetState(), p.GetForum())
		}
		t.Errorf("the matter after the confirmation is %v; want closed", got.GetMatter().GetState())
	}
	// The holder sees the matter closed, how it ended, and nothing more
	// due (the complainant's own appeal period lapsed on 05-06).
	e.pump()
	if s := h.matterState(m.GetName()); s != "MATTER_STATE_CLOSED" {
		t.Errorf("the holder reads the settled matter as %s", s)
	}
	if _, v := h.status(m.GetName(), h.token); v["nextDeadline"] != nil {
		t.Errorf("the closed matter's status still shows a deadline: %v", v["nextDeadline"])
	}
	for lang, want := range map[string][]string{
		"zh": {"以调解结案：法院已裁定调解协议有效", "本案件目前没有待办事项", "(2026)京民特1号"},
		"en": {"Settled: a court confirmed the parties' mediation agreement", "Nothing more is due", "(2026)京民特1号"},
	} {
		state, text, ok := h.page(m.GetName(), lang)
		if !ok {
			continue
		}
		if state != map[string]string{"zh": "已结案", "en": "Closed"}[lang] {
			t.Errorf("the %s status page at the end reads %q", lang, state)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s status page at the end lacks %q:\n%s", lang, w, text)
			}
		}
	}
	if r := officer.run("audit", "verify", m.GetName()); r.code != exitOK {
		t.Errorf("audit verify: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if tl := officer.must("matters", "timeline", m.GetName()); !strings.Contains(tl, "confirm") {
		t.Errorf("timeline:\n%s", tl)
	}
}
