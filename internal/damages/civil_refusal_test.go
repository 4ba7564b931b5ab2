package damages_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestCalculateRefuses checks each refusal names the field, the rule and
// the article.
func TestCalculateRefuses(t *testing.T) {
	t.Parallel()
	y := damages.Yuan
	per := func(start, end string, k damages.BaseKind, base damages.Fen, proven ...damages.BaseKind) damages.Period {
		return damages.Period{Start: day(t, start), End: day(t, end), BaseKind: k, Base: base, Proven: proven}
	}
	span := func(start, end string) damages.Period { return damages.Period{Start: day(t, start), End: day(t, end)} }
	punitive := func(ip damages.IPType, p damages.Period, m string) damages.Request {
		return damages.Request{IPType: ip, Period: p, Multiple: ratio(t, m), Intentional: true, Serious: true, PunitiveClaim: damages.PunitiveWithComplaint}
	}
	tm2013 := per("2016-01-01", "2016-12-31", damages.ActualLoss, y(100_000))
	tm2019 := per("2020-01-01", "2020-12-31", damages.ActualLoss, y(100_000))
	for _, tt := range []struct {
		name      string
		req       damages.Request
		field     string
		fragments []string
	}{{
		name:      "multiple above 3 under Trademark 2013",
		req:       punitive(damages.Trademark, tm2013, "3.5"),
		field:     "multiple",
		fragments: []string{"3.5 is outside the 1–3× range of Trademark Law 2013, Art. 63"},
	}, {
		name:      "multiple above 5 under Patent 2020",
		req:       punitive(damages.PatentInvention, per("2022-01-01", "2022-12-31", damages.ActualLoss, y(1)), "5.01"),
		field:     "multiple",
		fragments: []string{"5.01 is outside the 1–5× range of Patent Law 2020, Art. 71"},
	}, {
		name: "multiple above 3 under Seed Law 2015 on a period",
		req: punitive(damages.PlantVariety, func() damages.Period {
			p := per("2017-01-01", "2017-12-31", damages.ActualLoss, y(1))
			p.Multiple = ratio(t, "4")
			return p
		}(), "2"),
		field:     "period.multiple",
		fragments: []string{"4 is outside the 1–3× range of Seed Law 2015, Art. 73"},
	}, {
		// Trademark Law 2019 Art. 63 ¶1: "一倍以上五倍以下".
		name:      "multiple below 1",
		req:       punitive(damages.Trademark, tm2019, "0.5"),
		field:     "multiple",
		fragments: []string{"0.5 is below 1×", "never less than 1", "Trademark Law 2019, Art. 63", "一倍以上"},
	}, {
		name:      "punitive without intent",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, Multiple: ratio(t, "2"), Serious: true, IntentFactors: []damages.IntentFactor{damages.AfterNotice}},
		field:     "intentional",
		fragments: []string{"intentional infringement", "Trademark Law 2019, Art. 63: malicious (恶意)", "Trademark Law 2019, Art. 63 ¶1", "Art. 3", "presume intent"},
	}, {
		// Conduct reaching 2021-01-01 falls under the Civil Code (Fa Shi
		// [2020] No. 15 Art. 1 ¶3), whose Art. 1185 requires intent.
		name:      "punitive without intent, conduct under the Civil Code",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2020-06-01", "2021-01-01", damages.ActualLoss, y(1)), Multiple: ratio(t, "2"), Serious: true, PunitiveClaim: damages.PunitiveWithComplaint},
		field:     "intentional",
		fragments: []string{"Trademark Law 2019, Art. 63 ¶1, Civil Code Art. 1185"},
	}, {
		// Seed Law 2015 Art. 73 ¶3 ("侵犯植物新品种权，情节严重的") names no
		// mental state, but conduct from 2021-01-01 needs intent under Civil
		// Code Art. 1185; the clause itself is not cited for it.
		name:      "plant variety 2015 reaching the Civil Code needs intent",
		req:       damages.Request{IPType: damages.PlantVariety, Period: per("2020-06-01", "2021-03-31", damages.ActualLoss, y(1)), Multiple: ratio(t, "2"), Serious: true, PunitiveClaim: damages.PunitiveWithComplaint},
		field:     "intentional",
		fragments: []string{"— Civil Code Art. 1185, Fa Shi [2021] No. 4 Art. 3"},
	}, {
		name:      "punitive without seriousness",
		req:       damages.Request{IPType: damages.Copyright, Period: per("2022-01-01", "2022-12-31", damages.ActualLoss, y(1)), Multiple: ratio(t, "2"), Intentional: true},
		field:     "serious",
		fragments: []string{"serious circumstances (情节严重)", "Fa Shi [2021] No. 4 Art. 4"},
	}, {
		name:      "punitive before the punitive clause",
		req:       punitive(damages.PatentInvention, per("2020-01-01", "2020-12-31", damages.ActualLoss, y(1)), "2"),
		field:     "multiple",
		fragments: []string{"Patent Law 2008, Art. 65 has no punitive clause", "only to conduct from 2021-06-01", "Patent Law 2020, Art. 71"},
	}, {
		name: "period multiple under a clause without one",
		req: damages.Request{IPType: damages.TradeSecret, Intentional: true, Serious: true, Periods: []damages.Period{
			func() damages.Period {
				p := per("2018-06-01", "2019-04-22", damages.ActualLoss, y(1))
				p.Multiple = ratio(t, "2")
				return p
			}(),
			per("2019-04-23", "2019-12-31", damages.ActualLoss, y(1)),
		}},
		field:     "periods[0].multiple",
		fragments: []string{"Anti-Unfair Competition Law 2017, Art. 17 has no punitive clause", "from 2019-04-23"},
	}, {
		name:      "punitive for an IC layout design",
		req:       punitive(damages.ICLayout, per("2020-01-01", "2020-12-31", damages.ActualLoss, y(1)), "2"),
		field:     "multiple",
		fragments: []string{"IC Layout Design Regulations 2001, Art. 30 has no punitive clause", "Civil Code Art. 179 ¶2"},
	}, {
		name:      "statutory amount above the 2013 trademark cap",
		req:       damages.Request{IPType: damages.Trademark, Period: span("2016-01-01", "2016-12-31"), Statutory: true, StatutoryAmount: yuan(t, "3000000.01")},
		field:     "statutory_amount",
		fragments: []string{"3,000,000.01 is outside the statutory range up to 3,000,000.00 of Trademark Law 2013, Art. 63"},
	}, {
		name:      "statutory amount below the 2020 patent floor",
		req:       damages.Request{IPType: damages.PatentUtilityModel, Period: span("2022-01-01", "2022-12-31"), Statutory: true, StatutoryAmount: yuan(t, "29999.99")},
		field:     "statutory_amount",
		fragments: []string{"29,999.99 is outside the statutory range 30,000.00–5,000,000.00 of Patent Law 2020, Art. 71"},
	}, {
		name:      "statutory amount without statutory",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, StatutoryAmount: y(1)},
		field:     "statutory_amount",
		fragments: []string{"given without statutory"},
	}, {
		name:      "punitive on statutory damages",
		req:       damages.Request{IPType: damages.Trademark, Period: span("2020-01-01", "2020-12-31"), Statutory: true, StatutoryAmount: y(100_000), Multiple: ratio(t, "2"), Intentional: true, Serious: true},
		field:     "multiple",
		fragments: []string{"cannot be applied to statutory damages", "Fa Shi [2021] No. 4 Art. 5"},
	}, {
		name:      "statutory damages although a base was proven",
		req:       damages.Request{IPType: damages.Trademark, Period: damages.Period{Start: day(t, "2020-01-01"), End: day(t, "2020-12-31"), Proven: []damages.BaseKind{damages.InfringerProfit}}, Statutory: true},
		field:     "period.proven",
		fragments: []string{"all hard to determine", "infringer-profit was proven"},
	}, {
		// Trademark Law 2019 Art. 63 ¶3: statutory damages only when loss,
		// gain and licence fee are all hard to determine.
		name:      "statutory damages with a base",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, Statutory: true},
		field:     "period.base",
		fragments: []string{"statutory damages replace the base", "Trademark Law 2019, Art. 63"},
	}, {
		name:      "statutory damages for an IC layout design",
		req:       damages.Request{IPType: damages.ICLayout, Period: span("2020-01-01", "2020-12-31"), Statutory: true},
		field:     "statutory",
		fragments: []string{"IC Layout Design Regulations 2001, Art. 30 provides no statutory damages"},
	}, {
		// Separate acts under two versions: one statutory award each, never
		// one for both.
		name: "statutory damages for separate acts across two versions",
		req: damages.Request{IPType: damages.Copyright, Statutory: true, SeparateActs: true, Periods: []damages.Period{
			span("2021-01-01", "2021-05-31"), span("2021-06-01", "2021-12-31")}},
		field:     "periods",
		fragments: []string{"these separate acts fall under Copyright Law 2010, Art. 49 and Copyright Law 2020, Art. 54", "never one per version"},
	}, {
		name:      "licence fee skipped ahead of a proven loss under Patent 2020",
		req:       damages.Request{IPType: damages.PatentInvention, Period: per("2022-01-01", "2022-12-31", damages.LicenceFee, y(1), damages.ActualLoss)},
		field:     "period.base_kind",
		fragments: []string{"licence-fee is refused because actual-loss was proven", "Patent Law 2020, Art. 71", "actual loss or infringer's profit at the holder's choice, and a licence-fee multiple only when both are hard to determine"},
	}, {
		name:      "profit ahead of a proven loss under Trademark 2019",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2020-01-01", "2020-12-31", damages.InfringerProfit, y(1), damages.ActualLoss)},
		field:     "period.base_kind",
		fragments: []string{"infringer-profit is refused because actual-loss was proven", "Trademark Law 2019, Art. 63"},
	}, {
		name:      "profit ahead of a proven loss under AUCL 2019",
		req:       damages.Request{IPType: damages.TradeSecret, Period: per("2020-01-01", "2020-12-31", damages.InfringerProfit, y(1), damages.ActualLoss)},
		field:     "period.base_kind",
		fragments: []string{"Anti-Unfair Competition Law 2019, Art. 17", "actual loss → infringer's profit"},
	}, {
		name:      "licence fee with the profit proven under Copyright 2020 (holder's choice)",
		req:       damages.Request{IPType: damages.Copyright, Period: per("2022-01-01", "2022-12-31", damages.LicenceFee, y(1), damages.InfringerProfit)},
		field:     "period.base_kind",
		fragments: []string{"licence-fee is refused because infringer-profit was proven", "Copyright Law 2020, Art. 54", "holder's choice", "only when both are hard to determine"},
	}, {
		// Copyright Law 2010 Art. 49 ¶1: loss, then illegal gain; no
		// licence-fee step and no rule making a fee the measure of loss.
		name:      "licence fee under Copyright 2010, which has none",
		req:       damages.Request{IPType: damages.Copyright, Period: per("2015-01-01", "2015-12-31", damages.LicenceFee, y(1))},
		field:     "period.base_kind",
		fragments: []string{"licence-fee is refused", "Copyright Law 2010, Art. 49", "has no licence-fee base"},
	}, {
		name:      "conduct before the first patent version",
		req:       damages.Request{IPType: damages.PatentInvention, Period: per("2009-09-30", "2009-12-31", damages.ActualLoss, y(1))},
		field:     "period.start",
		fragments: []string{"conduct on 2009-09-30 is before Patent Law 2008, Art. 65 took effect on 2009-10-01"},
	}, {
		name:      "conduct before the first trademark version",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2014-04-30", "2014-04-30", damages.ActualLoss, y(1))},
		field:     "period.start",
		fragments: []string{"conduct on 2014-04-30 is before Trademark Law 2013, Art. 63 took effect on 2014-05-01"},
	}, {
		// Separate acts each follow the law of their time (Legislation Law
		// 2023 Art. 104), so one of them cannot straddle a new clause.
		name:      "separate act straddling Trademark 2019",
		req:       damages.Request{IPType: damages.Trademark, SeparateActs: true, Period: per("2019-06-01", "2020-01-31", damages.ActualLoss, y(1))},
		field:     "period",
		fragments: []string{"straddles 2019-11-01, when Trademark Law 2019, Art. 63 took effect", "separate acts each follow the law of their time", "split the period at 2019-11-01 (2019-06-01 … 2019-10-31 and 2019-11-01 … 2020-01-31)"},
	}, {
		// One continuing act is compensated under the later law, but the
		// punitive part follows the clause in force during the conduct:
		// a period taking a multiple may not straddle AUCL 2019 (the first
		// trade-secret punitive clause, 2019-04-23).
		name:      "punitive period straddling AUCL 2019",
		req:       damages.Request{IPType: damages.TradeSecret, Multiple: ratio(t, "2"), Intentional: true, Serious: true, PunitiveClaim: damages.PunitiveWithComplaint, Periods: []damages.Period{per("2019-01-01", "2019-12-31", damages.ActualLoss, y(1))}},
		field:     "periods[0]",
		fragments: []string{"straddles 2019-04-23", "Anti-Unfair Competition Law 2019, Art. 17", "punitive part follows the clause in force during the conduct", "split the period at 2019-04-23 (2019-01-01 … 2019-04-22 and 2019-04-23 … 2019-12-31)"},
	}, {
		name: "overlapping periods",
		req: damages.Request{IPType: damages.Trademark, Periods: []damages.Period{
			per("2020-01-01", "2020-06-30", damages.ActualLoss, y(1)), per("2020-06-30", "2020-12-31", damages.ActualLoss, y(1))}},
		field:     "periods[1].start",
		fragments: []string{"must not overlap"},
	}, {
		name:      "end before start",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2020-06-30", "2020-01-01", damages.ActualLoss, y(1))},
		field:     "period.end",
		fragments: []string{"before the start"},
	}, {
		name:      "period and periods together",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, Periods: []damages.Period{tm2019}},
		field:     "period",
		fragments: []string{"not both"},
	}, {
		name:      "no period",
		req:       damages.Request{IPType: damages.Trademark},
		field:     "periods",
		fragments: []string{"at least one period"},
	}, {
		name:      "unknown IP type",
		req:       damages.Request{Period: tm2019},
		field:     "ip_type",
		fragments: []string{"required", "patent-invention"},
	}, {
		name:      "missing base",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2020-01-01", "2020-12-31", damages.ActualLoss, 0)},
		field:     "period.base",
		fragments: []string{"a positive actual loss is required"},
	}, {
		name:      "missing base kind",
		req:       damages.Request{IPType: damages.Trademark, Period: per("2020-01-01", "2020-12-31", 0, y(1))},
		field:     "period.base_kind",
		fragments: []string{"required", "set statutory"},
	}, {
		name:      "contribution above 1",
		req:       damages.Request{IPType: damages.Trademark, Period: func() damages.Period { p := tm2019; p.Contribution = ratio(t, "1.2"); return p }()},
		field:     "period.contribution",
		fragments: []string{"1.2 is above 1"},
	}, {
		name:      "combined and separate claims",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, ClaimTotal: y(1), ClaimDamages: y(1)},
		field:     "claim_total",
		fragments: []string{"not both"},
	}, {
		name:      "expenses without an expense claim",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, Expenses: y(5_000), ClaimDamages: y(1_000_000)},
		field:     "claim_expenses",
		fragments: []string{"5,000.00", "no more than claimed"},
	}, {
		name:      "negative expenses",
		req:       damages.Request{IPType: damages.Trademark, Period: tm2019, Expenses: -1},
		field:     "expenses",
		fragments: []string{"negative"},
	}, {
		name:      "invalid date",
		req:       damages.Request{IPType: damages.Trademark, Period: damages.Period{Start: civil.Date{Year: 2021, Month: 2, Day: 29}, End: day(t, "2021-03-01"), BaseKind: damages.ActualLoss, Base: 1}},
		field:     "period.start",
		fragments: []string{"2021-02-29 is not a calendar date"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := damages.Calculate(tt.req)
			if err == nil {
				t.Fatalf("Calculate = total %s, want a refusal on %s", got.Total, tt.field)
			}
			wantRefusal(t, err, tt.field, tt.fragments...)
		})
	}
}

