package gateway

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// ended are the states in which a proceeding has no step to come, ranked
// by how much they say of how a matter ended: when every proceeding has
// ended, the first of these among them tells how (a confirmed settlement
// also settles the trials and closes the enforcement case it ends).
var ended = []ipcasev1.ProceedingState{
	ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE,
	ipcasev1.ProceedingState_PROCEEDING_STATE_SETTLED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_DISMISSED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_DECLINED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMATION_REFUSED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_FAILED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED, // the second instance carries on
	ipcasev1.ProceedingState_PROCEEDING_STATE_WITHDRAWN,
	ipcasev1.ProceedingState_PROCEEDING_STATE_REJECTED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_ACCEPTED, // a reviewed complaint: the route carries on
	ipcasev1.ProceedingState_PROCEEDING_STATE_CONFISCATED,
	ipcasev1.ProceedingState_PROCEEDING_STATE_HANDED_OVER,
	ipcasev1.ProceedingState_PROCEEDING_STATE_RELEASED,
}

// open says whether a proceeding in state s still has steps to come.
func open(s ipcasev1.ProceedingState) bool { return !slices.Contains(ended, s) }

// decisions are the event types the page also shows under "What was
// decided": what an agency, a court or the parties decided, addressed to
// the parties. The gateway reads events through the API, not package
// events, so it names types by their page keys ("event.<type>", as the
// labels do); TestEveryValueLabelled checks each is a declared type.
var decisions = map[string]bool{
	"event.complaint.rejected": true, "event.enforcement.decided": true, "event.enforcement.dismissed": true,
	"event.mediation.agreed": true, "event.mediation.confirmed": true, "event.mediation.confirmation_refused": true,
	"event.trial.declined": true, "event.trial.judged": true, "event.trial.judgment_effective": true,
	"event.trial.agreement_confirmed": true, "event.trial.confirmation_refused": true, "event.trial.settled": true,
	"event.customs.detention_refused": true, "event.customs.infringement_decided": true, "event.customs.goods_released": true,
	"event.customs.goods_handed_over": true,
}

// stateLabel is state s of a proceeding of kind k: a kind's own label
// first (a confirmation REQUESTED is no mediation waiting for consent).
func stateLabel(lang string, k ipcasev1.ProceedingKind, s ipcasev1.ProceedingState) string {
	if key := "state." + k.String() + "." + s.String(); messages[key] != [2]string{} {
		return translate(lang, key)
	}
	return translate(lang, "state."+s.String())
}

// nextLabel is what happens after state s of a proceeding of kind k.
func nextLabel(lang string, k ipcasev1.ProceedingKind, s ipcasev1.ProceedingState) string {
	for _, key := range []string{"next." + k.String() + "." + s.String(), "next." + s.String()} {
		if _, ok := messages[key]; ok {
			return translate(lang, key)
		}
	}
	return translate(lang, "next.unknown")
}

func matterViewOf(lang string, st *ipcasev1.MatterStatus, evs []*ipcasev1.Event, now time.Time) *matterView {
	m := st.GetMatter()
	v := &matterView{Number: m.GetNumber(), Rights: rightsOf(m), Against: againstOf(m), Agency: m.GetAgency(),
		Published: "/v1/publishedDocuments?matter=" + url.QueryEscape(m.GetName()),
		Filed:     stampOf(m.GetCreateTime()), State: translate(lang, "matter."+m.GetState().String())}
	kinds := map[string]string{}
	var current, end *ipcasev1.Proceeding
	rank := func(p *ipcasev1.Proceeding) int { return slices.Index(ended, p.GetState()) }
	for _, p := range m.GetProceedings() {
		kind := translate(lang, "kind."+p.GetKind().String())
		kinds[p.GetName()] = kind
		v.Proceedings = append(v.Proceedings, procRow{Kind: kind, Forum: p.GetForum(), Number: p.GetNumber(),
			State: stateLabel(lang, p.GetKind(), p.GetState()), Since: stampOf(p.GetUpdateTime())})
		switch {
		case open(p.GetState()):
			current = p // the newest open proceeding
		case end == nil || rank(p) <= rank(end):
			end = p // the proceeding that says most of how the matter ended; the newest of equals
		}
	}
	switch {
	case current != nil:
		v.Now = fmt.Sprintf("%s (%s): %s", kinds[current.GetName()], current.GetForum(),
			stateLabel(lang, current.GetKind(), current.GetState()))
		v.Next = nextLabel(lang, current.GetKind(), current.GetState())
	case end != nil && (m.GetState() == ipcasev1.MatterState_MATTER_STATE_ACCEPTED || m.GetState() == ipcasev1.MatterState_MATTER_STATE_CLOSED):
		// Every proceeding has ended: say how. An accepted matter is over
		// though nobody has closed it.
		if m.GetState() == ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
			v.State = translate(lang, "matter.ended")
		}
		v.Now = endText(lang, end, evs)
		v.Next = translate(lang, "next.done")
	default:
		v.Now = v.State
		v.Next = translate(lang, "next.done")
	}
	v.Deadline = deadlineOf(lang, st, now)
	for _, e := range evs {
		en := entryOf(lang, e, kinds)
		v.Timeline = append(v.Timeline, en)
		if decisions["event."+e.GetType()] {
			v.Decided = append(v.Decided, en)
		}
	}
	if v.Deadline != nil {
		v.Timeline = append(v.Timeline, entry{Upcoming: true, Title: v.Deadline.What,
			UpcomingDue: translate(lang, "deadline.by", v.Deadline.Due)})
	}
	return v
}

// endText says how a matter ended whose proceedings have all ended, by the
// proceeding that says most of it; an enforcement case closed after a
// settlement or a penalty decision says so.
func endText(lang string, p *ipcasev1.Proceeding, evs []*ipcasev1.Event) string {
	end := "ended." + p.GetState().String()
	if p.GetState() == ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED {
		end = "ended." + p.GetKind().String()
		for _, e := range evs {
			switch key := "event." + e.GetType(); {
			case e.GetProceeding() != p.GetName():
			case key == eventDecided:
				end = "ended.decided"
			case key == eventClosed && e.GetPayload().GetFields()["settled"].GetBoolValue():
				end = "ended.settled"
			}
		}
	}
	if _, ok := messages[end]; !ok {
		end = "ended.other"
	}
	return translate(lang, end)
}

// The events that tell how an enforcement case was closed, by page key.
const (
	eventDecided = "event.enforcement.decided"
	eventClosed  = "event.enforcement.closed"
)

func entryOf(lang string, e *ipcasev1.Event, kinds map[string]string) entry {
	out := entry{When: stampOf(e.GetOccurTime()), Title: translate(lang, "event."+e.GetType()),
		Proceeding: kinds[e.GetProceeding()]}
	if a := e.GetActor(); a != nil {
		out.Actor = strings.TrimSpace(translate(lang, "role."+a.GetRole()) + " " + a.GetOrganization())
	}
	fields := e.GetPayload().GetFields()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, shown := fieldFormat(e.GetType(), k)
		if !shown {
			continue
		}
		label := "field." + k
		if f == asDeadline {
			label = "field.deadline"
		}
		if val := fieldText(lang, f, fields[k]); val != "" {
			out.Details = append(out.Details, translate(lang, label)+translate(lang, "colon")+val)
		}
	}
	return out
}
