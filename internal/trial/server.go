package trial

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// Deadline kinds the trial keeps.
const (
	KindTimeLimit = "trial.time_limit"
	KindAppeal    = "trial.appeal"
	// KindPosting is the wait, after the last appeal period of a judgment
	// ended, for an appeal posted in time (Config.AppealPostingDays).
	KindPosting = "trial.appeal_posting"
)

const maxText = 4000

// Server implements ipcasev1.TrialServiceServer.
type Server struct {
	ipcasev1.UnimplementedTrialServiceServer
	store  *Store
	clocks *clock.Store
	now    func() time.Time
}

var _ ipcasev1.TrialServiceServer = (*Server)(nil)

// NewServer returns a Server over st, keeping statutory clocks in clocks,
// reading the time from now.
func NewServer(st *Store, clocks *clock.Store, now func() time.Time) *Server {
	if st == nil || clocks == nil || now == nil {
		panic("trial.NewServer: nil dependency")
	}
	// render reads the trial's clocks
	st.Prefetch(clocks.CurrentFirst)
	st.confirm.Prefetch(clocks.CurrentFirst)
	return &Server{store: st, clocks: clocks, now: now}
}

// ownCourt refuses a court acting on a case before another court: a court
// sees every matter with a proceeding before it, but changes only its own.
func ownCourt(ctx context.Context, court string) error {
	if p, _ := auth.FromContext(ctx); p.Role == auth.Court && p.Court != court {
		return errs.Errorf(errs.PermissionDenied, "the case is before %s, not %s", court, p.Court)
	}
	return nil
}

func (s *Server) render(wrap func(*ipcasev1.Trial) proto.Message) func(*Change) ([]byte, error) {
	return func(c *Change) ([]byte, error) {
		t, err := s.present(c)
		if err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(t))
	}
}

// present converts the record, with its clocks as stored (refresh).
func (s *Server) present(c *Change) (*ipcasev1.Trial, error) {
	if err := refresh(c.Tx, s.clocks, c.Record); err != nil {
		return nil, err
	}
	return toProto(c.Record)
}

// refresh takes t's time limit and each party's last day to appeal from
// the stored deadlines, which follow extensions and the recomputations
// made when a year's holiday notice is loaded.
func refresh(tx store.Tx, clocks *clock.Store, t *Trial) error {
	if t.TimeLimitDue != nil {
		if d, ok, err := clocks.Current(tx, string(t.ProceedingID), KindTimeLimit); err != nil {
			return err
		} else if ok {
			t.TimeLimitDue, t.TimeLimitProvisional = &d.Due, d.Provisional
		}
	}
	for i := range t.Services {
		sv := &t.Services[i]
		if sv.AppealDue.IsZero() { // a final judgment
			continue
		}
		if d, ok, err := clocks.Latest(tx, clock.ByKind(string(t.ProceedingID), KindAppeal, sv.Party)); err != nil {
			return err
		} else if ok {
			sv.AppealDue, sv.AppealDueProvisional = d.Due, d.Provisional
		}
	}
	return nil
}

// change runs fn as a change of the trial named name by its own court.
func (s *Server) change(ctx context.Context, req request.Identified, name, etag string, v *request.Validator,
	resp proto.Message, fn func(*Change) error, render func(*Change) ([]byte, error), reads ...filing.Read) error {
	return s.store.Transition(ctx, req, name, etag, v, s.now(), func(c *Change) error {
		if err := ownCourt(ctx, c.Record.Court); err != nil {
			return err
		}
		return fn(c)
	}, render, resp, reads...)
}

