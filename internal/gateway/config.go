package gateway

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/metrics"
)

// Config configures the gateway; cmd/ipcase-gateway reads it from the
// environment.
type Config struct {
	// Addr is the HTTP listen address.
	Addr string `env:"IPCASE_GATEWAY_ADDR, default=127.0.0.1:8080"`
	// MetricsAddr serves Prometheus metrics and pprof on a listener of
	// their own; empty turns it off. Neither asks who is calling, so it
	// must be a loopback address unless MetricsAllowRemote is set, and
	// pprof answers loopback callers only (metrics.Config).
	MetricsAddr        string `env:"IPCASE_GATEWAY_METRICS_ADDR, default=127.0.0.1:9091"`
	MetricsAllowRemote bool   `env:"IPCASE_GATEWAY_METRICS_ALLOW_REMOTE"`
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
	// RateLimit is the sustained requests per second allowed per token
	// that ipcased has accepted, and per client address for requests
	// without one or with one not yet accepted (ratelimit.go); RateBurst
	// the requests allowed at once.
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
	// MaxHeaderBytes bounds a request's line and headers (Go's server
	// reads 4 KiB past it before it answers 431): a bearer token or a
	// session cookie and the usual headers need a few KiB. Keep it 4 KiB or
	// more below ipcased's IPCASE_GRPC_MAX_HEADER_BYTES, so that what the
	// gateway accepts and forwards, ipcased accepts too.
	MaxHeaderBytes int `env:"IPCASE_GATEWAY_MAX_HEADER_BYTES, default=8192"`
	// UpstreamMaxHeaderBytes bounds the header lists (headers and
	// trailers) the gateway accepts from ipcased, which bounds its own.
	UpstreamMaxHeaderBytes int `env:"IPCASE_GATEWAY_UPSTREAM_MAX_HEADER_BYTES, default=65536"`
	// ShutdownTimeout is how long in-flight requests may finish after
	// SIGTERM.
	ShutdownTimeout time.Duration `env:"IPCASE_GATEWAY_SHUTDOWN_TIMEOUT, default=30s"`
	// CORSOrigins are the browser origins (https://app.example.com) allowed
	// to call the JSON API; empty turns CORS off, so browsers refuse
	// cross-origin calls.
	CORSOrigins []string `env:"IPCASE_GATEWAY_CORS_ORIGINS"`
	// PageOrigins are origins (https://status.example.cn) whose forms the
	// status page accepts besides its own host: needed only when a proxy
	// in front rewrites the Host header. Forms from any other site are
	// refused (CSRF).
	PageOrigins []string `env:"IPCASE_GATEWAY_PAGE_ORIGINS"`
}

// Defaults of the header limits, for a Config not read from the
// environment (tests).
const (
	defaultMaxHeaderBytes         = 8 << 10
	defaultUpstreamMaxHeaderBytes = 64 << 10
)

// withDefaults fills the header limits a Config built in code leaves 0.
func (c Config) withDefaults() Config {
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = defaultMaxHeaderBytes
	}
	if c.UpstreamMaxHeaderBytes == 0 {
		c.UpstreamMaxHeaderBytes = defaultUpstreamMaxHeaderBytes
	}
	return c
}

// Metrics is where the gateway's metrics listener is.
func (c Config) Metrics() metrics.Config {
	return metrics.Config{Addr: c.MetricsAddr, AllowRemote: c.MetricsAllowRemote}
}

// check refuses settings the gateway cannot run with.
func (c Config) check() error {
	if err := c.Metrics().Check(); err != nil {
		return fmt.Errorf("gateway: IPCASE_GATEWAY_METRICS_ADDR: %w (IPCASE_GATEWAY_METRICS_ALLOW_REMOTE=true)", err)
	}
	switch {
	case c.Upstream == "":
		return fmt.Errorf("gateway: IPCASE_GATEWAY_UPSTREAM is empty")
	case c.RateLimit <= 0 || c.RateBurst < 1:
		return fmt.Errorf("gateway: rate limit %g/s with burst %d: both must be positive", c.RateLimit, c.RateBurst)
	case c.MaxBodyBytes <= 0 || c.MaxUploadBytes <= 0:
		return fmt.Errorf("gateway: body limits must be positive")
	case c.RequestTimeout <= 0 || c.UploadTimeout <= 0:
		return fmt.Errorf("gateway: timeouts must be positive")
	case c.MaxHeaderBytes < 1<<10 || c.MaxHeaderBytes > 1<<20:
		return fmt.Errorf("gateway: IPCASE_GATEWAY_MAX_HEADER_BYTES %d: want 1024 to 1048576", c.MaxHeaderBytes)
	case c.UpstreamMaxHeaderBytes < 1<<10 || c.UpstreamMaxHeaderBytes > 1<<24:
		return fmt.Errorf("gateway: IPCASE_GATEWAY_UPSTREAM_MAX_HEADER_BYTES %d: want 1024 to 16777216", c.UpstreamMaxHeaderBytes)
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return fmt.Errorf("gateway: set both IPCASE_GATEWAY_TLS_CERT and IPCASE_GATEWAY_TLS_KEY, or neither")
	}
	return nil
}
