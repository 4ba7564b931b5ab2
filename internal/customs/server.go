package customs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// Deadline kinds of the customs clocks.
const (
	// KindReply is the holder's 3 working days to apply after customs'
	// notice (deadline.CustomsReply).
	KindReply = "customs.reply"
	// KindCourtNotice is the time for a court's notice of assistance: 20
	// working days on application, 50 ex officio
	// (deadline.CustomsCourtNotice, deadline.CustomsExOfficioCourtNotice).
	KindCourtNotice = "customs.court_notice"
	// KindInvestigation is customs' 30 working days to investigate goods
	// detained ex officio (deadline.CustomsInvestigation).
	KindInvestigation = "customs.investigation"
)

// Store keeps shipments (table customs_cases) and recordations
// (customs_recordations).
type Store struct {
	*filing.Records[*Shipment]
	recordations Recordations
}

// Change is a change of a shipment.
type Change = filing.Change[*Shipment]

// NewStore returns a Store over the matters of fs.
func NewStore(fs *filing.Store) *Store {
	return &Store{Records: filing.NewRecords(fs, filing.KindCustoms, "customs proceeding", store.NewDocuments("customs_cases"),
		func() *Shipment { return &Shipment{} }), recordations: Recordations{filing: fs}}
}

// Server implements ipcasev1.CustomsServiceServer.
type Server struct {
	ipcasev1.UnimplementedCustomsServiceServer
	store  *Store
	clocks *clock.Store
	db     *store.DB
	now    func() time.Time
}

var _ ipcasev1.CustomsServiceServer = (*Server)(nil)

// NewServer returns a Server over st and db, keeping the periods in
// clocks, reading the time from now.
func NewServer(st *Store, db *store.DB, clocks *clock.Store, now func() time.Time) *Server {
	if st == nil || db == nil || clocks == nil || now == nil {
		panic("customs.NewServer: nil dependency")
	}
	st.Prefetch(clocks.CurrentFirst) // render reads the shipment's clocks
	return &Server{store: st, db: db, clocks: clocks, now: now}
}

func (s *Server) instant() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Server) render(wrap func(*ipcasev1.Shipment) proto.Message) func(*Change) ([]byte, error) {
	return func(c *Change) ([]byte, error) {
		if err := s.refresh(c.Tx, c.Record); err != nil {
			return nil, err
		}
		return proto.MarshalOptions{Deterministic: true}.Marshal(wrap(toProto(c.Record)))
	}
}

// refresh takes the due days from the stored clocks, which follow
// recomputations when the holiday calendar changes.
func (s *Server) refresh(tx store.Tx, sh *Shipment) error {
	for kind, due := range map[string]*civil.Date{KindReply: &sh.ReplyDue, KindCourtNotice: &sh.CourtNoticeDue, KindInvestigation: &sh.InvestigationDue} {
		if due.IsZero() {
			continue
		}
		if d, ok, err := s.clocks.Current(tx, string(sh.ProceedingID), kind); err != nil {
			return err
		} else if ok {
			*due = d.Due
		}
	}
	return nil
}

func (s *Server) change(ctx context.Context, req request.Identified, name, etag string, v *request.Validator,
	resp proto.Message, fn func(*Change) error, wrap func(*ipcasev1.Shipment) proto.Message) error {
	return s.store.Transition(ctx, req, name, etag, v, s.now(), fn, s.render(wrap), resp)
}

// open starts a clock of kind on the shipment's proceeding and returns its
// due day.
func (s *Server) open(c *Change, kind string, trigger civil.Date, p deadline.Period) (civil.Date, error) {
	d, err := s.clocks.Open(c.Tx, clock.Spec{Matter: c.Matter, ProceedingID: string(c.Proceeding.ID), Kind: kind, Trigger: trigger, Period: p})
	return d.Due, err
}

// detentionDues starts the periods a detention on on starts: on
// application, 20 working days for a court's notice (Regulations Art.
// 24(1)); ex officio, 30 for customs' investigation (Art. 20) and 50 for a
// court's notice (Art. 24(2)).
func (s *Server) detentionDues(c *Change, on civil.Date) (Dues, error) {
	if c.Record.Route == OnApplication {
		due, err := s.open(c, KindCourtNotice, on, deadline.CustomsCourtNotice)
		return Dues{CourtNotice: due}, err
	}
	inv, err := s.open(c, KindInvestigation, on, deadline.CustomsInvestigation)
	if err != nil {
		return Dues{}, err
	}
	due, err := s.open(c, KindCourtNotice, on, deadline.CustomsExOfficioCourtNotice)
	return Dues{CourtNotice: due, Investigation: inv}, err
}

