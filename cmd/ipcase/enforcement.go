package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func getCase(ctx context.Context, c clients, name string) (record, error) {
	r, err := c.enforcement.GetEnforcement(ctx, &ipcasev1.GetEnforcementRequest{Name: name})
	return r.GetCase(), err
}

func caseSummary(r record) string {
	k := r.(*ipcasev1.EnforcementCase)
	s := fmt.Sprintf("enforcement %s before %s, opened %s, decision due %s", lowerState(k.GetState()), k.GetAgency(), k.GetOpenedOn(), k.GetDecisionDue())
	if k.GetDecisionDueProvisional() {
		s += " (provisional: the holiday calendar of that year is not loaded)"
	}
	if n := k.GetNotice(); n != nil {
		s += noticeSummary(n, k.GetDecision() == nil)
	}
	for _, p := range k.GetPauses() {
		s += fmt.Sprintf("\n  not counted (SAMR Administrative Penalty Procedure Rules Art. 64 ¶2): %s %s – %s, %d days",
			lower(p.GetKind().String(), "PAUSE_KIND_"), p.GetStart(), p.GetEnd(), p.GetDays())
	}
	if h := k.GetHearing(); h != nil && h.GetHeldOn() == "" {
		if h.GetNoticeServedOn() == "" {
			s += fmt.Sprintf("\n  hearing requested %s; notice not served yet", h.GetRequestedOn())
		} else {
			s += fmt.Sprintf("\n  hearing on %s, notice served %s", h.GetScheduledFor(), h.GetNoticeServedOn())
		}
	}
	if d := k.GetDecision(); d != nil {
		s += fmt.Sprintf("\n  decision %s of %s: fine %s yuan (%s)", d.GetNumber(), d.GetDecidedOn(), d.GetFineYuan(), d.GetLaw())
	}
	if p := k.GetPayment(); p != nil {
		s += "\n  payment: " + p.GetWorking()
		if p.GetDueProvisional() {
			s += " (due day provisional: the holiday calendar of that year is not loaded)"
		}
	}
	for _, g := range k.GetSeizedGoods() {
		s += fmt.Sprintf("\n  goods %s: %d %s %s, %s", g.GetId(), g.GetQuantity(), g.GetUnit(), g.GetDescription(), lower(g.GetStatus().String(), "GOODS_STATUS_"))
	}
	return s
}

// noticeSummary is the penalty notice as the officer must act on it:
// before the decision (undecided), the range, the party's window and every
// flag that changes the next step; after it, the criminal flag alone,
// which still bars closing the case without a transfer or a reason.
func noticeSummary(n *ipcasev1.PenaltyNotice, undecided bool) string {
	r := n.GetRange()
	var s string
	if undecided {
		s = fmt.Sprintf("\n  notice: %s–%s yuan under %s; defence/hearing until %s", r.GetMinYuan(), r.GetMaxYuan(), r.GetLaw(), n.GetHearingRequestDue())
		if n.GetHearingAvailable() || r.GetHearingRequired() {
			s += fmt.Sprintf("\n  hearing: available — the fine reaches the hearing threshold of %s yuan; the party may ask until %s, "+
				"if it does, decide only after the hearing is held (Administrative Penalty Law Arts. 63, 64)", r.GetHearingThresholdYuan(), n.GetHearingRequestDue())
		} else {
			s += fmt.Sprintf("\n  hearing: not offered — below the hearing threshold of %s yuan", r.GetHearingThresholdYuan())
		}
		if r.GetHeavier() {
			s += fmt.Sprintf("\n  heavier penalty (从重): the rule orders it within the range (%s)", r.GetLaw())
		}
		if r.GetLighterLaterLaw() {
			s += "\n  lighter later law: the rule in force at the decision date is lighter and was applied (Administrative Penalty Law Art. 37)"
		}
	}
	if n.GetCriminalThresholdCrossed() || r.GetCriminalTransfer() {
		s += "\n  CRIMINAL THRESHOLD CROSSED: transfer the case to the police, or record why not when closing " +
			"(State Council Provisions on Transfer of Suspected Crimes Art. 11: a penalty may not replace transfer)"
		for _, rule := range r.GetCriminalRules() {
			s += "\n    " + rule
		}
	}
	return s
}

// enforcementVerbs builds the enforcement commands.
var enforcementVerbs = proceedingVerbs{service: "EnforcementService", get: getCase, summary: caseSummary}

