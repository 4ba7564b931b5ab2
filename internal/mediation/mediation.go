package mediation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// State is where a mediation stands; the values are stored in the
// proceeding's state.
type State string

// States of the MEDIATION machine.
const (
	Requested             State = "REQUESTED"
	InProgress            State = "IN_PROGRESS"
	Agreed                State = "AGREED"
	Failed                State = "FAILED"
	Withdrawn             State = "WITHDRAWN"
	ConfirmationRequested State = "CONFIRMATION_REQUESTED"
	Closed                State = "CLOSED"
)

// Machine is the MEDIATION machine: REQUESTED → IN_PROGRESS → AGREED |
// FAILED | WITHDRAWN; AGREED → CONFIRMATION_REQUESTED, which the court's
// answer (CPL Art. 206) ends: a confirmed agreement closes the mediation, a
// refused one leaves the parties to mediate again or sue (FAILED).
var Machine = filing.Machine[State]{
	Kind:     filing.KindMediation,
	Noun:     "the mediation",
	Initial:  Requested,
	Routable: true,
	Table: map[State][]State{
		Requested:             {InProgress, Failed, Withdrawn},
		InProgress:            {Agreed, Failed, Withdrawn},
		Agreed:                {ConfirmationRequested},
		ConfirmationRequested: {Closed, Failed},
	},
}

// active are the states in which a mediation is under way: a matter has at
// most one such.
var active = []State{InProgress, Agreed}

// Party is a party of the matter and its consent.
type Party struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Role        string      `json:"role"` // COMPLAINANT or RESPONDENT
	Consented   bool        `json:"consented"`
	Refused     bool        `json:"refused,omitempty"`
	ConsentedOn *civil.Date `json:"consentedOn,omitempty"`
	RecordedBy  string      `json:"recordedBy,omitempty"`
}

// Session is a mediation session.
type Session struct {
	Date      civil.Date `json:"date"`
	Attendees []string   `json:"attendees"`
	Notes     string     `json:"notes"`
}

// Agreement is the settlement reached.
type Agreement struct {
	Payment            damages.Fen `json:"payment"`
	PaymentDue         *civil.Date `json:"paymentDue,omitempty"`
	Cessation          []string    `json:"cessation"`
	WithdrawComplaints bool        `json:"withdrawComplaints"`
	Other              string      `json:"other,omitempty"`
	EffectiveOn        civil.Date  `json:"effectiveOn"`
}

// Confirmation is the joint application for judicial confirmation.
type Confirmation struct {
	Court      string     `json:"court"`
	Applicants []string   `json:"applicants"`
	AppliedOn  civil.Date `json:"appliedOn"`
}

// Outcome is the court's answer to the application for confirmation.
type Outcome struct {
	Confirmed   bool       `json:"confirmed"`
	Court       string     `json:"court"`
	CourtNumber string     `json:"courtNumber,omitempty"`
	On          civil.Date `json:"on"`
	Reason      string     `json:"reason,omitempty"`
}

// Mediation is the record of one MEDIATION proceeding.
type Mediation struct {
	filing.RecordMeta
	State           State      `json:"state"`
	Forum           string     `json:"forum"`
	Parties         []Party    `json:"parties"`
	Mediator        string     `json:"mediator,omitempty"`
	MediatorName    string     `json:"mediatorName,omitempty"`
	Sessions        []Session  `json:"sessions"`
	Agreement       *Agreement `json:"agreement,omitempty"`
	ConfirmationDue civil.Date `json:"confirmationDue,omitzero"`
	// ConfirmationDueProvisional: the window reaches a year whose holiday
	// notice is not loaded, so ConfirmationDue was counted on that year's
	// statutory holidays alone; the clock is recomputed when it is loaded.
	ConfirmationDueProvisional bool          `json:"confirmationDueProvisional,omitempty"`
	EndReason                  string        `json:"endReason,omitempty"`
	Confirmation               *Confirmation `json:"confirmation,omitempty"`
	Outcome                    *Outcome      `json:"outcome,omitempty"`
	// TermDue is the last day of the time set for the mediation, from its
	// start; zero before the start.
	TermDue civil.Date `json:"termDue,omitzero"`
	// Route is what the right holder chose after the mediation ended
	// without agreement.
	Route *Route `json:"route,omitempty"`
}

