package damages

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// maxPeriods bounds a request so that no sum of amounts can overflow.
const maxPeriods = 64

// periodList returns the request's periods and their field paths.
func (req Request) periodList(rf *refusals) ([]Period, []string) {
	single := !req.Period.isZero()
	switch {
	case single && len(req.Periods) > 0:
		rf.add("period", "give either period or periods, not both")
		return nil, nil
	case single:
		return []Period{req.Period}, []string{periodField(true, 0)}
	case len(req.Periods) == 0:
		rf.add("periods", "at least one period of conduct is required")
		return nil, nil
	case len(req.Periods) > maxPeriods:
		rf.add("periods", "%d periods given; at most %d are accepted", len(req.Periods), maxPeriods)
		return nil, nil
	}
	fields := make([]string, len(req.Periods))
	for i := range fields {
		fields[i] = periodField(false, i)
	}
	return req.Periods, fields
}

// checkRequest checks the shape of every field, independent of the law.
func checkRequest(req Request, periods []Period, fields []string, rf *refusals) {
	if !known(ipTypeNames, int(req.IPType)) {
		rf.add("ip_type", "required; one of %s", strings.Join(ipTypeNames[1:], ", "))
	}
	for i, p := range periods {
		f := fields[i]
		startOK := checkDate(rf, f+".start", p.Start)
		endOK := checkDate(rf, f+".end", p.End)
		if startOK && endOK && p.End.Before(p.Start) {
			rf.add(f+".end", "%s is before the start %s", p.End, p.Start)
		}
		if i > 0 && startOK && periods[i-1].End.Valid() && !periods[i-1].End.Before(p.Start) {
			rf.add(f+".start", "%s is not after %s.end %s; periods must be in date order and must not overlap",
				p.Start, fields[i-1], periods[i-1].End)
		}
		if p.BaseKind < 0 || int(p.BaseKind) >= len(baseKindNames) {
			rf.add(f+".base_kind", "unknown base kind %d", int(p.BaseKind))
		}
		checkAmount(rf, f+".base", p.Base)
		if p.Contribution.Cmp(oneTimes) > 0 {
			rf.add(f+".contribution", "%s is above 1; a contribution rate is a share of the Fa Shi [2021] No. 4 Art. 5 base in (0, 1]", p.Contribution)
		}
		for j, k := range p.Proven {
			if !known(baseKindNames, int(k)) {
				rf.add(fmt.Sprintf("%s.proven[%d]", f, j), "unknown base kind %d", int(k))
			}
		}
	}
	if req.Formula < 0 || int(req.Formula) >= len(formulaNames) {
		rf.add("formula", "unknown formula %d; use additive or multiplicative", int(req.Formula))
	}
	for j, fa := range req.IntentFactors {
		if !known(intentFactorNames, int(fa)) {
			rf.add(fmt.Sprintf("intent_factors[%d]", j), "unknown intent factor %d", int(fa))
		}
	}
	for j, fa := range req.SeriousFactors {
		if !known(seriousFactorNames, int(fa)) {
			rf.add(fmt.Sprintf("serious_factors[%d]", j), "unknown seriousness factor %d", int(fa))
		}
	}
	checkAmount(rf, "statutory_amount", req.StatutoryAmount)
	if req.StatutoryAmount != 0 && !req.Statutory {
		rf.add("statutory_amount", "given without statutory; set statutory to ask for statutory damages")
	}
	checkAmount(rf, "expenses", req.Expenses)
	checkAmount(rf, "paid_fine", req.PaidFine)
	checkClaims(req, rf)
	if req.PunitiveClaim < 0 || int(req.PunitiveClaim) >= len(punitiveClaimNames) {
		rf.add("punitive_claim", "unknown punitive claim %d", int(req.PunitiveClaim))
	}
	for j, fa := range req.PlantVarietyFactors {
		if !known(plantVarietyFactorNames, int(fa)) {
			rf.add(fmt.Sprintf("plant_variety_factors[%d]", j), "unknown plant-variety factor %d", int(fa))
		}
	}
	if len(req.PlantVarietyFactors) > 0 && req.IPType != PlantVariety {
		rf.add("plant_variety_factors", "apply only to plant varieties (SPC Plant Variety Provisions (II) Art. 17), not to %s", req.IPType)
	}
	if req.BooksWithheld && req.Statutory {
		rf.add("books_withheld", "statutory damages are set without a base; books withheld matter only where the base is the infringer's profit taken from the holder's claim and evidence")
	}
	checkDefendants(req, rf)
}

