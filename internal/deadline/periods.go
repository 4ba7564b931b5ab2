package deadline

import (
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
)

// Counting is the convention a statutory period is counted by: which
// article says that the trigger day is not counted and that a last day on a
// rest day moves to the next working day. The arithmetic is the same; what
// differs is the law a derivation cites for it.
type Counting int

// Counting conventions.
const (
	// CivilCounting is civil procedure's and civil law's: CPL Art. 85, SPC
	// CPL Interpretation Art. 125, Civil Code Arts. 201–203. It is the
	// default.
	CivilCounting Counting = iota
	// AdministrativeCounting is administrative penalty procedure's: its
	// periods of 2, 3, 5 and 7 days are working days (Administrative Penalty
	// Law Art. 85); for its longer periods the law says nothing of counting,
	// and the civil method is applied by analogy.
	AdministrativeCounting
)

var countingNames = map[Counting]string{CivilCounting: "civil", AdministrativeCounting: "administrative"}

// String is the convention's stored name: "civil" or "administrative".
func (c Counting) String() string {
	if s, ok := countingNames[c]; ok {
		return s
	}
	return fmt.Sprintf("Counting(%d)", int(c))
}

// MarshalText encodes c as String does.
func (c Counting) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a convention as ParseCounting does.
func (c *Counting) UnmarshalText(b []byte) error {
	v, err := ParseCounting(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseCounting reads a stored convention name.
func ParseCounting(s string) (Counting, error) {
	for c, name := range countingNames {
		if s == name {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%q is not a counting convention; use civil or administrative", s)
}

// cite names the law behind a counting rule: civil procedure's and civil
// law's articles as they are for CivilCounting, the same articles applied
// by analogy for AdministrativeCounting, whose law says nothing of it.
func (c Counting) cite(articles string) string {
	if c == AdministrativeCounting {
		return "the Administrative Penalty Law does not say; " + articles + " applied by analogy"
	}
	return articles
}

// startRule cites what says the trigger day is not counted.
func (c Counting) startRule() string {
	if c == AdministrativeCounting {
		return c.cite("CPL Art. 85 and Civil Code Art. 201")
	}
	return "CPL Art. 85; Civil Code Art. 201; SPC CPL Interpretation Art. 125"
}

// rollRule cites what moves a last day off a rest day.
func (c Counting) rollRule() string {
	if c == AdministrativeCounting {
		return c.cite("CPL Art. 85 and Civil Code Art. 203")
	}
	return "CPL Art. 85; Civil Code Art. 203; weekends are rest days under the State Council Provisions on Working Hours Art. 7"
}

// Period is a statutory period as ipcase applies it: what it is for, its
// length and unit, the article that sets it, and the convention it is
// counted by. Every period a proceeding's clock runs on is declared below;
// a clock is started from one of them, never from a number and a string.
type Period struct {
	// Name says what the period is for, in a few words.
	Name string
	// Length is the number of Units.
	Length int
	// Unit is what the period is counted in.
	Unit Unit
	// Citation is the article that sets the length.
	Citation string
	// Counting is the convention it is counted by.
	Counting Counting
}

// Rule is the period as the calculator takes it.
func (p Period) Rule() Rule {
	return Rule{Period: p.Length, Unit: p.Unit, Basis: p.Citation, Counting: p.Counting}
}

// String describes p: "15 calendar days (CPL Art. 171)".
func (p Period) String() string { return p.Rule().String() }

// Due computes p from trigger on cal.
func (p Period) Due(cal *Calendar, trigger civil.Date) (Computation, error) {
	return Compute(cal, trigger, p.Rule())
}

// Administrative penalty procedure (market regulation).
var (
	// DecisionPeriod: a case is decided within 90 days of its opening (立案).
	DecisionPeriod = Period{Name: "decide the case", Length: 90, Unit: CalendarDays,
		Citation: "Administrative Penalty Law Art. 60; SAMR Administrative Penalty Procedure Rules Art. 64 ¶1", Counting: AdministrativeCounting}
	// DecisionExtension: the decision period may be extended once by 30
	// days with the approval of the agency's head.
	DecisionExtension = Period{Name: "extend the decision period with the head's approval", Length: 30, Unit: CalendarDays,
		Citation: "SAMR Administrative Penalty Procedure Rules Art. 64 ¶1", Counting: AdministrativeCounting}
	// StatementWindow: after the notice of an intended penalty is served,
	// the party has 5 working days to state its case, defend itself or ask
	// for a hearing.
	StatementWindow = Period{Name: "state a defence or ask for a hearing", Length: 5, Unit: WorkingDays,
		Citation: "Administrative Penalty Law Arts. 62, 64(1); SAMR Administrative Penalty Procedure Rules Art. 57 ¶2", Counting: AdministrativeCounting}
	// HearingNotice: the party is told the hearing's time and place at
	// least 7 working days before it.
	HearingNotice = Period{Name: "notice of the hearing", Length: 7, Unit: WorkingDays,
		Citation: "Administrative Penalty Law Art. 64(2); SAMR Hearing Measures Art. 20", Counting: AdministrativeCounting}
)

// Fines and the transfer of suspected crimes (行刑衔接).
var (
	// FinePayment: a fine is paid within 15 days of receiving the decision;
	// after that, 3 % of the fine a day is added (damages.LateSurcharge).
	FinePayment = Period{Name: "pay a fine", Length: 15, Unit: CalendarDays,
		Citation: "Administrative Penalty Law Art. 67 ¶3", Counting: AdministrativeCounting}
	// TransferDecision: the agency's head decides within 3 days of the
	// case team's report whether to transfer a suspected crime to the
	// police; an approved case goes to the police within 24 hours
	// (TransferHandover). The Provisions say nothing of counting; the
	// civil method is applied, and the days are calendar days (only the
	// Administrative Penalty Law's own 2, 3, 5 and 7 days are working days,
	// its Art. 85).
	TransferDecision = Period{Name: "decide whether to transfer a suspected crime to the police", Length: 3, Unit: CalendarDays,
		Citation: "State Council Provisions on Transferring Suspected Crimes Art. 5 ¶2"}
	// PoliceReview: the police review a transferred case within 3 days of
	// receiving it and notify the agency in writing whether they open one.
	PoliceReview = Period{Name: "police review of a transferred case", Length: 3, Unit: CalendarDays,
		Citation: "State Council Provisions on Transferring Suspected Crimes Art. 8"}
	// TransferReconsideration: within 3 days of a refusal to open a case
	// the agency may ask the police to reconsider; the police decide within
	// 3 days of the request (PoliceReconsideration).
	TransferReconsideration = Period{Name: "ask the police to reconsider a refusal", Length: 3, Unit: CalendarDays,
		Citation: "State Council Provisions on Transferring Suspected Crimes Art. 9 ¶1"}
	// PoliceReconsideration: the police decide on reconsideration within 3
	// days of the request.
	PoliceReconsideration = Period{Name: "police decision on reconsideration", Length: 3, Unit: CalendarDays,
		Citation: "State Council Provisions on Transferring Suspected Crimes Art. 9 ¶2"}
	// ExhibitHandover: once the police open a case, the agency hands over
	// the exhibits and files within 3 days of the notice.
	ExhibitHandover = Period{Name: "hand the exhibits to the police", Length: 3, Unit: CalendarDays,
		Citation: "State Council Provisions on Transferring Suspected Crimes Art. 12"}
)

// TransferHandover is the time within which an approved transfer reaches
// the police: 24 hours from the approval (State Council Provisions on
// Transferring Suspected Crimes Art. 5 ¶2). Hours are not days: no rest day
// moves it.
const TransferHandover = 24 * time.Hour

// TransferDue returns when a transfer approved at approved must reach the
// police (TransferHandover).
func TransferDue(approved time.Time) time.Time { return approved.Add(TransferHandover) }

// Mediation.
var (
	// ConfirmationWindow: the parties apply jointly for judicial
	// confirmation within 30 days after the agreement takes effect.
	ConfirmationWindow = Period{Name: "apply for judicial confirmation", Length: 30, Unit: CalendarDays,
		Citation: "CPL Art. 205; People's Mediation Law Art. 33"}
)

// Civil and administrative litigation.
var (
	// OrdinaryTimeLimit: a first instance by ordinary procedure is decided
	// within 6 months of docketing.
	OrdinaryTimeLimit = Period{Name: "first-instance time limit, ordinary procedure", Length: 6, Unit: Months, Citation: "CPL Art. 152"}
	// OrdinaryExtension: +6 months with the court president's approval.
	OrdinaryExtension = Period{Name: "extend the ordinary-procedure time limit with the court president's approval", Length: 6, Unit: Months, Citation: "CPL Art. 152"}
	// SummaryTimeLimit: a first instance by summary procedure, 3 months.
	SummaryTimeLimit = Period{Name: "first-instance time limit, summary procedure", Length: 3, Unit: Months, Citation: "CPL Art. 164"}
	// SummaryExtension: +1 month with the court president's approval.
	SummaryExtension = Period{Name: "extend the summary-procedure time limit with the court president's approval", Length: 1, Unit: Months, Citation: "CPL Art. 164"}
	// SecondInstanceTimeLimit: an appeal against a judgment, 3 months.
	SecondInstanceTimeLimit = Period{Name: "second-instance time limit", Length: 3, Unit: Months, Citation: "CPL Art. 183"}
	// AdministrativeFirstInstance: an administrative case, 6 months.
	AdministrativeFirstInstance = Period{Name: "administrative first-instance time limit", Length: 6, Unit: Months,
		Citation: "Administrative Litigation Law Art. 81"}
	// AdministrativeSecondInstance: an administrative appeal, 3 months.
	AdministrativeSecondInstance = Period{Name: "administrative second-instance time limit", Length: 3, Unit: Months,
		Citation: "Administrative Litigation Law Art. 88"}
	// JudgmentAppeal: an appeal against a judgment within 15 days of
	// service.
	JudgmentAppeal = Period{Name: "appeal against a judgment", Length: 15, Unit: CalendarDays, Citation: "CPL Art. 171"}
	// RulingAppeal: an appeal against a ruling within 10 days of service.
	RulingAppeal = Period{Name: "appeal against a ruling", Length: 10, Unit: CalendarDays, Citation: "CPL Art. 171 ¶2"}
	// ForeignPartyAppeal: a party with no domicile in China appeals within
	// 30 days of service.
	ForeignPartyAppeal = Period{Name: "appeal by a party with no domicile in China", Length: 30, Unit: CalendarDays,
		Citation: "CPL Art. 286"}
)

// Civil law.
var (
	// Limitation: the general limitation period runs 3 years from when the
	// holder knew or should have known of the harm and of the infringer.
	Limitation = Period{Name: "limitation period", Length: 3, Unit: Years, Citation: "Civil Code Art. 188"}
)

// Periods lists every declared period, for the README's table and its
// test.
func Periods() []Period {
	return []Period{DecisionPeriod, DecisionExtension, StatementWindow, HearingNotice, FinePayment,
		TransferDecision, PoliceReview, TransferReconsideration, PoliceReconsideration, ExhibitHandover, ConfirmationWindow,
		OrdinaryTimeLimit, OrdinaryExtension, SummaryTimeLimit, SummaryExtension, SecondInstanceTimeLimit,
		AdministrativeFirstInstance, AdministrativeSecondInstance, JudgmentAppeal, RulingAppeal, ForeignPartyAppeal, Limitation}
}
