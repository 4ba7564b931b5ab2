package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/events"
)

// newDevCmd is `ipcased dev`, the development helpers.
func newDevCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Development helpers",
		Long:  `The dev commands make what a development setup needs and production gets elsewhere.`,
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("give a subcommand: certs or event-schemas")
		},
	}
	cmd.AddCommand(newCertsCmd(), newEventSchemasCmd())
	return cmd
}

// newEventSchemasCmd is `ipcased dev event-schemas`, which scripts/gen.sh
// runs to write api/events/payloads.schema.json.
func newEventSchemasCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "event-schemas",
		Short: "Print the JSON Schema of every event type's payload",
		Long: `Event-schemas prints the JSON Schema (draft 2020-12) of the payload of every
event type, generated from the Go payload types: $defs holds one schema per
type, keyed by the type (e.g. "enforcement.decided"). scripts/gen.sh writes it
to api/events/payloads.schema.json.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := events.PayloadSchemas()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}

func newCertsCmd() *cobra.Command {
	var (
		dir    string
		courts []string
	)
	cmd := &cobra.Command{
		Use:   "certs --dir DIR --court CODE [--court CODE ...]",
		Short: "Make a development CA, a server certificate and court client certificates",
		Long: `Certs writes into --dir a development CA (ca.pem, ca-key.pem), a server
certificate for localhost and 127.0.0.1 (server.pem, server-key.pem) and a
client certificate for each --court (court-1.pem, court-1-key.pem, ...),
valid for a year. If the CA is already there it changes nothing, so it is
safe to run again. Point IPCASE_COURT_TLS_CERT, IPCASE_COURT_TLS_KEY and
IPCASE_COURT_CA at them; in production these come from your PKI.`,
		Args:    noArgs,
		PreRunE: requireFlags("dir", "court"),
		RunE: func(*cobra.Command, []string) error {
			return auth.WriteDevCerts(dir, courts, time.Now())
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "`directory` for the CA, server and court certificates (required)")
	cmd.Flags().StringArrayVar(&courts, "court", nil, "court `code` to issue a client certificate for (required, repeatable)")
	return cmd
}
