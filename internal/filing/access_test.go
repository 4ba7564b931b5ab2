package filing_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// caller is one row of the access matrix.
type caller struct {
	name  string
	conn  *grpc.ClientConn
	token string
	// own picks the caller's own matter out of the pair (0 or 1); -1: none.
	own int
}

// TestAccessMatrix calls every method as every kind of caller, on the
// caller's own matter and on someone else's, over real connections (courts
// over mutual TLS), and checks the status code — and that a refused call
// writes nothing.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	db := storetest.NewDB(t)
	srv := filing.NewServer(newStore(db), calendar(t), time.Now)
	register := func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, srv)
		ipcasev1.RegisterAuditServiceServer(s, audit.NewServer(db))
	}
	plainAddr := servertest.Serve(t, register, nil, env.ServerOptions()...)
	tlsCfg, serverCAs := env.ServerTLS(t)
	courtAddr := servertest.Serve(t, register, tlsCfg, env.ServerOptions()...)

	plain, err := grpc.NewClient(plainAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = plain.Close() })
	court := func(code string) *grpc.ClientConn {
		c, err := grpc.NewClient(courtAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
			RootCAs: serverCAs, Certificates: []tls.Certificate{env.CourtCert(t, code)}})))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	admin := env.Admin(t)
	fc := ipcasev1.NewFilingServiceClient(plain)

	// Two matters: one filed with SAMR-HZ by party P and tried before 京73,
	// one filed with SAMR-SZ by party Q and tried before 粤73.
	submit := func(tok string, req *ipcasev1.SubmitComplaintRequest) *ipcasev1.Matter {
		t.Helper()
		resp, err := fc.SubmitComplaint(authtest.WithToken(t.Context(), tok), req)
		if err != nil {
			t.Fatalf("setup submit: %v", err)
		}
		return resp.GetMatter()
	}
	r1 := complaint("")
	m1 := submit(admin, r1)
	r2 := complaint("")
	r2.Agency = "SAMR-SZ"
	r2.Complainant.CreditCode = codeRespondent2
	r2.Rights[0].RegistrationNumber = "87654321"
	m2 := submit(admin, r2)
	partyOf := func(m *ipcasev1.Matter) string { return strings.TrimPrefix(m.GetComplainant().GetName(), "parties/") }
	parties := [2]string{partyOf(m1), partyOf(m2)}
	agencies := [2]string{"SAMR-HZ", "SAMR-SZ"}
	for i, m := range []*ipcasev1.Matter{m1, m2} {
		if _, err := fc.AcceptComplaint(authtest.WithToken(t.Context(), admin), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(),
			Etag: m.GetEtag(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, Forum: []string{"京73", "粤73"}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	matters := [2]*ipcasev1.Matter{m1, m2}

	// fresh files a new SUBMITTED matter of side i, for transitions.
	fresh := func(i int) *ipcasev1.Matter {
		req := complaint("")
		req.Complainant = &ipcasev1.Party{Name: "parties/" + parties[i]}
		req.Agency = agencies[i]
		req.Rights[0].RegistrationNumber = ""
		req.Rights[0].Type = ipcasev1.IpType_IP_TYPE_COPYRIGHT
		return submit(admin, req)
	}

	unknownKey, _, _ := auth.NewSigningKey("not-published")
	callers := []caller{
		{"officer of agency A", plain, env.Officer(t, "SAMR-HZ"), 0},
		{"officer of agency B", plain, env.Officer(t, "SAMR-SZ"), 1},
		{"mediator of agency A", plain, env.Mediator(t, "SAMR-HZ"), 0},
		{"court X over mTLS", court("京73"), "", 0},
		{"court Y over mTLS", court("粤73"), "", 1},
		{"rights holder who is a party", plain, env.RightsHolder(t, parties[0]), 0},
		{"rights holder who is not", plain, env.RightsHolder(t, uuid.NewString()), -1},
		{"administrator", plain, admin, 0},
		// Agency and court codes are separate namespaces: an officer whose
		// agency is coded as court X is no court, and a court coded as
		// agency A is no agency.
		{"officer coded as court X", plain, env.Officer(t, "京73"), -1},
		{"court coded as agency A over mTLS", court("SAMR-HZ"), "", -1},
		{"no token", plain, "", 0},
		{"expired token", plain, env.Token(t, auth.IssueParams{Subject: "late", Role: auth.Officer, Agency: "SAMR-HZ",
			Now: time.Now().Add(-3 * time.Hour), TTL: time.Hour}), 0},
		{"token signed by an unknown key", plain, authtest.Sign(t, unknownKey, auth.IssueParams{Subject: "forger", Role: auth.Admin}), 0},
		// Sign-in sessions, what a redeemed sign-in link gives: the
		// party's read-only access to the link's matter, signed with the
		// sign-in key, which may sign nothing else.
		{"sign-in session of the party", plain, env.Session(t, parties[0], matterID(m1)), 0},
		{"sign-in session of the party bound to another matter", plain, env.Session(t, parties[0], matterID(m2)), -1},
		{"token signed by the sign-in key for an admin", plain, authtest.Sign(t, anyRole(env.SignInKey()), auth.IssueParams{Subject: "forger", Role: auth.Admin}), 0},
	}

	const (
		OK     = codes.OK
		PD     = codes.PermissionDenied
		NF     = codes.NotFound
		Unauth = codes.Unauthenticated
	)
	// want[caller][method] = {own matter, someone else's}. A matter the
	// caller may not act on is NOT_FOUND, as one that does not exist, for
	// every role; PERMISSION_DENIED is for a method the role may not call.
	reads := map[string][2]codes.Code{
		"officer of agency A": {OK, NF}, "officer of agency B": {OK, NF}, "mediator of agency A": {OK, NF},
		"court X over mTLS": {OK, NF}, "court Y over mTLS": {OK, NF},
		"rights holder who is a party": {OK, NF}, "rights holder who is not": {NF, NF}, "administrator": {OK, OK},
		"officer coded as court X": {NF, NF}, "court coded as agency A over mTLS": {NF, NF},
	}
	decide := map[string][2]codes.Code{
		"officer of agency A": {OK, NF}, "officer of agency B": {OK, NF}, "mediator of agency A": {PD, PD},
		"court X over mTLS": {PD, PD}, "court Y over mTLS": {PD, PD},
		"rights holder who is a party": {PD, PD}, "rights holder who is not": {PD, PD}, "administrator": {OK, OK},
		"officer coded as court X": {NF, NF},
	}
	withdraw := map[string][2]codes.Code{
		"officer of agency A": {OK, NF}, "officer of agency B": {OK, NF}, "mediator of agency A": {PD, PD},
		"court X over mTLS": {PD, PD}, "court Y over mTLS": {PD, PD},
		"rights holder who is a party": {OK, NF}, "rights holder who is not": {NF, NF}, "administrator": {OK, OK},
		"officer coded as court X": {NF, NF},
	}
	file := map[string][2]codes.Code{
		"officer of agency A": {OK, PD}, "officer of agency B": {OK, PD}, "mediator of agency A": {PD, PD},
		"court X over mTLS": {PD, PD}, "court Y over mTLS": {PD, PD},
		"rights holder who is a party": {OK, PD}, "rights holder who is not": {PD, PD}, "administrator": {OK, OK},
	}
	// A session reads its own matter, and nothing it is not bound to; every
	// other method is refused to it (PERMISSION_DENIED, the default below).
	reads["sign-in session of the party"] = [2]codes.Code{OK, NF}
	reads["sign-in session of the party bound to another matter"] = [2]codes.Code{NF, NF}
	verify := maps.Clone(reads) // a session reads the matter and its events, and verifies nothing
	delete(verify, "sign-in session of the party")
	delete(verify, "sign-in session of the party bound to another matter")
	auditLog := map[string][2]codes.Code{"administrator": {OK, OK}}
	want := func(table map[string][2]codes.Code, c caller, own bool) codes.Code {
		if strings.Contains(c.name, "token") && c.name != "rights holder who is not" {
			return Unauth // no token, expired, unknown key
		}
		w, ok := table[c.name]
		if !ok {
			return PD
		}
		if own {
			return w[0]
		}
		return w[1]
	}

	type call func(c caller, side int) error
	methods := []struct {
		name  string
		table map[string][2]codes.Code
		call  call
	}{
		{"GetMatter", reads, func(c caller, side int) error {
			_, err := client(c).GetMatter(ctxOf(t, c), &ipcasev1.GetMatterRequest{Name: matters[side].GetName()})
			return err
		}},
		{"ListMatterEvents", reads, func(c caller, side int) error {
			_, err := client(c).ListMatterEvents(ctxOf(t, c), &ipcasev1.ListMatterEventsRequest{Parent: matters[side].GetName()})
			return err
		}},
		{"VerifyMatterHistory", verify, func(c caller, side int) error {
			_, err := client(c).VerifyMatterHistory(ctxOf(t, c), &ipcasev1.VerifyMatterHistoryRequest{Name: matters[side].GetName()})
			return err
		}},
		{"AcceptComplaint", decide, func(c caller, side int) error {
			m := fresh(side)
			_, err := client(c).AcceptComplaint(ctxOf(t, c), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
				RequestId: "acc-" + uuid.NewString(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: agencies[side]})
			return err
		}},
		{"RejectComplaint", decide, func(c caller, side int) error {
			m := fresh(side)
			_, err := client(c).RejectComplaint(ctxOf(t, c), &ipcasev1.RejectComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(), Reason: "no infringement"})
			return err
		}},
		{"WithdrawComplaint", withdraw, func(c caller, side int) error {
			m := fresh(side)
			_, err := client(c).WithdrawComplaint(ctxOf(t, c), &ipcasev1.WithdrawComplaintRequest{Name: m.GetName(), Etag: m.GetEtag()})
			return err
		}},
		{"SubmitComplaint", file, func(c caller, side int) error {
			req := complaint("")
			req.Agency = agencies[side]
			req.Rights[0].RegistrationNumber = ""
			req.Rights[0].Type = ipcasev1.IpType_IP_TYPE_COPYRIGHT
			if c.token != "" && strings.HasPrefix(c.name, "rights holder") {
				req.Complainant = &ipcasev1.Party{Name: "parties/" + parties[side]}
			}
			_, err := client(c).SubmitComplaint(ctxOf(t, c), req)
			return err
		}},
		{"ListAccessLog", auditLog, func(c caller, side int) error {
			_, err := ipcasev1.NewAuditServiceClient(c.conn).ListAccessLog(ctxOf(t, c), &ipcasev1.ListAccessLogRequest{Matter: matters[side].GetName()})
			return err
		}},
	}

	counts := func() map[string]int64 { return storetest.RowCounts(t, db) }
	for _, m := range methods {
		for _, c := range callers {
			for _, own := range []bool{true, false} {
				side := c.own
				if side < 0 {
					side = 0
				}
				if !own {
					side = 1 - side
				}
				w := want(m.table, c, own && c.own >= 0)
				if err := m.call(c, side); code(err) != w {
					t.Errorf("%s by %s on %s matter: %v, want %v", m.name, c.name, ownWord(own), err, w)
				}
			}
		}
	}

	// A refused call writes nothing: checked on one matter per refused
	// kind, with counts taken just around the call.
	m := fresh(1)
	for _, c := range callers {
		before := counts()
		_, err := client(c).AcceptComplaint(ctxOf(t, c), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
			RequestId: "refused-" + uuid.NewString(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "SAMR-SZ"})
		if code(err) == OK {
			continue
		}
		if diff := cmp.Diff(before, counts()); diff != "" {
			t.Errorf("refused AcceptComplaint by %s wrote rows (-before +after):\n%s", c.name, diff)
		}
		before = counts()
		_, err = client(c).GetMatter(ctxOf(t, c), &ipcasev1.GetMatterRequest{Name: m.GetName()})
		if code(err) != OK {
			if diff := cmp.Diff(before, counts()); diff != "" {
				t.Errorf("refused GetMatter by %s wrote rows (-before +after):\n%s", c.name, diff)
			}
		}
	}

	// Lists show only what the caller may see.
	for _, c := range callers[:10] {
		var names []string
		for token := ""; ; {
			resp, err := client(c).ListMatters(ctxOf(t, c), &ipcasev1.ListMattersRequest{PageSize: 100, PageToken: token})
			if err != nil {
				t.Fatalf("ListMatters by %s: %v", c.name, err)
			}
			for _, m := range resp.GetMatters() {
				names = append(names, m.GetName())
			}
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
		for side, m := range matters {
			seen := slices.Contains(names, m.GetName())
			should := c.name == "administrator" || side == c.own
			if seen != should {
				t.Errorf("ListMatters by %s: sees %s = %v, want %v", c.name, []string{"own", "other"}[side], seen, should)
			}
		}
	}

	// A session lists nothing, not even its own matter: it reads that one.
	for _, c := range callers {
		if !strings.HasPrefix(c.name, "sign-in session") {
			continue
		}
		if _, err := client(c).ListMatters(ctxOf(t, c), &ipcasev1.ListMattersRequest{PageSize: 100}); code(err) != PD {
			t.Errorf("ListMatters by %s: %v, want %v", c.name, err, PD)
		}
	}
}

func matterID(m *ipcasev1.Matter) string { return strings.TrimPrefix(m.GetName(), "matters/") }

// anyRole clears a private key's roles, so that Issue signs what its
// holder could forge; the server still knows what the key may sign.
func anyRole(k auth.JWK) auth.JWK {
	k.Roles = nil
	return k
}

func ownWord(own bool) string {
	if own {
		return "its own"
	}
	return "someone else's"
}

func client(c caller) ipcasev1.FilingServiceClient { return ipcasev1.NewFilingServiceClient(c.conn) }

func ctxOf(t *testing.T, c caller) context.Context { return authtest.WithToken(t.Context(), c.token) }

// TestRightsHolderSeesThePublicProjection files a trade-secret matter and
// checks, on the serialized responses, that its technical content, other
// parties' contact details and reviewers' notes never reach the rights
// holder, while the officer sees them.
func TestRightsHolderSeesThePublicProjection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	ctx := t.Context()
	const secret = "Reaction at 183 °C with catalyst ratio 7:3 on line 3"
	const respondentContact = "wang.qiang@private.example"
	const note = "INTERNAL: respondent is known to our office"
	req := complaint("")
	req.Rights = []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADE_SECRET, Title: "Carbomer process", Description: secret}}
	req.Respondents[0].Contact = respondentContact
	m := mustSubmit(t, f, req)
	if _, err := f.client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ", Note: note}); err != nil {
		t.Fatal(err)
	}
	holder := authtest.WithToken(ctx, f.env.RightsHolder(t, strings.TrimPrefix(m.GetComplainant().GetName(), "parties/")))

	got, err := f.client.GetMatter(holder, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := f.client.ListMatterEvents(holder, &ipcasev1.ListMatterEventsRequest{Parent: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.client.ListMatters(holder, &ipcasev1.ListMattersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for what, msg := range map[string]proto.Message{"GetMatter": got, "ListMatterEvents": evs, "ListMatters": list} {
		b, err := protojson.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		for _, hidden := range []string{secret, respondentContact, note, "officer@SAMR-HZ"} {
			if strings.Contains(string(b), hidden) {
				t.Errorf("%s response to the rights holder contains %q", what, hidden)
			}
		}
		if !strings.Contains(string(b), m.GetNumber()) && what != "ListMatterEvents" {
			t.Errorf("%s response lacks the matter number", what)
		}
	}
	// The complainant's own contact stays visible to it; the officer sees all.
	if got.GetMatter().GetComplainant().GetContact() == "" {
		t.Error("the rights holder lost its own contact details")
	}
	full, err := f.client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := protojson.Marshal(full)
	for _, shown := range []string{secret, respondentContact} {
		if !strings.Contains(string(b), shown) {
			t.Errorf("officer's view lacks %q", shown)
		}
	}
}

// TestOfficialReadsAreRecorded: who looked at what, when, queryable by an
// administrator; a rights holder's reads of its own matter are not
// recorded as official access.
func TestOfficialReadsAreRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixed(filedAt))
	m := mustSubmit(t, f, complaint(""))
	for range 2 {
		if _, err := f.client.GetMatter(t.Context(), &ipcasev1.GetMatterRequest{Name: m.GetName()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.client.ListMatterEvents(t.Context(), &ipcasev1.ListMatterEventsRequest{Parent: m.GetName()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.ListMatters(t.Context(), &ipcasev1.ListMattersRequest{}); err != nil {
		t.Fatal(err)
	}
	// An official who may not read the matter is refused, and nothing is
	// recorded of it: the read and its record are one statement.
	other := authtest.WithToken(t.Context(), f.env.Officer(t, "SAMR-SZ"))
	if _, err := f.client.GetMatter(other, &ipcasev1.GetMatterRequest{Name: m.GetName()}); code(err) != codes.NotFound {
		t.Fatalf("GetMatter by another agency's officer: %v, want NotFound", err)
	}
	holder := authtest.WithToken(t.Context(), f.env.RightsHolder(t, strings.TrimPrefix(m.GetComplainant().GetName(), "parties/")))
	if _, err := f.client.GetMatter(holder, &ipcasev1.GetMatterRequest{Name: m.GetName()}); err != nil {
		t.Fatal(err)
	}
	resp, err := f.audit.ListAccessLog(authtest.WithToken(t.Context(), f.env.Admin(t)), &ipcasev1.ListAccessLogRequest{Matter: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range resp.GetRecords() {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.GetSubject(), r.GetRole(), r.GetOrganization(), r.GetMethod()))
		if r.GetMatter() != m.GetName() || r.GetAccessTime() == nil || r.GetRequestId() == "" {
			t.Errorf("record %v lacks matter, time or request id", r)
		}
	}
	want := []string{ // newest first
		"officer@SAMR-HZ officer SAMR-HZ /ipcase.v1.FilingService/ListMatters",
		"officer@SAMR-HZ officer SAMR-HZ /ipcase.v1.FilingService/ListMatterEvents",
		"officer@SAMR-HZ officer SAMR-HZ /ipcase.v1.FilingService/GetMatter",
		"officer@SAMR-HZ officer SAMR-HZ /ipcase.v1.FilingService/GetMatter",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log mismatch (-want +got):\n%s", diff)
	}
}
