package clock

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// A transition reads the deadlines of a proceeding once — with BEGIN
// (CurrentFirst) or on its first use — and from then on the transaction
// keeps them (view), changing its copy as it changes them and sending the
// writes with COMMIT (store.Tx.WriteAtCommit): a transition that opens,
// closes or extends a clock and then reads it makes no round trip for it.
// The copy stays true because every writer of a deadline holds its
// matter's lock first — transitions lock their matter with BEGIN, the
// sweep and recomputations lock it before the deadline (lockMatterOf) —
// so no other transaction changes the rows while the copy is kept.

// viewKey keys a proceeding's view in its transaction (store.Tx.SetLocal).
type viewKey string

// view is the deadlines of one proceeding, every party's, as the
// transaction sees them.
type view struct {
	rows []*deadlineRow
}

// viewOf returns the deadlines of proceedingID as tx sees them: the copy
// tx keeps, else none if m, the proceeding's matter if the caller has it,
// was filed in tx, else what was read with BEGIN (of the proceeding, or of
// its matter), else a read now.
func (s *Store) viewOf(tx store.Tx, proceedingID string, m *filing.Matter) (*view, error) {
	if v, ok := tx.Local(viewKey(proceedingID)); ok {
		return v.(*view), nil
	}
	v := &view{}
	var matterID string
	if m != nil {
		matterID = string(m.ID)
	}
	var read []json.RawMessage
	text, ok := tx.Prefetched(currentKey + proceedingID)
	switch {
	case m != nil && m.Filed():
		ok = true // nothing of it is stored
	case ok:
		for _, row := range text {
			read = append(read, row[0])
		}
	default:
		var err error
		if read, ok, err = ofMatter(tx, proceedingID, matterID); err != nil {
			return nil, err
		}
	}
	if ok {
		for _, row := range read {
			var j deadlineJSON
			if err := json.Unmarshal(row, &j); err != nil {
				return nil, fmt.Errorf("clock: a deadline read with BEGIN: %w", err)
			}
			if r := j.row(); r.ProceedingID == proceedingID {
				v.rows = append(v.rows, &r)
			}
		}
	} else {
		var rows []deadlineRow
		if err := tx.Gorm().Where("proceeding_id = ?", proceedingID).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("clock: deadlines of proceeding %s: %w", proceedingID, store.Translate(err))
		}
		for i := range rows {
			v.rows = append(v.rows, &rows[i])
		}
	}
	tx.SetLocal(viewKey(proceedingID), v)
	return v, nil
}

// ofMatter returns the deadlines MatterFirst read with BEGIN, if it did,
// nothing has been written since, and proceedingID is of its matter: one
// the matter had then, or one the transaction opened in it (matterID, if
// the caller knows it, is the proceeding's).
func ofMatter(tx store.Tx, proceedingID, matterID string) ([]json.RawMessage, bool, error) {
	text, ok := tx.Prefetched(matterKey)
	if !ok || len(text) != 1 {
		return nil, false, nil
	}
	var proceedings []string
	var deadlines []json.RawMessage
	if err := json.Unmarshal(text[0][1], &proceedings); err != nil {
		return nil, false, fmt.Errorf("clock: a matter's proceedings read with BEGIN: %w", err)
	}
	if text[0][2] != nil {
		if err := json.Unmarshal(text[0][2], &deadlines); err != nil {
			return nil, false, fmt.Errorf("clock: a matter's deadlines read with BEGIN: %w", err)
		}
	}
	if matterID != string(text[0][0]) && !slices.Contains(proceedings, proceedingID) && !filing.OpenedIn(tx, proceedingID) {
		return nil, false, nil
	}
	return deadlines, true, nil
}

// latest is the deadline kind of partyID ("" for the proceeding's own), an
// open one first, then the newest: what ByKind refers to.
func (v *view) latest(kind, partyID string) *deadlineRow {
	var best *deadlineRow
	for _, r := range v.rows {
		if r.Kind != kind || partyOf(r) != partyID {
			continue
		}
		if best == nil || before(r, best) {
			best = r
		}
	}
	return best
}

// before orders deadlines as ByKind prefers them: open first, then newest,
// then by id.
func before(a, b *deadlineRow) bool {
	if ao, bo := a.Status == string(StatusOpen), b.Status == string(StatusOpen); ao != bo {
		return ao
	}
	if c := a.CreateTime.Compare(b.CreateTime); c != 0 {
		return c > 0
	}
	return a.ID < b.ID
}

func partyOf(r *deadlineRow) string {
	if r.PartyID == nil {
		return ""
	}
	return *r.PartyID
}

// byID is the deadline with id, if it is the proceeding's.
func (v *view) byID(id string) *deadlineRow {
	for _, r := range v.rows {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// open is the open deadlines, of the given kinds if any, by due date.
func (v *view) open(kinds []string) []*deadlineRow {
	var out []*deadlineRow
	for _, r := range v.rows {
		if r.Status == string(StatusOpen) && (len(kinds) == 0 || slices.Contains(kinds, r.Kind)) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *deadlineRow) int {
		return cmp.Or(a.DueDate.Compare(b.DueDate), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// insert adds r, a new deadline, and has it inserted at COMMIT.
func (v *view) insert(tx store.Tx, r deadlineRow) error {
	v.rows = append(v.rows, &r)
	return tx.WriteAtCommit(store.Write{SQL: `INSERT INTO deadlines (id, matter_id, proceeding_id, kind, party_id, trigger_date, period,
		unit, basis, counting, extensions, due_date, raw_end, adjusted, ends_on_make_up_day, provisional, steps, calendar_version,
		status, approaching_announced, create_time, update_time, close_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)`,
		Args: []any{r.ID, r.MatterID, r.ProceedingID, r.Kind, r.PartyID, r.TriggerDate, r.Period,
			r.Unit, r.Basis, r.Counting, string(r.Extensions), r.DueDate, r.RawEnd, r.Adjusted, r.EndsOnMakeUpDay, r.Provisional,
			string(r.Steps), r.CalendarVersion, r.Status, r.ApproachingAnnounced, r.CreateTime, r.UpdateTime, r.CloseTime}})
}

// closeRows sets rows' status as of now and has them updated at COMMIT.
func closeRows(tx store.Tx, rows []*deadlineRow, status Status, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		r.Status, r.CloseTime, r.UpdateTime = string(status), &now, now
		ids[i] = r.ID
	}
	return tx.WriteAtCommit(store.Write{SQL: `UPDATE deadlines SET status = ?, close_time = ?, update_time = ? WHERE id IN ?`,
		Args: []any{string(status), now, now, ids}})
}

// recomputed has r's computation (set in it by save) updated at COMMIT.
func recomputed(tx store.Tx, r *deadlineRow) error {
	return tx.WriteAtCommit(store.Write{SQL: `UPDATE deadlines SET trigger_date = ?, period = ?, unit = ?, basis = ?, counting = ?,
		extensions = ?::jsonb, due_date = ?, raw_end = ?, adjusted = ?, ends_on_make_up_day = ?, provisional = ?, steps = ?::jsonb,
		calendar_version = ?, approaching_announced = ?, update_time = ? WHERE id = ?`,
		Args: []any{r.TriggerDate, r.Period, r.Unit, r.Basis, r.Counting, string(r.Extensions), r.DueDate, r.RawEnd, r.Adjusted,
			r.EndsOnMakeUpDay, r.Provisional, string(r.Steps), r.CalendarVersion, r.ApproachingAnnounced, r.UpdateTime, r.ID}})
}
