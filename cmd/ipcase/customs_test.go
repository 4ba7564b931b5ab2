package main

import (
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestCustomsVerbs drives an ex officio detention with the built binary:
// a recordation approved on 2 January 2020 (valid 10 years, to 1 January
// 2030: Regulations on Customs Protection of IPR Art. 10 ¶1); kettles worth
// 3,000 × 50 = 150,000 yuan reported on Wed 29 April 2026, so the holder
// applies by Thu 7 May (3 working days: 30 April, then 6 and 7 May after
// the 1–5 May holidays; Art. 16) with a guarantee of 50 % of the value,
// 75,000 yuan (GAC Implementing Measures Art. 23); a fine above 30 % of
// the value, 45,000 yuan, is refused naming --fine (Customs Administrative
// Penalty Implementing Regulations Art. 25), and one at it confiscates.
func TestCustomsVerbs(t *testing.T) {
	t.Parallel()
	e := newStepEnv(t, "2026-04-29")
	e.conn = []string{"--server", e.Conn.Target(), "--token", e.Auth.Officer(t, "GACC-NB")}
	got, err := e.Filing.GetMatter(authtest.WithToken(t.Context(), e.officer), &ipcasev1.GetMatterRequest{
		Name: e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT)})
	if err != nil {
		t.Fatal(err)
	}
	holder, consignor := got.GetMatter().GetComplainant().GetName(), got.GetMatter().GetRespondents()[0].GetName()

	var rec ipcasev1.Recordation
	e.step(t, &rec, "customs", "record", "--holder", holder, "--type", "trademark", "--reg", "12345678", "--title", "星河",
		"--number", "T2020-00001", "--approved", "2020-01-02")
	if rec.GetExpiresOn() != "2030-01-01" || rec.GetRenewalOpensOn() != "2029-07-02" || rec.GetFeeYuan() != "0.00" {
		t.Errorf("record: valid to %s, renewable from %s, fee %s; want 2030-01-01, 2029-07-02, 0.00", rec.GetExpiresOn(), rec.GetRenewalOpensOn(), rec.GetFeeYuan())
	}

	var sh ipcasev1.Shipment
	e.step(t, &sh, "customs", "report", "--office", "GACC-NB", "--recordation", rec.GetName(), "--respondent", consignor,
		"--direction", "export", "--goods", "电热水壶:3000:个:50", "--facts", "查验发现带“星河”标识", "--on", "2026-04-29")
	if sh.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_HOLDER_NOTIFIED || sh.GetReplyDue() != "2026-05-07" ||
		sh.GetGuarantee().GetRequiredYuan() != "75000.00" {
		t.Fatalf("report: %s, reply due %s, guarantee %s", sh.GetState(), sh.GetReplyDue(), sh.GetGuarantee().GetRequiredYuan())
	}
	e.setDay(t, "2026-05-06")
	holderCtx := authtest.WithToken(t.Context(), e.Auth.RightsHolder(t, strings.TrimPrefix(holder, "parties/")))
	if _, err := e.Customs.ReplyToNotice(holderCtx, &ipcasev1.ReplyToNoticeRequest{Name: sh.GetName(), Etag: sh.GetEtag(), Apply: true,
		GuaranteeYuan: "75000"}); err != nil {
		t.Fatalf("ReplyToNotice: %v", err)
	}

	e.setDay(t, "2026-06-10")
	r := ipcase(t, append([]string{"customs", "decide", sh.GetName(), "--finding", "infringing", "--fine", "45000.01", "--disposal", "destroyed",
		"--reason", "商标侵权"}, e.conn...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "--fine") || !strings.Contains(r.stderr, "45000.00") {
		t.Errorf("decide --fine 45000.01: exit %d, %q; want a refusal naming --fine and the ceiling", r.code, r.stderr)
	}
	r = ipcase(t, append([]string{"customs", "decide", sh.GetName(), "--finding", "guilty", "--reason", "x"}, e.conn...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "--finding") {
		t.Errorf("decide --finding guilty: exit %d, %q; want a usage error naming --finding", r.code, r.stderr)
	}
	e.step(t, &sh, "customs", "decide", sh.GetName(), "--finding", "infringing", "--fine", "45000", "--disposal", "destroyed", "--reason", "商标侵权")
	if sh.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CONFISCATED || sh.GetDecision().GetFineYuan() != "45000.00" {
		t.Fatalf("decide: %s, %v", sh.GetState(), sh.GetDecision())
	}
	r = ipcase(t, append([]string{"customs", "show", sh.GetName()}, e.conn...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "customs confiscated at GACC-NB (ex officio)") || !strings.Contains(r.stdout, "fine 45000.00 yuan (at most 45000.00), destroyed") {
		t.Errorf("show: exit %d, %q", r.code, r.stdout)
	}
}
