package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// limiter keeps one token bucket per caller: per bearer token (or status
// page session), else per client address. A bucket idle long enough to
// have refilled is forgotten, so memory follows the active callers.
type limiter struct {
	perSecond rate.Limit
	burst     int
	forget    time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	refill := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &limiter{perSecond: rate.Limit(perSecond), burst: burst, forget: max(refill, time.Minute),
		buckets: map[string]*bucket{}}
}

// allow takes one request from key's bucket at now; when the bucket is
// empty it returns false and how long until a request would be allowed.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > l.forget {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.forget {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// callerKey names whose bucket a request draws from. Tokens are hashed so
// that the map holds no credential.
func callerKey(r *http.Request) string {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		if c, err := r.Cookie(sessionCookie); err == nil {
			tok = c.Value
		}
	}
	if tok != "" {
		h := sha256.Sum256([]byte(tok))
		return "token:" + hex.EncodeToString(h[:12])
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

// rateLimit refuses a caller over its limit with 429 RESOURCE_EXHAUSTED and
// Retry-After in whole seconds.
func (l *limiter) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(callerKey(r), time.Now())
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
			_, _ = fmt.Fprintf(w, "Too many requests: retry after %d s.\n请求过于频繁，请 %d 秒后再试。\n", max(secs, 1), max(secs, 1))
			return
		}
		writeStatus(w, status.Newf(codes.ResourceExhausted,
			"rate limit: at most %g requests per second per token (bursts of %d); retry after %d s",
			float64(l.perSecond), l.burst, max(secs, 1)))
	})
}
