package publication

import (
	"context"
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
)

// Server is the public PublicationService: no caller identity is needed or
// used (internal/auth's policy marks its methods public).
type Server struct {
	ipcasev1.UnimplementedPublicationServiceServer
	store *Store
}

var _ ipcasev1.PublicationServiceServer = (*Server)(nil)

// NewServer returns the service over st.
func NewServer(st *Store) *Server { return &Server{store: st} }

const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// GetPublishedDocument returns one published document.
func (s *Server) GetPublishedDocument(ctx context.Context, req *ipcasev1.GetPublishedDocumentRequest) (*ipcasev1.GetPublishedDocumentResponse, error) {
	id, ok := strings.CutPrefix(req.GetName(), "publishedDocuments/")
	if !ok || id == "" {
		return nil, errs.Field("name", "must be publishedDocuments/{id}")
	}
	d, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &ipcasev1.GetPublishedDocumentResponse{Document: toProto(d)}, nil
}

// ListPublishedDocuments lists published documents, newest first.
func (s *Server) ListPublishedDocuments(ctx context.Context, req *ipcasev1.ListPublishedDocumentsRequest) (*ipcasev1.ListPublishedDocumentsResponse, error) {
	f, size, err := listFilter(req)
	if err != nil {
		return nil, err
	}
	cur, err := ParseCursor(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	docs, next, err := s.store.List(ctx, f, cur, size)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.ListPublishedDocumentsResponse{}
	for _, d := range docs {
		resp.Documents = append(resp.Documents, toProto(d))
	}
	if next != nil {
		resp.NextPageToken = next.Token()
	}
	return resp, nil
}

// listFilter validates req, all of it before anything is read.
func listFilter(req *ipcasev1.ListPublishedDocumentsRequest) (Filter, int, error) {
	var v errs.FieldErrors
	size := int(req.GetPageSize())
	switch {
	case size < 0:
		v.Add("page_size", "must not be negative")
	case size == 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
	f := Filter{Number: strings.TrimSpace(req.GetNumber()), Party: strings.TrimSpace(req.GetParty()), Issuer: strings.TrimSpace(req.GetIssuer())}
	if t := req.GetIpType(); t != ipcasev1.IpType_IP_TYPE_UNSPECIFIED {
		f.IPType = strings.TrimPrefix(t.String(), "IP_TYPE_")
	}
	if k := req.GetKind(); k != ipcasev1.PublishedDocumentKind_PUBLISHED_DOCUMENT_KIND_UNSPECIFIED {
		f.Kind = Kind(strings.TrimPrefix(k.String(), "PUBLISHED_DOCUMENT_KIND_"))
	}
	if m := req.GetMatter(); m != "" {
		id, ok := strings.CutPrefix(m, "matters/")
		if !ok || id == "" || strings.Contains(id, "/") {
			v.Add("matter", "must be matters/{matter}")
		}
		f.MatterID = id
	}
	for _, d := range []struct {
		field, value string
		into         **civil.Date
	}{{"decided_from", req.GetDecidedFrom(), &f.From}, {"decided_to", req.GetDecidedTo(), &f.To}} {
		if d.value == "" {
			continue
		}
		day, err := civil.Parse(d.value)
		if err != nil {
			v.Add(d.field, "must be a date YYYY-MM-DD, got %q", d.value)
			continue
		}
		*d.into = &day
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		v.Add("decided_to", "is before decided_from")
	}
	return f, size, v.Err()
}

func toProto(d *Document) *ipcasev1.PublishedDocument {
	p := &ipcasev1.PublishedDocument{
		Name:           "publishedDocuments/" + d.ID,
		Kind:           ipcasev1.PublishedDocumentKind(ipcasev1.PublishedDocumentKind_value["PUBLISHED_DOCUMENT_KIND_"+string(d.Kind)]),
		Number:         d.Number,
		Issuer:         d.Issuer,
		DecidedOn:      d.DecidedOn.String(),
		Text:           d.Text,
		WithheldReason: d.Withheld,
		PublishTime:    timestamppb.New(d.PublishTime),
		PublishRule:    d.PublishRule,
		SourceEvent:    fmt.Sprintf("matters/%s/events/%d", d.MatterID, d.EventSeq),
		Matter:         "matters/" + d.MatterID,
	}
	if d.EffectiveOn != nil {
		p.EffectiveOn = d.EffectiveOn.String()
	}
	if d.PublishDue != nil {
		p.PublishDue = d.PublishDue.String()
	}
	for _, t := range d.IPTypes {
		p.IpTypes = append(p.IpTypes, ipcasev1.IpType(ipcasev1.IpType_value["IP_TYPE_"+t]))
	}
	for _, pp := range d.Parties {
		p.Parties = append(p.Parties, &ipcasev1.PublishedParty{DisplayName: pp.Name, Organisation: pp.Organisation, CreditCode: pp.CreditCode, Role: pp.Role})
	}
	for _, r := range d.Redactions {
		p.Redactions = append(p.Redactions, &ipcasev1.Redaction{Rule: r.Rule, Article: r.Article, Count: int32(min(r.Count, math.MaxInt32))}) //nolint:gosec // G115: bounded by math.MaxInt32
	}
	return p
}
