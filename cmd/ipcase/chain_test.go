package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/civil"
	clockstore "github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/similar"
	"github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/trial"
)

// chain is ipcased with both sides, as `ipcased serve` wires them: the
// officials' listener (bearer tokens: filing, evidence, enforcement,
// mediation, status, damages with similar cases, audit) and the courts' listener (mutual TLS:
// trial and the matters), over one database, on a clock the test moves,
// with the deadline sweep and the event consumers of both sides run by the
// test (pump), and court
// certificates written as `ipcased dev certs` writes them.
type chain struct {
	t         *testing.T
	auth      *authtest.Env
	db        *store.DB
	addr      string // officials
	courtAddr string // courts, mutual TLS
	certs     string // ca.pem and {court}.pem, {court}-key.pem
	today     atomic.Pointer[time.Time]
	consumers []*events.Consumer
	sweeper   *clockstore.Sweeper
	filed     atomic.Int64 // complaints filed by fileAs, each with facts of its own
}

func newChain(t *testing.T, day string) *chain {
	t.Helper()
	e := &chain{t: t, auth: authtest.New(t), db: storetest.NewDB(t), certs: t.TempDir()}
	e.setDay(day)
	now := func() time.Time { return *e.today.Load() }
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files, err := evidence.OpenFiles(filepath.Join(t.TempDir(), "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	log := events.NewLog(events.NewEphemeralCheckpoints())
	fs := filing.NewStore(e.db, log, chaintest.Routes()...)
	clocks := clockstore.NewStore(e.db, cal, log)
	es, ms, ts := enforcement.NewStore(fs), mediation.NewStore(fs), trial.NewStore(fs)
	common := func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, now))
		ipcasev1.RegisterDamagesServiceServer(s, damages.NewServer().WithFinder(similar.NewFinder(similar.NewStore(e.db)).WithClock(now)))
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(e.db))
		ipcasev1.RegisterStatusServiceServer(s, status.NewServer(status.Deps{Filing: filing.NewServer(fs, cal, now), Clocks: clocks, Now: now}))
	}
	e.addr = servertest.Serve(t, func(s *server.Server) {
		common(s)
		ipcasev1.RegisterEvidenceServiceServer(s, evidence.NewServer(files, evidence.NewStore(e.db), 0, now))
		ipcasev1.RegisterEnforcementServiceServer(s, enforcement.NewServer(es, clocks, now, map[string]damages.HearingThresholds{}))
		ipcasev1.RegisterMediationServiceServer(s, mediation.NewServer(ms, clocks, es.Workers, now))
	}, nil, e.auth.ServerOptions()...)
	tlsCfg, _ := e.auth.ServerTLS(t)
	e.courtAddr = servertest.Serve(t, func(s *server.Server) {
		common(s)
		ipcasev1.RegisterTrialServiceServer(s, trial.NewServer(ts, clocks, now))
	}, tlsCfg, e.auth.ServerOptions()...)
	e.write("ca.pem", e.auth.CA.CertPEM())

	e.sweeper = clockstore.NewSweeper(clocks, clockstore.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop())
	cs := events.NewConsumers(e.db, zap.NewNop())
	tc := trial.Register(cs, ts, clocks, now, trial.Config{AppealPostingDays: 7})
	settle := func(tx store.Tx, matterID filing.MatterID, reason string, at time.Time) error {
		return es.CloseSettled(tx, clocks, matterID, reason, at)
	}
	e.consumers = []*events.Consumer{tc.Transfers, tc.Routed, tc.Effective, tc.Confirmations,
		enforcement.RegisterJudgments(cs, es), mediation.RegisterOutcomes(cs, ms, settle, now), similar.Register(cs, fs)}
	return e
}

func (e *chain) write(name string, b []byte) string {
	e.t.Helper()
	path := filepath.Join(e.certs, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// courtFlags writes a client certificate for court code and returns the
// flags that call as that court: --server, --cert, --key, --tls-ca.
func (e *chain) courtFlags(code string) []string {
	e.t.Helper()
	now := time.Now()
	c, err := e.auth.CA.IssueCourt(code, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	return []string{"--server", e.courtAddr, "--cert", e.write(code+".pem", c.CertPEM()), "--key", e.write(code+"-key.pem", c.KeyPEM()),
		"--tls-ca", filepath.Join(e.certs, "ca.pem")}
}

// setDay moves the server's clock to 10:00 China time on day.
func (e *chain) setDay(day string) {
	e.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, civil.China)
	if err != nil {
		e.t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	e.today.Store(&d)
}

// pump sweeps the deadlines on the test's day, then stamps the log and
// runs every consumer until nothing is left, as ipcased's sweeper, relay
// and consumers do in the background.
func (e *chain) pump() {
	e.t.Helper()
	if _, err := e.sweeper.SweepOnce(e.t.Context(), *e.today.Load()); err != nil {
		e.t.Fatal(err)
	}
	for range 10 {
		if _, err := events.Stamp(e.t.Context(), e.db, 10000); err != nil {
			e.t.Fatal(err)
		}
		total := 0
		for _, c := range e.consumers {
			n, err := c.ConsumeOnce(e.t.Context())
			if err != nil {
				e.t.Fatalf("consumer %s: %v", c.Name(), err)
			}
			total += n
		}
		if total == 0 {
			return
		}
	}
	e.t.Fatal("consumers did not settle")
}

// user is someone at the CLI with a config file of their own.
type user struct {
	e      *chain
	config string
}

func (e *chain) user() *user {
	return &user{e: e, config: filepath.Join(e.t.TempDir(), "config.json")}
}

// run runs ipcase as u.
func (u *user) run(args ...string) result {
	u.e.t.Helper()
	return (&session{config: u.config}).run(u.e.t, "", args...)
}

// must runs ipcase as u, which must succeed, and returns its output.
func (u *user) must(args ...string) string {
	u.e.t.Helper()
	r := u.run(args...)
	if r.code != exitOK {
		u.e.t.Fatalf("ipcase %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// read runs ipcase as u with -o json, which must succeed, and reads the
// record it prints into out.
func (u *user) read(out proto.Message, args ...string) {
	u.e.t.Helper()
	s := u.must(append(args, "-o", "json")...)
	// matters show adds what is due next to the matter.
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal([]byte(s), out); err != nil {
		u.e.t.Fatalf("ipcase %s: %v in %q", strings.Join(args, " "), err, s)
	}
}
