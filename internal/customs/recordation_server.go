package customs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/store"
)

// recordationID parses a `recordations/{id}` field and returns the id.
func recordationID(v *request.Validator, field, name string) string {
	id, ok := strings.CutPrefix(name, "recordations/")
	if !ok || !request.IsUUID(id) {
		v.Add(field, "must be a recordation name, recordations/{id}, got %q", name)
	}
	return id
}

// mayRead refuses a rights holder a recordation of a party it does not act
// for, as one that does not exist.
func mayRead(ctx context.Context, r *Recordation) error {
	if p, _ := auth.FromContext(ctx); p.Role == auth.RightsHolder && !p.ActsFor(r.Holder.ID) {
		return errs.Errorf(errs.NotFound, "recordation not found")
	}
	return nil
}

func recordationToProto(r *Recordation) *ipcasev1.Recordation {
	return &ipcasev1.Recordation{Name: r.Name(), Number: r.Number, RightsHolder: "parties/" + r.Holder.ID, RightsHolderName: r.Holder.Name,
		Right: filing.RightToProto(r.Right), ApprovedOn: r.ApprovedOn.String(), ExpiresOn: r.ExpiresOn.String(),
		RenewalOpensOn: r.RenewalOpens().String(), Renewals: r.Renewals, Etag: r.Etag(), FeeYuan: "0.00"}
}

// RecordRight records the GAC's approval of a recordation.
func (s *Server) RecordRight(ctx context.Context, req *ipcasev1.RecordRightRequest) (*ipcasev1.RecordRightResponse, error) {
	at := s.instant()
	today := civil.Today(at)
	var v request.Validator
	v.RequestID(req.GetRequestId())
	r := &Recordation{Number: v.Code("number", req.GetNumber(), true), ApprovedOn: v.Date("approved_on", req.GetApprovedOn(), today)}
	notFuture(&v, "approved_on", r.ApprovedOn, today)
	holder, err := filing.PartyFromProto("rights_holder", req.GetRightsHolder())
	if err := merge(&v, err); err != nil {
		return nil, err
	}
	right, err := filing.RightFromProto("right", req.GetRight())
	if err := merge(&v, err); err != nil {
		return nil, err
	}
	if req.GetRight() != nil && !slices.Contains(Recordable, right.Type) {
		v.Add("right.type", "customs records trademarks, copyrights and patents (Regulations on Customs Protection of IPR Arts. 2, 7)")
	} else if right.RegNumber == "" && right.Type != filing.Copyright {
		v.Add("right.registration_number", "a registered right is recorded by its registration number")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r.Holder, r.Right, r.ExpiresOn = holder, right, termEnd(r.ApprovedOn)
	p, _ := auth.FromContext(ctx)
	r.RecordedBy = p.Subject
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	b, err := s.db.Idempotent(ctx, key, func(tx store.Tx) ([]byte, error) {
		if err := s.store.recordations.insert(tx, r, at); err != nil {
			return nil, err
		}
		return proto.Marshal(&ipcasev1.RecordRightResponse{Recordation: recordationToProto(r)})
	})
	if err != nil {
		return nil, fmt.Errorf("RecordRight(%s): %w", r.Number, err)
	}
	resp := &ipcasev1.RecordRightResponse{}
	return resp, proto.Unmarshal(b, resp)
}

// GetRecordation returns a recordation.
func (s *Server) GetRecordation(ctx context.Context, req *ipcasev1.GetRecordationRequest) (*ipcasev1.GetRecordationResponse, error) {
	var v request.Validator
	id := recordationID(&v, "name", req.GetName())
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.store.recordations.load(s.db.Session(ctx), id)
	if err == nil {
		err = mayRead(ctx, r)
	}
	if err != nil {
		return nil, fmt.Errorf("GetRecordation(%s): %w", req.GetName(), err)
	}
	return &ipcasev1.GetRecordationResponse{Recordation: recordationToProto(r)}, nil
}

// RenewRecordation renews a recordation by 10 years.
func (s *Server) RenewRecordation(ctx context.Context, req *ipcasev1.RenewRecordationRequest) (*ipcasev1.RenewRecordationResponse, error) {
	at := s.instant()
	today := civil.Today(at)
	var v request.Validator
	id := recordationID(&v, "name", req.GetName())
	v.Etag(req.GetEtag())
	v.RequestID(req.GetRequestId())
	on := v.Date("applied_on", req.GetAppliedOn(), today)
	notFuture(&v, "applied_on", on, today)
	if err := v.Err(); err != nil {
		return nil, err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	lock, err := s.store.recordations.lockFirst(id)
	if err != nil {
		return nil, err
	}
	b, err := s.db.IdempotentAfter(ctx, key, []store.First{lock}, func(tx store.Tx, locked []store.Text) ([]byte, error) {
		r, err := s.store.recordations.lockedIn(tx, locked[0])
		if err != nil {
			return nil, err
		}
		if err := mayRead(ctx, r); err != nil {
			return nil, err
		}
		if !filing.EtagMatches(req.GetEtag(), r.Etag()) {
			return nil, errs.Errorf(errs.Aborted, "etag %s is stale: it is now %s; read it again", req.GetEtag(), r.Etag())
		}
		if err := r.Renew(on); err != nil {
			return nil, err
		}
		if err := s.store.recordations.update(tx, r, at); err != nil {
			return nil, err
		}
		return proto.Marshal(&ipcasev1.RenewRecordationResponse{Recordation: recordationToProto(r)})
	})
	if err != nil {
		return nil, fmt.Errorf("RenewRecordation(%s): %w", req.GetName(), err)
	}
	resp := &ipcasev1.RenewRecordationResponse{}
	return resp, proto.Unmarshal(b, resp)
}
