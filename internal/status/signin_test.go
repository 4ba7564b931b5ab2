package status_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
	ipstatus "github.com/ipcase/ipcase/internal/status"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestOfficerCannotBecomeRightsHolder is the attack of issue 13, item 1:
// an officer asks for a sign-in link for a matter of its own agency and
// redeems the code it is given, to act as the complainant (read another
// agency's matter of the same party, withdraw the complaint). The code now
// goes to the complainant's contact, not to the officer; and the session
// the complainant gets reads its one matter and does nothing else.
func TestOfficerCannotBecomeRightsHolder(t *testing.T) {
	t.Parallel()
	r := start(t)
	conn := servertest.Dial(t, r.srv.Addr)
	// The same complainant has a matter with another agency.
	other, err := r.filing.SubmitComplaint(as(t, r.srv.Admin(t)), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Name: "parties/" + r.party},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "李四"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "星河 logo"}},
		Facts:       "Copies of the logo sold online.",
		Agency:      "CNIPA-SH",
	})
	if err != nil {
		t.Fatal(err)
	}

	officer := as(t, r.srv.Officer(t, "SAMR-HZ"))
	link, err := r.status.IssueSignInLink(officer, &ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if link.GetCode() != "" || link.GetUrl() != "" { //nolint:staticcheck // SA1019: the deprecated fields must stay empty
		t.Fatalf("the officer was handed the link (code %q, url %q); it is for the complainant", link.GetCode(), link.GetUrl()) //nolint:staticcheck // SA1019: as above
	}
	if _, err := r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: link.GetCode()}); status.Code(err) == codes.OK { //nolint:staticcheck // SA1019: the attacker tries what it was given
		t.Fatal("the officer redeemed the link")
	}

	// The complainant's session, from its own mailbox.
	got, err := r.status.RedeemSignInLink(t.Context(), &ipcasev1.RedeemSignInLinkRequest{Code: r.srv.LastMessage(t)["Code"]})
	if err != nil {
		t.Fatal(err)
	}
	session := as(t, got.GetToken())
	evidence := ipcasev1.NewEvidenceServiceClient(conn)
	before := storetest.RowCounts(t, r.srv.DB)
	for _, tt := range []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"GetMatter, its matter", func() error {
			_, err := r.filing.GetMatter(session, &ipcasev1.GetMatterRequest{Name: r.matter.GetName()})
			return err
		}, codes.OK},
		{"ListMatterEvents, its matter", func() error {
			_, err := r.filing.ListMatterEvents(session, &ipcasev1.ListMatterEventsRequest{Parent: r.matter.GetName()})
			return err
		}, codes.OK},
		{"GetMatterStatus, its matter", func() error {
			_, err := r.status.GetMatterStatus(session, &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()})
			return err
		}, codes.OK},
		{"GetMatter, the party's matter with another agency", func() error {
			_, err := r.filing.GetMatter(session, &ipcasev1.GetMatterRequest{Name: other.GetMatter().GetName()})
			return err
		}, codes.NotFound},
		{"GetMatterStatus, the party's matter with another agency", func() error {
			_, err := r.status.GetMatterStatus(session, &ipcasev1.GetMatterStatusRequest{Name: other.GetMatter().GetName()})
			return err
		}, codes.NotFound},
		{"ListMatterEvents, the party's matter with another agency", func() error {
			_, err := r.filing.ListMatterEvents(session, &ipcasev1.ListMatterEventsRequest{Parent: other.GetMatter().GetName()})
			return err
		}, codes.NotFound},
		{"ListMatters", func() error {
			_, err := r.filing.ListMatters(session, &ipcasev1.ListMattersRequest{})
			return err
		}, codes.PermissionDenied},
		{"WithdrawComplaint, its matter", func() error {
			_, err := r.filing.WithdrawComplaint(session, &ipcasev1.WithdrawComplaintRequest{Name: r.matter.GetName(), Etag: r.matter.GetEtag()})
			return err
		}, codes.PermissionDenied},
		{"SubmitComplaint as its party", func() error {
			_, err := r.filing.SubmitComplaint(session, &ipcasev1.SubmitComplaintRequest{Complainant: &ipcasev1.Party{Name: "parties/" + r.party},
				Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王五"}},
				Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "x"}}, Facts: "x", Agency: "SAMR-HZ"})
			return err
		}, codes.PermissionDenied},
		{"VerifyMatterHistory, its matter", func() error {
			_, err := r.filing.VerifyMatterHistory(session, &ipcasev1.VerifyMatterHistoryRequest{Name: r.matter.GetName()})
			return err
		}, codes.PermissionDenied},
		{"IssueSignInLink, its matter", func() error {
			_, err := r.status.IssueSignInLink(session, &ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()})
			return err
		}, codes.PermissionDenied},
		{"UploadEvidence", func() error {
			st, err := evidence.UploadEvidence(session)
			if err != nil {
				return err
			}
			if err := st.Send(&ipcasev1.UploadEvidenceRequest{Part: &ipcasev1.UploadEvidenceRequest_Metadata{Metadata: &ipcasev1.EvidenceFileMetadata{MediaType: "application/pdf", FileName: "planted.pdf"}}}); err != nil {
				_, err = st.CloseAndRecv()
				return err
			}
			_, err = st.CloseAndRecv()
			return err
		}, codes.PermissionDenied},
	} {
		if err := tt.call(); status.Code(err) != tt.want {
			t.Errorf("%s with the session: %v, want %s", tt.name, err, tt.want)
		}
	}
	if diff := cmp.Diff(before, storetest.RowCounts(t, r.srv.DB)); diff != "" {
		t.Errorf("the session's calls wrote rows (-before +after):\n%s", diff)
	}
}

