package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestMetrics makes requests through the gateway and reads them back from
// its metrics listener over HTTP: counted by route with ids folded into
// {id}, by status code, and paths that match no route folded into "other".
func TestMetrics(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	status := "/v1/" + r.matter.GetName() + "/status"
	for range 3 {
		if got := r.get(t, status, r.holder); got.code != 200 {
			t.Fatalf("GET %s: %d %s", status, got.code, got.body)
		}
	}
	if got := r.get(t, status, ""); got.code != 401 {
		t.Fatalf("GET %s without a token: %d", status, got.code)
	}
	r.get(t, "/wp-admin/setup.php", "")

	hs := httptest.NewServer(r.gw.MetricsHandler())
	defer hs.Close()
	scrape := func() string {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		if cerr := resp.Body.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	body := scrape()
	for _, want := range []string{
		`ipcase_http_requests_total{code="200",route="/v1/matters/{id}/status"} 3`,
		`ipcase_http_requests_total{code="401",route="/v1/matters/{id}/status"} 1`,
		`ipcase_http_requests_total{code="404",route="other"} 1`,
		`ipcase_http_request_duration_seconds_count{route="/v1/matters/{id}/status"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if regexp.MustCompile(`route="[^"]*wp-admin`).MatchString(body) {
		t.Error("a random path became a label value")
	}

	// Paths an attacker makes up, inside the API's and the status page's
	// routes: they fold into the route they match, or "other", so that
	// they cannot grow the label set; invalid UTF-8 in a path is a request
	// like any other, not a panic that drops the connection.
	for _, p := range []string{"/v1/matters/made-up-1/status", "/v1/matters/made-up-2/events", "/matters/made-up-3",
		"/v1/made-up-4/matters/x", "/v1/matters/%FF%FE/status", "/matters/%FF"} {
		if got := r.get(t, p, r.holder); got.code >= 500 {
			t.Errorf("GET %s: %d %s", p, got.code, got.body)
		}
	}
	body = scrape()
	if regexp.MustCompile(`route="[^"]*made-up`).MatchString(body) {
		t.Error("a random path became a label value")
	}
	for _, want := range []string{`route="/v1/matters/{id}/events"`, `route="/matters/{id}"`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
