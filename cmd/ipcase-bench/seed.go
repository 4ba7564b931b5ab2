package main

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/trial"
)

// Seeded matter numbers: IPCS- for the bulk, IPCQ- for the accept queue
// (SUBMITTED matters the accept benchmarks take in number order). Both
// differ from the service's IPC-YYYY-NNNNNN, so they never collide.
const (
	bulkPrefix  = "IPCS-"
	queuePrefix = "IPCQ-"
	// repeatPool is how many repeat infringers appear as respondents again
	// and again.
	repeatPool = 20000
)

// seedOptions say what one seeding adds.
type seedOptions struct {
	URL string
	// N bulk matters over every state, and Queue SUBMITTED matters for the
	// accept benchmarks.
	N, Queue int
	// Checkpoint signs the heads of the seeded chains, as ipcased would; nil
	// leaves them unsigned (VerifyMatterHistory then reports the head).
	Checkpoint *events.Checkpoints
	// Batch is how many matters one transaction copies.
	Batch int
	// MarkConsumed moves the cursors of consumers that had seen every event
	// before the seeding past the seeded events: the seeded matters are
	// history, already processed, not new traffic.
	MarkConsumed bool
	Now          time.Time
	// Logf, if set, reports the steps after the copying.
	Logf func(format string, args ...any)
	// Bulk loads as a DBA does a restore, when the role may (a superuser):
	// with triggers and foreign-key checks off (session_replication_role
	// replica) for the seeding's own transactions, the events numbered from
	// a reserved block of ids and positioned by the seeder in the same
	// transaction, instead of queued one by one for the relay. The rows are
	// the same either way.
	Bulk bool
	// Workers is how many connections copy batches at once.
	Workers int
	// DeferIndexes, in bulk, drops the seeded tables' indexes and unique
	// constraints but their primary keys before copying, and builds them
	// again after, as pg_restore does (deferIndexes): a big seeding's
	// random inserts into indexes larger than memory are its slowest part.
	DeferIndexes bool
}

// seedReport says what a seeding added.
type seedReport struct {
	Matters, Queue int
	// QueueFirst is the number suffix of the first queue matter.
	QueueFirst int
	// QueueIDs are the queue matters in number order, with their agency.
	QueueIDs []string
	// Holder is the party id of the rights holder that files the most.
	Holder string
	// Events is how many events were appended; Stamped how many the
	// seeding positioned; CursorsMoved how many consumer cursors moved.
	Events, Stamped int64
	CursorsMoved    int64
	// Bulk is whether the seeding loaded in bulk (seedOptions.Bulk, and
	// allowed).
	Bulk bool
	// Signed is how many matters' states were signed into their chain
	// heads as they were copied; SignSeconds is the copying workers' time
	// spent signing, summed.
	Signed      int
	SignSeconds float64
}

func runSeed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("n", 10000, "bulk matters to add")
	queue := fs.Int("accept-queue", 0, "SUBMITTED matters to add for the accept benchmarks")
	queueFile := fs.String("accept-file", "", "write the accept queue here, `id agency` a line, in number order")
	keyFile := fs.String("checkpoint-key", os.Getenv("IPCASE_CHECKPOINT_KEY_FILE"), "ipcased's checkpoint key (private JWK), to sign chain heads")
	batch := fs.Int("batch", 10000, "matters per transaction")
	consumed := fs.Bool("mark-consumed", true, "move caught-up consumer cursors past the seeded events")
	workers := fs.Int("workers", 2, "connections copying batches at once")
	bulk := fs.Bool("bulk", true, "as a superuser, copy with triggers and foreign-key checks off and position the events directly (a restore's way)")
	deferIdx := fs.Bool("defer-indexes", false, "in bulk, drop the seeded tables' secondary indexes and unique constraints while copying and build them after (a restore's way, for a big seeding)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opt := seedOptions{URL: os.Getenv("DATABASE_URL"), N: *n, Queue: *queue, Batch: *batch, MarkConsumed: *consumed, Bulk: *bulk, Workers: *workers, DeferIndexes: *deferIdx, Now: time.Now(),
		Logf: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "seed: "+format+"\n", args...) }}
	if opt.URL == "" {
		return errors.New("seed: DATABASE_URL is not set")
	}
	if *keyFile != "" {
		k, err := events.LoadCheckpoints(*keyFile)
		if err != nil {
			return err
		}
		opt.Checkpoint = k
	} else {
		fmt.Fprintln(os.Stderr, "seed: no -checkpoint-key: chain heads are left unsigned")
	}
	t0 := time.Now()
	rep, err := seed(ctx, opt, func(done, total int) {
		fmt.Fprintf(os.Stderr, "seed: %d/%d matters (%s)\n", done, total, time.Since(t0).Round(time.Second))
	})
	if err != nil {
		return err
	}
	if *queueFile != "" {
		if err := os.WriteFile(*queueFile, []byte(strings.Join(rep.QueueIDs, "\n")+"\n"), 0o600); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "SEED matters=%d queue=%d queue_first=%d events=%d stamped=%d cursors_moved=%d bulk=%t holder=%s signed=%d sign_seconds=%.1f seconds=%.1f\n",
		rep.Matters, rep.Queue, rep.QueueFirst, rep.Events, rep.Stamped, rep.CursorsMoved, rep.Bulk, rep.Holder, rep.Signed, rep.SignSeconds, time.Since(t0).Seconds())
	return err
}

