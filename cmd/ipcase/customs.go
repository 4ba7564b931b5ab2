package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func getShipment(ctx context.Context, c clients, name string) (record, error) {
	r, err := c.customs.GetShipment(ctx, &ipcasev1.GetShipmentRequest{Name: name})
	return r.GetShipment(), err
}

func shipmentSummary(r record) string {
	s := r.(*ipcasev1.Shipment)
	out := fmt.Sprintf("customs %s at %s (%s), goods worth %s yuan", lowerState(s.GetState()), s.GetOffice(),
		lower(s.GetRoute().String(), "CUSTOMS_ROUTE_"), s.GetGoodsValueYuan())
	if g := s.GetGuarantee(); g != nil {
		out += fmt.Sprintf("\n  guarantee %s yuan required, %s given: %s", g.GetRequiredYuan(), g.GetGivenYuan(), g.GetRule())
	}
	if s.GetReplyDue() != "" && s.GetDetainedOn() == "" {
		out += "\n  holder to apply by " + s.GetReplyDue()
	}
	if s.GetDetainedOn() != "" {
		out += fmt.Sprintf("\n  detained %s; court's notice due %s", s.GetDetainedOn(), s.GetCourtNoticeDue())
		if s.GetInvestigationDue() != "" {
			out += "; customs' finding due " + s.GetInvestigationDue()
		}
	}
	if d := s.GetDecision(); d != nil {
		out += fmt.Sprintf("\n  finding %s on %s", lower(d.GetFinding().String(), "CUSTOMS_FINDING_"), d.GetDecidedOn())
		if d.GetFineYuan() != "" {
			out += fmt.Sprintf(", fine %s yuan (at most %s), %s", d.GetFineYuan(), d.GetFineCeilingYuan(), lower(d.GetDisposal().String(), "GOODS_DISPOSAL_"))
		}
	}
	if s.GetEndReason() != "" {
		out += fmt.Sprintf("\n  ended %s: %s", s.GetEndedOn(), s.GetEndReason())
	}
	return out
}

// customsVerbs builds the customs commands.
var customsVerbs = proceedingVerbs{service: "CustomsService", get: getShipment, summary: shipmentSummary}

// newCustomsCmd: a customs officer's protection of IP rights at the border.
func newCustomsCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customs",
		Short: "Protect IP rights at the border: recordations, suspected goods, detention, findings, release",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCustomsRecordCmd(cfg), newCustomsReportCmd(cfg), customsVerbs.show(cfg, "Show a shipment's customs proceeding", "GetShipment"),
		newCustomsDetainCmd(cfg), newCustomsRefuseCmd(cfg), newCustomsNoticeCmd(cfg), newCustomsDecideCmd(cfg), newCustomsReleaseCmd(cfg))
	return cmd
}

// enumValue reads a flag's value as a value of an enum: "not-infringing"
// → CUSTOMS_FINDING_NOT_INFRINGING.
func enumValue(flag, s, prefix string, values map[string]int32) (int32, error) {
	v, ok := values[prefix+strings.ToUpper(strings.ReplaceAll(s, "-", "_"))]
	if !ok || v == 0 {
		var names []string
		for n, v := range values {
			if v != 0 {
				names = append(names, strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(n, prefix), "_", "-")))
			}
		}
		return 0, usagef("%s: %q is not one of %s", flag, s, strings.Join(names, ", "))
	}
	return v, nil
}

func newCustomsRecordCmd(cfg *config) *cobra.Command {
	var f struct{ holder, typ, reg, title, number, approved string }
	cmd := &cobra.Command{Use: "record --holder parties/{id} --type trademark --reg N --title T --number N [--approved D]",
		Short: "Record the GAC's approval of a recordation (备案), valid 10 years; no fee since 2015-11-01",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			typ, err := enumValue("--type", f.typ, "IP_TYPE_", ipcasev1.IpType_value)
			if err != nil {
				return err
			}
			var out *ipcasev1.Recordation
			err = withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
				r, err := c.customs.RecordRight(ctx, &ipcasev1.RecordRightRequest{RequestId: "cli-" + uuid.NewString(),
					RightsHolder: &ipcasev1.Party{Name: f.holder}, Number: f.number, ApprovedOn: f.approved,
					Right: &ipcasev1.IpRight{Type: ipcasev1.IpType(typ), RegistrationNumber: f.reg, Title: f.title}})
				out = r.GetRecordation()
				return err
			}, "CustomsService.RecordRight", recordFlag)
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, out)
			}
			return writef(cfg.stdout, "%s\n  %s %s of %s, valid %s to %s (renewable from %s), fee %s yuan\n  etag %s\n", out.GetName(), out.GetNumber(),
				out.GetRight().GetRegistrationNumber(), out.GetRightsHolderName(), out.GetApprovedOn(), out.GetExpiresOn(), out.GetRenewalOpensOn(),
				out.GetFeeYuan(), out.GetEtag())
		}}
	fs := cmd.Flags()
	fs.StringVar(&f.holder, "holder", "", "the right holder, parties/{id}")
	fs.StringVar(&f.typ, "type", "", "trademark, copyright, patent-invention, patent-utility-model or patent-design")
	fs.StringVar(&f.reg, "reg", "", "the right's registration number")
	fs.StringVar(&f.title, "title", "", "the mark, work or invention")
	fs.StringVar(&f.number, "number", "", "the GAC's recordation number")
	fs.StringVar(&f.approved, "approved", "", "day the GAC approved it (YYYY-MM-DD; default today)")
	return cmd
}

