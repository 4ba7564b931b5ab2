package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func getMediation(ctx context.Context, c clients, name string) (record, error) {
	r, err := c.mediation.GetMediation(ctx, &ipcasev1.GetMediationRequest{Name: name})
	return r.GetMediation(), err
}

func mediationSummary(r record) string {
	m := r.(*ipcasev1.Mediation)
	s := fmt.Sprintf("mediation %s before %s", lowerState(m.GetState()), m.GetForum())
	if m.GetMediator() != "" {
		s += ", mediator " + m.GetMediatorName()
	}
	for _, p := range m.GetParties() {
		consent := "has not consented"
		if p.GetConsented() {
			consent = "consented " + p.GetConsentedOn()
		}
		s += fmt.Sprintf("\n  %s %s (%s): %s", lower(p.GetRole(), ""), p.GetDisplayName(), p.GetParty(), consent)
	}
	if m.GetTermDue() != "" && m.GetAgreement() == nil {
		s += "\n  term ends " + m.GetTermDue()
	}
	if m.GetAgreement() != nil {
		s += fmt.Sprintf("\n  agreement effective %s; apply for confirmation by %s", m.GetAgreement().GetEffectiveOn(), m.GetConfirmationDue())
	}
	if o := m.GetOutcome(); o != nil {
		s += fmt.Sprintf("\n  court %s: confirmed %v %s", o.GetCourt(), o.GetConfirmed(), o.GetCourtNumber())
	}
	return s
}

// mediationVerbs builds the mediation commands.
var mediationVerbs = proceedingVerbs{service: "MediationService", get: getMediation, summary: mediationSummary}

// newMediationCmd: a mediator's mediation, step by step.
func newMediationCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mediation",
		Short: "Run a mediation: request, consent, mediator, start, session, agreement, confirmation request",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newMediationRequestCmd(cfg), mediationVerbs.show(cfg, "Show a mediation", "GetMediation"), newMediationConsentCmd(cfg),
		newMediationMediatorCmd(cfg), newMediationStartCmd(cfg), newMediationSessionCmd(cfg), newMediationAgreeCmd(cfg), newMediationFailCmd(cfg),
		newMediationConfirmCmd(cfg), newMediationRouteCmd(cfg))
	return cmd
}

func newMediationRequestCmd(cfg *config) *cobra.Command {
	var f struct{ forum, note string }
	cmd := mediationVerbs.open(cfg, "request MATTER --forum CODE [--note TEXT]", "Request mediation of an accepted matter", "RequestMediation",
		func(ctx context.Context, c clients, matter, _, id string) (record, error) {
			r, err := c.mediation.RequestMediation(ctx, &ipcasev1.RequestMediationRequest{RequestId: id, Matter: matter, Forum: f.forum, Note: f.note})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.forum, "forum", "", "code of the mediating body")
	fs.StringVar(&f.note, "note", "", "who asks, and why")
	return cmd
}

func newMediationConsentCmd(cfg *config) *cobra.Command {
	var f struct {
		party, on string
		refuse    bool
	}
	cmd := mediationVerbs.step(cfg, "consent CASE --party parties/{id} [--refuse] [--on D]", "Record a party's consent (or refusal)", "RecordConsent",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordConsent(ctx, &ipcasev1.RecordConsentRequest{Name: name, Etag: etag, RequestId: id,
				Party: f.party, Consents: !f.refuse, ConsentedOn: f.on})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.party, "party", "", "the party, parties/{id}")
	fs.BoolVar(&f.refuse, "refuse", false, "the party refuses")
	fs.StringVar(&f.on, "on", "", "day (default today)")
	return cmd
}

func newMediationMediatorCmd(cfg *config) *cobra.Command {
	var f struct{ subject, name string }
	cmd := mediationVerbs.step(cfg, "mediator CASE --subject S --name NAME", "Assign the mediator (not one who worked the matter's enforcement case)", "AssignMediator",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.AssignMediator(ctx, &ipcasev1.AssignMediatorRequest{Name: name, Etag: etag, RequestId: id, Mediator: f.subject, DisplayName: f.name})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.subject, "subject", "", "the mediator's identity subject")
	fs.StringVar(&f.name, "name", "", "the mediator's name")
	return cmd
}

func newMediationStartCmd(cfg *config) *cobra.Command {
	var termDays int32
	cmd := mediationVerbs.step(cfg, "start CASE [--term-days N]", "Start once every party consented; the mediation ends as failed when its term runs out without agreement", "StartMediation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.StartMediation(ctx, &ipcasev1.StartMediationRequest{Name: name, Etag: etag, RequestId: id, TermDays: termDays})
			return r.GetMediation(), err
		})
	cmd.Flags().Int32Var(&termDays, "term-days", 0, "days the mediation may take, counted from the start, as set with the parties (0: the server's 30; at most 366)")
	return cmd
}

