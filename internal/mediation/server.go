package mediation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// Deadline kinds of mediations.
const (
	// KindConfirmation is the deadline kind of the confirmation window.
	KindConfirmation = "mediation.confirmation"
	// KindTerm is the time set for the mediation, from its start.
	KindTerm = "mediation.term"
)

// maxTermDays bounds the time a mediator may set: a year.
const maxTermDays = 366

// OpenCases names, in tx, the open enforcement cases of m, which resume
// when the right holder chooses enforcement after a mediation without
// agreement (package enforcement consumes mediation.route_chosen).
// Package enforcement provides it (enforcement.Store.OpenCases).
type OpenCases func(tx store.Tx, m *filing.Matter) ([]string, error)

// Workers names, in tx, who worked the enforcement cases of m: a mediator
// must not be one of them. Package enforcement provides it
// (enforcement.Store.Workers).
type Workers func(tx store.Tx, m *filing.Matter) ([]string, error)

// Store keeps mediations (table mediation_cases).
type Store = filing.Records[*Mediation]

// Change is a change of a mediation.
type Change = filing.Change[*Mediation]

// NewStore returns a Store over the matters of fs.
func NewStore(fs *filing.Store) *Store {
	return filing.NewRecords(fs, filing.KindMediation, "mediation", store.NewDocuments("mediation_cases"), func() *Mediation { return &Mediation{} })
}

// Server implements ipcasev1.MediationServiceServer.
type Server struct {
	ipcasev1.UnimplementedMediationServiceServer
	store   *Store
	clocks  *clock.Store
	workers Workers
	// workersFirst, if set, is workers' read, sent with BEGIN.
	workersFirst filing.Read
	open         OpenCases
	now          func() time.Time
}

// WithOpenCases makes s find with fn the enforcement cases a right holder
// resumes by choosing enforcement after a mediation without agreement;
// without it, that route is refused. Call it while wiring.
func (s *Server) WithOpenCases(fn OpenCases) *Server {
	s.open = fn
	return s
}

// WithWorkersFirst has AssignMediator send read, the read its workers make
// (enforcement.Store.WorkersFirst), with BEGIN.
func (s *Server) WithWorkersFirst(read filing.Read) *Server {
	s.workersFirst = read
	return s
}

var _ ipcasev1.MediationServiceServer = (*Server)(nil)

// NewServer returns a Server over st, keeping statutory clocks in clocks,
// refusing as mediator anyone workers names, reading the time from now.
func NewServer(st *Store, clocks *clock.Store, workers Workers, now func() time.Time) *Server {
	if st == nil || clocks == nil || workers == nil || now == nil {
		panic("mediation.NewServer: nil dependency")
	}
	st.Prefetch(clocks.CurrentFirst) // render reads the mediation's clocks
	return &Server{store: st, clocks: clocks, workers: workers, now: now}
}

func (s *Server) render(wrap func(*ipcasev1.Mediation) proto.Message) func(*Change) ([]byte, error) {
	return func(c *Change) ([]byte, error) {
		if err := s.refresh(c.Tx, c.Record); err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(toProto(c.Record)))
	}
}

// refresh takes the confirmation deadline from the stored deadlines, which
// follow recomputations when the holiday calendar changes.
func (s *Server) refresh(tx store.Tx, m *Mediation) error {
	if d, ok, err := s.clocks.Current(tx, string(m.ProceedingID), KindTerm); err != nil {
		return err
	} else if ok {
		m.TermDue = d.Due
	}
	if m.Agreement == nil {
		return nil
	}
	d, ok, err := s.clocks.Current(tx, string(m.ProceedingID), KindConfirmation)
	if ok {
		m.ConfirmationDue, m.ConfirmationDueProvisional = d.Due, d.Provisional
	}
	return err
}

