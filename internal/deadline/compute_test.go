package deadline_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
)

func embedded(t testing.TB) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func days(n int, basis string) deadline.Rule {
	return deadline.Rule{Period: n, Unit: deadline.CalendarDays, Basis: basis}
}

// outcome is what a case checks besides the steps.
type outcome struct {
	RawEnd, Due string
	Adjusted    bool
	MakeUp      bool
}

// TestCompute checks due dates worked out by hand on the official calendar
// (the 2023–2026 notices, SOURCES.md). Weekdays: 2023-01-01 was a
// Sunday, 2024-01-01 a Monday, 2025-01-01 a Wednesday, 2026-01-01 a
// Thursday. Each case's comment shows the count; the trigger day is never
// counted (CPL Art. 85, Civil Code Art. 201).
func TestCompute(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name    string
		trigger string
		rule    deadline.Rule
		exts    []deadline.Extension
		want    outcome
		steps   []string // phrases the derivation must contain
	}{{
		// CPL Art. 171: 15 days to appeal a judgment. Served Fri 2024-01-26:
		// Jan 27 is day 1, Jan 31 day 5, Feb 1 day 6, Feb 10 (Sat) day 15.
		// 2024 notice: Spring Festival holiday Feb 10–17, Feb 18 (Sun) a
		// make-up working day → due Sunday 2024-02-18.
		name:    "appeal ending in the 2024 Spring Festival rolls to the make-up Sunday",
		trigger: "2024-01-26", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2024-02-10", Due: "2024-02-18", Adjusted: true, MakeUp: true},
		steps: []string{"CPL Art. 171", "2024-02-10 (Sat) is a public holiday (国办发明电〔2023〕7号)", "2024-02-11 (Sun) – 2024-02-17 (Sat) each a public holiday", "make-up working day — the period is NOT extended", "Civil Code Art. 203"},
	}, {
		// CPL Art. 171 ¶2: 10 days to appeal a ruling. Served Mon 2025-01-20:
		// Jan 21 day 1 … Jan 30 (Thu) day 10. 2025 notice: holiday Jan 28 –
		// Feb 4 → first working day Wed 2025-02-05.
		name:    "ruling appeal ending in the 2025 Spring Festival",
		trigger: "2025-01-20", rule: days(10, "CPL Art. 171 ¶2"),
		want:  outcome{RawEnd: "2025-01-30", Due: "2025-02-05", Adjusted: true},
		steps: []string{"2025-01-30 (Thu) is a public holiday (国办发明电〔2024〕12号)", "2025-02-05 (Wed) is an ordinary working day, the first working day"},
	}, {
		// Served Mon 2023-09-18: Sep 19 day 1, Sep 30 day 12, Oct 3 (Tue) day
		// 15. 2023 notice: holiday Sep 29 – Oct 6, Oct 7 (Sat) and Oct 8 (Sun)
		// make-up working days → due Saturday 2023-10-07.
		name:    "appeal ending in the 2023 National Day holiday rolls to the make-up Saturday",
		trigger: "2023-09-18", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2023-10-03", Due: "2023-10-07", Adjusted: true, MakeUp: true},
		steps: []string{"2023-10-03 (Tue) is a public holiday (国办发明电〔2022〕16号)", "2023-10-07 (Sat) is a make-up working day (调休上班, 国办发明电〔2022〕16号), the first working day"},
	}, {
		// CPL Art. 205: 30 days to apply for judicial confirmation. Agreement
		// effective Wed 2024-03-06: Mar 7 day 1, Mar 31 day 25, Apr 5 (Fri)
		// day 30. Qingming holiday Apr 4–6; Apr 7 (Sun) make-up working day
		// (SOURCES.md, "Make-up working days").
		name:    "confirmation window ending at Qingming 2024 rolls to Sunday 2024-04-07",
		trigger: "2024-03-06", rule: days(30, "CPL Art. 205"),
		want:  outcome{RawEnd: "2024-04-05", Due: "2024-04-07", Adjusted: true, MakeUp: true},
		steps: []string{"Rest days passed over: 2024-04-06 (Sat) a public holiday"},
	}, {
		// Served Sat 2024-01-20: Jan 21 day 1, Jan 31 day 11, Feb 4 (Sun) day
		// 15, a make-up working day of the 2024 notice: the period ends that
		// Sunday and is not moved to Monday (SOURCES.md, "Make-up working days").
		name:    "last day on a make-up working day is not extended",
		trigger: "2024-01-20", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2024-02-04", Due: "2024-02-04", MakeUp: true},
		steps: []string{"2024-02-04 (Sun) is a make-up working day (调休上班, 国办发明电〔2023〕7号): make-up working day — the period is NOT extended", "the law is unsettled"},
	}, {
		// Served Tue 2024-01-30: Jan 31 day 1, Feb 9 (Fri, 除夕) day 10. The
		// 2024 notice only encouraged rest on 除夕; it was a working day.
		name:    "除夕 2024-02-09 was a working day",
		trigger: "2024-01-30", rule: days(10, "CPL Art. 171 ¶2"),
		want:  outcome{RawEnd: "2024-02-09", Due: "2024-02-09"},
		steps: []string{"2024-02-09 (Fri) is an ordinary working day: the period ends that day"},
	}, {
		// Served Fri 2024-03-08: Mar 9 day 1, Mar 23 (Sat) day 15, an
		// ordinary weekend (State Council Provisions on Working Hours Art. 7)
		// → Mon 2024-03-25.
		name:    "ordinary weekend at the end moves to Monday",
		trigger: "2024-03-08", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2024-03-23", Due: "2024-03-25", Adjusted: true},
		steps: []string{"2024-03-23 (Sat) is an ordinary weekend day", "2024-03-24 (Sun) an ordinary weekend day"},
	}, {
		// CPL Art. 171: served Tue 2024-03-12; Mar 27 (Wed) day 15, a working day.
		name:    "15-day appeal period on an ordinary working day",
		trigger: "2024-03-12", rule: days(15, "CPL Art. 171"),
		want: outcome{RawEnd: "2024-03-27", Due: "2024-03-27"},
	}, {
		// Administrative Penalty Law Arts. 64, 85 (SAMR Hearing Measures
		// Art. 7): 5 working days to ask for a hearing. Notice served Fri
		// 2024-09-27. Sep 28 (Sat) rest; Sep 29 (Sun, make-up) 1; Sep 30
		// (Mon) 2; Oct 1–7 National Day holiday; Oct 8 (Tue) 3; Oct 9 (Wed)
		// 4; Oct 10 (Thu) 5. No roll for working days.
		name:    "5-working-day hearing window across National Day 2024",
		trigger: "2024-09-27", rule: deadline.Rule{Period: 5, Unit: deadline.WorkingDays, Basis: "Administrative Penalty Law Art. 64"},
		want:  outcome{RawEnd: "2024-10-10", Due: "2024-10-10"},
		steps: []string{"1. 2024-09-29 (Sun) make-up, 2. 2024-09-30 (Mon), 3. 2024-10-08 (Tue), 4. 2024-10-09 (Wed), 5. 2024-10-10 (Thu)", "Rest days not counted: 2024-09-28 (Sat) an ordinary weekend day", "2024-10-01 (Tue) – 2024-10-07 (Mon) each a public holiday (国办发明电〔2023〕7号)", "not moved further"},
	}, {
		// APL Art. 64(2): 7 working days' notice of a hearing, from Thu
		// 2024-09-19: Sep 20 (Fri) 1, Sep 23–27 (Mon–Fri) 2–6, Sep 28 (Sat)
		// rest, Sep 29 (Sun, make-up) 7 → ends on the make-up Sunday.
		name:    "7 working days ending on a make-up working day",
		trigger: "2024-09-19", rule: deadline.Rule{Period: 7, Unit: deadline.WorkingDays, Basis: "Administrative Penalty Law Art. 64(2)"},
		want:  outcome{RawEnd: "2024-09-29", Due: "2024-09-29", MakeUp: true},
		steps: []string{"2024-09-29 (Sun) is a make-up working day — the period is NOT extended"},
	}, {
		// Civil Code Art. 202: Jan 31 + 1 month; February 2024 has 29 days
		// → Thu 2024-02-29, a working day.
		name:    "Jan 31 + 1 month in a leap year",
		trigger: "2024-01-31", rule: deadline.Rule{Period: 1, Unit: deadline.Months},
		want:  outcome{RawEnd: "2024-02-29", Due: "2024-02-29"},
		steps: []string{"2024-02 has no day 31, so the period ends on that month's last day, 2024-02-29 (Thu) (Civil Code Art. 202)"},
	}, {
		// Jan 31 + 1 month in 2025 → Fri 2025-02-28, a working day.
		name:    "Jan 31 + 1 month in a common year",
		trigger: "2025-01-31", rule: deadline.Rule{Period: 1, Unit: deadline.Months},
		want: outcome{RawEnd: "2025-02-28", Due: "2025-02-28"},
	}, {
		// Aug 31 + 6 months → February 2025 has no 31st → Fri 2025-02-28.
		name:    "Aug 31 + 6 months",
		trigger: "2024-08-31", rule: deadline.Rule{Period: 6, Unit: deadline.Months, Basis: "CPL Art. 152"},
		want: outcome{RawEnd: "2025-02-28", Due: "2025-02-28"},
	}, {
		// Aug 31 2025 + 6 months → Sat 2026-02-28, a make-up working day of
		// the 2026 notice: not extended.
		name:    "Aug 31 + 6 months onto a make-up Saturday",
		trigger: "2025-08-31", rule: deadline.Rule{Period: 6, Unit: deadline.Months, Basis: "CPL Art. 152"},
		want:  outcome{RawEnd: "2026-02-28", Due: "2026-02-28", MakeUp: true},
		steps: []string{"国办发明电〔2025〕7号", "the period is NOT extended"},
	}, {
		// CPL Art. 164: 3 months from 2025-11-16 → corresponding day Mon
		// 2026-02-16, a swapped weekday inside the 2026 Spring Festival
		// holiday (Feb 15–23) → Tue 2026-02-24.
		name:    "3 months ending on a weekday holiday of the 2026 Spring Festival",
		trigger: "2025-11-16", rule: deadline.Rule{Period: 3, Unit: deadline.Months, Basis: "CPL Art. 164"},
		want:  outcome{RawEnd: "2026-02-16", Due: "2026-02-24", Adjusted: true},
		steps: []string{"end on the corresponding day, 2026-02-16 (Mon)", "2026-02-17 (Tue) – 2026-02-23 (Mon) each a public holiday"},
	}, {
		// Feb 29 + 1 year → 2025 has no Feb 29 → Fri 2025-02-28.
		name:    "Feb 29 + 1 year",
		trigger: "2024-02-29", rule: deadline.Rule{Period: 1, Unit: deadline.Years},
		want: outcome{RawEnd: "2025-02-28", Due: "2025-02-28"},
	}, {
		// The 2022-12-31 trap (SOURCES.md): there is no 2022 file, but the
		// 2023 notice lists 2022-12-31 (Sat) as a holiday. Served Fri
		// 2022-12-16: Dec 17 day 1 … Dec 31 day 15 → holiday; Jan 1 (Sun) and
		// Jan 2 (Mon) holidays → Tue 2023-01-03.
		name:    "2022-12-31 is read from the 2023 notice",
		trigger: "2022-12-16", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2022-12-31", Due: "2023-01-03", Adjusted: true},
		steps: []string{"2022-12-31 (Sat) is a public holiday (国办发明电〔2022〕16号)", "2023-01-01 (Sun) – 2023-01-02 (Mon) each a public holiday"},
	}, {
		// Administrative Penalty Law Art. 60: decide within 90 days of 立案.
		// Filed Fri 2024-07-05: Jul 6 day 1, Jul 31 day 26, Aug 31 day 57,
		// Sep 30 day 87, Oct 3 (Thu) day 90 → National Day holiday Oct 1–7
		// → Tue 2024-10-08.
		name:    "90-day enforcement decision ending in National Day 2024",
		trigger: "2024-07-05", rule: days(90, "Administrative Penalty Law Art. 60"),
		want:  outcome{RawEnd: "2024-10-03", Due: "2024-10-08", Adjusted: true},
		steps: []string{"Day 90 is 2024-10-03 (Thu)"},
	}, {
		// The same, extended by 30 days with the head's approval (SAMR
		// Provisions Art. 64), counted on from the raw end Oct 3: Oct 31 is
		// day 28, Nov 2 (Sat) day 30 — the 120th day after filing. Nov 2 and
		// Nov 3 are an ordinary weekend → Mon 2024-11-04.
		name:    "90-day decision extended by 30 days",
		trigger: "2024-07-05", rule: days(90, "Administrative Penalty Law Art. 60"),
		exts:  []deadline.Extension{{Rule: days(30, "SAMR Provisions Art. 64"), ApprovedBy: "王局长 (head, SAMR-HZ)", Reason: "appraisal of seized goods"}},
		want:  outcome{RawEnd: "2024-11-02", Due: "2024-11-04", Adjusted: true},
		steps: []string{"Extension 1: +30 calendar days (SAMR Provisions Art. 64), approved by 王局长 (head, SAMR-HZ): appraisal of seized goods", "counted on from 2024-10-03", "2024-11-02 (Sat) is an ordinary weekend day"},
	}, {
		// A month extension of a month period is added to it and counted
		// from the trigger: 6 + 6 = 12 months from 2024-08-31 → Sun
		// 2025-08-31 (2025-09-01 is a Monday) → Mon 2025-09-01. Counting on
		// from the clamped Feb 28 would give Aug 28.
		name:    "6 + 6 months from Aug 31 keep the 31st",
		trigger: "2024-08-31", rule: deadline.Rule{Period: 6, Unit: deadline.Months, Basis: "CPL Art. 152"},
		exts:  []deadline.Extension{{Rule: deadline.Rule{Period: 6, Unit: deadline.Months, Basis: "CPL Art. 152"}, ApprovedBy: "court president"}},
		want:  outcome{RawEnd: "2025-08-31", Due: "2025-09-01", Adjusted: true},
		steps: []string{"12 months from 2024-08-31 end on the corresponding day, 2025-08-31 (Sun)"},
	}, {
		// Served Tue 2026-12-01: Dec 16 (Wed) day 15, a working day under the
		// 2026 notice; the 2027 notice is not loaded and could still reach
		// back into December, which the derivation says.
		name:    "December day without the next year's notice is flagged",
		trigger: "2026-12-01", rule: days(15, "CPL Art. 171"),
		want:  outcome{RawEnd: "2026-12-16", Due: "2026-12-16"},
		steps: []string{"2026-12-16 is read from the 2026 notice alone: the 2027 notice is not loaded"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := deadline.Compute(cal, date(t, tt.trigger), tt.rule, tt.exts...)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			o := outcome{RawEnd: got.RawEnd.String(), Due: got.Due.String(), Adjusted: got.Adjusted, MakeUp: got.EndsOnMakeUpWorkingDay}
			if diff := cmp.Diff(tt.want, o); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s\nsteps:\n%s", diff, strings.Join(got.Steps, "\n"))
			}
			all := strings.Join(got.Steps, "\n")
			for _, s := range tt.steps {
				if !strings.Contains(all, s) {
					t.Errorf("steps do not contain %q:\n%s", s, all)
				}
			}
			if got.CalendarVersion != cal.Version() || got.Trigger.String() != tt.trigger || got.Rule != tt.rule {
				t.Errorf("computation does not record its inputs: %+v", got)
			}
			if !strings.Contains(got.Steps[len(got.Steps)-1], "Due "+tt.want.Due) {
				t.Errorf("last step does not state the due date: %q", got.Steps[len(got.Steps)-1])
			}
		})
	}
}

