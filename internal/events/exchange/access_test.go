package exchange_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestSubscribeAccess checks what each caller's stream carries: a court
// over mutual TLS sees the matters before it and the hand-offs addressed
// to it, an officer the matters filed with or routed to the agency, an
// administrator everything, each narrowed to the types asked for; rights
// holders and bad requests are refused.
func TestSubscribeAccess(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 20)
	eventstest.Relay(t, db)
	env := authtest.New(t)
	// One server on both listeners, as ipcased serves it.
	reg := register(t, db)
	plain := servertest.Start(t, reg, env.ServerOptions()...)
	tlsCfg, serverCAs := env.ServerTLS(t)
	courtAddr := servertest.Serve(t, reg, tlsCfg, env.ServerOptions()...)
	court := servertest.Dial(t, courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		RootCAs: serverCAs, Certificates: []tls.Certificate{env.CourtCert(t, "京73")}})))

	tried := eventstest.Matter(t, db, "SAMR-HZ", "京73")          // before the court
	transferred := eventstest.Matter(t, db, "SAMR-SZ")           // transferred to it
	elsewhere := eventstest.Matter(t, db, "SAMR-SZ", "粤73")      // before another court; its agreement sent to 京73
	mediated := eventstest.Mediated(t, db, "SAMR-SH", "SAMR-HZ") // filed elsewhere, routed to SAMR-HZ
	name := map[string]string{tried: "tried", transferred: "transferred", elsewhere: "elsewhere", mediated: "mediated"}
	for _, e := range []struct {
		matter string
		rec    events.Record
	}{
		{tried, events.Record{Type: events.TrialDocketed, Payload: events.DocketedPayload{Court: "京73"}}},
		{transferred, events.Record{Type: events.EnforcementTransferredCourt, Payload: events.TransferDossier{Recipient: "京73"}}},
		{transferred, events.Record{Type: events.EnforcementClosed, Payload: events.EnforcementClosedPayload{Reason: "transferred"}}},
		{elsewhere, events.Record{Type: events.EnforcementTransferredCourt, Payload: events.TransferDossier{Recipient: "粤73"}}},
		{elsewhere, events.Record{Type: events.MediationConfirmationRequested, Payload: events.ConfirmationRequest{Court: "京73"}}},
		{mediated, events.Record{Type: events.MediationRequested, Payload: events.MediationRequestedPayload{Forum: "SAMR-HZ"}}},
	} {
		if err := eventstest.Append(ctx, db, e.matter, e.rec); err != nil {
			t.Fatal(err)
		}
	}
	// Last in the log: the one matter of SAMR-GZ, which sees nothing else.
	own := eventstest.Matter(t, db, "SAMR-GZ")
	name[own] = "own"
	// Every event positioned first, so a stream that would carry too much
	// carries it in its first read, before waitFor counts.
	eventstest.Eventually(t, 30*time.Second, "every event positioned", func() bool {
		last, err := events.LastPosition(db.Session(ctx))
		return err == nil && last == 11
	})
	officer := func(agency string) context.Context { return authtest.WithToken(ctx, env.Officer(t, agency)) }
	types := func(ts ...events.Type) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = string(t)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		sink  func() *sink
		wants []string
	}{
		{"court", func() *sink { return subscribe(ctx, t, court, nil) }, []string{
			"tried complaint.submitted", "tried trial.docketed", "transferred enforcement.transferred_to_court",
			"elsewhere mediation.confirmation_requested"}},
		{"court, transfers only", func() *sink { return subscribe(ctx, t, court, types(events.EnforcementTransferredCourt)) },
			[]string{"transferred enforcement.transferred_to_court"}},
		{"court, confirmation requests only", func() *sink {
			return subscribe(ctx, t, court, types(events.MediationConfirmationRequested))
		}, []string{"elsewhere mediation.confirmation_requested"}},
		{"officer of SAMR-SZ", func() *sink { return subscribe(officer("SAMR-SZ"), t, plain, nil) }, []string{
			"transferred complaint.submitted", "elsewhere complaint.submitted", "transferred enforcement.transferred_to_court",
			"transferred enforcement.closed", "elsewhere enforcement.transferred_to_court", "elsewhere mediation.confirmation_requested"}},
		{"officer of SAMR-SZ, transfers only", func() *sink {
			return subscribe(officer("SAMR-SZ"), t, plain, types(events.EnforcementTransferredCourt))
		}, []string{"transferred enforcement.transferred_to_court", "elsewhere enforcement.transferred_to_court"}},
		{"officer of SAMR-HZ: filed with it or routed to it", func() *sink { return subscribe(officer("SAMR-HZ"), t, plain, nil) }, []string{
			"tried complaint.submitted", "mediated complaint.submitted", "tried trial.docketed", "mediated mediation.requested"}},
		{"officer of SAMR-GZ: its own matter only", func() *sink { return subscribe(officer("SAMR-GZ"), t, plain, nil) },
			[]string{"own complaint.submitted"}},
		{"administrator", func() *sink { return subscribe(authtest.WithToken(ctx, env.Admin(t)), t, plain, nil) }, []string{
			"tried complaint.submitted", "transferred complaint.submitted", "elsewhere complaint.submitted", "mediated complaint.submitted",
			"tried trial.docketed", "transferred enforcement.transferred_to_court", "transferred enforcement.closed",
			"elsewhere enforcement.transferred_to_court", "elsewhere mediation.confirmation_requested", "mediated mediation.requested",
			"own complaint.submitted"}},
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

	for _, tt := range []struct {
		name string
		tok  string
		req  *ipcasev1.SubscribeRequest
		want codes.Code
	}{
		{"rights holder", env.RightsHolder(t, "0b7f4a52-0000-4000-8000-000000000001"), &ipcasev1.SubscribeRequest{}, codes.PermissionDenied},
		{"no credentials", "", &ipcasev1.SubscribeRequest{}, codes.Unauthenticated},
		{"negative position", env.Admin(t), &ipcasev1.SubscribeRequest{AfterPosition: -1}, codes.InvalidArgument},
		{"bad type", env.Admin(t), &ipcasev1.SubscribeRequest{Types: []string{"Transfers"}}, codes.InvalidArgument},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stream, err := ipcasev1.NewEventServiceClient(plain).Subscribe(authtest.WithToken(ctx, tt.tok), tt.req)
			if err == nil {
				_, err = stream.Recv()
			}
			if got := status.Code(err); got != tt.want {
				t.Errorf("Subscribe: %v; want code %v", err, tt.want)
			}
		})
	}
}