// newEnforcementCmd: an officer's enforcement case, step by step. CASE is
// matters/{m}/proceedings/{p}, as `open` and `ipcase matters show` print it.
func newEnforcementCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enforcement",
		Short: "Work an enforcement case: open, officers, inspection, custody, findings, notice, hearing, decision, transfer, close",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newEnforcementOpenCmd(cfg), enforcementVerbs.show(cfg, "Show a case", "GetEnforcement"),
		newEnforcementAssignCmd(cfg), newEnforcementInspectCmd(cfg), newEnforcementCustodyCmd(cfg), newEnforcementFindingsCmd(cfg),
		newEnforcementNotifyCmd(cfg), newEnforcementHearingCmd(cfg), newEnforcementHearingNoticeCmd(cfg), newEnforcementHearingHeldCmd(cfg),
		newEnforcementPauseCmd(cfg), newEnforcementAppraiseCmd(cfg), newEnforcementReportCmd(cfg), newEnforcementIdentifiedCmd(cfg), newEnforcementExtendCmd(cfg), newEnforcementDecideCmd(cfg), newEnforcementPaidCmd(cfg), newEnforcementDismissCmd(cfg), newEnforcementTransferCmd(cfg), newEnforcementCloseCmd(cfg))
	return cmd
}

// enforcementStep builds the command of a step on an existing case, named
// in errors after its verb, the first word of use (EnforcementService.assign).
func enforcementStep(cfg *config, use, short string, call stepCall) *cobra.Command {
	return enforcementVerbs.step(cfg, use, short, strings.Fields(use)[0], call)
}

func newEnforcementOpenCmd(cfg *config) *cobra.Command {
	var agency string
	cmd := enforcementVerbs.open(cfg, "open MATTER --agency CODE", "Open (立案) the case of an accepted matter; the decision is due in 90 days",
		"OpenEnforcement", func(ctx context.Context, c clients, matter, _, id string) (record, error) {
			r, err := c.enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{RequestId: id, Agency: agency,
				Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: matter}})
			return r.GetCase(), err
		})
	cmd.Flags().StringVar(&agency, "agency", "", "your agency's code")
	return cmd
}

func newEnforcementAssignCmd(cfg *config) *cobra.Command {
	var officers []string
	cmd := enforcementStep(cfg, "assign CASE --officer SUBJECT:NAME[:BADGE] --officer …", "Assign the investigating officers (at least two)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.AssignOfficersRequest{Name: name, Etag: etag, RequestId: id}
			for _, o := range officers {
				req.Officers = append(req.Officers, parseOfficer(o))
			}
			r, err := c.enforcement.AssignOfficers(ctx, req)
			return r.GetCase(), err
		})
	cmd.Flags().StringArrayVar(&officers, "officer", nil, "an officer as SUBJECT:NAME[:BADGE] (repeat)")
	return cmd
}

// parseOfficer reads an --officer SUBJECT:NAME[:BADGE].
func parseOfficer(s string) *ipcasev1.Officer {
	p := strings.SplitN(s, ":", 3)
	o := &ipcasev1.Officer{Subject: p[0]}
	if len(p) > 1 {
		o.DisplayName = p[1]
	}
	if len(p) > 2 {
		o.BadgeNumber = p[2]
	}
	return o
}

func newEnforcementInspectCmd(cfg *config) *cobra.Command {
	var f struct {
		date, place, findings string
		officers, seize       []string
	}
	cmd := enforcementStep(cfg, "inspect CASE --date D --place P --officer S --officer S --findings TEXT [--seize DESC:QTY:UNIT:UNITVALUE:STORE …]",
		"Record an inspection by at least two assigned officers, with what was seized",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			in := &ipcasev1.Inspection{Date: f.date, Place: f.place, Officers: f.officers, Findings: f.findings}
			for _, s := range f.seize {
				g, err := parseSeizure(s)
				if err != nil {
					return nil, err
				}
				in.SeizedGoods = append(in.SeizedGoods, g)
			}
			r, err := c.enforcement.RecordInspection(ctx, &ipcasev1.RecordInspectionRequest{Name: name, Etag: etag, RequestId: id, Inspection: in})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.date, "date", "", "day of the inspection (YYYY-MM-DD)")
	fs.StringVar(&f.place, "place", "", "where")
	fs.StringArrayVar(&f.officers, "officer", nil, "subject of an officer present (repeat; at least two)")
	fs.StringVar(&f.findings, "findings", "", "what was found")
	fs.StringArrayVar(&f.seize, "seize", nil, "seized goods as DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE:STORE (repeat)")
	return cmd
}

