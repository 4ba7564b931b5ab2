package evidence_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

type rig struct {
	client ipcasev1.EvidenceServiceClient
	store  *evidence.Store
	files  *evidence.Files
	env    *authtest.Env
}

// start serves EvidenceService with authentication and a limit of max
// bytes.
func start(t *testing.T, maxBytes int64) rig {
	t.Helper()
	env := authtest.New(t)
	files, err := evidence.OpenFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := evidence.NewStore(storetest.NewDB(t))
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterEvidenceServiceServer(s, evidence.NewServer(files, st, maxBytes, time.Now))
	}, env.ServerOptions()...)
	return rig{client: ipcasev1.NewEvidenceServiceClient(conn), store: st, files: files, env: env}
}

// upload sends md then content in chunks of chunk bytes.
func upload(ctx context.Context, c ipcasev1.EvidenceServiceClient, md *ipcasev1.EvidenceFileMetadata, content []byte, chunk int) (*ipcasev1.EvidenceFile, error) {
	stream, err := c.UploadEvidence(ctx)
	if err != nil {
		return nil, err
	}
	if md != nil {
		if err := stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: md}}); err != nil {
			content = nil // the server ended the call already (a refused caller); CloseAndRecv has its status
		}
	}
	for len(content) > 0 {
		n := min(chunk, len(content))
		if err := stream.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Chunk{Chunk: content[:n]}}); err != nil {
			break // the server ended the call; CloseAndRecv has its status
		}
		content = content[n:]
	}
	resp, err := stream.CloseAndRecv()
	return resp.GetFile(), err
}

// TestUploadEvidence streams a file in as a rights holder and gets back
// the server's digest and size; the upload is recorded with its uploader,
// and the same bytes again are deduplicated.
func TestUploadEvidence(t *testing.T) {
	t.Parallel()
	r := start(t, 1<<20)
	party := uuid.NewString()
	ctx := authtest.WithToken(t.Context(), r.env.RightsHolder(t, party))
	content := bytes.Repeat([]byte("%PDF-1.7 notarised purchase\n"), 3000) // 84,000 bytes
	md := &ipcasev1.EvidenceFileMetadata{MediaType: "Application/PDF; charset=binary", FileName: "购买公证书.pdf", DeclaredSizeBytes: int64(len(content))}
	got, err := upload(ctx, r.client, md, content, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	want := &ipcasev1.EvidenceFile{Sha256: digest(content), SizeBytes: 84_000, MediaType: "application/pdf", FileName: "购买公证书.pdf"}
	if diff := cmp.Diff(want.String(), (&ipcasev1.EvidenceFile{Sha256: got.GetSha256(), SizeBytes: got.GetSizeBytes(),
		MediaType: got.GetMediaType(), FileName: got.GetFileName(), Deduplicated: got.GetDeduplicated()}).String()); diff != "" {
		t.Errorf("upload mismatch (-want +got):\n%s", diff)
	}
	stored, err := os.ReadFile(r.files.Path(got.GetSha256()))
	if err != nil || !bytes.Equal(stored, content) {
		t.Fatalf("stored content: %v (equal %v)", err, bytes.Equal(stored, content))
	}
	row, err := r.store.Get(t.Context(), strings.TrimPrefix(got.GetName(), "evidenceFiles/"))
	if err != nil {
		t.Fatal(err)
	}
	if row.Uploader.Role != "rights_holder" || row.Uploader.Subject != "holder-"+party[:8] || row.SHA256 != digest(content) {
		t.Errorf("recorded upload %+v, want the rights holder and the digest", row)
	}
	again, err := upload(ctx, r.client, &ipcasev1.EvidenceFileMetadata{MediaType: "application/pdf"}, content, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	if !again.GetDeduplicated() || again.GetSha256() != got.GetSha256() || again.GetName() == got.GetName() {
		t.Errorf("second upload %v: want deduplicated, same digest, its own name", again)
	}
}

// TestUploadEvidenceRefused names the field at fault, and keeps nothing.
func TestUploadEvidenceRefused(t *testing.T) {
	t.Parallel()
	r := start(t, 1000)
	tok := r.env.Officer(t, "SAMR-HZ")
	pdf := func(size int64) *ipcasev1.EvidenceFileMetadata {
		return &ipcasev1.EvidenceFileMetadata{MediaType: "application/pdf", DeclaredSizeBytes: size}
	}
	for _, tt := range []struct {
		name    string
		token   string
		md      *ipcasev1.EvidenceFileMetadata
		content []byte
		code    codes.Code
		field   string
	}{
		{"no token", "", pdf(0), []byte("x"), codes.Unauthenticated, ""},
		{"content first", tok, nil, []byte("x"), codes.InvalidArgument, "metadata"},
		{"no media type", tok, &ipcasev1.EvidenceFileMetadata{}, []byte("x"), codes.InvalidArgument, "metadata.media_type"},
		{"not a media type", tok, &ipcasev1.EvidenceFileMetadata{MediaType: "pdf"}, []byte("x"), codes.InvalidArgument, "metadata.media_type"},
		{"folder in the name", tok, &ipcasev1.EvidenceFileMetadata{MediaType: "image/png", FileName: "../a.png"}, []byte("x"), codes.InvalidArgument, "metadata.file_name"},
		{"declared too large", tok, pdf(1001), []byte("x"), codes.InvalidArgument, "metadata.declared_size_bytes"},
		{"declared too small", tok, pdf(10), bytes.Repeat([]byte("x"), 11), codes.InvalidArgument, "metadata.declared_size_bytes"},
		{"over the limit", tok, pdf(0), bytes.Repeat([]byte("x"), 1001), codes.InvalidArgument, "chunk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := upload(authtest.WithToken(t.Context(), tt.token), r.client, tt.md, tt.content, 100)
			st := status.Convert(err)
			if st.Code() != tt.code {
				t.Fatalf("code %s (%s), want %s", st.Code(), st.Message(), tt.code)
			}
			if tt.field == "" {
				return
			}
			var fields []string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok {
					for _, v := range br.GetFieldViolations() {
						fields = append(fields, v.GetField())
					}
				}
			}
			if len(fields) != 1 || fields[0] != tt.field {
				t.Errorf("violations %v, want one of %s", fields, tt.field)
			}
		})
	}
	t.Cleanup(func() {
		if p := r.files.Path(digest(bytes.Repeat([]byte("x"), 1001))); p != "" {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("an upload over the limit was kept at %s", p)
			}
		}
	})
}
