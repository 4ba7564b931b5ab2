package exchange_test

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
)

// benchType is the type of the events the benchmark appends: notes
// (eventstest.Note) attended by the event's number.
var benchType = events.MediationSession

// benchWriters concurrent writers (BENCH_EVENTS_WRITERS, default 16),
// over as many matters, append the events of each round: rate a second
// (BENCH_EVENTS_RATE, default 1,000) for a duration
// (BENCH_EVENTS_DURATION, default 10s), event k due at k/rate after the
// round starts, by writer k mod benchWriters. A writer that falls behind
// its schedule appends at once, so the achieved rate says whether the
// writers kept up: at 1,000 a second each of 16 writers has 16 ms for a
// commit.
func benchWriters(b *testing.B) int {
	if v := os.Getenv("BENCH_EVENTS_WRITERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 25 {
			b.Fatalf("BENCH_EVENTS_WRITERS=%q: want 1 to 25 (the pool has 30 connections)", v)
		}
		return n
	}
	return 16
}

// pace reads the rate and duration of a round from the environment.
func pace(b *testing.B) (rate int, d time.Duration) {
	rate, d = 1000, 10*time.Second
	if v := os.Getenv("BENCH_EVENTS_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("BENCH_EVENTS_RATE=%q: want a positive number of events a second", v)
		}
		rate = n
	}
	if v := os.Getenv("BENCH_EVENTS_DURATION"); v != "" {
		x, err := time.ParseDuration(v)
		if err != nil || x < time.Second {
			b.Fatalf("BENCH_EVENTS_DURATION=%q: want a duration of a second or more, like 10s", v)
		}
		d = x
	}
	return rate, d
}

// latencies records, per event, when its commit was issued and when the
// other side ran its handler.
type latencies struct {
	mu        sync.Mutex
	committed map[int]time.Time
	handled   map[int]time.Time
}

func (l *latencies) mark(m map[int]time.Time, k int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m[k] = time.Now()
}

// reset forgets what was recorded.
func (l *latencies) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.committed)
	clear(l.handled)
}

func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.handled)
}

// report prints p50 and p99 of commit → handler over every event, and the
// rate the commits achieved (events over the time from the first commit
// to the last), as a line scripts/bench.sh reads.
func (l *latencies) report(b *testing.B, via string, target int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var d []time.Duration
	var first, last time.Time
	for k, h := range l.handled {
		c := l.committed[k]
		d = append(d, h.Sub(c))
		if first.IsZero() || c.Before(first) {
			first = c
		}
		if c.After(last) {
			last = c
		}
	}
	slices.Sort(d)
	// Nearest rank: the smallest latency with q of the events at or below it.
	p := func(q float64) time.Duration { return d[max(int(math.Ceil(q*float64(len(d))))-1, 0)] }
	rate := 0.0
	if span := last.Sub(first); span > 0 {
		rate = float64(len(d)-1) / span.Seconds()
	}
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	b.ReportMetric(ms(p(0.50)), "p50-ms")
	b.ReportMetric(ms(p(0.99)), "p99-ms")
	b.ReportMetric(rate, "events/s")
	b.Logf("PROPAGATION via=%s events=%d target_per_s=%d rate_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
		via, len(d), target, rate, ms(p(0.50)), ms(p(0.99)), ms(d[len(d)-1]))
}

// floorSQL takes the committed events off the relay's queue, a batch at a
// time as the relay does, and answers the numbers of the bench events: the
// least a reader can do to get each committed event once, on this schema.
// It gives no positions, and run with synchronous_commit off it waits for
// no flush. Its plan follows keys as the relay's does (events.stampSQL):
// the queue's batch through = ANY of an array, each event looked up by id.
const floorSQL = `
WITH batch AS (
	DELETE FROM event_unstamped
	WHERE event_id = ANY (ARRAY(SELECT event_id FROM event_unstamped ORDER BY event_id LIMIT 1000))
	RETURNING event_id
)
SELECT e.payload->'attendees'->>0
FROM batch CROSS JOIN LATERAL (SELECT type, payload FROM events e WHERE e.id = batch.event_id OFFSET 0) e
WHERE e.type = $1`

// floorReader starts the floor's reader: woken by the writers' NOTIFY on
// events.ChannelEvents, it runs floorSQL on a connection of its own and
// marks each event it gets handled.
func floorReader(b *testing.B, db *store.DB, l *latencies) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(b.Context()))
	lis, err := events.Listen(ctx, db.URL(), events.ChannelEvents)
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, db.URL())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SET synchronous_commit = off"); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if err := lis.Wait(ctx, events.FallbackPoll); err != nil {
				return
			}
			rows, err := conn.Query(ctx, floorSQL, string(benchType))
			if err != nil {
				if ctx.Err() == nil {
					b.Error(err)
				}
				return
			}
			var n string
			_, err = pgx.ForEachRow(rows, []any{&n}, func() error {
				k, err := strconv.Atoi(n)
				if err != nil {
					return err
				}
				l.mark(l.handled, k)
				return nil
			})
			if err != nil && ctx.Err() == nil {
				b.Error(err)
				return
			}
		}
	}()
	b.Cleanup(func() {
		cancel()
		<-done
		lis.Close(context.Background())
		_ = conn.Close(context.Background())
	})
}

