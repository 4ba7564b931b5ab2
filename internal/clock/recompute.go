package clock

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// recomputeBatch is how many deadlines Recompute reads at a time.
const recomputeBatch = 200

// Recomputation is what Recompute did.
type Recomputation struct {
	// Checked is the number of open deadlines computed on another calendar
	// version.
	Checked int
	// Moved is how many of them got a new due date or a new provisional
	// standing (one deadline.recomputed event each).
	Moved int
	// Failed are those that could not be recomputed (typically a year the
	// new calendar does not cover); they keep their due date and old
	// version, and are tried again on the next run.
	Failed []RecomputeFailure
}

// RecomputeFailure is one deadline Recompute could not recompute.
type RecomputeFailure struct {
	DeadlineID string
	Err        error
}

// Recompute recomputes every OPEN deadline whose calendar version is not
// the store's calendar's, at now. A deadline whose due date moves, or that
// stops (or starts) being provisional, is saved with its new derivation,
// its approaching announcement is reset, and a deadline.recomputed event
// (previous and new due date, provisional flag and calendar version) is
// appended to its matter's chain with the system actor. One whose due date
// and standing stay is saved quietly with the new version and steps.
// Each deadline is its own transaction, so a concurrent Close wins or waits,
// never lost.
func (s *Store) Recompute(ctx context.Context, now time.Time) (Recomputation, error) {
	var res Recomputation
	version := s.cal.Version()
	after := ""
	for {
		var ids []string
		q := s.db.Session(ctx).Gorm().Model(&deadlineRow{}).
			Where("status = 'OPEN' AND calendar_version <> ?", version)
		if after != "" {
			q = q.Where("id > ?", after)
		}
		if err := q.Order("id").Limit(recomputeBatch).Pluck("id", &ids).Error; err != nil {
			return res, fmt.Errorf("Recompute: %w", store.Translate(err))
		}
		for _, id := range ids {
			moved, checked, err := s.recomputeOne(ctx, id, version, now)
			if err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				res.Failed = append(res.Failed, RecomputeFailure{DeadlineID: id, Err: err})
			}
			if checked {
				res.Checked++
			}
			if moved {
				res.Moved++
			}
		}
		if len(ids) < recomputeBatch {
			return res, nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Store) recomputeOne(ctx context.Context, id, version string, now time.Time) (moved, checked bool, err error) {
	err = s.db.InTx(ctx, func(tx store.Tx) error {
		if found, err := s.lockMatterOf(tx, id); err != nil || !found {
			return err
		}
		var rows []deadlineRow
		if err := tx.Gorm().Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ? AND status = 'OPEN' AND calendar_version <> ?", id, version).
			Limit(1).Find(&rows).Error; err != nil {
			return store.Translate(err)
		}
		if len(rows) == 0 {
			return nil // closed or recomputed meanwhile
		}
		checked = true
		r := rows[0]
		old, err := r.toDeadline()
		if err != nil {
			return err
		}
		c, err := deadline.Compute(s.cal, old.Trigger, old.Rule, old.Extensions...)
		if err != nil {
			return err
		}
		if err := r.recompute(c, tx.Now()); err != nil {
			return err
		}
		if err := recomputed(tx, &r); err != nil {
			return err
		}
		if c.Due == old.Due && c.Provisional == old.Provisional {
			return nil
		}
		moved = true
		d, err := r.toDeadline()
		if err != nil {
			return err
		}
		return s.log.Append(tx, d.MatterID, events.System, now, events.Record{Type: events.DeadlineRecomputed, ProceedingID: d.ProceedingID,
			Payload: events.DeadlineRecomputedPayload{DeadlinePayload: d.payload(), PreviousDue: old.Due,
				PreviousProvisional: old.Provisional, PreviousCalendarVersion: old.CalendarVersion, CalendarVersion: c.CalendarVersion}})
	})
	if err != nil {
		return false, checked, fmt.Errorf("Recompute(%s): %w", id, err)
	}
	return moved, checked, nil
}
