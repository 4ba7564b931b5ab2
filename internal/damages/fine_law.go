package damages

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// Offence is what an administrative fine punishes. GIs registered as
// collective or certification marks are fined as Trademark.
type Offence int

// Offence values; the zero value is unspecified and refused.
const (
	OffenceUnspecified      Offence = iota
	OffenceTrademark                // trademark infringement
	OffenceCopyright                // copyright infringement that also harms the public interest
	OffencePatentPassingOff         // passing off a patent (假冒专利); infringement itself is not fined
	OffenceTradeSecret              // trade-secret infringement
	OffencePlantVariety             // plant-variety infringement or passing off a protected variety
	OffenceConfusion                // confusion (混淆) under the Anti-Unfair Competition Law
)

var offenceNames = []string{"unspecified", "trademark", "copyright", "patent-passing-off", "trade-secret", "plant-variety", "confusion"}

// String returns the CLI spelling, e.g. "patent-passing-off".
func (o Offence) String() string { return enumName(offenceNames, int(o)) }

// ParseOffence reads a CLI spelling such as "trademark" or "patent-passing-off".
func ParseOffence(s string) (Offence, error) {
	return parseEnum[Offence]("offence", s, offenceNames, nil)
}

// MarshalText encodes o as String does.
func (o Offence) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseOffence does.
func (o *Offence) UnmarshalText(b []byte) (err error) {
	*o, err = ParseOffence(string(b))
	return err
}

// fineVersion is one text of a fine rule, governing acts from inForce until
// the next version of the same offence.
type fineVersion struct {
	law, article string
	inForce      civil.Date
	band         func(FineRequest) fineBand
	// heavier: the article orders a heavier penalty (从重) for two or more
	// infringements within 5 years or other serious circumstances.
	heavier bool
	// innocentSeller names the paragraph that spares a seller who did not
	// know, shows a lawful source and names the supplier ("" if none), and
	// noCompensation the one that spares it damages ("" if none).
	innocentSeller, noCompensation string
	// confiscatesGains: the article confiscates illegal gains, which counts
	// towards the hearing threshold (SAMR Hearing Measures Art. 5).
	confiscatesGains bool
	// publicInterest: fined only where the act also harms the public
	// interest (passingOffToo: or is passing off).
	publicInterest, passingOffToo bool
	// source names the instrument that set inForce and anything else the
	// user needs to read the rule; it is shown with every result.
	// SOURCES.md says how each row was checked.
	source string
}

func (v fineVersion) name() string { return v.law + ", " + v.article }

// fineBand is the lawful range for given facts and the rule that set it.
type fineBand struct {
	min, max Fen
	rule     string
}

// lighterThan reports whether b is the lighter penalty: a lower maximum, or
// the same maximum and a lower minimum.
func (b fineBand) lighterThan(a fineBand) bool {
	return b.max < a.max || (b.max == a.max && b.min < a.min)
}

var fiftyThousand = Yuan(50_000)

