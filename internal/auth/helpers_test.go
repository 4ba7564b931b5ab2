package auth_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"
)

var errAccepted = errors.New("still accepted")

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eventually polls f until it returns nil, for up to five seconds (the key
// file is looked at no more than once a second).
func eventually(t *testing.T, f func() error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after 5s: %v", err)
		}
		<-time.After(50 * time.Millisecond)
	}
}