// Route is where the matter went after a mediation without agreement:
// ENFORCEMENT (Resumed names the enforcement proceedings taken up again)
// or TRIAL (a suit filed with Court).
type Route struct {
	Kind    string     `json:"kind"`
	Court   string     `json:"court,omitempty"`
	On      civil.Date `json:"on"`
	Resumed []string   `json:"resumed,omitempty"`
}

// Route kinds.
const (
	RouteEnforcement = "ENFORCEMENT"
	RouteSuit        = "TRIAL"
)

// StateName is the proceeding state the mediation is in.
func (m *Mediation) StateName() filing.ProceedingState { return filing.ProceedingState(m.State) }

// Etag is the mediation's version tag.
func (m *Mediation) Etag() string { return fmt.Sprintf(`"m%d"`, m.Version) }

func (m *Mediation) move(to State) error { return Machine.Move(&m.State, to) }

// require refuses an action unless the mediation is in one of states.
func (m *Mediation) require(action string, states ...State) error {
	if !slices.Contains(states, m.State) {
		return errs.Errorf(errs.FailedPrecondition, "cannot %s: the mediation is %s", action, m.State)
	}
	return nil
}

func (m *Mediation) party(id string) *Party {
	for i := range m.Parties {
		if m.Parties[i].ID == id {
			return &m.Parties[i]
		}
	}
	return nil
}

// Consent records party id's consent or refusal, given on on and recorded
// by by.
func (m *Mediation) Consent(id string, consents bool, on civil.Date, by string) error {
	if m.State != Requested {
		return errs.Errorf(errs.FailedPrecondition, "consent is recorded before the mediation starts; it is %s", m.State)
	}
	p := m.party(id)
	if p == nil {
		return errs.Field("party", "parties/%s is not a party of this matter", id)
	}
	p.Consented, p.Refused, p.ConsentedOn, p.RecordedBy = consents, !consents, &on, by
	m.Record(events.MediationConsent, events.ConsentPayload{Party: "parties/" + id, Consents: consents, On: on})
	return nil
}

// AssignMediator assigns the mediator; one who worked the enforcement case
// of the same matter (workers) is refused.
func (m *Mediation) AssignMediator(subject, name string, workers []string) error {
	if m.State != Requested && m.State != InProgress {
		return errs.Errorf(errs.FailedPrecondition, "cannot assign a mediator: the mediation is %s", m.State)
	}
	if slices.Contains(workers, subject) {
		return errs.Errorf(errs.FailedPrecondition, "%s worked the enforcement case of this matter and cannot mediate it", subject)
	}
	m.Mediator, m.MediatorName = subject, name
	m.Record(events.MediationMediatorAssigned, events.MediatorPayload{Mediator: subject})
	return nil
}

// Start starts the mediation: every party must have consented (mediation is
// voluntary) and a mediator be assigned.
func (m *Mediation) Start(termDue civil.Date) error {
	var missing []string
	for _, p := range m.Parties {
		if !p.Consented {
			missing = append(missing, p.Name+" (parties/"+p.ID+")")
		}
	}
	if len(missing) > 0 {
		return errs.Errorf(errs.FailedPrecondition, "mediation is voluntary: %s %s not consented", strings.Join(missing, ", "),
			map[bool]string{true: "has", false: "have"}[len(missing) == 1])
	}
	if m.Mediator == "" {
		return errs.Errorf(errs.FailedPrecondition, "assign a mediator first")
	}
	if err := m.move(InProgress); err != nil {
		return err
	}
	m.TermDue = termDue
	m.Record(events.MediationStarted, events.MediationStartedPayload{Mediator: m.Mediator})
	return nil
}

// consentsGiven is the day the last party consented: mediation is
// voluntary and begins with the parties' consent, so no session or
// agreement is dated before it. Zero without a consent on record.
func (m *Mediation) consentsGiven() civil.Date {
	var last civil.Date
	for _, p := range m.Parties {
		if p.Consented && p.ConsentedOn != nil && p.ConsentedOn.After(last) {
			last = *p.ConsentedOn
		}
	}
	return last
}

