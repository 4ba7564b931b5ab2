package filing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// RecordMeta identifies the record of a proceeding and carries the events a
// change of it recorded; records embed it. It is not part of the stored
// document.
type RecordMeta struct {
	ProceedingID ProceedingID `json:"-"`
	MatterID     MatterID     `json:"-"`
	Version      int64        `json:"-"`

	pending []events.Record
}

// Meta returns m, so that a record embedding RecordMeta satisfies Record.
func (m *RecordMeta) Meta() *RecordMeta { return m }

// Name is the resource name of the record's proceeding.
func (m *RecordMeta) Name() string {
	return fmt.Sprintf("matters/%s/proceedings/%s", m.MatterID, m.ProceedingID)
}

// Record adds an event of the proceeding, to be written with the change.
func (m *RecordMeta) Record(typ events.Type, payload any) {
	m.pending = append(m.pending, events.Record{Type: typ, ProceedingID: string(m.ProceedingID), Payload: payload})
}

// PendingEvents are the events recorded since the record was loaded.
func (m *RecordMeta) PendingEvents() []events.Record { return m.pending }

// Take moves the pending events of another record of the same matter,
// changed in the same transaction, into m's, to be written with m.
func (m *RecordMeta) Take(other *RecordMeta) {
	m.pending = append(m.pending, other.pending...)
	other.pending = nil
}

// Record is the record a proceedings package keeps of one proceeding, as a
// JSON document in a table of its own.
type Record interface {
	// Meta returns the record's identity, version and pending events
	// (promoted from an embedded RecordMeta).
	Meta() *RecordMeta
	// StateName is the state of its machine the proceeding is in.
	StateName() ProceedingState
	// Etag is the record's version tag.
	Etag() string
}

// Change is one change of a record, made under its matter's lock.
type Change[R Record] struct {
	Tx         store.Tx
	Matter     *Matter
	Proceeding *Proceeding
	Record     R
	// At is the instant of the change; Today its day in China.
	At    time.Time
	Today civil.Date

	// head is the head of the matter's chain as read and locked with
	// BEGIN (events.HeadLock), nil if it was not; a change that has it
	// (Transition) writes nothing after its record, which is sent with
	// COMMIT.
	head store.Text
	// others are the writes of other records of the matter the change
	// made (Add, Put), sent in the statement of its own.
	others []store.Write
}

// ErrUnchanged is returned by a change's function when there is nothing to
// save (a redelivered event already applied): nothing is written.
var ErrUnchanged = errors.New("unchanged")

// Records keeps the records of one kind of proceeding in documents, a table
// the proceedings package owns, next to the matter and the proceeding that
// this package keeps: a change locks the matter, lets the caller's domain
// code change the record, and saves the record, the proceeding's state and
// the events the change recorded in one transaction.
type Records[R Record] struct {
	filing *Store
	kind   ProceedingKind
	noun   string
	docs   store.Documents
	fresh  func() R
	// prefetch give the reads a Transition sends with BEGIN (Prefetch).
	prefetch []Read
}

// Read gives a statement for a change of proceedingID to send with BEGIN
// (store.First).
type Read func(proceedingID string) (store.First, error)

// Prefetch has every Transition send with BEGIN, after its locks, the
// reads that fs give for the proceeding: ones its fn or render makes,
// which are then answered from the first round trip
// (store.Tx.Prefetched). It replaces those given before.
func (s *Records[R]) Prefetch(fs ...Read) {
	s.prefetch = fs
}

// NewRecords returns the records of proceedings of kind kept in docs; noun
// names one in messages ("enforcement case"); fresh makes an empty record
// to decode into.
func NewRecords[R Record](fs *Store, kind ProceedingKind, noun string, docs store.Documents, fresh func() R) *Records[R] {
	if fs == nil || fresh == nil {
		panic("filing.NewRecords: nil dependency")
	}
	s := &Records[R]{filing: fs, kind: kind, noun: noun, docs: docs, fresh: fresh}
	// Verification compares each record's state with its proceeding's
	// history.
	fs.records.register(kind, func(tx store.Tx, id ProceedingID) (ProceedingState, bool, error) {
		r, ok, err := s.Load(tx, id)
		if err != nil || !ok {
			return "", ok, err
		}
		return r.StateName(), true, nil
	})
	return s
}

// Filing returns the matter store the records hang on.
func (s *Records[R]) Filing() *Store { return s.filing }

