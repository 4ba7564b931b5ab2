package damages

import (
	"fmt"
	"strings"

	"github.com/ipcase/ipcase/internal/civil"
)

// PartyKind is who is fined; the hearing threshold depends on it.
type PartyKind int

// PartyKind values; the zero value is unspecified and refused.
const (
	PartyUnspecified PartyKind = iota
	NaturalPerson
	Organisation // legal person or other organisation
)

var partyKindNames = []string{"unspecified", "natural-person", "organisation"}

// String returns "natural-person" or "organisation".
func (p PartyKind) String() string { return enumName(partyKindNames, int(p)) }

func (p PartyKind) label() string {
	if p == NaturalPerson {
		return "a natural person"
	}
	return "an organisation"
}

// ParsePartyKind reads "natural-person" or "organisation" ("organization"
// is accepted too).
func ParsePartyKind(s string) (PartyKind, error) {
	return parseEnum("party kind", s, partyKindNames, map[string]PartyKind{"organization": Organisation})
}

// MarshalText encodes p as String does.
func (p PartyKind) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes a CLI spelling as ParsePartyKind does.
func (p *PartyKind) UnmarshalText(b []byte) (err error) {
	*p, err = ParsePartyKind(string(b))
	return err
}

// HearingThresholds are the fines at and above which the party must be
// offered a hearing (Administrative Penalty Law Art. 63). A zero field takes
// its default; provinces may set their own (SAMR Hearing Measures Art. 5 ¶2).
type HearingThresholds struct {
	NaturalPerson Fen
	Organisation  Fen
}

// DefaultHearingThresholds returns SAMR Hearing Measures Art. 5: 10,000 for
// a natural person, 100,000 for a legal person or other organisation.
func DefaultHearingThresholds() HearingThresholds {
	return HearingThresholds{NaturalPerson: Yuan(10_000), Organisation: Yuan(100_000)}
}

// FineRequest is the input of CalculateFine; field paths in InputError use
// the snake_case names given in each comment.
type FineRequest struct {
	Offence Offence // offence
	// ConductDate (conduct_date) is the day of the act (for a continuing
	// act, the day it ended); DecisionDate (decision_date) the day of the
	// penalty decision, on or after it.
	ConductDate  civil.Date
	DecisionDate civil.Date
	// The figures the rules test; zero means none. BusinessVolume
	// (business_volume, 违法经营额): trademark, copyright. IllegalGains
	// (illegal_gains): patent passing off. GoodsValue (goods_value): seeds.
	// HolderLoss (holder_loss): only criminal thresholds.
	BusinessVolume Fen
	IllegalGains   Fen
	GoodsValue     Fen
	HolderLoss     Fen
	// RepeatWithin5Years (repeat_within_5_years) or EarlierInfringements
	// (earlier_infringements) > 0: two or more infringements within 5
	// years (Trademark Law Art. 60 ¶2). Serious (serious): other serious
	// circumstances; for trade secrets it selects the serious band.
	RepeatWithin5Years   bool
	EarlierInfringements int
	Serious              bool
	// PublicInterest (public_interest): the act also harms the public
	// interest, which copyright and plant-variety infringement fines need;
	// PassingOff (passing_off): passing off a protected variety, fined
	// without it. InnocentSeller (innocent_seller): a trademark seller who
	// did not know, shows a lawful source and names the supplier.
	PublicInterest bool
	PassingOff     bool
	InnocentSeller bool
	// Party (party) and Hearing (hearing_thresholds) decide the hearing
	// right; ProposedFine (proposed_fine), if set, must lie in the range.
	Party        PartyKind
	Hearing      HearingThresholds
	ProposedFine Fen
	// CriminalThresholds (criminal_thresholds): nil means
	// DefaultCriminalThresholds. CriminalRepeat (criminal_repeat): punished
	// for the same group of IP crimes within 2 years; MultipleRights
	// (multiple_rights): two or more marks or patents.
	CriminalThresholds []CriminalThreshold
	CriminalRepeat     bool
	MultipleRights     bool
}

