package gateway

import (
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// deadlineOf is the next deadline of st for the page, or nil: what it is
// for in plain words, its last day and how many days are left, counted in
// China Standard Time as the statutes count them.
func deadlineOf(lang string, st *ipcasev1.MatterStatus, now time.Time) *deadlineView {
	d := st.GetNextDeadline()
	if d.GetDueDate() == "" {
		return nil
	}
	v := &deadlineView{What: translate(lang, "deadline."+d.GetKind()), Due: d.GetDueDate(), DueISO: d.GetDueDate(), Basis: d.GetRule()}
	due, err := time.ParseInLocation(time.DateOnly, d.GetDueDate(), chinaTime)
	if err != nil {
		return v
	}
	y, m, day := now.In(chinaTime).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, chinaTime)
	switch left := int(due.Sub(today).Hours() / 24); {
	case left > 0:
		v.Left = translate(lang, "deadline.left", left)
	case left == 0:
		v.Left = translate(lang, "deadline.today")
	default:
		v.Left = translate(lang, "deadline.passed")
	}
	return v
}
