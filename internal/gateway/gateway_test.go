package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/gateway"
)

// TestRightsHolderJourney is a rights holder's whole visit over HTTP:
// upload evidence, file a complaint citing it, find the matter in its list,
// read its status and its timeline.
func TestRightsHolderJourney(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	content := bytes.Repeat([]byte("%PDF-1.7 notarised purchase of three cups\n"), 2000)
	sum := sha256.Sum256(content)
	up := r.do(t, http.MethodPost, "/v1/evidence:upload?fileName=notarised-purchase.pdf", r.holder,
		bytes.NewReader(content), "Content-Type", "application/pdf")
	if up.code != http.StatusOK {
		t.Fatalf("upload: %d %s", up.code, up.body)
	}
	file := up.json(t)["file"]
	if field(file, "sha256") != hex.EncodeToString(sum[:]) || field(file, "sizeBytes") != strconv.Itoa(len(content)) ||
		field(file, "mediaType") != "application/pdf" || field(file, "fileName") != "notarised-purchase.pdf" {
		t.Fatalf("upload answered %s; want the server's digest, size and media type", up.body)
	}

	sub := r.postJSON(t, "/v1/matters:submitComplaint", r.holder, fmt.Sprintf(`{
		"requestId": "journey-1",
		"complainant": {"name": "parties/%s"},
		"respondents": [{"kind": "PARTY_KIND_PERSON", "displayName": "王五"}],
		"rights": [{"type": "IP_TYPE_TRADEMARK", "registrationNumber": "12345678", "title": "星河 (class 43)"}],
		"facts": "A second shop sells cups bearing the mark.",
		"evidence": [{"sha256": %q, "sizeBytes": "%d", "mediaType": "application/pdf", "source": "EVIDENCE_SOURCE_NOTARISED"}],
		"knownSince": "2026-10-02",
		"agency": "SAMR-HZ"}`, r.party, field(file, "sha256"), len(content)))
	if sub.code != http.StatusOK {
		t.Fatalf("submit: %d %s", sub.code, sub.body)
	}
	name, _ := field(sub.json(t), "matter", "name").(string)
	if field(sub.json(t), "matter", "evidence", 0, "sha256") != field(file, "sha256") {
		t.Errorf("the matter does not cite the uploaded digest: %s", sub.body)
	}

	list := r.get(t, "/v1/matters", r.holder)
	if list.code != http.StatusOK || !strings.Contains(string(list.body), name) || !strings.Contains(string(list.body), r.matter.GetName()) {
		t.Errorf("list: %d %s; want both of its matters", list.code, list.body)
	}
	st := r.get(t, "/v1/"+name+"/status", r.holder)
	if st.code != http.StatusOK {
		t.Fatalf("status: %d %s", st.code, st.body)
	}
	s := st.json(t)
	if field(s, "matter", "state") != "MATTER_STATE_SUBMITTED" ||
		field(s, "matter", "proceedings", 0, "kind") != "PROCEEDING_KIND_FILING_REVIEW" ||
		field(s, "matter", "proceedings", 0, "state") != "PROCEEDING_STATE_SUBMITTED" {
		t.Errorf("status %s: want the filing review in SUBMITTED", st.body)
	}
	tl := r.get(t, "/v1/"+name+"/events", r.holder)
	if tl.code != http.StatusOK || field(tl.json(t), "events", 0, "type") != "complaint.submitted" {
		t.Errorf("timeline: %d %s; want complaint.submitted first", tl.code, tl.body)
	}
	if field(tl.json(t), "events", 0, "actor", "role") != "rights_holder" {
		t.Errorf("timeline actor: %s", tl.body)
	}
}

