package deadline

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/calendar"

	"github.com/ipcase/ipcase/internal/civil"
)

// Provisional calendars. A year whose State Council notice is not loaded
// yet — the notice is issued in the autumn before its year — is read from
// its statutory public holidays alone, so that every clock still runs:
// National Holiday Measures (全国年节及纪念日放假办法) Art. 2 as revised by
// State Council Decree No. 795 of 2024-11-10, in force 2025-01-01. What
// the Measures leave to the notice is not predicted: the working day that
// makes up a holiday falling on a weekend (Art. 6) and the swapped days
// and make-up working days of 放假调休 (Art. 7). A result that relies on
// such a year is marked provisional, and stored deadlines are recomputed
// when the notice is loaded (the calendar's Version changes).
const (
	// measures names the rule behind a provisional day.
	measures = "National Holiday Measures Art. 2 (State Council Decree No. 795)"
	// firstProvisionalYear is the first year the 2024 Measures govern;
	// an earlier year without a notice stays uncovered.
	firstProvisionalYear = 2025
	// lastProvisionalYear bounds the lunar computation; no statutory
	// period ipcase runs reaches further.
	lastProvisionalYear = 2100
)

// holiday is one statutory public holiday of a year.
type holiday struct {
	name string
	days []civil.Date
}

// statutoryHolidays returns the whole-population holidays of Art. 2 for
// year: New Year's Day (1 January); Spring Festival, 4 days (New Year's Eve
// and days 1–3 of the first lunar month); Qingming, 1 day (the solar term);
// Labour Day, 2 days (1–2 May); Dragon Boat, 1 day (the 5th of the 5th
// lunar month); Mid-Autumn, 1 day (the 15th of the 8th lunar month);
// National Day, 3 days (1–3 October). The lunar dates are computed (lunar-go,
// the Shouxing astronomical calendar); in a year with a leap month the
// festival falls in the ordinary month, which the library's positive month
// numbers denote.
func statutoryHolidays(year int) []holiday {
	d := func(m time.Month, day int) civil.Date { return civil.Date{Year: year, Month: m, Day: day} }
	fromSolar := func(s *calendar.Solar) civil.Date {
		return civil.Date{Year: s.GetYear(), Month: time.Month(s.GetMonth()), Day: s.GetDay()}
	}
	lunar := func(month, day int) civil.Date {
		return fromSolar(calendar.NewLunarFromYmd(year, month, day).GetSolar())
	}
	newYear := lunar(1, 1)
	return []holiday{
		{"New Year's Day", []civil.Date{d(time.January, 1)}},
		{"Spring Festival", []civil.Date{newYear.AddDays(-1), newYear, newYear.AddDays(1), newYear.AddDays(2)}},
		{"Qingming", []civil.Date{fromSolar(calendar.NewLunarFromYmd(year, 1, 1).GetJieQiTable()["清明"])}},
		{"Labour Day", []civil.Date{d(time.May, 1), d(time.May, 2)}},
		{"Dragon Boat Festival", []civil.Date{lunar(5, 5)}},
		{"Mid-Autumn Festival", []civil.Date{lunar(8, 15)}},
		{"National Day", []civil.Date{d(time.October, 1), d(time.October, 2), d(time.October, 3)}},
	}
}

// provisionalYears caches provisionalYear: the lunar computation takes
// about a millisecond a year, and the result depends on the year alone.
var provisionalYears sync.Map // int → Year

// provisionalYear returns the provisional calendar of year, or reports that
// it has none (before the 2024 Measures or beyond the lunar bound).
func provisionalYear(year int) (Year, bool) {
	if year < firstProvisionalYear || year > lastProvisionalYear {
		return Year{}, false
	}
	if y, ok := provisionalYears.Load(year); ok {
		return y.(Year), true
	}
	y := Year{Year: year, Notice: fmt.Sprintf("%s; provisional: no notice for %d is loaded", measures, year), Source: "provisional"}
	for _, h := range statutoryHolidays(year) {
		y.Holidays = append(y.Holidays, h.days...)
	}
	provisionalYears.Store(year, y)
	return y, true
}

// provisionalDescriptions caches describeProvisional, as provisionalYears:
// a complaint's limitation period (filing.limitationWarning) describes a
// provisional year on every filing.
var provisionalDescriptions sync.Map // int → string

// describeProvisional lists year's statutory holidays for a derivation.
func describeProvisional(year int) string {
	if s, ok := provisionalDescriptions.Load(year); ok {
		return s.(string)
	}
	s := describeStatutory(year)
	provisionalDescriptions.Store(year, s)
	return s
}

// describeStatutory is describeProvisional, computed.
func describeStatutory(year int) string {
	hs := statutoryHolidays(year)
	parts := make([]string, len(hs))
	for i, h := range hs {
		days := h.days[0].String()
		if n := len(h.days); n > 1 {
			days += " – " + h.days[n-1].String()
		}
		parts[i] = h.name + " " + days
	}
	return strings.Join(parts, "; ")
}
