package main

import (
	"context"
	"errors"
	"regexp"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/events/follow"
)

// errEnough ends a tail that has printed --count events.
var errEnough = errors.New("enough events")

var eventTypeFlag = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

func newEventsCmd(cfg *config) *cobra.Command {
	evs := &cobra.Command{
		Use:   "events",
		Short: "Follow the event exchange between the administrative and judicial sides",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var after int64
	var types []string
	var count int
	tail := &cobra.Command{
		Use:   "tail",
		Short: "Print the events you may see from a log position on, then new ones as they commit",
		Long: `tail subscribes to EventService and prints each event the caller may see, with its
log position, oldest first, then every new one as it commits, until Ctrl-C or
--count events. Start again with --after set to the last position printed to
miss nothing; if the connection to ipcased breaks, tail resumes by itself.
With -o json it prints one JSON object per line.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if after < 0 {
				return usagef("--after: must not be negative, got %d", after)
			}
			for _, t := range types {
				if !eventTypeFlag.MatchString(t) {
					return usagef("--type: %q is not a dotted event type such as enforcement.transferred_to_court", t)
				}
			}
			return tailEvents(cmd.Context(), cfg, after, types, count)
		},
	}
	tail.Flags().Int64Var(&after, "after", 0, "log `position` to start after (the last one you processed)")
	tail.Flags().StringArrayVar(&types, "type", nil, "only events of this `type`; repeat for several")
	tail.Flags().IntVar(&count, "count", 0, "stop after this many events; 0 follows until interrupted")
	evs.AddCommand(tail)
	return evs
}

func tailEvents(ctx context.Context, cfg *config, after int64, types []string, count int) error {
	conn, err := dial(cfg)
	if err != nil {
		return &failure{err}
	}
	defer conn.Close() //nolint:errcheck // nothing to do about a failed close
	printed := 0
	err = follow.Follow(ctx, ipcasev1.NewEventServiceClient(conn), after, types, func(r *ipcasev1.SubscribeResponse) error {
		if err := printEvent(cfg, r); err != nil {
			return err
		}
		if printed++; count > 0 && printed >= count {
			return errEnough
		}
		return nil
	})
	switch {
	case errors.Is(err, errEnough), ctx.Err() != nil:
		return nil
	case err != nil:
		return remoteError(cfg, "EventService.Subscribe", err, func(f string) string {
			return map[string]string{"after_position": "--after", "types": "--type"}[f]
		})
	}
	return nil
}

func printEvent(cfg *config, r *ipcasev1.SubscribeResponse) error {
	if cfg.output == outputJSON {
		b, err := protojson.Marshal(r)
		if err != nil {
			return &failure{err}
		}
		return writef(cfg.stdout, "%s\n", b)
	}
	e := r.GetEvent()
	by := e.GetActor().GetSubject()
	if org := e.GetActor().GetOrganization(); org != "" {
		by += ", " + org
	}
	return writef(cfg.stdout, "%-8d %s  %-40s %s  by %s\n", r.GetPosition(),
		e.GetOccurTime().AsTime().In(civil.China).Format("2006-01-02 15:04:05 MST"), e.GetType(), e.GetName(), by)
}
