package enforcement

import (
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
)

// AssignOfficers assigns the investigating officers.
func (s *Server) AssignOfficers(ctx context.Context, req *ipcasev1.AssignOfficersRequest) (*ipcasev1.AssignOfficersResponse, error) {
	var v validator
	officers := v.officers(req.GetOfficers())
	resp := &ipcasev1.AssignOfficersResponse{}
	return resp, s.change(ctx, "AssignOfficers", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.AssignOfficers(officers) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.AssignOfficersResponse{Case: c} })
}

// RecordInspection records an inspection; its evidence joins the matter's.
func (s *Server) RecordInspection(ctx context.Context, req *ipcasev1.RecordInspectionRequest) (*ipcasev1.RecordInspectionResponse, error) {
	var v validator
	today := filing.Today(s.instant())
	in, goods := v.inspection(req.GetInspection(), today)
	resp := &ipcasev1.RecordInspectionResponse{}
	return resp, s.change(ctx, "RecordInspection", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, at, _ time.Time) error {
			if err := tx.Record.RecordInspection(in, goods); err != nil {
				return err
			}
			items := make([]filing.Evidence, len(in.Evidence))
			for i, e := range in.Evidence {
				items[i] = filing.Evidence{SHA256: e.SHA256, Size: e.Size, MediaType: e.MediaType, Source: "SEIZED", Description: e.Description}
			}
			return s.store.Filing().AddEvidence(tx.DB, tx.Matter, items, at)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordInspectionResponse{Case: c} })
}

// RecordCustody records a custody step of seized goods.
func (s *Server) RecordCustody(ctx context.Context, req *ipcasev1.RecordCustodyRequest) (*ipcasev1.RecordCustodyResponse, error) {
	var v validator
	e := req.GetEntry()
	if e == nil {
		v.Add("entry", "required")
	}
	today := filing.Today(s.instant())
	entry := CustodyEntry{Action: custodyActions[e.GetAction()], Date: v.Date("entry.date", e.GetDate(), today),
		By: v.Text("entry.by", e.GetBy(), true, 200), Location: v.Text("entry.location", e.GetLocation(), false, maxShort),
		Note: v.Text("entry.note", e.GetNote(), false, maxText), Certificate: v.Text("entry.certificate", e.GetCertificate(), false, 64)}
	v.Text("goods_id", req.GetGoodsId(), true, 64)
	resp := &ipcasev1.RecordCustodyResponse{}
	return resp, s.change(ctx, "RecordCustody", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.RecordCustody(req.GetGoodsId(), entry) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordCustodyResponse{Case: c} })
}

// RecordFindings records the findings and figures.
func (s *Server) RecordFindings(ctx context.Context, req *ipcasev1.RecordFindingsRequest) (*ipcasev1.RecordFindingsResponse, error) {
	var v validator
	f := req.GetFindings()
	if f == nil {
		v.Add("findings", "required")
	}
	today := filing.Today(s.instant())
	findings := Findings{Text: v.Text("findings.text", f.GetText(), true, maxText),
		BusinessVolume: v.Yuan("findings.business_volume_yuan", f.GetBusinessVolumeYuan(), false),
		IllegalGains:   v.Yuan("findings.illegal_gains_yuan", f.GetIllegalGainsYuan(), false),
		GoodsValue:     v.Yuan("findings.goods_value_yuan", f.GetGoodsValueYuan(), false),
		Computation:    v.Text("findings.computation", f.GetComputation(), true, maxText), RecordedOn: today}
	resp := &ipcasev1.RecordFindingsResponse{}
	return resp, s.change(ctx, "RecordFindings", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.RecordFindings(findings) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordFindingsResponse{Case: c} })
}

