package damages

import (
	"fmt"
	"time"
)

// Date is a calendar day with no time zone, as statutes and judgments
// count them. Callers pass every date; the package never reads the clock.
// It maps onto google.type.Date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses an ISO date such as "2019-11-01".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form 2019-11-01", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// ymd builds a Date from literal parts, for the law tables.
func ymd(y int, m time.Month, d int) Date { return Date{y, m, d} }

// String formats d as "2019-11-01".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d names a real day (no 31 April).
func (d Date) valid() bool {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return !d.IsZero() && d.Year >= 1 && Date{t.Year(), t.Month(), t.Day()} == d
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

// AddDays returns the day n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

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

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
