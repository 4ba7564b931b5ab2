package document

import (
	"encoding/binary"
	"errors"
)

// coverage reads the Unicode BMP cmap (platform 3, encoding 1, format 4)
// of a TrueType font and reports which characters it maps to a glyph, so
// that New refuses a font that would print blanks (Droid Sans Fallback
// has no Latin letters; some GB fonts lack 〇).
func coverage(font []byte) (func(rune) bool, error) {
	bad := errors.New("not a TrueType font with a Unicode cmap (format 4)")
	u16 := func(at int) (int, bool) {
		if at < 0 || at+2 > len(font) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(font[at:])), true
	}
	u32 := func(at int) int {
		if at < 0 || at+4 > len(font) {
			return -1 << 40 // out of any bounds u16 checks
		}
		return int(binary.BigEndian.Uint32(font[at:]))
	}
	n, ok := u16(4)
	if !ok {
		return nil, bad
	}
	cmap := -1
	for i := range n {
		rec := 12 + 16*i
		if rec+16 <= len(font) && string(font[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	subs, ok := u16(cmap + 2)
	if cmap < 0 || !ok {
		return nil, bad
	}
	for i := range subs {
		pid, _ := u16(cmap + 4 + 8*i)
		eid, _ := u16(cmap + 6 + 8*i)
		off := u32(cmap + 8 + 8*i)
		sub := cmap + off
		if f, ok := u16(sub); pid != 3 || eid != 1 || !ok || f != 4 {
			continue
		}
		segX2, ok := u16(sub + 6)
		if !ok || sub+16+4*segX2 > len(font) {
			return nil, bad
		}
		ends, starts, deltas, ranges := sub+14, sub+16+segX2, sub+16+2*segX2, sub+16+3*segX2
		return func(r rune) bool {
			c := int(r)
			for s := 0; s < segX2; s += 2 {
				end, _ := u16(ends + s)
				if c > end {
					continue
				}
				start, _ := u16(starts + s)
				if c < start {
					return false
				}
				delta, _ := u16(deltas + s)
				ro, _ := u16(ranges + s)
				if ro == 0 {
					return (c+delta)&0xFFFF != 0
				}
				g, ok := u16(ranges + s + ro + 2*(c-start))
				return ok && g != 0
			}
			return false
		}, nil
	}
	return nil, bad
}
