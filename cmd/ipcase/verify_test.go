package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision"
)

// TestVerifyOffline verifies a saved decision offline with the binary:
// valid as signed (exit 0); a changed fine, or a key set without its key,
// fails (exit 1); after its key's revocation it names the day.
func TestVerifyOffline(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
	k, err := decision.NewKey("SAMR-HZ", at)
	if err != nil {
		t.Fatal(err)
	}
	jws, _, err := decision.Sign(&decision.Document{Kind: decision.PenaltyDecision, Number: "杭西市监处罚〔2026〕12号", Issuer: "SAMR-HZ",
		Matter: "m1", DecidedOn: civil.Date{Year: 2026, Month: 6, Day: 1}, Fine: "150000", Event: "m1/9", IssuedAt: at.Unix()}, k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, v any) string {
		t.Helper()
		var data []byte
		if s, ok := v.(string); ok {
			data = []byte(s)
		} else if data, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	parts := strings.Split(jws, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"fine":"150000"`, `"fine":"1500"`, 1)))
	other, err := decision.NewKey("SAMR-HZ", at)
	if err != nil {
		t.Fatal(err)
	}
	revoked := *k
	on := time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)
	revoked.Revoked = &on
	keys := write("keys.json", decision.Publish([]*decision.Key{k}))
	for _, tt := range []struct {
		name, file, keys, want string
		code                   int
	}{
		{"as signed", write("d.jws", jws), keys, "VALID", 0},
		{"as the gateway returns it", write("d.json", map[string]string{"jws": jws}), keys, "VALID", 0},
		{"fine changed", write("t.jws", strings.Join(parts, ".")), keys, "INVALID", 1},
		{"wrong key set", write("d2.jws", jws), write("other.json", decision.Publish([]*decision.Key{other})), "UNKNOWN_KEY", 1},
		{"key revoked", write("d3.jws", jws), write("revoked.json", decision.Publish([]*decision.Key{&revoked})), "signed with a key revoked on 2026-07-15", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ipcase(t, "verify", "--keys", tt.keys, tt.file)
			if got.code != tt.code || !strings.Contains(got.stdout, tt.want) {
				t.Fatalf("exit %d, stdout %q stderr %q; want exit %d and %q", got.code, got.stdout, got.stderr, tt.code, tt.want)
			}
		})
	}
}
