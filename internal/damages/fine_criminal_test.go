package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestCriminalThresholdByActDate checks that an act is judged under the
// interpretation in force when it was done unless the one in force at the
// decision is more favourable (SPC/SPP Provisions on the Temporal Effect of
// Criminal Judicial Interpretations (2001) Art. 3), or none existed for it
// then (Art. 2). Fa Shi [2025] No. 5 is in force from 2025-04-26 (its
// Art. 31).
func TestCriminalThresholdByActDate(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	const (
		earlier = "Fa Shi [2004] No. 19 with Fa Shi [2007] No. 6, the 2011 SPC/SPP/MPS Opinions on IP Criminal Cases (Fa Fa [2011] No. 3) and Fa Shi [2020] No. 10"
		later   = "Fa Shi [2025] No. 5"
	)
	req := func(o damages.Offence, conduct, decision string, mod func(*damages.FineRequest)) damages.FineRequest {
		r := damages.FineRequest{Offence: o, ConductDate: day(t, conduct), DecisionDate: day(t, decision), Party: damages.Organisation,
			PublicInterest: o == damages.OffenceCopyright}
		mod(&r)
		return r
	}
	for _, tt := range []struct {
		name     string
		req      damages.FineRequest
		flagged  bool
		interp   string // CriminalInterpretation
		fragment string // in a rule if flagged, else in a step
	}{{
		// Patent passing off, 2024: Fa Shi [2004] No. 19 Art. 4(2) needs a
		// direct loss ≥ 500,000; 300,000 < 500,000. Fa Shi [2025] No. 5
		// Art. 10(2) (300,000) would flag it, so it is not more favourable:
		// the 2004 interpretation applies and nothing is flagged.
		name: "2024 patent passing off, loss 300,000, decided after 2025-04-26",
		req: req(damages.OffencePatentPassingOff, "2024-05-01", "2025-06-01", func(r *damages.FineRequest) {
			r.HolderLoss = y(300_000)
		}),
		interp: earlier, fragment: "is judged under " + earlier,
	}, {
		name: "2024 patent passing off, loss 300,000, decided in 2024",
		req: req(damages.OffencePatentPassingOff, "2024-05-01", "2024-11-01", func(r *damages.FineRequest) {
			r.HolderLoss = y(300_000)
		}),
		interp: earlier, fragment: "no patent-passing-off (Criminal Law Art. 216) threshold reached under " + earlier,
	}, {
		// 500,000 ≥ 500,000 (以上 includes the number): flagged, citing the
		// 2004 article.
		name: "2024 patent passing off, loss 500,000",
		req: req(damages.OffencePatentPassingOff, "2024-05-01", "2025-06-01", func(r *damages.FineRequest) {
			r.HolderLoss = y(500_000)
		}),
		flagged: true, interp: earlier, fragment: "Criminal Law Art. 216, Fa Shi [2004] No. 19 Art. 4(1)–(2): right holder's loss 500,000.00 ≥ 500,000.00",
	}, {
		// The same act in 2025 falls under Fa Shi [2025] No. 5 Art. 10(2):
		// 300,000 ≥ 300,000.
		name: "2025 patent passing off, loss 300,000",
		req: req(damages.OffencePatentPassingOff, "2025-05-01", "2025-08-01", func(r *damages.FineRequest) {
			r.HolderLoss = y(300_000)
		}),
		flagged: true, interp: later, fragment: "Fa Shi [2025] No. 5 Art. 10(1)–(2): right holder's loss 300,000.00 ≥ 300,000.00",
	}, {
		// Trademark, repeat offender, volume 30,000, 2024: Fa Shi [2004]
		// No. 19 Art. 1 ¶1 has no repeat line and needs 50,000; the 2025
		// repeat line (Art. 3 ¶1(3), 30,000) is harsher, so it is not
		// applied.
		name: "2024 repeat offender, volume 30,000",
		req: req(damages.OffenceTrademark, "2024-05-01", "2025-06-01", func(r *damages.FineRequest) {
			r.BusinessVolume, r.CriminalRepeat = y(30_000), true
		}),
		interp: earlier, fragment: "not more favourable",
	}, {
		name: "2025 repeat offender, volume 30,000",
		req: req(damages.OffenceTrademark, "2025-05-01", "2025-08-01", func(r *damages.FineRequest) {
			r.BusinessVolume, r.CriminalRepeat = y(30_000), true
		}),
		flagged: true, interp: later, fragment: "Art. 3 ¶1(3) (repeat within 2 years): illegal business volume 30,000.00 ≥ 30,000.00",
	}, {
		// Online copyright, 60,000 clicks in 2024: the 2011 Opinions Art. 13
		// flag 50,000 clicks; Fa Shi [2025] No. 5 Art. 13 ¶1(4) needs
		// 100,000 (and 60,000 is half of it for one figure only, not two,
		// ¶1(5)). Decided after 2025-04-26 the new interpretation is more
		// favourable and applies: not flagged.
		name: "2024 online copyright, 60,000 clicks, decided after 2025-04-26",
		req: req(damages.OffenceCopyright, "2024-05-01", "2025-06-01", func(r *damages.FineRequest) {
			r.Clicks = 60_000
		}),
		interp: later, fragment: "the later interpretation is more favourable and applies",
	}, {
		name: "2024 online copyright, 60,000 clicks, decided in 2024",
		req: req(damages.OffenceCopyright, "2024-05-01", "2024-10-01", func(r *damages.FineRequest) {
			r.Clicks = 60_000
		}),
		flagged: true, interp: earlier, fragment: "Opinions on IP Criminal Cases (Fa Fa [2011] No. 3) Art. 13: clicks 60000 ≥ 50000",
	}, {
		// Fa Shi [2025] No. 5 Art. 13 ¶1(5): 300 copies (≥ 250, half of
		// 500) and 6,000 downloads (≥ 5,000, half of 10,000): two figures
		// at half → serious.
		name: "2025 copyright, two figures at half",
		req: req(damages.OffenceCopyright, "2025-06-01", "2025-09-01", func(r *damages.FineRequest) {
			r.Copies, r.Downloads = 300, 6_000
		}),
		flagged: true, interp: later, fragment: "copies 300 ≥ half of 500 and downloads 6000 ≥ half of 10000",
	}, {
		// Services became a crime under Art. 213 on 2021-03-01 (Amendment
		// XI); an act in 2020 was none (Criminal Law Art. 12).
		name: "2020 service mark",
		req: req(damages.OffenceTrademark, "2020-06-01", "2020-12-01", func(r *damages.FineRequest) {
			r.CriminalAct, r.IllegalGains = damages.ActCounterfeitServices, y(60_000)
		}),
		fragment: "the act on 2020-06-01 was not one",
	}, {
		// 2022 service mark: no interpretation set a services threshold
		// then, so Fa Shi [2025] No. 5 Art. 3 ¶2(1) (gains ≥ 50,000)
		// applies to a case handled after it (2001 Provisions Art. 2).
		name: "2022 service mark decided after 2025-04-26",
		req: req(damages.OffenceTrademark, "2022-06-01", "2025-06-01", func(r *damages.FineRequest) {
			r.CriminalAct, r.IllegalGains = damages.ActCounterfeitServices, y(60_000)
		}),
		flagged: true, interp: later, fragment: "Art. 3 ¶2(1) (services): illegal gains 60,000.00 ≥ 50,000.00",
	}, {
		// Fa Shi [2025] No. 5 Art. 6 ¶1(1): 10,000 labels.
		name: "2025 labels 10,000",
		req: req(damages.OffenceTrademark, "2025-06-01", "2025-09-01", func(r *damages.FineRequest) {
			r.CriminalAct, r.LabelPieces = damages.ActLabels, 10_000
		}),
		flagged: true, interp: later, fragment: "Criminal Law Art. 215, Fa Shi [2025] No. 5 Art. 6 ¶1(1): labels 10000 ≥ 10000",
	}, {
		// Fa Shi [2025] No. 5 Art. 14 ¶1: selling infringing copies, sales
		// ≥ 100,000; 40,000 sold + 260,000 unsold = 300,000 ≥ 3 × 100,000.
		name: "2025 selling copies, sales plus unsold",
		req: req(damages.OffenceCopyright, "2025-06-01", "2025-09-01", func(r *damages.FineRequest) {
			r.CriminalAct, r.Sales, r.UnsoldValue = damages.ActSellCopies, y(40_000), y(260_000)
		}),
		flagged: true, interp: later, fragment: "Criminal Law Art. 218, Fa Shi [2025] No. 5 Art. 14 ¶1: sales plus unsold goods 300,000.00 ≥ 300,000.00",
	}, {
		// Fa Shi [2004] No. 19 Art. 6: selling copies needs gains ≥ 100,000
		// in 2024; 60,000 does not, and the 2025 line of 50,000 is harsher.
		name: "2024 selling copies, gains 60,000",
		req: req(damages.OffenceCopyright, "2024-06-01", "2025-09-01", func(r *damages.FineRequest) {
			r.CriminalAct, r.IllegalGains = damages.ActSellCopies, y(60_000)
		}),
		interp: earlier, fragment: "no sell-copies (Criminal Law Art. 218) threshold reached under " + earlier,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.CriminalTransfer != tt.flagged || got.CriminalInterpretation != tt.interp {
				t.Errorf("flagged %v under %q, want %v under %q; rules %q steps %q", got.CriminalTransfer, got.CriminalInterpretation,
					tt.flagged, tt.interp, got.CriminalRules, got.Steps)
			}
			lines := got.Steps
			if tt.flagged {
				lines = got.CriminalRules
			}
			if !containsLine(lines, tt.fragment) {
				t.Errorf("no line contains %q: %q", tt.fragment, lines)
			}
		})
	}
}

