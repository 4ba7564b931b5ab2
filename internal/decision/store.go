package decision

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// Store reads and writes decision_keys, decision_key_log and
// signed_decisions, which decision owns. The private halves of the keys
// are in its Keyring, never in the database.
type Store struct {
	db   *store.DB
	ring Keyring
}

// NewStore returns the store over db, signing with the keys of ring; a
// store with a nil ring verifies and lists keys but signs, rotates and
// revokes nothing.
func NewStore(db *store.DB, ring Keyring) *Store { return &Store{db: db, ring: ring} }

type keyRow struct {
	Kid           string
	Issuer        string
	PublicKey     []byte
	CreatedAt     time.Time
	RetiredAt     *time.Time
	RevokedAt     *time.Time
	RevokedReason string
}

func (r keyRow) key() *Key {
	return &Key{ID: r.Kid, Issuer: r.Issuer, Public: ed25519.PublicKey(r.PublicKey), Created: r.CreatedAt.UTC(), Retired: r.RetiredAt,
		Revoked: r.RevokedAt, RevokedReason: r.RevokedReason}
}

// Key actions recorded in decision_key_log.
const (
	actionCreate = "CREATE"
	actionRotate = "ROTATE"
	actionRevoke = "REVOKE"
)

// lockIssuer serializes, until tx ends, the changes to issuer's keys: a
// first key, a rotation, a revocation.
func lockIssuer(tx store.Tx, issuer string) error {
	err := tx.Gorm().Exec(`SELECT pg_advisory_xact_lock(hashtextextended('decision_keys/' || ?, 0))`, issuer).Error
	if err != nil {
		return fmt.Errorf("locking the keys of %s: %w", issuer, store.Translate(err))
	}
	return nil
}

// currentKey returns issuer's current key with its signer, creating the
// issuer's first key at at (in the keyring, its public half in the
// register) if it has none: after a revocation, or on an issuer's first
// decision.
func currentKey(tx store.Tx, ring Keyring, issuer string, at time.Time) (*Key, error) {
	if ring == nil {
		return nil, fmt.Errorf("key of %s: no keyring configured", issuer)
	}
	ctx := tx.Context()
	for range 2 {
		var rows []keyRow
		err := tx.Gorm().Raw(`SELECT * FROM decision_keys WHERE issuer = ? AND retired_at IS NULL AND revoked_at IS NULL`, issuer).
			Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("key of %s: %w", issuer, store.Translate(err))
		}
		if len(rows) == 1 {
			k := rows[0].key()
			if k.Private, err = ring.Signer(ctx, k.ID); err != nil {
				return nil, fmt.Errorf("current key of %s: %w", issuer, err)
			}
			return k, nil
		}
		// Concurrent first uses agree on one key: the second waits here,
		// then finds the first's.
		if err := lockIssuer(tx, issuer); err != nil {
			return nil, err
		}
		var n int64
		err = tx.Gorm().Raw(`SELECT count(*) FROM decision_keys WHERE issuer = ? AND retired_at IS NULL AND revoked_at IS NULL`, issuer).
			Scan(&n).Error
		if err != nil {
			return nil, fmt.Errorf("key of %s: %w", issuer, store.Translate(err))
		}
		if n > 0 {
			continue
		}
		if _, err := newKey(tx, ring, issuer, at, actionCreate, events.System, "", "", nil); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("key of %s: none after creating one", issuer)
}

// newKey makes a key of issuer in ring, records its public half in tx as
// the issuer's current key, and logs action. The caller holds lockIssuer.
func newKey(tx store.Tx, ring Keyring, issuer string, at time.Time, action string, by events.Actor, retired, requestID string,
	effective *civil.Date) (*Key, error) {
	pub, err := ring.Generate(tx.Context(), issuer)
	if err != nil {
		return nil, err
	}
	k := &Key{ID: Thumbprint(pub), Issuer: issuer, Public: pub, Created: at.UTC()}
	err = tx.Gorm().Exec(`INSERT INTO decision_keys (kid, issuer, public_key, created_at) VALUES (?, ?, ?, ?)`,
		k.ID, k.Issuer, []byte(k.Public), k.Created).Error
	if err != nil {
		return nil, fmt.Errorf("creating a key of %s: %w", k.Issuer, store.Translate(err))
	}
	return k, logKey(tx, keyLog{At: at, Action: action, Issuer: issuer, Kid: k.ID, RetiredKid: retired, By: by, RequestID: requestID,
		EffectiveOn: effective})
}

// keyLog is a row of decision_key_log: who did what to which key.
type keyLog struct {
	At          time.Time
	Action      string
	Issuer      string
	Kid         string
	RetiredKid  string
	Reason      string
	EffectiveOn *civil.Date
	By          events.Actor
	RequestID   string
}

