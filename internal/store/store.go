// Package store is the database plumbing every domain store shares: opening
// Postgres through gorm (pgx driver) with pool limits and zap-bridged
// logging, the unit of work (Tx) that domain stores accept, translating
// driver errors into errs categories, applying the embedded SQL migrations,
// and making retried requests idempotent. It knows no domain. Each table
// belongs to one domain package (README, "Who owns which table"); store
// owns only idempotency_keys and the migrations' record.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
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

// DB is the case store: a pool of connections to Postgres. Domain stores
// hold one and do their work through Tx values it hands out; none of them
// passes the pool's gorm handle to another package.
type DB struct {
	g   *gorm.DB
	url string
	rt  *roundTrips
}

// Tx is a unit of work on the case store: a transaction begun by DB.InTx,
// or statements each on their own from DB.Session. Domain stores accept it,
// so that a change spanning several packages' tables commits or rolls back
// as one; each package reaches only its own tables through it.
type Tx struct {
	g *gorm.DB
	// after is what to do once the transaction commits; nil in a Session,
	// whose statements commit as they run.
	after *afterCommit
}

// afterCommit is what a transaction of InTx does once it has committed,
// and what it read with BEGIN.
type afterCommit struct {
	// writes are sent with COMMIT (Tx.WriteAtCommit).
	writes []*pgx.QueuedQuery
	// notify are the channels to notify (Write.Notify), each once.
	notify []string
	// wrote is set by the transaction's first Write (Tx.Written); changed
	// by its first statement that may write, Write or through Gorm, but
	// not WriteAtCommit (Tx.Prefetched).
	wrote, changed bool
	// first are the answers of the statements sent with BEGIN under a key
	// (First.Key).
	first map[string]Text
	// local is what packages keep for the rest of the transaction
	// (Tx.SetLocal).
	local map[any]any
}

// notifyAfter has channel notified after the transaction commits.
func (a *afterCommit) notifyAfter(channel string) {
	if !slices.Contains(a.notify, channel) {
		a.notify = append(a.notify, channel)
	}
}

// keep keeps rows, the answer of a statement sent with BEGIN, under key.
func (a *afterCommit) keep(key string, rows Text) {
	if a.first == nil {
		a.first = map[string]Text{}
	}
	a.first[key] = rows
}

// txKey carries a transaction's afterCommit in the context of its
// statements, for the callback that notes its writes (markWritten).
type txKey struct{}

// markWritten is the gorm callback that notes, in its transaction, a
// statement that may have written (Tx.Prefetched).
func markWritten(g *gorm.DB) {
	if a := runIn(g); a != nil {
		a.changed = true
	}
}

// markWrittenRows is markWritten for statements read as rows (Raw(…).Scan,
// Rows): reads, unless one of its keywords may change rows (a
// data-modifying WITH query; a lock, FOR UPDATE, counts too, to be safe).
// Outside a transaction, or in one already known to have written, it
// looks no further.
func markWrittenRows(g *gorm.DB) {
	if a := runIn(g); a != nil && !a.changed && modifying.MatchString(g.Statement.SQL.String()) {
		a.changed = true
	}
}

// runIn is the afterCommit of the transaction g's statement runs in, nil
// outside one of InTx's and for gorm's dry runs (WriteAtCommit), which run
// nothing.
func runIn(g *gorm.DB) *afterCommit {
	if g.DryRun || g.Statement == nil || g.Statement.Context == nil {
		return nil
	}
	a, _ := g.Statement.Context.Value(txKey{}).(*afterCommit)
	return a
}

// modifying finds the keywords of a statement that may change rows.
var modifying = regexp.MustCompile(`(?i)\b(INSERT|UPDATE|DELETE|MERGE)\b`)

// Open connects to the database in cfg and checks that it answers.
func Open(ctx context.Context, cfg Config, logger *zap.Logger) (*DB, error) {
	if cfg.URL == "" {
		return nil, errors.New("store: DATABASE_URL is empty")
	}
	connCfg, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("store: DATABASE_URL %s: %w", Redact(cfg.URL), err)
	}
	rt := &roundTrips{}
	opts := countingOptions(connCfg, rt)
	pool := stdlib.OpenDB(*connCfg, opts...)
	pg, _ := postgres.New(postgres.Config{Conn: pool}).(*postgres.Dialector)
	g, err := gorm.Open(dialector{pg}, &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 newGormLogger(logger.Named("sql"), cfg.SlowQuery),
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	// gorm's row callback (Raw(…).Scan, Rows) sets the statement's error
	// itself, past the translator the dialector installs; classify it too.
	if err := g.Callback().Row().After("gorm:row").Register("ipcase:translate", func(g *gorm.DB) {
		g.Error = Translate(g.Error)
	}); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("ipcase:written", markWritten),
		cb.Update().After("gorm:update").Register("ipcase:written", markWritten),
		cb.Delete().After("gorm:delete").Register("ipcase:written", markWritten),
		cb.Raw().After("gorm:raw").Register("ipcase:written", markWritten), // Exec
		cb.Row().After("gorm:row").Register("ipcase:written", markWrittenRows),
	} {
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
	}
	sqlDB, err := g.DB()
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
	return &DB{g: g, url: cfg.URL, rt: rt}, nil
}

