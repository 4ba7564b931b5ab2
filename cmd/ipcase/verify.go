package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ipcase/ipcase/internal/decision/signing"
)

func newVerifyCmd(cfg *config) *cobra.Command {
	var keysFile string
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Verify a signed decision offline against the published keys",
		Long: `Verify a signed decision (a JWS, or the JSON GET /v1/verify/{code} returns) offline:
its signature against the issuer's key in the published key set (GET /v1/decisionKeys,
saved to a file), and the key's revocation. Offline, a decision superseded on appeal
still verifies as VALID: ask GET /v1/verify/{code} for that.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if keysFile == "" {
				return usagef("--keys is required: the key set saved from GET /v1/decisionKeys")
			}
			data, err := os.ReadFile(keysFile)
			if err != nil {
				return err
			}
			keys, err := signing.ParseKeySet(data)
			if err != nil {
				return err
			}
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			jws := strings.TrimSpace(string(raw))
			var saved struct {
				JWS string `json:"jws"`
			}
			if json.Unmarshal(raw, &saved) == nil && saved.JWS != "" {
				jws = saved.JWS
			}
			res := signing.Verify(jws, keys)
			out := struct {
				Status   signing.Status    `json:"status"`
				Reason   string            `json:"reason"`
				Code     string            `json:"code"`
				KeyID    string            `json:"keyId,omitempty"`
				Document *signing.Document `json:"document,omitempty"`
			}{Status: res.Status, Reason: res.Reason, Code: res.Code, Document: res.Document}
			if res.Key != nil {
				out.KeyID = res.Key.ID
			}
			if cfg.output == outputJSON {
				if err := writeJSON(cfg.stdout, out); err != nil {
					return err
				}
			} else {
				if err := writef(cfg.stdout, "%s  code %s\n%s\n", out.Status, out.Code, out.Reason); err != nil {
					return err
				}
				if d := res.Document; d != nil {
					if err := writef(cfg.stdout, "%s %s, issued by %s on %s\n", d.Kind, d.Number, d.Issuer, d.DecidedOn); err != nil {
						return err
					}
				}
			}
			if res.Status != signing.Valid {
				return &failure{fmt.Errorf("decision not valid: %s", res.Status)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keysFile, "keys", "", "the published key set (JSON of GET /v1/decisionKeys)")
	return cmd
}
