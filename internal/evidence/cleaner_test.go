package evidence_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"go.uber.org/zap/zaptest"

	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/evidence"
)

// TestCleaner is the second half of issue 13 item 8: uploads nobody cites
// are kept for good. At now, the cleaner removes the uploads older than
// the age that no matter cites, and their files from the evidence folder;
// it keeps cited ones (marking them cited) and young ones, and content
// that a young upload still refers to. A second pass finds nothing to do.
func TestCleaner(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.UncitedTTL = 72 * time.Hour
	r := startLimits(t, l)
	holder := r.env.RightsHolder(t, uuid.NewString())
	officer := r.env.Officer(t, "SAMR-HZ")
	t0 := r.clock.Now()

	oldUncited, oldCited, young, shared := random(t, 5000), random(t, 5000), random(t, 5000), random(t, 5000)
	for _, c := range [][]byte{oldUncited, oldCited, shared} {
		if _, err := r.send(t, holder, pdf("old.pdf", 0), c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.filing.SubmitComplaint(authtest.WithToken(t.Context(), officer), complaint(cite(oldCited, 5000))); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(t0.Add(71 * time.Hour))
	if _, err := r.send(t, holder, pdf("young.pdf", 0), young); err != nil {
		t.Fatal(err)
	}
	if _, err := r.send(t, officer, pdf("again.pdf", 0), shared); err != nil { // another uploader, later
		t.Fatal(err)
	}
	// A leftover of an upload a crash interrupted, old enough to go.
	stale := filepath.Join(r.dir, "tmp", "upload-crashed")
	if err := os.WriteFile(stale, []byte("half a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, t0, t0); err != nil {
		t.Fatal(err)
	}

	c := evidence.NewCleaner(r.files, r.store, r.matters.EvidenceCited, l, zaptest.NewLogger(t))
	now := t0.Add(72*time.Hour + time.Minute)
	res, err := c.CleanOnce(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evidence.Clean{Cited: 1, Uploads: 2, Contents: 1, Staged: 1}, res); diff != "" {
		t.Errorf("clean mismatch (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		name    string
		content []byte
		stored  bool
		uploads int64
	}{
		{"old and uncited", oldUncited, false, 0},
		{"old and cited", oldCited, true, 1},
		{"young", young, true, 1},
		{"old upload of content a young upload shares", shared, true, 1},
	} {
		if got := r.stored(t, tt.content); got != tt.stored {
			t.Errorf("%s: file kept %v, want %v", tt.name, got, tt.stored)
		}
		if got := r.uploads(t, tt.content); got != tt.uploads {
			t.Errorf("%s: %d uploads left, want %d", tt.name, got, tt.uploads)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the interrupted upload's leftover is still in tmp/ (%v)", err)
	}
	again, err := c.CleanOnce(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	if again != (evidence.Clean{}) {
		t.Errorf("second pass did %+v, want nothing", again)
	}
	// Content removed can be uploaded again.
	if _, err := r.send(t, holder, pdf("old.pdf", 0), oldUncited); err != nil || !r.stored(t, oldUncited) {
		t.Errorf("uploading removed content again: %v (stored %v)", err, r.stored(t, oldUncited))
	}
}

// TestCleanerRun: replicas compete for the cleaner; one leads and cleans,
// and another takes over when it stops.
func TestCleanerRun(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.UncitedTTL, l.CleanInterval = time.Hour, 20*time.Millisecond
	r := startLimits(t, l)
	r.clock.Set(time.Now().Add(-2 * time.Hour)) // the cleaner's now is the real time
	content := random(t, 1000)
	if _, err := r.send(t, r.env.RightsHolder(t, uuid.NewString()), pdf("old.pdf", 0), content); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	a := evidence.NewCleaner(r.files, r.store, r.matters.EvidenceCited, l, zaptest.NewLogger(t))
	b := evidence.NewCleaner(r.files, r.store, r.matters.EvidenceCited, l, zaptest.NewLogger(t))
	done := make(chan struct{})
	go func() { _ = a.Run(ctx); close(done) }()
	poll(t, "the first cleaner to lead and clean", func() bool { return a.Leading() && !r.stored(t, content) })
	bctx, bstop := context.WithCancel(t.Context())
	defer bstop()
	go func() { _ = b.Run(bctx) }()
	stop()
	<-done
	poll(t, "the second cleaner to take over", b.Leading)
}

// poll waits up to 10 s for ok.
func poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}
