package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sethvargo/go-envconfig"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/audit"
	"github.com/ipcase/ipcase/internal/store"
)

// newAuditCmd is `ipcased audit`, with verify-access-log under it.
func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the officials' access log",
		Long: `The audit commands check the record of officials' reads of matters (the
access log), which ipcased keeps hash-chained and seals with the checkpoint
key; AuditService.ListAccessLog lists it.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("give a subcommand: verify-access-log")
		},
	}
	cmd.AddCommand(newVerifyAccessLogCmd())
	return cmd
}

func newVerifyAccessLogCmd() *cobra.Command {
	var (
		keyPath string
		seals   []string
	)
	cmd := &cobra.Command{
		Use:   "verify-access-log [--key FILE] [--seal HASH ...]",
		Short: "Verify the access log's chains and seals",
		Long: `Verify-access-log checks the officials' access log in the database at
DATABASE_URL: every row's hash, recomputed from its columns; every chain,
from its first row to its head, without gaps; every seal's hash, its link to
the seal before it and its signature under the checkpoint key. A row
deleted or changed after a seal covered it is reported, however the chains
were rewritten to hide it. Rows logged since the last seal are counted, not
vouched for: ipcased seals every IPCASE_AUDIT_SEAL_INTERVAL.

Each --seal is the hash of a seal recorded outside the database (ipcased
logs "access log sealed" with its seal_hash): it must still be there, which
shows the newest seals and their rows were not removed together.

It prints what it found and exits 1 if anything does not check.

Environment: DATABASE_URL; IPCASE_CHECKPOINT_KEY_FILE, the default of --key
(the private key, or its public JWK or a JWKS: verifying needs only the
public half).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return verifyAccessLog(cmd.Context(), cmd.OutOrStdout(), keyPath, seals)
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", envOr("IPCASE_CHECKPOINT_KEY_FILE", ""), "checkpoint key `file` (JWK or JWKS), from IPCASE_CHECKPOINT_KEY_FILE if set")
	cmd.Flags().StringArrayVar(&seals, "seal", nil, "`hash` (hex) of a seal that must still be there (repeatable)")
	return cmd
}

// errAccessLogBroken is verify-access-log's failure; what is wrong was
// printed.
var errAccessLogBroken = errors.New("the access log does not verify")

func verifyAccessLog(ctx context.Context, stdout io.Writer, keyPath string, seals []string) error {
	if keyPath == "" {
		return usagef("--key is required (or IPCASE_CHECKPOINT_KEY_FILE)")
	}
	var cfg store.Config
	if err := envconfig.Process(ctx, &cfg); err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	key, err := audit.LoadSealKey(keyPath)
	if err != nil {
		return err
	}
	var v audit.Verification
	err = withLogger(func(logger *zap.Logger) error {
		db, err := store.Open(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer func() { _ = db.Close() }()
		v, err = audit.VerifyAccessLog(ctx, db, key, seals...)
		return err
	})
	if err != nil {
		return err
	}
	last := "no seal yet"
	if v.Seals > 0 {
		last = fmt.Sprintf("%d seals, the last at %s", v.Seals, v.LastSeal.UTC().Format(time.RFC3339))
	}
	state := "intact"
	if !v.Intact {
		state = "NOT INTACT"
	}
	if _, err := fmt.Fprintf(stdout, "access log %s: %d rows in %d chains; %s; %d rows logged since\n", state, v.Rows, v.Chains, last, v.Unsealed); err != nil {
		return err
	}
	for _, p := range v.Problems {
		if _, err := fmt.Fprintln(stdout, "  "+p); err != nil {
			return err
		}
	}
	if !v.Intact {
		// What is wrong was printed; a verdict, not a failure to log.
		return errAccessLogBroken
	}
	return nil
}
