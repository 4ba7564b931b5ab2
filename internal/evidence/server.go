package evidence

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/request"
)

// Config says where uploads are kept, how large they may be, and how
// much one caller may upload.
type Config struct {
	// Dir is the folder of the content-addressed store; empty turns uploads
	// off (UploadEvidence then fails with FAILED_PRECONDITION).
	Dir string `env:"IPCASE_EVIDENCE_DIR"`
	// MaxBytes is the largest file accepted.
	MaxBytes int64 `env:"IPCASE_EVIDENCE_MAX_BYTES, default=67108864"`
	// Limits are the quotas, the rate and the cleaner's schedule.
	Limits Limits
}

// Server implements ipcasev1.EvidenceServiceServer.
type Server struct {
	ipcasev1.UnimplementedEvidenceServiceServer
	files   *Files
	store   *Store
	max     int64
	limits  Limits
	flights *flights
	now     func() time.Time
}

var _ ipcasev1.EvidenceServiceServer = (*Server)(nil)

// DefaultMaxBytes is the size limit of a Server given none.
const DefaultMaxBytes = 64 << 20

// NewServer returns a Server that keeps content in files (nil: uploads are
// refused) up to maxBytes each (DefaultMaxBytes if not positive), records
// uploads in st, and holds uploaders to DefaultLimits (WithLimits changes
// them).
func NewServer(files *Files, st *Store, maxBytes int64, now func() time.Time) *Server {
	if st == nil || now == nil {
		panic("evidence.NewServer: nil dependency")
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return (&Server{files: files, store: st, max: maxBytes, now: now}).WithLimits(DefaultLimits())
}

// WithLimits makes s hold uploaders to l, which must pass l.Check (the
// zero Limits are DefaultLimits), and returns s. Call it before s serves.
func (s *Server) WithLimits(l Limits) *Server {
	l = l.orDefault()
	if err := l.Check(); err != nil {
		panic("evidence.Server.WithLimits: " + err.Error())
	}
	s.limits, s.flights = l, &flights{max: l.InFlight, n: map[string]int{}}
	return s
}

const (
	maxMediaType = 255
	maxFileName  = 255
)

// UploadEvidence stores one streamed file and records the upload. The
// uploader's limits are checked before the content is read (with the
// declared size, if any) and again, against every upload it completed,
// when the content has arrived; a refused upload keeps nothing. The answer
// is the same whether or not anyone else uploaded the same bytes.
func (s *Server) UploadEvidence(stream ipcasev1.EvidenceService_UploadEvidenceServer) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if errors.Is(err, io.EOF) {
		return errs.Field("metadata", "the first message must carry the file's metadata")
	}
	if err != nil {
		return err
	}
	md := first.GetMetadata()
	if md == nil {
		return errs.Field("metadata", "the first message must carry the file's metadata, not content")
	}
	mediaType, err := s.validate(md)
	if err != nil {
		return err
	}
	if s.files == nil {
		return errs.Errorf(errs.FailedPrecondition, "evidence storage is not configured on this server (IPCASE_EVIDENCE_DIR)")
	}
	who := events.ActorFrom(ctx)
	release, err := s.flights.take(who)
	if err != nil {
		return err
	}
	defer release()
	declared := md.GetDeclaredSizeBytes()
	if declared == 0 {
		declared = -1 // not declared
	}
	if err := s.store.admit(ctx, who, declared, s.now(), s.limits); err != nil {
		return err
	}
	staged, err := s.files.Stage(&chunkReader{stream: stream}, s.max, md.GetDeclaredSizeBytes())
	if err != nil {
		return fmt.Errorf("UploadEvidence: %w", err)
	}
	defer staged.Discard()
	f := File{ID: uuid.NewString(), Stored: staged.Stored, MediaType: mediaType, Name: md.GetFileName(),
		Uploader: who, Created: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.commit(ctx, &f, staged, s.files, s.limits); err != nil {
		return fmt.Errorf("UploadEvidence: %w", err)
	}
	return stream.SendAndClose(&ipcasev1.UploadEvidenceResponse{File: toProto(f)})
}

// validate checks the metadata and returns the normalised media type. The
// file name is a name a person reads: request.Validator.Name refuses
// invisible and control characters in it, so that "\u202Efdp.exe" cannot
// pose as "exe.pdf".
func (s *Server) validate(md *ipcasev1.EvidenceFileMetadata) (string, error) {
	var v request.Validator
	mt, _, perr := mime.ParseMediaType(md.GetMediaType())
	switch {
	case md.GetMediaType() == "":
		v.Add("metadata.media_type", "is required, e.g. application/pdf")
	case len(md.GetMediaType()) > maxMediaType:
		v.Add("metadata.media_type", "is longer than %d bytes", maxMediaType)
	case perr != nil || strings.Count(mt, "/") != 1 || strings.HasSuffix(mt, "/") || strings.HasPrefix(mt, "/"):
		v.Add("metadata.media_type", "%q is not a media type of the form type/subtype", md.GetMediaType())
	}
	before := len(v.Violations)
	name := v.Name("metadata.file_name", md.GetFileName(), false, maxFileName)
	if len(v.Violations) == before && (strings.ContainsAny(name, `/\`) || name == "." || name == "..") {
		v.Add("metadata.file_name", "must be a file name without folders")
	}
	switch d := md.GetDeclaredSizeBytes(); {
	case d < 0:
		v.Add("metadata.declared_size_bytes", "must not be negative")
	case d > s.max:
		v.Add("metadata.declared_size_bytes", "%d bytes is larger than the limit of %d bytes", d, s.max)
	}
	return mt, v.Err()
}

// chunkReader reads the content chunks of an upload stream.
type chunkReader struct {
	stream ipcasev1.EvidenceService_UploadEvidenceServer
	buf    []byte
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		msg, err := r.stream.Recv()
		if err != nil {
			return 0, err // io.EOF ends the content
		}
		if msg.GetMetadata() != nil {
			return 0, errs.Field("metadata", "only the first message may carry metadata")
		}
		r.buf = msg.GetChunk()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func toProto(f File) *ipcasev1.EvidenceFile {
	return &ipcasev1.EvidenceFile{Name: "evidenceFiles/" + f.ID, Sha256: f.SHA256, SizeBytes: f.Size,
		MediaType: f.MediaType, FileName: f.Name, Deduplicated: f.Deduplicated, CreateTime: timestamppb.New(f.Created)}
}