// seed adds opt.N bulk and opt.Queue queue matters with COPY, in
// transactions of opt.Batch matters, then positions their events as the
// relay would.
func seed(ctx context.Context, opt seedOptions, progress func(done, total int)) (rep *seedReport, err error) {
	conn, err := pgx.Connect(ctx, opt.URL)
	if err != nil {
		return nil, err
	}
	// Closed even when ctx is done; a failed goodbye changes nothing.
	defer func() { _ = conn.Close(context.Background()) }()
	conns := max(opt.Workers, 2)
	db, err := store.Open(ctx, store.Config{URL: opt.URL, MaxOpenConns: conns, MaxIdleConns: conns}, zap.NewNop())
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close() }()

	holders, err := ensurePool(ctx, conn, nsHolder, holderPool, holderName)
	if err != nil {
		return nil, err
	}
	repeats, err := ensurePool(ctx, conn, nsRepeat, repeatPool, repeatName)
	if err != nil {
		return nil, err
	}
	rep = &seedReport{Holder: uuid.UUID(holders[0]).String()}
	bulkBase, err := lastNumber(ctx, conn, bulkPrefix)
	if err != nil {
		return nil, err
	}
	queueBase, err := lastNumber(ctx, conn, queuePrefix)
	if err != nil {
		return nil, err
	}
	rep.QueueFirst = queueBase + 1

	// Position whatever is waiting first, so that the positions the seeding
	// hands out afterwards are its own (on an idle system).
	if _, err := stampAll(ctx, db); err != nil {
		return nil, err
	}
	var before int64
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(position), 0) FROM event_positions`).Scan(&before); err != nil {
		return nil, err
	}
	if opt.Bulk {
		if err := conn.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&rep.Bulk); err != nil {
			return nil, err
		}
		if !rep.Bulk && opt.Logf != nil {
			opt.Logf("not a superuser: copying with triggers on, the relay's way")
		}
	}
	last := before // the last position handed out, in bulk
	if opt.Batch < 1 {
		return nil, fmt.Errorf("seed: batch %d: want at least 1 matter a transaction", opt.Batch)
	}

	logf := opt.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if opt.DeferIndexes && rep.Bulk {
		build, err := deferIndexes(ctx, conn)
		if err != nil {
			return nil, err
		}
		logf("dropped %d indexes and unique constraints until the copy ends", len(build))
		// Built again however the copying ends: a failed bulk seeding must
		// be redone on a fresh database anyway, but its schema stays whole.
		defer func() {
			t0 := time.Now()
			if berr := buildIndexes(context.WithoutCancel(ctx), conn, build); berr != nil {
				rep, err = nil, errors.Join(err, berr)
				return
			}
			logf("built %d indexes and unique constraints in %s", len(build), time.Since(t0).Round(time.Second))
		}()
	}

	g := &generator{opt: opt, holders: holders, repeats: repeats}
	spent := map[string]time.Duration{}
	total := opt.N + opt.Queue
	// One goroutine generates the batches (the generator is not safe for
	// concurrent use), opt.Workers copy them, each on a connection of its
	// own, each batch in a transaction of its own (store.DB.InTx).
	type batch struct {
		rows        tables
		first, last int
	}
	blk := &blocks{bulk: rep.Bulk, last: last}
	var mu sync.Mutex // guards rep's counts, spent, done and firstErr
	done := 0
	var firstErr error
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan batch, max(opt.Workers, 1))
	var wg sync.WaitGroup
	for range max(opt.Workers, 1) {
		wg.Go(func() {
			for b := range work {
				if cctx.Err() != nil {
					continue
				}
				mine := map[string]time.Duration{}
				err := b.rows.copy(cctx, db, blk, opt.Checkpoint, mine)
				mu.Lock()
				if err != nil {
					firstErr = cmp.Or(firstErr, fmt.Errorf("seed: copying matters %d-%d: %w", b.first, b.last, err))
					cancel()
				} else {
					rep.Events += int64(len(b.rows.events))
					if opt.Checkpoint != nil {
						rep.Signed += len(b.rows.heads)
					}
					if rep.Bulk {
						rep.Stamped += int64(len(b.rows.events))
					}
					for k, v := range mine {
						spent[k] += v
					}
					done += b.last - b.first + 1
					progress(done, total)
				}
				mu.Unlock()
			}
		})
	}
	for from := 0; from < total && cctx.Err() == nil; {
		n := min(opt.Batch, total-from)
		b := batch{first: from + 1, last: from + n}
		for i := from; i < from+n; i++ {
			if i < opt.N {
				g.matter(&b.rows, bulkPrefix, bulkBase+i+1, i)
			} else {
				id, agency := g.matter(&b.rows, queuePrefix, queueBase+i-opt.N+1, -1)
				rep.QueueIDs = append(rep.QueueIDs, id+" "+agency)
			}
		}
		select {
		case work <- b:
		case <-cctx.Done():
		}
		from += n
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	rep.Matters, rep.Queue = opt.N, opt.Queue
	var where []string
	for _, k := range slices.Sorted(maps.Keys(spent)) {
		where = append(where, fmt.Sprintf("%s %s", k, spent[k].Round(time.Millisecond)))
	}
	logf("time copying each table: %s", strings.Join(where, ", "))
	t0 := time.Now()
	stamped, err := stampAll(ctx, db) // none in bulk, on an idle system
	if err != nil {
		return nil, err
	}
	rep.Stamped += stamped
	if opt.MarkConsumed && rep.Stamped > 0 {
		tag, err := conn.Exec(ctx, `UPDATE consumer_cursors SET position = $1, update_time = now() WHERE position = $2`, before+rep.Stamped, before)
		if err != nil {
			return nil, err
		}
		rep.CursorsMoved = tag.RowsAffected()
	}
	logf("positioned %d events in %s", rep.Stamped, time.Since(t0).Round(time.Millisecond))
	rep.SignSeconds = spent[signing].Seconds()
	t0 = time.Now()
	// Fresh statistics, as autovacuum would gather after a bulk load, so
	// the first measurements do not run on plans made for empty tables.
	if _, err := conn.Exec(ctx, `ANALYZE parties, ip_rights, matters, matter_parties, matter_rights, evidence, proceedings, events, event_heads, event_positions`); err != nil {
		return nil, err
	}
	logf("analyzed in %s", time.Since(t0).Round(time.Millisecond))
	return rep, nil
}

// seededTables are the tables a seeding copies into (and matter_list,
// which it writes through matter_list_upsert); parties is left out, as
// ensurePool's upsert needs its unique index.
var seededTables = []string{"ip_rights", "matters", "matter_parties", "matter_rights", "evidence", "proceedings",
	"events", "event_positions", "event_heads", "matter_list"}

// deferIndexes drops the indexes and unique constraints of seededTables but
// their primary keys and what a foreign key references (which the copy's
// matter_list_upsert and the foreign keys need), in one transaction, and
// returns the statements that build them again, made from the catalog's
// own definitions (pg_get_constraintdef, pg_get_indexdef).
func deferIndexes(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `
		SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
			format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c
		WHERE c.contype = 'u' AND c.conrelid = ANY ($1::regclass[])
			AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
		UNION ALL
		SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid = ANY ($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, seededTables)
	if err != nil {
		return nil, fmt.Errorf("seed: the indexes to defer: %w", err)
	}
	var drop, build []string
	for rows.Next() {
		var d, b string
		if err := rows.Scan(&d, &b); err != nil {
			return nil, err
		}
		drop, build = append(drop, d), append(build, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(drop) == 0 {
		return nil, nil
	}
	if _, err := conn.Exec(ctx, "BEGIN; "+strings.Join(drop, "; ")+"; COMMIT"); err != nil {
		return nil, fmt.Errorf("seed: dropping the indexes to defer: %w", err)
	}
	return build, nil
}

// buildIndexes runs build, deferIndexes' statements, with the memory of a
// restore's index builds; a unique constraint that the copied rows break
// fails here.
func buildIndexes(ctx context.Context, conn *pgx.Conn, build []string) error {
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	for _, q := range build {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("seed: %s: %w", q, err)
		}
	}
	_, err := conn.Exec(ctx, `RESET maintenance_work_mem`)
	return err
}

