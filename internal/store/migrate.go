package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"go.uber.org/zap"
	"gorm.io/gorm"
)

// Migrations are golang-migrate style files `NNNNNN_name.up.sql`, embedded
// in the binary. Each runs in its own transaction together with the row that
// records it, so a crash never leaves a migration half-applied or applied but
// unrecorded; the files therefore carry no BEGIN/COMMIT of their own.
//
//go:embed migrations/*.up.sql
var migrationFS embed.FS

var migrationName = regexp.MustCompile(`^(\d{6})_([a-z0-9_]+)\.up\.sql$`)

// migrationLockKey is the advisory lock that keeps two replicas from
// migrating at once ("ipcase-migrate" as an integer).
const migrationLockKey = 0x6970636173656d69

type migration struct {
	version int64
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: migration file %q is not named NNNNNN_name.up.sql", e.Name())
		}
		v, _ := strconv.ParseInt(m[1], 10, 64)
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %q and %q share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: m[2], sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate applies every embedded migration the database has not recorded,
// in order, under an advisory lock. It returns the versions applied.
func Migrate(ctx context.Context, db *gorm.DB, logger *zap.Logger) ([]int64, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	var applied []int64
	err = db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec(`SELECT pg_advisory_lock(?)`, int64(migrationLockKey)).Error; err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.Exec(`SELECT pg_advisory_unlock(?)`, int64(migrationLockKey))
		if err := conn.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version bigint PRIMARY KEY,
			name text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`).Error; err != nil {
			return fmt.Errorf("store: schema_migrations: %w", err)
		}
		// Every version not yet recorded is applied, in order, so that a
		// migration merged with a lower number than one already applied is
		// not skipped.
		var done []int64
		if err := conn.Raw(`SELECT version FROM schema_migrations`).Scan(&done).Error; err != nil {
			return err
		}
		for _, m := range ms {
			if slices.Contains(done, m.version) {
				continue
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec(m.sql).Error; err != nil {
					return err
				}
				return tx.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name).Error
			})
			if err != nil {
				return fmt.Errorf("store: migration %06d_%s: %w", m.version, m.name, err)
			}
			logger.Info("migration applied", zap.Int64("version", m.version), zap.String("name", m.name))
			applied = append(applied, m.version)
		}
		return nil
	})
	return applied, err
}
