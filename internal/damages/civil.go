package damages

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
)

// Period is one stretch of infringing conduct with its own compensatory
// base. The periods of a request are one continuing act unless
// Request.SeparateActs says otherwise: the whole act is then compensated
// under the clause in force when it ended (see Request.SeparateActs), and a
// period may straddle the day a new clause took effect. Only the punitive
// part follows the clause in force during the conduct, so a period that
// takes a multiple must lie under one clause: Calculate refuses one that
// straddles a boundary rather than apportioning its base by days, which
// would invent a rule; Boundaries says where to split.
type Period struct {
	// Start and End are the first and last day of the conduct, inclusive.
	Start, End civil.Date
	// BaseKind and Base are how the base was determined and its amount;
	// both stay empty in a statutory-damages request.
	BaseKind BaseKind
	Base     Fen
	// Contribution is the share of the base the right contributed, e.g.
	// 0.35 for a 35 % brand contribution (as in Baidu v 京百度
	// (2022)京民终170号); zero means 1.
	Contribution Ratio
	// Proven lists the base kinds that could be determined for this
	// period. Under a strict-order clause a later BaseKind is refused when
	// an earlier kind is listed.
	Proven []BaseKind
	// Multiple, if set, overrides Request.Multiple for this period (e.g. a
	// lower multiple for the part under a 1–3× clause).
	Multiple Ratio
}

func (p Period) isZero() bool {
	return p.Start.IsZero() && p.End.IsZero() && p.BaseKind == 0 && p.Base == 0 &&
		p.Contribution.IsZero() && len(p.Proven) == 0 && p.Multiple.IsZero()
}

// Request is the input of Calculate and maps onto the DamagesService
// request message; field paths in InputError use the snake_case names
// given in each comment.
type Request struct {
	IPType IPType // ip_type
	// Period (period) is the single-period convenience; Periods (periods)
	// lists periods in date order without overlap. Give one or the other.
	Period  Period
	Periods []Period

	// Statutory (statutory) asks for statutory damages, allowed only when
	// no base can be determined; the Result then carries the statutory
	// range, and StatutoryAmount (statutory_amount), if set, is the amount
	// chosen within it. Statutory damages are never multiplied.
	Statutory       bool
	StatutoryAmount Fen

	// Multiple (multiple) asks for punitive damages at this multiple on
	// every period under a clause that has one; zero means none. Formula
	// (formula) defaults to Additive.
	Multiple Ratio
	Formula  Formula
	// Intentional (intentional) and Serious (serious) are the court's
	// findings that punitive damages need; IntentFactors (intent_factors,
	// Fa Shi [2021] No. 4 Art. 3) and SeriousFactors (serious_factors,
	// Art. 4) are echoed in the steps.
	Intentional    bool
	Serious        bool
	IntentFactors  []IntentFactor
	SeriousFactors []SeriousFactor

	// Expenses (expenses) are the reasonable expenses to stop the
	// infringement, added outside the base (Fa Shi [2021] No. 4 Art. 5).
	Expenses Fen

	// The plaintiff's claim caps the award: either ClaimTotal (claim_total)
	// for damages and expenses together, or ClaimDamages (claim_damages)
	// and ClaimExpenses (claim_expenses) separately. All zero: no cap.
	ClaimTotal    Fen
	ClaimDamages  Fen
	ClaimExpenses Fen

	// PaidFine (paid_fine) is an administrative or criminal fine already
	// paid for the same act. It does not reduce the award and is only
	// noted (Fa Shi [2021] No. 4 Art. 6).
	PaidFine Fen

	// SeparateActs (separate_acts) says the periods are separate acts, each
	// compensated under the clause in force during it (Legislation Law 2023
	// Art. 104). By default they are one continuing act, compensated under
	// the clause in force when it ended, with one statutory range — the
	// majority reading of SPC Interpretation on Copyright Civil Disputes
	// (2020) Art. 29, Fa Shi [2014] No. 4 Art. 9 and Fa Shi [2020] No. 15
	// Art. 1 ¶3 — while the punitive part of each period follows the clause
	// in force during it.
	SeparateActs bool

	// BooksWithheld (books_withheld): the infringer, ordered to produce its
	// books, refused or produced false ones, and the base (the infringer's
	// profit) was fixed by reference to the holder's claim and evidence
	// (e.g. Trademark Law 2019 Art. 63 ¶2, Patent Law 2020 Art. 71 ¶4; for
	// the punitive base Fa Shi [2021] No. 4 Art. 5 ¶3).
	BooksWithheld bool

	// PunitiveClaim (punitive_claim) is whether and when the plaintiff
	// claimed punitive damages (Fa Shi [2021] No. 4 Art. 2); a multiple
	// needs a timely claim.
	PunitiveClaim PunitiveClaim

	// PlantVarietyFactors (plant_variety_factors) are the serious cases of
	// SPC Plant Variety Provisions (II) Art. 17 ¶1 found by the court.
	PlantVarietyFactors []PlantVarietyFactor

	// Liability (liability) and Defendants (defendants) apportion the total
	// among several defendants; both empty for one defendant.
	Liability  Liability
	Defendants []Defendant
}