// RecordSession records a session.
func (m *Mediation) RecordSession(s Session) error {
	if m.State != InProgress {
		return errs.Errorf(errs.FailedPrecondition, "sessions are recorded while the mediation is in progress; it is %s", m.State)
	}
	if err := filing.NotBefore("session.date", s.Date, "the parties' consents", m.consentsGiven()); err != nil {
		return err
	}
	m.Sessions = append(m.Sessions, s)
	m.Record(events.MediationSession, events.SessionPayload{Date: s.Date, Attendees: s.Attendees})
	return nil
}

// Agree records the agreement; confirmationDue is the last day to apply for
// judicial confirmation (30 days after it takes effect, CPL Art. 205),
// provisional when counted on a provisional holiday calendar.
func (m *Mediation) Agree(a Agreement, confirmationDue civil.Date, provisional bool) error {
	if err := m.require("record an agreement", InProgress); err != nil {
		return err
	}
	if err := filing.NotBefore("agreement.effective_on", a.EffectiveOn, "the parties' consents", m.consentsGiven()); err != nil {
		return err
	}
	for _, s := range m.Sessions {
		if err := filing.NotBefore("agreement.effective_on", a.EffectiveOn, "a session", s.Date); err != nil {
			return err
		}
	}
	if a.PaymentDue != nil {
		if err := filing.NotBefore("agreement.payment_due", *a.PaymentDue, "the agreement takes effect", a.EffectiveOn); err != nil {
			return err
		}
	}
	if err := m.move(Agreed); err != nil {
		return err
	}
	m.Agreement, m.ConfirmationDue, m.ConfirmationDueProvisional = &a, confirmationDue, provisional
	m.Record(events.MediationAgreed, events.AgreedPayload{Payment: a.Payment.String(), EffectiveOn: a.EffectiveOn,
		WithdrawComplaints: a.WithdrawComplaints, ConfirmationDue: confirmationDue})
	return nil
}

// Fail records that mediation failed.
func (m *Mediation) Fail(reason string) error {
	if err := m.move(Failed); err != nil {
		return err
	}
	m.EndReason = reason
	m.Record(events.MediationFailed, events.ReasonPayload{Reason: reason})
	return nil
}

// Expire ends a mediation still in progress when the time set for it ran
// out on due without agreement; otherwise it changes nothing
// (filing.ErrUnchanged).
func (m *Mediation) Expire(due civil.Date) error {
	if m.State != InProgress {
		return filing.ErrUnchanged
	}
	return m.Fail("the time set for the mediation ran out on " + due.String() + " without agreement")
}

// ended reports whether the mediation ended without agreement: failed
// (the mediator closed it, its time ran out, or a court refused the
// agreement) or withdrawn by a party.
func (m *Mediation) ended() bool { return m.State == Failed || m.State == Withdrawn }

// ChooseRoute records the route the right holder chose after the
// mediation ended without agreement, once. record is the record a court
// receives for a suit (r.Kind TRIAL).
func (m *Mediation) ChooseRoute(r Route, record events.MediationRecord) error {
	switch {
	case !m.ended():
		return errs.Errorf(errs.FailedPrecondition, "the route after mediation is chosen once it ended without agreement; the mediation is %s", m.State)
	case m.Route != nil:
		return errs.Errorf(errs.FailedPrecondition, "the right holder already chose %s on %s", m.Route.Kind, m.Route.On.String())
	}
	m.Route = &r
	if r.Kind == RouteSuit {
		m.Record(events.MediationSuitFiled, record)
		return nil
	}
	m.Record(events.MediationRouteChosen, events.RouteChosenPayload{Route: r.Kind, Resumed: r.Resumed, On: r.On})
	return nil
}

