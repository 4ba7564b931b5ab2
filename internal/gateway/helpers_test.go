package gateway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/status/statustest"
)

// rig is a real ipcased and Postgres behind a real gateway on a loopback
// HTTP port, with one matter filed by an officer for the complainant
// party, so that the party exists and a rights holder can act for it.
type rig struct {
	srv     *statustest.Server
	url     string
	client  *http.Client
	party   string // the complainant's party id
	holder  string // a rights holder's token acting for party
	matter  *ipcasev1.Matter
	officer string
	gw      *gateway.Gateway
}

// config returns the test gateway's configuration; change tweaks it.
func start(t *testing.T, change func(*gateway.Config)) *rig {
	t.Helper()
	srv := statustest.Start(t, statustest.Options{MaxEvidenceBytes: 1 << 20})
	cfg := gateway.Config{Upstream: srv.Addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}
	if change != nil {
		change(&cfg)
	}
	g, err := gateway.New(t.Context(), cfg, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)
	r := &rig{srv: srv, url: hs.URL, client: hs.Client(), officer: srv.Officer(t, "SAMR-HZ"), gw: g}
	conn := servertest.Dial(t, srv.Addr)
	resp, err := ipcasev1.NewFilingServiceClient(conn).SubmitComplaint(authtest.WithToken(t.Context(), r.officer), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "北京星河茶饮有限公司", CreditCode: "91110108MA01HX4T2R",
			Contact: "legal@xinghe.example"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678",
			Title: "星河 (class 43)", Holder: "北京星河茶饮有限公司"}},
		Facts:      "Milk tea sold in cups bearing the registered mark at three shops in Hangzhou.",
		KnownSince: "2026-08-20",
		Agency:     "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	r.matter = resp.GetMatter()
	r.party = strings.TrimPrefix(r.matter.GetComplainant().GetName(), "parties/")
	r.holder = srv.RightsHolder(t, r.party)
	return r
}

// response is a response read whole.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.body)
	}
	return m
}

// do sends a request with token (if any) and extra headers, and reads the
// response.
func (r *rig) do(t *testing.T, method, path, token string, body io.Reader, header ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, r.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

func (r *rig) postJSON(t *testing.T, path, token, body string) response {
	t.Helper()
	return r.do(t, http.MethodPost, path, token, strings.NewReader(body), "Content-Type", "application/json")
}

func (r *rig) get(t *testing.T, path, token string) response {
	t.Helper()
	return r.do(t, http.MethodGet, path, token, nil)
}

// violations returns the field violations of an error body as field →
// description.
func violations(t *testing.T, r response) map[string]string {
	t.Helper()
	out := map[string]string{}
	details, _ := r.json(t)["details"].([]any)
	for _, d := range details {
		dm, _ := d.(map[string]any)
		if dm["@type"] != "type.googleapis.com/google.rpc.BadRequest" {
			continue
		}
		fvs, _ := dm["fieldViolations"].([]any)
		for _, fv := range fvs {
			m, _ := fv.(map[string]any)
			out[m["field"].(string)] = m["description"].(string)
		}
	}
	return out
}

// field walks a decoded JSON value by keys and list indexes.
func field(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
