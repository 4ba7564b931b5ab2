package damages

import (
	"testing"

	"github.com/ipcase/ipcase/internal/civil"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestEnumsHaveProtoValues checks that every calculator enum value has its
// own proto value and comes back from it, so that a value added to one side
// cannot go missing silently.
func TestEnumsHaveProtoValues(t *testing.T) {
	t.Parallel()
	check := func(name string, n int, to func(int) int32, from func(int32) (int, error)) {
		t.Helper()
		seen := map[int32]int{}
		for i := 1; i < n; i++ {
			p := to(i)
			if p == 0 {
				t.Errorf("%s %d has no proto value", name, i)
				continue
			}
			if j, dup := seen[p]; dup {
				t.Errorf("%s %d and %d share proto value %d", name, i, j, p)
			}
			seen[p] = i
			if back, err := from(p); err != nil || back != i {
				t.Errorf("%s %d → %d → %d, %v", name, i, p, back, err)
			}
		}
	}
	check("IPType", len(ipTypeNames), func(i int) int32 { return int32(IPType(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.IpType(p), ipTypePairs)
			return int(v), err
		})
	check("BaseKind", len(baseKindNames), func(i int) int32 { return int32(BaseKind(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.DamagesBaseKind(p), baseKindPairs)
			return int(v), err
		})
	check("Formula", len(formulaNames), func(i int) int32 { return int32(Formula(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.PunitiveFormula(p), formulaPairs)
			return int(v), err
		})
	check("IntentFactor", len(intentFactorNames), func(i int) int32 { return int32(IntentFactor(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.IntentFactor(p), intentFactorPairs)
			return int(v), err
		})
	check("SeriousFactor", len(seriousFactorNames), func(i int) int32 { return int32(SeriousFactor(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.SeriousFactor(p), seriousFactorPairs)
			return int(v), err
		})
	check("Offence", len(offenceNames), func(i int) int32 { return int32(Offence(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.FineOffence(p), offencePairs)
			return int(v), err
		})
	check("PartyKind", len(partyKindNames), func(i int) int32 { return int32(PartyKind(i).Proto()) },
		func(p int32) (int, error) {
			v, err := decodeProto("", ipcasev1.PartyKind(p), partyKindPairs)
			return int(v), err
		})
	// ThresholdCondition's zero value is a real value (always).
	for i := range thresholdConditionNames {
		c := ThresholdCondition(i)
		if back, err := decodeProto("", toProto(c, conditionPairs), conditionPairs); toProto(c, conditionPairs) == 0 || err != nil || back != c {
			t.Errorf("ThresholdCondition %s does not round-trip: %v %v", c, back, err)
		}
	}
}

// TestResultRoundTrip checks that a result converted to its response and
// back is the same result, so that the CLI prints a remote result exactly
// as a local one.
func TestResultRoundTrip(t *testing.T) {
	t.Parallel()
	d := func(s string) civil.Date { v, _ := civil.Parse(s); return v }
	r := func(s string) Ratio { v, _ := ParseRatio(s); return v }
	for _, req := range []Request{{
		IPType: TradeSecret, Multiple: r("3"), Intentional: true, Serious: true, Formula: Multiplicative, PunitiveClaim: PunitiveWithComplaint,
		Periods: []Period{
			{Start: d("2018-06-01"), End: d("2019-04-22"), BaseKind: ActualLoss, Base: 40_000_033},
			{Start: d("2019-04-23"), End: d("2019-12-31"), BaseKind: ActualLoss, Base: 60_000_001, Contribution: r("0.333333")},
		},
		Expenses: Yuan(10_000), ClaimDamages: Yuan(1_000_000), ClaimExpenses: Yuan(5_000),
	}, {
		IPType: Copyright, Statutory: true, Period: Period{Start: d("2022-03-01"), End: d("2022-08-31")},
	}, {
		IPType: ICLayout, Period: Period{Start: d("2020-01-01"), End: d("2020-12-31"), BaseKind: InfringerProfit, Base: Yuan(450_000)},
	}} {
		want, err := Calculate(req)
		if err != nil {
			t.Fatalf("Calculate: %v", err)
		}
		got, err := ResultFromProto(ResultToProto(want))
		if err != nil {
			t.Fatalf("ResultFromProto: %v", err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(Ratio{})); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	}
	fr := FineRequest{Offence: OffenceTrademark, ConductDate: d("2024-03-01"), DecisionDate: d("2024-09-01"),
		BusinessVolume: Yuan(60_000), RepeatWithin5Years: true, Party: NaturalPerson}
	want, err := CalculateFine(fr)
	if err != nil {
		t.Fatalf("CalculateFine: %v", err)
	}
	got, err := FineResultFromProto(FineResultToProto(want))
	if err != nil {
		t.Fatalf("FineResultFromProto: %v", err)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Ratio{})); diff != "" {
		t.Errorf("fine round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestResultFromProtoRefusesMalformed(t *testing.T) {
	t.Parallel()
	if _, err := ResultFromProto(&ipcasev1.CalculateDamagesResponse{BaseYuan: "1.5e3"}); err == nil {
		t.Error("ResultFromProto accepted a malformed amount")
	}
	if _, err := FineResultFromProto(&ipcasev1.CalculateFineResponse{MinYuan: "0.00", MaxYuan: "x", HearingThresholdYuan: "1.00"}); err == nil {
		t.Error("FineResultFromProto accepted a malformed amount")
	}
}

func TestWireField(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"multiple":                           "multiple",
		"base":                               "base_yuan",
		"periods[3].base":                    "periods[3].base_yuan",
		"period.proven[1]":                   "period.proven[1]",
		"hearing_thresholds.organisation":    "hearing_thresholds.organization_yuan",
		"criminal_thresholds[0].holder_loss": "criminal_thresholds[0].holder_loss_yuan",
	} {
		if got := wireField(in); got != want {
			t.Errorf("wireField(%q) = %q, want %q", in, got, want)
		}
	}
}
