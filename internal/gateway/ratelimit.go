package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ipcase/ipcase/internal/auth"
)

// limiter keeps token buckets per caller. A request whose bearer token (or
// status page session) ipcased has accepted draws from that token's
// bucket. Any other request draws from its client address's bucket, and,
// if it carries a token, from the token's bucket as well: a made-up token
// per request buys nothing, as every one of them spends the address's
// requests. The gateway cannot check a token itself; it learns that
// ipcased accepted one from the answers of calls that need one (learn).
// A bucket idle long enough to have refilled is forgotten, and so is an
// accepted token, so memory follows the active callers.
type limiter struct {
	perSecond rate.Limit
	burst     int
	forget    time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	accepted  map[string]time.Time // token key → when ipcased last accepted it
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxAccepted bounds the accepted tokens remembered. Only tokens ipcased
// accepted get in, so an attacker cannot fill it with made-up ones; past
// it, further tokens are limited by address until some are forgotten.
const maxAccepted = 100_000

func newLimiter(perSecond float64, burst int) *limiter {
	refill := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &limiter{perSecond: rate.Limit(perSecond), burst: burst, forget: max(refill, time.Minute),
		buckets: map[string]*bucket{}, accepted: map[string]time.Time{}}
}

// sweep forgets idle buckets and tokens not accepted for a while. l.mu is
// held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) <= l.forget {
		return
	}
	for k, b := range l.buckets {
		if now.Sub(b.seen) > l.forget {
			delete(l.buckets, k)
		}
	}
	for k, at := range l.accepted {
		if now.Sub(at) > l.forget {
			delete(l.accepted, k)
		}
	}
	l.lastSweep = now
}

// reserve takes one request from key's bucket at now, or returns how long
// until one would be allowed. l.mu is held.
func (l *limiter) reserve(key string, now time.Time) (*rate.Reservation, time.Duration) {
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return nil, d
	}
	return r, 0
}

// allow takes one request at now for a caller at address addr with token
// key tok ("" for none); when a bucket it draws from is empty it returns
// false and how long until a request would be allowed.
func (l *limiter) allow(addr, tok string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	if _, ok := l.accepted[tok]; ok && tok != "" {
		_, wait := l.reserve(tok, now)
		return wait == 0, wait
	}
	r, wait := l.reserve(addr, now)
	if r == nil || tok == "" {
		return r != nil, wait
	}
	if _, wait := l.reserve(tok, now); wait > 0 {
		r.CancelAt(now) // refused: the address's request is not spent
		return false, wait
	}
	return true, 0
}

// callerKeys names the buckets a request may draw from: its client
// address's, and its token's if it carries one. Tokens are hashed so that
// the maps hold no credential.
func callerKeys(r *http.Request) (addr, tok string) {
	t, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if t == "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			t = c.Value
		}
	}
	return addrKey(r.RemoteAddr), tokenKey(t)
}

// tokenKey is the bucket key of a bearer token, "" for none.
func tokenKey(tok string) string {
	if tok == "" {
		return ""
	}
	h := sha256.Sum256([]byte(tok))
	return "token:" + hex.EncodeToString(h[:12])
}

// addrKey is the bucket key of a client address: the IPv4 address, or
// the IPv6 /64, which one subscriber usually holds whole.
func addrKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return "addr:" + host
	case ip.To4() != nil:
		return "addr:" + ip.To4().String()
	}
	return "addr:" + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// rateLimit refuses a caller over its limit with 429 RESOURCE_EXHAUSTED and
// Retry-After in whole seconds. It runs before any call to ipcased.
func (l *limiter) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr, tok := callerKeys(r)
		ok, wait := l.allow(addr, tok, time.Now())
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		if !strings.HasPrefix(r.URL.Path, "/v1/") && r.URL.Path != openAPIPath {
			// A person on the status page reads this, not a program.
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = fmt.Fprintf(w, "Too many requests: retry after %d s.\n请求过于频繁，请 %d 秒后再试。\n", max(secs, 1), max(secs, 1)) //nolint:gosec // G705: two integers, served as text/plain
			return
		}
		writeStatus(w, status.Newf(codes.ResourceExhausted,
			"rate limit: at most %g requests per second per token, or per address until a token is accepted (bursts of %d); retry after %d s",
			float64(l.perSecond), l.burst, max(secs, 1)))
	})
}

// learnUnary and learnStream watch the gateway's calls to ipcased and
// learn which tokens it accepts (learn).
func (l *limiter) learnUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	l.learn(ctx, method, err)
	return err
}

func (l *limiter) learnStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		l.learn(ctx, method, err)
		return nil, err
	}
	return &learningStream{ClientStream: s, learn: func(err error) { l.learn(ctx, method, err) }}, nil
}

// learningStream reports the first thing RecvMsg learns: an answer, or
// the end of the stream (io.EOF: success), means the call was taken;
// another error is the call's status.
type learningStream struct {
	grpc.ClientStream
	learn func(error)
	once  sync.Once
}

func (s *learningStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	s.once.Do(func() {
		if errors.Is(err, io.EOF) {
			s.learn(nil)
		} else {
			s.learn(err)
		}
	})
	return err
}

// learn records what a call's answer says about its token: a call that
// needs a token, answered by ipcased past authentication (OK, or an error
// of the request's own), means ipcased accepted the token; UNAUTHENTICATED
// means it did not (any more). Other answers, errors of the gateway's
// own client and public methods, which take any token, teach nothing.
func (l *limiter) learn(ctx context.Context, method string, err error) {
	md, _ := metadata.FromOutgoingContext(ctx)
	values := md.Get("authorization")
	if len(values) != 1 || !needsToken(method) {
		return
	}
	tok, ok := strings.CutPrefix(values[0], "Bearer ")
	if !ok || tok == "" {
		return
	}
	key := tokenKey(tok)
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	switch status.Code(err) {
	case codes.Unauthenticated:
		delete(l.accepted, key)
	case codes.OK, codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.PermissionDenied,
		codes.FailedPrecondition, codes.Aborted, codes.OutOfRange:
		if _, ok := l.accepted[key]; ok || len(l.accepted) < maxAccepted {
			l.accepted[key] = now
		}
	default:
	}
}

// roles are the roles the access policy knows.
var roles = []auth.Role{auth.Officer, auth.Mediator, auth.RightsHolder, auth.Admin, auth.Court}

// needsToken says whether method refuses callers without credentials: it
// is in the policy and allows some role. Public methods (health,
// RedeemSignInLink) answer whatever token comes with them.
func needsToken(method string) bool {
	return auth.HasPolicy(method) && slices.ContainsFunc(roles, func(r auth.Role) bool { return auth.Allowed(method, r) })
}
