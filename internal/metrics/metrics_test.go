package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/metrics"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	submit = "/ipcase.v1.FilingService/SubmitComplaint"
	list   = "/ipcase.v1.FilingService/ListMatters"
	get    = "/ipcase.v1.FilingService/GetMatter"
)

// scrape fetches /metrics over HTTP and parses the text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// find returns the metric of family name whose labels include want.
func find(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		for k, v := range want {
			if !slices.ContainsFunc(m.GetLabel(), func(l *dto.LabelPair) bool { return l.GetName() == k && l.GetValue() == v }) {
				continue next
			}
		}
		return m
	}
	return nil
}

func complaint(i int) *ipcasev1.SubmitComplaintRequest {
	return &ipcasev1.SubmitComplaintRequest{
		RequestId:   uuid.NewString(),
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: fmt.Sprintf("李明 %d", i)},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "王强"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "《山海行记》", Holder: fmt.Sprintf("李明 %d", i)}},
		Facts:       "Photographs of the series are offered for download without licence.",
		KnownSince:  "2026-10-01",
		Agency:      "NCAC-FJ",
	}
}

// TestCallsAndStatementsAreCounted serves the filing service with the
// metrics interceptor in front of authentication, as ipcased does, makes
// calls, and reads them back from /metrics over HTTP: counts by method and
// code, latencies, and statements per call — the same for a list page of 2
// as of 10 matters, which is what "no N+1" means to an operator.
func TestCallsAndStatementsAreCounted(t *testing.T) {
	ctx := t.Context()
	db := storetest.NewDB(t)
	mx := metrics.New()
	if err := mx.RegisterPool(db.SQL(), "ipcase"); err != nil {
		t.Fatal(err)
	}
	if err := db.OnStatement(mx.CountStatement); err != nil {
		t.Fatal(err)
	}
	env := authtest.New(t)
	opts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(mx.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(mx.StreamInterceptor()),
	}, env.ServerOptions()...)
	conn := servertest.Start(t, func(s *server.Server) {
		fs := filing.NewStore(db, events.NewLog(events.NewEphemeralCheckpoints()), chaintest.Routes()...)
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(fs, embedded(t), time.Now))
	}, opts...)
	client := ipcasev1.NewFilingServiceClient(conn)
	officer := authtest.WithToken(ctx, env.Officer(t, "NCAC-FJ"))
	web := httptest.NewServer(mx.Handler())
	defer web.Close()

	const n = 12
	var first string
	for i := range n {
		m, err := client.SubmitComplaint(officer, complaint(i))
		if err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = m.GetMatter().GetName()
		}
	}
	if _, err := client.GetMatter(ctx, &ipcasev1.GetMatterRequest{Name: first}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("GetMatter without a token: %v, want Unauthenticated", err)
	}
	statementsOf := func(pageSize int32) float64 {
		t.Helper()
		before := find(scrape(t, web.URL), "ipcase_db_statements_per_call", map[string]string{"method": list}).GetHistogram()
		page, err := client.ListMatters(officer, &ipcasev1.ListMattersRequest{PageSize: pageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.GetMatters()) != int(pageSize) {
			t.Fatalf("page of %d holds %d matters", pageSize, len(page.GetMatters()))
		}
		after := find(scrape(t, web.URL), "ipcase_db_statements_per_call", map[string]string{"method": list}).GetHistogram()
		if after.GetSampleCount() != before.GetSampleCount()+1 {
			t.Fatalf("list calls observed: %d → %d, want one more", before.GetSampleCount(), after.GetSampleCount())
		}
		return after.GetSampleSum() - before.GetSampleSum()
	}
	small, large := statementsOf(2), statementsOf(10)
	t.Logf("ListMatters: %v statements for a page of 2, %v for a page of 10", small, large)
	if small < 1 || small != large {
		t.Errorf("ListMatters issued %v statements for 2 matters and %v for 10; want the same positive number", small, large)
	}

	fams := scrape(t, web.URL)
	if c := find(fams, "ipcase_grpc_requests_total", map[string]string{"method": submit, "code": "OK"}); c.GetCounter().GetValue() != n {
		t.Errorf("SubmitComplaint OK count = %v, want %d", c.GetCounter().GetValue(), n)
	}
	if c := find(fams, "ipcase_grpc_requests_total", map[string]string{"method": get, "code": "Unauthenticated"}); c.GetCounter().GetValue() != 1 {
		t.Errorf("refused GetMatter count = %v, want 1", c.GetCounter().GetValue())
	}
	h := find(fams, "ipcase_grpc_request_duration_seconds", map[string]string{"method": submit}).GetHistogram()
	if h.GetSampleCount() != n || h.GetSampleSum() <= 0 {
		t.Errorf("SubmitComplaint latency histogram: count %d sum %v", h.GetSampleCount(), h.GetSampleSum())
	}
	// A submit writes the matter, its parties, rights and events: more
	// than one statement, and a refused call reaches no SQL at all.
	if s := find(fams, "ipcase_db_statements_per_call", map[string]string{"method": submit}).GetHistogram(); s.GetSampleSum()/float64(s.GetSampleCount()) < 2 {
		t.Errorf("SubmitComplaint statements per call = %v, want several", s.GetSampleSum()/float64(s.GetSampleCount()))
	}
	if s := find(fams, "ipcase_db_statements_per_call", map[string]string{"method": get}).GetHistogram(); s.GetSampleSum() != 0 {
		t.Errorf("a refused GetMatter issued %v statements", s.GetSampleSum())
	}
	if g := find(fams, "go_sql_max_open_connections", map[string]string{"db_name": "ipcase"}); g == nil {
		t.Error("no database pool metrics")
	}

	// pprof is served on the metrics listener.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, web.URL+"/debug/pprof/goroutine?debug=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Errorf("pprof goroutine profile: %s", resp.Status)
	}
}