// opening validates what an application and a report share: the office,
// direction, declaration and goods.
func opening(v *request.Validator, office string, dir ipcasev1.ShipmentDirection, declaration string, goods []*ipcasev1.ShipmentGoods) *Shipment {
	sh := &Shipment{Office: v.Code("office", office, true), Declaration: v.Code("declaration_number", declaration, false)}
	switch dir {
	case ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_IMPORT, ipcasev1.ShipmentDirection_SHIPMENT_DIRECTION_EXPORT:
		sh.Direction = strings.TrimPrefix(dir.String(), "SHIPMENT_DIRECTION_")
	default:
		v.Add("direction", "required: import or export")
	}
	if v.Count("goods", len(goods), 100) {
		if len(goods) == 0 {
			v.Add("goods", "list at least one line of goods with its value: the guarantee is computed from it")
		}
		for i, g := range goods {
			f := fmt.Sprintf("goods[%d].", i)
			line := Goods{Description: v.Text(f+"description", g.GetDescription(), true, 500), Quantity: g.GetQuantity(),
				Unit: v.Text(f+"unit", g.GetUnit(), true, 20), UnitValue: v.Yuan(f+"unit_value_yuan", g.GetUnitValueYuan(), true)}
			if line.Quantity <= 0 || line.Quantity > 1e9 {
				v.Add(f+"quantity", "must be between 1 and 1000000000")
			}
			if line.UnitValue <= 0 {
				v.Add(f+"unit_value_yuan", "must be more than 0: customs values the goods (GAC Implementing Measures Art. 39)")
			}
			sh.Goods = append(sh.Goods, line)
		}
	}
	return sh
}

// matterOf validates the parties, rights, facts and evidence of a new
// customs matter as a complaint filed with office, renaming the fields to
// the request's.
func matterOf(req *ipcasev1.SubmitComplaintRequest, today civil.Date, holderField string) (*filing.Matter, error) {
	m, err := filing.ComplaintFromProto(req, today)
	var fe *errs.FieldErrors
	if errors.As(err, &fe) {
		out := &errs.FieldErrors{}
		for _, viol := range fe.Violations {
			if viol.Field != "agency" {
				out.Add(strings.Replace(viol.Field, "complainant", holderField, 1), "%s", viol.Reason)
			}
		}
		return nil, out.Err()
	}
	return m, err
}

func merge(v *request.Validator, err error) error {
	var fe *errs.FieldErrors
	if errors.As(err, &fe) {
		v.Violations = append(v.Violations, fe.Violations...)
		return nil
	}
	return err
}

