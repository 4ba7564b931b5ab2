package decision

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/store"
)

// Store reads and writes decision_keys and signed_decisions, which
// decision owns.
type Store struct{ db *store.DB }

// NewStore returns the store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

type keyRow struct {
	Kid           string
	Issuer        string
	PublicKey     []byte
	PrivateKey    []byte
	CreatedAt     time.Time
	RetiredAt     *time.Time
	RevokedAt     *time.Time
	RevokedReason string
}

func (r keyRow) key() *Key {
	return &Key{ID: r.Kid, Issuer: r.Issuer, Public: ed25519.PublicKey(r.PublicKey), Private: ed25519.PrivateKey(r.PrivateKey),
		Created: r.CreatedAt.UTC(), Retired: r.RetiredAt, Revoked: r.RevokedAt, RevokedReason: r.RevokedReason}
}

// currentKey returns issuer's current key, creating the issuer's first key
// at at if it has none. Concurrent first uses agree on one key: the
// partial unique index admits one current key per issuer.
func currentKey(tx store.Tx, issuer string, at time.Time) (*Key, error) {
	for range 2 {
		var rows []keyRow
		err := tx.Gorm().Raw(`SELECT * FROM decision_keys WHERE issuer = ? AND retired_at IS NULL AND revoked_at IS NULL`, issuer).
			Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("key of %s: %w", issuer, store.Translate(err))
		}
		if len(rows) == 1 {
			return rows[0].key(), nil
		}
		k, err := NewKey(issuer, at)
		if err != nil {
			return nil, err
		}
		if err := insertKey(tx, k); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("key of %s: none after creating one", issuer)
}

