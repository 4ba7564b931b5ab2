package damages_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/ipcase/ipcase/internal/damages"
)

// TestEnumSpellings checks every CLI spelling parses to its value and
// prints back the same, and that unknown spellings are refused.
func TestEnumSpellings(t *testing.T) {
	t.Parallel()
	type spelled interface{ String() string }
	check := func(t *testing.T, s string, parse func(string) (spelled, error), want spelled) {
		t.Helper()
		got, err := parse(s)
		if err != nil || got != want {
			t.Errorf("parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	ip := func(s string) (spelled, error) { return damages.ParseIPType(s) }
	for s, want := range map[string]damages.IPType{
		"patent-invention": damages.PatentInvention, "patent-utility-model": damages.PatentUtilityModel,
		"patent-design": damages.PatentDesign, "trademark": damages.Trademark, "copyright": damages.Copyright,
		"trade-secret": damages.TradeSecret, "plant-variety": damages.PlantVariety,
		"geographical-indication": damages.GeographicalIndication, "ic-layout": damages.ICLayout,
		"TRADE_SECRET": damages.TradeSecret,
	} {
		check(t, s, ip, want)
	}
	kind := func(s string) (spelled, error) { return damages.ParseBaseKind(s) }
	for s, want := range map[string]damages.BaseKind{"actual-loss": damages.ActualLoss, "infringer-profit": damages.InfringerProfit,
		"licence-fee": damages.LicenceFee, "license-fee": damages.LicenceFee} {
		check(t, s, kind, want)
	}
	formula := func(s string) (spelled, error) { return damages.ParseFormula(s) }
	check(t, "additive", formula, damages.Additive)
	check(t, "multiplicative", formula, damages.Multiplicative)
	offence := func(s string) (spelled, error) { return damages.ParseOffence(s) }
	for s, want := range map[string]damages.Offence{"trademark": damages.OffenceTrademark, "copyright": damages.OffenceCopyright,
		"patent-passing-off": damages.OffencePatentPassingOff, "trade-secret": damages.OffenceTradeSecret, "plant-variety": damages.OffencePlantVariety} {
		check(t, s, offence, want)
	}
	party := func(s string) (spelled, error) { return damages.ParsePartyKind(s) }
	check(t, "natural-person", party, damages.NaturalPerson)
	check(t, "organization", party, damages.Organisation)
	intent := func(s string) (spelled, error) { return damages.ParseIntentFactor(s) }
	check(t, "after-notice", intent, damages.AfterNotice)
	check(t, "piracy-counterfeit", intent, damages.PiracyCounterfeit)
	serious := func(s string) (spelled, error) { return damages.ParseSeriousFactor(s) }
	check(t, "infringing-as-business", serious, damages.InfringingAsBusiness)
	check(t, "endangers-public", serious, damages.EndangersPublic)

	for _, ipType := range allIPTypes {
		if back, err := damages.ParseIPType(ipType.String()); err != nil || back != ipType {
			t.Errorf("round trip of %v: %v, %v", ipType, back, err)
		}
	}
	for _, bad := range []string{"", "unspecified", "patent", "loss"} {
		if _, err := damages.ParseIPType(bad); err == nil {
			t.Errorf("ParseIPType(%q) accepted", bad)
		}
		if _, err := damages.ParseBaseKind(bad); err == nil {
			t.Errorf("ParseBaseKind(%q) accepted", bad)
		}
	}
	if s := damages.IPType(99).String(); s != "invalid(99)" {
		t.Errorf("IPType(99).String() = %q", s)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	d := day(t, "2019-04-23")
	if d.String() != "2019-04-23" || d.AddDays(-1).String() != "2019-04-22" || d.AddDays(8).String() != "2019-05-01" {
		t.Errorf("date arithmetic: %s %s %s", d, d.AddDays(-1), d.AddDays(8))
	}
	if !day(t, "2019-04-22").Before(d) || d.Before(d) || d.Compare(day(t, "2018-12-31")) != 1 {
		t.Error("Before/Compare disagree with the calendar")
	}
	for _, bad := range []string{"2021-02-29", "2019-4-23", "23/04/2019", ""} {
		if _, err := civil.Parse(bad); err == nil {
			t.Errorf("civil.Parse(%q) accepted", bad)
		}
	}
}
