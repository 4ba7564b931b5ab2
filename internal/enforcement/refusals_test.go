package enforcement_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestRefusalsWriteNothing: each refused step leaves every table as it was.
func TestRefusalsWriteNothing(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	c := f.notify(f.investigate(f.file("91330100MA2AXQ9B12"), "40000"), "2026-09-30") // window ends 2026-10-13
	open := f.investigate(f.file("92310115MA1K4L7P6H"), "10000")
	opened, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: f.file("92310115MA1K4L7P6H").GetName()}, Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	f.setDay("2026-10-14")
	for _, tt := range []struct {
		name  string
		call  func() error
		code  codes.Code
		words string
	}{
		{"a fine outside the range (Trademark Law Art. 60 ¶2: up to 250,000)", func() error {
			_, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: "260000", DecidedOn: "2026-10-14"})
			return err
		}, codes.InvalidArgument, "outside the lawful range 0.00–250000.00 of Trademark Law 2019, Art. 60 ¶2"},
		{"a decision inside the hearing window (last day 2026-10-13)", func() error {
			_, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: "100000", DecidedOn: "2026-10-13"})
			return err
		}, codes.FailedPrecondition, "until 2026-10-13"},
		{"a hearing asked for after the window", func() error {
			_, err := f.Enforcement.RequestHearing(f.ctx, &ipcasev1.RequestHearingRequest{Name: c.GetName(), Etag: c.GetEtag(), RequestedOn: "2026-10-14"})
			return err
		}, codes.FailedPrecondition, "by 2026-10-13"},
		{"one officer on an inspection", func() error {
			_, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: open.GetName(), Etag: open.GetEtag(),
				Inspection: &ipcasev1.Inspection{Date: "2026-09-28", Place: "shop", Officers: []string{"officer@SAMR-HZ"}, Findings: "cups"}})
			return err
		}, codes.InvalidArgument, "at least 2 officers"},
		{"an officer not assigned to the case", func() error {
			_, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: open.GetName(), Etag: open.GetEtag(),
				Inspection: &ipcasev1.Inspection{Date: "2026-09-28", Place: "shop", Officers: []string{"officer@SAMR-HZ", "stranger"}, Findings: "cups"}})
			return err
		}, codes.InvalidArgument, "stranger is not assigned"},
		{"a decision dated after today", func() error {
			_, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: "100000", DecidedOn: "2026-10-15"})
			return err
		}, codes.InvalidArgument, "after today"},
		{"a stale etag", func() error {
			_, err := f.Enforcement.DismissEnforcement(f.ctx, &ipcasev1.DismissEnforcementRequest{Name: c.GetName(), Etag: `"e1"`, Reason: "no"})
			return err
		}, codes.Aborted, "stale"},
		{"a second case on a matter whose case is under investigation", func() error {
			_, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
				Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: open.GetMatter()}, Agency: agency, RequestId: "second-case"})
			return err
		}, codes.AlreadyExists, "already has an enforcement case of " + agency},
		{"a second case on a matter whose case was just opened", func() error {
			_, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
				Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: opened.GetCase().GetMatter()}, Agency: agency, RequestId: "second-case-2"})
			return err
		}, codes.AlreadyExists, "already has an enforcement case of " + agency},
		{"an officer of another agency: the case is not found, as one that does not exist", func() error {
			other := authtest.WithToken(t.Context(), f.Auth.Officer(t, "SAMR-SZ"))
			_, err := f.Enforcement.DismissEnforcement(other, &ipcasev1.DismissEnforcementRequest{Name: c.GetName(), Etag: c.GetEtag(), Reason: "no"})
			return err
		}, codes.NotFound, "matter not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := f.Counts(t)
			err := tt.call()
			if code(err) != tt.code || !strings.Contains(err.Error(), tt.words) {
				t.Errorf("got %v; want %v mentioning %q", err, tt.code, tt.words)
			}
			if diff := cmp.Diff(before, f.Counts(t)); diff != "" {
				t.Errorf("refused call wrote rows (-before +after):\n%s", diff)
			}
		})
	}
}

