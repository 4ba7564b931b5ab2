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

// CriminalAct is the crime a threshold measures, one of Criminal Law
// Arts. 213–219.
type CriminalAct int

// CriminalAct values; the zero value means the usual act of the offence
// (defaultAct).
const (
	ActUnspecified         CriminalAct = iota
	ActCounterfeitGoods                // Art. 213: a registered mark on the same goods
	ActCounterfeitServices             // Art. 213: on the same services (since Amendment XI, 2021-03-01)
	ActSellCounterfeit                 // Art. 214: selling goods bearing a counterfeit mark
	ActLabels                          // Art. 215: making or selling counterfeit mark labels
	ActPatentPassingOff                // Art. 216: passing off a patent
	ActCopyright                       // Art. 217: copyright infringement
	ActSellCopies                      // Art. 218: selling infringing copies
	ActTradeSecret                     // Art. 219: trade-secret infringement
)

var criminalActNames = []string{"unspecified", "counterfeit-goods", "counterfeit-services", "sell-counterfeit",
	"labels", "patent-passing-off", "copyright", "sell-copies", "trade-secret"}

var criminalActArticles = []string{"", "Criminal Law Art. 213", "Criminal Law Art. 213", "Criminal Law Art. 214",
	"Criminal Law Art. 215", "Criminal Law Art. 216", "Criminal Law Art. 217", "Criminal Law Art. 218", "Criminal Law Art. 219"}

// String returns the CLI spelling, e.g. "sell-counterfeit".
func (a CriminalAct) String() string { return enumName(criminalActNames, int(a)) }

// Article names the crime's article, e.g. "Criminal Law Art. 214".
func (a CriminalAct) Article() string { return enumName(criminalActArticles, int(a)) }

// ParseCriminalAct reads a CLI spelling such as "sell-counterfeit".
func ParseCriminalAct(s string) (CriminalAct, error) {
	return parseEnum[CriminalAct]("criminal act", s, criminalActNames, nil)
}

// MarshalText encodes a as String does.
func (a CriminalAct) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseCriminalAct does.
func (a *CriminalAct) UnmarshalText(b []byte) (err error) {
	*a, err = ParseCriminalAct(string(b))
	return err
}

// actsOf lists the crimes an administrative offence may also be; the first
// is the one assumed when FineRequest.CriminalAct is unset. Confusion (AUCL)
// and plant-variety infringement are no IP crime of Arts. 213–219.
func actsOf(o Offence) []CriminalAct {
	switch o {
	case OffenceTrademark:
		return []CriminalAct{ActCounterfeitGoods, ActCounterfeitServices, ActSellCounterfeit, ActLabels}
	case OffenceCopyright:
		return []CriminalAct{ActCopyright, ActSellCopies}
	case OffencePatentPassingOff:
		return []CriminalAct{ActPatentPassingOff}
	case OffenceTradeSecret:
		return []CriminalAct{ActTradeSecret}
	default:
		return nil
	}
}

// sells reports whether a is a selling crime, which needs knowledge (明知).
func (a CriminalAct) sells() bool { return a == ActSellCounterfeit || a == ActSellCopies }

// CriminalThreshold is one prosecution threshold an enforcement agency
// checks before deciding to transfer a case to the police (State Council
// Transfer Provisions 2020 Art. 3 ¶2). A case crosses it when any non-zero
// figure is reached (≥, "以上"), or, with HalfOfTwo, when two or more of its
// figures are each at least half reached.
type CriminalThreshold struct {
	Offence Offence
	// Act is the crime; zero: every act of the offence (agency tables).
	Act       CriminalAct
	Condition ThresholdCondition
	// Rule cites the crime and the interpretation article.
	Rule string
	// Amounts tested against the FineRequest fields of the same names;
	// SalesPlusUnsold against Sales + UnsoldValue. Zero: not tested.
	IllegalGains, BusinessVolume, HolderLoss, Sales, SalesPlusUnsold Fen
	// Counts tested against the FineRequest fields of the same names.
	Copies, LabelPieces, WorksOnline, Downloads, Clicks, Members int64
	// HalfOfTwo: also crossed when two or more of the figures above each
	// reach half their threshold (Fa Shi [2025] No. 5 Art. 13 ¶1(5);
	// 2011 Opinions Art. 13(5)).
	HalfOfTwo bool
}

// figure is one tested quantity: what it is, what the request has, what
// the threshold needs.
type figure struct {
	what       string
	have, need int64
	money      bool
}

func (f figure) text(v int64) string {
	if f.money {
		return Fen(v).grouped()
	}
	return fmt.Sprintf("%d", v)
}

