package webhook_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/webhook"
)

// countingListener is a loopback listener that counts the connections it
// accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

func (l *countingListener) port() int { return l.Addr().(*net.TCPAddr).Port }

// listen serves h (or 204 to everything) over plain HTTP on 127.0.0.1.
func listen(t *testing.T, h http.Handler) *countingListener {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(cl) }()
	t.Cleanup(func() { _ = srv.Close() })
	return cl
}

// hangUp accepts connections on 127.0.0.1 and closes them at once.
func hangUp(t *testing.T) *countingListener {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := cl.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return cl
}

// closedPort returns a port on 127.0.0.1 that nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

func fieldsOf(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

func (r *rig) webhookURLs(t *testing.T) []string {
	t.Helper()
	var urls []string
	if err := r.db.Session(t.Context()).Gorm().Raw(`SELECT url FROM webhooks ORDER BY url`).Scan(&urls).Error; err != nil {
		t.Fatal(err)
	}
	return urls
}

// TestCreateWebhookRefusesInternalAddresses registers, over gRPC, webhook
// URLs that reach inside the deployment, each of the forms a hostile
// holder tried and more: every one is INVALID_ARGUMENT naming url, the
// message does not repeat the URL, and nothing is written. Public
// addresses and names are accepted, stored normalised (and never
// contacted: nothing is dispatched here).
func TestCreateWebhookRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.AllowLoopback = false // as in production
	r := startWith(t, cfg, cfg)
	_, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	for _, u := range []string{
		// Loopback, in every spelling.
		"https://127.0.0.1:5432/", "https://127.0.0.1:8443/hook", "https://127.1/", "https://127.0.1/",
		"https://127.000.000.001/", "https://127.0.0.1.:443/", "https://[::1]:8443/", "https://[0:0:0:0:0:0:0:1]/",
		"https://localhost:8443/", "https://LocalHost./", "https://api.localhost/", "https://0x7f000001/",
		"https://0X7F.0.0.1/", "https://0x7f.1/", "https://2130706433/", "https://017700000001/", "https://0177.0.0.1/",
		"https://[::ffff:127.0.0.1]/", "https://[::ffff:7f00:1]/", "https://[64:ff9b::7f00:1]/", "https://[::127.0.0.1]/",
		"https://１２７.０.０.１/",
		// Link-local, cloud metadata.
		"https://169.254.169.254/latest/meta-data/", "https://0xa9fea9fe/", "https://[fe80::1]/",
		"https://[fe80::1%25eth0]/", "https://[::ffff:169.254.169.254]/", "https://100.100.100.200/latest/meta-data/",
		"https://metadata.google.internal/", "https://printer.local/",
		// Private, shared, multicast, unspecified, broadcast, reserved.
		"https://10.0.0.5/", "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/", "https://[fd00:ec2::254]/",
		"https://[fc00::1]/", "https://100.64.0.1/", "https://224.0.0.1/", "https://[ff02::1]/", "https://0.0.0.0/", "https://0/",
		"https://[::]/", "https://255.255.255.255/", "https://240.0.0.1/", "https://192.0.2.1/", "https://[2001:db8::1]/",
		"https://[2002:7f00:1::]/",
		// Names that resolve by search domain; not hosts at all.
		"https://metadata/", "https://postgres:5432/", "https://1.2.3.4.5/", "https://999.0.0.1/", "https://example.123/",
		"https://exa_mple.cn/", "https://8.8.8.8:0/", "https://8.8.8.8:65536/",
	} {
		_, err := r.notify.CreateWebhook(as(t, holder), &ipcasev1.CreateWebhookRequest{Url: u})
		if status.Code(err) != codes.InvalidArgument || fmt.Sprint(fieldsOf(err)) != "[url]" {
			t.Errorf("CreateWebhook(%s) = %v, want INVALID_ARGUMENT naming url", u, err)
			continue
		}
		if msg := status.Convert(err).Message(); strings.Contains(msg, strings.TrimPrefix(u, "https://")) {
			t.Errorf("CreateWebhook(%s): message %q repeats the URL", u, msg)
		}
	}
	if urls := r.webhookURLs(t); len(urls) != 0 {
		t.Fatalf("refused URLs were stored: %v", urls)
	}

	for u, want := range map[string]string{
		"https://hooks.example.cn/ipcase":    "https://hooks.example.cn/ipcase",
		"https://Hooks.Example.CN./x?y=1":    "https://hooks.example.cn/x?y=1",
		"https://8.8.8.8/":                   "https://8.8.8.8/",
		"https://0x08080808:8443/":           "https://8.8.8.8:8443/",
		"https://[2400:3200::1]:8443/h":      "https://[2400:3200::1]:8443/h",
		"https://[::ffff:8.8.8.8]/":          "https://8.8.8.8/",
		"https://8.8.8.8:0443/":              "https://8.8.8.8:443/",
		"https://xn--fiqs8s.xn--fiqz9s/hook": "https://xn--fiqs8s.xn--fiqz9s/hook",
	} {
		resp, err := r.notify.CreateWebhook(as(t, holder), &ipcasev1.CreateWebhookRequest{Url: u})
		if err != nil {
			t.Errorf("CreateWebhook(%s): %v", u, err)
			continue
		}
		if got := resp.GetWebhook().GetUrl(); got != want {
			t.Errorf("CreateWebhook(%s) stored %s, want %s", u, got, want)
		}
	}
}

