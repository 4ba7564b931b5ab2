package mediation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/proceeding"
)

// SettleOthers ends the matter's other open administrative proceedings once
// a court confirmed the agreement that settles it; package enforcement
// provides it (enforcement.CloseSettled).
type SettleOthers func(db *gorm.DB, matterID, reason string, at time.Time) error

// systemActor is who applies what the judicial side reports.
var systemActor = events.Actor{Subject: "ipcased", Role: "system"}

// RegisterOutcomes adds the consumer that shows the court's answer on the
// mediation (trial.agreement_confirmed, trial.confirmation_refused) and, for
// a confirmed agreement, ends the matter's other open administrative
// proceedings with the confirmation as the reason. It runs in the
// consumer's transaction and changes nothing when an event is redelivered.
func RegisterOutcomes(c *events.Consumers, st *Store, settle SettleOthers, now func() time.Time) *events.Consumer {
	return c.Register("mediation.outcomes", []string{"trial.agreement_confirmed", "trial.confirmation_refused"},
		func(_ context.Context, db *gorm.DB, e events.Entry) error {
			var p struct {
				Court       string `json:"court"`
				CourtNumber string `json:"courtNumber"`
				Mediation   string `json:"mediation"`
				Reason      string `json:"reason"`
				ConfirmedOn string `json:"confirmedOn"`
				RefusedOn   string `json:"refusedOn"`
			}
			if err := json.Unmarshal(e.Event.Payload, &p); err != nil {
				return fmt.Errorf("%s %d: %w", e.Event.Type, e.Position, err)
			}
			mid, pid := proceeding.ParseName(p.Mediation)
			if mid == "" {
				return nil // not a confirmation of a mediation of this store
			}
			o := Outcome{Confirmed: e.Event.Type == "trial.agreement_confirmed", Court: p.Court, CourtNumber: p.CourtNumber, Reason: p.Reason}
			on := p.ConfirmedOn
			if !o.Confirmed {
				on = p.RefusedOn
			}
			o.On, _ = time.Parse(time.DateOnly, on)
			at := now().UTC().Truncate(time.Microsecond)
			if err := st.ChangeIn(db, mid, pid, systemActor, at, func(tx *Tx) error { return tx.Record.RecordOutcome(o) }); err != nil {
				return err
			}
			if !o.Confirmed || settle == nil {
				return nil
			}
			return settle(db, string(mid), fmt.Sprintf("settled by the mediation agreement confirmed by %s %s (CPL Art. 206)", p.Court, p.CourtNumber), at)
		})
}
