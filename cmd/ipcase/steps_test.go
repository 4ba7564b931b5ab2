package main

import (
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/civil"
)

// stepEnv is the administrative side with a clock the test moves, and the
// CLI pointed at it with a token.
type stepEnv struct {
	*chaintest.Env
	today   atomic.Pointer[time.Time]
	officer string
	conn    []string
}

func newStepEnv(t *testing.T, day string) *stepEnv {
	t.Helper()
	e := &stepEnv{}
	e.setDay(t, day)
	e.Env = chaintest.Start(t, func() time.Time { return *e.today.Load() })
	e.officer = e.Auth.Officer(t, "SAMR-HZ")
	e.conn = []string{"--server", e.Conn.Target(), "--token", e.officer}
	return e
}

// setDay moves the server's clock to 10:00 China time on day.
func (e *stepEnv) setDay(t *testing.T, day string) {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, civil.China)
	if err != nil {
		t.Fatal(err)
	}
	d = d.Add(10 * time.Hour)
	e.today.Store(&d)
}

// matter files a trademark complaint with SAMR-HZ and accepts it into route.
func (e *stepEnv) matter(t *testing.T, route ipcasev1.ProceedingKind) string {
	t.Helper()
	ctx := authtest.WithToken(t.Context(), e.officer)
	sub, err := e.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Counterfeit cups.", Agency: "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := sub.GetMatter()
	if _, err := e.Filing.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: route, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	return m.GetName()
}

// step runs ipcase args with -o json, which must succeed, and reads the
// record it prints into out.
func (e *stepEnv) step(t *testing.T, out proto.Message, args ...string) {
	t.Helper()
	r := ipcase(t, append(append(args, "-o", "json"), e.conn...)...)
	if r.code != 0 {
		t.Fatalf("ipcase %s: exit %d, %q", strings.Join(args, " "), r.code, r.stderr)
	}
	if err := protojson.Unmarshal([]byte(r.stdout), out); err != nil {
		t.Fatalf("ipcase %s: %v in %q", strings.Join(args, " "), err, r.stdout)
	}
}

