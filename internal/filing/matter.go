package filing

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// MatterID identifies a matter (a UUID).
type MatterID string

// ProceedingID identifies a proceeding (a UUID).
type ProceedingID string

// MatterState is where a matter stands as a whole.
type MatterState string

// Matter states.
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
)

// ProceedingState is the state of a proceeding; each kind uses its own
// subset, given by its transition table.
type ProceedingState string

// Proceeding states used by filing review and by the proceedings it opens.
const (
	StateSubmitted         ProceedingState = "SUBMITTED"
	StateAccepted          ProceedingState = "ACCEPTED"
	StateRejected          ProceedingState = "REJECTED"
	StateWithdrawn         ProceedingState = "WITHDRAWN"
	StateOpened            ProceedingState = "OPENED"
	StateRequested         ProceedingState = "REQUESTED"
	StateAwaitingDocketing ProceedingState = "AWAITING_DOCKETING"
	StateClosed            ProceedingState = "CLOSED"
)

// reviewTransitions is the FILING_REVIEW state machine: a submitted
// complaint is accepted, rejected or withdrawn, and nothing follows.
var reviewTransitions = map[ProceedingState][]ProceedingState{
	StateSubmitted: {StateAccepted, StateRejected, StateWithdrawn},
}

// initialState is the state a routed proceeding opens in.
var initialState = map[ProceedingKind]ProceedingState{
	KindEnforcement: StateOpened,
	KindMediation:   StateRequested,
	KindTrial:       StateAwaitingDocketing,
}

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
	KnownSince  *time.Time // a date (midnight UTC)
	Agency      string
	Warnings    []Warning
	Version     int64
	Proceedings []*Proceeding
	Created     time.Time
	Updated     time.Time

	pending []events.Record
}

// Warning flags something a reviewer should look at.
type Warning struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Related []string `json:"related,omitempty"`
}

// Etag is the opaque version tag clients send back on transitions.
func (m *Matter) Etag() string { return fmt.Sprintf(`"v%d"`, m.Version) }

// Review returns the matter's FILING_REVIEW proceeding.
func (m *Matter) Review() *Proceeding {
	for _, p := range m.Proceedings {
		if p.Kind == KindFilingReview {
			return p
		}
	}
	return nil
}

// PendingEvents returns the events recorded by transitions since the matter
// was loaded, for the store to append in the same transaction.
func (m *Matter) PendingEvents() []events.Record { return m.pending }

func (m *Matter) record(typ string, p *Proceeding, payload map[string]any) {
	r := events.Record{Type: typ, Payload: payload}
	if p != nil {
		r.ProceedingID = string(p.ID)
	}
	m.pending = append(m.pending, r)
}

// moveReview moves the review proceeding to `to`, refusing a move the table
// lacks with errs.FailedPrecondition naming the current state.
func (m *Matter) moveReview(at time.Time, to ProceedingState) (*Proceeding, error) {
	r := m.Review()
	if r == nil {
		return nil, errs.Errorf(errs.FailedPrecondition, "matter %s has no filing review", m.Number)
	}
	for _, allowed := range reviewTransitions[r.State] {
		if allowed == to {
			r.State, r.Updated = to, at
			m.Updated = at
			return r, nil
		}
	}
	return nil, errs.Errorf(errs.FailedPrecondition, "the complaint of matter %s is %s; it cannot become %s", m.Number, r.State, to)
}

// Accept accepts the complaint and opens a proceeding of kind route before
// forum (an agency or court code).
func (m *Matter) Accept(at time.Time, route ProceedingKind, forum, note string, newID func() ProceedingID) error {
	state, ok := initialState[route]
	if !ok {
		return errs.Field("route", "must be ENFORCEMENT, MEDIATION or TRIAL, not %s", route)
	}
	r, err := m.moveReview(at, StateAccepted)
	if err != nil {
		return err
	}
	m.State = MatterAccepted
	opened := &Proceeding{ID: newID(), Kind: route, State: state, Forum: forum, Created: at, Updated: at}
	m.Proceedings = append(m.Proceedings, opened)
	m.record("complaint.accepted", r, map[string]any{"route": route, "forum": forum, "note": note})
	m.record("proceeding.opened", opened, map[string]any{"kind": route, "state": state, "forum": forum})
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
	m.record("complaint.rejected", r, map[string]any{"reason": reason})
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
	m.record("complaint.withdrawn", r, map[string]any{"reason": reason})
	return nil
}
