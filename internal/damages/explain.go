package damages

import (
	"fmt"
	"strings"
)

// Citations that recur; each names the statute, article and paragraph, or
// for the formula, which the statutes leave open, the guideline and the
// judgments behind the reading. SOURCES.md gives the full reasoning.
const (
	citeTemporal = "Legislation Law 2023 Art. 104: laws do not apply retroactively — each period is computed under the damages clause in force during it, and punitive damages only for conduct after the punitive clause took effect (as the SPC applied the 2019 AUCL amendment in (2023)最高法知民终2467号)"
	citeBase     = "Fa Shi [2021] No. 4 Art. 5: the base is the loss, illegal gain or profit in the applicable law's order, a licence-fee multiple when those are hard to compute, and excludes reasonable expenses"
	citeCivil    = "Civil Code Art. 1185: intentional infringement with serious circumstances → punitive damages"
	citeIntent   = "Fa Shi [2021] No. 4 Art. 3: intent, and the circumstances from which it may be presumed"
	citeSerious  = "Fa Shi [2021] No. 4 Art. 4: serious circumstances"
	citeMultiple = "Fa Shi [2021] No. 4 Art. 6: the multiple follows fault and seriousness; a fine already paid does not reduce the award"
	citeMalice   = "Fa Shi [2021] No. 4 Art. 1: 恶意 (Trademark Law Art. 63, AUCL Art. 17) is included in 故意"
	citeStatute  = "Statutory damages only when loss, profit and licence fee are all hard to determine (the statutory-damages paragraph of the clause applied); they are not a punitive base: Fa Shi [2021] No. 4 Art. 5 names loss, illegal gain, profit and the licence-fee multiple as the base, not statutory damages"
	citeAdditive = "Punitive formula additive, damages = base + base × m: the statutes and Fa Shi [2021] No. 4 leave the formula open; this reading is that of the Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1 \"赔偿总额\", of SPC drafting judges in 《人民司法》 and of SPC 丹玉405 (2022)最高法知民终2907号"
	citeMultiply = "Punitive formula multiplicative, damages = base × m: the statutes and Fa Shi [2021] No. 4 leave the formula open; this reading takes the statute wording \"可以在按照上述方法确定数额的一倍以上五倍以下确定赔偿数额\" (e.g. Trademark Law 2019 Art. 63 ¶1, Patent Law 2020 Art. 71 ¶1) literally, as in SPC carbomer (2019)最高法知民终562号"
)

// citations is an ordered set.
type citations struct{ list []string }

func (c *citations) add(s string) {
	for _, x := range c.list {
		if x == s {
			return
		}
	}
	c.list = append(c.list, s)
}

// explainer accumulates a Result's steps and citations.
type explainer struct {
	steps []string
	cites citations
}

func (e *explainer) stepf(format string, args ...any) {
	e.steps = append(e.steps, fmt.Sprintf(format, args...))
}

func (e *explainer) cite(s string) { e.cites.add(s) }

// header records the clauses in play and the findings behind punitive
// damages.
func (e *explainer) header(req Request, plans []plan) {
	e.stepf("%s: %d period(s) of conduct, each under the damages clause in force during it (Legislation Law 2023 Art. 104)", req.IPType, len(plans))
	for _, pl := range plans {
		v := pl.v
		e.cite(fmt.Sprintf("%s (in force %s): %s; statutory damages %s; base %s; expenses %s — %s",
			v.Name(), v.InForce, v.multipleText(), statutoryOrNone(v), v.orderText(), yesNo(v.Expenses, "added", "not added"), v.Source))
	}
	if len(plans) > 1 {
		e.cite(citeTemporal)
	}
	if !req.Statutory {
		e.cite(citeBase)
	}
	if len(req.IntentFactors) > 0 || req.Intentional {
		e.stepf("Intent: %s%s", yesNo(req.Intentional, "found", "not found"), intentFactorList(req.IntentFactors))
	}
	if len(req.SeriousFactors) > 0 || req.Serious {
		e.stepf("Serious circumstances: %s%s", yesNo(req.Serious, "found", "not found"), seriousFactorList(req.SeriousFactors))
	}
	if anyMultipleSet(plans) {
		e.cite(citeCivil)
		e.cite(citeIntent)
		e.cite(citeSerious)
		e.cite(citeMultiple)
		if maliceBridge(plans) != "" {
			e.cite(citeMalice)
		}
	}
}

func anyMultipleSet(plans []plan) bool {
	for _, pl := range plans {
		if !pl.m.IsZero() {
			return true
		}
	}
	return false
}

