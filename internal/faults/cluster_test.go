package faults

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pgBinDir finds a folder holding every one of tools, looking where
// scripts/pg.sh's pg_bindir and scripts/backup.sh look: IPCASE_PG_BINDIR
// (ensure_postgres exports it), the /usr/lib/postgresql/*/bin folders,
// newest first, then the folder of tools[0] on PATH. It returns "" when
// there is none.
func pgBinDir(tools ...string) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return majorOf(b) - majorOf(a) })
	if d := os.Getenv("IPCASE_PG_BINDIR"); d != "" {
		dirs = append([]string{d}, dirs...)
	}
	if p, err := exec.LookPath(tools[0]); err == nil {
		if p, err = filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	for _, d := range dirs {
		if !slices.ContainsFunc(tools, func(tool string) bool {
			_, err := os.Stat(filepath.Join(d, tool))
			return err != nil
		}) {
			return d
		}
	}
	return ""
}

// majorOf reads the version from /usr/lib/postgresql/{version}/bin.
func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// needPostgresTools returns the folder holding every one of tools, or
// skips t when there is none; with IPCASE_REQUIRE_FAULTS set, their
// absence fails t instead, so CI cannot pass by skipping.
func needPostgresTools(t *testing.T, tools ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("fault test skipped with -short")
	}
	if dir := pgBinDir(tools...); dir != "" {
		return dir
	}
	msg := fmt.Sprintf("Postgres programs %v not found together (IPCASE_PG_BINDIR, /usr/lib/postgresql/*/bin, PATH); install the postgresql package", tools)
	if os.Getenv("IPCASE_REQUIRE_FAULTS") != "" {
		t.Fatal(msg + "; IPCASE_REQUIRE_FAULTS is set, so this fails instead of skipping")
	}
	t.Skip(msg + "; set IPCASE_REQUIRE_FAULTS=1 to make this a failure")
	return ""
}

// cluster is a throwaway Postgres server this test may stop and start.
type cluster struct {
	t      *testing.T
	bindir string
	dir    string // holds data/, the socket and the log
	port   int
	// owner runs the server: initdb and postgres refuse root, so root hands
	// them to the postgres user (as scripts/pg.sh does); empty runs them as
	// ourselves.
	owner   string
	started bool
	// settings are the server's -c options; empty: the throwaway settings
	// of start (fsync and synchronous_commit off).
	settings string
}

// newCluster initdbs a cluster in a fresh folder, removed when t ends,
// with fsync off: its data is thrown away.
func newCluster(ctx context.Context, t *testing.T) *cluster {
	t.Helper()
	c := &cluster{t: t, bindir: needPostgresTools(t, "initdb", "pg_ctl", "postgres")}
	if os.Geteuid() == 0 {
		c.owner = "postgres"
		if _, err := user.Lookup(c.owner); err != nil {
			msg := "running as root, and there is no postgres user to run the server as (scripts/pg.sh's ensure_postgres creates one)"
			if os.Getenv("IPCASE_REQUIRE_FAULTS") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	c.dir = c.makeDir(ctx)
	if out, err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c.running(ctx) {
			_, _ = c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
		}
	})
	return c
}

// makeDir makes the cluster's folder, removed when the test ends. Not
// t.TempDir: its parents are private to us, and the server's owner must
// reach the folder; when TMPDIR is private too, /var/tmp or /tmp serve.
func (c *cluster) makeDir(ctx context.Context) string {
	c.t.Helper()
	for _, parent := range []string{os.TempDir(), "/var/tmp", "/tmp"} {
		dir, err := os.MkdirTemp(parent, "ipcase-faults-pg-")
		if err != nil {
			continue
		}
		c.t.Cleanup(func() { _ = os.RemoveAll(dir) })
		if err := os.Chmod(dir, 0o755); err != nil {
			c.t.Fatal(err)
		}
		if c.owner == "" {
			return dir
		}
		u, err := user.Lookup(c.owner)
		if err != nil {
			c.t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			c.t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx, "runuser", "-u", c.owner, "--", "test", "-w", dir).CombinedOutput()
		if err == nil {
			return dir
		}
		c.t.Logf("%s cannot write to %s (%v %s); trying another folder", c.owner, dir, err, out)
	}
	c.t.Fatalf("no temporary folder the %s user can write to", c.owner)
	return ""
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// url is the address of database db on this cluster.
func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// run runs one of the Postgres binaries as the cluster's owner.
func (c *cluster) run(ctx context.Context, tool string, args ...string) (string, error) {
	name, argv := filepath.Join(c.bindir, tool), args
	if c.owner != "" {
		name, argv = "runuser", append([]string{"-u", c.owner, "--", name}, args...)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.Dir = c.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// start starts the server. The first start takes a free port, and a new
// one when it fails (another process can bind a port between our check
// and the server's); later starts keep it, because ipcased's DATABASE_URL
// names it.
func (c *cluster) start(ctx context.Context) {
	c.t.Helper()
	for attempt := 1; ; attempt++ {
		if !c.started {
			c.port = freePort(c.t)
		}
		settings := c.settings
		if settings == "" {
			settings = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
		}
		out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "postgres.log"), "-w", "-t", "60", "start",
			"-o", fmt.Sprintf("-p %d -k %s %s", c.port, c.dir, settings))
		if err == nil {
			c.started = true
			return
		}
		if attempt == 3 || c.started {
			log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
			c.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
}

// stop stops the server with mode (smart, fast or immediate).
func (c *cluster) stop(ctx context.Context, mode string) {
	c.t.Helper()
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", mode, "-w", "stop"); err != nil {
		c.t.Fatalf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
}

func (c *cluster) running(ctx context.Context) bool {
	_, err := c.run(ctx, "pg_ctl", "-D", c.data(), "status")
	return err == nil
}

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	addr := freeAddr(t)
	port, err := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	return port
}
