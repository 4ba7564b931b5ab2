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
