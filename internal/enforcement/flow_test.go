package enforcement_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// cst is China Standard Time; the server's "today" is the date there.
var cst = time.FixedZone("CST", 8*3600)

// The server's clock: Monday 2026-09-28, 10:00 CST.
var monday = time.Date(2026, 9, 28, 10, 0, 0, 0, cst)

const agency = "SAMR-HZ"

type flow struct {
	*chaintest.Env
	t   *testing.T
	ctx context.Context // as an officer of SAMR-HZ
	now atomic.Pointer[time.Time]
}

// newFlow starts the services with a clock that reads monday until the test
// sets another day.
func newFlow(t *testing.T) *flow {
	f := &flow{t: t}
	f.now.Store(&monday)
	f.Env = chaintest.Start(t, func() time.Time { return *f.now.Load() })
	f.ctx = authtest.WithToken(t.Context(), f.Auth.Officer(t, agency))
	return f
}

// setDay moves the server's clock to 10:00 CST on day.
func (f *flow) setDay(day string) {
	d, err := time.ParseInLocation(time.DateOnly, day, cst)
	if err != nil {
		f.t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	f.now.Store(&d)
}

// file submits a trademark complaint against an organisation and accepts
// it into enforcement at SAMR-HZ.
func (f *flow) file(respondentCode string) *ipcasev1.Matter {
	f.t.Helper()
	sub, err := f.Filing.SubmitComplaint(f.ctx, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: respondentCode}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Counterfeit cups sold at three shops.",
		Agency:      agency,
	})
	if err != nil {
		f.t.Fatalf("SubmitComplaint: %v", err)
	}
	acc, err := f.Filing.AcceptComplaint(f.ctx, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(), Etag: sub.GetMatter().GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: agency})
	if err != nil {
		f.t.Fatalf("AcceptComplaint: %v", err)
	}
	return acc.GetMatter()
}

// investigate opens the case, assigns two officers and records findings
// with the given illegal business volume.
func (f *flow) investigate(m *ipcasev1.Matter, volume string) *ipcasev1.EnforcementCase {
	f.t.Helper()
	open, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: agency})
	if err != nil {
		f.t.Fatalf("OpenEnforcement: %v", err)
	}
	c := open.GetCase()
	as, err := f.Enforcement.AssignOfficers(f.ctx, &ipcasev1.AssignOfficersRequest{Name: c.GetName(), Etag: c.GetEtag(), Officers: []*ipcasev1.Officer{
		{Subject: "officer@SAMR-HZ", DisplayName: "王伟", BadgeNumber: "33010001"},
		{Subject: "li.na@SAMR-HZ", DisplayName: "李娜", BadgeNumber: "33010002"},
	}})
	if err != nil {
		f.t.Fatalf("AssignOfficers: %v", err)
	}
	fd, err := f.Enforcement.RecordFindings(f.ctx, &ipcasev1.RecordFindingsRequest{Name: c.GetName(), Etag: as.GetCase().GetEtag(),
		Findings: &ipcasev1.Findings{Text: "1,000 counterfeit cups sold since June.", BusinessVolumeYuan: volume,
			Computation: "Trademark Implementing Regulations Art. 78: average sale price × quantity sold"}})
	if err != nil {
		f.t.Fatalf("RecordFindings: %v", err)
	}
	return fd.GetCase()
}

// notify serves the penalty notice on servedOn.
func (f *flow) notify(c *ipcasev1.EnforcementCase, servedOn string) *ipcasev1.EnforcementCase {
	f.t.Helper()
	resp, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), ServedOn: servedOn,
		Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
			Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}})
	if err != nil {
		f.t.Fatalf("NotifyPenalty: %v", err)
	}
	return resp.GetCase()
}

func code(err error) codes.Code { return status.Code(err) }

