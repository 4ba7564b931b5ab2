package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func newKey(t *testing.T) audit.SealKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return audit.NewSealKey("checkpoint-test", priv)
}

// logReads records n reads by officials, from concurrent requests, so
// that rows spread over the chains: every third request reads two matters
// in one transaction, by two calls or by one call of both; every fifth
// writes a row of its own directly, as the tables' owner may (the trigger
// chains it); one more transaction logs and rolls back.
func logReads(t *testing.T, db *store.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			ctx := auth.WithPrincipal(t.Context(), auth.Principal{Subject: fmt.Sprintf("officer-%d", i), Role: auth.Officer, Agency: "SAMR-HZ"})
			err := db.InTx(ctx, func(tx store.Tx) error {
				switch i % 6 {
				case 0:
					if err := audit.Log(tx, time.Now(), uuid.NewString()); err != nil {
						return err
					}
				case 3:
					return audit.Log(tx, time.Now(), uuid.NewString(), uuid.NewString())
				}
				if i%5 == 4 {
					return tx.Gorm().Exec(`INSERT INTO access_log (access_time, subject, role, org, method, matter_id, request_id)
						VALUES (now(), ?, 'officer', 'SAMR-HZ', '/ipcase.v1.FilingService/GetMatter', ?, '')`,
						fmt.Sprintf("officer-%d", i), uuid.NewString()).Error
				}
				return audit.Log(tx, time.Now(), uuid.NewString())
			})
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := auth.WithPrincipal(t.Context(), auth.Principal{Subject: "rolled-back", Role: auth.Admin})
	undone := errors.New("undone")
	if err := db.InTx(ctx, func(tx store.Tx) error {
		if err := audit.Log(tx, time.Now(), uuid.NewString()); err != nil {
			return err
		}
		return undone
	}); !errors.Is(err, undone) {
		t.Fatal(err)
	}
}