// stampAll positions every committed, unpositioned event through the
// relay's own code (events.Stamp, serialized with the relay by its lock).
func stampAll(ctx context.Context, db *store.DB) (int64, error) {
	var total int64
	for {
		n, err := events.Stamp(ctx, db, 50000)
		total += int64(n)
		if err != nil || n < 50000 {
			return total, err
		}
	}
}

// ensurePool makes sure parties 0..n-1 of a credit-code namespace exist
// and returns their ids by index.
func ensurePool(ctx context.Context, conn *pgx.Conn, ns string, n int, name func(uint64) string) ([][16]byte, error) {
	codes := make([]string, n)
	names := make([]string, n)
	ids := make([][16]byte, n)
	for i := range n {
		codes[i], names[i], ids[i] = creditCode(ns, uint64(i)), name(uint64(i)), uuid.New()
	}
	if _, err := conn.Exec(ctx, `INSERT INTO parties (id, kind, display_name, credit_code, domicile_country, contact)
		SELECT id, 'ORGANIZATION', name, code, 'CN', $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, name, code)
		ON CONFLICT (credit_code) WHERE credit_code IS NOT NULL DO NOTHING`, ids, names, codes, poolContact); err != nil {
		return nil, fmt.Errorf("seed: party pool %s: %w", ns, err)
	}
	rows, err := conn.Query(ctx, `SELECT id, credit_code FROM parties WHERE credit_code = ANY($1)`, codes)
	if err != nil {
		return nil, err
	}
	byCode := map[string][16]byte{}
	for rows.Next() {
		var id [16]byte
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		byCode[code] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, c := range codes {
		id, ok := byCode[c]
		if !ok {
			return nil, fmt.Errorf("seed: party %s of the pool is missing", c)
		}
		ids[i] = id
	}
	return ids, nil
}

// lastNumber returns the highest seeded number suffix with prefix, 0 if
// none, so that a second seeding continues the first.
func lastNumber(ctx context.Context, conn *pgx.Conn, prefix string) (int, error) {
	var n int
	err := conn.QueryRow(ctx, `SELECT coalesce(max(substr(number, $2)::int), 0) FROM matters WHERE number LIKE $1`,
		prefix+"%", len(prefix)+1).Scan(&n)
	return n, err
}

// tables are the rows of one batch, in foreign-key order.
type tables struct {
	parties, rights, matters, matterParties, matterRights, evidence, proceedings, events, heads [][]any
}

// blocks hands out blocks of event ids and of log positions to the
// copying transactions of a bulk seeding, both in the same order, so that
// positions follow ids as the relay's do. Transactions may commit out of
// order; the seeding ends with every position given, gap-free, and nothing
// reads the log meanwhile (ipcased is down). A failed seeding leaves gaps
// and must be started again on a fresh database.
type blocks struct {
	bulk bool
	mu   sync.Mutex
	last int64 // the last position handed out
}

// reserve reserves n event ids in tx and n positions, and returns the first
// of each.
func (b *blocks) reserve(tx store.Tx, n int64) (id, position int64, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Under the lock, no other worker of the seeding moves the sequence
	// between the nextval and the setval.
	if err := tx.Gorm().Raw(`SELECT setval(pg_get_serial_sequence('events', 'id'), nextval(pg_get_serial_sequence('events', 'id')) + @n - 1) - @n + 1`,
		sql.Named("n", n)).Scan(&id).Error; err != nil {
		return 0, 0, fmt.Errorf("reserving event ids: %w", err)
	}
	position = b.last + 1
	b.last += n
	return id, position, nil
}

// copy copies t in one transaction. In bulk it turns triggers and
// foreign-key checks off for the transaction, numbers the events from a
// block of ids and positions it reserves. With cp, each chain head is
// written signed with the state it carries; without, neither. It adds the
// time each table took to spent.
func (t *tables) copy(ctx context.Context, db *store.DB, blk *blocks, cp *events.Checkpoints, spent map[string]time.Duration) error {
	if cp != nil {
		t0 := time.Now()
		t.signHeads(cp)
		spent[signing] += time.Since(t0)
	}
	return db.InTx(ctx, func(tx store.Tx) error {
		eventCols := []string{"matter_id", "seq", "type", "proceeding_id", "actor_subject", "actor_role", "actor_org", "occur_time", "payload", "prev_hash", "hash"}
		var positions [][]any
		if blk.bulk && len(t.events) > 0 {
			if err := tx.Gorm().Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
				return err
			}
			first, pos, err := blk.reserve(tx, int64(len(t.events)))
			if err != nil {
				return err
			}
			eventCols = append([]string{"id"}, eventCols...)
			positions = make([][]any, len(t.events))
			for i, e := range t.events {
				id := first + int64(i)
				t.events[i] = append([]any{id}, e...)
				positions[i] = []any{pos + int64(i), id}
			}
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"parties", []string{"id", "kind", "display_name", "credit_code", "domicile_country", "contact", "create_time"}, t.parties},
			{"ip_rights", []string{"id", "type", "registration_number", "title", "holder", "term_start", "term_end", "description", "create_time"}, t.rights},
			{"matters", []string{"id", "number", "state", "complainant_id", "facts", "claims", "known_since", "agency", "ip_types", "forums", "warnings", "version", "create_time", "update_time"}, t.matters},
			{"matter_parties", []string{"matter_id", "role", "position", "party_id"}, t.matterParties},
			{"matter_rights", []string{"matter_id", "position", "right_id"}, t.matterRights},
			{"evidence", []string{"id", "matter_id", "position", "sha256", "size_bytes", "media_type", "source", "description", "create_time"}, t.evidence},
			{"proceedings", []string{"id", "matter_id", "kind", "state", "number", "forum", "reason", "create_time", "update_time"}, t.proceedings},
			{"events", eventCols, t.events},
			{"event_positions", []string{"position", "event_id"}, positions},
			{"event_heads", []string{"matter_id", "seq", "hash", "key_id", "signature", "state"}, t.heads},
		} {
			if len(c.rows) == 0 {
				continue
			}
			t0 := time.Now()
			if err := tx.CopyFrom(c.table, c.cols, c.rows); err != nil {
				return err
			}
			spent[c.table] += time.Since(t0)
		}
		if blk.bulk && len(t.matters) > 0 {
			// The triggers that keep matter_list (migration 000029) were off:
			// write the copied matters' list rows as they would have.
			t0 := time.Now()
			ids := make([]string, len(t.matters))
			for i, m := range t.matters {
				ids[i] = uuid.UUID(m[0].([16]byte)).String()
			}
			// One array literal: gorm would spread a slice into arguments.
			if err := tx.Gorm().Exec(`SELECT matter_list_upsert(?::uuid[], false)`, "{"+strings.Join(ids, ",")+"}").Error; err != nil {
				return fmt.Errorf("matter_list: %w", err)
			}
			spent["matter_list"] += time.Since(t0)
		}
		return nil
	})
}

