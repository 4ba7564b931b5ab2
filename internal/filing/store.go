package filing

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// Store keeps matters in Postgres: the tables matters, proceedings,
// parties, ip_rights, matter_parties, matter_rights and evidence.
type Store struct {
	db *store.DB
	// reads serves Get and List: db, or a read-only replica (ReadingFrom).
	reads *store.DB
	log   *events.Log
	// routes are the machines of the proceedings a matter can have, by kind.
	routes map[ProceedingKind]Route
	// notice says, from routes, when respondents have been told of a matter.
	notice notice
	// records reads the state of proceedings' records, by kind, as the
	// proceedings packages' Records register it.
	records *recordStates
	// onCite, if set, is told of the evidence a matter comes to cite (OnCite).
	onCite Citing
}

// Citing is called when a matter comes to cite evidence, with every
// digest the matter will then cite and the size its citation declares. It
// answers the statements that citing needs, which the matter's transaction
// sends before its own first ones in the same round trip
// (store.Tx.Together), and check, which judges their answers; an error of
// check undoes the change. evidence.Store.Cite is one: it keeps cited
// uploads from being cleaned away and bounds the bytes one matter may
// cite.
type Citing func(ctx context.Context, sizes map[string]int64) (qs []store.Query, check func(answers [][]string) error)

// OnCite makes s call fn whenever a matter comes to cite evidence (a
// complaint with evidence, AddEvidence). Call it while wiring, before s
// serves.
func (s *Store) OnCite(fn Citing) { s.onCite = fn }

// citing is what tx sends for m to cite items besides what it cites
// already, and the check of its answers (Citing): none when nothing is
// cited or nobody listens.
func (s *Store) citing(tx store.Tx, m *Matter, items []Evidence) ([]store.Query, func([][]string) error) {
	if s.onCite == nil || len(items) == 0 {
		return nil, nil
	}
	sizes := make(map[string]int64, len(m.Evidence)+len(items))
	for _, e := range append(slices.Clip(m.Evidence), items...) {
		sizes[e.SHA256] = max(sizes[e.SHA256], e.Size)
	}
	return s.onCite(tx.Context(), sizes)
}

// EvidenceCited returns which of digests some matter cites, in tx.
func (s *Store) EvidenceCited(tx store.Tx, digests []string) (map[string]bool, error) {
	var cited []string
	if len(digests) > 0 {
		if err := tx.Gorm().Model(&evidenceRow{}).Distinct("sha256").Where("sha256 IN ?", digests).Pluck("sha256", &cited).Error; err != nil {
			return nil, fmt.Errorf("cited evidence: %w", store.Translate(err))
		}
	}
	out := make(map[string]bool, len(cited))
	for _, d := range cited {
		out[d] = true
	}
	return out, nil
}

// NewStore returns a Store over db writing events to log, knowing the
// machines of routes (enforcement's, mediation's, the trials'): a complaint
// can be accepted into a routable one, and a matter is CLOSED once each of
// its proceedings is in a final state of its machine.
func NewStore(db *store.DB, log *events.Log, routes ...Route) *Store {
	if db == nil || log == nil {
		panic("filing.NewStore: nil dependency")
	}
	s := &Store{db: db, reads: db, log: log, routes: map[ProceedingKind]Route{KindFilingReview: reviewMachine.Route()},
		records: &recordStates{byKind: map[ProceedingKind]func(store.Tx, ProceedingID) (ProceedingState, bool, error){}}}
	for _, r := range routes {
		s.routes[r.Kind] = r
	}
	s.notice = noticeOf(s.routes)
	return s
}

// Log is the event log the store writes to.
func (s *Store) Log() *events.Log { return s.log }

// routable returns the route of kind, if a complaint may be accepted into
// it here.
func (s *Store) routable(kind ProceedingKind) (Route, bool) {
	r, ok := s.routes[kind]
	return r, ok && r.Routable
}

// ReadingFrom returns a Store that reads matters (Get, List) from replica,
// a read-only copy of the database such as a streaming standby, and writes
// everything else, officials' access log included, through s. A replica
// may lag the primary by a moment: use it where a read need not see the
// caller's own last write, as the rights holders' status reads.
func (s *Store) ReadingFrom(replica *store.DB) *Store {
	if replica == nil {
		panic("filing.Store.ReadingFrom: nil replica")
	}
	c := *s
	c.reads = replica
	return &c
}

type matterRow struct {
	ID            string `gorm:"primaryKey"`
	Number        string
	State         string
	ComplainantID string
	Facts         string
	Claims        string
	KnownSince    *civil.Date
	Agency        string
	Warnings      []byte `gorm:"type:jsonb"`
	Version       int64
	CreateTime    time.Time
	UpdateTime    time.Time
}

func (matterRow) TableName() string { return "matters" }

type proceedingRow struct {
	ID         string `gorm:"primaryKey"`
	MatterID   string
	Kind       string
	State      string
	Number     string
	Forum      string
	Reason     string
	CreateTime time.Time
	UpdateTime time.Time
}

func (proceedingRow) TableName() string { return "proceedings" }

type partyRow struct {
	ID              string `gorm:"primaryKey"`
	Kind            string
	DisplayName     string
	CreditCode      *string
	DomicileCountry string
	Contact         string
}

func (partyRow) TableName() string { return "parties" }

type evidenceRow struct {
	ID          string `gorm:"primaryKey"`
	MatterID    string
	Position    int
	Sha256      string
	SizeBytes   int64
	MediaType   string
	Source      string
	Description string
	CreateTime  time.Time
}

func (evidenceRow) TableName() string { return "evidence" }

