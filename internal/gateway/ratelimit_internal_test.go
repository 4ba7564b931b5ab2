package gateway

import "testing"

// TestAddrKey: one bucket per IPv4 address and per IPv6 /64, which one
// subscriber usually holds whole, so that rotating addresses inside it
// buys nothing.
func TestAddrKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ remote, want string }{
		{"192.0.2.7:40000", "addr:192.0.2.7"},
		{"[::ffff:192.0.2.7]:40000", "addr:192.0.2.7"},
		{"[2001:db8:1:2:aaaa::1]:40000", "addr:2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff:ffff:ffff:ffff]:1", "addr:2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:40000", "addr:2001:db8:1:3::/64"},
		{"pipe", "addr:pipe"},
	} {
		if got := addrKey(tt.remote); got != tt.want {
			t.Errorf("addrKey(%q) = %q, want %q", tt.remote, got, tt.want)
		}
	}
}

// TestNeedsToken: only answers of methods that refuse callers without
// credentials say anything about a token; public ones take any.
func TestNeedsToken(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]bool{
		"/ipcase.v1.FilingService/ListMatters":                      true,
		"/ipcase.v1.StatusService/GetCaller":                        true,
		"/ipcase.v1.StatusService/RedeemSignInLink":                 false,
		"/grpc.health.v1.Health/Check":                              false,
		"/ipcase.v1.FilingService/NoSuchMethod":                     false,
		"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo": false,
	} {
		if got := needsToken(method); got != want {
			t.Errorf("needsToken(%s) = %v, want %v", method, got, want)
		}
	}
}
