package main

import (
	"context"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
)

// TestListCallSaysHowManyMattersItsPageHas: the list load walks to its page
// and says how many matters that page has, so that scripts/bench.sh does
// not compare a page of matters with an empty one (a rare filter can match
// nothing on a small store, and an empty page records no read).
func TestListCallSaysHowManyMattersItsPageHas(t *testing.T) {
	t.Parallel()
	env := chaintest.Start(t, time.Now)
	token := env.Auth.Officer(t, "SAMR-HZ")
	ctx := authtest.WithToken(t.Context(), token)
	for i := range 3 {
		_, err := env.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
			Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
			Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: respondentName(uint64(i)), CreditCode: creditCode(nsSeeded, uint64(i))}},
			Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
			Facts:       "在电商平台销售假冒星河商标的奶茶杯。",
			Agency:      "SAMR-HZ",
		})
		if err != nil {
			t.Fatalf("SubmitComplaint %d: %v", i, err)
		}
	}
	auth := func(ctx context.Context) context.Context { return authtest.WithToken(ctx, token) }
	for _, c := range []struct {
		ipType          string
		depth, pageSize int
		want            int
	}{
		{"TRADEMARK", 1, 2, 2}, // a full page
		{"TRADEMARK", 2, 2, 1}, // the last page, short
		{"PATENT_DESIGN", 1, 2, 0},
	} {
		f := loadFlags{state: "SUBMITTED", ipType: c.ipType, view: "FULL", depth: c.depth, pageSize: c.pageSize}
		call, shown, err := listCall(t.Context(), f, env.Conn, auth)
		if err != nil {
			t.Fatalf("%s page %d of %d: %v", c.ipType, c.depth, c.pageSize, err)
		}
		if shown != c.want {
			t.Errorf("%s page %d of %d: %d matters, want %d", c.ipType, c.depth, c.pageSize, shown, c.want)
		}
		if err := call(t.Context(), 0); err != nil {
			t.Errorf("%s page %d of %d: measured call: %v", c.ipType, c.depth, c.pageSize, err)
		}
	}
}
