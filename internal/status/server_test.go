package status_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/server/servertest"
	ipstatus "github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/status/statustest"
)

type rig struct {
	srv    *statustest.Server
	filing ipcasev1.FilingServiceClient
	status ipcasev1.StatusServiceClient
	matter *ipcasev1.Matter
	party  string // the complainant's id
}

// start serves ipcased and files one trademark complaint with SAMR-HZ.
func start(t *testing.T) rig {
	t.Helper()
	srv := statustest.Start(t, statustest.Options{PageURL: "https://status.example.cn/"})
	conn := servertest.Dial(t, srv.Addr)
	r := rig{srv: srv, filing: ipcasev1.NewFilingServiceClient(conn), status: ipcasev1.NewStatusServiceClient(conn)}
	resp, err := r.filing.SubmitComplaint(as(t, srv.Officer(t, "SAMR-HZ")), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "北京星河茶饮有限公司",
			CreditCode: "91110108MA01HX4T2R", Contact: "legal@xinghe.example"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "张三", Contact: "+86 138 0000 0000"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Milk tea sold in cups bearing the mark.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	r.matter = resp.GetMatter()
	r.party = strings.TrimPrefix(r.matter.GetComplainant().GetName(), "parties/")
	return r
}

func as(t *testing.T, tok string) context.Context { return authtest.WithToken(t.Context(), tok) }

// TestGetMatterStatus gives each caller what the policy allows: the
// complainant the public projection, strangers nothing.
func TestGetMatterStatus(t *testing.T) {
	t.Parallel()
	r := start(t)
	for _, tt := range []struct {
		name        string
		token       string
		code        codes.Code
		wantContact bool // the respondent's contact, hidden from rights holders
	}{
		{"complainant", r.srv.RightsHolder(t, r.party), codes.OK, false},
		{"officer of the agency", r.srv.Officer(t, "SAMR-HZ"), codes.OK, true},
		{"officer elsewhere", r.srv.Officer(t, "SAMR-SH"), codes.NotFound, false},
		{"another rights holder", r.srv.RightsHolder(t, "0b7e9a43-5b1c-4d53-9a55-3a0f5c2b9e11"), codes.NotFound, false},
		{"no token", "", codes.Unauthenticated, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := r.status.GetMatterStatus(as(t, tt.token), &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()})
			if status.Code(err) != tt.code {
				t.Fatalf("code %s (%v), want %s", status.Code(err), err, tt.code)
			}
			if err != nil {
				return
			}
			m := resp.GetStatus().GetMatter()
			if m.GetNumber() != r.matter.GetNumber() || len(m.GetProceedings()) != 1 ||
				m.GetProceedings()[0].GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_SUBMITTED {
				t.Errorf("status %v: want the matter with its filing review in SUBMITTED", m)
			}
			if got := m.GetRespondents()[0].GetContact() != ""; got != tt.wantContact {
				t.Errorf("respondent's contact shown: %v, want %v", got, tt.wantContact)
			}
		})
	}
}

