package trial

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/proceeding"
	"github.com/ipcase/ipcase/internal/store"
)

// systemActor is who writes what the consumers do.
var systemActor = events.Actor{Subject: "ipcased", Role: "system"}

// Consumers are the trial's consumers of the event log, as registered.
type Consumers struct {
	// Transfers turns enforcement.transferred_to_court into a trial
	// awaiting docketing at the recipient court.
	Transfers *events.Consumer
	// Routed gives a trial record to a TRIAL proceeding opened by a
	// filing's acceptance (proceeding.opened).
	Routed *events.Consumer
	// Effective makes a judgment EFFECTIVE once every party's appeal period
	// passed without appeal (deadline.missed of trial.appeal).
	Effective *events.Consumer
	// Judgments is the administrative side's: an effective judgment that
	// found infringement goes into infringement_records.
	Judgments *events.Consumer
	// Confirmations opens a CONFIRMATION proceeding at the court for
	// mediation.confirmation_requested.
	Confirmations *events.Consumer
}

// Register registers the trial's consumers of both sides in cs over st,
// writing at the time now reads.
func Register(cs *events.Consumers, st *Store, now func() time.Time) Consumers {
	c := RegisterJudicial(cs, st, now)
	c.Judgments = RegisterJudgments(cs)
	return c
}

// RegisterJudicial registers the courts' consumers (every one but
// Judgments), for an ipcased that runs the judicial side.
func RegisterJudicial(cs *events.Consumers, st *Store, now func() time.Time) Consumers {
	h := &handlers{store: st, now: now}
	return Consumers{
		Transfers:     cs.Register("trial.transfers", []string{"enforcement.transferred_to_court"}, h.transfer),
		Routed:        cs.Register("trial.routed", []string{"proceeding.opened"}, h.routed),
		Effective:     cs.Register("trial.effective", []string{deadline.EventMissed}, h.effective),
		Confirmations: cs.Register("trial.confirmations", []string{"mediation.confirmation_requested"}, h.confirmation),
	}
}

// RegisterJudgments registers the administrative side's consumer of
// effective judgments (Consumers.Judgments).
func RegisterJudgments(cs *events.Consumers) *events.Consumer {
	return cs.Register("enforcement.judgments", []string{"trial.judgment_effective"}, RecordJudgment)
}

type handlers struct {
	store *Store
	now   func() time.Time
}

func (h *handlers) at() time.Time { return h.now().UTC().Truncate(time.Microsecond) }

// transferDossier is what the trial reads of an ipcase.transfer.v1 dossier.
type transferDossier struct {
	Schema    string `json:"schema"`
	Target    string `json:"target"`
	Recipient string `json:"recipient"`
	Evidence  []struct {
		SHA256 string `json:"sha256"`
	} `json:"evidence"`
}

// exists reports whether a row of table matches.
func exists(tx *gorm.DB, table, where string, args ...any) (bool, error) {
	var n int64
	if err := tx.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		return false, store.Translate(err)
	}
	return n > 0, nil
}

