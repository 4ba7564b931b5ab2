package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

func newDemoCmd() *cobra.Command {
	var addr, tok string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "File a few demo complaints through the gRPC API",
		Long: `Demo files four complaints (a trademark, a patent, a copyright and a trade
secret) through the gRPC API of the ipcased at --addr, as a client would,
routes the trademark matter to enforcement (taking it to a penalty notice)
and the patent matter to court. Fixed request ids make it safe to run
again: nothing is filed twice. It prints the matters, then
DEMO_MATTER=matters/... and DEMO_PARTY=... for scripts.

Environment: IPCASE_TOKEN is the default of --token, an administrator's
bearer token.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return demo(cmd.Context(), cmd.OutOrStdout(), addr, tok)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:7070", "ipcased gRPC address `host:port`")
	cmd.Flags().StringVar(&tok, "token", os.Getenv("IPCASE_TOKEN"), "an administrator's bearer token (default from IPCASE_TOKEN)")
	cmd.Flags().Lookup("token").DefValue = "" // --help must not print a token
	return cmd
}

// demo files a few complaints across IP types through the gRPC API, as a
// client would, and accepts one into enforcement. Fixed request ids make it
// safe to run again: nothing is filed twice.
func demo(ctx context.Context, stdout io.Writer, addr, tok string) error {
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	client := ipcasev1.NewFilingServiceClient(conn)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	// What each demo matter shows, in the order demoComplaints files them.
	shows := []string{
		"enforcement case at SAMR-HZ, penalty notified: the 5-working-day hearing window runs",
		"sent to the Beijing IP Court (京73): awaiting docketing",
		"known since 2023-02-01, past the 3-year limitation period (Civil Code Art. 188): a warning on the matter",
		"a trade secret: the technical content stays out of every projection",
	}
	var matters []*ipcasev1.Matter
	for i, c := range demoComplaints() {
		// WaitForReady: dev.sh runs this right after starting the server.
		resp, err := client.SubmitComplaint(ctx, c, grpc.WaitForReady(true))
		if err != nil {
			return fmt.Errorf("demo: %s: %w", c.GetRequestId(), err)
		}
		m := resp.GetMatter()
		matters = append(matters, m)
		_, _ = fmt.Fprintf(stdout, "  %s  %-17s %s\n      %s\n", m.GetNumber(), m.GetRights()[0].GetType().String()[len("IP_TYPE_"):], m.GetName(), shows[i])
	}
	// The trademark matter goes to enforcement, the patent matter to court 京73.
	routes := []struct {
		route ipcasev1.ProceedingKind
		forum string
		note  string
	}{
		{ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, "SAMR-HZ", "Clear counterfeit; open an enforcement case."},
		{ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73", "Technical dispute; the complainant sues in the Beijing IP Court."},
	}
	for i, r := range routes {
		m := matters[i]
		if m.GetState() != ipcasev1.MatterState_MATTER_STATE_SUBMITTED {
			continue
		}
		_, err := client.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
			RequestId: fmt.Sprintf("demo-accept-%d", i+1), Route: r.route, Forum: r.forum, Note: r.note})
		if err != nil {
			return fmt.Errorf("demo: accepting %s: %w", m.GetNumber(), err)
		}
	}
	first := matters[0]
	if err := demoEnforcement(ctx, ipcasev1.NewEnforcementServiceClient(conn), first.GetName()); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "DEMO_MATTER=%s\nDEMO_PARTY=%s\n", first.GetName(), strings.TrimPrefix(first.GetComplainant().GetName(), "parties/"))
	return err
}

// demoComplaints are the demo complaints: a trademark, an invention patent,
// a copyright (known since 2023, past the limitation period) and a trade
// secret, each with a fixed request id.
func demoComplaints() []*ipcasev1.SubmitComplaintRequest {
	org := func(name, code string) *ipcasev1.Party {
		return &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: name, CreditCode: code}
	}
	evidence := func(digest, desc string) *ipcasev1.Evidence {
		return &ipcasev1.Evidence{Sha256: digest, SizeBytes: 182_311, MediaType: "application/pdf",
			Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_NOTARISED, Description: desc}
	}
	withContact := func(p *ipcasev1.Party, contact string) *ipcasev1.Party { p.Contact = contact; return p }
	return []*ipcasev1.SubmitComplaintRequest{{
		// -2: the complainant has a contact, where sign-in links are sent;
		// a database demo'd before keeps its -1 and files this once more.
		RequestId:   "demo-trademark-2",
		Complainant: withContact(org("北京星河茶饮有限公司", "91110108MA01HX4T2R"), "legal@xinghe.example"),
		Respondents: []*ipcasev1.Party{org("杭州仿品贸易有限公司", "91330100MA2AXQ9B12")},
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678",
			Title: "星河 (class 43)", Holder: "北京星河茶饮有限公司", TermStart: "2016-03-14", TermEnd: "2036-03-13"}},
		Facts:      "The respondent sells milk tea in cups bearing the registered mark at three shops in Hangzhou.",
		Claims:     "Stop the infringement; confiscate infringing cups; fine under Trademark Law Art. 60.",
		Evidence:   []*ipcasev1.Evidence{evidence("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "notarised purchase, 2026-09-02")},
		KnownSince: "2026-08-20",
		Agency:     "SAMR-HZ",
	}, {
		RequestId:   "demo-patent-1",
		Complainant: org("深圳微光电子有限公司", "91440300MA5FL8KD3E"),
		Respondents: []*ipcasev1.Party{org("上海拓界科技有限公司", "92310115MA1K4L7P6H")},
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_PATENT_INVENTION, RegistrationNumber: "ZL201910123456.7",
			Title: "Low-power display driver", Holder: "深圳微光电子有限公司", TermStart: "2019-02-11", TermEnd: "2039-02-10"}},
		Facts:      "The respondent's T9 tablet uses the claimed driver circuit (claims 1-4).",
		Claims:     "Stop manufacture and sale; damages.",
		Evidence:   []*ipcasev1.Evidence{evidence("60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", "teardown report")},
		KnownSince: "2026-05-06",
		Agency:     "CNIPA-SH",
	}, {
		RequestId:   "demo-copyright-1",
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "李明"},
		Respondents: []*ipcasev1.Party{org("福州云端文化传播有限公司", "91350100M000100Y43")},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "《山海行记》 (photo series)", Holder: "李明"}},
		Facts:       "Twelve photographs of the series are offered for download on the respondent's site without licence.",
		KnownSince:  "2023-02-01",
		Agency:      "NCAC-FJ",
	}, {
		RequestId:   "demo-trade-secret-1",
		Complainant: org("苏州精材新材料有限公司", "91330106MA27XF1C0G"),
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王强"}},
		Rights: []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADE_SECRET, Title: "Carbomer synthesis process",
			Holder: "苏州精材新材料有限公司", Description: "Reaction temperatures and catalyst ratios of process line 3."}},
		Facts:      "A former process engineer took the line-3 recipe to a competitor.",
		KnownSince: "2026-10-09",
		Agency:     "SAMR-SZ",
	}}
}

// demoEnforcement takes the trademark matter through to a penalty notice,
// so that the complainant's status page has a running clock: the party's
// 5 working days to answer. A second run finds the case opened and leaves it.
func demoEnforcement(ctx context.Context, c ipcasev1.EnforcementServiceClient, matter string) error {
	open, err := c.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{RequestId: "demo-open-1", Agency: "SAMR-HZ",
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: matter}})
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: opening the enforcement case: %w", err)
	}
	k := open.GetCase()
	as, err := c.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: k.GetName(), Etag: k.GetEtag(), RequestId: "demo-officers-1",
		Officers: []*ipcasev1.Officer{{Subject: "demo-officer", DisplayName: "王伟", BadgeNumber: "33010001"}, {Subject: "li.na", DisplayName: "李娜", BadgeNumber: "33010002"}}})
	if err != nil {
		return fmt.Errorf("demo: assigning officers: %w", err)
	}
	fd, err := c.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: k.GetName(), Etag: as.GetCase().GetEtag(), RequestId: "demo-findings-1",
		Findings: &ipcasev1.Findings{Text: "1,600 cups bearing the mark sold at three shops since June.", BusinessVolumeYuan: "40000",
			Computation: "Trademark Implementing Regulations Art. 78: 1,600 cups × 25 yuan average sale price"}})
	if err != nil {
		return fmt.Errorf("demo: recording findings: %w", err)
	}
	_, err = c.NotifyPenalty(ctx, &ipcasev1.NotifyPenaltyRequest{Name: k.GetName(), Etag: fd.GetCase().GetEtag(), RequestId: "demo-notice-1",
		Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
			Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}})
	if err != nil {
		return fmt.Errorf("demo: notifying the penalty: %w", err)
	}
	return nil
}
