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
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/store"
)

var (
	baseURL  string
	template string
	admin    *gorm.DB
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
	defer store.Close(admin)
	template = "ipcase_tpl_" + randomSuffix()
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE " + store.QuoteIdent(template)).Error; err != nil {
		fmt.Fprintln(os.Stderr, "storetest: creating template:", err)
		return 1
	}
	defer admin.Exec("DROP DATABASE IF EXISTS " + store.QuoteIdent(template) + " WITH (FORCE)")
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
	defer store.Close(db)
	_, err = store.Migrate(ctx, db, zap.NewNop())
	return err
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
func NewDB(t testing.TB) *gorm.DB {
	t.Helper()
	return Open(t, URL(t))
}

// Open returns a connection pool to the database at u, closed when t ends.
func Open(t testing.TB, u string) *gorm.DB {
	t.Helper()
	db, err := store.Open(t.Context(), store.Config{URL: u, MaxOpenConns: 10}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	return db
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
	cloneMu.Lock()
	err := admin.Exec("CREATE DATABASE " + store.QuoteIdent(name) + " TEMPLATE " + store.QuoteIdent(from)).Error
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("storetest: creating a database from %s: %v", from, err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP DATABASE IF EXISTS " + store.QuoteIdent(name) + " WITH (FORCE)").Error; err != nil {
			t.Errorf("storetest: dropping %s: %v", name, err)
		}
	})
	u, err := store.WithDatabase(baseURL, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
