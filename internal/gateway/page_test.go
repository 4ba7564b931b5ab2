package gateway_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// browser is an HTTP client with cookies that does not follow redirects,
// so each step of a sign-in can be looked at.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, r *rig) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: r.url, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// reply is what a test looks at in a response whose body send has read
// and closed.
type reply struct {
	StatusCode int
	Header     http.Header
	cookies    []*http.Cookie
}

// Cookies returns the cookies the response set.
func (r reply) Cookies() []*http.Cookie { return r.cookies }

func (b *browser) send(method, path string, form url.Values, header ...string) (reply, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.t.Fatal(err)
	}
	return reply{StatusCode: resp.StatusCode, Header: resp.Header, cookies: resp.Cookies()}, string(page)
}

// TestStatusPageSignIn signs in with a token: the session cookie is
// HttpOnly and SameSite=Strict, the list shows the matter, the matter page
// its state, next step and timeline; a refused token stays signed out.
func TestStatusPageSignIn(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	b := newBrowser(t, r)
	resp, page := b.send("GET", "/", nil, "Accept-Language", "en-GB,en;q=0.9")
	if resp.StatusCode != 200 || !strings.Contains(page, `<label for="token">Access token</label>`) || !strings.Contains(page, `<html lang="en">`) {
		t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, page)
	}
	resp, page = b.send("POST", "/signin", url.Values{"token": {"not-a-token"}}, "Accept-Language", "en")
	if resp.StatusCode != 401 || !strings.Contains(page, "That token was not accepted") {
		t.Errorf("refused token: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = b.send("POST", "/signin", url.Values{"token": {r.holder}}, "Accept-Language", "en")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d %v", resp.StatusCode, resp.Header)
	}
	c := resp.Cookies()
	if len(c) != 1 || c[0].Name != "ipcase_session" || !c[0].HttpOnly || c[0].SameSite != http.SameSiteStrictMode || c[0].MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, with a lifetime", c)
	}
	_, page = b.send("GET", "/", nil, "Accept-Language", "en")
	id := strings.TrimPrefix(r.matter.GetName(), "matters/")
	for _, want := range []string{r.matter.GetNumber(), `href="/matters/` + id + `"`, "Filed, awaiting review", "星河 (class 43)"} {
		if !strings.Contains(page, want) {
			t.Errorf("matters page lacks %q:\n%s", want, page)
		}
	}
	_, page = b.send("GET", "/matters/"+id, nil, "Accept-Language", "en")
	for _, want := range []string{"<h1>" + r.matter.GetNumber() + "</h1>", "Review of the complaint (SAMR-HZ): submitted, awaiting review",
		"The agency reviews your complaint", "Complaint filed", "officer SAMR-HZ"} {
		if !strings.Contains(page, want) {
			t.Errorf("matter page lacks %q:\n%s", want, page)
		}
	}
	resp, _ = b.send("POST", "/signout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || resp.Cookies()[0].MaxAge >= 0 {
		t.Errorf("sign-out: %d, cookies %+v", resp.StatusCode, resp.Cookies())
	}
	if resp, _ := b.send("GET", "/matters/"+id, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after sign-out the matter page answers %d, want 401", resp.StatusCode)
	}
}

// TestStatusPageLanguage: Chinese by Accept-Language or by default, English
// by the switch, which is remembered.
func TestStatusPageLanguage(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	for _, tt := range []struct {
		name, accept, query, want, lang string
	}{
		{"no preference", "", "", "访问令牌", "zh-Hans"},
		{"Chinese browser", "zh-CN,zh;q=0.9", "", "访问令牌", "zh-Hans"},
		{"English browser", "en-US,en;q=0.8", "", "Access token", "en"},
		{"the switch wins", "zh-CN", "?lang=en", "Access token", "en"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, r)
			_, page := b.send("GET", "/"+tt.query, nil, "Accept-Language", tt.accept)
			if !strings.Contains(page, tt.want) || !strings.Contains(page, `<html lang="`+tt.lang+`">`) {
				t.Errorf("page lacks %q in lang %s:\n%s", tt.want, tt.lang, page)
			}
			if tt.query != "" {
				if _, again := b.send("GET", "/", nil, "Accept-Language", tt.accept); !strings.Contains(again, tt.want) {
					t.Errorf("the language chosen was not remembered")
				}
			}
		})
	}
}

