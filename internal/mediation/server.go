package mediation

import (
	"context"
	"fmt"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
)

// confirmationPeriod: the joint application for judicial confirmation is
// made within 30 days after the agreement takes effect (CPL Art. 205;
// People's Mediation Law Art. 33).
const confirmationPeriod = 30

// KindConfirmation is the deadline kind of the confirmation window.
const KindConfirmation = "mediation.confirmation"

// Clock is what mediation needs from the statutory clocks (package
// deadline), declared at its use.
type Clock interface {
	Due(trigger time.Time, n int, unit, basis string) (time.Time, error)
	Track(tx *gorm.DB, matterID, proceedingID, kind string, trigger time.Time, n int, unit, basis string) error
	Settle(tx *gorm.DB, proceedingID string, kinds ...string) error
	Current(db *gorm.DB, proceedingID, kind string) (time.Time, bool, error)
}

// Workers names who worked a matter's enforcement case: a mediator must not
// be one of them. Package enforcement provides it.
type Workers func(db *gorm.DB, matterID string) ([]string, error)

// Store keeps mediations (table mediation_cases).
type Store = proceeding.Store[*Mediation]

// Tx is what a change of a mediation sees inside its transaction.
type Tx = proceeding.Tx[*Mediation]

// NewStore returns a Store over db; matters are read and locked through fs.
func NewStore(db *gorm.DB, fs *filing.Store) *Store {
	return proceeding.NewStore(db, fs, "mediation_cases", filing.KindMediation, "mediation", func() *Mediation { return &Mediation{} })
}

// Server implements ipcasev1.MediationServiceServer.
type Server struct {
	ipcasev1.UnimplementedMediationServiceServer
	store   *Store
	clock   Clock
	workers Workers
	now     func() time.Time
}

var _ ipcasev1.MediationServiceServer = (*Server)(nil)

// NewServer returns a Server.
func NewServer(st *Store, clock Clock, workers Workers, now func() time.Time) *Server {
	if st == nil || clock == nil || workers == nil || now == nil {
		panic("mediation.NewServer: nil dependency")
	}
	return &Server{store: st, clock: clock, workers: workers, now: now}
}

func (s *Server) render(wrap func(*ipcasev1.Mediation) proto.Message) func(*Tx) ([]byte, error) {
	return func(tx *Tx) ([]byte, error) {
		if err := s.refresh(tx.DB, tx.Record); err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(toProto(tx.Record)))
	}
}

// refresh takes the confirmation deadline from the stored deadlines, which
// follow recomputations when the holiday calendar changes.
func (s *Server) refresh(db *gorm.DB, m *Mediation) error {
	if m.Agreement == nil {
		return nil
	}
	due, ok, err := s.clock.Current(db, m.ProceedingID, KindConfirmation)
	if ok {
		m.ConfirmationDue = due
	}
	return err
}

func (s *Server) change(ctx context.Context, method string, req proceeding.Request, name, etag string, v *proceeding.Validator,
	resp proto.Message, fn func(tx *Tx, at, today time.Time) error, wrap func(*ipcasev1.Mediation) proto.Message) error {
	return proceeding.Change(ctx, s.store, "/ipcase.v1.MediationService/"+method, req, name, etag, v, s.now(), fn, s.render(wrap), resp)
}

