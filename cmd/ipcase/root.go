package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// defaultServer is where ipcased listens by default (IPCASE_GRPC_ADDR).
const defaultServer = "127.0.0.1:7070"

// version is set at release with -ldflags "-X main.version=v1.2.3"; a build
// from source reports the module version Go recorded.
var version = ""

// config holds the root's persistent flags, shared by every command.
type config struct {
	server string
	token  string
	tlsCA  string
	// cert and key are a court's client certificate and key (PEM): with
	// them the CLI calls as that court, over mutual TLS, with no token.
	cert, key string
	// saved is what the last login saved.
	saved   savedLogin
	output  string
	timeout time.Duration
	stdout  io.Writer
}

const (
	outputTable = "table"
	outputJSON  = "json"
)

func newRootCmd(stdout, stderr io.Writer, envServer string) *cobra.Command {
	// What `ipcase login` saved fills in what neither a flag nor the
	// environment gives; a broken file is reported when a command runs.
	saved, savedErr := loadLogin()
	cfg := &config{stdout: stdout, saved: saved}
	envServer = firstOf(envServer, saved.Server, defaultServer)
	root := &cobra.Command{
		Use:   "ipcase",
		Short: "Command-line client of ipcased, the ipcase case-management server",
		Long: `ipcase is the command-line client of ipcased for officers, judges' clerks and mediators.

Exit codes: 0 ok; 1 failure (e.g. the server cannot be reached); 2 usage error;
3 refused by a rule: a bad field (one line per field on stderr), a move the
state table does not allow, a stale --etag;
4 a matter's history failed verification.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if savedErr != nil {
				return &failure{savedErr}
			}
			if cfg.output != outputTable && cfg.output != outputJSON {
				return usagef("-o/--output: %q is not an output format; use table or json", cfg.output)
			}
			if cfg.timeout <= 0 {
				return usagef("--timeout: %s must be positive", cfg.timeout)
			}
			// A token given now beats a court certificate saved by an
			// earlier login, which would otherwise win at the server.
			if cfg.token != "" && saved.Token == "" {
				cfg.dropSavedCourt(cmd)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&cfg.server, "server", envServer, "ipcased gRPC address `host:port` (default from IPCASE_SERVER, else ipcase login, else 127.0.0.1:7070)")
	pf.Lookup("server").DefValue = "" // said once, in the usage above
	pf.StringVar(&cfg.token, "token", firstOf(os.Getenv("IPCASE_TOKEN"), saved.Token), "bearer token (default from IPCASE_TOKEN, else ipcase login)")
	pf.Lookup("token").DefValue = "" // --help must not print a token
	pf.StringVar(&cfg.tlsCA, "tls-ca", firstOf(os.Getenv("IPCASE_TLS_CA"), saved.TLSCA), "CA `file` to verify ipcased's certificate; without it the connection is plaintext (default from IPCASE_TLS_CA, else ipcase login)")
	pf.StringVar(&cfg.cert, "cert", firstOf(os.Getenv("IPCASE_COURT_CERT"), saved.Cert), "a court's client certificate `file` (PEM): call as that court, over mutual TLS (default from IPCASE_COURT_CERT, else ipcase login --court)")
	pf.StringVar(&cfg.key, "key", firstOf(os.Getenv("IPCASE_COURT_KEY"), saved.Key), "the court certificate's private key `file` (PEM) (default from IPCASE_COURT_KEY, else ipcase login --court)")
	pf.StringVarP(&cfg.output, "output", "o", outputTable, "output format: table or json")
	pf.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "how long to wait for the server")
	root.AddCommand(newVersionCmd(cfg), newDamagesCmd(cfg), newAuditCmd(cfg), newDeadlineCmd(cfg), newVerifyCmd(cfg), newDecisionCmd(cfg), newDecisionKeyCmd(cfg))
	root.AddCommand(newLoginCmd(cfg), newLogoutCmd(cfg), newMattersCmd(cfg), newComplaintCmd(cfg), newCompletionCmd(root))
	root.AddCommand(newEventsCmd(cfg), guardSecondCase(cfg, newEnforcementCmd(cfg)), newMediationCmd(cfg), newCourtCmd(cfg), newCustomsCmd(cfg))
	return root
}

// dropSavedCourt forgets the court certificate, key and CA that a court's
// login saved, where no flag or variable gives them now: a command run
// with a token is not a court's.
func (cfg *config) dropSavedCourt(cmd *cobra.Command) {
	if cfg.saved.Cert == "" {
		return
	}
	if !cmd.Flags().Changed("cert") && os.Getenv("IPCASE_COURT_CERT") == "" {
		cfg.cert, cfg.key = "", ""
	}
	if !cmd.Flags().Changed("tls-ca") && !cmd.Flags().Changed("ca") && os.Getenv("IPCASE_TLS_CA") == "" {
		cfg.tlsCA = ""
	}
}

// noArgs refuses positional arguments as a usage error, naming them.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usagef("%q takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// dial connects to ipcased at cfg.server. It is the one place that knows
// how the CLI reaches the server, so transport security and credentials
// are added here. The connection is lazy: an unreachable server shows up
// as an Unavailable error on the first call, under that call's context.
func dial(cfg *config) (*grpc.ClientConn, error) {
	transport := insecure.NewCredentials()
	if cfg.cert != "" || cfg.key != "" {
		var err error
		if transport, err = courtTransport(cfg); err != nil {
			return nil, err
		}
	} else if cfg.tlsCA != "" {
		var err error
		if transport, err = credentials.NewClientTLSFromFile(cfg.tlsCA, ""); err != nil {
			return nil, fmt.Errorf("--tls-ca: %w", err)
		}
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(transport), grpc.WithUserAgent("ipcase/" + buildVersion())}
	if cfg.token != "" && cfg.cert == "" { // a court is its certificate
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: cfg.token, secure: cfg.tlsCA != ""}))
	}
	if u := strings.ToLower(cfg.server); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "grpc://") {
		return nil, fmt.Errorf("--server %q: give ipcased's gRPC address as host:port (e.g. 127.0.0.1:7070), not a URL", cfg.server)
	}
	conn, err := grpc.NewClient(cfg.server, opts...)
	if err != nil {
		return nil, fmt.Errorf("dialing ipcased at %s: %w", cfg.server, err)
	}
	return conn, nil
}

// flagChanged reports whether any of the named flags was set.
func flagChanged(fs *pflag.FlagSet, names ...string) []string {
	var set []string
	for _, n := range names {
		if fs.Changed(n) {
			set = append(set, "--"+n)
		}
	}
	return set
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func newVersionCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of ipcase",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := struct {
				Version string `json:"version"`
				Go      string `json:"go"`
			}{buildVersion(), runtime.Version()}
			if cfg.output == outputJSON {
				return writeJSON(cfg.stdout, v)
			}
			return writef(cfg.stdout, "ipcase %s (%s)\n", v.Version, v.Go)
		},
	}
}

// bearer sends the token with every call. Plaintext is allowed so that the
// CLI works against a development server on loopback; use --tls-ca
// everywhere else.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.secure }