// matterPartyRow links a party to a matter, with the party's details as
// the matter's filing gave them: NULL for a party named by reference, whose
// own row's are shown.
type matterPartyRow struct {
	MatterID        string
	Role            string
	Position        int
	PartyID         string
	DisplayName     *string
	DomicileCountry *string
	Contact         *string
}

// linkParty is the link of party p to matter m as role at position.
func linkParty(m *Matter, role string, position int, p Party) matterPartyRow {
	l := matterPartyRow{MatterID: string(m.ID), Role: role, Position: position, PartyID: p.ID}
	if !p.Ref {
		l.DisplayName, l.DomicileCountry, l.Contact = &p.Name, &p.Country, &p.Contact
	}
	return l
}

func (matterPartyRow) TableName() string { return "matter_parties" }

func newID() string { return uuid.NewString() }

// Render turns the stored matter into the bytes of an API response; the
// store keeps those bytes for request_id retries.
type Render func(*Matter) ([]byte, error)

// Create stores a new matter with its filing review proceeding and its
// `complaint.submitted` event, numbering it from the year of at (China
// Standard Time). Warnings already on m are kept; possible duplicates are
// added. A repeated key returns the first call's response.
func (s *Store) Create(ctx context.Context, key store.IdempotencyKey, m *Matter, actor events.Actor, at time.Time, render Render) ([]byte, error) {
	return s.db.Idempotent(ctx, key, func(tx store.Tx) ([]byte, error) {
		// The events go with COMMIT: nothing reads after them.
		if err := s.create(tx, m, actor, at, tx.WriteAtCommit); err != nil {
			return nil, err
		}
		// m is what was written, as a read would give it back
		// (TestSubmitGetListAccept compares the two).
		return render(m)
	})
}

// CreateIn files m inside tx, as SubmitComplaint does: for a matter that a
// proceeding opens of its own motion.
func (s *Store) CreateIn(tx store.Tx, m *Matter, actor events.Actor, at time.Time) error {
	return s.create(tx, m, actor, at, tx.Write)
}

// FileIn files m inside tx for a record opened in it (Records.Create): as
// CreateIn, but its events stay pending, to start the matter's chain with
// the record's in the statement of the change, sent with COMMIT.
func (s *Store) FileIn(tx store.Tx, m *Matter, actor events.Actor, at time.Time) error {
	return s.create(tx, m, actor, at, nil)
}

// create files m in tx, writing its rows and events with write; with
// none, the rows are written now and the events stay pending (FileIn).
func (s *Store) create(tx store.Tx, m *Matter, actor events.Actor, at time.Time, write func(...store.Write) error) error {
	cite, check := s.citing(tx, &Matter{}, m.Evidence)
	dups, err := resolve(tx, m, civil.Today(at).Year, cite, check)
	if err != nil {
		return err
	}
	m.Warnings = append(m.Warnings, dups...)
	m.Proceedings = nil
	rev := m.OpenProceeding(at, reviewMachine.Route(), m.Agency)
	rows, err := filingWrites(m, at)
	if err != nil {
		return err
	}
	codes := make([]string, len(m.Warnings))
	for i, w := range m.Warnings {
		codes[i] = w.Code
	}
	m.record(events.ComplaintSubmitted, rev, events.ComplaintSubmittedPayload{
		Number: m.Number, Agency: m.Agency, Respondents: len(m.Respondents),
		Rights: len(m.Rights), Evidence: len(m.Evidence), Warnings: codes,
	})
	if write == nil {
		if err := tx.Write(rows...); err != nil {
			return fmt.Errorf("inserting matter: %w", err)
		}
		m.filed = true
		return nil
	}
	// A new matter has no chain yet: there is no head to read.
	ws, signed, err := s.appendStateWritesOn(nil, m, actor, at, m.PendingEvents()...)
	if err != nil {
		return err
	}
	// The matter's rows and its first events in one statement: the events
	// refer to the matter, and constraints are checked at its end.
	if err := write(append(rows, ws...)...); err != nil {
		return fmt.Errorf("inserting matter %s with its events: %w", m.ID, err)
	}
	signed()
	m.pending = nil
	return nil
}