// fineVersions returns the fine rules encoded for o, oldest first.
func fineVersions(o Offence) []fineVersion {
	switch o {
	case OffenceTrademark:
		// Art. 60 ¶2 (the 2013 and 2019 texts are the same) and 2026
		// Art. 74 ¶2 set the same figures.
		// The innocent seller is the last sentence of the same paragraph; the
		// damages rule for it is Art. 64 ¶2 (2026: Art. 78 ¶2).
		tm := func(law, art, comp string, d civil.Date, src string) fineVersion {
			return fineVersion{law: law, article: art, inForce: d, band: trademarkBand,
				heavier: true, innocentSeller: art, noCompensation: comp, source: src}
		}
		return []fineVersion{
			tm("Trademark Law 2013", "Art. 60 ¶2", "Art. 64 ¶2", ymd(2014, time.May, 1),
				"in force under the NPCSC amending decision of 2013-08-30; same text as the 2019 Art. 60 ¶2"),
			tm("Trademark Law 2019", "Art. 60 ¶2", "Art. 64 ¶2", ymd(2019, time.November, 1),
				"in force under Presidential Order No. 29 (2019); the 2019 amendment left Art. 60 unchanged"),
			tm("Trademark Law 2026", "Art. 74 ¶2", "Art. 78 ¶2", ymd(2027, time.January, 1),
				"in force under Art. 87 of the 2026 revision; same figures as the 2019 Art. 60 ¶2"),
		}
	case OffenceCopyright:
		return []fineVersion{{
			// Copyright Regulations (2013 revision) Art. 36, fining the acts of
			// Copyright Law 2010 Art. 48 that also harm the public interest.
			// The in-force date rests on one secondary source: see SOURCES.md.
			law: "Copyright Regulations 2013", article: "Art. 36", inForce: ymd(2013, time.March, 1),
			band: copyrightRegsBand, publicInterest: true,
			source: "fines the infringements of Copyright Law 2010 Art. 48 that also harm the public interest; 2013 revision of the Regulations",
		}, {
			// Copyright Law 2020 Art. 53.
			law: "Copyright Law 2020", article: "Art. 53", inForce: ymd(2021, time.June, 1),
			band: copyright2020Band, publicInterest: true, confiscatesGains: true,
			source: "in force under the NPCSC amending decision of 2020-11-11",
		}}
	case OffencePatentPassingOff:
		return []fineVersion{{
			// Patent Law 2008 Art. 63: ≤ 4 × illegal gains; none → ≤ 200,000.
			law: "Patent Law 2008", article: "Art. 63", inForce: ymd(2009, time.October, 1),
			band: patent2008Band, source: "in force under Presidential Order No. 8 (2008)",
		}, {
			// Patent Law 2020 Art. 68.
			law: "Patent Law 2020", article: "Art. 68", inForce: ymd(2021, time.June, 1),
			band: patent2020Band, confiscatesGains: true, source: "in force under the NPCSC amending decision of 2020-10-17",
		}}
	case OffenceTradeSecret:
		return []fineVersion{{
			// AUCL 2017 Art. 21: 100,000–500,000; serious 500,000–3,000,000;
			// no confiscation of gains.
			law: "Anti-Unfair Competition Law 2017", article: "Art. 21", inForce: ymd(2018, time.January, 1),
			band:   auclBand(Yuan(500_000), Yuan(500_000), Yuan(3_000_000)),
			source: "in force under Art. 32 of the 2017 revision (adopted 2017-11-04)",
		}, {
			law: "Anti-Unfair Competition Law 2019", article: "Art. 21", inForce: ymd(2019, time.April, 23),
			band: auclBand(Yuan(1_000_000), Yuan(500_000), Yuan(5_000_000)), confiscatesGains: true,
			source: "in force on promulgation under Presidential Order No. 29 (2019)",
		}, {
			law: "Anti-Unfair Competition Law 2025", article: "Art. 26", inForce: ymd(2025, time.October, 15),
			band: auclBand(Yuan(1_000_000), Yuan(1_000_000), Yuan(5_000_000)), confiscatesGains: true,
			source: "in force under Art. 41 of the 2025 revision",
		}}
	case OffenceConfusion:
		// AUCL 2017 Art. 18 ¶1 (the 2019 amendment left it unchanged) and
		// 2025 Art. 23 ¶1 set the same figures as Trademark Law Art. 60 ¶2;
		// "serious" adds revocation of the business licence, not a higher
		// fine. Only the 2025 text spares an innocent seller (Art. 23 ¶2).
		cf := func(law, art string, d civil.Date, innocent, src string) fineVersion {
			return fineVersion{law: law, article: art, inForce: d, band: trademarkBand, innocentSeller: innocent, source: src}
		}
		return []fineVersion{
			cf("Anti-Unfair Competition Law 2017", "Art. 18 ¶1", ymd(2018, time.January, 1), "",
				"in force under Art. 32 of the 2017 revision (adopted 2017-11-04)"),
			cf("Anti-Unfair Competition Law 2019", "Art. 18 ¶1", ymd(2019, time.April, 23), "",
				"in force on promulgation under Presidential Order No. 29 (2019); Art. 18 unchanged from 2017"),
			cf("Anti-Unfair Competition Law 2025", "Art. 23 ¶1", ymd(2025, time.October, 15), "Art. 23 ¶2",
				"in force under Art. 41 of the 2025 revision; Art. 23 ¶1 keeps the 2019 figures"),
		}
	case OffencePlantVariety:
		return []fineVersion{{
			// Seed Law 2015 Art. 73 ¶5 (public interest) and ¶6 (passing
			// off): the same figures as the 2021 Art. 72.
			law: "Seed Law 2015", article: "Art. 73 ¶5–6", inForce: ymd(2016, time.January, 1),
			band: seedBand, publicInterest: true, passingOffToo: true, confiscatesGains: true,
			source: "¶5 public-interest infringement, ¶6 passing off; in force under Art. 94 of the 2015 revision (adopted 2015-11-04)",
		}, {
			law: "Seed Law 2021", article: "Art. 72", inForce: ymd(2022, time.March, 1),
			// Art. 72 ¶6–7 also confiscate the illegal gains and the seeds
			// ("没收违法所得和种子"), which counts toward the hearing threshold.
			band: seedBand, publicInterest: true, passingOffToo: true, confiscatesGains: true,
			source: "¶6 public-interest infringement, ¶7 passing off; in force under the NPCSC amending decision of 2021-12-24",
		}}
	default: // OffenceUnspecified and unknown values have no fine rules
		return nil
	}
}

// fineVersionAt returns the rule for o in force on d.
func fineVersionAt(o Offence, d civil.Date) (v fineVersion, ok bool) {
	for _, c := range fineVersions(o) {
		if c.inForce.Compare(d) <= 0 {
			v, ok = c, true
		}
	}
	return v, ok
}