// TestStatusPageLink: the one-time link an officer has sent the
// complainant signs it in once, to its matter, with no token in any URL;
// the session shows that matter only; the second use is refused.
func TestStatusPageLink(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	conn := servertest.Dial(t, r.srv.Addr)
	if _, err := ipcasev1.NewStatusServiceClient(conn).IssueSignInLink(authtest.WithToken(t.Context(), r.officer),
		&ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()}); err != nil {
		t.Fatal(err)
	}
	code := r.srv.LastMessage(t)["Code"] // as the complainant received it
	b := newBrowser(t, r)
	// The link's GET moves the code into a cookie for the sign-in path and
	// redirects to a URL without it; nothing is spent yet.
	resp, _ := b.send("GET", "/signin/link?code="+url.QueryEscape(code), nil, "Accept-Language", "zh-CN")
	c := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin/link" || resp.Header.Get("Referrer-Policy") != "no-referrer" ||
		len(c) != 1 || c[0].Name != "ipcase_link" || c[0].Value != code || !c[0].HttpOnly || c[0].Path != "/signin/link" || c[0].MaxAge <= 0 {
		t.Fatalf("link: %d %v; want a redirect to /signin/link with the code in an HttpOnly cookie for that path", resp.StatusCode, resp.Header)
	}
	resp, page := b.send("GET", "/signin/link", nil, "Accept-Language", "zh-CN")
	if resp.StatusCode != 200 || !strings.Contains(page, "继续") || resp.Header.Get("Referrer-Policy") != "no-referrer" || strings.Contains(page, code) ||
		!strings.Contains(page, `href="/signin/link?lang=en"`) {
		t.Fatalf("link page (must not spend the link nor show its code; its switch stays on it): %d %v\n%s", resp.StatusCode, resp.Header, page)
	}
	// The language switch keeps the code (it is in the cookie, not the URL).
	resp, page = b.send("GET", "/signin/link?lang=en", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Continue") || strings.Contains(page, code) {
		t.Fatalf("link page in English: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = b.send("POST", "/signin/link", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/"+r.matter.GetName() {
		t.Fatalf("redeem with the code from the cookie: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session, spent bool
	for _, c := range resp.Cookies() {
		session = session || c.Name == "ipcase_session" && c.HttpOnly && c.MaxAge > 0
		spent = spent || c.Name == "ipcase_link" && c.MaxAge < 0
	}
	if strings.Contains(resp.Header.Get("Location"), "token") || !session || !spent {
		t.Errorf("redeem must set an HttpOnly session cookie, clear the link's, and keep the token out of the URL: %v", resp.Header)
	}
	// English, as chosen on the link page; the header names the party the
	// session acts for, not the session's subject (signin-link/…).
	resp, page = b.send("GET", resp.Header.Get("Location"), nil, "Accept-Language", "zh-CN")
	if resp.StatusCode != 200 || !strings.Contains(page, "Complaint filed") || !strings.Contains(page, r.matter.GetNumber()) || strings.Contains(page, "All your matters") ||
		!strings.Contains(page, "Signed in as 北京星河茶饮有限公司") || strings.Contains(page, "signin-link/") {
		t.Errorf("matter page after the link (its matter in the language chosen, the party's name, no list to go back to): %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := b.send("GET", "/", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/"+r.matter.GetName() {
		t.Errorf("home page of a session: %d, Location %q; want its matter", resp.StatusCode, resp.Header.Get("Location"))
	}
	again := newBrowser(t, r)
	resp, page = again.send("POST", "/signin/link", url.Values{"code": {code}}, "Accept-Language", "en")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "has been used or has expired") || len(resp.Cookies()) != 0 {
		t.Errorf("second use: %d\n%s", resp.StatusCode, page)
	}
}

// TestStatusPageNotYours: another party's matter is not found.
func TestStatusPageNotYours(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	b := newBrowser(t, r)
	b.send("POST", "/signin", url.Values{"token": {r.srv.RightsHolder(t, "0b7e9a43-5b1c-4d53-9a55-3a0f5c2b9e11")}})
	resp, page := b.send("GET", "/"+r.matter.GetName(), nil, "Accept-Language", "en")
	if resp.StatusCode != http.StatusNotFound || strings.Contains(page, r.matter.GetNumber()) || !strings.Contains(page, "not one of yours") {
		t.Errorf("another party's matter: %d\n%s", resp.StatusCode, page)
	}
}
