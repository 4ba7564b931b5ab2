package damages

import (
	"fmt"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// This file converts the CalculateDamages fields added for the temporal
// reading, the punitive claim, plant-variety cases, apportionment, court
// fees and per-figure citations; convert.go calls it.

var (
	punitiveClaimPairs = []enumPair[PunitiveClaim, ipcasev1.PunitiveClaim]{
		{PunitiveWithComplaint, ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_WITH_COMPLAINT},
		{PunitiveBeforeDebateEnd, ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_BEFORE_DEBATE_END},
		{PunitiveAfterDebateEnd, ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_AFTER_DEBATE_END},
		{PunitiveOnAppeal, ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_ON_APPEAL},
	}
	plantVarietyFactorPairs = []enumPair[PlantVarietyFactor, ipcasev1.PlantVarietyFactor]{
		{PVRepeatAfterPenalty, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_REPEAT_AFTER_PENALTY},
		{PVAsBusiness, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_AS_BUSINESS},
		{PVForgedCertificate, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_FORGED_CERTIFICATE},
		{PVUnlabelledPacks, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_UNLABELLED_PACKS},
		{PVSeedLawArt77, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_SEED_LAW_77},
		{PVRefusesSites, ipcasev1.PlantVarietyFactor_PLANT_VARIETY_FACTOR_REFUSES_SITES},
	}
	liabilityPairs = []enumPair[Liability, ipcasev1.Liability]{
		{JointAndSeveral, ipcasev1.Liability_LIABILITY_JOINT_AND_SEVERAL},
		{ByShare, ipcasev1.Liability_LIABILITY_BY_SHARE},
	}
)

// Proto returns c's DamagesService value.
func (c PunitiveClaim) Proto() ipcasev1.PunitiveClaim { return toProto(c, punitiveClaimPairs) }

// Proto returns f's DamagesService value.
func (f PlantVarietyFactor) Proto() ipcasev1.PlantVarietyFactor {
	return toProto(f, plantVarietyFactorPairs)
}

// Proto returns l's DamagesService value.
func (l Liability) Proto() ipcasev1.Liability { return toProto(l, liabilityPairs) }

const zeroShare = "a share is in (0, 1]; leave share empty on every defendant for equal shares"

// civilFromProto reads the added request fields into r.
func civilFromProto(d *decoder, req *ipcasev1.CalculateDamagesRequest, r *Request) {
	r.SeparateActs = req.GetSeparateActs()
	r.BooksWithheld = req.GetBooksWithheld()
	r.PunitiveClaim = fromProto(d, "punitive_claim", req.GetPunitiveClaim(), punitiveClaimPairs)
	r.Liability = fromProto(d, "liability", req.GetLiability(), liabilityPairs)
	if d.count("plant_variety_factors", len(req.GetPlantVarietyFactors()), maxFactors) {
		for i, f := range req.GetPlantVarietyFactors() {
			r.PlantVarietyFactors = append(r.PlantVarietyFactors, fromProto(d, fmt.Sprintf("plant_variety_factors[%d]", i), f, plantVarietyFactorPairs))
		}
	}
	if d.count("defendants", len(req.GetDefendants()), maxDefendants) {
		for i, def := range req.GetDefendants() {
			r.Defendants = append(r.Defendants, Defendant{Name: def.GetName(),
				Share: d.ratio(fmt.Sprintf("defendants[%d].share", i), def.GetShare(), zeroShare)})
		}
	}
}

// civilToProto writes the added result fields into out.
func civilToProto(r Result, out *ipcasev1.CalculateDamagesResponse) {
	for _, f := range r.Figures {
		out.Figures = append(out.Figures, &ipcasev1.DamagesFigure{Name: f.Name, Value: f.Value, Article: f.Article})
	}
	if f := r.CourtFee; f != nil {
		out.CourtFee = &ipcasev1.CourtFee{ClaimYuan: f.Claim.String(), FeeYuan: f.Fee.String()}
	}
	out.Liability = r.Liability.Proto()
	for _, d := range r.Defendants {
		ds := &ipcasev1.DefendantShare{Name: d.Name, OwesYuan: d.Owes.String(), InternalYuan: d.Internal.String()}
		if !d.Share.IsZero() {
			ds.Share = d.Share.String()
		}
		out.Defendants = append(out.Defendants, ds)
	}
	for i, p := range r.Periods {
		out.Periods[i].PunitiveLaw = p.PunitiveLaw
	}
}

// civilFromResponse reads the added response fields back into r.
func civilFromResponse(p *parser, resp *ipcasev1.CalculateDamagesResponse, r *Result) {
	for _, f := range resp.GetFigures() {
		r.Figures = append(r.Figures, Figure{Name: f.GetName(), Value: f.GetValue(), Article: f.GetArticle()})
	}
	if f := resp.GetCourtFee(); f != nil {
		r.CourtFee = &CourtFee{Claim: p.fen("court_fee.claim_yuan", f.GetClaimYuan()), Fee: p.fen("court_fee.fee_yuan", f.GetFeeYuan())}
	}
	var err error
	if r.Liability, err = decodeProto("liability", resp.GetLiability(), liabilityPairs); err != nil {
		p.errs = append(p.errs, err)
	}
	for i, d := range resp.GetDefendants() {
		f := fmt.Sprintf("defendants[%d].", i)
		r.Defendants = append(r.Defendants, DefendantShare{Name: d.GetName(), Share: p.ratio(f+"share", d.GetShare()),
			Owes: p.fen(f+"owes_yuan", d.GetOwesYuan()), Internal: p.fen(f+"internal_yuan", d.GetInternalYuan())})
	}
	for i, pp := range resp.GetPeriods() {
		if i < len(r.Periods) {
			r.Periods[i].PunitiveLaw = pp.GetPunitiveLaw()
		}
	}
}
