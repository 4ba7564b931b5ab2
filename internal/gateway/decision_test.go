package gateway_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

type verified struct {
	Code         string `json:"code"`
	Status       string `json:"status"`
	Reason       string `json:"reason"`
	Number       string `json:"number"`
	Issuer       string `json:"issuer"`
	KeyID        string `json:"keyId"`
	KeyRevokedOn string `json:"keyRevokedOn"`
	JWS          string `json:"jws"`
	Replacement  *struct {
		Code   string `json:"code"`
		Number string `json:"number"`
		Reason string `json:"reason"`
	} `json:"replacement"`
}

// TestVerifyDecisionsWithoutToken signs, on their events, a penalty
// decision and a first-instance judgment, and verifies them through the
// real gateway without a token: valid as signed; a field changed in the
// saved JWS fails against the published keys; a JWS signed by another key
// names no published key; after the agency's key is revoked its decision
// verifies as signed with a key revoked on that day; after the appeal court
// decides otherwise the first-instance judgment verifies as superseded by
// the second-instance judgment.
func TestVerifyDecisionsWithoutToken(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	matter := strings.TrimPrefix(r.matter.GetName(), "matters/")
	issue := decision.Issuer(r.srv.Filing, func() time.Time { return time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC) })
	seq := int64(100)
	emit := func(typ events.Type, proceeding, org string, p any) {
		t.Helper()
		payload, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		seq++
		err = r.srv.DB.InTx(t.Context(), func(tx store.Tx) error {
			return issue(tx, events.Entry{Position: seq, Event: events.Event{MatterID: matter, Seq: seq, Type: typ, ProceedingID: proceeding,
				Actor: events.Actor{Subject: "judge", Role: "court", Org: org}, Payload: payload}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st := decision.NewStore(r.srv.DB)
	codeOf := func(number string) string {
		t.Helper()
		ds, err := st.Matter(t.Context(), matter)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Number == number {
				return d.Code
			}
		}
		t.Fatalf("no signed decision %s", number)
		return ""
	}
	verify := func(code string) verified {
		t.Helper()
		resp := r.get(t, "/v1/verify/"+code, "")
		if resp.code != http.StatusOK {
			t.Fatalf("GET /v1/verify/%s without a token: %d %s", code, resp.code, resp.body)
		}
		var v verified
		if err := json.Unmarshal(resp.body, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	keys := func() []*decision.Key {
		t.Helper()
		resp := r.get(t, "/v1/decisionKeys", "")
		if resp.code != http.StatusOK {
			t.Fatalf("GET /v1/decisionKeys: %d %s", resp.code, resp.body)
		}
		ks, err := decision.ParseKeySet(resp.body)
		if err != nil {
			t.Fatal(err)
		}
		return ks
	}

	emit(events.EnforcementDecided, "enf1", "SAMR-HZ", events.DecidedPayload{Number: "杭西市监处罚〔2026〕12号",
		DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 28}, Fine: "150000", Law: "《中华人民共和国商标法》第六十条第二款"})
	penalty := codeOf("杭西市监处罚〔2026〕12号")
	v := verify(strings.ToLower(penalty[:5]) + "-" + penalty[5:]) // as a person types it
	if v.Status != "VERIFICATION_STATUS_VALID" || v.Issuer != "SAMR-HZ" || v.Code != penalty {
		t.Fatalf("penalty decision as signed: %+v", v)
	}

	// Tampered: the fine in the saved JWS lowered; offline against the
	// published keys the signature fails, and its code is no decision's.
	parts := strings.Split(v.JWS, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"fine":"150000"`, `"fine":"1500"`, 1)))
	tampered := strings.Join(parts, ".")
	if got := decision.Verify(tampered, keys()); got.Status != decision.Invalid {
		t.Fatalf("tampered fine verified %s: %s", got.Status, got.Reason)
	}
	if resp := r.get(t, "/v1/verify/"+decision.Code(tampered), ""); resp.code != http.StatusNotFound {
		t.Fatalf("tampered document's code: %d %s", resp.code, resp.body)
	}

	// Wrong key: the same fields signed by a key SAMR-HZ never published.
	var doc decision.Document
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	other, err := decision.NewKey("SAMR-HZ", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	forged, _, err := decision.Sign(&doc, other)
	if err != nil {
		t.Fatal(err)
	}
	if got := decision.Verify(forged, keys()); got.Status != decision.UnknownKey {
		t.Fatalf("forged document verified %s: %s", got.Status, got.Reason)
	}
	fp := strings.Split(forged, ".")
	if got := decision.Verify(parts[0]+"."+fp[1]+"."+fp[2], keys()); got.Status != decision.Invalid {
		t.Fatalf("forged document under the agency's kid verified %s: %s", got.Status, got.Reason)
	}

	// Bad code: the field named.
	if resp := r.get(t, "/v1/verify/NOT-A-CODE!", ""); resp.code != http.StatusBadRequest || violations(t, resp)["code"] == "" {
		t.Fatalf("bad code: %d %s", resp.code, resp.body)
	}

	// Appeal: the first instance found infringement and awarded 500,000
	// yuan; the appeal court found none. CPL Art. 182: the second-instance
	// judgment is final, so the first verifies as superseded by it.
	const first, second = "(2026)京73民初100号", "(2026)京民终200号"
	emit(events.TrialJudged, "t1", "北京知识产权法院", events.JudgedPayload{CourtNumber: first, InfringementFound: true, Damages: "500000",
		Costs: "8800", JudgedOn: civil.Date{Year: 2026, Month: 6, Day: 1}})
	firstCode := codeOf(first)
	if v := verify(firstCode); v.Status != "VERIFICATION_STATUS_VALID" || v.Issuer != "北京知识产权法院" {
		t.Fatalf("first-instance judgment before the appeal: %+v", v)
	}
	emit(events.TrialAppealed, "t1", "北京知识产权法院", events.AppealedPayload{Party: "p", FiledOn: civil.Date{Year: 2026, Month: 6, Day: 10},
		AppellateCourt: "北京市高级人民法院", SecondInstance: "matters/" + matter + "/proceedings/t2"})
	emit(events.TrialJudged, "t2", "北京市高级人民法院", events.JudgedPayload{CourtNumber: second, InfringementFound: false, Damages: "0",
		Costs: "8800", JudgedOn: civil.Date{Year: 2026, Month: 8, Day: 20}})
	v = verify(firstCode)
	if v.Status != "VERIFICATION_STATUS_SUPERSEDED" || v.Replacement == nil || v.Replacement.Code != codeOf(second) ||
		v.Replacement.Number != second || !strings.Contains(v.Replacement.Reason, "set aside on appeal") {
		t.Fatalf("first-instance judgment after the appeal: %+v", v)
	}
	if v := verify(codeOf(second)); v.Status != "VERIFICATION_STATUS_VALID" {
		t.Fatalf("second-instance judgment: %+v", v)
	}

	// Revoked: SAMR-HZ's key revoked on 2026-09-15.
	if err := st.Revoke(t.Context(), verify(penalty).KeyID, time.Date(2026, 9, 15, 3, 0, 0, 0, time.UTC), "private key exposed"); err != nil {
		t.Fatal(err)
	}
	v = verify(penalty)
	if v.Status != "VERIFICATION_STATUS_REVOKED" || v.KeyRevokedOn != "2026-09-15" ||
		!strings.Contains(v.Reason, "signed with a key revoked on 2026-09-15") {
		t.Fatalf("penalty decision after its key was revoked: %+v", v)
	}
	// The agency's next decision is signed with a new key, and valid.
	emit(events.EnforcementDecided, "enf2", "SAMR-HZ", events.DecidedPayload{Number: "杭西市监处罚〔2026〕13号",
		DecidedOn: civil.Date{Year: 2026, Month: 9, Day: 20}, Fine: "30000", Law: "《中华人民共和国商标法》第六十条第二款"})
	if v := verify(codeOf("杭西市监处罚〔2026〕13号")); v.Status != "VERIFICATION_STATUS_VALID" || v.KeyID == verify(penalty).KeyID {
		t.Fatalf("decision after the revocation: %+v", v)
	}
}
