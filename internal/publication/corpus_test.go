package publication_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/publication"
)

// TestCorpus redacts the decision texts of testdata/corpus, written for the
// tests, and compares them with the redacted texts written by hand there
// from the rules (SPC provisions Arts. 8–11; SAMR Order No. 45 Art. 6).
func TestCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/corpus/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("corpus holds %d texts, want at least 30", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			t.Parallel()
			src, want := readCase(t, f)
			got := publication.Redact(src)
			if diff := cmp.Diff(want, got.Text); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// readCase reads a corpus file: sections "-- persons --" (name | person,
// org or kept | credit code), "-- secrets --", "-- flags --", "-- text --"
// and "-- want --".
func readCase(t *testing.T, name string) (publication.Source, string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string][]string{}
	var cur string
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			cur = strings.Trim(line, "- ")
			continue
		}
		if cur != "" {
			sections[cur] = append(sections[cur], line)
		}
	}
	var src publication.Source
	for _, l := range sections["persons"] {
		f := strings.Split(l, " | ")
		p := publication.Person{Name: f[0]}
		switch f[1] {
		case "org":
			p.Organisation = true
		case "kept":
			p.Kept = true
		case "person":
		default:
			t.Fatalf("%s: person kind %q", name, f[1])
		}
		if len(f) > 2 {
			p.CreditCode = f[2]
		}
		src.Persons = append(src.Persons, p)
	}
	src.Secrets = sections["secrets"]
	src.TradeSecret = len(sections["flags"]) > 0 && sections["flags"][0] == "tradesecret"
	src.Text = strings.Join(sections["text"], "\n")
	return src, strings.Join(sections["want"], "\n")
}
