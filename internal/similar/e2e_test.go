package similar_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/gateway"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/similar"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// rig is the administrative side (chaintest) on a clock the test moves,
// with DamagesService answering similar cases from the same database, the
// similar consumer run by the test, and an HTTP gateway in front.
type rig struct {
	*chaintest.Env
	today   atomic.Pointer[time.Time]
	officer string
	damages ipcasev1.DamagesServiceClient
	cs      *events.Consumers
	sim     *events.Consumer
	gateway string
}

func newRig(t *testing.T, day string) *rig {
	t.Helper()
	r := &rig{}
	r.setDay(t, day)
	now := func() time.Time { return *r.today.Load() }
	r.Env = chaintest.Start(t, now)
	r.officer = r.Auth.Officer(t, "SAMR-HZ")
	finder := similar.NewFinder(similar.NewStore(r.DB)).WithClock(now)
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterDamagesServiceServer(s, damages.NewServer().WithFinder(finder))
	}, nil, r.Auth.ServerOptions()...)
	r.damages = ipcasev1.NewDamagesServiceClient(servertest.Dial(t, addr))
	r.cs = events.NewConsumers(r.DB, zap.NewNop())
	r.sim = similar.Register(r.cs, r.FilingStore)
	g, err := gateway.New(t.Context(), gateway.Config{Upstream: addr, RateLimit: 1000, RateBurst: 1000, MaxBodyBytes: 64 << 10,
		MaxUploadBytes: 1 << 20, RequestTimeout: 20 * time.Second, UploadTimeout: 20 * time.Second}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(hs.Close)
	r.gateway = hs.URL
	return r
}

// setDay moves the server's clock to 10:00 China time on day.
func (r *rig) setDay(t *testing.T, day string) {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, civil.China)
	if err != nil {
		t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	r.today.Store(&d)
}

// consume stamps the log and runs c until it has nothing left; it returns
// how many events c applied.
func (r *rig) consume(t *testing.T, c *events.Consumer) int {
	t.Helper()
	if _, err := events.Stamp(t.Context(), r.DB, 10000); err != nil {
		t.Fatal(err)
	}
	total := 0
	for {
		n, err := c.ConsumeOnce(t.Context())
		if err != nil {
			t.Fatalf("consumer %s: %v", c.Name(), err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// decide files a trademark complaint with facts, works the enforcement
// case through the services to a fine on business volume, and returns the
// matter's name: opened on Monday 2026-09-28, notice served Wednesday
// 09-30 (statement and hearing until Tuesday 10-13, 5 working days over
// National Day), decided on Wednesday 10-14.
func (r *rig) decide(t *testing.T, facts, volume, fine string) string {
	t.Helper()
	ctx := authtest.WithToken(t.Context(), r.officer)
	r.setDay(t, "2026-09-28")
	sub, err := r.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       facts, Agency: "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := sub.GetMatter()
	if _, err := r.Filing.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	c, err := r.Enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()},
		Agency: "SAMR-HZ"})
	if err != nil {
		t.Fatal(err)
	}
	k := c.GetCase()
	step := func(what string, resp interface {
		GetCase() *ipcasev1.EnforcementCase
	}, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		k = resp.GetCase()
	}
	a, err := r.Enforcement.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: k.GetName(), Etag: k.GetEtag(),
		Officers: []*ipcasev1.Officer{{Subject: "wang", DisplayName: "王伟"}, {Subject: "li", DisplayName: "李娜"}}})
	step("assign", a, err)
	f, err := r.Enforcement.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: k.GetName(), Etag: k.GetEtag(),
		Findings: &ipcasev1.Findings{Text: facts, BusinessVolumeYuan: volume, Computation: "售价×数量"}})
	step("findings", f, err)
	n, err := r.Enforcement.NotifyPenalty(ctx, &ipcasev1.NotifyPenaltyRequest{Name: k.GetName(), Etag: k.GetEtag(), ServedOn: "2026-09-30",
		Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
			Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}})
	step("notify", n, err)
	r.setDay(t, "2026-10-14")
	d, err := r.Enforcement.DecidePenalty(ctx, &ipcasev1.DecidePenaltyRequest{Name: k.GetName(), Etag: k.GetEtag(), FineYuan: fine,
		DecidedOn: "2026-10-14"})
	step("decide", d, err)
	return m.GetName()
}

