package trial

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Consumers are the courts' consumers of the event log, as registered.
type Consumers struct {
	// Transfers turns enforcement.transferred_to_court, and a holder's
	// action over goods detained by customs (customs.court_action_filed),
	// into a trial awaiting docketing at the recipient court.
	Transfers *events.Consumer
	// Routed gives a trial record to a TRIAL proceeding opened by a
	// filing's acceptance (proceeding.opened).
	Routed *events.Consumer
	// Effective waits, once every party's appeal period passed without
	// appeal (deadline.missed of trial.appeal), for an appeal posted in
	// time (a trial.appeal_posting clock of Config's length), and makes the
	// judgment EFFECTIVE when that passes too.
	Effective *events.Consumer
	// Confirmations opens a CONFIRMATION proceeding at the court for
	// mediation.confirmation_requested.
	Confirmations *events.Consumer
	// Suits turns mediation.suit_filed, a right holder's suit after a
	// mediation without agreement, into a trial awaiting docketing at the
	// court, with the mediation's record as its dossier.
	Suits *events.Consumer
}

// Config is the courts' settings.
type Config struct {
	// AppealPostingDays is how many calendar days after the last appeal
	// period of a judgment ends the court waits for an appeal posted by
	// that day (CPL Art. 85 ¶4: posted in time is in time, whenever it
	// arrives) before it records the judgment as effective. The law sets
	// no length. Seven days cover domestic post (EMS and court mail arrive
	// in one to three days) with a weekend or a short holiday on the way,
	// while an effective judgment reaches the repeat-infringer record
	// only a week later; an appeal posted in time that arrives later
	// still reopens the judgment. 0 records it at once.
	AppealPostingDays int `env:"IPCASE_APPEAL_POSTING_GRACE_DAYS, default=7"`
}

// maxPostingDays bounds AppealPostingDays: a wait longer than the
// foreign party's whole appeal period (CPL Art. 286) is a typo.
const maxPostingDays = 30

// Check refuses settings the consumers cannot run with; ipcased calls it
// at start.
func (c Config) Check() error {
	if c.AppealPostingDays < 0 || c.AppealPostingDays > maxPostingDays {
		return fmt.Errorf("IPCASE_APPEAL_POSTING_GRACE_DAYS: %d must be between 0 and %d days", c.AppealPostingDays, maxPostingDays)
	}
	return nil
}

// Register registers the courts' consumers in cs, over st and the clocks,
// with cfg's settings, writing at the time now reads. The administrative
// side's consumer of the judgments they produce is enforcement's
// (enforcement.RegisterJudgments). It panics on a cfg Check refuses.
func Register(cs *events.Consumers, st *Store, clocks *clock.Store, now func() time.Time, cfg Config) Consumers {
	if err := cfg.Check(); err != nil {
		panic("trial.Register: " + err.Error())
	}
	h := &handlers{store: st, clocks: clocks, now: now, posting: cfg.AppealPostingDays}
	return Consumers{
		Transfers:     cs.Register("trial.transfers", []events.Type{events.EnforcementTransferredCourt, events.CustomsCourtActionFiled}, h.transfer),
		Routed:        cs.Register("trial.routed", []events.Type{events.ProceedingOpened}, h.routed),
		Effective:     cs.Register("trial.effective", []events.Type{events.DeadlineMissed}, h.effective),
		Confirmations: cs.Register("trial.confirmations", []events.Type{events.MediationConfirmationRequested}, h.confirmation),
		Suits:         cs.Register("trial.suits", []events.Type{events.MediationSuitFiled}, h.suit),
	}
}

type handlers struct {
	store   *Store
	clocks  *clock.Store
	now     func() time.Time
	posting int
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
	dossier := make([]string, len(d.Evidence))
	for i, ev := range d.Evidence {
		dossier[i] = ev.SHA256
	}
	return h.receive(tx, e, d.Recipient, dossier)
}

// suit creates the trial a right holder's suit after a mediation without
// agreement asks for, once per mediation, with the mediation's record
// (which leaves out what the parties conceded in mediation) as its
// dossier.
func (h *handlers) suit(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.MediationRecord](e.Event)
	if err != nil || d.Court == "" {
		return err
	}
	return h.receive(tx, e, d.Court, nil)
}

// receive opens, once per source proceeding (e's), a trial awaiting
// docketing at court with e's payload as its dossier, whose evidence
// digests are checked against the matter's.
func (h *handlers) receive(tx store.Tx, e events.Entry, court string, dossier []string) error {
	if done, err := fromSource(tx, e.Event.ProceedingID); err != nil || done {
		return err
	}
	m, err := h.store.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	c := h.change(tx, m, nil, nil)
	c.Proceeding = m.OpenProceeding(c.At, Machine.Route(), court)
	source := (&filing.RecordMeta{MatterID: m.ID, ProceedingID: filing.ProceedingID(e.Event.ProceedingID)}).Name()
	t := &Trial{State: AwaitingDocketing, Court: court, Source: source, ReceivedOn: c.Today, Dossier: e.Event.Payload}
	if dossier != nil { // a mediation's record cites no evidence
		t.DossierMismatches = mismatches(m, dossier)
	}
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

// effective follows a judgment whose appeal periods ran out: when the last
// party's period is missed, every party was served and nobody appealed, it
// opens the posting window (KindPosting) from the last day of the periods;
// when that is missed too, the judgment is EFFECTIVE, from the day after
// the last period ended (CPL Art. 158: a judgment not appealed within the
// period is effective).
func (h *handlers) effective(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.DeadlineMissedPayload](e.Event)
	if err != nil {
		return err
	}
	if d.Kind != KindAppeal && d.Kind != KindPosting {
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
			if err := refresh(c.Tx, h.clocks, t); err != nil {
				return err
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
			if d.Kind == KindAppeal && h.posting > 0 {
				if opened, err := h.clocks.Any(c.Tx, string(t.ProceedingID), KindPosting,
					clock.StatusOpen, clock.StatusMet, clock.StatusMissed, clock.StatusCancelled); err != nil {
					return err
				} else if opened {
					return errNothing
				}
				if _, err := h.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(t.ProceedingID), Kind: KindPosting,
					Trigger: last, Period: deadline.AppealPostingWindow(h.posting)}); err != nil {
					return err
				}
				return errNothing // the clock is written; the trial is not changed
			}
			return t.takeEffect(c.Matter, last.AddDays(1))
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
