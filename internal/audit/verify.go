package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/store"
)

// Verification is what VerifyAccessLog found.
type Verification struct {
	// Intact is true when every row, chain and seal checks.
	Intact bool
	// Problems says what does not, at most maxProblems of them.
	Problems []string
	// Rows is how many rows the chains hold; Chains, how many chains.
	Rows   int64
	Chains int
	// Seals is how many seals there are, LastSeal when the last was made
	// (zero without seals), and Unsealed how many rows came after it:
	// those could have been removed, by whoever can rewrite the chains,
	// without a trace.
	Seals    int
	LastSeal time.Time
	Unsealed int64
}

// maxProblems bounds Verification.Problems.
const maxProblems = 20

// VerifyAccessLog checks the whole access log, in one snapshot: every
// seal's hash, its link to the seal before it and its signature under key;
// every chain from its first row, each row's hash recomputed from its
// columns, without gaps, through the rows each seal signed, to a head
// that matches its last row. A row deleted or changed, even with the
// chains rewritten to match, breaks it if a seal covered the row.
//
// knownSeals are hashes (hex) of seals recorded outside the database (the
// Sealer logs each one): each must still be there. That is what shows the
// newest seals removed together with the rows they covered.
func VerifyAccessLog(ctx context.Context, db *store.DB, key SealKey, knownSeals ...string) (Verification, error) {
	var v Verification
	problem := func(err error) {
		if len(v.Problems) < maxProblems {
			v.Problems = append(v.Problems, err.Error())
		}
	}
	err := db.InTx(ctx, func(tx store.Tx) error {
		g := tx.Gorm()
		if err := g.Exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`).Error; err != nil {
			return store.Translate(err)
		}
		heads, err := loadHeads(tx)
		if err != nil {
			if errors.Is(err, errBroken) {
				problem(err)
				return nil
			}
			return err
		}
		v.Chains = len(heads)
		var rows []sealRow
		if err := g.Order("id").Find(&rows).Error; err != nil {
			return fmt.Errorf("audit: reading the seals: %w", store.Translate(err))
		}
		// sealed[shard][seq] is the hash some seal signed for that row.
		sealed := make([]map[int64][]byte, len(heads))
		for i := range sealed {
			sealed[i] = map[int64][]byte{}
		}
		missing := map[string]bool{}
		for _, h := range knownSeals {
			missing[strings.ToLower(h)] = true
		}
		lastSealed := make([]head, len(heads))
		prev := []byte{}
		for _, r := range rows {
			s, err := r.seal()
			if err != nil {
				problem(broken("%v", err))
				continue
			}
			v.Seals++
			v.LastSeal = s.SealTime
			switch {
			case !bytes.Equal(s.Hash, s.computeHash()):
				problem(broken("seal %d differs from what was signed", s.ID))
				continue
			case !key.valid(s):
				problem(broken("seal %d is not signed by the checkpoint key (key %q)", s.ID, s.KeyID))
				continue
			case !bytes.Equal(s.PrevHash, prev):
				problem(broken("seal %d does not follow the seal before it (seals removed)", s.ID))
			case len(s.Heads) != len(heads):
				problem(broken("seal %d has %d chains, the log %d", s.ID, len(s.Heads), len(heads)))
			}
			// A seal that is not the key's (inserted by someone else) is
			// reported and passed over: the next seal follows the one
			// before it.
			prev = s.Hash
			delete(missing, hex.EncodeToString(s.Hash))
			for shard, h := range s.Heads {
				if shard >= len(heads) {
					break
				}
				if h.Seq < lastSealed[shard].Seq {
					problem(broken("seal %d puts chain %d back from row %d to %d", s.ID, shard, lastSealed[shard].Seq, h.Seq))
				}
				lastSealed[shard] = h
				if h.Seq > 0 {
					sealed[shard][h.Seq] = h.Hash
				}
			}
		}
		for _, h := range slices.Sorted(maps.Keys(missing)) {
			problem(broken("seal %s is gone (seals removed)", h))
		}
		var outside int64
		if err := g.Raw(`SELECT count(*) FROM access_log WHERE shard < 0 OR shard >= ?`, len(heads)).Scan(&outside).Error; err != nil {
			return fmt.Errorf("audit: counting rows: %w", store.Translate(err))
		}
		if outside > 0 {
			problem(broken("%d rows belong to no chain", outside))
		}
		for shard, h := range heads {
			end := head{Hash: []byte{}}
			err := walkChain(tx, shard, 0, 0, func(r chainRow) error {
				v.Rows++
				next, err := follow(end, r)
				if err != nil {
					problem(err)
					// Go on from this row, so that one gap is one problem.
					next = head{Seq: r.Seq, Hash: r.Hash}
				}
				if want, ok := sealed[shard][r.Seq]; ok && !bytes.Equal(want, r.Hash) {
					problem(broken("chain %d row %d differs from what a seal signed", shard, r.Seq))
				}
				end = next
				return nil
			})
			if err != nil {
				return err
			}
			if lastSealed[shard].Seq > end.Seq {
				problem(broken("chain %d ends at row %d, but a seal signed it up to row %d (rows deleted)", shard, end.Seq, lastSealed[shard].Seq))
			}
			if h.Seq != end.Seq || !bytes.Equal(h.Hash, end.Hash) {
				problem(broken("chain %d's head says row %d, the chain ends at row %d", shard, h.Seq, end.Seq))
			}
			if end.Seq > lastSealed[shard].Seq {
				v.Unsealed += end.Seq - lastSealed[shard].Seq
			}
		}
		return nil
	})
	if err != nil {
		return Verification{}, err
	}
	v.Intact = len(v.Problems) == 0
	return v, nil
}
