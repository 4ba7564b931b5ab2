package metrics_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/ipcase/ipcase/internal/metrics"
)

// TestListenerStaysOnLoopback: /metrics and /debug/pprof/ ask no
// credentials, so the listener refuses any address but a loopback one,
// before it binds, unless told otherwise; told otherwise it warns.
func TestListenerStaysOnLoopback(t *testing.T) {
	t.Parallel()
	h := metrics.New().Handler()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "metrics.example:0"} {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			err := metrics.Serve(t.Context(), metrics.Config{Addr: addr}, h, zap.NewNop())
			if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
				t.Errorf("Serve(%s) = %v, want a refusal", addr, err)
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			bound, logs := serve(t, metrics.Config{Addr: addr}, h)
			if got := statusOf(t, "http://"+bound+"/debug/pprof/"); got != http.StatusOK {
				t.Errorf("pprof on %s from loopback: %d", bound, got)
			}
			if n := logs.FilterLevelExact(zapcore.WarnLevel).Len(); n != 0 {
				t.Errorf("%d warnings for a loopback listener", n)
			}
		})
	}
	t.Run("allowed explicitly", func(t *testing.T) {
		t.Parallel()
		bound, logs := serve(t, metrics.Config{Addr: "0.0.0.0:0", AllowRemote: true}, h)
		_, port, _ := net.SplitHostPort(bound)
		if got := statusOf(t, "http://127.0.0.1:"+port+"/metrics"); got != http.StatusOK {
			t.Errorf("/metrics: %d", got)
		}
		if logs.FilterLevelExact(zapcore.WarnLevel).FilterMessageSnippet("open beyond this host").Len() != 1 {
			t.Errorf("no warning that the listener is open: %v", logs.All())
		}
	})
}

// TestProfilesAnswerLoopbackOnly: on a listener allowed a public address,
// a caller from elsewhere may scrape /metrics but not take profiles.
func TestProfilesAnswerLoopbackOnly(t *testing.T) {
	t.Parallel()
	h := metrics.New().Handler()
	for _, tt := range []struct {
		remote, path string
		code         int
	}{
		{"192.0.2.7:40000", "/metrics", http.StatusOK},
		{"192.0.2.7:40000", "/debug/pprof/", http.StatusForbidden},
		{"192.0.2.7:40000", "/debug/pprof/cmdline", http.StatusForbidden},
		{"[2001:db8::7]:40000", "/debug/pprof/heap", http.StatusForbidden},
		{"10.0.0.7:40000", "/debug/pprof/profile?seconds=1", http.StatusForbidden},
		{"127.0.0.1:40000", "/debug/pprof/cmdline", http.StatusOK},
		{"[::1]:40000", "/debug/pprof/", http.StatusOK},
	} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, tt.path, nil)
		req.RemoteAddr = tt.remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.code {
			t.Errorf("%s from %s: %d, want %d", tt.path, tt.remote, rec.Code, tt.code)
		}
	}
}

// serve runs Serve on cfg until t ends and returns the address it bound
// and what it logged.
func serve(t *testing.T, cfg metrics.Config, h http.Handler) (string, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- metrics.Serve(ctx, cfg, h, zap.New(core)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range logs.FilterMessage("serving metrics").All() {
			return e.ContextMap()["addr"].(string), logs
		}
		select {
		case err := <-done:
			t.Fatalf("Serve(%s): %v", cfg.Addr, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("Serve(%s) did not start", cfg.Addr)
	return "", nil
}

// statusOf returns the status code of GET url.
func statusOf(t *testing.T, url string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}
