package damages

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ipcase/ipcase/internal/civil"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
)

// This file converts between the DamagesService messages and the
// calculator's types. On the wire, money is a yuan decimal string in a field
// named *_yuan, ratios are decimal strings and dates YYYY-MM-DD (see
// damages_service.proto); here they become Fen, Ratio and civil.Date, parsed
// exactly, never through a float.

// Bounds on the lists and strings of a request that the calculator does not
// bound itself (it bounds periods at maxPeriods).
const (
	maxFactors    = 16
	maxProven     = 8
	maxThresholds = 64
	maxRule       = 500
)

// CalculateFromProto converts req, checks it and calls Calculate. Every
// refusal, of the wire form or of the law, is a *errs.FieldErrors whose
// field paths are the request's proto field names ("period.base_yuan",
// "multiple"), so a server can return it as is and a local caller sees what
// a remote one would.
func CalculateFromProto(req *ipcasev1.CalculateDamagesRequest) (Result, error) {
	r, err := requestFromProto(req)
	if err != nil {
		return Result{}, err
	}
	res, err := Calculate(r)
	return res, wireErrors(err)
}

// CalculateFineFromProto is CalculateFromProto for CalculateFine.
func CalculateFineFromProto(req *ipcasev1.CalculateFineRequest) (FineResult, error) {
	r, err := fineRequestFromProto(req)
	if err != nil {
		return FineResult{}, err
	}
	res, err := CalculateFine(r)
	return res, wireErrors(err)
}

// wireNames maps the calculator's field names to the proto's where they
// differ: money fields carry a _yuan suffix on the wire.
var wireNames = map[string]string{
	"base":                  "base_yuan",
	"statutory_amount":      "statutory_amount_yuan",
	"expenses":              "expenses_yuan",
	"claim_total":           "claim_total_yuan",
	"claim_damages":         "claim_damages_yuan",
	"claim_expenses":        "claim_expenses_yuan",
	"paid_fine":             "paid_fine_yuan",
	"business_volume":       "business_volume_yuan",
	"illegal_gains":         "illegal_gains_yuan",
	"goods_value":           "goods_value_yuan",
	"holder_loss":           "holder_loss_yuan",
	"sales":                 "sales_yuan",
	"unsold_value":          "unsold_value_yuan",
	"sales_plus_unsold":     "sales_plus_unsold_yuan",
	"proposed_fine":         "proposed_fine_yuan",
	"natural_person":        "natural_person_yuan",
	"organisation":          "organization_yuan",
	"repeat_within_5_years": "repeat_within_five_years",
}

// wireField renames the last element of a calculator field path
// ("periods[1].base") to its proto name ("periods[1].base_yuan").
func wireField(path string) string {
	head, leaf := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		head, leaf = path[:i+1], path[i+1:]
	}
	if w, ok := wireNames[leaf]; ok {
		return head + w
	}
	return path
}

// wireErrors turns the calculator's InputErrors into field violations on
// proto field paths; other errors (an internal overflow) pass unchanged.
func wireErrors(err error) error {
	var ies InputErrors
	if err == nil || !errors.As(err, &ies) {
		return err
	}
	var v errs.FieldErrors
	for _, e := range ies {
		v.Add(wireField(e.Field), "%s", e.Reason)
	}
	return v.Err()
}

// decoder parses wire values and collects a violation for each bad one.
type decoder struct{ errs.FieldErrors }

func (d *decoder) yuan(field, s string) Fen {
	if s == "" {
		return 0
	}
	f, err := ParseYuan(s)
	if err != nil {
		d.Add(field, "%v", err)
	}
	return f
}

func (d *decoder) date(field, s string) civil.Date {
	if s == "" {
		return civil.Date{} // the calculator says it is required
	}
	v, err := civil.Parse(s)
	if err != nil {
		d.Add(field, "%v", err)
	}
	return v
}

