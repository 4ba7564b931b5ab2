package deadline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
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

// Event types the package writes to a matter's chain.
const (
	EventApproaching = "deadline.approaching"
	EventMissed      = "deadline.missed"
	EventRecomputed  = "deadline.recomputed"
)

// systemActor is who sweeps and recomputes.
var systemActor = events.Actor{Subject: "ipcased", Role: "system"}

var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

const maxKind = 64

// Spec is a deadline to open.
type Spec struct {
	// ProceedingID is the proceeding the clock belongs to; its matter is
	// taken from it.
	ProceedingID string
	// Kind says what the clock is for, dotted: `enforcement.decision`,
	// `enforcement.hearing_request`, `mediation.confirmation`,
	// `trial.appeal`.
	Kind string
	// PartyID, if set, makes it that party's clock (an appeal period runs
	// from each party's own service, SPC CPL Interpretation Art. 244). The
	// party must be a party of the matter.
	PartyID string
	// Trigger is the day of the event that starts the clock.
	Trigger Date
	// Rule is the period.
	Rule Rule
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
	Computation
	Status Status
	// ApproachingAnnounced is set once deadline.approaching was written for
	// the current due date.
	ApproachingAnnounced bool
	Created, Updated     time.Time
	// Closed is when the deadline left OPEN; nil while open.
	Closed *time.Time
}

// Event returns a record of type typ about d, for the matter's chain, with
// the deadline's id, kind, party, rule and due date as payload.
func (d Deadline) Event(typ string) events.Record {
	return events.Record{Type: typ, ProceedingID: d.ProceedingID, Payload: d.payload()}
}

