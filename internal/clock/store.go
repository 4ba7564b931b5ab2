// Package clock keeps the statutory clocks of proceedings: the deadlines
// table, each deadline computed by package deadline from a declared
// statutory period and opened, met, extended or cancelled in the
// transaction of the change that starts or stops it; the Sweeper that
// announces approaching deadlines and marks missed ones as events of the
// matter; and the recomputation of open deadlines when the holiday
// calendar changes. It owns the deadlines table and nothing else.
package clock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Status is where a deadline stands.
type Status string

// Statuses. Only OPEN deadlines are swept, extended and recomputed.
const (
	StatusOpen      Status = "OPEN"
	StatusMet       Status = "MET"
	StatusMissed    Status = "MISSED"
	StatusCancelled Status = "CANCELLED"
)

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

const maxKind = 64

// Spec is a deadline to open.
type Spec struct {
	// Matter is the matter, locked by the caller's transaction; the
	// proceeding and the party must be its own.
	Matter *filing.Matter
	// ProceedingID is the proceeding the clock belongs to.
	ProceedingID string
	// Kind says what the clock is for, dotted: `enforcement.decision`,
	// `mediation.confirmation`, `trial.appeal`.
	Kind string
	// PartyID, if set, makes it that party's clock (an appeal period runs
	// from each party's own service, SPC CPL Interpretation Art. 244).
	PartyID string
	// Trigger is the day of the event that starts the clock.
	Trigger civil.Date
	// Period is the statutory period.
	Period deadline.Period
}

// Deadline is a stored statutory clock.
type Deadline struct {
	ID           string
	MatterID     string
	ProceedingID string
	Kind         string
	// PartyID is empty for the proceeding's own clocks.
	PartyID string
	// Computation is the due date with its derivation, on the calendar of
	// CalendarVersion.
	deadline.Computation
	Status Status
	// ApproachingAnnounced is set once deadline.approaching was written for
	// the current due date.
	ApproachingAnnounced bool
	Created, Updated     time.Time
	// Closed is when the deadline left OPEN; nil while open.
	Closed *time.Time
}

// payload is what every event about d says of it.
func (d Deadline) payload() events.DeadlinePayload {
	return events.DeadlinePayload{Deadline: d.ID, Kind: d.Kind, Party: d.PartyID, Trigger: d.Trigger, Period: d.Rule.Period,
		Unit: d.Rule.Unit.String(), Basis: d.Rule.Basis, Due: d.Due, Provisional: d.Provisional, Status: string(d.Status)}
}

// Ref names one deadline: by id (ByID), or as the latest deadline of a kind
// of a proceeding and party (ByKind).
type Ref struct {
	id, proceedingID, kind, partyID string
	byKind                          bool
}

// ByID refers to the deadline with id.
func ByID(id string) Ref { return Ref{id: id} }

// ByKind refers to the latest deadline of kind of proceedingID for partyID
// ("" for the proceeding's own clock), preferring an open one.
func ByKind(proceedingID, kind, partyID string) Ref {
	return Ref{proceedingID: proceedingID, kind: kind, partyID: partyID, byKind: true}
}

// String describes r for errors.
func (r Ref) String() string {
	if !r.byKind {
		return "deadline " + r.id
	}
	s := fmt.Sprintf("deadline %s of proceeding %s", r.kind, r.proceedingID)
	if r.partyID != "" {
		s += " for party " + r.partyID
	}
	return s
}

// Store keeps deadlines in Postgres. Writes happen in the caller's
// transaction, next to the change that starts, meets or extends the clock;
// the events of a sweep and of a recomputation it writes itself.
type Store struct {
	db  *store.DB
	cal *deadline.Calendar
	log *events.Log
	// matters locks a deadline's matter before the sweep or a
	// recomputation touches the deadline (lockMatterOf).
	matters *filing.Store
}

// NewStore returns a Store over db computing on cal; events it writes itself
// (sweeps and recomputations) go to log.
func NewStore(db *store.DB, cal *deadline.Calendar, log *events.Log) *Store {
	if db == nil || cal == nil || log == nil {
		panic("clock.NewStore: nil dependency")
	}
	return &Store{db: db, cal: cal, log: log, matters: filing.NewStore(db, log)}
}

