package filing

import (
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
)

func date(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func embedded(t *testing.T) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestLimitationEnd works out the last day of the limitation period by
// hand: three years (Civil Code Art. 188) counted from the day after the
// holder knew (Art. 201), ending on the corresponding day, else that
// month's last day (Art. 202), and moved off rest days to the next working
// day (Art. 203) on the embedded calendar (notices of 2023–2026,
// internal/deadline/calendars). Where the end's year has no notice, only
// weekends are passed over.
func TestLimitationEnd(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		known, end string
		// caveat is what the warning must add about an end the calendar
		// does not settle; "" when it settles it.
		caveat string
	}{
		// Art. 202: the corresponding day, Thu 2026-08-20, an ordinary
		// working day (2026.json lists neither it as a holiday nor as a
		// make-up day).
		{"2023-08-20", "2026-08-20", ""},
		// Ends Sat 2026-11-21, an ordinary weekend; Mon 2026-11-23 is a
		// working day.
		{"2023-11-21", "2026-11-23", ""},
		// Ends Thu 2026-10-01, National Day, a public holiday of 国办发明电
		// 〔2025〕7号 (2026.json lists 10-01 to 10-07 as holidays, the
		// weekend 10-03/10-04 among them); Thu 2026-10-08 is the first day
		// the notice does not list and no weekend: the period ends then. A
		// count of weekends only would have ended it on 10-01.
		{"2023-10-01", "2026-10-08", ""},
		// Ends Thu 2024-02-15, a Spring Festival holiday of 国办发明电〔2023〕7号
		// (2024.json: 02-10 to 02-17); Sun 2024-02-18 is a make-up working
		// day of the same notice (2024.json "workdays"), so the period ends
		// that Sunday: ipcase does not extend it to the next ordinary working
		// day (deadline/SOURCES.md, "Make-up working days").
		{"2021-02-15", "2024-02-18", ""},
		// Ends Sat 2022-12-31: 2022 has no notice, but the 2023 notice
		// (国办发明电〔2022〕16号) reaches back and makes it a holiday; 2023-01-01
		// and 01-02 are holidays too, so the period ends Tue 2023-01-03.
		{"2019-12-31", "2023-01-03", ""},
		// 2026-12-31 is a Thursday; 2026.json does not list it, but the
		// 2027 notice, not loaded, could still make it a holiday, as the
		// 2023 notice did 2022-12-31.
		{"2023-12-31", "2026-12-31", "the 2027 holiday notice is not loaded yet and could still make 2026-12-31 a holiday"},
		// No 29 February in 2027: Art. 202 ends it on 2027-02-28, a Sunday;
		// 2027 has no notice, and its statutory holidays (National Holiday
		// Measures Art. 2: the Spring Festival is 02-05 to 02-08) leave Mon
		// 2027-03-01 a working day.
		{"2024-02-29", "2027-03-01", "no holiday notice of 2027 is loaded, so the end was counted on the statutory holidays alone"},
		// Mon 2028-02-28; no notice of 2028; the 2028 Spring Festival (初一
		// 01-26) is long over.
		{"2025-02-28", "2028-02-28", "no holiday notice of 2028 is loaded, so the end was counted on the statutory holidays alone"},
		// Ends Fri 2022-06-03; 2022 has no notice and predates the 2024
		// Measures: only weekends are passed over (the real 2022 notice made
		// it the Dragon Boat holiday).
		{"2019-06-03", "2022-06-03", "no holiday notice of 2022 is loaded, so only weekends were passed over"},
	} {
		end, caveat := limitationEnd(cal, date(t, tt.known))
		if end.String() != tt.end || (tt.caveat == "") != (caveat == "") || !strings.Contains(caveat, tt.caveat) {
			t.Errorf("known %s: period ends %s (caveat %q), want %s (caveat %q)", tt.known, end, caveat, tt.end, tt.caveat)
		}
	}
}

func TestLimitationWarning(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	for _, tt := range []struct {
		known, today string
		// end is the last day of the period the warning names; "" when no
		// warning is expected.
		end string
		// unchecked: the end's year has no holiday notice, and the warning
		// must say that public holidays were not passed over.
		unchecked bool
	}{
		{"2023-11-17", "2026-11-17", "", false},           // last day of the period (Tue)
		{"2023-11-17", "2026-11-18", "2026-11-17", false}, // day after
		{"2023-11-21", "2026-11-23", "", false},           // ends Sat 2026-11-21 → Mon 2026-11-23
		{"2023-11-21", "2026-11-24", "2026-11-23", false},
		// Ends Thu 2026-10-01, a National Day holiday; the holidays run to
		// Wed 10-07, so the period runs to Thu 2026-10-08 (worked in
		// TestLimitationEnd): filing on 10-02 or 10-08 is in time.
		{"2023-10-01", "2026-10-02", "", false},
		{"2023-10-01", "2026-10-08", "", false},
		{"2023-10-01", "2026-10-09", "2026-10-08", false},
		// 29 Feb + 3 years → 2027-02-28 (Art. 202), a Sunday, so the period
		// runs to Monday 2027-03-01: filing that day is in time. No notice of
		// 2027 is loaded, which the warning says (it was counted on the
		// statutory holidays alone).
		{"2024-02-29", "2027-03-01", "", false},
		{"2024-02-29", "2027-03-02", "2027-03-01", true},
		// Ends Fri 2022-06-03; no notice of 2022 is loaded (the real one
		// made it the Dragon Boat holiday), which the warning says.
		{"2019-06-03", "2026-11-20", "2022-06-03", true},
	} {
		w := limitationWarning(cal, new(date(t, tt.known)), date(t, tt.today))
		switch {
		case tt.end == "" && w != nil:
			t.Errorf("known %s, filed %s: warning %q, want none", tt.known, tt.today, w.Message)
		case tt.end == "":
		case w == nil:
			t.Errorf("known %s, filed %s: no warning, want one naming %s", tt.known, tt.today, tt.end)
		case w.Code != "LIMITATION_PERIOD_EXPIRED" || !strings.Contains(w.Message, "ended on "+tt.end) ||
			!strings.Contains(w.Message, "Civil Code Art. 188") || !strings.Contains(w.Message, "counted from "+tt.known):
			t.Errorf("known %s, filed %s: warning %s %q; want LIMITATION_PERIOD_EXPIRED citing Art. 188, counted from %s, ended on %s",
				tt.known, tt.today, w.Code, w.Message, tt.known, tt.end)
		case tt.unchecked != strings.Contains(w.Message, "no holiday notice of "+tt.end[:4]+" is loaded"):
			t.Errorf("known %s, filed %s: warning %q; says holidays were not checked: %v, want %v",
				tt.known, tt.today, w.Message, !tt.unchecked, tt.unchecked)
		}
	}
	if w := limitationWarning(cal, nil, date(t, "2026-11-20")); w != nil {
		t.Errorf("no known_since: warning %q, want none", w.Message)
	}
}