func insertKey(tx store.Tx, k *Key) error {
	err := tx.Gorm().Exec(`INSERT INTO decision_keys (kid, issuer, public_key, private_key, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, k.ID, k.Issuer, []byte(k.Public), []byte(k.Private), k.Created).Error
	if err != nil {
		return fmt.Errorf("creating a key of %s: %w", k.Issuer, store.Translate(err))
	}
	return nil
}

// Rotate retires issuer's current key at at and makes a new one current;
// what the old key signed still verifies. It returns the new key.
func (s *Store) Rotate(ctx context.Context, issuer string, at time.Time) (*Key, error) {
	var k *Key
	err := s.db.InTx(ctx, func(tx store.Tx) error {
		err := tx.Gorm().Exec(`UPDATE decision_keys SET retired_at = ? WHERE issuer = ? AND retired_at IS NULL AND revoked_at IS NULL`,
			at, issuer).Error
		if err != nil {
			return store.Translate(err)
		}
		k, err = NewKey(issuer, at)
		if err != nil {
			return err
		}
		return insertKey(tx, k)
	})
	if err != nil {
		return nil, fmt.Errorf("Rotate(%s): %w", issuer, err)
	}
	return k, nil
}

// Revoke revokes key kid at at for reason: every document it signed then
// verifies as signed with a key revoked on that day, and the issuer's next
// decision is signed with a new key. It returns an error wrapping
// errs.NotFound if kid is unknown.
func (s *Store) Revoke(ctx context.Context, kid string, at time.Time, reason string) error {
	res := s.db.Session(ctx).Gorm().Exec(`UPDATE decision_keys SET revoked_at = coalesce(revoked_at, ?), revoked_reason = ?,
		retired_at = coalesce(retired_at, ?) WHERE kid = ?`, at, reason, at, kid)
	if res.Error != nil {
		return fmt.Errorf("Revoke(%s): %w", kid, store.Translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("Revoke(%s): %w", kid, errs.NotFound)
	}
	return nil
}

// Keys returns every key ever used, public halves only, oldest first: the
// published key set.
func (s *Store) Keys(ctx context.Context) ([]*Key, error) {
	var rows []keyRow
	err := s.db.Session(ctx).Gorm().Raw(`SELECT kid, issuer, public_key, created_at, retired_at, revoked_at, revoked_reason
		FROM decision_keys ORDER BY created_at, kid`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("Keys: %w", store.Translate(err))
	}
	keys := make([]*Key, len(rows))
	for i, r := range rows {
		keys[i] = r.key()
		keys[i].Private = nil
	}
	return keys, nil
}

// Signed is a decision as the register holds it.
type Signed struct {
	Code       string
	MatterID   string
	EventSeq   int64
	Kind       Kind
	Number     string
	Issuer     string
	Proceeding string
	Kid        string
	JWS        string
	SignedAt   time.Time
}

type signedRow struct {
	Code             string
	MatterID         string
	EventSeq         int64
	Kind             string
	Number           string
	Issuer           string
	ProceedingID     string
	Kid              string
	Jws              string
	SignedAt         time.Time
	SupersededBy     *string
	SupersededReason string
	SupersededAt     *time.Time
}

// insertSigned records d in tx; a decision already signed for the same
// event and kind is left as it is, and ok is false.
func insertSigned(tx store.Tx, d *Signed) (ok bool, err error) {
	res := tx.Gorm().Exec(`INSERT INTO signed_decisions (code, matter_id, event_seq, kind, number, issuer, proceeding_id, kid, jws, signed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (matter_id, event_seq, kind) DO NOTHING`,
		d.Code, d.MatterID, d.EventSeq, string(d.Kind), d.Number, d.Issuer, d.Proceeding, d.Kid, d.JWS, d.SignedAt)
	if res.Error != nil {
		return false, fmt.Errorf("recording %s %s: %w", d.Kind, d.Number, store.Translate(res.Error))
	}
	return res.RowsAffected == 1, nil
}

// appealed records that proceeding's judgments went on appeal to second.
func appealed(tx store.Tx, proceeding, second string) error {
	err := tx.Gorm().Exec(`UPDATE signed_decisions SET appealed_to = ? WHERE proceeding_id = ? AND kind = ?`,
		second, proceeding, string(Judgment)).Error
	if err != nil {
		return fmt.Errorf("recording the appeal of %s: %w", proceeding, store.Translate(err))
	}
	return nil
}

// Verify looks code up in the register and verifies its document against
// the current key set: the result says whether it was superseded and by
// what. It returns an error wrapping errs.NotFound if no decision has the
// code.
func (s *Store) Verify(ctx context.Context, code string) (Result, string, error) {
	var rows []signedRow
	err := s.db.Session(ctx).Gorm().Raw(`SELECT * FROM signed_decisions WHERE code = ?`, code).Scan(&rows).Error
	if err != nil {
		return Result{}, "", fmt.Errorf("Verify(%s): %w", code, store.Translate(err))
	}
	if len(rows) == 0 {
		return Result{}, "", fmt.Errorf("Verify(%s): %w", code, errs.NotFound)
	}
	keys, err := s.Keys(ctx)
	if err != nil {
		return Result{}, "", err
	}
	r := rows[0]
	res := Verify(r.Jws, keys)
	if r.SupersededBy != nil && res.Status == Valid {
		var by []signedRow
		err := s.db.Session(ctx).Gorm().Raw(`SELECT * FROM signed_decisions WHERE code = ?`, *r.SupersededBy).Scan(&by).Error
		if err != nil || len(by) == 0 {
			return Result{}, "", fmt.Errorf("Verify(%s): replacement %s: %w", code, *r.SupersededBy, store.Translate(err))
		}
		res.Status = Superseded
		res.Replacement = &Replacement{Code: by[0].Code, Number: by[0].Number, Issuer: by[0].Issuer, Reason: r.SupersededReason,
			On: r.SupersededAt.UTC()}
		res.Reason = fmt.Sprintf("%s: replaced by %s of %s (code %s)", r.SupersededReason, by[0].Number, by[0].Issuer, by[0].Code)
	}
	return res, r.Jws, nil
}

// Decision returns the decision code of matter. It returns an error
// wrapping errs.NotFound if matter has no decision with that code.
func (s *Store) Decision(ctx context.Context, matterID, code string) (Signed, error) {
	var rows []signedRow
	err := s.db.Session(ctx).Gorm().Raw(`SELECT * FROM signed_decisions WHERE matter_id = ? AND code = ?`, matterID, code).Scan(&rows).Error
	if err != nil {
		return Signed{}, fmt.Errorf("Decision(%s, %s): %w", matterID, code, store.Translate(err))
	}
	if len(rows) == 0 {
		return Signed{}, errs.Errorf(errs.NotFound, "decision not found")
	}
	r := rows[0]
	return Signed{Code: r.Code, MatterID: r.MatterID, EventSeq: r.EventSeq, Kind: Kind(r.Kind), Number: r.Number, Issuer: r.Issuer,
		Proceeding: r.ProceedingID, Kid: r.Kid, JWS: r.Jws, SignedAt: r.SignedAt}, nil
}

// Matter returns the decisions signed in matter, oldest first.
func (s *Store) Matter(ctx context.Context, matterID string) ([]Signed, error) {
	var rows []signedRow
	err := s.db.Session(ctx).Gorm().Raw(`SELECT * FROM signed_decisions WHERE matter_id = ? ORDER BY event_seq, kind`, matterID).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("Matter(%s): %w", matterID, store.Translate(err))
	}
	out := make([]Signed, len(rows))
	for i, r := range rows {
		out[i] = Signed{Code: r.Code, MatterID: r.MatterID, EventSeq: r.EventSeq, Kind: Kind(r.Kind), Number: r.Number, Issuer: r.Issuer,
			Proceeding: r.ProceedingID, Kid: r.Kid, JWS: r.Jws, SignedAt: r.SignedAt}
	}
	return out, nil
}