// ApplyDetention files the holder's application to detain a shipment: a
// matter filed with the customs office and accepted into a CUSTOMS
// proceeding, APPLIED, with the guarantee the goods' value requires.
func (s *Server) ApplyDetention(ctx context.Context, req *ipcasev1.ApplyDetentionRequest) (*ipcasev1.ApplyDetentionResponse, error) {
	at := s.instant()
	today := civil.Today(at)
	var v request.Validator
	v.RequestID(req.GetRequestId())
	sh := opening(&v, req.GetOffice(), req.GetDirection(), req.GetDeclarationNumber(), req.GetGoods())
	sh.Route, sh.State, sh.AppliedOn = OnApplication, Applied, today
	sh.GuaranteeGiven = v.Yuan("guarantee_yuan", req.GetGuaranteeYuan(), true)
	if len(req.GetEvidence()) == 0 {
		v.Add("evidence", "an application needs evidence that the infringement plainly exists (Regulations on Customs Protection of IPR Art. 13 ¶1)")
	}
	recID := ""
	if r := req.GetRecordation(); r != "" {
		recID = recordationID(&v, "recordation", r)
	}
	m, err := matterOf(&ipcasev1.SubmitComplaintRequest{Complainant: req.GetRightsHolder(), Respondents: req.GetRespondents(),
		Rights: req.GetRights(), Facts: req.GetFacts(), Evidence: req.GetEvidence(), Agency: sh.Office}, today, "rights_holder")
	if err := merge(&v, err); err != nil {
		return nil, err
	}
	if m != nil {
		for i, r := range m.Rights {
			if !slices.Contains(Recordable, r.Type) {
				v.Add(fmt.Sprintf("rights[%d].type", i), "customs protects trademarks, copyrights and patents (Regulations on Customs Protection of IPR Art. 2)")
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := actsFor(ctx, m.Complainant, sh.Office); err != nil {
		return nil, err
	}
	sh.Guarantee = ApplicationGuarantee(sh.Value())
	b, err := s.create(ctx, req, m, sh, at, func(tx store.Tx, _ *Change) error {
		if recID == "" {
			return nil
		}
		rec, err := s.store.recordations.load(tx, recID)
		if err != nil {
			return err
		}
		sh.Recordation = rec.ID
		return nil
	}, func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.ApplyDetentionResponse{Shipment: sh} })
	if err != nil {
		return nil, fmt.Errorf("ApplyDetention(%s): %w", sh.Office, err)
	}
	resp := &ipcasev1.ApplyDetentionResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// actsFor refuses a rights holder applying for a party it does not act
// for, and an officer of another office.
func actsFor(ctx context.Context, holder filing.Party, office string) error {
	p, _ := auth.FromContext(ctx)
	switch p.Role {
	case auth.RightsHolder:
		if !holder.Ref || !p.ActsFor(holder.ID) {
			return errs.Errorf(errs.PermissionDenied, "a rights holder applies as one of its own parties (rights_holder.name)")
		}
	case auth.Officer:
		if p.Agency != office {
			return errs.Errorf(errs.PermissionDenied, "an officer of %s acts for %s, not %s", p.Agency, p.Agency, office)
		}
	case auth.Admin, auth.Mediator, auth.Court: // the policy admits administrators only
	}
	return nil
}

// create files matter m and opens sh in it, in one transaction keyed for
// retries; prepare runs first in the transaction.
func (s *Server) create(ctx context.Context, req request.Identified, m *filing.Matter, sh *Shipment, at time.Time,
	prepare func(store.Tx, *Change) error, wrap func(*ipcasev1.Shipment) proto.Message) ([]byte, error) {
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	actor := events.ActorFrom(ctx)
	today := civil.Today(at)
	return s.store.Create(ctx, key, actor, func(tx store.Tx) (*Change, error) {
		c := &Change{Tx: tx, Record: sh, At: at, Today: today}
		if err := prepare(tx, c); err != nil {
			return nil, err
		}
		if err := s.store.Filing().FileIn(tx, m, actor, at); err != nil {
			return nil, err
		}
		route := Machine.Route()
		route.Initial = filing.ProceedingState(sh.State)
		note := map[Route]string{OnApplication: "the holder's application for detention (依申请)", ExOfficio: "goods found by customs (依职权)"}[sh.Route]
		if err := m.Accept(at, route, sh.Office, note); err != nil {
			return nil, err
		}
		c.Matter, c.Proceeding = m, m.Proceedings[len(m.Proceedings)-1]
		sh.ProceedingID, sh.MatterID = c.Proceeding.ID, m.ID
		p := events.CustomsOpenedPayload{Office: sh.Office, Route: string(sh.Route), GoodsValue: sh.Value().String()}
		if sh.Recordation != "" {
			p.Recordation = "recordations/" + sh.Recordation
		}
		if sh.Route == OnApplication {
			p.AppliedOn = &sh.AppliedOn
			sh.Record(events.CustomsDetentionApplied, p)
			return c, nil
		}
		due, err := s.open(c, KindReply, sh.NotifiedOn, deadline.CustomsReply)
		if err != nil {
			return nil, err
		}
		sh.ReplyDue = due
		p.NotifiedOn, p.ReplyDue = &sh.NotifiedOn, &sh.ReplyDue
		sh.Record(events.CustomsHolderNotified, p)
		return c, nil
	}, s.render(wrap))
}

// ReportSuspectedGoods records goods customs found suspected of infringing
// a recorded right, and its notice to the holder: a matter filed with the
// office by the recordation's holder against the consignee or consignor,
// in a CUSTOMS proceeding, HOLDER_NOTIFIED, with the 3 working days to
// reply running from the notice.
func (s *Server) ReportSuspectedGoods(ctx context.Context, req *ipcasev1.ReportSuspectedGoodsRequest) (*ipcasev1.ReportSuspectedGoodsResponse, error) {
	at := s.instant()
	today := civil.Today(at)
	var v request.Validator
	v.RequestID(req.GetRequestId())
	sh := opening(&v, req.GetOffice(), req.GetDirection(), req.GetDeclarationNumber(), req.GetGoods())
	sh.Route, sh.State = ExOfficio, HolderNotified
	sh.NotifiedOn = v.Date("notified_on", req.GetNotifiedOn(), today)
	if sh.NotifiedOn.After(today) {
		v.Add("notified_on", "%s is in the future", sh.NotifiedOn)
	}
	recID := recordationID(&v, "recordation", req.GetRecordation())
	// The holder and the right come from the recordation; a placeholder
	// lets the rest be validated as a complaint's.
	placeholder := &ipcasev1.Party{Name: "parties/00000000-0000-0000-0000-000000000000"}
	m, err := matterOf(&ipcasev1.SubmitComplaintRequest{Complainant: placeholder, Respondents: req.GetRespondents(),
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, Title: "-"}}, Facts: req.GetFacts(), Evidence: req.GetEvidence(),
		Agency: sh.Office}, today, "rights_holder")
	if err := merge(&v, err); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := actsFor(ctx, filing.Party{}, sh.Office); err != nil {
		return nil, err
	}
	b, err := s.create(ctx, req, m, sh, at, func(tx store.Tx, _ *Change) error {
		rec, err := s.store.recordations.load(tx, recID)
		if err != nil {
			return err
		}
		if !rec.ValidOn(sh.NotifiedOn) {
			return errs.Errorf(errs.FailedPrecondition, "recordation %s is in force from %s to %s, not on %s: customs protects ex officio "+
				"the rights recorded with it (Regulations on Customs Protection of IPR Arts. 10, 16)", rec.Number, rec.ApprovedOn, rec.ExpiresOn, sh.NotifiedOn)
		}
		sh.Recordation = rec.ID
		m.Complainant = filing.Party{ID: rec.Holder.ID, Ref: true}
		m.Rights = []filing.Right{rec.Right}
		sh.Guarantee = ExOfficioGuarantee(sh.Value())
		return nil
	}, func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.ReportSuspectedGoodsResponse{Shipment: sh} })
	if err != nil {
		return nil, fmt.Errorf("ReportSuspectedGoods(%s): %w", sh.Office, err)
	}
	resp := &ipcasev1.ReportSuspectedGoodsResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// GetShipment returns a shipment's customs proceeding.
func (s *Server) GetShipment(ctx context.Context, req *ipcasev1.GetShipmentRequest) (*ipcasev1.GetShipmentResponse, error) {
	var v request.Validator
	mid, pid := v.Proceeding("name", req.GetName())
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, filing.MatterID(mid), filing.ProceedingID(pid), s.instant())
	if err != nil {
		return nil, fmt.Errorf("GetShipment(%s): %w", req.GetName(), err)
	}
	if err := s.refresh(c.Tx, c.Record); err != nil {
		return nil, err
	}
	return &ipcasev1.GetShipmentResponse{Shipment: toProto(c.Record)}, nil
}

