package similar

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/store"
)

// Store reads and writes similar_matters, which similar owns.
type Store struct{ db *store.DB }

// NewStore returns the store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

// maxCandidates bounds the rows one search ranks: the nearest bases, half
// above and half below the query's, so that a crowded band stays fast
// (README, "Similar cases").
const maxCandidates = 2000

func dateTime(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// add records m in tx; a redelivered event changes nothing.
func add(tx store.Tx, m Matter) error {
	var share *int
	if m.Share >= 0 {
		share = &m.Share
	}
	err := tx.Gorm().Exec(`INSERT INTO similar_matters (matter_id, event_seq, kind, ip_type, law, number, decider, region,
		decided_on, base, multiple, amount, share, intentional, repeat, serious, facts)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (matter_id, event_seq) DO NOTHING`,
		m.MatterID, m.EventSeq, string(m.Kind), m.IPType, m.Law, m.Number, m.Decider, m.Region, dateTime(m.DecidedOn),
		int64(m.Base), m.Multiple, int64(m.Amount), share, m.Intentional, m.Repeat, m.Serious, m.Facts).Error
	if err != nil {
		return fmt.Errorf("recording decided matter %s: %w", m.MatterID, store.Translate(err))
	}
	return nil
}

// countCap bounds the count of a band: a search reports "more than
// countCap" rather than count a crowded band (100,000 rows at a million
// matters) to the end, which cost more than the search itself.
const countCap = 10000

// cand is a candidate as the ranking reads it: the features score compares,
// without the wide facts and the other columns a report shows, which are
// read for the matches alone.
type cand struct {
	MatterID    string
	EventSeq    int64
	Decider     string
	Region      string
	DecidedOn   time.Time
	Base        int64
	Intentional bool
	Repeat      bool
	Serious     bool
	Sim         float64
}

type row struct {
	MatterID    string
	EventSeq    int64
	Kind        string
	IPType      string `gorm:"column:ip_type"`
	Law         string
	Number      string
	Decider     string
	Region      string
	DecidedOn   time.Time
	Base        int64
	Multiple    int
	Amount      int64
	Share       *int
	Intentional bool
	Repeat      bool
	Serious     bool
	Facts       string
}

// Find returns the matters comparable to q, ranked, with the number of
// candidates that shared its kind, IP type, law and base band, counted up
// to countCap+1: n > countCap means more than countCap did.
func (s *Store) Find(ctx context.Context, q Query) ([]Match, int, error) {
	lo, hi := int64(0), int64(math.MaxInt64)
	if q.Base > 0 {
		lo, hi = int64(float64(q.Base)/q.Factor), int64(math.Min(float64(q.Base)*q.Factor, math.MaxInt64/2))
	}
	args := map[string]any{"kind": string(q.Kind), "ip": q.IPType, "law": q.Law, "lo": lo, "hi": hi, "base": min(max(int64(q.Base), lo), hi),
		"half": maxCandidates / 2, "facts": q.Facts, "cap": countCap + 1}
	// The band is two range scans of similar_matters_features outward from
	// the query's base, each reading at most half of maxCandidates rows in
	// index order (the nearest bases above and below), so a crowded band (a
	// million matters hold bands of 100,000) costs no more than a sparse
	// one. Only the features the ranking compares are read, with the
	// full-text rank of the facts' bigrams (migration 000030); the band is
	// counted by an index-only scan that stops after countCap+1 entries.
	// The query's tsquery is MATERIALIZED: under a generic plan (a cached
	// prepared statement after five runs) an inlined CTE would parse the
	// query's bigrams again for each of the 2,000 rows, 60 µs each.
	var cands []cand
	err := s.db.Session(ctx).Gorm().Raw(`
		WITH up AS (
			SELECT matter_id, event_seq, decider, region, decided_on, base, intentional, repeat, serious, facts_bigrams
			FROM similar_matters WHERE kind = @kind AND ip_type = @ip AND law = @law AND base >= @base AND base <= @hi
			ORDER BY base LIMIT @half),
		down AS (
			SELECT matter_id, event_seq, decider, region, decided_on, base, intentional, repeat, serious, facts_bigrams
			FROM similar_matters WHERE kind = @kind AND ip_type = @ip AND law = @law AND base >= @lo AND base < @base
			ORDER BY base DESC LIMIT @half),
		band AS (SELECT * FROM up UNION ALL SELECT * FROM down),
		q AS MATERIALIZED (SELECT to_tsquery('simple', replace(similar_bigrams(@facts), ' ', ' | ')) AS q WHERE @facts <> '')
		SELECT matter_id, event_seq, decider, region, decided_on, base, intentional, repeat, serious,
			coalesce((SELECT ts_rank(facts_bigrams, q.q, 1) FROM q), 0) AS sim
		FROM band`, args).Scan(&cands).Error
	if err != nil {
		return nil, 0, store.Translate(err)
	}
	var n int
	err = s.db.Session(ctx).Gorm().Raw(`SELECT count(*) FROM (SELECT FROM similar_matters
		WHERE kind = @kind AND ip_type = @ip AND law = @law AND base BETWEEN @lo AND @hi LIMIT @cap) band`, args).Scan(&n).Error
	if err != nil {
		return nil, 0, store.Translate(err)
	}
	// ts_rank is a weight, not a share: the facts' score is relative to
	// the best of the candidates (1 for the nearest facts).
	best := 0.0
	for _, c := range cands {
		best = math.Max(best, c.Sim)
	}
	ms := make([]Match, len(cands))
	for i, c := range cands {
		ms[i] = Match{Matter: Matter{MatterID: c.MatterID, EventSeq: c.EventSeq, Kind: q.Kind, IPType: q.IPType, Law: q.Law,
			Decider: c.Decider, Region: c.Region, DecidedOn: civil.Of(c.DecidedOn), Base: damages.Fen(c.Base),
			Intentional: c.Intentional, Repeat: c.Repeat, Serious: c.Serious}}
		if best > 0 {
			ms[i].TextScore = c.Sim / best
		}
	}
	ms = Rank(q, ms)
	if err := s.fill(ctx, ms); err != nil {
		return nil, 0, err
	}
	return ms, n, nil
}

// fill reads the rest of the matches' columns (the number, the outcome and
// the start of the facts) by primary key.
func (s *Store) fill(ctx context.Context, ms []Match) error {
	if len(ms) == 0 {
		return nil
	}
	keys := make([][]any, len(ms))
	for i, m := range ms {
		keys[i] = []any{m.MatterID, m.EventSeq}
	}
	var rows []row
	err := s.db.Session(ctx).Gorm().Raw(`SELECT matter_id, event_seq, kind, ip_type, law, number, decider, region, decided_on, base,
			multiple, amount, share, intentional, repeat, serious, left(facts, 120) AS facts
		FROM similar_matters WHERE (matter_id, event_seq) IN ?`, keys).Scan(&rows).Error
	if err != nil {
		return store.Translate(err)
	}
	byKey := make(map[string]row, len(rows))
	for _, r := range rows {
		byKey[fmt.Sprint(r.MatterID, "/", r.EventSeq)] = r
	}
	for i, m := range ms {
		r, ok := byKey[fmt.Sprint(m.MatterID, "/", m.EventSeq)]
		if !ok {
			return fmt.Errorf("similar: matter %s/%d left similar_matters during a search", m.MatterID, m.EventSeq)
		}
		share := -1
		if r.Share != nil {
			share = *r.Share
		}
		ms[i].Number, ms[i].Multiple, ms[i].Amount, ms[i].Share, ms[i].Facts = r.Number, r.Multiple, damages.Fen(r.Amount), share, r.Facts
	}
	return nil
}

// provinces are the short names of China's provincial divisions, by which
// a decider's region is known from its name.
var provinces = strings.Fields(`北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
	广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门`)

// Region is the province a decider's name begins with, "" if none (the
// Supreme People's Court, a national agency).
func Region(decider string) string {
	for _, p := range provinces {
		if strings.HasPrefix(decider, p) {
			return p
		}
	}
	return ""
}
