package server_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestCallTimeout checks the deadline a handler runs under: the server's
// CallTimeout when the client set none or a later one, the client's when
// it is earlier; and that a handler waiting on it is answered
// DEADLINE_EXCEEDED.
func TestCallTimeout(t *testing.T) {
	t.Parallel()
	const callTimeout = 400 * time.Millisecond
	left := make(chan time.Duration, 1)
	srv := server.New(server.Config{MaxRecvBytes: 4 << 20, ShutdownTimeout: time.Second, CallTimeout: callTimeout}, zaptest.NewLogger(t))
	ipcasev1.RegisterFilingServiceServer(srv, &probe{get: func(ctx context.Context) error {
		dl, ok := ctx.Deadline()
		if !ok {
			left <- -1
		} else {
			left <- time.Until(dl)
		}
		<-ctx.Done() // a database that does not answer
		return ctx.Err()
	}})
	c := ipcasev1.NewFilingServiceClient(servertest.Dial(t, serve(t, srv)))
	for _, tt := range []struct {
		name   string
		client time.Duration // 0: no deadline
		max    time.Duration
	}{
		{"no client deadline", 0, callTimeout},
		{"a later client deadline", time.Hour, callTimeout},
		{"an earlier client deadline", 150 * time.Millisecond, 150 * time.Millisecond},
	} {
		call := t.Context()
		if tt.client > 0 {
			var cancel context.CancelFunc
			call, cancel = context.WithTimeout(call, tt.client)
			defer cancel()
		}
		_, err := c.GetMatter(call, &ipcasev1.GetMatterRequest{})
		if got := <-left; got <= 0 || got > tt.max {
			t.Errorf("%s: the handler had %v left; want at most %v", tt.name, got, tt.max)
		}
		if code := status.Code(err); code != codes.DeadlineExceeded {
			t.Errorf("%s: %v; want DEADLINE_EXCEEDED", tt.name, err)
		}
	}
}