// RequestMediation opens a mediation on a matter.
func (s *Server) RequestMediation(ctx context.Context, req *ipcasev1.RequestMediationRequest) (*ipcasev1.RequestMediationResponse, error) {
	var v proceeding.Validator
	v.RequestID(req.GetRequestId())
	mid := v.Matter("matter", req.GetMatter())
	forum := v.Code("forum", req.GetForum())
	note := v.Text("note", req.GetNote(), false, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := proceeding.Key(ctx, "/ipcase.v1.MediationService/RequestMediation", req)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	b, err := s.store.Open(ctx, k, events.ActorFrom(ctx), at, func(db *gorm.DB) (*Tx, error) {
		m, err := s.store.Filing().Lock(db, mid)
		if err != nil {
			return nil, err
		}
		if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(m)); err != nil {
			return nil, err
		}
		if m.State != filing.MatterAccepted {
			return nil, errs.Errorf(errs.FailedPrecondition, "matter %s is %s; mediation is requested on an accepted matter", m.Number, m.State)
		}
		for _, p := range m.Proceedings {
			if p.Kind == filing.KindMediation && slices.Contains([]filing.ProceedingState{"IN_PROGRESS", "AGREED"}, p.State) {
				return nil, errs.Errorf(errs.FailedPrecondition, "matter %s already has a mediation that is %s", m.Number, p.State)
			}
		}
		p := routed(m, forum)
		if p == nil {
			p = m.OpenProceeding(at, filing.KindMediation, filing.ProceedingState(Requested), forum)
		}
		md := &Mediation{State: Requested, Forum: forum}
		md.ProceedingID = string(p.ID)
		md.Parties = append(md.Parties, Party{ID: m.Complainant.ID, Name: m.Complainant.Name, Role: "COMPLAINANT"})
		for _, r := range m.Respondents {
			md.Parties = append(md.Parties, Party{ID: r.ID, Name: r.Name, Role: "RESPONDENT"})
		}
		actor := events.ActorFrom(ctx)
		md.Record("mediation.requested", map[string]any{"forum": forum, "requestedBy": actor.Role, "note": note})
		return &Tx{DB: db, Matter: m, Proceeding: p, Record: md}, nil
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
		if p.Kind == filing.KindMediation && p.State == filing.ProceedingState(Requested) && p.Forum == forum {
			return p
		}
	}
	return nil
}

// GetMediation returns a mediation; rights holders do not see session notes.
func (s *Server) GetMediation(ctx context.Context, req *ipcasev1.GetMediationRequest) (*ipcasev1.GetMediationResponse, error) {
	mid, pid := proceeding.ParseName(req.GetName())
	if mid == "" {
		return nil, errs.Field("name", "must be a proceeding name, matters/{matter}/proceedings/{proceeding}, got %q", req.GetName())
	}
	tx, err := s.store.Get(ctx, mid, pid)
	if err != nil {
		return nil, fmt.Errorf("GetMediation(%s): %w", req.GetName(), err)
	}
	if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(tx.Matter)); err != nil {
		return nil, err
	}
	method, _ := grpc.Method(ctx)
	if err := audit.Log(ctx, tx.DB, method, s.now().UTC(), string(mid)); err != nil {
		return nil, err
	}
	if err := s.refresh(tx.DB, tx.Record); err != nil {
		return nil, err
	}
	out := toProto(tx.Record)
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
	var v proceeding.Validator
	party := v.Party("party", req.GetParty())
	on := v.Date("consented_on", req.GetConsentedOn(), filing.Today(s.now()))
	resp := &ipcasev1.RecordConsentResponse{}
	return resp, s.change(ctx, "RecordConsent", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			p, _ := auth.FromContext(ctx)
			if p.Role == auth.RightsHolder && !p.ActsFor(party) {
				return errs.Errorf(errs.PermissionDenied, "a rights holder records the consent of its own party only")
			}
			return tx.Record.Consent(party, req.GetConsents(), on, p.Subject)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordConsentResponse{Mediation: m} })
}

// AssignMediator assigns the mediator.
func (s *Server) AssignMediator(ctx context.Context, req *ipcasev1.AssignMediatorRequest) (*ipcasev1.AssignMediatorResponse, error) {
	var v proceeding.Validator
	subject := v.Text("mediator", req.GetMediator(), true, 256)
	name := v.Text("display_name", req.GetDisplayName(), true, 200)
	resp := &ipcasev1.AssignMediatorResponse{}
	return resp, s.change(ctx, "AssignMediator", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			workers, err := s.workers(tx.DB, string(tx.Matter.ID))
			if err != nil {
				return err
			}
			return tx.Record.AssignMediator(subject, name, workers)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.AssignMediatorResponse{Mediation: m} })
}

