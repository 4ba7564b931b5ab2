package enforcement

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
	"github.com/ipcase/ipcase/internal/store"
)

// Store keeps enforcement cases (table enforcement_cases), decision
// numbers and decided infringements.
type Store struct {
	*proceeding.Store[*Case]
}

// NewStore returns a Store over db; matters are read and locked through fs.
func NewStore(db *gorm.DB, fs *filing.Store) *Store {
	return &Store{proceeding.NewStore(db, fs, "enforcement_cases", filing.KindEnforcement, "enforcement case",
		func() *Case { return &Case{} })}
}

// Tx is what a change of a case sees inside its transaction.
type Tx = proceeding.Tx[*Case]

func newID() string { return uuid.NewString() }

// nextDecisionNumber takes the next decision number of agency for year in
// db's transaction: `{agency}处罚〔{year}〕{n}号`. The counter row stays
// locked until the transaction ends, so concurrent decisions of one agency
// get consecutive numbers and a rolled-back decision leaves no gap.
func nextDecisionNumber(db *gorm.DB, agency string, year int) (string, error) {
	var n int64
	err := db.Raw(`INSERT INTO decision_counters (agency, year, last) VALUES (?, ?, 1)
		ON CONFLICT (agency, year) DO UPDATE SET last = decision_counters.last + 1 RETURNING last`, agency, year).Scan(&n).Error
	if err != nil {
		return "", fmt.Errorf("numbering decision: %w", store.Translate(err))
	}
	return fmt.Sprintf("%s处罚〔%d〕%d号", agency, year, n), nil
}

// Prior is an earlier decided infringement of a party.
type Prior struct {
	PartyID   string
	MatterID  string
	Reference string
	DecidedOn time.Time
}

// priorInfringements returns the infringements of parties decided in the 5
// years up to on (Trademark Law Art. 60 ¶2: two or more within 5 years),
// excluding matter exclude.
func priorInfringements(db *gorm.DB, parties []string, on time.Time, exclude string) ([]Prior, error) {
	var rows []struct {
		PartyID   string
		MatterID  string
		Reference string
		DecidedOn time.Time
	}
	err := db.Raw(`SELECT party_id, matter_id, reference, decided_on FROM infringement_records
		WHERE party_id IN ? AND decided_on > ? AND decided_on <= ? AND matter_id <> ?
		ORDER BY decided_on DESC`, parties, on.AddDate(-5, 0, 0), on, exclude).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	out := make([]Prior, len(rows))
	for i, r := range rows {
		out[i] = Prior{PartyID: r.PartyID, MatterID: r.MatterID, Reference: r.Reference, DecidedOn: r.DecidedOn.UTC()}
	}
	return out, nil
}

// recordInfringements adds the decided infringement of each respondent of
// m; a repeated report of the same proceeding changes nothing.
func recordInfringements(db *gorm.DB, m *filing.Matter, procID, source, reference string, on time.Time) error {
	for _, r := range m.Respondents {
		err := db.Exec(`INSERT INTO infringement_records (party_id, matter_id, proceeding_id, source, reference, decided_on)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (proceeding_id, party_id) DO NOTHING`,
			r.ID, string(m.ID), procID, source, reference, on).Error
		if err != nil {
			return fmt.Errorf("recording infringement: %w", store.Translate(err))
		}
	}
	return nil
}

// Workers returns who worked the enforcement cases of matter matterID: the
// assigned officers and everyone who recorded a step of a case. A mediator
// of the same matter must not be one of them.
func Workers(db *gorm.DB, matterID string) ([]string, error) {
	var subjects []string
	err := db.Raw(`SELECT DISTINCT o->>'subject' FROM enforcement_cases c,
			jsonb_array_elements(CASE WHEN jsonb_typeof(c.doc->'officers') = 'array' THEN c.doc->'officers' ELSE '[]'::jsonb END) o
		WHERE c.matter_id = ?
		UNION
		SELECT DISTINCT e.actor_subject FROM events e JOIN enforcement_cases c ON c.proceeding_id = e.proceeding_id
		WHERE e.matter_id = ? AND e.actor_role <> 'system'`, matterID, matterID).Scan(&subjects).Error
	if err != nil {
		return nil, fmt.Errorf("enforcement workers of %s: %w", matterID, store.Translate(err))
	}
	return subjects, nil
}

// CloseSettled returns a function that closes every open enforcement case
// of a matter, recording reason and ending its clocks, when a
// court-confirmed agreement settled it; closed cases are left as they are.
func CloseSettled(st *Store, clock Clock) func(db *gorm.DB, matterID, reason string, at time.Time) error {
	return func(db *gorm.DB, matterID, reason string, at time.Time) error {
		var ids []string
		if err := db.Raw(`SELECT proceeding_id FROM enforcement_cases WHERE matter_id = ? AND doc->>'state' <> 'CLOSED'`, matterID).
			Scan(&ids).Error; err != nil {
			return store.Translate(err)
		}
		for _, id := range ids {
			err := st.ChangeIn(db, filing.MatterID(matterID), filing.ProceedingID(id), events.Actor{Subject: "ipcased", Role: "system"}, at,
				func(tx *Tx) error { return tx.Record.Settle(reason) })
			if err != nil {
				return err
			}
			if err := clock.Settle(db, id); err != nil {
				return err
			}
		}
		return nil
	}
}
