package filing

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

// maxAgencyCode is the bound request.Validator.Code puts on an agency or
// court code.
const maxAgencyCode = 32

// FuzzSubmitComplaintValidation feeds arbitrary requests to the validator:
// it must never panic, and whatever it accepts must respect every limit, so
// nothing unbounded or malformed reaches the store. The seed corpus is in
// testdata/fuzz/FuzzSubmitComplaintValidation; scripts/test.sh fuzzes it for
// a bounded time.
func FuzzSubmitComplaintValidation(f *testing.F) {
	seed := &ipcasev1.SubmitComplaintRequest{
		RequestId:   "r-1",
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "甲公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "乙"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "1", Title: "t", TermStart: "2020-01-01"}},
		Facts:       "facts",
		Evidence:    []*ipcasev1.Evidence{{Sha256: strings.Repeat("0", 64), MediaType: "image/png", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}},
		KnownSince:  "2026-01-31",
		Agency:      "SAMR-HZ",
	}
	b, _ := proto.Marshal(seed)
	f.Add(b)
	today := civil.Date{Year: 2026, Month: time.November, Day: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req ipcasev1.SubmitComplaintRequest
		if proto.Unmarshal(data, &req) != nil {
			return
		}
		m, err := ComplaintFromProto(&req, today)
		if err != nil {
			return
		}
		if strings.ContainsAny(m.Agency, " \t\r\n") {
			t.Errorf("accepted agency code %q with spaces", m.Agency)
		}
		texts := []struct {
			s   string
			max int
		}{{m.Facts, maxFacts}, {m.Claims, maxClaims}, {m.Agency, maxAgencyCode}, {m.Complainant.Name, maxName}, {m.Complainant.Contact, maxContact}}
		for _, p := range m.Respondents {
			texts = append(texts, struct {
				s   string
				max int
			}{p.Name, maxName})
		}
		for _, r := range m.Rights {
			texts = append(texts, struct {
				s   string
				max int
			}{r.Title, maxTitle}, struct {
				s   string
				max int
			}{r.Description, maxDescription})
			if r.Type == "" {
				t.Errorf("accepted a right without a known type")
			}
		}
		for _, x := range texts {
			if !utf8.ValidString(x.s) || strings.ContainsRune(x.s, utf8.RuneError) || utf8.RuneCountInString(x.s) > x.max {
				t.Errorf("accepted text %q (limit %d)", x.s, x.max)
			}
		}
		if n := len(m.Respondents); n < 1 || n > maxParties || len(m.Rights) < 1 || len(m.Rights) > maxRights || len(m.Evidence) > maxEvidence {
			t.Errorf("accepted %d respondents, %d rights, %d evidence items", n, len(m.Rights), len(m.Evidence))
		}
		if m.Complainant.Kind == Organization && CheckCreditCode(m.Complainant.CreditCode) != nil && !m.Complainant.Ref {
			t.Errorf("accepted credit code %q", m.Complainant.CreditCode)
		}
		if m.KnownSince != nil && m.KnownSince.After(today) {
			t.Errorf("accepted a future known_since %v", m.KnownSince)
		}
	})
}
