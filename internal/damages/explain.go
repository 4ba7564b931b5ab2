package damages

import (
	"fmt"
	"slices"
	"strings"
)

// Citations that recur; each names the statute, article and paragraph, or
// for the formula, which the statutes leave open, the guideline and the
// judgments behind the reading. SOURCES.md gives the full reasoning.
const (
	citeTemporal       = "Legislation Law 2023 Art. 104: laws do not apply retroactively — separate acts are each compensated under the damages clause in force during them, and punitive damages reach only conduct after the punitive clause took effect (as the SPC applied the 2019 AUCL amendment in (2023)最高法知民终2467号)"
	citeContinuing     = "One continuing act that straddles an amendment is compensated under the amended law — one award, one statutory range, the later law's (majority reading): SPC Interpretation on Copyright Civil Disputes (2020) Art. 29, SPC Interpretation on the 2013 Trademark Law amendment (Fa Shi [2014] No. 4) Art. 9, SPC Provisions on the Temporal Effect of the Civil Code (Fa Shi [2020] No. 15) Art. 1 ¶3; the punitive part only for conduct under a punitive clause, by the clause in force during it (Legislation Law 2023 Art. 104)"
	citeBase           = "Fa Shi [2021] No. 4 Art. 5: the base is the loss, illegal gain or profit in the applicable law's order, a licence-fee multiple when those are hard to compute, and excludes reasonable expenses"
	citeBooks          = "Fa Shi [2021] No. 4 Art. 5 ¶3: where the defendant, ordered to produce its books, refuses without reason or produces false ones, the court may fix the punitive base by reference to the plaintiff's claim and evidence"
	citeClaim          = "Fa Shi [2021] No. 4 Art. 2: punitive damages only on the plaintiff's claim, stated with amount, method, facts and reasons; a claim may be added before the first-instance court debate ends"
	citeCivil          = "Civil Code Art. 1185: intentional infringement with serious circumstances → punitive damages (conduct from 2021-01-01)"
	citeIntent         = "Fa Shi [2021] No. 4 Art. 3: intent, and the circumstances from which it may be presumed"
	citeSerious        = "Fa Shi [2021] No. 4 Art. 4: serious circumstances"
	citeMultiple       = "Fa Shi [2021] No. 4 Art. 6: the multiple follows fault and seriousness; a fine already paid does not reduce the award"
	citeMalice         = "Fa Shi [2021] No. 4 Art. 1: 恶意 (Trademark Law Art. 63, AUCL Art. 17) is included in 故意"
	citePlant          = "SPC Provisions on Plant Variety Infringement (II) (2021) Art. 17: further serious cases; for items (1)–(5) the punitive amount may be set at twice the base or more — \"可以\", a power, not a floor the court must apply (the reading ipcase follows: a warning, never a refusal)"
	citeStatute        = "Statutory damages only when loss, profit and licence fee are all hard to determine (the statutory-damages paragraph of the clause applied); they are not a punitive base: Fa Shi [2021] No. 4 Art. 5 names loss, illegal gain, profit and the licence-fee multiple as the base, not statutory damages"
	citeAdditive       = "Punitive formula additive, damages = base + base × m: the statutes and Fa Shi [2021] No. 4 leave the formula open; this reading is that of the Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1 \"赔偿总额\", of SPC drafting judges in 《人民司法》 and of SPC 丹玉405 (2022)最高法知民终2907号"
	citeMultiply       = "Punitive formula multiplicative, damages = base × m: the statutes and Fa Shi [2021] No. 4 leave the formula open; this reading takes the statute wording \"可以在按照上述方法确定数额的一倍以上五倍以下确定赔偿数额\" (e.g. Trademark Law 2019 Art. 63 ¶1, Patent Law 2020 Art. 71 ¶1) literally, as in SPC carbomer (2019)最高法知民终562号"
	citeTradeSecretFee = "SPC Provisions on Trade Secret Civil Cases (Fa Shi [2020] No. 7) Art. 20 ¶1: the holder's actual loss may be determined by reference to the trade-secret licence fee" //nolint:gosec // G101: a legal citation that names trade secrets, not a credential
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

// explainer accumulates a Result's steps, citations and figures.
type explainer struct {
	steps   []string
	cites   citations
	figures []Figure
}

func (e *explainer) figure(f Figure) { e.figures = append(e.figures, f) }

func (e *explainer) stepf(format string, args ...any) {
	e.steps = append(e.steps, fmt.Sprintf(format, args...))
}

func (e *explainer) cite(s string) { e.cites.add(s) }

// header records the clauses in play, the temporal reading and the
// findings behind punitive damages.
func (e *explainer) header(req Request, plans []plan) {
	e.stepf("%s: %d period(s) of conduct", req.IPType, len(plans))
	for _, v := range versionsInPlay(plans) {
		e.cite(fmt.Sprintf("%s (in force %s): %s; statutory damages %s; base %s; expenses %s — %s",
			v.Name(), v.InForce, v.multipleText(), statutoryOrNone(v), v.orderText(), yesNo(v.Expenses, "added", "not added"), v.Source))
	}
	e.temporal(req, plans)
	if !req.Statutory {
		e.cite(citeBase)
	}
	if len(req.IntentFactors) > 0 || req.Intentional {
		e.stepf("Intent: %s%s", yesNo(req.Intentional, "found", "not found"), intentFactorList(req.IntentFactors))
	}
	if len(req.SeriousFactors) > 0 || req.Serious {
		e.stepf("Serious circumstances: %s%s", yesNo(req.Serious, "found", "not found"), seriousFactorList(req.SeriousFactors))
	}
	if len(req.PlantVarietyFactors) > 0 {
		e.stepf("Plant-variety serious cases (SPC Plant Variety Provisions (II) Art. 17 ¶1): %s", plantVarietyFactorList(req.PlantVarietyFactors))
		e.cite(citePlant)
	}
	if req.PunitiveClaim != PunitiveNotClaimed {
		e.stepf("Punitive damages claimed: %s (Fa Shi [2021] No. 4 Art. 2)", req.PunitiveClaim)
	}
	if !anyMultipleSet(plans) {
		return
	}
	e.cite(citeClaim)
	if anyUnderCivilCode(plans) {
		e.cite(citeCivil)
	} else {
		e.stepf("Punitive basis: the clause's own punitive paragraph; Civil Code Art. 1185 is not applied, the conduct ended before the Civil Code took effect on 2021-01-01")
	}
	e.cite(citeIntent)
	e.cite(citeSerious)
	e.cite(citeMultiple)
	for _, pl := range plans {
		if !pl.m.IsZero() && pl.pv.IntentWord == malicious {
			e.cite(citeMalice)
		}
		if !pl.m.IsZero() && pl.pv.IntentWord == "" {
			e.stepf("Period %s … %s: %s names serious circumstances only, no mental state%s", pl.p.Start, pl.p.End,
				pl.pv.cite(pl.pv.Paras.Punitive), yesNo(underCivilCode(pl.p), "; intent is needed because the conduct reaches 2021-01-01 (Civil Code Art. 1185)", ""))
		}
	}
}

// temporal records which law compensates the conduct, and why.
func (e *explainer) temporal(req Request, plans []plan) {
	spans := false
	for _, pl := range plans {
		spans = spans || pl.pv.Name() != pl.v.Name() || !pl.straddle.IsZero()
	}
	switch {
	case req.SeparateActs && len(plans) > 1:
		e.stepf("Separate acts: each period is compensated under the damages clause in force during it (Legislation Law 2023 Art. 104)")
		e.cite(citeTemporal)
	case req.SeparateActs:
	case spans:
		v := plans[0].v
		e.stepf("One continuing act that ended under %s: the whole act is compensated under it, with one statutory range (%s) — the majority reading of SPC Interpretation on Copyright Civil Disputes (2020) Art. 29, Fa Shi [2014] No. 4 Art. 9 and Fa Shi [2020] No. 15 Art. 1 ¶3; any punitive part follows the clause in force during the conduct",
			v.Name(), statutoryOrNone(v))
		e.cite(citeContinuing)
	default:
		e.stepf("All conduct under %s, in force %s", plans[0].v.Name(), plans[0].v.InForce)
	}
}

// versionsInPlay lists the distinct clauses that compensate a period or
// were in force during one, oldest first.
func versionsInPlay(plans []plan) []Version {
	var vs []Version
	seen := map[string]bool{}
	add := func(v Version) {
		if !seen[v.Name()] {
			seen[v.Name()] = true
			vs = append(vs, v)
		}
	}
	for _, pl := range plans {
		add(pl.pv) // in force during the conduct: it decides the punitive part
		add(pl.v)
	}
	slices.SortStableFunc(vs, func(a, b Version) int { return a.InForce.Compare(b.InForce) })
	return vs
}

func anyMultipleSet(plans []plan) bool {
	for _, pl := range plans {
		if !pl.m.IsZero() {
			return true
		}
	}
	return false
}

func anyUnderCivilCode(plans []plan) bool {
	for _, pl := range plans {
		if !pl.m.IsZero() && underCivilCode(pl.p) {
			return true
		}
	}
	return false
}

// period records one period's base and damages, with a figure for each.
func (e *explainer) period(req Request, n int, pl plan, pr PeriodResult, formula Formula) {
	head := fmt.Sprintf("Period %d (%s … %s, %s)", n, pr.Start, pr.End, pl.v.Name())
	if pl.p.BaseKind == BaseKindUnspecified {
		e.stepf("%s: no base; statutory damages", head)
		return
	}
	v := pl.v
	base := fmt.Sprintf("%s %s", pr.BaseKind.label(), pr.Base.grouped())
	article := v.cite(v.Paras.Base)
	if !pl.m.IsZero() {
		article += "; punitive base: Fa Shi [2021] No. 4 Art. 5"
	}
	if pl.p.BaseKind == LicenceFee && !v.LicenceFee && v.LicenceAsLoss != "" {
		base += " as the measure of actual loss (SPC Trade Secret Provisions 2020 Art. 20 ¶1)"
		article += "; SPC Trade Secret Provisions 2020 Art. 20 ¶1"
		e.cite(citeTradeSecretFee)
	}
	if req.BooksWithheld {
		base += fmt.Sprintf(", fixed from the holder's claim and evidence because the infringer withheld its books (%s)", booksRule(v))
		article += "; " + booksRule(v)
		e.cite("Books withheld: " + booksRule(v) + " — the court may fix the infringer's profit by reference to the holder's claim and evidence")
		if !pl.m.IsZero() {
			article += "; Fa Shi [2021] No. 4 Art. 5 ¶3"
			e.cite(citeBooks)
		}
	}
	if pr.Contribution.Cmp(oneTimes) != 0 {
		base += fmt.Sprintf(" × contribution %s = %s", pr.Contribution, pr.EffectiveBase.grouped())
		article += "; contribution rate as in Baidu v 京百度 (2022)京民终170号"
	}
	if len(pl.p.Proven) > 0 {
		base += fmt.Sprintf(" (order: %s)", v.orderText())
	}
	e.stepf("%s: base %s", head, base)
	e.figure(Figure{Name: fmt.Sprintf("Period %d base", n), Value: pr.EffectiveBase.String(), Article: article})
	pun := pl.pv.cite(pl.pv.Paras.Punitive)
	switch {
	case !pl.m.IsZero() && formula == Additive:
		e.stepf("Period %d: punitive %s × %s = %s; damages %s + %s = %s (additive; multiple under %s)", n,
			pr.EffectiveBase.grouped(), pl.m, pr.Punitive.grouped(),
			pr.EffectiveBase.grouped(), pr.Punitive.grouped(), pr.Damages.grouped(), pun)
	case !pl.m.IsZero():
		e.stepf("Period %d: damages %s × %s = %s (multiplicative; multiple under %s); punitive part %s − %s = %s", n,
			pr.EffectiveBase.grouped(), pl.m, pr.Damages.grouped(), pun,
			pr.Damages.grouped(), pr.EffectiveBase.grouped(), pr.Punitive.grouped())
	case pl.pv.Punitive:
		e.stepf("Period %d: compensatory only (no multiple asked); damages %s", n, pr.Damages.grouped())
	default:
		e.stepf("Period %d: compensatory only — %s, in force during the conduct, has no punitive clause; damages %s", n, pl.pv.Name(), pr.Damages.grouped())
	}
	if !pl.m.IsZero() {
		e.figure(Figure{Name: fmt.Sprintf("Period %d multiple", n), Value: pl.m.String(), Article: pun + "; Fa Shi [2021] No. 4 Art. 6"})
		e.figure(Figure{Name: fmt.Sprintf("Period %d punitive part", n), Value: pr.Punitive.String(), Article: pun + "; " + formula.String() + " formula (" + formulaSource(formula) + ")"})
	}
}

// formulaSource names the authority of a punitive formula, shortly.
func formulaSource(f Formula) string {
	if f == Multiplicative {
		return "statute wording read literally; SPC (2019)最高法知民终562号"
	}
	return "Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1"
}

// totals records the sums and the formula used.
func (e *explainer) totals(res Result, formula Formula, plans []plan) {
	if len(plans) > 1 {
		e.stepf("Sum of periods (each total rounded once from the exact sum): base %s + punitive %s = damages %s",
			res.Base.grouped(), res.Punitive.grouped(), res.Damages.grouped())
	}
	e.figure(Figure{Name: "Damages", Value: res.Damages.String(), Article: "base + punitive part: " + lawNames(plans)})
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

// plantVariety applies SPC Plant Variety Provisions (II) Art. 17 ¶2: with
// a serious case of items (1)–(5) the punitive amount may be set at twice
// the base or more. "可以" makes it a power, so ipcase reports the figure and
// warns when the punitive part falls short, and never refuses.
func (e *explainer) plantVariety(req Request, res Result, formula Formula) {
	doubles := slices.ContainsFunc(req.PlantVarietyFactors, PlantVarietyFactor.doubles)
	if !doubles || res.Formula == FormulaUnspecified {
		if doubles {
			e.stepf("Plant-variety Art. 17 ¶2 (punitive amount at twice the base or more) does not apply: no punitive multiple was applied")
		}
		return
	}
	floor := 2 * res.Base
	e.figure(Figure{Name: "Plant-variety punitive floor", Value: floor.String(), Article: "SPC Plant Variety Provisions (II) Art. 17 ¶2 (2 × base, a power of the court)"})
	if res.Punitive >= floor {
		e.stepf("Plant-variety serious case (Provisions (II) Art. 17 ¶2): punitive part %s ≥ 2 × base %s = %s", res.Punitive.grouped(), res.Base.grouped(), floor.grouped())
		return
	}
	e.stepf("Warning: plant-variety serious case (Provisions (II) Art. 17 ¶2) lets the court set the punitive amount at 2 × base %s = %s or more; the %s multiple gives a punitive part of only %s",
		res.Base.grouped(), floor.grouped(), formula, res.Punitive.grouped())
}

// statutory records a statutory-damages result.
func (e *explainer) statutory(req Request, v Version) {
	e.cite(citeStatute)
	art := v.cite(v.Paras.Statutory)
	e.figure(Figure{Name: "Statutory range", Value: v.StatutoryMin.String() + "–" + v.StatutoryMax.String(), Article: art})
	if req.StatutoryAmount == 0 {
		e.stepf("Statutory damages under %s: %s; no amount chosen — the court fixes one within the range by the circumstances", art, v.statutoryText())
		return
	}
	e.stepf("Statutory damages under %s: %s; chosen amount %s is within it", art, v.statutoryText(), req.StatutoryAmount.grouped())
	e.figure(Figure{Name: "Damages", Value: req.StatutoryAmount.String(), Article: art + " (statutory damages, never multiplied: Fa Shi [2021] No. 4 Art. 5)"})
}

// expenses records the expense add-on, under the paragraph of v (the clause
// that compensates the act) that adds it.
func (e *explainer) expenses(req Request, damages Fen, v Version) {
	if req.Expenses == 0 {
		return
	}
	art := v.cite(v.Paras.Expenses)
	e.stepf("Reasonable expenses %s added outside the base (%s; Fa Shi [2021] No. 4 Art. 5): damages %s + expenses %s = %s",
		req.Expenses.grouped(), art, damages.grouped(), req.Expenses.grouped(), (damages + req.Expenses).grouped())
	e.figure(Figure{Name: "Expenses", Value: req.Expenses.String(), Article: art + "; outside the punitive base: Fa Shi [2021] No. 4 Art. 5"})
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

func plantVarietyFactorList(fs []PlantVarietyFactor) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = enumName(plantVarietyFactorLabels, int(f))
	}
	return strings.Join(parts, "; ")
}