// TestSignInLink sends a link to the complainant as an officer asks,
// tells the officer where it went but not what it says, and redeems it
// once, from the complainant's outbox, for a session on the matter; the
// second time it is refused.
func TestSignInLink(t *testing.T) {
	t.Parallel()
	r := start(t)
	officer := r.srv.Officer(t, "SAMR-HZ")
	link, err := r.status.IssueSignInLink(as(t, officer), &ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName(), TtlSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if link.GetParty() != "parties/"+r.party || link.GetSentTo() != "l***@xinghe.example" || link.GetCode() != "" || link.GetUrl() != "" { //nolint:staticcheck // SA1019: checking the deprecated fields stay empty
		t.Errorf("response %v: want the complainant and the masked address, no code, no URL", link)
	}
	if d := time.Until(link.GetExpireTime().AsTime()); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expires in %s, want an hour", d)
	}
	msg := r.srv.LastMessage(t)
	code := msg["Code"]
	if msg["To"] != "legal@xinghe.example" || msg["Party"] != "parties/"+r.party || msg["Matter"] != r.matter.GetName() ||
		len(code) < 40 || msg["Link"] != "https://status.example.cn/signin/link?code="+code {
		t.Errorf("message %v: want the complainant's address, its matter, a long code and a link to the page", msg)
	}
	st, err := os.Stat(filepath.Join(r.srv.Outbox.Dir(), msg["file"]))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("message file mode %v (%v), want 0600", st.Mode(), err)
	}
	var stored int
	if err := r.srv.DB.Session(t.Context()).Gorm().Raw(`SELECT count(*) FROM signin_links WHERE position(convert_to(?, 'UTF8') in code_sha256) > 0`, code).Scan(&stored).Error; err != nil || stored != 0 {
		t.Errorf("the code itself is stored (%d rows, %v); only its hash may be", stored, err)
	}

	got, err := r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetMatter() != r.matter.GetName() {
		t.Errorf("redeemed for %s, want %s", got.GetMatter(), r.matter.GetName())
	}
	caller, err := r.status.GetCaller(as(t, got.GetToken()), &ipcasev1.GetCallerRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if caller.GetRole() != "rights_holder" || len(caller.GetParties()) != 1 || caller.GetParties()[0] != "parties/"+r.party ||
		caller.GetMatter() != r.matter.GetName() {
		t.Errorf("token's caller %v, want a rights holder's session for the complainant on its matter", caller)
	}
	if _, err := r.status.GetMatterStatus(as(t, got.GetToken()), &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()}); err != nil {
		t.Errorf("the token does not read its matter: %v", err)
	}
	for _, code := range []string{code, "not-a-code", strings.Repeat("A", 43)} {
		_, err := r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: code})
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("redeeming %.8s…: %v, want UNAUTHENTICATED", code, err)
		}
	}
}

// TestSignInLinkRefused: only officials of the matter may issue links, for
// a sensible time; an expired link does not work.
func TestSignInLinkRefused(t *testing.T) {
	t.Parallel()
	r := start(t)
	for _, tt := range []struct {
		name  string
		token string
		ttl   int64
		code  codes.Code
	}{
		{"the complainant itself", r.srv.RightsHolder(t, r.party), 0, codes.PermissionDenied},
		{"officer elsewhere", r.srv.Officer(t, "SAMR-SH"), 0, codes.NotFound},
		{"too short", r.srv.Officer(t, "SAMR-HZ"), 60, codes.InvalidArgument},
		{"too long", r.srv.Officer(t, "SAMR-HZ"), 30 * 24 * 3600, codes.InvalidArgument},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := r.status.IssueSignInLink(as(t, tt.token), &ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName(), TtlSeconds: tt.ttl})
			if status.Code(err) != tt.code {
				t.Errorf("code %s (%v), want %s", status.Code(err), err, tt.code)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		links := ipstatus.NewLinks(r.srv.DB)
		past := time.Now().Add(-2 * time.Hour)
		var code string
		_, err := links.Issue(t.Context(), strings.TrimPrefix(r.matter.GetName(), "matters/"), r.party, "test", past, past.Add(time.Hour),
			func(_ ipstatus.Link, c string) error { code = c; return nil })
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: code})
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("expired link: %v, want UNAUTHENTICATED", err)
		}
	})
}

