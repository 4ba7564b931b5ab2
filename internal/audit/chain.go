package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/store"
)

// The access log's chains (migration 000011): every row is appended to one
// of several chains, by a trigger that runs as the tables' owner; a row's
// hash covers its columns and the previous row's hash. Seals sign every
// chain's head with the checkpoint key, and each seal's hash covers the one
// before. Seal checks a chain before it signs it; VerifyAccessLog recomputes
// everything from the columns, in Go, trusting nothing the database says of
// itself (a SQL function can be replaced by whoever owns it).

// chainRow is a row of access_log with its place in a chain.
type chainRow struct {
	ID         int64
	Shard      int
	Seq        int64
	AccessTime time.Time
	Subject    string
	Role       string
	Org        string
	Method     string
	MatterID   string
	RequestID  string
	PrevHash   []byte
	Hash       []byte
}

// hash is the row's hash as access_log_hash (the migration's SQL) computes
// it: SHA-256 of "ipcase.access_log.v1", then each column as its length in
// bytes, ':' and its text (the time in microseconds since the epoch), then
// the previous row's hash.
func (r chainRow) hash() []byte {
	h := sha256.New()
	h.Write([]byte("ipcase.access_log.v1"))
	for _, f := range []string{strconv.FormatInt(r.ID, 10), strconv.Itoa(r.Shard), strconv.FormatInt(r.Seq, 10),
		strconv.FormatInt(r.AccessTime.UnixMicro(), 10), r.Subject, r.Role, r.Org, r.Method, r.MatterID, r.RequestID} {
		h.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
	}
	h.Write(r.PrevHash)
	return h.Sum(nil)
}

// head is where a chain ends: its last seq (0 when empty) and that row's
// hash (empty when empty).
type head struct {
	Seq  int64
	Hash []byte
}

// MarshalJSON writes h as [seq, "hex hash"], the form seals keep.
func (h head) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{h.Seq, hex.EncodeToString(h.Hash)})
}

// UnmarshalJSON reads [seq, "hex hash"].
func (h *head) UnmarshalJSON(b []byte) error {
	var v []json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil || len(v) != 2 {
		return fmt.Errorf("a chain head is [seq, \"hex hash\"], not %s", b)
	}
	var s string
	if err := json.Unmarshal(v[0], &h.Seq); err != nil {
		return err
	}
	if err := json.Unmarshal(v[1], &s); err != nil {
		return err
	}
	var err error
	h.Hash, err = hex.DecodeString(s)
	return err
}

// seal is a row of access_log_seals.
type seal struct {
	ID        int64
	SealTime  time.Time
	Heads     []head // by shard
	PrevHash  []byte
	Hash      []byte
	KeyID     string
	Signature []byte
}

// computeHash is the seal's hash: SHA-256 of its fields, each prefixed by
// its length.
func (s seal) computeHash() []byte {
	var b []byte
	field := func(f []byte) {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	field([]byte("ipcase.access_log.seal.v1"))
	field([]byte(strconv.FormatInt(s.SealTime.UnixMicro(), 10)))
	field([]byte(strconv.Itoa(len(s.Heads))))
	for _, h := range s.Heads {
		field([]byte(strconv.FormatInt(h.Seq, 10)))
		field(h.Hash)
	}
	field(s.PrevHash)
	sum := sha256.Sum256(b)
	return sum[:]
}

// sealMessage is what a seal's signature signs: its hash, under a label
// no event-chain checkpoint (signed with the same key) begins with.
func sealMessage(hash []byte) []byte {
	return append([]byte("ipcase.access_log.seal.v1\x00"), hash...)
}

// SealKey signs seals with the server's checkpoint key and checks them
// with its public half (and older keys').
type SealKey struct {
	kid    string
	key    ed25519.PrivateKey // nil: checks only
	verify map[string]ed25519.PublicKey
}

// NewSealKey returns a SealKey that signs with key under kid.
func NewSealKey(kid string, key ed25519.PrivateKey) SealKey {
	return SealKey{kid: kid, key: key, verify: map[string]ed25519.PublicKey{kid: key.Public().(ed25519.PublicKey)}}
}

// LoadSealKey reads the checkpoint key (IPCASE_CHECKPOINT_KEY_FILE): a
// private Ed25519 JWK, which seals and checks, or its public half (the
// JWK without "d", or a JWKS of such keys), which only checks.
func LoadSealKey(path string) (SealKey, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the operator names the key file
	if err != nil {
		return SealKey{}, fmt.Errorf("checkpoint key: %w", err)
	}
	var set auth.JWKS
	if json.Unmarshal(b, &set) != nil || len(set.Keys) == 0 {
		var k auth.JWK
		if err := json.Unmarshal(b, &k); err != nil {
			return SealKey{}, fmt.Errorf("checkpoint key %s: %w", path, err)
		}
		set.Keys = []auth.JWK{k}
	}
	if len(set.Keys) == 1 && set.Keys[0].D != "" {
		priv, err := set.Keys[0].SigningKey()
		if err != nil {
			return SealKey{}, fmt.Errorf("checkpoint key %s: %w", path, err)
		}
		return NewSealKey(set.Keys[0].Kid, priv), nil
	}
	k := SealKey{verify: map[string]ed25519.PublicKey{}}
	for _, j := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(j.X)
		if j.Kty != "OKP" || j.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
			return SealKey{}, fmt.Errorf("checkpoint key %s: key %q is not an Ed25519 JWK", path, j.Kid)
		}
		k.verify[j.Kid] = ed25519.PublicKey(x)
	}
	return k, nil
}

