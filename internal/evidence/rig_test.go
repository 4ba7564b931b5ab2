package evidence_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// testClock is a clock a test sets; the servers of a limits rig read it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// limitsRig is a real ipcased's evidence and filing services, wired as
// serve.go wires them (the filing store tells the evidence store what
// matters cite), over a fresh database, on a loopback port, with a clock
// the test sets.
type limitsRig struct {
	evidence ipcasev1.EvidenceServiceClient
	filing   ipcasev1.FilingServiceClient
	addr     string
	db       *store.DB
	store    *evidence.Store
	files    *evidence.Files
	dir      string
	matters  *filing.Store
	env      *authtest.Env
	clock    *testClock
	limits   evidence.Limits
}

// startLimits starts a limits rig with limits l and a size limit of 1 MiB.
func startLimits(t *testing.T, l evidence.Limits) *limitsRig {
	t.Helper()
	env := authtest.New(t)
	dir := t.TempDir()
	files, err := evidence.OpenFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.NewDB(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	st := evidence.NewStore(db)
	matters := filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()), chaintest.Routes()...)
	matters.OnCite(st.Cite(l, clock.Now))
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterEvidenceServiceServer(s, evidence.NewServer(files, st, 1<<20, clock.Now).WithLimits(l))
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(matters, cal, clock.Now))
	}, nil, env.ServerOptions()...)
	conn := servertest.Dial(t, addr)
	return &limitsRig{evidence: ipcasev1.NewEvidenceServiceClient(conn), filing: ipcasev1.NewFilingServiceClient(conn),
		addr: addr, db: db, store: st, files: files, dir: dir, matters: matters, env: env, clock: clock, limits: l}
}

// testLimits are roomy limits a test narrows.
func testLimits() evidence.Limits {
	return evidence.Limits{UploaderBytes: 1 << 30, MatterBytes: 1 << 30, Rate: 1000, RateWindow: time.Minute, InFlight: 8,
		UncitedTTL: 7 * 24 * time.Hour, CleanInterval: time.Hour}
}

// random returns n random bytes: content nobody else has.
func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// pdf is the metadata of an upload of n bytes (0: size not declared).
func pdf(name string, n int) *ipcasev1.EvidenceFileMetadata {
	return &ipcasev1.EvidenceFileMetadata{MediaType: "application/pdf", FileName: name, DeclaredSizeBytes: int64(n)}
}

// send uploads content with token over gRPC.
func (r *limitsRig) send(t *testing.T, token string, md *ipcasev1.EvidenceFileMetadata, content []byte) (*ipcasev1.EvidenceFile, error) {
	t.Helper()
	return upload(authtest.WithToken(t.Context(), token), r.evidence, md, content, 64<<10)
}

// stored reports whether content is in the evidence folder.
func (r *limitsRig) stored(t *testing.T, content []byte) bool {
	t.Helper()
	_, err := os.Stat(r.files.Path(digest(content)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// uploads counts the recorded uploads of content.
func (r *limitsRig) uploads(t *testing.T, content []byte) int64 {
	t.Helper()
	var n int64
	if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM evidence_files WHERE sha256 = ?`, digest(content)).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// assertTmpEmpty fails if an upload left something in tmp/.
func (r *limitsRig) assertTmpEmpty(t *testing.T) {
	t.Helper()
	if left, _ := os.ReadDir(filepath.Join(r.dir, "tmp")); len(left) != 0 {
		t.Errorf("tmp/ holds %d files", len(left))
	}
}

// gateway starts a real gateway in front of the rig on a loopback HTTP
// port and returns its URL and client.
func (r *limitsRig) gateway(t *testing.T) (string, *http.Client) {
	t.Helper()
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: r.addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)
	return hs.URL, hs.Client()
}

// post uploads content through the gateway at url with token, as
// fileName (query-escaped by the caller), and returns the status code and
// body.
func post(t *testing.T, client *http.Client, url, token, query string, content []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v1/evidence:upload"+query, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, buf.Bytes()
}

// fieldsOf returns the fields of err's BadRequest violations.
func fieldsOf(err error) []string {
	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}
