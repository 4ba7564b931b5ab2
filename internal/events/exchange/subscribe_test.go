package exchange_test

import (
	"strconv"
	"testing"

	"github.com/ipcase/ipcase/internal/auth/authtest"
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
	db := eventstest.Open(t, 40)
	eventstest.Relay(t, db)
	env := authtest.New(t)
	conn := servertest.Start(t, register(t, db), env.ServerOptions()...)
	const n = 4
	matters := make([]string, n)
	for i := range matters {
		matters[i] = eventstest.Matter(t, db, "SAMR-HZ")
	}
	s := subscribe(authtest.WithToken(ctx, env.Admin(t)), t, conn, nil)
	s.waitFor(t, n) // the matters' first events

	// Transaction i writes a note attended by "i".
	txs := make([]*heldTx, n)
	for i := range txs {
		txs[i] = hold(t, db, matters[i], eventstest.Note(strconv.Itoa(i)))
	}
	for k, i := range []int{3, 1, 0, 2} {
		if err := txs[i].commit(); err != nil {
			t.Fatal(err)
		}
		// Delivered while the lower ids are still uncommitted.
		got := s.waitFor(t, n+k+1)
		attendees := got[len(got)-1].GetEvent().GetPayload().GetFields()["attendees"].GetListValue().GetValues()
		if len(attendees) != 1 || attendees[0].GetStringValue() != strconv.Itoa(i) {
			t.Fatalf("commit %d delivered the note of %v, want transaction %d's", k, attendees, i)
		}
	}

	const writers, each = 8, 25
	errc := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := 0; i < each && err == nil; i++ {
				err = eventstest.Append(ctx, db, matters[(w+i)%n], eventstest.Note("race"))
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
	checkStream(t, s.waitFor(t, total))

	var stored int64
	if err := db.Session(ctx).Gorm().Table("events").Count(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored != int64(total) {
		t.Errorf("%d events stored, %d delivered", stored, total)
	}
	// The trap was set: some event was positioned after one with a higher
	// id, which a reader of "id > last id seen" would have skipped.
	var ids []int64
	if err := db.Session(ctx).Gorm().Raw(`SELECT event_id FROM event_positions ORDER BY position`).Scan(&ids).Error; err != nil {
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
