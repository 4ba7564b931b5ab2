package events

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
)

// Type is the dotted type of an event, e.g. `enforcement.decided`. Every
// type is declared below, once, with the Go type of its payload and the
// payload fields a rights holder may see; Append refuses any other type or
// payload, so producers and consumers share one declaration.
type Type string

// spec is what is declared of a type.
type spec struct {
	payload reflect.Type
	public  []string
}

var catalog = map[Type]spec{}

// declare declares event type name with payload P; public are the JSON
// names of the payload fields that a rights holder sees (none: the event
// shows without payload).
func declare[P any](name string, public ...string) Type {
	t := Type(name)
	if _, dup := catalog[t]; dup {
		panic("events: type declared twice: " + name)
	}
	catalog[t] = spec{payload: reflect.TypeFor[P](), public: public}
	return t
}

// Declared reports whether t is a declared event type.
func Declared(t Type) bool {
	_, ok := catalog[t]
	return ok
}

// Types returns every declared type, sorted.
func Types() []Type {
	out := make([]Type, 0, len(catalog))
	for t := range catalog {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// PublicFields are the JSON names of t's payload fields a rights holder
// sees; nil for an undeclared type.
func PublicFields(t Type) []string { return catalog[t].public }

// ZeroPayload returns the zero value of t's declared payload.
func ZeroPayload(t Type) (any, error) {
	s, ok := catalog[t]
	if !ok {
		return nil, fmt.Errorf("events: type %q is not declared in the events catalog", t)
	}
	return reflect.Zero(s.payload).Interface(), nil
}

// check refuses a record whose type is not declared or whose payload is not
// the type's declared payload.
func (r Record) check() error {
	s, ok := catalog[r.Type]
	if !ok {
		return fmt.Errorf("events: type %q is not declared in the events catalog", r.Type)
	}
	if got := reflect.TypeOf(r.Payload); got != s.payload {
		return fmt.Errorf("events: %s carries a %v; its declared payload is %v", r.Type, got, s.payload)
	}
	return nil
}

// Decode decodes e's payload into p, which must point to e's declared
// payload type.
func Decode[P any](e Event) (P, error) {
	var p P
	if s, ok := catalog[e.Type]; !ok || s.payload != reflect.TypeFor[P]() {
		return p, fmt.Errorf("events: %s does not carry a %T", e.Type, p)
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return p, fmt.Errorf("events: payload of %s %s/%d: %w", e.Type, e.MatterID, e.Seq, err)
	}
	return p, nil
}

// Group is the prefix of t before its first dot: the package that writes
// it, e.g. "enforcement".
func (t Type) Group() string {
	g, _, _ := strings.Cut(string(t), ".")
	return g
}

// Filing: complaints and the routing of matters.
var (
	ComplaintSubmitted = declare[ComplaintSubmittedPayload]("complaint.submitted", "number", "agency")
	ComplaintAccepted  = declare[ComplaintAcceptedPayload]("complaint.accepted", "route", "forum")
	ComplaintRejected  = declare[ReasonPayload]("complaint.rejected", "reason")
	ComplaintWithdrawn = declare[ReasonPayload]("complaint.withdrawn", "reason")
	ProceedingOpened   = declare[ProceedingOpenedPayload]("proceeding.opened", "kind", "state", "forum")
)

// ComplaintSubmittedPayload is a new matter's first event.
type ComplaintSubmittedPayload struct {
	Number      string   `json:"number"`
	Agency      string   `json:"agency"`
	Respondents int      `json:"respondents"`
	Rights      int      `json:"rights"`
	Evidence    int      `json:"evidence"`
	Warnings    []string `json:"warnings"`
}

// ComplaintAcceptedPayload is a complaint accepted and routed.
type ComplaintAcceptedPayload struct {
	Route string `json:"route"`
	Forum string `json:"forum"`
	Note  string `json:"note"`
}

// ReasonPayload is an end (a rejection, a withdrawal, a dismissal, a
// failure, a settlement) with its reason.
type ReasonPayload struct {
	Reason string `json:"reason"`
}

// ProceedingOpenedPayload is a proceeding opened by routing a matter.
type ProceedingOpenedPayload struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	Forum string `json:"forum"`
}

// Enforcement: the administrative cases.
var (
	EnforcementOpened             = declare[EnforcementOpenedPayload]("enforcement.opened", "openedOn", "decisionDue", "decisionDueProvisional")
	EnforcementOfficersAssigned   = declare[OfficersAssignedPayload]("enforcement.officers_assigned")
	EnforcementInspection         = declare[InspectionPayload]("enforcement.inspection_recorded")
	EnforcementCustody            = declare[CustodyPayload]("enforcement.custody_recorded")
	EnforcementFindings           = declare[FindingsPayload]("enforcement.findings_recorded")
	EnforcementPenaltyNotified    = declare[PenaltyNotifiedPayload]("enforcement.penalty_notified")
	EnforcementHearingRequested   = declare[HearingRequestedPayload]("enforcement.hearing_requested")
	EnforcementHearingHeld        = declare[HearingHeldPayload]("enforcement.hearing_held")
	EnforcementHearingNotice      = declare[HearingNoticePayload]("enforcement.hearing_notice_served")
	EnforcementDecisionPause      = declare[DecisionPausePayload]("enforcement.decision_pause_recorded")
	EnforcementFinePaid           = declare[FinePaidPayload]("enforcement.fine_paid")
	EnforcementDeadlineExtended   = declare[DecisionExtendedPayload]("enforcement.decision_deadline_extended")
	EnforcementDecided            = declare[DecidedPayload]("enforcement.decided", "number", "decidedOn", "fine", "confiscation")
	EnforcementDismissed          = declare[ReasonPayload]("enforcement.dismissed")
	EnforcementClosed             = declare[EnforcementClosedPayload]("enforcement.closed", "settled")
	EnforcementTransferredCourt   = declare[TransferDossier]("enforcement.transferred_to_court", "target", "recipient", "transferredOn")
	EnforcementTransferredPolice  = declare[TransferDossier]("enforcement.transferred_to_police", "target", "transferredOn")
	EnforcementAppraisalRequested = declare[AppraisalRequestedPayload]("enforcement.appraisal_requested", "institution", "question", "sentOn")
	EnforcementAppraisalReported  = declare[AppraisalReportedPayload]("enforcement.appraisal_reported",
		"institution", "reportNumber", "qualification", "conclusion", "receivedOn", "daysNotCounted")
	EnforcementIdentification = declare[IdentificationPayload]("enforcement.identification_recorded",
		"signedBy", "signedOn", "receivedOn", "counterfeitItems", "daysNotCounted")
	EnforcementResumed = declare[EnforcementResumedPayload]("enforcement.resumed_after_mediation", "on")
)

// AppraisalRequestedPayload is a request for inspection, testing or
// appraisal by an institution (Kind TESTING) or for identification by the
// right holder (Kind IDENTIFICATION), with the seized goods sampled.
type AppraisalRequestedPayload struct {
	Appraisal   string     `json:"appraisal"`
	Kind        string     `json:"appraisalKind"`
	Institution string     `json:"institution"`
	Question    string     `json:"question"`
	Samples     []string   `json:"samples"`
	SentOn      civil.Date `json:"sentOn"`
}

// AppraisalReportedPayload is an institution's report received, its
// document cited by digest, and the days not counted in the decision
// period on its account (SAMR Administrative Penalty Procedure Rules
// Art. 64 ¶2).
type AppraisalReportedPayload struct {
	Appraisal      string     `json:"appraisal"`
	Institution    string     `json:"institution"`
	ReportNumber   string     `json:"reportNumber"`
	Qualification  string     `json:"qualification"`
	Conclusion     string     `json:"conclusion"`
	ReportedOn     civil.Date `json:"reportedOn"`
	ReceivedOn     civil.Date `json:"receivedOn"`
	Document       string     `json:"document"`
	DaysNotCounted int        `json:"daysNotCounted"`
}

// IdentificationPayload is a right holder's signed identification
// received, its statement cited by digest, with how many of the items it
// says are counterfeit.
type IdentificationPayload struct {
	Appraisal        string     `json:"appraisal"`
	SignedBy         string     `json:"signedBy"`
	SignedOn         civil.Date `json:"signedOn"`
	ReceivedOn       civil.Date `json:"receivedOn"`
	Items            int        `json:"items"`
	CounterfeitItems int        `json:"counterfeitItems"`
	Statement        string     `json:"statement"`
	DaysNotCounted   int        `json:"daysNotCounted"`
}

// EnforcementResumedPayload is an enforcement case taken up again after a
// mediation of the same matter ended without agreement, the right holder
// having chosen enforcement.
type EnforcementResumedPayload struct {
	Mediation string     `json:"mediation"`
	On        civil.Date `json:"on"`
}

// EnforcementOpenedPayload is a case opened (立案).
type EnforcementOpenedPayload struct {
	Agency                 string     `json:"agency"`
	OpenedOn               civil.Date `json:"openedOn"`
	DecisionDue            civil.Date `json:"decisionDue"`
	DecisionDueProvisional bool       `json:"decisionDueProvisional"`
	ExOfficio              bool       `json:"exOfficio"`
}

// OfficersAssignedPayload names the assigned officers by subject.
type OfficersAssignedPayload struct {
	Officers []string `json:"officers"`
}

// InspectionPayload is an on-site inspection.
type InspectionPayload struct {
	Inspection  string     `json:"inspection"`
	Date        civil.Date `json:"date"`
	Place       string     `json:"place"`
	Officers    []string   `json:"officers"`
	SeizedGoods int        `json:"seizedGoods"`
	Evidence    []string   `json:"evidence"`
}

// CustodyPayload is a step in the custody of seized goods.
type CustodyPayload struct {
	Goods       string     `json:"goods"`
	Action      string     `json:"action"`
	Date        civil.Date `json:"date"`
	By          string     `json:"by"`
	Location    string     `json:"location"`
	Certificate string     `json:"certificate"`
}

// FindingsPayload are the investigation's figures, amounts in yuan.
type FindingsPayload struct {
	BusinessVolume string   `json:"businessVolume"`
	IllegalGains   string   `json:"illegalGains"`
	GoodsValue     string   `json:"goodsValue"`
	Computation    string   `json:"computation"`
	Evidence       []string `json:"evidence,omitempty"`
}

// PenaltyNotifiedPayload is the notice of an intended penalty.
type PenaltyNotifiedPayload struct {
	ServedOn                 civil.Date `json:"servedOn"`
	Law                      string     `json:"law"`
	Min                      string     `json:"min"`
	Max                      string     `json:"max"`
	HearingAvailable         bool       `json:"hearingAvailable"`
	WindowDue                civil.Date `json:"windowDue"`
	CriminalThresholdCrossed bool       `json:"criminalThresholdCrossed"`
}

// HearingRequestedPayload is a party's request for a hearing.
type HearingRequestedPayload struct {
	RequestedOn  civil.Date `json:"requestedOn"`
	ScheduledFor civil.Date `json:"scheduledFor"`
}

// HearingHeldPayload is a hearing held.
type HearingHeldPayload struct {
	HeldOn civil.Date `json:"heldOn"`
}

// HearingNoticePayload is the service of a hearing notice: the hearing's
// day, at least 7 working days after service (SAMR Hearing Measures
// Art. 20).
type HearingNoticePayload struct {
	ServedOn     civil.Date `json:"servedOn"`
	ScheduledFor civil.Date `json:"scheduledFor"`
}

// DecisionPausePayload is time not counted in the decision period (SAMR
// Administrative Penalty Procedure Rules Art. 64 ¶2) and the due day it
// moved.
type DecisionPausePayload struct {
	Kind   string     `json:"kind"`
	Start  civil.Date `json:"start"`
	End    civil.Date `json:"end"`
	Days   int        `json:"days"`
	Reason string     `json:"reason"`
	From   civil.Date `json:"from"`
	To     civil.Date `json:"to"`
}

// FinePaidPayload is a fine paid, with the late-payment surcharge owed
// (Administrative Penalty Law Art. 72(1)).
type FinePaidPayload struct {
	PaidOn      civil.Date `json:"paidOn"`
	Due         civil.Date `json:"due"`
	DaysOverdue int        `json:"daysOverdue"`
	Surcharge   string     `json:"surcharge"`
}

// DecisionExtendedPayload is the extension of the decision deadline; a
// further one, after the first 30 days, was decided collectively by the
// agency's heads for Days.
type DecisionExtendedPayload struct {
	ApprovedBy string     `json:"approvedBy"`
	Reason     string     `json:"reason"`
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
	Collective bool       `json:"collective,omitempty"`
	Days       int        `json:"days,omitempty"`
}

// DecidedPayload is a penalty decision.
type DecidedPayload struct {
	Number       string     `json:"number"`
	DecidedOn    civil.Date `json:"decidedOn"`
	Fine         string     `json:"fine"`
	Law          string     `json:"law"`
	Confiscation string     `json:"confiscation"`
	Destruction  []string   `json:"destruction"`
	// PaymentDue is the last day to pay the fine (Administrative Penalty
	// Law Art. 67 ¶3); zero without a fine.
	PaymentDue civil.Date `json:"paymentDue,omitzero"`
	// Evidence are the digests of the matter's evidence the decision
	// rests on.
	Evidence []string `json:"evidence,omitempty"`
	// Basis is what the fine was computed from; nil in decisions made
	// before it was recorded.
	Basis *FineBasis `json:"basis,omitempty"`
}

// FineBasis is what a fine was computed from: the offence (damages'
// spelling, e.g. "trademark"), the law version, the base the rule tests
// (business volume, illegal gains or goods value; "" if none), the lawful
// range, and the circumstances that move the fine.
type FineBasis struct {
	Offence string `json:"offence"`
	Law     string `json:"law"`
	Base    string `json:"base,omitempty"`
	Min     string `json:"min"`
	Max     string `json:"max"`
	Repeat  bool   `json:"repeat,omitempty"`
	Serious bool   `json:"serious,omitempty"`
}

// EnforcementClosedPayload is a closed case; Settled when a court-confirmed
// agreement settled the matter.
type EnforcementClosedPayload struct {
	Reason  string `json:"reason"`
	Settled bool   `json:"settled,omitempty"`
}

// TransferDossier is the hand-off of an enforcement case to a court or the
// police, schema ipcase.transfer.v1 (README, "Event exchange"): who, which
// rights, which evidence by digest, what was found and decided. A rights
// holder sees to which court a case went, not to which police unit.
type TransferDossier struct {
	Schema        string           `json:"schema"`
	Matter        string           `json:"matter"`
	MatterNumber  string           `json:"matterNumber"`
	Proceeding    string           `json:"proceeding"`
	Agency        string           `json:"agency"`
	Target        string           `json:"target"`
	Recipient     string           `json:"recipient"`
	Reason        string           `json:"reason"`
	TransferredOn civil.Date       `json:"transferredOn"`
	Complainant   DossierParty     `json:"complainant"`
	Respondents   []DossierParty   `json:"respondents"`
	Rights        []DossierRight   `json:"rights"`
	Evidence      []DossierItem    `json:"evidence"`
	Findings      *DossierFindings `json:"findings,omitempty"`
	FineRange     *DossierRange    `json:"fineRange,omitempty"`
	Decision      *DossierDecision `json:"decision,omitempty"`
}

// DossierParty is a party in a dossier.
type DossierParty struct {
	Party           string `json:"party"`
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	CreditCode      string `json:"creditCode"`
	DomicileCountry string `json:"domicileCountry"`
}

// DossierRight is a right in a dossier.
type DossierRight struct {
	Type               string `json:"type"`
	RegistrationNumber string `json:"registrationNumber"`
	Title              string `json:"title"`
	Holder             string `json:"holder"`
}

// DossierItem is an evidence item in a dossier, by digest.
type DossierItem struct {
	SHA256    string `json:"sha256"`
	SizeBytes int64  `json:"sizeBytes"`
	MediaType string `json:"mediaType"`
	Source    string `json:"source"`
}

// DossierFindings are the findings in a dossier, amounts in yuan.
type DossierFindings struct {
	Text           string `json:"text"`
	BusinessVolume string `json:"businessVolume"`
	IllegalGains   string `json:"illegalGains"`
	GoodsValue     string `json:"goodsValue"`
	Computation    string `json:"computation"`
}

// DossierRange is the lawful fine range in a dossier.
type DossierRange struct {
	Law                      string   `json:"law"`
	Min                      string   `json:"min"`
	Max                      string   `json:"max"`
	CriminalThresholdCrossed bool     `json:"criminalThresholdCrossed"`
	CriminalRules            []string `json:"criminalRules"`
}

// DossierDecision is the penalty decision in a dossier.
type DossierDecision struct {
	Number    string     `json:"number"`
	DecidedOn civil.Date `json:"decidedOn"`
	Fine      string     `json:"fine"`
	Law       string     `json:"law"`
}

// Mediation.
var (
	MediationRequested             = declare[MediationRequestedPayload]("mediation.requested", "forum")
	MediationConsent               = declare[ConsentPayload]("mediation.consent_recorded")
	MediationMediatorAssigned      = declare[MediatorPayload]("mediation.mediator_assigned")
	MediationStarted               = declare[MediationStartedPayload]("mediation.started")
	MediationSession               = declare[SessionPayload]("mediation.session_recorded")
	MediationAgreed                = declare[AgreedPayload]("mediation.agreed", "payment", "effectiveOn", "confirmationDue")
	MediationFailed                = declare[ReasonPayload]("mediation.failed")
	MediationWithdrawn             = declare[MediationWithdrawnPayload]("mediation.withdrawn")
	MediationConfirmationRequested = declare[ConfirmationRequest]("mediation.confirmation_requested", "court", "appliedOn")
	MediationConfirmed             = declare[ConfirmationOutcome]("mediation.confirmed", "court", "courtNumber", "on")
	MediationConfirmationRefused   = declare[ConfirmationOutcome]("mediation.confirmation_refused", "court", "on")
	MediationRouteChosen           = declare[RouteChosenPayload]("mediation.route_chosen", "route", "on")
	MediationSuitFiled             = declare[MediationRecord]("mediation.suit_filed", "court", "on")
)

// RouteChosenPayload is the route the right holder chose after a
// mediation ended without agreement: ENFORCEMENT, with the enforcement
// proceedings resumed.
type RouteChosenPayload struct {
	Route   string     `json:"route"`
	Resumed []string   `json:"resumed"`
	On      civil.Date `json:"on"`
}

// MediationRecord is the hand-off to the court a right holder sues in
// after a mediation without agreement (schema ipcase.mediation_record.v1):
// who mediated, who took part, when the sessions were and how the
// mediation ended. It leaves out what the parties said, offered or
// conceded in mediation (the session notes): a fact a party accepted to
// reach a settlement is no evidence against it in the later suit (SPC
// Interpretation of the CPL Art. 107).
type MediationRecord struct {
	Schema       string                 `json:"schema"`
	Matter       string                 `json:"matter"`
	MatterNumber string                 `json:"matterNumber"`
	Mediation    string                 `json:"mediation"`
	Court        string                 `json:"court"`
	Forum        string                 `json:"forum"`
	Mediator     string                 `json:"mediator"`
	Parties      []MediationRecordParty `json:"parties"`
	Sessions     []SessionPayload       `json:"sessions"`
	Ended        string                 `json:"ended"`
	EndReason    string                 `json:"endReason"`
	TermDue      civil.Date             `json:"termDue,omitzero"`
	On           civil.Date             `json:"on"`
	Withheld     string                 `json:"withheld"`
}

// MediationRecordParty is a party of the mediation and its role.
type MediationRecordParty struct {
	Party string `json:"party"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// MediationRequestedPayload is a mediation opened on a matter.
type MediationRequestedPayload struct {
	Forum       string `json:"forum"`
	RequestedBy string `json:"requestedBy"`
	Note        string `json:"note"`
}

// ConsentPayload is a party's consent or refusal.
type ConsentPayload struct {
	Party    string     `json:"party"`
	Consents bool       `json:"consents"`
	On       civil.Date `json:"on"`
}

// MediatorPayload names the mediator by subject.
type MediatorPayload struct {
	Mediator string `json:"mediator"`
}

// MediationStartedPayload names the mediator who started.
type MediationStartedPayload struct {
	Mediator string `json:"mediator"`
}

// SessionPayload is a mediation session.
type SessionPayload struct {
	Date      civil.Date `json:"date"`
	Attendees []string   `json:"attendees"`
}

// AgreedPayload is a mediation agreement.
type AgreedPayload struct {
	Payment            string     `json:"payment"`
	EffectiveOn        civil.Date `json:"effectiveOn"`
	WithdrawComplaints bool       `json:"withdrawComplaints"`
	ConfirmationDue    civil.Date `json:"confirmationDue"`
}

// MediationWithdrawnPayload is a party's withdrawal from mediation.
type MediationWithdrawnPayload struct {
	Party  string `json:"party"`
	Reason string `json:"reason"`
}

// ConfirmationRequest is the parties' joint application to a court for
// judicial confirmation, schema ipcase.confirmation.v1 (README, "Event
// exchange").
type ConfirmationRequest struct {
	Schema       string         `json:"schema"`
	Matter       string         `json:"matter"`
	MatterNumber string         `json:"matterNumber"`
	Proceeding   string         `json:"proceeding"`
	Court        string         `json:"court"`
	Applicants   []string       `json:"applicants"`
	AppliedOn    civil.Date     `json:"appliedOn"`
	Mediator     string         `json:"mediator"`
	Forum        string         `json:"forum"`
	Agreement    AgreementTerms `json:"agreement"`
}

// AgreementTerms are the terms of a mediation agreement, amounts in yuan.
type AgreementTerms struct {
	Payment            string      `json:"payment"`
	Cessation          []string    `json:"cessation"`
	WithdrawComplaints bool        `json:"withdrawComplaints"`
	Other              string      `json:"other"`
	EffectiveOn        civil.Date  `json:"effectiveOn"`
	PaymentDue         *civil.Date `json:"paymentDue,omitempty"`
}

// ConfirmationOutcome is a court's confirmation of the agreement or its
// refusal, as the mediation records it.
type ConfirmationOutcome struct {
	Court       string     `json:"court"`
	CourtNumber string     `json:"courtNumber"`
	On          civil.Date `json:"on"`
	Reason      string     `json:"reason"`
}

// Customs: protection at the border (Regulations on Customs Protection of
// IPR). A rights holder sees what customs did with the goods, by when it
// must act, and customs' decision; not the goods' details or the evidence.
var (
	CustomsDetentionApplied = declare[CustomsOpenedPayload]("customs.detention_applied", "office", "appliedOn")
	CustomsHolderNotified   = declare[CustomsOpenedPayload]("customs.holder_notified", "office", "notifiedOn", "replyDue")
	CustomsGoodsDetained    = declare[CustomsDetainedPayload]("customs.goods_detained", "detainedOn", "guarantee", "courtNoticeDue", "investigationDue")
	CustomsDetentionRefused = declare[CustomsEndedPayload]("customs.detention_refused", "reason", "on")
	// CustomsCourtActionFiled is the holder's action at a court, handed to
	// the court as an enforcement case's transfer is (schema
	// ipcase.transfer.v1, Target COURT).
	CustomsCourtActionFiled    = declare[TransferDossier]("customs.court_action_filed", "target", "recipient", "transferredOn")
	CustomsCourtNoticeReceived = declare[CourtNoticePayload]("customs.court_notice_received", "court", "courtNumber", "receivedOn")
	CustomsInfringementDecided = declare[CustomsDecidedPayload]("customs.infringement_decided", "infringementFound", "decidedOn", "fine", "reason")
	CustomsGoodsReleased       = declare[CustomsEndedPayload]("customs.goods_released", "reason", "on")
	CustomsGoodsHandedOver     = declare[CustomsEndedPayload]("customs.goods_handed_over", "reason", "on")
)

// CustomsOpenedPayload is a customs proceeding begun: the holder's
// application (AppliedOn) or customs' notice to the holder of goods
// suspected ex officio (NotifiedOn, with the last day to reply).
type CustomsOpenedPayload struct {
	Office      string      `json:"office"`
	Route       string      `json:"route"`
	Recordation string      `json:"recordation,omitempty"`
	GoodsValue  string      `json:"goodsValue"`
	AppliedOn   *civil.Date `json:"appliedOn,omitempty"`
	NotifiedOn  *civil.Date `json:"notifiedOn,omitempty"`
	ReplyDue    *civil.Date `json:"replyDue,omitempty"`
}

// CustomsDetainedPayload is goods detained, the guarantee given (yuan)
// and the periods that then run.
type CustomsDetainedPayload struct {
	DetainedOn       civil.Date  `json:"detainedOn"`
	Guarantee        string      `json:"guarantee"`
	GuaranteeRule    string      `json:"guaranteeRule"`
	CourtNoticeDue   civil.Date  `json:"courtNoticeDue"`
	InvestigationDue *civil.Date `json:"investigationDue,omitempty"`
}

// CustomsEndedPayload is a customs proceeding ended: refused, released or
// the goods handed over, on a day, with the reason and its article.
type CustomsEndedPayload struct {
	Reason string     `json:"reason"`
	On     civil.Date `json:"on"`
}

// CourtNoticePayload is a court's notice of assistance received by
// customs: a preservation order or judgment the goods are held for.
type CourtNoticePayload struct {
	Court       string     `json:"court"`
	CourtNumber string     `json:"courtNumber"`
	Order       string     `json:"order"`
	ReceivedOn  civil.Date `json:"receivedOn"`
}

// CustomsDecidedPayload is customs' finding on goods detained ex officio
// (amounts in yuan); InfringementFound is nil when customs could not say.
type CustomsDecidedPayload struct {
	InfringementFound *bool      `json:"infringementFound"`
	DecidedOn         civil.Date `json:"decidedOn"`
	Fine              string     `json:"fine,omitempty"`
	FineCeiling       string     `json:"fineCeiling,omitempty"`
	Disposal          string     `json:"disposal,omitempty"`
	Reason            string     `json:"reason"`
}

// Trials. A rights holder sees what a court decided in its matter (the
// docket, the judgment and its figures, its effect, a confirmation): the
// decisions addressed to the parties; never the panel, hearings or
// evidence digests.
var (
	TrialReceived             = declare[TrialReceivedPayload]("trial.received")
	TrialDocketed             = declare[DocketedPayload]("trial.docketed", "court", "courtNumber", "docketedOn")
	TrialDeclined             = declare[DeclinedPayload]("trial.declined", "court", "declinedOn")
	TrialTimeLimitExtended    = declare[TimeLimitExtendedPayload]("trial.time_limit_extended")
	TrialTimeLimitPaused      = declare[TimeLimitPausedPayload]("trial.time_limit_paused")
	TrialPanelAssigned        = declare[PanelPayload]("trial.panel_assigned")
	TrialPreservationOrdered  = declare[PreservationPayload]("trial.preservation_ordered")
	TrialEvidenceExchanged    = declare[ExchangePayload]("trial.evidence_exchanged")
	TrialHearingScheduled     = declare[HearingScheduledPayload]("trial.hearing_scheduled")
	TrialHeard                = declare[HeardPayload]("trial.heard")
	TrialJudged               = declare[JudgedPayload]("trial.judged", "courtNumber", "ruling", "infringementFound", "injunction", "damages", "costs", "judgedOn")
	TrialJudgmentServed       = declare[ServedPayload]("trial.judgment_served")
	TrialAppealed             = declare[AppealedPayload]("trial.appealed")
	TrialJudgmentEffective    = declare[JudgmentEffective]("trial.judgment_effective", "courtNumber", "effectiveOn")
	TrialWithdrawn            = declare[ReasonPayload]("trial.withdrawn")
	TrialSettled              = declare[ReasonPayload]("trial.settled")
	TrialConfirmationReceived = declare[ConfirmationReceivedPayload]("trial.confirmation_received")
	TrialAgreementConfirmed   = declare[AgreementConfirmed]("trial.agreement_confirmed", "court", "courtNumber", "confirmedOn")
	TrialConfirmationRefused  = declare[ConfirmationRefused]("trial.confirmation_refused", "court", "refusedOn")
)

// TrialReceivedPayload is a case arriving at a court: by transfer (Source
// and DossierMismatches), routed by a filing's acceptance (Routed), or by
// appeal (Source and Appeal).
type TrialReceivedPayload struct {
	Court             string     `json:"court"`
	Source            string     `json:"source,omitempty"`
	ReceivedOn        civil.Date `json:"receivedOn"`
	DossierMismatches []string   `json:"dossierMismatches,omitzero"`
	Routed            bool       `json:"routed,omitempty"`
	Appeal            bool       `json:"appeal,omitempty"`
}

// DocketedPayload is a docketed case; criminal cases keep no time limit.
type DocketedPayload struct {
	Court                string      `json:"court"`
	CourtNumber          string      `json:"courtNumber"`
	Kind                 string      `json:"kind"`
	Instance             string      `json:"instance"`
	Procedure            string      `json:"procedure"`
	DocketedOn           civil.Date  `json:"docketedOn"`
	Source               string      `json:"source"`
	TimeLimitDue         *civil.Date `json:"timeLimitDue,omitempty"`
	TimeLimitProvisional *bool       `json:"timeLimitProvisional,omitempty"`
}

// DeclinedPayload is a case the court declined to docket.
type DeclinedPayload struct {
	Court      string     `json:"court"`
	Reason     string     `json:"reason"`
	DeclinedOn civil.Date `json:"declinedOn"`
	Source     string     `json:"source"`
}

// TimeLimitExtendedPayload is an extended trial time limit.
type TimeLimitExtendedPayload struct {
	Months       int        `json:"months"`
	Basis        string     `json:"basis"`
	ApprovedBy   string     `json:"approvedBy"`
	Reason       string     `json:"reason"`
	TimeLimitDue civil.Date `json:"timeLimitDue"`
}

// TimeLimitPausedPayload is a period the trial time limit does not count
// (SPC Interpretation on the Application of the CPL (2022) Art. 243), and
// the time limit it extends.
type TimeLimitPausedPayload struct {
	Reason       string     `json:"reason"`
	Start        civil.Date `json:"start"`
	End          civil.Date `json:"end"`
	Days         int        `json:"days"`
	Basis        string     `json:"basis"`
	TimeLimitDue civil.Date `json:"timeLimitDue"`
}

// PanelPayload is the panel formed.
type PanelPayload struct {
	Members []PanelMember `json:"members"`
}

// PanelMember is a member of a panel.
type PanelMember struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// PreservationPayload is a preservation order, security in yuan.
type PreservationPayload struct {
	Kind      string     `json:"kind"`
	Applicant string     `json:"applicant"`
	Subject   string     `json:"subject"`
	OrderedOn civil.Date `json:"orderedOn"`
	Security  string     `json:"security"`
}

// ExchangePayload is an evidence exchange.
type ExchangePayload struct {
	HeldOn civil.Date `json:"heldOn"`
	SHA256 []string   `json:"sha256"`
}

// HearingScheduledPayload is a scheduled hearing.
type HearingScheduledPayload struct {
	Date  civil.Date `json:"date"`
	Place string     `json:"place"`
}

// HeardPayload is a hearing held.
type HeardPayload struct {
	Date      civil.Date `json:"date"`
	Attendees []string   `json:"attendees"`
}

// JudgedPayload is a judgment or ruling pronounced, amounts in yuan.
type JudgedPayload struct {
	CourtNumber       string     `json:"courtNumber"`
	Ruling            bool       `json:"ruling"`
	InfringementFound bool       `json:"infringementFound"`
	Injunction        string     `json:"injunction"`
	Damages           string     `json:"damages"`
	Costs             string     `json:"costs"`
	JudgedOn          civil.Date `json:"judgedOn"`
}

// ServedPayload is a judgment served on a party, with its appeal period.
type ServedPayload struct {
	Party      string     `json:"party"`
	ServedOn   civil.Date `json:"servedOn"`
	AppealDue  civil.Date `json:"appealDue"`
	AppealRule string     `json:"appealRule"`
}

// AppealedPayload is a party's appeal.
type AppealedPayload struct {
	Party          string     `json:"party"`
	FiledOn        civil.Date `json:"filedOn"`
	AppellateCourt string     `json:"appellateCourt"`
	SecondInstance string     `json:"secondInstance"`
	// PostedOn is the day an appeal that came by post was posted (CPL
	// Art. 85 ¶4).
	PostedOn *civil.Date `json:"postedOn,omitempty"`
}

// JudgmentEffective is a judgment that took effect, which the
// administrative side records for repeat-infringer rules.
type JudgmentEffective struct {
	Matter            string     `json:"matter"`
	Proceeding        string     `json:"proceeding"`
	Court             string     `json:"court"`
	CourtNumber       string     `json:"courtNumber"`
	Respondents       []string   `json:"respondents"`
	InfringementFound bool       `json:"infringementFound"`
	Ruling            bool       `json:"ruling"`
	Damages           string     `json:"damages"`
	DecidedOn         civil.Date `json:"decidedOn"`
	EffectiveOn       civil.Date `json:"effectiveOn"`
}

// ConfirmationReceivedPayload is a confirmation application arriving at a
// court.
type ConfirmationReceivedPayload struct {
	Court      string     `json:"court"`
	Mediation  string     `json:"mediation"`
	ReceivedOn civil.Date `json:"receivedOn"`
}

// AgreementConfirmed is a court's confirmation of a mediation agreement
// (CPL Art. 206), with the trials it ended as settled.
type AgreementConfirmed struct {
	Court       string     `json:"court"`
	CourtNumber string     `json:"courtNumber"`
	Mediation   string     `json:"mediation"`
	ConfirmedOn civil.Date `json:"confirmedOn"`
	Note        string     `json:"note"`
	Closed      []string   `json:"closed"`
}

// ConfirmationRefused is a court's refusal to confirm an agreement.
type ConfirmationRefused struct {
	Court     string     `json:"court"`
	Mediation string     `json:"mediation"`
	Reason    string     `json:"reason"`
	RefusedOn civil.Date `json:"refusedOn"`
}

// Statutory clocks (package clock).
var (
	DeadlineApproaching = declare[DeadlineApproachingPayload]("deadline.approaching", "kind", "due")
	DeadlineMissed      = declare[DeadlineMissedPayload]("deadline.missed", "kind", "due")
	DeadlineRecomputed  = declare[DeadlineRecomputedPayload]("deadline.recomputed", "kind", "due")
)

// DeadlinePayload is what every deadline event says of its deadline.
type DeadlinePayload struct {
	Deadline string     `json:"deadline"`
	Kind     string     `json:"kind"`
	Party    string     `json:"party,omitempty"`
	Trigger  civil.Date `json:"trigger"`
	Period   int        `json:"period"`
	Unit     string     `json:"unit"`
	Basis    string     `json:"basis"`
	Due      civil.Date `json:"due"`
	// Provisional: the due day was counted on a year's statutory holidays
	// because its holiday notice was not loaded.
	Provisional bool   `json:"provisional,omitempty"`
	Status      string `json:"status"`
}

// DeadlineApproachingPayload announces a deadline due within the lead time.
type DeadlineApproachingPayload struct {
	DeadlinePayload
	Today    civil.Date `json:"today"`
	DaysLeft int        `json:"days_left"`
}

// DeadlineMissedPayload marks a deadline whose last day has passed.
type DeadlineMissedPayload struct {
	DeadlinePayload
	Today civil.Date `json:"today"`
}

// DeadlineRecomputedPayload is a deadline moved by a new holiday calendar.
type DeadlineRecomputedPayload struct {
	DeadlinePayload
	PreviousDue             civil.Date `json:"previous_due"`
	PreviousProvisional     bool       `json:"previous_provisional,omitempty"`
	PreviousCalendarVersion string     `json:"previous_calendar_version"`
	CalendarVersion         string     `json:"calendar_version"`
}
