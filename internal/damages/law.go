package damages

import "time"

// Version is one text of a civil damages clause. It governs conduct from
// InForce until the next Version of the same IP type takes effect, since
// laws do not apply retroactively (Legislation Law 2023 Art. 104; LAW.md
// §1.3).
type Version struct {
	Law     string `json:"law"`     // "Trademark Law 2019"
	Article string `json:"article"` // "Art. 63"
	// Via names the articles that bring the IP type under this clause,
	// e.g. GIs as collective or certification marks; empty if direct.
	Via     string `json:"via,omitempty"`
	InForce Date   `json:"inForce"`

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

	// Source says where LAW.md and this package took the figures from.
	Source string `json:"source"`
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
			// Patent Law 2008 Art. 65: no punitive clause; statutory
			// 10,000–1,000,000; same base order as 2020; expenses included
			// (LAW.md §1.2, [S]). In force 2009-10-01 (Presidential Order No. 8, [S]).
			Law: "Patent Law 2008", Article: "Art. 65", InForce: ymd(2009, time.October, 1),
			Statutory: true, StatutoryMin: Yuan(10_000), StatutoryMax: Yuan(1_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "LAW.md §1.2 [S]",
		}, {
			// Patent Law 2020 Art. 71 ¶1: 1–5× where intentional and serious;
			// ¶2 statutory 30,000–5,000,000; ¶3 expenses (LAW.md §1.2, [V]).
			Law: "Patent Law 2020", Article: "Art. 71", InForce: ymd(2021, time.June, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMin: Yuan(30_000), StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "LAW.md §1.2 [V text; date S]",
		}}
	case Trademark:
		return trademarkVersions("")
	case GeographicalIndication:
		// GIs have no damages clause of their own; registered as collective or
		// certification marks they take Trademark Law Art. 63 (2026: Art. 77)
		// through Arts. 3 and 16 (2026: Arts. 6 and 23) (LAW.md §1.2 [V]).
		vs := trademarkVersions("GI via Arts. 3, 16")
		vs[len(vs)-1].Via = "GI via Arts. 6, 23"
		return vs
	case Copyright:
		return []Version{{
			// Copyright Law 2010 Art. 49: loss, then illegal gain when the loss
			// is hard to compute; no licence-fee step; expenses included;
			// statutory ≤ 500,000; no punitive clause (LAW.md §1.2 [S] for the
			// cap; order and licence fee read from the article text).
			Law: "Copyright Law 2010", Article: "Art. 49", InForce: ymd(2010, time.April, 1),
			Statutory: true, StatutoryMax: Yuan(500_000),
			Expenses: true, Order: StrictOrder,
			Source: "LAW.md §1.2 [S]; order from the Art. 49 text",
		}, {
			// Copyright Law 2020 Art. 54: loss or illegal gain at the holder's
			// choice, licence fee when both are hard to compute; 1–5× where
			// intentional and serious; statutory 500–5,000,000 (LAW.md §1.1, §1.2).
			Law: "Copyright Law 2020", Article: "Art. 54", InForce: ymd(2021, time.June, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMin: Yuan(500), StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: HolderChoice, LicenceFee: true,
			Source: "LAW.md §1.2 [V text; date S]",
		}}
	case TradeSecret:
		// No AUCL version has a licence-fee step in the statute text (LAW.md §1.1).
		return []Version{{
			// AUCL 2017 Art. 17: no punitive clause; statutory ≤ 3,000,000
			// (LAW.md §1.2 [S]); loss before gain as in 2019 [inferred].
			Law: "Anti-Unfair Competition Law 2017", Article: "Art. 17", InForce: ymd(2018, time.January, 1),
			Statutory: true, StatutoryMax: Yuan(3_000_000),
			Expenses: true, Order: StrictOrder,
			Source: "LAW.md §1.2 [S]; order inferred from the 2019 text",
		}, {
			// AUCL 2019 Art. 17: 1–5× where malicious and serious; statutory ≤
			// 5,000,000 for trade secrets; loss before gain (LAW.md §1.2 [V]).
			Law: "Anti-Unfair Competition Law 2019", Article: "Art. 17", InForce: ymd(2019, time.April, 23),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: malicious,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: StrictOrder,
			Source: "LAW.md §1.2 [V text; date S]",
		}, {
			// AUCL 2025 Art. 22: loss "或者" gain, "故意"; 1–5×; statutory ≤
			// 5,000,000 for Art. 10 trade-secret cases (LAW.md §1.1, §1.2 [V]).
			Law: "Anti-Unfair Competition Law 2025", Article: "Art. 22", InForce: ymd(2025, time.October, 15),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: HolderChoice,
			Source: "LAW.md §1.2 [V]",
		}}
	case PlantVariety:
		return []Version{{
			// Seed Law 2015 Art. 73: 1–3×, statutory ≤ 3,000,000 (LAW.md §1.2
			// [S]); base order and expenses as in 2021 [inferred].
			Law: "Seed Law 2015", Article: "Art. 73", InForce: ymd(2016, time.January, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: threeTimes, IntentWord: intentional,
			Statutory: true, StatutoryMax: Yuan(3_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "LAW.md §1.2 [S]; order and expenses inferred from the 2021 text",
		}, {
			// Seed Law 2021 Art. 72: 1–5× where intentional and serious;
			// statutory ≤ 5,000,000; expenses "应当包括" (LAW.md §1.2 [V]).
			Law: "Seed Law 2021", Article: "Art. 72", InForce: ymd(2022, time.March, 1),
			Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
			Statutory: true, StatutoryMax: Yuan(5_000_000),
			Expenses: true, Order: StrictOrder, LicenceFee: true,
			Source: "LAW.md §1.2 [V text; date S]",
		}}
	case ICLayout:
		return []Version{{
			// IC Layout Regulations Art. 30 ¶2: the infringer's gain or the
			// holder's loss, including reasonable expenses; no punitive
			// multiple, no statutory damages, no licence-fee step (LAW.md §1.2
			// [V]). In force 2001-10-01 (Art. 36 of the Regulations, read in
			// the LawRefBook/Laws mirror).
			Law: "IC Layout Design Regulations 2001", Article: "Art. 30", InForce: ymd(2001, time.October, 1),
			Expenses: true, Order: HolderChoice,
			Source: "LAW.md §1.2 [V]; date from Regulations Art. 36",
		}}
	}
	return nil
}

// trademarkVersions is the Trademark Law row of LAW.md §1.2, with via set on
// every entry (for GIs).
func trademarkVersions(via string) []Version {
	return []Version{{
		// Trademark Law 2013 Art. 63 ¶1: loss → gain → licence fee; 1–3× where
		// malicious and serious; expenses included; ¶3 statutory ≤ 3,000,000
		// (LAW.md §1.2 [S]; checked against the 2013 text LAW.md §8 cites).
		Law: "Trademark Law 2013", Article: "Art. 63", Via: via, InForce: ymd(2014, time.May, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: threeTimes, IntentWord: malicious,
		Statutory: true, StatutoryMax: Yuan(3_000_000),
		Expenses: true, Order: StrictOrder, LicenceFee: true,
		Source: "LAW.md §1.2 [S]",
	}, {
		// Trademark Law 2019 Art. 63 ¶1: strict order; 1–5× where malicious and
		// serious; expenses "应当包括"; ¶3 statutory ≤ 5,000,000 (LAW.md §1.2 [V]).
		Law: "Trademark Law 2019", Article: "Art. 63", Via: via, InForce: ymd(2019, time.November, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: malicious,
		Statutory: true, StatutoryMax: Yuan(5_000_000),
		Expenses: true, Order: StrictOrder, LicenceFee: true,
		Source: "LAW.md §1.2 [V text; date S]",
	}, {
		// Trademark Law 2026 Art. 77: loss or gain (holder's choice [inferred in
		// LAW.md]), licence fee when both are hard to determine; 1–5× where
		// intentional and serious; statutory ≤ 5,000,000; expenses in their own
		// paragraph. In force 2027-01-01 (Art. 87) (LAW.md §1.2 [V]).
		Law: "Trademark Law 2026", Article: "Art. 77", Via: via, InForce: ymd(2027, time.January, 1),
		Punitive: true, MultipleMin: oneTimes, MultipleMax: fiveTimes, IntentWord: intentional,
		Statutory: true, StatutoryMax: Yuan(5_000_000),
		Expenses: true, Order: HolderChoice, LicenceFee: true,
		Source: "LAW.md §1.2 [V]",
	}}
}

// VersionAt returns the clause in force for ip on day d. ok is false when d
// is before the earliest encoded version (or ip is unknown).
func VersionAt(ip IPType, d Date) (v Version, ok bool) {
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
func Boundaries(ip IPType, start, end Date) []Date {
	var ds []Date
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
