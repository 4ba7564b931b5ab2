package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

func newMattersCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "matters",
		Short: "List matters, show one, or read its timeline",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newMattersListCmd(cfg), newMattersShowCmd(cfg), newMattersTimelineCmd(cfg), newSignInLinkCmd(cfg))
	return cmd
}

var listFlags = map[string]string{"page_size": "--limit", "page_token": "--page-token", "state": "--state",
	"ip_type": "--ip-type", "party": "--party", "filed_from": "--filed-from", "filed_to": "--filed-to",
	"view": "--view"}

func newMattersListCmd(cfg *config) *cobra.Command {
	var (
		req          ipcasev1.ListMattersRequest
		state, ipTyp string
		view         string
		limit        int32
		all          bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the matters you may see, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req.PageSize = limit
			if state != "" {
				v, ok := ipcasev1.MatterState_value["MATTER_STATE_"+enumName(state)]
				if !ok {
					return usagef("--state: %q is not submitted, accepted, rejected, withdrawn or closed", state)
				}
				req.State = ipcasev1.MatterState(v)
			}
			if ipTyp != "" {
				v, ok := ipcasev1.IpType_value["IP_TYPE_"+enumName(ipTyp)]
				if !ok {
					return usagef("--ip-type: %q is not an IP type (trademark, copyright, patent-invention, …)", ipTyp)
				}
				req.IpType = ipcasev1.IpType(v)
			}
			switch strings.ToLower(view) {
			case "full":
			case "basic":
				req.View = ipcasev1.MatterView_MATTER_VIEW_BASIC
			default:
				return usagef("--view: %q is not basic or full", view)
			}
			if req.Party != "" && !strings.HasPrefix(req.Party, "parties/") {
				req.Party = "parties/" + req.Party
			}
			out := &ipcasev1.ListMattersResponse{}
			err := withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
				for {
					page, err := c.filing.ListMatters(ctx, &req)
					if err != nil {
						return err
					}
					out.Matters = append(out.Matters, page.GetMatters()...)
					out.NextPageToken = page.GetNextPageToken()
					if !all || out.NextPageToken == "" {
						return nil
					}
					req.PageToken = out.NextPageToken
				}
			}, "FilingService.ListMatters", func(f string) string { return listFlags[f] })
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, out)
			}
			return printMatters(cfg.stdout, out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "only matters in this state: submitted, accepted, rejected, withdrawn, closed")
	f.StringVar(&ipTyp, "ip-type", "", "only matters with a right of this type: trademark, copyright, patent-invention, trade-secret, …")
	f.StringVar(&req.Party, "party", "", "only matters where this party (parties/{id} or the id) takes part")
	f.StringVar(&req.FiledFrom, "filed-from", "", "only matters filed on or after this day (YYYY-MM-DD, China time)")
	f.StringVar(&req.FiledTo, "filed-to", "", "only matters filed on or before this day (YYYY-MM-DD, China time)")
	f.Int32Var(&limit, "limit", 0, "matters per page (1–100; default 20)")
	f.StringVar(&req.PageToken, "page-token", "", "continue from a previous list's next page token")
	f.BoolVar(&all, "all", false, "follow every page")
	f.StringVar(&view, "view", "full", "basic: each matter without its rights, facts, evidence and proceedings (a faster page; no IP type column)")
	return cmd
}

// enumName turns a flag value into an enum suffix: patent-invention →
// PATENT_INVENTION.
func enumName(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

func printMatters(w io.Writer, res *ipcasev1.ListMattersResponse) error {
	var b bytes.Buffer
	t := newTable(&b)
	// Chinese names come last: tabwriter counts a wide character as one
	// column, so anything after them would not line up.
	t.printf("NUMBER\tSTATE\tIP TYPE\tAGENCY\tFILED\tNAME\tCOMPLAINANT\n")
	for _, m := range res.GetMatters() {
		ip := ""
		if len(m.GetRights()) > 0 {
			ip = lower(m.GetRights()[0].GetType().String(), "IP_TYPE_")
		}
		t.printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.GetNumber(), lower(m.GetState().String(), "MATTER_STATE_"), ip,
			m.GetAgency(), day(m.GetCreateTime()), m.GetName(), m.GetComplainant().GetDisplayName())
	}
	if err := t.flush(); err != nil {
		return err
	}
	if len(res.GetMatters()) == 0 {
		b.Reset()
		b.WriteString("No matters.\n")
	}
	if t := res.GetNextPageToken(); t != "" {
		fmt.Fprintf(&b, "More: --page-token %s (or --all)\n", t)
	}
	return write(w, b.Bytes())
}

func newMattersShowCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:               "show MATTER",
		Short:             "Show a matter: parties, rights, evidence, proceedings and the next deadline",
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st *ipcasev1.MatterStatus
			err := withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
				res, err := c.status.GetMatterStatus(ctx, &ipcasev1.GetMatterStatusRequest{Name: matterName(args[0])})
				st = res.GetStatus()
				return err
			}, "StatusService.GetMatterStatus", func(f string) string { return map[string]string{"name": "MATTER"}[f] })
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, st)
			}
			return printMatter(cfg.stdout, st)
		},
	}
}

func printMatter(w io.Writer, st *ipcasev1.MatterStatus) error {
	m := st.GetMatter()
	var b bytes.Buffer
	t := newTable(&b)
	t.printf("Matter\t%s\t%s\n", m.GetNumber(), m.GetName())
	t.printf("State\t%s\n", plainMatterState(m.GetState()))
	t.printf("Agency\t%s\n", m.GetAgency())
	t.printf("Filed\t%s\n", clock(m.GetCreateTime()))
	if m.GetKnownSince() != "" {
		t.printf("Known since\t%s\n", m.GetKnownSince())
	}
	t.printf("Etag\t%s\n", m.GetEtag())
	t.printf("Complainant\t%s\n", partyLine(m.GetComplainant()))
	for i, p := range m.GetRespondents() {
		label := ""
		if i == 0 {
			label = "Respondents"
		}
		t.printf("%s\t%s\n", label, partyLine(p))
	}
	if d := st.GetNextDeadline(); d != nil {
		t.printf("Next deadline\t%s by %s\t%s\n", d.GetKind(), d.GetDueDate(), d.GetRule())
	}
	if err := t.flush(); err != nil {
		return err
	}
	if err := section(&b, "Rights", len(m.GetRights()), func(t *table) {
		for _, r := range m.GetRights() {
			t.printf("%s\t%s\t%s\n", lower(r.GetType().String(), "IP_TYPE_"), r.GetRegistrationNumber(), r.GetTitle())
		}
	}); err != nil {
		return err
	}
	if err := section(&b, "Evidence", len(m.GetEvidence()), func(t *table) {
		for _, e := range m.GetEvidence() {
			t.printf("%s…\t%s\t%d bytes\t%s\t%s\n", e.GetSha256()[:min(12, len(e.GetSha256()))], e.GetMediaType(),
				e.GetSizeBytes(), lower(e.GetSource().String(), "EVIDENCE_SOURCE_"), e.GetDescription())
		}
	}); err != nil {
		return err
	}
	if err := section(&b, "Proceedings", len(m.GetProceedings()), func(t *table) {
		// The name is the CASE of `ipcase enforcement` and `ipcase mediation`.
		t.printf("KIND\tSTATE\tFORUM\tNUMBER\tSINCE\tNAME\n")
		for _, p := range m.GetProceedings() {
			t.printf("%s\t%s\t%s\t%s\t%s\t%s\n", lower(p.GetKind().String(), "PROCEEDING_KIND_"),
				lower(p.GetState().String(), "PROCEEDING_STATE_"), p.GetForum(), p.GetNumber(), clock(p.GetUpdateTime()), p.GetName())
		}
	}); err != nil {
		return err
	}
	if err := section(&b, "Warnings", len(m.GetWarnings()), func(t *table) {
		for _, wa := range m.GetWarnings() {
			t.printf("%s\t%s\n", wa.GetCode(), wa.GetMessage())
		}
	}); err != nil {
		return err
	}
	return write(w, b.Bytes())
}

