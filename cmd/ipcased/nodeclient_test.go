package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/store/storetest"
)

// nodeClient finds node and the example client's libraries:
// IPCASE_NODE_MODULES, else .cache/node/node_modules, as scripts/test.sh
// installs them from scripts/tools/node. Under scripts/test.sh
// (IPCASE_REQUIRE_NODE_CLIENT=1) their absence fails the test; elsewhere it
// skips.
func nodeClient(t *testing.T, root string) (node, modules string) {
	t.Helper()
	modules = os.Getenv("IPCASE_NODE_MODULES")
	if modules == "" {
		modules = filepath.Join(root, ".cache/node/node_modules")
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(modules, "@grpc/grpc-js"))
	}
	if err != nil {
		if os.Getenv("IPCASE_REQUIRE_NODE_CLIENT") == "1" {
			t.Fatalf("IPCASE_REQUIRE_NODE_CLIENT=1 but node or @grpc/grpc-js in %s is missing: %v", modules, err)
		}
		t.Skipf("node or @grpc/grpc-js missing (%v): scripts/test.sh installs them", err)
	}
	return node, modules
}

// TestNodeClient runs the example Node client (scripts/tools/node/client.js,
// built from proto/ at run time with @grpc/grpc-js) against a real ipcased
// started here on a fresh database: it submits a complaint, retries it,
// gets it, lists matters page by page and reads the events, and its bad
// input comes back as INVALID_ARGUMENT naming the field.
func TestNodeClient(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	node, modules := nodeClient(t, root)
	// proto/ imports google/api/annotations.proto.
	if out, err := exec.CommandContext(t.Context(), filepath.Join(root, "scripts/protodeps.sh")).CombinedOutput(); err != nil {
		t.Fatalf("scripts/protodeps.sh: %v\n%s", err, out)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ipcased")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("ipcased %v: %v: %s", args, err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	keys := filepath.Join(dir, "keys")
	if err := os.Mkdir(keys, 0o700); err != nil {
		t.Fatal(err)
	}
	run("token", "keygen", "--kid", "node-1", "--private", filepath.Join(keys, "signing.jwk"), "--jwks", filepath.Join(keys, "jwks.json"))
	run("token", "keygen", "--kid", "checkpoint-1", "--private", filepath.Join(keys, "checkpoint.jwk"))
	token := run("token", "issue", "--key", filepath.Join(keys, "signing.jwk"), "--sub", "node-officer", "--role", "officer", "--agency", "SAMR-HZ", "--ttl", "10m")

	addr := freeAddr(t)
	srv := exec.CommandContext(t.Context(), bin, "serve")
	var log strings.Builder
	srv.Stdout, srv.Stderr = &log, &log
	srv.Env = append(os.Environ(), "DATABASE_URL="+storetest.URL(t), "IPCASE_GRPC_ADDR="+addr,
		"IPCASE_CHECKPOINT_KEY_FILE="+filepath.Join(keys, "checkpoint.jwk"), "IPCASE_AUTH_JWKS_FILE="+filepath.Join(keys, "jwks.json"),
		"IPCASE_COURT_ADDR=", "IPCASE_METRICS_ADDR=", "IPCASE_EVIDENCE_DIR="+filepath.Join(dir, "evidence"),
		"IPCASE_DECISION_KEY_DIR="+filepath.Join(dir, "decision-keys"), "IPCASE_LOG_MODE=production")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		_ = srv.Wait()
		if t.Failed() {
			t.Logf("ipcased log:\n%s", log.String())
		}
	})
	waitListening(t, addr)

	type output struct {
		Submitted struct{ Name, Number, Etag string }
		Retried   struct{ Name, Number string }
		Got       string
		Pages     [][]string
		Events    []struct {
			Sequence     int
			Type, Hash   string
			PreviousHash string `json:"previous_hash"`
		}
		Refused *struct {
			Code       string
			Violations []struct{ Field, Description string }
		}
	}
	client := func() output {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), node, filepath.Join(root, "scripts/tools/node/client.js"), addr)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "IPCASE_TOKEN="+token, "IPCASE_ROOT="+root)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node client: %v\n%s", err, stderr.String())
		}
		var o output
		if err := json.Unmarshal(out, &o); err != nil {
			t.Fatalf("node client printed %q: %v", out, err)
		}
		return o
	}
	// Three runs, three matters: the third lists them two to a page.
	var names []string
	var last output
	for range 3 {
		last = client()
		names = append(names, last.Submitted.Name)
		if last.Retried != (struct{ Name, Number string }{last.Submitted.Name, last.Submitted.Number}) || last.Got != last.Submitted.Name {
			t.Errorf("a retry with the same request_id must answer the same matter: submitted %+v, retried %+v, got %s",
				last.Submitted, last.Retried, last.Got)
		}
	}
	slices.Reverse(names) // newest first
	if want := [][]string{names[:2], names[2:]}; fmt.Sprint(last.Pages) != fmt.Sprint(want) {
		t.Errorf("pages %v; want %v (newest first, two to a page)", last.Pages, want)
	}
	// One event for the complaint, whatever the retry: the retry wrote nothing.
	if len(last.Events) != 1 || last.Events[0].Type != "complaint.submitted" || last.Events[0].Sequence != 1 ||
		last.Events[0].PreviousHash != "" || len(last.Events[0].Hash) != 64 {
		t.Errorf("events %+v; want the one complaint.submitted, first of its chain", last.Events)
	}
	if r := last.Refused; r == nil || r.Code != "INVALID_ARGUMENT" || len(r.Violations) != 1 || r.Violations[0].Field != "complainant.credit_code" {
		t.Errorf("a wrong check character: %+v; want INVALID_ARGUMENT on complainant.credit_code", r)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// waitListening waits up to 30 s for addr to accept connections.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := new(net.Dialer).DialContext(ctx, "tcp", addr); err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("ipcased did not listen on %s within 30 s", addr)
		case <-tick.C:
		}
	}
}
