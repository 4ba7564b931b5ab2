package evidence_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestFileNameDisplayTricks is issue 13 item 16: a file name with a
// right-to-left override ("\u202Efdp.exe" displays as "exe.pdf") or any
// other invisible or control character is refused with INVALID_ARGUMENT
// naming metadata.file_name, and nothing is kept; names in any script are
// accepted.
func TestFileNameDisplayTricks(t *testing.T) {
	t.Parallel()
	r := startLimits(t, testLimits())
	holder := r.env.RightsHolder(t, uuid.NewString())
	for _, tt := range []struct {
		name, fileName string
	}{
		{"right-to-left override", "\u202Efdp.exe"},
		{"override inside", "invoice\u202Efdp.exe"},
		{"right-to-left isolate", "\u2067fdp.exe"},
		{"right-to-left mark", "report\u200F.pdf"},
		{"zero-width space", "re\u200Bport.pdf"},
		{"zero-width joiner", "re\u200Dport.pdf"},
		{"byte order mark", "\uFEFFreport.pdf"},
		{"soft hyphen", "re\u00ADport.pdf"},
		{"tag character", "report\U000E0041.pdf"},
		{"Hangul filler", "\u3164.pdf"},
		{"line separator", "report\u2028.pdf"},
		{"new line", "report\n.pdf"},
		{"tab", "report\t.pdf"},
		{"private use", "report\uE000.pdf"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			content := random(t, 100)
			_, err := r.send(t, holder, pdf(tt.fileName, 0), content)
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("file name %q: %v, want INVALID_ARGUMENT", tt.fileName, err)
			}
			if f := fieldsOf(err); len(f) != 1 || f[0] != "metadata.file_name" {
				t.Errorf("violations %v, want metadata.file_name", f)
			}
			if r.stored(t, content) || r.uploads(t, content) != 0 {
				t.Error("a refused upload was kept")
			}
		})
	}
	for _, ok := range []string{"购买公证书.pdf", "naïve résumé (1).pdf", "ملف الأدلة.pdf", "증거 사진.jpg", "Beweis – Kopie.pdf", ""} {
		if _, err := r.send(t, holder, pdf(ok, 0), random(t, 100)); err != nil {
			t.Errorf("file name %q: %v, want accepted", ok, err)
		}
	}
}

// TestFileNameDisplayTricksGateway is the attack as it was made: POST
// /v1/evidence:upload?fileName=%E2%80%AEfdp.exe over HTTP gets 400 naming
// metadata.file_name.
func TestFileNameDisplayTricksGateway(t *testing.T) {
	t.Parallel()
	r := startLimits(t, testLimits())
	base, client := r.gateway(t)
	content := random(t, 100)
	code, body := post(t, client, base, r.env.RightsHolder(t, uuid.NewString()), "?fileName=%E2%80%AEfdp.exe", content)
	if code != http.StatusBadRequest || !strings.Contains(string(body), "metadata.file_name") || !strings.Contains(string(body), "U+202E") {
		t.Fatalf("%d %s, want 400 naming metadata.file_name and U+202E", code, body)
	}
	var e struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Code != int(codes.InvalidArgument) {
		t.Errorf("body %s: want the INVALID_ARGUMENT status", body)
	}
	if r.stored(t, content) {
		t.Error("the refused upload was kept")
	}
	if code, body := post(t, client, base, r.env.RightsHolder(t, uuid.NewString()), "?fileName="+url.QueryEscape("exe.pdf"), content); code != http.StatusOK {
		t.Errorf("a plain name: %d %s", code, body)
	}
}