// GetTrial returns a trial.
func (s *Server) GetTrial(ctx context.Context, req *ipcasev1.GetTrialRequest) (*ipcasev1.GetTrialResponse, error) {
	var v request.Validator
	mid, pid := v.Proceeding("name", req.GetName())
	if err := v.Err(); err != nil {
		return nil, err
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	c, err := s.store.Get(ctx, filing.MatterID(mid), filing.ProceedingID(pid), at)
	if errors.Is(err, errs.NotFound) {
		// Not a trial: a judicial confirmation, or else the trial's answer,
		// which for a matter the caller may not see is that of one that
		// does not exist.
		if cc, cerr := s.store.confirm.Get(ctx, filing.MatterID(mid), filing.ProceedingID(pid), at); !errors.Is(cerr, errs.NotFound) {
			c, err = cc, cerr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("GetTrial(%s): %w", req.GetName(), err)
	}
	t, err := s.present(c)
	if err != nil {
		return nil, err
	}
	return &ipcasev1.GetTrialResponse{Trial: t}, nil
}

// timeLimit is the trial time limit of a case: CPL Art. 152 (ordinary, 6
// months), Art. 164 (summary, 3 months), Art. 183 (second instance, 3
// months against a judgment, 30 days against a ruling);
// Administrative Litigation Law Arts. 81 and 88 (6 and 3 months). A
// foreign-related civil case is not bound by Arts. 152 and 183 (Art. 287);
// Art. 164 is not named there, so a summary procedure keeps its 3 months.
// Criminal time limits are not kept (ok false).
func timeLimit(kind Kind, inst Instance, proc Procedure, foreign, rulingAppeal bool) (p deadline.Period, ok bool) {
	switch {
	case kind == Criminal:
		return deadline.Period{}, false
	case kind == Administrative && inst == Second:
		return deadline.AdministrativeSecondInstance, true
	case kind == Administrative:
		return deadline.AdministrativeFirstInstance, true
	case foreign && (inst == Second || proc == Ordinary):
		return deadline.Period{}, false
	case inst == Second && rulingAppeal:
		return deadline.RulingAppealTimeLimit, true
	case inst == Second:
		return deadline.SecondInstanceTimeLimit, true
	case proc == Summary:
		return deadline.SummaryTimeLimit, true
	default:
		return deadline.OrdinaryTimeLimit, true
	}
}

// foreignRelated reports whether m has a party domiciled abroad, which
// makes its case foreign-related (SPC Interpretation on the Application of
// the CPL (2022) Art. 520(1)-(2)).
func foreignRelated(m *filing.Matter) bool {
	return slices.ContainsFunc(m.Parties(), func(p filing.Party) bool { return p.Country != "" && p.Country != "CN" })
}

// docket numbers t, the record of c's proceeding or of one c opened, at its
// court and starts its time limit, on c's day: foreign says the case is
// foreign-related for a reason the parties do not show, rulingAppeal that
// it is an appeal against a ruling. A time limit reaching a year whose
// holiday notice is not published yet keeps its raw end, provisional,
// until the calendar is loaded.
func (s *Server) docket(c *Change, t *Trial, p *filing.Proceeding, kind Kind, inst Instance, proc Procedure, foreign, rulingAppeal bool) error {
	if t.State != AwaitingDocketing {
		return errs.Errorf(errs.FailedPrecondition, "the trial is %s; only a case awaiting docketing is docketed", t.State)
	}
	code, ip := typeCode(kind, inst)
	n, err := nextCourtNumber(c.Tx, t.Court, c.Today.Year, code, ip)
	if err != nil {
		return err
	}
	var due civil.Date
	provisional := false
	t.ForeignRelated = foreign || foreignRelated(c.Matter)
	limit, track := timeLimit(kind, inst, proc, t.ForeignRelated, rulingAppeal)
	if track {
		comp, err := limit.Due(s.clocks.Calendar(), c.Today)
		if _, uncovered := deadline.IsUncovered(err); uncovered {
			due, _ = c.Today.AddMonths(limit.Length)
			provisional = true
		} else if err != nil {
			return err
		} else {
			due = comp.Due
		}
	}
	if err := t.Docket(kind, inst, proc, n, c.Today, due, provisional); err != nil {
		return err
	}
	p.Number = t.Number
	if !track || provisional {
		return nil
	}
	_, err = s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(t.ProceedingID), Kind: KindTimeLimit,
		Trigger: c.Today, Period: limit})
	return err
}

// DocketTrial dockets a case awaiting docketing.
func (s *Server) DocketTrial(ctx context.Context, req *ipcasev1.DocketTrialRequest) (*ipcasev1.DocketTrialResponse, error) {
	var v request.Validator
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
	code, ip := typeCode(kind, inst)
	resp := &ipcasev1.DocketTrialResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			return s.docket(c, c.Record, c.Proceeding, kind, inst, proc, req.GetForeignRelated(), false)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.DocketTrialResponse{Trial: t} }),
		courtCounter(code, ip, s.now()))
}

