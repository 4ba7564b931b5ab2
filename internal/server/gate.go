package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// gate bounds what a caller can make the server hold before it is
// authenticated. A unary call is authenticated only once its request
// message has arrived, so a client that sends headers and nothing more
// parks a call, headers and all, on the server; MaxHeaderBytes bounds one
// call's headers, and the gate bounds the calls, as their headers arrive:
// in flight on the listener (MaxCalls); from one verified caller
// (MaxCallsPerPeer, by the name Vouch gives it); and, for calls whose
// credentials do not verify, in all (MaxAnonymousCalls) and from one client
// address (MaxAnonymousCallsPerPeer). Anonymous calls can thus hold a small
// share of the server only, however many addresses they come from, and a
// signed-in caller's call is admitted while they do. It also bounds the
// time a call may take to deliver its request (RequestReadTimeout). A call
// past a bound is refused with RESOURCE_EXHAUSTED before anything of it but
// its headers is kept, and a parked call is ended when its time is up.
type gate struct {
	total, perCaller, anonTotal, anonPerPeer int
	readTimeout                              time.Duration
	vouch                                    func(context.Context, metadata.MD) string

	mu    sync.Mutex
	n     int
	anon  int
	byKey map[string]int
}

func newGate(cfg Config) *gate {
	return &gate{total: cfg.MaxCalls, perCaller: cfg.MaxCallsPerPeer, anonTotal: cfg.MaxAnonymousCalls,
		anonPerPeer: cfg.MaxAnonymousCallsPerPeer, readTimeout: cfg.RequestReadTimeout, vouch: cfg.Vouch, byKey: map[string]int{}}
}

var (
	errTooManyCalls     = status.Error(codes.ResourceExhausted, "too many calls in flight on this server; retry later")
	errTooManyPeerCalls = status.Error(codes.ResourceExhausted, "too many calls in flight from your address; retry later")
	errTooManyAnonCalls = status.Error(codes.ResourceExhausted, "too many calls without valid credentials in flight on this server; retry later, or sign in")
	errTooManyOwnCalls  = status.Error(codes.ResourceExhausted, "too many of your calls in flight; retry later")
	errRequestTooSlow   = errors.New("the request message did not arrive in time")
)

// admit is the server's tap: it runs when a call's headers have arrived,
// before the call is handed to its handler. It takes a place for the call,
// given back when the call ends, and starts the clock on its request.
func (g *gate) admit(ctx context.Context, info *tap.Info) (context.Context, error) {
	caller := ""
	if g.vouch != nil {
		caller = g.vouch(ctx, info.Header)
	}
	key, anonymous := "caller "+caller, caller == ""
	if anonymous {
		key = "address " + peerKey(ctx)
	}
	g.mu.Lock()
	switch {
	case g.n >= g.total:
		g.mu.Unlock()
		return nil, errTooManyCalls
	case anonymous && g.anon >= g.anonTotal:
		g.mu.Unlock()
		return nil, errTooManyAnonCalls
	case anonymous && g.byKey[key] >= g.anonPerPeer:
		g.mu.Unlock()
		return nil, errTooManyPeerCalls
	case !anonymous && g.byKey[key] >= g.perCaller:
		g.mu.Unlock()
		return nil, errTooManyOwnCalls
	}
	g.n++
	if anonymous {
		g.anon++
	}
	g.byKey[key]++
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
		if anonymous {
			g.anon--
		}
		if g.byKey[key]--; g.byKey[key] <= 0 {
			delete(g.byKey, key)
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