// period records one period's base and damages.
func (e *explainer) period(n int, pl plan, pr PeriodResult, formula Formula) {
	head := fmt.Sprintf("Period %d (%s … %s, %s)", n, pr.Start, pr.End, pl.v.Name())
	if pl.p.BaseKind == BaseKindUnspecified {
		e.stepf("%s: no base; statutory damages", head)
		return
	}
	base := fmt.Sprintf("%s %s", pr.BaseKind.label(), pr.Base.grouped())
	if pr.Contribution.Cmp(oneTimes) != 0 {
		base += fmt.Sprintf(" × contribution %s = %s", pr.Contribution, pr.EffectiveBase.grouped())
	}
	if len(pl.p.Proven) > 0 {
		base += fmt.Sprintf(" (order: %s)", pl.v.orderText())
	}
	e.stepf("%s: base %s", head, base)
	switch {
	case !pl.m.IsZero() && formula == Additive:
		e.stepf("Period %d: punitive %s × %s = %s; damages %s + %s = %s (additive)", n,
			pr.EffectiveBase.grouped(), pl.m, pr.Punitive.grouped(),
			pr.EffectiveBase.grouped(), pr.Punitive.grouped(), pr.Damages.grouped())
	case !pl.m.IsZero():
		e.stepf("Period %d: damages %s × %s = %s (multiplicative); punitive part %s − %s = %s", n,
			pr.EffectiveBase.grouped(), pl.m, pr.Damages.grouped(),
			pr.Damages.grouped(), pr.EffectiveBase.grouped(), pr.Punitive.grouped())
	case pl.v.Punitive:
		e.stepf("Period %d: compensatory only (no multiple asked); damages %s", n, pr.Damages.grouped())
	default:
		e.stepf("Period %d: compensatory only — %s has no punitive clause; damages %s", n, pl.v.Name(), pr.Damages.grouped())
	}
}

// totals records the sums and the formula used.
func (e *explainer) totals(res Result, formula Formula, periods int) {
	if periods > 1 {
		e.stepf("Sum of periods (each total rounded once from the exact sum): base %s + punitive %s = damages %s",
			res.Base.grouped(), res.Punitive.grouped(), res.Damages.grouped())
	}
	if res.Formula == FormulaUnspecified {
		return
	}
	switch formula {
	case Additive:
		e.stepf("Formula: additive, damages = base + base × m (Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1 and SPC judgments 2023–2025; the default)")
		e.cite(citeAdditive)
	case Multiplicative:
		e.stepf("Formula: multiplicative, damages = base × m (the statute wording \"一倍以上五倍以下确定赔偿数额\" read literally; SPC carbomer (2019)最高法知民终562号)")
		e.cite(citeMultiply)
	default: // FormulaUnspecified: Calculate defaults it to Additive before calling totals
	}
	if res.NoUplift {
		e.stepf("Warning: multiplicative with a multiple of 1 awards only the base — no punitive uplift (read literally, \"一倍\" of the base is the base itself)")
	}
}

// statutory records a statutory-damages result.
func (e *explainer) statutory(req Request, v Version) {
	e.cite(citeStatute)
	if req.StatutoryAmount == 0 {
		e.stepf("Statutory damages under %s: %s; no amount chosen — the court fixes one within the range by the circumstances", v.Name(), v.statutoryText())
		return
	}
	e.stepf("Statutory damages under %s: %s; chosen amount %s is within it", v.Name(), v.statutoryText(), req.StatutoryAmount.grouped())
}

// expenses records the expense add-on.
func (e *explainer) expenses(req Request, damages Fen) {
	if req.Expenses == 0 {
		return
	}
	e.stepf("Reasonable expenses %s added outside the base (Fa Shi [2021] No. 4 Art. 5): damages %s + expenses %s = %s",
		req.Expenses.grouped(), damages.grouped(), req.Expenses.grouped(), (damages + req.Expenses).grouped())
}

// paidFine notes a fine already paid.
func (e *explainer) paidFine(req Request) {
	if req.PaidFine == 0 {
		return
	}
	e.stepf("A fine of %s already paid for the same act does not reduce the award; the court may weigh it when choosing the multiple (Fa Shi [2021] No. 4 Art. 6)",
		req.PaidFine.grouped())
	e.cite(citeMultiple)
}

func statutoryOrNone(v Version) string {
	if !v.Statutory {
		return "none"
	}
	return v.statutoryText()
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func intentFactorList(fs []IntentFactor) string {
	if len(fs) == 0 {
		return ""
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = enumName(intentFactorLabels, int(f))
	}
	return " — Fa Shi [2021] No. 4 Art. 3 factors: " + strings.Join(parts, "; ")
}

func seriousFactorList(fs []SeriousFactor) string {
	if len(fs) == 0 {
		return ""
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = enumName(seriousFactorLabels, int(f))
	}
	return " — Fa Shi [2021] No. 4 Art. 4 factors: " + strings.Join(parts, "; ")
}