// DeclineTrial declines to docket a case.
func (s *Server) DeclineTrial(ctx context.Context, req *ipcasev1.DeclineTrialRequest) (*ipcasev1.DeclineTrialResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.DeclineTrialResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.Decline(reason, c.Today) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.DeclineTrialResponse{Trial: t} }))
}

// ExtendTimeLimit extends the first-instance time limit with the
// president's approval: +6 months (CPL Art. 152), +1 month (Art. 164).
func (s *Server) ExtendTimeLimit(ctx context.Context, req *ipcasev1.ExtendTimeLimitRequest) (*ipcasev1.ExtendTimeLimitResponse, error) {
	var v request.Validator
	approvedBy := v.Text("approved_by", req.GetApprovedBy(), true, 200)
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.ExtendTimeLimitResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			if !slices.Contains([]State{Docketed, PreTrial, HearingScheduled, Heard}, t.State) {
				return errs.Errorf(errs.FailedPrecondition, "the time limit runs until judgment; the trial is %s", t.State)
			}
			if t.Kind != Civil || t.Instance != First {
				return errs.Errorf(errs.FailedPrecondition, "only a civil first instance's extension is kept (CPL Arts. 152, 164)")
			}
			if t.TimeLimitDue == nil {
				return errs.Errorf(errs.FailedPrecondition, "a foreign-related case has no time limit to extend (CPL Art. 287)")
			}
			ext := deadline.OrdinaryExtension
			if t.Procedure == Summary {
				ext = deadline.SummaryExtension
			}
			d, err := s.clocks.Extend(c.Tx, clock.ByKind(string(t.ProceedingID), KindTimeLimit, ""), ext, approvedBy, reason)
			if err != nil {
				return err
			}
			t.TimeLimitDue = &d.Due
			t.Record(events.TrialTimeLimitExtended, events.TimeLimitExtendedPayload{Months: ext.Length, Basis: ext.String(),
				ApprovedBy: approvedBy, Reason: reason, TimeLimitDue: d.Due})
			return nil
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ExtendTimeLimitResponse{Trial: t} }))
}

// PauseTimeLimit records a period the time limit does not count (SPC
// Interpretation on the Application of the CPL (2022) Art. 243) and
// extends the time limit by its days, counted on from the limit's last day
// before any move off a rest day.
func (s *Server) PauseTimeLimit(ctx context.Context, req *ipcasev1.PauseTimeLimitRequest) (*ipcasev1.PauseTimeLimitResponse, error) {
	var v request.Validator
	pp := req.GetPause()
	p := Pause{Reason: strings.TrimPrefix(pp.GetReason().String(), "TIME_LIMIT_PAUSE_REASON_"),
		Start: v.Date("pause.start", pp.GetStart(), civil.Date{}), End: v.Date("pause.end", pp.GetEnd(), civil.Date{}),
		Notes: v.Text("pause.notes", pp.GetNotes(), false, maxText)}
	if !slices.Contains(pauseReasons, p.Reason) {
		v.Add("pause.reason", "required: one of %s (SPC Interpretation on the Application of the CPL (2022) Art. 243)", strings.Join(pauseReasons, ", "))
	}
	if !p.Start.IsZero() && !p.End.IsZero() && p.End.Before(p.Start) {
		v.Add("pause.end", "must not be before pause.start (%s)", p.Start)
	}
	resp := &ipcasev1.PauseTimeLimitResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			switch {
			case !slices.Contains([]State{Docketed, PreTrial, HearingScheduled, Heard}, t.State):
				return errs.Errorf(errs.FailedPrecondition, "the time limit runs from docketing until judgment; the trial is %s", t.State)
			case t.TimeLimitDue == nil:
				return errs.Errorf(errs.FailedPrecondition, "no time limit is kept for this case (a criminal case, or a foreign-related civil case: CPL Art. 287)")
			case p.Start.Before(*t.DocketedOn):
				return errs.Field("pause.start", "must not be before docketing (%s): the time limit starts then", t.DocketedOn)
			case p.Start.After(c.Today):
				return errs.Field("pause.start", "%s is in the future: record a pause once it has begun", p.Start)
			}
			for _, o := range t.Pauses {
				if p.overlaps(o) {
					return errs.Field("pause", "overlaps the %s pause of %s – %s: a day is not left out twice", o.Reason, o.Start, o.End)
				}
			}
			period := deadline.TimeLimitPause(p.Days())
			d, err := s.clocks.Extend(c.Tx, clock.ByKind(string(t.ProceedingID), KindTimeLimit, ""), period, "the court "+t.Court,
				fmt.Sprintf("%s %s – %s not counted", p.Reason, p.Start, p.End))
			if err != nil {
				return err
			}
			t.PauseTimeLimit(p, period.String(), d.Due)
			return nil
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.PauseTimeLimitResponse{Trial: t} }))
}

