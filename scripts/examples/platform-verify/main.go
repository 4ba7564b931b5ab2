// Command platform-verify is how an e-commerce platform checks a decision
// before it removes a seller's listings: one file, the Go standard library
// only, so a platform can copy it and rewrite it in its own language.
//
//	go run ./scripts/examples/platform-verify -gateway https://ipcase.example.gov.cn CODE
//	go run ./scripts/examples/platform-verify -gateway … -jws decision.jws CODE
//
// CODE is the verification code printed on the decision (case, spaces and
// hyphens ignored). With -jws, the signed document the rights holder handed
// over is checked too: it must be the one the register holds under CODE.
//
// It asks the register (GET /v1/verify/{code}) what it knows — whether the
// decision was superseded (set aside on appeal) and by what — and fetches
// the published key set (GET /v1/decisionKeys); then it checks the Ed25519
// signature of the JWS itself (RFC 7515, RFC 8037), offline, against the
// issuer's published key, so that a tampered document or an answer altered
// on the way fails here whatever the register said. It prints
// "remove listings" and exits 0 only when the decision is valid, the key
// not revoked, and the decision one a platform acts on: an agency's penalty
// decision, or a court judgment that found infringement and is effective.
// Otherwise it prints why not and exits 1 (2 for a usage or network error).
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// verification is the answer of GET /v1/verify/{code} (the fields used).
type verification struct {
	Code        string `json:"code"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
	KeyID       string `json:"keyId"`
	RevokedOn   string `json:"keyRevokedOn"`
	JWS         string `json:"jws"`
	Replacement *struct {
		Code         string `json:"code"`
		Number       string `json:"number"`
		Issuer       string `json:"issuer"`
		Reason       string `json:"reason"`
		SupersededOn string `json:"supersededOn"`
	} `json:"replacement"`
}

// jwk is a published key (GET /v1/decisionKeys), an RFC 8037 OKP key with
// ipcase's members iss and revoked.
type jwk struct {
	Kty           string `json:"kty"`
	Crv           string `json:"crv"`
	X             string `json:"x"`
	Kid           string `json:"kid"`
	Issuer        string `json:"iss"`
	Revoked       string `json:"revoked"`
	RevokedReason string `json:"revokedReason"`
}

// document is the signed decision (schema decision.v1, the fields used).
type document struct {
	Kind              string `json:"kind"`
	Number            string `json:"number"`
	Issuer            string `json:"iss"`
	DecidedOn         string `json:"decidedOn"`
	InfringementFound *bool  `json:"infringementFound"`
	Injunction        string `json:"injunction"`
	EffectiveOn       string `json:"effectiveOn"`
	Fine              string `json:"fine"`
	Parties           []struct {
		Name       string `json:"name"`
		Role       string `json:"role"`
		CreditCode string `json:"creditCode"`
	} `json:"parties"`
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the program: it writes the verdict to stdout and returns the exit
// code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("platform-verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gateway := fs.String("gateway", "http://127.0.0.1:8080", "the ipcase gateway's address")
	jwsFile := fs.String("jws", "", "the signed document (JWS) the rights holder handed over, checked against the register")
	fs.Usage = func() {
		_, _ = fmt.Fprintln(stderr, "usage: platform-verify [-gateway URL] [-jws FILE] CODE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var handed string
	if *jwsFile != "" {
		b, err := os.ReadFile(*jwsFile)
		if err != nil {
			_, _ = fmt.Fprintln(stderr, "platform-verify:", err)
			return 2
		}
		handed = strings.TrimSpace(string(b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &http.Client{Timeout: 10 * time.Second}
	verdict, err := check(ctx, c, strings.TrimRight(*gateway, "/"), fs.Arg(0), handed)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "platform-verify:", err)
		return 2
	}
	if _, err := fmt.Fprintln(stdout, verdict.text); err != nil {
		return 2
	}
	if !verdict.remove {
		return 1
	}
	return 0
}

type verdict struct {
	remove bool
	text   string
}

func keep(format string, args ...any) verdict {
	return verdict{text: "do not remove listings: " + fmt.Sprintf(format, args...)}
}

// check is the whole decision: what the register says, the signature
// checked here, and whether the decision orders what a platform acts on.
func check(ctx context.Context, c *http.Client, gateway, code, handed string) (verdict, error) {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	var v verification
	found, err := getJSON(ctx, c, gateway+"/v1/verify/"+url.PathEscape(code), &v)
	if err != nil {
		return verdict{}, err
	}
	if !found {
		return keep("no decision has the code %s", code), nil
	}
	jws := v.JWS
	if handed != "" {
		if handed != v.JWS {
			// A document altered after signing no longer hashes to its code.
			return keep("the document handed over is not the one the register holds under %s (its own code is %s): it was altered",
				code, codeOf(handed)), nil
		}
		jws = handed
	}
	if codeOf(jws) != code {
		return keep("the register's document does not hash to %s", code), nil
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if _, err := getJSON(ctx, c, gateway+"/v1/decisionKeys", &set); err != nil {
		return verdict{}, err
	}
	d, key, why := verify(jws, set.Keys)
	if why != "" {
		return keep("%s", why), nil
	}
	if key.Revoked != "" {
		return keep("%s was signed with a key of %s revoked on %s (%s)", d.Number, key.Issuer, key.Revoked[:10], key.RevokedReason), nil
	}
	switch v.Status {
	case "VERIFICATION_STATUS_VALID":
	case "VERIFICATION_STATUS_SUPERSEDED":
		if r := v.Replacement; r != nil {
			return keep("%s was superseded on %s by %s of %s (code %s): %s; check that decision instead",
				d.Number, r.SupersededOn, r.Number, r.Issuer, r.Code, r.Reason), nil
		}
		return keep("%s was superseded: %s", d.Number, v.Reason), nil
	default:
		return keep("the register says %s: %s", strings.TrimPrefix(v.Status, "VERIFICATION_STATUS_"), v.Reason), nil
	}
	respondents := []string{}
	for _, p := range d.Parties {
		if p.Role == "RESPONDENT" {
			respondents = append(respondents, p.Name+" "+p.CreditCode)
		}
	}
	who := strings.Join(respondents, "; ")
	switch {
	// A penalty decision is executed even while the seller seeks
	// reconsideration or sues (Administrative Penalty Law 2021 Art. 73 ¶1);
	// a first-instance judgment only once no appeal was filed in time.
	case d.Kind == "PENALTY_DECISION":
		return verdict{remove: true, text: fmt.Sprintf("remove listings: penalty decision %s of %s, decided %s, against %s",
			d.Number, d.Issuer, d.DecidedOn, who)}, nil
	case d.Kind == "EFFECTIVE_JUDGMENT" && d.InfringementFound != nil && *d.InfringementFound:
		return verdict{remove: true, text: fmt.Sprintf("remove listings: judgment %s of %s, effective %s, found infringement by %s",
			d.Number, d.Issuer, d.EffectiveOn, who)}, nil
	case d.Kind == "EFFECTIVE_JUDGMENT" || d.Kind == "JUDGMENT":
		if d.InfringementFound == nil || !*d.InfringementFound {
			return keep("judgment %s of %s found no infringement", d.Number, d.Issuer), nil
		}
		return keep("judgment %s of %s is not yet effective (it may be appealed): wait for its effective-judgment record", d.Number, d.Issuer), nil
	}
	return keep("%s %s orders nothing a platform acts on", d.Kind, d.Number), nil
}

// verify checks the JWS's EdDSA signature against the published key its
// kid names, and that the key is the document's issuer's; why says what
// failed.
func verify(jws string, keys []jwk) (d document, key jwk, why string) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return d, key, "not a signed decision (a JWS has three parts)"
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodePart(parts[0], &header); err != nil || header.Alg != "EdDSA" {
		return d, key, "not a signed decision (header)"
	}
	found := false
	for _, k := range keys {
		if k.Kid == header.Kid && k.Kty == "OKP" && k.Crv == "Ed25519" {
			key, found = k, true
		}
	}
	if !found {
		return d, key, "signed with a key that is not published"
	}
	pub, err := base64.RawURLEncoding.DecodeString(key.X)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return d, key, "the published key is not an Ed25519 key"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return d, key, "the signature does not match the document: it was altered or signed with another key"
	}
	if err := decodePart(parts[1], &d); err != nil {
		return d, key, "the signed document is not a decision"
	}
	if d.Issuer != key.Issuer {
		return d, key, fmt.Sprintf("signed with a key of %s, not of its issuer %s", key.Issuer, d.Issuer)
	}
	return d, key, ""
}

func decodePart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// codeOf is the verification code of a JWS: the first 10 characters of
// the base32 of its SHA-256.
func codeOf(jws string) string {
	sum := sha256.Sum256([]byte(jws))
	return base32.StdEncoding.EncodeToString(sum[:])[:10]
}

// getJSON GETs u into v; found is false for 404.
func getJSON(ctx context.Context, c *http.Client, u string, v any) (found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return false, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return false, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return false, nil
	}
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET %s: %s: %s", u, resp.Status, bytes.TrimSpace(b))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("GET %s: %w", u, err)
	}
	return true, nil
}
