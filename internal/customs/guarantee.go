package customs

import (
	"fmt"

	"github.com/ipcase/ipcase/internal/damages"
)

// The ex officio guarantee's bands (GAC Implementing Measures Art. 23):
// goods worth less than 20,000 yuan ("不足") take a guarantee of their
// value; from 20,000 to 200,000 yuan (both included, "至"), 50 % of the
// value but not less than 20,000 yuan; more than 200,000 yuan ("超过"),
// 100,000 yuan.
var (
	exOfficioLow   = damages.Yuan(20_000)
	exOfficioHigh  = damages.Yuan(200_000)
	exOfficioFloor = damages.Yuan(20_000)
	exOfficioFlat  = damages.Yuan(100_000)
)

// Guarantee is the guarantee the rules require for a detention, in fen,
// and how it was computed.
type Guarantee struct {
	Required damages.Fen `json:"required"`
	Rule     string      `json:"rule"`
}

// ApplicationGuarantee is the guarantee for goods worth value detained on
// the holder's application: the goods' value. The Regulations cap it at
// the value (Art. 14: "不超过货物等值"); the GAC Implementing Measures set
// it at the value (Art. 15: "相当于货物价值").
func ApplicationGuarantee(value damages.Fen) Guarantee {
	return Guarantee{Required: value, Rule: fmt.Sprintf("the goods' value, %s yuan (Regulations on Customs Protection of IPR Art. 14; "+
		"GAC Implementing Measures Art. 15)", value)}
}

// ExOfficioGuarantee is the guarantee for goods worth value detained ex
// officio on the holder's application after customs' notice (GAC
// Implementing Measures Art. 23; Regulations on Customs Protection of IPR
// Arts. 14, 16).
func ExOfficioGuarantee(value damages.Fen) Guarantee {
	const cite = " (GAC Implementing Measures Art. 23)"
	switch {
	case value < exOfficioLow:
		return Guarantee{Required: value, Rule: fmt.Sprintf("goods worth less than 20,000 yuan: their value, %s yuan%s", value, cite)}
	case value <= exOfficioHigh:
		half := (value + 1) / 2 // 50 %, half a fen rounded up
		g := max(half, exOfficioFloor)
		return Guarantee{Required: g, Rule: fmt.Sprintf("goods worth 20,000 to 200,000 yuan: 50 %% of %s yuan is %s yuan, at least 20,000 yuan: %s yuan%s",
			value, half, g, cite)}
	default:
		return Guarantee{Required: exOfficioFlat, Rule: fmt.Sprintf("goods worth more than 200,000 yuan (%s yuan): 100,000 yuan%s", value, cite)}
	}
}

// FineCeiling is the highest fine for importing or exporting infringing
// goods worth value: 30 % of the value (Customs Administrative Penalty
// Implementing Regulations Art. 25 ¶1: "处货物价值30%以下罚款"), rounded
// down to the fen, as a fine may not exceed it.
func FineCeiling(value damages.Fen) damages.Fen { return value * 3 / 10 }
