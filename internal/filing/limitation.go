package filing

import (
	"fmt"
	"time"
)

// chinaTime is China Standard Time (UTC+8, no daylight saving since 1991):
// matter numbers take their year, and "today" its date, from it.
var chinaTime = time.FixedZone("CST", 8*60*60)

// limitationYears is the general limitation period of Civil Code Art. 188:
// three years from when the holder knew or should have known of the harm
// and of the infringer.
const limitationYears = 3

// addYears adds n years to a date; a 29 February without a counterpart
// becomes 28 February (Civil Code Art. 202: the corresponding day, else the
// month's last day).
func addYears(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	last := time.Date(y+n, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y+n, m, min(day, last), 0, 0, 0, 0, time.UTC)
}

// limitationWarning warns when a complaint filed on today (a date) comes
// after the limitation period that started the day after knownSince
// (Civil Code Arts. 188, 201). It warns only: a court applies limitation on
// the defendant's plea, and interruption (Art. 195) may have restarted it.
func limitationWarning(knownSince *time.Time, today time.Time) *Warning {
	if knownSince == nil {
		return nil
	}
	end := addYears(*knownSince, limitationYears)
	// A last day on a weekend moves to the Monday (Civil Code Art. 203;
	// CALENDAR.md §4.4). Public holidays need the holiday calendar and are not
	// applied, which can only make this warning early, never missing.
	for end.Weekday() == time.Saturday || end.Weekday() == time.Sunday {
		end = end.AddDate(0, 0, 1)
	}
	if !today.After(end) {
		return nil
	}
	return &Warning{
		Code: "LIMITATION_PERIOD_EXPIRED",
		Message: fmt.Sprintf("the %d-year limitation period (Civil Code Art. 188) counted from %s ended on %s; "+
			"the complaint is kept, but the respondent may plead limitation unless it was interrupted (Art. 195); "+
			"a last day on a public holiday would move to the next working day (Art. 203), which is not checked here",
			limitationYears, knownSince.Format(time.DateOnly), end.Format(time.DateOnly)),
	}
}
