package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/status/statustest"
	"github.com/ipcase/ipcase/internal/store"
)

// TestDecisionPDFForThePartiesOnly signs a penalty decision on its event
// and fetches it through the real gateway: the complainant's holder lists
// the matter's decisions and gets the PDF (application/pdf, the number and
// the verification code in its text, the verification URL in the footer);
// so does the agency's officer. A holder of another party, an officer of
// another agency, a code of another matter's decision and an anonymous
// caller get the matter's answer for strangers (404, as for a matter that
// does not exist) or 401; a malformed code names the field.
func TestDecisionPDFForThePartiesOnly(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	if !r.srv.PDF {
		if os.Getenv("IPCASE_REQUIRE_PDF") == "1" {
			t.Fatal("the PDF font is not installed (scripts/test.sh installs fonts-arphic-gbsn00lp)")
		}
		t.Skip("the PDF font is not installed; scripts/test.sh installs it")
	}
	matter := strings.TrimPrefix(r.matter.GetName(), "matters/")
	issue := decision.Issuer(r.srv.Filing, r.srv.DecisionKeys, func() time.Time { return time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC) })
	payload, err := json.Marshal(events.DecidedPayload{Number: "杭西市监处罚〔2026〕21号", DecidedOn: civil.Date{Year: 2026, Month: 8, Day: 28},
		Fine: "150000", Law: "《中华人民共和国商标法》第六十条第二款"})
	if err != nil {
		t.Fatal(err)
	}
	err = r.srv.DB.InTx(t.Context(), func(tx store.Tx) error {
		return issue(tx, events.Entry{Position: 100, Event: events.Event{MatterID: matter, Seq: 100, Type: events.EnforcementDecided,
			ProceedingID: "enf1", Actor: events.Actor{Subject: "officer", Role: "officer", Org: "SAMR-HZ"}, Payload: payload}})
	})
	if err != nil {
		t.Fatal(err)
	}

	list := r.get(t, "/v1/matters/"+matter+"/decisions", r.holder)
	if list.code != http.StatusOK {
		t.Fatalf("holder lists the decisions: %d %s", list.code, list.body)
	}
	var got struct {
		Decisions []struct{ Name, Code, Kind, Number, Issuer, DecidedOn string }
	}
	if err := json.Unmarshal(list.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Decisions) != 1 || got.Decisions[0].Number != "杭西市监处罚〔2026〕21号" || got.Decisions[0].Kind != "PENALTY_DECISION" ||
		got.Decisions[0].DecidedOn != "2026-08-28" || got.Decisions[0].Name != "matters/"+matter+"/decisions/"+got.Decisions[0].Code {
		t.Fatalf("decisions: %s", list.body)
	}
	d := got.Decisions[0]

	for _, who := range []struct{ name, token string }{{"the complainant's holder", r.holder}, {"the agency's officer", r.officer}} {
		// The code as a person types it from the paper.
		resp := r.get(t, "/v1/matters/"+matter+"/decisions/"+strings.ToLower(d.Code[:5])+"-"+d.Code[5:]+":pdf", who.token)
		if resp.code != http.StatusOK || resp.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(resp.body, []byte("%PDF-")) {
			t.Fatalf("%s gets the PDF: %d %q %.200s", who.name, resp.code, resp.header.Get("Content-Type"), resp.body)
		}
		text := pdfText(t, resp.body)
		for _, want := range []string{"行政处罚决定书", "杭西市监处罚〔2026〕21号", "杭州仿品贸易有限公司", "罚款人民币150000元",
			"验证码：" + d.Code[:5] + "-" + d.Code[5:], statustest.PublicURL + "/v1/verify/" + d.Code} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the PDF does not say %q:\n%s", who.name, want, text)
			}
		}
	}

	otherMatter := uuid.NewString()
	for _, tt := range []struct {
		name, path, token string
		code              int
	}{
		{"a holder of another party", "/v1/" + d.Name + ":pdf", r.srv.RightsHolder(t, uuid.NewString()), http.StatusNotFound},
		{"a holder of another party lists", "/v1/matters/" + matter + "/decisions", r.srv.RightsHolder(t, uuid.NewString()), http.StatusNotFound},
		{"an officer of another agency", "/v1/" + d.Name + ":pdf", r.srv.Officer(t, "SAMR-SZ"), http.StatusNotFound},
		{"no token", "/v1/" + d.Name + ":pdf", "", http.StatusUnauthorized},
		{"a matter that does not exist", "/v1/matters/" + otherMatter + "/decisions/" + d.Code + ":pdf", r.holder, http.StatusNotFound},
		{"a code no decision of the matter has", "/v1/matters/" + matter + "/decisions/AAAAAAAAAA:pdf", r.holder, http.StatusNotFound},
	} {
		resp := r.get(t, tt.path, tt.token)
		if resp.code != tt.code || bytes.HasPrefix(resp.body, []byte("%PDF")) {
			t.Errorf("%s: %d %.200s, want %d", tt.name, resp.code, resp.body, tt.code)
		}
	}
	resp := r.get(t, "/v1/matters/"+matter+"/decisions/NOT-A-CODE!:pdf", r.holder)
	if resp.code != http.StatusBadRequest || violations(t, resp)["name"] == "" {
		t.Errorf("a malformed code: %d %s", resp.code, resp.body)
	}
}

// pdfText is the text pdftotext reads from pdf, lines joined.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("IPCASE_REQUIRE_PDF") == "1" {
			t.Fatal(err)
		}
		t.Skip("pdftotext is not installed; scripts/test.sh installs poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("\n", "", "\f", "", " ", "").Replace(string(out))
}