// ratio parses a multiple or a contribution rate. An explicit zero is
// refused with zeroReason: the calculator reads a zero Ratio as "not given",
// which would turn "0" into "no punitive damages" or "the whole base".
func (d *decoder) ratio(field, s, zeroReason string) Ratio {
	if s == "" {
		return Ratio{}
	}
	r, err := ParseRatio(s)
	switch {
	case err != nil:
		d.Add(field, "%v", err)
	case r.IsZero():
		d.Add(field, "%q: %s", s, zeroReason)
	}
	return r
}

func (d *decoder) count(field string, n, limit int) bool {
	if n > limit {
		d.Add(field, "%d given; at most %d are accepted", n, limit)
		return false
	}
	return true
}

const (
	zeroMultiple     = "a punitive multiple is never less than 1 (every punitive clause reads \"一倍以上\"); leave multiple empty for no punitive damages"
	zeroContribution = "a contribution rate is a share of the Fa Shi [2021] No. 4 Art. 5 base in (0, 1]; leave contribution empty to take the whole base"
)

// enumPair ties a calculator enum value to its proto value.
type enumPair[D comparable, P ~int32] struct {
	d D
	p P
}

// fromProto returns the calculator value of p, the zero value for the
// proto's UNSPECIFIED (the calculator decides whether it is required), and
// records a violation for a number the proto does not define.
func fromProto[D comparable, P ~int32](d *decoder, field string, p P, pairs []enumPair[D, P]) D {
	var zero D
	if p == 0 {
		return zero
	}
	for _, e := range pairs {
		if e.p == p {
			return e.d
		}
	}
	d.Add(field, "unknown value %d", int32(p))
	return zero
}

// toProto returns the proto value of v, or UNSPECIFIED.
func toProto[D comparable, P ~int32](v D, pairs []enumPair[D, P]) P {
	for _, e := range pairs {
		if e.d == v {
			return e.p
		}
	}
	return 0
}

// decodeProto is fromProto for a response, where an unknown value is an
// error rather than a violation.
func decodeProto[D comparable, P ~int32](what string, p P, pairs []enumPair[D, P]) (D, error) {
	var d decoder
	v := fromProto(&d, what, p, pairs)
	return v, d.Err()
}

