package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// courtURIPrefix is the URI SAN prefix that names a court in its client
// certificate: spiffe://ipcase/court/京73.
const courtURIPrefix = "spiffe://ipcase/court/"

// CourtURI returns the URI SAN for court code.
func CourtURI(code string) *url.URL {
	return &url.URL{Scheme: "spiffe", Host: "ipcase", Path: "/court/" + code}
}

// CourtFromCert returns the court code in a verified client certificate's
// URI SAN.
func CourtFromCert(cert *x509.Certificate) (string, error) {
	for _, u := range cert.URIs {
		if u.Scheme == "spiffe" && u.Host == "ipcase" && strings.HasPrefix(u.Path, "/court/") {
			code := strings.TrimPrefix(u.Path, "/court/")
			if code != "" && !strings.Contains(code, "/") {
				return code, nil
			}
		}
	}
	return "", fmt.Errorf("client certificate %q has no %s{code} URI SAN", cert.Subject.CommonName, courtURIPrefix)
}

// CertKey is a certificate with its private key.
type CertKey struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// NewCA makes a self-signed certificate authority.
func NewCA(name string, notBefore, notAfter time.Time) (CertKey, error) {
	return issue(nil, &x509.Certificate{
		Subject:               pkix.Name{CommonName: name, Organization: []string{"ipcase"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	})
}

// IssueServer makes a server certificate for hosts (names or IPs), signed
// by ck, a certificate authority.
func (ck CertKey) IssueServer(hosts []string, notBefore, notAfter time.Time) (CertKey, error) {
	t := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0]},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			t.IPAddresses = append(t.IPAddresses, ip)
		} else {
			t.DNSNames = append(t.DNSNames, h)
		}
	}
	return issue(&ck, t)
}

// IssueCourt makes a client certificate naming court code, signed by ck, a
// certificate authority.
func (ck CertKey) IssueCourt(code string, notBefore, notAfter time.Time) (CertKey, error) {
	return issue(&ck, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "court " + code, Organization: []string{"ipcase courts"}},
		URIs:        []*url.URL{CourtURI(code)},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

func issue(parent *CertKey, t *x509.Certificate) (CertKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CertKey{}, err
	}
	if t.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)); err != nil {
		return CertKey{}, err
	}
	signer, issuer := key, t
	if parent != nil {
		signer, issuer = parent.Key, parent.Cert
	}
	der, err := x509.CreateCertificate(rand.Reader, t, issuer, &key.PublicKey, signer)
	if err != nil {
		return CertKey{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return CertKey{}, err
	}
	return CertKey{Cert: cert, Key: key}, nil
}

// CertPEM encodes the certificate.
func (ck CertKey) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ck.Cert.Raw})
}

// KeyPEM encodes the private key.
func (ck CertKey) KeyPEM() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(ck.Key) // an ECDSA key always marshals
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TLSCertificate returns ck for a tls.Config.
func (ck CertKey) TLSCertificate() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{ck.Cert.Raw}, PrivateKey: ck.Key, Leaf: ck.Cert}
}

// WriteDevCerts writes, into dir, a development CA (ca.pem, ca-key.pem), a
// server certificate for localhost and 127.0.0.1 (server.pem,
// server-key.pem) and one client certificate per court code
// (court-1.pem/court-1-key.pem, …), valid for a year. Existing files are
// kept, so it is safe to run again.
func WriteDevCerts(dir string, courts []string, now time.Time) error {
	if _, err := os.Stat(filepath.Join(dir, "ca.pem")); err == nil {
		return nil
	}
	if len(courts) == 0 {
		return errors.New("dev certs: name at least one court")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	from, until := now.Add(-time.Hour), now.AddDate(1, 0, 0)
	ca, err := NewCA("ipcase development CA", from, until)
	if err != nil {
		return err
	}
	srv, err := ca.IssueServer([]string{"localhost", "127.0.0.1", "::1"}, from, until)
	if err != nil {
		return err
	}
	files := map[string][]byte{"ca.pem": ca.CertPEM(), "ca-key.pem": ca.KeyPEM(), "server.pem": srv.CertPEM(), "server-key.pem": srv.KeyPEM()}
	for i, code := range courts {
		c, err := ca.IssueCourt(code, from, until)
		if err != nil {
			return err
		}
		files[fmt.Sprintf("court-%d.pem", i+1)] = c.CertPEM()
		files[fmt.Sprintf("court-%d-key.pem", i+1)] = c.KeyPEM()
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}
