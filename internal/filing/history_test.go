package filing_test

import (
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestHistoryTamperingIsDetected alters, deletes and reorders event rows
// with SQL, as someone with database access could, and checks that
// VerifyMatterHistory reports the first broken link each time.
func TestHistoryTamperingIsDetected(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		sql     []string
		broken  int64
		problem string
	}{
		{"payload altered", []string{`UPDATE events SET payload = '{"reason":"approved"}' WHERE seq = 2`}, 2, "altered"},
		{"actor altered", []string{`UPDATE events SET actor_subject = 'someone-else' WHERE seq = 1`}, 1, "altered"},
		{"middle event deleted", []string{`DELETE FROM events WHERE seq = 2`}, 2, "missing"},
		{"newest event deleted", []string{`DELETE FROM events WHERE seq = 3`}, 3, "newest events were removed"},
		{"newest event deleted and the head rewritten to match", []string{
			`DELETE FROM events WHERE seq = 3`,
			`UPDATE event_heads h SET seq = 2, hash = e.hash FROM events e WHERE e.matter_id = h.matter_id AND e.seq = 2`,
		}, 2, "checkpoint signature"},
		{"events reordered", []string{
			`UPDATE events SET seq = 100 WHERE seq = 2`,
			`UPDATE events SET seq = 2 WHERE seq = 3`,
			`UPDATE events SET seq = 3 WHERE seq = 100`,
		}, 2, "does not link"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixed(filedAt))
			ctx := t.Context()
			m := mustSubmit(t, f, complaint(""))
			if _, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
				Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
				t.Fatal(err)
			}
			v, err := f.client.VerifyMatterHistory(ctx, &ipcasev1.VerifyMatterHistoryRequest{Name: m.GetName()})
			if err != nil || !v.GetIntact() || v.GetEventsChecked() != 3 {
				t.Fatalf("untouched history: %v, %v; want intact with 3 events", v, err)
			}
			// The table refuses updates and deletes; an attacker with
			// owner rights disables the guard first.
			if _, err := f.db.SQL().ExecContext(ctx, tt.sql[0]); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("tampering without disabling the trigger: %v; want the append-only refusal", err)
			}
			storetest.TamperedEvents(t) // the payload is altered on purpose
			storetest.Exec(t, f.db, `ALTER TABLE events DISABLE TRIGGER events_append_only`)
			for _, s := range tt.sql {
				storetest.Exec(t, f.db, s)
			}
			v, err = f.client.VerifyMatterHistory(ctx, &ipcasev1.VerifyMatterHistoryRequest{Name: m.GetName()})
			if err != nil {
				t.Fatal(err)
			}
			if v.GetIntact() || v.GetFirstBrokenSequence() != tt.broken || !strings.Contains(v.GetProblem(), tt.problem) {
				t.Errorf("after %s: intact=%v first broken %d problem %q; want broken at %d mentioning %q",
					tt.name, v.GetIntact(), v.GetFirstBrokenSequence(), v.GetProblem(), tt.broken, tt.problem)
			}
		})
	}
}
