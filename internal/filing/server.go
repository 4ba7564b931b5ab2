package filing

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
)

// Server implements ipcasev1.FilingServiceServer.
type Server struct {
	ipcasev1.UnimplementedFilingServiceServer
	store *Store
	// cal is the holiday calendar the limitation period is counted on.
	cal *deadline.Calendar
	now func() time.Time
}

var _ ipcasev1.FilingServiceServer = (*Server)(nil)

// NewServer returns a Server over st that counts periods on cal and reads
// the time from now.
func NewServer(st *Store, cal *deadline.Calendar, now func() time.Time) *Server {
	if st == nil || cal == nil || now == nil {
		panic("filing.NewServer: nil dependency")
	}
	return &Server{store: st, cal: cal, now: now}
}

// SubmitComplaint files a complaint.
func (s *Server) SubmitComplaint(ctx context.Context, req *ipcasev1.SubmitComplaintRequest) (*ipcasev1.SubmitComplaintResponse, error) {
	at := s.now().UTC().Truncate(time.Microsecond)
	today := civil.Today(at)
	m, err := ComplaintFromProto(req, today)
	if err != nil {
		return nil, err
	}
	if err := authorizeFiling(ctx, m); err != nil {
		return nil, err
	}
	if w := limitationWarning(s.cal, m.KnownSince, today); w != nil {
		m.Warnings = append(m.Warnings, *w)
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	b, err := s.store.Create(ctx, key, m, events.ActorFrom(ctx), at, renderAs(func(m *ipcasev1.Matter) proto.Message {
		return &ipcasev1.SubmitComplaintResponse{Matter: m}
	}))
	if err != nil {
		return nil, fmt.Errorf("SubmitComplaint: %w", err)
	}
	resp := &ipcasev1.SubmitComplaintResponse{}
	if err := proto.Unmarshal(b, resp); err != nil {
		return nil, err
	}
	if p, ok := isRightsHolder(ctx); ok {
		projectMatter(p, resp.Matter)
	}
	return resp, nil
}

// GetMatter returns one matter.
func (s *Server) GetMatter(ctx context.Context, req *ipcasev1.GetMatterRequest) (*ipcasev1.GetMatterResponse, error) {
	var v validator
	id := MatterID(v.Matter("name", req.GetName()))
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.readMatter(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("GetMatter(%s): %w", id, err)
	}
	return &ipcasev1.GetMatterResponse{Matter: s.present(ctx, m)}, nil
}

// readMatter loads matter id for a read by the caller: it must pass the
// access policy (a matter it may not read is not found, as one that does
// not exist), and a read by an official is recorded.
func (s *Server) readMatter(ctx context.Context, id MatterID) (*Matter, error) {
	at := s.now().UTC()
	if s.store.reads == s.store.db {
		// One round trip: the read and its record in one statement.
		return s.store.loadLogged(ctx, s.store.db.Session(ctx), id, logOf(ctx, at))
	}
	// A replica reads; the record goes to the primary.
	m, err := s.store.loadFor(ctx, s.store.reads.Session(ctx), id)
	if err != nil {
		return nil, err
	}
	if err := audit.Log(s.store.db.Session(ctx), at, string(m.ID)); err != nil {
		return nil, err
	}
	return m, nil
}

// present converts m for the caller: rights holders get the public
// projection.
func (s *Server) present(ctx context.Context, m *Matter) *ipcasev1.Matter {
	out := matterToProto(m)
	if p, ok := isRightsHolder(ctx); ok {
		projectMatter(p, out)
	}
	return out
}

// ListMatters lists matters, newest first.
func (s *Server) ListMatters(ctx context.Context, req *ipcasev1.ListMattersRequest) (*ipcasev1.ListMattersResponse, error) {
	var v validator
	var f Filter
	size := int(req.GetPageSize())
	switch {
	case size == 0:
		size = 20
	case size < 0 || size > 100:
		v.Add("page_size", "must be between 1 and 100")
	}
	if st := req.GetState(); st != ipcasev1.MatterState_MATTER_STATE_UNSPECIFIED {
		name, ok := ipcasev1.MatterState_name[int32(st)]
		if !ok {
			v.Add("state", "unknown matter state %d", int32(st))
		}
		f.State = MatterState(strings.TrimPrefix(name, "MATTER_STATE_"))
	}
	if t := req.GetIpType(); t != ipcasev1.IpType_IP_TYPE_UNSPECIFIED {
		if f.IPType = ipTypes[t]; f.IPType == "" {
			v.Add("ip_type", "unknown IP type %d", int32(t))
		}
	}
	if p := req.GetParty(); p != "" {
		f.PartyID = v.Party("party", p)
	}
	if d := v.OptionalDate("filed_from", req.GetFiledFrom()); d != nil {
		from := d.Start(civil.China)
		f.From = &from
	}
	if d := v.OptionalDate("filed_to", req.GetFiledTo()); d != nil {
		until := d.AddDays(1).Start(civil.China)
		f.Until = &until
		if f.From != nil && !f.From.Before(until) {
			v.Add("filed_to", "%s is before the range's first day %s: no day is in that range", req.GetFiledTo(), req.GetFiledFrom())
		}
	}
	switch req.GetView() {
	case ipcasev1.MatterView_MATTER_VIEW_UNSPECIFIED, ipcasev1.MatterView_MATTER_VIEW_FULL:
	case ipcasev1.MatterView_MATTER_VIEW_BASIC:
		f.Basic = true
	default:
		v.Add("view", "unknown matter view %d: MATTER_VIEW_BASIC or MATTER_VIEW_FULL", int32(req.GetView()))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var err error
	if f.Visible, err = visibility(ctx); err != nil {
		return nil, err
	}
	ms, next, err := s.store.listRead(ctx, f, req.GetPageToken(), size, s.now().UTC())
	if err != nil {
		return nil, fmt.Errorf("ListMatters: %w", err)
	}
	resp := &ipcasev1.ListMattersResponse{NextPageToken: next}
	for _, m := range ms {
		resp.Matters = append(resp.Matters, s.present(ctx, m))
	}
	return resp, nil
}

// AcceptComplaint accepts a complaint and routes the matter.
func (s *Server) AcceptComplaint(ctx context.Context, req *ipcasev1.AcceptComplaintRequest) (*ipcasev1.AcceptComplaintResponse, error) {
	var v validator
	route, ok := s.store.routable(ProceedingKind(strings.TrimPrefix(req.GetRoute().String(), "PROCEEDING_KIND_")))
	if !ok {
		v.Add("route", "must be PROCEEDING_KIND_ENFORCEMENT, PROCEEDING_KIND_MEDIATION or PROCEEDING_KIND_TRIAL")
	}
	v.Code("forum", req.GetForum(), true)
	v.Text("note", req.GetNote(), false, maxReason)
	resp := &ipcasev1.AcceptComplaintResponse{}
	err := s.transition(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(m *Matter, at time.Time) error { return m.Accept(at, route, req.GetForum(), req.GetNote()) },
		func(m *ipcasev1.Matter) proto.Message { return &ipcasev1.AcceptComplaintResponse{Matter: m} })
	return resp, err
}

// RejectComplaint rejects a complaint with a reason.
func (s *Server) RejectComplaint(ctx context.Context, req *ipcasev1.RejectComplaintRequest) (*ipcasev1.RejectComplaintResponse, error) {
	var v validator
	v.Text("reason", req.GetReason(), true, maxReason)
	resp := &ipcasev1.RejectComplaintResponse{}
	err := s.transition(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(m *Matter, at time.Time) error { return m.Reject(at, req.GetReason()) },
		func(m *ipcasev1.Matter) proto.Message { return &ipcasev1.RejectComplaintResponse{Matter: m} })
	return resp, err
}

// WithdrawComplaint withdraws a complaint not yet decided.
func (s *Server) WithdrawComplaint(ctx context.Context, req *ipcasev1.WithdrawComplaintRequest) (*ipcasev1.WithdrawComplaintResponse, error) {
	var v validator
	v.Text("reason", req.GetReason(), false, maxReason)
	resp := &ipcasev1.WithdrawComplaintResponse{}
	err := s.transition(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(m *Matter, at time.Time) error { return m.Withdraw(at, req.GetReason()) },
		func(m *ipcasev1.Matter) proto.Message { return &ipcasev1.WithdrawComplaintResponse{Matter: m} })
	return resp, err
}

// transition is the shape every matter transition shares: validate the
// request (v already holds its own fields' violations), then, under the
// matter's lock, check the etag and apply fn; store and respond.
func (s *Server) transition(ctx context.Context, req request.Identified, name, etag string,
	v *validator, resp proto.Message, fn func(*Matter, time.Time) error, wrap func(*ipcasev1.Matter) proto.Message) error {
	id := MatterID(v.Matter("name", name))
	v.Etag(etag)
	v.RequestID(req.GetRequestId())
	if err := v.Err(); err != nil {
		return err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return err
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	// Update checks the caller's access as it locks the matter, before the
	// etag, so that a caller without access learns nothing about it.
	b, err := s.store.Update(ctx, key, id, events.ActorFrom(ctx), at, func(m *Matter) error {
		if !EtagMatches(etag, m.Etag()) {
			return errs.Errorf(errs.Aborted, "etag %s is stale: matter %s is now at %s; read it again", etag, m.Number, m.Etag())
		}
		return fn(m, at)
	}, renderAs(wrap))
	if err != nil {
		return fmt.Errorf("%s(%s): %w", op(ctx), id, err)
	}
	if err := proto.Unmarshal(b, resp); err != nil {
		return err
	}
	if p, ok := isRightsHolder(ctx); ok {
		projectMatter(p, resp.(interface{ GetMatter() *ipcasev1.Matter }).GetMatter())
	}
	return nil
}

// ListMatterEvents lists a matter's timeline, oldest first.
func (s *Server) ListMatterEvents(ctx context.Context, req *ipcasev1.ListMatterEventsRequest) (*ipcasev1.ListMatterEventsResponse, error) {
	var v validator
	id := MatterID(v.Matter("parent", req.GetParent()))
	size := int(req.GetPageSize())
	switch {
	case size == 0:
		size = 100
	case size < 0 || size > 500:
		v.Add("page_size", "must be between 1 and 500")
	}
	var after int64
	if t := req.GetPageToken(); t != "" {
		var err error
		if after, err = strconv.ParseInt(t, 10, 64); err != nil || after < 0 {
			v.Add("page_token", "is not a token this server issued")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.readMatter(ctx, id); err != nil {
		return nil, fmt.Errorf("ListMatterEvents(%s): %w", id, err)
	}
	evs, err := events.List(s.store.reads.Session(ctx), string(id), after, size+1)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.ListMatterEventsResponse{}
	if len(evs) > size {
		evs = evs[:size]
		resp.NextPageToken = strconv.FormatInt(evs[size-1].Seq, 10)
	}
	holder, public := isRightsHolder(ctx)
	for _, e := range evs {
		pe := events.ToProto(e)
		if public {
			if pe = projectEvent(holder, pe); pe == nil {
				continue
			}
		}
		resp.Events = append(resp.Events, pe)
	}
	return resp, nil
}

// VerifyMatterHistory recomputes a matter's hash chain.
func (s *Server) VerifyMatterHistory(ctx context.Context, req *ipcasev1.VerifyMatterHistoryRequest) (*ipcasev1.VerifyMatterHistoryResponse, error) {
	var fv validator
	id := MatterID(fv.Matter("name", req.GetName()))
	if err := fv.Err(); err != nil {
		return nil, err
	}
	if _, err := s.readMatter(ctx, id); err != nil {
		return nil, fmt.Errorf("VerifyMatterHistory(%s): %w", id, err)
	}
	v, err := s.store.VerifyHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	return &ipcasev1.VerifyMatterHistoryResponse{Intact: v.Intact, EventsChecked: v.Checked, FirstBrokenSequence: v.FirstBroken, Problem: v.Problem}, nil
}

func renderAs(wrap func(*ipcasev1.Matter) proto.Message) Render {
	return func(m *Matter) ([]byte, error) {
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(matterToProto(m)))
	}
}