// Load returns the record of proceeding id as tx sees it; ok is false if
// it has none.
func (s *Records[R]) Load(tx store.Tx, id ProceedingID) (r R, ok bool, err error) {
	r = s.fresh()
	if text, read := tx.Prefetched(s.recordsKey()); read && !slices.ContainsFunc(text, func(row [][]byte) bool { return string(row[0]) == string(id) }) {
		return r, false, nil // OpenOn read that it has none
	}
	if text, read := tx.Prefetched(s.matterRecordsKey()); read {
		// MatterRecordsFirst read every record of the matter.
		i := slices.IndexFunc(text, func(row [][]byte) bool { return string(row[0]) == string(id) })
		if i < 0 {
			return r, false, nil
		}
		return s.loadedText(store.Text{text[i][1:]}, id)
	}
	matterID, version, ok, err := s.docs.Get(tx, string(id), r)
	return s.loaded(r, id, matterID, version, ok, err)
}

// loadedText is Load of the record read with BEGIN (store.Documents.GetText).
func (s *Records[R]) loadedText(rows store.Text, id ProceedingID) (r R, ok bool, err error) {
	r = s.fresh()
	matterID, version, ok, err := s.docs.FromText(rows, string(id), r)
	return s.loaded(r, id, matterID, version, ok, err)
}

// loaded completes the identity of r, the decoded record of proceeding id.
func (s *Records[R]) loaded(r R, id ProceedingID, matterID string, version int64, ok bool, err error) (R, bool, error) {
	if err != nil || !ok {
		return r, false, err
	}
	meta := r.Meta()
	meta.ProceedingID, meta.MatterID, meta.Version = id, MatterID(matterID), version
	return r, true, nil
}

// proceeding finds procID of this kind in m.
func (s *Records[R]) proceeding(m *Matter, procID ProceedingID) (*Proceeding, error) {
	p := m.Proceeding(procID)
	if p == nil || p.Kind != s.kind {
		return nil, errs.Errorf(errs.NotFound, "%s not found", s.noun)
	}
	return p, nil
}

// Get reads matter matterID and the record of its proceeding procID, for a
// read by the caller in ctx: the caller must pass the access policy, and a
// read by an official is recorded. The Change's Tx reads outside a
// transaction. It returns an error wrapping errs.NotFound if either is
// missing; a matter the caller may not read is missing, as one that does
// not exist, after the same one query.
func (s *Records[R]) Get(ctx context.Context, matterID MatterID, procID ProceedingID, at time.Time) (*Change[R], error) {
	tx := s.filing.db.Session(ctx)
	m, err := s.filing.loadFor(ctx, tx, matterID)
	if err != nil {
		return nil, err
	}
	p, err := s.proceeding(m, procID)
	if err != nil {
		return nil, err
	}
	if err := audit.Log(tx, at, string(m.ID)); err != nil {
		return nil, err
	}
	r, ok, err := s.Load(tx, procID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "the %s of this proceeding was not opened yet", s.noun)
	}
	return &Change[R]{Tx: tx, Matter: m, Proceeding: p, Record: r, At: at, Today: civil.Today(at)}, nil
}

// RespondentsOfProceeding is a subquery without parameters, for another
// package's statement sent with BEGIN (store.First), of the party ids of
// the respondents of the matter of proceeding pid.
func RespondentsOfProceeding(pid string) (string, error) {
	return store.Inline(`SELECT mp.party_id FROM matter_parties mp JOIN proceedings p ON p.matter_id = mp.matter_id
		WHERE p.id = ? AND mp.role = 'RESPONDENT'`, pid)
}

// ProceedingsOfMatter is a subquery without parameters, as
// RespondentsOfProceeding's, of the ids of the proceedings of the matter
// whose id the subquery matter gives.
func ProceedingsOfMatter(matter string) string {
	return `SELECT id FROM proceedings WHERE matter_id = (` + matter + `)`
}

// RespondentsOfMatter is RespondentsOfProceeding for matter matterID.
func RespondentsOfMatter(matterID MatterID) (string, error) {
	return store.Inline(`SELECT party_id FROM matter_parties WHERE matter_id = ? AND role = 'RESPONDENT'`, string(matterID))
}

// MatterOfProceeding is a subquery without parameters, as
// RespondentsOfProceeding's, of the id of the matter of proceeding pid.
func MatterOfProceeding(pid string) (string, error) {
	return store.Inline(`SELECT matter_id FROM proceedings WHERE id = ?`, pid)
}

