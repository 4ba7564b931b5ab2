package exchange_test

import (
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
// to it, an officer the matters of the agency, and rights holders and bad
// requests are refused.
func TestSubscribeAccess(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := eventstest.Open(t, 20)
	eventstest.Relay(t, db, url)
	env := authtest.New(t)
	plain := servertest.Start(t, register(db), env.ServerOptions()...)
	tlsCfg, serverCAs := env.ServerTLS(t)
	courtAddr := servertest.Serve(t, register(db), tlsCfg, env.ServerOptions()...)
	court := servertest.Dial(t, courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		RootCAs: serverCAs, Certificates: []tls.Certificate{env.CourtCert(t, "京73")}})))

	tried := eventstest.Matter(t, db, "SAMR-HZ", "京73")     // before the court
	transferred := eventstest.Matter(t, db, "SAMR-SZ")      // transferred to it
	elsewhere := eventstest.Matter(t, db, "SAMR-SZ", "粤73") // none of its business
	name := map[string]string{tried: "tried", transferred: "transferred", elsewhere: "elsewhere"}
	for _, e := range []struct {
		matter, typ string
		payload     map[string]string
	}{
		{tried, "trial.docketed", nil},
		{transferred, events.TypeTransferredToCourt, map[string]string{"recipient": "京73"}},
		{transferred, "enforcement.closed", nil},
		{elsewhere, events.TypeTransferredToCourt, map[string]string{"recipient": "粤73"}},
		{elsewhere, events.TypeConfirmationRequested, map[string]string{"court": "京73"}},
	} {
		if err := eventstest.Append(ctx, db, e.matter, e.typ, e.payload); err != nil {
			t.Fatal(err)
		}
	}
	// Every event positioned first, so a stream that would carry too much
	// carries it in its first read, before waitFor counts.
	eventstest.Eventually(t, 30*time.Second, "every event positioned", func() bool {
		last, err := events.LastPosition(ctx, db)
		return err == nil && last == 8
	})
	for _, tt := range []struct {
		name  string
		sink  func() *sink
		wants []string
	}{
		{"court", func() *sink { return follow(t, ctx, court, 0, nil) }, []string{
			"tried test.opened", "tried trial.docketed", "transferred enforcement.transferred_to_court",
			"elsewhere mediation.confirmation_requested"}},
		{"court, transfers only", func() *sink { return follow(t, ctx, court, 0, []string{events.TypeTransferredToCourt}) },
			[]string{"transferred enforcement.transferred_to_court"}},
		{"officer of SAMR-SZ", func() *sink { return follow(t, authtest.WithToken(ctx, env.Officer(t, "SAMR-SZ")), plain, 0, nil) }, []string{
			"transferred test.opened", "elsewhere test.opened", "transferred enforcement.transferred_to_court",
			"transferred enforcement.closed", "elsewhere enforcement.transferred_to_court", "elsewhere mediation.confirmation_requested"}},
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
