// Package civil is the calendar day as statutes, notices and judgments count
// it, and China's time zone, in which those days begin and end. It is the one
// date type of ipcase: the deadline calculator, the damages engine and every
// proceeding's record use it, so that no day is carried as an instant that a
// time zone could shift.
package civil

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// China is China Standard Time (UTC+8, no daylight saving since 1991). A
// statutory period's last day ends at 24:00 in it (Civil Code Art. 203), a
// matter's number takes its year from it, and "today" is its date.
var China = time.FixedZone("CST", 8*60*60)

// Date is a calendar day with no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Of returns the day that t shows in its own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the day that instant now falls on in China.
func Today(now time.Time) Date { return Of(now.In(China)) }

// Parse parses an ISO date such as "2024-10-08", refusing any other form
// and days that do not exist (2023-02-29).
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if NoSuchDay(s) {
			return Date{}, fmt.Errorf("%q does not exist: %s", s, dayCount(s))
		}
		return Date{}, fmt.Errorf("%q is not a date in the form 2024-10-08", s)
	}
	return Of(t), nil
}

// NoSuchDay says whether s is written as a date (YYYY-MM-DD, month 01–12)
// but names a day its month does not have, such as 2026-02-30.
func NoSuchDay(s string) bool {
	var y, m, d int
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return false
	}
	if _, err := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); err != nil || y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	return d > daysIn(y, time.Month(m))
}

// dayCount says how many days the month of a NoSuchDay date has.
func dayCount(s string) string {
	var y, m int
	_, _ = fmt.Sscanf(s, "%4d-%2d", &y, &m)
	return fmt.Sprintf("%s %d has %d days", time.Month(m), y, daysIn(y, time.Month(m)))
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats d as "2024-10-08".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (no 31 April, no year 0).
func (d Date) Valid() bool { return d.Year >= 1 && Of(d.UTC()) == d }

// UTC returns midnight UTC of d, for arithmetic and for columns of type
// date.
func (d Date) UTC() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Start returns the instant d begins in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.UTC().Weekday() }

// AddDays returns the day n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date { return Of(d.UTC().AddDate(0, 0, n)) }

// AddMonths returns the day n months after d: the corresponding day, or the
// last day of the month when it has no such day (Civil Code Art. 202). It
// reports whether the day was so clamped.
func (d Date) AddMonths(n int) (Date, bool) {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}, d.Day > last
}

// Compare returns -1, 0 or +1 as d is before, on or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(int(d.Month) - int(o.Month))
	}
	return sign(d.Day - o.Day)
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// DaysUntil returns the number of days from d to o, negative if o is
// earlier.
func (d Date) DaysUntil(o Date) int { return int(o.UTC().Sub(d.UTC()).Hours() / 24) }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// MarshalText encodes d as String does; the zero Date encodes as "".
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes an ISO date as Parse does; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalJSON decodes a JSON string as UnmarshalText does, and also the
// RFC 3339 timestamps at midnight UTC that proceedings' records stored for
// days before this type existed ("2026-09-28T00:00:00Z"), so that those
// records still load.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("civil: a date is a JSON string, got %s", b)
	}
	s := string(b[1 : len(b)-1])
	if t, err := time.Parse(time.RFC3339, s); err == nil && len(s) > len(time.DateOnly) {
		if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
			return fmt.Errorf("civil: %q is an instant, not a day", s)
		}
		*d = Of(t)
		return nil
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores d in a Postgres date column as its ISO text, so that no
// session time zone can shift it; the zero Date stores NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a Postgres date column; NULL reads as the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v)
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("civil: cannot scan %T into a Date", src)
}
