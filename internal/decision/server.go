package decision

import (
	"context"
	"encoding/json"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/errs"
)

// Server is the DecisionService. VerifyDecision and ListDecisionKeys are
// public: no caller identity is needed or used (internal/auth's policy
// marks them public). ListDecisions and GetDecisionDocument serve a
// matter's decisions to those who may read the matter (see WithDocuments).
type Server struct {
	ipcasev1.UnimplementedDecisionServiceServer
	store    *Store
	matters  Matters
	renderer *document.Renderer
}

var _ ipcasev1.DecisionServiceServer = (*Server)(nil)

// NewServer returns the service over st.
func NewServer(st *Store) *Server { return &Server{store: st} }

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
	for _, j := range Publish(keys).Keys {
		out.Keys = append(out.Keys, &ipcasev1.DecisionKey{Kty: j.Kty, Crv: j.Crv, X: j.X, Kid: j.Kid, Use: j.Use, Alg: j.Alg,
			Iss: j.Issuer, Created: j.Created, Retired: j.Retired, Revoked: j.Revoked, RevokedReason: j.RevokedReason})
	}
	return out, nil
}
