package metrics

import (
	"errors"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/errs"
)

// storage follows whether each store (the database, the evidence folder)
// is full, as the calls it serves find out: a call refused with
// errs.StorageFull marks its store full; a later success of a method that
// was refused so marks it writable again. Operators get a gauge and a
// counter, and one log line per change (Error when a store fills, Info when
// it takes writes again), however many calls meet the full store.
type storage struct {
	gauge   *prometheus.GaugeVec
	refused *prometheus.CounterVec

	mu     sync.Mutex
	logger *zap.Logger
	// refusing holds, per full store, the methods refused since it filled.
	refusing map[string]map[string]bool
}

func newStorage() *storage {
	s := &storage{
		gauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipcase_storage_full",
			Help: "1 while a store (db, evidence) refuses writes for want of space: from a call refused so until a call of a refused method succeeds.",
		}, []string{"store"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipcase_storage_full_refusals_total",
			Help: "Calls refused because a store (db, evidence) was full.",
		}, []string{"store"}),
		logger:   zap.NewNop(),
		refusing: map[string]map[string]bool{},
	}
	for _, name := range []string{"db", "evidence"} {
		s.gauge.WithLabelValues(name).Set(0)
		s.refused.WithLabelValues(name)
	}
	return s
}

// observe notes the outcome err of a call of method.
func (s *storage) observe(method string, err error) {
	var f *errs.Full
	full := errors.As(err, &f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if full {
		s.refused.WithLabelValues(f.Store).Inc()
		if s.refusing[f.Store] == nil {
			s.refusing[f.Store] = map[string]bool{}
			s.gauge.WithLabelValues(f.Store).Set(1)
			s.logger.Error("storage full: writes are refused until space is freed",
				zap.String("store", f.Store), zap.String("method", method), zap.Error(err))
		}
		s.refusing[f.Store][method] = true
		return
	}
	if err != nil {
		return
	}
	for store, methods := range s.refusing {
		if methods[method] {
			delete(s.refusing, store)
			s.gauge.WithLabelValues(store).Set(0)
			s.logger.Info("storage takes writes again", zap.String("store", store), zap.String("method", method))
		}
	}
}

// AlertTo makes m log, to logger, each time a store fills up or takes
// writes again (ipcase_storage_full). Call it before serving.
func (m *Metrics) AlertTo(logger *zap.Logger) {
	m.storage.mu.Lock()
	defer m.storage.mu.Unlock()
	m.storage.logger = logger
}
