package events

import (
	"fmt"

	"github.com/ipcase/ipcase/internal/store"
)

// Entry is an event at its log position.
type Entry struct {
	Position int64
	Event    Event
}

// Page is one read of the log.
type Page struct {
	// Entries are the events of the types asked for, in position order.
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
// returns the events among them of the given types (every type when none
// is given). Only committed events have positions, and positions are never
// given out of order, so reading on from Scanned never skips an event. Who
// may see which of them is the reader's to decide.
func ReadAfter(tx store.Tx, types []Type, after int64, limit int) (Page, error) {
	q, args := readAfter(types, after, limit)
	var rows []entryRow
	if err := tx.Gorm().Raw(q, args...).Scan(&rows).Error; err != nil {
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

// readAfter is ReadAfter's statement. Its plan must not depend on the
// size of events: each event of the page is looked up by its key, in a
// LATERAL subquery that OFFSET 0 keeps from being flattened into a join.
// Planned as a join on the page's LIMIT, it hashed every event of a log
// of 20,000 events on every read (TestReadAfterPlanFollowsKeys).
func readAfter(types []Type, after int64, limit int) (string, []any) {
	keep, args := "true", []any{}
	if len(types) > 0 {
		keep = "e.type IN ?"
		args = append(args, types)
	}
	return `SELECT page.position, (` + keep + `) AS visible, e.*
	FROM (SELECT position, event_id FROM event_positions WHERE position > ? ORDER BY position LIMIT ?) page
	CROSS JOIN LATERAL (SELECT * FROM events WHERE id = page.event_id OFFSET 0) e
	ORDER BY page.position`, append(args, after, limit)
}

// LastPosition returns the highest position stamped so far, 0 for none.
func LastPosition(tx store.Tx) (int64, error) {
	var last int64
	err := tx.Gorm().Raw(`SELECT coalesce(max(position), 0) FROM event_positions`).Scan(&last).Error
	if err != nil {
		return 0, fmt.Errorf("events: last position: %w", store.Translate(err))
	}
	return last, nil
}

// Stats is the state of the log that operators watch.
type Stats struct {
	// Position is the highest position stamped.
	Position int64
	// Unstamped counts committed events the relay has not positioned yet.
	Unstamped int64
	// Lag is, per consumer, how many positions lie past its cursor.
	Lag map[string]int64
}

// ReadStats reads the log's Stats.
func ReadStats(tx store.Tx) (Stats, error) {
	g := tx.Gorm()
	// Scanned apart from Stats: gorm cannot map a struct with a map field,
	// and would log so on every read.
	var head struct{ Position, Unstamped int64 }
	if err := g.Raw(`SELECT (SELECT coalesce(max(position), 0) FROM event_positions) AS position,
		(SELECT count(*) FROM event_unstamped) AS unstamped`).Scan(&head).Error; err != nil {
		return Stats{}, fmt.Errorf("events: stats: %w", store.Translate(err))
	}
	st := Stats{Position: head.Position, Unstamped: head.Unstamped}
	var lags []struct {
		Name string
		Lag  int64
	}
	if err := g.Raw(`SELECT name, greatest(? - position, 0) AS lag FROM consumer_cursors ORDER BY name`, st.Position).
		Scan(&lags).Error; err != nil {
		return Stats{}, fmt.Errorf("events: consumer lag: %w", store.Translate(err))
	}
	st.Lag = make(map[string]int64, len(lags))
	for _, l := range lags {
		st.Lag[l.Name] = l.Lag
	}
	return st, nil
}
