package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/store"
)

// Actor is whoever caused an event.
type Actor struct {
	Subject string
	Role    string
	Org     string
}

// System is ipcased itself, acting on what the other side reported or on
// what time brought (sweeps, consumers).
var System = Actor{Subject: "ipcased", Role: "system"}

// ActorOf is the principal p as an event's actor.
func ActorOf(p auth.Principal) Actor {
	return Actor{Subject: p.Subject, Role: string(p.Role), Org: p.Org()}
}

// ActorFrom returns the caller of the request in ctx as an actor, or an
// anonymous actor for a call without a principal.
func ActorFrom(ctx context.Context) Actor {
	if p, ok := auth.FromContext(ctx); ok {
		return ActorOf(p)
	}
	return Actor{Subject: "anonymous", Role: "none"}
}

// Record is an event a domain change wants written.
type Record struct {
	// Type is the event's declared type.
	Type Type
	// ProceedingID is the proceeding the event concerns, if any.
	ProceedingID string
	// Payload is a value of the type's declared payload; it is marshalled
	// to JSON and the exact bytes are hashed and kept.
	Payload any
}

// Event is a stored event.
type Event struct {
	ID           int64
	MatterID     string
	Seq          int64
	Type         Type
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

// Log is the event log: it appends to and verifies matters' chains, whose
// heads it signs with its checkpoint key.
type Log struct {
	cp *Checkpoints
}

// NewLog returns the log signing chain heads with cp.
func NewLog(cp *Checkpoints) *Log {
	if cp == nil {
		panic("events.NewLog: nil checkpoints")
	}
	return &Log{cp: cp}
}

// Append writes recs as the next events of matterID, chained to the current
// head, and moves the head, signed. Call it in the transaction that makes
// the change the events report. A record of an undeclared type, or with
// another payload than its type declares, is refused: nothing is written.
func (l *Log) Append(tx store.Tx, matterID string, actor Actor, at time.Time, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	for _, r := range recs {
		if err := r.check(); err != nil {
			return err
		}
	}
	g := tx.Gorm()
	var heads []headRow
	if err := g.Clauses(clause.Locking{Strength: "UPDATE"}).Where("matter_id = ?", matterID).Limit(1).Find(&heads).Error; err != nil {
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
		e.Hash = e.ComputeHash()
		rows[i] = toRow(e)
		head.Seq, head.Hash = e.Seq, e.Hash
	}
	if err := g.Create(&rows).Error; err != nil {
		return fmt.Errorf("events: append to %s: %w", matterID, store.Translate(err))
	}
	l.cp.sign(&head)
	err := g.Clauses(clause.OnConflict{
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
func List(tx store.Tx, matterID string, afterSeq int64, limit int) ([]Event, error) {
	var rows []eventRow
	err := tx.Gorm().Where("matter_id = ? AND seq > ?", matterID, afterSeq).Order("seq").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("events: list %s: %w", matterID, store.Translate(err))
	}
	out := make([]Event, len(rows))
	for i, r := range rows {
		out[i] = r.toEvent()
	}
	return out, nil
}

// Actors returns the subjects of everyone but the system who wrote an event
// of matterID about one of proceedingIDs.
func Actors(tx store.Tx, matterID string, proceedingIDs []string) ([]string, error) {
	if len(proceedingIDs) == 0 {
		return nil, nil
	}
	var subjects []string
	err := tx.Gorm().Raw(`SELECT DISTINCT actor_subject FROM events
		WHERE matter_id = ? AND proceeding_id IN ? AND actor_role <> ?`, matterID, proceedingIDs, System.Role).Scan(&subjects).Error
	if err != nil {
		return nil, fmt.Errorf("events: actors of %s: %w", matterID, store.Translate(err))
	}
	return subjects, nil
}

func toRow(e Event) eventRow {
	r := eventRow{MatterID: e.MatterID, Seq: e.Seq, Type: string(e.Type), ActorSubject: e.Actor.Subject,
		ActorRole: e.Actor.Role, ActorOrg: e.Actor.Org, OccurTime: e.OccurTime, Payload: e.Payload,
		PrevHash: e.PrevHash, Hash: e.Hash}
	if e.ProceedingID != "" {
		r.ProceedingID = &e.ProceedingID
	}
	return r
}

func (r eventRow) toEvent() Event {
	e := Event{ID: r.ID, MatterID: r.MatterID, Seq: r.Seq, Type: Type(r.Type),
		Actor:     Actor{Subject: r.ActorSubject, Role: r.ActorRole, Org: r.ActorOrg},
		OccurTime: r.OccurTime.UTC(), Payload: r.Payload, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.ProceedingID != nil {
		e.ProceedingID = *r.ProceedingID
	}
	return e
}
