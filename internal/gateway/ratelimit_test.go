package gateway_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ipcase/ipcase/internal/gateway"
)

// TestMadeUpTokensAreLimitedByAddress makes up a new bearer token for
// each of 100 requests from one address, as the attack did: the gateway
// cannot tell them from real tokens, so until ipcased has accepted a token
// its requests draw from the address's bucket, and once that is spent
// the rest are refused with 429 without reaching ipcased (which answers a
// made-up token 401). A token ipcased has accepted keeps its own bucket
// and is still served.
func TestMadeUpTokensAreLimitedByAddress(t *testing.T) {
	t.Parallel()
	const burst = 5
	r := start(t, func(c *gateway.Config) { c.RateLimit, c.RateBurst = 0.01, burst })
	if resp := r.get(t, "/v1/caller", r.holder); resp.code != http.StatusOK { // ipcased accepts the holder's token
		t.Fatalf("holder: %d %s", resp.code, resp.body)
	}
	counts := map[int]int{}
	for i := range 100 {
		resp := r.get(t, "/v1/matters", fmt.Sprintf("eyJhbGciOiJFZERTQSJ9.made-up-%03d.c2ln", i))
		counts[resp.code]++
	}
	// The holder's first request spent one of the address's burst.
	if counts[http.StatusUnauthorized] > burst-1 || counts[http.StatusTooManyRequests] < 100-(burst-1) {
		t.Errorf("100 made-up tokens from one address: %v; want at most %d reaching ipcased (401), the rest 429",
			counts, burst-1)
	}
	if resp := r.get(t, "/v1/caller", r.holder); resp.code != http.StatusOK {
		t.Errorf("the accepted token after the flood: %d %s, want 200 from its own bucket", resp.code, resp.body)
	}
	// A token ipcased refuses is not remembered: the holder's token with
	// a character of its signature changed is limited by address like the
	// made-up ones.
	forged := []byte(r.holder)
	if i := len(forged) - 10; forged[i] == 'A' {
		forged[i] = 'B'
	} else {
		forged[i] = 'A'
	}
	if resp := r.get(t, "/v1/matters", string(forged)); resp.code != http.StatusTooManyRequests {
		t.Errorf("a forged token after the flood: %d, want 429", resp.code)
	}
}

// TestMadeUpSessionsAreLimitedByAddress does the same with made-up status
// page session cookies.
func TestMadeUpSessionsAreLimitedByAddress(t *testing.T) {
	t.Parallel()
	const burst = 5
	r := start(t, func(c *gateway.Config) { c.RateLimit, c.RateBurst = 0.01, burst })
	counts := map[int]int{}
	for i := range 100 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.url+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: "ipcase_session", Value: fmt.Sprintf("made-up-session-%03d", i),
			Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		counts[resp.StatusCode]++
	}
	if counts[http.StatusTooManyRequests] < 100-burst {
		t.Errorf("100 made-up sessions from one address: %v; want all but %d refused with 429", counts, burst)
	}
}
