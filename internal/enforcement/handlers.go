package enforcement

import (
	"context"
	"errors"
	"math"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
)

// AssignOfficers assigns the investigating officers.
func (s *Server) AssignOfficers(ctx context.Context, req *ipcasev1.AssignOfficersRequest) (*ipcasev1.AssignOfficersResponse, error) {
	var v validator
	officers := v.officers(req.GetOfficers())
	resp := &ipcasev1.AssignOfficersResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.AssignOfficers(officers) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.AssignOfficersResponse{Case: c} })
}

// RecordInspection records an inspection; its evidence joins the matter's.
func (s *Server) RecordInspection(ctx context.Context, req *ipcasev1.RecordInspectionRequest) (*ipcasev1.RecordInspectionResponse, error) {
	var v validator
	today := civil.Today(s.now())
	in, goods := v.inspection(req.GetInspection(), today)
	resp := &ipcasev1.RecordInspectionResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := c.Record.RecordInspection(in, goods); err != nil {
				return err
			}
			items := make([]filing.Evidence, len(in.Evidence))
			for i, e := range in.Evidence {
				items[i] = filing.Evidence{SHA256: e.SHA256, Size: e.Size, MediaType: e.MediaType, Source: "SEIZED", Description: e.Description}
			}
			return s.store.Filing().AddEvidence(c.Tx, c.Matter, items, c.At)
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
	today := civil.Today(s.now())
	entry := CustodyEntry{Action: custodyActions[e.GetAction()], Date: v.Date("entry.date", e.GetDate(), today),
		By: v.Text("entry.by", e.GetBy(), true, 200), Location: v.Text("entry.location", e.GetLocation(), false, maxShort),
		Note: v.Text("entry.note", e.GetNote(), false, maxText), Certificate: v.Text("entry.certificate", e.GetCertificate(), false, 64)}
	v.Text("goods_id", req.GetGoodsId(), true, 64)
	resp := &ipcasev1.RecordCustodyResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RecordCustody(req.GetGoodsId(), entry) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordCustodyResponse{Case: c} })
}

// RecordFindings records the findings and figures.
func (s *Server) RecordFindings(ctx context.Context, req *ipcasev1.RecordFindingsRequest) (*ipcasev1.RecordFindingsResponse, error) {
	var v validator
	f := req.GetFindings()
	if f == nil {
		v.Add("findings", "required")
	}
	today := civil.Today(s.now())
	findings := Findings{Text: v.Text("findings.text", f.GetText(), true, maxText),
		BusinessVolume: v.Yuan("findings.business_volume_yuan", f.GetBusinessVolumeYuan(), false),
		IllegalGains:   v.Yuan("findings.illegal_gains_yuan", f.GetIllegalGainsYuan(), false),
		GoodsValue:     v.Yuan("findings.goods_value_yuan", f.GetGoodsValueYuan(), false),
		Computation:    v.Text("findings.computation", f.GetComputation(), true, maxText), RecordedOn: today}
	resp := &ipcasev1.RecordFindingsResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RecordFindings(findings) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordFindingsResponse{Case: c} })
}

