package evidence_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// answerOf is an upload's answer without what differs between any two
// uploads (its name and time).
func answerOf(f *ipcasev1.EvidenceFile) *ipcasev1.EvidenceFile {
	c := proto.Clone(f).(*ipcasev1.EvidenceFile)
	c.Name, c.CreateTime = "", nil
	return c
}

// TestNoDeduplicationOracle is issue 13 item 17: a holder uploading bytes
// another holder uploaded gets the answer it would get had nobody uploaded
// them (deduplicated false, the same fields), over gRPC and over HTTP, so
// that uploading tells nobody what others hold. A holder's own second
// upload of the same bytes may say so: that is its own knowledge.
func TestNoDeduplicationOracle(t *testing.T) {
	t.Parallel()
	r := startLimits(t, testLimits())
	alice, bob := r.env.RightsHolder(t, uuid.NewString()), r.env.RightsHolder(t, uuid.NewString())
	secret := random(t, 20_000)
	first, err := r.send(t, alice, pdf("contract.pdf", 0), secret)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.send(t, bob, pdf("contract.pdf", 0), secret)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(answerOf(first), answerOf(second), protocmp.Transform()); diff != "" {
		t.Errorf("the second holder's answer differs from the first's (-first +second):\n%s", diff)
	}
	if second.GetDeduplicated() {
		t.Error("the second holder was told the bytes were stored before")
	}

	// Over HTTP: a third holder's answer for the same bytes is the answer
	// for bytes nobody has, field for field.
	base, client := r.gateway(t)
	carol := r.env.RightsHolder(t, uuid.NewString())
	fresh := random(t, 20_000)
	decode := func(code int, body []byte) map[string]any {
		t.Helper()
		if code != http.StatusOK {
			t.Fatalf("upload: %d %s", code, body)
		}
		var m struct {
			File map[string]any `json:"file"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"name", "createTime", "sha256"} {
			delete(m.File, k)
		}
		return m.File
	}
	known := decode(post(t, client, base, carol, "?fileName=contract.pdf", secret))
	unknown := decode(post(t, client, base, carol, "?fileName=contract.pdf", fresh))
	if diff := cmp.Diff(unknown, known); diff != "" {
		t.Errorf("HTTP answer for bytes others uploaded differs from one for new bytes (-new +known):\n%s", diff)
	}

	// The holder's own repeat is its own business.
	again, err := r.send(t, alice, pdf("contract.pdf", 0), secret)
	if err != nil {
		t.Fatal(err)
	}
	if !again.GetDeduplicated() {
		t.Error("a holder's own repeat upload is not reported as a repeat")
	}
}
