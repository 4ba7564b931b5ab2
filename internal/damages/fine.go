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
	// (business_volume, 违法经营额): trademark, copyright, confusion.
	// IllegalGains (illegal_gains): patent passing off. GoodsValue
	// (goods_value): seeds. HolderLoss (holder_loss), Sales (sales, 销售金额)
	// and UnsoldValue (unsold_value, 货值金额 of goods not yet sold): only
	// criminal thresholds.
	BusinessVolume Fen
	IllegalGains   Fen
	GoodsValue     Fen
	HolderLoss     Fen
	Sales          Fen
	UnsoldValue    Fen
	// Counts tested only against criminal thresholds: Copies (copies),
	// LabelPieces (label_pieces), WorksOnline (works_online), Downloads
	// (downloads), Clicks (clicks), Members (members).
	Copies, LabelPieces, WorksOnline, Downloads, Clicks, Members int64
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
	// without it.
	PublicInterest bool
	PassingOff     bool
	// A seller's defence (Trademark Law 2019 Art. 60 ¶2, 2026 Art. 74 ¶2;
	// AUCL 2025 Art. 23 ¶2): SellerDidNotKnow (seller_did_not_know),
	// LawfulSource (lawful_source: shows the goods were lawfully obtained),
	// SupplierNamed (supplier_named). All three spare the fine and the
	// damages; not knowing alone rules out the selling crimes, which need
	// knowledge (Criminal Law Arts. 214, 218). InnocentSeller
	// (innocent_seller) asserts all three at once.
	SellerDidNotKnow bool
	LawfulSource     bool
	SupplierNamed    bool
	InnocentSeller   bool
	// Administrative Penalty Law 2021 Arts. 32–33: CorrectedInTime
	// (corrected_in_time, 及时改正), MinorNoHarm (minor_no_harm: the
	// violation was minor and caused no harm), FirstViolation
	// (first_violation, 初次违法), MinorHarm (minor_harm: its harm was
	// minor), Mitigation (mitigation: a circumstance of Art. 32, e.g. the
	// party on its own removed or reduced the harm).
	CorrectedInTime bool
	MinorNoHarm     bool
	FirstViolation  bool
	MinorHarm       bool
	Mitigation      bool
	// DiscoveredDate (discovered_date): the day the act was discovered,
	// for the limitation of Administrative Penalty Law Art. 36; zero: the
	// decision date is used. EndangersLifeOrFinance
	// (endangers_life_or_finance): the act endangers life, health or
	// financial security and had harmful consequences (5 years, not 2).
	DiscoveredDate         civil.Date
	EndangersLifeOrFinance bool
	// Payment of ProposedFine (Administrative Penalty Law Arts. 67, 72):
	// ReceivedDate (received_date) the party received the decision,
	// PaidDate (paid_date) it paid; PaymentDue (payment_due) overrides the
	// 15th day when that falls on a rest day (compute it with the deadline
	// calculator, FinePayment).
	ReceivedDate civil.Date
	PaidDate     civil.Date
	PaymentDue   civil.Date
	// Party (party) and Hearing (hearing_thresholds) decide the hearing
	// right; ProposedFine (proposed_fine), if set, must lie in the range.
	Party        PartyKind
	Hearing      HearingThresholds
	ProposedFine Fen
	// CriminalAct (criminal_act): the crime the act may be; zero: the
	// offence's usual one (selling, for a trademark seller). CriminalThresholds
	// (criminal_thresholds): nil means the thresholds in force when the act
	// was done. CriminalRepeat (criminal_repeat): punished for the same
	// group of IP crimes within 2 years; MultipleRights (multiple_rights):
	// two or more marks or patents.
	CriminalAct        CriminalAct
	CriminalThresholds []CriminalThreshold
	CriminalRepeat     bool
	MultipleRights     bool
}

// innocentSeller reports whether all three facts of the seller's defence
// are established.
func (r FineRequest) innocentSeller() bool {
	return r.InnocentSeller || (r.SellerDidNotKnow && r.LawfulSource && r.SupplierNamed)
}

func (r FineRequest) sellerFacts() bool {
	return r.InnocentSeller || r.SellerDidNotKnow || r.LawfulSource || r.SupplierNamed
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
	// InnocentSeller: the seller's defence holds: no fine, no damages
	// (NoCompensation), no criminal flag.
	InnocentSeller bool `json:"innocentSeller"`
	NoCompensation bool `json:"noCompensation"`
	// NoPenalty: no penalty may be imposed (a minor violation corrected in
	// time, or the limitation of Art. 36: TimeBarred). MayWaive: the agency
	// may impose none (a first violation; Art. 33 ¶1). Mitigated: the
	// penalty must be lighter or reduced below the minimum (Art. 32), so Min
	// is 0.
	NoPenalty  bool `json:"noPenalty"`
	TimeBarred bool `json:"timeBarred"`
	MayWaive   bool `json:"mayWaive"`
	Mitigated  bool `json:"mitigated"`
	// HearingRequired: the proposed fine (or Max, if none was proposed)
	// reaches HearingThreshold, or the illegal gains the rule confiscates do.
	HearingRequired  bool `json:"hearingRequired"`
	HearingThreshold Fen  `json:"hearingThreshold"`
	// CriminalTransfer: the figures reach a criminal threshold of
	// CriminalAct under CriminalInterpretation (the one applied to the act),
	// listed in CriminalRules. It is a flag for the officer, not a finding.
	CriminalTransfer       bool        `json:"criminalTransfer"`
	CriminalAct            CriminalAct `json:"criminalAct"`
	CriminalInterpretation string      `json:"criminalInterpretation,omitempty"`
	CriminalRules          []string    `json:"criminalRules,omitempty"`
	// Payment is set when ReceivedDate and ProposedFine were given.
	Payment *Payment `json:"payment,omitempty"`
	// Figures lists every figure with its article; Citations and Steps
	// explain the result.
	Figures   []Figure `json:"figures"`
	Citations []string `json:"citations"`
	Steps     []string `json:"steps"`
}

