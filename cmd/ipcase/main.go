// Command ipcase is the command-line client of ipcased for officers, judges'
// clerks and mediators.
//
//	ipcase version
//	ipcase damages calc [--local] --ip-type T --conduct-start D --conduct-end D ...
//	ipcase damages fine [--local] --offence O --conduct-date D --decision-date D ...
//	ipcase audit verify MATTER
//	ipcase decision list MATTER
//	ipcase decision pdf NAME [--file FILE]
//
// Without --local a command calls ipcased at --server (IPCASE_SERVER, else
// 127.0.0.1:7070); with --local the damages commands compute in process with
// the same code the server runs, so both give the same output. -o json
// prints machine-readable output. Exit codes: 0 ok, 1 failure (e.g. server
// unreachable), 2 usage error, 3 input refused by a rule of law (one line per
// refused field on stderr, naming the flag and the rule), 4 a matter's
// history failed verification. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitRefused = 3
	exitBroken  = 4
)

// run executes the command line args and returns the exit code. It reads
// IPCASE_SERVER from the environment and writes only to stdout and stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr, os.Getenv("IPCASE_SERVER"))
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var (
		ref *refusedError
		fe  *failure
	)
	switch {
	case errors.As(err, &ref):
		for _, v := range ref.violations {
			complain(stderr, "ipcase: refused: %s\n", v)
		}
		return exitRefused
	case errors.As(err, new(*brokenError)):
		complain(stderr, "ipcase: %v\n", err)
		return exitBroken
	case errors.As(err, &fe):
		complain(stderr, "ipcase: %v\n", fe.err)
		return exitFailure
	default:
		// Anything not returned by a command's own code comes from parsing
		// the command line.
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		complain(stderr, "ipcase: %v\nRun '%s --help' for usage.\n", err, path)
		return exitUsage
	}
}

// complain writes a message to stderr. A failed write is not reported:
// stderr was the place to report it, and the exit code still says what
// happened.
func complain(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, format, args...)
}

// usageError is a command line that cannot be run: an unknown flag value, a
// bad combination of flags.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// refusedError is a request refused by a rule: the server's (or the local
// calculator's) field violations, each already rendered for the user.
type refusedError struct{ violations []string }

func (e *refusedError) Error() string {
	return fmt.Sprintf("refused: %d field(s)", len(e.violations))
}

// failure is any other error of a command that ran: the server could not be
// reached, a response could not be read, output could not be written.
type failure struct{ err error }

func (e *failure) Error() string { return e.err.Error() }
func (e *failure) Unwrap() error { return e.err }