// section writes a titled, indented table of n rows, if there are any.
func section(b *bytes.Buffer, title string, n int, rows func(*table)) error {
	if n == 0 {
		return nil
	}
	fmt.Fprintf(b, "\n%s\n", title)
	t := newTable(b)
	t.out = &indent{w: t.tw}
	rows(t)
	return t.flush()
}

// indent prefixes each line with two spaces.
type indent struct{ w io.Writer }

func (i *indent) Write(p []byte) (int, error) {
	lines := strings.SplitAfter(string(p), "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(i.w, "  "+l); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func partyLine(p *ipcasev1.Party) string {
	s := p.GetDisplayName()
	if p.GetCreditCode() != "" {
		s += " (" + p.GetCreditCode() + ")"
	}
	return s + "  " + p.GetName()
}

// plainMatterState says where a matter stands in a few words.
func plainMatterState(s ipcasev1.MatterState) string {
	return map[ipcasev1.MatterState]string{
		ipcasev1.MatterState_MATTER_STATE_SUBMITTED: "submitted, awaiting review",
		ipcasev1.MatterState_MATTER_STATE_ACCEPTED:  "accepted, in progress",
		ipcasev1.MatterState_MATTER_STATE_REJECTED:  "rejected",
		ipcasev1.MatterState_MATTER_STATE_WITHDRAWN: "withdrawn",
		ipcasev1.MatterState_MATTER_STATE_CLOSED:    "closed",
	}[s]
}

func newMattersTimelineCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:               "timeline MATTER",
		Short:             "Show a matter's timeline: every event of every proceeding, oldest first",
		Args:              oneMatter,
		ValidArgsFunction: completeMatters(cfg),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := &ipcasev1.ListMatterEventsResponse{}
			err := withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) error {
				req := &ipcasev1.ListMatterEventsRequest{Parent: matterName(args[0]), PageSize: 500}
				for {
					page, err := c.filing.ListMatterEvents(ctx, req)
					if err != nil {
						return err
					}
					out.Events = append(out.Events, page.GetEvents()...)
					if req.PageToken = page.GetNextPageToken(); req.PageToken == "" {
						return nil
					}
				}
			}, "FilingService.ListMatterEvents", func(f string) string { return map[string]string{"parent": "MATTER"}[f] })
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeProto(cfg.stdout, out)
			}
			return printTimeline(cfg.stdout, out.GetEvents())
		},
	}
}

// printTimeline writes one block per event: when, what, who, then its
// details indented.
func printTimeline(w io.Writer, evs []*ipcasev1.Event) error {
	var b bytes.Buffer
	width := 28 // the type column fits the longest type shown
	for _, e := range evs {
		width = max(width, len(e.GetType()))
	}
	for _, e := range evs {
		who := e.GetActor().GetRole()
		if s := e.GetActor().GetSubject(); s != "" {
			who = s + " (" + who + ")"
		}
		if o := e.GetActor().GetOrganization(); o != "" {
			who += ", " + o
		}
		fmt.Fprintf(&b, "%s  #%-3d %-*s by %s\n", clock(e.GetOccurTime()), e.GetSequence(), width, e.GetType(), who)
		fields := e.GetPayload().GetFields()
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, _ := protojson.Marshal(fields[k])
			fmt.Fprintf(&b, "%24s%s: %s\n", "", k, strings.Trim(string(v), `"`))
		}
	}
	if len(evs) == 0 {
		b.WriteString("No events.\n")
	}
	return write(w, b.Bytes())
}

func clock(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().In(civil.China).Format("2006-01-02 15:04 MST")
}

func day(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().In(civil.China).Format(time.DateOnly)
}

// writeProto writes m as the JSON the HTTP API speaks (proto3 JSON, field
// names in lowerCamelCase), so scripts can use either.
func writeProto(w io.Writer, m proto.Message) error {
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(m)
	if err != nil {
		return &failure{fmt.Errorf("encoding JSON: %w", err)}
	}
	return write(w, append(b, '\n'))
}
