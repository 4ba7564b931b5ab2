package gateway

import (
	"strings"
	"time"

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
	// Here is the path the language switch reloads (see here).
	Here string
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
	// Decided are the decisions of the matter addressed to the parties:
	// judgments, penalty decisions, agreements and their confirmation.
	Decided  []entry
	Timeline []entry
	// Published links the documents of the matter published on the public
	// register, redacted (PublicationService).
	Published string
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
