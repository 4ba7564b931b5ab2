package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestCalculate checks awards against figures worked out by hand from the
// statute named in each case.
func TestCalculate(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	per := func(start, end string, k damages.BaseKind, base damages.Fen, proven ...damages.BaseKind) damages.Period {
		return damages.Period{Start: day(t, start), End: day(t, end), BaseKind: k, Base: base, Proven: proven}
	}
	withContribution := func(p damages.Period, c string) damages.Period { p.Contribution = ratio(t, c); return p }
	withMultiple := func(p damages.Period, m string) damages.Period { p.Multiple = ratio(t, m); return p }
	loss, profit, fee := damages.ActualLoss, damages.InfringerProfit, damages.LicenceFee
	add, mul := damages.Additive, damages.Multiplicative
	// punitive fills in a finding of intent and seriousness with multiple m.
	punitive := func(r damages.Request, m string, f damages.Formula) damages.Request {
		r.Multiple, r.Formula, r.Intentional, r.Serious, r.PunitiveClaim = ratio(t, m), f, true, true, damages.PunitiveWithComplaint
		return r
	}
	type want struct {
		base, punitive, damages, expenses, total damages.Fen
		capped                                   bool
		formula                                  damages.Formula
		law                                      string
	}
	for _, tt := range []struct {
		name string
		req  damages.Request
		want want
	}{{
		// Patent Law 2008 Art. 65: no punitive clause; damages = loss 800,000;
		// + expenses 30,000 = 830,000; no claim given → not capped.
		name: "patent-invention 2008 compensatory with expenses",
		req: damages.Request{IPType: damages.PatentInvention, Period: per("2015-01-01", "2016-12-31", loss, y(800_000)),
			Expenses: y(30_000)},
		want: want{y(800_000), 0, y(800_000), y(30_000), y(830_000), false, damages.FormulaUnspecified, "Patent Law 2008, Art. 65"},
	}, {
		// Patent Law 2020 Art. 71: profit 600,000; additive 2×: 600,000 +
		// 1,200,000 = 1,800,000 ≤ claim 2,000,000.
		name: "patent-utility-model 2020 additive 2x",
		req: punitive(damages.Request{IPType: damages.PatentUtilityModel,
			Period: per("2022-01-01", "2022-12-31", profit, y(600_000), profit), ClaimTotal: y(2_000_000)}, "2", 0),
		want: want{y(600_000), y(1_200_000), y(1_800_000), 0, y(1_800_000), false, add, "Patent Law 2020, Art. 71"},
	}, {
		// Patent Law 2020 Art. 71: licence-fee multiple 200,000 (nothing
		// earlier proven); multiplicative 3×: 600,000; punitive 600,000 − 200,000 = 400,000.
		name: "patent-design 2020 licence fee multiplicative 3x",
		req:  punitive(damages.Request{IPType: damages.PatentDesign, Period: per("2023-01-01", "2023-06-30", fee, y(200_000))}, "3", mul),
		want: want{y(200_000), y(400_000), y(600_000), 0, y(600_000), false, mul, "Patent Law 2020, Art. 71"},
	}, {
		// Trademark Law 2013 Art. 63: profit 400,000; additive 3× (the top of
		// 1–3×): 400,000 + 1,200,000 = 1,600,000; + expenses 40,000 = 1,640,000.
		name: "trademark 2013 additive 3x",
		req: punitive(damages.Request{IPType: damages.Trademark, Period: per("2016-03-01", "2017-02-28", profit, y(400_000)),
			Expenses: y(40_000)}, "3", add),
		want: want{y(400_000), y(1_200_000), y(1_600_000), y(40_000), y(1_640_000), false, add, "Trademark Law 2013, Art. 63"},
	}, {
		// Trademark Law 2019 Art. 63: base 1,000,000 × contribution 0.35 =
		// 350,000; additive 2.5×: 350,000 + 875,000 = 1,225,000; + expenses
		// 50,000 = 1,275,000 < claim 3,000,000.
		name: "trademark 2019 contribution additive 2.5x",
		req: punitive(damages.Request{IPType: damages.Trademark,
			Period:   withContribution(per("2020-01-01", "2021-12-31", profit, y(1_000_000)), "0.35"),
			Expenses: y(50_000), ClaimTotal: y(3_000_000)}, "2.5", add),
		want: want{y(350_000), y(875_000), y(1_225_000), y(50_000), y(1_275_000), false, add, "Trademark Law 2019, Art. 63"},
	}, {
		// Trademark Law 2026 Art. 77: the holder may take profit although the
		// loss was proven; multiplicative 1.5×: 2,000,000 × 1.5 = 3,000,000
		// (punitive 1,000,000). Separate claims: damages min(3,000,000,
		// 2,500,000) = 2,500,000; expenses min(120,000, 100,000) = 100,000;
		// total 2,600,000, capped.
		name: "trademark 2026 holder choice multiplicative 1.5x separate claims",
		req: punitive(damages.Request{IPType: damages.Trademark,
			Period:   per("2027-03-01", "2027-12-31", profit, y(2_000_000), loss, profit),
			Expenses: y(120_000), ClaimDamages: y(2_500_000), ClaimExpenses: y(100_000)}, "1.5", mul),
		want: want{y(2_000_000), y(1_000_000), y(3_000_000), y(120_000), y(2_600_000), true, mul, "Trademark Law 2026, Art. 77"},
	}, {
		// Trademark Law 2019 Art. 63 via Arts. 3, 16: profit 250,000 × 0.5 =
		// 125,000; additive 2×: 125,000 + 250,000 = 375,000.
		name: "geographical-indication 2019 additive 2x",
		req: punitive(damages.Request{IPType: damages.GeographicalIndication,
			Period: withContribution(per("2020-05-01", "2020-10-31", profit, y(250_000)), "0.5")}, "2", add),
		want: want{y(125_000), y(250_000), y(375_000), 0, y(375_000), false, add, "Trademark Law 2019, Art. 63 (GI via Arts. 3, 16)"},
	}, {
		// Trademark Law 2026 Art. 77 via Arts. 6, 23: licence fee 80,000;
		// additive 1×: 80,000 + 80,000 = 160,000.
		name: "geographical-indication 2026 additive 1x",
		req: punitive(damages.Request{IPType: damages.GeographicalIndication,
			Period: per("2027-01-01", "2027-01-31", fee, y(80_000))}, "1", add),
		want: want{y(80_000), y(80_000), y(160_000), 0, y(160_000), false, add, "Trademark Law 2026, Art. 77 (GI via Arts. 6, 23)"},
	}, {
		// Copyright Law 2010 Art. 49: loss 120,000 + expenses 8,000 = 128,000.
		name: "copyright 2010 compensatory",
		req: damages.Request{IPType: damages.Copyright, Period: per("2012-01-01", "2012-12-31", loss, y(120_000)),
			Expenses: y(8_000)},
		want: want{y(120_000), 0, y(120_000), y(8_000), y(128_000), false, 0, "Copyright Law 2010, Art. 49"},
	}, {
		// Copyright Law 2020 Art. 54: holder picks profit 300,000 although the
		// loss was proven; additive 1×: 300,000 + 300,000 = 600,000.
		name: "copyright 2020 holder choice additive 1x",
		req: punitive(damages.Request{IPType: damages.Copyright,
			Period: per("2021-06-01", "2022-05-31", profit, y(300_000), loss)}, "1", add),
		want: want{y(300_000), y(300_000), y(600_000), 0, y(600_000), false, add, "Copyright Law 2020, Art. 54"},
	}, {
		// AUCL 2017 Art. 17: no punitive clause; loss 2,000,000.
		name: "trade-secret 2017 compensatory",
		req:  damages.Request{IPType: damages.TradeSecret, Period: per("2018-03-01", "2018-12-31", loss, y(2_000_000))},
		want: want{y(2_000_000), 0, y(2_000_000), 0, y(2_000_000), false, 0, "Anti-Unfair Competition Law 2017, Art. 17"},
	}, {
		// AUCL 2019 Art. 17: loss 500,000; multiplicative 4×: 2,000,000;
		// punitive 2,000,000 − 500,000 = 1,500,000.
		name: "trade-secret 2019 multiplicative 4x",
		req:  punitive(damages.Request{IPType: damages.TradeSecret, Period: per("2020-01-01", "2020-12-31", loss, y(500_000))}, "4", mul),
		want: want{y(500_000), y(1_500_000), y(2_000_000), 0, y(2_000_000), false, mul, "Anti-Unfair Competition Law 2019, Art. 17"},
	}, {
		// AUCL 2025 Art. 22: loss or gain → profit 900,000 with the loss
		// proven; additive 5×: 900,000 + 4,500,000 = 5,400,000; + expenses
		// 200,000 = 5,600,000 > claim 5,000,000 → 5,000,000, capped.
		name: "trade-secret 2025 additive 5x capped by combined claim",
		req: punitive(damages.Request{IPType: damages.TradeSecret,
			Period:   per("2025-11-01", "2026-04-30", profit, y(900_000), loss),
			Expenses: y(200_000), ClaimTotal: y(5_000_000)}, "5", add),
		want: want{y(900_000), y(4_500_000), y(5_400_000), y(200_000), y(5_000_000), true, add, "Anti-Unfair Competition Law 2025, Art. 22"},
	}, {
		// Seed Law 2015 Art. 73: licence fee 100,000; additive 3×: 100,000 +
		// 300,000 = 400,000.
		name: "plant-variety 2015 licence fee additive 3x",
		req:  punitive(damages.Request{IPType: damages.PlantVariety, Period: per("2018-04-01", "2018-09-30", fee, y(100_000))}, "3", add),
		want: want{y(100_000), y(300_000), y(400_000), 0, y(400_000), false, add, "Seed Law 2015, Art. 73"},
	}, {
		// Seed Law 2021 Art. 72: loss 700,000; additive 4.5×: 700,000 +
		// 3,150,000 = 3,850,000.
		name: "plant-variety 2021 additive 4.5x",
		req:  punitive(damages.Request{IPType: damages.PlantVariety, Period: per("2022-03-01", "2022-12-31", loss, y(700_000))}, "4.5", add),
		want: want{y(700_000), y(3_150_000), y(3_850_000), 0, y(3_850_000), false, add, "Seed Law 2021, Art. 72"},
	}, {
		// IC Layout Regulations Art. 30: profit 450,000 including expenses
		// 20,000 → 470,000.
		name: "ic-layout compensatory with expenses",
		req: damages.Request{IPType: damages.ICLayout, Period: per("2020-01-01", "2020-12-31", profit, y(450_000), loss),
			Expenses: y(20_000)},
		want: want{y(450_000), 0, y(450_000), y(20_000), y(470_000), false, 0, "IC Layout Design Regulations 2001, Art. 30"},
	}, {
		// Trademark Law 2019 Art. 63: multiplicative 1× = 100,000 × 1 =
		// 100,000: no uplift (flagged).
		name: "multiplicative 1x gives no uplift",
		req:  punitive(damages.Request{IPType: damages.Trademark, Period: per("2020-01-01", "2020-06-30", loss, y(100_000))}, "1", mul),
		want: want{y(100_000), 0, y(100_000), 0, y(100_000), false, mul, "Trademark Law 2019, Art. 63"},
	}, {
		// Rounding once, half up: 1,000.01 × 0.5 = 500.005 → base 500.01;
		// additive 1.5×: exact 500.005 × 2.5 = 1,250.0125 → 1,250.01;
		// punitive 1,250.01 − 500.01 = 750.00 (not 750.0075 rounded to 750.01).
		name: "rounds half up once per figure",
		req: punitive(damages.Request{IPType: damages.Trademark,
			Period: withContribution(per("2020-01-01", "2020-01-31", profit, yuan(t, "1000.01")), "0.5")}, "1.5", add),
		want: want{yuan(t, "500.01"), yuan(t, "750.00"), yuan(t, "1250.01"), 0, yuan(t, "1250.01"), false, add, "Trademark Law 2019, Art. 63"},
	}, {
		// Copyright Law 2020 Art. 54: loss 100,000 ≤ claim 200,000; expenses
		// 10,000 ≤ claim 10,000; total 110,000, not capped.
		name: "separate claims not capped",
		req: damages.Request{IPType: damages.Copyright, Period: per("2022-01-01", "2022-01-31", loss, y(100_000)),
			Expenses: y(10_000), ClaimDamages: y(200_000), ClaimExpenses: y(10_000)},
		want: want{y(100_000), 0, y(100_000), y(10_000), y(110_000), false, 0, "Copyright Law 2020, Art. 54"},
	}, {
		// Trademark Law 2019 Art. 63: 300,000 + 2 × 300,000 = 900,000; a paid
		// fine of 100,000 does not reduce it (Fa Shi [2021] No. 4 Art. 6).
		name: "paid fine does not reduce the award",
		req: punitive(damages.Request{IPType: damages.Trademark, Period: per("2020-01-01", "2020-12-31", loss, y(300_000)),
			PaidFine: y(100_000)}, "2", add),
		want: want{y(300_000), y(600_000), y(900_000), 0, y(900_000), false, add, "Trademark Law 2019, Art. 63"},
	}, {
		// Trademark Law 2019 Art. 63 ¶3: statutory ≤ 5,000,000; chosen 800,000
		// + expenses 20,000 = 820,000.
		name: "statutory trademark 2019 with amount",
		req: damages.Request{IPType: damages.Trademark, Period: damages.Period{Start: day(t, "2020-01-01"), End: day(t, "2020-12-31")},
			Statutory: true, StatutoryAmount: y(800_000), Expenses: y(20_000)},
		want: want{0, 0, y(800_000), y(20_000), y(820_000), false, 0, "Trademark Law 2019, Art. 63"},
	}, {
		// Patent Law 2008 Art. 65: statutory 10,000–1,000,000, no amount
		// chosen → damages 0, the range is the answer.
		name: "statutory patent 2008 range only",
		req: damages.Request{IPType: damages.PatentDesign, Period: damages.Period{Start: day(t, "2012-01-01"), End: day(t, "2012-12-31")},
			Statutory: true},
		want: want{0, 0, 0, 0, 0, false, 0, "Patent Law 2008, Art. 65"},
	}, {
		// Copyright Law 2020 Art. 54 ¶2: statutory 500–5,000,000; 500 is the floor.
		name: "statutory copyright 2020 at the floor",
		req: damages.Request{IPType: damages.Copyright, Period: damages.Period{Start: day(t, "2022-01-01"), End: day(t, "2022-01-01")},
			Statutory: true, StatutoryAmount: y(500)},
		want: want{0, 0, y(500), 0, y(500), false, 0, "Copyright Law 2020, Art. 54"},
	}, {
		// One continuing act split at AUCL 2019 (2019-04-23): the whole act
		// is compensated under AUCL 2019 Art. 17 ¶3 (the law in force when it
		// ended; Fa Shi [2020] No. 15 Art. 1 ¶3 reading), but the punitive part
		// only after 2019-04-23, AUCL 2017 having none: loss 1,000,000
		// compensatory; 2,000,000 + 3 × 2,000,000 = 8,000,000. Base
		// 3,000,000, punitive 6,000,000, damages 9,000,000.
		name: "trade-secret split across 2019-04-23",
		req: punitive(damages.Request{IPType: damages.TradeSecret, Periods: []damages.Period{
			per("2018-06-01", "2019-04-22", loss, y(1_000_000)),
			per("2019-04-23", "2020-12-31", loss, y(2_000_000)),
		}}, "3", add),
		want: want{y(3_000_000), y(6_000_000), y(9_000_000), 0, y(9_000_000), false, add,
			"Anti-Unfair Competition Law 2019, Art. 17"},
	}, {
		// The same as separate acts: each under the clause of its time
		// (Legislation Law 2023 Art. 104) — same figures, both clauses.
		name: "trade-secret separate acts across 2019-04-23",
		req: punitive(damages.Request{IPType: damages.TradeSecret, SeparateActs: true, Periods: []damages.Period{
			per("2018-06-01", "2019-04-22", loss, y(1_000_000)),
			per("2019-04-23", "2020-12-31", loss, y(2_000_000)),
		}}, "3", add),
		want: want{y(3_000_000), y(6_000_000), y(9_000_000), 0, y(9_000_000), false, add,
			"Anti-Unfair Competition Law 2017, Art. 17; Anti-Unfair Competition Law 2019, Art. 17"},
	}, {
		// Split at Trademark 2019 (2019-11-01): 2013 Art. 63 (1–3×) with a
		// period multiple 3: 400,000 + 1,200,000 = 1,600,000; 2019 Art. 63:
		// 1,000,000 × 0.35 = 350,000, + 2.5 × 350,000 = 1,225,000. Base
		// 750,000; punitive 2,075,000; damages 2,825,000; + 50,000 = 2,875,000
		// < claim 3,000,000.
		name: "trademark split across 2019-11-01",
		req: punitive(damages.Request{IPType: damages.Trademark, Periods: []damages.Period{
			withMultiple(per("2019-01-01", "2019-10-31", profit, y(400_000)), "3"),
			withContribution(per("2019-11-01", "2020-12-31", profit, y(1_000_000)), "0.35"),
		}, Expenses: y(50_000), ClaimTotal: y(3_000_000)}, "2.5", add),
		want: want{y(750_000), y(2_075_000), y(2_825_000), y(50_000), y(2_875_000), false, add,
			"Trademark Law 2013, Art. 63; Trademark Law 2019, Art. 63"},
	}, {
		// Split at Trademark 2026 (2027-01-01): 2019 Art. 63 strict order,
		// licence fee 300,000 × 2 = 600,000; 2026 Art. 77 holder's choice,
		// profit 500,000 (loss proven) × 2 = 1,000,000. Base 800,000; damages
		// 1,600,000; punitive 800,000.
		name: "trademark split across 2027-01-01",
		req: punitive(damages.Request{IPType: damages.Trademark, Periods: []damages.Period{
			per("2026-07-01", "2026-12-31", fee, y(300_000)),
			per("2027-01-01", "2027-06-30", profit, y(500_000), loss),
		}}, "2", mul),
		want: want{y(800_000), y(800_000), y(1_600_000), 0, y(1_600_000), false, mul,
			"Trademark Law 2019, Art. 63; Trademark Law 2026, Art. 77"},
	}, {
		// Split at AUCL 2025 (2025-10-15): AUCL 2019 loss 600,000 + 2 × 600,000
		// = 1,800,000; AUCL 2025 profit 400,000 (loss proven, holder's choice)
		// + 800,000 = 1,200,000. Base 1,000,000; punitive 2,000,000; damages 3,000,000.
		name: "trade-secret split across 2025-10-15",
		req: punitive(damages.Request{IPType: damages.TradeSecret, Periods: []damages.Period{
			per("2025-01-01", "2025-10-14", loss, y(600_000)),
			per("2025-10-15", "2026-03-31", profit, y(400_000), loss),
		}}, "2", add),
		want: want{y(1_000_000), y(2_000_000), y(3_000_000), 0, y(3_000_000), false, add,
			"Anti-Unfair Competition Law 2019, Art. 17; Anti-Unfair Competition Law 2025, Art. 22"},
	}, {
		// One continuing act split at Patent 2020 (2021-06-01), compensated
		// under 2020 Art. 71: loss 1,000,000 only (2008 Art. 65, in force then,
		// has no punitive clause); loss 500,000 × 3 = 1,500,000. Base
		// 1,500,000; damages 2,500,000; punitive 1,000,000.
		name: "patent split across 2021-06-01",
		req: punitive(damages.Request{IPType: damages.PatentInvention, Periods: []damages.Period{
			per("2020-01-01", "2021-05-31", loss, y(1_000_000)),
			per("2021-06-01", "2021-12-31", loss, y(500_000)),
		}}, "3", mul),
		want: want{y(1_500_000), y(1_000_000), y(2_500_000), 0, y(2_500_000), false, mul,
			"Patent Law 2020, Art. 71"},
	}, {
		// Patent Law 2020 Art. 71 ¶1 "实际损失或者侵权人因侵权所获得的利益":
		// the holder may take the profit 800,000 although the loss was proven
		// (strict order refused it before); additive 1×: 800,000 + 800,000 =
		// 1,600,000.
		name: "patent 2020 holder takes profit with loss proven",
		req: punitive(damages.Request{IPType: damages.PatentInvention,
			Period: per("2022-01-01", "2022-12-31", profit, y(800_000), loss, profit)}, "1", add),
		want: want{y(800_000), y(800_000), y(1_600_000), 0, y(1_600_000), false, add, "Patent Law 2020, Art. 71"},
	}, {
		// AUCL 2019 Art. 17 ¶3 has no licence-fee step, but the actual loss
		// may be measured by the trade-secret licence fee (SPC Trade Secret
		// Provisions 2020 Art. 20 ¶1): fee 300,000 as the loss; additive 2×:
		// 300,000 + 600,000 = 900,000.
		name: "trade-secret licence fee as the measure of loss",
		req: punitive(damages.Request{IPType: damages.TradeSecret,
			Period: per("2020-01-01", "2020-12-31", fee, y(300_000))}, "2", add),
		want: want{y(300_000), y(600_000), y(900_000), 0, y(900_000), false, add, "Anti-Unfair Competition Law 2019, Art. 17"},
	}, {
		// Seed Law 2015 Art. 73 ¶3 "侵犯植物新品种权，情节严重的": serious
		// circumstances only, no intent, and the conduct ended before the
		// Civil Code (Art. 1185) took effect: 1–3× without an intent
		// finding; loss 100,000 + 2 × 100,000 = 300,000.
		name: "plant-variety 2015 punitive without intent before 2021",
		req: damages.Request{IPType: damages.PlantVariety, Period: per("2019-01-01", "2019-12-31", loss, y(100_000)),
			Multiple: ratio(t, "2"), Serious: true, PunitiveClaim: damages.PunitiveBeforeDebateEnd},
		want: want{y(100_000), y(200_000), y(300_000), 0, y(300_000), false, add, "Seed Law 2015, Art. 73"},
	}, {
		// Split at Seed Law 2021 (2022-03-01): 2015 Art. 73 (1–3×) loss
		// 200,000 + 3 × 200,000 = 800,000; 2021 Art. 72 with a period multiple
		// 5: 300,000 + 1,500,000 = 1,800,000. Base 500,000; punitive
		// 2,100,000; damages 2,600,000.
		name: "plant-variety split across 2022-03-01",
		req: punitive(damages.Request{IPType: damages.PlantVariety, Periods: []damages.Period{
			per("2021-01-01", "2022-02-28", loss, y(200_000)),
			withMultiple(per("2022-03-01", "2022-12-31", loss, y(300_000)), "5"),
		}}, "3", add),
		want: want{y(500_000), y(2_100_000), y(2_600_000), 0, y(2_600_000), false, add,
			"Seed Law 2015, Art. 73; Seed Law 2021, Art. 72"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.Calculate(tt.req)
			if err != nil {
				t.Fatalf("Calculate: %v", err)
			}
			w := tt.want
			if got.Base != w.base || got.Punitive != w.punitive || got.Damages != w.damages ||
				got.Expenses != w.expenses || got.Total != w.total || got.CappedByClaim != w.capped {
				t.Errorf("base %s punitive %s damages %s expenses %s total %s capped %v\nwant %s %s %s %s %s %v",
					got.Base, got.Punitive, got.Damages, got.Expenses, got.Total, got.CappedByClaim,
					w.base, w.punitive, w.damages, w.expenses, w.total, w.capped)
			}
			if got.Formula != w.formula || got.Law != w.law {
				t.Errorf("formula %s law %q, want %s %q", got.Formula, got.Law, w.formula, w.law)
			}
			if !tt.req.Statutory && got.Base+got.Punitive != got.Damages {
				t.Errorf("base + punitive = %s ≠ damages %s", got.Base+got.Punitive, got.Damages)
			}
			// The formula is left open by the statutes; the additive reading
			// is that of the Beijing High People's Court Guidelines on
			// Punitive Damages (2022) §3.1, the multiplicative one reads the
			// clauses' "一倍以上五倍以下确定赔偿数额" literally.
			switch w.formula {
			case damages.Additive:
				if !containsLine(got.Citations, "additive", "base + base × m", "Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1") {
					t.Errorf("citations lack the additive reasoning: %q", got.Citations)
				}
			case damages.Multiplicative:
				if !containsLine(got.Citations, "multiplicative", "base × m", "一倍以上五倍以下确定赔偿数额") {
					t.Errorf("citations lack the multiplicative reasoning: %q", got.Citations)
				}
			case damages.FormulaUnspecified: // no punitive damages, no formula to cite
			}
			if !containsLine(got.Citations, got.Periods[0].Law) {
				t.Errorf("citations lack the clause %q: %q", got.Periods[0].Law, got.Citations)
			}
		})
	}
}
