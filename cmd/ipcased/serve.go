package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"flag"
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
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/metrics"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/trial"
	"github.com/ipcase/ipcase/internal/webhook"
)

type config struct {
	// Side is which services and consumers this replica runs; the --side
	// flag overrides it.
	Side    side `env:"IPCASE_SIDE, default=all"`
	Store   store.Config
	Server  server.Config
	Metrics metrics.Config
	Tokens  auth.TokenConfig
	TLS     auth.TLSConfig
	// CourtAddr is the mutual-TLS listener for courts; empty disables it.
	CourtAddr string `env:"IPCASE_COURT_ADDR"`
	// CheckpointKeyFile is the private Ed25519 JWK that signs event-chain
	// heads.
	CheckpointKeyFile string `env:"IPCASE_CHECKPOINT_KEY_FILE, required"`
	Deadlines         deadline.Config
	Enforcement       enforcement.Config
	Evidence          evidence.Config
	SignIn            status.Config
	Webhooks          webhook.Config
}

// side is the part of the system a replica runs (DESIGN.md): an agency
// and a court can each run their own replicas over the shared store.
type side string

const (
	sideAll            side = "all"
	sideAdministrative side = "administrative"
	sideJudicial       side = "judicial"
)

// administrative reports whether s runs filing's review, enforcement,
// mediation, evidence, notifications and the status page's calls, and
// consumes effective judgments and the courts' answers to confirmation
// requests.
func (s side) administrative() bool { return s == sideAll || s == sideAdministrative }

// judicial reports whether s runs trials and consumes transfers, routed
// filings, confirmation requests and missed appeal periods.
func (s side) judicial() bool { return s == sideAll || s == sideJudicial }

func (s side) check() error {
	switch s {
	case sideAll, sideAdministrative, sideJudicial:
		return nil
	}
	return fmt.Errorf("side %q: want all, administrative or judicial", string(s))
}

// services are what every listener serves.
type services struct {
	side side
	db   *gorm.DB
	// readDB serves the status reads: a read-only replica, or db.
	readDB *gorm.DB
	cp     *events.Checkpoints
	// cal is the holiday calendar.
	cal *deadline.Calendar
	// hearing holds agencies' own hearing thresholds.
	hearing map[string]damages.HearingThresholds
	// The rights holders' services; zero values turn evidence uploads and
	// sign-in links off.
	files       *evidence.Files
	evidenceMax int64
	links       *status.Links
	minter      *status.Minter
	pageURL     string
	// webhooks is the notification configuration.
	webhooks webhook.Config
}

func (s services) register(srv *server.Server) {
	fs := filing.NewStore(s.db, s.cp)
	dl := deadline.NewStore(s.db, s.cal, s.cp)
	clock := deadline.NewClock(dl)
	filingSrv := filing.NewServer(fs, time.Now)
	// Both sides serve the matters (courts read the matters they try),
	// the calculators, the audit trail and the event exchange.
	ipcasev1.RegisterFilingServiceServer(srv, filingSrv)
	ipcasev1.RegisterDamagesServiceServer(srv, damages.NewServer())
	ipcasev1.RegisterDeadlineServiceServer(srv, deadline.NewServer(s.cal))
	ipcasev1.RegisterAuditServiceServer(srv, audit.NewServer(s.db))
	ipcasev1.RegisterEventServiceServer(srv, exchange.NewServer(s.db))
	if s.side.administrative() {
		ipcasev1.RegisterEnforcementServiceServer(srv, enforcement.NewServer(enforcement.NewStore(s.db, fs), clock, time.Now, s.hearing))
		ipcasev1.RegisterMediationServiceServer(srv, mediation.NewServer(mediation.NewStore(s.db, fs), clock, enforcement.Workers, time.Now))
		ipcasev1.RegisterEvidenceServiceServer(srv, evidence.NewServer(s.files, evidence.NewStore(s.db), s.evidenceMax, time.Now))
		ipcasev1.RegisterNotificationServiceServer(srv, webhook.NewServer(webhook.NewStore(s.db), s.webhooks.AllowHTTP, time.Now))
		// Status reads may come from a replica; what they write (officials'
		// access log, sign-in links) goes to the primary.
		ipcasev1.RegisterStatusServiceServer(srv, status.NewServer(status.Deps{
			Filing:    filing.NewServer(fs.ReadingFrom(s.readDB), time.Now),
			Deadlines: deadline.NewStore(s.readDB, s.cal, s.cp),
			Links:     s.links, Minter: s.minter, PageURL: s.pageURL, Now: time.Now,
		}))
	}
	if s.side.judicial() {
		ipcasev1.RegisterTrialServiceServer(srv, trial.NewServer(trial.NewStore(s.db, fs), clock, time.Now))
	}
}

