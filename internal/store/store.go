// Package store is the database plumbing every domain store shares: opening
// Postgres through gorm (pgx driver) with pool limits and zap-bridged logging,
// translating driver errors into errs categories, applying the embedded SQL
// migrations, and making retried requests idempotent. It knows no domain.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/errs"
)

// Config says where the database is and how the pool behaves.
type Config struct {
	// URL is a postgres:// connection URL.
	URL string `env:"DATABASE_URL, required" json:"-"`
	// ReadURL is a read-only replica (a hot standby, CloudNativePG's -ro
	// service) that serves the rights holders' status reads; empty: URL.
	ReadURL string `env:"DATABASE_READ_URL" json:"-"`
	// MaxOpenConns caps the pool; Postgres' own max_connections must allow it
	// times the number of replicas.
	MaxOpenConns int `env:"IPCASE_DB_MAX_OPEN_CONNS, default=20"`
	// MaxIdleConns is how many idle connections the pool keeps.
	MaxIdleConns int `env:"IPCASE_DB_MAX_IDLE_CONNS, default=20"`
	// ConnMaxLifetime recycles connections, so a failover or a pgbouncer
	// restart is picked up.
	ConnMaxLifetime time.Duration `env:"IPCASE_DB_CONN_MAX_LIFETIME, default=30m"`
	// SlowQuery is the duration above which a statement is logged at Warn.
	SlowQuery time.Duration `env:"IPCASE_DB_SLOW_QUERY, default=200ms"`
}

// Open connects to the database in cfg and checks that it answers.
func Open(ctx context.Context, cfg Config, logger *zap.Logger) (*gorm.DB, error) {
	if cfg.URL == "" {
		return nil, errors.New("store: DATABASE_URL is empty")
	}
	db, err := gorm.Open(postgres.New(postgres.Config{DSN: cfg.URL}), &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 newGormLogger(logger.Named("sql"), cfg.SlowQuery),
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if cfg.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
	}
	if cfg.MaxIdleConns > 0 {
		sqlDB.SetMaxIdleConns(cfg.MaxIdleConns)
	}
	if cfg.ConnMaxLifetime > 0 {
		sqlDB.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: ping %s: %w", Redact(cfg.URL), err)
	}
	return db, nil
}

// Close closes db's pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Translate maps driver errors onto errs categories, keeping the original
// in the chain for the log: record not found → errs.NotFound, unique
// violation → errs.AlreadyExists, serialization failure or deadlock →
// errs.Aborted, each with a plain message for the caller. Other errors are
// returned unchanged.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return errs.Wrap(errs.NotFound, err, "not found")
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return errs.Wrap(errs.AlreadyExists, err, "already exists")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return errs.Wrap(errs.AlreadyExists, err, "already exists")
		case "40001", "40P01":
			return errs.Wrap(errs.Aborted, err, "the change met a concurrent one and was undone; retry it")
		}
	}
	return err
}

// WithDatabase returns rawURL with its database name replaced by name.
func WithDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("store: DATABASE_URL must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

// DatabaseName returns the database name in rawURL.
func DatabaseName(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("store: DATABASE_URL must be a postgres:// URL")
	}
	return strings.TrimPrefix(u.Path, "/"), nil
}

// Redact returns rawURL without its password, for logs and errors.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// QuoteIdent quotes a Postgres identifier.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// EnsureDatabase creates the database named in rawURL if it does not exist,
// connecting to the server's `postgres` database to do so. It is for
// development and tests; production databases are created by the operator.
func EnsureDatabase(ctx context.Context, rawURL string, logger *zap.Logger) error {
	name, err := DatabaseName(rawURL)
	if err != nil {
		return err
	}
	adminURL, err := WithDatabase(rawURL, "postgres")
	if err != nil {
		return err
	}
	admin, err := Open(ctx, Config{URL: adminURL, MaxOpenConns: 1}, logger)
	if err != nil {
		return err
	}
	defer Close(admin)
	var exists bool
	if err := admin.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)`, name).Scan(&exists).Error; err != nil {
		return fmt.Errorf("store: checking database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE " + QuoteIdent(name)).Error; err != nil && !errors.Is(Translate(err), errs.AlreadyExists) {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42P04" {
			return fmt.Errorf("store: creating database %q: %w", name, err)
		}
	}
	return nil
}
