package main

import (
	"bytes"
	"encoding/json"
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
	"github.com/ipcase/ipcase/internal/store"
)

// TestDecisionPDF runs `ipcase decision list` and `ipcase decision pdf`
// against a real ipcased: the agency's officer lists the matter's penalty
// decision and writes its PDF, whose text (pdftotext) names the decision
// and its code; another agency's officer is told the matter is not found
// and no file is written; without a token the CLI says to log in.
func TestDecisionPDF(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if !s.srv.PDF {
		if os.Getenv("IPCASE_REQUIRE_PDF") == "1" {
			t.Fatal("the PDF font is not installed (scripts/test.sh installs fonts-arphic-gbsn00lp)")
		}
		t.Skip("the PDF font is not installed; scripts/test.sh installs it")
	}
	matter := strings.TrimPrefix(s.matter.GetName(), "matters/")
	payload, err := json.Marshal(events.DecidedPayload{Number: "杭西市监处罚〔2026〕31号", DecidedOn: civil.Date{Year: 2026, Month: 10, Day: 20},
		Fine: "50000", Law: "《中华人民共和国著作权法》第五十三条"})
	if err != nil {
		t.Fatal(err)
	}
	issue := decision.Issuer(s.srv.Filing, s.srv.DecisionKeys, func() time.Time { return time.Date(2026, 10, 21, 2, 0, 0, 0, time.UTC) })
	err = s.srv.DB.InTx(t.Context(), func(tx store.Tx) error {
		return issue(tx, events.Entry{Position: 50, Event: events.Event{MatterID: matter, Seq: 50, Type: events.EnforcementDecided,
			ProceedingID: "enf1", Actor: events.Actor{Subject: "officer", Role: "officer", Org: "SAMR-HZ"}, Payload: payload}})
	})
	if err != nil {
		t.Fatal(err)
	}
	server := []string{"--server", s.srv.Addr}

	list := ipcase(t, append([]string{"decision", "list", matter, "--token", s.officer, "-o", "json"}, server...)...)
	var ds []struct{ Name, Code, Number string }
	if list.code != exitOK || json.Unmarshal([]byte(list.stdout), &ds) != nil || len(ds) != 1 || ds[0].Number != "杭西市监处罚〔2026〕31号" {
		t.Fatalf("decision list: exit %d, stdout %q, stderr %q", list.code, list.stdout, list.stderr)
	}

	file := filepath.Join(t.TempDir(), "decision.pdf")
	got := ipcase(t, append([]string{"decision", "pdf", ds[0].Name, "--file", file, "--token", s.officer}, server...)...)
	if got.code != exitOK || !strings.Contains(got.stdout, "wrote "+file) {
		t.Fatalf("decision pdf: exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s: %v, %.20q", file, err, b)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil || os.Getenv("IPCASE_REQUIRE_PDF") == "1" {
		out, err := exec.CommandContext(t.Context(), "pdftotext", "-enc", "UTF-8", file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.NewReplacer("\n", "", " ", "").Replace(string(out))
		for _, want := range []string{"行政处罚决定书", "杭西市监处罚〔2026〕31号", "福州云端文化传播有限公司", "验证码：" + ds[0].Code[:5] + "-" + ds[0].Code[5:]} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF does not say %q:\n%s", want, text)
			}
		}
	}

	other := filepath.Join(t.TempDir(), "other.pdf")
	refused := ipcase(t, append([]string{"decision", "pdf", ds[0].Name, "--file", other, "--token", s.srv.Officer(t, "SAMR-SZ")}, server...)...)
	if refused.code == exitOK || !strings.Contains(refused.stderr, "not found") {
		t.Errorf("another agency's officer: exit %d, stdout %q, stderr %q", refused.code, refused.stdout, refused.stderr)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("a refused call wrote %s: %v", other, err)
	}
	holder := ipcase(t, append([]string{"decision", "list", matter, "--token", s.srv.RightsHolder(t, uuid.NewString())}, server...)...)
	if holder.code == exitOK || !strings.Contains(holder.stderr, "not found") {
		t.Errorf("a holder of no party: exit %d, stderr %q", holder.code, holder.stderr)
	}
	anon := ipcase(t, append([]string{"decision", "pdf", ds[0].Name}, server...)...)
	if anon.code != exitFailure || !strings.Contains(anon.stderr, "no token: run ipcase login first") {
		t.Errorf("no token: exit %d, stderr %q", anon.code, anon.stderr)
	}
}
