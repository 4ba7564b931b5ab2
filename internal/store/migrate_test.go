package store_test

import (
	"errors"
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
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMigrateFreshDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.EmptyURL(t))
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
func migrateLikeOldRunner(t *testing.T, db *gorm.DB) {
	t.Helper()
	if err := db.Exec(`CREATE TABLE schema_migrations (
		version bigint PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`).Error; err != nil {
		t.Fatal(err)
	}
	files := embeddedFiles(t)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(files[name]).Error; err != nil {
				return err
			}
			version, rest := splitName(t, name)
			return tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, '2025-03-01 09:00+08')`,
				version, rest).Error
		})
		if err != nil {
			t.Fatalf("old runner: %s: %v", name, err)
		}
	}
}

func TestMigrateAdoptsOldRunnersRecords(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.EmptyURL(t))
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
	if err := db.Raw(`SELECT count(*) FROM schema_migrations`).Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT count(*) FROM schema_migrations s JOIN goose_db_version g
		ON g.version_id = s.version AND g.tstamp = s.applied_at::timestamp`).Scan(&sameTime).Error; err != nil {
		t.Fatal(err)
	}
	if kept != len(want) || sameTime != len(want) {
		t.Errorf("schema_migrations keeps %d rows, %d adopted with their time; want %d", kept, sameTime, len(want))
	}

	later := migrationFS(t, map[string]string{"000009_later.sql": "-- +goose Up\nCREATE TABLE later (n int);\n"})
	applied, err = store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), later)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{9}, applied); diff != "" {
		t.Errorf("later migration: applied mismatch (-want +got):\n%s", diff)
	}
	if !tableExists(t, db, "later") {
		t.Error("table later is missing")
	}
}

func TestMigrateOutOfOrder(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t) // migrated
	ten := map[string]string{"000010_ten.sql": "-- +goose Up\nCREATE TABLE ten (n int);\n"}
	if applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), migrationFS(t, ten)); err != nil || !slices.Equal(applied, []int64{10}) {
		t.Fatalf("Migrate with 10 applied %v, %v; want [10]", applied, err)
	}
	ten["000009_nine.sql"] = "-- +goose Up\nCREATE TABLE nine (n int);\n"
	ten["000011_eleven.sql"] = "-- +goose Up\nCREATE TABLE eleven (n int);\n"
	applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), migrationFS(t, ten))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{9, 11}, applied); diff != "" {
		t.Errorf("applied mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(embeddedVersions(t), 9, 10, 11), recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	u := storetest.EmptyURL(t)
	// Two replicas, each with its own pool. The last migration outlasts the
	// lock's poll interval, so a replica that ignored the lock would run it
	// too, while the other is still in it.
	dbs := []*gorm.DB{storetest.Open(t, u), storetest.Open(t, u)}
	files := migrationFS(t, map[string]string{"000009_slow.sql": "-- +goose Up\nSELECT pg_sleep(2);\n"})
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
	want := append(embeddedVersions(t), 9)
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
	files := migrationFS(t, map[string]string{
		"000009_ok.sql": "-- +goose Up\nCREATE TABLE ok (n int);\n",
		"000010_fails.sql": "-- +goose Up\nCREATE TABLE half (n int);\n" +
			"INSERT INTO half VALUES (1);\nSELECT 1/0;\n",
	})
	applied, err := store.MigrateFS(t.Context(), db, zaptest.NewLogger(t), files)
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "22012" {
		t.Fatalf("Migrate = %v; want division by zero (22012)", err)
	}
	if !strings.Contains(err.Error(), "000010_fails.sql") {
		t.Errorf("error %q does not name the failed migration", err)
	}
	if diff := cmp.Diff([]int64{9}, applied); diff != "" {
		t.Errorf("applied mismatch (-want +got):\n%s", diff)
	}
	if !tableExists(t, db, "ok") || tableExists(t, db, "half") {
		t.Errorf("tables ok, half exist: %v, %v; want true, false",
			tableExists(t, db, "ok"), tableExists(t, db, "half"))
	}
	if diff := cmp.Diff(append(embeddedVersions(t), 9), recorded(t, db)); diff != "" {
		t.Errorf("recorded versions mismatch (-want +got):\n%s", diff)
	}
}

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
func recorded(t *testing.T, db *gorm.DB) []int64 {
	t.Helper()
	var vs []int64
	if err := db.Raw(`SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY version_id`).Scan(&vs).Error; err != nil {
		t.Fatal(err)
	}
	return vs
}

func tableExists(t *testing.T, db *gorm.DB, name string) bool {
	t.Helper()
	var ok bool
	if err := db.Raw(`SELECT to_regclass(?) IS NOT NULL`, name).Scan(&ok).Error; err != nil {
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
