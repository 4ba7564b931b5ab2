package enforcement

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Store keeps enforcement cases (table enforcement_cases), decision numbers
// (decision_counters) and decided infringements (infringement_records).
type Store struct {
	*filing.Records[*Case]
}

// NewStore returns a Store over the matters of fs.
func NewStore(fs *filing.Store) *Store {
	return &Store{filing.NewRecords(fs, filing.KindEnforcement, "enforcement case",
		store.NewDocuments("enforcement_cases"), func() *Case { return &Case{} })}
}

// Change is a change of an enforcement case.
type Change = filing.Change[*Case]

func newID() string { return uuid.NewString() }

// nextDecisionNumber takes the next decision number of agency for year in
// tx: `{agency}处罚〔{year}〕{n}号`. The counter row stays locked until the
// transaction ends, so concurrent decisions of one agency get consecutive
// numbers and a rolled-back decision leaves no gap.
func nextDecisionNumber(tx store.Tx, agency string, year int) (string, error) {
	var n int64
	err := tx.Gorm().Raw(`INSERT INTO decision_counters (agency, year, last) VALUES (?, ?, 1)
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
	DecidedOn civil.Date
}

// priorInfringements returns the infringements of parties decided in the 5
// years up to on (Trademark Law 2019 Art. 60 ¶2: two or more within 5
// years), excluding matter exclude.
func priorInfringements(tx store.Tx, parties []string, on civil.Date, exclude filing.MatterID) ([]Prior, error) {
	var rows []struct {
		PartyID   string
		MatterID  string
		Reference string
		DecidedOn civil.Date
	}
	since, _ := on.AddMonths(-60)
	err := tx.Gorm().Raw(`SELECT party_id, matter_id, reference, decided_on FROM infringement_records
		WHERE party_id IN ? AND decided_on > ? AND decided_on <= ? AND matter_id <> ?
		ORDER BY decided_on DESC`, parties, since, on, string(exclude)).Scan(&rows).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	out := make([]Prior, len(rows))
	for i, r := range rows {
		out[i] = Prior(r)
	}
	return out, nil
}

// recordInfringements adds the decided infringement of each of the
// respondents of matterID in proceeding procID; a repeated report of the
// same proceeding changes nothing.
func recordInfringements(tx store.Tx, matterID, procID string, respondents []string, source, reference string, on civil.Date) error {
	for _, r := range respondents {
		err := tx.Gorm().Exec(`INSERT INTO infringement_records (party_id, matter_id, proceeding_id, source, reference, decided_on)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (proceeding_id, party_id) DO NOTHING`,
			r, matterID, procID, source, reference, on).Error
		if err != nil {
			return fmt.Errorf("recording infringement: %w", store.Translate(err))
		}
	}
	return nil
}

// Workers returns who worked the enforcement cases of m, in tx: the
// assigned officers and everyone but the system who recorded a step of a
// case. A mediator of the same matter must not be one of them.
func (s *Store) Workers(tx store.Tx, m *filing.Matter) ([]string, error) {
	var subjects, cases []string
	for _, p := range m.Proceedings {
		if p.Kind != filing.KindEnforcement {
			continue
		}
		cases = append(cases, string(p.ID))
		c, ok, err := s.Load(tx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range c.Officers {
			if ok && !slices.Contains(subjects, o.Subject) {
				subjects = append(subjects, o.Subject)
			}
		}
	}
	actors, err := events.Actors(tx, string(m.ID), cases)
	if err != nil {
		return nil, err
	}
	for _, a := range actors {
		if !slices.Contains(subjects, a) {
			subjects = append(subjects, a)
		}
	}
	return subjects, nil
}

// CloseSettled closes, in tx, every open enforcement case of matter
// matterID because an agreement a court confirmed settled the dispute
// (CPL Art. 206), recording reason and ending the cases' clocks; closed
// cases are left as they are.
func (s *Store) CloseSettled(tx store.Tx, clocks *clock.Store, matterID filing.MatterID, reason string, at time.Time) error {
	m, err := s.Filing().Lock(tx, matterID)
	if err != nil {
		return err
	}
	for _, p := range m.Proceedings {
		if p.Kind != filing.KindEnforcement || Machine.Final(State(p.State)) {
			continue
		}
		err := s.ChangeIn(tx, matterID, p.ID, events.System, at, func(c *Change) error { return c.Record.Settle(reason) })
		if err != nil {
			return err
		}
		if err := clocks.Settle(tx, string(p.ID)); err != nil {
			return err
		}
	}
	return nil
}

// RegisterJudgments adds the administrative side's consumer of effective
// judgments: a judgment that found infringement goes into each
// respondent's infringement_records (source JUDGMENT, the court number as
// reference, on the day it took effect), so that the repeat-offender rules
// count it. A redelivery changes nothing.
func RegisterJudgments(cs *events.Consumers) *events.Consumer {
	return cs.Register("enforcement.judgments", []events.Type{events.TrialJudgmentEffective}, recordJudgment)
}

func recordJudgment(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.JudgmentEffective](e.Event)
	if err != nil {
		return err
	}
	if !d.InfringementFound {
		return nil
	}
	respondents := make([]string, len(d.Respondents))
	for i, r := range d.Respondents {
		respondents[i] = strings.TrimPrefix(r, "parties/")
	}
	return recordInfringements(tx, e.Event.MatterID, e.Event.ProceedingID, respondents, "JUDGMENT", d.CourtNumber, d.EffectiveOn)
}
