package enforcement

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
)

// decisionPeriod: decide within 90 days of opening (Administrative Penalty
// Law Art. 60; SAMR Provisions Art. 64), +30 with the head's approval.
const (
	decisionPeriod  = 90
	extensionPeriod = 30
	windowDays      = 5 // statement, defence, hearing request: SAMR Provisions Art. 57 ¶2; APL Art. 64(1), Art. 85
	hearingNotice   = 7 // APL Art. 64(2)
)

// Server implements ipcasev1.EnforcementServiceServer.
type Server struct {
	ipcasev1.UnimplementedEnforcementServiceServer
	store *Store
	clock Clock
	now   func() time.Time
	// hearing holds agencies' own hearing thresholds (SAMR Hearing Measures
	// Art. 5 ¶2); agencies not listed use the SAMR defaults.
	hearing map[string]damages.HearingThresholds
}

var _ ipcasev1.EnforcementServiceServer = (*Server)(nil)

// NewServer returns a Server over st, with statutory clocks clock, reading
// the time from now; hearing holds per-agency hearing thresholds.
func NewServer(st *Store, clock Clock, now func() time.Time, hearing map[string]damages.HearingThresholds) *Server {
	if st == nil || clock == nil || now == nil {
		panic("enforcement.NewServer: nil dependency")
	}
	return &Server{store: st, clock: clock, now: now, hearing: hearing}
}

func (s *Server) instant() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// render produces the response bytes of method from the case after a change.
func (s *Server) render(wrap func(*ipcasev1.EnforcementCase) proto.Message) func(*Tx) ([]byte, error) {
	return func(tx *Tx) ([]byte, error) {
		priors, err := priorInfringements(tx.DB, respondentIDs(tx.Matter), tx.Record.OpenedOn, tx.Record.MatterID)
		if err != nil {
			return nil, err
		}
		if err := s.refresh(tx.DB, tx.Record); err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(toProtoCase(tx, priors)))
	}
}

func respondentIDs(m *filing.Matter) []string {
	ids := make([]string, len(m.Respondents))
	for i, p := range m.Respondents {
		ids[i] = p.ID
	}
	return ids
}

// change runs fn as a change of the case named name (see
// proceeding.Change) and renders the response through wrap.
func (s *Server) change(ctx context.Context, method string, req proceeding.Request, name, etag string, v *validator,
	resp proto.Message, fn func(tx *Tx, at, today time.Time) error, wrap func(*ipcasev1.EnforcementCase) proto.Message) error {
	return proceeding.Change(ctx, s.store.Store, "/ipcase.v1.EnforcementService/"+method, req, name, etag, &v.Validator,
		s.now(), fn, s.render(wrap), resp)
}

// OpenEnforcement opens (立案) a case on an accepted matter or ex officio.
func (s *Server) OpenEnforcement(ctx context.Context, req *ipcasev1.OpenEnforcementRequest) (*ipcasev1.OpenEnforcementResponse, error) {
	var v validator
	agency := v.Code("agency", req.GetAgency())
	v.RequestID(req.GetRequestId())
	at := s.instant()
	today := filing.Today(at)
	var matterID filing.MatterID
	var exOfficio *filing.Matter
	switch src := req.GetSource().(type) {
	case *ipcasev1.OpenEnforcementRequest_Matter:
		matterID = v.Matter("matter", src.Matter)
	case *ipcasev1.OpenEnforcementRequest_ExOfficio:
		m, err := exOfficioMatter(src.ExOfficio, agency, today)
		if err != nil {
			v.Violations = append(v.Violations, err.(*errs.FieldErrors).Violations...)
		}
		exOfficio = m
	default:
		v.Add("source", "required: the accepted matter, or ex_officio")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if p, _ := auth.FromContext(ctx); p.Role == auth.Officer && p.Agency != agency {
		return nil, errs.Errorf(errs.PermissionDenied, "an officer of %s opens cases of %s, not %s", p.Agency, p.Agency, agency)
	}
	// A 90-day period can reach a year whose holiday notice is not out yet
	// (CALENDAR.md §3.5): the case still opens, with the raw end as a
	// provisional due day, and the deadline is stored once the calendar is
	// loaded.
	due, err := s.clock.Due(today, decisionPeriod, CalendarDays, "Administrative Penalty Law Art. 60")
	provisional := errors.Is(err, deadline.ErrProvisional)
	switch {
	case provisional:
		due = today.AddDate(0, 0, decisionPeriod)
	case err != nil:
		return nil, err
	}
	k, err := proceeding.Key(ctx, "/ipcase.v1.EnforcementService/OpenEnforcement", req)
	if err != nil {
		return nil, err
	}
	actor := events.ActorFrom(ctx)
	b, err := s.store.Open(ctx, k, actor, at, func(db *gorm.DB) (*Tx, error) {
		var m *filing.Matter
		var p *filing.Proceeding
		if exOfficio != nil {
			m = exOfficio
			if err := s.store.Filing().CreateIn(db, m, actor, at); err != nil {
				return nil, err
			}
			if err := m.Accept(at, filing.KindEnforcement, agency, "opened ex officio (依职权)", func() filing.ProceedingID {
				return filing.ProceedingID(newID())
			}); err != nil {
				return nil, err
			}
			if err := s.store.Filing().AppendEvents(db, m, actor, at, m.PendingEvents()...); err != nil {
				return nil, err
			}
			p = m.Proceedings[len(m.Proceedings)-1]
		} else {
			var err error
			if m, err = s.store.Filing().Lock(db, matterID); err != nil {
				return nil, err
			}
			if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(m)); err != nil {
				return nil, err
			}
			if m.State != filing.MatterAccepted {
				return nil, errs.Errorf(errs.FailedPrecondition, "matter %s is %s; an enforcement case is opened on an accepted matter", m.Number, m.State)
			}
			p = routedProceeding(m, agency)
			if p == nil {
				p = m.OpenProceeding(at, filing.KindEnforcement, filing.ProceedingState(Opened), agency)
			}
		}
		c := &Case{Meta: proceeding.Meta{ProceedingID: string(p.ID), MatterID: string(m.ID)}, State: Opened, Agency: agency,
			OpenedOn: today, DecisionDue: due, DecisionDueProvisional: provisional}
		c.Record("enforcement.opened", map[string]any{"agency": agency, "openedOn": day(today), "decisionDue": day(due),
			"decisionDueProvisional": provisional, "exOfficio": exOfficio != nil})
		if err := s.store.Filing().SaveProceedings(db, m, at); err != nil { // the clock refers to it
			return nil, err
		}
		err := s.clock.Track(db, string(m.ID), string(p.ID), KindDecision, today, decisionPeriod, CalendarDays,
			"Administrative Penalty Law Art. 60: decide within 90 days of opening the case")
		if err != nil && !errors.Is(err, deadline.ErrProvisional) {
			return nil, err
		}
		return &Tx{DB: db, Matter: m, Proceeding: p, Record: c}, nil
	}, s.render(func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.OpenEnforcementResponse{Case: c} }))
	if err != nil {
		return nil, fmt.Errorf("OpenEnforcement(%s): %w", req.GetAgency(), err)
	}
	resp := &ipcasev1.OpenEnforcementResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// routedProceeding is the enforcement proceeding that the matter's