// NotifyPenalty notifies the intended penalty with the lawful range.
func (s *Server) NotifyPenalty(ctx context.Context, req *ipcasev1.NotifyPenaltyRequest) (*ipcasev1.NotifyPenaltyResponse, error) {
	var v validator
	today := civil.Today(s.now())
	served := v.Date("served_on", req.GetServedOn(), today)
	if req.GetFine() == nil {
		v.Add("fine", "required: the facts of the fine (offence, conduct date, party, figures)")
	}
	resp := &ipcasev1.NotifyPenaltyResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			rec := c.Record
			fr := proto.Clone(req.GetFine()).(*ipcasev1.CalculateFineRequest)
			fr.DecisionDate = served.String()
			if rec.Findings != nil { // the figures found, unless the officer gives others
				if fr.BusinessVolumeYuan == "" && rec.Findings.BusinessVolume > 0 {
					fr.BusinessVolumeYuan = rec.Findings.BusinessVolume.String()
				}
				if fr.IllegalGainsYuan == "" && rec.Findings.IllegalGains > 0 {
					fr.IllegalGainsYuan = rec.Findings.IllegalGains.String()
				}
				if fr.GoodsValueYuan == "" && rec.Findings.GoodsValue > 0 {
					fr.GoodsValueYuan = rec.Findings.GoodsValue.String()
				}
			}
			priors, err := priorInfringements(c.Tx, respondentIDs(c.Matter), served, rec.MatterID)
			if err != nil {
				return err
			}
			if n := min(len(priors), math.MaxInt32); n > int(fr.EarlierInfringements) {
				fr.EarlierInfringements = int32(n)
			}
			if fr.HearingThresholds == nil {
				if h, ok := s.hearing[rec.Agency]; ok {
					fr.HearingThresholds = &ipcasev1.FineHearingThresholds{NaturalPersonYuan: h.NaturalPerson.String(), OrganizationYuan: h.Organisation.String()}
				}
			}
			r, err := damages.CalculateFineFromProto(fr)
			if err != nil {
				return prefixFields("fine.", err)
			}
			window, err := deadline.StatementWindow.Due(s.clocks.Calendar(), served)
			if err != nil {
				return err
			}
			b, err := fineRequestJSON(fr)
			if err != nil {
				return err
			}
			if err := rec.Notify(served, b, r, window.Due); err != nil {
				return err
			}
			_, err = s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(rec.ProceedingID), Kind: KindStatement,
				Trigger: served, Period: deadline.StatementWindow})
			return err
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.NotifyPenaltyResponse{Case: c} })
}

// RequestHearing records a hearing request.
func (s *Server) RequestHearing(ctx context.Context, req *ipcasev1.RequestHearingRequest) (*ipcasev1.RequestHearingResponse, error) {
	var v validator
	today := civil.Today(s.now())
	requested := v.Date("requested_on", req.GetRequestedOn(), today)
	scheduled := v.Date("scheduled_for", req.GetScheduledFor(), civil.Date{})
	resp := &ipcasev1.RequestHearingResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			earliest, err := deadline.HearingNotice.Due(s.clocks.Calendar(), requested)
			if err != nil {
				return err
			}
			if err := c.Record.RequestHearing(requested, scheduled, earliest.Due); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindStatement)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RequestHearingResponse{Case: c} })
}

// RecordHearing records that the hearing was held.
func (s *Server) RecordHearing(ctx context.Context, req *ipcasev1.RecordHearingRequest) (*ipcasev1.RecordHearingResponse, error) {
	var v validator
	today := civil.Today(s.now())
	held := v.Date("held_on", req.GetHeldOn(), today)
	if held.After(today) {
		v.Add("held_on", "%s is after today, %s: record a hearing once it was held", held.String(), today.String())
	}
	record := v.Text("record", req.GetRecord(), true, maxText)
	resp := &ipcasev1.RecordHearingResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RecordHearing(held, record) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordHearingResponse{Case: c} })
}

// ExtendDecisionDeadline extends the decision deadline by 30 days.
func (s *Server) ExtendDecisionDeadline(ctx context.Context, req *ipcasev1.ExtendDecisionDeadlineRequest) (*ipcasev1.ExtendDecisionDeadlineResponse, error) {
	var v validator
	by := v.Text("approved_by", req.GetApprovedBy(), true, 200)
	reason := v.Text("reason", req.GetReason(), true, maxShort)
	resp := &ipcasev1.ExtendDecisionDeadlineResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if c.Record.Extension != nil { // checked before the clock moves
				return c.Record.Extend(by, reason, c.Today, civil.Date{})
			}
			d, err := s.clocks.Extend(c.Tx, clock.ByKind(string(c.Record.ProceedingID), KindDecision, ""), deadline.DecisionExtension, by, reason)
			if err != nil {
				return err
			}
			c.Record.DecisionDueProvisional = d.Provisional
			return c.Record.Extend(by, reason, c.Today, d.Due)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message {
			return &ipcasev1.ExtendDecisionDeadlineResponse{Case: c}
		})
}

