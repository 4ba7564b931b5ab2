package filing_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/store"
)

// statementCounter counts the SQL statements the pool runs for each gRPC
// method, on the real connection (store.DB.OnStatement), as ipcased's
// ipcase_db_statements_per_call metric does.
type statementCounter struct {
	mu  sync.Mutex
	by  map[string]int
	all int
}

func countStatements(t *testing.T, db *store.DB) *statementCounter {
	t.Helper()
	c := &statementCounter{by: map[string]int{}}
	if err := db.OnStatement(func(ctx context.Context) {
		m, _ := grpc.Method(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.by[m[strings.LastIndex(m, "/")+1:]]++
		c.all++
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// during returns how many statements fn made its gRPC calls run, by method.
func (c *statementCounter) during(fn func()) map[string]int {
	c.mu.Lock()
	before := make(map[string]int, len(c.by))
	for k, v := range c.by {
		before[k] = v
	}
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.by {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// TestStatementsPerCall fails when a hot call comes to issue more SQL
// statements than it does now: each statement is a round trip to the
// database, and they dominate a call's cost (scripts/bench.sh). The bounds
// are the counts of the current code, not wishes: raise one only with a
// reason, lower it when a change saves a statement. The round trips are
// logged beside them; on this test's fresh connections they include each
// statement's first preparation, so the bounds on round trips are in the
// proceedings' TestRoundTripsPerTransition, which counts them warm. What
// is sent with BEGIN, past gorm (the idempotency key's lookup, a
// change's locks and first reads: store.First), and the insert of the
// stored response, sent with COMMIT, are not among the statements counted
// here; the writes sent with COMMIT (store.Tx.WriteAtCommit) and
// together (store.Tx.Together) are.
func TestStatementsPerCall(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	sc := countStatements(t, f.db)
	rt := chaintest.CountRoundTrips(f.db)
	ctx := t.Context()
	admin := authtest.WithToken(ctx, f.env.Admin(t))

	// A first complaint makes the complainant's, respondent's and right's
	// rows; the one measured reuses them, as most filings do.
	first, err := f.client.SubmitComplaint(ctx, complaint("s-0"))
	if err != nil {
		t.Fatal(err)
	}
	var sub *ipcasev1.SubmitComplaintResponse
	check := func(method string, most int, call func() error) {
		t.Helper()
		var err error
		var trips map[string]int
		got := sc.during(func() { trips = rt.During(func() { err = call() }) })
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if got[method] > most || got[method] == 0 {
			t.Errorf("%s ran %d statements, want 1..%d (all: %v)", method, got[method], most, got)
		}
		t.Logf("%s: %d statements, %d round trips", method, got[method], trips[method])
	}
	req := complaint("s-1")
	req.Respondents[0].CreditCode = codeRespondent2
	// 7: the matter's number and the lock of the table its row is inserted
	// into at COMMIT went into the round trip of the parties (filing's
	// resolve), and the insert of its rows into the statement of its events.
	check("SubmitComplaint", 7, func() (err error) { sub, err = f.client.SubmitComplaint(ctx, req); return })
	m := sub.GetMatter()
	check("GetMatter", 1, func() error {
		_, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
		return err
	})
	// Every list shape, as each kind of caller lists (an officer of the
	// agency filed with, an admin, a rights holder who is the
	// complainant), in either view: each page, the first and the next, is one statement
	// (matter_list's range scan, the page's matters and their access-log
	// rows, together).
	holderParty := first.GetMatter().GetComplainant().GetName()
	holder := authtest.WithToken(ctx, f.env.RightsHolder(t, strings.TrimPrefix(holderParty, "parties/")))
	submitted, trademark := ipcasev1.MatterState_MATTER_STATE_SUBMITTED, ipcasev1.IpType_IP_TYPE_TRADEMARK
	filters := []struct {
		name string
		req  func() *ipcasev1.ListMattersRequest
	}{
		{"no filter", func() *ipcasev1.ListMattersRequest { return &ipcasev1.ListMattersRequest{} }},
		{"state", func() *ipcasev1.ListMattersRequest { return &ipcasev1.ListMattersRequest{State: submitted} }},
		{"IP type", func() *ipcasev1.ListMattersRequest { return &ipcasev1.ListMattersRequest{IpType: trademark} }},
		{"party", func() *ipcasev1.ListMattersRequest { return &ipcasev1.ListMattersRequest{Party: holderParty} }},
		{"filed range", func() *ipcasev1.ListMattersRequest {
			return &ipcasev1.ListMattersRequest{FiledFrom: "2026-11-01", FiledTo: "2026-11-30"}
		}},
		{"filed from", func() *ipcasev1.ListMattersRequest { return &ipcasev1.ListMattersRequest{FiledFrom: "2026-11-01"} }},
		{"state and IP type", func() *ipcasev1.ListMattersRequest {
			return &ipcasev1.ListMattersRequest{State: submitted, IpType: trademark}
		}},
		{"every filter", func() *ipcasev1.ListMattersRequest {
			return &ipcasev1.ListMattersRequest{State: submitted, IpType: trademark, Party: holderParty, FiledFrom: "2026-11-01", FiledTo: "2026-11-30"}
		}},
	}
	for _, caller := range []struct {
		name string
		ctx  context.Context
	}{{"officer", ctx}, {"admin", admin}, {"rights holder", holder}} {
		for _, tt := range filters {
			for _, view := range []ipcasev1.MatterView{ipcasev1.MatterView_MATTER_VIEW_UNSPECIFIED, ipcasev1.MatterView_MATTER_VIEW_BASIC} {
				req := tt.req()
				req.PageSize, req.View = 1, view
				var resp *ipcasev1.ListMattersResponse
				check("ListMatters", 1, func() (err error) { resp, err = f.client.ListMatters(caller.ctx, req); return })
				if len(resp.GetMatters()) == 0 || resp.GetNextPageToken() == "" {
					t.Errorf("ListMatters %s, %s, %v: %d matters, next page %q; the count covers no full page", caller.name, tt.name, view,
						len(resp.GetMatters()), resp.GetNextPageToken())
					continue
				}
				req.PageToken = resp.GetNextPageToken()
				check("ListMatters", 1, func() (err error) { resp, err = f.client.ListMatters(caller.ctx, req); return })
				if len(resp.GetMatters()) == 0 {
					t.Errorf("ListMatters %s, %s, %v: empty second page", caller.name, tt.name, view)
				}
			}
		}
	}
	check("AcceptComplaint", 2, func() error {
		_, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(), RequestId: "a-1",
			Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
		return err
	})
}

// TestSubmitAnswersWhatItStored: SubmitComplaint answers from what it wrote,
// without reading it back; the answer must be what GetMatter then reads,
// for every shape of filing: a complainant named by reference (shown with
// its stored details), a known organisation (shown as this filing names
// it) and a person as respondents, a registered right already known and an
// unregistered one, several evidence items. The matter's IP types
// (matters.ip_types) are what its rights' types are.
func TestSubmitAnswersWhatItStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	first := mustSubmit(t, f, complaint(""))
	admin := authtest.WithToken(ctx, f.env.Admin(t))

	req := complaint("")
	req.Complainant = &ipcasev1.Party{Name: first.GetComplainant().GetName()}
	req.Respondents = []*ipcasev1.Party{
		{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易（新名）", CreditCode: codeRespondent, Contact: "new@shop.example"},
		{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王五", DomicileCountry: "US"},
	}
	req.Rights = append(req.Rights, &ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "星河杯外观图案", Holder: "福州星河茶饮有限公司"},
		&ipcasev1.IpRight{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "99999999", Title: "星河 (第30类)"})
	req.Evidence = append(req.Evidence, &ipcasev1.Evidence{Sha256: strings.Repeat("cd", 32), SizeBytes: 2048, MediaType: "image/jpeg",
		Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_TIMESTAMPED, Description: "shop photo"})
	sub, err := f.client.SubmitComplaint(admin, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.client.GetMatter(admin, &ipcasev1.GetMatterRequest{Name: sub.GetMatter().GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got.GetMatter(), sub.GetMatter(), protocmp.Transform()); diff != "" {
		t.Errorf("SubmitComplaint answered other than what GetMatter reads (-read +answered):\n%s", diff)
	}
	if c := sub.GetMatter().GetComplainant(); c.GetDisplayName() != "福州星河茶饮有限公司" || c.GetCreditCode() != codeComplainant {
		t.Errorf("complainant by reference answered as %v, want its stored details", c)
	}
	var types string
	if err := f.db.Session(ctx).Gorm().Raw(`SELECT array_to_string(ip_types, ',') FROM matters WHERE id = ?`,
		strings.TrimPrefix(sub.GetMatter().GetName(), "matters/")).Scan(&types).Error; err != nil {
		t.Fatal(err)
	}
	if types != "COPYRIGHT,TRADEMARK" {
		t.Errorf("ip_types = %q, want COPYRIGHT,TRADEMARK (sorted, distinct)", types)
	}
}