// checkClaims accepts a combined claim or separate claims, not both.
func checkClaims(req Request, rf *refusals) {
	checkAmount(rf, "claim_total", req.ClaimTotal)
	checkAmount(rf, "claim_damages", req.ClaimDamages)
	checkAmount(rf, "claim_expenses", req.ClaimExpenses)
	separate := req.ClaimDamages != 0 || req.ClaimExpenses != 0
	switch {
	case req.ClaimTotal != 0 && separate:
		rf.add("claim_total", "give a combined claim or separate claims for damages and expenses, not both")
	case separate && req.ClaimDamages == 0:
		rf.add("claim_damages", "required when the claims are given separately")
	case separate && req.Expenses > 0 && req.ClaimExpenses == 0:
		rf.add("claim_expenses", "expenses of %s are given but no expense claim; a court awards no more than claimed",
			req.Expenses.grouped())
	}
}

func checkDate(rf *refusals, field string, d civil.Date) bool {
	switch {
	case d.IsZero():
		rf.add(field, "required")
	case !d.Valid():
		rf.add(field, "%s is not a calendar date", d)
	default:
		return true
	}
	return false
}

func checkAmount(rf *refusals, field string, f Fen) {
	switch {
	case f < 0:
		rf.add(field, "%s is negative", f.grouped())
	case f > MaxAmount:
		rf.add(field, "%s exceeds the maximum %s", f.grouped(), MaxAmount.grouped())
	}
}

// resolveVersions finds the clauses of each period, refusing conduct before
// the earliest version. One continuing act (the default) is compensated
// under the clause in force on its last day; separate acts each under the
// clause in force during them, so for them a period straddling a boundary
// is refused.
func resolveVersions(req Request, periods []Period, fields []string, rf *refusals) []plan {
	ip := req.IPType
	plans := make([]plan, len(periods))
	first := Versions(ip)[0]
	later, _ := VersionAt(ip, periods[len(periods)-1].End)
	for i, p := range periods {
		v, ok := VersionAt(ip, p.Start)
		if !ok {
			rf.add(fields[i]+".start", "conduct on %s is before %s took effect on %s, the earliest damages clause encoded for %s",
				p.Start, first.Name(), first.InForce, ip)
			continue
		}
		pl := plan{field: fields[i], p: p, v: later, pv: v}
		if bs := Boundaries(ip, p.Start, p.End); len(bs) > 0 {
			pl.straddle = bs[0]
			if req.SeparateActs {
				next, _ := VersionAt(ip, bs[0])
				rf.add(fields[i], "%s … %s straddles %s, when %s took effect; separate acts each follow the law of their time, so split the period at %s (%s … %s and %s … %s) and give a base for each part (Legislation Law 2023 Art. 104)",
					p.Start, p.End, bs[0], next.Name(), bs[0], p.Start, bs[0].AddDays(-1), bs[0], p.End)
				continue
			}
		}
		if req.SeparateActs {
			pl.v = v
		}
		plans[i] = pl
	}
	return plans
}