var (
	ipTypePairs = []enumPair[IPType, ipcasev1.IpType]{
		{PatentInvention, ipcasev1.IpType_IP_TYPE_PATENT_INVENTION},
		{PatentUtilityModel, ipcasev1.IpType_IP_TYPE_PATENT_UTILITY_MODEL},
		{PatentDesign, ipcasev1.IpType_IP_TYPE_PATENT_DESIGN},
		{Trademark, ipcasev1.IpType_IP_TYPE_TRADEMARK},
		{Copyright, ipcasev1.IpType_IP_TYPE_COPYRIGHT},
		{TradeSecret, ipcasev1.IpType_IP_TYPE_TRADE_SECRET},
		{PlantVariety, ipcasev1.IpType_IP_TYPE_PLANT_VARIETY},
		{GeographicalIndication, ipcasev1.IpType_IP_TYPE_GEOGRAPHICAL_INDICATION},
		{ICLayout, ipcasev1.IpType_IP_TYPE_IC_LAYOUT_DESIGN},
	}
	baseKindPairs = []enumPair[BaseKind, ipcasev1.DamagesBaseKind]{
		{ActualLoss, ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_ACTUAL_LOSS},
		{InfringerProfit, ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_INFRINGER_PROFIT},
		{LicenceFee, ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_LICENCE_FEE},
	}
	formulaPairs = []enumPair[Formula, ipcasev1.PunitiveFormula]{
		{Additive, ipcasev1.PunitiveFormula_PUNITIVE_FORMULA_ADDITIVE},
		{Multiplicative, ipcasev1.PunitiveFormula_PUNITIVE_FORMULA_MULTIPLICATIVE},
	}
	intentFactorPairs = []enumPair[IntentFactor, ipcasev1.IntentFactor]{
		{AfterNotice, ipcasev1.IntentFactor_INTENT_FACTOR_AFTER_NOTICE},
		{PlaintiffOfficer, ipcasev1.IntentFactor_INTENT_FACTOR_PLAINTIFF_OFFICER},
		{RelationshipAccess, ipcasev1.IntentFactor_INTENT_FACTOR_RELATIONSHIP_ACCESS},
		{DealingsAccess, ipcasev1.IntentFactor_INTENT_FACTOR_DEALINGS_ACCESS},
		{PiracyCounterfeit, ipcasev1.IntentFactor_INTENT_FACTOR_PIRACY_COUNTERFEIT},
		{OtherIntent, ipcasev1.IntentFactor_INTENT_FACTOR_OTHER},
	}
	seriousFactorPairs = []enumPair[SeriousFactor, ipcasev1.SeriousFactor]{
		{RepeatAfterPenalty, ipcasev1.SeriousFactor_SERIOUS_FACTOR_REPEAT_AFTER_PENALTY},
		{InfringingAsBusiness, ipcasev1.SeriousFactor_SERIOUS_FACTOR_INFRINGING_AS_BUSINESS},
		{EvidenceTampering, ipcasev1.SeriousFactor_SERIOUS_FACTOR_EVIDENCE_TAMPERING},
		{DefiesPreservation, ipcasev1.SeriousFactor_SERIOUS_FACTOR_DEFIES_PRESERVATION},
		{HugeProfitOrLoss, ipcasev1.SeriousFactor_SERIOUS_FACTOR_HUGE_PROFIT_OR_LOSS},
		{EndangersPublic, ipcasev1.SeriousFactor_SERIOUS_FACTOR_ENDANGERS_PUBLIC},
		{OtherSerious, ipcasev1.SeriousFactor_SERIOUS_FACTOR_OTHER},
	}
	offencePairs = []enumPair[Offence, ipcasev1.FineOffence]{
		{OffenceTrademark, ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK},
		{OffenceCopyright, ipcasev1.FineOffence_FINE_OFFENCE_COPYRIGHT},
		{OffencePatentPassingOff, ipcasev1.FineOffence_FINE_OFFENCE_PATENT_PASSING_OFF},
		{OffenceTradeSecret, ipcasev1.FineOffence_FINE_OFFENCE_TRADE_SECRET},
		{OffencePlantVariety, ipcasev1.FineOffence_FINE_OFFENCE_PLANT_VARIETY},
		{OffenceConfusion, ipcasev1.FineOffence_FINE_OFFENCE_CONFUSION},
	}
	criminalActPairs = []enumPair[CriminalAct, ipcasev1.CriminalAct]{
		{ActCounterfeitGoods, ipcasev1.CriminalAct_CRIMINAL_ACT_COUNTERFEIT_GOODS},
		{ActCounterfeitServices, ipcasev1.CriminalAct_CRIMINAL_ACT_COUNTERFEIT_SERVICES},
		{ActSellCounterfeit, ipcasev1.CriminalAct_CRIMINAL_ACT_SELL_COUNTERFEIT},
		{ActLabels, ipcasev1.CriminalAct_CRIMINAL_ACT_LABELS},
		{ActPatentPassingOff, ipcasev1.CriminalAct_CRIMINAL_ACT_PATENT_PASSING_OFF},
		{ActCopyright, ipcasev1.CriminalAct_CRIMINAL_ACT_COPYRIGHT},
		{ActSellCopies, ipcasev1.CriminalAct_CRIMINAL_ACT_SELL_COPIES},
		{ActTradeSecret, ipcasev1.CriminalAct_CRIMINAL_ACT_TRADE_SECRET},
	}
	partyKindPairs = []enumPair[PartyKind, ipcasev1.PartyKind]{
		{NaturalPerson, ipcasev1.PartyKind_PARTY_KIND_PERSON},
		{Organisation, ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION},
	}
	conditionPairs = []enumPair[ThresholdCondition, ipcasev1.CriminalThresholdCondition]{
		{ThresholdAlways, ipcasev1.CriminalThresholdCondition_CRIMINAL_THRESHOLD_CONDITION_ALWAYS},
		{ThresholdRepeat, ipcasev1.CriminalThresholdCondition_CRIMINAL_THRESHOLD_CONDITION_REPEAT},
		{ThresholdMultipleRights, ipcasev1.CriminalThresholdCondition_CRIMINAL_THRESHOLD_CONDITION_MULTIPLE_RIGHTS},
	}
)

