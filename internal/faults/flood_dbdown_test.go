package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestNoLogFloodWhileDatabaseDown stops Postgres for 10 s under an idle
// ipcased with every background loop running (relay, sweeper, consumers,
// event listener, webhook dispatcher, evidence cleaner): each loop must
// back off and say once that it cannot work and once that it works again,
// not once per attempt, and count its failures in
// ipcase_background_failures_total.
func TestNoLogFloodWhileDatabaseDown(t *testing.T) {
	const (
		outage = 10 * time.Second
		// maxLines bounds what the outage may log at Warn or above: a
		// line when each of the loops (six kinds, a dozen consumers, the
		// health check) first fails, and for the leaders a line on losing
		// their lock. Before backoff, one relay logged about 2,000 a second.
		maxLines = 40
	)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	pg := newCluster(ctx, t)
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(ctx, t, "ipcased", url, "IPCASE_EVIDENCE_DIR="+t.TempDir())
	c := d.filing()
	if _, err := c.SubmitComplaint(authed(ctx), complaint("flood-before")); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, 10*time.Second, "every singleton led", func() (bool, error) {
		v, err := d.metrics(ctx, "ipcase_leader")
		return err == nil && v[`{task="relay"}`] == 1 && v[`{task="sweeper"}`] == 1, seen("ipcase_leader", v, err)
	})

	start := lineCount(t, d.logPath)
	stopped := time.Now()
	pg.stop(ctx, "immediate")
	sleepCtx(ctx, outage)
	failures, err := d.metrics(ctx, "ipcase_background_failures_total")
	if err != nil {
		t.Fatal(err)
	}
	during := lineCount(t, d.logPath)
	pg.start(ctx)
	waitFor(ctx, t, 15*time.Second, "health SERVING after Postgres is back", func() (bool, error) {
		st, err := d.health(ctx, "")
		return err == nil && st == healthpb.HealthCheckResponse_SERVING, seen("status", st, err)
	})
	if _, err := c.SubmitComplaint(authed(ctx), complaint("flood-after")); err != nil {
		waitFor(ctx, t, 10*time.Second, "a submit after Postgres is back", func() (bool, error) {
			_, err := c.SubmitComplaint(authed(ctx), complaint("flood-after"))
			return err == nil, err
		})
	}
	waitStamped(ctx, t, openDB(t, url), 15*time.Second)
	recovered := time.Since(stopped) - outage

	lines := logLines(t, d.logPath)
	outageLines := lines[start:during]
	loud := 0
	byMessage := map[string]int{}
	bySource := map[string]int{} // message and the loop that logged it
	for _, l := range outageLines {
		var e struct{ Level, Msg, Logger, Task, Consumer string }
		if err := json.Unmarshal([]byte(l), &e); err != nil || (e.Level != "warn" && e.Level != "error") {
			continue
		}
		loud++
		byMessage[e.Msg]++
		bySource[fmt.Sprintf("%s %q %s %s", e.Logger, e.Msg, e.Task, e.Consumer)]++
	}
	t.Logf("%s outage: %d log lines, %d at Warn or above, by message %v; failures counted: %v; relay stamping again %s after the start",
		outage, len(outageLines), loud, byMessage, failures, recovered.Round(10*time.Millisecond))
	if loud > maxLines {
		t.Errorf("%d lines at Warn or above in a %s outage, want at most %d: %v", loud, outage, maxLines, byMessage)
	}
	// A state change is said once: no loop repeats itself during the outage
	// (twice allowed for a change that races the stop).
	for source, n := range bySource {
		if n > 2 {
			t.Errorf("logged %d times during the outage: %s", n, source)
		}
	}
	for _, task := range []string{"relay", "sweeper", "consumers"} {
		if failures[`{task="`+task+`"}`] == 0 {
			t.Errorf("ipcase_background_failures_total{task=%q} is 0 after the outage: %v", task, failures)
		}
	}
	again := 0
	for _, l := range lines[during:] {
		if strings.Contains(l, "background task available again") {
			again++
		}
	}
	if again == 0 {
		t.Errorf("no background task logged that it is available again after the outage")
	}
}

// logLines returns the lines of the log at path.
func logLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func lineCount(t *testing.T, path string) int { return len(logLines(t, path)) }
