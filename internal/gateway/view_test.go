package gateway_test

import (
	"net/http"
	"testing"
)

// TestListBasicViewOverHTTP: a rights holder's `GET
// /v1/matters?view=MATTER_VIEW_BASIC` lists the holder's matter with its
// number, state and parties, without its rights, facts, evidence and
// proceedings, which the default view carries (but for evidence, which this
// matter has none of).
func TestListBasicViewOverHTTP(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	matterOf := func(path string) map[string]any {
		t.Helper()
		resp := r.do(t, "GET", path, r.holder, nil)
		if resp.code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.code, resp.body)
		}
		ms, _ := resp.json(t)["matters"].([]any)
		if len(ms) != 1 {
			t.Fatalf("GET %s: %d matters, want the holder's one: %s", path, len(ms), resp.body)
		}
		return ms[0].(map[string]any)
	}
	full, basic := matterOf("/v1/matters"), matterOf("/v1/matters?view=MATTER_VIEW_BASIC")
	for _, k := range []string{"rights", "facts", "evidence", "proceedings"} {
		if full[k] == nil && k != "evidence" { // the rig's matter has none
			t.Errorf("the default view lacks %s, so the comparison proves nothing: %v", k, full)
		}
		if basic[k] != nil {
			t.Errorf("the basic view carries %s: %v", k, basic[k])
		}
	}
	for _, k := range []string{"name", "number", "state", "complainant", "respondents", "agency", "etag", "createTime"} {
		if basic[k] == nil || basic[k] == "" {
			t.Errorf("the basic view lacks %s: %v", k, basic)
		}
	}
	if basic["name"] != r.matter.GetName() || basic["etag"] != full["etag"] {
		t.Errorf("basic %v %v, want the matter %s with the default view's etag %v", basic["name"], basic["etag"], r.matter.GetName(), full["etag"])
	}
}
