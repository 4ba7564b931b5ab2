package enforcement

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
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
// numbers and a rolled-back decision leaves no gap. A counter read with
// BEGIN (decisionCounter) is taken from and written back with COMMIT;
// else, the first decision of the agency's year, it is taken on a round
// trip of its own.
func nextDecisionNumber(tx store.Tx, agency string, year int) (string, error) {
	n, err := decisionCounters.Next(tx, decisionCounterKey, agency, year)
	if err != nil {
		return "", fmt.Errorf("numbering decision: %w", err)
	}
	return fmt.Sprintf("%s处罚〔%d〕%d号", agency, year, n), nil
}

// decisionCounters are the decision numbers of each agency's year.
var decisionCounters = store.Counter{Table: "decision_counters", Keys: []string{"agency", "year"}}

const decisionCounterKey = "enforcement.decision-counter"

// decisionCounter reads and locks with BEGIN the counter of decisions of
// year of the agency of a case, for nextDecisionNumber (store.First).
func decisionCounter(year int) filing.Read {
	return func(proceedingID string) (store.First, error) {
		q, err := store.Inline(`SELECT c.agency, c.year, c.last FROM decision_counters c
			JOIN enforcement_cases e ON c.agency = e.doc->>'agency' AND c.year = ?
			WHERE e.proceeding_id = ? FOR UPDATE OF c`, year, proceedingID)
		return store.First{Key: decisionCounterKey, SQL: q, Counter: true}, err
	}
}

// Prior is an earlier decided infringement of a party: the law it was
// under (IPType: "TRADEMARK", "PATENT", …; empty if not known) and the
// first and last day of the conduct (nil if not recorded). Counted says
// whether it makes the fine at hand heavier.
type Prior struct {
	PartyID     string
	MatterID    string
	Reference   string
	DecidedOn   civil.Date
	IPType      string
	ConductFrom *civil.Date
	ConductTo   *civil.Date
	Counted     bool
}

// repeatYears is the window of the repeat rule: trademark infringements
// committed (实施) within five years (Trademark Law 2019 Art. 60 ¶2; 2026
// Art. 74 ¶2).
const repeatYears = 5

// Conduct is what a new infringement is compared with: its law and the
// first and last day of its conduct. A zero Conduct (no notice yet) counts
// nothing.
type Conduct struct {
	IPType   string
	From, To civil.Date
}

// counts reports whether prior p counts as an earlier infringement for
// conduct c: the same law, and conduct on record that ended no earlier
// than 5 years before c began and began no later than c ended ("五年内",
// the day 5 years back included, as 内 includes the number, SAMR
// Administrative Penalty Procedure Rules Art. 84). A prior without a law or
// conduct dates on record is not counted: the rule counts conduct
// committed, which such a record does not establish.
func (c Conduct) counts(p Prior) bool {
	if c.IPType == "" || p.IPType != c.IPType || p.ConductFrom == nil || p.ConductTo == nil {
		return false
	}
	since, _ := c.From.AddMonths(-12 * repeatYears)
	return !p.ConductTo.Before(since) && !p.ConductFrom.After(c.To)
}

// priorInfringements returns the infringements of parties on record by
// on, outside matter exclude, whose conduct (or, if it is not recorded,
// decision) reaches into the 5 years before c began (before on, for a
// zero c), each marked Counted as c.counts says.
// (pid is the proceeding of the case, whose change may have read them all
// with BEGIN: priorsFirst).
func priorInfringements(tx store.Tx, pid filing.ProceedingID, parties []string, on civil.Date, c Conduct, exclude filing.MatterID) ([]Prior, error) {
	ref := c.From
	if ref.IsZero() {
		ref = on
	}
	since, _ := ref.AddMonths(-12 * repeatYears)
	rows, ok, err := priorsRead(tx, pid, parties, exclude)
	if err != nil {
		return nil, err
	}
	if ok {
		// The statement's conditions below, on every record of the parties.
		rows = slices.DeleteFunc(rows, func(r priorRow) bool {
			to := r.DecidedOn
			if r.ConductTo != nil {
				to = *r.ConductTo
			}
			return r.DecidedOn.After(on) || to.Before(since)
		})
	} else if err := tx.Gorm().Raw(`SELECT party_id, matter_id, reference, decided_on, ip_type, conduct_from, conduct_to FROM infringement_records
		WHERE party_id IN ? AND decided_on <= ? AND COALESCE(conduct_to, decided_on) >= ? AND matter_id <> ?
		ORDER BY decided_on DESC, reference, ip_type`, parties, on, since, string(exclude)).Scan(&rows).Error; err != nil {
		return nil, store.Translate(err)
	}
	out := make([]Prior, len(rows))
	for i, r := range rows {
		out[i] = Prior{PartyID: r.PartyID, MatterID: r.MatterID, Reference: r.Reference, DecidedOn: r.DecidedOn,
			ConductFrom: r.ConductFrom, ConductTo: r.ConductTo}
		if r.IPType != nil {
			out[i].IPType = *r.IPType
		}
		out[i].Counted = c.counts(out[i])
	}
	return out, nil
}

