package enforcement_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestCriminalFlagByActDate: the criminal flag that blocks closing without a
// reason is the one of the interpretation in force when the act was done
// (SPC/SPP Provisions on the Temporal Effect of Criminal Judicial
// Interpretations (2001) Art. 3). A patent passed off in 2024 with a
// holder's loss of 300,000 is below the 500,000 of Fa Shi [2004] No. 19
// Art. 4(2), so the case closes without a reason although Fa Shi [2025]
// No. 5 Art. 10(2) (300,000) is in force when it is decided; a loss of
// 500,000 reaches the 2004 line and the close is refused.
func TestCriminalFlagByActDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		loss    string
		flagged bool
	}{{"300000", false}, {"500000", true}} {
		t.Run(tt.loss, func(t *testing.T) {
			t.Parallel()
			f := newFlow(t)
			m := f.file("91330100MA2AXQ9B12")
			c := f.investigate(m, "1000")
			// Patent Law 2020 Art. 68: gains 20,000 ≤ 50,000 → 0–250,000.
			resp, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), ServedOn: "2026-09-30",
				Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_PATENT_PASSING_OFF, ConductDate: "2024-05-01",
					IllegalGainsYuan: "20000", HolderLossYuan: tt.loss, Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}})
			if err != nil {
				t.Fatal(err)
			}
			n := resp.GetCase().GetNotice()
			if n.GetCriminalThresholdCrossed() != tt.flagged || n.GetRange().GetCriminalInterpretation() == "" ||
				!strings.HasPrefix(n.GetRange().GetCriminalInterpretation(), "Fa Shi [2004] No. 19") {
				t.Fatalf("notice: criminal %v under %q, want %v under Fa Shi [2004] No. 19 …", n.GetCriminalThresholdCrossed(),
					n.GetRange().GetCriminalInterpretation(), tt.flagged)
			}
			f.setDay("2026-10-14")
			dec, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: resp.GetCase().GetEtag(),
				FineYuan: "50000", DecidedOn: "2026-10-14"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Enforcement.CloseEnforcement(f.ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: dec.GetCase().GetEtag()})
			if tt.flagged != (code(err) == codes.FailedPrecondition) || (!tt.flagged && err != nil) {
				t.Errorf("close without a reason: %v (flagged %v)", err, tt.flagged)
			}
		})
	}
}