// ProceedingsOfKind is a subquery without parameters, as
// RespondentsOfProceeding's, of the ids of the proceedings of kind of the
// matter whose id the subquery matter gives.
func ProceedingsOfKind(matter string, kind ProceedingKind) (string, error) {
	return store.Inline(`SELECT id FROM proceedings WHERE matter_id = (`+matter+`) AND kind = ?`, string(kind))
}

// ChangeIn runs fn on the record of proceeding procID of matter matterID in
// the caller's transaction tx, under the matter's lock, and saves what it
// changed with its events by actor; if fn fails, or returns ErrUnchanged,
// nothing is written. It is for ipcased's own event consumers, whose cursor
// moves in the same transaction. It returns an error wrapping errs.NotFound
// for an unknown matter or proceeding, and errs.FailedPrecondition if the
// record was never opened.
func (s *Records[R]) ChangeIn(tx store.Tx, matterID MatterID, procID ProceedingID, actor events.Actor, at time.Time, fn func(*Change[R]) error) error {
	m, err := s.filing.Lock(tx, matterID)
	if err != nil {
		return err
	}
	load := func() (R, bool, error) { return s.Load(tx, procID) }
	_, err = s.change(tx, m, nil, load, procID, actor, at, fn)
	return err
}

// change changes with fn the record of proceeding procID of m, locked,
// which load reads; head is the head of m's chain if it was read with
// BEGIN.
func (s *Records[R]) change(tx store.Tx, m *Matter, head store.Text, load func() (R, bool, error), procID ProceedingID,
	actor events.Actor, at time.Time, fn func(*Change[R]) error) (*Change[R], error) {
	p, err := s.proceeding(m, procID)
	if err != nil {
		return nil, err
	}
	r, ok, err := load()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.Errorf(errs.FailedPrecondition, "the %s of this proceeding was not opened yet", s.noun)
	}
	if r.StateName() != p.State {
		// Every change saves the two together: the record was changed
		// outside the log, and this change must not sign its outcome.
		m.signed.distrust(proceedingField(string(p.ID), "state"))
	}
	c := &Change[R]{Tx: tx, Matter: m, Proceeding: p, Record: r, At: at, Today: civil.Today(at), head: head}
	if err := fn(c); errors.Is(err, ErrUnchanged) {
		return c, nil
	} else if err != nil {
		return nil, err
	}
	return c, s.save(c, actor, false)
}

// Transition serves a request that changes a record: the request's own
// violations (in v) and its name, etag and request_id are checked; the
// request is keyed for retries; then, as the matter is locked, the
// caller's access to it (a matter the caller may not act on is neither
// locked nor found, as one that does not exist), and under the lock the
// etag, are checked before fn runs.
// The response rendered from the change is unmarshalled into resp. The
// statements reads give are sent with BEGIN too, after those of Prefetch:
// ones this transition alone needs (a counter it takes).
func (s *Records[R]) Transition(ctx context.Context, req request.Identified, name, etag string, v *request.Validator,
	now time.Time, fn func(*Change[R]) error, render func(*Change[R]) ([]byte, error), resp proto.Message, reads ...Read) error {
	mid, pid := v.Proceeding("name", name)
	v.Etag(etag)
	v.RequestID(req.GetRequestId())
	if err := v.Err(); err != nil {
		return err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return err
	}
	at := now.UTC().Truncate(time.Microsecond)
	// The matter, the head of its chain and the record are read and locked
	// in the round trip of BEGIN, the matter read in a second, and the
	// change written in the round trip of COMMIT: three in all, unless fn
	// reads more.
	vis, err := matterVisibility(ctx)
	if err != nil {
		return err
	}
	first, err := s.filing.firstOfChange(MatterID(mid), vis)
	if err != nil {
		return err
	}
	doc, err := s.docs.GetText(pid)
	if err != nil {
		return err
	}
	first = append(first, store.First{SQL: doc})
	for _, f := range slices.Concat(s.prefetch, reads) {
		read, err := f(pid)
		if err != nil {
			return err
		}
		first = append(first, read)
	}
	b, err := s.filing.db.IdempotentAfter(ctx, key, first, func(tx store.Tx, locked []store.Text) ([]byte, error) {
		m, err := s.filing.loadLocked(ctx, tx, MatterID(mid), locked)
		if err != nil {
			return nil, err
		}
		load := func() (R, bool, error) { return s.loadedText(locked[2], ProceedingID(pid)) }
		c, err := s.change(tx, m, locked[1], load, ProceedingID(pid), events.ActorFrom(ctx), at, func(c *Change[R]) error {
			if got := c.Record.Etag(); !EtagMatches(etag, got) {
				return errs.Errorf(errs.Aborted, "etag %s is stale: it is now %s; read it again", etag, got)
			}
			return fn(c)
		})
		if err != nil {
			return nil, err
		}
		return render(c)
	})
	if err != nil {
		return fmt.Errorf("%s(%s): %w", op(ctx), name, err)
	}
	return proto.Unmarshal(b, resp)
}

