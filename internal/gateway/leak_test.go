package gateway_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestOtherHoldersPartyOverHTTP: a rights holder filing over HTTP names as
// respondent the organisation that is another holder's party, by its
// credit code; the answer and its later reads show the respondent as this
// holder named it, never the name the other's filing stored. Naming the
// other's party by id is refused, as naming a made-up one is.
func TestOtherHoldersPartyOverHTTP(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	// The rig's matter is the other holder's: its complainant, 北京星河茶饮有限公司,
	// credit code 91110108MA01HX4T2R. This holder's own party is filed by
	// an officer.
	conn := servertest.Dial(t, r.srv.Addr)
	own, err := ipcasev1.NewFilingServiceClient(conn).SubmitComplaint(authtest.WithToken(t.Context(), r.officer), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "上海拓界", CreditCode: "92310115MA1K4L7P6H"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王五"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "拓界"}},
		Facts:       "Copies sold online.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	party := own.GetMatter().GetComplainant().GetName()
	holder := r.srv.RightsHolder(t, strings.TrimPrefix(party, "parties/"))

	sub := r.postJSON(t, "/v1/matters:submitComplaint", holder, `{
		"complainant": {"name": "`+party+`"},
		"respondents": [{"kind": "PARTY_KIND_ORGANIZATION", "displayName": "星河仿冒店", "creditCode": "91110108MA01HX4T2R"}],
		"rights": [{"type": "IP_TYPE_COPYRIGHT", "title": "拓界"}],
		"facts": "A shop sells copies.",
		"agency": "SAMR-HZ"}`)
	if sub.code != http.StatusOK {
		t.Fatalf("submit: %d %s", sub.code, sub.body)
	}
	name, _ := field(sub.json(t), "matter", "name").(string)
	for what, resp := range map[string]response{"the filing's answer": sub, "a read": r.get(t, "/v1/"+name, holder),
		"the status": r.get(t, "/v1/"+name+"/status", holder), "the list": r.get(t, "/v1/matters", holder)} {
		if resp.code != http.StatusOK {
			t.Fatalf("%s: %d %s", what, resp.code, resp.body)
		}
		if bytes.Contains(resp.body, []byte("北京星河茶饮有限公司")) {
			t.Errorf("%s shows the other holder's stored name: %s", what, resp.body)
		}
	}
	if got := field(sub.json(t), "matter", "respondents", 0, "displayName"); got != "星河仿冒店" {
		t.Errorf("the respondent reads %v; want the name this holder gave", got)
	}

	var refusals []response
	for _, ref := range []string{r.matter.GetComplainant().GetName(), "parties/" + uuid.NewString()} {
		refusals = append(refusals, r.postJSON(t, "/v1/matters:submitComplaint", holder, `{
			"complainant": {"name": "`+party+`"},
			"respondents": [{"name": "`+ref+`"}],
			"rights": [{"type": "IP_TYPE_COPYRIGHT", "title": "拓界"}],
			"facts": "A shop sells copies.",
			"agency": "SAMR-HZ"}`))
	}
	if refusals[0].code != http.StatusBadRequest || violations(t, refusals[0])["respondents[0].name"] == "" {
		t.Errorf("naming the other's party by id: %d %s; want 400 on respondents[0].name", refusals[0].code, refusals[0].body)
	}
	if refusals[0].code != refusals[1].code || !bytes.Equal(refusals[0].body, refusals[1].body) {
		t.Errorf("naming the other's party by id answers %d %s, a made-up one %d %s", refusals[0].code, refusals[0].body, refusals[1].code, refusals[1].body)
	}
}

// TestNotFoundOverHTTP: a matter of another party and one that does not
// exist answer a rights holder alike, status and body.
func TestNotFoundOverHTTP(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	stranger := r.srv.RightsHolder(t, uuid.NewString())
	absent := "matters/" + uuid.NewString()
	for _, suffix := range []string{"", "/status", "/events"} {
		theirs := r.get(t, "/v1/"+r.matter.GetName()+suffix, stranger)
		none := r.get(t, "/v1/"+absent+suffix, stranger)
		if theirs.code != http.StatusNotFound || theirs.code != none.code || !bytes.Equal(theirs.body, none.body) {
			t.Errorf("GET %s: another's matter answers %d %s, an absent one %d %s", suffix, theirs.code, theirs.body, none.code, none.body)
		}
	}
}
