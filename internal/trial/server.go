package trial

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
)

// Deadline kinds the trial keeps.
const (
	KindTimeLimit = "trial.time_limit"
	KindAppeal    = "trial.appeal"
)

const (
	months       = "months"
	calendarDays = "calendar-days"
	maxText      = 4000
)

// Server implements ipcasev1.TrialServiceServer.
type Server struct {
	ipcasev1.UnimplementedTrialServiceServer
	store *Store
	clock *deadline.Clock
	now   func() time.Time
}

var _ ipcasev1.TrialServiceServer = (*Server)(nil)

// NewServer returns a Server over st with statutory clocks clock, reading
// the time from now.
func NewServer(st *Store, clock *deadline.Clock, now func() time.Time) *Server {
	if st == nil || clock == nil || now == nil {
		panic("trial.NewServer: nil dependency")
	}
	return &Server{store: st, clock: clock, now: now}
}

// ownCourt refuses a court acting on a case before another court: a court
// sees every matter with a proceeding before it, but changes only its own.
func ownCourt(ctx context.Context, court string) error {
	if p, _ := auth.FromContext(ctx); p.Role == auth.Court && p.Court != court {
		return errs.Errorf(errs.PermissionDenied, "the case is before %s, not %s", court, p.Court)
	}
	return nil
}

func (s *Server) render(wrap func(*ipcasev1.Trial) proto.Message) func(*Tx) ([]byte, error) {
	return func(tx *Tx) ([]byte, error) {
		t, err := s.present(tx)
		if err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(t))
	}
}

// present converts the record, taking the time limit from the stored
// deadline, which follows extensions and calendar recomputations.
func (s *Server) present(tx *Tx) (*ipcasev1.Trial, error) {
	t := tx.Record
	if t.TimeLimitDue != nil {
		if due, ok, err := s.clock.Current(tx.DB, t.ProceedingID, KindTimeLimit); err != nil {
			return nil, err
		} else if ok {
			t.TimeLimitDue, t.TimeLimitProvisional = &due, false
		}
	}
	return toProto(t)
}

// change runs fn as a change of the trial named name by its own court.
func (s *Server) change(ctx context.Context, method string, req proceeding.Request, name, etag string, v *proceeding.Validator,
	resp proto.Message, fn func(tx *Tx, at, today time.Time) error, render func(*Tx) ([]byte, error)) error {
	return proceeding.Change(ctx, s.store.Store, "/ipcase.v1.TrialService/"+method, req, name, etag, v, s.now(),
		func(tx *Tx, at, today time.Time) error {
			if err := ownCourt(ctx, tx.Record.Court); err != nil {
				return err
			}
			return fn(tx, at, today)
		}, render, resp)
}

// GetTrial returns a trial.
func (s *Server) GetTrial(ctx context.Context, req *ipcasev1.GetTrialRequest) (*ipcasev1.GetTrialResponse, error) {
	mid, pid := proceeding.ParseName(req.GetName())
	if mid == "" {
		return nil, errs.Field("name", "must be a proceeding name, matters/{matter}/proceedings/{proceeding}, got %q", req.GetName())
	}
	tx, err := s.store.Get(ctx, mid, pid)
	if errors.Is(err, errs.NotFound) {
		tx, err = s.store.confirm.Get(ctx, mid, pid)
	}
	if err != nil {
		return nil, fmt.Errorf("GetTrial(%s): %w", req.GetName(), err)
	}
	if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(tx.Matter)); err != nil {
		return nil, err
	}
	method, _ := grpc.Method(ctx)
	if err := audit.Log(ctx, tx.DB, method, s.now().UTC().Truncate(time.Microsecond), string(mid)); err != nil {
		return nil, err
	}
	t, err := s.present(tx)
	if err != nil {
		return nil, err
	}
	return &ipcasev1.GetTrialResponse{Trial: t}, nil
}

// timeLimit is the trial time limit of a case: CPL Art. 152 (ordinary, 6
// months), Art. 164 (summary, 3 months), Art. 183 (second instance, 3
// months); Administrative Litigation Law Arts. 81 and 88 (6 and 3 months).
// Criminal time limits are not kept (ok false).
func timeLimit(kind Kind, inst Instance, proc Procedure) (n int, basis string, ok bool) {
	switch {
	case kind == Criminal:
		return 0, "", false
	case kind == Administrative && inst == Second:
		return 3, "Administrative Litigation Law Art. 88: second instance, 3 months", true
	case kind == Administrative:
		return 6, "Administrative Litigation Law Art. 81: first instance, 6 months", true
	case inst == Second:
		return 3, "CPL Art. 183: second instance, 3 months from docketing", true
	case proc == Summary:
		return 3, "CPL Art. 164: summary procedure, 3 months from docketing", true
	default:
		return 6, "CPL Art. 152: ordinary procedure, 6 months from docketing", true
	}
}

