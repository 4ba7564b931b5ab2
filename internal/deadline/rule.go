package deadline

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ipcase/ipcase/internal/errs"
)

// Unit is what a period is counted in.
type Unit int

// Units.
const (
	// CalendarDays counts every day; only the last day is moved off a rest
	// day (CPL Art. 85).
	CalendarDays Unit = iota + 1
	// WorkingDays counts working days only (Administrative Penalty Law
	// Art. 85: its 2, 3, 5 and 7 days); the last one is never moved.
	WorkingDays
	// Months ends on the corresponding day, else the month's last day (Civil
	// Code Art. 202), then moves off a rest day.
	Months
	// Years is 12 months each.
	Years
)

var unitNames = map[Unit]string{CalendarDays: "calendar-days", WorkingDays: "working-days", Months: "months", Years: "years"}

// String returns the unit's CLI spelling, e.g. "working-days".
func (u Unit) String() string {
	if s, ok := unitNames[u]; ok {
		return s
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// ParseUnit reads a unit's CLI spelling.
func ParseUnit(s string) (Unit, error) {
	for u, name := range unitNames {
		if s == name {
			return u, nil
		}
	}
	return 0, fmt.Errorf("%q is not a unit; use calendar-days, working-days, months or years", s)
}

// MarshalText encodes u as String does.
func (u Unit) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText decodes a unit as ParseUnit does.
func (u *Unit) UnmarshalText(b []byte) error {
	v, err := ParseUnit(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// noun names n units: "15 calendar days", "1 month".
func (u Unit) noun(n int) string {
	s := strings.ReplaceAll(u.String(), "-", " ")
	if n == 1 {
		s = strings.TrimSuffix(s, "s")
	}
	return fmt.Sprintf("%d %s", n, s)
}

// Upper bounds on a period, far above any statutory period (the longest in
// ipcase is the 20-year bar of Civil Code Art. 188), so that a typo cannot
// make a computation walk for years.
var maxPeriod = map[Unit]int{CalendarDays: 3660, WorkingDays: 500, Months: 600, Years: 50}

const maxBasis = 300

// Rule is a statutory period: Period units, on the legal basis named.
type Rule struct {
	// Period is the number of units, at least 1.
	Period int `json:"period"`
	// Unit is what the period is counted in.
	Unit Unit `json:"unit"`
	// Basis names the article that sets the period, e.g. "CPL Art. 171
	// (appeal against a judgment)". Optional in a calculation; cited in the
	// steps.
	Basis string `json:"basis,omitempty"`
	// Counting is the convention the period is counted by; the zero value
	// is civil procedure's.
	Counting Counting `json:"counting,omitempty"`
}

// String describes r: "15 calendar days (CPL Art. 171)".
func (r Rule) String() string {
	if r.Basis == "" {
		return r.Unit.noun(r.Period)
	}
	return r.Unit.noun(r.Period) + " (" + r.Basis + ")"
}

// check adds r's violations to v under the field names prefix+period, unit
// and basis.
func (r Rule) check(v *errs.FieldErrors, prefix string) {
	limit, known := maxPeriod[r.Unit]
	if !known {
		if r.Unit == 0 {
			v.Add(prefix+"unit", "required: calendar days, working days, months or years")
		} else {
			v.Add(prefix+"unit", "unknown value %d", int(r.Unit))
		}
	}
	switch {
	case r.Period <= 0:
		v.Add(prefix+"period", "must be a positive number of units, got %d", r.Period)
	case known && r.Period > limit:
		v.Add(prefix+"period", "%d %s is more than the %d this calculator counts", r.Period, r.Unit, limit)
	}
	if _, ok := countingNames[r.Counting]; !ok {
		v.Add(prefix+"counting", "unknown value %d", int(r.Counting))
	}
	switch {
	case !utf8.ValidString(r.Basis):
		v.Add(prefix+"basis", "is not valid UTF-8")
	case utf8.RuneCountInString(r.Basis) > maxBasis:
		v.Add(prefix+"basis", "is longer than %d characters", maxBasis)
	}
}
