package damages_test

import (
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestContinuingAct checks the temporal reading of issue 14 item 2: one
// continuing act that straddles an amendment is compensated under the
// amended law — one award, the later law's range (SPC Interpretation on
// Copyright Civil Disputes (2020) Art. 29; Fa Shi [2014] No. 4 Art. 9; Fa Shi
// [2020] No. 15 Art. 1 ¶3) — and only the punitive part is limited to the
// conduct after the punitive clause took effect.
func TestContinuingAct(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	span := damages.Period{Start: day(t, "2020-01-01"), End: day(t, "2022-12-31")}

	t.Run("one statutory award in the later range", func(t *testing.T) {
		t.Parallel()
		// Copyright 2020-01 … 2022-12, one continuing act: Copyright Law 2020
		// Art. 54 ¶2 (in force 2021-06-01) governs the whole, 500–5,000,000;
		// 3,000,000 is above the 2010 Art. 49 ¶2 cap of 500,000 but within
		// the later range: one award of 3,000,000, not 500,000 + 5,000,000.
		got, err := damages.Calculate(damages.Request{IPType: damages.Copyright, Period: span,
			Statutory: true, StatutoryAmount: y(3_000_000)})
		if err != nil {
			t.Fatal(err)
		}
		if got.Damages != y(3_000_000) || got.Total != y(3_000_000) || got.Statutory.Min != y(500) || got.Statutory.Max != y(5_000_000) {
			t.Errorf("damages %s range %+v, want 3000000.00 in 500.00–5000000.00", got.Damages, got.Statutory)
		}
		if got.Law != "Copyright Law 2020, Art. 54" {
			t.Errorf("law %q", got.Law)
		}
		if !containsLine(got.Steps, "One continuing act", "Copyright Law 2020, Art. 54", "majority reading", "Art. 29") ||
			!containsLine(got.Citations, "continuing act", "Fa Shi [2014] No. 4) Art. 9", "Fa Shi [2020] No. 15) Art. 1 ¶3") {
			t.Errorf("the reading is not stated and cited:\n%s\n%s", strings.Join(got.Steps, "\n"), strings.Join(got.Citations, "\n"))
		}
		if !containsFigure(got.Figures, "Statutory range", "500.00–5000000.00", "Copyright Law 2020, Art. 54 ¶2") {
			t.Errorf("figures %+v", got.Figures)
		}
	})

	t.Run("no second award stacked per version", func(t *testing.T) {
		t.Parallel()
		// 5,000,001 is above the later range: refused; there is no second
		// range to add it to.
		_, err := damages.Calculate(damages.Request{IPType: damages.Copyright, Statutory: true, StatutoryAmount: y(5_000_000) + 1,
			Periods: []damages.Period{
				{Start: day(t, "2020-01-01"), End: day(t, "2021-05-31")},
				{Start: day(t, "2021-06-01"), End: day(t, "2022-12-31")},
			}})
		wantRefusal(t, err, "statutory_amount", "5,000,000.01 is outside the statutory range 500.00–5,000,000.00 of Copyright Law 2020, Art. 54")
	})

	t.Run("a straddling period without a multiple", func(t *testing.T) {
		t.Parallel()
		// Patent 2020-01-01 … 2022-12-31, profit 900,000 with the loss
		// proven: Patent Law 2020 Art. 71 ¶1 (the law when the act ended)
		// lets the holder choose the profit; no multiple: 900,000.
		got, err := damages.Calculate(damages.Request{IPType: damages.PatentInvention,
			Period: damages.Period{Start: span.Start, End: span.End, BaseKind: damages.InfringerProfit, Base: y(900_000),
				Proven: []damages.BaseKind{damages.ActualLoss}}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != y(900_000) || got.Law != "Patent Law 2020, Art. 71" {
			t.Errorf("total %s law %q", got.Total, got.Law)
		}
	})

	t.Run("the punitive part stops at the punitive clause", func(t *testing.T) {
		t.Parallel()
		// A straddling period cannot take a multiple: Patent Law 2008 Art. 65
		// has none, so the part before 2021-06-01 must be given apart.
		_, err := damages.Calculate(damages.Request{IPType: damages.PatentInvention, Multiple: ratio(t, "2"),
			Intentional: true, Serious: true, PunitiveClaim: damages.PunitiveWithComplaint,
			Period: damages.Period{Start: span.Start, End: span.End, BaseKind: damages.ActualLoss, Base: y(900_000)}})
		wantRefusal(t, err, "period", "straddles 2021-06-01", "compensated under Patent Law 2020, Art. 71",
			"split the period at 2021-06-01 (2020-01-01 … 2021-05-31 and 2021-06-01 … 2022-12-31)")
	})
}

// TestPunitiveClaim checks Fa Shi [2021] No. 4 Art. 2: punitive damages only
// on the plaintiff's claim, made in the complaint or before the
// first-instance court debate ended.
func TestPunitiveClaim(t *testing.T) {
	t.Parallel()
	// Trademark Law 2019 Art. 63 ¶1, 2022 conduct: loss 100,000, additive
	// 2×: 100,000 + 200,000 = 300,000 when the claim is in time.
	req := func(c damages.PunitiveClaim) damages.Request {
		return damages.Request{IPType: damages.Trademark, Multiple: ratio(t, "2"), Intentional: true, Serious: true, PunitiveClaim: c,
			Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(100_000)}}
	}
	for _, c := range []damages.PunitiveClaim{damages.PunitiveWithComplaint, damages.PunitiveBeforeDebateEnd} {
		got, err := damages.Calculate(req(c))
		if err != nil || got.Damages != damages.Yuan(300_000) {
			t.Errorf("%s: damages %s, %v; want 300000.00", c, got.Damages, err)
		}
	}
	for c, frag := range map[damages.PunitiveClaim]string{
		damages.PunitiveNotClaimed:     "only on the plaintiff's claim",
		damages.PunitiveAfterDebateEnd: "after the first-instance court debate ended is out of time",
		damages.PunitiveOnAppeal:       "may only mediate it and, failing agreement, tells the plaintiff to sue separately",
	} {
		_, err := damages.Calculate(req(c))
		wantRefusal(t, err, "punitive_claim", frag, "Fa Shi [2021] No. 4 Art. 2")
	}
	// Without a multiple the claim stage matters not: compensatory 100,000.
	r := req(damages.PunitiveOnAppeal)
	r.Multiple = damages.Ratio{}
	if got, err := damages.Calculate(r); err != nil || got.Damages != damages.Yuan(100_000) {
		t.Errorf("compensatory only: %s, %v", got.Damages, err)
	}
}

// TestBooksWithheld checks the rule on an infringer who withholds its books:
// the profit base fixed from the holder's claim and evidence, under the
// clause's own paragraph, and Fa Shi [2021] No. 4 Art. 5 ¶3 for the
// punitive base.
func TestBooksWithheld(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	per := func(start, end string, k damages.BaseKind) damages.Period {
		return damages.Period{Start: day(t, start), End: day(t, end), BaseKind: k, Base: y(2_000_000)}
	}
	t.Run("patent 2020, punitive", func(t *testing.T) {
		t.Parallel()
		// Patent Law 2020 Art. 71 ¶4: profit 2,000,000 as the holder claims;
		// additive 3×: 2,000,000 + 6,000,000 = 8,000,000.
		got, err := damages.Calculate(damages.Request{IPType: damages.PatentInvention, BooksWithheld: true,
			Period: per("2022-01-01", "2022-12-31", damages.InfringerProfit), Multiple: ratio(t, "3"),
			Intentional: true, Serious: true, PunitiveClaim: damages.PunitiveWithComplaint})
		if err != nil {
			t.Fatal(err)
		}
		if got.Damages != y(8_000_000) {
			t.Errorf("damages %s, want 8000000.00", got.Damages)
		}
		if !containsFigure(got.Figures, "Period 1 base", "2000000.00", "Patent Law 2020, Art. 71 ¶4", "Fa Shi [2021] No. 4 Art. 5 ¶3") {
			t.Errorf("base figure lacks the books rule: %+v", got.Figures)
		}
	})
	t.Run("copyright 2010 falls back on the document-production rule", func(t *testing.T) {
		t.Parallel()
		// Copyright Law 2010 Art. 49 has no books paragraph: CPL
		// Interpretation (2022) Art. 112.
		got, err := damages.Calculate(damages.Request{IPType: damages.Copyright, BooksWithheld: true,
			Period: per("2015-01-01", "2015-12-31", damages.InfringerProfit)})
		if err != nil {
			t.Fatal(err)
		}
		if !containsFigure(got.Figures, "Period 1 base", "2000000.00", "Copyright Law 2010, Art. 49 ¶1", "Civil Procedure Law (2022) Art. 112") {
			t.Errorf("figures %+v", got.Figures)
		}
	})
	t.Run("the base must be the profit", func(t *testing.T) {
		t.Parallel()
		_, err := damages.Calculate(damages.Request{IPType: damages.Trademark, BooksWithheld: true,
			Period: per("2022-01-01", "2022-12-31", damages.ActualLoss)})
		wantRefusal(t, err, "period.base_kind", "books_withheld is set, but the base is actual-loss", "Trademark Law 2019, Art. 63 ¶2")
	})
	t.Run("not with statutory damages", func(t *testing.T) {
		t.Parallel()
		_, err := damages.Calculate(damages.Request{IPType: damages.Trademark, BooksWithheld: true, Statutory: true,
			Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31")}})
		wantRefusal(t, err, "books_withheld", "statutory damages are set without a base")
	})
}

// TestPlantVarietyDouble checks SPC Plant Variety Provisions (II) Art. 17
// ¶2: for serious cases (1)–(5) the punitive amount may be set at twice the
// base or more. "可以" is a power, so a shortfall is a warning, not a
// refusal.
func TestPlantVarietyDouble(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	req := func(m string, fs ...damages.PlantVarietyFactor) damages.Request {
		return damages.Request{IPType: damages.PlantVariety, Multiple: ratio(t, m), Intentional: true, Serious: true,
			PunitiveClaim: damages.PunitiveWithComplaint, PlantVarietyFactors: fs,
			Period: damages.Period{Start: day(t, "2023-01-01"), End: day(t, "2023-12-31"), BaseKind: damages.ActualLoss, Base: y(400_000)}}
	}
	// Seed Law 2021 Art. 72 ¶3, forged certificate (item 3): floor 2 ×
	// 400,000 = 800,000. Additive 1.5×: punitive 600,000 < 800,000 → warning;
	// damages 1,000,000.
	got, err := damages.Calculate(req("1.5", damages.PVForgedCertificate))
	if err != nil {
		t.Fatal(err)
	}
	if got.Punitive != y(600_000) || !containsLine(got.Steps, "Warning", "Art. 17 ¶2", "800,000.00", "600,000.00") {
		t.Errorf("punitive %s, steps:\n%s", got.Punitive, strings.Join(got.Steps, "\n"))
	}
	if !containsFigure(got.Figures, "Plant-variety punitive floor", "800000.00", "Plant Variety Provisions (II) Art. 17 ¶2") {
		t.Errorf("figures %+v", got.Figures)
	}
	// Additive 2×: punitive 800,000 = the floor; no warning.
	got, err = damages.Calculate(req("2", damages.PVForgedCertificate))
	if err != nil || got.Punitive != y(800_000) || containsLine(got.Steps, "Warning") {
		t.Errorf("2×: punitive %s, %v, steps %q", got.Punitive, err, got.Steps)
	}
	// Item (6), refusing to disclose sites, is serious but does not double.
	got, err = damages.Calculate(req("1.5", damages.PVRefusesSites))
	if err != nil || containsFigure(got.Figures, "Plant-variety punitive floor", "", "") {
		t.Errorf("item 6: %v, figures %+v", err, got.Figures)
	}
	// Plant varieties only.
	r := req("2", damages.PVAsBusiness)
	r.IPType = damages.Trademark
	_, err = damages.Calculate(r)
	wantRefusal(t, err, "plant_variety_factors", "apply only to plant varieties")
}

// TestApportionment checks several defendants: joint and several (Civil
// Code Arts. 1168, 1169, 178) or by share (Arts. 1172, 177).
func TestApportionment(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	base := func(l damages.Liability, ds ...damages.Defendant) damages.Request {
		return damages.Request{IPType: damages.Trademark, Liability: l, Defendants: ds,
			Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31"), BaseKind: damages.ActualLoss, Base: y(100)}}
	}
	type owe struct{ owes, internal damages.Fen }
	for _, tt := range []struct {
		name string
		req  damages.Request
		want []owe
	}{{
		// By share, no shares given: equal (Art. 1172: "难以确定责任大小的，
		// 平均承担"); 100.00 / 3 = 33.333… → 33.33, 33.33, and the last
		// takes the rest, 33.34, so the shares add up to 100.00.
		name: "by share, equal",
		req:  base(damages.ByShare, damages.Defendant{Name: "A"}, damages.Defendant{Name: "B"}, damages.Defendant{Name: "C"}),
		want: []owe{{yuan(t, "33.33"), yuan(t, "33.33")}, {yuan(t, "33.33"), yuan(t, "33.33")}, {yuan(t, "33.34"), yuan(t, "33.34")}},
	}, {
		// Joint and several, 0.7 / 0.3: each owes the holder the whole 100.00
		// (Art. 178 ¶1); internally 70.00 and 30.00 (Art. 178 ¶2).
		name: "joint and several with shares",
		req:  base(damages.JointAndSeveral, damages.Defendant{Name: "A", Share: ratio(t, "0.7")}, damages.Defendant{Name: "B", Share: ratio(t, "0.3")}),
		want: []owe{{y(100), y(70)}, {y(100), y(30)}},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.Calculate(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Defendants) != len(tt.want) {
				t.Fatalf("defendants %+v", got.Defendants)
			}
			for i, w := range tt.want {
				if d := got.Defendants[i]; d.Owes != w.owes || d.Internal != w.internal {
					t.Errorf("%s: owes %s internal %s, want %s %s", d.Name, d.Owes, d.Internal, w.owes, w.internal)
				}
			}
			if !containsFigure(got.Figures, "Defendant A", "", "Civil Code Arts.") {
				t.Errorf("figures %+v", got.Figures)
			}
		})
	}
	for _, tt := range []struct {
		name, field, frag string
		req               damages.Request
	}{
		{"shares not adding up", "defendants", "the shares add up to 0.9, not 1",
			base(damages.ByShare, damages.Defendant{Name: "A", Share: ratio(t, "0.6")}, damages.Defendant{Name: "B", Share: ratio(t, "0.3")})},
		{"one defendant", "defendants", "needs two or more defendants, 1 given", base(damages.JointAndSeveral, damages.Defendant{Name: "A"})},
		{"no liability", "liability", "required with defendants", base(damages.LiabilityUnspecified, damages.Defendant{Name: "A"}, damages.Defendant{Name: "B"})},
		{"duplicate name", "defendants[1].name", `"A" is given twice`, base(damages.ByShare, damages.Defendant{Name: "A"}, damages.Defendant{Name: "A"})},
	} {
		_, err := damages.Calculate(tt.req)
		wantRefusal(t, err, tt.field, tt.frag)
	}
}

// TestCourtFee checks the case acceptance fee against the scale of the
// Measures on the Payment of Litigation Costs (诉讼费用交纳办法, State Council
// 2006) Art. 13(1), worked by hand bracket by bracket.
func TestCourtFee(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ claim, fee string }{
		// (1) not above 10,000: 50 per case.
		{"8000", "50.00"},
		{"10000", "50.00"},
		// 10,000.01: 50 + 0.01 × 2.5 % = 50.00025 → 50.00.
		{"10000.01", "50.00"},
		// 12,345.67: 50 + 2,345.67 × 2.5 % = 50 + 58.64175 = 108.64175 → 108.64.
		{"12345.67", "108.64"},
		// 150,000: 50 + 90,000 × 2.5 % (2,250) + 50,000 × 2 % (1,000) = 3,300.
		{"150000", "3300.00"},
		// 3,000,000: 50 + 2,250 + 2,000 + 4,500 + 5,000 + 9,000 + 8,000 = 30,800.
		{"3000000", "30800.00"},
		// 25,000,000: 30,800 + 2,000,000 × 0.8 % (16,000) = 46,800 at
		// 5,000,000; + 5,000,000 × 0.7 % (35,000) = 81,800; + 10,000,000 ×
		// 0.6 % (60,000) = 141,800; + 5,000,000 × 0.5 % (25,000) = 166,800.
		{"25000000", "166800.00"},
	} {
		t.Run(tt.claim, func(t *testing.T) {
			t.Parallel()
			got, err := damages.Calculate(damages.Request{IPType: damages.Trademark, ClaimTotal: yuan(t, tt.claim),
				Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(1)}})
			if err != nil {
				t.Fatal(err)
			}
			if got.CourtFee == nil || got.CourtFee.Fee != yuan(t, tt.fee) || got.CourtFee.Claim != yuan(t, tt.claim) {
				t.Errorf("court fee %+v, want %s on %s", got.CourtFee, tt.fee, tt.claim)
			}
			if !containsFigure(got.Figures, "Court fee", yuan(t, tt.fee).String(), "诉讼费用交纳办法", "Art. 13(1)") {
				t.Errorf("figures %+v", got.Figures)
			}
		})
	}
	// Separate claims add up: 100,000 + 50,000 = 150,000 → 3,300.
	got, err := damages.Calculate(damages.Request{IPType: damages.Trademark, ClaimDamages: damages.Yuan(100_000), ClaimExpenses: damages.Yuan(50_000),
		Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(1)}})
	if err != nil || got.CourtFee.Fee != damages.Yuan(3_300) {
		t.Errorf("separate claims: %+v, %v", got.CourtFee, err)
	}
	// No claim, no fee.
	got, err = damages.Calculate(damages.Request{IPType: damages.Trademark,
		Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(1)}})
	if err != nil || got.CourtFee != nil {
		t.Errorf("no claim: %+v, %v", got.CourtFee, err)
	}
}

// containsFigure reports whether a figure named name has value (if not
// empty) and an article containing every fragment.
func containsFigure(figs []damages.Figure, name, value string, fragments ...string) bool {
	for _, f := range figs {
		if f.Name != name || (value != "" && f.Value != value) {
			continue
		}
		ok := true
		for _, fr := range fragments {
			ok = ok && strings.Contains(f.Article, fr)
		}
		if ok {
			return true
		}
	}
	return false
}
