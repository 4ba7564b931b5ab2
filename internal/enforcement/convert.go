package enforcement

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
)

// Input limits, as for filing: every string and list is bounded.
const (
	maxText     = 20000
	maxShort    = 500
	maxCode     = 32
	maxOfficers = 20
	maxGoods    = 200
	maxEvidence = 200
)

type validator struct{ request.Validator }

func (v *validator) officers(list []*ipcasev1.Officer) []Officer {
	if len(list) > maxOfficers {
		v.Add("officers", "too many: %d, at most %d", len(list), maxOfficers)
		return nil
	}
	out := make([]Officer, len(list))
	for i, o := range list {
		f := fmt.Sprintf("officers[%d]", i)
		out[i] = Officer{Subject: v.Text(f+".subject", o.GetSubject(), true, 256), Name: v.Text(f+".display_name", o.GetDisplayName(), true, 200),
			Badge: v.Text(f+".badge_number", o.GetBadgeNumber(), false, 64)}
	}
	return out
}

func (v *validator) inspection(in *ipcasev1.Inspection, today civil.Date) (Inspection, []Goods) {
	if in == nil {
		v.Add("inspection", "required")
		return Inspection{}, nil
	}
	out := Inspection{ID: newID(), Date: v.Date("inspection.date", in.GetDate(), today), Place: v.Text("inspection.place", in.GetPlace(), true, maxShort),
		Officers: in.GetOfficers(), Findings: v.Text("inspection.findings", in.GetFindings(), true, maxText)}
	if out.Date.After(today) {
		v.Add("inspection.date", "is in the future")
	}
	if n := len(in.GetSeizedGoods()); n > maxGoods {
		v.Add("inspection.seized_goods", "too many: %d, at most %d", n, maxGoods)
	}
	var goods []Goods
	for i, g := range in.GetSeizedGoods() {
		f := fmt.Sprintf("inspection.seized_goods[%d]", i)
		gd := Goods{ID: newID(), Description: v.Text(f+".description", g.GetDescription(), true, maxShort), Quantity: g.GetQuantity(),
			Unit: v.Text(f+".unit", g.GetUnit(), true, 32), UnitValue: v.Yuan(f+".unit_value_yuan", g.GetUnitValueYuan(), false),
			Location: v.Text(f+".location", g.GetLocation(), true, maxShort)}
		if gd.Quantity <= 0 {
			v.Add(f+".quantity", "must be positive")
		}
		goods = append(goods, gd)
	}
	if n := len(in.GetEvidence()); n > maxEvidence {
		v.Add("inspection.evidence", "too many: %d, at most %d", n, maxEvidence)
	}
	for i, e := range in.GetEvidence() {
		f := fmt.Sprintf("inspection.evidence[%d]", i)
		d := v.SHA256(f+".sha256", e.GetSha256())
		v.MediaType(f+".media_type", e.GetMediaType(), true)
		if e.GetSizeBytes() < 0 {
			v.Add(f+".size_bytes", "must not be negative")
		}
		out.Evidence = append(out.Evidence, EvidenceItem{SHA256: d, Size: e.GetSizeBytes(), MediaType: e.GetMediaType(),
			Description: v.Text(f+".description", e.GetDescription(), false, 1000)})
	}
	return out, goods
}

var custodyActions = map[ipcasev1.CustodyAction]CustodyAction{
	ipcasev1.CustodyAction_CUSTODY_ACTION_MOVED:     Moved,
	ipcasev1.CustodyAction_CUSTODY_ACTION_SAMPLED:   Sampled,
	ipcasev1.CustodyAction_CUSTODY_ACTION_EXAMINED:  Examined,
	ipcasev1.CustodyAction_CUSTODY_ACTION_RELEASED:  Released,
	ipcasev1.CustodyAction_CUSTODY_ACTION_DESTROYED: Destroyed,
}