// consumers registers the side's event consumers.
func (s services) consumers(cs *events.Consumers) {
	fs := filing.NewStore(s.db, s.cp)
	if s.side.judicial() {
		trial.RegisterJudicial(cs, trial.NewStore(s.db, fs), time.Now)
	}
	if s.side.administrative() {
		trial.RegisterJudgments(cs)
		webhook.Register(cs, time.Now)
		clock := deadline.NewClock(deadline.NewStore(s.db, s.cal, s.cp))
		mediation.RegisterOutcomes(cs, mediation.NewStore(s.db, fs), enforcement.CloseSettled(enforcement.NewStore(s.db, fs), clock), time.Now)
	}
}

func serve(ctx context.Context, logger *zap.Logger, args []string) error {
	var cfg config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.Func("side", "the services and consumers to run: all, administrative or judicial (IPCASE_SIDE)", func(v string) error {
		cfg.Side = side(v)
		return nil
	})
	if err := fl.Parse(args); err != nil {
		return err
	}
	if err := cfg.Side.check(); err != nil {
		return err
	}
	if cfg.Server.HealthInterval <= 0 {
		return fmt.Errorf("IPCASE_HEALTH_INTERVAL: %s must be positive", cfg.Server.HealthInterval)
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
	cal, err := cfg.Deadlines.Load()
	if err != nil {
		return err
	}
	logger.Info("holiday calendar loaded", zap.Ints("years", cal.Years()), zap.String("calendar_version", cal.Version()))
	db, err := store.Open(ctx, cfg.Store, logger)
	if err != nil {
		return err
	}
	defer store.Close(db)
	mx := metrics.New()
	if err := mx.InstrumentDB(db, "ipcase"); err != nil {
		return err
	}
	mx.Registry().MustRegister(metrics.NewStore(db, logger))
	readDB := db
	if cfg.Store.ReadURL != "" {
		rcfg := cfg.Store
		rcfg.URL = cfg.Store.ReadURL
		if readDB, err = store.Open(ctx, rcfg, logger); err != nil {
			return fmt.Errorf("DATABASE_READ_URL: %w", err)
		}
		defer store.Close(readDB)
		if err := mx.InstrumentDB(readDB, "ipcase_read"); err != nil {
			return err
		}
	}
	svc := services{side: cfg.Side, db: db, readDB: readDB, cp: cp, evidenceMax: cfg.Evidence.MaxBytes, pageURL: cfg.SignIn.PageURL, webhooks: cfg.Webhooks}
	if err := cfg.Webhooks.Check(); err != nil {
		return err
	}
	if err := svc.rightsHolders(ctx, cfg, verifier); err != nil {
		return err
	}
	svc.cal = cal
	if svc.hearing, err = cfg.Enforcement.HearingThresholds(); err != nil {
		return err
	}
	logger.Info("running side", zap.String("side", string(cfg.Side)))
	// Metrics see every call, refused ones included, so they come before
	// authentication.
	authOpts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(mx.UnaryInterceptor(), authn.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(mx.StreamInterceptor(), authn.StreamInterceptor()),
	}

	g, ctx := errgroup.WithContext(ctx)
	// Every side competes for the two singletons; an advisory lock lets
	// exactly one replica of the cluster run each.
	sweeper := deadline.NewSweeper(deadline.NewStore(db, cal, cp), cfg.Deadlines, logger)
	relay := events.NewRelay(db, cfg.Store.URL, logger)
	mx.Leader("sweeper", sweeper.Leading)
	mx.Leader("relay", relay.Leading)
	g.Go(func() error { return sweeper.Run(ctx) })
	g.Go(func() error { return relay.Run(ctx) })
	consumers := events.NewConsumers(db, cfg.Store.URL, logger)
	svc.consumers(consumers)
	g.Go(func() error { return consumers.Run(ctx) })
	if cfg.Side.administrative() {
		g.Go(func() error { return webhook.NewDispatcher(db, cfg.Webhooks, time.Now, logger).Run(ctx) })
	}
	publicTLS, err := cfg.TLS.ServerTLS()
	if err != nil {
		return err
	}
	opts := slices.Clone(authOpts)
	if publicTLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(publicTLS)))
	}
	servers := []*server.Server{}
	srv, err := listen(ctx, g, logger, cfg.Server, cfg.Server.Addr, svc, opts, "public")
	if err != nil {
		return err
	}
	servers = append(servers, srv)
	if cfg.CourtAddr != "" {
		courtTLS, err := cfg.TLS.CourtTLS()
		if err != nil {
			return err
		}
		opts := append(slices.Clone(authOpts), grpc.Creds(credentials.NewTLS(courtTLS)))
		srv, err := listen(ctx, g, logger, cfg.Server, cfg.CourtAddr, svc, opts, "court")
		if err != nil {
			return err
		}
		servers = append(servers, srv)
	}
	g.Go(func() error {
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		server.WatchHealth(ctx, cfg.Server.HealthInterval, sqlDB.PingContext, func(ok bool, err error) {
			mx.DatabaseUp(ok)
			if ok {
				logger.Info("database reachable: serving")
			} else {
				logger.Error("database unreachable: health is NOT_SERVING until it answers", zap.Error(err))
			}
			for _, s := range servers {
				s.SetServing(ok)
			}
		})
		return nil
	})
	if cfg.Metrics.Addr != "" {
		g.Go(func() error { return metrics.Serve(ctx, cfg.Metrics.Addr, mx.Handler(), logger) })
	}
	return g.Wait()
}

