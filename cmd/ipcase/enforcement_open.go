package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// guardSecondCase makes `enforcement open` (a subcommand of enf) refuse a
// matter that already has an enforcement case, whatever its state or
// agency, unless --another is given. ipcased refuses a second case only
// while the first, before the same agency, is not closed; once it is
// closed, or before another agency, a second one would open silently.
func guardSecondCase(cfg *config, enf *cobra.Command) *cobra.Command {
	open, _, err := enf.Find([]string{"open"})
	if err != nil || open == enf {
		panic("enforcement has no open command")
	}
	var another bool
	open.Flags().BoolVar(&another, "another", false, "open a case on a matter that already has one (closed, or before another agency)")
	run := open.RunE
	open.RunE = func(cmd *cobra.Command, args []string) error {
		if !another && len(args) == 1 {
			if err := refuseSecondCase(cmd.Context(), cfg, matterName(args[0])); err != nil {
				return err
			}
		}
		return run(cmd, args)
	}
	return enf
}

// refuseSecondCase refuses, naming them, the enforcement cases matter
// already has.
func refuseSecondCase(ctx context.Context, cfg *config, matter string) error {
	var cases []string
	number := ""
	err := withConn(ctx, cfg, func(ctx context.Context, c clients) error {
		m, err := c.filing.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: matter})
		if err != nil {
			return err
		}
		number = m.GetMatter().GetNumber()
		for _, p := range m.GetMatter().GetProceedings() {
			if p.GetKind() != ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT {
				continue
			}
			r, err := c.enforcement.GetEnforcement(ctx, &ipcasev1.GetEnforcementRequest{Name: p.GetName()})
			if status.Code(err) == codes.NotFound { // opened by the acceptance, no case yet
				continue
			}
			if err != nil {
				return err
			}
			k := r.GetCase()
			cases = append(cases, fmt.Sprintf("%s (%s before %s, opened %s)", k.GetName(), lowerState(k.GetState()), k.GetAgency(), k.GetOpenedOn()))
		}
		return nil
	}, "EnforcementService.GetEnforcement", stepFlag)
	if err != nil || len(cases) == 0 {
		return err
	}
	return &refusedError{[]string{fmt.Sprintf("matter %s already has an enforcement case: %s; give --another to open a second one",
		number, strings.Join(cases, ", "))}}
}
