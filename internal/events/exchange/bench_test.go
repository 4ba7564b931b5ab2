package exchange_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

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

// benchEvents is how many events each round appends, from benchWriters
// concurrent writers over as many matters.
const (
	benchEvents  = 1000
	benchWriters = 4
)

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

func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.handled)
}

// report prints p50 and p99 of commit → handler over every event.
func (l *latencies) report(b *testing.B) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var d []time.Duration
	for k, h := range l.handled {
		d = append(d, h.Sub(l.committed[k]))
	}
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))] }
	b.ReportMetric(float64(p(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
	b.Logf("%d events, commit → handler: p50 %s, p99 %s, max %s", len(d), p(0.50), p(0.99), d[len(d)-1])
}

// BenchmarkPropagation measures how long an event takes from its commit
// on one side to a handler on the other, through the relay, with
// benchWriters writers committing as fast as they can: through an
// internal Consumer, and through a Subscribe stream over gRPC. Run it with
// scripts/bench-events.sh.
func BenchmarkPropagation(b *testing.B) {
	for _, via := range []string{"consumer", "subscribe"} {
		b.Run(via, func(b *testing.B) {
			ctx := b.Context()
			db := eventstest.Open(b, 30)
			eventstest.Relay(b, db)
			l := &latencies{committed: map[int]time.Time{}, handled: map[int]time.Time{}}
			switch via {
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
			matters := make([]string, benchWriters)
			for i := range matters {
				matters[i] = eventstest.Matter(b, db, "BENCH")
			}
			round := 0
			for b.Loop() {
				var wg sync.WaitGroup
				for w := range benchWriters {
					wg.Go(func() {
						for i := w; i < benchEvents; i += benchWriters {
							k := round*benchEvents + i
							err := db.InTx(ctx, func(tx store.Tx) error {
								if err := eventstest.Log.Append(tx, matters[w], eventstest.Actor, time.Now(), eventstest.Note(strconv.Itoa(k))); err != nil {
									return err
								}
								l.mark(l.committed, k) // the commit is issued next
								return nil
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
				eventstest.Eventually(b, time.Minute, "every event handled", func() bool { return l.count() == round*benchEvents })
			}
			l.report(b)
		})
	}
}
