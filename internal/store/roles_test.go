package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// servingFixture is a migrated database, a connection to it as its owner
// (the tests' superuser) and one as a serving role that
// store.PrepareServingRole made.
type servingFixture struct {
	role, password string
	ownerURL       string
	owner, serving *store.DB
}

// newServingFixture makes a serving role of its own (roles are the whole
// server's), dropped when the test ends, after its database.
func newServingFixture(t *testing.T) *servingFixture {
	t.Helper()
	f := &servingFixture{role: "ipcase_app_test_" + randomHex(6), password: randomHex(16)}
	// Registered before the database, so run after it is dropped: a role
	// that holds privileges in a database cannot be dropped.
	t.Cleanup(func() {
		if f.ownerURL == "" {
			return
		}
		admin, err := store.WithDatabase(f.ownerURL, "postgres")
		if err != nil {
			t.Error(err)
			return
		}
		ctx := context.WithoutCancel(t.Context())
		db, err := store.Open(ctx, store.Config{URL: admin, MaxOpenConns: 1}, zap.NewNop())
		if err != nil {
			t.Error(err)
			return
		}
		defer func() { _ = db.Close() }()
		if err := db.Session(ctx).Gorm().Exec(`DROP ROLE IF EXISTS ` + store.QuoteIdent(f.role)).Error; err != nil {
			t.Errorf("dropping %s: %v", f.role, err)
		}
	})
	f.ownerURL = storetest.URL(t)
	f.owner = storetest.Open(t, f.ownerURL, 2)
	if err := store.PrepareServingRole(t.Context(), f.owner, store.ServingRole{Name: f.role, Password: f.password}, zaptest.NewLogger(t)); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(f.ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(f.role, f.password)
	f.serving = storetest.Open(t, u.String(), 2)
	return f
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestServingRoleCannotSwitchProtectionsOff connects as the serving role
// over a real connection and tries what would take the event log's and
// the access log's protections away, or change the schema: each is refused
// by Postgres' privileges (not merely by the append-only triggers, which
// whoever may drop them can bypass). What ipcased does as that role works.
func TestServingRoleCannotSwitchProtectionsOff(t *testing.T) {
	t.Parallel()
	f := newServingFixture(t)
	g := f.serving.Session(t.Context()).Gorm()

	// What ipcased serve does works: access-log rows (the function chains
	// them and moves a chain's head, which the role itself may not touch),
	// a matter number (its sequence created on first use), the relay's
	// queue.
	for _, sql := range []string{
		`SELECT access_log_append(now(), 'officer-1', 'officer', '', '/m', '', ARRAY[gen_random_uuid(), gen_random_uuid()])`,
		`SELECT next_matter_number(2031)`,
		`SELECT count(*) FROM events`,
		`INSERT INTO event_unstamped (event_id) VALUES (-1)`,
		`DELETE FROM event_unstamped WHERE event_id = -1`,
	} {
		if err := g.Exec(sql).Error; err != nil {
			t.Errorf("%s: %v; the serving role needs it", sql, err)
		}
	}

	for _, sql := range []string{
		// The triggers that keep the logs append-only.
		`DROP TRIGGER events_append_only ON events`,
		`DROP TRIGGER access_log_append_only ON access_log`,
		`ALTER TABLE events DISABLE TRIGGER events_append_only`,
		`ALTER TABLE access_log DISABLE TRIGGER ALL`,
		`ALTER TABLE access_log DISABLE TRIGGER access_log_chain`,
		`CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
		`DROP FUNCTION events_append_only() CASCADE`,
		`SET session_replication_role = replica`,
		// The rows themselves.
		`UPDATE events SET actor_subject = 'someone else'`,
		`DELETE FROM events`,
		`TRUNCATE events`,
		`DELETE FROM access_log`,
		`UPDATE access_log SET subject = 'someone else'`,
		// Rows of its own making, with a chain place and hash it chose
		// (or none): only access_log_append writes the log.
		`INSERT INTO access_log (access_time, subject, role, method, matter_id) VALUES (now(), 'officer-1', 'officer', '/m', gen_random_uuid())`,
		`INSERT INTO access_log (access_time, subject, role, method, matter_id, shard, seq, prev_hash, hash)
			VALUES (now(), 'officer-1', 'officer', '/m', gen_random_uuid(), 0, 1000, '', '\x00')`,
		`SELECT access_log_head()`,
		`TRUNCATE access_log`,
		`UPDATE access_log_heads SET seq = 0`,
		`DELETE FROM access_log_seals`,
		`DELETE FROM event_positions`,
		`SELECT setval('events_id_seq', 1)`,
		// Any other change of the schema.
		`CREATE TABLE side_table (x int)`,
		`CREATE TEMPORARY TABLE side_table (x int)`,
		`CREATE SCHEMA side`,
		`CREATE FUNCTION side() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
		`ALTER TABLE matters ADD COLUMN side int`,
		`ALTER TABLE access_log ALTER COLUMN subject DROP NOT NULL`,
		`ALTER TABLE events OWNER TO CURRENT_USER`,
		`CREATE INDEX side_idx ON matters (facts)`,
		`DROP TABLE access_log`,
		`CREATE TRIGGER side AFTER INSERT ON matters FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
		`COMMENT ON TABLE events IS 'mine'`,
		`SELECT * FROM goose_db_version`,
	} {
		err := g.Exec(sql).Error
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the serving role: %v; want refused for lack of privilege (42501)", sql, err)
			continue
		}
		// The privileges refuse it, not the append-only trigger (whose
		// message says "append-only"), which only stops those who cannot
		// drop it.
		if strings.Contains(pgErr.Message, "append-only") {
			t.Errorf("%s as the serving role was refused by the trigger (%s), not by the role's privileges", sql, pgErr.Message)
		}
	}

	// A grant of what it lacks only earns a warning, and changes nothing.
	if err := g.Exec(`GRANT UPDATE, DELETE ON events, access_log TO PUBLIC`).Error; err != nil {
		t.Errorf("GRANT as the serving role: %v", err)
	}
	problems, err := store.ServingProblems(t.Context(), f.serving)
	if err != nil || len(problems) != 0 {
		t.Errorf("ServingProblems as the serving role = %v, %v; want none", problems, err)
	}
	problems, err = store.ServingProblems(t.Context(), f.owner)
	if err != nil || len(problems) == 0 {
		t.Errorf("ServingProblems as the owner (a superuser) = %v, %v; want its powers named", problems, err)
	}
}

// TestPrepareServingRoleRefusesPowers: a serving role that can act as the
// owner (it belongs to the owner's role), or to which PUBLIC was given more,
// is refused, naming what it can do.
func TestPrepareServingRoleRefusesPowers(t *testing.T) {
	t.Parallel()
	f := newServingFixture(t)
	ctx := t.Context()
	og := f.owner.Session(ctx).Gorm()
	storetest.Exec(t, f.owner, `GRANT UPDATE ON events TO PUBLIC`)
	err := store.PrepareServingRole(ctx, f.owner, store.ServingRole{Name: f.role}, zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), "UPDATE events") {
		t.Errorf("with UPDATE on events granted to PUBLIC: %v; want it named", err)
	}
	storetest.Exec(t, f.owner, `REVOKE UPDATE ON events FROM PUBLIC`)

	var owner string
	if err := og.Raw(`SELECT current_user`).Scan(&owner).Error; err != nil {
		t.Fatal(err)
	}
	storetest.Exec(t, f.owner, `GRANT `+store.QuoteIdent(owner)+` TO `+store.QuoteIdent(f.role))
	err = store.PrepareServingRole(ctx, f.owner, store.ServingRole{Name: f.role}, zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), "act as the owner") {
		t.Errorf("with the serving role a member of the owner %s: %v; want it refused", owner, err)
	}
	storetest.Exec(t, f.owner, `REVOKE `+store.QuoteIdent(owner)+` FROM `+store.QuoteIdent(f.role))

	err = store.PrepareServingRole(ctx, f.owner, store.ServingRole{Name: owner}, zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), "is the role migrate connects as") {
		t.Errorf("serving as the owner: %v; want it refused", err)
	}
	err = store.PrepareServingRole(ctx, f.owner, store.ServingRole{Name: "ipcase_app_test_missing_" + randomHex(4)}, zaptest.NewLogger(t))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing role and no password: %v; want it refused", err)
	}
	// Once the extra grants are gone, the role is ready again.
	if err := store.PrepareServingRole(ctx, f.owner, store.ServingRole{Name: f.role}, zaptest.NewLogger(t)); err != nil {
		t.Errorf("again, with nothing extra: %v", err)
	}
}
