package server_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestHugeHeadersAreRefused sends, as the attack on ipcased did, twelve
// calls at once each with a 15,000,000-byte authorization header, with a
// client that ignores the header list limit the server announces, over
// plaintext (the public listener) and mutual TLS (the courts' listener,
// with a court's certificate). Each connection is refused at its first
// frame, and the server does not take the headers into memory: the whole
// process allocates a fraction of one header while they are refused.
// Before the limit, each call was read whole (15 MB, copied as the decoder
// grew its buffer) and answered.
//
// Not parallel: it reads the process's allocation counter, which other
// tests running at the same time would add to.
func TestHugeHeadersAreRefused(t *testing.T) {
	env := authtest.New(t)
	courtTLS, roots := env.ServerTLS(t)
	court := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", Certificates: []tls.Certificate{env.CourtCert(t, "京73")},
		MinVersion: tls.VersionTLS12}
	const (
		method    = "/ipcase.v1.FilingService/GetMatter"
		attackers = 12
		size      = 15_000_000
	)
	for _, tt := range []struct {
		name           string
		server, client *tls.Config
	}{
		{"plaintext", nil, nil},
		{"mutual TLS", courtTLS, court},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := servertest.Serve(t, func(s *server.Server) {
				ipcasev1.RegisterFilingServiceServer(s, &probe{get: func(context.Context) error { return nil }})
			}, tt.server)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			// A bearer token of ordinary size is served.
			if ans, err := servertest.SendHeaders(ctx, addr, tt.client, method, "authorization", 2000); err != nil || !ans.Answered {
				t.Fatalf("a 2000-byte header: %+v, %v; want an answer", ans, err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			answers := make([]servertest.HeaderAnswer, attackers)
			errs := make([]error, attackers)
			var wg sync.WaitGroup
			for i := range attackers {
				wg.Go(func() {
					answers[i], errs[i] = servertest.SendHeaders(ctx, addr, tt.client, method, "authorization", size)
				})
			}
			wg.Wait()
			runtime.ReadMemStats(&after)
			for i, ans := range answers {
				if errs[i] != nil || ans.Answered {
					t.Errorf("call %d: %+v, %v; want it refused", i, ans, errs[i])
				}
			}
			t.Logf("%d calls; the first: %s after %d bytes written, in %s; the process allocated %d KiB meanwhile",
				attackers, answers[0].How, answers[0].Written, answers[0].Elapsed, (after.TotalAlloc-before.TotalAlloc)>>10)
			// TotalAlloc counts the whole test process (the attackers' TLS
			// buffers, other tests running in parallel): bound it by one
			// header, against the 12 headers (180 MB) a server that buffers
			// them would take in.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > size {
				t.Errorf("the process allocated %d MiB while %d calls with %d-byte headers were refused; want less than one header",
					grew>>20, attackers, size)
			}
		})
	}
}

// TestLongErrorsFitClientHeaderLimits: an error with thousands of field
// violations (a request with thousands of bad items) reaches a client
// that bounds the headers it accepts, as the gateway does, as
// INVALID_ARGUMENT with the first violations and a count of the rest,
// rather than as a transport failure.
func TestLongErrorsFitClientHeaderLimits(t *testing.T) {
	t.Parallel()
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, &probe{get: func(context.Context) error {
			var v errs.FieldErrors
			for i := range 5000 {
				// Each reason is longer than one violation may be, and is
				// cut inside a run of three-byte characters.
				v.Add(fmt.Sprintf("respondents[%d].display_name", i), "required: %s", strings.Repeat("名", 300))
			}
			return v.Err()
		}})
	}, nil)
	conn := servertest.Dial(t, addr, grpc.WithMaxHeaderListSize(16<<10))
	_, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(t.Context(), &ipcasev1.GetMatterRequest{})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("%v %.200q, want INVALID_ARGUMENT", st.Code(), st.Message())
	}
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	if len(fields) == 0 || fields[0] != "respondents[0].display_name" || len(fields) >= 5000 {
		t.Errorf("%d violations, the first %q; want the first few", len(fields), fields)
	}
	if !strings.Contains(st.Message(), "more") {
		t.Errorf("message %.300q does not say that more violations were left out", st.Message())
	}
}

// TestParkedCallsAreBounded: headers within the limit, but many calls that
// never send their request, which a unary call needs before it can be
// authenticated, on one connection and on several, from one address and
// from another. The server keeps at most MaxCallsPerPeer of them from one
// address and MaxCalls in all, refuses the rest at once, ends the kept
// ones when RequestReadTimeout has passed, and then serves again.
func TestParkedCallsAreBounded(t *testing.T) {
	t.Parallel()
	const perPeer, total = 40, 60
	srv := server.New(server.Config{MaxRecvBytes: 1 << 20, ShutdownTimeout: time.Second,
		MaxCalls: total, MaxCallsPerPeer: perPeer, RequestReadTimeout: 2 * time.Second}, zaptest.NewLogger(t))
	ipcasev1.RegisterFilingServiceServer(srv, &probe{get: func(context.Context) error { return nil }})
	addr := serve(t, srv)
	wait, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	const method = "/ipcase.v1.FilingService/GetMatter"
	park := func(local string, calls int) *servertest.ParkedCalls {
		t.Helper()
		p, err := servertest.ParkCalls(wait, addr, local, nil, method, calls, 15_000)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Close() })
		return p
	}
	// One address, two connections of 300 calls: 40 kept, 560 refused.
	// Another address, 300 calls: room for 20 more in all.
	a1, a2, b := park("127.0.0.1", 300), park("127.0.0.1", 300), park("127.0.0.2", 300)
	ended := func(p *servertest.ParkedCalls) int {
		n, _ := p.Ended()
		return n
	}
	eventually(t, "all calls but the bounds refused", func() bool {
		return ended(a1)+ended(a2) >= 600-perPeer && ended(b) >= 300-(total-perPeer)
	})
	if ended(a1)+ended(a2) != 600-perPeer || ended(b) != 300-(total-perPeer) {
		t.Errorf("calls ended at once: %d of 600 from one address, %d of 300 from another; want all but %d and %d",
			ended(a1)+ended(a2), ended(b), perPeer, total-perPeer)
	}
	if _, err := ipcasev1.NewFilingServiceClient(servertest.Dial(t, addr)).GetMatter(wait, &ipcasev1.GetMatterRequest{}); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a call while the server is full: %v, want RESOURCE_EXHAUSTED", err)
	}
	// The kept calls never send their request: they end when their time
	// is up, and the server serves again.
	eventually(t, "the parked calls ended", func() bool { return ended(a1)+ended(a2)+ended(b) == 900 })
	if _, err := ipcasev1.NewFilingServiceClient(servertest.Dial(t, addr)).GetMatter(wait, &ipcasev1.GetMatterRequest{}); err != nil {
		t.Errorf("a call once the parked ones are gone: %v", err)
	}
}
