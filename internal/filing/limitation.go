package filing

import (
	"fmt"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
)

// limitationWarning warns when a complaint filed on today comes after the
// limitation period (deadline.Limitation: three years, Civil Code Art. 188)
// that started the day after knownSince (Art. 201), counted on the holiday
// calendar cal: a last day on a rest day moves to the next working day
// (Art. 203). It warns only: a court applies limitation on the defendant's
// plea, and interruption (Art. 195) may have restarted it. Where cal has no
// notice for the last day's year, public holidays cannot be checked and
// only weekends move the day; the warning says so.
func limitationWarning(cal *deadline.Calendar, knownSince *civil.Date, today civil.Date) *Warning {
	if knownSince == nil {
		return nil
	}
	end, caveat := limitationEnd(cal, *knownSince)
	if !today.After(end) {
		return nil
	}
	p := deadline.Limitation
	msg := fmt.Sprintf("the %d-year limitation period (%s) counted from %s ended on %s; the complaint is kept, but the "+
		"respondent may plead limitation unless it was interrupted (Civil Code Art. 195)", p.Length, p.Citation, knownSince, end)
	if caveat != "" {
		msg += "; " + caveat
	}
	return &Warning{Code: "LIMITATION_PERIOD_EXPIRED", Message: msg}
}

// limitationEnd is the last day of the limitation period. caveat is empty
// when the calendar settles that day; otherwise it says what was not
// checked: a year with no holiday notice, counted on its statutory holidays
// (from 2025) or on weekends alone (before), or a December day the next
// year's notice, not yet loaded, could still make a holiday.
func limitationEnd(cal *deadline.Calendar, knownSince civil.Date) (end civil.Date, caveat string) {
	c, err := deadline.Limitation.Due(cal, knownSince)
	if err == nil && c.Provisional {
		return c.Due, fmt.Sprintf("no holiday notice of %d is loaded, so the end was counted on the statutory holidays alone "+
			"(National Holiday Measures Art. 2) and may still move when the notice is published (Civil Code Art. 203)", c.Due.Year)
	}
	if err == nil {
		if day, err := cal.Day(c.Due); err == nil && day.AwaitsNextNotice {
			return c.Due, fmt.Sprintf("the %d holiday notice is not loaded yet and could still make %s a holiday, "+
				"moving the end to the next working day (Civil Code Art. 203)", c.Due.Year+1, c.Due)
		}
		return c.Due, ""
	}
	end, _ = knownSince.AddMonths(12 * deadline.Limitation.Length)
	for end.Weekday() == 0 || end.Weekday() == 6 {
		end = end.AddDays(1)
	}
	if u, ok := deadline.IsUncovered(err); ok {
		return end, fmt.Sprintf("no holiday notice of %d is loaded, so only weekends were passed over (Civil Code Art. 203)", u.Year)
	}
	return end, fmt.Sprintf("public holidays could not be checked (%v), so only weekends were passed over (Civil Code Art. 203)", err)
}