// TestCriminalThresholdLeadsToPolice: figures over a criminal threshold are
// flagged on the notice; the case cannot be closed without a transfer or a
// recorded reason, and the transfer carries the dossier.
func TestCriminalThresholdLeadsToPolice(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	m := f.file("91330100MA2AXQ9B12")
	// Volume 80,000 ≥ 50,000: Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3.
	c := f.notify(f.investigate(m, "80000"), "2026-09-30")
	if !c.GetNotice().GetCriminalThresholdCrossed() || c.GetNotice().GetRange().GetMaxYuan() != "400000.00" {
		t.Fatalf("notice: criminal %v, max %s; want true and 5 × 80,000 = 400000.00", c.GetNotice().GetCriminalThresholdCrossed(), c.GetNotice().GetRange().GetMaxYuan())
	}
	f.setDay("2026-10-14")
	dec, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: "300000", DecidedOn: "2026-10-14"})
	if err != nil {
		t.Fatal(err)
	}
	before := f.Counts(t)
	_, err = f.Enforcement.CloseEnforcement(f.ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: dec.GetCase().GetEtag()})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "transfer the case to the police or record why not") {
		t.Errorf("closing a flagged case silently: %v", err)
	}
	if diff := cmp.Diff(before, f.Counts(t)); diff != "" {
		t.Errorf("refused close wrote rows (-before +after):\n%s", diff)
	}
	// A penalty may not replace transfer (State Council Provisions on
	// Transfer of Suspected Crimes Art. 11): the decided case goes to the
	// police, with its dossier.
	tr, err := f.Enforcement.TransferToPolice(f.ctx, &ipcasev1.TransferToPoliceRequest{Name: c.GetName(), Etag: dec.GetCase().GetEtag(),
		PoliceUnit: "杭州市公安局西湖分局", Reason: "business volume 80,000 reaches the Art. 213 threshold"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_TRANSFERRED_TO_POLICE {
		t.Errorf("state %v", tr.GetCase().GetState())
	}
	evs, err := f.Filing.ListMatterEvents(f.ctx, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName(), PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	last := evs.GetEvents()[len(evs.GetEvents())-1]
	p := last.GetPayload().AsMap()
	if last.GetType() != "enforcement.transferred_to_police" || p["schema"] != "ipcase.transfer.v1" || p["target"] != "POLICE" ||
		len(p["evidence"].([]any)) != 0 || p["fineRange"].(map[string]any)["criminalThresholdCrossed"] != true ||
		p["decision"].(map[string]any)["number"] != "SAMR-HZ处罚〔2026〕1号" {
		t.Errorf("transfer event %s with payload %v", last.GetType(), p)
	}
	cl, err := f.Enforcement.CloseEnforcement(f.ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: tr.GetCase().GetEtag()})
	if err != nil || cl.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED {
		t.Errorf("close after transfer: %v", err)
	}
}

// TestDecisionDeadlineExtension: +30 days with a named approver, once.
func TestDecisionDeadlineExtension(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	c := f.investigate(f.file("91330100MA2AXQ9B12"), "40000")
	// Opened 2026-09-28: 90 + 30 = 120 days, 09-28 + 120 = Tue 2027-01-26 —
	// in 2027, which no notice covers yet: counted on its statutory holidays
	// (National Holiday Measures Art. 2: only New Year's Day in January), a
	// working day, and provisional.
	pe, err := f.Enforcement.ExtendDecisionDeadline(f.ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: c.GetName(), Etag: c.GetEtag(),
		ApprovedBy: "张局长 (head of SAMR-HZ)", Reason: "the respondent's books are being audited"})
	if err != nil || pe.GetCase().GetDecisionDue() != "2027-01-26" || !pe.GetCase().GetDecisionDueProvisional() {
		t.Fatalf("extension into 2027: due %s provisional %v, %v; want 2027-01-26, provisional",
			pe.GetCase().GetDecisionDue(), pe.GetCase().GetDecisionDueProvisional(), err)
	}

	// Opened Mon 2026-03-02 instead: 90 days → Sun 05-31 → Mon 2026-06-01;
	// +30 → 120 days → 2026-06-30, a Tuesday.
	f.setDay("2026-03-02")
	c = f.investigate(f.file("92310115MA1K4L7P6H"), "40000")
	if c.GetDecisionDue() != "2026-06-01" {
		t.Fatalf("decision due %s, want 2026-06-01", c.GetDecisionDue())
	}
	ext, err := f.Enforcement.ExtendDecisionDeadline(f.ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: c.GetName(), Etag: c.GetEtag(),
		ApprovedBy: "张局长 (head of SAMR-HZ)", Reason: "audit"})
	if err != nil {
		t.Fatal(err)
	}
	if e := ext.GetCase().GetExtension(); ext.GetCase().GetDecisionDue() != "2026-06-30" || e.GetApprovedBy() != "张局长 (head of SAMR-HZ)" {
		t.Errorf("extended: due %s, extension %v; want 2026-06-30 approved by 张局长", ext.GetCase().GetDecisionDue(), e)
	}
	_, err = f.Enforcement.ExtendDecisionDeadline(f.ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: c.GetName(), Etag: ext.GetCase().GetEtag(),
		ApprovedBy: "张局长", Reason: "more"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "collective decision") {
		t.Errorf("second extension: %v", err)
	}
}

