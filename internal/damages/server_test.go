package damages_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// newClient serves DamagesService on a real gRPC server with the production
// interceptors and returns a client of it.
func newClient(t *testing.T) ipcasev1.DamagesServiceClient {
	t.Helper()
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterDamagesServiceServer(s, damages.NewServer())
	})
	return ipcasev1.NewDamagesServiceClient(conn)
}

const (
	ipTrademark   = ipcasev1.IpType_IP_TYPE_TRADEMARK
	claimed       = ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_WITH_COMPLAINT
	ipTradeSecret = ipcasev1.IpType_IP_TYPE_TRADE_SECRET
	ipCopyright   = ipcasev1.IpType_IP_TYPE_COPYRIGHT
	ipPatent      = ipcasev1.IpType_IP_TYPE_PATENT_INVENTION
	lossKind      = ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_ACTUAL_LOSS
	profitKind    = ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_INFRINGER_PROFIT
	additive      = ipcasev1.PunitiveFormula_PUNITIVE_FORMULA_ADDITIVE
	multiplying   = ipcasev1.PunitiveFormula_PUNITIVE_FORMULA_MULTIPLICATIVE
)

// lossPeriod is a period whose base is the actual loss.
func lossPeriod(start, end, base string) *ipcasev1.DamagesPeriod {
	return &ipcasev1.DamagesPeriod{Start: start, End: end, BaseKind: lossKind, BaseYuan: base}
}

