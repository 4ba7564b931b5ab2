package faults

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestHugeHeadersOnBothListeners repeats the attack that took ipcased from
// 134 MB to 733 MB: twelve calls at once, each with a 15,000,000-byte
// authorization header, sent by a client that ignores the header list
// limit ipcased announces, to the public listener and (with a court's
// certificate) to the courts' mutual-TLS listener of the real binary. Each
// call is refused at its first frame; the process's peak resident memory
// grows by far less than one header per call, and it keeps serving.
func TestHugeHeadersOnBothListeners(t *testing.T) {
	if testing.Short() {
		t.Skip("starts ipcased")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	certs := t.TempDir()
	if err := command(ctx, certs, ipcasedBin, "dev", "certs", "--dir", certs, "--court", "京73"); err != nil {
		t.Fatal(err)
	}
	courtAddr := freeAddr(t)
	d := startDaemon(ctx, t, "headers", storetest.URL(t),
		"IPCASE_COURT_ADDR="+courtAddr,
		"IPCASE_COURT_TLS_CERT="+filepath.Join(certs, "server.pem"),
		"IPCASE_COURT_TLS_KEY="+filepath.Join(certs, "server-key.pem"),
		"IPCASE_COURT_CA="+filepath.Join(certs, "ca.pem"))
	court := courtClientTLS(t, certs)

	const (
		method    = "/ipcase.v1.FilingService/ListMatters"
		attackers = 12
		size      = 15_000_000
	)
	before := peakRSS(t, d)
	for _, l := range []struct {
		name, addr string
		tls        *tls.Config
	}{{"public", d.addr, nil}, {"court", courtAddr, court}} {
		if ans, err := servertest.SendHeaders(ctx, l.addr, l.tls, method, "authorization", 2000); err != nil || !ans.Answered {
			t.Fatalf("%s listener, a 2000-byte header: %+v, %v; want an answer", l.name, ans, err)
		}
		var wg sync.WaitGroup
		for i := range attackers {
			wg.Go(func() {
				ans, err := servertest.SendHeaders(ctx, l.addr, l.tls, method, "authorization", size)
				if err != nil || ans.Answered {
					t.Errorf("%s listener, call %d: %+v, %v; want it refused", l.name, i, ans, err)
				}
			})
		}
		wg.Wait()
	}
	after := peakRSS(t, d)
	t.Logf("peak resident memory %d MiB before, %d MiB after %d refused calls", before>>20, after>>20, 2*attackers)
	if grew := after - before; grew > 64<<20 {
		t.Errorf("peak resident memory grew by %d MiB while %d calls with %d-byte headers were refused", grew>>20, 2*attackers, size)
	}
	if st, err := d.health(ctx, ""); err != nil || st != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("after the attack: %v, %v; want SERVING", st, err)
	}
}

// courtClientTLS is a court's client configuration for the certificates
// `ipcased dev certs` wrote into dir.
func courtClientTLS(t *testing.T, dir string) *tls.Config {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		t.Fatal("ca.pem holds no certificate")
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "court-1.pem"), filepath.Join(dir, "court-1-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// peakRSS is the process's peak resident set size (VmHWM), in bytes.
func peakRSS(t *testing.T, d *daemon) uint64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc to read the process's memory from: %v", err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatal("/proc/PID/status has no VmHWM")
	return 0
}

// TestMetricsStayOnLoopback: ipcased refuses to start with /metrics and
// /debug/pprof/ on an address other than loopback, where they would answer
// anyone without credentials, unless IPCASE_METRICS_ALLOW_REMOTE says so;
// on loopback pprof answers, and the gRPC port serves neither.
func TestMetricsStayOnLoopback(t *testing.T) {
	if testing.Short() {
		t.Skip("starts ipcased")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	url := storetest.URL(t)
	for _, host := range []string{"0.0.0.0", "", "[::]"} {
		t.Run("metrics on "+host, func(t *testing.T) {
			port := portOf(t, freeAddr(t))
			cmd := exec.CommandContext(ctx, ipcasedBin, "serve")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DATABASE_URL=" + url,
				"IPCASE_GRPC_ADDR=" + freeAddr(t), "IPCASE_METRICS_ADDR=" + host + ":" + port,
				"IPCASE_AUTH_JWKS_FILE=" + jwksFile, "IPCASE_CHECKPOINT_KEY_FILE=" + checkpointKey,
				"IPCASE_DECISION_KEY_DIR=" + filepath.Join(t.TempDir(), "decision-keys")}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			go func() {
				_ = cmd.Wait() // the exit code is in cmd.ProcessState
				close(exited)
			}()
			defer func() {
				_ = cmd.Process.Kill()
				<-exited
			}()
			// Were it listening, loopback would reach it.
			pprof := "http://127.0.0.1:" + port + "/debug/pprof/cmdline"
			for {
				select {
				case <-exited:
					if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "IPCASE_METRICS_ADDR") ||
						!strings.Contains(stderr.String(), "not a loopback address") {
						t.Errorf("exit %d, stderr:\n%s\nwant exit 1 naming IPCASE_METRICS_ADDR", code, stderr.String())
					}
					return
				case <-ctx.Done():
					t.Fatal("ipcased neither exited nor served")
				case <-time.After(50 * time.Millisecond):
				}
				if code, err := httpGet(ctx, pprof); err == nil {
					t.Fatalf("ipcased serves %s to anyone who reaches %s: %d", pprof, host+":"+port, code)
				}
			}
		})
	}
	t.Run("metrics on loopback", func(t *testing.T) {
		d := startDaemon(ctx, t, "loopback-metrics", url)
		if code, err := httpGet(ctx, "http://"+d.metricsAddr+"/debug/pprof/cmdline"); err != nil || code != http.StatusOK {
			t.Errorf("pprof on loopback: %d, %v", code, err)
		}
		if code, _ := rawGet(ctx, d.addr, "/debug/pprof/cmdline"); code == http.StatusOK {
			t.Error("the gRPC listener serves pprof")
		}
		if code, _ := rawGet(ctx, d.addr, "/metrics"); code == http.StatusOK {
			t.Error("the gRPC listener serves metrics")
		}
	})
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// httpGet returns the status of GET url, or the error of a request that
// got no answer.
func httpGet(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// rawGet sends an HTTP/1.1 GET of path to addr and returns the status, or
// 0 if what comes back is not HTTP/1.1 (a gRPC listener closes the
// connection).
func rawGet(ctx context.Context, addr, path string) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}
