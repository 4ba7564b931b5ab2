package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ipcase/ipcase/internal/damages"
)

// printDamages writes res as JSON (the documented scripting format: the
// JSON form of damages.Result) or as a table followed by the steps and
// citations.
func printDamages(cfg *config, res damages.Result) error {
	// A list the server sent empty arrives as nil; print [] either way, so
	// --local and remote output stay byte for byte the same.
	res.Citations, res.Steps = nonNil(res.Citations), nonNil(res.Steps)
	if res.Periods == nil {
		res.Periods = []damages.PeriodResult{}
	}
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, res)
	}
	formula := res.Formula.String()
	if res.Formula == damages.FormulaUnspecified {
		formula = "none (no punitive damages)"
	}
	capped := "not capped by the claim"
	if res.CappedByClaim {
		capped = "capped by the claim"
	}
	amounts := newAmounts(res.Base, res.Punitive, res.Damages, res.Expenses, res.Total)
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Law\t%s\n", res.Law)
	fmt.Fprintf(tw, "Formula\t%s\n", formula)
	if s := res.Statutory; s != nil {
		fmt.Fprintf(tw, "Statutory range\t%s – %s\n", grouped(s.Min), grouped(s.Max))
	}
	fmt.Fprintf(tw, "Base\t%s\tbase × contribution\n", amounts.col(res.Base))
	fmt.Fprintf(tw, "Punitive\t%s\n", amounts.col(res.Punitive))
	fmt.Fprintf(tw, "Damages\t%s\tbefore the claim cap, without expenses\n", amounts.col(res.Damages))
	fmt.Fprintf(tw, "Expenses\t%s\n", amounts.col(res.Expenses))
	fmt.Fprintf(tw, "Total\t%s\t%s\n", amounts.col(res.Total), capped)
	if err := tw.Flush(); err != nil {
		return &failure{err}
	}
	writeList(&b, "Steps", res.Steps, true)
	writeList(&b, "Citations", res.Citations, false)
	return write(cfg.stdout, b.Bytes())
}

// printFine is printDamages for a fine.
func printFine(cfg *config, res damages.FineResult) error {
	res.Citations, res.Steps = nonNil(res.Citations), nonNil(res.Steps)
	if cfg.output == outputJSON {
		return writeJSON(cfg.stdout, res)
	}
	amounts := newAmounts(res.Min, res.Max, res.HearingThreshold)
	minNote := ""
	if res.Min == 0 {
		minNote = "no minimum"
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Law\t%s\n", res.Law)
	fmt.Fprintf(tw, "Rule\t%s\n", res.Rule)
	fmt.Fprintf(tw, "Minimum\t%s\t%s\n", amounts.col(res.Min), minNote)
	fmt.Fprintf(tw, "Maximum\t%s\n", amounts.col(res.Max))
	fmt.Fprintf(tw, "Hearing threshold\t%s\n", amounts.col(res.HearingThreshold))
	fmt.Fprintf(tw, "Hearing required\t%s\n", yesNo(res.HearingRequired))
	fmt.Fprintf(tw, "Heavier penalty\t%s\n", yesNo(res.Heavier))
	fmt.Fprintf(tw, "Lighter later law\t%s\n", yesNo(res.LighterLaterLaw))
	fmt.Fprintf(tw, "Criminal transfer\t%s\n", yesNo(res.CriminalTransfer))
	if err := tw.Flush(); err != nil {
		return &failure{err}
	}
	for _, r := range res.CriminalRules {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	writeList(&b, "Steps", res.Steps, true)
	writeList(&b, "Citations", res.Citations, false)
	return write(cfg.stdout, b.Bytes())
}

// amounts right-aligns a column of grouped yuan figures.
type amounts struct{ width int }

func newAmounts(fs ...damages.Fen) amounts {
	var a amounts
	for _, f := range fs {
		a.width = max(a.width, len(grouped(f)))
	}
	return a
}

func (a amounts) col(f damages.Fen) string { return fmt.Sprintf("%*s", a.width, grouped(f)) }

// grouped formats f in yuan with thousands separators: "1,275,000.00".
func grouped(f damages.Fen) string {
	s, neg := strings.CutPrefix(f.String(), "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	return b.String() + "." + frac
}

func writeList(b *bytes.Buffer, title string, items []string, numbered bool) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for i, s := range items {
		if numbered {
			fmt.Fprintf(b, "%3d. %s\n", i+1, s)
		} else {
			fmt.Fprintf(b, "  - %s\n", s)
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeJSON writes v indented, without HTML escaping, so that "<", "≥" and
// "&" in the steps read as written.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return &failure{fmt.Errorf("encoding JSON: %w", err)}
	}
	return write(w, b.Bytes())
}

func writef(w io.Writer, format string, args ...any) error {
	return write(w, fmt.Appendf(nil, format, args...))
}

func write(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return &failure{fmt.Errorf("writing output: %w", err)}
	}
	return nil
}
