package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/gateway"
)

// holder is the rights holder following its dispute from outside: over
// the gateway's JSON API with its bearer token, and on the status page in
// a real headless Chromium, signed in with that token as a person pastes
// it. The gateway is ipcase-gateway's handler in front of the chain's
// officials' listener, over real HTTP and gRPC.
type holder struct {
	t      *testing.T
	url    string // the gateway
	token  string
	chrome context.Context
}

// newHolder starts a gateway in front of e and signs party (parties/{id})
// in on the status page.
func (e *chain) newHolder(party string) *holder {
	t := e.t
	t.Helper()
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: e.addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)
	h := &holder{t: t, url: hs.URL, token: e.auth.RightsHolder(t, strings.TrimPrefix(party, "parties/"))}
	if h.chrome = newChrome(t); h.chrome == nil {
		return h
	}
	err = chromedp.Do(h.chrome,
		chromedp.Navigate(h.url+"/?lang=en"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SetValue(chromedp.ID("token"), h.token),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button`)),
		chromedp.WaitVisible(chromedp.CSS("table")), // the list of the holder's matters
	)
	if err != nil {
		t.Fatalf("signing in on the status page: %v", err)
	}
	return h
}

// status reads GET /v1/{matter}/status over HTTP as token, and returns the
// HTTP status code and the decoded JSON.
func (h *holder) status(matter, token string) (int, map[string]any) {
	h.t.Helper()
	code, b := h.do(http.MethodGet, "/v1/"+matter+"/status", token, "")
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		h.t.Fatalf("status of %s: %d %s", matter, code, b)
	}
	return code, v
}

// consent records the holder's own consent to mediation over HTTP, with
// the etag it read there first.
func (h *holder) consent(mediation, party, on string) {
	h.t.Helper()
	var md map[string]any
	h.call(http.MethodGet, "/v1/"+mediation+"/mediation", "", &md)
	body, err := json.Marshal(map[string]any{"etag": md["etag"], "requestId": "consent-" + on, "party": party, "consents": true, "consentedOn": on})
	if err != nil {
		h.t.Fatal(err)
	}
	h.call(http.MethodPost, "/v1/"+mediation+":recordConsent", string(body), &md)
	for _, p := range md["parties"].([]any) {
		if p := p.(map[string]any); p["party"] == party && p["consented"] != true {
			h.t.Errorf("after the holder's consent over HTTP: %v", p)
		}
	}
}

// call sends a JSON request as the holder and decodes a 200 answer into
// out; any other answer fails the test.
func (h *holder) call(method, path, body string, out any) {
	h.t.Helper()
	code, b := h.do(method, path, h.token, body)
	if code != http.StatusOK {
		h.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		h.t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
}

// do sends a request to the gateway with token as the bearer and returns
// the status code and the body.
func (h *holder) do(method, path, token, body string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// matterState is the matter's state in its status over HTTP.
func (h *holder) matterState(matter string) string {
	h.t.Helper()
	code, v := h.status(matter, h.token)
	m, _ := v["matter"].(map[string]any)
	if code != http.StatusOK || m == nil {
		h.t.Fatalf("status of %s: %d %v", matter, code, v)
	}
	s, _ := m["state"].(string)
	return s
}

// page opens the matter's status page in lang and returns what the
// browser shows of it: the state line and the whole text; ok is false
// where no browser runs.
func (h *holder) page(matter, lang string) (state, text string, ok bool) {
	h.t.Helper()
	if h.chrome == nil {
		return "", "", false
	}
	err := chromedp.Do(h.chrome, chromedp.Navigate(h.url+"/"+matter+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	if err == nil {
		state, err = chromedp.Run(h.chrome, chromedp.Text(chromedp.CSS("p.state")))
	}
	if err == nil {
		text, err = chromedp.Run(h.chrome, chromedp.Text(chromedp.CSS("main")))
	}
	if err != nil {
		h.t.Fatalf("the status page of %s (%s): %v", matter, lang, err)
	}
	return strings.TrimSpace(state), text, true
}

// newChrome starts headless Chromium (IPCASE_CHROMIUM, else chromium on
// PATH; scripts/test.sh installs it and sets IPCASE_REQUIRE_BROWSER=1, so
// there a missing browser fails) and returns a context that drives it;
// nil where no browser is installed and none is required.
func newChrome(t *testing.T) context.Context {
	t.Helper()
	exe := os.Getenv("IPCASE_CHROMIUM")
	if exe == "" {
		exe, _ = exec.LookPath("chromium")
	}
	if exe == "" {
		if os.Getenv("IPCASE_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is not installed (scripts/test.sh installs it)")
		}
		t.Log("chromium is not installed: the status page is not looked at (scripts/test.sh installs it)")
		return nil
	}
	alloc, cancel := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
