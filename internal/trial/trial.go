// Package trial is the judicial side of ipcase: the TRIAL proceedings
// courts docket, try and decide, fed by enforcement transfers and filings
// routed to a court, and feeding effective judgments back to the
// administrative side's repeat-offender record.
package trial

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// State is where a trial stands; the values are stored in the proceeding's
// state.
type State string

// States of the TRIAL machine.
const (
	AwaitingDocketing State = "AWAITING_DOCKETING"
	Declined          State = "DECLINED"
	Docketed          State = "DOCKETED"
	PreTrial          State = "PRE_TRIAL"
	HearingScheduled  State = "HEARING_SCHEDULED"
	Heard             State = "HEARD"
	Judged            State = "JUDGED"
	Effective         State = "EFFECTIVE"
	Appealed          State = "APPEALED"
	Withdrawn         State = "WITHDRAWN"
	Settled           State = "SETTLED"
	// States of a CONFIRMATION proceeding.
	Requested           State = "REQUESTED"
	Confirmed           State = "CONFIRMED"
	ConfirmationRefused State = "CONFIRMATION_REFUSED"
)

// open are the states a trial can still be withdrawn or settled from.
var open = []State{AwaitingDocketing, Docketed, PreTrial, HearingScheduled, Heard, Judged}

// Machine is the TRIAL machine: AWAITING_DOCKETING → DOCKETED | DECLINED;
// DOCKETED → PRE_TRIAL → HEARING_SCHEDULED → HEARD → JUDGED → EFFECTIVE |
// APPEALED; WITHDRAWN and SETTLED from any open state.
var Machine = filing.Machine[State]{
	Kind:     filing.KindTrial,
	Noun:     "the trial",
	Initial:  AwaitingDocketing,
	Routable: true,
	// The defendant is served once the court dockets the case (CPL Art.
	// 128); a case the court declines is never served.
	Confidential: []State{AwaitingDocketing, Declined},
	Table: func() map[State][]State {
		t := map[State][]State{
			AwaitingDocketing: {Docketed, Declined},
			Docketed:          {PreTrial},
			PreTrial:          {HearingScheduled},
			HearingScheduled:  {Heard},
			Heard:             {Judged},
			Judged:            {Effective, Appealed},
		}
		for _, s := range open {
			t[s] = append(t[s], Withdrawn, Settled)
		}
		return t
	}(),
}

// ConfirmationMachine is the CONFIRMATION machine: a mediation agreement
// the parties applied to have confirmed is REQUESTED → CONFIRMED |
// CONFIRMATION_REFUSED (CPL Art. 206). Its records are kept with the
// trials'.
var ConfirmationMachine = filing.Machine[State]{
	Kind:    filing.KindConfirmation,
	Noun:    "the judicial confirmation",
	Initial: Requested,
	Table:   map[State][]State{Requested: {Confirmed, ConfirmationRefused}},
}

// Kind is the kind of case.
type Kind string

// Kinds of case.
const (
	Civil          Kind = "CIVIL"
	Criminal       Kind = "CRIMINAL"
	Administrative Kind = "ADMINISTRATIVE"
)

// Instance is the instance.
type Instance string

// Instances.
const (
	First  Instance = "FIRST"
	Second Instance = "SECOND"
)

// Procedure is the procedure of a trial.
type Procedure string

// Procedures.
const (
	Ordinary Procedure = "ORDINARY"
	Summary  Procedure = "SUMMARY"
)

// PanelMember is a member of the panel.
type PanelMember struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Panel roles.
var panelRoles = []string{"PRESIDING_JUDGE", "JUDGE", "PEOPLES_ASSESSOR", "TECHNICAL_INVESTIGATOR"}

// Preservation is a preservation order.
type Preservation struct {
	Kind      string      `json:"kind"` // EVIDENCE, PROPERTY, CONDUCT
	Applicant string      `json:"applicant,omitempty"`
	Subject   string      `json:"subject"`
	OrderedOn civil.Date  `json:"orderedOn"`
	Security  damages.Fen `json:"security"`
}

// Exchange is an evidence exchange.
type Exchange struct {
	HeldOn civil.Date `json:"heldOn"`
	SHA256 []string   `json:"sha256"`
	Notes  string     `json:"notes,omitempty"`
}

// Hearing is a hearing, scheduled or held.
type Hearing struct {
	Date      civil.Date `json:"date"`
	Place     string     `json:"place"`
	Attendees []string   `json:"attendees,omitempty"`
	Record    string     `json:"record,omitempty"`
	Held      bool       `json:"held"`
}

