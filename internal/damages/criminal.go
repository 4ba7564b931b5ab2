package damages

import (
	"fmt"
	"strings"
)

// ThresholdCondition says to whom a criminal-transfer threshold applies.
type ThresholdCondition int

// ThresholdCondition values.
const (
	// ThresholdAlways applies to every case of the offence.
	ThresholdAlways ThresholdCondition = iota
	// ThresholdRepeat applies to a repeat offender: punished criminally or
	// administratively for the same group of IP crimes within 2 years
	// (Fa Shi [2025] No. 5; FineRequest.CriminalRepeat).
	ThresholdRepeat
	// ThresholdMultipleRights applies where two or more marks or patents
	// are involved (FineRequest.MultipleRights).
	ThresholdMultipleRights
)

var thresholdConditionNames = []string{"always", "repeat", "multiple-rights"}

// String returns "always", "repeat" or "multiple-rights".
func (c ThresholdCondition) String() string { return enumName(thresholdConditionNames, int(c)) }

// MarshalText encodes c as String does.
func (c ThresholdCondition) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CriminalThreshold is one prosecution threshold an enforcement agency
// checks before deciding to transfer a case to the police (State Council
// Transfer Provisions 2020 Art. 3 ¶2). A case crosses it when any non-zero
// figure is reached (≥, "以上").
type CriminalThreshold struct {
	Offence   Offence
	Condition ThresholdCondition
	// Rule cites the crime and the interpretation article.
	Rule string
	// IllegalGains, BusinessVolume and HolderLoss are the figures tested
	// against the FineRequest fields of the same names; zero: not tested.
	IllegalGains   Fen
	BusinessVolume Fen
	HolderLoss     Fen
}

// DefaultCriminalThresholds returns the thresholds of the SPC/SPP IP
// criminal Interpretation Fa Shi [2025] No. 5 (in force 2025-04-26) for the
// offences CalculateFine knows. The trademark figures
// are those for goods; services (illegal gains ≥ 50,000) and the copy,
// label and click counts are not encoded. Agencies may pass their own.
func DefaultCriminalThresholds() []CriminalThreshold {
	const (
		tm = "Criminal Law Arts. 213–214, Fa Shi [2025] No. 5 Arts. 3, 5"
		pt = "Criminal Law Art. 216, Fa Shi [2025] No. 5 Arts. 9–10"
		cr = "Criminal Law Art. 217, Fa Shi [2025] No. 5 Arts. 11–13"
		ts = "Criminal Law Art. 219, Fa Shi [2025] No. 5 Arts. 16–19"
	)
	return []CriminalThreshold{
		{OffenceTrademark, ThresholdAlways, tm + " (goods)", Yuan(30_000), Yuan(50_000), 0},
		{OffenceTrademark, ThresholdMultipleRights, tm + " (goods, two or more marks)", Yuan(20_000), Yuan(30_000), 0},
		{OffenceTrademark, ThresholdRepeat, tm + " (goods, repeat offender)", Yuan(20_000), Yuan(30_000), 0},
		{OffencePatentPassingOff, ThresholdAlways, pt, Yuan(100_000), Yuan(200_000), Yuan(300_000)},
		{OffencePatentPassingOff, ThresholdMultipleRights, pt + " (two or more patents)", Yuan(50_000), Yuan(100_000), 0},
		{OffencePatentPassingOff, ThresholdRepeat, pt + " (repeat offender)", Yuan(50_000), Yuan(100_000), 0},
		{OffenceCopyright, ThresholdAlways, cr, Yuan(30_000), Yuan(50_000), 0},
		{OffenceCopyright, ThresholdRepeat, cr + " (repeat offender)", Yuan(20_000), Yuan(30_000), 0},
		{OffenceTradeSecret, ThresholdAlways, ts, Yuan(300_000), 0, Yuan(300_000)},
		{OffenceTradeSecret, ThresholdRepeat, ts + " (repeat offender)", Yuan(100_000), 0, Yuan(100_000)},
	}
}

// checkThresholds validates a caller-supplied threshold table.
func checkThresholds(ts []CriminalThreshold, rf *refusals) {
	for i, t := range ts {
		f := fmt.Sprintf("criminal_thresholds[%d]", i)
		if !known(offenceNames, int(t.Offence)) {
			rf.add(f+".offence", "required; one of %s", strings.Join(offenceNames[1:], ", "))
		}
		if t.Condition < 0 || int(t.Condition) >= len(thresholdConditionNames) {
			rf.add(f+".condition", "unknown condition %d", int(t.Condition))
		}
		if t.Rule == "" {
			rf.add(f+".rule", "required: cite the crime and the interpretation article")
		}
		checkAmount(rf, f+".illegal_gains", t.IllegalGains)
		checkAmount(rf, f+".business_volume", t.BusinessVolume)
		checkAmount(rf, f+".holder_loss", t.HolderLoss)
		if t.IllegalGains <= 0 && t.BusinessVolume <= 0 && t.HolderLoss <= 0 {
			rf.add(f, "at least one of illegal_gains, business_volume and holder_loss must be positive")
		}
	}
}

// crossedThresholds returns, for each threshold of r's offence that applies
// to r and is reached, its rule and the figure that reached it.
func crossedThresholds(r FineRequest, ts []CriminalThreshold) []string {
	var hits []string
	for _, t := range ts {
		if t.Offence != r.Offence ||
			(t.Condition == ThresholdRepeat && !r.CriminalRepeat) ||
			(t.Condition == ThresholdMultipleRights && !r.MultipleRights) {
			continue
		}
		var why []string
		for _, c := range []struct {
			what       string
			have, need Fen
		}{
			{"illegal gains", r.IllegalGains, t.IllegalGains},
			{"illegal business volume", r.BusinessVolume, t.BusinessVolume},
			{"right holder's loss", r.HolderLoss, t.HolderLoss},
		} {
			if c.need > 0 && c.have >= c.need {
				why = append(why, fmt.Sprintf("%s %s ≥ %s", c.what, c.have.grouped(), c.need.grouped()))
			}
		}
		if len(why) > 0 {
			hits = append(hits, t.Rule+": "+strings.Join(why, ", "))
		}
	}
	return hits
}
