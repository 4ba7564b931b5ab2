package damages

import (
	"context"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// Server implements ipcasev1.DamagesServiceServer over the calculator. It
// holds no state and reads no clock: every date comes in the request.
type Server struct {
	ipcasev1.UnimplementedDamagesServiceServer
}

var _ ipcasev1.DamagesServiceServer = (*Server)(nil)

// NewServer returns a DamagesService server.
func NewServer() *Server { return &Server{} }

// CalculateDamages computes civil damages. A refused request returns a
// *errs.FieldErrors naming each refused proto field and the rule that
// refused it, which the server maps to INVALID_ARGUMENT.
func (s *Server) CalculateDamages(_ context.Context, req *ipcasev1.CalculateDamagesRequest) (*ipcasev1.CalculateDamagesResponse, error) {
	res, err := CalculateFromProto(req)
	if err != nil {
		return nil, err
	}
	return ResultToProto(res), nil
}

// CalculateFine computes the lawful range of an administrative fine, with
// refusals as for CalculateDamages.
func (s *Server) CalculateFine(_ context.Context, req *ipcasev1.CalculateFineRequest) (*ipcasev1.CalculateFineResponse, error) {
	res, err := CalculateFineFromProto(req)
	if err != nil {
		return nil, err
	}
	return FineResultToProto(res), nil
}
