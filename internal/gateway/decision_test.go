package gateway_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
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
	issue := decision.Issuer(r.srv.Filing, r.srv.DecisionKeys, func() time.Time { return time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC) })
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
	st := decision.NewStore(r.srv.DB, nil)
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

	// Rotated: an admin rotates SAMR-HZ's key. The penalty decision, signed
	// with the retired key, still verifies; the agency's next decision is
	// signed with the new key; the key set lists both.
	firstKey := verify(penalty).KeyID
	admin := r.srv.Admin(t)
	rot := r.postJSON(t, "/v1/decisionKeys:rotate", admin, `{"issuer":"SAMR-HZ","requestId":"rotate-hz-1"}`)
	if rot.code != http.StatusOK {
		t.Fatalf("rotate: %d %s", rot.code, rot.body)
	}
	var rotated struct {
		Key struct {
			Kid, Iss, Retired string
		} `json:"key"`
		RetiredKid string `json:"retiredKid"`
	}
	if err := json.Unmarshal(rot.body, &rotated); err != nil {
		t.Fatal(err)
	}
	if rotated.RetiredKid != firstKey || rotated.Key.Kid == firstKey || rotated.Key.Iss != "SAMR-HZ" || rotated.Key.Retired != "" {
		t.Fatalf("rotate answered %s; want a new current key of SAMR-HZ retiring %s", rot.body, firstKey)
	}
	// A retry with the same request_id rotates nothing more.
	if again := r.postJSON(t, "/v1/decisionKeys:rotate", admin, `{"issuer":"SAMR-HZ","requestId":"rotate-hz-1"}`); again.code != http.StatusOK ||
		string(again.body) != string(rot.body) {
		t.Fatalf("rotate retried: %d %s; want the firstKey answer %s", again.code, again.body, rot.body)
	}
	if v := verify(penalty); v.Status != "VERIFICATION_STATUS_VALID" || v.KeyID != firstKey {
		t.Fatalf("penalty decision after rotation: %+v", v)
	}
	emit(events.EnforcementDecided, "enf2", "SAMR-HZ", events.DecidedPayload{Number: "杭西市监处罚〔2026〕13号",
		DecidedOn: civil.Date{Year: 2026, Month: 9, Day: 2}, Fine: "30000", Law: "《中华人民共和国商标法》第六十条第二款"})
	after := codeOf("杭西市监处罚〔2026〕13号")
	if v := verify(after); v.Status != "VERIFICATION_STATUS_VALID" || v.KeyID != rotated.Key.Kid {
		t.Fatalf("decision after rotation: %+v; want signed with %s", v, rotated.Key.Kid)
	}
	hz := map[string]*decision.Key{}
	for _, k := range keys() {
		if k.Issuer == "SAMR-HZ" {
			hz[k.ID] = k
		}
	}
	if len(hz) != 2 || hz[firstKey] == nil || hz[firstKey].Retired == nil || hz[rotated.Key.Kid] == nil || hz[rotated.Key.Kid].Retired != nil {
		t.Fatalf("SAMR-HZ's published keys after rotation: %v", hz)
	}

	// Revoked: SAMR-HZ's firstKey key, retired, revoked from 2026-09-15: what
	// it signed verifies REVOKED with that day; the new key's decision is
	// still valid.
	rev := r.postJSON(t, "/v1/decisionKeys/"+firstKey+":revoke", admin, `{"reason":"private key exposed","effectiveOn":"2026-09-15"}`)
	if rev.code != http.StatusOK || !strings.Contains(string(rev.body), `"revoked":"2026-09-15T00:00:00Z"`) {
		t.Fatalf("revoke: %d %s", rev.code, rev.body)
	}
	v = verify(penalty)
	if v.Status != "VERIFICATION_STATUS_REVOKED" || v.KeyRevokedOn != "2026-09-15" ||
		!strings.Contains(v.Reason, "signed with a key revoked on 2026-09-15 (private key exposed)") {
		t.Fatalf("penalty decision after its key was revoked: %+v", v)
	}
	if got := decision.Verify(v.JWS, keys()); got.Status != decision.Revoked {
		t.Fatalf("penalty decision offline against the published keys after revocation: %s", got.Status)
	}
	if v := verify(after); v.Status != "VERIFICATION_STATUS_VALID" {
		t.Fatalf("decision of the new key after the old one's revocation: %+v", v)
	}
	// Revoked again: refused, naming the day.
	if again := r.postJSON(t, "/v1/decisionKeys/"+firstKey+":revoke", admin, `{"reason":"again"}`); again.code != http.StatusBadRequest ||
		!strings.Contains(string(again.body), "already revoked on 2026-09-15") {
		t.Fatalf("revoked twice: %d %s", again.code, again.body)
	}
	// The current key revoked: the agency's next decision is signed with a
	// new key, and valid.
	if rev := r.postJSON(t, "/v1/decisionKeys/"+rotated.Key.Kid+":revoke", admin, `{"reason":"HSM replaced"}`); rev.code != http.StatusOK {
		t.Fatalf("revoke the current key: %d %s", rev.code, rev.body)
	}
	emit(events.EnforcementDecided, "enf3", "SAMR-HZ", events.DecidedPayload{Number: "杭西市监处罚〔2026〕14号",
		DecidedOn: civil.Date{Year: 2026, Month: 9, Day: 20}, Fine: "30000", Law: "《中华人民共和国商标法》第六十条第二款"})
	if v := verify(codeOf("杭西市监处罚〔2026〕14号")); v.Status != "VERIFICATION_STATUS_VALID" || v.KeyID == firstKey || v.KeyID == rotated.Key.Kid {
		t.Fatalf("decision after the current key's revocation: %+v", v)
	}

	// Every change is logged with who made it; no private key is in the
	// database, each is a 0600 file of the key directory.
	var logged []struct {
		Action, Kid, ActorSubject, ActorRole, Reason string
	}
	if err := r.srv.DB.Session(t.Context()).Gorm().Raw(`SELECT action, kid, actor_subject, actor_role, reason FROM decision_key_log
		WHERE issuer = 'SAMR-HZ' ORDER BY id`).Scan(&logged).Error; err != nil {
		t.Fatal(err)
	}
	wantLog := []string{"CREATE " + firstKey + " ipcased", "ROTATE " + rotated.Key.Kid + " admin", "REVOKE " + firstKey + " admin private key exposed",
		"REVOKE " + rotated.Key.Kid + " admin HSM replaced", "CREATE"}
	if len(logged) != len(wantLog) {
		t.Fatalf("decision_key_log of SAMR-HZ: %+v", logged)
	}
	for i, l := range logged {
		got := strings.TrimSpace(strings.Join([]string{l.Action, l.Kid, l.ActorSubject, l.Reason}, " "))
		if !strings.HasPrefix(got, wantLog[i]) {
			t.Errorf("decision_key_log[%d] = %q, want %q…", i, got, wantLog[i])
		}
	}
	var cols []string
	if err := r.srv.DB.Session(t.Context()).Gorm().Raw(`SELECT column_name FROM information_schema.columns WHERE table_name = 'decision_keys'`).
		Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if strings.Contains(c, "private") {
			t.Errorf("decision_keys has a column %s", c)
		}
	}
	for kid := range hz {
		fi, err := os.Stat(filepath.Join(r.srv.DecisionKeys.Dir(), kid+".jwk"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file of %s: %v, mode %v", kid, err, fi)
		}
	}
}

