package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
)

// printDamages writes res as JSON (the documented scripting format: the
// JSON form of damages.Result, with "similar" when sim is set) or as a
// table followed by the steps, the citations and the similar cases.
func printDamages(cfg *config, res damages.Result, sim *ipcasev1.SimilarCases) error {
	// A list the server sent empty arrives as nil; print [] either way, so
	// --local and remote output stay byte for byte the same.
	res.Citations, res.Steps = nonNil(res.Citations), nonNil(res.Steps)
	if res.Periods == nil {
		res.Periods = []damages.PeriodResult{}
	}
	if res.Figures == nil {
		res.Figures = []damages.Figure{}
	}
	if cfg.output == outputJSON {
		if sim != nil {
			js, err := similarJSON(sim)
			if err != nil {
				return err
			}
			return writeJSON(cfg.stdout, damagesWithSimilar{res, js})
		}
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
	figs := []damages.Fen{res.Base, res.Punitive, res.Damages, res.Expenses, res.Total}
	if res.CourtFee != nil {
		figs = append(figs, res.CourtFee.Fee)
	}
	for _, d := range res.Defendants {
		figs = append(figs, d.Owes)
	}
	amounts := newAmounts(figs...)
	var b bytes.Buffer
	t := newTable(&b)
	t.printf("Law\t%s\n", res.Law)
	t.printf("Formula\t%s\n", formula)
	if s := res.Statutory; s != nil {
		t.printf("Statutory range\t%s – %s\n", grouped(s.Min), grouped(s.Max))
	}
	t.printf("Base\t%s\tbase × contribution\n", amounts.col(res.Base))
	t.printf("Punitive\t%s\n", amounts.col(res.Punitive))
	t.printf("Damages\t%s\tbefore the claim cap, without expenses\n", amounts.col(res.Damages))
	t.printf("Expenses\t%s\n", amounts.col(res.Expenses))
	t.printf("Total\t%s\t%s\n", amounts.col(res.Total), capped)
	if f := res.CourtFee; f != nil {
		t.printf("Court fee\t%s\ton the claim %s\n", amounts.col(f.Fee), grouped(f.Claim))
	}
	for _, d := range res.Defendants {
		t.printf("Defendant %s\t%s\town share %s (%s)\n", d.Name, amounts.col(d.Owes), grouped(d.Internal), res.Liability)
	}
	if err := t.flush(); err != nil {
		return err
	}
	if err := writeFigures(&b, res.Figures); err != nil {
		return err
	}
	writeList(&b, "Steps", res.Steps, true)
	writeList(&b, "Citations", res.Citations, false)
	if sim != nil {
		if err := writeSimilar(&b, sim); err != nil {
			return err
		}
	}
	return write(cfg.stdout, b.Bytes())
}

// writeFigures lists every figure with the article that produced it.
func writeFigures(b *bytes.Buffer, figs []damages.Figure) error {
	if len(figs) == 0 {
		return nil
	}
	b.WriteString("\nFigures and the articles behind them:\n")
	t := newTable(b)
	for _, f := range figs {
		t.printf("  %s\t%s\t%s\n", f.Name, f.Value, f.Article)
	}
	return t.flush()
}

// printFine is printDamages for a fine: the figures, each with the article
// that produced it, then the flags, the steps, the citations and the
// similar cases.
func printFine(cfg *config, res damages.FineResult, sim *ipcasev1.SimilarCases) error {
	res.Citations, res.Steps = nonNil(res.Citations), nonNil(res.Steps)
	if res.Figures == nil {
		res.Figures = []damages.Figure{}
	}
	if cfg.output == outputJSON {
		if sim != nil {
			js, err := similarJSON(sim)
			if err != nil {
				return err
			}
			return writeJSON(cfg.stdout, fineWithSimilar{res, js})
		}
		return writeJSON(cfg.stdout, res)
	}
	var b bytes.Buffer
	t := newTable(&b)
	t.printf("Law\t%s\n", res.Law)
	t.printf("Rule\t%s\n", res.Rule)
	if err := t.flush(); err != nil {
		return err
	}
	b.WriteString("\nFigures\n")
	t = newTable(&b)
	for _, f := range res.Figures {
		t.printf("  %s\t%s\t%s\n", f.Name, figureValue(f.Value), f.Article)
	}
	if err := t.flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	t = newTable(&b)
	t.printf("Hearing required\t%s\n", yesNo(res.HearingRequired))
	t.printf("Heavier penalty\t%s\n", yesNo(res.Heavier))
	t.printf("Lighter later law\t%s\n", yesNo(res.LighterLaterLaw))
	t.printf("Innocent seller\t%s\n", yesNo(res.InnocentSeller))
	t.printf("No penalty\t%s\n", yesNo(res.NoPenalty))
	t.printf("Criminal transfer\t%s\n", yesNo(res.CriminalTransfer))
	if res.CriminalInterpretation != "" {
		t.printf("Criminal thresholds\t%s (%s)\n", res.CriminalInterpretation, res.CriminalAct.Article())
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, r := range res.CriminalRules {
		fmt.Fprintf(&b, "  - %s\n", r)
	}
	writeList(&b, "Steps", res.Steps, true)
	writeList(&b, "Citations", res.Citations, false)
	if sim != nil {
		if err := writeSimilar(&b, sim); err != nil {
			return err
		}
	}
	return write(cfg.stdout, b.Bytes())
}

// figureValue groups a yuan figure ("250000.00" → "250,000.00") and leaves
// dates and counts as they are.
func figureValue(v string) string {
	if !strings.Contains(v, ".") {
		return v
	}
	f, err := damages.ParseYuan(v)
	if err != nil {
		return v
	}
	return grouped(f)
}

// table lines up the tab-separated cells of the lines printed to it
// (text/tabwriter, two spaces between columns). It keeps the first error a
// write met, so that a render function prints its rows and checks once, at
// flush.
type table struct {
	tw  *tabwriter.Writer
	out io.Writer // where printf writes: tw, or a writer in front of it
	err error
}

func newTable(w io.Writer) *table {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	return &table{tw: tw, out: tw}
}

// printf prints whole lines (format ends in "\n") to the table.
func (t *table) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.out, format, args...)
	}
}

// flush writes the table out and returns the first error, as a failure.
func (t *table) flush() error {
	if err := t.tw.Flush(); t.err == nil {
		t.err = err
	}
	if t.err != nil {
		return &failure{t.err}
	}
	return nil
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
