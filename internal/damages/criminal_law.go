package damages

import (
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// criminalRegime is the set of SPC/SPP thresholds in force from inForce
// until the next regime: the interpretations (and the 2011 Opinions) that
// applied together then, named in name, and their thresholds.
type criminalRegime struct {
	name    string
	inForce civil.Date
	rows    []CriminalThreshold
}

// Dates the criminal law and its interpretations changed on.
var (
	// amendmentXI: Criminal Law Amendment XI, in force 2021-03-01, made
	// using a registered mark on the same services a crime (Art. 213).
	amendmentXI = ymd(2021, time.March, 1)
	// faShi2025: Fa Shi [2025] No. 5, in force 2025-04-26 (its Art. 31).
	faShi2025 = ymd(2025, time.April, 26)
)

// Citations of the temporal rule for judicial interpretations: SPC/SPP
// Provisions on the Temporal Effect of Criminal Judicial Interpretations
// (2001).
const (
	citeInterpTime2 = "SPC/SPP Provisions on the Temporal Effect of Criminal Judicial Interpretations (2001) Art. 2: an act for which no interpretation existed when it was done is judged under the interpretation in force when it is handled"
	citeInterpTime3 = "SPC/SPP Provisions on the Temporal Effect of Criminal Judicial Interpretations (2001) Art. 3: an act done under an earlier interpretation is judged under it, unless the new interpretation is more favourable to the suspect"
)

// criminalRegimes returns the regimes oldest first. Figures: "以上"
// includes the number (Civil Code Art. 1259). Amounts for units (单位):
// Fa Shi [2004] No. 19 Art. 15 tripled them until Fa Shi [2007] No. 6
// Art. 6 (2007-04-05) set the individual figures; no fine rule reaches acts
// that early (the earliest is Patent Law 2008, in force 2009-10-01), so the
// tripling is not encoded.
func criminalRegimes() []criminalRegime {
	y := Yuan
	const (
		i04 = "Fa Shi [2004] No. 19"
		i07 = "Fa Shi [2007] No. 6"
		o11 = "2011 SPC/SPP/MPS Opinions on IP Criminal Cases (Fa Fa [2011] No. 3)"
		i20 = "Fa Shi [2020] No. 10"
		i25 = "Fa Shi [2025] No. 5"
	)
	tm, pt, cr, ts := OffenceTrademark, OffencePatentPassingOff, OffenceCopyright, OffenceTradeSecret
	always, repeat, multi := ThresholdAlways, ThresholdRepeat, ThresholdMultipleRights

	// Fa Shi [2004] No. 19, in force 2004-12-22.
	tm04 := []CriminalThreshold{
		{Offence: tm, Act: ActCounterfeitGoods, Condition: always, Rule: "Criminal Law Art. 213, Fa Shi [2004] No. 19 Art. 1 ¶1(1)",
			IllegalGains: y(30_000), BusinessVolume: y(50_000)},
		{Offence: tm, Act: ActCounterfeitGoods, Condition: multi, Rule: "Criminal Law Art. 213, Fa Shi [2004] No. 19 Art. 1 ¶1(2) (two or more marks)",
			IllegalGains: y(20_000), BusinessVolume: y(30_000)},
		// Art. 2 measures the sales amount (销售金额) of the pre-2021 text of
		// Art. 214; it remained the only figure until Fa Shi [2025] No. 5.
		{Offence: tm, Act: ActSellCounterfeit, Condition: always, Rule: "Criminal Law Art. 214, Fa Shi [2004] No. 19 Art. 2 ¶1",
			Sales: y(50_000)},
		{Offence: tm, Act: ActLabels, Condition: always, Rule: "Criminal Law Art. 215, Fa Shi [2004] No. 19 Art. 3 ¶1(1)",
			LabelPieces: 20_000, BusinessVolume: y(50_000), IllegalGains: y(30_000)},
		{Offence: tm, Act: ActLabels, Condition: multi, Rule: "Criminal Law Art. 215, Fa Shi [2004] No. 19 Art. 3 ¶1(2) (two or more marks)",
			LabelPieces: 10_000, BusinessVolume: y(30_000), IllegalGains: y(20_000)},
	}
	pt04 := []CriminalThreshold{
		{Offence: pt, Act: ActPatentPassingOff, Condition: always, Rule: "Criminal Law Art. 216, Fa Shi [2004] No. 19 Art. 4(1)–(2)",
			BusinessVolume: y(200_000), IllegalGains: y(100_000), HolderLoss: y(500_000)},
		{Offence: pt, Act: ActPatentPassingOff, Condition: multi, Rule: "Criminal Law Art. 216, Fa Shi [2004] No. 19 Art. 4(3) (two or more patents)",
			BusinessVolume: y(100_000), IllegalGains: y(50_000)},
	}
	crGains04 := CriminalThreshold{Offence: cr, Act: ActCopyright, Condition: always,
		Rule: "Criminal Law Art. 217, Fa Shi [2004] No. 19 Art. 5 ¶1 (违法所得数额较大)", IllegalGains: y(30_000)}
	crSerious := func(rule string, copies int64) CriminalThreshold {
		return CriminalThreshold{Offence: cr, Act: ActCopyright, Condition: always, Rule: rule, BusinessVolume: y(50_000), Copies: copies}
	}
	sell04 := CriminalThreshold{Offence: cr, Act: ActSellCopies, Condition: always,
		Rule: "Criminal Law Art. 218, Fa Shi [2004] No. 19 Art. 6", IllegalGains: y(100_000)}
	ts04 := CriminalThreshold{Offence: ts, Act: ActTradeSecret, Condition: always,
		Rule: "Criminal Law Art. 219, Fa Shi [2004] No. 19 Art. 7 ¶1", HolderLoss: y(500_000)}
	// The 2011 Opinions Art. 13 on works made available online; Art. 13(5)
	// is the half-of-two rule. See SOURCES.md on how far these were checked.
	online11 := CriminalThreshold{Offence: cr, Act: ActCopyright, Condition: always,
		Rule:        "Criminal Law Art. 217, " + o11 + " Art. 13",
		WorksOnline: 500, Clicks: 50_000, Members: 1_000, HalfOfTwo: true}
	ts20 := CriminalThreshold{Offence: ts, Act: ActTradeSecret, Condition: always,
		Rule: "Criminal Law Art. 219, Fa Shi [2020] No. 10 Art. 4 ¶1(1)", HolderLoss: y(300_000), IllegalGains: y(300_000)}

	join := func(parts ...[]CriminalThreshold) []CriminalThreshold {
		var out []CriminalThreshold
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	r04 := join(tm04, pt04, []CriminalThreshold{crGains04,
		crSerious("Criminal Law Art. 217, Fa Shi [2004] No. 19 Art. 5 ¶1(1)–(2) (其他严重情节)", 1_000), sell04, ts04})
	// Fa Shi [2007] No. 6 Art. 1: 500 copies.
	copies07 := crSerious("Criminal Law Art. 217, Fa Shi [2004] No. 19 Art. 5 ¶1(1); Fa Shi [2007] No. 6 Art. 1 (其他严重情节)", 500)
	r07 := join(tm04, pt04, []CriminalThreshold{crGains04, copies07, sell04, ts04})
	r11 := join(tm04, pt04, []CriminalThreshold{crGains04, copies07, online11, sell04, ts04})
	r20 := join(tm04, pt04, []CriminalThreshold{crGains04, copies07, online11, sell04, ts20})

	// Fa Shi [2025] No. 5, in force 2025-04-26; it repeals the three
	// earlier interpretations (Art. 31).
	r25 := []CriminalThreshold{
		{Offence: tm, Act: ActCounterfeitGoods, Condition: always, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶1(1)",
			IllegalGains: y(30_000), BusinessVolume: y(50_000)},
		{Offence: tm, Act: ActCounterfeitGoods, Condition: multi, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶1(2) (two or more marks)",
			IllegalGains: y(20_000), BusinessVolume: y(30_000)},
		{Offence: tm, Act: ActCounterfeitGoods, Condition: repeat, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶1(3) (repeat within 2 years)",
			IllegalGains: y(20_000), BusinessVolume: y(30_000)},
		{Offence: tm, Act: ActCounterfeitServices, Condition: always, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶2(1) (services)",
			IllegalGains: y(50_000)},
		{Offence: tm, Act: ActCounterfeitServices, Condition: multi, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶2(2) (services, two or more marks)",
			IllegalGains: y(30_000)},
		{Offence: tm, Act: ActCounterfeitServices, Condition: repeat, Rule: "Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶2(3) (services, repeat within 2 years)",
			IllegalGains: y(30_000)},
		// Art. 5 ¶1: gains ≥ 30,000 (数额较大); sales ≥ 50,000; repeat
		// 20,000 / 30,000; unsold goods, alone or with sales, ≥ 3 × the
		// sales figure (150,000; repeat 90,000).
		{Offence: tm, Act: ActSellCounterfeit, Condition: always, Rule: "Criminal Law Art. 214, Fa Shi [2025] No. 5 Art. 5 ¶1",
			IllegalGains: y(30_000), Sales: y(50_000), SalesPlusUnsold: y(150_000)},
		{Offence: tm, Act: ActSellCounterfeit, Condition: repeat, Rule: "Criminal Law Art. 214, Fa Shi [2025] No. 5 Art. 5 ¶1(2)–(3) (repeat within 2 years)",
			IllegalGains: y(20_000), Sales: y(30_000), SalesPlusUnsold: y(90_000)},
		{Offence: tm, Act: ActLabels, Condition: always, Rule: "Criminal Law Art. 215, Fa Shi [2025] No. 5 Art. 6 ¶1(1)",
			LabelPieces: 10_000, IllegalGains: y(20_000), BusinessVolume: y(30_000)},
		{Offence: tm, Act: ActLabels, Condition: multi, Rule: "Criminal Law Art. 215, Fa Shi [2025] No. 5 Art. 6 ¶1(2) (two or more marks)",
			LabelPieces: 5_000, IllegalGains: y(10_000), BusinessVolume: y(20_000)},
		{Offence: tm, Act: ActLabels, Condition: repeat, Rule: "Criminal Law Art. 215, Fa Shi [2025] No. 5 Art. 6 ¶1(3) (repeat within 2 years)",
			LabelPieces: 5_000, IllegalGains: y(10_000), BusinessVolume: y(20_000)},
		{Offence: pt, Act: ActPatentPassingOff, Condition: always, Rule: "Criminal Law Art. 216, Fa Shi [2025] No. 5 Art. 10(1)–(2)",
			IllegalGains: y(100_000), BusinessVolume: y(200_000), HolderLoss: y(300_000)},
		{Offence: pt, Act: ActPatentPassingOff, Condition: multi, Rule: "Criminal Law Art. 216, Fa Shi [2025] No. 5 Art. 10(3) (two or more patents)",
			IllegalGains: y(50_000), BusinessVolume: y(100_000)},
		{Offence: pt, Act: ActPatentPassingOff, Condition: repeat, Rule: "Criminal Law Art. 216, Fa Shi [2025] No. 5 Art. 10(4) (repeat within 2 years)",
			IllegalGains: y(50_000), BusinessVolume: y(100_000)},
		{Offence: cr, Act: ActCopyright, Condition: always, Rule: "Criminal Law Art. 217, Fa Shi [2025] No. 5 Art. 13 ¶1 (违法所得数额较大)",
			IllegalGains: y(30_000)},
		{Offence: cr, Act: ActCopyright, Condition: always, Rule: "Criminal Law Art. 217, Fa Shi [2025] No. 5 Art. 13 ¶1(1), (3)–(5) (其他严重情节)",
			BusinessVolume: y(50_000), Copies: 500, WorksOnline: 500, Downloads: 10_000, Clicks: 100_000, Members: 1_000, HalfOfTwo: true},
		{Offence: cr, Act: ActCopyright, Condition: repeat, Rule: "Criminal Law Art. 217, Fa Shi [2025] No. 5 Art. 13 ¶1(2) (repeat within 2 years)",
			IllegalGains: y(20_000), BusinessVolume: y(30_000)},
		// Art. 14 ¶1(4): unsold copies ≥ 3 × the sales figure (300,000).
		{Offence: cr, Act: ActSellCopies, Condition: always, Rule: "Criminal Law Art. 218, Fa Shi [2025] No. 5 Art. 14 ¶1",
			IllegalGains: y(50_000), Sales: y(100_000), Copies: 1_000, SalesPlusUnsold: y(300_000)},
		{Offence: cr, Act: ActSellCopies, Condition: repeat, Rule: "Criminal Law Art. 218, Fa Shi [2025] No. 5 Art. 14 ¶1(2) (repeat within 2 years)",
			IllegalGains: y(30_000), Sales: y(50_000), SalesPlusUnsold: y(150_000)},
		{Offence: ts, Act: ActTradeSecret, Condition: always, Rule: "Criminal Law Art. 219, Fa Shi [2025] No. 5 Art. 17 ¶1(1)–(2)",
			HolderLoss: y(300_000), IllegalGains: y(300_000)},
		{Offence: ts, Act: ActTradeSecret, Condition: repeat, Rule: "Criminal Law Art. 219, Fa Shi [2025] No. 5 Art. 17 ¶1(3) (repeat within 2 years)",
			HolderLoss: y(100_000), IllegalGains: y(100_000)},
	}
	return []criminalRegime{
		{i04, ymd(2004, time.December, 22), r04},
		{i04 + " with " + i07, ymd(2007, time.April, 5), r07},
		{i04 + " with " + i07 + " and the " + o11, ymd(2011, time.January, 10), r11},
		{i04 + " with " + i07 + ", the " + o11 + " and " + i20, ymd(2020, time.September, 14), r20},
		{i25, faShi2025, r25},
	}
}

// DefaultCriminalThresholds returns the thresholds of Fa Shi [2025] No. 5,
// the interpretation in force since 2025-04-26. CalculateFine applies the
// regime in force when the act was done (criminalRegimeAt) unless the
// request brings its own table.
func DefaultCriminalThresholds() []CriminalThreshold {
	rs := criminalRegimes()
	return rs[len(rs)-1].rows
}

// criminalRegimeAt returns the regime in force on d.
func criminalRegimeAt(d civil.Date) (criminalRegime, bool) {
	var out criminalRegime
	ok := false
	for _, r := range criminalRegimes() {
		if r.inForce.Compare(d) <= 0 {
			out, ok = r, true
		}
	}
	return out, ok
}

func (g criminalRegime) covers(o Offence, act CriminalAct) bool { return hasThreshold(o, act, g.rows) }
