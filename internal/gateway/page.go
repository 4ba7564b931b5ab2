package gateway

import (
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/logging"
)

//go:embed templates/*.html static/style.css
var assets embed.FS

// sessionCookie holds the signed-in caller's bearer token: HttpOnly, so the
// page's scripts (there are none) could not read it, and SameSite=Strict,
// so no other site can make the browser send it. That protects what a
// session reads, not the forms that set or clear it (a forged sign-in
// would sign the victim in as the attacker): every POST of the page is
// also refused unless it comes from the page itself (sameOrigin).
const sessionCookie = "ipcase_session"

// linkCookie holds a one-time link's code between the link's first GET
// and its Continue: the GET moves the code out of the URL (into this
// HttpOnly cookie, for the sign-in path only) and redirects to the bare
// path, so the language switch and a reload keep the code without
// putting it in any further URL; redeem spends and clears it. Lax, not
// Strict: the link is opened from a mail, a navigation from another site.
const linkCookie = "ipcase_link"

// linkTTL is how long the code waits in linkCookie for Continue.
const linkTTL = 15 * time.Minute

// maxSession caps a session whose token says nothing of its expiry.
const maxSession = 12 * time.Hour

// pages is the status page: server-rendered HTML, no JavaScript.
type pages struct {
	g     *Gateway
	tmpl  map[string]*template.Template
	style []byte
	// origin refuses the page's forms posted from other sites.
	origin *http.CrossOriginProtection
}

func newPages(g *Gateway) (*pages, error) {
	p := &pages{g: g, tmpl: map[string]*template.Template{}, origin: http.NewCrossOriginProtection()}
	for _, o := range g.cfg.PageOrigins {
		if err := p.origin.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("gateway: IPCASE_GATEWAY_PAGE_ORIGINS: %w", err)
		}
	}
	p.origin.SetDenyHandler(http.HandlerFunc(p.crossSite))
	for _, name := range []string{"signin", "link", "matters", "matter", "message"} {
		t, err := template.ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		p.tmpl[name] = t
	}
	var err error
	p.style, err = assets.ReadFile("static/style.css")
	return p, err
}

func (p *pages) register(mux *http.ServeMux) {
	// The page's forms change the session; post is the only way to add one.
	post := func(path string, h http.HandlerFunc) { mux.Handle("POST "+path, p.sameOrigin(h)) }
	mux.HandleFunc("GET /{$}", p.home)
	post("/signin", p.signIn)
	// A reload or a language switch after a refused sign-in asks for the
	// form again: it lives at /.
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, withLang("/", r), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /signin/link", p.linkForm)
	post("/signin/link", p.redeem)
	post("/signout", p.signOut)
	mux.HandleFunc("GET /matters/{id}", p.matter)
	mux.HandleFunc("GET /static/style.css", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(p.style)
	})
}

// sameOrigin lets a form of the page through only when the browser says it
// was sent from the page itself: Sec-Fetch-Site same-origin (or none, typed
// by the user), else an Origin whose host is the request's (or one of
// Config.PageOrigins). A request with neither header is no browser's, so
// no cross-site forgery, and passes. Every POST route of the page is
// registered through it (register's post).
func (p *pages) sameOrigin(h http.HandlerFunc) http.Handler { return p.origin.Handler(h) }

// crossSite answers a form another site posted: nothing is changed, no
// cookie is set or cleared.
func (p *pages) crossSite(w http.ResponseWriter, r *http.Request) {
	logging.FromContext(r.Context()).Info("cross-site form refused", zap.String("path", r.URL.Path),
		zap.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
	lang, _ := pickLang(r) // the language, but no cookie: nothing is set
	v := view{Lang: lang, HTMLLang: htmlLang(lang), Here: here(r)}
	v.Title, v.Alert = v.T("crosssite.title"), v.T("crosssite.text")
	p.render(w, r, http.StatusForbidden, "message", v)
}

// newView starts the view of r, remembering a language the switch chose.
func (p *pages) newView(w http.ResponseWriter, r *http.Request) view {
	lang, chosen := pickLang(r)
	if chosen {
		p.setCookie(w, r, langCookie, "/", lang, 365*24*3600, http.SameSiteLaxMode)
	}
	return view{Lang: lang, HTMLLang: htmlLang(lang), Here: here(r)}
}

// here is the page the language switch reloads: the page itself when it
// was got, else the page whose form was posted (the link page keeps its
// code in linkCookie) or the home page, never a path that only takes POST.
func here(r *http.Request) string {
	switch {
	case r.Method == http.MethodGet:
		return r.URL.Path
	case r.URL.Path == "/signin/link":
		return "/signin/link"
	default:
		return "/"
	}
}

// setCookie sets one of the page's cookies: HttpOnly, for path,
// and Secure when r came over TLS or Config.CookieSecure says a TLS proxy
// is in front; served over plain HTTP otherwise (development), not Secure.
func (p *pages) setCookie(w http.ResponseWriter, r *http.Request, name, path, value string, maxAge int, sameSite http.SameSite) {
	secure := r.TLS != nil || p.g.cfg.CookieSecure
	//nolint:gosec // G124: Secure is decided above, on purpose false only for plain HTTP
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: sameSite, Secure: secure})
}

