package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// officer logs a new user in as an officer of SAMR-HZ.
func (e *chain) officer() *user {
	e.t.Helper()
	u := e.user()
	u.must("login", "--server", e.addr, "--token", e.auth.Officer(e.t, "SAMR-HZ"))
	return u
}

// clerk logs a new user in as court code, with login --court.
func (e *chain) clerk(code string) *user {
	e.t.Helper()
	f := e.courtFlags(code)
	u := e.user()
	u.must("login", "--court", "--server", f[1], "--cert", f[3], "--key", f[5], "--ca", f[7])
	return u
}

// fileAs files a trademark complaint with SAMR-HZ through the CLI and
// accepts it on route before forum; it returns the matter.
func (e *chain) fileAs(u *user, route, forum string) *ipcasev1.Matter {
	e.t.Helper()
	var m ipcasev1.Matter
	u.read(&m, "complaint", "submit", "--agency", "SAMR-HZ",
		"--complainant", "organization:福州星河茶饮有限公司:91350100M000100Y43", "--respondent", "organization:杭州仿品贸易有限公司:91330100MA2AXQ9B12",
		"--right", "trademark:12345678:星河", "--facts", fmt.Sprintf("Counterfeit cups sold at %d shops.", e.filed.Add(1)))
	u.read(&m, "complaint", "accept", m.GetName(), "--route", route, "--forum", forum)
	return &m
}

// proceeding returns the name of m's proceeding of kind before forum.
func proceeding(t *testing.T, m *ipcasev1.Matter, kind ipcasev1.ProceedingKind, forum string) string {
	t.Helper()
	for _, p := range m.GetProceedings() {
		if p.GetKind() == kind && p.GetForum() == forum {
			return p.GetName()
		}
	}
	t.Fatalf("matter %s has no %v before %s: %v", m.GetName(), kind, forum, m.GetProceedings())
	return ""
}