// docket numbers t at its court and starts its time limit, on today.
func (s *Server) docket(tx *Tx, t *Trial, kind Kind, inst Instance, proc Procedure, today time.Time) error {
	if t.State != AwaitingDocketing {
		return errs.Errorf(errs.FailedPrecondition, "the trial is %s; only a case awaiting docketing is docketed", t.State)
	}
	code, ip := typeCode(kind, inst)
	n, err := nextCourtNumber(tx.DB, t.Court, today.Year(), code, ip)
	if err != nil {
		return err
	}
	var due time.Time
	provisional := false
	limit, basis, track := timeLimit(kind, inst, proc)
	if track {
		// A period reaching a year whose holiday notice is not out yet
		// (CALENDAR.md §3.5) keeps the raw end until the calendar is loaded.
		due, err = s.clock.Due(today, limit, months, basis)
		if provisional = errors.Is(err, deadline.ErrProvisional); provisional {
			due = today.AddDate(0, limit, 0)
		} else if err != nil {
			return err
		}
	}
	if err := t.Docket(kind, inst, proc, n, today, due, provisional); err != nil {
		return err
	}
	for _, p := range tx.Matter.Proceedings {
		if string(p.ID) == t.ProceedingID {
			p.Number = t.Number
		}
	}
	if !track {
		return nil
	}
	err = s.clock.Track(tx.DB, t.MatterID, t.ProceedingID, KindTimeLimit, today, limit, months, basis)
	if err != nil && !errors.Is(err, deadline.ErrProvisional) {
		return err
	}
	return nil
}

// DocketTrial dockets a case awaiting docketing.
func (s *Server) DocketTrial(ctx context.Context, req *ipcasev1.DocketTrialRequest) (*ipcasev1.DocketTrialResponse, error) {
	var v proceeding.Validator
	kind := Kind(strings.TrimPrefix(req.GetKind().String(), "CASE_KIND_"))
	if req.GetKind() == ipcasev1.CaseKind_CASE_KIND_UNSPECIFIED {
		v.Add("kind", "required: CIVIL, CRIMINAL or ADMINISTRATIVE")
	}
	inst := First
	if req.GetInstance() == ipcasev1.TrialInstance_TRIAL_INSTANCE_SECOND {
		inst = Second
	}
	proc := Ordinary
	if req.GetProcedure() == ipcasev1.TrialProcedure_TRIAL_PROCEDURE_SUMMARY {
		proc = Summary
		if inst == Second {
			v.Add("procedure", "a second instance is tried by ordinary procedure (CPL Art. 160 applies to first instance only)")
		}
	}
	resp := &ipcasev1.DocketTrialResponse{}
	return resp, s.change(ctx, "DocketTrial", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error { return s.docket(tx, tx.Record, kind, inst, proc, today) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.DocketTrialResponse{Trial: t} }))
}

// DeclineTrial declines to docket a case.
func (s *Server) DeclineTrial(ctx context.Context, req *ipcasev1.DeclineTrialRequest) (*ipcasev1.DeclineTrialResponse, error) {
	var v proceeding.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.DeclineTrialResponse{}
	return resp, s.change(ctx, "DeclineTrial", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error { return tx.Record.Decline(reason, today) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.DeclineTrialResponse{Trial: t} }))
}

