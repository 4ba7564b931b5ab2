package damages

import (
	"fmt"
	"strings"
)

// IPType is the kind of right infringed (Civil Code Art. 123). Its String
// and ParseIPType use the CLI spellings.
type IPType int

// IPType values; the zero value is unspecified and refused.
const (
	IPTypeUnspecified IPType = iota
	PatentInvention
	PatentUtilityModel
	PatentDesign
	Trademark
	Copyright
	TradeSecret
	PlantVariety
	GeographicalIndication // registered as a collective or certification mark
	ICLayout               // integrated-circuit layout design
)

var ipTypeNames = []string{"unspecified", "patent-invention", "patent-utility-model", "patent-design",
	"trademark", "copyright", "trade-secret", "plant-variety", "geographical-indication", "ic-layout"}

// String returns the CLI spelling, e.g. "patent-invention".
func (t IPType) String() string { return enumName(ipTypeNames, int(t)) }

// ParseIPType reads a CLI spelling such as "trademark" or "ic-layout".
func ParseIPType(s string) (IPType, error) { return parseEnum[IPType]("IP type", s, ipTypeNames, nil) }

// MarshalText encodes t as String does.
func (t IPType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseIPType does.
func (t *IPType) UnmarshalText(b []byte) (err error) { *t, err = ParseIPType(string(b)); return err }

// BaseKind is how the compensatory base of a period was determined: the
// kinds the damages clauses name (e.g. Trademark Law 2019 Art. 63 ¶1) and
// Fa Shi [2021] No. 4 Art. 5 takes as the punitive base. Statutory damages
// are not a base kind: see Request.Statutory.
type BaseKind int

// BaseKind values in the statutory order of preference; the zero value
// means no base (a statutory-damages request).
const (
	BaseKindUnspecified BaseKind = iota
	ActualLoss                   // the right holder's actual loss (实际损失)
	InfringerProfit              // the infringer's profit or illegal gain (侵权获利 / 违法所得)
	LicenceFee                   // a reasonable multiple of the licence fee (许可使用费的倍数)
)

var baseKindNames = []string{"unspecified", "actual-loss", "infringer-profit", "licence-fee"}

var baseKindLabels = []string{"no base", "actual loss", "infringer's profit", "licence-fee multiple"}

// String returns the CLI spelling, e.g. "actual-loss".
func (k BaseKind) String() string { return enumName(baseKindNames, int(k)) }

func (k BaseKind) label() string { return enumName(baseKindLabels, int(k)) }

// ParseBaseKind reads "actual-loss", "infringer-profit" or "licence-fee"
// ("license-fee" is accepted too).
func ParseBaseKind(s string) (BaseKind, error) {
	return parseEnum("base kind", s, baseKindNames, map[string]BaseKind{"license-fee": LicenceFee})
}

// MarshalText encodes k as String does.
func (k BaseKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a CLI spelling as ParseBaseKind does.
func (k *BaseKind) UnmarshalText(b []byte) (err error) {
	*k, err = ParseBaseKind(string(b))
	return err
}

// Formula is how the punitive multiple turns the base into damages; neither
// the statutes nor Fa Shi [2021] No. 4 (Arts. 5–6) settle it, and courts
// have done both. SOURCES.md lists the authorities for each reading.
type Formula int

// Formula values. In a Request the zero value means the default, ADDITIVE;
// in a Result it means no punitive damages were awarded.
const (
	FormulaUnspecified Formula = iota
	// Additive: damages = base + base × m. Beijing HC Guidelines (2022)
	// §3.1, SPC drafting judges, SPC 丹玉405 (2022)最高法知民终2907号.
	Additive
	// Multiplicative: damages = base × m, the literal statute wording
	// "在…数额的一倍以上五倍以下确定赔偿数额"; SPC carbomer (2019)最高法知民终562号.
	Multiplicative
)

var formulaNames = []string{"unspecified", "additive", "multiplicative"}

// String returns "additive", "multiplicative" or "unspecified".
func (f Formula) String() string { return enumName(formulaNames, int(f)) }

// ParseFormula reads "additive" or "multiplicative".
func ParseFormula(s string) (Formula, error) {
	return parseEnum[Formula]("formula", s, formulaNames, nil)
}

// MarshalText encodes f as String does.
func (f Formula) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a spelling as ParseFormula does.
func (f *Formula) UnmarshalText(b []byte) (err error) { *f, err = ParseFormula(string(b)); return err }

// BaseOrder is how a damages clause ranks the base kinds.
type BaseOrder int

// BaseOrder values.
const (
	BaseOrderUnspecified BaseOrder = iota
	// StrictOrder: actual loss, then the infringer's profit only when the
	// loss is hard to determine, then the licence-fee multiple (where the
	// clause has one) only when both are.
	StrictOrder
	// HolderChoice: actual loss or the infringer's profit, as the right
	// holder chooses; the licence-fee multiple (where the clause has one)
	// only when both are hard to determine.
	HolderChoice
)

var baseOrderNames = []string{"unspecified", "strict-order", "holder-choice"}

// String returns "strict-order" or "holder-choice".
func (o BaseOrder) String() string { return enumName(baseOrderNames, int(o)) }

// MarshalText encodes o as String does.
func (o BaseOrder) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// enumName returns names[i], or a placeholder for a value out of range.
func enumName(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("invalid(%d)", i)
	}
	return names[i]
}

// known reports whether i is a value of the enum other than its zero.
func known(names []string, i int) bool { return i > 0 && i < len(names) }

// parseEnum reads a CLI spelling, case-insensitively and with '_' taken as
// '-', refusing the zero value's name.
func parseEnum[T ~int](what, s string, names []string, aliases map[string]T) (T, error) {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
	for i := 1; i < len(names); i++ {
		if names[i] == key {
			return T(i), nil
		}
	}
	if v, ok := aliases[key]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("%q is not a valid %s; use one of: %s", s, what, strings.Join(names[1:], ", "))
}
