// Package proceeding keeps the record of a proceeding (an enforcement case,
// a mediation, later a trial) as one JSON document per proceeding, with its
// own version for optimistic concurrency, next to the matter of package
// filing. A change locks the matter, lets the caller's domain code change
// the record, and saves the record, the proceeding's state and the events
// the change recorded in one transaction.
package proceeding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Meta identifies a record; it is not part of the JSON document. Records
// embed it.
type Meta struct {
	ProceedingID string `json:"-"`
	MatterID     string `json:"-"`
	Version      int64  `json:"-"`

	pending []events.Record
}

// Identity returns m, so that a record embedding Meta satisfies Record.
func (m *Meta) Identity() *Meta { return m }

// Record adds an event of the proceeding, to be written with the change.
func (m *Meta) Record(typ string, payload map[string]any) {
	m.pending = append(m.pending, events.Record{Type: typ, ProceedingID: m.ProceedingID, Payload: payload})
}

// PendingEvents are the events recorded since the record was loaded.
func (m *Meta) PendingEvents() []events.Record { return m.pending }

// Take moves the pending events of another record of the same matter,
// changed in the same transaction, into m's, to be written with m.
func (m *Meta) Take(other *Meta) {
	m.pending = append(m.pending, other.pending...)
	other.pending = nil
}

// Move sets *state to `to` if the machine's table allows it, and otherwise
// refuses with errs.FailedPrecondition naming the current state; noun names
// the record ("the mediation").
func Move[S ~string](noun string, table map[S][]S, state *S, to S) error {
	if !slices.Contains(table[*state], to) {
		return errs.Errorf(errs.FailedPrecondition, "%s is %s; it cannot become %s", noun, *state, to)
	}
	*state = to
	return nil
}

// Record is a proceeding's record, kept as a JSON document.
type Record interface {
	// Identity returns the record's identity and version, to be filled in
	// (promoted from an embedded Meta).
	Identity() *Meta
	// StateName is the proceeding state the record is in.
	StateName() string
	// PendingEvents are the events recorded since the record was loaded.
	PendingEvents() []events.Record
}

// Tx is what a change sees inside its transaction.
type Tx[R Record] struct {
	DB         *gorm.DB
	Matter     *filing.Matter
	Proceeding *filing.Proceeding
	Record     R
}

// Store keeps records of one kind of proceeding in table (columns
// proceeding_id, matter_id, doc jsonb, version).
type Store[R Record] struct {
	db     *gorm.DB
	filing *filing.Store
	table  string
	kind   filing.ProceedingKind
	noun   string
	fresh  func() R
}

// NewStore returns a Store of records of kind in table; fresh makes an
// empty record to decode into; noun names the record in errors ("enforcement
// case").
func NewStore[R Record](db *gorm.DB, fs *filing.Store, table string, kind filing.ProceedingKind, noun string, fresh func() R) *Store[R] {
	if db == nil || fs == nil || fresh == nil {
		panic("proceeding.NewStore: nil dependency")
	}
	return &Store[R]{db: db, filing: fs, table: table, kind: kind, noun: noun, fresh: fresh}
}

// DB returns the store's database handle (for reads outside a change).
func (s *Store[R]) DB(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Filing returns the matter store the records hang on.
func (s *Store[R]) Filing() *filing.Store { return s.filing }

type row struct {
	ProceedingID string
	MatterID     string
	Doc          []byte
	Version      int64
}

// load returns the record of proceeding id, or ok false if none exists.
func (s *Store[R]) load(db *gorm.DB, id filing.ProceedingID) (r R, ok bool, err error) {
	var rows []row
	if err := db.Table(s.table).Where("proceeding_id = ?", string(id)).Limit(1).Find(&rows).Error; err != nil {
		return r, false, store.Translate(err)
	}
	if len(rows) == 0 {
		return r, false, nil
	}
	r = s.fresh()
	if err := json.Unmarshal(rows[0].Doc, r); err != nil {
		return r, false, fmt.Errorf("%s %s: %w", s.noun, id, err)
	}
	meta := r.Identity()
	meta.ProceedingID, meta.MatterID, meta.Version = rows[0].ProceedingID, rows[0].MatterID, rows[0].Version
	return r, true, nil
}

// proceeding finds procID of kind in m.
func (s *Store[R]) proceeding(m *filing.Matter, procID filing.ProceedingID) (*filing.Proceeding, error) {
	p := m.Proceeding(procID)
	if p == nil || p.Kind != s.kind {
		return nil, errs.Errorf(errs.NotFound, "%s not found", s.noun)
	}
	return p, nil
}

// Get loads matter matterID and the record of its proceeding procID. It
// returns an error wrapping errs.NotFound if either is missing.
func (s *Store[R]) Get(ctx context.Context, matterID filing.MatterID, procID filing.ProceedingID) (*Tx[R], error) {
	m, err := s.filing.Get(ctx, matterID)
	if err != nil {
		return nil, err
	}
	p, err := s.proceeding(m, procID)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	r, ok, err := s.load(db, procID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "the %s of this proceeding was not opened yet", s.noun)
	}
	return &Tx[R]{DB: db, Matter: m, Proceeding: p, Record: r}, nil
}

