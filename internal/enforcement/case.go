package enforcement

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// State is where an enforcement case stands; the values are stored in the
// proceeding's state.
type State string

// States of the ENFORCEMENT machine.
const (
	Opened              State = "OPENED"
	Investigating       State = "INVESTIGATING"
	PenaltyNotified     State = "PENALTY_NOTIFIED"
	Hearing             State = "HEARING"
	Decided             State = "DECIDED"
	Dismissed           State = "DISMISSED"
	TransferredToCourt  State = "TRANSFERRED_TO_COURT"
	TransferredToPolice State = "TRANSFERRED_TO_POLICE"
	Closed              State = "CLOSED"
)

// Machine is the ENFORCEMENT machine: OPENED → INVESTIGATING →
// PENALTY_NOTIFIED → [HEARING] → DECIDED | DISMISSED | TRANSFERRED_TO_COURT
// | TRANSFERRED_TO_POLICE → CLOSED. A decided case can still go to the
// police: a penalty may not replace transfer, and a fine paid is offset
// against a criminal fine (State Council Provisions on Transfer of
// Suspected Crimes Art. 11). An agreement a court confirmed settles the
// dispute (CPL Art. 206) and closes the case from any state (Settle); an
// officer closes only a case decided, dismissed or transferred (Close).
var Machine = filing.Machine[State]{
	Kind:     filing.KindEnforcement,
	Noun:     "the enforcement case",
	Initial:  Opened,
	Routable: true,
	// The respondent learns of the case from the penalty notice (APL Art.
	// 44); an inspection is not announced to it beforehand.
	Confidential: []State{Opened, Investigating},
	Table: func() map[State][]State {
		t := map[State][]State{
			Opened:              {Investigating, Dismissed, TransferredToPolice},
			Investigating:       {PenaltyNotified, Dismissed, TransferredToCourt, TransferredToPolice},
			PenaltyNotified:     {Hearing, Decided, Dismissed, TransferredToPolice},
			Hearing:             {Decided, Dismissed, TransferredToPolice},
			Decided:             {TransferredToCourt, TransferredToPolice},
			Dismissed:           {},
			TransferredToCourt:  {},
			TransferredToPolice: {},
		}
		for s := range t {
			t[s] = append(t[s], Closed)
		}
		return t
	}(),
}

// closable are the states an officer may close a case from.
var closable = []State{Decided, Dismissed, TransferredToCourt, TransferredToPolice}

// minOfficers: investigation and inspection records need at least two
// officers (the rule; Administrative Penalty Law Art. 42).
const minOfficers = 2

// Officer is an officer assigned to the case.
type Officer struct {
	Subject string `json:"subject"`
	Name    string `json:"name"`
	Badge   string `json:"badge"`
}

// CustodyAction is a step in the custody of seized goods.
type CustodyAction string

// Custody actions.
const (
	Seized    CustodyAction = "SEIZED"
	Moved     CustodyAction = "MOVED"
	Sampled   CustodyAction = "SAMPLED"
	Examined  CustodyAction = "EXAMINED"
	Released  CustodyAction = "RELEASED"
	Destroyed CustodyAction = "DESTROYED"
)

// CustodyEntry is one custody step.
type CustodyEntry struct {
	Action      CustodyAction `json:"action"`
	Date        civil.Date    `json:"date"`
	By          string        `json:"by"`
	Location    string        `json:"location,omitempty"`
	Note        string        `json:"note,omitempty"`
	Certificate string        `json:"certificate,omitempty"`
}

// Goods are seized goods with their custody trail.
type Goods struct {
	ID          string         `json:"id"`
	Description string         `json:"description"`
	Quantity    int64          `json:"quantity"`
	Unit        string         `json:"unit"`
	UnitValue   damages.Fen    `json:"unitValue"`
	Location    string         `json:"location"`
	Custody     []CustodyEntry `json:"custody"`
}

// Status is where the goods stand: held until released or destroyed.
func (g *Goods) Status() CustodyAction {
	last := g.Custody[len(g.Custody)-1].Action
	if last == Released || last == Destroyed {
		return last
	}
	return Seized
}

// EvidenceItem is an evidence item recorded at an inspection.
type EvidenceItem struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	MediaType   string `json:"mediaType"`
	Description string `json:"description"`
}