// render writes page name with v and the status code.
func (p *pages) render(w http.ResponseWriter, r *http.Request, code int, name string, v view) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(code)
	if err := p.tmpl[name].ExecuteTemplate(w, "layout", v); err != nil {
		logging.FromContext(r.Context()).Error("rendering page", zap.String("page", name), zap.Error(err))
	}
}

// call returns a context for a call to ipcased as the signed-in caller.
func call(r *http.Request, token string) (context.Context, context.CancelFunc) {
	md := metadata.Pairs("x-request-id", r.Header.Get(requestIDHeader))
	if token != "" {
		md.Set("authorization", "Bearer "+token)
	}
	return context.WithTimeout(metadata.NewOutgoingContext(r.Context(), md), callTimeout)
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// fail shows what went wrong with a call to ipcased: an ended session
// goes back to sign-in, a matter the caller may not see is not found.
func (p *pages) fail(w http.ResponseWriter, r *http.Request, v view, err error) {
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unauthenticated:
		p.clearSession(w, r)
		v.Title, v.Alert = v.T("signin.title"), v.T("session.ended")
		p.render(w, r, http.StatusUnauthorized, "signin", v)
	case codes.NotFound, codes.PermissionDenied, codes.InvalidArgument:
		v.Title, v.Alert = v.T("notfound.title"), v.T("notfound.text")
		p.render(w, r, http.StatusNotFound, "message", v)
	default:
		logging.FromContext(r.Context()).Warn("status page call failed", zap.String("code", st.Code().String()))
		v.Title, v.Alert = v.T("error.title"), v.T("error.text", r.Header.Get(requestIDHeader))
		p.render(w, r, runtimeStatus(st.Code()), "message", v)
	}
}

// home is the sign-in form, or the caller's matters.
func (p *pages) home(w http.ResponseWriter, r *http.Request) {
	v := p.newView(w, r)
	tok := sessionToken(r)
	if tok == "" {
		v.Title = v.T("signin.title")
		p.render(w, r, http.StatusOK, "signin", v)
		return
	}
	ctx, cancel := call(r, tok)
	defer cancel()
	caller, err := p.g.status.GetCaller(ctx, &ipcasev1.GetCallerRequest{})
	if err != nil {
		p.fail(w, r, v, err)
		return
	}
	if m := caller.GetMatter(); m != "" { // a sign-in session reads its one matter and lists nothing
		http.Redirect(w, r, "/"+m, http.StatusSeeOther)
		return
	}
	list, err := p.g.filing.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 100})
	if err != nil {
		p.fail(w, r, v, err)
		return
	}
	v.Title, v.Caller = v.T("matters.title"), callerName(caller, list.GetMatters()...)
	for _, m := range list.GetMatters() {
		v.Matters = append(v.Matters, matterRowOf(v.Lang, m))
	}
	p.render(w, r, http.StatusOK, "matters", v)
}

// signIn checks a pasted token with ipcased and keeps it in the session
// cookie.
func (p *pages) signIn(w http.ResponseWriter, r *http.Request) {
	v := p.newView(w, r)
	v.Title = v.T("signin.title")
	tok := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("token")), "Bearer "))
	if tok == "" {
		v.Alert = v.T("signin.empty")
		p.render(w, r, http.StatusBadRequest, "signin", v)
		return
	}
	ctx, cancel := call(r, tok)
	defer cancel()
	if _, err := p.g.status.GetCaller(ctx, &ipcasev1.GetCallerRequest{}); err != nil {
		if status.Code(err) == codes.Unauthenticated {
			v.Alert = v.T("signin.refused")
			p.render(w, r, http.StatusUnauthorized, "signin", v)
			return
		}
		p.fail(w, r, v, err)
		return
	}
	p.setSession(w, r, tok, time.Time{})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// linkForm asks before spending a one-time link, so that a mail scanner
// that fetches the link does not use it up. The link's code moves from
// the URL into linkCookie at once.
func (p *pages) linkForm(w http.ResponseWriter, r *http.Request) {
	if code := r.URL.Query().Get("code"); code != "" && len(code) <= 128 {
		p.setCookie(w, r, linkCookie, "/signin/link", code, int(linkTTL.Seconds()), http.SameSiteLaxMode)
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, withLang("/signin/link", r), http.StatusSeeOther)
		return
	}
	v := p.newView(w, r)
	v.Title = v.T("link.title")
	p.render(w, r, http.StatusOK, "link", v)
}

