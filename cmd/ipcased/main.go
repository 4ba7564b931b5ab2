// Command ipcased serves the ipcase gRPC services over one Postgres case
// store.
//
//	ipcased [serve]            serve gRPC (the default)
//	ipcased migrate [-create]  apply the embedded SQL migrations
//	ipcased demo -addr ADDR    file a few demo complaints through the API
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sethvargo/go-envconfig"
	"go.uber.org/zap"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/logging"
	"github.com/ipcase/ipcase/internal/server"
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

type config struct {
	Store  store.Config
	Server server.Config
}

func run(ctx context.Context, logger *zap.Logger, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, logger)
	case "migrate":
		return migrate(ctx, logger, args)
	case "demo":
		return demo(ctx, args)
	default:
		return fmt.Errorf("unknown command %q: want serve, migrate or demo", cmd)
	}
}

func serve(ctx context.Context, logger *zap.Logger) error {
	var cfg config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	db, err := store.Open(ctx, cfg.Store, logger)
	if err != nil {
		return err
	}
	defer store.Close(db)
	srv := server.New(cfg.Server, logger)
	ipcasev1.RegisterFilingServiceServer(srv, filing.NewServer(filing.NewStore(db), time.Now))
	ipcasev1.RegisterDamagesServiceServer(srv, damages.NewServer())
	lis, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Server.Addr, err)
	}
	logger.Info("serving", zap.String("addr", lis.Addr().String()))
	return srv.Serve(ctx, lis)
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
