package filing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestListPlansStopAfterThePage: on a matter_list of 200,000 matters shaped
// like the benchmark's (a big agency and a small one, a rights holder in a
// fifth of the matters as the top one files there, states and IP types by
// their weights), its indexes built after the rows as a restore leaves
// them, every list
// shape ListMatters builds, first page and a deep one, reads matter_list
// only by a range scan of one of its B-trees directly under a Limit: in
// keyset order, stopping after the page, never a sequential scan nor a sort
// of the rows that match.
func TestListPlansStopAfterThePage(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	s := newStore(db)
	ctx := t.Context()
	holder, other := uuid.NewString(), uuid.NewString()
	// Row i: matter i, filed i minutes after 2020-01-01; '*' for every
	// matter, 'A:BIG' for 60 %, 'A:SMALL' for 2 %, the holder's list for a
	// fifth (complainant), another party's for a tenth (respondent). With
	// the holder as the party filter of an agency's officer, the planner
	// hash-joined the two lists whole until inScope kept its look-up.
	if err := db.Session(ctx).Gorm().Exec(`
		WITH m AS (SELECT i, md5(i::text)::uuid AS id, timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute' AS t,
			(ARRAY['SUBMITTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','REJECTED','CLOSED','CLOSED','CLOSED','WITHDRAWN'])[1 + (i * 7) % 12] AS state,
			CASE WHEN i % 97 = 0 THEN ARRAY['IC_LAYOUT_DESIGN'] WHEN i % 11 = 0 THEN ARRAY['PATENT_DESIGN', 'TRADEMARK']
				WHEN i % 3 = 0 THEN ARRAY['COPYRIGHT'] ELSE ARRAY['TRADEMARK'] END AS ip_types
			FROM generate_series(1, 200000) i)
		INSERT INTO matter_list (scope, create_time, matter_id, state, ip_types, complainant)
		SELECT '*', t, id, state, ip_types, false FROM m
		UNION ALL SELECT 'A:BIG', t, id, state, ip_types, false FROM m WHERE i % 5 < 3
		UNION ALL SELECT 'A:SMALL', t, id, state, ip_types, false FROM m WHERE i % 50 = 7
		UNION ALL SELECT 'P:' || ?, t, id, state, ip_types, true FROM m WHERE i % 5 = 1
		UNION ALL SELECT 'P:' || ?, t, id, state, ip_types, false FROM m WHERE i % 10 = 4`, holder, other).Error; err != nil {
		t.Fatal(err)
	}
	// Rebuilt, as a restore (or ipcase-bench seed -defer-indexes) leaves
	// them: compact indexes change which one the planner finds cheapest.
	if _, err := db.SQL().ExecContext(ctx, `REINDEX TABLE matter_list`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `VACUUM ANALYZE matter_list`); err != nil {
		t.Fatal(err)
	}

	from, until := time.Date(2020, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2020, 1, 12, 0, 0, 0, 0, time.UTC)
	deep := time.Date(2020, 1, 10, 0, 0, 0, 0, time.UTC)
	var shapes []filing.Filter
	for _, v := range []filing.Visibility{{All: true}, {Agency: "BIG"}, {Agency: "SMALL"}, {Court: "SMALL"},
		{Parties: []string{holder}}, {Parties: []string{holder, other}}} {
		for _, f := range []filing.Filter{{}, {State: "SUBMITTED"}, {IPType: "IC_LAYOUT_DESIGN"}, {State: "SUBMITTED", IPType: "IC_LAYOUT_DESIGN"},
			{State: "ACCEPTED", IPType: "TRADEMARK"}, {PartyID: other}, {PartyID: holder}, {From: &from, Until: &until}, {From: &from},
			{State: "SUBMITTED", IPType: "PATENT_DESIGN", PartyID: other, From: &from, Until: &until}} {
			f.Visible = v
			shapes = append(shapes, f)
		}
	}
	for _, f := range shapes {
		for _, page := range []struct {
			at time.Time
			id string
		}{{}, {deep, uuid.NewString()}} {
			q, args := s.PageQuery(f, page.at, page.id, 20)
			plan, out := storetest.Explain(t, db, q, args...)
			// Each scan of matter_list must be an index range scan, with
			// nothing between it and the nearest Limit above that reads
			// all its rows first (a sort, a hash).
			scans := 0
			plan.Walk(func(n *storetest.PlanNode, above []*storetest.PlanNode) {
				if n.Relation != "matter_list" {
					return
				}
				scans++
				limit, blocked := false, ""
				for i := len(above) - 1; i >= 0 && !limit && blocked == ""; i-- {
					switch above[i].Type {
					case "Limit":
						limit = true
					case "Sort", "Hash", "HashAggregate", "Incremental Sort", "Materialize":
						blocked = above[i].Type
					}
				}
				if (n.Type != "Index Scan" && n.Type != "Index Only Scan") || !limit {
					t.Errorf("%+v, after %q: matter_list read by a %s (under a Limit: %v; read whole by a %q above), want an index range scan that a Limit stops\n%s\n%s",
						f, page.id, n.Type, limit, blocked, q, out)
				}
			})
			if scans == 0 {
				t.Errorf("%+v: no scan of matter_list in the plan\n%s", f, out)
			}
		}
	}
}