// resolve gives m's parties and rights their ids: existing ones found,
// new ones inserted, all in one round trip (store.Tx.Together) but for
// parties named by reference, and m its number of year, taken in the same
// round trip (so that the matter's rows can go with its events, written
// from it); and returns the active matters that already pair one of its
// rights with one of its respondents, found in that round trip too
// (duplicatesQuery). The statements of m's citing of its evidence
// (Citing) go first in that round trip, after the lock of matters, and
// check judges their answers. A respondent who is the complainant or
// another respondent is refused.
func resolve(tx store.Tx, m *Matter, year int, cite []store.Query, check func([][]string) error) ([]Warning, error) {
	parties := append([]*Party{&m.Complainant}, ptrs(m.Respondents)...)
	fields := make([]string, len(parties))
	// The lock the insert of the matter's row will take, taken first, in
	// this round trip, which the call's deadline bounds: that insert is
	// sent with COMMIT, which is seen through past the deadline, so a
	// table locked by someone else (a migration, a maintenance job) must
	// be waited for here; and before the parties' inserts, so that a
	// filing waiting for the table holds no party's row that another
	// filing naming the same party would have to wait for in turn
	// (TestLockedTableAnswersInBoundedTime).
	qs := append([]store.Query{{SQL: `LOCK TABLE matters IN ROW EXCLUSIVE MODE`}}, cite...)
	var gets []func([]string) error // each takes its query's ids, after cite's
	for i, p := range parties {
		fields[i] = "complainant"
		if i > 0 {
			fields[i] = fmt.Sprintf("respondents[%d]", i-1)
		}
		if p.Ref {
			if err := refParty(tx, fields[i], p); err != nil {
				return nil, err
			}
			continue
		}
		qs = append(qs, partyQuery(p))
		gets = append(gets, func(ids []string) error { return oneID(tx, ids, &p.ID, findParty(p)) })
	}
	for i := range m.Rights {
		r := &m.Rights[i]
		qs = append(qs, rightQuery(r))
		gets = append(gets, func(ids []string) error { return oneID(tx, ids, &r.ID, findRight(r)) })
	}
	dupQuery, dupsToo := duplicatesQuery(m)
	if dupsToo {
		qs = append(qs, dupQuery)
	}
	// next_matter_number takes from a sequence: a filing that fails after
	// it leaves a gap, as numbers may have (migration 000001).
	qs = append(qs, store.Query{SQL: `SELECT next_matter_number(?)`, Args: []any{year}})
	ids, err := tx.Together(qs...)
	if err != nil {
		return nil, fmt.Errorf("inserting parties and rights: %w", err)
	}
	number := ids[len(ids)-1]
	ids = ids[1 : len(ids)-1]
	if len(number) != 1 {
		return nil, fmt.Errorf("numbering the matter: %d rows", len(number))
	}
	n, err := strconv.ParseInt(number[0], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("numbering the matter: %w", err)
	}
	// IPC-<year>-<at least six digits>.
	m.Number = fmt.Sprintf("IPC-%d-%06d", year, n)
	if len(cite) > 0 {
		if err := check(ids[:len(cite)]); err != nil {
			return nil, err
		}
		ids = ids[len(cite):]
	}
	for i, get := range gets {
		if err := get(ids[i]); err != nil {
			return nil, err
		}
	}
	seen := map[string]string{}
	for i, p := range parties {
		if other, dup := seen[p.ID]; dup && i > 0 {
			return nil, errs.Field(fields[i], "is the same party as %s", other)
		}
		seen[p.ID] = fields[i]
	}
	if !dupsToo {
		return nil, nil
	}
	return duplicates(ids[len(ids)-1]), nil
}

func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// oneID sets *id to the one id of ids; with none (a concurrent filing
// inserted the same organisation or registered right after the statement
// began), it reads it with find.
func oneID(tx store.Tx, ids []string, id *string, find store.Query) error {
	if len(ids) != 1 {
		if err := tx.Gorm().Raw(find.SQL, find.Args...).Scan(&ids).Error; err != nil {
			return fmt.Errorf("finding a party or right: %w", store.Translate(err))
		}
		if len(ids) != 1 {
			return fmt.Errorf("finding a party or right: %d rows", len(ids))
		}
	}
	*id = ids[0]
	return nil
}

// filingWrites are the writes of m's rows, numbered already (resolve), at
// at: its row (SUBMITTED at version 1, with the IP types of its rights and
// its forums), its links to its parties and rights in order, its evidence
// items and its proceedings. It gives m its id and its evidence their ids.
func filingWrites(m *Matter, at time.Time) ([]store.Write, error) {
	m.ID = MatterID(newID())
	m.State, m.Version, m.Created, m.Updated = MatterSubmitted, 1, at, at
	warnings, err := json.Marshal(nonNil(m.Warnings))
	if err != nil {
		return nil, err
	}
	id := string(m.ID)
	ws := []store.Write{{SQL: `INSERT INTO matters (id, number, state, complainant_id, facts, claims, known_since, agency, ip_types,
			forums, warnings, version, create_time, update_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?, ?)`,
		Args: []any{id, m.Number, string(m.State), m.Complainant.ID, m.Facts, m.Claims, m.KnownSince, m.Agency, ipTypesOf(m.Rights),
			forumsOf(m), string(warnings), m.Version, at, at}}}
	// values adds an INSERT of rows (n placeholders each) into table's
	// columns.
	values := func(table, columns string, rows, n int, rowArgs func(i int) []any) {
		if rows == 0 {
			return
		}
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		var args []any
		for i := range rows {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(ph)
			args = append(args, rowArgs(i)...)
		}
		ws = append(ws, store.Write{SQL: q.String(), Args: args})
	}
	links := []matterPartyRow{linkParty(m, "COMPLAINANT", 0, m.Complainant)}
	for i, p := range m.Respondents {
		links = append(links, linkParty(m, "RESPONDENT", i, p))
	}
	values("matter_parties", "matter_id, role, position, party_id, display_name, domicile_country, contact", len(links), 7, func(i int) []any {
		l := links[i]
		return []any{l.MatterID, l.Role, l.Position, l.PartyID, l.DisplayName, l.DomicileCountry, l.Contact}
	})
	values("matter_rights", "matter_id, position, right_id, title, holder, term_start, term_end, description", len(m.Rights), 8, func(i int) []any {
		r := m.Rights[i]
		return []any{id, i, r.ID, r.Title, r.Holder, r.TermStart, r.TermEnd, r.Description}
	})
	values("evidence", "id, matter_id, position, sha256, size_bytes, media_type, source, description, create_time", len(m.Evidence), 9, func(i int) []any {
		e := &m.Evidence[i]
		e.ID = newID()
		return []any{e.ID, id, i, e.SHA256, e.Size, e.MediaType, e.Source, e.Description, at}
	})
	values("proceedings", "id, matter_id, kind, state, number, forum, reason, create_time, update_time", len(m.Proceedings), 9, func(i int) []any {
		p := m.Proceedings[i]
		return []any{string(p.ID), id, string(p.Kind), string(p.State), p.Number, p.Forum, p.Reason, p.Created, p.Updated}
	})
	return ws, nil
}

