package evidence_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/sethvargo/go-envconfig"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/evidence"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// wantExhausted fails unless err is RESOURCE_EXHAUSTED with a message
// holding every one of words.
func wantExhausted(t *testing.T, err error, words ...string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("%v, want RESOURCE_EXHAUSTED", err)
	}
	for _, w := range words {
		if !strings.Contains(st.Message(), w) {
			t.Errorf("message %q does not say %q", st.Message(), w)
		}
	}
}

// TestUploaderQuota is the attack of issue 13 item 8: a rights holder
// uploads random files, never cited, one after another. Past its quota
// each is refused with RESOURCE_EXHAUSTED naming the limit, and nothing of
// it is kept (no file, no row, nothing in tmp/); a declared size over the
// quota is refused before any content is read. The same bytes again cost
// nothing; another holder has a quota of its own; uploads older than the
// window no longer count.
func TestUploaderQuota(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.UploaderBytes = 100_000
	r := startLimits(t, l)
	holder := r.env.RightsHolder(t, uuid.NewString())
	first := random(t, 60_000)
	if _, err := r.send(t, holder, pdf("a.pdf", len(first)), first); err != nil {
		t.Fatal(err)
	}

	second := random(t, 60_000)
	_, err := r.send(t, holder, pdf("b.pdf", 0), second)
	wantExhausted(t, err, "upload quota", "100000 bytes per uploader")
	if r.stored(t, second) || r.uploads(t, second) != 0 {
		t.Errorf("a refused upload was kept: file %v, %d rows", r.stored(t, second), r.uploads(t, second))
	}
	_, err = r.send(t, holder, pdf("b.pdf", len(second)), second) // refused on its declared size
	wantExhausted(t, err, "100000 bytes per uploader")
	r.assertTmpEmpty(t)

	// Over HTTP, through the gateway: 429 with the same message.
	url, client := r.gateway(t)
	code, body := post(t, client, url, holder, "?fileName=c.pdf", second)
	if code != http.StatusTooManyRequests || !strings.Contains(string(body), "100000 bytes per uploader") {
		t.Errorf("gateway: %d %s, want 429 naming the limit", code, body)
	}
	if r.stored(t, second) {
		t.Error("a refused upload through the gateway was kept")
	}

	if _, err := r.send(t, holder, pdf("a-again.pdf", 0), first); err != nil {
		t.Errorf("the same bytes again: %v, want accepted (they cost nothing)", err)
	}
	other := r.env.RightsHolder(t, uuid.NewString())
	if _, err := r.send(t, other, pdf("b.pdf", 0), second); err != nil {
		t.Errorf("another holder: %v, want its own quota", err)
	}
	r.clock.Set(r.clock.Now().Add(l.UncitedTTL + time.Minute))
	if _, err := r.send(t, holder, pdf("b.pdf", 0), second); err != nil {
		t.Errorf("after the window: %v, want accepted", err)
	}
}

// TestUploadRate: past the rate, an upload is refused with
// RESOURCE_EXHAUSTED naming the rate, before its content is read, and
// nothing is kept; the rate is per uploader and per window.
func TestUploadRate(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.Rate, l.RateWindow = 3, time.Minute
	r := startLimits(t, l)
	holder := r.env.RightsHolder(t, uuid.NewString())
	for i := range 3 {
		if _, err := r.send(t, holder, pdf("f.pdf", 0), random(t, 1000)); err != nil {
			t.Fatalf("upload %d within the rate: %v", i+1, err)
		}
	}
	fourth := random(t, 1000)
	_, err := r.send(t, holder, pdf("f.pdf", 0), fourth)
	wantExhausted(t, err, "upload rate", "3 uploads per 1m0s")
	if r.stored(t, fourth) || r.uploads(t, fourth) != 0 {
		t.Error("an upload over the rate was kept")
	}
	r.assertTmpEmpty(t)
	if _, err := r.send(t, r.env.RightsHolder(t, uuid.NewString()), pdf("f.pdf", 0), fourth); err != nil {
		t.Errorf("another holder: %v, want a rate of its own", err)
	}
	r.clock.Set(r.clock.Now().Add(time.Minute + time.Second))
	if _, err := r.send(t, holder, pdf("f.pdf", 0), fourth); err != nil {
		t.Errorf("after the window: %v, want accepted", err)
	}
}

// TestUploadsInFlight: an uploader with InFlight uploads open is refused
// another until one ends.
func TestUploadsInFlight(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.InFlight = 1
	r := startLimits(t, l)
	holder := r.env.RightsHolder(t, uuid.NewString())
	ctx := authtest.WithToken(t.Context(), holder)
	open, err := r.evidence.UploadEvidence(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := open.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: pdf("slow.pdf", 0)}}); err != nil {
		t.Fatal(err)
	}
	// The open upload holds its slot once its content is being staged.
	poll(t, "the open upload to be staged", func() bool {
		staged, _ := os.ReadDir(filepath.Join(r.dir, "tmp"))
		return len(staged) == 1
	})
	_, err = r.send(t, holder, pdf("f.pdf", 0), random(t, 100))
	wantExhausted(t, err, "at most 1 in progress")
	if _, err := open.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.send(t, holder, pdf("f.pdf", 0), random(t, 100)); err != nil {
		t.Errorf("after the open upload ended: %v", err)
	}
}

// complaint is an officer's complaint citing evidence.
func complaint(evidence ...*ipcasev1.Evidence) *ipcasev1.SubmitComplaintRequest {
	return &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "北京星河茶饮有限公司", CreditCode: "91110108MA01HX4T2R"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王五"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河 (class 43)"}},
		Facts:       "Milk tea sold in cups bearing the registered mark.",
		KnownSince:  "2026-08-20",
		Agency:      "SAMR-HZ",
		Evidence:    evidence,
	}
}

