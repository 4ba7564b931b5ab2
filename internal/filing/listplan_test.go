package filing_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestListPlansStopAfterThePage: on a matter_list of 60,000 rows shaped like
// the benchmark's (a big agency and a small one, a rights holder in a
// third of the matters, states and IP types by their weights), every list
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
	// third (complainant), another party's for a tenth (respondent).
	if err := db.Session(ctx).Gorm().Exec(`
		WITH m AS (SELECT i, md5(i::text)::uuid AS id, timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute' AS t,
			(ARRAY['SUBMITTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','ACCEPTED','REJECTED','CLOSED','CLOSED','CLOSED','WITHDRAWN'])[1 + (i * 7) % 12] AS state,
			CASE WHEN i % 97 = 0 THEN ARRAY['IC_LAYOUT_DESIGN'] WHEN i % 11 = 0 THEN ARRAY['PATENT_DESIGN', 'TRADEMARK']
				WHEN i % 3 = 0 THEN ARRAY['COPYRIGHT'] ELSE ARRAY['TRADEMARK'] END AS ip_types
			FROM generate_series(1, 24000) i)
		INSERT INTO matter_list (scope, create_time, matter_id, state, ip_types, complainant)
		SELECT '*', t, id, state, ip_types, false FROM m
		UNION ALL SELECT 'A:BIG', t, id, state, ip_types, false FROM m WHERE i % 5 < 3
		UNION ALL SELECT 'A:SMALL', t, id, state, ip_types, false FROM m WHERE i % 50 = 7
		UNION ALL SELECT 'P:' || ?, t, id, state, ip_types, true FROM m WHERE i % 3 = 1
		UNION ALL SELECT 'P:' || ?, t, id, state, ip_types, false FROM m WHERE i % 10 = 4`, holder, other).Error; err != nil {
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
			{State: "ACCEPTED", IPType: "TRADEMARK"}, {PartyID: other}, {From: &from, Until: &until}, {From: &from},
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
			var plan []struct {
				Plan planNode `json:"Plan"`
			}
			var out []byte
			if err := db.Session(ctx).Gorm().Raw("EXPLAIN (FORMAT JSON) "+q, args...).Row().Scan(&out); err != nil {
				t.Fatalf("%+v: %v\n%s", f, err, q)
			}
			if err := json.Unmarshal(out, &plan); err != nil {
				t.Fatal(err)
			}
			// Each scan of matter_list must be an index range scan, with
			// nothing between it and the nearest Limit above that reads
			// all its rows first (a sort, a hash).
			scans := 0
			var walk func(n *planNode, limit bool, blocked string)
			walk = func(n *planNode, limit bool, blocked string) {
				switch n.Type {
				case "Limit":
					limit, blocked = true, ""
				case "Sort", "Hash", "HashAggregate", "Incremental Sort", "Materialize":
					blocked = n.Type
				}
				if n.Relation == "matter_list" {
					scans++
					if (n.Type != "Index Scan" && n.Type != "Index Only Scan") || !limit || blocked != "" {
						t.Errorf("%+v, after %q: matter_list read by a %s (under a Limit: %v; read whole by a %q above), want an index range scan that a Limit stops\n%s\n%s",
							f, page.id, n.Type, limit, blocked, q, out)
					}
				}
				for i := range n.Plans {
					walk(&n.Plans[i], limit, blocked)
				}
			}
			walk(&plan[0].Plan, false, "")
			if scans == 0 {
				t.Errorf("%+v: no scan of matter_list in the plan\n%s", f, out)
			}
		}
	}
}

type planNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Plans    []planNode `json:"Plans"`
}
