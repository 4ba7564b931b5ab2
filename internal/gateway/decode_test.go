package gateway

import "testing"

// TestJSONPathAt names the value at an offset the way field violations do.
func TestJSONPathAt(t *testing.T) {
	t.Parallel()
	const doc = `{"facts": "x", "complainant": {"kind": 7}, "respondents": [{"kind": "A"}, {"name": "b", "kind": "ROBOT"}], "tags": [1, 2, 3]}`
	at := func(s string) int {
		for i := range len(doc) - len(s) + 1 {
			if doc[i:i+len(s)] == s {
				return i
			}
		}
		t.Fatalf("%q not in the document", s)
		return 0
	}
	for _, tt := range []struct {
		name string
		off  int
		want string
	}{
		{"top-level value", at(`"x"`), "facts"},
		{"nested value", at(`7`), "complainant.kind"},
		{"second element's field", at(`"ROBOT"`), "respondents[1].kind"},
		{"first element's field", at(`"A"`), "respondents[0].kind"},
		{"scalar in a list", at(`3]`), "tags[2]"},
		{"the start", 0, ""},
		{"cut short", len(`{"facts": "x", "complainant": {"ki`), "complainant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := []byte(doc)
			if tt.name == "cut short" {
				data = data[:tt.off]
			}
			if got := jsonPathAt(data, tt.off); got != tt.want {
				t.Errorf("jsonPathAt(%d) = %q, want %q", tt.off, got, tt.want)
			}
		})
	}
}