// BenchmarkPropagation measures how long an event takes from its commit
// on one side to a handler on the other, with benchWriters writers
// committing at a steady rate (pace): through the relay to an internal
// Consumer, and to a Subscribe stream over gRPC; and, as the floor the two
// are judged against, with no relay, to a reader that the writers' own
// NOTIFY wakes and that takes the events with one statement (floorSQL).
// The floor carries the same writers' load, so it is what this machine
// allows under it. Run it with scripts/bench-events.sh.
func BenchmarkPropagation(b *testing.B) {
	for _, via := range []string{"floor", "consumer", "subscribe"} {
		b.Run(via, func(b *testing.B) {
			ctx := b.Context()
			db := eventstest.Open(b, 30)
			if via != "floor" {
				eventstest.Relay(b, db)
			}
			l := &latencies{committed: map[int]time.Time{}, handled: map[int]time.Time{}}
			switch via {
			case "floor":
				floorReader(b, db, l)
			case "consumer":
				c := events.NewConsumer(db, "bench", []events.Type{benchType}, func(_ store.Tx, e events.Entry) error {
					p, err := events.Decode[events.SessionPayload](e.Event)
					if err != nil {
						return err
					}
					k, err := strconv.Atoi(p.Attendees[0])
					if err != nil {
						return err
					}
					l.mark(l.handled, k)
					return nil
				}, zap.NewNop())
				rctx, cancel := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { defer close(done); _ = c.Run(rctx) }()
				b.Cleanup(func() { cancel(); <-done })
			case "subscribe":
				env := authtest.New(b)
				conn := servertest.Start(b, register(b, db), env.ServerOptions()...)
				stream, err := ipcasev1.NewEventServiceClient(conn).Subscribe(authtest.WithToken(ctx, env.Admin(b)),
					&ipcasev1.SubscribeRequest{Types: []string{string(benchType)}})
				if err != nil {
					b.Fatal(err)
				}
				go func() {
					for {
						r, err := stream.Recv()
						if err != nil {
							return
						}
						k, err := strconv.Atoi(r.GetEvent().GetPayload().GetFields()["attendees"].GetListValue().GetValues()[0].GetStringValue())
						if err != nil {
							b.Error(err)
							return
						}
						l.mark(l.handled, k)
					}
				}()
			}
			rate, dur := pace(b)
			benchEvents := rate * int(dur/time.Second)
			every := time.Second / time.Duration(rate)
			writers := benchWriters(b)
			// Each writer appends to a matter of its own as ipcased's calls
			// append: the head of the chain locked and read with BEGIN, the
			// event written with COMMIT.
			matters, heads := make([]string, writers), make([]string, writers)
			for i := range matters {
				matters[i] = eventstest.Matter(b, db, "BENCH")
				var err error
				if heads[i], err = events.HeadLock(matters[i]); err != nil {
					b.Fatal(err)
				}
			}
			// send appends the events of round, n of them on schedule, and
			// waits until every event so far is handled.
			round := 0
			send := func(n int) {
				var wg sync.WaitGroup
				start := time.Now()
				for w := range writers {
					wg.Go(func() {
						for i := w; i < n; i += writers {
							if wait := time.Until(start.Add(time.Duration(i) * every)); wait > 0 {
								t := time.NewTimer(wait)
								select {
								case <-t.C:
								case <-ctx.Done():
									t.Stop()
									return
								}
							}
							k := round*benchEvents + i
							err := db.InTxAfter(ctx, []store.First{{SQL: heads[w]}}, func(tx store.Tx, rows []store.Text) error {
								ws, err := eventstest.Log.AppendStateWritesOn(rows[0], matters[w], eventstest.Actor, time.Now(), nil,
									eventstest.Note(strconv.Itoa(k)))
								if err != nil {
									return err
								}
								l.mark(l.committed, k) // the commit is issued next, with the event
								return tx.WriteAtCommit(ws...)
							})
							if err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				round++
				eventstest.Eventually(b, time.Minute, "every event handled", func() bool { return l.count() == len(l.committed) })
			}
			// A second at the rate first, not measured: it opens the pool's
			// connections and prepares their statements, which a running
			// ipcased has long done.
			send(rate)
			l.reset()
			for b.Loop() {
				send(benchEvents)
			}
			l.report(b, via, rate)
		})
	}
}