// parseSeizure reads a --seize DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE:STORE.
func parseSeizure(s string) (*ipcasev1.SeizedGoods, error) {
	p := strings.Split(s, ":")
	if len(p) != 5 {
		return nil, usagef("--seize %q: want DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE:STORE", s)
	}
	q, err := strconv.ParseInt(p[1], 10, 64)
	if err != nil {
		return nil, usagef("--seize %q: quantity %q is not a number", s, p[1])
	}
	return &ipcasev1.SeizedGoods{Description: p[0], Quantity: q, Unit: p[2], UnitValueYuan: p[3], Location: p[4]}, nil
}

func newEnforcementCustodyCmd(cfg *config) *cobra.Command {
	var f struct{ goods, action, by, location, certificate, date, note string }
	cmd := enforcementStep(cfg, "custody CASE --goods ID --action moved|sampled|examined|released|destroyed --by WHO [--location L] [--certificate N] [--date D]",
		"Record a step in the custody of seized goods (destruction needs its certificate)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			a, ok := ipcasev1.CustodyAction_value["CUSTODY_ACTION_"+strings.ToUpper(f.action)]
			if !ok {
				return nil, usagef("--action: %q is not moved, sampled, examined, released or destroyed", f.action)
			}
			r, err := c.enforcement.RecordCustody(ctx, &ipcasev1.RecordCustodyRequest{Name: name, Etag: etag, RequestId: id, GoodsId: f.goods,
				Entry: &ipcasev1.CustodyEntry{Action: ipcasev1.CustodyAction(a), Date: f.date, By: f.by, Location: f.location, Certificate: f.certificate, Note: f.note}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.goods, "goods", "", "the goods' `id`, as enforcement show prints it")
	fs.StringVar(&f.action, "action", "", "moved, sampled, examined, released or destroyed")
	fs.StringVar(&f.by, "by", "", "who")
	fs.StringVar(&f.location, "location", "", "where the goods went (moved)")
	fs.StringVar(&f.certificate, "certificate", "", "destruction certificate number")
	fs.StringVar(&f.date, "date", "", "day (YYYY-MM-DD; default today)")
	fs.StringVar(&f.note, "note", "", "details")
	return cmd
}

func newEnforcementFindingsCmd(cfg *config) *cobra.Command {
	var f struct{ text, volume, gains, goodsValue, computation string }
	cmd := enforcementStep(cfg, "findings CASE --text TEXT --computation HOW [--volume Y] [--gains Y] [--goods-value Y]",
		"Record the findings and the figures, with how they were computed",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: name, Etag: etag, RequestId: id,
				Findings: &ipcasev1.Findings{Text: f.text, BusinessVolumeYuan: f.volume, IllegalGainsYuan: f.gains, GoodsValueYuan: f.goodsValue, Computation: f.computation}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.text, "text", "", "the facts found")
	fs.StringVar(&f.volume, "volume", "", "illegal business volume, yuan")
	fs.StringVar(&f.gains, "gains", "", "illegal gains, yuan")
	fs.StringVar(&f.goodsValue, "goods-value", "", "value of the goods, yuan")
	fs.StringVar(&f.computation, "computation", "", "how the figures were computed")
	return cmd
}

func newEnforcementNotifyCmd(cfg *config) *cobra.Command {
	var f struct {
		offence, conductDate, conductFrom, party, servedOn string
		serious, publicInterest                            bool
	}
	cmd := enforcementStep(cfg, "notify CASE --offence trademark|copyright|patent-passing-off|trade-secret|plant-variety --conduct-date D --party person|organization [--conduct-from D] [--served-on D]",
		"Serve the notice of the intended penalty, with the lawful fine range and the party's 5 working days",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			o, ok := ipcasev1.FineOffence_value["FINE_OFFENCE_"+strings.ToUpper(strings.ReplaceAll(f.offence, "-", "_"))]
			if !ok {
				return nil, usagef("--offence: %q is not trademark, copyright, patent-passing-off, trade-secret or plant-variety", f.offence)
			}
			pk, ok := ipcasev1.PartyKind_value["PARTY_KIND_"+strings.ToUpper(f.party)]
			if !ok {
				return nil, usagef("--party: %q is not person or organization", f.party)
			}
			r, err := c.enforcement.NotifyPenalty(ctx, &ipcasev1.NotifyPenaltyRequest{Name: name, Etag: etag, RequestId: id, ServedOn: f.servedOn,
				ConductStartedOn: f.conductFrom, Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence(o), ConductDate: f.conductDate, Party: ipcasev1.PartyKind(pk),
					Serious: f.serious, PublicInterest: f.publicInterest}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.offence, "offence", "", "what is fined")
	fs.StringVar(&f.conductDate, "conduct-date", "", "day of the act, the last day of a continuing act (YYYY-MM-DD)")
	fs.StringVar(&f.conductFrom, "conduct-from", "", "first day of a continuing act (default the conduct date); the repeat rule counts conduct")
	fs.StringVar(&f.party, "party", "", "person or organization (the hearing threshold depends on it)")
	fs.StringVar(&f.servedOn, "served-on", "", "day of service (default today)")
	fs.BoolVar(&f.serious, "serious", false, "other serious circumstances")
	fs.BoolVar(&f.publicInterest, "public-interest", false, "the act also harms the public interest (copyright, plant varieties)")
	return cmd
}

func newEnforcementHearingCmd(cfg *config) *cobra.Command {
	var requestedOn string
	cmd := enforcementStep(cfg, "hearing CASE [--requested-on D]", "Record the party's request for a hearing; serve its notice with hearing-notice",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RequestHearing(ctx, &ipcasev1.RequestHearingRequest{Name: name, Etag: etag, RequestId: id, RequestedOn: requestedOn})
			return r.GetCase(), err
		})
	cmd.Flags().StringVar(&requestedOn, "requested-on", "", "day of the request (default today)")
	return cmd
}

func newEnforcementHearingNoticeCmd(cfg *config) *cobra.Command {
	var f struct{ servedOn, scheduledFor string }
	cmd := enforcementStep(cfg, "hearing-notice CASE --scheduled-for D [--served-on D]",
		"Record the service of the hearing notice, at least 7 working days before the hearing (SAMR Hearing Measures Art. 20)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.ServeHearingNotice(ctx, &ipcasev1.ServeHearingNoticeRequest{Name: name, Etag: etag, RequestId: id,
				ServedOn: f.servedOn, ScheduledFor: f.scheduledFor})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.servedOn, "served-on", "", "day the notice was served (default today)")
	fs.StringVar(&f.scheduledFor, "scheduled-for", "", "day of the hearing: the 7th working day after service at the earliest")
	return cmd
}

