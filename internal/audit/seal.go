package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// Config is how often the access log is sealed.
type Config struct {
	// SealInterval is how often each replica seals the access log (if it
	// grew). Rows not yet sealed can be removed without a trace by whoever
	// can rewrite the chains; sealed ones cannot.
	SealInterval time.Duration `env:"IPCASE_AUDIT_SEAL_INTERVAL, default=1m"`
}

// sealLockKey keeps two replicas from sealing at once ("ipcase-seal" as an
// integer): seals form a chain, and two made from the same previous seal
// would fork it.
const sealLockKey = 0x6970636173657365

// Seal checks every chain of the access log from the last seal to its head
// and, if any grew, signs the heads with key in a new seal; it reports
// whether it sealed. Another replica sealing at the same moment makes it
// seal nothing. A chain that does not check is not sealed: Seal returns an
// error wrapping what is wrong, and VerifyAccessLog will report it too.
func Seal(ctx context.Context, db *store.DB, key SealKey, now time.Time) (sealed *Sealed, err error) {
	if key.key == nil {
		return nil, errors.New("audit: sealing needs the private checkpoint key")
	}
	err = db.InTx(ctx, func(tx store.Tx) error {
		g := tx.Gorm()
		var locked bool
		if err := g.Raw(`SELECT pg_try_advisory_xact_lock(?)`, int64(sealLockKey)).Scan(&locked).Error; err != nil || !locked {
			return store.Translate(err)
		}
		// Read committed: everything below sees what was committed before
		// the lock was taken, the previous seal included.
		last, err := lastValidSeal(tx, key)
		if err != nil {
			return err
		}
		heads, err := loadHeads(tx)
		if err != nil {
			return err
		}
		from := make([]head, len(heads))
		prevHash := []byte{}
		if last != nil {
			if len(last.Heads) != len(heads) {
				return broken("seal %d has %d chains, the heads %d", last.ID, len(last.Heads), len(heads))
			}
			copy(from, last.Heads)
			prevHash = last.Hash
		}
		grew := false
		for shard, h := range heads {
			end := from[shard]
			if h.Seq < end.Seq {
				return broken("chain %d's head is at row %d, behind the last seal's %d", shard, h.Seq, end.Seq)
			}
			if h.Seq == end.Seq {
				if !bytes.Equal(h.Hash, end.Hash) {
					return broken("chain %d's head differs from the last seal's", shard)
				}
				continue
			}
			grew = true
			if err := walkChain(tx, shard, end.Seq, h.Seq, func(r chainRow) error {
				end, err = follow(end, r)
				return err
			}); err != nil {
				return err
			}
			if end.Seq != h.Seq || !bytes.Equal(end.Hash, h.Hash) {
				return broken("chain %d ends at row %d, its head says %d", shard, end.Seq, h.Seq)
			}
		}
		if !grew {
			return nil
		}
		s := seal{SealTime: now.UTC().Truncate(time.Microsecond), Heads: heads, PrevHash: prevHash}
		s.Hash = s.computeHash()
		key.sign(&s)
		hb, _ := json.Marshal(s.Heads)
		row := sealRow{SealTime: s.SealTime, Heads: string(hb), PrevHash: s.PrevHash, Hash: s.Hash, KeyID: s.KeyID, Signature: s.Signature}
		if err := g.Create(&row).Error; err != nil {
			return fmt.Errorf("audit: writing a seal: %w", store.Translate(err))
		}
		var total int64
		for _, h := range heads {
			total += h.Seq
		}
		sealed = &Sealed{ID: row.ID, Rows: total, Hash: hex.EncodeToString(s.Hash)}
		return nil
	})
	return sealed, err
}

// lastValidSeal returns the newest seal that key signed (nil if none):
// the one the next seal follows. A seal it did not sign (one inserted by
// whoever holds the serving role's credentials, which may insert seals)
// is passed over, so that it cannot stop sealing; VerifyAccessLog reports
// it.
func lastValidSeal(tx store.Tx, key SealKey) (*seal, error) {
	const batch = 100
	before := int64(math.MaxInt64)
	for {
		var rows []sealRow
		if err := tx.Gorm().Where("id < ?", before).Order("id DESC").Limit(batch).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("audit: reading the last seal: %w", store.Translate(err))
		}
		for _, r := range rows {
			s, err := r.seal()
			if err == nil && bytes.Equal(s.Hash, s.computeHash()) && key.valid(s) {
				return &s, nil
			}
			before = r.ID
		}
		if len(rows) < batch {
			return nil, nil
		}
	}
}

// Sealed describes a seal Seal made.
type Sealed struct {
	ID   int64
	Rows int64  // rows of the access log it covers
	Hash string // its hash, hex: kept outside the database (in the log), it shows whether later seals were removed
}

// Sealer seals the access log every Config.SealInterval, and once more as
// it stops.
type Sealer struct {
	db     *store.DB
	key    SealKey
	every  time.Duration
	logger *zap.Logger
}

// NewSealer returns a Sealer over db that signs with key.
func NewSealer(db *store.DB, key SealKey, cfg Config, logger *zap.Logger) *Sealer {
	if db == nil {
		panic("audit.NewSealer: nil db")
	}
	every := cfg.SealInterval
	if every <= 0 {
		every = time.Minute
	}
	return &Sealer{db: db, key: key, every: every, logger: logger.Named("audit")}
}

// Run seals until ctx ends, then seals once more. A failure is logged, not
// returned: serving goes on, and the next round tries again.
func (s *Sealer) Run(ctx context.Context) error {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			s.seal(final)
			cancel()
			return nil
		case <-t.C:
			s.seal(ctx)
		}
	}
}

func (s *Sealer) seal(ctx context.Context) {
	sealed, err := Seal(ctx, s.db, s.key, time.Now())
	switch {
	case errors.Is(err, errBroken):
		s.logger.Error("access log tampered with: not sealed; run ipcased audit verify-access-log", zap.Error(err))
	case err != nil && ctx.Err() == nil:
		s.logger.Error("access log not sealed", zap.Error(err))
	case sealed != nil:
		s.logger.Info("access log sealed", zap.Int64("seal_id", sealed.ID), zap.Int64("rows", sealed.Rows), zap.String("seal_hash", sealed.Hash))
	}
}
