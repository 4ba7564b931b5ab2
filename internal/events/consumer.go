package events

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/ipcase/ipcase/internal/store"
)

// Handler applies one event inside tx, the transaction that also moves the
// consumer's cursor past it. If the handler fails, or the process dies
// before the commit, the event is delivered again, and when it fails the
// events before it in its page are too; so a handler must be idempotent,
// deciding by the event and the database alone: key what it writes on the
// event (matter and sequence) and make anything it does outside tx safe to
// repeat.
type Handler func(tx store.Tx, e Entry) error

// consumerBatch is how many positions a consumer reads at a time.
const consumerBatch = 200

var consumerName = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)

// Consumer is one of ipcased's own consumers of the log: a named cursor in
// consumer_cursors and a Handler for some event types.
type Consumer struct {
	db     *store.DB
	name   string
	types  []Type
	handle Handler
	logger *zap.Logger
	// hub, when set, wakes the consumer instead of a listening connection
	// of its own.
	hub *Hub
	// backoff paces retries while applying fails, and logs such a run once.
	backoff *store.Backoff
}

// NewConsumer returns the consumer name (lower case, `[a-z][a-z0-9_.-]*`)
// of the events of types (all types when empty) applied by h. It panics on
// a nil dependency or a bad name, which are wiring errors.
func NewConsumer(db *store.DB, name string, types []Type, h Handler, logger *zap.Logger) *Consumer {
	if db == nil || h == nil || logger == nil || !consumerName.MatchString(name) {
		panic("events.NewConsumer: nil dependency or bad name " + name)
	}
	logger = logger.Named("event-consumer").With(zap.String("consumer", name))
	return &Consumer{db: db, name: name, types: types, handle: h, logger: logger,
		backoff: store.NewBackoff("consumer "+name, time.Second, maxBackoff, logger)}
}

// Name is the consumer's name, the key of its cursor.
func (c *Consumer) Name() string { return c.name }

// Run applies events as they are stamped until ctx ends, woken by the
// relay's notifications and at least every FallbackPoll. A handler error,
// or a database that does not answer, is retried with backoff (up to
// maxBackoff), logged once per run of failures. Run returns nil when
// ctx ends. Consumers of the same name on several replicas take turns on
// the cursor's row lock, so each event is still applied once in effect.
func (c *Consumer) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		if err := c.follow(ctx); err != nil && ctx.Err() == nil {
			if !sleep(ctx, c.backoff.Fail(fmt.Errorf("following the log: %w", err))) {
				break
			}
		}
	}
	return nil
}

func (c *Consumer) follow(ctx context.Context) error {
	// wait returns when the log may have moved on.
	var wait func(context.Context) error
	if c.hub != nil {
		w := c.hub.Watch()
		defer w.Close()
		wait = w.Wait
	} else {
		l, err := Listen(ctx, c.db.URL(), ChannelPositions)
		if err != nil {
			return err
		}
		defer l.Close(ctx)
		wait = func(ctx context.Context) error { return l.Wait(ctx, FallbackPoll) }
	}
	for {
		if _, err := c.ConsumeOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// Retry after the backoff whether or not the log moves: the
			// same events wait, and waking on it cannot help.
			if !sleep(ctx, c.backoff.Fail(fmt.Errorf("applying events: %w", err))) {
				return nil
			}
			continue
		}
		c.backoff.OK()
		if err := wait(ctx); err != nil {
			return err
		}
	}
}

// ConsumeOnce applies every stamped event after the cursor, in
// transactions of up to a page of events that also move the cursor, and
// returns how many the handler applied. It stops at the first handler
// error, which it returns after committing the events before it.
func (c *Consumer) ConsumeOnce(ctx context.Context) (int, error) {
	applied := 0
	for {
		n, more, err := c.step(ctx)
		applied += n
		if err != nil || !more {
			return applied, err
		}
	}
}

// cursorLock reads a consumer's cursor and locks it.
const cursorLock = `SELECT position FROM consumer_cursors WHERE name = ? FOR UPDATE`

// handlerError is a handler's error at the event at position.
type handlerError struct {
	position int64
	err      error
}

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// step applies a page of the events after the cursor and moves the cursor
// past them, in one transaction, and reports whether more may follow. A
// handler error undoes that event only: the transaction is rolled back
// whole, and the events before the failing one are applied again in a new
// one (handlers are idempotent), which moves the cursor to just before it
// (creating it if this was its first use) and commits; then the error is
// returned. Handlers run without a savepoint each, which would cost a
// round trip per event: a page of any size reaches its handlers on the
// second round trip and commits on the third.
func (c *Consumer) step(ctx context.Context) (applied int, more bool, err error) {
	applied, more, err = c.apply(ctx, 0)
	for failed := (*handlerError)(nil); errors.As(err, &failed); {
		// Again, up to the event that failed. If an earlier one fails this
		// time, stop before that one instead.
		first := err
		if applied, _, err = c.apply(ctx, failed.position); err == nil {
			return applied, false, first
		}
	}
	return applied, more, err
}

