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
	"syscall"
	"time"

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

// Put reads r to its end and stores what it read: Stage, then Place. It
// refuses, keeping nothing, what Stage refuses.
func (f *Files) Put(r io.Reader, limit, want int64) (Stored, error) {
	st, err := f.Stage(r, limit, want)
	if err != nil {
		return Stored{}, err
	}
	defer st.Discard()
	if st.Deduplicated, err = st.Place(); err != nil {
		return Stored{}, err
	}
	return st.Stored, nil
}

// Staged is content read, hashed and synced to disk under tmp/, not yet
// visible under its digest.
type Staged struct {
	// Stored has the digest and size; Deduplicated is always false.
	Stored
	tmp   string
	final string
}

// Stage reads r to its end into tmp/. It refuses, keeping nothing, content
// longer than limit bytes, and content whose size is not want when want >
// 0; both errors wrap errs.InvalidArgument and name the request field
// that carried the content. The content is synced to disk before Stage
// returns, so that Place makes the whole file visible or none of it. An
// error of r is returned as it is. The caller must Discard what Stage
// returns.
func (f *Files) Stage(r io.Reader, limit, want int64) (st *Staged, err error) {
	defer func() { err = full(err) }()
	tmp, err := os.CreateTemp(filepath.Join(f.dir, "tmp"), "upload-*")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		_ = tmp.Close() // already closed on success
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errs.Field("chunk", "the file is larger than the limit of %d bytes", limit)
	}
	if want > 0 && n != want {
		return nil, errs.Field("metadata.declared_size_bytes", "declared %d bytes, but %d arrived", want, n)
	}
	if err := tmp.Chmod(0o440); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("evidence: syncing upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	d := hex.EncodeToString(h.Sum(nil))
	return &Staged{Stored: Stored{SHA256: d, Size: n}, tmp: tmp.Name(), final: f.Path(d)}, nil
}

// Place makes the staged content visible under its digest, unless it is
// there already; existed says which. It does the same work either way
// (the content was written and synced by Stage, and the folder is synced
// after), so that its time does not tell whether the content was stored
// before.
func (st *Staged) Place() (existed bool, err error) {
	defer func() { err = full(err) }()
	if err := os.MkdirAll(filepath.Dir(st.final), 0o700); err != nil {
		return false, fmt.Errorf("evidence: %w", err)
	}
	if existed, err = place(st.tmp, st.final); err != nil {
		return false, err
	}
	if err := syncDir(filepath.Dir(st.final)); err != nil {
		return false, err
	}
	return existed, nil
}

// Discard removes the staged copy; the content stays in the store if
// Place put it there.
func (st *Staged) Discard() { _ = os.Remove(st.tmp) }

// Remove deletes the content with digest from the store; content that is
// not there is no error.
func (f *Files) Remove(digest string) error {
	p := f.Path(digest)
	if p == "" {
		return fmt.Errorf("evidence: remove %q: not a digest", digest)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// RemoveStaged deletes what uploads left in tmp/ before cutoff: the
// remains of uploads that a crash interrupted. It returns how many files
// it removed.
func (f *Files) RemoveStaged(cutoff time.Time) (int, error) {
	dir := filepath.Join(f.dir, "tmp")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("evidence: %w", err)
	}
	n := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

// place puts the finished upload at final. A hard link, unlike a rename,
// fails when final exists, so two uploads of the same content at once
// agree on which one stored it; the content is the same either way. When
// it exists, place links the new copy beside it and unlinks it again, so
// that the folder changes and its sync costs about what it costs for new
// content: how long an upload takes does not tell whether someone stored
// the same bytes before. Where the file system has no hard links, place
// falls back to a rename.
func place(tmp, final string) (existed bool, err error) {
	err = os.Link(tmp, final)
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, fs.ErrExist):
		side := final + "." + filepath.Base(tmp) // unique: tmp is
		if err := os.Link(tmp, side); err != nil {
			return true, fmt.Errorf("evidence: storing upload: %w", err)
		}
		if err := os.Remove(side); err != nil {
			return true, fmt.Errorf("evidence: storing upload: %w", err)
		}
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

// msgFull is what an uploader is told when the folder's file system is
// full or the store's quota spent.
const msgFull = "evidence storage is full: the file was not stored; retry once an operator has freed space"

// full says ENOSPC and EDQUOT as errs.StorageFull("evidence"), for the
// uploader (RESOURCE_EXHAUSTED) and for the operator's alert
// (ipcase_storage_full{store="evidence"}); other errors pass unchanged.
func full(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return errs.Wrap(errs.StorageFull("evidence"), err, msgFull)
	}
	return err
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