func newMediationSessionCmd(cfg *config) *cobra.Command {
	var f struct {
		attendees []string
		notes, on string
	}
	cmd := mediationVerbs.step(cfg, "session CASE --attendee A … [--notes TEXT] [--on D]", "Record a session", "RecordSession",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordSession(ctx, &ipcasev1.RecordSessionRequest{Name: name, Etag: etag, RequestId: id,
				Session: &ipcasev1.MediationSession{Date: f.on, Attendees: f.attendees, Notes: f.notes}})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringArrayVar(&f.attendees, "attendee", nil, "who attended (repeat)")
	fs.StringVar(&f.notes, "notes", "", "notes (not shown to rights holders)")
	fs.StringVar(&f.on, "on", "", "day (default today)")
	return cmd
}

func newMediationAgreeCmd(cfg *config) *cobra.Command {
	var f struct {
		payment, paymentDue, effective, other string
		cessation                             []string
		withdrawComplaints                    bool
	}
	cmd := mediationVerbs.step(cfg, "agree CASE --effective-on D [--payment Y --payment-due D] [--cessation TEXT …] [--withdraw-complaints]",
		"Record the agreement; the parties then have 30 days to apply for judicial confirmation", "RecordAgreement",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordAgreement(ctx, &ipcasev1.RecordAgreementRequest{Name: name, Etag: etag, RequestId: id,
				Agreement: &ipcasev1.MediationAgreement{PaymentYuan: f.payment, PaymentDue: f.paymentDue, CessationUndertakings: f.cessation,
					WithdrawComplaints: f.withdrawComplaints, OtherTerms: f.other, EffectiveOn: f.effective}})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.payment, "payment", "", "amount paid, yuan")
	fs.StringVar(&f.paymentDue, "payment-due", "", "day the payment is due")
	fs.StringArrayVar(&f.cessation, "cessation", nil, "a cessation undertaking (repeat)")
	fs.BoolVar(&f.withdrawComplaints, "withdraw-complaints", false, "the complainant withdraws its complaints")
	fs.StringVar(&f.other, "other", "", "other terms")
	fs.StringVar(&f.effective, "effective-on", "", "day the agreement takes effect")
	return cmd
}

func newMediationFailCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := mediationVerbs.step(cfg, "fail CASE --reason TEXT", "Record that mediation failed", "FailMediation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.FailMediation(ctx, &ipcasev1.FailMediationRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetMediation(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

func newMediationConfirmCmd(cfg *config) *cobra.Command {
	var f struct {
		court, on  string
		applicants []string
	}
	cmd := mediationVerbs.step(cfg, "confirm CASE --court CODE --applicant parties/{id} --applicant … [--on D]",
		"Apply jointly for judicial confirmation, within 30 days after the agreement took effect", "RequestConfirmation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RequestConfirmation(ctx, &ipcasev1.RequestConfirmationRequest{Name: name, Etag: etag, RequestId: id,
				Court: f.court, Applicants: f.applicants, AppliedOn: f.on})
			return r.GetMediation(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.court, "court", "", "the court's code")
	fs.StringArrayVar(&f.applicants, "applicant", nil, "every party, parties/{id} (repeat)")
	fs.StringVar(&f.on, "on", "", "day of the application (default today)")
	return cmd
}
