// Package proceedingtest starts the administrative side — filing,
// enforcement and mediation, with real statutory clocks on the shipped
// holiday calendar — over a fresh test database and a real gRPC server with
// authentication, for the proceedings packages' tests.
package proceedingtest

import (
	"testing"
	"time"

	"google.golang.org/grpc"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// Env is a running administrative side.
type Env struct {
	DB          *gorm.DB
	Auth        *authtest.Env
	Conn        *grpc.ClientConn
	Filing      ipcasev1.FilingServiceClient
	Enforcement ipcasev1.EnforcementServiceClient
	Mediation   ipcasev1.MediationServiceClient
	Deadlines   *deadline.Store
	// Shared with the judicial side's tests, which serve more over the
	// same database.
	Checkpoints *events.Checkpoints
	FilingStore *filing.Store
	Clock       *deadline.Clock
}

// Start serves the services over a fresh clone of the test database, with
// the clock reading now. The caller's TestMain must run storetest.Main.
func Start(t testing.TB, now func() time.Time) *Env {
	t.Helper()
	db := storetest.NewDB(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cp := events.NewEphemeralCheckpoints()
	fs := filing.NewStore(db, cp)
	dl := deadline.NewStore(db, cal, cp)
	clock := deadline.NewClock(dl)
	env := authtest.New(t)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, now))
		ipcasev1.RegisterEnforcementServiceServer(s, enforcement.NewServer(enforcement.NewStore(db, fs), clock, now,
			map[string]damages.HearingThresholds{}))
		ipcasev1.RegisterMediationServiceServer(s, mediation.NewServer(mediation.NewStore(db, fs), clock, enforcement.Workers, now))
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(db))
	}, nil, env.ServerOptions()...)
	conn := servertest.Dial(t, addr)
	return &Env{DB: db, Auth: env, Conn: conn, Filing: ipcasev1.NewFilingServiceClient(conn),
		Enforcement: ipcasev1.NewEnforcementServiceClient(conn), Mediation: ipcasev1.NewMediationServiceClient(conn), Deadlines: dl,
		Checkpoints: cp, FilingStore: fs, Clock: clock}
}

// Counts returns the number of rows of the tables a change writes, to
// prove that a refused call wrote nothing.
func (e *Env) Counts(t testing.TB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"matters", "proceedings", "events", "event_heads", "enforcement_cases", "mediation_cases",
		"trial_cases", "trial_sources", "court_number_counters", "deadlines", "decision_counters", "infringement_records", "idempotency_keys", "evidence"} {
		var n int64
		if err := e.DB.Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// Fixed returns a clock that always reads t.
func Fixed(t time.Time) func() time.Time { return func() time.Time { return t } }