// Judgment is the judgment or ruling.
type Judgment struct {
	Ruling            bool            `json:"ruling"`
	InfringementFound bool            `json:"infringementFound"`
	Injunction        string          `json:"injunction,omitempty"`
	Damages           json.RawMessage `json:"damages,omitempty"` // the CalculateDamagesResponse, protojson
	DamagesTotal      damages.Fen     `json:"damagesTotal"`
	Costs             damages.Fen     `json:"costs"`
	CostsBorneBy      string          `json:"costsBorneBy,omitempty"`
	JudgedOn          civil.Date      `json:"judgedOn"`
	EffectiveOn       *civil.Date     `json:"effectiveOn,omitempty"`
}

// Service is the service of the judgment on a party.
type Service struct {
	Party    string     `json:"party"` // party id
	ServedOn civil.Date `json:"servedOn"`
	// AppealDue is the last day of the party's appeal period as computed
	// at service; the clock (KindAppeal) follows recomputations. Zero for
	// a final judgment.
	AppealDue            civil.Date `json:"appealDue"`
	AppealDueProvisional bool       `json:"appealDueProvisional,omitempty"`
	// AppealRule is the period, or why no appeal lies.
	AppealRule string `json:"appealRule"`
}

// Appeal is a party's appeal.
type Appeal struct {
	Party string `json:"party"`
	// FiledOn is the day the court received it.
	FiledOn civil.Date `json:"filedOn"`
	// PostedOn is the day it was posted, if it came by post: that day
	// decides whether it is in time (CPL Art. 85 ¶4).
	PostedOn       *civil.Date `json:"postedOn,omitempty"`
	AppellateCourt string      `json:"appellateCourt"`
	Grounds        string      `json:"grounds,omitempty"`
}

// lodged is the day that decides whether a is in time: the day posted,
// else the day received.
func (a Appeal) lodged() (civil.Date, string) {
	if a.PostedOn != nil {
		return *a.PostedOn, "posted"
	}
	return a.FiledOn, "filed"
}

// Pause is a period the trial time limit does not count (SPC
// Interpretation on the Application of the CPL (2022) Art. 243).
type Pause struct {
	// Reason is one of pauseReasons.
	Reason string     `json:"reason"`
	Start  civil.Date `json:"start"`
	End    civil.Date `json:"end"`
	Notes  string     `json:"notes,omitempty"`
}

// pauseReasons are the periods Art. 243 excludes from the time limit.
var pauseReasons = []string{"ANNOUNCEMENT", "APPRAISAL", "SETTLEMENT_TALKS", "JURISDICTION_OBJECTION", "JURISDICTION_DISPUTE"}

// Days is the number of days p does not count, both ends included.
func (p Pause) Days() int { return p.Start.DaysUntil(p.End) + 1 }

// overlaps reports whether p and o share a day.
func (p Pause) overlaps(o Pause) bool { return !p.End.Before(o.Start) && !o.End.Before(p.Start) }

// Trial is the record of one TRIAL proceeding.
type Trial struct {
	filing.RecordMeta
	State      State      `json:"state"`
	Court      string     `json:"court"`
	Number     string     `json:"number,omitempty"`
	Kind       Kind       `json:"kind,omitempty"`
	Instance   Instance   `json:"instance,omitempty"`
	Procedure  Procedure  `json:"procedure,omitempty"`
	Source     string     `json:"source,omitempty"` // matters/…/proceedings/…
	ReceivedOn civil.Date `json:"receivedOn"`
	// Dossier is the transfer's payload (schema ipcase.transfer.v1), kept
	// as received.
	Dossier              json.RawMessage `json:"dossier,omitempty"`
	DossierMismatches    []string        `json:"dossierMismatches,omitempty"`
	DocketedOn           *civil.Date     `json:"docketedOn,omitempty"`
	TimeLimitDue         *civil.Date     `json:"timeLimitDue,omitempty"`
	TimeLimitProvisional bool            `json:"timeLimitProvisional,omitempty"`
	// ForeignRelated: a civil case has no 6- or 3-month time limit (CPL
	// Art. 287).
	ForeignRelated bool `json:"foreignRelated,omitempty"`
	// Pauses are the periods the time limit does not count.
	Pauses         []Pause        `json:"pauses,omitempty"`
	EndReason      string         `json:"endReason,omitempty"`
	Panel          []PanelMember  `json:"panel,omitempty"`
	Preservations  []Preservation `json:"preservations,omitempty"`
	Exchanges      []Exchange     `json:"exchanges,omitempty"`
	Hearings       []Hearing      `json:"hearings,omitempty"`
	Judgment       *Judgment      `json:"judgment,omitempty"`
	Services       []Service      `json:"services,omitempty"`
	Appeals        []Appeal       `json:"appeals,omitempty"`
	SecondInstance string         `json:"secondInstance,omitempty"` // proceeding id
	// Judicial confirmation: the applicants (party ids), the agreement as
	// in the ipcase.confirmation.v1 payload, and what confirming it ended.
	Applicants        []string        `json:"applicants,omitempty"`
	Agreement         json.RawMessage `json:"agreement,omitempty"`
	AgreementPayment  string          `json:"agreementPayment,omitempty"`
	ClosedProceedings []string        `json:"closedProceedings,omitempty"`
}