func (t CriminalThreshold) figures(r FineRequest) []figure {
	return []figure{
		{"illegal gains", int64(r.IllegalGains), int64(t.IllegalGains), true},
		{"illegal business volume", int64(r.BusinessVolume), int64(t.BusinessVolume), true},
		{"right holder's loss", int64(r.HolderLoss), int64(t.HolderLoss), true},
		{"sales", int64(r.Sales), int64(t.Sales), true},
		{"sales plus unsold goods", int64(r.Sales + r.UnsoldValue), int64(t.SalesPlusUnsold), true},
		{"copies", r.Copies, t.Copies, false},
		{"labels", r.LabelPieces, t.LabelPieces, false},
		{"works made available online", r.WorksOnline, t.WorksOnline, false},
		{"downloads", r.Downloads, t.Downloads, false},
		{"clicks", r.Clicks, t.Clicks, false},
		{"registered members", r.Members, t.Members, false},
	}
}

// crossed returns why r reaches t, or "" if it does not.
func (t CriminalThreshold) crossed(r FineRequest) string {
	var why, halves []string
	for _, f := range t.figures(r) {
		switch {
		case f.need <= 0:
		case f.have >= f.need:
			why = append(why, fmt.Sprintf("%s %s ≥ %s", f.what, f.text(f.have), f.text(f.need)))
		case t.HalfOfTwo && 2*f.have >= f.need:
			halves = append(halves, fmt.Sprintf("%s %s ≥ half of %s", f.what, f.text(f.have), f.text(f.need)))
		}
	}
	if len(why) == 0 && len(halves) >= 2 {
		why = append(why, strings.Join(halves, " and ")+" (two or more figures at half their threshold)")
	}
	return strings.Join(why, ", ")
}

// checkThresholds validates a caller-supplied threshold table.
func checkThresholds(ts []CriminalThreshold, rf *refusals) {
	for i, t := range ts {
		f := fmt.Sprintf("criminal_thresholds[%d]", i)
		if !known(offenceNames, int(t.Offence)) {
			rf.add(f+".offence", "required; one of %s", strings.Join(offenceNames[1:], ", "))
		}
		if t.Act != ActUnspecified && !actFits(t.Offence, t.Act) {
			rf.add(f+".act", "%s is not an act of the offence %s", t.Act, t.Offence)
		}
		if t.Condition < 0 || int(t.Condition) >= len(thresholdConditionNames) {
			rf.add(f+".condition", "unknown condition %d", int(t.Condition))
		}
		if t.Rule == "" {
			rf.add(f+".rule", "required: cite the crime and the interpretation article")
		}
		positive := false
		for _, a := range []struct {
			name string
			v    Fen
		}{{"illegal_gains", t.IllegalGains}, {"business_volume", t.BusinessVolume}, {"holder_loss", t.HolderLoss},
			{"sales", t.Sales}, {"sales_plus_unsold", t.SalesPlusUnsold}} {
			checkAmount(rf, f+"."+a.name, a.v)
			positive = positive || a.v > 0
		}
		for _, c := range []struct {
			name string
			v    int64
		}{{"copies", t.Copies}, {"label_pieces", t.LabelPieces}, {"works_online", t.WorksOnline},
			{"downloads", t.Downloads}, {"clicks", t.Clicks}, {"members", t.Members}} {
			if c.v < 0 {
				rf.add(f+"."+c.name, "%d is negative", c.v)
			}
			positive = positive || c.v > 0
		}
		if !positive {
			rf.add(f, "at least one amount or count must be positive")
		}
	}
}

func actFits(o Offence, a CriminalAct) bool {
	for _, x := range actsOf(o) {
		if x == a {
			return true
		}
	}
	return false
}

// applies reports whether t is a threshold for act under r's conditions.
func (t CriminalThreshold) applies(r FineRequest, act CriminalAct) bool {
	return t.Offence == r.Offence && (t.Act == ActUnspecified || t.Act == act) &&
		(t.Condition != ThresholdRepeat || r.CriminalRepeat) &&
		(t.Condition != ThresholdMultipleRights || r.MultipleRights)
}

// crossedThresholds returns, for each threshold in ts that applies to act
// under r and is reached, its rule and the figures that reached it.
func crossedThresholds(r FineRequest, act CriminalAct, ts []CriminalThreshold) []string {
	var hits []string
	for _, t := range ts {
		if !t.applies(r, act) {
			continue
		}
		if why := t.crossed(r); why != "" {
			hits = append(hits, t.Rule+": "+why)
		}
	}
	return hits
}

func hasThreshold(o Offence, act CriminalAct, ts []CriminalThreshold) bool {
	for _, t := range ts {
		if t.Offence == o && (t.Act == ActUnspecified || t.Act == act) {
			return true
		}
	}
	return false
}

// criminalActOf returns the crime r is checked against: the one asked for,
// else selling where seller facts are given, else the offence's usual one.
func criminalActOf(r FineRequest) CriminalAct {
	if r.CriminalAct != ActUnspecified {
		return r.CriminalAct
	}
	acts := actsOf(r.Offence)
	if len(acts) == 0 {
		return ActUnspecified
	}
	if r.sellerFacts() {
		for _, a := range acts {
			if a.sells() {
				return a
			}
		}
	}
	return acts[0]
}