// AssignPanel forms the panel.
func (s *Server) AssignPanel(ctx context.Context, req *ipcasev1.AssignPanelRequest) (*ipcasev1.AssignPanelResponse, error) {
	var v request.Validator
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
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.AssignPanel(members) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.AssignPanelResponse{Trial: t} }))
}

// OrderPreservation records a preservation order.
func (s *Server) OrderPreservation(ctx context.Context, req *ipcasev1.OrderPreservationRequest) (*ipcasev1.OrderPreservationResponse, error) {
	var v request.Validator
	o := req.GetOrder()
	p := Preservation{Kind: strings.TrimPrefix(o.GetKind().String(), "PRESERVATION_KIND_"), Subject: v.Text("order.subject", o.GetSubject(), true, maxText),
		Security: v.Yuan("order.security_yuan", o.GetSecurityYuan(), false)}
	if o.GetKind() == ipcasev1.PreservationKind_PRESERVATION_KIND_UNSPECIFIED {
		v.Add("order.kind", "required: EVIDENCE, PROPERTY or CONDUCT")
	}
	if o.GetApplicant() != "" {
		p.Applicant = v.Party("order.applicant", o.GetApplicant())
	}
	today := civil.Today(s.now())
	p.OrderedOn = v.Date("order.ordered_on", o.GetOrderedOn(), today)
	resp := &ipcasev1.OrderPreservationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if _, ok := c.Matter.Party(p.Applicant); p.Applicant != "" && !ok {
				return errs.Field("order.applicant", "parties/%s is not a party of this matter", p.Applicant)
			}
			return c.Record.OrderPreservation(p)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.OrderPreservationResponse{Trial: t} }))
}

// RecordEvidenceExchange records an evidence exchange.
func (s *Server) RecordEvidenceExchange(ctx context.Context, req *ipcasev1.RecordEvidenceExchangeRequest) (*ipcasev1.RecordEvidenceExchangeResponse, error) {
	var v request.Validator
	x := req.GetExchange()
	e := Exchange{HeldOn: v.Date("exchange.held_on", x.GetHeldOn(), civil.Today(s.now())), SHA256: x.GetSha256(),
		Notes: v.Text("exchange.notes", x.GetNotes(), false, maxText)}
	for i, d := range e.SHA256 {
		if !request.IsSHA256(d) {
			v.Add(fmt.Sprintf("exchange.sha256[%d]", i), "must be a SHA-256 digest in lower-case hex")
		}
	}
	resp := &ipcasev1.RecordEvidenceExchangeResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RecordExchange(e) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RecordEvidenceExchangeResponse{Trial: t} }))
}

// ScheduleHearing schedules the hearing.
func (s *Server) ScheduleHearing(ctx context.Context, req *ipcasev1.ScheduleHearingRequest) (*ipcasev1.ScheduleHearingResponse, error) {
	var v request.Validator
	h := Hearing{Date: v.Date("date", req.GetDate(), civil.Date{}), Place: v.Text("place", req.GetPlace(), true, 200)}
	resp := &ipcasev1.ScheduleHearingResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if h.Date.Before(c.Today) {
				return errs.Field("date", "a hearing is scheduled on a future day; %s is past", h.Date.String())
			}
			return c.Record.ScheduleHearing(h)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ScheduleHearingResponse{Trial: t} }))
}

// RecordTrialHearing records the hearing held.
func (s *Server) RecordTrialHearing(ctx context.Context, req *ipcasev1.RecordTrialHearingRequest) (*ipcasev1.RecordTrialHearingResponse, error) {
	var v request.Validator
	record := v.Text("record", req.GetRecord(), true, 20000)
	for i, a := range req.GetAttendees() {
		v.Text(fmt.Sprintf("attendees[%d]", i), a, true, 200)
	}
	resp := &ipcasev1.RecordTrialHearingResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if t := c.Record; t.State == HearingScheduled && c.Today.Before(t.Hearings[len(t.Hearings)-1].Date) {
				return errs.Errorf(errs.FailedPrecondition, "the hearing is scheduled for %s", t.Hearings[len(t.Hearings)-1].Date.String())
			}
			return c.Record.RecordHearing(req.GetAttendees(), record)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RecordTrialHearingResponse{Trial: t} }))
}