// TestNextDeadline: each caller sees the open deadline due first among
// those that concern it. The complainant never sees the respondent's own
// clock; an official sees every clock.
func TestNextDeadline(t *testing.T) {
	t.Parallel()
	r := start(t)
	officer := r.srv.Officer(t, "SAMR-HZ")
	accepted, err := r.filing.AcceptComplaint(as(t, officer), &ipcasev1.AcceptComplaintRequest{Name: r.matter.GetName(),
		Etag: r.matter.GetEtag(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	if err != nil {
		t.Fatal(err)
	}
	procs := accepted.GetMatter().GetProceedings()
	enforcement := procs[len(procs)-1].GetName()
	// Mediation is requested too, so the respondent has been told of the
	// matter: a respondent's own token reads a matter only from then on.
	if _, err := ipcasev1.NewMediationServiceClient(servertest.Dial(t, r.srv.Addr)).RequestMediation(as(t, officer),
		&ipcasev1.RequestMediationRequest{Matter: r.matter.GetName(), Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	respondent := strings.TrimPrefix(r.matter.GetRespondents()[0].GetName(), "parties/")
	trigger := civil.Date{Year: 2026, Month: 3, Day: 2}
	open := func(kind, party string, period deadline.Period) {
		r.srv.OpenDeadline(t, strings.TrimPrefix(r.matter.GetName(), "matters/"), clock.Spec{
			ProceedingID: enforcement[strings.LastIndex(enforcement, "/")+1:], Kind: kind,
			PartyID: party, Trigger: trigger, Period: period})
	}
	// Administrative Penalty Law Art. 60: Mon 2026-03-02 + 90 days =
	// 2026-05-31, a Sunday: moved to Monday 2026-06-01.
	open("enforcement.decision", "", deadline.DecisionPeriod)
	// Administrative Penalty Law Art. 64(1): 5 working days from Mon
	// 2026-03-02 are Mar 3, 4, 5, 6 and Monday 2026-03-09.
	open("enforcement.statement_window", respondent, deadline.StatementWindow)

	for _, tt := range []struct {
		name, token, want, party string
	}{
		{"complainant: not the respondent's clock", r.srv.RightsHolder(t, r.party), "enforcement.decision 2026-06-01", ""},
		{"respondent: its own clock", r.srv.RightsHolder(t, respondent), "enforcement.statement_window 2026-03-09", "parties/" + respondent},
		{"officer: every clock", officer, "enforcement.statement_window 2026-03-09", "parties/" + respondent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := r.status.GetMatterStatus(as(t, tt.token), &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()})
			if err != nil {
				t.Fatal(err)
			}
			d := resp.GetStatus().GetNextDeadline()
			if got := d.GetKind() + " " + d.GetDueDate(); got != tt.want || d.GetParty() != tt.party || d.GetProceeding() != enforcement {
				t.Errorf("next deadline %v, want %s of %s for %q", d, tt.want, enforcement, tt.party)
			}
			if tt.want == "enforcement.decision 2026-06-01" &&
				d.GetRule() != "90 calendar days (Administrative Penalty Law Art. 60; SAMR Administrative Penalty Procedure Rules Art. 64 ¶1)" {
				t.Errorf("rule %q", d.GetRule())
			}
		})
	}
}

// TestNoDeadline: a matter with no open clock has no next deadline.
func TestNoDeadline(t *testing.T) {
	t.Parallel()
	r := start(t)
	resp, err := r.status.GetMatterStatus(as(t, r.srv.RightsHolder(t, r.party)), &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()})
	if err != nil || resp.GetStatus().GetNextDeadline() != nil {
		t.Errorf("status %v, %v: want no next deadline", resp, err)
	}
}

// TestSignInLinkOnce: of many redeeming one code at the same moment,
// exactly one gets a token.
func TestSignInLinkOnce(t *testing.T) {
	t.Parallel()
	r := start(t)
	if _, err := r.status.IssueSignInLink(as(t, r.srv.Officer(t, "SAMR-HZ")), &ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()}); err != nil {
		t.Fatal(err)
	}
	code := r.srv.LastMessage(t)["Code"]
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: code})
			errs <- err
		}()
	}
	won := 0
	for range n {
		switch err := <-errs; status.Code(err) {
		case codes.OK:
			won++
		case codes.Unauthenticated:
		default:
			t.Errorf("redeem: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d redeemed the link, want exactly 1", won, n)
	}
}
