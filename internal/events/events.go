package events

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
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
	MatterID string `gorm:"primaryKey"`
	Seq      int64
	Hash     []byte
	// State is the matter's state after its last change, as its writer
	// encoded it (package filing); nil for a head signed before heads
	// carried one.
	State     []byte `gorm:"type:json"`
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
// head, and moves the head, signed, keeping the state it carries. Call it
// in the transaction that makes the change the events report. A record of
// an undeclared type, or with another payload than its type declares, is
// refused: nothing is written. A head whose signature does not hold (one
// rewritten outside the log) is moved but not signed again: the log does
// not vouch for what it did not write, so Verify goes on reporting it.
func (l *Log) Append(tx store.Tx, matterID string, actor Actor, at time.Time, recs ...Record) error {
	return l.append(tx, matterID, actor, at, nil, recs)
}

// NextState returns the state of a matter after a change, given the state
// the head of its chain carried before (nil if it carried none).
type NextState func(prev []byte) ([]byte, error)

// AppendState is Append for the writer of the matter's state (package
// filing): the head also carries, signed, the state next returns, which
// Verify hands back for the writer to compare with the matter's rows. With
// no recs the head is signed again only if the state changed and the
// head's signature holds; a matter without events has no head to carry it.
func (l *Log) AppendState(tx store.Tx, matterID string, actor Actor, at time.Time, next NextState, recs ...Record) error {
	return l.append(tx, matterID, actor, at, next, recs)
}

func (l *Log) append(tx store.Tx, matterID string, actor Actor, at time.Time, next NextState, recs []Record) error {
	ws, err := l.writes(tx, matterID, actor, at, next, recs)
	if err != nil {
		return err
	}
	if err := tx.Write(ws...); err != nil {
		return fmt.Errorf("events: append to %s: %w", matterID, err)
	}
	return nil
}

// AppendStateWrites is AppendState for a writer that sends the events
// with its own writes, in one statement (store.Tx.Write): it reads and
// locks the head of the chain, and returns the writes that append recs and
// move the head (none if there is nothing to write).
func (l *Log) AppendStateWrites(tx store.Tx, matterID string, actor Actor, at time.Time, next NextState, recs ...Record) ([]store.Write, error) {
	return l.writes(tx, matterID, actor, at, next, recs)
}

// HeadLock is the statement, without parameters, that locks and reads the
// head of matterID's chain, for a writer to send with BEGIN
// (store.IdempotentAfter) and hand its answer to AppendStateWritesOn.
func HeadLock(matterID string) (string, error) {
	id, err := uuid.Parse(matterID)
	if err != nil {
		return "", fmt.Errorf("events: matter id %q: %w", matterID, err)
	}
	return `SELECT seq, encode(hash, 'hex'), state, key_id, encode(signature, 'hex') FROM event_heads WHERE matter_id = '` +
		id.String() + `' FOR UPDATE`, nil
}

// AppendStateWritesOn is AppendStateWrites on the head that HeadLock read
// and locked, in the transaction's first round trip, so that the change
// makes no round trip for it.
func (l *Log) AppendStateWritesOn(locked store.Text, matterID string, actor Actor, at time.Time, next NextState, recs ...Record) ([]store.Write, error) {
	head := headRow{MatterID: matterID}
	if len(locked) > 0 {
		var err error
		if head, err = headFromText(matterID, locked[0]); err != nil {
			return nil, err
		}
	}
	return l.writesOn(head, matterID, actor, at, next, recs)
}

// headFromText reads a row of HeadLock.
func headFromText(matterID string, row [][]byte) (headRow, error) {
	h := headRow{MatterID: matterID}
	if len(row) != 5 {
		return h, fmt.Errorf("events: head of %s: %d columns", matterID, len(row))
	}
	var err error
	if h.Seq, err = strconv.ParseInt(string(row[0]), 10, 64); err != nil {
		return h, fmt.Errorf("events: head of %s: seq: %w", matterID, err)
	}
	if h.Hash, err = hex.DecodeString(string(row[1])); err != nil {
		return h, fmt.Errorf("events: head of %s: hash: %w", matterID, err)
	}
	if row[2] != nil {
		h.State = bytes.Clone(row[2])
	}
	h.KeyID = string(row[3])
	if h.Signature, err = hex.DecodeString(string(row[4])); err != nil {
		return h, fmt.Errorf("events: head of %s: signature: %w", matterID, err)
	}
	return h, nil
}

