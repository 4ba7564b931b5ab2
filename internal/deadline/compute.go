package deadline

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ipcase/ipcase/internal/errs"
)

// Extension lengthens a period, e.g. by 30 days with the head's approval
// (SAMR Provisions on Administrative Penalty Procedures Art. 64).
type Extension struct {
	// Rule is the extra period and its basis.
	Rule Rule `json:"rule"`
	// ApprovedBy names who approved it; required.
	ApprovedBy string `json:"approvedBy"`
	// Reason says why; optional.
	Reason string `json:"reason,omitempty"`
}

const (
	maxApprovedBy = 200
	maxReason     = 1000
)

// check adds e's violations to v under prefix (e.g. "extension.").
func (e Extension) check(v *errs.FieldErrors, prefix string) {
	e.Rule.check(v, prefix)
	switch {
	case strings.TrimSpace(e.ApprovedBy) == "":
		v.Add(prefix+"approved_by", "required: an extension needs the approval of the authority's head (SAMR Provisions Art. 64)")
	case !utf8.ValidString(e.ApprovedBy) || utf8.RuneCountInString(e.ApprovedBy) > maxApprovedBy:
		v.Add(prefix+"approved_by", "must be valid UTF-8 of at most %d characters", maxApprovedBy)
	}
	if !utf8.ValidString(e.Reason) || utf8.RuneCountInString(e.Reason) > maxReason {
		v.Add(prefix+"reason", "must be valid UTF-8 of at most %d characters", maxReason)
	}
}

// Computation is a due date with its derivation.
type Computation struct {
	// Trigger is the day of the event that starts the clock; it is not
	// counted.
	Trigger Date `json:"trigger"`
	// Rule is the period.
	Rule Rule `json:"rule"`
	// Extensions lengthen the period, in the order granted.
	Extensions []Extension `json:"extensions,omitempty"`
	// Due is the last day of the period; it ends at 24:00 China Standard
	// Time (Civil Code Art. 203).
	Due Date `json:"due"`
	// RawEnd is the last day before any move off a rest day.
	RawEnd Date `json:"rawEnd"`
	// Adjusted is true when RawEnd was a rest day and Due is the first
	// working day after it.
	Adjusted bool `json:"adjusted"`
	// EndsOnMakeUpWorkingDay is true when Due is a make-up working day
	// (调休上班), a Saturday or Sunday: the period is not extended to the
	// next ordinary working day, an assumption where the law is unsettled
	// (CALENDAR.md §4.5) that users must see.
	EndsOnMakeUpWorkingDay bool `json:"endsOnMakeUpWorkingDay"`
	// CalendarVersion is the Version of the calendar used.
	CalendarVersion string `json:"calendarVersion"`
	// Steps is the derivation, one step per line, each citing its article.
	Steps []string `json:"steps"`
}

// Compute returns the due date of rule triggered on trigger, lengthened by
// exts in order, on cal (CALENDAR.md §4.7). A request it cannot compute
// returns *errs.FieldErrors naming trigger_date, period, unit or basis (and
// extensions[i].… for an extension); a day in a year cal does not cover
// returns *UncoveredYearError.
//
// An extension is counted on from the raw end of the period it extends,
// before any move off a rest day, so 90 + 30 days is the 120th day after the
// trigger; month and year extensions of a month or year period are added to
// it and counted from the trigger, so 6 + 6 months from 31 August end on
// 31 August, not on the 28th.
func Compute(cal *Calendar, trigger Date, rule Rule, exts ...Extension) (Computation, error) {
	v := &errs.FieldErrors{}
	if trigger.IsZero() {
		v.Add("trigger_date", "required")
	}
	rule.check(v, "")
	for i, e := range exts {
		e.check(v, fmt.Sprintf("extensions[%d].", i))
	}
	if err := v.Err(); err != nil {
		return Computation{}, err
	}
	c := &counter{cal: cal, Computation: Computation{Trigger: trigger, Rule: rule, Extensions: exts,
		CalendarVersion: cal.Version()}}
	if err := c.run(); err != nil {
		return Computation{}, err
	}
	return c.Computation, nil
}

// counter carries one computation and writes its steps.
type counter struct {
	Computation
	cal *Calendar
	// months counts the months from the trigger while every segment so far
	// is in months or years; -1 once a day segment has been counted.
	months      int
	provisional map[int]bool
}

func (c *counter) step(format string, args ...any) {
	c.Steps = append(c.Steps, fmt.Sprintf(format, args...))
}

