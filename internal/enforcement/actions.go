package enforcement

import (
	"encoding/json"
	"fmt"
	"slices"

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
	if err := filing.NotBefore("inspection.date", in.Date, "the case was opened", c.OpenedOn); err != nil {
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
		IllegalGains: f.IllegalGains.String(), GoodsValue: f.GoodsValue.String(), Computation: f.Computation, Evidence: f.Evidence})
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
	if err := c.servedAfterInvestigation(servedOn); err != nil {
		return err
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

// servedAfterInvestigation refuses a notice served before the case was
// opened or before an inspection it rests on: the notice tells the party
// the facts found (Administrative Penalty Law Art. 44).
func (c *Case) servedAfterInvestigation(servedOn civil.Date) error {
	if err := filing.NotBefore("served_on", servedOn, "the case was opened", c.OpenedOn); err != nil {
		return err
	}
	for _, in := range c.Inspections {
		if err := filing.NotBefore("served_on", servedOn, "inspection "+in.ID, in.Date); err != nil {
			return err
		}
	}
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
// window. The hearing's day is set when its notice is served
// (ServeHearingNotice).
func (c *Case) RequestHearing(requestedOn civil.Date) error {
	if err := c.require("request a hearing", PenaltyNotified); err != nil {
		return err
	}
	if !c.Notice.HearingAvailable {
		return errs.Errorf(errs.FailedPrecondition, "the intended fine is below the hearing threshold of %s, so no hearing is offered",
			c.Notice.Range.HearingThreshold.String())
	}
	if err := filing.NotBefore("requested_on", requestedOn, "the penalty notice was served", c.Notice.ServedOn); err != nil {
		return err
	}
	if requestedOn.After(c.Notice.WindowDue) {
		return errs.Errorf(errs.FailedPrecondition, "a hearing had to be requested by %s (5 working days after the notice was served on %s; "+
			"Administrative Penalty Law Art. 64(1))", c.Notice.WindowDue.String(), c.Notice.ServedOn.String())
	}
	c.Hearing = &HearingRecord{RequestedOn: requestedOn}
	if err := c.move(Hearing); err != nil {
		return err
	}
	c.Record(events.EnforcementHearingRequested, events.HearingRequestedPayload{RequestedOn: requestedOn})
	return nil
}

// ServeHearingNotice records the service on servedOn of the notice of a
// hearing on scheduledFor, which must be no earlier than earliest, the 7th
// working day after service (SAMR Hearing Measures Art. 20: the notice is
// served 7 working days before the hearing). Served again before the
// hearing is held, it reschedules it.
func (c *Case) ServeHearingNotice(servedOn, scheduledFor, earliest civil.Date) error {
	if err := c.require("serve a hearing notice", Hearing); err != nil {
		return err
	}
	if c.Hearing.HeldOn != nil {
		return errs.Errorf(errs.FailedPrecondition, "the hearing was already held on %s", c.Hearing.HeldOn.String())
	}
	if servedOn.Before(c.Hearing.RequestedOn) {
		return errs.Field("served_on", "%s is before the hearing was requested on %s", servedOn.String(), c.Hearing.RequestedOn.String())
	}
	if scheduledFor.Before(earliest) {
		return errs.Field("scheduled_for", "the notice served on %s must reach the party 7 working days before the hearing "+
			"(%s): the earliest day is %s", servedOn.String(), deadline.HearingNotice.Citation, earliest.String())
	}
	c.Hearing.NoticeServedOn, c.Hearing.ScheduledFor = &servedOn, scheduledFor
	c.Record(events.EnforcementHearingNotice, events.HearingNoticePayload{ServedOn: servedOn, ScheduledFor: scheduledFor})
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
	if c.Hearing.ScheduledFor.IsZero() {
		return errs.Errorf(errs.FailedPrecondition, "no hearing notice was served: serve it 7 working days before the hearing (%s)",
			deadline.HearingNotice.Citation)
	}
	if heldOn.Before(c.Hearing.ScheduledFor) {
		return errs.Field("held_on", "%s is before the day the hearing was scheduled for, %s", heldOn.String(), c.Hearing.ScheduledFor.String())
	}
	c.Hearing.HeldOn, c.Hearing.Record = &heldOn, record
	c.Record(events.EnforcementHearingHeld, events.HearingHeldPayload{HeldOn: heldOn})
	return nil
}

// undecided are the states in which the decision period runs.
var undecided = []State{Opened, Investigating, PenaltyNotified, Hearing}

// Extend records an extension of the decision deadline approved on e.On.
// The first is the 30 days the agency's head approves; after it, only the
// collective decision of the agency's heads continues the extension, for
// the length it fixes (SAMR Administrative Penalty Procedure Rules Art. 64
// ¶1). move lengthens the clock by the period and returns the new due day
// and whether it is provisional; it is called only once every check has
// passed.
func (c *Case) Extend(e Extension, move func(deadline.Period) (deadline.Computation, error)) error {
	if err := c.require("extend the decision deadline", undecided...); err != nil {
		return err
	}
	period := deadline.DecisionExtension
	switch {
	case c.Extension == nil && e.Collective:
		return errs.Field("collective_decision", "the first extension is the 30 days the agency's head approves (%s); "+
			"a collective decision continues it only after that", deadline.DecisionExtension.Citation)
	case c.Extension == nil && e.Days != 0:
		return errs.Field("days", "the first extension is 30 days (%s); a length is fixed only by a collective decision continuing it",
			deadline.DecisionExtension.Citation)
	case c.Extension != nil && !e.Collective:
		return errs.Errorf(errs.FailedPrecondition, "the decision deadline was already extended on %s by %s; a further extension needs "+
			"the collective decision of the agency's heads, with the length it fixes (SAMR Administrative Penalty Procedure Rules Art. 64 ¶1)",
			c.Extension.On.String(), c.Extension.ApprovedBy)
	case c.Extension != nil && (e.Days < 1 || e.Days > deadline.MaxFurtherExtension):
		return errs.Field("days", "the collective decision fixes the length of the further extension: 1 to %d calendar days, got %d",
			deadline.MaxFurtherExtension, e.Days)
	case c.Extension != nil:
		period = deadline.FurtherDecisionExtension(e.Days)
	}
	comp, err := move(period)
	if err != nil {
		return err
	}
	e.NewDue, e.Days = comp.Due, period.Length
	old := c.DecisionDue
	c.DecisionDue, c.DecisionDueProvisional = comp.Due, comp.Provisional
	if c.Extension == nil {
		c.Extension = &e
	} else {
		c.FurtherExtensions = append(c.FurtherExtensions, e)
	}
	c.Record(events.EnforcementDeadlineExtended, events.DecisionExtendedPayload{ApprovedBy: e.ApprovedBy, Reason: e.Reason, From: old, To: comp.Due,
		Collective: e.Collective, Days: e.Days})
	return nil
}

// Pause records time not counted in the decision period (SAMR
// Administrative Penalty Procedure Rules Art. 64 ¶2). It must have ended by
// today, begun on or after the opening and no later than the current due
// day, and overlap no pause already recorded. move lengthens the clock by
// the pause's days; it is called only once every check has passed.
func (c *Case) Pause(p Pause, today civil.Date, move func(deadline.Period) (deadline.Computation, error)) error {
	if err := c.require("record time not counted in the decision period", undecided...); err != nil {
		return err
	}
	switch {
	case p.End.Before(p.Start):
		return errs.Field("pause.end", "%s is before the start, %s", p.End.String(), p.Start.String())
	case p.End.After(today):
		return errs.Field("pause.end", "%s is after today, %s: record the time once it has ended", p.End.String(), today.String())
	case !p.Start.After(c.OpenedOn):
		return errs.Field("pause.start", "%s is not after the case was opened on %s, the day not counted anyway (%s)",
			p.Start.String(), c.OpenedOn.String(), "SAMR Administrative Penalty Procedure Rules Art. 80")
	case p.Start.After(c.DecisionDue):
		return errs.Field("pause.start", "%s is after the decision was due on %s: the period had run out", p.Start.String(), c.DecisionDue.String())
	}
	for _, q := range c.Pauses {
		if !p.Start.After(q.End) && !q.Start.After(p.End) {
			return errs.Field("pause", "%s – %s overlaps the time already not counted for %s, %s – %s",
				p.Start.String(), p.End.String(), q.Kind, q.Start.String(), q.End.String())
		}
	}
	comp, err := move(deadline.DecisionPause(p.Days()))
	if err != nil {
		return err
	}
	old := c.DecisionDue
	c.DecisionDue, c.DecisionDueProvisional = comp.Due, comp.Provisional
	c.Pauses = append(c.Pauses, p)
	c.Record(events.EnforcementDecisionPause, events.DecisionPausePayload{Kind: string(p.Kind), Start: p.Start, End: p.End, Days: p.Days(),
		Reason: p.Reason, From: old, To: comp.Due})
	return nil
}

// Decide records the penalty decision. The party's window must have closed
// (or the hearing been held), and the fine must lie in r, the range
// recomputed for the decision day. number is called only once every check
// has passed, so that a refused decision uses no number.
func (c *Case) Decide(decidedOn, servedOn civil.Date, fine damages.Fen, r damages.FineResult, confiscation string, destruction []string, number func() (string, error)) error {
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
	case c.State == Hearing:
		if err := filing.NotBefore("decided_on", decidedOn, "the hearing was held", *c.Hearing.HeldOn); err != nil {
			return err
		}
	}
	if err := damages.CheckFine(r, fine); err != nil {
		return errs.Field("fine_yuan", "%s is outside the lawful range %s–%s of %s", fine.String(), r.Min.String(), r.Max.String(), r.Law)
	}
	n, err := number()
	if err != nil {
		return err
	}
	c.Decision = &Decision{Number: n, DecidedOn: decidedOn, ServedOn: servedOn, Fine: fine, Law: r.Law, Confiscation: confiscation, Destruction: destruction}
	return c.move(Decided)
}

// RecordDecided records the decision's event, once the payment clock, if
// any, is open: its due day is in the event.
func (c *Case) RecordDecided() {
	d := c.Decision
	p := events.DecidedPayload{Number: d.Number, DecidedOn: d.DecidedOn, Fine: d.Fine.String(), Law: d.Law,
		Confiscation: d.Confiscation, Destruction: d.Destruction, Evidence: d.Evidence, Basis: d.Basis}
	if d.Payment != nil {
		p.PaymentDue = d.Payment.Due
	}
	c.Record(events.EnforcementDecided, p)
}

// Surcharge is the late-payment surcharge on fine due on due, as of asOf:
// the days overdue and 3 % of the fine for each, at most the fine
// (Administrative Penalty Law 2021 Art. 72 ¶1(1): "每日按罚款数额的百分之三加处
// 罚款，加处罚款的数额不得超出罚款的数额"), computed by the fine calculator
// (damages.LateSurcharge, which rounds half up to the fen: the law does not
// say how to round), so that a case and the calculator agree to the fen.
func Surcharge(fine damages.Fen, due, asOf civil.Date) (days int, amount damages.Fen) {
	if !asOf.After(due) {
		return 0, 0
	}
	p := damages.LateSurcharge(fine, civil.Date{}, due, asOf)
	return p.DaysLate, p.Surcharge
}

// PayFine records that the fine was paid on paidOn, with the surcharge
// owed if it was paid late.
func (c *Case) PayFine(paidOn civil.Date) error {
	d := c.Decision
	switch {
	case d == nil:
		return errs.Errorf(errs.FailedPrecondition, "no penalty was decided: the enforcement case is %s", c.State)
	case d.Payment == nil:
		return errs.Errorf(errs.FailedPrecondition, "decision %s imposed no fine", d.Number)
	case d.Payment.PaidOn != nil:
		return errs.Errorf(errs.FailedPrecondition, "the fine of decision %s was paid on %s", d.Number, d.Payment.PaidOn.String())
	case paidOn.Before(d.ServedOn):
		return errs.Field("paid_on", "%s is before the decision reached the party on %s", paidOn.String(), d.ServedOn.String())
	}
	d.Payment.PaidOn = &paidOn
	days, amount := Surcharge(d.Fine, d.Payment.Due, paidOn)
	c.Record(events.EnforcementFinePaid, events.FinePaidPayload{PaidOn: paidOn, Due: d.Payment.Due, DaysOverdue: days, Surcharge: amount.String()})
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

// Resume takes the case up again after mediation (a proceeding name) of
// the same matter ended without agreement on on and the right holder chose
// enforcement. A case that ended meanwhile, or resumed after the same
// mediation, is left as it is (filing.ErrUnchanged).
func (c *Case) Resume(mediation string, on civil.Date) error {
	if Machine.Final(c.State) || slices.ContainsFunc(c.Resumptions, func(r Resumption) bool { return r.Mediation == mediation }) {
		return filing.ErrUnchanged
	}
	c.Resumptions = append(c.Resumptions, Resumption{Mediation: mediation, On: on})
	c.Record(events.EnforcementResumed, events.EnforcementResumedPayload{Mediation: mediation, On: on})
	return nil
}
