package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"gorm.io/gorm"
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

// Store reads the event log's and the deadlines' state from the database
// at scrape time. Every replica reports the same figures, so dashboards
// take max() over replicas.
type Store struct {
	db     *gorm.DB
	logger *zap.Logger

	mu   sync.Mutex
	at   time.Time
	last []prometheus.Metric
}

// NewStore returns the collector; register it with Metrics.Registry.
func NewStore(db *gorm.DB, logger *zap.Logger) *Store {
	return &Store{db: db, logger: logger.Named("metrics")}
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
		s.last, s.at = s.read(), time.Now()
	}
	for _, m := range s.last {
		ch <- m
	}
}

func (s *Store) read() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := s.readStore(ctx)
	if err != nil {
		s.logger.Warn("reading the store for metrics failed", zap.Error(err))
		return []prometheus.Metric{prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 0)}
	}
	return append(out, prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 1))
}

func (s *Store) readStore(ctx context.Context) ([]prometheus.Metric, error) {
	db := s.db.WithContext(ctx)
	var out []prometheus.Metric
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	var log struct{ Position, Unstamped int64 }
	if err := db.Raw(`SELECT (SELECT coalesce(max(position), 0) FROM event_positions) AS position,
		(SELECT count(*) FROM event_unstamped) AS unstamped`).Scan(&log).Error; err != nil {
		return nil, err
	}
	gauge(descPosition, float64(log.Position))
	gauge(descUnstamped, float64(log.Unstamped))
	var lags []struct {
		Name string
		Lag  int64
	}
	if err := db.Raw(`SELECT name, greatest(? - position, 0) AS lag FROM consumer_cursors ORDER BY name`, log.Position).
		Scan(&lags).Error; err != nil {
		return nil, err
	}
	for _, l := range lags {
		gauge(descLag, float64(l.Lag), l.Name)
	}
	// Due days are civil dates in China; "today" is China Standard Time's.
	var rows []struct {
		Kind                         string
		Approaching, Overdue, Missed int64
	}
	if err := db.Raw(`WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS d)
		SELECT kind,
			count(*) FILTER (WHERE status = 'OPEN' AND due_date >= today.d AND due_date < today.d + ?::integer) AS approaching,
			count(*) FILTER (WHERE status = 'OPEN' AND due_date < today.d) AS overdue,
			count(*) FILTER (WHERE status = 'MISSED') AS missed
		FROM deadlines, today WHERE status IN ('OPEN', 'MISSED') GROUP BY kind ORDER BY kind`, ApproachingWindow).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		gauge(descApproaching, float64(r.Approaching), r.Kind)
		gauge(descOverdue, float64(r.Overdue), r.Kind)
		gauge(descMissed, float64(r.Missed), r.Kind)
	}
	return out, nil
}