func recordFlag(field string) string {
	switch field {
	case "rights_holder", "rights_holder.name":
		return "--holder"
	case "right.type":
		return "--type"
	case "right.registration_number":
		return "--reg"
	case "right.title":
		return "--title"
	case "approved_on":
		return "--approved"
	}
	return stepFlag(field)
}

// parseGoods reads --goods "DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE_YUAN".
func parseGoods(lines []string) ([]*ipcasev1.ShipmentGoods, error) {
	var out []*ipcasev1.ShipmentGoods
	for _, l := range lines {
		parts := strings.Split(l, ":")
		if len(parts) != 4 {
			return nil, usagef("--goods %q: write DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE_YUAN", l)
		}
		q, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return nil, usagef("--goods %q: quantity %q is not a whole number", l, parts[1])
		}
		out = append(out, &ipcasev1.ShipmentGoods{Description: parts[0], Quantity: q, Unit: parts[2], UnitValueYuan: parts[3]})
	}
	return out, nil
}

func newCustomsReportCmd(cfg *config) *cobra.Command {
	var f struct {
		office, recordation, direction, declaration, facts, on string
		respondents, goods                                     []string
	}
	cmd := &cobra.Command{Use: "report --office CODE --recordation recordations/{id} --respondent parties/{id} --direction export --goods D:Q:U:V [--on D]",
		Short: "Report goods suspected of infringing a recorded right and notify the holder, who has 3 working days to apply (Regulations Art. 16)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := enumValue("--direction", f.direction, "SHIPMENT_DIRECTION_", ipcasev1.ShipmentDirection_value)
			if err != nil {
				return err
			}
			goods, err := parseGoods(f.goods)
			if err != nil {
				return err
			}
			req := &ipcasev1.ReportSuspectedGoodsRequest{RequestId: "cli-" + uuid.NewString(), Office: f.office, Recordation: f.recordation,
				Direction: ipcasev1.ShipmentDirection(dir), DeclarationNumber: f.declaration, Goods: goods, Facts: f.facts, NotifiedOn: f.on}
			for _, p := range f.respondents {
				req.Respondents = append(req.Respondents, &ipcasev1.Party{Name: p})
			}
			var out record
			err = withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
				r, err := c.customs.ReportSuspectedGoods(ctx, req)
				out = r.GetShipment()
				return err
			}, "CustomsService.ReportSuspectedGoods", reportFlag)
			if err != nil {
				return err
			}
			return printRecord(cfg, out, shipmentSummary)
		}}
	fs := cmd.Flags()
	fs.StringVar(&f.office, "office", "", "code of the customs office at the port")
	fs.StringVar(&f.recordation, "recordation", "", "the recordation the goods are suspected of infringing")
	fs.StringArrayVar(&f.respondents, "respondent", nil, "the consignee or consignor, parties/{id} (repeat for more)")
	fs.StringVar(&f.direction, "direction", "", "import or export")
	fs.StringVar(&f.declaration, "declaration", "", "the customs declaration number")
	fs.StringArrayVar(&f.goods, "goods", nil, "a line of goods, DESCRIPTION:QUANTITY:UNIT:UNIT_VALUE_YUAN (repeat for more)")
	fs.StringVar(&f.facts, "facts", "", "what customs found")
	fs.StringVar(&f.on, "on", "", "day the notice was served on the holder (YYYY-MM-DD; default today)")
	return cmd
}

func reportFlag(field string) string {
	switch {
	case strings.HasPrefix(field, "respondents"):
		return "--respondent"
	case strings.HasPrefix(field, "goods"):
		return "--goods"
	case field == "notified_on":
		return "--on"
	case field == "declaration_number":
		return "--declaration"
	}
	return stepFlag(field)
}

