package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
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

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/store"
)

// daemon is one ipcased process.
type daemon struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	// addr is its gRPC listener, metricsAddr its /metrics listener.
	addr, metricsAddr string
	logPath           string
	// done is closed when the process has exited.
	done chan struct{}
	conn *grpc.ClientConn
}

// startDaemon starts `ipcased serve` on the database at dbURL, on free
// ports, and waits until its health service answers SERVING. extraEnv
// (NAME=value) comes last, so it overrides the defaults here. The process
// is killed when ctx is done or t ends, whichever comes first.
func startDaemon(ctx context.Context, t *testing.T, name, dbURL string, extraEnv ...string) *daemon {
	t.Helper()
	// A port found free can be taken before ipcased binds it; try again
	// with new ones rather than fail on that race.
	for attempt := 1; ; attempt++ {
		d, err := tryStart(ctx, t, name, dbURL, extraEnv)
		if err == nil {
			return d
		}
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			t.Fatalf("starting %s: %v", name, err)
		}
	}
}

func tryStart(ctx context.Context, t *testing.T, name, dbURL string, extraEnv []string) (*daemon, error) {
	d := &daemon{t: t, name: name, addr: freeAddr(t), metricsAddr: freeAddr(t), done: make(chan struct{})}
	d.logPath = filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(d.logPath)
	if err != nil {
		return nil, err
	}
	d.cmd = exec.CommandContext(ctx, ipcasedBin, "serve")
	// A clean environment: nothing the developer or CI exported for their
	// own ipcased (IPCASE_GRPC_ADDR, say) may leak into these.
	d.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + dbURL,
		"IPCASE_GRPC_ADDR=" + d.addr,
		"IPCASE_METRICS_ADDR=" + d.metricsAddr,
		"IPCASE_AUTH_JWKS_FILE=" + jwksFile,
		"IPCASE_CHECKPOINT_KEY_FILE=" + checkpointKey,
		"IPCASE_DECISION_KEY_DIR=" + filepath.Join(t.TempDir(), "decision-keys"),
		"IPCASE_SHUTDOWN_TIMEOUT=2s",
		"IPCASE_HEALTH_INTERVAL=500ms",
		// The singletons keep their production lock retry
		// (store.LeaseRetry, IPCASE_SWEEP_LOCK_RETRY: 1s each), so the
		// takeovers TestTwoReplicas and TestLeaderLosesItsSession measure
		// are the ones operators get.
	}, extraEnv...)
	d.cmd.Stdout, d.cmd.Stderr = logFile, logFile
	// ipcased writes the log; a failed close of our copy of the
	// descriptor loses nothing.
	if err := d.cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, err
	}
	go func() {
		_ = d.cmd.Wait()
		_ = logFile.Close()
		close(d.done)
	}()
	t.Cleanup(func() {
		d.kill()
		if t.Failed() {
			t.Logf("%s (pid %d) log, last lines:\n%s", d.name, d.cmd.Process.Pid, tail(d.logPath, 30))
		}
	})
	conn, err := grpc.NewClient(d.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	d.conn = conn
	t.Cleanup(func() { _ = conn.Close() })
	ready, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		st, _ := d.health(ready, "")
		if st == healthpb.HealthCheckResponse_SERVING {
			return d, nil
		}
		select {
		case <-d.done:
			log := tail(d.logPath, 20)
			if strings.Contains(log, "address already in use") {
				return nil, errors.New("address already in use")
			}
			return nil, fmt.Errorf("ipcased exited during start:\n%s", log)
		case <-ready.Done():
			return nil, fmt.Errorf("not SERVING after 30s:\n%s", tail(d.logPath, 20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL, as `kill -9` does, and waits for the process to go.
func (d *daemon) kill() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Kill()
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.t.Errorf("%s (pid %d) still running 10s after SIGKILL", d.name, d.cmd.Process.Pid)
	}
}

// alive reports whether the process has not exited.
func (d *daemon) alive() bool {
	select {
	case <-d.done:
		return false
	default:
		return true
	}
}

func (d *daemon) filing() ipcasev1.FilingServiceClient {
	return ipcasev1.NewFilingServiceClient(d.conn)
}

// health asks the gRPC health service about service ("" is the server as
// a whole), waiting at most a second.
func (d *daemon) health(ctx context.Context, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(d.conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	return resp.GetStatus(), err
}

// metrics scrapes /metrics and returns the samples named name, by their
// label set as written ({task="relay"}), or "" for none.
func (d *daemon) metrics(ctx context.Context, name string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+d.metricsAddr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	out := map[string]float64{}
	for line := range strings.Lines(string(body)) {
		line = strings.TrimSuffix(line, "\n")
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		labels, value := "", strings.TrimSpace(rest)
		if strings.HasPrefix(rest, "{") {
			end := strings.Index(rest, "}")
			if end < 0 {
				continue
			}
			labels, value = rest[:end+1], strings.TrimSpace(rest[end+1:])
		}
		if f := strings.Fields(value); len(f) > 0 {
			v, err := strconv.ParseFloat(f[0], 64)
			if err != nil {
				return nil, fmt.Errorf("metric line %q: %w", line, err)
			}
			out[labels] = v
		}
	}
	return out, nil
}

// authed adds the administrator's token to ctx.
func authed(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+adminToken)
}

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// complaint is the request with request id rid. Its body is a function of
// rid alone, so a retry sends the same body, and its facts name rid, so
// the matters a request made can be found in the database without the
// idempotency records.
func complaint(rid string) *ipcasev1.SubmitComplaintRequest {
	return &ipcasev1.SubmitComplaintRequest{
		RequestId:   rid,
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "申请人 " + rid},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "被申请人 " + rid}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "《作品》 " + rid, Holder: "申请人 " + rid}},
		Facts:       factsPrefix + rid,
		KnownSince:  "2026-10-01",
		Agency:      "SAMR-HZ",
	}
}

