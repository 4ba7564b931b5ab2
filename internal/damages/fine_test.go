package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestCalculateFine checks fine ranges worked out by hand from the article
// named in each case, at the 50,000 boundaries of Trademark Law Art. 60 ¶2,
// Copyright Law 2020 Art. 53, Copyright Regulations 2013 Art. 36 and Patent
// Law 2020 Art. 68 ("以上"/"以下" include the number, "不足" excludes it:
// Civil Code Art. 1259).
func TestCalculateFine(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	req := func(o damages.Offence, conduct, decision string) damages.FineRequest {
		return damages.FineRequest{Offence: o, ConductDate: day(t, conduct), DecisionDate: day(t, decision),
			Party: damages.Organisation, PublicInterest: o == damages.OffenceCopyright || o == damages.OffencePlantVariety}
	}
	volume := func(r damages.FineRequest, v string) damages.FineRequest { r.BusinessVolume = yuan(t, v); return r }
	gains := func(r damages.FineRequest, g string) damages.FineRequest { r.IllegalGains = yuan(t, g); return r }
	goods := func(r damages.FineRequest, g string) damages.FineRequest { r.GoodsValue = yuan(t, g); return r }
	serious := func(r damages.FineRequest) damages.FineRequest { r.Serious = true; return r }
	tm19 := req(damages.OffenceTrademark, "2020-06-01", "2020-12-01")
	cr20 := req(damages.OffenceCopyright, "2022-01-01", "2022-06-01")
	cr13 := req(damages.OffenceCopyright, "2015-01-01", "2015-06-01")
	pt20 := req(damages.OffencePatentPassingOff, "2022-01-01", "2022-06-01")
	pt08 := req(damages.OffencePatentPassingOff, "2015-01-01", "2015-06-01")
	for _, tt := range []struct {
		name     string
		req      damages.FineRequest
		min, max damages.Fen
		law      string
	}{
		// Trademark Law 2019 Art. 60 ¶2: < 50,000 → ≤ 250,000; ≥ 50,000 → ≤ 5 × volume.
		{"trademark 2019 49,999.99", volume(tm19, "49999.99"), 0, y(250_000), "Trademark Law 2019, Art. 60 ¶2"},
		{"trademark 2019 50,000 is 五万元以上: 5 × 50,000 = 250,000", volume(tm19, "50000"), 0, y(250_000), "Trademark Law 2019, Art. 60 ¶2"},
		{"trademark 2019 50,000.01: 5 × 50,000.01 = 250,000.05", volume(tm19, "50000.01"), 0, yuan(t, "250000.05"), "Trademark Law 2019, Art. 60 ¶2"},
		{"trademark 2019 no volume", tm19, 0, y(250_000), "Trademark Law 2019, Art. 60 ¶2"},
		// Trademark Law 2013 Art. 60 ¶2, same text: 5 × 100,000 = 500,000.
		{"trademark 2013 100,000", volume(req(damages.OffenceTrademark, "2015-03-01", "2015-09-01"), "100000"), 0, y(500_000), "Trademark Law 2013, Art. 60 ¶2"},
		// Trademark Law 2026 Art. 74 ¶2, same figures: 5 × 80,000 = 400,000.
		{"trademark 2026 80,000", volume(req(damages.OffenceTrademark, "2027-02-01", "2027-05-01"), "80000"), 0, y(400_000), "Trademark Law 2026, Art. 74 ¶2"},
		// Copyright Law 2020 Art. 53: < 50,000 → ≤ 250,000; ≥ 50,000 → 1–5 × volume.
		{"copyright 2020 49,999.99", volume(cr20, "49999.99"), 0, y(250_000), "Copyright Law 2020, Art. 53"},
		{"copyright 2020 50,000: 1–5 × = 50,000–250,000", volume(cr20, "50000"), y(50_000), y(250_000), "Copyright Law 2020, Art. 53"},
		{"copyright 2020 50,000.01: 50,000.01–250,000.05", volume(cr20, "50000.01"), yuan(t, "50000.01"), yuan(t, "250000.05"), "Copyright Law 2020, Art. 53"},
		// Copyright Regulations 2013 Art. 36: 50,000 is in both branches; the
		// lighter "5万元以下 → ≤ 250,000" is applied.
		{"copyright regs 2013 49,999.99", volume(cr13, "49999.99"), 0, y(250_000), "Copyright Regulations 2013, Art. 36"},
		{"copyright regs 2013 50,000 takes the lighter branch", volume(cr13, "50000"), 0, y(250_000), "Copyright Regulations 2013, Art. 36"},
		{"copyright regs 2013 50,000.01: 50,000.01–250,000.05", volume(cr13, "50000.01"), yuan(t, "50000.01"), yuan(t, "250000.05"), "Copyright Regulations 2013, Art. 36"},
		// Patent Law 2020 Art. 68: ≤ 50,000 (五万元以下) → ≤ 250,000; above → ≤ 5 × gains.
		{"patent 2020 49,999.99", gains(pt20, "49999.99"), 0, y(250_000), "Patent Law 2020, Art. 68"},
		{"patent 2020 50,000 is 五万元以下", gains(pt20, "50000"), 0, y(250_000), "Patent Law 2020, Art. 68"},
		{"patent 2020 50,000.01: 5 × = 250,000.05", gains(pt20, "50000.01"), 0, yuan(t, "250000.05"), "Patent Law 2020, Art. 68"},
		// Patent Law 2008 Art. 63: ≤ 4 × gains = 120,000; no gains → ≤ 200,000.
		{"patent 2008 gains 30,000", gains(pt08, "30000"), 0, y(120_000), "Patent Law 2008, Art. 63"},
		{"patent 2008 no gains", pt08, 0, y(200_000), "Patent Law 2008, Art. 63"},
		// AUCL 2019 Art. 21: 100,000–1,000,000; serious 500,000–5,000,000.
		{"trade secret 2019", req(damages.OffenceTradeSecret, "2020-01-01", "2020-06-01"), y(100_000), y(1_000_000), "Anti-Unfair Competition Law 2019, Art. 21"},
		{"trade secret 2019 serious", serious(req(damages.OffenceTradeSecret, "2020-01-01", "2020-06-01")), y(500_000), y(5_000_000), "Anti-Unfair Competition Law 2019, Art. 21"},
		// AUCL 2025 Art. 26: serious floor 1,000,000.
		{"trade secret 2025 serious", serious(req(damages.OffenceTradeSecret, "2025-10-15", "2026-01-15")), y(1_000_000), y(5_000_000), "Anti-Unfair Competition Law 2025, Art. 26"},
		{"trade secret 2025", req(damages.OffenceTradeSecret, "2025-10-15", "2026-01-15"), y(100_000), y(1_000_000), "Anti-Unfair Competition Law 2025, Art. 26"},
		// Seed Law 2021 Art. 72: < 50,000 → 10,000–250,000; ≥ 50,000 → 5–10 × value.
		{"seed 2021 49,999.99", goods(req(damages.OffencePlantVariety, "2022-06-01", "2022-09-01"), "49999.99"), y(10_000), y(250_000), "Seed Law 2021, Art. 72"},
		{"seed 2021 50,000: 250,000–500,000", goods(req(damages.OffencePlantVariety, "2022-06-01", "2022-09-01"), "50000"), y(250_000), y(500_000), "Seed Law 2021, Art. 72"},
		{"seed 2021 passing off without public-interest harm", func() damages.FineRequest {
			r := req(damages.OffencePlantVariety, "2022-06-01", "2022-09-01")
			r.PublicInterest, r.PassingOff = false, true
			return r
		}(), y(10_000), y(250_000), "Seed Law 2021, Art. 72"},
		// Innocent seller (Art. 60 ¶2, last sentence): stop selling, no fine.
		{"trademark innocent seller", func() damages.FineRequest { r := volume(tm19, "80000"); r.InnocentSeller = true; return r }(), 0, 0, "Trademark Law 2019, Art. 60 ¶2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatalf("CalculateFine: %v", err)
			}
			if got.Min != tt.min || got.Max != tt.max || got.Law != tt.law {
				t.Errorf("range %s–%s under %q, want %s–%s under %q", got.Min, got.Max, got.Law, tt.min, tt.max, tt.law)
			}
			if !containsLine(got.Citations, tt.law) || !containsLine(got.Steps, "Lawful range") {
				t.Errorf("result does not cite %q or state the range: %q %q", tt.law, got.Citations, got.Steps)
			}
		})
	}
}