// NotifyPenalty notifies the intended penalty with the lawful range.
func (s *Server) NotifyPenalty(ctx context.Context, req *ipcasev1.NotifyPenaltyRequest) (*ipcasev1.NotifyPenaltyResponse, error) {
	var v validator
	today := filing.Today(s.instant())
	served := v.Date("served_on", req.GetServedOn(), today)
	if req.GetFine() == nil {
		v.Add("fine", "required: the facts of the fine (offence, conduct date, party, figures)")
	}
	resp := &ipcasev1.NotifyPenaltyResponse{}
	return resp, s.change(ctx, "NotifyPenalty", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			c := tx.Record
			fr := proto.Clone(req.GetFine()).(*ipcasev1.CalculateFineRequest)
			fr.DecisionDate = day(served)
			if c.Findings != nil { // the figures found, unless the officer gives others
				if fr.BusinessVolumeYuan == "" && c.Findings.BusinessVolume > 0 {
					fr.BusinessVolumeYuan = c.Findings.BusinessVolume.String()
				}
				if fr.IllegalGainsYuan == "" && c.Findings.IllegalGains > 0 {
					fr.IllegalGainsYuan = c.Findings.IllegalGains.String()
				}
				if fr.GoodsValueYuan == "" && c.Findings.GoodsValue > 0 {
					fr.GoodsValueYuan = c.Findings.GoodsValue.String()
				}
			}
			priors, err := priorInfringements(tx.DB, respondentIDs(tx.Matter), served, c.MatterID)
			if err != nil {
				return err
			}
			if len(priors) > int(fr.EarlierInfringements) {
				fr.EarlierInfringements = int32(len(priors))
			}
			if fr.HearingThresholds == nil {
				if h, ok := s.hearing[c.Agency]; ok {
					fr.HearingThresholds = &ipcasev1.FineHearingThresholds{NaturalPersonYuan: h.NaturalPerson.String(), OrganizationYuan: h.Organisation.String()}
				}
			}
			r, err := damages.CalculateFineFromProto(fr)
			if err != nil {
				return prefixFields("fine.", err)
			}
			windowDue, err := s.clock.Due(served, windowDays, WorkingDays, "Administrative Penalty Law Art. 64(1), Art. 85; SAMR Provisions Art. 57 ¶2")
			if err != nil {
				return err
			}
			b, err := fineRequestJSON(fr)
			if err != nil {
				return err
			}
			if err := c.Notify(served, b, r, windowDue); err != nil {
				return err
			}
			return s.clock.Track(tx.DB, c.MatterID, c.ProceedingID, KindStatement, served, windowDays, WorkingDays,
				"5 working days to state a defence or ask for a hearing (Administrative Penalty Law Art. 64(1), Art. 85; SAMR Provisions Art. 57 ¶2)")
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.NotifyPenaltyResponse{Case: c} })
}

// RequestHearing records a hearing request.
func (s *Server) RequestHearing(ctx context.Context, req *ipcasev1.RequestHearingRequest) (*ipcasev1.RequestHearingResponse, error) {
	var v validator
	today := filing.Today(s.instant())
	requested := v.Date("requested_on", req.GetRequestedOn(), today)
	scheduled := v.Date("scheduled_for", req.GetScheduledFor(), time.Time{})
	resp := &ipcasev1.RequestHearingResponse{}
	return resp, s.change(ctx, "RequestHearing", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			if err := s.refresh(tx.DB, tx.Record); err != nil {
				return err
			}
			earliest, err := s.clock.Due(requested, hearingNotice, WorkingDays, "Administrative Penalty Law Art. 64(2)")
			if err != nil {
				return err
			}
			if err := tx.Record.RequestHearing(requested, scheduled, earliest); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, tx.Record.ProceedingID, KindStatement)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RequestHearingResponse{Case: c} })
}

// RecordHearing records that the hearing was held.
func (s *Server) RecordHearing(ctx context.Context, req *ipcasev1.RecordHearingRequest) (*ipcasev1.RecordHearingResponse, error) {
	var v validator
	today := filing.Today(s.instant())
	held := v.Date("held_on", req.GetHeldOn(), today)
	if held.After(today) {
		v.Add("held_on", "%s is after today, %s: record a hearing once it was held", day(held), day(today))
	}
	record := v.Text("record", req.GetRecord(), true, maxText)
	resp := &ipcasev1.RecordHearingResponse{}
	return resp, s.change(ctx, "RecordHearing", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.RecordHearing(held, record) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordHearingResponse{Case: c} })
}

// ExtendDecisionDeadline extends the decision deadline by 30 days.
func (s *Server) ExtendDecisionDeadline(ctx context.Context, req *ipcasev1.ExtendDecisionDeadlineRequest) (*ipcasev1.ExtendDecisionDeadlineResponse, error) {
	var v validator
	by := v.Text("approved_by", req.GetApprovedBy(), true, 200)
	reason := v.Text("reason", req.GetReason(), true, maxShort)
	resp := &ipcasev1.ExtendDecisionDeadlineResponse{}
	return resp, s.change(ctx, "ExtendDecisionDeadline", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			if tx.Record.Extension != nil { // checked before the clock moves
				return tx.Record.Extend(by, reason, today, time.Time{})
			}
			newDue, err := s.clock.Extend(tx.DB, tx.Record.ProceedingID, KindDecision, extensionPeriod, CalendarDays,
				"SAMR Provisions Art. 64: +30 days with the approval of the agency's head", by, reason)
			if err != nil {
				return err
			}
			return tx.Record.Extend(by, reason, today, newDue)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message {
			return &ipcasev1.ExtendDecisionDeadlineResponse{Case: c}
		})
}