// signing is the key of spent for signing heads.
const signing = "signing heads"

// signHeads signs each of t's heads with the state it carries.
func (t *tables) signHeads(cp *events.Checkpoints) {
	for _, h := range t.heads {
		h[3], h[4] = cp.SignHead(uuid.UUID(h[0].([16]byte)).String(), h[1].(int64), h[2].([]byte), h[5].([]byte))
	}
}

// seededID returns a time-ordered id (UUIDv7, RFC 9562), for a seeded
// matter and the rows it owns. Copied in order, such ids land at the right
// edge of each primary key, as a restore's do; random ones (ipcased's, v4)
// land anywhere, and past a few million matters the keys' pages no longer
// fit in memory, so that each row read and wrote a page: the seeding fell
// from 2,800 to 870 matters a second between 2 and 6 million matters. A
// look-up costs the same either way.
func seededID() [16]byte { return [16]byte(uuid.Must(uuid.NewV7())) }

// generator makes matters; it is not safe for concurrent use.
type generator struct {
	opt              seedOptions
	holders, repeats [][16]byte
	rng              *rand.Rand
	zipf             *rand.Zipf
}

// matter adds matter number prefix+n to t and returns its id and agency.
// Bulk matter i of opt.N is filed at i/opt.N of the last six years, the
// newest a day ago (so that the service's own filings stay the newest): a
// store fills in filing order. A queue matter (i < 0) is SUBMITTED and
// filed in the last days.
func (g *generator) matter(t *tables, prefix string, n, i int) (string, string) {
	if g.rng == nil {
		g.rng = rand.New(rand.NewPCG(uint64(g.opt.Now.UnixNano()), 7)) //nolint:gosec // G404: made-up test data, no secret
		g.zipf = rand.NewZipf(g.rng, 1.2, 1, holderPool-1)
	}
	r := g.rng
	queue := i < 0
	m := seeded{id: seededID(), number: fmt.Sprintf("%s%08d", prefix, n), state: filing.MatterSubmitted, signed: &filing.Matter{}}
	if queue {
		m.created = g.opt.Now.Add(-24*time.Hour - time.Duration(r.Int64N(int64(72*time.Hour))))
	} else {
		const span = 6 * 365 * 24 * time.Hour
		step := span / time.Duration(max(g.opt.N, 1))
		m.created = g.opt.Now.Add(-24*time.Hour - span + time.Duration(i)*step + time.Duration(r.Int64N(int64(max(step, 1)))))
		m.state = filing.MatterState(matterStates.pick(r))
	}
	m.created = m.created.UTC().Truncate(time.Microsecond)
	m.agency = agencies.pick(r)
	ipType := ipTypes.pick(r)
	if n < 1 {
		panic(fmt.Sprintf("matter number %d: numbers start at 1", n))
	}
	slot := uint64(n) * 8
	if queue {
		slot |= 1 << 40 // queue numbers restart at 1; keep their parties apart
	}

	holder := g.zipf.Uint64()
	m.complainant = g.holders[holder]
	m.signed.Complainant = poolParty(m.complainant, nsHolder, holder, holderName)
	t.matterParties = append(t.matterParties, []any{m.id, "COMPLAINANT", int32(0), m.complainant})
	m.respondents = g.respondents(t, m, n, slot)
	m.rights = 1
	if r.IntN(100) < 20 {
		m.rights = 2
	}
	var types []string // matters.ip_types: sorted, distinct
	for i := range m.rights {
		typ := ipType
		if i > 0 {
			typ = ipTypes.pick(r)
		}
		types = append(types, typ)
		var reg *string
		if registered(typ) {
			s := fmt.Sprintf("S%s%d-%d", prefix[3:4], n, i)
			reg = &s
		}
		rid := seededID()
		start := m.created.AddDate(-2-r.IntN(8), 0, 0)
		right := filing.Right{Type: filing.IPType(typ), RegNumber: deref(reg), Title: fmt.Sprintf("%s 权利 %d", typ, n), Holder: holderName(holder),
			TermStart: new(civil.Of(start)), TermEnd: new(civil.Of(start.AddDate(10, 0, -1)))}
		m.signed.Rights = append(m.signed.Rights, right)
		t.rights = append(t.rights, []any{rid, typ, reg, right.Title, right.Holder, start, start.AddDate(10, 0, -1), "", m.created})
		t.matterRights = append(t.matterRights, []any{m.id, int32(i), rid})
	}
	m.evidence = r.IntN(4)
	for i := range m.evidence {
		e := filing.Evidence{SHA256: randomSHA256(r), Size: int64(10_000 + r.IntN(5_000_000)), MediaType: "application/pdf", Source: "NOTARISED", Description: "公证购买公证书"}
		m.signed.Evidence = append(m.signed.Evidence, e)
		t.evidence = append(t.evidence, []any{seededID(), m.id, int32(i), e.SHA256, e.Size, e.MediaType, e.Source, e.Description, m.created})
	}
	known := m.created.AddDate(0, 0, -r.IntN(365))
	version := map[filing.MatterState]int64{filing.MatterSubmitted: 1, filing.MatterAccepted: 2, filing.MatterRejected: 2,
		filing.MatterWithdrawn: 2, filing.MatterClosed: 3}[m.state]
	m.decided = m.created.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)
	// Decided in the past: a matter filed lately was decided within hours.
	if latest := g.opt.Now.Add(-2 * time.Hour); m.decided.After(latest) {
		m.decided = latest
	}
	m.decided = m.decided.UTC().Truncate(time.Microsecond)
	m.updated = m.created
	if m.state != filing.MatterSubmitted {
		m.updated = m.decided
	}
	slices.Sort(types)
	*m.signed = filing.Matter{ID: filing.MatterID(uuid.UUID(m.id).String()), Number: m.number, State: m.state, Agency: m.agency,
		Complainant: m.signed.Complainant, Respondents: m.signed.Respondents, Rights: m.signed.Rights, Evidence: m.signed.Evidence,
		Facts: facts(r, ipType), Claims: claims}
	t.matters = append(t.matters, []any{m.id, m.number, string(m.state), m.complainant, m.signed.Facts, claims, known, m.agency,
		slices.Compact(types), nil, []byte("[]"), version, m.created, m.updated})
	// matters.forums, as ipcased writes it: the agency filed with (the
	// filing review's forum) and the forum of the proceeding it went to.
	forums := []string{"A:" + m.agency}
	if route, forum := g.review(t, m); route != "" {
		if route.Judicial() {
			forums = append(forums, "J:"+forum)
		} else {
			forums = append(forums, "A:"+forum)
		}
	}
	slices.Sort(forums)
	t.matters[len(t.matters)-1][9] = slices.Compact(forums)
	return uuid.UUID(m.id).String(), m.agency
}

