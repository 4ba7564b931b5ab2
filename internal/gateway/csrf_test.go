package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// TestStatusPageCrossSiteForms is the attack of issue 13, item 13: another
// site posts the status page's forms from the victim's browser, to sign it
// in as the attacker (login CSRF: the victim then reads, and may type
// into, the attacker's session), to spend the victim's one-time link, or
// to sign it out. Each form is refused unless the browser says it came
// from the page itself, and a refused form sets and clears no cookie.
func TestStatusPageCrossSiteForms(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	attacker := r.srv.RightsHolder(t, "0b7e9a43-5b1c-4d53-9a55-3a0f5c2b9e11")
	crossSite := [][]string{
		{"Origin", "https://evil.example"},
		{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"},
		{"Origin", "http://sub." + strings.TrimPrefix(r.url, "http://"), "Sec-Fetch-Site", "same-site"},
		{"Origin", "null"},
		{"Sec-Fetch-Site", "cross-site"},
	}
	sameOrigin := []string{"Origin", r.url, "Sec-Fetch-Site", "same-origin"}
	refused := func(t *testing.T, what string, resp reply, page string) {
		t.Helper()
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 || !strings.Contains(page, "another website") {
			t.Errorf("%s: %d, cookies %v; want 403, no cookie, and a page saying why\n%s", what, resp.StatusCode, resp.Cookies(), page)
		}
	}

	for _, h := range crossSite {
		b := newBrowser(t, r)
		resp, page := b.send("POST", "/signin", url.Values{"token": {attacker}}, append(h, "Accept-Language", "en")...)
		refused(t, "sign-in posted with "+strings.Join(h, " "), resp, page)
	}

	// The victim's one-time link, posted by another site, is neither used
	// nor spent: the victim can still use it.
	conn := servertest.Dial(t, r.srv.Addr)
	if _, err := ipcasev1.NewStatusServiceClient(conn).IssueSignInLink(authtest.WithToken(t.Context(), r.officer),
		&ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()}); err != nil {
		t.Fatal(err)
	}
	code := r.srv.LastMessage(t)["Code"]
	for _, h := range crossSite {
		b := newBrowser(t, r)
		resp, page := b.send("POST", "/signin/link", url.Values{"code": {code}}, append(h, "Accept-Language", "en")...)
		refused(t, "link posted with "+strings.Join(h, " "), resp, page)
	}
	victim := newBrowser(t, r)
	if resp, _ := victim.send("POST", "/signin/link", url.Values{"code": {code}}, sameOrigin...); resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Fatalf("the victim's own use of its link: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}

	// Another site cannot sign the victim out.
	for _, h := range crossSite {
		resp, page := victim.send("POST", "/signout", url.Values{}, append(h, "Accept-Language", "en")...)
		refused(t, "sign-out posted with "+strings.Join(h, " "), resp, page)
	}
	if resp, _ := victim.send("GET", "/"+r.matter.GetName(), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the cross-site sign-outs the victim's matter page answers %d, want 200", resp.StatusCode)
	}

	// The page's own forms work, from the page (as a browser sends them)
	// and from clients that are no browser (no Origin, no Sec-Fetch-Site).
	if resp, _ := victim.send("POST", "/signout", url.Values{}, sameOrigin...); resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || resp.Cookies()[0].MaxAge >= 0 {
		t.Errorf("same-origin sign-out: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	for _, h := range [][]string{sameOrigin, {"Sec-Fetch-Site", "none"}, nil} {
		b := newBrowser(t, r)
		if resp, _ := b.send("POST", "/signin", url.Values{"token": {r.holder}}, h...); resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
			t.Errorf("sign-in with %v: %d, cookies %v", h, resp.StatusCode, resp.Cookies())
		}
	}
}

// TestStatusPageTrustedOrigin: behind a proxy that rewrites Host, the
// page's public origin is configured and its forms are accepted; others
// are still refused.
func TestStatusPageTrustedOrigin(t *testing.T) {
	t.Parallel()
	r := start(t, func(c *gateway.Config) { c.PageOrigins = []string{"https://status.example.cn"} })
	for _, tt := range []struct {
		origin string
		want   int
	}{
		{"https://status.example.cn", http.StatusSeeOther},
		{"https://evil.example", http.StatusForbidden},
	} {
		b := newBrowser(t, r)
		if resp, _ := b.send("POST", "/signin", url.Values{"token": {r.holder}}, "Origin", tt.origin, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != tt.want {
			t.Errorf("sign-in from %s: %d, want %d", tt.origin, resp.StatusCode, tt.want)
		}
	}
}