// Create stores a new record under key: prepare locks or creates the
// matter in tx, picks or adds the proceeding, and builds the record (with
// its opening events); the response is rendered from the change. It returns
// an error wrapping errs.AlreadyExists if the proceeding already has a
// record. A repeated key returns the first response without running
// prepare.
func (s *Records[R]) Create(ctx context.Context, key store.IdempotencyKey, actor events.Actor,
	prepare func(tx store.Tx) (*Change[R], error), render func(*Change[R]) ([]byte, error)) ([]byte, error) {
	return s.filing.db.Idempotent(ctx, key, func(tx store.Tx) ([]byte, error) {
		c, err := prepare(tx)
		if err != nil {
			return nil, err
		}
		if err := s.OpenIn(c, actor); err != nil {
			return nil, err
		}
		return render(c)
	})
}

// OpenOn serves a request that opens a record on matter matterID, which
// exists, as Transition changes one: the matter's lock (under the
// caller's visibility) and the head of its chain go with BEGIN, with the
// list of the matter's proceedings that have a record of this kind (Load
// answers "none" from it) and the reads of first (the matter's clocks,
// what render reads); the matter is read next; prepare picks or adds the
// proceeding of c and builds its record, which OpenIn stores; the change
// goes with COMMIT. A repeated key returns the first response without
// running prepare. The response is rendered from the change.
func (s *Records[R]) OpenOn(ctx context.Context, key store.IdempotencyKey, matterID MatterID, at time.Time, first []store.First,
	prepare func(c *Change[R]) error, render func(*Change[R]) ([]byte, error)) ([]byte, error) {
	vis, err := matterVisibility(ctx)
	if err != nil {
		return nil, err
	}
	locks, err := s.filing.firstOfChange(matterID, vis)
	if err != nil {
		return nil, err
	}
	has, err := s.docs.ProceedingsText(string(matterID))
	if err != nil {
		return nil, err
	}
	reads := slices.Concat(locks, []store.First{{Key: s.recordsKey(), SQL: has}}, first)
	actor := events.ActorFrom(ctx)
	at = at.UTC().Truncate(time.Microsecond)
	return s.filing.db.IdempotentAfter(ctx, key, reads, func(tx store.Tx, locked []store.Text) ([]byte, error) {
		m, err := s.filing.loadLocked(ctx, tx, matterID, locked)
		if err != nil {
			return nil, err
		}
		c := &Change[R]{Tx: tx, Matter: m, At: at, Today: civil.Today(at), head: locked[1]}
		had := len(m.Proceedings)
		if err := prepare(c); err != nil {
			return nil, err
		}
		for _, p := range m.Proceedings[had:] {
			tx.SetLocal(openedKey(p.ID), true)
		}
		if err := s.OpenIn(c, actor); err != nil {
			return nil, err
		}
		return render(c)
	})
}

// openedKey marks, among a transaction's locals, a proceeding OpenOn's
// prepare opened (OpenedIn).
type openedKey ProceedingID

// OpenedIn reports whether proceeding id was opened in tx (OpenOn): there
// is nothing of it stored yet.
func OpenedIn(tx store.Tx, id string) bool {
	_, ok := tx.Local(openedKey(id))
	return ok
}

// MatterRecordsFirst is the read of every record of this kind of the
// matter of proceedingID, for a change of it that loads another's (Load)
// to send with BEGIN (a Read).
func (s *Records[R]) MatterRecordsFirst(proceedingID string) (store.First, error) {
	matter, err := MatterOfProceeding(proceedingID)
	if err != nil {
		return store.First{}, err
	}
	return store.First{Key: s.matterRecordsKey(), SQL: s.docs.OfMatterText(matter)}, nil
}

func (s *Records[R]) matterRecordsKey() string { return "filing.matter-records/" + string(s.kind) }

// recordsKey keys the proceedings with a record that OpenOn read with
// BEGIN (store.First.Key).
func (s *Records[R]) recordsKey() string { return "filing.records/" + string(s.kind) }

