package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpSaysEachDefaultOnce walks every command's flags as --help prints
// them: a default stated in the usage text is not repeated by pflag's own
// "(default …)", which printed `--server … (default from IPCASE_SERVER, else
// ipcase login) (default "127.0.0.1:7070")` under every command.
func TestHelpSaysEachDefaultOnce(t *testing.T) {
	t.Parallel()
	root := newRootCmd(io.Discard, io.Discard, "")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		usage := c.LocalFlags().FlagUsages() + c.InheritedFlags().FlagUsages()
		for line := range strings.SplitSeq(usage, "\n") {
			if strings.Count(line, "default") > 1 {
				t.Errorf("%s --help: %q", c.CommandPath(), strings.TrimSpace(line))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	// A back-quoted word in a usage becomes the flag's placeholder: the
	// goods' id, not the word "show".
	custody, _, err := root.Find([]string{"enforcement", "custody"})
	if err != nil {
		t.Fatal(err)
	}
	if u := custody.LocalFlags().FlagUsages(); !strings.Contains(u, "--goods id") {
		t.Errorf("enforcement custody --help:\n%s\nwant --goods id", u)
	}
}