// TestInnocentSeller checks the seller's defence: Trademark Law 2019
// Art. 60 ¶2 (no fine), Art. 64 ¶2 (no damages), Criminal Law Art. 214 (no
// crime without knowledge), and AUCL 2025 Art. 23 ¶2 for confusion.
func TestInnocentSeller(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	// A 2024 trademark seller, volume and sales 80,000: without the defence
	// the fine is up to 5 × 80,000 = 400,000 (Art. 60 ¶2) and the sales
	// reach Fa Shi [2004] No. 19 Art. 2 (≥ 50,000).
	seller := func(mod func(*damages.FineRequest)) damages.FineRequest {
		r := damages.FineRequest{Offence: damages.OffenceTrademark, ConductDate: day(t, "2024-03-01"), DecisionDate: day(t, "2024-09-01"),
			Party: damages.Organisation, BusinessVolume: y(80_000), Sales: y(80_000)}
		mod(&r)
		return r
	}
	type want struct {
		max                        damages.Fen
		innocent, noComp, criminal bool
		act                        damages.CriminalAct
		step                       string
	}
	for _, tt := range []struct {
		name string
		req  damages.FineRequest
		want want
	}{
		{"all three facts", seller(func(r *damages.FineRequest) { r.SellerDidNotKnow, r.LawfulSource, r.SupplierNamed = true, true, true }),
			want{0, true, true, false, damages.ActSellCounterfeit, "No damages are owed either (Trademark Law 2019, Art. 64 ¶2)"}},
		{"innocent_seller shorthand", seller(func(r *damages.FineRequest) { r.InnocentSeller = true }),
			want{0, true, true, false, damages.ActSellCounterfeit, "Criminal Law Art. 214 punishes only one who sells knowing"}},
		{"did not know, supplier not named", seller(func(r *damages.FineRequest) { r.SellerDidNotKnow, r.LawfulSource = true, true }),
			want{y(400_000), false, false, false, damages.ActSellCounterfeit, "not established that the seller names the supplier; the fine applies"}},
		{"knowing seller", seller(func(r *damages.FineRequest) { r.CriminalAct = damages.ActSellCounterfeit }),
			want{y(400_000), false, false, true, damages.ActSellCounterfeit, "Criminal Law Art. 214, Fa Shi [2004] No. 19 Art. 2 ¶1: sales 80,000.00 ≥ 50,000.00"}},
		// AUCL 2025 Art. 23 ¶2: no fine; the AUCL names no damages rule for it.
		{"confusion seller under AUCL 2025", damages.FineRequest{Offence: damages.OffenceConfusion, ConductDate: day(t, "2026-01-01"),
			DecisionDate: day(t, "2026-03-01"), Party: damages.Organisation, BusinessVolume: y(80_000), InnocentSeller: true},
			want{0, true, false, false, damages.ActUnspecified, "Anti-Unfair Competition Law 2025, Art. 23 ¶2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.CalculateFine(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			g := want{got.Max, got.InnocentSeller, got.NoCompensation, got.CriminalTransfer, got.CriminalAct, tt.want.step}
			if g != tt.want {
				t.Errorf("got %+v, want %+v; steps %q", g, tt.want, got.Steps)
			}
			if !containsLine(append(got.Steps, got.CriminalRules...), tt.want.step) {
				t.Errorf("no line contains %q: %q %q", tt.want.step, got.Steps, got.CriminalRules)
			}
		})
	}
	// AUCL 2019 Art. 18 has no seller's defence: refused, naming the field.
	_, err := damages.CalculateFine(damages.FineRequest{Offence: damages.OffenceConfusion, ConductDate: day(t, "2024-01-01"),
		DecisionDate: day(t, "2024-03-01"), Party: damages.Organisation, LawfulSource: true})
	wantRefusal(t, err, "lawful_source", "Anti-Unfair Competition Law 2019, Art. 18 ¶1 has no innocent-seller rule")
	// A seller's facts with a making crime are contradictory.
	_, err = damages.CalculateFine(seller(func(r *damages.FineRequest) { r.InnocentSeller, r.CriminalAct = true, damages.ActCounterfeitGoods }))
	wantRefusal(t, err, "criminal_act", "is not a selling crime")
}
