package server_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestAnonymousCallsCannotCrowdOutCallers is the attack found re-attacking
// issue 13: calls whose request never arrives, without credentials, from
// four addresses each at the per-address bound, filled the whole server
// (4 × 256 = 1,024) and every signed-in caller, the gateway's users
// included, got RESOURCE_EXHAUSTED for 30 s. Now calls whose credentials do
// not verify share a small part of the server (MaxAnonymousCalls) and each
// address a smaller one, while a verified caller is admitted by its own
// bound, from any address, one of the attackers' included.
func TestAnonymousCallsCannotCrowdOutCallers(t *testing.T) {
	t.Parallel()
	const anonTotal, anonPerPeer = 24, 8
	vouch := func(_ context.Context, md metadata.MD) string {
		if h := md.Get("authorization"); len(h) == 1 && h[0] == "Bearer good" {
			return "officer good"
		}
		return ""
	}
	srv := server.New(server.Config{MaxRecvBytes: 1 << 20, ShutdownTimeout: time.Second, MaxCalls: 1024, MaxCallsPerPeer: 256,
		MaxAnonymousCalls: anonTotal, MaxAnonymousCallsPerPeer: anonPerPeer, RequestReadTimeout: 5 * time.Second, Vouch: vouch},
		zaptest.NewLogger(t))
	ipcasev1.RegisterFilingServiceServer(srv, &probe{get: func(context.Context) error { return nil }})
	addr := serve(t, srv)
	wait, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	const method = "/ipcase.v1.FilingService/GetMatter"
	// Four addresses park 200 anonymous calls each.
	var parked []*servertest.ParkedCalls
	for i := 2; i <= 5; i++ {
		p, err := servertest.ParkCalls(wait, addr, fmt.Sprintf("127.0.0.%d", i), nil, method, 200, 1000)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Close() })
		parked = append(parked, p)
	}
	eventually(t, "all anonymous calls but the bounds refused", func() bool {
		ended := 0
		for _, p := range parked {
			n, _ := p.Ended()
			ended += n
		}
		return ended >= 800-anonTotal
	})
	ended := 0
	for _, p := range parked {
		n, _ := p.Ended()
		ended += n
	}
	if ended != 800-anonTotal {
		t.Errorf("%d of 800 anonymous calls refused at once; want all but %d", ended, anonTotal)
	}
	get := func(local string, token string) error {
		conn := servertest.Dial(t, addr, grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
			return d.DialContext(ctx, "tcp", a)
		}))
		c := wait
		if token != "" {
			c = metadata.AppendToOutgoingContext(wait, "authorization", "Bearer "+token)
		}
		_, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(c, &ipcasev1.GetMatterRequest{})
		return err
	}
	// A signed-in caller is served, from a fifth address and from one of
	// the attackers'; another anonymous call is not.
	for _, local := range []string{"127.0.0.6", "127.0.0.2"} {
		if err := get(local, "good"); err != nil {
			t.Errorf("a signed-in call from %s while anonymous calls are parked: %v", local, err)
		}
	}
	if err := get("127.0.0.7", ""); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("another anonymous call: %v; want RESOURCE_EXHAUSTED", err)
	}
	if err := get("127.0.0.7", "made-up"); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("an anonymous call with a made-up token: %v; want RESOURCE_EXHAUSTED", err)
	}
}
