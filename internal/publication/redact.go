package publication

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Person is someone a document names: a party, an organisation's legal
// representative, an agent, a witness.
type Person struct {
	Name string
	// Organisation: a legal person or other organisation, whose name,
	// domicile and credit code are kept (SPC Art. 11(1)).
	Organisation bool
	// CreditCode is an organisation's unified social credit code, kept
	// wherever the text carries it.
	CreditCode string
	// Kept: a natural person whose name the rules keep, an organisation's
	// legal representative or principal, a lawyer (SPC Art. 11).
	Kept bool
}

// Source is a document as its producer has it: whom it names, its text,
// and, in a trade-secret case, the technical content to remove.
type Source struct {
	Persons []Person
	Text    string
	// Secrets are the technical content of a trade secret (its secret
	// points, formulas, process parameters), removed wherever they appear.
	Secrets []string
	// TradeSecret also removes what the text introduces as a secret point,
	// formula or technical information.
	TradeSecret bool
}

// Redacted is what may be published of a Source.
type Redacted struct {
	Text string
	// Names maps each person's name to the name published.
	Names map[string]string
	// Counts is how many changes each rule made, by rule ID.
	Counts map[string]int
}

// Mark replaces what a rule deletes where deleting it would hurt the
// reading (SPC Art. 10 ¶2).
const Mark = "×××"

// SecretMark replaces the technical content of a trade secret.
const SecretMark = "（涉及商业秘密，已删除）" //nolint:gosec // G101: the mark that replaces trade-secret content, not a credential

// Redact applies Rules to src. It is pure and deterministic.
func Redact(src Source) Redacted {
	r := Redacted{Text: src.Text, Counts: map[string]int{}}
	r.Text = r.secrets(src, r.Text)
	r.Text = r.addresses(src.Persons, r.Text)
	r.Names = aliases(src.Persons)
	r.Text = r.names(src.Persons, r.Text)
	r.Text = r.numbers(src.Persons, r.Text)
	return r
}

// secretIntro is how a judgment or decision introduces technical content.
var secretIntro = regexp.MustCompile(`(秘密点|秘点|技术秘密|技术信息|技术方案|配方|工艺参数|工艺流程)(内容)?(为|是|包括|如下)[：:]?([^。\n]+)`)

func (r *Redacted) secrets(src Source, text string) string {
	for _, s := range src.Secrets {
		if utf8.RuneCountInString(s) < 2 {
			continue
		}
		if n := strings.Count(text, s); n > 0 {
			r.Counts[RuleTradeSecret.ID] += n
			text = strings.ReplaceAll(text, s, SecretMark)
		}
	}
	if !src.TradeSecret {
		return text
	}
	return secretIntro.ReplaceAllStringFunc(text, func(m string) string {
		g := secretIntro.FindStringSubmatch(m)
		if g[4] == SecretMark {
			return m
		}
		r.Counts[RuleTradeSecret.ID]++
		return g[1] + g[2] + g[3] + "：" + SecretMark
	})
}

// addressIntro introduces an address; a bare 住 only after a comma, a
// closing bracket or at the start of a line, where it cannot be part of a
// word.
var addressIntro = regexp.MustCompile(`(家庭住址|住址|现住址|现住|家住|住所地|住所|暂住|经常居住地|(?:^|[，,\n）)])住)[：:]?([^，。；,;、\n（(]+)`)

// addresses cuts natural persons' addresses to the county or district
// (SPC Art. 10(1), Art. 11(1)). An address belongs to the last person
// named before it in its sentence; one whose owner is not known is cut
// too.
func (r *Redacted) addresses(persons []Person, text string) string {
	var b strings.Builder
	last := 0
	for _, m := range addressIntro.FindAllStringSubmatchIndex(text, -1) {
		start, end, addrStart := m[0], m[1], m[4]
		sentence := text[sentenceStart(text, start):start]
		if p, ok := lastNamed(persons, sentence); ok && p.Organisation {
			continue
		}
		kept := county(text[addrStart:end])
		if kept == text[addrStart:end] {
			continue
		}
		if kept == "" {
			kept = Mark
		}
		r.Counts[RuleAddress.ID]++
		b.WriteString(text[last:addrStart])
		b.WriteString(kept)
		last = end
	}
	b.WriteString(text[last:])
	return b.String()
}

func sentenceStart(text string, i int) int {
	return strings.LastIndexAny(text[:i], "。；;\n") + 1
}

