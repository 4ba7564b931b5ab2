package document

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestWrap breaks lines with a measure of one unit per character, lines
// four units wide.
func TestWrap(t *testing.T) {
	t.Parallel()
	measure := func(s string) float64 { return float64(utf8.RuneCountInString(s)) }
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"between ideographs", "本院依法审理终结", []string{"本院依法", "审理终结"}},
		{"a closing mark hangs", "本院依法。审理", []string{"本院依法。", "审理"}},
		{"an opening mark moves down", "本院依《法律》", []string{"本院依", "《法律》"}},
		{"a code longer than a line is broken by characters", "代码91330106", []string{"代码", "9133", "0106"}},
		{"a code is kept whole when it fits", "码ab12", []string{"码", "ab12"}},
		{"nothing is lost", "一二三四五六七八九十", []string{"一二三四", "五六七八", "九十"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := wrap(tt.text, 4, measure)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if strings.Join(got, "") != tt.text {
				t.Errorf("lines %q lose text of %q", got, tt.text)
			}
		})
	}
}

// TestChineseDate: dates as documents print them, worked by hand.
func TestChineseDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		y, m, d int
		want    string
	}{
		{2026, 8, 28, "二〇二六年八月二十八日"},
		{2026, 10, 1, "二〇二六年十月一日"},
		{2030, 12, 20, "二〇三〇年十二月二十日"},
		{2026, 11, 15, "二〇二六年十一月十五日"},
	} {
		if got := chineseDate(tt.y, tt.m, tt.d, '〇'); got != tt.want {
			t.Errorf("chineseDate(%d, %d, %d) = %s, want %s", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}