// day looks d up and notes, once per year, that a December day is read
// without the next year's notice.
func (c *counter) day(d Date) (Day, error) {
	day, err := c.cal.Day(d)
	if err != nil {
		return Day{}, err
	}
	if day.Provisional && !c.provisional[d.Year] {
		if c.provisional == nil {
			c.provisional = map[int]bool{}
		}
		c.provisional[d.Year] = true
		c.step("%s is read from the %d notice alone: the %d notice is not loaded, and a notice can reach back into "+
			"the December before its year (CALENDAR.md §1). Open deadlines are recomputed when it is", d, d.Year, d.Year+1)
	}
	return day, nil
}

func (c *counter) run() error {
	basis := "no legal basis given"
	if c.Rule.Basis != "" {
		basis = "legal basis: " + c.Rule.Basis
	}
	c.step("Period: %s, %s; triggered on %s", c.Rule.Unit.noun(c.Rule.Period), basis, c.Trigger.label())
	c.step("The trigger day %s is not counted; counting starts on %s (CPL Art. 85; Civil Code Art. 201; "+
		"SPC CPL Interpretation Art. 125)", c.Trigger, c.Trigger.AddDays(1))
	end, err := c.segment(c.Trigger, c.Rule)
	if err != nil {
		return err
	}
	last := c.Rule.Unit
	for i, e := range c.Extensions {
		who := "approved by " + e.ApprovedBy
		if e.Reason != "" {
			who += ": " + e.Reason
		}
		if c.months > 0 && (e.Rule.Unit == Months || e.Rule.Unit == Years) {
			c.step("Extension %d: +%s, %s; added to the period and counted from the trigger %s, so that the "+
				"corresponding day is kept (Civil Code Art. 202; CALENDAR.md §5 item 7: the law does not say; ipcase's reading)",
				i+1, e.Rule, who, c.Trigger)
		} else {
			c.step("Extension %d: +%s, %s; counted on from %s, the last day before any move off a rest day, "+
				"so the period is lengthened rather than restarted (CALENDAR.md §5 item 7: the law does not say; ipcase's reading)",
				i+1, e.Rule, who, end)
		}
		if end, err = c.segment(end, e.Rule); err != nil {
			return err
		}
		last = e.Rule.Unit
	}
	c.RawEnd = end
	if last == WorkingDays {
		c.Due = end
		c.step("A period in working days ends on its last working day; it is not moved further (Administrative Penalty Law Art. 85)")
	} else if err := c.roll(); err != nil {
		return err
	}
	c.step("Due %s: the period ends at 24:00 China Standard Time that day (Civil Code Art. 203); "+
		"a document posted by then is in time (CPL Art. 85)", c.Due.label())
	return nil
}

// segment counts r on from `from` and returns its last day before any roll.
func (c *counter) segment(from Date, r Rule) (Date, error) {
	switch r.Unit {
	case CalendarDays:
		c.months = -1
		end := from.AddDays(r.Period)
		c.step("Day %d is %s: every day is counted, and rest days inside the period are not deducted "+
			"(SPC document of 2014-12-12, CALENDAR.md §4.3)", r.Period, end.label())
		return end, nil
	case WorkingDays:
		c.months = -1
		return c.workingDays(from, r.Period)
	}
	n := r.Period
	if r.Unit == Years {
		n *= 12
	}
	anchor, total := from, n
	if c.months > 0 {
		// A month or year extension of a month or year period: add it to
		// the period and count from the trigger.
		anchor, total = c.Trigger, c.months+n
	}
	if c.months >= 0 {
		c.months = total
	}
	end, clamped := anchor.addMonths(total)
	span := fmt.Sprintf("%d months from %s", total, anchor)
	if r.Unit == Years && total == n {
		span = fmt.Sprintf("%s (%d months) from %s", r.Unit.noun(r.Period), total, anchor)
	}
	if clamped {
		c.step("%s: %d-%02d has no day %d, so the period ends on that month's last day, %s (Civil Code Art. 202)",
			span, end.Year, end.Month, anchor.Day, end.label())
	} else {
		c.step("%s end on the corresponding day, %s (Civil Code Art. 202; months are counted whatever their length, "+
			"SPC document of 2014-12-12)", span, end.label())
	}
	return end, nil
}

