package events

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// Hub shares one LISTEN on ChannelPositions among every waiter of a
// process: the Subscribe streams, and the Consumers woken with it. A
// LISTEN holds a connection outside the pool, so a connection per stream
// would let callers exhaust Postgres' connections. However many waiters
// there are, a process holds one listening connection, and waiters read
// the log through the pool. (The Relay keeps a connection of its own: its
// advisory lock must live and die with it.)
//
// A notification sent while no connection listens (before the first,
// between a failure and the reconnection) is lost; so the Hub reads the
// last position through the pool whenever it has heard nothing for
// FallbackPoll, and on each (re)connection, and wakes the waiters if the
// log moved. Waiters need no poll of their own.
type Hub struct {
	db     *store.DB
	poll   time.Duration
	logger *zap.Logger

	listening atomic.Bool
	// failing says the last attempt to listen failed.
	failing bool
	// backoff logs a run of failures to listen once.
	backoff *store.Backoff

	mu      sync.Mutex
	waiters map[*Waiter]struct{}
	// head is the last position the Hub knows was stamped.
	head int64
}

// NewHub returns a Hub listening on a connection of its own to db's
// server once Run runs. It panics on a nil dependency, a wiring error.
func NewHub(db *store.DB, logger *zap.Logger) *Hub {
	if db == nil || logger == nil {
		panic("events.NewHub: nil dependency")
	}
	logger = logger.Named("event-hub")
	return &Hub{db: db, poll: FallbackPoll, logger: logger, waiters: map[*Waiter]struct{}{},
		backoff: store.NewBackoff("event listener", FallbackPoll, FallbackPoll, logger)}
}

// Listening reports whether the Hub's connection listens now.
func (h *Hub) Listening() bool { return h.listening.Load() }

// Run listens and wakes the waiters until ctx ends. When the connection
// fails, or cannot be made, it wakes them all once, so that each reads
// through the pool (and its client learns at once if the database is
// gone); then it logs, polls through the pool and connects again every
// FallbackPoll. It returns nil when ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	for {
		if err := h.listen(ctx); err != nil && ctx.Err() == nil {
			// Polling until it reconnects; logged once per run of failures.
			h.backoff.Fail(fmt.Errorf("listening for positions: %w", err))
			if !h.failing {
				h.failing = true
				h.wake()
			}
		}
		if !sleep(ctx, h.poll) {
			return nil
		}
		h.check(ctx)
	}
}

// listen listens on a new connection until it fails or ctx ends.
func (h *Hub) listen(ctx context.Context) error {
	l, err := Listen(ctx, h.db.URL(), ChannelPositions)
	if err != nil {
		return err
	}
	defer l.Close(ctx)
	h.failing = false
	h.backoff.OK()
	h.listening.Store(true)
	defer h.listening.Store(false)
	// What was stamped while nothing listened is noticed now: listening
	// began before this read.
	h.check(ctx)
	for {
		n, err := l.next(ctx, h.poll)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		case n == nil: // quiet for a while: a notification may have been lost
			h.check(ctx)
		default:
			h.notified(n.Payload)
		}
	}
}

// check reads the last position through the pool and wakes the waiters if
// it is past the head. If the read fails it wakes them too: each then
// tries the pool itself, and if the database is gone its client is told
// so instead of waiting in silence.
func (h *Hub) check(ctx context.Context) {
	// Bounded, so that a pool busy with other calls delays notifications
	// by a poll at most.
	cctx, cancel := context.WithTimeout(ctx, h.poll)
	defer cancel()
	last, err := LastPosition(h.db.Session(cctx))
	if err != nil {
		if ctx.Err() == nil {
			h.logger.Debug("reading the last position failed", zap.Error(err))
			h.wake()
		}
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	moved := last > h.head
	h.head = last // lower only if the log was restored to an earlier state
	if moved {
		h.wakeLocked()
	}
}

// notified wakes every waiter for a notification whose payload is the
// last position stamped.
func (h *Hub) notified(payload string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p, err := strconv.ParseInt(payload, 10, 64); err == nil {
		h.head = max(h.head, p)
	}
	h.wakeLocked()
}

// wake wakes every waiter.
func (h *Hub) wake() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.wakeLocked()
}

func (h *Hub) wakeLocked() {
	for w := range h.waiters {
		select {
		case w.c <- struct{}{}:
		default: // already due to wake: wakes coalesce
		}
	}
}

// Waiter is woken each time the log moves on. A Waiter is used by one
// goroutine at a time.
type Waiter struct {
	hub *Hub
	c   chan struct{}
}

// Watch returns a Waiter woken each time positions are stamped from now
// on. Read the log after Watch returns, then Wait: what is stamped after
// the read wakes the Waiter. Close it when done.
func (h *Hub) Watch() *Waiter {
	w := &Waiter{hub: h, c: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.waiters[w] = struct{}{}
	return w
}

// Wait returns nil when the log may have moved on since the Waiter was
// made or since the last Wait returned (positions were stamped, or the
// Hub lost its connection and cannot tell), and ctx.Err() when ctx ends
// first.
func (w *Waiter) Wait(ctx context.Context) error {
	select {
	case <-w.c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops waking w.
func (w *Waiter) Close() {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	delete(w.hub.waiters, w)
}

// Waiters is how many Waiters are open.
func (h *Hub) Waiters() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.waiters)
}