// TestCalculateFineLaterLaw checks Administrative Penalty Law Art. 37 on the
// real version pairs: in each the later rule is the same or heavier, so the
// rule at the time of the act stays (the swap itself is tested internally).
func TestCalculateFineLaterLaw(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	for _, tt := range []struct {
		name     string
		req      damages.FineRequest
		min, max damages.Fen
		law      string
	}{{
		// 2019 Art. 60 and 2026 Art. 74 give the same 0–5 × 60,000 = 300,000.
		name: "trademark 2019 act decided under 2026",
		req: damages.FineRequest{Offence: damages.OffenceTrademark, ConductDate: day(t, "2026-06-01"), DecisionDate: day(t, "2027-03-01"),
			BusinessVolume: y(60_000), Party: damages.Organisation},
		min: 0, max: y(300_000), law: "Trademark Law 2019, Art. 60 ¶2",
	}, {
		// AUCL 2019 serious 500,000–5,000,000 vs AUCL 2025 1,000,000–5,000,000: 2019 is lighter.
		name: "trade secret 2019 act decided under 2025",
		req: damages.FineRequest{Offence: damages.OffenceTradeSecret, ConductDate: day(t, "2025-05-01"), DecisionDate: day(t, "2026-01-05"),
			Serious: true, Party: damages.Organisation},
		min: y(500_000), max: y(5_000_000), law: "Anti-Unfair Competition Law 2019, Art. 21",
	}, {
		// Patent 2008: 4 × 30,000 = 120,000 vs 2020: ≤ 250,000 → 2008 stays.
		name: "patent 2008 act decided under 2020",
		req: damages.FineRequest{Offence: damages.OffencePatentPassingOff, ConductDate: day(t, "2021-01-01"), DecisionDate: day(t, "2021-07-01"),
			IllegalGains: y(30_000), Party: damages.Organisation},
		min: 0, max: y(120_000), law: "Patent Law 2008, Art. 63",
	}, {
		// Regulations 2013 at exactly 50,000: 0–250,000 vs Copyright 2020:
		// 50,000–250,000 → the Regulations stay.
		name: "copyright regs act decided under Copyright Law 2020",
		req: damages.FineRequest{Offence: damages.OffenceCopyright, ConductDate: day(t, "2021-03-01"), DecisionDate: day(t, "2021-08-01"),
			BusinessVolume: y(50_000), PublicInterest: true, Party: damages.Organisation},
		min: 0, max: y(250_000), law: "Copyright Regulations 2013, Art. 36",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Min != tt.min || got.Max != tt.max || got.Law != tt.law || got.LighterLaterLaw {
				t.Errorf("range %s–%s under %q lighter %v, want %s–%s under %q false", got.Min, got.Max, got.Law, got.LighterLaterLaw, tt.min, tt.max, tt.law)
			}
			if !containsLine(got.Steps, "not lighter", "Administrative Penalty Law Art. 37") ||
				!containsLine(got.Citations, "Administrative Penalty Law 2021 Art. 37") {
				t.Errorf("steps %q do not explain Art. 37", got.Steps)
			}
		})
	}
}