// writes reads and locks the head of matterID's chain and returns the
// writes of append.
func (l *Log) writes(tx store.Tx, matterID string, actor Actor, at time.Time, next NextState, recs []Record) ([]store.Write, error) {
	if len(recs) == 0 && next == nil {
		return nil, nil
	}
	g := tx.Gorm()
	var heads []headRow
	if err := g.Clauses(clause.Locking{Strength: "UPDATE"}).Where("matter_id = ?", matterID).Limit(1).Find(&heads).Error; err != nil {
		return nil, fmt.Errorf("events: head of %s: %w", matterID, store.Translate(err))
	}
	head := headRow{MatterID: matterID}
	if len(heads) == 1 {
		head = heads[0]
	}
	return l.writesOn(head, matterID, actor, at, next, recs)
}

// writesOn returns the writes that append recs to the chain whose head,
// locked, is head.
func (l *Log) writesOn(head headRow, matterID string, actor Actor, at time.Time, next NextState, recs []Record) ([]store.Write, error) {
	if len(recs) == 0 && next == nil {
		return nil, nil
	}
	for _, r := range recs {
		if err := r.check(); err != nil {
			return nil, err
		}
	}
	trusted := head.Seq == 0 || l.cp.valid(head)
	if len(recs) == 0 && (head.Seq == 0 || !trusted) {
		return nil, nil // no head to sign a state into, or none to vouch for
	}
	at = at.UTC().Truncate(time.Microsecond) // what Postgres keeps
	rows := make([]eventRow, len(recs))
	for i, r := range recs {
		payload, err := json.Marshal(r.Payload)
		if err != nil {
			return nil, fmt.Errorf("events: payload of %s: %w", r.Type, err)
		}
		e := Event{MatterID: matterID, Seq: head.Seq + 1, Type: r.Type, ProceedingID: r.ProceedingID,
			Actor: actor, OccurTime: at, Payload: payload, PrevHash: head.Hash}
		e.Hash = e.ComputeHash()
		rows[i] = toRow(e)
		head.Seq, head.Hash = e.Seq, e.Hash
	}
	if next != nil {
		state, err := next(head.State)
		if err != nil {
			return nil, fmt.Errorf("events: state of %s: %w", matterID, err)
		}
		if len(recs) == 0 && bytes.Equal(state, head.State) {
			return nil, nil
		}
		head.State = state
	}
	if trusted {
		l.cp.sign(&head)
	}
	return appendWrites(rows, head), nil
}

// appendWrites are the writes that insert rows and move the chain's head
// to head, sent as one statement: one round trip for a change's events.
// Neither reads the other's rows, as each sees the rows from before the
// statement.
func appendWrites(rows []eventRow, head headRow) []store.Write {
	var ws []store.Write
	if len(rows) > 0 {
		var b strings.Builder
		args := make([]any, 0, len(rows)*11)
		b.WriteString(`INSERT INTO events (matter_id, seq, type, proceeding_id, actor_subject, actor_role, actor_org, occur_time, payload, prev_hash, hash) VALUES `)
		for i, r := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			// The payload as text: json keeps the exact bytes that were hashed.
			args = append(args, r.MatterID, r.Seq, r.Type, r.ProceedingID, r.ActorSubject, r.ActorRole, r.ActorOrg, r.OccurTime,
				string(r.Payload), r.PrevHash, r.Hash)
		}
		// The relay is woken after the commit, not by the transaction
		// (store.Write.Notify; migration 000032).
		ws = append(ws, store.Write{SQL: b.String(), Args: args, Notify: ChannelEvents})
	}
	var state *string // as the payloads, the exact bytes signed
	if head.State != nil {
		s := string(head.State)
		state = &s
	}
	return append(ws, store.Write{SQL: `INSERT INTO event_heads (matter_id, seq, hash, state, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (matter_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, state = excluded.state,
		key_id = excluded.key_id, signature = excluded.signature`,
		Args: []any{head.MatterID, head.Seq, head.Hash, state, head.KeyID, head.Signature}})
}

// Unsigned returns up to limit matters after the id after (from the first
// if empty) and before the id before (to the last if empty) whose chain
// head carries no state yet (heads signed before heads carried one), by
// id.
func Unsigned(tx store.Tx, after, before string, limit int) ([]string, error) {
	q := tx.Gorm().Model(&headRow{}).Where("state IS NULL")
	if after != "" {
		q = q.Where("matter_id > ?", after)
	}
	if before != "" {
		q = q.Where("matter_id < ?", before)
	}
	var ids []string
	err := q.Order("matter_id").Limit(limit).Pluck("matter_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("events: heads without a state: %w", store.Translate(err))
	}
	return ids, nil
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

// ActorsText is Actors as a subquery without parameters, for another
// package's statement sent with BEGIN (store.First): the subqueries matter
// and proceedings give the matter's id and the proceedings' ids.
func ActorsText(matter, proceedings string) (string, error) {
	return store.Inline(`SELECT DISTINCT actor_subject FROM events WHERE matter_id = (`+matter+`)
		AND proceeding_id IN (`+proceedings+`) AND actor_role <> ?`, System.Role)
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
