package filing_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// filedAt is the injected clock: 2026-11-20 10:00 China Standard Time.
var filedAt = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

type fixture struct {
	client ipcasev1.FilingServiceClient
	audit  ipcasev1.AuditServiceClient
	db     *store.DB
	env    *authtest.Env
	addr   string
	raw    *grpc.ClientConn
}

// newFixture serves the filing and audit services with authentication on,
// over a fresh database. Calls made without a token of their own carry the
// token of an officer of SAMR-HZ, the agency complaint() files with.
func newFixture(t *testing.T, now func() time.Time) *fixture {
	t.Helper()
	env := authtest.New(t)
	db := storetest.NewDB(t)
	srv := filing.NewServer(newStore(db), calendar(t), now)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, srv)
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(db))
	}, nil, env.ServerOptions()...)
	officer := env.Officer(t, "SAMR-HZ")
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get("authorization")) == 0 {
				ctx = authtest.WithToken(ctx, officer)
			}
			return invoker(ctx, method, req, reply, cc, opts...)
		}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &fixture{client: ipcasev1.NewFilingServiceClient(conn), audit: ipcasev1.NewAuditServiceClient(conn), db: db, env: env, addr: addr, raw: conn}
}

// conn is the fixture's client connection (officer token by default).
func (f *fixture) conn(*testing.T) *grpc.ClientConn { return f.raw }

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// newStore is the matter store as ipcased wires it: writing to an event log
// and knowing the machines of every kind of proceeding, so that a complaint
// can be routed and a matter closed when its proceedings end.
func newStore(db *store.DB) *filing.Store {
	return filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()), chaintest.Routes()...)
}

// calendar is the holiday calendar shipped in the binary (2023–2026), on
// which the limitation period is counted.
func calendar(t *testing.T) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// count returns the number of rows of one of this package's tables, to
// prove that a refused call wrote nothing.
func (f *fixture) count(t *testing.T, table string) int64 {
	t.Helper()
	n, ok := f.counts(t)[table]
	if !ok {
		t.Fatalf("no table %s", table)
	}
	return n
}

// counts returns the number of rows of every table, to prove that a refused
// call wrote nothing anywhere.
func (f *fixture) counts(t *testing.T) map[string]int64 {
	t.Helper()
	return storetest.RowCounts(t, f.db)
}

// 91350100M000100Y43: the check character worked by hand in
// creditcode_test.go. The others were computed with the same formula.
const (
	codeComplainant = "91350100M000100Y43"
	codeRespondent  = "91330100MA2AXQ9B12"
	codeRespondent2 = "92310115MA1K4L7P6H"
)

func complaint(requestID string) *ipcasev1.SubmitComplaintRequest {
	return &ipcasev1.SubmitComplaintRequest{
		RequestId: requestID,
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司",
			CreditCode: codeComplainant, Contact: "legal@xinghe.example"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: codeRespondent}},
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河",
			Holder: "福州星河茶饮有限公司", TermStart: "2016-03-14", TermEnd: "2036-03-13"}},
		Facts:  "Counterfeit cups sold at three shops.",
		Claims: "Stop; fine.",
		Evidence: []*ipcasev1.Evidence{{Sha256: strings.Repeat("ab", 32), SizeBytes: 1024, MediaType: "application/pdf",
			Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_NOTARISED, Description: "notarised purchase"}},
		KnownSince: "2026-08-20",
		Agency:     "SAMR-HZ",
	}
}

func code(err error) codes.Code { return status.Code(err) }