// OpenIn stores the record of a change whose proceeding has none yet, in
// the change's transaction. It returns an error wrapping errs.AlreadyExists
// if the proceeding already has a record.
func (s *Records[R]) OpenIn(c *Change[R], actor events.Actor) error {
	if !c.Matter.filed { // a matter filed in this change has no record yet
		if _, ok, err := s.Load(c.Tx, c.Proceeding.ID); err != nil {
			return err
		} else if ok {
			return errs.Errorf(errs.AlreadyExists, "this proceeding already has its %s", s.noun)
		}
	}
	meta := c.Record.Meta()
	meta.ProceedingID, meta.MatterID = c.Proceeding.ID, c.Matter.ID
	return s.save(c, actor, true)
}

// Add stores r, the new record of a proceeding of c's matter other than
// c's (a second instance opened by an appeal), at version 1, with c's own
// record. Its events are for the caller to take into c's record.
func (s *Records[R]) Add(c *Change[R], r R) error {
	meta := r.Meta()
	meta.MatterID, meta.Version = c.Matter.ID, 1
	// It refers to its proceeding, which c's statement inserts: checked at
	// the statement's end.
	w, err := s.docs.InsertWrite(string(meta.ProceedingID), string(meta.MatterID), meta.Version, r)
	if err != nil {
		return err
	}
	c.others = append(c.others, w)
	return nil
}

// Put saves r, a record of another proceeding of c's matter that c's
// change also changed (a trial settled by a confirmed agreement), with
// c's own record; its proceeding's state follows it. Its events are for
// the caller to take.
func (s *Records[R]) Put(c *Change[R], r R) error {
	meta := r.Meta()
	meta.Version++
	if p := c.Matter.Proceeding(meta.ProceedingID); p != nil {
		p.State, p.Updated = r.StateName(), c.At
	}
	w, err := s.docs.UpdateWrite(string(meta.ProceedingID), meta.Version, r)
	if err != nil {
		return err
	}
	c.others = append(c.others, w)
	return nil
}

// save writes the change: the proceeding's state (and the matter's, which
// follows its proceedings), the record, and the events it recorded.
func (s *Records[R]) save(c *Change[R], actor events.Actor, insert bool) error {
	meta := c.Record.Meta()
	meta.Version++
	c.Proceeding.State, c.Proceeding.Updated = c.Record.StateName(), c.At
	ws := s.filing.saveWrites(c.Matter, c.At)
	var doc store.Write
	var err error
	if insert {
		doc, err = s.docs.InsertWrite(string(meta.ProceedingID), string(meta.MatterID), meta.Version, c.Record)
	} else {
		doc, err = s.docs.UpdateWrite(string(meta.ProceedingID), meta.Version, c.Record)
	}
	if err != nil {
		return fmt.Errorf("saving %s: %w", s.noun, err)
	}
	// The matter's own events first (an acceptance made by the change). A
	// new slice: appending to the matter's would write into its array.
	recs := slices.Concat(c.Matter.pending, meta.pending)
	var evs []store.Write
	var signed func()
	switch {
	case c.Matter.filed:
		// Its filing's events and the record's start the chain.
		evs, signed, err = s.filing.appendStateWritesOn(nil, c.Matter, actor, c.At, recs...)
	case c.head != nil && !c.Tx.Written():
		// Nothing has moved the head since BEGIN locked it.
		evs, signed, err = s.filing.appendStateWritesOn(c.head, c.Matter, actor, c.At, recs...)
	default:
		evs, signed, err = s.filing.appendStateWrites(c.Tx, c.Matter, actor, c.At, recs...)
	}
	if err != nil {
		return err
	}
	// The proceeding, the record, the other records the change made and
	// the events in one statement (sent with COMMIT by a Transition): a
	// new record refers to its proceeding, checked at the statement's end.
	write := c.Tx.Write
	if c.head != nil || c.Matter.filed {
		write = c.Tx.WriteAtCommit
	}
	if err := write(slices.Concat(ws, []store.Write{doc}, c.others, evs)...); err != nil {
		return fmt.Errorf("saving %s: %w", s.noun, err)
	}
	c.Matter.pending, meta.pending, c.others = nil, nil, nil
	c.Matter.filed = false // its chain has begun
	signed()
	return nil
}

// NotBefore refuses d, the date field records, when it is before on, the
// date of step, the earlier step the record follows: a step cannot happen
// before the one it follows. The refusal is INVALID_ARGUMENT naming field
// and the earlier step's date.
func NotBefore(field string, d civil.Date, step string, on civil.Date) error {
	if d.Before(on) {
		return errs.Field(field, "%s is before %s on %s", d.String(), step, on.String())
	}
	return nil
}
