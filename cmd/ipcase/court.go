package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/credentials"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/damages"
)

// courtTransport is mutual TLS with the court's certificate (--cert,
// --key), trusting the CA of --tls-ca for the server's certificate.
func courtTransport(cfg *config) (credentials.TransportCredentials, error) {
	if cfg.cert == "" || cfg.key == "" {
		return nil, fmt.Errorf("--cert and --key: give both the court's certificate and its key")
	}
	if cfg.tlsCA == "" {
		return nil, fmt.Errorf("--tls-ca: a court's certificate needs the CA that signs ipcased's court listener certificate")
	}
	cert, err := tls.LoadX509KeyPair(cfg.cert, cfg.key)
	if err != nil {
		return nil, fmt.Errorf("--cert/--key: %w", err)
	}
	b, err := os.ReadFile(cfg.tlsCA)
	if err != nil {
		return nil, fmt.Errorf("--tls-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("--tls-ca: %s holds no PEM certificate", cfg.tlsCA)
	}
	return credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}), nil
}

// courtOf reads the court code from the certificate at path: the URI SAN
// spiffe://ipcase/court/{code} that ipcased reads.
func courtOf(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--cert: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return "", fmt.Errorf("--cert: %s holds no PEM certificate", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return "", fmt.Errorf("--cert %s: %w", path, err)
	}
	code, err := auth.CourtFromCert(c)
	if err != nil {
		return "", fmt.Errorf("--cert %s is not a court's certificate: %w", path, err)
	}
	return code, nil
}

// courtLogin checks the court's certificate with ipcased (a call over
// mutual TLS) and saves the server, the certificate, its key and the CA.
func courtLogin(ctx context.Context, cfg *config) error {
	if cfg.cert == "" || cfg.key == "" || cfg.tlsCA == "" {
		return usagef("login --court needs --cert, --key and --ca (the court's certificate, its key, and the CA of ipcased's court listener)")
	}
	code, err := courtOf(cfg.cert)
	if err != nil {
		return usagef("%v", err)
	}
	cfg.token = ""
	// Any call a court may make proves the handshake: both sides answer
	// ListMatters, which a court may call (its own matters only).
	err = withConn(ctx, cfg, func(ctx context.Context, c clients) error {
		_, err := c.filing.ListMatters(ctx, &ipcasev1.ListMattersRequest{PageSize: 1})
		return err
	}, "FilingService.ListMatters", noFlags)
	if err != nil {
		return err
	}
	for _, p := range []*string{&cfg.cert, &cfg.key, &cfg.tlsCA} {
		*p = absPath(*p)
	}
	path, err := saveLogin(savedLogin{Server: cfg.server, TLSCA: cfg.tlsCA, Cert: cfg.cert, Key: cfg.key})
	if err != nil {
		return &failure{fmt.Errorf("saving the login: %w", err)}
	}
	// The URI SAN as written, not percent-encoded (京73, not %E4%BA%AC73).
	subject := "spiffe://" + auth.CourtURI(code).Host + auth.CourtURI(code).Path
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, struct {
			Server       string `json:"server"`
			Subject      string `json:"subject"`
			Role         string `json:"role"`
			Organization string `json:"organization"`
			Config       string `json:"config"`
		}{cfg.server, subject, string(auth.Court), code, path})
	}
	return writef(cfg.stdout, "Logged in to %s as court %s (%s), over mutual TLS.\nSaved to %s.\n", cfg.server, code, subject, path)
}

// absPath makes a saved file name work from any directory.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// The court's verbs.

func getTrial(ctx context.Context, c clients, name string) (record, error) {
	r, err := c.trial.GetTrial(ctx, &ipcasev1.GetTrialRequest{Name: name})
	return r.GetTrial(), err
}

// trialFields name the flag behind a TrialService request field, where it
// is not the field's name with dashes.
var trialFields = map[string]string{
	"name": "PROCEEDING", "etag": "--etag", "request_id": "--request-id", "members": "--member",
	"order.kind": "--kind", "order.ordered_on": "--on", "order.security_yuan": "--security",
	"exchange.held_on": "--on", "exchange.sha256": "--sha256", "exchange.notes": "--notes",
	"costs_yuan": "--costs", "served_on": "--on", "pause.reason": "--reason", "pause.notes": "--notes",
}