// notFuture adds a violation for a day after today.
func notFuture(v *request.Validator, field string, d, today civil.Date) {
	if d.After(today) {
		v.Add(field, "%s is in the future", d)
	}
}

// DetainGoods detains the goods applied for and starts the 20 working
// days for a court's notice.
func (s *Server) DetainGoods(ctx context.Context, req *ipcasev1.DetainGoodsRequest) (*ipcasev1.DetainGoodsResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	on := v.Date("detained_on", req.GetDetainedOn(), today)
	notFuture(&v, "detained_on", on, today)
	resp := &ipcasev1.DetainGoodsResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := c.Record.require("detain the goods on an application", Applied); err != nil {
				return err
			}
			dues, err := s.detentionDues(c, on)
			if err != nil {
				return err
			}
			return c.Record.Detain(on, dues)
		},
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.DetainGoodsResponse{Shipment: sh} })
}

// RefuseDetention refuses the application.
func (s *Server) RefuseDetention(ctx context.Context, req *ipcasev1.RefuseDetentionRequest) (*ipcasev1.RefuseDetentionResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, 2000)
	resp := &ipcasev1.RefuseDetentionResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.Refuse(c.Today, reason) },
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.RefuseDetentionResponse{Shipment: sh} })
}

// ReplyToNotice records the holder's answer to customs' notice; an
// application with the guarantee detains the goods and starts customs'
// 30 working days and the court's 50.
func (s *Server) ReplyToNotice(ctx context.Context, req *ipcasev1.ReplyToNoticeRequest) (*ipcasev1.ReplyToNoticeResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	on := v.Date("replied_on", req.GetRepliedOn(), today)
	notFuture(&v, "replied_on", on, today)
	guarantee := v.Yuan("guarantee_yuan", req.GetGuaranteeYuan(), req.GetApply())
	resp := &ipcasev1.ReplyToNoticeResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := s.refresh(c.Tx, c.Record); err != nil {
				return err
			}
			if err := c.Record.require("reply to customs' notice", HolderNotified); err != nil {
				return err
			}
			var dues Dues
			if req.GetApply() && !on.After(c.Record.ReplyDue) && guarantee >= c.Record.Guarantee.Required {
				var err error
				if dues, err = s.detentionDues(c, on); err != nil {
					return err
				}
			}
			if err := c.Record.Reply(req.GetApply(), guarantee, on, dues); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindReply)
		},
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.ReplyToNoticeResponse{Shipment: sh} })
}

