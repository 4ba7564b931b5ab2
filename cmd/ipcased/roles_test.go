package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestMigrateAsOwnerServeAsServingRole runs `ipcased migrate` as the owner
// with DATABASE_URL naming a serving role that does not exist yet: migrate
// creates it and grants it what serve needs, and nothing that would let it
// switch the logs' protections off. `ipcased audit verify-access-log`, as
// the serving role, then finds the access log intact, and broken once the
// owner deletes a sealed row.
func TestMigrateAsOwnerServeAsServingRole(t *testing.T) {
	// Not parallel: it sets the process's environment.
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	role, password := "ipcase_app_cmd_"+hex.EncodeToString(b[:4]), hex.EncodeToString(b)
	var ownerURL string
	t.Cleanup(func() { // after the database is dropped: see below
		admin, err := store.WithDatabase(ownerURL, "postgres")
		if err != nil {
			return
		}
		ctx := context.WithoutCancel(t.Context())
		db, err := store.Open(ctx, store.Config{URL: admin, MaxOpenConns: 1}, zap.NewNop())
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = db.Close() }()
		if err := db.Session(ctx).Gorm().Exec(`DROP ROLE IF EXISTS ` + store.QuoteIdent(role)).Error; err != nil {
			t.Errorf("dropping %s: %v", role, err)
		}
	})
	ownerURL = storetest.EmptyURL(t)
	u, err := url.Parse(ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, password)
	servingURL := u.String()
	t.Setenv("DATABASE_OWNER_URL", ownerURL)
	t.Setenv("DATABASE_URL", servingURL)
	t.Setenv("IPCASE_DB_SERVING_ROLE", "")
	for range 2 { // a second run changes nothing and succeeds
		if r := ipcased(t, "migrate"); r.code != exitOK {
			t.Fatalf("migrate: exit %d\n%s", r.code, r.stderr)
		}
	}

	serving := storetest.Open(t, servingURL, 2)
	if problems, err := store.ServingProblems(t.Context(), serving); err != nil || len(problems) > 0 {
		t.Errorf("the serving role can still %v (%v)", problems, err)
	}
	g := serving.Session(t.Context()).Gorm()
	storetest.Exec(t, serving, `SELECT access_log_append(now(), 'officer-' || i, 'officer', '', '/m', '', ARRAY[gen_random_uuid()])
		FROM generate_series(1, 5) i`)
	for _, sql := range []string{
		`INSERT INTO access_log (access_time, subject, role, method, matter_id) VALUES (now(), 'officer-1', 'officer', '/m', gen_random_uuid())`,
		`DELETE FROM access_log`, `DROP TRIGGER access_log_append_only ON access_log`, `UPDATE events SET seq = 0`, `CREATE TABLE mine (x int)`,
	} {
		var pgErr *pgconn.PgError
		if err := g.Exec(sql).Error; !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the serving role: %v; want refused (42501)", sql, err)
		}
	}

	keyFile := writeKeys(t).private
	key, err := audit.LoadSealKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	s, err := audit.Seal(t.Context(), serving, key, time.Now())
	if err != nil || s == nil {
		t.Fatalf("sealing as the serving role: %v, %v", s, err)
	}
	r := ipcased(t, "audit", "verify-access-log", "--key", keyFile, "--seal", s.Hash)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "access log intact: 5 rows in 16 chains; 1 seals") {
		t.Errorf("verify-access-log: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	owner := storetest.Open(t, ownerURL, 1)
	storetest.Exec(t, owner, `ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`)
	storetest.Exec(t, owner, `DELETE FROM access_log WHERE subject = 'officer-3'`)
	r = ipcased(t, "audit", "verify-access-log", "--key", keyFile)
	wantFailure(t, r, exitFailure, "the access log does not verify")
	if !strings.HasPrefix(r.stdout, "access log NOT INTACT: 4 rows") {
		t.Errorf("verify-access-log after a deletion printed:\n%s", r.stdout)
	}
	if r := ipcased(t, "audit", "verify-access-log", "--key", filepath.Join(t.TempDir(), "none.jwk")); r.code != exitFailure {
		t.Errorf("verify-access-log without a key file: exit %d", r.code)
	}
}
