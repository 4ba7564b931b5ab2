package deadline_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
)

// TestProvisionalHolidaysAgreeWithTheNotices checks the provisional rule
// against the notices published under the 2024 Holiday Measures: every
// day the rule makes a statutory holiday of 2025 and 2026 is a holiday in
// that year's notice (国办发明电〔2024〕12号, 〔2025〕7号, transcribed in
// calendars/). The notices add swapped days, which the rule cannot know.
func TestProvisionalHolidaysAgreeWithTheNotices(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, year := range []int{2025, 2026} {
		notice, ok := cal.Notice(year)
		if !ok {
			t.Fatalf("no %d notice loaded", year)
		}
		// A calendar without the year's notice, to read the provisional days.
		bare := withoutYears(t, year)
		for d := (civil.Date{Year: year, Month: 1, Day: 1}); d.Year == year; d = d.AddDays(1) {
			day, err := bare.Day(d)
			if err != nil {
				t.Fatalf("%s: %v", d, err)
			}
			if !day.Provisional {
				t.Fatalf("%s: not marked provisional", d)
			}
			if day.Kind == deadline.Holiday && !slices.Contains(notice.Holidays, d) {
				t.Errorf("%s is a provisional holiday (%s) but not a holiday of %s", d, day.Notice, notice.Notice)
			}
		}
	}
}

// TestProvisional2027 checks the 2027 provisional calendar against dates
// worked out from the Measures' Art. 2 and the lunar calendar: New Year's
// Day Fri 01-01; Spring Festival 初一 Sat 02-06, so 除夕 Fri 02-05 to 初三
// Mon 02-08; Qingming (the solar term) Mon 04-05; Labour Day Sat 05-01 and
// Sun 05-02; Dragon Boat (5th of the 5th month) Wed 06-09; Mid-Autumn (15th
// of the 8th month) Wed 09-15; National Day Fri 10-01 to Sun 10-03.
func TestProvisional2027(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	want := map[string]bool{}
	for _, d := range []string{"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
		"2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"} {
		want[d] = true
	}
	var got []string
	for d := (civil.Date{Year: 2027, Month: 1, Day: 1}); d.Year == 2027; d = d.AddDays(1) {
		day, err := cal.Day(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !day.Provisional {
			t.Errorf("%s: not provisional without a 2027 notice", d)
		}
		if day.Kind == deadline.Holiday {
			got = append(got, d.String())
			if !strings.Contains(day.Notice, "Holiday Measures Art. 2") {
				t.Errorf("%s: cites %q, want the Holiday Measures", d, day.Notice)
			}
		}
		if day.Kind == deadline.MakeUpWorkday {
			t.Errorf("%s: a make-up working day in a provisional year", d)
		}
	}
	if len(got) != len(want) {
		t.Errorf("2027 holidays %v, want %d days", got, len(want))
	}
	for _, d := range got {
		if !want[d] {
			t.Errorf("%s is a 2027 holiday, want only the statutory days", d)
		}
	}
}

// TestComputeProvisional counts across days of 2027, which has no notice.
func TestComputeProvisional(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name, trigger string
		rule          deadline.Rule
		due           string
	}{
		// 2027-01-21 + 15 days: day 15 is Fri 2027-02-05, New Year's Eve, a
		// statutory holiday (Art. 2 as revised 2024); 02-06 to 02-08 are days
		// 1–3 of the first month: the first working day after is Tue
		// 2027-02-09 (CPL Art. 85 ¶3; Civil Code Art. 203).
		{"into the Spring Festival", "2027-01-21", deadline.Rule{Period: 15, Unit: deadline.CalendarDays, Basis: "CPL Art. 171"}, "2027-02-09"},
		// 5 working days after Fri 2027-04-30 (Administrative Penalty Law
		// Art. 85): Sat 05-01 and Sun 05-02 are Labour Day, then Mon 05-03 1,
		// Tue 2, Wed 3, Thu 4, Fri 05-07 5.
		{"over Labour Day", "2027-04-30", deadline.Rule{Period: 5, Unit: deadline.WorkingDays, Counting: deadline.AdministrativeCounting}, "2027-05-07"},
		// 2026-12-20 + 15 days = Mon 2027-01-04, a working day; only the end
		// is read from 2027.
		{"ending in early 2027", "2026-12-20", deadline.Rule{Period: 15, Unit: deadline.CalendarDays}, "2027-01-04"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := deadline.Compute(cal, date(t, tt.trigger), tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			if c.Due.String() != tt.due || !c.Provisional {
				t.Errorf("due %s provisional %v, want %s provisional", c.Due, c.Provisional, tt.due)
			}
			if !slices.ContainsFunc(c.Steps, func(s string) bool {
				return strings.Contains(s, "2027 has no State Council holiday notice loaded") && strings.Contains(s, "provisional")
			}) {
				t.Errorf("no step says 2027 is provisional:\n%s", strings.Join(c.Steps, "\n"))
			}
		})
	}
	// Within the notices, nothing is provisional.
	c, err := deadline.Compute(cal, date(t, "2026-03-02"), deadline.Rule{Period: 15, Unit: deadline.CalendarDays})
	if err != nil || c.Provisional {
		t.Errorf("2026-03-02 + 15 days: provisional %v, %v; want exact", c.Provisional, err)
	}
}

// withoutYears loads the embedded calendar with the notices of years
// removed, through an operator directory that cannot remove years: it
// builds the calendar from the other embedded years' files instead.
func withoutYears(t *testing.T, years ...int) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.CalendarOf(func(y int) bool { return !slices.Contains(years, y) })
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestProvisionalDescriptionIsComputedOnce: a derivation that crosses a
// year without its notice describes that year's statutory holidays, which
// are computed from the lunar calendar (about a millisecond). Every filing
// computes its limitation period three years ahead, into such a year, and
// the computation was a fifth of a filing's CPU (scripts/bench.sh's
// profile); once computed, the description is remembered.
func TestProvisionalDescriptionIsComputedOnce(t *testing.T) {
	first := deadline.DescribeProvisional(2031)
	if !strings.Contains(first, "Spring Festival") || !strings.Contains(first, "National Day 2031-10-01 – 2031-10-03") {
		t.Fatalf("2031 described as %q", first)
	}
	if allocs := testing.AllocsPerRun(10, func() { _ = deadline.DescribeProvisional(2031) }); allocs > 0 {
		t.Errorf("describing 2031 again allocates %.0f times; want it remembered", allocs)
	}
}