// TestAccessRefused: another rights holder's matter does not exist for
// the caller (404, as ipcased says NOT_FOUND), and without a token nothing
// is served (401).
func TestAccessRefused(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	stranger := r.srv.RightsHolder(t, "0b7e9a43-5b1c-4d53-9a55-3a0f5c2b9e11")
	for _, tt := range []struct {
		name, path, token string
		code              int
		grpcCode          float64
	}{
		{"stranger gets the matter", "/v1/" + r.matter.GetName(), stranger, 404, 5},
		{"stranger gets the status", "/v1/" + r.matter.GetName() + "/status", stranger, 404, 5},
		{"stranger gets the timeline", "/v1/" + r.matter.GetName() + "/events", stranger, 404, 5},
		{"no token lists", "/v1/matters", "", 401, 16},
		{"no token reads the status", "/v1/" + r.matter.GetName() + "/status", "", 401, 16},
		{"a forged token", "/v1/matters", r.holder[:len(r.holder)-4] + "AAAA", 401, 16},
		{"a rights holder reads the access log", "/v1/accessLog", r.holder, 403, 7},
		{"the owner", "/v1/" + r.matter.GetName() + "/status", r.holder, 200, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := r.get(t, tt.path, tt.token)
			if resp.code != tt.code {
				t.Fatalf("%d %s, want %d", resp.code, resp.body, tt.code)
			}
			if tt.code == 200 {
				return
			}
			if got := resp.json(t)["code"]; got != tt.grpcCode {
				t.Errorf("gRPC code %v, want %v: %s", got, tt.grpcCode, resp.body)
			}
			if tt.code == 401 && resp.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if bytes.Contains(resp.body, []byte("星河")) {
				t.Errorf("a refusal leaks the matter: %s", resp.body)
			}
		})
	}
}

// TestBadInput: what cannot be a request is 400 INVALID_ARGUMENT with a
// field violation naming the field, whether the gateway or ipcased finds
// it.
func TestBadInput(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	big := `{"facts": "` + strings.Repeat("侵", 30_000) + `"}` // 90 KB > 64 KiB
	for _, tt := range []struct {
		name, method, path, body string
		field                    string
		mention                  string
	}{
		{"malformed JSON", "POST", "/v1/matters:submitComplaint", `{"facts": "x",`, "body", "EOF"},
		{"a stray comma", "POST", "/v1/matters:submitComplaint", `{"facts": "x",, "agency": "SAMR-HZ"}`, "facts", "syntax"},
		{"not JSON at all", "POST", "/v1/matters:submitComplaint", `facts=x`, "body", "syntax"},
		{"a number for a string", "POST", "/v1/matters:submitComplaint", `{"agency": "SAMR-HZ", "facts": 12}`, "facts", "facts"},
		{"a bad enum deep inside", "POST", "/v1/matters:submitComplaint",
			`{"facts": "x", "respondents": [{"kind": "PARTY_KIND_PERSON"}, {"kind": "ROBOT"}]}`, "respondents[1].kind", "ROBOT"},
		{"an unknown field", "POST", "/v1/matters:submitComplaint", `{"facts": "x", "fax": "y"}`, "fax", "unknown"},
		{"a body over the limit", "POST", "/v1/matters:submitComplaint", big, "facts", "65536"},
		{"a query parameter of the wrong type", "GET", "/v1/matters?pageSize=many", "", "pageSize", "many"},
		{"an unknown view", "GET", "/v1/matters?view=MATTER_VIEW_SHORT", "", "view", "MATTER_VIEW_SHORT"},
		{"refused by ipcased", "POST", "/v1/matters:submitComplaint", `{"facts": "", "agency": "SAMR-HZ"}`, "facts", ""},
		// ipcased names fields as the proto does (filed_from); the client
		// sent, and reads, the JSON names.
		{"refused by ipcased, named as sent", "GET", "/v1/matters?filedFrom=2026-11-21&filedTo=2026-11-20", "", "filedTo", "first day"},
		{"a day that does not exist", "POST", "/v1/matters:submitComplaint", `{"facts": "x", "agency": "SAMR-HZ", "knownSince": "2026-02-30"}`, "knownSince", "February 2026 has 28 days"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := r.do(t, tt.method, tt.path, r.holder, strings.NewReader(tt.body), "Content-Type", "application/json")
			if resp.code != http.StatusBadRequest || resp.json(t)["code"] != float64(3) {
				t.Fatalf("%d %s, want 400 with code 3", resp.code, resp.body)
			}
			vs := violations(t, resp)
			desc, ok := vs[tt.field]
			if !ok {
				t.Fatalf("violations %v, want one on %s", vs, tt.field)
			}
			if !strings.Contains(desc, tt.mention) {
				t.Errorf("%s: %q does not mention %q", tt.field, desc, tt.mention)
			}
			if msg, _ := resp.json(t)["message"].(string); strings.Contains(msg, "known_since") || strings.Contains(msg, "filed_") {
				t.Errorf("message %q names a field by its proto name", msg)
			}
		})
	}
}