func (k SealKey) sign(s *seal) {
	s.KeyID, s.Signature = k.kid, ed25519.Sign(k.key, sealMessage(s.Hash))
}

func (k SealKey) valid(s seal) bool {
	pub, ok := k.verify[s.KeyID]
	return ok && len(s.Signature) == ed25519.SignatureSize && ed25519.Verify(pub, sealMessage(s.Hash), s.Signature)
}

// sealRow is how access_log_seals is read and written.
type sealRow struct {
	ID        int64 `gorm:"primaryKey"`
	SealTime  time.Time
	Heads     string `gorm:"type:jsonb"`
	PrevHash  []byte
	Hash      []byte
	KeyID     string
	Signature []byte
}

func (sealRow) TableName() string { return "access_log_seals" }

func (r sealRow) seal() (seal, error) {
	s := seal{ID: r.ID, SealTime: r.SealTime, PrevHash: r.PrevHash, Hash: r.Hash, KeyID: r.KeyID, Signature: r.Signature}
	if err := json.Unmarshal([]byte(r.Heads), &s.Heads); err != nil {
		return seal{}, fmt.Errorf("seal %d: %w", r.ID, err)
	}
	return s, nil
}

// headRow is a row of access_log_heads.
type headRow struct {
	Shard int
	Seq   int64
	Hash  []byte
}

// loadHeads returns every chain's head, by shard; shards are numbered from
// 0 without gaps, or the heads table was tampered with.
func loadHeads(tx store.Tx) ([]head, error) {
	var rows []headRow
	if err := tx.Gorm().Raw(`SELECT shard, seq, hash FROM access_log_heads ORDER BY shard`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("audit: reading the chains' heads: %w", store.Translate(err))
	}
	out := make([]head, len(rows))
	for i, r := range rows {
		if r.Shard != i {
			return nil, broken("the heads skip from chain %d to %d", i-1, r.Shard)
		}
		out[i] = head{Seq: r.Seq, Hash: r.Hash}
	}
	if len(out) == 0 {
		return nil, broken("access_log_heads is empty")
	}
	return out, nil
}

// chainBatch is how many rows one query reads while walking a chain.
const chainBatch = 5000

// walkChain reads chain shard's rows after seq from, oldest first, up to
// seq to (0: all), and calls fn with each.
func walkChain(tx store.Tx, shard int, from, to int64, fn func(chainRow) error) error {
	for {
		var rows []chainRow
		q := tx.Gorm().Raw(`SELECT id, shard, seq, access_time, subject, role, org, method, matter_id::text AS matter_id,
				request_id, prev_hash, hash
			FROM access_log WHERE shard = ? AND seq > ? AND (? = 0 OR seq <= ?) ORDER BY seq LIMIT ?`,
			shard, from, to, to, chainBatch)
		if err := q.Scan(&rows).Error; err != nil {
			return fmt.Errorf("audit: reading chain %d: %w", shard, store.Translate(err))
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
			from = r.Seq
		}
		if len(rows) < chainBatch {
			return nil
		}
	}
}

// errBroken marks what verification and sealing find tampered with.
var errBroken = errors.New("the access log was tampered with")

// brokenError is one thing found tampered with; it is errBroken.
type brokenError struct{ msg string }

func (e brokenError) Error() string        { return e.msg }
func (e brokenError) Is(target error) bool { return target == errBroken }

func broken(format string, args ...any) error { return brokenError{fmt.Sprintf(format, args...)} }

// follow checks that r continues a chain whose last row was at h, and
// returns the new end.
func follow(h head, r chainRow) (head, error) {
	switch {
	case r.Seq != h.Seq+1:
		return h, broken("chain %d jumps from row %d to %d (rows deleted)", r.Shard, h.Seq, r.Seq)
	case !bytes.Equal(r.PrevHash, h.Hash):
		return h, broken("chain %d row %d does not follow row %d's hash", r.Shard, r.Seq, h.Seq)
	case !bytes.Equal(r.Hash, r.hash()):
		return h, broken("chain %d row %d (id %d) differs from what was logged", r.Shard, r.Seq, r.ID)
	}
	return head{Seq: r.Seq, Hash: r.Hash}, nil
}
