package exchange_test

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestSubscribeComparesForumsByKind: agency and court codes are separate
// namespaces. An officer whose agency is coded 京73 sees nothing of a
// matter tried before the court 京73, and a court whose code is SAMR-HZ
// nothing of the matters filed with or routed to the agency SAMR-HZ; each
// sees the one matter that is its own.
func TestSubscribeComparesForumsByKind(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 20)
	eventstest.Relay(t, db)
	env := authtest.New(t)
	reg := register(t, db)
	plain := servertest.Start(t, reg, env.ServerOptions()...)
	tlsCfg, serverCAs := env.ServerTLS(t)
	courtAddr := servertest.Serve(t, reg, tlsCfg, env.ServerOptions()...)
	court := servertest.Dial(t, courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		RootCAs: serverCAs, Certificates: []tls.Certificate{env.CourtCert(t, "SAMR-HZ")}})))

	tried := eventstest.Matter(t, db, "SAMR-HZ", "京73")          // filed with the agency SAMR-HZ, tried by the court 京73
	mediated := eventstest.Mediated(t, db, "SAMR-SH", "SAMR-HZ") // mediated by the agency SAMR-HZ
	if err := eventstest.Append(ctx, db, tried, events.Record{Type: events.TrialDocketed, Payload: events.DocketedPayload{Court: "京73"}}); err != nil {
		t.Fatal(err)
	}
	// Last in the log, one matter of each: filed with an agency coded 京73,
	// and tried by a court coded SAMR-HZ.
	agencyOwn := eventstest.Matter(t, db, "京73")
	courtOwn := eventstest.Matter(t, db, "SAMR-GZ", "SAMR-HZ")
	name := map[string]string{tried: "tried", mediated: "mediated", agencyOwn: "agency's own", courtOwn: "court's own"}
	eventstest.Eventually(t, 30*time.Second, "every event positioned", func() bool {
		last, err := events.LastPosition(db.Session(ctx))
		return err == nil && last == 5
	})

	for _, tt := range []struct {
		name  string
		sink  func() *sink
		wants []string
	}{
		{"officer of the agency coded 京73", func() *sink {
			return subscribe(authtest.WithToken(ctx, env.Officer(t, "京73")), t, plain, nil)
		}, []string{"agency's own complaint.submitted"}},
		{"mediator of the agency coded 京73", func() *sink {
			return subscribe(authtest.WithToken(ctx, env.Mediator(t, "京73")), t, plain, nil)
		}, []string{"agency's own complaint.submitted"}},
		{"court coded SAMR-HZ", func() *sink { return subscribe(ctx, t, court, nil) }, []string{"court's own complaint.submitted"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range tt.sink().waitFor(t, len(tt.wants)) {
				got = append(got, name[matterOf(r)]+" "+r.GetEvent().GetType())
			}
			if diff := cmp.Diff(tt.wants, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
