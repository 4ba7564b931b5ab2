package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"slices"
	"time"

	"github.com/sethvargo/go-envconfig"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/store"
)

type config struct {
	Store  store.Config
	Server server.Config
	Tokens auth.TokenConfig
	TLS    auth.TLSConfig
	// CourtAddr is the mutual-TLS listener for courts; empty disables it.
	CourtAddr string `env:"IPCASE_COURT_ADDR"`
	// CheckpointKeyFile is the private Ed25519 JWK that signs event-chain
	// heads.
	CheckpointKeyFile string `env:"IPCASE_CHECKPOINT_KEY_FILE, required"`
}

// services are what every listener serves.
type services struct {
	db *gorm.DB
	cp *events.Checkpoints
}

func (s services) register(srv *server.Server) {
	ipcasev1.RegisterFilingServiceServer(srv, filing.NewServer(filing.NewStore(s.db, s.cp), time.Now))
	ipcasev1.RegisterDamagesServiceServer(srv, damages.NewServer())
	ipcasev1.RegisterAuditServiceServer(srv, audit.NewServer(s.db))
}

func serve(ctx context.Context, logger *zap.Logger) error {
	var cfg config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	verifier, err := auth.NewVerifier(ctx, cfg.Tokens)
	if err != nil {
		return err
	}
	authn := auth.NewAuthenticator(verifier)
	cp, err := loadCheckpoints(cfg.CheckpointKeyFile)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Store, logger)
	if err != nil {
		return err
	}
	defer store.Close(db)
	svc := services{db: db, cp: cp}
	authOpts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(authn.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(authn.StreamInterceptor()),
	}

	g, ctx := errgroup.WithContext(ctx)
	publicTLS, err := cfg.TLS.ServerTLS()
	if err != nil {
		return err
	}
	opts := slices.Clone(authOpts)
	if publicTLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(publicTLS)))
	}
	if err := listen(ctx, g, logger, cfg.Server, cfg.Server.Addr, svc, opts, "public"); err != nil {
		return err
	}
	if cfg.CourtAddr != "" {
		courtTLS, err := cfg.TLS.CourtTLS()
		if err != nil {
			return err
		}
		opts := append(slices.Clone(authOpts), grpc.Creds(credentials.NewTLS(courtTLS)))
		if err := listen(ctx, g, logger, cfg.Server, cfg.CourtAddr, svc, opts, "court"); err != nil {
			return err
		}
	}
	return g.Wait()
}

// listen starts a gRPC server with every service on addr, stopped
// gracefully when ctx ends.
func listen(ctx context.Context, g *errgroup.Group, logger *zap.Logger, cfg server.Config, addr string, svc services, opts []grpc.ServerOption, name string) error {
	srv := server.New(cfg, logger, opts...)
	svc.register(srv)
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	logger.Info("serving", zap.String("listener", name), zap.String("addr", lis.Addr().String()))
	g.Go(func() error { return srv.Serve(ctx, lis) })
	return nil
}

func loadCheckpoints(path string) (*events.Checkpoints, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key: %w", err)
	}
	var k auth.JWK
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	priv, err := k.SigningKey()
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	return events.NewCheckpoints(k.Kid, priv, map[string]ed25519.PublicKey{})
}
