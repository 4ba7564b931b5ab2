package trial

import (
	"context"
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
)

// changeConfirmation runs fn as a change of the judicial confirmation named
// name by its own court.
func (s *Server) changeConfirmation(ctx context.Context, req request.Identified, name, etag string, v *request.Validator,
	resp proto.Message, fn func(*Change) error, wrap func(*ipcasev1.Trial) proto.Message, reads ...filing.Read) error {
	return s.store.confirm.Transition(ctx, req, name, etag, v, s.now(), func(c *Change) error {
		if err := ownCourt(ctx, c.Record.Court); err != nil {
			return err
		}
		return fn(c)
	}, s.render(wrap), resp, reads...)
}

// confirmationCode is the type code of a judicial confirmation (民特).
const confirmationCode = "民特"

// ConfirmAgreement confirms the agreement (CPL Art. 206), numbered 民特,
// and ends the matter's open trials as settled by it.
func (s *Server) ConfirmAgreement(ctx context.Context, req *ipcasev1.ConfirmAgreementRequest) (*ipcasev1.ConfirmAgreementResponse, error) {
	var v request.Validator
	note := v.Text("note", req.GetNote(), false, maxText)
	resp := &ipcasev1.ConfirmAgreementResponse{}
	return resp, s.changeConfirmation(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			if t.State != Requested {
				return errs.Errorf(errs.FailedPrecondition, "the confirmation is %s", t.State)
			}
			n, err := nextCourtNumber(c.Tx, t.Court, c.Today.Year, confirmationCode, false)
			if err != nil {
				return err
			}
			if err := t.move(Confirmed); err != nil {
				return err
			}
			t.Number, c.Proceeding.Number = n.String(), n.String()
			reason := fmt.Sprintf("the mediation agreement was confirmed by %s %s (CPL Art. 206)", t.Court, t.Number)
			if err := s.settleTrials(c, reason); err != nil {
				return err
			}
			t.Record(events.TrialAgreementConfirmed, events.AgreementConfirmed{Court: t.Court, CourtNumber: t.Number, Mediation: t.Source,
				ConfirmedOn: c.Today, Note: note, Closed: nonNil(t.ClosedProceedings)})
			return nil
		},
		func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ConfirmAgreementResponse{Trial: t} },
		// Its number, and the matter's trials it settles with their clocks.
		courtCounter(confirmationCode, false, s.now()), s.store.MatterRecordsFirst, s.clocks.MatterOfProceedingFirst)
}

// settleTrials ends the matter's open trials as SETTLED for reason, in c's
// transaction and under its matter's lock.
func (s *Server) settleTrials(c *Change, reason string) error {
	for _, p := range c.Matter.Proceedings {
		if p.Kind != filing.KindTrial || !slices.Contains(open, State(p.State)) {
			continue
		}
		o, ok, err := s.store.Load(c.Tx, p.ID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := o.End(Settled, reason); err != nil {
			return err
		}
		if err := s.clocks.Settle(c.Tx, string(o.ProceedingID), KindTimeLimit); err != nil {
			return err
		}
		p.Reason = reason
		if err := s.store.Put(c, o); err != nil {
			return err
		}
		c.Record.ClosedProceedings = append(c.Record.ClosedProceedings, o.Name())
		c.Record.Take(&o.RecordMeta)
	}
	return nil
}

// RefuseConfirmation refuses to confirm the agreement.
func (s *Server) RefuseConfirmation(ctx context.Context, req *ipcasev1.RefuseConfirmationRequest) (*ipcasev1.RefuseConfirmationResponse, error) {
	var v request.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.RefuseConfirmationResponse{}
	return resp, s.changeConfirmation(ctx, req, req.GetName(), req.GetEtag(), &v, resp,
		func(c *Change) error {
			t := c.Record
			if err := t.move(ConfirmationRefused); err != nil {
				return err
			}
			t.EndReason = reason
			t.Record(events.TrialConfirmationRefused, events.ConfirmationRefused{Court: t.Court, Mediation: t.Source, Reason: reason,
				RefusedOn: c.Today})
			return nil
		},
		func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RefuseConfirmationResponse{Trial: t} })
}