// seeded is what the parts of one generated matter share.
type seeded struct {
	id                        [16]byte
	number, agency            string
	state                     filing.MatterState
	complainant               [16]byte
	respondents, rights       int
	evidence                  int
	created, decided, updated time.Time
	// signed is the matter as ipcased holds it in memory, what its chain
	// head signs (filing.HeadState).
	signed *filing.Matter
}

// respondents adds m's respondents, a fifth of them repeat infringers, and
// returns how many it added.
func (g *generator) respondents(t *tables, m seeded, n int, slot uint64) int {
	r := g.rng
	want := 1
	if x := r.IntN(100); x >= 95 {
		want = 3
	} else if x >= 80 {
		want = 2
	}
	seen := map[[16]byte]bool{m.complainant: true}
	added := 0
	for i := range want {
		var pid [16]byte
		var p filing.Party
		if r.IntN(100) < 20 {
			k := r.Uint64N(repeatPool)
			pid = g.repeats[k]
			if seen[pid] {
				continue
			}
			p = poolParty(pid, nsRepeat, k, repeatName)
		} else {
			pid = seededID()
			if r.IntN(100) < 60 {
				p = filing.Party{Kind: filing.Organization, Name: respondentName(slot + uint64(i)), CreditCode: creditCode(nsSeeded, slot+uint64(i)), Country: "CN", Contact: "浙江省杭州市某区某路1号"}
				t.parties = append(t.parties, []any{pid, string(p.Kind), p.Name, &p.CreditCode, p.Country, p.Contact, m.created})
			} else {
				p = filing.Party{Kind: filing.Person, Name: fmt.Sprintf("自然人%08d", n), Country: "CN", Contact: "13800000000"}
				t.parties = append(t.parties, []any{pid, string(p.Kind), p.Name, nil, p.Country, p.Contact, m.created})
			}
			p.ID = uuid.UUID(pid).String()
		}
		m.signed.Respondents = append(m.signed.Respondents, p)
		seen[pid] = true
		added++
		t.matterParties = append(t.matterParties, []any{m.id, "RESPONDENT", int32(i), pid})
	}
	return added
}

