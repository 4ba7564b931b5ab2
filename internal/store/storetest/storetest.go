// Package storetest gives tests a real Postgres database: each test package
// migrates one template database in TestMain, and each test gets its own
// clone of it, dropped when the test ends.
//
// The server comes from DATABASE_URL (scripts/test.sh provisions a private
// cluster when it is unset). An unreachable database fails the run; only
// `go test -short` skips database tests.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

var (
	baseURL  string
	template string
	admin    *store.DB
	// Postgres refuses to clone a template that another session is using,
	// including another CREATE DATABASE from it: clones are serialized.
	cloneMu sync.Mutex
)

// Main migrates a template database for the calling test package, runs the
// tests and drops the template. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main for a TestMain that has more to set up: it returns the exit
// code instead of exiting.
func Run(m *testing.M) int {
	if !flag.Parsed() {
		flag.Parse()
	}
	if testing.Short() {
		return m.Run()
	}
	baseURL = os.Getenv("DATABASE_URL")
	if baseURL == "" {
		fmt.Fprintln(os.Stderr, "storetest: DATABASE_URL is not set; run scripts/test.sh, or go test -short to skip database tests")
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adminURL, err := store.WithDatabase(baseURL, "postgres")
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	if admin, err = store.Open(ctx, store.Config{URL: adminURL, MaxOpenConns: 2}, zap.NewNop()); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		return 1
	}
	defer func() { _ = admin.Close() }()
	template = "ipcase_tpl_" + randomSuffix()
	if err := exec(ctx, "CREATE DATABASE "+store.QuoteIdent(template)); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: creating template:", err)
		return 1
	}
	defer exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+store.QuoteIdent(template)+" WITH (FORCE)") //nolint:errcheck // best effort at exit
	if err := migrateTemplate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: migrating template:", err)
		return 1
	}
	return m.Run()
}

func migrateTemplate(ctx context.Context) error {
	u, err := store.WithDatabase(baseURL, template)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Config{URL: u, MaxOpenConns: 1}, zap.NewNop())
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	_, err = store.Migrate(ctx, db, zap.NewNop())
	return err
}

// exec runs a statement on the server's postgres database.
func exec(ctx context.Context, sql string) error {
	return admin.Session(ctx).Gorm().Exec(sql).Error
}

// URL returns a connection URL for a fresh clone of the migrated template,
// dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, template)
}

// EmptyURL returns a connection URL for a fresh database without tables
// (a copy of template0), dropped when t ends: for tests of the migrations
// themselves.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "template0")
}

// NewDB returns a connection pool to a fresh clone of the migrated template;
// the pool is closed and the database dropped when t ends.
func NewDB(t testing.TB) *store.DB {
	t.Helper()
	return Open(t, URL(t), 10)
}

// Open opens a pool of up to conns connections to the database at url,
// closed when t ends.
func Open(t testing.TB, url string, conns int) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), store.Config{URL: url, MaxOpenConns: conns, MaxIdleConns: conns}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Exec runs a statement on db for a test's set-up or tampering, failing
// the test if it fails.
func Exec(t testing.TB, db *store.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Session(t.Context()).Gorm().Exec(sql, args...).Error; err != nil {
		t.Fatalf("storetest: %s: %v", sql, err)
	}
}

// RowCounts returns the number of rows of every table of db, to prove that
// a refused call wrote nothing anywhere; it names no table itself.
func RowCounts(t testing.TB, db *store.DB) map[string]int64 {
	t.Helper()
	g := db.Session(t.Context()).Gorm()
	var tables []string
	if err := g.Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string]int64, len(tables))
	for _, name := range tables {
		var n int64
		if err := g.Raw("SELECT count(*) FROM " + store.QuoteIdent(name)).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

func newDatabase(t testing.TB, from string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped with -short")
	}
	if admin == nil {
		t.Fatal("storetest: call storetest.Main(m) or Run(m) from TestMain")
	}
	name := "ipcase_test_" + randomSuffix()
	u, err := store.WithDatabase(baseURL, name)
	if err != nil {
		t.Fatal(err)
	}
	cloneMu.Lock()
	err = exec(t.Context(), "CREATE DATABASE "+store.QuoteIdent(name)+" TEMPLATE "+store.QuoteIdent(from))
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("storetest: creating a database from %s: %v", from, err)
	}
	t.Cleanup(func() {
		if from == template {
			checkPayloads(t, u)
		}
		if err := exec(context.WithoutCancel(t.Context()), "DROP DATABASE IF EXISTS "+store.QuoteIdent(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: dropping %s: %v", name, err)
		}
	})
	return u
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