func newEnforcementPauseCmd(cfg *config) *cobra.Command {
	var f struct{ kind, start, end, reason string }
	cmd := enforcementStep(cfg, "pause CASE --kind suspension|hearing|public-notice|testing|identification|refund-order --from D --to D --reason TEXT",
		"Record time not counted in the 90 days to decide (SAMR Administrative Penalty Procedure Rules Art. 64 ¶2); the due day moves by its days",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			k, ok := ipcasev1.PauseKind_value["PAUSE_KIND_"+strings.ToUpper(strings.ReplaceAll(f.kind, "-", "_"))]
			if !ok || k == 0 {
				return nil, usagef("--kind: %q is not suspension, hearing, public-notice, testing, identification or refund-order", f.kind)
			}
			r, err := c.enforcement.RecordDecisionPause(ctx, &ipcasev1.RecordDecisionPauseRequest{Name: name, Etag: etag, RequestId: id,
				Pause: &ipcasev1.DecisionPause{Kind: ipcasev1.PauseKind(k), Start: f.start, End: f.end, Reason: f.reason}})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.kind, "kind", "", "what the time was spent on")
	fs.StringVar(&f.start, "from", "", "first day not counted (YYYY-MM-DD)")
	fs.StringVar(&f.end, "to", "", "last day not counted, included; not after today")
	fs.StringVar(&f.reason, "reason", "", "why, e.g. the appraisal body and report number")
	return cmd
}

func newEnforcementPaidCmd(cfg *config) *cobra.Command {
	var paidOn string
	cmd := enforcementStep(cfg, "paid CASE [--paid-on D]",
		"Record that the fine was paid; paid late, the case shows the surcharge of 3 % a day, at most the fine (Administrative Penalty Law Art. 72)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RecordFinePayment(ctx, &ipcasev1.RecordFinePaymentRequest{Name: name, Etag: etag, RequestId: id, PaidOn: paidOn})
			return r.GetCase(), err
		})
	cmd.Flags().StringVar(&paidOn, "paid-on", "", "day paid (default today)")
	return cmd
}

