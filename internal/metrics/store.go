package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// ApproachingWindow is how far ahead ipcase_deadlines_approaching looks.
const ApproachingWindow = 7

// storeTTL is how long one reading of the store serves scrapes: several
// Prometheus servers, or a dashboard refreshing fast, must not turn into a
// stream of counting queries.
const storeTTL = 10 * time.Second

var (
	descPosition = prometheus.NewDesc("ipcase_event_log_position",
		"The highest position the event relay has stamped.", nil, nil)
	descUnstamped = prometheus.NewDesc("ipcase_event_unstamped",
		"Committed events the relay has not stamped yet.", nil, nil)
	descLag = prometheus.NewDesc("ipcase_event_consumer_lag",
		"Stamped event positions past the consumer's cursor.", []string{"consumer"}, nil)
	descApproaching = prometheus.NewDesc("ipcase_deadlines_approaching",
		"Open statutory deadlines due within 7 days (China Standard Time), by kind.", []string{"kind"}, nil)
	descOverdue = prometheus.NewDesc("ipcase_deadlines_overdue",
		"Open deadlines whose due day has passed and that the sweeper has not marked missed yet, by kind.", []string{"kind"}, nil)
	descMissed = prometheus.NewDesc("ipcase_deadlines_missed",
		"Deadlines marked missed, by kind.", []string{"kind"}, nil)
	descStoreUp = prometheus.NewDesc("ipcase_store_scrape_success",
		"1 when the last reading of the event log and deadlines succeeded.", nil, nil)
)

// Reading is the state of the event log and of the statutory clocks at one
// moment, as the packages that own them report it (events.ReadStats,
// clock.Store.Counts); ipcased joins them.
type Reading struct {
	// Position is the highest position the relay has stamped.
	Position int64
	// Unstamped counts committed events not stamped yet.
	Unstamped int64
	// Lag is, per consumer, the positions past its cursor.
	Lag map[string]int64
	// Deadlines are, per kind, the open deadlines approaching within
	// ApproachingWindow days and overdue, and the missed ones.
	Deadlines []DeadlineCounts
}

// DeadlineCounts are the deadlines of one kind.
type DeadlineCounts struct {
	Kind                         string
	Approaching, Overdue, Missed int64
}

// Store reports a Reading of the store at scrape time. Every replica
// reports the same figures, so dashboards take max() over replicas.
type Store struct {
	read   func(context.Context) (Reading, error)
	logger *zap.Logger

	mu   sync.Mutex
	at   time.Time
	last []prometheus.Metric
}

// NewStore returns the collector of what read reports; register it with
// Metrics.Registry.
func NewStore(read func(context.Context) (Reading, error), logger *zap.Logger) *Store {
	return &Store{read: read, logger: logger.Named("metrics")}
}

// Describe sends the descriptors of every metric Store reports.
func (s *Store) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPosition, descUnstamped, descLag, descApproaching, descOverdue, descMissed, descStoreUp} {
		ch <- d
	}
}

// Collect reads the store, or repeats a reading younger than storeTTL.
func (s *Store) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.at) > storeTTL {
		s.last, s.at = s.collect(), time.Now()
	}
	for _, m := range s.last {
		ch <- m
	}
}

func (s *Store) collect() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := s.read(ctx)
	if err != nil {
		s.logger.Warn("reading the store for metrics failed", zap.Error(err))
		return []prometheus.Metric{prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 0)}
	}
	var out []prometheus.Metric
	gauge := func(d *prometheus.Desc, v int64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...))
	}
	gauge(descPosition, r.Position)
	gauge(descUnstamped, r.Unstamped)
	for name, lag := range r.Lag {
		gauge(descLag, lag, name)
	}
	for _, d := range r.Deadlines {
		gauge(descApproaching, d.Approaching, d.Kind)
		gauge(descOverdue, d.Overdue, d.Kind)
		gauge(descMissed, d.Missed, d.Kind)
	}
	return append(out, prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 1))
}