// TestUploadRefused: an upload needs a token and a media type, and a file
// over the limit is refused whole.
func TestUploadRefused(t *testing.T) {
	t.Parallel()
	r := start(t, func(c *gateway.Config) { c.MaxUploadBytes = 100_000 })
	for _, tt := range []struct {
		name, token, contentType string
		size                     int
		code                     int
		field                    string
	}{
		{"no token", "", "image/png", 10, 401, ""},
		{"no media type", r.holder, "", 10, 400, "metadata.media_type"},
		{"over the gateway's limit", r.holder, "image/png", 100_001, 400, "body"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			header := []string{}
			if tt.contentType != "" {
				header = []string{"Content-Type", tt.contentType}
			}
			resp := r.do(t, http.MethodPost, "/v1/evidence:upload", tt.token, bytes.NewReader(make([]byte, tt.size)), header...)
			if resp.code != tt.code {
				t.Fatalf("%d %s, want %d", resp.code, resp.body, tt.code)
			}
			if _, ok := violations(t, resp)[tt.field]; tt.field != "" && !ok {
				t.Errorf("violations %v, want one on %s", violations(t, resp), tt.field)
			}
		})
	}
}

// TestRateLimit: a token that spends its burst gets 429 with Retry-After;
// another token is not held back by it.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	r := start(t, func(c *gateway.Config) { c.RateLimit, c.RateBurst = 0.5, 3 })
	for i := range 3 {
		if resp := r.get(t, "/v1/caller", r.holder); resp.code != http.StatusOK {
			t.Fatalf("request %d within the burst: %d %s", i+1, resp.code, resp.body)
		}
	}
	resp := r.get(t, "/v1/caller", r.holder)
	if resp.code != http.StatusTooManyRequests || resp.json(t)["code"] != float64(8) {
		t.Fatalf("over the limit: %d %s, want 429 RESOURCE_EXHAUSTED", resp.code, resp.body)
	}
	if secs, err := strconv.Atoi(resp.header.Get("Retry-After")); err != nil || secs < 1 || secs > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds at 0.5 requests a second", resp.header.Get("Retry-After"))
	}
	if other := r.get(t, "/v1/caller", r.officer); other.code != http.StatusOK {
		t.Errorf("another token: %d, want 200", other.code)
	}
}

// TestHeaders: the request id comes back, and CORS is off unless
// configured.
func TestHeaders(t *testing.T) {
	t.Parallel()
	off := start(t, nil)
	resp := off.do(t, http.MethodGet, "/v1/caller", off.holder, nil, "X-Request-Id", "my-req-42", "Origin", "https://evil.example")
	if resp.header.Get("X-Request-Id") != "my-req-42" || resp.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("headers %v: want the request id back and no CORS", resp.header)
	}
	on := start(t, func(c *gateway.Config) { c.CORSOrigins = []string{"https://app.example.cn"} })
	pre := on.do(t, http.MethodOptions, "/v1/matters", "", nil, "Origin", "https://app.example.cn",
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	if pre.code != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "https://app.example.cn" ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from an allowed origin: %d %v", pre.code, pre.header)
	}
	other := on.do(t, http.MethodGet, "/v1/caller", on.holder, nil, "Origin", "https://evil.example")
	if other.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an origin not configured got CORS headers: %v", other.header)
	}
}

// TestTimeout: a request that runs out of time is cut off with 504
// DEADLINE_EXCEEDED, and ipcased's call is cancelled with it.
func TestTimeout(t *testing.T) {
	t.Parallel()
	r := start(t, func(c *gateway.Config) { c.RequestTimeout = time.Nanosecond })
	resp := r.get(t, "/v1/caller", r.holder)
	if resp.code != http.StatusGatewayTimeout || resp.json(t)["code"] != float64(4) {
		t.Errorf("%d %s, want 504 with code 4", resp.code, resp.body)
	}
}