func fieldViolations(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

func TestSubmitGetListAccept(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()

	sub, err := f.client.SubmitComplaint(ctx, complaint("r-1"))
	if err != nil {
		t.Fatalf("SubmitComplaint: %v", err)
	}
	m := sub.GetMatter()
	if !regexp.MustCompile(`^IPC-2026-\d{6}$`).MatchString(m.GetNumber()) {
		t.Errorf("number = %q, want IPC-2026-NNNNNN", m.GetNumber())
	}
	if m.GetState() != ipcasev1.MatterState_MATTER_STATE_SUBMITTED || len(m.GetProceedings()) != 1 ||
		m.GetProceedings()[0].GetKind() != ipcasev1.ProceedingKind_PROCEEDING_KIND_FILING_REVIEW ||
		m.GetProceedings()[0].GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_SUBMITTED {
		t.Fatalf("new matter: state %v, proceedings %v; want SUBMITTED with one FILING_REVIEW in SUBMITTED", m.GetState(), m.GetProceedings())
	}
	if got := m.GetRespondents()[0].GetCreditCode(); got != codeRespondent {
		t.Errorf("respondent credit code = %q", got)
	}

	got, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatalf("GetMatter: %v", err)
	}
	if diff := cmp.Diff(m, got.GetMatter(), protocmp.Transform()); diff != "" {
		t.Errorf("GetMatter mismatch (-submitted +got):\n%s", diff)
	}

	list, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{State: ipcasev1.MatterState_MATTER_STATE_SUBMITTED})
	if err != nil {
		t.Fatalf("ListMatters: %v", err)
	}
	if len(list.GetMatters()) != 1 || list.GetMatters()[0].GetName() != m.GetName() {
		t.Errorf("ListMatters(SUBMITTED) = %v, want [%s]", list.GetMatters(), m.GetName())
	}

	acc, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		RequestId: "a-1", Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ", Note: "clear case"})
	if err != nil {
		t.Fatalf("AcceptComplaint: %v", err)
	}
	am := acc.GetMatter()
	if am.GetState() != ipcasev1.MatterState_MATTER_STATE_ACCEPTED || am.GetEtag() == m.GetEtag() {
		t.Errorf("accepted matter: state %v etag %s (was %s)", am.GetState(), am.GetEtag(), m.GetEtag())
	}
	var kinds []string
	for _, p := range am.GetProceedings() {
		kinds = append(kinds, p.GetKind().String()+"/"+p.GetState().String()+"/"+p.GetForum())
	}
	want := []string{"PROCEEDING_KIND_FILING_REVIEW/PROCEEDING_STATE_ACCEPTED/SAMR-HZ", "PROCEEDING_KIND_ENFORCEMENT/PROCEEDING_STATE_OPENED/SAMR-HZ"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("proceedings mismatch (-want +got):\n%s", diff)
	}

	evs, err := f.client.ListMatterEvents(ctx, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName()})
	if err != nil {
		t.Fatalf("ListMatterEvents: %v", err)
	}
	var types []string
	for i, e := range evs.GetEvents() {
		types = append(types, e.GetType())
		if e.GetSequence() != int64(i+1) {
			t.Errorf("event %d has sequence %d", i, e.GetSequence())
		}
		if i > 0 && e.GetPreviousHash() != evs.GetEvents()[i-1].GetHash() {
			t.Errorf("event %d does not link to its predecessor", e.GetSequence())
		}
	}
	if diff := cmp.Diff([]string{"complaint.submitted", "complaint.accepted", "proceeding.opened"}, types); diff != "" {
		t.Errorf("timeline mismatch (-want +got):\n%s", diff)
	}
}

func TestRetriedSubmitCreatesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	first, err := f.client.SubmitComplaint(ctx, complaint("retry-1"))
	if err != nil {
		t.Fatal(err)
	}
	before := f.counts(t)
	again, err := f.client.SubmitComplaint(ctx, complaint("retry-1"))
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if diff := cmp.Diff(first, again, protocmp.Transform()); diff != "" {
		t.Errorf("retry returned a different response (-first +retry):\n%s", diff)
	}
	if diff := cmp.Diff(before, f.counts(t)); diff != "" {
		t.Errorf("retry wrote rows (-before +after):\n%s", diff)
	}

	other := complaint("retry-1")
	other.Facts = "Something else entirely."
	_, err = f.client.SubmitComplaint(ctx, other)
	if code(err) != codes.InvalidArgument || !slicesContain(fieldViolations(err), "request_id") {
		t.Errorf("same request_id, different body: %v; want InvalidArgument on request_id", err)
	}
	if diff := cmp.Diff(before, f.counts(t)); diff != "" {
		t.Errorf("refused reuse wrote rows (-before +after):\n%s", diff)
	}
}

func TestConcurrentRetriesCreateOneMatter(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	var wg sync.WaitGroup
	names := make([]string, 8)
	errs := make([]error, 8)
	for i := range names {
		wg.Go(func() {
			resp, err := f.client.SubmitComplaint(t.Context(), complaint("same-id"))
			names[i], errs[i] = resp.GetMatter().GetName(), err
		})
	}
	wg.Wait()
	for i := range names {
		if errs[i] != nil || names[i] != names[0] {
			t.Errorf("attempt %d: %s, %v; want %s", i, names[i], errs[i], names[0])
		}
	}
	if n := f.count(t, "matters"); n != 1 {
		t.Errorf("%d matters after 8 concurrent attempts with one request_id, want 1", n)
	}
}

func TestStaleEtagIsAbortedAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	m := mustSubmit(t, f, complaint(""))
	accept := func(requestID string) error {
		_, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
			RequestId: requestID, Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "MED-HZ"})
		return err
	}
	// Two reviewers act on the same read: exactly one wins.
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i := range results {
		wg.Go(func() { results[i] = accept(fmt.Sprintf("reviewer-%d", i)) })
	}
	wg.Wait()
	var ok, aborted int
	for _, err := range results {
		switch code(err) {
		case codes.OK:
			ok++
		case codes.Aborted:
			aborted++
		default:
			t.Errorf("unexpected %v", err)
		}
	}
	if ok != 1 || aborted != 1 {
		t.Fatalf("concurrent accepts on one etag: %d ok, %d aborted; want 1 and 1", ok, aborted)
	}
	before := f.counts(t)
	if err := accept("late"); code(err) != codes.Aborted {
		t.Errorf("stale etag: %v, want Aborted", err)
	}
	if diff := cmp.Diff(before, f.counts(t)); diff != "" {
		t.Errorf("stale etag wrote rows (-before +after):\n%s", diff)
	}
}

func TestIllegalTransitionFailsAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	m := mustSubmit(t, f, complaint(""))
	rej, err := f.client.RejectComplaint(ctx, &ipcasev1.RejectComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(), Reason: "not an IP matter"})
	if err != nil {
		t.Fatal(err)
	}
	before := f.counts(t)
	_, err = f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: rej.GetMatter().GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, Forum: "京73"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), "REJECTED") {
		t.Errorf("accept after reject: %v; want FailedPrecondition naming REJECTED", err)
	}
	if diff := cmp.Diff(before, f.counts(t)); diff != "" {
		t.Errorf("refused transition wrote rows (-before +after):\n%s", diff)
	}
	got, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetMatter().GetEtag() != rej.GetMatter().GetEtag() || got.GetMatter().GetState() != ipcasev1.MatterState_MATTER_STATE_REJECTED {
		t.Errorf("matter changed: etag %s state %v", got.GetMatter().GetEtag(), got.GetMatter().GetState())
	}
}

func TestFiftyConcurrentSubmitsGetDistinctNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, time.Now)
	const n = 50
	numbers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := complaint(fmt.Sprintf("c-%d", i))
			resp, err := f.client.SubmitComplaint(t.Context(), req)
			if err != nil {
				t.Errorf("submit %d: %v", i, err)
				return
			}
			numbers[i] = resp.GetMatter().GetNumber()
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, num := range numbers {
		if num == "" || seen[num] {
			t.Errorf("number %q missing or duplicated among %v", num, numbers)
		}
		seen[num] = true
	}
}

func TestInvalidInputNamesEachFieldAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	before := f.counts(t)
	for _, tt := range []struct {
		name   string
		mutate func(*ipcasev1.SubmitComplaintRequest)
		fields []string
	}{
		{"bad credit code check character", func(r *ipcasev1.SubmitComplaintRequest) { r.Respondents[0].CreditCode = "91330100MA2AXQ9B13" }, []string{"respondents[0].credit_code"}},
		{"credit code with a forbidden letter", func(r *ipcasev1.SubmitComplaintRequest) { r.Complainant.CreditCode = "91350100M000100I43" }, []string{"complainant.credit_code"}},
		{"missing complainant", func(r *ipcasev1.SubmitComplaintRequest) { r.Complainant = nil }, []string{"complainant"}},
		{"unknown IP type", func(r *ipcasev1.SubmitComplaintRequest) { r.Rights[0].Type = 42 }, []string{"rights[0].type"}},
		{"oversize facts", func(r *ipcasev1.SubmitComplaintRequest) { r.Facts = strings.Repeat("事", 20001) }, []string{"facts"}},
		{"oversize name and bad digest together", func(r *ipcasev1.SubmitComplaintRequest) {
			r.Respondents[0].DisplayName = strings.Repeat("x", 201)
			r.Evidence[0].Sha256 = "not-a-digest"
		}, []string{"respondents[0].display_name", "evidence[0].sha256"}},
		{"no respondents, no rights, no agency", func(r *ipcasev1.SubmitComplaintRequest) { r.Respondents, r.Rights, r.Agency = nil, nil, "" },
			[]string{"respondents", "rights", "agency"}},
		{"future knowledge date", func(r *ipcasev1.SubmitComplaintRequest) { r.KnownSince = "2026-12-01" }, []string{"known_since"}},
		{"malformed date", func(r *ipcasev1.SubmitComplaintRequest) { r.Rights[0].TermEnd = "2036-13-01" }, []string{"rights[0].term_end"}},
		{"bad request id", func(r *ipcasev1.SubmitComplaintRequest) { r.RequestId = "has spaces" }, []string{"request_id"}},
		{"person with credit code", func(r *ipcasev1.SubmitComplaintRequest) { r.Complainant.Kind = ipcasev1.PartyKind_PARTY_KIND_PERSON }, []string{"complainant.credit_code"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := complaint("")
			tt.mutate(req)
			_, err := f.client.SubmitComplaint(t.Context(), req)
			if code(err) != codes.InvalidArgument {
				t.Fatalf("got %v, want InvalidArgument", err)
			}
			if diff := cmp.Diff(tt.fields, fieldViolations(err)); diff != "" {
				t.Errorf("field violations mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff(before, f.counts(t)); diff != "" {
		t.Errorf("refused submissions wrote rows (-before +after):\n%s", diff)
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()

	first := mustSubmit(t, f, complaint(""))
	if len(first.GetWarnings()) != 0 {
		t.Errorf("first complaint warnings = %v, want none", first.GetWarnings())
	}
	// Same registered mark and same respondent while the first is active.
	dup := complaint("")
	dup.Respondents = append(dup.Respondents, &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "上海拓界", CreditCode: codeRespondent2})
	second := mustSubmit(t, f, dup)
	if w := second.GetWarnings(); len(w) != 1 || w[0].GetCode() != "POSSIBLE_DUPLICATE" || w[0].GetRelated()[0] != first.GetName() {
		t.Errorf("duplicate warnings = %v, want POSSIBLE_DUPLICATE naming %s", w, first.GetName())
	}
	// The parties were matched by credit code: one respondent row, two matters.
	resp, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{Party: first.GetRespondents()[0].GetName()})
	if err != nil || len(resp.GetMatters()) != 2 {
		t.Errorf("ListMatters(party) = %d matters, %v; want 2", len(resp.GetMatters()), err)
	}
	// The same respondent named by reference finds both, in number order.
	byRef := complaint("")
	byRef.Respondents = []*ipcasev1.Party{{Name: first.GetRespondents()[0].GetName()}}
	third := mustSubmit(t, f, byRef)
	var related []string
	for _, w := range third.GetWarnings() {
		if w.GetCode() == "POSSIBLE_DUPLICATE" && strings.Contains(w.GetMessage(), "is already active for the same right and respondent") {
			related = append(related, w.GetRelated()...)
		}
	}
	if want := []string{first.GetName(), second.GetName()}; !slices.Equal(related, want) {
		t.Errorf("a respondent named by reference: duplicates of %v, want %v", related, want)
	}
	// A new person as respondent is in no other matter.
	person := complaint("")
	person.Respondents = []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "张三", DomicileCountry: "CN"}}
	if w := mustSubmit(t, f, person).GetWarnings(); len(w) != 0 {
		t.Errorf("a new person as respondent: warnings %v, want none", w)
	}

	// Civil Code Art. 188: 3 years from knowledge; Art. 201: counted from
	// the next day, so known 2023-11-17 → the period ends 2026-11-17 (a
	// Tuesday, a working day in 2026.json). Filed 2026-11-20 → expired.
	// Known 2023-11-21 → ends 2026-11-21, a Saturday, which moves to Monday
	// 2026-11-23 (Art. 203) → not expired. limitation_test.go works the
	// holidays.
	for _, tt := range []struct {
		known string
		warn  bool
		end   string // the last day the warning names
	}{{"2023-11-17", true, "2026-11-17"}, {"2023-11-20", false, ""}, {"2023-11-21", false, ""}, {"2026-11-20", false, ""}} {
		req := complaint("")
		req.Rights[0].RegistrationNumber = "" // no duplicate warning
		req.Rights[0].Type = ipcasev1.IpType_IP_TYPE_COPYRIGHT
		req.KnownSince = tt.known
		m := mustSubmit(t, f, req)
		got := len(m.GetWarnings()) == 1 && m.GetWarnings()[0].GetCode() == "LIMITATION_PERIOD_EXPIRED"
		if got != tt.warn || (!tt.warn && len(m.GetWarnings()) != 0) {
			t.Errorf("known since %s: warnings %v, want limitation warning %v", tt.known, m.GetWarnings(), tt.warn)
		}
		if got && !strings.Contains(m.GetWarnings()[0].GetMessage(), "ended on "+tt.end) {
			t.Errorf("known since %s: warning %q, want it to name the last day, %s", tt.known, m.GetWarnings()[0].GetMessage(), tt.end)
		}
	}
}