// TestReachPlanReadsOnlyTheMattersNamed: Reach (which of a page of events'
// matters a subscriber may see) names up to 500 matters by id. Prepared,
// its generic plan once scanned every matter of the caller's forum through
// the GIN index on matters.forums and tested the ids on each: 0.2 ms as a
// custom plan, 84 ms as the generic one (0.5 s under load) at 4,000,000
// matters, where a big agency has 720,000. On 50,000 matters, 60 % of them
// in forum BIG, the generic plan of each forum visibility must read the
// matters by their primary key and nothing else, and Reach must answer the
// matters of BIG among those named.
func TestReachPlanReadsOnlyTheMattersNamed(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	s := newStore(db)
	ctx := t.Context()
	const party = "00000000-0000-0000-0000-000000000001"
	for _, q := range []string{
		`INSERT INTO parties (id, kind, display_name, domicile_country, contact) VALUES ('` + party + `', 'PERSON', '张三', 'CN', '')`,
		`INSERT INTO matters (id, number, state, complainant_id, facts, agency, create_time, update_time, forums)
		SELECT md5(i::text)::uuid, 'N-' || i, 'ACCEPTED', '` + party + `', 'f', 'BIG', now(), now(),
			CASE WHEN i % 5 < 3 THEN ARRAY['A:BIG', 'J:BIG'] ELSE ARRAY['A:OTHER'] END
		FROM generate_series(1, 50000) i`,
		`ANALYZE matters`,
	} {
		storetest.Exec(t, db, q)
	}
	var named []struct {
		ID  string
		Big bool
	}
	if err := db.Session(ctx).Gorm().Raw(`SELECT md5(i::text)::uuid::text AS id, i % 5 < 3 AS big FROM generate_series(1, 500) i`).
		Scan(&named).Error; err != nil {
		t.Fatal(err)
	}
	var ids, big []string
	for _, m := range named {
		ids = append(ids, m.ID)
		if m.Big {
			big = append(big, m.ID)
		}
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	for i, v := range []filing.Visibility{{Agency: "BIG"}, {Court: "BIG"}} {
		q, args := s.ReachQuery(v, ids)
		prepared, values := numbered(t, q, args)
		name := fmt.Sprintf("reach%d", i)
		if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+prepared); err != nil {
			t.Fatalf("%+v: %v\n%s", v, err, prepared)
		}
		var out []byte
		if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE "+name+"("+strings.Join(values, ", ")+")").Scan(&out); err != nil {
			t.Fatal(err)
		}
		var indexes []string
		storetest.ParsePlan(t, out).Walk(func(n *storetest.PlanNode, _ []*storetest.PlanNode) {
			if n.Index != "" {
				indexes = append(indexes, n.Index)
			}
		})
		if len(indexes) != 1 || indexes[0] != "matters_pkey" {
			t.Errorf("%+v: the generic plan reads the indexes %v; want matters_pkey only\n%s", v, indexes, out)
		}
		reach, err := s.Reach(db.Session(ctx), v, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(reach) != len(big) {
			t.Errorf("%+v: Reach found %d of the 500 matters; want the %d of BIG", v, len(reach), len(big))
		}
		for _, id := range big {
			if !reach[id] {
				t.Errorf("%+v: Reach misses %s, a matter of BIG", v, id)
				break
			}
		}
	}
}

// numbered is q with its ? placeholders numbered $1, $2, … (a list
// argument takes one for each element, as gorm expands it), and the
// arguments as quoted literals, for PREPARE and EXECUTE.
func numbered(t *testing.T, q string, args []any) (string, []string) {
	t.Helper()
	var b strings.Builder
	var values []string
	for _, arg := range args {
		i := strings.IndexByte(q, '?')
		if i < 0 {
			t.Fatalf("more arguments than placeholders in %s", q)
		}
		b.WriteString(q[:i])
		q = q[i+1:]
		items, ok := arg.([]string)
		if !ok {
			items = []string{fmt.Sprint(arg)}
		}
		marks := make([]string, len(items))
		for j, it := range items {
			values = append(values, "'"+strings.ReplaceAll(it, "'", "''")+"'")
			marks[j] = fmt.Sprintf("$%d", len(values))
		}
		if ok {
			b.WriteString("(" + strings.Join(marks, ", ") + ")")
		} else {
			b.WriteString(marks[0])
		}
	}
	b.WriteString(q)
	return b.String(), values
}
