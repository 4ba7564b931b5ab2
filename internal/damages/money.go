package damages

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Fen is an amount of RMB in fen (1/100 yuan). Requests and results carry
// money only as Fen; it marshals to and from a yuan decimal string
// ("1234.50") so that JSON never holds a float.
type Fen int64

// MaxAmount is the largest amount ParseYuan accepts and Calculate and
// CalculateFine take as input: 1,000,000,000,000 yuan. The bound keeps every
// computed figure (at most 6× the sum of 64 periods) well inside int64.
const MaxAmount Fen = 1_000_000_000_000 * 100

// Yuan returns n whole yuan as Fen. n must lie within ±MaxAmount/100.
func Yuan(n int64) Fen { return Fen(n * 100) }

// ParseYuan parses a non-negative yuan amount written as digits with an
// optional decimal point and one or two decimal places: "1234.5" is
// 123450 fen. Signs, spaces, thousands separators, exponents and a third
// decimal place are refused (a court's figure is exact to the fen, so
// nothing is rounded here), as is anything above MaxAmount.
func ParseYuan(s string) (Fen, error) {
	whole, frac, dot := strings.Cut(s, ".")
	switch {
	case whole == "":
		return 0, fmt.Errorf("%q is not a yuan amount: digits are needed before any decimal point", s)
	case !allDigits(whole) || !allDigits(frac):
		return 0, fmt.Errorf("%q is not a yuan amount: only digits and one decimal point are allowed", s)
	case dot && frac == "":
		return 0, fmt.Errorf("%q is not a yuan amount: digits are needed after the decimal point", s)
	case len(frac) > 2:
		return 0, fmt.Errorf("%q has more than two decimal places; amounts are exact to the fen", s)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 { // MaxAmount has 13 digits of yuan
		return 0, fmt.Errorf("%q exceeds the maximum amount %s", s, MaxAmount)
	}
	var yuan int64
	if whole != "" {
		var err error
		if yuan, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, fmt.Errorf("%q is not a yuan amount: %w", s, err)
		}
	}
	fen := int64(0)
	for i := range 2 {
		fen *= 10
		if i < len(frac) {
			fen += int64(frac[i] - '0')
		}
	}
	f := Fen(yuan*100 + fen)
	if f > MaxAmount {
		return 0, fmt.Errorf("%q exceeds the maximum amount %s", s, MaxAmount)
	}
	return f, nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats f in yuan with exactly two decimals ("1234.50"), the form
// ParseYuan reads back; negative amounts get a leading "-".
func (f Fen) String() string {
	// Split before negating: neither part overflows, even at math.MinInt64.
	sign, yuan, fen := "", int64(f)/100, int64(f)%100
	if f < 0 {
		sign, yuan, fen = "-", -yuan, -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, yuan, fen)
}

// grouped formats f like String with thousands separators ("1,234,567.80");
// steps and messages use it, JSON does not.
func (f Fen) grouped() string {
	s := f.String()
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	return sign + b.String() + "." + frac
}

// MarshalText encodes f as String does.
func (f Fen) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a yuan string as ParseYuan does.
func (f *Fen) UnmarshalText(b []byte) error {
	v, err := ParseYuan(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

func (f Fen) rat() *big.Rat { return new(big.Rat).SetInt64(int64(f)) }

// roundHalfUp rounds r (in fen) to the nearest fen, halves away from zero.
// It is the only place an exact amount becomes a Fen.
func roundHalfUp(r *big.Rat) (Fen, error) {
	num := new(big.Int).Abs(r.Num())
	den := r.Denom()
	// floor((2·|num| + den) / (2·den)) = |r| rounded half up.
	q := new(big.Int).Lsh(num, 1)
	q.Add(q, den)
	q.Quo(q, new(big.Int).Lsh(den, 1))
	if r.Sign() < 0 {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return 0, errors.New("amount overflows int64 fen")
	}
	return Fen(q.Int64()), nil
}

// Ratio is an exact non-negative decimal with up to six decimal places, used
// for punitive multiples ("2.5") and contribution rates ("0.35"). The zero
// value means "not given".
type Ratio struct{ micro int64 }

const (
	ratioScale  = 1_000_000
	ratioPlaces = 6
	// maxRatioWhole bounds the whole part so micro never overflows; no
	// multiple or rate in law comes near it.
	maxRatioWhole = 1_000_000
)

func wholeRatio(n int64) Ratio { return Ratio{n * ratioScale} }

// ParseRatio parses a non-negative decimal such as "3", "2.5" or "0.35",
// with at most six decimal places. Signs, exponents and fractions like
// "1/3" are refused.
func ParseRatio(s string) (Ratio, error) {
	whole, frac, dot := strings.Cut(s, ".")
	switch {
	case whole == "" || !allDigits(whole) || !allDigits(frac) || (dot && frac == ""):
		return Ratio{}, fmt.Errorf("%q is not a decimal number such as 2.5 or 0.35", s)
	case len(frac) > ratioPlaces:
		return Ratio{}, fmt.Errorf("%q has more than %d decimal places", s, ratioPlaces)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 7 {
		return Ratio{}, fmt.Errorf("%q is too large", s)
	}
	var w int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64) // ≤ 7 digits: cannot fail
	}
	if w > maxRatioWhole {
		return Ratio{}, fmt.Errorf("%q is too large", s)
	}
	micro := w * ratioScale
	scale := int64(ratioScale)
	for i := range len(frac) {
		scale /= 10
		micro += int64(frac[i]-'0') * scale
	}
	return Ratio{micro}, nil
}

// IsZero reports whether r is zero, that is, not given.
func (r Ratio) IsZero() bool { return r.micro == 0 }

// Cmp compares r and o: -1, 0 or +1.
func (r Ratio) Cmp(o Ratio) int {
	switch {
	case r.micro < o.micro:
		return -1
	case r.micro > o.micro:
		return 1
	}
	return 0
}

// String formats r with no trailing zeros: "3", "2.5", "0.35".
func (r Ratio) String() string {
	s := fmt.Sprintf("%d.%06d", r.micro/ratioScale, r.micro%ratioScale)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// MarshalText encodes r as String does.
func (r Ratio) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a decimal as ParseRatio does.
func (r *Ratio) UnmarshalText(b []byte) error {
	v, err := ParseRatio(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

func (r Ratio) rat() *big.Rat { return big.NewRat(r.micro, ratioScale) }
