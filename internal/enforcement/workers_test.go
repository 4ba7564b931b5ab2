package enforcement_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// TestWorkersFromBegin: who worked a matter's enforcement cases — its
// assigned officers and the others who recorded a step — are the same
// read with BEGIN (WorkersFirst) as read on its own, for a
// matter whose case was investigated, one whose case has no officer yet
// and one accepted into enforcement whose case is not open yet.
func TestWorkersFromBegin(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	c := f.investigate(f.file("91330100MA2AXQ9B12"), "40000")
	worked := strings.Split(c.GetName(), "/")
	fresh := f.file("91440300MA5FXXXX1Y")
	idle := strings.Split(fresh.GetName(), "/")
	accepted, err := f.Filing.GetMatter(f.ctx, &ipcasev1.GetMatterRequest{Name: fresh.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	idleProceeding := strings.Split(accepted.GetMatter().GetProceedings()[0].GetName(), "/")[3]
	// A case opened, with no officer assigned yet.
	opened, err := f.Enforcement.OpenEnforcement(f.ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: f.file("92310115MA1K4L7P6H").GetName()}, Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	unassigned := strings.Split(opened.GetCase().GetName(), "/")
	for _, tt := range []struct {
		name               string
		matter, proceeding string
		want               []string
	}{
		{"investigated", worked[1], worked[3], []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"}},
		{"no case yet", idle[1], idleProceeding, nil}, // only the two reads compared
		{"no officer yet", unassigned[1], unassigned[3], nil},
	} {
		read := func(tx store.Tx) []string {
			t.Helper()
			m, err := f.FilingStore.Lock(tx, filing.MatterID(tt.matter))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.EnforcementStore.Workers(tx, m)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		var alone, fromBegin []string
		if err := f.DB.InTx(t.Context(), func(tx store.Tx) error { alone = read(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		first, err := f.EnforcementStore.WorkersFirst(tt.proceeding)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.DB.IdempotentAfter(t.Context(), store.IdempotencyKey{}, []store.First{first}, func(tx store.Tx, got []store.Text) ([]byte, error) {
			if len(got[0]) == 0 {
				t.Errorf("%s: WorkersFirst read nothing", tt.name)
			}
			fromBegin = read(tx)
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(alone, fromBegin, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("%s: Workers from BEGIN differs from Workers read alone (-alone +from BEGIN):\n%s", tt.name, diff)
		}
		if diff := cmp.Diff(tt.want, alone); tt.want != nil && diff != "" {
			t.Errorf("%s: Workers (-want +got):\n%s", tt.name, diff)
		}
	}
}
