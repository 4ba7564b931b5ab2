// Command ipcase-gateway serves ipcase to rights holders over HTTP: the JSON
// API generated from the protos, evidence uploads, the OpenAPI document at
// /openapi.json and the status page at /. It holds no data and decides
// nothing: every request goes to ipcased over gRPC with the caller's own
// credentials.
//
// Configuration comes from the environment (IPCASE_GATEWAY_*); see
// README.md.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/sethvargo/go-envconfig"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/logging"
	"github.com/ipcase/ipcase/internal/metrics"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	logger := logging.NewFromEnv()
	err := run(ctx, logger)
	if err != nil {
		logger.Error("ipcase-gateway exited", zap.Error(err))
	}
	// Not deferred: os.Exit would skip the flush of that last entry.
	stop()
	_ = logger.Sync() // nothing to do about a failed flush at exit
	if err != nil {
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *zap.Logger) error {
	var cfg gateway.Config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	g, err := gateway.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer g.Close() //nolint:errcheck // closing at exit
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	logger.Info("serving", zap.String("addr", lis.Addr().String()), zap.String("upstream", cfg.Upstream),
		zap.Bool("tls", cfg.TLSCert != ""), zap.Strings("cors_origins", cfg.CORSOrigins))
	grp, ctx := errgroup.WithContext(ctx)
	grp.Go(func() error { return g.Serve(ctx, lis) })
	if cfg.MetricsAddr != "" {
		grp.Go(func() error { return metrics.Serve(ctx, cfg.Metrics(), g.MetricsHandler(), logger) })
	}
	return grp.Wait()
}
