package deadline

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// chinaTime is China Standard Time (UTC+8, no daylight saving since 1991).
// A statutory last day ends at 24:00 in it (Civil Code Art. 203), so "today"
// is taken from it.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Date is a calendar day with no time zone, as statutes and notices count
// them.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses an ISO date such as "2024-10-08".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form 2024-10-08", s)
	}
	return dateOf(t), nil
}

// Today returns the date of now in China Standard Time.
func Today(now time.Time) Date { return dateOf(now.In(chinaTime)) }

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String formats d as "2024-10-08".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// label formats d with its weekday: "2024-10-08 (Tue)".
func (d Date) label() string { return d.String() + " (" + d.Weekday().String()[:3] + ")" }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return dateOf(d.time().AddDate(0, 0, n)) }

// addMonths returns the day n months after d: the corresponding day, or the
// last day of the month when it has no such day (Civil Code Art. 202). It
// reports whether the day was clamped.
func (d Date) addMonths(n int) (Date, bool) {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}, d.Day > last
}

// Compare returns -1, 0 or +1 as d is before, on or after o.
func (d Date) Compare(o Date) int { return d.time().Compare(o.time()) }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// MarshalText encodes d as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes an ISO date as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores d in a Postgres date column as its ISO text, so that no
// session time zone can shift it.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a Postgres date column.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = dateOf(v)
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("deadline: cannot scan %T into a Date", src)
}
