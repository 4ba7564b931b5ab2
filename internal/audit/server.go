package audit

import (
	"context"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
)

// Server implements ipcasev1.AuditServiceServer.
type Server struct {
	ipcasev1.UnimplementedAuditServiceServer
	db *store.DB
}

var _ ipcasev1.AuditServiceServer = (*Server)(nil)

// NewServer returns a Server over db.
func NewServer(db *store.DB) *Server {
	if db == nil {
		panic("audit.NewServer: nil db")
	}
	return &Server{db: db}
}

// ListAccessLog lists recorded reads, newest first.
func (s *Server) ListAccessLog(ctx context.Context, req *ipcasev1.ListAccessLogRequest) (*ipcasev1.ListAccessLogResponse, error) {
	var v errs.FieldErrors
	var f Filter
	if m := req.GetMatter(); m != "" {
		id, ok := strings.CutPrefix(m, "matters/")
		// uuid.Validate also takes forms the database does not
		// (urn:uuid:…), which would fail there as INTERNAL.
		if !ok || len(id) != 36 || uuid.Validate(id) != nil {
			v.Add("matter", "must be a matter name, matters/{id}")
		}
		f.MatterID = id
	}
	switch subject := req.GetSubject(); {
	case len(subject) > 256:
		v.Add("subject", "too long")
	case strings.ContainsFunc(subject, unicode.IsControl):
		// NUL is not text to the database: it would fail there as INTERNAL.
		v.Add("subject", "must not contain control characters")
	}
	f.Subject = req.GetSubject()
	size := int(req.GetPageSize())
	switch {
	case size == 0:
		size = 100
	case size < 0 || size > 500:
		v.Add("page_size", "must be between 1 and 500")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	recs, next, err := List(s.db.Session(ctx), f, req.GetPageToken(), size)
	if err != nil {
		return nil, err
	}
	resp := &ipcasev1.ListAccessLogResponse{NextPageToken: next}
	for _, r := range recs {
		resp.Records = append(resp.Records, &ipcasev1.AccessRecord{AccessTime: timestamppb.New(r.Time), Subject: r.Subject,
			Role: r.Role, Organization: r.Org, Method: r.Method, Matter: "matters/" + r.MatterID, RequestId: r.RequestID})
	}
	return resp, nil
}
