package damages_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

var allIPTypes = []damages.IPType{damages.PatentInvention, damages.PatentUtilityModel, damages.PatentDesign,
	damages.Trademark, damages.Copyright, damages.TradeSecret, damages.PlantVariety,
	damages.GeographicalIndication, damages.ICLayout}

// microRatio is n millionths as a Ratio.
func microRatio(t testing.TB, n int64) damages.Ratio {
	return ratio(t, fmt.Sprintf("%d.%06d", n/1_000_000, n%1_000_000))
}

// ratioMicro is r in millionths, read back from its decimal string.
func ratioMicro(t testing.TB, r damages.Ratio) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(r.String(), ".")
	n, err := strconv.ParseInt(whole+(frac + "000000")[:6], 10, 64)
	if err != nil {
		t.Fatalf("ratio %s: %v", r, err)
	}
	return n
}

type claimMode int

const (
	noClaim claimMode = iota
	combinedClaim
	separateClaims
)

// randomRequest builds a valid request: 1–3 periods, each inside one
// version, a base kind the version accepts, and (sometimes) a multiple
// inside every punitive period's range. It returns the multiple in
// millionths (0 if none) and the largest it could have been.
func randomRequest(t testing.TB, rng *rand.Rand) (req damages.Request, m, maxM int64, mode claimMode) {
	ip := allIPTypes[rng.IntN(len(allIPTypes))]
	vs := damages.Versions(ip)
	cur := vs[rng.IntN(len(vs))].InForce.AddDays(rng.IntN(300))
	maxM = 1 << 62
	punitive := false
	for range 1 + rng.IntN(3) {
		end := cur.AddDays(rng.IntN(400))
		if bs := damages.Boundaries(ip, cur, end); len(bs) > 0 {
			end = bs[0].AddDays(-1)
		}
		v, _ := damages.VersionAt(ip, cur)
		kinds := []damages.BaseKind{damages.ActualLoss, damages.InfringerProfit}
		if v.LicenceFee {
			kinds = append(kinds, damages.LicenceFee)
		}
		p := damages.Period{Start: cur, End: end, BaseKind: kinds[rng.IntN(len(kinds))], Base: damages.Fen(1 + rng.Int64N(10_000_000_000))}
		if rng.IntN(2) == 0 {
			p.Proven = []damages.BaseKind{p.BaseKind}
		}
		if rng.IntN(2) == 0 {
			p.Contribution = microRatio(t, 1+rng.Int64N(1_000_000))
		}
		if v.Punitive {
			punitive = true
			maxM = min(maxM, ratioMicro(t, v.MultipleMax))
		}
		req.Periods = append(req.Periods, p)
		cur = end.AddDays(1 + rng.IntN(60))
	}
	req.IPType = ip
	if punitive && rng.IntN(4) != 0 {
		m = 1_000_000 + rng.Int64N(maxM-1_000_000+1)
		req.Multiple, req.Intentional, req.Serious, req.PunitiveClaim = microRatio(t, m), true, true, damages.PunitiveWithComplaint
		req.Formula = []damages.Formula{0, damages.Additive, damages.Multiplicative}[rng.IntN(3)]
	}
	if rng.IntN(2) == 0 {
		req.Expenses = damages.Fen(rng.Int64N(100_000_000))
	}
	switch mode = claimMode(rng.IntN(3)); mode {
	case combinedClaim:
		req.ClaimTotal = damages.Fen(1 + rng.Int64N(200_000_000_000))
	case separateClaims:
		req.ClaimDamages = damages.Fen(1 + rng.Int64N(200_000_000_000))
		req.ClaimExpenses = damages.Fen(1 + rng.Int64N(100_000_000))
	case noClaim: // nothing claimed: the award is not capped
	}
	return req, m, maxM, mode
}

// TestCalculateProperties checks, over a few thousand random valid
// requests: the award never exceeds the claim; it is at least the base (or
// the claim, if lower); base + punitive = damages; and the multiplicative
// award with m equals the additive award with m − 1.
func TestCalculateProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2021_03_03, 4)) // Fa Shi [2021] No. 4 took effect 2021-03-03
	for i := range 4000 {
		req, m, maxM, mode := randomRequest(t, rng)
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatalf("case %d: Calculate(%+v): %v", i, req, err)
		}
		uncapped := got.Damages + got.Expenses
		if got.Base+got.Punitive != got.Damages || got.Punitive < 0 || got.Total > uncapped ||
			got.CappedByClaim != (got.Total < uncapped) {
			t.Fatalf("case %d: base %s punitive %s damages %s expenses %s total %s capped %v",
				i, got.Base, got.Punitive, got.Damages, got.Expenses, got.Total, got.CappedByClaim)
		}
		switch mode {
		case noClaim:
			if got.Total != uncapped {
				t.Fatalf("case %d: total %s ≠ damages + expenses %s with no claim", i, got.Total, uncapped)
			}
		case combinedClaim:
			if got.Total > req.ClaimTotal || got.Total < min(got.Base, req.ClaimTotal) {
				t.Fatalf("case %d: total %s outside [min(base %s, claim %s), claim]", i, got.Total, got.Base, req.ClaimTotal)
			}
		case separateClaims:
			if got.Total > req.ClaimDamages+req.ClaimExpenses || got.Total < min(got.Base, req.ClaimDamages) {
				t.Fatalf("case %d: total %s outside [min(base %s, damages claim %s), claims %s]",
					i, got.Total, got.Base, req.ClaimDamages, req.ClaimDamages+req.ClaimExpenses)
			}
		}
		if m == 0 {
			continue
		}
		// Flip the formula: multiplicative m ⇔ additive m − 1, when both
		// multiples are valid (≥ 1 and within every period's range).
		twin := req
		if req.Formula == damages.Multiplicative {
			if m < 2_000_000 {
				continue
			}
			twin.Formula, twin.Multiple = damages.Additive, microRatio(t, m-1_000_000)
		} else {
			if m+1_000_000 > maxM {
				continue
			}
			twin.Formula, twin.Multiple = damages.Multiplicative, microRatio(t, m+1_000_000)
		}
		other, err := damages.Calculate(twin)
		if err != nil {
			t.Fatalf("case %d: twin: %v", i, err)
		}
		if other.Damages != got.Damages || other.Base != got.Base || other.Punitive != got.Punitive || other.Total != got.Total {
			t.Fatalf("case %d: %s %s → damages %s; %s %s → damages %s",
				i, req.Formula, req.Multiple, got.Damages, twin.Formula, twin.Multiple, other.Damages)
		}
	}
}
