package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// gate bounds what a caller can make the server hold before it is
// authenticated. A unary call is authenticated only once its request
// message has arrived, so a client that sends headers and nothing more
// parks a call, headers and all, on the server; MaxHeaderBytes bounds one
// call's headers, and the gate bounds the calls: in flight on the listener
// (MaxCalls) and from one client address (MaxCallsPerPeer), and the time a
// call may take to deliver its request (RequestReadTimeout). A call past a
// bound is refused with RESOURCE_EXHAUSTED before anything of it but its
// headers is kept, and a parked call is ended when its time is up.
type gate struct {
	total, perPeer int
	readTimeout    time.Duration

	mu     sync.Mutex
	n      int
	byPeer map[string]int
}

func newGate(cfg Config) *gate {
	return &gate{total: cfg.MaxCalls, perPeer: cfg.MaxCallsPerPeer, readTimeout: cfg.RequestReadTimeout, byPeer: map[string]int{}}
}

var (
	errTooManyCalls     = status.Error(codes.ResourceExhausted, "too many calls in flight on this server; retry later")
	errTooManyPeerCalls = status.Error(codes.ResourceExhausted, "too many calls in flight from your address; retry later")
	errRequestTooSlow   = errors.New("the request message did not arrive in time")
)

// admit is the server's tap: it runs when a call's headers have arrived,
// before the call is handed to its handler. It takes a place for the call,
// given back when the call ends, and starts the clock on its request.
func (g *gate) admit(ctx context.Context, _ *tap.Info) (context.Context, error) {
	key := peerKey(ctx)
	g.mu.Lock()
	switch {
	case g.n >= g.total:
		g.mu.Unlock()
		return nil, errTooManyCalls
	case g.byPeer[key] >= g.perPeer:
		g.mu.Unlock()
		return nil, errTooManyPeerCalls
	}
	g.n++
	g.byPeer[key]++
	g.mu.Unlock()

	// The call's context ends when the call does; ending it sooner makes
	// a handler still waiting for its request give up.
	ctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(g.readTimeout, func() { cancel(errRequestTooSlow) })
	context.AfterFunc(ctx, func() {
		timer.Stop()
		g.mu.Lock()
		defer g.mu.Unlock()
		g.n--
		if g.byPeer[key]--; g.byPeer[key] <= 0 {
			delete(g.byPeer, key)
		}
	})
	return context.WithValue(ctx, requestClockKey{}, timer), nil
}

// requestClockKey carries the timer that ends a call whose request is slow.
type requestClockKey struct{}

// requestArrived stops the clock admit started: the first interceptor
// runs once a unary call's request has arrived, and as a streaming call
// starts, when authentication follows at once.
func requestArrived(ctx context.Context) {
	if t, ok := ctx.Value(requestClockKey{}).(*time.Timer); ok {
		t.Stop()
	}
}

// peerKey names a caller's address for the per-peer bound: the IPv4
// address, or the IPv6 /64, which one subscriber usually holds whole.
func peerKey(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(p.Addr.String())
	if err != nil {
		return p.Addr.String()
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return host
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