// Change runs fn on the record of proceeding procID of matter matterID
// under the matter's lock, then saves the record, the proceeding's state and
// the events fn recorded, and renders the response, in one transaction; if
// fn fails nothing is written. A repeated key returns the first response
// without running fn. It returns an error wrapping errs.NotFound for an
// unknown matter or proceeding, and errs.FailedPrecondition if the record
// was never opened.
func (s *Store[R]) Change(ctx context.Context, key store.IdempotencyKey, matterID filing.MatterID, procID filing.ProceedingID,
	actor events.Actor, at time.Time, fn func(*Tx[R]) error, render func(*Tx[R]) ([]byte, error)) ([]byte, error) {
	return store.Idempotent(ctx, s.db, key, func(db *gorm.DB) ([]byte, error) {
		tx, err := s.change(db, matterID, procID, actor, at, fn)
		if err != nil {
			return nil, err
		}
		return render(tx)
	})
}

// ChangeIn is Change inside the caller's transaction db, without request
// ids: for ipcased's own event consumers, whose cursor moves in the same
// transaction.
func (s *Store[R]) ChangeIn(db *gorm.DB, matterID filing.MatterID, procID filing.ProceedingID, actor events.Actor, at time.Time, fn func(*Tx[R]) error) error {
	_, err := s.change(db, matterID, procID, actor, at, fn)
	return err
}

func (s *Store[R]) change(db *gorm.DB, matterID filing.MatterID, procID filing.ProceedingID, actor events.Actor, at time.Time, fn func(*Tx[R]) error) (*Tx[R], error) {
	m, err := s.filing.Lock(db, matterID)
	if err != nil {
		return nil, err
	}
	p, err := s.proceeding(m, procID)
	if err != nil {
		return nil, err
	}
	r, ok, err := s.load(db, procID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.Errorf(errs.FailedPrecondition, "the %s of this proceeding was not opened yet", s.noun)
	}
	tx := &Tx[R]{DB: db, Matter: m, Proceeding: p, Record: r}
	if err := fn(tx); errors.Is(err, ErrUnchanged) {
		return tx, nil
	} else if err != nil {
		return nil, err
	}
	return tx, s.save(tx, actor, at, false)
}

// ErrUnchanged, returned by a change's fn, means there is nothing to save
// (a redelivered event already applied): nothing is written.
var ErrUnchanged = errors.New("unchanged")

// Open stores a new record: prepare locks or creates the matter in db, picks
// or adds the proceeding, and builds the record (with its opening events).
// It returns an error wrapping errs.AlreadyExists if the proceeding already
// has a record.
func (s *Store[R]) Open(ctx context.Context, key store.IdempotencyKey, actor events.Actor, at time.Time,
	prepare func(db *gorm.DB) (*Tx[R], error), render func(*Tx[R]) ([]byte, error)) ([]byte, error) {
	return store.Idempotent(ctx, s.db, key, func(db *gorm.DB) ([]byte, error) {
		tx, err := prepare(db)
		if err != nil {
			return nil, err
		}
		if _, ok, err := s.load(db, tx.Proceeding.ID); err != nil {
			return nil, err
		} else if ok {
			return nil, errs.Errorf(errs.AlreadyExists, "this proceeding already has its %s", s.noun)
		}
		id := tx.Record.Identity()
		id.ProceedingID, id.MatterID = string(tx.Proceeding.ID), string(tx.Matter.ID)
		if err := s.save(tx, actor, at, true); err != nil {
			return nil, err
		}
		return render(tx)
	})
}

func (s *Store[R]) save(tx *Tx[R], actor events.Actor, at time.Time, insert bool) error {
	meta := tx.Record.Identity()
	doc, err := json.Marshal(tx.Record)
	if err != nil {
		return err
	}
	meta.Version++
	// The proceeding first: a new record refers to it.
	tx.Proceeding.State, tx.Proceeding.Updated = filing.ProceedingState(tx.Record.StateName()), at
	if err := s.filing.SaveProceedings(tx.DB, tx.Matter, at); err != nil {
		return err
	}
	if insert {
		err = tx.DB.Table(s.table).Create(map[string]any{"proceeding_id": meta.ProceedingID, "matter_id": meta.MatterID,
			"doc": doc, "version": meta.Version}).Error
	} else {
		err = tx.DB.Table(s.table).Where("proceeding_id = ?", meta.ProceedingID).
			Updates(map[string]any{"doc": doc, "version": meta.Version}).Error
	}
	if err != nil {
		return fmt.Errorf("saving %s: %w", s.noun, store.Translate(err))
	}
	return s.filing.AppendEvents(tx.DB, tx.Matter, actor, at, tx.Record.PendingEvents()...)
}
