package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/store"
)

// Actor is whoever caused an event.
type Actor struct {
	Subject string
	Role    string
	Org     string
}

type actorKey struct{}

// WithActor returns a context carrying the actor of the current request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or an anonymous actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Subject: "anonymous", Role: "none"}
}

// Record is an event a domain change wants written.
type Record struct {
	// Type is the dotted event type, e.g. `complaint.accepted`.
	Type string
	// ProceedingID is the proceeding the event concerns, if any.
	ProceedingID string
	// Payload is marshalled to JSON; the exact bytes are hashed and kept.
	Payload any
}

// Event is a stored event.
type Event struct {
	ID           int64
	MatterID     string
	Seq          int64
	Type         string
	ProceedingID string
	Actor        Actor
	OccurTime    time.Time
	Payload      json.RawMessage
	PrevHash     []byte
	Hash         []byte
}

type eventRow struct {
	ID           int64 `gorm:"primaryKey"`
	MatterID     string
	Seq          int64
	Type         string
	ProceedingID *string
	ActorSubject string
	ActorRole    string
	ActorOrg     string
	OccurTime    time.Time
	Payload      []byte `gorm:"type:json"`
	PrevHash     []byte
	Hash         []byte
}

func (eventRow) TableName() string { return "events" }

type headRow struct {
	MatterID  string `gorm:"primaryKey"`
	Seq       int64
	Hash      []byte
	KeyID     string
	Signature []byte
}

func (headRow) TableName() string { return "event_heads" }

// Append writes recs as the next events of matterID, chained to the current
// head, and moves the head, signed with cp. Call it inside the transaction
// that makes the change the events report.
func Append(tx *gorm.DB, cp *Checkpoints, matterID string, actor Actor, at time.Time, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	var heads []headRow
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("matter_id = ?", matterID).Limit(1).Find(&heads).Error; err != nil {
		return fmt.Errorf("events: head of %s: %w", matterID, store.Translate(err))
	}
	head := headRow{MatterID: matterID}
	if len(heads) == 1 {
		head = heads[0]
	}
	at = at.UTC().Truncate(time.Microsecond) // what Postgres keeps
	rows := make([]eventRow, len(recs))
	for i, r := range recs {
		payload, err := json.Marshal(r.Payload)
		if err != nil {
			return fmt.Errorf("events: payload of %s: %w", r.Type, err)
		}
		e := Event{MatterID: matterID, Seq: head.Seq + 1, Type: r.Type, ProceedingID: r.ProceedingID,
			Actor: actor, OccurTime: at, Payload: payload, PrevHash: head.Hash}
		e.Hash = e.computeHash()
		rows[i] = toRow(e)
		head.Seq, head.Hash = e.Seq, e.Hash
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("events: append to %s: %w", matterID, store.Translate(err))
	}
	cp.sign(&head)
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "matter_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"seq", "hash", "key_id", "signature"}),
	}).Create(&head).Error
	if err != nil {
		return fmt.Errorf("events: moving head of %s: %w", matterID, store.Translate(err))
	}
	return nil
}

// List returns the events of matterID with sequence after afterSeq, oldest
// first, at most limit of them.
func List(ctx context.Context, db *gorm.DB, matterID string, afterSeq int64, limit int) ([]Event, error) {
	var rows []eventRow
	err := db.WithContext(ctx).Where("matter_id = ? AND seq > ?", matterID, afterSeq).
		Order("seq").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("events: list %s: %w", matterID, store.Translate(err))
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = r.toEvent()
	}
	return out, nil
}

func toRow(e Event) eventRow {
	r := eventRow{MatterID: e.MatterID, Seq: e.Seq, Type: e.Type, ActorSubject: e.Actor.Subject,
		ActorRole: e.Actor.Role, ActorOrg: e.Actor.Org, OccurTime: e.OccurTime, Payload: e.Payload,
		PrevHash: e.PrevHash, Hash: e.Hash}
	if e.ProceedingID != "" {
		r.ProceedingID = &e.ProceedingID
	}
	return r
}

func (r eventRow) toEvent() Event {
	e := Event{ID: r.ID, MatterID: r.MatterID, Seq: r.Seq, Type: r.Type,
		Actor:     Actor{Subject: r.ActorSubject, Role: r.ActorRole, Org: r.ActorOrg},
		OccurTime: r.OccurTime.UTC(), Payload: r.Payload, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.ProceedingID != nil {
		e.ProceedingID = *r.ProceedingID
	}
	return e
}
