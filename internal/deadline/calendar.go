package deadline

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
)

// The State Council's holiday notices, one file per year, named YYYY.json:
// {"year", "notice" (its number), "notice_date", "holidays" (every day off,
// whatever its weekday), "workdays" (the make-up working days)}. SOURCES.md
// names the notice behind each file.
//
//go:embed calendars/*.json
var embedded embed.FS

var calendarFileName = regexp.MustCompile(`^(\d{4})\.json$`)

// Year is one year's State Council notice on holidays (国务院办公厅关于…年部分
// 节假日安排的通知).
type Year struct {
	// Year is the year the notice plans.
	Year int `json:"year"`
	// Notice is the document number, e.g. 国办发明电〔2023〕7号.
	Notice string `json:"notice"`
	// NoticeDate is the day the notice was issued.
	NoticeDate civil.Date `json:"notice_date"`
	// Holidays are the days off (放假), whatever weekday they fall on. They
	// may include days of the previous December.
	Holidays []civil.Date `json:"holidays"`
	// Workdays are the make-up working days (调休上班): Saturdays and Sundays
	// that are working days.
	Workdays []civil.Date `json:"workdays"`
	// Source is where the file was read: "embedded" or a path.
	Source string `json:"-"`
}

// DayKind classifies a date: a working day, a weekend (Saturday and Sunday
// are the weekly rest days, State Council Provisions on Working Hours
// Art. 7), a public holiday or a make-up working day of the year's notice.
type DayKind int

// Day kinds. Holiday and Weekend are rest days; the others working days.
const (
	Workday DayKind = iota + 1
	Weekend
	Holiday
	MakeUpWorkday
)

// Rest reports whether k is a rest day.
func (k DayKind) Rest() bool { return k == Weekend || k == Holiday }

// Day is what the calendar says about one date.
type Day struct {
	Date civil.Date
	Kind DayKind
	// Notice is the document that lists the date, for holidays and make-up
	// working days.
	Notice string
	// Provisional is set for a day of a year whose notice is not loaded:
	// its kind comes from the statutory holidays alone (provisional.go), and
	// the notice may still make it a holiday or a make-up working day.
	Provisional bool
	// AwaitsNextNotice is set for a December date when the next year's
	// notice is not loaded: that notice may still reach back into December
	// (the 2023 notice, 国办发明电〔2022〕16号, made 2022-12-31 a holiday).
	AwaitsNextNotice bool
}

// describe says what d is, citing its source.
func (d Day) describe() string {
	switch d.Kind {
	case Holiday:
		return "a public holiday (" + d.Notice + ")"
	case MakeUpWorkday:
		return "a make-up working day (调休上班, " + d.Notice + ")"
	case Weekend:
		return "an ordinary weekend day (a weekly rest day, State Council Provisions on Working Hours Art. 7)"
	default: // Workday
		return "an ordinary working day"
	}
}

// Calendar is the loaded set of yearly notices. It is immutable and safe
// for concurrent use.
type Calendar struct {
	years   map[int]Year
	days    map[civil.Date]Day
	version string
}

// UncoveredYearError is returned when a computation needs a day of a year
// for which no notice is loaded. It wraps errs.FailedPrecondition: the
// calendar, not the request, is missing something.
type UncoveredYearError struct {
	// Year is the year without a calendar.
	Year int
	// Date is the first day that needed it.
	Date civil.Date
}

func (e *UncoveredYearError) Error() string {
	return fmt.Sprintf("no holiday calendar for %d: %s needs the State Council notice on the %d holidays "+
		"(国务院办公厅关于%d年部分节假日安排的通知), which is not loaded; add %d.json to IPCASE_CALENDAR_DIR once it is published",
		e.Year, e.Date, e.Year, e.Year, e.Year)
}

// Message is what the caller is told: all of it.
func (e *UncoveredYearError) Message() string { return e.Error() }

// Unwrap makes errors.Is(err, errs.FailedPrecondition) true.
func (e *UncoveredYearError) Unwrap() error { return errs.FailedPrecondition }

// Embedded returns the calendar shipped in the binary: the notices for
// 2023–2026 (SOURCES.md).
func Embedded() (*Calendar, error) { return LoadCalendar("") }

// mustEmbedded is Embedded for wiring that cannot fail: the embedded files
// are checked by the package's tests.
func mustEmbedded() *Calendar {
	c, err := Embedded()
	if err != nil {
		panic("deadline: embedded calendar: " + err.Error())
	}
	return c
}

// LoadCalendar returns the embedded calendar with the files of dir laid
// over it: a YYYY.json there replaces the embedded year or adds one. Other
// files in dir are ignored; an empty dir means the embedded calendar only.
// A malformed file is an error naming it, so that a bad operator file
// stops ipcased at start rather than moving deadlines.
func LoadCalendar(dir string) (*Calendar, error) {
	years := map[int]Year{}
	if err := readYears(embedded, "calendars", "embedded", years); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := readYears(os.DirFS(dir), ".", dir, years); err != nil {
			return nil, err
		}
	}
	return newCalendar(years)
}

func readYears(fsys fs.FS, dir, source string, into map[int]Year) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("deadline: calendar directory %s: %w", source, err)
	}
	for _, e := range entries {
		m := calendarFileName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		where := e.Name()
		if source != "embedded" {
			where = filepath.Join(source, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("deadline: calendar %s: %w", where, err)
		}
		y, err := parseYear(b)
		if err != nil {
			return fmt.Errorf("deadline: calendar %s: %w", where, err)
		}
		if want, _ := strconv.Atoi(m[1]); y.Year != want {
			return fmt.Errorf("deadline: calendar %s: holds year %d, not %d", where, y.Year, want)
		}
		y.Source = source
		into[y.Year] = y
	}
	return nil
}

