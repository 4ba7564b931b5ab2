package damages

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// apl2021 is the day the Administrative Penalty Law 2021 revision took
// effect (its Art. 86). Its Arts. 32, 33 and 36 are encoded; a decision
// before it falls under the earlier text, whose articles are not.
var apl2021 = ymd(2021, time.July, 15)

const (
	citeAPL32   = "Administrative Penalty Law 2021 Art. 32: a party who removed or reduced the harm on its own, acted under coercion or deception, confessed an unknown violation or helped uncover one must be penalised more lightly (从轻) or below the minimum (减轻)"
	citeAPL33   = "Administrative Penalty Law 2021 Art. 33 ¶1: no penalty for a minor violation corrected in time that caused no harm; a first violation with minor harm corrected in time may go unpunished"
	citeAPL36   = "Administrative Penalty Law 2021 Art. 36: no penalty for a violation not discovered within 2 years (5 where it endangers life, health or financial security and had harmful consequences), counted from the act or the end of a continuing act"
	citePayment = "Administrative Penalty Law 2021 Art. 67 ¶3: pay within 15 days of receiving the decision; Art. 72 ¶1(1): 3 % of the fine per day overdue, at most the fine itself"
)

// checkFineDates validates the optional dates and the Administrative
// Penalty Law facts.
func checkFineDates(r FineRequest, decisionOK bool, rf *refusals) {
	opt := func(field string, d civil.Date) bool { return !d.IsZero() && checkDate(rf, field, d) }
	if opt("discovered_date", r.DiscoveredDate) && !r.ConductDate.IsZero() && r.DiscoveredDate.Before(r.ConductDate) {
		rf.add("discovered_date", "%s is before the conduct date %s", r.DiscoveredDate, r.ConductDate)
	}
	if !decisionOK {
		return
	}
	if !r.DiscoveredDate.IsZero() && r.DiscoveredDate.After(r.DecisionDate) {
		rf.add("discovered_date", "%s is after the decision date %s", r.DiscoveredDate, r.DecisionDate)
	}
	if r.DecisionDate.Before(apl2021) {
		for _, f := range []struct {
			name string
			set  bool
		}{{"corrected_in_time", r.CorrectedInTime}, {"minor_no_harm", r.MinorNoHarm}, {"first_violation", r.FirstViolation},
			{"minor_harm", r.MinorHarm}, {"mitigation", r.Mitigation}, {"endangers_life_or_finance", r.EndangersLifeOrFinance}} {
			if f.set {
				rf.add(f.name, "a decision on %s falls under the Administrative Penalty Law before its 2021 revision (in force %s), which is not encoded", r.DecisionDate, apl2021)
			}
		}
	}
	if !opt("received_date", r.ReceivedDate) {
		if !r.PaidDate.IsZero() || !r.PaymentDue.IsZero() {
			rf.add("received_date", "required with paid_date or payment_due: the 15 days to pay run from receipt of the decision (Administrative Penalty Law Art. 67 ¶3)")
		}
		return
	}
	if r.ReceivedDate.Before(r.DecisionDate) {
		rf.add("received_date", "%s is before the decision date %s", r.ReceivedDate, r.DecisionDate)
	}
	if r.ProposedFine <= 0 {
		rf.add("proposed_fine", "required with received_date: the surcharge is 3 %% a day of the fine decided (Administrative Penalty Law Art. 72)")
	}
	if opt("paid_date", r.PaidDate) && r.PaidDate.Before(r.ReceivedDate) {
		rf.add("paid_date", "%s is before the decision was received on %s", r.PaidDate, r.ReceivedDate)
	}
	if opt("payment_due", r.PaymentDue) && r.PaymentDue.Before(r.ReceivedDate.AddDays(15)) {
		rf.add("payment_due", "%s is before %s, 15 days after receipt (Administrative Penalty Law Art. 67 ¶3); only a rest day can move the due day, and only later",
			r.PaymentDue, r.ReceivedDate.AddDays(15))
	}
}

