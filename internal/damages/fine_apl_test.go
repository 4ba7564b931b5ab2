package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestFineTableEveryVersion checks one case per fine rule (offence ×
// version), worked out by hand from the article quoted.
func TestFineTableEveryVersion(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	type in struct {
		o                damages.Offence
		conduct          string
		volume, gains    int64
		goods            int64
		serious, passing bool
	}
	for _, tt := range []struct {
		name     string
		in       in
		min, max damages.Fen
		law      string
	}{
		// Trademark Law 2013/2019 Art. 60 ¶2, 2026 Art. 74 ¶2: "违法经营额五万元以上的，可以处违法经营额五倍以下的罚款" → 5 × 60,000.
		{"trademark 2013", in{o: damages.OffenceTrademark, conduct: "2016-01-01", volume: 60_000}, 0, y(300_000), "Trademark Law 2013, Art. 60 ¶2"},
		{"trademark 2019", in{o: damages.OffenceTrademark, conduct: "2021-01-01", volume: 60_000}, 0, y(300_000), "Trademark Law 2019, Art. 60 ¶2"},
		{"trademark 2026", in{o: damages.OffenceTrademark, conduct: "2027-03-01", volume: 60_000}, 0, y(300_000), "Trademark Law 2026, Art. 74 ¶2"},
		// Copyright Regulations 2013 Art. 36 / Copyright Law 2020 Art. 53: "一倍以上五倍以下" → 60,000–300,000.
		{"copyright regulations 2013", in{o: damages.OffenceCopyright, conduct: "2016-01-01", volume: 60_000}, y(60_000), y(300_000), "Copyright Regulations 2013, Art. 36"},
		{"copyright 2020", in{o: damages.OffenceCopyright, conduct: "2022-01-01", volume: 60_000}, y(60_000), y(300_000), "Copyright Law 2020, Art. 53"},
		// Patent Law 2008 Art. 63: "四倍以下" → 4 × 60,000; 2020 Art. 68: "五倍以下" → 5 × 60,000.
		{"patent 2008", in{o: damages.OffencePatentPassingOff, conduct: "2016-01-01", gains: 60_000}, 0, y(240_000), "Patent Law 2008, Art. 63"},
		{"patent 2020", in{o: damages.OffencePatentPassingOff, conduct: "2022-01-01", gains: 60_000}, 0, y(300_000), "Patent Law 2020, Art. 68"},
		// AUCL 2017 Art. 21: "十万元以上五十万元以下"; serious "五十万元以上三百万元以下".
		{"trade secret 2017", in{o: damages.OffenceTradeSecret, conduct: "2018-06-01"}, y(100_000), y(500_000), "Anti-Unfair Competition Law 2017, Art. 21"},
		{"trade secret 2017 serious", in{o: damages.OffenceTradeSecret, conduct: "2018-06-01", serious: true}, y(500_000), y(3_000_000), "Anti-Unfair Competition Law 2017, Art. 21"},
		// AUCL 2019 Art. 21: 100,000–1,000,000; serious 500,000–5,000,000.
		{"trade secret 2019 serious", in{o: damages.OffenceTradeSecret, conduct: "2020-06-01", serious: true}, y(500_000), y(5_000_000), "Anti-Unfair Competition Law 2019, Art. 21"},
		// AUCL 2025 Art. 26: serious "一百万元以上五百万元以下".
		{"trade secret 2025 serious", in{o: damages.OffenceTradeSecret, conduct: "2026-01-01", serious: true}, y(1_000_000), y(5_000_000), "Anti-Unfair Competition Law 2025, Art. 26"},
		// AUCL 2017/2019 Art. 18 ¶1, 2025 Art. 23 ¶1: "违法经营额五万元以上的，可以并处违法经营额五倍以下的罚款；没有违法经营额或者违法经营额不足五万元的，可以并处二十五万元以下的罚款".
		{"confusion 2017", in{o: damages.OffenceConfusion, conduct: "2018-06-01", volume: 100_000}, 0, y(500_000), "Anti-Unfair Competition Law 2017, Art. 18 ¶1"},
		{"confusion 2019 no volume", in{o: damages.OffenceConfusion, conduct: "2020-06-01"}, 0, y(250_000), "Anti-Unfair Competition Law 2019, Art. 18 ¶1"},
		{"confusion 2019 serious: licence revoked, same range", in{o: damages.OffenceConfusion, conduct: "2020-06-01", volume: 49_999, serious: true}, 0, y(250_000), "Anti-Unfair Competition Law 2019, Art. 18 ¶1"},
		{"confusion 2025", in{o: damages.OffenceConfusion, conduct: "2026-01-01", volume: 50_000}, 0, y(250_000), "Anti-Unfair Competition Law 2025, Art. 23 ¶1"},
		// Seed Law 2015 Art. 73 ¶5–6 / 2021 Art. 72: "货值金额五万元以上的，并处货值金额五倍以上十倍以下罚款" → 300,000–600,000;
		// "不足五万元的，并处一万元以上二十五万元以下罚款".
		{"seed 2015", in{o: damages.OffencePlantVariety, conduct: "2017-01-01", goods: 60_000}, y(300_000), y(600_000), "Seed Law 2015, Art. 73 ¶5–6"},
		{"seed 2015 passing off, small", in{o: damages.OffencePlantVariety, conduct: "2017-01-01", goods: 1_000, passing: true}, y(10_000), y(250_000), "Seed Law 2015, Art. 73 ¶5–6"},
		{"seed 2021", in{o: damages.OffencePlantVariety, conduct: "2023-01-01", goods: 60_000}, y(300_000), y(600_000), "Seed Law 2021, Art. 72"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := day(t, tt.in.conduct)
			r := damages.FineRequest{Offence: tt.in.o, ConductDate: c, DecisionDate: c.AddDays(60), Party: damages.Organisation,
				BusinessVolume: y(tt.in.volume), IllegalGains: y(tt.in.gains), GoodsValue: y(tt.in.goods), Serious: tt.in.serious,
				PassingOff: tt.in.passing, PublicInterest: !tt.in.passing && (tt.in.o == damages.OffenceCopyright || tt.in.o == damages.OffencePlantVariety)}
			got, err := damages.CalculateFine(r)
			if err != nil {
				t.Fatal(err)
			}
			if got.Min != tt.min || got.Max != tt.max || got.Law != tt.law {
				t.Errorf("%s–%s under %q, want %s–%s under %q", got.Min, got.Max, got.Law, tt.min, tt.max, tt.law)
			}
			if got.Figures[1].Article != tt.law || got.Figures[1].Value != tt.max.String() {
				t.Errorf("maximum figure %+v, want %s from %q", got.Figures[1], tt.max, tt.law)
			}
		})
	}
	// Conduct before the earliest confusion rule (AUCL 2017, 2018-01-01).
	_, err := damages.CalculateFine(damages.FineRequest{Offence: damages.OffenceConfusion, ConductDate: day(t, "2017-12-31"),
		DecisionDate: day(t, "2018-03-01"), Party: damages.Organisation})
	wantRefusal(t, err, "conduct_date", "before Anti-Unfair Competition Law 2017, Art. 18 ¶1 took effect on 2018-01-01")
}