func embedded(t testing.TB) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestStoreGauges checks that a Reading is exported as the gauges operators
// watch, each under its labels; cmd/ipcased tests the reading itself
// against the store.
func TestStoreGauges(t *testing.T) {
	r := metrics.Reading{Position: 41, Unstamped: 1, Lag: map[string]int64{"test.behind": 39, "test.caught_up": 0},
		Deadlines: []metrics.DeadlineCounts{{Kind: "trial.appeal", Approaching: 2, Overdue: 1}, {Kind: "enforcement.decision", Missed: 3}}}
	mx := metrics.New()
	mx.Registry().MustRegister(metrics.NewStore(func(context.Context) (metrics.Reading, error) { return r, nil }, zaptest.NewLogger(t)))
	web := httptest.NewServer(mx.Handler())
	defer web.Close()
	fams := scrape(t, web.URL)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"ipcase_store_scrape_success", nil, 1},
		{"ipcase_event_log_position", nil, 41},
		{"ipcase_event_unstamped", nil, 1},
		{"ipcase_event_consumer_lag", map[string]string{"consumer": "test.behind"}, 39},
		{"ipcase_event_consumer_lag", map[string]string{"consumer": "test.caught_up"}, 0},
		{"ipcase_deadlines_approaching", map[string]string{"kind": "trial.appeal"}, 2},
		{"ipcase_deadlines_overdue", map[string]string{"kind": "trial.appeal"}, 1},
		{"ipcase_deadlines_missed", map[string]string{"kind": "trial.appeal"}, 0},
		{"ipcase_deadlines_approaching", map[string]string{"kind": "enforcement.decision"}, 0},
		{"ipcase_deadlines_missed", map[string]string{"kind": "enforcement.decision"}, 3},
	} {
		m := find(fams, c.name, c.labels)
		if m == nil {
			t.Errorf("%s%v not exported", c.name, c.labels)
			continue
		}
		if got := m.GetGauge().GetValue(); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// TestStoreReadFails checks that a reading that fails reports the store as
// down and nothing else.
func TestStoreReadFails(t *testing.T) {
	mx := metrics.New()
	mx.Registry().MustRegister(metrics.NewStore(func(context.Context) (metrics.Reading, error) {
		return metrics.Reading{}, errors.New("database unreachable")
	}, zaptest.NewLogger(t)))
	web := httptest.NewServer(mx.Handler())
	defer web.Close()
	fams := scrape(t, web.URL)
	if m := find(fams, "ipcase_store_scrape_success", nil); m == nil || m.GetGauge().GetValue() != 0 {
		t.Errorf("ipcase_store_scrape_success = %v, want 0", m)
	}
	if fams["ipcase_event_log_position"] != nil || fams["ipcase_deadlines_overdue"] != nil {
		t.Error("a failed reading exported figures")
	}
}
