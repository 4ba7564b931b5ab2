package damages

import (
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// Version is one text of a civil damages clause. It governs conduct from
// InForce until the next Version of the same IP type takes effect, since
// laws do not apply retroactively (Legislation Law 2023 Art. 104).
// SOURCES.md records, for every Version, the article, where InForce comes
// from and how each figure was checked against the statute text.
type Version struct {
	Law     string `json:"law"`     // "Trademark Law 2019"
	Article string `json:"article"` // "Art. 63"
	// Via names the articles that bring the IP type under this clause,
	// e.g. GIs as collective or certification marks; empty if direct.
	Via     string     `json:"via,omitempty"`
	InForce civil.Date `json:"inForce"`

	// Punitive is whether the clause has a punitive multiple, which then
	// lies in [MultipleMin, MultipleMax]; IntentWord is the mental state it
	// names: 恶意 (malicious) or 故意 (intentional).
	Punitive    bool   `json:"punitive"`
	MultipleMin Ratio  `json:"multipleMin"`
	MultipleMax Ratio  `json:"multipleMax"`
	IntentWord  string `json:"intentWord,omitempty"`

	// Statutory is whether the clause has statutory damages (法定赔偿),
	// then in [StatutoryMin, StatutoryMax]; StatutoryMin may be 0.
	Statutory    bool `json:"statutory"`
	StatutoryMin Fen  `json:"statutoryMin"`
	StatutoryMax Fen  `json:"statutoryMax"`

	// Expenses is whether the award includes reasonable expenses to stop
	// the infringement (合理开支).
	Expenses bool `json:"expenses"`

	// Order ranks the base kinds; LicenceFee is whether the clause has a
	// licence-fee-multiple base at all.
	Order      BaseOrder `json:"order"`
	LicenceFee bool      `json:"licenceFee"`

	// Source names the paragraphs of Article that carry the figures and the
	// instrument that set InForce. It is shown to users with every result.
	Source string `json:"source"`

	// Paras names the paragraph of Article behind each figure, so that every
	// figure of a Result cites the paragraph that produced it.
	Paras Paras `json:"paras"`

	// LicenceAsLoss, when set, cites the rule that lets a licence fee measure
	// the holder's actual loss where the clause itself has no licence-fee
	// base (trade secrets: SPC Trade Secret Provisions 2020 Art. 20 ¶1). A
	// licence-fee base then ranks as actual loss.
	LicenceAsLoss string `json:"licenceAsLoss,omitempty"`
}

// Paras are the paragraphs ("¶1") of a damages clause that carry its base
// rule, punitive multiple, statutory damages and expenses, and the rule on
// an infringer who withholds its books. Books may name another instrument
// where the clause has no such paragraph; empty means none is encoded.
type Paras struct {
	Base      string `json:"base"`
	Punitive  string `json:"punitive,omitempty"`
	Statutory string `json:"statutory,omitempty"`
	Expenses  string `json:"expenses"`
	Books     string `json:"books,omitempty"`
}

// cite names paragraph para of v, e.g. "Patent Law 2020, Art. 71 ¶2"; a
// para that names its own instrument (it contains "Art.") is returned as is.
func (v Version) cite(para string) string {
	if strings.Contains(para, "Art.") {
		return para
	}
	return v.Law + ", " + v.Article + " " + para
}

// Name is the human citation, e.g. "Trademark Law 2019, Art. 63", with the
// bridging articles for GIs.
func (v Version) Name() string {
	n := v.Law + ", " + v.Article
	if v.Via != "" {
		n += " (" + v.Via + ")"
	}
	return n
}

const (
	malicious   = "malicious (恶意)"
	intentional = "intentional (故意)"
)

var (
	oneTimes   = wholeRatio(1)
	threeTimes = wholeRatio(3)
	fiveTimes  = wholeRatio(5)
)

// Versions returns the damages clauses encoded for ip, oldest first; nil for
// an unknown IP type. The slice is the caller's to keep.
func Versions(ip IPType) []Version {
	switch ip {
	case PatentInvention, PatentUtilityModel, PatentDesign:
		return []Version{{
			// Patent Law 2008 Art. 65: ¶1 loss → gain → licence-fee multiple,
			// expenses included, no punitive clause; ¶2 statutory
			// 10,000–1,000,000. In force 2009-10-01 (Presidential Order No. 8).
			Law: "Patent Law 2008", Article: "Art. 65", InForce: ymd(2009, time.October, 1),
			Statutory: true, StatutoryMin: Yuan(10_000), StatutoryMax: Yuan(1_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "Art. 65 ¶1 base and expenses, ¶2 statutory damages; in force under Presidential Order No. 8 (2008)",
			Paras: Paras{Base: "¶1", Statutory: "¶2", Expenses: "¶1",
				Books: "SPC Interpretation (II) on Patent Infringement Disputes (Fa Shi [2016] No. 1) Art. 27"},
		}, {
			// Patent Law 2020 Art. 71 ¶1: "实际损失或者侵权人因侵权所获得的
			// 利益" — loss or gain at the holder's choice, the licence-fee
			// multiple only when both are hard to determine; 1–5× where
			// intentional and serious; ¶2 statutory 30,000–5,000,000; ¶3
			// expenses; ¶4 books withheld.
			Law: "Patent Law 2020", Article: "Art. 71", InForce: ymd(2021, time.June, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMin: Yuan(30_000), StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: HolderChoice, LicenceFee: true,
			Source: "Art. 71 ¶1 base and multiple, ¶2 statutory damages, ¶3 expenses, ¶4 books withheld; in force under the NPCSC amending decision of 2020-10-17",
			Paras:  Paras{Base: "¶1", Punitive: "¶1", Statutory: "¶2", Expenses: "¶3", Books: "¶4"},
		}}
	case Trademark:
		return trademarkVersions("")
	case GeographicalIndication:
		// GIs have no damages clause of their own; registered as collective or
		// certification marks they take Trademark Law Art. 63 (2026: Art. 77)
		// through Arts. 3 and 16 (2026: Arts. 6 and 23).
		vs := trademarkVersions("GI via Arts. 3, 16")
		vs[len(vs)-1].Via = "GI via Arts. 6, 23"
		return vs
	case Copyright:
		return []Version{{
			// Copyright Law 2010 Art. 49: ¶1 loss, then illegal gain when the
			// loss is hard to compute, no licence-fee step, expenses included;
			// ¶2 statutory ≤ 500,000; no punitive clause. In force 2010-04-01
			// (Presidential Order No. 26).
			Law: "Copyright Law 2010", Article: "Art. 49", InForce: ymd(2010, time.April, 1),
			Statutory: true, StatutoryMax: Yuan(500_000),
			Expenses: true, Order: StrictOrder,
			Source: "Art. 49 ¶1 base and expenses, ¶2 statutory damages; in force under Presidential Order No. 26 (2010)",
			Paras:  Paras{Base: "¶1", Statutory: "¶2", Expenses: "¶1"},
		}, {
			// Copyright Law 2020 Art. 54: ¶1 loss or illegal gain at the
			// holder's choice, licence fee when both are hard to compute, 1–5×
			// where intentional and serious; ¶2 statutory 500–5,000,000; ¶3
			// expenses.
			Law: "Copyright Law 2020", Article: "Art. 54", InForce: ymd(2021, time.June, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMin: Yuan(500), StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: HolderChoice, LicenceFee: true,
			Source: "Art. 54 ¶1 base and multiple, ¶2 statutory damages, ¶3 expenses, ¶4 books withheld; in force under the NPCSC amending decision of 2020-11-11",
			Paras:  Paras{Base: "¶1", Punitive: "¶1", Statutory: "¶2", Expenses: "¶3", Books: "¶4"},
		}}
	case TradeSecret:
		// No AUCL version has a licence-fee step in the statute text, but a
		// licence fee may measure the holder's actual loss (SPC Trade Secret
		// Provisions 2020 Art. 20 ¶1): LicenceAsLoss.
		return []Version{{
			// AUCL 2017 Art. 17: ¶3 loss before gain, expenses included, no
			// punitive clause; ¶4 statutory ≤ 3,000,000 for Art. 6 and Art. 9
			// cases. In force 2018-01-01 (Art. 32).
			Law: "Anti-Unfair Competition Law 2017", Article: "Art. 17", InForce: ymd(2018, time.January, 1),
			Statutory: true, StatutoryMax: Yuan(3_000_000),
			Expenses: true, Order: StrictOrder,
			Source: "Art. 17 ¶3 base and expenses, ¶4 statutory damages; in force under Art. 32 of the 2017 revision",
			Paras:  Paras{Base: "¶3", Statutory: "¶4", Expenses: "¶3"}, LicenceAsLoss: citeTradeSecretFee,
		}, {
			// AUCL 2019 Art. 17: ¶3 loss before gain, 1–5× where malicious and
			// serious, expenses; ¶4 statutory ≤ 5,000,000 for Art. 6 and Art. 9
			// (trade secret) cases. In force on promulgation, 2019-04-23
			// (Presidential Order No. 29).
			Law: "Anti-Unfair Competition Law 2019", Article: "Art. 17", InForce: ymd(2019, time.April, 23),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: malicious,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: StrictOrder,
			Source: "Art. 17 ¶3 base, multiple and expenses, ¶4 statutory damages; in force under Presidential Order No. 29 (2019)",
			Paras:  Paras{Base: "¶3", Punitive: "¶3", Statutory: "¶4", Expenses: "¶3"}, LicenceAsLoss: citeTradeSecretFee,
		}, {
			// AUCL 2025 Art. 22: ¶3 loss "或者" gain, 1–5× where intentional
			// (故意) and serious, expenses; ¶4 statutory ≤ 5,000,000 for Art. 7
			// and Art. 10 (trade secret) cases. In force 2025-10-15 (Art. 41).
			Law: "Anti-Unfair Competition Law 2025", Article: "Art. 22", InForce: ymd(2025, time.October, 15),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: HolderChoice,
			Source: "Art. 22 ¶3 base, multiple and expenses, ¶4 statutory damages; in force under Art. 41 of the 2025 revision",
			Paras:  Paras{Base: "¶3", Punitive: "¶3", Statutory: "¶4", Expenses: "¶3"}, LicenceAsLoss: citeTradeSecretFee,
		}}
	case PlantVariety:
		return []Version{{
			// Seed Law 2015 Art. 73: ¶3 loss → gain → licence-fee multiple,
			// expenses, 1–3× "侵犯植物新品种权，情节严重的": serious
			// circumstances only, no mental state, so no IntentWord (intent is
			// still needed for conduct from 2021-01-01, under Civil Code
			// Art. 1185); ¶4 statutory ≤ 3,000,000. In force 2016-01-01
			// (Art. 94).
			Law: "Seed Law 2015", Article: "Art. 73", InForce: ymd(2016, time.January, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: threeTimes,
			Statutory: true, StatutoryMax: Yuan(3_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "Art. 73 ¶3 base, expenses and multiple, ¶4 statutory damages; in force under Art. 94 of the 2015 revision",
			Paras:  Paras{Base: "¶3", Punitive: "¶3", Statutory: "¶4", Expenses: "¶3"},
		}, {
			// Seed Law 2021 Art. 72: ¶3 loss → gain → licence-fee multiple,
			// 1–5× where intentional and serious; ¶4 statutory ≤ 5,000,000; ¶5
			// expenses "应当包括".
			Law: "Seed Law 2021", Article: "Art. 72", InForce: ymd(2022, time.March, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "Art. 72 ¶3 base and multiple, ¶4 statutory damages, ¶5 expenses; in force under the NPCSC amending decision of 2021-12-24",
			Paras:  Paras{Base: "¶3", Punitive: "¶3", Statutory: "¶4", Expenses: "¶5"},
		}}
	case ICLayout:
		return []Version{{
			// IC Layout Regulations Art. 30 ¶2: the infringer's gain or the
			// holder's loss, including reasonable expenses; no punitive
			// multiple, no statutory damages, no licence-fee step. In force
			// 2001-10-01 (Art. 36; State Council Order No. 300).
			Law: "IC Layout Design Regulations 2001", Article: "Art. 30", InForce: ymd(2001, time.October, 1),
			Expenses: true, Order: HolderChoice,
			Source: "Art. 30 ¶2 base and expenses; in force under Art. 36 of the Regulations (State Council Order No. 300)",
			Paras:  Paras{Base: "¶2", Expenses: "¶2"},
		}}
	default: // IPTypeUnspecified and unknown values have no clauses
		return nil
	}
}

// trademarkVersions returns the Trademark Law damages clauses, with via set on
// every entry (for GIs).
func trademarkVersions(via string) []Version {
	return []Version{{
		// Trademark Law 2013 Art. 63 ¶1: loss → gain → licence fee; 1–3× where
		// malicious and serious; expenses included; ¶3 statutory ≤ 3,000,000.
		Law: "Trademark Law 2013", Article: "Art. 63", Via: via, InForce: ymd(2014, time.May, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: threeTimes, IntentWord: malicious,
		Statutory: true, StatutoryMax: Yuan(3_000_000),
		Expenses: true, Order: StrictOrder, LicenceFee: true,
		Source: "Art. 63 ¶1 base, multiple and expenses, ¶2 books withheld, ¶3 statutory damages; in force under the NPCSC amending decision of 2013-08-30",
		Paras:  Paras{Base: "¶1", Punitive: "¶1", Statutory: "¶3", Expenses: "¶1", Books: "¶2"},
	}, {
		// Trademark Law 2019 Art. 63 ¶1: strict order; 1–5× where malicious and
		// serious; expenses "应当包括"; ¶3 statutory ≤ 5,000,000. In force
		// 2019-11-01 (Presidential Order No. 29).
		Law: "Trademark Law 2019", Article: "Art. 63", Via: via, InForce: ymd(2019, time.November, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: malicious,
		Statutory: true, StatutoryMax: Yuan(5_000_000),
		Expenses: true, Order: StrictOrder, LicenceFee: true,
		Source: "Art. 63 ¶1 base, multiple and expenses, ¶2 books withheld, ¶3 statutory damages; in force under Presidential Order No. 29 (2019)",
		Paras:  Paras{Base: "¶1", Punitive: "¶1", Statutory: "¶3", Expenses: "¶1", Books: "¶2"},
	}, {
		// Trademark Law 2026 Art. 77: ¶1 loss or gain (the holder's choice:
		// a reading, see SOURCES.md), licence fee when both are hard to
		// determine, 1–5× where intentional and serious; ¶3 statutory ≤
		// 5,000,000; ¶4 expenses. In force 2027-01-01 (Art. 87).
		Law: "Trademark Law 2026", Article: "Art. 77", Via: via, InForce: ymd(2027, time.January, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
		Statutory: true, StatutoryMax: Yuan(5_000_000),
		Expenses: true, Order: HolderChoice, LicenceFee: true,
		Source: "Art. 77 ¶1 base and multiple, ¶2 books withheld, ¶3 statutory damages, ¶4 expenses; in force under Art. 87 of the 2026 revision",
		Paras:  Paras{Base: "¶1", Punitive: "¶1", Statutory: "¶3", Expenses: "¶4", Books: "¶2"},
	}}
}

// VersionAt returns the clause in force for ip on day d. ok is false when d
// is before the earliest encoded version (or ip is unknown).
func VersionAt(ip IPType, d civil.Date) (v Version, ok bool) {
	for _, c := range Versions(ip) {
		if c.InForce.Compare(d) <= 0 {
			v, ok = c, true
		}
	}
	return v, ok
}

// Boundaries returns the dates in (start, end] on which a new version took
// effect for ip: a period spanning them must be split there, one base per
// part. The CLI uses it to tell the user where to split.
func Boundaries(ip IPType, start, end civil.Date) []civil.Date {
	var ds []civil.Date
	for _, v := range Versions(ip) {
		if start.Before(v.InForce) && v.InForce.Compare(end) <= 0 {
			ds = append(ds, v.InForce)
		}
	}
	return ds
}

// orderText describes v's base order for messages.
func (v Version) orderText() string {
	switch {
	case v.Order == StrictOrder && v.LicenceFee:
		return "actual loss → infringer's profit → licence-fee multiple, each only when the one before is hard to determine"
	case v.Order == StrictOrder:
		return "actual loss → infringer's profit, the profit only when the loss is hard to determine, and has no licence-fee base"
	case v.LicenceFee:
		return "actual loss or infringer's profit at the holder's choice, and a licence-fee multiple only when both are hard to determine"
	}
	return "actual loss or infringer's profit at the holder's choice, and has no licence-fee base"
}

// multipleText is "1–5×" or "no punitive multiple".
func (v Version) multipleText() string {
	if !v.Punitive {
		return "no punitive multiple"
	}
	return v.MultipleMin.String() + "–" + v.MultipleMax.String() + "×"
}

// statutoryText is "up to 5,000,000.00" or "30,000.00–5,000,000.00".
func (v Version) statutoryText() string {
	if v.StatutoryMin == 0 {
		return "up to " + v.StatutoryMax.grouped()
	}
	return v.StatutoryMin.grouped() + "–" + v.StatutoryMax.grouped()
}
