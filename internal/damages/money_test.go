package damages_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/ipcase/ipcase/internal/damages"
)

func TestParseYuan(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want damages.Fen
	}{
		{"0", 0},
		{"1234.5", 123450}, // one decimal place is tenths of a yuan
		{"1234.50", 123450},
		{"1234.05", 123405},
		{"0.01", 1},
		{"007", 700},
		{"50000", 5_000_000},
		{"49999.99", 4_999_999},
		{"1000000000000", 100_000_000_000_000}, // MaxAmount
	} {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := damages.ParseYuan(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseYuan(%q) = %d, %v; want %d, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseYuanRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", ".5", "5.", "1.234", "-1", "+1", "1,000", " 1", "1e3", "1.2.3",
		"١٢", "1000000000000.01", "99999999999999999999"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if got, err := damages.ParseYuan(in); err == nil {
				t.Errorf("ParseYuan(%q) = %d, want an error", in, got)
			}
		})
	}
}

func TestFenString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   damages.Fen
		want string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{123450, "1234.50"},
		{-5, "-0.05"},
		{-123456, "-1234.56"},
		{damages.MaxAmount, "1000000000000.00"},
		{-9223372036854775808, "-92233720368547758.08"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Fen(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
		})
	}
}

func TestParseRatio(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, want string
	}{
		{"2.5", "2.5"},
		{"0.35", "0.35"},
		{"3", "3"},
		{"3.000", "3"},
		{"0.333333", "0.333333"},
		{"05", "5"},
	} {
		got, err := damages.ParseRatio(tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseRatio(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "-1", "1/3", "0.1234567", "2.", ".5", "1e2", "99999999"} {
		if got, err := damages.ParseRatio(in); err == nil {
			t.Errorf("ParseRatio(%q) = %v, want an error", in, got)
		}
	}
	if ratio(t, "2.5").Cmp(ratio(t, "2.50")) != 0 || ratio(t, "3").Cmp(ratio(t, "2.999999")) != 1 {
		t.Error("Cmp disagrees with decimal order")
	}
}

func TestJSONUsesYuanStrings(t *testing.T) {
	t.Parallel()
	v := struct {
		A damages.Fen
		R damages.Ratio
		D civil.Date
		K damages.BaseKind
	}{123450, ratio(t, "2.5"), day(t, "2019-11-01"), damages.LicenceFee}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"A":"1234.50","R":"2.5","D":"2019-11-01","K":"licence-fee"}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back struct {
		A damages.Fen
		R damages.Ratio
		D civil.Date
		K damages.BaseKind
	}
	if err := json.Unmarshal(b, &back); err != nil || back != v {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, v)
	}
}

var canonicalYuan = regexp.MustCompile(`^(0|[1-9][0-9]*)\.[0-9]{2}$`)

// FuzzParseYuan checks that whatever ParseYuan accepts is a plain decimal
// with at most two places, lies in [0, MaxAmount], and survives a round
// trip through String unchanged.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"0", "1234.5", "1234.50", "0.01", "49999.99", "50000", "50000.01",
		"1000000000000", "1000000000000.01", "", ".", "-1", "1.234", "1,000", "00.10", strings.Repeat("9", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := damages.ParseYuan(s)
		if err != nil {
			return
		}
		whole, frac, _ := strings.Cut(s, ".")
		if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
			t.Fatalf("ParseYuan(%q) accepted a non-decimal", s)
		}
		if v < 0 || v > damages.MaxAmount {
			t.Fatalf("ParseYuan(%q) = %d, outside [0, MaxAmount]", s, v)
		}
		out := v.String()
		if !canonicalYuan.MatchString(out) {
			t.Fatalf("String() = %q, not canonical", out)
		}
		back, err := damages.ParseYuan(out)
		if err != nil || back != v {
			t.Fatalf("round trip %q → %q → %d, %v; want %d", s, out, back, err, v)
		}
	})
}
