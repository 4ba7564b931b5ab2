package deploy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestComposeUpWithPodman runs deploy/compose.yaml for real: it builds the
// images with scripts/image.sh (deploy/Containerfile FROM scratch, and the
// local Postgres image), makes keys with the image's own ipcased, brings the
// project up with podman-compose, files a complaint over the gateway's HTTP
// and reads it back over gRPC with the image's ipcase CLI, then tears the
// project down with its volumes.
//
// podman-compose 1.0.3 ignores depends_on conditions and runs health checks
// through /bin/sh (which the image has not), so the test waits itself, in
// the order the conditions say: Postgres ready, migrate exited 0, then the
// rest; and it runs each service's health check command (from compose.yaml)
// with podman exec.
//
// It skips where podman or podman-compose is missing or we are not root,
// unless IPCASE_REQUIRE_CONTAINERS=1 (set by scripts/test.sh where podman
// works), which turns every skip into a failure.
func TestComposeUpWithPodman(t *testing.T) {
	required := os.Getenv("IPCASE_REQUIRE_CONTAINERS") == "1"
	skip := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf("IPCASE_REQUIRE_CONTAINERS=1, but "+format, args...)
		}
		t.Skipf(format, args...)
	}
	if testing.Short() && !required {
		t.Skip("builds two images and runs the Compose project (a minute or more)")
	}
	for _, tool := range []string{"podman", "podman-compose"} {
		if _, err := exec.LookPath(tool); err != nil {
			skip("%s is not installed (scripts/image.sh installs it with apt as root)", tool)
		}
	}
	if os.Geteuid() != 0 {
		skip("not root: the keys folder must belong to uid 65532, and rootless podman is not set up here")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	image := "localhost/ipcase:composetest"
	pgImage := "localhost/ipcase-postgres:15"
	build := exec.CommandContext(ctx, filepath.Join(root, "scripts", "image.sh"))
	build.Env = append(os.Environ(), "IPCASE_IMAGE="+image, "IPCASE_POSTGRES_IMAGE="+pgImage)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/image.sh: %v\n%s", err, out)
	}
	if os.Getenv("CONTAINERS_CONF") == "" {
		// The one scripts/image.sh wrote (scripts/containers.sh).
		t.Setenv("CONTAINERS_CONF", filepath.Join(root, ".cache", "containers", "containers.conf"))
	}
	t.Logf("images built in %s", time.Since(began).Round(time.Second))

	// Can this kernel run a container at all? Say exactly what failed.
	if out, err := exec.CommandContext(ctx, "podman", "run", "--rm", "--read-only", image, "--help").CombinedOutput(); err != nil {
		skip("podman run %s --help: %v\n%s", image, err, out)
	}

	// Keys and certificates, made by the image's ipcased as its own user.
	keys := t.TempDir()
	if err := os.Chown(keys, 65532, 65532); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, "podman", append([]string{"run", "--rm", "--read-only", "-v", keys + ":/keys", image}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ipcased %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return strings.TrimSpace(string(out))
	}
	run("token", "keygen", "--kid", "signing-1", "--private", "/keys/signing.jwk", "--jwks", "/keys/jwks.json")
	run("token", "keygen", "--kid", "signin-1", "--roles", "session", "--private", "/keys/signin.jwk", "--jwks", "/keys/jwks.json")
	run("token", "keygen", "--kid", "checkpoint-1", "--private", "/keys/checkpoint.jwk")
	run("dev", "certs", "--dir", "/keys/certs", "--court", "京73")

	ports := map[string]string{}
	for _, name := range []string{"GRPC", "METRICS", "COURT", "JUDICIAL_METRICS", "HTTP", "GATEWAY_METRICS"} {
		ports[name] = freePort(t)
	}
	env := map[string]string{
		"POSTGRES_PASSWORD":     randomHex(t),
		"IPCASE_DB_PASSWORD":    randomHex(t),
		"IPCASE_IMAGE":          image,
		"IPCASE_POSTGRES_IMAGE": pgImage,
		"IPCASE_KEYS_DIR":       keys,
	}
	for name, port := range ports {
		env["IPCASE_PORT_"+name] = port
	}
	project := "ipcasetest" + strconv.Itoa(os.Getpid())
	composeEnv := os.Environ()
	for k, v := range env {
		composeEnv = append(composeEnv, k+"="+v)
	}
	compose := func(args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, "podman-compose", append([]string{"-p", project, "-f", "compose.yaml"}, args...)...)
		cmd.Env = composeEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("podman-compose %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	container := func(service string) string { return project + "_" + service + "_1" }
	services := []string{"postgres", "migrate", "ipcased-administrative", "ipcased-judicial", "gateway"}
	t.Cleanup(func() {
		if t.Failed() {
			for _, s := range services {
				out, _ := exec.Command("podman", "logs", "--tail", "40", container(s)).CombinedOutput()
				t.Logf("podman logs %s:\n%s", container(s), out)
			}
		}
		down := exec.Command("podman-compose", "-p", project, "-f", "compose.yaml", "down", "-v", "-t", "5")
		down.Env = composeEnv
		if out, err := down.CombinedOutput(); err != nil {
			t.Errorf("podman-compose down: %v\n%s", err, out)
		}
	})

	upStart := time.Now()
	compose("up", "-d", "postgres")
	waitFor(ctx, t, "postgres to accept connections", func() error {
		return exec.CommandContext(ctx, "podman", "exec", container("postgres"), "pg_isready", "-q", "-U", "ipcase", "-d", "ipcase").Run()
	})
	compose("up", "-d", "migrate")
	out, err := exec.CommandContext(ctx, "podman", "wait", container("migrate")).Output()
	if err != nil || strings.TrimSpace(string(out)) != "0" {
		t.Fatalf("migrate exited with %q (%v)", strings.TrimSpace(string(out)), err)
	}
	compose("up", "-d")

	httpBase := "http://127.0.0.1:" + ports["HTTP"]
	waitFor(ctx, t, "the gateway's /healthz", func() error {
		res, err := http.Get(httpBase + "/healthz")
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s", res.Status)
		}
		return nil
	})
	waitFor(ctx, t, "the administrative side's gRPC health", func() error {
		return grpcServing(ctx, "127.0.0.1:"+ports["GRPC"])
	})
	// The health checks compose.yaml declares, run as written in the
	// containers (podman-compose would wrap them in /bin/sh).
	p, err := loadCompose(t, types.Mapping(env))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		hc := p.Services[s].HealthCheck
		if s == "postgres" || s == "migrate" || hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD" {
			continue
		}
		waitFor(ctx, t, s+"'s health check", func() error {
			out, err := exec.CommandContext(ctx, "podman", append([]string{"exec", container(s)}, hc.Test[1:]...)...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		})
	}
	t.Logf("project up and healthy in %s", time.Since(upStart).Round(time.Second))

	// File a complaint over HTTP as an officer, twice with one request ID:
	// the retry answers with the same matter.
	token := run("token", "issue", "--key", "/keys/signing.jwk", "--sub", "compose-test", "--role", "officer", "--agency", "SAMR-HZ")
	complaint := `{"requestId": "compose-test-1",
		"complainant": {"kind": "PARTY_KIND_ORGANIZATION", "displayName": "福州云端文化传播有限公司", "creditCode": "91350100M000100Y43"},
		"respondents": [{"kind": "PARTY_KIND_PERSON", "displayName": "张三"}],
		"rights": [{"type": "IP_TYPE_COPYRIGHT", "title": "《山海行记》"}],
		"facts": "Photographs offered for download without licence.",
		"knownSince": "2026-10-01", "agency": "SAMR-HZ"}`
	var names []string
	for range 2 {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, httpBase+"/v1/matters:submitComplaint", strings.NewReader(complaint))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("POST /v1/matters:submitComplaint: %s\n%s", res.Status, body)
		}
		var sub struct {
			Matter struct{ Name string } `json:"matter"`
		}
		if err := json.Unmarshal(body, &sub); err != nil || !strings.HasPrefix(sub.Matter.Name, "matters/") {
			t.Fatalf("POST /v1/matters:submitComplaint answered %s (%v)", body, err)
		}
		names = append(names, sub.Matter.Name)
	}
	if names[0] != names[1] {
		t.Errorf("the retry made a second matter: %v", names)
	}

	// Read it back over gRPC, with the image's CLI on the published port.
	cli := exec.CommandContext(ctx, "podman", "run", "--rm", "--read-only", "--network", "host",
		"-e", "IPCASE_SERVER=127.0.0.1:"+ports["GRPC"], "-e", "IPCASE_TOKEN="+token, "-e", "IPCASE_CONFIG=/nonexistent/config.json",
		"--entrypoint", "/usr/local/bin/ipcase", image, "matters", "show", names[0], "-o", "json")
	var stderr bytes.Buffer
	cli.Stderr = &stderr
	shown, err := cli.Output()
	if err != nil {
		t.Fatalf("ipcase matters show %s: %v\n%s", names[0], err, stderr.Bytes())
	}
	var st struct {
		Matter struct {
			Name    string `json:"name"`
			Parties []struct {
				DisplayName string `json:"displayName"`
			} `json:"parties"`
		} `json:"matter"`
	}
	if err := json.Unmarshal(shown, &st); err != nil {
		t.Fatalf("ipcase matters show -o json: %v\n%s", err, shown)
	}
	if st.Matter.Name != names[0] || !strings.Contains(string(shown), "福州云端文化传播有限公司") {
		t.Errorf("ipcase matters show %s over gRPC printed another matter:\n%s", names[0], shown)
	}
	t.Logf("whole test: %s", time.Since(began).Round(time.Second))
}

// waitFor polls ok every half second until it returns nil, failing the test
// with the last error after three minutes.
func waitFor(ctx context.Context, t *testing.T, what string, ok func() error) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := ok()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func grpcServing(ctx context.Context, addr string) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	res, err := healthpb.NewHealthClient(conn).Check(cctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return err
	}
	if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("status %s", res.GetStatus())
	}
	return nil
}

// freePort returns a port nothing listens on at 127.0.0.1 (just now).
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
