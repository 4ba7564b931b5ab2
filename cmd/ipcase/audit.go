package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// brokenError is a history that failed verification (exit code 4).
type brokenError struct {
	matter  string
	seq     int64
	problem string
}

// Error names the first event that fails its check, or, when every event
// checks out but the matter's rows are not what its history signed (seq
// 0), says so.
func (e *brokenError) Error() string {
	if e.seq == 0 {
		return fmt.Sprintf("%s: history broken: %s", e.matter, e.problem)
	}
	return fmt.Sprintf("%s: history broken at event %d: %s", e.matter, e.seq, e.problem)
}

func newAuditCmd(cfg *config) *cobra.Command {
	audit := &cobra.Command{
		Use:   "audit",
		Short: "Check a matter's tamper-evident history",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	audit.AddCommand(&cobra.Command{
		Use:   "verify MATTER",
		Short: "Recompute a matter's event hash chain and signed head, and check the matter against them",
		Long: `verify asks ipcased to recompute the SHA-256 chain of MATTER's events, check
the signed head of the chain, and check that the matter as stored (its state,
agency and parties, each proceeding's kind, state and forum, and each
proceeding record's state) is what the head signs. MATTER is matters/{id} or
the bare id. It exits 0 when the history is intact and 4 when it is broken,
naming the first broken event or each field that differs from the history.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%q takes one matter, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if !strings.HasPrefix(name, "matters/") {
				name = "matters/" + name
			}
			return verify(cmd.Context(), cfg, name)
		},
	})
	return audit
}

func verify(ctx context.Context, cfg *config, name string) error {
	conn, err := dial(cfg)
	if err != nil {
		return &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	res, err := ipcasev1.NewFilingServiceClient(conn).VerifyMatterHistory(ctx, &ipcasev1.VerifyMatterHistoryRequest{Name: name})
	if err != nil {
		return remoteError(cfg, "FilingService.VerifyMatterHistory", err, func(string) string { return "" })
	}
	if cfg.output == outputJSON {
		err = writeJSON(cfg.stdout, struct {
			Matter              string `json:"matter"`
			Intact              bool   `json:"intact"`
			EventsChecked       int64  `json:"eventsChecked"`
			FirstBrokenSequence int64  `json:"firstBrokenSequence,omitempty"`
			Problem             string `json:"problem,omitempty"`
		}{name, res.GetIntact(), res.GetEventsChecked(), res.GetFirstBrokenSequence(), res.GetProblem()})
	} else if res.GetIntact() {
		err = writef(cfg.stdout, "%s: history intact, %d events checked\n", name, res.GetEventsChecked())
	}
	if err != nil {
		return &failure{err}
	}
	if !res.GetIntact() {
		return &brokenError{matter: name, seq: res.GetFirstBrokenSequence(), problem: res.GetProblem()}
	}
	return nil
}