// fineRequest is the fine being computed on 2026-10-20: trademark, conduct
// in 2026, business volume 50,000, an organisation.
func fineRequest(q *ipcasev1.SimilarCasesQuery) *ipcasev1.CalculateFineRequest {
	return &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
		DecisionDate: "2026-10-20", BusinessVolumeYuan: "50000", Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, Similar: q}
}

// TestDecidedFineFoundBesideAFine: two fines decided through the
// enforcement service reach similar_matters through the consumer, once
// each however often the events are delivered, and come back beside a
// fine being computed, with their reasons, their spread and the report.
//
// Hand-worked (Trademark Law 2019 Art. 60 ¶2: volume under 50,000 → up
// to 250,000; 50,000 or more → up to five times the volume):
//   - A: volume 40,000, range 0–250,000, fine 60,000: share 60/250 = 0.24,
//     fine/base 1.5;
//   - B: volume 80,000, range 0–400,000, fine 300,000: share 0.75,
//     fine/base 3.75.
//
// Against a base of 50,000 (band ×3: 16,666.66–150,000) both are in: base
// ratios 0.80 and 1.60, same agency. Amounts 60,000 and 300,000 (n = 2,
// type 7): Q1 = 60,000 + 0.25 × 240,000 = 120,000, median 180,000, Q3
// 240,000. The shares lie 0.51 apart, more than half the range: a
// divergence note (item 11).
func TestDecidedFineFoundBesideAFine(t *testing.T) {
	t.Parallel()
	r := newRig(t, "2026-09-28")
	a := r.decide(t, "当事人在杭州三家门店销售假冒星河注册商标的奶茶杯一千六百个", "40000", "60000")
	b := r.decide(t, "当事人在杭州仓库储存并销售假冒星河注册商标的奶茶杯三千二百个", "80000", "300000")
	if n := r.consume(t, r.sim); n != 2 {
		t.Fatalf("the similar consumer applied %d events, want the 2 decisions", n)
	}
	// Redelivery: a second cursor over the same handler replays the log
	// from its start, as a consumer does after a crash before its commit.
	again := r.cs.Register("similar-redelivery", similar.Types, similar.Recorder(r.FilingStore))
	if n := r.consume(t, again); n != 2 {
		t.Fatalf("redelivery applied %d events, want 2", n)
	}
	if got := storetest.RowCounts(t, r.DB)["similar_matters"]; got != 2 {
		t.Fatalf("similar_matters holds %d rows after redelivery, want 2", got)
	}

	r.setDay(t, "2026-10-20")
	ctx := authtest.WithToken(t.Context(), r.officer)
	resp, err := r.damages.CalculateFine(ctx, fineRequest(&ipcasev1.SimilarCasesQuery{Facts: "销售假冒星河注册商标的奶茶杯", Decider: "SAMR-HZ",
		Issues: "违法经营额的认定", Uses: []*ipcasev1.SimilarCaseUse{{Matter: b, Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_NOT_USED,
			Note: "该案有仓储情节"}}}))
	if err != nil {
		t.Fatal(err)
	}
	sim := resp.GetSimilar()
	if sim.GetCandidates() != 2 || len(sim.GetCases()) != 2 {
		t.Fatalf("%d candidates, %d cases; want 2 and 2:\n%s", sim.GetCandidates(), len(sim.GetCases()), sim.GetReport())
	}
	byMatter := map[string]*ipcasev1.SimilarCase{}
	for _, c := range sim.GetCases() {
		byMatter[c.GetMatter()] = c
	}
	for _, w := range []struct {
		matter, base, share, multiple, amount, ratio, outcome string
		usage                                                 ipcasev1.SimilarCaseUsage
	}{
		{a, "40000.00", "0.24", "1.500", "60000.00", "基数为本案0.80倍", "罚款60000.00元，位于法定幅度24%处，为基数的1.5倍", ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_UNSPECIFIED},
		{b, "80000.00", "0.75", "3.750", "300000.00", "基数为本案1.60倍", "罚款300000.00元，位于法定幅度75%处，为基数的3.75倍", ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_NOT_USED},
	} {
		c := byMatter[w.matter]
		if c == nil {
			t.Fatalf("%s is not among the cases: %v", w.matter, sim.GetCases())
		}
		if c.GetBaseYuan() != w.base || c.GetRangeShare() != w.share || c.GetMultiple() != w.multiple || c.GetAmountYuan() != w.amount ||
			c.GetOutcome() != w.outcome || c.GetUsage() != w.usage || c.GetEffect() != ipcasev1.SimilarCaseEffect_SIMILAR_CASE_EFFECT_REFER {
			t.Errorf("%s: base %s share %s multiple %s amount %s outcome %q usage %v effect %v; want %+v", w.matter, c.GetBaseYuan(),
				c.GetRangeShare(), c.GetMultiple(), c.GetAmountYuan(), c.GetOutcome(), c.GetUsage(), c.GetEffect(), w)
		}
		if !strings.Contains(c.GetReason(), w.ratio) || !strings.Contains(c.GetReason(), "同一机关") || !strings.Contains(c.GetReason(), "情节相同") {
			t.Errorf("%s: reason %q; want %s, 同一机关, 情节相同", w.matter, c.GetReason(), w.ratio)
		}
		if c.GetNumber() == "" || c.GetDecider() != "SAMR-HZ" || c.GetDecidedOn() != "2026-10-14" {
			t.Errorf("%s: number %q decider %q decided %q; want a number, SAMR-HZ, 2026-10-14", w.matter, c.GetNumber(), c.GetDecider(), c.GetDecidedOn())
		}
	}
	if s := sim.GetAmountYuan(); s.GetQ1() != "120000.00" || s.GetMedian() != "180000.00" || s.GetQ3() != "240000.00" {
		t.Errorf("amount spread %v; want 120000.00, 180000.00, 240000.00", s)
	}
	if sim.GetSearchedBy() != "SAMR-HZ（officer@SAMR-HZ）" || sim.GetSearchedAt() != "2026-10-20T10:00:00+08:00" {
		t.Errorf("searched by %q at %q", sim.GetSearchedBy(), sim.GetSearchedAt())
	}
	if !strings.Contains(sim.GetDivergence(), "自24%至75%") || !strings.Contains(sim.GetDivergence(), "第十一条") {
		t.Errorf("divergence %q; want the shares 24%% to 75%% and item 11", sim.GetDivergence())
	}
	for _, want := range []string{
		"检索原因：未说明（行政处罚裁量的参考检索",
		"检索主体：SAMR-HZ（officer@SAMR-HZ）",
		"检索时间：2026-10-20 10:00（北京时间）",
		"计算基数在本案50000.00元的1/3至3倍之间",
		"待决案件争议焦点：违法经营额的认定",
		"检索结果：符合条件2件，列出2件，其中2023-10-20以后作出的2件",
		"运用：未采用，该案有仓储情节",
		"结果分布：金额中位数180000.00元（四分位120000.00元至240000.00元）",
		"法律适用分歧：类案罚款在法定幅度中的位置自24%至75%",
		"其他类案可以作为参考（第九条）",
	} {
		if !strings.Contains(sim.GetReport(), want) {
			t.Errorf("report lacks %q:\n%s", want, sim.GetReport())
		}
	}

	// A use naming a matter the search does not return, and a court's
	// reason 2(4) without saying what it is: INVALID_ARGUMENT naming the
	// fields.
	_, err = r.damages.CalculateFine(ctx, fineRequest(&ipcasev1.SimilarCasesQuery{Reason: ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_OTHER,
		Uses: []*ipcasev1.SimilarCaseUse{{Matter: "matters/00000000-0000-0000-0000-000000000009", Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED}}}))
	if got := fields(err); status.Code(err) != codes.InvalidArgument || got["similar.reason_note"] == "" {
		t.Errorf("reason OTHER without a note: %v %v", status.Code(err), got)
	}
	_, err = r.damages.CalculateFine(ctx, fineRequest(&ipcasev1.SimilarCasesQuery{
		Uses: []*ipcasev1.SimilarCaseUse{{Matter: "matters/00000000-0000-0000-0000-000000000009", Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED},
			{Matter: a, Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_FOLLOWED}}}))
	got := fields(err)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(got["similar.uses[1].usage"], "item 9") {
		t.Errorf("FOLLOWED for a decided matter: %v %v", status.Code(err), got)
	}
	_, err = r.damages.CalculateFine(ctx, fineRequest(&ipcasev1.SimilarCasesQuery{
		Uses: []*ipcasev1.SimilarCaseUse{{Matter: "matters/00000000-0000-0000-0000-000000000009", Usage: ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED}}}))
	if got := fields(err); status.Code(err) != codes.InvalidArgument || !strings.Contains(got["similar.uses[0].matter"], "is not among the 2 cases") {
		t.Errorf("a use of a matter not returned: %v %v", status.Code(err), got)
	}

	// The same over the gateway: POST /v1/fines:calculate.
	body := `{"offence":"FINE_OFFENCE_TRADEMARK","conductDate":"2026-06-01","decisionDate":"2026-10-20","businessVolumeYuan":"50000",
		"party":"PARTY_KIND_ORGANIZATION","similar":{"facts":"销售假冒星河注册商标的奶茶杯","decider":"SAMR-HZ","limit":1}}`
	var out struct {
		Similar struct {
			Candidates int
			Cases      []struct{ Matter, Reason string }
			Report     string
		}
	}
	if code := r.post(t, "/v1/fines:calculate", body, &out); code != http.StatusOK {
		t.Fatalf("POST /v1/fines:calculate: %d", code)
	}
	if out.Similar.Candidates != 2 || len(out.Similar.Cases) != 1 || !strings.Contains(out.Similar.Report, "列出1件") {
		t.Errorf("over HTTP: %+v", out.Similar)
	}
}