// Proto returns t's DamagesService value (IP_TYPE_UNSPECIFIED for the zero
// value).
func (t IPType) Proto() ipcasev1.IpType { return toProto(t, ipTypePairs) }

// Proto returns k's DamagesService value.
func (k BaseKind) Proto() ipcasev1.DamagesBaseKind { return toProto(k, baseKindPairs) }

// Proto returns f's DamagesService value.
func (f Formula) Proto() ipcasev1.PunitiveFormula { return toProto(f, formulaPairs) }

// Proto returns f's DamagesService value.
func (f IntentFactor) Proto() ipcasev1.IntentFactor { return toProto(f, intentFactorPairs) }

// Proto returns f's DamagesService value.
func (f SeriousFactor) Proto() ipcasev1.SeriousFactor { return toProto(f, seriousFactorPairs) }

// Proto returns o's DamagesService value.
func (o Offence) Proto() ipcasev1.FineOffence { return toProto(o, offencePairs) }

// Proto returns a's DamagesService value.
func (a CriminalAct) Proto() ipcasev1.CriminalAct { return toProto(a, criminalActPairs) }

// Proto returns p's DamagesService value.
func (p PartyKind) Proto() ipcasev1.PartyKind { return toProto(p, partyKindPairs) }

// requestFromProto checks the wire form of req: decimals, dates, enum
// numbers, explicit zeros and list lengths. The rules of law are
// Calculate's.
func requestFromProto(req *ipcasev1.CalculateDamagesRequest) (Request, error) {
	var d decoder
	r := Request{
		IPType:          fromProto(&d, "ip_type", req.GetIpType(), ipTypePairs),
		Statutory:       req.GetStatutory(),
		StatutoryAmount: d.yuan("statutory_amount_yuan", req.GetStatutoryAmountYuan()),
		Multiple:        d.ratio("multiple", req.GetMultiple(), zeroMultiple),
		Formula:         fromProto(&d, "formula", req.GetFormula(), formulaPairs),
		Intentional:     req.GetIntentional(),
		Serious:         req.GetSerious(),
		Expenses:        d.yuan("expenses_yuan", req.GetExpensesYuan()),
		ClaimTotal:      d.yuan("claim_total_yuan", req.GetClaimTotalYuan()),
		ClaimDamages:    d.yuan("claim_damages_yuan", req.GetClaimDamagesYuan()),
		ClaimExpenses:   d.yuan("claim_expenses_yuan", req.GetClaimExpensesYuan()),
		PaidFine:        d.yuan("paid_fine_yuan", req.GetPaidFineYuan()),
	}
	civilFromProto(&d, req, &r)
	if p := req.GetPeriod(); p != nil {
		r.Period = periodFromProto(&d, "period", p)
	}
	if d.count("periods", len(req.GetPeriods()), maxPeriods) {
		for i, p := range req.GetPeriods() {
			r.Periods = append(r.Periods, periodFromProto(&d, fmt.Sprintf("periods[%d]", i), p))
		}
	}
	if d.count("intent_factors", len(req.GetIntentFactors()), maxFactors) {
		for i, f := range req.GetIntentFactors() {
			r.IntentFactors = append(r.IntentFactors, fromProto(&d, fmt.Sprintf("intent_factors[%d]", i), f, intentFactorPairs))
		}
	}
	if d.count("serious_factors", len(req.GetSeriousFactors()), maxFactors) {
		for i, f := range req.GetSeriousFactors() {
			r.SeriousFactors = append(r.SeriousFactors, fromProto(&d, fmt.Sprintf("serious_factors[%d]", i), f, seriousFactorPairs))
		}
	}
	return r, d.Err()
}

