package deploy_test

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
)

// contractMetrics are the metric families ipcased and the gateway export
// (README.md, "Observability"); a dashboard query naming any other series
// shows nothing.
var contractMetrics = []string{
	"ipcase_grpc_requests_total",
	"ipcase_grpc_request_duration_seconds",
	"ipcase_db_statements_per_call",
	"go_sql_open_connections",
	"go_sql_in_use_connections",
	"go_sql_idle_connections",
	"go_sql_max_open_connections",
	"go_sql_wait_count_total",
	"go_sql_wait_duration_seconds_total",
	"ipcase_database_up",
	"ipcase_leader",
	"ipcase_event_log_position",
	"ipcase_event_unstamped",
	"ipcase_event_consumer_lag",
	"ipcase_deadlines_approaching",
	"ipcase_deadlines_overdue",
	"ipcase_deadlines_missed",
	"ipcase_http_requests_total",
	"ipcase_http_request_duration_seconds",
}

// histograms are the contract's histograms, queried through their series.
var histograms = []string{"ipcase_grpc_request_duration_seconds", "ipcase_db_statements_per_call", "ipcase_http_request_duration_seconds"}

type grafanaDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type grafanaPanel struct {
	ID         int                `json:"id"`
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Datasource *grafanaDatasource `json:"datasource"`
	GridPos    struct{ H, W, X, Y int }
	Targets    []struct {
		RefID      string             `json:"refId"`
		Expr       string             `json:"expr"`
		Datasource *grafanaDatasource `json:"datasource"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // a collapsed row's
}

func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("grafana/ipcase.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		SchemaVersion int            `json:"schemaVersion"`
		UID           string         `json:"uid"`
		Title         string         `json:"title"`
		Panels        []grafanaPanel `json:"panels"`
		Templating    struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("grafana/ipcase.json: %v", err)
	}
	if dash.SchemaVersion < 36 || dash.UID == "" || dash.Title == "" {
		t.Errorf("dashboard: schemaVersion %d (want >= 36), uid %q, title %q", dash.SchemaVersion, dash.UID, dash.Title)
	}
	variables := map[string]string{}
	for _, v := range dash.Templating.List {
		variables[v.Name] = v.Type
		if v.Type == "datasource" && v.Query != "prometheus" {
			t.Errorf("datasource variable %s picks %v, want prometheus", v.Name, v.Query)
		}
	}
	if variables["datasource"] != "datasource" {
		t.Fatal("dashboard has no datasource variable named datasource")
	}

	var panels []grafanaPanel
	for _, p := range dash.Panels {
		panels = append(panels, p)
		panels = append(panels, p.Panels...)
	}
	ids := map[int]bool{}
	used := map[string]bool{}
	queries := 0
	for _, p := range panels {
		if ids[p.ID] {
			t.Errorf("panel %q: id %d is used twice", p.Title, p.ID)
		}
		ids[p.ID] = true
		if p.GridPos.W < 1 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: gridPos %+v is outside the 24 columns", p.Title, p.GridPos)
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: datasource %v, want the ${datasource} variable", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			where := p.Title + " " + q.RefID
			if strings.TrimSpace(q.Expr) == "" {
				t.Errorf("%s: empty expr", where)
				continue
			}
			if q.Datasource != nil && q.Datasource.UID != "${datasource}" {
				t.Errorf("%s: datasource %v, want the ${datasource} variable", where, q.Datasource)
			}
			queries++
			// Grafana substitutes its variables before Prometheus parses.
			expr := strings.NewReplacer("$__rate_interval", "5m", "$instance", ".*").Replace(q.Expr)
			e, err := parser.ParseExpr(expr)
			if err != nil {
				t.Errorf("%s: %s: %v", where, q.Expr, err)
				continue
			}
			for _, name := range metricNames(e) {
				family := name
				for _, h := range histograms {
					if name == h+"_bucket" || name == h+"_sum" || name == h+"_count" {
						family = h
					}
				}
				if !slices.Contains(contractMetrics, family) || slices.Contains(histograms, name) {
					t.Errorf("%s: %s is not a series ipcase exports", where, name)
				}
				used[family] = true
			}
		}
	}
	if queries < 15 {
		t.Errorf("dashboard has %d queries", queries)
	}
	var unused []string
	for _, m := range contractMetrics {
		if !used[m] {
			unused = append(unused, m)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("no panel shows %v", unused)
	}
}

// metricNames returns the metric names an expression selects.
func metricNames(e parser.Expr) []string {
	var out []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs.Name)
		}
		return nil
	})
	return out
}
