package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/sethvargo/go-envconfig"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/metrics"
	"github.com/ipcase/ipcase/internal/publication"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/similar"
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
	// DecisionKeyDir holds the private keys the side's agencies and courts
	// sign their decisions with (internal/decision.KeyDir).
	DecisionKeyDir string `env:"IPCASE_DECISION_KEY_DIR"`
	Calendar       deadline.Config
	Sweeper        clock.Config
	Trial          trial.Config
	Enforcement    enforcement.Config
	Evidence       evidence.Config
	SignIn         status.Config
	Webhooks       webhook.Config
	Exchange       exchange.Config
	Audit          audit.Config
	// PDF is the font and public address decisions' PDF are rendered with.
	PDF document.Config
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

// Set makes *s the value of the --side flag. The value is checked as the
// command line is parsed, so that a wrong one is a usage error.
func (s *side) Set(v string) error {
	if err := side(v).check(); err != nil {
		return err
	}
	*s = side(v)
	return nil
}

func (s *side) String() string { return string(*s) }
func (s *side) Type() string   { return "string" }

// services are the stores and settings every listener's services and the
// side's consumers share.
type services struct {
	side side
	// cal is the holiday calendar.
	cal *deadline.Calendar
	// log is the event log, signing with the checkpoint key.
	log *events.Log
	// seal signs the access log's seals, with the checkpoint key too.
	seal audit.SealKey
	// decisionKeys holds the private halves of the issuers' decision keys.
	decisionKeys decision.Keyring
	// hearing holds agencies' own hearing thresholds.
	hearing map[string]damages.HearingThresholds
	// The rights holders' services; zero values turn evidence uploads and
	// sign-in links off.
	files       *evidence.Files
	evidenceMax int64
	links       *status.Links
	minter      *status.Minter
	sender      status.Sender
	pageURL     string
	// webhooks is the notification configuration.
	webhooks webhook.Config
	// streams bounds the event streams.
	streams exchange.Config
	// trial is the courts' settings.
	trial trial.Config
	// pdf renders decisions as PDF; nil without a font.
	pdf *document.Renderer

	// evidenceLimits are the uploaders' and matters' quotas, the upload
	// rate and the evidence cleaner's schedule.
	evidenceLimits evidence.Limits

	// The stores, over the primary db; readDB serves the status reads (a
	// read-only replica, or db).
	db, readDB  *store.DB
	filing      *filing.Store
	clocks      *clock.Store
	enforcement *enforcement.Store
	mediation   *mediation.Store
	customs     *customs.Store
	trials      *trial.Store
	// hub is the one listening connection of the process's event streams
	// and consumers, and exchange the event service every listener
	// serves, so that its limits hold for the process.
	hub      *events.Hub
	exchange *exchange.Server
}

// routes are the machines of every kind of proceeding, so that a complaint
// can be routed to them and a matter closed when they have all ended.
func routes() []filing.Route {
	return []filing.Route{enforcement.Machine.Route(), mediation.Machine.Route(), customs.Machine.Route(), trial.Machine.Route(),
		trial.ConfirmationMachine.Route()}
}

// open builds the stores over db and readDB, and the event service.
func (s *services) open(db, readDB *store.DB, logger *zap.Logger) {
	s.db, s.readDB = db, readDB
	s.filing = filing.NewStore(db, s.log, routes()...)
	s.filing.OnCite(evidence.NewStore(db).Cite(s.evidenceLimits, time.Now))
	s.clocks = clock.NewStore(db, s.cal, s.log)
	s.enforcement = enforcement.NewStore(s.filing)
	s.mediation = mediation.NewStore(s.filing)
	s.customs = customs.NewStore(s.filing)
	s.trials = trial.NewStore(s.filing)
	s.hub = events.NewHub(db, logger)
	s.exchange = exchange.NewServer(db, s.filing, s.hub, s.streams)
}

