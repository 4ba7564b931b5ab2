package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/webhook"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const backoffBase = 10 * time.Second

type rig struct {
	addr     string
	db       *store.DB
	fs       *filing.Store
	logger   *zap.Logger
	logs     *observer.ObservedLogs
	env      *authtest.Env
	clk      *clock
	filing   ipcasev1.FilingServiceClient
	notify   ipcasev1.NotificationServiceClient
	consumer *events.Consumer
	disp     *webhook.Dispatcher
}

// testConfig lets webhooks reach the tests' receivers on
// http://127.0.0.1: explicit configuration, as a deployment would have to
// set it.
func testConfig() webhook.Config {
	return webhook.Config{AllowHTTP: true, AllowLoopback: true, Timeout: 5 * time.Second, BackoffBase: backoffBase,
		BackoffMax: time.Minute, Poll: time.Second}
}

func start(t *testing.T) *rig {
	t.Helper()
	return startWith(t, testConfig(), testConfig())
}

// startWith starts the services with cfg for the server that creates
// webhooks and dispatchCfg for the dispatcher.
func startWith(t *testing.T, cfg, dispatchCfg webhook.Config) *rig {
	t.Helper()
	db := storetest.NewDB(t)
	env := authtest.New(t)
	clk := &clock{t: time.Now().Truncate(time.Millisecond)}
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	// Filing routes accepted complaints to the proceedings' machines.
	fs := filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()), chaintest.Routes()...)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, time.Now))
		ipcasev1.RegisterNotificationServiceServer(s, webhook.NewServer(webhook.NewStore(db), cfg, clk.Now))
	}, nil, env.ServerOptions()...)
	conn := servertest.Dial(t, addr)
	obs, logs := observer.New(zap.InfoLevel)
	logger := zap.New(zapcore.NewTee(zaptest.NewLogger(t).Core(), obs))
	return &rig{
		db: db, fs: fs, logger: logger, logs: logs, env: env, clk: clk, addr: addr,
		filing:   ipcasev1.NewFilingServiceClient(conn),
		notify:   ipcasev1.NewNotificationServiceClient(conn),
		consumer: webhook.Register(events.NewConsumers(db, logger), fs, clk.Now),
		disp:     webhook.NewDispatcher(db, dispatchCfg, clk.Now, logger),
	}
}

func as(t *testing.T, tok string) context.Context { return authtest.WithToken(t.Context(), tok) }

