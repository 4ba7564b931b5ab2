package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestEventsTail follows the event exchange from a position, filtered by
// type, as a table and as JSON lines, and is refused for a rights holder.
func TestEventsTail(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	env := authtest.New(t)
	fs := filing.NewStore(db, eventstest.Log)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterEventServiceServer(s, exchange.NewServer(db, fs, eventstest.Hub(t, db), exchange.Config{}))
	}, nil, env.ServerOptions()...)
	m := eventstest.Matter(t, db, "SAMR-HZ")
	for _, court := range []string{"京73", "沪73", "粤73"} {
		rec := events.Record{Type: events.EnforcementTransferredCourt, Payload: events.TransferDossier{Target: "COURT", Recipient: court}}
		if err := eventstest.Append(ctx, db, m, rec); err != nil {
			t.Fatal(err)
		}
	}
	tail := func(tok string, args ...string) result {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"events", "tail"}, args...)...)
		cmd.Env = append(os.Environ(), "IPCASE_SERVER="+addr, "IPCASE_TOKEN="+tok, "IPCASE_TLS_CA=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
	}
	admin := env.Admin(t)

	r := tail(admin, "--after", "2", "--type", string(events.EnforcementTransferredCourt), "--count", "2")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitOK || len(lines) != 2 || !strings.HasPrefix(lines[0], "3 ") || !strings.HasPrefix(lines[1], "4 ") ||
		!strings.Contains(lines[0], "enforcement.transferred_to_court") || !strings.Contains(lines[0], "matters/"+m+"/events/3") {
		t.Errorf("tail --after 2: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// In China time, as every other command prints it, not UTC.
	if !regexp.MustCompile(`^3 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CST `).MatchString(lines[0]) {
		t.Errorf("tail prints %q; want the time in China Standard Time", lines[0])
	}

	r = tail(admin, "-o", "json", "--count", "1")
	var got struct {
		Position string
		Event    struct{ Type string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Position != "1" || got.Event.Type != string(events.ComplaintSubmitted) {
		t.Errorf("tail -o json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}

	if r := tail(env.RightsHolder(t, "0b7f4a52-0000-4000-8000-000000000001"), "--count", "1"); r.code != exitFailure || !strings.Contains(r.stderr, "not allowed") {
		t.Errorf("a rights holder's tail: exit %d\n%s", r.code, r.stderr)
	}
	if r := tail(admin, "--type", "Transfers"); r.code != exitUsage {
		t.Errorf("tail --type Transfers: exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
}