func newEnforcementHearingHeldCmd(cfg *config) *cobra.Command {
	var f struct{ heldOn, record string }
	cmd := enforcementStep(cfg, "hearing-held CASE --record TEXT [--held-on D]", "Record that the hearing was held",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RecordHearing(ctx, &ipcasev1.RecordHearingRequest{Name: name, Etag: etag, RequestId: id, HeldOn: f.heldOn, Record: f.record})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.heldOn, "held-on", "", "day held (default today)")
	fs.StringVar(&f.record, "record", "", "the hearing record, in brief")
	return cmd
}

func newEnforcementExtendCmd(cfg *config) *cobra.Command {
	var f struct {
		approvedBy, reason, days string
		collective               bool
	}
	cmd := enforcementStep(cfg, "extend CASE --approved-by WHO --reason TEXT [--collective --days N]",
		"Extend the decision deadline: 30 days with the head's approval, then by collective decision of the heads for the days it fixes (SAMR Administrative Penalty Procedure Rules Art. 64 ¶1)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			var days int64
			if f.days != "" {
				var err error
				if days, err = strconv.ParseInt(f.days, 10, 32); err != nil {
					return nil, usagef("--days: %q is not a whole number of days", f.days)
				}
			}
			r, err := c.enforcement.ExtendDecisionDeadline(ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: name, Etag: etag, RequestId: id,
				ApprovedBy: f.approvedBy, Reason: f.reason, CollectiveDecision: f.collective, Days: int32(days)})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.approvedBy, "approved-by", "", "the head of the agency who approved, or the heads' meeting that decided")
	fs.StringVar(&f.reason, "reason", "", "why")
	fs.BoolVar(&f.collective, "collective", false, "a further extension, decided collectively by the agency's heads")
	fs.StringVar(&f.days, "days", "", "with --collective: the length the heads fixed, in calendar days")
	return cmd
}

func newEnforcementDecideCmd(cfg *config) *cobra.Command {
	var f struct {
		fine, decidedOn, servedOn, confiscation string
		destroy                                 []string
	}
	cmd := enforcementStep(cfg, "decide CASE --fine YUAN [--confiscation TEXT] [--destroy ORDER …]", "Decide the penalty within the lawful range",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.DecidePenalty(ctx, &ipcasev1.DecidePenaltyRequest{Name: name, Etag: etag, RequestId: id, FineYuan: f.fine,
				DecidedOn: f.decidedOn, ServedOn: f.servedOn, Confiscation: f.confiscation, DestructionOrders: f.destroy})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.fine, "fine", "", "the fine in yuan")
	fs.StringVar(&f.decidedOn, "decided-on", "", "day of the decision (default today; never later)")
	fs.StringVar(&f.servedOn, "served-on", "", "day the decision reached the party (default the decision day); the 15 days to pay run from it")
	fs.StringVar(&f.confiscation, "confiscation", "", "what is confiscated")
	fs.StringArrayVar(&f.destroy, "destroy", nil, "a destruction order (repeat)")
	return cmd
}

func newEnforcementDismissCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := enforcementStep(cfg, "dismiss CASE --reason TEXT", "Dismiss the case with reasons",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.DismissEnforcement(ctx, &ipcasev1.DismissEnforcementRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetCase(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

func newEnforcementTransferCmd(cfg *config) *cobra.Command {
	var f struct{ court, police, reason string }
	cmd := enforcementStep(cfg, "transfer CASE (--court CODE | --police UNIT) --reason TEXT", "Transfer the case, with its dossier, to a court or the police",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			if (f.court == "") == (f.police == "") {
				return nil, usagef("give one of --court and --police")
			}
			if f.court != "" {
				r, err := c.enforcement.TransferToCourt(ctx, &ipcasev1.TransferToCourtRequest{Name: name, Etag: etag, RequestId: id, Court: f.court, Reason: f.reason})
				return r.GetCase(), err
			}
			r, err := c.enforcement.TransferToPolice(ctx, &ipcasev1.TransferToPoliceRequest{Name: name, Etag: etag, RequestId: id, PoliceUnit: f.police, Reason: f.reason})
			return r.GetCase(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.court, "court", "", "the court's code, e.g. 京73")
	fs.StringVar(&f.police, "police", "", "the police unit")
	fs.StringVar(&f.reason, "reason", "", "why")
	return cmd
}

func newEnforcementCloseCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := enforcementStep(cfg, "close CASE [--reason TEXT]", "Close the case (after a criminal flag: transfer it or give the reason)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.CloseEnforcement(ctx, &ipcasev1.CloseEnforcementRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetCase(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}