// StartMediation starts the mediation.
func (s *Server) StartMediation(ctx context.Context, req *ipcasev1.StartMediationRequest) (*ipcasev1.StartMediationResponse, error) {
	var v proceeding.Validator
	resp := &ipcasev1.StartMediationResponse{}
	return resp, s.change(ctx, "StartMediation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.Start() },
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.StartMediationResponse{Mediation: m} })
}

// RecordSession records a session.
func (s *Server) RecordSession(ctx context.Context, req *ipcasev1.RecordSessionRequest) (*ipcasev1.RecordSessionResponse, error) {
	var v proceeding.Validator
	ses := req.GetSession()
	if ses == nil {
		v.Add("session", "required")
	}
	session := Session{Date: v.Date("session.date", ses.GetDate(), filing.Today(s.now())), Notes: v.Text("session.notes", ses.GetNotes(), false, 20000)}
	if len(ses.GetAttendees()) == 0 || len(ses.GetAttendees()) > 50 {
		v.Add("session.attendees", "list 1–50 attendees")
	}
	for _, a := range ses.GetAttendees() {
		session.Attendees = append(session.Attendees, v.Text("session.attendees", a, true, 200))
	}
	resp := &ipcasev1.RecordSessionResponse{}
	return resp, s.change(ctx, "RecordSession", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.RecordSession(session) },
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordSessionResponse{Mediation: m} })
}

// RecordAgreement records the agreement and starts the confirmation clock.
func (s *Server) RecordAgreement(ctx context.Context, req *ipcasev1.RecordAgreementRequest) (*ipcasev1.RecordAgreementResponse, error) {
	var v proceeding.Validator
	a := req.GetAgreement()
	if a == nil {
		v.Add("agreement", "required")
	}
	agreement := Agreement{Payment: v.Yuan("agreement.payment_yuan", a.GetPaymentYuan(), false),
		WithdrawComplaints: a.GetWithdrawComplaints(), Other: v.Text("agreement.other_terms", a.GetOtherTerms(), false, 20000),
		EffectiveOn: v.Date("agreement.effective_on", a.GetEffectiveOn(), time.Time{})}
	if a.GetPaymentDue() != "" {
		d := v.Date("agreement.payment_due", a.GetPaymentDue(), time.Time{})
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
	return resp, s.change(ctx, "RecordAgreement", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			const basis = "CPL Art. 205: joint application for judicial confirmation within 30 days after the agreement takes effect"
			due, err := s.clock.Due(agreement.EffectiveOn, confirmationPeriod, "calendar-days", basis)
			if err != nil {
				return err
			}
			if err := tx.Record.Agree(agreement, due); err != nil {
				return err
			}
			return s.clock.Track(tx.DB, string(tx.Matter.ID), tx.Record.ProceedingID, KindConfirmation, agreement.EffectiveOn,
				confirmationPeriod, "calendar-days", basis)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RecordAgreementResponse{Mediation: m} })
}

// FailMediation records that mediation failed.
func (s *Server) FailMediation(ctx context.Context, req *ipcasev1.FailMediationRequest) (*ipcasev1.FailMediationResponse, error) {
	var v proceeding.Validator
	reason := v.Text("reason", req.GetReason(), true, 2000)
	resp := &ipcasev1.FailMediationResponse{}
	return resp, s.change(ctx, "FailMediation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error { return tx.Record.Fail(reason) },
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.FailMediationResponse{Mediation: m} })
}

