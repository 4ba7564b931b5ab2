package trial

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
	"github.com/ipcase/ipcase/internal/store"
)

// confirmationRequest is what the court reads of an ipcase.confirmation.v1
// payload.
type confirmationRequest struct {
	Court      string          `json:"court"`
	Proceeding string          `json:"proceeding"`
	Applicants []string        `json:"applicants"`
	Agreement  json.RawMessage `json:"agreement"`
}

// confirmation opens a CONFIRMATION proceeding at the court the parties
// applied to, once per mediation.
func (h *handlers) confirmation(ctx context.Context, tx *gorm.DB, e events.Entry) error {
	var d confirmationRequest
	if err := json.Unmarshal(e.Event.Payload, &d); err != nil {
		return fmt.Errorf("confirmation request: %w", err)
	}
	if d.Court == "" {
		return nil
	}
	if done, err := exists(tx, "trial_sources", "source_proceeding_id = ?", e.Event.ProceedingID); err != nil || done {
		return err
	}
	var terms struct {
		Payment string `json:"payment"`
	}
	_ = json.Unmarshal(d.Agreement, &terms)
	st, at := h.store.in(tx), h.at()
	_, err := st.confirm.Open(ctx, store.IdempotencyKey{}, systemActor, at, func(db *gorm.DB) (*Tx, error) {
		m, err := st.Filing().Lock(db, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return nil, err
		}
		p := m.OpenProceeding(at, filing.KindConfirmation, filing.ProceedingState(Requested), d.Court)
		t := &Trial{Meta: proceeding.Meta{ProceedingID: string(p.ID), MatterID: string(m.ID)}, State: Requested,
			Court: d.Court, Source: d.Proceeding, ReceivedOn: filing.Today(at), Agreement: d.Agreement, AgreementPayment: terms.Payment}
		for _, a := range d.Applicants {
			t.Applicants = append(t.Applicants, strings.TrimPrefix(a, "parties/"))
		}
		t.Record("trial.confirmation_received", map[string]any{"court": t.Court, "mediation": d.Proceeding, "receivedOn": day(t.ReceivedOn)})
		if err := st.Filing().SaveProceedings(db, m, at); err != nil {
			return nil, err
		}
		if err := db.Exec(`INSERT INTO trial_sources (source_proceeding_id, proceeding_id) VALUES (?, ?)`,
			e.Event.ProceedingID, string(p.ID)).Error; err != nil {
			return nil, store.Translate(err)
		}
		return &Tx{DB: db, Matter: m, Proceeding: p, Record: t}, nil
	}, func(*Tx) ([]byte, error) { return nil, nil })
	return err
}

func (s *Server) changeConfirmation(ctx context.Context, method string, req proceeding.Request, name, etag string, v *proceeding.Validator,
	resp proto.Message, fn func(tx *Tx, at, today time.Time) error, wrap func(*ipcasev1.Trial) proto.Message) error {
	return proceeding.Change(ctx, s.store.confirm, "/ipcase.v1.TrialService/"+method, req, name, etag, v, s.now(),
		func(tx *Tx, at, today time.Time) error {
			if err := ownCourt(ctx, tx.Record.Court); err != nil {
				return err
			}
			return fn(tx, at, today)
		}, s.render(wrap), resp)
}

// ConfirmAgreement confirms the agreement (CPL Art. 206), numbered 民特,
// and ends the matter's open trials as settled by it.
func (s *Server) ConfirmAgreement(ctx context.Context, req *ipcasev1.ConfirmAgreementRequest) (*ipcasev1.ConfirmAgreementResponse, error) {
	var v proceeding.Validator
	note := v.Text("note", req.GetNote(), false, maxText)
	resp := &ipcasev1.ConfirmAgreementResponse{}
	return resp, s.changeConfirmation(ctx, "ConfirmAgreement", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, at, today time.Time) error {
			t := tx.Record
			if t.State != Requested {
				return errs.Errorf(errs.FailedPrecondition, "the confirmation is %s", t.State)
			}
			n, err := nextCourtNumber(tx.DB, t.Court, today.Year(), "民特", false)
			if err != nil {
				return err
			}
			if err := t.move(Confirmed); err != nil {
				return err
			}
			t.Number, tx.Proceeding.Number = n.String(), n.String()
			reason := fmt.Sprintf("the mediation agreement was confirmed by %s %s (CPL Art. 206)", t.Court, t.Number)
			if err := s.settleTrials(tx, reason, at); err != nil {
				return err
			}
			t.Record("trial.agreement_confirmed", map[string]any{"court": t.Court, "courtNumber": t.Number, "mediation": t.Source,
				"confirmedOn": day(today), "note": note, "closed": nonNil(t.ClosedProceedings)})
			return nil
		},
		func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.ConfirmAgreementResponse{Trial: t} })
}

// settleTrials ends the matter's open trials as SETTLED for reason.
func (s *Server) settleTrials(tx *Tx, reason string, at time.Time) error {
	for _, p := range tx.Matter.Proceedings {
		if p.Kind != filing.KindTrial || !slices.Contains(open, State(p.State)) {
			continue
		}
		var rows []struct {
			Doc     []byte
			Version int64
		}
		if err := tx.DB.Raw(`SELECT doc, version FROM trial_cases WHERE proceeding_id = ? FOR UPDATE`, string(p.ID)).Scan(&rows).Error; err != nil {
			return store.Translate(err)
		}
		if len(rows) == 0 {
			continue
		}
		o := &Trial{}
		if err := json.Unmarshal(rows[0].Doc, o); err != nil {
			return err
		}
		o.Meta = proceeding.Meta{ProceedingID: string(p.ID), MatterID: string(tx.Matter.ID), Version: rows[0].Version + 1}
		if err := o.End(Settled, reason); err != nil {
			return err
		}
		if err := s.clock.Settle(tx.DB, o.ProceedingID, KindTimeLimit); err != nil {
			return err
		}
		doc, err := json.Marshal(o)
		if err != nil {
			return err
		}
		if err := tx.DB.Table("trial_cases").Where("proceeding_id = ?", o.ProceedingID).
			Updates(map[string]any{"doc": doc, "version": o.Version}).Error; err != nil {
			return store.Translate(err)
		}
		p.State, p.Reason, p.Updated = filing.ProceedingState(Settled), reason, at
		tx.Record.ClosedProceedings = append(tx.Record.ClosedProceedings, proceeding.Name(&o.Meta))
		tx.Record.Take(&o.Meta)
	}
	return nil
}

// RefuseConfirmation refuses to confirm the agreement.
func (s *Server) RefuseConfirmation(ctx context.Context, req *ipcasev1.RefuseConfirmationRequest) (*ipcasev1.RefuseConfirmationResponse, error) {
	var v proceeding.Validator
	reason := v.Text("reason", req.GetReason(), true, maxText)
	resp := &ipcasev1.RefuseConfirmationResponse{}
	return resp, s.changeConfirmation(ctx, "RefuseConfirmation", req, req.GetName(), req.GetEtag(), &v, resp,
		func(tx *Tx, _, today time.Time) error {
			t := tx.Record
			if err := t.move(ConfirmationRefused); err != nil {
				return err
			}
			t.EndReason = reason
			t.Record("trial.confirmation_refused", map[string]any{"court": t.Court, "mediation": t.Source, "reason": reason,
				"refusedOn": day(today)})
			return nil
		},
		func(t *ipcasev1.Trial) proto.Message { return &ipcasev1.RefuseConfirmationResponse{Trial: t} })
}