// ExtendTimeLimit extends the first-instance time limit with the
// president's approval: +6 months (CPL Art. 152), +1 month (Art. 164).
func (s *Server) ExtendTimeLimit(ctx context.Context, req *ipcasev1.ExtendTimeLimitRequest) (*ipcasev1.ExtendTimeLimitResponse, error) {
	var v proceeding.Validator
	approvedBy := v.Text("approved_by", req.GetApprovedBy(), true, 200)
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.ExtendTimeLimitResponse{}
	return resp, s.change(ctx, "ExtendTimeLimit", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			t := tx.Record
			if !slices.Contains([]State{Docketed, PreTrial, HearingScheduled, Heard}, t.State) {
				return errs.Errorf(errs.FailedPrecondition, "the time limit runs until judgment; the trial is %s", t.State)
			}
			if t.Kind != Civil || t.Instance != First {
				return errs.Errorf(errs.FailedPrecondition, "only a civil first instance's extension is kept (CPL Arts. 152, 164)")
			}
			n, basis := 6, "CPL Art. 152: +6 months with the court president's approval"
			if t.Procedure == Summary {
				n, basis = 1, "CPL Art. 164: +1 month with the court president's approval"
			}
			due, err := s.clock.Extend(tx.DB, t.ProceedingID, KindTimeLimit, n, months, basis, approvedBy, reason)
			if err != nil {
				return err
			}
			t.TimeLimitDue = &due
			t.Record("trial.time_limit_extended", map[string]any{"months": n, "basis": basis, "approvedBy": approvedBy,
				"reason": reason, "timeLimitDue": day(due)})
			return nil
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ExtendTimeLimitResponse{Trial: t} }))
}

// AssignPanel forms the panel.
func (s *Server) AssignPanel(ctx context.Context, req *ipcasev1.AssignPanelRequest) (*ipcasev1.AssignPanelResponse, error) {
	var v proceeding.Validator
	if len(req.GetMembers()) == 0 {
		v.Add("members", "required: the panel")
	}
	members := make([]PanelMember, len(req.GetMembers()))
	for i, m := range req.GetMembers() {
		f := fmt.Sprintf("members[%d]", i)
		members[i] = PanelMember{Name: v.Text(f+".name", m.GetName(), true, 100), Role: m.GetRole()}
		if !slices.Contains(panelRoles, m.GetRole()) {
			v.Add(f+".role", "must be one of %s", strings.Join(panelRoles, ", "))
		}
	}
	resp := &ipcasev1.AssignPanelResponse{}
	return resp, s.change(ctx, "AssignPanel", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.AssignPanel(members) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.AssignPanelResponse{Trial: t} }))
}

// OrderPreservation records a preservation order.
func (s *Server) OrderPreservation(ctx context.Context, req *ipcasev1.OrderPreservationRequest) (*ipcasev1.OrderPreservationResponse, error) {
	var v proceeding.Validator
	o := req.GetOrder()
	p := Preservation{Kind: strings.TrimPrefix(o.GetKind().String(), "PRESERVATION_KIND_"), Subject: v.Text("order.subject", o.GetSubject(), true, maxText),
		Security: v.Yuan("order.security_yuan", o.GetSecurityYuan(), false)}
	if o.GetKind() == ipcasev1.PreservationKind_PRESERVATION_KIND_UNSPECIFIED {
		v.Add("order.kind", "required: EVIDENCE, PROPERTY or CONDUCT")
	}
	if o.GetApplicant() != "" {
		p.Applicant = v.Party("order.applicant", o.GetApplicant())
	}
	today := filing.Today(s.now())
	p.OrderedOn = v.Date("order.ordered_on", o.GetOrderedOn(), today)
	resp := &ipcasev1.OrderPreservationResponse{}
	return resp, s.change(ctx, "OrderPreservation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			if p.Applicant != "" && !isParty(tx.Matter, p.Applicant) {
				return errs.Field("order.applicant", "parties/%s is not a party of this matter", p.Applicant)
			}
			return tx.Record.OrderPreservation(p)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.OrderPreservationResponse{Trial: t} }))
}

// RecordEvidenceExchange records an evidence exchange.
func (s *Server) RecordEvidenceExchange(ctx context.Context, req *ipcasev1.RecordEvidenceExchangeRequest) (*ipcasev1.RecordEvidenceExchangeResponse, error) {
	var v proceeding.Validator
	x := req.GetExchange()
	e := Exchange{HeldOn: v.Date("exchange.held_on", x.GetHeldOn(), filing.Today(s.now())), SHA256: x.GetSha256(),
		Notes: v.Text("exchange.notes", x.GetNotes(), false, maxText)}
	for i, d := range e.SHA256 {
		if !isDigest(d) {
			v.Add(fmt.Sprintf("exchange.sha256[%d]", i), "must be a SHA-256 digest in lower-case hex")
		}
	}
	resp := &ipcasev1.RecordEvidenceExchangeResponse{}
	return resp, s.change(ctx, "RecordEvidenceExchange", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.RecordExchange(e) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RecordEvidenceExchangeResponse{Trial: t} }))
}

