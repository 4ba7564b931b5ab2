package filing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestListBasicView: a MATTER_VIEW_BASIC page is the FULL page of the same
// request (same matters, same order, same next token) with each matter's
// rights, facts, claims, evidence, proceedings and warnings left out, for
// an officer, an administrator and a rights holder (whose page still hides
// the other parties' contacts); a page token from one view serves the
// other; an official's BASIC read is recorded as a FULL one is; an unknown
// view is refused naming the field.
func TestListBasicView(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	var complainant string
	for i := range 5 {
		req := complaint("")
		req.Rights[0].RegistrationNumber = fmt.Sprintf("TM-%d", i)
		req.Respondents[0].Contact = "shop@fake.example"
		m := mustSubmit(t, f, req)
		complainant = m.GetComplainant().GetName()
	}
	// One matter accepted, so that it has two proceedings to leave out.
	page, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := page.GetMatters()[0]
	if _, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	basicOf := func(m *ipcasev1.Matter) *ipcasev1.Matter {
		b := proto.Clone(m).(*ipcasev1.Matter)
		b.Rights, b.Facts, b.Claims, b.Evidence, b.Proceedings, b.Warnings = nil, "", "", nil, nil, nil
		return b
	}
	admin := authtest.WithToken(ctx, f.env.Admin(t))
	holder := authtest.WithToken(ctx, f.env.RightsHolder(t, strings.TrimPrefix(complainant, "parties/")))
	for _, caller := range []struct {
		name string
		ctx  context.Context
	}{{"officer", ctx}, {"admin", admin}, {"rights holder", holder}} {
		token := ""
		for range 3 { // pages of 2: 2, 2, 1
			full, err := f.client.ListMatters(caller.ctx, &ipcasev1.ListMattersRequest{PageSize: 2, PageToken: token})
			if err != nil {
				t.Fatal(err)
			}
			basic, err := f.client.ListMatters(caller.ctx, &ipcasev1.ListMattersRequest{PageSize: 2, PageToken: token,
				View: ipcasev1.MatterView_MATTER_VIEW_BASIC})
			if err != nil {
				t.Fatalf("%s, BASIC page after %q: %v", caller.name, token, err)
			}
			want := &ipcasev1.ListMattersResponse{NextPageToken: full.GetNextPageToken()}
			for _, m := range full.GetMatters() {
				if len(m.GetRights()) == 0 || m.GetFacts() == "" || len(m.GetEvidence()) == 0 || len(m.GetProceedings()) == 0 {
					t.Fatalf("%s: the FULL matter %s lacks parts, so the comparison would prove nothing: %v", caller.name, m.GetName(), m)
				}
				want.Matters = append(want.Matters, basicOf(m))
			}
			if diff := cmp.Diff(want, basic, protocmp.Transform()); diff != "" {
				t.Errorf("%s: BASIC page is not the FULL page without the parts (-want +got):\n%s", caller.name, diff)
			}
			for _, m := range basic.GetMatters() {
				if caller.name == "rights holder" && m.GetRespondents()[0].GetContact() != "" {
					t.Errorf("rights holder's BASIC page shows the respondent's contact %q", m.GetRespondents()[0].GetContact())
				}
			}
			// The BASIC page's token continues the list as the FULL one does.
			token = basic.GetNextPageToken()
			if token == "" {
				break
			}
		}
		if token != "" {
			t.Errorf("%s: the list of 5 does not end after 3 pages of 2", caller.name)
		}
	}

	// An official's BASIC read is recorded, one row for each matter shown.
	before := f.count(t, "access_log")
	basic, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 3, View: ipcasev1.MatterView_MATTER_VIEW_BASIC})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count(t, "access_log") - before; got != int64(len(basic.GetMatters())) || got != 3 {
		t.Errorf("an officer's BASIC page of %d recorded %d reads; want one for each matter shown", len(basic.GetMatters()), got)
	}

	counts := f.counts(t)
	_, err = f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{View: ipcasev1.MatterView(7)})
	if code(err) != codes.InvalidArgument || !slicesContain(fieldViolations(err), "view") {
		t.Errorf("view 7: %v; want InvalidArgument naming view", err)
	}
	if diff := cmp.Diff(counts, f.counts(t)); diff != "" {
		t.Errorf("a refused list wrote (-before +after):\n%s", diff)
	}
}
