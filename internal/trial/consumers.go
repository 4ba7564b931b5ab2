package trial

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Consumers are the courts' consumers of the event log, as registered.
type Consumers struct {
	// Transfers turns enforcement.transferred_to_court into a trial
	// awaiting docketing at the recipient court.
	Transfers *events.Consumer
	// Routed gives a trial record to a TRIAL proceeding opened by a
	// filing's acceptance (proceeding.opened).
	Routed *events.Consumer
	// Effective makes a judgment EFFECTIVE once every party's appeal period
	// passed without appeal (deadline.missed of trial.appeal).
	Effective *events.Consumer
	// Confirmations opens a CONFIRMATION proceeding at the court for
	// mediation.confirmation_requested.
	Confirmations *events.Consumer
}

// Register registers the courts' consumers in cs, over st and the clocks,
// writing at the time now reads. The administrative side's consumer of the
// judgments they produce is enforcement's (enforcement.RegisterJudgments).
func Register(cs *events.Consumers, st *Store, clocks *clock.Store, now func() time.Time) Consumers {
	h := &handlers{store: st, clocks: clocks, now: now}
	return Consumers{
		Transfers:     cs.Register("trial.transfers", []events.Type{events.EnforcementTransferredCourt}, h.transfer),
		Routed:        cs.Register("trial.routed", []events.Type{events.ProceedingOpened}, h.routed),
		Effective:     cs.Register("trial.effective", []events.Type{events.DeadlineMissed}, h.effective),
		Confirmations: cs.Register("trial.confirmations", []events.Type{events.MediationConfirmationRequested}, h.confirmation),
	}
}

type handlers struct {
	store  *Store
	clocks *clock.Store
	now    func() time.Time
}

// change is a change in the consumer's transaction, at the time now reads.
func (h *handlers) change(tx store.Tx, m *filing.Matter, p *filing.Proceeding, t *Trial) *Change {
	at := h.now().UTC().Truncate(time.Microsecond)
	return &Change{Tx: tx, Matter: m, Proceeding: p, Record: t, At: at, Today: civil.Today(at)}
}

// transfer creates the trial a transfer to a court asks for, once per
// source proceeding, and checks the dossier's evidence against the
// matter's.
func (h *handlers) transfer(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.TransferDossier](e.Event)
	if err != nil {
		return err
	}
	if d.Target != "COURT" || d.Recipient == "" {
		return nil
	}
	if done, err := fromSource(tx, e.Event.ProceedingID); err != nil || done {
		return err
	}
	m, err := h.store.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	c := h.change(tx, m, nil, nil)
	c.Proceeding = m.OpenProceeding(c.At, Machine.Route(), d.Recipient)
	source := (&filing.RecordMeta{MatterID: m.ID, ProceedingID: filing.ProceedingID(e.Event.ProceedingID)}).Name()
	t := &Trial{State: AwaitingDocketing, Court: d.Recipient, Source: source, ReceivedOn: c.Today, Dossier: e.Event.Payload}
	dossier := make([]string, len(d.Evidence))
	for i, ev := range d.Evidence {
		dossier[i] = ev.SHA256
	}
	t.DossierMismatches = mismatches(m, dossier)
	t.Record(events.TrialReceived, events.TrialReceivedPayload{Court: t.Court, Source: source, ReceivedOn: t.ReceivedOn,
		DossierMismatches: nonNil(t.DossierMismatches)})
	c.Record = t
	if err := h.store.OpenIn(c, events.System); err != nil {
		return err
	}
	return recordSource(tx, e.Event.ProceedingID, c.Proceeding.ID)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// mismatches compares the dossier's evidence digests with the matter's
// evidence rows.
func mismatches(m *filing.Matter, dossier []string) []string {
	var have []string
	for _, ev := range m.Evidence {
		have = append(have, ev.SHA256)
	}
	var out []string
	for _, d := range dossier {
		if !slices.Contains(have, d) {
			out = append(out, "the dossier's evidence "+d+" is not among the matter's evidence")
		}
	}
	for _, d := range have {
		if !slices.Contains(dossier, d) {
			out = append(out, "the matter's evidence "+d+" is missing from the dossier")
		}
	}
	return out
}

