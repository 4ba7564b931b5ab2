package main

import (
	"bytes"
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// keyJSON is a decision key as `-o json` prints it: the published JWK's
// fields with the key's status.
type keyJSON struct {
	Kid           string `json:"kid"`
	Issuer        string `json:"issuer"`
	Status        string `json:"status"`
	Created       string `json:"created"`
	Retired       string `json:"retired,omitempty"`
	Revoked       string `json:"revoked,omitempty"`
	RevokedReason string `json:"revokedReason,omitempty"`
	X             string `json:"x"`
}

// keyStatus is CURRENT (it signs the issuer's decisions), RETIRED (rotated
// out; what it signed verifies) or REVOKED.
func keyStatus(k *ipcasev1.DecisionKey) string {
	switch {
	case k.GetRevoked() != "":
		return "REVOKED"
	case k.GetRetired() != "":
		return "RETIRED"
	}
	return "CURRENT"
}

func toKeyJSON(k *ipcasev1.DecisionKey) keyJSON {
	return keyJSON{Kid: k.GetKid(), Issuer: k.GetIss(), Status: keyStatus(k), Created: k.GetCreated(), Retired: k.GetRetired(),
		Revoked: k.GetRevoked(), RevokedReason: k.GetRevokedReason(), X: k.GetX()}
}

// printKeys prints keys as JSON or as a table: kid, issuer, status and
// dates, the revocation's reason last.
func printKeys(cfg *config, keys []*ipcasev1.DecisionKey) error {
	if cfg.output == outputJSON {
		out := make([]keyJSON, 0, len(keys))
		for _, k := range keys {
			out = append(out, toKeyJSON(k))
		}
		return writeJSON(cfg.stdout, out)
	}
	var b bytes.Buffer
	t := newTable(&b)
	t.printf("KID\tSTATUS\tCREATED\tRETIRED\tREVOKED\tISSUER\tREASON\n")
	for _, k := range keys {
		t.printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.GetKid(), keyStatus(k), dash(k.GetCreated()), dash(k.GetRetired()), dash(k.GetRevoked()),
			k.GetIss(), k.GetRevokedReason())
	}
	if err := t.flush(); err != nil {
		return err
	}
	return write(cfg.stdout, b.Bytes())
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newDecisionKeyCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "decision-key",
		Short: "List, rotate and revoke the keys agencies and courts sign decisions with",
		Long: `The keys that sign decisions (see "ipcase verify"). list needs no account; rotate
and revoke need an admin's token, or an officer's for its agency's keys, a
court's for its own. The private keys stay with ipcased (IPCASE_DECISION_KEY_DIR).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var issuer string
	list := &cobra.Command{
		Use:   "list",
		Short: "List every issuer's keys: current, retired and revoked",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return callDecisions(cmd.Context(), cfg, "ListDecisionKeys", func(ctx context.Context, c ipcasev1.DecisionServiceClient) error {
				res, err := c.ListDecisionKeys(ctx, &ipcasev1.ListDecisionKeysRequest{})
				if err != nil {
					return err
				}
				var keys []*ipcasev1.DecisionKey
				for _, k := range res.GetKeys() {
					if issuer == "" || k.GetIss() == issuer {
						keys = append(keys, k)
					}
				}
				return printKeys(cfg, keys)
			})
		},
	}
	list.Flags().StringVar(&issuer, "issuer", "", "only this agency's or court's keys")

	var rotateID string
	rotate := &cobra.Command{
		Use:   "rotate ISSUER",
		Short: "Retire an issuer's current key and make a new one sign its decisions",
		Long: `rotate retires ISSUER's current key — what it signed still verifies VALID — and
makes a new key, which signs ISSUER's next decisions. It prints the new key; the
retired key's id is in -o json's "retired".`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%q takes one issuer (an agency or court code), got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return callDecisions(cmd.Context(), cfg, "RotateDecisionKey", func(ctx context.Context, c ipcasev1.DecisionServiceClient) error {
				res, err := c.RotateDecisionKey(ctx, &ipcasev1.RotateDecisionKeyRequest{Issuer: args[0],
					RequestId: firstOf(rotateID, "cli-"+uuid.NewString())})
				if err != nil {
					return err
				}
				if cfg.output == outputJSON {
					return writeJSON(cfg.stdout, struct {
						keyJSON
						RetiredKid string `json:"retired_kid,omitempty"`
					}{toKeyJSON(res.GetKey()), res.GetRetiredKid()})
				}
				if err := printKeys(cfg, []*ipcasev1.DecisionKey{res.GetKey()}); err != nil {
					return err
				}
				if r := res.GetRetiredKid(); r != "" {
					return writef(cfg.stdout, "retired %s\n", r)
				}
				return nil
			})
		},
	}
	rotate.Flags().StringVar(&rotateID, "request-id", "", "makes the call safe to retry: the same id returns the first answer (default: a new id)")

	var reason, effective, revokeID string
	revoke := &cobra.Command{
		Use:   "revoke --reason TEXT [--effective YYYY-MM-DD] [--] KID",
		Short: "Revoke a key: what it signed verifies REVOKED from the day given",
		Long: `revoke revokes the key KID (a kid from "decision-key list") from the day given
by --effective (default today; never a later day): every decision it signed then
verifies REVOKED with that day and the reason, and its issuer's next decision is
signed with a new key. A kid is base64url and may begin with "-": give it after
"--" (ipcase decision-key revoke --reason "…" -- -TF7j…), or it is read as flags.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%q takes one key id, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return usagef("--reason is required: why the key is revoked, as verifiers will read it")
			}
			return callDecisions(cmd.Context(), cfg, "RevokeDecisionKey", func(ctx context.Context, c ipcasev1.DecisionServiceClient) error {
				res, err := c.RevokeDecisionKey(ctx, &ipcasev1.RevokeDecisionKeyRequest{Kid: args[0], Reason: reason,
					EffectiveOn: effective, RequestId: firstOf(revokeID, "cli-"+uuid.NewString())})
				if err != nil {
					return err
				}
				if cfg.output == outputJSON {
					return writeJSON(cfg.stdout, toKeyJSON(res.GetKey()))
				}
				return printKeys(cfg, []*ipcasev1.DecisionKey{res.GetKey()})
			})
		},
	}
	revoke.Flags().StringVar(&reason, "reason", "", "why, as whoever verifies what the key signed will read it (required)")
	revoke.Flags().StringVar(&effective, "effective", "", "the day the revocation takes effect, YYYY-MM-DD (default: today in China)")
	revoke.Flags().StringVar(&revokeID, "request-id", "", "makes the call safe to retry: the same id returns the first answer (default: a new id)")

	cmd.AddCommand(list, rotate, revoke)
	return cmd
}

// callDecisions calls the DecisionService's method through call.
func callDecisions(ctx context.Context, cfg *config, method string, call func(context.Context, ipcasev1.DecisionServiceClient) error) error {
	conn, err := dial(cfg)
	if err != nil {
		return &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := call(ctx, ipcasev1.NewDecisionServiceClient(conn)); err != nil {
		if f := (*failure)(nil); errors.As(err, &f) {
			return err
		}
		return remoteError(cfg, "DecisionService."+method, err, func(f string) string {
			return map[string]string{"effective_on": "--effective", "reason": "--reason", "request_id": "--request-id", "kid": "KID",
				"issuer": "ISSUER", "name": "NAME", "parent": "MATTER"}[f]
		})
	}
	return nil
}
