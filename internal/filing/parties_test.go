package filing_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestAnotherHoldersPartyDoesNotLeak: a rights holder who names a
// respondent by the credit code of another holder's party, and a right by
// the number of another holder's right, gets back what it submitted — not
// the name, contact, term or holder the other filer wrote — in the
// response and in every later read. The organisation and the right are
// still one row each (an officer sees one party across both matters, as
// repeat-offender rules need), and the other holder's matter is unchanged.
// Naming a party by id it does not act for is refused before any lookup,
// for an existing party and a made-up one alike.
func TestAnotherHoldersPartyDoesNotLeak(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()

	// A's matter, filed for A by an officer: its complainant's stored row
	// holds A's name and contact, its right A's title, holder and term.
	first := mustSubmit(t, f, complaint(""))
	partyA := first.GetComplainant().GetName()
	// B, another rights holder with a party of its own.
	reqB := complaint("")
	reqB.Complainant = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "上海拓界", CreditCode: codeRespondent2}
	reqB.Rights = []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "87654321", Title: "拓界", Holder: "上海拓界"}}
	partyB := mustSubmit(t, f, reqB).GetComplainant().GetName()
	holderB := authtest.WithToken(ctx, f.env.RightsHolder(t, strings.TrimPrefix(partyB, "parties/")))

	// B names A's organisation, by its credit code, as the respondent, and
	// A's trademark by its number.
	attack := complaint("")
	attack.Complainant = &ipcasev1.Party{Name: partyB}
	attack.Respondents = []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "星河山寨旗舰店",
		CreditCode: codeComplainant, DomicileCountry: "CN", Contact: "shop@b.example"}}
	attack.Rights = []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河商标"}}
	resp, err := f.client.SubmitComplaint(holderB, attack)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.client.GetMatter(holderB, &ipcasev1.GetMatterRequest{Name: resp.GetMatter().GetName()})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.client.ListMatters(holderB, &ipcasev1.ListMattersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for what, msg := range map[string]proto.Message{"SubmitComplaint": resp, "GetMatter": got, "ListMatters": list} {
		b, err := protojson.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		// A's stored name, contact, right holder and term.
		for _, theirs := range []string{"福州星河茶饮有限公司", "legal@xinghe.example", "2016-03-14", "2036-03-13"} {
			if strings.Contains(string(b), theirs) {
				t.Errorf("%s answers rights holder B with %q, which A's filing wrote: %s", what, theirs, b)
			}
		}
	}
	m := got.GetMatter()
	r := m.GetRespondents()[0]
	if r.GetDisplayName() != "星河山寨旗舰店" || r.GetCreditCode() != codeComplainant || r.GetDomicileCountry() != "CN" {
		t.Errorf("B's respondent reads %v; want what B submitted", r)
	}
	if rt := m.GetRights()[0]; rt.GetTitle() != "星河商标" || rt.GetHolder() != "" || rt.GetTermStart() != "" {
		t.Errorf("B's right reads %v; want what B submitted", rt)
	}

	// The officer sees one organisation across both matters, each as its
	// own filing named it; A's matter is as A filed it.
	official, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if r := official.GetMatter().GetRespondents()[0]; r.GetName() != partyA || r.GetDisplayName() != "星河山寨旗舰店" || r.GetContact() != "shop@b.example" {
		t.Errorf("the officer reads B's respondent as %v; want party %s as B named it", r, partyA)
	}
	a, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: first.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first.GetComplainant(), a.GetMatter().GetComplainant(), protocmp.Transform()); diff != "" {
		t.Errorf("A's complainant changed (-filed +now):\n%s", diff)
	}
	if diff := cmp.Diff(first.GetRights(), a.GetMatter().GetRights(), protocmp.Transform()); diff != "" {
		t.Errorf("A's right changed (-filed +now):\n%s", diff)
	}

	// By id: refused, the same for A's party and for one that does not
	// exist, and nothing is written.
	var answers []*status.Status
	for _, ref := range []string{partyA, "parties/" + uuid.NewString()} {
		req := complaint("")
		req.Complainant = &ipcasev1.Party{Name: partyB}
		req.Respondents = []*ipcasev1.Party{{Name: ref}}
		before := storetest.RowCounts(t, f.db)
		_, err := f.client.SubmitComplaint(holderB, req)
		if diff := cmp.Diff(before, storetest.RowCounts(t, f.db)); diff != "" {
			t.Errorf("a refused complaint wrote (-before +after):\n%s", diff)
		}
		answers = append(answers, status.Convert(err))
	}
	if answers[0].Code() != codes.InvalidArgument || !strings.Contains(answers[0].Message(), "respondents[0].name") {
		t.Errorf("naming A's party by id: %v; want INVALID_ARGUMENT on respondents[0].name", answers[0].Err())
	}
	if diff := cmp.Diff(answers[1].Proto(), answers[0].Proto(), protocmp.Transform()); diff != "" {
		t.Errorf("naming A's party by id answers otherwise than naming a made-up one (-made-up +A's):\n%s", diff)
	}
}