// TestDecisionKeysWhoMay: rotating and revoking keys takes an admin, or an
// officer for its own agency's keys; others are refused, bad input named.
func TestDecisionKeysWhoMay(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	hz := r.postJSON(t, "/v1/decisionKeys:rotate", r.officer, `{"issuer":"SAMR-HZ"}`) // an officer of SAMR-HZ, its firstKey key
	if hz.code != http.StatusOK {
		t.Fatalf("rotate by the agency's officer: %d %s", hz.code, hz.body)
	}
	var k struct {
		Key struct{ Kid string } `json:"key"`
	}
	if err := json.Unmarshal(hz.body, &k); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path, token, body string
		code                    int
		want                    string
	}{
		{"anonymous", "/v1/decisionKeys:rotate", "", `{"issuer":"SAMR-HZ"}`, http.StatusUnauthorized, ""},
		{"rights holder", "/v1/decisionKeys:rotate", r.holder, `{"issuer":"SAMR-HZ"}`, http.StatusForbidden, ""},
		{"other agency's officer", "/v1/decisionKeys:rotate", r.srv.Officer(t, "SAMR-SH"), `{"issuer":"SAMR-HZ"}`, http.StatusForbidden,
			"managed by an admin or by SAMR-HZ itself"},
		{"other agency's officer revokes", "/v1/decisionKeys/" + k.Key.Kid + ":revoke", r.srv.Officer(t, "SAMR-SH"), `{"reason":"x"}`,
			http.StatusForbidden, "managed by an admin or by SAMR-HZ itself"},
		{"no issuer", "/v1/decisionKeys:rotate", r.srv.Admin(t), `{}`, http.StatusBadRequest, "issuer"},
		{"no reason", "/v1/decisionKeys/" + k.Key.Kid + ":revoke", r.srv.Admin(t), `{}`, http.StatusBadRequest, "reason"},
		{"future day", "/v1/decisionKeys/" + k.Key.Kid + ":revoke", r.srv.Admin(t), `{"reason":"x","effectiveOn":"2999-01-01"}`,
			http.StatusBadRequest, "effectiveOn"},
		{"before the key", "/v1/decisionKeys/" + k.Key.Kid + ":revoke", r.srv.Admin(t), `{"reason":"x","effectiveOn":"2020-01-01"}`,
			http.StatusBadRequest, "effectiveOn"},
		{"not a kid", "/v1/decisionKeys/nope:revoke", r.srv.Admin(t), `{"reason":"x"}`, http.StatusBadRequest, "kid"},
		{"unknown kid", "/v1/decisionKeys/" + strings.Repeat("A", 43) + ":revoke", r.srv.Admin(t), `{"reason":"x"}`, http.StatusNotFound, ""},
	} {
		resp := r.postJSON(t, c.path, c.token, c.body)
		if resp.code != c.code {
			t.Errorf("%s: %d %s; want %d", c.name, resp.code, resp.body, c.code)
			continue
		}
		if c.code == http.StatusBadRequest && c.want != "" {
			if violations(t, resp)[c.want] == "" {
				t.Errorf("%s: %s; want a violation of %s", c.name, resp.body, c.want)
			}
		} else if c.want != "" && !strings.Contains(string(resp.body), c.want) {
			t.Errorf("%s: %s; want %q", c.name, resp.body, c.want)
		}
	}
	// Nothing the refused calls sent changed the key.
	resp := r.get(t, "/v1/decisionKeys", "")
	if strings.Contains(string(resp.body), `"revoked"`) || strings.Count(string(resp.body), `"kid"`) != 1 {
		t.Fatalf("keys after refused calls: %s", resp.body)
	}
}
