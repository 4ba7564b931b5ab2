package gateway

import (
	"fmt"
	"time"
)

// Config configures the gateway; cmd/ipcase-gateway reads it from the
// environment.
type Config struct {
	// Addr is the HTTP listen address.
	Addr string `env:"IPCASE_GATEWAY_ADDR, default=127.0.0.1:8080"`
	// MetricsAddr serves Prometheus metrics and pprof on a listener of
	// their own; empty turns it off.
	MetricsAddr string `env:"IPCASE_GATEWAY_METRICS_ADDR, default=127.0.0.1:9091"`
	// Upstream is ipcased's gRPC address.
	Upstream string `env:"IPCASE_GATEWAY_UPSTREAM, default=127.0.0.1:7070"`
	// UpstreamCA is a PEM file of the CA that signs ipcased's certificate;
	// empty means plaintext gRPC, for loopback only.
	UpstreamCA string `env:"IPCASE_GATEWAY_UPSTREAM_CA"`
	// TLSCert and TLSKey serve HTTPS; empty serves plain HTTP (put a TLS
	// proxy in front, and set CookieSecure).
	TLSCert string `env:"IPCASE_GATEWAY_TLS_CERT"`
	TLSKey  string `env:"IPCASE_GATEWAY_TLS_KEY"`
	// CookieSecure marks the status page's cookies Secure even when the
	// gateway itself serves plain HTTP behind a TLS proxy.
	CookieSecure bool `env:"IPCASE_GATEWAY_COOKIE_SECURE"`
	// RateLimit is the sustained requests per second allowed per token (per
	// client address without one); RateBurst the requests allowed at once.
	RateLimit float64 `env:"IPCASE_GATEWAY_RATE_LIMIT, default=10"`
	RateBurst int     `env:"IPCASE_GATEWAY_RATE_BURST, default=30"`
	// MaxBodyBytes caps a JSON request body; MaxUploadBytes an evidence
	// file (ipcased has its own limit, IPCASE_EVIDENCE_MAX_BYTES).
	MaxBodyBytes   int64 `env:"IPCASE_GATEWAY_MAX_BODY_BYTES, default=1048576"`
	MaxUploadBytes int64 `env:"IPCASE_GATEWAY_MAX_UPLOAD_BYTES, default=67108864"`
	// RequestTimeout bounds a request, reading its body included;
	// UploadTimeout bounds an evidence upload.
	RequestTimeout time.Duration `env:"IPCASE_GATEWAY_REQUEST_TIMEOUT, default=30s"`
	UploadTimeout  time.Duration `env:"IPCASE_GATEWAY_UPLOAD_TIMEOUT, default=10m"`
	// ReadHeaderTimeout and IdleTimeout protect the listener from slow and
	// idle clients.
	ReadHeaderTimeout time.Duration `env:"IPCASE_GATEWAY_READ_HEADER_TIMEOUT, default=10s"`
	IdleTimeout       time.Duration `env:"IPCASE_GATEWAY_IDLE_TIMEOUT, default=2m"`
	// ShutdownTimeout is how long in-flight requests may finish after
	// SIGTERM.
	ShutdownTimeout time.Duration `env:"IPCASE_GATEWAY_SHUTDOWN_TIMEOUT, default=30s"`
	// CORSOrigins are the browser origins (https://app.example.com) allowed
	// to call the JSON API; empty turns CORS off, so browsers refuse
	// cross-origin calls.
	CORSOrigins []string `env:"IPCASE_GATEWAY_CORS_ORIGINS"`
}

// check refuses settings the gateway cannot run with.
func (c Config) check() error {
	switch {
	case c.Upstream == "":
		return fmt.Errorf("gateway: IPCASE_GATEWAY_UPSTREAM is empty")
	case c.RateLimit <= 0 || c.RateBurst < 1:
		return fmt.Errorf("gateway: rate limit %g/s with burst %d: both must be positive", c.RateLimit, c.RateBurst)
	case c.MaxBodyBytes <= 0 || c.MaxUploadBytes <= 0:
		return fmt.Errorf("gateway: body limits must be positive")
	case c.RequestTimeout <= 0 || c.UploadTimeout <= 0:
		return fmt.Errorf("gateway: timeouts must be positive")
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return fmt.Errorf("gateway: set both IPCASE_GATEWAY_TLS_CERT and IPCASE_GATEWAY_TLS_KEY, or neither")
	}
	return nil
}
