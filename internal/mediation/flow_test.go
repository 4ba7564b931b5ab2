package mediation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
)

var monday = time.Date(2026, 9, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func code(err error) codes.Code { return status.Code(err) }

// TestEnforcementToMediationToConfirmation: a matter in enforcement goes to
// mediation at the complainant's request (Trademark Law Art. 60 ¶3); every
// party consents, an agreement is reached, and the parties apply jointly
// for judicial confirmation within 30 days (CPL Art. 205). Refusals along
// the way write nothing.
func TestEnforcementToMediationToConfirmation(t *testing.T) {
	t.Parallel()
	env := chaintest.Start(t, chaintest.Fixed(monday))
	officer := authtest.WithToken(t.Context(), env.Auth.Officer(t, "SAMR-HZ"))
	mediator := authtest.WithToken(t.Context(), env.Auth.Mediator(t, "SAMR-HZ"))

	sub, err := env.Filing.SubmitComplaint(officer, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Counterfeit cups.", Agency: "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := sub.GetMatter()
	if _, err := env.Filing.AcceptComplaint(officer, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	open, err := env.Enforcement.OpenEnforcement(officer, &ipcasev1.OpenEnforcementRequest{Agency: "SAMR-HZ",
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Enforcement.AssignOfficers(officer, &ipcasev1.AssignOfficersRequest{Name: open.GetCase().GetName(), Etag: open.GetCase().GetEtag(),
		Officers: []*ipcasev1.Officer{{Subject: "officer@SAMR-HZ", DisplayName: "王伟"}, {Subject: "li.na@SAMR-HZ", DisplayName: "李娜"}}}); err != nil {
		t.Fatal(err)
	}

	req, err := env.Mediation.RequestMediation(officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: "SAMR-HZ",
		Note: "the complainant asks the agency to mediate the damages (Trademark Law Art. 60 ¶3)"})
	if err != nil {
		t.Fatal(err)
	}
	md := req.GetMediation()
	complainant, respondent := md.GetParties()[0].GetParty(), md.GetParties()[1].GetParty()
	holder := authtest.WithToken(t.Context(), env.Auth.RightsHolder(t, strings.TrimPrefix(complainant, "parties/")))
	c1, err := env.Mediation.RecordConsent(holder, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: complainant, Consents: true})
	if err != nil {
		t.Fatal(err)
	}
	md = c1.GetMediation()

	refuse := func(what string, want codes.Code, words string, call func() error) {
		t.Helper()
		before := env.Counts(t)
		if err := call(); code(err) != want || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: %v; want %v mentioning %q", what, err, want, words)
		}
		if diff := cmp.Diff(before, env.Counts(t)); diff != "" {
			t.Errorf("%s wrote rows (-before +after):\n%s", what, diff)
		}
	}
	// The rights holder cannot consent for the respondent.
	refuse("consent for another party", codes.PermissionDenied, "its own party", func() error {
		_, err := env.Mediation.RecordConsent(holder, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: respondent, Consents: true})
		return err
	})
	// Mediation is voluntary: it does not start before the respondent consents.
	refuse("start without every party's consent", codes.FailedPrecondition, "杭州仿品贸易有限公司", func() error {
		_, err := env.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: md.GetEtag()})
		return err
	})
	c2, err := env.Mediation.RecordConsent(mediator, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: respondent, Consents: true, ConsentedOn: "2026-09-29"})
	if err != nil {
		t.Fatal(err)
	}
	md = c2.GetMediation()
	refuse("a mediator who worked the enforcement case", codes.FailedPrecondition, "worked the enforcement case", func() error {
		_, err := env.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: md.GetEtag(), Mediator: "li.na@SAMR-HZ", DisplayName: "李娜"})
		return err
	})
	as, err := env.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: md.GetEtag(), Mediator: "mediator@SAMR-HZ", DisplayName: "赵敏"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := env.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: as.GetMediation().GetEtag()})
	if err != nil {
		t.Fatal(err)
	}
	// Dates before the step they follow: the respondent consented on
	// 2026-09-29, the last consent; nothing is dated before it.
	refuse("a session before the parties' consents", codes.InvalidArgument, "session.date: 2026-09-28 is before the parties' consents on 2026-09-29", func() error {
		_, err := env.Mediation.RecordSession(mediator, &ipcasev1.RecordSessionRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
			Session: &ipcasev1.MediationSession{Date: "2026-09-28", Attendees: []string{"赵敏"}}})
		return err
	})
	refuse("an agreement before the parties' consents", codes.InvalidArgument, "agreement.effective_on: 2026-09-28 is before the parties' consents on 2026-09-29", func() error {
		_, err := env.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
			Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", EffectiveOn: "2026-09-28"}})
		return err
	})
	ses, err := env.Mediation.RecordSession(mediator, &ipcasev1.RecordSessionRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
		Session: &ipcasev1.MediationSession{Date: "2026-10-09", Attendees: []string{"赵敏", "complainant's counsel", "respondent's manager"}, Notes: "respondent offers 60,000"}})
	if err != nil {
		t.Fatal(err)
	}
	refuse("an agreement before a session", codes.InvalidArgument, "agreement.effective_on: 2026-10-08 is before a session on 2026-10-09", func() error {
		_, err := env.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: ses.GetMediation().GetEtag(),
			Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", EffectiveOn: "2026-10-08"}})
		return err
	})
	refuse("a payment due before the agreement takes effect", codes.InvalidArgument, "agreement.payment_due: 2026-10-12 is before the agreement takes effect on 2026-10-13", func() error {
		_, err := env.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: ses.GetMediation().GetEtag(),
			Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", PaymentDue: "2026-10-12", EffectiveOn: "2026-10-13"}})
		return err
	})
	// The agreement takes effect Tue 2026-10-13; 30 days, the day itself not
	// counted: 10-31 is day 18, 11-12 day 30, a Thursday and a working day.
	ag, err := env.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: ses.GetMediation().GetEtag(),
		Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", PaymentDue: "2026-11-30", CessationUndertakings: []string{"stop selling cups bearing 星河"},
			WithdrawComplaints: true, EffectiveOn: "2026-10-13"}})
	if err != nil {
		t.Fatal(err)
	}
	md = ag.GetMediation()
	if md.GetConfirmationDue() != "2026-11-12" || md.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_AGREED {
		t.Fatalf("agreement: due %s, state %v; want 2026-11-12, AGREED", md.GetConfirmationDue(), md.GetState())
	}
	refuse("a confirmation request on day 31", codes.FailedPrecondition, "due by 2026-11-12", func() error {
		_, err := env.Mediation.RequestConfirmation(holder, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: md.GetEtag(),
			Court: "浙01", Applicants: []string{complainant, respondent}, AppliedOn: "2026-11-13"})
		return err
	})
	refuse("an application before the agreement took effect", codes.InvalidArgument, "applied_on: 2026-10-12 is before the agreement took effect on 2026-10-13", func() error {
		_, err := env.Mediation.RequestConfirmation(holder, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: md.GetEtag(),
			Court: "浙01", Applicants: []string{complainant, respondent}, AppliedOn: "2026-10-12"})
		return err
	})
	refuse("an application by one party", codes.InvalidArgument, "jointly", func() error {
		_, err := env.Mediation.RequestConfirmation(holder, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: md.GetEtag(),
			Court: "浙01", Applicants: []string{complainant}, AppliedOn: "2026-11-12"})
		return err
	})
	cf, err := env.Mediation.RequestConfirmation(holder, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: md.GetEtag(),
		Court: "浙01", Applicants: []string{complainant, respondent}, AppliedOn: "2026-11-12"})
	if err != nil {
		t.Fatal(err)
	}
	if cf.GetMediation().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMATION_REQUESTED {
		t.Errorf("state %v", cf.GetMediation().GetState())
	}

	evs, err := env.Filing.ListMatterEvents(officer, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName(), PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs.GetEvents() {
		types = append(types, e.GetType())
	}
	want := []string{"complaint.submitted", "complaint.accepted", "proceeding.opened", "enforcement.opened", "enforcement.officers_assigned",
		"mediation.requested", "mediation.consent_recorded", "mediation.consent_recorded", "mediation.mediator_assigned", "mediation.started",
		"mediation.session_recorded", "mediation.agreed", "mediation.confirmation_requested"}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Errorf("timeline mismatch (-want +got):\n%s", diff)
	}
	last := evs.GetEvents()[len(evs.GetEvents())-1].GetPayload().AsMap()
	if last["schema"] != "ipcase.confirmation.v1" || last["court"] != "浙01" || last["agreement"].(map[string]any)["payment"] != "80000.00" {
		t.Errorf("confirmation request payload %v", last)
	}
	// The rights holder sees the mediation, without the mediator's notes.
	got, err := env.Mediation.GetMediation(holder, &ipcasev1.GetMediationRequest{Name: md.GetName()})
	if err != nil || got.GetMediation().GetSessions()[0].GetNotes() != "" {
		t.Errorf("rights holder's view: %v, %v", got.GetMediation().GetSessions(), err)
	}
}
