package faults

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestFullEvidenceDisk puts the evidence folder on a 1 MiB tmpfs and
// uploads files of 2 MiB: the file system itself answers ENOSPC. Each
// uploader must be told RESOURCE_EXHAUSTED "evidence storage is full"
// (not that the case store is unavailable), the operator must see
// ipcase_storage_full{store="evidence"} at 1 and one Error line however
// many uploads fail; once an upload fits again (a 100 KiB file: the
// refused ones left nothing behind), it succeeds, the gauge falls to 0 and
// one Info line says so.
func TestFullEvidenceDisk(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "evidence")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		msg := "cannot mount a 1 MiB tmpfs (needs root): " + strings.TrimSpace(string(out))
		if os.Getenv("IPCASE_REQUIRE_FAULTS") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() }) //nolint:noctx // cleanup after the test's context ended
	pg := newCluster(ctx, t)
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(ctx, t, "ipcased", url, "IPCASE_EVIDENCE_DIR="+dir)
	upload := func(size int) error {
		s, err := ipcasev1.NewEvidenceServiceClient(d.conn).UploadEvidence(authed(ctx))
		if err != nil {
			return err
		}
		md := &ipcasev1.EvidenceFileMetadata{MediaType: "application/pdf", FileName: "photos.pdf", DeclaredSizeBytes: int64(size)}
		if err := s.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: md}}); err != nil {
			return err
		}
		chunk := make([]byte, 64<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			chunk[0] = "0123456789abcdef"[size%16] // content differs with size
			if err := s.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Chunk{Chunk: chunk[:min(len(chunk), size-sent)]}}); err != nil {
				break // the server answered early; CloseAndRecv says what
			}
		}
		_, err = s.CloseAndRecv()
		return err
	}
	o := newOutcomes()
	for range 5 {
		err := upload(2 << 20)
		o.record("UploadEvidence", err)
		if status.Code(err) != codes.ResourceExhausted || !strings.Contains(status.Convert(err).Message(), "evidence storage is full") {
			t.Errorf("a 2 MiB upload to a 1 MiB file system: %v; want RESOURCE_EXHAUSTED \"evidence storage is full\"", err)
		}
	}
	o.check(t, "evidence disk full", codes.ResourceExhausted)
	if m, err := d.metrics(ctx, "ipcase_storage_full"); err != nil || m[`{store="evidence"}`] != 1 || m[`{store="db"}`] != 0 {
		t.Errorf("ipcase_storage_full with the evidence disk full: %v, %v; want evidence 1, db 0", m, err)
	}
	if err := upload(100 << 10); err != nil {
		t.Fatalf("a 100 KiB upload with the file system free again: %v", err)
	}
	if m, err := d.metrics(ctx, "ipcase_storage_full"); err != nil || m[`{store="evidence"}`] != 0 {
		t.Errorf("ipcase_storage_full after an upload succeeded: %v, %v; want evidence 0", m, err)
	}
	log, err := os.ReadFile(d.logPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "storage full: writes are refused"); n != 1 {
		t.Errorf("%d log lines say the storage is full after 5 refused uploads; want 1", n)
	}
	if n := strings.Count(string(log), "storage takes writes again"); n != 1 {
		t.Errorf("%d log lines say the storage takes writes again; want 1", n)
	}
}
