package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestBackupRestore makes matters with several events each through
// ipcased, backs the database up with scripts/backup.sh, restores it with
// scripts/restore.sh into a fresh database, and checks that the restore
// holds the same rows, that every matter's hash chain verifies there, and
// that ipcased files new matters on it without reusing a number.
func TestBackupRestore(t *testing.T) {
	bindir := needPostgresTools(t, "pg_dump", "pg_restore", "psql")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	src := storetest.URL(t)
	srcDB := openDB(t, src)
	d := startDaemon(ctx, t, "ipcased-source", src)
	c := d.filing()
	for i := range 24 {
		resp, err := c.SubmitComplaint(authed(ctx), complaint(fmt.Sprintf("backup-%02d", i)))
		if err != nil {
			t.Fatal(err)
		}
		m := resp.GetMatter()
		// Some matters move on, so chains are longer than one event.
		switch i % 3 {
		case 0:
			_, err = c.AcceptComplaint(authed(ctx), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
				RequestId: fmt.Sprintf("backup-accept-%02d", i), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
		case 1:
			_, err = c.RejectComplaint(authed(ctx), &ipcasev1.RejectComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
				RequestId: fmt.Sprintf("backup-reject-%02d", i), Reason: "Outside the agency's remit."})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	waitStamped(ctx, t, srcDB, 15*time.Second)
	d.kill() // nothing writes to the source from here on

	dump := filepath.Join(t.TempDir(), "ipcase.dump")
	env := []string{"DATABASE_URL=" + src, "IPCASE_PG_BINDIR=" + bindir}
	if out, err := script(ctx, env, "backup.sh", dump); err != nil {
		t.Fatalf("backup.sh: %v\n%s", err, out)
	}
	// The scripts refuse to overwrite: a second backup to the same file,
	// and a restore into a database that is not empty.
	if out, err := script(ctx, env, "backup.sh", dump); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("backup.sh over an existing file: %v\n%s", err, out)
	}
	if out, err := script(ctx, env, "restore.sh", dump); err == nil || !strings.Contains(out, "not empty") {
		t.Errorf("restore.sh into the non-empty source: %v\n%s", err, out)
	}

	dst := emptyDatabase(ctx, t)
	dstDB := openDB(t, dst)
	env = []string{"DATABASE_URL=" + dst, "IPCASE_PG_BINDIR=" + bindir}
	if out, err := script(ctx, env, "restore.sh", dump); err != nil {
		t.Fatalf("restore.sh: %v\n%s", err, out)
	}
	sameRows(ctx, t, srcDB, dstDB)
	// What restore.sh tells the operator to do next: migrate (nothing to
	// apply, same binary), start ipcased, verify.
	if err := command(ctx, t.TempDir(), "env", "DATABASE_URL="+dst, ipcasedBin, "migrate"); err != nil {
		t.Fatal(err)
	}
	restored := startDaemon(ctx, t, "ipcased-restored", dst)
	if n := verifyAll(ctx, t, dstDB, restored.filing()); n != 24 {
		t.Errorf("%d matters verified in the restore, want 24", n)
	}
	// The matter-number sequences came back too: a new filing neither
	// fails on the unique number nor reuses one.
	if _, err := restored.filing().SubmitComplaint(authed(ctx), complaint("backup-after-restore")); err != nil {
		t.Fatalf("submit on the restored database: %v", err)
	}
	checkNumbers(ctx, t, dstDB)
	waitStamped(ctx, t, dstDB, 15*time.Second)

	// --clean puts the dump back over a database that moved on.
	restored.kill()
	if out, err := script(ctx, env, "restore.sh", "--clean", dump); err != nil {
		t.Fatalf("restore.sh --clean: %v\n%s", err, out)
	}
	// A new pool: the old one's cached statements name the dropped tables.
	dstDB = openDB(t, dst)
	sameRows(ctx, t, srcDB, dstDB)
	t.Logf("24 matters backed up, restored, %d events compared and verified",
		count(ctx, t, dstDB, `SELECT count(*) FROM events`))
}

// script runs scripts/name from the checkout with env added to ours and
// returns its combined output.
func script(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(moduleRoot, "scripts", name), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// emptyDatabase creates a database with nothing in it, as an operator
// would with createdb, dropped when t ends.
func emptyDatabase(ctx context.Context, t *testing.T) string {
	t.Helper()
	admin, err := store.WithDatabase(os.Getenv("DATABASE_URL"), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, admin)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ipcase_faults_restore_" + hex.EncodeToString(b)
	if _, err := db.SQL().ExecContext(ctx, "CREATE DATABASE "+store.QuoteIdent(name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// ctx has ended by now; the drop must still run.
		if _, err := db.SQL().ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+store.QuoteIdent(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	u, err := store.WithDatabase(os.Getenv("DATABASE_URL"), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sameRows compares the row counts of every table, and the events, their
// positions and the chains' heads byte for byte, between two databases.
func sameRows(ctx context.Context, t *testing.T, a, b *store.DB) {
	t.Helper()
	if diff := cmp.Diff(storetest.RowCounts(t, a), storetest.RowCounts(t, b)); diff != "" {
		t.Errorf("row counts mismatch (-backed up +restored):\n%s", diff)
	}
	for _, q := range []string{
		`SELECT coalesce(md5(string_agg(id || ':' || matter_id || ':' || seq || ':' || encode(hash, 'hex') || ':' || payload::text, ',' ORDER BY id)), '') FROM events`,
		`SELECT coalesce(md5(string_agg(position || ':' || event_id, ',' ORDER BY position)), '') FROM event_positions`,
		`SELECT coalesce(md5(string_agg(matter_id || ':' || seq || ':' || encode(hash, 'hex'), ',' ORDER BY matter_id)), '') FROM event_heads`,
	} {
		var ha, hb string
		if err := a.SQL().QueryRowContext(ctx, q).Scan(&ha); err != nil {
			t.Fatal(err)
		}
		if err := b.SQL().QueryRowContext(ctx, q).Scan(&hb); err != nil {
			t.Fatal(err)
		}
		if ha != hb || ha == "" {
			t.Errorf("%s\ndiffers: %q backed up, %q restored", q, ha, hb)
		}
	}
}