// trademarkBand: Trademark Law Art. 60 ¶2 / 2026 Art. 74 ¶2. "五万元以上"
// includes 50,000 and "不足五万元" excludes it (Civil Code Art. 1259).
func trademarkBand(r FineRequest) fineBand {
	v := r.BusinessVolume
	if v >= fiftyThousand {
		return fineBand{0, 5 * v, fmt.Sprintf("illegal business volume %s ≥ 50,000 (五万元以上): up to 5 × volume = %s",
			v.grouped(), (5 * v).grouped())}
	}
	return fineBand{0, Yuan(250_000), fmt.Sprintf("illegal business volume %s: none or < 50,000 (不足五万元): up to 250,000.00", v.grouped())}
}

// copyright2020Band: Copyright Law 2020 Art. 53, split as Trademark Art. 60.
func copyright2020Band(r FineRequest) fineBand {
	v := r.BusinessVolume
	if v >= fiftyThousand {
		return fineBand{v, 5 * v, fmt.Sprintf("illegal business volume %s ≥ 50,000 (五万元以上): 1–5 × volume = %s–%s",
			v.grouped(), v.grouped(), (5 * v).grouped())}
	}
	return fineBand{0, Yuan(250_000), fmt.Sprintf("illegal business volume %s: none, hard to compute or < 50,000 (不足五万元): up to 250,000.00", v.grouped())}
}

// copyrightRegsBand: Copyright Regulations 2013 Art. 36 puts exactly 50,000
// in both branches ("5万元以上" → 1–5×; "5万元以下" → ≤ 250,000). Both give
// a maximum of 250,000 there; we apply the "5万元以下" branch, whose minimum
// is 0, as the reading more favourable to the party.
func copyrightRegsBand(r FineRequest) fineBand {
	v := r.BusinessVolume
	if v > fiftyThousand {
		return fineBand{v, 5 * v, fmt.Sprintf("illegal business volume %s > 50,000 (5万元以上): 1–5 × volume = %s–%s",
			v.grouped(), v.grouped(), (5 * v).grouped())}
	}
	rule := fmt.Sprintf("illegal business volume %s: none or ≤ 50,000 (5万元以下): up to 250,000.00", v.grouped())
	if v == fiftyThousand {
		rule += " (exactly 50,000 is in both branches of Art. 36; the lighter, with no minimum, is applied)"
	}
	return fineBand{0, Yuan(250_000), rule}
}

// patent2008Band: Patent Law 2008 Art. 63.
func patent2008Band(r FineRequest) fineBand {
	g := r.IllegalGains
	if g > 0 {
		return fineBand{0, 4 * g, fmt.Sprintf("illegal gains %s: up to 4 × gains = %s", g.grouped(), (4 * g).grouped())}
	}
	return fineBand{0, Yuan(200_000), "no illegal gains: up to 200,000.00"}
}

// patent2020Band: Patent Law 2020 Art. 68 puts exactly 50,000 in the
// "≤ 250,000" branch ("违法所得在五万元以下"; "以下" includes the number,
// Civil Code Art. 1259).
func patent2020Band(r FineRequest) fineBand {
	g := r.IllegalGains
	if g > fiftyThousand {
		return fineBand{0, 5 * g, fmt.Sprintf("illegal gains %s > 50,000: up to 5 × gains = %s", g.grouped(), (5 * g).grouped())}
	}
	return fineBand{0, Yuan(250_000), fmt.Sprintf("illegal gains %s: none or ≤ 50,000 (五万元以下): up to 250,000.00", g.grouped())}
}

// auclBand: the trade-secret fines, 100,000–ordinaryMax; serious →
// seriousFloor–seriousMax. AUCL 2017 Art. 21: 500,000; 500,000–3,000,000.
// AUCL 2019 Art. 21: 1,000,000; 500,000–5,000,000. AUCL 2025 Art. 26:
// 1,000,000; 1,000,000–5,000,000.
func auclBand(ordinaryMax, seriousFloor, seriousMax Fen) func(FineRequest) fineBand {
	return func(r FineRequest) fineBand {
		if r.Serious {
			return fineBand{seriousFloor, seriousMax, fmt.Sprintf("serious circumstances: %s", rangeText(seriousFloor, seriousMax))}
		}
		return fineBand{Yuan(100_000), ordinaryMax, "not serious: " + rangeText(Yuan(100_000), ordinaryMax)}
	}
}

// seedBand: Seed Law 2021 Art. 72: goods value < 50,000 → 10,000–250,000;
// ≥ 50,000 → 5–10 × value.
func seedBand(r FineRequest) fineBand {
	v := r.GoodsValue
	if v >= fiftyThousand {
		return fineBand{5 * v, 10 * v, fmt.Sprintf("goods value %s ≥ 50,000: 5–10 × value = %s–%s",
			v.grouped(), (5 * v).grouped(), (10 * v).grouped())}
	}
	return fineBand{Yuan(10_000), Yuan(250_000), fmt.Sprintf("goods value %s: none or < 50,000: 10,000.00–250,000.00", v.grouped())}
}
