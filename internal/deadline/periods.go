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
	// CriminalCounting is criminal procedure's: Criminal Procedure Law
	// Art. 105 ¶1 and ¶3 (the starting day is not counted; a last day on a
	// holiday moves to the next day after it). The arithmetic is civil
	// procedure's; the exception of ¶3 for the time a suspect or defendant
	// is held in custody concerns custody periods, which ipcase does not
	// keep.
	CriminalCounting
	// MarketRegulationCounting is market regulation's penalty procedure:
	// SAMR Administrative Penalty Procedure Rules Art. 80 — the first day
	// is not counted, time in transit is not counted, and a last day on a
	// statutory holiday moves to the first day after it; its 2, 3, 5 and 7
	// days are working days as in the Administrative Penalty Law (Art. 85).
	MarketRegulationCounting
	// CustomsCounting is customs' protection of IP rights: its periods
	// are working days (Regulations on Customs Protection of IPR Arts. 16,
	// 20, 24); the holder's reply to an ex officio notice counts from the
	// day after the notice is served (GAC Implementing Measures Art. 41);
	// for the days from detention the Regulations do not say, and the
	// civil method is applied by analogy. Working days never roll.
	CustomsCounting
)

var countingNames = map[Counting]string{CivilCounting: "civil", AdministrativeCounting: "administrative",
	CriminalCounting: "criminal", MarketRegulationCounting: "market-regulation", CustomsCounting: "customs"}

// customsStart is what says customs' periods start the day after their
// trigger: the GAC Implementing Measures for the holder's reply to a
// notice; the civil rule by analogy for the days from detention.
const customsStart = "GAC Implementing Measures for the Regulations on Customs Protection of IPR Art. 41; CPL Art. 85 applied by analogy"

// samrCounting is the article market regulation counts its periods by.
const samrCounting = "SAMR Administrative Penalty Procedure Rules Art. 80"

// String is the convention's stored name: "civil", "administrative",
// "criminal", "market-regulation" or "customs".
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
	return 0, fmt.Errorf("%q is not a counting convention; use civil, administrative, criminal, market-regulation or customs", s)
}

// cite names the law behind a counting rule: civil procedure's and civil
// law's articles as they are for CivilCounting, the same articles applied
// by analogy for AdministrativeCounting, whose law says nothing of it;
// CriminalCounting cites the Criminal Procedure Law, which says the same,
// and MarketRegulationCounting the SAMR rules' own article.
func (c Counting) cite(articles string) string {
	switch c {
	case MarketRegulationCounting:
		return samrCounting
	case AdministrativeCounting:
		return "the Administrative Penalty Law does not say; " + articles + " applied by analogy"
	case CustomsCounting:
		return "the Regulations on Customs Protection of IPR do not say; " + articles + " applied by analogy"
	case CriminalCounting:
		return "Criminal Procedure Law Art. 105, to the same effect as " + articles
	case CivilCounting:
	}
	return articles
}

// startRule cites what says the trigger day is not counted.
func (c Counting) startRule() string {
	switch c {
	case AdministrativeCounting:
		return c.cite("CPL Art. 85 and Civil Code Art. 201")
	case CriminalCounting:
		return "Criminal Procedure Law Art. 105 ¶1; Art. 230: from the day after receipt of the judgment"
	case MarketRegulationCounting:
		return samrCounting
	case CustomsCounting:
		return customsStart
	case CivilCounting:
	}
	return "CPL Art. 85; Civil Code Art. 201; SPC CPL Interpretation Art. 125"
}

