package customs

import (
	"fmt"
	"slices"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
)

// State is where a shipment's customs proceeding stands; the values are
// stored in the proceeding's state.
type State string

// States of the CUSTOMS machine.
const (
	Applied        State = "APPLIED"
	HolderNotified State = "HOLDER_NOTIFIED"
	Detained       State = "DETAINED"
	Undetermined   State = "UNDETERMINED"
	CourtOrdered   State = "COURT_ORDERED"
	Rejected       State = "REJECTED"
	Released       State = "RELEASED"
	Confiscated    State = "CONFISCATED"
	HandedOver     State = "HANDED_OVER"
)

// Machine is the CUSTOMS machine. On application: APPLIED → DETAINED |
// REJECTED (Regulations on Customs Protection of IPR Art. 15). Ex officio:
// HOLDER_NOTIFIED → DETAINED | RELEASED (Art. 16). Detained goods are held
// for a court (COURT_ORDERED, Art. 23 ¶2), found infringing and
// confiscated (Art. 27), found not infringing or released for a lapse or
// a reason of Art. 24 (RELEASED), or, ex officio, left undetermined
// (UNDETERMINED, Art. 20) until a court's notice or the 50th working day
// (Art. 24(2)). A court's effective judgment ends a COURT_ORDERED
// proceeding: infringement found, the goods are handed over as it orders
// (HANDED_OVER); none, released.
var Machine = filing.Machine[State]{
	Kind:    filing.KindCustoms,
	Noun:    "the customs proceeding",
	Initial: Applied,
	Table: map[State][]State{
		Applied:        {Detained, Rejected},
		HolderNotified: {Detained, Released},
		Detained:       {CourtOrdered, Undetermined, Confiscated, Released},
		Undetermined:   {CourtOrdered, Released},
		CourtOrdered:   {HandedOver, Released},
	},
	// The consignee or consignor learns of the proceeding from the
	// detention receipt served on it (Regulations Arts. 15, 16); an
	// application, or customs' notice to the holder, is not announced to
	// it.
	Confidential: []State{Applied, HolderNotified},
}

// Route is how a customs proceeding began.
type Route string

// Routes.
const (
	OnApplication Route = "ON_APPLICATION" // 依申请, Regulations Art. 12
	ExOfficio     Route = "EX_OFFICIO"     // 依职权, Regulations Art. 16
)

// Goods is a line of goods in the shipment.
type Goods struct {
	Description string      `json:"description"`
	Quantity    int64       `json:"quantity"`
	Unit        string      `json:"unit"`
	UnitValue   damages.Fen `json:"unitValue"`
}

// Value is the line's value.
func (g Goods) Value() damages.Fen { return g.UnitValue * damages.Fen(g.Quantity) }

// CourtAction is the holder's action at a court.
type CourtAction struct {
	Court   string     `json:"court"`
	FiledOn civil.Date `json:"filedOn"`
}

// CourtNotice is a court's notice of assistance received by customs.
type CourtNotice struct {
	Court       string     `json:"court"`
	CourtNumber string     `json:"courtNumber,omitempty"`
	Order       string     `json:"order"`
	ReceivedOn  civil.Date `json:"receivedOn"`
}

// Finding is customs' finding on goods detained ex officio.
type Finding string

// Findings (Regulations Arts. 20, 27).
const (
	Infringing    Finding = "INFRINGING"
	NotInfringing Finding = "NOT_INFRINGING"
	Unsure        Finding = "UNDETERMINED"
)

// Disposal is what becomes of confiscated goods (Regulations Art. 27 ¶3).
type Disposal string

// Disposals.
const (
	PublicWelfare Disposal = "PUBLIC_WELFARE"
	SoldToHolder  Disposal = "SOLD_TO_HOLDER"
	Auctioned     Disposal = "AUCTIONED"
	Destroyed     Disposal = "DESTROYED"
)