// CalculateFine computes the lawful fine range for r under the rule in force
// on the conduct date, or the rule in force on the decision date if that is
// lighter (Administrative Penalty Law Art. 37), then applies the seller's
// defence, Administrative Penalty Law Arts. 32, 33 and 36, the hearing right
// and the criminal-transfer check, and the payment surcharge if dates are
// given. It returns InputErrors for an unknown offence, missing or inverted
// dates, conduct before the earliest encoded rule, a copyright or
// plant-variety fine without public-interest harm, seller facts where the
// rule has no seller's defence, a criminal act foreign to the offence, and a
// proposed fine outside the range.
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
	case (r.InnocentSeller || r.LawfulSource || r.SupplierNamed) && act.innocentSeller == "":
		rf.add(sellerField(r), "%s has no innocent-seller rule: a seller who did not know and names its supplier is fined like anyone else", act.name())
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
	minLaw, maxLaw := applied.name(), applied.name()
	if r.Offence == OffenceConfusion && r.Serious {
		ex.stepf("Serious circumstances: the business licence is also revoked (%s); the fine range does not change", applied.name())
	}
	if r.sellerFacts() && applied.innocentSeller != "" {
		sellerDefence(r, applied, &res, &ex)
		if res.InnocentSeller {
			minLaw, maxLaw = applied.law+", "+applied.innocentSeller, applied.law+", "+applied.innocentSeller
		}
	}
	if !res.InnocentSeller {
		if why := penaltyLimits(r, &res, &ex); why != "" {
			minLaw, maxLaw = why, why
		} else if res.MayWaive || res.Mitigated {
			minLaw = "Administrative Penalty Law 2021 " + yesNo(res.Mitigated, "Art. 32", "Art. 33 ¶1")
		}
	}
	ex.stepf("Lawful range: %s", rangeText(res.Min, res.Max))
	res.Heavier = heavier(r, applied, &ex)
	hearing(r, applied, &res, &ex)
	criminal(r, &res, &ex)
	res.Figures = []Figure{
		{"minimum fine", res.Min.String(), minLaw},
		{"maximum fine", res.Max.String(), maxLaw},
		{"hearing threshold", res.HearingThreshold.String(), "SAMR Hearing Measures Art. 5 (Administrative Penalty Law 2021 Art. 63)"},
	}
	if r.ProposedFine > 0 {
		if err := CheckFine(res, r.ProposedFine); err != nil {
			return FineResult{}, err
		}
		if !r.ReceivedDate.IsZero() {
			p := LateSurcharge(r.ProposedFine, r.ReceivedDate, r.PaymentDue, r.PaidDate)
			res.Payment = &p
			res.Figures = append(res.Figures, p.figures()...)
			ex.steps = append(ex.steps, p.Steps...)
			ex.cite(citePayment)
		}
	}
	res.Citations, res.Steps = ex.cites.list, ex.steps
	return res, nil
}

func sellerField(r FineRequest) string {
	switch {
	case r.InnocentSeller:
		return "innocent_seller"
	case r.LawfulSource:
		return "lawful_source"
	default:
		return "supplier_named"
	}
}

// sellerDefence applies the innocent-seller rule of v: all three facts
// spare the fine (and, where v has one, the damages); a missing fact is
// named.
func sellerDefence(r FineRequest, v fineVersion, res *FineResult, ex *explainer) {
	art := v.law + ", " + v.innocentSeller
	if !r.innocentSeller() {
		var missing []string
		for _, m := range []struct {
			ok   bool
			what string
		}{{r.SellerDidNotKnow, "did not know the goods infringed"}, {r.LawfulSource, "shows the goods were lawfully obtained"},
			{r.SupplierNamed, "names the supplier"}} {
			if !m.ok {
				missing = append(missing, m.what)
			}
		}
		ex.stepf("Seller's defence (%s) not made out: it is not established that the seller %s; the fine applies", art, strings.Join(missing, ", "))
		return
	}
	res.InnocentSeller = true
	res.Min, res.Max = 0, 0
	res.Rule = "innocent seller: did not know, showed a lawful source and named the supplier — ordered to stop selling, no fine"
	ex.stepf("%s: a seller who did not know, shows the goods were lawfully obtained and names the supplier is only ordered to stop selling; no fine", art)
	ex.cite(art + ": a seller who did not know, shows a lawful source and names the supplier is only ordered to stop selling")
	if v.noCompensation != "" {
		res.NoCompensation = true
		ex.stepf("No damages are owed either (%s, %s)", v.law, v.noCompensation)
		ex.cite(v.law + ", " + v.noCompensation + ": such a seller owes no compensation")
	}
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
	checkAmount(rf, "sales", r.Sales)
	checkAmount(rf, "unsold_value", r.UnsoldValue)
	for _, c := range []struct {
		name string
		v    int64
	}{{"copies", r.Copies}, {"label_pieces", r.LabelPieces}, {"works_online", r.WorksOnline},
		{"downloads", r.Downloads}, {"clicks", r.Clicks}, {"members", r.Members}} {
		if c.v < 0 {
			rf.add(c.name, "%d is negative", c.v)
		}
	}
	checkFineDates(r, dOK, rf)
	checkCriminalAct(r, rf)
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
		if repeat || (r.Serious && r.Offence != OffenceTradeSecret && r.Offence != OffenceConfusion) {
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
