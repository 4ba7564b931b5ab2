package similar

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
)

// Kind is what a decided matter decided: a fine or damages.
type Kind string

// Kinds of decided matters.
const (
	Fine    Kind = "FINE"
	Damages Kind = "DAMAGES"
)

// Matter is a decided matter as a similar-case search compares it.
type Matter struct {
	MatterID string
	EventSeq int64
	Kind     Kind
	// IPType is the family of right (TRADEMARK, PATENT, COPYRIGHT, …) and
	// Law the law version applied, e.g. "Trademark Law 2019".
	IPType, Law string
	Number      string
	// Decider is the agency or court, Region its province.
	Decider, Region string
	DecidedOn       civil.Date
	// Base is the figure the amount was computed on, 0 if not known;
	// Multiple the punitive multiple or the fine over the base, in
	// thousandths; Amount the fine or award.
	Base     damages.Fen
	Multiple int
	Amount   damages.Fen
	// Share is where a fine lies in its range, in thousandths; -1 if none.
	Share                        int
	Intentional, Repeat, Serious bool
	Facts                        string
}

// Query is the matter at hand.
type Query struct {
	Kind                         Kind
	IPType, Law                  string
	Base                         damages.Fen
	Intentional, Repeat, Serious bool
	Region, Decider, Facts       string
	// Factor bounds the base: candidates lie within [Base/Factor,
	// Base×Factor] (all bases when Base is 0).
	Factor float64
	Limit  int
}

// Match is a comparable matter with its relevance and the reason for it.
type Match struct {
	Matter
	// TextScore is how near the facts are, 0 to 1: the full-text rank of
	// the facts' bigrams against the query's over the best candidate's.
	TextScore float64
	Relevance int
	Reason    string
}

// Weights of the similarity, which sum to 100: the facts weigh most, as
// the SPC guidance compares 基本事实 first (item 1); then the conduct that
// moves an amount (intent, repeat, seriousness: Fa Shi [2021] No. 4 Arts.
// 3, 4; Trademark Law 2019 Art. 60 ¶2), the scale of the base, and the
// deciding body (item 4: the same court's and region's cases rank first).
const (
	wFacts   = 40
	wConduct = 24 // 8 for each of intent, repeat, seriousness
	wScale   = 20
	wPlace   = 16 // the decider 16, the region 10
)

// score ranks m against q and, with explain, says why in one line (the
// reasons are written only for the matches returned: a search scores
// 2,000 candidates).
func score(q Query, m Match, explain bool) Match {
	var why []string
	pts := float64(wFacts) * m.TextScore
	if explain {
		why = append(why, fmt.Sprintf("事实相近度%.0f%%", m.TextScore*100))
	}
	same := 0
	for _, c := range []struct {
		a, b bool
		name string
	}{{q.Intentional, m.Intentional, "故意"}, {q.Repeat, m.Repeat, "重复侵权"}, {q.Serious, m.Serious, "情节严重"}} {
		switch {
		case c.a == c.b:
			same++
			pts += wConduct / 3
		case !explain:
		case c.b:
			why = append(why, "另有"+c.name)
		default:
			why = append(why, "无"+c.name)
		}
	}
	if same == 3 && explain {
		why = append(why, "情节相同")
	}
	if q.Base > 0 && m.Base > 0 {
		r := math.Abs(math.Log(float64(m.Base) / float64(q.Base)))
		pts += wScale * math.Max(0, 1-r/math.Log(q.Factor))
		if explain {
			why = append(why, fmt.Sprintf("基数为本案%.2f倍", float64(m.Base)/float64(q.Base)))
		}
	}
	switch {
	case q.Decider != "" && m.Decider == q.Decider:
		pts += wPlace
		why = append(why, "同一机关")
	case q.Region != "" && m.Region == q.Region:
		pts += 10
		why = append(why, "同一地区")
	}
	m.Relevance = int(math.Round(pts))
	if explain {
		m.Reason = strings.Join(why, "，")
	}
	return m
}

// Rank scores the candidates against q and returns the best q.Limit, most
// relevant first (ties: the newer decision first).
func Rank(q Query, cands []Match) []Match {
	out := make([]Match, len(cands))
	for i, c := range cands {
		out[i] = score(q, c, false)
	}
	slices.SortStableFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Relevance, a.Relevance); c != 0 {
			return c
		}
		return b.DecidedOn.Compare(a.DecidedOn)
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for i := range out {
		out[i] = score(q, out[i], true)
	}
	return out
}

// Quartiles returns the lower quartile, median and upper quartile of xs by
// linear interpolation between order statistics (the method of Hyndman and
// Fan's type 7, R's and NumPy's default); ok is false without values.
func Quartiles(xs []float64) (q1, med, q3 float64, ok bool) {
	if len(xs) == 0 {
		return 0, 0, 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(p float64) float64 {
		h := p * float64(len(s)-1)
		lo := math.Floor(h)
		if int(lo)+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[int(lo)] + (h-lo)*(s[int(lo)+1]-s[int(lo)])
	}
	return at(0.25), at(0.5), at(0.75), true
}