// TestCalculateDamagesRPC checks awards computed through the server against
// figures worked out by hand from the article named in each case.
func TestCalculateDamagesRPC(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	for _, tt := range []struct {
		name string
		req  *ipcasev1.CalculateDamagesRequest
		want *ipcasev1.CalculateDamagesResponse // amounts, formula, law, periods
	}{{
		// Trademark Law 2019 Art. 63 ¶1: 1–5× where malicious and serious.
		// Base: infringer's profit 1,000,000 × 35 % brand contribution (as in
		// Baidu v 京百度 (2022)京民终170号) = 350,000. Additive 2.5× (the
		// default, Beijing High People's Court Guidelines on Punitive Damages
		// (2022) §3.1): punitive 350,000 × 2.5 = 875,000; damages 350,000 +
		// 875,000 = 1,225,000. Expenses 50,000 outside the base (Fa Shi
		// [2021] No. 4 Art. 5): total 1,275,000 ≤ claim 3,000,000.
		name: "trademark 2019, 35 % contribution, additive 2.5×, expenses",
		req: &ipcasev1.CalculateDamagesRequest{
			IpType: ipTrademark,
			Period: &ipcasev1.DamagesPeriod{Start: "2020-01-01", End: "2020-12-31", BaseKind: profitKind,
				BaseYuan: "1000000", Contribution: "0.35"},
			Multiple: "2.5", Intentional: true, Serious: true, PunitiveClaim: claimed,
			ExpensesYuan: "50000", ClaimTotalYuan: "3000000",
		},
		want: &ipcasev1.CalculateDamagesResponse{
			BaseYuan: "350000.00", PunitiveYuan: "875000.00", DamagesYuan: "1225000.00",
			ExpensesYuan: "50000.00", TotalYuan: "1275000.00", Formula: additive,
			Law: "Trademark Law 2019, Art. 63",
			Periods: []*ipcasev1.DamagesPeriodResult{{
				Start: "2020-01-01", End: "2020-12-31", Law: "Trademark Law 2019, Art. 63", BaseKind: profitKind,
				BaseYuan: "1000000.00", Contribution: "0.35", EffectiveBaseYuan: "350000.00", Multiple: "2.5",
				PunitiveYuan: "875000.00", DamagesYuan: "1225000.00", PunitiveLaw: "Trademark Law 2019, Art. 63",
			}},
			// 诉讼费用交纳办法 Art. 13(1) on the claim 3,000,000: 50 + 90,000 ×
			// 2.5 % + 100,000 × 2 % + 300,000 × 1.5 % + 500,000 × 1 % +
			// 1,000,000 × 0.9 % + 1,000,000 × 0.8 % = 50 + 2,250 + 2,000 +
			// 4,500 + 5,000 + 9,000 + 8,000 = 30,800.
			CourtFee: &ipcasev1.CourtFee{ClaimYuan: "3000000.00", FeeYuan: "30800.00"},
		},
	}, {
		// Trade secret, one continuing act across the AUCL 2019 amendment (in
		// force 2019-04-23): compensated under AUCL 2019 Art. 17, the law in
		// force when it ended (Fa Shi [2020] No. 15 Art. 1 ¶3 reading), but
		// punitive only for conduct under a punitive clause: AUCL 2017
		// Art. 17 has none, so 2018-06-01 … 2019-04-22 is compensatory only:
		// 400,000. AUCL 2019 Art. 17 ¶3 allows 1–5×: 600,000 + 600,000 × 3 =
		// 2,400,000. Totals: base 1,000,000, punitive 1,800,000, damages
		// 2,800,000.
		name: "trade secret split at 2019-04-23, punitive only after",
		req: &ipcasev1.CalculateDamagesRequest{
			IpType: ipTradeSecret,
			Periods: []*ipcasev1.DamagesPeriod{
				lossPeriod("2018-06-01", "2019-04-22", "400000"),
				lossPeriod("2019-04-23", "2019-12-31", "600000"),
			},
			Multiple: "3", Intentional: true, Serious: true, PunitiveClaim: claimed,
		},
		want: &ipcasev1.CalculateDamagesResponse{
			BaseYuan: "1000000.00", PunitiveYuan: "1800000.00", DamagesYuan: "2800000.00",
			ExpensesYuan: "0.00", TotalYuan: "2800000.00", Formula: additive,
			Law: "Anti-Unfair Competition Law 2019, Art. 17",
			Periods: []*ipcasev1.DamagesPeriodResult{{
				Start: "2018-06-01", End: "2019-04-22", Law: "Anti-Unfair Competition Law 2019, Art. 17", BaseKind: lossKind,
				BaseYuan: "400000.00", Contribution: "1", EffectiveBaseYuan: "400000.00",
				PunitiveYuan: "0.00", DamagesYuan: "400000.00",
			}, {
				Start: "2019-04-23", End: "2019-12-31", Law: "Anti-Unfair Competition Law 2019, Art. 17", BaseKind: lossKind,
				BaseYuan: "600000.00", Contribution: "1", EffectiveBaseYuan: "600000.00", Multiple: "3",
				PunitiveYuan: "1800000.00", DamagesYuan: "2400000.00", PunitiveLaw: "Anti-Unfair Competition Law 2019, Art. 17",
			}},
		},
	}, {
		// Patent Law 2020 Art. 71 (in force 2021-06-01): multiplicative 3×
		// (¶1 "一倍以上五倍以下" read literally): damages 2,000,000 × 3 =
		// 6,000,000, punitive part
		// 4,000,000. Separate claims: damages 5,000,000, expenses 100,000
		// against expenses of 150,000 → total 5,100,000, capped.
		name: "patent 2020, multiplicative 3×, separate claims cap both",
		req: &ipcasev1.CalculateDamagesRequest{
			IpType:   ipPatent,
			Period:   lossPeriod("2022-01-01", "2022-12-31", "2000000"),
			Multiple: "3", Formula: multiplying, Intentional: true, Serious: true, PunitiveClaim: claimed,
			ExpensesYuan: "150000", ClaimDamagesYuan: "5000000", ClaimExpensesYuan: "100000",
		},
		want: &ipcasev1.CalculateDamagesResponse{
			BaseYuan: "2000000.00", PunitiveYuan: "4000000.00", DamagesYuan: "6000000.00",
			ExpensesYuan: "150000.00", TotalYuan: "5100000.00", CappedByClaim: true, Formula: multiplying,
			Law: "Patent Law 2020, Art. 71",
			Periods: []*ipcasev1.DamagesPeriodResult{{
				Start: "2022-01-01", End: "2022-12-31", Law: "Patent Law 2020, Art. 71", BaseKind: lossKind,
				BaseYuan: "2000000.00", Contribution: "1", EffectiveBaseYuan: "2000000.00", Multiple: "3",
				PunitiveYuan: "4000000.00", DamagesYuan: "6000000.00", PunitiveLaw: "Patent Law 2020, Art. 71",
			}},
			// Art. 13(1) on the claims 5,000,000 + 100,000 = 5,100,000: 30,800
			// up to 3,000,000 (above) + 2,000,000 × 0.8 % = 46,800, + 100,000 ×
			// 0.7 % = 700: 47,500.
			CourtFee: &ipcasev1.CourtFee{ClaimYuan: "5100000.00", FeeYuan: "47500.00"},
		},
	}, {
		// Copyright Law 2020 Art. 54 ¶2: statutory damages 500–5,000,000.
		// Chosen 300,000 + expenses 20,000 = 320,000, capped at the
		// combined claim of 310,000.
		name: "copyright 2020 statutory damages, capped by the claim",
		req: &ipcasev1.CalculateDamagesRequest{
			IpType: ipCopyright, Statutory: true, StatutoryAmountYuan: "300000",
			Period:       &ipcasev1.DamagesPeriod{Start: "2022-03-01", End: "2022-08-31"},
			ExpensesYuan: "20000", ClaimTotalYuan: "310000",
		},
		want: &ipcasev1.CalculateDamagesResponse{
			BaseYuan: "0.00", PunitiveYuan: "0.00", DamagesYuan: "300000.00",
			ExpensesYuan: "20000.00", TotalYuan: "310000.00", CappedByClaim: true,
			StatutoryRange: &ipcasev1.StatutoryDamagesRange{MinYuan: "500.00", MaxYuan: "5000000.00"},
			Law:            "Copyright Law 2020, Art. 54",
			Periods: []*ipcasev1.DamagesPeriodResult{{
				Start: "2022-03-01", End: "2022-08-31", Law: "Copyright Law 2020, Art. 54",
				BaseYuan: "0.00", Contribution: "1", EffectiveBaseYuan: "0.00",
				PunitiveYuan: "0.00", DamagesYuan: "0.00",
			}},
			// Art. 13(1) on the claim 310,000: 50 + 2,250 + 2,000 (up to
			// 200,000) + 110,000 × 1.5 % = 1,650: 5,950.
			CourtFee: &ipcasev1.CourtFee{ClaimYuan: "310000.00", FeeYuan: "5950.00"},
		},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := client.CalculateDamages(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("CalculateDamages: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform(),
				protocmp.IgnoreFields(&ipcasev1.CalculateDamagesResponse{}, "citations", "steps", "figures")); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if len(got.GetCitations()) == 0 || !strings.Contains(strings.Join(got.GetCitations(), "\n"), tt.want.GetPeriods()[0].GetLaw()) {
				t.Errorf("citations do not cite %s:\n%s", tt.want.GetPeriods()[0].GetLaw(), strings.Join(got.GetCitations(), "\n"))
			}
			if len(got.GetSteps()) == 0 {
				t.Error("no steps")
			}
		})
	}
}