// trialFlag names the flag behind a TrialService request field; the
// judgment's damages fields are the damages calc flags.
func trialFlag(field string) string {
	if rest, ok := strings.CutPrefix(field, "damages."); ok {
		return damagesFlagOf(rest)
	}
	if f, ok := trialFields[stripIndex(field)]; ok {
		return f
	}
	return stepFlag(field)
}

// trialVerbs builds the court's commands.
var trialVerbs = proceedingVerbs{service: "TrialService", get: getTrial, summary: trialSummary, flagOf: trialFlag}

// courtStep builds a court-only step: it needs the court's certificate.
func courtStep(cfg *config, use, short, method string, call stepCall) *cobra.Command {
	cmd := trialVerbs.step(cfg, use, short, method, call)
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if cfg.cert == "" {
			return &failure{fmt.Errorf("%s is a court's act: run ipcase login --court --server HOST:7071 --cert court.pem --key court-key.pem --ca ca.pem (or give --cert, --key and --tls-ca)", method)}
		}
		return nil
	}
	cmd.ValidArgsFunction = completeTrials(cfg)
	return cmd
}

func newCourtCmd(cfg *config) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "court",
		Aliases: []string{"trial"},
		Short:   "The court's side, over mutual TLS: docket, panel, preservation, hearing, judgment, service, appeal, confirmation",
		Long: `The court's verbs act on a trial or confirmation proceeding before the court
whose certificate the CLI holds (ipcase login --court). PROCEEDING is
matters/{m}/proceedings/{p}: court list prints them, and completion offers
them. A transferred or routed case arrives AWAITING_DOCKETING; an appeal opens
the second instance, DOCKETED, at the appellate court; a request for
judicial confirmation arrives REQUESTED.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	show := trialVerbs.show(cfg, "Show a trial or confirmation", "GetTrial")
	show.ValidArgsFunction = completeTrials(cfg)
	cmd.AddCommand(newCourtListCmd(cfg), show, newCourtDocketCmd(cfg), newCourtDeclineCmd(cfg), newCourtExtendCmd(cfg), newCourtPauseCmd(cfg),
		newCourtPanelCmd(cfg), newCourtPreserveCmd(cfg), newCourtExchangeCmd(cfg), newCourtHearingCmd(cfg), newCourtHearingHeldCmd(cfg),
		newCourtJudgmentCmd(cfg), newCourtServeCmd(cfg), newCourtAppealCmd(cfg), newCourtEndCmd(cfg, "withdraw"), newCourtEndCmd(cfg, "settle"),
		newCourtConfirmCmd(cfg), newCourtRefuseCmd(cfg))
	return cmd
}

// courtCase is a trial or confirmation proceeding as court list shows it.
type courtCase struct {
	Proceeding string `json:"proceeding"`
	Kind       string `json:"kind"`
	State      string `json:"state"`
	Forum      string `json:"court"`
	Matter     string `json:"matter"`
	Number     string `json:"matterNumber"`
}

// listTrials lists the trial and confirmation proceedings on the matters
// the caller may see, before court (any court if empty).
func listTrials(ctx context.Context, c clients, court string) ([]courtCase, error) {
	var out []courtCase
	req := &ipcasev1.ListMattersRequest{PageSize: 100}
	for {
		page, err := c.filing.ListMatters(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, m := range page.GetMatters() {
			for _, p := range m.GetProceedings() {
				k := p.GetKind()
				if k != ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL && k != ipcasev1.ProceedingKind_PROCEEDING_KIND_CONFIRMATION {
					continue
				}
				if court != "" && p.GetForum() != court {
					continue
				}
				out = append(out, courtCase{Proceeding: p.GetName(), Kind: lower(k.String(), "PROCEEDING_KIND_"),
					State: lowerState(p.GetState()), Forum: p.GetForum(), Matter: m.GetName(), Number: m.GetNumber()})
			}
		}
		if req.PageToken = page.GetNextPageToken(); req.PageToken == "" {
			return out, nil
		}
	}
}

func newCourtListCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the trials and confirmation requests before your court (the docket)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			court := ""
			if cfg.cert != "" {
				var err error
				if court, err = courtOf(cfg.cert); err != nil {
					return &failure{err}
				}
			}
			var cases []courtCase
			err := withConn(cmd.Context(), cfg, func(ctx context.Context, c clients) (err error) {
				cases, err = listTrials(ctx, c, court)
				return err
			}, "FilingService.ListMatters", noFlags)
			if err != nil {
				return err
			}
			if cfg.output == outputJSON {
				return writeJSON(cfg.stdout, append([]courtCase{}, cases...))
			}
			var b bytes.Buffer
			t := newTable(&b)
			t.printf("PROCEEDING\tKIND\tSTATE\tCOURT\tMATTER\n")
			for _, k := range cases {
				t.printf("%s\t%s\t%s\t%s\t%s\n", k.Proceeding, k.Kind, k.State, k.Forum, k.Number)
			}
			if err := t.flush(); err != nil {
				return err
			}
			return write(cfg.stdout, b.Bytes())
		},
	}
}

// completeTrials completes a PROCEEDING with the trials and confirmations
// the caller may see, each with its state and matter number; like
// completeMatters it offers nothing rather than fail.
func completeTrials(cfg *config) cobra.CompletionFunc {
	return completeFromServer(cfg, func(ctx context.Context, c clients, toComplete string) ([]cobra.Completion, error) {
		cases, err := listTrials(ctx, c, "")
		var out []cobra.Completion
		for _, k := range cases {
			if strings.HasPrefix(k.Proceeding, toComplete) {
				out = append(out, cobra.CompletionWithDesc(k.Proceeding, k.Number+" "+k.Kind+" "+k.Forum+" "+k.State))
			}
		}
		return out, err
	})
}

// enumFlag reads a CLI spelling ("settlement-talks") of an enum value
// PREFIX_SETTLEMENT_TALKS; an unknown one is a usage error listing choices.
func enumFlag(flag, s, prefix string, values map[string]int32, choices string) (int32, error) {
	v, ok := values[prefix+enumName(s)]
	if !ok || v == 0 {
		return 0, usagef("%s: %q is not %s", flag, s, choices)
	}
	return v, nil
}

func newCourtDocketCmd(cfg *config) *cobra.Command {
	var f struct {
		kind, instance, procedure string
		foreign                   bool
	}
	cmd := courtStep(cfg, "docket PROCEEDING --kind civil|criminal|administrative [--procedure ordinary|summary] [--instance first|second] [--foreign-related]",
		"Docket (立案) a case awaiting docketing: number it and start the trial time limit", "DocketTrial",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.DocketTrialRequest{Name: name, Etag: etag, RequestId: id, ForeignRelated: f.foreign}
			k, err := enumFlag("--kind", f.kind, "CASE_KIND_", ipcasev1.CaseKind_value, "civil, criminal or administrative")
			if err != nil {
				return nil, err
			}
			req.Kind = ipcasev1.CaseKind(k)
			if f.instance != "" {
				v, err := enumFlag("--instance", f.instance, "TRIAL_INSTANCE_", ipcasev1.TrialInstance_value, "first or second")
				if err != nil {
					return nil, err
				}
				req.Instance = ipcasev1.TrialInstance(v)
			}
			if f.procedure != "" {
				v, err := enumFlag("--procedure", f.procedure, "TRIAL_PROCEDURE_", ipcasev1.TrialProcedure_value, "ordinary or summary")
				if err != nil {
					return nil, err
				}
				req.Procedure = ipcasev1.TrialProcedure(v)
			}
			r, err := c.trial.DocketTrial(ctx, req)
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.kind, "kind", "", "civil, criminal or administrative")
	fs.StringVar(&f.instance, "instance", "", "first or second instance (default first)")
	fs.StringVar(&f.procedure, "procedure", "", "ordinary (6 months, CPL Art. 152) or summary (3 months, CPL Art. 164) (default ordinary)")
	fs.BoolVar(&f.foreign, "foreign-related", false, "foreign-related for a reason the parties do not show (no time limit, CPL Art. 287)")
	return cmd
}

func newCourtDeclineCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := courtStep(cfg, "decline PROCEEDING --reason TEXT", "Decline to docket a case, with reasons", "DeclineTrial",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.DeclineTrial(ctx, &ipcasev1.DeclineTrialRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetTrial(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

func newCourtExtendCmd(cfg *config) *cobra.Command {
	var f struct{ approvedBy, reason string }
	cmd := courtStep(cfg, "extend PROCEEDING --approved-by WHO --reason TEXT",
		"Extend the trial time limit with the court president's approval (CPL Art. 152: 6 months; Art. 164: 1 month)", "ExtendTimeLimit",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.ExtendTimeLimit(ctx, &ipcasev1.ExtendTimeLimitRequest{Name: name, Etag: etag, RequestId: id, ApprovedBy: f.approvedBy, Reason: f.reason})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.approvedBy, "approved-by", "", "the court president who approved")
	fs.StringVar(&f.reason, "reason", "", "why")
	return cmd
}

func newCourtPauseCmd(cfg *config) *cobra.Command {
	var f struct{ reason, start, end, notes string }
	cmd := courtStep(cfg, "pause PROCEEDING --reason announcement|appraisal|settlement-talks|jurisdiction-objection|jurisdiction-dispute --start D --end D",
		"Record a period the trial time limit does not count (SPC Interpretation on the Application of the CPL (2022) Art. 243)", "PauseTimeLimit",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			v, err := enumFlag("--reason", f.reason, "TIME_LIMIT_PAUSE_REASON_", ipcasev1.TimeLimitPauseReason_value,
				"announcement, appraisal, settlement-talks, jurisdiction-objection or jurisdiction-dispute")
			if err != nil {
				return nil, err
			}
			r, err := c.trial.PauseTimeLimit(ctx, &ipcasev1.PauseTimeLimitRequest{Name: name, Etag: etag, RequestId: id,
				Pause: &ipcasev1.TimeLimitPause{Reason: ipcasev1.TimeLimitPauseReason(v), Start: f.start, End: f.end, Notes: f.notes}})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.reason, "reason", "", "why the period does not count")
	fs.StringVar(&f.start, "start", "", "first day not counted (YYYY-MM-DD)")
	fs.StringVar(&f.end, "end", "", "last day not counted (YYYY-MM-DD; may lie ahead)")
	fs.StringVar(&f.notes, "notes", "", "e.g. the appraisal body")
	return cmd
}

func newCourtPanelCmd(cfg *config) *cobra.Command {
	var members []string
	cmd := courtStep(cfg, "panel PROCEEDING --member ROLE:NAME …",
		"Form the panel (one presiding judge); the case moves to pre-trial", "AssignPanel",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.AssignPanelRequest{Name: name, Etag: etag, RequestId: id}
			for _, m := range members {
				role, who, ok := strings.Cut(m, ":")
				if !ok || who == "" {
					return nil, usagef("--member %q: want ROLE:NAME, ROLE presiding-judge, judge, peoples-assessor or technical-investigator", m)
				}
				req.Members = append(req.Members, &ipcasev1.PanelMember{Role: enumName(role), Name: who})
			}
			r, err := c.trial.AssignPanel(ctx, req)
			return r.GetTrial(), err
		})
	cmd.Flags().StringArrayVar(&members, "member", nil, "a member as ROLE:NAME, ROLE presiding-judge, judge, peoples-assessor or technical-investigator (repeat)")
	return cmd
}

func newCourtPreserveCmd(cfg *config) *cobra.Command {
	var f struct{ kind, applicant, subject, on, security string }
	cmd := courtStep(cfg, "preserve PROCEEDING --kind evidence|property|conduct --subject TEXT [--applicant parties/{id}] [--security YUAN] [--on D]",
		"Record a preservation order (evidence, property, or conduct such as a preliminary injunction)", "OrderPreservation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			k, err := enumFlag("--kind", f.kind, "PRESERVATION_KIND_", ipcasev1.PreservationKind_value, "evidence, property or conduct")
			if err != nil {
				return nil, err
			}
			r, err := c.trial.OrderPreservation(ctx, &ipcasev1.OrderPreservationRequest{Name: name, Etag: etag, RequestId: id,
				Order: &ipcasev1.Preservation{Kind: ipcasev1.PreservationKind(k), Applicant: f.applicant, Subject: f.subject, OrderedOn: f.on, SecurityYuan: f.security}})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.kind, "kind", "", "evidence, property or conduct")
	fs.StringVar(&f.applicant, "applicant", "", "the party applying, parties/{id}")
	fs.StringVar(&f.subject, "subject", "", "what is preserved")
	fs.StringVar(&f.security, "security", "", "the security given, yuan")
	fs.StringVar(&f.on, "on", "", "day of the order (default today)")
	return cmd
}

func newCourtExchangeCmd(cfg *config) *cobra.Command {
	var f struct {
		digests   []string
		notes, on string
	}
	cmd := courtStep(cfg, "exchange PROCEEDING --sha256 DIGEST … [--notes TEXT] [--on D]", "Record an evidence exchange (证据交换)", "RecordEvidenceExchange",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.RecordEvidenceExchange(ctx, &ipcasev1.RecordEvidenceExchangeRequest{Name: name, Etag: etag, RequestId: id,
				Exchange: &ipcasev1.EvidenceExchange{HeldOn: f.on, Sha256: f.digests, Notes: f.notes}})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringArrayVar(&f.digests, "sha256", nil, "digest of an evidence file exchanged, as matters show prints it (repeat)")
	fs.StringVar(&f.notes, "notes", "", "notes")
	fs.StringVar(&f.on, "on", "", "day of the exchange (default today)")
	return cmd
}

func newCourtHearingCmd(cfg *config) *cobra.Command {
	var f struct{ date, place string }
	cmd := courtStep(cfg, "hearing PROCEEDING --date D --place PLACE", "Schedule a hearing", "ScheduleHearing",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.ScheduleHearing(ctx, &ipcasev1.ScheduleHearingRequest{Name: name, Etag: etag, RequestId: id, Date: f.date, Place: f.place})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.date, "date", "", "day of the hearing (YYYY-MM-DD)")
	fs.StringVar(&f.place, "place", "", "the courtroom")
	return cmd
}

func newCourtHearingHeldCmd(cfg *config) *cobra.Command {
	var f struct {
		attendees []string
		record    string
	}
	cmd := courtStep(cfg, "hearing-held PROCEEDING --record TEXT [--attendee A …]", "Record the hearing held", "RecordTrialHearing",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.RecordTrialHearing(ctx, &ipcasev1.RecordTrialHearingRequest{Name: name, Etag: etag, RequestId: id, Attendees: f.attendees, Record: f.record})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringArrayVar(&f.attendees, "attendee", nil, "who attended (repeat)")
	fs.StringVar(&f.record, "record", "", "the hearing record, in brief")
	return cmd
}

func newCourtJudgmentCmd(cfg *config) *cobra.Command {
	var (
		f struct {
			ruling, infringement               bool
			injunction, costs, costsBy, judged string
		}
		award calcFlags
	)
	var cmd *cobra.Command
	cmd = courtStep(cfg, "judgment PROCEEDING [--infringement] [--injunction TEXT] [damages calc flags] [--costs YUAN --costs-borne-by WHO] [--judged-on D]",
		"Pronounce judgment (or, with --ruling, a ruling), with the award computed as damages calc computes it", "EnterJudgment",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			req := &ipcasev1.EnterJudgmentRequest{Name: name, Etag: etag, RequestId: id, Ruling: f.ruling, InfringementFound: f.infringement,
				Injunction: f.injunction, CostsYuan: f.costs, CostsBorneBy: f.costsBy, JudgedOn: f.judged}
			if awarded(cmd) {
				d, err := award.request(cmd)
				if err != nil {
					return nil, err
				}
				req.Damages = d
			}
			r, err := c.trial.EnterJudgment(ctx, req)
			return r.GetTrial(), err
		})
	cmd.Long = `judgment pronounces judgment on a tried case. Where it awards damages, give the
