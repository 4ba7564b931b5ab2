package customs

import (
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// Consumers are customs' consumers of the event log, as registered.
type Consumers struct {
	// Lapses releases goods when the holder's reply or a court's notice
	// did not come in time (deadline.missed of customs.reply and
	// customs.court_notice; Regulations on Customs Protection of IPR Arts.
	// 16, 24(1), 24(2)).
	Lapses *events.Consumer
	// Courts applies what a court in the matter decided: a preservation
	// order is a notice of assistance that holds the goods for the court
	// (Art. 23 ¶2); an effective judgment hands goods so held over, or
	// releases them.
	Courts *events.Consumer
}

// Register registers customs' consumers in cs over st and clocks, writing
// at the time now reads. They run in the consumer's transaction and change
// nothing when an event is redelivered.
func Register(cs *events.Consumers, st *Store, clocks *clock.Store, now func() time.Time) Consumers {
	h := &handlers{store: st, clocks: clocks, now: now}
	return Consumers{
		Lapses: cs.Register("customs.lapses", []events.Type{events.DeadlineMissed}, h.lapse),
		Courts: cs.Register("customs.courts", []events.Type{events.TrialPreservationOrdered, events.TrialJudgmentEffective}, h.court),
	}
}

type handlers struct {
	store  *Store
	clocks *clock.Store
	now    func() time.Time
}

func (h *handlers) at() time.Time { return h.now().UTC().Truncate(time.Microsecond) }

// lapse releases the goods of a shipment whose reply or court-notice
// period was missed.
func (h *handlers) lapse(tx store.Tx, e events.Entry) error {
	d, err := events.Decode[events.DeadlineMissedPayload](e.Event)
	if err != nil {
		return err
	}
	if d.Kind != KindReply && d.Kind != KindCourtNotice {
		return nil
	}
	if _, ok, err := h.store.Load(tx, filing.ProceedingID(e.Event.ProceedingID)); err != nil || !ok {
		return err
	}
	return h.store.ChangeIn(tx, filing.MatterID(e.Event.MatterID), filing.ProceedingID(e.Event.ProceedingID), events.System, h.at(),
		func(c *Change) error {
			if err := c.Record.Lapse(d.Kind, d.Due); err != nil {
				return err
			}
			return h.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		})
}

// court applies a court's preservation order or effective judgment to the
// matter's shipments held by customs.
func (h *handlers) court(tx store.Tx, e events.Entry) error {
	m, err := h.store.Filing().Lock(tx, filing.MatterID(e.Event.MatterID))
	if err != nil {
		return err
	}
	court := ""
	if p := m.Proceeding(filing.ProceedingID(e.Event.ProceedingID)); p != nil {
		court = p.Forum
	}
	apply := func(c *Change) error { return filing.ErrUnchanged }
	switch e.Event.Type {
	case events.TrialPreservationOrdered:
		o, err := events.Decode[events.PreservationPayload](e.Event)
		if err != nil {
			return err
		}
		n := CourtNotice{Court: court, Order: o.Kind + " preservation: " + o.Subject, ReceivedOn: civil.Today(h.at())}
		apply = func(c *Change) error {
			sh := c.Record
			// A notice after the period has no goods left to hold: they were
			// released when it lapsed.
			if err := refreshIn(c.Tx, h.clocks, sh); err != nil {
				return err
			}
			if sh.State != Detained && sh.State != Undetermined || n.ReceivedOn.After(sh.CourtNoticeDue) {
				return filing.ErrUnchanged
			}
			if err := sh.ReceiveCourtNotice(n); err != nil {
				return err
			}
			return h.clocks.Settle(c.Tx, string(sh.ProceedingID), KindCourtNotice)
		}
	case events.TrialJudgmentEffective:
		j, err := events.Decode[events.JudgmentEffective](e.Event)
		if err != nil {
			return err
		}
		apply = func(c *Change) error {
			if err := c.Record.CourtDecides(j.Court, j.CourtNumber, j.InfringementFound, j.EffectiveOn); err != nil {
				return err
			}
			return h.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		}
	}
	for _, p := range m.Proceedings {
		if p.Kind != filing.KindCustoms || Machine.Final(State(p.State)) {
			continue
		}
		if err := h.store.ChangeIn(tx, m.ID, p.ID, events.System, h.at(), apply); err != nil {
			return err
		}
	}
	return nil
}

// refreshIn takes the shipment's court-notice due day from its clock.
func refreshIn(tx store.Tx, clocks *clock.Store, sh *Shipment) error {
	d, ok, err := clocks.Current(tx, string(sh.ProceedingID), KindCourtNotice)
	if ok {
		sh.CourtNoticeDue = d.Due
	}
	return err
}
