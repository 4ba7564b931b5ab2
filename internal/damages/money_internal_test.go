package damages

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestRoundHalfUp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		num, den int64
		want     Fen
	}{
		{1, 2, 1},            // 0.5 fen → 1 (half up)
		{3, 2, 2},            // 1.5 → 2
		{5, 2, 3},            // 2.5 → 3, not banker's 2
		{49_999, 100_000, 0}, // 0.49999 → 0
		{-5, 2, -3},          // halves go away from zero
		{100_001 * 5, 10, 50_001},
		{7, 1, 7},
	} {
		got, err := roundHalfUp(big.NewRat(tt.num, tt.den))
		if err != nil || got != tt.want {
			t.Errorf("roundHalfUp(%d/%d) = %d, %v; want %d", tt.num, tt.den, got, err, tt.want)
		}
	}
	huge := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(1))
	if _, err := roundHalfUp(huge); err == nil {
		t.Error("roundHalfUp(2^70) did not report the overflow")
	}
}

// TestLighterOf exercises Administrative Penalty Law Art. 37 with a made-up
// pair of rules, since no encoded later rule is lighter than its
// predecessor: the later rule caps the fine at 4 × gains (like Patent Law
// 2008 Art. 63) where the earlier one allowed 5 × (Patent Law 2020 Art. 68).
func TestLighterOf(t *testing.T) {
	t.Parallel()
	earlier := fineVersion{law: "Earlier Law", article: "Art. 1", inForce: ymd(2020, 1, 1), band: patent2020Band}
	later := fineVersion{law: "Later Law", article: "Art. 1", inForce: ymd(2024, 1, 1), band: patent2008Band}
	r := FineRequest{IllegalGains: Yuan(100_000), DecisionDate: ymd(2024, 6, 1)}

	var ex explainer
	v, band, lighter := lighterOf(r, earlier, later, &ex)
	// Earlier: gains 100,000 > 50,000 → up to 5 × 100,000 = 500,000.
	// Later: up to 4 × 100,000 = 400,000 < 500,000 → the later rule applies.
	if !lighter || v.name() != "Later Law, Art. 1" || band.max != Yuan(400_000) {
		t.Errorf("lighterOf = %s, max %s, lighter %v; want Later Law, 400000.00, true", v.name(), band.max, lighter)
	}

	// The reverse: the later rule (5 × = 500,000) is heavier → the earlier stays.
	v, band, lighter = lighterOf(r, later, earlier, &ex)
	if lighter || v.name() != "Later Law, Art. 1" || band.max != Yuan(400_000) {
		t.Errorf("reverse lighterOf = %s, max %s, lighter %v; want Later Law, 400000.00, false", v.name(), band.max, lighter)
	}

	// Same maximum, lower minimum is lighter too: 0–250,000 beats 50,000–250,000.
	if !(fineBand{0, Yuan(250_000), ""}).lighterThan(fineBand{Yuan(50_000), Yuan(250_000), ""}) {
		t.Error("a lower minimum with the same maximum is not lighter")
	}
}

// TestFormulaIdentity checks at the formula level, where validation does
// not stop a multiple below 1, that base × m equals base + base × (m − 1)
// to the fen for any m in [1, 5] (at m = 1 the additive multiple is 0, no
// uplift at all).
func TestFormulaIdentity(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		p := Period{Start: ymd(2020, 1, 1), End: ymd(2020, 12, 31), BaseKind: ActualLoss,
			Base: Fen(1 + rng.Int64N(1e10)), Contribution: Ratio{1 + rng.Int64N(ratioScale)}}
		v, _ := VersionAt(Trademark, p.Start)
		m := Ratio{ratioScale + rng.Int64N(4*ratioScale+1)}
		mul, err := compute(Request{Formula: Multiplicative}, []plan{{p: p, v: v, m: m}})
		if err != nil {
			t.Fatal(err)
		}
		add, err := compute(Request{Formula: Additive}, []plan{{p: p, v: v, m: Ratio{m.micro - ratioScale}}})
		if err != nil {
			t.Fatal(err)
		}
		if mul.Damages != add.Damages || mul.Base != add.Base {
			t.Fatalf("case %d: base %s m %s: multiplicative %s, additive (m − 1) %s", i, p.Base, m, mul.Damages, add.Damages)
		}
	}
}