// DecidePenalty decides the penalty.
func (s *Server) DecidePenalty(ctx context.Context, req *ipcasev1.DecidePenaltyRequest) (*ipcasev1.DecidePenaltyResponse, error) {
	var v validator
	today := civil.Today(s.now())
	decided := v.Date("decided_on", req.GetDecidedOn(), today)
	if decided.After(today) {
		// Else a decision dated past the party's window could be made inside it.
		v.Add("decided_on", "%s is after today, %s: a decision is dated the day it is made", decided.String(), today.String())
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
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			rec := c.Record
			if rec.Notice == nil {
				return rec.require("decide", PenaltyNotified, Hearing)
			}
			if err := s.refresh(c.Tx, rec); err != nil {
				return err
			}
			// The range as of the decision day: a lighter rule in force then
			// applies (Administrative Penalty Law Art. 37).
			fr := &ipcasev1.CalculateFineRequest{}
			if err := protojson.Unmarshal(rec.Notice.FineRequest, fr); err != nil {
				return err
			}
			fr.DecisionDate, fr.ProposedFineYuan = decided.String(), ""
			r, err := damages.CalculateFineFromProto(fr)
			if err != nil {
				return prefixFields("fine.", err)
			}
			err = rec.Decide(decided, fine, r, confiscation, req.GetDestructionOrders(), func() (string, error) {
				return nextDecisionNumber(c.Tx, rec.Agency, decided.Year)
			})
			if err != nil {
				return err
			}
			if err := recordInfringements(c.Tx, string(c.Matter.ID), string(rec.ProceedingID), respondentIDs(c.Matter),
				"ADMINISTRATIVE_DECISION", rec.Decision.Number, decided); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(rec.ProceedingID))
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.DecidePenaltyResponse{Case: c} })
}

// DismissEnforcement dismisses the case.
func (s *Server) DismissEnforcement(ctx context.Context, req *ipcasev1.DismissEnforcementRequest) (*ipcasev1.DismissEnforcementResponse, error) {
	var v validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.DismissEnforcementResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := c.Record.Dismiss(reason); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.DismissEnforcementResponse{Case: c} })
}

// TransferToCourt transfers the case to a court with its dossier.
func (s *Server) TransferToCourt(ctx context.Context, req *ipcasev1.TransferToCourtRequest) (*ipcasev1.TransferToCourtResponse, error) {
	var v validator
	t := Transfer{Recipient: v.Code("court", req.GetCourt(), true), Reason: v.Text("reason", req.GetReason(), true, maxText)}
	resp := &ipcasev1.TransferToCourtResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return s.transfer(c, t) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.TransferToCourtResponse{Case: c} })
}

// TransferToPolice transfers the case to the police with its dossier.
func (s *Server) TransferToPolice(ctx context.Context, req *ipcasev1.TransferToPoliceRequest) (*ipcasev1.TransferToPoliceResponse, error) {
	var v validator
	t := Transfer{ToPolice: true, Recipient: v.Text("police_unit", req.GetPoliceUnit(), true, 200), Reason: v.Text("reason", req.GetReason(), true, maxText)}
	resp := &ipcasev1.TransferToPoliceResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return s.transfer(c, t) },
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.TransferToPoliceResponse{Case: c} })
}

func (s *Server) transfer(c *Change, t Transfer) error {
	t.On = c.Today
	if err := c.Record.TransferTo(t, dossier(c, t)); err != nil {
		return err
	}
	if c.Record.Decision != nil { // a decided case keeps its decision; only open clocks stop
		return nil
	}
	return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
}

// CloseEnforcement closes the case.
func (s *Server) CloseEnforcement(ctx context.Context, req *ipcasev1.CloseEnforcementRequest) (*ipcasev1.CloseEnforcementResponse, error) {
	var v validator
	reason := v.Text("reason", req.GetReason(), false, maxText)
	resp := &ipcasev1.CloseEnforcementResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.Close(reason) },
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
