package trial

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

func optDay(d *civil.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.String()
}

// toProto converts a trial to its message.
func toProto(t *Trial) (*ipcasev1.Trial, error) {
	out := &ipcasev1.Trial{
		Name: t.Name(), Etag: t.Etag(),
		State: ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(t.State)]),
		Court: t.Court, CourtNumber: t.Number,
		Kind:      ipcasev1.CaseKind(ipcasev1.CaseKind_value["CASE_KIND_"+string(t.Kind)]),
		Instance:  ipcasev1.TrialInstance(ipcasev1.TrialInstance_value["TRIAL_INSTANCE_"+string(t.Instance)]),
		Procedure: ipcasev1.TrialProcedure(ipcasev1.TrialProcedure_value["TRIAL_PROCEDURE_"+string(t.Procedure)]),
		Source:    t.Source, ReceivedOn: t.ReceivedOn.String(), DocketedOn: optDay(t.DocketedOn), TimeLimitDue: optDay(t.TimeLimitDue),
		TimeLimitProvisional: t.TimeLimitProvisional, DossierMismatches: t.DossierMismatches, EndReason: t.EndReason,
		ForeignRelated: t.ForeignRelated,
	}
	for _, p := range t.Pauses {
		out.TimeLimitPauses = append(out.TimeLimitPauses, &ipcasev1.TimeLimitPause{
			Reason: ipcasev1.TimeLimitPauseReason(ipcasev1.TimeLimitPauseReason_value["TIME_LIMIT_PAUSE_REASON_"+p.Reason]),
			Start:  p.Start.String(), End: p.End.String(), Notes: p.Notes})
	}
	if t.SecondInstance != "" {
		out.SecondInstance = fmt.Sprintf("matters/%s/proceedings/%s", t.MatterID, t.SecondInstance)
	}
	for _, m := range t.Panel {
		out.Panel = append(out.Panel, &ipcasev1.PanelMember{Name: m.Name, Role: m.Role})
	}
	for _, p := range t.Preservations {
		pp := &ipcasev1.Preservation{Kind: ipcasev1.PreservationKind(ipcasev1.PreservationKind_value["PRESERVATION_KIND_"+p.Kind]),
			Subject: p.Subject, OrderedOn: p.OrderedOn.String(), SecurityYuan: p.Security.String()}
		if p.Applicant != "" {
			pp.Applicant = "parties/" + p.Applicant
		}
		out.Preservations = append(out.Preservations, pp)
	}
	for _, x := range t.Exchanges {
		out.Exchanges = append(out.Exchanges, &ipcasev1.EvidenceExchange{HeldOn: x.HeldOn.String(), Sha256: x.SHA256, Notes: x.Notes})
	}
	for _, h := range t.Hearings {
		out.Hearings = append(out.Hearings, &ipcasev1.TrialHearing{Date: h.Date.String(), Place: h.Place, Attendees: h.Attendees, Record: h.Record})
	}
	if j := t.Judgment; j != nil {
		pj := &ipcasev1.Judgment{Ruling: j.Ruling, InfringementFound: j.InfringementFound, Injunction: j.Injunction,
			CostsYuan: j.Costs.String(), CostsBorneBy: j.CostsBorneBy, JudgedOn: j.JudgedOn.String(), EffectiveOn: optDay(j.EffectiveOn)}
		if len(j.Damages) > 0 {
			pj.Damages = &ipcasev1.CalculateDamagesResponse{}
			if err := protojson.Unmarshal(j.Damages, pj.Damages); err != nil {
				return nil, err
			}
		}
		out.Judgment = pj
	}
	for _, s := range t.Services {
		out.Services = append(out.Services, &ipcasev1.JudgmentService{Party: "parties/" + s.Party, ServedOn: s.ServedOn.String(),
			AppealDue: optDay(&s.AppealDue), AppealRule: s.AppealRule, AppealDueProvisional: s.AppealDueProvisional})
	}
	for _, a := range t.Appeals {
		out.Appeals = append(out.Appeals, &ipcasev1.Appeal{Party: "parties/" + a.Party, FiledOn: a.FiledOn.String(),
			AppellateCourt: a.AppellateCourt, Grounds: a.Grounds, PostedOn: optDay(a.PostedOn)})
	}
	for _, a := range t.Applicants {
		out.Applicants = append(out.Applicants, "parties/"+a)
	}
	out.AgreementPaymentYuan, out.ClosedProceedings = t.AgreementPayment, t.ClosedProceedings
	return out, nil
}