func verify(t *testing.T, db *store.DB, key audit.SealKey, known ...string) audit.Verification {
	t.Helper()
	v, err := audit.VerifyAccessLog(t.Context(), db, key, known...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func seal(t *testing.T, db *store.DB, key audit.SealKey) *audit.Sealed {
	t.Helper()
	s, err := audit.Seal(t.Context(), db, key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAccessLogSealedAndVerified(t *testing.T) {
	t.Parallel()
	db, key := storetest.NewDB(t), newKey(t)
	logReads(t, db, 60)
	want := int64(60 + 20) // every third request read two matters
	if v := verify(t, db, key); !v.Intact || v.Rows != want || v.Seals != 0 || v.Unsealed != want || v.Chains != 16 {
		t.Fatalf("before sealing: %+v; want intact, %d rows, 16 chains, none sealed", v, want)
	}
	var used int
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(DISTINCT shard) FROM access_log`).Scan(&used).Error; err != nil || used < 2 {
		t.Errorf("concurrent reads used %d chains (%v); want them spread", used, err)
	}
	first := seal(t, db, key)
	if first == nil || first.Rows != want {
		t.Fatalf("Seal = %+v; want a seal of %d rows", first, want)
	}
	if again := seal(t, db, key); again != nil {
		t.Errorf("Seal with nothing new = %+v; want no seal", again)
	}
	logReads(t, db, 5) // 7 rows
	if v := verify(t, db, key); !v.Intact || v.Unsealed != 7 || v.Seals != 1 {
		t.Errorf("after 5 more reads: %+v; want intact, 7 unsealed, 1 seal", v)
	}
	second := seal(t, db, key)
	v := verify(t, db, key, first.Hash, second.Hash)
	if !v.Intact || v.Unsealed != 0 || v.Seals != 2 || v.Rows != want+7 {
		t.Errorf("after the second seal: %+v; want intact, all %d rows sealed by 2 seals", v, want+7)
	}
	// Someone else's key does not verify the seals.
	if v := verify(t, db, newKey(t)); v.Intact {
		t.Error("seals verified with another key")
	}
}

// tamper runs sql as the owner (here the tests' superuser), with the
// append-only triggers off, as someone who owns the tables can.
func tamper(t *testing.T, db *store.DB, sql string) {
	t.Helper()
	storetest.Exec(t, db, `ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`)
	storetest.Exec(t, db, `ALTER TABLE access_log_seals DISABLE TRIGGER access_log_seals_append_only`)
	storetest.Exec(t, db, sql)
	storetest.Exec(t, db, `ALTER TABLE access_log ENABLE TRIGGER access_log_append_only`)
	storetest.Exec(t, db, `ALTER TABLE access_log_seals ENABLE TRIGGER access_log_seals_append_only`)
}

// rechain recomputes every row of every chain from its first, numbering
// them again and moving the heads: what an owner who deleted rows would do
// to hide it, with the migration's own hash function.
const rechain = `DO $$
DECLARE
	r record;
	s integer;
	n bigint;
	prev bytea;
BEGIN
	FOR s IN SELECT shard FROM access_log_heads LOOP
		n := 0;
		prev := '';
		FOR r IN SELECT * FROM access_log WHERE shard = s ORDER BY seq LOOP
			n := n + 1;
			UPDATE access_log SET seq = n, prev_hash = prev,
				hash = access_log_hash(r.id, s, n, r.access_time, r.subject, r.role, r.org, r.method, r.matter_id, r.request_id, prev)
				WHERE id = r.id RETURNING hash INTO prev;
		END LOOP;
		UPDATE access_log_heads SET seq = n, hash = prev WHERE shard = s;
	END LOOP;
END $$`

// TestOwnerTamperingIsDetected: rows deleted or changed by the owner of the
// tables, who can switch the append-only trigger off, are reported,
// however the owner tidies up after itself, once a seal covered them.
func TestOwnerTamperingIsDetected(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, db *store.DB)
		words  string
	}{
		{"a sealed row deleted", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log WHERE id = (SELECT min(id) FROM access_log WHERE seq = 2)`)
		}, "rows deleted"},
		{"every row of one official deleted", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log WHERE subject = 'officer-7'`)
		}, "rows deleted"},
		{"a sealed row deleted and the chains rewritten to match", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log WHERE id = (SELECT min(id) FROM access_log WHERE seq = 2)`)
			tamper(t, db, rechain)
		}, "a seal signed"},
		{"the newest rows deleted and the heads moved back", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log a USING access_log_heads h WHERE a.shard = h.shard AND a.seq = h.seq`)
			tamper(t, db, rechain)
		}, "a seal signed"},
		{"a row changed", func(t *testing.T, db *store.DB) {
			tamper(t, db, `UPDATE access_log SET subject = 'someone else' WHERE id = (SELECT max(id) FROM access_log)`)
		}, "differs from what was logged"},
		{"a row changed and its hash recomputed", func(t *testing.T, db *store.DB) {
			tamper(t, db, `UPDATE access_log SET subject = 'someone else' WHERE id = (SELECT max(id) FROM access_log)`)
			tamper(t, db, rechain)
		}, "a seal signed"},
		{"the first seal deleted", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log_seals WHERE id = (SELECT min(id) FROM access_log_seals)`)
		}, "does not follow the seal before it"},
		{"everything emptied, seals too", func(t *testing.T, db *store.DB) {
			tamper(t, db, `DELETE FROM access_log`)
			tamper(t, db, `DELETE FROM access_log_seals`)
			tamper(t, db, `UPDATE access_log_heads SET seq = 0, hash = ''`)
		}, "is gone"},
		{"a seal rewritten", func(t *testing.T, db *store.DB) {
			tamper(t, db, `UPDATE access_log_seals SET heads = jsonb_set(heads, '{0,0}', '0') WHERE id = (SELECT max(id) FROM access_log_seals)`)
		}, "differs from what was signed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, key := storetest.NewDB(t), newKey(t)
			logReads(t, db, 40)
			first := seal(t, db, key)
			logReads(t, db, 10)
			second := seal(t, db, key)
			if v := verify(t, db, key, first.Hash, second.Hash); !v.Intact {
				t.Fatalf("before tampering: %v", v.Problems)
			}
			tt.tamper(t, db)
			v := verify(t, db, key, first.Hash, second.Hash)
			if v.Intact || !strings.Contains(strings.Join(v.Problems, "\n"), tt.words) {
				t.Errorf("after tampering: intact %v, problems %q; want it broken, saying %q", v.Intact, v.Problems, tt.words)
			}
		})
	}
}