// EnterJudgment pronounces judgment, with damages computed by package
// damages and stored, with their steps and citations, on the judgment.
func (s *Server) EnterJudgment(ctx context.Context, req *ipcasev1.EnterJudgmentRequest) (*ipcasev1.EnterJudgmentResponse, error) {
	var v request.Validator
	j := Judgment{Ruling: req.GetRuling(), InfringementFound: req.GetInfringementFound(),
		Injunction: v.Text("injunction", req.GetInjunction(), false, maxText), Costs: v.Yuan("costs_yuan", req.GetCostsYuan(), false),
		CostsBorneBy: v.Text("costs_borne_by", req.GetCostsBorneBy(), false, 200), JudgedOn: v.Date("judged_on", req.GetJudgedOn(), civil.Today(s.now()))}
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
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if j.JudgedOn.After(c.Today) {
				return errs.Field("judged_on", "%s is in the future", j.JudgedOn.String())
			}
			if err := c.Record.Judge(j); err != nil {
				return err
			}
			if c.Record.Court == SupremeCourt { // effective when pronounced (CPL Art. 158)
				if err := c.Record.takeEffect(c.Matter, j.JudgedOn); err != nil {
					return err
				}
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindTimeLimit)
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.EnterJudgmentResponse{Trial: t} }))
}

// appealPeriod is a party's appeal period in a case of kind: in a civil
// case 15 days from service of a judgment, 10 of a ruling (CPL Art. 171);
// in an administrative case the same (Administrative Litigation Law
// Art. 85); 30 for a party with no domicile in China (CPL Art. 286,
// applied to administrative cases by Administrative Litigation Law
// Art. 101, as courts do in trademark review cases of foreign applicants).
// In a criminal case 10 days against a judgment and 5 against a ruling,
// from the day after receipt, for every party: the Criminal Procedure Law
// has no longer period for parties abroad (Criminal Procedure Law Art. 230).
func appealPeriod(kind Kind, ruling bool, country string) deadline.Period {
	switch {
	case kind == Criminal && ruling:
		return deadline.CriminalRulingAppeal
	case kind == Criminal:
		return deadline.CriminalJudgmentAppeal
	case country != "" && country != "CN":
		return deadline.ForeignPartyAppeal
	case kind == Administrative && ruling:
		return deadline.AdministrativeRulingAppeal
	case kind == Administrative:
		return deadline.AdministrativeJudgmentAppeal
	case ruling:
		return deadline.RulingAppeal
	default:
		return deadline.JudgmentAppeal
	}
}

