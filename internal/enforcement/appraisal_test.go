package enforcement_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/request"
)

func digest(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}

// TestAppraisalPausesTheDecisionPeriod: the time samples spend with a
// testing institution or with the right holder for identification is not
// counted in the 90 days to decide (SAMR Administrative Penalty Procedure
// Rules Art. 64 ¶2), from the day they are sent to the day the result is
// received, without the officer recording the pause; two appraisals under
// way at once stop the period once. The report and the identification
// become evidence of the matter, which the findings may cite.
//
// By hand, counting by the SAMR rules' Art. 80 (the first day not counted;
// a last day on a rest day moves to the next working day) on the 2026
// notice: opened Mon 2026-03-02, day 1 is 03-03; day 29 is 03-31, day 59
// 04-30, day 90 Sun 05-31 → due Mon 2026-06-01.
//   - Testing: sent Mon 03-16, report received Wed 03-25: 03-16 … 03-25,
//     both days spent on it, 10 days not counted: 05-31 + 10 = Wed 06-10.
//   - Identification: sent Fri 03-20, received Mon 03-30: 03-20 … 03-30 is
//     11 days, of which 03-20 … 03-25 are already not counted; 03-26 …
//     03-30 is 5 more: 06-10 + 5 = Mon 2026-06-15, a working day
//     (the Dragon Boat holiday is 06-19 … 06-21).
//
// The limit moves by exactly the 15 days not counted: 05-31 + 15 = 06-15.
func TestAppraisalPausesTheDecisionPeriod(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	f.setDay("2026-03-02")
	m := f.file("91330100MA2AXQ9B12")
	c := f.investigate(m, "40000")
	if c.GetDecisionDue() != "2026-06-01" {
		t.Fatalf("opened: decision due %s, want 2026-06-01", c.GetDecisionDue())
	}
	f.setDay("2026-03-05")
	ins, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: c.GetName(), Etag: c.GetEtag(),
		Inspection: &ipcasev1.Inspection{Date: "2026-03-05", Place: "文三路 88 号", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"},
			Findings: "cups and lids bearing the mark", SeizedGoods: []*ipcasev1.SeizedGoods{
				{Description: "cups bearing 星河", Quantity: 1000, Unit: "pieces", UnitValueYuan: "2.50", Location: "store room 3"},
				{Description: "lids bearing 星河", Quantity: 400, Unit: "pieces", UnitValueYuan: "0.50", Location: "store room 3"}}}})
	if err != nil {
		t.Fatal(err)
	}
	c = ins.GetCase()
	cups, lids := c.GetSeizedGoods()[0].GetId(), c.GetSeizedGoods()[1].GetId()

	send := func(kind ipcasev1.AppraisalKind, to, sent string, samples ...string) (*ipcasev1.EnforcementCase, error) {
		r, err := f.Enforcement.RequestAppraisal(f.ctx, &ipcasev1.RequestAppraisalRequest{Name: c.GetName(), Etag: c.GetEtag(),
			Appraisal: &ipcasev1.AppraisalRequest{Kind: kind, Institution: to, Question: "Are the marks on the samples counterfeit?",
				Samples: samples, SentOn: sent}})
		if err == nil {
			c = r.GetCase()
		}
		return r.GetCase(), err
	}
	f.setDay("2026-03-16")
	got, err := send(ipcasev1.AppraisalKind_APPRAISAL_KIND_TESTING, "浙江省产品质量检验研究院", "2026-03-16", cups)
	if err != nil {
		t.Fatal(err)
	}
	sent := got.GetAppraisals()[0]
	if !sent.GetPending() || got.GetDecisionDue() != "2026-06-01" {
		t.Errorf("sent for testing: pending %v, due %s; want pending, due unchanged until the report", sent.GetPending(), got.GetDecisionDue())
	}
	if last := got.GetSeizedGoods()[0].GetCustody(); last[len(last)-1].GetAction() != ipcasev1.CustodyAction_CUSTODY_ACTION_SAMPLED {
		t.Errorf("the cups' custody does not record the sample: %v", last)
	}
	f.refused("samples of goods not seized in the case", codes.InvalidArgument, "appraisal.samples", func() error {
		_, err := send(ipcasev1.AppraisalKind_APPRAISAL_KIND_TESTING, "浙江省产品质量检验研究院", "2026-03-16", "no-such-goods")
		return err
	})
	f.setDay("2026-03-20")
	got, err = send(ipcasev1.AppraisalKind_APPRAISAL_KIND_IDENTIFICATION, "福州星河茶饮有限公司", "2026-03-20", cups, lids)
	if err != nil {
		t.Fatal(err)
	}
	ident := got.GetAppraisals()[1]

	report := &ipcasev1.AppraisalReport{Number: "浙质检〔2026〕鉴字第0316号", Qualification: "CMA 161100000001", Conclusion: "The marks are counterfeit.",
		ReportedOn: "2026-03-24", ReceivedOn: "2026-03-25",
		Document: &ipcasev1.Evidence{Sha256: digest("report 0316"), SizeBytes: 81234, MediaType: "application/pdf"}}
	recordReport := func(id string, r *ipcasev1.AppraisalReport) (*ipcasev1.EnforcementCase, error) {
		resp, err := f.Enforcement.RecordAppraisalReport(f.ctx, &ipcasev1.RecordAppraisalReportRequest{Name: c.GetName(), Etag: c.GetEtag(),
			AppraisalId: id, Report: r})
		if err == nil {
			c = resp.GetCase()
		}
		return resp.GetCase(), err
	}
	f.setDay("2026-03-26")
	f.refused("a report on the identification request", codes.InvalidArgument, "appraisal_id", func() error {
		_, err := recordReport(ident.GetId(), report)
		return err
	})
	early := &ipcasev1.AppraisalReport{Number: report.Number, Qualification: report.Qualification, Conclusion: report.Conclusion,
		ReportedOn: "2026-03-15", Document: report.Document}
	f.refused("a report received before the samples were sent", codes.InvalidArgument, "report.received_on", func() error {
		_, err := recordReport(sent.GetId(), early)
		return err
	})
	got, err = recordReport(sent.GetId(), report)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.GetAppraisals()[0]; a.GetPending() || a.GetDaysNotCounted() != 10 || got.GetDecisionDue() != "2026-06-10" {
		t.Errorf("report received: pending %v, %d days not counted, due %s; want 10 days, due 2026-06-10", a.GetPending(), a.GetDaysNotCounted(), got.GetDecisionDue())
	}

	statement := &ipcasev1.Evidence{Sha256: digest("identification 0320"), SizeBytes: 20480, MediaType: "application/pdf"}
	identify := func(items ...*ipcasev1.IdentifiedItem) (*ipcasev1.EnforcementCase, error) {
		resp, err := f.Enforcement.RecordIdentification(f.ctx, &ipcasev1.RecordIdentificationRequest{Name: c.GetName(), Etag: c.GetEtag(),
			AppraisalId: ident.GetId(), Identification: &ipcasev1.Identification{SignedBy: "陈敏（福州星河茶饮有限公司法务）",
				SignedOn: "2026-03-28", ReceivedOn: "2026-03-30", Items: items, Statement: statement}})
		if err == nil {
			c = resp.GetCase()
		}
		return resp.GetCase(), err
	}
	cupItem := &ipcasev1.IdentifiedItem{GoodsId: cups, Counterfeit: true, Basis: "no anti-counterfeit label; wrong font of 星河"}
	f.setDay("2026-03-31")
	f.refused("an identification leaving out a sample", codes.InvalidArgument, "identification.items", func() error {
		_, err := identify(cupItem)
		return err
	})
	got, err = identify(cupItem, &ipcasev1.IdentifiedItem{GoodsId: lids, Counterfeit: true, Basis: "lids are not made for 星河"})
	if err != nil {
		t.Fatal(err)
	}
	if a := got.GetAppraisals()[1]; a.GetDaysNotCounted() != 5 || got.GetDecisionDue() != "2026-06-15" {
		t.Errorf("identification received: %d days not counted, due %s; want 5 (03-26 … 03-30), due 2026-06-15", a.GetDaysNotCounted(), got.GetDecisionDue())
	}
	var pauses []string
	for _, p := range got.GetPauses() {
		pauses = append(pauses, p.GetKind().String()+" "+p.GetStart()+" "+p.GetEnd())
	}
	if want := []string{"PAUSE_KIND_TESTING 2026-03-16 2026-03-25", "PAUSE_KIND_IDENTIFICATION 2026-03-26 2026-03-30"}; !slices.Equal(pauses, want) {
		t.Errorf("pauses %v, want %v", pauses, want)
	}

	// The clock's derivation shows the time not counted, the history each step.
	_, procID, _ := request.SplitProceeding(c.GetName())
	dls, err := f.Clocks.ForProceeding(t.Context(), procID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(dls, func(d clock.Deadline) bool { return d.Kind == enforcement.KindDecision })
	if i < 0 || dls[i].Due.String() != "2026-06-15" || !strings.Contains(strings.Join(dls[i].Steps, "\n"), "Art. 64 ¶2") {
		t.Errorf("decision clock %+v; want due 2026-06-15 with the time not counted under Art. 64 ¶2", dls)
	}
	tl := strings.Join(f.timeline(m.GetName()), " ")
	for _, typ := range []string{"enforcement.appraisal_requested", "enforcement.appraisal_reported", "enforcement.identification_recorded", "enforcement.decision_pause_recorded"} {
		if !strings.Contains(tl, typ) {
			t.Errorf("timeline lacks %s: %s", typ, tl)
		}
	}

	// The report and the statement are evidence of the matter, which the
	// findings cite; a digest outside the matter is refused.
	mt, err := f.Filing.GetMatter(f.ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]ipcasev1.EvidenceSource{}
	for _, e := range mt.GetMatter().GetEvidence() {
		sources[e.GetSha256()] = e.GetSource()
	}
	if sources[report.Document.Sha256] != ipcasev1.EvidenceSource_EVIDENCE_SOURCE_APPRAISAL_REPORT ||
		sources[statement.Sha256] != ipcasev1.EvidenceSource_EVIDENCE_SOURCE_IDENTIFICATION {
		t.Errorf("matter evidence %v lacks the report and the statement", sources)
	}
	findings := func(cite ...string) error {
		r, err := f.Enforcement.RecordFindings(f.ctx, &ipcasev1.RecordFindingsRequest{Name: c.GetName(), Etag: c.GetEtag(),
			Findings: &ipcasev1.Findings{Text: "1,000 counterfeit cups; the report and the holder's identification agree.", BusinessVolumeYuan: "40000",
				Computation: "Trademark Implementing Regulations Art. 78", Evidence: cite}})
		if err == nil {
			c = r.GetCase()
		}
		return err
	}
	f.refused("findings citing a file that is not the matter's evidence", codes.InvalidArgument, "findings.evidence[1]", func() error {
		return findings(report.Document.Sha256, digest("not in the matter"))
	})
	if err := findings(report.Document.Sha256, statement.Sha256); err != nil {
		t.Fatal(err)
	}
	if ev := c.GetFindings().GetEvidence(); !slices.Equal(ev, []string{report.Document.Sha256, statement.Sha256}) {
		t.Errorf("findings cite %v", ev)
	}
}

