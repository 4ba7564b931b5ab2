package gateway_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// pathParam is a templated segment of an OpenAPI path, `{name}`.
var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestEveryOpenAPIRouteIsServed walks every path and method that
// /openapi.json publishes and calls it without a token. A route the
// gateway serves reaches ipcased, whose authentication answers 401
// (UNAUTHENTICATED); a route the gateway does not serve answers the
// router's own 404, and a service ipcased does not serve answers 501
// (UNIMPLEMENTED, before any authentication). Both fail the test.
func TestEveryOpenAPIRouteIsServed(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	doc := r.get(t, "/openapi.json", "").json(t)
	paths, _ := doc["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("/openapi.json publishes no paths")
	}
	var walked []string
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, op := range ops {
			url := concrete(t, path, op)
			method = strings.ToUpper(method)
			var body *strings.Reader
			if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
				body = strings.NewReader("{}")
			} else {
				body = strings.NewReader("")
			}
			resp := r.do(t, method, url, "", body, "Content-Type", "application/json")
			walked = append(walked, method+" "+path)
			if rpc := grpcMethod(op); auth.Public(rpc) {
				// A public method answers without a token: 200, or the
				// gRPC status ipcased maps for a made-up name (not found,
				// or a field violation naming the field), never the
				// router's 404 or ipcased's 501.
				fromIpcased := resp.code == http.StatusNotFound && bytes.Contains(resp.body, []byte(`"code":5`)) &&
					!bytes.Contains(resp.body, []byte(`"message":"Not Found"`)) || // the router's own 404
					resp.code == http.StatusBadRequest && bytes.Contains(resp.body, []byte(`"fieldViolations"`))
				if resp.code != http.StatusOK && !fromIpcased {
					t.Errorf("%s %s (%s), public method %s: %d %s; want an answer from ipcased without a token",
						method, path, url, rpc, resp.code, resp.body)
				}
				continue
			}
			if resp.code != http.StatusUnauthorized {
				t.Errorf("%s %s (%s): %d %s; want 401 from ipcased, i.e. a route the gateway serves to a service ipcased serves",
					method, path, url, resp.code, resp.body)
			}
		}
	}
	slices.Sort(walked)
	t.Logf("walked %d operations of /openapi.json", len(walked))
	// The probe tells an unrouted path from a routed one: a collection no
	// service has answers the router's 404, token or not.
	if resp := r.get(t, "/v1/noSuchCollection/"+uuid.NewString(), ""); resp.code != http.StatusNotFound {
		t.Errorf("an unrouted path answered %d %s; want the router's 404, or this test proves nothing", resp.code, resp.body)
	}
}

// grpcMethod is the full gRPC method name of an OpenAPI operation, whose
// operationId is Service_Method.
func grpcMethod(op any) string {
	id, _ := op.(map[string]any)["operationId"].(string)
	svc, m, _ := strings.Cut(id, "_")
	return "/ipcase.v1." + svc + "/" + m
}

// concrete fills the path's templated segments with values that match
// their patterns (`matters/[^/]+` → `matters/<uuid>`).
func concrete(t *testing.T, path string, op any) string {
	t.Helper()
	patterns := map[string]string{}
	params, _ := op.(map[string]any)["parameters"].([]any)
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if pm["in"] == "path" {
			pat, _ := pm["pattern"].(string)
			patterns[pm["name"].(string)] = pat
		}
	}
	return pathParam.ReplaceAllStringFunc(path, func(seg string) string {
		name := strings.Trim(seg, "{}")
		pat, ok := patterns[name]
		if !ok {
			t.Fatalf("%s: path parameter %s is not described", path, name)
		}
		if pat == "" {
			return uuid.NewString()
		}
		return strings.ReplaceAll(pat, "[^/]+", uuid.NewString())
	})
}

// TestHolderConsentsToMediationOverHTTP is what the README promises a
// rights holder: consent to a mediation of its matter over HTTP, and read
// the mediation back.
func TestHolderConsentsToMediationOverHTTP(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	conn := servertest.Dial(t, r.srv.Addr)
	officer := authtest.WithToken(t.Context(), r.officer)
	if _, err := ipcasev1.NewFilingServiceClient(conn).AcceptComplaint(officer, &ipcasev1.AcceptComplaintRequest{
		Name: r.matter.GetName(), Etag: r.matter.GetEtag(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	req, err := ipcasev1.NewMediationServiceClient(conn).RequestMediation(officer, &ipcasev1.RequestMediationRequest{
		Matter: r.matter.GetName(), Forum: "SAMR-HZ", Note: "the parties agree to try mediation"})
	if err != nil {
		t.Fatal(err)
	}
	md := req.GetMediation()

	resp := r.postJSON(t, "/v1/"+md.GetName()+":recordConsent", r.holder, fmt.Sprintf(
		`{"etag": %q, "requestId": "consent-1", "party": "parties/%s", "consents": true}`, md.GetEtag(), r.party))
	if resp.code != http.StatusOK {
		t.Fatalf("recordConsent: %d %s", resp.code, resp.body)
	}
	got := r.get(t, "/v1/"+md.GetName()+"/mediation", r.holder)
	if got.code != http.StatusOK {
		t.Fatalf("get mediation: %d %s", got.code, got.body)
	}
	parties, _ := field(got.json(t), "parties").([]any)
	consented := false
	for _, p := range parties {
		if field(p, "party") == "parties/"+r.party && field(p, "consented") == true {
			consented = true
		}
	}
	if !consented {
		t.Errorf("the mediation read back over HTTP does not show the complainant's consent: %s", got.body)
	}
	// The respondent's consent is not the holder's to give.
	other := ""
	for _, p := range parties {
		if field(p, "party") != "parties/"+r.party {
			other, _ = field(p, "party").(string)
		}
	}
	resp = r.postJSON(t, "/v1/"+md.GetName()+":recordConsent", r.holder, fmt.Sprintf(
		`{"etag": %q, "requestId": "consent-2", "party": %q, "consents": true}`, field(got.json(t), "etag"), other))
	if resp.code != http.StatusForbidden && resp.code != http.StatusNotFound {
		t.Errorf("a holder consenting for the other party got %d %s; want 403 or 404", resp.code, resp.body)
	}
}