// Inspection is an on-site inspection.
type Inspection struct {
	ID       string         `json:"id"`
	Date     civil.Date     `json:"date"`
	Place    string         `json:"place"`
	Officers []string       `json:"officers"`
	Findings string         `json:"findings"`
	Goods    []string       `json:"goods"`
	Evidence []EvidenceItem `json:"evidence"`
}

// Findings are the investigation's findings and figures.
type Findings struct {
	Text           string      `json:"text"`
	BusinessVolume damages.Fen `json:"businessVolume"`
	IllegalGains   damages.Fen `json:"illegalGains"`
	GoodsValue     damages.Fen `json:"goodsValue"`
	Computation    string      `json:"computation"`
	RecordedOn     civil.Date  `json:"recordedOn"`
	// Evidence are the digests of the matter's evidence the findings
	// rest on.
	Evidence []string `json:"evidence,omitempty"`
}

// Notice is the notice of the intended penalty.
type Notice struct {
	ServedOn civil.Date `json:"servedOn"`
	// FineRequest is the CalculateFineRequest as protojson, kept so that the
	// range can be recomputed for the decision date.
	FineRequest json.RawMessage    `json:"fineRequest"`
	Range       damages.FineResult `json:"range"`
	// WindowDue is the last day of the 5 working days to state a defence or
	// ask for a hearing (SAMR Provisions Art. 57 ¶2; APL Art. 64(1), Art. 85).
	WindowDue        civil.Date `json:"windowDue"`
	HearingAvailable bool       `json:"hearingAvailable"`
	CriminalFlag     bool       `json:"criminalFlag"`
	// ConductFrom is the first day of the conduct; FineRequest's
	// conduct_date is its last. Zero in a case notified before it was
	// recorded: the conduct date then stands for both.
	ConductFrom civil.Date `json:"conductFrom,omitzero"`
}

// HearingRecord is a hearing before the decision. ScheduledFor is set
// when its notice is served (NoticeServedOn); a case recorded before the
// service was a fact of its own has ScheduledFor without NoticeServedOn.
type HearingRecord struct {
	RequestedOn    civil.Date  `json:"requestedOn"`
	NoticeServedOn *civil.Date `json:"noticeServedOn,omitempty"`
	ScheduledFor   civil.Date  `json:"scheduledFor,omitzero"`
	HeldOn         *civil.Date `json:"heldOn,omitempty"`
	Record         string      `json:"record,omitempty"`
}

// Decision is a penalty decision.
type Decision struct {
	Number       string      `json:"number"`
	DecidedOn    civil.Date  `json:"decidedOn"`
	Fine         damages.Fen `json:"fine"`
	Law          string      `json:"law"`
	Confiscation string      `json:"confiscation"`
	Destruction  []string    `json:"destruction"`
	// ServedOn is the day the decision reached the party, from which the
	// fine is due within 15 days (Administrative Penalty Law Art. 67 ¶3).
	ServedOn civil.Date `json:"servedOn,omitzero"`
	// Payment is the fine's payment; nil without a fine.
	Payment *Payment `json:"payment,omitempty"`
	// Evidence are the digests of the matter's evidence the decision
	// rests on.
	Evidence []string `json:"evidence,omitempty"`
	// Basis is what the fine was computed from (for similar-case search).
	Basis *events.FineBasis `json:"basis,omitempty"`
}

// Payment is the payment of a decided fine.
type Payment struct {
	// Due is the last day to pay, from the clock KindPayment.
	Due            civil.Date  `json:"due"`
	DueProvisional bool        `json:"dueProvisional,omitempty"`
	PaidOn         *civil.Date `json:"paidOn,omitempty"`
}

// Transfer sends the case to a court or the police.
type Transfer struct {
	ToPolice  bool       `json:"toPolice"`
	Recipient string     `json:"recipient"`
	Reason    string     `json:"reason"`
	On        civil.Date `json:"on"`
}

// Extension is an approved extension of the decision deadline: the first,
// of 30 days, by the agency's head; a further one by collective decision of
// the agency's heads, for the Days they fixed (SAMR Administrative Penalty
// Procedure Rules Art. 64 ¶1).
type Extension struct {
	ApprovedBy string     `json:"approvedBy"`
	Reason     string     `json:"reason"`
	On         civil.Date `json:"on"`
	NewDue     civil.Date `json:"newDue"`
	Collective bool       `json:"collective,omitempty"`
	Days       int        `json:"days,omitempty"`
}

