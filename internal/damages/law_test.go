package damages_test

import (
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestVersionAt checks every IP type × law version against its damages
// clause (the article named in each case; SOURCES.md lists them): the
// clause in force on the day it took effect, its punitive range, statutory
// range, base order and licence-fee step, and that the day before falls
// under the previous version (or none).
func TestVersionAt(t *testing.T) {
	t.Parallel()
	type want struct {
		name          string
		min, max      string // punitive multiple range; "" = none
		statMin       damages.Fen
		statMax       damages.Fen // 0 with statMin 0 = no statutory damages
		order         damages.BaseOrder
		licenceFee    bool
		before        string // Name of the version in force the day before; "" = none
		intentWord    string
		expensesAdded bool
	}
	strict, choice := damages.StrictOrder, damages.HolderChoice
	const mal, inten = "malicious (恶意)", "intentional (故意)"
	for _, tt := range []struct {
		ip      damages.IPType
		inForce string
		want    want
	}{
		// Patent Law 2008 Art. 65: no punitive; statutory 10,000–1,000,000.
		{damages.PatentInvention, "2009-10-01", want{"Patent Law 2008, Art. 65", "", "", damages.Yuan(10_000), damages.Yuan(1_000_000), strict, true, "", "", true}},
		// Patent Law 2020 Art. 71 ¶1: "实际损失或者侵权人因侵权所获得的利益"
		// — loss or gain at the holder's choice, the licence-fee multiple
		// only when both are hard to determine; 1–5×; ¶2 statutory
		// 30,000–5,000,000.
		{damages.PatentInvention, "2021-06-01", want{"Patent Law 2020, Art. 71", "1", "5", damages.Yuan(30_000), damages.Yuan(5_000_000), choice, true, "Patent Law 2008, Art. 65", inten, true}},
		{damages.PatentUtilityModel, "2021-06-01", want{"Patent Law 2020, Art. 71", "1", "5", damages.Yuan(30_000), damages.Yuan(5_000_000), choice, true, "Patent Law 2008, Art. 65", inten, true}},
		{damages.PatentDesign, "2021-06-01", want{"Patent Law 2020, Art. 71", "1", "5", damages.Yuan(30_000), damages.Yuan(5_000_000), choice, true, "Patent Law 2008, Art. 65", inten, true}},
		{damages.PatentUtilityModel, "2009-10-01", want{"Patent Law 2008, Art. 65", "", "", damages.Yuan(10_000), damages.Yuan(1_000_000), strict, true, "", "", true}},
		{damages.PatentDesign, "2009-10-01", want{"Patent Law 2008, Art. 65", "", "", damages.Yuan(10_000), damages.Yuan(1_000_000), strict, true, "", "", true}},
		// Trademark Law 2013 Art. 63: 1–3× (malicious), ≤ 3,000,000.
		{damages.Trademark, "2014-05-01", want{"Trademark Law 2013, Art. 63", "1", "3", 0, damages.Yuan(3_000_000), strict, true, "", mal, true}},
		// Trademark Law 2019 Art. 63: 1–5× (malicious), ≤ 5,000,000.
		{damages.Trademark, "2019-11-01", want{"Trademark Law 2019, Art. 63", "1", "5", 0, damages.Yuan(5_000_000), strict, true, "Trademark Law 2013, Art. 63", mal, true}},
		// Trademark Law 2026 Art. 77: 1–5× (intentional), ≤ 5,000,000, loss or gain.
		{damages.Trademark, "2027-01-01", want{"Trademark Law 2026, Art. 77", "1", "5", 0, damages.Yuan(5_000_000), choice, true, "Trademark Law 2019, Art. 63", inten, true}},
		// GIs via the trademark clauses.
		{damages.GeographicalIndication, "2019-11-01", want{"Trademark Law 2019, Art. 63 (GI via Arts. 3, 16)", "1", "5", 0, damages.Yuan(5_000_000), strict, true, "Trademark Law 2013, Art. 63 (GI via Arts. 3, 16)", mal, true}},
		{damages.GeographicalIndication, "2027-01-01", want{"Trademark Law 2026, Art. 77 (GI via Arts. 6, 23)", "1", "5", 0, damages.Yuan(5_000_000), choice, true, "Trademark Law 2019, Art. 63 (GI via Arts. 3, 16)", inten, true}},
		// Copyright Law 2010 Art. 49: no punitive, ≤ 500,000, loss → gain, no licence fee.
		{damages.Copyright, "2010-04-01", want{"Copyright Law 2010, Art. 49", "", "", 0, damages.Yuan(500_000), strict, false, "", "", true}},
		// Copyright Law 2020 Art. 54: 1–5×, 500–5,000,000, loss or gain.
		{damages.Copyright, "2021-06-01", want{"Copyright Law 2020, Art. 54", "1", "5", damages.Yuan(500), damages.Yuan(5_000_000), choice, true, "Copyright Law 2010, Art. 49", inten, true}},
		// AUCL 2017 Art. 17: no punitive, ≤ 3,000,000.
		{damages.TradeSecret, "2018-01-01", want{"Anti-Unfair Competition Law 2017, Art. 17", "", "", 0, damages.Yuan(3_000_000), strict, false, "", "", true}},
		// AUCL 2019 Art. 17: 1–5× (malicious), ≤ 5,000,000, loss before gain.
		{damages.TradeSecret, "2019-04-23", want{"Anti-Unfair Competition Law 2019, Art. 17", "1", "5", 0, damages.Yuan(5_000_000), strict, false, "Anti-Unfair Competition Law 2017, Art. 17", mal, true}},
		// AUCL 2025 Art. 22: 1–5× (intentional), ≤ 5,000,000, loss or gain.
		{damages.TradeSecret, "2025-10-15", want{"Anti-Unfair Competition Law 2025, Art. 22", "1", "5", 0, damages.Yuan(5_000_000), choice, false, "Anti-Unfair Competition Law 2019, Art. 17", inten, true}},
		// Seed Law 2015 Art. 73 ¶3: 1–3× "侵犯植物新品种权，情节严重的" —
		// serious circumstances only, no mental state; ¶4 ≤ 3,000,000.
		{damages.PlantVariety, "2016-01-01", want{"Seed Law 2015, Art. 73", "1", "3", 0, damages.Yuan(3_000_000), strict, true, "", "", true}},
		// Seed Law 2021 Art. 72: 1–5×, ≤ 5,000,000.
		{damages.PlantVariety, "2022-03-01", want{"Seed Law 2021, Art. 72", "1", "5", 0, damages.Yuan(5_000_000), strict, true, "Seed Law 2015, Art. 73", inten, true}},
		// IC Layout Regulations Art. 30: gain or loss, expenses; nothing else.
		{damages.ICLayout, "2001-10-01", want{"IC Layout Design Regulations 2001, Art. 30", "", "", 0, 0, choice, false, "", "", true}},
	} {
		t.Run(tt.ip.String()+"/"+tt.inForce, func(t *testing.T) {
			t.Parallel()
			d := day(t, tt.inForce)
			v, ok := damages.VersionAt(tt.ip, d)
			w := tt.want
			if !ok || v.Name() != w.name || v.InForce != d {
				t.Fatalf("VersionAt(%s, %s) = %q in force %s, %v; want %q", tt.ip, d, v.Name(), v.InForce, ok, w.name)
			}
			if v.Punitive != (w.min != "") || (v.Punitive && (v.MultipleMin.String() != w.min || v.MultipleMax.String() != w.max)) {
				t.Errorf("multiple = %v %s–%s, want %s–%s", v.Punitive, v.MultipleMin, v.MultipleMax, w.min, w.max)
			}
			if v.Statutory != (w.statMax != 0) || v.StatutoryMin != w.statMin || v.StatutoryMax != w.statMax {
				t.Errorf("statutory = %v %s–%s, want %s–%s", v.Statutory, v.StatutoryMin, v.StatutoryMax, w.statMin, w.statMax)
			}
			if v.Order != w.order || v.LicenceFee != w.licenceFee || v.Expenses != w.expensesAdded || v.IntentWord != w.intentWord {
				t.Errorf("order %s licence %v expenses %v intent %q; want %s %v %v %q",
					v.Order, v.LicenceFee, v.Expenses, v.IntentWord, w.order, w.licenceFee, w.expensesAdded, w.intentWord)
			}
			prev, ok := damages.VersionAt(tt.ip, d.AddDays(-1))
			if got := map[bool]string{true: prev.Name(), false: ""}[ok]; got != w.before {
				t.Errorf("the day before: %q, want %q", got, w.before)
			}
		})
	}
}

func TestBoundaries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ip         damages.IPType
		start, end string
		want       []string
	}{
		{damages.Trademark, "2019-01-01", "2027-06-30", []string{"2019-11-01", "2027-01-01"}},
		{damages.Trademark, "2019-11-01", "2026-12-31", nil}, // starts on the boundary: inside one version
		{damages.TradeSecret, "2019-04-22", "2019-04-23", []string{"2019-04-23"}},
		{damages.ICLayout, "2002-01-01", "2030-01-01", nil},
	} {
		t.Run(tt.ip.String()+"/"+tt.start+"/"+tt.end, func(t *testing.T) {
			t.Parallel()
			got := damages.Boundaries(tt.ip, day(t, tt.start), day(t, tt.end))
			var gotS []string
			for _, d := range got {
				gotS = append(gotS, d.String())
			}
			if strings.Join(gotS, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Boundaries = %v, want %v", gotS, tt.want)
			}
		})
	}
}

