package trial_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestRespondentIsNotToldBeforeService: a rights holder named as the
// respondent of a complaint (by the credit code of one of its parties) does
// not read the complaint, its facts and its evidence while the case is
// before the court undocketed; once the court dockets it, and serves the
// defendant (CPL Art. 128), it does. Before the fix its own token read the
// matter from the moment it was filed, which told an alleged infringer of
// a suit, and of the evidence against it, before the court acted.
func TestRespondentIsNotToldBeforeService(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02")
	respondent := &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	party := strings.TrimPrefix(m.GetRespondents()[0].GetName(), "parties/")
	asRespondent := authtest.WithToken(t.Context(), e.Auth.RightsHolder(t, party))
	asComplainant := authtest.WithToken(t.Context(), e.Auth.RightsHolder(t, strings.TrimPrefix(m.GetComplainant().GetName(), "parties/")))

	sees := func() bool {
		t.Helper()
		_, err := e.Filing.GetMatter(asRespondent, &ipcasev1.GetMatterRequest{Name: m.GetName()})
		list, lerr := e.Filing.ListMatters(asRespondent, &ipcasev1.ListMattersRequest{})
		if lerr != nil {
			t.Fatal(lerr)
		}
		listed := len(list.GetMatters()) == 1 && list.GetMatters()[0].GetName() == m.GetName()
		switch {
		case err == nil && listed:
			return true
		case code(err) == codes.NotFound && len(list.GetMatters()) == 0:
			return false
		}
		t.Fatalf("GetMatter: %v, ListMatters: %d matters: the two disagree", err, len(list.GetMatters()))
		return false
	}
	if sees() {
		t.Error("the respondent reads the suit before the court docketed it")
	}
	if _, err := e.Filing.GetMatter(asComplainant, &ipcasev1.GetMatterRequest{Name: m.GetName()}); err != nil {
		t.Errorf("the complainant cannot read its own matter: %v", err)
	}

	e.pump() // the trial record is opened by the consumer of the acceptance
	name := e.trialOf(m, "京73")
	if _, err := e.court("京73").DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: name, Etag: e.get("京73", name).GetEtag(),
		Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL}); err != nil {
		t.Fatal(err)
	}
	if !sees() {
		t.Error("the respondent cannot read the suit the court docketed and serves on it")
	}
}