// CourtRecord is the record of the mediation a court receives when the right
// holder sues at court on on: the sessions' days and attendees, not their
// notes, where the parties' statements, offers and concessions are (SPC
// Interpretation of the CPL Art. 107).
func (m *Mediation) CourtRecord(matterName, matterNumber, court string, on civil.Date) events.MediationRecord {
	r := events.MediationRecord{Schema: "ipcase.mediation_record.v1", Matter: matterName, MatterNumber: matterNumber, Mediation: m.Name(),
		Court: court, Forum: m.Forum, Mediator: m.MediatorName, Parties: []events.MediationRecordParty{}, Sessions: []events.SessionPayload{},
		Ended: string(m.State), EndReason: m.EndReason, TermDue: m.TermDue, On: on,
		Withheld: "what the parties said, offered or conceded in mediation (SPC Interpretation of the CPL Art. 107)"}
	for _, p := range m.Parties {
		r.Parties = append(r.Parties, events.MediationRecordParty{Party: "parties/" + p.ID, Name: p.Name, Role: p.Role})
	}
	for _, s := range m.Sessions {
		r.Sessions = append(r.Sessions, events.SessionPayload{Date: s.Date, Attendees: s.Attendees})
	}
	return r
}

// Withdraw records that party id withdrew.
func (m *Mediation) Withdraw(id, reason string) error {
	if m.party(id) == nil {
		return errs.Field("party", "parties/%s is not a party of this matter", id)
	}
	if err := m.move(Withdrawn); err != nil {
		return err
	}
	m.EndReason = "withdrawn by parties/" + id + ": " + reason
	m.Record(events.MediationWithdrawn, events.MediationWithdrawnPayload{Party: "parties/" + id, Reason: reason})
	return nil
}

// RequestConfirmation records the parties' joint application to court
// within the 30 days (CPL Art. 205; People's Mediation Law Art. 33). The
// payload is the hand-off the judicial side consumes (schema
// ipcase.confirmation.v1).
func (m *Mediation) RequestConfirmation(c Confirmation, matterName, matterNumber string) error {
	if m.State != Agreed {
		return errs.Errorf(errs.FailedPrecondition, "confirmation is requested for an agreement; the mediation is %s", m.State)
	}
	var missing []string
	for _, p := range m.Parties {
		if !slices.Contains(c.Applicants, p.ID) {
			missing = append(missing, "parties/"+p.ID)
		}
	}
	if len(missing) > 0 {
		return errs.Field("applicants", "judicial confirmation is applied for jointly by every party (CPL Art. 205): missing %s", strings.Join(missing, ", "))
	}
	if err := filing.NotBefore("applied_on", c.AppliedOn, "the agreement took effect", m.Agreement.EffectiveOn); err != nil {
		return err
	}
	if c.AppliedOn.After(m.ConfirmationDue) {
		return errs.Errorf(errs.FailedPrecondition, "the application was due by %s: 30 days after the agreement took effect on %s (CPL Art. 205)",
			m.ConfirmationDue.String(), m.Agreement.EffectiveOn.String())
	}
	if err := m.move(ConfirmationRequested); err != nil {
		return err
	}
	m.Confirmation = &c
	applicants := make([]string, len(c.Applicants))
	for i, a := range c.Applicants {
		applicants[i] = "parties/" + a
	}
	a := m.Agreement
	m.Record(events.MediationConfirmationRequested, events.ConfirmationRequest{
		Schema: "ipcase.confirmation.v1", Matter: matterName, MatterNumber: matterNumber, Proceeding: m.Name(), Court: c.Court,
		Applicants: applicants, AppliedOn: c.AppliedOn, Mediator: m.Mediator, Forum: m.Forum,
		Agreement: events.AgreementTerms{Payment: a.Payment.String(), Cessation: a.Cessation, WithdrawComplaints: a.WithdrawComplaints,
			Other: a.Other, EffectiveOn: a.EffectiveOn, PaymentDue: a.PaymentDue},
	})
	return nil
}

// RecordOutcome records the court's confirmation or refusal of the
// agreement (CPL Art. 206): a confirmed agreement closes the mediation, a
// refused one ends it as failed. A second report of the same outcome
// returns filing.ErrUnchanged.
func (m *Mediation) RecordOutcome(o Outcome) error {
	if m.Outcome != nil {
		return filing.ErrUnchanged
	}
	to, typ := Closed, events.MediationConfirmed
	if !o.Confirmed {
		to, typ = Failed, events.MediationConfirmationRefused
		m.EndReason = "the court refused to confirm the agreement: " + o.Reason
	}
	if err := m.move(to); err != nil {
		return err
	}
	m.Outcome = &o
	m.Record(typ, events.ConfirmationOutcome{Court: o.Court, CourtNumber: o.CourtNumber, On: o.On, Reason: o.Reason})
	return nil
}
