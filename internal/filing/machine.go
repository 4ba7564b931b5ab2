package filing

import (
	"slices"

	"github.com/ipcase/ipcase/internal/errs"
)

// Machine is the one state table of a kind of proceeding. Every move of a
// proceeding's state goes through its machine's Move; the filing review's
// machine is declared here, the others in their own packages (enforcement,
// mediation, trial), which pass their Route to NewStore so that a matter
// can be routed to them and closed when they end.
type Machine[S ~string] struct {
	// Kind is the kind of proceeding the machine runs.
	Kind ProceedingKind
	// Noun names a proceeding of the kind in messages: "the enforcement case".
	Noun string
	// Initial is the state a proceeding of the kind opens in.
	Initial S
	// Table lists, per state, the states it may move to. A state with no
	// entry is final: the proceeding has ended.
	Table map[S][]S
	// Routable says whether a complaint may be accepted into the kind.
	Routable bool
	// Confidential are the states in which the respondents have not yet
	// been told of the proceeding (an investigation before the penalty
	// notice, a suit before the court dockets and serves it). Through such
	// a proceeding alone a respondent's own token does not see the matter:
	// telling the alleged infringer of a complaint before the agency or the
	// court does would let it hide goods and books.
	Confidential []S
}

// Move sets *state to `to` if the table allows it, and otherwise refuses
// with errs.FailedPrecondition naming the current state.
func (m Machine[S]) Move(state *S, to S) error {
	if !slices.Contains(m.Table[*state], to) {
		return errs.Errorf(errs.FailedPrecondition, "%s is %s; it cannot become %s", m.Noun, *state, to)
	}
	*state = to
	return nil
}

// Final reports whether s is a state the proceeding never leaves.
func (m Machine[S]) Final(s S) bool { return len(m.Table[s]) == 0 }

// Route is what filing knows of a machine.
func (m Machine[S]) Route() Route {
	r := Route{Kind: m.Kind, Initial: ProceedingState(m.Initial), Routable: m.Routable,
		final: func(s ProceedingState) bool { return m.Final(S(s)) }}
	for _, c := range m.Confidential {
		r.Confidential = append(r.Confidential, ProceedingState(c))
	}
	return r
}

// Route is a kind of proceeding as filing sees it: the state it opens in,
// whether a complaint may be routed to it, and which of its states end it.
type Route struct {
	Kind     ProceedingKind
	Initial  ProceedingState
	Routable bool
	// Confidential: see Machine.Confidential.
	Confidential []ProceedingState
	final        func(ProceedingState) bool
}

// reviewMachine is the FILING_REVIEW machine: a submitted complaint is
// accepted, rejected or withdrawn, and nothing follows.
var reviewMachine = Machine[ProceedingState]{
	Kind:    KindFilingReview,
	Noun:    "the complaint",
	Initial: StateSubmitted,
	Table:   map[ProceedingState][]ProceedingState{StateSubmitted: {StateAccepted, StateRejected, StateWithdrawn}},
	// The review is between the complainant and the agency: it tells the
	// respondent nothing, whatever its outcome.
	Confidential: []ProceedingState{StateSubmitted, StateAccepted, StateRejected, StateWithdrawn},
}