// apply runs step's transaction: it locks the cursor (creating it on first
// use), reads a page on from it and applies the events the consumer wants
// that come before position before (every one when before is 0). The
// cursor's lock goes with BEGIN and its move with COMMIT. When a handler
// fails, apply rolls everything back and returns a *handlerError.
func (c *Consumer) apply(ctx context.Context, before int64) (applied int, more bool, err error) {
	lock, err := store.Inline(cursorLock, c.name)
	if err != nil {
		return 0, false, err
	}
	var herr *handlerError
	err = c.db.InTxAfter(ctx, []store.First{{SQL: lock}}, func(tx store.Tx, rows []store.Text) error {
		var cur struct{ Position int64 }
		if len(rows[0]) == 1 {
			p, err := strconv.ParseInt(string(rows[0][0][0]), 10, 64)
			if err != nil {
				return err
			}
			cur.Position = p
		} else { // the cursor's first use
			g := tx.Gorm()
			if err := g.Exec(`INSERT INTO consumer_cursors (name) VALUES (?) ON CONFLICT DO NOTHING`, c.name).Error; err != nil {
				return err
			}
			if err := g.Raw(cursorLock, c.name).Take(&cur).Error; err != nil {
				return err
			}
		}
		page, err := ReadAfter(tx, c.types, cur.Position, consumerBatch)
		if err != nil {
			return err
		}
		next := cur.Position
		for _, e := range page.Entries {
			if before != 0 && e.Position >= before {
				break
			}
			if err := c.handle(tx, e); err != nil {
				herr = &handlerError{e.Position, fmt.Errorf("handler at position %d (%s %s/%d): %w", e.Position, e.Event.Type, e.Event.MatterID, e.Event.Seq, err)}
				return herr // rolls back
			}
			next, applied = e.Position, applied+1
		}
		if before == 0 { // past the page, also the positions of other types
			next, more = page.Scanned, page.Full
		}
		if next == cur.Position {
			return nil
		}
		return tx.WriteAtCommit(store.Write{SQL: `UPDATE consumer_cursors SET position = ?, update_time = now() WHERE name = ?`, Args: []any{next, c.name}})
	})
	switch {
	case herr != nil:
		return 0, false, fmt.Errorf("events: consumer %s: %w", c.name, herr)
	case err != nil:
		return 0, false, fmt.Errorf("events: consumer %s: %w", c.name, store.Translate(err))
	}
	return applied, more, nil
}

// Position returns the consumer's cursor: the last position it is done
// with, 0 before it starts.
func (c *Consumer) Position(ctx context.Context) (int64, error) {
	var pos []int64
	err := c.db.Session(ctx).Gorm().Raw(`SELECT position FROM consumer_cursors WHERE name = ?`, c.name).Scan(&pos).Error
	if err != nil || len(pos) == 0 {
		return 0, store.Translate(err)
	}
	return pos[0], nil
}

// Consumers is the registry of ipcased's own consumers: a package that
// must react to the other side's events (the administrative side to
// judgments, the judicial side to transfers and confirmation requests)
// registers a Handler under a stable name, and Run drives them all.
type Consumers struct {
	db     *store.DB
	logger *zap.Logger
	hub    *Hub
	list   []*Consumer
}

// NewConsumers returns an empty registry over db.
func NewConsumers(db *store.DB, logger *zap.Logger) *Consumers {
	return &Consumers{db: db, logger: logger}
}

// Register adds the consumer name for the events of types, applied by h,
// and returns it. The name keys its cursor, so renaming a consumer starts
// it again from the beginning of the log. It panics on a duplicate or bad
// name, which are wiring errors.
func (cs *Consumers) Register(name string, types []Type, h Handler) *Consumer {
	for _, c := range cs.list {
		if c.name == name {
			panic("events.Consumers.Register: duplicate consumer " + name)
		}
	}
	c := NewConsumer(cs.db, name, types, h, cs.logger)
	c.hub = cs.hub
	cs.list = append(cs.list, c)
	return c
}

// WakeWith makes the consumers, those registered already and those to
// come, wait on h, the process's one listening connection, instead of a
// listening connection each. Call it before Run.
func (cs *Consumers) WakeWith(h *Hub) {
	cs.hub = h
	for _, c := range cs.list {
		c.hub = h
	}
}

// Failures is how many times the registered consumers failed to apply
// events or to follow the log, together, since the start.
func (cs *Consumers) Failures() int64 {
	var n int64
	for _, c := range cs.list {
		n += c.backoff.Failures()
	}
	return n
}

// Run runs every registered consumer until ctx ends; it returns nil then.
func (cs *Consumers) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, c := range cs.list {
		g.Go(func() error { return c.Run(ctx) })
	}
	return g.Wait()
}