// checkStatutory applies each clause's statutory-damages paragraph (e.g.
// Trademark Law 2019 Art. 63 ¶3): statutory damages only when no base can be
// determined, within one clause's range; and Fa Shi [2021] No. 4 Art. 5,
// which does not list them as a punitive base: never multiplied.
func checkStatutory(req Request, plans []plan, rf *refusals) {
	v := plans[0].v
	for _, pl := range plans {
		f, p := pl.field, pl.p
		if p.BaseKind != BaseKindUnspecified || p.Base != 0 || !p.Contribution.IsZero() {
			rf.add(f+".base", "statutory damages replace the base; leave base_kind, base and contribution empty (the statutory-damages paragraph of %s)", pl.v.Name())
		}
		if len(p.Proven) > 0 {
			rf.add(f+".proven", "statutory damages apply only when loss, profit and licence fee are all hard to determine, but %s was proven (%s)",
				p.Proven[0], pl.v.Name())
		}
		if !p.Multiple.IsZero() {
			rf.add(f+".multiple", "%s", statutoryNotBase)
		}
		if pl.v.Name() != v.Name() {
			rf.add("periods", "statutory damages are one amount within one clause's range, but these separate acts fall under %s and %s; ask for each act's statutory damages separately — for one continuing act leave separate_acts unset: it gets one award in the later law's range, never one per version",
				v.Name(), pl.v.Name())
			return
		}
	}
	if !req.Multiple.IsZero() {
		rf.add("multiple", "%s", statutoryNotBase)
	}
	if !v.Statutory {
		rf.add("statutory", "%s provides no statutory damages; the base is the infringer's gain or the holder's loss", v.Name())
		return
	}
	if a := req.StatutoryAmount; a != 0 && (a < v.StatutoryMin || a > v.StatutoryMax) {
		rf.add("statutory_amount", "%s is outside the statutory range %s of %s", a.grouped(), v.statutoryText(), v.Name())
	}
}

const statutoryNotBase = "punitive damages cannot be applied to statutory damages: Fa Shi [2021] No. 4 Art. 5 lists loss, profit and the licence-fee multiple as the punitive base, not statutory damages"

// checkBases requires a base per period and applies the clause's base
// order. With books withheld the base must be the infringer's profit, the
// figure the books would have shown.
func checkBases(req Request, plans []plan, rf *refusals) {
	for _, pl := range plans {
		f, p := pl.field, pl.p
		if p.BaseKind == BaseKindUnspecified {
			rf.add(f+".base_kind", "required: actual-loss, infringer-profit or licence-fee; set statutory when none can be determined")
			continue
		}
		if p.Base <= 0 {
			rf.add(f+".base", "a positive %s is required", p.BaseKind.label())
		}
		if reason := orderRefusal(pl.v, p.BaseKind, p.Proven); reason != "" {
			rf.add(f+".base_kind", "%s", reason)
		}
		if req.BooksWithheld && p.BaseKind != InfringerProfit {
			rf.add(f+".base_kind", "books_withheld is set, but the base is %s: the rule (%s) fixes the infringer's profit from the holder's claim and evidence, so the base kind must be infringer-profit",
				p.BaseKind, booksRule(pl.v))
		}
	}
}

// booksRule cites the rule on an infringer who withholds its books: the
// clause's own paragraph, else the general rule on document production
// orders.
func booksRule(v Version) string {
	if v.Paras.Books == "" {
		return citeBooksGeneral
	}
	return v.cite(v.Paras.Books)
}

const citeBooksGeneral = "SPC Interpretation on the Civil Procedure Law (2022) Art. 112: a party that refuses without reason to produce documents under its control may have their content found as the other party claims"

// checkExpenses refuses expenses under a clause that does not add them
// (every clause encoded today does).
func checkExpenses(req Request, plans []plan, rf *refusals) {
	if req.Expenses == 0 {
		return
	}
	for _, pl := range plans {
		if !pl.v.Expenses {
			rf.add("expenses", "%s does not add reasonable expenses to the award", pl.v.Name())
			return
		}
	}
}

// orderRefusal explains why kind may not be the base under v, given the
// kinds proven; "" if it may.
func orderRefusal(v Version, kind BaseKind, proven []BaseKind) string {
	if kind == LicenceFee && !v.LicenceFee {
		if v.LicenceAsLoss == "" {
			return fmt.Sprintf("licence-fee is refused: %s takes the base as %s", v.Name(), v.orderText())
		}
		kind = ActualLoss // a licence fee measuring the loss ranks as the loss
	}
	for _, given := range proven {
		k := given
		if k == LicenceFee && !v.LicenceFee {
			k = ActualLoss
		}
		if k == kind {
			continue
		}
		earlier := k < kind
		if v.Order == HolderChoice {
			earlier = kind == LicenceFee && k != LicenceFee
		}
		if earlier {
			return fmt.Sprintf("%s is refused because %s was proven: %s takes the base as %s",
				kind, given, v.Name(), v.orderText())
		}
	}
	return ""
}

