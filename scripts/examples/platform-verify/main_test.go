package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/status/statustest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestPlatformVerify builds the example and runs it, as a platform would,
// against a real ipcased and gateway over Postgres with decisions signed on
// their events: a valid penalty decision says "remove listings"; the same
// document with its respondent changed, a decision whose key was revoked,
// a first-instance judgment set aside on appeal (naming the replacement)
// and a judgment not yet effective say why not; an effective judgment that
// found infringement says "remove listings".
func TestPlatformVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("starts ipcased and the gateway")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "platform-verify")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	srv := statustest.Start(t, statustest.Options{})
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: srv.Addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)

	officer := srv.Officer(t, "SAMR-HZ")
	resp, err := ipcasev1.NewFilingServiceClient(servertest.Dial(t, srv.Addr)).SubmitComplaint(authtest.WithToken(t.Context(), officer),
		&ipcasev1.SubmitComplaintRequest{
			Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "北京星河茶饮有限公司",
				CreditCode: "91110108MA01HX4T2R", Contact: "legal@xinghe.example"},
			Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司",
				CreditCode: "91330100MA2AXQ9B12"}},
			Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河 (class 43)",
				Holder: "北京星河茶饮有限公司"}},
			Facts: "Milk tea sold in cups bearing the registered mark, listed on an online shop.", KnownSince: "2026-08-20", Agency: "SAMR-HZ",
		})
	if err != nil {
		t.Fatal(err)
	}
	matter := strings.TrimPrefix(resp.GetMatter().GetName(), "matters/")
	issue := decision.Issuer(srv.Filing, srv.DecisionKeys, func() time.Time { return time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC) })
	seq := int64(100)
	emit := func(typ events.Type, proceeding, org string, p any) {
		t.Helper()
		payload, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		seq++
		err = srv.DB.InTx(t.Context(), func(tx store.Tx) error {
			return issue(tx, events.Entry{Position: seq, Event: events.Event{MatterID: matter, Seq: seq, Type: typ, ProceedingID: proceeding,
				Actor: events.Actor{Subject: "someone", Role: "court", Org: org}, Payload: payload}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st := decision.NewStore(srv.DB, nil)
	signed := func(number string) decision.Signed {
		t.Helper()
		ds, err := st.Matter(t.Context(), matter)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Number == number {
				return d
			}
		}
		t.Fatalf("no signed decision %s", number)
		return decision.Signed{}
	}
	run := func(wantExit int, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, append([]string{"-gateway", hs.URL}, args...)...)
		out, err := cmd.Output()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != wantExit {
			t.Fatalf("platform-verify %v: exit %d, want %d; stdout %q", args, code, wantExit, out)
		}
		return strings.TrimSpace(string(out))
	}

	// A valid penalty decision: remove listings, naming the seller.
	emit(events.EnforcementDecided, "enf1", "SAMR-HZ", events.DecidedPayload{Number: "杭西市监处罚〔2026〕12号",
		DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 28}, Fine: "150000", Law: "《中华人民共和国商标法》第六十条第二款"})
	penalty := signed("杭西市监处罚〔2026〕12号")
	out := run(0, strings.ToLower(penalty.Code[:5])+"-"+penalty.Code[5:])
	if out != "remove listings: penalty decision 杭西市监处罚〔2026〕12号 of SAMR-HZ, decided 2026-08-28, against 杭州仿品贸易有限公司 91330100MA2AXQ9B12" {
		t.Errorf("valid penalty decision: %q", out)
	}
	// The same document handed over as signed: still remove listings.
	asSigned := filepath.Join(t.TempDir(), "decision.jws")
	if err := os.WriteFile(asSigned, []byte(penalty.JWS+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run(0, "-jws", asSigned, penalty.Code); !strings.HasPrefix(out, "remove listings: ") {
		t.Errorf("valid penalty decision handed over: %q", out)
	}

	// Tampered: the rights holder hands over the document with another
	// seller's name put in as respondent.
	parts := strings.Split(penalty.JWS, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "杭州仿品贸易有限公司", "杭州正品商贸有限公司", 1)))
	tampered := filepath.Join(t.TempDir(), "tampered.jws")
	if err := os.WriteFile(tampered, []byte(strings.Join(parts, ".")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run(1, "-jws", tampered, penalty.Code); !strings.HasPrefix(out, "do not remove listings: the document handed over is not the one") ||
		!strings.Contains(out, "it was altered") {
		t.Errorf("tampered document: %q", out)
	}
	// Its signature fails offline too, whatever a register would say.
	var set struct {
		Keys []jwk `json:"keys"`
	}
	r, err := http.Get(hs.URL + "/v1/decisionKeys") //nolint:noctx // a test's one request
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(r.Body).Decode(&set)
	_ = r.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, why := verify(strings.Join(parts, "."), set.Keys); !strings.Contains(why, "signature does not match") {
		t.Errorf("tampered document offline: %q", why)
	}
	if out := run(1, "ZZZZZZZZZZ"); out != "do not remove listings: no decision has the code ZZZZZZZZZZ" {
		t.Errorf("unknown code: %q", out)
	}

	// Judgments: the first instance found infringement, not yet effective;
	// appealed, the second instance found none: the first is superseded.
	const first, second = "(2026)京73民初100号", "(2026)京民终200号"
	emit(events.TrialJudged, "t1", "北京知识产权法院", events.JudgedPayload{CourtNumber: first, InfringementFound: true, Damages: "500000",
		Injunction: "停止销售侵权商品", Costs: "8800", JudgedOn: civil.Date{Year: 2026, Month: 6, Day: 1}})
	firstCode := signed(first).Code
	if out := run(1, firstCode); !strings.Contains(out, "is not yet effective") {
		t.Errorf("first-instance judgment before the appeal: %q", out)
	}
	emit(events.TrialAppealed, "t1", "北京知识产权法院", events.AppealedPayload{Party: "p", FiledOn: civil.Date{Year: 2026, Month: 6, Day: 10},
		AppellateCourt: "北京市高级人民法院", SecondInstance: "matters/" + matter + "/proceedings/t2"})
	emit(events.TrialJudged, "t2", "北京市高级人民法院", events.JudgedPayload{CourtNumber: second, InfringementFound: false, Damages: "0",
		Costs: "8800", JudgedOn: civil.Date{Year: 2026, Month: 8, Day: 20}})
	secondCode := signed(second).Code
	out = run(1, firstCode)
	if !strings.HasPrefix(out, "do not remove listings: "+first+" was superseded on 2026-09-01 by "+second+" of 北京市高级人民法院 (code "+secondCode+")") ||
		!strings.Contains(out, "set aside on appeal") {
		t.Errorf("first-instance judgment set aside on appeal: %q", out)
	}
	if out := run(1, secondCode); !strings.Contains(out, "found no infringement") {
		t.Errorf("second-instance judgment finding none: %q", out)
	}

	// An effective judgment that found infringement, in another matter's
	// stead here: remove listings.
	emit(events.TrialJudgmentEffective, "t3", "北京知识产权法院", events.JudgmentEffective{Court: "北京知识产权法院", CourtNumber: "(2026)京73民初300号",
		InfringementFound: true, Damages: "200000", DecidedOn: civil.Date{Year: 2026, Month: 7, Day: 1}, EffectiveOn: civil.Date{Year: 2026, Month: 7, Day: 20}})
	if out := run(0, signed("(2026)京73民初300号").Code); !strings.HasPrefix(out, "remove listings: judgment (2026)京73民初300号 of 北京知识产权法院, effective 2026-07-20") {
		t.Errorf("effective judgment: %q", out)
	}

	// Revoked: SAMR-HZ's key revoked from 2026-09-15; its decision no longer
	// removes listings.
	rev, err := http.Post(hs.URL+"/v1/decisionKeys/"+penalty.Kid+":revoke", "application/json", //nolint:noctx // a test's one request
		strings.NewReader(`{"reason":"private key exposed","effectiveOn":"2026-09-15"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = rev.Body.Close()
	if rev.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoke without a token: %s", rev.Status)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, hs.URL+"/v1/decisionKeys/"+penalty.Kid+":revoke",
		strings.NewReader(`{"reason":"private key exposed","effectiveOn":"2026-09-15"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.Admin(t))
	req.Header.Set("Content-Type", "application/json")
	if rev, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	_ = rev.Body.Close()
	if rev.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %s", rev.Status)
	}
	if out := run(1, penalty.Code); out != "do not remove listings: 杭西市监处罚〔2026〕12号 was signed with a key of SAMR-HZ revoked on 2026-09-15 (private key exposed)" {
		t.Errorf("decision of a revoked key: %q", out)
	}
}
