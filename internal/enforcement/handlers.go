package enforcement

import (
	"cmp"
	"context"
	"errors"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
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
		Computation:    v.Text("findings.computation", f.GetComputation(), true, maxText), RecordedOn: today,
		Evidence: v.digests("findings.evidence", f.GetEvidence())}
	resp := &ipcasev1.RecordFindingsResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := cited(c.Matter, "findings.evidence", findings.Evidence); err != nil {
				return err
			}
			return c.Record.RecordFindings(findings)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordFindingsResponse{Case: c} })
}

// NotifyPenalty notifies the intended penalty with the lawful range.
func (s *Server) NotifyPenalty(ctx context.Context, req *ipcasev1.NotifyPenaltyRequest) (*ipcasev1.NotifyPenaltyResponse, error) {
	var v validator
	today := civil.Today(s.now())
	served := v.Date("served_on", req.GetServedOn(), today)
	var conductFrom civil.Date
	if d := v.OptionalDate("conduct_started_on", req.GetConductStartedOn()); d != nil {
		conductFrom = *d
	}
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
			// Earlier infringements of the same law, committed within 5
			// years of this conduct (Trademark Law 2019 Art. 60 ¶2).
			conduct := conductOf(&Notice{ConductFrom: conductFrom}, fr)
			if !conductFrom.IsZero() && !conduct.To.IsZero() && conductFrom.After(conduct.To) {
				return errs.Field("conduct_started_on", "%s is after the conduct's last day, fine.conduct_date %s", conductFrom.String(), conduct.To.String())
			}
			priors, err := priorInfringements(c.Tx, rec.ProceedingID, respondentIDs(c.Matter), served, conduct, rec.MatterID)
			if err != nil {
				return err
			}
			if n := min(counted(priors), math.MaxInt32); n > int(fr.EarlierInfringements) {
				fr.EarlierInfringements = int32(n) //nolint:gosec // G115: bounded by math.MaxInt32 above
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
			rec.Notice.ConductFrom = conduct.From
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
	if req.GetScheduledFor() != "" {
		v.Add("scheduled_for", "must be empty: the hearing's day is set when its notice is served (ServeHearingNotice), "+
			"7 working days ahead counted from the service (%s)", deadline.HearingNotice.Citation)
	}
	resp := &ipcasev1.RequestHearingResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			if err := c.Record.RequestHearing(requested); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindStatement)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RequestHearingResponse{Case: c} })
}

// ServeHearingNotice records the service of the hearing notice.
func (s *Server) ServeHearingNotice(ctx context.Context, req *ipcasev1.ServeHearingNoticeRequest) (*ipcasev1.ServeHearingNoticeResponse, error) {
	var v validator
	today := civil.Today(s.now())
	served := v.Date("served_on", req.GetServedOn(), today)
	if served.After(today) {
		v.Add("served_on", "%s is after today, %s: record the service once it was made", served.String(), today.String())
	}
	scheduled := v.Date("scheduled_for", req.GetScheduledFor(), civil.Date{})
	resp := &ipcasev1.ServeHearingNoticeResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			earliest, err := deadline.HearingNotice.Due(s.clocks.Calendar(), served)
			if err != nil {
				return err
			}
			return c.Record.ServeHearingNotice(served, scheduled, earliest.Due)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.ServeHearingNoticeResponse{Case: c} })
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

// moveDecision returns the function that lengthens the open decision clock
// of c by a period, as the case's Extend and Pause call it.
func (s *Server) moveDecision(c *Change, approvedBy, reason string) func(deadline.Period) (deadline.Computation, error) {
	return func(p deadline.Period) (deadline.Computation, error) {
		d, err := s.clocks.Extend(c.Tx, clock.ByKind(string(c.Record.ProceedingID), KindDecision, ""), p, approvedBy, reason)
		return d.Computation, err
	}
}

// ExtendDecisionDeadline extends the decision deadline: by 30 days with the
// head's approval, then by collective decision for the days it fixes.
func (s *Server) ExtendDecisionDeadline(ctx context.Context, req *ipcasev1.ExtendDecisionDeadlineRequest) (*ipcasev1.ExtendDecisionDeadlineResponse, error) {
	var v validator
	e := Extension{ApprovedBy: v.Text("approved_by", req.GetApprovedBy(), true, 200), Reason: v.Text("reason", req.GetReason(), true, maxShort),
		Collective: req.GetCollectiveDecision(), Days: int(req.GetDays())}
	resp := &ipcasev1.ExtendDecisionDeadlineResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			e.On = c.Today
			who := e.ApprovedBy
			if e.Collective {
				who = "collective decision of the agency's heads: " + who
			}
			return c.Record.Extend(e, s.moveDecision(c, who, e.Reason))
		},
		func(c *ipcasev1.EnforcementCase) proto.Message {
			return &ipcasev1.ExtendDecisionDeadlineResponse{Case: c}
		})
}

