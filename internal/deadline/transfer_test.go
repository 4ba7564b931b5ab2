package deadline_test

import (
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/deadline"
)

// TestTransferAndPaymentPeriods checks the periods of the State Council
// Provisions on Transferring Suspected Crimes (2001, revised 2020) and the
// fine's payment period against dates worked out by hand on the 2024
// calendar.
func TestTransferAndPaymentPeriods(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name    string
		p       deadline.Period
		trigger string
		due     string
	}{
		// Art. 5 ¶2: report received Wed 2024-06-12; 3 days → Sat 06-15, a
		// rest day, so the next working day, Mon 2024-06-17.
		{"transfer decision", deadline.TransferDecision, "2024-06-12", "2024-06-17"},
		// Art. 8: case received Mon 2024-06-03; 3 days → Thu 2024-06-06.
		{"police review", deadline.PoliceReview, "2024-06-03", "2024-06-06"},
		// Art. 9 ¶1 and ¶2, Art. 12: Tue 2024-06-04 → Fri 2024-06-07.
		{"reconsideration request", deadline.TransferReconsideration, "2024-06-04", "2024-06-07"},
		{"reconsideration decision", deadline.PoliceReconsideration, "2024-06-04", "2024-06-07"},
		{"exhibits", deadline.ExhibitHandover, "2024-06-04", "2024-06-07"},
		// Administrative Penalty Law Art. 67 ¶3: decision received Mon
		// 2024-06-03; 15 days → Tue 2024-06-18, a working day.
		{"fine payment", deadline.FinePayment, "2024-06-03", "2024-06-18"},
		// Received Mon 2024-09-16: 15 days → Tue 2024-10-01, National Day
		// (1–7 October 2024 off), so Tue 2024-10-08.
		{"fine payment across National Day", deadline.FinePayment, "2024-09-16", "2024-10-08"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := tt.p.Due(cal, date(t, tt.trigger))
			if err != nil {
				t.Fatal(err)
			}
			if c.Due.String() != tt.due {
				t.Errorf("due %s, want %s; steps %q", c.Due, tt.due, c.Steps)
			}
		})
	}
	// Art. 5 ¶2: an approval at 10:00 on 2025-06-03 reaches the police by
	// 10:00 on 2025-06-04, whatever the day.
	cst := time.FixedZone("CST", 8*3600)
	approved := time.Date(2025, time.June, 3, 10, 0, 0, 0, cst)
	if got, want := deadline.TransferDue(approved), time.Date(2025, time.June, 4, 10, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("TransferDue(%s) = %s, want %s", approved, got, want)
	}
}
