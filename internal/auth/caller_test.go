package auth_test

import (
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestCallerFromHeaders is what the server's admission gate learns from a
// call's headers: who a valid token verifies as, nothing for a missing or
// made-up one, nothing for two authorization values (which one counts is a
// guess a proxy on the way might make differently; they were taken first
// come), and the bearer scheme in any case (RFC 9110 §11.1; "bearer" was
// refused).
func TestCallerFromHeaders(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	tok := env.Officer(t, "SAMR-HZ")
	for _, tt := range []struct {
		name   string
		header metadata.MD
		want   string
	}{
		{"a valid token", metadata.Pairs("authorization", "Bearer "+tok), "officer officer@SAMR-HZ"},
		{"the scheme in lower case", metadata.Pairs("authorization", "bearer "+tok), "officer officer@SAMR-HZ"},
		{"no credentials", metadata.MD{}, ""},
		{"a made-up token", metadata.Pairs("authorization", "Bearer eyJhbGciOiJub25lIn0.e30."), ""},
		{"two authorization values", metadata.Pairs("authorization", "Bearer "+tok, "authorization", "Bearer "+tok), ""},
		{"another scheme", metadata.Pairs("authorization", "Basic "+tok), ""},
	} {
		if got := env.Auth.Caller(t.Context(), tt.header); got != tt.want {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
}