// priorRow is a row of infringement_records as a prior.
type priorRow struct {
	PartyID     string      `json:"party_id"`
	MatterID    string      `json:"matter_id"`
	Reference   string      `json:"reference"`
	DecidedOn   civil.Date  `json:"decided_on"`
	IPType      *string     `json:"ip_type"`
	ConductFrom *civil.Date `json:"conduct_from"`
	ConductTo   *civil.Date `json:"conduct_to"`
}

// priorsKey keys the answer of priorsFirst (store.First.Key).
const priorsKey = "enforcement.priors/"

// priorsFirst is the read, for a change of proceeding pid to send with
// BEGIN, of every infringement record of its matter's respondents in other
// matters, in priorInfringements' order; priorInfringements keeps those of
// its dates.
func priorsFirst(pid string) (store.First, error) {
	respondents, err := filing.RespondentsOfProceeding(pid)
	if err != nil {
		return store.First{}, err
	}
	matter, err := filing.MatterOfProceeding(pid)
	if err != nil {
		return store.First{}, err
	}
	return store.First{Key: priorsKey + pid, SQL: priorsSQL(respondents, matter)}, nil
}

// priorsOfMatterFirst is priorsFirst for a change of matter matterID that
// opens a proceeding (OpenEnforcement).
func priorsOfMatterFirst(matterID filing.MatterID) (store.First, error) {
	respondents, err := filing.RespondentsOfMatter(matterID)
	if err != nil {
		return store.First{}, err
	}
	matter, err := store.Inline(`SELECT ?::uuid`, string(matterID))
	if err != nil {
		return store.First{}, err
	}
	return store.First{Key: priorsKey + "matter/" + string(matterID), SQL: priorsSQL(respondents, matter)}, nil
}

// priorsSQL is the read of priorsFirst: the records of the parties the
// subquery respondents gives, outside the matter the subquery matter
// gives.
func priorsSQL(respondents, matter string) string {
	return `SELECT row_to_json(r) FROM (SELECT party_id, matter_id, reference, decided_on, ip_type, conduct_from, conduct_to
		FROM infringement_records WHERE party_id IN (` + respondents + `) AND matter_id <> (` + matter + `)
		) r ORDER BY r.decided_on DESC, r.reference, r.ip_type`
}

// priorsRead returns the records priorsFirst (or priorsOfMatterFirst)
// read with BEGIN, if it did, of parties, outside matter exclude, and
// nothing has been written since.
func priorsRead(tx store.Tx, pid filing.ProceedingID, parties []string, exclude filing.MatterID) ([]priorRow, bool, error) {
	text, ok := tx.Prefetched(priorsKey + string(pid))
	if !ok {
		text, ok = tx.Prefetched(priorsKey + "matter/" + string(exclude))
	}
	if !ok {
		return nil, false, nil
	}
	rows := make([]priorRow, 0, len(text))
	for _, t := range text {
		var r priorRow
		if err := json.Unmarshal(t[0], &r); err != nil {
			return nil, false, fmt.Errorf("enforcement: a prior infringement read with BEGIN: %w", err)
		}
		// The parties and the matter of the change as it stands.
		if slices.Contains(parties, r.PartyID) && r.MatterID != string(exclude) {
			rows = append(rows, r)
		}
	}
	return rows, true, nil
}

// counted is the number of priors that count.
func counted(priors []Prior) int {
	n := 0
	for _, p := range priors {
		if p.Counted {
			n++
		}
	}
	return n
}

