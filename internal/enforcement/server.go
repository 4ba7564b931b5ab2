package enforcement

import (
	"context"
	"errors"
	"fmt"
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

// Server implements ipcasev1.EnforcementServiceServer.
type Server struct {
	ipcasev1.UnimplementedEnforcementServiceServer
	store  *Store
	clocks *clock.Store
	now    func() time.Time
	// hearing holds agencies' own hearing thresholds (SAMR Hearing Measures
	// Art. 5 ¶2); agencies not listed use the SAMR defaults.
	hearing map[string]damages.HearingThresholds
}

var _ ipcasev1.EnforcementServiceServer = (*Server)(nil)

// NewServer returns a Server over st, keeping statutory clocks in clocks,
// reading the time from now; hearing holds per-agency hearing thresholds.
func NewServer(st *Store, clocks *clock.Store, now func() time.Time, hearing map[string]damages.HearingThresholds) *Server {
	if st == nil || clocks == nil || now == nil {
		panic("enforcement.NewServer: nil dependency")
	}
	st.Prefetch(clocks.CurrentFirst, priorsFirst) // what render reads
	return &Server{store: st, clocks: clocks, now: now, hearing: hearing}
}

func (s *Server) instant() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// render produces the response bytes from the case after a change.
func (s *Server) render(wrap func(*ipcasev1.EnforcementCase) proto.Message) func(*Change) ([]byte, error) {
	return func(c *Change) ([]byte, error) {
		out, err := s.present(c)
		if err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(out))
	}
}

// present converts the case as c sees it, with the respondents' prior
// infringements (as of the notice, compared with its conduct; before a
// notice, as of today) and the due days of its stored clocks.
func (s *Server) present(c *Change) (*ipcasev1.EnforcementCase, error) {
	on, conduct := c.Today, Conduct{}
	if n := c.Record.Notice; n != nil {
		fr := &ipcasev1.CalculateFineRequest{}
		if err := protojson.Unmarshal(n.FineRequest, fr); err != nil {
			return nil, err
		}
		on, conduct = n.ServedOn, conductOf(n, fr)
	}
	priors, err := priorInfringements(c.Tx, c.Record.ProceedingID, respondentIDs(c.Matter), on, conduct, c.Record.MatterID)
	if err != nil {
		return nil, err
	}
	if err := s.refresh(c.Tx, c.Record); err != nil {
		return nil, err
	}
	return toProtoCase(c.Record, priors, c.Today), nil
}

func respondentIDs(m *filing.Matter) []string {
	ids := make([]string, len(m.Respondents))
	for i, p := range m.Respondents {
		ids[i] = p.ID
	}
	return ids
}

// change runs fn as a change of the case named name (see
// filing.Records.Transition) and renders the response through wrap.
func (s *Server) change(ctx context.Context, req request.Identified, name, etag string, v *validator,
	resp proto.Message, fn func(*Change) error, wrap func(*ipcasev1.EnforcementCase) proto.Message, reads ...filing.Read) error {
	return s.store.Transition(ctx, req, name, etag, &v.Validator, s.now(), fn, s.render(wrap), resp, reads...)
}

