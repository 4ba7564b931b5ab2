package enforcement

import (
	"slices"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
)

// AppraisalKind is who examines samples of seized goods.
type AppraisalKind string

// Appraisal kinds: the two the SAMR Administrative Penalty Procedure Rules
// Art. 64 ¶2 do not count in the decision period.
const (
	// AppraisalTesting is inspection, testing or appraisal by a qualified
	// institution (检验、检测、鉴定).
	AppraisalTesting AppraisalKind = "TESTING"
	// AppraisalIdentification is identification by the right holder
	// (权利人辨认或者鉴别).
	AppraisalIdentification AppraisalKind = "IDENTIFICATION"
)

// pauseKind is the kind of time not counted that an appraisal of kind k
// takes.
func (k AppraisalKind) pauseKind() PauseKind {
	if k == AppraisalIdentification {
		return Identification
	}
	return Testing
}

// Appraisal is a request to examine samples of seized goods and its
// result: an institution's report or the right holder's identification.
type Appraisal struct {
	ID          string        `json:"id"`
	Kind        AppraisalKind `json:"kind"`
	Institution string        `json:"institution"`
	Question    string        `json:"question"`
	Samples     []string      `json:"samples"`
	SentOn      civil.Date    `json:"sentOn"`
	Report      *Report       `json:"report,omitempty"`
	// Identification is the right holder's statement, for Kind
	// IDENTIFICATION.
	Identification *Identified `json:"identification,omitempty"`
	// DaysNotCounted are the days not counted in the decision period on
	// account of this appraisal, once its result was received.
	DaysNotCounted int `json:"daysNotCounted,omitempty"`
}

// Pending reports whether the result has not been received yet.
func (a *Appraisal) Pending() bool { return a.Report == nil && a.Identification == nil }

// Report is an institution's report.
type Report struct {
	Number        string       `json:"number"`
	Qualification string       `json:"qualification"`
	Conclusion    string       `json:"conclusion"`
	ReportedOn    civil.Date   `json:"reportedOn"`
	ReceivedOn    civil.Date   `json:"receivedOn"`
	Document      EvidenceItem `json:"document"`
}

// Identified is a right holder's signed identification of the samples.
type Identified struct {
	SignedBy   string           `json:"signedBy"`
	SignedOn   civil.Date       `json:"signedOn"`
	ReceivedOn civil.Date       `json:"receivedOn"`
	Items      []IdentifiedItem `json:"items"`
	Statement  EvidenceItem     `json:"statement"`
}

// IdentifiedItem is one sample the right holder identified.
type IdentifiedItem struct {
	GoodsID     string `json:"goodsId"`
	Counterfeit bool   `json:"counterfeit"`
	Basis       string `json:"basis"`
}

// RequestAppraisal records samples of seized goods sent on a.SentOn for
// examination; each sample's custody trail records it (SAMPLED for an
// institution, EXAMINED for the right holder). The decision period stops
// running from that day until the result is received.
func (c *Case) RequestAppraisal(a Appraisal) error {
	if err := c.require("request an appraisal", Investigating, PenaltyNotified, Hearing); err != nil {
		return err
	}
	if a.SentOn.Before(c.OpenedOn) {
		return errs.Field("appraisal.sent_on", "%s is before the case was opened on %s", a.SentOn.String(), c.OpenedOn.String())
	}
	action := Sampled
	if a.Kind == AppraisalIdentification {
		action = Examined
	}
	for i, id := range a.Samples {
		g := c.goods(id)
		switch {
		case g == nil:
			return errs.Field("appraisal.samples", "no seized goods %q in this case", id)
		case g.Status() != Seized:
			return errs.Field("appraisal.samples", "goods %s were %s: no sample can be taken", id, g.Status())
		case slices.Contains(a.Samples[:i], id):
			return errs.Field("appraisal.samples", "goods %s are listed twice", id)
		case a.SentOn.Before(g.Custody[len(g.Custody)-1].Date):
			return errs.Field("appraisal.sent_on", "%s is before the last custody step of goods %s", a.SentOn.String(), id)
		}
	}
	for _, id := range a.Samples {
		g := c.goods(id)
		g.Custody = append(g.Custody, CustodyEntry{Action: action, Date: a.SentOn, By: a.Institution, Note: "sent for " + string(a.Kind) + ": " + a.Question})
	}
	c.Appraisals = append(c.Appraisals, a)
	c.Record(events.EnforcementAppraisalRequested, events.AppraisalRequestedPayload{Appraisal: a.ID, Kind: string(a.Kind),
		Institution: a.Institution, Question: a.Question, Samples: a.Samples, SentOn: a.SentOn})
	return nil
}

// appraisal returns the pending appraisal id of kind, or a refusal.
func (c *Case) appraisal(id string, kind AppraisalKind) (*Appraisal, error) {
	i := slices.IndexFunc(c.Appraisals, func(a Appraisal) bool { return a.ID == id })
	if i < 0 {
		return nil, errs.Field("appraisal_id", "no appraisal %q in this case", id)
	}
	a := &c.Appraisals[i]
	switch {
	case a.Kind != kind:
		return nil, errs.Field("appraisal_id", "appraisal %s was sent for %s, not %s", id, a.Kind, kind)
	case !a.Pending():
		return nil, errs.Errorf(errs.FailedPrecondition, "the result of appraisal %s was already recorded", id)
	}
	return a, nil
}