const factsPrefix = "Fault test submission "

// openDB opens a small pool on the database at url, closed when t ends.
// The tests read what ipcased wrote with plain SQL through the pool itself
// (db.SQL(), $n placeholders), as an operator would.
func openDB(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), store.Config{URL: url, MaxOpenConns: 4}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// count runs a query returning one integer.
func count(ctx context.Context, t *testing.T, db *store.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.SQL().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkNumbers fails t when two matters share a number.
func checkNumbers(ctx context.Context, t *testing.T, db *store.DB) (matters int64) {
	t.Helper()
	var r struct{ Total, Distinct int64 }
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT number) FROM matters`).Scan(&r.Total, &r.Distinct); err != nil {
		t.Fatal(err)
	}
	if r.Total != r.Distinct {
		t.Errorf("%d matters share %d numbers: a number was handed out twice", r.Total, r.Distinct)
	}
	return r.Total
}

// verifyAll calls VerifyMatterHistory on every matter in db through c and
// fails t for each chain that does not verify. It returns how many it
// checked.
func verifyAll(ctx context.Context, t *testing.T, db *store.DB, c ipcasev1.FilingServiceClient) int {
	t.Helper()
	var ids []string
	rows, err := db.SQL().QueryContext(ctx, `SELECT id::text FROM matters ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range work {
				resp, err := c.VerifyMatterHistory(authed(ctx), &ipcasev1.VerifyMatterHistoryRequest{Name: "matters/" + id})
				switch {
				case err != nil:
					t.Errorf("VerifyMatterHistory(%s): %v", id, err)
				case !resp.GetIntact() || resp.GetEventsChecked() == 0:
					t.Errorf("matters/%s: chain does not verify: %d events checked, first broken %d: %s",
						id, resp.GetEventsChecked(), resp.GetFirstBrokenSequence(), resp.GetProblem())
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	return len(ids)
}

// waitStamped waits until the relay has given every committed event in db
// its log position.
func waitStamped(ctx context.Context, t *testing.T, db *store.DB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		unstamped := count(ctx, t, db, `SELECT count(*) FROM event_unstamped`)
		events := count(ctx, t, db, `SELECT count(*) FROM events`)
		positions := count(ctx, t, db, `SELECT count(*) FROM event_positions`)
		if unstamped == 0 && events == positions {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d events, %d positions, %d queued unstamped: the relay is not stamping", within, events, positions, unstamped)
		}
		sleepCtx(ctx, 200*time.Millisecond)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