// workingDays counts n working days after from (Administrative Penalty Law
// Art. 85), with make-up working days counted as working days (CALENDAR.md
// §4.6, an inference).
func (c *counter) workingDays(from Date, n int) (Date, error) {
	var counted, skipped []Day
	d := from
	for len(counted) < n {
		d = d.AddDays(1)
		day, err := c.day(d)
		if err != nil {
			return Date{}, err
		}
		if day.Kind.Rest() {
			skipped = append(skipped, day)
		} else {
			counted = append(counted, day)
		}
	}
	list := make([]string, len(counted))
	var makeUp []string
	for i, day := range counted {
		list[i] = fmt.Sprintf("%d. %s", i+1, day.Date.label())
		if day.Kind == MakeUpWorkday {
			list[i] += " make-up"
			makeUp = append(makeUp, day.Date.label())
		}
	}
	c.step("Working days counted (Administrative Penalty Law Art. 85: only working days count): %s", strings.Join(list, ", "))
	if len(skipped) > 0 {
		c.step("Rest days not counted: %s", describeRuns(skipped))
	}
	if len(makeUp) > 0 {
		c.step("%s: make-up working day (调休上班) under %s, counted as a working day (CALENDAR.md §4.6: an inference from "+
			"the notices' 上班, the law does not say)", strings.Join(makeUp, ", "), firstMakeUpNotice(counted))
	}
	if lastDay := counted[len(counted)-1]; lastDay.Kind == MakeUpWorkday {
		c.EndsOnMakeUpWorkingDay = true
		c.step("%s is a make-up working day — the period is NOT extended (CALENDAR.md §4.5: the law is unsettled; "+
			"ipcase treats the day as a working day, as courts and agencies are open)", lastDay.Date.label())
	} else {
		c.EndsOnMakeUpWorkingDay = false
	}
	return d, nil
}

// firstMakeUpNotice names the notice of the first make-up day in days.
func firstMakeUpNotice(days []Day) string {
	for _, d := range days {
		if d.Kind == MakeUpWorkday {
			return d.Notice
		}
	}
	return ""
}

// roll moves RawEnd off rest days (CPL Art. 85; Civil Code Art. 203;
// CALENDAR.md §4.4) and sets Due.
func (c *counter) roll() error {
	day, err := c.day(c.RawEnd)
	if err != nil {
		return err
	}
	c.Due, c.Adjusted, c.EndsOnMakeUpWorkingDay = c.RawEnd, false, false
	switch day.Kind {
	case Workday:
		c.step("%s is %s: the period ends that day", day.Date.label(), day.describe())
		return nil
	case MakeUpWorkday:
		c.EndsOnMakeUpWorkingDay = true
		c.step("%s is %s: make-up working day — the period is NOT extended; it ends that day (CALENDAR.md §4.5: "+
			"the law is unsettled; ipcase treats the day as a working day, as courts and agencies are open)",
			day.Date.label(), day.describe())
		return nil
	}
	c.step("%s is %s, a rest day (法定休假日): the period ends on the first working day after it "+
		"(CPL Art. 85; Civil Code Art. 203; CALENDAR.md §4.4)", day.Date.label(), day.describe())
	var skipped []Day
	d := c.RawEnd
	for {
		d = d.AddDays(1)
		next, err := c.day(d)
		if err != nil {
			return err
		}
		if !next.Kind.Rest() {
			day = next
			break
		}
		skipped = append(skipped, next)
	}
	if len(skipped) > 0 {
		c.step("Rest days passed over: %s", describeRuns(skipped))
	}
	c.Due, c.Adjusted = day.Date, true
	if day.Kind == MakeUpWorkday {
		c.EndsOnMakeUpWorkingDay = true
		c.step("%s is %s, the first working day: make-up working day — the period is NOT extended to the next "+
			"ordinary working day (CALENDAR.md §4.5: the law is unsettled; ipcase treats the day as a working day)",
			day.Date.label(), day.describe())
	} else {
		c.step("%s is %s, the first working day after the rest days", day.Date.label(), day.describe())
	}
	return nil
}

// describeRuns lists rest days, joining consecutive days of the same kind
// and notice: "2024-10-01 (Tue) – 2024-10-07 (Mon): public holidays (…)".
func describeRuns(days []Day) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Date == days[j].Date.AddDays(1) &&
			days[j+1].Kind == days[i].Kind && days[j+1].Notice == days[i].Notice {
			j++
		}
		what := days[i].describe()
		if j == i {
			parts = append(parts, days[i].Date.label()+" "+what)
		} else {
			parts = append(parts, fmt.Sprintf("%s – %s each %s", days[i].Date.label(), days[j].Date.label(), what))
		}
		i = j + 1
	}
	return strings.Join(parts, "; ")
}

// IsUncovered reports whether err is an *UncoveredYearError and returns it.
func IsUncovered(err error) (*UncoveredYearError, bool) {
	var u *UncoveredYearError
	ok := errors.As(err, &u)
	return u, ok
}
