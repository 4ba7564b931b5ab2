package exchange_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestSubscribeReorderedCommits holds transactions open and commits them
// against id order, each while a live stream is waiting, then lets
// concurrent writers race; the stream must carry every event exactly once,
// gap-free, each matter in sequence order. It also checks that the run
// did reorder commits, so that "id > cursor" would have skipped events.
func TestSubscribeReorderedCommits(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := eventstest.Open(t, 40)
	eventstest.Relay(t, db, url)
	env := authtest.New(t)
	conn := servertest.Start(t, register(db), env.ServerOptions()...)
	const n = 4
	matters := make([]string, n)
	for i := range matters {
		matters[i] = eventstest.Matter(t, db, "SAMR-HZ")
	}
	s := follow(t, authtest.WithToken(ctx, env.Admin(t)), conn, 0, nil)
	s.waitFor(t, n) // the matters' first events

	cp := events.NewEphemeralCheckpoints()
	txs := make([]*gorm.DB, n)
	for i := range txs {
		txs[i] = db.WithContext(ctx).Begin()
		defer txs[i].Rollback()
		err := events.Append(txs[i], cp, matters[i], eventstest.Actor, time.Now(), events.Record{Type: "test.held", Payload: map[string]int{"tx": i}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for k, i := range []int{3, 1, 0, 2} {
		if err := txs[i].Commit().Error; err != nil {
			t.Fatal(err)
		}
		// Delivered while the lower ids are still uncommitted.
		got := s.waitFor(t, n+k+1)
		if tx := got[len(got)-1].GetEvent().GetPayload().GetFields()["tx"].GetNumberValue(); int(tx) != i {
			t.Fatalf("commit %d delivered transaction %v, want %d", k, tx, i)
		}
	}

	const writers, each = 8, 25
	errc := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := 0; i < each && err == nil; i++ {
				err = eventstest.Append(ctx, db, matters[(w+i)%n], "test.race", nil)
			}
			errc <- err
		}()
	}
	for range writers {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	total := 2*n + writers*each
	checkStream(t, s.waitFor(t, total), 1)

	var stored int64
	if err := db.WithContext(ctx).Table("events").Count(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored != int64(total) {
		t.Errorf("%d events stored, %d delivered", stored, total)
	}
	// The trap was set: some event was positioned after one with a higher
	// id, which a reader of "id > last id seen" would have skipped.
	var ids []int64
	if err := db.WithContext(ctx).Raw(`SELECT event_id FROM event_positions ORDER BY position`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	skippable, maxID := 0, int64(0)
	for _, id := range ids {
		if id < maxID {
			skippable++
		}
		maxID = max(maxID, id)
	}
	if skippable == 0 {
		t.Error("no event was positioned behind a higher id: the test did not reorder commits")
	}
	t.Logf("%d of %d events would have been skipped by id > cursor", skippable, total)
}