// ServeJudgment records service on a party and starts its appeal period. A
// final judgment has none (Trial.finality): a second instance's takes
// effect once it is served on every party of the matter, on the day of the
// last service (ipcase's reading: the CPL does not say when a judgment
// served on the parties on different days takes effect, and service of the
// last party is the majority answer); one of the Supreme People's Court
// took effect when pronounced.
func (s *Server) ServeJudgment(ctx context.Context, req *ipcasev1.ServeJudgmentRequest) (*ipcasev1.ServeJudgmentResponse, error) {
	var v request.Validator
	party := v.Party("party", req.GetParty())
	servedOn := v.Date("served_on", req.GetServedOn(), civil.Today(s.now()))
	resp := &ipcasev1.ServeJudgmentResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			p, ok := c.Matter.Party(party)
			switch {
			case !ok:
				return errs.Field("party", "parties/%s is not a party of this matter", party)
			case t.State != Judged && t.State != Appealed && (t.State != Effective || t.finality() == ""):
				return errs.Errorf(errs.FailedPrecondition, "a judgment is served once pronounced; the trial is %s", t.State)
			case t.service(party) != nil:
				return errs.Errorf(errs.FailedPrecondition, "the judgment was served on parties/%s on %s", party, t.service(party).ServedOn.String())
			case servedOn.After(c.Today) || servedOn.Before(t.Judgment.JudgedOn):
				return errs.Field("served_on", "must lie between the judgment (%s) and today (%s)", t.Judgment.JudgedOn, c.Today)
			}
			if why := t.finality(); why != "" {
				rule := "no appeal: " + why
				t.Services = append(t.Services, Service{Party: party, ServedOn: servedOn, AppealRule: rule})
				t.Record(events.TrialJudgmentServed, events.ServedPayload{Party: "parties/" + party, ServedOn: servedOn, AppealRule: rule})
				if t.State != Judged {
					return nil
				}
				last := servedOn
				for _, mp := range c.Matter.Parties() {
					sv := t.service(mp.ID)
					if sv == nil {
						return nil
					}
					if sv.ServedOn.After(last) {
						last = sv.ServedOn
					}
				}
				return t.takeEffect(c.Matter, last)
			}
			period := appealPeriod(t.Kind, t.Judgment.Ruling, p.Country)
			d, err := s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(t.ProceedingID), Kind: KindAppeal,
				PartyID: party, Trigger: servedOn, Period: period})
			if _, uncovered := deadline.IsUncovered(err); uncovered {
				return errs.Wrap(errs.FailedPrecondition, err, "the appeal period reaches a year whose holiday calendar is not loaded; load it first")
			} else if err != nil {
				return err
			}
			rule := period.String()
			t.Services = append(t.Services, Service{Party: party, ServedOn: servedOn, AppealDue: d.Due, AppealDueProvisional: d.Provisional,
				AppealRule: rule})
			t.Record(events.TrialJudgmentServed, events.ServedPayload{Party: "parties/" + party, ServedOn: servedOn,
				AppealDue: d.Due, AppealRule: rule})
			return nil
		},
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ServeJudgmentResponse{Trial: t} }))
}

// FileAppeal records an appeal: in time, it opens the second instance at
// the appellate court (DOCKETED, numbered 终) and the first becomes
// APPEALED; a later appeal by another party joins it. An appeal is in time
// when it was handed in, or posted, by the last day of the party's period
// (CPL Art. 85 ¶4; Criminal Procedure Law Art. 105): one posted in time is
// accepted whenever it arrives, even after the judgment was recorded
// EFFECTIVE, which it reopens. A late appeal is refused with the last day,
// and an appeal against a final judgment with the reason; nothing is
// written.
func (s *Server) FileAppeal(ctx context.Context, req *ipcasev1.FileAppealRequest) (*ipcasev1.FileAppealResponse, error) {
	var v request.Validator
	party := v.Party("party", req.GetParty())
	filedOn := v.Date("filed_on", req.GetFiledOn(), civil.Today(s.now()))
	a := Appeal{Party: party, FiledOn: filedOn, PostedOn: v.OptionalDate("posted_on", req.GetPostedOn()),
		AppellateCourt: v.Code("appellate_court", req.GetAppellateCourt(), true), Grounds: v.Text("grounds", req.GetGrounds(), false, maxText)}
	var second *Trial
	resp := &ipcasev1.FileAppealResponse{}
	render := func(c *Change) ([]byte, error) {
		t, err := s.present(c)
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
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			if err := refresh(c.Tx, s.clocks, t); err != nil {
				return err
			}
			sv := t.service(party)
			_, isParty := c.Matter.Party(party)
			lodged, how := a.lodged()
			switch {
			case t.Judgment != nil && t.finality() != "":
				return errs.Errorf(errs.FailedPrecondition, "no appeal lies against %s: %s", t.Number, t.finality())
			case t.State != Judged && t.State != Appealed && t.State != Effective:
				return errs.Errorf(errs.FailedPrecondition, "an appeal lies against a pronounced judgment; the trial is %s", t.State)
			case !isParty:
				return errs.Field("party", "parties/%s is not a party of this matter", party)
			case sv == nil:
				return errs.Errorf(errs.FailedPrecondition, "the judgment was not served on parties/%s yet; its appeal period has not started", party)
			case slices.ContainsFunc(t.Appeals, func(x Appeal) bool { return x.Party == party }):
				return errs.Errorf(errs.AlreadyExists, "parties/%s already appealed", party)
			case filedOn.After(c.Today) || filedOn.Before(sv.ServedOn):
				return errs.Field("filed_on", "must lie between service (%s) and today (%s)", sv.ServedOn, c.Today)
			case a.PostedOn != nil && (a.PostedOn.After(filedOn) || a.PostedOn.Before(sv.ServedOn)):
				return errs.Field("posted_on", "must lie between service (%s) and the day the court received the appeal (%s): "+
					"an appeal is not posted before the judgment it appeals reached the party, nor after it arrived, nor in the future",
					sv.ServedOn, filedOn)
			case lodged.After(sv.AppealDue):
				return errs.Errorf(errs.FailedPrecondition, "the appeal period of parties/%s ended on %s (%s, from service on %s); an appeal %s on %s is late",
					party, sv.AppealDue.String(), sv.AppealRule, sv.ServedOn.String(), how, lodged.String())
			case t.State == Appealed && a.AppellateCourt != t.Appeals[0].AppellateCourt:
				return errs.Field("appellate_court", "the appeal is before %s already", t.Appeals[0].AppellateCourt)
			}
			// A MISSED clock closes as MET too: the appeal was posted in
			// time. The wait for posted appeals ends with it.
			if _, err := s.clocks.Close(c.Tx, clock.ByKind(string(t.ProceedingID), KindAppeal, party), clock.StatusMet); err != nil {
				return err
			}
			if _, err := s.clocks.CloseProceeding(c.Tx, string(t.ProceedingID), clock.StatusCancelled, KindPosting); err != nil {
				return err
			}
			t.Appeals = append(t.Appeals, a)
			if t.State == Appealed {
				t.Record(events.TrialAppealed, events.AppealedPayload{Party: "parties/" + party, FiledOn: filedOn, PostedOn: a.PostedOn,
					AppellateCourt: a.AppellateCourt, SecondInstance: fmt.Sprintf("matters/%s/proceedings/%s", t.MatterID, t.SecondInstance)})
				return nil
			}
			if err := t.appeal(); err != nil {
				return err
			}
			var err error
			if second, err = s.openSecond(c, a); err != nil {
				return err
			}
			t.SecondInstance = string(second.ProceedingID)
			t.Record(events.TrialAppealed, events.AppealedPayload{Party: "parties/" + party, FiledOn: filedOn, PostedOn: a.PostedOn,
				AppellateCourt: a.AppellateCourt, SecondInstance: second.Name()})
			t.Take(&second.RecordMeta)
			return nil
		}, render,
		// What a first appeal's second instance needs: its number, and the
		// matter's clocks, of which its time limit is a new one.
		appealCounters(a.AppellateCourt, s.now()), s.clocks.MatterOfProceedingFirst)
}

