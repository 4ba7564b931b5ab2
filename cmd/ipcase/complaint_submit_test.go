package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// writeFile writes b to name in dir and returns its path and its SHA-256,
// computed here, not by the code under test.
func writeFile(t *testing.T, dir, name string, b []byte) (path, digest string) {
	t.Helper()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return path, hex.EncodeToString(sum[:])
}

// TestComplaintSubmit files a complaint from flags with two evidence files,
// which the server stores and the matter cites by the digests of their
// bytes; running the same command again returns the same matter; a YAML
// file and flags together make one complaint; bad input is refused naming
// the flag.
func TestComplaintSubmit(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.login(t)
	dir := t.TempDir()
	// A photo large enough to go in several chunks (256 KiB each).
	photoBytes := []byte(strings.Repeat("JPEG photo of counterfeit cups; ", 20000))
	photo, photoSum := writeFile(t, dir, "cups.jpg", photoBytes)
	invoice, invoiceSum := writeFile(t, dir, "invoice.pdf", []byte("%PDF-1.4 invoice no. 42"))

	args := []string{"complaint", "submit", "--agency", "SAMR-HZ",
		"--complainant", "organization:福州星河茶饮有限公司:91350100M000100Y43", "--contact", "legal@xinghe.example",
		"--respondent", "organization:杭州仿品贸易有限公司:91330100MA2AXQ9B12",
		"--right", "trademark:12345678:星河", "--facts", "Counterfeit cups sold at three shops.", "--known-since", "2026-02-20",
		"--evidence", photo + ":notarised:the cups on sale", "--evidence", invoice}
	r := s.run(t, "", args...)
	if r.code != exitOK {
		t.Fatalf("submit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{": submitted, awaiting review, filed with SAMR-HZ (matters/", "evidence " + photoSum + "  640000 bytes  image/jpeg  notarised",
		"evidence " + invoiceSum + "  23 bytes  application/pdf  party", "Next: ipcase complaint accept matters/"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("submit output lacks %q:\n%s", want, r.stdout)
		}
	}
	list := func() []*ipcasev1.Matter {
		t.Helper()
		resp, err := ipcasev1.NewFilingServiceClient(servertest.Dial(t, s.srv.Addr)).ListMatters(authtest.WithToken(t.Context(), s.officer),
			&ipcasev1.ListMattersRequest{PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetMatters()
	}
	m := list()[0]
	if m.GetComplainant().GetContact() != "legal@xinghe.example" || m.GetRights()[0].GetTitle() != "星河" || m.GetKnownSince() != "2026-02-20" ||
		len(m.GetEvidence()) != 2 || m.GetEvidence()[0].GetSha256() != photoSum || m.GetEvidence()[0].GetDescription() != "the cups on sale" ||
		m.GetEvidence()[0].GetSource() != ipcasev1.EvidenceSource_EVIDENCE_SOURCE_NOTARISED || m.GetEvidence()[1].GetSha256() != invoiceSum {
		t.Errorf("filed matter: %v", m)
	}
	// The server keeps the photo under its digest, byte for byte.
	if got, err := os.ReadFile(filepath.Join(s.srv.EvidenceDir, "sha256", photoSum[:2], photoSum)); err != nil || string(got) != string(photoBytes) {
		t.Errorf("the stored photo: %v, %d bytes; want the file's %d bytes", err, len(got), len(photoBytes))
	}

	// A retry (the same complaint, the same files) is the same matter.
	before := len(list())
	again := s.run(t, "", append(args, "-o", "json")...)
	var m2 ipcasev1.Matter
	if err := protojson.Unmarshal([]byte(again.stdout), &m2); err != nil || again.code != exitOK {
		t.Fatalf("retry: exit %d, %v\n%s%s", again.code, err, again.stdout, again.stderr)
	}
	if m2.GetName() != m.GetName() || len(list()) != before {
		t.Errorf("the retry filed %s (%d matters, %d before); want the first matter %s", m2.GetName(), len(list()), before, m.GetName())
	}

	// A YAML file, with a flag adding evidence and another replacing the facts.
	yamlFile, _ := writeFile(t, dir, "complaint.yaml", []byte(`agency: SAMR-HZ
complainant:
  kind: PARTY_KIND_PERSON
  displayName: 李明
respondents:
  - kind: PARTY_KIND_ORGANIZATION
    displayName: 福州云端文化传播有限公司
    creditCode: 91350100M000100Y43
rights:
  - type: IP_TYPE_COPYRIGHT
    title: 《山海行记》
facts: from the file
claims: 100000 yuan
`))
	y := s.run(t, "", "complaint", "submit", "--file", yamlFile, "--facts", "Twelve photographs offered for download.", "--evidence", invoice, "-o", "json")
	var m3 ipcasev1.Matter
	if err := protojson.Unmarshal([]byte(y.stdout), &m3); err != nil || y.code != exitOK {
		t.Fatalf("submit --file: exit %d, %v\n%s%s", y.code, err, y.stdout, y.stderr)
	}
	if m3.GetComplainant().GetDisplayName() != "李明" || m3.GetClaims() != "100000 yuan" || m3.GetFacts() != "Twelve photographs offered for download." ||
		len(m3.GetEvidence()) != 1 || m3.GetEvidence()[0].GetSha256() != invoiceSum {
		t.Errorf("matter from the YAML file: %v", &m3)
	}

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no facts", []string{"--agency", "SAMR-HZ", "--complainant", "person:李明", "--respondent", "person:王五", "--right", "copyright::《江南》"},
			exitRefused, "ipcase: refused: --facts (facts): "},
		{"bad party", []string{"--complainant", "company:X"}, exitUsage, `--complainant "company:X": want parties/{id} or KIND:NAME`},
		{"bad right", []string{"--right", "logo:1"}, exitUsage, `--right "logo:1": want TYPE:NUMBER:TITLE`},
		{"bad source", []string{"--facts", "x", "--evidence", invoice + ":sworn"}, exitUsage, `source "sworn" is not party, notarised`},
		{"missing file", []string{"--facts", "x", "--evidence", filepath.Join(dir, "nothing.pdf")}, exitUsage, "--evidence: "},
		{"nothing", nil, exitUsage, "give the complaint"},
		{"not a complaint", []string{"--file", invoice}, exitUsage, "not a complaint"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := len(list())
			r := s.run(t, "", append([]string{"complaint", "submit"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			if len(list()) != n {
				t.Error("a refused complaint was filed")
			}
		})
	}
}
