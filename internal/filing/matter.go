package filing

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// MatterID identifies a matter (a UUID).
type MatterID string

// ProceedingID identifies a proceeding (a UUID).
type ProceedingID string

// MatterState is where a matter stands as a whole.
type MatterState string

// Matter states. An accepted matter is CLOSED while every proceeding it was
// routed to has ended, and ACCEPTED again when another one opens.
const (
	MatterSubmitted MatterState = "SUBMITTED"
	MatterAccepted  MatterState = "ACCEPTED"
	MatterRejected  MatterState = "REJECTED"
	MatterWithdrawn MatterState = "WITHDRAWN"
	MatterClosed    MatterState = "CLOSED"
)

// ProceedingKind names a track of a matter.
type ProceedingKind string

// Proceeding kinds.
const (
	KindFilingReview ProceedingKind = "FILING_REVIEW"
	KindEnforcement  ProceedingKind = "ENFORCEMENT"
	KindMediation    ProceedingKind = "MEDIATION"
	KindTrial        ProceedingKind = "TRIAL"
	KindConfirmation ProceedingKind = "CONFIRMATION"
	KindCustoms      ProceedingKind = "CUSTOMS"
)

// Kinds of proceeding by the forum they are before: an agency
// (administrative) or a court (judicial). Agency and court codes are
// separate namespaces; a forum's code is compared only with codes of its
// own kind (auth.Forum). A kind in neither list is before no one.
var (
	administrativeKinds = []string{string(KindFilingReview), string(KindEnforcement), string(KindMediation), string(KindCustoms)}
	judicialKinds       = []string{string(KindTrial), string(KindConfirmation)}
)

// Judicial says whether a proceeding of kind k is before a court.
func (k ProceedingKind) Judicial() bool { return slices.Contains(judicialKinds, string(k)) }

// ProceedingState is the state of a proceeding; each kind uses its own
// states, given by its machine.
type ProceedingState string

// States of the FILING_REVIEW machine.
const (
	StateSubmitted ProceedingState = "SUBMITTED"
	StateAccepted  ProceedingState = "ACCEPTED"
	StateRejected  ProceedingState = "REJECTED"
	StateWithdrawn ProceedingState = "WITHDRAWN"
)

// Proceeding is one track of a matter.
type Proceeding struct {
	ID      ProceedingID
	Kind    ProceedingKind
	State   ProceedingState
	Number  string
	Forum   string
	Reason  string
	Created time.Time
	Updated time.Time
}

// Name is the proceeding's resource name in matter m.
func (p *Proceeding) Name(m MatterID) string {
	return fmt.Sprintf("matters/%s/proceedings/%s", m, p.ID)
}

// Matter is one dispute with its proceedings.
type Matter struct {
	ID          MatterID
	Number      string
	State       MatterState
	Complainant Party
	Respondents []Party
	Rights      []Right
	Facts       string
	Claims      string
	Evidence    []Evidence
	KnownSince  *civil.Date
	Agency      string
	Warnings    []Warning
	Version     int64
	Proceedings []*Proceeding
	Created     time.Time
	Updated     time.Time

	pending []events.Record
	// filed is set on a matter filed by the transaction that holds it
	// (FileIn), whose chain its change starts.
	filed bool
	// signed is the matter as a change found it (loaded under lock), or
	// as it was last signed into the head of its chain in this
	// transaction: what the next signing starts from.
	signed snapshot
}

// Warning flags something a reviewer should look at.
type Warning struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Related []string `json:"related,omitempty"`
}

// Filed reports whether m was filed by the transaction that holds it
// (Store.FileIn): nothing of it is stored but the rows of its filing.
func (m *Matter) Filed() bool { return m.filed }

// Name is the matter's resource name.
func (m *Matter) Name() string { return "matters/" + string(m.ID) }

// Etag is the opaque version tag clients send back on transitions.
func (m *Matter) Etag() string { return fmt.Sprintf(`"v%d"`, m.Version) }

// EtagMatches says whether the etag a caller sent is current: the quoted
// form the API returns ("v3"), or the same without its quotes (v3), which
// people type on a command line and shells strip.
func EtagMatches(sent, current string) bool {
	return sent == current || `"`+sent+`"` == current
}

