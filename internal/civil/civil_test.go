package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestToday(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		instant string
		want    Date
	}{
		// 16:00 UTC is midnight in Beijing: the next day has begun there.
		{"2026-12-31T15:59:59Z", Date{2026, 12, 31}},
		{"2026-12-31T16:00:00Z", Date{2027, 1, 1}},
		{"2026-03-01T23:30:00-05:00", Date{2026, 3, 2}},
	} {
		at, err := time.Parse(time.RFC3339, tt.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := Today(at); got != tt.want {
			t.Errorf("Today(%s) = %s, want %s", tt.instant, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	if d, err := Parse("2024-02-29"); err != nil || d != (Date{2024, 2, 29}) {
		t.Errorf("Parse(2024-02-29) = %v, %v", d, err)
	}
	for _, bad := range []string{"2023-02-29", "2024-2-9", "2024-10-08T00:00:00Z", "", "20241008"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		from    Date
		n       int
		want    Date
		clamped bool
	}{
		// Civil Code Art. 202: the corresponding day, else the month's last.
		{Date{2026, 8, 31}, 6, Date{2027, 2, 28}, true},
		{Date{2024, 8, 31}, 6, Date{2025, 2, 28}, true},
		{Date{2023, 8, 29}, 6, Date{2024, 2, 29}, false},
		{Date{2026, 1, 15}, 12, Date{2027, 1, 15}, false},
	} {
		got, clamped := tt.from.AddMonths(tt.n)
		if got != tt.want || clamped != tt.clamped {
			t.Errorf("%s + %d months = %s (clamped %v), want %s (%v)", tt.from, tt.n, got, clamped, tt.want, tt.clamped)
		}
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		On   Date  `json:"on"`
		Due  Date  `json:"due,omitzero"`
		Seen *Date `json:"seen,omitempty"`
	}
	b, err := json.Marshal(doc{On: Date{2026, 9, 28}})
	if err != nil || string(b) != `{"on":"2026-09-28"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	// Records written before this type held midnight-UTC timestamps.
	var old doc
	if err := json.Unmarshal([]byte(`{"on":"2026-09-28T00:00:00Z","seen":"2026-10-01T00:00:00Z"}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.On != (Date{2026, 9, 28}) || old.Seen == nil || *old.Seen != (Date{2026, 10, 1}) {
		t.Errorf("old record decoded as %+v", old)
	}
	for _, bad := range []string{`{"on":"2026-09-28T08:00:00Z"}`, `{"on":20260928}`, `{"on":"28/09/2026"}`} {
		if err := json.Unmarshal([]byte(bad), &old); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

func TestSQL(t *testing.T) {
	t.Parallel()
	if v, err := (Date{}).Value(); v != nil || err != nil {
		t.Errorf("zero Value = %v, %v; want NULL", v, err)
	}
	var d Date
	if err := d.Scan(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); err != nil || d != (Date{2026, 3, 2}) {
		t.Errorf("Scan(time) = %v, %v", d, err)
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
}
