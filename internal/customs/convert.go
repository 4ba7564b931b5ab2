package customs

import (
	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

func dateOr(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func datePtr(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func toProto(s *Shipment) *ipcasev1.Shipment {
	out := &ipcasev1.Shipment{Name: s.Name(), Matter: "matters/" + string(s.MatterID),
		State:  ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(s.State)]),
		Office: s.Office, Route: ipcasev1.CustomsRoute(ipcasev1.CustomsRoute_value["CUSTOMS_ROUTE_"+string(s.Route)]),
		Direction:         ipcasev1.ShipmentDirection(ipcasev1.ShipmentDirection_value["SHIPMENT_DIRECTION_"+s.Direction]),
		DeclarationNumber: s.Declaration, GoodsValueYuan: s.Value().String(),
		NotifiedOn: dateOr(s.NotifiedOn), ReplyDue: dateOr(s.ReplyDue), DetainedOn: datePtr(s.DetainedOn),
		CourtNoticeDue: dateOr(s.CourtNoticeDue), InvestigationDue: dateOr(s.InvestigationDue),
		EndedOn: datePtr(s.EndedOn), EndReason: s.EndReason, Etag: s.Etag()}
	if s.Recordation != "" {
		out.Recordation = "recordations/" + s.Recordation
	}
	for _, g := range s.Goods {
		out.Goods = append(out.Goods, &ipcasev1.ShipmentGoods{Description: g.Description, Quantity: g.Quantity, Unit: g.Unit, UnitValueYuan: g.UnitValue.String()})
	}
	if s.Guarantee.Rule != "" {
		out.Guarantee = &ipcasev1.CustomsGuarantee{RequiredYuan: s.Guarantee.Required.String(), GivenYuan: s.GuaranteeGiven.String(),
			GivenOn: datePtr(s.GuaranteeOn), Rule: s.Guarantee.Rule}
		if s.Route == OnApplication && s.GuaranteeOn == nil {
			out.Guarantee.GivenOn = dateOr(s.AppliedOn)
		}
	}
	if a := s.CourtAction; a != nil {
		out.CourtAction = &ipcasev1.CourtAction{Court: a.Court, FiledOn: a.FiledOn.String()}
	}
	if n := s.CourtNotice; n != nil {
		out.CourtNotice = &ipcasev1.CourtNotice{Court: n.Court, CourtNumber: n.CourtNumber, ReceivedOn: n.ReceivedOn.String(), Order: n.Order}
	}
	if d := s.Decision; d != nil {
		out.Decision = &ipcasev1.CustomsDecision{Finding: ipcasev1.CustomsFinding(ipcasev1.CustomsFinding_value["CUSTOMS_FINDING_"+string(d.Finding)]),
			DecidedOn: d.DecidedOn.String(), Disposal: ipcasev1.GoodsDisposal(ipcasev1.GoodsDisposal_value["GOODS_DISPOSAL_"+string(d.Disposal)]),
			Reason: d.Reason}
		if d.Finding == Infringing {
			out.Decision.FineYuan, out.Decision.FineCeilingYuan = d.Fine.String(), d.FineCeiling.String()
		}
	}
	return out
}