// civilCodeInForce is the day the Civil Code, and with it Art. 1185 on
// punitive damages for intentional IP infringement, took effect
// (Civil Code Art. 1260). Conduct continuing past it falls under it (Fa Shi
// [2020] No. 15 Art. 1 ¶3).
var civilCodeInForce = ymd(2021, time.January, 1)

// underCivilCode reports whether the conduct of p reaches the Civil Code.
func underCivilCode(p Period) bool { return !p.End.Before(civilCodeInForce) }

// checkPunitive applies the punitive conditions (the punitive paragraph of
// each clause; Civil Code Art. 1185 for conduct from 2021-01-01; Fa Shi
// [2021] No. 4 Arts. 2–4, 6) and each clause's multiple range, and sets the
// multiple of each plan that takes one. The punitive part of a period
// follows the clause in force during it, so a period that straddles a
// version boundary takes no multiple.
func checkPunitive(req Request, plans []plan, rf *refusals) {
	var asked []*plan // periods asking for a multiple under a punitive clause
	reported := map[string]bool{}
	requestLevel := false
	for i := range plans {
		pl := &plans[i]
		m, field := req.Multiple, "multiple"
		own := !pl.p.Multiple.IsZero()
		if own {
			m, field = pl.p.Multiple, pl.field+".multiple"
		}
		if m.IsZero() {
			continue
		}
		if !pl.straddle.IsZero() {
			if b, ok := punitiveInSpan(req.IPType, pl.p); ok || own {
				next, _ := VersionAt(req.IPType, b)
				rf.add(pl.field, "%s … %s straddles %s, when %s took effect: one continuing act is compensated under %s, but its punitive part follows the clause in force during the conduct and reaches only conduct under a punitive clause; split the period at %s (%s … %s and %s … %s) and give the base of each part (Legislation Law 2023 Art. 104)",
					pl.p.Start, pl.p.End, b, next.Name(), pl.v.Name(), b, pl.p.Start, b.AddDays(-1), b, pl.p.End)
			}
			continue
		}
		if !pl.pv.Punitive {
			if own {
				rf.add(field, "%s", noPunitiveReason(req.IPType, pl.pv))
			}
			continue
		}
		requestLevel = requestLevel || !own
		asked = append(asked, pl)
		key := field + "|" + pl.pv.Name()
		switch {
		case reported[key]:
		case m.Cmp(oneTimes) < 0:
			rf.add(field, "%s is below 1×; a punitive multiple is never less than 1 (%s: \"一倍以上\")", m, pl.pv.cite(pl.pv.Paras.Punitive))
			reported[key] = true
		case m.Cmp(pl.pv.MultipleMin) < 0 || m.Cmp(pl.pv.MultipleMax) > 0:
			rf.add(field, "%s is outside the %s range of %s", m, pl.pv.multipleText(), pl.pv.cite(pl.pv.Paras.Punitive))
			reported[key] = true
		}
		pl.m = m
	}
	if !req.Multiple.IsZero() && !requestLevel && !anyPunitiveClause(plans) {
		rf.add("multiple", "%s", noPunitiveReason(req.IPType, plans[0].pv))
	}
	if len(asked) == 0 {
		return
	}
	checkPunitiveClaim(req, rf)
	if needsIntent(asked) && !req.Intentional {
		rf.add("intentional", "punitive damages need intentional infringement%s — %s, Fa Shi [2021] No. 4 Art. 3%s%s",
			intentWords(asked), punitiveBasis(asked, true), maliceBridge(asked), factorHint(len(req.IntentFactors), "Art. 3 factors", "presume intent"))
	}
	if !req.Serious {
		rf.add("serious", "punitive damages need serious circumstances (情节严重) — %s, Fa Shi [2021] No. 4 Art. 4%s",
			punitiveBasis(asked, false), factorHint(len(req.SeriousFactors)+len(req.PlantVarietyFactors), "Art. 4 factors", "find the circumstances serious"))
	}
}

// punitiveInSpan returns the first boundary inside p's conduct and whether
// any clause in force during p has a punitive multiple.
func punitiveInSpan(ip IPType, p Period) (civil.Date, bool) {
	bs := Boundaries(ip, p.Start, p.End)
	v, _ := VersionAt(ip, p.Start)
	pun := v.Punitive
	for _, b := range bs {
		w, _ := VersionAt(ip, b)
		pun = pun || w.Punitive
	}
	return bs[0], pun
}