// TestCalculateFineFlags checks the 从重, hearing and criminal-transfer flags.
func TestCalculateFineFlags(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	tm := func(mod func(*damages.FineRequest)) damages.FineRequest {
		r := damages.FineRequest{Offence: damages.OffenceTrademark, ConductDate: day(t, "2020-06-01"), DecisionDate: day(t, "2020-12-01"),
			Party: damages.Organisation, ProposedFine: y(1_000)}
		mod(&r)
		return r
	}
	// tm25: an act and decision after Fa Shi [2025] No. 5 took effect
	// (2025-04-26), so its thresholds apply.
	tm25 := func(mod func(*damages.FineRequest)) damages.FineRequest {
		r := tm(mod)
		r.ConductDate, r.DecisionDate = day(t, "2025-06-01"), day(t, "2025-12-01")
		return r
	}
	type flags struct{ heavier, hearing, criminal bool }
	for _, tt := range []struct {
		name string
		req  damages.FineRequest
		want flags
		step string // a fragment some step must contain
	}{
		// Trademark Law 2019 Art. 60 ¶2: two or more infringements within 5 years → 从重.
		{"one earlier infringement", tm(func(r *damages.FineRequest) { r.EarlierInfringements = 1 }), flags{true, false, false}, "1 earlier decided"},
		{"repeat within 5 years", tm(func(r *damages.FineRequest) { r.RepeatWithin5Years = true }), flags{true, false, false}, "two or more infringements within 5 years"},
		{"other serious circumstances", tm(func(r *damages.FineRequest) { r.Serious = true }), flags{true, false, false}, "other serious circumstances"},
		{"no heavier rule for copyright", damages.FineRequest{Offence: damages.OffenceCopyright, ConductDate: day(t, "2022-01-01"), DecisionDate: day(t, "2022-02-01"),
			PublicInterest: true, RepeatWithin5Years: true, Party: damages.Organisation, ProposedFine: y(1_000)}, flags{false, false, false}, "names no heavier-penalty"},
		// SAMR Hearing Measures Art. 5: ≥ 10,000 natural person, ≥ 100,000 organisation.
		{"natural person 9,999.99", tm(func(r *damages.FineRequest) { r.Party, r.ProposedFine = damages.NaturalPerson, yuan(t, "9999.99") }), flags{}, "< 10,000.00"},
		{"natural person 10,000", tm(func(r *damages.FineRequest) { r.Party, r.ProposedFine = damages.NaturalPerson, y(10_000) }), flags{hearing: true}, "10,000.00 ≥ 10,000.00 for a natural person"},
		{"organisation 99,999.99", tm(func(r *damages.FineRequest) { r.ProposedFine = yuan(t, "99999.99") }), flags{}, "< 100,000.00"},
		{"organisation 100,000", tm(func(r *damages.FineRequest) { r.ProposedFine = y(100_000) }), flags{hearing: true}, "100,000.00 ≥ 100,000.00 for an organisation"},
		{"local threshold 5,000", tm(func(r *damages.FineRequest) {
			r.Party, r.ProposedFine, r.Hearing.NaturalPerson = damages.NaturalPerson, y(5_000), y(5_000)
		}), flags{hearing: true}, "5,000.00 ≥ 5,000.00"},
		{"range maximum when no fine is proposed", tm(func(r *damages.FineRequest) { r.ProposedFine = 0 }), flags{hearing: true}, "the range maximum 250,000.00"},
		// Patent Law 2020 Art. 68 confiscates the gains: 120,000 ≥ 100,000.
		{"confiscated gains reach the threshold", damages.FineRequest{Offence: damages.OffencePatentPassingOff, ConductDate: day(t, "2022-01-01"), DecisionDate: day(t, "2022-02-01"),
			IllegalGains: y(120_000), Party: damages.Organisation, ProposedFine: y(50_000)}, flags{hearing: true, criminal: true}, "confiscating illegal gains of 120,000.00"},
		{"innocent seller: no fine, no hearing", tm(func(r *damages.FineRequest) { r.InnocentSeller, r.ProposedFine = true, 0 }), flags{}, "only ordered to stop selling"},
		// Fa Shi [2025] No. 5 Art. 3 ¶1 (goods): volume ≥ 50,000 or gains ≥ 30,000.
		{"volume 49,999.99 below the crime line", tm25(func(r *damages.FineRequest) { r.BusinessVolume = yuan(t, "49999.99") }), flags{}, "no counterfeit-goods (Criminal Law Art. 213) threshold reached under Fa Shi [2025] No. 5"},
		{"volume 50,000 reaches it", tm25(func(r *damages.FineRequest) { r.BusinessVolume = y(50_000) }), flags{criminal: true}, "illegal business volume 50,000.00 ≥ 50,000.00"},
		{"gains 30,000 reach it", tm25(func(r *damages.FineRequest) { r.IllegalGains = y(30_000) }), flags{criminal: true}, "illegal gains 30,000.00 ≥ 30,000.00"},
		// Art. 3 ¶1(3): repeat within 2 years, volume ≥ 30,000; ¶1(2): two marks, the same.
		{"repeat offender at 30,000", tm25(func(r *damages.FineRequest) { r.BusinessVolume, r.CriminalRepeat = y(30_000), true }), flags{criminal: true}, "Art. 3 ¶1(3) (repeat within 2 years)"},
		{"two marks at 30,000", tm25(func(r *damages.FineRequest) { r.BusinessVolume, r.MultipleRights = y(30_000), true }), flags{criminal: true}, "two or more marks"},
		{"30,000 alone is below", tm25(func(r *damages.FineRequest) { r.BusinessVolume = y(30_000) }), flags{}, "no counterfeit-goods (Criminal Law Art. 213) threshold"},
		// Fa Shi [2004] No. 19 Art. 1 ¶1(1), in force in 2020, has the same 50,000.
		{"2020 act under Fa Shi [2004] No. 19", tm(func(r *damages.FineRequest) { r.BusinessVolume = y(50_000) }), flags{criminal: true}, "Fa Shi [2004] No. 19 Art. 1 ¶1(1): illegal business volume 50,000.00 ≥ 50,000.00"},
		// Fa Shi [2025] No. 5 Arts. 16–19: owner's loss ≥ 300,000.
		{"trade secret loss 300,000", damages.FineRequest{Offence: damages.OffenceTradeSecret, ConductDate: day(t, "2025-06-01"), DecisionDate: day(t, "2025-07-01"),
			HolderLoss: y(300_000), Party: damages.Organisation, ProposedFine: y(100_000)}, flags{hearing: true, criminal: true}, "right holder's loss 300,000.00 ≥ 300,000.00"},
		{"agency's own threshold table", tm(func(r *damages.FineRequest) {
			r.IllegalGains = y(10_000)
			r.CriminalThresholds = []damages.CriminalThreshold{{Offence: damages.OffenceTrademark, Rule: "local rule", IllegalGains: y(10_000)}}
		}), flags{criminal: true}, "local rule: illegal gains 10,000.00 ≥ 10,000.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if g := (flags{got.Heavier, got.HearingRequired, got.CriminalTransfer}); g != tt.want {
				t.Errorf("heavier/hearing/criminal = %+v, want %+v; steps %q", g, tt.want, got.Steps)
			}
			if !containsLine(got.Steps, tt.step) {
				t.Errorf("steps lack %q: %q", tt.step, got.Steps)
			}
		})
	}
}

