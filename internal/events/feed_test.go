package events_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
)

// TestReadAfter checks what a read of the log returns: every event in
// position order, or only those of the types asked for, with the scan
// moving past the events left out. Who may see which events is decided by
// the reader (the exchange server asks filing), not here.
func TestReadAfter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 4)
	a := eventstest.Matter(t, db, "SAMR-HZ", "BJIPC")
	b := eventstest.Matter(t, db, "SAMR-SH")
	c := eventstest.Matter(t, db, "SAMR-SH", "SAMR-HZ")
	for _, e := range []struct {
		matter string
		rec    events.Record
	}{
		{a, events.Record{Type: events.TrialDocketed, Payload: events.DocketedPayload{Court: "BJIPC"}}},
		{b, events.Record{Type: events.EnforcementTransferredCourt, Payload: events.TransferDossier{Recipient: "BJIPC"}}},
		{b, events.Record{Type: events.EnforcementClosed, Payload: events.EnforcementClosedPayload{Reason: "transferred"}}},
		{c, events.Record{Type: events.MediationConfirmationRequested, Payload: events.ConfirmationRequest{Court: "SHIPC"}}},
		{c, events.Record{Type: events.EnforcementTransferredCourt, Payload: events.TransferDossier{Recipient: "SHIPC"}}},
	} {
		if err := eventstest.Append(ctx, db, e.matter, e.rec); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := events.Stamp(ctx, db, 100); err != nil {
		t.Fatal(err)
	}
	name := map[string]string{a: "a", b: "b", c: "c"}
	for _, tt := range []struct {
		name  string
		types []events.Type
		want  []string
	}{
		{"every type", nil, []string{"1 a complaint.submitted", "2 b complaint.submitted", "3 c complaint.submitted",
			"4 a trial.docketed", "5 b enforcement.transferred_to_court", "6 b enforcement.closed",
			"7 c mediation.confirmation_requested", "8 c enforcement.transferred_to_court"}},
		{"transfers", []events.Type{events.EnforcementTransferredCourt},
			[]string{"5 b enforcement.transferred_to_court", "8 c enforcement.transferred_to_court"}},
		{"hand-offs", []events.Type{events.MediationConfirmationRequested, events.EnforcementTransferredCourt},
			[]string{"5 b enforcement.transferred_to_court", "7 c mediation.confirmation_requested", "8 c enforcement.transferred_to_court"}},
		{"a type not in the log", []events.Type{events.TrialJudged}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page, err := events.ReadAfter(db.Session(ctx), tt.types, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range page.Entries {
				got = append(got, fmt.Sprintf("%d %s %s", e.Position, name[e.Event.MatterID], e.Event.Type))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if page.Scanned != 8 || page.Full {
				t.Errorf("scanned to %d, full %v; want 8, false: events left out must still move the scan on", page.Scanned, page.Full)
			}
		})
	}

	// A small limit pages through the log without losing anything, with
	// or without types; a read past the end finds nothing and stays put.
	for _, tt := range []struct {
		types []events.Type
		want  []int64
	}{
		{nil, []int64{1, 2, 3, 4, 5, 6, 7, 8}},
		{[]events.Type{events.ComplaintSubmitted, events.EnforcementClosed}, []int64{1, 2, 3, 6}},
	} {
		var got []int64
		reads := 0
		for after := int64(0); ; reads++ {
			page, err := events.ReadAfter(db.Session(ctx), tt.types, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Entries {
				got = append(got, e.Position)
			}
			if page.Full != (page.Scanned-after == 3) {
				t.Errorf("read after %d: full %v, scanned to %d: full must say the limit was reached", after, page.Full, page.Scanned)
			}
			after = page.Scanned
			if !page.Full {
				break
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("types %v: paged positions = %v, want %v", tt.types, got, tt.want)
		}
		if reads != 2 {
			t.Errorf("types %v: paged in %d full reads, want 2 (3 + 3, then 2)", tt.types, reads)
		}
	}
	page, err := events.ReadAfter(db.Session(ctx), nil, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 0 || page.Scanned != 8 || page.Full {
		t.Errorf("read past the end = %d entries, scanned %d, full %v; want none, 8, false", len(page.Entries), page.Scanned, page.Full)
	}
	if last, err := events.LastPosition(db.Session(ctx)); err != nil || last != 8 {
		t.Errorf("LastPosition = %d, %v; want 8", last, err)
	}
}