// parseYear reads and checks one notice file.
func parseYear(b []byte) (Year, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var y Year
	if err := dec.Decode(&y); err != nil {
		return Year{}, err
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if y.Year < 1949 || y.Year > 9999 {
		bad("year %d is out of range", y.Year)
	}
	if strings.TrimSpace(y.Notice) == "" {
		bad("notice: the document number is required (a year without a published notice has no file)")
	}
	if y.NoticeDate.IsZero() {
		bad("notice_date is required")
	}
	if len(y.Holidays) == 0 {
		bad("holidays: a notice lists at least one holiday")
	}
	seen := map[civil.Date]string{}
	check := func(list string, d civil.Date) {
		// A notice plans its own year and may reach back into the previous
		// December (国办发明电〔2022〕16号 did); nothing else.
		if d.Year != y.Year && (d.Year != y.Year-1 || d.Month != time.December) {
			bad("%s: %s is outside %d and the December before it", list, d, y.Year)
		}
		if prev, dup := seen[d]; dup {
			bad("%s: %s is also listed in %s", list, d, prev)
		}
		seen[d] = list
	}
	for _, d := range y.Holidays {
		check("holidays", d)
	}
	for _, d := range y.Workdays {
		check("workdays", d)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			bad("workdays: %s is a %s; a make-up working day is a Saturday or Sunday", d, wd)
		}
	}
	if len(problems) > 0 {
		return Year{}, errors.New(strings.Join(problems, "; "))
	}
	return y, nil
}

func newCalendar(years map[int]Year) (*Calendar, error) {
	c := &Calendar{years: years, days: map[civil.Date]Day{}}
	for _, yr := range c.Years() {
		y := years[yr]
		add := func(d civil.Date, k DayKind) error {
			if prev, ok := c.days[d]; ok && prev.Kind != k {
				return fmt.Errorf("deadline: calendar: %s is %s in one notice and %s in %s",
					d, prev.describe(), Day{Kind: k, Notice: y.Notice}.describe(), y.Notice)
			}
			c.days[d] = Day{Date: d, Kind: k, Notice: y.Notice}
			return nil
		}
		for _, d := range y.Holidays {
			if err := add(d, Holiday); err != nil {
				return nil, err
			}
		}
		for _, d := range y.Workdays {
			if err := add(d, MakeUpWorkday); err != nil {
				return nil, err
			}
		}
	}
	c.version = c.computeVersion()
	return c, nil
}

// computeVersion hashes the calendar's content (not its files' layout), so
// reformatting a file does not change the version but any changed day does.
func (c *Calendar) computeVersion() string {
	h := sha256.New()
	for _, yr := range c.Years() {
		y := c.years[yr]
		hol, work := sortedDates(y.Holidays), sortedDates(y.Workdays)
		_, _ = fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\n", y.Year, y.Notice, y.NoticeDate, joinDates(hol), joinDates(work))
	}
	// The rule the provisional years are built by: a change to it moves
	// the version, so that stored deadlines are recomputed.
	_, _ = fmt.Fprintf(h, "provisional\x00%s\x00%d-%d\n", measures, firstProvisionalYear, lastProvisionalYear)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
}

func sortedDates(ds []civil.Date) []civil.Date {
	out := slices.Clone(ds)
	slices.SortFunc(out, civil.Date.Compare)
	return out
}

func joinDates(ds []civil.Date) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, ",")
}

// Version identifies the calendar's content: "sha256:" and 16 hex digits.
// It changes whenever a day or a notice changes.
func (c *Calendar) Version() string { return c.version }

// Years returns the years covered, ascending.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Notice returns the notice loaded for year.
func (c *Calendar) Notice(year int) (Year, bool) {
	y, ok := c.years[year]
	return y, ok
}

// Day says what d is. A day is looked up in its own year's notice and in
// the next year's, which can list days of the previous December. A day of
// a year from 2025 on without a notice comes from that year's provisional
// calendar (provisional.go) and is marked Provisional. It returns
// *UncoveredYearError for any other year without a notice.
func (c *Calendar) Day(d civil.Date) (Day, error) {
	_, own := c.years[d.Year]
	_, next := c.years[d.Year+1]
	awaits := d.Month == time.December && !next
	if day, listed := c.days[d]; listed {
		day.AwaitsNextNotice = awaits
		return day, nil
	}
	day := Day{Date: d, Kind: Workday, AwaitsNextNotice: awaits}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		day.Kind = Weekend
	}
	if own {
		return day, nil
	}
	est, ok := provisionalYear(d.Year)
	if !ok {
		return Day{}, &UncoveredYearError{Year: d.Year, Date: d}
	}
	day.Provisional = true
	if slices.Contains(est.Holidays, d) {
		day.Kind, day.Notice = Holiday, est.Notice
	}
	return day, nil
}

// Config says where operators' calendar files are.
type Config struct {
	// CalendarDir holds operators' calendar files (YYYY.json, the form of
	// the embedded ones); each replaces or adds a year. Empty: the embedded
	// calendar only.
	CalendarDir string `env:"IPCASE_CALENDAR_DIR"`
}

// Load loads the calendar: the embedded notices with the files of
// CalendarDir over them. ipcased calls it at start, so that a bad file
// stops the start.
func (c Config) Load() (*Calendar, error) { return LoadCalendar(c.CalendarDir) }