// FileCourtAction records the holder's action at a court; the court
// receives it as a case to docket.
func (s *Server) FileCourtAction(ctx context.Context, req *ipcasev1.FileCourtActionRequest) (*ipcasev1.FileCourtActionResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	a := CourtAction{Court: v.Code("court", req.GetCourt(), true), FiledOn: v.Date("filed_on", req.GetFiledOn(), today)}
	notFuture(&v, "filed_on", a.FiledOn, today)
	resp := &ipcasev1.FileCourtActionResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return c.Record.FileCourtAction(a, dossier(c, a)) },
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.FileCourtActionResponse{Shipment: sh} })
}

// RecordCourtNotice records a court's notice of assistance from outside
// ipcase.
func (s *Server) RecordCourtNotice(ctx context.Context, req *ipcasev1.RecordCourtNoticeRequest) (*ipcasev1.RecordCourtNoticeResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	n := CourtNotice{Court: v.Code("court", req.GetCourt(), true), CourtNumber: v.Text("court_number", req.GetCourtNumber(), true, 100),
		Order: v.Text("order", req.GetOrder(), true, 2000), ReceivedOn: v.Date("received_on", req.GetReceivedOn(), today)}
	notFuture(&v, "received_on", n.ReceivedOn, today)
	resp := &ipcasev1.RecordCourtNoticeResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error { return s.receive(c, n, true) },
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.RecordCourtNoticeResponse{Shipment: sh} })
}

// receive records notice n on the shipment of c and settles the court
// notice clock; strict refuses a notice the shipment already has, or one
// after the period ended.
func (s *Server) receive(c *Change, n CourtNotice, strict bool) error {
	sh := c.Record
	if err := s.refresh(c.Tx, sh); err != nil {
		return err
	}
	if strict && sh.State == CourtOrdered {
		return errs.Errorf(errs.FailedPrecondition, "the goods are already held for %s's notice of %s", sh.CourtNotice.Court, sh.CourtNotice.ReceivedOn)
	}
	if !sh.CourtNoticeDue.IsZero() && n.ReceivedOn.After(sh.CourtNoticeDue) {
		return errs.Field("received_on", "%s is after the last day for a court's notice, %s (Regulations on Customs Protection of IPR Art. 24)",
			n.ReceivedOn, sh.CourtNoticeDue)
	}
	if err := sh.ReceiveCourtNotice(n); err != nil {
		return err
	}
	return s.clocks.Settle(c.Tx, string(sh.ProceedingID), KindCourtNotice)
}

var findings = map[ipcasev1.CustomsFinding]Finding{
	ipcasev1.CustomsFinding_CUSTOMS_FINDING_INFRINGING:     Infringing,
	ipcasev1.CustomsFinding_CUSTOMS_FINDING_NOT_INFRINGING: NotInfringing,
	ipcasev1.CustomsFinding_CUSTOMS_FINDING_UNDETERMINED:   Unsure,
}

var disposals = map[ipcasev1.GoodsDisposal]Disposal{
	ipcasev1.GoodsDisposal_GOODS_DISPOSAL_PUBLIC_WELFARE: PublicWelfare,
	ipcasev1.GoodsDisposal_GOODS_DISPOSAL_SOLD_TO_HOLDER: SoldToHolder,
	ipcasev1.GoodsDisposal_GOODS_DISPOSAL_AUCTIONED:      Auctioned,
	ipcasev1.GoodsDisposal_GOODS_DISPOSAL_DESTROYED:      Destroyed,
}

