package gateway_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestHugeHeadersAreRefused sends requests with huge Authorization
// headers to the gateway's own HTTP listener (Serve, as the binary runs
// it): twelve at once of 15,000,000 bytes, and one of 20 KiB, which the
// old fixed limit of 64 KiB let through to ipcased. Each is answered 431
// as soon as the limit is read past, without the rest of the header being
// read or kept; a header of ordinary size still reaches ipcased.
//
// Not parallel: it reads the process's allocation counter.
func TestHugeHeadersAreRefused(t *testing.T) {
	r := start(t, func(c *gateway.Config) { c.ShutdownTimeout = 10 * time.Second })
	addr := serveGateway(t, r.gw)
	if code := sendHeader(t, addr, 2000); code != http.StatusUnauthorized {
		t.Fatalf("a 2000-byte made-up token: %d, want 401 from ipcased", code)
	}
	if code := sendHeader(t, addr, 20<<10); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 20 KiB header: %d, want 431", code)
	}
	const attackers, size = 12, 15_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	codes := make([]int, attackers)
	var wg sync.WaitGroup
	for i := range attackers {
		wg.Go(func() { codes[i] = sendHeader(t, addr, size) })
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	for i, code := range codes {
		if code != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("request %d with a %d-byte header: %d, want 431", i, size, code)
		}
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > size/2 {
		t.Errorf("the process allocated %d MiB while refusing %d huge headers", grew>>20, attackers)
	}
}

// serveGateway runs g.Serve on a loopback port until t ends.
func serveGateway(t *testing.T, g *gateway.Gateway) string {
	t.Helper()
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, lis) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return lis.Addr().String()
}

// sendHeader sends GET /v1/matters with an Authorization header of size
// bytes, writing it as it goes (the client holds no more than 64 KiB of
// it), and returns the status the gateway answers, reading the answer
// while it writes, as the server may answer before the header ends.
func sendHeader(t *testing.T, addr string, size int) int {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		if _, err := fmt.Fprintf(conn, "GET /v1/matters HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer ", addr); err != nil {
			return
		}
		chunk := []byte(strings.Repeat("A", 64<<10))
		for left := size - len("Bearer "); left > 0; left -= len(chunk) {
			if _, err := conn.Write(chunk[:min(left, len(chunk))]); err != nil {
				return // the server has answered and closed
			}
		}
		_, _ = io.WriteString(conn, "\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Errorf("no answer to a %d-byte header: %v", size, err)
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// hugeHeaders is an ipcased gone wrong (or an impostor at its address):
// its answers carry a header of a mebibyte.
type hugeHeaders struct {
	ipcasev1.UnimplementedStatusServiceServer
}

func (hugeHeaders) GetCaller(ctx context.Context, _ *ipcasev1.GetCallerRequest) (*ipcasev1.GetCallerResponse, error) {
	if err := grpc.SetHeader(ctx, metadata.Pairs("x-padding", strings.Repeat("A", 1<<20))); err != nil {
		return nil, err
	}
	return &ipcasev1.GetCallerResponse{Subject: "impostor"}, nil
}

// TestUpstreamHeadersAreBounded: the gateway's own gRPC client bounds the
// header lists it takes from ipcased, so an upstream answering with a
// mebibyte of headers is a failed call, not memory the gateway spends.
func TestUpstreamHeadersAreBounded(t *testing.T) {
	t.Parallel()
	upstream := servertest.Serve(t, func(s *server.Server) { ipcasev1.RegisterStatusServiceServer(s, hugeHeaders{}) }, nil)
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: upstream, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second, ShutdownTimeout: 10 * time.Second},
		zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	addr := serveGateway(t, g)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/v1/caller", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "impostor") {
		t.Errorf("%d %s: the gateway took a mebibyte of headers from upstream", resp.StatusCode, body)
	}
}

// TestMetricsListenerStaysOnLoopback: the gateway refuses to start with
// its metrics and pprof on an address other than loopback, unless told.
func TestMetricsListenerStaysOnLoopback(t *testing.T) {
	t.Parallel()
	cfg := gateway.Config{Upstream: "127.0.0.1:1", RateLimit: 1, RateBurst: 1, MaxBodyBytes: 1, MaxUploadBytes: 1,
		RequestTimeout: time.Second, UploadTimeout: time.Second}
	for _, tt := range []struct {
		addr  string
		allow bool
		ok    bool
	}{
		{"0.0.0.0:9091", false, false},
		{":9091", false, false},
		{"[::]:9091", false, false},
		{"127.0.0.1:9091", false, true},
		{"[::1]:9091", false, true},
		{"", false, true},
		{"0.0.0.0:9091", true, true},
	} {
		cfg.MetricsAddr, cfg.MetricsAllowRemote = tt.addr, tt.allow
		g, err := gateway.New(t.Context(), cfg, zaptest.NewLogger(t))
		if err == nil {
			_ = g.Close()
		}
		if ok := err == nil; ok != tt.ok || (!ok && !strings.Contains(err.Error(), "IPCASE_GATEWAY_METRICS_ADDR")) {
			t.Errorf("metrics on %q (allowed: %v): %v", tt.addr, tt.allow, err)
		}
	}
}