// lawOfOffence is the law a fine's offence is under, as infringement
// records name it.
func lawOfOffence(o ipcasev1.FineOffence) string {
	switch o {
	case ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK:
		return "TRADEMARK"
	case ipcasev1.FineOffence_FINE_OFFENCE_COPYRIGHT:
		return "COPYRIGHT"
	case ipcasev1.FineOffence_FINE_OFFENCE_PATENT_PASSING_OFF:
		return "PATENT"
	case ipcasev1.FineOffence_FINE_OFFENCE_TRADE_SECRET:
		return "TRADE_SECRET"
	case ipcasev1.FineOffence_FINE_OFFENCE_PLANT_VARIETY:
		return "PLANT_VARIETY"
	case ipcasev1.FineOffence_FINE_OFFENCE_CONFUSION:
		// Confusion is unfair competition (AUCL 2019 Art. 6), not the
		// infringement of a right: no repeat rule counts it, and it is
		// recorded without a law.
	case ipcasev1.FineOffence_FINE_OFFENCE_UNSPECIFIED:
	}
	return ""
}

// lawOfRight is the law a right is protected by, as infringement records
// name it: the three kinds of patent are PATENT, and a geographical
// indication is registered as a collective or certification mark
// (Trademark Law 2019 Art. 16; its fines are trademark fines).
func lawOfRight(t filing.IPType) string {
	switch t {
	case filing.PatentInvention, filing.PatentUtilityModel, filing.PatentDesign:
		return "PATENT"
	case filing.GeographicalIndication:
		return string(filing.Trademark)
	case filing.Trademark, filing.Copyright, filing.TradeSecret, filing.ICLayoutDesign, filing.PlantVariety:
	}
	return string(t)
}

// conductOf is the conduct the fine request fr of c's notice describes:
// the offence's law, from the recorded first day (or the conduct date) to
// the conduct date.
func conductOf(n *Notice, fr *ipcasev1.CalculateFineRequest) Conduct {
	to, err := civil.Parse(fr.GetConductDate())
	if err != nil {
		return Conduct{}
	}
	from := to
	if n != nil && !n.ConductFrom.IsZero() {
		from = n.ConductFrom
	}
	return Conduct{IPType: lawOfOffence(fr.GetOffence()), From: from, To: to}
}

// infringement is a decided infringement to put on the respondents'
// record, once per law; conduct dates are zero when not known.
type infringement struct {
	matterID, procID  string
	respondents       []string
	source, reference string
	on                civil.Date
	laws              []string
	from, to          civil.Date
}