// ScheduleHearing schedules the hearing.
func (s *Server) ScheduleHearing(ctx context.Context, req *ipcasev1.ScheduleHearingRequest) (*ipcasev1.ScheduleHearingResponse, error) {
	var v proceeding.Validator
	h := Hearing{Date: v.Date("date", req.GetDate(), time.Time{}), Place: v.Text("place", req.GetPlace(), true, 200)}
	resp := &ipcasev1.ScheduleHearingResponse{}
	return resp, s.change(ctx, "ScheduleHearing", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			if h.Date.Before(today) {
				return errs.Field("date", "a hearing is scheduled on a future day; %s is past", day(h.Date))
			}
			return tx.Record.ScheduleHearing(h)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ScheduleHearingResponse{Trial: t} }))
}

// RecordTrialHearing records the hearing held.
func (s *Server) RecordTrialHearing(ctx context.Context, req *ipcasev1.RecordTrialHearingRequest) (*ipcasev1.RecordTrialHearingResponse, error) {
	var v proceeding.Validator
	record := v.Text("record", req.GetRecord(), true, 20000)
	for i, a := range req.GetAttendees() {
		v.Text(fmt.Sprintf("attendees[%d]", i), a, true, 200)
	}
	resp := &ipcasev1.RecordTrialHearingResponse{}
	return resp, s.change(ctx, "RecordTrialHearing", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			if t := tx.Record; t.State == HearingScheduled && today.Before(t.Hearings[len(t.Hearings)-1].Date) {
				return errs.Errorf(errs.FailedPrecondition, "the hearing is scheduled for %s", day(t.Hearings[len(t.Hearings)-1].Date))
			}
			return tx.Record.RecordHearing(req.GetAttendees(), record)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RecordTrialHearingResponse{Trial: t} }))
}

// EnterJudgment pronounces judgment, with damages computed by package
// damages and stored, with their steps and citations, on the judgment.
func (s *Server) EnterJudgment(ctx context.Context, req *ipcasev1.EnterJudgmentRequest) (*ipcasev1.EnterJudgmentResponse, error) {
	var v proceeding.Validator
	j := Judgment{Ruling: req.GetRuling(), InfringementFound: req.GetInfringementFound(),
		Injunction: v.Text("injunction", req.GetInjunction(), false, maxText), Costs: v.Yuan("costs_yuan", req.GetCostsYuan(), false),
		CostsBorneBy: v.Text("costs_borne_by", req.GetCostsBorneBy(), false, 200), JudgedOn: v.Date("judged_on", req.GetJudgedOn(), filing.Today(s.now()))}
	if req.GetDamages() != nil {
		if !j.InfringementFound {
			v.Add("damages", "damages are awarded only when infringement is found")
		} else if res, err := damages.CalculateFromProto(req.GetDamages()); err != nil {
			var fe *errs.FieldErrors
			if !errors.As(err, &fe) {
				return nil, err
			}
			for _, viol := range fe.Violations {
				v.Add("damages."+viol.Field, "%s", viol.Reason)
			}
		} else {
			b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(damages.ResultToProto(res))
			if err != nil {
				return nil, err
			}
			j.Damages, j.DamagesTotal = b, res.Total
		}
	}
	resp := &ipcasev1.EnterJudgmentResponse{}
	return resp, s.change(ctx, "EnterJudgment", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			if j.JudgedOn.After(today) {
				return errs.Field("judged_on", "%s is in the future", day(j.JudgedOn))
			}
			if err := tx.Record.Judge(j); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, tx.Record.ProceedingID, KindTimeLimit)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.EnterJudgmentResponse{Trial: t} }))
}

// appealPeriod is a party's appeal period: 15 days from service of a
// judgment, 10 of a ruling (CPL Art. 171); 30 for a party with no domicile
// in China (Art. 286).
func appealPeriod(ruling bool, country string) (int, string) {
	switch {
	case country != "" && country != "CN":
		return 30, "CPL Art. 286: 30 days to appeal for a party with no domicile in China"
	case ruling:
		return 10, "CPL Art. 171 ¶2: appeal against a ruling within 10 days of service"
	default:
		return 15, "CPL Art. 171: appeal against a judgment within 15 days of service"
	}
}

func parties(m *filing.Matter) []filing.Party {
	return append([]filing.Party{m.Complainant}, m.Respondents...)
}