// Close closes the pool.
func (db *DB) Close() error { return db.SQL().Close() }

// SQL is the pool itself, for its statistics and health checks.
func (db *DB) SQL() *sql.DB {
	sqlDB, _ := db.g.DB() // gorm over database/sql always has one
	return sqlDB
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL().PingContext(ctx) }

// URL is the connection URL the pool was opened with, for the sessions
// that must live outside the pool (LISTEN, session advisory locks). It
// carries credentials: never log it, and give clients Redact(URL) at most.
func (db *DB) URL() string { return db.url }

// InTx runs fn in a transaction, committed if fn returns nil and rolled
// back otherwise. When ctx has a deadline (every gRPC call has one, see
// server.Config.CallTimeout), the transaction's statement_timeout and
// lock_timeout are set to what remains of it, less a margin: a statement
// that waits on a lock or runs too long is cancelled by Postgres, which
// answers 57014 (Translate: DeadlineExceeded) on a connection that stays
// usable, rather than by the context, which has to drop the connection.
func (db *DB) InTx(ctx context.Context, fn func(Tx) error) error {
	return db.inTx(ctx, nil, nil, func(tx Tx) (*pgx.QueuedQuery, error) { return nil, fn(tx) })
}

// InTxAfter is InTx whose transaction begins with first, in the round trip
// of BEGIN, whose answers fn gets, in order (IdempotentAfter without a
// key).
func (db *DB) InTxAfter(ctx context.Context, first []First, fn func(Tx, []Text) error) error {
	_, err := db.IdempotentAfter(ctx, IdempotencyKey{}, first, func(tx Tx, rows []Text) ([]byte, error) { return nil, fn(tx, rows) })
	return err
}

// maxTimeoutMargin is how much earlier than the context's deadline
// Postgres cancels a statement (at most; 5% of a short deadline): time for
// the answer to travel back before the context ends.
const maxTimeoutMargin = 250 * time.Millisecond

// setLocal begins the statements that set the timeouts: SET, not a
// SELECT of set_config, because a SET takes no snapshot, so that a
// transaction may still choose its isolation level after it
// (SET TRANSACTION must come before any query). SET takes no parameters;
// the value is an integer this package formats.
const setLocal = "SET LOCAL "

// Session returns a Tx whose statements each commit on their own: for
// reads, and for a single write that needs no transaction.
func (db *DB) Session(ctx context.Context) Tx { return Tx{g: db.g.WithContext(ctx)} }

// OnStatement calls fn with the context of every statement the pool runs,
// except those that only steer a transaction (savepoints, its timeouts): metrics count
// the statements of each call with it.
func (db *DB) OnStatement(fn func(context.Context)) error {
	count := func(g *gorm.DB) {
		if g.Statement == nil || g.Statement.Context == nil || transactionControl(g.Statement.SQL.String()) {
			return
		}
		fn(g.Statement.Context)
	}
	cb := db.g.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("ipcase:statement", count),
		cb.Query().After("gorm:query").Register("ipcase:statement", count),
		cb.Update().After("gorm:update").Register("ipcase:statement", count),
		cb.Delete().After("gorm:delete").Register("ipcase:statement", count),
		cb.Row().After("gorm:row").Register("ipcase:statement", count),
		cb.Raw().After("gorm:raw").Register("ipcase:statement", count),
	} {
		if err != nil {
			return fmt.Errorf("store: OnStatement: %w", err)
		}
	}
	return nil
}

// transactionControl reports whether sql only steers a transaction
// (gorm's savepoints go through Exec).
func transactionControl(sql string) bool {
	if strings.HasPrefix(sql, setLocal) {
		return true // boundStatements
	}
	s := strings.ToUpper(strings.TrimSpace(sql))
	for _, p := range []string{"SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Gorm is the gorm handle of the unit of work, for the store.go of the
// package that owns the tables it queries; it carries the context.
func (tx Tx) Gorm() *gorm.DB { return tx.g }

// Context is the context the unit of work runs under.
func (tx Tx) Context() context.Context { return tx.g.Statement.Context }

// Now is the time the store stamps rows with: UTC, to the microsecond
// Postgres keeps.
func (tx Tx) Now() time.Time { return tx.g.NowFunc() }

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
	adminDB, err := Open(ctx, Config{URL: adminURL, MaxOpenConns: 1}, logger)
	if err != nil {
		return err
	}
	defer func() { _ = adminDB.Close() }()
	admin := adminDB.g
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
