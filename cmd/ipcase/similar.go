package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/text/width"
	"google.golang.org/protobuf/encoding/protojson"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
)

// similarFlags ask the server for the comparable decided matters (类案)
// beside a calculation: `damages calc --similar` and `damages fine
// --similar`.
type similarFlags struct {
	on                         bool
	facts, region, decider     string
	limit                      int32
	baseFactor                 string
	reason, reasonNote, issues string
	uses                       []string
}

// similarOnly are the flags that mean nothing without --similar.
var similarOnly = []string{"facts", "region", "decider", "limit", "base-factor", "reason", "reason-note", "issues", "use"}

func (s *similarFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&s.on, "similar", false, "also list the comparable decided matters ipcased keeps (类案), their spread and the SPC retrieval report; needs the server")
	fs.StringVar(&s.facts, "facts", "", "with --similar: the facts of the matter at hand in Chinese, compared by text similarity")
	fs.StringVar(&s.region, "region", "", "with --similar: the province of the deciding agency or court, e.g. 浙江; its matters rank first")
	fs.StringVar(&s.decider, "decider", "", "with --similar: the deciding agency or court; its own matters rank first")
	fs.Int32Var(&s.limit, "limit", 0, "with --similar: how many matters to list, 1 to 50 (0: 10)")
	fs.StringVar(&s.baseFactor, "base-factor", "", "with --similar: how far the base may differ, e.g. 3 for a third to three times (empty: 3)")
	fs.StringVar(&s.reason, "reason", "", "with --similar: why a court searches (SPC guidance 2020 item 2): "+strings.Join(reasonNames, ", "))
	fs.StringVar(&s.reasonNote, "reason-note", "", "with --similar: what the situation is, needed with --reason other")
	fs.StringVar(&s.issues, "issues", "", "with --similar: the points in dispute of the matter at hand, for the report")
	fs.StringArrayVar(&s.uses, "use", nil, "with --similar, repeatable: how a listed case was used, MATTER=referred[:NOTE] or MATTER=not-used:NOTE")
}

// reasonNames are the CLI spellings of item 2's situations, in order.
var reasonNames = []string{"committee", "no-uniform-rule", "president-ordered", "other"}

var reasonValues = map[string]ipcasev1.SimilarCasesReason{
	"committee":         ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_COMMITTEE,
	"no-uniform-rule":   ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_NO_UNIFORM_RULE,
	"president-ordered": ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_PRESIDENT_ORDERED,
	"other":             ipcasev1.SimilarCasesReason_SIMILAR_CASES_REASON_OTHER,
}

var usageValues = map[string]ipcasev1.SimilarCaseUsage{
	"referred": ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_REFERRED,
	"not-used": ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_NOT_USED,
	"followed": ipcasev1.SimilarCaseUsage_SIMILAR_CASE_USAGE_FOLLOWED, // refused by the server, which says why
}

// query is the request's similar field: nil without --similar. The
// offline calculation keeps no decided matters, so --similar with --local
// is a usage error, as is a --similar-only flag without --similar.
func (s *similarFlags) query(cmd *cobra.Command, local bool) (*ipcasev1.SimilarCasesQuery, error) {
	if !s.on {
		if set := flagChanged(cmd.Flags(), similarOnly...); len(set) > 0 {
			return nil, usagef("%s only work with --similar", strings.Join(set, ", "))
		}
		return nil, nil
	}
	if local {
		return nil, usagef("--similar asks ipcased for the decided matters it keeps, which the offline calculation has none of: leave out --local")
	}
	q := &ipcasev1.SimilarCasesQuery{Facts: s.facts, Region: s.region, Decider: s.decider, Limit: s.limit, BaseFactor: s.baseFactor,
		ReasonNote: s.reasonNote, Issues: s.issues}
	if s.reason != "" {
		r, ok := reasonValues[strings.ToLower(s.reason)]
		if !ok {
			return nil, usagef("--reason: %q is not one of %s", s.reason, strings.Join(reasonNames, ", "))
		}
		q.Reason = r
	}
	for i, u := range s.uses {
		matter, rest, ok := strings.Cut(u, "=")
		usage, note, _ := strings.Cut(rest, ":")
		v, known := usageValues[strings.ToLower(usage)]
		if !ok || matter == "" || !known {
			return nil, usagef("--use #%d: %q is not MATTER=referred[:NOTE] or MATTER=not-used:NOTE", i+1, u)
		}
		if !strings.HasPrefix(matter, "matters/") {
			matter = "matters/" + matter
		}
		q.Uses = append(q.Uses, &ipcasev1.SimilarCaseUse{Matter: matter, Usage: v, Note: note})
	}
	return q, nil
}

