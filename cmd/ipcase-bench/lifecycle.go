package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// The work a routed proceeding records after it opens, so that a seeded
// store has as many events per matter as a real one: a decade of national
// traffic is 5-10 million matters and 100-200 million events, 15 to 20 a
// matter. Most matters were accepted; their proceedings record 10 to 26
// steps while under way (ACCEPTED) and 16 to 32 by their end (CLOSED),
// which with the 1 or 2 events of the other states averages about 17.
const (
	workOpenMin, workOpenMax     = 10, 26
	workClosedMin, workClosedMax = 16, 32
)

// work adds the events of proceeding id (of kind route, before forum)
// between the routing at m.decided and the matter's end: the opening
// steps, then repeated investigation, mediation or trial work, and, for a
// closed matter, the steps that end it. The events are spread between the
// routing and an hour ago (a closed matter: over the weeks after its
// routing) and keep the chain's order.
func (g *generator) work(t *tables, ch *chain, m seeded, route filing.ProceedingKind, id [16]byte, forum string) {
	r := g.rng
	closed := m.state == filing.MatterClosed
	n := workOpenMin + r.IntN(workOpenMax-workOpenMin+1)
	if closed {
		n = workClosedMin + r.IntN(workClosedMax-workClosedMin+1)
	}
	// The steps are a day to a few weeks apart, squeezed to fit before now.
	span := g.opt.Now.Add(-time.Hour).Sub(m.decided)
	step := time.Duration(1+r.IntN(14)) * 24 * time.Hour
	if span > 0 && step*time.Duration(n) > span {
		step = span / time.Duration(n+1)
	}
	if step <= 0 {
		step = time.Millisecond
	}
	at := m.decided
	next := func() (time.Time, civil.Date) {
		at = at.Add(step)
		return at, civil.Of(at.In(civil.China))
	}
	officers := []string{"seed-officer", "seed-officer-2"}
	var opening, closing []func()
	var middle func(i int)
	add := func(typ events.Type, payload any) {
		when, _ := next()
		ch.add(t, typ, id, officerActor, when, payload)
	}
	day := func() civil.Date { return civil.Of(at.Add(step).In(civil.China)) }
	switch route {
	case filing.KindEnforcement:
		opening = []func(){
			func() {
				d := day()
				// The decision is due 90 days from filing (SAMR Administrative
				// Penalty Procedure Rules, 2022, Art. 64).
				add(events.EnforcementOpened, events.EnforcementOpenedPayload{Agency: forum, OpenedOn: d, DecisionDue: d.AddDays(90)})
			},
			func() { add(events.EnforcementOfficersAssigned, events.OfficersAssignedPayload{Officers: officers}) },
		}
		middle = func(i int) {
			switch i % 3 {
			case 0:
				add(events.EnforcementInspection, events.InspectionPayload{Inspection: strconv.Itoa(i), Date: day(), Place: "浙江省杭州市某区某路1号",
					Officers: officers, SeizedGoods: 1 + r.IntN(500), Evidence: []string{randomSHA256(r)}})
			case 1:
				add(events.EnforcementCustody, events.CustodyPayload{Goods: strconv.Itoa(i - 1), Action: "SEALED", Date: day(), By: "seed-officer",
					Location: "执法仓库", Certificate: fmt.Sprintf("封存%08d", r.IntN(1e8))})
			default:
				add(events.EnforcementFindings, events.FindingsPayload{BusinessVolume: strconv.Itoa(1000 + r.IntN(500000)),
					IllegalGains: strconv.Itoa(r.IntN(100000)), GoodsValue: strconv.Itoa(1000 + r.IntN(500000)), Computation: "按实际销售价格计算"})
			}
		}
		closing = []func(){
			func() {
				d := day()
				add(events.EnforcementPenaltyNotified, events.PenaltyNotifiedPayload{ServedOn: d, Law: "商标法第六十条第二款", Min: "0", Max: "250000",
					HearingAvailable: true, WindowDue: d.AddDays(5)})
			},
			func() {
				add(events.EnforcementDecided, events.DecidedPayload{Number: fmt.Sprintf("%s罚决字〔%d〕%d号", forum, at.Year(), r.IntN(10000)),
					DecidedOn: day(), Fine: strconv.Itoa(10000 + r.IntN(200000)), Law: "商标法第六十条第二款", Confiscation: "没收侵权商品", Destruction: []string{"侵权商品"}})
			},
			func() {
				add(events.EnforcementClosed, events.EnforcementClosedPayload{Reason: "处罚决定已执行完毕。"})
			},
		}
	case filing.KindMediation:
		opening = []func(){
			func() { add(events.MediationMediatorAssigned, events.MediatorPayload{Mediator: "seed-mediator"}) },
			func() { add(events.MediationStarted, events.MediationStartedPayload{Mediator: "seed-mediator"}) },
		}
		middle = func(int) {
			add(events.MediationSession, events.SessionPayload{Date: day(), Attendees: []string{"seed-mediator", "seed-holder", "被投诉人代理人"}})
		}
		closing = []func(){
			func() {
				d := day()
				add(events.MediationAgreed, events.AgreedPayload{Payment: strconv.Itoa(5000 + r.IntN(100000)), EffectiveOn: d, WithdrawComplaints: true,
					ConfirmationDue: d.AddDays(30)})
			},
		}
	default: // trials
		opening = []func(){
			func() {
				add(events.TrialReceived, events.TrialReceivedPayload{Court: forum, ReceivedOn: day(), Routed: true})
			},
			func() {
				add(events.TrialDocketed, events.DocketedPayload{Court: forum, CourtNumber: fmt.Sprintf("(%d)%s民初%d号", at.Year(), forum, r.IntN(20000)),
					Kind: "CIVIL", Instance: "FIRST", Procedure: "ORDINARY", DocketedOn: day(), Source: "ROUTED"})
			},
			func() {
				add(events.TrialPanelAssigned, events.PanelPayload{Members: []events.PanelMember{{Name: "审判长甲", Role: "PRESIDING"},
					{Name: "审判员乙", Role: "JUDGE"}, {Name: "人民陪审员丙", Role: "ASSESSOR"}}})
			},
		}
		middle = func(i int) {
			switch i % 3 {
			case 0:
				add(events.TrialEvidenceExchanged, events.ExchangePayload{HeldOn: day(), SHA256: []string{randomSHA256(r), randomSHA256(r)}})
			case 1:
				add(events.TrialHearingScheduled, events.HearingScheduledPayload{Date: day().AddDays(14), Place: "第三法庭"})
			default:
				add(events.TrialHeard, events.HeardPayload{Date: day(), Attendees: []string{"seed-holder", "被告代理人"}})
			}
		}
		closing = []func(){
			func() {
				add(events.TrialJudged, events.JudgedPayload{CourtNumber: fmt.Sprintf("(%d)%s民初%d号", at.Year(), forum, r.IntN(20000)),
					InfringementFound: true, Injunction: "立即停止侵权", Damages: strconv.Itoa(10000 + r.IntN(1000000)), Costs: "8800", JudgedOn: day()})
			},
			func() {
				add(events.TrialJudgmentServed, events.ServedPayload{Party: "被告", ServedOn: day(), AppealDue: day().AddDays(15),
					AppealRule: "民事诉讼法第一百七十一条"})
			},
		}
	}
	if !closed {
		closing = nil
	}
	for _, f := range opening {
		f()
	}
	for i := range max(n-len(opening)-len(closing), 0) {
		middle(i)
	}
	for _, f := range closing {
		f()
	}
}
