// Command ipcased serves the ipcase gRPC services over one Postgres case
// store, and makes what they need: the schema, keys, tokens, development
// certificates and demo data.
//
//	ipcased [serve] [--side S]          serve gRPC (the default); S is all,
//	                                    administrative or judicial
//	ipcased migrate [--create]          apply the embedded SQL migrations
//	ipcased token keygen|issue ...      make signing keys and mint tokens
//	ipcased dev certs --dir DIR ...     make a development CA and certificates
//	ipcased demo [--addr ADDR]          file a few demo complaints through the API
//
// Every command explains itself with --help. Configuration comes from the
// environment; see README.md. Exit codes: 0 ok, 1 failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}

// run executes the command line args. Help and what a command prints go to
// stdout; a failure is returned and written to stderr as one line naming
// the command. serve and migrate also log, through zap, to the process's
// standard error (IPCASE_LOG_MODE, IPCASE_LOG_LEVEL).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(args)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	if cmd != nil && cmd != root {
		err = fmt.Errorf("%s: %w", strings.TrimPrefix(cmd.CommandPath(), root.Name()+" "), err)
	}
	_, _ = fmt.Fprintf(stderr, "ipcased: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	return err
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// exitCode is the process's exit code after run returned err.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, new(*usageError)):
		return exitUsage
	}
	return exitFailure
}

func newRootCmd(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "ipcased",
		Short: "Serve the ipcase gRPC services over one Postgres case store",
		Long: `ipcased runs the ipcase gRPC services (filing, enforcement, mediation,
trials, evidence, the calculators, the event exchange) over one Postgres
case store. Without a command it serves, as "ipcased serve" does.

Configuration comes from the environment (DATABASE_URL, IPCASE_*): each
command's --help names what it reads, and README.md, "Configuration", lists
every variable with its default.

Exit codes: 0 ok; 1 failure (a configuration error, a database that cannot
be reached, a server that stopped on an error); 2 usage error.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		Args:              noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), "")
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return flagError(cmd, args, err)
	})
	root.AddCommand(newServeCmd(), newMigrateCmd(), newTokenCmd(), newDevCmd(), newDemoCmd(), newAuditCmd())
	return root
}

// usageError is a command line that cannot be run: an unknown command or
// flag, a bad flag value, a required flag left out.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// flagError makes a flag the command line could not parse a usage error.
// Flags used to take one dash (-kid); such a flag is named with its new
// spelling rather than reported as unknown shorthands.
func flagError(cmd *cobra.Command, args []string, err error) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(name) > 1 && cmd.Flags().Lookup(name) != nil {
			return usagef("-%s is not a flag; use --%s", name, name)
		}
	}
	return &usageError{err}
}

// noArgs refuses positional arguments as a usage error, naming them.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if !cmd.HasSubCommands() {
		return usagef("takes no arguments, got %q", args)
	}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor does not apply
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return usagef("unknown command %q; did you mean %q?", args[0], s[0])
	}
	return usagef("unknown command %q", args[0])
}

// requireFlags is a PreRunE refusing a command line that leaves one of the
// named flags empty.
func requireFlags(names ...string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		for _, n := range names {
			v := cmd.Flags().Lookup(n).Value
			empty := v.String() == ""
			if s, ok := v.(pflag.SliceValue); ok {
				empty = len(s.GetSlice()) == 0
			}
			if empty {
				return usagef("--%s is required", n)
			}
		}
		return nil
	}
}

// withLogger runs fn with the logger the environment describes. What fn
// returns is logged as well as returned: fn has started logging, and log
// collectors may read only JSON.
func withLogger(fn func(*zap.Logger) error) error {
	logger := logging.NewFromEnv()
	defer logger.Sync() //nolint:errcheck // nothing to do about a failed flush at exit
	err := fn(logger)
	if err != nil {
		logger.Error("ipcased exited", zap.Error(err))
	}
	return err
}