func TestListPagesAndFilters(t *testing.T) {
	t.Parallel()
	clock := filedAt
	var mu sync.Mutex
	f := newFixture(t, func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Minute)
		return clock
	})
	ctx := t.Context()
	var want []string
	for i := range 23 {
		req := complaint("")
		req.Rights[0].RegistrationNumber = fmt.Sprintf("TM-%d", i)
		if i%3 == 0 {
			req.Rights[0].Type = ipcasev1.IpType_IP_TYPE_PATENT_DESIGN
		}
		want = append([]string{mustSubmit(t, f, req).GetName()}, want...) // newest first
	}
	var got []string
	token := ""
	for page := 0; ; page++ {
		resp, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 10, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range resp.GetMatters() {
			got = append(got, m.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
		if page > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages mismatch (-want +got):\n%s", diff)
	}
	designs, err := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{IpType: ipcasev1.IpType_IP_TYPE_PATENT_DESIGN, PageSize: 100})
	if err != nil || len(designs.GetMatters()) != 8 { // i = 0, 3, …, 21
		t.Errorf("ListMatters(PATENT_DESIGN) = %d, %v; want 8", len(designs.GetMatters()), err)
	}
	// 2026-11-20 CST is the filing day of every matter; the day after has none.
	day, _ := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{FiledFrom: "2026-11-20", FiledTo: "2026-11-20", PageSize: 100})
	next, _ := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{FiledFrom: "2026-11-21", PageSize: 100})
	if len(day.GetMatters()) != 23 || len(next.GetMatters()) != 0 {
		t.Errorf("date filter: %d on 2026-11-20, %d from 2026-11-21; want 23 and 0", len(day.GetMatters()), len(next.GetMatters()))
	}
	// A range that ends before it starts is a mistake, not an empty list.
	_, err = f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{FiledFrom: "2026-11-21", FiledTo: "2026-11-20", PageSize: 100})
	if code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "filed_to") {
		t.Errorf("filed_to before filed_from: %v; want InvalidArgument naming filed_to", err)
	}
	first, _ := f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 10})
	_, err = f.client.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 10, PageToken: first.GetNextPageToken(), IpType: ipcasev1.IpType_IP_TYPE_TRADEMARK})
	if code(err) != codes.InvalidArgument {
		t.Errorf("page token reused with other filters: %v, want InvalidArgument", err)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	_, err := f.client.GetMatter(t.Context(), &ipcasev1.GetMatterRequest{Name: "matters/00000000-0000-4000-8000-000000000000"})
	if code(err) != codes.NotFound || status.Convert(err).Message() != "matter not found" {
		t.Errorf("unknown matter: %v, want NotFound saying %q", err, "matter not found")
	}
	_, err = f.client.GetMatter(t.Context(), &ipcasev1.GetMatterRequest{Name: "matter/x"})
	if code(err) != codes.InvalidArgument {
		t.Errorf("malformed name: %v, want InvalidArgument", err)
	}
}

func mustSubmit(t *testing.T, f *fixture, req *ipcasev1.SubmitComplaintRequest) *ipcasev1.Matter {
	t.Helper()
	resp, err := f.client.SubmitComplaint(t.Context(), req)
	if err != nil {
		t.Fatalf("SubmitComplaint: %v", err)
	}
	return resp.GetMatter()
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestUnquotedEtagIsAccepted: an etag typed without its quotes (`--etag v1`,
// which a shell leaves after stripping "\"v1\"") names the same version;
// it was refused as stale, "now at \"v1\"".
func TestUnquotedEtagIsAccepted(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	m := mustSubmit(t, f, complaint(""))
	unquoted := strings.Trim(m.GetEtag(), `"`)
	if unquoted == m.GetEtag() {
		t.Fatalf("etag %s has no quotes to leave out", m.GetEtag())
	}
	if _, err := f.client.AcceptComplaint(t.Context(), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: unquoted,
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "MED-HZ"}); err != nil {
		t.Fatalf("accept with etag %s: %v", unquoted, err)
	}
	// Still an etag: the old version, quoted or not, is stale now.
	if _, err := f.client.WithdrawComplaint(t.Context(), &ipcasev1.WithdrawComplaintRequest{Name: m.GetName(), Etag: unquoted}); code(err) != codes.Aborted {
		t.Errorf("withdraw with the old etag %s: %v; want ABORTED", unquoted, err)
	}
}
