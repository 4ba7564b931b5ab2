package deadline

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/errs"
)

// Clock adapts a Store to the plain form that the proceedings packages
// declare where they use it (enforcement.Clock): a day is a time.Time read
// as the calendar day it shows in its own location (filing.Today gives
// midnight UTC of the day in China), returned as midnight UTC; a unit is
// its CLI spelling ("calendar-days", "working-days", "months", "years").
type Clock struct{ s *Store }

// ErrProvisional marks a period that reaches a year the holiday calendar
// does not cover yet (CALENDAR.md §3.5): no due day can be computed, and
// nothing is stored, until the year's notice is loaded. A caller may then
// carry on with the raw end as a provisional day (an enforcement case still
// opens) or refuse (a hearing window must be exact).
var ErrProvisional = errors.New("provisional")

// provisional wraps an uncovered-year error with ErrProvisional.
func provisional(err error) error {
	if _, ok := IsUncovered(err); ok {
		return fmt.Errorf("%w: %w", ErrProvisional, err)
	}
	return err
}

// NewClock returns a Clock over s.
func NewClock(s *Store) *Clock {
	if s == nil {
		panic("deadline.NewClock: nil store")
	}
	return &Clock{s: s}
}

func (c *Clock) rule(n int, unit, basis string) (Rule, error) {
	u, err := ParseUnit(unit)
	if err != nil {
		return Rule{}, errs.Field("unit", "%v", err)
	}
	return Rule{Period: n, Unit: u, Basis: basis}, nil
}

func toTime(d Date) time.Time { return d.time() }

// Due returns the last day of n units after trigger, with errors as for
// Compute; an uncovered year also wraps ErrProvisional.
func (c *Clock) Due(trigger time.Time, n int, unit, basis string) (time.Time, error) {
	r, err := c.rule(n, unit, basis)
	if err != nil {
		return time.Time{}, err
	}
	comp, err := Compute(c.s.cal, dateOf(trigger), r)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", basis, provisional(err))
	}
	return toTime(comp.Due), nil
}

// Track opens deadline kind of proceedingID (of matterID) in tx, due n
// units after trigger; see Store.Open. An uncovered year stores nothing and
// wraps ErrProvisional.
func (c *Clock) Track(tx *gorm.DB, matterID, proceedingID, kind string, trigger time.Time, n int, unit, basis string) error {
	r, err := c.rule(n, unit, basis)
	if err != nil {
		return err
	}
	d, err := c.s.Open(tx, Spec{ProceedingID: proceedingID, Kind: kind, Trigger: dateOf(trigger), Rule: r})
	if err != nil {
		return provisional(err)
	}
	if d.MatterID != matterID {
		return errs.Errorf(errs.InvalidArgument, "Track(%s): proceeding %s belongs to matter %s, not %s", kind, proceedingID, d.MatterID, matterID)
	}
	return nil
}

// Extend lengthens the open deadline kind of proceedingID by n units and
// returns its new due date; see Store.Extend.
func (c *Clock) Extend(tx *gorm.DB, proceedingID, kind string, n int, unit, basis, approvedBy, reason string) (time.Time, error) {
	r, err := c.rule(n, unit, basis)
	if err != nil {
		return time.Time{}, err
	}
	d, err := c.s.Extend(tx, ByKind(proceedingID, kind, ""), r, approvedBy, reason)
	if err != nil {
		return time.Time{}, err
	}
	return toTime(d.Due), nil
}

// Settle closes the open deadlines of proceedingID of the given kinds (all
// when none is given) as MET.
func (c *Clock) Settle(tx *gorm.DB, proceedingID string, kinds ...string) error {
	_, err := c.s.CloseProceeding(tx, proceedingID, StatusMet, kinds...)
	return err
}

// Current returns the due day of the latest deadline kind of proceedingID
// (the proceeding's own clock, an open one first) as db sees it, following
// every extension and every recomputation after a calendar change; ok is
// false if there is none.
func (c *Clock) Current(db *gorm.DB, proceedingID, kind string) (due time.Time, ok bool, err error) {
	var rows []deadlineRow
	err = db.Where("proceeding_id = ? AND kind = ? AND party_id IS NULL", proceedingID, kind).
		Order("status = 'OPEN' DESC, create_time DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return time.Time{}, false, err
	}
	d, err := rows[0].toDeadline()
	if err != nil {
		return time.Time{}, false, err
	}
	return toTime(d.Due), true, nil
}

// TrackParty opens deadline kind of proceedingID (of matterID) for party
// partyID in tx, due n units after trigger (an appeal period runs from each
// party's own service, SPC CPL Interpretation Art. 244), and returns its due
// day. An uncovered year stores nothing and wraps ErrProvisional.
func (c *Clock) TrackParty(tx *gorm.DB, matterID, proceedingID, kind, partyID string, trigger time.Time, n int, unit, basis string) (time.Time, error) {
	r, err := c.rule(n, unit, basis)
	if err != nil {
		return time.Time{}, err
	}
	d, err := c.s.Open(tx, Spec{ProceedingID: proceedingID, Kind: kind, PartyID: partyID, Trigger: dateOf(trigger), Rule: r})
	if err != nil {
		return time.Time{}, provisional(err)
	}
	if d.MatterID != matterID {
		return time.Time{}, errs.Errorf(errs.InvalidArgument, "TrackParty(%s): proceeding %s belongs to matter %s, not %s", kind, proceedingID, d.MatterID, matterID)
	}
	return toTime(d.Due), nil
}

// SettleParty closes party partyID's deadline kind of proceedingID as MET:
// an open one, or one the sweeper marked missed though the act was in time
// (a document posted by the last day, CPL Art. 85).
func (c *Clock) SettleParty(tx *gorm.DB, proceedingID, kind, partyID string) error {
	_, err := c.s.Close(tx, ByKind(proceedingID, kind, partyID), StatusMet)
	return err
}