func TestCalculateFineRefuses(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	base := func(o damages.Offence, conduct string, mod func(*damages.FineRequest)) damages.FineRequest {
		r := damages.FineRequest{Offence: o, ConductDate: day(t, conduct), DecisionDate: day(t, conduct).AddDays(90), Party: damages.Organisation}
		mod(&r)
		return r
	}
	none := func(*damages.FineRequest) {}
	for _, tt := range []struct {
		name      string
		req       damages.FineRequest
		field     string
		fragments []string
	}{
		{"trademark before 2014-05-01", base(damages.OffenceTrademark, "2014-04-30", none), "conduct_date",
			[]string{"conduct on 2014-04-30 is before Trademark Law 2013, Art. 60 ¶2 took effect on 2014-05-01"}},
		{"trade secret before AUCL 2017", base(damages.OffenceTradeSecret, "2017-12-31", none), "conduct_date",
			[]string{"Anti-Unfair Competition Law 2017, Art. 21 took effect on 2018-01-01"}},
		{"decision before conduct", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) { r.DecisionDate = day(t, "2019-12-31") }),
			"decision_date", []string{"2019-12-31 is before the conduct date 2020-01-01"}},
		{"copyright without public-interest harm", base(damages.OffenceCopyright, "2022-01-01", none), "public_interest",
			[]string{"Copyright Law 2020, Art. 53 fines only where the infringement also harms the public interest"}},
		{"seed without public-interest harm", base(damages.OffencePlantVariety, "2022-06-01", none), "public_interest",
			[]string{"Seed Law 2021, Art. 72", "or is passing off"}},
		{"innocent seller outside trademark", base(damages.OffencePatentPassingOff, "2022-01-01", func(r *damages.FineRequest) { r.InnocentSeller = true }),
			"innocent_seller", []string{"Patent Law 2020, Art. 68 has no innocent-seller rule"}},
		{"proposed fine above the range", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) { r.ProposedFine = yuan(t, "250000.01") }),
			"proposed_fine", []string{"250,000.01 is outside the 0.00–250,000.00 range of Trademark Law 2019, Art. 60 ¶2"}},
		{"proposed fine below the serious floor", base(damages.OffenceTradeSecret, "2026-01-01", func(r *damages.FineRequest) { r.Serious, r.ProposedFine = true, y(999_999) }),
			"proposed_fine", []string{"999,999.00 is outside the 1,000,000.00–5,000,000.00 range of Anti-Unfair Competition Law 2025, Art. 26"}},
		{"no party", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) { r.Party = 0 }), "party", []string{"natural-person or organisation"}},
		{"no offence", base(0, "2020-01-01", none), "offence", []string{"required", "patent-passing-off"}},
		{"negative earlier infringements", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) { r.EarlierInfringements = -1 }),
			"earlier_infringements", []string{"negative"}},
		{"threshold without a rule", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) {
			r.CriminalThresholds = []damages.CriminalThreshold{{Offence: damages.OffenceTrademark, IllegalGains: 1}}
		}), "criminal_thresholds[0].rule", []string{"required"}},
		{"threshold without a figure", base(damages.OffenceTrademark, "2020-01-01", func(r *damages.FineRequest) {
			r.CriminalThresholds = []damages.CriminalThreshold{{Offence: damages.OffenceTrademark, Rule: "x"}}
		}), "criminal_thresholds[0]", []string{"at least one"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err == nil {
				t.Fatalf("CalculateFine = %s–%s, want a refusal on %s", got.Min, got.Max, tt.field)
			}
			wantRefusal(t, err, tt.field, tt.fragments...)
		})
	}
}