// violation is a field violation the test expects: the field path and a
// part of the description that names the rule.
type violation struct{ field, rule string }

// violations returns the field violations of an INVALID_ARGUMENT error.
func violations(t *testing.T, err error) []*errdetails.BadRequest_FieldViolation {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("got %v, want INVALID_ARGUMENT", err)
	}
	var out []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			out = append(out, br.GetFieldViolations()...)
		}
	}
	return out
}

func checkViolations(t *testing.T, err error, want []violation) {
	t.Helper()
	got := violations(t, err)
	var gotFields, wantFields []string
	for _, v := range got {
		gotFields = append(gotFields, v.GetField())
	}
	for _, v := range want {
		wantFields = append(wantFields, v.field)
	}
	if diff := cmp.Diff(wantFields, gotFields); diff != "" {
		t.Fatalf("fields mismatch (-want +got):\n%s\nviolations: %v", diff, got)
	}
	for i, v := range want {
		if !strings.Contains(got[i].GetDescription(), v.rule) {
			t.Errorf("%s: %q does not contain %q", v.field, got[i].GetDescription(), v.rule)
		}
	}
}

// TestCalculateDamagesRPCRefusals checks that bad input is INVALID_ARGUMENT
// with one field violation per refused field, on the proto field path.
func TestCalculateDamagesRPCRefusals(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	tm2018 := func(r *ipcasev1.CalculateDamagesRequest) *ipcasev1.CalculateDamagesRequest {
		r.IpType = ipTrademark
		if r.Period == nil && r.Periods == nil {
			r.Period = lossPeriod("2018-01-01", "2018-12-31", "100000")
		}
		return r
	}
	for _, tt := range []struct {
		name string
		req  *ipcasev1.CalculateDamagesRequest
		want []violation
	}{{
		// Trademark Law 2013 Art. 63 ¶1 (conduct 2014-05-01 … 2019-10-31):
		// 1–3× ("一倍以上三倍以下").
		name: "multiple 3.5 under Trademark Law 2013",
		req:  tm2018(&ipcasev1.CalculateDamagesRequest{Multiple: "3.5", Intentional: true, Serious: true, PunitiveClaim: claimed}),
		want: []violation{{"multiple", "3.5 is outside the 1–3× range of Trademark Law 2013, Art. 63"}},
	}, {
		// Conduct in 2018 ended before the Civil Code: the findings rest on
		// Trademark Law 2013 Art. 63 ¶1, not on Civil Code Art. 1185; and
		// nothing was claimed (Fa Shi [2021] No. 4 Art. 2).
		name: "punitive without a claim or the findings",
		req:  tm2018(&ipcasev1.CalculateDamagesRequest{Multiple: "2"}),
		want: []violation{{"punitive_claim", "Fa Shi [2021] No. 4 Art. 2 ¶1"}, {"intentional", "Trademark Law 2013, Art. 63 ¶1"}, {"serious", "Fa Shi [2021] No. 4 Art. 4"}},
	}, {
		name: "explicit zeros are refused, not read as unset",
		req: tm2018(&ipcasev1.CalculateDamagesRequest{Multiple: "0",
			Period: &ipcasev1.DamagesPeriod{Start: "2018-01-01", End: "2018-12-31", BaseKind: lossKind, BaseYuan: "100000", Contribution: "0.000"}}),
		// Every punitive clause reads "一倍以上" (here Trademark Law 2013
		// Art. 63 ¶1); a contribution rate is a share of the base of Fa Shi
		// [2021] No. 4 Art. 5.
		want: []violation{{"multiple", `"一倍以上"`}, {"period.contribution", "Fa Shi [2021] No. 4 Art. 5 base in (0, 1]"}},
	}, {
		name: "malformed decimals and dates",
		req: tm2018(&ipcasev1.CalculateDamagesRequest{ExpensesYuan: "-5", ClaimTotalYuan: "1e6",
			Period: &ipcasev1.DamagesPeriod{Start: "2018-13-01", End: "2018-12-31", BaseKind: lossKind, BaseYuan: "1,000", Contribution: "35%"}}),
		want: []violation{
			{"expenses_yuan", "not a yuan amount"}, {"claim_total_yuan", "not a yuan amount"},
			{"period.start", "not a date"}, {"period.base_yuan", "not a yuan amount"}, {"period.contribution", "not a decimal number"},
		},
	}, {
		name: "unknown enum numbers",
		req: &ipcasev1.CalculateDamagesRequest{IpType: 99, Formula: 7,
			Period: &ipcasev1.DamagesPeriod{Start: "2020-01-01", End: "2020-12-31", BaseKind: 9, BaseYuan: "1",
				Proven: []ipcasev1.DamagesBaseKind{0}}},
		want: []violation{{"ip_type", "unknown value 99"}, {"formula", "unknown value 7"},
			{"period.base_kind", "unknown value 9"}, {"period.proven[0]", "required"}},
	}, {
		name: "the calculator's money paths are renamed to the wire's",
		req:  tm2018(&ipcasev1.CalculateDamagesRequest{ExpensesYuan: "1000", ClaimDamagesYuan: "500000"}),
		want: []violation{{"claim_expenses_yuan", "a court awards no more than claimed"}},
	}, {
		name: "and so are those inside a period",
		req: &ipcasev1.CalculateDamagesRequest{IpType: ipTrademark,
			Periods: []*ipcasev1.DamagesPeriod{
				lossPeriod("2020-01-01", "2020-06-30", "100000"),
				lossPeriod("2020-07-01", "2020-12-31", ""),
			}},
		want: []violation{{"periods[1].base_yuan", "a positive actual loss is required"}},
	}, {
		// Trademark Law 2019 took effect 2019-11-01 (Presidential Order
		// No. 29); separate acts follow the law of their time (Legislation
		// Law 2023 Art. 104).
		name: "a separate act straddling a new clause names the split",
		req: &ipcasev1.CalculateDamagesRequest{IpType: ipTrademark, SeparateActs: true,
			Period: lossPeriod("2019-06-01", "2020-06-30", "100000")},
		want: []violation{{"period", "split the period at 2019-11-01"}},
	}, {
		// Strict order, Trademark Law 2019 Art. 63 ¶1: profit only when the
		// loss is hard to determine.
		name: "base out of statutory order",
		req: &ipcasev1.CalculateDamagesRequest{IpType: ipTrademark,
			Period: &ipcasev1.DamagesPeriod{Start: "2020-01-01", End: "2020-12-31", BaseKind: profitKind, BaseYuan: "100000",
				Proven: []ipcasev1.DamagesBaseKind{lossKind}}},
		want: []violation{{"period.base_kind", "infringer-profit is refused because actual-loss was proven"}},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := client.CalculateDamages(t.Context(), tt.req)
			checkViolations(t, err, tt.want)
		})
	}
}

