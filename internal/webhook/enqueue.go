package webhook

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// ConsumerName is the name of the consumer that enqueues deliveries; its
// cursor is in consumer_cursors.
const ConsumerName = "webhooks"

// Register adds the consumer that enqueues a delivery of every event (all
// types) for each live webhook acting for a party of the event's matter,
// whose parties fs knows.
func Register(cs *events.Consumers, fs *filing.Store, now func() time.Time) *events.Consumer {
	return cs.Register(ConsumerName, nil, Enqueuer(fs, now))
}

// Enqueuer returns the consumer's handler. For each live webhook whose
// parties include a party of the event's matter, it computes the rights
// holder's projection of the event (filing.PublicEvent, for the webhook's
// parties), skips the event when the projection is nil, and inserts a
// pending delivery in tx, at most once per webhook and event.
func Enqueuer(fs *filing.Store, now func() time.Time) events.Handler {
	return func(tx store.Tx, e events.Entry) error {
		parties, err := fs.PartyIDs(tx, e.Event.MatterID)
		if err != nil {
			return err
		}
		arr, err := uuidArray(parties)
		if err != nil {
			return err
		}
		var hooks []webhookRow
		err = tx.Gorm().Raw(`SELECT `+webhookCols+` FROM webhooks w
			WHERE w.delete_time IS NULL AND w.parties && ?::uuid[] ORDER BY w.id`, arr).Scan(&hooks).Error
		if err != nil {
			return fmt.Errorf("webhooks of matter %s: %w", e.Event.MatterID, err)
		}
		at := now().UTC()
		for _, r := range hooks {
			w := r.webhook()
			p := auth.Principal{Subject: w.Owner, Role: auth.RightsHolder, Parties: w.Parties}
			pe := filing.PublicEvent(p, events.ToProto(e.Event))
			if pe == nil {
				continue
			}
			body, err := protojson.Marshal(pe)
			if err != nil {
				return err
			}
			err = tx.Gorm().Exec(`INSERT INTO webhook_deliveries (id, webhook_id, matter_id, position, event_id, event_seq, body,
					state, next_attempt_at, create_time)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (webhook_id, event_id) DO NOTHING`,
				uuid.NewString(), w.ID, e.Event.MatterID, e.Position, e.Event.ID, e.Event.Seq, body,
				StatePending, at, at).Error
			if err != nil {
				return fmt.Errorf("enqueueing for webhook %s: %w", w.ID, err)
			}
		}
		return nil
	}
}