func (s services) register(srv *server.Server) {
	// Both sides serve the matters (courts read the matters they try),
	// the calculators, the audit trail and the event exchange.
	ipcasev1.RegisterFilingServiceServer(srv, filing.NewServer(s.filing, s.cal, time.Now))
	ipcasev1.RegisterDamagesServiceServer(srv, damages.NewServer().WithFinder(similar.NewFinder(similar.NewStore(s.readDB))))
	ipcasev1.RegisterDeadlineServiceServer(srv, deadline.NewServer(s.cal))
	ipcasev1.RegisterAuditServiceServer(srv, audit.NewServer(s.db))
	ipcasev1.RegisterEventServiceServer(srv, s.exchange)
	// The register of published documents is public; reads may come from
	// a replica.
	ipcasev1.RegisterPublicationServiceServer(srv, publication.NewServer(publication.NewStore(s.readDB)))
	// Verification of signed decisions is public too.
	ipcasev1.RegisterDecisionServiceServer(srv, decision.NewServer(decision.NewStore(s.db, s.decisionKeys), time.Now).
		WithDocuments(filing.NewServer(s.filing, s.cal, time.Now), s.pdf))
	if s.side.administrative() {
		ipcasev1.RegisterEnforcementServiceServer(srv, enforcement.NewServer(s.enforcement, s.clocks, time.Now, s.hearing))
		ipcasev1.RegisterMediationServiceServer(srv, mediation.NewServer(s.mediation, s.clocks, s.enforcement.Workers, time.Now).WithOpenCases(s.enforcement.OpenCases).WithWorkersFirst(s.enforcement.WorkersFirst))
		ipcasev1.RegisterCustomsServiceServer(srv, customs.NewServer(s.customs, s.db, s.clocks, time.Now))
		ipcasev1.RegisterEvidenceServiceServer(srv, evidence.NewServer(s.files, evidence.NewStore(s.db), s.evidenceMax, time.Now).WithLimits(s.evidenceLimits))
		ipcasev1.RegisterNotificationServiceServer(srv, webhook.NewServer(webhook.NewStore(s.db), s.webhooks, time.Now))
		// Status reads may come from a replica; what they write (officials'
		// access log, sign-in links) goes to the primary.
		ipcasev1.RegisterStatusServiceServer(srv, status.NewServer(status.Deps{
			Filing: filing.NewServer(s.filing.ReadingFrom(s.readDB), s.cal, time.Now),
			Clocks: clock.NewStore(s.readDB, s.cal, s.log),
			Links:  s.links, Minter: s.minter, Sender: s.sender, PageURL: s.pageURL, Now: time.Now,
		}))
	}
	if s.side.judicial() {
		ipcasev1.RegisterTrialServiceServer(srv, trial.NewServer(s.trials, s.clocks, time.Now))
	}
}

// consumers registers the side's event consumers.
func (s services) consumers(cs *events.Consumers) {
	// Each side signs its own issuers' decisions with their keys.
	decision.Register(cs, s.filing, s.decisionKeys, s.side.administrative(), s.side.judicial(), time.Now)
	if s.side.judicial() {
		trial.Register(cs, s.trials, s.clocks, time.Now, s.trial)
	}
	if s.side.administrative() {
		enforcement.RegisterJudgments(cs, s.enforcement)
		// The administrative side publishes the decisions and judgments it
		// learns of; one consumer, so each is published once.
		publication.Register(cs, s.filing, s.cal, time.Now)
		similar.Register(cs, s.filing)
		webhook.Register(cs, s.filing, time.Now)
		settle := func(tx store.Tx, matterID filing.MatterID, reason string, at time.Time) error {
			return s.enforcement.CloseSettled(tx, s.clocks, matterID, reason, at)
		}
		mediation.RegisterOutcomes(cs, s.mediation, settle, time.Now)
		mediation.RegisterTerms(cs, s.mediation, time.Now)
		enforcement.RegisterResumptions(cs, s.enforcement, time.Now)
		customs.Register(cs, s.customs, s.clocks, time.Now)
	}
}