// routed gives a TRIAL proceeding opened by a filing's acceptance its
// record, awaiting docketing, as a transfer's.
func (h *handlers) routed(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.ProceedingOpenedPayload](e.Event)
	if err != nil {
		return err
	}
	if d.Kind != string(filing.KindTrial) {
		return nil
	}
	if _, done, err := h.store.Load(tx, filing.ProceedingID(e.Event.ProceedingID)); err != nil || done {
		return err
	}
	m, err := h.store.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	p := m.Proceeding(filing.ProceedingID(e.Event.ProceedingID))
	if p == nil {
		return errors.New("proceeding " + e.Event.ProceedingID + " is gone")
	}
	c := h.change(tx, m, p, nil)
	t := &Trial{State: AwaitingDocketing, Court: p.Forum, ReceivedOn: c.Today}
	t.Record(events.TrialReceived, events.TrialReceivedPayload{Court: t.Court, ReceivedOn: t.ReceivedOn, Routed: true})
	c.Record = t
	return h.store.OpenIn(c, events.System)
}

// errNothing ends a consumer's change without writing.
var errNothing = filing.ErrUnchanged

// effective makes a judgment effective when an appeal clock of its
// proceeding was missed and no clock is still open, every party was
// served, and nobody appealed.
func (h *handlers) effective(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.DeadlineMissedPayload](e.Event)
	if err != nil {
		return err
	}
	if d.Kind != KindAppeal {
		return nil
	}
	if _, ok, err := h.store.Load(tx, filing.ProceedingID(e.Event.ProceedingID)); err != nil || !ok {
		return err
	}
	at := h.now().UTC().Truncate(time.Microsecond)
	return h.store.ChangeIn(tx, filing.MatterID(e.Event.MatterID), filing.ProceedingID(e.Event.ProceedingID), events.System, at,
		func(c *Change) error {
			t := c.Record
			if t.State != Judged || len(t.Appeals) > 0 {
				return errNothing
			}
			var last civil.Date
			for _, p := range c.Matter.Parties() {
				sv := t.service(p.ID)
				if sv == nil {
					return errNothing
				}
				if sv.AppealDue.After(last) {
					last = sv.AppealDue
				}
			}
			if open, err := h.clocks.Any(c.Tx, string(t.ProceedingID), KindAppeal, clock.StatusOpen, clock.StatusMet); err != nil {
				return err
			} else if open {
				return errNothing
			}
			if err := t.move(Effective); err != nil {
				return err
			}
			on := last.AddDays(1)
			t.Judgment.EffectiveOn = &on
			respondents := []string{}
			for _, r := range c.Matter.Respondents {
				respondents = append(respondents, "parties/"+r.ID)
			}
			t.Record(events.TrialJudgmentEffective, events.JudgmentEffective{
				Matter: c.Matter.Name(), Proceeding: t.Name(), Court: t.Court, CourtNumber: t.Number, Respondents: respondents,
				InfringementFound: t.Judgment.InfringementFound, Ruling: t.Judgment.Ruling, Damages: t.Judgment.DamagesTotal.String(),
				DecidedOn: t.Judgment.JudgedOn, EffectiveOn: on,
			})
			return nil
		})
}

// confirmation opens a CONFIRMATION proceeding at the court the parties
// applied to, once per mediation.
func (h *handlers) confirmation(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.ConfirmationRequest](e.Event)
	if err != nil {
		return err
	}
	if d.Court == "" {
		return nil
	}
	if done, err := fromSource(tx, e.Event.ProceedingID); err != nil || done {
		return err
	}
	m, err := h.store.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	c := h.change(tx, m, nil, nil)
	c.Proceeding = m.OpenProceeding(c.At, ConfirmationMachine.Route(), d.Court)
	agreement, err := json.Marshal(d.Agreement)
	if err != nil {
		return err
	}
	t := &Trial{State: Requested, Court: d.Court, Source: d.Proceeding, ReceivedOn: c.Today, Agreement: agreement,
		AgreementPayment: d.Agreement.Payment}
	for _, a := range d.Applicants {
		t.Applicants = append(t.Applicants, strings.TrimPrefix(a, "parties/"))
	}
	t.Record(events.TrialConfirmationReceived, events.ConfirmationReceivedPayload{Court: t.Court, Mediation: d.Proceeding, ReceivedOn: t.ReceivedOn})
	c.Record = t
	if err := h.store.confirm.OpenIn(c, events.System); err != nil {
		return err
	}
	return recordSource(tx, e.Event.ProceedingID, c.Proceeding.ID)
}
