package trial_test

import (
	"context"
	"crypto/tls"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/trial"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// cst is China Standard Time; the server's "today" is the date there.
var cst = time.FixedZone("CST", 8*3600)

const agency = "SAMR-HZ"

// postingDays is the courts' wait for appeals posted in time, as ipcased's
// default (IPCASE_APPEAL_POSTING_GRACE_DAYS).
const postingDays = 7

// env is the administrative side (plain gRPC with tokens) and the trial
// service on a court listener over mutual TLS, on one database, with the
// consumers and the sweeper driven by the test.
type env struct {
	*chaintest.Env
	t         *testing.T
	now       atomic.Pointer[time.Time]
	officer   context.Context
	courtConn func(code string) *grpc.ClientConn
	consumers trial.Consumers
	// The administrative side's consumers of the courts' events, as
	// ipcased wires them: effective judgments and confirmation answers.
	judgments *events.Consumer
	outcomes  *events.Consumer
	// After a mediation without agreement: its time running out, and the
	// enforcement cases the right holder resumes.
	terms, resumptions *events.Consumer
	sweeper            *clock.Sweeper
}

func newEnv(t *testing.T, day string) *env {
	e := &env{t: t}
	e.setDay(day)
	now := func() time.Time { return *e.now.Load() }
	e.Env = chaintest.Start(t, now)
	e.officer = authtest.WithToken(t.Context(), e.Auth.Officer(t, agency))
	st := trial.NewStore(e.FilingStore)
	tlsCfg, serverCAs := e.Auth.ServerTLS(t)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterTrialServiceServer(s, trial.NewServer(st, e.Clocks, now))
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(e.FilingStore, e.Calendar, now))
	}, tlsCfg, e.Auth.ServerOptions()...)
	conns := map[string]*grpc.ClientConn{}
	e.courtConn = func(code string) *grpc.ClientConn {
		if c, ok := conns[code]; ok {
			return c
		}
		c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
			RootCAs: serverCAs, Certificates: []tls.Certificate{e.Auth.CourtCert(t, code)}})))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		conns[code] = c
		return c
	}
	cs := events.NewConsumers(e.DB, zap.NewNop())
	e.consumers = trial.Register(cs, st, e.Clocks, now, trial.Config{AppealPostingDays: postingDays})
	// The administrative side's consumers, as serve.go wires them.
	e.judgments = enforcement.RegisterJudgments(cs, e.EnforcementStore)
	settle := func(tx store.Tx, matterID filing.MatterID, reason string, at time.Time) error {
		return e.EnforcementStore.CloseSettled(tx, e.Clocks, matterID, reason, at)
	}
	e.outcomes = mediation.RegisterOutcomes(cs, e.MediationStore, settle, now)
	e.terms = mediation.RegisterTerms(cs, e.MediationStore, now)
	e.resumptions = enforcement.RegisterResumptions(cs, e.EnforcementStore, now)
	e.sweeper = clock.NewSweeper(e.Clocks, clock.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop())
	return e
}

// court is the trial service as court code, over mutual TLS.
func (e *env) court(code string) ipcasev1.TrialServiceClient {
	return ipcasev1.NewTrialServiceClient(e.courtConn(code))
}

// setDay moves the server's clock to 10:00 CST on day.
func (e *env) setDay(day string) {
	d, err := time.ParseInLocation(time.DateOnly, day, cst)
	if err != nil {
		e.t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	e.now.Store(&d)
}

// pump stamps the log and runs every consumer until nothing is left.
func (e *env) pump() {
	e.t.Helper()
	ctx := e.t.Context()
	for range 10 {
		if _, err := events.Stamp(ctx, e.DB, 10000); err != nil {
			e.t.Fatal(err)
		}
		total := 0
		for _, c := range []*events.Consumer{e.consumers.Transfers, e.consumers.Routed, e.consumers.Effective, e.consumers.Confirmations, e.consumers.Suits, e.judgments, e.outcomes, e.terms, e.resumptions} {
			n, err := c.ConsumeOnce(ctx)
			if err != nil {
				e.t.Fatalf("consumer %s: %v", c.Name(), err)
			}
			total += n
		}
		if total == 0 {
			return
		}
	}
	e.t.Fatal("consumers did not settle")
}

// rewind moves the consumer's cursor back to the start of the log, so that
// the next pump redelivers every event it has applied. The cursor belongs to
// package events, which offers no way to move it: this is tampering, as a
// restored backup or a lost commit acknowledgement would do.
func (e *env) rewind(c *events.Consumer) {
	e.t.Helper()
	storetest.Exec(e.t, e.DB, `UPDATE consumer_cursors SET position = 0 WHERE name = ?`, c.Name())
}

// matterState returns the state of matter m as the filing service shows it.
func (e *env) matterState(m *ipcasev1.Matter) ipcasev1.MatterState {
	e.t.Helper()
	got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		e.t.Fatal(err)
	}
	return got.GetMatter().GetState()
}

// sweep runs the deadline sweeper at 10:00 CST on day.
func (e *env) sweep(day string) clock.Sweep {
	e.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, cst)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.sweeper.SweepOnce(e.t.Context(), d.Add(10*time.Hour))
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

var (
	complainant = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"}
	respondent  = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}
	foreigner   = &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "John Smith", DomicileCountry: "US"}
	digest      = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// file submits a trademark complaint against resp and accepts it on route
