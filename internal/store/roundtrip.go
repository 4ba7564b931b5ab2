package store

import (
	"context"
	"net"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A round trip is one exchange with Postgres: the client sends, then waits
// for what the server answers. Statements sent together (several in one
// simple-protocol string, a pgx batch or pipeline) are one round trip; a
// statement that pgx prepares before its first run on a connection is two
// (Parse+Describe, then Bind+Execute), and one afterwards; BEGIN and
// COMMIT are one each unless sent with other statements. The pool counts
// them where they happen, on the connection: every write to the socket
// that follows a read from it starts one. Writes that a large pipeline
// makes while it already reads answers count again, so a count is never
// lower than the exchanges made.
//
// roundTrips holds the function a pool's connections report round trips
// to (DB.OnRoundTrip).
type roundTrips struct {
	fn atomic.Pointer[func(context.Context)]
}

// countedConn is a connection to Postgres that reports each round trip
// with the context of the caller that holds the connection: the one that
// dialled it, then each one that takes it from the pool.
type countedConn struct {
	net.Conn
	rt *roundTrips
	// caller is the context of the connection's current user.
	caller atomic.Pointer[context.Context]
	// answered is set by a read: the next write begins a round trip. It
	// starts set, so the connection's start-up exchange counts.
	answered atomic.Bool
}

func (c *countedConn) Write(b []byte) (int, error) {
	if c.answered.Swap(false) {
		if fn := c.rt.fn.Load(); fn != nil {
			if ctx := c.caller.Load(); ctx != nil {
				(*fn)(*ctx)
			}
		}
	}
	return c.Conn.Write(b)
}

func (c *countedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.answered.Store(true)
	}
	return n, err
}

func (c *countedConn) use(ctx context.Context) { c.caller.Store(&ctx) }

// counted finds the countedConn under conn (under TLS, if any).
func counted(conn net.Conn) (*countedConn, bool) {
	for conn != nil {
		if c, ok := conn.(*countedConn); ok {
			return c, true
		}
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			return nil, false
		}
		conn = u.NetConn()
	}
	return nil, false
}

// countingOptions makes cfg's connections count their round trips into rt
// and returns the stdlib options that tell a connection who holds it.
func countingOptions(cfg *pgx.ConnConfig, rt *roundTrips) []stdlib.OptionOpenDB {
	dial := cfg.DialFunc
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		c := &countedConn{Conn: conn, rt: rt}
		c.use(ctx)
		c.answered.Store(true)
		return c, nil
	}
	// database/sql resets a connection as a caller takes it from the pool,
	// with that caller's context. The liveness ping pgx sends first when
	// the connection was idle for over a second is the pool's, not the
	// caller's: it is reported without a caller, so that a call's count
	// does not depend on how long the connection it got had waited.
	return []stdlib.OptionOpenDB{
		stdlib.OptionShouldPing(func(_ context.Context, p stdlib.ShouldPingParams) bool {
			if c, ok := counted(p.Conn.PgConn().Conn()); ok {
				c.use(context.Background())
			}
			return p.IdleDuration > time.Second
		}),
		stdlib.OptionResetSession(func(ctx context.Context, conn *pgx.Conn) error {
			if c, ok := counted(conn.PgConn().Conn()); ok {
				c.use(ctx)
			}
			return nil
		}),
	}
}

// OnRoundTrip calls fn with the context of the caller, for every round
// trip to Postgres that a connection of the pool makes (see roundTrips for
// what counts as one). Only one fn is kept; a later call replaces it.
func (db *DB) OnRoundTrip(fn func(context.Context)) {
	db.rt.fn.Store(&fn)
}