// TestCalculateFineRPC checks fines through the server at the 50,000
// boundaries of Trademark Law 2019 Art. 60 ¶2 and Copyright Law 2020 Art. 53.
func TestCalculateFineRPC(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	fine := func(o ipcasev1.FineOffence, mod func(*ipcasev1.CalculateFineRequest)) *ipcasev1.CalculateFineRequest {
		r := &ipcasev1.CalculateFineRequest{Offence: o, ConductDate: "2024-03-01", DecisionDate: "2024-09-01",
			Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}
		mod(r)
		return r
	}
	tm := ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK
	// figures lists the three figures every result carries.
	figures := func(lo, hi, law, hearing string) []*ipcasev1.FineFigure {
		return []*ipcasev1.FineFigure{{Name: "minimum fine", Value: lo, Article: law}, {Name: "maximum fine", Value: hi, Article: law},
			{Name: "hearing threshold", Value: hearing, Article: "SAMR Hearing Measures Art. 5 (Administrative Penalty Law 2021 Art. 63)"}}
	}
	const regime2020 = "Fa Shi [2004] No. 19 with Fa Shi [2007] No. 6, the 2011 SPC/SPP/MPS Opinions on IP Criminal Cases (Fa Fa [2011] No. 3) and Fa Shi [2020] No. 10"
	for _, tt := range []struct {
		name string
		req  *ipcasev1.CalculateFineRequest
		want *ipcasev1.CalculateFineResponse // without rule, citations, steps
	}{{
		// Trademark Law 2019 Art. 60 ¶2: volume "不足五万元"
		// → ≤ 250,000. Organisation: hearing from 100,000 (SAMR Hearing
		// Measures Art. 5); below the criminal 50,000 volume (Fa Shi [2004]
		// No. 19 Art. 1, in force when the act was done).
		name: "trademark 49,999.99: < 50,000 branch",
		req:  fine(tm, func(r *ipcasev1.CalculateFineRequest) { r.BusinessVolumeYuan = "49999.99" }),
		want: &ipcasev1.CalculateFineResponse{MinYuan: "0.00", MaxYuan: "250000.00", Law: "Trademark Law 2019, Art. 60 ¶2",
			HearingRequired: true, HearingThresholdYuan: "100000.00", CriminalAct: ipcasev1.CriminalAct_CRIMINAL_ACT_COUNTERFEIT_GOODS,
			CriminalInterpretation: regime2020, Figures: figures("0.00", "250000.00", "Trademark Law 2019, Art. 60 ¶2", "100000.00")},
	}, {
		// "五万元以上" includes 50,000 (Civil Code Art. 1259): ≤ 5 × 50,000 =
		// 250,000; the volume reaches the criminal threshold of 50,000 of
		// Fa Shi [2004] No. 19 Art. 1 ¶1(1), in force when the act was done
		// (Fa Shi [2025] No. 5 Art. 3 keeps it, so it is not more favourable).
		name: "trademark 50,000: ≥ 50,000 branch, criminal transfer flagged",
		req:  fine(tm, func(r *ipcasev1.CalculateFineRequest) { r.BusinessVolumeYuan = "50000" }),
		want: &ipcasev1.CalculateFineResponse{MinYuan: "0.00", MaxYuan: "250000.00", Law: "Trademark Law 2019, Art. 60 ¶2",
			HearingRequired: true, HearingThresholdYuan: "100000.00", CriminalTransfer: true,
			CriminalRules:          []string{"Criminal Law Art. 213, Fa Shi [2004] No. 19 Art. 1 ¶1(1): illegal business volume 50,000.00 ≥ 50,000.00"},
			CriminalAct:            ipcasev1.CriminalAct_CRIMINAL_ACT_COUNTERFEIT_GOODS,
			CriminalInterpretation: regime2020, Figures: figures("0.00", "250000.00", "Trademark Law 2019, Art. 60 ¶2", "100000.00")},
	}, {
		// Copyright Law 2020 Art. 53: ≥ 50,000 → 1–5 × volume
		// = 50,000–250,000; repeat within 5 years has no 从重 rule there.
		name: "copyright 2020 at 50,000: minimum of 1 × volume",
		req: fine(ipcasev1.FineOffence_FINE_OFFENCE_COPYRIGHT, func(r *ipcasev1.CalculateFineRequest) {
			r.BusinessVolumeYuan, r.PublicInterest, r.Party, r.ProposedFineYuan = "50000", true, ipcasev1.PartyKind_PARTY_KIND_PERSON, "60000"
		}),
		want: &ipcasev1.CalculateFineResponse{MinYuan: "50000.00", MaxYuan: "250000.00", Law: "Copyright Law 2020, Art. 53",
			HearingRequired: true, HearingThresholdYuan: "10000.00", CriminalTransfer: true,
			CriminalRules:          []string{"Criminal Law Art. 217, Fa Shi [2004] No. 19 Art. 5 ¶1(1); Fa Shi [2007] No. 6 Art. 1 (其他严重情节): illegal business volume 50,000.00 ≥ 50,000.00"},
			CriminalAct:            ipcasev1.CriminalAct_CRIMINAL_ACT_COPYRIGHT,
			CriminalInterpretation: regime2020, Figures: figures("50000.00", "250000.00", "Copyright Law 2020, Art. 53", "10000.00")},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := client.CalculateFine(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("CalculateFine: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform(),
				protocmp.IgnoreFields(&ipcasev1.CalculateFineResponse{}, "rule", "citations", "steps")); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		_, err := client.CalculateFine(t.Context(), fine(tm, func(r *ipcasev1.CalculateFineRequest) {
			r.Party, r.BusinessVolumeYuan, r.ProposedFineYuan = 0, "12.345", "x"
			r.CriminalThresholds = []*ipcasev1.CriminalThreshold{{Offence: tm, Rule: "r", IllegalGainsYuan: "1"}}
		}))
		checkViolations(t, err, []violation{
			{"business_volume_yuan", "more than two decimal places"},
			{"proposed_fine_yuan", "not a yuan amount"},
			{"criminal_thresholds[0].condition", "required"},
		})
		_, err = client.CalculateFine(t.Context(), fine(tm, func(r *ipcasev1.CalculateFineRequest) {
			r.Party, r.BusinessVolumeYuan, r.ProposedFineYuan = 0, "60000", "400000"
		}))
		checkViolations(t, err, []violation{{"party", "the hearing threshold depends on it"}})
		_, err = client.CalculateFine(t.Context(), fine(tm, func(r *ipcasev1.CalculateFineRequest) {
			r.BusinessVolumeYuan, r.ProposedFineYuan = "60000", "400000"
		}))
		checkViolations(t, err, []violation{{"proposed_fine_yuan", "outside the 0.00–300,000.00 range of Trademark Law 2019, Art. 60 ¶2"}})
	})
}