// Decision is customs' decision on goods detained ex officio.
type Decision struct {
	Finding     Finding     `json:"finding"`
	DecidedOn   civil.Date  `json:"decidedOn"`
	Fine        damages.Fen `json:"fine,omitempty"`
	FineCeiling damages.Fen `json:"fineCeiling,omitempty"`
	Disposal    Disposal    `json:"disposal,omitempty"`
	Reason      string      `json:"reason"`
}

// Shipment is the record of one CUSTOMS proceeding: a shipment suspected
// of infringing, and what customs did with it.
type Shipment struct {
	filing.RecordMeta
	State       State   `json:"state"`
	Office      string  `json:"office"`
	Route       Route   `json:"route"`
	Recordation string  `json:"recordation,omitempty"`
	Direction   string  `json:"direction"`
	Declaration string  `json:"declaration,omitempty"`
	Goods       []Goods `json:"goods"`
	// Guarantee is what the rules require; GuaranteeGiven what the holder
	// gave, on GuaranteeOn.
	Guarantee      Guarantee   `json:"guarantee"`
	GuaranteeGiven damages.Fen `json:"guaranteeGiven"`
	GuaranteeOn    *civil.Date `json:"guaranteeOn,omitempty"`
	AppliedOn      civil.Date  `json:"appliedOn,omitzero"`
	NotifiedOn     civil.Date  `json:"notifiedOn,omitzero"`
	ReplyDue       civil.Date  `json:"replyDue,omitzero"`
	DetainedOn     *civil.Date `json:"detainedOn,omitempty"`
	// CourtNoticeDue is the last day for a court's notice of assistance;
	// InvestigationDue the last day of customs' investigation (ex officio).
	CourtNoticeDue   civil.Date   `json:"courtNoticeDue,omitzero"`
	InvestigationDue civil.Date   `json:"investigationDue,omitzero"`
	CourtAction      *CourtAction `json:"courtAction,omitempty"`
	CourtNotice      *CourtNotice `json:"courtNotice,omitempty"`
	Decision         *Decision    `json:"decision,omitempty"`
	EndedOn          *civil.Date  `json:"endedOn,omitempty"`
	EndReason        string       `json:"endReason,omitempty"`
}

// StateName is the proceeding state the shipment is in.
func (s *Shipment) StateName() filing.ProceedingState { return filing.ProceedingState(s.State) }

// Etag is the shipment's version tag.
func (s *Shipment) Etag() string { return fmt.Sprintf(`"c%d"`, s.Version) }

// Value is the goods' total value.
func (s *Shipment) Value() damages.Fen {
	var v damages.Fen
	for _, g := range s.Goods {
		v += g.Value()
	}
	return v
}

func (s *Shipment) move(to State) error { return Machine.Move(&s.State, to) }

// require refuses an action unless the shipment is in one of states.
func (s *Shipment) require(action string, states ...State) error {
	if !slices.Contains(states, s.State) {
		return errs.Errorf(errs.FailedPrecondition, "cannot %s: the customs proceeding is %s", action, s.State)
	}
	return nil
}

// end moves to a final state on a day, for a reason, and records typ.
func (s *Shipment) end(to State, typ events.Type, on civil.Date, reason string) error {
	if err := s.move(to); err != nil {
		return err
	}
	s.EndedOn, s.EndReason = &on, reason
	s.Record(typ, events.CustomsEndedPayload{Reason: reason, On: on})
	return nil
}

// Dues are the last days of the periods a detention starts.
type Dues struct {
	CourtNotice   civil.Date
	Investigation civil.Date // ex officio only
}

// detain detains the goods on on; the guarantee given must cover the
// required one.
func (s *Shipment) detain(on civil.Date, dues Dues) error {
	if s.GuaranteeGiven < s.Guarantee.Required {
		return errs.Errorf(errs.FailedPrecondition, "the guarantee given, %s yuan, is less than the %s yuan required: %s; "+
			"customs refuses an application without it (Regulations on Customs Protection of IPR Art. 15 ¶2)",
			s.GuaranteeGiven, s.Guarantee.Required, s.Guarantee.Rule)
	}
	if err := s.move(Detained); err != nil {
		return err
	}
	s.DetainedOn, s.CourtNoticeDue, s.InvestigationDue = &on, dues.CourtNotice, dues.Investigation
	p := events.CustomsDetainedPayload{DetainedOn: on, Guarantee: s.GuaranteeGiven.String(), GuaranteeRule: s.Guarantee.Rule,
		CourtNoticeDue: dues.CourtNotice}
	if !dues.Investigation.IsZero() {
		p.InvestigationDue = &dues.Investigation
	}
	s.Record(events.CustomsGoodsDetained, p)
	return nil
}