damages engine's inputs with the flags of ipcase damages calc (try the figures
there first, with --local); the server computes the award, cites its articles
and stores it with the judgment. Without any of those flags no damages are
awarded.`
	fs := cmd.Flags()
	fs.BoolVar(&f.ruling, "ruling", false, "a ruling (裁定), not a judgment (判决): 10-day appeal periods (CPL Art. 171)")
	fs.BoolVar(&f.infringement, "infringement", false, "infringement is found")
	fs.StringVar(&f.injunction, "injunction", "", "the injunction, e.g. cease the infringing sales")
	fs.StringVar(&f.costs, "costs", "", "court costs, yuan")
	fs.StringVar(&f.costsBy, "costs-borne-by", "", "who bears the costs")
	fs.StringVar(&f.judged, "judged-on", "", "day of judgment (default today)")
	award.register(fs)
	return cmd
}

// awardFlags are the damages calc flags that make a judgment award
// damages.
var awardFlags = []string{"ip-type", "period", "conduct-start", "conduct-end", "base-kind", "base", "statutory", "statutory-amount", "expenses", "multiple"}

// awarded says whether the judgment command was given an award.
func awarded(cmd *cobra.Command) bool { return len(flagChanged(cmd.Flags(), awardFlags...)) > 0 }

func newCourtServeCmd(cfg *config) *cobra.Command {
	var f struct{ party, on string }
	cmd := courtStep(cfg, "serve PROCEEDING --party parties/{id} [--on D]", "Record service of the judgment on a party, which starts that party's appeal period", "ServeJudgment",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.ServeJudgment(ctx, &ipcasev1.ServeJudgmentRequest{Name: name, Etag: etag, RequestId: id, Party: f.party, ServedOn: f.on})
			return r.GetTrial(), err
		})
	fs := cmd.Flags()
	fs.StringVar(&f.party, "party", "", "the party served, parties/{id}")
	fs.StringVar(&f.on, "on", "", "day of service (default today)")
	return cmd
}

func newCourtAppealCmd(cfg *config) *cobra.Command {
	var f struct{ party, court, grounds, filed, posted string }
	cmd := courtStep(cfg, "appeal PROCEEDING --party parties/{id} --appellate-court CODE [--grounds TEXT] [--filed-on D] [--posted-on D]",
		"Record a party's appeal; in time, it opens the second instance at the appellate court", "FileAppeal",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.FileAppeal(ctx, &ipcasev1.FileAppealRequest{Name: name, Etag: etag, RequestId: id, Party: f.party,
				AppellateCourt: f.court, Grounds: f.grounds, FiledOn: f.filed, PostedOn: f.posted})
			return r.GetTrial(), err
		})
	cmd.Long = `appeal records a party's appeal against the judgment of PROCEEDING. Within the
