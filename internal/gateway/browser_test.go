package gateway_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// chromium returns the browser to drive: IPCASE_CHROMIUM, else chromium on
// PATH. scripts/test.sh installs Debian's chromium and sets
// IPCASE_REQUIRE_BROWSER=1, so there a missing browser fails the test
// instead of skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("IPCASE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("IPCASE_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed (scripts/test.sh installs it)")
	}
	t.Skip("chromium is not installed; scripts/test.sh installs it")
	return ""
}

// artifacts is where tests leave files for people to look at:
// IPCASE_TEST_ARTIFACTS, else .artifacts/ at the top of the repository.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("IPCASE_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", ".artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// TestStatusPageInBrowser drives headless Chromium: it signs in with a
// token, opens the matter, finds the timeline entries and the next step,
// switches to Chinese, and saves a screenshot of each language.
func TestStatusPageInBrowser(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	r := start(t, nil)
	conn := servertest.Dial(t, r.srv.Addr)
	_, err := ipcasev1.NewFilingServiceClient(conn).AcceptComplaint(authtest.WithToken(t.Context(), r.officer), &ipcasev1.AcceptComplaintRequest{
		Name: r.matter.GetName(), Etag: r.matter.GetEtag(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT,
		Forum: "SAMR-HZ", Note: "Clear counterfeit."})
	if err != nil {
		t.Fatal(err)
	}
	// The agency's decision is due 90 days after the case was opened
	// (Administrative Penalty Law Art. 60): 2026-09-10 + 90 = 2026-12-09.
	m, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(authtest.WithToken(t.Context(), r.officer), &ipcasev1.GetMatterRequest{Name: r.matter.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	procs := m.GetMatter().GetProceedings()
	r.srv.OpenDeadline(t, path.Base(r.matter.GetName()), clock.Spec{ProceedingID: path.Base(procs[len(procs)-1].GetName()),
		Kind: "enforcement.decision", Trigger: civil.Date{Year: 2026, Month: 9, Day: 10}, Period: deadline.DecisionPeriod})
	ctx := newChrome(t, exe)
	text := func(sel chromedp.CSS) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(artifacts(t), name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	matterLink := chromedp.Search(`//a[text()="` + r.matter.GetNumber() + `"]`)
	err = chromedp.Do(ctx,
		chromedp.Navigate(r.url+"/?lang=en"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SetValue(chromedp.ID("token"), r.holder),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button`)),
		chromedp.WaitVisible(matterLink),
		chromedp.Click(matterLink),
		chromedp.WaitVisible(chromedp.CSS("ol.timeline")),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot("status-page-en.png")
	checkAxe(ctx, t, "the English matter page")
	if h := text("h1"); h != r.matter.GetNumber() {
		t.Errorf("heading %q, want %s", h, r.matter.GetNumber())
	}
	checkReflow(ctx, t, "the English matter page")
	checkFocusRing(ctx, t)
	if err := chromedp.Do(ctx, chromedp.Navigate(r.url+"/"), chromedp.WaitVisible(matterLink)); err != nil {
		t.Fatal(err)
	}
	checkReflow(ctx, t, "the English list of matters")
	checkAxe(ctx, t, "the English list of matters")
	if err := chromedp.Do(ctx, chromedp.Click(matterLink), chromedp.WaitVisible(chromedp.CSS("ol.timeline"))); err != nil {
		t.Fatal(err)
	}
	timeline := text("ol.timeline")
	for _, want := range []string{"Complaint filed", "Complaint accepted", "Administrative enforcement"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}
	if next := text("#next"); !strings.Contains(next, "Officers will be assigned") {
		t.Errorf("next step %q, want what enforcement does next", next)
	}
	checkDeadline(t, text("#deadline"), "en")

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[hreflang="zh-Hans"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h2[text()="时间线"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shot("status-page-zh.png")
	checkAxe(ctx, t, "the Chinese matter page")
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	zhTimeline, zhNext := text("ol.timeline"), text("#next")
	if lang.Value != "zh-Hans" || !strings.Contains(zhTimeline, "提交投诉") || !strings.Contains(zhTimeline, "投诉已受理") ||
		!strings.Contains(zhNext, "指派执法人员") {
		t.Errorf("Chinese page: lang %q, timeline %q, next %q", lang.Value, zhTimeline, zhNext)
	}
	checkDeadline(t, text("#deadline"), "zh")
	dir := artifacts(t)
	t.Logf("screenshots: %s/status-page-{en,zh}.png", dir)
}

// newChrome starts headless Chromium for the test and returns a context
// for driving it, with a deadline.
func newChrome(t *testing.T, exe string) context.Context {
	t.Helper()
	alloc, cancel := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 1400),
	)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser; it lives as long as ctx
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkReflow loads the current page again 400 CSS pixels wide (WCAG 2.1
// SC 1.4.10: 320 px at 400 % zoom of a 1280 px window; 400 px is what the
// issue measured) and fails if the page scrolls sideways; tables may
// scroll only inside their own region.
func checkReflow(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.scrollingElement.scrollWidth <= window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scrollingElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if !fits {
		t.Errorf("%s scrolls sideways at 400 px: %d px wide", what, width)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 1400), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
}

// checkFocusRing focuses the first link of the page and checks the
// contrast of its outline against white and against the status card's
// background, where it also sits (WCAG 2.1 SC 1.4.11: at least 3:1).
func checkFocusRing(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("main a"))); err != nil {
		t.Fatal(err)
	}
	color, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineColor`))
	if err != nil {
		t.Fatal(err)
	}
	soft, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".status")).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	for _, bg := range []string{"rgb(255, 255, 255)", soft} {
		if c := contrast(t, color, bg); c < 3 {
			t.Errorf("the focus outline %s has a contrast of %.2f:1 against %s; want at least 3:1", color, c, bg)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two CSS colours written
// rgb(r, g, b).
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(css string) float64 {
		var r, g, b float64
		if _, err := fmt.Sscanf(css, "rgb(%f, %f, %f)", &r, &g, &b); err != nil {
			t.Fatalf("colour %q: %v", css, err)
		}
		lin := func(c float64) float64 {
			c /= 255
			if c <= 0.03928 {
				return c / 12.92
			}
			return math.Pow((c+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestSignInLinkInBrowser opens a one-time link in headless Chromium:
// the code leaves the address bar, the language switch keeps it, and
// Continue signs in to the matter, whose header names the party. Before
// that, the switch on a refused sign-in reloads the form, not a 405.
func TestSignInLinkInBrowser(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	r := start(t, nil)
	conn := servertest.Dial(t, r.srv.Addr)
	if _, err := ipcasev1.NewStatusServiceClient(conn).IssueSignInLink(authtest.WithToken(t.Context(), r.officer),
		&ipcasev1.IssueSignInLinkRequest{Name: r.matter.GetName()}); err != nil {
		t.Fatal(err)
	}
	code := r.srv.LastMessage(t)["Code"]
	ctx := newChrome(t, exe)
	err := chromedp.Do(ctx,
		chromedp.Navigate(r.url+"/?lang=en"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SetValue(chromedp.ID("token"), "not-a-token"),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.alert`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAxe(ctx, t, "the refused sign-in")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[hreflang="zh-Hans"]`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[text()="登录"]`)),
	)
	if err != nil {
		t.Fatalf("the language switch after a refused sign-in: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(r.url+"/signin/link?code="+url.QueryEscape(code)),
		chromedp.WaitVisible(chromedp.Search(`//button[text()="继续"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkAxe(ctx, t, "the one-time link page")
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || strings.Contains(loc, code) || !strings.HasSuffix(loc, "/signin/link") {
		t.Errorf("address after opening the link: %q (%v); want /signin/link without the code", loc, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[hreflang="en"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[text()="Continue"]`)),
		chromedp.Click(chromedp.Search(`//button[text()="Continue"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.timeline")),
	)
	if err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || h1 != r.matter.GetNumber() {
		t.Errorf("after Continue in English the page is %q (%v); want the matter %s: the switch lost the code", h1, err, r.matter.GetNumber())
	}
	header, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("header.site")))
	if err != nil || !strings.Contains(header, "Signed in as 北京星河茶饮有限公司") || strings.Contains(header, "signin-link/") {
		t.Errorf("header %q (%v); want the party's name", header, err)
	}
}

// checkAxe runs axe-core (npm, installed by scripts/test.sh with the
// OpenAPI validator) on the page ctx shows, with the WCAG 2.0 and 2.1
// level A and AA rules, and fails on any violation, naming the rule and
// the elements. Under scripts/test.sh (IPCASE_REQUIRE_AXE=1) a missing
// axe-core fails the test; elsewhere the audit is skipped with a note.
func checkAxe(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	dir := os.Getenv("IPCASE_NODE_MODULES")
	if dir == "" {
		dir = filepath.Join("..", "..", ".cache", "node", "node_modules")
	}
	src, err := os.ReadFile(filepath.Join(dir, "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("IPCASE_REQUIRE_AXE") == "1" {
			t.Fatalf("axe-core is not installed in %s: %v", dir, err)
		}
		t.Logf("axe-core is not installed (scripts/test.sh installs it): %s not audited", what)
		return
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            []struct{ Target []any }
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`axe.run(document, {runOnly: {type: "tag",
		values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", what, err)
	}
	for _, v := range vs {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		t.Errorf("axe-core, %s: %s (%s): %s; at %s", what, v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
	}
}

// checkDeadline checks the page's next-deadline paragraph: what is due, in
// the page's language, and by which day.
func checkDeadline(t *testing.T, text, lang string) {
	t.Helper()
	want := map[string][]string{
		"en": {"The agency's decision is due", "by 2026-12-09", "Administrative Penalty Law Art. 60"},
		"zh": {"执法机关作出处理决定的期限", "截止 2026年12月9日", "90 日（《行政处罚法》第60条；《市场监督管理行政处罚程序规定》第64条第1款）"},
	}[lang]
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("next deadline (%s) %q lacks %q", lang, text, w)
		}
	}
}