// DecidePenalty decides the penalty.
func (s *Server) DecidePenalty(ctx context.Context, req *ipcasev1.DecidePenaltyRequest) (*ipcasev1.DecidePenaltyResponse, error) {
	var v validator
	today := filing.Today(s.instant())
	decided := v.Date("decided_on", req.GetDecidedOn(), today)
	if decided.After(today) {
		// Else a decision dated past the party's window could be made inside it.
		v.Add("decided_on", "%s is after today, %s: a decision is dated the day it is made", day(decided), day(today))
	}
	fine := v.Yuan("fine_yuan", req.GetFineYuan(), true)
	confiscation := v.Text("confiscation", req.GetConfiscation(), false, maxText)
	if len(req.GetDestructionOrders()) > 50 {
		v.Add("destruction_orders", "too many: at most 50")
	}
	for _, d := range req.GetDestructionOrders() {
		v.Text("destruction_orders", d, true, maxShort)
	}
	resp := &ipcasev1.DecidePenaltyResponse{}
	return resp, s.change(ctx, "DecidePenalty", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			c := tx.Record
			if c.Notice == nil {
				return c.require("decide", PenaltyNotified, Hearing)
			}
			if err := s.refresh(tx.DB, c); err != nil {
				return err
			}
			// The range as of the decision day: a lighter rule in force then
			// applies (Administrative Penalty Law Art. 37).
			fr := &ipcasev1.CalculateFineRequest{}
			if err := protojson.Unmarshal(c.Notice.FineRequest, fr); err != nil {
				return err
			}
			fr.DecisionDate, fr.ProposedFineYuan = day(decided), ""
			r, err := damages.CalculateFineFromProto(fr)
			if err != nil {
				return prefixFields("fine.", err)
			}
			err = c.Decide(decided, fine, r, confiscation, req.GetDestructionOrders(), func() (string, error) {
				return nextDecisionNumber(tx.DB, c.Agency, decided.Year())
			})
			if err != nil {
				return err
			}
			if err := recordInfringements(tx.DB, tx.Matter, c.ProceedingID, "ADMINISTRATIVE_DECISION", c.Decision.Number, decided); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, c.ProceedingID)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.DecidePenaltyResponse{Case: c} })
}

// DismissEnforcement dismisses the case.
func (s *Server) DismissEnforcement(ctx context.Context, req *ipcasev1.DismissEnforcementRequest) (*ipcasev1.DismissEnforcementResponse, error) {
	var v validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.DismissEnforcementResponse{}
	return resp, s.change(ctx, "DismissEnforcement", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			if err := tx.Record.Dismiss(reason); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, tx.Record.ProceedingID)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.DismissEnforcementResponse{Case: c} })
}

// TransferToCourt transfers the case to a court with its dossier.
func (s *Server) TransferToCourt(ctx context.Context, req *ipcasev1.TransferToCourtRequest) (*ipcasev1.TransferToCourtResponse, error) {
	var v validator
	t := Transfer{Recipient: v.Code("court", req.GetCourt()), Reason: v.Text("reason", req.GetReason(), true, maxText)}
	resp := &ipcasev1.TransferToCourtResponse{}
	return resp, s.change(ctx, "TransferToCourt", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error { return s.transfer(tx, t, today) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.TransferToCourtResponse{Case: c} })
}

// TransferToPolice transfers the case to the police with its dossier.
func (s *Server) TransferToPolice(ctx context.Context, req *ipcasev1.TransferToPoliceRequest) (*ipcasev1.TransferToPoliceResponse, error) {
	var v validator
	t := Transfer{ToPolice: true, Recipient: v.Text("police_unit", req.GetPoliceUnit(), true, 200), Reason: v.Text("reason", req.GetReason(), true, maxText)}
	resp := &ipcasev1.TransferToPoliceResponse{}
	return resp, s.change(ctx, "TransferToPolice", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error { return s.transfer(tx, t, today) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.TransferToPoliceResponse{Case: c} })
}

func (s *Server) transfer(tx *Tx, t Transfer, today time.Time) error {
	t.On = today
	if err := tx.Record.TransferTo(t, dossier(tx, t)); err != nil {
		return err
	}
	if tx.Record.Decision != nil { // a decided case keeps its decision; only open clocks stop
		return nil
	}
	return s.clock.Settle(tx.DB, tx.Record.ProceedingID)
}

// CloseEnforcement closes the case.
func (s *Server) CloseEnforcement(ctx context.Context, req *ipcasev1.CloseEnforcementRequest) (*ipcasev1.CloseEnforcementResponse, error) {
	var v validator
	reason := v.Text("reason", req.GetReason(), false, maxText)
	resp := &ipcasev1.CloseEnforcementResponse{}
	return resp, s.change(ctx, "CloseEnforcement", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.Close(reason) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.CloseEnforcementResponse{Case: c} })
}

// prefixFields puts prefix before the field paths of err's violations.
func prefixFields(prefix string, err error) error {
	var fe *errs.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	out := &errs.FieldErrors{}
	for _, v := range fe.Violations {
		out.Add(prefix+v.Field, "%s", v.Reason)
	}
	return out
}