var pauseKinds = map[ipcasev1.PauseKind]PauseKind{
	ipcasev1.PauseKind_PAUSE_KIND_SUSPENSION:     Suspension,
	ipcasev1.PauseKind_PAUSE_KIND_HEARING:        HearingTime,
	ipcasev1.PauseKind_PAUSE_KIND_PUBLIC_NOTICE:  PublicNotice,
	ipcasev1.PauseKind_PAUSE_KIND_TESTING:        Testing,
	ipcasev1.PauseKind_PAUSE_KIND_IDENTIFICATION: Identification,
	ipcasev1.PauseKind_PAUSE_KIND_REFUND_ORDER:   RefundOrder,
}

func toProtoExtension(e Extension) *ipcasev1.DecisionExtension {
	return &ipcasev1.DecisionExtension{ApprovedBy: e.ApprovedBy, Reason: e.Reason, ApprovedOn: e.On.String(), NewDue: e.NewDue.String(),
		CollectiveDecision: e.Collective, Days: int32(min(e.Days, deadline.MaxFurtherExtension))} //nolint:gosec // G115: at most MaxFurtherExtension (365)
}

// toProtoPayment shows the fine's payment of d as of today: the days
// overdue and the surcharge up to the payment, or up to today while unpaid.
func toProtoPayment(d *Decision, today civil.Date) *ipcasev1.FinePayment {
	p := d.Payment
	asOf := today
	out := &ipcasev1.FinePayment{FineYuan: d.Fine.String(), Due: p.Due.String(), DueProvisional: p.DueProvisional}
	if p.PaidOn != nil {
		asOf, out.PaidOn = *p.PaidOn, p.PaidOn.String()
	}
	days, amount := Surcharge(d.Fine, p.Due, asOf)
	out.AsOf, out.DaysOverdue, out.SurchargeYuan = asOf.String(), int32(min(days, math.MaxInt32)), amount.String() //nolint:gosec // G115: bounded by math.MaxInt32
	out.Working = fmt.Sprintf("Due %s: 15 days after the decision reached the party on %s (%s). ", p.Due, d.ServedOn, deadline.FinePayment.Citation)
	switch {
	case days == 0:
		out.Working += fmt.Sprintf("Not overdue on %s: no surcharge.", asOf)
	case amount == d.Fine:
		out.Working += fmt.Sprintf("%d days overdue on %s; 3 %% of %s a day would be more than the fine, so the surcharge is the fine itself, %s "+
			"(Administrative Penalty Law Art. 72(1): at most the fine).", days, asOf, d.Fine, amount)
	default:
		out.Working += fmt.Sprintf("%d days overdue on %s (from %s): %d × 3 %% × %s = %s (Administrative Penalty Law Art. 72(1): "+
			"3 %% of the fine a day, at most the fine).", days, asOf, p.Due.AddDays(1), days, d.Fine, amount)
	}
	return out
}