func periodFromProto(d *decoder, field string, p *ipcasev1.DamagesPeriod) Period {
	out := Period{
		Start:        d.date(field+".start", p.GetStart()),
		End:          d.date(field+".end", p.GetEnd()),
		BaseKind:     fromProto(d, field+".base_kind", p.GetBaseKind(), baseKindPairs),
		Base:         d.yuan(field+".base_yuan", p.GetBaseYuan()),
		Contribution: d.ratio(field+".contribution", p.GetContribution(), zeroContribution),
		Multiple:     d.ratio(field+".multiple", p.GetMultiple(), zeroMultiple),
	}
	if d.count(field+".proven", len(p.GetProven()), maxProven) {
		for i, k := range p.GetProven() {
			f := fmt.Sprintf("%s.proven[%d]", field, i)
			if k == ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_UNSPECIFIED {
				d.Add(f, "required: actual-loss, infringer-profit or licence-fee")
				continue
			}
			out.Proven = append(out.Proven, fromProto(d, f, k, baseKindPairs))
		}
	}
	return out
}

// fineRequestFromProto is requestFromProto for CalculateFine.
func fineRequestFromProto(req *ipcasev1.CalculateFineRequest) (FineRequest, error) {
	var d decoder
	r := FineRequest{
		Offence:                fromProto(&d, "offence", req.GetOffence(), offencePairs),
		ConductDate:            d.date("conduct_date", req.GetConductDate()),
		DecisionDate:           d.date("decision_date", req.GetDecisionDate()),
		BusinessVolume:         d.yuan("business_volume_yuan", req.GetBusinessVolumeYuan()),
		IllegalGains:           d.yuan("illegal_gains_yuan", req.GetIllegalGainsYuan()),
		GoodsValue:             d.yuan("goods_value_yuan", req.GetGoodsValueYuan()),
		HolderLoss:             d.yuan("holder_loss_yuan", req.GetHolderLossYuan()),
		RepeatWithin5Years:     req.GetRepeatWithinFiveYears(),
		EarlierInfringements:   int(req.GetEarlierInfringements()),
		Serious:                req.GetSerious(),
		PublicInterest:         req.GetPublicInterest(),
		PassingOff:             req.GetPassingOff(),
		InnocentSeller:         req.GetInnocentSeller(),
		Party:                  fromProto(&d, "party", req.GetParty(), partyKindPairs),
		ProposedFine:           d.yuan("proposed_fine_yuan", req.GetProposedFineYuan()),
		CriminalRepeat:         req.GetCriminalRepeat(),
		MultipleRights:         req.GetMultipleRights(),
		CriminalAct:            fromProto(&d, "criminal_act", req.GetCriminalAct(), criminalActPairs),
		Sales:                  d.yuan("sales_yuan", req.GetSalesYuan()),
		UnsoldValue:            d.yuan("unsold_value_yuan", req.GetUnsoldValueYuan()),
		Copies:                 req.GetCopies(),
		LabelPieces:            req.GetLabelPieces(),
		WorksOnline:            req.GetWorksOnline(),
		Downloads:              req.GetDownloads(),
		Clicks:                 req.GetClicks(),
		Members:                req.GetMembers(),
		SellerDidNotKnow:       req.GetSellerDidNotKnow(),
		LawfulSource:           req.GetLawfulSource(),
		SupplierNamed:          req.GetSupplierNamed(),
		CorrectedInTime:        req.GetCorrectedInTime(),
		MinorNoHarm:            req.GetMinorNoHarm(),
		FirstViolation:         req.GetFirstViolation(),
		MinorHarm:              req.GetMinorHarm(),
		Mitigation:             req.GetMitigation(),
		DiscoveredDate:         d.date("discovered_date", req.GetDiscoveredDate()),
		EndangersLifeOrFinance: req.GetEndangersLifeOrFinance(),
		ReceivedDate:           d.date("received_date", req.GetReceivedDate()),
		PaidDate:               d.date("paid_date", req.GetPaidDate()),
		PaymentDue:             d.date("payment_due", req.GetPaymentDue()),
	}
	if h := req.GetHearingThresholds(); h != nil {
		r.Hearing = HearingThresholds{
			NaturalPerson: d.yuan("hearing_thresholds.natural_person_yuan", h.GetNaturalPersonYuan()),
			Organisation:  d.yuan("hearing_thresholds.organization_yuan", h.GetOrganizationYuan()),
		}
	}
	if d.count("criminal_thresholds", len(req.GetCriminalThresholds()), maxThresholds) {
		for i, t := range req.GetCriminalThresholds() {
			r.CriminalThresholds = append(r.CriminalThresholds, thresholdFromProto(&d, fmt.Sprintf("criminal_thresholds[%d]", i), t))
		}
	}
	return r, d.Err()
}

