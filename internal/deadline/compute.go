package deadline

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ipcase/ipcase/internal/civil"
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

// Check returns e's violations, under field names starting with prefix
// (e.g. "extension."), or nil.
func (e Extension) Check(prefix string) error {
	v := &errs.FieldErrors{}
	e.check(v, prefix)
	return v.Err()
}

// check adds e's violations to v under prefix (e.g. "extension.").
func (e Extension) check(v *errs.FieldErrors, prefix string) {
	e.Rule.check(v, prefix)
	switch {
	case strings.TrimSpace(e.ApprovedBy) == "":
		v.Add(prefix+"approved_by", "required: name who approved the extension (the agency's head or the court's president, as the period's article requires)")
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
	Trigger civil.Date `json:"trigger"`
	// Rule is the period.
	Rule Rule `json:"rule"`
	// Extensions lengthen the period, in the order granted.
	Extensions []Extension `json:"extensions,omitempty"`
	// Due is the last day of the period; it ends at 24:00 China Standard
	// Time (Civil Code Art. 203).
	Due civil.Date `json:"due"`
	// RawEnd is the last day before any move off a rest day.
	RawEnd civil.Date `json:"rawEnd"`
	// Adjusted is true when RawEnd was a rest day and Due is the first
	// working day after it.
	Adjusted bool `json:"adjusted"`
	// EndsOnMakeUpWorkingDay is true when Due is a make-up working day
	// (调休上班), a Saturday or Sunday: the period is not extended to the
	// next ordinary working day, an assumption where the law is unsettled
	// (SOURCES.md, "Make-up working days") that users must see.
	EndsOnMakeUpWorkingDay bool `json:"endsOnMakeUpWorkingDay"`
	// Provisional is true when the computation read a day of a year whose
	// State Council notice is not loaded, from that year's provisional
	// calendar of statutory holidays: the due day may still move when the
	// notice is published, and stored deadlines are then recomputed.
	Provisional bool `json:"provisional"`
	// CalendarVersion is the Version of the calendar used.
	CalendarVersion string `json:"calendarVersion"`
	// Steps is the derivation, one step per line, each citing its article.
	Steps []string `json:"steps"`
}

// Compute returns the due date of rule triggered on trigger, lengthened by
// exts in order, on cal (see the package comment). A request it cannot compute
// returns *errs.FieldErrors naming trigger_date, period, unit or basis (and
// extensions[i].… for an extension); a day in a year cal does not cover
// returns *UncoveredYearError.
//
// An extension is counted on from the raw end of the period it extends,
// before any move off a rest day, so 90 + 30 days is the 120th day after the
// trigger; month and year extensions of a month or year period are added to
// it and counted from the trigger, so 6 + 6 months from 31 August end on
// 31 August, not on the 28th.
func Compute(cal *Calendar, trigger civil.Date, rule Rule, exts ...Extension) (Computation, error) {
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
	months int
	// noted holds the years whose provisional or December caveat the
	// derivation already states.
	noted map[int]bool
}

func (c *counter) note(year int) {
	if c.noted == nil {
		c.noted = map[int]bool{}
	}
	c.noted[year] = true
}

func (c *counter) step(format string, args ...any) {
	c.Steps = append(c.Steps, fmt.Sprintf(format, args...))
}

// day looks d up and notes, once per year, that a December day is read
// without the next year's notice.
func (c *counter) day(d civil.Date) (Day, error) {
	day, err := c.cal.Day(d)
	if err != nil {
		return Day{}, err
	}
	switch {
	case c.noted[d.Year]:
	case day.Provisional:
		c.note(d.Year)
		c.Provisional = true
		c.step("%d has no State Council holiday notice loaded: its days are read from a provisional calendar of the statutory "+
			"holidays alone (National Holiday Measures Art. 2, State Council Decree No. 795; lunar dates computed): %s. "+
			"It cannot foresee the working day the notice gives for a holiday on a weekend (Art. 6) or its swapped days and "+
			"make-up working days (Art. 7), so the result is provisional; open deadlines are recomputed when the %d notice is loaded",
			d.Year, describeProvisional(d.Year), d.Year)
	case day.AwaitsNextNotice:
		c.note(d.Year)
		c.step("%s is read from the %d notice alone: the %d notice is not loaded, and a notice can reach back into "+
			"the December before its year, as 国办发明电〔2022〕16号 did. Open deadlines are recomputed when it is", d, d.Year, d.Year+1)
	}
	return day, nil
}

func (c *counter) run() error {
	basis := "no legal basis given"
	if c.Rule.Basis != "" {
		basis = "legal basis: " + c.Rule.Basis
	}
	c.step("Period: %s, %s; triggered on %s", c.Rule.Unit.noun(c.Rule.Period), basis, label(c.Trigger))
	c.step("The trigger day %s is not counted; counting starts on %s (%s)", c.Trigger, c.Trigger.AddDays(1), c.Rule.Counting.startRule())
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
				"corresponding day is kept (Civil Code Art. 202; CPL Arts. 152, 164 and 183 do not say from when an extension counts: ipcase's reading)",
				i+1, e.Rule, who, c.Trigger)
		} else {
			c.step("Extension %d: +%s, %s; counted on from %s, the last day before any move off a rest day, "+
				"so the period is lengthened rather than restarted (the law does not say from when an extension counts: ipcase's reading)",
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
	c.step("Due %s: the period ends at 24:00 China Standard Time that day, and a document posted by then is in time (%s)",
		label(c.Due), c.Rule.Counting.cite("Civil Code Art. 203; CPL Art. 85"))
	return nil
}

// segment counts r on from `from` and returns its last day before any roll.
func (c *counter) segment(from civil.Date, r Rule) (civil.Date, error) {
	switch r.Unit {
	case CalendarDays:
		c.months = -1
		end := from.AddDays(r.Period)
		c.step("Day %d is %s: every day is counted, and rest days inside the period are not deducted (%s)",
			r.Period, label(end), c.Rule.Counting.cite("CPL Art. 85 ¶3 and Civil Code Art. 203 move the last day only; "+
				"SPC document of 2014-12-12: 节假日在期间中间…不予扣除"))
		return end, nil
	case WorkingDays:
		c.months = -1
		return c.workingDays(from, r.Period)
	case Months, Years: // counted in months below
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
	end, clamped := anchor.AddMonths(total)
	span := fmt.Sprintf("%d months from %s", total, anchor)
	if r.Unit == Years && total == n {
		span = fmt.Sprintf("%s (%d months) from %s", r.Unit.noun(r.Period), total, anchor)
	}
	if clamped {
		c.step("%s: %d-%02d has no day %d, so the period ends on that month's last day, %s (Civil Code Art. 202)",
			span, end.Year, end.Month, anchor.Day, label(end))
	} else {
		c.step("%s end on the corresponding day, %s (Civil Code Art. 202; months are counted whatever their length, "+
			"SPC document of 2014-12-12)", span, label(end))
	}
	return end, nil
}

// workingDays counts n working days after from (Administrative Penalty Law
// Art. 85), with make-up working days counted as working days (an
// inference from the notices' 上班; the law does not say).
func (c *counter) workingDays(from civil.Date, n int) (civil.Date, error) {
	var counted, skipped []Day
	d := from
	for len(counted) < n {
		d = d.AddDays(1)
		day, err := c.day(d)
		if err != nil {
			return civil.Date{}, err
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
		list[i] = fmt.Sprintf("%d. %s", i+1, label(day.Date))
		if day.Kind == MakeUpWorkday {
			list[i] += " make-up"
			makeUp = append(makeUp, label(day.Date))
		}
	}
	c.step("Working days counted (Administrative Penalty Law Art. 85: only working days count): %s", strings.Join(list, ", "))
	if len(skipped) > 0 {
		c.step("Rest days not counted: %s", describeRuns(skipped))
	}
	if len(makeUp) > 0 {
		c.step("%s: make-up working day (调休上班) under %s, counted as a working day (an inference from "+
			"the notice's 上班; Administrative Penalty Law Art. 85 does not say)", strings.Join(makeUp, ", "), firstMakeUpNotice(counted))
	}
	if lastDay := counted[len(counted)-1]; lastDay.Kind == MakeUpWorkday {
		c.EndsOnMakeUpWorkingDay = true
		c.step("%s is a make-up working day — the period is NOT extended (the law is unsettled: CPL Art. 85 ¶3 and "+
			"Civil Code Art. 203 move only a 法定休假日, and the notice makes the day a working day; ipcase treats it as one, "+
			"as courts and agencies are open)", label(lastDay.Date))
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
// weekends rest days under the State Council Provisions on Working Hours
// Art. 7) and sets Due.
func (c *counter) roll() error {
	day, err := c.day(c.RawEnd)
	if err != nil {
		return err
	}
	c.Due, c.Adjusted, c.EndsOnMakeUpWorkingDay = c.RawEnd, false, false
	switch day.Kind {
	case Workday:
		c.step("%s is %s: the period ends that day", label(day.Date), day.describe())
		return nil
	case MakeUpWorkday:
		c.EndsOnMakeUpWorkingDay = true
		c.step("%s is %s: make-up working day — the period is NOT extended; it ends that day (the law is unsettled: "+
			"CPL Art. 85 ¶3 and Civil Code Art. 203 move only a 法定休假日; ipcase treats the day as a working day, "+
			"as courts and agencies are open)",
			label(day.Date), day.describe())
		return nil
	case Weekend, Holiday: // rest days: rolled forward below
	}
	c.step("%s is %s, a rest day (法定休假日): the period ends on the first working day after it (%s)",
		label(day.Date), day.describe(), c.Rule.Counting.rollRule())
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
			"ordinary working day (the law is unsettled: CPL Art. 85 ¶3 and Civil Code Art. 203 move only a 法定休假日; "+
			"ipcase treats the day as a working day)",
			label(day.Date), day.describe())
	} else {
		c.step("%s is %s, the first working day after the rest days", label(day.Date), day.describe())
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
			parts = append(parts, label(days[i].Date)+" "+what)
		} else {
			parts = append(parts, fmt.Sprintf("%s – %s each %s", label(days[i].Date), label(days[j].Date), what))
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

// label formats d with its weekday: "2024-10-08 (Tue)".
func label(d civil.Date) string { return d.String() + " (" + d.Weekday().String()[:3] + ")" }