func (d Deadline) payload() map[string]any {
	p := map[string]any{
		"deadline": d.ID, "kind": d.Kind, "trigger": d.Trigger.String(), "period": d.Rule.Period,
		"unit": d.Rule.Unit.String(), "basis": d.Rule.Basis, "due": d.Due.String(), "status": string(d.Status),
	}
	if d.PartyID != "" {
		p["party"] = d.PartyID
	}
	return p
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
// the caller appends its own events (Deadline.Event builds them).
type Store struct {
	db  *gorm.DB
	cal *Calendar
	cp  *events.Checkpoints
}

// NewStore returns a Store over db computing on cal; events it writes itself
// (sweeps and recomputations) are checkpointed with cp.
func NewStore(db *gorm.DB, cal *Calendar, cp *events.Checkpoints) *Store {
	if db == nil || cal == nil || cp == nil {
		panic("deadline.NewStore: nil dependency")
	}
	return &Store{db: db, cal: cal, cp: cp}
}

// Calendar returns the calendar the store computes on.
func (s *Store) Calendar() *Calendar { return s.cal }

type deadlineRow struct {
	ID                   string `gorm:"primaryKey"`
	MatterID             string
	ProceedingID         string
	Kind                 string
	PartyID              *string
	TriggerDate          Date `gorm:"type:date"`
	Period               int
	Unit                 string
	Basis                string
	Extensions           []byte `gorm:"type:jsonb"`
	DueDate              Date   `gorm:"type:date"`
	RawEnd               Date   `gorm:"type:date"`
	Adjusted             bool
	EndsOnMakeUpDay      bool
	Steps                []byte `gorm:"type:jsonb"`
	CalendarVersion      string
	Status               string
	ApproachingAnnounced bool
	CreateTime           time.Time
	UpdateTime           time.Time
	CloseTime            *time.Time
}

func (deadlineRow) TableName() string { return "deadlines" }

// setComputation writes c into r.
func (r *deadlineRow) setComputation(c Computation) error {
	exts, err := json.Marshal(nonNilExtensions(c.Extensions))
	if err != nil {
		return err
	}
	steps, err := json.Marshal(c.Steps)
	if err != nil {
		return err
	}
	r.TriggerDate, r.Period, r.Unit, r.Basis = c.Trigger, c.Rule.Period, c.Rule.Unit.String(), c.Rule.Basis
	r.Extensions, r.DueDate, r.RawEnd, r.Adjusted = exts, c.Due, c.RawEnd, c.Adjusted
	r.EndsOnMakeUpDay, r.Steps, r.CalendarVersion = c.EndsOnMakeUpWorkingDay, steps, c.CalendarVersion
	return nil
}

func nonNilExtensions(e []Extension) []Extension {
	if e == nil {
		return []Extension{}
	}
	return e
}

func (r deadlineRow) toDeadline() (Deadline, error) {
	unit, err := ParseUnit(r.Unit)
	if err != nil {
		return Deadline{}, fmt.Errorf("deadline %s: %w", r.ID, err)
	}
	d := Deadline{ID: r.ID, MatterID: r.MatterID, ProceedingID: r.ProceedingID, Kind: r.Kind,
		Computation: Computation{Trigger: r.TriggerDate, Rule: Rule{Period: r.Period, Unit: unit, Basis: r.Basis},
			Due: r.DueDate, RawEnd: r.RawEnd, Adjusted: r.Adjusted, EndsOnMakeUpWorkingDay: r.EndsOnMakeUpDay,
			CalendarVersion: r.CalendarVersion},
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
// sweep. Bad input returns *errs.FieldErrors (fields
// proceeding_id, kind, party_id, trigger_date, period, unit, basis); a day
// the calendar does not cover returns an error wrapping *UncoveredYearError
// (and errs.FailedPrecondition); an open deadline of the same kind,
// proceeding and party returns errs.AlreadyExists.
func (s *Store) Open(tx *gorm.DB, sp Spec) (Deadline, error) {
	v := &errs.FieldErrors{}
	if _, err := uuid.Parse(sp.ProceedingID); err != nil {
		v.Add("proceeding_id", "must be a proceeding id (a UUID)")
	}
	if len(sp.Kind) > maxKind || !kindPattern.MatchString(sp.Kind) {
		v.Add("kind", "must be a dotted lower-case name of at most %d characters, e.g. enforcement.decision", maxKind)
	}
	if sp.PartyID != "" {
		if _, err := uuid.Parse(sp.PartyID); err != nil {
			v.Add("party_id", "must be a party id (a UUID)")
		}
	}
	if err := v.Err(); err != nil {
		return Deadline{}, err
	}
	var matterIDs []string
	if err := tx.Table("proceedings").Where("id = ?", sp.ProceedingID).Limit(1).Pluck("matter_id", &matterIDs).Error; err != nil {
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, store.Translate(err))
	}
	if len(matterIDs) == 0 {
		return Deadline{}, errs.Field("proceeding_id", "no proceeding %s", sp.ProceedingID)
	}
	if sp.PartyID != "" {
		var n int64
		if err := tx.Table("matter_parties").Where("matter_id = ? AND party_id = ?", matterIDs[0], sp.PartyID).Count(&n).Error; err != nil {
			return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, store.Translate(err))
		}
		if n == 0 {
			return Deadline{}, errs.Field("party_id", "party %s is not a party of the proceeding's matter", sp.PartyID)
		}
	}
	c, err := Compute(s.cal, sp.Trigger, sp.Rule)
	if err != nil {
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, err)
	}
	now := tx.NowFunc()
	row := deadlineRow{ID: uuid.NewString(), MatterID: matterIDs[0], ProceedingID: sp.ProceedingID, Kind: sp.Kind,
		Status: string(StatusOpen), CreateTime: now, UpdateTime: now}
	if sp.PartyID != "" {
		row.PartyID = &sp.PartyID
	}
	if err := row.setComputation(c); err != nil {
		return Deadline{}, err
	}
	if err := tx.Create(&row).Error; err != nil {
		err = store.Translate(err)
		if errors.Is(err, errs.AlreadyExists) {
			return Deadline{}, errs.Errorf(errs.AlreadyExists, "%s is already open", ByKind(sp.ProceedingID, sp.Kind, sp.PartyID))
		}
		return Deadline{}, fmt.Errorf("Open(%s): %w", sp.Kind, err)
	}
	return row.toDeadline()
}

