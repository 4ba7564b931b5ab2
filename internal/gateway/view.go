package gateway

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

// view is what every template gets.
type view struct {
	Lang     string
	HTMLLang string
	Title    string
	// Caller is who is signed in; empty on the sign-in pages.
	Caller string
	// Session: the caller is a sign-in session, which sees one matter.
	Session bool
	// Alert is a message to show first (an error, a refused sign-in).
	Alert string
	// Page-specific data.
	Matters []matterRow
	Matter  *matterView
	Code    string
}

// T translates key into the page's language.
func (v view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// switchTo is the other language, which the page's switch offers.
type switchTo struct{ Lang, HTMLLang, Label string }

// Other is the language the switch offers.
func (v view) Other() switchTo {
	if v.Lang == langEN {
		return switchTo{langZH, htmlLang(langZH), "中文"}
	}
	return switchTo{langEN, htmlLang(langEN), "English"}
}

// stamp is a time as the page shows it and as <time datetime> carries it.
type stamp struct {
	ISO  string
	Text string
}

func stampOf(ts *timestamppb.Timestamp) stamp {
	if ts == nil {
		return stamp{}
	}
	t := ts.AsTime().In(civil.China)
	return stamp{ISO: t.Format(time.RFC3339), Text: t.Format("2006-01-02 15:04")}
}

// matterRow is a line of the matters list.
type matterRow struct {
	ID, Number, Rights, Against, State string
	Filed                              stamp
}

func matterRowOf(lang string, m *ipcasev1.Matter) matterRow {
	return matterRow{ID: strings.TrimPrefix(m.GetName(), "matters/"), Number: m.GetNumber(),
		Rights: rightsOf(m), Against: againstOf(m),
		State: translate(lang, "matter."+m.GetState().String()), Filed: stampOf(m.GetCreateTime())}
}

func rightsOf(m *ipcasev1.Matter) string {
	var titles []string
	for _, r := range m.GetRights() {
		titles = append(titles, r.GetTitle())
	}
	return strings.Join(titles, "; ")
}

func againstOf(m *ipcasev1.Matter) string {
	var names []string
	for _, p := range m.GetRespondents() {
		names = append(names, p.GetDisplayName())
	}
	return strings.Join(names, "; ")
}

// matterView is one matter's page: where it stands, what is next, and the
// one timeline of all its proceedings.
type matterView struct {
	Number, Rights, Against, Agency string
	Filed                           stamp
	State                           string
	// Now is the current proceeding in plain words; Next what happens next.
	Now, Next   string
	Deadline    *deadlineView
	Proceedings []procRow
	Timeline    []entry
}

type procRow struct {
	Kind, Forum, Number, State string
	Since                      stamp
}

// deadlineView is the next deadline that concerns the caller.
type deadlineView struct {
	What, Due, DueISO, Left, Basis string
}

// entry is one line of the timeline.
type entry struct {
	When        stamp
	Title       string
	Proceeding  string
	Actor       string
	Details     []string
	Upcoming    bool
	UpcomingDue string
}

// open says whether a proceeding in state s still has steps to come.
func open(s ipcasev1.ProceedingState) bool {
	switch s {
	case ipcasev1.ProceedingState_PROCEEDING_STATE_REJECTED, ipcasev1.ProceedingState_PROCEEDING_STATE_WITHDRAWN,
		ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED, ipcasev1.ProceedingState_PROCEEDING_STATE_DISMISSED,
		ipcasev1.ProceedingState_PROCEEDING_STATE_FAILED, ipcasev1.ProceedingState_PROCEEDING_STATE_ACCEPTED:
		return false
	default:
		return true
	}
}

func matterViewOf(lang string, st *ipcasev1.MatterStatus, evs []*ipcasev1.Event, now time.Time) *matterView {
	m := st.GetMatter()
	v := &matterView{Number: m.GetNumber(), Rights: rightsOf(m), Against: againstOf(m), Agency: m.GetAgency(),
		Filed: stampOf(m.GetCreateTime()), State: translate(lang, "matter."+m.GetState().String())}
	kinds := map[string]string{}
	var current *ipcasev1.Proceeding
	for _, p := range m.GetProceedings() {
		kind := translate(lang, "kind."+p.GetKind().String())
		kinds[p.GetName()] = kind
		v.Proceedings = append(v.Proceedings, procRow{Kind: kind, Forum: p.GetForum(), Number: p.GetNumber(),
			State: translate(lang, "state."+p.GetState().String()), Since: stampOf(p.GetUpdateTime())})
		if open(p.GetState()) {
			current = p // the newest open proceeding
		}
	}
	switch {
	case current != nil:
		v.Now = fmt.Sprintf("%s (%s): %s", kinds[current.GetName()], current.GetForum(),
			translate(lang, "state."+current.GetState().String()))
		key := "next." + current.GetState().String()
		if _, ok := messages[key]; !ok {
			key = "next.unknown"
		}
		v.Next = translate(lang, key)
	default:
		v.Now = v.State
		v.Next = translate(lang, "next.done")
	}
	v.Deadline = deadlineOf(lang, st, now)
	for _, e := range evs {
		v.Timeline = append(v.Timeline, entryOf(lang, e, kinds))
	}
	if v.Deadline != nil {
		v.Timeline = append(v.Timeline, entry{Upcoming: true, Title: v.Deadline.What,
			UpcomingDue: translate(lang, "deadline.by", v.Deadline.Due)})
	}
	return v
}

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
		if val := valueText(lang, fields[k]); val != "" {
			out.Details = append(out.Details, translate(lang, "field."+k)+": "+val)
		}
	}
	return out
}

// valueText shows a payload value; enum-like values are translated when
// the catalog knows them.
func valueText(lang string, v *structpb.Value) string {
	switch x := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		for _, p := range []string{"kind.PROCEEDING_KIND_", "state.PROCEEDING_STATE_"} {
			if _, ok := messages[p+x.StringValue]; ok {
				return translate(lang, p+x.StringValue)
			}
		}
		return x.StringValue
	case *structpb.Value_NumberValue:
		return fmt.Sprint(x.NumberValue)
	case *structpb.Value_BoolValue:
		return fmt.Sprint(x.BoolValue)
	case *structpb.Value_ListValue:
		var parts []string
		for _, item := range x.ListValue.GetValues() {
			if s := valueText(lang, item); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(slices.Compact(parts), ", ")
	}
	return ""
}
