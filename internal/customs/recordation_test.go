package customs_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestRecordationTerm: a recordation approved on Mon 2 March 2026 is in
// force from that day for 10 years, to Fri 1 March 2036; it is renewed
// within the 6 months before it expires, from 2 September 2035, by 10
// years, to 1 March 2046 (Regulations on Customs Protection of IPR Art.
// 10). No fee is charged. A holder reads only its own recordations.
func TestRecordationTerm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02")
	r, err := e.customs.RecordRight(e.officer, &ipcasev1.RecordRightRequest{RightsHolder: holder, Right: mark, Number: "T2026-00002"})
	if err != nil {
		t.Fatalf("RecordRight: %v", err)
	}
	rec := r.GetRecordation()
	if rec.GetApprovedOn() != "2026-03-02" || rec.GetExpiresOn() != "2036-03-01" || rec.GetRenewalOpensOn() != "2035-09-02" || rec.GetFeeYuan() != "0.00" {
		t.Fatalf("recorded: %v", rec)
	}
	e.holderID = strings.TrimPrefix(rec.GetRightsHolder(), "parties/")
	other := authtest.WithToken(t.Context(), e.Auth.RightsHolder(t, "6f1c2b4e-0000-4000-8000-000000000001"))
	if _, err := e.customs.GetRecordation(other, &ipcasev1.GetRecordationRequest{Name: rec.GetName()}); code(err) != codes.NotFound {
		t.Errorf("another holder's read: %v, want NOT_FOUND", err)
	}
	e.setDay("2035-09-01")
	_, err = e.customs.RenewRecordation(e.holderCtx(), &ipcasev1.RenewRecordationRequest{Name: rec.GetName(), Etag: rec.GetEtag()})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "2035-09-02") {
		t.Fatalf("renewal a day early: %v, want FAILED_PRECONDITION naming 2035-09-02", err)
	}
	e.setDay("2035-09-02")
	n, err := e.customs.RenewRecordation(e.holderCtx(), &ipcasev1.RenewRecordationRequest{Name: rec.GetName(), Etag: rec.GetEtag()})
	if err != nil {
		t.Fatalf("RenewRecordation: %v", err)
	}
	if got := n.GetRecordation(); got.GetExpiresOn() != "2046-03-01" || got.GetRenewals() != 1 {
		t.Errorf("renewed: to %s, %d renewals; want 2046-03-01, 1", got.GetExpiresOn(), got.GetRenewals())
	}
	// The renewal is stored as answered (it is written with the commit).
	stored, err := e.customs.GetRecordation(e.holderCtx(), &ipcasev1.GetRecordationRequest{Name: rec.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(n.GetRecordation(), stored.GetRecordation(), protocmp.Transform()); diff != "" {
		t.Errorf("stored after the renewal differs from its answer (-answer +stored):\n%s", diff)
	}
	if _, err := e.customs.RenewRecordation(other, &ipcasev1.RenewRecordationRequest{Name: rec.GetName(), Etag: stored.GetRecordation().GetEtag()}); code(err) != codes.NotFound {
		t.Errorf("another holder's renewal: %v, want NOT_FOUND", err)
	}
	_, err = e.customs.RecordRight(e.officer, &ipcasev1.RecordRightRequest{RightsHolder: holder, Number: "X-1",
		Right: &ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_TRADE_SECRET, Title: "配方"}})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "right.type") {
		t.Errorf("recording a trade secret: %v, want INVALID_ARGUMENT on right.type", err)
	}
}
