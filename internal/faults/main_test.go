package faults

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/store/storetest"
)

// Built once per test binary by TestMain.
var (
	// moduleRoot is the checkout, where scripts/ lives.
	moduleRoot string
	// ipcasedBin is ipcased built from moduleRoot (without -race: the
	// tests' own code is what the race detector should watch).
	ipcasedBin string
	// jwksFile and checkpointKey are what every ipcased started here reads.
	jwksFile, checkpointKey string
	// adminToken is an administrator's bearer token signed by a key in
	// jwksFile. Every client uses it: request ids are scoped by caller, so
	// a retry must come from the same subject as the first attempt.
	adminToken string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // every test skips itself
	}
	dir, err := os.MkdirTemp("", "ipcase-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintln(os.Stderr, "faults:", err)
		}
	}()
	if err := build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 1
	}
	return storetest.Run(m)
}

// build compiles ipcased into dir and makes the keys and the token the
// tests use, the way scripts/dev.sh does.
func build(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	moduleRoot = filepath.Dir(strings.TrimSpace(string(out)))
	ipcasedBin = filepath.Join(dir, "ipcased")
	if err := command(ctx, moduleRoot, "go", "build", "-o", ipcasedBin, "./cmd/ipcased"); err != nil {
		return err
	}
	jwksFile = filepath.Join(dir, "jwks.json")
	checkpointKey = filepath.Join(dir, "checkpoint.jwk")
	signing := filepath.Join(dir, "signing.jwk")
	if err := command(ctx, dir, ipcasedBin, "token", "keygen", "--kid", "faults-1", "--private", signing, "--jwks", jwksFile); err != nil {
		return err
	}
	if err := command(ctx, dir, ipcasedBin, "token", "keygen", "--kid", "checkpoint-1", "--private", checkpointKey); err != nil {
		return err
	}
	tok, err := exec.CommandContext(ctx, ipcasedBin, "token", "issue", "--key", signing, "--sub", "faults-admin", "--role", "admin", "--ttl", "2h").Output()
	if err != nil {
		return fmt.Errorf("token issue: %w", err)
	}
	adminToken = strings.TrimSpace(string(tok))
	return nil
}

// command runs name in dir and returns its output in the error if it fails.
func command(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return nil
}