// StateName is the proceeding state the trial is in.
func (t *Trial) StateName() filing.ProceedingState { return filing.ProceedingState(t.State) }

// Etag is the trial's version tag.
func (t *Trial) Etag() string { return fmt.Sprintf(`"t%d"`, t.Version) }

// move moves the trial through its machine: a judicial confirmation's
// states are its machine's only.
func (t *Trial) move(to State) error {
	if slices.Contains([]State{Requested, Confirmed, ConfirmationRefused}, t.State) {
		return ConfirmationMachine.Move(&t.State, to)
	}
	return Machine.Move(&t.State, to)
}

func (t *Trial) service(party string) *Service {
	for i := range t.Services {
		if t.Services[i].Party == party {
			return &t.Services[i]
		}
	}
	return nil
}

// SupremeCourt is the court code of the Supreme People's Court.
const SupremeCourt = "最高法"

// finality says why no appeal lies against the trial's judgment, or ""
// when one does: judgments of a second instance and of the Supreme
// People's Court are final (CPL Arts. 158, 182; Criminal Procedure Law
// Art. 244; the two-instance rule of Administrative Litigation Law Art. 7).
func (t *Trial) finality() string {
	switch {
	case t.Court == SupremeCourt && t.Kind == Criminal:
		return "a judgment of the Supreme People's Court is final (Criminal Procedure Law Art. 244)"
	case t.Court == SupremeCourt:
		return "a judgment of the Supreme People's Court is effective when pronounced (CPL Art. 158)"
	case t.Instance != Second:
		return ""
	case t.Kind == Criminal:
		return "a second-instance judgment is final (Criminal Procedure Law Art. 244)"
	case t.Kind == Administrative:
		return "a second-instance judgment is final (Administrative Litigation Law Art. 7: two instances)"
	}
	return "a second-instance judgment is final (CPL Art. 182)"
}

// takeEffect makes the judgment effective on on and reports it to the
// administrative side, which records it against m's respondents.
func (t *Trial) takeEffect(m *filing.Matter, on civil.Date) error {
	if err := t.move(Effective); err != nil {
		return err
	}
	t.Judgment.EffectiveOn = &on
	respondents := []string{}
	for _, r := range m.Respondents {
		respondents = append(respondents, "parties/"+r.ID)
	}
	t.Record(events.TrialJudgmentEffective, events.JudgmentEffective{
		Matter: m.Name(), Proceeding: t.Name(), Court: t.Court, CourtNumber: t.Number, Respondents: respondents,
		InfringementFound: t.Judgment.InfringementFound, Ruling: t.Judgment.Ruling, Damages: t.Judgment.DamagesTotal.String(),
		DecidedOn: t.Judgment.JudgedOn, EffectiveOn: on,
	})
	return nil
}

// appeal moves the judgment to APPEALED. A judgment recorded EFFECTIVE
// after the posting window is reopened: an appeal posted by the last day
// of the period is in time whenever it arrives (CPL Art. 85 ¶4), so the
// judgment never took effect. That is the one move the machine's table
// does not list, so that EFFECTIVE stays a final state for the matter.
func (t *Trial) appeal() error {
	if t.State == Effective && t.finality() == "" {
		t.State, t.Judgment.EffectiveOn = Appealed, nil
		return nil
	}
	return t.move(Appealed)
}

// Docket dockets the trial with number n on on; due is the last day of the
// time limit (provisional when the calendar does not reach it yet).
func (t *Trial) Docket(kind Kind, inst Instance, proc Procedure, n CourtNumber, on, due civil.Date, provisional bool) error {
	if err := t.move(Docketed); err != nil {
		return err
	}
	t.Kind, t.Instance, t.Procedure, t.Number = kind, inst, proc, n.String()
	t.DocketedOn = &on
	payload := events.DocketedPayload{Court: t.Court, CourtNumber: t.Number, Kind: string(kind), Instance: string(inst),
		Procedure: string(proc), DocketedOn: on, Source: t.Source}
	if !due.IsZero() { // criminal time limits are not kept
		t.TimeLimitDue, t.TimeLimitProvisional = &due, provisional
		payload.TimeLimitDue, payload.TimeLimitProvisional = &due, &provisional
	}
	t.Record(events.TrialDocketed, payload)
	return nil
}

