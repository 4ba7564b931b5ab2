package auth

import (
	"context"

	"slices"

	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/errs"
)

// Scope is the rule that decides whether an allowed role may act on a
// particular matter.
type Scope int

// Scopes.
const (
	// NoMatter: the method acts on no matter (a calculator) or scopes itself
	// (a list, filtered by ListFilter).
	NoMatter Scope = iota + 1
	// OnMatter: officers and mediators on matters filed with or routed to
	// their agency; courts on matters with a proceeding before them; rights
	// holders on matters where they are a party; admins on every matter.
	OnMatter
	// AsComplainant: as OnMatter, but a rights holder must be the
	// complainant, not a respondent.
	AsComplainant
)

// rule is one method's entry: public, or the roles allowed and each role's
// scope.
type rule struct {
	public bool
	roles  map[Role]Scope
}

func allow(pairs ...any) rule {
	r := rule{roles: map[Role]Scope{}}
	for i := 0; i < len(pairs); i += 2 {
		r.roles[pairs[i].(Role)] = pairs[i+1].(Scope)
	}
	return r
}

var (
	officerOnMatter  = allow(Officer, OnMatter, Admin, OnMatter)
	mediatorOnMatter = allow(Mediator, OnMatter, Admin, OnMatter)
	courtOnMatter    = allow(Court, OnMatter, Admin, OnMatter)
)

var everyone = allow(Officer, NoMatter, Mediator, NoMatter, Court, NoMatter, RightsHolder, NoMatter, Admin, NoMatter)

