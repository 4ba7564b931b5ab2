package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestSeed seeds 2,000 matters and an accept queue of 50 into a fresh
// database, checks the counts and the spread over states, IP types and
// agencies, and reads seeded matters back through ipcased's own store: Get,
// a filtered List, and Verify of their hash chains and signed heads.
func TestSeed(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := storetest.URL(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := events.NewCheckpoints("seed-test", priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The first seeding loads in bulk (the test connects as a superuser) on
	// three connections at once, its indexes built after the copy,
	// the second the relay's way: both must leave the same kind of store.
	schema := func() string {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(ctx) }()
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(d, E'\n' ORDER BY d) FROM (
			SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index WHERE indrelid::regclass::text = ANY ($1)
			UNION ALL
			SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY ($1)) s`,
			seededTables).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := schema()
	rep, err := seed(ctx, seedOptions{URL: url, N: 2000, Queue: 50, Batch: 300, Checkpoint: key, MarkConsumed: true, Bulk: true, Workers: 3,
		DeferIndexes: true, Now: time.Now()}, func(int, int) {})
	if err != nil {
		t.Fatal(err)
	}
	if after := schema(); after != before || !strings.Contains(before, "events_matter_id_seq_key UNIQUE (matter_id, seq)") {
		t.Errorf("the seeding deferring its indexes left the seeded tables' indexes and constraints\n%s\nwhere they were\n%s", after, before)
	}
	if !rep.Bulk {
		t.Error("the first seeding did not load in bulk")
	}
	if rep.Matters != 2000 || rep.Queue != 50 || len(rep.QueueIDs) != 50 || rep.QueueFirst != 1 {
		t.Errorf("report = %d matters, %d queued (%d ids, first %d); want 2000, 50, 50, 1", rep.Matters, rep.Queue, len(rep.QueueIDs), rep.QueueFirst)
	}
	db, err := store.Open(ctx, store.Config{URL: url, MaxOpenConns: 4}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	// The rebuilt unique constraints hold: a second event at a seeded
	// matter's sequence number is refused.
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO events (matter_id, seq, type, actor_subject, actor_role, occur_time, payload, hash)
		SELECT matter_id, seq, type, actor_subject, actor_role, occur_time, payload, hash FROM events LIMIT 1`); err == nil ||
		!strings.Contains(err.Error(), "events_matter_id_seq_key") {
		t.Errorf("a duplicate (matter_id, seq) after the rebuild: %v; want events_matter_id_seq_key violated", err)
	}

	// The seeder writes every table with SQL of its own; the test reads
	// them back the same way, through the pool itself.
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.SQL().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for _, c := range []struct {
		what string
		q    string
		want int64
	}{
		{"matters", `SELECT count(*) FROM matters`, 2050},
		{"queue matters, all SUBMITTED", `SELECT count(*) FROM matters WHERE number LIKE 'IPCQ-%' AND state = 'SUBMITTED'`, 50},
		{"complainants, one per matter", `SELECT count(*) FROM matter_parties WHERE role = 'COMPLAINANT'`, 2050},
		{"matters without a respondent", `SELECT count(*) FROM matters m WHERE NOT EXISTS (SELECT 1 FROM matter_parties mp WHERE mp.matter_id = m.id AND mp.role = 'RESPONDENT')`, 0},
		{"matters without a right", `SELECT count(*) FROM matters m WHERE NOT EXISTS (SELECT 1 FROM matter_rights mr WHERE mr.matter_id = m.id)`, 0},
		{"filing reviews, one per matter", `SELECT count(*) FROM proceedings WHERE kind = 'FILING_REVIEW'`, 2050},
		{"accepted or closed matters without a routed proceeding", `SELECT count(*) FROM matters m WHERE state IN ('ACCEPTED', 'CLOSED')
			AND NOT EXISTS (SELECT 1 FROM proceedings p WHERE p.matter_id = m.id AND p.kind <> 'FILING_REVIEW')`, 0},
		{"heads, one per matter", `SELECT count(*) FROM event_heads`, 2050},
		// The bulk load runs without triggers, so it writes the list rows
		// (migration 000029) itself: each matter in the admin's list, its
		// forums' and its parties'.
		{"matters missing from the admin's list", `SELECT count(*) FROM matters m WHERE NOT EXISTS (SELECT 1 FROM matter_list l WHERE l.scope = '*' AND l.matter_id = m.id)`, 0},
		{"matters missing from a forum's list", `SELECT count(*) FROM matters m, unnest(m.forums) f WHERE NOT EXISTS (SELECT 1 FROM matter_list l WHERE l.scope = f AND l.matter_id = m.id)`, 0},
		{"matters missing from a party's list", `SELECT count(*) FROM matter_parties mp WHERE NOT EXISTS (SELECT 1 FROM matter_list l WHERE l.scope = 'P:' || mp.party_id AND l.matter_id = mp.matter_id)`, 0},
		{"heads not at the last event", `SELECT count(*) FROM event_heads h WHERE h.seq <> (SELECT max(seq) FROM events e WHERE e.matter_id = h.matter_id)`, 0},
		{"events", `SELECT count(*) FROM events`, rep.Events},
		{"positioned events", `SELECT count(*) FROM event_positions`, rep.Events},
		{"unpositioned events", `SELECT count(*) FROM event_unstamped`, 0},
		{"the last position (gap-free from 1)", `SELECT max(position) FROM event_positions`, rep.Events},
		{"events positioned out of id order", `SELECT count(*) FROM event_positions a JOIN event_positions b ON b.position = a.position + 1 WHERE b.event_id < a.event_id`, 0},
		{"events before their matter's filing", `SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id WHERE e.occur_time < m.create_time`, 0},
		{"events in the future", `SELECT count(*) FROM events WHERE occur_time > now()`, 0},
		// A store fills in filing order, and a big seeding is only fast
		// while its kept keys grow at their right edge (seededID).
		{"bulk matters filed before, or with an id below, the number before them", `SELECT count(*) FROM (
			SELECT id, create_time, lag(id) OVER w AS prev_id, lag(create_time) OVER w AS prev_time
			FROM matters WHERE number LIKE 'IPCS-%' WINDOW w AS (ORDER BY number)) s
			WHERE id < prev_id OR create_time < prev_time`, 0},
		{"seeded parties, rights, evidence and proceedings with ids below their matter's", `SELECT
			(SELECT count(*) FROM matter_parties mp JOIN parties p ON p.id = mp.party_id JOIN matters m ON m.id = mp.matter_id
				WHERE p.create_time = m.create_time AND p.id < m.id)
			+ (SELECT count(*) FROM matter_rights mr WHERE mr.right_id < mr.matter_id)
			+ (SELECT count(*) FROM evidence e WHERE e.id < e.matter_id)
			+ (SELECT count(*) FROM proceedings p WHERE p.id < p.matter_id)`, 0},
		{"events out of time order in their chain", `SELECT count(*) FROM events a JOIN events b ON b.matter_id = a.matter_id AND b.seq = a.seq + 1 WHERE b.occur_time < a.occur_time`, 0},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s: %d, want %d", c.what, got, c.want)
		}
	}
	if rep.Stamped != rep.Events {
		t.Errorf("the seeding positioned %d of its %d events", rep.Stamped, rep.Events)
	}

	// A decade of national traffic is 100-200 million events over 5-10
	// million matters: 15 to 20 a matter.
	if per := float64(rep.Events) / 2050; per < 15 || per > 20 {
		t.Errorf("%.1f events a matter, want 15 to 20", per)
	}
	if n := count(`SELECT count(DISTINCT type) FROM events`); n < 20 {
		t.Errorf("%d event types seeded, want the work of every route (20 or more)", n)
	}

	// The spread: 2,000 draws of the weights in data.go, with room for chance.
	share := func(q string, arg string) float64 {
		return float64(count(q, arg)) / 2000
	}
	for _, s := range []struct {
		state    string
		min, max float64
	}{{"SUBMITTED", 0.04, 0.13}, {"ACCEPTED", 0.49, 0.61}, {"REJECTED", 0.08, 0.16}, {"WITHDRAWN", 0.02, 0.08}, {"CLOSED", 0.15, 0.25}} {
		if got := share(`SELECT count(*) FROM matters WHERE number LIKE 'IPCS-%' AND state = $1`, s.state); got < s.min || got > s.max {
			t.Errorf("%s: %.3f of seeded matters, want %.2f to %.2f", s.state, got, s.min, s.max)
		}
	}
	if got := share(`SELECT count(DISTINCT mr.matter_id) FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id
		JOIN matters m ON m.id = mr.matter_id WHERE m.number LIKE 'IPCS-%' AND r.type = $1`, "TRADEMARK"); got < 0.38 || got > 0.58 {
		t.Errorf("matters over a trademark: %.3f, want about 0.45 (plus second rights)", got)
	}
	// matters.ip_types is what ipcased writes: its rights' types, sorted
	// and distinct (ListMatters filters on it).
	if n := count(`SELECT count(*) FROM matters m WHERE ip_types IS DISTINCT FROM (SELECT array_agg(DISTINCT r.type ORDER BY r.type)
		FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id WHERE mr.matter_id = m.id)`); n != 0 {
		t.Errorf("%d matters' ip_types differ from their rights' types", n)
	}
	// matters.forums likewise: the agency filed with and each proceeding's
	// forum, J: for a court's.
	if n := count(`SELECT count(*) FROM matters m WHERE forums IS DISTINCT FROM (SELECT array_agg(DISTINCT f ORDER BY f) FROM (
		SELECT 'A:' || m.agency AS f UNION ALL
		SELECT CASE WHEN kind IN ('TRIAL', 'CONFIRMATION') THEN 'J:' ELSE 'A:' END || forum FROM proceedings WHERE matter_id = m.id) x)`); n != 0 {
		t.Errorf("%d matters' forums differ from their agency's and proceedings'", n)
	}
	if n := count(`SELECT count(DISTINCT type) FROM ip_rights`); n < 8 {
		t.Errorf("%d IP types seeded, want at least 8 of 9", n)
	}
	if n := count(`SELECT count(DISTINCT agency) FROM matters`); n < 10 {
		t.Errorf("%d agencies seeded, want at least 10 of 11", n)
	}
	if n := count(`SELECT count(DISTINCT forum) FROM proceedings WHERE kind = 'TRIAL'`); n < 5 {
		t.Errorf("trials before %d courts, want at least 5", n)
	}
	// Rights holders file again and again; the first the most.
	top := count(`SELECT count(*) FROM matter_parties mp JOIN parties p ON p.id = mp.party_id WHERE mp.role = 'COMPLAINANT' AND p.id = $1`, rep.Holder)
	if top < 200 {
		t.Errorf("the top rights holder filed %d of 2,050 matters, want a Zipf head of 200 or more", top)
	}
	if n := count(`SELECT count(DISTINCT party_id) FROM matter_parties WHERE role = 'COMPLAINANT'`); n < 100 {
		t.Errorf("%d distinct complainants, want many", n)
	}

	cp, err := events.NewCheckpoints("seed-test", priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	log := events.NewLog(cp)
	st := filing.NewStore(db, log, chaintest.Routes()...)
	for _, state := range []string{"SUBMITTED", "ACCEPTED", "REJECTED", "CLOSED"} {
		var row struct {
			ID, Number, Agency string
			Events             int64
		}
		if err := db.SQL().QueryRowContext(ctx, `SELECT m.id, m.number, m.agency, (SELECT count(*) FROM events e WHERE e.matter_id = m.id) AS events
			FROM matters m WHERE m.state = $1 AND m.number LIKE 'IPCS-%' LIMIT 1`, state).Scan(&row.ID, &row.Number, &row.Agency, &row.Events); err != nil || row.ID == "" {
			t.Fatalf("a seeded %s matter: %v", state, err)
		}
		m, err := st.Get(ctx, filing.MatterID(row.ID))
		if err != nil {
			t.Fatalf("Get(%s %s): %v", state, row.Number, err)
		}
		if string(m.State) != state || m.Number != row.Number || m.Agency != row.Agency || m.Complainant.ID == "" ||
			len(m.Respondents) == 0 || len(m.Rights) == 0 || m.Review() == nil || m.Facts == "" {
			t.Errorf("Get(%s) = %+v: incomplete", row.Number, m)
		}
		v, err := log.Verify(db.Session(ctx), row.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Intact || v.Checked != row.Events {
			t.Errorf("Verify(%s %s) = %+v; want an intact chain of %d events", state, row.Number, v, row.Events)
		}
	}
	// Every seeded chain, not only one of each state, verifies, and so does
	// the matter's state its head signs against its rows (the seeder signs
	// it, so that ipcased's start has none to sign while it serves).
	if rep.Signed != 2050 {
		t.Errorf("the seeding signed the state of %d matters, want 2050", rep.Signed)
	}
	if n := count(`SELECT count(*) FROM event_heads WHERE state IS NULL`); n != 0 {
		t.Errorf("%d heads carry no state", n)
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT id FROM matters`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if v, err := st.VerifyHistory(ctx, filing.MatterID(id)); err != nil || !v.Intact {
			t.Fatalf("VerifyHistory(%s) = %+v, %v; want intact", id, v, err)
		}
	}
	page, next, err := st.List(ctx, filing.Filter{Visible: filing.Visibility{All: true}, State: filing.MatterAccepted, IPType: filing.Trademark}, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 20 || next == "" {
		t.Fatalf("List(ACCEPTED, TRADEMARK) = %d matters, next %q; want a full first page", len(page), next)
	}
	for _, m := range page {
		if m.State != filing.MatterAccepted {
			t.Errorf("List(ACCEPTED) returned %s in state %s", m.Number, m.State)
		}
	}

	// A second seeding continues the numbering and reuses the party pools.
	rep2, err := seed(ctx, seedOptions{URL: url, N: 100, Queue: 10, Batch: 1000, Checkpoint: key, MarkConsumed: true, Now: time.Now()}, func(int, int) {})
	if err != nil {
		t.Fatalf("second seeding: %v", err)
	}
	if rep2.QueueFirst != 51 || rep2.Holder != rep.Holder {
		t.Errorf("second seeding: queue from %d, holder %s; want 51 and the same holder %s", rep2.QueueFirst, rep2.Holder, rep.Holder)
	}
	if got := count(`SELECT count(*) FROM matters`); got != 2160 {
		t.Errorf("after the second seeding: %d matters, want 2160", got)
	}
	if rep2.Bulk || rep2.Stamped != rep2.Events {
		t.Errorf("second seeding (not in bulk): bulk %t, positioned %d of its %d events", rep2.Bulk, rep2.Stamped, rep2.Events)
	}
	if got, want := count(`SELECT max(position) FROM event_positions`), rep.Events+rep2.Events; got != want || count(`SELECT count(*) FROM event_positions`) != want {
		t.Errorf("after the second seeding: last position %d, want %d, gap-free", got, want)
	}
	if got := count(`SELECT count(*) FROM parties WHERE credit_code LIKE $1`, nsHolder+"%"); got != holderPool {
		t.Errorf("%d rights holders in the pool, want %d", got, holderPool)
	}
	checkHelpersSQL(t, db)
}

// checkHelpersSQL checks that bench_credit_code in scripts/bench/helpers.sql
// names the parties the seeder names, which the pgbench submit relies on.
func checkHelpersSQL(t *testing.T, db *store.DB) {
	t.Helper()
	sql, err := os.ReadFile("../../scripts/bench/helpers.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(t.Context(), string(sql)); err != nil {
		t.Fatalf("helpers.sql: %v", err)
	}
	for _, n := range []uint64{0, 1, 4999, 123456789, 8999999999999999999} {
		for _, ns := range []string{nsHolder, "95"} {
			var got string
			if err := db.SQL().QueryRowContext(t.Context(), `SELECT bench_credit_code($1, $2)`, ns, n).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := creditCode(ns, n); got != want || !strings.HasPrefix(got, ns) {
				t.Errorf("bench_credit_code(%s, %d) = %s, creditCode gives %s", ns, n, got, want)
			}
		}
	}
}