// Decline declines to docket the trial.
func (t *Trial) Decline(reason string, on civil.Date) error {
	if err := t.move(Declined); err != nil {
		return err
	}
	t.EndReason = reason
	t.Record(events.TrialDeclined, events.DeclinedPayload{Court: t.Court, Reason: reason, DeclinedOn: on, Source: t.Source})
	return nil
}

// AssignPanel forms the panel: exactly one presiding judge.
func (t *Trial) AssignPanel(members []PanelMember) error {
	presiding := 0
	for _, m := range members {
		if m.Role == "PRESIDING_JUDGE" {
			presiding++
		}
	}
	if presiding != 1 {
		return errs.Field("members", "a panel has exactly one presiding judge, got %d", presiding)
	}
	if t.State == Docketed {
		if err := t.move(PreTrial); err != nil {
			return err
		}
	} else if t.State != PreTrial {
		return errs.Errorf(errs.FailedPrecondition, "the panel is formed before the hearing is scheduled; the trial is %s", t.State)
	}
	t.Panel = members
	panel := make([]events.PanelMember, len(members))
	for i, m := range members {
		panel[i] = events.PanelMember(m)
	}
	t.Record(events.TrialPanelAssigned, events.PanelPayload{Members: panel})
	return nil
}

func (t *Trial) beforeHearing(what string) error {
	if t.State != Docketed && t.State != PreTrial && t.State != HearingScheduled {
		return errs.Errorf(errs.FailedPrecondition, "%s is recorded between docketing and the hearing; the trial is %s", what, t.State)
	}
	return nil
}

// OrderPreservation records a preservation order.
func (t *Trial) OrderPreservation(p Preservation) error {
	if err := t.beforeHearing("a preservation order"); err != nil {
		return err
	}
	t.Preservations = append(t.Preservations, p)
	t.Record(events.TrialPreservationOrdered, events.PreservationPayload{Kind: p.Kind, Applicant: p.Applicant, Subject: p.Subject,
		OrderedOn: p.OrderedOn, Security: p.Security.String()})
	return nil
}

// RecordExchange records an evidence exchange.
func (t *Trial) RecordExchange(x Exchange) error {
	if err := t.beforeHearing("an evidence exchange"); err != nil {
		return err
	}
	t.Exchanges = append(t.Exchanges, x)
	t.Record(events.TrialEvidenceExchanged, events.ExchangePayload{HeldOn: x.HeldOn, SHA256: x.SHA256})
	return nil
}

// ScheduleHearing schedules the hearing.
func (t *Trial) ScheduleHearing(h Hearing) error {
	if t.State == HearingScheduled { // rescheduled
		t.Hearings[len(t.Hearings)-1] = h
	} else {
		if err := t.move(HearingScheduled); err != nil {
			return err
		}
		t.Hearings = append(t.Hearings, h)
	}
	t.Record(events.TrialHearingScheduled, events.HearingScheduledPayload{Date: h.Date, Place: h.Place})
	return nil
}

// RecordHearing records the scheduled hearing as held.
func (t *Trial) RecordHearing(attendees []string, record string) error {
	if err := t.move(Heard); err != nil {
		return err
	}
	h := &t.Hearings[len(t.Hearings)-1]
	h.Attendees, h.Record, h.Held = attendees, record, true
	t.Record(events.TrialHeard, events.HeardPayload{Date: h.Date, Attendees: attendees})
	return nil
}

// Judge records the judgment.
func (t *Trial) Judge(j Judgment) error {
	if err := t.move(Judged); err != nil {
		return err
	}
	t.Judgment = &j
	t.Record(events.TrialJudged, events.JudgedPayload{CourtNumber: t.Number, Ruling: j.Ruling, InfringementFound: j.InfringementFound,
		Injunction: j.Injunction, Damages: j.DamagesTotal.String(), Costs: j.Costs.String(), JudgedOn: j.JudgedOn})
	return nil
}

// PauseTimeLimit records p, a period the time limit does not count, which
// moved its last day to due.
func (t *Trial) PauseTimeLimit(p Pause, basis string, due civil.Date) {
	t.Pauses = append(t.Pauses, p)
	t.TimeLimitDue = &due
	t.Record(events.TrialTimeLimitPaused, events.TimeLimitPausedPayload{Reason: p.Reason, Start: p.Start, End: p.End, Days: p.Days(),
		Basis: basis, TimeLimitDue: due})
}

// End withdraws or settles the trial.
func (t *Trial) End(to State, reason string) error {
	if err := t.move(to); err != nil {
		return err
	}
	t.EndReason = reason
	t.Record(map[State]events.Type{Withdrawn: events.TrialWithdrawn, Settled: events.TrialSettled}[to], events.ReasonPayload{Reason: reason})
	return nil
}
