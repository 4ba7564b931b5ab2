package auth

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSConfig says where the TLS material is.
type TLSConfig struct {
	// CertFile and KeyFile are the server's certificate and key (PEM).
	// With them the public listener speaks TLS; without, plaintext (only
	// sensible on loopback or behind a TLS-terminating proxy).
	CertFile string `env:"IPCASE_TLS_CERT"`
	KeyFile  string `env:"IPCASE_TLS_KEY"`
	// CourtCertFile and CourtKeyFile are the court listener's certificate
	// and key (PEM).
	CourtCertFile string `env:"IPCASE_COURT_TLS_CERT"`
	CourtKeyFile  string `env:"IPCASE_COURT_TLS_KEY"`
	// CourtCAFile is the CA (PEM) that signs courts' client certificates;
	// the court listener accepts no others.
	CourtCAFile string `env:"IPCASE_COURT_CA"`
}

// ServerTLS returns the public listener's TLS config, or nil for plaintext.
func (c TLSConfig) ServerTLS() (*tls.Config, error) {
	if c.CertFile == "" && c.KeyFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("auth: server certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// CourtTLS returns the court listener's mutual-TLS config.
func (c TLSConfig) CourtTLS() (*tls.Config, error) {
	if c.CourtCertFile == "" || c.CourtKeyFile == "" || c.CourtCAFile == "" {
		return nil, errors.New("auth: the court listener needs IPCASE_COURT_TLS_CERT, IPCASE_COURT_TLS_KEY and IPCASE_COURT_CA")
	}
	cert, err := tls.LoadX509KeyPair(c.CourtCertFile, c.CourtKeyFile)
	if err != nil {
		return nil, fmt.Errorf("auth: server certificate: %w", err)
	}
	pem, err := os.ReadFile(c.CourtCAFile)
	if err != nil {
		return nil, fmt.Errorf("auth: court CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("auth: court CA %s holds no PEM certificate", c.CourtCAFile)
	}
	return CourtTLSConfig(cert, pool), nil
}

// CourtTLSConfig requires a client certificate that chains to courtCAs, is
// within its validity period, and names a court; anything else fails the
// handshake.
func CourtTLSConfig(cert tls.Certificate, courtCAs *x509.CertPool) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    courtCAs,
		MinVersion:   tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.VerifiedChains) == 0 {
				return errors.New("no verified client certificate")
			}
			_, err := CourtFromCert(cs.VerifiedChains[0][0])
			return err
		},
	}
}