func thresholdFromProto(d *decoder, field string, t *ipcasev1.CriminalThreshold) CriminalThreshold {
	out := CriminalThreshold{
		Offence:         fromProto(d, field+".offence", t.GetOffence(), offencePairs),
		Condition:       fromProto(d, field+".condition", t.GetCondition(), conditionPairs),
		Rule:            t.GetRule(),
		IllegalGains:    d.yuan(field+".illegal_gains_yuan", t.GetIllegalGainsYuan()),
		BusinessVolume:  d.yuan(field+".business_volume_yuan", t.GetBusinessVolumeYuan()),
		HolderLoss:      d.yuan(field+".holder_loss_yuan", t.GetHolderLossYuan()),
		Act:             fromProto(d, field+".act", t.GetAct(), criminalActPairs),
		Sales:           d.yuan(field+".sales_yuan", t.GetSalesYuan()),
		SalesPlusUnsold: d.yuan(field+".sales_plus_unsold_yuan", t.GetSalesPlusUnsoldYuan()),
		Copies:          t.GetCopies(),
		LabelPieces:     t.GetLabelPieces(),
		WorksOnline:     t.GetWorksOnline(),
		Downloads:       t.GetDownloads(),
		Clicks:          t.GetClicks(),
		Members:         t.GetMembers(),
		HalfOfTwo:       t.GetHalfOfTwo(),
	}
	// ThresholdAlways is the calculator's zero value, so the proto's
	// UNSPECIFIED cannot be left for the calculator to refuse.
	if t.GetCondition() == ipcasev1.CriminalThresholdCondition_CRIMINAL_THRESHOLD_CONDITION_UNSPECIFIED {
		d.Add(field+".condition", "required: always, repeat or multiple-rights")
	}
	if n := utf8.RuneCountInString(out.Rule); n > maxRule {
		d.Add(field+".rule", "too long: %d characters, at most %d", n, maxRule)
	}
	return out
}

// ResultToProto converts a Calculate result to its response message.
func ResultToProto(r Result) *ipcasev1.CalculateDamagesResponse {
	out := &ipcasev1.CalculateDamagesResponse{
		BaseYuan:      r.Base.String(),
		PunitiveYuan:  r.Punitive.String(),
		DamagesYuan:   r.Damages.String(),
		ExpensesYuan:  r.Expenses.String(),
		TotalYuan:     r.Total.String(),
		CappedByClaim: r.CappedByClaim,
		Formula:       r.Formula.Proto(),
		NoUplift:      r.NoUplift,
		Law:           r.Law,
		Citations:     r.Citations,
		Steps:         r.Steps,
	}
	if s := r.Statutory; s != nil {
		out.StatutoryRange = &ipcasev1.StatutoryDamagesRange{MinYuan: s.Min.String(), MaxYuan: s.Max.String()}
	}
	for _, p := range r.Periods {
		pr := &ipcasev1.DamagesPeriodResult{
			Start:             p.Start.String(),
			End:               p.End.String(),
			Law:               p.Law,
			BaseKind:          p.BaseKind.Proto(),
			BaseYuan:          p.Base.String(),
			Contribution:      p.Contribution.String(),
			EffectiveBaseYuan: p.EffectiveBase.String(),
			PunitiveYuan:      p.Punitive.String(),
			DamagesYuan:       p.Damages.String(),
		}
		if !p.Multiple.IsZero() {
			pr.Multiple = p.Multiple.String()
		}
		out.Periods = append(out.Periods, pr)
	}
	civilToProto(r, out)
	return out
}