func (s *Server) change(ctx context.Context, req request.Identified, name, etag string, v *request.Validator,
	resp proto.Message, fn func(*Change) error, wrap func(*ipcasev1.Mediation) proto.Message, reads ...filing.Read) error {
	return s.store.Transition(ctx, req, name, etag, v, s.now(), fn, s.render(wrap), resp, reads...)
}

// RequestMediation opens a mediation on a matter.
func (s *Server) RequestMediation(ctx context.Context, req *ipcasev1.RequestMediationRequest) (*ipcasev1.RequestMediationResponse, error) {
	var v request.Validator
	v.RequestID(req.GetRequestId())
	mid := filing.MatterID(v.Matter("matter", req.GetMatter()))
	forum := v.Code("forum", req.GetForum(), true)
	note := v.Text("note", req.GetNote(), false, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	actor := events.ActorFrom(ctx)
	clocks, err := s.clocks.MatterFirst(string(mid)) // what render reads
	if err != nil {
		return nil, err
	}
	b, err := s.store.OpenOn(ctx, key, mid, at, []store.First{clocks}, func(c *Change) error {
		m := c.Matter
		if !m.Routed() {
			return errs.Errorf(errs.FailedPrecondition, "matter %s is %s; mediation is requested on an accepted matter", m.Number, m.State)
		}
		for _, p := range m.Proceedings {
			if p.Kind == filing.KindMediation && slices.Contains(active, State(p.State)) {
				return errs.Errorf(errs.FailedPrecondition, "matter %s already has a mediation that is %s", m.Number, p.State)
			}
		}
		p := routed(m, forum)
		if p == nil {
			p = m.OpenProceeding(at, Machine.Route(), forum)
		}
		md := &Mediation{State: Requested, Forum: forum}
		for _, party := range m.Parties() {
			role := "RESPONDENT"
			if party.ID == m.Complainant.ID {
				role = "COMPLAINANT"
			}
			md.Parties = append(md.Parties, Party{ID: party.ID, Name: party.Name, Role: role})
		}
		md.ProceedingID = p.ID
		md.Record(events.MediationRequested, events.MediationRequestedPayload{Forum: forum, RequestedBy: actor.Role, Note: note})
		c.Proceeding, c.Record = p, md
		return nil
	}, s.render(func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RequestMediationResponse{Mediation: m} }))
	if err != nil {
		return nil, fmt.Errorf("RequestMediation(%s): %w", req.GetMatter(), err)
	}
	resp := &ipcasev1.RequestMediationResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// routed is the mediation proceeding the matter's acceptance opened before
// forum, without a record yet.
func routed(m *filing.Matter, forum string) *filing.Proceeding {
	for _, p := range m.Proceedings {
		if p.Kind == filing.KindMediation && State(p.State) == Machine.Initial && p.Forum == forum {
			return p
		}
	}
	return nil
}

// GetMediation returns a mediation; rights holders do not see session notes.
func (s *Server) GetMediation(ctx context.Context, req *ipcasev1.GetMediationRequest) (*ipcasev1.GetMediationResponse, error) {
	var v request.Validator
	mid, pid := v.Proceeding("name", req.GetName())
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, filing.MatterID(mid), filing.ProceedingID(pid), s.now().UTC())
	if err != nil {
		return nil, fmt.Errorf("GetMediation(%s): %w", req.GetName(), err)
	}
	if err := s.refresh(c.Tx, c.Record); err != nil {
		return nil, err
	}
	out := toProto(c.Record)
	if p, ok := auth.FromContext(ctx); ok && p.Role == auth.RightsHolder {
		for _, ses := range out.Sessions {
			ses.Notes = ""
		}
	}
	return &ipcasev1.GetMediationResponse{Mediation: out}, nil
}