// TestPenaltyLimits checks Administrative Penalty Law 2021 Arts. 32, 33
// and 36 on a 2022 trademark act (Art. 60 ¶2: no volume → 0–250,000).
func TestPenaltyLimits(t *testing.T) {
	t.Parallel()
	tm := func(mod func(*damages.FineRequest)) damages.FineRequest {
		r := damages.FineRequest{Offence: damages.OffenceTrademark, ConductDate: day(t, "2022-03-01"), DecisionDate: day(t, "2023-09-01"),
			Party: damages.Organisation}
		mod(&r)
		return r
	}
	type want struct {
		min, max                                damages.Fen
		noPenalty, timeBarred, waive, mitigated bool
	}
	full := want{max: damages.Yuan(250_000)}
	for _, tt := range []struct {
		name string
		req  damages.FineRequest
		want want
		step string
	}{
		// Art. 36: 2 years from 2022-03-01 end on 2024-03-01 (Civil Code
		// Art. 202, the corresponding day); discovery that day is in time.
		{"discovered on the last day", tm(func(r *damages.FineRequest) {
			r.DiscoveredDate, r.DecisionDate = day(t, "2024-03-01"), day(t, "2024-06-01")
		}), full, "within the 2 years ending 2024-03-01"},
		{"discovered a day late", tm(func(r *damages.FineRequest) {
			r.DiscoveredDate, r.DecisionDate = day(t, "2024-03-02"), day(t, "2024-06-01")
		}), want{noPenalty: true, timeBarred: true}, "after the 2 years ending 2024-03-01 — no penalty"},
		// 5 years where life, health or financial security is endangered: to 2027-03-01.
		{"five years for health", tm(func(r *damages.FineRequest) {
			r.DiscoveredDate, r.DecisionDate, r.EndangersLifeOrFinance = day(t, "2024-03-02"), day(t, "2024-06-01"), true
		}), full, "within the 5 years ending 2027-03-01"},
		// Without a discovery date a decision after 2024-03-01 only warns:
		// the act may have been discovered in time.
		{"no discovery date: a warning", tm(func(r *damages.FineRequest) { r.DecisionDate = day(t, "2024-03-02") }),
			full, "Warning — limitation: the act on 2022-03-01 ended more than 2 years before the decision on 2024-03-02; if it was not discovered by 2024-03-01"},
		// Art. 33 ¶1 first sentence: minor, corrected in time, no harm → no penalty.
		{"minor, corrected, no harm", tm(func(r *damages.FineRequest) { r.CorrectedInTime, r.MinorNoHarm = true, true }),
			want{noPenalty: true}, "No penalty: the violation was minor, corrected in time and caused no harm"},
		// Second sentence: first violation, minor harm, corrected → may waive: minimum 0.
		{"first violation", tm(func(r *damages.FineRequest) { r.CorrectedInTime, r.FirstViolation, r.MinorHarm = true, true, true }),
			want{max: damages.Yuan(250_000), waive: true}, "may impose no penalty"},
		{"first violation not corrected", tm(func(r *damages.FineRequest) { r.FirstViolation, r.MinorHarm = true, true }),
			full, "not corrected in time"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			g := want{got.Min, got.Max, got.NoPenalty, got.TimeBarred, got.MayWaive, got.Mitigated}
			if g != tt.want {
				t.Errorf("got %+v, want %+v; steps %q", g, tt.want, got.Steps)
			}
			if !containsLine(got.Steps, tt.step) {
				t.Errorf("no step contains %q: %q", tt.step, got.Steps)
			}
		})
	}
	// Art. 32: trade secret 2022 (AUCL 2019 Art. 21: 100,000–1,000,000);
	// mitigation allows going below the 100,000 minimum.
	got, err := damages.CalculateFine(damages.FineRequest{Offence: damages.OffenceTradeSecret, ConductDate: day(t, "2022-03-01"),
		DecisionDate: day(t, "2022-09-01"), Party: damages.Organisation, Mitigation: true, ProposedFine: damages.Yuan(50_000)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Min != 0 || got.Max != damages.Yuan(1_000_000) || !got.Mitigated || got.Figures[0].Article != "Administrative Penalty Law 2021 Art. 32" {
		t.Errorf("mitigation: %s–%s mitigated %v figures %+v", got.Min, got.Max, got.Mitigated, got.Figures)
	}
	// A time-barred act cannot be fined at all.
	_, err = damages.CalculateFine(tm(func(r *damages.FineRequest) {
		r.DiscoveredDate, r.DecisionDate, r.ProposedFine = day(t, "2024-03-02"), day(t, "2024-06-01"), damages.Yuan(1_000)
	}))
	wantRefusal(t, err, "proposed_fine", "outside the 0.00–0.00 range")
	// A decision before the 2021 revision took effect (2021-07-15).
	_, err = damages.CalculateFine(tm(func(r *damages.FineRequest) {
		r.ConductDate, r.DecisionDate, r.CorrectedInTime = day(t, "2020-03-01"), day(t, "2021-07-14"), true
	}))
	wantRefusal(t, err, "corrected_in_time", "before its 2021 revision (in force 2021-07-15)")
}

// TestLateSurcharge checks Administrative Penalty Law 2021 Art. 67 ¶3 (pay
// within 15 days of receipt) and Art. 72 ¶1(1) (3 % a day, at most the
// fine).
func TestLateSurcharge(t *testing.T) {
	t.Parallel()
	fine := damages.Yuan(10_000)
	received := day(t, "2024-06-03")
	// Due: 2024-06-03 + 15 days = 2024-06-18 (the day of receipt not counted).
	for _, tt := range []struct {
		name      string
		fine      damages.Fen
		due, paid string
		wantDue   string
		days      int
		surcharge damages.Fen
		capped    bool
	}{
		{"paid on the due day", fine, "", "2024-06-18", "2024-06-18", 0, 0, false},
		// 2 days late: 10,000 × 3 % × 2 = 600.
		{"two days late", fine, "", "2024-06-20", "2024-06-18", 2, damages.Yuan(600), false},
		// 33 days: 99 % = 9,900; 34 days: 102 % → capped at 10,000.
		{"33 days late", fine, "", "2024-07-21", "2024-06-18", 33, damages.Yuan(9_900), false},
		{"34 days late: capped", fine, "", "2024-07-22", "2024-06-18", 34, fine, true},
		// The due day moved to a later working day by the calculator.
		{"due day given", fine, "2024-06-19", "2024-06-20", "2024-06-19", 1, damages.Yuan(300), false},
		// 333.33 × 3 % = 9.9999 → 10.00 (half up to the fen).
		{"rounding", yuan(t, "333.33"), "", "2024-06-19", "2024-06-18", 1, yuan(t, "10.00"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := damages.LateSurcharge(tt.fine, received, zeroOr(t, tt.due), day(t, tt.paid))
			if p.Due.String() != tt.wantDue || p.DaysLate != tt.days || p.Surcharge != tt.surcharge || p.Capped != tt.capped ||
				p.Total != tt.fine+tt.surcharge {
				t.Errorf("due %s, %d days, surcharge %s capped %v total %s; want %s, %d, %s, %v", p.Due, p.DaysLate, p.Surcharge, p.Capped, p.Total,
					tt.wantDue, tt.days, tt.surcharge, tt.capped)
			}
		})
	}
}

// zeroOr parses s, or returns the zero date for "".
func zeroOr(t *testing.T, s string) civil.Date {
	if s == "" {
		return civil.Date{}
	}
	return day(t, s)
}
