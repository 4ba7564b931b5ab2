package metrics_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/ipcase/ipcase/internal/metrics"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestDashboardUsesExportedMetrics reads every metric name the Grafana
// dashboard in deploy/ queries and checks that ipcased or the gateway
// exports it, so that a renamed metric cannot leave a panel empty.
func TestDashboardUsesExportedMetrics(t *testing.T) {
	b, err := os.ReadFile("../../deploy/grafana/ipcase.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct{ Panels []json.RawMessage }
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	// Everything ipcased's and the gateway's registries describe, whether
	// or not it has been observed yet.
	db := storetest.NewDB(t)
	mx := metrics.New()
	if err := mx.RegisterPool(db.SQL(), "ipcase"); err != nil {
		t.Fatal(err)
	}
	if err := db.OnStatement(mx.CountStatement); err != nil {
		t.Fatal(err)
	}
	mx.Registry().MustRegister(metrics.NewStore(func(context.Context) (metrics.Reading, error) { return metrics.Reading{}, nil }, zaptest.NewLogger(t)))
	gw := metrics.New()
	metrics.InstrumentHTTP(gw, http.NotFoundHandler(), func(*http.Request) string { return "" })
	exported := map[string]bool{}
	for _, reg := range []*prometheus.Registry{mx.Registry(), gw.Registry()} {
		descs := make(chan *prometheus.Desc)
		go func() { reg.Describe(descs); close(descs) }()
		for d := range descs {
			if m := fqName.FindStringSubmatch(d.String()); m != nil {
				exported[m[1]] = true
			}
		}
	}
	// Only the queries name metrics; descriptions may mention label values.
	var used []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if e, ok := x.(string); ok && k == "expr" {
					used = append(used, metricName.FindAllString(e, -1)...)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var all any
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	walk(all)
	if len(used) == 0 {
		t.Fatal("the dashboard queries no ipcase metric")
	}
	for _, name := range used {
		base := name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if exported[strings.TrimSuffix(name, suffix)] {
				base = strings.TrimSuffix(name, suffix)
			}
		}
		if !exported[base] {
			t.Errorf("the dashboard queries %s, which nothing exports", name)
		}
	}
}

var (
	metricName = regexp.MustCompile(`\b(?:ipcase|go_sql)_[a-z_]+\b`)
	fqName     = regexp.MustCompile(`fqName: "([^"]+)"`)
)
