package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestCalculateExplains checks the flags, ranges, breakdown and steps a
// user sees, beyond the amounts TestCalculate checks.
func TestCalculateExplains(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	base := func(ip damages.IPType, start, end string, k damages.BaseKind, amount damages.Fen) damages.Request {
		return damages.Request{IPType: ip, Period: damages.Period{Start: day(t, start), End: day(t, end), BaseKind: k, Base: amount}}
	}

	t.Run("multiplicative 1x is flagged", func(t *testing.T) {
		t.Parallel()
		req := base(damages.Trademark, "2020-01-01", "2020-06-30", damages.ActualLoss, y(100_000))
		req.Multiple, req.Formula, req.Intentional, req.Serious, req.PunitiveClaim = ratio(t, "1"), damages.Multiplicative, true, true, damages.PunitiveWithComplaint
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		if !got.NoUplift || !containsLine(got.Steps, "Warning", "no punitive uplift") {
			t.Errorf("NoUplift %v, steps %q; want the flag and a warning", got.NoUplift, got.Steps)
		}
	})

	t.Run("additive is the default and says so", func(t *testing.T) {
		t.Parallel()
		req := base(damages.Copyright, "2022-01-01", "2022-12-31", damages.ActualLoss, y(100_000))
		req.Multiple, req.Intentional, req.Serious, req.PunitiveClaim = ratio(t, "1"), true, true, damages.PunitiveWithComplaint
		req.IntentFactors = []damages.IntentFactor{damages.AfterNotice, damages.PiracyCounterfeit}
		req.SeriousFactors = []damages.SeriousFactor{damages.InfringingAsBusiness}
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		// Copyright Law 2020 Art. 54: 100,000 + 1 × 100,000 = 200,000; additive 1× is not flagged.
		if got.Formula != damages.Additive || got.Damages != y(200_000) || got.NoUplift {
			t.Errorf("formula %s damages %s NoUplift %v; want additive 200000.00 false", got.Formula, got.Damages, got.NoUplift)
		}
		for _, frag := range [][]string{
			{"Formula: additive", "the default"},
			{"Intent: found", "Art. 3 factors", "after notice", "item 5"},
			{"Serious circumstances: found", "Art. 4 factors", "as a business (item 2)"},
		} {
			if !containsLine(got.Steps, frag...) {
				t.Errorf("steps lack %q: %q", frag, got.Steps)
			}
		}
		for _, c := range []string{"Civil Code Art. 1185", "Fa Shi [2021] No. 4 Art. 3", "Fa Shi [2021] No. 4 Art. 4", "Fa Shi [2021] No. 4 Art. 6"} {
			if !containsLine(got.Citations, c) {
				t.Errorf("citations lack %q", c)
			}
		}
		if containsLine(got.Citations, "Art. 1:") {
			t.Error("Art. 1 (malice) cited for a clause that says 故意")
		}
	})

	t.Run("malice bridge cited under Trademark 2019", func(t *testing.T) {
		t.Parallel()
		req := base(damages.Trademark, "2020-01-01", "2020-12-31", damages.ActualLoss, y(100_000))
		req.Multiple, req.Intentional, req.Serious, req.PunitiveClaim = ratio(t, "2"), true, true, damages.PunitiveWithComplaint
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		if !containsLine(got.Citations, "Fa Shi [2021] No. 4 Art. 1", "恶意") {
			t.Errorf("citations lack Art. 1: %q", got.Citations)
		}
	})

	t.Run("a formula without punitive damages is noted", func(t *testing.T) {
		t.Parallel()
		req := base(damages.Copyright, "2012-01-01", "2012-12-31", damages.ActualLoss, y(100_000))
		req.Formula = damages.Multiplicative
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		if got.Formula != damages.FormulaUnspecified || !containsLine(got.Steps, "no punitive damages apply; it has no effect") {
			t.Errorf("formula %s, steps %q", got.Formula, got.Steps)
		}
	})

	t.Run("statutory range is returned", func(t *testing.T) {
		t.Parallel()
		req := damages.Request{IPType: damages.PatentInvention, Statutory: true,
			Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31")}}
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		// Patent Law 2020 Art. 71 ¶2: 30,000–5,000,000.
		if got.Statutory == nil || got.Statutory.Min != y(30_000) || got.Statutory.Max != y(5_000_000) {
			t.Errorf("Statutory = %+v, want 30000.00–5000000.00", got.Statutory)
		}
		if !containsLine(got.Steps, "no amount chosen") || !containsLine(got.Citations, "not a punitive base") {
			t.Errorf("steps %q / citations %q do not explain the statutory range", got.Steps, got.Citations)
		}
	})

	t.Run("period breakdown and split note", func(t *testing.T) {
		t.Parallel()
		req := damages.Request{IPType: damages.TradeSecret, Multiple: ratio(t, "3"), Intentional: true, Serious: true, PunitiveClaim: damages.PunitiveWithComplaint,
			Periods: []damages.Period{
				{Start: day(t, "2018-06-01"), End: day(t, "2019-04-22"), BaseKind: damages.ActualLoss, Base: y(1_000_000)},
				{Start: day(t, "2019-04-23"), End: day(t, "2020-12-31"), BaseKind: damages.ActualLoss, Base: y(2_000_000)},
			}, PaidFine: y(500_000), ClaimTotal: y(1_000_000)}
		got, err := damages.Calculate(req)
		if err != nil {
			t.Fatal(err)
		}
		// AUCL 2017: 1,000,000 only. AUCL 2019: 2,000,000 + 6,000,000 = 8,000,000.
		// Total 9,000,000 > claim 1,000,000 → 1,000,000.
		p0, p1 := got.Periods[0], got.Periods[1]
		if !p0.Multiple.IsZero() || p0.Damages != y(1_000_000) || p1.Multiple.String() != "3" || p1.Punitive != y(6_000_000) || p1.Damages != y(8_000_000) {
			t.Errorf("periods = %+v", got.Periods)
		}
		if got.Total != y(1_000_000) || !got.CappedByClaim {
			t.Errorf("total %s capped %v, want 1000000.00 true", got.Total, got.CappedByClaim)
		}
		for _, frag := range [][]string{
			{"Period 1", "compensatory only", "Anti-Unfair Competition Law 2017, Art. 17, in force during the conduct, has no punitive clause"},
			{"One continuing act that ended under Anti-Unfair Competition Law 2019, Art. 17", "majority reading", "Fa Shi [2020] No. 15 Art. 1 ¶3"},
			{"Civil Code Art. 1185 is not applied", "before the Civil Code took effect on 2021-01-01"},
			{"Period 2: punitive 2,000,000.00 × 3 = 6,000,000.00"},
			{"Claim cap", "capped at 1,000,000.00"},
			{"500,000.00 already paid", "does not reduce", "Art. 6"},
		} {
			if !containsLine(got.Steps, frag...) {
				t.Errorf("steps lack %q: %q", frag, got.Steps)
			}
		}
		// One continuing act: compensation under the later law (SPC
		// Interpretation on Copyright Civil Disputes (2020) Art. 29, Fa Shi
		// [2014] No. 4 Art. 9, Fa Shi [2020] No. 15 Art. 1 ¶3), the
		// punitive part only under a punitive clause (Legislation Law 2023
		// Art. 104); Civil Code Art. 1185 is not cited, all conduct ended in
		// 2020.
		if !containsLine(got.Citations, "continuing act", "Fa Shi [2014] No. 4) Art. 9", "Legislation Law 2023 Art. 104") {
			t.Errorf("citations lack the temporal rule: %q", got.Citations)
		}
		if containsLine(got.Citations, "Civil Code Art. 1185") {
			t.Errorf("Civil Code Art. 1185 cited for conduct that ended in 2020: %q", got.Citations)
		}
	})
}
