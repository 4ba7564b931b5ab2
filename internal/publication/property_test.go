package publication_test

import (
	"fmt"
	mathrand "math/rand"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/quick"

	"github.com/ipcase/ipcase/internal/publication"
)

// document is a random decision text holding identity-card numbers with
// their right check character, mobile numbers and bank card numbers with
// their Luhn digit, written plainly or in groups, among amounts, dates and
// case numbers.
type document struct{ text string }

var fillers = []string{"当事人", "经查，", "违法经营额为", "元，", "被告于", "年", "月", "日", "销售侵权商品", "（2026）粤73知民初", "号", "罚款", "。\n", "，联系电话", "身份证号码", "账号", "住所地", "、", " "}

func (document) Generate(seed *mathrand.Rand, _ int) reflect.Value {
	r := rand.New(rand.NewPCG(seed.Uint64(), seed.Uint64()))
	var b strings.Builder
	for range 5 + r.IntN(30) {
		switch r.IntN(6) {
		case 0:
			b.WriteString(idNumber(r))
		case 1:
			b.WriteString(mobileNumber(r))
		case 2:
			b.WriteString(cardNumber(r))
		default:
			b.WriteString(fillers[r.IntN(len(fillers))])
			if r.IntN(3) == 0 {
				fmt.Fprintf(&b, "%d", r.IntN(100_000_000))
			}
		}
		b.WriteString(fillers[r.IntN(len(fillers)-1)]) // never a bare space between tokens
	}
	return reflect.ValueOf(document{b.String()})
}

// idNumber is an 18-character identity number (GB 11643-1999) with its
// ISO 7064 MOD 11-2 check character, computed here and not by the code
// under test; the check character is X one time in eleven.
func idNumber(r *rand.Rand) string {
	d := fmt.Sprintf("%06d%04d%02d%02d%03d", 110000+r.IntN(540000), 1940+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * w[i]
	}
	id := d + string("10X98765432"[sum%11])
	if r.IntN(4) == 0 {
		id = strings.ToLower(id)
	}
	return id
}

// mobileNumber is 1, 3 to 9, and nine digits, plain, grouped 3-4-4, or
// with +86.
func mobileNumber(r *rand.Rand) string {
	m := fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
	switch r.IntN(4) {
	case 0:
		return m[:3] + "-" + m[3:7] + "-" + m[7:]
	case 1:
		return "+86 " + m
	case 2:
		return m[:3] + " " + m[3:7] + " " + m[7:]
	}
	return m
}

// cardNumber is a bank card number of 16 to 19 digits whose last digit is
// the Luhn check digit, plain or in groups of four.
func cardNumber(r *rand.Rand) string {
	n := 16 + r.IntN(4)
	d := []byte("62")
	for len(d) < n-1 {
		d = append(d, "0123456789"[r.IntN(10)])
	}
	for c := byte('0'); c <= '9'; c++ {
		if luhn(string(append(d, c))) {
			d = append(d, c)
			break
		}
	}
	s := string(d)
	if r.IntN(2) == 0 {
		var g []string
		for i := 0; i < len(s); i += 4 {
			g = append(g, s[i:min(i+4, len(s))])
		}
		return strings.Join(g, " ")
	}
	return s
}

func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

var (
	joined = regexp.MustCompile(`(\d)[ +\-]+(\d)`)
	runs   = regexp.MustCompile(`[0-9]+[Xx]?`)
)

// survivor is a pattern left in text: any window of its digit runs (with
// the separators between digits removed) that is an identity number with a
// right check character, a mobile number, or a Luhn-valid 16 to 19 digits.
func survivor(text string) string {
	for prev := ""; prev != text; {
		prev, text = text, joined.ReplaceAllString(text, "$1$2")
	}
	for _, run := range runs.FindAllString(text, -1) {
		run = strings.ToUpper(run)
		for i := range run {
			for _, n := range []int{11, 16, 17, 18, 19} {
				if i+n > len(run) {
					continue
				}
				w := run[i : i+n]
				switch {
				case n == 11 && w[0] == '1' && w[1] >= '3' && w[1] <= '9' && !strings.Contains(w, "X"):
					return "mobile " + w
				case n == 18 && publicationIDCheck(w):
					return "identity number " + w
				case n >= 16 && !strings.Contains(w, "X") && luhn(w):
					return "card " + w
				}
			}
		}
	}
	return ""
}

// publicationIDCheck checks a GB 11643 check character independently of
// publication.IDNumberValid.
func publicationIDCheck(s string) bool {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * w[i]
	}
	return s[17] == "10X98765432"[sum%11]
}

// TestNothingSurvives: no identity number, mobile number or bank card
// number survives publication (SPC provisions Art. 10(1), (2)).
func TestNothingSurvives(t *testing.T) {
	t.Parallel()
	f := func(d document) bool {
		if s := survivor(publication.Redact(publication.Source{Text: d.text}).Text); s != "" {
			t.Logf("%s survives in\n%s", s, d.text)
			return false
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 3000}); err != nil {
		t.Error(err)
	}
}

// TestSurvivorSeesPatterns shows that the checker finds what it looks for
// in the unredacted texts, so that TestNothingSurvives can fail.
func TestSurvivorSeesPatterns(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, gen := range []func(*rand.Rand) string{idNumber, mobileNumber, cardNumber} {
		for range 200 {
			s := "金额" + gen(r) + "元"
			if survivor(s) == "" {
				t.Fatalf("survivor(%q) found nothing", s)
			}
		}
	}
}
