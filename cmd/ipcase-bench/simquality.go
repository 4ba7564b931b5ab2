package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk" // registers the "cjk" analyzer
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/similar"
	"github.com/ipcase/ipcase/internal/store"
)

// simQuery is one labelled query of testdata/similar-queries.json: the
// matter at hand (its features and its facts as an officer or judge would
// summarise them) and the scenario its relevant matters were planted from.
type simQuery struct {
	ID       int         `json:"id"`
	Scenario simScenario `json:"scenario"`
	// Pattern is the scenario in words, for the reviewer.
	Pattern  string `json:"pattern"`
	Kind     string `json:"kind"`
	IPType   string `json:"ip_type"`
	Law      string `json:"law"`
	BaseYuan int64  `json:"base_yuan"`
	Region   string `json:"region"`
	Facts    string `json:"facts"`
}

// simPlanted is how many relevant matters each query has.
const simPlanted = 8

// simSeed is the generator's seed: the same data every run.
const simSeed = 17

func loadSimQueries(path string) ([]simQuery, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var qs []simQuery
	if err := json.Unmarshal(b, &qs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return qs, nil
}

// makeSimQueries draws n distinct scenarios and writes a query for each.
func makeSimQueries(n int) []simQuery {
	g := newSimGen(simSeed*1000, nil)
	seen := map[simScenario]bool{}
	var qs []simQuery
	for len(qs) < n {
		s := g.randomScenario()
		if seen[s] {
			continue
		}
		seen[s] = true
		m := g.matter(0, s, "", 0, "")
		if m.Law != simFamilies[s.Family].fineLaw && m.Law != simFamilies[s.Family].damagesLaw {
			continue // the labelled queries are decided under the laws in force
		}
		qs = append(qs, simQuery{ID: len(qs) + 1, Scenario: s, Pattern: s.String(), Kind: m.Kind, IPType: m.IPType, Law: m.Law,
			BaseYuan: m.Base / 100, Region: m.Region, Facts: g.query(s)})
	}
	return qs
}

// generateSim calls emit for n matters: the planted ones first
// (simPlanted per query, indices q·simPlanted…), then the background.
func generateSim(qs []simQuery, n int, emit func(simMatter) error) error {
	avoid := map[simScenario]bool{}
	for _, q := range qs {
		avoid[q.Scenario] = true
	}
	g := newSimGen(simSeed, avoid)
	for i := range n {
		var m simMatter
		if q := i / simPlanted; q < len(qs) {
			m = g.matter(i, qs[q].Scenario, qs[q].Kind, qs[q].BaseYuan*100, qs[q].Law)
		} else {
			m = g.matter(i, g.randomScenario(), "", 0, "")
		}
		if err := emit(m); err != nil {
			return err
		}
	}
	return nil
}

// runSimSeed fills DATABASE_URL's similar_matters (migrated) with n
// generated matters by COPY, adds the full-text candidate's column and
// indexes, and analyses the table.
func runSimSeed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("similar-seed", flag.ContinueOnError)
	n := fs.Int("n", 100000, "decided matters")
	qfile := fs.String("queries", "cmd/ipcase-bench/testdata/similar-queries.json", "labelled queries")
	fts := fs.Bool("fts", true, "index the facts for the text-only candidates: pg_trgm GIN and a GIN on the bigram tsvector")
	if err := fs.Parse(args); err != nil {
		return err
	}
	qs, err := loadSimQueries(*qfile)
	if err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	db, err := store.Open(ctx, store.Config{URL: url, MaxOpenConns: 2, MaxIdleConns: 2}, zap.NewNop())
	if err != nil {
		return err
	}
	_, err = store.Migrate(ctx, db, zap.NewNop())
	_ = db.Close()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	t0 := time.Now()
	if _, err := conn.Exec(ctx, `TRUNCATE similar_matters`); err != nil {
		return err
	}
	cols := []string{"matter_id", "event_seq", "kind", "ip_type", "law", "number", "decider", "region", "decided_on",
		"base", "multiple", "amount", "share", "intentional", "repeat", "serious", "facts"}
	var rows [][]any
	flush := func() error {
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"similar_matters"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		rows = rows[:0]
		return nil
	}
	done := 0
	err = generateSim(qs, *n, func(m simMatter) error {
		var share any
		if m.Share >= 0 {
			share = m.Share
		}
		rows = append(rows, []any{m.ID, int64(1), m.Kind, m.IPType, m.Law, m.Number, m.Decider, m.Region, m.DecidedOn,
			m.Base, m.Multiple, m.Amount, share, m.Intentional, m.Repeat, m.Serious, m.Facts})
		if len(rows) == 20000 {
			done += len(rows)
			if err := flush(); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "similar-seed: %d/%d (%s)\n", done, *n, time.Since(t0).Round(time.Second))
		}
		return nil
	})
	if err == nil && len(rows) > 0 {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("similar-seed: copying: %w", err)
	}
	if *fts {
		for _, s := range []string{`CREATE INDEX IF NOT EXISTS simmeasure_bigrams_gin ON similar_matters USING gin (facts_bigrams)`,
			`CREATE INDEX IF NOT EXISTS simmeasure_trgm_gin ON similar_matters USING gin (facts gin_trgm_ops)`} {
			if _, err := conn.Exec(ctx, s); err != nil {
				return err
			}
		}
	}
	if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) similar_matters`); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "SIMSEED matters=%d seconds=%.1f\n", *n, time.Since(t0).Seconds())
	return err
}

// simRanker ranks the text band (same kind, IP type and law) of q by its
// facts and returns the best k matter ids.
type simRanker struct {
	name string
	rank func(ctx context.Context, q simQuery, k int) ([]uuid.UUID, error)
}

func sqlRanker(conn *pgx.Conn, name, sql string) simRanker {
	return simRanker{name: name, rank: func(ctx context.Context, q simQuery, k int) ([]uuid.UUID, error) {
		rows, err := conn.Query(ctx, sql, q.Kind, q.IPType, q.Law, q.Facts, k)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	}}
}

// The SQL candidates. Each ranks every row of the band (the hard filters
// the finder applies) by the text score.
const (
	simTrgmSQL = `SELECT matter_id FROM similar_matters WHERE kind = $1 AND ip_type = $2 AND law = $3
		ORDER BY similarity(facts, $4) DESC, matter_id LIMIT $5`
	simFTSSQL = `SELECT matter_id FROM similar_matters,
			to_tsquery('simple', replace(similar_bigrams($4), ' ', ' | ')) AS q
		WHERE kind = $1 AND ip_type = $2 AND law = $3 AND facts_bigrams @@ q
		ORDER BY ts_rank(facts_bigrams, q, 1) DESC, matter_id LIMIT $5`
)

// bleveRanker indexes the table's rows in an on-disk bleve index under
// dir with the cjk analyzer (bigrams of CJK runs, words otherwise) and
// ranks by bleve's TF-IDF score within the band.
func bleveRanker(ctx context.Context, conn *pgx.Conn, dir string) (simRanker, time.Duration, error) {
	t0 := time.Now()
	im := bleve.NewIndexMapping()
	dm := bleve.NewDocumentMapping()
	facts := bleve.NewTextFieldMapping()
	facts.Analyzer = "cjk"
	facts.Store, facts.IncludeTermVectors, facts.IncludeInAll = false, false, false
	band := bleve.NewKeywordFieldMapping()
	band.Analyzer, band.Store, band.IncludeInAll = keyword.Name, false, false
	dm.AddFieldMappingsAt("facts", facts)
	dm.AddFieldMappingsAt("band", band)
	im.DefaultMapping = dm
	idx, err := bleve.New(dir, im)
	if err != nil {
		return simRanker{}, 0, err
	}
	rows, err := conn.Query(ctx, `SELECT matter_id, kind || '|' || ip_type || '|' || law, facts FROM similar_matters`)
	if err != nil {
		return simRanker{}, 0, err
	}
	b := idx.NewBatch()
	for rows.Next() {
		var id uuid.UUID
		var bandKey, f string
		if err := rows.Scan(&id, &bandKey, &f); err != nil {
			return simRanker{}, 0, err
		}
		if err := b.Index(id.String(), map[string]any{"band": bandKey, "facts": f}); err != nil {
			return simRanker{}, 0, err
		}
		if b.Size() == 5000 {
			if err := idx.Batch(b); err != nil {
				return simRanker{}, 0, err
			}
			b.Reset()
		}
	}
	if err := rows.Err(); err != nil {
		return simRanker{}, 0, err
	}
	if err := idx.Batch(b); err != nil {
		return simRanker{}, 0, err
	}
	took := time.Since(t0)
	return simRanker{name: "bleve cjk (TF-IDF)", rank: func(ctx context.Context, q simQuery, k int) ([]uuid.UUID, error) {
		tq := bleve.NewTermQuery(q.Kind + "|" + q.IPType + "|" + q.Law)
		tq.SetField("band")
		tq.SetBoost(0) // a filter: only the facts score
		mq := bleve.NewMatchQuery(q.Facts)
		mq.SetField("facts")
		mq.Analyzer = "cjk"
		req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{tq, mq}), k, 0, false)
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		ids := make([]uuid.UUID, 0, len(res.Hits))
		for _, h := range res.Hits {
			id, err := uuid.Parse(h.ID)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}}, took, nil
}

// finderRanker is the whole finder of internal/similar (the full-text
// rank within the 2,000 nearest bases, then the 40/24/20/16 ranking), asked
// with the query's features and no conduct flags or decider.
func finderRanker(st *similar.Store) simRanker {
	return simRanker{name: "finder (all features)", rank: func(ctx context.Context, q simQuery, k int) ([]uuid.UUID, error) {
		ms, _, err := st.Find(ctx, simFinderQuery(q, k))
		if err != nil {
			return nil, err
		}
		ids := make([]uuid.UUID, len(ms))
		for i, m := range ms {
			ids[i] = uuid.MustParse(m.MatterID)
		}
		return ids, nil
	}}
}

func simFinderQuery(q simQuery, k int) similar.Query {
	return similar.Query{Kind: similar.Kind(q.Kind), IPType: q.IPType, Law: q.Law, Base: damages.Yuan(q.BaseYuan), Region: q.Region,
		Intentional: true, Facts: q.Facts, Factor: 3, Limit: k}
}

// simMetrics are one candidate's figures over the labelled queries.
type simMetrics struct {
	name                 string
	p5, ndcg10, recall10 float64
	lat                  []time.Duration
}

// judge scores one ranking against the planted matters of query q.
func judge(q simQuery, got []uuid.UUID) (p5, ndcg10, recall10 float64) {
	rel := map[uuid.UUID]bool{}
	for j := range simPlanted {
		rel[simID((q.ID-1)*simPlanted+j)] = true
	}
	var dcg, idcg float64
	hits5, hits10 := 0, 0
	for i, id := range got[:min(10, len(got))] {
		if rel[id] {
			dcg += 1 / math.Log2(float64(i+2))
			hits10++
			if i < 5 {
				hits5++
			}
		}
	}
	for i := range min(10, simPlanted) {
		idcg += 1 / math.Log2(float64(i+2))
	}
	return float64(hits5) / 5, dcg / idcg, float64(hits10) / simPlanted
}

func runSimQuality(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("similar-quality", flag.ContinueOnError)
	qfile := fs.String("queries", "cmd/ipcase-bench/testdata/similar-queries.json", "labelled queries")
	passes := fs.Int("passes", 3, "timed passes over the queries (after one untimed)")
	only := fs.String("only", "", "comma-separated candidates to run: trgm,fts,bleve,finder (default all)")
	write := fs.Bool("write-queries", false, "write 50 freshly drawn queries to -queries and stop")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *write {
		b, err := json.MarshalIndent(makeSimQueries(50), "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*qfile, append(b, '\n'), 0o600)
	}
	qs, err := loadSimQueries(*qfile)
	if err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("similar-quality: DATABASE_URL is not set")
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM similar_matters`).Scan(&n); err != nil {
		return err
	}
	want := func(s string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), s) }
	var rankers []simRanker
	if want("trgm") {
		rankers = append(rankers, sqlRanker(conn, "pg_trgm similarity", simTrgmSQL))
	}
	if want("fts") {
		rankers = append(rankers, sqlRanker(conn, "Postgres FTS, bigram tsvector", simFTSSQL))
	}
	if want("bleve") {
		dir, err := os.MkdirTemp("", "ipcase-simmeasure-bleve-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		r, took, err := bleveRanker(ctx, conn, dir+"/idx")
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "similar-quality: bleve indexed %d matters in %s\n", n, took.Round(time.Second))
		rankers = append(rankers, r)
	}
	if want("finder") {
		db, err := store.Open(ctx, store.Config{URL: url, MaxOpenConns: 2, MaxIdleConns: 2}, zap.NewNop())
		if err != nil {
			return err
		}
		defer func() { _ = db.Close() }()
		rankers = append(rankers, finderRanker(similar.NewStore(db)))
	}
	var out []simMetrics
	for _, r := range rankers {
		m := simMetrics{name: r.name}
		for pass := range *passes + 1 {
			for _, q := range qs {
				t0 := time.Now()
				got, err := r.rank(ctx, q, 10)
				if err != nil {
					return fmt.Errorf("%s, query %d: %w", r.name, q.ID, err)
				}
				if pass > 0 {
					m.lat = append(m.lat, time.Since(t0))
					continue
				}
				p5, ndcg, rec := judge(q, got)
				m.p5, m.ndcg10, m.recall10 = m.p5+p5/float64(len(qs)), m.ndcg10+ndcg/float64(len(qs)), m.recall10+rec/float64(len(qs))
			}
		}
		fmt.Fprintf(os.Stderr, "similar-quality: %s done\n", r.name)
		out = append(out, m)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	var b strings.Builder
	fmt.Fprintf(&b, "similar-quality: %d matters, %d labelled queries (%d relevant each), %d timed passes; %s; load average %s\n",
		n, len(qs), simPlanted, *passes, civil.Of(time.Now()).String(), strings.Join(strings.Fields(string(load))[:3], " "))
	b.WriteString("| candidate | P@5 | nDCG@10 | recall@10 | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n")
	for _, m := range out {
		slices.Sort(m.lat)
		fmt.Fprintf(&b, "| %s | %.3f | %.3f | %.3f | %.1f | %.1f |\n", m.name, m.p5, m.ndcg10, m.recall10,
			msOf(Percentile(m.lat, 50)), msOf(Percentile(m.lat, 99)))
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runSimBench times the finder of internal/similar (Store.Find: the band,
// the text score, the ranking) on the labelled queries, one at a time,
// and prints p50 and p99.
func runSimBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("similar-bench", flag.ContinueOnError)
	qfile := fs.String("queries", "cmd/ipcase-bench/testdata/similar-queries.json", "labelled queries")
	passes := fs.Int("passes", 10, "timed passes over the queries (after one untimed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	qs, err := loadSimQueries(*qfile)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Config{URL: os.Getenv("DATABASE_URL"), MaxOpenConns: 2, MaxIdleConns: 2}, zap.NewNop())
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if _, err := store.Migrate(ctx, db, zap.NewNop()); err != nil {
		return err
	}
	// As autovacuum would after a migration rewrote the table: the count
	// of the band is an index-only scan only on a vacuumed table.
	if err := db.Session(ctx).Gorm().Exec(`VACUUM (ANALYZE) similar_matters`).Error; err != nil {
		return err
	}
	st := similar.NewStore(db)
	var n int
	if err := db.Session(ctx).Gorm().Raw(`SELECT count(*) FROM similar_matters`).Scan(&n).Error; err != nil {
		return err
	}
	var lat []time.Duration
	cands, capped := 0, 0
	for pass := range *passes + 1 {
		for _, q := range qs {
			t0 := time.Now()
			_, c, err := st.Find(ctx, simFinderQuery(q, 10))
			if err != nil {
				return fmt.Errorf("query %d: %w", q.ID, err)
			}
			if pass > 0 {
				lat = append(lat, time.Since(t0))
				cands += c
				if c > 10000 {
					capped++ // counted only to 10,001: more than 10,000 shared the band
				}
			}
		}
	}
	slices.Sort(lat)
	load, _ := os.ReadFile("/proc/loadavg")
	_, err = fmt.Fprintf(stdout, "SIMBENCH what=finder matters=%d calls=%d mean_candidates=%d over_10000=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f load=%q\n",
		n, len(lat), cands/max(1, len(lat)), capped, msOf(Percentile(lat, 50)), msOf(Percentile(lat, 99)), msOf(Percentile(lat, 100)),
		strings.Join(strings.Fields(string(load))[:3], " "))
	return err
}
