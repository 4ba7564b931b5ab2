package document

import (
	"strings"
	"unicode"
)

// noLineStart are the marks Chinese typesetting keeps off the start of a
// line (避头: closing brackets and sentence punctuation); noLineEnd those
// kept off its end (避尾: opening brackets).
const (
	noLineStart = "，。、；：？！）》〕」』”’,.;:?!)]%"
	noLineEnd   = "（《〔「『“‘([￥"
)

// wrap breaks text into lines no wider than width by measure: between any
// two ideographs, never inside a run of Latin letters and digits (a
// credit code, a URL) unless the run alone is wider than a line, never
// before a closing mark or after an opening one. A closing mark that does
// not fit hangs at the end of its line, as in print.
func wrap(text string, width float64, measure func(string) float64) []string {
	var lines []string
	var line []string
	lineW := 0.0
	flush := func() {
		lines = append(lines, strings.Join(line, ""))
		line, lineW = nil, 0
	}
	for _, tok := range tokens(text) {
		w := measure(tok)
		switch {
		case lineW+w <= width || len(line) == 0:
		case strings.Contains(noLineStart, tok):
			// Hang the closing mark on this line.
		default:
			// Carry an opening mark at the line's end over with tok.
			var carry []string
			for len(line) > 1 && strings.Contains(noLineEnd, line[len(line)-1]) {
				carry = append([]string{line[len(line)-1]}, carry...)
				line = line[:len(line)-1]
			}
			flush()
			for _, c := range carry {
				line, lineW = append(line, c), lineW+measure(c)
			}
		}
		if len(line) == 0 && w > width {
			// A Latin run wider than a line: break it by characters.
			for _, r := range tok {
				s := string(r)
				if lineW+measure(s) > width && len(line) > 0 {
					flush()
				}
				line, lineW = append(line, s), lineW+measure(s)
			}
			continue
		}
		line, lineW = append(line, tok), lineW+w
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// tokens splits text into the units a line may break between: each
// ideograph or mark alone, each run of Latin letters, digits and the
// characters of codes and URLs together.
func tokens(text string) []string {
	var out []string
	var run strings.Builder
	for _, r := range text {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_/.:@#?=&%+~", r)) {
			run.WriteRune(r)
			continue
		}
		if run.Len() > 0 {
			out = append(out, run.String())
			run.Reset()
		}
		out = append(out, string(r))
	}
	if run.Len() > 0 {
		out = append(out, run.String())
	}
	return out
}