func toProtoCase(c *Case, priors []Prior, today civil.Date) *ipcasev1.EnforcementCase {
	out := &ipcasev1.EnforcementCase{
		Name:                   c.Name(),
		Matter:                 "matters/" + string(c.MatterID),
		State:                  ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(c.State)]),
		Agency:                 c.Agency,
		Etag:                   c.Etag(),
		OpenedOn:               c.OpenedOn.String(),
		DecisionDue:            c.DecisionDue.String(),
		DecisionDueProvisional: c.DecisionDueProvisional,
		DismissalReason:        c.DismissalReason,
		CloseReason:            c.CloseReason,
	}
	for _, o := range c.Officers {
		out.Officers = append(out.Officers, &ipcasev1.Officer{Subject: o.Subject, DisplayName: o.Name, BadgeNumber: o.Badge})
	}
	for _, in := range c.Inspections {
		pi := &ipcasev1.Inspection{Id: in.ID, Date: in.Date.String(), Place: in.Place, Officers: in.Officers, Findings: in.Findings}
		for _, e := range in.Evidence {
			pi.Evidence = append(pi.Evidence, &ipcasev1.Evidence{Sha256: e.SHA256, SizeBytes: e.Size, MediaType: e.MediaType,
				Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_SEIZED, Description: e.Description})
		}
		out.Inspections = append(out.Inspections, pi)
	}
	for i := range c.Goods {
		g := &c.Goods[i]
		pg := &ipcasev1.SeizedGoods{Id: g.ID, Description: g.Description, Quantity: g.Quantity, Unit: g.Unit,
			UnitValueYuan: g.UnitValue.String(), Location: g.Location, Status: ipcasev1.GoodsStatus_GOODS_STATUS_HELD}
		switch g.Status() {
		case Released:
			pg.Status = ipcasev1.GoodsStatus_GOODS_STATUS_RELEASED
		case Destroyed:
			pg.Status = ipcasev1.GoodsStatus_GOODS_STATUS_DESTROYED
		default: // Seized, what Status says of goods neither released nor destroyed: HELD, as set above
		}
		for _, e := range g.Custody {
			pg.Custody = append(pg.Custody, &ipcasev1.CustodyEntry{Action: ipcasev1.CustodyAction(ipcasev1.CustodyAction_value["CUSTODY_ACTION_"+string(e.Action)]),
				Date: e.Date.String(), By: e.By, Location: e.Location, Note: e.Note, Certificate: e.Certificate})
		}
		out.SeizedGoods = append(out.SeizedGoods, pg)
	}
	if f := c.Findings; f != nil {
		out.Findings = &ipcasev1.Findings{Text: f.Text, BusinessVolumeYuan: f.BusinessVolume.String(), IllegalGainsYuan: f.IllegalGains.String(),
			GoodsValueYuan: f.GoodsValue.String(), Computation: f.Computation, RecordedOn: f.RecordedOn.String(), Evidence: f.Evidence}
	}
	if n := c.Notice; n != nil {
		pn := &ipcasev1.PenaltyNotice{ServedOn: n.ServedOn.String(), Range: damages.FineResultToProto(n.Range), Rights: n.Rights(),
			HearingAvailable: n.HearingAvailable, HearingRequestDue: n.WindowDue.String(), CriminalThresholdCrossed: n.CriminalFlag,
			Fine: &ipcasev1.CalculateFineRequest{}}
		_ = protojson.Unmarshal(n.FineRequest, pn.Fine) // written by us from a valid message
		out.Notice = pn
	}
	if h := c.Hearing; h != nil {
		out.Hearing = &ipcasev1.Hearing{RequestedOn: h.RequestedOn.String(), Record: h.Record}
		if !h.ScheduledFor.IsZero() {
			out.Hearing.ScheduledFor = h.ScheduledFor.String()
		}
		if h.NoticeServedOn != nil {
			out.Hearing.NoticeServedOn = h.NoticeServedOn.String()
		}
		if h.HeldOn != nil {
			out.Hearing.HeldOn = h.HeldOn.String()
		}
	}
	if d := c.Decision; d != nil {
		out.Decision = &ipcasev1.PenaltyDecision{Number: d.Number, DecidedOn: d.DecidedOn.String(), FineYuan: d.Fine.String(), Law: d.Law,
			Confiscation: d.Confiscation, DestructionOrders: d.Destruction, Evidence: d.Evidence}
		if d.Payment != nil {
			out.Payment = toProtoPayment(d, today)
		}
	}
	for _, p := range c.Pauses {
		out.Pauses = append(out.Pauses, &ipcasev1.DecisionPause{Kind: ipcasev1.PauseKind(ipcasev1.PauseKind_value["PAUSE_KIND_"+string(p.Kind)]),
			Start: p.Start.String(), End: p.End.String(), Reason: p.Reason, Days: int32(min(p.Days(), math.MaxInt32))}) //nolint:gosec // G115: bounded by math.MaxInt32
	}
	for i := range c.Appraisals {
		out.Appraisals = append(out.Appraisals, toProtoAppraisal(&c.Appraisals[i]))
	}
	for _, e := range c.FurtherExtensions {
		out.FurtherExtensions = append(out.FurtherExtensions, toProtoExtension(e))
	}
	if t := c.Transfer; t != nil {
		target := ipcasev1.TransferTarget_TRANSFER_TARGET_COURT
		if t.ToPolice {
			target = ipcasev1.TransferTarget_TRANSFER_TARGET_POLICE
		}
		out.Transfer = &ipcasev1.Transfer{Target: target, Recipient: t.Recipient, Reason: t.Reason, TransferredOn: t.On.String()}
	}
	if e := c.Extension; e != nil {
		out.Extension = toProtoExtension(*e)
	}
	for _, p := range priors {
		pp := &ipcasev1.PriorInfringement{Party: "parties/" + p.PartyID, Matter: "matters/" + p.MatterID, Reference: p.Reference,
			DecidedOn: p.DecidedOn.String(), IpType: p.IPType, Counted: p.Counted}
		if p.ConductFrom != nil && p.ConductTo != nil {
			pp.ConductFrom, pp.ConductTo = p.ConductFrom.String(), p.ConductTo.String()
		}
		out.PriorInfringements = append(out.PriorInfringements, pp)
	}
	return out
}

