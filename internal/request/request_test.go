package request_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/request"
)

// TestKeyLeavesOutTheEtag: a retry that carries a newer etag (read after
// the change was made) is the same request; any other difference is not.
func TestKeyLeavesOutTheEtag(t *testing.T) {
	t.Parallel()
	hash := func(r *ipcasev1.AcceptComplaintRequest) []byte {
		t.Helper()
		k, err := request.Key(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		return k.RequestHash
	}
	first := hash(&ipcasev1.AcceptComplaintRequest{Name: "matters/m", Etag: `"v1"`, RequestId: "a", Forum: "SAMR-HZ", Note: "copying"})
	if h := hash(&ipcasev1.AcceptComplaintRequest{Name: "matters/m", Etag: `"v2"`, RequestId: "a", Forum: "SAMR-HZ", Note: "copying"}); !bytes.Equal(h, first) {
		t.Error("a newer etag makes another request")
	}
	if h := hash(&ipcasev1.AcceptComplaintRequest{Name: "matters/m", Etag: `"v1"`, RequestId: "a", Forum: "SAMR-HZ", Note: "other"}); bytes.Equal(h, first) {
		t.Error("another note makes the same request")
	}
	if k, _ := request.Key(context.Background(), &ipcasev1.AcceptComplaintRequest{Name: "matters/m"}); k.RequestHash != nil {
		t.Error("a request without a request_id is kept")
	}
}

// TestNameRefusesInvisibleCharacters: a name or title carries nothing a
// reader cannot see (issue 13 item 16); free text carries no control
// characters but tab and line breaks and no bidirectional override; every
// refusal names the field and the character.
func TestNameRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s          string
		name, text bool // accepted as a name, as text
	}{
		{"购买公证书.pdf", true, true},
		{"北京星河茶饮有限公司", true, true},
		{"naïve résumé (1).pdf", true, true},
		{"ملف الأدلة", true, true},
		{"Beweis – Kopie", true, true},
		{"山田\u3000太郎", true, true},                              // ideographic space
		{"葛\U000E0100城", true, true},                            // an ideographic variation selector
		{"\u202Efdp.exe", false, false},                         // right-to-left override
		{"report\u2800\u2800.exe", false, true},                 // Braille pattern blank, which displays as nothing
		{"report.pdf\u2003\u2003\u2003\u2003.exe", false, true}, // a run of em spaces hides the extension
		{"report.pdf   .exe", false, true},                      // so does a run of plain spaces
		{"山田\u3000太郎 (2).pdf", true, true},                      // one or two spaces are a name's
		{"a\u202Ab", false, false},                              // left-to-right embedding
		{"a\u2066b\u2069", false, false},                        // isolates
		{"report\u200F", false, true},                           // right-to-left mark
		{"re\u200Bport", false, true},                           // zero-width space
		{"re\u200Dport", false, true},                           // zero-width joiner
		{"\uFEFFreport", false, true},                           // byte order mark
		{"re\u00ADport", false, true},                           // soft hyphen
		{"flag\U000E0067", false, true},                         // tag character
		{"\u3164", false, true},                                 // Hangul filler
		{"a\u2028b", false, true},                               // line separator
		{"a\uE000b", false, true},                               // private use
		{"a\uFDD0b", false, true},                               // noncharacter
		{"line one\nline two\tand a tab", false, true},          // free text may break lines
		{"bell\a", false, false},                                // control
		{"nul\x00", false, false},                               // control
		{"c1\u0085", false, false},                              // next line, a C1 control
		{strings.Repeat("名", 10), true, true},
	} {
		var v request.Validator
		v.Name("name", tt.s, true, 100)
		if got := v.Err() == nil; got != tt.name {
			t.Errorf("Name(%+q): accepted %v, want %v (%v)", tt.s, got, tt.name, v.Err())
		}
		if !tt.name && (len(v.Violations) != 1 || v.Violations[0].Field != "name" || !strings.Contains(v.Violations[0].Reason, "U+")) {
			t.Errorf("Name(%+q): violations %+v, want one of name naming the character", tt.s, v.Violations)
		}
		var w request.Validator
		w.Text("facts", tt.s, true, 100)
		if got := w.Err() == nil; got != tt.text {
			t.Errorf("Text(%+q): accepted %v, want %v (%v)", tt.s, got, tt.text, w.Err())
		}
	}
}

// TestNameReason: the reason says which character, where.
func TestNameReason(t *testing.T) {
	t.Parallel()
	var v request.Validator
	v.Name("metadata.file_name", "ab\u202Efdp.exe", false, 255)
	want := "metadata.file_name: contains U+202E at character 3: invisible formatting and control characters are not allowed in names and titles"
	if err := v.Err(); err == nil || err.Error() != "invalid argument: "+want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestCode: agency and court codes carry no spaces and nothing invisible.
func TestCode(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"SAMR-HZ", true},
		{"京73", true},
		{"SAMR HZ", false},
		{"SAMR\tHZ", false},
		{"SAMR-HZ\u200B", false},
		{"\u202E37京", false},
	} {
		var v request.Validator
		v.Code("agency", tt.s, true)
		if got := v.Err() == nil; got != tt.ok {
			t.Errorf("Code(%+q): accepted %v, want %v (%v)", tt.s, got, tt.ok, v.Err())
		}
		if !tt.ok && len(v.Violations) != 1 {
			t.Errorf("Code(%+q): %d violations, want 1", tt.s, len(v.Violations))
		}
	}
}

// TestDateThatDoesNotExist: 2026-02-30 is written as a date, so being told
// it "must be a date written YYYY-MM-DD" misleads; the violation says the
// day does not exist and how long the month is. A malformed date still
// gets the form.
func TestDateThatDoesNotExist(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"2026-02-30", `known_since: "2026-02-30" does not exist: February 2026 has 28 days`},
		{"2024-02-30", `known_since: "2024-02-30" does not exist: February 2024 has 29 days`},
		{"2026-04-31", `known_since: "2026-04-31" does not exist: April 2026 has 30 days`},
		{"2026-13-01", `known_since: must be a date written YYYY-MM-DD, got "2026-13-01"`},
		{"2026-2-3", `known_since: must be a date written YYYY-MM-DD, got "2026-2-3"`},
	} {
		var v request.Validator
		v.OptionalDate("known_since", tt.in)
		if err := v.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want %s", tt.in, err, tt.want)
		}
	}
}