// cite is the citation of content declaring size bytes.
func cite(content []byte, size int) *ipcasev1.Evidence {
	return &ipcasev1.Evidence{Sha256: digest(content), SizeBytes: int64(size), MediaType: "application/pdf",
		Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}
}

// TestMatterQuota: a complaint whose evidence would exceed the quota per
// matter is refused with RESOURCE_EXHAUSTED naming the limit, and no
// matter is written; declaring a smaller size than the caller uploaded
// does not get around it. Within the quota it is filed.
func TestMatterQuota(t *testing.T) {
	t.Parallel()
	l := testLimits()
	l.MatterBytes = 100_000
	r := startLimits(t, l)
	officer := r.env.Officer(t, "SAMR-HZ")
	a, b := random(t, 60_000), random(t, 60_000)
	for _, c := range [][]byte{a, b} {
		if _, err := r.send(t, officer, pdf("photo.pdf", 0), c); err != nil {
			t.Fatal(err)
		}
	}
	ctx := authtest.WithToken(t.Context(), officer)
	for _, tt := range []struct {
		name string
		req  *ipcasev1.SubmitComplaintRequest
	}{
		{"declared sizes", complaint(cite(a, 60_000), cite(b, 60_000))},
		{"sizes declared small", complaint(cite(a, 1), cite(b, 1))},
	} {
		_, err := r.filing.SubmitComplaint(ctx, tt.req)
		wantExhausted(t, err, "evidence quota", "100000 bytes per matter")
		var n int64
		if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM matters`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%s: %d matters written by a refused complaint", tt.name, n)
		}
	}
	resp, err := r.filing.SubmitComplaint(ctx, complaint(cite(a, 60_000)))
	if err != nil {
		t.Fatalf("within the quota: %v", err)
	}

	// Evidence joining the matter later (an inspection's, through
	// AddEvidence) counts too, and is refused whole.
	id := filing.MatterID(strings.TrimPrefix(resp.GetMatter().GetName(), "matters/"))
	err = r.db.InTx(ctx, func(tx store.Tx) error {
		m, err := r.matters.Lock(tx, id)
		if err != nil {
			return err
		}
		return r.matters.AddEvidence(tx, m, []filing.Evidence{{SHA256: digest(b), Size: 60_000, MediaType: "application/pdf", Source: "SEIZED"}}, r.clock.Now())
	})
	if errs.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "100000 bytes per matter") {
		t.Errorf("AddEvidence past the quota: %v, want RESOURCE_EXHAUSTED naming the limit", err)
	}
	var n int64
	if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM evidence WHERE matter_id = ?`, string(id)).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the matter cites %d items, want its 1", n)
	}
}

// TestComplaintCitingEvidenceRoundTrips: citing evidence costs a
// complaint no round trip to Postgres of its own: the content locks and
// the read of the caller's uploads go with the complaint's parties and
// rights (3 in all, as for a complaint that cites nothing; enforcement's
// TestRoundTripsPerTransition). Citing them on round trips of their own
// made 6 (then 4, less the matter's insert, now sent with COMMIT).
func TestComplaintCitingEvidenceRoundTrips(t *testing.T) {
	t.Parallel()
	r := startLimits(t, testLimits())
	officer := r.env.Officer(t, "SAMR-HZ")
	a := random(t, 10_000)
	if _, err := r.send(t, officer, pdf("photo.pdf", 0), a); err != nil {
		t.Fatal(err)
	}
	ctx := authtest.WithToken(t.Context(), officer)
	rt := chaintest.CountRoundTrips(r.db)
	// The first two calls fill the connections' caches of prepared
	// statements, as a running server's are; the last is measured.
	n := 0
	for i := range 3 {
		req := complaint(cite(a, 10_000))
		req.RequestId = fmt.Sprintf("cite-%d", i)
		n = rt.Measure(t, "SubmitComplaint", func() error {
			_, err := r.filing.SubmitComplaint(ctx, req)
			return err
		})
	}
	if n > chaintest.Bound {
		t.Errorf("a complaint citing evidence made %d round trips, want at most %d", n, chaintest.Bound)
	}
}

// TestDefaultLimits: the defaults of the environment are DefaultLimits,
// and they pass Check; bad settings do not.
func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	var cfg evidence.Config
	if err := envconfig.ProcessWith(t.Context(), &envconfig.Config{Target: &cfg, Lookuper: envconfig.MapLookuper(nil)}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evidence.DefaultLimits(), cfg.Limits); diff != "" {
		t.Errorf("env defaults mismatch (-DefaultLimits +env):\n%s", diff)
	}
	if err := cfg.Limits.Check(); err != nil {
		t.Error(err)
	}
	for _, bad := range []func(*evidence.Limits){
		func(l *evidence.Limits) { l.UploaderBytes = 0 },
		func(l *evidence.Limits) { l.MatterBytes = -1 },
		func(l *evidence.Limits) { l.Rate = 0 },
		func(l *evidence.Limits) { l.InFlight = 0 },
		func(l *evidence.Limits) { l.UncitedTTL = 0 },
		func(l *evidence.Limits) { l.CleanInterval = 0 },
		func(l *evidence.Limits) { l.RateWindow = l.UncitedTTL + time.Second },
	} {
		l := evidence.DefaultLimits()
		bad(&l)
		if l.Check() == nil {
			t.Errorf("Check(%+v) = nil, want an error", l)
		}
	}
}