// dossier is the versioned hand-off to the judicial side or the police
// (schema ipcase.transfer.v1, documented in README.md): who, which rights,
// which evidence (by digest), what was found and decided.
func dossier(c *Change, t Transfer) events.TransferDossier {
	m, k := c.Matter, c.Record
	party := func(p filing.Party) events.DossierParty {
		return events.DossierParty{Party: "parties/" + p.ID, Kind: string(p.Kind), Name: p.Name, CreditCode: p.CreditCode, DomicileCountry: p.Country}
	}
	// Lists are never null in the schema, so consumers need no special case.
	d := events.TransferDossier{
		Schema: "ipcase.transfer.v1", Matter: m.Name(), MatterNumber: m.Number, Proceeding: k.Name(), Agency: k.Agency,
		Target: map[bool]string{true: "POLICE", false: "COURT"}[t.ToPolice], Recipient: t.Recipient, Reason: t.Reason,
		TransferredOn: t.On, Complainant: party(m.Complainant),
		Respondents: []events.DossierParty{}, Rights: []events.DossierRight{}, Evidence: []events.DossierItem{},
	}
	for _, p := range m.Respondents {
		d.Respondents = append(d.Respondents, party(p))
	}
	for _, r := range m.Rights {
		d.Rights = append(d.Rights, events.DossierRight{Type: string(r.Type), RegistrationNumber: r.RegNumber, Title: r.Title, Holder: r.Holder})
	}
	for _, e := range m.Evidence {
		d.Evidence = append(d.Evidence, events.DossierItem{SHA256: e.SHA256, SizeBytes: e.Size, MediaType: e.MediaType, Source: e.Source})
	}
	if f := k.Findings; f != nil {
		d.Findings = &events.DossierFindings{Text: f.Text, BusinessVolume: f.BusinessVolume.String(), IllegalGains: f.IllegalGains.String(),
			GoodsValue: f.GoodsValue.String(), Computation: f.Computation}
	}
	if n := k.Notice; n != nil {
		d.FineRange = &events.DossierRange{Law: n.Range.Law, Min: n.Range.Min.String(), Max: n.Range.Max.String(),
			CriminalThresholdCrossed: n.CriminalFlag, CriminalRules: n.Range.CriminalRules}
	}
	if dc := k.Decision; dc != nil {
		d.Decision = &events.DossierDecision{Number: dc.Number, DecidedOn: dc.DecidedOn, Fine: dc.Fine.String(), Law: dc.Law}
	}
	return d
}
