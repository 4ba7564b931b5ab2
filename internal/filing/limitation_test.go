package filing

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAddYears(t *testing.T) {
	t.Parallel()
	// Civil Code Art. 202: the corresponding day of the last month, else
	// that month's last day.
	for _, tt := range []struct{ from, want string }{
		{"2023-08-20", "2026-08-20"},
		{"2024-02-29", "2027-02-28"}, // no 29 Feb in 2027
		{"2025-02-28", "2028-02-28"},
		{"2023-12-31", "2026-12-31"},
	} {
		if got := addYears(date(tt.from), 3).Format(time.DateOnly); got != tt.want {
			t.Errorf("addYears(%s, 3) = %s, want %s", tt.from, got, tt.want)
		}
	}
}

func TestLimitationWarning(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		known, today string
		warn         bool
	}{
		{"2023-11-17", "2026-11-17", false}, // last day of the period (Tue)
		{"2023-11-17", "2026-11-18", true},  // day after
		{"2023-11-21", "2026-11-23", false}, // ends Sat 2026-11-21 → Mon 2026-11-23
		{"2023-11-21", "2026-11-24", true},
		// 29 Feb + 3 years → 2027-02-28 (Art. 202), a Sunday, so the period
		// runs to Monday 2027-03-01: filing that day is in time.
		{"2024-02-29", "2027-03-01", false},
		{"2024-02-29", "2027-03-02", true},
	} {
		got := limitationWarning(ptr(date(tt.known)), date(tt.today)) != nil
		if got != tt.warn {
			t.Errorf("known %s, filed %s: warning %v, want %v", tt.known, tt.today, got, tt.warn)
		}
	}
}

func ptr[T any](v T) *T { return &v }