// WithdrawMediation records a party's withdrawal.
func (s *Server) WithdrawMediation(ctx context.Context, req *ipcasev1.WithdrawMediationRequest) (*ipcasev1.WithdrawMediationResponse, error) {
	var v proceeding.Validator
	party := v.Party("party", req.GetParty())
	reason := v.Text("reason", req.GetReason(), false, 2000)
	resp := &ipcasev1.WithdrawMediationResponse{}
	return resp, s.change(ctx, "WithdrawMediation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			if p, _ := auth.FromContext(ctx); p.Role == auth.RightsHolder && !p.ActsFor(party) {
				return errs.Errorf(errs.PermissionDenied, "a rights holder withdraws its own party only")
			}
			if err := tx.Record.Withdraw(party, reason); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, tx.Record.ProceedingID)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.WithdrawMediationResponse{Mediation: m} })
}

// RequestConfirmation records the joint application to court.
func (s *Server) RequestConfirmation(ctx context.Context, req *ipcasev1.RequestConfirmationRequest) (*ipcasev1.RequestConfirmationResponse, error) {
	var v proceeding.Validator
	c := Confirmation{Court: v.Code("court", req.GetCourt()), AppliedOn: v.Date("applied_on", req.GetAppliedOn(), filing.Today(s.now()))}
	for i, a := range req.GetApplicants() {
		c.Applicants = append(c.Applicants, v.Party(fmt.Sprintf("applicants[%d]", i), a))
	}
	resp := &ipcasev1.RequestConfirmationResponse{}
	return resp, s.change(ctx, "RequestConfirmation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, _ time.Time) error {
			if err := s.refresh(tx.DB, tx.Record); err != nil {
				return err
			}
			if err := tx.Record.RequestConfirmation(c, "matters/"+string(tx.Matter.ID), tx.Matter.Number); err != nil {
				return err
			}
			return s.clock.Settle(tx.DB, tx.Record.ProceedingID, KindConfirmation)
		},
		func(m *ipcasev1.Mediation) proto.Message { return &ipcasev1.RequestConfirmationResponse{Mediation: m} })
}

func toProto(m *Mediation) *ipcasev1.Mediation {
	out := &ipcasev1.Mediation{Name: proceeding.Name(&m.Meta), Matter: "matters/" + m.MatterID,
		State: ipcasev1.ProceedingState(ipcasev1.ProceedingState_value["PROCEEDING_STATE_"+string(m.State)]),
		Forum: m.Forum, Etag: m.Etag(), Mediator: m.Mediator, MediatorName: m.MediatorName, EndReason: m.EndReason}
	for _, p := range m.Parties {
		mp := &ipcasev1.MediationParty{Party: "parties/" + p.ID, DisplayName: p.Name, Role: p.Role, Consented: p.Consented}
		if p.ConsentedOn != nil && p.Consented {
			mp.ConsentedOn = day(*p.ConsentedOn)
		}
		out.Parties = append(out.Parties, mp)
	}
	for _, s := range m.Sessions {
		out.Sessions = append(out.Sessions, &ipcasev1.MediationSession{Date: day(s.Date), Attendees: s.Attendees, Notes: s.Notes})
	}
	if a := m.Agreement; a != nil {
		pa := &ipcasev1.MediationAgreement{PaymentYuan: a.Payment.String(), CessationUndertakings: a.Cessation,
			WithdrawComplaints: a.WithdrawComplaints, OtherTerms: a.Other, EffectiveOn: day(a.EffectiveOn)}
		if a.PaymentDue != nil {
			pa.PaymentDue = day(*a.PaymentDue)
		}
		out.Agreement = pa
		out.ConfirmationDue = day(m.ConfirmationDue)
	}
	if o := m.Outcome; o != nil {
		out.Outcome = &ipcasev1.ConfirmationOutcome{Confirmed: o.Confirmed, Court: o.Court, CourtNumber: o.CourtNumber, DecidedOn: day(o.On), Reason: o.Reason}
	}
	if c := m.Confirmation; c != nil {
		pc := &ipcasev1.ConfirmationApplication{Court: c.Court, AppliedOn: day(c.AppliedOn)}
		for _, a := range c.Applicants {
			pc.Applicants = append(pc.Applicants, "parties/"+a)
		}
		out.Confirmation = pc
	}
	return out
}