// ResultFromProto converts a CalculateDamages response back to the Result it
// was made from, so that a client shows a remote result exactly as a local
// one. It fails only on a malformed response.
func ResultFromProto(resp *ipcasev1.CalculateDamagesResponse) (Result, error) {
	var p parser
	r := Result{
		Base:          p.fen("base_yuan", resp.GetBaseYuan()),
		Punitive:      p.fen("punitive_yuan", resp.GetPunitiveYuan()),
		Damages:       p.fen("damages_yuan", resp.GetDamagesYuan()),
		Expenses:      p.fen("expenses_yuan", resp.GetExpensesYuan()),
		Total:         p.fen("total_yuan", resp.GetTotalYuan()),
		CappedByClaim: resp.GetCappedByClaim(),
		NoUplift:      resp.GetNoUplift(),
		Law:           resp.GetLaw(),
		Citations:     resp.GetCitations(),
		Steps:         resp.GetSteps(),
	}
	var err error
	if r.Formula, err = decodeProto("formula", resp.GetFormula(), formulaPairs); err != nil {
		p.errs = append(p.errs, err)
	}
	if s := resp.GetStatutoryRange(); s != nil {
		r.Statutory = &StatutoryRange{Min: p.fen("statutory_range.min_yuan", s.GetMinYuan()), Max: p.fen("statutory_range.max_yuan", s.GetMaxYuan())}
	}
	for i, pp := range resp.GetPeriods() {
		f := fmt.Sprintf("periods[%d].", i)
		pr := PeriodResult{
			Start:         p.date(f+"start", pp.GetStart()),
			End:           p.date(f+"end", pp.GetEnd()),
			Law:           pp.GetLaw(),
			Base:          p.fen(f+"base_yuan", pp.GetBaseYuan()),
			Contribution:  p.ratio(f+"contribution", pp.GetContribution()),
			EffectiveBase: p.fen(f+"effective_base_yuan", pp.GetEffectiveBaseYuan()),
			Multiple:      p.ratio(f+"multiple", pp.GetMultiple()),
			Punitive:      p.fen(f+"punitive_yuan", pp.GetPunitiveYuan()),
			Damages:       p.fen(f+"damages_yuan", pp.GetDamagesYuan()),
		}
		if pr.BaseKind, err = decodeProto(f+"base_kind", pp.GetBaseKind(), baseKindPairs); err != nil {
			p.errs = append(p.errs, err)
		}
		r.Periods = append(r.Periods, pr)
	}
	civilFromResponse(&p, resp, &r)
	return r, p.err()
}

// FineResultToProto converts a CalculateFine result to its response message.
func FineResultToProto(r FineResult) *ipcasev1.CalculateFineResponse {
	out := &ipcasev1.CalculateFineResponse{
		MinYuan:                r.Min.String(),
		MaxYuan:                r.Max.String(),
		Law:                    r.Law,
		Rule:                   r.Rule,
		LighterLaterLaw:        r.LighterLaterLaw,
		Heavier:                r.Heavier,
		HearingRequired:        r.HearingRequired,
		HearingThresholdYuan:   r.HearingThreshold.String(),
		CriminalTransfer:       r.CriminalTransfer,
		CriminalRules:          r.CriminalRules,
		Citations:              r.Citations,
		Steps:                  r.Steps,
		CriminalAct:            r.CriminalAct.Proto(),
		CriminalInterpretation: r.CriminalInterpretation,
		InnocentSeller:         r.InnocentSeller,
		NoCompensation:         r.NoCompensation,
		NoPenalty:              r.NoPenalty,
		TimeBarred:             r.TimeBarred,
		MayWaive:               r.MayWaive,
		Mitigated:              r.Mitigated,
	}
	for _, f := range r.Figures {
		out.Figures = append(out.Figures, &ipcasev1.FineFigure{Name: f.Name, Value: f.Value, Article: f.Article})
	}
	if p := r.Payment; p != nil {
		out.Payment = &ipcasev1.LatePayment{FineYuan: p.Fine.String(), ReceivedDate: p.Received.String(), DueDate: p.Due.String(),
			DaysLate: int64(p.DaysLate), SurchargeYuan: p.Surcharge.String(), Capped: p.Capped, TotalYuan: p.Total.String()}
		if !p.Paid.IsZero() {
			out.Payment.PaidDate = p.Paid.String()
		}
	}
	return out
}