// lockMatterOf locks, in tx, the matter of deadline id, and reports
// whether there is such a deadline. The sweep and recomputations change a
// deadline in a transaction of their own, outside any transition, and so
// must take their locks in the order every transition takes them: the
// matter first (filing.Store.Lock), then its deadlines, then its chain's
// head (events.Log.Append). Locking the deadline first deadlocks against a
// transition (DecidePenalty) that holds the matter and closes the
// proceeding's deadlines: each would wait for the other's row.
func (s *Store) lockMatterOf(tx store.Tx, id string) (bool, error) {
	var matters []string
	if err := tx.Gorm().Model(&deadlineRow{}).Where("id = ?", id).Limit(1).Pluck("matter_id", &matters).Error; err != nil {
		return false, store.Translate(err)
	}
	if len(matters) == 0 {
		return false, nil
	}
	if _, err := s.matters.Lock(tx, filing.MatterID(matters[0])); err != nil {
		return false, err
	}
	return true, nil
}

// Calendar returns the calendar the store computes on.
func (s *Store) Calendar() *deadline.Calendar { return s.cal }

// deadlineRow is a row of deadlines; its JSON names are the columns', as
// row_to_json writes them (CurrentFirst), but for the jsonb columns
// (deadlineJSON).
type deadlineRow struct {
	ID                   string     `gorm:"primaryKey" json:"id"`
	MatterID             string     `json:"matter_id"`
	ProceedingID         string     `json:"proceeding_id"`
	Kind                 string     `json:"kind"`
	PartyID              *string    `json:"party_id"`
	TriggerDate          civil.Date `gorm:"type:date" json:"trigger_date"`
	Period               int        `json:"period"`
	Unit                 string     `json:"unit"`
	Basis                string     `json:"basis"`
	Counting             string     `json:"counting"`
	Extensions           []byte     `gorm:"type:jsonb" json:"-"`
	DueDate              civil.Date `gorm:"type:date" json:"due_date"`
	RawEnd               civil.Date `gorm:"type:date" json:"raw_end"`
	Adjusted             bool       `json:"adjusted"`
	EndsOnMakeUpDay      bool       `json:"ends_on_make_up_day"`
	Provisional          bool       `json:"provisional"`
	Steps                []byte     `gorm:"type:jsonb" json:"-"`
	CalendarVersion      string     `json:"calendar_version"`
	Status               string     `json:"status"`
	ApproachingAnnounced bool       `json:"approaching_announced"`
	CreateTime           time.Time  `json:"create_time"`
	UpdateTime           time.Time  `json:"update_time"`
	CloseTime            *time.Time `json:"close_time"`
}

func (deadlineRow) TableName() string { return "deadlines" }

// setComputation writes c into r.
func (r *deadlineRow) setComputation(c deadline.Computation) error {
	exts := c.Extensions
	if exts == nil {
		exts = []deadline.Extension{}
	}
	extsJSON, err := json.Marshal(exts)
	if err != nil {
		return err
	}
	steps, err := json.Marshal(c.Steps)
	if err != nil {
		return err
	}
	r.TriggerDate, r.Period, r.Unit, r.Basis, r.Counting = c.Trigger, c.Rule.Period, c.Rule.Unit.String(), c.Rule.Basis, c.Rule.Counting.String()
	r.Extensions, r.DueDate, r.RawEnd, r.Adjusted = extsJSON, c.Due, c.RawEnd, c.Adjusted
	r.EndsOnMakeUpDay, r.Steps, r.CalendarVersion, r.Provisional = c.EndsOnMakeUpWorkingDay, steps, c.CalendarVersion, c.Provisional
	return nil
}