func TestCheckFine(t *testing.T) {
	t.Parallel()
	// Copyright Law 2020 Art. 53 with volume 60,000: 1–5 × = 60,000–300,000.
	r, err := damages.CalculateFine(damages.FineRequest{Offence: damages.OffenceCopyright, ConductDate: day(t, "2022-01-01"),
		DecisionDate: day(t, "2022-03-01"), BusinessVolume: damages.Yuan(60_000), PublicInterest: true, Party: damages.NaturalPerson})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		fine string
		ok   bool
	}{{"60000", true}, {"300000", true}, {"150000.5", true}, {"59999.99", false}, {"300000.01", false}} {
		err := damages.CheckFine(r, yuan(t, tt.fine))
		if (err == nil) != tt.ok {
			t.Errorf("CheckFine(%s) = %v, want ok %v", tt.fine, err, tt.ok)
		}
		if !tt.ok {
			wantRefusal(t, err, "proposed_fine", "outside the 60,000.00–300,000.00 range of Copyright Law 2020, Art. 53")
		}
	}
	wantRefusal(t, damages.CheckFine(damages.FineResult{}, 1), "proposed_fine", "no fine range")
}

func TestCalculateFineNoThresholdConfigured(t *testing.T) {
	t.Parallel()
	// Seed Law 2021 Art. 72: plant-variety infringement is none of the IP
	// crimes of Criminal Law Arts. 213–219.
	got, err := damages.CalculateFine(damages.FineRequest{Offence: damages.OffencePlantVariety, ConductDate: day(t, "2022-06-01"),
		DecisionDate: day(t, "2022-07-01"), GoodsValue: damages.Yuan(1_000_000), PublicInterest: true, Party: damages.NaturalPerson})
	if err != nil {
		t.Fatal(err)
	}
	// 5–10 × 1,000,000 = 5,000,000–10,000,000.
	if got.Min != damages.Yuan(5_000_000) || got.Max != damages.Yuan(10_000_000) || got.CriminalTransfer ||
		!containsLine(got.Steps, "none of the IP crimes of Criminal Law Arts. 213–219") {
		t.Errorf("range %s–%s criminal %v steps %q", got.Min, got.Max, got.CriminalTransfer, got.Steps)
	}
}