// RecordConsent records a party's consent or refusal. A rights holder
// records only its own.
func (s *Server) RecordConsent(ctx context.Context, req *ipcasev1.RecordConsentRequest) (*ipcasev1.RecordConsentResponse, error) {
	var v request.Validator
	party := v.Party("party", req.GetParty())
	on := v.Date("consented_on", req.GetConsentedOn(), civil.Today(s.now()))
	resp := &ipcasev1.RecordConsentResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			p, _ := auth.FromContext(ctx)
			if p.Role == auth.RightsHolder && !p.ActsFor(party) {
				return errs.Errorf(errs.PermissionDenied, "a rights holder records the consent of its own party only")
			}
			return c.Record.Consent(party, req.GetConsents(), on, p.Subject)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordConsentResponse{Mediation: m} })
}

// AssignMediator assigns the mediator.
func (s *Server) AssignMediator(ctx context.Context, req *ipcasev1.AssignMediatorRequest) (*ipcasev1.AssignMediatorResponse, error) {
	var v request.Validator
	subject := v.Text("mediator", req.GetMediator(), true, 256)
	name := v.Text("display_name", req.GetDisplayName(), true, 200)
	var reads []filing.Read
	if s.workersFirst != nil {
		reads = append(reads, s.workersFirst)
	}
	resp := &ipcasev1.AssignMediatorResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			workers, err := s.workers(c.Tx, c.Matter)
			if err != nil {
				return err
			}
			return c.Record.AssignMediator(subject, name, workers)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.AssignMediatorResponse{Mediation: m} },
		reads...)
}

// StartMediation starts the mediation.
func (s *Server) StartMediation(ctx context.Context, req *ipcasev1.StartMediationRequest) (*ipcasev1.StartMediationResponse, error) {
	var v request.Validator
	days := int(req.GetTermDays())
	switch {
	case days == 0:
		days = deadline.DefaultMediationDays
	case days < 0 || days > maxTermDays:
		v.Add("term_days", "the time set for the mediation is 1 to %d days, got %d", maxTermDays, days)
	}
	term := deadline.MediationTerm(days)
	resp := &ipcasev1.StartMediationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			due, err := term.Due(s.clocks.Calendar(), c.Today)
			if err != nil {
				return err
			}
			if err := c.Record.Start(due.Due); err != nil {
				return err
			}
			_, err = s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(c.Record.ProceedingID), Kind: KindTerm,
				Trigger: c.Today, Period: term})
			return err
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.StartMediationResponse{Mediation: m} })
}

// RecordSession records a session.
func (s *Server) RecordSession(ctx context.Context, req *ipcasev1.RecordSessionRequest) (*ipcasev1.RecordSessionResponse, error) {
	var v request.Validator
	ses := req.GetSession()
	if ses == nil {
		v.Add("session", "required")
	}
	session := Session{Date: v.Date("session.date", ses.GetDate(), civil.Today(s.now())), Notes: v.Text("session.notes", ses.GetNotes(), false, 20000)}
	if len(ses.GetAttendees()) == 0 || len(ses.GetAttendees()) > 50 {
		v.Add("session.attendees", "list 1–50 attendees")
	}
	for _, a := range ses.GetAttendees() {
		session.Attendees = append(session.Attendees, v.Text("session.attendees", a, true, 200))
	}
	resp := &ipcasev1.RecordSessionResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.RecordSession(session) },
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordSessionResponse{Mediation: m} })
}

