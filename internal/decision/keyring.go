package decision

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// A Keyring keeps the issuers' private signing keys out of the database:
// the register (decision_keys) holds only public halves and each key's
// life. KeyDir keeps them in a directory of 0600 files; a KMS or an HSM
// implements the same two methods, its crypto.Signer signing with a key
// that never leaves it.
type Keyring interface {
	// Generate makes a new Ed25519 key for issuer, keeps its private half
	// and returns its public half; the key's id is Thumbprint of it.
	Generate(ctx context.Context, issuer string) (ed25519.PublicKey, error)
	// Signer returns the signer of the key whose id is kid. It returns an
	// error wrapping ErrNoPrivateKey if the keyring does not hold it.
	Signer(ctx context.Context, kid string) (crypto.Signer, error)
}

// ErrNoPrivateKey is a key whose private half the keyring does not hold.
var ErrNoPrivateKey = errors.New("the keyring does not hold the key's private half")

// KeyDir is a Keyring over a directory (ipcased's IPCASE_DECISION_KEY_DIR):
// one file per key, named KID.jwk, a private Ed25519 JWK (RFC 8037, the
// form of IPCASE_CHECKPOINT_KEY_FILE) with the issuer in "iss", mode 0600
// in a directory of mode 0700. Replicas that sign for the same issuers
// must share the directory (a mounted volume), or use a KMS instead.
type KeyDir struct{ dir string }

var _ Keyring = (*KeyDir)(nil)

// OpenKeyDir opens dir, creating it with mode 0700 if it does not exist.
// It refuses a directory that others than its owner may read or enter.
func OpenKeyDir(dir string) (*KeyDir, error) {
	if dir == "" {
		return nil, errors.New("decision key directory: no path given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("decision key directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("decision key directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("decision key directory %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("decision key directory %s has mode %o: private keys need 0700 (chmod 700 %s)", dir, fi.Mode().Perm(), dir)
	}
	return &KeyDir{dir: dir}, nil
}

// privateJWK is a key file's content.
type privateJWK struct {
	Kty    string `json:"kty"`
	Crv    string `json:"crv"`
	X      string `json:"x"`
	D      string `json:"d"`
	Kid    string `json:"kid"`
	Use    string `json:"use"`
	Alg    string `json:"alg"`
	Issuer string `json:"iss"`
}

// kidPattern is an RFC 7638 SHA-256 thumbprint, base64url: 43 characters,
// so that a kid names a file in the directory and nothing else.
var kidPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func (d *KeyDir) path(kid string) (string, error) {
	if !kidPattern.MatchString(kid) {
		return "", fmt.Errorf("key id %q is not a key thumbprint", kid)
	}
	return filepath.Join(d.dir, kid+".jwk"), nil
}

// Generate makes a key for issuer and writes it to KID.jwk, mode 0600; it
// never overwrites a file.
func (d *KeyDir) Generate(_ context.Context, issuer string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a key for %s: %w", issuer, err)
	}
	kid := Thumbprint(pub)
	p, err := d.path(kid)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(privateJWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(pub), D: b64.EncodeToString(priv.Seed()),
		Kid: kid, Use: "sig", Alg: "EdDSA", Issuer: issuer}, "", "  ")
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) //nolint:gosec // G304: p is the key directory joined with a checked thumbprint
	if err != nil {
		return nil, fmt.Errorf("writing the key of %s: %w", issuer, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("writing the key of %s: %w", issuer, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("writing the key of %s: %w", issuer, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing the key of %s: %w", issuer, err)
	}
	return pub, nil
}

// Signer reads KID.jwk. It refuses a file others than its owner may read,
// and one whose key is not kid's.
func (d *KeyDir) Signer(_ context.Context, kid string) (crypto.Signer, error) {
	p, err := d.path(kid)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key %s: no file %s: %w", kid, p, ErrNoPrivateKey)
	}
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", kid, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %o: a private key needs 0600", p, fi.Mode().Perm())
	}
	b, err := os.ReadFile(p) //nolint:gosec // G304: p is the key directory joined with a checked thumbprint
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", kid, err)
	}
	var j privateJWK
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("key file %s: %w", p, err)
	}
	seed, err := b64.DecodeString(j.D)
	if j.Kty != "OKP" || j.Crv != "Ed25519" || err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key file %s is not a private Ed25519 JWK", p)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub, _ := priv.Public().(ed25519.PublicKey)
	if Thumbprint(pub) != kid {
		return nil, fmt.Errorf("key file %s holds another key than %s", p, kid)
	}
	return priv, nil
}

var b64 = base64.RawURLEncoding

// Dir is the directory's path.
func (d *KeyDir) Dir() string { return d.dir }
