package mediation

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// SettleOthers ends, in tx, the matter's other open administrative
// proceedings once a court confirmed the agreement that settles it; package
// enforcement provides it (enforcement.Store.CloseSettled).
type SettleOthers func(tx store.Tx, matterID filing.MatterID, reason string, at time.Time) error

// RegisterOutcomes adds the consumer that shows the court's answer on the
// mediation (trial.agreement_confirmed, trial.confirmation_refused) and, for
// a confirmed agreement, ends the matter's other open administrative
// proceedings with the confirmation as the reason. It runs in the
// consumer's transaction and changes nothing when an event is redelivered.
func RegisterOutcomes(c *events.Consumers, st *Store, settle SettleOthers, now func() time.Time) *events.Consumer {
	return c.Register("mediation.outcomes", []events.Type{events.TrialAgreementConfirmed, events.TrialConfirmationRefused},
		func(tx store.Tx, e events.Entry) error {
			o, mediation, err := outcome(e.Event)
			if err != nil {
				return err
			}
			mid, pid, ok := request.SplitProceeding(mediation)
			if !ok {
				return nil // not a confirmation of a mediation of this store
			}
			at := now().UTC().Truncate(time.Microsecond)
			err = st.ChangeIn(tx, filing.MatterID(mid), filing.ProceedingID(pid), events.System, at,
				func(c *Change) error { return c.Record.RecordOutcome(o) })
			if err != nil {
				return err
			}
			if !o.Confirmed || settle == nil {
				return nil
			}
			return settle(tx, filing.MatterID(mid), fmt.Sprintf("settled by the mediation agreement confirmed by %s %s (CPL Art. 206)",
				o.Court, o.CourtNumber), at)
		})
}

// RegisterTerms adds the consumer that ends as failed a mediation still in
// progress when the time set for it ran out (deadline.missed of
// KindTerm), so that the right holder may choose another route. A
// redelivery, or a mediation already ended, changes nothing.
func RegisterTerms(c *events.Consumers, st *Store, now func() time.Time) *events.Consumer {
	return c.Register("mediation.terms", []events.Type{events.DeadlineMissed}, func(tx store.Tx, e events.Entry) error {
		d, err := events.Decode[events.DeadlineMissedPayload](e.Event)
		if err != nil || d.Kind != KindTerm {
			return err
		}
		at := now().UTC().Truncate(time.Microsecond)
		return st.ChangeIn(tx, filing.MatterID(e.Event.MatterID), filing.ProceedingID(e.Event.ProceedingID), events.System, at,
			func(c *Change) error { return c.Record.Expire(d.Due) })
	})
}

// outcome reads the court's answer and the mediation it concerns.
func outcome(e events.Event) (Outcome, string, error) {
	if e.Type == events.TrialAgreementConfirmed {
		p, err := events.Decode[events.AgreementConfirmed](e)
		return Outcome{Confirmed: true, Court: p.Court, CourtNumber: p.CourtNumber, On: p.ConfirmedOn}, p.Mediation, err
	}
	p, err := events.Decode[events.ConfirmationRefused](e)
	return Outcome{Court: p.Court, On: p.RefusedOn, Reason: p.Reason}, p.Mediation, err
}