// TestEnforcementStepFlags gives every flag of the enforcement steps a
// value of its own and reads each back from the case: a flag bound to
// another step's variable, or to none, shows here. Each day given is one
// the flag's default (today) would not give.
func TestEnforcementStepFlags(t *testing.T) {
	t.Parallel()
	// An extension by 30 days must end in a year whose holiday calendar is
	// loaded: the extended case is opened in August.
	e := newStepEnv(t, "2026-08-03")
	var k ipcasev1.EnforcementCase
	step := func(args ...string) *ipcasev1.EnforcementCase {
		t.Helper()
		e.step(t, &k, append([]string{"enforcement"}, args...)...)
		return &k
	}
	opts := cmp.Options{protocmp.Transform(),
		protocmp.IgnoreFields(&ipcasev1.Inspection{}, "id"),
		protocmp.IgnoreFields(&ipcasev1.SeizedGoods{}, "id", "status"),
		protocmp.IgnoreFields(&ipcasev1.Findings{}, "recorded_on"),
		protocmp.IgnoreFields(&ipcasev1.CalculateFineRequest{}, "decision_date", "business_volume_yuan", "illegal_gains_yuan", "goods_value_yuan"),
		protocmp.IgnoreFields(&ipcasev1.PenaltyDecision{}, "number", "law"),
		protocmp.IgnoreFields(&ipcasev1.DecisionExtension{}, "approved_on", "new_due"),
		protocmp.IgnoreFields(&ipcasev1.Transfer{}, "transferred_on"),
	}
	check := func(what string, want, got proto.Message) {
		t.Helper()
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
		}
	}

	// A case extended, then transferred to the police.
	c := step("open", e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT), "--agency", "SAMR-HZ").GetName()
	step("extend", c, "--approved-by", "head of SAMR-HZ", "--reason", "expert opinion pending")
	check("extend", &ipcasev1.DecisionExtension{ApprovedBy: "head of SAMR-HZ", Reason: "expert opinion pending", Days: 30}, k.GetExtension())
	step("transfer", c, "--police", "Hangzhou PSB", "--reason", "volume above the criminal threshold")
	check("transfer --police", &ipcasev1.Transfer{Target: ipcasev1.TransferTarget_TRANSFER_TARGET_POLICE, Recipient: "Hangzhou PSB",
		Reason: "volume above the criminal threshold"}, k.GetTransfer())

	e.setDay(t, "2026-09-28") // a Monday

	// A case dismissed.
	c = step("open", e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT), "--agency", "SAMR-HZ").GetName()
	if step("dismiss", c, "--reason", "no infringement"); k.GetDismissalReason() != "no infringement" {
		t.Errorf("dismiss --reason: the case reads %q", k.GetDismissalReason())
	}

	// A case worked to its end, through a hearing, a decision and a
	// transfer to a court.
	c = step("open", e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT), "--agency", "SAMR-HZ").GetName()
	step("assign", c, "--officer", "wang:王伟:33010001", "--officer", "li:李娜")
	check("assign", &ipcasev1.EnforcementCase{Officers: []*ipcasev1.Officer{
		{Subject: "wang", DisplayName: "王伟", BadgeNumber: "33010001"}, {Subject: "li", DisplayName: "李娜"}}},
		&ipcasev1.EnforcementCase{Officers: k.GetOfficers()})
	e.setDay(t, "2026-09-29")
	step("inspect", c, "--date", "2026-09-28", "--place", "warehouse 3", "--officer", "wang", "--officer", "li",
		"--findings", "1,600 cups", "--seize", "cups:1600:pcs:25.00:warehouse 3")
	goods := k.GetSeizedGoods()[0].GetId()
	e.setDay(t, "2026-09-30")
	step("custody", c, "--goods", goods, "--action", "moved", "--by", "li", "--location", "store 7", "--date", "2026-09-29",
		"--note", "sealed in two boxes")
	check("inspect and custody", &ipcasev1.EnforcementCase{
		Inspections: []*ipcasev1.Inspection{{Date: "2026-09-28", Place: "warehouse 3", Officers: []string{"wang", "li"}, Findings: "1,600 cups"}},
		SeizedGoods: []*ipcasev1.SeizedGoods{{Description: "cups", Quantity: 1600, Unit: "pcs", UnitValueYuan: "25.00", Location: "store 7",
			Custody: []*ipcasev1.CustodyEntry{
				{Action: ipcasev1.CustodyAction_CUSTODY_ACTION_SEIZED, Date: "2026-09-28", By: "[wang li]", Location: "warehouse 3"},
				{Action: ipcasev1.CustodyAction_CUSTODY_ACTION_MOVED, Date: "2026-09-29", By: "li", Location: "store 7", Note: "sealed in two boxes"},
			}}},
	}, &ipcasev1.EnforcementCase{Inspections: k.GetInspections(), SeizedGoods: k.GetSeizedGoods()})
	step("findings", c, "--text", "1,600 cups at 25 yuan", "--volume", "40000.00", "--gains", "8000.00", "--goods-value", "40000.00",
		"--computation", "Art. 78")
	check("findings", &ipcasev1.Findings{Text: "1,600 cups at 25 yuan", BusinessVolumeYuan: "40000.00", IllegalGainsYuan: "8000.00",
		GoodsValueYuan: "40000.00", Computation: "Art. 78"}, k.GetFindings())
	step("pause", c, "--kind", "testing", "--from", "2026-09-29", "--to", "2026-09-30", "--reason", "appraisal of the cups")
	check("pause", &ipcasev1.DecisionPause{Kind: ipcasev1.PauseKind_PAUSE_KIND_TESTING, Start: "2026-09-29", End: "2026-09-30",
		Reason: "appraisal of the cups", Days: 2}, k.GetPauses()[0])
	step("notify", c, "--offence", "trademark", "--conduct-date", "2026-06-01", "--party", "organization", "--served-on", "2026-09-29",
		"--serious", "--public-interest")
	check("notify", &ipcasev1.PenaltyNotice{ServedOn: "2026-09-29", Fine: &ipcasev1.CalculateFineRequest{
		Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01", Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION,
		Serious: true, PublicInterest: true}},
		&ipcasev1.PenaltyNotice{ServedOn: k.GetNotice().GetServedOn(), Fine: k.GetNotice().GetFine()})
	step("hearing", c, "--requested-on", "2026-09-29")
	step("hearing-notice", c, "--served-on", "2026-09-30", "--scheduled-for", "2026-10-26")
	e.setDay(t, "2026-10-27")
	step("hearing-held", c, "--held-on", "2026-10-26", "--record", "the party contested the volume")
	check("hearing", &ipcasev1.Hearing{RequestedOn: "2026-09-29", NoticeServedOn: "2026-09-30", ScheduledFor: "2026-10-26", HeldOn: "2026-10-26",
		Record: "the party contested the volume"}, k.GetHearing())
	e.setDay(t, "2026-10-28")
	step("decide", c, "--fine", "120000.00", "--decided-on", "2026-10-27", "--confiscation", "the cups",
		"--destroy", "the moulds", "--destroy", "the labels")
	check("decide", &ipcasev1.PenaltyDecision{DecidedOn: "2026-10-27", FineYuan: "120000.00", Confiscation: "the cups",
		DestructionOrders: []string{"the moulds", "the labels"}}, k.GetDecision())
	step("paid", c, "--paid-on", "2026-10-28")
	check("paid", &ipcasev1.FinePayment{PaidOn: "2026-10-28"}, &ipcasev1.FinePayment{PaidOn: k.GetPayment().GetPaidOn()})
	step("transfer", c, "--court", "浙01", "--reason", "the complainant sued")
	check("transfer --court", &ipcasev1.Transfer{Target: ipcasev1.TransferTarget_TRANSFER_TARGET_COURT, Recipient: "浙01",
		Reason: "the complainant sued"}, k.GetTransfer())
	if step("close", c, "--reason", "the court took the case"); k.GetCloseReason() != "the court took the case" {
		t.Errorf("close --reason: the case reads %q", k.GetCloseReason())
	}
}

