package main

import (
	"context"
	"fmt"

	"github.com/sethvargo/go-envconfig"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

func newMigrateCmd() *cobra.Command {
	var create bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded SQL migrations to the case store",
		Long: `Migrate applies the SQL migrations built into this binary that the database
at DATABASE_URL has not recorded, in order, under an advisory lock, so that
replicas started together apply each one once. Run it before serving a new
version. With --create it first creates the database if it does not exist
(development; production databases are created by the operator).

Environment: DATABASE_URL (required); IPCASE_DB_MAX_OPEN_CONNS and the other
IPCASE_DB_* pool settings; IPCASE_LOG_MODE and IPCASE_LOG_LEVEL.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrate(cmd.Context(), create)
		},
	}
	cmd.Flags().BoolVar(&create, "create", false, "create the database first if it does not exist (development)")
	return cmd
}

func migrate(ctx context.Context, create bool) error {
	var cfg store.Config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	return withLogger(func(logger *zap.Logger) error {
		if create {
			if err := store.EnsureDatabase(ctx, cfg.URL, logger); err != nil {
				return err
			}
		}
		db, err := store.Open(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer func() { _ = db.Close() }()
		applied, err := store.Migrate(ctx, db, logger)
		if err != nil {
			return err
		}
		logger.Info("database is up to date", zap.Int("applied", len(applied)))
		return nil
	})
}