// OpenEnforcement opens (立案) a case on an accepted matter or ex officio.
func (s *Server) OpenEnforcement(ctx context.Context, req *ipcasev1.OpenEnforcementRequest) (*ipcasev1.OpenEnforcementResponse, error) {
	at := s.instant()
	today := civil.Today(at)
	agency, matterID, exOfficio, err := openRequest(req, today)
	if err != nil {
		return nil, err
	}
	if p, _ := auth.FromContext(ctx); p.Role == auth.Officer && p.Agency != agency {
		return nil, errs.Errorf(errs.PermissionDenied, "an officer of %s opens cases of %s, not %s", p.Agency, p.Agency, agency)
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	render := s.render(func(c *ipcasev1.EnforcementCase) proto.Message { return &ipcasev1.OpenEnforcementResponse{Case: c} })
	var b []byte
	if m := exOfficio; m != nil {
		actor := events.ActorFrom(ctx)
		b, err = s.store.Create(ctx, key, actor, func(tx store.Tx) (*Change, error) {
			if err := s.store.Filing().FileIn(tx, m, actor, at); err != nil {
				return nil, err
			}
			if err := m.Accept(at, Machine.Route(), agency, "opened ex officio (依职权)"); err != nil {
				return nil, err
			}
			c := &Change{Tx: tx, Matter: m, Proceeding: m.Proceedings[len(m.Proceedings)-1], At: at, Today: today}
			return c, s.open(c, agency, true)
		}, render)
	} else {
		b, err = s.openOn(ctx, key, matterID, agency, at, render)
	}
	if err != nil {
		return nil, fmt.Errorf("OpenEnforcement(%s): %w", agency, err)
	}
	resp := &ipcasev1.OpenEnforcementResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// openOn opens the case of agency on matterID, an accepted matter, under
// key, with the matter's clocks and its respondents' earlier
// infringements (what the opening and its answer read) read with BEGIN.
func (s *Server) openOn(ctx context.Context, key store.IdempotencyKey, matterID filing.MatterID, agency string, at time.Time,
	render func(*Change) ([]byte, error)) ([]byte, error) {
	clocks, err := s.clocks.MatterFirst(string(matterID))
	if err != nil {
		return nil, err
	}
	priors, err := priorsOfMatterFirst(matterID)
	if err != nil {
		return nil, err
	}
	return s.store.OpenOn(ctx, key, matterID, at, []store.First{clocks, priors}, func(c *Change) error {
		p, err := caseProceeding(c.Matter, c.Tx, s.store, agency, at)
		if err != nil {
			return err
		}
		c.Proceeding = p
		return s.open(c, agency, false)
	}, render)
}

// openRequest validates an OpenEnforcement request: the agency, and the
// accepted matter or the ex officio case (a complaint by the right holder
// of record, filed with the agency).
func openRequest(req *ipcasev1.OpenEnforcementRequest, today civil.Date) (agency string, matterID filing.MatterID, exOfficio *filing.Matter, err error) {
	var v validator
	agency = v.Code("agency", req.GetAgency(), true)
	v.RequestID(req.GetRequestId())
	switch src := req.GetSource().(type) {
	case *ipcasev1.OpenEnforcementRequest_Matter:
		matterID = filing.MatterID(v.Matter("matter", src.Matter))
	case *ipcasev1.OpenEnforcementRequest_ExOfficio:
		m, err := exOfficioMatter(src.ExOfficio, agency, today)
		var fe *errs.FieldErrors
		switch {
		case errors.As(err, &fe):
			v.Violations = append(v.Violations, fe.Violations...)
		case err != nil:
			return "", "", nil, err
		}
		exOfficio = m
	default:
		v.Add("source", "required: the accepted matter, or ex_officio")
	}
	return agency, matterID, exOfficio, v.Err()
}

// caseProceeding finds the proceeding of m, an accepted matter locked in
// tx, that a new case before agency belongs to: the one its acceptance
// opened before agency, or a new one. A matter has at most one case
// before an agency that is not closed.
func caseProceeding(m *filing.Matter, tx store.Tx, st *Store, agency string, at time.Time) (*filing.Proceeding, error) {
	if !m.Routed() {
		return nil, errs.Errorf(errs.FailedPrecondition, "matter %s is %s; an enforcement case is opened on an accepted matter", m.Number, m.State)
	}
	for _, p := range m.Proceedings {
		if p.Kind != filing.KindEnforcement || p.Forum != agency || Machine.Final(State(p.State)) {
			continue
		}
		_, hasCase, err := st.Load(tx, p.ID)
		switch {
		case err != nil:
			return nil, err
		case hasCase:
			return nil, errs.Errorf(errs.AlreadyExists, "matter %s already has an enforcement case of %s, proceeding %s (%s); "+
				"a new one is opened once it is closed", m.Number, agency, p.ID, p.State)
		case State(p.State) == Machine.Initial:
			return p, nil // opened by the matter's acceptance, without a case yet
		}
	}
	return m.OpenProceeding(at, Machine.Route(), agency), nil
}

// open builds the new case of c, due to be decided 90 days after today
// (deadline.DecisionPeriod), and starts that clock. A period reaching a
// year whose holiday notice is not published yet is counted on that year's
// statutory holidays and marked provisional; the clock is recomputed when
// the notice is loaded, and the case reads its due day from the clock.
func (s *Server) open(c *Change, agency string, exOfficio bool) error {
	comp, err := deadline.DecisionPeriod.Due(s.clocks.Calendar(), c.Today)
	if err != nil {
		return err
	}
	due, provisional := comp.Due, comp.Provisional
	c.Record = &Case{RecordMeta: filing.RecordMeta{ProceedingID: c.Proceeding.ID, MatterID: c.Matter.ID}, State: Opened, Agency: agency,
		OpenedOn: c.Today, DecisionDue: due, DecisionDueProvisional: provisional}
	c.Record.Record(events.EnforcementOpened, events.EnforcementOpenedPayload{Agency: agency, OpenedOn: c.Today, DecisionDue: due,
		DecisionDueProvisional: provisional, ExOfficio: exOfficio})
	_, err = s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(c.Proceeding.ID), Kind: KindDecision,
		Trigger: c.Today, Period: deadline.DecisionPeriod})
	return err
}