// checkCriminalAct refuses a criminal act the offence cannot be, or a
// making act for a seller.
func checkCriminalAct(r FineRequest, rf *refusals) {
	a := r.CriminalAct
	switch {
	case a == ActUnspecified || !known(offenceNames, int(r.Offence)):
	case !known(criminalActNames, int(a)):
		rf.add("criminal_act", "unknown act %d; one of %s", int(a), strings.Join(criminalActNames[1:], ", "))
	case !actFits(r.Offence, a):
		var names []string
		for _, x := range actsOf(r.Offence) {
			names = append(names, x.String())
		}
		rf.add("criminal_act", "%s (%s) is not a crime a %s case can be; %s", a, a.Article(), r.Offence,
			yesNo(len(names) == 0, "it is none of Criminal Law Arts. 213–219", "use one of "+strings.Join(names, ", ")))
	case r.sellerFacts() && !a.sells():
		rf.add("criminal_act", "the seller's facts (did not know, lawful source, supplier) concern selling; %s (%s) is not a selling crime", a, a.Article())
	}
}

// criminal flags figures that reach a criminal-transfer threshold of the
// crime the act may be, under the interpretation that applies to the act.
func criminal(r FineRequest, res *FineResult, ex *explainer) {
	act := criminalActOf(r)
	res.CriminalAct = act
	if act == ActUnspecified {
		ex.stepf("Criminal transfer: %s is none of the IP crimes of Criminal Law Arts. 213–219; no threshold applies", r.Offence)
		return
	}
	if act.sells() && (r.SellerDidNotKnow || r.InnocentSeller) {
		ex.stepf("Criminal transfer: none — %s punishes only one who sells knowing (明知) the goods infringe, and the seller was found not to know "+
			"(for trademarks the presumptions of knowledge of Fa Shi [2025] No. 5 Art. 4 must have been ruled out)", act.Article())
		ex.cite(act.Article() + ": selling is a crime only with knowledge (明知)")
		return
	}
	hits, law := criminalHits(r, act, ex)
	res.CriminalRules, res.CriminalInterpretation = hits, law
	res.CriminalTransfer = len(hits) > 0
	if !res.CriminalTransfer {
		ex.stepf("Criminal transfer: no %s (%s) threshold reached%s", act, act.Article(), yesNo(law == "", "", " under "+law))
		return
	}
	for _, rule := range hits {
		ex.stepf("Criminal transfer under %s: %s", law, rule)
	}
	ex.cite("State Council Transfer Provisions 2020 Art. 3 ¶2 (transfer on reasonable suspicion), Art. 11 (a penalty does not replace transfer; a fine paid is offset against a criminal fine)")
}

// criminalHits returns the thresholds r reaches for act and the
// interpretation they come from. An agency's own table is applied as is.
// Otherwise the act is judged under the interpretation in force when it was
// done, unless the one in force at the decision is more favourable — here:
// does not flag it — (2001 Provisions Art. 3), or none existed for the act
// then (Art. 2).
func criminalHits(r FineRequest, act CriminalAct, ex *explainer) ([]string, string) {
	if r.CriminalThresholds != nil {
		if !hasThreshold(r.Offence, act, r.CriminalThresholds) {
			ex.stepf("Criminal transfer: the agency's table has no %s threshold (none is configured for this offence)", act)
		}
		return crossedThresholds(r, act, r.CriminalThresholds), "the agency's threshold table"
	}
	if act == ActCounterfeitServices && r.ConductDate.Before(amendmentXI) {
		ex.stepf("Criminal transfer: using a registered mark on the same services became a crime on %s (Criminal Law Amendment XI, Art. 213); "+
			"the act on %s was not one (Criminal Law Art. 12)", amendmentXI, r.ConductDate)
		return nil, ""
	}
	then, ok := criminalRegimeAt(r.ConductDate)
	now, _ := criminalRegimeAt(r.DecisionDate)
	if !ok || !then.covers(r.Offence, act) {
		ex.stepf("Criminal transfer: no interpretation set a %s threshold when the act was done on %s; %s, in force when it is handled, applies",
			act.Article(), r.ConductDate, now.name)
		ex.cite(citeInterpTime2)
		return crossedThresholds(r, act, now.rows), now.name
	}
	hitsThen := crossedThresholds(r, act, then.rows)
	if then.name == now.name {
		return hitsThen, then.name
	}
	ex.cite(citeInterpTime3)
	if len(hitsThen) > 0 && len(crossedThresholds(r, act, now.rows)) == 0 {
		ex.stepf("Criminal transfer: the act on %s reaches a threshold of %s, in force then, but none of %s, in force at the decision on %s; "+
			"the later interpretation is more favourable and applies (2001 Provisions Art. 3)", r.ConductDate, then.name, now.name, r.DecisionDate)
		return nil, now.name
	}
	ex.stepf("Criminal transfer: the act on %s is judged under %s, in force then (2001 Provisions Art. 3); %s, in force at the decision, is not more favourable",
		r.ConductDate, then.name, now.name)
	return hitsThen, then.name
}
