// Package chaintest starts the administrative side of the chain — filing,
// enforcement and mediation, with real statutory clocks on the shipped
// holiday calendar — over a fresh test database and a real gRPC server
// with authentication, for the proceedings packages' tests; the judicial
// side's tests serve more over the same database.
//
// The calling test package must run storetest.Main (or Run) in TestMain.
package chaintest

import (
	"testing"
	"time"

	"google.golang.org/grpc"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/customs"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/trial"
)

// Routes are the machines of every kind of proceeding, as ipcased wires
// them.
func Routes() []filing.Route {
	return []filing.Route{enforcement.Machine.Route(), mediation.Machine.Route(), customs.Machine.Route(), trial.Machine.Route(),
		trial.ConfirmationMachine.Route()}
}

// Env is a running administrative side.
type Env struct {
	DB          *store.DB
	Auth        *authtest.Env
	Conn        *grpc.ClientConn
	Filing      ipcasev1.FilingServiceClient
	Enforcement ipcasev1.EnforcementServiceClient
	Mediation   ipcasev1.MediationServiceClient
	Customs     ipcasev1.CustomsServiceClient
	// The stores, shared with the judicial side's tests.
	Log              *events.Log
	Calendar         *deadline.Calendar
	FilingStore      *filing.Store
	Clocks           *clock.Store
	EnforcementStore *enforcement.Store
	MediationStore   *mediation.Store
}

// Start serves the services over a fresh clone of the test database, with
// the clock reading now.
func Start(t testing.TB, now func() time.Time) *Env {
	t.Helper()
	db := storetest.NewDB(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	log := events.NewLog(events.NewEphemeralCheckpoints())
	fs := filing.NewStore(db, log, Routes()...)
	clocks := clock.NewStore(db, cal, log)
	es, ms := enforcement.NewStore(fs), mediation.NewStore(fs)
	env := authtest.New(t)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, now))
		ipcasev1.RegisterEnforcementServiceServer(s, enforcement.NewServer(es, clocks, now, map[string]damages.HearingThresholds{}))
		ipcasev1.RegisterMediationServiceServer(s, mediation.NewServer(ms, clocks, es.Workers, now).WithOpenCases(es.OpenCases).WithWorkersFirst(es.WorkersFirst))
		ipcasev1.RegisterCustomsServiceServer(s, customs.NewServer(customs.NewStore(fs), db, clocks, now))
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(db))
	}, nil, env.ServerOptions()...)
	conn := servertest.Dial(t, addr)
	return &Env{DB: db, Auth: env, Conn: conn, Filing: ipcasev1.NewFilingServiceClient(conn),
		Enforcement: ipcasev1.NewEnforcementServiceClient(conn), Mediation: ipcasev1.NewMediationServiceClient(conn),
		Customs: ipcasev1.NewCustomsServiceClient(conn),
		Log:     log, Calendar: cal, FilingStore: fs, Clocks: clocks, EnforcementStore: es, MediationStore: ms}
}

// Counts returns the number of rows of every table, to prove that a
// refused call wrote nothing.
func (e *Env) Counts(t testing.TB) map[string]int64 {
	t.Helper()
	return storetest.RowCounts(t, e.DB)
}

// Fixed returns a clock that always reads t.
func Fixed(t time.Time) func() time.Time { return func() time.Time { return t } }