// FineResult is the outcome of CalculateFine; its JSON form is the CLI's
// output.
type FineResult struct {
	// Min and Max bound the lawful fine; Min 0 means no minimum.
	Min Fen `json:"min"`
	Max Fen `json:"max"`
	// Law is the rule applied, e.g. "Trademark Law 2019, Art. 60 ¶2", and
	// Rule the branch of it the facts fell in.
	Law  string `json:"law"`
	Rule string `json:"rule"`
	// LighterLaterLaw: the rule in force at the decision date was lighter
	// and was applied (Administrative Penalty Law Art. 37).
	LighterLaterLaw bool `json:"lighterLaterLaw"`
	// Heavier: the rule orders a heavier penalty (从重) within the range.
	Heavier bool `json:"heavier"`
	// HearingRequired: the proposed fine (or Max, if none was proposed)
	// reaches HearingThreshold, or the illegal gains the rule confiscates do.
	HearingRequired  bool `json:"hearingRequired"`
	HearingThreshold Fen  `json:"hearingThreshold"`
	// CriminalTransfer: the figures reach a criminal threshold, listed in
	// CriminalRules. It is a flag for the officer, not a finding.
	CriminalTransfer bool     `json:"criminalTransfer"`
	CriminalRules    []string `json:"criminalRules,omitempty"`
	Citations        []string `json:"citations"`
	Steps            []string `json:"steps"`
}

// CalculateFine computes the lawful fine range for r under the rule in force
// on the conduct date, or the rule in force on the decision date if that is
// lighter (Administrative Penalty Law Art. 37). It returns InputErrors for
// an unknown offence, missing or inverted dates, conduct before the earliest
// encoded rule, a copyright or plant-variety fine without public-interest
// harm, and a proposed fine outside the range.
func CalculateFine(r FineRequest) (FineResult, error) {
	var rf refusals
	checkFineRequest(r, &rf)
	if rf.any() {
		return FineResult{}, rf.err()
	}
	act, ok := fineVersionAt(r.Offence, r.ConductDate)
	if !ok {
		first := fineVersions(r.Offence)[0]
		rf.add("conduct_date", "conduct on %s is before %s took effect on %s, the earliest fine rule encoded for %s",
			r.ConductDate, first.name(), first.inForce, r.Offence)
		return FineResult{}, rf.err()
	}
	switch {
	case act.publicInterest && !r.PublicInterest && (!act.passingOffToo || !r.PassingOff):
		rf.add("public_interest", "%s fines only where the infringement also harms the public interest%s",
			act.name(), yesNo(act.passingOffToo, " (or is passing off a protected variety)", ""))
	case r.InnocentSeller && !act.innocentSeller:
		rf.add("innocent_seller", "%s has no innocent-seller rule", act.name())
	}
	if rf.any() {
		return FineResult{}, rf.err()
	}

	var res FineResult
	var ex explainer
	ex.stepf("%s on %s: %s (in force %s) — %s", r.Offence, r.ConductDate, act.name(), act.inForce, act.band(r).rule)
	ex.cite(fmt.Sprintf("%s (in force %s) — %s", act.name(), act.inForce, act.source))
	dec, _ := fineVersionAt(r.Offence, r.DecisionDate)
	applied, band, lighter := lighterOf(r, act, dec, &ex)
	res.LighterLaterLaw = lighter
	res.Min, res.Max, res.Law, res.Rule = band.min, band.max, applied.name(), band.rule
	if r.InnocentSeller {
		res.Min, res.Max = 0, 0
		res.Rule = "innocent seller with lawful source and named supplier: ordered to stop selling, no fine"
		ex.stepf("%s: a seller who did not know, shows a lawful source and names the supplier is only ordered to stop selling", applied.name())
	}
	ex.stepf("Lawful range: %s", rangeText(res.Min, res.Max))
	res.Heavier = heavier(r, applied, &ex)
	hearing(r, applied, &res, &ex)
	criminal(r, &res, &ex)
	res.Citations, res.Steps = ex.cites.list, ex.steps
	if r.ProposedFine > 0 {
		if err := CheckFine(res, r.ProposedFine); err != nil {
			return FineResult{}, err
		}
	}
	return res, nil
}

