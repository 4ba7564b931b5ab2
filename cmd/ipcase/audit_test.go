package main

import (
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestAuditVerify runs `ipcase audit verify` against a real ipcased with
// authentication on: intact history exits 0, a row altered with SQL exits 4
// naming the event, and a call without a token exits 1.
func TestAuditVerify(t *testing.T) {
	t.Parallel()
	addr, officer, db, name := auditRig(t)

	ok := ipcase(t, "audit", "verify", name, "--server", addr, "--token", officer)
	if ok.code != exitOK || !strings.Contains(ok.stdout, "history intact, 1 events checked") {
		t.Errorf("intact history: exit %d, stdout %q, stderr %q", ok.code, ok.stdout, ok.stderr)
	}
	anon := ipcase(t, "audit", "verify", name, "--server", addr)
	if anon.code != exitFailure || !strings.Contains(anon.stderr, "no token: run ipcase login first") {
		t.Errorf("no token: exit %d, stderr %q", anon.code, anon.stderr)
	}

	storetest.TamperedEvents(t) // the payload is altered on purpose
	for _, stmt := range []string{
		`ALTER TABLE events DISABLE TRIGGER events_append_only`,
		`UPDATE events SET payload = '{"number":"IPC-2026-999999"}' WHERE seq = 1`,
	} {
		storetest.Exec(t, db, stmt)
	}
	bad := ipcase(t, "audit", "verify", strings.TrimPrefix(name, "matters/"), "--server", addr, "--token", officer, "-o", "json")
	if bad.code != exitBroken || !strings.Contains(bad.stderr, "history broken at event 1") || !strings.Contains(bad.stdout, `"intact": false`) {
		t.Errorf("tampered history: exit %d, stdout %q, stderr %q; want exit 4 naming event 1", bad.code, bad.stdout, bad.stderr)
	}
}

// TestAuditVerifyState: a matter whose row was changed with SQL, every
// event left alone, exits 4 naming the field, its value and the history's.
func TestAuditVerifyState(t *testing.T) {
	t.Parallel()
	addr, officer, db, name := auditRig(t)
	storetest.Exec(t, db, `UPDATE matters SET state = 'REJECTED' WHERE id = ?`, strings.TrimPrefix(name, "matters/"))
	want := name + ": history broken: matter state REJECTED does not match its history: SUBMITTED"
	bad := ipcase(t, "audit", "verify", name, "--server", addr, "--token", officer)
	if bad.code != exitBroken || !strings.Contains(bad.stderr, want) || strings.Contains(bad.stderr, "at event") {
		t.Errorf("tampered state: exit %d, stdout %q, stderr %q; want exit 4 saying %q", bad.code, bad.stdout, bad.stderr, want)
	}
	js := ipcase(t, "audit", "verify", name, "--server", addr, "--token", officer, "-o", "json")
	if js.code != exitBroken || !strings.Contains(js.stdout, `"intact": false`) || strings.Contains(js.stdout, "firstBrokenSequence") ||
		!strings.Contains(js.stdout, `"problem": "matter state REJECTED does not match its history: SUBMITTED"`) {
		t.Errorf("tampered state, JSON: exit %d, stdout %q", js.code, js.stdout)
	}
}

// auditRig serves the filing service with authentication on over a fresh
// database and files one complaint with SAMR-HZ; it returns the address,
// a token of an officer of SAMR-HZ, the database and the matter's name.
func auditRig(t *testing.T) (addr, officer string, db *store.DB, name string) {
	t.Helper()
	env := authtest.New(t)
	db = storetest.NewDB(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fs := filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()))
	addr = servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, cal, time.Now))
	}, nil, env.ServerOptions()...)
	officer = env.Officer(t, "SAMR-HZ")
	conn := servertest.Dial(t, addr)
	resp, err := ipcasev1.NewFilingServiceClient(conn).SubmitComplaint(authtest.WithToken(t.Context(), officer), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "李明"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王强"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "《山海行记》"}},
		Facts:       "Photographs copied.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	return addr, officer, db, resp.GetMatter().GetName()
}
