package events

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
)

// Notification channels. Postgres delivers a notification when the
// transaction that sent it commits, so a listener is never woken for
// something it cannot yet read.
const (
	// ChannelEvents is notified after every transaction that appends
	// events commits, from outside it (store.Write.Notify); the relay
	// listens on it.
	ChannelEvents = "ipcase_events"
	// ChannelPositions is notified by the relay each time it stamps
	// positions, with the last position as payload; streams and consumers
	// listen on it.
	ChannelPositions = "ipcase_positions"
)

// FallbackPoll bounds how long a lost notification can delay a listener:
// waits end after it even when nothing was notified.
const FallbackPoll = 5 * time.Second

// Listener receives the notifications of one channel on a Postgres
// connection of its own, outside the pool (a LISTEN holds its session).
type Listener struct {
	conn *pgx.Conn
}

// Listen connects to dsn and listens on channel. Close the Listener when
// done.
func Listen(ctx context.Context, dsn, channel string) (*Listener, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, feedUnavailable(fmt.Errorf("events: listen connection to %s: %w", store.Redact(dsn), err))
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		_ = conn.Close(ctx)
		return nil, feedUnavailable(fmt.Errorf("events: LISTEN %s: %w", channel, err))
	}
	return &Listener{conn: conn}, nil
}

// Wait returns when a notification arrives, when d has passed, or when ctx
// ends. It returns an error only when ctx ended (ctx.Err()) or the
// connection failed; a Listener whose Wait failed for another reason must
// be closed and replaced.
func (l *Listener) Wait(ctx context.Context, d time.Duration) error {
	_, err := l.next(ctx, d)
	return err
}

// next is Wait that also returns the notification, nil when d passed
// without one.
func (l *Listener) next(ctx context.Context, d time.Duration) (*pgconn.Notification, error) {
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	n, err := l.conn.WaitForNotification(wctx)
	switch {
	case err == nil:
		return n, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded) || wctx.Err() != nil:
		if l.conn.IsClosed() {
			return nil, feedUnavailable(fmt.Errorf("events: listen connection closed: %w", err))
		}
		return nil, nil // the fallback poll
	}
	return nil, feedUnavailable(fmt.Errorf("events: waiting for a notification: %w", err))
}

// feedUnavailable is a failure of the listening connection as a caller
// may read it: UNAVAILABLE, "the event feed is unavailable; retry". The
// detail (the redacted URL, the driver's text) stays in the chain, for
// the log only.
func feedUnavailable(err error) error {
	return errs.Wrap(errs.Unavailable, err, "the event feed is unavailable; retry")
}

// Close ends the Listener's session, and with it the listen and any lock
// it held. It works when ctx has already ended.
func (l *Listener) Close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = l.conn.Close(ctx)
}