party's period it opens the second instance, docketed at the appellate court
(court show the first instance names it); a late appeal is refused with the
last day. An appeal that came by post is in time if posted by the last day,
whenever it arrives (CPL Art. 85 ¶4): give --posted-on.`
	fs := cmd.Flags()
	fs.StringVar(&f.party, "party", "", "the appellant, parties/{id}")
	fs.StringVar(&f.court, "appellate-court", "", "the appellate court's code, e.g. 京")
	fs.StringVar(&f.grounds, "grounds", "", "the grounds")
	fs.StringVar(&f.filed, "filed-on", "", "day the court received the appeal (default today)")
	fs.StringVar(&f.posted, "posted-on", "", "day the appellant posted it, if it came by post")
	return cmd
}

// newCourtEndCmd builds withdraw and settle, which end an open trial.
func newCourtEndCmd(cfg *config, verb string) *cobra.Command {
	var reason string
	short, method := "End an open trial by withdrawal of the action", "WithdrawTrial"
	if verb == "settle" {
		short, method = "End an open trial by settlement", "SettleTrial"
	}
	cmd := courtStep(cfg, verb+" PROCEEDING --reason TEXT", short, method,
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			if verb == "settle" {
				r, err := c.trial.SettleTrial(ctx, &ipcasev1.SettleTrialRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
				return r.GetTrial(), err
			}
			r, err := c.trial.WithdrawTrial(ctx, &ipcasev1.WithdrawTrialRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetTrial(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why, or the terms")
	return cmd
}

func newCourtConfirmCmd(cfg *config) *cobra.Command {
	var note string
	cmd := courtStep(cfg, "confirm PROCEEDING [--note TEXT]",
		"Confirm a mediation agreement (CPL Art. 206), answering a confirmation request; the matter's open trials end as settled", "ConfirmAgreement",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.ConfirmAgreement(ctx, &ipcasev1.ConfirmAgreementRequest{Name: name, Etag: etag, RequestId: id, Note: note})
			return r.GetTrial(), err
		})
	cmd.Flags().StringVar(&note, "note", "", "a note for the ruling")
	return cmd
}

func newCourtRefuseCmd(cfg *config) *cobra.Command {
	var reason string
	cmd := courtStep(cfg, "refuse PROCEEDING --reason TEXT", "Refuse to confirm a mediation agreement, with reasons", "RefuseConfirmation",
		func(ctx context.Context, c clients, name, etag, id string) (record, error) {
			r, err := c.trial.RefuseConfirmation(ctx, &ipcasev1.RefuseConfirmationRequest{Name: name, Etag: etag, RequestId: id, Reason: reason})
			return r.GetTrial(), err
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	return cmd
}

// trialSummary renders a trial or confirmation for the table output: what
// the court has done, with every date and the award, each line one act.
func trialSummary(r record) string {
	t := r.(*ipcasev1.Trial)
	var b strings.Builder
	what := "trial"
	if len(t.GetApplicants()) > 0 {
		what = "judicial confirmation"
	}
	fmt.Fprintf(&b, "%s %s before %s", what, lowerState(t.GetState()), t.GetCourt())
	if n := t.GetCourtNumber(); n != "" {
		fmt.Fprintf(&b, ", %s", n)
	}
	if t.GetKind() != ipcasev1.CaseKind_CASE_KIND_UNSPECIFIED {
		fmt.Fprintf(&b, "; %s, %s instance", lower(t.GetKind().String(), "CASE_KIND_"), lower(t.GetInstance().String(), "TRIAL_INSTANCE_"))
		if p := t.GetProcedure(); p != ipcasev1.TrialProcedure_TRIAL_PROCEDURE_UNSPECIFIED {
			fmt.Fprintf(&b, ", %s procedure", lower(p.String(), "TRIAL_PROCEDURE_"))
		}
	}
	if t.GetForeignRelated() {
		b.WriteString(", foreign-related")
	}
	fmt.Fprintf(&b, "\n  received %s", t.GetReceivedOn())
	if s := t.GetSource(); s != "" {
		fmt.Fprintf(&b, " from %s", s)
	}
	if d := t.GetDocketedOn(); d != "" {
		fmt.Fprintf(&b, "; docketed %s", d)
	}
	if d := t.GetTimeLimitDue(); d != "" {
		fmt.Fprintf(&b, "; time limit %s", d)
		if t.GetTimeLimitProvisional() {
			b.WriteString(" (provisional: that year's holiday notice is not loaded)")
		}
	}
	for _, m := range t.GetDossierMismatches() {
		fmt.Fprintf(&b, "\n  dossier mismatch: %s", m)
	}
	for _, p := range t.GetTimeLimitPauses() {
		fmt.Fprintf(&b, "\n  not counted %s to %s: %s", p.GetStart(), p.GetEnd(), lower(p.GetReason().String(), "TIME_LIMIT_PAUSE_REASON_"))
	}
	if len(t.GetPanel()) > 0 {
		var ms []string
		for _, m := range t.GetPanel() {
			ms = append(ms, fmt.Sprintf("%s (%s)", m.GetName(), lower(m.GetRole(), "")))
		}
		fmt.Fprintf(&b, "\n  panel: %s", strings.Join(ms, ", "))
	}
	for _, p := range t.GetPreservations() {
		fmt.Fprintf(&b, "\n  %s preservation %s: %s", lower(p.GetKind().String(), "PRESERVATION_KIND_"), p.GetOrderedOn(), p.GetSubject())
		if s := p.GetSecurityYuan(); s != "" {
			fmt.Fprintf(&b, " (security %s yuan)", s)
		}
	}
	for _, x := range t.GetExchanges() {
		fmt.Fprintf(&b, "\n  evidence exchange %s: %d item(s)", x.GetHeldOn(), len(x.GetSha256()))
	}
	for _, h := range t.GetHearings() {
		fmt.Fprintf(&b, "\n  hearing %s at %s", h.GetDate(), h.GetPlace())
		if h.GetRecord() != "" {
			fmt.Fprintf(&b, ": held (%s)", h.GetRecord())
		}
	}
	if j := t.GetJudgment(); j != nil {
		b.WriteString(judgmentSummary(j))
	}
	for _, s := range t.GetServices() {
		fmt.Fprintf(&b, "\n  served on %s %s: ", s.GetParty(), s.GetServedOn())
		if s.GetAppealDue() != "" {
			fmt.Fprintf(&b, "appeal by %s, ", s.GetAppealDue())
		}
		b.WriteString(s.GetAppealRule())
	}
	for _, a := range t.GetAppeals() {
		fmt.Fprintf(&b, "\n  appeal by %s, received %s, to %s", a.GetParty(), a.GetFiledOn(), a.GetAppellateCourt())
		if a.GetPostedOn() != "" {
			fmt.Fprintf(&b, " (posted %s)", a.GetPostedOn())
		}
	}
	if s := t.GetSecondInstance(); s != "" {
		fmt.Fprintf(&b, "\n  second instance: %s", s)
	}
	if len(t.GetApplicants()) > 0 {
		fmt.Fprintf(&b, "\n  applicants %s; agreed payment %s yuan", strings.Join(t.GetApplicants(), ", "), t.GetAgreementPaymentYuan())
	}
	for _, p := range t.GetClosedProceedings() {
		fmt.Fprintf(&b, "\n  ended %s", p)
	}
	if r := t.GetEndReason(); r != "" {
		fmt.Fprintf(&b, "\n  reason: %s", r)
	}
	return b.String()
}

// judgmentSummary renders a judgment: the finding, the injunction, the
// award figure by figure, the costs.
func judgmentSummary(j *ipcasev1.Judgment) string {
	var b strings.Builder
	what := "judgment"
	if j.GetRuling() {
		what = "ruling"
	}
	found := "no infringement found"
	if j.GetInfringementFound() {
		found = "infringement found"
	}
	fmt.Fprintf(&b, "\n  %s %s: %s", what, j.GetJudgedOn(), found)
	if e := j.GetEffectiveOn(); e != "" {
		fmt.Fprintf(&b, "; effective %s", e)
	}
	if s := j.GetInjunction(); s != "" {
		fmt.Fprintf(&b, "\n  injunction: %s", s)
	}
	if d := j.GetDamages(); d != nil {
		fmt.Fprintf(&b, "\n  award: base %s + punitive %s = damages %s; expenses %s; total %s yuan (%s)", yuan(d.GetBaseYuan()), yuan(d.GetPunitiveYuan()),
			yuan(d.GetDamagesYuan()), yuan(d.GetExpensesYuan()), yuan(d.GetTotalYuan()), d.GetLaw())
	}
	if c := j.GetCostsYuan(); c != "" {
		fmt.Fprintf(&b, "\n  costs %s yuan, borne by %s", yuan(c), j.GetCostsBorneBy())
	}
	return b.String()
}

// yuan groups a yuan amount as the damages table does; an amount it cannot
// read is shown as sent.
func yuan(s string) string {
	f, err := damages.ParseYuan(s)
	if err != nil {
		return s
	}
	return grouped(f)
}