func partyOf(m *filing.Matter, id string) (filing.Party, bool) {
	for _, p := range parties(m) {
		if p.ID == id {
			return p, true
		}
	}
	return filing.Party{}, false
}

func isParty(m *filing.Matter, id string) bool { _, ok := partyOf(m, id); return ok }

// ServeJudgment records service on a party and starts its appeal period.
func (s *Server) ServeJudgment(ctx context.Context, req *ipcasev1.ServeJudgmentRequest) (*ipcasev1.ServeJudgmentResponse, error) {
	var v proceeding.Validator
	party := v.Party("party", req.GetParty())
	servedOn := v.Date("served_on", req.GetServedOn(), filing.Today(s.now()))
	resp := &ipcasev1.ServeJudgmentResponse{}
	return resp, s.change(ctx, "ServeJudgment", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			t := tx.Record
			p, ok := partyOf(tx.Matter, party)
			switch {
			case !ok:
				return errs.Field("party", "parties/%s is not a party of this matter", party)
			case t.State != Judged && t.State != Appealed:
				return errs.Errorf(errs.FailedPrecondition, "a judgment is served once pronounced; the trial is %s", t.State)
			case t.service(party) != nil:
				return errs.Errorf(errs.FailedPrecondition, "the judgment was served on parties/%s on %s", party, day(t.service(party).ServedOn))
			case servedOn.After(today) || servedOn.Before(t.Judgment.JudgedOn):
				return errs.Field("served_on", "must lie between the judgment (%s) and today (%s)", day(t.Judgment.JudgedOn), day(today))
			}
			n, basis := appealPeriod(t.Judgment.Ruling, p.Country)
			due, err := s.clock.TrackParty(tx.DB, t.MatterID, t.ProceedingID, KindAppeal, party, servedOn, n, calendarDays, basis)
			if errors.Is(err, deadline.ErrProvisional) {
				return errs.Wrap(errs.FailedPrecondition, err, "the appeal period reaches a year whose holiday calendar is not loaded; load it first")
			} else if err != nil {
				return err
			}
			rule := fmt.Sprintf("%d calendar days (%s)", n, basis)
			t.Services = append(t.Services, Service{Party: party, ServedOn: servedOn, AppealDue: due, AppealRule: rule})
			t.Record("trial.judgment_served", map[string]any{"party": "parties/" + party, "servedOn": day(servedOn),
				"appealDue": day(due), "appealRule": rule})
			return nil
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ServeJudgmentResponse{Trial: t} }))
}

// FileAppeal records an appeal: in time, it opens the second instance at
// the appellate court (DOCKETED, numbered 终) and the first becomes
// APPEALED; a later appeal by another party joins it. A late appeal is
// refused with the last day, and nothing is written.
func (s *Server) FileAppeal(ctx context.Context, req *ipcasev1.FileAppealRequest) (*ipcasev1.FileAppealResponse, error) {
	var v proceeding.Validator
	party := v.Party("party", req.GetParty())
	filedOn := v.Date("filed_on", req.GetFiledOn(), filing.Today(s.now()))
	a := Appeal{Party: party, FiledOn: filedOn, AppellateCourt: v.Code("appellate_court", req.GetAppellateCourt()),
		Grounds: v.Text("grounds", req.GetGrounds(), false, maxText)}
	var second *Trial
	resp := &ipcasev1.FileAppealResponse{}
	render := func(tx *Tx) ([]byte, error) {
		t, err := s.present(tx)
		if err != nil {
			return nil, err
		}
		out := &ipcasev1.FileAppealResponse{Trial: t}
		if second != nil {
			if out.SecondInstance, err = toProto(second); err != nil {
				return nil, err
			}
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(out)
	}
	return resp, s.change(ctx, "FileAppeal", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, at, today time.Time) error {
			t := tx.Record
			sv := t.service(party)
			switch {
			case t.State != Judged && t.State != Appealed:
				return errs.Errorf(errs.FailedPrecondition, "an appeal lies against a pronounced judgment; the trial is %s", t.State)
			case !isParty(tx.Matter, party):
				return errs.Field("party", "parties/%s is not a party of this matter", party)
			case sv == nil:
				return errs.Errorf(errs.FailedPrecondition, "the judgment was not served on parties/%s yet; its appeal period has not started", party)
			case slices.ContainsFunc(t.Appeals, func(x Appeal) bool { return x.Party == party }):
				return errs.Errorf(errs.AlreadyExists, "parties/%s already appealed", party)
			case filedOn.After(today) || filedOn.Before(sv.ServedOn):
				return errs.Field("filed_on", "must lie between service (%s) and today (%s)", day(sv.ServedOn), day(today))
			case filedOn.After(sv.AppealDue):
				return errs.Errorf(errs.FailedPrecondition, "the appeal period of parties/%s ended on %s (%s, from service on %s); an appeal filed on %s is late",
					party, day(sv.AppealDue), sv.AppealRule, day(sv.ServedOn), day(filedOn))
			case t.State == Appealed && a.AppellateCourt != t.Appeals[0].AppellateCourt:
				return errs.Field("appellate_court", "the appeal is before %s already", t.Appeals[0].AppellateCourt)
			}
			if err := s.clock.SettleParty(tx.DB, t.ProceedingID, KindAppeal, party); err != nil {
				return err
			}
			t.Appeals = append(t.Appeals, a)
			if t.State == Appealed {
				t.Record("trial.appealed", map[string]any{"party": "parties/" + party, "filedOn": day(filedOn),
					"appellateCourt": a.AppellateCourt, "secondInstance": proceeding.Name(&proceeding.Meta{MatterID: t.MatterID, ProceedingID: t.SecondInstance})})
				return nil
			}
			if err := t.move(Appealed); err != nil {
				return err
			}
			var err error
			if second, err = s.openSecond(tx, a, at, today); err != nil {
				return err
			}
			t.SecondInstance = second.ProceedingID
			t.Record("trial.appealed", map[string]any{"party": "parties/" + party, "filedOn": day(filedOn),
				"appellateCourt": a.AppellateCourt, "secondInstance": proceeding.Name(&second.Meta)})
			t.Take(&second.Meta)
			return nil
		}, render)
}