// TestCalculateRefusesAll checks independent refusals are reported
// together and reachable with errors.As.
func TestCalculateRefusesAll(t *testing.T) {
	t.Parallel()
	_, err := damages.Calculate(damages.Request{IPType: damages.Trademark,
		Period:   damages.Period{Start: day(t, "2016-01-01"), End: day(t, "2016-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(1)},
		Multiple: ratio(t, "4")})
	var ies damages.InputErrors
	if !errors.As(err, &ies) || len(ies) != 4 {
		t.Fatalf("err = %v, want 4 refusals (multiple, punitive_claim, intentional, serious)", err)
	}
	var first damages.InputError
	const want = "multiple: 4 is outside the 1–3× range of Trademark Law 2013, Art. 63 ¶1"
	if !errors.As(err, &first) || first.Error() != want {
		t.Errorf("errors.As(InputError) = %q, want %q", first.Error(), want)
	}
	var fields []string
	for _, e := range ies {
		fields = append(fields, e.Field)
	}
	if got := strings.Join(fields, ","); got != "multiple,punitive_claim,intentional,serious" {
		t.Errorf("fields = %s", got)
	}
}

// TestCalculateRefusesRootCause checks a multiple under a clause that has
// none is refused once, without also asking for findings it could not use.
func TestCalculateRefusesRootCause(t *testing.T) {
	t.Parallel()
	_, err := damages.Calculate(damages.Request{IPType: damages.ICLayout, Multiple: ratio(t, "2"),
		Period: damages.Period{Start: day(t, "2020-01-01"), End: day(t, "2020-12-31"), BaseKind: damages.ActualLoss, Base: damages.Yuan(1)}})
	var ies damages.InputErrors
	if !errors.As(err, &ies) || len(ies) != 1 || ies[0].Field != "multiple" {
		t.Errorf("err = %v, want the one refusal on multiple", err)
	}
}