// RecordAgreement records the agreement and starts the confirmation clock.
func (s *Server) RecordAgreement(ctx context.Context, req *ipcasev1.RecordAgreementRequest) (*ipcasev1.RecordAgreementResponse, error) {
	var v request.Validator
	a := req.GetAgreement()
	if a == nil {
		v.Add("agreement", "required")
	}
	agreement := Agreement{Payment: v.Yuan("agreement.payment_yuan", a.GetPaymentYuan(), false),
		WithdrawComplaints: a.GetWithdrawComplaints(), Other: v.Text("agreement.other_terms", a.GetOtherTerms(), false, 20000),
		EffectiveOn: v.Date("agreement.effective_on", a.GetEffectiveOn(), civil.Date{})}
	if a.GetPaymentDue() != "" {
		d := v.Date("agreement.payment_due", a.GetPaymentDue(), civil.Date{})
		agreement.PaymentDue = &d
	}
	if len(a.GetCessationUndertakings()) > 50 {
		v.Add("agreement.cessation_undertakings", "too many: at most 50")
	}
	for _, c := range a.GetCessationUndertakings() {
		agreement.Cessation = append(agreement.Cessation, v.Text("agreement.cessation_undertakings", c, true, 2000))
	}
	if agreement.Payment == 0 && len(agreement.Cessation) == 0 && !agreement.WithdrawComplaints && agreement.Other == "" {
		v.Add("agreement", "an agreement needs at least one term: a payment, a cessation undertaking, a withdrawal or other terms")
	}
	resp := &ipcasev1.RecordAgreementResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			// A window reaching a year without a holiday notice is counted
			// on its statutory holidays and marked provisional, never
			// refused; the clock is recomputed when the notice is loaded.
			due, err := deadline.ConfirmationWindow.Due(s.clocks.Calendar(), agreement.EffectiveOn)
			if err != nil {
				return err
			}
			if err := c.Record.Agree(agreement, due.Due, due.Provisional); err != nil {
				return err
			}
			if err := s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindTerm); err != nil {
				return err
			}
			_, err = s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(c.Record.ProceedingID), Kind: KindConfirmation,
				Trigger: agreement.EffectiveOn, Period: deadline.ConfirmationWindow})
			return err
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordAgreementResponse{Mediation: m} })
}

// FailMediation records that mediation failed.
func (s *Server) FailMediation(ctx context.Context, req *ipcasev1.FailMediationRequest) (*ipcasev1.FailMediationResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, 2000)
	resp := &ipcasev1.FailMediationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := c.Record.Fail(reason); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.FailMediationResponse{Mediation: m} })
}

// WithdrawMediation records a party's withdrawal.
func (s *Server) WithdrawMediation(ctx context.Context, req *ipcasev1.WithdrawMediationRequest) (*ipcasev1.WithdrawMediationResponse, error) {
	var v request.Validator
	party := v.Party("party", req.GetParty())
	reason := v.Text("reason", req.GetReason(), false, 2000)
	resp := &ipcasev1.WithdrawMediationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if p, _ := auth.FromContext(ctx); p.Role == auth.RightsHolder && !p.ActsFor(party) {
				return errs.Errorf(errs.PermissionDenied, "a rights holder withdraws its own party only")
			}
			if err := c.Record.Withdraw(party, reason); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.WithdrawMediationResponse{Mediation: m} })
}

// ChooseRouteAfterMediation records the right holder's route after a
// mediation without agreement: enforcement resumes, or a suit is filed and
// the court receives the mediation's record.
func (s *Server) ChooseRouteAfterMediation(ctx context.Context, req *ipcasev1.ChooseRouteAfterMediationRequest) (*ipcasev1.ChooseRouteAfterMediationResponse, error) {
	var v request.Validator
	r := Route{}
	switch req.GetRoute() {
	case ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT:
		r.Kind = RouteEnforcement
		if req.GetCourt() != "" {
			v.Add("court", "must be empty: enforcement resumes before the agency of the matter's case")
		}
	case ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT:
		r.Kind, r.Court = RouteSuit, v.Code("court", req.GetCourt(), true)
	default:
		v.Add("route", "required: ENFORCEMENT (the matter's enforcement case resumes) or SUIT (the right holder sues)")
	}
	resp := &ipcasev1.ChooseRouteAfterMediationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			r.On = c.Today
			md := c.Record
			if !md.ended() || md.Route != nil {
				return md.ChooseRoute(r, events.MediationRecord{}) // the refusal, before anything else is written
			}
			if r.Kind == RouteEnforcement {
				var open []string
				if s.open != nil {
					var err error
					if open, err = s.open(c.Tx, c.Matter); err != nil {
						return err
					}
				}
				if len(open) == 0 {
					return errs.Errorf(errs.FailedPrecondition, "matter %s has no open enforcement case to resume: choose SUIT, "+
						"or ask the agency to open a case on the matter", c.Matter.Number)
				}
				r.Resumed = open
			}
			return md.ChooseRoute(r, md.CourtRecord(c.Matter.Name(), c.Matter.Number, r.Court, c.Today))
		},
		func(m *ipcasev1.Mediation) proto.Message {
			return &ipcasev1.ChooseRouteAfterMediationResponse{Mediation: m}
		})
}

