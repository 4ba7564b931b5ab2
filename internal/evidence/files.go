package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/request"
)

// Files is a content-addressed file store in a folder: the file whose
// SHA-256 digest is d lives at sha256/d[:2]/d, is written once and never
// changed. Uploads are first written to tmp/ in the same folder, so that
// moving a finished upload into place is a link on one file system.
type Files struct {
	dir string
}

// OpenFiles returns the store in dir, creating its folders (mode 0700) if
// needed.
func OpenFiles(dir string) (*Files, error) {
	if dir == "" {
		return nil, errors.New("evidence: no folder given (IPCASE_EVIDENCE_DIR)")
	}
	for _, sub := range []string{"sha256", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
	}
	return &Files{dir: dir}, nil
}

// Path returns where the content with digest lives; it is empty for a
// string that is not a SHA-256 digest.
func (f *Files) Path(digest string) string {
	if !request.IsSHA256(digest) {
		return ""
	}
	return filepath.Join(f.dir, "sha256", digest[:2], digest)
}

// Stored is the outcome of Put.
type Stored struct {
	// SHA256 is the lower-case hex digest of the content.
	SHA256 string
	// Size is the number of bytes stored.
	Size int64
	// Deduplicated is true when the content was already in the store.
	Deduplicated bool
}

// Put reads r to its end and stores what it read. It refuses, keeping
// nothing, content longer than limit bytes, and content whose size is not
// want when want > 0; both errors wrap errs.InvalidArgument and name the
// request field that carried the content. The content is synced to disk
// before it becomes visible under its digest, so a crash leaves either no
// file or the whole file. An error of r is returned as it is.
func (f *Files) Put(r io.Reader, limit, want int64) (st Stored, err error) {
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "tmp"), "upload-*")
	if err != nil {
		return Stored{}, fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		_ = tmp.Close()           // already closed on success
		_ = os.Remove(tmp.Name()) // linked into place on success
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		return Stored{}, err
	}
	if n > limit {
		return Stored{}, errs.Field("chunk", "the file is larger than the limit of %d bytes", limit)
	}
	if want > 0 && n != want {
		return Stored{}, errs.Field("metadata.declared_size_bytes", "declared %d bytes, but %d arrived", want, n)
	}
	if err := tmp.Chmod(0o440); err != nil {
		return Stored{}, fmt.Errorf("evidence: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return Stored{}, fmt.Errorf("evidence: syncing upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Stored{}, fmt.Errorf("evidence: %w", err)
	}
	st = Stored{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	final := f.Path(st.SHA256)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Stored{}, fmt.Errorf("evidence: %w", err)
	}
	if st.Deduplicated, err = place(tmp.Name(), final); err != nil {
		return Stored{}, err
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return Stored{}, err
	}
	return st, nil
}

// place puts the finished upload at final. A hard link, unlike a rename,
// fails when final exists, so two uploads of the same content at once
// agree on which one stored it; the content is the same either way. Where
// the file system has no hard links, place falls back to a rename.
func place(tmp, final string) (existed bool, err error) {
	err = os.Link(tmp, final)
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, fs.ErrExist):
		return true, nil
	}
	if _, serr := os.Stat(final); serr == nil {
		return true, nil
	}
	if err := os.Rename(tmp, final); err != nil {
		return false, fmt.Errorf("evidence: storing upload: %w", err)
	}
	return false, nil
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // G304: a folder of the store, the configured folder and a hex digest prefix
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	defer d.Close() //nolint:errcheck // read-only handle
	if err := d.Sync(); err != nil {
		return fmt.Errorf("evidence: syncing %s: %w", dir, err)
	}
	return nil
}