// recordInfringements adds inf to the record of each respondent, with
// the transaction's COMMIT; a repeated report of the same proceeding
// changes nothing. Nothing in the change reads the matter's own record
// (priors leaves the matter out).
func recordInfringements(tx store.Tx, inf infringement) error {
	var from, to *civil.Date
	if !inf.from.IsZero() {
		from, to = &inf.from, &inf.to
	}
	var rows []string
	var args []any
	for _, r := range inf.respondents {
		for _, law := range inf.laws {
			var ipType *string
			if law != "" {
				ipType = &law
			}
			rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r, inf.matterID, inf.procID, inf.source, inf.reference, inf.on, ipType, from, to)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	err := tx.WriteAtCommit(store.Write{SQL: `INSERT INTO infringement_records (party_id, matter_id, proceeding_id, source, reference,
		decided_on, ip_type, conduct_from, conduct_to) VALUES ` + strings.Join(rows, ", ") + ` ON CONFLICT DO NOTHING`, Args: args})
	if err != nil {
		return fmt.Errorf("recording infringement: %w", err)
	}
	return nil
}

// Workers returns who worked the enforcement cases of m, in tx: the
// assigned officers and everyone but the system who recorded a step of a
// case. A mediator of the same matter must not be one of them. They are
// answered from BEGIN if the change read them there (WorkersFirst), in
// another order.
func (s *Store) Workers(tx store.Tx, m *filing.Matter) ([]string, error) {
	if text, ok := tx.Prefetched(workersKey); ok && len(text) == 1 && string(text[0][0]) == string(m.ID) {
		var all []string
		if err := json.Unmarshal(text[0][1], &all); err != nil {
			return nil, fmt.Errorf("enforcement: who worked the cases, read with BEGIN: %w", err)
		}
		var subjects []string
		for _, a := range all {
			if !slices.Contains(subjects, a) {
				subjects = append(subjects, a)
			}
		}
		return subjects, nil
	}
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

const workersKey = "enforcement.workers"

// WorkersFirst is the read of Workers for a change of a proceeding of the
// matter, to send with BEGIN (store.First): one row of the matter's id and
// a JSON array of the officers of its enforcement cases and the other
// actors of them.
func (s *Store) WorkersFirst(proceedingID string) (store.First, error) {
	matter, err := filing.MatterOfProceeding(proceedingID)
	if err != nil {
		return store.First{}, err
	}
	cases, err := filing.ProceedingsOfKind(matter, filing.KindEnforcement)
	if err != nil {
		return store.First{}, err
	}
	actors, err := events.ActorsText(matter, cases)
	if err != nil {
		return store.First{}, err
	}
	q := `SELECT (` + matter + `)::text, array_to_json(ARRAY(SELECT o->>'subject' FROM enforcement_cases e,
		jsonb_array_elements(CASE jsonb_typeof(e.doc->'officers') WHEN 'array' THEN e.doc->'officers' ELSE '[]' END) o WHERE e.proceeding_id IN (` + cases + `)) || ARRAY(` + actors + `))`
	return store.First{Key: workersKey, SQL: q}, nil
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

// OpenCases names, in tx, the enforcement cases of m that are open: the
// cases a right holder resumes by choosing enforcement after a mediation
// without agreement (mediation.OpenCases).
func (s *Store) OpenCases(tx store.Tx, m *filing.Matter) ([]string, error) {
	var names []string
	for _, p := range m.Proceedings {
		if p.Kind != filing.KindEnforcement || Machine.Final(State(p.State)) {
			continue
		}
		c, ok, err := s.Load(tx, p.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			names = append(names, c.Name())
		}
	}
	return names, nil
}

// RegisterResumptions adds the consumer that takes up again the
// enforcement cases a right holder chose after a mediation of the matter
// ended without agreement (mediation.route_chosen): each records the
// resumption in its history. A redelivery changes nothing.
func RegisterResumptions(cs *events.Consumers, st *Store, now func() time.Time) *events.Consumer {
	return cs.Register("enforcement.resumptions", []events.Type{events.MediationRouteChosen}, func(tx store.Tx, e events.Entry) error {
		p, err := events.Decode[events.RouteChosenPayload](e.Event)
		if err != nil {
			return err
		}
		mediation := (&filing.RecordMeta{MatterID: filing.MatterID(e.Event.MatterID), ProceedingID: filing.ProceedingID(e.Event.ProceedingID)}).Name()
		at := now().UTC().Truncate(time.Microsecond)
		for _, name := range p.Resumed {
			mid, pid, ok := request.SplitProceeding(name)
			if !ok || mid != e.Event.MatterID {
				continue
			}
			err := st.ChangeIn(tx, filing.MatterID(mid), filing.ProceedingID(pid), events.System, at,
				func(c *Change) error { return c.Record.Resume(mediation, p.On) })
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// RegisterJudgments adds the administrative side's consumer of effective
// judgments: a judgment that found infringement goes into each
// respondent's infringement_records (source JUDGMENT, the court number as
// reference, on the day it took effect), once for each law of the matter's
// rights (read from st's matters). The judgment's report carries no conduct
// dates, so the record has none: it is listed on later cases but not
// counted by the repeat rule until they are known. A redelivery changes
// nothing.
func RegisterJudgments(cs *events.Consumers, st *Store) *events.Consumer {
	return cs.Register("enforcement.judgments", []events.Type{events.TrialJudgmentEffective}, st.recordJudgment)
}

func (s *Store) recordJudgment(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.JudgmentEffective](e.Event)
	if err != nil {
		return err
	}
	if !d.InfringementFound {
		return nil
	}
	m, err := s.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	var laws []string
	for _, r := range m.Rights {
		if l := lawOfRight(r.Type); !slices.Contains(laws, l) {
			laws = append(laws, l)
		}
	}
	respondents := make([]string, len(d.Respondents))
	for i, r := range d.Respondents {
		respondents[i] = strings.TrimPrefix(r, "parties/")
	}
	return recordInfringements(tx, infringement{matterID: e.Event.MatterID, procID: e.Event.ProceedingID, respondents: respondents,
		source: "JUDGMENT", reference: d.CourtNumber, on: d.EffectiveOn, laws: laws})
}