// checkPunitiveClaim applies Fa Shi [2021] No. 4 Art. 2: punitive damages
// only on the plaintiff's claim, made in time.
func checkPunitiveClaim(req Request, rf *refusals) {
	switch req.PunitiveClaim {
	case PunitiveNotClaimed:
		rf.add("punitive_claim", "punitive damages are awarded only on the plaintiff's claim stating the amount, method, facts and reasons (Fa Shi [2021] No. 4 Art. 2 ¶1), never of the court's own motion; say when it was claimed: with-complaint or before-debate-end")
	case PunitiveAfterDebateEnd:
		rf.add("punitive_claim", "a punitive claim added after the first-instance court debate ended is out of time: Fa Shi [2021] No. 4 Art. 2 ¶2 admits an added claim only before the debate ends")
	case PunitiveOnAppeal:
		rf.add("punitive_claim", "a punitive claim first raised on appeal cannot be awarded: the appeal court may only mediate it and, failing agreement, tells the plaintiff to sue separately (Fa Shi [2021] No. 4 Art. 2 ¶2)")
	case PunitiveWithComplaint, PunitiveBeforeDebateEnd: // in time
	}
}

// needsIntent reports whether any period needs the intent finding: its
// clause names a mental state, or its conduct reaches the Civil Code, whose
// Art. 1185 requires intent (Seed Law 2015 Art. 73 ¶3 alone names serious
// circumstances only).
func needsIntent(asked []*plan) bool {
	for _, pl := range asked {
		if pl.pv.IntentWord != "" || underCivilCode(pl.p) {
			return true
		}
	}
	return false
}

// punitiveBasis cites the punitive paragraphs in play and, where some
// conduct reaches 2021-01-01, Civil Code Art. 1185; for the intent finding
// only the clauses that name a mental state.
func punitiveBasis(asked []*plan, intent bool) string {
	var parts []string
	civilCode := false
	for _, pl := range asked {
		civilCode = civilCode || underCivilCode(pl.p)
		if intent && pl.pv.IntentWord == "" {
			continue
		}
		if c := pl.pv.cite(pl.pv.Paras.Punitive); !slices.Contains(parts, c) {
			parts = append(parts, c)
		}
	}
	if civilCode {
		parts = append(parts, "Civil Code Art. 1185")
	}
	return strings.Join(parts, ", ")
}

func anyPunitiveClause(plans []plan) bool {
	for _, pl := range plans {
		if pl.pv.Punitive {
			return true
		}
	}
	return false
}

// noPunitiveReason says why v allows no punitive damages and from when the
// IP type has a punitive clause, if ever.
func noPunitiveReason(ip IPType, v Version) string {
	for _, c := range Versions(ip) {
		if c.Punitive {
			return fmt.Sprintf("%s has no punitive clause; punitive damages apply only to conduct from %s, when %s took effect (Legislation Law 2023 Art. 104)",
				v.Name(), c.InForce, c.Name())
		}
	}
	return fmt.Sprintf("%s has no punitive clause, and punitive damages apply only where a law provides for them (Civil Code Art. 179 ¶2)", v.Name())
}

// intentWords lists the mental state each punitive clause in play names.
func intentWords(asked []*plan) string {
	var words []string
	seen := map[string]bool{}
	for _, pl := range asked {
		if n := pl.pv.Name(); pl.pv.IntentWord != "" && !seen[n] {
			seen[n] = true
			words = append(words, n+": "+pl.pv.IntentWord)
		}
	}
	if len(words) == 0 {
		return ""
	}
	return " (" + strings.Join(words, "; ") + ")"
}

// maliceBridge notes Fa Shi [2021] No. 4 Art. 1 where a clause in play says
// 恶意 rather than 故意.
func maliceBridge(asked []*plan) string {
	for _, pl := range asked {
		if pl.pv.IntentWord == malicious {
			return "; the SPC reads 恶意 as included in 故意 (Fa Shi [2021] No. 4 Art. 1)"
		}
	}
	return ""
}

func factorHint(n int, what, verb string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; the %s given may let the court %s, but the finding itself must be set", what, verb)
}