// FineResultFromProto converts a CalculateFine response back to its
// FineResult. It fails only on a malformed response.
func FineResultFromProto(resp *ipcasev1.CalculateFineResponse) (FineResult, error) {
	var p parser
	r := FineResult{
		Min:                    p.fen("min_yuan", resp.GetMinYuan()),
		Max:                    p.fen("max_yuan", resp.GetMaxYuan()),
		Law:                    resp.GetLaw(),
		Rule:                   resp.GetRule(),
		LighterLaterLaw:        resp.GetLighterLaterLaw(),
		Heavier:                resp.GetHeavier(),
		HearingRequired:        resp.GetHearingRequired(),
		HearingThreshold:       p.fen("hearing_threshold_yuan", resp.GetHearingThresholdYuan()),
		CriminalTransfer:       resp.GetCriminalTransfer(),
		CriminalRules:          resp.GetCriminalRules(),
		Citations:              resp.GetCitations(),
		Steps:                  resp.GetSteps(),
		CriminalInterpretation: resp.GetCriminalInterpretation(),
		InnocentSeller:         resp.GetInnocentSeller(),
		NoCompensation:         resp.GetNoCompensation(),
		NoPenalty:              resp.GetNoPenalty(),
		TimeBarred:             resp.GetTimeBarred(),
		MayWaive:               resp.GetMayWaive(),
		Mitigated:              resp.GetMitigated(),
	}
	var err error
	if r.CriminalAct, err = decodeProto("criminal_act", resp.GetCriminalAct(), criminalActPairs); err != nil {
		p.errs = append(p.errs, err)
	}
	for _, f := range resp.GetFigures() {
		r.Figures = append(r.Figures, Figure{Name: f.GetName(), Value: f.GetValue(), Article: f.GetArticle()})
	}
	if pp := resp.GetPayment(); pp != nil {
		r.Payment = &Payment{Fine: p.fen("payment.fine_yuan", pp.GetFineYuan()), Received: p.date("payment.received_date", pp.GetReceivedDate()),
			Due: p.date("payment.due_date", pp.GetDueDate()), DaysLate: int(pp.GetDaysLate()),
			Surcharge: p.fen("payment.surcharge_yuan", pp.GetSurchargeYuan()), Capped: pp.GetCapped(), Total: p.fen("payment.total_yuan", pp.GetTotalYuan())}
		if pp.GetPaidDate() != "" {
			r.Payment.Paid = p.date("payment.paid_date", pp.GetPaidDate())
		}
	}
	return r, p.err()
}

// parser reads the figures of a response, which are signed (a punitive part
// is never negative today, but a response is not the place to refuse one).
type parser struct{ errs []error }

func (p *parser) fen(field, s string) Fen {
	neg := strings.HasPrefix(s, "-")
	f, err := ParseYuan(strings.TrimPrefix(s, "-"))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", field, err))
	}
	if neg {
		return -f
	}
	return f
}

func (p *parser) ratio(field, s string) Ratio {
	if s == "" {
		return Ratio{}
	}
	r, err := ParseRatio(s)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", field, err))
	}
	return r
}

func (p *parser) date(field, s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", field, err))
	}
	return d
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return fmt.Errorf("malformed DamagesService response: %w", errors.Join(p.errs...))
}

// OffenceFromProto decodes a proto offence; UNSPECIFIED and unknown values
// are an error.
func OffenceFromProto(p ipcasev1.FineOffence) (Offence, error) {
	return decodeProto("offence", p, offencePairs)
}

// IPTypeFromProto decodes a proto IP type; UNSPECIFIED and unknown values
// are an error.
func IPTypeFromProto(p ipcasev1.IpType) (IPType, error) {
	return decodeProto("IP type", p, ipTypePairs)
}