// Detain detains goods applied for (Regulations on Customs Protection of
// IPR Art. 15 ¶1), on a day no earlier than the application.
func (s *Shipment) Detain(on civil.Date, dues Dues) error {
	if err := s.require("detain the goods on an application", Applied); err != nil {
		return err
	}
	if on.Before(s.AppliedOn) {
		return errs.Field("detained_on", "%s is before the application of %s", on, s.AppliedOn)
	}
	return s.detain(on, dues)
}

// Refuse refuses the application (Regulations Art. 15 ¶2).
func (s *Shipment) Refuse(on civil.Date, reason string) error {
	return s.end(Rejected, events.CustomsDetentionRefused, on, reason+" (Regulations on Customs Protection of IPR Art. 15 ¶2)")
}

// Reply records the holder's answer to customs' notice on on: with an
// application and the guarantee, the goods are detained that day (customs
// "shall detain", Regulations Art. 16); without, or too late, they are not.
func (s *Shipment) Reply(apply bool, guarantee damages.Fen, on civil.Date, dues Dues) error {
	if err := s.require("reply to customs' notice", HolderNotified); err != nil {
		return err
	}
	switch {
	case on.Before(s.NotifiedOn):
		return errs.Field("replied_on", "%s is before the notice was served on %s", on, s.NotifiedOn)
	case on.After(s.ReplyDue):
		return errs.Errorf(errs.FailedPrecondition, "the holder's 3 working days from the notice served on %s ended on %s "+
			"(Regulations on Customs Protection of IPR Art. 16); customs may not detain the goods", s.NotifiedOn, s.ReplyDue)
	case !apply:
		return s.end(Released, events.CustomsGoodsReleased, on,
			"the holder did not apply for detention: customs may not detain the goods (Regulations on Customs Protection of IPR Art. 16)")
	case guarantee < s.Guarantee.Required:
		return errs.Field("guarantee_yuan", "%s yuan is less than the %s yuan required: %s", guarantee, s.Guarantee.Required, s.Guarantee.Rule)
	}
	s.GuaranteeGiven, s.GuaranteeOn = guarantee, &on
	return s.detain(on, dues)
}

// held are the states in which detained goods are held by customs.
var held = []State{Detained, Undetermined, CourtOrdered}

// FileCourtAction records the holder's action at a court, which may have
// been filed before the goods were detained; the dossier is the hand-off
// the court receives.
func (s *Shipment) FileCourtAction(a CourtAction, dossier events.TransferDossier) error {
	if err := s.require("record a court action", held...); err != nil {
		return err
	}
	if s.CourtAction != nil {
		return errs.Errorf(errs.AlreadyExists, "the holder's action at %s, filed on %s, is already recorded", s.CourtAction.Court, s.CourtAction.FiledOn)
	}
	s.CourtAction = &a
	s.Record(events.CustomsCourtActionFiled, dossier)
	return nil
}

// ReceiveCourtNotice records a court's notice of assistance: the goods are
// held for the court (Regulations Art. 23 ¶2) and the court-notice period
// is met. A second notice returns filing.ErrUnchanged.
func (s *Shipment) ReceiveCourtNotice(n CourtNotice) error {
	if s.State == CourtOrdered {
		return filing.ErrUnchanged
	}
	if err := s.require("record a court's notice of assistance", Detained, Undetermined); err != nil {
		return err
	}
	if n.ReceivedOn.Before(*s.DetainedOn) {
		return errs.Field("received_on", "%s is before the goods were detained on %s", n.ReceivedOn, s.DetainedOn)
	}
	if err := s.move(CourtOrdered); err != nil {
		return err
	}
	s.CourtNotice = &n
	s.Record(events.CustomsCourtNoticeReceived, events.CourtNoticePayload{Court: n.Court, CourtNumber: n.CourtNumber, Order: n.Order,
		ReceivedOn: n.ReceivedOn})
	return nil
}