// PeriodResult is one period's share of a Result. Its figures are each
// rounded once from exact values, so they may not add up to the Result's
// totals to the fen.
type PeriodResult struct {
	Start         civil.Date `json:"start"`
	End           civil.Date `json:"end"`
	Law           string     `json:"law"`
	BaseKind      BaseKind   `json:"baseKind"`
	Base          Fen        `json:"base"`
	Contribution  Ratio      `json:"contribution"`
	EffectiveBase Fen        `json:"effectiveBase"` // base × contribution
	Multiple      Ratio      `json:"multiple,omitzero"`
	// PunitiveLaw is the clause whose multiple applied (in force during the
	// period); empty without punitive damages. Law is the clause that
	// compensates the period.
	PunitiveLaw string `json:"punitiveLaw,omitempty"`
	Punitive    Fen    `json:"punitive"`
	Damages     Fen    `json:"damages"`
}

// Result is the outcome of Calculate; its JSON form is the CLI's output.
type Result struct {
	// Base is the sum of the periods' effective bases (after contribution).
	Base Fen `json:"base"`
	// Punitive is the uplift over Base: base × m under Additive, base × m −
	// base under Multiplicative.
	Punitive Fen `json:"punitive"`
	// Damages is Base + Punitive (or the statutory amount), before the
	// claim cap and without expenses.
	Damages  Fen `json:"damages"`
	Expenses Fen `json:"expenses"`
	// Total is Damages + Expenses after the claim cap; CappedByClaim says
	// whether the cap bit.
	Total         Fen  `json:"total"`
	CappedByClaim bool `json:"cappedByClaim"`
	// Formula is the punitive formula applied, FormulaUnspecified if no
	// punitive damages were awarded; NoUplift flags Multiplicative with a
	// multiple of 1, which awards nothing above the base.
	Formula  Formula `json:"formula"`
	NoUplift bool    `json:"noUplift"`
	// Statutory is the statutory range, set only for a statutory-damages
	// result; Damages is then the amount chosen within it (0 if none).
	Statutory *StatutoryRange `json:"statutory,omitempty"`
	// Law names the clause versions applied, e.g. "Trademark Law 2019,
	// Art. 63", joined by "; ".
	Law       string         `json:"law"`
	Citations []string       `json:"citations"`
	Periods   []PeriodResult `json:"periods"`
	// Figures lists every figure with the article that produced it, in the
	// order of the derivation.
	Figures []Figure `json:"figures"`
	// CourtFee is the case acceptance fee on the claim; nil without a claim.
	CourtFee *CourtFee `json:"courtFee,omitempty"`
	// Liability and Defendants apportion Total among several defendants.
	Liability  Liability        `json:"liability,omitzero"`
	Defendants []DefendantShare `json:"defendants,omitempty"`
	// Steps is the derivation, one human-readable line per step.
	Steps []string `json:"steps"`
}

// Figure is one figure of a Result or a FineResult with the statute and
// article that produced it. Value is an amount in yuan ("350000.00"), a
// multiple ("2.5"), a range ("500.00–5000000.00"), a date or a count.
type Figure struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Article string `json:"article"`
}

// StatutoryRange is the statutory-damages range of the clause applied;
// Min may be 0 (no minimum).
type StatutoryRange struct {
	Min Fen `json:"min"`
	Max Fen `json:"max"`
}

