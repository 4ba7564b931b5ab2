package main

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWrongPlaceToConnect: the ways a person points the CLI at the wrong
// thing each get a sentence that says what is wrong and what to use, not
// gRPC's own words ("error reading server preface: EOF", "http2: frame too
// large", "too many colons in address"). Each target is a real listener.
func TestWrongPlaceToConnect(t *testing.T) {
	t.Parallel()
	gateway := httptest.NewServer(http.NotFoundHandler()) // HTTP/1, like ipcase-gateway
	t.Cleanup(gateway.Close)
	court := httptest.NewUnstartedServer(http.NotFoundHandler()) // TLS wanting a client certificate, like the court port
	court.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert, MinVersion: tls.VersionTLS12}
	court.StartTLS()
	t.Cleanup(court.Close)
	authed, _ := startDeadlineServer(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
		not  string
	}{
		{"the gateway's port", []string{"--server", gateway.Listener.Addr().String(), "--token", "t"}, "answered in HTTP/1, not gRPC", "frame too large"},
		{"the courts' port", []string{"--server", court.Listener.Addr().String(), "--token", "t"}, "it expects TLS", "server preface"},
		{"a URL", []string{"--server", "http://127.0.0.1:8080", "--token", "t"}, "as host:port (e.g. 127.0.0.1:7070), not a URL", "too many colons"},
		{"no token and no login", []string{"--server", authed}, "no token: run ipcase login first", "refused the credentials"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, append(tt.args, "deadline", "calc", "--from", "2024-01-01", "--period", "2", "--unit", "months")...)
			if r.code != exitFailure || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, tt.not) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q, not %q", r.code, r.stderr, exitFailure, tt.want, tt.not)
			}
		})
	}
}

// TestPlaintextToTLSEitherWay: a TLS listener drops a plaintext client at
// once, and the CLI reads that as EOF or as a reset depending on whether
// its preface had arrived; both are the same mistake and get the same
// sentence. The reset is what CI saw on 2026-12-03, word for word.
func TestPlaintextToTLSEitherWay(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{
		`connection error: desc = "error reading server preface: EOF"`,
		`connection error: desc = "error reading server preface: read tcp 127.0.0.1:50312->127.0.0.1:42889: read: connection reset by peer"`,
		`connection error: desc = "error reading server preface: connection reset by peer"`,
	} {
		if got := unreachable(&config{}, msg); !strings.Contains(got, "it expects TLS") {
			t.Errorf("unreachable(%q) = %q; want it to say the port expects TLS", msg, got)
		}
	}
}
