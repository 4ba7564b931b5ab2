package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/evidence"
)

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestPut stores files by digest and refuses, keeping nothing, what is too
// large or not the declared size.
func TestPut(t *testing.T) {
	t.Parallel()
	content := bytes.Repeat([]byte("notarised purchase record\n"), 1000) // 26,000 bytes
	for _, tt := range []struct {
		name      string
		limit     int64
		want      int64
		wantField string // "" = stored
	}{
		{name: "fits", limit: 26_000},
		{name: "declared size matches", limit: 1 << 20, want: 26_000},
		{name: "one byte over the limit", limit: 25_999, wantField: "chunk"},
		{name: "declared size differs", limit: 1 << 20, want: 26_001, wantField: "metadata.declared_size_bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			f, err := evidence.OpenFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.Put(bytes.NewReader(content), tt.limit, tt.want)
			if tt.wantField != "" {
				var fe *errs.FieldErrors
				if !errors.As(err, &fe) || fe.Violations[0].Field != tt.wantField {
					t.Fatalf("Put: %v, want a violation of %s", err, tt.wantField)
				}
				assertNoFiles(t, dir)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.SHA256 != digest(content) || st.Size != 26_000 || st.Deduplicated {
				t.Errorf("Put = %+v, want digest %s, 26000 bytes, not deduplicated", st, digest(content))
			}
			got, err := os.ReadFile(f.Path(st.SHA256))
			if err != nil || !bytes.Equal(got, content) {
				t.Errorf("stored file: %v; content equal: %v", err, bytes.Equal(got, content))
			}
			if want := filepath.Join(dir, "sha256", st.SHA256[:2], st.SHA256); f.Path(st.SHA256) != want {
				t.Errorf("Path = %s, want %s", f.Path(st.SHA256), want)
			}
			if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) != 0 {
				t.Errorf("tmp/ still holds %d files", len(tmp))
			}
		})
	}
}

// assertNoFiles fails if anything was kept under dir's sha256/ or tmp/.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("refused upload left %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPutDeduplicates stores the same content once, even when many upload
// it at the same moment: exactly one upload stores it.
func TestPutDeduplicates(t *testing.T) {
	t.Parallel()
	f, err := evidence.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	content := []byte(strings.Repeat("screenshot of the listing ", 500))
	const n = 8
	results := make([]evidence.Stored, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			st, err := f.Put(bytes.NewReader(content), 1<<20, 0)
			if err != nil {
				t.Error(err)
			}
			results[i] = st
		})
	}
	wg.Wait()
	fresh := 0
	for _, st := range results {
		if st.SHA256 != digest(content) {
			t.Errorf("digest %s, want %s", st.SHA256, digest(content))
		}
		if !st.Deduplicated {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d uploads say they stored the content first, want exactly 1", fresh)
	}
}

// TestPath refuses to build paths from anything but a digest.
func TestPath(t *testing.T) {
	t.Parallel()
	f, err := evidence.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if p := f.Path(bad); p != "" {
			t.Errorf("Path(%q) = %q, want empty", bad, p)
		}
	}
}
