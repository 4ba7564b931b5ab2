package gateway

import (
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
)

// deadlineOf is the next deadline of st for the page, or nil: what it is
// for in plain words, its last day and how many days are left, counted in
// China Standard Time as the statutes count them.
func deadlineOf(lang string, st *ipcasev1.MatterStatus, now time.Time) *deadlineView {
	d := st.GetNextDeadline()
	if d.GetDueDate() == "" {
		return nil
	}
	v := &deadlineView{What: translate(lang, "deadline."+d.GetKind()), Due: dateText(lang, d.GetDueDate()), DueISO: d.GetDueDate(),
		Basis: ruleText(lang, d.GetRule())}
	if v.Due == "" {
		v.Due = d.GetDueDate()
	}
	due, err := civil.Parse(d.GetDueDate())
	if err != nil {
		return v
	}
	switch left := civil.Today(now).DaysUntil(due); {
	case left > 0:
		v.Left = translate(lang, "deadline.left", left)
	case left == 0:
		v.Left = translate(lang, "deadline.today")
	default:
		v.Left = translate(lang, "deadline.passed")
	}
	return v
}