// TestSealRefusesTamperedRows: rows deleted before a seal covered them are
// not sealed over; the log says so and nothing is signed.
func TestSealRefusesTamperedRows(t *testing.T) {
	t.Parallel()
	db, key := storetest.NewDB(t), newKey(t)
	logReads(t, db, 30)
	tamper(t, db, `DELETE FROM access_log WHERE id = (SELECT min(id) FROM access_log WHERE seq = 1)`)
	s, err := audit.Seal(t.Context(), db, key, time.Now())
	if err == nil || s != nil {
		t.Fatalf("Seal over a deleted row = %+v, %v; want it refused", s, err)
	}
	var n int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM access_log_seals`).Scan(&n).Error; err != nil || n != 0 {
		t.Errorf("%d seals (%v); want none", n, err)
	}
	if v := verify(t, db, key); v.Intact {
		t.Error("VerifyAccessLog: intact after a deletion")
	}
}

// TestAccessLogChainsRowsLoggedBefore migrates a database that already
// holds reads (logged before the access log had chains): they become chain
// 0, in id order, and verify with the hashes Go computes.
func TestAccessLogChainsRowsLoggedBefore(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.EmptyURL(t), 2)
	migrations := fstest.MapFS{}
	files, err := fs.Glob(os.DirFS("../store/migrations"), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if v, _ := strconv.Atoi(f[:6]); v < 12 {
			b, err := os.ReadFile("../store/migrations/" + f)
			if err != nil {
				t.Fatal(err)
			}
			migrations[f] = &fstest.MapFile{Data: b}
		}
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db.SQL(), migrations, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		storetest.Exec(t, db, `INSERT INTO access_log (access_time, subject, role, org, method, matter_id, request_id)
			VALUES (now() - ? * interval '1 minute', ?, 'officer', 'SAMR-HZ', '/ipcase.v1.FilingService/GetMatter', ?, ?)`,
			25-i, fmt.Sprintf("officer-%d", i), uuid.NewString(), fmt.Sprintf("req-%d", i))
	}
	if _, err := store.Migrate(context.WithoutCancel(t.Context()), db, zap.NewNop()); err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	if v := verify(t, db, key); !v.Intact || v.Rows != 25 {
		t.Fatalf("rows logged before the chains: %+v; want 25, intact", v)
	}
	logReads(t, db, 5)
	if s := seal(t, db, key); s == nil || s.Rows != 25+5+2 {
		t.Errorf("Seal = %+v; want all 32 rows sealed", s)
	}
	if v := verify(t, db, key); !v.Intact || v.Unsealed != 0 {
		t.Errorf("after sealing: %+v", v)
	}
}

// TestForgedSealDoesNotStopSealing: whoever holds the serving role's
// credentials may insert seals, but not sign them. A forged seal is
// reported, and sealing goes on from the last seal the key signed.
func TestForgedSealDoesNotStopSealing(t *testing.T) {
	t.Parallel()
	db, key := storetest.NewDB(t), newKey(t)
	logReads(t, db, 10)
	first := seal(t, db, key)
	storetest.Exec(t, db, `INSERT INTO access_log_seals (seal_time, heads, prev_hash, hash, key_id, signature)
		VALUES (now(), '[]', '', '\x00', 'forger', '\x00')`)
	logReads(t, db, 3)
	second := seal(t, db, key)
	if second == nil {
		t.Fatal("no seal after a forged one")
	}
	v := verify(t, db, key, first.Hash, second.Hash)
	if v.Intact || len(v.Problems) != 1 || !strings.Contains(v.Problems[0], "differs from what was signed") || v.Unsealed != 0 {
		t.Errorf("with a forged seal between two real ones: %+v; want that one problem, every row sealed", v)
	}
}

// TestClaimedChainTakesItsRealEnd: a session may say which chain it holds
// (the setting access_log_append keeps between calls of one transaction),
// but not where that chain ends: rows of a session that names a chain, or
// names nonsense, go after the chain's real head, and the log verifies.
func TestClaimedChainTakesItsRealEnd(t *testing.T) {
	t.Parallel()
	db, key := storetest.NewDB(t), newKey(t)
	logReads(t, db, 20)
	for i, claim := range []string{"7", "7", "15", "99", "-1", "x'; DROP TABLE access_log; --"} {
		ctx := auth.WithPrincipal(t.Context(), auth.Principal{Subject: fmt.Sprintf("claimant-%d", i), Role: auth.Officer, Agency: "SAMR-HZ"})
		err := db.InTx(ctx, func(tx store.Tx) error {
			if err := tx.Gorm().Exec(`SELECT set_config('ipcase.access_log_shard', ?, true)`, claim).Error; err != nil {
				return err
			}
			return audit.Log(tx, time.Now(), uuid.NewString(), uuid.NewString(), uuid.NewString())
		})
		if err != nil {
			t.Fatalf("logging after claiming chain %q: %v", claim, err)
		}
	}
	var seven int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM access_log WHERE shard = 7 AND subject IN ('claimant-0', 'claimant-1')`).Scan(&seven).Error; err != nil || seven != 6 {
		t.Errorf("rows of the two sessions that claimed chain 7 in it: %d (%v); want 6", seven, err)
	}
	want := int64(20 + 7 + 6*3)
	if v := verify(t, db, key); !v.Intact || v.Rows != want {
		t.Errorf("after sessions claimed chains: %+v; want intact, %d rows", v, want)
	}
}
