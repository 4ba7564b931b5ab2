package publication

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The patterns deleted before digit runs are classified: each is a
// contact or account written with separators, or a plate.
var patterns = []struct {
	rule Rule
	re   *regexp.Regexp
}{
	{RulePhone, regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)},
	{RulePlate, regexp.MustCompile(`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警]`)},
	{RulePhone, regexp.MustCompile(`(?:\+?86[ -]?)?1[3-9]\d[ -]\d{4}[ -]\d{4}`)},
	{RuleBankAccount, regexp.MustCompile(`\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?`)},
	{RulePhone, regexp.MustCompile(`(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-－])\d{7,8}(?:(?:-|转)\d{1,6})?`)},
	// A local number or a short account is told from an amount by what
	// introduces it.
	{RulePhone, regexp.MustCompile(`((?:联系)?(?:电话|手机|座机|传真|联系方式)(?:号码)?[：:为是]?\s*)\d{7,8}(\D|$)`)},
	{RuleBankAccount, regexp.MustCompile(`((?:银行)?(?:账号|账户|帐号|帐户|卡号)[：:为是]?\s*)\d{8,14}(\D|$)`)},
}

// numbers deletes contacts, identity-card numbers, accounts and plates
// (SPC Art. 10(1), (2)), keeping the credit codes of the organisations the
// document names (Art. 11(1)).
func (r *Redacted) numbers(persons []Person, text string) string {
	for _, p := range patterns {
		text = p.re.ReplaceAllStringFunc(text, func(m string) string {
			r.Counts[p.rule.ID]++
			if g := p.re.FindStringSubmatch(m); len(g) == 3 {
				return g[1] + Mark + g[2]
			}
			return Mark
		})
	}
	kept := map[string]bool{}
	for _, p := range persons {
		if p.Organisation && p.CreditCode != "" {
			kept[strings.ToUpper(p.CreditCode)] = true
		}
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		run, size := digitRun(text[i:])
		if size == 0 {
			_, n := utf8.DecodeRuneInString(text[i:])
			b.WriteString(text[i : i+n])
			i += n
			continue
		}
		if rule, ok := classify(run, kept); ok {
			r.Counts[rule.ID]++
			b.WriteString(Mark)
		} else {
			b.WriteString(text[i : i+size])
		}
		i += size
	}
	return b.String()
}

// digitRun reads the maximal run of digits (ASCII or full-width) at the
// start of s, with the check character X of a 17-digit run, and returns it
// in ASCII with the bytes it took; size 0 if s does not start with a digit.
func digitRun(s string) (run string, size int) {
	var b strings.Builder
	for size < len(s) {
		c, n := utf8.DecodeRuneInString(s[size:])
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c >= '０' && c <= '９':
			b.WriteRune('0' + c - '０')
		case (c == 'X' || c == 'x' || c == 'Ｘ') && b.Len() == 17:
			b.WriteRune('X')
			size += n
			return b.String(), size
		default:
			return b.String(), size
		}
		size += n
	}
	return b.String(), size
}

// classify says which rule deletes a run of digits, if any. Runs of 15
// digits and more are never amounts, dates or case numbers: each is an
// identity-card number or an account, deleted whether or not its check
// digit is right (a mistyped number is still a person's), unless it is
// the credit code of an organisation the document names.
func classify(run string, kept map[string]bool) (Rule, bool) {
	n := len(run)
	switch {
	case kept[run]:
		return Rule{}, false
	case n == 18 && IDNumberValid(run), n == 15:
		return RuleIDNumber, true
	case n == 18 && strings.HasSuffix(run, "X"):
		return RuleIDNumber, true
	case n >= 15:
		return RuleBankAccount, true
	case n == 11 && mobile(run):
		return RulePhone, true
	case n >= 12 && n <= 14 && (strings.HasPrefix(run, "86") && mobile(run[2:]) || strings.HasPrefix(run, "0086") && mobile(run[4:])):
		return RulePhone, true
	case n >= 10 && n <= 12 && run[0] == '0':
		// A landline with its area code, written without a separator.
		return RulePhone, true
	}
	return Rule{}, false
}

// mobile reports whether s is a mainland mobile number: 11 digits, 1 and
// then 3 to 9.
func mobile(s string) bool {
	return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9'
}

// IDNumberValid reports whether s is an 18-character citizen identity
// number (GB 11643-1999) whose check character is right: ISO 7064
// MOD 11-2, weights 2^(17-i) mod 11, check (12 − Σ mod 11) mod 11 with 10
// written X.
func IDNumberValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * idWeights[i]
	}
	return s[17] == "10X98765432"[sum%11]
}

// idWeights are 2^(17-i) mod 11 for i = 0..16.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
