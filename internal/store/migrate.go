package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
	"go.uber.org/zap"
)

// Migrations are goose SQL files `NNNNNN_name.sql`, embedded in the binary.
// Each file is one `-- +goose StatementBegin … StatementEnd` block, so its SQL
// reaches Postgres whole, as one simple-protocol query (plpgsql bodies need
// no further annotations), and goose runs it in a transaction together with
// the row that records it: a crash never leaves a migration half-applied or
// applied but unrecorded. The files therefore carry no BEGIN/COMMIT and no
// `-- +goose NO TRANSACTION`.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the advisory lock that keeps two replicas from
// migrating at once ("ipcase-migrate" as an integer). It is the key the
// hand-written runner before goose took, so a replica still running that
// binary during a rollout and one running goose exclude each other too.
const migrationLockKey = 0x6970636173656d69

// versionTable is goose's table of applied versions, the one its provider
// uses by default. It is a constant, never input, so SQL names it by
// concatenation.
const versionTable = goose.DefaultTablename

// A replica that finds the lock taken polls it every lockPollSeconds, up to
// lockPolls times (an hour), or until its context ends.
const (
	lockPollSeconds = 1
	lockPolls       = 3600
)

// Migrate applies every embedded migration the database has not recorded,
// in order of version, under an advisory lock. A migration merged with a
// lower version than one already applied is applied too. It returns the
// versions applied, also when a later migration fails; the failed one is
// rolled back and not recorded.
func Migrate(ctx context.Context, db *DB, logger *zap.Logger) ([]int64, error) {
	files, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return migrateFS(ctx, db, logger, files)
}

// migrateFS is Migrate over the migration files at the root of files.
func migrateFS(ctx context.Context, db *DB, logger *zap.Logger, files fs.FS) ([]int64, error) {
	sqlDB := db.SQL()
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockKey),
		lock.WithLockTimeout(lockPollSeconds, lockPolls),
	)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	adopted, err := ensureVersionTable(ctx, sqlDB, locker)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %s: %w", versionTable, err)
	}
	if adopted > 0 {
		logger.Info("schema_migrations adopted", zap.Int64("versions", adopted))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, files,
		goose.WithSessionLocker(locker),
		// Every version not yet recorded is applied, in order, so that a
		// migration merged with a lower number than one already applied is
		// not skipped.
		goose.WithAllowOutofOrder(true),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		results = partial.Applied
		err = fmt.Errorf("store: migration %s: %w", path.Base(partial.Failed.Source.Path), partial.Err)
	} else if err != nil {
		err = fmt.Errorf("store: migrate: %w", err)
	}
	var applied []int64
	for _, r := range results {
		_, name, _ := strings.Cut(strings.TrimSuffix(path.Base(r.Source.Path), ".sql"), "_")
		logger.Info("migration applied",
			zap.Int64("version", r.Source.Version), zap.String("name", name), zap.Duration("duration", r.Duration))
		applied = append(applied, r.Source.Version)
	}
	return applied, err
}

// ensureVersionTable creates goose's version table, under the migration lock,
// if the database lacks it. It returns how many versions it adopted from
// schema_migrations; its caller names the table in errors.
//
// Before goose, Migrate recorded versions in schema_migrations(version, name,
// applied_at); goose keeps its own table of another shape
// (goose_db_version: version_id, is_applied, tstamp). Sharing one table would
// take a hand-written goose store mapping one shape onto the other, and goose
// records no names; so instead, when this function creates goose's table, it
// copies every version schema_migrations holds into it, times included, in
// the same transaction. A database the old runner migrated is thus up to
// date in goose's eyes: nothing is re-applied, and later migrations follow.
// It runs under the old runner's lock, so an old replica cannot record a
// version between the copy and goose's first run, and the copy happens once,
// since the table exists from then on. schema_migrations is left as it was:
// its names stay, and a rollback to the old binary still finds its records.
func ensureVersionTable(ctx context.Context, db *sql.DB, locker lock.SessionLocker) (adopted int64, err error) {
	versions, err := database.NewStore(database.DialectPostgres, versionTable)
	if err != nil {
		return 0, err
	}
	exister, ok := versions.(database.StoreExtender)
	if !ok {
		return 0, fmt.Errorf("goose's %T cannot tell whether its table exists", versions)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	if err := locker.SessionLock(ctx, conn); err != nil {
		return 0, fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		if uerr := locker.SessionUnlock(context.WithoutCancel(ctx), conn); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	if exists, err := exister.TableExists(ctx, conn); err != nil || exists {
		return 0, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	// goose itself creates its table with the zero version in it.
	if err := versions.CreateVersionTable(ctx, tx); err != nil {
		return 0, err
	}
	if err := versions.Insert(ctx, tx, database.InsertRequest{Version: 0}); err != nil {
		return 0, err
	}
	var legacy bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&legacy); err != nil {
		return 0, err
	}
	if legacy {
		res, err := tx.ExecContext(ctx, `INSERT INTO `+versionTable+` (version_id, is_applied, tstamp)
			SELECT version, true, applied_at FROM schema_migrations ORDER BY version`)
		if err != nil {
			return 0, fmt.Errorf("adopting schema_migrations: %w", err)
		}
		if adopted, err = res.RowsAffected(); err != nil {
			return 0, err
		}
	}
	return adopted, tx.Commit()
}
