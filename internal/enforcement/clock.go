package enforcement

import (
	"time"

	"gorm.io/gorm"
)

// Units of statutory periods, as package deadline names them.
const (
	CalendarDays = "calendar-days"
	WorkingDays  = "working-days"
)

// Deadline kinds enforcement keeps.
const (
	KindDecision  = "enforcement.decision"
	KindStatement = "enforcement.statement_window"
)

// Clock is what enforcement needs from the statutory clocks: computing a
// period on the holiday calendar, and keeping a proceeding's deadlines so
// that they are shown, swept and announced. Package deadline provides it;
// the interface is declared here, at its one use.
type Clock interface {
	// Due returns the last day of n units after trigger (a date).
	Due(trigger time.Time, n int, unit, basis string) (time.Time, error)
	// Track stores deadline kind of a proceeding in tx, due n units after
	// trigger.
	Track(tx *gorm.DB, matterID, proceedingID, kind string, trigger time.Time, n int, unit, basis string) error
	// Extend moves the open deadline kind by n more units, naming who
	// approved it.
	Extend(tx *gorm.DB, proceedingID, kind string, n int, unit, basis, approvedBy, reason string) (time.Time, error)
	// Settle ends the proceeding's open deadlines of the given kinds (all
	// kinds when none is given), as met.
	Settle(tx *gorm.DB, proceedingID string, kinds ...string) error
	// Current returns the due day of the latest deadline kind, which
	// follows extensions and recomputations after a calendar change.
	Current(db *gorm.DB, proceedingID, kind string) (time.Time, bool, error)
}
