package decision

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"time"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
)

// AgencyTypes are the events of the decisions agencies issue; CourtTypes
// those of courts (and of appeals, which supersede judgments).
var (
	AgencyTypes = []events.Type{events.EnforcementDecided, events.EnforcementTransferredCourt, events.EnforcementTransferredPolice}
	CourtTypes  = []events.Type{events.TrialJudged, events.TrialJudgmentEffective, events.TrialAgreementConfirmed, events.TrialAppealed}
)

// Register adds the consumers that sign, on their own events, the
// decisions of the side's issuers with their keys in ring: the
// administrative side signs its agencies' decisions, the judicial side its
// courts'.
func Register(cs *events.Consumers, fs *filing.Store, ring Keyring, administrative, judicial bool, now func() time.Time) {
	if administrative {
		cs.Register("decision-agency", AgencyTypes, Issuer(fs, ring, now))
	}
	if judicial {
		cs.Register("decision-court", CourtTypes, Issuer(fs, ring, now))
	}
}

// Issuer returns the consumers' handler: it builds the event's decision in
// canonical form, signs it with its issuer's current key (its private half
// in ring) and records it
// in tx, once per event; an appeal marks the judgment appealed, and the
// second instance's judgment supersedes it.
func Issuer(fs *filing.Store, ring Keyring, now func() time.Time) events.Handler {
	return func(tx store.Tx, e events.Entry) error {
		if e.Event.Type == events.TrialAppealed {
			p, err := events.Decode[events.AppealedPayload](e.Event)
			if err != nil {
				return err
			}
			return appealed(tx, e.Event.ProceedingID, path.Base(p.SecondInstance))
		}
		m, err := fs.Lock(tx, filing.MatterID(e.Event.MatterID))
		if err != nil {
			return err
		}
		d, err := build(m, e.Event)
		if err != nil || d == nil {
			return err
		}
		at := now().UTC()
		d.Matter, d.Proceeding, d.Event, d.IssuedAt = e.Event.MatterID, e.Event.ProceedingID, fmt.Sprintf("%s/%d", e.Event.MatterID, e.Event.Seq), at.Unix()
		d.Parties = parties(m)
		k, err := currentKey(tx, ring, d.Issuer, at)
		if err != nil {
			return err
		}
		jws, code, err := Sign(d, k)
		if err != nil {
			return err
		}
		s := &Signed{Code: code, MatterID: d.Matter, EventSeq: e.Event.Seq, Kind: d.Kind, Number: d.Number, Issuer: d.Issuer,
			Proceeding: d.Proceeding, Kid: k.ID, JWS: jws, SignedAt: at}
		ok, err := insertSigned(tx, s)
		if err != nil || !ok || d.Kind != Judgment {
			return err
		}
		return supersedeAppealed(tx, s, d, at)
	}
}

// supersedeAppealed marks the judgments appealed to s's proceeding as
// superseded by s, the second-instance judgment, which is final (CPL
// Art. 182): set aside where it decided otherwise (CPL Art. 177 ¶1(2)),
// upheld otherwise.
func supersedeAppealed(tx store.Tx, s *Signed, d *Document, at time.Time) error {
	var rows []signedRow
	err := tx.Gorm().Raw(`SELECT * FROM signed_decisions WHERE appealed_to = ? AND appealed_to <> '' AND superseded_by IS NULL`,
		s.Proceeding).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("judgments appealed to %s: %w", s.Proceeding, store.Translate(err))
	}
	for _, r := range rows {
		first, err := payload(r.Jws)
		if err != nil {
			return err
		}
		reason := "set aside on appeal (CPL Art. 177 ¶1(2)); the second-instance judgment is final (CPL Art. 182)"
		if same(first, d) {
			reason = "upheld on appeal (CPL Art. 177 ¶1(1)); the second-instance judgment is final (CPL Art. 182)"
		}
		err = tx.Gorm().Exec(`UPDATE signed_decisions SET superseded_by = ?, superseded_reason = ?, superseded_at = ? WHERE code = ?`,
			s.Code, reason, at, r.Code).Error
		if err != nil {
			return fmt.Errorf("superseding %s: %w", r.Code, store.Translate(err))
		}
	}
	return nil
}