// Decide records customs' finding on goods detained ex officio
// (Regulations Art. 20): infringing goods are confiscated, fined at most
// 30 % of their value and disposed of (Art. 27; Customs Administrative
// Penalty Implementing Regulations Art. 25); goods not infringing are
// released; undetermined goods wait for a court (Art. 24(2)).
func (s *Shipment) Decide(d Decision, featuresRemoved bool) error {
	if s.Route != ExOfficio {
		return errs.Errorf(errs.FailedPrecondition, "customs investigates goods detained ex officio (Regulations on Customs Protection of IPR Art. 20); "+
			"goods detained on the holder's application wait for a court")
	}
	if err := s.require("decide on the goods", Detained); err != nil {
		return err
	}
	if d.DecidedOn.Before(*s.DetainedOn) {
		return errs.Field("decided_on", "%s is before the goods were detained on %s", d.DecidedOn, s.DetainedOn)
	}
	found := d.Finding == Infringing
	p := events.CustomsDecidedPayload{DecidedOn: d.DecidedOn, Reason: d.Reason}
	if d.Finding != Unsure {
		p.InfringementFound = &found
	}
	switch d.Finding {
	case Infringing:
		d.FineCeiling = FineCeiling(s.Value())
		if d.Fine > d.FineCeiling {
			return errs.Field("fine_yuan", "%s yuan is more than 30 %% of the goods' value of %s yuan, %s yuan "+
				"(Customs Administrative Penalty Implementing Regulations Art. 25)", d.Fine, s.Value(), d.FineCeiling)
		}
		if d.Disposal == "" {
			return errs.Field("disposal", "required for infringing goods: public welfare, sale to the holder, auction or destruction (Regulations Art. 27 ¶3)")
		}
		if d.Disposal == Auctioned && !featuresRemoved {
			return errs.Field("features_removed", "confiscated goods are auctioned only once their infringing features are removed; "+
				"removing the marks alone does not let counterfeit goods into commerce (Regulations on Customs Protection of IPR Art. 27 ¶3)")
		}
		p.Fine, p.FineCeiling, p.Disposal = d.Fine.String(), d.FineCeiling.String(), string(d.Disposal)
		if err := s.move(Confiscated); err != nil {
			return err
		}
		s.EndedOn = &d.DecidedOn
		s.EndReason = fmt.Sprintf("found infringing and confiscated (Regulations on Customs Protection of IPR Art. 27), disposal %s", d.Disposal)
	case NotInfringing, Unsure:
		if d.Fine != 0 || d.Disposal != "" {
			return errs.Field("fine_yuan", "a fine and a disposal are decided only for infringing goods")
		}
		if d.Finding == Unsure {
			if err := s.move(Undetermined); err != nil {
				return err
			}
			break
		}
		if err := s.move(Released); err != nil {
			return err
		}
		s.EndedOn = &d.DecidedOn
		s.EndReason = "customs found the goods do not infringe: released (Regulations on Customs Protection of IPR Art. 20)"
	default:
		return errs.Field("finding", "required: infringing, not infringing or undetermined")
	}
	s.Decision = &d
	s.Record(events.CustomsInfringementDecided, p)
	if s.State == Released {
		s.Record(events.CustomsGoodsReleased, events.CustomsEndedPayload{Reason: s.EndReason, On: d.DecidedOn})
	}
	return nil
}

// ReleaseReason is why detained goods are released by a call.
type ReleaseReason string

// Release reasons (Regulations on Customs Protection of IPR Art. 24).
const (
	PatentCounterGuarantee ReleaseReason = "PATENT_COUNTER_GUARANTEE" // Arts. 19, 24(3)
	ConsigneeEvidence      ReleaseReason = "CONSIGNEE_EVIDENCE"       // Art. 24(4)
	HolderWithdrew         ReleaseReason = "HOLDER_WITHDREW"          // Art. 24(5)
)

