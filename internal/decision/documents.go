package decision

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/api/httpbody"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/decision/document"
	"github.com/ipcase/ipcase/internal/errs"
)

// Matters reads a matter for the caller in ctx under the access policy
// (filing's GetMatter): a matter the caller may not read is not found, as
// one that does not exist.
type Matters interface {
	GetMatter(ctx context.Context, req *ipcasev1.GetMatterRequest) (*ipcasev1.GetMatterResponse, error)
}

// WithDocuments lets s serve a matter's decisions to those who may read
// the matter (ListDecisions) and render them as PDF with r
// (GetDecisionDocument); with a nil r, GetDecisionDocument answers
// UNAVAILABLE.
func (s *Server) WithDocuments(matters Matters, r *document.Renderer) *Server {
	s.matters, s.renderer = matters, r
	return s
}

// readable checks that the caller may read matter; the error is the one
// GetMatter answers (NOT_FOUND for a matter of someone else's).
func (s *Server) readable(ctx context.Context, matter string) error {
	if s.matters == nil {
		return fmt.Errorf("%w: this server serves no matters' decisions", errs.Unavailable)
	}
	_, err := s.matters.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: "matters/" + matter})
	return err
}

// ListDecisions lists the signed decisions of the matter req names.
func (s *Server) ListDecisions(ctx context.Context, req *ipcasev1.ListDecisionsRequest) (*ipcasev1.ListDecisionsResponse, error) {
	matter, ok := strings.CutPrefix(req.GetParent(), "matters/")
	if !ok || matter == "" || strings.Contains(matter, "/") {
		return nil, errs.Field("parent", "must be matters/{matter}")
	}
	if err := s.readable(ctx, matter); err != nil {
		return nil, err
	}
	ds, err := s.store.Matter(ctx, matter)
	if err != nil {
		return nil, err
	}
	out := &ipcasev1.ListDecisionsResponse{}
	for _, d := range ds {
		doc, err := payload(d.JWS)
		if err != nil {
			return nil, err
		}
		out.Decisions = append(out.Decisions, &ipcasev1.Decision{Name: "matters/" + matter + "/decisions/" + d.Code, Code: d.Code,
			Kind: string(d.Kind), Number: d.Number, Issuer: d.Issuer, DecidedOn: doc.DecidedOn.String()})
	}
	return out, nil
}

// GetDecisionDocument renders the decision req names as PDF.
func (s *Server) GetDecisionDocument(ctx context.Context, req *ipcasev1.GetDecisionDocumentRequest) (*httpbody.HttpBody, error) {
	matter, code, ok := parseName(req.GetName())
	if !ok {
		return nil, errs.Field("name", "must be matters/{matter}/decisions/{code}, the code 10 characters of A–Z and 2–7 as printed on the decision")
	}
	if err := s.readable(ctx, matter); err != nil {
		return nil, err
	}
	if s.renderer == nil {
		return nil, fmt.Errorf("%w: this server renders no PDF: no CJK font is configured (IPCASE_PDF_FONT)", errs.Unavailable)
	}
	d, err := s.store.Decision(ctx, matter, code)
	if err != nil {
		return nil, err
	}
	doc, err := payload(d.JWS)
	if err != nil {
		return nil, err
	}
	pdf, err := s.renderer.Render(doc, d.Code)
	if err != nil {
		return nil, err
	}
	return &httpbody.HttpBody{ContentType: "application/pdf", Data: pdf}, nil
}

// parseName splits matters/{matter}/decisions/{code}, the code normalized.
func parseName(name string) (matter, code string, ok bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "matters" || parts[1] == "" || parts[2] != "decisions" {
		return "", "", false
	}
	code, ok = NormalizeCode(parts[3])
	return parts[1], code, ok
}