// rollRule cites what moves a last day off a rest day.
func (c Counting) rollRule() string {
	switch c {
	case AdministrativeCounting, CustomsCounting:
		return c.cite("CPL Art. 85 and Civil Code Art. 203")
	case CriminalCounting:
		return "Criminal Procedure Law Art. 105 ¶3; weekends are rest days under the State Council Provisions on Working Hours Art. 7"
	case MarketRegulationCounting:
		return samrCounting + "; weekends are rest days under the State Council Provisions on Working Hours Art. 7"
	case CivilCounting:
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

// Administrative penalty procedure (market regulation). Its periods are
// counted by the SAMR rules' own article (MarketRegulationCounting).
var (
	// DecisionPeriod: a case is decided within 90 days of its opening (立案).
	DecisionPeriod = Period{Name: "decide the case", Length: 90, Unit: CalendarDays,
		Citation: "Administrative Penalty Law Art. 60; SAMR Administrative Penalty Procedure Rules Art. 64 ¶1", Counting: MarketRegulationCounting}
	// DecisionExtension: the decision period may be extended by 30 days
	// with the approval of the agency's head.
	DecisionExtension = Period{Name: "extend the decision period with the head's approval", Length: 30, Unit: CalendarDays,
		Citation: "SAMR Administrative Penalty Procedure Rules Art. 64 ¶1", Counting: MarketRegulationCounting}
	// StatementWindow: after the notice of an intended penalty is served,
	// the party has 5 working days to state its case, defend itself or ask
	// for a hearing.
	StatementWindow = Period{Name: "state a defence or ask for a hearing", Length: 5, Unit: WorkingDays,
		Citation: "Administrative Penalty Law Arts. 62, 64(1); SAMR Administrative Penalty Procedure Rules Art. 57 ¶2", Counting: MarketRegulationCounting}
	// HearingNotice: the notice of the hearing's time and place is served
	// on the party at least 7 working days before the hearing; counted
	// from its service, the 7th working day is the earliest hearing day.
	HearingNotice = Period{Name: "notice of the hearing", Length: 7, Unit: WorkingDays,
		Citation: "SAMR Hearing Measures Art. 20; Administrative Penalty Law Art. 64(2)", Counting: MarketRegulationCounting}
	// FinePayment: a fine is paid within 15 days of receiving the decision.
	FinePayment = Period{Name: "pay the fine", Length: 15, Unit: CalendarDays,
		Citation: "Administrative Penalty Law Art. 67 ¶3; SAMR Administrative Penalty Procedure Rules Art. 72", Counting: MarketRegulationCounting}
)

// MaxFurtherExtension bounds the length of one further extension of the
// decision period, against typos: the rules ask for "a reasonable period"
// and name no figure.
const MaxFurtherExtension = 365

// FurtherDecisionExtension is a further extension of the decision period,
// after the 30 days, by the number of days the collective decision of the
// agency's heads fixed (SAMR Administrative Penalty Procedure Rules Art. 64
// ¶1: "应当同时确定延长的合理期限").
func FurtherDecisionExtension(days int) Period {
	return Period{Name: "continue the decision period by collective decision of the agency's heads", Length: days, Unit: CalendarDays,
		Citation: "SAMR Administrative Penalty Procedure Rules Art. 64 ¶1", Counting: MarketRegulationCounting}
}

// DecisionPause is time not counted in the decision period: days spent on
// a suspension, hearing, public notice, testing, inspection, quarantine or
// appraisal, identification by the right holder, or an ordered refund
// (SAMR Administrative Penalty Procedure Rules Art. 64 ¶2). The period is
// lengthened by those days.
func DecisionPause(days int) Period {
	return Period{Name: "time not counted in the decision period", Length: days, Unit: CalendarDays,
		Citation: "SAMR Administrative Penalty Procedure Rules Art. 64 ¶2 (time not counted)", Counting: MarketRegulationCounting}
}

// Fines and the transfer of suspected crimes (行刑衔接).
var (
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

// Customs protection of IP rights (Regulations on Customs Protection of
// IPR, 2018 revision, and the GAC Implementing Measures). Its periods are
// working days, counted by CustomsCounting.
var (
	// CustomsReply: notified that customs found goods suspected of
	// infringing a recorded right, the holder applies for detention and
	// gives the guarantee within 3 working days of the notice's service,
	// or customs may not detain the goods.
	CustomsReply = Period{Name: "apply for detention after customs' notice", Length: 3, Unit: WorkingDays,
		Citation: "Regulations on Customs Protection of IPR Art. 16; GAC Implementing Measures Art. 22", Counting: CustomsCounting}
	// CustomsCourtNotice: goods detained on the holder's application are
	// released unless customs receives a court's notice of assistance
	// within 20 working days of the detention.
	CustomsCourtNotice = Period{Name: "bring a court's notice of assistance to customs", Length: 20, Unit: WorkingDays,
		Citation: "Regulations on Customs Protection of IPR Art. 24(1)", Counting: CustomsCounting}
	// CustomsInvestigation: goods detained ex officio are investigated and
	// found infringing or not within 30 working days of the detention.
	CustomsInvestigation = Period{Name: "investigate the detained goods", Length: 30, Unit: WorkingDays,
		Citation: "Regulations on Customs Protection of IPR Art. 20", Counting: CustomsCounting}
	// CustomsExOfficioCourtNotice: goods detained ex officio that customs
	// could not find infringing are released unless a court's notice of
	// assistance arrives within 50 working days of the detention.
	CustomsExOfficioCourtNotice = Period{Name: "bring a court's notice of assistance for goods detained ex officio", Length: 50, Unit: WorkingDays,
		Citation: "Regulations on Customs Protection of IPR Art. 24(2)", Counting: CustomsCounting}
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
	// RulingAppealTimeLimit: an appeal against a ruling is decided within
	// 30 days of its docketing at the second instance.
	RulingAppealTimeLimit = Period{Name: "second-instance time limit, appeal against a ruling", Length: 30, Unit: CalendarDays,
		Citation: "CPL Art. 183 ¶2"}
	// AdministrativeFirstInstance: an administrative case, 6 months.
	AdministrativeFirstInstance = Period{Name: "administrative first-instance time limit", Length: 6, Unit: Months,
		Citation: "Administrative Litigation Law Art. 81"}
	// AdministrativeSecondInstance: an administrative appeal, 3 months.
	AdministrativeSecondInstance = Period{Name: "administrative second-instance time limit", Length: 3, Unit: Months,
		Citation: "Administrative Litigation Law Art. 88"}
	// JudgmentAppeal: an appeal against a judgment within 15 days of
	// service.
	JudgmentAppeal = Period{Name: "appeal against a judgment", Length: 15, Unit: CalendarDays, Citation: "CPL Art. 171"}
	// AdministrativeJudgmentAppeal: an appeal against an administrative
	// judgment within 15 days of service.
	AdministrativeJudgmentAppeal = Period{Name: "appeal against an administrative judgment", Length: 15, Unit: CalendarDays,
		Citation: "Administrative Litigation Law Art. 85"}
	// AdministrativeRulingAppeal: an appeal against an administrative
	// ruling within 10 days of service.
	AdministrativeRulingAppeal = Period{Name: "appeal against an administrative ruling", Length: 10, Unit: CalendarDays,
		Citation: "Administrative Litigation Law Art. 85"}
	// RulingAppeal: an appeal against a ruling within 10 days of service.
	RulingAppeal = Period{Name: "appeal against a ruling", Length: 10, Unit: CalendarDays, Citation: "CPL Art. 171 ¶2"}
	// ForeignPartyAppeal: a party with no domicile in China appeals within
	// 30 days of service.
	ForeignPartyAppeal = Period{Name: "appeal by a party with no domicile in China", Length: 30, Unit: CalendarDays,
		Citation: "CPL Art. 286"}
)

// Criminal procedure.
var (
	// CriminalJudgmentAppeal: an appeal against a criminal judgment within
	// 10 days, from the day after receipt.
	CriminalJudgmentAppeal = Period{Name: "appeal against a criminal judgment", Length: 10, Unit: CalendarDays,
		Citation: "Criminal Procedure Law Art. 230", Counting: CriminalCounting}
	// CriminalRulingAppeal: an appeal against a criminal ruling within 5
	// days, from the day after receipt.
	CriminalRulingAppeal = Period{Name: "appeal against a criminal ruling", Length: 5, Unit: CalendarDays,
		Citation: "Criminal Procedure Law Art. 230", Counting: CriminalCounting}
)

// TimeLimitPause is a period of days the trial time limit does not count
// (public announcement, appraisal, settlement talks of both parties, a
// jurisdiction objection or dispute: SPC Interpretation on the Application
// of the CPL (2022) Art. 243); the time limit is extended by it.
func TimeLimitPause(days int) Period {
	return Period{Name: "period not counted in the trial time limit", Length: days, Unit: CalendarDays,
		Citation: "SPC Interpretation on the Application of the CPL (2022) Art. 243"}
}

// AppealPostingWindow is how many days after the last appeal period of a
// judgment ends a court waits for an appeal that may have been posted by
// the last day (CPL Art. 85 ¶4) before it treats the judgment as effective.
// The law sets no length; the court chooses it (trial.Config).
func AppealPostingWindow(days int) Period {
	return Period{Name: "wait for an appeal posted in time", Length: days, Unit: CalendarDays,
		Citation: "CPL Art. 85 ¶4 (length set by the court)"}
}

// DefaultMediationDays is the time a mediation may take when the mediator
// sets none: 30 days, ipcase's default. Administrative mediation of the
// damages (Trademark Law Art. 60 ¶3; Patent Law Art. 65) has no statutory
// term; the mediator sets it with the parties, who may agree to more.
const DefaultMediationDays = 30

// MediationTerm is the time set for a mediation, counted from its start;
// when it runs out without agreement the mediation has failed and the
// parties may sue (Trademark Law Art. 60 ¶3; Patent Law Art. 65).
func MediationTerm(days int) Period {
	return Period{Name: "time set for the mediation", Length: days, Unit: CalendarDays,
		Citation: "Trademark Law Art. 60 ¶3; Patent Law Art. 65 (length set by the mediator)"}
}

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
		CustomsReply, CustomsCourtNotice, CustomsInvestigation, CustomsExOfficioCourtNotice,
		OrdinaryTimeLimit, OrdinaryExtension, SummaryTimeLimit, SummaryExtension, SecondInstanceTimeLimit,
		RulingAppealTimeLimit, AdministrativeFirstInstance, AdministrativeSecondInstance, JudgmentAppeal, RulingAppeal, ForeignPartyAppeal,
		AdministrativeJudgmentAppeal, AdministrativeRulingAppeal, CriminalJudgmentAppeal, CriminalRulingAppeal, Limitation}
}
