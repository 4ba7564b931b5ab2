package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/publication"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
)

// TestPublishedDocumentsWithoutToken searches and reads, through the real
// gateway and without a token, a penalty decision published on its event:
// the natural person's name reduced, his mobile number gone, the company
// findable by name; a bad date is refused with the field named.
func TestPublishedDocumentsWithoutToken(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	conn := servertest.Dial(t, r.srv.Addr)
	resp, err := ipcasev1.NewFilingServiceClient(conn).SubmitComplaint(authtest.WithToken(t.Context(), r.officer), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "北京星河茶饮有限公司", CreditCode: "91110108MA01HX4T2R"},
		Respondents: []*ipcasev1.Party{
			{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"},
			{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王小二"},
		},
		Rights:     []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河", Holder: "北京星河茶饮有限公司"}},
		Facts:      "王小二（手机13812345678）在杭州仿品贸易有限公司门店销售假冒“星河”奶茶杯。",
		KnownSince: "2026-05-20",
		Agency:     "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	matter := strings.TrimPrefix(resp.GetMatter().GetName(), "matters/")
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(events.DecidedPayload{Number: "杭西市监处罚〔2026〕12号", DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1},
		Fine: "150000", Law: "《中华人民共和国商标法》第六十条第二款"})
	if err != nil {
		t.Fatal(err)
	}
	publish := publication.Publisher(r.srv.Filing, cal, time.Now)
	err = r.srv.DB.InTx(t.Context(), func(tx store.Tx) error {
		return publish(tx, events.Entry{Position: 1, Event: events.Event{MatterID: matter, Seq: 9, Type: events.EnforcementDecided, Payload: payload}})
	})
	if err != nil {
		t.Fatal(err)
	}

	list := r.get(t, "/v1/publishedDocuments?ipType=IP_TYPE_TRADEMARK&party="+url.QueryEscape("杭州仿品贸易有限公司"), "")
	if list.code != http.StatusOK {
		t.Fatalf("list without a token: %d %s", list.code, list.body)
	}
	var got struct {
		Documents []struct {
			Name    string `json:"name"`
			Kind    string `json:"kind"`
			Text    string `json:"text"`
			Parties []struct {
				DisplayName string `json:"displayName"`
			} `json:"parties"`
		} `json:"documents"`
		NextPageToken string `json:"nextPageToken"`
	}
	if err := json.Unmarshal(list.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Documents) != 2 {
		t.Fatalf("found %d documents, want the decision and the company's credit record: %s", len(got.Documents), list.body)
	}
	if strings.Contains(string(list.body), "13812345678") || strings.Contains(string(list.body), "王小二") {
		t.Errorf("the public list shows what redaction removes: %s", list.body)
	}
	if !strings.Contains(string(list.body), "王某（手机×××）") {
		t.Errorf("the decision's text is not as redacted: %s", list.body)
	}
	one := r.get(t, "/v1/"+got.Documents[0].Name, "")
	if one.code != http.StatusOK || !strings.Contains(string(one.body), got.Documents[0].Name) {
		t.Errorf("get without a token: %d %s", one.code, one.body)
	}
	page := r.get(t, "/v1/publishedDocuments?pageSize=1", "")
	var first struct {
		Documents     []struct{ Name string } `json:"documents"`
		NextPageToken string                  `json:"nextPageToken"`
	}
	if err := json.Unmarshal(page.body, &first); err != nil || len(first.Documents) != 1 || first.NextPageToken == "" {
		t.Fatalf("first page: %d %s", page.code, page.body)
	}
	second := r.get(t, "/v1/publishedDocuments?pageSize=1&pageToken="+url.QueryEscape(first.NextPageToken), "")
	if second.code != http.StatusOK || strings.Contains(string(second.body), first.Documents[0].Name) {
		t.Errorf("second page: %d %s", second.code, second.body)
	}
	bad := r.get(t, "/v1/publishedDocuments?decidedFrom=2026-13-01", "")
	if bad.code != http.StatusBadRequest || !strings.Contains(string(bad.body), `"field":"decidedFrom"`) {
		t.Errorf("a bad date: %d %s; want 400 naming decidedFrom", bad.code, bad.body)
	}
}
