package main

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap/zaptest"

	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/metrics"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestStoreReading checks the reading behind the store gauges against rows
// the owning packages wrote: a consumer behind the log by the events it has
// not applied, an event not stamped yet, and deadlines approaching, overdue
// and missed, counted from the day it is in China Standard Time.
func TestStoreReading(t *testing.T) {
	ctx := t.Context()
	db := storetest.NewDB(t)
	log := eventstest.Log
	fs := filing.NewStore(db, log, chaintest.Routes()...)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	clocks := clock.NewStore(db, cal, log)
	matter := eventstest.Matter(t, db, "NCAC-FJ", "京73")
	eventstest.Matter(t, db, "NCAC-FJ")

	// 16:30 UTC on Wed 2024-03-13 is 00:30 on Thu 2024-03-14 in China:
	// today is the 14th there. Every due day below is an ordinary working
	// day, so that a 15-day period (CPL Art. 171) triggered 15 days before
	// it ends on it.
	now := time.Date(2024, 3, 13, 16, 30, 0, 0, time.UTC)
	today := civil.Today(now)
	missed := ""
	err = db.InTx(ctx, func(tx store.Tx) error {
		m, err := fs.Lock(tx, filing.MatterID(matter))
		if err != nil {
			return err
		}
		var trial string
		for _, p := range m.Proceedings {
			if p.Kind == filing.KindTrial {
				trial = string(p.ID)
			}
		}
		for _, d := range []struct {
			kind string
			due  int
		}{
			{"test.approaching", 0},      // Thu 03-14: today
			{"test.approaching_late", 6}, // Wed 03-20: the last day of the 7-day window
			{"test.far", 7},              // Thu 03-21: past it
			{"test.overdue", -1},         // Wed 03-13: yesterday, not yet swept
			{"test.missed", -3},          // Mon 03-11: swept as missed below
		} {
			due := today.AddDays(d.due)
			got, err := clocks.Open(tx, clock.Spec{Matter: m, ProceedingID: trial, Kind: d.kind, Trigger: due.AddDays(-15),
				Period: deadline.JudgmentAppeal})
			if err != nil {
				return err
			}
			if got.Due != due {
				t.Fatalf("%s: due %s, want %s", d.kind, got.Due, due)
			}
			if d.kind == "test.missed" {
				missed = got.ID
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The sweep of Tue 03-12 marks the deadline due on Monday missed, and
	// writes deadline.missed.
	sweep, err := clock.NewSweeper(clocks, clock.Config{SweepInterval: time.Minute}, zaptest.NewLogger(t)).
		SweepOnce(ctx, time.Date(2024, 3, 12, 9, 0, 0, 0, civil.China))
	if err != nil || sweep.Missed != 1 {
		t.Fatalf("sweep: %+v, %v", sweep, err)
	}
	if d, err := clocks.Get(ctx, missed); err != nil || d.Status != clock.StatusMissed {
		t.Fatalf("test.missed after the sweep: %s, %v", d.Status, err)
	}

	stamped, err := events.Stamp(ctx, db, 1000)
	if err != nil || stamped < 3 {
		t.Fatalf("stamped %d events, want the 2 filings and the missed deadline: %v", stamped, err)
	}
	// A consumer that applied two positions, then failed on the third,
	// lags by the rest. (Its handler fails on that event whenever it is
	// given it, as an idempotent handler would.)
	behind := events.NewConsumer(db, "test.behind", nil, func(_ store.Tx, e events.Entry) error {
		if e.Position == 3 {
			return errors.New("stop here")
		}
		return nil
	}, zaptest.NewLogger(t))
	if n, err := behind.ConsumeOnce(ctx); n != 2 || err == nil {
		t.Fatalf("ConsumeOnce: applied %d, %v; want 2 and the handler's error", n, err)
	}
	// One more event, committed after the stamp.
	if err := eventstest.Append(ctx, db, matter, eventstest.Note("李明")); err != nil {
		t.Fatal(err)
	}

	got, err := storeReading(db, clocks, func() time.Time { return now })(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := metrics.Reading{Position: int64(stamped), Unstamped: 1, Lag: map[string]int64{"test.behind": int64(stamped) - 2},
		Deadlines: []metrics.DeadlineCounts{
			{Kind: "test.approaching", Approaching: 1},
			{Kind: "test.approaching_late", Approaching: 1},
			{Kind: "test.far"},
			{Kind: "test.missed", Missed: 1},
			{Kind: "test.overdue", Overdue: 1},
		}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reading (-want +got):\n%s", diff)
	}
}