// TestSignInLinkNeedsAContact: a complainant with no contact gets no link,
// and nothing is stored or sent.
func TestSignInLinkNeedsAContact(t *testing.T) {
	t.Parallel()
	r := start(t)
	officer := as(t, r.srv.Officer(t, "SAMR-HZ"))
	m, err := r.filing.SubmitComplaint(officer, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "赵六"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "钱七"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "a photograph"}},
		Facts:       "Photograph reposted.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	before := storetest.RowCounts(t, r.srv.DB)
	_, err = r.status.IssueSignInLink(officer, &ipcasev1.IssueSignInLinkRequest{Name: m.GetMatter().GetName()})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(status.Convert(err).Message(), "no contact") {
		t.Errorf("link for a complainant without contact: %v, want FAILED_PRECONDITION saying so", err)
	}
	after := storetest.RowCounts(t, r.srv.DB)
	if before["signin_links"] != after["signin_links"] || len(r.srv.Messages(t)) != 0 {
		t.Errorf("a link was stored (%d → %d) or sent (%d)", before["signin_links"], after["signin_links"], len(r.srv.Messages(t)))
	}
}

// forge signs claims with key, as whoever holds the key could.
func forge(t *testing.T, key auth.JWK, claims jwt.MapClaims) string {
	t.Helper()
	priv, err := key.SigningKey()
	if err != nil {
		t.Fatal(err)
	}
	if claims["iss"] == nil {
		claims["iss"] = authtest.Issuer
	}
	if claims["aud"] == nil {
		claims["aud"] = authtest.Audience
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = key.Kid
	s, err := tok.SignedString(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTokenKeysAndLifetimes is the attack of issue 13, item 9, over the
// server's real port: a token signed with the sign-in key claiming to be
// an administrator (or an officer, or a rights holder's full token), and
// tokens that claim to live for ever. Each key signs only the roles it
// has, the sign-in key sign-in sessions only; no token lives longer than
// the configured maximum.
func TestTokenKeysAndLifetimes(t *testing.T) {
	t.Parallel()
	r := start(t)
	signin, signing := r.srv.SignInKey(), r.srv.SigningKey()
	now := time.Now()
	matter := strings.TrimPrefix(r.matter.GetName(), "matters/")
	claims := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "forger", "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	for _, tt := range []struct {
		name  string
		token string
		want  codes.Code
	}{
		{"sign-in key: an administrator", forge(t, signin, claims(jwt.MapClaims{"role": "admin"})), codes.Unauthenticated},
		{"sign-in key: an officer of the agency", forge(t, signin, claims(jwt.MapClaims{"role": "officer", "agency": "SAMR-HZ"})), codes.Unauthenticated},
		{"sign-in key: the complainant's full token", forge(t, signin, claims(jwt.MapClaims{"role": "rights_holder", "parties": []string{r.party}})), codes.Unauthenticated},
		{"sign-in key: a session on the matter", forge(t, signin, claims(jwt.MapClaims{"role": "rights_holder", "parties": []string{r.party}, "matter": matter})), codes.OK},
		{"sign-in key: a session for 25 hours", forge(t, signin, claims(jwt.MapClaims{"role": "rights_holder", "parties": []string{r.party}, "matter": matter,
			"exp": now.Add(25 * time.Hour).Unix()})), codes.Unauthenticated},
		{"sign-in key: a session bound to an officer", forge(t, signin, claims(jwt.MapClaims{"role": "officer", "agency": "SAMR-HZ", "matter": matter})), codes.Unauthenticated},
		{"signing key: an administrator for 29 days", forge(t, signing, claims(jwt.MapClaims{"role": "admin", "exp": now.Add(29 * 24 * time.Hour).Unix()})), codes.OK},
		{"signing key: exp = 2^62", forge(t, signing, claims(jwt.MapClaims{"role": "admin", "exp": int64(1) << 62})), codes.Unauthenticated},
		{"signing key: exp in 31 days", forge(t, signing, claims(jwt.MapClaims{"role": "admin", "exp": now.Add(31 * 24 * time.Hour).Unix()})), codes.Unauthenticated},
		{"signing key: issued 40 days ago, an hour left", forge(t, signing, claims(jwt.MapClaims{"role": "admin", "iat": now.Add(-40 * 24 * time.Hour).Unix(),
			"nbf": now.Add(-40 * 24 * time.Hour).Unix()})), codes.Unauthenticated},
		{"signing key: no iat", forge(t, signing, jwt.MapClaims{"sub": "forger", "role": "admin", "exp": now.Add(time.Hour).Unix()}), codes.Unauthenticated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := r.status.GetMatterStatus(as(t, tt.token), &ipcasev1.GetMatterStatusRequest{Name: r.matter.GetName()})
			if status.Code(err) != tt.want {
				t.Errorf("GetMatterStatus: %v, want %s", err, tt.want)
			}
		})
	}
}

// TestMask shows an official where a link went without the address.
func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"legal@xinghe.example": "l***@xinghe.example",
		"+86 138 0000 1234":    "+** *** **** 1234",
		"13800001234":          "*******1234",
		"李@例子.中国":              "李***@例子.中国",
		"WeChat: xinghe_legal": "******: ******_*****",
	} {
		if got := ipstatus.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOutboxIsPrivate: the outbox refuses a directory other users may
// open, and writes each message for its owner only.
func TestOutboxIsPrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if _, err := ipstatus.OpenOutbox(dir); err == nil || !strings.Contains(err.Error(), "open to other users") {
		t.Errorf("OpenOutbox of a 0755 directory: %v, want refused", err)
	}
	fresh := filepath.Join(t.TempDir(), "new", "outbox")
	o, err := ipstatus.OpenOutbox(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Send(t.Context(), ipstatus.Message{To: "a@b.example\nBcc: evil@example.com", Code: "c0de", MatterNumber: "IPC-1"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(fresh)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("outbox mode %v (%v), want 0700", st.Mode(), err)
	}
	entries, _ := os.ReadDir(fresh)
	if len(entries) != 1 {
		t.Fatalf("%d files in the outbox, want 1", len(entries))
	}
	b, _ := os.ReadFile(filepath.Join(fresh, entries[0].Name()))
	if strings.Contains(string(b), "\nBcc:") {
		t.Errorf("a contact started a header line of its own:\n%s", b)
	}
}
