package gateway_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestInvalidUTF8IsNamed sends invalid UTF-8 wherever a request can carry
// it through the gateway (query, path, body, upload file name): each is
// 400 INVALID_ARGUMENT naming the field, never the 500 of a gRPC client
// that cannot marshal the string, and a bad Authorization header is 401.
func TestInvalidUTF8IsNamed(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	for _, tt := range []struct {
		name, method, path, body, token string
		code                            int
		field                           string
	}{
		// Violations name fields by their JSON names, whichever spelling
		// the query used.
		{"page token", "GET", "/v1/matters?pageToken=%FF%FE", "", r.holder, 400, "pageToken"},
		{"page token, proto name", "GET", "/v1/matters?page_token=ok%C3%28", "", r.holder, 400, "pageToken"},
		{"event page token", "GET", "/v1/" + r.matter.GetName() + "/events?pageToken=%FF", "", r.holder, 400, "pageToken"},
		{"party filter", "GET", "/v1/matters?party=parties%2F%FF", "", r.holder, 400, "party"},
		{"access log subject", "GET", "/v1/accessLog?subject=%FF%FE", "", r.officer, 400, "subject"},
		{"path", "GET", "/v1/matters/%FF%FE/status", "", r.holder, 400, "name"},
		{"body string", "POST", "/v1/matters:submitComplaint", "{\"facts\": \"bad \xff\xfe\", \"agency\": \"SAMR-HZ\"}", r.holder, 400, "facts"},
		{"body key", "POST", "/v1/matters:submitComplaint", "{\"fa\xffcts\": \"x\"}", r.holder, 400, ""},
		{"upload file name", "POST", "/v1/evidence:upload?fileName=%FF%FE.pdf", "%PDF-1.7", r.holder, 400, "metadata.file_name"},
		{"an unknown parameter's name", "GET", "/v1/matters?%FF%FE=1", "", r.holder, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := r.do(t, tt.method, tt.path, tt.token, strings.NewReader(tt.body), "Content-Type", "application/pdf")
			if tt.method == "POST" && !strings.Contains(tt.path, "upload") {
				resp = r.postJSON(t, tt.path, tt.token, tt.body)
			}
			if tt.code == 0 { // anything but a server error
				if resp.code >= 500 {
					t.Fatalf("%d %s, want no server error", resp.code, resp.body)
				}
				return
			}
			if resp.code != tt.code || resp.json(t)["code"] != float64(3) {
				t.Fatalf("%d %s, want %d with code 3", resp.code, resp.body, tt.code)
			}
			if tt.field == "" {
				return
			}
			if _, ok := violations(t, resp)[tt.field]; !ok {
				t.Errorf("violations %v, want one on %s", violations(t, resp), tt.field)
			}
		})
	}
}

// TestBadAuthorizationHeaderIs401 sends tokens gRPC cannot carry (bytes
// outside printable ASCII): 401, as for any token that does not verify,
// not 500, on the API, the upload and the status page's sign-in form.
func TestBadAuthorizationHeaderIs401(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	host := strings.TrimPrefix(r.url, "http://")
	for _, tt := range []struct {
		name, request string
		code          int
	}{
		{"api", "GET /v1/matters HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer \xff\xfe\r\n\r\n", 401},
		{"upload", "POST /v1/evidence:upload HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: image/png\r\nContent-Length: 1\r\nAuthorization: Bearer \xc3\x28\r\n\r\nx", 401},
		{"status page sign-in", "POST /signin HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host + "\r\nSec-Fetch-Site: same-origin\r\n" +
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 12\r\n\r\ntoken=%FF%FE", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, body := rawRequest(t, host, tt.request)
			if code != tt.code {
				t.Errorf("%d %s, want %d", code, body, tt.code)
			}
		})
	}
}

// rawRequest writes an HTTP/1.1 request as it is, bytes the Go client
// would refuse to send included, and reads the response.
func rawRequest(t *testing.T, addr, req string) (int, string) {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(bytes.TrimSpace(b))
}