// redeem exchanges a link's code for a session and goes to its matter; the
// token never appears in a URL.
func (p *pages) redeem(w http.ResponseWriter, r *http.Request) {
	v := p.newView(w, r)
	v.Title = v.T("link.title")
	code := r.PostFormValue("code")
	if c, err := r.Cookie(linkCookie); err == nil {
		if code == "" {
			code = c.Value
		}
		p.setCookie(w, r, linkCookie, "/signin/link", "", -1, http.SameSiteLaxMode) // a code is tried once
	}
	ctx, cancel := call(r, "")
	defer cancel()
	res, err := p.g.status.RedeemSignInLink(ctx, &ipcasev1.RedeemSignInLinkRequest{Code: code})
	if err != nil {
		switch status.Code(err) {
		case codes.Unauthenticated, codes.InvalidArgument:
			v.Alert = v.T("link.refused")
			p.render(w, r, http.StatusUnauthorized, "link", v)
		default:
			p.fail(w, r, v, err)
		}
		return
	}
	p.setSession(w, r, res.GetToken(), res.GetExpireTime().AsTime())
	http.Redirect(w, r, "/"+res.GetMatter(), http.StatusSeeOther)
}

func (p *pages) signOut(w http.ResponseWriter, r *http.Request) {
	p.clearSession(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// matter is one matter's status and timeline.
func (p *pages) matter(w http.ResponseWriter, r *http.Request) {
	v := p.newView(w, r)
	tok := sessionToken(r)
	if tok == "" {
		v.Title = v.T("signin.title")
		p.render(w, r, http.StatusUnauthorized, "signin", v)
		return
	}
	name := "matters/" + r.PathValue("id")
	ctx, cancel := call(r, tok)
	defer cancel()
	st, err := p.g.status.GetMatterStatus(ctx, &ipcasev1.GetMatterStatusRequest{Name: name})
	if err != nil {
		p.fail(w, r, v, err)
		return
	}
	var evs []*ipcasev1.Event
	for token := ""; ; {
		page, err := p.g.filing.ListMatterEvents(ctx, &ipcasev1.ListMatterEventsRequest{Parent: name, PageSize: 500, PageToken: token})
		if err != nil {
			p.fail(w, r, v, err)
			return
		}
		evs = append(evs, page.GetEvents()...)
		if token = page.GetNextPageToken(); token == "" {
			break
		}
	}
	if caller, err := p.g.status.GetCaller(ctx, &ipcasev1.GetCallerRequest{}); err == nil {
		v.Caller, v.Session = callerName(caller, st.GetStatus().GetMatter()), caller.GetMatter() != ""
	}
	v.Matter = matterViewOf(v.Lang, st.GetStatus(), evs, time.Now())
	v.Title = v.Matter.Number
	p.render(w, r, http.StatusOK, "matter", v)
}

// setSession stores tok in the session cookie until it expires.
func (p *pages) setSession(w http.ResponseWriter, r *http.Request, tok string, exp time.Time) {
	if exp.IsZero() {
		exp = tokenExpiry(tok)
	}
	ttl := time.Until(exp)
	if ttl <= 0 || ttl > maxSession {
		ttl = maxSession
	}
	p.setCookie(w, r, sessionCookie, "/", tok, int(ttl.Seconds()), http.SameSiteStrictMode)
}

func (p *pages) clearSession(w http.ResponseWriter, r *http.Request) {
	p.setCookie(w, r, sessionCookie, "/", "", -1, http.SameSiteStrictMode)
}

// callerName is who the header says is signed in: the names of the
// parties the caller acts for, as the matters shown name them; the
// token's subject only when none of them is a party there (an official).
func callerName(c *ipcasev1.GetCallerResponse, matters ...*ipcasev1.Matter) string {
	var names []string
	for _, m := range matters {
		for _, party := range append([]*ipcasev1.Party{m.GetComplainant()}, m.GetRespondents()...) {
			if slices.Contains(c.GetParties(), party.GetName()) && party.GetDisplayName() != "" && !slices.Contains(names, party.GetDisplayName()) {
				names = append(names, party.GetDisplayName())
			}
		}
	}
	if len(names) == 0 {
		return c.GetSubject()
	}
	return strings.Join(names, "; ")
}

// tokenExpiry reads a JWT's exp without verifying it: it only sets how long
// the browser keeps the cookie; ipcased verifies the token on every call.
func tokenExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &claims) != nil || claims.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}

// runtimeStatus is the HTTP status of a failed call that is not the
// caller's fault.
func runtimeStatus(c codes.Code) int {
	switch c {
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// withLang is path with the lang parameter r chose, if it is one of the
// page's languages: only constants reach the Location header.
func withLang(path string, r *http.Request) string {
	switch r.URL.Query().Get("lang") {
	case langZH:
		return path + "?lang=" + langZH
	case langEN:
		return path + "?lang=" + langEN
	}
	return path
}