// TestConcurrentDecisionsAreNumberedWithoutGaps: 100 decisions at once in
// one agency get the numbers 1 to 100, each once.
func TestConcurrentDecisionsAreNumberedWithoutGaps(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	const n = 100
	cases := make([]*ipcasev1.EnforcementCase, n)
	for i := range cases {
		cases[i] = f.notify(f.investigate(f.file("91330100MA2AXQ9B12"), "40000"), "2026-09-30")
	}
	f.setDay("2026-10-14")
	numbers := make([]string, n)
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() {
			resp, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: "50000", DecidedOn: "2026-10-14"})
			if err != nil {
				t.Errorf("decision %d: %v", i, err)
				return
			}
			numbers[i] = resp.GetCase().GetDecision().GetNumber()
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, num := range numbers {
		seen[num] = true
	}
	for i := 1; i <= n; i++ {
		if want := fmt.Sprintf("SAMR-HZ处罚〔2026〕%d号", i); !seen[want] {
			t.Errorf("number %s was not given", want)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct numbers for %d decisions", len(seen), n)
	}
}

// TestExOfficio opens a case without a complaint.
func TestExOfficio(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	resp, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{Agency: agency, Source: &ipcasev1.OpenEnforcementRequest_ExOfficio{
		ExOfficio: &ipcasev1.ExOfficioCase{
			RightsHolder: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
			Respondents:  []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "摊主张三"}},
			Rights:       []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
			Facts:        "Market patrol found counterfeit cups at a stall.",
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_OPENED || resp.GetCase().GetDecisionDue() != "2026-12-28" {
		t.Errorf("ex officio case: %v", resp.GetCase())
	}
	// The matter's filing and the case's opening start one chain.
	v, err := f.Filing.VerifyMatterHistory(f.ctx, &ipcasev1.VerifyMatterHistoryRequest{Name: "matters/" + strings.Split(resp.GetCase().GetName(), "/")[1]})
	if err != nil || !v.GetIntact() || v.GetEventsChecked() < 2 {
		t.Errorf("history of the ex officio matter: %v, %v", v, err)
	}
	_, err = f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{Agency: agency, Source: &ipcasev1.OpenEnforcementRequest_ExOfficio{
		ExOfficio: &ipcasev1.ExOfficioCase{RightsHolder: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "x", CreditCode: "91350100M000100Y44"}}}})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "ex_officio.rights_holder.credit_code") || !strings.Contains(err.Error(), "ex_officio.respondents") {
		t.Errorf("bad ex officio case: %v", err)
	}
}
