package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"
)

// LeaseCheck is how often a leader checks that the session holding its
// lock is still there. Postgres frees a session's advisory locks the
// moment the session ends (pg_terminate_backend, a restart, a dropped
// connection), and another replica may take them at once; the leader
// learns it only by using the connection, so it pings it this often and
// stops leading at the first failed ping.
const LeaseCheck = 500 * time.Millisecond

// leaseTimeout bounds a ping: a session that does not answer within it is
// treated as lost, so a leader cut off by the network also stops (its lock
// may then stay held until Postgres notices the dead connection, which
// delays the next leader but never makes two).
const leaseTimeout = 1500 * time.Millisecond

// LeaseRetry is how often, by default, a replica that does not lead tries
// the lock: with LeaseCheck it bounds how long a task goes unled after its
// leader's session ends (about LeaseCheck + LeaseRetry).
const LeaseRetry = time.Second

// maxBackoff caps the wait between attempts while the database fails:
// the task resumes within it of the database's return.
const maxBackoff = 5 * time.Second

// errLeaseLost ends a leader's work when its lock's session is gone.
var errLeaseLost = errors.New("the session holding the lock is gone")

// Singleton runs a task on one replica of the cluster at a time: the
// replica whose session holds the Postgres session-level advisory lock
// key. The lock lives on a connection of its own, outside the pool, so the
// work's queries never ride on it; while leading, the connection is pinged
// every LeaseCheck and the work is stopped at once when it fails.
//
// Leadership is an efficiency, not a safety, guarantee: between the loss
// of a session and its owner's next ping (at most LeaseCheck) another
// replica may already lead, so every singleton's work must be safe to run
// twice at once (the relay serializes stamping with a transaction lock,
// the sweeper and the cleaner lock each row they change).
type Singleton struct {
	db      *DB
	task    string
	key     int64
	retry   time.Duration
	logger  *zap.Logger
	backoff *Backoff

	leading  atomic.Bool
	attempts atomic.Int64
	terms    atomic.Int64
}

// Singleton returns the singleton task (its name in logs and metrics)
// over the advisory lock key, trying the lock every retry (LeaseRetry when
// zero) while another replica leads. It panics on a nil logger, a wiring
// error.
func (db *DB) Singleton(task string, key int64, retry time.Duration, logger *zap.Logger) *Singleton {
	if logger == nil {
		panic("store.Singleton: nil logger")
	}
	if retry <= 0 {
		retry = LeaseRetry
	}
	return &Singleton{db: db, task: task, key: key, retry: retry, logger: logger,
		backoff: NewBackoff(task, min(retry, maxBackoff), maxBackoff, logger)}
}

// Leading reports whether this replica leads the task now. It turns false
// as soon as a ping finds the lock's session gone, before the work has
// returned.
func (s *Singleton) Leading() bool { return s.leading.Load() }

// Backoff paces the task's own retries; the work shares it, so that one
// run of failures is logged once whether the lock or the work met it.
func (s *Singleton) Backoff() *Backoff { return s.backoff }

// Attempts is how many times Run has tried the lock; Terms how many times
// it took it.
func (s *Singleton) Attempts() int64 { return s.attempts.Load() }

// Terms is how many times Run has taken the lock.
func (s *Singleton) Terms() int64 { return s.terms.Load() }

// Run competes for the lock until ctx ends. Each time it takes the lock it
// runs work with a context that ends when ctx does or when the lock's
// session is lost; when work returns it releases the lock and competes
// again. Failures (no connection, a work error) are retried with backoff,
// never returned: Run returns nil when ctx ends.
func (s *Singleton) Run(ctx context.Context, work func(ctx context.Context) error) error {
	var conn *pgx.Conn
	defer func() { closeConn(ctx, conn) }()
	for {
		s.attempts.Add(1)
		var err error
		conn, err = s.attempt(ctx, conn, work)
		wait := s.retry
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			wait = s.backoff.Fail(fmt.Errorf("%s: %w", s.task, err))
		default:
			s.backoff.OK()
			// ±20 %, so that replicas started together do not ask in step.
			wait = wait*4/5 + rand.N(wait*2/5+1) //nolint:gosec // G404: jitter needs no secret randomness
		}
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// attempt tries the lock on conn (a new connection when conn is nil or
// closed) and, if it gets it, leads until work returns or the session is
// lost. It returns the connection to try again on, nil when it is unusable.
func (s *Singleton) attempt(ctx context.Context, conn *pgx.Conn, work func(context.Context) error) (*pgx.Conn, error) {
	if conn == nil || conn.IsClosed() {
		c, err := pgx.Connect(ctx, s.db.URL())
		if err != nil {
			return nil, fmt.Errorf("lock connection to the database: %w", err)
		}
		conn = c
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, s.key).Scan(&ok); err != nil {
		closeConn(ctx, conn)
		return nil, fmt.Errorf("taking the lock: %w", err)
	}
	if !ok {
		return conn, nil
	}
	s.terms.Add(1)
	err := s.lead(ctx, conn, work)
	if errors.Is(err, errLeaseLost) {
		closeConn(ctx, conn)
		return nil, err
	}
	// Unlock, keeping the session for the next try; if that fails, ending
	// the session frees the lock.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if _, uerr := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, s.key); uerr != nil {
		closeConn(ctx, conn)
		return nil, err
	}
	s.logger.Info("released the lock", zap.String("task", s.task))
	return conn, err
}

// lead runs work while conn's session answers. It returns an error
// wrapping errLeaseLost when the session was lost, and work's error.
func (s *Singleton) lead(ctx context.Context, conn *pgx.Conn, work func(context.Context) error) error {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.leading.Store(true)
	defer s.leading.Store(false)
	s.logger.Info("took the lock", zap.String("task", s.task))
	watched := make(chan error, 1)
	go func() {
		err := s.watch(wctx, conn)
		if err != nil {
			s.leading.Store(false) // before the work has noticed
			cancel(errLeaseLost)
		}
		watched <- err
	}()
	werr := work(wctx)
	cancel(nil)
	lost := <-watched
	if lost != nil {
		s.logger.Warn("lost the lock: its session is gone; stopped leading", zap.String("task", s.task), zap.Error(lost))
		return fmt.Errorf("%w: %w", errLeaseLost, lost)
	}
	if werr != nil && ctx.Err() == nil {
		return fmt.Errorf("leading: %w", werr)
	}
	return nil
}

// watch pings conn every LeaseCheck until ctx ends (nil) or a ping fails
// (its error).
func (s *Singleton) watch(ctx context.Context, conn *pgx.Conn) error {
	t := time.NewTicker(LeaseCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, leaseTimeout)
		err := conn.Ping(pctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		}
	}
}

// closeConn ends conn's session, and with it every lock it held. It works
// when ctx has already ended.
func closeConn(ctx context.Context, conn *pgx.Conn) {
	if conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