// acceptance opened before agency and that has no case yet.
func routedProceeding(m *filing.Matter, agency string) *filing.Proceeding {
	for _, p := range m.Proceedings {
		if p.Kind == filing.KindEnforcement && p.State == filing.ProceedingState(Opened) && p.Forum == agency {
			return p
		}
	}
	return nil
}

// exOfficioMatter validates an ex officio case as a complaint filed with
// agency by the right holder of record, renaming the fields to the request's.
func exOfficioMatter(x *ipcasev1.ExOfficioCase, agency string, today time.Time) (*filing.Matter, error) {
	m, err := filing.ComplaintFromProto(&ipcasev1.SubmitComplaintRequest{Complainant: x.GetRightsHolder(), Respondents: x.GetRespondents(),
		Rights: x.GetRights(), Facts: x.GetFacts(), Evidence: x.GetEvidence(), Agency: agency}, today)
	if fe, ok := err.(*errs.FieldErrors); ok {
		for i, viol := range fe.Violations {
			if viol.Field == "agency" {
				continue
			}
			fe.Violations[i].Field = "ex_officio." + strings.Replace(viol.Field, "complainant", "rights_holder", 1)
		}
		return nil, fe
	}
	return m, err
}

// GetEnforcement returns a case.
func (s *Server) GetEnforcement(ctx context.Context, req *ipcasev1.GetEnforcementRequest) (*ipcasev1.GetEnforcementResponse, error) {
	mid, pid := proceeding.ParseName(req.GetName())
	if mid == "" {
		return nil, errs.Field("name", "must be a proceeding name, matters/{matter}/proceedings/{proceeding}, got %q", req.GetName())
	}
	tx, err := s.store.Get(ctx, mid, pid)
	if err != nil {
		return nil, fmt.Errorf("GetEnforcement(%s): %w", req.GetName(), err)
	}
	if err := auth.AuthorizeMatter(ctx, filing.ScopeOf(tx.Matter)); err != nil {
		return nil, err
	}
	method, _ := grpc.Method(ctx)
	if err := audit.Log(ctx, tx.DB, method, s.instant(), string(mid)); err != nil {
		return nil, err
	}
	b, err := s.render(func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.GetEnforcementResponse{Case: c} })(tx)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.GetEnforcementResponse{}
	return resp, proto.Unmarshal(b, resp)
}

func fineRequestJSON(r *ipcasev1.CalculateFineRequest) ([]byte, error) {
	return protojson.MarshalOptions{UseProtoNames: true}.Marshal(r)
}

// refresh takes the case's due days from the stored deadlines, the source
// of truth: they follow extensions and recomputations when the holiday
// calendar changes (a provisional decision day becomes a real one).
func (s *Server) refresh(db *gorm.DB, c *Case) error {
	if due, ok, err := s.clock.Current(db, c.ProceedingID, KindDecision); err != nil {
		return err
	} else if ok {
		c.DecisionDue, c.DecisionDueProvisional = due, false
	}
	if c.Notice != nil {
		if due, ok, err := s.clock.Current(db, c.ProceedingID, KindStatement); err != nil {
			return err
		} else if ok {
			c.Notice.WindowDue = due
		}
	}
	return nil
}