// TestComputeUncovered checks the typed error for a day of a year whose
// notice is not loaded.
func TestComputeUncovered(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name    string
		trigger string
		rule    deadline.Rule
		year    int
		day     string
	}{
		// Years before 2025 without a notice have no provisional calendar:
		// the 2024 Holiday Measures govern from 2025-01-01. 2021-06-01 + 15
		// days = 2021-06-16.
		{"15 days in 2021", "2021-06-01", days(15, "CPL Art. 171"), 2021, "2021-06-16"},
		// 5 working days from Mon 2022-06-27: Tue 06-28 needs the 2022 notice.
		{"working days in 2022", "2022-06-27", deadline.Rule{Period: 5, Unit: deadline.WorkingDays}, 2022, "2022-06-28"},
		// 2022-12-20 + 10 days = Fri 2022-12-30: the 2023 notice lists only
		// 2022-12-31, so the rest of 2022 is not covered.
		{"2022 outside the one day the 2023 notice lists", "2022-12-20", days(10, ""), 2022, "2022-12-30"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := deadline.Compute(cal, date(t, tt.trigger), tt.rule)
			u, ok := deadline.IsUncovered(err)
			if !ok {
				t.Fatalf("got %v, want *UncoveredYearError", err)
			}
			if u.Year != tt.year || u.Date.String() != tt.day {
				t.Errorf("got year %d day %s, want %d %s", u.Year, u.Date, tt.year, tt.day)
			}
			if !errors.Is(err, errs.FailedPrecondition) || !strings.Contains(err.Error(), "no holiday calendar for "+strconv.Itoa(tt.year)) {
				t.Errorf("error %q does not name the year or is not FailedPrecondition", err)
			}
		})
	}
}

// TestComputeRefusals checks that bad rules are field violations.
func TestComputeRefusals(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		name    string
		trigger civil.Date
		rule    deadline.Rule
		exts    []deadline.Extension
		want    []string
	}{
		{"nothing", civil.Date{}, deadline.Rule{}, nil, []string{"trigger_date", "unit", "period"}},
		{"negative period, unknown unit", date(t, "2024-01-01"), deadline.Rule{Period: -3, Unit: 9}, nil, []string{"unit", "period"}},
		{"absurd period", date(t, "2024-01-01"), deadline.Rule{Period: 100000, Unit: deadline.CalendarDays}, nil, []string{"period"}},
		{"basis too long", date(t, "2024-01-01"), deadline.Rule{Period: 1, Unit: deadline.Months, Basis: strings.Repeat("条", 301)}, nil, []string{"basis"}},
		{"extension without approval", date(t, "2024-07-05"), days(90, ""), []deadline.Extension{{Rule: days(30, "")}}, []string{"extensions[0].approved_by"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := deadline.Compute(cal, tt.trigger, tt.rule, tt.exts...)
			var fe *errs.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want field errors", err)
			}
			var got []string
			for _, v := range fe.Violations {
				got = append(got, v.Field)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