// storeReading reads, for the metrics, the event log's state and the
// deadlines' counts, with "today" the day now falls on in China.
func storeReading(db *store.DB, clocks *clock.Store, now func() time.Time) func(context.Context) (metrics.Reading, error) {
	return func(ctx context.Context) (metrics.Reading, error) {
		st, err := events.ReadStats(db.Session(ctx))
		if err != nil {
			return metrics.Reading{}, err
		}
		counts, err := clocks.Counts(ctx, civil.Today(now()), metrics.ApproachingWindow)
		if err != nil {
			return metrics.Reading{}, err
		}
		r := metrics.Reading{Position: st.Position, Unstamped: st.Unstamped, Lag: st.Lag}
		for _, c := range counts {
			r.Deadlines = append(r.Deadlines, metrics.DeadlineCounts(c))
		}
		return r, nil
	}
}

func newServeCmd() *cobra.Command {
	var s side
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gRPC services and run the event and deadline tasks (the default)",
		Long: `Serve runs the side's gRPC services on IPCASE_GRPC_ADDR, and on the courts'
mutual-TLS listener at IPCASE_COURT_ADDR when that is set; runs the side's
event consumers; and competes with the other replicas for the two
singletons, the event relay and the deadline sweeper. The gRPC health
service reports NOT_SERVING while the database does not answer. On SIGINT
or SIGTERM it stops, giving calls in flight IPCASE_SHUTDOWN_TIMEOUT.

--side, else IPCASE_SIDE, else all, is what the replica runs: administrative
(filing review, enforcement, mediation, evidence, notifications, the status
page's calls), judicial (trials), or all of it.

Environment (README.md, "Configuration", lists every variable):
  DATABASE_URL                  the case store (required)
  DATABASE_READ_URL             a read-only replica for the status reads
  IPCASE_CHECKPOINT_KEY_FILE    private JWK that signs event-chain heads (required)
  IPCASE_DECISION_KEY_DIR       directory (mode 0700) of the issuers' private decision keys,
                                one 0600 file per key, made by ipcased (required)
  IPCASE_AUTH_JWKS_FILE         public keys of bearer tokens; or IPCASE_AUTH_JWKS_URL
  IPCASE_GRPC_ADDR              public listener, with IPCASE_TLS_CERT, IPCASE_TLS_KEY
  IPCASE_COURT_ADDR             courts' listener (empty: off), with IPCASE_COURT_CA,
                                IPCASE_COURT_TLS_CERT, IPCASE_COURT_TLS_KEY
  IPCASE_GRPC_MAX_HEADER_BYTES  a call's header list limit on both listeners (16384); with
                                IPCASE_GRPC_MAX_CALLS, IPCASE_GRPC_MAX_CALLS_PER_PEER and
                                IPCASE_GRPC_REQUEST_READ_TIMEOUT, what an unauthenticated
                                caller can make ipcased hold
  IPCASE_METRICS_ADDR           /metrics and /debug/pprof/ (empty: off); loopback only
                                unless IPCASE_METRICS_ALLOW_REMOTE=true
  IPCASE_LOG_MODE, IPCASE_LOG_LEVEL, and the other IPCASE_* settings`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), s)
		},
	}
	cmd.Flags().Var(&s, "side", "the services and consumers to run: all, administrative or judicial (default from IPCASE_SIDE, else all)")
	return cmd
}

// runServe serves until ctx ends. A side other than "" overrides
// IPCASE_SIDE. What is wrong with the configuration and the files it names
// is found before anything is logged or opened.
func runServe(ctx context.Context, s side) error {
	cfg, err := readConfig(ctx, s)
	if err != nil {
		return err
	}
	svc, verifier, err := load(ctx, cfg)
	if err != nil {
		return err
	}
	return withLogger(func(logger *zap.Logger) error {
		return serve(ctx, logger, cfg, svc, verifier)
	})
}