// penaltyLimits applies Administrative Penalty Law 2021 Arts. 36, 33 and
// 32 to res and returns the article when it rules out any penalty.
func penaltyLimits(r FineRequest, res *FineResult, ex *explainer) string {
	if r.DecisionDate.Before(apl2021) {
		ex.stepf("Administrative Penalty Law: the decision on %s falls under the text before the 2021 revision; its limitation and no-penalty rules are not checked", r.DecisionDate)
		return ""
	}
	if art := limitation(r, res, ex); art != "" {
		return art
	}
	switch {
	case r.CorrectedInTime && r.MinorNoHarm:
		res.NoPenalty, res.Min, res.Max = true, 0, 0
		res.Rule = "minor violation corrected in time with no harm: no penalty"
		ex.stepf("No penalty: the violation was minor, corrected in time and caused no harm (Administrative Penalty Law 2021 Art. 33 ¶1)")
		ex.cite(citeAPL33)
		return "Administrative Penalty Law 2021 Art. 33 ¶1"
	case r.CorrectedInTime && r.FirstViolation && r.MinorHarm:
		res.MayWaive, res.Min = true, 0
		ex.stepf("A first violation with minor harm, corrected in time: the agency may impose no penalty (可以不予; Administrative Penalty Law 2021 Art. 33 ¶1), so the minimum is 0")
		ex.cite(citeAPL33)
	case r.MinorNoHarm || r.FirstViolation || r.MinorHarm:
		ex.stepf("Administrative Penalty Law 2021 Art. 33 ¶1 does not apply: %s", yesNo(r.CorrectedInTime,
			"a first violation must also have minor harm (or a minor violation no harm)", "the violation was not corrected in time"))
	}
	if r.Mitigation {
		res.Mitigated, res.Min = true, 0
		ex.stepf("Mitigation: a circumstance of Administrative Penalty Law 2021 Art. 32 — the penalty must be lighter (从轻) or below the minimum (减轻), so the minimum no longer binds")
		ex.cite(citeAPL32)
	}
	return ""
}

// limitation applies Art. 36: the act (or the end of a continuing act) on
// ConductDate must be discovered within 2 years, or 5. Without a discovery
// date it only warns when the decision comes after the period. The period is counted
// in years to the corresponding day (Civil Code Art. 202): an act on
// 2022-03-01 discovered on 2024-03-01 is in time, on 2024-03-02 it is not.
func limitation(r FineRequest, res *FineResult, ex *explainer) string {
	years := 2
	if r.EndangersLifeOrFinance {
		years = 5
	}
	last, _ := r.ConductDate.AddMonths(12 * years)
	ex.cite(citeAPL36)
	if r.DiscoveredDate.IsZero() {
		// Discovery comes before the decision, so a decision in time means
		// a discovery in time; a later decision proves nothing either way.
		if !r.DecisionDate.After(last) {
			ex.stepf("Limitation: act on %s, decided on %s, within the %d years ending %s (Administrative Penalty Law 2021 Art. 36)",
				r.ConductDate, r.DecisionDate, years, last)
		} else {
			ex.stepf("Warning — limitation: the act on %s ended more than %d years before the decision on %s; if it was not discovered by %s, "+
				"no penalty may be imposed (Administrative Penalty Law 2021 Art. 36): give the discovery date", r.ConductDate, years, r.DecisionDate, last)
		}
		return ""
	}
	if !r.DiscoveredDate.After(last) {
		ex.stepf("Limitation: act on %s, discovered on %s, within the %d years ending %s (Administrative Penalty Law 2021 Art. 36)",
			r.ConductDate, r.DiscoveredDate, years, last)
		return ""
	}
	res.NoPenalty, res.TimeBarred, res.Min, res.Max = true, true, 0, 0
	res.Rule = fmt.Sprintf("not discovered within %d years: no penalty", years)
	ex.stepf("Limitation: act on %s, discovered on %s, after the %d years ending %s — no penalty may be imposed (Administrative Penalty Law 2021 Art. 36)",
		r.ConductDate, r.DiscoveredDate, years, last)
	return "Administrative Penalty Law 2021 Art. 36"
}