// lastNamed is the person named last in s, a name inside a longer one
// (张三 in 杭州市西湖区张三食品店) counting as the longer one.
func lastNamed(persons []Person, s string) (Person, bool) {
	type hit struct {
		start, end int
		p          Person
	}
	var hits []hit
	for _, p := range persons {
		if p.Name == "" {
			continue
		}
		if i := strings.LastIndex(s, p.Name); i >= 0 {
			hits = append(hits, hit{i, i + len(p.Name), p})
		}
	}
	best, found := hit{start: -1}, false
	for _, h := range hits {
		inside := slices.ContainsFunc(hits, func(o hit) bool {
			return o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start
		})
		if !inside && h.start > best.start {
			best, found = h, true
		}
	}
	return best.p, found
}

// county is the part of an address down to its county or district, or to
// its city where no county is named before the street.
func county(addr string) string {
	rs := []rune(addr)
	city := 0
	for i, c := range rs {
		prefix, rest := string(rs[:i+1]), string(rs[i:])
		if hasAnyPrefix(rest, hardStops) || city > 0 && hasAnyPrefix(rest, softStops) {
			break
		}
		switch c {
		case '区', '县', '旗':
			if hasAnySuffix(prefix, notCounties) {
				continue
			}
			return prefix
		case '市':
			city = i + 1
		}
	}
	return string(rs[:city])
}

// hardStops begin the part of an address below a county (a street, a
// number, a compound); softStops (a town, a township, a subdistrict) only
// after a city, so that 镇江市 is not taken for a town.
var (
	hardStops   = []string{"小区", "社区", "园区", "校区", "厂区", "景区", "路", "街", "号", "村", "巷", "弄", "栋", "幢", "室", "楼", "组"}
	softStops   = []string{"镇", "乡", "道"}
	notCounties = []string{"自治区", "特别行政区", "地区", "小区", "社区", "园区", "校区", "厂区", "景区"}
)

func hasAnyPrefix(s string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

func hasAnySuffix(s string, suffixes []string) bool {
	return slices.ContainsFunc(suffixes, func(p string) bool { return strings.HasSuffix(s, p) })
}

// compoundSurnames are the common two-character surnames, kept whole.
var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "南宫", "西门", "独孤", "百里", "呼延", "澹台", "公冶", "申屠", "太史", "闻人", "赫连", "万俟", "濮阳", "淳于", "单于", "仲孙", "叱干"}

// reduce is a natural person's name as SPC Art. 9 ¶1 reduces it: the
// surname kept and the given name replaced by 某 (1); a minority name or a
// foreign name's Chinese rendering keeps its first character (2), (3); a
// foreign name in Latin letters keeps its first letter (3).
func reduce(name string) string {
	name = strings.TrimSpace(name)
	first, _ := utf8.DecodeRuneInString(name)
	switch {
	case first < utf8.RuneSelf && unicode.IsLetter(first):
		return string(unicode.ToUpper(first))
	case strings.ContainsAny(name, "·•・.．"):
		return string(first) + "某"
	}
	for _, s := range compoundSurnames {
		if strings.HasPrefix(name, s) && utf8.RuneCountInString(name) > 2 {
			return s + "某"
		}
	}
	return string(first) + "某"
}

// aliases maps every person's name to the name published: organisations'
// and kept persons' unchanged, others reduced, and reductions that
// coincide numbered in the order the persons come (SPC Art. 9 ¶2).
func aliases(persons []Person) map[string]string {
	out := map[string]string{}
	groups := map[string][]string{}
	var order []string
	for _, p := range persons {
		if p.Name == "" {
			continue
		}
		if _, seen := out[p.Name]; seen {
			continue
		}
		if p.Organisation || p.Kept {
			out[p.Name] = p.Name
			continue
		}
		a := reduce(p.Name)
		out[p.Name] = a
		if len(groups[a]) == 0 {
			order = append(order, a)
		}
		groups[a] = append(groups[a], p.Name)
	}
	for _, a := range order {
		if names := groups[a]; len(names) > 1 {
			for i, n := range names {
				out[n] = a + strconv.Itoa(i+1)
			}
		}
	}
	return out
}

// names replaces every name in text by its alias, longest names first so
// that a person's name inside an organisation's stays as it is.
func (r *Redacted) names(persons []Person, text string) string {
	keys := make([]string, 0, len(r.Names))
	for n := range r.Names {
		keys = append(keys, n)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var b strings.Builder
	for i := 0; i < len(text); {
		matched := false
		for _, k := range keys {
			if strings.HasPrefix(text[i:], k) {
				a := r.Names[k]
				if a != k {
					r.Counts[RuleName.ID]++
				} else if isOrganisation(persons, k) {
					r.Counts[RuleKeepOrganisation.ID]++
				}
				b.WriteString(a)
				i += len(k)
				matched = true
				break
			}
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(text[i:])
			b.WriteString(text[i : i+size])
			i += size
		}
	}
	return b.String()
}

func isOrganisation(persons []Person, name string) bool {
	return slices.ContainsFunc(persons, func(p Person) bool { return p.Organisation && p.Name == name })
}