// rightsHolders opens the evidence store and the sign-in key, when they
// are configured; a sign-in key whose tokens the server would refuse stops
// the start.
func (s *services) rightsHolders(ctx context.Context, cfg config, v *auth.Verifier) error {
	if cfg.Evidence.Dir != "" {
		files, err := evidence.OpenFiles(cfg.Evidence.Dir)
		if err != nil {
			return err
		}
		s.files = files
	}
	if cfg.SignIn.KeyFile != "" {
		m, err := status.NewMinter(cfg.SignIn.KeyFile, cfg.Tokens.Issuer, cfg.Tokens.Audience, cfg.SignIn.TokenTTL)
		if err != nil {
			return err
		}
		if err := m.Check(ctx, v); err != nil {
			return err
		}
		s.links, s.minter = status.NewLinks(s.db), m
	}
	return nil
}

// listen starts a gRPC server with the side's services on addr, stopped
// gracefully when ctx ends.
func listen(ctx context.Context, g *errgroup.Group, logger *zap.Logger, cfg server.Config, addr string, svc services, opts []grpc.ServerOption, name string) (*server.Server, error) {
	srv := server.New(cfg, logger, opts...)
	svc.register(srv)
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	logger.Info("serving", zap.String("listener", name), zap.String("addr", lis.Addr().String()))
	g.Go(func() error { return srv.Serve(ctx, lis) })
	return srv, nil
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