// ipTypesOf is the value of matters.ip_types for rights: their types,
// sorted and distinct, as a Postgres array literal.
func ipTypesOf(rights []Right) string {
	types := make([]string, 0, len(rights))
	for _, r := range rights {
		types = append(types, string(r.Type))
	}
	slices.Sort(types)
	return "{" + strings.Join(slices.Compact(types), ",") + "}"
}

func nonNil(w []Warning) []Warning {
	if w == nil {
		return []Warning{}
	}
	return w
}

// refParty completes p, a party named by reference, which must exist,
// with its stored details, which a matter shows for it.
func refParty(tx store.Tx, field string, p *Party) error {
	var rows []partyRow
	if err := tx.Gorm().Where("id = ?", p.ID).Limit(1).Find(&rows).Error; err != nil {
		return store.Translate(err)
	}
	if len(rows) == 0 {
		return errs.Field(field+".name", "no party parties/%s", p.ID)
	}
	r := rows[0]
	p.Kind, p.Name, p.Country, p.Contact, p.CreditCode = PartyKind(r.Kind), r.DisplayName, r.DomicileCountry, r.Contact, ""
	if r.CreditCode != nil {
		p.CreditCode = *r.CreditCode
	}
	return nil
}

// partyQuery is the statement that answers the id of p, not named by
// reference: an organisation is found by credit code or inserted; a
// person is always a new row. ON CONFLICT DO NOTHING takes no lock on an
// existing row, so filings against a popular respondent do not queue
// behind each other. One statement whether the code is new or known, so
// that its time does not tell a filer whether someone else named the
// organisation before. A known one's row is shared, not read: the matter
// keeps the details this filing gave (linkParty).
func partyQuery(p *Party) store.Query {
	if p.Kind == Person {
		return store.Query{SQL: `INSERT INTO parties (id, kind, display_name, domicile_country, contact) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			Args: []any{newID(), string(p.Kind), p.Name, p.Country, p.Contact}}
	}
	return store.Query{SQL: `WITH inserted AS (
			INSERT INTO parties (id, kind, display_name, credit_code, domicile_country, contact)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (credit_code) WHERE credit_code IS NOT NULL DO NOTHING RETURNING id)
		SELECT id FROM inserted UNION ALL SELECT id FROM parties WHERE credit_code = ?`,
		Args: []any{newID(), string(p.Kind), p.Name, p.CreditCode, p.Country, p.Contact, p.CreditCode}}
}

// findParty reads the id of organisation p by its credit code.
func findParty(p *Party) store.Query {
	return store.Query{SQL: `SELECT id FROM parties WHERE credit_code = ?`, Args: []any{p.CreditCode}}
}

// rightQuery is the statement that answers the id of the registered right
// of r's type and number, inserting it if new, as partyQuery; an
// unregistered right is always a new row.
func rightQuery(r *Right) store.Query {
	if r.RegNumber == "" {
		return store.Query{SQL: `INSERT INTO ip_rights (id, type, title, holder, term_start, term_end, description) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			Args: []any{newID(), string(r.Type), r.Title, r.Holder, r.TermStart, r.TermEnd, r.Description}}
	}
	return store.Query{SQL: `WITH inserted AS (
			INSERT INTO ip_rights (id, type, registration_number, title, holder, term_start, term_end, description)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (type, registration_number) WHERE registration_number IS NOT NULL DO NOTHING RETURNING id)
		SELECT id FROM inserted UNION ALL SELECT id FROM ip_rights WHERE type = ? AND registration_number = ?`,
		Args: []any{newID(), string(r.Type), r.RegNumber, r.Title, r.Holder, r.TermStart, r.TermEnd, r.Description, string(r.Type), r.RegNumber}}
}

// findRight reads the id of registered right r by its type and number.
func findRight(r *Right) store.Query {
	return store.Query{SQL: `SELECT id FROM ip_rights WHERE type = ? AND registration_number = ?`, Args: []any{string(r.Type), r.RegNumber}}
}

// duplicatesQuery is the statement, sent after resolve's (Together), that
// finds the active matters pairing one of m's rights with one of its
// respondents, up to 10, each as its id and number. A right or respondent
// that resolve inserts is in no other matter, so only registered rights
// (by type and number), organisations (by credit code) and parties named
// by reference are looked for; ok is false when m has none of either.
func duplicatesQuery(m *Matter) (q store.Query, ok bool) {
	var rights, parties []string
	var args []any
	for _, r := range m.Rights {
		if r.RegNumber != "" {
			rights = append(rights, "(?, ?)")
			args = append(args, string(r.Type), r.RegNumber)
		}
	}
	var codes, refs []string
	for _, p := range m.Respondents {
		switch {
		case p.Ref:
			refs = append(refs, p.ID)
		case p.Kind != Person:
			codes = append(codes, p.CreditCode)
		}
	}
	if len(codes) > 0 {
		parties = append(parties, "SELECT id FROM parties WHERE credit_code IN ?")
		args = append(args, codes)
	}
	if len(refs) > 0 {
		parties = append(parties, "SELECT id::uuid FROM unnest(?::text[]) AS id")
		args = append(args, "{"+strings.Join(refs, ",")+"}")
	}
	if len(rights) == 0 || len(parties) == 0 {
		return store.Query{}, false
	}
	return store.Query{SQL: `SELECT DISTINCT m.id || ' ' || m.number, m.number FROM matters m
		JOIN matter_rights mr ON mr.matter_id = m.id
		JOIN matter_parties mp ON mp.matter_id = m.id AND mp.role = 'RESPONDENT'
		WHERE mr.right_id IN (SELECT id FROM ip_rights WHERE (type, registration_number) IN (` + strings.Join(rights, ", ") + `))
			AND mp.party_id IN (` + strings.Join(parties, " UNION ALL ") + `) AND m.state IN ('SUBMITTED', 'ACCEPTED')
		ORDER BY m.number LIMIT 10`, Args: args}, true
}

