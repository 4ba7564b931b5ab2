package mediation_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
)

// TestAgreementReaching2027: on Thu 2026-12-31, with no 2027 holiday
// notice loaded, an agreement taking effect the next day is recorded — not
// refused — and its confirmation window (30 days, CPL Art. 205; People's
// Mediation Law Art. 33) is counted on the statutory holidays of the
// National Holiday Measures (Art. 2) and marked provisional. Once the
// notice is loaded and the clocks recomputed, the day is exact, and the
// matter's history shows the deadline.recomputed event.
func TestAgreementReaching2027(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 31, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	env := chaintest.Start(t, chaintest.Fixed(now))
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
	req, err := env.Mediation.RequestMediation(officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: "SAMR-HZ"})
	if err != nil {
		t.Fatal(err)
	}
	md := req.GetMediation()
	for _, p := range md.GetParties() {
		r, err := env.Mediation.RecordConsent(mediator, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: p.GetParty(), Consents: true})
		if err != nil {
			t.Fatal(err)
		}
		md = r.GetMediation()
	}
	as, err := env.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: md.GetEtag(), Mediator: "mediator@SAMR-HZ", DisplayName: "赵敏"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := env.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: as.GetMediation().GetEtag()})
	if err != nil {
		t.Fatal(err)
	}
	// Effective Fri 2027-01-01: day 30 is Sun 01-31. On the statutory
	// holidays alone it is an ordinary Sunday, a rest day → Mon 2027-02-01,
	// provisional.
	ag, err := env.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
		Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", EffectiveOn: "2027-01-01"}})
	if err != nil {
		t.Fatalf("an agreement taking effect tomorrow, in 2027: %v", err)
	}
	if got := ag.GetMediation(); got.GetConfirmationDue() != "2027-02-01" || !got.GetConfirmationDueProvisional() {
		t.Fatalf("agreement: due %s provisional %v; want 2027-02-01, provisional", got.GetConfirmationDue(), got.GetConfirmationDueProvisional())
	}

	// The 2027 notice makes Sun 01-31 a make-up working day (调休上班): the
	// window ends that day, exact (a make-up working day is a working day;
	// the period is not extended).
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2027.json"), []byte(`{"year": 2027, "notice": "test notice 2027",
		"notice_date": "2026-11-20", "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
		"2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"], "workdays": ["2027-01-31", "2027-02-20"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cal, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := clock.NewStore(env.DB, cal, env.Log).Recompute(t.Context(), now)
	if err != nil || res.Moved != 1 || len(res.Failed) != 0 {
		t.Fatalf("Recompute: %+v, %v; want the confirmation clock recomputed", res, err)
	}
	got, err := env.Mediation.GetMediation(mediator, &ipcasev1.GetMediationRequest{Name: md.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.GetMediation(); g.GetConfirmationDue() != "2027-01-31" || g.GetConfirmationDueProvisional() {
		t.Errorf("after the notice: due %s provisional %v; want 2027-01-31, exact", g.GetConfirmationDue(), g.GetConfirmationDueProvisional())
	}
	evs, err := env.Filing.ListMatterEvents(officer, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName(), PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(evs.GetEvents(), func(e *ipcasev1.Event) bool { return e.GetType() == "deadline.recomputed" }) {
		t.Error("no deadline.recomputed event in the matter's history")
	}
}