// TestMediationStepFlags is TestEnforcementStepFlags for mediations: one
// that fails after a session, one that ends in an agreement and a request
// for its confirmation.
func TestMediationStepFlags(t *testing.T) {
	t.Parallel()
	e := newStepEnv(t, "2026-09-25")
	e.conn = []string{"--server", e.Conn.Target(), "--token", e.Auth.Mediator(t, "SAMR-HZ")}
	var m ipcasev1.Mediation
	step := func(args ...string) *ipcasev1.Mediation {
		t.Helper()
		e.step(t, &m, append([]string{"mediation"}, args...)...)
		return &m
	}
	check := func(what string, want, got proto.Message) {
		t.Helper()
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", what, diff)
		}
	}
	first := step("request", e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION), "--forum", "SAMR-HZ", "--note", "both sides asked").GetName()
	second := step("request", e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION), "--forum", "SAMR-HZ").GetName()
	e.setDay(t, "2026-09-28")
	// start records every party's consent on the 26th, assigns the mediator
	// and starts mediation c.
	start := func(c string) {
		t.Helper()
		for _, p := range step("show", c).GetParties() {
			step("consent", c, "--party", p.GetParty(), "--on", "2026-09-26")
		}
		for _, p := range m.GetParties() {
			if !p.GetConsented() || p.GetConsentedOn() != "2026-09-26" {
				t.Errorf("consent --party %s --on 2026-09-26: the party reads %v", p.GetParty(), p)
			}
		}
		step("mediator", c, "--subject", "mediator@SAMR-HZ", "--name", "赵敏")
		check("mediator", &ipcasev1.Mediation{Mediator: "mediator@SAMR-HZ", MediatorName: "赵敏"},
			&ipcasev1.Mediation{Mediator: m.GetMediator(), MediatorName: m.GetMediatorName()})
		step("start", c)
	}

	start(first)
	e.setDay(t, "2026-09-29")
	step("session", first, "--attendee", "赵敏", "--attendee", "张三", "--notes", "no common ground", "--on", "2026-09-28")
	check("session", &ipcasev1.MediationSession{Date: "2026-09-28", Attendees: []string{"赵敏", "张三"}, Notes: "no common ground"},
		m.GetSessions()[0])
	if step("fail", first, "--reason", "the respondent walked out"); m.GetEndReason() != "the respondent walked out" {
		t.Errorf("fail --reason: the mediation reads %q", m.GetEndReason())
	}

	complainant := step("show", second).GetParties()[0].GetParty()
	if step("consent", second, "--party", complainant, "--refuse"); m.GetParties()[0].GetConsented() {
		t.Errorf("consent --refuse: the party reads %v", m.GetParties()[0])
	}
	start(second)
	step("agree", second, "--effective-on", "2026-09-28", "--payment", "30000.00", "--payment-due", "2026-10-30",
		"--cessation", "stop selling", "--cessation", "recall the cups", "--withdraw-complaints", "--other", "an apology")
	check("agree", &ipcasev1.MediationAgreement{PaymentYuan: "30000.00", PaymentDue: "2026-10-30",
		CessationUndertakings: []string{"stop selling", "recall the cups"}, WithdrawComplaints: true, OtherTerms: "an apology",
		EffectiveOn: "2026-09-28"}, m.GetAgreement())
	e.setDay(t, "2026-09-30")
	parties := []string{m.GetParties()[0].GetParty(), m.GetParties()[1].GetParty()}
	step("confirm", second, "--court", "浙01", "--applicant", parties[0], "--applicant", parties[1], "--on", "2026-09-29")
	check("confirm", &ipcasev1.ConfirmationApplication{Court: "浙01", Applicants: parties, AppliedOn: "2026-09-29"}, m.GetConfirmation())
}