// TestEnforcementFlow: complaint → accepted → enforcement → inspection →
// notice → hearing → decision → closed, with every step's event in the
// matter's timeline and dates worked out by hand on the 2026 calendar.
func TestEnforcementFlow(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	m := f.file("91330100MA2AXQ9B12")

	open, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: agency, RequestId: "open-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := open.GetCase()
	// Opened Mon 2026-09-28; 90 days (APL Art. 60), the opening day not
	// counted: 10-28 is day 30, 11-27 day 60, 12-27 day 90 — a Sunday, so
	// the period ends on Monday 2026-12-28.
	if c.GetOpenedOn() != "2026-09-28" || c.GetDecisionDue() != "2026-12-28" || c.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_OPENED {
		t.Fatalf("opened case: opened %s, due %s, state %v; want 2026-09-28, 2026-12-28, OPENED", c.GetOpenedOn(), c.GetDecisionDue(), c.GetState())
	}
	// The retry returns the same case; opening again is refused.
	again, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: agency, RequestId: "open-1"})
	if err != nil || again.GetCase().GetName() != c.GetName() {
		t.Errorf("retried open: %v, %v", again.GetCase().GetName(), err)
	}

	as, err := f.Enforcement.AssignOfficers(f.ctx, &ipcasev1.AssignOfficersRequest{Name: c.GetName(), Etag: c.GetEtag(), Officers: []*ipcasev1.Officer{
		{Subject: "officer@SAMR-HZ", DisplayName: "王伟"}, {Subject: "li.na@SAMR-HZ", DisplayName: "李娜"}}})
	if err != nil {
		t.Fatal(err)
	}
	insp, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: c.GetName(), Etag: as.GetCase().GetEtag(),
		Inspection: &ipcasev1.Inspection{Date: "2026-09-28", Place: "杭州市西湖区文三路 88 号", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"},
			Findings:    "1,000 cups bearing the mark in the store room.",
			SeizedGoods: []*ipcasev1.SeizedGoods{{Description: "paper cups bearing 星河", Quantity: 1000, Unit: "pieces", UnitValueYuan: "2.50", Location: "agency store room 3"}},
			Evidence:    []*ipcasev1.Evidence{{Sha256: strings.Repeat("cd", 32), SizeBytes: 2048, MediaType: "image/jpeg", Description: "photo of the store room"}}}})
	if err != nil {
		t.Fatal(err)
	}
	goods := insp.GetCase().GetSeizedGoods()[0]
	cu, err := f.Enforcement.RecordCustody(f.ctx, &ipcasev1.RecordCustodyRequest{Name: c.GetName(), Etag: insp.GetCase().GetEtag(), GoodsId: goods.GetId(),
		Entry: &ipcasev1.CustodyEntry{Action: ipcasev1.CustodyAction_CUSTODY_ACTION_EXAMINED, Date: "2026-09-29", By: "rights holder's examiner", Note: "all 1,000 counterfeit"}})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := f.Enforcement.RecordFindings(f.ctx, &ipcasev1.RecordFindingsRequest{Name: c.GetName(), Etag: cu.GetCase().GetEtag(),
		Findings: &ipcasev1.Findings{Text: "1,600 cups sold at 25 yuan.", BusinessVolumeYuan: "40000", Computation: "Trademark Implementing Regulations Art. 78: 1,600 × 25"}})
	if err != nil {
		t.Fatal(err)
	}
	// Served Wed 2026-09-30. Five working days (APL Arts. 64(1), 85):
	// 10-01…10-07 are the National Day holiday; 10-08 Thu is day 1, 10-09
	// Fri day 2, Sat 10-10 a make-up working day day 3, Sun 10-11 rest,
	// 10-12 Mon day 4, 10-13 Tue day 5.
	n := f.notify(fd.GetCase(), "2026-09-30").GetNotice()
	// Trademark Law 2019 Art. 60 ¶2: volume 40,000 < 50,000 → up to 250,000.
	if n.GetHearingRequestDue() != "2026-10-13" || n.GetRange().GetMaxYuan() != "250000.00" || !n.GetHearingAvailable() || n.GetCriminalThresholdCrossed() {
		t.Fatalf("notice: due %s, max %s, hearing %v, criminal %v; want 2026-10-13, 250000.00, true, false",
			n.GetHearingRequestDue(), n.GetRange().GetMaxYuan(), n.GetHearingAvailable(), n.GetCriminalThresholdCrossed())
	}
	c = f.get(c.GetName())

	// The hearing: asked for on Mon 10-12, its notice served on Tue 10-13.
	// The notice must reach the party 7 working days before the hearing
	// (SAMR Hearing Measures Art. 20; APL Art. 85), counted from the
	// service, not from the request: 10-14, 15, 16, 19, 20, 21, 22 → Thu
	// 10-22 at the earliest. Counted from the request it would have been
	// 10-21, which is refused.
	hr, err := f.Enforcement.RequestHearing(f.ctx, &ipcasev1.RequestHearingRequest{Name: c.GetName(), Etag: c.GetEtag(), RequestedOn: "2026-10-12"})
	if err != nil {
		t.Fatal(err)
	}
	// Without a notice served, no hearing can be recorded.
	f.setDay("2026-10-13")
	_, err = f.Enforcement.RecordHearing(f.ctx, &ipcasev1.RecordHearingRequest{Name: c.GetName(), Etag: hr.GetCase().GetEtag(), HeldOn: "2026-10-13", Record: "x"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "no hearing notice was served") {
		t.Errorf("hearing without a notice: %v; want FailedPrecondition", err)
	}
	_, err = f.Enforcement.ServeHearingNotice(f.ctx, &ipcasev1.ServeHearingNoticeRequest{Name: c.GetName(), Etag: hr.GetCase().GetEtag(),
		ServedOn: "2026-10-13", ScheduledFor: "2026-10-21"})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "the earliest day is 2026-10-22") {
		t.Errorf("hearing on 10-21: %v; want InvalidArgument naming 2026-10-22", err)
	}
	hn, err := f.Enforcement.ServeHearingNotice(f.ctx, &ipcasev1.ServeHearingNoticeRequest{Name: c.GetName(), Etag: hr.GetCase().GetEtag(),
		ServedOn: "2026-10-13", ScheduledFor: "2026-10-22"})
	if err != nil {
		t.Fatal(err)
	}
	if h := hn.GetCase().GetHearing(); h.GetNoticeServedOn() != "2026-10-13" || h.GetScheduledFor() != "2026-10-22" {
		t.Errorf("hearing = %v; want notice served 2026-10-13, scheduled for 2026-10-22", h)
	}
	// Deciding before the hearing is held is refused.
	f.setDay("2026-10-22")
	_, err = f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: hn.GetCase().GetEtag(), FineYuan: "120000", DecidedOn: "2026-10-22"})
	if code(err) != codes.FailedPrecondition {
		t.Errorf("decision before the hearing: %v; want FailedPrecondition", err)
	}
	held, err := f.Enforcement.RecordHearing(f.ctx, &ipcasev1.RecordHearingRequest{Name: c.GetName(), Etag: hn.GetCase().GetEtag(), HeldOn: "2026-10-22", Record: "The respondent admitted the sales."})
	if err != nil {
		t.Fatal(err)
	}
	f.setDay("2026-10-26")
	// A decision dated before the hearing it follows is refused.
	_, err = f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: held.GetCase().GetEtag(), FineYuan: "120000", DecidedOn: "2026-10-21"})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "decided_on: 2026-10-21 is before the hearing was held on 2026-10-22") {
		t.Errorf("decision before the hearing's day: %v; want InvalidArgument naming decided_on and 2026-10-22", err)
	}
	dec, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: held.GetCase().GetEtag(), FineYuan: "120000",
		DecidedOn: "2026-10-26", Confiscation: "the seized cups", DestructionOrders: []string{"destroy the 1,000 seized cups"}})
	if err != nil {
		t.Fatal(err)
	}
	d := dec.GetCase().GetDecision()
	if d.GetNumber() != "SAMR-HZ处罚〔2026〕1号" || d.GetFineYuan() != "120000.00" || d.GetLaw() != "Trademark Law 2019, Art. 60 ¶2" {
		t.Errorf("decision = %v; want number SAMR-HZ处罚〔2026〕1号, fine 120000.00 under Trademark Law 2019, Art. 60 ¶2", d)
	}
	// Decided and delivered on the spot on Mon 10-26: 15 days to pay (APL
	// Art. 67 ¶3), the day itself not counted: 10-31 is day 5, 11-10 day
	// 15, a Tuesday and a working day. Not overdue: no surcharge.
	if p := dec.GetCase().GetPayment(); p.GetDue() != "2026-11-10" || p.GetDueProvisional() || p.GetSurchargeYuan() != "0.00" || p.GetDaysOverdue() != 0 {
		t.Errorf("payment = %v; want due 2026-11-10, exact, no surcharge", p)
	}
	// The seized goods are destroyed, with a certificate, and the case closed.
	f.setDay("2026-11-02")
	ds, err := f.Enforcement.RecordCustody(f.ctx, &ipcasev1.RecordCustodyRequest{Name: c.GetName(), Etag: dec.GetCase().GetEtag(), GoodsId: goods.GetId(),
		Entry: &ipcasev1.CustodyEntry{Action: ipcasev1.CustodyAction_CUSTODY_ACTION_DESTROYED, Date: "2026-11-02", By: "王伟", Certificate: "XH-2026-0042"}})
	if err != nil {
		t.Fatal(err)
	}
	if st := ds.GetCase().GetSeizedGoods()[0].GetStatus(); st != ipcasev1.GoodsStatus_GOODS_STATUS_DESTROYED {
		t.Errorf("goods status %v, want DESTROYED", st)
	}
	cl, err := f.Enforcement.CloseEnforcement(f.ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: ds.GetCase().GetEtag()})
	if err != nil || cl.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED {
		t.Fatalf("close: %v, %v", cl.GetCase().GetState(), err)
	}

	want := []string{"complaint.submitted", "complaint.accepted", "proceeding.opened", "enforcement.opened",
		"enforcement.officers_assigned", "enforcement.inspection_recorded", "enforcement.custody_recorded",
		"enforcement.findings_recorded", "enforcement.penalty_notified", "enforcement.hearing_requested",
		"enforcement.hearing_notice_served", "enforcement.hearing_held", "enforcement.decided", "enforcement.custody_recorded", "enforcement.closed"}
	if diff := cmp.Diff(want, f.timeline(m.GetName())); diff != "" {
		t.Errorf("timeline mismatch (-want +got):\n%s", diff)
	}
	v, err := f.Filing.VerifyMatterHistory(f.ctx, &ipcasev1.VerifyMatterHistoryRequest{Name: m.GetName()})
	if err != nil || !v.GetIntact() {
		t.Errorf("history: %v, %v", v, err)
	}
	// The decided infringement is on the respondent's record: a second case
	// against it, opened later, shows it and the calculator treats it as a
	// repeat (Trademark Law Art. 60 ¶2: two within 5 years → heavier).
	f.setDay("2026-11-02")
	m2 := f.file("91330100MA2AXQ9B12")
	c2 := f.notify(f.investigate(m2, "40000"), "2026-11-02")
	if p := c2.GetPriorInfringements(); len(p) != 1 || p[0].GetReference() != "SAMR-HZ处罚〔2026〕1号" {
		t.Errorf("prior infringements of the second case = %v", p)
	}
	if !c2.GetNotice().GetRange().GetHeavier() || c2.GetNotice().GetFine().GetEarlierInfringements() != 1 {
		t.Errorf("second notice: heavier %v, earlier %d; want true, 1", c2.GetNotice().GetRange().GetHeavier(), c2.GetNotice().GetFine().GetEarlierInfringements())
	}
}