func TestVersionsIsACopy(t *testing.T) {
	t.Parallel()
	vs := damages.Versions(damages.Trademark)
	vs[0].Law = "changed"
	if damages.Versions(damages.Trademark)[0].Law != "Trademark Law 2013" {
		t.Error("Versions shares its table with callers")
	}
	if damages.Versions(damages.IPTypeUnspecified) != nil {
		t.Error("Versions(unspecified) is not nil")
	}
}

// TestVersionParas checks, for every IP type × version, the paragraph the
// engine cites for each figure, read from the statute text: e.g. Patent Law
// 2020 Art. 71 ¶1 base and multiple, ¶2 statutory damages, ¶3 expenses, ¶4
// books withheld; Trademark Law 2026 Art. 77 ¶3 statutory, ¶4 expenses; and
// the trade-secret licence fee as a measure of loss (SPC Trade Secret
// Provisions 2020 Art. 20 ¶1) on every AUCL version.
func TestVersionParas(t *testing.T) {
	t.Parallel()
	type want struct {
		base, punitive, statutory, expenses, books string
		licenceAsLoss                              bool
	}
	wants := map[string]want{
		"Patent Law 2008, Art. 65":                   {"¶1", "", "¶2", "¶1", "SPC Interpretation (II) on Patent Infringement Disputes (Fa Shi [2016] No. 1) Art. 27", false},
		"Patent Law 2020, Art. 71":                   {"¶1", "¶1", "¶2", "¶3", "¶4", false},
		"Trademark Law 2013, Art. 63":                {"¶1", "¶1", "¶3", "¶1", "¶2", false},
		"Trademark Law 2019, Art. 63":                {"¶1", "¶1", "¶3", "¶1", "¶2", false},
		"Trademark Law 2026, Art. 77":                {"¶1", "¶1", "¶3", "¶4", "¶2", false},
		"Copyright Law 2010, Art. 49":                {"¶1", "", "¶2", "¶1", "", false},
		"Copyright Law 2020, Art. 54":                {"¶1", "¶1", "¶2", "¶3", "¶4", false},
		"Anti-Unfair Competition Law 2017, Art. 17":  {"¶3", "", "¶4", "¶3", "", true},
		"Anti-Unfair Competition Law 2019, Art. 17":  {"¶3", "¶3", "¶4", "¶3", "", true},
		"Anti-Unfair Competition Law 2025, Art. 22":  {"¶3", "¶3", "¶4", "¶3", "", true},
		"Seed Law 2015, Art. 73":                     {"¶3", "¶3", "¶4", "¶3", "", false},
		"Seed Law 2021, Art. 72":                     {"¶3", "¶3", "¶4", "¶5", "", false},
		"IC Layout Design Regulations 2001, Art. 30": {"¶2", "", "", "¶2", "", false},
	}
	seen := map[string]bool{}
	for ip := damages.PatentInvention; ip <= damages.ICLayout; ip++ {
		for _, v := range damages.Versions(ip) {
			key := v.Law + ", " + v.Article
			w, ok := wants[key]
			if !ok {
				t.Errorf("%s: %s has no expected paragraphs", ip, key)
				continue
			}
			seen[key] = true
			got := want{v.Paras.Base, v.Paras.Punitive, v.Paras.Statutory, v.Paras.Expenses, v.Paras.Books, v.LicenceAsLoss != ""}
			if got != w {
				t.Errorf("%s %s: paras %+v, want %+v", ip, key, got, w)
			}
			if (v.Paras.Punitive != "") != v.Punitive || (v.Paras.Statutory != "") != v.Statutory {
				t.Errorf("%s %s: punitive/statutory paragraph and flag disagree", ip, key)
			}
		}
	}
	if len(seen) != len(wants) {
		t.Errorf("versions seen %d, want %d", len(seen), len(wants))
	}
}