// initial is the state each routable kind of proceeding opens in.
var initial = func() map[filing.ProceedingKind]filing.ProceedingState {
	m := map[filing.ProceedingKind]filing.ProceedingState{}
	for _, r := range []filing.Route{enforcement.Machine.Route(), mediation.Machine.Route(), trial.Machine.Route()} {
		m[r.Kind] = r.Initial
	}
	return m
}()

// review adds m's filing review, where an accepted complaint went, and the
// events of both; it returns the kind and forum of the proceeding the
// complaint went to, if it was accepted.
func (g *generator) review(t *tables, m seeded) (route filing.ProceedingKind, forum string) {
	r := g.rng
	review := seededID()
	reviewState, reason := filing.ProceedingState(m.state), ""
	switch m.state {
	case filing.MatterSubmitted, filing.MatterAccepted:
		// The review is in the matter's state and gave no reason.
	case filing.MatterClosed:
		reviewState = filing.StateAccepted
	case filing.MatterRejected:
		reason = "证据不足，不予受理。"
	case filing.MatterWithdrawn:
		reason = "双方已自行和解。"
	}
	t.proceedings = append(t.proceedings, []any{review, m.id, string(filing.KindFilingReview), string(reviewState), "", m.agency, reason, m.created, m.updated})
	m.signed.Proceedings = append(m.signed.Proceedings, &filing.Proceeding{ID: filing.ProceedingID(uuid.UUID(review).String()), Kind: filing.KindFilingReview, State: reviewState, Forum: m.agency})
	ch := chain{id: m.id, matterID: uuid.UUID(m.id).String()}
	ch.add(t, events.ComplaintSubmitted, review, holderActor, m.created, events.ComplaintSubmittedPayload{
		Number: m.number, Agency: m.agency, Respondents: m.respondents, Rights: m.rights, Evidence: m.evidence, Warnings: []string{}})
	switch m.state {
	case filing.MatterSubmitted:
		// Not reviewed yet: the complaint is all there is.
	case filing.MatterAccepted, filing.MatterClosed:
		route = filing.ProceedingKind(routes.pick(r))
		var opened filing.ProceedingState
		forum, opened = m.agency, initial[route]
		if route == filing.KindTrial {
			forum = courts.pick(r)
		}
		state := opened
		if m.state == filing.MatterClosed {
			state = filing.ProceedingState(enforcement.Closed) // every seeded route has a CLOSED state
		}
		id := seededID()
		t.proceedings = append(t.proceedings, []any{id, m.id, string(route), string(state), "", forum, "", m.decided, m.updated})
		m.signed.Proceedings = append(m.signed.Proceedings, &filing.Proceeding{ID: filing.ProceedingID(uuid.UUID(id).String()), Kind: route, State: state, Forum: forum})
		ch.add(t, events.ComplaintAccepted, review, officerActor, m.decided, events.ComplaintAcceptedPayload{Route: string(route), Forum: forum})
		ch.add(t, events.ProceedingOpened, id, officerActor, m.decided, events.ProceedingOpenedPayload{Kind: string(route), State: string(opened), Forum: forum})
		g.work(t, &ch, m, route, id, forum)
	case filing.MatterRejected:
		ch.add(t, events.ComplaintRejected, review, officerActor, m.decided, events.ReasonPayload{Reason: reason})
	case filing.MatterWithdrawn:
		ch.add(t, events.ComplaintWithdrawn, review, holderActor, m.decided, events.ReasonPayload{Reason: reason})
	}
	ch.head(t, m.signed)
	return route, forum
}