// TestCourtLogin keeps the court's certificate, key and CA in the config
// (0600, absolute paths, no token), and later commands call as that court
// over mutual TLS; a token login replaces it; bad input says what to do.
func TestCourtLogin(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-06-01")
	f := e.courtFlags("京73")
	u := e.user()
	r := u.run("login", "--court", "--server", e.courtAddr, "--cert", f[3], "--key", f[5], "--ca", f[7])
	if r.code != exitOK || !strings.Contains(r.stdout, "Logged in to "+e.courtAddr+" as court 京73 (spiffe://ipcase/court/京73), over mutual TLS.") {
		t.Fatalf("login --court: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st, err := os.Stat(u.config)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config: %v, mode %v; want 0600", err, st.Mode())
	}
	var saved map[string]string
	b, _ := os.ReadFile(u.config)
	if err := json.Unmarshal(b, &saved); err != nil || saved["server"] != e.courtAddr || saved["cert"] != f[3] || saved["key"] != f[5] ||
		saved["tlsCA"] != f[7] || saved["token"] != "" || !filepath.IsAbs(saved["cert"]) {
		t.Errorf("saved %s", b)
	}
	// The saved login is the court: its docket (empty) and a matter before
	// another court, which it may not see.
	if r := u.run("court", "list"); r.code != exitOK || r.stdout != "PROCEEDING  KIND  STATE  COURT  MATTER\n" {
		t.Errorf("court list after login: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	m := e.fileAs(e.officer(), "trial", "粤73")
	if r := u.run("matters", "show", m.GetName()); r.code != exitFailure || !strings.Contains(r.stderr, "matter not found") {
		t.Errorf("京73 reading a matter before 粤73: exit %d %q", r.code, r.stderr)
	}

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no key", []string{"login", "--court", "--server", e.courtAddr, "--cert", f[3], "--ca", f[7]}, exitUsage, "login --court needs --cert, --key and --ca"},
		{"not a court's certificate", []string{"login", "--court", "--server", e.courtAddr, "--cert", f[7], "--key", f[5], "--ca", f[7]}, exitUsage, "is not a court's certificate"},
		{"the officials' port", []string{"login", "--court", "--server", e.addr, "--cert", f[3], "--key", f[5], "--ca", f[7]}, exitFailure,
			"it does not speak TLS: a court calls the courts' listener"},
		{"a token on the courts' port", []string{"matters", "list", "--server", e.courtAddr, "--tls-ca", f[7], "--token", e.auth.Officer(t, "SAMR-HZ")}, exitFailure,
			"it wants a court's certificate: ipcase login --court"},
		{"a certificate without --court", []string{"login", "--server", e.addr, "--cert", f[3], "--token", "x"}, exitUsage, "logs in with login --court"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := e.user()
			r := v.run(tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}

	// A token login replaces the court's.
	u.must("login", "--server", e.addr, "--token", e.auth.Officer(t, "SAMR-HZ"))
	b, _ = os.ReadFile(u.config)
	if strings.Contains(string(b), "cert") {
		t.Errorf("a token login kept the court's certificate: %s", b)
	}
	if r := u.run("court", "docket", proceeding(t, m, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "粤73"), "--kind", "civil"); r.code != exitFailure ||
		!strings.Contains(r.stderr, "DocketTrial is a court's act: run ipcase login --court") {
		t.Errorf("an officer docketing: exit %d %q", r.code, r.stderr)
	}
}

// TestCourtVerbs takes a trial routed to 京73 through every court verb with
// the built binary over mutual TLS, giving each flag a value of its own and
// reading it back; the figures are worked out by hand below.
func TestCourtVerbs(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-06-01") // a Monday
	officer, clerk := e.officer(), e.clerk("京73")
	m := e.fileAs(officer, "trial", "京73")
	e.pump() // the routed proceeding gets its trial record
	name := proceeding(t, m, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	if out := clerk.must("court", "list"); !strings.Contains(strings.Join(strings.Fields(out), " "), name+" trial awaiting docketing 京73 "+m.GetNumber()) {
		t.Errorf("court list:\n%s", out)
	}
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	var tr ipcasev1.Trial
	step := func(args ...string) { // the trial it answers is in tr
		t.Helper()
		tr.Reset()
		clerk.read(&tr, append([]string{"court"}, args...)...)
	}
	check := func(what string, want, got any) {
		t.Helper()
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
		}
	}

	// Docketed Mon 2026-06-01 in summary procedure: 3 months (CPL Art. 164)
	// end on Tue 2026-09-01, a working day.
	step("docket", name, "--kind", "civil", "--procedure", "summary")
	check("docket", []string{"(2026)京73知民初1号", "2026-06-01", "2026-09-01", "PROCEEDING_STATE_DOCKETED", "TRIAL_PROCEDURE_SUMMARY"},
		[]string{tr.GetCourtNumber(), tr.GetDocketedOn(), tr.GetTimeLimitDue(), tr.GetState().String(), tr.GetProcedure().String()})

	// An appraisal from 06-02 to 06-11, 10 days, is not counted (SPC
	// Interpretation on the Application of the CPL (2022) Art. 243): the
	// time limit moves 10 days, to Fri 2026-09-11.
	e.setDay("2026-06-12")
	step("pause", name, "--reason", "appraisal", "--start", "2026-06-02", "--end", "2026-06-11", "--notes", "Beijing appraisal centre")
	check("pause", []*ipcasev1.TimeLimitPause{{Reason: ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_APPRAISAL, Start: "2026-06-02", End: "2026-06-11",
		Notes: "Beijing appraisal centre"}}, tr.GetTimeLimitPauses())
	check("paused time limit", "2026-09-11", tr.GetTimeLimitDue())

	step("panel", name, "--member", "presiding-judge:张法官", "--member", "judge:李法官", "--member", "technical-investigator:王技术调查官")
	check("panel", []*ipcasev1.PanelMember{{Name: "张法官", Role: "PRESIDING_JUDGE"}, {Name: "李法官", Role: "JUDGE"},
		{Name: "王技术调查官", Role: "TECHNICAL_INVESTIGATOR"}}, tr.GetPanel())
	step("preserve", name, "--kind", "conduct", "--subject", "stop selling the cups", "--applicant", cp, "--security", "50000", "--on", "2026-06-11")
	check("preserve", []*ipcasev1.Preservation{{Kind: ipcasev1.PreservationKind_PRESERVATION_KIND_CONDUCT, Applicant: cp, Subject: "stop selling the cups",
		OrderedOn: "2026-06-11", SecurityYuan: "50000.00"}}, tr.GetPreservations())
	digest := strings.Repeat("ab", 32)
	step("exchange", name, "--sha256", digest, "--notes", "the notarised photos", "--on", "2026-06-12")
	check("exchange", []*ipcasev1.EvidenceExchange{{HeldOn: "2026-06-12", Sha256: []string{digest}, Notes: "the notarised photos"}}, tr.GetExchanges())
	step("hearing", name, "--date", "2026-06-22", "--place", "第三法庭")
	e.setDay("2026-06-22")
	step("hearing-held", name, "--attendee", "原告代理人", "--attendee", "被告代理人", "--record", "庭审笔录")
	check("hearing", []*ipcasev1.TrialHearing{{Date: "2026-06-22", Place: "第三法庭", Attendees: []string{"原告代理人", "被告代理人"}, Record: "庭审笔录"}},
		tr.GetHearings())

	// The award is the README's worked example (trademarkArgs): profit
	// 1,000,000 × contribution 0.35 = base 350,000; additive 2.5×:
	// punitive 875,000, damages 1,225,000 (Trademark Law 2019 Art. 63 ¶1);
	// expenses 50,000: total 1,275,000, under the claim of 3,000,000.
	judgment := append([]string{"judgment", name, "--infringement", "--injunction", "停止销售", "--costs", "12000", "--costs-borne-by", "被告",
		"--judged-on", "2026-06-22"}, trademarkArgs[2:]...)
	step(judgment...)
	d := tr.GetJudgment().GetDamages()
	check("award", []string{"350000.00", "875000.00", "1225000.00", "50000.00", "1275000.00"},
		[]string{d.GetBaseYuan(), d.GetPunitiveYuan(), d.GetDamagesYuan(), d.GetExpensesYuan(), d.GetTotalYuan()})
	check("judgment", []any{true, "停止销售", "12000.00", "被告", "2026-06-22"}, []any{tr.GetJudgment().GetInfringementFound(),
		tr.GetJudgment().GetInjunction(), tr.GetJudgment().GetCostsYuan(), tr.GetJudgment().GetCostsBorneBy(), tr.GetJudgment().GetJudgedOn()})
	if out := clerk.must("court", "show", name); !strings.Contains(out, "award: base 350,000.00 + punitive 875,000.00 = damages 1,225,000.00; expenses 50,000.00; total 1,275,000.00 yuan") ||
		!strings.Contains(out, "panel: 张法官 (presiding judge)") {
		t.Errorf("court show:\n%s", out)
	}

	// Served on the complainant Tue 06-23 and the respondent Wed 06-24: 15
	// days (CPL Art. 171) end on Wed 07-08 and Thu 07-09.
	e.setDay("2026-06-24")
	step("serve", name, "--party", cp, "--on", "2026-06-23")
	step("serve", name, "--party", rp)
	dues := map[string]string{}
	for _, s := range tr.GetServices() {
		dues[s.GetParty()] = s.GetAppealDue()
	}
	check("appeal dues", map[string]string{cp: "2026-07-08", rp: "2026-07-09"}, dues)

	// The respondent's appeal reaches the court on Fri 07-10, a day late,
	// but was posted on 07-09, the last day: in time (CPL Art. 85 ¶4).
	e.setDay("2026-07-10")
	step("appeal", name, "--party", rp, "--appellate-court", "京", "--grounds", "damages excessive", "--filed-on", "2026-07-10", "--posted-on", "2026-07-09")
	check("appeal", []*ipcasev1.Appeal{{Party: rp, FiledOn: "2026-07-10", AppellateCourt: "京", Grounds: "damages excessive", PostedOn: "2026-07-09"}},
		tr.GetAppeals())
	second := tr.GetSecondInstance()
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED || second == "" {
		t.Fatalf("after the appeal: %v, second instance %q", tr.GetState(), second)
	}
	// The appellate court reads its second instance, docketed.
	var s2 ipcasev1.Trial
	appellate := e.clerk("京")
	appellate.read(&s2, "court", "show", second)
	check("second instance", []string{"(2026)京知民终1号", "TRIAL_INSTANCE_SECOND", "PROCEEDING_STATE_DOCKETED"},
		[]string{s2.GetCourtNumber(), s2.GetInstance().String(), s2.GetState().String()})

	// Decline, withdraw and settle, each on a trial of its own.
	for _, verb := range []struct{ args []string }{{[]string{"decline", "--reason", "no jurisdiction"}}, {[]string{"withdraw", "--reason", "the plaintiff withdrew"}},
		{[]string{"settle", "--reason", "paid 30,000"}}} {
		o := e.fileAs(officer, "trial", "京73")
		e.pump()
		n := proceeding(t, o, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
		if verb.args[0] != "decline" {
			step("docket", n, "--kind", "civil")
		}
		if verb.args[0] == "settle" { // extended first: the president's approval moves the time limit (CPL Art. 152)
			before := tr.GetTimeLimitDue()
			step("extend", n, "--approved-by", "院长 刘", "--reason", "complex damages")
			if tr.GetTimeLimitDue() <= before {
				t.Errorf("extend: time limit %s, was %s", tr.GetTimeLimitDue(), before)
			}
		}
		step(append([]string{verb.args[0], n}, verb.args[1:]...)...)
		if tr.GetEndReason() != verb.args[2] {
			t.Errorf("%s: the trial reads %v, %q", verb.args[0], tr.GetState(), tr.GetEndReason())
		}
	}

	for _, tt := range []struct {
		name   string
		who    *user
		args   []string
		code   int
		stderr string
	}{
		{"bad kind", appellate, []string{"court", "docket", second, "--kind", "civil-ish"}, exitUsage, `--kind: "civil-ish" is not civil, criminal or administrative`},
		{"bad member", appellate, []string{"court", "panel", second, "--member", "张法官"}, exitUsage, `--member "张法官": want ROLE:NAME`},
		{"another court", clerk, []string{"court", "docket", second, "--kind", "civil"}, exitFailure, "not allowed: the case is before 京, not 京73"},
		{"award refused", appellate, append([]string{"court", "judgment", second, "--infringement"}, append(trademarkArgs[2:], "--contribution", "1.5")...),
			exitRefused, "--contribution (damages.period.contribution)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.who.run(tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}
}
