package damages

import (
	"context"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
)

// Finder finds the decided matters comparable to a calculation (类案). The
// calculator is pure; a server that keeps decided matters (package similar)
// gives one to WithFinder.
type Finder interface {
	SimilarFines(ctx context.Context, req *ipcasev1.CalculateFineRequest, res FineResult) (*ipcasev1.SimilarCases, error)
	SimilarDamages(ctx context.Context, req *ipcasev1.CalculateDamagesRequest, res Result) (*ipcasev1.SimilarCases, error)
}

// Server implements ipcasev1.DamagesServiceServer over the calculator. It
// holds no state and reads no clock: every date comes in the request.
type Server struct {
	ipcasev1.UnimplementedDamagesServiceServer
	finder Finder
}

var _ ipcasev1.DamagesServiceServer = (*Server)(nil)

// NewServer returns a DamagesService server.
func NewServer() *Server { return &Server{} }

// WithFinder makes s answer requests that ask for similar cases from f.
func (s *Server) WithFinder(f Finder) *Server { s.finder = f; return s }

// noFinder refuses a request for similar cases on a server without them.
func noFinder() error {
	return errs.Errorf(errs.FailedPrecondition, "this server keeps no decided matters: ask one that serves similar cases, or leave similar unset")
}

// CalculateDamages computes civil damages. A refused request returns a
// *errs.FieldErrors naming each refused proto field and the rule that
// refused it, which the server maps to INVALID_ARGUMENT. With similar set,
// the response carries the comparable decided matters.
func (s *Server) CalculateDamages(ctx context.Context, req *ipcasev1.CalculateDamagesRequest) (*ipcasev1.CalculateDamagesResponse, error) {
	res, err := CalculateFromProto(req)
	if err != nil {
		return nil, err
	}
	out := ResultToProto(res)
	if req.GetSimilar() != nil {
		if s.finder == nil {
			return nil, noFinder()
		}
		if out.Similar, err = s.finder.SimilarDamages(ctx, req, res); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CalculateFine computes the lawful range of an administrative fine, with
// refusals and similar cases as for CalculateDamages.
func (s *Server) CalculateFine(ctx context.Context, req *ipcasev1.CalculateFineRequest) (*ipcasev1.CalculateFineResponse, error) {
	res, err := CalculateFineFromProto(req)
	if err != nil {
		return nil, err
	}
	out := FineResultToProto(res)
	if req.GetSimilar() != nil {
		if s.finder == nil {
			return nil, noFinder()
		}
		if out.Similar, err = s.finder.SimilarFines(ctx, req, res); err != nil {
			return nil, err
		}
	}
	return out, nil
}