// RecordReport records the institution's report on appraisal id, received
// on r.ReceivedOn, and stops the days from sending to receipt counting in
// the decision period.
func (c *Case) RecordReport(id string, r Report, today civil.Date, move func(deadline.Period) (deadline.Computation, error)) error {
	a, err := c.appraisal(id, AppraisalTesting)
	if err != nil {
		return err
	}
	if err := received(a, r.ReceivedOn, today, "report.received_on"); err != nil {
		return err
	}
	days, err := c.notCounted(a, r.ReceivedOn, today, "appraisal by "+a.Institution+", report "+r.Number, move)
	if err != nil {
		return err
	}
	a.Report, a.DaysNotCounted = &r, days
	c.Record(events.EnforcementAppraisalReported, events.AppraisalReportedPayload{Appraisal: id, Institution: a.Institution,
		ReportNumber: r.Number, Qualification: r.Qualification, Conclusion: r.Conclusion, ReportedOn: r.ReportedOn, ReceivedOn: r.ReceivedOn,
		Document: r.Document.SHA256, DaysNotCounted: days})
	return nil
}

// RecordIdentification records the right holder's signed identification
// on appraisal id: every sample sent, each once.
func (c *Case) RecordIdentification(id string, s Identified, today civil.Date, move func(deadline.Period) (deadline.Computation, error)) error {
	a, err := c.appraisal(id, AppraisalIdentification)
	if err != nil {
		return err
	}
	var seen []string
	counterfeit := 0
	for _, it := range s.Items {
		switch {
		case !slices.Contains(a.Samples, it.GoodsID):
			return errs.Field("identification.items", "goods %q were not sent for this identification", it.GoodsID)
		case slices.Contains(seen, it.GoodsID):
			return errs.Field("identification.items", "goods %s are identified twice", it.GoodsID)
		}
		seen = append(seen, it.GoodsID)
		if it.Counterfeit {
			counterfeit++
		}
	}
	if len(seen) != len(a.Samples) {
		return errs.Field("identification.items", "the statement identifies %d of the %d samples sent; it must identify each", len(seen), len(a.Samples))
	}
	if s.SignedOn.Before(a.SentOn) {
		return errs.Field("identification.signed_on", "%s is before the samples were sent on %s", s.SignedOn.String(), a.SentOn.String())
	}
	if err := received(a, s.ReceivedOn, today, "identification.received_on"); err != nil {
		return err
	}
	days, err := c.notCounted(a, s.ReceivedOn, today, "identification by the right holder, signed by "+s.SignedBy, move)
	if err != nil {
		return err
	}
	a.Identification, a.DaysNotCounted = &s, days
	c.Record(events.EnforcementIdentification, events.IdentificationPayload{Appraisal: id, SignedBy: s.SignedBy, SignedOn: s.SignedOn,
		ReceivedOn: s.ReceivedOn, Items: len(s.Items), CounterfeitItems: counterfeit, Statement: s.Statement.SHA256, DaysNotCounted: days})
	return nil
}

func received(a *Appraisal, on, today civil.Date, field string) error {
	switch {
	case on.Before(a.SentOn):
		return errs.Field(field, "%s is before the request was sent on %s", on.String(), a.SentOn.String())
	case on.After(today):
		return errs.Field(field, "%s is after today, %s: record the result once it was received", on.String(), today.String())
	}
	return nil
}

// notCounted records, while the decision period runs, the days from
// a.SentOn to receivedOn (both included) as time not counted (SAMR
// Administrative Penalty Procedure Rules Art. 64 ¶2), less the days
// already not counted for another reason — two appraisals under way at
// once stop the period once, not twice — and the opening day, which is
// not counted anyway (Art. 80). It returns the days added. A result
// received after the case was decided, dismissed or transferred moves
// nothing: the period no longer runs.
func (c *Case) notCounted(a *Appraisal, receivedOn, today civil.Date, reason string, move func(deadline.Period) (deadline.Computation, error)) (int, error) {
	if !slices.Contains(undecided, c.State) {
		return 0, nil
	}
	start := a.SentOn
	if !start.After(c.OpenedOn) {
		start = c.OpenedOn.AddDays(1)
	}
	days := 0
	for _, gap := range uncovered(start, receivedOn, c.Pauses) {
		if gap.Start.After(c.DecisionDue) {
			break // the period had run out before: nothing left to stop
		}
		p := Pause{Kind: a.Kind.pauseKind(), Start: gap.Start, End: gap.End, Reason: reason}
		if err := c.Pause(p, today, move); err != nil {
			return 0, err
		}
		days += p.Days()
	}
	return days, nil
}

// uncovered returns the parts of from–to (days, both included) that no
// pause of ps covers, in order.
func uncovered(from, to civil.Date, ps []Pause) []Pause {
	sorted := slices.Clone(ps)
	slices.SortFunc(sorted, func(a, b Pause) int { return a.Start.Compare(b.Start) })
	var out []Pause
	cur := from
	for _, p := range sorted {
		if cur.After(to) {
			break
		}
		if p.End.Before(cur) || p.Start.After(to) {
			continue
		}
		if p.Start.After(cur) {
			out = append(out, Pause{Start: cur, End: p.Start.AddDays(-1)})
		}
		cur = p.End.AddDays(1)
	}
	if !cur.After(to) {
		out = append(out, Pause{Start: cur, End: to})
	}
	return out
}
