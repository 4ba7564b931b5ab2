package main

import (
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/store"
)

// newServices builds the services of side as load and serve do, over a
// pool that is never opened: building and registering the services must
// not touch the database, so the lists of methods need none.
func newServices(t *testing.T, sd side) services {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	svc := services{side: sd, cal: cal, log: events.NewLog(events.NewEphemeralCheckpoints())}
	db := &store.DB{}
	svc.open(db, db, zap.NewNop())
	return svc
}

// TestEveryMethodHasAPolicy builds the server exactly as serve does and
// fails if any method it registers is missing from the access policy,
// which would leave it refused for everyone (deny by default) — or, worse,
// make someone add it in a hurry.
func TestEveryMethodHasAPolicy(t *testing.T) {
	t.Parallel()
	srv := server.New(server.Config{MaxRecvBytes: 1 << 20}, zap.NewNop())
	newServices(t, sideAll).register(srv)
	var checked []string
	for name, info := range srv.GetServiceInfo() {
		for _, m := range info.Methods {
			full := "/" + name + "/" + m.Name
			checked = append(checked, full)
			if !auth.HasPolicy(full) {
				t.Errorf("%s has no entry in the access policy (internal/auth/policy.go)", full)
			}
		}
	}
	for _, must := range []string{"/ipcase.v1.FilingService/SubmitComplaint", "/ipcase.v1.DamagesService/CalculateDamages",
		"/ipcase.v1.EnforcementService/DecidePenalty", "/ipcase.v1.MediationService/RequestConfirmation",
		"/ipcase.v1.AuditService/ListAccessLog", "/grpc.health.v1.Health/Check"} {
		if !strings.Contains(strings.Join(checked, " "), must) {
			t.Errorf("%s was not registered; the test is not looking at the real server", must)
		}
	}
}

// TestSidesServeTheirServices builds the server of each side as serve does
// and lists what it serves: an agency's replicas run no trials, a court's
// run no enforcement, and both serve the shared record and calculators.
func TestSidesServeTheirServices(t *testing.T) {
	t.Parallel()
	shared := []string{"ipcase.v1.FilingService", "ipcase.v1.DamagesService", "ipcase.v1.DeadlineService",
		"ipcase.v1.AuditService", "ipcase.v1.EventService", "grpc.health.v1.Health"}
	admin := []string{"ipcase.v1.EnforcementService", "ipcase.v1.MediationService", "ipcase.v1.EvidenceService",
		"ipcase.v1.NotificationService", "ipcase.v1.StatusService"}
	judicial := []string{"ipcase.v1.TrialService"}
	for _, c := range []struct {
		side     side
		want     [][]string
		wantNone [][]string
	}{
		{sideAll, [][]string{shared, admin, judicial}, nil},
		{sideAdministrative, [][]string{shared, admin}, [][]string{judicial}},
		{sideJudicial, [][]string{shared, judicial}, [][]string{admin}},
	} {
		srv := server.New(server.Config{MaxRecvBytes: 1 << 20}, zap.NewNop())
		newServices(t, c.side).register(srv)
		info := srv.GetServiceInfo()
		for _, names := range c.want {
			for _, n := range names {
				if _, ok := info[n]; !ok {
					t.Errorf("side %s does not serve %s", c.side, n)
				}
			}
		}
		for _, names := range c.wantNone {
			for _, n := range names {
				if _, ok := info[n]; ok {
					t.Errorf("side %s serves %s", c.side, n)
				}
			}
		}
	}
	if err := side("court").check(); err == nil {
		t.Error("side court was accepted")
	}
}
