package evidence

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// Config says where uploads are kept and how large they may be.
type Config struct {
	// Dir is the folder of the content-addressed store; empty turns uploads
	// off (UploadEvidence then fails with FAILED_PRECONDITION).
	Dir string `env:"IPCASE_EVIDENCE_DIR"`
	// MaxBytes is the largest file accepted.
	MaxBytes int64 `env:"IPCASE_EVIDENCE_MAX_BYTES, default=67108864"`
}

// Server implements ipcasev1.EvidenceServiceServer.
type Server struct {
	ipcasev1.UnimplementedEvidenceServiceServer
	files *Files
	store *Store
	max   int64
	now   func() time.Time
}

var _ ipcasev1.EvidenceServiceServer = (*Server)(nil)

// DefaultMaxBytes is the size limit of a Server given none.
const DefaultMaxBytes = 64 << 20

// NewServer returns a Server that keeps content in files (nil: uploads are
// refused) up to maxBytes each (DefaultMaxBytes if not positive) and
// records uploads in st.
func NewServer(files *Files, st *Store, maxBytes int64, now func() time.Time) *Server {
	if st == nil || now == nil {
		panic("evidence.NewServer: nil dependency")
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Server{files: files, store: st, max: maxBytes, now: now}
}

const (
	maxMediaType = 255
	maxFileName  = 255
)

// UploadEvidence stores one streamed file and records the upload.
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
	stored, err := s.files.Put(&chunkReader{stream: stream}, s.max, md.GetDeclaredSizeBytes())
	if err != nil {
		return fmt.Errorf("UploadEvidence: %w", err)
	}
	f := File{ID: uuid.NewString(), Stored: stored, MediaType: mediaType, Name: md.GetFileName(),
		Uploader: events.ActorFrom(ctx), Created: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.Record(ctx, f); err != nil {
		return err
	}
	return stream.SendAndClose(&ipcasev1.UploadEvidenceResponse{File: toProto(f)})
}

// validate checks the metadata and returns the normalised media type.
func (s *Server) validate(md *ipcasev1.EvidenceFileMetadata) (string, error) {
	var fe errs.FieldErrors
	mt, _, perr := mime.ParseMediaType(md.GetMediaType())
	switch {
	case md.GetMediaType() == "":
		fe.Add("metadata.media_type", "is required, e.g. application/pdf")
	case len(md.GetMediaType()) > maxMediaType:
		fe.Add("metadata.media_type", "is longer than %d bytes", maxMediaType)
	case perr != nil || strings.Count(mt, "/") != 1 || strings.HasSuffix(mt, "/") || strings.HasPrefix(mt, "/"):
		fe.Add("metadata.media_type", "%q is not a media type of the form type/subtype", md.GetMediaType())
	}
	name := md.GetFileName()
	switch {
	case !utf8.ValidString(name):
		fe.Add("metadata.file_name", "is not valid UTF-8")
	case utf8.RuneCountInString(name) > maxFileName:
		fe.Add("metadata.file_name", "is longer than %d characters", maxFileName)
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		fe.Add("metadata.file_name", "must be a file name without folders")
	case strings.ContainsFunc(name, unicode.IsControl):
		fe.Add("metadata.file_name", "contains control characters")
	}
	switch d := md.GetDeclaredSizeBytes(); {
	case d < 0:
		fe.Add("metadata.declared_size_bytes", "must not be negative")
	case d > s.max:
		fe.Add("metadata.declared_size_bytes", "%d bytes is larger than the limit of %d bytes", d, s.max)
	}
	return mt, fe.Err()
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
