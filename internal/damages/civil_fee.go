package damages

import (
	"fmt"
	"math/big"
)

// CourtFee is the case acceptance fee (案件受理费) of a property case for a
// given claim.
type CourtFee struct {
	// Claim is the amount claimed (诉讼请求的金额) the fee is computed on.
	Claim Fen `json:"claim"`
	// Fee is the fee, rounded half up to the fen once from its exact value.
	Fee Fen `json:"fee"`
}

// citeFee names the scale. IP civil cases with an amount in dispute pay as
// property cases (Art. 13(3)); those without one pay 500–1,000 per case,
// which is not computed here.
const citeFee = "Measures on the Payment of Litigation Costs (诉讼费用交纳办法, State Council Order No. 481, 2006) Art. 13(1): property cases pay on the amount claimed, cumulatively by bracket; Art. 13(3): IP civil cases with an amount in dispute pay as property cases"

// feeBrackets is the scale of Art. 13(1): items (2)–(10) charge rate (in
// basis points) on the part of the claim above from and up to upTo
// ("超过…至…的部分"); upTo 0 means no upper end. Item (1): 50 yuan for a claim
// of at most 10,000 ("不超过1万元的，每件交纳50元").
var feeBrackets = []struct {
	from, upTo Fen
	bp         int64
}{
	{Yuan(10_000), Yuan(100_000), 250},       // (2) 2.5 %
	{Yuan(100_000), Yuan(200_000), 200},      // (3) 2 %
	{Yuan(200_000), Yuan(500_000), 150},      // (4) 1.5 %
	{Yuan(500_000), Yuan(1_000_000), 100},    // (5) 1 %
	{Yuan(1_000_000), Yuan(2_000_000), 90},   // (6) 0.9 %
	{Yuan(2_000_000), Yuan(5_000_000), 80},   // (7) 0.8 %
	{Yuan(5_000_000), Yuan(10_000_000), 70},  // (8) 0.7 %
	{Yuan(10_000_000), Yuan(20_000_000), 60}, // (9) 0.6 %
	{Yuan(20_000_000), 0, 50},                // (10) 0.5 %
}

// flatFee is item (1): a claim of at most 10,000 pays 50 per case; a larger
// claim pays it for its first 10,000.
var flatFee = Yuan(50)

// courtFee computes the fee on claim and records each bracket as a step.
func courtFee(claim Fen, ex *explainer) (CourtFee, error) {
	exact := flatFee.rat()
	ex.stepf("Court fee on the claim %s: first 10,000.00 → 50.00 (诉讼费用交纳办法 Art. 13(1)(1))", claim.grouped())
	for i, b := range feeBrackets {
		if claim <= b.from {
			break
		}
		top := claim
		if b.upTo != 0 && b.upTo < claim {
			top = b.upTo
		}
		part := new(big.Rat).Mul((top - b.from).rat(), big.NewRat(b.bp, 10_000))
		exact.Add(exact, part)
		rounded, err := roundHalfUp(part)
		if err != nil {
			return CourtFee{}, err
		}
		ex.stepf("Court fee: %s … %s at %s %% → %s (Art. 13(1)(%d))", b.from.grouped(), top.grouped(),
			bpPercent(b.bp), rounded.grouped(), i+2)
	}
	fee, err := roundHalfUp(exact)
	if err != nil {
		return CourtFee{}, err
	}
	ex.stepf("Court fee: total %s, rounded once half up to the fen; who bears it follows the judgment (Art. 29)", fee.grouped())
	ex.cite(citeFee)
	return CourtFee{Claim: claim, Fee: fee}, nil
}

// bpPercent formats basis points as a percentage: 250 → "2.5", 90 → "0.9".
func bpPercent(bp int64) string {
	return Ratio{bp * ratioScale / 100}.String()
}

// claimAmount is the amount the plaintiff claims: the combined claim or
// the two separate claims; 0 if none was given.
func (req Request) claimAmount() Fen {
	if req.ClaimTotal > 0 {
		return req.ClaimTotal
	}
	return req.ClaimDamages + req.ClaimExpenses
}

// feeFigure is the figure line of a court fee.
func feeFigure(f CourtFee) Figure {
	return Figure{Name: "Court fee", Value: f.Fee.String(),
		Article: fmt.Sprintf("诉讼费用交纳办法 (State Council 2006) Art. 13(1), (3) on the claim %s", f.Claim)}
}