func (r deadlineRow) toDeadline() (Deadline, error) {
	unit, err := deadline.ParseUnit(r.Unit)
	if err != nil {
		return Deadline{}, fmt.Errorf("deadline %s: %w", r.ID, err)
	}
	counting, err := deadline.ParseCounting(r.Counting)
	if err != nil {
		return Deadline{}, fmt.Errorf("deadline %s: %w", r.ID, err)
	}
	d := Deadline{ID: r.ID, MatterID: r.MatterID, ProceedingID: r.ProceedingID, Kind: r.Kind,
		Computation: deadline.Computation{Trigger: r.TriggerDate, Rule: deadline.Rule{Period: r.Period, Unit: unit, Basis: r.Basis, Counting: counting},
			Due: r.DueDate, RawEnd: r.RawEnd, Adjusted: r.Adjusted, EndsOnMakeUpWorkingDay: r.EndsOnMakeUpDay,
			Provisional: r.Provisional, CalendarVersion: r.CalendarVersion},
		Status: Status(r.Status), ApproachingAnnounced: r.ApproachingAnnounced,
		Created: r.CreateTime.UTC(), Updated: r.UpdateTime.UTC()}
	if r.PartyID != nil {
		d.PartyID = *r.PartyID
	}
	if r.CloseTime != nil {
		t := r.CloseTime.UTC()
		d.Closed = &t
	}
	if err := json.Unmarshal(r.Steps, &d.Steps); err != nil {
		return Deadline{}, fmt.Errorf("deadline %s: steps: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Extensions, &d.Extensions); err != nil {
		return Deadline{}, fmt.Errorf("deadline %s: extensions: %w", r.ID, err)
	}
	if len(d.Extensions) == 0 {
		d.Extensions = nil
	}
	return d, nil
}

func toDeadlines(rows []deadlineRow) ([]Deadline, error) {
	out := make([]Deadline, len(rows))
	for i, r := range rows {
		var err error
		if out[i], err = r.toDeadline(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Open computes sp's due date on the store's calendar and inserts it as an
// OPEN deadline in tx; one already past due is marked MISSED by the next
// sweep. Bad input returns *errs.FieldErrors (fields proceeding_id, kind,
// party_id, trigger_date, period, unit, basis); a day the calendar does not
// cover returns an error wrapping *deadline.UncoveredYearError (and
// errs.FailedPrecondition), with nothing stored; an open deadline of the
// same kind, proceeding and party returns errs.AlreadyExists.
func (s *Store) Open(tx store.Tx, sp Spec) (Deadline, error) {
	v := &errs.FieldErrors{}
	switch {
	case sp.Matter == nil:
		v.Add("matter", "required")
	case sp.Matter.Proceeding(filing.ProceedingID(sp.ProceedingID)) == nil:
		v.Add("proceeding_id", "no proceeding %s in matter %s", sp.ProceedingID, sp.Matter.Number)
	case sp.PartyID != "" && !slices.ContainsFunc(sp.Matter.Parties(), func(p filing.Party) bool { return p.ID == sp.PartyID }):
		v.Add("party_id", "party %s is not a party of the proceeding's matter", sp.PartyID)
	}
	if len(sp.Kind) > maxKind || !kindPattern.MatchString(sp.Kind) {
		v.Add("kind", "must be a dotted lower-case name of at most %d characters, e.g. enforcement.decision", maxKind)
	}
	if err := v.Err(); err != nil {
		return Deadline{}, err
	}
	c, err := sp.Period.Due(s.cal, sp.Trigger)
	if err != nil {
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, err)
	}
	now := tx.Now()
	row := deadlineRow{ID: uuid.NewString(), MatterID: string(sp.Matter.ID), ProceedingID: sp.ProceedingID, Kind: sp.Kind,
		Status: string(StatusOpen), CreateTime: now, UpdateTime: now}
	if sp.PartyID != "" {
		row.PartyID = &sp.PartyID
	}
	if err := row.setComputation(c); err != nil {
		return Deadline{}, err
	}
	view, err := s.viewOf(tx, sp.ProceedingID, sp.Matter)
	if err != nil {
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, err)
	}
	if r := view.latest(sp.Kind, sp.PartyID); r != nil && r.Status == string(StatusOpen) {
		return Deadline{}, errs.Errorf(errs.AlreadyExists, "%s is already open", ByKind(sp.ProceedingID, sp.Kind, sp.PartyID))
	}
	if err := view.insert(tx, row); err != nil {
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, err)
	}
	return row.toDeadline()
}

// Latest returns, as tx sees it, the deadline ref names (for ByKind, the
// latest, an open one first), following every extension and
// recomputation; ok is false if there is none.
func (s *Store) Latest(tx store.Tx, ref Ref) (d Deadline, ok bool, err error) {
	r, err := s.find(tx, ref)
	if errors.Is(err, errs.NotFound) {
		return Deadline{}, false, nil
	} else if err != nil {
		return Deadline{}, false, err
	}
	d, err = r.toDeadline()
	return d, err == nil, err
}

// find returns the deadline ref names as tx sees it, in the view of its
// proceeding: changing it changes the view, not the table (view).
func (s *Store) find(tx store.Tx, ref Ref) (*deadlineRow, error) {
	id := ref.proceedingID
	if !ref.byKind {
		// The proceeding of a deadline named by id.
		id = ""
		if _, err := uuid.Parse(ref.id); err == nil {
			var ps []string
			if err := tx.Gorm().Model(&deadlineRow{}).Where("id = ?", ref.id).Limit(1).Pluck("proceeding_id", &ps).Error; err != nil {
				return nil, fmt.Errorf("%s: %w", ref, store.Translate(err))
			}
			if len(ps) > 0 {
				id = ps[0]
			}
		}
	}
	if _, err := uuid.Parse(id); err != nil {
		return nil, errs.Errorf(errs.NotFound, "%s not found", ref)
	}
	v, err := s.viewOf(tx, id, nil)
	if err != nil {
		return nil, err
	}
	var r *deadlineRow
	if ref.byKind {
		r = v.latest(ref.kind, ref.partyID)
	} else {
		r = v.byID(ref.id)
	}
	if r == nil {
		return nil, errs.Errorf(errs.NotFound, "%s not found", ref)
	}
	return r, nil
}

// notOpen is the error for a change to a deadline that has left OPEN.
func notOpen(r deadlineRow) error {
	return errs.Errorf(errs.FailedPrecondition, "deadline %s (%s, due %s) is %s, not OPEN", r.ID, r.Kind, r.DueDate, r.Status)
}

// Close ends the open deadline ref names with status MET, MISSED or
// CANCELLED, in tx. A MISSED deadline may still be closed as MET: a
// document posted by the last day is in time though it arrives later (CPL
// Art. 85 ¶4), after the sweeper marked the deadline missed. It returns
// errs.NotFound if there is no such deadline; for any other change of a
// closed deadline it returns the deadline unchanged with an error wrapping
// errs.FailedPrecondition, so the caller can record a late act.
func (s *Store) Close(tx store.Tx, ref Ref, status Status) (Deadline, error) {
	if status != StatusMet && status != StatusMissed && status != StatusCancelled {
		return Deadline{}, fmt.Errorf("Close(%s): status %q: a deadline closes as MET, MISSED or CANCELLED", ref, status)
	}
	r, err := s.find(tx, ref)
	if err != nil {
		return Deadline{}, fmt.Errorf("Close: %w", err)
	}
	lateButTimely := Status(r.Status) == StatusMissed && status == StatusMet
	if Status(r.Status) != StatusOpen && !lateButTimely {
		d, derr := r.toDeadline()
		return d, errors.Join(notOpen(*r), derr)
	}
	if err := closeRows(tx, []*deadlineRow{r}, status, tx.Now()); err != nil {
		return Deadline{}, fmt.Errorf("Close(%s): %w", ref, err)
	}
	return r.toDeadline()
}

// CloseProceeding ends every open deadline of proceedingID with status, or
// only those of the given kinds, in tx, and returns them. A proceeding with
// none is not an error.
func (s *Store) CloseProceeding(tx store.Tx, proceedingID string, status Status, kinds ...string) ([]Deadline, error) {
	if status != StatusMet && status != StatusMissed && status != StatusCancelled {
		return nil, fmt.Errorf("CloseProceeding(%s): status %q: a deadline closes as MET, MISSED or CANCELLED", proceedingID, status)
	}
	if _, err := uuid.Parse(proceedingID); err != nil {
		return nil, nil
	}
	v, err := s.viewOf(tx, proceedingID, nil)
	if err != nil {
		return nil, fmt.Errorf("CloseProceeding(%s): %w", proceedingID, err)
	}
	rows := v.open(kinds)
	if len(rows) == 0 {
		return nil, nil
	}
	if err := closeRows(tx, rows, status, tx.Now()); err != nil {
		return nil, fmt.Errorf("CloseProceeding(%s): %w", proceedingID, err)
	}
	out := make([]Deadline, len(rows))
	for i, r := range rows {
		if out[i], err = r.toDeadline(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Settle closes the open deadlines of proceedingID of the given kinds (all
// kinds when none is given) as MET.
func (s *Store) Settle(tx store.Tx, proceedingID string, kinds ...string) error {
	_, err := s.CloseProceeding(tx, proceedingID, StatusMet, kinds...)
	return err
}

// Extend lengthens the open deadline ref names by extra, approved by
// approvedBy for reason (e.g. +30 days with the head's approval, SAMR
// Administrative Penalty Procedure Rules Art. 64), recomputes it on the
// store's calendar and saves it in tx; the derivation shows the extension
// and who approved it. Once the due date moves, the approaching
// announcement is made again for the new date. Errors are as for Open
// (fields period, unit, basis, approved_by, reason) and Close.
func (s *Store) Extend(tx store.Tx, ref Ref, extra deadline.Period, approvedBy, reason string) (Deadline, error) {
	ext := deadline.Extension{Rule: extra.Rule(), ApprovedBy: approvedBy, Reason: reason}
	if err := ext.Check(""); err != nil {
		return Deadline{}, err
	}
	r, err := s.find(tx, ref)
	if err != nil {
		return Deadline{}, fmt.Errorf("Extend: %w", err)
	}
	if Status(r.Status) != StatusOpen {
		return Deadline{}, fmt.Errorf("Extend: %w", notOpen(*r))
	}
	d, err := r.toDeadline()
	if err != nil {
		return Deadline{}, err
	}
	c, err := deadline.Compute(s.cal, d.Trigger, d.Rule, append(d.Extensions, ext)...)
	if err != nil {
		return Deadline{}, fmt.Errorf("Extend(%s): %w", ref, err)
	}
	if err := r.recompute(c, tx.Now()); err != nil {
		return Deadline{}, fmt.Errorf("Extend(%s): %w", ref, err)
	}
	if err := recomputed(tx, r); err != nil {
		return Deadline{}, fmt.Errorf("Extend(%s): %w", ref, err)
	}
	return r.toDeadline()
}

// recompute sets c, a new computation of r, as of now, resetting the
// approaching announcement when the due date moves.
func (r *deadlineRow) recompute(c deadline.Computation, now time.Time) error {
	if c.Due != r.DueDate {
		r.ApproachingAnnounced = false
	}
	r.UpdateTime = now
	return r.setComputation(c)
}

// Current returns, as tx sees it, the latest deadline kind of
// proceedingID (the proceeding's own clock, an open one first), following
// every extension and every recomputation after a calendar change: its Due
// and whether that is Provisional. ok is false if there is none.
func (s *Store) Current(tx store.Tx, proceedingID, kind string) (d Deadline, ok bool, err error) {
	return s.Latest(tx, ByKind(proceedingID, kind, ""))
}

// currentKey keys the answer of CurrentFirst (store.First.Key).
const currentKey = "clock.current/"

// matterKey keys the answer of MatterFirst.
const matterKey = "clock.matter"

// MatterFirst is the read of every deadline of matterID, for a change of
// the matter that opens a proceeding to send with BEGIN (store.First):
// the transaction's view of any proceeding of the matter, a new one
// included, starts from it. It answers one row: the matter's id, its
// proceedings' ids and its deadlines (NULL if none), as JSON.
func (s *Store) MatterFirst(matterID string) (store.First, error) {
	matter, err := store.Inline(`SELECT ?::uuid`, matterID)
	if err != nil {
		return store.First{}, err
	}
	return matterFirst(matter), nil
}

// MatterOfProceedingFirst is MatterFirst for the matter of proceedingID,
// for a change of the proceeding that opens another (filing.Read).
func (s *Store) MatterOfProceedingFirst(proceedingID string) (store.First, error) {
	matter, err := filing.MatterOfProceeding(proceedingID)
	if err != nil {
		return store.First{}, err
	}
	return matterFirst(matter), nil
}

// matterFirst is MatterFirst of the matter whose id the subquery matter
// gives.
func matterFirst(matter string) store.First {
	return store.First{Key: matterKey, SQL: `SELECT (` + matter + `)::text,
		(SELECT coalesce(json_agg(id), '[]') FROM (` + filing.ProceedingsOfMatter(matter) + `) p),
		(SELECT json_agg(row_to_json(d)) FROM deadlines d WHERE matter_id = (` + matter + `))`}
}

// CurrentFirst is the read of every deadline of proceedingID, for a change
// of it to send with BEGIN (store.First): the transaction's view of them
// starts from it, if it has not written by then.
func (s *Store) CurrentFirst(proceedingID string) (store.First, error) {
	q, err := store.Inline(`SELECT row_to_json(d) FROM deadlines d WHERE proceeding_id = ?`, proceedingID)
	return store.First{Key: currentKey + proceedingID, SQL: q}, err
}

// deadlineJSON is a deadlineRow as row_to_json writes it: its jsonb
// columns are JSON in it, not the bytes of their text.
type deadlineJSON struct {
	deadlineRow
	Extensions json.RawMessage `json:"extensions"`
	Steps      json.RawMessage `json:"steps"`
}

func (j deadlineJSON) row() deadlineRow {
	r := j.deadlineRow
	r.Extensions, r.Steps = j.Extensions, j.Steps
	r.CreateTime, r.UpdateTime = r.CreateTime.UTC(), r.UpdateTime.UTC()
	if r.CloseTime != nil {
		c := r.CloseTime.UTC()
		r.CloseTime = &c
	}
	return r
}

// Any reports whether proceedingID has a deadline kind, for any party, in
// one of statuses.
func (s *Store) Any(tx store.Tx, proceedingID, kind string, statuses ...Status) (bool, error) {
	if _, err := uuid.Parse(proceedingID); err != nil {
		return false, nil
	}
	v, err := s.viewOf(tx, proceedingID, nil)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(v.rows, func(r *deadlineRow) bool {
		return r.Kind == kind && slices.Contains(statuses, Status(r.Status))
	}), nil
}

// Get returns the deadline with id, or an error wrapping errs.NotFound.
func (s *Store) Get(ctx context.Context, id string) (Deadline, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Deadline{}, errs.Errorf(errs.NotFound, "deadline %s not found", id)
	}
	var rows []deadlineRow
	if err := s.db.Session(ctx).Gorm().Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return Deadline{}, fmt.Errorf("Get(%s): %w", id, store.Translate(err))
	}
	if len(rows) == 0 {
		return Deadline{}, errs.Errorf(errs.NotFound, "deadline %s not found", id)
	}
	return rows[0].toDeadline()
}

// ForProceeding returns every deadline of proceedingID, in any status, by
// due date.
func (s *Store) ForProceeding(ctx context.Context, proceedingID string) ([]Deadline, error) {
	return s.list(ctx, "ForProceeding", "proceeding_id = ?", proceedingID)
}

// ForMatter returns every deadline of matterID, in any status, by due date.
func (s *Store) ForMatter(ctx context.Context, matterID string) ([]Deadline, error) {
	return s.list(ctx, "ForMatter", "matter_id = ?", matterID)
}

func (s *Store) list(ctx context.Context, op, where, id string) ([]Deadline, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, nil
	}
	var rows []deadlineRow
	if err := s.db.Session(ctx).Gorm().Where(where, id).Order("due_date, kind, party_id NULLS FIRST, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("%s(%s): %w", op, id, store.Translate(err))
	}
	return toDeadlines(rows)
}

// NextFor returns the open deadline of matterID that falls due first, for
// the status page; ok is false when none is open. With partyID, only that
// party's clocks and the proceedings' own (party-less) clocks count.
func (s *Store) NextFor(ctx context.Context, matterID, partyID string) (d Deadline, ok bool, err error) {
	if _, err := uuid.Parse(matterID); err != nil {
		return Deadline{}, false, nil
	}
	q := s.db.Session(ctx).Gorm().Where("matter_id = ? AND status = 'OPEN'", matterID)
	if partyID != "" {
		if _, err := uuid.Parse(partyID); err != nil {
			return Deadline{}, false, nil
		}
		q = q.Where("party_id IS NULL OR party_id = ?", partyID)
	}
	var rows []deadlineRow
	if err := q.Order("due_date, kind, party_id NULLS FIRST, id").Limit(1).Find(&rows).Error; err != nil {
		return Deadline{}, false, fmt.Errorf("NextFor(%s): %w", matterID, store.Translate(err))
	}
	if len(rows) == 0 {
		return Deadline{}, false, nil
	}
	d, err = rows[0].toDeadline()
	return d, err == nil, err
}

// KindCounts are the deadlines of one kind that operators watch.
type KindCounts struct {
	Kind string
	// Approaching are open and due within the window.
	Approaching int64
	// Overdue are open and past their due day, not yet marked missed.
	Overdue int64
	// Missed were marked missed.
	Missed int64
}

// Counts returns, per kind, the open deadlines due within window days of
// today and those overdue, and the missed ones.
func (s *Store) Counts(ctx context.Context, today civil.Date, window int) ([]KindCounts, error) {
	var rows []KindCounts
	err := s.db.Session(ctx).Gorm().Raw(`SELECT kind,
			count(*) FILTER (WHERE status = 'OPEN' AND due_date >= ? AND due_date < ?) AS approaching,
			count(*) FILTER (WHERE status = 'OPEN' AND due_date < ?) AS overdue,
			count(*) FILTER (WHERE status = 'MISSED') AS missed
		FROM deadlines WHERE status IN ('OPEN', 'MISSED') GROUP BY kind ORDER BY kind`, today, today.AddDays(window), today).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("clock: counts: %w", store.Translate(err))
	}
	return rows, nil
}