// policy is the one table of who may call what. A method missing here is
// refused for everyone (deny by default); a test checks that every method
// the server registers has an entry.
var policy = map[string]rule{
	"/ipcase.v1.FilingService/SubmitComplaint":     allow(RightsHolder, AsComplainant, Officer, NoMatter, Admin, NoMatter),
	"/ipcase.v1.FilingService/GetMatter":           allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.FilingService/ListMatters":         everyone,
	"/ipcase.v1.FilingService/AcceptComplaint":     allow(Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.FilingService/RejectComplaint":     allow(Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.FilingService/WithdrawComplaint":   allow(RightsHolder, AsComplainant, Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.FilingService/ListMatterEvents":    allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.FilingService/VerifyMatterHistory": allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.DamagesService/CalculateDamages":   everyone,
	"/ipcase.v1.DamagesService/CalculateFine":      everyone,
	"/ipcase.v1.DeadlineService/CalculateDeadline": everyone,
	"/ipcase.v1.AuditService/ListAccessLog":        allow(Admin, NoMatter),

	// Enforcement: officers of the agency; OpenEnforcement checks the agency itself.
	"/ipcase.v1.EnforcementService/OpenEnforcement":        allow(Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.EnforcementService/GetEnforcement":         allow(Officer, OnMatter, Mediator, OnMatter, Admin, OnMatter),
	"/ipcase.v1.EnforcementService/AssignOfficers":         officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordInspection":       officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordCustody":          officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordFindings":         officerOnMatter,
	"/ipcase.v1.EnforcementService/NotifyPenalty":          officerOnMatter,
	"/ipcase.v1.EnforcementService/RequestHearing":         officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordHearing":          officerOnMatter,
	"/ipcase.v1.EnforcementService/ServeHearingNotice":     officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordDecisionPause":    officerOnMatter,
	"/ipcase.v1.EnforcementService/RequestAppraisal":       officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordAppraisalReport":  officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordIdentification":   officerOnMatter,
	"/ipcase.v1.EnforcementService/RecordFinePayment":      officerOnMatter,
	"/ipcase.v1.EnforcementService/ExtendDecisionDeadline": officerOnMatter,
	"/ipcase.v1.EnforcementService/DecidePenalty":          officerOnMatter,
	"/ipcase.v1.EnforcementService/DismissEnforcement":     officerOnMatter,
	"/ipcase.v1.EnforcementService/TransferToCourt":        officerOnMatter,
	"/ipcase.v1.EnforcementService/TransferToPolice":       officerOnMatter,
	"/ipcase.v1.EnforcementService/CloseEnforcement":       officerOnMatter,

	// Mediation: mediators of the body; parties consent, withdraw and apply for confirmation.
	"/ipcase.v1.MediationService/RequestMediation":  allow(Officer, OnMatter, Mediator, OnMatter, RightsHolder, OnMatter, Court, OnMatter, Admin, OnMatter),
	"/ipcase.v1.MediationService/GetMediation":      allow(Officer, OnMatter, Mediator, OnMatter, RightsHolder, OnMatter, Court, OnMatter, Admin, OnMatter),
	"/ipcase.v1.MediationService/RecordConsent":     allow(Mediator, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.MediationService/AssignMediator":    allow(Mediator, OnMatter, Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.MediationService/StartMediation":    mediatorOnMatter,
	"/ipcase.v1.MediationService/RecordSession":     mediatorOnMatter,
	"/ipcase.v1.MediationService/RecordAgreement":   mediatorOnMatter,
	"/ipcase.v1.MediationService/FailMediation":     mediatorOnMatter,
	"/ipcase.v1.MediationService/WithdrawMediation": allow(Mediator, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	// The right holder chooses where the matter goes; a mediator may record its choice.
	"/ipcase.v1.MediationService/ChooseRouteAfterMediation": allow(RightsHolder, AsComplainant, Mediator, OnMatter, Admin, OnMatter),
	"/ipcase.v1.MediationService/RequestConfirmation":       allow(Mediator, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	// Customs: officers of the customs office; holders apply, reply to customs' notice, sue and withdraw as complainants.
	// Recordations are no matter's: the service keeps a holder to its own and an officer to its office.
	"/ipcase.v1.CustomsService/RecordRight":          allow(Officer, NoMatter, Admin, NoMatter),
	"/ipcase.v1.CustomsService/GetRecordation":       allow(Officer, NoMatter, RightsHolder, NoMatter, Admin, NoMatter),
	"/ipcase.v1.CustomsService/RenewRecordation":     allow(Officer, NoMatter, RightsHolder, NoMatter, Admin, NoMatter),
	"/ipcase.v1.CustomsService/ApplyDetention":       allow(RightsHolder, NoMatter, Officer, NoMatter, Admin, NoMatter),
	"/ipcase.v1.CustomsService/GetShipment":          allow(Officer, OnMatter, RightsHolder, OnMatter, Court, OnMatter, Admin, OnMatter),
	"/ipcase.v1.CustomsService/DetainGoods":          officerOnMatter,
	"/ipcase.v1.CustomsService/RefuseDetention":      officerOnMatter,
	"/ipcase.v1.CustomsService/ReportSuspectedGoods": allow(Officer, NoMatter, Admin, NoMatter),
	"/ipcase.v1.CustomsService/ReplyToNotice":        allow(RightsHolder, AsComplainant, Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.CustomsService/FileCourtAction":      allow(RightsHolder, AsComplainant, Officer, OnMatter, Admin, OnMatter),
	"/ipcase.v1.CustomsService/RecordCourtNotice":    officerOnMatter,
	"/ipcase.v1.CustomsService/DecideInfringement":   officerOnMatter,
	"/ipcase.v1.CustomsService/ReleaseGoods":         allow(RightsHolder, AsComplainant, Officer, OnMatter, Admin, OnMatter),
	// Trials: courts over mutual TLS, on matters with a proceeding before them; the service keeps each court to its own cases.
	"/ipcase.v1.TrialService/GetTrial":               allow(Court, OnMatter, Officer, OnMatter, Mediator, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.TrialService/DocketTrial":            courtOnMatter,
	"/ipcase.v1.TrialService/DeclineTrial":           courtOnMatter,
	"/ipcase.v1.TrialService/ExtendTimeLimit":        courtOnMatter,
	"/ipcase.v1.TrialService/PauseTimeLimit":         courtOnMatter,
	"/ipcase.v1.TrialService/AssignPanel":            courtOnMatter,
	"/ipcase.v1.TrialService/OrderPreservation":      courtOnMatter,
	"/ipcase.v1.TrialService/RecordEvidenceExchange": courtOnMatter,
	"/ipcase.v1.TrialService/ScheduleHearing":        courtOnMatter,
	"/ipcase.v1.TrialService/RecordTrialHearing":     courtOnMatter,
	"/ipcase.v1.TrialService/EnterJudgment":          courtOnMatter,
	"/ipcase.v1.TrialService/ServeJudgment":          courtOnMatter,
	"/ipcase.v1.TrialService/FileAppeal":             courtOnMatter,
	"/ipcase.v1.TrialService/WithdrawTrial":          courtOnMatter,
	"/ipcase.v1.TrialService/SettleTrial":            courtOnMatter,
	"/ipcase.v1.TrialService/ConfirmAgreement":       courtOnMatter,
	"/ipcase.v1.TrialService/RefuseConfirmation":     courtOnMatter,
	// Uploads are not tied to a matter: a complaint or an inspection later
	// names the file by its digest.
	"/ipcase.v1.EvidenceService/UploadEvidence": allow(RightsHolder, NoMatter, Officer, NoMatter, Mediator, NoMatter, Admin, NoMatter),
	"/ipcase.v1.StatusService/GetMatterStatus":  allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.StatusService/GetCaller":        everyone,
	"/ipcase.v1.StatusService/IssueSignInLink":  allow(Officer, OnMatter, Admin, OnMatter),
	// The one-time code is the credential; the service checks it.
	"/ipcase.v1.StatusService/RedeemSignInLink": {public: true},
	// The register of published documents is open to anyone, without an
	// account: what it holds was redacted for publication.
	"/ipcase.v1.PublicationService/ListPublishedDocuments": {public: true},
	"/ipcase.v1.PublicationService/GetPublishedDocument":   {public: true},
	// Verifying a decision needs no account: the code printed on it is
	// what a platform, bank or customs office holds (internal/decision).
	"/ipcase.v1.DecisionService/VerifyDecision":   {public: true},
	"/ipcase.v1.DecisionService/ListDecisionKeys": {public: true},
	// A matter's decisions and their PDF: for its parties and the officials
	// and courts on it, like the matter itself.
	"/ipcase.v1.DecisionService/ListDecisions":       allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	"/ipcase.v1.DecisionService/GetDecisionDocument": allow(Officer, OnMatter, Mediator, OnMatter, Court, OnMatter, RightsHolder, OnMatter, Admin, OnMatter),
	// Rotating and revoking an issuer's keys: admins, and an agency's
	// officers or a court for their own keys (the service checks the issuer).
	"/ipcase.v1.DecisionService/RotateDecisionKey": allow(Admin, NoMatter, Officer, NoMatter, Court, NoMatter),
	"/ipcase.v1.DecisionService/RevokeDecisionKey": allow(Admin, NoMatter, Officer, NoMatter, Court, NoMatter),

	// Webhooks: rights holders register their own (scoped to their parties in the service); admins may read them.
	"/ipcase.v1.NotificationService/CreateWebhook":         allow(RightsHolder, NoMatter),
	"/ipcase.v1.NotificationService/ListWebhooks":          allow(RightsHolder, NoMatter, Admin, NoMatter),
	"/ipcase.v1.NotificationService/DeleteWebhook":         allow(RightsHolder, NoMatter),
	"/ipcase.v1.NotificationService/ListWebhookDeliveries": allow(RightsHolder, NoMatter, Admin, NoMatter),

	"/ipcase.v1.EventService/Subscribe": allow(Officer, NoMatter, Mediator, NoMatter, Court, NoMatter, Admin, NoMatter), // scoped in the stream

	// Probes and schema discovery need no identity.
	"/grpc.health.v1.Health/Check":                                   {public: true},
	"/grpc.health.v1.Health/Watch":                                   {public: true},
	"/grpc.health.v1.Health/List":                                    {public: true},
	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      {public: true},
	"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": {public: true},
}

// sessionMay are the methods a sign-in session (a Principal bound to one
// matter, see Principal.Matter) may call: the reads of that matter's
// public projection the status page makes. Everything else — lists,
// filings, withdrawals, consent, uploads, webhooks — needs a rights
// holder's full token, which the party gets from the operator; a session
// is refused it with PERMISSION_DENIED whatever the table above says.
var sessionMay = map[string]bool{
	"/ipcase.v1.FilingService/GetMatter":        true,
	"/ipcase.v1.FilingService/ListMatterEvents": true,
	"/ipcase.v1.StatusService/GetMatterStatus":  true,
	"/ipcase.v1.StatusService/GetCaller":        true,
}

// Public reports whether method is open to callers without an identity.
func Public(method string) bool { return policy[method].public }

// HasPolicy says whether method has an entry in the policy table.
func HasPolicy(method string) bool {
	_, ok := policy[method]
	return ok
}

// Allowed says whether role may call method at all.
func Allowed(method string, role Role) bool {
	_, ok := policy[method].roles[role]
	return ok
}

// MatterScope is what the policy needs to know about a matter.
type MatterScope struct {
	// ID is the matter's id; a sign-in session reads only the matter its
	// token names, so a scope without an ID is refused to sessions.
	ID string
	// Agency is the agency the complaint was filed with.
	Agency string
	// Forums are the agencies and courts of the matter's proceedings.
	Forums []Forum
	// Complainants and Respondents are party ids.
	Complainants []string
	Respondents  []string
	// RespondentsNotified: the respondents have been told of the matter (a
	// proceeding that involves them openly); until then a respondent's own
	// token does not see it.
	RespondentsNotified bool
}

// Forum is what a proceeding is before: an agency (an administrative
// forum: the filing review, enforcement, mediation) or a court (a judicial
// one: trial, confirmation). Agency and court codes are separate
// namespaces, so a code alone says nothing: an officer's or mediator's
// agency matches administrative forums only, a court judicial ones only.
type Forum struct {
	Code     string
	Judicial bool
}

// before says whether one of forums is code, of the judicial kind or not.
func before(forums []Forum, code string, judicial bool) bool {
	return slices.Contains(forums, Forum{Code: code, Judicial: judicial})
}

// AuthorizeMatter decides whether the caller of the current method may act
// on the matter described by m, by the method's scope rule. Whatever the
// role, a caller who may not is told errs.NotFound "matter not found", as
// for a matter that does not exist, so that existence does not leak; only a
// role no constant names gets errs.PermissionDenied.
func AuthorizeMatter(ctx context.Context, m MatterScope) error {
	p, ok := FromContext(ctx)
	if !ok {
		return errs.Errorf(errs.Unauthenticated, "the call carries no credentials")
	}
	method, _ := grpc.Method(ctx)
	scope := policy[method].roles[p.Role]
	if p.Session() && (p.Matter != m.ID || !sessionMay[method]) {
		return errs.Errorf(errs.NotFound, "matter not found")
	}
	switch p.Role {
	case Admin:
		return nil
	case Officer, Mediator:
		if p.Agency != "" && (m.Agency == p.Agency || before(m.Forums, p.Agency, false)) {
			return nil
		}
		return errs.Errorf(errs.NotFound, "matter not found")
	case Court:
		if p.Court != "" && before(m.Forums, p.Court, true) {
			return nil
		}
		return errs.Errorf(errs.NotFound, "matter not found")
	case RightsHolder:
		parties := m.Complainants
		if scope != AsComplainant && m.RespondentsNotified {
			parties = append(slices.Clip(parties), m.Respondents...)
		}
		for _, id := range parties {
			if p.ActsFor(id) {
				return nil
			}
		}
		return errs.Errorf(errs.NotFound, "matter not found")
	default: // a role no constant names
		return errs.Errorf(errs.PermissionDenied, "the role %s has no access to matters", p.Role)
	}
}

// ListFilter is how a list call is narrowed to what the caller may see.
type ListFilter struct {
	// All is true for administrators.
	All bool
	// Agency: matters filed with or routed to it.
	Agency string
	// Court: matters with a proceeding before it.
	Court string
	// Parties: matters where one of them is a party.
	Parties []string
}

// ListFilterFor returns the filter for the caller in ctx.
func ListFilterFor(ctx context.Context) (ListFilter, error) {
	p, ok := FromContext(ctx)
	if !ok {
		return ListFilter{}, errs.Errorf(errs.Unauthenticated, "the call carries no credentials")
	}
	if p.Session() {
		return ListFilter{}, errs.Errorf(errs.PermissionDenied, "a sign-in session reads its own matter and lists nothing")
	}
	switch p.Role {
	case Admin:
		return ListFilter{All: true}, nil
	case Officer, Mediator:
		return ListFilter{Agency: p.Agency}, nil
	case Court:
		return ListFilter{Court: p.Court}, nil
	case RightsHolder:
		return ListFilter{Parties: p.Parties}, nil
	}
	return ListFilter{}, errs.Errorf(errs.PermissionDenied, "the role %s has no access to matters", p.Role)
}