// plan is a validated period with the clause that compensates it (v), the
// clause in force during it (pv: its punitive part follows this one), the
// first version boundary it straddles (zero if none) and the multiple
// applied to it (zero: compensatory only).
type plan struct {
	field    string
	p        Period
	v, pv    Version
	straddle civil.Date
	m        Ratio
}

// Calculate computes civil damages for req under the clause versions in
// force during each period of conduct. It returns InputErrors naming every
// refused field: an unknown IP type, conduct before the earliest encoded
// version, a period straddling a version boundary, a base kind out of
// statutory order, a multiple outside the clause's range or without the
// intent and seriousness findings, a statutory amount outside the range, and
// malformed amounts or dates.
func Calculate(req Request) (Result, error) {
	var rf refusals
	periods, fields := req.periodList(&rf)
	checkRequest(req, periods, fields, &rf)
	if rf.any() {
		return Result{}, rf.err()
	}
	plans := resolveVersions(req, periods, fields, &rf)
	if rf.any() {
		return Result{}, rf.err()
	}
	if req.Statutory {
		checkStatutory(req, plans, &rf)
	} else {
		checkBases(req, plans, &rf)
		checkPunitive(req, plans, &rf)
	}
	checkExpenses(req, plans, &rf)
	if rf.any() {
		return Result{}, rf.err()
	}
	return compute(req, plans)
}

// compute turns validated plans into a Result; see the package doc for
// where it rounds.
func compute(req Request, plans []plan) (Result, error) {
	var (
		res     Result
		ex      explainer
		sumBase = new(big.Rat)
		sumDmg  = new(big.Rat)
		anyPun  bool
	)
	formula := req.Formula
	if formula == FormulaUnspecified {
		formula = Additive
	}
	ex.header(req, plans)
	for _, pl := range plans {
		pr := PeriodResult{Start: pl.p.Start, End: pl.p.End, Law: pl.v.Name(), BaseKind: pl.p.BaseKind,
			Base: pl.p.Base, Contribution: pl.p.Contribution, Multiple: pl.m}
		if pr.Contribution.IsZero() {
			pr.Contribution = oneTimes
		}
		eb := new(big.Rat).Mul(pl.p.Base.rat(), pr.Contribution.rat())
		dmg := new(big.Rat).Set(eb)
		if !pl.m.IsZero() {
			anyPun = true
			pr.PunitiveLaw = pl.pv.Name()
			if formula == Additive {
				dmg.Add(eb, new(big.Rat).Mul(eb, pl.m.rat())) // base + base × m
			} else {
				dmg.Mul(eb, pl.m.rat()) // base × m
				res.NoUplift = res.NoUplift || pl.m.Cmp(oneTimes) == 0
			}
		}
		sumBase.Add(sumBase, eb)
		sumDmg.Add(sumDmg, dmg)
		var err error
		if pr.EffectiveBase, err = roundHalfUp(eb); err != nil {
			return Result{}, err
		}
		if pr.Damages, err = roundHalfUp(dmg); err != nil {
			return Result{}, err
		}
		pr.Punitive = pr.Damages - pr.EffectiveBase
		res.Periods = append(res.Periods, pr)
		ex.period(req, len(res.Periods), pl, pr, formula)
	}
	var err error
	if res.Base, err = roundHalfUp(sumBase); err != nil {
		return Result{}, err
	}
	if res.Damages, err = roundHalfUp(sumDmg); err != nil {
		return Result{}, err
	}
	res.Punitive = res.Damages - res.Base
	if anyPun {
		res.Formula = formula
	} else if req.Formula != FormulaUnspecified {
		ex.stepf("Formula %s was given, but no punitive damages apply; it has no effect", req.Formula)
	}
	if req.Statutory {
		v := plans[0].v
		res.Statutory = &StatutoryRange{Min: v.StatutoryMin, Max: v.StatutoryMax}
		res.Damages = req.StatutoryAmount
		ex.statutory(req, v)
	} else {
		ex.totals(res, formula, plans)
		ex.plantVariety(req, res, formula)
	}
	res.Expenses = req.Expenses
	ex.expenses(req, res.Damages, plans[len(plans)-1].v)
	res.Total, res.CappedByClaim = applyClaim(req, res.Damages, &ex)
	if claim := req.claimAmount(); claim > 0 {
		fee, err := courtFee(claim, &ex)
		if err != nil {
			return Result{}, err
		}
		res.CourtFee = &fee
		ex.figure(feeFigure(fee))
	}
	if res.Defendants, err = apportion(req, res.Total, &ex); err != nil {
		return Result{}, err
	}
	res.Liability = req.Liability
	for _, f := range defendantFigures(req.Liability, res.Defendants) {
		ex.figure(f)
	}
	ex.paidFine(req)
	res.Law = lawNames(plans)
	res.Citations, res.Steps, res.Figures = ex.cites.list, ex.steps, ex.figures
	return res, nil
}

