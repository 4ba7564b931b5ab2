package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ipcase/ipcase/internal/auth"
)

// newTokenCmd is `ipcased token`, with keygen and issue under it.
func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Make signing keys and mint bearer tokens (bootstrap and development)",
		Long: `The token commands make Ed25519 signing keys and mint bearer tokens, for
bootstrapping and development. In production an identity provider issues
the tokens and ipcased reads its public keys from IPCASE_AUTH_JWKS_URL.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("give a subcommand: keygen or issue")
		},
	}
	cmd.AddCommand(newKeygenCmd(), newIssueCmd())
	return cmd
}

func newKeygenCmd() *cobra.Command {
	var kid, privPath, jwksPath, roles string
	cmd := &cobra.Command{
		Use:   "keygen --kid KID --private FILE",
		Short: "Write a new signing key and publish its public half in a JWKS file",
		Long: `Keygen writes a new private Ed25519 key, a JWK, to --private (mode 0600)
and, with --jwks, adds its public half to that JWKS file, creating it if
missing. Publishing a new key next to the old one is how keys are rotated
without a restart: ipcased re-reads IPCASE_AUTH_JWKS_FILE when it changes.

--roles are the roles tokens signed with the key may carry, written into
the JWK ("roles"); ipcased refuses any other token the key signs
(IPCASE_AUTH_KEY_ROLES overrides them by key id). The sign-in key
(IPCASE_SIGNIN_KEY_FILE) gets --roles session, and ipcased will not start
if it may sign more.

The same command makes the key that signs event-chain heads
(IPCASE_CHECKPOINT_KEY_FILE), which is not published.`,
		Args:    noArgs,
		PreRunE: requireFlags("kid", "private"),
		RunE: func(*cobra.Command, []string) error {
			return keygen(kid, privPath, jwksPath, roles)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&kid, "kid", "", "key id, e.g. 2026-11 (required)")
	fs.StringVar(&privPath, "private", "", "`file` to write the private key to, mode 0600 (required)")
	fs.StringVar(&jwksPath, "jwks", "", "JWKS `file` to add the public key to")
	fs.StringVar(&roles, "roles", "officer,mediator,rights_holder,admin", "comma-separated "+auth.KeyRolesHelp)
	return cmd
}

// keygen writes a new private key that may sign roles and adds its public
// half to a JWKS file (created if missing).
func keygen(kid, privPath, jwksPath, roles string) error {
	names := strings.FieldsFunc(roles, func(r rune) bool { return r == ',' || r == ' ' })
	if len(names) == 0 {
		return fmt.Errorf("--roles is empty: give %s", auth.KeyRolesHelp)
	}
	if err := auth.CheckKeyRoles(names); err != nil {
		return fmt.Errorf("--roles: %w", err)
	}
	priv, pub, err := auth.NewSigningKey(kid)
	if err != nil {
		return err
	}
	priv.Roles, pub.Roles = names, names
	b, _ := json.MarshalIndent(priv, "", "  ")
	if err := writeSecretFile(privPath, append(b, '\n')); err != nil {
		return err
	}
	if jwksPath == "" {
		return nil
	}
	var set auth.JWKS
	if old, err := os.ReadFile(jwksPath); err == nil {
		if err := json.Unmarshal(old, &set); err != nil {
			return fmt.Errorf("%s: %w", jwksPath, err)
		}
	}
	for _, k := range set.Keys {
		if k.Kid == kid {
			return fmt.Errorf("%s already has a key %q", jwksPath, kid)
		}
	}
	set.Keys = append(set.Keys, pub)
	b, _ = json.MarshalIndent(set, "", "  ")
	tmp := jwksPath + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil { //nolint:gosec // G306: a JWKS holds public keys, for verifiers that may run as other users
		return err
	}
	return os.Rename(tmp, jwksPath) // readers see the old set or the new, never half
}

// issueFlags are the flags of `ipcased token issue`.
type issueFlags struct {
	keyPath, sub, role, agency, parties, iss, aud string
	ttl                                           time.Duration
}

func newIssueCmd() *cobra.Command {
	var f issueFlags
	cmd := &cobra.Command{
		Use:   "issue --key FILE --sub SUBJECT --role ROLE",
		Short: "Mint a signed bearer token",
		Long: `Issue prints a bearer token signed with the private key in --key (made by
"ipcased token keygen"), for the subject and role given: an officer or a
mediator of --agency, a rights holder acting for --parties, or an admin.
It refuses a role the key's --roles do not include, and a --ttl longer
than ipcased accepts, as ipcased would refuse the token.

Environment: IPCASE_AUTH_ISSUER and IPCASE_AUTH_AUDIENCE are the defaults of
--iss and --aud, as they are what ipcased requires; --ttl may be at most
IPCASE_AUTH_MAX_TOKEN_LIFETIME (default 720h).`,
		Args:    noArgs,
		PreRunE: requireFlags("key", "sub", "role"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return issue(cmd.OutOrStdout(), f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.keyPath, "key", "", "private key `file` made by token keygen (required)")
	fs.StringVar(&f.sub, "sub", "", "subject: who the token is for (required)")
	fs.StringVar(&f.role, "role", "", "officer, mediator, rights_holder or admin (required)")
	fs.StringVar(&f.agency, "agency", "", "agency `code` (officers and mediators)")
	fs.StringVar(&f.parties, "parties", "", "comma-separated party `ids` (rights holders)")
	fs.DurationVar(&f.ttl, "ttl", 8*time.Hour, "lifetime")
	fs.StringVar(&f.iss, "iss", envOr("IPCASE_AUTH_ISSUER", "ipcase"), "issuer, from IPCASE_AUTH_ISSUER if set")
	fs.StringVar(&f.aud, "aud", envOr("IPCASE_AUTH_AUDIENCE", "ipcase"), "audience, from IPCASE_AUTH_AUDIENCE if set")
	return cmd
}

func issue(stdout io.Writer, f issueFlags) error {
	b, err := os.ReadFile(f.keyPath)
	if err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	var key auth.JWK
	if err := json.Unmarshal(b, &key); err != nil {
		return fmt.Errorf("--key %s: %w", f.keyPath, err)
	}
	limit := auth.DefaultMaxLifetime
	if v := os.Getenv("IPCASE_AUTH_MAX_TOKEN_LIFETIME"); v != "" {
		if limit, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("IPCASE_AUTH_MAX_TOKEN_LIFETIME: %w", err)
		}
	}
	if f.ttl <= 0 || f.ttl > limit {
		return fmt.Errorf("--ttl %s: ipcased accepts tokens that live up to %s (IPCASE_AUTH_MAX_TOKEN_LIFETIME)", f.ttl, limit)
	}
	p := auth.IssueParams{Issuer: f.iss, Audience: f.aud, Subject: f.sub, Role: auth.Role(f.role), Agency: f.agency, TTL: f.ttl, Now: time.Now()}
	if f.parties != "" {
		p.Parties = strings.Split(f.parties, ",")
	}
	tok, err := auth.Issue(key, p)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
