package metrics_test

import (
	"context"
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
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
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
	ctx := context.Background()
	db := storetest.NewDB(t)
	mx := metrics.New()
	if err := mx.InstrumentDB(db, "ipcase"); err != nil {
		t.Fatal(err)
	}
	env := authtest.New(t)
	opts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(mx.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(mx.StreamInterceptor()),
	}, env.ServerOptions()...)
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, filing.NewServer(filing.NewStore(db, events.NewEphemeralCheckpoints()), time.Now))
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
	resp, err := http.Get(web.URL + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Errorf("pprof goroutine profile: %s", resp.Status)
	}
}

// TestStoreGauges checks the event log and deadline gauges against rows
// put in place here: a consumer behind the log by the events it has not
// read, and deadlines approaching, overdue and missed on days computed
// from China Standard Time.
func TestStoreGauges(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t)
	fs := filing.NewStore(db, events.NewEphemeralCheckpoints())
	srv := filing.NewServer(fs, time.Now)
	env := authtest.New(t)
	conn := servertest.Start(t, func(s *server.Server) { ipcasev1.RegisterFilingServiceServer(s, srv) }, env.ServerOptions()...)
	client := ipcasev1.NewFilingServiceClient(conn)
	officer := authtest.WithToken(ctx, env.Officer(t, "NCAC-FJ"))
	m, err := client.SubmitComplaint(officer, complaint(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SubmitComplaint(officer, complaint(2)); err != nil {
		t.Fatal(err)
	}
	stamped, err := events.Stamp(ctx, db, 1000)
	if err != nil || stamped == 0 {
		t.Fatalf("stamped %d events: %v", stamped, err)
	}
	// A consumer that has read two positions lags by the rest.
	if err := db.Exec(`INSERT INTO consumer_cursors (name, position) VALUES ('test.behind', 2)`).Error; err != nil {
		t.Fatal(err)
	}
	var proc struct{ ID, MatterID string }
	if err := db.Raw(`SELECT id, matter_id FROM proceedings WHERE matter_id = ? LIMIT 1`, strings.TrimPrefix(m.GetMatter().GetName(), "matters/")).Scan(&proc).Error; err != nil || proc.ID == "" {
		t.Fatalf("proceeding of %s: %v", m.GetMatter().GetName(), err)
	}
	cst := time.FixedZone("CST", 8*3600)
	today := time.Now().In(cst)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	for _, d := range []struct {
		kind, status, due string
	}{
		{"test.approaching", "OPEN", day(0)},
		{"test.approaching_late", "OPEN", day(6)},
		{"test.far", "OPEN", day(7)},
		{"test.overdue", "OPEN", day(-1)},
		{"test.missed", "MISSED", day(-3)},
	} {
		closed := any(nil)
		if d.status != "OPEN" {
			closed = time.Now()
		}
		if err := db.Exec(`INSERT INTO deadlines (id, matter_id, proceeding_id, kind, trigger_date, period, unit, due_date, raw_end,
			adjusted, steps, calendar_version, status, create_time, update_time, close_time)
			VALUES (?, ?, ?, ?, ?, 5, 'calendar-days', ?, ?, false, '[]', 'test', ?, now(), now(), ?)`,
			uuid.NewString(), proc.MatterID, proc.ID, d.kind, day(-10), d.due, d.due, d.status, closed).Error; err != nil {
			t.Fatal(err)
		}
	}

	mx := metrics.New()
	mx.Registry().MustRegister(metrics.NewStore(db, zaptest.NewLogger(t)))
	web := httptest.NewServer(mx.Handler())
	defer web.Close()
	fams := scrape(t, web.URL)
	gauge := func(name string, labels map[string]string) float64 {
		t.Helper()
		m := find(fams, name, labels)
		if m == nil {
			t.Fatalf("%s%v not exported", name, labels)
		}
		return m.GetGauge().GetValue()
	}
	if got := gauge("ipcase_event_log_position", nil); got != float64(stamped) {
		t.Errorf("log position %v, want %d", got, stamped)
	}
	if got := gauge("ipcase_event_consumer_lag", map[string]string{"consumer": "test.behind"}); got != float64(stamped-2) {
		t.Errorf("consumer lag %v, want %d", got, stamped-2)
	}
	if got := gauge("ipcase_event_unstamped", nil); got != 0 {
		t.Errorf("unstamped %v, want 0 after stamping", got)
	}
	for _, c := range []struct {
		name, kind string
		want       float64
	}{
		{"ipcase_deadlines_approaching", "test.approaching", 1},
		{"ipcase_deadlines_approaching", "test.approaching_late", 1},
		{"ipcase_deadlines_approaching", "test.far", 0},
		{"ipcase_deadlines_approaching", "test.overdue", 0},
		{"ipcase_deadlines_overdue", "test.overdue", 1},
		{"ipcase_deadlines_overdue", "test.approaching", 0},
		{"ipcase_deadlines_missed", "test.missed", 1},
		{"ipcase_deadlines_missed", "test.overdue", 0},
	} {
		if got := gauge(c.name, map[string]string{"kind": c.kind}); got != c.want {
			t.Errorf("%s{kind=%q} = %v, want %v", c.name, c.kind, got, c.want)
		}
	}
}