// citeClaimCap is the rule behind the claim cap: a judgment that goes beyond
// the claims is a ground for retrial, so a court awards no more than the
// plaintiff claims (不告不理).
const citeClaimCap = "Civil Procedure Law 2023 Art. 211(11): a judgment that goes beyond the claims (超出诉讼请求) is a ground for retrial, so the award does not exceed the plaintiff's claim"

// applyClaim caps damages + expenses at the plaintiff's claim
// (citeClaimCap).
func applyClaim(req Request, damages Fen, ex *explainer) (total Fen, capped bool) {
	total = damages + req.Expenses
	switch {
	case req.ClaimTotal > 0:
		if total > req.ClaimTotal {
			ex.stepf("Claim cap: damages + expenses %s exceed the combined claim %s; the award is capped at %s (Civil Procedure Law 2023 Art. 211(11))",
				total.grouped(), req.ClaimTotal.grouped(), req.ClaimTotal.grouped())
			total, capped = req.ClaimTotal, true
		} else {
			ex.stepf("Claim cap: damages + expenses %s ≤ the combined claim %s; not capped (Civil Procedure Law 2023 Art. 211(11))",
				total.grouped(), req.ClaimTotal.grouped())
		}
		ex.figure(Figure{Name: "Claim cap", Value: req.ClaimTotal.String(), Article: "Civil Procedure Law 2023 Art. 211(11) (no award beyond the claim)"})
	case req.ClaimDamages > 0:
		d, e := min(damages, req.ClaimDamages), min(req.Expenses, req.ClaimExpenses)
		capped = d < damages || e < req.Expenses
		ex.stepf("Claim cap, separately: damages %s against claim %s → %s; expenses %s against claim %s → %s; total %s%s (Civil Procedure Law 2023 Art. 211(11))",
			damages.grouped(), req.ClaimDamages.grouped(), d.grouped(), req.Expenses.grouped(),
			req.ClaimExpenses.grouped(), e.grouped(), (d + e).grouped(), cappedNote(capped))
		ex.figure(Figure{Name: "Claim cap", Value: req.ClaimDamages.String() + " + " + req.ClaimExpenses.String(), Article: "Civil Procedure Law 2023 Art. 211(11) (no award beyond the claim)"})
		total = d + e
	default:
		ex.stepf("No claim given: the total %s is not capped; a court awards no more than the plaintiff claims (Civil Procedure Law 2023 Art. 211(11))", total.grouped())
		ex.figure(Figure{Name: "Total", Value: total.String(), Article: "damages + expenses; not capped, no claim given"})
		return total, false
	}
	ex.cite(citeClaimCap)
	ex.figure(Figure{Name: "Total", Value: total.String(), Article: "damages + expenses" + cappedNote(capped) + ": Civil Procedure Law 2023 Art. 211(11)"})
	return total, capped
}

func cappedNote(capped bool) string {
	if capped {
		return " (capped by the claim)"
	}
	return " (not capped)"
}

// lawNames joins the distinct clause versions applied — those that
// compensate and those whose multiple applied — oldest first.
func lawNames(plans []plan) string {
	var vs []Version
	for _, pl := range plans {
		vs = append(vs, pl.v)
		if !pl.m.IsZero() {
			vs = append(vs, pl.pv)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].InForce.Before(vs[j].InForce) })
	var names []string
	for _, v := range vs {
		if n := v.Name(); len(names) == 0 || names[len(names)-1] != n {
			names = append(names, n)
		}
	}
	return strings.Join(names, "; ")
}

// periodField is the request path of period i.
func periodField(single bool, i int) string {
	if single {
		return "period"
	}
	return fmt.Sprintf("periods[%d]", i)
}
