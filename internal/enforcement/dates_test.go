package enforcement_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestDatesBeforeTheStepTheyFollow: a step dated before the step it
// follows is refused with INVALID_ARGUMENT naming the field and the earlier
// step's date, and nothing is written. The cases are opened on Monday
// 2026-09-28, the server's day.
func TestDatesBeforeTheStepTheyFollow(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	// Investigating, no inspection yet: opened 2026-09-28.
	bare := f.investigate(f.file("91330100MA2AXQ9B12"), "40000")
	// Investigating with an inspection on 2026-10-02.
	inspected := f.investigate(f.file("92310115MA1K4L7P6H"), "40000")
	f.setDay("2026-10-05")
	in, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: inspected.GetName(), Etag: inspected.GetEtag(),
		Inspection: &ipcasev1.Inspection{Date: "2026-10-02", Place: "shop", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"}, Findings: "cups"}})
	if err != nil {
		t.Fatal(err)
	}
	inspected = in.GetCase()
	// Notified on 2026-10-05: 40,000 reaches the hearing threshold, so a
	// hearing may be requested (the window runs to 2026-10-12).
	notified := f.notify(f.investigate(f.file("91440300MA5FXXXX1Y"), "40000"), "2026-10-05")
	if !notified.GetNotice().GetHearingAvailable() {
		t.Fatal("notice without a hearing; the test needs one")
	}
	fine := &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
		Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}
	for _, tt := range []struct {
		name, words string
		call        func() error
	}{
		{"a penalty notice served before the case was opened", "served_on: 2026-09-27 is before the case was opened on 2026-09-28", func() error {
			_, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: bare.GetName(), Etag: bare.GetEtag(), ServedOn: "2026-09-27", Fine: fine})
			return err
		}},
		{"a penalty notice served before an inspection it rests on", "served_on: 2026-10-01 is before inspection", func() error {
			_, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: inspected.GetName(), Etag: inspected.GetEtag(), ServedOn: "2026-10-01", Fine: fine})
			return err
		}},
		{"an inspection before the case was opened", "inspection.date: 2026-09-25 is before the case was opened on 2026-09-28", func() error {
			_, err := f.Enforcement.RecordInspection(f.ctx, &ipcasev1.RecordInspectionRequest{Name: bare.GetName(), Etag: bare.GetEtag(),
				Inspection: &ipcasev1.Inspection{Date: "2026-09-25", Place: "shop", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"}, Findings: "cups"}})
			return err
		}},
		{"a hearing requested before the notice was served", "requested_on: 2026-10-02 is before the penalty notice was served on 2026-10-05", func() error {
			_, err := f.Enforcement.RequestHearing(f.ctx, &ipcasev1.RequestHearingRequest{Name: notified.GetName(), Etag: notified.GetEtag(), RequestedOn: "2026-10-02"})
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := f.Counts(t)
			err := tt.call()
			if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.words) {
				t.Errorf("got %v; want InvalidArgument mentioning %q", err, tt.words)
			}
			if diff := cmp.Diff(before, f.Counts(t)); diff != "" {
				t.Errorf("refused call wrote rows (-before +after):\n%s", diff)
			}
		})
	}
	// The same steps dated on the day of the step they follow are taken.
	if _, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: inspected.GetName(), Etag: inspected.GetEtag(), ServedOn: "2026-10-02", Fine: fine}); err != nil {
		t.Errorf("a notice served on the inspection's day: %v", err)
	}
	if _, err := f.Enforcement.RequestHearing(f.ctx, &ipcasev1.RequestHearingRequest{Name: notified.GetName(), Etag: notified.GetEtag(), RequestedOn: "2026-10-05"}); err != nil {
		t.Errorf("a hearing requested on the notice's day: %v", err)
	}
}