// TestAwardFoundOverHTTP: an effective judgment's award, recorded by the
// consumer's handler, comes back beside statutory damages computed over
// the gateway, reported with the court's reason for searching (item 2(2)).
// A judgment's event carries no base or multiple, so only a calculation
// without a base (statutory damages) reaches it: the band of bases starts
// at 0 only then.
func TestAwardFoundOverHTTP(t *testing.T) {
	t.Parallel()
	r := newRig(t, "2026-06-02")
	ctx := authtest.WithToken(t.Context(), r.officer)
	var matters []string
	for _, facts := range []string{"被告在电商平台销售假冒星河注册商标的奶茶杯", "被告在线下门店销售假冒星河注册商标的茶叶礼盒"} {
		sub, err := r.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
			Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
			Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
			Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
			Facts:       facts, Agency: "SAMR-HZ",
		})
		if err != nil {
			t.Fatal(err)
		}
		matters = append(matters, sub.GetMatter().GetName())
	}
	// The judicial side's event, as trial records it when a judgment takes
	// effect, handed to the consumer's handler twice (a redelivery).
	h := similar.Recorder(r.FilingStore)
	for i, j := range []events.JudgmentEffective{
		{Court: "浙江省杭州市中级人民法院", CourtNumber: "(2026)浙01知民初88号", InfringementFound: true, Damages: "300000",
			DecidedOn: civil.Date{Year: 2026, Month: 5, Day: 12}, EffectiveOn: civil.Date{Year: 2026, Month: 6, Day: 1}},
		{Court: "北京知识产权法院", CourtNumber: "(2026)京73民初9号", InfringementFound: true, Damages: "1000000",
			DecidedOn: civil.Date{Year: 2026, Month: 4, Day: 2}, EffectiveOn: civil.Date{Year: 2026, Month: 4, Day: 20}},
	} {
		b, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimPrefix(matters[i], "matters/")
		e := events.Entry{Position: int64(100 + i), Event: events.Event{MatterID: id, Seq: 50, Type: events.TrialJudgmentEffective, Payload: b}}
		for range 2 {
			if err := r.DB.InTx(t.Context(), func(tx store.Tx) error { return h(tx, e) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := storetest.RowCounts(t, r.DB)["similar_matters"]; got != 2 {
		t.Fatalf("similar_matters holds %d rows, want 2", got)
	}

	// Trademark Law 2019 Art. 63 ¶3: statutory damages up to 5,000,000.
	body := `{"ipType":"IP_TYPE_TRADEMARK","period":{"start":"2025-01-01","end":"2025-12-31"},"statutory":true,
		"statutoryAmountYuan":"400000","similar":{"facts":"销售假冒星河注册商标的奶茶杯","region":"浙江",
		"reason":"SIMILAR_CASES_REASON_NO_UNIFORM_RULE","issues":"电商平台销售的赔偿数额"}}`
	var out struct {
		Similar struct {
			Candidates int
			Cases      []struct {
				Matter, Number, Reason, Outcome, Effect, AmountYuan string
			}
			AmountYuan struct{ Q1, Median, Q3 string }
			Reason     string
			Report     string
		}
	}
	if code := r.post(t, "/v1/damages:calculate", body, &out); code != http.StatusOK {
		t.Fatalf("POST /v1/damages:calculate: %d", code)
	}
	s := out.Similar
	if s.Candidates != 2 || len(s.Cases) != 2 || s.Reason != "SIMILAR_CASES_REASON_NO_UNIFORM_RULE" {
		t.Fatalf("over HTTP: %+v", s)
	}
	// The Zhejiang court's case ranks first: the same region (10 points),
	// the closer facts.
	if c := s.Cases[0]; c.Number != "(2026)浙01知民初88号" || !strings.Contains(c.Reason, "同一地区") || c.Outcome != "判赔300000.00元" ||
		c.Effect != "SIMILAR_CASE_EFFECT_REFER" {
		t.Errorf("first case %+v; want (2026)浙01知民初88号, 同一地区, 判赔300000.00元", c)
	}
	// 300,000 and 1,000,000: Q1 = 300,000 + 0.25 × 700,000 = 475,000,
	// median 650,000, Q3 825,000.
	if a := s.AmountYuan; a.Q1 != "475000.00" || a.Median != "650000.00" || a.Q3 != "825000.00" {
		t.Errorf("amount spread %+v; want 475000.00, 650000.00, 825000.00", a)
	}
	for _, want := range []string{
		"检索原因：缺乏明确裁判规则或者尚未形成统一裁判规则（第二条第（二）项）",
		"范围：本系统已生效的判决，trademark，Trademark Law 2019",
		"待决案件争议焦点：电商平台销售的赔偿数额",
		"法律适用分歧：类案未记载计算基数与倍数，仅凭判赔金额无法判断（第十一条）",
	} {
		if !strings.Contains(s.Report, want) {
			t.Errorf("report lacks %q:\n%s", want, s.Report)
		}
	}

	// A refused query over HTTP: 400 naming the field.
	bad := `{"ipType":"IP_TYPE_TRADEMARK","period":{"start":"2025-01-01","end":"2025-12-31"},"statutory":true,
		"similar":{"uses":[{"matter":"matters/x","usage":"SIMILAR_CASE_USAGE_NOT_USED"}]}}`
	var e struct {
		Details []struct {
			FieldViolations []struct{ Field, Description string }
		}
	}
	if code := r.post(t, "/v1/damages:calculate", bad, &e); code != http.StatusBadRequest || len(e.Details) == 0 ||
		len(e.Details[0].FieldViolations) == 0 || e.Details[0].FieldViolations[0].Field != "similar.uses[0].note" {
		t.Errorf("NOT_USED without a note over HTTP: %d %+v", code, e)
	}
}

// post sends body to the gateway as the officer and decodes the answer
// into out; it returns the status code.
func (r *rig) post(t *testing.T, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.gateway+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.officer)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read whole below
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s answered %d with %s: %v", path, resp.StatusCode, b, err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
		t.Logf("%s: %d %s", path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// fields are the field violations of err, field → description.
func fields(err error) map[string]string {
	out := map[string]string{}
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out[v.GetField()] = v.GetDescription()
			}
		}
	}
	if len(out) == 0 && err != nil {
		out["(message)"] = fmt.Sprint(err)
	}
	return out
}
