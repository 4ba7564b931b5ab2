package signing_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision/signing"
)

var at = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)

func penalty() *signing.Document {
	return &signing.Document{Kind: signing.PenaltyDecision, Number: "杭西市监处罚〔2026〕12号", Issuer: "SAMR-HZ",
		Matter: "m1", DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1}, Fine: "150000",
		Parties: []signing.Party{{Name: "杭州仿品贸易有限公司", Role: "RESPONDENT", CreditCode: "91330100MA2AXQ9B12"}},
		Law:     "《中华人民共和国商标法》第六十条第二款", Event: "m1/9", IssuedAt: at.Unix()}
}

func key(t *testing.T, issuer string) *signing.Key {
	t.Helper()
	k, err := signing.NewKey(issuer, at)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// tamper replaces old with repl in the JWS's payload, keeping its header
// and signature.
func tamper(t *testing.T, jws, old, repl string) string {
	t.Helper()
	parts := strings.Split(jws, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(payload), old, repl, 1)
	if changed == string(payload) {
		t.Fatalf("%q not in the payload %s", old, payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(changed))
	return strings.Join(parts, ".")
}

// TestVerify signs a penalty decision and verifies it, then verifies it
// altered, signed with the wrong key, and after its key was rotated out
// and revoked, against keys read back from their published form.
func TestVerify(t *testing.T) {
	t.Parallel()
	agency, court, stranger := key(t, "SAMR-HZ"), key(t, "(京73)北京知识产权法院"), key(t, "SAMR-HZ")
	jws, code, err := signing.Sign(penalty(), agency)
	if err != nil {
		t.Fatal(err)
	}
	if code != signing.Code(jws) || len(code) != signing.CodeLength {
		t.Fatalf("code %q", code)
	}
	// The stranger's key is SAMR-HZ's by name but not published: a
	// document it signs, naming a published kid, fails the signature.
	forged, _, err := signing.Sign(penalty(), stranger)
	if err != nil {
		t.Fatal(err)
	}
	forgedParts := strings.Split(forged, ".")
	goodParts := strings.Split(jws, ".")
	forgedUnderAgencyKid := goodParts[0] + "." + forgedParts[1] + "." + forgedParts[2]
	// A court's key signing an agency's signing.
	courtSigned := func() string {
		d := penalty()
		d.Issuer = court.Issuer
		s, _, err := signing.Sign(d, court)
		if err != nil {
			t.Fatal(err)
		}
		return tamper(t, s, `"iss":"(京73)北京知识产权法院"`, `"iss":"SAMR-HZ"`)
	}()

	published := func(keys ...*signing.Key) []*signing.Key {
		t.Helper()
		data, err := jsonOf(signing.Publish(keys))
		if err != nil {
			t.Fatal(err)
		}
		got, err := signing.ParseKeySet(data)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	retired, revoked := *agency, *agency
	r := at.AddDate(0, 1, 0)
	retired.Retired = &r
	rv := time.Date(2026, 7, 15, 8, 0, 0, 0, time.UTC)
	revoked.Revoked, revoked.RevokedReason = &rv, "private key exposed"

	for _, tt := range []struct {
		name   string
		jws    string
		keys   []*signing.Key
		want   signing.Status
		reason string
	}{
		{"as signed", jws, published(agency, court), signing.Valid, "signed by SAMR-HZ"},
		{"fine changed", tamper(t, jws, `"fine":"150000"`, `"fine":"15000"`), published(agency, court), signing.Invalid, "altered"},
		{"party changed", tamper(t, jws, "杭州仿品贸易有限公司", "杭州正品贸易有限公司"), published(agency, court), signing.Invalid, "altered"},
		{"signed by an unpublished key under the agency's kid", forgedUnderAgencyKid, published(agency, court), signing.Invalid, "another key"},
		{"signed by an unpublished key", forged, published(agency, court), signing.UnknownKey, "no published key"},
		{"signed by the court's key for the agency", courtSigned, published(agency, court), signing.Invalid, "altered"},
		{"key rotated out", jws, published(&retired, court), signing.Valid, "signed by SAMR-HZ"},
		{"key revoked", jws, published(&revoked, court), signing.Revoked, "signed with a key revoked on 2026-07-15 (private key exposed)"},
		{"not a JWS", "ABCDEFGHIJ", published(agency), signing.Invalid, "not a signed decision"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := signing.Verify(tt.jws, tt.keys)
			if got.Status != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Fatalf("Verify = %s %q, want %s containing %q", got.Status, got.Reason, tt.want, tt.reason)
			}
			if (got.Document != nil) != (tt.want == signing.Valid || tt.want == signing.Revoked) {
				t.Fatalf("document returned %v for status %s", got.Document != nil, got.Status)
			}
		})
	}
}

// TestCourtKeySignsOnlyForTheCourt: a key's issuer must be the document's.
func TestCourtKeySignsOnlyForTheCourt(t *testing.T) {
	t.Parallel()
	if _, _, err := signing.Sign(penalty(), key(t, "(京73)北京知识产权法院")); err == nil {
		t.Fatal("signed an agency's decision with a court's key")
	}
}

func TestNormalizeCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"abcde-23456": "ABCDE23456", "ABCDE 23456": "ABCDE23456", "ABCDE2345": "", "ABCDE23451": ""} {
		got, ok := signing.NormalizeCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