// TestDispatcherRefusesInwardNameBeforeConnecting registers
// http://localhost:<port> while loopback is allowed, then dispatches with
// the allowance off, as production runs: the name resolves to 127.0.0.1,
// where a listener waits, and the dialer's Control hook refuses the
// address before connect(2), so the listener accepts nothing; the holder
// reads a generic error, the cause is in the server log. With loopback
// allowed the same delivery reaches the listener, so the name does lead
// there.
func TestDispatcherRefusesInwardNameBeforeConnecting(t *testing.T) {
	t.Parallel()
	strict := testConfig()
	strict.AllowLoopback = false
	r := startWith(t, testConfig(), strict)
	m, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	ln := listen(t, nil)
	hook, _ := r.createWebhook(t, holder, fmt.Sprintf("http://localhost:%d/hook", ln.port()))

	if n := r.pump(t); n != 0 {
		t.Fatalf("delivered %d to a name that resolves to loopback", n)
	}
	if n := ln.accepted.Load(); n != 0 {
		t.Fatalf("the listener on 127.0.0.1 accepted %d connections: the dispatcher connected inward", n)
	}
	log := r.deliveries(t, holder, hook.GetName())
	if len(log) == 0 {
		t.Fatal("nothing enqueued")
	}
	if d := log[0]; d.GetAttempts() != 1 || d.GetState() != ipcasev1.DeliveryState_DELIVERY_STATE_PENDING ||
		d.GetLastError() != "delivery failed" || d.GetLastStatusCode() != 0 {
		t.Errorf("the refused attempt as the holder reads it: %v; want 1 attempt, pending, lastError \"delivery failed\"", d)
	}
	refused := r.logs.FilterMessage("webhook delivery refused: the URL reaches a non-public address").All()
	if len(refused) == 0 || !strings.Contains(fmt.Sprint(refused[0].ContextMap()["error"]), "is a loopback address") {
		t.Errorf("server log: %v, want the refusal with its cause", refused)
	}

	allowing := webhook.NewDispatcher(r.db, testConfig(), r.clk.Now, r.logger)
	r.clk.Advance(backoffBase)
	n, err := allowing.DispatchOnce(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := len(r.publicEvents(t, holder, m)); n != want || ln.accepted.Load() == 0 {
		t.Errorf("with loopback allowed: delivered %d of %d, listener accepted %d", n, want, ln.accepted.Load())
	}
}

// TestDeliveryLogIsNoPortScanner points webhooks at loopback ports that
// fail in different ways (nothing listening, plain HTTP behind an https
// URL, a hang-up, a redirect inward): the holder reads the same
// "delivery failed" for each (with the status when there was one), the
// server log keeps the causes, the redirect is not followed, and an error
// stored before the fix is no longer shown.
func TestDeliveryLogIsNoPortScanner(t *testing.T) {
	t.Parallel()
	r := start(t)
	_, party := r.submit(t, "xinghe", "91110108MA01HX4T2R")
	holder := r.env.RightsHolder(t, party)
	plain, eof, target := listen(t, nil), hangUp(t), listen(t, nil)
	redirect := listen(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, fmt.Sprintf("http://127.0.0.1:%d/", target.port()), http.StatusTemporaryRedirect)
	}))
	cases := []struct {
		url, lastError string
		cause          []string // any of
	}{
		{fmt.Sprintf("http://127.0.0.1:%d/", closedPort(t)), "delivery failed", []string{"connection refused"}},
		{fmt.Sprintf("https://127.0.0.1:%d/", plain.port()), "delivery failed", []string{"HTTP response to HTTPS client"}},
		{fmt.Sprintf("http://127.0.0.1:%d/", eof.port()), "delivery failed", []string{"EOF", "closed", "reset"}},
		{fmt.Sprintf("http://127.0.0.1:%d/", redirect.port()), "delivery failed: HTTP 307", []string{"307"}},
	}
	hooks := make([]*ipcasev1.Webhook, len(cases))
	for i, c := range cases {
		hooks[i], _ = r.createWebhook(t, holder, c.url)
	}
	r.pump(t)
	for i, c := range cases {
		log := r.deliveries(t, holder, hooks[i].GetName())
		if len(log) == 0 || log[0].GetAttempts() != 1 || log[0].GetLastError() != c.lastError {
			t.Errorf("%s: delivery log %v, want one attempt with lastError %q", c.url, log, c.lastError)
		}
		id := strings.TrimPrefix(hooks[i].GetName(), "webhooks/")
		found := false
		for _, e := range r.logs.FilterField(zap.String("webhook", id)).All() {
			for _, cause := range c.cause {
				found = found || strings.Contains(fmt.Sprint(e.ContextMap()["error"]), cause)
			}
		}
		if !found {
			t.Errorf("%s: the server log does not keep the cause (%q)", c.url, c.cause)
		}
	}
	if n := target.accepted.Load(); n != 0 {
		t.Errorf("the redirect was followed: its target accepted %d connections", n)
	}
	if plain.accepted.Load() == 0 || eof.accepted.Load() == 0 || redirect.accepted.Load() == 0 {
		t.Error("a receiver was not reached, so its failure is not tested")
	}

	// A detailed error stored by an earlier version is not shown either.
	err := r.db.Session(t.Context()).Gorm().Exec(`UPDATE webhook_deliveries SET last_error = ?, last_status_code = 0
		WHERE webhook_id = ?`, `Post "http://127.0.0.1:5432/": dial tcp 127.0.0.1:5432: connect: connection refused`,
		strings.TrimPrefix(hooks[0].GetName(), "webhooks/")).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range r.deliveries(t, holder, hooks[0].GetName()) {
		if d.GetLastError() != "delivery failed" {
			t.Errorf("stored detail shown to the holder: %q", d.GetLastError())
		}
	}
}