// DecideInfringement records customs' finding on goods detained ex
// officio; it ends customs' investigation clock, and a final finding the
// court-notice clock too.
func (s *Server) DecideInfringement(ctx context.Context, req *ipcasev1.DecideInfringementRequest) (*ipcasev1.DecideInfringementResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	d := Decision{Finding: findings[req.GetFinding()], DecidedOn: v.Date("decided_on", req.GetDecidedOn(), today),
		Fine: v.Yuan("fine_yuan", req.GetFineYuan(), false), Disposal: disposals[req.GetDisposal()],
		Reason: v.Text("reason", req.GetReason(), true, 4000)}
	notFuture(&v, "decided_on", d.DecidedOn, today)
	resp := &ipcasev1.DecideInfringementResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if err := c.Record.Decide(d, req.GetFeaturesRemoved()); err != nil {
				return err
			}
			if c.Record.State == Undetermined {
				return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID), KindInvestigation)
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		},
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.DecideInfringementResponse{Shipment: sh} })
}

var releases = map[ipcasev1.ReleaseReason]ReleaseReason{
	ipcasev1.ReleaseReason_RELEASE_REASON_PATENT_COUNTER_GUARANTEE: PatentCounterGuarantee,
	ipcasev1.ReleaseReason_RELEASE_REASON_CONSIGNEE_EVIDENCE:       ConsigneeEvidence,
	ipcasev1.ReleaseReason_RELEASE_REASON_HOLDER_WITHDREW:          HolderWithdrew,
}

// ReleaseGoods releases detained goods; a rights holder only withdraws its
// application.
func (s *Server) ReleaseGoods(ctx context.Context, req *ipcasev1.ReleaseGoodsRequest) (*ipcasev1.ReleaseGoodsResponse, error) {
	var v request.Validator
	today := civil.Today(s.now())
	on := v.Date("released_on", req.GetReleasedOn(), today)
	notFuture(&v, "released_on", on, today)
	note := v.Text("note", req.GetNote(), false, 2000)
	reason := releases[req.GetReason()]
	resp := &ipcasev1.ReleaseGoodsResponse{}
	return resp, s.change(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			if p, _ := auth.FromContext(ctx); p.Role == auth.RightsHolder && reason != HolderWithdrew {
				return errs.Errorf(errs.PermissionDenied, "a rights holder withdraws its own application; customs releases goods for the other reasons")
			}
			patent := slices.ContainsFunc(c.Matter.Rights, func(r filing.Right) bool { return strings.HasPrefix(string(r.Type), "PATENT_") })
			if err := c.Record.Release(reason, on, note, patent); err != nil {
				return err
			}
			return s.clocks.Settle(c.Tx, string(c.Record.ProceedingID))
		},
		func(sh *ipcasev1.Shipment) proto.Message { return &ipcasev1.ReleaseGoodsResponse{Shipment: sh} })
}

// dossier is the hand-off of the holder's action to the court (schema
// ipcase.transfer.v1), as an enforcement case's transfer.
func dossier(c *Change, a CourtAction) events.TransferDossier {
	m := c.Matter
	party := func(p filing.Party) events.DossierParty {
		return events.DossierParty{Party: "parties/" + p.ID, Kind: string(p.Kind), Name: p.Name, CreditCode: p.CreditCode, DomicileCountry: p.Country}
	}
	d := events.TransferDossier{Schema: "ipcase.transfer.v1", Matter: m.Name(), MatterNumber: m.Number, Proceeding: c.Record.Name(),
		Agency: c.Record.Office, Target: "COURT", Recipient: a.Court, TransferredOn: a.FiledOn,
		Reason:      "the holder's action against the consignee or consignor of goods detained by customs (Regulations on Customs Protection of IPR Art. 23)",
		Complainant: party(m.Complainant), Respondents: []events.DossierParty{}, Rights: []events.DossierRight{}, Evidence: []events.DossierItem{}}
	for _, p := range m.Respondents {
		d.Respondents = append(d.Respondents, party(p))
	}
	for _, r := range m.Rights {
		d.Rights = append(d.Rights, events.DossierRight{Type: string(r.Type), RegistrationNumber: r.RegNumber, Title: r.Title, Holder: r.Holder})
	}
	for _, e := range m.Evidence {
		d.Evidence = append(d.Evidence, events.DossierItem{SHA256: e.SHA256, SizeBytes: e.Size, MediaType: e.MediaType, Source: e.Source})
	}
	return d
}
