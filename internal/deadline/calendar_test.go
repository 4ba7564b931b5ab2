package deadline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ipcase/ipcase/internal/deadline"
)

// TestEmbeddedCalendar checks the shipped files against the notices of
// SOURCES.md: the four notices, their dates and sizes, and the days the
// traps are about.
func TestEmbeddedCalendar(t *testing.T) {
	t.Parallel()
	cal := embedded(t)
	if diff := cmp.Diff([]int{2023, 2024, 2025, 2026}, cal.Years()); diff != "" {
		t.Errorf("years mismatch (-want +got):\n%s", diff)
	}
	type notice struct {
		Notice, Date       string
		Holidays, Workdays int
	}
	want := map[int]notice{
		2023: {"国办发明电〔2022〕16号", "2022-12-08", 27, 7},
		2024: {"国办发明电〔2023〕7号", "2023-10-25", 28, 8},
		2025: {"国办发明电〔2024〕12号", "2024-11-12", 28, 5},
		2026: {"国办发明电〔2025〕7号", "2025-11-04", 33, 6},
	}
	for yr, w := range want {
		y, ok := cal.Notice(yr)
		if !ok {
			t.Fatalf("no %d notice", yr)
		}
		got := notice{y.Notice, y.NoticeDate.String(), len(y.Holidays), len(y.Workdays)}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%d mismatch (-want +got):\n%s", yr, diff)
		}
	}
	if _, ok := cal.Notice(2027); ok {
		t.Error("a 2027 calendar is embedded; SOURCES.md found no 2027 notice")
	}

	for _, tt := range []struct {
		day    string
		kind   deadline.DayKind
		notice string
	}{
		{"2022-12-31", deadline.Holiday, "国办发明电〔2022〕16号"}, // the 2023 notice reaches into 2022
		{"2023-12-30", deadline.Weekend, ""},               // 2024 New Year "与周末连休": not in the data
		{"2024-01-01", deadline.Holiday, "国办发明电〔2023〕7号"},
		{"2024-02-09", deadline.Workday, ""}, // 除夕 2024: rest only encouraged
		{"2024-02-18", deadline.MakeUpWorkday, "国办发明电〔2023〕7号"},
		{"2024-04-07", deadline.MakeUpWorkday, "国办发明电〔2023〕7号"},
		{"2024-06-08", deadline.Weekend, ""},               // Dragon Boat 2024 "与周末连休"
		{"2025-01-28", deadline.Holiday, "国办发明电〔2024〕12号"}, // 除夕 2025, a holiday from 2025 (Decree 795)
		{"2026-02-16", deadline.Holiday, "国办发明电〔2025〕7号"},  // a Monday swapped into the holiday
		{"2026-02-28", deadline.MakeUpWorkday, "国办发明电〔2025〕7号"},
		{"2026-03-02", deadline.Workday, ""},
	} {
		d, err := cal.Day(date(t, tt.day))
		if err != nil {
			t.Errorf("%s: %v", tt.day, err)
			continue
		}
		if d.Kind != tt.kind || d.Notice != tt.notice {
			t.Errorf("%s: got kind %d notice %q, want %d %q", tt.day, d.Kind, d.Notice, tt.kind, tt.notice)
		}
	}
	for _, tt := range []struct {
		day  string
		year int
	}{{"2022-12-30", 2022}, {"2019-05-01", 2019}, {"2101-01-03", 2101}} {
		_, err := cal.Day(date(t, tt.day))
		if u, ok := deadline.IsUncovered(err); !ok || u.Year != tt.year {
			t.Errorf("%s: got %v, want no calendar for %d", tt.day, err, tt.year)
		}
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// notice2024 is the 2024 notice (国办发明电〔2023〕7号) with extra days spliced
// in, in another layout than the embedded file.
func notice2024(extraHolidays ...string) string {
	hol := []string{"2024-01-01", "2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15",
		"2024-02-16", "2024-02-17", "2024-04-04", "2024-04-05", "2024-04-06", "2024-05-01", "2024-05-02",
		"2024-05-03", "2024-05-04", "2024-05-05", "2024-06-10", "2024-09-15", "2024-09-16", "2024-09-17",
		"2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-05", "2024-10-06", "2024-10-07"}
	hol = append(extraHolidays, hol...)
	return `{"workdays": ["2024-02-04","2024-02-18","2024-04-07","2024-04-28","2024-05-11","2024-09-14","2024-09-29","2024-10-12"],
	"year": 2024, "notice": "国办发明电〔2023〕7号", "notice_date": "2023-10-25", "holidays": ["` + strings.Join(hol, `","`) + `"]}`
}

// TestLoadCalendar checks operator files: a replacement year, an added
// year, and the version, which follows the content and not the layout.
func TestLoadCalendar(t *testing.T) {
	t.Parallel()
	base := embedded(t)

	same := t.TempDir()
	writeFile(t, same, "2024.json", notice2024())
	writeFile(t, same, "README.txt", "not a calendar")
	cal, err := deadline.LoadCalendar(same)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Version() != base.Version() {
		t.Errorf("the same days in another layout changed the version: %s vs %s", cal.Version(), base.Version())
	}
	if y, _ := cal.Notice(2024); y.Source != same {
		t.Errorf("2024 read from %q, want %q", y.Source, same)
	}

	changed := t.TempDir()
	writeFile(t, changed, "2024.json", notice2024("2024-03-27"))
	writeFile(t, changed, "2027.json", `{"year": 2027, "notice": "国办发明电〔2026〕X号", "notice_date": "2026-11-01",
		"holidays": ["2027-01-01"], "workdays": []}`)
	cal, err = deadline.LoadCalendar(changed)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Version() == base.Version() || !strings.HasPrefix(cal.Version(), "sha256:") {
		t.Errorf("version %s after a change, embedded %s", cal.Version(), base.Version())
	}
	if d, err := cal.Day(date(t, "2024-03-27")); err != nil || d.Kind != deadline.Holiday {
		t.Errorf("2024-03-27: %+v, %v; want the added holiday", d, err)
	}
	if d, err := cal.Day(date(t, "2027-01-04")); err != nil || d.Kind != deadline.Workday {
		t.Errorf("2027-01-04 with a 2027 file: %+v, %v", d, err)
	}
	if diff := cmp.Diff([]int{2023, 2024, 2025, 2026, 2027}, cal.Years()); diff != "" {
		t.Errorf("years mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadCalendarRefusesBadFiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  string
	}{{
		name:  "year does not match the name",
		files: map[string]string{"2025.json": notice2024()},
		want:  "holds year 2024, not 2025",
	}, {
		name:  "unknown field",
		files: map[string]string{"2024.json": strings.Replace(notice2024(), `"year"`, `"papers": [], "year"`, 1)},
		want:  `unknown field "papers"`,
	}, {
		name:  "an empty placeholder like holiday-cn's 2027.json",
		files: map[string]string{"2027.json": `{"year": 2027, "notice": "", "notice_date": "2026-11-01", "holidays": [], "workdays": []}`},
		want:  "notice: the document number is required",
	}, {
		name:  "make-up day on a weekday",
		files: map[string]string{"2024.json": strings.Replace(notice2024(), `"2024-02-04"`, `"2024-02-05"`, 1)},
		want:  "workdays: 2024-02-05 is a Monday",
	}, {
		name:  "date outside the year and its December before",
		files: map[string]string{"2024.json": notice2024("2023-11-30")},
		want:  "holidays: 2023-11-30 is outside 2024",
	}, {
		name:  "listed twice",
		files: map[string]string{"2024.json": notice2024("2024-02-04")},
		want:  "2024-02-04 is also listed in holidays",
	}, {
		name: "two notices disagree on a December day",
		files: map[string]string{
			"2024.json": notice2024("2023-12-30"),
			"2023.json": `{"year": 2023, "notice": "test", "notice_date": "2022-12-08", "holidays": ["2023-01-01"], "workdays": ["2023-12-30"]}`,
		},
		want: "2023-12-30 is a make-up working day (调休上班, test) in one notice and a public holiday",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			_, err := deadline.LoadCalendar(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