// exOfficioMatter validates an ex officio case as a complaint filed with
// agency by the right holder of record, renaming the fields to the request's.
func exOfficioMatter(x *ipcasev1.ExOfficioCase, agency string, today civil.Date) (*filing.Matter, error) {
	m, err := filing.ComplaintFromProto(&ipcasev1.SubmitComplaintRequest{Complainant: x.GetRightsHolder(), Respondents: x.GetRespondents(),
		Rights: x.GetRights(), Facts: x.GetFacts(), Evidence: x.GetEvidence(), Agency: agency}, today)
	var fe *errs.FieldErrors
	if errors.As(err, &fe) {
		out := &errs.FieldErrors{}
		for _, viol := range fe.Violations {
			if viol.Field != "agency" {
				out.Add("ex_officio."+strings.Replace(viol.Field, "complainant", "rights_holder", 1), "%s", viol.Reason)
			}
		}
		return nil, out.Err()
	}
	return m, err
}

// GetEnforcement returns a case.
func (s *Server) GetEnforcement(ctx context.Context, req *ipcasev1.GetEnforcementRequest) (*ipcasev1.GetEnforcementResponse, error) {
	var v validator
	mid, pid := v.Proceeding("name", req.GetName())
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, filing.MatterID(mid), filing.ProceedingID(pid), s.instant())
	if err != nil {
		return nil, fmt.Errorf("GetEnforcement(%s): %w", req.GetName(), err)
	}
	out, err := s.present(c)
	if err != nil {
		return nil, err
	}
	return &ipcasev1.GetEnforcementResponse{Case: out}, nil
}

func fineRequestJSON(r *ipcasev1.CalculateFineRequest) ([]byte, error) {
	return protojson.MarshalOptions{UseProtoNames: true}.Marshal(r)
}

// refresh takes the case's due days from the stored deadlines, the source
// of truth: they follow extensions and recomputations when the holiday
// calendar changes (a provisional decision day becomes a real one).
func (s *Server) refresh(tx store.Tx, c *Case) error {
	if d, ok, err := s.clocks.Current(tx, string(c.ProceedingID), KindDecision); err != nil {
		return err
	} else if ok {
		c.DecisionDue, c.DecisionDueProvisional = d.Due, d.Provisional
	}
	if c.Notice != nil {
		if d, ok, err := s.clocks.Current(tx, string(c.ProceedingID), KindStatement); err != nil {
			return err
		} else if ok {
			c.Notice.WindowDue = d.Due
		}
	}
	if c.Decision != nil && c.Decision.Payment != nil {
		if d, ok, err := s.clocks.Current(tx, string(c.ProceedingID), KindPayment); err != nil {
			return err
		} else if ok {
			c.Decision.Payment.Due, c.Decision.Payment.DueProvisional = d.Due, d.Provisional
		}
	}
	return nil
}
