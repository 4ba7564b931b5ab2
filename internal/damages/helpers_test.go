package damages_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/ipcase/ipcase/internal/damages"
)

// day parses an ISO date or fails the test.
func day(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatalf("civil.Parse(%q): %v", s, err)
	}
	return d
}

// ratio parses a decimal or fails the test.
func ratio(t testing.TB, s string) damages.Ratio {
	t.Helper()
	r, err := damages.ParseRatio(s)
	if err != nil {
		t.Fatalf("ParseRatio(%q): %v", s, err)
	}
	return r
}

// yuan parses a yuan amount or fails the test.
func yuan(t testing.TB, s string) damages.Fen {
	t.Helper()
	f, err := damages.ParseYuan(s)
	if err != nil {
		t.Fatalf("ParseYuan(%q): %v", s, err)
	}
	return f
}

// wantRefusal checks that err is InputErrors holding an error on field
// whose reason contains every fragment.
func wantRefusal(t *testing.T, err error, field string, fragments ...string) {
	t.Helper()
	var ies damages.InputErrors
	if !errors.As(err, &ies) {
		t.Fatalf("error = %v, want InputErrors with field %q", err, field)
	}
	for _, e := range ies {
		if e.Field != field {
			continue
		}
		for _, f := range fragments {
			if !strings.Contains(e.Reason, f) {
				t.Errorf("%s: reason %q lacks %q", field, e.Reason, f)
			}
		}
		return
	}
	t.Errorf("no refusal on field %q; got %v", field, err)
}

// containsLine reports whether any line contains every fragment.
func containsLine(lines []string, fragments ...string) bool {
	for _, l := range lines {
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(l, f)
		}
		if ok {
			return true
		}
	}
	return false
}