func logKey(tx store.Tx, l keyLog) error {
	var eff *string // a date column, written YYYY-MM-DD
	if l.EffectiveOn != nil {
		d := l.EffectiveOn.String()
		eff = &d
	}
	err := tx.Gorm().Exec(`INSERT INTO decision_key_log (at, action, issuer, kid, retired_kid, reason, effective_on, actor_subject,
		actor_role, actor_org, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.At, l.Action, l.Issuer, l.Kid, l.RetiredKid, l.Reason,
		eff, l.By.Subject, l.By.Role, l.By.Org, l.RequestID).Error
	if err != nil {
		return fmt.Errorf("logging %s of key %s: %w", l.Action, l.Kid, store.Translate(err))
	}
	return nil
}

// Rotate retires issuer's current key (if it has one) at at and makes a
// new one current; what the old key signed still verifies. It returns the
// new key and the retired key's id ("" for an issuer's first key). by is
// logged as who rotated; a retry with the same key changes nothing and
// returns what the first attempt did.
func (s *Store) Rotate(ctx context.Context, key store.IdempotencyKey, issuer string, at time.Time, by events.Actor) (*Key, string, error) {
	if s.ring == nil {
		return nil, "", errs.Errorf(errs.FailedPrecondition, "this server holds no signing keys (IPCASE_DECISION_KEY_DIR)")
	}
	b, err := s.db.Idempotent(ctx, key, func(tx store.Tx) ([]byte, error) {
		if err := lockIssuer(tx, issuer); err != nil {
			return nil, err
		}
		var old []string
		err := tx.Gorm().Raw(`UPDATE decision_keys SET retired_at = ? WHERE issuer = ? AND retired_at IS NULL AND revoked_at IS NULL
			RETURNING kid`, at, issuer).Scan(&old).Error
		if err != nil {
			return nil, store.Translate(err)
		}
		retired := ""
		if len(old) == 1 {
			retired = old[0]
		}
		k, err := newKey(tx, s.ring, issuer, at, actionRotate, by, retired, key.RequestID, nil)
		if err != nil {
			return nil, err
		}
		return json.Marshal(rotated{Kid: k.ID, Retired: retired})
	})
	if err != nil {
		return nil, "", fmt.Errorf("Rotate(%s): %w", issuer, err)
	}
	var r rotated
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, "", fmt.Errorf("Rotate(%s): %w", issuer, err)
	}
	k, err := s.Key(ctx, r.Kid)
	return k, r.Retired, err
}

type rotated struct {
	Kid     string `json:"kid"`
	Retired string `json:"retired,omitempty"`
}

// Revoke revokes key kid, effective on the day effective, for reason:
// every document it signed then verifies as signed with a key revoked on
// that day, and if it was its issuer's current key it stops signing now
// (at) and the issuer's next decision is signed with a new key. authorize,
// given the key's issuer, refuses a caller who may not revoke its keys. It
// returns an error wrapping errs.NotFound if kid is unknown, and
// errs.FailedPrecondition if it was already revoked; a retry with the same
// idempotency key returns what the first attempt did.
func (s *Store) Revoke(ctx context.Context, key store.IdempotencyKey, kid string, effective civil.Date, reason string, at time.Time,
	by events.Actor, authorize func(issuer string) error) (*Key, error) {
	_, err := s.db.Idempotent(ctx, key, func(tx store.Tx) ([]byte, error) {
		var rows []keyRow
		if err := tx.Gorm().Raw(`SELECT * FROM decision_keys WHERE kid = ?`, kid).Scan(&rows).Error; err != nil {
			return nil, store.Translate(err)
		}
		if len(rows) == 0 {
			return nil, errs.Errorf(errs.NotFound, "no decision key has the id %s", kid)
		}
		r := rows[0]
		if err := authorize(r.Issuer); err != nil {
			return nil, err
		}
		if err := lockIssuer(tx, r.Issuer); err != nil {
			return nil, err
		}
		// Re-read under the lock: a concurrent revocation has committed.
		if err := tx.Gorm().Raw(`SELECT * FROM decision_keys WHERE kid = ?`, kid).Scan(&rows).Error; err != nil {
			return nil, store.Translate(err)
		}
		r = rows[0]
		if r.RevokedAt != nil {
			return nil, errs.Errorf(errs.FailedPrecondition, "key %s of %s was already revoked on %s", kid, r.Issuer,
				r.RevokedAt.UTC().Format(time.DateOnly))
		}
		if created := civil.Today(r.CreatedAt); effective.Compare(created) < 0 {
			return nil, errs.Field("effective_on", "%s is before the key was created, on %s", effective, created)
		}
		err := tx.Gorm().Exec(`UPDATE decision_keys SET revoked_at = ?, revoked_reason = ?, retired_at = coalesce(retired_at, ?) WHERE kid = ?`,
			effective.UTC(), reason, at, kid).Error
		if err != nil {
			return nil, store.Translate(err)
		}
		e := effective
		// The response kept for a retry is the key's id: a retry reads
		// the key as it is.
		return []byte(kid), logKey(tx, keyLog{At: at, Action: actionRevoke, Issuer: r.Issuer, Kid: kid, Reason: reason, EffectiveOn: &e,
			By: by, RequestID: key.RequestID})
	})
	if err != nil {
		return nil, fmt.Errorf("Revoke(%s): %w", kid, err)
	}
	return s.Key(ctx, kid)
}

// Key returns the key kid, public half only. It returns an error wrapping
// errs.NotFound if there is none.
func (s *Store) Key(ctx context.Context, kid string) (*Key, error) {
	var rows []keyRow
	err := s.db.Session(ctx).Gorm().Raw(`SELECT kid, issuer, public_key, created_at, retired_at, revoked_at, revoked_reason
		FROM decision_keys WHERE kid = ?`, kid).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("Key(%s): %w", kid, store.Translate(err))
	}
	if len(rows) == 0 {
		return nil, errs.Errorf(errs.NotFound, "no decision key has the id %s", kid)
	}
	return rows[0].key(), nil
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