// openSecond opens the second instance of tx's trial at the appellate
// court, docketed on today.
func (s *Server) openSecond(tx *Tx, a Appeal, at, today time.Time) (*Trial, error) {
	first := tx.Record
	p := tx.Matter.OpenProceeding(at, filing.KindTrial, filing.ProceedingState(AwaitingDocketing), a.AppellateCourt)
	t := &Trial{Meta: proceeding.Meta{ProceedingID: string(p.ID), MatterID: first.MatterID}, State: AwaitingDocketing,
		Court: a.AppellateCourt, Source: proceeding.Name(&first.Meta), ReceivedOn: today}
	t.Record("trial.received", map[string]any{"court": t.Court, "source": t.Source, "receivedOn": day(today), "appeal": true})
	if err := s.store.Filing().SaveProceedings(tx.DB, tx.Matter, at); err != nil { // the record and the clock refer to it
		return nil, err
	}
	sub := &Tx{DB: tx.DB, Matter: tx.Matter, Proceeding: p, Record: t}
	if err := s.docket(sub, t, first.Kind, Second, Ordinary, today); err != nil {
		return nil, err
	}
	p.State, p.Updated = filing.ProceedingState(t.State), at
	if err := s.store.Filing().SaveProceedings(tx.DB, tx.Matter, at); err != nil {
		return nil, err
	}
	return t, insert(tx.DB, t)
}

// end withdraws or settles the trial and stops its clocks.
func (s *Server) end(tx *Tx, to State, reason string) error {
	if err := tx.Record.End(to, reason); err != nil {
		return err
	}
	return s.clock.Settle(tx.DB, tx.Record.ProceedingID, KindTimeLimit)
}

// WithdrawTrial ends a trial by withdrawal.
func (s *Server) WithdrawTrial(ctx context.Context, req *ipcasev1.WithdrawTrialRequest) (*ipcasev1.WithdrawTrialResponse, error) {
	var v proceeding.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.WithdrawTrialResponse{}
	return resp, s.change(ctx, "WithdrawTrial", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return s.end(tx, Withdrawn, reason) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.WithdrawTrialResponse{Trial: t} }))
}

// SettleTrial ends a trial by settlement.
func (s *Server) SettleTrial(ctx context.Context, req *ipcasev1.SettleTrialRequest) (*ipcasev1.SettleTrialResponse, error) {
	var v proceeding.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.SettleTrialResponse{}
	return resp, s.change(ctx, "SettleTrial", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return s.end(tx, Settled, reason) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.SettleTrialResponse{Trial: t} }))
}
