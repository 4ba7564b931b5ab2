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
	if n := k.GetNotice(); n != nil && k.GetDecision() == nil {
		s += fmt.Sprintf("\n  notice: %s–%s yuan under %s; defence/hearing until %s", n.GetRange().GetMinYuan(), n.GetRange().GetMaxYuan(),
			n.GetRange().GetLaw(), n.GetHearingRequestDue())
	}
	if d := k.GetDecision(); d != nil {
		s += fmt.Sprintf("\n  decision %s of %s: fine %s yuan (%s)", d.GetNumber(), d.GetDecidedOn(), d.GetFineYuan(), d.GetLaw())
	}
	for _, g := range k.GetSeizedGoods() {
		s += fmt.Sprintf("\n  goods %s: %d %s %s, %s", g.GetId(), g.GetQuantity(), g.GetUnit(), g.GetDescription(), lower(g.GetStatus().String(), "GOODS_STATUS_"))
	}
	return s
}

// newEnforcementCmd: an officer's enforcement case, step by step. CASE is
// matters/{m}/proceedings/{p}, as `open` and `ipcase matters show` print it.
func newEnforcementCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "enforcement",
		Short: "Work an enforcement case: open, officers, inspection, custody, findings, notice, hearing, decision, transfer, close",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var st step
	verb := func(use, short string, call func(ctx context.Context, c clients, name, etag, id string) (record, error)) *cobra.Command {
		v := &cobra.Command{Use: use, Short: short, Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
			return st.run(cmd.Context(), cfg, "EnforcementService."+strings.Fields(use)[0], args[0], getCase, call, caseSummary)
		}}
		st.flags(v)
		return v
	}

	var agency string
	open := &cobra.Command{Use: "open MATTER --agency CODE", Short: "Open (立案) the case of an accepted matter; the decision is due in 90 days",
		Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
			return st.run(cmd.Context(), cfg, "EnforcementService.OpenEnforcement", matterName(args[0]), nil,
				func(ctx context.Context, c clients, name, _, id string) (record, error) {
					r, err := c.enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{RequestId: id, Agency: agency,
						Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: name}})
					return r.GetCase(), err
				}, caseSummary)
		}}
	open.Flags().StringVar(&agency, "agency", "", "your agency's code")
	st.flags(open)

	show := &cobra.Command{Use: "show CASE", Short: "Show a case", Args: oneCase, RunE: func(cmd *cobra.Command, args []string) error {
		return withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
			r, err := getCase(ctx, c, args[0])
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, r)
			}
			return writef(cfg.stdout, "%s\n  %s\n  etag %s\n", r.GetName(), caseSummary(r), r.GetEtag())
		}, "EnforcementService.GetEnforcement", stepFlag)
	}}

	var officers []string
	assign := verb("assign CASE --officer SUBJECT:NAME[:BADGE] --officer …", "Assign the investigating officers (at least two)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.AssignOfficersRequest{Name: name, Etag: etag, RequestId: id}
			for _, o := range officers {
				p := strings.SplitN(o, ":", 3)
				off := &ipcasev1.Officer{Subject: p[0]}
				if len(p) > 1 {
					off.DisplayName = p[1]
				}
				if len(p) > 2 {
					off.BadgeNumber = p[2]
				}
				req.Officers = append(req.Officers, off)
			}
			r, err := c.enforcement.AssignOfficers(ctx, req)
			return r.GetCase(), err
		})
	assign.Flags().StringArrayVar(&officers, "officer", nil, "an officer as SUBJECT:NAME[:BADGE] (repeat)")

	var date, place, notes string
	var present, seize []string
	inspect := verb("inspect CASE --date D --place P --officer S --officer S --findings TEXT [--seize DESC:QTY:UNIT:UNITVALUE:STORE …]",
		"Record an inspection by at least two assigned officers, with what was seized",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			in := &ipcasev1.Inspection{Date: date, Place: place, Officers: present, Findings: notes}
			for _, g := range seize {
				p := strings.Split(g, ":")
				if len(p) != 5 {
					return nil, usagef("--seize %q: want DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE:STORE", g)
				}
				q, err := strconv.ParseInt(p[1], 10, 64)
				if err != nil {
					return nil, usagef("--seize %q: quantity %q is not a number", g, p[1])
				}
				in.SeizedGoods = append(in.SeizedGoods, &ipcasev1.SeizedGoods{Description: p[0], Quantity: q, Unit: p[2], UnitValueYuan: p[3], Location: p[4]})
			}
			r, err := c.enforcement.RecordInspection(ctx, &ipcasev1.RecordInspectionRequest{Name: name, Etag: etag, RequestId: id, Inspection: in})
			return r.GetCase(), err
		})
	inspect.Flags().StringVar(&date, "date", "", "day of the inspection (YYYY-MM-DD)")
	inspect.Flags().StringVar(&place, "place", "", "where")
	inspect.Flags().StringArrayVar(&present, "officer", nil, "subject of an officer present (repeat; at least two)")
	inspect.Flags().StringVar(&notes, "findings", "", "what was found")
	inspect.Flags().StringArrayVar(&seize, "seize", nil, "seized goods as DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE:STORE (repeat)")

	var goods, action, by, location, certificate string
	custody := verb("custody CASE --goods ID --action moved|sampled|examined|released|destroyed --by WHO [--location L] [--certificate N] [--date D]",
		"Record a step in the custody of seized goods (destruction needs its certificate)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			a, ok := ipcasev1.CustodyAction_value["CUSTODY_ACTION_"+strings.ToUpper(action)]
			if !ok {
				return nil, usagef("--action: %q is not moved, sampled, examined, released or destroyed", action)
			}
			r, err := c.enforcement.RecordCustody(ctx, &ipcasev1.RecordCustodyRequest{Name: name, Etag: etag, RequestId: id, GoodsId: goods,
				Entry: &ipcasev1.CustodyEntry{Action: ipcasev1.CustodyAction(a), Date: date, By: by, Location: location, Certificate: certificate, Note: notes}})
			return r.GetCase(), err
		})
	custody.Flags().StringVar(&goods, "goods", "", "the goods' id, as `show` prints it")
	custody.Flags().StringVar(&action, "action", "", "moved, sampled, examined, released or destroyed")
	custody.Flags().StringVar(&by, "by", "", "who")
	custody.Flags().StringVar(&location, "location", "", "where the goods went (moved)")
	custody.Flags().StringVar(&certificate, "certificate", "", "destruction certificate number")
	custody.Flags().StringVar(&date, "date", "", "day (YYYY-MM-DD; default today)")
	custody.Flags().StringVar(&notes, "note", "", "details")

	var text, volume, gains, goodsValue, computation string
	findings := verb("findings CASE --text TEXT --computation HOW [--volume Y] [--gains Y] [--goods-value Y]",
		"Record the findings and the figures, with how they were computed",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: name, Etag: etag, RequestId: id,
				Findings: &ipcasev1.Findings{Text: text, BusinessVolumeYuan: volume, IllegalGainsYuan: gains, GoodsValueYuan: goodsValue, Computation: computation}})
			return r.GetCase(), err
		})
	findings.Flags().StringVar(&text, "text", "", "the facts found")
	findings.Flags().StringVar(&volume, "volume", "", "illegal business volume, yuan")
	findings.Flags().StringVar(&gains, "gains", "", "illegal gains, yuan")
	findings.Flags().StringVar(&goodsValue, "goods-value", "", "value of the goods, yuan")
	findings.Flags().StringVar(&computation, "computation", "", "how the figures were computed")

	var offence, conductDate, party, servedOn string
	var serious, publicInterest bool
	notify := verb("notify CASE --offence trademark|copyright|patent-passing-off|trade-secret|plant-variety --conduct-date D --party person|organization [--served-on D]",
		"Serve the notice of the intended penalty, with the lawful fine range and the party's 5 working days",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			o, ok := ipcasev1.FineOffence_value["FINE_OFFENCE_"+strings.ToUpper(strings.ReplaceAll(offence, "-", "_"))]
			if !ok {
				return nil, usagef("--offence: %q is not trademark, copyright, patent-passing-off, trade-secret or plant-variety", offence)
			}
			pk, ok := ipcasev1.PartyKind_value["PARTY_KIND_"+strings.ToUpper(party)]
			if !ok {
				return nil, usagef("--party: %q is not person or organization", party)
			}
			r, err := c.enforcement.NotifyPenalty(ctx, &ipcasev1.NotifyPenaltyRequest{Name: name, Etag: etag, RequestId: id, ServedOn: servedOn,
				Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence(o), ConductDate: conductDate, Party: ipcasev1.PartyKind(pk),
					Serious: serious, PublicInterest: publicInterest}})
			return r.GetCase(), err
		})
	notify.Flags().StringVar(&offence, "offence", "", "what is fined")
	notify.Flags().StringVar(&conductDate, "conduct-date", "", "day of the act (YYYY-MM-DD)")
	notify.Flags().StringVar(&party, "party", "", "person or organization (the hearing threshold depends on it)")
	notify.Flags().StringVar(&servedOn, "served-on", "", "day of service (default today)")
	notify.Flags().BoolVar(&serious, "serious", false, "other serious circumstances")
	notify.Flags().BoolVar(&publicInterest, "public-interest", false, "the act also harms the public interest (copyright, plant varieties)")

	var requestedOn, scheduledFor, heldOn, hearingRecord string
	hearing := verb("hearing CASE --scheduled-for D [--requested-on D]", "Record the party's request for a hearing",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RequestHearing(ctx, &ipcasev1.RequestHearingRequest{Name: name, Etag: etag, RequestId: id, RequestedOn: requestedOn, ScheduledFor: scheduledFor})
			return r.GetCase(), err
		})
	hearing.Flags().StringVar(&requestedOn, "requested-on", "", "day of the request (default today)")
	hearing.Flags().StringVar(&scheduledFor, "scheduled-for", "", "day of the hearing (7 working days' notice)")
	held := verb("hearing-held CASE --record TEXT [--held-on D]", "Record that the hearing was held",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.RecordHearing(ctx, &ipcasev1.RecordHearingRequest{Name: name, Etag: etag, RequestId: id, HeldOn: heldOn, Record: hearingRecord})
			return r.GetCase(), err
		})
	held.Flags().StringVar(&heldOn, "held-on", "", "day held (default today)")
	held.Flags().StringVar(&hearingRecord, "record", "", "the hearing record, in brief")

	var approvedBy, reason string
	extend := verb("extend CASE --approved-by WHO --reason TEXT", "Extend the decision deadline by 30 days, naming who approved",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.ExtendDecisionDeadline(ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: name, Etag: etag, RequestId: id, ApprovedBy: approvedBy, Reason: reason})
			return r.GetCase(), err
		})
	extend.Flags().StringVar(&approvedBy, "approved-by", "", "the head of the agency who approved")
	extend.Flags().StringVar(&reason, "reason", "", "why")

	var fine, decidedOn, confiscation string
	var destroy []string
	decide := verb("decide CASE --fine YUAN [--confiscation TEXT] [--destroy ORDER …]", "Decide the penalty within the lawful range",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.DecidePenalty(ctx, &ipcasev1.DecidePenaltyRequest{Name: name, Etag: etag, RequestId: id, FineYuan: fine,
				DecidedOn: decidedOn, Confiscation: confiscation, DestructionOrders: destroy})
			return r.GetCase(), err
		})
	decide.Flags().StringVar(&fine, "fine", "", "the fine in yuan")
	decide.Flags().StringVar(&decidedOn, "decided-on", "", "day of the decision (default today; never later)")
	decide.Flags().StringVar(&confiscation, "confiscation", "", "what is confiscated")
	decide.Flags().StringArrayVar(&destroy, "destroy", nil, "a destruction order (repeat)")

	dismiss := verb("dismiss CASE --reason TEXT", "Dismiss the case with reasons",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.DismissEnforcement(ctx, &ipcasev1.DismissEnforcementRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetCase(), err
		})
	var court, police string
	transfer := verb("transfer CASE (--court CODE | --police UNIT) --reason TEXT", "Transfer the case, with its dossier, to a court or the police",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			if (court == "") == (police == "") {
				return nil, usagef("give one of --court and --police")
			}
			if court != "" {
				r, err := c.enforcement.TransferToCourt(ctx, &ipcasev1.TransferToCourtRequest{Name: name, Etag: etag, RequestId: id, Court: court, Reason: reason})
				return r.GetCase(), err
			}
			r, err := c.enforcement.TransferToPolice(ctx, &ipcasev1.TransferToPoliceRequest{Name: name, Etag: etag, RequestId: id, PoliceUnit: police, Reason: reason})
			return r.GetCase(), err
		})
	transfer.Flags().StringVar(&court, "court", "", "the court's code, e.g. 京73")
	transfer.Flags().StringVar(&police, "police", "", "the police unit")
	closeCmd := verb("close CASE [--reason TEXT]", "Close the case (after a criminal flag: transfer it or give the reason)",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.enforcement.CloseEnforcement(ctx, &ipcasev1.CloseEnforcementRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetCase(), err
		})
	for _, v := range []*cobra.Command{extend, dismiss, transfer, closeCmd} {
		if v.Flags().Lookup("reason") == nil {
			v.Flags().StringVar(&reason, "reason", "", "why")
		}
	}
	cmd.AddCommand(open, show, assign, inspect, custody, findings, notify, hearing, held, extend, decide, dismiss, transfer, closeCmd)
	return cmd
}