// similarFlagNames name the flag behind each SimilarCasesQuery field, for
// refusal messages; both calculators' maps include them.
var similarFlagNames = map[string]string{
	"similar":             "--similar",
	"similar.facts":       "--facts",
	"similar.region":      "--region",
	"similar.decider":     "--decider",
	"similar.limit":       "--limit",
	"similar.base_factor": "--base-factor",
	"similar.reason":      "--reason",
	"similar.reason_note": "--reason-note",
	"similar.issues":      "--issues",
	"similar.uses":        "--use",
	"similar.uses.matter": "--use",
	"similar.uses.usage":  "--use",
	"similar.uses.note":   "--use",
}

// damagesWithSimilar and fineWithSimilar are the JSON output of a
// calculation with its similar cases: the calculation's own fields, and
// "similar" in the API's JSON form.
type damagesWithSimilar struct {
	damages.Result
	Similar json.RawMessage `json:"similar"`
}

type fineWithSimilar struct {
	damages.FineResult
	Similar json.RawMessage `json:"similar"`
}

// similarJSON is sim in the API's JSON form (protojson: lowerCamelCase,
// enums by name), for embedding in the CLI's JSON.
func similarJSON(sim *ipcasev1.SimilarCases) (json.RawMessage, error) {
	b, err := protojson.MarshalOptions{EmitUnpopulated: true}.Marshal(sim)
	if err != nil {
		return nil, &failure{fmt.Errorf("encoding the similar cases: %w", err)}
	}
	return b, nil
}

// writeSimilar prints the comparable cases as a table, their spread, the
// divergence note and the retrieval report.
func writeSimilar(b *bytes.Buffer, sim *ipcasev1.SimilarCases) error {
	of := itoa(int(sim.GetCandidates()))
	if sim.GetMoreCandidates() {
		of = "more than " + of
	}
	fmt.Fprintf(b, "\nSimilar decided matters (类案): %d listed of %s with the same IP type, law and base band\n", len(sim.GetCases()), of)
	if len(sim.GetCases()) > 0 {
		rows := [][]string{{"#", "Case", "Decider", "Decided", "Outcome", "Similarity", "Why"}}
		for i, c := range sim.GetCases() {
			rows = append(rows, []string{itoa(i + 1), c.GetNumber(), c.GetDecider(), c.GetDecidedOn(), caseOutcome(c),
				itoa(int(c.GetRelevance())), c.GetReason()})
		}
		writeAligned(b, "  ", rows)
		b.WriteString("\nSpread\n")
		t := newTable(b)
		t.printf("  \tQ1\tmedian\tQ3\n")
		for _, s := range []struct {
			name string
			sp   *ipcasev1.Spread
			yuan bool
		}{{"amount", sim.GetAmountYuan(), true}, {"multiple", sim.GetMultiple(), false}, {"share of range", sim.GetRangeShare(), false}} {
			if s.sp.GetMedian() == "" {
				continue
			}
			v := func(x string) string {
				if s.yuan {
					return figureValue(x)
				}
				return x
			}
			t.printf("  %s\t%s\t%s\t%s\n", s.name, v(s.sp.GetQ1()), v(s.sp.GetMedian()), v(s.sp.GetQ3()))
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	if d := sim.GetDivergence(); d != "" {
		fmt.Fprintf(b, "\nDivergence: %s\n", d)
	}
	fmt.Fprintf(b, "\nReport\n%s\n", indentLines(sim.GetReport(), "  "))
	return nil
}

// caseOutcome is a case's outcome in the table's words: the fine or the
// award, a fine's place in its range, and the multiple.
func caseOutcome(c *ipcasev1.SimilarCase) string {
	amount := c.GetAmountYuan()
	if f, err := damages.ParseYuan(amount); err == nil {
		amount = grouped(f)
	}
	what := "award"
	if c.GetRangeShare() != "" || strings.Contains(c.GetOutcome(), "罚款") {
		what = "fine"
	}
	s := what + " " + amount
	if r := c.GetRangeShare(); r != "" {
		s += ", " + r + " of range"
	}
	if m := c.GetMultiple(); m != "" {
		s += ", ×" + strings.TrimRight(strings.TrimRight(m, "0"), ".")
	}
	return s
}

// indentLines prefixes each line of s.
func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// writeAligned writes rows in columns two spaces apart, each line after
// prefix. Unlike tabwriter, it measures a cell by its width on a terminal,
// where a Chinese character takes two columns (Unicode East Asian Width).
func writeAligned(b *bytes.Buffer, prefix string, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		b.WriteString(prefix)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
}

// displayWidth is the number of terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