// lock reads the deadline ref names in tx and locks its row.
func (s *Store) lock(tx *gorm.DB, ref Ref) (deadlineRow, error) {
	q := tx.Clauses(clause.Locking{Strength: "UPDATE"})
	if ref.byKind {
		if _, err := uuid.Parse(ref.proceedingID); err != nil {
			return deadlineRow{}, errs.Errorf(errs.NotFound, "%s not found", ref)
		}
		q = q.Where("proceeding_id = ? AND kind = ?", ref.proceedingID, ref.kind)
		if ref.partyID == "" {
			q = q.Where("party_id IS NULL")
		} else if _, err := uuid.Parse(ref.partyID); err != nil {
			return deadlineRow{}, errs.Errorf(errs.NotFound, "%s not found", ref)
		} else {
			q = q.Where("party_id = ?", ref.partyID)
		}
		q = q.Order("status = 'OPEN' DESC, create_time DESC, id")
	} else {
		if _, err := uuid.Parse(ref.id); err != nil {
			return deadlineRow{}, errs.Errorf(errs.NotFound, "%s not found", ref)
		}
		q = q.Where("id = ?", ref.id)
	}
	var rows []deadlineRow
	if err := q.Limit(1).Find(&rows).Error; err != nil {
		return deadlineRow{}, fmt.Errorf("%s: %w", ref, store.Translate(err))
	}
	if len(rows) == 0 {
		return deadlineRow{}, errs.Errorf(errs.NotFound, "%s not found", ref)
	}
	return rows[0], nil
}

// notOpen is the error for a change to a deadline that has left OPEN.
func notOpen(r deadlineRow) error {
	return errs.Errorf(errs.FailedPrecondition, "deadline %s (%s, due %s) is %s, not OPEN", r.ID, r.Kind, r.DueDate, r.Status)
}

// Close ends the open deadline ref names with status MET, MISSED or
// CANCELLED, in tx. A MISSED deadline may still be closed as MET: a
// document posted by the last day is in time though it arrives later (CPL
// Art. 85), after the sweeper marked the deadline missed. It returns
// errs.NotFound if there is no such deadline; for any other change of a
// closed deadline it returns the deadline unchanged with an error wrapping
// errs.FailedPrecondition, so the caller can record a late act.
func (s *Store) Close(tx *gorm.DB, ref Ref, status Status) (Deadline, error) {
	if status != StatusMet && status != StatusMissed && status != StatusCancelled {
		return Deadline{}, errs.Errorf(errs.InvalidArgument, "Close(%s): status %q: a deadline closes as MET, MISSED or CANCELLED", ref, status)
	}
	r, err := s.lock(tx, ref)
	if err != nil {
		return Deadline{}, fmt.Errorf("Close: %w", err)
	}
	lateButTimely := Status(r.Status) == StatusMissed && status == StatusMet
	if Status(r.Status) != StatusOpen && !lateButTimely {
		d, derr := r.toDeadline()
		return d, errors.Join(notOpen(r), derr)
	}
	now := tx.NowFunc()
	r.Status, r.CloseTime, r.UpdateTime = string(status), &now, now
	if err := tx.Model(&deadlineRow{ID: r.ID}).Updates(map[string]any{"status": r.Status, "close_time": now, "update_time": now}).Error; err != nil {
		return Deadline{}, fmt.Errorf("Close(%s): %w", ref, store.Translate(err))
	}
	return r.toDeadline()
}

