package gateway_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// nodeModules returns the folder where scripts/test.sh installs the npm
// OpenAPI validator: IPCASE_NODE_MODULES, else .cache/node/node_modules.
// Under scripts/test.sh (IPCASE_REQUIRE_OPENAPI_VALIDATOR=1) a missing
// validator fails the test instead of skipping it.
func nodeModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("IPCASE_NODE_MODULES")
	if dir == "" {
		dir = filepath.Join("..", "..", ".cache", "node", "node_modules")
	}
	dir, _ = filepath.Abs(dir)
	_, err := os.Stat(filepath.Join(dir, "@apidevtools", "swagger-parser"))
	_, nodeErr := exec.LookPath("node")
	if err != nil || nodeErr != nil {
		if os.Getenv("IPCASE_REQUIRE_OPENAPI_VALIDATOR") == "1" {
			t.Fatalf("the OpenAPI validator is not installed in %s (node: %v)", dir, nodeErr)
		}
		t.Skip("the OpenAPI validator is not installed; scripts/test.sh installs it")
	}
	return dir
}

// validate runs the npm validator on doc and returns its output and
// whether it accepted the document.
func validate(t *testing.T, modules string, doc []byte) (string, bool) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "node", "testdata/validate-openapi.cjs", file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running node: %v", err)
	}
	return string(out), err == nil
}

// TestOpenAPI fetches /openapi.json from the gateway and has a real
// OpenAPI validator check it, and checks the validator refuses a document
// with a dangling reference, so that a pass means something.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	modules := nodeModules(t)
	r := start(t, nil)
	resp := r.get(t, "/openapi.json", "")
	if resp.code != 200 || resp.header.Get("Content-Type") != "application/json" {
		t.Fatalf("/openapi.json: %d %v", resp.code, resp.header)
	}
	doc := resp.json(t)
	paths, _ := doc["paths"].(map[string]any)
	for _, p := range []string{"/v1/evidence:upload", "/v1/matters:submitComplaint", "/v1/matters", "/v1/{name}/status", "/v1/{parent}/events"} {
		if _, ok := paths[p]; !ok {
			t.Errorf("the document lacks %s", p)
		}
	}
	out, ok := validate(t, modules, resp.body)
	if !ok {
		t.Fatalf("the validator refused /openapi.json:\n%s", out)
	}
	t.Log(strings.TrimSpace(out))

	delete(doc["definitions"].(map[string]any), "v1EvidenceFile")
	broken, _ := json.Marshal(doc)
	if out, ok := validate(t, modules, broken); ok {
		t.Errorf("the validator accepted a document with a dangling $ref:\n%s", out)
	}
}

// TestOpenAPIEvidenceFile keeps the hand-written schema of the upload's
// answer in step with ipcase.v1.EvidenceFile.
func TestOpenAPIEvidenceFile(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	doc := r.get(t, "/openapi.json", "").json(t)
	props, _ := field(doc, "definitions", "v1EvidenceFile", "properties").(map[string]any)
	var documented, fields []string
	for k := range props {
		documented = append(documented, k)
	}
	fds := (&ipcasev1.EvidenceFile{}).ProtoReflect().Descriptor().Fields()
	for i := range fds.Len() {
		fields = append(fields, fds.Get(i).JSONName())
	}
	slices.Sort(documented)
	slices.Sort(fields)
	if !slices.Equal(documented, fields) {
		t.Errorf("documented %v, the proto has %v", documented, fields)
	}
}