func newCustomsDetainCmd(cfg *config) *cobra.Command {
	var on string
	cmd := customsVerbs.step(cfg, "detain CASE [--detained-on D]", "Detain the goods applied for; the holder then has 20 working days to bring a court's notice", "DetainGoods",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.customs.DetainGoods(ctx, &ipcasev1.DetainGoodsRequest{Name: name, Etag: etag, RequestId: id, DetainedOn: on})
			return r.GetShipment(), err
		})
	cmd.Flags().StringVar(&on, "detained-on", "", "day of the detention (YYYY-MM-DD; default today)")
	return cmd
}

func newCustomsRefuseCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := customsVerbs.step(cfg, "refuse CASE --reason TEXT", "Refuse the application for detention (Regulations Art. 15 ¶2)", "RefuseDetention",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.customs.RefuseDetention(ctx, &ipcasev1.RefuseDetentionRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetShipment(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why, as the holder is told")
	return cmd
}

func newCustomsNoticeCmd(cfg *config) *cobra.Command {
	var f struct{ court, number, order, on string }
	cmd := customsVerbs.step(cfg, "court-notice CASE --court C --court-number N --order TEXT [--received-on D]",
		"Record a court's notice of assistance received from outside ipcase (Regulations Art. 23 ¶2)", "RecordCourtNotice",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.customs.RecordCourtNotice(ctx, &ipcasev1.RecordCourtNoticeRequest{Name: name, Etag: etag, RequestId: id,
				Court: f.court, CourtNumber: f.number, Order: f.order, ReceivedOn: f.on})
			return r.GetShipment(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.court, "court", "", "code of the court")
	fs.StringVar(&f.number, "court-number", "", "the court's case number")
	fs.StringVar(&f.order, "order", "", "what the court ordered")
	fs.StringVar(&f.on, "received-on", "", "day customs received it (YYYY-MM-DD; default today)")
	return cmd
}

func newCustomsDecideCmd(cfg *config) *cobra.Command {
	var f struct {
		finding, fine, disposal, reason, on string
		featuresRemoved                     bool
	}
	cmd := customsVerbs.step(cfg, "decide CASE --finding infringing|not-infringing|undetermined [--fine Y --disposal destroyed] --reason TEXT [--decided-on D]",
		"Record customs' finding on goods detained ex officio (Regulations Arts. 20, 27)", "DecideInfringement",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			finding, err := enumValue("--finding", f.finding, "CUSTOMS_FINDING_", ipcasev1.CustomsFinding_value)
			if err != nil {
				return nil, err
			}
			var disposal int32
			if f.disposal != "" {
				if disposal, err = enumValue("--disposal", f.disposal, "GOODS_DISPOSAL_", ipcasev1.GoodsDisposal_value); err != nil {
					return nil, err
				}
			}
			r, err := c.customs.DecideInfringement(ctx, &ipcasev1.DecideInfringementRequest{Name: name, Etag: etag, RequestId: id,
				Finding: ipcasev1.CustomsFinding(finding), FineYuan: f.fine, Disposal: ipcasev1.GoodsDisposal(disposal),
				FeaturesRemoved: f.featuresRemoved, Reason: f.reason, DecidedOn: f.on})
			return r.GetShipment(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.finding, "finding", "", "infringing, not-infringing or undetermined")
	fs.StringVar(&f.fine, "fine", "", "the fine in yuan, at most 30 % of the goods' value (infringing only)")
	fs.StringVar(&f.disposal, "disposal", "", "public-welfare, sold-to-holder, auctioned or destroyed (infringing only)")
	fs.BoolVar(&f.featuresRemoved, "features-removed", false, "for an auction: the infringing features were removed, not only the marks")
	fs.StringVar(&f.reason, "reason", "", "customs' reasons")
	fs.StringVar(&f.on, "decided-on", "", "day of the decision (YYYY-MM-DD; default today)")
	return cmd
}

func newCustomsReleaseCmd(cfg *config) *cobra.Command {
	var f struct{ reason, on, note string }
	cmd := customsVerbs.step(cfg, "release CASE --reason patent-counter-guarantee|consignee-evidence|holder-withdrew [--note TEXT] [--released-on D]",
		"Release detained goods (Regulations Art. 24(3)–(5))", "ReleaseGoods",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			reason, err := enumValue("--reason", f.reason, "RELEASE_REASON_", ipcasev1.ReleaseReason_value)
			if err != nil {
				return nil, err
			}
			r, err := c.customs.ReleaseGoods(ctx, &ipcasev1.ReleaseGoodsRequest{Name: name, Etag: etag, RequestId: id,
				Reason: ipcasev1.ReleaseReason(reason), Note: f.note, ReleasedOn: f.on})
			return r.GetShipment(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.reason, "reason", "", "patent-counter-guarantee, consignee-evidence or holder-withdrew")
	fs.StringVar(&f.note, "note", "", "a note for the record")
	fs.StringVar(&f.on, "released-on", "", "day of the release (YYYY-MM-DD; default today)")
	return cmd
}
