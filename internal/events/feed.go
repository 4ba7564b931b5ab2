package events

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/store"
)

// Hand-off event types, addressed to a court in their payload.
const (
	// TypeTransferredToCourt is an enforcement case transferred to a court;
	// its payload's `recipient` is the court code.
	TypeTransferredToCourt = "enforcement.transferred_to_court"
	// TypeConfirmationRequested is a mediation agreement sent to a court for
	// judicial confirmation; its payload's `court` is the court code.
	TypeConfirmationRequested = "mediation.confirmation_requested"
)

// Filter narrows the log to what one reader may see and wants. The zero
// Filter sees nothing.
type Filter struct {
	// All sees every event (administrators, ipcased's own consumers).
	All bool
	// Agency sees the events of matters filed with it or with a proceeding
	// before it.
	Agency string
	// Court sees the events of matters with a proceeding before it, and the
	// transfers and confirmation requests addressed to it.
	Court string
	// Types keeps only these event types; empty keeps every type.
	Types []string
}

// where returns the SQL condition, over events aliased e, and its
// arguments.
func (f Filter) where() (string, []any) {
	var vis string
	var args []any
	switch {
	case f.All:
		vis = "true"
	case f.Court != "":
		vis = `(EXISTS (SELECT 1 FROM proceedings pr WHERE pr.matter_id = e.matter_id AND pr.forum = ?)
			OR (e.type = ? AND e.payload->>'recipient' = ?)
			OR (e.type = ? AND e.payload->>'court' = ?))`
		args = append(args, f.Court, TypeTransferredToCourt, f.Court, TypeConfirmationRequested, f.Court)
	case f.Agency != "":
		vis = `(EXISTS (SELECT 1 FROM matters m WHERE m.id = e.matter_id AND m.agency = ?)
			OR EXISTS (SELECT 1 FROM proceedings pr WHERE pr.matter_id = e.matter_id AND pr.forum = ?))`
		args = append(args, f.Agency, f.Agency)
	default:
		vis = "false"
	}
	if len(f.Types) > 0 {
		vis += " AND e.type IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.Types)), ",") + ")"
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	return vis, args
}

// Entry is an event at its log position.
type Entry struct {
	Position int64
	Event    Event
}

// Page is one read of the log.
type Page struct {
	// Entries are the events the filter kept, in position order.
	Entries []Entry
	// Scanned is the last position read, kept or not; the next read starts
	// after it. It is the position read after when nothing was there.
	Scanned int64
	// Full says the read stopped at its limit: more may follow at once.
	Full bool
}

type entryRow struct {
	Position int64
	Visible  bool
	Event    eventRow `gorm:"embedded"`
}

// ReadAfter reads up to limit positions after the position after, and
// returns the events among them that f keeps. Only committed events have
// positions, and positions are never given out of order, so reading on
// from Scanned never skips an event.
func ReadAfter(ctx context.Context, db *gorm.DB, f Filter, after int64, limit int) (Page, error) {
	cond, args := f.where()
	q := `WITH page AS (
		SELECT position, event_id FROM event_positions WHERE position > ? ORDER BY position LIMIT ?
	)
	SELECT page.position, (` + cond + `) AS visible, e.*
	FROM page JOIN events e ON e.id = page.event_id
	ORDER BY page.position`
	var rows []entryRow
	if err := db.WithContext(ctx).Raw(q, append([]any{after, limit}, args...)...).Scan(&rows).Error; err != nil {
		return Page{}, fmt.Errorf("events: reading after position %d: %w", after, store.Translate(err))
	}
	p := Page{Scanned: after, Full: len(rows) == limit}
	for _, r := range rows {
		p.Scanned = r.Position
		if r.Visible {
			p.Entries = append(p.Entries, Entry{Position: r.Position, Event: r.Event.toEvent()})
		}
	}
	return p, nil
}

// LastPosition returns the highest position stamped so far, 0 for none.
func LastPosition(ctx context.Context, db *gorm.DB) (int64, error) {
	var last int64
	err := db.WithContext(ctx).Raw(`SELECT coalesce(max(position), 0) FROM event_positions`).Scan(&last).Error
	if err != nil {
		return 0, fmt.Errorf("events: last position: %w", store.Translate(err))
	}
	return last, nil
}
