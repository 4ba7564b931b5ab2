package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/sethvargo/go-envconfig"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

func newMigrateCmd() *cobra.Command {
	var create bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded SQL migrations and grant the serving role its privileges",
		Long: `Migrate applies the SQL migrations built into this binary that the database
has not recorded, in order, under an advisory lock, so that replicas started
together apply each one once. Run it before serving a new version. With
--create it first creates the database if it does not exist (development;
production databases are created by the operator).

It connects as the owner of the tables, DATABASE_OWNER_URL. ipcased serve
connects as another role, the serving role of DATABASE_URL, which may read
and write rows but not change the schema or the append-only tables: migrate
then grants that role exactly what it needs and revokes anything else
(README.md, "Database roles"). If the role does not exist and DATABASE_URL
carries its password, migrate creates it (the owner needs CREATEROLE); an
existing role is given that password when the owner may. Without
DATABASE_OWNER_URL, migrate connects with DATABASE_URL and grants nothing
unless IPCASE_DB_SERVING_ROLE names a role: serve then runs as the owner,
and warns.

Environment: DATABASE_OWNER_URL (the owner); DATABASE_URL (the serving
role, or the owner when DATABASE_OWNER_URL is unset); IPCASE_DB_SERVING_ROLE
(the serving role's name, if not DATABASE_URL's user); the IPCASE_DB_* pool
settings; IPCASE_LOG_MODE and IPCASE_LOG_LEVEL.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrate(cmd.Context(), create)
		},
	}
	cmd.Flags().BoolVar(&create, "create", false, "create the database first if it does not exist (development)")
	return cmd
}

// migrateConfig is what migrate reads beside the pool's settings.
type migrateConfig struct {
	// OwnerURL is the owner of the tables, whom migrate connects as; empty:
	// DATABASE_URL.
	OwnerURL string `env:"DATABASE_OWNER_URL" json:"-"`
	// ServingURL is what ipcased serve connects with: its user is the
	// serving role, its password that role's.
	ServingURL string `env:"DATABASE_URL" json:"-"`
	// ServingRole names the serving role when DATABASE_URL does not.
	ServingRole string `env:"IPCASE_DB_SERVING_ROLE"`
}

// servingRole returns the role migrate prepares for serve: none (the zero
// value) when serve connects as the owner.
func (c migrateConfig) servingRole() (store.ServingRole, error) {
	r := store.ServingRole{Name: c.ServingRole}
	if c.OwnerURL == "" || c.ServingURL == "" {
		return r, nil
	}
	u, err := url.Parse(c.ServingURL)
	if err != nil || u.User == nil || u.User.Username() == "" {
		if r.Name == "" {
			return r, errors.New("DATABASE_URL names no user: say who serve connects as there, or in IPCASE_DB_SERVING_ROLE")
		}
		return r, nil
	}
	if r.Name == "" {
		r.Name = u.User.Username()
	}
	if r.Name == u.User.Username() {
		r.Password, _ = u.User.Password()
	}
	return r, nil
}

func migrate(ctx context.Context, create bool) error {
	var mc migrateConfig
	if err := envconfig.Process(ctx, &mc); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	// The pool's settings, with the owner's URL for DATABASE_URL's.
	lookup := envconfig.OsLookuper()
	if mc.OwnerURL != "" {
		lookup = envconfig.MultiLookuper(envconfig.MapLookuper(map[string]string{"DATABASE_URL": mc.OwnerURL}), lookup)
	}
	var cfg store.Config
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &cfg, Lookuper: lookup}); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	role, err := mc.servingRole()
	if err != nil {
		return err
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
		if role.Name == "" {
			logger.Warn("no serving role: ipcased serve will connect as the owner of the tables, which can switch the logs' protections off; " +
				"set DATABASE_OWNER_URL for migrate and DATABASE_URL to the serving role (README.md, \"Database roles\")")
			return nil
		}
		if err := store.PrepareServingRole(ctx, db, role, logger); err != nil {
			return err
		}
		logger.Info("serving role ready", zap.String("role", role.Name))
		return nil
	})
}
