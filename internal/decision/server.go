package decision

import (
	"context"
	"encoding/json"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
)

// Server is the DecisionService. VerifyDecision and ListDecisionKeys are
// public: no caller identity is needed or used (internal/auth's policy
// marks them public). ListDecisions and GetDecisionDocument serve a
// matter's decisions to those who may read the matter (see WithDocuments).
// Rotating and revoking keys take an admin, or an officer or court for its
// own agency's or court's keys.
type Server struct {
	ipcasev1.UnimplementedDecisionServiceServer
	store    *Store
	now      func() time.Time
	matters  Matters
	renderer *document.Renderer
}

var _ ipcasev1.DecisionServiceServer = (*Server)(nil)

// NewServer returns the service over st, its clock now.
func NewServer(st *Store, now func() time.Time) *Server { return &Server{store: st, now: now} }

var statuses = map[Status]ipcasev1.VerificationStatus{
	Valid:      ipcasev1.VerificationStatus_VERIFICATION_STATUS_VALID,
	Superseded: ipcasev1.VerificationStatus_VERIFICATION_STATUS_SUPERSEDED,
	Revoked:    ipcasev1.VerificationStatus_VERIFICATION_STATUS_REVOKED,
	Invalid:    ipcasev1.VerificationStatus_VERIFICATION_STATUS_INVALID,
	UnknownKey: ipcasev1.VerificationStatus_VERIFICATION_STATUS_UNKNOWN_KEY,
}

// VerifyDecision verifies the decision code names.
func (s *Server) VerifyDecision(ctx context.Context, req *ipcasev1.VerifyDecisionRequest) (*ipcasev1.VerifyDecisionResponse, error) {
	code, ok := NormalizeCode(req.GetCode())
	if !ok {
		return nil, errs.Field("code", "must be 10 characters of A–Z and 2–7, as printed on the decision")
	}
	res, jws, err := s.store.Verify(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &ipcasev1.VerifyDecisionResponse{Code: code, Status: statuses[res.Status], Reason: res.Reason, Jws: jws}
	if res.Key != nil {
		out.KeyId = res.Key.ID
		if res.Key.Revoked != nil {
			out.KeyRevokedOn = res.Key.Revoked.UTC().Format(time.DateOnly)
		}
	}
	if d := res.Document; d != nil {
		out.Kind, out.Number, out.Issuer, out.DecidedOn = string(d.Kind), d.Number, d.Issuer, d.DecidedOn.String()
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		out.Document = string(b)
	}
	if r := res.Replacement; r != nil {
		out.Replacement = &ipcasev1.Replacement{Code: r.Code, Number: r.Number, Issuer: r.Issuer, Reason: r.Reason,
			SupersededOn: r.On.Format(time.DateOnly)}
	}
	return out, nil
}

// ListDecisionKeys returns the published key set.
func (s *Server) ListDecisionKeys(ctx context.Context, _ *ipcasev1.ListDecisionKeysRequest) (*ipcasev1.ListDecisionKeysResponse, error) {
	keys, err := s.store.Keys(ctx)
	if err != nil {
		return nil, err
	}
	out := &ipcasev1.ListDecisionKeysResponse{}
	for _, k := range keys {
		out.Keys = append(out.Keys, publicKey(k))
	}
	return out, nil
}

func publicKey(k *Key) *ipcasev1.DecisionKey {
	j := Publish([]*Key{k}).Keys[0]
	return &ipcasev1.DecisionKey{Kty: j.Kty, Crv: j.Crv, X: j.X, Kid: j.Kid, Use: j.Use, Alg: j.Alg,
		Iss: j.Issuer, Created: j.Created, Retired: j.Retired, Revoked: j.Revoked, RevokedReason: j.RevokedReason}
}

// mayManage refuses a caller who may not rotate or revoke issuer's keys:
// the policy lets admins, officers and courts call; an officer manages its
// agency's keys only, a court its own.
func mayManage(ctx context.Context, issuer string) error {
	p, _ := auth.FromContext(ctx)
	switch p.Role {
	case auth.Admin:
		return nil
	case auth.Officer:
		if p.Agency != "" && p.Agency == issuer {
			return nil
		}
	case auth.Court:
		if p.Court != "" && p.Court == issuer {
			return nil
		}
	case auth.Mediator, auth.RightsHolder:
		// Mediators and rights holders issue no decisions (the policy
		// refuses them first).
	}
	return errs.Errorf(errs.PermissionDenied, "the keys of %s are managed by an admin or by %s itself, not by %s %s", issuer, issuer,
		p.Role, p.Org())
}

// maxReason bounds a revocation's reason.
const maxReason = 500

// RotateDecisionKey retires the issuer's current key and makes a new one.
func (s *Server) RotateDecisionKey(ctx context.Context, req *ipcasev1.RotateDecisionKeyRequest) (*ipcasev1.RotateDecisionKeyResponse, error) {
	var v request.Validator
	issuer := v.Code("issuer", req.GetIssuer(), true)
	v.RequestID(req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := mayManage(ctx, issuer); err != nil {
		return nil, err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	k, retired, err := s.store.Rotate(ctx, key, issuer, s.now().UTC(), events.ActorFrom(ctx))
	if err != nil {
		return nil, err
	}
	return &ipcasev1.RotateDecisionKeyResponse{Key: publicKey(k), RetiredKid: retired}, nil
}

// RevokeDecisionKey revokes a key from a day on.
func (s *Server) RevokeDecisionKey(ctx context.Context, req *ipcasev1.RevokeDecisionKeyRequest) (*ipcasev1.RevokeDecisionKeyResponse, error) {
	at := s.now().UTC()
	today := civil.Today(at)
	var v request.Validator
	if !kidPattern.MatchString(req.GetKid()) {
		v.Add("kid", "must be a key id: the key's RFC 7638 thumbprint, 43 characters of base64url")
	}
	reason := v.Text("reason", req.GetReason(), true, maxReason)
	effective := v.Date("effective_on", req.GetEffectiveOn(), today)
	if effective.Compare(today) > 0 {
		v.Add("effective_on", "%s is after today (%s): a revocation takes effect today or on an earlier day", effective, today)
	}
	v.RequestID(req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	key, err := request.Key(ctx, req)
	if err != nil {
		return nil, err
	}
	k, err := s.store.Revoke(ctx, key, req.GetKid(), effective, reason, at, events.ActorFrom(ctx), func(issuer string) error {
		return mayManage(ctx, issuer)
	})
	if err != nil {
		return nil, err
	}
	return &ipcasev1.RevokeDecisionKeyResponse{Key: publicKey(k)}, nil
}
