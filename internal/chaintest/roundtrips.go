package chaintest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/store"
)

// RoundTrips counts the round trips to Postgres that db's connections make
// for each gRPC method, on the connection itself (store.DB.OnRoundTrip):
// statements sent together count once, BEGIN and COMMIT count when sent on
// their own. Work outside a gRPC call (event consumers, sweeps) is not
// counted.
type RoundTrips struct {
	mu sync.Mutex
	by map[string]int
}

// CountRoundTrips starts counting the round trips of db's connections.
func CountRoundTrips(db *store.DB) *RoundTrips {
	c := &RoundTrips{by: map[string]int{}}
	db.OnRoundTrip(func(ctx context.Context) {
		m, ok := grpc.Method(ctx)
		if !ok {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.by[m[strings.LastIndex(m, "/")+1:]]++
	})
	return c
}

// During returns how many round trips the gRPC calls fn makes ran, by
// method name (without its service). Calls of other goroutines during fn
// are counted too: measure with nothing else calling.
func (c *RoundTrips) During(fn func()) map[string]int {
	c.mu.Lock()
	before := make(map[string]int, len(c.by))
	for k, v := range c.by {
		before[k] = v
	}
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.by {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// Bound is the most round trips a proceeding's transition may make
// (issue 16): a read of the current state under its lock, the writes of
// the change with its events sent together, and the commit.
const Bound = 3

// Measure runs call, a gRPC call of method, and returns the round trips
// it made, failing t if the call fails or made none (then the count
// covers nothing).
func (c *RoundTrips) Measure(t testing.TB, method string, call func() error) int {
	t.Helper()
	var err error
	got := c.During(func() { err = call() })
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if got[method] == 0 {
		t.Fatalf("%s made no round trip counted against it (all: %v)", method, got)
	}
	return got[method]
}

// CheckBounds fails t for each method of bounds that got did not measure
// or that made more round trips than its bound, and logs every count.
func CheckBounds(t testing.TB, got, bounds map[string]int) {
	t.Helper()
	for _, method := range slices.Sorted(maps.Keys(bounds)) {
		n, ok := got[method]
		most := bounds[method]
		switch {
		case !ok:
			t.Errorf("%s was not measured", method)
		case n > most:
			t.Errorf("%s made %d round trips, want at most %d", method, n, most)
		}
		t.Logf("%-22s %2d round trips (bound %d)", method, n, most)
	}
}
