package main

import (
	"context"
	"errors"
	"fmt"

	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// transition is what the complaint verbs share: the matter, its etag, a
// request id, and the verb's own request.
type transition struct {
	etag, requestID string
}

func (tr *transition) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&tr.etag, "etag", "", "the matter's etag as you last read it (ipcase matters show); without it the current one is read, and a change made since then by someone else is not detected")
	cmd.Flags().StringVar(&tr.requestID, "request-id", "", "makes the call safe to retry: the same id returns the first answer (default: a new id)")
}

// transitionFlags maps request fields to the flags that set them.
var transitionFlags = map[string]string{
	"name": "MATTER", "etag": "--etag", "request_id": "--request-id", "route": "--route",
	"forum": "--forum", "note": "--note", "reason": "--reason",
}

func flagOfTransition(field string) string { return transitionFlags[stripIndex(field)] }

func newComplaintCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "complaint",
		Short: "File a complaint, or review one: accept it into a proceeding, reject it, or withdraw it",
		Long: `The filing review of a complaint ends in one of three ways. Each verb takes the
matter (matters/{id} or the bare id) and refuses, with exit code 3 and the
reason, a move the state table does not allow (a complaint already decided)
or a stale --etag (someone changed the matter since you read it).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var (
		tr                         transition
		route, forum, note, reason string
	)
	accept := &cobra.Command{
		Use:               "accept MATTER --route enforcement|mediation|trial --forum CODE",
		Short:             "Accept a submitted complaint and route the matter into enforcement, mediation or trial",
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := routes[route]
			if !ok {
				return usagef("--route: %q is not enforcement, mediation or trial", route)
			}
			var accepted *ipcasev1.Matter
			err := tr.run(cmd.Context(), cfg, "AcceptComplaint", matterName(args[0]), func(ctx context.Context, c clients, name, etag, id string) (*ipcasev1.Matter, error) {
				r, err := c.filing.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: name, Etag: etag, RequestId: id, Route: kind, Forum: forum, Note: note})
				accepted = r.GetMatter()
				return accepted, err
			})
			if err != nil || cfg.output == outputJSON {
				return err
			}
			return writef(cfg.stdout, "%s\n", nextAfterAccept(accepted, kind, forum))
		},
	}
	accept.Flags().StringVar(&route, "route", "", "where the matter goes: enforcement, mediation or trial")
	accept.Flags().StringVar(&forum, "forum", "", "code of the agency (enforcement, mediation) or court (trial) that takes the matter")
	accept.Flags().StringVar(&note, "note", "", "reviewer's note (not shown to the rights holder)")
	tr.flags(accept)

	reject := &cobra.Command{
		Use:               "reject MATTER --reason TEXT",
		Short:             "Reject a submitted complaint, with the reason the complainant will read",
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			return tr.run(cmd.Context(), cfg, "RejectComplaint", matterName(args[0]), func(ctx context.Context, c clients, name, etag, id string) (*ipcasev1.Matter, error) {
				r, err := c.filing.RejectComplaint(ctx, &ipcasev1.RejectComplaintRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
				return r.GetMatter(), err
			})
		},
	}
	reject.Flags().StringVar(&reason, "reason", "", "why the complaint is rejected (required)")
	tr.flags(reject)

	withdraw := &cobra.Command{
		Use:               "withdraw MATTER [--reason TEXT]",
		Short:             "Withdraw a complaint that has not been decided, at the complainant's request",
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			return tr.run(cmd.Context(), cfg, "WithdrawComplaint", matterName(args[0]), func(ctx context.Context, c clients, name, etag, id string) (*ipcasev1.Matter, error) {
				r, err := c.filing.WithdrawComplaint(ctx, &ipcasev1.WithdrawComplaintRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
				return r.GetMatter(), err
			})
		},
	}
	withdraw.Flags().StringVar(&reason, "reason", "", "why the complaint is withdrawn")
	tr.flags(withdraw)
	cmd.AddCommand(newComplaintSubmitCmd(cfg), accept, reject, withdraw)
	return cmd
}

// nextAfterAccept says what accepting the matter into route before forum
// did and what comes next. Acceptance opens the route's proceeding, but
// only a trial gets going by itself (the court receives it and dockets
// it); an enforcement case is opened, and a mediation requested, by the
// next command.
func nextAfterAccept(m *ipcasev1.Matter, route ipcasev1.ProceedingKind, forum string) string {
	switch route {
	case ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT:
		return fmt.Sprintf("Accepted into enforcement before %s; no case is open yet.\nNext: ipcase enforcement open %s --agency %s", forum, m.GetName(), forum)
	case ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION:
		return fmt.Sprintf("Accepted into mediation before %s; no mediation is requested yet.\nNext: ipcase mediation request %s --forum %s", forum, m.GetName(), forum)
	default:
		trial := "PROCEEDING"
		for _, p := range m.GetProceedings() {
			if p.GetKind() == route && p.GetForum() == forum {
				trial = p.GetName()
			}
		}
		return fmt.Sprintf("Accepted into trial before %s; the court receives it, awaiting docketing.\nNext, as %s: ipcase court docket %s --kind civil", forum, forum, trial)
	}
}

var routes = map[string]ipcasev1.ProceedingKind{
	"enforcement": ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT,
	"mediation":   ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION,
	"trial":       ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL,
}

// run reads the etag if none was given, applies call, and prints the
// matter as it now stands.
func (tr *transition) run(ctx context.Context, cfg *config, method, name string,
	call func(ctx context.Context, c clients, name, etag, requestID string) (*ipcasev1.Matter, error)) error {
	id := firstOf(tr.requestID, "cli-"+uuid.NewString())
	var m *ipcasev1.Matter
	err := withConn(ctx, cfg, func(ctx context.Context, c clients) error {
		etag := tr.etag
		if etag == "" {
			cur, err := c.filing.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: name})
			if err != nil {
				return err
			}
			etag = cur.GetMatter().GetEtag()
		}
		var err error
		m, err = call(ctx, c, name, etag, id)
		return err
	}, "FilingService."+method, flagOfTransition)
	if err != nil {
		return err
	}
	if cfg.output == outputJSON {
		return writeProto(cfg.stdout, m)
	}
	return writef(cfg.stdout, "%s: %s (%s). etag %s\n", m.GetNumber(), plainMatterState(m.GetState()),
		proceedingsSummary(m), m.GetEtag())
}

// proceedingsSummary says how the filing review ended and where the matter
// went: "filing review accepted before SAMR-HZ; enforcement opened before
// SAMR-HZ".
func proceedingsSummary(m *ipcasev1.Matter) string {
	parts := []string{}
	for _, p := range m.GetProceedings() {
		s := fmt.Sprintf("%s %s", lower(p.GetKind().String(), "PROCEEDING_KIND_"), lower(p.GetState().String(), "PROCEEDING_STATE_"))
		if p.GetForum() != "" {
			s += " before " + p.GetForum()
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// callError turns a gRPC error into a command error: a move the state
// table refuses and a stale etag are refusals (exit 3) in plain words,
// like bad fields; the rest as remoteError says.
func callError(cfg *config, method string, err error, flagOf func(string) string) error {
	var (
		ue *usageError
		fe *failure
	)
	if errors.As(err, &ue) || errors.As(err, &fe) { // a flag found wrong, or a failure explained, once the command ran
		return err
	}
	st := status.Convert(err)
	switch st.Code() {
	case codes.FailedPrecondition:
		return &refusedError{[]string{st.Message()}}
	case codes.Aborted:
		return &refusedError{[]string{st.Message() +
			" (run the command again without --etag to act on the matter as it is now)"}}
	case codes.AlreadyExists:
		return &refusedError{[]string{st.Message()}}
	case codes.PermissionDenied:
		return &failure{fmt.Errorf("not allowed: %s", st.Message())}
	case codes.NotFound:
		return &failure{errors.New(st.Message())}
	default:
		// Bad fields, credentials, an unreachable server, … read as for any
		// other call.
		return remoteError(cfg, method, err, flagOf)
	}
}

// oneMatter accepts exactly one MATTER argument.
func oneMatter(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef("%q takes one matter (matters/{id} or the id), got %d arguments", cmd.CommandPath(), len(args))
	}
	return nil
}

// matterName accepts matters/{id} or the bare id.
func matterName(arg string) string {
	if strings.HasPrefix(arg, "matters/") {
		return arg
	}
	return "matters/" + arg
}

// lower turns an enum name into lower-case words: PROCEEDING_KIND_FILING_REVIEW → "filing review".
func lower(name, prefix string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, prefix), "_", " "))
}
