package filing

import (
	"time"

	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// What proceedings packages (enforcement, mediation, trial) use to act on a
// matter inside their own transactions. The matter row lock serializes every
// change to a matter, which also orders its event chain.

// Lock locks matter id in tx and loads it. It returns an error wrapping
// errs.NotFound if there is none.
func (s *Store) Lock(tx *gorm.DB, id MatterID) (*Matter, error) {
	var locked []string
	if err := tx.Raw(`SELECT id FROM matters WHERE id = ? FOR UPDATE`, string(id)).Scan(&locked).Error; err != nil {
		return nil, err
	}
	if len(locked) == 0 {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	ms, err := loadMatters(tx, locked)
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}

// Proceeding returns m's proceeding id, or nil.
func (m *Matter) Proceeding(id ProceedingID) *Proceeding {
	for _, p := range m.Proceedings {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// OpenProceeding adds a new proceeding of kind in state before forum.
func (m *Matter) OpenProceeding(at time.Time, kind ProceedingKind, state ProceedingState, forum string) *Proceeding {
	p := &Proceeding{ID: ProceedingID(newID()), Kind: kind, State: state, Forum: forum, Created: at, Updated: at}
	m.Proceedings = append(m.Proceedings, p)
	return p
}

// SaveProceedings writes m's proceedings (new and changed) in tx and marks
// the matter updated at at. It does not change the matter's etag, which
// covers the filing review; proceedings carry their own.
func (s *Store) SaveProceedings(tx *gorm.DB, m *Matter, at time.Time) error {
	if err := saveProceedings(tx, m); err != nil {
		return err
	}
	return tx.Model(&matterRow{}).Where("id = ?", string(m.ID)).Update("update_time", at).Error
}

// AppendEvents writes events for m in tx, chained and checkpointed.
func (s *Store) AppendEvents(tx *gorm.DB, m *Matter, actor events.Actor, at time.Time, recs ...events.Record) error {
	return events.Append(tx, s.cp, string(m.ID), actor, at, recs...)
}

// AddEvidence adds evidence items to matter m in tx, skipping digests it
// already has.
func (s *Store) AddEvidence(tx *gorm.DB, m *Matter, items []Evidence, at time.Time) error {
	have := map[string]bool{}
	for _, e := range m.Evidence {
		have[e.SHA256] = true
	}
	pos := len(m.Evidence)
	var rows []evidenceRow
	for _, e := range items {
		if have[e.SHA256] {
			continue
		}
		have[e.SHA256] = true
		rows = append(rows, evidenceRow{ID: newID(), MatterID: string(m.ID), Position: pos, Sha256: e.SHA256, SizeBytes: e.Size,
			MediaType: e.MediaType, Source: e.Source, Description: e.Description, CreateTime: at})
		m.Evidence = append(m.Evidence, Evidence{ID: rows[len(rows)-1].ID, SHA256: e.SHA256, Size: e.Size, MediaType: e.MediaType, Source: e.Source, Description: e.Description})
		pos++
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Create(&rows).Error
}

// CreateIn files m inside tx, as SubmitComplaint does, for a matter that a
// proceeding opens of its own motion.
func (s *Store) CreateIn(tx *gorm.DB, m *Matter, actor events.Actor, at time.Time) error {
	return s.create(tx, m, actor, at)
}

// ScopeOf is what the access policy needs to know about m.
func ScopeOf(m *Matter) auth.MatterScope { return scopeOf(m) }

// ComplaintFromProto validates a complaint as SubmitComplaint does and
// converts it; today bounds known_since.
func ComplaintFromProto(req *ipcasev1.SubmitComplaintRequest, today time.Time) (*Matter, error) {
	return complaintFromProto(req, today)
}

// Today is the date (midnight UTC) of instant t in China Standard Time, the
// day statutory periods count in.
func Today(t time.Time) time.Time { return dateOf(t) }