// CloseProceeding ends every open deadline of proceedingID with status, or
// only those of the given kinds, in tx, and returns them. A proceeding with
// none is not an error.
func (s *Store) CloseProceeding(tx *gorm.DB, proceedingID string, status Status, kinds ...string) ([]Deadline, error) {
	if status != StatusMet && status != StatusMissed && status != StatusCancelled {
		return nil, errs.Errorf(errs.InvalidArgument, "CloseProceeding(%s): status %q", proceedingID, status)
	}
	if _, err := uuid.Parse(proceedingID); err != nil {
		return nil, nil
	}
	q := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("proceeding_id = ? AND status = 'OPEN'", proceedingID)
	if len(kinds) > 0 {
		q = q.Where("kind IN ?", kinds)
	}
	var rows []deadlineRow
	if err := q.Order("due_date, kind, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("CloseProceeding(%s): %w", proceedingID, store.Translate(err))
	}
	if len(rows) == 0 {
		return nil, nil
	}
	now := tx.NowFunc()
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
		rows[i].Status, rows[i].CloseTime, rows[i].UpdateTime = string(status), &now, now
	}
	if err := tx.Model(&deadlineRow{}).Where("id IN ?", ids).
		Updates(map[string]any{"status": string(status), "close_time": now, "update_time": now}).Error; err != nil {
		return nil, fmt.Errorf("CloseProceeding(%s): %w", proceedingID, store.Translate(err))
	}
	return toDeadlines(rows)
}

// Extend lengthens the open deadline ref names by extra, approved by
// approvedBy for reason (e.g. +30 days with the head's approval, SAMR
// Provisions Art. 64), recomputes it on the store's calendar and saves it in
// tx; the derivation shows the extension and who approved it. Once the due
// date moves, the approaching announcement is made again for the new date.
// Errors are as for Open (fields period, unit, basis, approved_by, reason)
// and Close.
func (s *Store) Extend(tx *gorm.DB, ref Ref, extra Rule, approvedBy, reason string) (Deadline, error) {
	ext := Extension{Rule: extra, ApprovedBy: approvedBy, Reason: reason}
	v := &errs.FieldErrors{}
	ext.check(v, "")
	if err := v.Err(); err != nil {
		return Deadline{}, err
	}
	r, err := s.lock(tx, ref)
	if err != nil {
		return Deadline{}, fmt.Errorf("Extend: %w", err)
	}
	if Status(r.Status) != StatusOpen {
		return Deadline{}, fmt.Errorf("Extend: %w", notOpen(r))
	}
	d, err := r.toDeadline()
	if err != nil {
		return Deadline{}, err
	}
	c, err := Compute(s.cal, d.Trigger, d.Rule, append(d.Extensions, ext)...)
	if err != nil {
		return Deadline{}, fmt.Errorf("Extend(%s): %w", ref, err)
	}
	if err := s.save(tx, &r, c); err != nil {
		return Deadline{}, fmt.Errorf("Extend(%s): %w", ref, err)
	}
	return r.toDeadline()
}

// save writes a new computation of r, resetting the approaching
// announcement when the due date moves.
func (s *Store) save(tx *gorm.DB, r *deadlineRow, c Computation) error {
	if c.Due != r.DueDate {
		r.ApproachingAnnounced = false
	}
	if err := r.setComputation(c); err != nil {
		return err
	}
	r.UpdateTime = tx.NowFunc()
	return store.Translate(tx.Model(&deadlineRow{ID: r.ID}).Select("*").Omit("id", "create_time").Updates(r).Error)
}

// Get returns the deadline with id, or an error wrapping errs.NotFound.
func (s *Store) Get(ctx context.Context, id string) (Deadline, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Deadline{}, errs.Errorf(errs.NotFound, "deadline %s not found", id)
	}
	var rows []deadlineRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
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
	if err := s.db.WithContext(ctx).Where(where, id).Order("due_date, kind, party_id NULLS FIRST, id").Find(&rows).Error; err != nil {
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
	q := s.db.WithContext(ctx).Where("matter_id = ? AND status = 'OPEN'", matterID)
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