// The seeded events' actors.
var (
	holderActor  = events.Actor{Subject: "seed-holder", Role: "rights_holder"}
	officerActor = events.Actor{Subject: "seed-officer", Role: "officer", Org: "SAMR-HZ"}
)

// chain builds a matter's events with the hash chain events.Log.Append
// makes, and its head (signed by tables.copy); Verify in the tests proves
// the two agree.
type chain struct {
	id       [16]byte
	matterID string
	seq      int64
	prev     []byte
}

func (c *chain) add(t *tables, typ events.Type, proceeding [16]byte, who events.Actor, at time.Time, payload any) {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err) // the payloads are the catalog's own types
	}
	c.seq++
	e := events.Event{MatterID: c.matterID, Seq: c.seq, Type: typ, ProceedingID: uuid.UUID(proceeding).String(), Actor: who,
		OccurTime: at.UTC().Truncate(time.Microsecond), Payload: body, PrevHash: c.prev}
	e.Hash = e.ComputeHash()
	t.events = append(t.events, []any{c.id, e.Seq, string(typ), proceeding, who.Subject, who.Role, who.Org, e.OccurTime, body, c.prev, e.Hash})
	c.prev = e.Hash
}

// head adds the head of c's chain with the state of m, its matter, unsigned
// (tables.copy signs it).
func (c *chain) head(t *tables, m *filing.Matter) {
	state, err := filing.HeadState(m)
	if err != nil {
		panic(err) // a map of strings marshals
	}
	t.heads = append(t.heads, []any{c.id, c.seq, c.prev, "", []byte(nil), state})
}

// poolParty is the party of a pool (ensurePool) with id, its i-th.
func poolParty(id [16]byte, ns string, i uint64, name func(uint64) string) filing.Party {
	return filing.Party{ID: uuid.UUID(id).String(), Kind: filing.Organization, Name: name(i), CreditCode: creditCode(ns, i), Country: "CN", Contact: poolContact}
}

// poolContact is the contact of every party of a pool.
const poolContact = "legal@example.cn"

func repeatName(i uint64) string { return "重复侵权经营者" + strconv.FormatUint(i, 10) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
