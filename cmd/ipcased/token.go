package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/auth"
)

// token makes signing keys and mints tokens, for bootstrapping and
// development; in production an identity provider issues tokens and ipcased
// reads its JWKS URL.
//
//	ipcased token keygen -kid KID -private FILE -jwks FILE
//	ipcased token issue -key FILE -sub SUBJECT -role ROLE [-agency CODE] [-parties ID,…] [-ttl 8h]
func token(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: ipcased token keygen|issue [flags]")
	}
	switch args[0] {
	case "keygen":
		return tokenKeygen(args[1:])
	case "issue":
		return tokenIssue(args[1:])
	}
	return fmt.Errorf("unknown token command %q: want keygen or issue", args[0])
}

// tokenKeygen writes a new private key and adds its public half to a JWKS
// file (created if missing): publishing a new key next to the old one is
// how keys are rotated without a restart.
func tokenKeygen(args []string) error {
	fs := flag.NewFlagSet("token keygen", flag.ContinueOnError)
	kid := fs.String("kid", "", "key id (e.g. 2026-11)")
	privPath := fs.String("private", "", "file to write the private key to (mode 0600)")
	jwksPath := fs.String("jwks", "", "JWKS file to add the public key to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kid == "" || *privPath == "" {
		return errors.New("token keygen: -kid and -private are required")
	}
	priv, pub, err := auth.NewSigningKey(*kid)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(priv, "", "  ")
	if err := os.WriteFile(*privPath, append(b, '\n'), 0o600); err != nil {
		return err
	}
	if *jwksPath == "" {
		return nil
	}
	var set auth.JWKS
	if old, err := os.ReadFile(*jwksPath); err == nil {
		if err := json.Unmarshal(old, &set); err != nil {
			return fmt.Errorf("token keygen: %s: %w", *jwksPath, err)
		}
	}
	for _, k := range set.Keys {
		if k.Kid == *kid {
			return fmt.Errorf("token keygen: %s already has a key %q", *jwksPath, *kid)
		}
	}
	set.Keys = append(set.Keys, pub)
	b, _ = json.MarshalIndent(set, "", "  ")
	tmp := *jwksPath + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, *jwksPath) // readers see the old set or the new, never half
}

func tokenIssue(args []string) error {
	fs := flag.NewFlagSet("token issue", flag.ContinueOnError)
	keyPath := fs.String("key", "", "private key file (from token keygen)")
	sub := fs.String("sub", "", "subject: who the token is for")
	role := fs.String("role", "", "officer, mediator, rights_holder or admin")
	agency := fs.String("agency", "", "agency code (officers and mediators)")
	parties := fs.String("parties", "", "comma-separated party ids (rights holders)")
	ttl := fs.Duration("ttl", 8*time.Hour, "lifetime")
	iss := fs.String("iss", envOr("IPCASE_AUTH_ISSUER", "ipcase"), "issuer")
	aud := fs.String("aud", envOr("IPCASE_AUTH_AUDIENCE", "ipcase"), "audience")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(*keyPath)
	if err != nil {
		return fmt.Errorf("token issue: %w", err)
	}
	var key auth.JWK
	if err := json.Unmarshal(b, &key); err != nil {
		return fmt.Errorf("token issue: %s: %w", *keyPath, err)
	}
	p := auth.IssueParams{Issuer: *iss, Audience: *aud, Subject: *sub, Role: auth.Role(*role), Agency: *agency, TTL: *ttl, Now: time.Now()}
	if *parties != "" {
		p.Parties = strings.Split(*parties, ",")
	}
	tok, err := auth.Issue(key, p)
	if err != nil {
		return fmt.Errorf("token issue: %w", err)
	}
	_, err = fmt.Fprintln(os.Stdout, tok)
	return err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