// Routed says whether the complaint was accepted and routed: only such a
// matter gets new proceedings, whether some are still open (ACCEPTED) or
// all have ended (CLOSED).
func (m *Matter) Routed() bool { return m.State == MatterAccepted || m.State == MatterClosed }

// Parties are the complainant and then the respondents.
func (m *Matter) Parties() []Party { return append([]Party{m.Complainant}, m.Respondents...) }

// Party returns the party of m with id, if it is one.
func (m *Matter) Party(id string) (Party, bool) {
	i := slices.IndexFunc(m.Parties(), func(p Party) bool { return p.ID == id })
	if i < 0 {
		return Party{}, false
	}
	return m.Parties()[i], true
}

// Review returns the matter's FILING_REVIEW proceeding.
func (m *Matter) Review() *Proceeding {
	for _, p := range m.Proceedings {
		if p.Kind == KindFilingReview {
			return p
		}
	}
	return nil
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

// OpenProceeding adds a new proceeding of kind route in its machine's
// opening state before forum (an agency or court code).
func (m *Matter) OpenProceeding(at time.Time, route Route, forum string) *Proceeding {
	p := &Proceeding{ID: ProceedingID(uuid.NewString()), Kind: route.Kind, State: route.Initial, Forum: forum, Created: at, Updated: at}
	m.Proceedings = append(m.Proceedings, p)
	return p
}

// PendingEvents returns the events recorded by transitions since the matter
// was loaded, for the store to append in the same transaction.
func (m *Matter) PendingEvents() []events.Record { return m.pending }

func (m *Matter) record(typ events.Type, p *Proceeding, payload any) {
	r := events.Record{Type: typ, Payload: payload}
	if p != nil {
		r.ProceedingID = string(p.ID)
	}
	m.pending = append(m.pending, r)
}

// moveReview moves the review proceeding to `to` through the review
// machine.
func (m *Matter) moveReview(at time.Time, to ProceedingState) (*Proceeding, error) {
	r := m.Review()
	if r == nil {
		return nil, errs.Errorf(errs.FailedPrecondition, "matter %s has no filing review", m.Number)
	}
	if err := reviewMachine.Move(&r.State, to); err != nil {
		return nil, err
	}
	r.Updated, m.Updated = at, at
	return r, nil
}

// Accept accepts the complaint and opens a proceeding of route's kind
// before forum (an agency or court code).
func (m *Matter) Accept(at time.Time, route Route, forum, note string) error {
	r, err := m.moveReview(at, StateAccepted)
	if err != nil {
		return err
	}
	m.State = MatterAccepted
	opened := m.OpenProceeding(at, route, forum)
	m.record(events.ComplaintAccepted, r, events.ComplaintAcceptedPayload{Route: string(route.Kind), Forum: forum, Note: note})
	m.record(events.ProceedingOpened, opened, events.ProceedingOpenedPayload{Kind: string(route.Kind), State: string(opened.State), Forum: forum})
	return nil
}

// Reject rejects the complaint with a reason.
func (m *Matter) Reject(at time.Time, reason string) error {
	r, err := m.moveReview(at, StateRejected)
	if err != nil {
		return err
	}
	r.Reason = reason
	m.State = MatterRejected
	m.record(events.ComplaintRejected, r, events.ReasonPayload{Reason: reason})
	return nil
}

// Withdraw records the complainant's withdrawal of a complaint not yet
// decided.
func (m *Matter) Withdraw(at time.Time, reason string) error {
	r, err := m.moveReview(at, StateWithdrawn)
	if err != nil {
		return err
	}
	r.Reason = reason
	m.State = MatterWithdrawn
	m.record(events.ComplaintWithdrawn, r, events.ReasonPayload{Reason: reason})
	return nil
}

// settle sets the state of a routed matter from its proceedings' states:
// CLOSED when every proceeding it was routed to is in a final state of its
// machine, ACCEPTED otherwise. A kind without a known machine never ends.
func (m *Matter) settle(routes map[ProceedingKind]Route) {
	if !m.Routed() {
		return
	}
	ended, routed := true, false
	for _, p := range m.Proceedings {
		if p.Kind == KindFilingReview {
			continue
		}
		routed = true
		if r, ok := routes[p.Kind]; !ok || r.final == nil || !r.final(p.State) {
			ended = false
		}
	}
	m.State = MatterAccepted
	if routed && ended {
		m.State = MatterClosed
	}
}
