package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func newCompletionCmd(root *cobra.Command) *cobra.Command {
	// This command replaces cobra's default one, to document the set-up
	// and to refuse an unknown shell as a usage error.
	root.CompletionOptions.DisableDefaultCmd = true
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script for bash, zsh or fish",
		Long: `completion prints a script that makes the shell complete ipcase's commands,
flags and, from the server you are logged in to, matter names.

  bash:  source <(ipcase completion bash)       # or save it in /etc/bash_completion.d/ipcase
  zsh:   ipcase completion zsh > "${fpath[1]}/_ipcase"
  fish:  ipcase completion fish > ~/.config/fish/completions/ipcase.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%q takes one shell: bash, zsh or fish", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			var err error
			switch args[0] {
			case "bash":
				err = root.GenBashCompletionV2(out, true)
			case "zsh":
				err = root.GenZshCompletion(out)
			case "fish":
				err = root.GenFishCompletion(out, true)
			default:
				return usagef("completion: %q is not bash, zsh or fish", args[0])
			}
			if err != nil {
				return &failure{fmt.Errorf("writing the completion script: %w", err)}
			}
			return nil
		},
	}
}

// completeMatters completes a MATTER argument with the newest matters the
// caller may see, each with its number and state as the description. It
// asks the server quickly and quietly: a completion offers nothing rather
// than fail.
func completeMatters(cfg *config) cobra.CompletionFunc {
	return completeFromServer(cfg, func(ctx context.Context, c clients, toComplete string) ([]cobra.Completion, error) {
		res, err := c.filing.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 100})
		var out []cobra.Completion
		for _, m := range res.GetMatters() {
			if strings.HasPrefix(m.GetName(), toComplete) || strings.HasPrefix(strings.TrimPrefix(m.GetName(), "matters/"), toComplete) {
				out = append(out, cobra.CompletionWithDesc(m.GetName(), m.GetNumber()+" "+plainMatterState(m.GetState())))
			}
		}
		return out, err
	})
}

// completeFromServer completes a command's one argument with what list
// finds on the server: it asks quickly (3 s) and quietly, and offers
// nothing rather than fail.
func completeFromServer(cfg *config, list func(ctx context.Context, c clients, toComplete string) ([]cobra.Completion, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 3*time.Second)
		defer cancel()
		conn, err := dial(cfg)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer conn.Close() //nolint:errcheck // nothing to do about a failed close
		out, err := list(ctx, clients{filing: ipcasev1.NewFilingServiceClient(conn)}, toComplete)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