// readConfig reads the environment and checks the settings that need no
// file.
func readConfig(ctx context.Context, s side) (config, error) {
	var cfg config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return config{}, fmt.Errorf("reading config: %w", err)
	}
	if s != "" {
		cfg.Side = s
	}
	if err := cfg.Side.check(); err != nil {
		return config{}, fmt.Errorf("IPCASE_SIDE: %w", err)
	}
	if cfg.Server.HealthInterval <= 0 {
		return config{}, fmt.Errorf("IPCASE_HEALTH_INTERVAL: %s must be positive", cfg.Server.HealthInterval)
	}
	if err := cfg.Server.Check(); err != nil {
		return config{}, err
	}
	if err := cfg.Metrics.Check(); err != nil {
		return config{}, fmt.Errorf("IPCASE_METRICS_ADDR: %w (IPCASE_METRICS_ALLOW_REMOTE=true)", err)
	}
	if err := cfg.Webhooks.Check(); err != nil {
		return config{}, err
	}
	if err := cfg.Sweeper.Check(); err != nil {
		return config{}, err
	}
	if err := cfg.Trial.Check(); err != nil {
		return config{}, err
	}
	if err := cfg.SignIn.Check(); err != nil {
		return config{}, err
	}
	if err := cfg.Evidence.Limits.Check(); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// load reads the keys, the holiday calendar and the hearing thresholds the
// configuration names, and returns the services without their databases.
func load(ctx context.Context, cfg config) (services, *auth.Verifier, error) {
	verifier, err := auth.NewVerifier(ctx, cfg.Tokens)
	if err != nil {
		return services{}, nil, err
	}
	svc := services{side: cfg.Side, evidenceMax: cfg.Evidence.MaxBytes, evidenceLimits: cfg.Evidence.Limits, pageURL: cfg.SignIn.PageURL, webhooks: cfg.Webhooks,
		trial: cfg.Trial}
	cp, err := events.LoadCheckpoints(cfg.CheckpointKeyFile)
	if err != nil {
		return services{}, nil, err
	}
	svc.log = events.NewLog(cp)
	if svc.seal, err = audit.LoadSealKey(cfg.CheckpointKeyFile); err != nil {
		return services{}, nil, err
	}
	if cfg.DecisionKeyDir == "" {
		return services{}, nil, errors.New("IPCASE_DECISION_KEY_DIR is required: the directory (mode 0700) ipcased keeps the issuers' private decision keys in")
	}
	if svc.decisionKeys, err = decision.OpenKeyDir(cfg.DecisionKeyDir); err != nil {
		return services{}, nil, fmt.Errorf("IPCASE_DECISION_KEY_DIR: %w", err)
	}
	if svc.cal, err = cfg.Calendar.Load(); err != nil {
		return services{}, nil, err
	}
	if svc.hearing, err = cfg.Enforcement.HearingThresholds(); err != nil {
		return services{}, nil, err
	}
	// A configured font must load; without one, the default is used where
	// it is installed, and decisions' PDF are unavailable where it is not.
	if font, err := document.LoadFont(cfg.PDF); err == nil {
		if svc.pdf, err = document.New(font, cfg.PDF.PublicURL); err != nil {
			return services{}, nil, err
		}
	} else if cfg.PDF.FontPath != "" {
		return services{}, nil, err
	}
	return svc, verifier, nil
}

// serve opens the databases, starts the tasks and the listeners, and waits
// until ctx ends or one of them fails.
func serve(ctx context.Context, logger *zap.Logger, cfg config, svc services, verifier *auth.Verifier) error {
	logger.Info("holiday calendar loaded", zap.Ints("years", svc.cal.Years()), zap.String("calendar_version", svc.cal.Version()))
	db, readDB, err := openDatabases(ctx, cfg.Store, logger)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if readDB != db {
		defer func() { _ = readDB.Close() }()
	}
	svc.streams = cfg.Exchange
	svc.open(db, readDB, logger)
	warnServingRole(ctx, db, logger)
	mx, err := newMetrics(svc, logger)
	if err != nil {
		return err
	}
	if err := svc.rightsHolders(ctx, cfg, verifier); err != nil {
		return err
	}
	logger.Info("running side", zap.String("side", string(cfg.Side)))
	if svc.pdf == nil {
		logger.Warn("no PDF font: decisions are not rendered as PDF; install fonts-arphic-gbsn00lp or set IPCASE_PDF_FONT",
			zap.String("default_font", document.DefaultFont))
	}

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	g, ctx := errgroup.WithContext(ctx)
	startTasks(ctx, g, logger, cfg, svc, mx)
	servers, err := listenAll(ctx, g, logger, cfg, svc, mx, auth.NewAuthenticator(verifier))
	if err != nil {
		// The tasks stop before the databases close under them, so that
		// the error is the last thing ipcased says.
		stop()
		_ = g.Wait()
		return err
	}
	g.Go(func() error { return watchHealth(ctx, logger, cfg.Server.HealthInterval, db, mx, servers) })
	if cfg.Metrics.Addr != "" {
		g.Go(func() error { return metrics.Serve(ctx, cfg.Metrics, mx.Handler(), logger) })
	}
	return g.Wait()
}

