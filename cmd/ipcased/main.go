// Command ipcased serves the ipcase gRPC services over one Postgres case
// store.
//
//	ipcased [serve] [--side S]   serve gRPC (the default); S is all,
//	                             administrative or judicial
//	ipcased migrate [-create]    apply the embedded SQL migrations
//	ipcased token keygen|issue   make signing keys and mint tokens
//	ipcased dev certs            make a development CA and certificates
//	ipcased demo -addr ADDR      file a few demo complaints through the API
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sethvargo/go-envconfig"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/logging"
	"github.com/ipcase/ipcase/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := logging.NewFromEnv()
	defer logger.Sync() //nolint:errcheck // nothing to do about a failed flush at exit
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("ipcased exited", zap.Error(err))
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *zap.Logger, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCommand(ctx, logger, args)
	case "migrate":
		return migrate(ctx, logger, args)
	case "token":
		return token(args)
	case "dev":
		return dev(args)
	case "demo":
		return demo(ctx, args)
	default:
		return fmt.Errorf("unknown command %q: want serve, migrate, token, dev or demo", cmd)
	}
}

func migrate(ctx context.Context, logger *zap.Logger, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	create := fs.Bool("create", false, "create the database first if it does not exist (development)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cfg store.Config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	if *create {
		if err := store.EnsureDatabase(ctx, cfg.URL, logger); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(db)
	applied, err := store.Migrate(ctx, db, logger)
	if err != nil {
		return err
	}
	logger.Info("database is up to date", zap.Int("applied", len(applied)))
	return nil
}
