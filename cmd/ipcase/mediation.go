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
	if m.GetAgreement() != nil {
		s += fmt.Sprintf("\n  agreement effective %s; apply for confirmation by %s", m.GetAgreement().GetEffectiveOn(), m.GetConfirmationDue())
	}
	if o := m.GetOutcome(); o != nil {
		s += fmt.Sprintf("\n  court %s: confirmed %v %s", o.GetCourt(), o.GetConfirmed(), o.GetCourtNumber())
	}
	return s
}

// newMediationCmd: a mediator's mediation, step by step.
func newMediationCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mediation",
		Short: "Run a mediation: request, consent, mediator, start, session, agreement, confirmation request",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var st step
	verb := func(use, method, short string, call func(ctx context.Context, c clients, name, etag, id string) (record, error)) *cobra.Command {
		v := &cobra.Command{Use: use, Short: short, Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
			return st.run(cmd.Context(), cfg, "MediationService."+method, args[0], getMediation, call, mediationSummary)
		}}
		st.flags(v)
		return v
	}
	var forum, note string
	request := &cobra.Command{Use: "request MATTER --forum CODE [--note TEXT]", Short: "Request mediation of an accepted matter",
		Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
			return st.run(cmd.Context(), cfg, "MediationService.RequestMediation", matterName(args[0]), nil,
				func(ctx context.Context, c clients, name, _, id string) (record, error) {
					r, err := c.mediation.RequestMediation(ctx, &ipcasev1.RequestMediationRequest{RequestId: id, Matter: name, Forum: forum, Note: note})
					return r.GetMediation(), err
				}, mediationSummary)
		}}
	request.Flags().StringVar(&forum, "forum", "", "code of the mediating body")
	request.Flags().StringVar(&note, "note", "", "who asks, and why")
	st.flags(request)

	var party, on string
	var refuse bool
	consent := verb("consent CASE --party parties/{id} [--refuse] [--on D]", "RecordConsent", "Record a party's consent (or refusal)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordConsent(ctx, &ipcasev1.RecordConsentRequest{Name: name, Etag: etag, RequestId: id, Party: party, Consents: !refuse, ConsentedOn: on})
			return r.GetMediation(), err
		})
	consent.Flags().StringVar(&party, "party", "", "the party, parties/{id}")
	consent.Flags().BoolVar(&refuse, "refuse", false, "the party refuses")
	consent.Flags().StringVar(&on, "on", "", "day (default today)")

	var subject, display string
	mediator := verb("mediator CASE --subject S --name NAME", "AssignMediator", "Assign the mediator (not one who worked the matter's enforcement case)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.AssignMediator(ctx, &ipcasev1.AssignMediatorRequest{Name: name, Etag: etag, RequestId: id, Mediator: subject, DisplayName: display})
			return r.GetMediation(), err
		})
	mediator.Flags().StringVar(&subject, "subject", "", "the mediator's identity subject")
	mediator.Flags().StringVar(&display, "name", "", "the mediator's name")

	start := verb("start CASE", "StartMediation", "Start once every party consented",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.StartMediation(ctx, &ipcasev1.StartMediationRequest{Name: name, Etag: etag, RequestId: id})
			return r.GetMediation(), err
		})

	var attendees []string
	var notes string
	session := verb("session CASE --attendee A … [--notes TEXT] [--on D]", "RecordSession", "Record a session",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordSession(ctx, &ipcasev1.RecordSessionRequest{Name: name, Etag: etag, RequestId: id,
				Session: &ipcasev1.MediationSession{Date: on, Attendees: attendees, Notes: notes}})
			return r.GetMediation(), err
		})
	session.Flags().StringArrayVar(&attendees, "attendee", nil, "who attended (repeat)")
	session.Flags().StringVar(&notes, "notes", "", "notes (not shown to rights holders)")
	session.Flags().StringVar(&on, "on", "", "day (default today)")

	var payment, paymentDue, effective, other string
	var cessation []string
	var withdrawComplaints bool
	agree := verb("agree CASE --effective-on D [--payment Y --payment-due D] [--cessation TEXT …] [--withdraw-complaints]", "RecordAgreement",
		"Record the agreement; the parties then have 30 days to apply for judicial confirmation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RecordAgreement(ctx, &ipcasev1.RecordAgreementRequest{Name: name, Etag: etag, RequestId: id,
				Agreement: &ipcasev1.MediationAgreement{PaymentYuan: payment, PaymentDue: paymentDue, CessationUndertakings: cessation,
					WithdrawComplaints: withdrawComplaints, OtherTerms: other, EffectiveOn: effective}})
			return r.GetMediation(), err
		})
	agree.Flags().StringVar(&payment, "payment", "", "amount paid, yuan")
	agree.Flags().StringVar(&paymentDue, "payment-due", "", "day the payment is due")
	agree.Flags().StringArrayVar(&cessation, "cessation", nil, "a cessation undertaking (repeat)")
	agree.Flags().BoolVar(&withdrawComplaints, "withdraw-complaints", false, "the complainant withdraws its complaints")
	agree.Flags().StringVar(&other, "other", "", "other terms")
	agree.Flags().StringVar(&effective, "effective-on", "", "day the agreement takes effect")

	var reason string
	fail := verb("fail CASE --reason TEXT", "FailMediation", "Record that mediation failed",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.FailMediation(ctx, &ipcasev1.FailMediationRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetMediation(), err
		})
	fail.Flags().StringVar(&reason, "reason", "", "why")

	var court string
	var applicants []string
	confirm := verb("confirm CASE --court CODE --applicant parties/{id} --applicant … [--on D]", "RequestConfirmation",
		"Apply jointly for judicial confirmation, within 30 days after the agreement took effect",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.mediation.RequestConfirmation(ctx, &ipcasev1.RequestConfirmationRequest{Name: name, Etag: etag, RequestId: id,
				Court: court, Applicants: applicants, AppliedOn: on})
			return r.GetMediation(), err
		})
	confirm.Flags().StringVar(&court, "court", "", "the court's code")
	confirm.Flags().StringArrayVar(&applicants, "applicant", nil, "every party, parties/{id} (repeat)")
	confirm.Flags().StringVar(&on, "on", "", "day of the application (default today)")

	show := &cobra.Command{Use: "show CASE", Short: "Show a mediation", Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
		return withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
			r, err := getMediation(ctx, c, args[0])
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, r)
			}
			return writef(cfg.stdout, "%s\n  %s\n  etag %s\n", r.GetName(), mediationSummary(r), r.GetEtag())
		}, "MediationService.GetMediation", stepFlag)
	}}
	cmd.AddCommand(request, show, consent, mediator, start, session, agree, fail, confirm)
	return cmd
}
