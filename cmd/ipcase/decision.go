package main

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/genproto/googleapis/api/httpbody"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func newDecisionCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "decision",
		Short: "A matter's signed decisions: list them, write one as the PDF to print and file",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list MATTER",
		Short: "List a matter's signed decisions with their names and verification codes",
		Long: `list shows the decisions ipcase signed in MATTER (matters/{id} or the bare id),
oldest first: each one's name (for ipcase decision pdf), verification code, kind,
number, issuer and day.`,
		Args: exactArgs(1, "one matter"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if !strings.HasPrefix(name, "matters/") {
				name = "matters/" + name
			}
			return listDecisions(cmd.Context(), cfg, name)
		},
	})
	var file string
	pdf := &cobra.Command{
		Use:   "pdf NAME",
		Short: "Write a decision as the formal document (PDF) to print and file",
		Long: `pdf asks ipcased to render the decision NAME (matters/{id}/decisions/{code}, as
ipcase decision list prints it; the code as printed, case and hyphens ignored)
as its formal document — 行政处罚决定书, 民事判决书, 民事裁定书, 生效证明书 or
案件移送书 — and writes the PDF to --file (default {code}.pdf; - for stdout).
Every page carries the verification code and a QR code of its verification URL.`,
		Example: `  ipcase decision pdf matters/0b5e…/decisions/ABCDE-23456 --file decision.pdf`,
		Args:    exactArgs(1, "one decision name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeDecisionPDF(cmd.Context(), cfg, args[0], file)
		},
	}
	pdf.Flags().StringVarP(&file, "file", "f", "", "where to write the PDF (default {code}.pdf in the current folder; - for stdout)")
	cmd.AddCommand(pdf)
	return cmd
}

// exactArgs refuses a count of arguments other than n as a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%q takes %s, got %d arguments", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

func listDecisions(ctx context.Context, cfg *config, matter string) error {
	var res *ipcasev1.ListDecisionsResponse
	err := callDecisions(ctx, cfg, "ListDecisions", func(ctx context.Context, c ipcasev1.DecisionServiceClient) (err error) {
		res, err = c.ListDecisions(ctx, &ipcasev1.ListDecisionsRequest{Parent: matter})
		return err
	})
	if err != nil {
		return err
	}
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, res.GetDecisions())
	}
	if len(res.GetDecisions()) == 0 {
		return writef(cfg.stdout, "%s: no signed decisions\n", matter)
	}
	for _, d := range res.GetDecisions() {
		if err := writef(cfg.stdout, "%s  %s %s, %s, %s\n  %s\n", d.GetCode(), d.GetKind(), d.GetNumber(), d.GetIssuer(), d.GetDecidedOn(),
			d.GetName()); err != nil {
			return err
		}
	}
	return nil
}

func writeDecisionPDF(ctx context.Context, cfg *config, name, file string) error {
	var res *httpbody.HttpBody
	err := callDecisions(ctx, cfg, "GetDecisionDocument", func(ctx context.Context, c ipcasev1.DecisionServiceClient) (err error) {
		res, err = c.GetDecisionDocument(ctx, &ipcasev1.GetDecisionDocumentRequest{Name: name})
		return err
	})
	if err != nil {
		return err
	}
	if file == "-" {
		_, err := cfg.stdout.Write(res.GetData())
		return err
	}
	if file == "" {
		code := name[strings.LastIndex(name, "/")+1:]
		file = strings.ToUpper(strings.ReplaceAll(code, "-", "")) + ".pdf"
	}
	if err := os.WriteFile(file, res.GetData(), 0o600); err != nil {
		return &failure{err}
	}
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, struct {
			File  string `json:"file"`
			Bytes int    `json:"bytes"`
		}{file, len(res.GetData())})
	}
	return writef(cfg.stdout, "wrote %s (%d bytes)\n", file, len(res.GetData()))
}
