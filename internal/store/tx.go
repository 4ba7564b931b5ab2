package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// A transaction of InTx or Idempotent runs on a connection it takes from
// the pool and steers itself, so that it can send its control statements
// with others rather than on round trips of their own (database/sql sends
// BEGIN and COMMIT alone): BEGIN goes with the statement and lock
// timeouts, and with the lookup of the request's idempotency key if it
// has one, in one simple-protocol string; COMMIT goes with the insert of
// the response under that key, in one pipeline.

// txConn is the connection of a transaction, as gorm's connection pool:
// being a TxCommitter, gorm treats it as inside a transaction (a nested
// gorm Transaction makes a savepoint, never a second BEGIN). The
// transaction ends through InTx, never through gorm.
type txConn struct{ *sql.Conn }

func (txConn) Commit() error {
	return errors.New("store: a transaction of InTx ends when its function returns")
}

func (txConn) Rollback() error {
	return errors.New("store: a transaction of InTx ends when its function returns")
}

// withPgx runs fn on the pgx connection under conn.
func withPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: connection is a %T, not pgx's", dc)
		}
		return fn(c.Conn())
	})
}

// begin takes a connection and begins a transaction on it with the
// timeouts of ctx's deadline (boundStatements), followed in the same
// round trip by then, statements without parameters; their results are
// returned, in order. On an error the connection is back in the pool.
func (db *DB) begin(ctx context.Context, then []string) (*sql.Conn, []*pgconn.Result, error) {
	text, err := beginText(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, q := range then {
		text += "; " + q
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return nil, nil, Translate(err)
	}
	var out []*pgconn.Result
	err = withPgx(conn, func(c *pgx.Conn) error {
		if len(then) > 0 && c.PgConn().ParameterStatus("standard_conforming_strings") != "on" {
			// Inline's quoting would not hold.
			return errors.New("store: standard_conforming_strings is off")
		}
		results, err := c.PgConn().Exec(ctx, text).ReadAll()
		if err != nil {
			return err
		}
		out = results[len(results)-len(then):]
		return nil
	})
	if err != nil {
		release(conn, false)
		return nil, nil, Translate(err)
	}
	return conn, out, nil
}

// beginText is BEGIN with the statement and lock timeouts from ctx's
// deadline, if it has one. Both are the same: Postgres counts a lock wait
// into statement_timeout, so with equal values a locked row answers 57014
// (the deadline) — lock_timeout is there for a statement that turns
// statement_timeout off for itself. They are SETs, not a SELECT of
// set_config, because a SET takes no snapshot, so that a transaction may
// still choose its isolation level after them (SET TRANSACTION must come
// before any query).
func beginText(ctx context.Context) (string, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return "BEGIN", nil
	}
	left := time.Until(deadline)
	left -= min(left/20, maxTimeoutMargin)
	if left < time.Millisecond {
		return "", context.DeadlineExceeded
	}
	ms := strconv.FormatInt(left.Milliseconds(), 10)
	return "BEGIN; " + setLocal + "statement_timeout = " + ms + "; " + setLocal + "lock_timeout = " + ms, nil
}

// commit commits the transaction on conn, sending writes (Tx.WriteAtCommit
// and the stored response of an idempotent call) ahead of COMMIT and a
// NOTIFY of each of channels after it, in the same round trip, and puts
// conn back in the pool. A write that fails skips the rest of the
// pipeline, COMMIT included, and the transaction rolls back. The NOTIFYs
// run as a transaction of their own, which writes nothing and so waits
// for no flush while it holds the notification queue's lock; one that
// fails is not the commit's failure (listeners also poll,
// events.FallbackPoll).
func commit(ctx context.Context, conn *sql.Conn, writes []*pgx.QueuedQuery, channels []string) error {
	if err := ctx.Err(); err != nil {
		// As database/sql's Tx: a call that ended before its commit rolls back.
		release(conn, false)
		return Translate(err)
	}
	// Once sent, the commit is seen through even if the call's context
	// ends meanwhile (as database/sql and pgx's Tx.Commit do), so that an
	// answer is not an error for a change that was made; the writes before
	// it are bounded by the transaction's statement_timeout.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	err := withPgx(conn, func(c *pgx.Conn) error {
		b := &pgx.Batch{QueuedQueries: writes}
		b.Queue("COMMIT")
		for _, ch := range channels {
			b.Queue("SELECT pg_notify($1, '')", ch)
		}
		br := c.SendBatch(ctx, b)
		var err error
		for range writes {
			if _, err = br.Exec(); err != nil {
				break
			}
		}
		var tag pgconn.CommandTag
		if err == nil {
			tag, err = br.Exec()
		}
		if err == nil {
			// The notifications' errors are not the commit's.
			for range channels {
				if _, nerr := br.Exec(); nerr != nil {
					break
				}
			}
		}
		if cerr := br.Close(); err == nil && len(channels) == 0 {
			err = cerr
		}
		if err == nil && tag.String() != "COMMIT" {
			// A transaction that had failed answers COMMIT with ROLLBACK.
			err = pgx.ErrTxCommitRollback
		}
		return err
	})
	release(conn, err == nil)
	return Translate(err)
}

// release puts conn back in the pool, rolling back first what it may
// still have open unless committed; a connection left inside a
// transaction is dropped by the pool (pgx's ResetSession).
func release(conn *sql.Conn, committed bool) {
	if !committed {
		ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		_ = withPgx(conn, func(c *pgx.Conn) error {
			if c.PgConn().TxStatus() == 'I' {
				return nil
			}
			return c.PgConn().Exec(ctx, "ROLLBACK").Close()
		})
		cancel()
	}
	_ = conn.Close()
}

// commitTimeout bounds a COMMIT past its call's deadline.
const commitTimeout = 5 * time.Second

// rollbackTimeout bounds the ROLLBACK of a failed transaction, which must
// run even when the call's context has ended.
const rollbackTimeout = 5 * time.Second

// inTx runs fn in a transaction begun on a connection of its own
// (followed by then, see begin, whose results look reads first; look may
// return done to end the transaction, rolled back, without running fn),
// and commits it with the writes fn left for the commit (Tx.WriteAtCommit)
// and insert, if fn gives one.
func (db *DB) inTx(ctx context.Context, then []string, look func([]*pgconn.Result) (done bool, err error),
	fn func(Tx) (*pgx.QueuedQuery, error)) error {
	conn, res, err := db.begin(ctx, then)
	if err != nil {
		return err
	}
	if look != nil {
		if done, err := look(res); done || err != nil {
			release(conn, false)
			return err
		}
	}
	after := &afterCommit{}
	g := db.g.Session(&gorm.Session{Context: context.WithValue(ctx, txKey{}, after), NewDB: true})
	g.Statement.ConnPool = txConn{conn}
	done := false
	defer func() {
		if !done { // fn panicked
			release(conn, false)
		}
	}()
	insert, err := fn(Tx{g: g, after: after})
	done = true
	if err != nil {
		release(conn, false)
		return err
	}
	if insert != nil {
		after.writes = append(after.writes, insert)
	}
	return commit(ctx, conn, after.writes, after.notify)
}