// lighterOf applies Administrative Penalty Law Art. 37: the rule in force at
// the time of the act (act), unless the rule in force at the decision (dec)
// is lighter for the same facts. With the rules encoded today no later rule
// is lighter (each later text keeps or raises the figures), but the rule is
// applied rather than assumed.
func lighterOf(r FineRequest, act, dec fineVersion, ex *explainer) (fineVersion, fineBand, bool) {
	band := act.band(r)
	if dec.name() == act.name() {
		return act, band, false
	}
	ex.cite("Administrative Penalty Law 2021 Art. 37: the law at the time of the act, unless the law at the decision is lighter")
	decBand := dec.band(r)
	if decBand.lighterThan(band) {
		ex.stepf("Decision on %s: %s, in force since %s, gives %s, lighter than %s under %s; the lighter later rule applies (Administrative Penalty Law Art. 37)",
			r.DecisionDate, dec.name(), dec.inForce, rangeText(decBand.min, decBand.max), rangeText(band.min, band.max), act.name())
		ex.cite(fmt.Sprintf("%s (in force %s) — %s", dec.name(), dec.inForce, dec.source))
		return dec, decBand, true
	}
	ex.stepf("Decision on %s: %s gives %s, not lighter than %s; the rule at the time of the act applies (Administrative Penalty Law Art. 37)",
		r.DecisionDate, dec.name(), rangeText(decBand.min, decBand.max), rangeText(band.min, band.max))
	return act, band, false
}

// CheckFine reports whether fine lies within the range of r, a result of
// CalculateFine; if not, it returns InputErrors on "proposed_fine" naming
// the range and the rule.
func CheckFine(r FineResult, fine Fen) error {
	if r.Law == "" {
		return InputErrors{{Field: "proposed_fine", Reason: "no fine range was computed to check it against"}}
	}
	if fine < r.Min || fine > r.Max {
		return InputErrors{{Field: "proposed_fine", Reason: fmt.Sprintf("%s is outside the %s range of %s",
			fine.grouped(), rangeText(r.Min, r.Max), r.Law)}}
	}
	return nil
}

func rangeText(lo, hi Fen) string { return lo.grouped() + "–" + hi.grouped() }

func checkFineRequest(r FineRequest, rf *refusals) {
	if !known(offenceNames, int(r.Offence)) {
		rf.add("offence", "required; one of %s", strings.Join(offenceNames[1:], ", "))
	}
	cOK := checkDate(rf, "conduct_date", r.ConductDate)
	dOK := checkDate(rf, "decision_date", r.DecisionDate)
	if cOK && dOK && r.DecisionDate.Before(r.ConductDate) {
		rf.add("decision_date", "%s is before the conduct date %s", r.DecisionDate, r.ConductDate)
	}
	checkAmount(rf, "business_volume", r.BusinessVolume)
	checkAmount(rf, "illegal_gains", r.IllegalGains)
	checkAmount(rf, "goods_value", r.GoodsValue)
	checkAmount(rf, "holder_loss", r.HolderLoss)
	checkAmount(rf, "proposed_fine", r.ProposedFine)
	checkAmount(rf, "hearing_thresholds.natural_person", r.Hearing.NaturalPerson)
	checkAmount(rf, "hearing_thresholds.organisation", r.Hearing.Organisation)
	if r.EarlierInfringements < 0 {
		rf.add("earlier_infringements", "%d is negative", r.EarlierInfringements)
	}
	if !known(partyKindNames, int(r.Party)) {
		rf.add("party", "required: natural-person or organisation (the hearing threshold depends on it)")
	}
	checkThresholds(r.CriminalThresholds, rf)
}

