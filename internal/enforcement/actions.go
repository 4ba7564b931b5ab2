package enforcement

import (
	"encoding/json"
	"fmt"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// AssignOfficers sets the officers of the case; the first assignment starts
// the investigation.
func (c *Case) AssignOfficers(officers []Officer) error {
	if err := c.require("assign officers", Opened, Investigating); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, o := range officers {
		seen[o.Subject] = true
	}
	if len(seen) < minOfficers {
		return errs.Field("officers", "at least %d different officers are needed (investigation and inspection records need two)", minOfficers)
	}
	c.Officers = officers
	if c.State == Opened {
		if err := c.move(Investigating); err != nil {
			return err
		}
	}
	subjects := make([]string, len(officers))
	for i, o := range officers {
		subjects[i] = o.Subject
	}
	c.Record(events.EnforcementOfficersAssigned, events.OfficersAssignedPayload{Officers: subjects})
	return nil
}

// RecordInspection records an inspection by at least two assigned officers
// and the goods seized at it.
func (c *Case) RecordInspection(in Inspection, goods []Goods) error {
	if err := c.require("record an inspection", Investigating); err != nil {
		return err
	}
	present := map[string]bool{}
	for _, s := range in.Officers {
		if !c.officer(s) {
			return errs.Field("inspection.officers", "%s is not assigned to this case", s)
		}
		present[s] = true
	}
	if len(present) < minOfficers {
		return errs.Field("inspection.officers", "an inspection record needs at least %d officers present, got %d", minOfficers, len(present))
	}
	by := fmt.Sprint(in.Officers)
	for _, g := range goods {
		g.Custody = []CustodyEntry{{Action: Seized, Date: in.Date, By: by, Location: g.Location}}
		c.Goods = append(c.Goods, g)
		in.Goods = append(in.Goods, g.ID)
	}
	c.Inspections = append(c.Inspections, in)
	digests := make([]string, len(in.Evidence))
	for i, e := range in.Evidence {
		digests[i] = e.SHA256
	}
	c.Record(events.EnforcementInspection, events.InspectionPayload{Inspection: in.ID, Date: in.Date, Place: in.Place,
		Officers: in.Officers, SeizedGoods: len(goods), Evidence: digests})
	return nil
}

// RecordCustody adds a step to the custody trail of goods id, until they
// are released or destroyed; a destruction needs its certificate.
func (c *Case) RecordCustody(id string, e CustodyEntry) error {
	g := c.goods(id)
	if g == nil {
		return errs.Field("goods_id", "no seized goods %q in this case", id)
	}
	if st := g.Status(); st != Seized {
		return errs.Errorf(errs.FailedPrecondition, "goods %s were %s on %s; their custody has ended", id, st, g.Custody[len(g.Custody)-1].Date.String())
	}
	switch e.Action {
	case Moved:
		if e.Location == "" {
			return errs.Field("entry.location", "required: where the goods were moved to")
		}
		g.Location = e.Location
	case Destroyed:
		if e.Certificate == "" {
			return errs.Field("entry.certificate", "required: the destruction certificate number")
		}
	case Sampled, Examined, Released:
	default:
		return errs.Field("entry.action", "must be MOVED, SAMPLED, EXAMINED, RELEASED or DESTROYED")
	}
	if last := g.Custody[len(g.Custody)-1].Date; e.Date.Before(last) {
		return errs.Field("entry.date", "%s is before the previous custody step on %s", e.Date.String(), last.String())
	}
	g.Custody = append(g.Custody, e)
	c.Record(events.EnforcementCustody, events.CustodyPayload{Goods: id, Action: string(e.Action), Date: e.Date, By: e.By,
		Location: e.Location, Certificate: e.Certificate})
	return nil
}

// RecordFindings records the findings of the investigation.
func (c *Case) RecordFindings(f Findings) error {
	if err := c.require("record findings", Investigating); err != nil {
		return err
	}
	c.Findings = &f
	c.Record(events.EnforcementFindings, events.FindingsPayload{BusinessVolume: f.BusinessVolume.String(),
		IllegalGains: f.IllegalGains.String(), GoodsValue: f.GoodsValue.String(), Computation: f.Computation})
	return nil
}

// Notify records the notice of the intended penalty: the fine range r
// computed from fineRequest, served on servedOn, with the party's window
// for a statement, defence and hearing request ending on windowDue.
func (c *Case) Notify(servedOn civil.Date, fineRequest json.RawMessage, r damages.FineResult, windowDue civil.Date) error {
	if err := c.require("notify a penalty", Investigating); err != nil {
		return err
	}
	if c.Findings == nil {
		return errs.Errorf(errs.FailedPrecondition, "record the findings before notifying a penalty")
	}
	c.Notice = &Notice{ServedOn: servedOn, FineRequest: fineRequest, Range: r, WindowDue: windowDue,
		HearingAvailable: r.HearingRequired, CriminalFlag: r.CriminalTransfer}
	if err := c.move(PenaltyNotified); err != nil {
		return err
	}
	c.Record(events.EnforcementPenaltyNotified, events.PenaltyNotifiedPayload{ServedOn: servedOn, Law: r.Law, Min: r.Min.String(),
		Max: r.Max.String(), HearingAvailable: r.HearingRequired, WindowDue: windowDue, CriminalThresholdCrossed: r.CriminalTransfer})
	return nil
}

// Rights is what the notice tells the party (Administrative Penalty Law
// Arts. 44, 62–64; SAMR Provisions Art. 57).
func (n *Notice) Rights() string {
	s := fmt.Sprintf("You may state your case and defend yourself until %s (5 working days after service; "+
		"Administrative Penalty Law Art. 62; SAMR Provisions Art. 57 ¶2).", n.WindowDue.String())
	if n.HearingAvailable {
		s += fmt.Sprintf(" The intended fine reaches the hearing threshold of %s: you may ask for a hearing until %s "+
			"(Art. 63, Art. 64(1)); you will be told its time and place 7 working days before (Art. 64(2)).",
			n.Range.HearingThreshold.String(), n.WindowDue.String())
	}
	return s
}

// RequestHearing records the party's request for a hearing, made within the
// window, for a day at least 7 working days after notice of it (earliest).
func (c *Case) RequestHearing(requestedOn, scheduledFor, earliest civil.Date) error {
	if err := c.require("request a hearing", PenaltyNotified); err != nil {
		return err
	}
	if !c.Notice.HearingAvailable {
		return errs.Errorf(errs.FailedPrecondition, "the intended fine is below the hearing threshold of %s, so no hearing is offered",
			c.Notice.Range.HearingThreshold.String())
	}
	if requestedOn.After(c.Notice.WindowDue) {
		return errs.Errorf(errs.FailedPrecondition, "a hearing had to be requested by %s (5 working days after the notice was served on %s; "+
			"Administrative Penalty Law Art. 64(1))", c.Notice.WindowDue.String(), c.Notice.ServedOn.String())
	}
	if scheduledFor.Before(earliest) {
		return errs.Field("scheduled_for", "the party must be told 7 working days before the hearing (Administrative Penalty Law Art. 64(2)): the earliest day is %s", earliest.String())
	}
	c.Hearing = &HearingRecord{RequestedOn: requestedOn, ScheduledFor: scheduledFor}
	if err := c.move(Hearing); err != nil {
		return err
	}
	c.Record(events.EnforcementHearingRequested, events.HearingRequestedPayload{RequestedOn: requestedOn, ScheduledFor: scheduledFor})
	return nil
}

// RecordHearing records that the hearing was held.
func (c *Case) RecordHearing(heldOn civil.Date, record string) error {
	if err := c.require("record a hearing", Hearing); err != nil {
		return err
	}
	if c.Hearing.HeldOn != nil {
		return errs.Errorf(errs.FailedPrecondition, "the hearing was already held on %s", c.Hearing.HeldOn.String())
	}
	if heldOn.Before(c.Hearing.ScheduledFor) {
		return errs.Field("held_on", "%s is before the day the hearing was scheduled for, %s", heldOn.String(), c.Hearing.ScheduledFor.String())
	}
	c.Hearing.HeldOn, c.Hearing.Record = &heldOn, record
	c.Record(events.EnforcementHearingHeld, events.HearingHeldPayload{HeldOn: heldOn})
	return nil
}

// Extend records the extension of the decision deadline to newDue.
func (c *Case) Extend(approvedBy, reason string, on, newDue civil.Date) error {
	if err := c.require("extend the decision deadline", Opened, Investigating, PenaltyNotified, Hearing); err != nil {
		return err
	}
	if c.Extension != nil {
		return errs.Errorf(errs.FailedPrecondition, "the decision deadline was already extended on %s by %s; a further extension needs the collective decision of the agency's heads (SAMR Provisions Art. 64)",
			c.Extension.On.String(), c.Extension.ApprovedBy)
	}
	c.Extension = &Extension{ApprovedBy: approvedBy, Reason: reason, On: on, NewDue: newDue}
	old := c.DecisionDue
	c.DecisionDue = newDue
	c.Record(events.EnforcementDeadlineExtended, events.DecisionExtendedPayload{ApprovedBy: approvedBy, Reason: reason, From: old, To: newDue})
	return nil
}

// Decide records the penalty decision. The party's window must have closed
// (or the hearing been held), and the fine must lie in r, the range
// recomputed for the decision day. number is called only once every check
// has passed, so that a refused decision uses no number.
func (c *Case) Decide(decidedOn civil.Date, fine damages.Fen, r damages.FineResult, confiscation string, destruction []string, number func() (string, error)) error {
	if err := c.require("decide", PenaltyNotified, Hearing); err != nil {
		return err
	}
	switch {
	case c.State == Hearing && c.Hearing.HeldOn == nil:
		return errs.Errorf(errs.FailedPrecondition, "the hearing requested on %s has not been held (scheduled for %s)",
			c.Hearing.RequestedOn.String(), c.Hearing.ScheduledFor.String())
	case c.State == PenaltyNotified && !decidedOn.After(c.Notice.WindowDue):
		return errs.Errorf(errs.FailedPrecondition, "the party may state a defence or ask for a hearing until %s (%s); decide after that day",
			c.Notice.WindowDue.String(), deadline.StatementWindow.Citation)
	}
	if err := damages.CheckFine(r, fine); err != nil {
		return errs.Field("fine_yuan", "%s is outside the lawful range %s–%s of %s", fine.String(), r.Min.String(), r.Max.String(), r.Law)
	}
	n, err := number()
	if err != nil {
		return err
	}
	c.Decision = &Decision{Number: n, DecidedOn: decidedOn, Fine: fine, Law: r.Law, Confiscation: confiscation, Destruction: destruction}
	if err := c.move(Decided); err != nil {
		return err
	}
	c.Record(events.EnforcementDecided, events.DecidedPayload{Number: n, DecidedOn: decidedOn, Fine: fine.String(), Law: r.Law,
		Confiscation: confiscation, Destruction: destruction})
	return nil
}

// Dismiss dismisses the case with reasons.
func (c *Case) Dismiss(reason string) error {
	if err := c.move(Dismissed); err != nil {
		return err
	}
	c.DismissalReason = reason
	c.Record(events.EnforcementDismissed, events.ReasonPayload{Reason: reason})
	return nil
}

// TransferTo transfers the case to a court or the police, with its dossier
// as the event payload the other side consumes.
func (c *Case) TransferTo(t Transfer, dossier events.TransferDossier) error {
	to, typ := TransferredToCourt, events.EnforcementTransferredCourt
	if t.ToPolice {
		to, typ = TransferredToPolice, events.EnforcementTransferredPolice
	}
	if err := c.move(to); err != nil {
		return err
	}
	c.Transfer = &t
	c.Record(typ, dossier)
	return nil
}

// Close closes the case. Once the figures crossed a criminal threshold,
// closing without a transfer to the police needs a recorded reason
// (State Council Provisions on Transfer of Suspected Crimes Art. 11: a
// penalty may not replace transfer).
func (c *Case) Close(reason string) error {
	if err := c.require("close", closable...); err != nil {
		return err
	}
	if c.Notice != nil && c.Notice.CriminalFlag && c.State != TransferredToPolice && reason == "" {
		return errs.Errorf(errs.FailedPrecondition, "the figures crossed a criminal threshold (%v): transfer the case to the police or record why not",
			c.Notice.Range.CriminalRules)
	}
	if err := c.move(Closed); err != nil {
		return err
	}
	c.CloseReason = reason
	c.Record(events.EnforcementClosed, events.EnforcementClosedPayload{Reason: reason})
	return nil
}

// Settle closes the case because the dispute was settled by an agreement a
// court confirmed (CPL Art. 206), whatever step it had reached.
func (c *Case) Settle(reason string) error {
	if c.State == Closed {
		return filing.ErrUnchanged
	}
	if err := c.move(Closed); err != nil {
		return err
	}
	c.CloseReason = reason
	c.Record(events.EnforcementClosed, events.EnforcementClosedPayload{Reason: reason, Settled: true})
	return nil
}
