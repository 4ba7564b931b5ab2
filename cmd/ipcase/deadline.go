package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"

	"github.com/spf13/cobra"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
)

func newDeadlineCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deadline",
		Short: "Compute statutory deadlines on China's official holiday calendar",
		Long: `Compute statutory deadlines (calc) on the State Council's holiday calendar,
with each step of the count and the article behind it.

Without --local the command calls DeadlineService on ipcased; with --local it
computes in process with the same code and the calendar shipped in ipcase
(plus the files of --calendar-dir), offline.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usagef("give a subcommand: calc")
		},
	}
	cmd.AddCommand(newDeadlineCalcCmd(cfg))
	return cmd
}

// deadlineFlags are the flags of `ipcase deadline calc`.
type deadlineFlags struct {
	local       bool
	from        string
	period      int
	unit        string
	basis       string
	calendarDir string
}

func newDeadlineCalcCmd(cfg *config) *cobra.Command {
	var f deadlineFlags
	cmd := &cobra.Command{
		Use:   "calc",
		Short: "Compute the due date of a period started on a date",
		Long: `Compute the last day of a statutory period.

The trigger day (--from) is not counted (CPL Art. 85; Civil Code Art. 201).
calendar-days  every day counts; a last day on a public holiday or an ordinary
               weekend moves to the next working day (CPL Art. 85; Civil Code Art. 203)
working-days   only working days count (Administrative Penalty Law Art. 85); no move
months, years  the corresponding day, else the month's last day (Civil Code Art. 202),
               then the same move
A make-up working day (调休上班, a Saturday or Sunday the notice makes a working
day) is a working day: a period ending on one is NOT extended. The law is
unsettled there (CPL Art. 85 and Civil Code Art. 203 move only a statutory
rest day, and the notice makes the day a working day), and the steps say so.

A date in a year from 2025 on without a holiday notice (to 2100) is read from
that year's statutory holidays alone (National Holiday Measures Art. 2), a
provisional calendar that cannot foresee the notice's swapped days and make-up
working days: the due date is computed and marked PROVISIONAL (in JSON,
"provisional": true), and the steps say so. A date in an earlier year without
a notice, or after 2100, is refused (exit 3), naming the year.`,
		Example: `  ipcase deadline calc --local --from 2024-01-26 --period 15 --unit calendar-days --basis "CPL Art. 171" -o json
  ipcase deadline calc --local --from 2024-09-27 --period 5 --unit working-days --basis "Administrative Penalty Law Art. 64"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request(cmd)
			if err != nil {
				return err
			}
			c, err := calculateDeadline(cmd.Context(), cfg, f, req)
			if err != nil {
				return err
			}
			return printDeadline(cfg, c)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.local, "local", false, "compute in process, without a server")
	fs.StringVar(&f.from, "from", "", "the trigger date (YYYY-MM-DD): service of the judgment, filing of the case…; not counted")
	fs.IntVar(&f.period, "period", 0, "the length of the period in units")
	fs.StringVar(&f.unit, "unit", "", "calendar-days, working-days, months or years")
	fs.StringVar(&f.basis, "basis", "", `the article that sets the period, e.g. "CPL Art. 171"; cited in the steps`)
	fs.StringVar(&f.calendarDir, "calendar-dir", os.Getenv("IPCASE_CALENDAR_DIR"),
		"with --local, a `directory` of calendar files (YYYY.json) replacing or adding years (default from IPCASE_CALENDAR_DIR)")
	return cmd
}

// request builds the DeadlineService request. Only the unit's spelling and
// flag combinations are checked here, as usage errors; dates, periods and
// the calendar are left to the calculator, so that --local and the server
// refuse alike.
func (f *deadlineFlags) request(cmd *cobra.Command) (*ipcasev1.CalculateDeadlineRequest, error) {
	if !f.local && cmd.Flags().Changed("calendar-dir") {
		return nil, usagef("--calendar-dir applies with --local; ipcased reads its own IPCASE_CALENDAR_DIR")
	}
	if f.period > math.MaxInt32 || f.period < math.MinInt32 {
		return nil, usagef("--period: %d is out of range", f.period)
	}
	req := &ipcasev1.CalculateDeadlineRequest{TriggerDate: f.from, Period: int32(f.period), Basis: f.basis}
	if f.unit != "" {
		u, err := deadline.ParseUnit(f.unit)
		if err != nil {
			return nil, usagef("--unit: %v", err)
		}
		req.Unit = u.Proto()
	}
	return req, nil
}

// calculateDeadline runs req in process (with --local) or on the server.
func calculateDeadline(ctx context.Context, cfg *config, f deadlineFlags, req *ipcasev1.CalculateDeadlineRequest) (deadline.Computation, error) {
	if f.local {
		cal, err := deadline.LoadCalendar(f.calendarDir)
		if err != nil {
			return deadline.Computation{}, &failure{err}
		}
		c, err := deadline.CalculateFromProto(cal, req)
		return c, commandError(err, deadlineFlagOf)
	}
	conn, err := dial(cfg)
	if err != nil {
		return deadline.Computation{}, &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	resp, err := ipcasev1.NewDeadlineServiceClient(conn).CalculateDeadline(ctx, req)
	if err != nil {
		return deadline.Computation{}, remoteError(cfg, "DeadlineService.CalculateDeadline", err, deadlineFlagOf)
	}
	c, err := deadline.ComputationFromProto(req, resp)
	if err != nil {
		return deadline.Computation{}, &failure{fmt.Errorf("DeadlineService.CalculateDeadline answered: %w", err)}
	}
	return c, nil
}

// deadlineFlagOf names the flag behind a CalculateDeadlineRequest field.
func deadlineFlagOf(field string) string {
	return map[string]string{"trigger_date": "--from", "period": "--period", "unit": "--unit", "basis": "--basis"}[field]
}

// printDeadline writes c as JSON (the JSON form of deadline.Computation)
// or as a table followed by the steps.
func printDeadline(cfg *config, c deadline.Computation) error {
	c.Steps = nonNil(c.Steps)
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, c)
	}
	day := func(d civil.Date) string { return fmt.Sprintf("%s (%s)", d, d.Weekday().String()[:3]) }
	var b bytes.Buffer
	t := newTable(&b)
	switch {
	case c.Provisional:
		t.printf("Due\t%s\tPROVISIONAL: no holiday notice is loaded for a year it counts in; recomputed when one is\n", day(c.Due))
	case c.EndsOnMakeUpWorkingDay:
		t.printf("Due\t%s\tmake-up working day — the period is NOT extended\n", day(c.Due))
	default:
		t.printf("Due\t%s\n", day(c.Due))
	}
	if c.Adjusted {
		t.printf("Last day\t%s\ta rest day; moved to the next working day\n", day(c.RawEnd))
	}
	t.printf("Period\t%s from %s\n", c.Rule, day(c.Trigger))
	t.printf("Calendar\t%s\n", c.CalendarVersion)
	if err := t.flush(); err != nil {
		return err
	}
	writeList(&b, "Steps", c.Steps, true)
	return write(cfg.stdout, b.Bytes())
}