// openDatabases opens the primary and, if DATABASE_READ_URL is set, the
// replica the status reads come from; without one, readDB is db.
func openDatabases(ctx context.Context, cfg store.Config, logger *zap.Logger) (db, readDB *store.DB, err error) {
	if db, err = store.Open(ctx, cfg, logger); err != nil {
		return nil, nil, err
	}
	if cfg.ReadURL == "" {
		return db, db, nil
	}
	rcfg := cfg
	rcfg.URL = cfg.ReadURL
	if readDB, err = store.Open(ctx, rcfg, logger); err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("DATABASE_READ_URL: %w", err)
	}
	return db, readDB, nil
}

// newMetrics makes the registry with the databases' pools and statements
// and the case store's gauges.
func newMetrics(svc services, logger *zap.Logger) (*metrics.Metrics, error) {
	mx := metrics.New()
	mx.AlertTo(logger.Named("storage"))
	pools := map[string]*store.DB{"ipcase": svc.db}
	if svc.readDB != svc.db {
		pools["ipcase_read"] = svc.readDB
	}
	for name, db := range pools {
		if err := mx.RegisterPool(db.SQL(), name); err != nil {
			return nil, err
		}
		if err := db.OnStatement(mx.CountStatement); err != nil {
			return nil, err
		}
	}
	mx.Registry().MustRegister(metrics.NewStore(storeReading(svc.db, svc.clocks, time.Now), logger))
	return mx, nil
}

// startTasks starts in g the singletons, the side's event consumers and, on
// the administrative side, the webhook dispatcher.
func startTasks(ctx context.Context, g *errgroup.Group, logger *zap.Logger, cfg config, svc services, mx *metrics.Metrics) {
	// Every side competes for the two singletons; an advisory lock lets
	// exactly one replica of the cluster run each.
	sweeper := clock.NewSweeper(svc.clocks, cfg.Sweeper, logger)
	relay := events.NewRelay(svc.db, logger)
	mx.Leader("sweeper", sweeper.Leading)
	mx.Leader("relay", relay.Leading)
	mx.Failures("sweeper", sweeper.Failures)
	mx.Failures("relay", relay.Failures)
	g.Go(func() error { return sweeper.Run(ctx) })
	g.Go(func() error { return relay.Run(ctx) })
	g.Go(func() error { return audit.NewSealer(svc.db, svc.seal, cfg.Audit, logger).Run(ctx) })
	g.Go(func() error { return svc.hub.Run(ctx) })
	consumers := events.NewConsumers(svc.db, logger)
	consumers.WakeWith(svc.hub)
	svc.consumers(consumers)
	mx.Failures("consumers", consumers.Failures)
	g.Go(func() error { return consumers.Run(ctx) })
	g.Go(func() error { signStates(ctx, svc.filing, logger); return nil })
	if cfg.Side.administrative() && svc.files != nil {
		// The replicas that keep evidence compete for its cleaner.
		cleaner := evidence.NewCleaner(svc.files, evidence.NewStore(svc.db), svc.filing.EvidenceCited, cfg.Evidence.Limits, logger)
		mx.Leader("evidence-cleaner", cleaner.Leading)
		mx.Failures("evidence-cleaner", cleaner.Failures)
		g.Go(func() error { return cleaner.Run(ctx) })
	}
	if cfg.Side.administrative() {
		dispatcher := webhook.NewDispatcher(svc.db, cfg.Webhooks, time.Now, logger)
		mx.Failures("webhook-dispatcher", dispatcher.Failures)
		g.Go(func() error { return dispatcher.Run(ctx) })
	}
}

