package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/ipcase/ipcase/internal/store"
)

// ComputeHash is SHA-256 over the event's fields, each length-prefixed so
// that no two different events encode alike, ending with the previous hash:
// what Append stores as its Hash and Verify checks.
func (e Event) ComputeHash() []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
		h.Write(b)
	}
	field([]byte("ipcase.event.v1"))
	field([]byte(e.MatterID))
	field([]byte(strconv.FormatInt(e.Seq, 10)))
	field([]byte(string(e.Type)))
	field([]byte(e.ProceedingID))
	field([]byte(e.Actor.Subject))
	field([]byte(e.Actor.Role))
	field([]byte(e.Actor.Org))
	field([]byte(e.OccurTime.UTC().Format(time.RFC3339Nano)))
	field(e.Payload)
	field(e.PrevHash)
	return h.Sum(nil)
}

// Verification is the outcome of Verify.
type Verification struct {
	// Intact is true when every check passed.
	Intact bool
	// Checked is the number of events read.
	Checked int64
	// FirstBroken is the sequence of the first event that fails; 0 if intact.
	FirstBroken int64
	// Problem says what failed.
	Problem string
	// State is the matter's state that the head signs, as its writer
	// encoded it, for the writer to compare with the matter's rows; nil
	// for a head signed before heads carried one. It is set only when the
	// chain and its head are intact.
	State []byte
}

// Verify recomputes the hash chain of matterID from its first event and
// compares its end with the recorded head, whose checkpoint signature the
// log's keys must accept. It reports the first broken link: an altered row
// (hash mismatch), a removed or reordered row (sequence gap or link
// mismatch), removed newest rows (chain ends before the head), or a head
// rewritten to match, or with another state (bad signature). The state the
// head signs is returned for the caller to check against the matter.
func (l *Log) Verify(tx store.Tx, matterID string) (Verification, error) {
	cp := l.cp
	var heads []headRow
	if err := tx.Gorm().Where("matter_id = ?", matterID).Limit(1).Find(&heads).Error; err != nil {
		return Verification{}, fmt.Errorf("events: verify %s: %w", matterID, store.Translate(err))
	}
	var rows []eventRow
	if err := tx.Gorm().Where("matter_id = ?", matterID).Order("seq, id").Find(&rows).Error; err != nil {
		return Verification{}, fmt.Errorf("events: verify %s: %w", matterID, store.Translate(err))
	}
	v := Verification{Checked: int64(len(rows))}
	broken := func(seq int64, format string, args ...any) (Verification, error) {
		v.FirstBroken, v.Problem = seq, fmt.Sprintf(format, args...)
		return v, nil
	}
	var prev []byte
	for i, r := range rows {
		e := r.toEvent()
		want := int64(i + 1)
		if e.Seq != want {
			return broken(want, "event %d is missing (found %d in its place): rows were removed or reordered", want, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			return broken(e.Seq, "event %d does not link to event %d: rows were removed, reordered or altered", e.Seq, e.Seq-1)
		}
		if got := e.ComputeHash(); !bytes.Equal(got, e.Hash) {
			return broken(e.Seq, "event %d was altered: its content hashes to %s, the chain recorded %s",
				e.Seq, hex.EncodeToString(got)[:12], hex.EncodeToString(e.Hash)[:12])
		}
		prev = e.Hash
	}
	var head headRow
	if len(heads) == 1 {
		head = heads[0]
	}
	if !cp.valid(head) {
		return broken(max(head.Seq, 1), "the recorded head of the chain (event %d) does not carry a valid checkpoint signature: the head, or the state of the matter it carries, was rewritten", head.Seq)
	}
	switch {
	case head.Seq > v.Checked:
		return broken(v.Checked+1, "the chain ends at event %d but the recorded head is event %d: newest events were removed", v.Checked, head.Seq)
	case head.Seq < v.Checked:
		return broken(head.Seq+1, "events after the recorded head %d were added outside the log", head.Seq)
	case !bytes.Equal(head.Hash, prev):
		return broken(head.Seq, "the last event does not match the recorded head")
	}
	v.Intact, v.State = true, head.State
	return v, nil
}