// duplicates are the warnings of the matters duplicatesQuery found.
func duplicates(found []string) []Warning {
	var out []Warning
	for _, f := range found {
		id, number, _ := strings.Cut(f, " ")
		out = append(out, Warning{
			Code:    "POSSIBLE_DUPLICATE",
			Message: fmt.Sprintf("matter %s is already active for the same right and respondent", number),
			Related: []string{"matters/" + id},
		})
	}
	return out
}

// Get returns the matter id. It returns an error wrapping errs.NotFound if
// there is none.
func (s *Store) Get(ctx context.Context, id MatterID) (*Matter, error) {
	ms, err := loadMatters(s.reads.Session(ctx), []string{string(id)})
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}

// loadFor loads matter id as tx sees it, for the caller in ctx, who must
// be allowed the current method on it (auth.AuthorizeMatter). A matter the
// caller may not see is not found, with the answer and after the one query
// of a matter that does not exist: the query itself keeps what the caller
// may see, so neither the answer nor its time tells the two apart.
func (s *Store) loadFor(ctx context.Context, tx store.Tx, id MatterID) (*Matter, error) {
	return s.loadLogged(ctx, tx, id, nil)
}

// loadLogged is loadFor that also records the read with logged, in the
// same statement, if set. The record is written only if the caller may see
// the matter; for an official, whose reads are the ones recorded, what it
// may see (Visibility.where) is what auth.AuthorizeMatter allows it to
// read, so no refused read is recorded.
func (s *Store) loadLogged(ctx context.Context, tx store.Tx, id MatterID, logged *readLog) (*Matter, error) {
	v, err := matterVisibility(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := s.loadVisible(tx, []string{string(id)}, v, logged)
	if err != nil {
		return nil, err
	}
	if err := auth.AuthorizeMatter(ctx, s.scopeOf(ms[0])); err != nil {
		return nil, err
	}
	return ms[0], nil
}

// LockFor is Lock for the caller in ctx, who must be allowed the current
// method on the matter (auth.AuthorizeMatter). A matter the caller may not
// see is neither locked nor found, with the answer and after the one query
// of a matter that does not exist.
func (s *Store) LockFor(ctx context.Context, tx store.Tx, id MatterID) (*Matter, error) {
	v, err := matterVisibility(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.lockVisible(tx, id, v)
	if err != nil {
		return nil, err
	}
	if err := auth.AuthorizeMatter(ctx, s.scopeOf(m)); err != nil {
		return nil, err
	}
	return m, nil
}

// Update locks matter id, applies fn, and saves the matter, its proceedings
// and the events fn recorded in one transaction; if fn fails nothing is
// written. A repeated key returns the first call's response without running
// fn. The caller in ctx must be allowed the current method on the matter
// (see LockFor); it returns an error wrapping errs.NotFound if id is
// unknown or the caller may not act on it.
func (s *Store) Update(ctx context.Context, key store.IdempotencyKey, id MatterID, actor events.Actor, at time.Time, fn func(*Matter) error, render Render) ([]byte, error) {
	// The matter and the head of its chain are locked in the round trip
	// of BEGIN, the matter read in a second, and the change written in
	// the round trip of COMMIT: three in all.
	v, err := matterVisibility(ctx)
	if err != nil {
		return nil, err
	}
	first, err := s.firstOfChange(id, v)
	if err != nil {
		return nil, err
	}
	return s.db.IdempotentAfter(ctx, key, first, func(tx store.Tx, locked []store.Text) ([]byte, error) {
		m, err := s.loadLocked(ctx, tx, id, locked)
		if err != nil {
			return nil, err
		}
		if err := fn(m); err != nil {
			return nil, err
		}
		m.Version++
		// The matter, its proceedings and its events in one statement.
		ws := s.saveWrites(m, at)
		evs, signed, err := s.appendStateWritesOn(locked[1], m, actor, at, m.PendingEvents()...)
		if err != nil {
			return nil, err
		}
		if err := tx.WriteAtCommit(append(ws, evs...)...); err != nil {
			return nil, fmt.Errorf("saving matter %s: %w", m.ID, err)
		}
		signed()
		return render(m)
	})
}

// firstOfChange are the statements, without parameters, that a change of
// matter id by a caller of visibility v sends with BEGIN
// (store.IdempotentAfter): the lock of the matter if v may see it,
// answering its id (or nothing), and the lock of the head of its chain
// (events.HeadLock), answering the head.
func (s *Store) firstOfChange(id MatterID, v Visibility) ([]store.First, error) {
	cond, args, ok := v.where(s.notice)
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	lock, err := store.Inline(`SELECT m.id FROM matters m WHERE m.id = ? AND `+cond+` FOR UPDATE OF m`, append([]any{string(id)}, args...)...)
	if err != nil {
		return nil, err
	}
	head, err := events.HeadLock(string(id))
	if err != nil {
		return nil, err
	}
	return []store.First{{SQL: lock}, {SQL: head}}, nil
}

// loadLocked loads matter id, which firstOfChange's statements answered
// in locked, for the caller in ctx, who must be allowed the current
// method on it (auth.AuthorizeMatter); a matter they did not lock is not
// found.
func (s *Store) loadLocked(ctx context.Context, tx store.Tx, id MatterID, locked []store.Text) (*Matter, error) {
	if len(locked[0]) == 0 {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	ms, err := loadMatters(tx, []string{string(id)})
	if err != nil {
		return nil, err
	}
	m := ms[0]
	m.signed = snapshotOf(m)
	if err := auth.AuthorizeMatter(ctx, s.scopeOf(m)); err != nil {
		return nil, err
	}
	return m, nil
}

// Lock locks matter id in tx and loads it. It returns an error wrapping
// errs.NotFound if there is none. The matter row lock serializes every
// change to a matter, which also orders its event chain.
func (s *Store) Lock(tx store.Tx, id MatterID) (*Matter, error) {
	return s.lockVisible(tx, id, Visibility{All: true})
}

// lockVisible is Lock of a matter that v may see: another is neither locked
// nor found.
func (s *Store) lockVisible(tx store.Tx, id MatterID, v Visibility) (*Matter, error) {
	cond, args, ok := v.where(s.notice)
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	var locked []string
	err := tx.Gorm().Raw(`SELECT m.id FROM matters m WHERE m.id = ? AND `+cond+` FOR UPDATE OF m`, append([]any{string(id)}, args...)...).
		Scan(&locked).Error
	if err != nil {
		return nil, store.Translate(err)
	}
	if len(locked) == 0 {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	ms, err := loadMatters(tx, locked)
	if err != nil {
		return nil, err
	}
	ms[0].signed = snapshotOf(ms[0])
	return ms[0], nil
}

// SaveProceedings writes m's proceedings (new and changed) in tx, settles
// the matter's state from them (CLOSED once every routed proceeding has
// ended, ACCEPTED while one is open), marks the matter updated at at and
// signs its new state into the head of its chain. It does not change the
// matter's etag, which covers the filing review; proceedings carry their
// own.
func (s *Store) SaveProceedings(tx store.Tx, m *Matter, at time.Time) error {
	if err := s.save(tx, m, at); err != nil {
		return err
	}
	return s.appendState(tx, m, events.System, at)
}

// save writes the matter's state, version, update time and forums, and
// its proceedings (new and changed), in one statement.
func (s *Store) save(tx store.Tx, m *Matter, at time.Time) error {
	if err := tx.Write(s.saveWrites(m, at)...); err != nil {
		return fmt.Errorf("saving matter %s and its proceedings: %w", m.ID, err)
	}
	return nil
}

// saveWrites settles m's state from its proceedings and returns the
// writes of save, for a change to send with its others (store.Tx.Write).
func (s *Store) saveWrites(m *Matter, at time.Time) []store.Write {
	m.settle(s.routes)
	m.Updated = at
	ws := []store.Write{{SQL: `UPDATE matters SET state = ?, version = ?, update_time = ?, forums = ?::text[] WHERE id = ?`,
		Args: []any{string(m.State), m.Version, at, forumsOf(m), string(m.ID)}}}
	if len(m.Proceedings) > 0 {
		q := `INSERT INTO proceedings (id, matter_id, kind, state, number, forum, reason, create_time, update_time) VALUES `
		var args []any
		for i, p := range m.Proceedings {
			if i > 0 {
				q += ", "
			}
			q += "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
			args = append(args, string(p.ID), string(m.ID), string(p.Kind), string(p.State), p.Number, p.Forum, p.Reason, p.Created, p.Updated)
		}
		q += ` ON CONFLICT (id) DO UPDATE SET state = excluded.state, number = excluded.number, forum = excluded.forum,
			reason = excluded.reason, update_time = excluded.update_time`
		ws = append(ws, store.Write{SQL: q, Args: args})
	}
	return ws
}

// AppendEvents writes events for m in tx, chained and checkpointed with
// m's state.
func (s *Store) AppendEvents(tx store.Tx, m *Matter, actor events.Actor, at time.Time, recs ...events.Record) error {
	return s.appendState(tx, m, actor, at, recs...)
}

// AddEvidence adds evidence items to matter m in tx, skipping digests it
// already has.
func (s *Store) AddEvidence(tx store.Tx, m *Matter, items []Evidence, at time.Time) error {
	have := map[string]bool{}
	for _, e := range m.Evidence {
		have[e.SHA256] = true
	}
	var added []Evidence
	for _, e := range items {
		if !have[e.SHA256] {
			have[e.SHA256] = true
			added = append(added, e)
		}
	}
	if len(added) == 0 {
		return nil
	}
	if qs, check := s.citing(tx, m, added); len(qs) > 0 {
		answers, err := tx.Together(qs...)
		if err != nil {
			return fmt.Errorf("citing evidence: %w", err)
		}
		if err := check(answers); err != nil {
			return err
		}
	}
	rows := make([]evidenceRow, len(added))
	for i, e := range added {
		e.ID = newID()
		rows[i] = evidenceRow{ID: e.ID, MatterID: string(m.ID), Position: len(m.Evidence), Sha256: e.SHA256, SizeBytes: e.Size,
			MediaType: e.MediaType, Source: e.Source, Description: e.Description, CreateTime: at}
		m.Evidence = append(m.Evidence, e)
	}
	return store.Translate(tx.Gorm().Create(&rows).Error)
}

// PartyIDs returns the ids of the parties of matterID, complainant first.
func (s *Store) PartyIDs(tx store.Tx, matterID string) ([]string, error) {
	var ids []string
	err := tx.Gorm().Raw(`SELECT party_id FROM matter_parties WHERE matter_id = ? ORDER BY role, position`, matterID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("parties of %s: %w", matterID, store.Translate(err))
	}
	return ids, nil
}

// Reach returns which of matterIDs the visibility v may see: those filed
// with or routed to an agency, or with a proceeding before a court.
func (s *Store) Reach(tx store.Tx, v Visibility, matterIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(matterIDs) == 0 {
		return out, nil
	}
	q, args, ok := s.reachQuery(v, matterIDs)
	if !ok {
		return out, nil
	}
	var ids []string
	err := tx.Gorm().Raw(q, args...).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("reach: %w", store.Translate(err))
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// reachQuery is Reach's statement: which of matterIDs v may see; ok is
// false if v may see none.
func (s *Store) reachQuery(v Visibility, matterIDs []string) (q string, args []any, ok bool) {
	cond, args, ok := v.where(s.notice)
	if !ok {
		return "", nil, false
	}
	return `SELECT m.id FROM matters m WHERE m.id IN ? AND ` + cond, append([]any{matterIDs}, args...), true
}

// loadMatters loads the matters ids, in that order, in one statement
// whatever their count. It returns an error wrapping errs.NotFound if one
// is missing.
func loadMatters(tx store.Tx, ids []string) ([]*Matter, error) {
	return loadWhere(tx, ids, "true", nil, nil)
}

// loadVisible is loadMatters of matters v may see: another is missing.
// If logged is set, the statement also records the read of what it finds
// (audit.LogFrom over the relation m).
func (s *Store) loadVisible(tx store.Tx, ids []string, v Visibility, logged *readLog) ([]*Matter, error) {
	cond, args, ok := v.where(s.notice)
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "matter not found")
	}
	return loadWhere(tx, ids, cond, args, logged)
}

// readLog is the access-log statement of a read (audit.LogFrom), to run
// as part of the read's own statement.
type readLog struct {
	sql  string
	args []any
}

// with is the WITH clause's item logged, which records the read.
func (l *readLog) with() string { return "logged AS (" + l.sql + ")" }

// join is what the statement's FROM clause adds so that logged is read and
// the read recorded (audit.LogFrom).
func (l *readLog) join() string { return " CROSS JOIN logged" }

// logOf is the access-log statement of a read of matters m by the caller
// of ctx at at, or nil when the caller's reads are not recorded.
func logOf(ctx context.Context, at time.Time) *readLog { return logOfFrom(ctx, at, "m") }

// logOfFrom is logOf of the matters whose id the column id of relation
// from yields.
func logOfFrom(ctx context.Context, at time.Time, from string) *readLog {
	q, args, ok := audit.LogFrom(ctx, at, from)
	if !ok {
		return nil
	}
	return &readLog{q, args}
}

// matterColumns reads matters m (a relation of the WITH clause) with their
// parties, rights, evidence and proceedings aggregated as JSON, one row a
// matter: one round trip whatever the count. Parties and rights are shown
// as each matter's filing described them (linkParty, matterRightRow): an
// organisation's or a registered right's row is shared by the matters that
// name it, but what one filer wrote of it is not shown in another's
// matter. Proceedings come in the order they were opened.
const matterColumns = `SELECT m.id, m.number, m.state, m.facts, m.claims, m.known_since, m.agency, m.warnings, m.version,
	m.create_time, m.update_time,
	` + partiesColumn + `,
	(SELECT json_agg(CASE WHEN mr.title IS NULL
			THEN json_build_object('id', r.id, 'type', r.type, 'reg', r.registration_number, 'title', r.title, 'holder', r.holder,
				'term_start', r.term_start, 'term_end', r.term_end, 'description', r.description)
			ELSE json_build_object('id', r.id, 'type', r.type, 'reg', r.registration_number, 'title', mr.title, 'holder', mr.holder,
				'term_start', mr.term_start, 'term_end', mr.term_end, 'description', mr.description) END
			ORDER BY mr.position)
		FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id WHERE mr.matter_id = m.id) AS rights,
	(SELECT json_agg(json_build_object('id', e.id, 'sha256', e.sha256, 'size', e.size_bytes, 'media_type', e.media_type,
			'source', e.source, 'description', e.description) ORDER BY e.position)
		FROM evidence e WHERE e.matter_id = m.id) AS evidence,
	(SELECT json_agg(json_build_object('id', p.id, 'kind', p.kind, 'state', p.state, 'number', p.number, 'forum', p.forum,
			'reason', p.reason, 'created', p.create_time, 'updated', p.update_time) ORDER BY p.create_time, p.id)
		FROM proceedings p WHERE p.matter_id = m.id) AS proceedings`

// partiesColumn is the parties of matter m as JSON, in their roles' order.
const partiesColumn = `(SELECT json_agg(json_build_object('role', mp.role, 'id', p.id, 'kind', p.kind,
			'name', COALESCE(mp.display_name, p.display_name), 'credit_code', p.credit_code,
			'country', COALESCE(mp.domicile_country, p.domicile_country), 'contact', COALESCE(mp.contact, p.contact))
			ORDER BY mp.role, mp.position)
		FROM matter_parties mp JOIN parties p ON p.id = mp.party_id WHERE mp.matter_id = m.id) AS parties`

// basicColumns is matterColumns for MATTER_VIEW_BASIC: the matter row and
// its parties, with empty facts and claims and no warnings, rights,
// evidence or proceedings (scanMatter skips a NULL). At a million matters
// an administrator's page of 20 executes in about 2.4 ms, against 5.6 ms
// whole.
const basicColumns = `SELECT m.id, m.number, m.state, '' AS facts, '' AS claims, m.known_since, m.agency, NULL AS warnings, m.version,
	m.create_time, m.update_time,
	` + partiesColumn + `,
	NULL AS rights, NULL AS evidence, NULL AS proceedings`

// loadWhere is loadMatters of the matters of ids that cond (over matters
// m, with args) keeps, recording the read with logged if set.
func loadWhere(tx store.Tx, ids []string, cond string, args []any, logged *readLog) ([]*Matter, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `WITH m AS (SELECT m.* FROM matters m WHERE m.id IN ? AND ` + cond + `)`
	args = append([]any{ids}, args...)
	from := " FROM m"
	if logged != nil {
		q += ", " + logged.with()
		args = append(args, logged.args...)
		from += logged.join()
	}
	rows, err := tx.Gorm().Raw(q+" "+matterColumns+from, args...).Rows()
	if err != nil {
		return nil, store.Translate(err)
	}
	defer func() { _ = rows.Close() }()
	byID := make(map[string]*Matter, len(ids))
	for rows.Next() {
		m, err := scanMatter(rows)
		if err != nil {
			return nil, err
		}
		byID[string(m.ID)] = m
	}
	if err := rows.Err(); err != nil {
		return nil, store.Translate(err)
	}
	out := make([]*Matter, len(ids))
	for i, id := range ids {
		if out[i] = byID[id]; out[i] == nil {
			return nil, errs.Errorf(errs.NotFound, "matter not found")
		}
	}
	return out, nil
}

// The members of matterColumns' JSON columns.
type (
	partyJSON struct {
		Role       string  `json:"role"`
		ID         string  `json:"id"`
		Kind       string  `json:"kind"`
		Name       string  `json:"name"`
		CreditCode *string `json:"credit_code"`
		Country    string  `json:"country"`
		Contact    string  `json:"contact"`
	}
	rightJSON struct {
		ID          string      `json:"id"`
		Type        string      `json:"type"`
		Reg         *string     `json:"reg"`
		Title       string      `json:"title"`
		Holder      string      `json:"holder"`
		TermStart   *civil.Date `json:"term_start"`
		TermEnd     *civil.Date `json:"term_end"`
		Description string      `json:"description"`
	}
	evidenceJSON struct {
		ID          string `json:"id"`
		SHA256      string `json:"sha256"`
		Size        int64  `json:"size"`
		MediaType   string `json:"media_type"`
		Source      string `json:"source"`
		Description string `json:"description"`
	}
	proceedingJSON struct {
		ID      string    `json:"id"`
		Kind    string    `json:"kind"`
		State   string    `json:"state"`
		Number  string    `json:"number"`
		Forum   string    `json:"forum"`
		Reason  string    `json:"reason"`
		Created time.Time `json:"created"`
		Updated time.Time `json:"updated"`
	}
)

// scanMatter reads one row of matterColumns, and into extra the columns
// that follow matterColumns' if any.
func scanMatter(rows *sql.Rows, extra ...any) (*Matter, error) {
	var (
		m                                          Matter
		id, state                                  string
		warnings, parties, rights, evidence, procs []byte
	)
	if err := rows.Scan(append([]any{&id, &m.Number, &state, &m.Facts, &m.Claims, &m.KnownSince, &m.Agency, &warnings, &m.Version,
		&m.Created, &m.Updated, &parties, &rights, &evidence, &procs}, extra...)...); err != nil {
		return nil, store.Translate(err)
	}
	m.ID, m.State, m.Created, m.Updated = MatterID(id), MatterState(state), m.Created.UTC(), m.Updated.UTC()
	var ps []partyJSON
	var rs []rightJSON
	var es []evidenceJSON
	var prs []proceedingJSON
	for _, c := range []struct {
		b    []byte
		into any
	}{{warnings, &m.Warnings}, {parties, &ps}, {rights, &rs}, {evidence, &es}, {procs, &prs}} {
		if c.b == nil {
			continue
		}
		// go-json decodes these arrays, which a list page reads for each
		// of its matters, in about half the time encoding/json takes.
		if err := gojson.Unmarshal(c.b, c.into); err != nil {
			return nil, fmt.Errorf("matter %s: %w", id, err)
		}
	}
	for _, p := range ps {
		party := Party{ID: p.ID, Kind: PartyKind(p.Kind), Name: p.Name, Country: p.Country, Contact: p.Contact}
		if p.CreditCode != nil {
			party.CreditCode = *p.CreditCode
		}
		if p.Role == "COMPLAINANT" {
			m.Complainant = party
		} else {
			m.Respondents = append(m.Respondents, party)
		}
	}
	for _, r := range rs {
		right := Right{ID: r.ID, Type: IPType(r.Type), Title: r.Title, Holder: r.Holder, TermStart: r.TermStart, TermEnd: r.TermEnd, Description: r.Description}
		if r.Reg != nil {
			right.RegNumber = *r.Reg
		}
		m.Rights = append(m.Rights, right)
	}
	for _, e := range es {
		m.Evidence = append(m.Evidence, Evidence(e))
	}
	for _, p := range prs {
		m.Proceedings = append(m.Proceedings, &Proceeding{ID: ProceedingID(p.ID), Kind: ProceedingKind(p.Kind), State: ProceedingState(p.State),
			Number: p.Number, Forum: p.Forum, Reason: p.Reason, Created: p.Created.UTC(), Updated: p.Updated.UTC()})
	}
	// The filing review opens in the same instant as the matter; keep it first.
	sort.SliceStable(m.Proceedings, func(i, j int) bool {
		return m.Proceedings[i].Kind == KindFilingReview && m.Proceedings[j].Kind != KindFilingReview
	})
	return &m, nil
}