// signStates signs, once, the state of the matters whose chain heads
// were signed before heads carried it (migration 000013), so that their
// verification covers it too. A failure is logged; the next start tries
// again.
func signStates(ctx context.Context, fs *filing.Store, logger *zap.Logger) {
	n, err := fs.SignStates(ctx, time.Now())
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Warn("signing the state of matters into their histories failed", zap.Int("matters", n), zap.Error(err))
	case n > 0:
		logger.Info("signed the state of matters whose histories carried none", zap.Int("matters_found", n))
	}
}

// listenAll starts the public listener and, if IPCASE_COURT_ADDR is set,
// the courts' mutual-TLS listener, and returns their servers.
func listenAll(ctx context.Context, g *errgroup.Group, logger *zap.Logger, cfg config, svc services, mx *metrics.Metrics, authn *auth.Authenticator) ([]*server.Server, error) {
	// The admission gate tells signed-in callers from anonymous ones as
	// their headers arrive (server.Config.Vouch).
	cfg.Server.Vouch = authn.Caller
	// Metrics see every call, refused ones included, so they come before
	// authentication.
	authOpts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(mx.UnaryInterceptor(), authn.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(mx.StreamInterceptor(), authn.StreamInterceptor()),
	}
	publicTLS, err := cfg.TLS.ServerTLS()
	if err != nil {
		return nil, err
	}
	opts := slices.Clone(authOpts)
	if publicTLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(publicTLS)))
	}
	srv, err := listen(ctx, g, logger, cfg.Server, cfg.Server.Addr, svc, opts, "public")
	if err != nil {
		return nil, err
	}
	servers := []*server.Server{srv}
	if cfg.CourtAddr == "" {
		return servers, nil
	}
	courtTLS, err := cfg.TLS.CourtTLS()
	if err != nil {
		return nil, err
	}
	opts = append(slices.Clone(authOpts), grpc.Creds(credentials.NewTLS(courtTLS)))
	if srv, err = listen(ctx, g, logger, cfg.Server, cfg.CourtAddr, svc, opts, "court"); err != nil {
		return nil, err
	}
	return append(servers, srv), nil
}

// watchHealth pings the database every interval until ctx ends and sets
// the servers' health, and ipcase_database_up, from the answer.
func watchHealth(ctx context.Context, logger *zap.Logger, interval time.Duration, db *store.DB, mx *metrics.Metrics, servers []*server.Server) error {
	server.WatchHealth(ctx, interval, db.Ping, func(ok bool, err error) {
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
}

// rightsHolders opens the evidence store and the sign-in key, when they
// are configured. A sign-in key whose sessions the server would refuse, or
// that the server would let sign anything but sessions, stops the start;
// so does a sign-in key with no way to deliver links to the parties.
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
		outbox, err := status.OpenOutbox(cfg.SignIn.OutboxDir)
		if err != nil {
			return err
		}
		s.links, s.minter, s.sender = status.NewLinks(s.db), m, outbox
	}
	return nil
}

// listen starts a gRPC server with the side's services on addr, stopped
// gracefully when ctx ends.
func listen(ctx context.Context, g *errgroup.Group, logger *zap.Logger, cfg server.Config, addr string, svc services, opts []grpc.ServerOption, name string) (*server.Server, error) {
	srv := server.New(cfg, logger, opts...)
	svc.register(srv)
	lis, err := new(net.ListenConfig).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	logger.Info("serving", zap.String("listener", name), zap.String("addr", lis.Addr().String()))
	g.Go(func() error { return srv.Serve(ctx, lis) })
	return srv, nil
}