// TestStepFlagsAreTheirOwn sets each flag of each enforcement and mediation
// step in turn and checks that no flag of another step changed with it: two
// steps bound to one variable would let a value given to one reach the
// other's request, once the same command tree parses twice.
func TestStepFlagsAreTheirOwn(t *testing.T) {
	t.Parallel()
	root := newRootCmd(io.Discard, io.Discard, "")
	type namedFlag struct {
		name string // "enforcement custody --note"
		f    *pflag.Flag
	}
	var flags []namedFlag
	for _, parent := range []string{"enforcement", "mediation"} {
		p, _, err := root.Find([]string{parent})
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range p.Commands() {
			sub.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				flags = append(flags, namedFlag{parent + " " + sub.Name() + " --" + f.Name, f})
			})
		}
	}
	values := func() []string {
		v := make([]string, len(flags))
		for i, sf := range flags {
			v[i] = sf.f.Value.String()
		}
		return v
	}
	for i, set := range flags {
		before := values()
		value := "set by " + set.name
		switch set.f.Value.Type() {
		case "bool":
			value = strconv.FormatBool(set.f.Value.String() != "true")
		case "int", "int32", "int64":
			value = strconv.Itoa(i + 1) // unlike every default
		}
		if err := set.f.Value.Set(value); err != nil {
			t.Fatalf("%s %s: %v", set.name, value, err)
		}
		for j, now := range values() {
			if j != i && now != before[j] {
				t.Errorf("setting %s also set %s to %s", set.name, flags[j].name, now)
			}
		}
	}
	if len(flags) < 50 {
		t.Errorf("only %d step flags found", len(flags))
	}
}