// same reports whether two judgments decided alike.
func same(a, b *Document) bool {
	found := func(d *Document) bool { return d.InfringementFound != nil && *d.InfringementFound }
	return found(a) == found(b) && a.Damages == b.Damages && a.Injunction == b.Injunction
}

// payload decodes a JWS's payload without verifying it: for documents
// ipcase itself signed and stored.
func payload(jws string) (*Document, error) {
	var parts [3]string
	n := 0
	start := 0
	for i := 0; i <= len(jws) && n < 3; i++ {
		if i == len(jws) || jws[i] == '.' {
			parts[n] = jws[start:i]
			n, start = n+1, i+1
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("stored JWS: %w", err)
	}
	var d Document
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("stored JWS: %w", err)
	}
	return &d, nil
}

// build is the decision an event issues, without its common fields; nil
// for an event that issues none.
func build(m *filing.Matter, e events.Event) (*Document, error) {
	switch e.Type {
	case events.EnforcementDecided:
		p, err := events.Decode[events.DecidedPayload](e)
		if err != nil {
			return nil, err
		}
		return &Document{Kind: PenaltyDecision, Number: p.Number, Issuer: m.Agency, DecidedOn: p.DecidedOn, Law: p.Law,
			Fine: p.Fine, Confiscation: p.Confiscation, Destruction: p.Destruction}, nil
	case events.EnforcementTransferredCourt, events.EnforcementTransferredPolice:
		p, err := events.Decode[events.TransferDossier](e)
		if err != nil {
			return nil, err
		}
		kind := TransferToCourt
		if e.Type == events.EnforcementTransferredPolice {
			kind = TransferToPolice
		}
		issuer := p.Agency
		if issuer == "" {
			issuer = m.Agency
		}
		return &Document{Kind: kind, Number: p.MatterNumber, Issuer: issuer, DecidedOn: p.TransferredOn, Recipient: p.Recipient,
			Reason: p.Reason}, nil
	case events.TrialJudged:
		p, err := events.Decode[events.JudgedPayload](e)
		if err != nil {
			return nil, err
		}
		found := p.InfringementFound
		// The judging court is the actor that recorded the judgment.
		return &Document{Kind: Judgment, Number: p.CourtNumber, Issuer: e.Actor.Org, DecidedOn: p.JudgedOn, Ruling: p.Ruling,
			InfringementFound: &found, Injunction: p.Injunction, Damages: p.Damages, Costs: p.Costs}, nil
	case events.TrialJudgmentEffective:
		p, err := events.Decode[events.JudgmentEffective](e)
		if err != nil {
			return nil, err
		}
		found, eff := p.InfringementFound, p.EffectiveOn
		return &Document{Kind: EffectiveJudgment, Number: p.CourtNumber, Issuer: p.Court, DecidedOn: p.DecidedOn, Ruling: p.Ruling,
			InfringementFound: &found, Damages: p.Damages, EffectiveOn: &eff}, nil
	case events.TrialAgreementConfirmed:
		p, err := events.Decode[events.AgreementConfirmed](e)
		if err != nil {
			return nil, err
		}
		return &Document{Kind: ConfirmationRuling, Number: p.CourtNumber, Issuer: p.Court, DecidedOn: p.ConfirmedOn, Ruling: true,
			Reason: p.Note}, nil
	}
	return nil, nil
}

func parties(m *filing.Matter) []Party {
	out := []Party{{Name: m.Complainant.Name, Role: "COMPLAINANT", CreditCode: m.Complainant.CreditCode}}
	for _, r := range m.Respondents {
		out = append(out, Party{Name: r.Name, Role: "RESPONDENT", CreditCode: r.CreditCode})
	}
	return out
}