// Payment is the payment of a fine: when it was due, how late it was paid
// and the surcharge (Administrative Penalty Law 2021 Arts. 67, 72).
type Payment struct {
	Fine     Fen        `json:"fine"`
	Received civil.Date `json:"received"`
	Due      civil.Date `json:"due"`
	// Paid is zero when the fine is not yet paid.
	Paid     civil.Date `json:"paid,omitzero"`
	DaysLate int        `json:"daysLate"`
	// Surcharge is 3 % of Fine per day late, rounded half up to the fen,
	// at most Fine (Capped).
	Surcharge Fen  `json:"surcharge"`
	Capped    bool `json:"capped"`
	Total     Fen  `json:"total"`
	// Steps explain it; CalculateFine adds them to its own.
	Steps []string `json:"-"`
}

// LateSurcharge computes the payment of fine for a decision received on
// received and paid on paid (zero: not yet paid). The fine is due 15 days
// after receipt, the day of receipt not counted (Administrative Penalty Law
// 2021 Art. 67 ¶3), or on due if it is set (a later day, when the 15th is a
// rest day: the deadline calculator's FinePayment). Each day after the due
// day adds 3 % of the fine, in all at most the fine (Art. 72 ¶1(1);
// Administrative Compulsion Law Art. 45 ¶2).
func LateSurcharge(fine Fen, received, due, paid civil.Date) Payment {
	p := Payment{Fine: fine, Received: received, Due: due, Paid: paid}
	if p.Due.IsZero() {
		p.Due = received.AddDays(15)
		p.Steps = append(p.Steps, fmt.Sprintf("Payment due %s: 15 days after the decision was received on %s (Administrative Penalty Law 2021 Art. 67 ¶3); "+
			"if that day is a rest day, give the due day the deadline calculator computes", p.Due, received))
	} else {
		p.Steps = append(p.Steps, fmt.Sprintf("Payment due %s, as given (15 days after receipt on %s, moved off rest days)", p.Due, received))
	}
	if paid.IsZero() {
		p.Total = fine
		p.Steps = append(p.Steps, fmt.Sprintf("Not yet paid: from %s each day adds 3 %% of %s (%s), at most %s (Administrative Penalty Law 2021 Art. 72 ¶1(1))",
			p.Due.AddDays(1), fine.grouped(), surcharge(fine, 1).grouped(), fine.grouped()))
		return p
	}
	p.DaysLate = max(0, p.Due.DaysUntil(paid))
	if p.DaysLate*3 >= 100 {
		p.Surcharge, p.Capped = fine, true
	} else {
		p.Surcharge = surcharge(fine, p.DaysLate)
	}
	p.Total = fine + p.Surcharge
	switch {
	case p.DaysLate == 0:
		p.Steps = append(p.Steps, fmt.Sprintf("Paid on %s, in time: no surcharge", paid))
	case p.Capped:
		p.Steps = append(p.Steps, fmt.Sprintf("Paid on %s, %d days late: 3 %% × %d = %d %% exceeds 100 %%, so the surcharge is the fine itself, %s (Administrative Penalty Law 2021 Art. 72 ¶1(1))",
			paid, p.DaysLate, p.DaysLate, 3*p.DaysLate, fine.grouped()))
	default:
		p.Steps = append(p.Steps, fmt.Sprintf("Paid on %s, %d days late: %s × 3 %% × %d = %s (Administrative Penalty Law 2021 Art. 72 ¶1(1))",
			paid, p.DaysLate, fine.grouped(), p.DaysLate, p.Surcharge.grouped()))
	}
	return p
}

// surcharge is fine × 3 % × days, rounded half up to the fen; days < 34,
// so it stays below the fine and cannot overflow for amounts ≤ MaxAmount.
func surcharge(fine Fen, days int) Fen { return (fine*Fen(3*days) + 50) / 100 }

func (p Payment) figures() []Figure {
	const a67, a72 = "Administrative Penalty Law 2021 Art. 67 ¶3", "Administrative Penalty Law 2021 Art. 72 ¶1(1)"
	fs := []Figure{{"payment due", p.Due.String(), a67}}
	if !p.Paid.IsZero() {
		fs = append(fs, Figure{"days late", fmt.Sprint(p.DaysLate), a67},
			Figure{"late surcharge", p.Surcharge.String(), a72},
			Figure{"total to pay", p.Total.String(), a72})
	}
	return fs
}