func (f *flow) get(name string) *ipcasev1.EnforcementCase {
	f.t.Helper()
	resp, err := f.Enforcement.GetEnforcement(f.ctx, &ipcasev1.GetEnforcementRequest{Name: name})
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.GetCase()
}

func (f *flow) timeline(matter string) []string {
	f.t.Helper()
	evs, err := f.Filing.ListMatterEvents(f.ctx, &ipcasev1.ListMatterEventsRequest{Parent: matter, PageSize: 500})
	if err != nil {
		f.t.Fatal(err)
	}
	var types []string
	for _, e := range evs.GetEvents() {
		types = append(types, e.GetType())
	}
	return types
}

// TestSettlementClosesAnOpenCase: an agreement a court confirmed settles
// the dispute (CPL Art. 206) and closes an open case through the machine
// from whatever step it reached, here INVESTIGATING, ending its clocks;
// an officer closes only a case decided, dismissed or transferred, so
// CloseEnforcement of the same case is refused and writes nothing.
func TestSettlementClosesAnOpenCase(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	m := f.file("91330100MA2AXQ9B12")
	c := f.investigate(m, "40000")
	if c.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_INVESTIGATING {
		t.Fatalf("case under investigation: %v, want INVESTIGATING", c.GetState())
	}
	matterID, procID, ok := request.SplitProceeding(c.GetName())
	if !ok {
		t.Fatalf("case name %q", c.GetName())
	}

	before := f.Counts(t)
	_, err := f.Enforcement.CloseEnforcement(f.ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: c.GetEtag(), Reason: "the parties say they settled"})
	if want := "cannot close: the enforcement case is INVESTIGATING"; code(err) != codes.FailedPrecondition || status.Convert(err).Message() != want {
		t.Errorf("officer's close of an INVESTIGATING case: %v; want FailedPrecondition saying %q", err, want)
	}
	if diff := cmp.Diff(before, f.Counts(t)); diff != "" {
		t.Errorf("refused close wrote rows (-before +after):\n%s", diff)
	}
	if got := f.get(c.GetName()); got.GetState() != c.GetState() || got.GetEtag() != c.GetEtag() {
		t.Errorf("after the refused close: state %v etag %s; want %v %s unchanged", got.GetState(), got.GetEtag(), c.GetState(), c.GetEtag())
	}

	// Once a court confirmed the agreement, ipcased's consumer of the
	// court's answer (mediation.RegisterOutcomes) settles the matter's open
	// cases this way.
	const reason = "settled by the mediation agreement confirmed by 浙01 (2026)浙01民特1号 (CPL Art. 206)"
	settle := func() error {
		return f.DB.InTx(t.Context(), func(tx store.Tx) error {
			return f.EnforcementStore.CloseSettled(tx, f.Clocks, filing.MatterID(matterID), reason, *f.now.Load())
		})
	}
	if err := settle(); err != nil {
		t.Fatalf("CloseSettled: %v", err)
	}
	settled := f.get(c.GetName())
	if settled.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED || settled.GetCloseReason() != reason {
		t.Errorf("settled case: state %v, close reason %q; want CLOSED, %q", settled.GetState(), settled.GetCloseReason(), reason)
	}
	evs, err := f.Filing.ListMatterEvents(f.ctx, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName(), PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	last := evs.GetEvents()[len(evs.GetEvents())-1]
	if p := last.GetPayload().AsMap(); last.GetType() != "enforcement.closed" || p["settled"] != true || p["reason"] != reason {
		t.Errorf("last event %s with payload %v; want enforcement.closed, settled, with the reason", last.GetType(), p)
	}
	dls, err := f.Clocks.ForProceeding(t.Context(), procID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dls {
		if d.Status == clock.StatusOpen {
			t.Errorf("deadline %s still OPEN after the settlement", d.Kind)
		}
	}
	if len(dls) == 0 {
		t.Error("the case had no decision deadline to end")
	}
	mt, err := f.Filing.GetMatter(f.ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil || mt.GetMatter().GetState() != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("matter whose only case was settled: %v, %v; want CLOSED", mt.GetMatter().GetState(), err)
	}

	// A redelivered confirmation changes nothing.
	before = f.Counts(t)
	if err := settle(); err != nil {
		t.Fatalf("CloseSettled again: %v", err)
	}
	if diff := cmp.Diff(before, f.Counts(t)); diff != "" {
		t.Errorf("settling a closed case again wrote rows (-before +after):\n%s", diff)
	}
	if got := f.get(c.GetName()); got.GetEtag() != settled.GetEtag() {
		t.Errorf("settling again changed the case: etag %s, was %s", got.GetEtag(), settled.GetEtag())
	}
}