// heavier applies Trademark Law Art. 60 ¶2 (2026: Art. 74 ¶2): two or more
// infringements within 5 years, or other serious circumstances → 从重.
func heavier(r FineRequest, v fineVersion, ex *explainer) bool {
	repeat := r.RepeatWithin5Years || r.EarlierInfringements > 0
	if !v.heavier {
		if repeat || (r.Serious && r.Offence != OffenceTradeSecret) {
			ex.stepf("%s names no heavier-penalty (从重) rule; the repeat or serious flag does not change the range", v.name())
		}
		return false
	}
	var why []string
	if repeat {
		w := "two or more infringements within 5 years"
		if r.EarlierInfringements > 0 {
			w += fmt.Sprintf(" (%d earlier decided)", r.EarlierInfringements)
		}
		why = append(why, w)
	}
	if r.Serious {
		why = append(why, "other serious circumstances")
	}
	if len(why) == 0 {
		return false
	}
	ex.stepf("Heavier penalty (从重) within the range: %s — %s", strings.Join(why, "; "), v.name())
	return true
}

// hearing decides whether a hearing must be offered (Administrative Penalty
// Law Art. 63; SAMR Hearing Measures Art. 5, "以上" includes the number).
func hearing(r FineRequest, v fineVersion, res *FineResult, ex *explainer) {
	th := DefaultHearingThresholds()
	if r.Hearing.NaturalPerson > 0 {
		th.NaturalPerson = r.Hearing.NaturalPerson
	}
	if r.Hearing.Organisation > 0 {
		th.Organisation = r.Hearing.Organisation
	}
	res.HearingThreshold = th.Organisation
	if r.Party == NaturalPerson {
		res.HearingThreshold = th.NaturalPerson
	}
	basis, what := res.Max, "the range maximum"
	if r.ProposedFine > 0 {
		basis, what = r.ProposedFine, "the proposed fine"
	}
	switch {
	case basis >= res.HearingThreshold && basis > 0:
		res.HearingRequired = true
		ex.stepf("Hearing: %s %s ≥ %s for %s → the party must be told of the right to a hearing",
			what, basis.grouped(), res.HearingThreshold.grouped(), r.Party.label())
	case v.confiscatesGains && r.IllegalGains >= res.HearingThreshold:
		res.HearingRequired = true
		ex.stepf("Hearing: confiscating illegal gains of %s ≥ %s for %s → the party must be told of the right to a hearing",
			r.IllegalGains.grouped(), res.HearingThreshold.grouped(), r.Party.label())
	default:
		ex.stepf("Hearing: %s %s < %s for %s; no hearing right from the fine", what, basis.grouped(), res.HearingThreshold.grouped(), r.Party.label())
	}
	ex.cite("Administrative Penalty Law 2021 Art. 63; SAMR Hearing Measures Art. 5 (10,000 natural person / 100,000 organisation unless set otherwise)")
}

func hasThreshold(o Offence, ts []CriminalThreshold) bool {
	for _, t := range ts {
		if t.Offence == o {
			return true
		}
	}
	return false
}

// criminal flags figures that reach a criminal-transfer threshold.
func criminal(r FineRequest, res *FineResult, ex *explainer) {
	ts := r.CriminalThresholds
	if ts == nil {
		ts = DefaultCriminalThresholds()
	}
	res.CriminalRules = crossedThresholds(r, ts)
	res.CriminalTransfer = len(res.CriminalRules) > 0
	if !res.CriminalTransfer {
		ex.stepf("Criminal transfer: no %s threshold reached%s", r.Offence,
			yesNo(hasThreshold(r.Offence, ts), "", " (none is configured for this offence)"))
		return
	}
	for _, rule := range res.CriminalRules {
		ex.stepf("Criminal transfer: %s", rule)
	}
	ex.cite("State Council Transfer Provisions 2020 Art. 3 ¶2 (transfer on reasonable suspicion), Art. 11 (a penalty does not replace transfer; a fine paid is offset against a criminal fine)")
}