// RecordDecisionPause records time not counted in the decision period.
func (s *Server) RecordDecisionPause(ctx context.Context, req *ipcasev1.RecordDecisionPauseRequest) (*ipcasev1.RecordDecisionPauseResponse, error) {
	var v validator
	pp := req.GetPause()
	if pp == nil {
		v.Add("pause", "required")
	}
	p := Pause{Kind: pauseKinds[pp.GetKind()], Start: v.Date("pause.start", pp.GetStart(), civil.Date{}),
		End: v.Date("pause.end", pp.GetEnd(), civil.Date{}), Reason: v.Text("pause.reason", pp.GetReason(), true, maxShort)}
	if pp != nil && p.Kind == "" {
		v.Add("pause.kind", "required: SUSPENSION, HEARING, PUBLIC_NOTICE, TESTING, IDENTIFICATION or REFUND_ORDER (SAMR Administrative Penalty Procedure Rules Art. 64 ¶2)")
	}
	resp := &ipcasev1.RecordDecisionPauseResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			who := "not counted: " + string(p.Kind) + " " + p.Start.String() + " – " + p.End.String()
			return c.Record.Pause(p, c.Today, s.moveDecision(c, who, p.Reason))
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordDecisionPauseResponse{Case: c} })
}

// RecordFinePayment records that the fine was paid.
func (s *Server) RecordFinePayment(ctx context.Context, req *ipcasev1.RecordFinePaymentRequest) (*ipcasev1.RecordFinePaymentResponse, error) {
	var v validator
	today := civil.Today(s.now())
	paid := v.Date("paid_on", req.GetPaidOn(), today)
	if paid.After(today) {
		v.Add("paid_on", "%s is after today, %s: record a payment once it was made", paid.String(), today.String())
	}
	resp := &ipcasev1.RecordFinePaymentResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			if err := c.Record.PayFine(paid); err != nil {
				return err
			}
			if paid.After(c.Record.Decision.Payment.Due) {
				_, err := s.clocks.CloseProceeding(c.Tx, string(c.Record.ProceedingID), clock.StatusMissed, KindPayment)
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindPayment)
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.RecordFinePaymentResponse{Case: c} })
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
	served := v.Date("served_on", req.GetServedOn(), decided)
	switch {
	case req.GetServedOn() == "": // the decision day, checked above
	case served.Before(decided):
		v.Add("served_on", "%s is before the decision of %s", served.String(), decided.String())
	case served.After(today):
		v.Add("served_on", "%s is after today, %s: record the service once it was made", served.String(), today.String())
	}
	confiscation := v.Text("confiscation", req.GetConfiscation(), false, maxText)
	if len(req.GetDestructionOrders()) > 50 {
		v.Add("destruction_orders", "too many: at most 50")
	}
	for _, d := range req.GetDestructionOrders() {
		v.Text("destruction_orders", d, true, maxShort)
	}
	evidence := v.digests("evidence", req.GetEvidence())
	resp := &ipcasev1.DecidePenaltyResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			rec := c.Record
			if rec.Notice == nil {
				return rec.require("decide", PenaltyNotified, Hearing)
			}
			if err := cited(c.Matter, "evidence", evidence); err != nil {
				return err
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
			conduct := conductOf(rec.Notice, fr)
			err = rec.Decide(decided, served, fine, r, confiscation, req.GetDestructionOrders(), func() (string, error) {
				return nextDecisionNumber(c.Tx, rec.Agency, decided.Year)
			})
			if err != nil {
				return err
			}
			rec.Decision.Evidence = evidence
			rec.Decision.Basis = fineBasis(fr, r)
			if err := recordInfringements(c.Tx, infringement{matterID: string(c.Matter.ID), procID: string(rec.ProceedingID),
				respondents: respondentIDs(c.Matter), source: "ADMINISTRATIVE_DECISION", reference: rec.Decision.Number, on: decided,
				laws: []string{lawOfOffence(fr.GetOffence())}, from: conduct.From, to: conduct.To}); err != nil {
				return err
			}
			if err := s.clocks.Settle(c.Tx, string(rec.ProceedingID)); err != nil {
				return err
			}
			if fine > 0 { // 15 days to pay from receipt of the decision (Administrative Penalty Law Art. 67 ¶3)
				d, err := s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(rec.ProceedingID), Kind: KindPayment,
					Trigger: served, Period: deadline.FinePayment})
				if err != nil {
					return err
				}
				rec.Decision.Payment = &Payment{Due: d.Due, DueProvisional: d.Provisional}
			}
			rec.RecordDecided()
			return nil
		},
		func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.DecidePenaltyResponse{Case: c} },
		decisionCounter(decided.Year))
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

// fineBasis is what a decided fine was computed from, carried on the
// decision's event for the similar-case search.
func fineBasis(fr *ipcasev1.CalculateFineRequest, r damages.FineResult) *events.FineBasis {
	law, _, _ := strings.Cut(r.Law, ",")
	base := cmp.Or(fr.GetBusinessVolumeYuan(), fr.GetIllegalGainsYuan(), fr.GetGoodsValueYuan())
	offence, _ := damages.OffenceFromProto(fr.GetOffence())
	return &events.FineBasis{Offence: offence.String(), Law: law, Base: base, Min: r.Min.String(), Max: r.Max.String(),
		Repeat: fr.GetRepeatWithinFiveYears() || fr.GetEarlierInfringements() > 0, Serious: fr.GetSerious()}
}