// RequestConfirmation records the joint application to court.
func (s *Server) RequestConfirmation(ctx context.Context, req *ipcasev1.RequestConfirmationRequest) (*ipcasev1.RequestConfirmationResponse, error) {
	var v request.Validator
	conf := Confirmation{Court: v.Code("court", req.GetCourt(), true), AppliedOn: v.Date("applied_on", req.GetAppliedOn(), civil.Today(s.now()))}
	for i, a := range req.GetApplicants() {
		conf.Applicants = append(conf.Applicants, v.Party(fmt.Sprintf("applicants[%d]", i), a))
	}
	resp := &ipcasev1.RequestConfirmationResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			if err := c.Record.RequestConfirmation(conf, c.Matter.Name(), c.Matter.Number); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindConfirmation)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RequestConfirmationResponse{Mediation: m} })
}

func toProto(m *Mediation) *ipcasev1.Mediation {
	out := &ipcasev1.Mediation{Name: m.Name(), Matter: "matters/" + string(m.MatterID),
		State: ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(m.State)]),
		Forum: m.Forum, Etag: m.Etag(), Mediator: m.Mediator, MediatorName: m.MediatorName, EndReason: m.EndReason}
	for _, p := range m.Parties {
		mp := &ipcasev1.MediationParty{Party: "parties/" + p.ID, DisplayName: p.Name, Role: p.Role, Consented: p.Consented}
		if p.ConsentedOn != nil && p.Consented {
			mp.ConsentedOn = p.ConsentedOn.String()
		}
		out.Parties = append(out.Parties, mp)
	}
	for _, s := range m.Sessions {
		out.Sessions = append(out.Sessions, &ipcasev1.MediationSession{Date: s.Date.String(), Attendees: s.Attendees, Notes: s.Notes})
	}
	if a := m.Agreement; a != nil {
		pa := &ipcasev1.MediationAgreement{PaymentYuan: a.Payment.String(), CessationUndertakings: a.Cessation,
			WithdrawComplaints: a.WithdrawComplaints, OtherTerms: a.Other, EffectiveOn: a.EffectiveOn.String()}
		if a.PaymentDue != nil {
			pa.PaymentDue = a.PaymentDue.String()
		}
		out.Agreement = pa
		out.ConfirmationDue, out.ConfirmationDueProvisional = m.ConfirmationDue.String(), m.ConfirmationDueProvisional
	}
	if o := m.Outcome; o != nil {
		out.Outcome = &ipcasev1.ConfirmationOutcome{Confirmed: o.Confirmed, Court: o.Court, CourtNumber: o.CourtNumber, DecidedOn: o.On.String(), Reason: o.Reason}
	}
	if !m.TermDue.IsZero() {
		out.TermDue = m.TermDue.String()
	}
	if r := m.Route; r != nil {
		out.Route = &ipcasev1.RouteChoice{Route: ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT, Court: r.Court, ChosenOn: r.On.String(), Resumed: r.Resumed}
		if r.Kind == RouteSuit {
			out.Route.Route = ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT
		}
	}
	if c := m.Confirmation; c != nil {
		pc := &ipcasev1.ConfirmationApplication{Court: c.Court, AppliedOn: c.AppliedOn.String()}
		for _, a := range c.Applicants {
			pc.Applicants = append(pc.Applicants, "parties/"+a)
		}
		out.Confirmation = pc
	}
	return out
}