var releaseArticles = map[ReleaseReason]string{
	PatentCounterGuarantee: "the consignee or consignor of goods suspected of infringing a patent gave a guarantee of their value " +
		"(Regulations on Customs Protection of IPR Arts. 19, 24(3))",
	ConsigneeEvidence: "customs finds the consignee or consignor proved the goods do not infringe (Regulations on Customs Protection of IPR Art. 24(4))",
	HolderWithdrew:    "the holder withdrew its application before customs found the goods infringing (Regulations on Customs Protection of IPR Art. 24(5))",
}

// Release releases detained goods for reason; patent says whether the
// matter's rights include a patent, which a counter-guarantee needs.
func (s *Shipment) Release(reason ReleaseReason, on civil.Date, note string, patent bool) error {
	why, ok := releaseArticles[reason]
	if !ok {
		return errs.Field("reason", "required: a patent counter-guarantee, the consignee's evidence or the holder's withdrawal")
	}
	if err := s.require("release the goods", Detained, Undetermined, CourtOrdered); err != nil {
		return err
	}
	if reason == PatentCounterGuarantee && !patent {
		return errs.Field("reason", "a counter-guarantee releases goods suspected of infringing a patent only (Regulations Art. 19); this matter's rights include none")
	}
	if on.Before(*s.DetainedOn) {
		return errs.Field("released_on", "%s is before the goods were detained on %s", on, s.DetainedOn)
	}
	if note != "" {
		why += ": " + note
	}
	return s.end(Released, events.CustomsGoodsReleased, on, why)
}

// Lapse applies a missed period of kind, whose last day was due: the
// holder's reply (Regulations Art. 16), the court's notice on application
// (Art. 24(1)), or the court's notice for goods customs could not find
// infringing ex officio (Art. 24(2)). The goods are released the day after;
// a lapse that no longer applies returns filing.ErrUnchanged.
func (s *Shipment) Lapse(kind string, due civil.Date) error {
	on := due.AddDays(1)
	switch {
	case kind == KindReply && s.State == HolderNotified:
		return s.end(Released, events.CustomsGoodsReleased, on, fmt.Sprintf("the holder did not apply and give the guarantee within 3 working days, "+
			"by %s: customs may not detain the goods (Regulations on Customs Protection of IPR Art. 16)", due))
	case kind == KindCourtNotice && s.Route == OnApplication && s.State == Detained:
		return s.end(Released, events.CustomsGoodsReleased, on, fmt.Sprintf("no court's notice of assistance within 20 working days of the detention, "+
			"by %s (Regulations on Customs Protection of IPR Art. 24(1))", due))
	case kind == KindCourtNotice && s.Route == ExOfficio && s.State == Undetermined:
		return s.end(Released, events.CustomsGoodsReleased, on, fmt.Sprintf("no court's notice of assistance within 50 working days of the detention, "+
			"by %s, and customs could not find the goods infringing (Regulations on Customs Protection of IPR Art. 24(2))", due))
	}
	return filing.ErrUnchanged
}

// CourtDecides applies a court's effective judgment in the matter to goods
// held for the court: infringement found, they are handed over as the
// judgment orders; none, released (Regulations Art. 28 ¶2 makes the holder
// answer for the detention). Goods not held for a court are unchanged.
func (s *Shipment) CourtDecides(court, number string, infringement bool, on civil.Date) error {
	if s.State != CourtOrdered {
		return filing.ErrUnchanged
	}
	if infringement {
		return s.end(HandedOver, events.CustomsGoodsHandedOver, on,
			fmt.Sprintf("the effective judgment %s of %s found infringement: the goods are handed over as it orders (Regulations on Customs Protection of IPR Art. 23 ¶2)", number, court))
	}
	return s.end(Released, events.CustomsGoodsReleased, on,
		fmt.Sprintf("the effective judgment %s of %s found no infringement: released (Regulations on Customs Protection of IPR Art. 28 ¶2)", number, court))
}