// before forum.
func (e *env) file(resp *ipcasev1.Party, route ipcasev1.ProceedingKind, forum string) *ipcasev1.Matter {
	e.t.Helper()
	sub, err := e.Filing.SubmitComplaint(e.officer, &ipcasev1.SubmitComplaintRequest{
		Complainant: complainant, Respondents: []*ipcasev1.Party{resp},
		Rights:   []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:    "Counterfeit cups sold at three shops.",
		Evidence: []*ipcasev1.Evidence{{Sha256: digest, SizeBytes: 2048, MediaType: "image/jpeg", Source: ipcasev1.EvidenceSource_EVIDENCE_SOURCE_PARTY}},
		Agency:   agency,
	})
	if err != nil {
		e.t.Fatalf("SubmitComplaint: %v", err)
	}
	acc, err := e.Filing.AcceptComplaint(e.officer, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(), Etag: sub.GetMatter().GetEtag(),
		Route: route, Forum: forum})
	if err != nil {
		e.t.Fatalf("AcceptComplaint: %v", err)
	}
	return acc.GetMatter()
}

// trialOf returns the name of the matter's trial before court.
func (e *env) trialOf(m *ipcasev1.Matter, court string) string {
	e.t.Helper()
	got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range got.GetMatter().GetProceedings() {
		if p.GetKind() == ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL && p.GetForum() == court {
			return p.GetName()
		}
	}
	e.t.Fatalf("matter %s has no trial before %s", m.GetName(), court)
	return ""
}

func (e *env) get(court, name string) *ipcasev1.Trial {
	e.t.Helper()
	resp, err := e.court(court).GetTrial(e.t.Context(), &ipcasev1.GetTrialRequest{Name: name})
	if err != nil {
		e.t.Fatalf("GetTrial: %v", err)
	}
	return resp.GetTrial()
}

// toJudgment dockets the civil trial at court, forms the panel, holds the
// hearing on day and pronounces judgment with dmg.
func (e *env) toJudgment(court, name, day string, dmg *ipcasev1.CalculateDamagesRequest) *ipcasev1.Trial {
	e.t.Helper()
	return e.judgeAs(court, name, day, ipcasev1.CaseKind_CASE_KIND_CIVIL, false, dmg)
}

// judgeAs dockets the trial at court as a case of kind and takes it to a
// judgment (a ruling if ruling) on day.
func (e *env) judgeAs(court, name, day string, kind ipcasev1.CaseKind, ruling bool, dmg *ipcasev1.CalculateDamagesRequest) *ipcasev1.Trial {
	e.t.Helper()
	tr := e.get(court, name)
	d, err := e.court(court).DocketTrial(e.t.Context(), &ipcasev1.DocketTrialRequest{Name: name, Etag: tr.GetEtag(), Kind: kind})
	if err != nil {
		e.t.Fatalf("DocketTrial: %v", err)
	}
	return e.hear(court, d.GetTrial(), day, ruling, dmg)
}

// hear takes the docketed trial tr at court to a judgment (a ruling if
// ruling) on day: panel, hearing, judgment with dmg.
func (e *env) hear(court string, tr *ipcasev1.Trial, day string, ruling bool, dmg *ipcasev1.CalculateDamagesRequest) *ipcasev1.Trial {
	e.t.Helper()
	ctx, c, name := e.t.Context(), e.court(court), tr.GetName()
	p, err := c.AssignPanel(ctx, &ipcasev1.AssignPanelRequest{Name: name, Etag: tr.GetEtag(), Members: []*ipcasev1.PanelMember{
		{Name: "张法官", Role: "PRESIDING_JUDGE"}, {Name: "李法官", Role: "JUDGE"}, {Name: "王技术调查官", Role: "TECHNICAL_INVESTIGATOR"}}})
	if err != nil {
		e.t.Fatalf("AssignPanel: %v", err)
	}
	sh, err := c.ScheduleHearing(ctx, &ipcasev1.ScheduleHearingRequest{Name: name, Etag: p.GetTrial().GetEtag(), Date: day, Place: "第三法庭"})
	if err != nil {
		e.t.Fatalf("ScheduleHearing: %v", err)
	}
	e.setDay(day)
	h, err := c.RecordTrialHearing(ctx, &ipcasev1.RecordTrialHearingRequest{Name: name, Etag: sh.GetTrial().GetEtag(),
		Attendees: []string{"原告代理人", "被告代理人"}, Record: "庭审笔录"})
	if err != nil {
		e.t.Fatalf("RecordTrialHearing: %v", err)
	}
	j, err := c.EnterJudgment(ctx, &ipcasev1.EnterJudgmentRequest{Name: name, Etag: h.GetTrial().GetEtag(), InfringementFound: true,
		Ruling: ruling, Injunction: "被告立即停止销售侵犯第12345678号注册商标专用权的商品", Damages: dmg, CostsYuan: "12000", CostsBorneBy: "被告"})
	if err != nil {
		e.t.Fatalf("EnterJudgment: %v", err)
	}
	return j.GetTrial()
}

// serve serves the judgment of trial name on party on the day on, as court
// 京73.
func (e *env) serve(name, etag, party, on string) *ipcasev1.Trial {
	e.t.Helper()
	return e.serveAt("京73", name, etag, party, on)
}

// serveAt serves the judgment of trial name before court on party on the
// day on.
func (e *env) serveAt(court, name, etag, party, on string) *ipcasev1.Trial {
	e.t.Helper()
	resp, err := e.court(court).ServeJudgment(e.t.Context(), &ipcasev1.ServeJudgmentRequest{Name: name, Etag: etag, Party: party, ServedOn: on})
	if err != nil {
		e.t.Fatalf("ServeJudgment(%s): %v", party, err)
	}
	return resp.GetTrial()
}

func code(err error) codes.Code { return status.Code(err) }
