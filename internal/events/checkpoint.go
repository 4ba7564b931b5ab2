package events

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/ipcase/ipcase/internal/auth"
)

// Checkpoints signs the head of each matter's chain, with the state of the
// matter it carries, with the server's Ed25519 checkpoint key, so that
// rewriting the events table and the heads table together, or the
// matter's rows and its head's state, is still detected by anyone holding
// the public key. Older public keys stay listed for verification after a
// rotation.
type Checkpoints struct {
	kid    string
	key    ed25519.PrivateKey
	verify map[string]ed25519.PublicKey
}

// NewCheckpoints returns Checkpoints that sign with key under kid and
// verify with its public key and the keys in also (older keys by kid).
func NewCheckpoints(kid string, key ed25519.PrivateKey, also map[string]ed25519.PublicKey) (*Checkpoints, error) {
	if kid == "" || len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("events: checkpoint key needs a kid and an Ed25519 private key")
	}
	verify := map[string]ed25519.PublicKey{kid: key.Public().(ed25519.PublicKey)}
	for k, pub := range also {
		if k != kid {
			verify[k] = pub
		}
	}
	return &Checkpoints{kid: kid, key: key, verify: verify}, nil
}

// NewEphemeralCheckpoints makes a throw-away key, for tests.
func NewEphemeralCheckpoints() *Checkpoints {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	c, _ := NewCheckpoints("ephemeral", key, nil)
	return c
}

// checkpointMessage is what a head's signature covers. A head without a
// state (signed before heads carried one) keeps the v1 message; one with a
// state signs v2, which adds it, so that neither passes for the other.
func checkpointMessage(matterID string, seq int64, hash, state []byte) []byte {
	fields := [][]byte{[]byte("ipcase.checkpoint.v1"), []byte(matterID), []byte(strconv.FormatInt(seq, 10)), hash}
	if state != nil {
		fields[0] = []byte("ipcase.checkpoint.v2")
		fields = append(fields, state)
	}
	var b []byte
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

func (c *Checkpoints) sign(h *headRow) {
	h.KeyID, h.Signature = c.kid, ed25519.Sign(c.key, checkpointMessage(h.MatterID, h.Seq, h.Hash, h.State))
}

// SignHead signs the head of matterID's chain, its last event seq with
// hash, and state, the matter's state as the head carries it, and returns
// the key id and the signature, as Append stores them: a bulk load's heads
// (ipcase-bench seed). A nil state signs as Append did before heads
// carried the matter's state (ipcased signs the state into such a head at
// its next start: filing's SignStates).
func (c *Checkpoints) SignHead(matterID string, seq int64, hash, state []byte) (kid string, signature []byte) {
	return c.kid, ed25519.Sign(c.key, checkpointMessage(matterID, seq, hash, state))
}

// LoadCheckpoints reads the private Ed25519 JWK in path (ipcased's
// IPCASE_CHECKPOINT_KEY_FILE) and returns the Checkpoints that sign with it.
func LoadCheckpoints(path string) (*Checkpoints, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the operator names the key file (IPCASE_CHECKPOINT_KEY_FILE)
	if err != nil {
		return nil, fmt.Errorf("checkpoint key: %w", err)
	}
	var k auth.JWK
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	priv, err := k.SigningKey()
	if err != nil {
		return nil, fmt.Errorf("checkpoint key %s: %w", path, err)
	}
	return NewCheckpoints(k.Kid, priv, nil)
}

func (c *Checkpoints) valid(h headRow) bool {
	pub, ok := c.verify[h.KeyID]
	return ok && len(h.Signature) == ed25519.SignatureSize && ed25519.Verify(pub, checkpointMessage(h.MatterID, h.Seq, h.Hash, h.State), h.Signature)
}