// TestAppraisalOnTheOpeningDay: the opening day is not counted anyway
// (SAMR Administrative Penalty Procedure Rules Art. 80), so samples sent
// that day stop the period from the next day. Opened Mon 2026-03-02, due
// Mon 06-01 (raw end Sun 05-31); sent 03-02, report received Wed 03-04:
// 03-03 and 03-04 are not counted, 2 days: 05-31 + 2 = Tue 2026-06-02.
func TestAppraisalOnTheOpeningDay(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	f.setDay("2026-03-02")
	c := f.investigate(f.file("91330100MA2AXQ9B12"), "40000")
	ins, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: c.GetName(), Etag: c.GetEtag(),
		Inspection: &ipcasev1.Inspection{Date: "2026-03-02", Place: "文三路 88 号", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"},
			Findings: "cups", SeizedGoods: []*ipcasev1.SeizedGoods{{Description: "cups", Quantity: 10, Unit: "pieces", Location: "store room 3"}}}})
	if err != nil {
		t.Fatal(err)
	}
	c = ins.GetCase()
	rq, err := f.Enforcement.RequestAppraisal(f.ctx, &ipcasev1.RequestAppraisalRequest{Name: c.GetName(), Etag: c.GetEtag(),
		Appraisal: &ipcasev1.AppraisalRequest{Kind: ipcasev1.AppraisalKind_APPRAISAL_KIND_TESTING, Institution: "浙江省产品质量检验研究院",
			Question: "counterfeit?", Samples: []string{c.GetSeizedGoods()[0].GetId()}, SentOn: "2026-03-02"}})
	if err != nil {
		t.Fatal(err)
	}
	c = rq.GetCase()
	f.setDay("2026-03-04")
	rr, err := f.Enforcement.RecordAppraisalReport(f.ctx, &ipcasev1.RecordAppraisalReportRequest{Name: c.GetName(), Etag: c.GetEtag(),
		AppraisalId: c.GetAppraisals()[0].GetId(), Report: &ipcasev1.AppraisalReport{Number: "R-1", Qualification: "CMA 1", Conclusion: "counterfeit",
			ReportedOn: "2026-03-04", Document: &ipcasev1.Evidence{Sha256: digest("r-1"), SizeBytes: 10, MediaType: "application/pdf"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rr.GetCase(); got.GetDecisionDue() != "2026-06-02" || got.GetAppraisals()[0].GetDaysNotCounted() != 2 {
		t.Errorf("due %s, %d days not counted; want 2026-06-02, 2", got.GetDecisionDue(), got.GetAppraisals()[0].GetDaysNotCounted())
	}
}