// transfer creates the trial a transfer to a court asks for, once per
// source proceeding, and checks the dossier's evidence against the
// matter's.
func (h *handlers) transfer(ctx context.Context, tx *gorm.DB, e events.Entry) error {
	var d transferDossier
	if err := json.Unmarshal(e.Event.Payload, &d); err != nil {
		return fmt.Errorf("transfer dossier: %w", err)
	}
	if d.Target != "COURT" || d.Recipient == "" {
		return nil
	}
	if done, err := exists(tx, "trial_sources", "source_proceeding_id = ?", e.Event.ProceedingID); err != nil || done {
		return err
	}
	st, at := h.store.in(tx), h.at()
	source := proceeding.Name(&proceeding.Meta{MatterID: e.Event.MatterID, ProceedingID: e.Event.ProceedingID})
	_, err := st.Open(ctx, store.IdempotencyKey{}, systemActor, at, func(db *gorm.DB) (*Tx, error) {
		m, err := st.Filing().Lock(db, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return nil, err
		}
		p := m.OpenProceeding(at, filing.KindTrial, filing.ProceedingState(AwaitingDocketing), d.Recipient)
		t := &Trial{Meta: proceeding.Meta{ProceedingID: string(p.ID), MatterID: string(m.ID)}, State: AwaitingDocketing,
			Court: d.Recipient, Source: source, ReceivedOn: filing.Today(at), Dossier: e.Event.Payload}
		var dossier []string
		for _, ev := range d.Evidence {
			dossier = append(dossier, ev.SHA256)
		}
		t.DossierMismatches = mismatches(m, dossier)
		t.Record("trial.received", map[string]any{"court": t.Court, "source": source, "receivedOn": day(t.ReceivedOn),
			"dossierMismatches": nonNil(t.DossierMismatches)})
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// mismatches compares the dossier's evidence digests with the matter's
// evidence rows.
func mismatches(m *filing.Matter, dossier []string) []string {
	var have []string
	for _, ev := range m.Evidence {
		have = append(have, ev.SHA256)
	}
	var out []string
	for _, d := range dossier {
		if !slices.Contains(have, d) {
			out = append(out, "the dossier's evidence "+d+" is not among the matter's evidence")
		}
	}
	for _, d := range have {
		if !slices.Contains(dossier, d) {
			out = append(out, "the matter's evidence "+d+" is missing from the dossier")
		}
	}
	return out
}

// routed gives a TRIAL proceeding opened by a filing's acceptance its
// record, awaiting docketing, as a transfer's.
func (h *handlers) routed(ctx context.Context, tx *gorm.DB, e events.Entry) error {
	var d struct {
		Kind  string `json:"kind"`
		Forum string `json:"forum"`
	}
	if err := json.Unmarshal(e.Event.Payload, &d); err != nil {
		return err
	}
	if d.Kind != string(filing.KindTrial) {
		return nil
	}
	if done, err := exists(tx, "trial_cases", "proceeding_id = ?", e.Event.ProceedingID); err != nil || done {
		return err
	}
	st, at := h.store.in(tx), h.at()
	_, err := st.Open(ctx, store.IdempotencyKey{}, systemActor, at, func(db *gorm.DB) (*Tx, error) {
		m, err := st.Filing().Lock(db, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return nil, err
		}
		p := m.Proceeding(filing.ProceedingID(e.Event.ProceedingID))
		if p == nil {
			return nil, fmt.Errorf("proceeding %s is gone", e.Event.ProceedingID)
		}
		t := &Trial{Meta: proceeding.Meta{ProceedingID: string(p.ID), MatterID: string(m.ID)}, State: AwaitingDocketing,
			Court: p.Forum, ReceivedOn: filing.Today(at)}
		t.Record("trial.received", map[string]any{"court": t.Court, "receivedOn": day(t.ReceivedOn), "routed": true})
		return &Tx{DB: db, Matter: m, Proceeding: p, Record: t}, nil
	}, func(*Tx) ([]byte, error) { return nil, nil })
	return err
}

// errNothing ends a consumer's change without writing.
var errNothing = errors.New("nothing to do")

// effective makes a judgment effective when an appeal clock of its
// proceeding was missed and no clock is still open, every party was
// served, and nobody appealed.
func (h *handlers) effective(ctx context.Context, tx *gorm.DB, e events.Entry) error {
	var d struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(e.Event.Payload, &d); err != nil {
		return err
	}
	if d.Kind != KindAppeal {
		return nil
	}
	if ok, err := exists(tx, "trial_cases", "proceeding_id = ?", e.Event.ProceedingID); err != nil || !ok {
		return err
	}
	st, at := h.store.in(tx), h.at()
	_, err := st.Change(ctx, store.IdempotencyKey{}, filing.MatterID(e.Event.MatterID), filing.ProceedingID(e.Event.ProceedingID),
		systemActor, at, func(x *Tx) error {
			t := x.Record
			if t.State != Judged || len(t.Appeals) > 0 {
				return errNothing
			}
			var last time.Time
			for _, p := range parties(x.Matter) {
				sv := t.service(p.ID)
				if sv == nil {
					return errNothing
				}
				if sv.AppealDue.After(last) {
					last = sv.AppealDue
				}
			}
			if open, err := exists(x.DB, "deadlines", "proceeding_id = ? AND kind = ? AND status IN ('OPEN', 'MET')",
				t.ProceedingID, KindAppeal); err != nil || open {
				return cmpErr(err)
			}
			if err := t.move(Effective); err != nil {
				return err
			}
			on := last.AddDate(0, 0, 1)
			t.Judgment.EffectiveOn = &on
			var respondents []string
			for _, r := range x.Matter.Respondents {
				respondents = append(respondents, "parties/"+r.ID)
			}
			t.Record("trial.judgment_effective", map[string]any{
				"matter": "matters/" + t.MatterID, "proceeding": proceeding.Name(&t.Meta), "court": t.Court, "courtNumber": t.Number,
				"respondents": nonNil(respondents), "infringementFound": t.Judgment.InfringementFound, "ruling": t.Judgment.Ruling,
				"damages": t.Judgment.DamagesTotal.String(), "decidedOn": day(t.Judgment.JudgedOn), "effectiveOn": day(on),
			})
			return nil
		}, func(*Tx) ([]byte, error) { return nil, nil })
	if errors.Is(err, errNothing) {
		return nil
	}
	return err
}

func cmpErr(err error) error {
	if err != nil {
		return err
	}
	return errNothing
}

// RecordJudgment is the administrative side's handler of
// trial.judgment_effective: a judgment that found infringement goes into
// each respondent's infringement_records (source JUDGMENT, the court
// number as reference, on the day it took effect), so that the repeat-
// offender rules of enforcement count it. A redelivery changes nothing.
func RecordJudgment(_ context.Context, tx *gorm.DB, e events.Entry) error {
	var d struct {
		CourtNumber       string   `json:"courtNumber"`
		Respondents       []string `json:"respondents"`
		InfringementFound bool     `json:"infringementFound"`
		EffectiveOn       string   `json:"effectiveOn"`
	}
	if err := json.Unmarshal(e.Event.Payload, &d); err != nil {
		return err
	}
	if !d.InfringementFound {
		return nil
	}
	on, err := time.Parse(time.DateOnly, d.EffectiveOn)
	if err != nil {
		return err
	}
	for _, r := range d.Respondents {
		id := strings.TrimPrefix(r, "parties/")
		err := tx.Exec(`INSERT INTO infringement_records (party_id, matter_id, proceeding_id, source, reference, decided_on)
			VALUES (?, ?, ?, 'JUDGMENT', ?, ?) ON CONFLICT (proceeding_id, party_id) DO NOTHING`,
			id, e.Event.MatterID, e.Event.ProceedingID, d.CourtNumber, on).Error
		if err != nil {
			return fmt.Errorf("recording judgment: %w", store.Translate(err))
		}
	}
	return nil
}