// PauseKind is what time not counted in the decision period was spent on.
type PauseKind string

// The time not counted in the decision period (SAMR Administrative Penalty
// Procedure Rules Art. 64 ¶2).
const (
	Suspension     PauseKind = "SUSPENSION"     // 中止
	HearingTime    PauseKind = "HEARING"        // 听证
	PublicNotice   PauseKind = "PUBLIC_NOTICE"  // 公告
	Testing        PauseKind = "TESTING"        // 检测、检验、检疫、鉴定
	Identification PauseKind = "IDENTIFICATION" // 权利人辨认或者鉴别
	RefundOrder    PauseKind = "REFUND_ORDER"   // 责令退还多收价款
)

// Pause is time not counted in the decision period: the days from Start to
// End, both included.
type Pause struct {
	Kind   PauseKind  `json:"kind"`
	Start  civil.Date `json:"start"`
	End    civil.Date `json:"end"`
	Reason string     `json:"reason"`
}

// Days is the number of days not counted: Start and End are both days
// spent on it (ipcase's reading; the rules say only that the time is not
// counted).
func (p Pause) Days() int { return p.Start.DaysUntil(p.End) + 1 }

// Case is an enforcement case: the record of one ENFORCEMENT proceeding.
type Case struct {
	filing.RecordMeta
	State       State      `json:"state"`
	Agency      string     `json:"agency"`
	OpenedOn    civil.Date `json:"openedOn"`
	DecisionDue civil.Date `json:"decisionDue"`
	// DecisionDueProvisional: the period reaches a year whose holiday
	// notice is not loaded yet, so DecisionDue was counted on that year's
	// statutory holidays alone; the clock is recomputed when it is loaded.
	DecisionDueProvisional bool           `json:"decisionDueProvisional,omitempty"`
	Officers               []Officer      `json:"officers"`
	Inspections            []Inspection   `json:"inspections"`
	Goods                  []Goods        `json:"goods"`
	Findings               *Findings      `json:"findings,omitempty"`
	Notice                 *Notice        `json:"notice,omitempty"`
	Hearing                *HearingRecord `json:"hearing,omitempty"`
	Decision               *Decision      `json:"decision,omitempty"`
	DismissalReason        string         `json:"dismissalReason,omitempty"`
	Transfer               *Transfer      `json:"transfer,omitempty"`
	Extension              *Extension     `json:"extension,omitempty"`
	// FurtherExtensions are the extensions after the first.
	FurtherExtensions []Extension `json:"furtherExtensions,omitempty"`
	// Pauses are the periods not counted in the decision period.
	Pauses      []Pause `json:"pauses,omitempty"`
	CloseReason string  `json:"closeReason,omitempty"`
	// Appraisals are the inspections, tests, appraisals and
	// identifications requested, oldest first.
	Appraisals []Appraisal `json:"appraisals,omitempty"`
	// Resumptions are the days the case was taken up again after a
	// mediation of the matter ended without agreement.
	Resumptions []Resumption `json:"resumptions,omitempty"`
}

// Resumption is the case taken up again after Mediation (a proceeding
// name) ended without agreement and the right holder chose enforcement.
type Resumption struct {
	Mediation string     `json:"mediation"`
	On        civil.Date `json:"on"`
}

// StateName is the proceeding state the case is in.
func (c *Case) StateName() filing.ProceedingState { return filing.ProceedingState(c.State) }

// Etag is the case's version tag.
func (c *Case) Etag() string { return fmt.Sprintf(`"e%d"`, c.Version) }

// move changes the state, refusing a move the table lacks with
// errs.FailedPrecondition naming the current state.
func (c *Case) move(to State) error { return Machine.Move(&c.State, to) }

// require refuses an action unless the case is in one of states.
func (c *Case) require(action string, states ...State) error {
	if !slices.Contains(states, c.State) {
		return errs.Errorf(errs.FailedPrecondition, "cannot %s: the enforcement case is %s", action, c.State)
	}
	return nil
}

func (c *Case) officer(subject string) bool {
	return slices.ContainsFunc(c.Officers, func(o Officer) bool { return o.Subject == subject })
}

func (c *Case) goods(id string) *Goods {
	for i := range c.Goods {
		if c.Goods[i].ID == id {
			return &c.Goods[i]
		}
	}
	return nil
}
