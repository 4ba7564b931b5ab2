package gateway

import (
	"html"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestSettledMatterReadsClosed: a complaint routed to enforcement, the
// case transferred to a court, judged, then settled by a mediation
// agreement that the court confirmed (CPL Art. 206), which settles the
// trial and closes the enforcement case: every proceeding has ended, so
// the matter reads closed, settled by the confirmed agreement, and shows
// what was decided on the way: the penalty decision and the judgment with
// their figures, the agreement and its confirmation. It reads so whether
// or not the matter itself was closed (the confirmation closes it; a matter
// whose proceedings ended on their own stays accepted).
func TestSettledMatterReadsClosed(t *testing.T) {
	p, err := newPages(&Gateway{})
	if err != nil {
		t.Fatal(err)
	}
	proc := func(id string, k ipcasev1.ProceedingKind, s ipcasev1.ProceedingState, forum string) *ipcasev1.Proceeding {
		return &ipcasev1.Proceeding{Name: "matters/x/proceedings/" + id, Kind: k, State: s, Forum: forum}
	}
	st := testMatter(ipcasev1.MatterState_MATTER_STATE_ACCEPTED,
		proc("r", ipcasev1.ProceedingKind_PROCEEDING_KIND_FILING_REVIEW, ipcasev1.ProceedingState_PROCEEDING_STATE_ACCEPTED, "SAMR-HZ"),
		proc("e", ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED, "SAMR-HZ"),
		proc("t", ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, ipcasev1.ProceedingState_PROCEEDING_STATE_SETTLED, "京73"),
		proc("m", ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED, "SAMR-HZ"),
		proc("c", ipcasev1.ProceedingKind_PROCEEDING_KIND_CONFIRMATION, ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMED, "京73"))
	st.NextDeadline = nil
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	ev := func(typ, proc string, fields map[string]any) *ipcasev1.Event {
		at = at.Add(time.Hour)
		s, err := structpb.NewStruct(fields)
		if err != nil {
			t.Fatal(err)
		}
		return &ipcasev1.Event{Type: typ, Proceeding: "matters/x/proceedings/" + proc, Payload: s, OccurTime: timestamppb.New(at)}
	}
	evs := []*ipcasev1.Event{
		ev("enforcement.decided", "e", map[string]any{"number": "杭市监处罚〔2026〕12号", "decidedOn": "2026-11-20", "fine": "150000.00", "confiscation": "没收侵权商品1200件"}),
		ev("trial.judged", "t", map[string]any{"courtNumber": "(2026)京73知民初1号", "ruling": false, "infringementFound": true,
			"injunction": "立即停止销售侵权商品", "damages": "1234567.80", "costs": "21400.00", "judgedOn": "2026-12-01"}),
		ev("mediation.agreed", "m", map[string]any{"payment": "800000.00", "effectiveOn": "2026-12-10", "confirmationDue": "2027-01-11"}),
		ev("trial.agreement_confirmed", "c", map[string]any{"court": "京73", "courtNumber": "(2026)京73民特1号", "confirmedOn": "2026-12-20"}),
		ev("trial.settled", "t", map[string]any{}),
		ev("enforcement.closed", "e", map[string]any{"settled": true}),
	}
	for _, tt := range []struct {
		lang       string
		want, lack []string
	}{
		{langEN, []string{"<p class=\"state\">Closed</p>", "Settled: a court confirmed the parties' mediation agreement", "Nothing more is due",
			"What was decided", "Penalty decided", "Fine: ¥150,000.00", "Confiscation: 没收侵权商品1200件", "Number: 杭市监处罚〔2026〕12号",
			"Judgment pronounced", "Infringement found: yes", "Injunction: 立即停止销售侵权商品", "Damages and reasonable expenses awarded: ¥1,234,567.80",
			"Court costs: ¥21,400.00", "Payment agreed: ¥800,000.00", "Agreement confirmed by the court", "Confirmed on: 2026-12-20",
			`<a id="published" href="/v1/publishedDocuments?matter=matters%2Fx">The published, redacted documents of this matter</a>`},
			[]string{"Accepted, in progress", "The office in charge will take the next step"}},
		{langZH, []string{"<p class=\"state\">已结案</p>", "以调解结案：法院已裁定调解协议有效", "处理结果", "罚款：150,000.00 元",
			"判赔金额（含合理开支）：1,234,567.80 元", "诉讼费：21,400.00 元", "认定侵权：是", "确认日期：2026年12月20日",
			"本案已公开（经隐名处理）的文书"},
			[]string{"已受理，正在办理", "承办机关将进行下一步处理"}},
	} {
		for _, state := range []ipcasev1.MatterState{ipcasev1.MatterState_MATTER_STATE_ACCEPTED, ipcasev1.MatterState_MATTER_STATE_CLOSED} {
			st.Matter.State = state
			page := renderMatter(t, p, tt.lang, st, evs)
			for _, w := range tt.want {
				if !strings.Contains(html.UnescapeString(page), w) {
					t.Errorf("%s, matter %v: the page lacks %q", tt.lang, state, w)
				}
			}
			for _, l := range tt.lack {
				if strings.Contains(page, l) {
					t.Errorf("%s, matter %v: a settled matter still reads %q", tt.lang, state, l)
				}
			}
			checkPage(t, tt.lang, page)
		}
	}
}
