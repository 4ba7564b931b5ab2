package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func newLoginCmd(cfg *config) *cobra.Command {
	var (
		tokenFile string
		court     bool
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Check a token with ipcased and save the server and token for later commands",
		Long: `login asks ipcased at --server who the token belongs to and, if the server
accepts it, saves the server, the token and --tls-ca in the user's config
directory (ipcase/config.json, mode 0600; IPCASE_CONFIG names another file).
Later commands use them unless a flag or IPCASE_SERVER, IPCASE_TOKEN or
IPCASE_TLS_CA says otherwise.

The token is read from --token-file, else --token, else standard input, so
that it need not appear in the shell's history:

  ipcase login --server ipcase.samr-hz.example:7070 --tls-ca ca.pem --token-file officer.token
  pass show ipcase/token | ipcase login --server 127.0.0.1:7070

A court logs in with its client certificate instead, on ipcased's courts'
listener (mutual TLS, 7071 in scripts/dev.sh); login --court checks the
handshake with a call and saves the server and the paths of the
certificate, its key and the CA (--ca, the same as --tls-ca):

  ipcase login --court --server 127.0.0.1:7071 --cert .run/certs/court-1.pem \
    --key .run/certs/court-1-key.pem --ca .run/certs/ca.pem

Each login replaces the saved one: a token login forgets a court's
certificate, a court login the token.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if court {
				return courtLogin(cmd.Context(), cfg)
			}
			if set := flagChanged(cmd.Flags(), "cert", "key"); len(set) > 0 {
				return usagef("%s: a court's certificate logs in with login --court", strings.Join(set, ", "))
			}
			cfg.dropSavedCourt(cmd) // a token login replaces a court's
			tok, err := readToken(cmd, cfg, tokenFile)
			if err != nil {
				return err
			}
			cfg.token = tok
			return login(cmd.Context(), cfg)
		},
	}
	cmd.Flags().StringVar(&tokenFile, "token-file", "", "read the token from `file`")
	cmd.Flags().BoolVar(&court, "court", false, "log in as a court, with --cert, --key and --ca, over mutual TLS")
	cmd.Flags().StringVar(&cfg.tlsCA, "ca", cfg.tlsCA, "the CA `file` of ipcased's certificate (the same as --tls-ca)")
	cmd.Flags().Lookup("ca").DefValue = ""
	return cmd
}

// readToken finds the token to log in with.
func readToken(cmd *cobra.Command, cfg *config, tokenFile string) (string, error) {
	var tok string
	switch {
	case tokenFile != "":
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", usagef("--token-file: %v", err)
		}
		tok = string(b)
	case cmd.Flags().Changed("token") || os.Getenv("IPCASE_TOKEN") != "":
		tok = cfg.token
	default:
		line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 64<<10)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", &failure{fmt.Errorf("reading the token from standard input: %w", err)}
		}
		tok = line
	}
	tok = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tok), "Bearer "))
	if tok == "" {
		return "", usagef("no token: give --token-file, --token, or the token on standard input")
	}
	return tok, nil
}

func login(ctx context.Context, cfg *config) error {
	caller, err := getCaller(ctx, cfg)
	if err != nil {
		return err
	}
	path, err := saveLogin(savedLogin{Server: cfg.server, Token: cfg.token, TLSCA: cfg.tlsCA})
	if err != nil {
		return &failure{fmt.Errorf("saving the login: %w", err)}
	}
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, struct {
			Server       string   `json:"server"`
			Subject      string   `json:"subject"`
			Role         string   `json:"role"`
			Organization string   `json:"organization,omitempty"`
			Parties      []string `json:"parties,omitempty"`
			Config       string   `json:"config"`
		}{cfg.server, caller.GetSubject(), caller.GetRole(), caller.GetOrganization(), caller.GetParties(), path})
	}
	who := caller.GetRole()
	if org := caller.GetOrganization(); org != "" {
		who += ", " + org
	}
	return writef(cfg.stdout, "Logged in to %s as %s (%s).\nSaved to %s.\n", cfg.server, caller.GetSubject(), who, path)
}

// getCaller asks ipcased who the configured token belongs to.
func getCaller(ctx context.Context, cfg *config) (*ipcasev1.GetCallerResponse, error) {
	var caller *ipcasev1.GetCallerResponse
	err := withConn(ctx, cfg, func(ctx context.Context, c clients) (err error) {
		caller, err = c.status.GetCaller(ctx, &ipcasev1.GetCallerRequest{})
		return err
	}, "StatusService.GetCaller", noFlags)
	return caller, err
}

func newLogoutCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the saved token or court certificate (the server stays saved)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			l, err := loadLogin()
			if err != nil {
				return &failure{err}
			}
			l.Token, l.Cert, l.Key = "", "", ""
			path, err := saveLogin(l)
			if err != nil {
				return &failure{err}
			}
			return writef(cfg.stdout, "Credentials removed from %s.\n", path)
		},
	}
}

func newSignInLinkCmd(cfg *config) *cobra.Command {
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "signin-link MATTER",
		Short: "Send the matter's complainant a one-time link to the status page",
		Long: `signin-link has ipcased send a one-time sign-in link to the complainant of
MATTER, at the contact the matter records for it. You are told where it
went, not what it says: the link is for the complainant. It works once,
until it expires (--ttl, 5m to 168h), and lets the complainant read that
matter only; to act in it, the complainant needs a rights holder's token.`,
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			var res *ipcasev1.IssueSignInLinkResponse
			err := withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) (err error) {
				res, err = c.status.IssueSignInLink(ctx, &ipcasev1.IssueSignInLinkRequest{Name: matterName(args[0]), TtlSeconds: int64(ttl.Seconds())})
				return err
			}, "StatusService.IssueSignInLink", func(f string) string {
				return map[string]string{"name": "MATTER", "ttl_seconds": "--ttl"}[f]
			})
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, res)
			}
			return writef(cfg.stdout, "Sign-in link sent to %s for %s; it works once, until %s.\n", res.GetSentTo(), res.GetParty(), clock(res.GetExpireTime()))
		},
	}
	cmd.Flags().DurationVar(&ttl, "ttl", 72*time.Hour, "how long the link works")
	return cmd
}
