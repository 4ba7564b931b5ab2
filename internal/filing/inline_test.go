package filing

import (
	"testing"
	"time"
)

// TestInline: list filters become SQL literals, quotes doubled, so that no
// value can end its literal early.
func TestInline(t *testing.T) {
	at := time.Date(2026, 11, 20, 2, 0, 0, 123000, time.UTC)
	got := inline("a = ? AND b IN ? AND c >= ? AND d @> ARRAY[?]::text[]",
		[]any{"A:SAMR-HZ", []string{"x", "it's"}, at, "O'Brien'); DROP TABLE matters; --"})
	want := "a = 'A:SAMR-HZ' AND b IN ('x', 'it''s') AND c >= '2026-11-20T02:00:00.000123Z'::timestamptz" +
		" AND d @> ARRAY['O''Brien''); DROP TABLE matters; --']::text[]"
	if got != want {
		t.Errorf("inline:\n got %s\nwant %s", got, want)
	}
}
