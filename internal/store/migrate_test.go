package store_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMigrateFreshDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.EmptyURL(t), 4)
	core, logs := observer.New(zapcore.InfoLevel)
	applied, err := store.Migrate(t.Context(), db, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	want := embeddedVersions(t)
	if diff := cmp.Diff(want, applied); diff != "" {
		t.Errorf("first Migrate: applied mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
	var logged []int64
	for _, e := range logs.FilterMessage("migration applied").All() {
		logged = append(logged, e.ContextMap()["version"].(int64))
	}
	if diff := cmp.Diff(want, logged); diff != "" {
		t.Errorf("logged versions mismatch (-want +got):\n%s", diff)
	}
	if !tableExists(t, db, "webhooks") {
		t.Error("table webhooks (000008) is missing after Migrate")
	}

	applied, err = store.Migrate(t.Context(), db, zaptest.NewLogger(t))
	if err != nil || len(applied) != 0 {
		t.Errorf("second Migrate applied %v, %v; want nothing", applied, err)
	}
	if diff := cmp.Diff(want, recorded(t, db)); diff != "" {
		t.Errorf("after the second Migrate: recorded versions mismatch (-want +got):\n%s", diff)
	}
}

// migrateLikeOldRunner does what store.Migrate did before goose: each file
// run whole in a transaction with its row in schema_migrations. The goose
// annotations are SQL comments, so the files run as they did then.
func migrateLikeOldRunner(t *testing.T, db *store.DB) {
	t.Helper()
	storetest.Exec(t, db, `CREATE TABLE schema_migrations (
		version bigint PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`)
	files := embeddedFiles(t)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		err := db.InTx(t.Context(), func(tx store.Tx) error {
			if err := tx.Gorm().Exec(files[name]).Error; err != nil {
				return err
			}
			version, rest := splitName(t, name)
			return tx.Gorm().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, '2025-03-01 09:00+08')`,
				version, rest).Error
		})
		if err != nil {
			t.Fatalf("old runner: %s: %v", name, err)
		}
	}
}

func TestMigrateAdoptsOldRunnersRecords(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.EmptyURL(t), 4)
	migrateLikeOldRunner(t, db)

	applied, err := store.Migrate(t.Context(), db, zaptest.NewLogger(t))
	if err != nil || len(applied) != 0 {
		t.Fatalf("Migrate after the old runner applied %v, %v; want nothing", applied, err)
	}
	want := embeddedVersions(t)
	if diff := cmp.Diff(want, recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
	var kept, sameTime int
	g := db.Session(t.Context()).Gorm()
	if err := g.Raw(`SELECT count(*) FROM schema_migrations`).Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	if err := g.Raw(`SELECT count(*) FROM schema_migrations s JOIN goose_db_version g
		ON g.version_id = s.version AND g.tstamp = s.applied_at::timestamp`).Scan(&sameTime).Error; err != nil {
		t.Fatal(err)
	}
	if kept != len(want) || sameTime != len(want) {
		t.Errorf("schema_migrations keeps %d rows, %d adopted with their time; want %d", kept, sameTime, len(want))
	}

	next := nextVersion(t)
	later := migrationFS(t, map[string]string{migrationName(next, "later"): "-- +goose Up\nCREATE TABLE later (n int);\n"})
	applied, err = store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), later)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{next}, applied); diff != "" {
		t.Errorf("later migration: applied mismatch (-want +got):\n%s", diff)
	}
	if !tableExists(t, db, "later") {
		t.Error("table later is missing")
	}
}

func TestMigrateOutOfOrder(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t) // migrated
	// Versions after the embedded ones: a second merged before a first.
	first := nextVersion(t)
	second, third := first+1, first+2
	files := map[string]string{migrationName(second, "second"): "-- +goose Up\nCREATE TABLE second (n int);\n"}
	if applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), migrationFS(t, files)); err != nil || !slices.Equal(applied, []int64{second}) {
		t.Fatalf("Migrate with %d applied %v, %v; want [%d]", second, applied, err, second)
	}
	files[migrationName(first, "first")] = "-- +goose Up\nCREATE TABLE first (n int);\n"
	files[migrationName(third, "third")] = "-- +goose Up\nCREATE TABLE third (n int);\n"
	applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), migrationFS(t, files))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{first, third}, applied); diff != "" {
		t.Errorf("applied mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(embeddedVersions(t), first, second, third), recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	u := storetest.EmptyURL(t)
	// Two replicas, each with its own pool. The last migration outlasts the
	// lock's poll interval, so a replica that ignored the lock would run it
	// too, while the other is still in it.
	dbs := []*store.DB{storetest.Open(t, u, 4), storetest.Open(t, u, 4)}
	slow := nextVersion(t)
	files := migrationFS(t, map[string]string{migrationName(slow, "slow"): "-- +goose Up\nSELECT pg_sleep(2);\n"})
	applied := make([][]int64, len(dbs))
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { applied[i], errs[i] = store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), files) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	want := append(embeddedVersions(t), slow)
	if diff := cmp.Diff(want, slices.Sorted(slices.Values(slices.Concat(applied...)))); diff != "" {
		t.Errorf("versions applied by either replica mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, recorded(t, dbs[0])); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
}

func TestMigrateFailureRollsBack(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t) // migrated
	// Statements without StatementBegin reach Postgres one by one, so only
	// goose's transaction can undo the first when the third fails.
	ok, fails := nextVersion(t), nextVersion(t)+1
	files := migrationFS(t, map[string]string{
		migrationName(ok, "ok"): "-- +goose Up\nCREATE TABLE ok (n int);\n",
		migrationName(fails, "fails"): "-- +goose Up\nCREATE TABLE half (n int);\n" +
			"INSERT INTO half VALUES (1);\nSELECT 1/0;\n",
	})
	applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), files)
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "22012" {
		t.Fatalf("Migrate = %v; want division by zero (22012)", err)
	}
	if !strings.Contains(err.Error(), migrationName(fails, "fails")) {
		t.Errorf("error %q does not name the failed migration", err)
	}
	if diff := cmp.Diff([]int64{ok}, applied); diff != "" {
		t.Errorf("applied mismatch (-want +got):\n%s", diff)
	}
	if !tableExists(t, db, "ok") || tableExists(t, db, "half") {
		t.Errorf("tables ok, half exist: %v, %v; want true, false",
			tableExists(t, db, "ok"), tableExists(t, db, "half"))
	}
	if diff := cmp.Diff(append(embeddedVersions(t), ok), recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
}

// TestMigrateOneIdempotency upgrades a database with idempotency records
// as the filing service and the proceedings services wrote them before
// 000009 (the filing service's keys without the method's leading slash,
// the proceedings' with the request's encoding for its hash), and checks
// that request.Key of the same requests finds them afterwards: a retry
// across the upgrade gets the first response and runs nothing.
func TestMigrateOneIdempotency(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := storetest.Open(t, storetest.EmptyURL(t), 4)
	if _, err := store.MigrateFS(ctx, db, zaptest.NewLogger(t), migrationsUpTo(t, 8)); err != nil {
		t.Fatal(err)
	}
	officer := auth.Principal{Subject: "x", Role: auth.Officer, Agency: "SAMR-HZ"}
	complaint := &ipcasev1.SubmitComplaintRequest{
		RequestId:   "req-1",
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "星河", CreditCode: "91110108MA01HX4T2R"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "张三"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Milk tea sold in cups bearing the mark.",
		Agency:      "SAMR-HZ",
	}
	opening := &ipcasev1.OpenEnforcementRequest{
		RequestId: "req-2",
		Source:    &ipcasev1.OpenEnforcementRequest_Matter{Matter: "matters/0b7f4a52-0000-4000-8000-000000000001"},
		Agency:    "SAMR-HZ",
	}
	// As the filing service wrote them: the SHA-256 of the request, under a
	// key without the method's leading slash; as the proceedings services
	// did: the request's encoding itself.
	for _, tt := range []struct {
		method  string
		oldKey  string
		oldHash []byte
	}{
		{ipcasev1.FilingService_SubmitComplaint_FullMethodName,
			"ipcase.v1.FilingService/SubmitComplaint/officer:x/req-1", sha256Of(encodingWithoutID(t, complaint))},
		{ipcasev1.EnforcementService_OpenEnforcement_FullMethodName,
			"/ipcase.v1.EnforcementService/OpenEnforcement/officer:x/req-2", encodingWithoutID(t, opening)},
	} {
		storetest.Exec(t, db, `INSERT INTO idempotency_keys (key, request_hash, response) VALUES (?, ?, ?)`,
			tt.oldKey, tt.oldHash, []byte("first response to "+tt.method))
	}
	applied, err := store.Migrate(ctx, db, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var after8 []int64
	for _, v := range embeddedVersions(t) {
		if v > 8 {
			after8 = append(after8, v)
		}
	}
	if diff := cmp.Diff(after8, applied); diff != "" {
		t.Fatalf("upgrade from 000008: applied mismatch (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		req    request.Identified
		other  request.Identified // the same request_id with another request
		method string
		newKey string
	}{
		{complaint, withFacts(complaint, "Other facts."), ipcasev1.FilingService_SubmitComplaint_FullMethodName,
			"/ipcase.v1.FilingService/SubmitComplaint/officer:x/req-1"},
		{opening, withAgency(opening, "SAMR-SH"), ipcasev1.EnforcementService_OpenEnforcement_FullMethodName,
			"/ipcase.v1.EnforcementService/OpenEnforcement/officer:x/req-2"},
	} {
		t.Run(tt.method, func(t *testing.T) {
			rctx := grpc.NewContextWithServerTransportStream(auth.WithPrincipal(ctx, officer), methodStream(tt.method))
			key, err := request.Key(rctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var rows []struct {
				Key         string
				RequestHash []byte
			}
			if err := db.Session(ctx).Gorm().Raw(`SELECT key, request_hash FROM idempotency_keys WHERE key = ?`,
				key.Scope+"/"+key.RequestID).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Key != tt.newKey || !bytes.Equal(rows[0].RequestHash, key.RequestHash) {
				t.Fatalf("request.Key = %s/%s, hash %x; the upgraded records under it: %+v; want one, %s, with that hash",
					key.Scope, key.RequestID, key.RequestHash, rows, tt.newKey)
			}

			ran := false
			resp, err := db.Idempotent(rctx, key, func(store.Tx) ([]byte, error) {
				ran = true
				return []byte("second response"), nil
			})
			if want := "first response to " + tt.method; err != nil || string(resp) != want || ran {
				t.Errorf("retry after the upgrade = %q, %v, ran %v; want the stored %q without running", resp, err, ran, want)
			}
			otherKey, err := request.Key(rctx, tt.other)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Idempotent(rctx, otherKey, func(store.Tx) ([]byte, error) {
				ran = true
				return nil, nil
			})
			if !errors.Is(err, errs.InvalidArgument) || ran {
				t.Errorf("the same request_id with another request after the upgrade: %v, ran %v; want InvalidArgument", err, ran)
			}
		})
	}
	if got := storetest.RowCounts(t, db)["idempotency_keys"]; got != 2 {
		t.Errorf("%d idempotency records after the retries, want the 2 upgraded", got)
	}
}

// encodingWithoutID is req's deterministic encoding without its
// request_id, which the proceedings services kept as the request's hash
// before 000009.
func encodingWithoutID(t *testing.T, req request.Identified) []byte {
	t.Helper()
	c := proto.Clone(req)
	c.ProtoReflect().Clear(c.ProtoReflect().Descriptor().Fields().ByName("request_id"))
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func withFacts(req *ipcasev1.SubmitComplaintRequest, facts string) *ipcasev1.SubmitComplaintRequest {
	c := proto.CloneOf(req)
	c.Facts = facts
	return c
}

func withAgency(req *ipcasev1.OpenEnforcementRequest, agency string) *ipcasev1.OpenEnforcementRequest {
	c := proto.CloneOf(req)
	c.Agency = agency
	return c
}

// methodStream is the server side of a call to a gRPC method, as far as
// grpc.Method needs it.
type methodStream string

func (s methodStream) Method() string             { return string(s) }
func (methodStream) SetHeader(metadata.MD) error  { return nil }
func (methodStream) SendHeader(metadata.MD) error { return nil }
func (methodStream) SetTrailer(metadata.MD) error { return nil }

// embeddedFiles returns the embedded migrations by file name.
func embeddedFiles(t *testing.T) map[string]string {
	t.Helper()
	entries, err := fs.ReadDir(store.MigrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := fs.ReadFile(store.MigrationFiles, path.Join("migrations", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// embeddedVersions returns the versions of the embedded migrations, in order.
func embeddedVersions(t *testing.T) []int64 {
	t.Helper()
	var vs []int64
	for name := range embeddedFiles(t) {
		v, _ := splitName(t, name)
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}

// nextVersion is the version after the last embedded migration, for the
// tests' own migrations.
func nextVersion(t *testing.T) int64 {
	t.Helper()
	return slices.Max(embeddedVersions(t)) + 1
}

// migrationName is the file name of migration version, NNNNNN_name.sql.
func migrationName(version int64, name string) string {
	return fmt.Sprintf("%06d_%s.sql", version, name)
}

// migrationsUpTo returns the embedded migrations up to version, as a
// database at that version was migrated.
func migrationsUpTo(t *testing.T, version int64) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for name, sql := range embeddedFiles(t) {
		if v, _ := splitName(t, name); v <= version {
			m[name] = &fstest.MapFile{Data: []byte(sql)}
		}
	}
	return m
}

// migrationFS returns the embedded migrations plus extra, by file name.
func migrationFS(t *testing.T, extra map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for name, sql := range embeddedFiles(t) {
		m[name] = &fstest.MapFile{Data: []byte(sql)}
	}
	for name, sql := range extra {
		m[name] = &fstest.MapFile{Data: []byte(sql)}
	}
	return m
}

// recorded returns the versions in goose's table, in order, repeats included.
func recorded(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	var vs []int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY version_id`).Scan(&vs).Error; err != nil {
		t.Fatal(err)
	}
	return vs
}

func tableExists(t *testing.T, db *store.DB, name string) bool {
	t.Helper()
	var ok bool
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT to_regclass(?) IS NOT NULL`, name).Scan(&ok).Error; err != nil {
		t.Fatal(err)
	}
	return ok
}

// splitName splits a migration file name NNNNNN_name.sql.
func splitName(t *testing.T, file string) (version int64, name string) {
	t.Helper()
	v, name, _ := strings.Cut(strings.TrimSuffix(file, ".sql"), "_")
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("migration %s: %v", file, err)
	}
	return version, name
}