// pump stamps the committed events, runs the consumer and one dispatch,
// and returns how many deliveries the dispatch made.
func (r *rig) pump(t *testing.T) int {
	t.Helper()
	if _, err := events.Stamp(t.Context(), r.db, 10000); err != nil {
		t.Fatal(err)
	}
	if _, err := r.consumer.ConsumeOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	n, err := r.disp.DispatchOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// submit files a complaint with SAMR-HZ as an officer, for a new
// complainant, and returns the matter and the complainant's party id.
func (r *rig) submit(t *testing.T, name, creditCode string) (*ipcasev1.Matter, string) {
	t.Helper()
	resp, err := r.filing.SubmitComplaint(as(t, r.env.Officer(t, "SAMR-HZ")), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: name, CreditCode: creditCode,
			Contact: "legal@" + name + ".example"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "张三", Contact: "+86 138 0000 0000"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Milk tea sold in cups bearing the mark.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := resp.GetMatter()
	return m, strings.TrimPrefix(m.GetComplainant().GetName(), "parties/")
}

// accept accepts m into enforcement, with a reviewer's note rights holders
// must never see.
func (r *rig) accept(t *testing.T, m *ipcasev1.Matter) {
	t.Helper()
	_, err := r.filing.AcceptComplaint(as(t, r.env.Officer(t, "SAMR-HZ")), &ipcasev1.AcceptComplaintRequest{
		Name: m.GetName(), Etag: m.GetEtag(), RequestId: "accept-" + strings.TrimPrefix(m.GetName(), "matters/"),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ", Note: "INTERNAL reviewer note",
	})
	if err != nil {
		t.Fatal(err)
	}
}

// publicEvents lists m's events as the rights holder tok sees them.
func (r *rig) publicEvents(t *testing.T, tok string, m *ipcasev1.Matter) []*ipcasev1.Event {
	t.Helper()
	resp, err := r.filing.ListMatterEvents(as(t, tok), &ipcasev1.ListMatterEventsRequest{Parent: m.GetName(), PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetEvents()
}

// deliveryCount counts the deliveries enqueued, for every webhook.
func (r *rig) deliveryCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM webhook_deliveries`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *rig) deliveries(t *testing.T, tok, webhook string) []*ipcasev1.WebhookDelivery {
	t.Helper()
	resp, err := r.notify.ListWebhookDeliveries(as(t, tok), &ipcasev1.ListWebhookDeliveriesRequest{Webhook: webhook})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetDeliveries()
}

type request struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTP server on loopback that records every request
// and answers with the status codes in fail first, then 200.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
	fail []int
}

func newReceiver(t *testing.T, fail ...int) *receiver {
	rc := &receiver{fail: fail}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, request{header: req.Header.Clone(), body: body})
		code := http.StatusNoContent
		if len(rc.fail) > 0 {
			code, rc.fail = rc.fail[0], rc.fail[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.reqs...)
}

func (r *rig) createWebhook(t *testing.T, tok, url string) (*ipcasev1.Webhook, string) {
	t.Helper()
	resp, err := r.notify.CreateWebhook(as(t, tok), &ipcasev1.CreateWebhookRequest{Url: url})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetSecret() == "" {
		t.Fatal("CreateWebhook returned no secret")
	}
	return resp.GetWebhook(), resp.GetSecret()
}

// checkReceived asserts that rc got exactly want, in order, each signed
// with secret.
func (r *rig) checkReceived(t *testing.T, rc *receiver, secret string, want []*ipcasev1.Event) {
	t.Helper()
	got := rc.requests()
	if len(got) != len(want) {
		t.Fatalf("receiver got %d requests, want %d (the matter's public events)", len(got), len(want))
	}
	for i, req := range got {
		ts, sig := req.header.Get(webhook.HeaderTimestamp), req.header.Get(webhook.HeaderSignature)
		if ts == "" || !strings.HasPrefix(sig, "sha256=") || req.header.Get(webhook.HeaderDelivery) == "" {
			t.Errorf("request %d: headers %v: want timestamp, signature and delivery id", i, req.header)
		}
		if err := webhook.Verify(secret, ts, sig, req.body, r.clk.Now(), 5*time.Minute); err != nil {
			t.Errorf("request %d: %v", i, err)
		}
		if err := webhook.Verify(secret+"x", ts, sig, req.body, r.clk.Now(), 5*time.Minute); err == nil {
			t.Errorf("request %d verifies with the wrong secret", i)
		}
		if strings.Contains(string(req.body), "INTERNAL") {
			t.Errorf("request %d leaks the internal note: %s", i, req.body)
		}
		var e ipcasev1.Event
		if err := protojson.Unmarshal(req.body, &e); err != nil {
			t.Fatalf("request %d: body %s: %v", i, req.body, err)
		}
		if !proto.Equal(&e, want[i]) {
			t.Errorf("request %d: body %v\nwant the public projection %v", i, &e, want[i])
		}
	}
}

// TestDeliversPublicProjectionInOrder registers two rights holders'
// webhooks and drives events on both their matters: each receiver gets
// exactly its own matter's public events, in order and signed, and a
// consumer re-run from the start enqueues nothing twice.
func TestDeliversPublicProjectionInOrder(t *testing.T) {
	t.Parallel()
	r := start(t)
	m1, party1 := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	m2, party2 := r.submit(t, "yueliang", "92310115MA1K4L7P6H")
	holder1, holder2 := r.env.RightsHolder(t, party1), r.env.RightsHolder(t, party2)
	rc1, rc2 := newReceiver(t), newReceiver(t)
	hook1, secret1 := r.createWebhook(t, holder1, rc1.URL+"/hook")
	hook2, secret2 := r.createWebhook(t, holder2, rc2.URL)
	if hook1.GetParties()[0] != "parties/"+party1 || !strings.HasPrefix(hook1.GetName(), "webhooks/") {
		t.Errorf("webhook %v: want it to act for parties/%s", hook1, party1)
	}
	r.pump(t)
	r.accept(t, m1)
	r.pump(t)

	logged, err := events.List(r.db.Session(t.Context()), strings.TrimPrefix(m1.GetName(), "matters/"), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(logged, func(e events.Event) bool { return strings.Contains(string(e.Payload), "INTERNAL") }) {
		t.Fatal("the reviewer's note is not in the log, so the projection is not tested")
	}
	want1 := r.publicEvents(t, holder1, m1)
	if len(want1) < 3 {
		t.Fatalf("matter 1 has %d public events, want submission and acceptance", len(want1))
	}
	r.checkReceived(t, rc1, secret1, want1)
	r.checkReceived(t, rc2, secret2, r.publicEvents(t, holder2, m2))
	for _, req := range rc2.requests() {
		if strings.Contains(string(req.body), m1.GetName()) {
			t.Errorf("the other holder's webhook got an event of matter 1: %s", req.body)
		}
	}

	log := r.deliveries(t, holder1, hook1.GetName())
	if len(log) != len(want1) {
		t.Fatalf("delivery log has %d entries, want %d", len(log), len(want1))
	}
	for i, d := range log {
		if d.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_DELIVERED || d.GetAttempts() != 1 ||
			d.GetLastStatusCode() != http.StatusNoContent || d.GetDeliverTime() == nil ||
			d.GetEvent() != want1[i].GetName() || d.GetMatter() != m1.GetName() {
			t.Errorf("delivery %d: %v", i, d)
		}
	}

	// Scoping: the other holder cannot read or delete this webhook; an
	// administrator may list.
	_, err = r.notify.ListWebhookDeliveries(as(t, holder2), &ipcasev1.ListWebhookDeliveriesRequest{Webhook: hook1.GetName()})
	if status.Code(err) != codes.NotFound {
		t.Errorf("another holder reading the log: %v, want NOT_FOUND", err)
	}
	if _, err := r.notify.DeleteWebhook(as(t, holder2), &ipcasev1.DeleteWebhookRequest{Name: hook1.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("another holder deleting the webhook: %v, want NOT_FOUND", err)
	}
	list, err := r.notify.ListWebhooks(as(t, holder1), &ipcasev1.ListWebhooksRequest{})
	if err != nil || len(list.GetWebhooks()) != 1 || list.GetWebhooks()[0].GetName() != hook1.GetName() {
		t.Errorf("ListWebhooks as holder 1: %v, %v: want its own webhook only", list, err)
	}
	all, err := r.notify.ListWebhooks(as(t, r.env.Admin(t)), &ipcasev1.ListWebhooksRequest{})
	if err != nil || len(all.GetWebhooks()) != 2 {
		t.Errorf("ListWebhooks as admin: %v, %v: want both", all, err)
	}
	if got := len(r.deliveries(t, r.env.Admin(t), hook1.GetName())); got != len(want1) {
		t.Errorf("admin reads %d deliveries, want %d", got, len(want1))
	}

	// A redelivered event enqueues nothing twice: the consumer's handler,
	// run again from the start of the log under a cursor of its own.
	before := r.deliveryCount(t)
	replay := events.NewConsumer(r.db, webhook.ConsumerName+".replay", nil, webhook.Enqueuer(r.fs, r.clk.Now), r.logger)
	if n, err := replay.ConsumeOnce(t.Context()); err != nil || n == 0 {
		t.Fatalf("re-running the consumer: %d, %v", n, err)
	}
	after := r.deliveryCount(t)
	if n := r.pump(t); after != before || n != 0 || len(rc1.requests()) != len(want1) {
		t.Errorf("after a re-run: %d deliveries (was %d), %d sent, receiver has %d: want nothing new", after, before, n, len(rc1.requests()))
	}

	// Deleted: nothing more is enqueued.
	if _, err := r.notify.DeleteWebhook(as(t, holder2), &ipcasev1.DeleteWebhookRequest{Name: hook2.GetName()}); err != nil {
		t.Fatal(err)
	}
	r.accept(t, m2)
	r.pump(t)
	if got, want := len(rc2.requests()), len(r.publicEvents(t, holder2, m2)); got >= want {
		t.Errorf("deleted webhook got %d requests, want fewer than the matter's %d events", got, want)
	}
}

// TestRetriesInOrder fails the first two attempts: the event is retried
// with backoff and delivered once, the delivery log shows the attempts,
// and the matter's later events wait for it.
func TestRetriesInOrder(t *testing.T) {
	t.Parallel()
	r := start(t)
	m, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	rc := newReceiver(t, http.StatusInternalServerError, http.StatusInternalServerError)
	hook, secret := r.createWebhook(t, holder, rc.URL)
	r.accept(t, m)
	want := r.publicEvents(t, holder, m)

	if n := r.pump(t); n != 0 {
		t.Fatalf("delivered %d with a failing receiver", n)
	}
	if got := len(rc.requests()); got != 1 {
		t.Fatalf("receiver got %d requests, want 1: later events wait for the first", got)
	}
	log := r.deliveries(t, holder, hook.GetName())
	if len(log) != len(want) {
		t.Fatalf("log has %d entries, want %d", len(log), len(want))
	}
	first := log[0]
	if first.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_PENDING || first.GetAttempts() != 1 ||
		first.GetLastStatusCode() != 500 || first.GetLastError() != "delivery failed: HTTP 500" ||
		!first.GetNextAttemptTime().AsTime().Equal(r.clk.Now().Add(backoffBase)) {
		t.Errorf("after one failure: %v", first)
	}
	for _, d := range log[1:] {
		if d.GetAttempts() != 0 || d.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_PENDING {
			t.Errorf("a later event was tried before the first was delivered: %v", d)
		}
	}

	// Not due yet: nothing is sent.
	if n := r.pump(t); n != 0 || len(rc.requests()) != 1 {
		t.Fatalf("sent before the backoff ended")
	}
	r.clk.Advance(backoffBase)
	if n := r.pump(t); n != 0 || len(rc.requests()) != 2 {
		t.Fatalf("second attempt: delivered %d, receiver has %d requests", n, len(rc.requests()))
	}
	// The second failure doubles the wait.
	r.clk.Advance(backoffBase)
	if n := r.pump(t); n != 0 || len(rc.requests()) != 2 {
		t.Fatalf("sent before the doubled backoff ended")
	}
	r.clk.Advance(backoffBase)
	if n := r.pump(t); n != len(want) {
		t.Fatalf("third attempt delivered %d, want all %d", n, len(want))
	}
	reqs := rc.requests()
	if len(reqs) != len(want)+2 {
		t.Fatalf("receiver got %d requests, want %d", len(reqs), len(want)+2)
	}
	id := reqs[0].header.Get(webhook.HeaderDelivery)
	for i := range 3 {
		if reqs[i].header.Get(webhook.HeaderDelivery) != id {
			t.Errorf("request %d is not a retry of the first delivery", i)
		}
	}
	rc.mu.Lock()
	rc.reqs = rc.reqs[2:] // keep the accepted ones
	rc.mu.Unlock()
	r.checkReceived(t, rc, secret, want)

	log = r.deliveries(t, holder, hook.GetName())
	if d := log[0]; d.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_DELIVERED || d.GetAttempts() != 3 ||
		d.GetLastStatusCode() != http.StatusNoContent || d.GetLastError() != "" || d.GetNextAttemptTime() != nil {
		t.Errorf("first delivery after the retries: %v", d)
	}
	for _, d := range log[1:] {
		if d.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_DELIVERED || d.GetAttempts() != 1 {
			t.Errorf("later delivery: %v", d)
		}
	}
	if log[1].GetDeliverTime().AsTime().Before(log[0].GetDeliverTime().AsTime()) {
		t.Errorf("delivered out of order: %v then %v", log[0], log[1])
	}
}

// TestCreateWebhookValidation refuses bad URLs, naming the field, and
// callers that are not rights holders.
func TestCreateWebhookValidation(t *testing.T) {
	t.Parallel()
	r := start(t)
	_, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	for _, u := range []string{"", "not a url", "/relative", "ftp://example.cn/x", "http://", "https://user:pw@example.cn/",
		"https://example.cn/" + strings.Repeat("a", 2048)} {
		_, err := r.notify.CreateWebhook(as(t, holder), &ipcasev1.CreateWebhookRequest{Url: u})
		if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "url") {
			t.Errorf("CreateWebhook(%.40q) = %v, want INVALID_ARGUMENT naming url", u, err)
		}
	}
	_, err := r.notify.CreateWebhook(as(t, r.env.Officer(t, "SAMR-HZ")), &ipcasev1.CreateWebhookRequest{Url: "https://example.cn/"})
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("officer CreateWebhook: %v, want PERMISSION_DENIED", err)
	}
	if _, err := r.notify.ListWebhookDeliveries(as(t, holder), &ipcasev1.ListWebhookDeliveriesRequest{Webhook: "webhooks/x"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("bad webhook name: %v, want INVALID_ARGUMENT", err)
	}
}

func TestValidateURLHTTPSOnly(t *testing.T) {
	t.Parallel()
	if _, err := webhook.ValidateURL("http://hooks.example.cn/hook", webhook.Config{}); err == nil {
		t.Error("http accepted without AllowHTTP")
	}
	for _, u := range []string{"https://hooks.example.cn/ipcase?x=1", "https://8.8.8.8:8443/"} {
		if _, err := webhook.ValidateURL(u, webhook.Config{}); err != nil {
			t.Errorf("ValidateURL(%s): %v", u, err)
		}
	}
	if _, err := webhook.ValidateURL("http://hooks.example.cn/hook", webhook.Config{AllowHTTP: true}); err != nil {
		t.Errorf("http with AllowHTTP: %v", err)
	}
	if _, err := webhook.ValidateURL("http://127.0.0.1:8080/hook", webhook.Config{AllowHTTP: true}); err == nil {
		t.Error("http://127.0.0.1 accepted without AllowLoopback")
	}
	if _, err := webhook.ValidateURL("http://127.0.0.1:8080/hook", testConfig()); err != nil {
		t.Errorf("http://127.0.0.1 with AllowHTTP and AllowLoopback: %v", err)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":"complaint.submitted"}`)
	sig := webhook.Sign("s3cret", now.Unix(), body)
	if err := webhook.Verify("s3cret", "1800000000", sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("fresh delivery: %v", err)
	}
	if err := webhook.Verify("s3cret", "1800000000", sig, body, now.Add(6*time.Minute), 5*time.Minute); err == nil {
		t.Error("a delivery older than 5 minutes verified")
	}
	if err := webhook.Verify("s3cret", "1800000000", sig, append(body, ' '), now, 5*time.Minute); err == nil {
		t.Error("a changed body verified")
	}
}

// TestGateway exposes the service over HTTP/JSON: create, list, read the
// log, and a bad URL refused with 400 naming url.
func TestGateway(t *testing.T) {
	t.Parallel()
	r := start(t)
	_, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: r.addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+holder)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		out := map[string]any{}
		b, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	code, created := call(http.MethodPost, "/v1/webhooks", `{"url": "http://127.0.0.1:9/hook"}`)
	hook, _ := created["webhook"].(map[string]any)
	if code != http.StatusOK || created["secret"] == "" || hook == nil {
		t.Fatalf("POST /v1/webhooks: %d %v", code, created)
	}
	name, _ := hook["name"].(string)
	if code, list := call(http.MethodGet, "/v1/webhooks", ""); code != http.StatusOK || count(list["webhooks"]) != 1 {
		t.Errorf("GET /v1/webhooks: %d %v", code, list)
	}
	if code, log := call(http.MethodGet, "/v1/"+name+"/deliveries", ""); code != http.StatusOK {
		t.Errorf("GET deliveries: %d %v", code, log)
	}
	if code, bad := call(http.MethodPost, "/v1/webhooks", `{"url": "ftp://example.cn/"}`); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(bad), "url") {
		t.Errorf("bad URL over HTTP: %d %v, want 400 naming url", code, bad)
	}
	if code, bad := call(http.MethodPost, "/v1/webhooks", `{"url": "https://0xa9fea9fe/latest/meta-data/"}`); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(bad), "link-local") {
		t.Errorf("link-local URL over HTTP: %d %v, want 400 naming url", code, bad)
	}
	if code, _ := call(http.MethodDelete, "/v1/"+name, ""); code != http.StatusOK {
		t.Errorf("DELETE: %d", code)
	}
	if code, list := call(http.MethodGet, "/v1/webhooks", ""); code != http.StatusOK || count(list["webhooks"]) != 0 {
		t.Errorf("after DELETE: %d %v", code, list)
	}
}

func count(v any) int {
	l, _ := v.([]any)
	return len(l)
}
