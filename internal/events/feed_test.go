package events_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
)

// TestFilter checks who sees what: a court the matters before it and the
// hand-offs addressed to it, an agency the matters filed with or routed to
// it, and the types filter on top.
func TestFilter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := eventstest.Open(t, 4)
	// a: filed with SAMR-HZ, on trial before the Beijing IP Court.
	// b: filed with SAMR-SH, transferred to the Beijing IP Court.
	// c: filed with SAMR-SH, mediated by SAMR-HZ, sent for confirmation to a Shanghai court.
	a := eventstest.Matter(t, db, "SAMR-HZ", "BJIPC")
	b := eventstest.Matter(t, db, "SAMR-SH")
	c := eventstest.Matter(t, db, "SAMR-SH", "SAMR-HZ")
	for _, e := range []struct {
		matter, typ string
		payload     map[string]string
	}{
		{a, "trial.docketed", nil},
		{b, events.TypeTransferredToCourt, map[string]string{"recipient": "BJIPC"}},
		{b, "enforcement.closed", nil},
		{c, events.TypeConfirmationRequested, map[string]string{"court": "SHIPC"}},
		{c, events.TypeTransferredToCourt, map[string]string{"recipient": "SHIPC"}},
	} {
		if err := eventstest.Append(ctx, db, e.matter, e.typ, e.payload); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := events.Stamp(ctx, db, 100); err != nil {
		t.Fatal(err)
	}
	name := map[string]string{a: "a", b: "b", c: "c"}
	for _, tt := range []struct {
		name   string
		filter events.Filter
		want   []string
	}{
		{"admin", events.Filter{All: true}, []string{"a test.opened", "b test.opened", "c test.opened", "a trial.docketed",
			"b enforcement.transferred_to_court", "b enforcement.closed", "c mediation.confirmation_requested", "c enforcement.transferred_to_court"}},
		{"court BJIPC", events.Filter{Court: "BJIPC"}, []string{"a test.opened", "a trial.docketed", "b enforcement.transferred_to_court"}},
		{"court SHIPC", events.Filter{Court: "SHIPC"}, []string{"c mediation.confirmation_requested", "c enforcement.transferred_to_court"}},
		{"court SHIPC, confirmations only", events.Filter{Court: "SHIPC", Types: []string{events.TypeConfirmationRequested}},
			[]string{"c mediation.confirmation_requested"}},
		{"agency SAMR-HZ", events.Filter{Agency: "SAMR-HZ"}, []string{"a test.opened", "c test.opened", "a trial.docketed",
			"c mediation.confirmation_requested", "c enforcement.transferred_to_court"}},
		{"agency SAMR-SH, transfers", events.Filter{Agency: "SAMR-SH", Types: []string{events.TypeTransferredToCourt}},
			[]string{"b enforcement.transferred_to_court", "c enforcement.transferred_to_court"}},
		{"agency elsewhere", events.Filter{Agency: "SAMR-GZ"}, nil},
		{"zero filter", events.Filter{}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page, err := events.ReadAfter(ctx, db, tt.filter, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range page.Entries {
				got = append(got, name[e.Event.MatterID]+" "+e.Event.Type)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if page.Scanned != 8 {
				t.Errorf("scanned to %d, want 8: invisible events must still move the scan on", page.Scanned)
			}
		})
	}
	// A small limit pages through the log without losing anything.
	var all []int64
	for after := int64(0); ; {
		page, err := events.ReadAfter(ctx, db, events.Filter{All: true}, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			all = append(all, e.Position)
		}
		after = page.Scanned
		if !page.Full {
			break
		}
	}
	if !slices.Equal(all, []int64{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("paged positions = %v, want 1..8", all)
	}
}