// openSecond opens the second instance of c's trial at the appellate
// court, docketed on c's day.
func (s *Server) openSecond(c *Change, a Appeal) (*Trial, error) {
	first := c.Record
	p := c.Matter.OpenProceeding(c.At, Machine.Route(), a.AppellateCourt)
	t := &Trial{RecordMeta: filing.RecordMeta{ProceedingID: p.ID, MatterID: first.MatterID}, State: AwaitingDocketing,
		Court: a.AppellateCourt, Source: first.Name(), ReceivedOn: c.Today}
	t.Record(events.TrialReceived, events.TrialReceivedPayload{Court: t.Court, Source: t.Source, ReceivedOn: c.Today, Appeal: true})
	if err := s.docket(c, t, p, first.Kind, Second, Ordinary, first.ForeignRelated, first.Judgment.Ruling); err != nil {
		return nil, err
	}
	p.State, p.Updated = t.StateName(), c.At
	return t, s.store.Add(c, t)
}

// end withdraws or settles the trial and stops its clocks.
func (s *Server) end(c *Change, to State, reason string) error {
	if err := c.Record.End(to, reason); err != nil {
		return err
	}
	return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindTimeLimit)
}

// WithdrawTrial ends a trial by withdrawal.
func (s *Server) WithdrawTrial(ctx context.Context, req *ipcasev1.WithdrawTrialRequest) (*ipcasev1.WithdrawTrialResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.WithdrawTrialResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return s.end(c, Withdrawn, reason) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.WithdrawTrialResponse{Trial: t} }))
}

// SettleTrial ends a trial by settlement.
func (s *Server) SettleTrial(ctx context.Context, req *ipcasev1.SettleTrialRequest) (*ipcasev1.SettleTrialResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.SettleTrialResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return s.end(c, Settled, reason) },
		s.render(func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.SettleTrialResponse{Trial: t} }))
}
